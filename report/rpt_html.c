/*
 * Self-contained HTML report: one file, inline CSS, one inline script allowed
 * by its SHA-256 in a Content-Security-Policy meta tag (CSP Level 2 hash
 * source), no remote resources of any kind. All data lives in HTML-escaped
 * table cells and SVG text (esc_html); nothing from the store is ever placed
 * inside the script, an event handler, a style or a URL. Without the script
 * the page is complete, only without filtering and sorting.
 *
 * Large reports: findings are plain table rows (evidence collapsed in
 * <details>), filtering hides rows, sorting moves them; no row is built by
 * script.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../common/addr.h"
#include "../common/hostname.h"
#include "../common/xmem.h"
#include "fix.h"
#include "report.h"

/* The only script on the page. Its hash goes into the CSP at run time, so it
 * may be edited freely. It proves it ran by setting body[data-js=ok] (the
 * browser test looks for that marker). */
static const char script_js[] =
	"(function(){\n"
	"var d=document,b=d.body;b.setAttribute('data-js','ok');\n"
	"var js=d.getElementById('jsstate');if(js)js.textContent='filter and sort enabled';\n"
	"var q=d.getElementById('q'),ss=[].slice.call(d.querySelectorAll('input.fsev')),"
	"fst=d.getElementById('fstate'),fsup=d.getElementById('fsup'),shown=d.getElementById('shown');\n"
	"var rows=null,sevs=null,texts=null;\n"
	"function load(){rows=[];sevs=[];texts=null;[].forEach.call(d.querySelectorAll('div.grp'),"
	"function(g){var s=g.getAttribute('data-sev');[].forEach.call(g.querySelectorAll('tbody tr'),"
	"function(r){rows.push(r);sevs.push(s);});});}\n"
	"function apply(){if(!q)return;if(!rows)load();var t=q.value.toLowerCase(),sev={},n=0,"
	"s=fst.value,sup=fsup.checked;\n"
	"if(t&&!texts)texts=rows.map(function(r){return r.textContent.toLowerCase();});\n"
	"ss.forEach(function(c){sev[c.value]=c.checked;});\n"
	"for(var i=0;i<rows.length;i++){var r=rows[i],ok=sev[sevs[i]]!==false&&"
	"(s===''||r.cells[0].firstChild.nodeValue===s)&&(sup||r.className!=='sup')&&"
	"(t===''||texts[i].indexOf(t)>=0);if(r.hidden===ok)r.hidden=!ok;if(ok)n++;}\n"
	"shown.textContent=n+' of '+rows.length+' findings shown';}\n"
	"var tm;function later(){clearTimeout(tm);tm=setTimeout(apply,250);}\n"
	"if(q){q.addEventListener('input',later);ss.forEach(function(c){c.addEventListener('change',apply);});\n"
	"fst.addEventListener('change',apply);fsup.addEventListener('change',apply);}\n"
	/* sorting: all chunk tables of a group sort as one; chunk sizes are kept */
	"[].forEach.call(d.querySelectorAll('table.sortable th'),function(th){th.tabIndex=0;"
	"th.addEventListener('click',function(){\n"
	"var tb=th.closest('table'),g=tb.closest('div.grp,div.hgrp'),i=th.cellIndex,"
	"tabs=g?[].slice.call(g.querySelectorAll('table')):[tb],"
	"asc=th.getAttribute('aria-sort')!=='ascending',all=[],sizes=[];\n"
	"tabs.forEach(function(t){var h=t.tHead.rows[0].cells;[].forEach.call(h,function(c){"
	"c.removeAttribute('aria-sort');});h[i].setAttribute('aria-sort',asc?'ascending':'descending');"
	"var bd=t.tBodies[0];sizes.push(bd.rows.length);[].push.apply(all,bd.rows);});\n"
	"var k=all.map(function(r){var c=r.cells[i],v=c.getAttribute('data-v');"
	"return [v!==null?+v:c.textContent,r];});\n"
	"k.sort(function(a,b){return (a[0]<b[0]?-1:a[0]>b[0]?1:0)*(asc?1:-1);});\n"
	"var j=0;tabs.forEach(function(t,n){var f=d.createDocumentFragment();"
	"for(var e=j+sizes[n];j<e;j++)f.appendChild(k[j][1]);t.tBodies[0].appendChild(f);});"
	"rows=null;});});\n"
	/* nothing is hidden at first: the count comes from the page, no row is
	 * touched until the first filter change (keeps 100,000 rows fast) */
	"if(shown)shown.textContent=shown.getAttribute('data-total')+' findings shown';\n"
	"})();\n";

