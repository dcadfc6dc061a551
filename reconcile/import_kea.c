/*
 * Kea memfile lease files (kea-leases4.csv, kea-leases6.csv), as written by
 * Kea 2.x (dhcpsrv/csv_lease_file4.cc, csv_lease_file6.cc). Not RFC 4180:
 * no quoting, commas inside fields written as "&#x2c" (util/csv_file.cc).
 * Columns are mapped by header name (Kea 2.4+ appends pool_id). The file is
 * append-only: the last row for an address wins; valid_lifetime 0 deletes.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/csv.h"
#include "../common/hostname.h"
#include "import.h"
#include "import_lease_util.h"

enum { K_ADDR, K_HWADDR, K_CLIENT, K_DUID, K_VALID, K_EXPIRE, K_HOST, K_STATE, K_TYPE, K_IAID,
       K_PLEN, K_N };

static const char *const colname[K_N] = {
	[K_ADDR] = "address", [K_HWADDR] = "hwaddr", [K_CLIENT] = "client_id", [K_DUID] = "duid",
	[K_VALID] = "valid_lifetime", [K_EXPIRE] = "expire", [K_HOST] = "hostname",
	[K_STATE] = "state", [K_TYPE] = "lease_type", [K_IAID] = "iaid", [K_PLEN] = "prefix_len",
};

static const char *kea_state(int64_t s)
{
	static const char *const names[] = { "active", "declined", "expired-reclaimed", "released" };
	return s >= 0 && s < 4 ? names[s] : NULL;
}

static const char *get(const struct csv_record *rec, const int *idx, int k)
{
	if (idx[k] < 0)
		return NULL;
	return imp_nz(rec->f[idx[k]]);
}

static void kea_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx, bool v6)
{
	struct inv_rec r = { .kind = INV_LEASE };
	struct inv_lease *l = &r.u.lease;
	char cid[3 * 130], duid[3 * 130], sbuf[24];
	l->iaid = -1;
	l->prefix_len = -1;
	/* decode &#xHH in every field, in place */
	for (size_t i = 0; i < rec->n; i++)
		if (memchr(rec->f[i], '&', rec->len[i]))
			((size_t *)rec->len)[i] = imp_kea_unescape(rec->f[i], rec->len[i]);

	const char *a = get(rec, idx, K_ADDR);
	if (!a || !ipd_ip_parse(a, &l->ip) || ipd_ip_is_v4(&l->ip) == v6) {
		imp_bad(c, rec->line, "invalid %s address \"%s\"", v6 ? "IPv6" : "IPv4", a ? a : "");
		return;
	}
	int64_t valid, expire;
	const char *vs = get(rec, idx, K_VALID), *es = get(rec, idx, K_EXPIRE);
	if (!imp_int64(vs, &valid) || valid > 0xffffffffLL) {
		imp_bad(c, rec->line, "invalid valid_lifetime \"%s\"", vs ? vs : "");
		return;
	}
	if (!imp_int64(es, &expire)) {
		imp_bad(c, rec->line, "invalid expire \"%s\"", es ? es : "");
		return;
	}
	if (valid == 0) {
		l->deleted = true;  /* lease4-del / lease6-del / reclaimed and removed */
		c->rows++;
		imp_emit(c, &r, rec->line);
		return;
	}
	if (valid == 0xffffffffLL) {
		l->ends = 0;        /* infinite lifetime */
		l->starts = expire;
	} else {
		l->ends = expire;
		l->starts = expire - valid;
	}
	const char *hw = get(rec, idx, K_HWADDR);
	if (hw) {
		if (!ipd_mac_parse(hw, &l->mac)) {
			imp_bad(c, rec->line, "invalid hwaddr \"%s\"", hw);
			return;
		}
		l->has_mac = true;
	}
	uint8_t b[130];
	size_t n;
	const char *ci = get(rec, idx, K_CLIENT);
	if (ci) {
		if (!lease_unhex(ci, b, sizeof b, &n)) {
			imp_bad(c, rec->line, "invalid client_id \"%s\"", ci);
			return;
		}
		lease_hex(b, n, cid, sizeof cid);
		l->client_id = cid;
	}
	const char *du = get(rec, idx, K_DUID);
	if (du) {
		if (!lease_unhex(du, b, sizeof b, &n)) {
			imp_bad(c, rec->line, "invalid duid \"%s\"", du);
			return;
		}
		lease_hex(b, n, duid, sizeof duid);
		l->duid = duid;
		if (!l->has_mac)
			l->has_mac = lease_duid_mac(b, n, &l->mac);
	}
	l->kind = "v4";
	if (v6) {
		int64_t t = 0, v;
		const char *ts = get(rec, idx, K_TYPE);
		if (ts && (!imp_int64(ts, &t) || t > 2)) {
			imp_bad(c, rec->line, "invalid lease_type \"%s\"", ts);
			return;
		}
		l->kind = t == 0 ? "na" : t == 1 ? "ta" : "pd";
		const char *is = get(rec, idx, K_IAID);
		if (is) {
			if (!imp_int64(is, &v) || v > 0xffffffffLL) {
				imp_bad(c, rec->line, "invalid iaid \"%s\"", is);
				return;
			}
			l->iaid = v;
		}
		const char *ps = get(rec, idx, K_PLEN);
		if (ps) {
			if (!imp_int64(ps, &v) || v > 128) {
				imp_bad(c, rec->line, "invalid prefix_len \"%s\"", ps);
				return;
			}
			l->prefix_len = (int)v;
		}
	}
	int64_t st = 0;
	const char *ss = get(rec, idx, K_STATE);
	if (ss && !imp_int64(ss, &st)) {
		imp_bad(c, rec->line, "invalid state \"%s\"", ss);
		return;
	}
	l->state = kea_state(st);
	if (!l->state) {
		snprintf(sbuf, sizeof sbuf, "state-%lld", (long long)st);
		l->state = sbuf;
	}
	if (idx[K_HOST] >= 0 && rec->len[idx[K_HOST]]) {
		l->hostname = rec->f[idx[K_HOST]];
		l->hostname_len = rec->len[idx[K_HOST]];
		l->hostname_flags = hostname_check(l->hostname, l->hostname_len);
	}
	l->active = strcmp(l->state, "active") == 0 && (l->ends == 0 || l->ends > c->now);
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static enum ipd_status parse_kea(struct imp_ctx *c, FILE *f, bool v6)
{
	if (!f) {
		imp_bad(c, 1, "empty file: no header line");
		return IPD_EINVAL;
	}
	struct csv_opts o = { .delim = ',', .flags = CSV_NO_QUOTES };
	struct csv_reader *r = csv_open_file(f, &o);
	struct csv_record rec;
	int idx[K_N];
	enum ipd_status s = csv_next(r, &rec);
	if (s != IPD_OK) {
		if (s == IPD_EINVAL)
			imp_bad(c, csv_error_line(r), "%s", csv_error(r));
		else
			imp_bad(c, 1, "empty file: no header line");
		csv_close(r);
		return s == IPD_EIO ? IPD_EIO : IPD_EINVAL;
	}
	for (int k = 0; k < K_N; k++)
		idx[k] = csv_find(&rec, colname[k]);
	const char *need[] = { "address", "valid_lifetime", "expire", v6 ? "duid" : "hwaddr" };
	for (size_t i = 0; i < 4; i++) {
		if (csv_find(&rec, need[i]) < 0) {
			imp_bad(c, rec.line, "missing column \"%s\" in the header (not a Kea lease%d file?)",
				need[i], v6 ? 6 : 4);
			csv_close(r);
			return IPD_EINVAL;
		}
	}
	size_t nhdr = rec.n;
	while (!c->stopped) {
		s = csv_next(r, &rec);
		if (s == IPD_ENOTFOUND)
			break;
		if (s == IPD_EIO) {
			csv_close(r);
			return IPD_EIO;
		}
		if (s == IPD_EINVAL) {
			imp_bad(c, csv_error_line(r), "%s", csv_error(r));
			continue;
		}
		if (rec.n != nhdr) {
			imp_bad(c, rec.line, "%zu fields, the header has %zu", rec.n, nhdr);
			continue;
		}
		kea_row(c, &rec, idx, v6);
	}
	csv_close(r);
	return IPD_OK;
}

static enum ipd_status parse_kea4(struct imp_ctx *c, FILE *f) { return parse_kea(c, f, false); }
static enum ipd_status parse_kea6(struct imp_ctx *c, FILE *f) { return parse_kea(c, f, true); }

static int detect_kea4(const char *h, size_t n)
{
	return n >= 15 && memcmp(h, "address,hwaddr,", 15) == 0 ? 95 : 0;
}
static int detect_kea6(const char *h, size_t n)
{
	return n >= 13 && memcmp(h, "address,duid,", 13) == 0 ? 95 : 0;
}

const struct imp_format imp_fmt_kea4 = { "kea4", "leases", parse_kea4, detect_kea4 };
const struct imp_format imp_fmt_kea6 = { "kea6", "leases", parse_kea6, detect_kea6 };
