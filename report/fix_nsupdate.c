/*
 * nsupdate(1) fix scripts from the DNS part of findings' fixes (RFC 2136
 * UPDATE semantics; shapes and exit codes verified in
 * formats-and-conventions §1.3). See fix.h for the rules.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/addr.h"
#include "../common/escape.h"
#include "../common/hostname.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "fix.h"
#include "report.h"

const char *fix_check_str(enum fix_check c)
{
	static const char *const s[] = {
		[FIX_OK] = "ok",
		[FIX_BAD_OP] = "unknown operation",
		[FIX_BAD_TYPE] = "unsupported record type",
		[FIX_BAD_NAME] = "owner is not a valid host name",
		[FIX_BAD_VALUE] = "value is not a valid host name or address",
		[FIX_BAD_OLD] = "no valid observed value to compare against",
		[FIX_BAD_IP] = "address does not parse or disagrees with the owner name",
		[FIX_BAD_ZONE] = "zone is not valid or does not contain the name",
		[FIX_BAD_RRSET] = "observed record set holds a value that cannot be written, or not "
				  "the value to change",
	};
	return (unsigned)c < sizeof s / sizeof s[0] ? s[c] : "?";
}

struct change {
	/* from the finding */
	char *fingerprint, *rule, *severity, *state;
	/* normalized change */
	char *op, *type, *name, *zone, *value, *old;
	enum fix_check chk;
	char *bad;          /* offending text (raw) when refused */
	size_t bad_len;
	const struct db_text *badsrc; /* the same in the fix (normalize only) */
	size_t seq;         /* input order, for a stable sort */
	char *also;         /* fingerprints of merged duplicates, "\n"-separated */
	char **pre;         /* the whole RRset the audit saw (sorted), guarding the change */
	size_t npre;
	bool pre_fix;       /* pre from the fix's "rrset" (else from the store, legacy) */
	char **xold;        /* more records of the same RRset deleted in this message */
	size_t nxold;
	char **xval;        /* more records added to the same RRset in this message */
	size_t nxval;
};

static bool teq(const struct db_text *t, const char *s)
{
	return t->p && t->n == strlen(s) && strncasecmp(t->p, s, t->n) == 0;
}

/* Lower-cased absolute host name, or NULL when it is not a valid one. */
static char *norm_host(const struct db_text *t)
{
	if (!t->p || !hostname_valid_nsupdate(t->p, t->n))
		return NULL;
	char *s = xmalloc(t->n + 2);
	for (size_t i = 0; i < t->n; i++)
		s[i] = (char)tolower((unsigned char)t->p[i]);
	size_t n = t->n;
	if (s[n - 1] != '.')
		s[n++] = '.';
	s[n] = 0;
	return s;
}

/* Canonical text of an address of the given type, or NULL. */
static char *norm_addr(const struct db_text *t, const char *type)
{
	if (!t->p || t->n == 0 || t->n >= IPD_IP_STRLEN || memchr(t->p, 0, t->n))
		return NULL;
	char tmp[IPD_IP_STRLEN], out[IPD_IP_STRLEN];
	memcpy(tmp, t->p, t->n);
	tmp[t->n] = 0;
	struct ipd_ip ip;
	if (!ipd_ip_parse(tmp, &ip))
		return NULL;
	if ((strcmp(type, "A") == 0) != ipd_ip_is_v4(&ip))
		return NULL;
	return xstrdup(ipd_ip_fmt(&ip, out, sizeof out));
}

static char *norm_value(const struct db_text *t, const char *type)
{
	return strcmp(type, "PTR") == 0 ? norm_host(t) : norm_addr(t, type);
}

static enum fix_check refuse(struct change *c, enum fix_check chk, const struct db_text *bad)
{
	c->chk = chk;
	c->badsrc = bad;
	if (bad && bad->p) {
		c->bad = xmalloc(bad->n + 1);
		memcpy(c->bad, bad->p, bad->n);
		c->bad[bad->n] = 0;
		c->bad_len = bad->n;
	}
	return chk;
}

