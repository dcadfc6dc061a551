/*
 * ipdrift resolve: the DNS view. PTR for every observed/allocated/leased
 * address, A and AAAA for every recorded host name and every PTR target
 * (forward-confirmed reverse DNS), optionally the imported zone records
 * again (--verify-zones), or PTR over whole ranges (--ptr, like nmap -sL -R).
 * Every answer is stored with its status; a lookup that failed is stored as
 * failed (timeout, servfail, ...), never as absent.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/escape.h"
#include "../common/hostname.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_dns.h"
#include "../reconcile/dns.h"
#include "app.h"

#define PTR_RANGE_LIMIT 65536u          /* without --force */
#define PTR_RANGE_HARD_LIMIT (1u << 24) /* even with --force */

/* Case-insensitive set of names already asked (no trailing dot). */
struct nameset {
	char **slot;
	size_t cap, n;
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

/* Adds name; false when it was there already. */
static bool nameset_add(struct nameset *s, const char *name)
{
	size_t n = strlen(name);
	if (n > 1 && name[n - 1] == '.')
		n--;
	if (s->n * 2 >= s->cap) {
		struct nameset g = { xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(char *)),
				     s->cap ? s->cap * 2 : 1024, 0 };
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i]) {
				size_t k = name_hash(s->slot[i], strlen(s->slot[i])) & (g.cap - 1);
				while (g.slot[k])
					k = (k + 1) & (g.cap - 1);
				g.slot[k] = s->slot[i];
				g.n++;
			}
		free(s->slot);
		*s = g;
	}
	size_t k = name_hash(name, n) & (s->cap - 1);
	while (s->slot[k]) {
		if (strlen(s->slot[k]) == n && strncasecmp(s->slot[k], name, n) == 0)
			return false;
		k = (k + 1) & (s->cap - 1);
	}
	s->slot[k] = xstrndup(name, n);
	s->n++;
	return true;
}

static void nameset_free(struct nameset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
}

struct rs {
	struct app *app;
	struct dns_resolver res;
	struct db_dns_writer *w;
	int64_t run_id;
	bool json, forward, progress, stopping;
	struct nameset names;    /* "TYPE qname" asked in this run */
	const char *domain;      /* --domain: qualifies single-label names */
	uint64_t unqualified;    /* single-label names skipped (no --domain) */
	uint64_t queries, rows, by_status[DNS_STATUS_MAX];
	uint64_t total_hint;   /* for the progress bar; 0 = unknown */
	enum ipd_status err;
	struct timespec t0, last_bar;
	struct sbuf line;
};

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

/* hostname_check on the raw bytes behind our name text (dns_msg.h escapes). */
static unsigned name_flags(const char *s)
{
	size_t n = strlen(s);
	char *raw = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == '0' && s[i + 2] == '0' &&
		    s[i + 3] == '0') {
			raw[o++] = '\0';
			i += 3;
		} else if (s[i] == '\\' && (s[i + 1] == '.' || s[i + 1] == '\\')) {
			raw[o++] = s[++i];
		} else {
			raw[o++] = s[i];
		}
	}
	unsigned f = hostname_check(raw, o);
	free(raw);
	return f;
}

static void on_result(void *arg, const struct dns_result *r);

/* Queue qtype for name unless this run asked it already (the store lists,
 * PTR targets and zone records overlap). */
static void ask(struct rs *rs, enum dns_qtype t, const char *name, const struct ipd_ip *ip)
{
	char key[DNS_NAME_TEXT_MAX + 16];
	if (t == DNS_T_PTR) {
		char rev[IPD_REVNAME_LEN];
		snprintf(key, sizeof key, "PTR %s", ipd_ip_reverse_name(ip, rev, sizeof rev));
	} else {
		snprintf(key, sizeof key, "%s %s", dns_qtype_name(t), name);
	}
	if (!nameset_add(&rs->names, key))
		return;
	if (t == DNS_T_PTR)
		dns_ptr(&rs->res, ip, on_result, rs);
	else
		dns_fwd(&rs->res, name, t == DNS_T_AAAA ? 6 : 4, on_result, rs);
}

