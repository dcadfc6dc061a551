/*
 * CSV report writer (RFC 4180: CRLF records, header row, quoting). One row
 * per finding (--what findings, the default) with the first observation,
 * record and DNS answer of its evidence flattened into columns plus the whole
 * evidence as JSON; or one row per (ip, mac, vlan) seen (--what hosts).
 * Cells holding external data go through esc_csv (formula-injection
 * defence: a leading = + - @ TAB CR NUL gets a ' prefix, see escape.h);
 * numbers and times are written as they are.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

struct cw {
	struct rpt_ctx *c;
	const struct esc_out *o;
	struct sbuf tmp;
};

static void sep(const struct esc_out *o)
{
	esc_raw(o, ",", 1);
}

static void ext(const struct esc_out *o, const struct db_text *t)
{
	sep(o);
	if (t->p)
		esc_csv(o, t->p, t->n);
}

/* Text the program wrote itself (severity, state, rule, methods). It goes
 * through the defended escaper all the same: a store is a file anyone with
 * access can edit, and the defence never changes these words. */
static void own(const struct esc_out *o, const char *s)
{
	sep(o);
	esc_csv_str(o, s);
}

static void num(const struct esc_out *o, int64_t v)
{
	char b[32];
	sep(o);
	if (v >= 0) {
		snprintf(b, sizeof b, "%" PRId64, v);
		esc_raws(o, b);
	}
}

static void tim(const struct esc_out *o, int64_t t)
{
	char b[RPT_TIME_LEN];
	sep(o);
	if (t > 0)
		esc_raws(o, rpt_time(t, b, sizeof b));
}

static const char finding_header[] =
	"run,finding_id,severity,state,rule,subject_kind,subject,summary,suppressed,suppress_reason,"
	"first_run,fingerprint,ip,mac,vendor,vlan,method,iface,sensor,first_seen,last_seen,count,"
	"record_kind,record_source,record_line,record_hostname,record_mac,record_status,"
	"dns_qname,dns_qtype,dns_status,dns_answer,dns_server,has_fix,evidence_json\r\n";

static int finding_cb(void *arg, const struct db_rpt_finding *f)
{
	struct cw *w = arg;
	const struct esc_out *o = w->o;
	char b[32];
	snprintf(b, sizeof b, "%" PRId64 ",%" PRId64, f->run_id, f->id);
	esc_raws(o, b);
	own(o, f->severity);
	own(o, f->state);
	own(o, f->rule);
	own(o, f->subject_kind);
	ext(o, &f->subject);
	ext(o, &f->summary);
	own(o, f->suppressed ? "1" : "0");
	ext(o, &f->suppress_reason);
	num(o, f->first_run);
	sep(o);
	esc_csv_str(o, f->fingerprint);
	ext(o, &f->ev_ip);
	ext(o, &f->ev_mac);
	sep(o);
	if (f->ev_mac.p) {
		sbuf_reset(&w->tmp);
		sbuf_add(&w->tmp, f->ev_mac.p, f->ev_mac.n);
		esc_csv_str(o, rpt_vendor(w->c, w->tmp.s));
	}
	num(o, f->ev_vlan);
	ext(o, &f->ev_method);
	ext(o, &f->ev_iface);
	ext(o, &f->ev_sensor);
	tim(o, f->ev_first_seen);
	tim(o, f->ev_last_seen);
	num(o, f->ev_count);
	ext(o, &f->rec_kind);
	ext(o, &f->rec_source);
	num(o, f->rec_line);
	ext(o, &f->rec_hostname);
	ext(o, &f->rec_mac);
	ext(o, &f->rec_status);
	ext(o, &f->dns_qname);
	ext(o, &f->dns_qtype);
	ext(o, &f->dns_status);
	ext(o, &f->dns_answer);
	ext(o, &f->dns_server);
	own(o, f->fix.p ? "1" : "0");
	ext(o, &f->evidence);
	esc_raw(o, "\r\n", 2);
	return 0;
}

static const char host_header[] =
	"ip,mac,vendor,vlan,first_seen,last_seen,count,methods,ifaces,sensors,"
	"ptr_names,ipam_names,dhcp_names\r\n";

static int host_cb(void *arg, const struct db_rpt_host *h)
{
	struct cw *w = arg;
	const struct esc_out *o = w->o;
	esc_csv_str(o, h->ip_text);
	own(o, h->mac);
	sep(o);
	esc_csv_str(o, rpt_vendor(w->c, h->mac));
	num(o, h->vlan);
	tim(o, h->first_seen);
	tim(o, h->last_seen);
	num(o, h->count);
	own(o, h->methods);
	ext(o, &h->ifaces);
	ext(o, &h->sensors);
	static const char *const origins[] = { "ptr", "ipam", "dhcp" };
	for (int k = 0; k < 3; k++) {
		/* several names of one origin share a cell, separated by " | ";
		 * the JSON report keeps them apart exactly */
		sbuf_reset(&w->tmp);
		for (size_t i = 0; i < h->n_names; i++) {
			if (strcmp(h->names[i].origin, origins[k]) != 0)
				continue;
			if (w->tmp.len)
				sbuf_adds(&w->tmp, " | ");
			sbuf_add(&w->tmp, h->names[i].name.p, h->names[i].name.n);
		}
		sep(o);
		esc_csv(o, sbuf_str(&w->tmp), w->tmp.len);
	}
	esc_raw(o, "\r\n", 2);
	return 0;
}

static enum ipd_status write_csv(struct rpt_ctx *c)
{
	struct cw w = { .c = c, .o = ESC_FILE(c->f), .tmp = SBUF_INIT };
	enum ipd_status rc = IPD_OK;
	if (c->what & RPT_FINDINGS) {
		esc_raws(w.o, finding_header);
		if (c->run_id >= 0)
			rc = db_rpt_findings(c->db, c->run_id, true, finding_cb, &w);
	} else {
		esc_raws(w.o, host_header);
		rc = db_rpt_hosts(c->db, host_cb, &w);
	}
	sbuf_free(&w.tmp);
	return rc;
}

const struct rpt_writer rpt_csv = {
	/* one table per file: findings or hosts, not both */
	.name = "csv", .ext = "csv", .what_default = RPT_FINDINGS, .what_ok = RPT_FINDINGS | RPT_HOSTS,
	.one_table = true,
	.write = write_csv,
};
