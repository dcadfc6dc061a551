/* ipdrift listen: not built yet; the usage text is the interface to build. */
#include "app.h"

static int run(struct app *app, int argc, char **argv)
{
	(void)app;
	if (app_want_help(&cmd_listen, argc, argv))
		return 0;
	return app_unavailable(&cmd_listen);
}

const struct command cmd_listen = {
	.name = "listen",
	.summary = "passive discovery: capture ARP, IPv6 ND and DHCP (live or pcap files)",
	.usage = "usage: ipdrift listen [-i IFACE]... [-r FILE]... [options]\n"
		 "\n  -i, --interface IFACE   capture live (repeatable)\n"
		 "  -r, --read FILE         read a pcap or pcapng file (repeatable)\n"
		 "  -p, --no-promisc        do not put the interface in promiscuous mode\n"
		 "  -f, --filter EXPR       BPF filter (default: arp, icmp6 ND, DHCP; incl. VLAN)\n"
		 "  --duration SEC          stop after SEC seconds\n"
		 "  --count N               stop after N frames\n"
		 "  --user USER             user to switch to after opening (default nobody)\n"
		 "Records observations and arpwatch-style events; SIGINT/SIGTERM flush and stop.\n",
	.run = run,
};
