/*
 * The audit side of the store: address-ordered cursors over the three views
 * (wire, record, DNS) for the sorted-merge join, small in-memory loads
 * (subnets, ranges, coverage, allowlist), the findings writer with the
 * new/ongoing/resolved lifecycle, and suppressions.
 *
 * Cursors group rows by address: db_aud_take() returns every row of the
 * cursor's current address at once. Row strings are owned by the cursor and
 * stay valid until the next take on that cursor.
 */
#ifndef IPD_DB_FIND_H
#define IPD_DB_FIND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* --- rows of the address-ordered cursors --- */
struct db_aud_obs {
	struct ipd_ip ip;
	char mac[IPD_MAC_STRLEN];
	int vlan;
	const char *iface, *sensor, *method;
	int64_t first_seen, last_seen, count, last_run;
};

struct db_aud_alloc {
	struct ipd_ip ip;
	int64_t id, line;
	const char *source, *vrf, *mac, *hostname, *status, *role, *description; /* may be NULL */
	unsigned hostname_flags;
};

struct db_aud_lease {
	struct ipd_ip ip;
	int64_t line, starts, ends;
	const char *source, *mac, *hostname, *state, *kind; /* may be NULL */
	bool active;
};

/* dns_answers rows: PTR (ip = the address asked about, also for failed
 * lookups), A/AAAA (ip = the answer; NULL for failures and negatives). The
 * address cursor returns PTR rows only; the join reads every row once with
 * db_aud_all_answers instead. */
struct db_aud_answer {
	struct ipd_ip ip;
	int64_t run_id, ttl, at;
	const char *qname, *qtype, *status, *name, *server; /* name/server may be NULL */
	unsigned name_flags;
};

/* dns_records (zone files) with an address: A/AAAA (ip = rdata) and PTR
 * (ip = the address the owner names). */
struct db_aud_record {
	struct ipd_ip ip;
	int64_t ttl, line;
	const char *source, *zone, *owner, *type, *rdata, *target;
};

struct db_aud_event {
	struct ipd_ip ip;
	int64_t run_id, at;
	int vlan;
	const char *kind, *mac, *other_mac, *iface, *sensor, *detail; /* may be NULL */
};

enum db_aud_src {
	DB_AUD_OBS, DB_AUD_ALLOC, DB_AUD_LEASE, DB_AUD_ANSWER, DB_AUD_RECORD, DB_AUD_EVENT,
	DB_AUD_NSRC
};

struct db_aud_cursor;
/* Open a cursor ordered by address. since: events only from this time on
 * (other sources ignore it). */
struct db_aud_cursor *db_aud_open(struct db *db, enum db_aud_src src, int64_t since);
/* The same restricted to lo <= ip < hi (NULL = unbounded); lo/hi must stay
 * valid while the cursor is open. */
struct db_aud_cursor *db_aud_open_range(struct db *db, enum db_aud_src src, int64_t since,
					const struct ipd_ip *lo, const struct ipd_ip *hi);
/* An address splitting the observed (else allocated) addresses in two halves,
 * for a parallel join; false when the store has neither. */
bool db_aud_split_point(struct db *db, struct ipd_ip *out);
/* Address of the next group; false at the end (or on error: db_aud_failed). */
bool db_aud_peek(struct db_aud_cursor *c, struct ipd_ip *ip);
/* All rows of the next group (whose address is *ip as given by peek); *rows
 * points at an array of the source's row type. Returns the count. */
size_t db_aud_take(struct db_aud_cursor *c, const void **rows);
bool db_aud_failed(const struct db_aud_cursor *c);
void db_aud_close(struct db_aud_cursor *c);

/* --- whole-table loads (small tables) --- */
struct db_aud_subnet {
	int64_t id, line;
	struct ipd_ip lo, hi;
	int prefix_len, family, vlan;  /* vlan -1 = none */
	double threshold;              /* percent, < 0 = default */
	const char *cidr, *vrf, *status, *role, *source, *description; /* borrowed */
	bool is_pool;
};
typedef int (*db_aud_subnet_cb)(void *arg, const struct db_aud_subnet *s);
enum ipd_status db_aud_subnets(struct db *db, db_aud_subnet_cb cb, void *arg);

