/* Writer registry and helpers shared by the report writers. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/addr.h"
#include "../common/hostname.h"
#include "../common/log.h"
#include "../common/oui.h"
#include "../common/xmem.h"
#include "fix.h"

static const struct rpt_writer *const writers[] = { &rpt_json, &rpt_ndjson, &rpt_csv, &rpt_html, NULL };

const struct rpt_writer *rpt_writer_find(const char *name)
{
	for (int i = 0; name && writers[i]; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

const char *rpt_writer_names(void)
{
	return "json, ndjson, csv, html";
}

const char *const rpt_state_names[RPT_NST] = { "new", "ongoing", "resolved", "other" };

int rpt_state_index(const char *state)
{
	for (int i = 0; i < RPT_ST_OTHER; i++)
		if (state && strcmp(state, rpt_state_names[i]) == 0)
			return i;
	return RPT_ST_OTHER;
}

static int count_cb(void *arg, const char *sev, const char *state, bool suppressed, int64_t n)
{
	struct rpt_summary *s = arg;
	s->total += n;
	if (suppressed) {
		s->suppressed += n;
		return 0;
	}
	int r = db_rpt_severity_rank(sev), k = rpt_state_index(state);
	s->n[r][k] += n;
	s->by_sev[r] += n;
	s->by_state[k] += n;
	return 0;
}

enum ipd_status rpt_summary_load(struct rpt_ctx *c, struct rpt_summary *s)
{
	memset(s, 0, sizeof *s);
	if (c->run_id < 0)
		return IPD_OK;
	return db_rpt_counts(c->db, c->run_id, count_cb, s);
}

uint64_t rpt_usable(const struct db_subnet_usage *u)
{
	if (u->family == 4 && u->prefix_len <= 30 && u->size > 2)
		return u->size - 2;
	return u->size;
}

const char *rpt_time(int64_t t, char *buf, size_t len)
{
	if (t <= 0) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

const char *rpt_vendor(struct rpt_ctx *c, const char *mac)
{
	if (!mac || !*mac)
		return NULL;
	if (c->vendor) {
		const char *v = c->vendor(c->vendor_arg, mac);
		if (v)
			return v;
	}
	struct ipd_mac m;
	if (ipd_mac_parse(mac, &m) && ipd_mac_is_random(&m))
		return OUI_LA_VENDOR;
	return NULL;
}

void rpt_json_copy(const struct esc_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c == '/' && i > 0 && p[i - 1] == '<') {
				esc_raw(o, s + run, i - run);
				esc_raw(o, "\\/", 2);
				run = ++i;
			} else if (c < 0x20 && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				/* json_valid() rejects these inside strings; keep it valid anyway */
				esc_raw(o, s + run, i - run);
				esc_raw(o, " ", 1);
				run = ++i;
			} else {
				i++;
			}
			continue;
		}
		unsigned cp;
		size_t k = esc_utf8_decode(p + i, n - i, &cp);
		if (k && cp != 0x2028 && cp != 0x2029) {
			i += k;
			continue;
		}
		esc_raw(o, s + run, i - run);
		if (k)
			esc_raws(o, cp == 0x2028 ? "\\u2028" : "\\u2029");
		else
			esc_raw(o, "\xef\xbf\xbd", 3);
		i += k ? k : 1;
		run = i;
	}
	esc_raw(o, s + run, i - run);
}

struct refused_ctx {
	rpt_refused_cb cb;
	void *arg;
};

static int refused_one(void *arg, const struct db_rpt_fix_dns *fx)
{
	struct refused_ctx *r = arg;
	struct db_text bad;
	if (fix_dns_check(fx, &bad) != FIX_OK)
		return r->cb(r->arg, fx, &bad);
	return 0;
}

enum ipd_status rpt_refused_names(struct rpt_ctx *c, rpt_refused_cb cb, void *arg)
{
	if (c->run_id < 0)
		return IPD_OK;
	struct refused_ctx r = { cb, arg };
	return db_rpt_fix_dns(c->db, c->run_id, refused_one, &r);
}

/* --- output files --- */

struct rpt_out {
	FILE *f;
	char *path, *tmp;   /* tmp set with --force */
	bool is_stdout;
};

struct rpt_out *rpt_out_open(const char *path, bool force, FILE **f)
{
	struct rpt_out *o = xcalloc(1, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		o->is_stdout = true;
		*f = o->f;
		return o;
	}
	o->path = xstrdup(path);
	int fd;
	if (force) {
		o->tmp = xasprintf("%s.tmp.XXXXXX", path);
		fd = mkstemp(o->tmp);
		if (fd >= 0 && fchmod(fd, 0640) != 0) {
			log_warn("%s", o->tmp);
			close(fd);
			unlink(o->tmp);
			fd = -1;
		}
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd < 0 && errno == EEXIST)
			log_warnx("%s exists; use --force to replace it", path);
	}
	if (fd < 0) {
		if (errno != EEXIST || force)
			log_warn("cannot create %s", force ? o->tmp : path);
		goto fail;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		log_warn("%s", path);
		close(fd);
		goto fail;
	}
	/* large buffered writes: the writers emit many small pieces */
	setvbuf(o->f, NULL, _IOFBF, 1 << 16);
	*f = o->f;
	return o;
fail:
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o);
	return NULL;
}

bool rpt_out_close(struct rpt_out *o, bool ok)
{
	if (!o)
		return false;
	bool good = ok;
	if (o->is_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			log_warn("stdout");
			good = false;
		}
	} else {
		if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0) {
			log_warn("%s", o->tmp ? o->tmp : o->path);
			good = false;
		}
		if (fclose(o->f) != 0)
			good = false;
		const char *written = o->tmp ? o->tmp : o->path;
		if (!good) {
			unlink(written);
		} else if (o->tmp && rename(o->tmp, o->path) != 0) {
			log_warn("rename %s", o->path);
			unlink(o->tmp);
			good = false;
		}
	}
	free(o->tmp);
	free(o->path);
	free(o);
	return good;
}
