/*
 * Host table: open addressing over the full 16-byte address plus the VLAN,
 * hashed with a 64-bit finaliser over both halves so that 50,000+ hosts in
 * one /15 (all sharing their leading bytes) spread evenly. tcpdump's address
 * cache hashes the leading bytes and degrades to a list on exactly that
 * input; here a lookup stays O(1) (linear probing, load factor <= 1/2).
 *
 * Entries live in the probe array itself (one 128-byte entry per slot), so
 * a lookup costs one dependent cache miss, not two; the array is asked for
 * transparent huge pages. Pointers returned by hosts_get() stay valid until
 * the next insertion; iteration order is slot order (callers that print
 * sort first).
 */
#ifndef IPD_HOSTS_H
#define IPD_HOSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

#define HOST_MACS 4   /* MAC history per address, most recent first */

/* One aggregated observation row (ip, mac, vlan, iface, method). first and
 * last are run totals; the store's upsert keeps min/max, so only the count
 * needs a "since the last flush" copy. */
struct host_obs {
	struct ipd_mac mac;
	uint8_t method;        /* caller's method index */
	uint8_t pad_;
	uint16_t iface;        /* caller's interface index */
	uint16_t pad2_;
	uint32_t count;
	uint32_t pending;      /* since the last flush */
	int64_t first, last;   /* seconds */
};

enum host_flags {
	HOST_KNOWN = 1,        /* preloaded from the store: not a new station */
	HOST_BOGON_CHECKED = 2,
	HOST_USED = 0x80,      /* slot holds an entry (internal) */
};

/* Two cache lines; the first holds everything a repeated claim touches
 * (key, current MAC and its time, first aggregate's counters). */
struct host {
	struct ipd_ip ip;
	int32_t vlan;
	uint8_t flags;
	uint8_t nmacs;
	uint16_t nobs;                /* aggregates: obs0 + extra[0..nobs-2] */
	struct ipd_mac macs[HOST_MACS];  /* most recent first */
	int64_t mac_at[HOST_MACS];    /* when each MAC was last current */
	struct host_obs obs0;
	struct host_obs *extra;       /* capacity follows from nobs (powers of two) */
} __attribute__((aligned(64)));

/* At most this many aggregates per host (nobs is 16 bits). */
#define HOST_MAX_OBS 0xffffu

/* i-th aggregate of ho (0 <= i < ho->nobs). */
static inline struct host_obs *host_obs_at(struct host *ho, unsigned i)
{
	return i == 0 ? &ho->obs0 : &ho->extra[i - 1];
}

struct hosts;

struct hosts *hosts_new(size_t hint);
void hosts_free(struct hosts *h);
/* The hash itself: callers that prefetch keep it for the lookup. */
uint64_t hosts_hash(const struct ipd_ip *ip, int vlan);

/* Find or insert; *created tells which. Never NULL (dies on OOM).
 * hash = hosts_hash(ip, vlan). */
struct host *hosts_get_h(struct hosts *h, const struct ipd_ip *ip, int vlan, uint64_t hash,
			 bool *created);
static inline struct host *hosts_get(struct hosts *h, const struct ipd_ip *ip, int vlan,
				     bool *created)
{
	return hosts_get_h(h, ip, vlan, hosts_hash(ip, vlan), created);
}
struct host *hosts_find(const struct hosts *h, const struct ipd_ip *ip, int vlan);
/* Start loading the entry's home slot and the one after it into the cache
 * (a hint only): at load factor 1/2, linear probing goes on to the next slot
 * for about a third of the keys, and that miss was not prefetched. */
void hosts_prefetch_h(const struct hosts *h, uint64_t hash);
size_t hosts_count(const struct hosts *h);
/* Iterate: start with *cursor = 0; NULL at the end. No insertion meanwhile. */
struct host *hosts_next(struct hosts *h, size_t *cursor);
/* The aggregate for (mac, method, iface) in host, created if missing;
 * NULL when the host already holds HOST_MAX_OBS of them (only a flood of
 * made-up MACs for one address gets there). */
struct host_obs *host_obs_get(struct host *ho, const struct ipd_mac *mac, int method, int iface);
/* Keeps the busiest aggregate inline (obs0): called after a's count went
 * up, swaps a into obs0 once it counts more. A host first seen by DHCP and
 * then in thousands of ARP frames would otherwise read its ARP aggregate
 * from the separate extra array, a cache miss per frame. Returns where a's
 * data now is. Aggregates have no order (flushes sort them). */
struct host_obs *host_obs_promote(struct host *ho, struct host_obs *a);

/* Probe statistics over all stored keys (for tests and bench). */
struct hosts_probe_stats {
	double avg;      /* mean probes per successful lookup (1.0 = perfect) */
	size_t max;
	size_t slots;
};
void hosts_probe_stats(const struct hosts *h, struct hosts_probe_stats *st);

#endif
