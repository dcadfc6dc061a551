/*
 * Fixture resolver for tests (audit scenarios, unit tests): answers come
 * from a text file instead of the network. Never used in production.
 *
 * Fixture format, one entry per line; '#' starts a comment line:
 *
 *     default STATUS                      status for anything not listed
 *                                         (initially nxdomain)
 *     TYPE QNAME STATUS [TTL VALUE]
 *
 *   TYPE    PTR, A or AAAA
 *   QNAME   for PTR an address (192.0.2.10, 2001:db8::1) or the reverse
 *           name; for A/AAAA the owner. Case-insensitive, trailing dot
 *           optional.
 *   STATUS  ok nxdomain nodata servfail refused timeout error
 *   TTL     seconds (only with ok)
 *   VALUE   the rest of the line (with ok): PTR target, or the address for
 *           A/AAAA. In a PTR target, \DDD (decimal) gives any byte, so
 *           hostile names can be written: "evil\010name\032x.example.".
 *
 * Several "ok" lines for one TYPE QNAME make an RRset (several PTRs).
 * Examples:
 *     PTR 192.0.2.10 ok 3600 web.example.test.
 *     PTR 192.0.2.10 ok 3600 www.example.test.
 *     A web.example.test ok 300 192.0.2.10
 *     AAAA web.example.test nodata
 *     PTR 192.0.2.66 timeout
 *
 * Queries are answered in submission order from dns_poll(); the server is
 * reported as "fake".
 */
#include "dns.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/log.h"
#include "../common/xmem.h"

struct fentry {
	enum dns_qtype t;
	char *qname;           /* absolute, as written (compared case-insensitively) */
	enum dns_status status;
	uint32_t ttl;
	char *value;           /* PTR target text */
	struct ipd_ip ip;      /* A/AAAA value */
};

struct fq {
	enum dns_qtype t;
	char *qname;
	bool has_ip;
	struct ipd_ip ip;
	dns_cb cb;
	void *arg;
};

struct fake {
	struct fentry *e;
	size_t ne;
	enum dns_status dflt;
	struct fq *q;
	size_t nq, capq, head;
	struct dns_stats st;
};

static char *absolute(const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		return xstrdup(s);
	return xasprintf("%s.", s);
}

