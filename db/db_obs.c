/* Observations, events and coverage: batched upserts with prepared statements. */
#include "db_int.h"
#include "db_obs.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"

/*
 * Rows are buffered and written MULTI at a time by one multi-row INSERT:
 * per row, a statement step costs about as much as the B-tree work itself
 * (VDBE setup, reset, one parse of the upsert per row), so 64 rows per step
 * roughly halves the cost of a large load. Buffered rows own copies of
 * their strings (an arena, reset per flush), so callers' buffers need not
 * outlive the put, and every value is bound SQLITE_STATIC (no second copy).
 * A transaction still commits every `batch` rows; the buffer is written
 * first, so "a crash loses at most the open batch" holds as before.
 */
#define MULTI 64
#define OBS_COLS 13
#define EV_COLS 12

struct orow {
	struct ipd_ip ip;
	struct ipd_mac mac;
	int vlan;
	size_t iface, sensor, method;   /* arena offsets */
	int64_t first, last, count, run_id;
};

struct erow {
	int64_t run_id, at;
	struct ipd_ip ip;
	struct ipd_mac mac, other;
	bool has_ip, has_mac, has_other;
	int vlan;
	size_t kind, iface, sensor, detail, raw; /* arena offsets; SIZE_MAX = NULL */
	size_t raw_len;
};

/* Text forms of one row's address and MACs, alive until its step ends. */
struct rowtext {
	char ip[IPD_IP_STRLEN];
	char mac[IPD_MAC_STRLEN], other[IPD_MAC_STRLEN];
};

struct db_writer {
	struct db *db;
	sqlite3_stmt *obs, *ev;           /* one row */
	sqlite3_stmt *obs_m, *ev_m;       /* MULTI rows */
	size_t batch, pending;
	struct orow orows[MULTI];
	struct erow erows[MULTI];
	size_t no, ne;
	char *arena;
	size_t alen, acap;
	struct rowtext txt[MULTI];
	enum ipd_status err;
};

#define NOSTR ((size_t)-1)

static const char obs_head[] =
	"INSERT INTO observations(ip, ip_text, family, mac, vlan, iface, sensor, method,"
	" first_seen, last_seen, count, first_run, last_run) VALUES ";
static const char obs_tail[] =
	" ON CONFLICT(ip, mac, vlan, iface, sensor, method) DO UPDATE SET"
	" first_seen = min(first_seen, excluded.first_seen),"
	" last_seen = max(last_seen, excluded.last_seen),"
	" count = count + excluded.count,"
	" first_run = coalesce(first_run, excluded.first_run),"
	" last_run = coalesce(excluded.last_run, last_run)";
static const char ev_head[] =
	"INSERT INTO events(run_id, at, kind, ip, ip_text, mac, other_mac, vlan,"
	" iface, sensor, detail, raw) VALUES ";

static sqlite3_stmt *prep_rows(struct db *db, const char *head, int cols, int rows,
			       const char *tail)
{
	struct { char *p; size_t n; } b;
	size_t need = strlen(head) + strlen(tail) + (size_t)rows * ((size_t)cols * 2 + 3) + 1;
	b.p = xmalloc(need);
	b.n = (size_t)sprintf(b.p, "%s", head);
	for (int r = 0; r < rows; r++) {
		b.p[b.n++] = r ? ',' : '(';
		if (r)
			b.p[b.n++] = '(';
		for (int c = 0; c < cols; c++) {
			if (c)
				b.p[b.n++] = ',';
			b.p[b.n++] = '?';
		}
		b.p[b.n++] = ')';
	}
	b.n += (size_t)sprintf(b.p + b.n, "%s", tail);
	sqlite3_stmt *st = db_prep(db, b.p);
	free(b.p);
	return st;
}

struct db_writer *db_writer_new(struct db *db, size_t batch)
{
	struct db_writer *w = xcalloc(1, sizeof *w);
	w->db = db;
	w->batch = batch ? batch : 10000;
	w->obs = prep_rows(db, obs_head, OBS_COLS, 1, obs_tail);
	w->obs_m = prep_rows(db, obs_head, OBS_COLS, MULTI, obs_tail);
	w->ev = prep_rows(db, ev_head, EV_COLS, 1, "");
	w->ev_m = prep_rows(db, ev_head, EV_COLS, MULTI, "");
	return w;
}

