/*
 * ISC dhcpd lease database, dhcpd.leases(5) (v4 `lease` and v6 `ia-na`,
 * `ia-ta`, `ia-pd` blocks), as written by server/db.c write_lease() and
 * write_ia(). The file is a log: later blocks for an address replace earlier
 * ones, which the store's lease upsert implements (we emit in file order).
 * Times are UTC "W YYYY/MM/DD HH:MM:SS", "epoch N" or "never".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/hostname.h"
#include "../common/xmem.h"
#include "import.h"
#include "import_lease_util.h"

enum tk { T_EOF, T_WORD, T_STR, T_LBRACE, T_RBRACE, T_SEMI, T_BAD };

struct lex {
	const char *p, *end;
	unsigned long line;
	/* current token */
	enum tk t;
	char *v;             /* word or decoded string (may contain NUL: use vlen) */
	size_t vlen, vcap;
	unsigned long tline;
	const char *err;
};

static void vput(struct lex *l, char c)
{
	if (l->vlen + 1 >= l->vcap) {
		l->vcap = l->vcap ? l->vcap * 2 : 256;
		l->v = xrealloc(l->v, l->vcap);
	}
	l->v[l->vlen++] = c;
	l->v[l->vlen] = '\0';
}

static enum tk next(struct lex *l)
{
	l->vlen = 0;
	if (l->v)
		l->v[0] = '\0';
	for (;;) {
		while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n')) {
			if (*l->p == '\n')
				l->line++;
			l->p++;
		}
		if (l->p < l->end && *l->p == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
			continue;
		}
		break;
	}
	l->tline = l->line;
	if (l->p >= l->end)
		return l->t = T_EOF;
	char c = *l->p;
	if (c == '{' || c == '}' || c == ';') {
		l->p++;
		vput(l, c);
		return l->t = c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : T_SEMI;
	}
	if (c == '"') {
		l->p++;
		while (l->p < l->end && *l->p != '"') {
			char ch = *l->p++;
			if (ch == '\n')
				l->line++;
			if (ch == '\\' && l->p < l->end) {
				char e = *l->p++;
				if (e >= '0' && e <= '7') {
					int v = e - '0';
					for (int i = 0; i < 2 && l->p < l->end && *l->p >= '0' && *l->p <= '7'; i++)
						v = v * 8 + (*l->p++ - '0');
					vput(l, (char)(v & 0xff));
				} else if (e == 't') {
					vput(l, '\t');
				} else if (e == 'n') {
					vput(l, '\n');
				} else if (e == 'r') {
					vput(l, '\r');
				} else {
					if (e == '\n')
						l->line++;
					vput(l, e);
				}
				continue;
			}
			vput(l, ch);
		}
		if (l->p >= l->end) {
			l->err = "unterminated string";
			return l->t = T_BAD;
		}
		l->p++;
		return l->t = T_STR;
	}
	/* strchr() matches the terminating NUL: test NUL bytes separately so a
	 * NUL is word data and the lexer always advances. */
	while (l->p < l->end && (*l->p == '\0' || !strchr(" \t\r\n{};\"#", *l->p)))
		vput(l, *l->p++);
	return l->t = T_WORD;
}

/* Skip the rest of a statement: to ';' at this depth or past a { } block. */
static bool skip_stmt(struct lex *l)
{
	int depth = 0;
	for (;;) {
		switch (l->t) {
		case T_EOF:
		case T_BAD:
			return false;
		case T_LBRACE:
			depth++;
			break;
		case T_RBRACE:
			if (depth == 0)
				return true; /* leave the '}' for the caller */
			if (--depth == 0) {
				next(l);
				if (l->t == T_SEMI)
					next(l);
				return true;
			}
			break;
		case T_SEMI:
			if (depth == 0) {
				next(l);
				return true;
			}
			break;
		default:
			break;
		}
		next(l);
	}
}

