/*
 * ipdrift import KIND FILE: one snapshot of one named source, in one
 * transaction. Parsers (reconcile/import_*.c) report bad lines; unless
 * --keep-going, any bad line rolls everything back and exits 65.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <pthread.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db_inv.h"
#include "../reconcile/import.h"
#include "app.h"

#define MAX_PRINTED_BAD 50
#define MAX_FILES 3

struct imp_run {
	struct db_inv *inv;
	bool keep_going;
	bool quiet;
	unsigned long printed, bad, dups_merged, dup_bad;
	enum ipd_status store_err;
	int64_t rows_emitted;
};

static pthread_mutex_t bad_mu = PTHREAD_MUTEX_INITIALIZER;

/* Called from the parser thread (bad lines) and the store thread (duplicates). */
static void report_bad(struct imp_run *ir, const char *file, unsigned long line, const char *msg)
{
	pthread_mutex_lock(&bad_mu);
	ir->bad++;
	if (ir->printed++ < MAX_PRINTED_BAD) {
		char *f = esc_term_dup(file), *m = esc_term_dup(msg);
		log_warnx("%s:%lu: %s", f, line, m);
		free(f);
		free(m);
	}
	pthread_mutex_unlock(&bad_mu);
}

/* Duplicates are legitimate for shared addresses (anycast, VIPs, FHRP). */
static bool shared_role(const char *role)
{
	static const char *const r[] = { "anycast", "vip", "vrrp", "hsrp", "glbp", "carp" };
	for (size_t i = 0; role && i < sizeof r / sizeof r[0]; i++)
		if (strcmp(role, r[i]) == 0)
			return true;
	return false;
}

/*
 * Parsing and storing overlap: the parser runs in a second thread and hands
 * deep-copied records over in batches (the store side is SQLite's B-trees,
 * the parse side CSV/lexing; on 2 cores each gets one). Records keep file
 * order, so "last row wins" is unchanged.
 */
#define BATCH 2048
#define QCAP 4

struct blk {
	struct blk *next;
	size_t used, cap;
	char data[];
};

struct batch {
	struct inv_rec r[BATCH];
	int n;
	struct blk *blocks;
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *q[QCAP];
	int head, count;
	bool done;           /* producer finished */
	bool stop;           /* consumer failed: producer should stop */
	struct batch *cur;   /* producer's batch being filled */
};

static void batch_free(struct batch *b)
{
	while (b && b->blocks) {
		struct blk *n = b->blocks->next;
		free(b->blocks);
		b->blocks = n;
	}
	free(b);
}

static char *bdup(struct batch *b, const char *s, size_t len)
{
	if (!s)
		return NULL;
	struct blk *k = b->blocks;
	if (!k || k->cap - k->used < len + 1) {
		size_t cap = len + 1 > 262144 ? len + 1 : 262144;
		k = xmalloc(sizeof *k + cap);
		k->cap = cap;
		k->used = 0;
		k->next = b->blocks;
		b->blocks = k;
	}
	char *d = k->data + k->used;
	memcpy(d, s, len);
	d[len] = '\0';
	k->used += len + 1;
	return d;
}

#define BDUP(b, s) bdup((b), (s), (s) ? strlen(s) : 0)