struct db_aud_range {
	struct ipd_ip lo, hi;
	int64_t line;
	const char *kind, *lo_text, *hi_text, *source, *status, *description; /* borrowed */
};
typedef int (*db_aud_range_cb)(void *arg, const struct db_aud_range *r);
enum ipd_status db_aud_ranges(struct db *db, db_aud_range_cb cb, void *arg);

struct db_aud_coverage {
	int64_t run_id, at;
	struct ipd_ip lo, hi;
	int vlan;
	bool active;
	const char *iface; /* borrowed */
};
typedef int (*db_aud_coverage_cb)(void *arg, const struct db_aud_coverage *c);
/* Coverage rows recorded at or after since. */
enum ipd_status db_aud_coverage(struct db *db, int64_t since, db_aud_coverage_cb cb, void *arg);

struct db_aud_allow {
	struct ipd_ip ip;
	bool has_ip;
	int64_t line;
	const char *kind, *ip_text, *mac, *source, *description; /* borrowed */
};
typedef int (*db_aud_allow_cb)(void *arg, const struct db_aud_allow *a);
enum ipd_status db_aud_allowlist(struct db *db, db_aud_allow_cb cb, void *arg);

typedef int (*db_aud_answer_cb)(void *arg, const struct db_aud_answer *a, bool has_ip);
/* Every answer row (PTR, A, AAAA, ...), in table order. */
enum ipd_status db_aud_all_answers(struct db *db, db_aud_answer_cb cb, void *arg);

/* MACs recorded for allocations and active leases (lower-case text). */
typedef int (*db_aud_mac_cb)(void *arg, const char *mac);
enum ipd_status db_aud_record_macs(struct db *db, db_aud_mac_cb cb, void *arg);

/* Rows in leases (0 = no lease source imported). */
int64_t db_aud_lease_count(struct db *db);

/* --- findings --- */
struct db_finding {
	const char *fingerprint, *rule, *severity, *subject_kind, *subject;
	const char *summary, *evidence, *fix;  /* evidence/fix JSON; fix may be NULL */
	bool suppressed;
	const char *suppress_reason;           /* may be NULL */
};

struct db_find_writer;
/* Start writing findings of audit run `run_id`; prev_run is the previous audit
 * run (<= 0 = none): its fingerprints decide new vs ongoing, and those that
 * vanish are written as resolved. Everything happens in one transaction. */
struct db_find_writer *db_find_begin(struct db *db, int64_t run_id, int64_t prev_run);
/* Returns IPD_OK, or IPD_EINVAL for a duplicate fingerprint (ignored). */
enum ipd_status db_find_put(struct db_find_writer *w, const struct db_finding *f);
/* Write resolved rows, commit, free; *out (may be NULL) gets the counts of
 * what was written (the same as db_find_counts on the run). */
struct db_find_counts;
enum ipd_status db_find_end(struct db_find_writer *w, struct db_find_counts *out);
void db_find_abort(struct db_find_writer *w);

/* Counts for the summary; sev index: 0 info .. 4 critical. */
struct db_find_counts {
	int64_t by_sev[5];          /* unsuppressed, new or ongoing */
	int64_t new_by_sev[5];      /* unsuppressed, new */
	int64_t fresh, ongoing, resolved, suppressed;
};
enum ipd_status db_find_counts(struct db *db, int64_t run_id, struct db_find_counts *c);

struct db_find_row {
	int64_t id, run_id, first_run;
	const char *fingerprint, *rule, *severity, *subject_kind, *subject, *state;
	const char *summary, *evidence, *fix, *suppress_reason; /* borrowed */
	bool suppressed;
};
typedef int (*db_find_cb)(void *arg, const struct db_find_row *r);
/* Findings of one run (run_id <= 0: the latest audit run), ordered by rule, subject. */
enum ipd_status db_find_list(struct db *db, int64_t run_id, db_find_cb cb, void *arg);

/* --- suppressions --- */
struct db_suppression {
	int64_t id, until, created;   /* until 0 = forever */
	const char *rule, *subject, *reason, *origin;
};
typedef int (*db_supp_cb)(void *arg, const struct db_suppression *s);
/* Insert or replace (rule, subject). */
enum ipd_status db_supp_add(struct db *db, const char *rule, const char *subject,
			    const char *reason, int64_t until, const char *origin);
/* IPD_ENOTFOUND when there was none. */
enum ipd_status db_supp_remove(struct db *db, const char *rule, const char *subject);
enum ipd_status db_supp_list(struct db *db, db_supp_cb cb, void *arg);

#endif
