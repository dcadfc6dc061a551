/* ipdrift report: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_report, argc, argv))
		return 0;
	return app_unavailable(&cmd_report);
}

const struct command cmd_report = {
	.name = "report",
	.summary = "write the audit report: html, csv, json or ndjson",
	.usage = "usage: ipdrift report --format html|csv|json|ndjson [-o FILE] [--run ID] [--what findings|hosts]\n",
	.run = run,
};
