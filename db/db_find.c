/*
 * Audit queries: address-ordered cursors for the sorted merge (one indexed
 * scan per table, never a query per address), small whole-table loads, the
 * findings writer (lifecycle done set-based in SQL) and suppressions.
 */
#include "db_int.h"
#include "db_find.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"

static const char *coltext(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---------------------------------------------------------------- cursors */

/* Per source: the SQL, the row size and where its string fields are, so one
 * grouping loop serves all six. Column 0 is always the ip BLOB. */
struct src_def {
	const char *sql;
	size_t rowsz;
	size_t nstr;
	size_t stroff[8];   /* offsetof of each const char * field, in column order */
	int strcol[8];      /* the column of each; for the source name (first string when
			     * bysource) the column holds sources.id, mapped in memory: a
			     * join per row would cost a B-tree seek per row */
	bool bysource;
};

#define O(T, f) offsetof(struct T, f)
/* DNS answers describe "what DNS says now" only from the newest successful
 * inventory pass of `ipdrift resolve` onward (later --ptr passes included).
 * An older answer to a question nobody asks any more -- a name the zones
 * dropped after a fix -- must not keep a stale-dns finding alive. */
#define DNS_FLOOR \
	" AND coalesce(run_id, 0) >= (SELECT coalesce(max(id), 0) FROM runs" \
	" WHERE kind = 'resolve' AND status = 'ok'" \
	" AND json_extract(stats, '$.mode') = 'inventory')"

static const struct src_def srcs[DB_AUD_NSRC] = {
	[DB_AUD_OBS] = {
		"SELECT ip, mac, vlan, iface, sensor, method, first_seen, last_seen, count,"
		" coalesce(last_run, 0) FROM observations WHERE ip >= ?2 AND ip < ?3 ORDER BY ip",
		sizeof(struct db_aud_obs), 3,
		{ O(db_aud_obs, iface), O(db_aud_obs, sensor), O(db_aud_obs, method) },
		{ 3, 4, 5 } },
	[DB_AUD_ALLOC] = {
		"SELECT ip, id, coalesce(line, 0), source_id, vrf, mac, hostname, status,"
		" role, description, hostname_flags FROM allocations"
		" WHERE ip >= ?2 AND ip < ?3 ORDER BY ip",
		sizeof(struct db_aud_alloc), 7,
		{ O(db_aud_alloc, source), O(db_aud_alloc, vrf), O(db_aud_alloc, mac),
		  O(db_aud_alloc, hostname), O(db_aud_alloc, status), O(db_aud_alloc, role),
		  O(db_aud_alloc, description) },
		{ 3, 4, 5, 6, 7, 8, 9 }, true },
	[DB_AUD_LEASE] = {
		"SELECT ip, coalesce(line, 0), coalesce(starts, 0), coalesce(ends, 0), source_id,"
		" mac, hostname, state, kind, active FROM leases"
		" WHERE ip >= ?2 AND ip < ?3 ORDER BY ip",
		sizeof(struct db_aud_lease), 5,
		{ O(db_aud_lease, source), O(db_aud_lease, mac), O(db_aud_lease, hostname),
		  O(db_aud_lease, state), O(db_aud_lease, kind) },
		{ 4, 5, 6, 7, 8 }, true },
	[DB_AUD_ANSWER] = {
		"SELECT ip, coalesce(run_id, 0), coalesce(ttl, 0), at, qname, qtype, status, name,"
		" server, name_flags FROM dns_answers WHERE ip >= ?2 AND ip < ?3"
		" AND qtype NOT IN ('A', 'AAAA')" DNS_FLOOR " ORDER BY ip",
		sizeof(struct db_aud_answer), 5,
		{ O(db_aud_answer, qname), O(db_aud_answer, qtype), O(db_aud_answer, status),
		  O(db_aud_answer, name), O(db_aud_answer, server) },
		{ 4, 5, 6, 7, 8 } },
	[DB_AUD_RECORD] = {
		"SELECT ip, coalesce(ttl, 0), coalesce(line, 0), source_id, zone, owner, type,"
		" rdata, target FROM dns_records WHERE ip >= ?2 AND ip < ?3 ORDER BY ip",
		sizeof(struct db_aud_record), 6,
		{ O(db_aud_record, source), O(db_aud_record, zone), O(db_aud_record, owner),
		  O(db_aud_record, type), O(db_aud_record, rdata), O(db_aud_record, target) },
		{ 3, 4, 5, 6, 7, 8 }, true },
	[DB_AUD_EVENT] = {
		"SELECT ip, coalesce(run_id, 0), at, vlan, kind, mac, other_mac, iface, sensor, detail"
		" FROM events WHERE ip >= ?2 AND ip < ?3 AND at >= ?1 ORDER BY ip",
		sizeof(struct db_aud_event), 6,
		{ O(db_aud_event, kind), O(db_aud_event, mac), O(db_aud_event, other_mac),
		  O(db_aud_event, iface), O(db_aud_event, sensor), O(db_aud_event, detail) },
		{ 4, 5, 6, 7, 8, 9 } },
};
#undef O

enum { CUR_STEP, CUR_ROW, CUR_DONE, CUR_ERR };

struct db_aud_cursor {
	struct db *db;
	sqlite3_stmt *st;
	const struct src_def *def;
	enum db_aud_src src;
	int state;
	struct ipd_ip cur;       /* address of the pending row */
	unsigned char *rows;
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
	/* sources.id -> name, for bysource sources */
	int64_t *src_id;
	char **src_name;
	size_t nsrc;
};

struct db_aud_cursor *db_aud_open(struct db *db, enum db_aud_src src, int64_t since)
{
	return db_aud_open_range(db, src, since, NULL, NULL);
}

struct db_aud_cursor *db_aud_open_range(struct db *db, enum db_aud_src src, int64_t since,
					const struct ipd_ip *lo, const struct ipd_ip *hi)
{
	/* 16 zero bytes sort first; 17 0xff bytes sort after every 16-byte address
	 * (BLOBs compare with memcmp, then by length). */
	static const uint8_t zero[16], top[17] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct db_aud_cursor *c = xcalloc(1, sizeof *c);
	c->db = db;
	c->src = src;
	c->def = &srcs[src];
	c->st = db_prep(db, c->def->sql);
	if (src == DB_AUD_EVENT)
		sqlite3_bind_int64(c->st, 1, since);
	sqlite3_bind_blob(c->st, 2, lo ? lo->b : zero, 16, SQLITE_STATIC);
	if (hi)
		sqlite3_bind_blob(c->st, 3, hi->b, 16, SQLITE_STATIC);
	else
		sqlite3_bind_blob(c->st, 3, top, 17, SQLITE_STATIC);
	c->state = CUR_STEP;
	if (c->def->bysource) {
		sqlite3_stmt *st = db_prep(db, "SELECT id, name FROM sources ORDER BY id");
		while (sqlite3_step(st) == SQLITE_ROW) {
			c->src_id = xreallocarray(c->src_id, c->nsrc + 1, sizeof *c->src_id);
			c->src_name = xreallocarray(c->src_name, c->nsrc + 1, sizeof *c->src_name);
			c->src_id[c->nsrc] = sqlite3_column_int64(st, 0);
			c->src_name[c->nsrc++] = xstrdup(coltext(st, 1) ? coltext(st, 1) : "");
		}
		sqlite3_finalize(st);
	}
	return c;
}

bool db_aud_split_point(struct db *db, struct ipd_ip *out)
{
	/* the median observed address (else allocation): halves of similar work */
	static const char *const sql[] = {
		"SELECT ip FROM observations ORDER BY ip LIMIT 1 OFFSET"
		" (SELECT count(*) / 2 FROM observations)",
		"SELECT ip FROM allocations ORDER BY ip LIMIT 1 OFFSET"
		" (SELECT count(*) / 2 FROM allocations)",
	};
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = db_prep(db, sql[i]);
		bool ok = sqlite3_step(st) == SQLITE_ROW && db_col_ip(st, 0, out);
		sqlite3_finalize(st);
		if (ok)
			return true;
	}
	return false;
}

