/*
 * JSON (RFC 8259) and NDJSON report writers. The layout is documented in
 * report/SCHEMA.md; field names are stable, new fields may be added within a
 * schema_version, removals or renames bump it. Output is always valid UTF-8
 * JSON: strings go through esc_json, stored evidence/fix JSON through
 * rpt_json_copy.
 */
#include <inttypes.h>
#include <string.h>

#include "../common/addr.h"
#include "fix.h"
#include "report.h"

struct jw {
	struct rpt_ctx *c;
	const struct esc_out *o;
	bool nd;      /* NDJSON: one record per line */
	bool first;   /* first element of the current array (JSON) */
};

static void key(const struct esc_out *o, const char *k)
{
	esc_raw(o, ",\"", 2);
	esc_raws(o, k);
	esc_raw(o, "\":", 2);
}

static void kstr(const struct esc_out *o, const char *k, const char *v)
{
	key(o, k);
	esc_json_str(o, v);
}

static void ktext(const struct esc_out *o, const char *k, const struct db_text *t)
{
	key(o, k);
	esc_json_strn(o, t->p, t->n);
}

static void kint(const struct esc_out *o, const char *k, int64_t v)
{
	char b[32];
	key(o, k);
	snprintf(b, sizeof b, "%" PRId64, v);
	esc_raws(o, b);
}

/* integer, or null when negative (absent) */
static void kintn(const struct esc_out *o, const char *k, int64_t v)
{
	if (v < 0) {
		key(o, k);
		esc_raws(o, "null");
	} else {
		kint(o, k, v);
	}
}

static void ktime(const struct esc_out *o, const char *k, int64_t t)
{
	char b[RPT_TIME_LEN];
	key(o, k);
	if (t > 0)
		esc_json_str(o, rpt_time(t, b, sizeof b));
	else
		esc_raws(o, "null");
}

static void kbool(const struct esc_out *o, const char *k, bool v)
{
	key(o, k);
	esc_raws(o, v ? "true" : "false");
}

/* Start a record: "{"schema_version":1,"type":"..."" */
static void rec_begin(struct jw *w, const char *type)
{
	if (!w->nd) {
		if (!w->first)
			esc_raw(w->o, ",", 1);
		esc_raw(w->o, "\n", 1);
	}
	w->first = false;
	esc_raws(w->o, "{\"schema_version\":1");
	if (w->nd)
		kstr(w->o, "type", type);
}

static void rec_end(struct jw *w)
{
	esc_raw(w->o, w->nd ? "}\n" : "}", w->nd ? 2 : 1);
}

static void array_begin(struct jw *w, const char *name)
{
	if (w->nd)
		return;
	key(w->o, name);
	esc_raw(w->o, "[", 1);
	w->first = true;
}

static void array_end(struct jw *w)
{
	if (!w->nd)
		esc_raw(w->o, w->first ? "]" : "\n]", w->first ? 1 : 2);
}

/* --- records --- */

static int run_cb(void *arg, const struct db_rpt_run *r)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	kint(o, "id", r->id);
	kstr(o, "kind", r->kind);
	kstr(o, "status", r->status);
	ktime(o, "started", r->started);
	ktime(o, "finished", r->finished);
	kintn(o, "duration_ms", r->duration_ms);
	kstr(o, "args", r->args);
	return 0;
}

static void write_header(struct jw *w, const struct rpt_summary *s)
{
	const struct esc_out *o = w->o;
	struct rpt_ctx *c = w->c;
	if (w->nd)
		rec_begin(w, "report");
	else
		esc_raws(o, "{\"schema_version\":1");
	kstr(o, "tool", "ipdrift");
	kstr(o, "version", c->version);
	ktime(o, "generated", c->now);
	kstr(o, "database", c->db_path);
	key(o, "run");
	if (c->run_id >= 0) {
		esc_raw(o, "{\"previous_run\":", 16);
		char b[32];
		if (c->prev_run_id >= 0)
			snprintf(b, sizeof b, "%" PRId64, c->prev_run_id);
		else
			snprintf(b, sizeof b, "null");
		esc_raws(o, b);
		db_rpt_run(c->db, c->run_id, run_cb, w);
		esc_raw(o, "}", 1);
	} else {
		esc_raws(o, "null");
	}
	key(o, "summary");
	esc_raw(o, "{\"total\":", 9);
	char b[32];
	snprintf(b, sizeof b, "%" PRId64, s->total);
	esc_raws(o, b);
	kint(o, "suppressed", s->suppressed);
	key(o, "by_severity");
	for (int i = 0; i < 5; i++) {
		esc_raw(o, i ? "," : "{", 1);
		esc_json_str(o, db_rpt_severities[i]);
		snprintf(b, sizeof b, ":%" PRId64, s->by_sev[i]);
		esc_raws(o, b);
	}
	esc_raw(o, "}", 1);
	key(o, "by_state");
	for (int i = 0; i < RPT_ST_OTHER; i++) {
		esc_raw(o, i ? "," : "{", 1);
		esc_json_str(o, rpt_state_names[i]);
		snprintf(b, sizeof b, ":%" PRId64, s->by_state[i]);
		esc_raws(o, b);
	}
	esc_raw(o, "}}", 2);
	if (w->nd)
		rec_end(w);
}

