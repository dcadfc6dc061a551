/* Reads for `ipdrift listen`: recorded subnets as prefixes. */
#include "db_int.h"
#include "db_obs_listen.h"

#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <time.h>

#include "../common/xmem.h"

enum ipd_status db_subnet_prefixes(struct db *db, db_prefix_cb cb, void *arg)
{
	sqlite3_stmt *st = db_prep(db, "SELECT cidr, coalesce(vlan, -1) FROM subnets ORDER BY lo");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipd_prefix p;
		const char *cidr = (const char *)sqlite3_column_text(st, 0);
		if (!cidr || !ipd_prefix_parse(cidr, &p, false))
			continue;
		if (cb(arg, &p, sqlite3_column_int(st, 1)))
			break;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
}

enum ipd_status db_listen_bulk(struct db *db, bool offline)
{
	/* One checkpoint at close instead of one every 1000 pages: a file
	 * commits tens of megabytes in a few large transactions. */
	return offline ? db_exec(db, "PRAGMA wal_autocheckpoint=0") : IPD_OK;
}

struct db_ckpt {
	sqlite3 *h;
	char *wal;       /* the WAL file's path (its size decides the lazy mode) */
	pthread_t th;
	bool running, stop, eager;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct db_ckpt *db_ckpt_open(struct db *db)
{
	struct db_ckpt *ck = xcalloc(1, sizeof *ck);
	if (sqlite3_open_v2(db->path, &ck->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(ck->h);
		free(ck);
		return NULL;
	}
	/* A connection learns the file is in WAL mode when it first reads it;
	 * until then a checkpoint call does nothing. */
	sqlite3_exec(ck->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	ck->wal = xasprintf("%s-wal", db->path);
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	return ck;
}

static bool wal_large(const struct db_ckpt *ck)
{
	struct stat sb;
	return stat(ck->wal, &sb) == 0 && sb.st_size > DB_CKPT_LAZY_WAL;
}

/* PASSIVE: copies what is committed, never waits for the writer. Every
 * 20 ms (lazy: only past DB_CKPT_LAZY_WAL); a call with nothing new to
 * copy costs next to nothing. */
static void *ckpt_main(void *arg)
{
	struct db_ckpt *ck = arg;
	pthread_mutex_lock(&ck->mu);
	while (!ck->stop) {
		bool go = ck->eager;
		pthread_mutex_unlock(&ck->mu);
		if (go || wal_large(ck))
			sqlite3_wal_checkpoint_v2(ck->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&ck->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!ck->stop)
			pthread_cond_timedwait(&ck->cv, &ck->mu, &ts);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

void db_ckpt_start(struct db_ckpt *ck)
{
	if (ck && !ck->running)
		ck->running = pthread_create(&ck->th, NULL, ckpt_main, ck) == 0;
}

void db_ckpt_hurry(struct db_ckpt *ck)
{
	if (!ck)
		return;
	pthread_mutex_lock(&ck->mu);
	ck->eager = true;
	pthread_cond_signal(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
}

void db_ckpt_close(struct db_ckpt *ck)
{
	if (!ck)
		return;
	if (ck->running) {
		pthread_mutex_lock(&ck->mu);
		ck->stop = true;
		pthread_cond_signal(&ck->cv);
		pthread_mutex_unlock(&ck->mu);
		pthread_join(ck->th, NULL);
	}
	sqlite3_close(ck->h); /* not the last connection: no checkpoint here */
	free(ck->wal);
	pthread_mutex_destroy(&ck->mu);
	pthread_cond_destroy(&ck->cv);
	free(ck);
}
