/*
 * What parsers produce: a neutral record that sinks (store, printer, test
 * collector, sweep reply matcher) consume. Parsers never see the store and
 * sinks never see packet bytes (zmap fieldset / output-module split).
 */
#ifndef IPD_OBS_H
#define IPD_OBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/status.h"

/* What kind of packet said it. */
enum obs_kind {
	OBS_ARP_REQUEST,     /* who-has; sender ip/mac valid */
	OBS_ARP_REPLY,       /* is-at */
	OBS_ARP_GRATUITOUS,  /* sender ip == target ip (request or reply) */
	OBS_ARP_PROBE,       /* RFC 5227 probe: sender 0.0.0.0, target = ip asked for */
	OBS_ARP_ANNOUNCE,    /* RFC 5227 announcement */
	OBS_ND_NS,           /* neighbor solicitation (sender = IPv6 src) */
	OBS_ND_NS_DAD,       /* DAD: source ::, target = tentative address */
	OBS_ND_NA,           /* neighbor advertisement: target + TLLA */
	OBS_ND_RS,
	OBS_ND_RA,           /* router advertisement */
	OBS_ICMP6_ECHO_REPLY,/* reply to a sweep's echo to ff02::1 */
	OBS_DHCP_CLIENT,     /* DISCOVER/REQUEST/INFORM/DECLINE/RELEASE from a client */
	OBS_DHCP_SERVER,     /* OFFER/ACK/NAK from a server */
	OBS_KIND_MAX
};

#define OBS_MAX_DNS 4

struct obs {
	enum obs_kind kind;
	int64_t ts_us;
	const char *iface;
	int vlan;                 /* innermost 802.1Q VID, 0 = untagged */
	int outer_vlan;           /* QinQ outer VID, 0 = none */
	struct ipd_mac eth_src;   /* frame source MAC */
	struct ipd_mac eth_dst;
	struct ipd_ip ip;         /* the address this observation is about */
	struct ipd_mac mac;       /* the MAC claiming it (ARP sender / ND lladdr / chaddr) */
	bool has_ip, has_mac;
	struct ipd_ip target_ip;  /* ARP target / NS target / DAD tentative address */
	bool has_target;

	/* ICMPv6 echo reply (sweep's matcher) */
	uint16_t echo_id, echo_seq;

	/* ND */
	uint8_t na_flags;         /* R=0x80 S=0x40 O=0x20 */
	uint8_t ra_hop_limit;
	uint16_t ra_lifetime;
	uint32_t ra_mtu;          /* 0 = no MTU option */
	int n_ra_prefix;
	int n_rdnss;

	/* DHCPv4: from here to the arrays, defined only in OBS_DHCP_CLIENT /
	 * OBS_DHCP_SERVER observations (parse_obs_init() clears what comes
	 * before; the DHCP parser clears this part: every ARP and ND frame
	 * would pay for clearing it otherwise). */
	uint8_t dhcp_msgtype;     /* option 53 */
	uint32_t dhcp_xid;
	struct ipd_ip dhcp_yiaddr, dhcp_ciaddr, dhcp_requested, dhcp_server_id;
	bool has_yiaddr, has_requested, has_server_id;
	int n_router;
	int n_dns;
	const uint8_t *hostname;  /* option 12, raw bytes, NOT NUL-terminated; borrowed */
	size_t hostname_len;
	const uint8_t *client_id; /* option 61, borrowed */
	size_t client_id_len;
	const uint8_t *prl;       /* option 55 parameter request list, borrowed */
	size_t prl_len;
	const uint8_t *vendor_class; /* option 60, borrowed */
	size_t vendor_class_len;
	struct ipd_mac dhcp_chaddr;  /* client hardware address (htype 1, hlen 6) */
	bool has_chaddr;
	struct ipd_ip dhcp_giaddr;   /* relay agent, 0.0.0.0 = none */

	/* Arrays last: only their first n_* entries are defined, and
	 * parse_obs_init() leaves them alone (half the struct, cleared once
	 * per decoded frame otherwise). */
	struct ipd_prefix ra_prefix[4];            /* n_ra_prefix */
	struct ipd_ip rdnss[OBS_MAX_DNS];          /* n_rdnss */
	struct ipd_ip dhcp_router[OBS_MAX_DNS];    /* n_router */
	struct ipd_ip dhcp_dns[OBS_MAX_DNS];       /* n_dns */
};

/* Sinks: a context and a put function. Borrowed pointers inside the obs are
 * valid only during put. Return non-OK to stop the capture. */
struct obs_sink {
	void *ctx;
	enum ipd_status (*put)(void *ctx, const struct obs *o);
};

const char *obs_kind_name(enum obs_kind k);

#endif
