/* ipdrift import: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_import, argc, argv))
		return 0;
	return app_unavailable(&cmd_import);
}

const struct command cmd_import = {
	.name = "import",
	.summary = "import an IPAM inventory, DHCP leases, a DNS zone or an allowlist",
	.usage = "usage: ipdrift import KIND FILE [--format F] [--source NAME] [--keep-going]\n"
		 "\nKIND: subnets ranges allocations leases zone allowlist\n"
		 "Each import is a snapshot of one named source (default: the file name):\n"
		 "rows of that source missing from FILE are removed, in one transaction.\n"
		 "  --format F     netbox-prefix native-subnets netbox-range native-ranges\n"
		 "                 netbox phpipam native isc-dhcpd kea4 kea6 dnsmasq zone\n"
		 "                 (detected from the content when omitted)\n"
		 "  --source NAME  name of the source (default: FILE)\n"
		 "  --origin ZONE  origin for zone files without $ORIGIN\n"
		 "  --keep-going   import the good rows and list the bad ones\n"
		 "Bad input: FILE:LINE: reason, exit 65, nothing imported.\n",
	.run = run,
};