/* "W YYYY/MM/DD HH:MM:SS" | "never" | "epoch N" up to ';'. */
static bool parse_time(struct lex *l, int64_t *out)
{
	next(l);
	if (l->t != T_WORD)
		return false;
	if (strcmp(l->v, "never") == 0) {
		*out = 0;
	} else if (strcmp(l->v, "epoch") == 0) {
		next(l);
		if (l->t != T_WORD || !imp_int64(l->v, out))
			return false;
	} else {
		next(l); /* skip weekday */
		if (l->t != T_WORD)
			return false;
		struct tm tm = { 0 };
		int y, mo, d, h, mi, s;
		char extra;
		if (sscanf(l->v, "%d/%d/%d%c", &y, &mo, &d, &extra) != 3)
			return false;
		next(l);
		if (l->t != T_WORD || sscanf(l->v, "%d:%d:%d%c", &h, &mi, &s, &extra) != 3)
			return false;
		if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || h < 0 ||
		    mi < 0 || mi > 59 || s < 0 || s > 60)
			return false;
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		*out = (int64_t)timegm(&tm);
		if (*out <= 0)
			*out = 1;  /* 0 means never */
	}
	next(l);
	return l->t == T_SEMI;
}

static const char *const states[] = { "free", "active", "expired", "released", "abandoned",
				      "reset", "backup", "reserved", "bootp", NULL };

static const char *known_state(const char *s)
{
	for (size_t i = 0; states[i]; i++)
		if (strcmp(s, states[i]) == 0)
			return states[i];
	return NULL;
}

struct lease_acc {
	struct inv_rec r;
	char uid[3 * 256];
	char duid[3 * 256];
	char *host;
	size_t hostlen;
	bool bad;
	const char *why;
	unsigned long badline;
};

static void acc_bad(struct lease_acc *a, struct lex *l, const char *why)
{
	if (!a->bad) {
		a->bad = true;
		a->why = why;
		a->badline = l->tline;
	}
}

/* Statements inside a lease or iaaddr block, up to (not past) its '}'. */
static bool lease_body(struct lex *l, struct lease_acc *a)
{
	struct inv_lease *ls = &a->r.u.lease;
	next(l);
	while (l->t != T_RBRACE) {
		if (l->t == T_EOF || l->t == T_BAD)
			return false;
		if (l->t != T_WORD) {
			acc_bad(a, l, "unexpected token in lease block");
			if (!skip_stmt(l))
				return false;
			continue;
		}
		if (!strcmp(l->v, "starts") || !strcmp(l->v, "ends")) {
			bool st = l->v[0] == 's';
			int64_t t;
			if (!parse_time(l, &t)) {
				acc_bad(a, l, st ? "invalid starts time" : "invalid ends time");
				if (!skip_stmt(l))
					return false;
				continue;
			}
			if (st)
				ls->starts = t;
			else
				ls->ends = t;
			next(l);
			continue;
		}
		if (!strcmp(l->v, "binding")) {
			next(l);
			if (l->t == T_WORD && !strcmp(l->v, "state"))
				next(l);
			const char *s = l->t == T_WORD ? known_state(l->v) : NULL;
			if (!s)
				acc_bad(a, l, "unknown binding state");
			else
				ls->state = s;
			if (!skip_stmt(l))
				return false;
			continue;
		}
		if (!strcmp(l->v, "abandoned")) {
			ls->state = "abandoned";
			if (!skip_stmt(l))
				return false;
			continue;
		}
		if (!strcmp(l->v, "hardware")) {
			next(l);  /* ethernet | token-ring | fddi ... */
			next(l);
			if (l->t != T_WORD || !ipd_mac_parse(l->v, &ls->mac))
				acc_bad(a, l, "invalid hardware address");
			else
				ls->has_mac = true;
			if (!skip_stmt(l))
				return false;
			continue;
		}
		if (!strcmp(l->v, "uid")) {
			next(l);
			uint8_t b[256];
			size_t n = 0;
			if (l->t == T_STR) {
				n = l->vlen < sizeof b ? l->vlen : sizeof b;
				memcpy(b, l->v, n);
			} else if (l->t != T_WORD || !lease_unhex(l->v, b, sizeof b, &n)) {
				acc_bad(a, l, "invalid uid");
			}
			if (n) {
				lease_hex(b, n, a->uid, sizeof a->uid);
				ls->client_id = a->uid;
			}
			if (!skip_stmt(l))
				return false;
			continue;
		}
		if (!strcmp(l->v, "client-hostname")) {
			next(l);
			if (l->t != T_STR) {
				acc_bad(a, l, "client-hostname is not a quoted string");
			} else {
				free(a->host);
				a->host = xmalloc(l->vlen + 1);
				memcpy(a->host, l->v, l->vlen + 1);
				a->hostlen = l->vlen;
			}
			if (!skip_stmt(l))
				return false;
			continue;
		}
		/* cltt tstp tsfp atsfp next/rewind binding state, set, on, option,
		 * preferred-life, max-life, ...: not needed */
		if (!skip_stmt(l))
			return false;
	}
	return true;
}