static void advance(struct db_aud_cursor *c)
{
	while (c->state == CUR_STEP) {
		int rc = sqlite3_step(c->st);
		if (rc == SQLITE_DONE) {
			c->state = CUR_DONE;
		} else if (rc != SQLITE_ROW) {
			log_warnx("db: audit scan: %s", sqlite3_errmsg(c->db->h));
			c->state = CUR_ERR;
		} else if (db_col_ip(c->st, 0, &c->cur)) {
			c->state = CUR_ROW;
		} /* a malformed ip BLOB is skipped */
	}
}

bool db_aud_peek(struct db_aud_cursor *c, struct ipd_ip *ip)
{
	advance(c);
	if (c->state != CUR_ROW)
		return false;
	*ip = c->cur;
	return true;
}

bool db_aud_failed(const struct db_aud_cursor *c) { return c->state == CUR_ERR; }

/* Strings go into the pool as offsets (+1, 0 = NULL) and become pointers once
 * the group is complete, because the pool may move while it grows. */
static uintptr_t pool_add(struct db_aud_cursor *c, const char *s, size_t n)
{
	if (c->plen + n + 1 > c->pcap) {
		c->pcap = (c->plen + n + 1) * 2 + 1024;
		c->pool = xrealloc(c->pool, c->pcap);
	}
	memcpy(c->pool + c->plen, s, n);
	c->pool[c->plen + n] = '\0';
	uintptr_t off = c->plen + 1;
	c->plen += n + 1;
	return off;
}

