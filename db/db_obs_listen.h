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

/*
 * A second connection that checkpoints the WAL on its own thread while a
 * file capture commits, so the checkpoint at close (copying every page
 * into the database file, then two fdatasyncs: 0.12 s for the 5M-frame
 * bench, after all other work) is left with only the last commit.
 * Open before dropping privileges (the files may be root's); start after.
 * NULL when the connection cannot be opened: the close then checkpoints
 * everything, as without it.
 */
struct db_ckpt;
struct db_ckpt *db_ckpt_open(struct db *db);
/* Starts the thread in its lazy mode: while the file is being decoded the
 * two CPUs of a small machine are busy, so it checkpoints only once the
 * WAL passes DB_CKPT_LAZY_WAL bytes (bounding it on long files). */
void db_ckpt_start(struct db_ckpt *ck);
/* From now on every 20 ms: the decoding is over (its thread sits idle while
 * the writer commits the observations). */
void db_ckpt_hurry(struct db_ckpt *ck);
#define DB_CKPT_LAZY_WAL (64LL << 20)
/* Stop, join, close (before the writer's own connection closes). */
void db_ckpt_close(struct db_ckpt *ck);

#endif
