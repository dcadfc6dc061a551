/*
 * DNS master files (RFC 1035 §5.1; $TTL from RFC 2308 §4; TTL units as BIND
 * writes them): $ORIGIN, $TTL, '@', blank owners, relative names, ( )
 * continuation, ';' comments, quoted strings, '\' escapes, TTL and class in
 * either order. A AAAA PTR CNAME NS SOA are kept; other types are counted.
 * $INCLUDE is refused (import each file as its own source); $GENERATE is
 * BIND's, and the caller canonicalises such files with named-compilezone
 * (imp_zone_compile) whose output this same parser reads.
 *
 * Defaults follow BIND (checked with named-compilezone): an omitted TTL is
 * $TTL when set, else the last explicit TTL, else the SOA minimum.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/xmem.h"
#include "import.h"
#include "import_lease_util.h"

#define ZMAXTOK 64
#define ZNAME 1100

struct ztok {
	const char *s;   /* points into the entry buffer */
	size_t len;
	bool quoted;
};

struct zentry {
	struct ztok t[ZMAXTOK];
	int n;
	bool more;       /* tokens beyond ZMAXTOK were dropped */
	bool blank_owner;
	unsigned long line;
	char *buf;       /* token bytes, NUL-separated */
	size_t blen, bcap;
};

struct zlex {
	const char *p, *end;
	unsigned long line;
	const char *err;
	unsigned long errline;
};

static void bput(struct zentry *e, char c)
{
	if (e->blen + 1 >= e->bcap) {
		e->bcap = e->bcap ? e->bcap * 2 : 1024;
		e->buf = xrealloc(e->buf, e->bcap);
	}
	e->buf[e->blen++] = c;
}

/* One logical entry (a line, or several joined by parentheses).
 * Returns 1 = entry, 0 = end of input, -1 = error (entry skipped). */
static int read_entry(struct zlex *l, struct zentry *e)
{
	size_t offs[ZMAXTOK];
	for (;;) {
		if (l->p >= l->end)
			return 0;
		e->n = 0;
		e->more = false;
		e->blen = 0;
		e->line = l->line;
		e->blank_owner = (*l->p == ' ' || *l->p == '\t');
		int paren = 0;
		unsigned long pline = 0;
		bool done = false;
		while (!done) {
			if (l->p >= l->end) {
				if (paren) {
					l->err = "unbalanced '(' (opened on this line)";
					l->errline = pline;
					return -1;
				}
				break;
			}
			char c = *l->p;
			if (c == '\n') {
				l->p++;
				l->line++;
				if (!paren)
					done = true;
				continue;
			}
			if (c == ' ' || c == '\t' || c == '\r') {
				l->p++;
				continue;
			}
			if (c == ';') {
				while (l->p < l->end && *l->p != '\n')
					l->p++;
				continue;
			}
			if (c == '(') {
				if (!paren)
					pline = l->line;
				paren++;
				l->p++;
				continue;
			}
			if (c == ')') {
				if (!paren) {
					l->err = "unbalanced ')'";
					l->errline = l->line;
					while (l->p < l->end && *l->p != '\n')
						l->p++;
					return -1;
				}
				paren--;
				l->p++;
				continue;
			}
			/* a token */
			bool quoted = c == '"';
			size_t start = e->blen;
			unsigned long tline = l->line;
			if (quoted)
				l->p++;
			while (l->p < l->end) {
				c = *l->p;
				if (quoted ? c == '"' : strchr(" \t\r\n;()", c) != NULL)
					break;
				if (c == '\\' && l->p + 1 < l->end) {
					bput(e, c);
					l->p++;
					c = *l->p;
				}
				if (c == '\n')
					l->line++;
				bput(e, c);
				l->p++;
			}
			if (quoted) {
				if (l->p >= l->end) {
					l->err = "unterminated quoted string";
					l->errline = tline;
					return -1;
				}
				l->p++;
			}
			bput(e, '\0');
			if (e->n < ZMAXTOK) {
				offs[e->n] = start;
				e->t[e->n].len = e->blen - 1 - start;
				e->t[e->n].quoted = quoted;
				e->n++;
			} else {
				e->more = true;
			}
		}
		if (e->n == 0)
			continue;  /* blank or comment-only line */
		for (int i = 0; i < e->n; i++)
			e->t[i].s = e->buf + offs[i];
		return 1;
	}
}