static int source_cb(void *arg, const struct db_source_info *si)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	rec_begin(w, "source");
	kstr(o, "name", si->name);
	kstr(o, "kind", si->kind);
	kstr(o, "format", si->format);
	kstr(o, "path", si->path);
	kstr(o, "digest", si->digest);
	ktime(o, "imported", si->imported);
	kint(o, "rows", si->rows);
	kint(o, "bad_rows", si->bad_rows);
	rec_end(w);
	return 0;
}

static int coverage_cb(void *arg, const struct db_rpt_coverage *cv)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	char lo[IPD_IP_STRLEN], hi[IPD_IP_STRLEN];
	rec_begin(w, "coverage");
	kstr(o, "first", ipd_ip_fmt(&cv->lo, lo, sizeof lo));
	kstr(o, "last", ipd_ip_fmt(&cv->hi, hi, sizeof hi));
	kint(o, "vlan", cv->vlan);
	kstr(o, "iface", cv->iface);
	kbool(o, "active", cv->active);
	ktime(o, "last_at", cv->last_at);
	kint(o, "runs", cv->runs);
	rec_end(w);
	return 0;
}

static int subnet_cb(void *arg, const struct db_subnet_usage *u)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	rec_begin(w, "subnet");
	kstr(o, "cidr", u->cidr);
	kstr(o, "vrf", u->vrf);
	kintn(o, "vlan", u->vlan);
	kstr(o, "description", u->description);
	char b[64];
	key(o, "size");
	snprintf(b, sizeof b, "%" PRIu64, u->size);
	esc_raws(o, b);
	key(o, "usable");
	snprintf(b, sizeof b, "%" PRIu64, rpt_usable(u));
	esc_raws(o, b);
	kint(o, "allocated", u->allocated);
	kint(o, "leased", u->leased);
	kint(o, "seen", u->seen);
	kint(o, "used", u->used);
	key(o, "used_pct");
	uint64_t usable = rpt_usable(u);
	snprintf(b, sizeof b, "%.2f", usable ? 100.0 * (double)u->used / (double)usable : 0.0);
	esc_raws(o, b);
	key(o, "threshold_pct");
	if (u->threshold >= 0) {
		snprintf(b, sizeof b, "%.2f", u->threshold);
		esc_raws(o, b);
	} else {
		esc_raws(o, "null");
	}
	rec_end(w);
	return 0;
}

static int finding_cb(void *arg, const struct db_rpt_finding *f)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	rec_begin(w, "finding");
	kint(o, "id", f->id);
	kint(o, "run", f->run_id);
	kstr(o, "fingerprint", f->fingerprint);
	kstr(o, "rule", f->rule);
	kstr(o, "severity", f->severity);
	kstr(o, "state", f->state);
	kintn(o, "first_run", f->first_run);
	kstr(o, "subject_kind", f->subject_kind);
	ktext(o, "subject", &f->subject);
	ktext(o, "summary", &f->summary);
	kbool(o, "suppressed", f->suppressed);
	ktext(o, "suppress_reason", &f->suppress_reason);
	key(o, "evidence");
	if (f->evidence.p && f->evidence_valid) {
		rpt_json_copy(o, f->evidence.p, f->evidence.n);
	} else {
		esc_raws(o, "null");
		if (f->evidence.p)
			ktext(o, "evidence_raw", &f->evidence);
	}
	key(o, "fix");
	if (f->fix.p && f->fix_valid) {
		rpt_json_copy(o, f->fix.p, f->fix.n);
	} else {
		esc_raws(o, "null");
		if (f->fix.p)
			ktext(o, "fix_raw", &f->fix);
	}
	rec_end(w);
	return 0;
}

