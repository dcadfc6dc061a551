/* ipdrift prune: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_prune, argc, argv))
		return 0;
	return app_unavailable(&cmd_prune);
}

const struct command cmd_prune = {
	.name = "prune",
	.summary = "delete old observations, answers and runs (findings history is kept)",
	.usage = "usage: ipdrift prune --older-than DAYS\n",
	.run = run,
};
