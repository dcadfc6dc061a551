/*
 * The join: per address, the three views side by side (wire, record, DNS),
 * built by a sorted merge over address-ordered cursors (db_find.h) — one scan
 * per table, never a query per address. Per MAC, per subnet and per name
 * views are gathered during the same pass and handed to the rules after it.
 *
 * Everything a rule may look at is in these structs plus struct audit_ctx;
 * rules are pure functions of (view, ctx), so tests build views by hand.
 */
#ifndef IPD_JOIN_H
#define IPD_JOIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/oui.h"
#include "../db/db_find.h"
#include "finding.h"
#include "geo.h"

/* --- DNS lookups by name (forward answers), latest run per (name, type) --- */
enum dns_cls { DNS_NONE = 0, DNS_OK, DNS_NEG, DNS_FAIL };
/* ok -> OK; nxdomain, nodata -> NEG; servfail, refused, timeout, error -> FAIL */
enum dns_cls dns_classify(const char *status);

struct name_fwd {
	int64_t run_id, at;
	struct ipd_ip ip0;       /* the first answer inline: most names have one */
	uint32_t nip, head;      /* further answers: a list in the index's address pool */
	uint8_t cls;             /* enum dns_cls */
	uint8_t status;          /* index into the status vocabulary */
	uint16_t server;         /* index into the index's server names, 0 = unknown */
	int32_t ttl;
};

struct name_ent {
	const char *name;        /* normalised: lower case, no trailing dot */
	struct name_fwd a, aaaa;
};

struct name_idx;
struct name_idx *names_new(void);
void names_free(struct name_idx *x);
/* Add one forward answer row (ip NULL for failures/negatives). Returns the
 * entry, or NULL when the row was not indexed (not A/AAAA, empty name). */
const struct name_ent *names_add(struct name_idx *x, const char *qname, const char *qtype,
				 const char *status, const struct ipd_ip *ip, int64_t run_id,
				 int64_t at, int64_t ttl);
/* The same for a stored answer row, keeping the server that answered. */
const struct name_ent *names_add_answer(struct name_idx *x, const struct db_aud_answer *a,
					bool has_ip);
const char *names_server(const struct name_idx *x, const struct name_fwd *f);
/* Intern a server name (index for names_server_at; 0 = none / table full). */
uint16_t names_intern_server(struct name_idx *x, const char *server);
const char *names_server_at(const struct name_idx *x, uint16_t i);
/* Lookup by any spelling (case, trailing dot); NULL when never looked up. */
const struct name_ent *names_get(const struct name_idx *x, const char *name);
/* The answers of one type. */
size_t names_ips(const struct name_idx *x, const struct name_fwd *f, struct ipd_ip *out, size_t max);
bool names_has_ip(const struct name_idx *x, const struct name_fwd *f, const struct ipd_ip *ip);
const char *names_status(const struct name_fwd *f);
size_t names_count(const struct name_idx *x);
typedef void (*names_cb)(void *arg, const struct name_ent *e);
void names_each(const struct name_idx *x, names_cb cb, void *arg);
/* Normalise a DNS name into buf: lower case, no trailing dot. */
char *dns_norm(const char *name, char *buf, size_t len);

/* --- recorded subnets and ranges, in memory (a few thousand) --- */
struct jv_subnet {
	struct ipd_prefix pfx;
	struct ipd_ip lo, hi;
	int64_t id, line;
	int vlan;
	double threshold;       /* < 0 = default */
	char *cidr, *vrf, *status, *role, *source, *description;
	bool is_pool, container;
	int parent;             /* index of the nearest enclosing subnet, -1 = none */
	int64_t n_alloc, n_lease, n_seen, n_used;  /* filled by the pass */
};

struct jv_range {
	struct ipd_ip lo, hi;
	int64_t line;
	char *kind, *lo_text, *hi_text, *source, *status;
	int parent;
};

struct jv_allow {
	char kind[16];          /* dhcp-server | router */
	struct ipd_ip ip;
	bool has_ip;
	char mac[IPD_MAC_STRLEN];
	char *source, *ip_text, *description;
	int64_t line;
};

