/* Store core: open, pragmas, migrations, transactions, runs, usage queries. */
#include "db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"

sqlite3_stmt *db_prep(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		fatalx("db: cannot prepare \"%s\": %s", sql, sqlite3_errmsg(db->h));
	return st;
}

enum ipd_status db_exec(struct db *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("db: %s: %s", db->path, err ? err : "?");
		sqlite3_free(err);
		return IPD_EDB;
	}
	return IPD_OK;
}

void db_bind_ip(sqlite3_stmt *st, int col, const struct ipd_ip *ip)
{
	sqlite3_bind_blob(st, col, ip->b, 16, SQLITE_TRANSIENT);
}

void db_bind_ip_text(sqlite3_stmt *st, int col, const struct ipd_ip *ip)
{
	char buf[IPD_IP_STRLEN];
	sqlite3_bind_text(st, col, ipd_ip_fmt(ip, buf, sizeof buf), -1, SQLITE_TRANSIENT);
}

void db_bind_mac(sqlite3_stmt *st, int col, const struct ipd_mac *mac)
{
	char buf[IPD_MAC_STRLEN];
	sqlite3_bind_text(st, col, ipd_mac_fmt(mac, buf, sizeof buf), -1, SQLITE_TRANSIENT);
}

void db_bind_text_or_null(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

bool db_col_ip(sqlite3_stmt *st, int col, struct ipd_ip *ip)
{
	if (sqlite3_column_type(st, col) != SQLITE_BLOB || sqlite3_column_bytes(st, col) != 16)
		return false;
	memcpy(ip->b, sqlite3_column_blob(st, col), 16);
	return true;
}

enum ipd_status db_step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("db: %s", sqlite3_errmsg(db->h));
		return IPD_EDB;
	}
	return IPD_OK;
}

int db_schema_latest(void)
{
	int n = 0;
	while (db_migrations[n])
		n++;
	return n;
}

int db_schema_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum ipd_status migrate(struct db *db)
{
	int cur = db_schema_version(db), latest = db_schema_latest();
	if (cur < 0)
		return IPD_EDB;
	if (cur > latest) {
		log_warnx("%s: schema version %d is newer than this ipdrift (%d)", db->path, cur, latest);
		return IPD_EDB;
	}
	for (int v = cur; v < latest; v++) {
		if (db_exec(db, "BEGIN IMMEDIATE") != IPD_OK)
			return IPD_EDB;
		for (const char *const *s = db_migrations[v]; *s; s++) {
			if (db_exec(db, *s) != IPD_OK) {
				db_exec(db, "ROLLBACK");
				return IPD_EDB;
			}
		}
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (db_exec(db, sql) != IPD_OK || db_exec(db, "COMMIT") != IPD_OK) {
			db_exec(db, "ROLLBACK");
			return IPD_EDB;
		}
		log_debug("%s: migrated schema to version %d", db->path, v + 1);
	}
	return IPD_OK;
}

enum ipd_status db_open(const char *path, int flags, struct db **out)
{
	*out = NULL;
	struct db *db = xcalloc(1, sizeof *db);
	db->path = xstrdup(path);
	int oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if ((flags & DB_CREATE) && !(flags & DB_READONLY))
		oflags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("%s: cannot open database: %s", path,
			  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		db_close(db);
		return IPD_EIO;
	}
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_extended_result_codes(db->h, 1);
	/* WAL: readers never block the writer; NORMAL: a crash may lose the last
	 * commits but never corrupts the file. */
	if (!(flags & DB_READONLY)) {
		if (db_exec(db, "PRAGMA journal_mode=WAL") != IPD_OK) {
			db_close(db);
			return IPD_EDB;
		}
		db_exec(db, "PRAGMA synchronous=NORMAL");
	}
	db_exec(db, "PRAGMA foreign_keys=ON");
	db_exec(db, "PRAGMA temp_store=MEMORY");
	db_exec(db, "PRAGMA cache_size=-65536");
	if (!(flags & DB_READONLY) && migrate(db) != IPD_OK) {
		db_close(db);
		return IPD_EDB;
	}
	if ((flags & DB_READONLY) && db_schema_version(db) != db_schema_latest()) {
		log_warnx("%s: not an ipdrift database at schema %d (run `ipdrift init`)", path,
			  db_schema_latest());
		db_close(db);
		return IPD_EDB;
	}
	*out = db;
	return IPD_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->h)
		sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

