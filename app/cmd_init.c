/* ipdrift init: create or migrate the store. */
#include "../common/log.h"
#include "../db/db.h"
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_init, argc, argv))
		return 0;
	if (argc > 1) {
		app_usage(&cmd_init, stderr);
		return EX_USAGE;
	}
	struct db *db;
	int rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		return rc;
	printf("%s: schema version %d\n", app->db_path, db_schema_version(db));
	db_close(db);
	return 0;
}

const struct command cmd_init = {
	.name = "init",
	.summary = "create the database, or migrate it to the current schema",
	.usage = "usage: ipdrift [--db PATH] init\n"
		 "\nCreates the SQLite store (WAL mode) or migrates an existing one to the\n"
		 "current schema. Safe to run repeatedly. Other commands create it too.\n",
	.run = run,
};
