/*
 * IPAM inventories in CSV (RFC 4180): NetBox 4 bulk-import columns
 * (netbox/ipam/forms/bulk_import.py: IPAddress, Prefix, IPRange), phpIPAM's
 * import template (app/admin/import-export/), and ipdrift's native CSVs.
 * Columns are found by header name (case-insensitive), never by position.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/csv.h"
#include "../common/hostname.h"
#include "import.h"

#define MAXCOLS 16

struct colspec {
	const char *names[6];   /* accepted header names, first = canonical */
	bool required;
};

typedef void (*row_fn)(struct imp_ctx *c, const struct csv_record *rec, const int *idx);

/* Field of column i trimmed of ASCII blanks (structural fields: addresses,
 * statuses); NULL when the column is absent or empty. */
static const char *fld(const struct csv_record *rec, const int *idx, int i)
{
	if (idx[i] < 0 || (size_t)idx[i] >= rec->n)
		return NULL;
	char *s = rec->f[idx[i]];
	return imp_nz(imp_trim(s));
}

/* Field kept verbatim (free text and names: stored faithfully). */
static const char *raw(const struct csv_record *rec, const int *idx, int i, size_t *len)
{
	if (idx[i] < 0 || (size_t)idx[i] >= rec->n || rec->len[idx[i]] == 0) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = rec->len[idx[i]];
	return rec->f[idx[i]];
}

static bool blank_record(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		for (size_t j = 0; j < rec->len[i]; j++)
			if (rec->f[i][j] != ' ' && rec->f[i][j] != '\t')
				return false;
	return true;
}

static enum ipd_status run_csv(struct imp_ctx *c, FILE *f, const struct colspec *cols, size_t ncols,
			       row_fn fn)
{
	int idx[MAXCOLS];
	struct csv_record rec;
	if (!f) {
		imp_bad(c, 1, "empty file: no header line");
		return IPD_EINVAL;
	}
	struct csv_reader *r = csv_open_file(f, NULL);
	enum ipd_status s;
	for (;;) {
		s = csv_next(r, &rec);
		if (s != IPD_EINVAL)
			break;
		imp_bad(c, csv_error_line(r), "%s", csv_error(r));
		csv_close(r);
		return IPD_EINVAL;
	}
	if (s != IPD_OK) {
		imp_bad(c, 1, s == IPD_EIO ? "read error" : "empty file: no header line");
		csv_close(r);
		return s == IPD_EIO ? IPD_EIO : IPD_EINVAL;
	}
	size_t nhdr = rec.n;
	unsigned long hline = rec.line;
	for (size_t i = 0; i < ncols; i++) {
		idx[i] = -1;
		for (size_t k = 0; k < 6 && cols[i].names[k] && idx[i] < 0; k++)
			idx[i] = csv_find(&rec, cols[i].names[k]);
		if (idx[i] < 0 && cols[i].required) {
			imp_bad(c, hline, "missing column \"%s\" in the header", cols[i].names[0]);
			csv_close(r);
			return IPD_EINVAL;
		}
	}
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
		if (blank_record(&rec))
			continue;
		if (rec.n != nhdr) {
			imp_bad(c, rec.line, "%zu fields, the header has %zu", rec.n, nhdr);
			continue;
		}
		fn(c, &rec, idx);
	}
	csv_close(r);
	return IPD_OK;
}

/* "192.0.2.10/24" or "192.0.2.10" → ip and prefix length (-1 if none). */
static bool parse_cidr_addr(const char *s, struct ipd_ip *ip, int *plen)
{
	char buf[IPD_PFX_STRLEN + 8];
	size_t n = strlen(s);
	if (n >= sizeof buf)
		return false;
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	*plen = -1;
	if (slash) {
		*slash++ = '\0';
		int64_t v;
		if (!imp_int64(slash, &v))
			return false;
		*plen = (int)(v > 200 ? 200 : v);
	}
	if (!ipd_ip_parse(buf, ip))
		return false;
	if (*plen > (ipd_ip_is_v4(ip) ? 32 : 128))
		return false;
	return true;
}

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(s, list[i]) == 0)
			return true;
	return false;
}

static char *lower(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const t[] = { "true", "yes", "1", "y", "t", NULL };
	static const char *const f[] = { "false", "no", "0", "n", "f", NULL };
	if (!s) {
		*out = false;
		return true;
	}
	if (in_list(s, t)) {
		*out = true;
		return true;
	}
	if (in_list(s, f)) {
		*out = false;
		return true;
	}
	return false;
}

