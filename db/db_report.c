/* Read side for reports and fixes (see db_report.h). Evidence and fix JSON
 * are taken apart with SQLite's built-in JSON functions; rows whose JSON is
 * malformed are still listed, with empty evidence columns. */
#include "db_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "db_int.h"

const char *const db_rpt_severities[5] = { "critical", "high", "medium", "low", "info" };

int db_rpt_severity_rank(const char *sev)
{
	for (int i = 0; i < 5; i++)
		if (sev && strcmp(sev, db_rpt_severities[i]) == 0)
			return i;
	return 5;
}

/* SQL expression ranking severities like db_rpt_severity_rank. */
#define SEV_RANK(col)                                                                       \
	"CASE " col " WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2"        \
	" WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END"

static const char *ctext(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static const char *ctext0(sqlite3_stmt *st, int i)
{
	const char *s = ctext(st, i);
	return s ? s : "";
}

static struct db_text tcol(sqlite3_stmt *st, int i)
{
	struct db_text t = { NULL, 0 };
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return t;
	t.p = (const char *)sqlite3_column_text(st, i);
	t.n = (size_t)sqlite3_column_bytes(st, i);
	if (!t.p)
		t.p = "";
	return t;
}

static int64_t icol(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static enum ipd_status finish(struct db *db, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return IPD_OK;
	log_warnx("db: %s", sqlite3_errmsg(db->h));
	return IPD_EDB;
}

/* --- runs --- */

enum ipd_status db_rpt_run(struct db *db, int64_t id, int (*cb)(void *, const struct db_rpt_run *),
			   void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT id, coalesce(parent_id,-1), started, coalesce(finished,0),"
				       " coalesce(duration_ms,-1), kind, status, args, sensor, iface"
				       " FROM runs WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		struct db_rpt_run r = {
			.id = sqlite3_column_int64(st, 0), .parent_id = sqlite3_column_int64(st, 1),
			.started = sqlite3_column_int64(st, 2), .finished = sqlite3_column_int64(st, 3),
			.duration_ms = sqlite3_column_int64(st, 4), .kind = ctext0(st, 5),
			.status = ctext0(st, 6), .args = ctext(st, 7), .sensor = ctext(st, 8),
			.iface = ctext(st, 9),
		};
		cb(arg, &r);
		sqlite3_finalize(st);
		return IPD_OK;
	}
	enum ipd_status s = finish(db, st, rc);
	return s == IPD_OK ? IPD_ENOTFOUND : s;
}

