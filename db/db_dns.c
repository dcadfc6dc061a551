/* dns_answers writer and the resolve query lists. */
#include "db_int.h"
#include "db_dns.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/xmem.h"

struct db_dns_writer {
	struct db *db;
	sqlite3_stmt *ins;
	size_t batch, pending;
	enum ipd_status err;
};

struct db_dns_writer *db_dns_writer_new(struct db *db, size_t batch)
{
	struct db_dns_writer *w = xcalloc(1, sizeof *w);
	w->db = db;
	w->batch = batch ? batch : 10000;
	w->ins = db_prep(db, "INSERT INTO dns_answers(run_id, qname, qtype, status, ip, ip_text,"
			     " name, name_flags, ttl, server, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	return w;
}

enum ipd_status db_dns_writer_flush(struct db_dns_writer *w)
{
	if (w->pending == 0)
		return IPD_OK;
	w->pending = 0;
	if (db_commit(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

enum ipd_status db_dns_put(struct db_dns_writer *w, const struct db_dns_answer *a)
{
	if (w->err)
		return w->err;
	if (w->pending == 0 && db_begin(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	w->pending++;
	sqlite3_stmt *st = w->ins;
	sqlite3_clear_bindings(st);
	if (a->run_id > 0)
		sqlite3_bind_int64(st, 1, a->run_id);
	sqlite3_bind_text(st, 2, a->qname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->qtype, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->status, -1, SQLITE_STATIC);
	if (a->ip) {
		db_bind_ip(st, 5, a->ip);
		db_bind_ip_text(st, 6, a->ip);
	}
	db_bind_text_or_null(st, 7, a->name);
	sqlite3_bind_int(st, 8, a->name_flags);
	if (a->ttl >= 0)
		sqlite3_bind_int64(st, 9, a->ttl);
	db_bind_text_or_null(st, 10, a->server);
	sqlite3_bind_int64(st, 11, a->at ? a->at : (int64_t)time(NULL));
	if (db_step_done(w->db, st) != IPD_OK)
		return w->err = IPD_EDB;
	if (w->pending >= w->batch)
		return db_dns_writer_flush(w);
	return IPD_OK;
}

enum ipd_status db_dns_writer_close(struct db_dns_writer *w)
{
	if (!w)
		return IPD_OK;
	enum ipd_status rc = db_dns_writer_flush(w);
	if (w->err)
		rc = w->err;
	if (rc != IPD_OK)
		db_rollback(w->db);
	sqlite3_finalize(w->ins);
	free(w);
	return rc;
}

enum ipd_status db_dns_ptr_queries(struct db *db, db_dns_ip_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT ip FROM observations UNION SELECT ip FROM allocations"
		" UNION SELECT ip FROM leases WHERE active = 1 ORDER BY 1");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipd_ip ip;
		if (!db_col_ip(st, 0, &ip))
			continue;
		if (cb(arg, &ip))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_dns_name_queries(struct db *db, db_dns_name_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT min(h) FROM (SELECT hostname AS h FROM allocations"
		" UNION ALL SELECT hostname FROM leases)"
		" WHERE h IS NOT NULL AND h <> '' GROUP BY rtrim(lower(h), '.') ORDER BY 1");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);
		if (h && cb(arg, h))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_dns_zone_queries(struct db *db, db_dns_zone_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT DISTINCT upper(type), owner, CASE WHEN upper(type) = 'PTR' THEN ip END"
		" FROM dns_records WHERE upper(type) IN ('A', 'AAAA')"
		" OR (upper(type) = 'PTR' AND ip IS NOT NULL) ORDER BY 1, 2");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipd_ip ip;
		struct db_dns_zone_query q = {
			.qtype = (const char *)sqlite3_column_text(st, 0),
			.owner = (const char *)sqlite3_column_text(st, 1),
		};
		if (db_col_ip(st, 2, &ip))
			q.ip = &ip;
		if (!q.qtype || !q.owner)
			continue;
		if (cb(arg, &q))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_dns_list(struct db *db, int64_t run_id, db_dns_row_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT id, coalesce(run_id, 0), coalesce(ttl, -1), at, qname, qtype, status,"
		" ip_text, name, server, ip, name_flags FROM dns_answers"
		" WHERE (?1 <= 0 OR run_id = ?1) ORDER BY id");
	sqlite3_bind_int64(st, 1, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_dns_row r = {
			.id = sqlite3_column_int64(st, 0), .run_id = sqlite3_column_int64(st, 1),
			.ttl = sqlite3_column_int64(st, 2), .at = sqlite3_column_int64(st, 3),
			.qname = (const char *)sqlite3_column_text(st, 4),
			.qtype = (const char *)sqlite3_column_text(st, 5),
			.status = (const char *)sqlite3_column_text(st, 6),
			.ip_text = (const char *)sqlite3_column_text(st, 7),
			.name = (const char *)sqlite3_column_text(st, 8),
			.server = (const char *)sqlite3_column_text(st, 9),
			.name_flags = sqlite3_column_int(st, 11),
		};
		r.has_ip = db_col_ip(st, 10, &r.ip);
		if (cb(arg, &r))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}
