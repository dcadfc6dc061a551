/* ipdrift sweep: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_sweep, argc, argv))
		return 0;
	return app_unavailable(&cmd_sweep);
}

const struct command cmd_sweep = {
	.name = "sweep",
	.summary = "active discovery: ARP and IPv6 ND probes on attached segments",
	.usage = "usage: ipdrift sweep -i IFACE [TARGET...] [options]\n"
		 "\nTARGET: CIDR, range a-b, or @FILE; default: the interface's own IPv4 prefixes.\n"
		 "  -i, --interface IFACE   interface to probe on\n"
		 "  --target6 ADDR          IPv6 address to solicit (repeatable); recorded v6\n"
		 "                          allocations are solicited too; ff02::1 is pinged\n"
		 "  --no-ipv6 / --no-ipv4   skip one family\n"
		 "  --rate PPS              probes per second (default 1000)\n"
		 "  --bandwidth BPS         alternative pacing in bits/s (k/M suffixes)\n"
		 "  --fast                  lab / large segment mode: no pacing limit\n"
		 "  --retries N             extra tries for targets that did not answer (default 2)\n"
		 "  --timeout MS            wait after the last probe (default 500)\n"
		 "  --vlan ID               tag probes with 802.1Q ID and accept tagged replies\n"
		 "  --dry-run               print the probes instead of sending them\n"
		 "  --write-pcap FILE       write the probes to FILE instead of the wire\n"
		 "  --user USER             user to switch to after opening sockets (default nobody)\n"
		 "  --json                  print what was found as JSON lines\n"
		 "Needs root or CAP_NET_RAW (exit 77 otherwise).\n",
	.run = run,
};
