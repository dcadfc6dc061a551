/*
 * IPAM CSV deltas from the "ipam" part of findings' fixes (RFC 4180 output).
 *
 * netbox: NetBox's IP address bulk import (netbox/ipam/forms/bulk_import.py,
 *   formats-and-conventions §4.1; the `id` handling is BulkImportView in
 *   netbox/netbox/views/generic/bulk_views.py): id, address, vrf, status,
 *   dns_name, description, comments. A row without an `id` creates an
 *   object; a row with one updates that object, and every column of the
 *   header is written into it (an empty cell clears the field). So:
 *   - a row about a recorded allocation (deprecate, set-mac) carries the ID
 *     NetBox's export gave it (allocations.ext_id, from a source imported in
 *     the netbox format) and otherwise the allocation as recorded: address
 *     with its own prefix length, VRF, status (deprecated for deprecate),
 *     dns_name (when it matches NetBox's dns_name pattern; else empty, and
 *     comments say the import clears it) and description, so that importing
 *     the row changes only what the fix is about. The audit's reason and how
 *     the host was seen go into comments, which replace the object's (the
 *     store does not keep NetBox's comments). Without a NetBox ID (the
 *     allocation is no longer in the store, came from another IPAM or from an
 *     export without an ID column) `id` is empty and comments say that the
 *     row creates a new object.
 *   - a host to register (rogue-host) is a new object: `id` empty, vrf the
 *     subnet's, address with the subnet's prefix length (else /32 or /128),
 *     status (active reserved deprecated dhcp slaac), dns_name only when it is
 *     a valid host name (otherwise left empty and said so in comments),
 *     description the audit's plus how the host was seen (method, interface,
 *     VLAN, first and last time).
 *   vrf is the VRF's name, empty for the global table. NetBox keeps MACs on
 *   interfaces, not on IP addresses, so a MAC to record is written into
 *   comments ("mac=aa:bb:..") for the operator to attach.
 * native: op, ip, prefix_len, mac, hostname, status, description, finding,
 *   rule, severity — every field as the audit produced it — and seen_method,
 *   seen_iface, seen_vlan, first_seen, last_seen from its first observation,
 *   then vrf, source and ext_id of the recorded allocation (ext_id: the ID
 *   its own IPAM gave it, whichever IPAM that is).
 * Every cell holding external data gets the formula-injection defence.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/addr.h"
#include "../common/escape.h"
#include "../common/hostname.h"
#include "fix.h"
#include "report.h"

struct ipam_ctx {
	struct db *db;
	FILE *out;
	enum fix_ipam_format fmt;
	struct fix_stats *st;
};

static void cell(FILE *f, const struct db_text *t)
{
	if (t->p)
		esc_csv(ESC_FILE(f), t->p, t->n);
}

static bool text_is(const struct db_text *t, const char *s)
{
	size_t n = strlen(s);
	return t->p && t->n == n && memcmp(t->p, s, n) == 0;
}

static const char *nb_status(const struct db_text *t)
{
	static const char *const ok[] = { "active", "reserved", "deprecated", "dhcp", "slaac" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (text_is(t, ok[i]))
			return ok[i];
	return NULL;
}

/* NetBox's dns_name pattern: ^([0-9A-Za-z_-]+|\*)(\.[0-9A-Za-z_-]+)*\.?$,
 * at most 255 characters (ipam/validators.py, IPAddress.dns_name). */
