/*
 * The DNS view in the store: live answers (dns_answers) written in batches,
 * and the lists of what to ask (addresses for PTR, names for A/AAAA, zone
 * records to verify).
 *
 * One row per answer RR (several PTRs = several rows); a failed or negative
 * lookup is one row with that status and no answer.
 */
#ifndef IPD_DB_DNS_H
#define IPD_DB_DNS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct db_dns_answer {
	int64_t run_id;          /* <= 0 = none */
	const char *qname;       /* as sent */
	const char *qtype;       /* "PTR" "A" "AAAA" */
	const char *status;      /* ok nxdomain nodata servfail refused timeout error */
	const struct ipd_ip *ip; /* PTR: the address asked about; A/AAAA: the answer; may be NULL */
	const char *name;        /* PTR: the target (raw); A/AAAA: the owner asked about */
	int name_flags;          /* hostname validation bits of name (common/hostname.h) */
	int64_t ttl;             /* < 0 = unknown (NULL) */
	const char *server;      /* "ip:port" */
	int64_t at;              /* 0 = now */
};

struct db_dns_writer;

/* batch 0 = default (10000 rows per transaction). */
struct db_dns_writer *db_dns_writer_new(struct db *db, size_t batch);
/* The same, writing from a background thread so that the caller (the
 * resolver's event loop) never waits for a commit: db_dns_put() copies the
 * row into a bounded queue (it blocks only when 2^18 rows are waiting).
 * Until db_dns_writer_close() the caller must not use db from another
 * thread, and must not use it itself either: the connection belongs to the
 * writer (read what you need before). Falls back to inline writes on a single-threaded SQLite. */
struct db_dns_writer *db_dns_writer_new_async(struct db *db, size_t batch);
enum ipd_status db_dns_put(struct db_dns_writer *w, const struct db_dns_answer *a);
enum ipd_status db_dns_writer_flush(struct db_dns_writer *w);
/* Flush and free; returns the first error any put saw. */
enum ipd_status db_dns_writer_close(struct db_dns_writer *w);

/* --- what to ask --- */
typedef int (*db_dns_ip_cb)(void *arg, const struct ipd_ip *ip);
typedef int (*db_dns_name_cb)(void *arg, const char *name);
/* Every distinct address that is observed, allocated, or actively leased
 * (ordered). Callback returns non-zero to stop. */
enum ipd_status db_dns_ptr_queries(struct db *db, db_dns_ip_cb cb, void *arg);
/* Every distinct non-empty recorded host name (allocations.hostname, and
 * leases.hostname of active leases), case-insensitively distinct, a
 * trailing dot ignored. */
enum ipd_status db_dns_name_queries(struct db *db, db_dns_name_cb cb, void *arg);

/* Imported zone records to re-query live: A/AAAA owners, PTR owners' addresses. */
struct db_dns_zone_query {
	const char *qtype;       /* "A" "AAAA" "PTR" */
	const char *owner;       /* borrowed */
	const struct ipd_ip *ip; /* PTR: the address the owner names; else NULL */
};
typedef int (*db_dns_zone_cb)(void *arg, const struct db_dns_zone_query *q);
enum ipd_status db_dns_zone_queries(struct db *db, db_dns_zone_cb cb, void *arg);

/* --- reading answers back (tests, audit, report) --- */
struct db_dns_row {
	int64_t id, run_id, ttl, at;     /* ttl -1 = NULL */
	const char *qname, *qtype, *status, *ip_text, *name, *server; /* borrowed; may be NULL */
	struct ipd_ip ip;
	bool has_ip;
	int name_flags;
};
typedef int (*db_dns_row_cb)(void *arg, const struct db_dns_row *r);
/* run_id <= 0 = all runs. Ordered by id. */
enum ipd_status db_dns_list(struct db *db, int64_t run_id, db_dns_row_cb cb, void *arg);

#endif
