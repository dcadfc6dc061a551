/* ipdrift run: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_run, argc, argv))
		return 0;
	return app_unavailable(&cmd_run);
}

const struct command cmd_run = {
	.name = "run",
	.summary = "scheduled audit: import, sweep+listen, resolve, audit, report, fix",
	.usage = "usage: ipdrift [--config FILE] run [--fail-on SEVERITY]\n"
		 "\nRuns the whole pipeline from the configuration file as one recorded run,\n"
		 "under a lock (a second run exits 75).\n",
	.run = run,
};