static bool nb_dns_name_ok(const struct db_text *t)
{
	if (!t->p || t->n == 0 || t->n > 255)
		return false;
	const char *p = t->p, *e = t->p + t->n;
	if (e[-1] == '.')
		e--;
	for (bool first = true;; first = false) {
		const char *lab = p;
		if (first && p < e && *p == '*')
			p++;
		else
			while (p < e && ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
					 (*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-'))
				p++;
		if (p == lab)
			return false;
		if (p == e)
			return true;
		if (*p != '.')
			return false;
		p++;
	}
}

/* NetBox object IDs are positive integers (the import parses the `id` cell
 * with int()); the importer stores them in canonical decimal. */
static bool nb_id_ok(const struct db_text *t)
{
	if (!t->p || t->n == 0 || t->n > 19 || t->p[0] == '0')
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (t->p[i] < '0' || t->p[i] > '9')
			return false;
	return true;
}

/* The audit's description plus how the host was seen. */
static void seen_text(const struct db_rpt_fix_ipam *fx, struct sbuf *d)
{
	if (fx->description.p)
		sbuf_add(d, fx->description.p, fx->description.n);
	if (fx->seen_method.p) {
		char a[RPT_TIME_LEN], z[RPT_TIME_LEN];
		sbuf_adds(d, d->len ? "; seen by " : "seen by ");
		sbuf_add(d, fx->seen_method.p, fx->seen_method.n);
		if (fx->seen_iface.p && fx->seen_iface.n) {
			sbuf_adds(d, " on ");
			sbuf_add(d, fx->seen_iface.p, fx->seen_iface.n);
		}
		if (fx->seen_vlan > 0)
			sbuf_printf(d, " vlan %" PRId64, fx->seen_vlan);
		if (fx->seen_first > 0 && fx->seen_last > 0)
			sbuf_printf(d, ", %s to %s", rpt_time(fx->seen_first, a, sizeof a),
				    rpt_time(fx->seen_last, z, sizeof z));
	}
}

static void native_row(FILE *f, const struct db_rpt_fix_ipam *fx, const char *ipbuf, int plen,
		       bool rec, const struct db_text *vrf)
{
	cell(f, &fx->op);
	fprintf(f, ",%s,%d,", ipbuf, plen);
	cell(f, &fx->mac);
	fputc(',', f);
	cell(f, &fx->hostname);
	fputc(',', f);
	cell(f, &fx->status);
	fputc(',', f);
	cell(f, &fx->description);
	fputc(',', f);
	esc_csv_str(ESC_FILE(f), fx->fingerprint);
	fputc(',', f);
	esc_csv_str(ESC_FILE(f), fx->rule);
	fputc(',', f);
	esc_csv_str(ESC_FILE(f), fx->severity);
	fputc(',', f);
	cell(f, &fx->seen_method);
	fputc(',', f);
	cell(f, &fx->seen_iface);
	char a[RPT_TIME_LEN], z[RPT_TIME_LEN];
	if (fx->seen_vlan >= 0)
		fprintf(f, ",%" PRId64, fx->seen_vlan);
	else
		fputc(',', f);
	fprintf(f, ",%s,%s,", rpt_time(fx->seen_first, a, sizeof a), rpt_time(fx->seen_last, z, sizeof z));
	cell(f, vrf);
	fputc(',', f);
	cell(f, rec ? &fx->rec_source : &fx->source);
	fputc(',', f);
	if (rec)
		cell(f, &fx->rec_ext_id);
	fputs("\r\n", f);
}

static void netbox_row(FILE *f, const struct db_rpt_fix_ipam *fx, const char *ipbuf, int plen,
		       bool reg, bool rec, const struct db_text *vrf)
{
	/* id: only a NetBox ID of this very allocation, else a new object */
	const char *why = NULL;
	if (!reg) {
		if (fx->rec_matches > 1)
			why = "several allocations hold this address and the fix does not say which";
		else if (!fx->rec_found)
			why = "the allocation is no longer in the store";
		else if (!text_is(&fx->rec_format, "netbox"))
			why = "recorded by a source that is not a NetBox export";
		else if (!fx->rec_ext_id.p)
			why = "its source was imported without an ID column";
		else if (!nb_id_ok(&fx->rec_ext_id))
			why = "its recorded ID is not a NetBox ID";
	}
	bool has_id = !reg && !why;
	if (has_id)
		cell(f, &fx->rec_ext_id);
	fprintf(f, ",%s/%d,", ipbuf, plen);
	cell(f, vrf);

	const char *status;
	if (text_is(&fx->op, "deprecate"))
		status = "deprecated";
	else if (rec && nb_status(&fx->rec_status))
		status = nb_status(&fx->rec_status);
	else if (nb_status(&fx->status))
		status = nb_status(&fx->status);
	else
		status = "active";
	fprintf(f, ",%s,", status);

	/* dns_name: the recorded one as NetBox took it, or a new host name */
	const struct db_text *host = rec ? &fx->rec_hostname : &fx->hostname;
	bool host_ok = rec ? nb_dns_name_ok(host)
			   : host->p && host->n && hostname_check(host->p, host->n) == 0;
	if (host_ok)
		cell(f, host);
	fputc(',', f);

	struct sbuf d = SBUF_INIT;
	seen_text(fx, &d);
	if (rec)
		cell(f, &fx->rec_description);
	else if (d.len)
		esc_csv(ESC_FILE(f), d.s, d.len);
	fputc(',', f);

	/* comments: what the operator must know, from our own vocabulary plus
	 * escaped external values */
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "ipdrift %s ", fx->rule);
	sbuf_add(&b, fx->op.p ? fx->op.p : "", fx->op.p ? fx->op.n : 0);
	if (rec && d.len) {
		sbuf_adds(&b, ": ");
		sbuf_add(&b, d.s, d.len);
	}
	if (fx->mac.p) {
		sbuf_adds(&b, "; mac=");
		sbuf_add(&b, fx->mac.p, fx->mac.n);
	}
	if (host->p && host->n && !host_ok)
		sbuf_adds(&b, has_id ? "; recorded dns_name withheld: not a valid NetBox dns_name"
				       " (importing this row clears it)"
				     : "; hostname withheld: not a valid host name");
	if (why) {
		sbuf_adds(&b, "; no NetBox ID: ");
		sbuf_adds(&b, why);
		sbuf_adds(&b, ", so importing this row creates a new object");
	}
	sbuf_adds(&b, "; finding ");
	sbuf_adds(&b, fx->fingerprint);
	esc_csv(ESC_FILE(f), b.s, b.len);
	sbuf_free(&b);
	sbuf_free(&d);
	fputs("\r\n", f);
}

static int row_cb(void *arg, const struct db_rpt_fix_ipam *fx)
{
	struct ipam_ctx *c = arg;
	struct ipd_ip ip;
	char tmp[IPD_IP_STRLEN], ipbuf[IPD_IP_STRLEN];
	bool ipok = fx->ip.p && fx->ip.n < sizeof tmp && !memchr(fx->ip.p, 0, fx->ip.n);
	if (ipok) {
		memcpy(tmp, fx->ip.p, fx->ip.n);
		tmp[fx->ip.n] = 0;
		ipok = ipd_ip_parse(tmp, &ip);
	}
	if (!ipok) {
		c->st->refused++;
		return 0;
	}
	ipd_ip_fmt(&ip, ipbuf, sizeof ipbuf);
	/* register creates; every other change is about the recorded allocation */
	bool reg = text_is(&fx->op, "register");
	bool rec = fx->rec_found && !reg;
	int64_t max = ipd_ip_is_v4(&ip) ? 32 : 128;
	int plen = (int)max;
	if (rec && fx->rec_prefix_len >= 0 && fx->rec_prefix_len <= max)
		plen = (int)fx->rec_prefix_len;
	else if (fx->subnet_prefix_len >= 0 && fx->subnet_prefix_len <= max)
		plen = (int)fx->subnet_prefix_len;
	const struct db_text *vrf = rec ? &fx->rec_vrf : fx->vrf.p ? &fx->vrf : &fx->subnet_vrf;
	c->st->changes++;
	if (c->fmt == FIX_IPAM_NATIVE)
		native_row(c->out, fx, ipbuf, plen, rec, vrf);
	else
		netbox_row(c->out, fx, ipbuf, plen, reg, rec, vrf);
	return 0;
}

enum ipd_status fix_ipam_write(struct db *db, int64_t run_id, enum fix_ipam_format fmt, FILE *out,
			       struct fix_stats *st)
{
	memset(st, 0, sizeof *st);
	if (fmt == FIX_IPAM_NATIVE)
		fputs("op,ip,prefix_len,mac,hostname,status,description,finding,rule,severity,"
		      "seen_method,seen_iface,seen_vlan,first_seen,last_seen,vrf,source,ext_id\r\n", out);
	else
		fputs("id,address,vrf,status,dns_name,description,comments\r\n", out);
	struct ipam_ctx c = { db, out, fmt, st };
	enum ipd_status rc = db_rpt_fix_ipam(db, run_id, row_cb, &c);
	if (rc == IPD_OK && ferror(out))
		rc = IPD_EIO;
	return rc;
}
