/*
 * ipdrift run: the scheduled pipeline from the configuration file.
 *
 *   import (each source) -> suppress --file -> sweep (each segment) while
 *   listen runs for the window -> resolve (+ a --ptr pass) -> audit -> report (each
 *   output) -> fix -> prune ([prune], in this process: it needs the run lock)
 *
 * Each stage calls the other command's run() in-process with an argv built
 * from the configuration, inside a fork()ed child: sweep and listen drop
 * root/CAP_NET_RAW once their sockets are open, which must not cost the next
 * segment's sweep or the later stages their rights; a stage that exits, dies or
 * leaks cannot take the run down; and listen must run concurrently with the
 * sweeps anyway. A killed run must leave no orphan writing into the store:
 * PR_SET_PDEATHSIG is cleared by the stage's own setresuid() (priv_drop), so
 * each child also has a watchdog thread that reads a pipe only the run holds
 * open; end of file means the run died: SIGTERM (the stages flush and stop),
 * then SIGKILL after a grace period. The children are recorded under one parent
 * `runs` row of kind "run" (struct app.parent_run, $IPDRIFT_PARENT_RUN).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_maint.h"
#include "app.h"
#include "config.h"
#include "lock.h"

enum stage { ST_IMPORT, ST_SUPPRESS, ST_SWEEP, ST_LISTEN, ST_RESOLVE, ST_AUDIT, ST_REPORT, ST_FIX,
	     ST_PRUNE, ST_MAX };
static const char *const stage_names[ST_MAX] = {
	"import", "suppress", "sweep", "listen", "resolve", "audit", "report", "fix", "prune",
};

struct result {
	enum stage stage;
	char *what;    /* source, segment, output: for the summary */
	int rc;        /* exit status; -1 = not run */
	const char *status; /* ok, failed, skipped, not-implemented, findings */
	long ms;
};

struct runctx {
	struct app *app;
	struct config *cfg;
	int lock_fd;
	int life[2];         /* pipe: the run holds life[1] open and never writes */
	pid_t parent_pid;
	bool skip[ST_MAX];
	bool dry;            /* --dry-run: print the stages as command lines */
	const char *fail_on;
	struct result *res;
	size_t nres;
	int first_error;     /* first stage exit status that is an error */
	int64_t audit_run;   /* this run's audit (runs.id), or -1: report/fix --run */
	bool fail_hit;       /* audit exit 1: findings at/above --fail-on */
};

static volatile sig_atomic_t got_signal;
static pid_t children[2]; /* the stage in the foreground, the listener */

static void on_signal(int sig)
{
	got_signal = sig;
	for (int i = 0; i < 2; i++)
		if (children[i] > 0)
			kill(children[i], SIGTERM);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An option is passed only if the command documents it in its usage text:
 * the usage texts are the contract between `run` and the stages. */
static bool documents(const struct command *cmd, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = cmd->usage; (p = strstr(p, opt)) != NULL; p += n) {
		char after = p[n];
		if (after == ' ' || after == '\n' || after == '|' || after == ']' || after == '\0' ||
		    after == ',' || after == '=')
			return true;
	}
	return false;
}

static void add_opt(struct strv *av, const struct command *cmd, const char *opt, const char *val)
{
	if (!documents(cmd, opt)) {
		log_warnx("%s has no %s option in this version: configuration value \"%s\" ignored",
			  cmd->name, opt, val ? val : "yes");
		return;
	}
	strv_push(av, opt);
	if (val)
		strv_push(av, val);
}

static void add_int(struct strv *av, const struct command *cmd, const char *opt, long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", v);
	add_opt(av, cmd, opt, buf);
}

/* Stages that document --parent-run record their run row under ours (the
 * others are linked afterwards, see db_runs_adopt). */
static void add_parent(struct runctx *r, struct strv *av, const struct command *cmd)
{
	if (documents(cmd, "--parent-run")) {
		char id[32];
		if (r->dry)
			snprintf(id, sizeof id, "RUN");
		else
			snprintf(id, sizeof id, "%lld", (long long)r->app->parent_run);
		strv_push(av, "--parent-run");
		strv_push(av, id);
	}
}

/* Reports and fixes of exactly this run's audit (a hand-started audit in
 * between would otherwise be "the newest"). */
static void add_run_id(struct runctx *r, struct strv *av, const struct command *cmd)
{
	if ((r->audit_run > 0 || r->dry) && documents(cmd, "--run")) {
		char id[32];
		if (r->dry)
			snprintf(id, sizeof id, "AUDIT");
		else
			snprintf(id, sizeof id, "%lld", (long long)r->audit_run);
		strv_push(av, "--run");
		strv_push(av, id);
	}
}

/* Under run --quiet, stages that have --quiet get it (no per-host lists or
 * summaries in the journal); the option is optional, so no warning. */
static void add_quiet(struct runctx *r, struct strv *av, const struct command *cmd)
{
	if (r->app->verbosity < 0 && documents(cmd, "--quiet"))
		strv_push(av, "--quiet");
}

static void reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

#define WATCHDOG_GRACE_S 10