static const char style_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}"
	"h1{font-size:1.6em;margin:0 0 .2em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
	"table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 6px;"
	"text-align:left;vertical-align:top}th{background:#f3f3f3}"
	"table.sortable th{cursor:pointer}th[aria-sort=ascending]::after{content:' \\25B2'}"
	"th[aria-sort=descending]::after{content:' \\25BC'}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".mono,td.ip,td.mac{font-family:ui-monospace,monospace}td.ip,td.mac{white-space:nowrap}"
	"td.subj{font-family:ui-monospace,monospace;max-width:22em;word-break:break-all}"
	"[data-sev=critical] td:first-child{border-left:5px solid #8b0000}"
	"[data-sev=high] td:first-child{border-left:5px solid #d9480f}"
	"[data-sev=medium] td:first-child{border-left:5px solid #e8a400}"
	"[data-sev=low] td:first-child{border-left:5px solid #4a90d9}"
	"[data-sev=info] td:first-child{border-left:5px solid #999}tr.sup{opacity:.6}"
	"table.f,table.h{table-layout:fixed;width:100%;margin:0}"
	"td{overflow-wrap:anywhere}"
	".chunk{content-visibility:auto;contain-intrinsic-size:auto 30000px}"
	".sev-critical{color:#8b0000}.sev-high{color:#d9480f}.sev-medium{color:#a87600}.sev-low{color:#2f6fb5}"
	".sev-info{color:#666}"
	"details pre{white-space:pre-wrap;word-break:break-all;max-width:60em;margin:.2em 0;font-size:12px}"
	"details summary{cursor:pointer;color:#2f6fb5}"
	".controls{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ddd;z-index:1}"
	".controls label{margin-right:.8em}.warn{color:#8b0000}"
	"footer{margin-top:2em;border-top:1px solid #ccc;font-size:12px;color:#555}"
	"nav a{margin-right:1em}svg text{font:12px system-ui,sans-serif}";

/* Shown when a subnet has no threshold of its own (audit's default). */
#define RPT_DEFAULT_THRESHOLD 90.0

struct hw {
	struct rpt_ctx *c;
	const struct esc_out *o;
	int cur_sev;   /* severity group currently open, -1 none */
	bool chunk_open;
	int chunk_rows;
	bool full_evidence; /* JSON evidence in <details> per row */
	int64_t rows;
	struct sbuf tmp;
};

static void h(const struct esc_out *o, const char *s)
{
	esc_raws(o, s);
}

