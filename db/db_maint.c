/* Retention, crash recovery of run rows, per-run finding tally (db_maint.h). */
#include "db_maint.h"

#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "db_int.h"

static enum ipd_status del(struct db *db, const char *sql, int64_t before, int64_t *count)
{
	sqlite3_stmt *st = db_prep(db, sql);
	sqlite3_bind_int64(st, 1, before);
	enum ipd_status rc = db_step_done(db, st);
	sqlite3_finalize(st);
	if (rc == IPD_OK)
		*count = sqlite3_changes(db->h);
	return rc;
}

enum ipd_status db_prune(struct db *db, int64_t before, bool dry_run, struct db_prune_counts *c)
{
	memset(c, 0, sizeof *c);
	enum ipd_status rc = db_begin(db);
	if (rc != IPD_OK)
		return rc;
	/* Runs first: their ON DELETE CASCADE takes answers, events and coverage
	 * that belonged to them; those are then not counted twice below. The
	 * kept set is computed before the DELETE touches the table. */
	rc = del(db,
		 "DELETE FROM runs WHERE started < ?1 AND status <> 'running'"
		 " AND id NOT IN (SELECT id FROM runs WHERE id IN"
		 "   (SELECT run_id FROM findings UNION SELECT first_run FROM findings"
		 "    WHERE first_run IS NOT NULL)"
		 "  UNION SELECT parent_id FROM runs WHERE parent_id IS NOT NULL AND id IN"
		 "   (SELECT run_id FROM findings UNION SELECT first_run FROM findings"
		 "    WHERE first_run IS NOT NULL))",
		 before, &c->runs);
	if (rc == IPD_OK)
		rc = del(db, "DELETE FROM observations WHERE last_seen < ?1", before, &c->observations);
	if (rc == IPD_OK)
		rc = del(db, "DELETE FROM dns_answers WHERE at < ?1", before, &c->dns_answers);
	if (rc == IPD_OK)
		rc = del(db, "DELETE FROM events WHERE at < ?1", before, &c->events);
	if (rc == IPD_OK)
		rc = del(db, "DELETE FROM coverage WHERE at < ?1", before, &c->coverage);
	if (rc != IPD_OK || dry_run) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum ipd_status db_vacuum(struct db *db)
{
	enum ipd_status rc = db_exec(db, "VACUUM");
	if (rc == IPD_OK)
		rc = db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	return rc;
}

#define STAGE_KINDS "('import','sweep','listen','resolve','audit','report','fix','suppress')"

int64_t db_runs_adopt(struct db *db, int64_t parent)
{
	sqlite3_stmt *st = db_prep(db,
		"UPDATE runs SET parent_id = ?1 WHERE id > ?1 AND parent_id IS NULL"
		" AND kind IN " STAGE_KINDS);
	sqlite3_bind_int64(st, 1, parent);
	int64_t n = -1;
	if (db_step_done(db, st) == IPD_OK)
		n = sqlite3_changes(db->h);
	sqlite3_finalize(st);
	return n;
}

int64_t db_runs_mark_interrupted(struct db *db)
{
	/* Stage rows that the watchdog's SIGTERM stopped (they record themselves
	 * 'interrupted') go to the newest killed run before them. Rows still
	 * 'running' without a parent are left alone: they may be a standalone
	 * `ipdrift listen` that is very much alive. */
	if (db_exec(db,
		"UPDATE runs SET parent_id = (SELECT max(p.id) FROM runs p WHERE p.kind = 'run'"
		"  AND p.status = 'running' AND p.id < runs.id)"
		" WHERE parent_id IS NULL AND status = 'interrupted' AND kind IN " STAGE_KINDS
		" AND EXISTS (SELECT 1 FROM runs p WHERE p.kind = 'run' AND p.status = 'running'"
		"  AND p.id < runs.id)") != IPD_OK)
		return -1;
	sqlite3_stmt *st = db_prep(db,
		"UPDATE runs SET status = 'interrupted', finished = coalesce(finished, ?1)"
		" WHERE status = 'running' AND (kind = 'run' OR parent_id IN"
		"  (SELECT id FROM runs WHERE kind = 'run'))");
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	int64_t n = -1;
	if (db_step_done(db, st) == IPD_OK)
		n = sqlite3_changes(db->h);
	sqlite3_finalize(st);
	return n;
}

static const char *const sevs[] = { "critical", "high", "medium", "low", "info" };

enum ipd_status db_run_findings(struct db *db, int64_t parent, struct db_run_findings *f)
{
	memset(f, 0, sizeof *f);
	/* The newest audit under this parent: one audit per run, but be exact. */
	sqlite3_stmt *st = db_prep(db,
		"SELECT state, severity, suppressed, count(*) FROM findings WHERE run_id ="
		" (SELECT max(id) FROM runs WHERE parent_id = ?1 AND kind = 'audit')"
		" GROUP BY state, severity, suppressed");
	sqlite3_bind_int64(st, 1, parent);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 0);
		const char *sev = (const char *)sqlite3_column_text(st, 1);
		bool supp = sqlite3_column_int(st, 2) != 0;
		int64_t n = sqlite3_column_int64(st, 3);
		if (!state || !sev)
			continue;
		if (supp) {
			f->suppressed += n;
			continue;
		}
		if (strcmp(state, "new") == 0)
			f->new_ += n;
		else if (strcmp(state, "ongoing") == 0)
			f->ongoing += n;
		else if (strcmp(state, "resolved") == 0)
			f->resolved += n;
		if (strcmp(state, "resolved") != 0)
			for (int i = 0; i < 5; i++)
				if (strcmp(sev, sevs[i]) == 0)
					f->by_sev[i] += n;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db->h));
		return IPD_EDB;
	}
	return IPD_OK;
}

int64_t db_run_child_latest(struct db *db, int64_t parent, const char *kind)
{
	sqlite3_stmt *st = db_prep(db, "SELECT max(id) FROM runs WHERE parent_id = ?1 AND kind = ?2");
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

enum ipd_status db_run_children(struct db *db, int64_t parent, db_child_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT id, kind, status FROM runs WHERE parent_id = ?1"
				       " ORDER BY id");
	sqlite3_bind_int64(st, 1, parent);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2)))
			break;
	}
	enum ipd_status rc = (r == SQLITE_DONE || r == SQLITE_ROW) ? IPD_OK : IPD_EDB;
	sqlite3_finalize(st);
	return rc;
}