static int64_t one_int(struct db *db, const char *sql, int64_t bind)
{
	sqlite3_stmt *st = db_prep(db, sql);
	if (bind >= 0)
		sqlite3_bind_int64(st, 1, bind);
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t db_rpt_latest_audit(struct db *db)
{
	return one_int(db, "SELECT max(id) FROM runs WHERE kind = 'audit' AND (status = 'ok'"
			   " OR id IN (SELECT run_id FROM findings))", -1);
}

int64_t db_rpt_prev_audit(struct db *db, int64_t run_id)
{
	return one_int(db, "SELECT max(id) FROM runs WHERE kind = 'audit' AND id < ?1 AND (status = 'ok'"
			   " OR id IN (SELECT run_id FROM findings))", run_id);
}

/* --- findings --- */

#define FINDINGS_SQL(evexpr, fxexpr) \
		"SELECT id, run_id, coalesce(first_run,-1), fingerprint, rule, severity, subject_kind," \
		" state, subject, summary, suppress_reason, evidence, fix, suppressed," \
		" json_extract(ev,'$.observations[0].ip'), json_extract(ev,'$.observations[0].mac')," \
		" json_extract(ev,'$.observations[0].method'), json_extract(ev,'$.observations[0].iface')," \
		" json_extract(ev,'$.observations[0].sensor'), json_extract(ev,'$.observations[0].vlan')," \
		" json_extract(ev,'$.observations[0].first_seen')," \
		" json_extract(ev,'$.observations[0].last_seen')," \
		" json_extract(ev,'$.observations[0].count')," \
		" json_extract(ev,'$.records[0].kind'), json_extract(ev,'$.records[0].source')," \
		" json_extract(ev,'$.records[0].hostname'), json_extract(ev,'$.records[0].mac')," \
		" json_extract(ev,'$.records[0].status'), json_extract(ev,'$.records[0].line')," \
		" json_extract(ev,'$.dns[0].qname'), json_extract(ev,'$.dns[0].qtype')," \
		" json_extract(ev,'$.dns[0].status'), json_extract(ev,'$.dns[0].answer')," \
		" json_extract(ev,'$.dns[0].server'), json_valid(evidence) IS 1, json_valid(fix) IS 1," \
		" json_array_length(ev,'$.observations'), json_array_length(ev,'$.records')," \
		" json_array_length(ev,'$.dns'), json_array_length(ev,'$.events')," \
		" json_extract(fx,'$.dns[0].op'), json_extract(fx,'$.dns[0].name'), json_extract(fx,'$.dns[0].type')," \
		" json_extract(fx,'$.dns[0].value'), json_extract(fx,'$.dns[0].old')" \
		" FROM (SELECT id AS oid FROM findings WHERE run_id = ?1" \
		"       ORDER BY " SEV_RANK("severity") ", rule, subject, id LIMIT -1) o" \
		" CROSS JOIN (SELECT *, " evexpr " AS ev, " fxexpr " AS fx FROM findings) f" \
		" ON f.id = o.oid"

enum ipd_status db_rpt_findings(struct db *db, int64_t run_id, bool flat, db_rpt_finding_cb cb,
				void *arg)
{
	/* Same columns either way; without flat the JSON paths are not
	 * evaluated (ev is NULL). Only the sort keys are sorted (LIMIT -1
	 * keeps SQLite from flattening the ordered subquery away); rows are
	 * then fetched by id, so memory stays flat with 100,000 findings. */
	sqlite3_stmt *st = db_prep(db, flat ? FINDINGS_SQL("CASE WHEN json_valid(evidence) THEN evidence END",
							    "CASE WHEN json_valid(fix) THEN fix END")
					    : FINDINGS_SQL("NULL", "NULL"));
	sqlite3_bind_int64(st, 1, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_rpt_finding f = {
			.id = sqlite3_column_int64(st, 0), .run_id = sqlite3_column_int64(st, 1),
			.first_run = sqlite3_column_int64(st, 2), .fingerprint = ctext0(st, 3),
			.rule = ctext0(st, 4), .severity = ctext0(st, 5), .subject_kind = ctext0(st, 6),
			.state = ctext0(st, 7), .subject = tcol(st, 8), .summary = tcol(st, 9),
			.suppress_reason = tcol(st, 10), .evidence = tcol(st, 11), .fix = tcol(st, 12),
			.suppressed = sqlite3_column_int(st, 13) != 0,
			.ev_ip = tcol(st, 14), .ev_mac = tcol(st, 15), .ev_method = tcol(st, 16),
			.ev_iface = tcol(st, 17), .ev_sensor = tcol(st, 18), .ev_vlan = icol(st, 19),
			.ev_first_seen = icol(st, 20), .ev_last_seen = icol(st, 21),
			.ev_count = icol(st, 22),
			.rec_kind = tcol(st, 23), .rec_source = tcol(st, 24), .rec_hostname = tcol(st, 25),
			.rec_mac = tcol(st, 26), .rec_status = tcol(st, 27), .rec_line = icol(st, 28),
			.dns_qname = tcol(st, 29), .dns_qtype = tcol(st, 30), .dns_status = tcol(st, 31),
			.dns_answer = tcol(st, 32), .dns_server = tcol(st, 33),
			.evidence_valid = sqlite3_column_int(st, 34) != 0,
			.fix_valid = sqlite3_column_int(st, 35) != 0,
			.n_obs = sqlite3_column_int64(st, 36), .n_rec = sqlite3_column_int64(st, 37),
			.n_dns = sqlite3_column_int64(st, 38), .n_events = sqlite3_column_int64(st, 39),
			.fix_op = tcol(st, 40), .fix_name = tcol(st, 41), .fix_type = tcol(st, 42),
			.fix_value = tcol(st, 43), .fix_old = tcol(st, 44),
		};
		if (cb(arg, &f))
			break;
	}
	return finish(db, st, rc);
}

enum ipd_status db_rpt_counts(struct db *db, int64_t run_id, db_rpt_count_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT severity, state, suppressed <> 0, count(*) FROM findings"
				       " WHERE run_id = ? GROUP BY 1, 2, 3");
	sqlite3_bind_int64(st, 1, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, ctext0(st, 0), ctext0(st, 1), sqlite3_column_int(st, 2) != 0,
		       sqlite3_column_int64(st, 3)))
			break;
	return finish(db, st, rc);
}

