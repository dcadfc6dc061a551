/*
 * The wire view in the store: observations (upserted per ip, mac, vlan,
 * iface, sensor, method), events, and what each run covered.
 * Writers batch rows into transactions of `batch` rows; a crash loses at most
 * the open batch.
 */
#ifndef IPD_DB_OBS_H
#define IPD_DB_OBS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct db_obs {
	struct ipd_ip ip;
	struct ipd_mac mac;
	int vlan;             /* 0 = untagged */
	const char *iface;    /* may be NULL = "" */
	const char *sensor;   /* may be NULL = "" */
	const char *method;   /* arp-active nd-active arp-passive nd-passive dhcp */
	int64_t first_seen, last_seen, count;
	int64_t run_id;       /* <= 0 = none */
};

struct db_event {
	int64_t run_id;
	int64_t at;
	const char *kind;     /* "new station", "changed ethernet address", ... */
	const struct ipd_ip *ip;         /* may be NULL */
	const struct ipd_mac *mac;       /* may be NULL */
	const struct ipd_mac *other_mac; /* may be NULL */
	int vlan;
	const char *iface, *sensor;
	const char *detail_json;         /* may be NULL */
	const void *raw;                 /* attacker-controlled bytes kept verbatim */
	size_t raw_len;
};

struct db_writer;

/* A batching writer for observations and events. batch 0 = default (10000). */
struct db_writer *db_writer_new(struct db *db, size_t batch);
enum ipd_status db_obs_put(struct db_writer *w, const struct db_obs *o);
enum ipd_status db_event_put(struct db_writer *w, const struct db_event *e);
/* Commit the open batch (e.g. on SIGINT) without closing. */
enum ipd_status db_writer_flush(struct db_writer *w);
/* Flush and free. Returns the first error seen by any put. */
enum ipd_status db_writer_close(struct db_writer *w);

/* Record that run_id covered [lo, hi] (a sweep target, or a capture's prefix). */
enum ipd_status db_coverage_add(struct db *db, int64_t run_id, const struct ipd_ip *lo,
				const struct ipd_ip *hi, int vlan, const char *iface, bool active);

/* Read back observations (tests, sweep output, audit). Callback returns non-zero to stop. */
struct db_obs_row {
	struct ipd_ip ip;
	char ip_text[IPD_IP_STRLEN];
	char mac[IPD_MAC_STRLEN];
	int vlan;
	const char *iface, *sensor, *method; /* borrowed */
	int64_t first_seen, last_seen, count, first_run, last_run;
};
typedef int (*db_obs_cb)(void *arg, const struct db_obs_row *r);
/* method may be NULL (all); run_id > 0 restricts to rows seen in that run. */
enum ipd_status db_obs_list(struct db *db, const char *method, int64_t run_id, db_obs_cb cb,
			    void *arg);

struct db_event_row {
	int64_t id, run_id, at;
	const char *kind, *ip_text, *mac, *other_mac, *iface, *detail; /* borrowed, may be NULL */
	int vlan;
	const void *raw;
	size_t raw_len;
};
typedef int (*db_event_cb)(void *arg, const struct db_event_row *r);
enum ipd_status db_events_list(struct db *db, int64_t run_id, db_event_cb cb, void *arg);

#endif
