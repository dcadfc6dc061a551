/* Names of observation kinds (table, not switch: STYLE.md 22). */
#include "obs.h"

static const char *const kind_names[OBS_KIND_MAX] = {
	[OBS_ARP_REQUEST] = "arp-request",
	[OBS_ARP_REPLY] = "arp-reply",
	[OBS_ARP_GRATUITOUS] = "arp-gratuitous",
	[OBS_ARP_PROBE] = "arp-probe",
	[OBS_ARP_ANNOUNCE] = "arp-announce",
	[OBS_ND_NS] = "nd-ns",
	[OBS_ND_NS_DAD] = "nd-dad",
	[OBS_ND_NA] = "nd-na",
	[OBS_ND_RS] = "nd-rs",
	[OBS_ND_RA] = "nd-ra",
	[OBS_ICMP6_ECHO_REPLY] = "icmp6-echo-reply",
	[OBS_DHCP_CLIENT] = "dhcp-client",
	[OBS_DHCP_SERVER] = "dhcp-server",
};

const char *obs_kind_name(enum obs_kind k)
{
	if ((unsigned)k >= OBS_KIND_MAX || !kind_names[k])
		return "unknown";
	return kind_names[k];
}