/* Pull out the first-line header fields of a CSV head, lower-cased, and test
 * for a name. Good enough for detection (quoted names with ',' do not occur
 * in the formats we detect). */
static bool head_has(const char *head, size_t len, const char *name)
{
	size_t i = 0;
	if (len >= 3 && (unsigned char)head[0] == 0xef && (unsigned char)head[1] == 0xbb &&
	    (unsigned char)head[2] == 0xbf)
		i = 3;
	size_t nl = strlen(name);
	while (i < len && head[i] != '\n') {
		size_t j = i;
		while (j < len && head[j] != ',' && head[j] != ';' && head[j] != '\n')
			j++;
		size_t a = i, b = j;
		while (a < b && (head[a] == ' ' || head[a] == '"' || head[a] == '\t'))
			a++;
		while (b > a && (head[b - 1] == ' ' || head[b - 1] == '"' || head[b - 1] == '\r' ||
				 head[b - 1] == '\t'))
			b--;
		if (b - a == nl && strncasecmp(head + a, name, nl) == 0)
			return true;
		i = j < len && head[j] != '\n' ? j + 1 : j;
	}
	return false;
}

static void set_hostname(const char *h, size_t hl, const char **out, size_t *olen, unsigned *flags)
{
	*out = h;
	*olen = hl;
	*flags = h ? hostname_check(h, hl) : 0;
}

/* ------------------------------------------------------------------ subnets */

enum { SN_PREFIX, SN_VRF, SN_VLAN, SN_STATUS, SN_ROLE, SN_POOL, SN_TENANT, SN_DESC, SN_THRESH, SN_N };

static const struct colspec subnet_cols[SN_N] = {
	[SN_PREFIX] = { { "prefix", "cidr", "subnet", "network" }, true },
	[SN_VRF] = { { "vrf" }, false },
	[SN_VLAN] = { { "vlan", "vid", "vlan_vid" }, false },
	[SN_STATUS] = { { "status" }, false },
	[SN_ROLE] = { { "role" }, false },
	[SN_POOL] = { { "is_pool" }, false },
	[SN_TENANT] = { { "tenant" }, false },
	[SN_DESC] = { { "description" }, false },
	[SN_THRESH] = { { "threshold", "cf_threshold", "exhaustion_threshold" }, false },
};

static void subnet_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	static const char *const statuses[] = { "container", "active", "reserved", "deprecated", NULL };
	struct inv_rec r = { .kind = INV_SUBNET };
	struct inv_subnet *s = &r.u.subnet;
	const char *p = fld(rec, idx, SN_PREFIX);
	char st[32];
	if (!p) {
		imp_bad(c, rec->line, "empty prefix");
		return;
	}
	if (!ipd_prefix_parse(p, &s->pfx, false) || !strchr(p, '/')) {
		imp_bad(c, rec->line, "invalid prefix \"%s\"", p);
		return;
	}
	struct ipd_prefix strict;
	if (!ipd_prefix_parse(p, &strict, true)) {
		imp_bad(c, rec->line, "prefix \"%s\" has host bits set", p);
		return;
	}
	s->vrf = fld(rec, idx, SN_VRF);
	s->vlan = -1;
	const char *v = fld(rec, idx, SN_VLAN);
	if (v) {
		int64_t vid;
		if (!imp_int64(v, &vid) || vid < 1 || vid > 4094) {
			imp_bad(c, rec->line, "invalid VLAN ID \"%s\" (1-4094)", v);
			return;
		}
		s->vlan = (int)vid;
	}
	const char *sv = fld(rec, idx, SN_STATUS);
	if (sv && !in_list(sv, statuses)) {
		imp_bad(c, rec->line, "unknown prefix status \"%s\"", sv);
		return;
	}
	s->status = sv ? lower(sv, st, sizeof st) : "active";
	s->role = fld(rec, idx, SN_ROLE);
	if (!parse_bool(fld(rec, idx, SN_POOL), &s->is_pool)) {
		imp_bad(c, rec->line, "is_pool is not true/false: \"%s\"", fld(rec, idx, SN_POOL));
		return;
	}
	s->tenant = fld(rec, idx, SN_TENANT);
	s->description = raw(rec, idx, SN_DESC, NULL);
	s->threshold = -1;
	const char *t = fld(rec, idx, SN_THRESH);
	if (t) {
		char *end;
		double d = strtod(t, &end);
		if (*end == '%')
			end++;
		if (end == t || *end || !(d > 0 && d <= 100)) {
			imp_bad(c, rec->line, "invalid threshold \"%s\" (percent, 0 < t <= 100)", t);
			return;
		}
		s->threshold = d;
	}
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static enum ipd_status parse_subnets(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, subnet_cols, SN_N, subnet_row);
}