static void rec_copy(struct batch *b, struct inv_rec *d, const struct inv_rec *r)
{
	*d = *r;
	d->file = BDUP(b, r->file);
	switch (r->kind) {
	case INV_SUBNET:
		d->u.subnet.vrf = BDUP(b, r->u.subnet.vrf);
		d->u.subnet.status = BDUP(b, r->u.subnet.status);
		d->u.subnet.role = BDUP(b, r->u.subnet.role);
		d->u.subnet.tenant = BDUP(b, r->u.subnet.tenant);
		d->u.subnet.description = BDUP(b, r->u.subnet.description);
		break;
	case INV_RANGE:
		d->u.range.vrf = BDUP(b, r->u.range.vrf);
		d->u.range.kind = BDUP(b, r->u.range.kind);
		d->u.range.status = BDUP(b, r->u.range.status);
		d->u.range.description = BDUP(b, r->u.range.description);
		break;
	case INV_ALLOC:
		d->u.alloc.vrf = BDUP(b, r->u.alloc.vrf);
		d->u.alloc.hostname = bdup(b, r->u.alloc.hostname, r->u.alloc.hostname_len);
		d->u.alloc.status = BDUP(b, r->u.alloc.status);
		d->u.alloc.role = BDUP(b, r->u.alloc.role);
		d->u.alloc.tenant = BDUP(b, r->u.alloc.tenant);
		d->u.alloc.owner = BDUP(b, r->u.alloc.owner);
		d->u.alloc.description = BDUP(b, r->u.alloc.description);
		d->u.alloc.ext_id = BDUP(b, r->u.alloc.ext_id);
		break;
	case INV_LEASE:
		d->u.lease.kind = BDUP(b, r->u.lease.kind);
		d->u.lease.client_id = BDUP(b, r->u.lease.client_id);
		d->u.lease.duid = BDUP(b, r->u.lease.duid);
		d->u.lease.hostname = bdup(b, r->u.lease.hostname, r->u.lease.hostname_len);
		d->u.lease.state = BDUP(b, r->u.lease.state);
		break;
	case INV_DNS:
		d->u.dns.zone = BDUP(b, r->u.dns.zone);
		d->u.dns.owner = BDUP(b, r->u.dns.owner);
		d->u.dns.type = BDUP(b, r->u.dns.type);
		d->u.dns.rdata = BDUP(b, r->u.dns.rdata);
		d->u.dns.target = bdup(b, r->u.dns.target, r->u.dns.target_len);
		break;
	case INV_ALLOW:
		d->u.allow.kind = BDUP(b, r->u.allow.kind);
		d->u.allow.description = BDUP(b, r->u.allow.description);
		break;
	}
}

/* Producer: queue the current batch (blocks while the queue is full). */
static bool pipe_push(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == QCAP && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	bool ok = !p->stop;
	if (ok) {
		p->q[(p->head + p->count) % QCAP] = p->cur;
		p->count++;
		pthread_cond_broadcast(&p->cv);
	} else {
		batch_free(p->cur);
	}
	p->cur = NULL;
	pthread_mutex_unlock(&p->mu);
	return ok;
}