static uintptr_t pool_put(struct db_aud_cursor *c, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	const char *s = coltext(st, col);
	return pool_add(c, s, (size_t)sqlite3_column_bytes(st, col));
}

/* The name of the source whose id is in column col (NULL when none). */
static uintptr_t pool_source(struct db_aud_cursor *c, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	int64_t id = sqlite3_column_int64(st, col);
	size_t lo = 0, hi = c->nsrc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->src_id[mid] < id)
			lo = mid + 1;
		else if (c->src_id[mid] > id)
			hi = mid;
		else
			return pool_add(c, c->src_name[mid], strlen(c->src_name[mid]));
	}
	return 0;
}

static void fill_row(struct db_aud_cursor *c, void *row)
{
	sqlite3_stmt *st = c->st;
	memset(row, 0, c->def->rowsz);
	switch (c->src) {
	case DB_AUD_OBS: {
		struct db_aud_obs *o = row;
		o->ip = c->cur;
		snprintf(o->mac, sizeof o->mac, "%s", coltext(st, 1) ? coltext(st, 1) : "");
		o->vlan = sqlite3_column_int(st, 2);
		o->first_seen = sqlite3_column_int64(st, 6);
		o->last_seen = sqlite3_column_int64(st, 7);
		o->count = sqlite3_column_int64(st, 8);
		o->last_run = sqlite3_column_int64(st, 9);
		break;
	}
	case DB_AUD_ALLOC: {
		struct db_aud_alloc *a = row;
		a->ip = c->cur;
		a->id = sqlite3_column_int64(st, 1);
		a->line = sqlite3_column_int64(st, 2);
		a->hostname_flags = (unsigned)sqlite3_column_int(st, 10);
		break;
	}
	case DB_AUD_LEASE: {
		struct db_aud_lease *l = row;
		l->ip = c->cur;
		l->line = sqlite3_column_int64(st, 1);
		l->starts = sqlite3_column_int64(st, 2);
		l->ends = sqlite3_column_int64(st, 3);
		l->active = sqlite3_column_int(st, 9) != 0;
		break;
	}
	case DB_AUD_ANSWER: {
		struct db_aud_answer *a = row;
		a->ip = c->cur;
		a->run_id = sqlite3_column_int64(st, 1);
		a->ttl = sqlite3_column_int64(st, 2);
		a->at = sqlite3_column_int64(st, 3);
		a->name_flags = (unsigned)sqlite3_column_int(st, 9);
		break;
	}
	case DB_AUD_RECORD: {
		struct db_aud_record *r = row;
		r->ip = c->cur;
		r->ttl = sqlite3_column_int64(st, 1);
		r->line = sqlite3_column_int64(st, 2);
		break;
	}
	case DB_AUD_EVENT: {
		struct db_aud_event *e = row;
		e->ip = c->cur;
		e->run_id = sqlite3_column_int64(st, 1);
		e->at = sqlite3_column_int64(st, 2);
		e->vlan = sqlite3_column_int(st, 3);
		break;
	}
	default:
		break;
	}
	for (size_t i = 0; i < c->def->nstr; i++) {
		uintptr_t off = i == 0 && c->def->bysource ? pool_source(c, st, c->def->strcol[i])
							   : pool_put(c, st, c->def->strcol[i]);
		memcpy((char *)row + c->def->stroff[i], &off, sizeof off);
	}
}

