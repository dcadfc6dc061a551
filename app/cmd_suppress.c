/* ipdrift suppress: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_suppress, argc, argv))
		return 0;
	return app_unavailable(&cmd_suppress);
}

const struct command cmd_suppress = {
	.name = "suppress",
	.summary = "suppress a finding (rule + subject) with a reason",
	.usage = "usage: ipdrift suppress RULE SUBJECT --reason TEXT [--until YYYY-MM-DD]\n"
		 "       ipdrift suppress --file FILE | --list | --remove RULE SUBJECT\n",
	.run = run,
};