static void finish(struct imp_ctx *c, struct lease_acc *a, unsigned long line)
{
	struct inv_lease *ls = &a->r.u.lease;
	if (a->bad) {
		imp_bad(c, a->badline, "%s", a->why);
		return;
	}
	if (!ls->state)
		ls->state = "active";  /* very old files have no binding state */
	ls->hostname = a->host;
	ls->hostname_len = a->hostlen;
	ls->hostname_flags = a->host ? hostname_check(a->host, a->hostlen) : 0;
	ls->active = strcmp(ls->state, "active") == 0 && (ls->ends == 0 || ls->ends > c->now);
	c->rows++;
	imp_emit(c, &a->r, line);
}

static void acc_init(struct lease_acc *a, const char *kind)
{
	free(a->host);
	memset(a, 0, sizeof *a);
	a->r.kind = INV_LEASE;
	a->r.u.lease.kind = kind;
	a->r.u.lease.iaid = -1;
	a->r.u.lease.prefix_len = -1;
}

/* ia-na "IAID+DUID" { cltt ..; iaaddr A { ... } iaprefix P/len { ... } } */
static bool ia_block(struct imp_ctx *c, struct lex *l, const char *kind, bool big_endian)
{
	unsigned long bline = l->tline;
	next(l);
	uint8_t key[260];
	size_t klen = 0;
	if (l->t == T_STR) {
		klen = l->vlen < sizeof key ? l->vlen : sizeof key;
		memcpy(key, l->v, klen);
	} else if (l->t != T_WORD || !lease_unhex(l->v, key, sizeof key, &klen)) {
		imp_bad(c, l->tline, "invalid %s key", kind);
		return skip_stmt(l);
	}
	next(l);
	if (l->t != T_LBRACE) {
		imp_bad(c, l->tline, "expected '{' after %s key", kind);
		return skip_stmt(l);
	}
	int64_t iaid = -1;
	char duid[3 * 256] = "";
	struct ipd_mac dmac;
	bool has_dmac = false;
	if (klen >= 4) {
		iaid = big_endian ? ((int64_t)key[0] << 24 | key[1] << 16 | key[2] << 8 | key[3])
				  : ((int64_t)key[3] << 24 | key[2] << 16 | key[1] << 8 | key[0]);
		lease_hex(key + 4, klen - 4, duid, sizeof duid);
		has_dmac = lease_duid_mac(key + 4, klen - 4, &dmac);
	}
	struct lease_acc a = { 0 };
	next(l);
	while (l->t != T_RBRACE) {
		if (l->t == T_EOF || l->t == T_BAD) {
			imp_bad(c, bline, "unterminated %s block (opened on line %lu)", kind, bline);
			free(a.host);
			return false;
		}
		if (l->t == T_WORD && (!strcmp(l->v, "iaaddr") || !strcmp(l->v, "iaprefix"))) {
			acc_init(&a, kind);
			unsigned long aline = l->tline;
			next(l);
			struct inv_lease *ls = &a.r.u.lease;
			char *slash = l->t == T_WORD ? strchr(l->v, '/') : NULL;
			if (slash) {
				*slash = '\0';
				int64_t pl;
				if (!imp_int64(slash + 1, &pl) || pl > 128)
					acc_bad(&a, l, "invalid prefix length");
				else
					ls->prefix_len = (int)pl;
			}
			if (l->t != T_WORD || !ipd_ip_parse(l->v, &ls->ip) || ipd_ip_is_v4(&ls->ip))
				acc_bad(&a, l, "invalid IPv6 address");
			next(l);
			if (l->t != T_LBRACE) {
				imp_bad(c, l->tline, "expected '{' after address");
				if (!skip_stmt(l))
					return false;
				continue;
			}
			if (!lease_body(l, &a)) {
				imp_bad(c, aline, "unterminated block (opened on line %lu)", aline);
				free(a.host);
				return false;
			}
			ls->iaid = iaid;
			ls->duid = duid[0] ? duid : NULL;
			if (has_dmac) {
				ls->mac = dmac;
				ls->has_mac = true;
			}
			finish(c, &a, aline);
			next(l);
			continue;
		}
		if (!skip_stmt(l)) {
			imp_bad(c, bline, "unterminated %s block (opened on line %lu)", kind, bline);
			free(a.host);
			return false;
		}
	}
	free(a.host);
	next(l);
	return true;
}

