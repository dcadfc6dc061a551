/* Helpers shared by subcommands. */
#include <string.h>

#include "../common/log.h"
#include "../db/db.h"
#include "app.h"

int app_open_db(struct app *app, int flags, struct db **out)
{
	enum ipd_status st = db_open(app->db_path, flags, out);
	if (st == IPD_OK)
		return 0;
	return st == IPD_EIO ? EX_NOINPUT : EX_DATAERR;
}

void app_usage(const struct command *cmd, FILE *f)
{
	fputs(cmd->usage, f);
}

bool app_want_help(const struct command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			app_usage(cmd, stdout);
			return true;
		}
	}
	return false;
}

int app_unavailable(const struct command *cmd)
{
	fprintf(stderr, "ipdrift: `%s` is not implemented yet in this version\n", cmd->name);
	return EX_UNAVAILABLE;
}
