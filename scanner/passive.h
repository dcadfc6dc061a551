/*
 * Passive discovery state: what a capture learned, as an obs_sink.
 * Keeps one host table entry per (address, VLAN) with its MAC history
 * (arpwatch's model, preloaded from the store so events survive across
 * runs), aggregates observations in memory (ip, mac, vlan, iface, method)
 * and raises arpwatch-vocabulary events. Output goes through passive_out,
 * so the store writer and the JSON printer are interchangeable sinks.
 */
#ifndef IPD_PASSIVE_H
#define IPD_PASSIVE_H
#include <stdbool.h>
#include <stdint.h>

#include "../db/db_obs.h"   /* struct db_obs / db_event as neutral records only */
#include "obs.h"

struct passive_out {
	void *ctx;
	enum ipd_status (*obs)(void *ctx, const struct db_obs *o);
	enum ipd_status (*event)(void *ctx, const struct db_event *e);
};

struct passive_opts {
	const char *sensor;     /* may be NULL */
	int64_t run_id;         /* <= 0: none */
	struct passive_out out;
	/* Delay plain claims by a few frames to prefetch their host entries
	 * (files: throughput). Off for live capture, where a quiet link would
	 * hold events back until the next frame. */
	bool prefetch_ring;
};

/* arpwatch's FLIPFLOP_DELTA: a return to the previous MAC within this many
 * seconds of the change is a flip flop, later it is a reused address. */
#define PASSIVE_FLIPFLOP_S (24 * 3600)

struct passive;
struct passive *passive_new(const struct passive_opts *o);
void passive_free(struct passive *p);

/* Prefixes the interface is expected to carry (bogon check). iface NULL =
 * any interface. With no prefix of a family known, nothing of that family
 * is a bogon. */
void passive_add_prefix(struct passive *p, const char *iface, const struct ipd_prefix *pfx);
/* State from the store: ip was last seen with mac at last_seen. Call in any
 * order; the most recent MAC becomes current. */
void passive_preload(struct passive *p, const struct ipd_ip *ip, int vlan, const struct ipd_mac *mac,
		     int64_t last_seen);

/* The obs_sink put function; ctx is the struct passive. */
enum ipd_status passive_put(void *ctx, const struct obs *o);
static inline struct obs_sink passive_sink(struct passive *p)
{
	struct obs_sink s = { p, passive_put };
	return s;
}

/* Write observation counts gathered since the last flush (store mode).
 * Call before reading state: claims may be pending in the prefetch ring. */
enum ipd_status passive_flush(struct passive *p);
/* Every aggregate with its run totals, sorted by ip, vlan, mac, method,
 * iface (deterministic; JSON mode). */
enum ipd_status passive_totals_sorted(struct passive *p, enum ipd_status (*cb)(void *ctx,
				      const struct db_obs *o), void *ctx);

struct passive_stats {
	uint64_t hosts, obs_rows, events, preloaded;
	uint64_t obs_dropped;  /* sightings past HOST_MAX_OBS aggregates on one address */
};
/* Drains pending claims first. */
void passive_get_stats(struct passive *p, struct passive_stats *st);

#endif