static int strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* The fix's "rrset" (the whole set as the audit saw it) into c->pre. Every
 * value must be writable, or the guard could not list the set exactly and
 * would never match: the change is refused instead. A change of an existing
 * record needs that record in the set; an add with an empty set is an add
 * to an absent set (prereq nxrrset). */
static enum fix_check normalize_rrset(const struct db_rpt_fix_dns *fx, struct change *c)
{
	if (fx->rrset_bad)
		return refuse(c, FIX_BAD_RRSET, NULL);
	for (size_t i = 0; i < fx->nrrset; i++) {
		char *v = norm_value(&fx->rrset[i], c->type);
		if (!v)
			return refuse(c, FIX_BAD_RRSET, &fx->rrset[i]);
		if (has_str(c->pre, c->npre, v)) {
			free(v);
			continue;
		}
		c->pre = xreallocarray(c->pre, c->npre + 1, sizeof *c->pre);
		c->pre[c->npre++] = v;
	}
	if (c->npre)
		qsort(c->pre, c->npre, sizeof *c->pre, strpcmp);
	c->pre_fix = true;
	if (c->old && !has_str(c->pre, c->npre, c->old))
		return refuse(c, FIX_BAD_RRSET, fx->old.p ? &fx->old : &fx->value);
	return FIX_OK;
}

/* Validate and normalize fx into c (zone left to derive_zone when absent). */
static enum fix_check normalize(const struct db_rpt_fix_dns *fx, struct change *c)
{
	static const char *const ops[] = { "add", "delete", "replace" };
	static const char *const types[] = { "A", "AAAA", "PTR" };
	for (size_t i = 0; i < 3 && !c->op; i++)
		if (teq(&fx->op, ops[i]))
			c->op = xstrdup(ops[i]);
	if (!c->op)
		return refuse(c, FIX_BAD_OP, &fx->op);
	for (size_t i = 0; i < 3 && !c->type; i++)
		if (teq(&fx->type, types[i]))
			c->type = xstrdup(types[i]);
	if (!c->type)
		return refuse(c, FIX_BAD_TYPE, &fx->type);

	/* owner: from the address bytes when the fix names one */
	if (fx->ip.p) {
		char tmp[IPD_IP_STRLEN], rev[IPD_REVNAME_LEN];
		struct ipd_ip ip;
		if (fx->ip.n >= sizeof tmp || memchr(fx->ip.p, 0, fx->ip.n))
			return refuse(c, FIX_BAD_IP, &fx->ip);
		memcpy(tmp, fx->ip.p, fx->ip.n);
		tmp[fx->ip.n] = 0;
		if (!ipd_ip_parse(tmp, &ip) || strcmp(c->type, "PTR") != 0)
			return refuse(c, FIX_BAD_IP, &fx->ip);
		ipd_ip_reverse_name(&ip, rev, sizeof rev);
		if (fx->name.p) {
			char *n = norm_host(&fx->name);
			bool same = n && strcmp(n, rev) == 0;
			free(n);
			if (!same)
				return refuse(c, FIX_BAD_IP, &fx->name);
		}
		c->name = xstrdup(rev);
	} else {
		c->name = norm_host(&fx->name);
		if (!c->name)
			return refuse(c, FIX_BAD_NAME, fx->name.p ? &fx->name : &fx->subject);
	}

	bool is_add = strcmp(c->op, "add") == 0, is_del = strcmp(c->op, "delete") == 0;
	if (!is_del) {
		c->value = norm_value(&fx->value, c->type);
		if (!c->value)
			return refuse(c, FIX_BAD_VALUE, &fx->value);
	}
	if (!is_add) {
		const struct db_text *o = fx->old.p ? &fx->old : (is_del ? &fx->value : NULL);
		c->old = o ? norm_value(o, c->type) : NULL;
		if (!c->old)
			return refuse(c, FIX_BAD_OLD, o);
	}
	if (fx->zone.p) {
		c->zone = norm_host(&fx->zone);
		size_t nl = c->zone ? strlen(c->name) : 0, zl = c->zone ? strlen(c->zone) : 0;
		if (!c->zone || zl > nl ||
		    strcmp(c->name + nl - zl, c->zone) != 0 || (zl < nl && c->name[nl - zl - 1] != '.'))
			return refuse(c, FIX_BAD_ZONE, &fx->zone);
	}
	return fx->has_rrset ? normalize_rrset(fx, c) : FIX_OK;
}