/* --- hosts --- */

/* The hostnames DHCP clients sent, read once per report into a TEMP table
 * (memory: temp_store=MEMORY; TEMP works on a read-only store too) indexed
 * by (ip, mac). events has no index that narrows `ip IS NULL AND mac = ?`
 * (an events(mac) index would cost every insert `listen` makes), so asking
 * events per host scanned every 'dhcp hostname' event for each host:
 * 25,000 hosts x 14,000 events took 104 s. DISTINCT keeps one row per
 * (ip, mac, name); the per-host UNION dedups the same way. */
static enum ipd_status dhcp_names_load(struct db *db)
{
	enum ipd_status s = db_exec(db, "DROP TABLE IF EXISTS temp.rpt_dhcp_names");
	if (s == IPD_OK)
		s = db_exec(db, "CREATE TEMP TABLE rpt_dhcp_names (ip BLOB, mac TEXT, n TEXT)");
	if (s == IPD_OK)
		s = db_exec(db, "INSERT INTO temp.rpt_dhcp_names"
				" SELECT DISTINCT ip, mac, CAST(raw AS TEXT) FROM events"
				" WHERE kind = 'dhcp hostname' AND raw IS NOT NULL AND length(raw) > 0");
	if (s == IPD_OK)
		s = db_exec(db, "CREATE INDEX temp.rpt_dhcp_names_ip ON rpt_dhcp_names(ip, mac, n)");
	return s;
}

enum ipd_status db_rpt_hosts(struct db *db, db_rpt_host_cb cb, void *arg)
{
	if (dhcp_names_load(db) != IPD_OK)
		return IPD_EDB;
	sqlite3_stmt *st = db_prep(db,
		"SELECT ip, ip_text, mac, vlan, min(first_seen), max(last_seen), sum(count),"
		" group_concat(DISTINCT method), group_concat(DISTINCT nullif(iface,'')),"
		" group_concat(DISTINCT nullif(sensor,''))"
		" FROM observations GROUP BY ip, mac, vlan ORDER BY ip, mac, vlan");
	/* every arm is an index SEARCH narrowed to the host (the dhcp arm: a
	 * MULTI-INDEX OR over rpt_dhcp_names_ip, (ip=?) and (ip=? AND mac=?)) */
	sqlite3_stmt *nm = db_prep(db,
		"SELECT 'ptr', name FROM (SELECT DISTINCT name FROM dns_answers"
		"   WHERE ip = ?1 AND qtype = 'PTR' AND status = 'ok' AND name IS NOT NULL)"
		" UNION ALL SELECT 'ipam', hostname FROM (SELECT DISTINCT hostname FROM allocations"
		"   WHERE ip = ?1 AND hostname IS NOT NULL AND hostname <> '')"
		" UNION ALL SELECT 'dhcp', n FROM (SELECT hostname AS n FROM leases"
		"   WHERE ip = ?1 AND hostname IS NOT NULL AND hostname <> ''"
		"   UNION SELECT n FROM temp.rpt_dhcp_names"
		"   WHERE ip = ?1 OR (ip IS NULL AND mac = ?2))");
	struct db_rpt_name *names = NULL;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_rpt_host h = {
			.ip_text = ctext0(st, 1), .mac = ctext0(st, 2), .vlan = icol(st, 3),
			.first_seen = icol(st, 4), .last_seen = icol(st, 5), .count = icol(st, 6),
			.methods = ctext0(st, 7), .ifaces = tcol(st, 8), .sensors = tcol(st, 9),
		};
		if (!db_col_ip(st, 0, &h.ip))
			memset(&h.ip, 0, sizeof h.ip);
		sqlite3_bind_blob(nm, 1, sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0),
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(nm, 2, h.mac, -1, SQLITE_TRANSIENT);
		size_t n = 0;
		while (sqlite3_step(nm) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				names = xreallocarray(names, cap, sizeof *names);
			}
			/* copied (raw bytes, NUL inside kept): the next step on nm
			 * would invalidate SQLite's buffers */
			struct db_text t = tcol(nm, 1);
			char *c = NULL;
			if (t.p) {
				c = xmalloc(t.n + 1);
				memcpy(c, t.p, t.n);
				c[t.n] = 0;
			}
			const char *o = ctext0(nm, 0);
			names[n].origin = strcmp(o, "ptr") == 0 ? "ptr" : strcmp(o, "ipam") == 0 ? "ipam" : "dhcp";
			names[n].name.p = c;
			names[n].name.n = t.n;
			n++;
		}
		sqlite3_reset(nm);
		h.names = names;
		h.n_names = n;
		int stop = cb(arg, &h);
		for (size_t i = 0; i < n; i++)
			free((char *)names[i].name.p);
		if (stop)
			break;
	}
	free(names);
	sqlite3_finalize(nm);
	enum ipd_status s = finish(db, st, rc);
	db_exec(db, "DROP TABLE IF EXISTS temp.rpt_dhcp_names");
	return s;
}

