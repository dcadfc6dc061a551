/*
 * The recorded view in the store: subnets, ranges, allocations, leases,
 * zone records and the allowlist, each row owned by one named source.
 *
 * The record structs below are plain data: the import parsers
 * (reconcile/import_*.c) fill them without a store (fuzzing, tests), and
 * db_inv_put() writes them.
 *
 * Sync semantics: an import is a snapshot of one source. db_inv_begin()
 * opens ONE transaction and forgets the source's previous rows; commit makes
 * the new snapshot visible, abort leaves the store exactly as it was. A
 * snapshot whose digest equals the stored one is reported as unchanged and
 * nothing is written (leases only get `active` recomputed for the new "now").
 */
#ifndef IPD_DB_INV_H
#define IPD_DB_INV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* hostname_flags columns hold common/hostname.h HOSTNAME_* bits. */

enum inv_kind { INV_SUBNET, INV_RANGE, INV_ALLOC, INV_LEASE, INV_DNS, INV_ALLOW };

/* Strings are borrowed for the duration of the call; NULL = not given.
 * Names that come from outside (hostname, owner, target) are stored verbatim
 * with explicit lengths so NUL bytes and invalid UTF-8 survive. */
struct inv_subnet {
	const char *vrf;               /* "" = global table */
	struct ipd_prefix pfx;
	int vlan;                      /* -1 = none */
	const char *status, *role, *tenant, *description;
	bool is_pool;
	double threshold;              /* percent; < 0 = default */
};

struct inv_range {
	const char *vrf;
	struct ipd_ip lo, hi;
	const char *kind;              /* dhcp reserved */
	const char *status, *description;
};

struct inv_alloc {
	const char *vrf;
	struct ipd_ip ip;
	int prefix_len;                /* -1 = not given */
	bool has_mac;
	struct ipd_mac mac;
	const char *hostname;          /* raw */
	size_t hostname_len;
	unsigned hostname_flags;
	const char *status, *role, *tenant, *owner, *description;
	const char *ext_id;            /* the source IPAM's object ID (NetBox "ID"); NULL = none */
};

struct inv_lease {
	struct ipd_ip ip;
	const char *kind;              /* v4 na ta pd */
	int prefix_len;                /* -1 = not given */
	bool has_mac;
	struct ipd_mac mac;
	const char *client_id, *duid;  /* printable forms (hex with colons) */
	int64_t iaid;                  /* -1 = none */
	const char *hostname;
	size_t hostname_len;
	unsigned hostname_flags;
	int64_t starts, ends;          /* Unix seconds; ends 0 = never expires; starts 0 = unknown */
	const char *state;             /* active free expired released abandoned reset backup declined ... */
	bool active;                   /* computed at import time */
	bool deleted;                  /* Kea valid_lifetime 0: forget this address */
};

struct inv_dns {
	const char *zone;              /* absolute, with trailing dot */
	const char *owner;             /* absolute */
	int64_t ttl;
	const char *type;              /* A AAAA PTR CNAME NS SOA */
	const char *rdata;             /* canonical text */
	bool has_ip;                   /* A/AAAA address or address named by a PTR owner */
	struct ipd_ip ip;
	const char *target;            /* PTR/CNAME/NS target, raw; NULL otherwise */
	size_t target_len;
};

struct inv_allow {
	const char *kind;              /* dhcp-server router */
	bool has_ip, has_mac;
	struct ipd_ip ip;
	struct ipd_mac mac;
	const char *description;
};

struct inv_rec {
	enum inv_kind kind;
	unsigned long line;            /* line in the file the row came from */
	const char *file;              /* file name for evidence (companion files) */
	union {
		struct inv_subnet subnet;
		struct inv_range range;
		struct inv_alloc alloc;
		struct inv_lease lease;
		struct inv_dns dns;
		struct inv_allow allow;
	} u;
};

struct db_inv;  /* an open import of one source */

struct db_inv_source {
	const char *name;      /* unique source name */
	const char *kind;      /* subnets ranges allocations leases zone allowlist */
	const char *format;
	const char *path;
	const char *digest;    /* of the input bytes (all companion files) */
	int64_t now;           /* "now" for active/expired leases */
	int64_t size_hint;     /* input bytes (0 = unknown): large snapshots into a
				* small table rebuild its secondary indexes once */
};

/*
 * Start importing a snapshot of src. *unchanged is set when src->digest
 * equals the stored digest of a clean import: then *out is NULL and nothing
 * was written (leases: `active` recomputed against src->now). IPD_EINVAL when
 * the source name is already used by another kind.
 */
enum ipd_status db_inv_begin(struct db *db, const struct db_inv_source *src, struct db_inv **out,
			     bool *unchanged, int64_t *prev_rows);
/*
 * Write one record. IPD_EINVAL when it duplicates a row of this snapshot
 * (allocations: same vrf+ip; subnets: same vrf+prefix): *dup_line is then the
 * line of the row kept. Lease records replace an earlier row for the same
 * address (last wins) and `deleted` ones remove it.
 */
enum ipd_status db_inv_put(struct db_inv *im, const struct inv_rec *r, unsigned long *dup_line);
/* Finish: record the row counts and commit. Frees im. */
enum ipd_status db_inv_commit(struct db_inv *im, int64_t bad_rows, const char *stats_json,
			      int64_t *rows);
/* Roll back everything since db_inv_begin. Frees im. */
void db_inv_abort(struct db_inv *im);

/* Read-side helpers for tests and other modules. */
int64_t db_inv_count(struct db *db, const char *source, enum inv_kind kind);

#endif