size_t db_aud_take(struct db_aud_cursor *c, const void **rows)
{
	c->n = 0;
	c->plen = 0;
	advance(c);
	if (c->state != CUR_ROW) {
		*rows = NULL;
		return 0;
	}
	struct ipd_ip group = c->cur;
	size_t rs = c->def->rowsz;
	while (c->state == CUR_ROW && ipd_ip_eq(&c->cur, &group)) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->rows = xreallocarray(c->rows, c->cap, rs);
		}
		fill_row(c, c->rows + c->n * rs);
		c->n++;
		c->state = CUR_STEP;
		advance(c);
	}
	for (size_t r = 0; r < c->n; r++) {
		unsigned char *row = c->rows + r * rs;
		for (size_t i = 0; i < c->def->nstr; i++) {
			uintptr_t off;
			memcpy(&off, row + c->def->stroff[i], sizeof off);
			const char *p = off ? c->pool + off - 1 : NULL;
			memcpy(row + c->def->stroff[i], &p, sizeof p);
		}
	}
	*rows = c->rows;
	return c->n;
}

void db_aud_close(struct db_aud_cursor *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->st);
	free(c->rows);
	free(c->pool);
	for (size_t i = 0; i < c->nsrc; i++)
		free(c->src_name[i]);
	free(c->src_id);
	free(c->src_name);
	free(c);
}

/* ---------------------------------------------------------- small loads */

/* Step st to the end running the body per row (a block; commas allowed),
 * then finalize and return the status. */
#define STEP_LOOP(st, ...)                                                      \
	int rc_;                                                                \
	while ((rc_ = sqlite3_step(st)) == SQLITE_ROW) {                        \
		__VA_ARGS__                                                     \
	}                                                                       \
	sqlite3_finalize(st);                                                   \
	return (rc_ == SQLITE_ROW || rc_ == SQLITE_DONE) ? IPD_OK : IPD_EDB;

enum ipd_status db_aud_subnets(struct db *db, db_aud_subnet_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT n.id, coalesce(n.line, 0), n.lo, n.hi, n.prefix_len, n.family,"
		" coalesce(n.vlan, -1), coalesce(n.threshold, -1), n.cidr, n.vrf, n.status, n.role,"
		" s.name, n.description, n.is_pool FROM subnets n LEFT JOIN sources s ON s.id = n.source_id"
		" ORDER BY n.lo, n.prefix_len");
	STEP_LOOP(st, {
		struct db_aud_subnet s = {
			.id = sqlite3_column_int64(st, 0), .line = sqlite3_column_int64(st, 1),
			.prefix_len = sqlite3_column_int(st, 4), .family = sqlite3_column_int(st, 5),
			.vlan = sqlite3_column_int(st, 6), .threshold = sqlite3_column_double(st, 7),
			.cidr = coltext(st, 8), .vrf = coltext(st, 9), .status = coltext(st, 10),
			.role = coltext(st, 11), .source = coltext(st, 12),
			.description = coltext(st, 13), .is_pool = sqlite3_column_int(st, 14) != 0,
		};
		if (!db_col_ip(st, 2, &s.lo) || !db_col_ip(st, 3, &s.hi))
			continue;
		if (cb(arg, &s))
			break;
	})
}

