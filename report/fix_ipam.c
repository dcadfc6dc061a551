/*
 * IPAM CSV deltas from the "ipam" part of findings' fixes (RFC 4180 output).
 *
 * netbox: columns of NetBox's IP address bulk import (netbox/ipam/forms/
 *   bulk_import.py, formats-and-conventions §4.1): address (CIDR, prefix from
 *   the recorded subnet, else /32 or /128), status (active reserved
 *   deprecated dhcp slaac), dns_name (only when it matches NetBox's dns_name
 *   pattern and is a valid host name; otherwise left empty and said so in
 *   comments), description (the audit's, plus how the host was seen: method,
 *   interface, VLAN, first and last time), comments. NetBox keeps MACs on interfaces, not
 *   on IP addresses, so a MAC to record is written into comments
 *   ("mac=aa:bb:..") for the operator to attach.
 * native: op, ip, prefix_len, mac, hostname, status, description, finding,
 *   rule, severity — every field as the audit produced it — and seen_method,
 *   seen_iface, seen_vlan, first_seen, last_seen from its first observation.
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

static const char *netbox_status(const struct db_text *op, const struct db_text *status)
{
	static const char *const ok[] = { "active", "reserved", "deprecated", "dhcp", "slaac" };
	if (op->p && op->n == 9 && memcmp(op->p, "deprecate", 9) == 0)
		return "deprecated";
	for (size_t i = 0; i < 5; i++)
		if (status->p && status->n == strlen(ok[i]) && memcmp(status->p, ok[i], status->n) == 0)
			return ok[i];
	return "active";
}

static int row_cb(void *arg, const struct db_rpt_fix_ipam *fx)
{
	struct ipam_ctx *c = arg;
	FILE *f = c->out;
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
	int plen = db_rpt_subnet_len(c->db, &ip);
	if (plen < 0)
		plen = ipd_ip_is_v4(&ip) ? 32 : 128;
	bool host_ok = fx->hostname.p && fx->hostname.n &&
		       hostname_check(fx->hostname.p, fx->hostname.n) == 0;
	c->st->changes++;
	if (c->fmt == FIX_IPAM_NATIVE) {
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
		fprintf(f, ",%s,%s\r\n", rpt_time(fx->seen_first, a, sizeof a), rpt_time(fx->seen_last, z, sizeof z));
		return 0;
	}
	fprintf(f, "%s/%d,%s,", ipbuf, plen, netbox_status(&fx->op, &fx->status));
	if (host_ok)
		cell(f, &fx->hostname);
	fputc(',', f);
	/* description: the audit's, plus how the host was found */
	struct sbuf d = SBUF_INIT;
	if (fx->description.p)
		sbuf_add(&d, fx->description.p, fx->description.n);
	if (fx->seen_method.p) {
		char a[RPT_TIME_LEN], z[RPT_TIME_LEN];
		sbuf_adds(&d, d.len ? "; seen by " : "seen by ");
		sbuf_add(&d, fx->seen_method.p, fx->seen_method.n);
		if (fx->seen_iface.p && fx->seen_iface.n) {
			sbuf_adds(&d, " on ");
			sbuf_add(&d, fx->seen_iface.p, fx->seen_iface.n);
		}
		if (fx->seen_vlan > 0)
			sbuf_printf(&d, " vlan %" PRId64, fx->seen_vlan);
		if (fx->seen_first > 0 && fx->seen_last > 0)
			sbuf_printf(&d, ", %s to %s", rpt_time(fx->seen_first, a, sizeof a),
				    rpt_time(fx->seen_last, z, sizeof z));
	}
	if (d.len)
		esc_csv(ESC_FILE(f), d.s, d.len);
	sbuf_free(&d);
	fputc(',', f);
	/* comments: what the operator must know, from our own vocabulary plus
	 * escaped external values */
	struct sbuf b = SBUF_INIT;
	sbuf_printf(&b, "ipdrift %s ", fx->rule);
	sbuf_add(&b, fx->op.p ? fx->op.p : "", fx->op.p ? fx->op.n : 0);
	if (fx->mac.p) {
		sbuf_adds(&b, "; mac=");
		sbuf_add(&b, fx->mac.p, fx->mac.n);
	}
	if (fx->hostname.p && fx->hostname.n && !host_ok)
		sbuf_adds(&b, "; hostname withheld: not a valid host name");
	sbuf_adds(&b, "; finding ");
	sbuf_adds(&b, fx->fingerprint);
	esc_csv(ESC_FILE(f), b.s, b.len);
	sbuf_free(&b);
	fputs("\r\n", f);
	return 0;
}

enum ipd_status fix_ipam_write(struct db *db, int64_t run_id, enum fix_ipam_format fmt, FILE *out,
			       struct fix_stats *st)
{
	memset(st, 0, sizeof *st);
	if (fmt == FIX_IPAM_NATIVE)
		fputs("op,ip,prefix_len,mac,hostname,status,description,finding,rule,severity,"
		      "seen_method,seen_iface,seen_vlan,first_seen,last_seen\r\n", out);
	else
		fputs("address,status,dns_name,description,comments\r\n", out);
	struct ipam_ctx c = { db, out, fmt, st };
	enum ipd_status rc = db_rpt_fix_ipam(db, run_id, row_cb, &c);
	if (rc == IPD_OK && ferror(out))
		rc = IPD_EIO;
	return rc;
}