static int detect_netbox_prefix(const char *h, size_t n)
{
	if (!head_has(h, n, "prefix"))
		return 0;
	return head_has(h, n, "threshold") ? 40 : 80;
}

static int detect_native_subnets(const char *h, size_t n)
{
	if (!head_has(h, n, "prefix") && !head_has(h, n, "cidr"))
		return 0;
	return head_has(h, n, "threshold") ? 90 : 30;
}

const struct imp_format imp_fmt_netbox_prefix = {
	"netbox-prefix", "subnets", parse_subnets, detect_netbox_prefix };
const struct imp_format imp_fmt_native_subnets = {
	"native-subnets", "subnets", parse_subnets, detect_native_subnets };

/* ------------------------------------------------------------------ ranges */

enum { RG_START, RG_END, RG_VRF, RG_KIND, RG_STATUS, RG_ROLE, RG_DESC, RG_N };

static const struct colspec range_cols[RG_N] = {
	[RG_START] = { { "start_address", "start", "first" }, true },
	[RG_END] = { { "end_address", "end", "last" }, true },
	[RG_VRF] = { { "vrf" }, false },
	[RG_KIND] = { { "kind", "type" }, false },
	[RG_STATUS] = { { "status" }, false },
	[RG_ROLE] = { { "role" }, false },
	[RG_DESC] = { { "description" }, false },
};

static void range_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	struct inv_rec r = { .kind = INV_RANGE };
	struct inv_range *g = &r.u.range;
	const char *a = fld(rec, idx, RG_START), *b = fld(rec, idx, RG_END);
	int pl;
	char st[32], kb[32];
	if (!a || !parse_cidr_addr(a, &g->lo, &pl)) {
		imp_bad(c, rec->line, "invalid start address \"%s\"", a ? a : "");
		return;
	}
	if (!b || !parse_cidr_addr(b, &g->hi, &pl)) {
		imp_bad(c, rec->line, "invalid end address \"%s\"", b ? b : "");
		return;
	}
	if (ipd_ip_family(&g->lo) != ipd_ip_family(&g->hi) || ipd_ip_cmp(&g->lo, &g->hi) > 0) {
		imp_bad(c, rec->line, "range %s - %s is empty or mixes families", a, b);
		return;
	}
	g->vrf = fld(rec, idx, RG_VRF);
	const char *k = fld(rec, idx, RG_KIND), *sv = fld(rec, idx, RG_STATUS);
	const char *role = fld(rec, idx, RG_ROLE);
	g->status = sv ? lower(sv, st, sizeof st) : NULL;
	if (idx[RG_KIND] >= 0) {
		if (!k || (strcasecmp(k, "dhcp") && strcasecmp(k, "reserved"))) {
			imp_bad(c, rec->line, "kind must be dhcp or reserved, not \"%s\"", k ? k : "");
			return;
		}
		g->kind = lower(k, kb, sizeof kb);
	} else {
		/* NetBox has no pool flag on ranges: reserved status or a role
		 * naming reservations make a reserved range, anything else is
		 * taken as a DHCP pool (what ranges are used for in practice). */
		if ((g->status && strcmp(g->status, "reserved") == 0) ||
		    (role && strcasestr(role, "reserv")))
			g->kind = "reserved";
		else
			g->kind = "dhcp";
	}
	g->description = raw(rec, idx, RG_DESC, NULL);
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static enum ipd_status parse_ranges(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, range_cols, RG_N, range_row);
}

static int detect_netbox_range(const char *h, size_t n)
{
	return head_has(h, n, "start_address") && head_has(h, n, "end_address") ? 90 : 0;
}

static int detect_native_ranges(const char *h, size_t n)
{
	return head_has(h, n, "start") && head_has(h, n, "end") ? 90 : 0;
}

const struct imp_format imp_fmt_netbox_range = {
	"netbox-range", "ranges", parse_ranges, detect_netbox_range };
const struct imp_format imp_fmt_native_ranges = {
	"native-ranges", "ranges", parse_ranges, detect_native_ranges };

