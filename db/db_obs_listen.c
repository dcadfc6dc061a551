/* Reads for `ipdrift listen`: recorded subnets as prefixes. */
#include "db_int.h"
#include "db_obs_listen.h"

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