static void change_free(struct change *c)
{
	free(c->fingerprint), free(c->rule), free(c->severity), free(c->state);
	free(c->op), free(c->type), free(c->name), free(c->zone), free(c->value), free(c->old);
	free(c->bad), free(c->also);
	for (size_t i = 0; i < c->npre; i++)
		free(c->pre[i]);
	free(c->pre);
	for (size_t i = 0; i < c->nxold; i++)
		free(c->xold[i]);
	free(c->xold);
	for (size_t i = 0; i < c->nxval; i++)
		free(c->xval[i]);
	free(c->xval);
}

enum fix_check fix_dns_check(const struct db_rpt_fix_dns *fx, struct db_text *bad)
{
	struct change c = { 0 };
	enum fix_check r = normalize(fx, &c);
	if (r != FIX_OK && bad) {
		/* point into fx: c.bad is a copy that is freed below */
		const struct db_text *src = &fx->name;
		switch (r) {
		case FIX_BAD_OP: src = &fx->op; break;
		case FIX_BAD_TYPE: src = &fx->type; break;
		case FIX_BAD_VALUE: src = &fx->value; break;
		case FIX_BAD_OLD: src = fx->old.p ? &fx->old : &fx->value; break;
		case FIX_BAD_IP: src = fx->ip.p ? &fx->ip : &fx->name; break;
		case FIX_BAD_ZONE: src = &fx->zone; break;
		case FIX_BAD_RRSET: src = c.badsrc ? c.badsrc : &fx->name; break;
		default: src = fx->name.p ? &fx->name : &fx->subject; break;
		}
		*bad = *src;
	}
	change_free(&c);
	return r;
}

/* --- zones --- */

struct zones {
	char **z;
	size_t n, cap;
};

static int zone_cb(void *arg, const char *zone)
{
	struct zones *zs = arg;
	struct db_text t = { zone, strlen(zone) };
	char *z = norm_host(&t);
	if (!z)
		return 0;
	if (zs->n == zs->cap) {
		zs->cap = zs->cap ? zs->cap * 2 : 16;
		zs->z = xreallocarray(zs->z, zs->cap, sizeof *zs->z);
	}
	zs->z[zs->n++] = z;
	return 0;
}

static bool suffix_label(const char *name, const char *zone)
{
	size_t nl = strlen(name), zl = strlen(zone);
	if (zl > nl || strcmp(name + nl - zl, zone) != 0)
		return false;
	return zl == nl || name[nl - zl - 1] == '.';
}

static char *derive_zone(const struct zones *zs, const char *name)
{
	const char *best = NULL;
	for (size_t i = 0; i < zs->n; i++)
		if (suffix_label(name, zs->z[i]) && (!best || strlen(zs->z[i]) > strlen(best)))
			best = zs->z[i];
	if (best)
		return xstrdup(best);
	size_t nl = strlen(name);
	static const char v4[] = ".in-addr.arpa.", v6[] = ".ip6.arpa.";
	if (nl > sizeof v4 - 1 && strcmp(name + nl - (sizeof v4 - 1), v4) == 0) {
		/* octet boundary: the /24 that holds the address */
		const char *dot = strchr(name, '.');
		return xstrdup(dot + 1);
	}
	if (nl > sizeof v6 - 1 && strcmp(name + nl - (sizeof v6 - 1), v6) == 0) {
		/* nibble boundary: the /64 (skip 16 nibble labels) */
		const char *p = name;
		for (int i = 0; i < 16 && p; i++) {
			p = strchr(p, '.');
			if (p)
				p++;
		}
		if (p && *p)
			return xstrdup(p);
	}
	const char *dot = strchr(name, '.');
	return (dot && dot[1]) ? xstrdup(dot + 1) : xstrdup(name);
}