enum ipd_status db_aud_ranges(struct db *db, db_aud_range_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT r.lo, r.hi, coalesce(r.line, 0), r.kind, r.lo_text, r.hi_text, s.name, r.status,"
		" r.description FROM ranges r LEFT JOIN sources s ON s.id = r.source_id"
		" ORDER BY r.lo, r.hi DESC");
	STEP_LOOP(st, {
		struct db_aud_range r = {
			.line = sqlite3_column_int64(st, 2), .kind = coltext(st, 3),
			.lo_text = coltext(st, 4), .hi_text = coltext(st, 5), .source = coltext(st, 6),
			.status = coltext(st, 7), .description = coltext(st, 8),
		};
		if (!db_col_ip(st, 0, &r.lo) || !db_col_ip(st, 1, &r.hi))
			continue;
		if (cb(arg, &r))
			break;
	})
}

enum ipd_status db_aud_coverage(struct db *db, int64_t since, db_aud_coverage_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT run_id, at, lo, hi, vlan, active, iface FROM coverage WHERE at >= ?1"
		" ORDER BY lo");
	sqlite3_bind_int64(st, 1, since);
	STEP_LOOP(st, {
		struct db_aud_coverage c = {
			.run_id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
			.vlan = sqlite3_column_int(st, 4), .active = sqlite3_column_int(st, 5) != 0,
			.iface = coltext(st, 6),
		};
		if (!db_col_ip(st, 2, &c.lo) || !db_col_ip(st, 3, &c.hi))
			continue;
		if (cb(arg, &c))
			break;
	})
}

enum ipd_status db_aud_allowlist(struct db *db, db_aud_allow_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT a.ip, coalesce(a.line, 0), a.kind, a.ip_text, lower(a.mac), s.name, a.description"
		" FROM allowlist a LEFT JOIN sources s ON s.id = a.source_id ORDER BY a.id");
	STEP_LOOP(st, {
		struct db_aud_allow a = {
			.line = sqlite3_column_int64(st, 1), .kind = coltext(st, 2),
			.ip_text = coltext(st, 3), .mac = coltext(st, 4), .source = coltext(st, 5),
			.description = coltext(st, 6),
		};
		a.has_ip = db_col_ip(st, 0, &a.ip);
		if (cb(arg, &a))
			break;
	})
}

enum ipd_status db_aud_all_answers(struct db *db, db_aud_answer_cb cb, void *arg)
{
	/* one sequential pass over the table (rowid order): cheaper than an
	 * address-ordered index walk, and it serves the name index too */
	sqlite3_stmt *st = db_prep(db,
		"SELECT ip, coalesce(run_id, 0), coalesce(ttl, 0), at, qname, qtype, status, name,"
		" server, name_flags FROM dns_answers WHERE 1" DNS_FLOOR);
	STEP_LOOP(st, {
		struct db_aud_answer a = {
			.run_id = sqlite3_column_int64(st, 1), .ttl = sqlite3_column_int64(st, 2),
			.at = sqlite3_column_int64(st, 3), .qname = coltext(st, 4),
			.qtype = coltext(st, 5), .status = coltext(st, 6), .name = coltext(st, 7),
			.server = coltext(st, 8), .name_flags = (unsigned)sqlite3_column_int(st, 9),
		};
		bool has_ip = db_col_ip(st, 0, &a.ip);
		if (!a.qname || !a.qtype || !a.status)
			continue;
		if (cb(arg, &a, has_ip))
			break;
	})
}

enum ipd_status db_aud_record_macs(struct db *db, db_aud_mac_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT lower(mac) FROM allocations WHERE mac IS NOT NULL AND mac <> ''"
		" UNION ALL SELECT lower(mac) FROM leases WHERE active AND mac IS NOT NULL AND mac <> ''");
	STEP_LOOP(st, {
		if (cb(arg, coltext(st, 0)))
			break;
	})
}

int64_t db_aud_lease_count(struct db *db)
{
	sqlite3_stmt *st = db_prep(db, "SELECT count(*) FROM leases");
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}

/* -------------------------------------------------------------- findings */

struct db_find_writer {
	struct db *db;
	sqlite3_stmt *ins;
	int64_t run_id, prev_run;
	enum ipd_status err;
	struct db_find_counts tally;  /* kept while writing: no GROUP BY afterwards */
};

static int sev_index(const char *s);

