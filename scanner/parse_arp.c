/*
 * ARP over Ethernet for IPv4 (RFC 826), with the RFC 5227 address conflict
 * detection forms: probes (sender IP 0.0.0.0) and announcements (request
 * with sender IP == target IP), and gratuitous ARP (RFC 5944 4.6 / common
 * usage: any ARP whose sender IP equals its target IP).
 */
#include "parse_int.h"

#include <string.h>

#define ARPHRD_ETHER 1
#define ARPHRD_IEEE802 6
#define ARP_PTYPE_IPV4 0x0800
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

enum parse_result parse_arp(struct parse_ctx *ctx, struct pcur *c)
{
	uint16_t htype = pcur_be16(c);
	uint16_t ptype = pcur_be16(c);
	uint8_t hlen = pcur_u8(c);
	uint8_t plen = pcur_u8(c);
	uint16_t op = pcur_be16(c);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	/* Only Ethernet-sized hardware addresses and IPv4 are ours; anything
	 * else (e.g. ARCnet, AX.25, Frame Relay ARP) is another protocol. */
	if ((htype != ARPHRD_ETHER && htype != ARPHRD_IEEE802) || ptype != ARP_PTYPE_IPV4)
		return PARSE_SKIPPED;
	/* The header says Ethernet/IPv4 but announces other sizes: malformed. */
	if (hlen != 6 || plen != 4)
		return PARSE_INVALID;
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		return PARSE_SKIPPED; /* RARP/InARP opcodes: not an IPv4 claim */

	struct ipd_mac sha, tha;
	uint8_t spa[4], tpa[4];
	pcur_copy(c, sha.b, 6);
	pcur_copy(c, spa, 4);
	pcur_copy(c, tha.b, 6);
	pcur_copy(c, tpa, 4);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	/* A broadcast/multicast sender hardware address claims nothing. */
	if (ipd_mac_is_multicast(&sha) || ipd_mac_is_zero(&sha))
		return PARSE_INVALID;

	static const uint8_t zero4[4];
	struct obs o;
	enum obs_kind kind;
	bool spa_zero = memcmp(spa, zero4, 4) == 0;
	if (spa_zero) {
		/* RFC 5227 2.1.1: a probe is a request from 0.0.0.0; a reply from
		 * 0.0.0.0 claims nothing. */
		if (op != ARPOP_REQUEST)
			return PARSE_INVALID;
		kind = OBS_ARP_PROBE;
	} else if (memcmp(spa, tpa, 4) == 0) {
		kind = (op == ARPOP_REQUEST && ipd_mac_is_zero(&tha)) ? OBS_ARP_ANNOUNCE
								       : OBS_ARP_GRATUITOUS;
	} else {
		kind = op == ARPOP_REQUEST ? OBS_ARP_REQUEST : OBS_ARP_REPLY;
	}
	parse_obs_init(ctx, &o, kind);
	o.mac = sha;
	o.has_mac = true;
	if (!spa_zero) {
		ipd_ip_from_v4_bytes(&o.ip, spa);
		o.has_ip = true;
	}
	ipd_ip_from_v4_bytes(&o.target_ip, tpa);
	o.has_target = true;
	parse_emit(ctx, &o);
	return PARSE_OK;
}