static void *watchdog(void *arg)
{
	int fd = (int)(intptr_t)arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* the stage's handlers run in its thread */
	char c;
	ssize_t n;
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	/* EOF: the run is gone (no one writes, so n > 0 never happens). */
	kill(getpid(), SIGTERM);
	sleep(WATCHDOG_GRACE_S);
	kill(getpid(), SIGKILL);
	return NULL;
}

static pid_t spawn(struct runctx *r, const struct command *cmd, struct strv *av)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		return -1;
	}
	if (pid > 0)
		return pid;
	/* child */
	reset_signals();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != r->parent_pid)
		_exit(EX_SOFTWARE); /* the run died before we got here */
	close(r->lock_fd);  /* the parent's descriptor keeps the lock */
	close(r->life[1]);
	pthread_t th;
	if (pthread_create(&th, NULL, watchdog, (void *)(intptr_t)r->life[0]) != 0)
		_exit(EX_OSERR);
	pthread_detach(th);
	/* The run's stdout is its summary; stage chatter goes with the logs. */
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(EX_OSERR);
	struct app a = *r->app;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)r->app->parent_run);
	setenv("IPDRIFT_PARENT_RUN", id, 1);
	optind = 0;
	opterr = 1;
	int rc = cmd->run(&a, (int)av->n, av->v);
	fflush(stdout);
	fflush(stderr);
	_exit(rc & 0xff);
}

#define STAGE_KILL_GRACE_MS 10000

/* Wait for a stage. deadline_ms (CLOCK_MONOTONIC, 0 = none): past it the
 * stage gets SIGTERM (the stages flush and stop), and SIGKILL 10 s later;
 * *timed_out tells. Polls every 20 ms: stages last seconds to minutes. */
