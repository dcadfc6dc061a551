/* Store reads the passive capture needs (no SQL outside db/). */
#ifndef IPD_DB_OBS_LISTEN_H
#define IPD_DB_OBS_LISTEN_H
#include "db.h"

typedef int (*db_prefix_cb)(void *arg, const struct ipd_prefix *p, int vlan);
/* Every recorded subnet as a prefix (vlan -1 = none); the bogon check of
 * offline captures uses them. Callback returns non-zero to stop. */
enum ipd_status db_subnet_prefixes(struct db *db, db_prefix_cb cb, void *arg);

/* Tune the connection for a capture. offline (pcap files only): no
 * automatic WAL checkpoints, the close checkpoints once. Live captures keep
 * SQLite's default (every 1000 pages): they run for days, and without
 * checkpoints the WAL would grow for as long. */
enum ipd_status db_listen_bulk(struct db *db, bool offline);

#endif
