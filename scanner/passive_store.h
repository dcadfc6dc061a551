/*
 * Asynchronous store sink for the passive state: observation and event rows
 * are copied into chunks and written by one writer thread that owns the
 * db_writer, so SQLite work overlaps with reading and decoding frames. The
 * capture thread must not touch the store between pstore_new and
 * pstore_close. Row order is preserved.
 */
#ifndef IPD_PASSIVE_STORE_H
#define IPD_PASSIVE_STORE_H
#include "../db/db_obs.h"

struct pstore;
/* Starts the writer thread; w stays owned by the caller (close it after
 * pstore_close). */
struct pstore *pstore_new(struct db_writer *w);
/* Copy the row (strings and raw bytes included) and queue it. Returns the
 * writer's first error, if any, so the capture can stop. */
enum ipd_status pstore_obs(struct pstore *s, const struct db_obs *o);
enum ipd_status pstore_event(struct pstore *s, const struct db_event *e);
/* Queue a commit of the open batch (live capture ticks). */
enum ipd_status pstore_flush(struct pstore *s);
/* Write everything queued, stop the thread, free. Returns the first error. */
enum ipd_status pstore_close(struct pstore *s);

#endif