/* --- coverage --- */

enum ipd_status db_rpt_coverage(struct db *db, int (*cb)(void *, const struct db_rpt_coverage *),
				void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT lo, hi, vlan, active, iface, max(at), count(DISTINCT run_id)"
				       " FROM coverage GROUP BY lo, hi, vlan, active, iface"
				       " ORDER BY lo, hi, vlan, active DESC, iface");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_rpt_coverage c = {
			.vlan = sqlite3_column_int64(st, 2), .active = sqlite3_column_int(st, 3) != 0,
			.iface = ctext0(st, 4), .last_at = sqlite3_column_int64(st, 5),
			.runs = sqlite3_column_int64(st, 6),
		};
		if (!db_col_ip(st, 0, &c.lo) || !db_col_ip(st, 1, &c.hi))
			continue;
		if (cb(arg, &c))
			break;
	}
	return finish(db, st, rc);
}

/* --- fixes --- */

/* The elements of a fix's "rrset" array (JSON text) into v: copies in one
 * buffer, valid until the next call. False when an element is not a string. */
struct rrset_buf {
	struct db_text *v;
	size_t n, cap;
	char *text;
	size_t len, tcap;
	sqlite3_stmt *each;
};

static bool rrset_load(struct db *db, struct rrset_buf *b, const struct db_text *json)
{
	b->n = b->len = 0;
	if (!b->each)
		b->each = db_prep(db, "SELECT type, value FROM json_each(?1) ORDER BY key");
	sqlite3_reset(b->each);
	sqlite3_bind_text(b->each, 1, json->p, (int)json->n, SQLITE_STATIC);
	bool ok = true;
	size_t *off = NULL, noff = 0;
	while (sqlite3_step(b->each) == SQLITE_ROW) {
		const char *type = ctext0(b->each, 0);
		if (strcmp(type, "text") != 0) {
			ok = false;
			break;
		}
		struct db_text t = tcol(b->each, 1);
		if (b->len + t.n + 1 > b->tcap) {
			b->tcap = (b->len + t.n + 1) * 2;
			b->text = xrealloc(b->text, b->tcap);
		}
		memcpy(b->text + b->len, t.p, t.n);
		b->text[b->len + t.n] = 0;
		off = xreallocarray(off, noff + 1, sizeof *off);
		off[noff++] = b->len;
		b->len += t.n + 1;
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 8;
			b->v = xreallocarray(b->v, b->cap, sizeof *b->v);
		}
		b->v[b->n++].n = t.n;
	}
	for (size_t i = 0; i < noff; i++)
		b->v[i].p = b->text + off[i];
	free(off);
	sqlite3_clear_bindings(b->each);
	return ok;
}

