/* dns_answers writer and the resolve query lists. */
#include "db_int.h"
#include "db_dns.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/xmem.h"

struct qrow {
	struct qrow *next;
	struct db_dns_answer a;
	struct ipd_ip ip;
	char strs[];          /* qname, qtype, status, name, server, NUL-separated */
};

struct db_dns_writer {
	struct db *db;
	sqlite3_stmt *ins;
	size_t batch, pending;
	enum ipd_status err;
	/* background mode (db_dns_writer_new_async) */
	bool async, closing;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv_rows, cv_space;
	struct qrow *head, *tail;
	size_t queued, max_queued;
};

static struct db_dns_writer *writer_new(struct db *db, size_t batch)
{
	struct db_dns_writer *w = xcalloc(1, sizeof *w);
	w->db = db;
	w->batch = batch ? batch : 10000;
	w->ins = db_prep(db, "INSERT INTO dns_answers(run_id, qname, qtype, status, ip, ip_text,"
			     " name, name_flags, ttl, server, at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	return w;
}

struct db_dns_writer *db_dns_writer_new(struct db *db, size_t batch)
{
	return writer_new(db, batch);
}

static enum ipd_status flush_sync(struct db_dns_writer *w)
{
	if (w->pending == 0)
		return IPD_OK;
	w->pending = 0;
	if (db_commit(w->db) != IPD_OK)
		return w->err = IPD_EDB;
	return IPD_OK;
}

static enum ipd_status put_sync(struct db_dns_writer *w, const struct db_dns_answer *a)
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
		return flush_sync(w);
	return IPD_OK;
}

/* The background writer: drains the queue, commits every `batch` rows and
 * when rows stop coming, so the resolver's event loop never waits for the
 * disk. */
static void *writer_main(void *arg)
{
	struct db_dns_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->closing) {
			/* commit what is pending once rows stop coming for 200 ms */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 200 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&w->cv_rows, &w->mu, &ts) != 0 && !w->head &&
			    w->pending) {
				pthread_mutex_unlock(&w->mu);
				flush_sync(w);
				pthread_mutex_lock(&w->mu);
			}
		}
		struct qrow *list = w->head;
		w->head = w->tail = NULL;
		w->queued = 0;
		bool closing = w->closing;
		pthread_cond_broadcast(&w->cv_space);
		pthread_mutex_unlock(&w->mu);
		while (list) {
			struct qrow *r = list;
			list = r->next;
			if (!w->err)
				put_sync(w, &r->a); /* commits every `batch` rows */
			free(r);
		}
		pthread_mutex_lock(&w->mu);
		if (closing && !w->head)
			break;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct db_dns_writer *db_dns_writer_new_async(struct db *db, size_t batch)
{
	struct db_dns_writer *w = writer_new(db, batch);
	if (!sqlite3_threadsafe())
		return w; /* a single-threaded SQLite build: write inline */
	w->max_queued = 1u << 18;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv_rows, NULL);
	pthread_cond_init(&w->cv_space, NULL);
	if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv_rows);
		pthread_cond_destroy(&w->cv_space);
		return w;
	}
	w->async = true;
	return w;
}

static size_t slen(const char *s) { return s ? strlen(s) + 1 : 0; }

static const char *scopy(char **p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	memcpy(*p, s, n);
	const char *r = *p;
	*p += n;
	return r;
}

enum ipd_status db_dns_put(struct db_dns_writer *w, const struct db_dns_answer *a)
{
	if (!w->async)
		return put_sync(w, a);
	struct qrow *r = xmalloc(sizeof *r + slen(a->qname) + slen(a->qtype) + slen(a->status) +
				 slen(a->name) + slen(a->server));
	char *p = r->strs;
	r->next = NULL;
	r->a = *a;
	r->a.qname = scopy(&p, a->qname);
	r->a.qtype = scopy(&p, a->qtype);
	r->a.status = scopy(&p, a->status);
	r->a.name = scopy(&p, a->name);
	r->a.server = scopy(&p, a->server);
	if (!r->a.at)
		r->a.at = (int64_t)time(NULL);
	if (a->ip) {
		r->ip = *a->ip;
		r->a.ip = &r->ip;
	}
	pthread_mutex_lock(&w->mu);
	while (w->queued >= w->max_queued && !w->err)
		pthread_cond_wait(&w->cv_space, &w->mu); /* back-pressure, bounded memory */
	enum ipd_status err = w->err;
	if (err) {
		pthread_mutex_unlock(&w->mu);
		free(r);
		return err;
	}
	if (w->tail)
		w->tail->next = r;
	else
		w->head = r;
	w->tail = r;
	w->queued++;
	pthread_cond_signal(&w->cv_rows);
	pthread_mutex_unlock(&w->mu);
	return IPD_OK;
}

static void stop_thread(struct db_dns_writer *w)
{
	if (!w->async)
		return;
	pthread_mutex_lock(&w->mu);
	w->closing = true;
	pthread_cond_signal(&w->cv_rows);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv_rows);
	pthread_cond_destroy(&w->cv_space);
	w->async = false;
}

enum ipd_status db_dns_writer_flush(struct db_dns_writer *w)
{
	if (w->async)
		return w->err; /* the thread commits whenever its queue runs dry */
	return flush_sync(w);
}

enum ipd_status db_dns_writer_close(struct db_dns_writer *w)
{
	if (!w)
		return IPD_OK;
	stop_thread(w);
	enum ipd_status rc = flush_sync(w);
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
		 " UNION ALL SELECT hostname FROM leases WHERE active = 1)"
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