/* A and AAAA for a recorded name or PTR target. A single-label name (a DHCP
 * client's "laptop-1") means nothing at the root: it is qualified with
 * --domain, or skipped and counted, never looked up as "laptop-1." (whose
 * NXDOMAIN would read as a missing record). */
static void ask_forward(struct rs *rs, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 254 || (n == 1 && name[0] == '.'))
		return;
	const char *dot = strchr(name, '.');
	char *q = NULL;
	if (!dot || (size_t)(dot - name) == n - 1) {
		if (!rs->domain) {
			rs->unqualified++;
			return;
		}
		q = xasprintf("%.*s.%s", (int)(dot ? n - 1 : n), name, rs->domain);
		name = q;
	}
	ask(rs, DNS_T_A, name, NULL);
	ask(rs, DNS_T_AAAA, name, NULL);
	free(q);
}

static void json_line(struct rs *rs, const struct dns_result *r, const struct dns_answer *a)
{
	char ip[IPD_IP_STRLEN];
	const struct ipd_ip *addr = a ? &a->ip : r->ip;
	const char *name = a ? a->name : (r->qtype == DNS_T_PTR ? NULL : r->qname);
	struct sbuf *b = &rs->line;
	sbuf_reset(b);
	sbuf_adds(b, "{\"address\":");
	esc_json_str(ESC_BUF(b), addr ? ipd_ip_fmt(addr, ip, sizeof ip) : NULL);
	sbuf_printf(b, ",\"qtype\":\"%s\",\"qname\":", dns_qtype_name(r->qtype));
	esc_json_str(ESC_BUF(b), r->qname);
	sbuf_adds(b, ",\"name\":");
	esc_json_str(ESC_BUF(b), name);
	sbuf_printf(b, ",\"status\":\"%s\"", dns_status_name(r->status));
	if (a)
		sbuf_printf(b, ",\"ttl\":%u", a->ttl);
	sbuf_adds(b, ",\"server\":");
	esc_json_str(ESC_BUF(b), r->server);
	sbuf_adds(b, "}\n");
	fwrite(sbuf_str(b), 1, b->len, stdout);
}

static void put_row(struct rs *rs, const struct dns_result *r, const struct dns_answer *a)
{
	const char *name = a ? a->name : (r->qtype == DNS_T_PTR ? NULL : r->qname);
	struct db_dns_answer row = {
		.run_id = rs->run_id, .qname = r->qname, .qtype = dns_qtype_name(r->qtype),
		.status = dns_status_name(r->status),
		.ip = a ? &a->ip : r->ip, .name = name, .name_flags = name ? (int)name_flags(name) : 0,
		.ttl = a ? (int64_t)a->ttl : r->neg_ttl, .server = r->server,
	};
	if (rs->w && db_dns_put(rs->w, &row) != IPD_OK && rs->err == IPD_OK)
		rs->err = IPD_EDB;
	rs->rows++;
	if (rs->json)
		json_line(rs, r, a);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress(struct rs *rs, bool final)
{
	if (!rs->progress)
		return;
	if (!final && elapsed(&rs->last_bar) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &rs->last_bar);
	const struct dns_stats *st = dns_stats(&rs->res);
	uint64_t total = st->queued > rs->total_hint ? st->queued : rs->total_hint;
	double t = elapsed(&rs->t0);
	fprintf(stderr, "\rresolve: %llu/%llu lookups (%3.0f%%) %6.0f/s  ok %llu  failed %llu ",
		(unsigned long long)st->done, (unsigned long long)total,
		total ? 100.0 * (double)st->done / (double)total : 0.0,
		t > 0 ? (double)st->done / t : 0.0, (unsigned long long)rs->by_status[DNS_OK],
		(unsigned long long)(rs->by_status[DNS_SERVFAIL] + rs->by_status[DNS_REFUSED] +
				     rs->by_status[DNS_TIMEOUT] + rs->by_status[DNS_ERROR]));
	if (final)
		fputc('\n', stderr);
}

static void on_result(void *arg, const struct dns_result *r)
{
	struct rs *rs = arg;
	if (rs->stopping)
		return; /* cancelled on interrupt: not an answer, store nothing */
	rs->queries++;
	rs->by_status[r->status]++;
	if (r->status == DNS_OK && r->nans > 0) {
		for (size_t i = 0; i < r->nans; i++)
			put_row(rs, r, &r->ans[i]);
		if (r->qtype == DNS_T_PTR && rs->forward)
			for (size_t i = 0; i < r->nans; i++)
				ask_forward(rs, r->ans[i].name);
	} else {
		put_row(rs, r, NULL);
	}
	progress(rs, false);
}

/* Feed-and-drain: keeps the backend's queue short for huge ranges. */
static void drain_some(struct rs *rs, bool all)
{
	const struct dns_stats *st = dns_stats(&rs->res);
	if (!all && st->queued - st->done < 4096)
		return;
	while (!got_signal) {
		size_t left = dns_poll(&rs->res, all ? 200 : 50);
		progress(rs, false);
		if (left == 0 || (!all && left < 2048))
			break;
	}
}

/* What to ask, read from the store before the lookups start (from then on
 * the connection belongs to the background answer writer). */
struct plan_item {
	enum dns_qtype t;   /* DNS_T_PTR (ip), DNS_T_A / DNS_T_AAAA (name); 0 = A and AAAA */
	struct ipd_ip ip;
	char *name;
};
struct plan {
	struct plan_item *v;
	size_t n, cap;
};

static void plan_add(struct plan *p, enum dns_qtype t, const struct ipd_ip *ip, const char *name)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->v = xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	struct plan_item *it = &p->v[p->n++];
	memset(it, 0, sizeof *it);
	it->t = t;
	if (ip)
		it->ip = *ip;
	it->name = name ? xstrdup(name) : NULL;
}

