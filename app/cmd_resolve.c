/* ipdrift resolve: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_resolve, argc, argv))
		return 0;
	return app_unavailable(&cmd_resolve);
}

const struct command cmd_resolve = {
	.name = "resolve",
	.summary = "DNS view: bulk PTR / A / AAAA lookups with c-ares",
	.usage = "usage: ipdrift resolve [options]\n"
		 "\nLooks up PTR for every observed or allocated address, and A/AAAA for every\n"
		 "recorded host name and PTR target; stores each answer with its status.\n"
		 "  --server IP[:PORT]   DNS server (repeatable; default from resolv.conf)\n"
		 "  --ptr CIDR           reverse-resolve every address of CIDR (repeatable)\n"
		 "  --verify-zones       re-query the imported zone records live\n"
		 "  --concurrency N      queries in flight\n"
		 "  --timeout MS --tries N\n"
		 "  --json               print the answers as JSON lines\n",
	.run = run,
};