static void hf(const struct esc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hf(const struct esc_out *o, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (n > 0)
		esc_raw(o, b, (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
}

static void t(const struct esc_out *o, const struct db_text *x)
{
	if (x->p)
		esc_html(o, x->p, x->n);
}

static void ts(const struct esc_out *o, const char *s)
{
	esc_html_str(o, s);
}

static void td_time(const struct esc_out *o, int64_t v)
{
	char b[RPT_TIME_LEN];
	if (v > 0)
		hf(o, "<td data-v=\"%" PRId64 "\">%s</td>", v, rpt_time(v, b, sizeof b));
	else
		h(o, "<td data-v=\"0\"></td>");
}

/* sha256-<base64> of the script, for the CSP. */
static void script_hash(char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(script_js, sizeof script_js - 1, md, &mdlen, EVP_sha256(), NULL);
	unsigned char b64[64];
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(out, len, "sha256-%s", (const char *)b64);
}

/* --- summary --- */

static int run_cb(void *arg, const struct db_rpt_run *r)
{
	struct hw *w = arg;
	char a[RPT_TIME_LEN], b[RPT_TIME_LEN];
	hf(w->o, "<p>Audit run <b>#%" PRId64 "</b> (", r->id);
	ts(w->o, r->status);
	hf(w->o, "), started %s, finished %s", rpt_time(r->started, a, sizeof a),
	   rpt_time(r->finished, b, sizeof b));
	if (r->duration_ms >= 0)
		hf(w->o, " in %" PRId64 " ms", r->duration_ms);
	if (w->c->prev_run_id >= 0)
		hf(w->o, "; compared with the previous audit, run #%" PRId64, w->c->prev_run_id);
	h(w->o, ".</p>\n");
	return 0;
}

static int coverage_cb(void *arg, const struct db_rpt_coverage *cv)
{
	struct hw *w = arg;
	char lo[IPD_IP_STRLEN], hi[IPD_IP_STRLEN], at[RPT_TIME_LEN];
	h(w->o, "<tr><td class=ip>");
	ts(w->o, ipd_ip_fmt(&cv->lo, lo, sizeof lo));
	h(w->o, " – ");
	ts(w->o, ipd_ip_fmt(&cv->hi, hi, sizeof hi));
	hf(w->o, "</td><td class=n>%" PRId64 "</td><td>", cv->vlan);
	ts(w->o, cv->iface);
	hf(w->o, "</td><td>%s</td><td>%s</td><td class=n>%" PRId64 "</td></tr>\n",
	   cv->active ? "active sweep" : "passive capture", rpt_time(cv->last_at, at, sizeof at), cv->runs);
	return 0;
}

static void write_summary(struct hw *w, const struct rpt_summary *s)
{
	const struct esc_out *o = w->o;
	struct rpt_ctx *c = w->c;
	h(o, "<section id=summary><h2>Summary</h2>\n");
	if (c->run_id >= 0)
		db_rpt_run(c->db, c->run_id, run_cb, w);
	else
		h(o, "<p class=warn>No audit run in this database: run <code>ipdrift audit</code>. "
		     "Only the host inventory is shown.</p>\n");
	hf(o, "<p><b>%" PRId64 "</b> findings, %" PRId64 " of them suppressed. Since the previous run: "
	      "<b>%" PRId64 "</b> new, %" PRId64 " ongoing, %" PRId64 " resolved.</p>\n",
	   s->total, s->suppressed, s->by_state[RPT_ST_NEW], s->by_state[RPT_ST_ONGOING],
	   s->by_state[RPT_ST_RESOLVED]);
	h(o, "<table class=counts><thead><tr><th>Severity</th><th>new</th><th>ongoing</th>"
	     "<th>resolved</th><th>total</th></tr></thead><tbody>\n");
	for (int i = 0; i < 5; i++) {
		hf(o, "<tr><td class=\"sev-%s\"><a href=\"#sev-%s\">%s</a></td>", db_rpt_severities[i],
		   db_rpt_severities[i], db_rpt_severities[i]);
		for (int k = 0; k < RPT_ST_OTHER; k++)
			hf(o, "<td class=n>%" PRId64 "</td>", s->n[i][k]);
		hf(o, "<td class=n><b>%" PRId64 "</b></td></tr>\n", s->by_sev[i]);
	}
	h(o, "</tbody></table>\n<p class=mono>(suppressed findings are not in these counts)</p>\n");
	h(o, "<h3>Coverage</h3>\n<table><thead><tr><th>Range</th><th>VLAN</th><th>Interface</th>"
	     "<th>Method</th><th>Last</th><th>Runs</th></tr></thead><tbody>\n");
	db_rpt_coverage(c->db, coverage_cb, w);
	h(o, "</tbody></table>\n</section>\n");
}

/* --- subnets --- */

struct subnets {
	struct db_subnet_usage *v;
	char **cidr, **desc;
	size_t n, cap;
};

static int subnet_collect(void *arg, const struct db_subnet_usage *u)
{
	struct subnets *s = arg;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
		s->cidr = xreallocarray(s->cidr, s->cap, sizeof *s->cidr);
		s->desc = xreallocarray(s->desc, s->cap, sizeof *s->desc);
	}
	s->v[s->n] = *u;
	s->cidr[s->n] = xstrdup(u->cidr ? u->cidr : "");
	s->desc[s->n] = xstrdup(u->description ? u->description : "");
	s->n++;
	return 0;
}

static double frac(int64_t n, uint64_t size)
{
	if (!size || n <= 0)
		return 0;
	double f = (double)n / (double)size;
	return f > 1 ? 1 : f;
}

static void write_subnets(struct hw *w)
{
	const struct esc_out *o = w->o;
	struct subnets s = { 0 };
	db_subnets_usage(w->c->db, 0, subnet_collect, &s);
	h(o, "<section id=subnets><h2>Subnet utilisation</h2>\n");
	if (!s.n) {
		h(o, "<p>No subnets recorded.</p></section>\n");
		return;
	}
	/* One row per subnet: three bars (allocated, leased, seen) over the
	 * grey free space; the union "used" is the dark outline; the red line
	 * is the exhaustion threshold. */
	const int X = 230, W = 460, RH = 40;
	int height = 30 + (int)s.n * RH;
	hf(o, "<svg role=img aria-label=\"subnet utilisation\" width=\"%d\" height=\"%d\" "
	      "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
	   X + W + 150, height, X + W + 150, height);
	hf(o, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#4a90d9\"/><text x=\"%d\" y=\"13\">allocated</text>"
	      "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#e8a400\"/><text x=\"%d\" y=\"13\">leased</text>"
	      "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#3c9a5f\"/><text x=\"%d\" y=\"13\">seen</text>"
	      "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"#e6e6e6\"/><text x=\"%d\" y=\"13\">free</text>"
	      "<line x1=\"%d\" y1=\"3\" x2=\"%d\" y2=\"15\" stroke=\"#c00\" stroke-width=\"2\"/><text x=\"%d\" y=\"13\">threshold</text>\n",
	   X, X + 14, X + 90, X + 104, X + 170, X + 184, X + 230, X + 244, X + 300, X + 300, X + 306);
	for (size_t i = 0; i < s.n; i++) {
		const struct db_subnet_usage *u = &s.v[i];
		int y = 24 + (int)i * RH;
		hf(o, "<g><text x=\"0\" y=\"%d\">", y + 16);
		ts(o, s.cidr[i]);
		if (u->vlan >= 0)
			hf(o, " vlan %d", u->vlan);
		h(o, "</text>");
		hf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"27\" fill=\"#e6e6e6\"/>", X, y, W);
		const int64_t v[3] = { u->allocated, u->leased, u->seen };
		static const char *const col[3] = { "#4a90d9", "#e8a400", "#3c9a5f" };
		for (int k = 0; k < 3; k++) {
			double f = frac(v[k], rpt_usable(u));
			int bw = (int)(f * W + 0.5);
			if (v[k] > 0 && bw < 1)
				bw = 1;
			hf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"8\" fill=\"%s\"/>", X, y + 1 + 9 * k,
			   bw, col[k]);
		}
		int uw = (int)(frac(u->used, rpt_usable(u)) * W + 0.5);
		if (u->used > 0 && uw < 1)
			uw = 1;
		hf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"27\" fill=\"none\" stroke=\"#333\"/>", X, y,
		   uw);
		double thr = u->threshold >= 0 ? u->threshold : RPT_DEFAULT_THRESHOLD;
		int tx = X + (int)(thr / 100.0 * W + 0.5);
		hf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c00\" stroke-width=\"2\"/>", tx,
		   y - 2, tx, y + 29);
		double pct = 100.0 * frac(u->used, rpt_usable(u));
		hf(o, "<text x=\"%d\" y=\"%d\"%s>%" PRId64 " used (%.1f%%)</text><title>", X + W + 8, y + 16,
		   pct >= thr ? " fill=\"#c00\"" : "", u->used, pct);
		ts(o, s.cidr[i]);
		hf(o, ": allocated %" PRId64 ", leased %" PRId64 ", seen %" PRId64 ", used %" PRId64,
		   u->allocated, u->leased, u->seen, u->used);
		if (u->size == UINT64_MAX)
			h(o, " of 2^64 or more");
		else
			hf(o, " of %" PRIu64, u->size);
		hf(o, "; threshold %.0f%%</title></g>\n", thr);
	}
	h(o, "</svg>\n");
	h(o, "<table class=sortable><thead><tr><th>Subnet</th><th>VLAN</th><th>Description</th><th>Size</th>"
	     "<th>Allocated</th><th>Leased</th><th>Seen</th><th>Used</th><th>Used %</th><th>Threshold %</th>"
	     "</tr></thead><tbody>\n");
	for (size_t i = 0; i < s.n; i++) {
		const struct db_subnet_usage *u = &s.v[i];
		double pct = 100.0 * frac(u->used, rpt_usable(u));
		h(o, "<tr><td class=ip>");
		ts(o, s.cidr[i]);
		if (u->vlan >= 0)
			hf(o, "</td><td class=n>%d</td><td>", u->vlan);
		else
			h(o, "</td><td class=n></td><td>");
		ts(o, s.desc[i]);
		char sz[32];
		if (u->size == UINT64_MAX)
			snprintf(sz, sizeof sz, "&ge; 2<sup>64</sup>");
		else
			snprintf(sz, sizeof sz, "%" PRIu64, u->size);
		hf(o, "</td><td class=n data-v=\"%" PRIu64 "\">%s</td><td class=n>%" PRId64
		      "</td><td class=n>%" PRId64 "</td><td class=n>%" PRId64 "</td><td class=n>%" PRId64
		      "</td><td class=n>%.1f</td><td class=n>",
		   u->size, sz, u->allocated, u->leased, u->seen, u->used, pct);
		if (u->threshold >= 0)
			hf(o, "%.0f</td></tr>\n", u->threshold);
		else
			hf(o, "%.0f (default)</td></tr>\n", RPT_DEFAULT_THRESHOLD);
	}
	h(o, "</tbody></table>\n</section>\n");
	for (size_t i = 0; i < s.n; i++)
		free(s.cidr[i]), free(s.desc[i]);
	free(s.v), free(s.cidr), free(s.desc);
}

