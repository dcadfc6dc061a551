/*
 * Host table: open addressing over the full 16-byte address plus the VLAN,
 * hashed with a 64-bit finaliser over both halves so that 50,000+ hosts in
 * one /15 (all sharing their leading bytes) spread evenly. tcpdump's address
 * cache hashes the leading bytes and degrades to a list on exactly that
 * input; here a lookup stays O(1) (linear probing, load factor <= 1/2).
 *
 * Entries live in a dense array in insertion order (deterministic
 * iteration, stable indices); the probe array holds (hash, index) pairs.
 * Pointers returned by hosts_get() stay valid until the next insertion.
 */
#ifndef IPD_HOSTS_H
#define IPD_HOSTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

#define HOST_MACS 4   /* MAC history per address, most recent first */

/* One aggregated observation row (ip, mac, vlan, iface, method). */
struct host_obs {
	struct ipd_mac mac;
	uint8_t method;        /* caller's method index */
	uint16_t iface;        /* caller's interface index */
	int64_t first, last;   /* over the whole run (seconds) */
	uint64_t count;
	int64_t pfirst, plast; /* since the last flush */
	uint64_t pending;
};

enum host_flags {
	HOST_KNOWN = 1,        /* preloaded from the store: not a new station */
	HOST_BOGON_CHECKED = 2,
};

struct host {
	struct ipd_ip ip;
	int32_t vlan;
	uint32_t flags;
	uint8_t nmacs;
	struct ipd_mac macs[HOST_MACS];
	int64_t mac_at[HOST_MACS];   /* when each MAC was last current */
	uint16_t nobs, capobs;
	struct host_obs *obs;
};

struct hosts;

struct hosts *hosts_new(size_t hint);
void hosts_free(struct hosts *h);
/* Find or insert; *created tells which. Never NULL (dies on OOM). */
struct host *hosts_get(struct hosts *h, const struct ipd_ip *ip, int vlan, bool *created);
struct host *hosts_find(const struct hosts *h, const struct ipd_ip *ip, int vlan);
size_t hosts_count(const struct hosts *h);
/* i-th host in insertion order, 0 <= i < hosts_count. */
struct host *hosts_at(struct hosts *h, size_t i);
/* The aggregate for (mac, method, iface) in host, created if missing. */
struct host_obs *host_obs_get(struct host *ho, const struct ipd_mac *mac, int method, int iface);

/* Probe statistics over all stored keys (for tests and bench). */
struct hosts_probe_stats {
	double avg;      /* mean probes per successful lookup (1.0 = perfect) */
	size_t max;
	size_t slots;
};
void hosts_probe_stats(const struct hosts *h, struct hosts_probe_stats *st);

/* The hash itself, exposed for tests. */
uint64_t hosts_hash(const struct ipd_ip *ip, int vlan);

#endif