static int ptr_cb(void *arg, const struct ipd_ip *ip)
{
	plan_add(arg, DNS_T_PTR, ip, NULL);
	return 0;
}

static int name_cb(void *arg, const char *name)
{
	plan_add(arg, 0, NULL, name);
	return 0;
}

static int zone_cb(void *arg, const struct db_dns_zone_query *q)
{
	if (strcmp(q->qtype, "PTR") == 0 && q->ip)
		plan_add(arg, DNS_T_PTR, q->ip, NULL);
	else if (strcmp(q->qtype, "A") == 0)
		plan_add(arg, DNS_T_A, NULL, q->owner);
	else if (strcmp(q->qtype, "AAAA") == 0)
		plan_add(arg, DNS_T_AAAA, NULL, q->owner);
	return 0;
}

static void plan_run(struct rs *rs, struct plan *p)
{
	for (size_t i = 0; i < p->n && !got_signal; i++) {
		struct plan_item *it = &p->v[i];
		if (it->t == DNS_T_PTR)
			ask(rs, DNS_T_PTR, NULL, &it->ip);
		else if (it->t == 0)
			ask_forward(rs, it->name);
		else
			ask(rs, it->t, it->name, NULL);
		drain_some(rs, false);
	}
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	free(p->v);
}

/* Prefixes nest or are disjoint: --ptr i is skipped when another --ptr
 * holds it (for equal ones, the first is kept). */