/* --- findings --- */

/* Rows per table chunk. Each chunk is its own fixed-layout table inside a
 * content-visibility:auto box, so the browser lays out only the chunks on
 * screen: a 100,000-row report stays usable. */
#define CHUNK_ROWS 500

static const char findings_head[] =
	"<colgroup><col style=\"width:7%\"><col style=\"width:10%\"><col style=\"width:14%\">"
	"<col style=\"width:24%\"><col style=\"width:35%\"><col style=\"width:10%\"></colgroup>"
	"<thead><tr><th>State</th><th>Rule</th><th>Subject</th><th>Summary</th><th>Evidence</th>"
	"<th>Last seen</th></tr></thead><tbody>\n";

static void close_chunk(struct hw *w)
{
	if (w->chunk_open)
		h(w->o, "</tbody></table></div>\n");
	w->chunk_open = false;
}

static void close_sev(struct hw *w)
{
	close_chunk(w);
	if (w->cur_sev >= 0)
		h(w->o, "</div>\n");
	w->cur_sev = -1;
}

static void fact(struct hw *w, const char *label, const struct db_text *x, bool *any)
{
	if (!x->p || !x->n)
		return;
	if (*any)
		h(w->o, " ");
	*any = true;
	if (label)
		h(w->o, label);
	t(w->o, x);
}