static size_t arena_put(struct db_writer *w, const void *s, size_t n, bool nul)
{
	if (w->alen + n + 1 > w->acap) {
		w->acap = (w->alen + n + 1) * 2 < 4096 ? 4096 : (w->alen + n + 1) * 2;
		w->arena = xrealloc(w->arena, w->acap);
	}
	size_t at = w->alen;
	if (n)
		memcpy(w->arena + at, s, n);
	w->alen += n;
	if (nul)
		w->arena[w->alen++] = '\0';
	return at;
}

static size_t arena_str(struct db_writer *w, const char *s)
{
	return s ? arena_put(w, s, strlen(s), true) : NOSTR;
}

/* Text forms without printf: this runs for every row of a large load. */
static const char hexd[] = "0123456789abcdef";

static const char *mac_text(const struct ipd_mac *m, char *buf)
{
	for (int i = 0; i < 6; i++) {
		buf[i * 3] = hexd[m->b[i] >> 4];
		buf[i * 3 + 1] = hexd[m->b[i] & 15];
		buf[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}

static const char *ip_text(const struct ipd_ip *ip, char *buf)
{
	if (!ipd_ip_is_v4(ip))
		return ipd_ip_fmt(ip, buf, IPD_IP_STRLEN);
	char *p = buf;
	for (int i = 12; i < 16; i++) {
		unsigned v = ip->b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 15 ? '.' : '\0';
	}
	return buf;
}

static const char *astr(const struct db_writer *w, size_t off)
{
	return off == NOSTR ? NULL : w->arena + off;
}

static void bind_str(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

static void bind_orow(struct db_writer *w, sqlite3_stmt *st, int base, const struct orow *r,
		      struct rowtext *t)
{
	sqlite3_bind_blob(st, base + 1, r->ip.b, 16, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 2, ip_text(&r->ip, t->ip), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, base + 3, ipd_ip_family(&r->ip));
	sqlite3_bind_text(st, base + 4, mac_text(&r->mac, t->mac), 17, SQLITE_STATIC);
	sqlite3_bind_int(st, base + 5, r->vlan);
	sqlite3_bind_text(st, base + 6, astr(w, r->iface), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 7, astr(w, r->sensor), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 8, astr(w, r->method), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 9, r->first);
	sqlite3_bind_int64(st, base + 10, r->last);
	sqlite3_bind_int64(st, base + 11, r->count);
	if (r->run_id > 0) {
		sqlite3_bind_int64(st, base + 12, r->run_id);
		sqlite3_bind_int64(st, base + 13, r->run_id);
	} else {
		sqlite3_bind_null(st, base + 12);
		sqlite3_bind_null(st, base + 13);
	}
}

static void bind_erow(struct db_writer *w, sqlite3_stmt *st, int base, const struct erow *r,
		      struct rowtext *t)
{
	if (r->run_id > 0)
		sqlite3_bind_int64(st, base + 1, r->run_id);
	else
		sqlite3_bind_null(st, base + 1);
	sqlite3_bind_int64(st, base + 2, r->at);
	bind_str(st, base + 3, astr(w, r->kind));
	if (r->has_ip) {
		sqlite3_bind_blob(st, base + 4, r->ip.b, 16, SQLITE_STATIC);
		sqlite3_bind_text(st, base + 5, ip_text(&r->ip, t->ip), -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, base + 4);
		sqlite3_bind_null(st, base + 5);
	}
	if (r->has_mac)
		sqlite3_bind_text(st, base + 6, mac_text(&r->mac, t->mac), 17, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 6);
	if (r->has_other)
		sqlite3_bind_text(st, base + 7, mac_text(&r->other, t->other), 17, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 7);
	sqlite3_bind_int(st, base + 8, r->vlan);
	bind_str(st, base + 9, astr(w, r->iface));
	bind_str(st, base + 10, astr(w, r->sensor));
	bind_str(st, base + 11, astr(w, r->detail));
	if (r->raw != NOSTR)
		sqlite3_bind_blob(st, base + 12, w->arena + r->raw, (int)r->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 12);
}

static enum ipd_status step(struct db_writer *w, sqlite3_stmt *st)
{
	/* No clear_bindings: every parameter is bound again before each step,
	 * so the STATIC pointers left behind are never read. */
	enum ipd_status rc = db_step_done(w->db, st);
	if (rc != IPD_OK)
		w->err = rc;
	return rc;
}

/* Write every buffered row (observations first; the tables are independent). */
static enum ipd_status write_rows(struct db_writer *w)
{
	size_t i = 0;
	for (; w->err == IPD_OK && w->no - i >= MULTI; i += MULTI) {
		for (int k = 0; k < MULTI; k++)
			bind_orow(w, w->obs_m, k * OBS_COLS, &w->orows[i + (size_t)k], &w->txt[k]);
		step(w, w->obs_m);
	}
	for (; w->err == IPD_OK && i < w->no; i++) {
		bind_orow(w, w->obs, 0, &w->orows[i], &w->txt[0]);
		step(w, w->obs);
	}
	w->no = 0;
	i = 0;
	for (; w->err == IPD_OK && w->ne - i >= MULTI; i += MULTI) {
		for (int k = 0; k < MULTI; k++)
			bind_erow(w, w->ev_m, k * EV_COLS, &w->erows[i + (size_t)k], &w->txt[k]);
		step(w, w->ev_m);
	}
	for (; w->err == IPD_OK && i < w->ne; i++) {
		bind_erow(w, w->ev, 0, &w->erows[i], &w->txt[0]);
		step(w, w->ev);
	}
	w->ne = 0;
	w->alen = 0;
	return w->err;
}

/* Before buffering one more row: open the transaction, write a full buffer. */
static enum ipd_status before_put(struct db_writer *w, bool obs)
{
	if (w->err)
		return w->err;
	if (w->pending == 0 && db_begin(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	if ((obs ? w->no : w->ne) == MULTI)
		write_rows(w);
	return w->err;
}

/* After buffering: commit every `batch` rows. */
static enum ipd_status after_put(struct db_writer *w)
{
	if (++w->pending >= w->batch)
		return db_writer_flush(w);
	return IPD_OK;
}

enum ipd_status db_writer_flush(struct db_writer *w)
{
	if (w->pending == 0)
		return w->err;
	w->pending = 0;
	if (write_rows(w) != IPD_OK)
		return w->err;
	if (db_commit(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

enum ipd_status db_obs_put(struct db_writer *w, const struct db_obs *o)
{
	if (before_put(w, true) != IPD_OK)
		return w->err;
	struct orow *r = &w->orows[w->no++];
	r->ip = o->ip;
	r->mac = o->mac;
	r->vlan = o->vlan;
	r->iface = arena_str(w, o->iface ? o->iface : "");
	r->sensor = arena_str(w, o->sensor ? o->sensor : "");
	r->method = arena_str(w, o->method);
	r->first = o->first_seen;
	r->last = o->last_seen;
	r->count = o->count > 0 ? o->count : 1;
	r->run_id = o->run_id;
	return after_put(w);
}

enum ipd_status db_event_put(struct db_writer *w, const struct db_event *e)
{
	if (before_put(w, false) != IPD_OK)
		return w->err;
	struct erow *r = &w->erows[w->ne++];
	r->run_id = e->run_id;
	r->at = e->at ? e->at : (int64_t)time(NULL);
	r->kind = arena_str(w, e->kind);
	if ((r->has_ip = e->ip != NULL))
		r->ip = *e->ip;
	if ((r->has_mac = e->mac != NULL))
		r->mac = *e->mac;
	if ((r->has_other = e->other_mac != NULL))
		r->other = *e->other_mac;
	r->vlan = e->vlan;
	r->iface = arena_str(w, e->iface);
	r->sensor = arena_str(w, e->sensor);
	r->detail = arena_str(w, e->detail_json);
	r->raw = e->raw ? arena_put(w, e->raw, e->raw_len, false) : NOSTR;
	r->raw_len = e->raw_len;
	return after_put(w);
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
	sqlite3_finalize(w->obs_m);
	sqlite3_finalize(w->ev);
	sqlite3_finalize(w->ev_m);
	free(w->arena);
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