enum ipd_status db_rpt_fix_dns(struct db *db, int64_t run_id, db_rpt_fix_dns_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT f.id, f.fingerprint, f.rule, f.severity, f.state, f.subject,"
		" json_extract(j.value,'$.op'), json_extract(j.value,'$.zone'),"
		" json_extract(j.value,'$.name'), json_extract(j.value,'$.type'),"
		" json_extract(j.value,'$.value'), json_extract(j.value,'$.old'), json_extract(j.value,'$.ip'),"
		" json_type(j.value,'$.rrset'), json_extract(j.value,'$.rrset')"
		" FROM (SELECT * FROM findings WHERE run_id = ?1 AND fix IS NOT NULL AND json_valid(fix)"
		"       AND state <> 'resolved' AND suppressed = 0) f,"
		" json_each(f.fix, '$.dns') j"
		" WHERE j.type = 'object'"
		" ORDER BY " SEV_RANK("f.severity") ", f.fingerprint, j.key");
	sqlite3_bind_int64(st, 1, run_id);
	struct rrset_buf rb = { 0 };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_rpt_fix_dns fx = {
			.finding_id = sqlite3_column_int64(st, 0), .fingerprint = ctext0(st, 1),
			.rule = ctext0(st, 2), .severity = ctext0(st, 3), .state = ctext0(st, 4),
			.subject = tcol(st, 5), .op = tcol(st, 6), .zone = tcol(st, 7),
			.name = tcol(st, 8), .type = tcol(st, 9), .value = tcol(st, 10),
			.old = tcol(st, 11), .ip = tcol(st, 12),
		};
		const char *rtype = ctext(st, 13);
		if (rtype && strcmp(rtype, "null") != 0) {
			struct db_text json = tcol(st, 14);
			fx.has_rrset = true;
			fx.rrset_bad = strcmp(rtype, "array") != 0 || !rrset_load(db, &rb, &json);
			if (!fx.rrset_bad) {
				fx.rrset = rb.v;
				fx.nrrset = rb.n;
			}
		}
		if (cb(arg, &fx))
			break;
	}
	sqlite3_finalize(rb.each);
	free(rb.v);
	free(rb.text);
	return finish(db, st, rc);
}

/* The subnet behind an IPAM change: the recorded subnet holding the
 * address, one in the wanted VRF first, then the longest prefix; among
 * equals the first in (lo, hi, id) order. That was a single
 *   SELECT ... WHERE lo <= ip AND hi >= ip ORDER BY vrf match, prefix_len
 * whose range condition reads every subnet below the address: fixes x
 * subnets (23 s for 10,000 fixes over 32,768 subnets). Imports write every
 * subnet as an aligned prefix (lo its network address, hi its last one;
 * prefix_len counts v4 bits for v4-mapped lo, v6 bits otherwise), so the
 * subnets of length L holding ip all have lo = ip masked to L: one index
 * equality seek per prefix length present in the store (a few).
 * Rows that are not such prefixes (only hand-written stores have them) keep
 * the old range test, restricted to them by id. The final choice is made
 * by the old ORDER BY with the tie-break spelled out: the old plan read
 * candidates in subnets_lo order (lo, hi, rowid) and the sort kept the
 * first of equals; among aligned prefixes of one length and VRF-match
 * status lo and hi are equal, so that is the lowest id. */
struct sn_pair {
	int off, len;   /* off: 96 for v4-mapped lo, else 0; len in the family's bits */
};
struct sn_look {
	sqlite3_stmt *pt, *pick;
	struct sn_pair pair[33 + 129];  /* present (off, len), longest first */
	size_t npair;
	char *odd;      /* JSON array of the ids of the other rows, or NULL */
	size_t nodd;    /* its length */
	size_t nrows;   /* how many */
};

/* ip's first `bits` bits, the rest cleared (host false) or set (host true). */
static void sn_mask(const uint8_t *ip, int bits, bool host, uint8_t *out)
{
	for (int i = 0; i < 16; i++) {
		int b0 = i * 8;
		uint8_t m = b0 + 8 <= bits ? 0xff : b0 >= bits ? 0 : (uint8_t)(0xff << (8 - (bits - b0)));
		out[i] = host ? (uint8_t)(ip[i] | (uint8_t)~m) : (uint8_t)(ip[i] & m);
	}
}

static bool sn_v4mapped(const uint8_t *b)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };
	return memcmp(b, pfx, sizeof pfx) == 0;
}

/* An aligned prefix: 16-byte lo and hi, lo its own network address for an
 * integer prefix_len in range, hi the last address. *off: see sn_pair. */