static void more(struct hw *w, int64_t n, const char *what)
{
	if (n > 1)
		hf(w->o, " <i>(+%" PRId64 " more %s)</i>", n - 1, what);
}

static int finding_cb(void *arg, const struct db_rpt_finding *f)
{
	struct hw *w = arg;
	const struct esc_out *o = w->o;
	int r = db_rpt_severity_rank(f->severity);
	if (r != w->cur_sev) {
		close_sev(w);
		const char *sn = r < 5 ? db_rpt_severities[r] : "other";
		hf(o, "<h3 id=\"sev-%s\" class=\"sev-%s\">%s</h3>\n<div class=grp data-sev=\"%s\">\n", sn,
		   sn, sn, sn);
		w->cur_sev = r;
		w->chunk_rows = 0;
	}
	if (!w->chunk_open || w->chunk_rows == CHUNK_ROWS) {
		close_chunk(w);
		h(o, "<div class=chunk><table class=\"f sortable\">");
		h(o, findings_head);
		w->chunk_open = true;
		w->chunk_rows = 0;
	}
	w->chunk_rows++;
	w->rows++;
	h(o, f->suppressed ? "<tr class=sup><td>" : "<tr><td>");
	ts(o, f->state);
	if (f->suppressed) {
		h(o, "<br><i>suppressed</i>");
		if (f->suppress_reason.p) {
			h(o, ": ");
			t(o, &f->suppress_reason);
		}
	}
	h(o, "</td><td>");
	ts(o, f->rule);
	h(o, "</td><td class=subj>");
	t(o, &f->subject);
	h(o, "</td><td>");
	t(o, &f->summary);
	h(o, "</td><td>");
	bool any = false;
	fact(w, NULL, &f->ev_ip, &any);
	fact(w, NULL, &f->ev_mac, &any);
	if (f->ev_mac.p) {
		sbuf_reset(&w->tmp);
		sbuf_add(&w->tmp, f->ev_mac.p, f->ev_mac.n);
		const char *v = rpt_vendor(w->c, w->tmp.s);
		if (v) {
			h(o, " (");
			ts(o, v);
			h(o, ")");
		}
	}
	if (f->ev_vlan >= 0)
		hf(o, " vlan %" PRId64, f->ev_vlan);
	fact(w, "via ", &f->ev_method, &any);
	fact(w, "on ", &f->ev_iface, &any);
	more(w, f->n_obs, "observations");
	if (f->rec_source.p) {
		h(o, any ? "<br>" : "");
		any = true;
		t(o, &f->rec_kind);
		h(o, " ");
		t(o, &f->rec_source);
		if (f->rec_line >= 0)
			hf(o, ":%" PRId64, f->rec_line);
		bool a2 = true;
		fact(w, NULL, &f->rec_hostname, &a2);
		fact(w, NULL, &f->rec_mac, &a2);
		more(w, f->n_rec, "records");
	}
	if (f->dns_qname.p) {
		h(o, any ? "<br>" : "");
		any = true;
		t(o, &f->dns_qtype);
		h(o, " ");
		t(o, &f->dns_qname);
		h(o, " → ");
		t(o, &f->dns_status);
		bool a2 = true;
		fact(w, NULL, &f->dns_answer, &a2);
		more(w, f->n_dns, "answers");
	}
	if (f->n_events > 0)
		hf(o, "%s%" PRId64 " event%s", any ? "<br>" : "", f->n_events, f->n_events > 1 ? "s" : "");
	if (f->fix_op.p) {
		h(o, "<br><b>fix:</b> ");
		t(o, &f->fix_op);
		h(o, " ");
		t(o, &f->fix_type);
		h(o, " ");
		t(o, &f->fix_name);
		if (f->fix_old.p) {
			h(o, " ");
			t(o, &f->fix_old);
		}
		if (f->fix_value.p && f->fix_op.n != 6) { /* not "delete" */
			h(o, " → ");
			t(o, &f->fix_value);
		}
	}
	if (w->full_evidence && (f->evidence.p || f->fix.p)) {
		h(o, "<details><summary>");
		h(o, f->fix.p ? "evidence and fix" : "evidence");
		h(o, "</summary><pre>");
		if (f->evidence.p)
			esc_html_text(o, f->evidence.p, f->evidence.n);
		if (f->fix.p) {
			h(o, "</pre><b>fix</b><pre>");
			esc_html_text(o, f->fix.p, f->fix.n);
		}
		h(o, "</pre></details>");
	}
	h(o, "</td>");
	td_time(o, f->ev_last_seen);
	h(o, "</tr>\n");
	return 0;
}

