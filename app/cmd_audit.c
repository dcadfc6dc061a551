/* ipdrift audit: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_audit, argc, argv))
		return 0;
	return app_unavailable(&cmd_audit);
}

const struct command cmd_audit = {
	.name = "audit",
	.summary = "reconcile wire, record and DNS into findings",
	.usage = "usage: ipdrift audit [--list-rules] [--fail-on SEVERITY | --fail-on-any SEVERITY] [options]\n"
		 "\nJoins the three views per address, MAC, name and subnet, applies the rule\n"
		 "table and stores findings (new / ongoing / resolved since the last audit).\n"
		 "  --list-rules          print the rule table and exit\n"
		 "  --stale-days N        stale window (default 30)\n"
		 "  --geoip-db FILE --asn-db FILE   MaxMind databases for public addresses\n"
		 "  --own-prefix CIDR --own-asn N   the organisation's own space\n"
		 "  --fail-on SEV         exit 1 when a new finding at or above SEV exists\n",
	.run = run,
};