/* ------------------------------------------------------------- allocations */

enum { AL_ADDR, AL_VRF, AL_TENANT, AL_STATUS, AL_ROLE, AL_DNS, AL_DESC, AL_OWNER, AL_MAC,
       AL_SUBNET, AL_TAG, AL_SECTION, AL_ID, AL_N };

static const char *const ip_statuses[] = { "active", "reserved", "deprecated", "dhcp", "slaac", NULL };
static const char *const ip_roles[] = { "loopback", "secondary", "anycast", "vip", "vrrp", "hsrp",
					"glbp", "carp", NULL };

/* Field names as the bulk import takes them; the UI's "Export > Current
 * view" writes the column titles instead ("IP Address", "DNS Name", "ID").
 * The object ID is kept so that `ipdrift fix` can write rows that update
 * that object (NetBox's import updates the object a row's `id` names). */
static const struct colspec netbox_ip_cols[AL_N] = {
	[AL_ADDR] = { { "address", "ip address" }, true },
	[AL_VRF] = { { "vrf" }, false },
	[AL_TENANT] = { { "tenant" }, false },
	[AL_STATUS] = { { "status" }, false },
	[AL_ROLE] = { { "role" }, false },
	[AL_DNS] = { { "dns_name", "dns name" }, false },
	[AL_DESC] = { { "description" }, false },
	[AL_OWNER] = { { "owner" }, false },
	[AL_MAC] = { { "mac_address", "mac", "cf_mac_address", "cf_mac" }, false },
	[AL_SUBNET] = { { "_none_" }, false },
	[AL_TAG] = { { "tags" }, false },
	[AL_SECTION] = { { "_none_" }, false },
	[AL_ID] = { { "id" }, false },
};

static const struct colspec phpipam_cols[AL_N] = {
	[AL_ADDR] = { { "ip_addr", "ip address", "ip", "ip_address", "address" }, true },
	[AL_VRF] = { { "vrf" }, false },
	[AL_TENANT] = { { "customer" }, false },
	[AL_STATUS] = { { "state", "status" }, false },
	[AL_ROLE] = { { "_none_" }, false },
	[AL_DNS] = { { "hostname", "dns_name" }, false },
	[AL_DESC] = { { "description" }, false },
	[AL_OWNER] = { { "owner" }, false },
	[AL_MAC] = { { "mac", "mac address" }, false },
	[AL_SUBNET] = { { "subnet" }, false },
	[AL_TAG] = { { "tag" }, false },
	[AL_SECTION] = { { "section" }, false },
	[AL_ID] = { { "id" }, false },
};

static const struct colspec native_alloc_cols[AL_N] = {
	[AL_ADDR] = { { "ip", "address" }, true },
	[AL_VRF] = { { "vrf" }, false },
	[AL_TENANT] = { { "tenant" }, false },
	[AL_STATUS] = { { "status" }, false },
	[AL_ROLE] = { { "role" }, false },
	[AL_DNS] = { { "hostname", "dns_name" }, false },
	[AL_DESC] = { { "description" }, false },
	[AL_OWNER] = { { "owner" }, false },
	[AL_MAC] = { { "mac" }, false },
	[AL_SUBNET] = { { "_none_" }, false },
	[AL_TAG] = { { "_none_" }, false },
	[AL_SECTION] = { { "_none_" }, false },
	[AL_ID] = { { "ext_id" }, false },
};