/* --- the RRset a compare-and-swap guards --- */

struct rrset {
	const char *type;
	char **v;
	size_t n, cap;
	bool bad;   /* a value that cannot be written safely */
};

static int rrset_cb(void *arg, const struct db_text *t)
{
	struct rrset *r = arg;
	char *v = norm_value(t, r->type);
	if (!v) {
		r->bad = true;
		return 1;
	}
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i], v) == 0) {
			free(v);
			return 0;
		}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	r->v[r->n++] = v;
	return 0;
}

/* "prereq yxrrset NAME TYPE VALUE" lines of one name and type form one
 * RRset that must match exactly (nsupdate(1)). Fixes from audits that did
 * not record the set ("rrset"): a record deleted from a round-robin set is
 * guarded by the whole set as last resolved, so the change applies while
 * nothing else changed. Falls back to the single observed value when the
 * resolved set does not hold it or holds unsafe text. */
static void load_rrset(struct db *db, struct change *c)
{
	struct rrset r = { .type = c->type };
	db_rpt_rrset(db, c->name, c->type, rrset_cb, &r);
	bool has_old = false;
	for (size_t i = 0; i < r.n; i++)
		has_old |= strcmp(r.v[i], c->old) == 0;
	if (r.bad || !has_old || r.n < 2) {
		for (size_t i = 0; i < r.n; i++)
			free(r.v[i]);
		free(r.v);
		return;
	}
	qsort(r.v, r.n, sizeof *r.v, strpcmp);
	c->pre = r.v;
	c->npre = r.n;
}

/* --- collection --- */

struct collect {
	struct change *v;
	size_t n, cap;
};

static int collect_cb(void *arg, const struct db_rpt_fix_dns *fx)
{
	struct collect *cl = arg;
	if (cl->n == cl->cap) {
		cl->cap = cl->cap ? cl->cap * 2 : 64;
		cl->v = xreallocarray(cl->v, cl->cap, sizeof *cl->v);
	}
	struct change *c = &cl->v[cl->n];
	memset(c, 0, sizeof *c);
	c->seq = cl->n++;
	c->fingerprint = xstrdup(fx->fingerprint);
	c->rule = xstrdup(fx->rule);
	c->severity = xstrdup(fx->severity);
	c->state = xstrdup(fx->state);
	normalize(fx, c);
	return 0;
}

