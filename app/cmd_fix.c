/* ipdrift fix: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_fix, argc, argv))
		return 0;
	return app_unavailable(&cmd_fix);
}

const struct command cmd_fix = {
	.name = "fix",
	.summary = "write fixes: nsupdate scripts and IPAM CSV deltas",
	.usage = "usage: ipdrift fix --nsupdate [-o FILE] [--server H[:PORT]] [--ttl N] [--dry-run] [--force]\n"
		 "       ipdrift fix --ipam-csv FILE [--format netbox|native] [--dry-run] [--force]\n",
	.run = run,
};