static int reap(pid_t pid, long deadline_ms, bool *timed_out)
{
	int st;
	bool termed = false;
	if (timed_out)
		*timed_out = false;
	for (;;) {
		pid_t w = waitpid(pid, &st, deadline_ms ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			log_warn("waitpid");
			return EX_OSERR;
		}
		if (!deadline_ms)
			continue;
		long now = now_ms();
		if (!termed && now >= deadline_ms) {
			kill(pid, SIGTERM);
			termed = true;
			if (timed_out)
				*timed_out = true;
		} else if (termed && now >= deadline_ms + STAGE_KILL_GRACE_MS) {
			kill(pid, SIGKILL);
			deadline_ms = 0; /* now block until it is gone */
			continue;
		}
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		if (!got_signal && !(timed_out && *timed_out))
			log_warnx("stage process %ld killed by signal %d", (long)pid, WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return EX_SOFTWARE;
}

static struct result *add_result(struct runctx *r, enum stage s, const char *what)
{
	r->res = xreallocarray(r->res, r->nres + 1, sizeof *r->res);
	struct result *x = &r->res[r->nres++];
	*x = (struct result){ .stage = s, .what = xstrdup(what ? what : ""), .rc = -1,
			      .status = "skipped" };
	return x;
}

static void settle(struct runctx *r, struct result *x, int rc, long t0)
{
	x->rc = rc;
	x->ms = now_ms() - t0;
	if (rc == 0) {
		x->status = "ok";
	} else if (rc == EX_UNAVAILABLE) {
		/* Not built in this version: reported, not fatal. */
		x->status = "not-implemented";
		char *e = esc_term_dup(x->what);
		log_info("%s %s: not implemented in this version, skipped", stage_names[x->stage], e);
		free(e);
	} else if (rc == 1 && x->stage == ST_AUDIT) {
		x->status = "findings";
		r->fail_hit = true;
	} else {
		x->status = got_signal ? "interrupted" : "failed";
		if (!got_signal) {
			char *e = esc_term_dup(x->what);
			log_warnx("%s %s failed with exit status %d", stage_names[x->stage], e, rc);
			free(e);
		}
		if (!r->first_error)
			r->first_error = rc > 125 ? EX_SOFTWARE : rc;
	}
}

/* --dry-run: one shell-quoted command line per stage on stdout. */
static void print_argv(const struct strv *av, const char *suffix)
{
	fputs("ipdrift", stdout);
	for (size_t i = 0; i < av->n; i++) {
		const char *a = av->v[i];
		bool plain = *a != '\0';
		for (const char *c = a; *c && plain; c++)
			plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				(*c >= '0' && *c <= '9') || strchr("_./:@%+=,-[]", *c);
		putchar(' ');
		if (plain) {
			fputs(a, stdout);
			continue;
		}
		putchar('\'');
		for (const char *c = a; *c; c++) {
			if (*c == '\'')
				fputs("'\\''", stdout);
			else if ((unsigned char)*c < 0x20 || *c == 0x7f)
				printf("\\x%02x", (unsigned char)*c); /* not reachable: config rejects controls */
			else
				putchar(*c);
		}
		putchar('\'');
	}
	puts(suffix);
}

/* -v shows each stage as the command line it amounts to. */
static void log_argv(const struct strv *av)
{
	if (!log_enabled(LOG_LVL_INFO))
		return;
	struct sbuf b = SBUF_INIT;
	sbuf_adds(&b, "stage: ipdrift");
	for (size_t i = 0; i < av->n; i++) {
		sbuf_addc(&b, ' ');
		esc_term(ESC_BUF(&b), av->v[i], strlen(av->v[i]));
	}
	log_info("%s", sbuf_str(&b));
	sbuf_free(&b);
}

/* Link the stage's run rows to the parent run right away, so that a run
 * killed later still has its finished stages under it. */
static void adopt(struct runctx *r)
{
	struct db *db;
	if (app_open_db(r->app, 0, &db) != 0)
		return;
	if (db_runs_adopt(db, r->app->parent_run) < 0)
		log_warnx("cannot link stage runs to run %lld", (long long)r->app->parent_run);
	db_close(db);
}

/* Run one stage in the foreground and record it. */
static void stage(struct runctx *r, enum stage s, const char *what, const struct command *cmd,
		  struct strv *av)
{
	struct result *x = add_result(r, s, what);
	if (got_signal) {
		x->status = "interrupted";
		strv_free(av);
		return;
	}
	if (r->dry) {
		print_argv(av, "");
		x->status = "planned";
		x->rc = 0;
		strv_free(av);
		return;
	}
	log_argv(av);
	long t0 = now_ms();
	pid_t pid = spawn(r, cmd, av);
	strv_free(av);
	if (pid < 0) {
		settle(r, x, EX_OSERR, t0);
		return;
	}
	children[0] = pid;
	bool late = false;
	long deadline = r->cfg->stage_timeout ? t0 + r->cfg->stage_timeout * 1000L : 0;
	int rc = reap(pid, deadline, &late);
	children[0] = 0;
	if (late) {
		char *e = esc_term_dup(x->what);
		log_warnx("%s %s: still running after %d s (timeout): stopped", stage_names[s], e,
			  r->cfg->stage_timeout);
		free(e);
		if (rc == 0 || rc == EX_UNAVAILABLE || rc == 1)
			rc = EX_TEMPFAIL; /* what it wrote is partial */
	}
	settle(r, x, rc, t0);
	if (late)
		x->status = "timeout";
	adopt(r);
}

static void do_import(struct runctx *r)
{
	for (size_t i = 0; i < r->cfg->nimports; i++) {
		const struct cfg_import *im = &r->cfg->imports[i];
		struct strv av = { 0 };
		strv_push(&av, "import");
		strv_push(&av, im->kind);
		strv_push(&av, im->path);
		if (im->format)
			add_opt(&av, &cmd_import, "--format", im->format);
		if (im->source)
			add_opt(&av, &cmd_import, "--source", im->source);
		if (im->origin)
			add_opt(&av, &cmd_import, "--origin", im->origin);
		if (im->axfr)
			add_opt(&av, &cmd_import, "--axfr", im->axfr);
		if (im->key)
			add_opt(&av, &cmd_import, "--key", im->key);
		add_quiet(r, &av, &cmd_import);
		add_parent(r, &av, &cmd_import);
		char *what = im->axfr ? xasprintf("%s %s axfr %s", im->kind, im->path, im->axfr)
				      : xasprintf("%s %s", im->kind, im->path);
		stage(r, ST_IMPORT, what, &cmd_import, &av);
		free(what);
	}
}

static pid_t start_listen(struct runctx *r, size_t *xi, long *t0)
{
	struct config *c = r->cfg;
	struct strv ifs = { 0 };
	if (c->listen_ifaces.n) {
		for (size_t i = 0; i < c->listen_ifaces.n; i++)
			strv_push(&ifs, c->listen_ifaces.v[i]);
	} else {
		for (size_t i = 0; i < c->nseg; i++) {
			bool dup = false;
			for (size_t j = 0; j < ifs.n; j++)
				dup |= strcmp(ifs.v[j], c->seg[i].iface) == 0;
			if (!dup)
				strv_push(&ifs, c->seg[i].iface);
		}
	}
	struct strv av = { 0 };
	strv_push(&av, "listen");
	struct sbuf what = SBUF_INIT;
	for (size_t i = 0; i < ifs.n; i++) {
		add_opt(&av, &cmd_listen, "--interface", ifs.v[i]);
		sbuf_printf(&what, "%s%s", i ? "," : "", ifs.v[i]);
	}
	sbuf_printf(&what, " %ds", c->listen_window);
	add_int(&av, &cmd_listen, "--duration", c->listen_window);
	if (c->listen_promisc == 0)
		add_opt(&av, &cmd_listen, "--no-promisc", NULL);
	if (c->user)
		add_opt(&av, &cmd_listen, "--user", c->user);
	for (size_t i = 0; i < c->listen_prefix.n; i++)
		add_opt(&av, &cmd_listen, "--prefix", c->listen_prefix.v[i]);
	if (c->sensor)
		add_opt(&av, &cmd_listen, "--sensor", c->sensor);
	if (c->listen_flush)
		add_int(&av, &cmd_listen, "--flush", c->listen_flush);
	add_parent(r, &av, &cmd_listen);
	add_quiet(r, &av, &cmd_listen);
	strv_free(&ifs);
	/* An index, not a pointer: the sweeps' results grow the array. */
	*xi = r->nres;
	add_result(r, ST_LISTEN, sbuf_str(&what));
	sbuf_free(&what);
	if (r->dry) {
		print_argv(&av, " &");
		r->res[*xi].status = "planned";
		r->res[*xi].rc = 0;
		strv_free(&av);
		return 0;
	}
	log_argv(&av);
	*t0 = now_ms();
	pid_t pid = spawn(r, &cmd_listen, &av);
	strv_free(&av);
	return pid;
}

static void do_sweeps(struct runctx *r)
{
	for (size_t i = 0; i < r->cfg->nseg; i++) {
		const struct cfg_segment *s = &r->cfg->seg[i];
		struct strv av = { 0 };
		strv_push(&av, "sweep");
		add_opt(&av, &cmd_sweep, "--interface", s->iface);
		for (size_t t = 0; t < s->targets.n; t++)
			strv_push(&av, s->targets.v[t]);
		for (size_t t = 0; t < s->targets6.n; t++)
			add_opt(&av, &cmd_sweep, "--target6", s->targets6.v[t]);
		if (s->ipv4 == 0)
			add_opt(&av, &cmd_sweep, "--no-ipv4", NULL);
		if (s->ipv6 == 0)
			add_opt(&av, &cmd_sweep, "--no-ipv6", NULL);
		if (s->vlan)
			add_int(&av, &cmd_sweep, "--vlan", s->vlan);
		if (s->rate)
			add_int(&av, &cmd_sweep, "--rate", s->rate);
		if (s->bandwidth)
			add_opt(&av, &cmd_sweep, "--bandwidth", s->bandwidth);
		if (s->fast == 1)
			add_opt(&av, &cmd_sweep, "--fast", NULL);
		if (s->retries >= 0)
			add_int(&av, &cmd_sweep, "--retries", s->retries);
		if (s->timeout_ms)
			add_int(&av, &cmd_sweep, "--timeout", s->timeout_ms);
		if (r->cfg->user)
			add_opt(&av, &cmd_sweep, "--user", r->cfg->user);
		add_quiet(r, &av, &cmd_sweep);
		add_parent(r, &av, &cmd_sweep);
		char *what = xasprintf("%s (%s)", s->name, s->iface);
		stage(r, ST_SWEEP, what, &cmd_sweep, &av);
		free(what);
	}
}

static void do_wire(struct runctx *r)
{
	struct config *c = r->cfg;
	bool listen = !r->skip[ST_LISTEN] && c->listen_window > 0;
	pid_t lpid = -1;
	size_t lx = 0;
	long lt0 = 0;
	if (listen && !got_signal) {
		lpid = start_listen(r, &lx, &lt0);
		if (lpid < 0)
			settle(r, &r->res[lx], EX_OSERR, lt0);
		children[1] = lpid > 0 ? lpid : 0;
	}
	if (!r->skip[ST_SWEEP])
		do_sweeps(r);
	if (r->dry && listen)
		puts("wait");
	if (lpid > 0) {
		/* listen stops itself after the window; a capture that hangs gets
		 * the stage timeout (or a minute) on top. */
		int extra = r->cfg->stage_timeout ? r->cfg->stage_timeout : 60;
		bool late = false;
		int rc = reap(lpid, lt0 + (c->listen_window + extra) * 1000L, &late);
		children[1] = 0;
		if (late) {
			log_warnx("listen: still running %d s after its window: stopped", extra);
			if (rc == 0 || rc == EX_UNAVAILABLE)
				rc = EX_TEMPFAIL;
		}
		settle(r, &r->res[lx], rc, lt0);
		adopt(r);
	}
}

static void resolve_common(struct runctx *r, struct strv *av)
{
	struct config *c = r->cfg;
	for (size_t i = 0; i < c->dns_servers.n; i++)
		add_opt(av, &cmd_resolve, "--server", c->dns_servers.v[i]);
	if (c->dns_concurrency)
		add_int(av, &cmd_resolve, "--concurrency", c->dns_concurrency);
	if (c->dns_timeout_ms)
		add_int(av, &cmd_resolve, "--timeout", c->dns_timeout_ms);
	if (c->dns_tries)
		add_int(av, &cmd_resolve, "--tries", c->dns_tries);
	if (c->dns_forward == 0)
		add_opt(av, &cmd_resolve, "--no-forward", NULL);
	if (c->dns_domain)
		add_opt(av, &cmd_resolve, "--domain", c->dns_domain);
	add_parent(r, av, &cmd_resolve);
	add_quiet(r, av, &cmd_resolve);
}

static void do_resolve(struct runctx *r)
{
	struct config *c = r->cfg;
	if (!c->dns_enabled)
		return;
	struct strv av = { 0 };
	strv_push(&av, "resolve");
	if (c->dns_verify_zones == 1)
		add_opt(&av, &cmd_resolve, "--verify-zones", NULL);
	resolve_common(r, &av);
	stage(r, ST_RESOLVE, NULL, &cmd_resolve, &av);
	/* `resolve --ptr` replaces the inventory lookups: a second pass. */
	if (c->dns_ptr.n) {
		struct strv pv = { 0 };
		struct sbuf what = SBUF_INIT;
		strv_push(&pv, "resolve");
		for (size_t i = 0; i < c->dns_ptr.n; i++) {
			add_opt(&pv, &cmd_resolve, "--ptr", c->dns_ptr.v[i]);
			sbuf_printf(&what, "%sptr %s", i ? ", " : "", c->dns_ptr.v[i]);
		}
		resolve_common(r, &pv);
		stage(r, ST_RESOLVE, sbuf_str(&what), &cmd_resolve, &pv);
		sbuf_free(&what);
	}
}

static void do_suppress(struct runctx *r)
{
	if (!r->cfg->suppressions)
		return;
	struct strv av = { 0 };
	strv_push(&av, "suppress");
	add_opt(&av, &cmd_suppress, "--file", r->cfg->suppressions);
	stage(r, ST_SUPPRESS, r->cfg->suppressions, &cmd_suppress, &av);
}

static void do_audit(struct runctx *r)
{
	struct config *c = r->cfg;
	struct strv av = { 0 };
	strv_push(&av, "audit");
	if (c->stale_days)
		add_int(&av, &cmd_audit, "--stale-days", c->stale_days);
	if (c->exhaustion)
		add_int(&av, &cmd_audit, "--exhaustion", c->exhaustion);
	if (c->stale_sweeps)
		add_int(&av, &cmd_audit, "--stale-sweeps", c->stale_sweeps);
	if (c->passive_coverage == 1)
		add_opt(&av, &cmd_audit, "--passive-coverage", NULL);
	if (c->conflict_window)
		add_opt(&av, &cmd_audit, "--conflict-window", c->conflict_window);
	for (size_t i = 0; i < c->severity.n; i++)
		add_opt(&av, &cmd_audit, "--severity", c->severity.v[i]);
	for (size_t i = 0; i < c->disable.n; i++)
		add_opt(&av, &cmd_audit, "--disable", c->disable.v[i]);
	if (c->mac_vendors)
		add_opt(&av, &cmd_audit, "--mac-vendors", c->mac_vendors);
	add_parent(r, &av, &cmd_audit);
	if (c->geoip_db)
		add_opt(&av, &cmd_audit, "--geoip-db", c->geoip_db);
	if (c->asn_db)
		add_opt(&av, &cmd_audit, "--asn-db", c->asn_db);
	for (size_t i = 0; i < c->own_prefix.n; i++)
		add_opt(&av, &cmd_audit, "--own-prefix", c->own_prefix.v[i]);
	for (size_t i = 0; i < c->own_asn.n; i++)
		add_opt(&av, &cmd_audit, "--own-asn", c->own_asn.v[i]);
	if (r->fail_on)
		add_opt(&av, &cmd_audit, "--fail-on", r->fail_on);
	add_quiet(r, &av, &cmd_audit);
	stage(r, ST_AUDIT, NULL, &cmd_audit, &av);
}

/* Output paths may hold strftime(3) conversions (report-%Y%m%d.html). The
 * directory is created (one level, 0750) when missing: StateDirectory= makes
 * /var/lib/ipdrift, not its reports/ subdirectory. */
static char *out_path(const char *tmpl, time_t t, bool create_dir)
{
	char buf[4096];
	struct tm tm;
	localtime_r(&t, &tm);
	size_t n = strchr(tmpl, '%') ? strftime(buf, sizeof buf, tmpl, &tm) : 0;
	char *p = n ? xstrdup(buf) : xstrdup(tmpl);
	char *slash = strrchr(p, '/');
	if (create_dir && slash && slash != p) {
		*slash = '\0';
		if (mkdir(p, 0750) != 0 && errno != EEXIST)
			log_warn("cannot create %s", p);
		*slash = '/';
	}
	return p;
}

static void do_reports(struct runctx *r, time_t t)
{
	for (size_t i = 0; i < r->cfg->nreports; i++) {
		const struct cfg_output *o = &r->cfg->reports[i];
		char *path = out_path(o->path, t, !r->dry);
		struct strv av = { 0 };
		strv_push(&av, "report");
		add_opt(&av, &cmd_report, "--format", o->format);
		add_opt(&av, &cmd_report, "-o", path);
		add_run_id(r, &av, &cmd_report);
		/* Each scheduled run replaces its previous report. */
		add_opt(&av, &cmd_report, "--force", NULL);
		char *what = xasprintf("%s %s", o->format, path);
		stage(r, ST_REPORT, what, &cmd_report, &av);
		free(what);
		free(path);
	}
}

static void do_fix(struct runctx *r, time_t t)
{
	struct config *c = r->cfg;
	if (c->nsupdate) {
		char *path = out_path(c->nsupdate, t, !r->dry);
		struct strv av = { 0 };
		strv_push(&av, "fix");
		add_opt(&av, &cmd_fix, "--nsupdate", NULL);
		add_opt(&av, &cmd_fix, "-o", path);
		add_run_id(r, &av, &cmd_fix);
		if (c->nsupdate_server)
			add_opt(&av, &cmd_fix, "--server", c->nsupdate_server);
		if (c->nsupdate_ttl >= 0)
			add_int(&av, &cmd_fix, "--ttl", c->nsupdate_ttl);
		/* Each scheduled run replaces its previous fix files. */
		add_opt(&av, &cmd_fix, "--force", NULL);
		char *what = xasprintf("nsupdate %s", path);
		stage(r, ST_FIX, what, &cmd_fix, &av);
		free(what);
		free(path);
	}
	if (c->ipam_csv) {
		char *path = out_path(c->ipam_csv, t, !r->dry);
		struct strv av = { 0 };
		strv_push(&av, "fix");
		add_opt(&av, &cmd_fix, "--ipam-csv", path);
		if (c->ipam_format)
			add_opt(&av, &cmd_fix, "--format", c->ipam_format);
		add_run_id(r, &av, &cmd_fix);
		add_opt(&av, &cmd_fix, "--force", NULL);
		char *what = xasprintf("ipam-csv %s", path);
		stage(r, ST_FIX, what, &cmd_fix, &av);
		free(what);
		free(path);
	}
}

/* Retention at the end of the run, in this process: `ipdrift prune` would
 * take the run lock we hold. The newest data (this run's) is never older
 * than the cut-off, and findings keep their runs (db_prune). */
static void do_prune(struct runctx *r)
{
	char *what = xasprintf("older than %d days%s", r->cfg->prune_days,
			       r->cfg->prune_vacuum == 1 ? ", vacuum" : "");
	struct result *x = add_result(r, ST_PRUNE, what);
	free(what);
	if (r->dry) {
		printf("ipdrift prune --older-than %d%s\n", r->cfg->prune_days,
		       r->cfg->prune_vacuum == 1 ? " --vacuum" : "");
		x->status = "planned";
		x->rc = 0;
		return;
	}
	long t0 = now_ms();
	struct db *db;
	int rc = app_open_db(r->app, 0, &db);
	if (rc == 0) {
		struct db_prune_counts n;
		int64_t before = (int64_t)time(NULL) - (int64_t)r->cfg->prune_days * 86400;
		if (db_prune(db, before, false, &n) != IPD_OK) {
			log_warnx("prune: %s", db_errmsg(db));
			rc = EX_SOFTWARE;
		} else {
			log_info("prune: deleted %lld observations, %lld answers, %lld events,"
				 " %lld coverage rows, %lld runs",
				 (long long)n.observations, (long long)n.dns_answers,
				 (long long)n.events, (long long)n.coverage, (long long)n.runs);
			if (r->cfg->prune_vacuum == 1 && db_vacuum(db) != IPD_OK) {
				log_warnx("prune: vacuum: %s", db_errmsg(db));
				rc = EX_IOERR;
			}
		}
		db_close(db);
	}
	settle(r, x, rc, t0);
}

static bool parse_skip(struct runctx *r, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	bool ok = true;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (int i = 0; i < ST_MAX; i++)
			if (strcmp(t, stage_names[i]) == 0)
				found = i;
		if (found < 0) {
			log_warnx("run: --skip: unknown stage \"%s\"", t);
			ok = false;
		} else {
			r->skip[found] = true;
		}
	}
	free(copy);
	return ok;
}

static char *stats_json(const struct runctx *r)
{
	struct sbuf b = SBUF_INIT;
	const struct esc_out *o = ESC_BUF(&b);
	sbuf_adds(&b, "{\"config\":");
	esc_json_str(o, r->cfg->file);
	sbuf_adds(&b, ",\"stages\":[");
	for (size_t i = 0; i < r->nres; i++) {
		const struct result *x = &r->res[i];
		sbuf_printf(&b, "%s{\"stage\":\"%s\",\"what\":", i ? "," : "", stage_names[x->stage]);
		esc_json_str(o, x->what);
		sbuf_printf(&b, ",\"status\":\"%s\",\"exit\":%d,\"ms\":%ld}", x->status, x->rc, x->ms);
	}
	sbuf_adds(&b, "]}");
	return sbuf_detach(&b);
}

/* --json: the summary as one JSON object on stdout (for monitoring). */
static void summary_json(const struct runctx *r, int64_t id, const char *status, int rc,
			 long ms, const struct db_run_findings *f)
{
	char *stages = stats_json(r);
	printf("{\"schema_version\":1,\"run\":%lld,\"status\":\"%s\",\"exit\":%d,"
	       "\"duration_ms\":%ld,\"summary\":%s", (long long)id, status, rc, ms, stages);
	free(stages);
	if (f)
		printf(",\"findings\":{\"new\":%lld,\"ongoing\":%lld,\"resolved\":%lld,"
		       "\"suppressed\":%lld,\"open\":{\"critical\":%lld,\"high\":%lld,"
		       "\"medium\":%lld,\"low\":%lld,\"info\":%lld}}",
		       (long long)f->new_, (long long)f->ongoing, (long long)f->resolved,
		       (long long)f->suppressed, (long long)f->by_sev[0], (long long)f->by_sev[1],
		       (long long)f->by_sev[2], (long long)f->by_sev[3], (long long)f->by_sev[4]);
	else
		fputs(",\"findings\":null", stdout);
	puts("}");
	fflush(stdout);
}

static void summary(const struct runctx *r, int64_t id, const char *status, int rc, long ms,
		    const struct db_run_findings *f)
{
	printf("ipdrift run %lld: %s, exit %d, %ld.%01lds\n", (long long)id, status, rc, ms / 1000,
	       (ms % 1000) / 100);
	for (size_t i = 0; i < r->nres; i++) {
		const struct result *x = &r->res[i];
		char st[48];
		if (x->rc > 0 && strcmp(x->status, "not-implemented") != 0)
			snprintf(st, sizeof st, "%s (%d)", x->status, x->rc);
		else
			snprintf(st, sizeof st, "%s", x->status);
		printf("  %-8s %-22s %5ld.%01lds  ", stage_names[x->stage], st, x->ms / 1000,
		       (x->ms % 1000) / 100);
		/* paths and names from the config: escape for the terminal */
		esc_term(ESC_FILE(stdout), x->what, strlen(x->what));
		putchar('\n');
	}
	if (f) {
		printf("  findings: %lld new, %lld ongoing, %lld resolved, %lld suppressed;"
		       " open: %lld critical, %lld high, %lld medium, %lld low, %lld info\n",
		       (long long)f->new_, (long long)f->ongoing, (long long)f->resolved,
		       (long long)f->suppressed, (long long)f->by_sev[0], (long long)f->by_sev[1],
		       (long long)f->by_sev[2], (long long)f->by_sev[3], (long long)f->by_sev[4]);
	}
	fflush(stdout);
}

/* Load the configuration; its diagnostics go through the log, so under
 * journald they carry priority prefixes and under --syslog reach syslog, and
 * errors show even with --quiet. */
static int load_config(const char *path, struct config **cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return config_load(path, stderr, cfg);
	int n = config_load(path, mem, cfg);
	fclose(mem);
	enum log_level lvl = log_get_level();
	if (n && lvl < LOG_LVL_WARN)
		log_set_level(LOG_LVL_WARN);
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_warnx("%s", line);
	if (n)
		log_warnx("%s: %d configuration error%s; nothing done", path, n, n == 1 ? "" : "s");
	log_set_level(lvl);
	free(buf);
	return n;
}

/* The pipeline as it would run now, one command per line; touches nothing
 * (no lock, no store, no directories). */
static int dry_run(struct runctx *r)
{
	printf("# ipdrift run: configuration %s, database %s\n", r->cfg->file, r->app->db_path);
	time_t started = time(NULL);
	if (!r->skip[ST_IMPORT])
		do_import(r);
	do_wire(r);
	if (!r->skip[ST_RESOLVE])
		do_resolve(r);
	if (!r->skip[ST_AUDIT]) {
		if (!r->skip[ST_SUPPRESS])
			do_suppress(r);
		do_audit(r);
	}
	if (!r->skip[ST_REPORT])
		do_reports(r, started);
	if (!r->skip[ST_FIX])
		do_fix(r, started);
	if (!r->skip[ST_PRUNE] && r->cfg->prune_days > 0)
		do_prune(r);
	for (size_t i = 0; i < r->nres; i++)
		free(r->res[i].what);
	free(r->res);
	return 0;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_run, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "fail-on", required_argument, NULL, 'f' },
		{ "wait", no_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "skip", required_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct runctx r = { .app = app, .lock_fd = -1, .parent_pid = getpid(), .life = { -1, -1 },
			    .audit_run = -1 };
	const char *fail_on = NULL;
	bool wait = false, json = false;
	int c, rc;
	while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!config_is_severity(optarg)) {
				log_warnx("run: --fail-on: unknown severity \"%s\""
					  " (critical high medium low info)", optarg);
				return EX_USAGE;
			}
			fail_on = optarg;
			break;
		case 'w': wait = true; break;
		case 'n': r.dry = true; break;
		case 'j': json = true; break;
		case 'q':
			app->verbosity = -1;
			log_set_level(LOG_LVL_ERR);
			break;
		case 's':
			if (!parse_skip(&r, optarg))
				return EX_USAGE;
			break;
		default: app_usage(&cmd_run, stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		app_usage(&cmd_run, stderr);
		return EX_USAGE;
	}

	const char *cpath = app->config_path ? app->config_path : CONFIG_DEFAULT_PATH;
	struct config *cfg;
	if (load_config(cpath, &cfg) != 0)
		return EX_CONFIG;
	r.cfg = cfg;
	r.fail_on = fail_on ? fail_on : cfg->fail_on;
	if (!app->db_explicit && cfg->database)
		app->db_path = cfg->database;
	if (r.dry) {
		rc = dry_run(&r);
		config_free(cfg);
		return rc;
	}

	struct lock lk;
	char *lpath = cfg->lock ? xstrdup(cfg->lock) : lock_path_for_db(app->db_path);
	rc = lock_take(&lk, lpath, wait);
	free(lpath);
	if (rc) {
		config_free(cfg);
		return rc;
	}
	r.lock_fd = lk.fd;
	if (pipe2(r.life, O_CLOEXEC) != 0) {
		log_warn("pipe");
		rc = EX_OSERR;
		goto out;
	}

	struct db *db;
	rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		goto out;
	int64_t stale = db_runs_mark_interrupted(db);
	if (stale > 0)
		log_warnx("%lld run row(s) left 'running' by a killed run marked interrupted",
			  (long long)stale);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	int64_t id = db_run_start(db, "run", 0, NULL, host, cpath);
	/* Stages open the store themselves; SQLite handles must not cross fork(). */
	db_close(db);
	if (id < 0) {
		rc = EX_SOFTWARE;
		goto out;
	}
	app->parent_run = id;

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	long t0 = now_ms();
	time_t started = time(NULL);
	if (!r.skip[ST_IMPORT])
		do_import(&r);
	do_wire(&r);
	if (!r.skip[ST_RESOLVE])
		do_resolve(&r);
	if (!r.skip[ST_AUDIT]) {
		if (!r.skip[ST_SUPPRESS])
			do_suppress(&r);
		do_audit(&r);
	}
	/* Reports and fixes after a failed (or unavailable) audit would show the
	 * previous audit's findings as this run's: skip them. With --skip audit
	 * the user asked for the newest audit's reports, so they are written. */
	bool audited = r.skip[ST_AUDIT];
	for (size_t i = 0; i < r.nres; i++)
		if (r.res[i].stage == ST_AUDIT && (r.res[i].rc == 0 || r.res[i].rc == 1))
			audited = true;
	if (!audited) {
		if (r.cfg->nreports || r.cfg->nsupdate || r.cfg->ipam_csv)
			log_warnx("no audit in this run: no reports or fixes written");
		for (size_t i = 0; i < r.cfg->nreports; i++) {
			char *w = xasprintf("%s %s", r.cfg->reports[i].format, r.cfg->reports[i].path);
			add_result(&r, ST_REPORT, w)->status = "no-audit";
			free(w);
		}
		if (r.cfg->nsupdate) {
			char *w = xasprintf("nsupdate %s", r.cfg->nsupdate);
			add_result(&r, ST_FIX, w)->status = "no-audit";
			free(w);
		}
		if (r.cfg->ipam_csv) {
			char *w = xasprintf("ipam-csv %s", r.cfg->ipam_csv);
			add_result(&r, ST_FIX, w)->status = "no-audit";
			free(w);
		}
	} else {
		if (!r.skip[ST_AUDIT] && app_open_db(app, DB_READONLY, &db) == 0) {
			r.audit_run = db_run_child_latest(db, id, "audit");
			db_close(db);
		}
		if (!r.skip[ST_REPORT])
			do_reports(&r, started);
		if (!r.skip[ST_FIX])
			do_fix(&r, started);
	}
	if (!r.skip[ST_PRUNE] && cfg->prune_days > 0 && !got_signal)
		do_prune(&r);
	long ms = now_ms() - t0;

	const char *status;
	if (got_signal) {
		status = "interrupted";
		rc = EX_TEMPFAIL;
	} else if (r.first_error) {
		status = "failed";
		rc = r.first_error;
	} else {
		status = "ok";
		rc = r.fail_hit ? 1 : 0;
	}
	struct db_run_findings f;
	bool have_f = false;
	if (app_open_db(app, 0, &db) == 0) {
		char *js = stats_json(&r);
		struct db_run_stats st = { .status = status, .duration_ms = ms, .loss = -1,
					   .stats_json = js };
		if (db_run_finish(db, id, &st) != IPD_OK)
			log_warnx("cannot record the end of run %lld", (long long)id);
		free(js);
		db_runs_adopt(db, id);
		have_f = audited && !r.skip[ST_AUDIT] && db_run_findings(db, id, &f) == IPD_OK;
		db_close(db);
	}
	if (json)
		summary_json(&r, id, status, rc, ms, have_f ? &f : NULL);
	else
		summary(&r, id, status, rc, ms, have_f ? &f : NULL);
out:
	if (r.life[0] >= 0) {
		close(r.life[0]);
		close(r.life[1]);
	}
	lock_release(&lk);
	for (size_t i = 0; i < r.nres; i++)
		free(r.res[i].what);
	free(r.res);
	config_free(cfg);
	return rc;
}