const char *db_path(const struct db *db) { return db->path; }
const char *db_errmsg(struct db *db) { return sqlite3_errmsg(db->h); }

enum ipd_status db_begin(struct db *db)
{
	if (db->in_txn++ > 0)
		return IPD_OK;
	if (db_exec(db, "BEGIN IMMEDIATE") != IPD_OK) {
		db->in_txn = 0;
		return IPD_EDB;
	}
	return IPD_OK;
}

enum ipd_status db_commit(struct db *db)
{
	if (db->in_txn <= 0)
		return IPD_OK;
	if (--db->in_txn > 0)
		return IPD_OK;
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (db->in_txn <= 0)
		return;
	db->in_txn = 0;
	db_exec(db, "ROLLBACK");
}

bool db_integrity_ok(struct db *db)
{
	sqlite3_stmt *st;
	bool ok = false;
	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	return ok;
}

int64_t db_run_start(struct db *db, const char *kind, int64_t parent_id, const char *iface,
		     const char *sensor, const char *args)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO runs(kind, parent_id, started, iface, sensor, args)"
				       " VALUES (?,?,?,?,?,?)");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (parent_id > 0)
		sqlite3_bind_int64(st, 2, parent_id);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	db_bind_text_or_null(st, 4, iface);
	db_bind_text_or_null(st, 5, sensor);
	db_bind_text_or_null(st, 6, args);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db->h);
	else
		log_warnx("db: cannot start run: %s", sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return id;
}

