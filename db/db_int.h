/* Private to db/: the SQLite handle and helpers shared by db_*.c. */
#ifndef IPD_DB_INT_H
#define IPD_DB_INT_H
#include <sqlite3.h>

#include "db.h"

struct db {
	sqlite3 *h;
	char *path;
	int in_txn;
};

extern const char *const *const db_migrations[];

/* Prepare or die with the SQL in the message (a bad statement is a bug). */
sqlite3_stmt *db_prep(struct db *db, const char *sql);
enum ipd_status db_exec(struct db *db, const char *sql);
void db_bind_ip(sqlite3_stmt *st, int col, const struct ipd_ip *ip);
void db_bind_ip_text(sqlite3_stmt *st, int col, const struct ipd_ip *ip);
void db_bind_mac(sqlite3_stmt *st, int col, const struct ipd_mac *mac);
void db_bind_text_or_null(sqlite3_stmt *st, int col, const char *s);
/* Read a 16-byte ip BLOB column; false when NULL or malformed. */
bool db_col_ip(sqlite3_stmt *st, int col, struct ipd_ip *ip);
enum ipd_status db_step_done(struct db *db, sqlite3_stmt *st);

#endif