/* Consumer: next batch, or NULL when the producer is done. */
static struct batch *pipe_pop(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	struct batch *b = NULL;
	if (p->count) {
		b = p->q[p->head];
		p->head = (p->head + 1) % QCAP;
		p->count--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void pipe_stop(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	while (p->count) {
		batch_free(p->q[p->head]);
		p->head = (p->head + 1) % QCAP;
		p->count--;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static FILE *zone_compile(const char *origin, const char *path, bool *failed);

struct producer {
	const struct imp_format *fmt;
	const char *const *files;
	size_t nfiles;
	FILE *last;              /* already open stream of the last file */
	bool compile;
	const char *origin, *path;
	const char *display;     /* name of the last file in messages (AXFR: axfr:SERVER/ZONE) */
	int64_t now;
	struct imp_run *ir;
	struct pipe pipe;
	/* results */
	unsigned long rows, bad, other, skipped;
	bool fatal_input;
	int rc;
};

struct emit_ctx {
	struct producer *pr;
};

static void on_bad(void *arg, const char *file, unsigned long line, const char *msg)
{
	struct emit_ctx *ec = arg;
	report_bad(ec->pr->ir, file, line, msg);
}

static int emit_cb(void *arg, const struct inv_rec *r)
{
	struct emit_ctx *ec = arg;
	struct pipe *p = &ec->pr->pipe;
	if (!p->cur)
		p->cur = xcalloc(1, sizeof *p->cur);
	rec_copy(p->cur, &p->cur->r[p->cur->n++], r);
	if (p->cur->n == BATCH && !pipe_push(p))
		return 1;
	return 0;
}

static void *produce(void *arg)
{
	struct producer *pr = arg;
	enum ipd_status s = IPD_OK;
	for (size_t i = 0; i < pr->nfiles && !pr->pipe.stop; i++) {
		struct emit_ctx ec = { pr };
		struct imp_ctx c = { .file = pr->files[i], .now = pr->now, .origin = pr->origin,
				     .emit = emit_cb, .bad = on_bad, .arg = &ec };
		FILE *in = NULL;
		bool close_in = true;
		if (i + 1 == pr->nfiles) {
			in = pr->last;
			close_in = false;
			c.file = pr->display;
		} else {
			in = fopen(pr->files[i], "rb");
			if (!in) {
				char *e = esc_term_dup(pr->files[i]);
				log_warn("import: %s", e);
				free(e);
				pr->rc = EX_NOINPUT;
				break;
			}
		}
		if (pr->compile) {
			bool failed;
			FILE *cz = zone_compile(pr->origin ? pr->origin : ".", pr->path, &failed);
			if (!cz) {
				char *e = esc_term_dup(pr->path);
				log_warnx("%s: %s", e,
					  failed ? "rejected by named-compilezone (see above)"
						 : "$GENERATE needs named-compilezone (bind9-utils)");
				free(e);
				pr->fatal_input = true;
				c.bad_rows++;
			} else {
				c.file = pr->path;
				s = pr->fmt->parse(&c, cz);
				fclose(cz);
			}
		} else {
			s = pr->fmt->parse(&c, in);
		}
		if (close_in)
			fclose(in);
		if (s == IPD_EINVAL)
			pr->fatal_input = true;
		if (s == IPD_EIO) {
			char *e = esc_term_dup(pr->files[i]);
			log_warn("import: reading %s", e);
			free(e);
			pr->rc = EX_IOERR;
		}
		pr->rows += c.rows;
		pr->bad += c.bad_rows;
		pr->other += c.other_types;
		pr->skipped += c.skipped;
	}
	if (pr->pipe.cur && pr->pipe.cur->n)
		pipe_push(&pr->pipe);
	else
		batch_free(pr->pipe.cur);
	pthread_mutex_lock(&pr->pipe.mu);
	pr->pipe.done = true;
	pthread_cond_broadcast(&pr->pipe.cv);
	pthread_mutex_unlock(&pr->pipe.mu);
	return NULL;
}

/* Store side of one record: duplicates become bad lines (or merge, for
 * shared addresses); other errors stop the import. */
static int store_rec(struct imp_run *ir, const struct inv_rec *r)
{
	unsigned long dup = 0;
	enum ipd_status s = db_inv_put(ir->inv, r, &dup);
	if (s == IPD_OK) {
		ir->rows_emitted++;
		return 0;
	}
	if (s == IPD_EINVAL) {
		char ipb[IPD_PFX_STRLEN];
		if (r->kind == INV_ALLOC && shared_role(r->u.alloc.role)) {
			ir->dups_merged++;
			return 0;
		}
		const char *vrf = r->kind == INV_ALLOC ? r->u.alloc.vrf : r->u.subnet.vrf;
		if (r->kind == INV_ALLOC)
			ipd_ip_fmt(&r->u.alloc.ip, ipb, sizeof ipb);
		else
			ipd_prefix_fmt(&r->u.subnet.pfx, ipb, sizeof ipb);
		char msg[512];
		snprintf(msg, sizeof msg, "duplicate %s %s in VRF \"%s\" (first on line %lu)",
			 r->kind == INV_ALLOC ? "address" : "prefix", ipb, vrf ? vrf : "", dup);
		ir->dup_bad++;
		report_bad(ir, r->file, r->line, msg);
		return 0;
	}
	ir->store_err = s;
	return 1;
}

/* sha256 over format, origin and each file's bytes: "sha256:<hex>". */
static bool digest_files(const char *const *files, size_t n, const char *format,
			 const char *origin, char *out, size_t outlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return false;
	}
	EVP_DigestUpdate(md, format, strlen(format) + 1);
	EVP_DigestUpdate(md, origin ? origin : "", origin ? strlen(origin) + 1 : 1);
	char buf[65536];
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		if (!f) {
			EVP_MD_CTX_free(md);
			return false;
		}
		size_t k;
		while ((k = fread(buf, 1, sizeof buf, f)) > 0)
			EVP_DigestUpdate(md, buf, k);
		bool err = ferror(f);
		fclose(f);
		if (err) {
			EVP_MD_CTX_free(md);
			return false;
		}
		EVP_DigestUpdate(md, "\0", 1);
	}
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	size_t o = (size_t)snprintf(out, outlen, "sha256:");
	for (unsigned i = 0; i < hl && o + 3 <= outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02x", h[i]);
	return true;
}

static bool file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* "db.example.test", "example.test.zone", "example.test.db" → "example.test." */
static char *origin_from_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	char *s = xstrdup(b);
	if (!strncasecmp(s, "db.", 3))
		memmove(s, s + 3, strlen(s + 3) + 1);
	static const char *const sfx[] = { ".zone", ".db", ".hosts", ".fwd", ".rev", ".txt" };
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		size_t n = strlen(s), k = strlen(sfx[i]);
		if (n > k && !strcasecmp(s + n - k, sfx[i]))
			s[n - k] = '\0';
	}
	if (!strchr(s, '.')) {
		free(s);
		return NULL;
	}
	/* "db.192.0.2" names the reverse zone of 192.0.2.0/24 */
	if (strspn(s, "0123456789.") == strlen(s)) {
		char rev[256] = "";
		size_t o = 0;
		for (char *p = s + strlen(s); p > s && o < 200;) {
			char *q = p;
			while (q > s && q[-1] != '.')
				q--;
			o += (size_t)snprintf(rev + o, sizeof rev - o, "%.*s.", (int)(p - q), q);
			p = q > s ? q - 1 : q;
		}
		free(s);
		return xasprintf("%sin-addr.arpa.", rev);
	}
	char *o = xasprintf("%s.", s);
	free(s);
	return o;
}

/* The file uses BIND's $GENERATE (only named-compilezone expands it). */
static bool zone_needs_compile(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool need = false;
	while (!need && getline(&line, &cap, f) >= 0)
		need = !strncasecmp(line, "$GENERATE", 9);
	free(line);
	fclose(f);
	return need;
}

/*
 * Canonicalise a zone with `named-compilezone -q -s full -i none -o - ORIGIN FILE`
 * into a temporary stream. Its diagnostics ("FILE:LINE: ...") go to our stderr.
 * Returns NULL when the tool is missing or rejects the file (*failed set).
 */
static FILE *zone_compile(const char *origin, const char *path, bool *failed)
{
	*failed = false;
	static const char *const tool_paths[] = { "/usr/bin/named-compilezone",
						  "/usr/sbin/named-compilezone" };
	const char *tool = NULL;
	for (size_t i = 0; i < 2 && !tool; i++)
		if (access(tool_paths[i], X_OK) == 0)
			tool = tool_paths[i];
	if (!tool)
		return NULL;
	FILE *out = tmpfile();
	if (!out)
		return NULL;
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fclose(out);
		return NULL;
	}
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		execl(tool, "named-compilezone", "-q", "-s", "full", "-i", "none", "-k", "ignore",
		      "-o", "-", origin, path, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		*failed = true;
		fclose(out);
		return NULL;
	}
	rewind(out);
	return out;
}