/* "3600", "1h", "1w2d", "1H30M": seconds, bounded to 2^31-1 (RFC 2181 §8). */
static bool parse_ttl(const char *s, int64_t *out)
{
	int64_t total = 0, cur = 0;
	bool digits = false, unit = false;
	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			cur = cur * 10 + (*s - '0');
			if (cur > 0x7fffffffLL)
				return false;
			digits = true;
			continue;
		}
		int64_t m;
		switch (tolower((unsigned char)*s)) {
		case 's': m = 1; break;
		case 'm': m = 60; break;
		case 'h': m = 3600; break;
		case 'd': m = 86400; break;
		case 'w': m = 604800; break;
		default: return false;
		}
		if (!digits)
			return false;
		total += cur * m;
		cur = 0;
		digits = false;
		unit = true;
		if (total > 0x7fffffffLL)
			return false;
	}
	if (digits)
		total += cur;  /* trailing bare number: seconds ("1h30") */
	else if (!unit)
		return false;
	if (total > 0x7fffffffLL)
		return false;
	*out = total;
	return true;
}

static bool is_class(const char *s)
{
	return !strcasecmp(s, "IN") || !strcasecmp(s, "CH") || !strcasecmp(s, "HS") ||
	       !strcasecmp(s, "CS") || !strcasecmp(s, "ANY") ||
	       (!strncasecmp(s, "CLASS", 5) && isdigit((unsigned char)s[5]));
}

/* Ends with a '.' that is not escaped. */
static bool is_absolute(const char *s, size_t n)
{
	if (n == 0 || s[n - 1] != '.')
		return false;
	size_t bs = 0;
	for (size_t i = n - 1; i > 0 && s[i - 1] == '\\'; i--)
		bs++;
	return bs % 2 == 0;
}

/* Make name absolute against origin. */
static bool abs_name(const char *s, size_t n, const char *origin, char *out, size_t outlen,
		     const char **why)
{
	if (n == 1 && s[0] == '@') {
		if (!origin || !*origin) {
			*why = "'@' used but no origin is known (give --origin or $ORIGIN)";
			return false;
		}
		snprintf(out, outlen, "%s", origin);
		return true;
	}
	if (n > 1 && s[0] == '.') {
		*why = "empty label in name";
		return false;
	}
	if (is_absolute(s, n)) {
		if (n + 1 > outlen) {
			*why = "name too long";
			return false;
		}
		memcpy(out, s, n + 1);
		return true;
	}
	if (!origin || !*origin) {
		*why = "relative name but no origin is known (give --origin or $ORIGIN)";
		return false;
	}
	int k = strcmp(origin, ".") == 0 ? snprintf(out, outlen, "%.*s.", (int)n, s)
					  : snprintf(out, outlen, "%.*s.%s", (int)n, s, origin);
	if (k < 0 || (size_t)k >= outlen) {
		*why = "name too long";
		return false;
	}
	return true;
}

/* Address named by a reverse owner (in-addr.arpa with 4 labels, ip6.arpa
 * with 32 nibbles); false for anything else (e.g. RFC 2317 delegations). */
