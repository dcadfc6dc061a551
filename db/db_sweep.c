/* Store queries for the sweep (see db_sweep.h). */
#include "db_int.h"
#include "db_sweep.h"

enum ipd_status db_sweep_v6_allocations(struct db *db, db_ip_cb cb, void *arg)
{
	/* IPv4 is stored v4-mapped: ::ffff:0:0/96 */
	sqlite3_stmt *st = db_prep(db, "SELECT DISTINCT ip FROM allocations"
				       " WHERE length(ip) = 16"
				       " AND substr(ip, 1, 12) != x'00000000000000000000ffff'"
				       " ORDER BY ip");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ipd_ip ip;
		if (!db_col_ip(st, 0, &ip) || ipd_ip_is_v4(&ip))
			continue;
		if (cb(arg, &ip))
			break;
	}
	enum ipd_status ret = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? IPD_OK : IPD_EDB;
	sqlite3_finalize(st);
	return ret;
}