/*
 * Zone transfer through dig(1) (bind9-dnsutils), as the reference notes
 * recommend over c-ares (no AXFR) — its output is master-file text with
 * absolute names, one RR per line, which the zone parser reads:
 *   dig [-k KEYFILE] @SERVER -p PORT ZONE AXFR +onesoa +nocmd +nostats +nocomments
 * A refused or failed transfer has no SOA; dig says why in a comment line.
 * SERVER is "host" or "host#port" or "host:port" (IPv4 / name).
 */
static int axfr_fetch(const char *server, const char *zone, const char *keyfile, char *tmp,
		      size_t tmplen)
{
	char host[256], port[16] = "53";
	snprintf(host, sizeof host, "%s", server);
	char *sep = strchr(host, '#');
	if (!sep && strchr(host, ':') == strrchr(host, ':'))
		sep = strchr(host, ':');   /* one colon: host:port (not IPv6) */
	if (sep) {
		*sep = '\0';
		snprintf(port, sizeof port, "%s", sep + 1);
	}
	if (access("/usr/bin/dig", X_OK) != 0) {
		log_warnx("import: --axfr needs dig (bind9-dnsutils)");
		return EX_UNAVAILABLE;
	}
	snprintf(tmp, tmplen, "/tmp/ipdrift-axfr-XXXXXX");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		log_warn("import: mkstemp");
		tmp[0] = '\0';
		return EX_CANTCREAT;
	}
	char at[270];
	snprintf(at, sizeof at, "@%s", host);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		return EX_OSERR;
	}
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		if (keyfile)
			execl("/usr/bin/dig", "dig", "-k", keyfile, at, "-p", port, zone, "AXFR", "+onesoa",
			      "+nocmd", "+nostats", "+nocomments", "+time=5", "+tries=1", (char *)NULL);
		else
			execl("/usr/bin/dig", "dig", at, "-p", port, zone, "AXFR", "+onesoa", "+nocmd",
			      "+nostats", "+nocomments", "+time=5", "+tries=1", (char *)NULL);
		_exit(127);
	}
	close(fd);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* A transfer that produced no SOA failed, whatever dig's exit code.
	 * The TSIG records dig prints change every time: drop them so the
	 * digest of an unchanged zone stays the same. */
	FILE *f = fopen(tmp, "r");
	char *kept = xasprintf("%s.k", tmp);
	FILE *w = fopen(kept, "w");
	bool soa = false;
	char *line = NULL, why[256] = "no SOA in the answer";
	size_t cap = 0;
	while (f && w && getline(&line, &cap, f) >= 0) {
		if (line[0] == ';') {
			if (strstr(line, "failed") || strstr(line, "refused") || strstr(line, "timed out"))
				snprintf(why, sizeof why, "%s", line + strspn(line, "; "));
			continue;
		}
		char o[256], t[16], c[16], ty[16];
		int k = sscanf(line, "%255s %15s %15s %15s", o, t, c, ty);
		if (k == 4 && !strcasecmp(ty, "TSIG"))
			continue;
		if (k == 4 && !strcasecmp(ty, "SOA"))
			soa = true;
		fputs(line, w);
	}
	free(line);
	if (f)
		fclose(f);
	if (!w || fclose(w) != 0 || rename(kept, tmp) != 0)
		soa = false;
	unlink(kept);
	free(kept);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !soa) {
		why[strcspn(why, "\n")] = '\0';
		char *ew = esc_term_dup(why);
		log_warnx("import: AXFR of %s from %s failed: %s", zone, server, ew);
		free(ew);
		unlink(tmp);
		tmp[0] = '\0';
		return EX_UNAVAILABLE;
	}
	return 0;
}