static int nullcmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int change_cmp(const void *pa, const void *pb)
{
	const struct change *a = pa, *b = pb;
	int r;
	if ((r = (a->chk != FIX_OK) - (b->chk != FIX_OK)))
		return r;
	if ((r = nullcmp(a->zone, b->zone)))
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Order that puts identical changes next to each other (for merging). */
static int change_key_cmp(const void *pa, const void *pb)
{
	const struct change *a = pa, *b = pb;
	int r;
	if ((r = (a->chk != FIX_OK) - (b->chk != FIX_OK)))
		return r;
	if ((r = nullcmp(a->zone, b->zone)) || (r = nullcmp(a->name, b->name)) ||
	    (r = nullcmp(a->type, b->type)) || (r = nullcmp(a->op, b->op)) ||
	    (r = nullcmp(a->value, b->value)) || (r = nullcmp(a->old, b->old)))
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_pre(const struct change *a, const struct change *b)
{
	if (a->npre != b->npre)
		return false;
	for (size_t k = 0; k < a->npre; k++)
		if (strcmp(a->pre[k], b->pre[k]) != 0)
			return false;
	return true;
}

static bool same_change(const struct change *a, const struct change *b)
{
	return a->chk == FIX_OK && b->chk == FIX_OK && !nullcmp(a->zone, b->zone) &&
	       !nullcmp(a->op, b->op) && !nullcmp(a->type, b->type) && !nullcmp(a->name, b->name) &&
	       !nullcmp(a->value, b->value) && !nullcmp(a->old, b->old) && same_pre(a, b);
}

static void add_also(struct change *a, const char *fp)
{
	if (strcmp(a->fingerprint, fp) == 0)
		return; /* one finding's changes of one set: named once */
	for (const char *p = a->also; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == strlen(fp) && strncmp(p, fp, n) == 0)
			return;
		p += n + (e ? 1 : 0);
	}
	struct sbuf b = SBUF_INIT;
	if (a->also)
		sbuf_printf(&b, "%s\n", a->also);
	sbuf_adds(&b, fp);
	free(a->also);
	a->also = sbuf_detach(&b);
}

/* Join b (same zone, name, type and guard) into a's message: a then deletes
 * the union of the records both delete and adds the union of the records
 * both add. False (nothing joined) when one would add what the other
 * deletes. */
static bool join_change(struct change *a, struct change *b)
{
	const char *bdel = strcmp(b->op, "add") != 0 ? b->old : NULL;
	const char *badd = strcmp(b->op, "delete") != 0 ? b->value : NULL;
	bool adel = strcmp(a->op, "add") != 0, aadd = strcmp(a->op, "delete") != 0;
	if ((badd && adel && (!strcmp(a->old, badd) || has_str(a->xold, a->nxold, badd))) ||
	    (bdel && aadd && (!strcmp(a->value, bdel) || has_str(a->xval, a->nxval, bdel))))
		return false;
	if (bdel) {
		if (!adel) {
			free(a->old);
			a->old = xstrdup(bdel);
			adel = true;
		} else if (strcmp(a->old, bdel) != 0 && !has_str(a->xold, a->nxold, bdel)) {
			a->xold = xreallocarray(a->xold, a->nxold + 1, sizeof *a->xold);
			a->xold[a->nxold++] = xstrdup(bdel);
		}
	}
	if (badd) {
		if (!aadd) {
			free(a->value);
			a->value = xstrdup(badd);
			aadd = true;
		} else if (strcmp(a->value, badd) != 0 && !has_str(a->xval, a->nxval, badd)) {
			a->xval = xreallocarray(a->xval, a->nxval + 1, sizeof *a->xval);
			a->xval[a->nxval++] = xstrdup(badd);
		}
	}
	if (adel && aadd && strcmp(a->op, "replace") != 0) {
		free(a->op);
		a->op = xstrdup("replace");
	}
	return true;
}

static void write_message(FILE *out, const struct fix_nsupdate_opts *o, const struct change *c)
{
	/* everything from the store in a comment is escaped: a newline in any
	 * of it would end the comment and start a command */
	fputs("; fixes ", out);
	esc_term_str(ESC_FILE(out), c->rule);
	fputs(" (", out);
	esc_term_str(ESC_FILE(out), c->severity);
	fputs(", ", out);
	esc_term_str(ESC_FILE(out), c->state);
	fputs("): ", out);
	esc_term_str(ESC_FILE(out), c->fingerprint);
	fputc('\n', out);
	for (const char *p = c->also; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		fputs(";   also fixes ", out);
		esc_term(ESC_FILE(out), p, n);
		fputc('\n', out);
		p += n + (e ? 1 : 0);
	}
	if (o->port > 0)
		fprintf(out, "server %s %d\n", o->server, o->port);
	else
		fprintf(out, "server %s\n", o->server);
	fprintf(out, "zone %s\n", c->zone);
	if (strcmp(c->op, "add") == 0 && !c->npre) {
		fprintf(out, "prereq nxrrset %s IN %s\n", c->name, c->type);
		fprintf(out, "update add %s %" PRId64 " IN %s %s\n", c->name, o->ttl, c->type, c->value);
		fputs("send\n;\n", out);
		return;
	}
	if (c->npre) {
		/* the whole set as seen, then only the wrong records go and the
		 * right ones come; the rest of the set stays */
		for (size_t i = 0; i < c->npre; i++)
			fprintf(out, "prereq yxrrset %s IN %s %s\n", c->name, c->type, c->pre[i]);
		if (strcmp(c->op, "add") != 0) {
			fprintf(out, "update delete %s IN %s %s\n", c->name, c->type, c->old);
			for (size_t i = 0; i < c->nxold; i++)
				fprintf(out, "update delete %s IN %s %s\n", c->name, c->type, c->xold[i]);
		}
		if (strcmp(c->op, "delete") != 0) {
			fprintf(out, "update add %s %" PRId64 " IN %s %s\n", c->name, o->ttl, c->type,
				c->value);
			for (size_t i = 0; i < c->nxval; i++)
				fprintf(out, "update add %s %" PRId64 " IN %s %s\n", c->name, o->ttl,
					c->type, c->xval[i]);
		}
		fputs("send\n;\n", out);
		return;
	}
	fprintf(out, "prereq yxrrset %s IN %s %s\n", c->name, c->type, c->old);
	if (strcmp(c->op, "delete") == 0) {
		fprintf(out, "update delete %s IN %s %s\n", c->name, c->type, c->old);
	} else {
		fprintf(out, "update delete %s IN %s\n", c->name, c->type);
		fprintf(out, "update add %s %" PRId64 " IN %s %s\n", c->name, o->ttl, c->type, c->value);
	}
	fputs("send\n;\n", out);
}

static void write_plan(FILE *out, const struct change *c)
{
	fprintf(out, "  %-7s %-5s %s", c->op, c->type, c->name);
	if (c->old)
		fprintf(out, " %s", c->old);
	for (size_t i = 0; i < c->nxold; i++)
		fprintf(out, " %s", c->xold[i]);
	if (c->value)
		fprintf(out, "%s%s", c->old ? " -> " : " ", c->value);
	for (size_t i = 0; i < c->nxval; i++)
		fprintf(out, " %s", c->xval[i]);
	fputs("   (", out);
	esc_term_str(ESC_FILE(out), c->fingerprint);
	fputs(")\n", out);
}

enum ipd_status fix_nsupdate_write(struct db *db, const struct fix_nsupdate_opts *o, FILE *out,
				   struct fix_stats *st)
{
	memset(st, 0, sizeof *st);
	struct zones zs = { 0 };
	struct collect cl = { 0 };
	enum ipd_status rc = db_rpt_zones(db, zone_cb, &zs);
	if (rc == IPD_OK)
		rc = db_rpt_fix_dns(db, o->run_id, collect_cb, &cl);
	if (rc != IPD_OK)
		goto done;
	for (size_t i = 0; i < cl.n; i++) {
		struct change *c = &cl.v[i];
		if (c->chk != FIX_OK)
			continue;
		if (!c->zone)
			c->zone = derive_zone(&zs, c->name);
		if (c->old && !c->pre_fix)
			load_rrset(db, c);
	}
	/* merge identical changes asked for by several findings (two findings
	 * often want the same record: missing-forward and forward-reverse-
	 * mismatch); a second identical message would fail its prereq */
	qsort(cl.v, cl.n, sizeof *cl.v, change_key_cmp);
	for (size_t i = 0; i + 1 < cl.n; i++) {
		size_t j = i + 1;
		while (j < cl.n && cl.v[j].zone && same_change(&cl.v[i], &cl.v[j])) {
			struct sbuf b = SBUF_INIT;
			if (cl.v[i].also)
				sbuf_printf(&b, "%s\n", cl.v[i].also);
			sbuf_adds(&b, cl.v[j].fingerprint);
			free(cl.v[i].also);
			cl.v[i].also = sbuf_detach(&b);
			cl.v[j].chk = -1; /* merged: skipped below */
			st->duplicates++;
			j++;
		}
		i = j - 1;
	}
	/* several changes of one RRset under one guard (stale records of a
	 * round-robin set; a replace and the deletes of the other names of a
	 * PTR set): one message guarded by the whole set makes them all
	 * (separate messages would each guard the full set, and all but the
	 * first would fail) */
	for (size_t i = 0; i < cl.n; i++) {
		struct change *a = &cl.v[i];
		if (a->chk != FIX_OK || !a->npre)
			continue;
		for (size_t j = i + 1; j < cl.n; j++) {
			struct change *b = &cl.v[j];
			if ((int)b->chk == -1)
				continue;
			if (b->chk != FIX_OK || nullcmp(a->zone, b->zone) || strcmp(a->name, b->name) ||
			    strcmp(a->type, b->type))
				break;
			if (!same_pre(a, b) || !join_change(a, b))
				continue;
			add_also(a, b->fingerprint);
			b->chk = -1;
			st->grouped++;
		}
	}
	/* output order: by zone, then as the findings came (severity first) */
	qsort(cl.v, cl.n, sizeof *cl.v, change_cmp);

	char tb[RPT_TIME_LEN];
	if (o->plan) {
		fprintf(out, "nsupdate plan for audit run %" PRId64 " (server %s%s%.0d):\n", o->run_id,
			o->server, o->port > 0 ? " port " : "", o->port > 0 ? o->port : 0);
	} else {
		fprintf(out, "; ipdrift %s nsupdate fix script\n", o->version);
		fprintf(out, "; generated %s from audit run %" PRId64 " of ", rpt_time(o->now, tb, sizeof tb),
			o->run_id);
		esc_term_str(ESC_FILE(out), o->db_path);
		fputs("\n;\n"
		      "; apply with:   nsupdate -k KEYFILE THIS-FILE\n"
		      ";   (KEYFILE: a TSIG key from tsig-keygen; no secret is stored here)\n"
		      "; exit status 0: every change applied; 2: a prerequisite failed, i.e. the\n"
		      ";   zone changed since the audit and that change was NOT applied.\n"
		      "; Each message is atomic and guarded: adds to an absent set by `prereq\n"
		      ";   nxrrset`, other changes by `prereq yxrrset` with the exact set the audit saw.\n"
		      ";   Running the script twice changes nothing the second time.\n"
		      "; (no blank lines below: nsupdate sends on a blank line)\n;\n",
		      out);
	}
	const char *zone = NULL;
	for (size_t i = 0; i < cl.n; i++) {
		struct change *c = &cl.v[i];
		if ((int)c->chk == -1)
			continue;
		if (c->chk != FIX_OK) {
			if (!st->refused)
				fputs(o->plan ? "refused (not valid host names or values; see the report):\n"
					      : "; ---- refused changes: not valid host names or values,\n"
						";      never emitted as commands (shown escaped)\n",
				      out);
			st->refused++;
			fprintf(out, o->plan ? "  %s %s: " : "; refused %s %s: ", c->op ? c->op : "?",
				fix_check_str(c->chk));
			if (c->bad)
				esc_term(ESC_FILE(out), c->bad, c->bad_len);
			else
				fputs("(missing)", out);
			fputs(" (", out);
			esc_term_str(ESC_FILE(out), c->fingerprint);
			fputs(")\n", out);
			continue;
		}
		if (!zone || strcmp(zone, c->zone) != 0) {
			zone = c->zone;
			st->zones++;
			if (o->plan)
				fprintf(out, "zone %s\n", zone);
			else
				fprintf(out, "; ==== zone %s\n", zone);
		}
		if (o->plan)
			write_plan(out, c);
		else
			write_message(out, o, c);
		st->changes++;
	}
	if (o->plan)
		fprintf(out, "%d changes in %d zones, %d refused, %d duplicates merged\n", st->changes,
			st->zones, st->refused, st->duplicates);
	else
		fprintf(out, "; end: %d changes in %d zones, %d refused, %d duplicates merged\n",
			st->changes, st->zones, st->refused, st->duplicates);
	if (ferror(out))
		rc = IPD_EIO;
done:
	for (size_t i = 0; i < cl.n; i++)
		change_free(&cl.v[i]);
	free(cl.v);
	for (size_t i = 0; i < zs.n; i++)
		free(zs.z[i]);
	free(zs.z);
	return rc;
}
