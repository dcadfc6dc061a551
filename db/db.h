/*
 * The store. Opaque handle; callers never see SQLite types, so a PostgreSQL
 * backend can sit behind the same API later. Table groups have their own
 * headers: db_obs.h (observations, events, coverage), db_inv.h (imports),
 * db_dns.h (answers), db_find.h (findings, suppressions).
 */
#ifndef IPD_DB_H
#define IPD_DB_H
#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/status.h"

struct db;

enum db_open_flags {
	DB_CREATE = 1,     /* create the file if missing */
	DB_READONLY = 2,   /* audit/report side may open read-only */
};

/* Open and migrate to the current schema. On failure *out is NULL and the
 * reason has been logged. */
enum ipd_status db_open(const char *path, int flags, struct db **out);
void db_close(struct db *db);
const char *db_path(const struct db *db);
const char *db_errmsg(struct db *db);
int db_schema_version(struct db *db);
int db_schema_latest(void);

/* Transactions nest by counting: only the outermost begin/commit hit SQLite. */
enum ipd_status db_begin(struct db *db);
enum ipd_status db_commit(struct db *db);
void db_rollback(struct db *db);
/* PRAGMA integrity_check == "ok" */
bool db_integrity_ok(struct db *db);

/* --- runs --- */
struct db_run_stats {
	int64_t sent, received, retries, duration_ms;
	double loss;            /* 0..1, < 0 = unknown */
	const char *stats_json; /* may be NULL */
	const char *status;     /* "ok", "failed", "interrupted" */
};

/* Start a run row (status running); returns its id, or -1 on error. */
int64_t db_run_start(struct db *db, const char *kind, int64_t parent_id,
		     const char *iface, const char *sensor, const char *args);
enum ipd_status db_run_finish(struct db *db, int64_t run_id, const struct db_run_stats *st);

struct db_run_info {
	int64_t id, parent_id, started, finished;
	const char *kind, *status, *iface, *args, *stats; /* borrowed during callback */
	int64_t sent, received, retries, duration_ms;
	double loss;
};
typedef int (*db_run_cb)(void *arg, const struct db_run_info *r);
/* Newest first; limit <= 0 = all. kind may be NULL. Callback returns non-zero to stop. */
enum ipd_status db_runs_list(struct db *db, const char *kind, int limit, db_run_cb cb, void *arg);
/* Newest run of kind with status ok, or -1. */
int64_t db_run_latest(struct db *db, const char *kind);

/* --- subnet usage (for `ipdrift subnets`, reports and audit) --- */
struct db_subnet_usage {
	int64_t id;
	const char *cidr, *vrf, *description;
	int family, prefix_len, vlan;   /* vlan -1 = none */
	uint64_t size;                  /* saturated */
	int64_t allocated, leased, seen, used; /* used = |allocated ∪ leased ∪ seen| */
	double threshold;               /* percent; < 0 = default */
};
typedef int (*db_subnet_cb)(void *arg, const struct db_subnet_usage *u);
/* seen_since: count observations with last_seen >= this (0 = all). */
enum ipd_status db_subnets_usage(struct db *db, int64_t seen_since, db_subnet_cb cb, void *arg);

/* --- sources (for `ipdrift status`) --- */
struct db_source_info {
	const char *name, *kind, *format, *path, *digest;
	int64_t imported, rows, bad_rows;
};
typedef int (*db_source_cb)(void *arg, const struct db_source_info *s);
enum ipd_status db_sources_list(struct db *db, db_source_cb cb, void *arg);

/* Row counts of the main tables, for `ipdrift status`. */
struct db_counts {
	int64_t subnets, ranges, allocations, leases, dns_records, dns_answers,
		observations, events, findings, suppressions, runs;
};
enum ipd_status db_counts(struct db *db, struct db_counts *c);

#endif
