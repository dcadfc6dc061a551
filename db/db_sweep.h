/* What the sweep reads from the store besides the observation API: the
 * recorded IPv6 allocations it solicits. */
#ifndef IPD_DB_SWEEP_H
#define IPD_DB_SWEEP_H
#include "db.h"

typedef int (*db_ip_cb)(void *arg, const struct ipd_ip *ip);
/* Every distinct IPv6 address in allocations (any source, any status).
 * Callback returns non-zero to stop. */
enum ipd_status db_sweep_v6_allocations(struct db *db, db_ip_cb cb, void *arg);

#endif