static int refused_cb(void *arg, const struct db_rpt_fix_dns *fx, const struct db_text *bad)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	rec_begin(w, "refused_fix");
	kstr(o, "fingerprint", fx->fingerprint);
	ktext(o, "op", &fx->op);
	ktext(o, "rrtype", &fx->type); /* "type" names the record kind in NDJSON */
	kstr(o, "problem", fix_check_str(fix_dns_check(fx, NULL)));
	ktext(o, "text", bad);
	rec_end(w);
	return 0;
}

static int host_cb(void *arg, const struct db_rpt_host *h)
{
	struct jw *w = arg;
	const struct esc_out *o = w->o;
	rec_begin(w, "host");
	kstr(o, "ip", h->ip_text);
	kstr(o, "mac", h->mac);
	kstr(o, "vendor", rpt_vendor(w->c, h->mac));
	kint(o, "vlan", h->vlan);
	ktime(o, "first_seen", h->first_seen);
	ktime(o, "last_seen", h->last_seen);
	kint(o, "count", h->count);
	key(o, "methods");
	esc_raw(o, "[", 1);
	for (const char *p = h->methods; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (p != h->methods)
			esc_raw(o, ",", 1);
		esc_json_strn(o, p, n);
		p += n + (e ? 1 : 0);
	}
	esc_raw(o, "]", 1);
	ktext(o, "ifaces", &h->ifaces);
	ktext(o, "sensors", &h->sensors);
	key(o, "names");
	esc_raw(o, "[", 1);
	for (size_t i = 0; i < h->n_names; i++) {
		esc_raws(o, i ? ",{\"origin\":" : "{\"origin\":");
		esc_json_str(o, h->names[i].origin);
		ktext(o, "name", &h->names[i].name);
		esc_raw(o, "}", 1);
	}
	esc_raw(o, "]", 1);
	rec_end(w);
	return 0;
}

static enum ipd_status write_all(struct rpt_ctx *c, bool nd)
{
	const struct esc_out *o = ESC_FILE(c->f);
	struct jw w = { .c = c, .o = o, .nd = nd, .first = true };
	struct rpt_summary s;
	enum ipd_status rc = rpt_summary_load(c, &s);
	if (rc != IPD_OK)
		return rc;
	write_header(&w, &s);
	array_begin(&w, "sources");
	db_sources_list(c->db, source_cb, &w);
	array_end(&w);
	array_begin(&w, "coverage");
	db_rpt_coverage(c->db, coverage_cb, &w);
	array_end(&w);
	array_begin(&w, "subnets");
	db_subnets_usage(c->db, 0, subnet_cb, &w);
	array_end(&w);
	if (c->what & RPT_FINDINGS) {
		/* present (empty) without an audit run: a stable shape */
		array_begin(&w, "findings");
		if (c->run_id >= 0)
			rc = db_rpt_findings(c->db, c->run_id, false, finding_cb, &w);
		array_end(&w);
	}
	if (rc == IPD_OK && (c->what & RPT_FINDINGS)) {
		/* DNS changes the fix writer will not emit (invalid names) */
		array_begin(&w, "refused_fixes");
		rc = rpt_refused_names(c, refused_cb, &w);
		array_end(&w);
	}
	if (rc == IPD_OK && (c->what & RPT_HOSTS)) {
		array_begin(&w, "hosts");
		rc = db_rpt_hosts(c->db, host_cb, &w);
		array_end(&w);
	}
	if (!nd)
		esc_raws(o, "}\n");
	return rc;
}

static enum ipd_status write_json(struct rpt_ctx *c)
{
	return write_all(c, false);
}

static enum ipd_status write_ndjson(struct rpt_ctx *c)
{
	return write_all(c, true);
}

const struct rpt_writer rpt_json = {
	.name = "json", .ext = "json", .what_default = RPT_ALL, .what_ok = RPT_ALL,
	.write = write_json,
};

const struct rpt_writer rpt_ndjson = {
	.name = "ndjson", .ext = "ndjson", .what_default = RPT_ALL, .what_ok = RPT_ALL,
	.write = write_ndjson,
};