/* phpIPAM's address "tag" (Used, Offline, Reserved, DHCP) → NetBox-style status. */
static const char *phpipam_status(const char *tag)
{
	static const struct { const char *tag, *status; } map[] = {
		{ "used", "active" }, { "offline", "deprecated" }, { "reserved", "reserved" },
		{ "dhcp", "dhcp" }, { "active", "active" }, { "deprecated", "deprecated" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(tag, map[i].tag) == 0)
			return map[i].status;
	return NULL;
}

enum alloc_dialect { D_NETBOX, D_PHPIPAM, D_NATIVE };

static void alloc_row_d(struct imp_ctx *c, const struct csv_record *rec, const int *idx,
			enum alloc_dialect d)
{
	struct inv_rec r = { .kind = INV_ALLOC };
	struct inv_alloc *a = &r.u.alloc;
	char st[32], rl[32], idb[24];
	const char *addr = fld(rec, idx, AL_ADDR);
	if (!addr || !parse_cidr_addr(addr, &a->ip, &a->prefix_len)) {
		imp_bad(c, rec->line, "invalid address \"%s\"", addr ? addr : "");
		return;
	}
	if (d == D_NETBOX && a->prefix_len < 0) {
		imp_bad(c, rec->line, "address \"%s\" has no prefix length (NetBox writes a.b.c.d/len)", addr);
		return;
	}
	if (d == D_PHPIPAM && a->prefix_len < 0) {
		const char *sub = fld(rec, idx, AL_SUBNET);
		struct ipd_prefix p;
		if (sub && ipd_prefix_parse(sub, &p, false))
			a->prefix_len = p.len;
	}
	a->vrf = fld(rec, idx, AL_VRF);
	a->tenant = fld(rec, idx, AL_TENANT);
	const char *sv = fld(rec, idx, d == D_PHPIPAM && idx[AL_STATUS] < 0 ? AL_TAG : AL_STATUS);
	if (d == D_PHPIPAM && !sv)
		sv = fld(rec, idx, AL_TAG);
	if (sv) {
		if (d == D_PHPIPAM) {
			a->status = phpipam_status(sv);
			if (!a->status) {
				imp_bad(c, rec->line, "unknown state \"%s\" (Used, Offline, Reserved, DHCP)", sv);
				return;
			}
		} else if (d == D_NETBOX && !in_list(sv, ip_statuses)) {
			imp_bad(c, rec->line, "unknown IP status \"%s\"", sv);
			return;
		} else {
			a->status = lower(sv, st, sizeof st);
		}
	} else {
		a->status = "active";
	}
	const char *role = fld(rec, idx, AL_ROLE);
	if (role) {
		if (d == D_NETBOX && !in_list(role, ip_roles)) {
			imp_bad(c, rec->line, "unknown IP role \"%s\"", role);
			return;
		}
		a->role = lower(role, rl, sizeof rl);
	}
	size_t hl;
	const char *h = raw(rec, idx, AL_DNS, &hl);
	set_hostname(h, hl, &a->hostname, &a->hostname_len, &a->hostname_flags);
	a->description = raw(rec, idx, AL_DESC, NULL);
	a->owner = raw(rec, idx, AL_OWNER, NULL);
	const char *mac = fld(rec, idx, AL_MAC);
	if (mac) {
		if (!ipd_mac_parse(mac, &a->mac)) {
			imp_bad(c, rec->line, "invalid MAC address \"%s\"", mac);
			return;
		}
		a->has_mac = true;
	}
	/* NetBox and phpIPAM number their objects 1, 2, ...: kept in canonical
	 * decimal; the native format's ext_id is the user's, kept as written */
	const char *id = fld(rec, idx, AL_ID);
	if (id && d != D_NATIVE) {
		int64_t v;
		if (!imp_int64(id, &v) || v < 1) {
			imp_bad(c, rec->line, "invalid ID \"%s\" (a positive integer)", id);
			return;
		}
		snprintf(idb, sizeof idb, "%lld", (long long)v);
		id = idb;
	}
	a->ext_id = id;
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static void netbox_ip_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	alloc_row_d(c, rec, idx, D_NETBOX);
}
static void phpipam_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	alloc_row_d(c, rec, idx, D_PHPIPAM);
}
static void native_alloc_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	alloc_row_d(c, rec, idx, D_NATIVE);
}

static enum ipd_status parse_netbox_ip(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, netbox_ip_cols, AL_N, netbox_ip_row);
}
static enum ipd_status parse_phpipam(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, phpipam_cols, AL_N, phpipam_row);
}
static enum ipd_status parse_native_alloc(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, native_alloc_cols, AL_N, native_alloc_row);
}

static int detect_netbox_ip(const char *h, size_t n)
{
	if (head_has(h, n, "ip address") && head_has(h, n, "dns name"))
		return 95;  /* NetBox UI export (phpIPAM says "Hostname") */
	return head_has(h, n, "address") ? (head_has(h, n, "dns_name") || head_has(h, n, "status") ? 90 : 60) : 0;
}
static int detect_phpipam(const char *h, size_t n)
{
	return head_has(h, n, "ip address") || head_has(h, n, "ip_addr") ? 90 : 0;
}
static int detect_native_alloc(const char *h, size_t n)
{
	return head_has(h, n, "ip") ? 80 : 0;
}

