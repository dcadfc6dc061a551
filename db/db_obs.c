/* Observations, events and coverage: batched upserts with prepared statements. */
#include "db_int.h"
#include "db_obs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"

struct db_writer {
	struct db *db;
	sqlite3_stmt *obs, *ev;
	size_t batch, pending;
	enum ipd_status err;
};

struct db_writer *db_writer_new(struct db *db, size_t batch)
{
	struct db_writer *w = xcalloc(1, sizeof *w);
	w->db = db;
	w->batch = batch ? batch : 10000;
	w->obs = db_prep(db,
		"INSERT INTO observations(ip, ip_text, family, mac, vlan, iface, sensor, method,"
		" first_seen, last_seen, count, first_run, last_run) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(ip, mac, vlan, iface, sensor, method) DO UPDATE SET"
		" first_seen = min(first_seen, excluded.first_seen),"
		" last_seen = max(last_seen, excluded.last_seen),"
		" count = count + excluded.count,"
		" first_run = coalesce(first_run, excluded.first_run),"
		" last_run = coalesce(excluded.last_run, last_run)");
	w->ev = db_prep(db, "INSERT INTO events(run_id, at, kind, ip, ip_text, mac, other_mac, vlan,"
			    " iface, sensor, detail, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
	return w;
}

static enum ipd_status maybe_commit(struct db_writer *w)
{
	if (w->pending == 0 && db_begin(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	if (++w->pending >= w->batch)
		return db_writer_flush(w);
	return IPD_OK;
}

enum ipd_status db_writer_flush(struct db_writer *w)
{
	if (w->pending == 0)
		return IPD_OK;
	w->pending = 0;
	if (db_commit(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

enum ipd_status db_obs_put(struct db_writer *w, const struct db_obs *o)
{
	if (w->err)
		return w->err;
	if (maybe_commit(w) != IPD_OK)
		return w->err;
	sqlite3_stmt *st = w->obs;
	db_bind_ip(st, 1, &o->ip);
	db_bind_ip_text(st, 2, &o->ip);
	sqlite3_bind_int(st, 3, ipd_ip_family(&o->ip));
	db_bind_mac(st, 4, &o->mac);
	sqlite3_bind_int(st, 5, o->vlan);
	sqlite3_bind_text(st, 6, o->iface ? o->iface : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, o->sensor ? o->sensor : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, o->method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, o->first_seen);
	sqlite3_bind_int64(st, 10, o->last_seen);
	sqlite3_bind_int64(st, 11, o->count > 0 ? o->count : 1);
	if (o->run_id > 0) {
		sqlite3_bind_int64(st, 12, o->run_id);
		sqlite3_bind_int64(st, 13, o->run_id);
	} else {
		sqlite3_bind_null(st, 12);
		sqlite3_bind_null(st, 13);
	}
	if (db_step_done(w->db, st) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

enum ipd_status db_event_put(struct db_writer *w, const struct db_event *e)
{
	if (w->err)
		return w->err;
	if (maybe_commit(w) != IPD_OK)
		return w->err;
	sqlite3_stmt *st = w->ev;
	sqlite3_clear_bindings(st);
	if (e->run_id > 0)
		sqlite3_bind_int64(st, 1, e->run_id);
	sqlite3_bind_int64(st, 2, e->at ? e->at : (int64_t)time(NULL));
	sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_STATIC);
	if (e->ip) {
		db_bind_ip(st, 4, e->ip);
		db_bind_ip_text(st, 5, e->ip);
	}
	if (e->mac)
		db_bind_mac(st, 6, e->mac);
	if (e->other_mac)
		db_bind_mac(st, 7, e->other_mac);
	sqlite3_bind_int(st, 8, e->vlan);
	db_bind_text_or_null(st, 9, e->iface);
	db_bind_text_or_null(st, 10, e->sensor);
	db_bind_text_or_null(st, 11, e->detail_json);
	if (e->raw)
		sqlite3_bind_blob(st, 12, e->raw, (int)e->raw_len, SQLITE_TRANSIENT);
	if (db_step_done(w->db, st) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

enum ipd_status db_writer_close(struct db_writer *w)
{
	if (!w)
		return IPD_OK;
	enum ipd_status rc = db_writer_flush(w);
	if (w->err)
		rc = w->err;
	if (rc != IPD_OK)
		db_rollback(w->db);
	sqlite3_finalize(w->obs);
	sqlite3_finalize(w->ev);
	free(w);
	return rc;
}

enum ipd_status db_coverage_add(struct db *db, int64_t run_id, const struct ipd_ip *lo,
				const struct ipd_ip *hi, int vlan, const char *iface, bool active)
{
	sqlite3_stmt *st = db_prep(db, "INSERT INTO coverage(run_id, lo, hi, vlan, iface, active, at)"
				       " VALUES (?,?,?,?,?,?,?)");
	sqlite3_bind_int64(st, 1, run_id);
	db_bind_ip(st, 2, lo);
	db_bind_ip(st, 3, hi);
	sqlite3_bind_int(st, 4, vlan);
	sqlite3_bind_text(st, 5, iface ? iface : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, active);
	sqlite3_bind_int64(st, 7, (int64_t)time(NULL));
	enum ipd_status rc = db_step_done(db, st);
	sqlite3_finalize(st);
	return rc;
}

enum ipd_status db_obs_list(struct db *db, const char *method, int64_t run_id, db_obs_cb cb,
			    void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT ip, ip_text, mac, vlan, iface, sensor, method, first_seen, last_seen, count,"
		" coalesce(first_run, 0), coalesce(last_run, 0) FROM observations"
		" WHERE (?1 IS NULL OR method = ?1) AND (?2 <= 0 OR last_run = ?2)"
		" ORDER BY ip, mac, vlan, method");
	db_bind_text_or_null(st, 1, method);
	sqlite3_bind_int64(st, 2, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_obs_row r;
		memset(&r, 0, sizeof r);
		db_col_ip(st, 0, &r.ip);
		snprintf(r.ip_text, sizeof r.ip_text, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(r.mac, sizeof r.mac, "%s", (const char *)sqlite3_column_text(st, 2));
		r.vlan = sqlite3_column_int(st, 3);
		r.iface = (const char *)sqlite3_column_text(st, 4);
		r.sensor = (const char *)sqlite3_column_text(st, 5);
		r.method = (const char *)sqlite3_column_text(st, 6);
		r.first_seen = sqlite3_column_int64(st, 7);
		r.last_seen = sqlite3_column_int64(st, 8);
		r.count = sqlite3_column_int64(st, 9);
		r.first_run = sqlite3_column_int64(st, 10);
		r.last_run = sqlite3_column_int64(st, 11);
		if (cb(arg, &r))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_events_list(struct db *db, int64_t run_id, db_event_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db,
		"SELECT id, coalesce(run_id, 0), at, kind, ip_text, mac, other_mac, iface, detail,"
		" vlan, raw FROM events WHERE (?1 <= 0 OR run_id = ?1) ORDER BY id");
	sqlite3_bind_int64(st, 1, run_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_event_row r = {
			.id = sqlite3_column_int64(st, 0), .run_id = sqlite3_column_int64(st, 1),
			.at = sqlite3_column_int64(st, 2),
			.kind = (const char *)sqlite3_column_text(st, 3),
			.ip_text = (const char *)sqlite3_column_text(st, 4),
			.mac = (const char *)sqlite3_column_text(st, 5),
			.other_mac = (const char *)sqlite3_column_text(st, 6),
			.iface = (const char *)sqlite3_column_text(st, 7),
			.detail = (const char *)sqlite3_column_text(st, 8),
			.vlan = sqlite3_column_int(st, 9),
			.raw = sqlite3_column_blob(st, 10),
			.raw_len = (size_t)sqlite3_column_bytes(st, 10),
		};
		if (cb(arg, &r))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}
