/*
 * One run at a time: an flock(2) on a lock file (by default next to the
 * database, DATABASE.lock). The kernel drops the lock when the holder dies,
 * even by SIGKILL, so a stale lock file never blocks the next run.
 */
#ifndef IPD_LOCK_H
#define IPD_LOCK_H
#include <stdbool.h>

struct lock {
	int fd;
	char *path;
};

/*
 * Take the lock at path. wait: block until the holder releases it; otherwise
 * return EX_TEMPFAIL (75) at once with a message naming the holder's pid.
 * Returns 0, EX_TEMPFAIL, or EX_CANTCREAT when the file cannot be opened.
 * The holder's pid is written into the file, for the message and for humans.
 */
int lock_take(struct lock *l, const char *path, bool wait);
/* Release and close (the file stays: removing it would race a waiter). */
void lock_release(struct lock *l);
/* Default lock path for a database: "DB.lock" (caller frees). */
char *lock_path_for_db(const char *db_path);

#endif