const struct command cmd_run = {
	.name = "run",
	.summary = "scheduled audit: import, sweep+listen, resolve, audit, report, fix",
	.usage = "usage: ipdrift [--config FILE] [--db PATH] run [--fail-on SEVERITY] [--wait]\n"
		 "                      [--quiet] [--skip STAGE[,STAGE...]] [--dry-run] [--json]\n"
		 "\nRuns the whole pipeline from the configuration file (default\n"
		 CONFIG_DEFAULT_PATH ", see ipdrift.conf(5)) as one recorded run:\n"
		 "import each source, sweep each segment while listening for the window,\n"
		 "resolve, load the suppressions file, audit, write each report and fix file,\n"
		 "then apply the [prune] retention when configured.\n"
		 "A stage that is not available in this version (exit 69) is reported and\n"
		 "skipped; a failed stage does not stop the later ones, except that a failed\n"
		 "audit writes no reports or fixes. Prints a short summary on stdout; stage\n"
		 "output goes to stderr.\n"
		 "  --fail-on SEV   exit 1 when the audit finds new findings at or above SEV\n"
		 "                  (critical high medium low info; overrides [audit] fail_on)\n"
		 "  --wait          wait for a run in progress instead of exiting 75\n"
		 "  -q, --quiet     errors only\n"
		 "  --skip STAGES   leave out stages: import suppress sweep listen resolve\n"
		 "                  audit report fix prune\n"
		 "  --dry-run       print the stages as command lines (listen runs in the\n"
		 "                  background during the sweeps: `&` ... `wait`); touches\n"
		 "                  nothing: no lock, no database, no directories\n"
		 "  --json          the summary as one JSON object (stages, finding counts)\n"
		 "Exit: 0 ok, 1 --fail-on matched, 75 another run holds the lock (or this run\n"
		 "was interrupted), 78 configuration error, else the first failed stage's\n"
		 "(e.g. 77 sweep without CAP_NET_RAW, 75 resolve when no DNS server answered).\n",
	.run = run,
};