static void write_findings(struct hw *w, const struct rpt_summary *s)
{
	const struct esc_out *o = w->o;
	h(o, "<section id=findings><h2>Findings</h2>\n");
	if (!w->full_evidence)
		hf(o, "<p>%" PRId64 " findings: each row shows its evidence in summary (the first "
		      "observation, record and DNS answer, and how many more). The JSON report "
		      "(<code>ipdrift report --format json</code>) has all of it.</p>\n",
		   s->total);
	h(o, "<div class=controls><label>Filter <input id=q type=search size=30 "
	     "placeholder=\"text in any column\"></label>");
	for (int i = 0; i < 5; i++)
		hf(o, "<label class=\"sev-%s\"><input type=checkbox class=fsev value=\"%s\" checked> %s "
		      "(%" PRId64 ")</label>",
		   db_rpt_severities[i], db_rpt_severities[i], db_rpt_severities[i], s->by_sev[i]);
	h(o, "<label>State <select id=fstate><option value=\"\">any</option><option>new</option>"
	     "<option>ongoing</option><option>resolved</option></select></label>"
	     "<label><input type=checkbox id=fsup checked> suppressed</label> "
	     "<span id=shown data-total=\"");
	hf(o, "%" PRId64, s->total);
	h(o, "\"></span> <i id=jsstate>(static page: filter and sort need the inline "
	     "script)</i></div>\n");
	w->cur_sev = -1;
	if (w->c->run_id >= 0)
		db_rpt_findings(w->c->db, w->c->run_id, true, finding_cb, w);
	close_sev(w);
	if (!w->rows)
		h(o, "<p>No findings.</p>\n");
	h(o, "</section>\n");
}

