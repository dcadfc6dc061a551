/*
 * Store maintenance for scheduled runs: retention (prune), crash recovery of
 * run rows, and the per-run finding tally printed by `ipdrift run`.
 */
#ifndef IPD_DB_MAINT_H
#define IPD_DB_MAINT_H
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct db_prune_counts {
	int64_t observations, dns_answers, events, coverage, runs;
};

/*
 * Delete what is older than `before` (Unix seconds): observations by
 * last_seen, DNS answers and events by their time, coverage rows, and finished
 * runs started before it -- except runs that findings refer to (run_id or
 * first_run) and their parents, so findings history stays whole. One
 * transaction; with dry_run it is rolled back and only the counts are kept.
 */
enum ipd_status db_prune(struct db *db, int64_t before, bool dry_run, struct db_prune_counts *c);
/* VACUUM, then truncate the WAL. Must be outside a transaction. */
enum ipd_status db_vacuum(struct db *db);

/*
 * After a crash or SIGKILL, run rows stay 'running'. The caller holds the run
 * lock, so no run is alive: mark 'running' rows of kind "run" and their
 * children 'interrupted' -- first adopting the unlinked stage rows that
 * recorded themselves 'interrupted' after the killed run started. Returns how many rows changed, or -1.
 */
int64_t db_runs_mark_interrupted(struct db *db);

/*
 * Link the run rows that the stages of `parent` wrote without a parent (a
 * stage may ignore struct app.parent_run): rows newer than the parent, of a
 * stage kind, with no parent. The caller holds the run lock, so only a
 * standalone command started by hand at the same time could be adopted by
 * mistake. Returns the number adopted, or -1.
 */
int64_t db_runs_adopt(struct db *db, int64_t parent);

/* Findings of the audits that ran under parent run `parent`, by state. */
struct db_run_findings {
	int64_t new_, ongoing, resolved, suppressed;
	int64_t by_sev[5]; /* critical high medium low info, new + ongoing, not suppressed */
};
enum ipd_status db_run_findings(struct db *db, int64_t parent, struct db_run_findings *f);

/* Newest child run of `parent` of this kind, or -1. */
int64_t db_run_child_latest(struct db *db, int64_t parent, const char *kind);

/* Children of a run, oldest first (kind, status) -- for the summary. */
typedef int (*db_child_cb)(void *arg, int64_t id, const char *kind, const char *status);
enum ipd_status db_run_children(struct db *db, int64_t parent, db_child_cb cb, void *arg);

#endif