const struct imp_format imp_fmt_netbox_ip = { "netbox", "allocations", parse_netbox_ip, detect_netbox_ip };
const struct imp_format imp_fmt_phpipam = { "phpipam", "allocations", parse_phpipam, detect_phpipam };
const struct imp_format imp_fmt_native_alloc = {
	"native", "allocations", parse_native_alloc, detect_native_alloc };

/* --------------------------------------------------------------- allowlist */

enum { AW_KIND, AW_IP, AW_MAC, AW_DESC, AW_N };

static const struct colspec allow_cols[AW_N] = {
	[AW_KIND] = { { "kind" }, true },
	[AW_IP] = { { "ip", "address" }, false },
	[AW_MAC] = { { "mac" }, false },
	[AW_DESC] = { { "description" }, false },
};

static bool fill_allow_addr(struct imp_ctx *c, const struct csv_record *rec, const char *ip,
			    const char *mac, struct inv_allow *w)
{
	int pl;
	if (ip) {
		if (!parse_cidr_addr(ip, &w->ip, &pl)) {
			imp_bad(c, rec->line, "invalid address \"%s\"", ip);
			return false;
		}
		w->has_ip = true;
	}
	if (mac) {
		if (!ipd_mac_parse(mac, &w->mac)) {
			imp_bad(c, rec->line, "invalid MAC address \"%s\"", mac);
			return false;
		}
		w->has_mac = true;
	}
	return true;
}

static void allow_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	struct inv_rec r = { .kind = INV_ALLOW };
	struct inv_allow *w = &r.u.allow;
	const char *k = fld(rec, idx, AW_KIND);
	if (!k || (strcasecmp(k, "dhcp-server") && strcasecmp(k, "router"))) {
		imp_bad(c, rec->line, "kind must be dhcp-server or router, not \"%s\"", k ? k : "");
		return;
	}
	w->kind = strcasecmp(k, "router") == 0 ? "router" : "dhcp-server";
	const char *ip = fld(rec, idx, AW_IP), *mac = fld(rec, idx, AW_MAC);
	if (!ip && !mac) {
		imp_bad(c, rec->line, "an allowlist entry needs an ip or a mac");
		return;
	}
	if (!fill_allow_addr(c, rec, ip, mac, w))
		return;
	w->description = raw(rec, idx, AW_DESC, NULL);
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static enum ipd_status parse_native_allow(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, allow_cols, AW_N, allow_row);
}

/* From a NetBox IP-address export: addresses tagged "dhcp-server" or
 * "router", and first-hop redundancy addresses (role vrrp hsrp glbp carp),
 * are allowed; every other row is skipped (counted). */
static void netbox_allow_row(struct imp_ctx *c, const struct csv_record *rec, const int *idx)
{
	struct inv_rec r = { .kind = INV_ALLOW };
	struct inv_allow *w = &r.u.allow;
	static const char *const fhrp[] = { "vrrp", "hsrp", "glbp", "carp", NULL };
	const char *tags = fld(rec, idx, AL_TAG), *role = fld(rec, idx, AL_ROLE);
	if (tags && strcasestr(tags, "dhcp-server"))
		w->kind = "dhcp-server";
	else if ((tags && strcasestr(tags, "router")) || (role && in_list(role, fhrp)))
		w->kind = "router";
	else {
		c->skipped++;
		return;
	}
	if (!fill_allow_addr(c, rec, fld(rec, idx, AL_ADDR), fld(rec, idx, AL_MAC), w))
		return;
	if (!w->has_ip) {
		imp_bad(c, rec->line, "empty address");
		return;
	}
	w->description = raw(rec, idx, AL_DESC, NULL);
	c->rows++;
	imp_emit(c, &r, rec->line);
}

static enum ipd_status parse_netbox_allow(struct imp_ctx *c, FILE *f)
{
	return run_csv(c, f, netbox_ip_cols, AL_N, netbox_allow_row);
}

static int detect_native_allow(const char *h, size_t n)
{
	return head_has(h, n, "kind") ? 90 : 0;
}
static int detect_netbox_allow(const char *h, size_t n)
{
	return head_has(h, n, "address") && head_has(h, n, "role") ? 60 : 0;
}

const struct imp_format imp_fmt_native_allow = {
	"native-allowlist", "allowlist", parse_native_allow, detect_native_allow };
const struct imp_format imp_fmt_netbox_allow = {
	"netbox-allowlist", "allowlist", parse_netbox_allow, detect_netbox_allow };