/* --- refused fix names --- */

static int refused_cb(void *arg, const struct db_rpt_fix_dns *fx, const struct db_text *bad)
{
	struct hw *w = arg;
	const struct esc_out *o = w->o;
	if (!w->rows++)
		h(o, "<section id=refused><h2>Names refused for DNS fixes</h2>\n<p>These changes were "
		     "asked for by findings but are never written into an nsupdate script: the name "
		     "or value is not a valid host name (RFC 952/1123) or address. Shown escaped.</p>\n"
		     "<table><thead><tr><th>Finding</th><th>Change</th><th>Problem</th><th>Offending "
		     "text</th></tr></thead><tbody>\n");
	h(o, "<tr><td class=mono>");
	ts(o, fx->fingerprint);
	h(o, "</td><td>");
	t(o, &fx->op);
	h(o, " ");
	t(o, &fx->type);
	h(o, "</td><td>");
	ts(o, fix_check_str(fix_dns_check(fx, NULL)));
	h(o, "</td><td class=mono>");
	t(o, bad);
	if (bad->p) {
		unsigned fl = hostname_check(bad->p, bad->n);
		char fb[HOSTNAME_FLAGS_STRLEN];
		if (fl)
			hf(o, " <i>(%s)</i>", hostname_flags_str(fl, fb, sizeof fb));
	}
	h(o, "</td></tr>\n");
	return 0;
}

/* --- hosts --- */

static const char hosts_head[] =
	"<colgroup><col style=\"width:12%\"><col style=\"width:11%\"><col style=\"width:14%\">"
	"<col style=\"width:5%\"><col style=\"width:22%\"><col style=\"width:11%\">"
	"<col style=\"width:11%\"><col style=\"width:9%\"><col style=\"width:5%\"></colgroup>"
	"<thead><tr><th>IP</th><th>MAC</th><th>Vendor</th><th>VLAN</th><th>Names</th>"
	"<th>First seen</th><th>Last seen</th><th>Methods</th><th>Count</th></tr></thead><tbody>\n";

static int host_cb(void *arg, const struct db_rpt_host *hh)
{
	struct hw *w = arg;
	const struct esc_out *o = w->o;
	if (!w->chunk_open || w->chunk_rows == CHUNK_ROWS) {
		close_chunk(w);
		h(o, "<div class=chunk><table class=\"h sortable\">");
		h(o, hosts_head);
		w->chunk_open = true;
		w->chunk_rows = 0;
	}
	w->chunk_rows++;
	h(o, "<tr><td class=ip>");
	ts(o, hh->ip_text);
	h(o, "</td><td class=mac>");
	ts(o, hh->mac);
	h(o, "</td><td>");
	ts(o, rpt_vendor(w->c, hh->mac));
	hf(o, "</td><td class=n>%" PRId64 "</td><td>", hh->vlan);
	for (size_t i = 0; i < hh->n_names; i++) {
		if (i)
			h(o, "<br>");
		hf(o, "<small>%s</small> ", hh->names[i].origin);
		t(o, &hh->names[i].name);
	}
	h(o, "</td>");
	td_time(o, hh->first_seen);
	td_time(o, hh->last_seen);
	h(o, "<td>");
	ts(o, hh->methods);
	hf(o, "</td><td class=n>%" PRId64 "</td></tr>\n", hh->count);
	w->rows++;
	return 0;
}

static void write_hosts(struct hw *w)
{
	const struct esc_out *o = w->o;
	h(o, "<section id=hosts><h2>Host inventory</h2>\n<p>Every (address, MAC, VLAN) seen on the "
	     "wire, with the names the DNS (ptr), the IPAM (ipam) and DHCP leases (dhcp) give it.</p>\n");
	h(o, "<div class=hgrp>\n");
	w->rows = 0;
	w->chunk_open = false;
	db_rpt_hosts(w->c->db, host_cb, w);
	close_chunk(w);
	h(o, "</div>\n");
	if (!w->rows)
		h(o, "<p>No hosts observed.</p>\n");
	h(o, "</section>\n");
}