static bool sn_aligned(sqlite3_stmt *st, int clo, int chi, int clen, int *off, int *len)
{
	if (sqlite3_column_type(st, clo) != SQLITE_BLOB || sqlite3_column_bytes(st, clo) != 16
	    || sqlite3_column_type(st, chi) != SQLITE_BLOB || sqlite3_column_bytes(st, chi) != 16
	    || sqlite3_column_type(st, clen) != SQLITE_INTEGER)
		return false;
	const uint8_t *lo = sqlite3_column_blob(st, clo), *hi = sqlite3_column_blob(st, chi);
	int64_t l = sqlite3_column_int64(st, clen);
	*off = sn_v4mapped(lo) ? 96 : 0;
	if (l < 0 || l > 128 - *off)
		return false;
	*len = (int)l;
	uint8_t a[16], z[16];
	sn_mask(lo, *off + *len, false, a);
	sn_mask(lo, *off + *len, true, z);
	return memcmp(a, lo, 16) == 0 && memcmp(z, hi, 16) == 0;
}

static void sn_open(struct db *db, struct sn_look *k)
{
	bool have[2][129] = { { false } };
	size_t cap = 0;
	sqlite3_stmt *st = db_prep(db, "SELECT id, lo, hi, prefix_len FROM subnets");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int off, len;
		if (sn_aligned(st, 1, 2, 3, &off, &len)) {
			have[off != 0][len] = true;
			continue;
		}
		if (k->nodd + 24 > cap) {
			cap = (k->nodd + 24) * 2;
			k->odd = xrealloc(k->odd, cap);
		}
		k->nodd += (size_t)snprintf(k->odd + k->nodd, cap - k->nodd, "%c%lld", k->nodd ? ',' : '[',
					    (long long)sqlite3_column_int64(st, 0));
		k->nrows++;
	}
	sqlite3_finalize(st);
	if (k->odd) {
		k->odd = xrealloc(k->odd, k->nodd + 2);
		memcpy(k->odd + k->nodd, "]", 2);
		k->nodd++;
		log_debug("fix: %zu subnet row(s) are not aligned prefixes: range-tested", k->nrows);
	}
	for (int len = 128; len >= 0; len--)
		for (int v4 = 0; v4 < 2; v4++)
			if (have[v4][len])
				k->pair[k->npair++] = (struct sn_pair){ v4 ? 96 : 0, len };
	k->pt = db_prep(db, "SELECT id, coalesce(vrf = ?3, 0), hi FROM subnets WHERE lo = ?1 AND prefix_len = ?2");
	/* +lo, +hi: keep the planner on the id list, off subnets_lo */
	k->pick = db_prep(db,
		"SELECT prefix_len, vrf FROM subnets"
		" WHERE id IN (SELECT value FROM json_each(?3) UNION ALL SELECT ?4) AND +lo <= ?1 AND +hi >= ?1"
		" ORDER BY coalesce(vrf = ?2, 0) DESC, prefix_len DESC, lo, hi, id LIMIT 1");
}

static void sn_close(struct sn_look *k)
{
	sqlite3_finalize(k->pt);
	sqlite3_finalize(k->pick);
	free(k->odd);
}