struct db_find_writer *db_find_begin(struct db *db, int64_t run_id, int64_t prev_run)
{
	if (db_begin(db) != IPD_OK)
		return NULL;
	struct db_find_writer *w = xcalloc(1, sizeof *w);
	w->db = db;
	w->run_id = run_id;
	w->prev_run = prev_run;
	/* new vs ongoing is decided at insert time with one point lookup in the
	 * previous run (UNIQUE(run_id, fingerprint) index), so no row is ever
	 * rewritten; first_run carries over from the previous run. */
	w->ins = db_prep(db,
		"INSERT OR IGNORE INTO findings(run_id, fingerprint, rule, severity, subject_kind,"
		" subject, state, first_run, suppressed, suppress_reason, summary, evidence, fix)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6,"
		" CASE WHEN p.fingerprint IS NULL THEN 'new' ELSE 'ongoing' END,"
		" coalesce(p.first_run, ?1), ?7, ?8, ?9, ?10, ?11"
		" FROM (SELECT 1) LEFT JOIN findings p ON p.run_id = ?12 AND p.fingerprint = ?2"
		"   AND p.state <> 'resolved' RETURNING state");
	return w;
}

enum ipd_status db_find_put(struct db_find_writer *w, const struct db_finding *f)
{
	sqlite3_stmt *st = w->ins;
	sqlite3_bind_int64(st, 1, w->run_id);
	sqlite3_bind_text(st, 2, f->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->subject_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, f->suppressed);
	db_bind_text_or_null(st, 8, f->suppress_reason);
	sqlite3_bind_text(st, 9, f->summary, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 10, f->evidence);
	db_bind_text_or_null(st, 11, f->fix);
	sqlite3_bind_int64(st, 12, w->prev_run);
	int rc = sqlite3_step(st);
	bool fresh = false, inserted = false;
	if (rc == SQLITE_ROW) {        /* RETURNING: one row when inserted */
		inserted = true;
		const char *state = (const char *)sqlite3_column_text(st, 0);
		fresh = state && strcmp(state, "new") == 0;
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("db: cannot store finding %s: %s", f->fingerprint, sqlite3_errmsg(w->db->h));
		return w->err = IPD_EDB;
	}
	if (!inserted) {
		log_debug("audit: duplicate finding %s ignored", f->fingerprint);
		return IPD_EINVAL;
	}
	struct db_find_counts *c = &w->tally;
	if (f->suppressed) {
		c->suppressed++;
	} else {
		int sev = sev_index(f->severity);
		c->by_sev[sev]++;
		if (fresh) {
			c->fresh++;
			c->new_by_sev[sev]++;
		} else {
			c->ongoing++;
		}
	}
	return IPD_OK;
}

void db_find_abort(struct db_find_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->ins);
	db_rollback(w->db);
	free(w);
}

enum ipd_status db_find_end(struct db_find_writer *w, struct db_find_counts *out)
{
	if (w->err) {
		enum ipd_status e = w->err;
		db_find_abort(w);
		return e;
	}
	enum ipd_status rc = IPD_OK;
	if (w->prev_run > 0) {
		/* fingerprints of the previous audit that vanished: resolved */
		sqlite3_stmt *st = db_prep(w->db,
			"INSERT INTO findings(run_id, fingerprint, rule, severity, subject_kind, subject,"
			" state, first_run, suppressed, suppress_reason, summary, evidence, fix)"
			" SELECT ?1, p.fingerprint, p.rule, p.severity, p.subject_kind, p.subject,"
			" 'resolved', p.first_run, p.suppressed, p.suppress_reason, p.summary, p.evidence,"
			" NULL FROM findings p WHERE p.run_id = ?2 AND p.state <> 'resolved'"
			" AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = ?1"
			"   AND c.fingerprint = p.fingerprint)");
		sqlite3_bind_int64(st, 1, w->run_id);
		sqlite3_bind_int64(st, 2, w->prev_run);
		rc = db_step_done(w->db, st);
		if (rc == IPD_OK)
			w->tally.resolved = sqlite3_changes(w->db->h);
		sqlite3_finalize(st);
	}
	if (out)
		*out = w->tally;
	sqlite3_finalize(w->ins);
	if (rc == IPD_OK)
		rc = db_commit(w->db);
	else
		db_rollback(w->db);
	free(w);
	return rc;
}

static int sev_index(const char *s)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };
	for (int i = 0; i < 5; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return 0;
}