static bool reverse_to_ip(const char *name, struct ipd_ip *ip)
{
	size_t n = strlen(name);
	static const char v4s[] = ".in-addr.arpa.", v6s[] = ".ip6.arpa.";
	if (n > sizeof v4s - 1 && strcasecmp(name + n - (sizeof v4s - 1), v4s) == 0) {
		unsigned v[4];
		char tail;
		int k = sscanf(name, "%3u.%3u.%3u.%3u.in-addr.arpa%c", &v[3], &v[2], &v[1], &v[0], &tail);
		if (k != 5 || tail != '.')
			return false;
		/* reject leading zeros / non-canonical labels such as "01" */
		const char *p = name;
		for (int i = 0; i < 4; i++) {
			if (p[0] == '0' && isdigit((unsigned char)p[1]))
				return false;
			p = strchr(p, '.') + 1;
		}
		uint8_t b[4];
		for (int i = 0; i < 4; i++) {
			if (v[i] > 255)
				return false;
			b[i] = (uint8_t)v[i];
		}
		ipd_ip_from_v4_bytes(ip, b);
		return true;
	}
	if (n == 64 + sizeof v6s - 2 && strcasecmp(name + 64, v6s + 1) == 0) {
		uint8_t b[16] = { 0 };
		for (int i = 0; i < 32; i++) {
			char c = (char)tolower((unsigned char)name[i * 2]);
			if (name[i * 2 + 1] != '.' || !isxdigit((unsigned char)c))
				return false;
			int v = isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10;
			int nib = 31 - i;
			b[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
		}
		ipd_ip_from_v6_bytes(ip, b);
		return true;
	}
	return false;
}

struct zstate {
	char origin[ZNAME];
	char owner[ZNAME];
	char zone[ZNAME];
	int64_t dollar_ttl, last_ttl, soa_min;
	bool have_dollar_ttl, have_last_ttl, have_soa, have_owner;
};

static void zone_entry(struct imp_ctx *c, struct zstate *z, struct zentry *e)
{
	const char *why = NULL;
	int i = 0;
	char name[ZNAME], target[ZNAME], rdata[2 * ZNAME + 128];

	if (!e->blank_owner && e->t[0].s[0] == '$' && !e->t[0].quoted) {
		const char *d = e->t[0].s;
		if (!strcasecmp(d, "$ORIGIN")) {
			if (e->n != 2) {
				imp_bad(c, e->line, "$ORIGIN needs exactly one name");
				return;
			}
			if (!abs_name(e->t[1].s, e->t[1].len, z->origin, name, sizeof name, &why)) {
				imp_bad(c, e->line, "$ORIGIN: %s", why);
				return;
			}
			snprintf(z->origin, sizeof z->origin, "%s", name);
			if (!z->zone[0])
				snprintf(z->zone, sizeof z->zone, "%s", name);
			return;
		}
		if (!strcasecmp(d, "$TTL")) {
			if (e->n != 2 || !parse_ttl(e->t[1].s, &z->dollar_ttl)) {
				imp_bad(c, e->line, "$TTL needs one TTL (seconds or units like 1h)");
				return;
			}
			z->have_dollar_ttl = true;
			return;
		}
		if (!strcasecmp(d, "$INCLUDE")) {
			imp_bad(c, e->line, "$INCLUDE is not supported: import each file as its own source");
			return;
		}
		if (!strcasecmp(d, "$GENERATE")) {
			imp_bad(c, e->line, "$GENERATE needs named-compilezone (bind9-utils)");
			return;
		}
		imp_bad(c, e->line, "unknown directive \"%s\"", d);
		return;
	}

	if (!e->blank_owner) {
		if (!abs_name(e->t[0].s, e->t[0].len, z->origin, z->owner, sizeof z->owner, &why)) {
			z->have_owner = false;
			imp_bad(c, e->line, "owner: %s", why);
			return;
		}
		z->have_owner = true;
		i = 1;
	} else if (!z->have_owner) {
		imp_bad(c, e->line, "record with a blank owner but no previous owner");
		return;
	}
	int64_t ttl = -1;
	bool have_class = false;
	for (int k = 0; k < 2 && i < e->n; k++) {
		if (isdigit((unsigned char)e->t[i].s[0]) && ttl < 0) {
			if (!parse_ttl(e->t[i].s, &ttl)) {
				imp_bad(c, e->line, "invalid TTL \"%s\"", e->t[i].s);
				return;
			}
			i++;
		} else if (!have_class && is_class(e->t[i].s)) {
			if (strcasecmp(e->t[i].s, "IN")) {
				c->other_types++;   /* CH/HS data: not ours */
				return;
			}
			have_class = true;
			i++;
		}
	}
	if (i >= e->n) {
		imp_bad(c, e->line, "record without a type");
		return;
	}
	const char *type = e->t[i++].s;
	int nr = e->n - i;
	struct ztok *rd = &e->t[i];
	static const char *const kept[] = { "A", "AAAA", "PTR", "CNAME", "NS", "SOA", NULL };
	const char *T = NULL;
	for (int k = 0; kept[k]; k++)
		if (!strcasecmp(type, kept[k]))
			T = kept[k];
	if (!T) {
		if (!isalpha((unsigned char)type[0])) {
			imp_bad(c, e->line, "invalid type \"%s\"", type);
			return;
		}
		if (nr == 0) {
			imp_bad(c, e->line, "%s record without data", type);
			return;
		}
		c->other_types++;
		return;
	}
	if (ttl >= 0) {
		z->last_ttl = ttl;
		z->have_last_ttl = true;
	} else if (z->have_dollar_ttl) {
		ttl = z->dollar_ttl;
	} else if (z->have_last_ttl) {
		ttl = z->last_ttl;
	} else if (z->have_soa) {
		ttl = z->soa_min;
	} else if (strcmp(T, "SOA") != 0) {
		imp_bad(c, e->line, "no TTL and no $TTL before this record");
		return;
	}

	struct inv_rec r = { .kind = INV_DNS };
	struct inv_dns *d = &r.u.dns;
	d->owner = z->owner;
	d->type = T;
	d->rdata = rdata;
	int want = !strcmp(T, "SOA") ? 7 : 1;
	if (nr != want || e->more) {
		imp_bad(c, e->line, "%s record needs %d data field%s, has %d", T, want, want > 1 ? "s" : "",
			nr);
		return;
	}
	if (!strcmp(T, "A") || !strcmp(T, "AAAA")) {
		bool v4 = T[1] == '\0';
		if (!ipd_ip_parse(rd[0].s, &d->ip) || ipd_ip_is_v4(&d->ip) != v4 ||
		    (v4 && strchr(rd[0].s, ':'))) {
			imp_bad(c, e->line, "invalid %s address \"%s\"", T, rd[0].s);
			return;
		}
		d->has_ip = true;
		ipd_ip_fmt(&d->ip, rdata, sizeof rdata);
	} else if (!strcmp(T, "SOA")) {
		char mname[ZNAME], rname[ZNAME];
		int64_t v[5];
		if (!abs_name(rd[0].s, rd[0].len, z->origin, mname, sizeof mname, &why) ||
		    !abs_name(rd[1].s, rd[1].len, z->origin, rname, sizeof rname, &why)) {
			imp_bad(c, e->line, "SOA: %s", why);
			return;
		}
		for (int k = 0; k < 5; k++) {
			bool ok = k == 0 ? imp_int64(rd[2].s, &v[0]) && v[0] <= 0xffffffffLL
					 : parse_ttl(rd[2 + k].s, &v[k]);
			if (!ok) {
				imp_bad(c, e->line, "SOA: invalid number \"%s\"", rd[2 + k].s);
				return;
			}
		}
		snprintf(rdata, sizeof rdata, "%s %s %lld %lld %lld %lld %lld", mname, rname,
			 (long long)v[0], (long long)v[1], (long long)v[2], (long long)v[3],
			 (long long)v[4]);
		if (!z->have_soa) {
			snprintf(z->zone, sizeof z->zone, "%s", z->owner);
			z->soa_min = v[4];
			z->have_soa = true;
		}
		if (ttl < 0)
			ttl = v[4];
	} else {
		if (!abs_name(rd[0].s, rd[0].len, z->origin, target, sizeof target, &why)) {
			imp_bad(c, e->line, "%s target: %s", T, why);
			return;
		}
		snprintf(rdata, sizeof rdata, "%s", target);
		d->target = target;
		d->target_len = strlen(target);
		if (!strcmp(T, "PTR"))
			d->has_ip = reverse_to_ip(z->owner, &d->ip);
	}
	d->ttl = ttl;
	d->zone = z->zone[0] ? z->zone : z->origin;
	c->rows++;
	imp_emit(c, &r, e->line);
}

static enum ipd_status parse_zone(struct imp_ctx *c, FILE *f)
{
	size_t len;
	char *buf = lease_slurp(f, &len);
	struct zlex l = { .p = buf, .end = buf + len, .line = 1 };
	struct zentry e = { 0 };
	struct zstate *z = xcalloc(1, sizeof *z);
	if (c->origin && *c->origin) {
		const char *why;
		if (!abs_name(c->origin, strlen(c->origin), ".", z->origin, sizeof z->origin, &why))
			z->origin[0] = '\0';
	}
	if (memchr(buf, '\0', len)) {
		const char *nul = memchr(buf, '\0', len);
		unsigned long ln = 1;
		for (const char *p = buf; p < nul; p++)
			ln += *p == '\n';
		imp_bad(c, ln, "NUL byte in zone file");
		goto out;
	}
	int rc;
	while (!c->stopped && (rc = read_entry(&l, &e)) != 0) {
		if (rc < 0) {
			imp_bad(c, l.errline, "%s", l.err);
			if (l.p >= l.end)
				break;
			continue;
		}
		zone_entry(c, z, &e);
	}
	snprintf(c->origin_found, sizeof c->origin_found, "%s", z->zone[0] ? z->zone : z->origin);
out:
	free(e.buf);
	free(z);
	free(buf);
	return IPD_OK;
}

static int detect_zone(const char *h, size_t n)
{
	(void)h;
	(void)n;
	return 10;  /* the only zone format */
}

const struct imp_format imp_fmt_zone = { "zone", "zone", parse_zone, detect_zone };