enum ipd_status db_run_finish(struct db *db, int64_t run_id, const struct db_run_stats *s)
{
	sqlite3_stmt *st = db_prep(db, "UPDATE runs SET finished=?, status=?, sent=?, received=?,"
				       " retries=?, duration_ms=?, loss=?, stats=? WHERE id=?");
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_bind_text(st, 2, s->status ? s->status : "ok", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->sent);
	sqlite3_bind_int64(st, 4, s->received);
	sqlite3_bind_int64(st, 5, s->retries);
	sqlite3_bind_int64(st, 6, s->duration_ms);
	if (s->loss >= 0)
		sqlite3_bind_double(st, 7, s->loss);
	db_bind_text_or_null(st, 8, s->stats_json);
	sqlite3_bind_int64(st, 9, run_id);
	enum ipd_status rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

static const char *coltext(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

enum ipd_status db_runs_list(struct db *db, const char *kind, int limit, db_run_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT id, kind, parent_id, started, finished, status, iface, args, sent, received,"
		" retries, duration_ms, coalesce(loss, -1), stats FROM runs"
		" WHERE (?1 IS NULL OR kind = ?1) ORDER BY id DESC LIMIT ?2");
	db_bind_text_or_null(st, 1, kind);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_run_info r = {
			.id = sqlite3_column_int64(st, 0), .kind = coltext(st, 1),
			.parent_id = sqlite3_column_int64(st, 2), .started = sqlite3_column_int64(st, 3),
			.finished = sqlite3_column_int64(st, 4), .status = coltext(st, 5),
			.iface = coltext(st, 6), .args = coltext(st, 7),
			.sent = sqlite3_column_int64(st, 8), .received = sqlite3_column_int64(st, 9),
			.retries = sqlite3_column_int64(st, 10), .duration_ms = sqlite3_column_int64(st, 11),
			.loss = sqlite3_column_double(st, 12), .stats = coltext(st, 13),
		};
		if (cb(arg, &r))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

int64_t db_run_latest(struct db *db, const char *kind)
{
	sqlite3_stmt *st = db_prep(db, "SELECT max(id) FROM runs WHERE kind = ? AND status = 'ok'");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

enum ipd_status db_subnets_usage(struct db *db, int64_t seen_since, db_subnet_cb cb, void *arg)
{
	/* One indexed range scan per subnet and table; "used" is the union of the
	 * three address sets inside the subnet. */
	sqlite3_stmt *st = db_prep(db,
		"SELECT s.id, s.cidr, s.vrf, s.description, s.family, s.prefix_len, coalesce(s.vlan, -1),"
		" coalesce(s.threshold, -1), s.lo, s.hi,"
		" (SELECT count(DISTINCT ip) FROM allocations a WHERE a.ip BETWEEN s.lo AND s.hi"
		"    AND a.vrf = s.vrf AND coalesce(a.status,'') NOT IN ('deprecated')),"
		" (SELECT count(DISTINCT ip) FROM leases l WHERE l.ip BETWEEN s.lo AND s.hi AND l.active),"
		" (SELECT count(DISTINCT ip) FROM observations o WHERE o.ip BETWEEN s.lo AND s.hi"
		"    AND o.last_seen >= ?1),"
		" (SELECT count(*) FROM ("
		"    SELECT ip FROM allocations a WHERE a.ip BETWEEN s.lo AND s.hi AND a.vrf = s.vrf"
		"      AND coalesce(a.status,'') NOT IN ('deprecated')"
		"    UNION SELECT ip FROM leases l WHERE l.ip BETWEEN s.lo AND s.hi AND l.active"
		"    UNION SELECT ip FROM observations o WHERE o.ip BETWEEN s.lo AND s.hi"
		"      AND o.last_seen >= ?1))"
		" FROM subnets s WHERE coalesce(s.status, 'active') <> 'container'"
		" ORDER BY s.vrf, s.family, s.lo, s.prefix_len");
	sqlite3_bind_int64(st, 1, seen_since);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipd_prefix p;
		db_col_ip(st, 8, &p.addr);
		p.len = (uint8_t)sqlite3_column_int(st, 5);
		struct db_subnet_usage u = {
			.id = sqlite3_column_int64(st, 0), .cidr = coltext(st, 1), .vrf = coltext(st, 2),
			.description = coltext(st, 3), .family = sqlite3_column_int(st, 4),
			.prefix_len = p.len, .vlan = sqlite3_column_int(st, 6),
			.threshold = sqlite3_column_double(st, 7), .size = ipd_prefix_size(&p),
			.allocated = sqlite3_column_int64(st, 10), .leased = sqlite3_column_int64(st, 11),
			.seen = sqlite3_column_int64(st, 12), .used = sqlite3_column_int64(st, 13),
		};
		if (cb(arg, &u))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_sources_list(struct db *db, db_source_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT name, kind, format, path, digest, coalesce(imported,0),"
				       " rows, bad_rows FROM sources ORDER BY kind, name");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_source_info s = {
			.name = coltext(st, 0), .kind = coltext(st, 1), .format = coltext(st, 2),
			.path = coltext(st, 3), .digest = coltext(st, 4),
			.imported = sqlite3_column_int64(st, 5), .rows = sqlite3_column_int64(st, 6),
			.bad_rows = sqlite3_column_int64(st, 7),
		};
		if (cb(arg, &s))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_counts(struct db *db, struct db_counts *c)
{
	static const char *const tables[] = { "subnets", "ranges", "allocations", "leases",
		"dns_records", "dns_answers", "observations", "events", "findings",
		"suppressions", "runs" };
	int64_t *dst[] = { &c->subnets, &c->ranges, &c->allocations, &c->leases, &c->dns_records,
		&c->dns_answers, &c->observations, &c->events, &c->findings, &c->suppressions,
		&c->runs };
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
			return IPD_EDB;
		*dst[i] = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
	}
	return IPD_OK;
}