static const char *const kinds[] = { "subnets", "ranges", "allocations", "leases", "zone",
				     "allowlist", NULL };

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_import, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "source", required_argument, NULL, 's' },
		{ "origin", required_argument, NULL, 'o' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "now", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "axfr", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *source = NULL, *origin_opt = NULL, *axfr = NULL, *keyfile = NULL;
	bool keep_going = false, quiet = app->verbosity < 0;
	int64_t now = (int64_t)time(NULL);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ch;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":f:s:o:kq", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 's': source = optarg; break;
		case 'o': origin_opt = optarg; break;
		case 'k': keep_going = true; break;
		case 'q': quiet = true; break;
		case 'a': axfr = optarg; break;
		case 'K': keyfile = optarg; break;
		case 'n': {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || *end || v < 0) {
				log_warnx("import: --now wants epoch seconds");
				return EX_USAGE;
			}
			now = v;
			break;
		}
		default:
			app_usage(&cmd_import, stderr);
			return EX_USAGE;
		}
	}
	/* zone --axfr SERVER takes the zone name where FILE would be */
	if (argc - optind != 2) {
		app_usage(&cmd_import, stderr);
		return EX_USAGE;
	}
	const char *kind = argv[optind], *path = argv[optind + 1];
	char axfr_tmp[64] = "";
	char *axfr_label = NULL;
	if (axfr) {
		if (strcmp(kind, "zone") != 0) {
			log_warnx("import: --axfr is for KIND zone");
			return EX_USAGE;
		}
		int arc = axfr_fetch(axfr, path, keyfile, axfr_tmp, sizeof axfr_tmp);
		if (arc)
			return arc;
		axfr_label = xasprintf("axfr:%s/%s", axfr, path);
		if (!origin_opt)
			origin_opt = path;
		if (!source)
			source = axfr_label;
		if (!format)
			format = "zone";
		path = axfr_tmp;
	}
	bool kind_ok = false;
	for (size_t i = 0; kinds[i]; i++)
		kind_ok |= strcmp(kinds[i], kind) == 0;
	if (!kind_ok) {
		char *e = esc_term_dup(kind);
		log_warnx("import: unknown kind \"%s\" (subnets ranges allocations leases zone allowlist)",
			  e);
		free(e);
		return EX_USAGE;
	}
	/* Paths and source names end up in the store and in every message
	 * below: escaped for the terminal (a file name can hold ESC, newlines
	 * and bidi controls). */
	char *epath = esc_term_dup(path);
	FILE *f = fopen(path, "rb");
	if (!f) {
		log_warn("import: %s", epath);
		free(epath);
		return EX_NOINPUT;
	}

	/* format: given or detected from the first bytes */
	const struct imp_format *fmt = NULL;
	if (format) {
		fmt = imp_format_find(format);
		if (!fmt || strcmp(fmt->kind, kind) != 0) {
			char *e = esc_term_dup(format);
			log_warnx("import: format \"%s\" does not read %s (see ipdrift import --help)",
				  e, kind);
			free(e);
			free(epath);
			fclose(f);
			return EX_USAGE;
		}
	} else {
		char head[4096];
		size_t hn = fread(head, 1, sizeof head, f);
		rewind(f);
		fmt = imp_format_detect(kind, head, hn);
		if (!fmt) {
			log_warnx("%s:1: cannot tell the format of this %s file; give --format", epath,
				  kind);
			free(epath);
			fclose(f);
			return EX_DATAERR;
		}
	}

	/* the files of this snapshot: Kea LFC companions first (oldest first) */
	const char *files[MAX_FILES];
	char *owned[MAX_FILES] = { 0 };
	size_t nfiles = 0;
	if (!strcmp(fmt->name, "kea4") || !strcmp(fmt->name, "kea6")) {
		for (int k = 2; k >= 1; k--) {
			char *cp = xasprintf("%s.%d", path, k);
			if (file_exists(cp)) {
				owned[nfiles] = cp;
				files[nfiles++] = cp;
			} else {
				free(cp);
			}
		}
	}
	files[nfiles++] = path;

	char *origin = NULL;
	bool compile = false;
	if (!strcmp(kind, "zone")) {
		origin = origin_opt ? (origin_opt[strlen(origin_opt) ? strlen(origin_opt) - 1 : 0] == '.'
				       ? xstrdup(origin_opt) : xasprintf("%s.", origin_opt))
				    : origin_from_name(path);
		compile = zone_needs_compile(path);
	}
	const char *fmt_name = compile ? "zone+named-compilezone" : axfr ? "zone+axfr" : fmt->name;
	const char *display = axfr_label ? axfr_label : path;
	char *edisp = esc_term_dup(display), *ename = esc_term_dup(source ? source : display);
	char digest[80];
	int rc = 0;
	struct db *db = NULL;
	int64_t run_id = -1;
	if (!digest_files(files, nfiles, fmt_name, origin, digest, sizeof digest)) {
		log_warn("import: %s", epath);
		rc = EX_NOINPUT;
		goto out;
	}
	rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		goto out;
	char *args = xasprintf("%s %s --format %s", kind, display, fmt_name);
	run_id = db_run_start(db, "import", -1, NULL, NULL, args);
	free(args);

	struct db_inv_source src = {
		.name = source ? source : display, .kind = kind, .format = fmt_name, .path = display,
		.digest = digest, .now = now,
	};
	for (size_t i = 0; i < nfiles; i++) {
		struct stat sb;
		if (stat(files[i], &sb) == 0)
			src.size_hint += (int64_t)sb.st_size;
	}
	struct imp_run ir = { .keep_going = keep_going, .quiet = quiet };
	bool unchanged = false;
	int64_t prev_rows = 0, rows = 0;
	enum ipd_status s = db_inv_begin(db, &src, &ir.inv, &unchanged, &prev_rows);
	if (s != IPD_OK) {
		rc = s == IPD_EINVAL ? EX_DATAERR : EX_IOERR;
		goto finish;
	}
	if (unchanged) {
		if (!quiet)
			printf("%s: %s unchanged (%s, %" PRId64 " rows, source \"%s\")\n", kind, edisp,
			       fmt_name, prev_rows, ename);
		goto finish;
	}

	struct producer pr = { .fmt = fmt, .files = files, .nfiles = nfiles, .last = f,
			       .compile = compile, .origin = origin, .path = path, .now = now,
			       .ir = &ir, .display = display };
	pthread_mutex_init(&pr.pipe.mu, NULL);
	pthread_cond_init(&pr.pipe.cv, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, produce, &pr) != 0) {
		log_warnx("import: cannot start the parser thread");
		db_inv_abort(ir.inv);
		rc = EX_OSERR;
		goto finish;
	}
	f = NULL;  /* the producer closes nothing it did not open; we close it after join */
	struct batch *bt;
	while ((bt = pipe_pop(&pr.pipe)) != NULL) {
		for (int i = 0; i < bt->n && !ir.store_err; i++)
			store_rec(&ir, &bt->r[i]);
		batch_free(bt);
		if (ir.store_err) {
			pipe_stop(&pr.pipe);
			break;
		}
	}
	pthread_join(th, NULL);
	pthread_mutex_destroy(&pr.pipe.mu);
	pthread_cond_destroy(&pr.pipe.cv);
	f = pr.last;
	if (pr.rc)
		rc = pr.rc;
	unsigned long total_rows = pr.rows - ir.dup_bad, total_bad = pr.bad + ir.dup_bad;
	unsigned long other = pr.other, skipped = pr.skipped;
	bool fatal_input = pr.fatal_input;
	if (ir.printed > MAX_PRINTED_BAD)
		log_warnx("... %lu more bad lines not shown", ir.printed - MAX_PRINTED_BAD);
	if (ir.store_err) {
		db_inv_abort(ir.inv);
		rc = EX_IOERR;
		goto finish;
	}
	if (rc) {
		db_inv_abort(ir.inv);
		goto finish;
	}
	if (fatal_input || (total_bad && !keep_going)) {
		db_inv_abort(ir.inv);
		log_warnx("import: %s: %lu bad line%s, nothing imported%s", edisp, total_bad,
			  total_bad == 1 ? "" : "s",
			  fatal_input || keep_going ? "" : " (--keep-going imports the good rows)");
		rc = EX_DATAERR;
		goto finish;
	}
	char stats[160];
	snprintf(stats, sizeof stats,
		 "{\"parsed\":%lu,\"bad\":%lu,\"other_types\":%lu,\"skipped\":%lu,\"merged\":%lu}",
		 total_rows, total_bad, other, skipped, ir.dups_merged);
	s = db_inv_commit(ir.inv, (int64_t)total_bad, stats, &rows);
	if (s != IPD_OK) {
		rc = EX_IOERR;
		goto finish;
	}
	if (!quiet) {
		printf("%s: imported %" PRId64 " rows from %s (format %s, source \"%s\"; before: %" PRId64
		       " rows)", kind, rows, edisp, fmt_name, ename, prev_rows);
		if (total_bad)
			printf("; %lu bad lines skipped", total_bad);
		if (other)
			printf("; %lu records of other types counted, not kept", other);
		if (skipped)
			printf("; %lu rows without an allowlist role skipped", skipped);
		if (ir.dups_merged)
			printf("; %lu shared (anycast/VIP/FHRP) duplicates merged", ir.dups_merged);
		putchar('\n');
	}