enum ipd_status db_find_counts(struct db *db, int64_t run_id, struct db_find_counts *c)
{
	memset(c, 0, sizeof *c);
	sqlite3_stmt *st = db_prep(db,
		"SELECT severity, state, suppressed, count(*) FROM findings WHERE run_id = ?1"
		" GROUP BY 1, 2, 3");
	sqlite3_bind_int64(st, 1, run_id);
	STEP_LOOP(st, {
		int sev = sev_index(coltext(st, 0));
		const char *state = coltext(st, 1);
		bool supp = sqlite3_column_int(st, 2) != 0;
		int64_t n = sqlite3_column_int64(st, 3);
		if (strcmp(state, "resolved") == 0) {
			c->resolved += n;
			continue;
		}
		if (supp) {
			c->suppressed += n;
			continue;
		}
		c->by_sev[sev] += n;
		if (strcmp(state, "new") == 0) {
			c->fresh += n;
			c->new_by_sev[sev] += n;
		} else {
			c->ongoing += n;
		}
	})
}

enum ipd_status db_find_list(struct db *db, int64_t run_id, db_find_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT id, run_id, coalesce(first_run, 0), fingerprint, rule, severity, subject_kind,"
		" subject, state, summary, evidence, fix, suppress_reason, suppressed FROM findings"
		" WHERE run_id = CASE WHEN ?1 > 0 THEN ?1 ELSE"
		"  (SELECT max(id) FROM runs WHERE kind = 'audit' AND status = 'ok') END"
		" ORDER BY rule, subject");
	sqlite3_bind_int64(st, 1, run_id);
	STEP_LOOP(st, {
		struct db_find_row r = {
			.id = sqlite3_column_int64(st, 0), .run_id = sqlite3_column_int64(st, 1),
			.first_run = sqlite3_column_int64(st, 2), .fingerprint = coltext(st, 3),
			.rule = coltext(st, 4), .severity = coltext(st, 5),
			.subject_kind = coltext(st, 6), .subject = coltext(st, 7),
			.state = coltext(st, 8), .summary = coltext(st, 9), .evidence = coltext(st, 10),
			.fix = coltext(st, 11), .suppress_reason = coltext(st, 12),
			.suppressed = sqlite3_column_int(st, 13) != 0,
		};
		if (cb(arg, &r))
			break;
	})
}

/* ---------------------------------------------------------- suppressions */

enum ipd_status db_supp_add(struct db *db, const char *rule, const char *subject,
			    const char *reason, int64_t until, const char *origin)
{
	sqlite3_stmt *st = db_prep(db,
		"INSERT INTO suppressions(rule, subject, reason, until, created, origin)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(rule, subject) DO UPDATE SET"
		" reason = excluded.reason, until = excluded.until, created = excluded.created,"
		" origin = excluded.origin");
	sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	if (until > 0)
		sqlite3_bind_int64(st, 4, until);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
	sqlite3_bind_text(st, 6, origin ? origin : "cli", -1, SQLITE_STATIC);
	enum ipd_status rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

enum ipd_status db_supp_remove(struct db *db, const char *rule, const char *subject)
{
	sqlite3_stmt *st = db_prep(db, "DELETE FROM suppressions WHERE rule = ?1 AND subject = ?2");
	sqlite3_bind_text(st, 1, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	enum ipd_status rc = db_step_done(db, st);
	sqlite3_finalize(st);
	if (rc == IPD_OK && sqlite3_changes(db->h) == 0)
		return IPD_ENOTFOUND;
	return rc;
}

enum ipd_status db_supp_list(struct db *db, db_supp_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT id, coalesce(until, 0), created, rule, subject, reason, origin FROM suppressions"
		" ORDER BY rule, subject");
	STEP_LOOP(st, {
		struct db_suppression s = {
			.id = sqlite3_column_int64(st, 0), .until = sqlite3_column_int64(st, 1),
			.created = sqlite3_column_int64(st, 2), .rule = coltext(st, 3),
			.subject = coltext(st, 4), .reason = coltext(st, 5), .origin = coltext(st, 6),
		};
		if (cb(arg, &s))
			break;
	})
}