/* \DDD -> byte, keeping our storage escapes for '.', '\' and NUL. */
static char *decode_value(const char *s)
{
	char *out = xmalloc(strlen(s) * 4 + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
		    isdigit((unsigned char)s[3])) {
			int v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
			s += 4;
			if (v == 0) {
				memcpy(o, "\\000", 4);
				o += 4;
			} else if (v == '.' || v == '\\') {
				*o++ = '\\';
				*o++ = (char)v;
			} else {
				*o++ = (char)(v & 0xff);
			}
		} else if (s[0] == '\\' && s[1]) {
			*o++ = *s++;
			*o++ = *s++;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static bool parse_line(struct fake *f, char *line, int lineno, const char *path)
{
	char *save = NULL;
	char *tok = strtok_r(line, " \t", &save);
	if (!tok || tok[0] == '#')
		return true;
	if (strcmp(tok, "default") == 0) {
		char *s = strtok_r(NULL, " \t", &save);
		if (!s || !dns_status_parse(s, &f->dflt)) {
			log_warnx("%s:%d: default needs a status", path, lineno);
			return false;
		}
		return true;
	}
	struct fentry e;
	memset(&e, 0, sizeof e);
	char *qn = strtok_r(NULL, " \t", &save);
	char *stt = strtok_r(NULL, " \t", &save);
	if (!dns_qtype_parse(tok, &e.t) || !qn || !stt || !dns_status_parse(stt, &e.status)) {
		log_warnx("%s:%d: want TYPE QNAME STATUS [TTL VALUE]", path, lineno);
		return false;
	}
	struct ipd_ip ip;
	if (e.t == DNS_T_PTR && ipd_ip_parse(qn, &ip)) {
		char rev[IPD_REVNAME_LEN];
		e.qname = xstrdup(ipd_ip_reverse_name(&ip, rev, sizeof rev));
	} else {
		e.qname = absolute(qn);
	}
	if (e.status == DNS_OK) {
		char *ttl = strtok_r(NULL, " \t", &save);
		char *val = save;
		while (val && (*val == ' ' || *val == '\t'))
			val++;
		char *end;
		unsigned long t = ttl ? strtoul(ttl, &end, 10) : 0;
		if (!ttl || *end || !val || !*val) {
			log_warnx("%s:%d: ok needs TTL VALUE", path, lineno);
			free(e.qname);
			return false;
		}
		e.ttl = (uint32_t)t;
		if (e.t == DNS_T_PTR) {
			e.value = decode_value(val);
		} else {
			char *v = strtok_r(val, " \t", &save);
			if (!v || !ipd_ip_parse(v, &e.ip) ||
			    (e.t == DNS_T_A) != ipd_ip_is_v4(&e.ip)) {
				log_warnx("%s:%d: bad %s address", path, lineno, tok);
				free(e.qname);
				return false;
			}
		}
	}
	f->e = xreallocarray(f->e, f->ne + 1, sizeof *f->e);
	f->e[f->ne++] = e;
	return true;
}

static enum ipd_status f_enqueue(struct fake *f, enum dns_qtype t, const char *qname,
				 const struct ipd_ip *ip, dns_cb cb, void *arg)
{
	if (f->nq == f->capq) {
		f->capq = f->capq ? f->capq * 2 : 64;
		f->q = xreallocarray(f->q, f->capq, sizeof *f->q);
	}
	struct fq *q = &f->q[f->nq++];
	q->t = t;
	q->qname = absolute(qname);
	q->has_ip = ip != NULL;
	if (ip)
		q->ip = *ip;
	q->cb = cb;
	q->arg = arg;
	f->st.queued++;
	return IPD_OK;
}

static enum ipd_status f_ptr(void *ctx, const struct ipd_ip *ip, dns_cb cb, void *arg)
{
	char rev[IPD_REVNAME_LEN];
	return f_enqueue(ctx, DNS_T_PTR, ipd_ip_reverse_name(ip, rev, sizeof rev), ip, cb, arg);
}

static enum ipd_status f_fwd(void *ctx, const char *name, int family, dns_cb cb, void *arg)
{
	if (!name || !*name)
		return IPD_EINVAL;
	return f_enqueue(ctx, family == 6 ? DNS_T_AAAA : DNS_T_A, name, NULL, cb, arg);
}

static void answer(struct fake *f, struct fq *q)
{
	struct dns_answer *ans = NULL;
	size_t nans = 0;
	enum dns_status status = f->dflt;
	for (size_t i = 0; i < f->ne; i++) {
		struct fentry *e = &f->e[i];
		if (e->t != q->t || strcasecmp(e->qname, q->qname) != 0)
			continue;
		status = e->status;
		if (e->status != DNS_OK)
			break;
		ans = xreallocarray(ans, nans + 1, sizeof *ans);
		ans[nans].ttl = e->ttl;
		ans[nans].name = q->t == DNS_T_PTR ? e->value : q->qname;
		ans[nans].ip = q->t == DNS_T_PTR ? q->ip : e->ip;
		nans++;
	}
	if (status == DNS_OK && nans == 0)
		status = DNS_NODATA;
	struct dns_result r = {
		.qtype = q->t, .qname = q->qname, .ip = q->has_ip ? &q->ip : NULL,
		.status = status, .rcode = -1, .ans = status == DNS_OK ? ans : NULL,
		.nans = status == DNS_OK ? nans : 0, .neg_ttl = -1, .server = "fake",
	};
	switch (status) {
	case DNS_OK: case DNS_NODATA: r.rcode = 0; break;
	case DNS_NXDOMAIN: r.rcode = 3; break;
	case DNS_SERVFAIL: r.rcode = 2; break;
	case DNS_REFUSED: r.rcode = 5; break;
	default: break;
	}
	f->st.sent++;
	f->st.done++;
	f->st.by_status[status]++;
	q->cb(q->arg, &r);
	free(ans);
}

static size_t f_poll(void *ctx, int timeout_ms)
{
	struct fake *f = ctx;
	(void)timeout_ms;
	/* callbacks may queue more (forward lookups of PTR targets) */
	while (f->head < f->nq) {
		struct fq q = f->q[f->head++];
		answer(f, &q);
		free(q.qname);
	}
	f->head = f->nq = 0;
	return 0;
}

static const struct dns_stats *f_stats(void *ctx)
{
	return &((struct fake *)ctx)->st;
}

static void f_close(void *ctx)
{
	struct fake *f = ctx;
	for (size_t i = f->head; i < f->nq; i++)
		free(f->q[i].qname);
	for (size_t i = 0; i < f->ne; i++) {
		free(f->e[i].qname);
		free(f->e[i].value);
	}
	free(f->e);
	free(f->q);
	free(f);
}

static const struct dns_ops fake_ops = {
	.name = "fake", .ptr = f_ptr, .fwd = f_fwd, .poll = f_poll, .stats = f_stats,
	.close = f_close,
};

enum ipd_status dns_fake_open(const char *path, struct dns_resolver *out)
{
	out->ops = NULL;
	out->ctx = NULL;
	FILE *fp = fopen(path, "r");
	if (!fp) {
		log_warn("%s", path);
		return IPD_EIO;
	}
	struct fake *f = xcalloc(1, sizeof *f);
	f->dflt = DNS_NXDOMAIN;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	bool ok = true;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!parse_line(f, line, lineno, path))
			ok = false;
	}
	free(line);
	fclose(fp);
	if (!ok) {
		f_close(f);
		return IPD_EINVAL;
	}
	out->ops = &fake_ops;
	out->ctx = f;
	return IPD_OK;
}