/* --- what rules may consult besides the view --- */
struct audit_ctx {
	int64_t now;
	int64_t stale_secs;       /* "live" = seen within this; stale-allocation window */
	int stale_sweeps;         /* covering sweeps needed in the window (default 1) */
	int64_t conflict_secs;    /* ip-conflict window */
	double exhaustion_pct;    /* default threshold */
	bool passive_coverage;    /* let capture coverage count as "covered" */
	int threads;              /* join threads: 0 = 2 when there are 2+ CPUs, else 1 */

	struct oui_db *oui;       /* may be NULL */
	struct geo *geo;          /* may be NULL */
	const struct name_idx *names;

	struct jv_subnet *subnets;
	size_t nsubnets;
	struct jv_range *ranges;  /* dhcp pools only */
	size_t nranges;
	struct jv_allow *allow;
	size_t nallow;
	struct ipd_prefix *own;   /* --own-prefix */
	size_t nown;
	uint32_t *own_asn;
	size_t nown_asn;
	bool leases_known;        /* a lease source exists: "no lease" means something */
	const struct macset *known_macs; /* MACs in allocations / active leases */
	struct join_state *loaded;       /* what join_run loaded; join_ctx_free releases it */
};

/* The subnet (most specific) / dhcp pool containing ip, or -1. */
int ctx_subnet_of(const struct audit_ctx *c, const struct ipd_ip *ip);
int ctx_pool_of(const struct audit_ctx *c, const struct ipd_ip *ip);
/* Inside the organisation's own space: a recorded subnet or --own-prefix. */
bool ctx_is_own(const struct audit_ctx *c, const struct ipd_ip *ip);
/* Sort subnets/ranges and link parents (call after filling the arrays). */
void ctx_index(struct audit_ctx *c);

struct macset;
struct macset *macset_new(void);
void macset_free(struct macset *s);
void macset_add(struct macset *s, const struct ipd_mac *m);
bool macset_has(const struct macset *s, const struct ipd_mac *m);

/* --- the per-address view --- */
struct host_view {
	struct ipd_ip ip;
	char ip_text[IPD_IP_STRLEN];
	const struct db_aud_obs *obs;      size_t nobs;
	const struct db_aud_alloc *alloc;  size_t nalloc;
	const struct db_aud_lease *lease;  size_t nlease;
	const struct db_aud_answer *ans;   size_t nans;  /* PTR at ip + A/AAAA answering ip; latest runs only */
	const struct db_aud_record *zrec;  size_t nzrec;
	const struct db_aud_event *ev;     size_t nev;
	int subnet, pool;                  /* indexes into ctx arrays, -1 = none */
	int covered;                       /* covering sweeps (coverage rows) in the window */
	int64_t last_covered;
	/* derived by view_prepare */
	int64_t last_seen;                 /* newest observation, 0 = never */
	bool live;                         /* seen within the stale window */
	bool allocated;                    /* an allocation not deprecated */
	bool leased;                       /* an active lease */
	const char *hostname;              /* first usable IPAM hostname, or NULL */
	const struct name_ent *host_ent;   /* its forward lookups, NULL = never looked up */
};
void view_prepare(struct host_view *v, const struct audit_ctx *c);

/* --- per MAC (live observations only), after the pass --- */
struct mac_addr {
	struct ipd_ip ip;
	int64_t first_seen, last_seen, count;
	int vlan;
	const struct name_ent *name;       /* the address's name (IPAM or PTR), if looked up */
};
struct mac_view {
	struct ipd_mac mac;
	char mac_text[IPD_MAC_STRLEN];
	const struct mac_addr *addr;
	size_t naddr;
};

/* --- an unrecorded prefix (/24, /64) with live addresses --- */
struct unmanaged_view {
	struct ipd_prefix pfx;
	char cidr[IPD_PFX_STRLEN];
	size_t naddr;
	const struct db_aud_obs *obs;      /* a sample (strings owned by the join) */
	size_t nobs;
};

/* --- running an audit --- */
struct rule_emit;
struct audit_stats {
	int64_t addresses, observations, allocations, leases, answers, records, events, macs,
		names, findings;
};
/* Load the small tables into ctx, build the name index, run the merge and
 * every enabled rule; findings go to sink. */
enum ipd_status join_run(struct db *db, struct audit_ctx *ctx, struct rule_emit *em,
			 struct audit_stats *st);
/* Free what join_run loaded into ctx. */
void join_ctx_free(struct audit_ctx *ctx);

#endif