finish:
	if (run_id > 0) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		struct db_run_stats rs = { .status = rc ? "failed" : "ok", .loss = -1,
					   .duration_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
							  (t1.tv_nsec - t0.tv_nsec) / 1000000 };
		db_run_finish(db, run_id, &rs);
	}
out:
	free(epath);
	free(edisp);
	free(ename);
	if (axfr_tmp[0])
		unlink(axfr_tmp);
	free(axfr_label);
	if (f)
		fclose(f);
	for (size_t i = 0; i < MAX_FILES; i++)
		free(owned[i]);
	free(origin);
	if (db)
		db_close(db);
	return rc;
}

const struct command cmd_import = {
	.name = "import",
	.summary = "import an IPAM inventory, DHCP leases, a DNS zone or an allowlist",
	.usage = "usage: ipdrift import KIND FILE [--format F] [--source NAME] [--keep-going]\n"
		 "\nKIND: subnets ranges allocations leases zone allowlist\n"
		 "Each import is a snapshot of one named source (default: the file name):\n"
		 "rows of that source missing from FILE are removed, in one transaction.\n"
		 "Importing the same file again changes nothing.\n"
		 "  --format F     subnets:     netbox-prefix native-subnets\n"
		 "                 ranges:      netbox-range native-ranges\n"
		 "                 allocations: netbox phpipam native\n"
		 "                 leases:      isc-dhcpd kea4 kea6 dnsmasq\n"
		 "                 zone:        zone\n"
		 "                 allowlist:   native-allowlist netbox-allowlist\n"
		 "                 (detected from the content when omitted; named in the output)\n"
		 "  --source NAME  name of the source (default: FILE)\n"
		 "  --origin ZONE  origin for zone files without $ORIGIN (default: from the\n"
		 "                 file name, e.g. db.example.test)\n"
		 "  --keep-going   import the good rows and list the bad ones\n"
		 "  --now EPOCH    time used to tell active from expired leases (default: now)\n"
		 "  --axfr SERVER[#PORT]  zone only: transfer the zone named by FILE with\n"
		 "                 dig (AXFR) instead of reading a file; source defaults to\n"
		 "                 axfr:SERVER/ZONE\n"
		 "  --key KEYFILE  TSIG key file for --axfr (dig -k)\n"
		 "  --quiet        no summary line\n"
		 "Native CSV headers (any order, case-insensitive; ',' or ';'):\n"
		 "  subnets      prefix,vrf,vlan,status,description,threshold (percent)\n"
		 "  ranges       start,end,kind (dhcp|reserved),description[,vrf]\n"
		 "  allocations  ip,mac,hostname,status,owner,description[,vrf][,ext_id]\n"
		 "  allowlist    kind (dhcp-server|router),ip,mac,description\n"
		 "The ID column of NetBox and phpIPAM IP-address exports is kept (ext_id):\n"
		 "`fix --format netbox` writes it as `id`, so NetBox updates that object.\n"
		 "NetBox IP ranges are DHCP pools unless their status is reserved or their\n"
		 "role names a reservation. netbox-allowlist takes addresses tagged\n"
		 "dhcp-server or router and FHRP roles (vrrp hsrp glbp carp) from an\n"
		 "IP-address export. A second row for one address in one VRF is a bad line,\n"
		 "except for shared roles (anycast vip vrrp hsrp glbp carp).\n"
		 "Kea lease files: FILE.2 and FILE.1 (LFC companions) are read first when present.\n"
		 "Zone files using $GENERATE are canonicalised with named-compilezone.\n"
		 "Bad input: FILE:LINE: reason on stderr, exit 65, nothing imported.\n",
	.run = run,
};