static enum ipd_status parse_isc(struct imp_ctx *c, FILE *f)
{
	size_t len;
	char *buf = lease_slurp(f, &len);
	struct lex l = { .p = buf, .end = buf + len, .line = 1 };
	bool big_endian = false;
	struct lease_acc a = { 0 };
	next(&l);
	while (l.t != T_EOF && !c->stopped) {
		if (l.t == T_BAD) {
			imp_bad(c, l.tline, "%s", l.err);
			break;
		}
		if (l.t != T_WORD) {
			imp_bad(c, l.tline, "unexpected \"%s\" at top level", l.v);
			if (l.t == T_RBRACE || l.t == T_SEMI)
				next(&l);
			else if (!skip_stmt(&l))
				break;
			continue;
		}
		if (!strcmp(l.v, "lease")) {
			unsigned long bline = l.tline;
			acc_init(&a, "v4");
			next(&l);
			if (l.t != T_WORD || !ipd_ip_parse(l.v, &a.r.u.lease.ip) ||
			    !ipd_ip_is_v4(&a.r.u.lease.ip))
				acc_bad(&a, &l, "invalid IPv4 address in lease");
			next(&l);
			if (l.t != T_LBRACE) {
				imp_bad(c, l.tline, "expected '{' after lease address");
				if (!skip_stmt(&l))
					break;
				continue;
			}
			if (!lease_body(&l, &a)) {
				if (l.t == T_BAD)
					imp_bad(c, l.tline, "%s", l.err);
				else
					imp_bad(c, bline, "unterminated lease block (opened on line %lu)", bline);
				break;
			}
			finish(c, &a, bline);
			next(&l);
		} else if (!strcmp(l.v, "ia-na") || !strcmp(l.v, "ia_na")) {
			if (!ia_block(c, &l, "na", big_endian))
				break;
		} else if (!strcmp(l.v, "ia-ta") || !strcmp(l.v, "ia_ta")) {
			if (!ia_block(c, &l, "ta", big_endian))
				break;
		} else if (!strcmp(l.v, "ia-pd") || !strcmp(l.v, "ia_pd")) {
			if (!ia_block(c, &l, "pd", big_endian))
				break;
		} else if (!strcmp(l.v, "authoring-byte-order")) {
			next(&l);
			big_endian = l.t == T_WORD && !strcmp(l.v, "big-endian");
			if (!skip_stmt(&l))
				break;
		} else {
			/* server-duid, failover peer, host, class, subclass, group */
			unsigned long sline = l.tline;
			if (!skip_stmt(&l)) {
				imp_bad(c, sline, "unterminated statement (starting on line %lu)", sline);
				break;
			}
		}
	}
	free(a.host);
	free(l.v);
	free(buf);
	return IPD_OK;
}

static int detect_isc(const char *h, size_t n)
{
	static const char *const kw[] = { "lease ", "authoring-byte-order", "ia-na ", "ia-pd ",
					  "ia-ta ", "server-duid", "# The format of this file", NULL };
	for (size_t i = 0; kw[i]; i++) {
		size_t k = strlen(kw[i]);
		for (size_t j = 0; j + k <= n && j < 4096; j++)
			if ((j == 0 || h[j - 1] == '\n') && memcmp(h + j, kw[i], k) == 0)
				return 90;
	}
	return 0;
}

const struct imp_format imp_fmt_isc = { "isc-dhcpd", "leases", parse_isc, detect_isc };