static void bind_dtext(sqlite3_stmt *st, int col, const struct db_text *t)
{
	if (t->p)
		sqlite3_bind_text(st, col, t->p, (int)t->n, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/* fx->subnet_*: valid until k->pick is reset. */
static void sn_find(struct sn_look *k, const struct ipd_ip *ip, const struct db_text *vrf,
		    struct db_rpt_fix_ipam *fx)
{
	bool v4 = sn_v4mapped(ip->b);
	int best_m = -1, best_len = -1;
	int64_t best_id = 0;
	uint8_t best_lo[16];
	for (size_t i = 0; i < k->npair; i++) {
		int off = k->pair[i].off, len = k->pair[i].len;
		/* a v4-mapped address is in no v6 prefix longer than /95, a v6
		 * address in no v4 one */
		if (v4 ? (off == 0 && len >= 96) : off != 0)
			continue;
		/* sorted longest first: nothing shorter beats a VRF match */
		if (best_m >= 0 && len < best_len && (best_m == 1 || !vrf->p))
			break;
		uint8_t lo[16], last[16];
		sn_mask(ip->b, off + len, false, lo);
		sn_mask(ip->b, off + len, true, last);
		if (sn_v4mapped(lo) != (off != 0))
			continue;
		sqlite3_bind_blob(k->pt, 1, lo, 16, SQLITE_STATIC);
		sqlite3_bind_int(k->pt, 2, len);
		bind_dtext(k->pt, 3, vrf);
		while (sqlite3_step(k->pt) == SQLITE_ROW) {
			/* a row with this lo and length but another hi is not an
			 * aligned prefix: it is in k->odd */
			if (sqlite3_column_type(k->pt, 2) != SQLITE_BLOB || sqlite3_column_bytes(k->pt, 2) != 16
			    || memcmp(sqlite3_column_blob(k->pt, 2), last, 16) != 0)
				continue;
			int64_t id = sqlite3_column_int64(k->pt, 0);
			int m = sqlite3_column_int(k->pt, 1) != 0;
			int c = best_m < 0 ? 0 : memcmp(lo, best_lo, 16);
			if (m > best_m || (m == best_m && (len > best_len || (len == best_len
			    && (c < 0 || (c == 0 && id < best_id)))))) {
				best_m = m;
				best_len = len;
				best_id = id;
				memcpy(best_lo, lo, 16);
			}
		}
		sqlite3_reset(k->pt);
	}
	sqlite3_clear_bindings(k->pt);
	if (best_m < 0 && !k->odd)
		return;
	db_bind_ip(k->pick, 1, ip);
	bind_dtext(k->pick, 2, vrf);
	if (k->odd)
		sqlite3_bind_text(k->pick, 3, k->odd, (int)k->nodd, SQLITE_STATIC);
	else
		sqlite3_bind_text(k->pick, 3, "[]", 2, SQLITE_STATIC);
	if (best_m >= 0)
		sqlite3_bind_int64(k->pick, 4, best_id);
	else
		sqlite3_bind_null(k->pick, 4);
	if (sqlite3_step(k->pick) == SQLITE_ROW) {
		fx->subnet_prefix_len = icol(k->pick, 0);
		fx->subnet_vrf = tcol(k->pick, 1);
	}
}

/* The recorded allocation and subnet behind one IPAM change (see
 * db_report.h). Column pointers stay valid until the statements are reset. */
static void fix_ipam_record(sqlite3_stmt *al, struct sn_look *sn, struct db_rpt_fix_ipam *fx)
{
	fx->rec_prefix_len = fx->subnet_prefix_len = -1;
	char buf[IPD_IP_STRLEN];
	struct ipd_ip ip;
	if (!fx->ip.p || fx->ip.n >= sizeof buf || memchr(fx->ip.p, 0, fx->ip.n))
		return;
	memcpy(buf, fx->ip.p, fx->ip.n);
	buf[fx->ip.n] = 0;
	if (!ipd_ip_parse(buf, &ip))
		return;
	if (fx->source.p || !fx->vrf.p) {
		db_bind_ip(al, 1, &ip);
		if (fx->source.p)
			sqlite3_bind_text(al, 2, fx->source.p, (int)fx->source.n, SQLITE_STATIC);
		else
			sqlite3_bind_null(al, 2);
		if (fx->vrf.p)
			sqlite3_bind_text(al, 3, fx->vrf.p, (int)fx->vrf.n, SQLITE_STATIC);
		else
			sqlite3_bind_null(al, 3);
		/* exactly one row, or none is meant */
		int64_t n = sqlite3_step(al) == SQLITE_ROW ? sqlite3_column_int64(al, 8) : 0;
		fx->rec_matches = n > 1 ? 2 : (int)n;
		if (n == 1) {
			fx->rec_found = true;
			fx->rec_prefix_len = icol(al, 0);
			fx->rec_source = tcol(al, 1);
			fx->rec_format = tcol(al, 2);
			fx->rec_vrf = tcol(al, 3);
			fx->rec_ext_id = tcol(al, 4);
			fx->rec_status = tcol(al, 5);
			fx->rec_hostname = tcol(al, 6);
			fx->rec_description = tcol(al, 7);
		}
	}
	sn_find(sn, &ip, fx->rec_found ? &fx->rec_vrf : &fx->vrf, fx);
}

enum ipd_status db_rpt_fix_ipam(struct db *db, int64_t run_id, db_rpt_fix_ipam_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT f.id, f.fingerprint, f.rule, f.severity,"
		" json_extract(j.value,'$.op'), json_extract(j.value,'$.ip'),"
		" json_extract(j.value,'$.mac'), json_extract(j.value,'$.hostname'),"
		" json_extract(j.value,'$.status'), json_extract(j.value,'$.description'),"
		" json_extract(f.ev,'$.observations[0].method'), json_extract(f.ev,'$.observations[0].iface'),"
		" json_extract(f.ev,'$.observations[0].vlan'), json_extract(f.ev,'$.observations[0].first_seen'),"
		" json_extract(f.ev,'$.observations[0].last_seen'),"
		" json_extract(j.value,'$.source'), json_extract(j.value,'$.vrf')"
		" FROM (SELECT *, CASE WHEN json_valid(evidence) THEN evidence END AS ev FROM findings"
		"       WHERE run_id = ?1 AND fix IS NOT NULL AND json_valid(fix)"
		"       AND state <> 'resolved' AND suppressed = 0) f,"
		" json_each(f.fix, '$.ipam') j"
		" WHERE j.type = 'object'"
		" ORDER BY " SEV_RANK("f.severity") ", f.fingerprint, j.key");
	/* by key (source name, vrf, ip), or by ip alone; the count says whether
	 * the match is unique */
	sqlite3_stmt *al = db_prep(db,
		"SELECT a.prefix_len, s.name, s.format, a.vrf, a.ext_id, a.status, a.hostname,"
		" a.description, count(*) OVER ()"
		" FROM allocations a JOIN sources s ON s.id = a.source_id"
		" WHERE a.ip = ?1 AND (?2 IS NULL OR (s.name = ?2 AND a.vrf = ?3))"
		" ORDER BY a.id LIMIT 1");
	struct sn_look sn = { 0 };
	sn_open(db, &sn);
	sqlite3_bind_int64(st, 1, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_rpt_fix_ipam fx = {
			.finding_id = sqlite3_column_int64(st, 0), .fingerprint = ctext0(st, 1),
			.rule = ctext0(st, 2), .severity = ctext0(st, 3), .op = tcol(st, 4),
			.ip = tcol(st, 5), .mac = tcol(st, 6), .hostname = tcol(st, 7),
			.status = tcol(st, 8), .description = tcol(st, 9),
			.seen_method = tcol(st, 10), .seen_iface = tcol(st, 11),
			.seen_vlan = icol(st, 12), .seen_first = icol(st, 13), .seen_last = icol(st, 14),
			.source = tcol(st, 15), .vrf = tcol(st, 16),
		};
		fix_ipam_record(al, &sn, &fx);
		int stop = cb(arg, &fx);
		sqlite3_reset(al);
		sqlite3_reset(sn.pick);
		if (stop)
			break;
	}
	sqlite3_finalize(al);
	sn_close(&sn);
	return finish(db, st, rc);
}

bool db_rpt_dns_server(struct db *db, char *buf, size_t len)
{
	sqlite3_stmt *st = db_prep(db, "SELECT server FROM dns_answers WHERE server IS NOT NULL"
				       " AND server <> '' GROUP BY server ORDER BY count(*) DESC, server LIMIT 1");
	bool ok = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, len, "%s", ctext0(st, 0));
		ok = true;
	}
	sqlite3_finalize(st);
	return ok;
}

enum ipd_status db_rpt_rrset(struct db *db, const char *name, const char *type,
			     int (*cb)(void *, const struct db_text *value), void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"WITH q AS (SELECT * FROM dns_answers WHERE (qname = ?1 COLLATE NOCASE"
		"   OR qname = ?3 COLLATE NOCASE) AND qtype = ?2)"
		" SELECT DISTINCT CASE WHEN qtype = 'PTR' THEN name ELSE ip_text END FROM q"
		" WHERE status = 'ok' AND run_id IS (SELECT max(run_id) FROM q)");
	size_t n = strlen(name);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, name, n && name[n - 1] == '.' ? (int)n - 1 : (int)n, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_text t = tcol(st, 0);
		if (t.p && cb(arg, &t))
			break;
	}
	return finish(db, st, rc);
}

enum ipd_status db_rpt_zones(struct db *db, int (*cb)(void *, const char *zone), void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT DISTINCT lower(zone) FROM dns_records ORDER BY 1");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, ctext0(st, 0)))
			break;
	return finish(db, st, rc);
}

enum ipd_status db_rpt_load_fixture(struct db *db, const char *sql)
{
	return db_exec(db, sql);
}