/* --- footer --- */

static int source_cb(void *arg, const struct db_source_info *si)
{
	struct hw *w = arg;
	const struct esc_out *o = w->o;
	char at[RPT_TIME_LEN];
	h(o, "<tr><td>");
	ts(o, si->name);
	h(o, "</td><td>");
	ts(o, si->kind);
	h(o, "</td><td>");
	ts(o, si->format);
	h(o, "</td><td class=mono>");
	ts(o, si->path);
	h(o, "</td><td class=mono>");
	ts(o, si->digest);
	hf(o, "</td><td>%s</td><td class=n>%" PRId64 "</td></tr>\n", rpt_time(si->imported, at, sizeof at),
	   si->rows);
	return 0;
}

static void write_footer(struct hw *w)
{
	const struct esc_out *o = w->o;
	char at[RPT_TIME_LEN];
	h(o, "<footer id=inputs><h2>Inputs</h2>\n<table><thead><tr><th>Source</th><th>Kind</th>"
	     "<th>Format</th><th>Path</th><th>Digest</th><th>Imported</th><th>Rows</th></tr></thead>"
	     "<tbody>\n");
	db_sources_list(w->c->db, source_cb, w);
	h(o, "</tbody></table>\n<p>Generated by ipdrift ");
	ts(o, w->c->version);
	hf(o, " at %s from database <span class=mono>", rpt_time(w->c->now, at, sizeof at));
	ts(o, w->c->db_path);
	h(o, "</span>. This file is self-contained: it loads nothing from the network.</p>\n</footer>\n");
}

static enum ipd_status write_html(struct rpt_ctx *c)
{
	const struct esc_out *o = ESC_FILE(c->f);
	struct hw w = { .c = c, .o = o, .cur_sev = -1, .tmp = SBUF_INIT };
	struct rpt_summary s;
	enum ipd_status rc = rpt_summary_load(c, &s);
	if (rc != IPD_OK)
		return rc;
	w.full_evidence = c->evidence == RPT_EVIDENCE_FULL ||
			  (c->evidence == RPT_EVIDENCE_AUTO && s.total <= RPT_FULL_EVIDENCE_MAX);
	char hash[80];
	script_hash(hash, sizeof hash);
	h(o, "<!DOCTYPE html>\n<html lang=en><head><meta charset=\"utf-8\">\n");
	hf(o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src '%s'; img-src data:; form-action 'none'; "
	      "base-uri 'none'\">\n", hash);
	h(o, "<meta name=referrer content=no-referrer>\n"
	     "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n");
	if (c->run_id >= 0)
		hf(o, "<title>ipdrift audit report, run %" PRId64 "</title>\n", c->run_id);
	else
		h(o, "<title>ipdrift host inventory</title>\n");
	h(o, "<style>");
	h(o, style_css);
	h(o, "</style></head>\n<body data-js=off>\n<header><h1>ipdrift audit report</h1>\n"
	     "<nav><a href=\"#summary\">Summary</a><a href=\"#subnets\">Subnets</a>"
	     "<a href=\"#findings\">Findings</a><a href=\"#hosts\">Hosts</a><a href=\"#inputs\">Inputs</a>"
	     "</nav></header>\n");
	write_summary(&w, &s);
	write_subnets(&w);
	if (c->what & RPT_FINDINGS) {
		write_findings(&w, &s);
		w.rows = 0;
		rpt_refused_names(c, refused_cb, &w);
		if (w.rows)
			h(o, "</tbody></table></section>\n");
	}
	if (c->what & RPT_HOSTS)
		write_hosts(&w);
	write_footer(&w);
	h(o, "<script>");
	h(o, script_js);
	h(o, "</script>\n</body></html>\n");
	sbuf_free(&w.tmp);
	return ferror(c->f) ? IPD_EIO : IPD_OK;
}

const struct rpt_writer rpt_html = {
	.name = "html", .ext = "html", .what_default = RPT_ALL, .what_ok = RPT_ALL,
	.write = write_html,
};