static bool ptr_covered(const struct ipd_prefix *p, size_t n, size_t i)
{
	for (size_t j = 0; j < n; j++) {
		if (j == i || ipd_ip_is_v4(&p[j].addr) != ipd_ip_is_v4(&p[i].addr))
			continue;
		if (p[j].len < p[i].len && ipd_prefix_contains(&p[j], &p[i].addr))
			return true;
		if (p[j].len == p[i].len && j < i && ipd_ip_eq(&p[j].addr, &p[i].addr))
			return true;
	}
	return false;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static char *join_args(int argc, char **argv)
{
	struct sbuf b = SBUF_INIT;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			sbuf_addc(&b, ' ');
		sbuf_adds(&b, argv[i]);
	}
	return sbuf_detach(&b);
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_resolve, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "ptr", required_argument, NULL, 'p' },
		{ "verify-zones", no_argument, NULL, 'z' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "tries", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-forward", no_argument, NULL, 'N' },
		{ "no-store", no_argument, NULL, 'S' },
		{ "fake", required_argument, NULL, 'k' },
		{ "parent-run", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "domain", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char **servers = NULL;
	size_t nservers = 0;
	struct ipd_prefix *ptrs = NULL;
	size_t nptrs = 0;
	bool verify = false, json = false, force = false, forward = true, store = true;
	const char *fake = NULL, *domain = NULL;
	long parent = 0;
	int verbosity = app->verbosity;
	long conc = DNS_DEFAULT_CONCURRENCY, tmo = DNS_DEFAULT_TIMEOUT_MS, tries = DNS_DEFAULT_TRIES;
	int c, rc = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			servers = xreallocarray(servers, nservers + 1, sizeof *servers);
			servers[nservers++] = optarg;
			break;
		case 'p':
			ptrs = xreallocarray(ptrs, nptrs + 1, sizeof *ptrs);
			if (!ipd_prefix_parse(optarg, &ptrs[nptrs], false)) {
				log_warnx("resolve: --ptr %s: not a CIDR or address", optarg);
				rc = EX_USAGE;
				goto done;
			}
			nptrs++;
			break;
		case 'z': verify = true; break;
		case 'j': json = true; break;
		case 'F': force = true; break;
		case 'N': forward = false; break;
		case 'S': store = false; break;
		case 'k': fake = optarg; break;
		case 'q': verbosity = -1; break;
		case 'D':
			domain = optarg[0] == '.' ? optarg + 1 : optarg;
			if (!*domain || strlen(domain) > 200) {
				log_warnx("resolve: --domain wants a domain name");
				rc = EX_USAGE;
				goto done;
			}
			break;
		case 'P':
			if (!parse_int(optarg, 0, 0x7fffffff, &parent)) {
				log_warnx("resolve: --parent-run wants a run id");
				rc = EX_USAGE;
				goto done;
			}
			break;
		case 'c':
			if (!parse_int(optarg, 1, 65535, &conc)) {
				log_warnx("resolve: --concurrency wants 1..65535");
				rc = EX_USAGE;
				goto done;
			}
			break;
		case 't':
			if (!parse_int(optarg, 1, 600000, &tmo)) {
				log_warnx("resolve: --timeout wants milliseconds (1..600000)");
				rc = EX_USAGE;
				goto done;
			}
			break;
		case 'r':
			if (!parse_int(optarg, 1, 20, &tries)) {
				log_warnx("resolve: --tries wants 1..20");
				rc = EX_USAGE;
				goto done;
			}
			break;
		default:
			app_usage(&cmd_resolve, stderr);
			rc = EX_USAGE;
			goto done;
		}
	}
	if (optind < argc) {
		app_usage(&cmd_resolve, stderr);
		rc = EX_USAGE;
		goto done;
	}
	uint64_t range_total = 0;
	for (size_t i = 0; i < nptrs; i++) {
		if (ptr_covered(ptrs, nptrs, i))
			continue;
		uint64_t n = ipd_prefix_size(&ptrs[i]);
		range_total = range_total + n < range_total ? UINT64_MAX : range_total + n;
	}
	if (range_total > PTR_RANGE_HARD_LIMIT ||
	    (range_total > PTR_RANGE_LIMIT && !force)) {
		log_warnx("resolve: --ptr ranges hold %llu addresses; the limit is %u (a /16)%s",
			  (unsigned long long)range_total, PTR_RANGE_LIMIT,
			  range_total > PTR_RANGE_HARD_LIMIT ? ", and 2^24 even with --force"
							     : " without --force");
		rc = EX_USAGE;
		goto done;
	}

	struct rs rs;
	memset(&rs, 0, sizeof rs);
	rs.app = app;
	rs.json = json;
	rs.domain = domain;
	rs.forward = forward && nptrs == 0;
	rs.run_id = -1;
	rs.total_hint = range_total;
	rs.progress = verbosity >= 0 && isatty(STDERR_FILENO) && getenv("TERM") &&
		      strcmp(getenv("TERM"), "dumb") != 0;

	struct db *db = NULL;
	if (store || nptrs == 0) {
		rc = app_open_db(app, DB_CREATE, &db);
		if (rc)
			goto done;
		char *args = join_args(argc, argv);
		rs.run_id = db_run_start(db, "resolve", parent, NULL, NULL, args);
		free(args);
	}
	struct plan plan = { 0 };
	if (nptrs == 0 &&
	    (db_dns_ptr_queries(db, ptr_cb, &plan) != IPD_OK ||
	     db_dns_name_queries(db, name_cb, &plan) != IPD_OK ||
	     (verify && db_dns_zone_queries(db, zone_cb, &plan) != IPD_OK))) {
		rs.err = IPD_EDB;
		plan.n = 0;
	}
	/* answers are written by a thread: a commit never stalls the lookups */
	if (db && store)
		rs.w = db_dns_writer_new_async(db, 0);

	struct dns_opts dopts = {
		.servers = servers, .nservers = nservers, .timeout_ms = (int)tmo,
		.tries = (int)tries, .concurrency = (int)conc,
		.ignore_tc = getenv("IPDRIFT_DNS_IGNTC") != NULL, /* tests: prove TCP fallback */
	};
	enum ipd_status st = fake ? dns_fake_open(fake, &rs.res) : dns_cares_open(&dopts, &rs.res);
	if (st != IPD_OK) {
		rc = st == IPD_EINVAL ? EX_USAGE : EX_UNAVAILABLE;
		plan_free(&plan);
		goto out_db;
	}

	/* `ipdrift run` calls us in-process: put its handlers back afterwards */
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	got_signal = 0;
	clock_gettime(CLOCK_MONOTONIC, &rs.t0);

	for (size_t i = 0; i < nptrs && !got_signal; i++) {
		struct ipd_ip ip, last;
		if (ptr_covered(ptrs, nptrs, i))
			continue;
		ipd_prefix_first(&ptrs[i], &ip);
		ipd_prefix_last(&ptrs[i], &last);
		for (;;) {
			/* not through ask(): no per-name set for up to 2^24 names;
			 * ranges inside another were dropped instead */
			dns_ptr(&rs.res, &ip, on_result, &rs);
			drain_some(&rs, false);
			if (got_signal || ipd_ip_eq(&ip, &last) || !ipd_ip_next(&ip))
				break;
		}
	}
	plan_run(&rs, &plan);
	plan_free(&plan);
	drain_some(&rs, true);
	progress(&rs, true);
	double secs = elapsed(&rs.t0);
	if (got_signal) {
		log_warnx("resolve: interrupted; %llu lookups unfinished are not stored",
			  (unsigned long long)(dns_stats(&rs.res)->queued - dns_stats(&rs.res)->done));
		rs.stopping = true;
	}
	const struct dns_stats *ds = dns_stats(&rs.res);
	uint64_t retries = ds->timeouts;
	uint64_t window_min = ds->window_min;
	dns_close(&rs.res);
	if (rs.w) {
		if (db_dns_writer_close(rs.w) != IPD_OK)
			rs.err = IPD_EDB;
		rs.w = NULL;
	}

	uint64_t failed = rs.by_status[DNS_SERVFAIL] + rs.by_status[DNS_REFUSED] +
			  rs.by_status[DNS_TIMEOUT] + rs.by_status[DNS_ERROR];
	struct sbuf js = SBUF_INIT;
	/* mode: an "inventory" pass asks every question the store implies; the
	 * audit trusts answers from the newest such pass onward (db_find.c). */
	sbuf_printf(&js, "{\"mode\":\"%s\",", nptrs == 0 ? "inventory" : "ptr");
	sbuf_printf(&js, "\"queries\":%llu,\"rows\":%llu,\"retries\":%llu,\"seconds\":%.3f,"
			 "\"lookups_per_s\":%.0f,\"status\":{",
		    (unsigned long long)rs.queries, (unsigned long long)rs.rows,
		    (unsigned long long)retries, secs, secs > 0 ? (double)rs.queries / secs : 0.0);
	for (int i = 0; i < DNS_STATUS_MAX; i++)
		sbuf_printf(&js, "%s\"%s\":%llu", i ? "," : "", dns_status_name((enum dns_status)i),
			    (unsigned long long)rs.by_status[i]);
	sbuf_printf(&js, "},\"unqualified_skipped\":%llu,\"window_min\":%llu,"
			 "\"concurrency\":%ld,\"timeout_ms\":%ld,\"tries\":%ld}",
		    (unsigned long long)rs.unqualified, (unsigned long long)window_min, conc, tmo,
		    tries);
	if (db && rs.run_id > 0) {
		struct db_run_stats rst = {
			.sent = (int64_t)rs.queries,
			.received = (int64_t)(rs.queries - rs.by_status[DNS_TIMEOUT]),
			.retries = (int64_t)retries, .duration_ms = (int64_t)(secs * 1000),
			.loss = rs.queries ? (double)rs.by_status[DNS_TIMEOUT] / (double)rs.queries : -1,
			.stats_json = sbuf_str(&js),
			.status = got_signal ? "interrupted" : rs.err ? "failed" : "ok",
		};
		if (db_run_finish(db, rs.run_id, &rst) != IPD_OK)
			rs.err = IPD_EDB;
	}
	if (verbosity >= 0) {
		fprintf(stderr, "resolve: %llu lookups in %.2f s (%.0f/s), %llu rows:",
			(unsigned long long)rs.queries, secs,
			secs > 0 ? (double)rs.queries / secs : 0.0, (unsigned long long)rs.rows);
		for (int i = 0; i < DNS_STATUS_MAX; i++)
			fprintf(stderr, " %s %llu", dns_status_name((enum dns_status)i),
				(unsigned long long)rs.by_status[i]);
		fprintf(stderr, ", retries %llu", (unsigned long long)retries);
		if (rs.unqualified)
			fprintf(stderr, ", %llu single-label names skipped (no --domain)",
				(unsigned long long)rs.unqualified);
		fputc('\n', stderr);
	}
	if (failed)
		log_warnx("resolve: %llu lookups failed (servfail/refused/timeout/error): "
			  "their records are unknown, not absent", (unsigned long long)failed);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sbuf_free(&js);
	sbuf_free(&rs.line);
	nameset_free(&rs.names);
	if (got_signal)
		rc = 128 + got_signal > 255 ? 130 : 128 + got_signal;
	else if (rs.err)
		rc = EX_IOERR;
	else if (rs.queries > 0 && rs.by_status[DNS_TIMEOUT] + rs.by_status[DNS_ERROR] == rs.queries)
		rc = EX_TEMPFAIL; /* no server answered anything */
