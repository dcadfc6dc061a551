/*
 * IPAM CSV deltas from the "ipam" part of findings' fixes (RFC 4180 output).
 *
 * netbox: columns of NetBox's IP address bulk import (netbox/ipam/forms/
 *   bulk_import.py, formats-and-conventions §4.1): address (CIDR, prefix from
 *   the recorded subnet, else /32 or /128), status (active reserved
 *   deprecated dhcp slaac), dns_name (only when it matches NetBox's dns_name
 *   pattern and is a valid host name; otherwise left empty and said so in
 *   comments), description, comments. NetBox keeps MACs on interfaces, not
 *   on IP addresses, so a MAC to record is written into comments
 *   ("mac=aa:bb:..") for the operator to attach.
 * native: op, ip, prefix_len, mac, hostname, status, description, finding,
 *   rule, severity — every field as the audit produced it.
 * Every cell holding external data gets the formula-injection defence.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/addr.h"
#include "../common/escape.h"
#include "../common/hostname.h"
#include "fix.h"

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
		fprintf(f, ",%s,%s\r\n", fx->rule, fx->severity);
		return 0;
	}
	fprintf(f, "%s/%d,%s,", ipbuf, plen, netbox_status(&fx->op, &fx->status));
	if (host_ok)
		cell(f, &fx->hostname);
	fputc(',', f);
	cell(f, &fx->description);
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
		fputs("op,ip,prefix_len,mac,hostname,status,description,finding,rule,severity\r\n", out);
	else
		fputs("address,status,dns_name,description,comments\r\n", out);
	struct ipam_ctx c = { db, out, fmt, st };
	enum ipd_status rc = db_rpt_fix_ipam(db, run_id, row_cb, &c);
	if (rc == IPD_OK && ferror(out))
		rc = IPD_EIO;
	return rc;
}