out_db:
	if (rs.w)
		db_dns_writer_close(rs.w);
	if (db)
		db_close(db);
done:
	free(servers);
	free(ptrs);
	fflush(stdout);
	return rc;
}

const struct command cmd_resolve = {
	.name = "resolve",
	.summary = "DNS view: bulk PTR / A / AAAA lookups with c-ares",
	.usage = "usage: ipdrift resolve [options]\n"
		 "\nLooks up PTR for every observed, allocated or leased address, and A/AAAA for\n"
		 "every recorded host name and PTR target; stores each answer with its status\n"
		 "(ok nxdomain nodata servfail refused timeout error), TTL, server and time.\n"
		 "Only nxdomain/nodata mean absent; anything else means unknown.\n"
		 "  --server IP[:PORT]   DNS server (repeatable; [v6]:port; default resolv.conf)\n"
		 "  --ptr CIDR           reverse-resolve every address of CIDR instead (repeatable,\n"
		 "                       like nmap -sL -R); more than 65536 addresses needs --force\n"
		 "  --verify-zones       also re-query the imported zone records (A/AAAA/PTR)\n"
		 "  --concurrency N      queries in flight at most (default 100, see\n"
		 "                       bench/bench_resolve.sh); halved on timeouts, regrown\n"
		 "  --timeout MS         per try (default 1000)\n"
		 "  --tries N            tries per query, each asking the servers in turn;\n"
		 "                       retries wait in line behind new queries (default 3)\n"
		 "  --json               print the answers as JSON lines on stdout\n"
		 "  --domain DOMAIN      qualify single-label names (DHCP hostnames) with DOMAIN;\n"
		 "                       without it they are skipped (counted), not looked up\n"
		 "  --no-forward         skip the A/AAAA lookups of PTR targets\n"
		 "  --no-store           with --ptr: print only, store nothing\n"
		 "  --force              allow --ptr beyond 65536 addresses (up to 2^24)\n"
		 "  --fake FIXTURE       tests: answer from a fixture file (see reconcile/dns_fake.c)\n"
		 "  --parent-run ID      record this run under a `run` row\n"
		 "  -q, --quiet          no summary, no progress bar\n"
		 "A summary of counts per status goes to stderr (not with -q); a progress bar\n"
		 "only on a terminal. Exit 75 when no server answered at all.\n",
	.run = run,
};
