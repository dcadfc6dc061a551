/* IPv6 discovery probes: Neighbor Solicitation to the target's solicited-node
 * multicast group with a source link-layer address option (RFC 4861 4.3, 7.2.2),
 * and ICMPv6 echo request to a multicast group such as ff02::1 (RFC 4443 4.1).
 * Checksums per RFC 4443 2.3 over the RFC 8200 8.1 pseudo-header. Frames
 * are built with libnet. */
#include <libnet.h>
#include <stdbool.h>
#include <string.h>

#include "pcur.h"
#include "probe.h"

#define ICMP6_ECHO_REQUEST 128
#define ND_NEIGHBOR_SOLICIT 135

static struct libnet_in6_addr in6(const struct ipd_ip *a)
{
	struct libnet_in6_addr r;
	memcpy(&r, a->b, 16);
	return r;
}

/* IPv6 header and link header under the ICMPv6 message already built in l
 * (tags 2 and 3); libnet fills the ICMPv6 checksum over the RFC 8200 8.1
 * pseudo-header. */
static size_t ip6_finish(libnet_t *l, int32_t *tag, const struct probe_src *src,
			 const struct ipd_ip *dst, const struct ipd_mac *dmac, size_t msglen,
			 uint8_t hlim, uint8_t *buf, size_t cap)
{
	tag[2] = libnet_build_ipv6(0, 0, (uint16_t)msglen, IPPROTO_ICMPV6, hlim, in6(&src->ip6),
				   in6(dst), NULL, 0, l, tag[2]);
	if (tag[2] == -1 || probe_libnet_link(l, dmac, src, ETHERTYPE_IPV6, &tag[3]) != 0) {
		probe_libnet_reset();
		return 0;
	}
	return probe_libnet_take(l, buf, cap);
}

/* Shapes of the libnet block chains (probe.h): kind, option, tagged. */
enum { SHAPE_NS = 10, SHAPE_NS_NOSLLA = 12, SHAPE_ECHO = 14 };

static size_t ns_build(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
		       size_t cap)
{
	if (ipd_ip_is_v4(target) || ipd_ip_is_multicast(target) || cap < PROBE_MAX_FRAME)
		return 0;
	/* A solicitation from the unspecified address must not carry the SLLA
	 * option (RFC 4861 4.3); from a real source it tells the target where
	 * to send its advertisement. */
	bool slla = !ipd_ip_is_unspecified(&src->ip6);
	int32_t *tag;
	libnet_t *l = probe_libnet((slla ? SHAPE_NS : SHAPE_NS_NOSLLA) + (src->vlan > 0), &tag);
	if (!l)
		return 0;
	struct ipd_ip group;
	struct ipd_mac dmac;
	probe_solicited_node(target, &group);
	probe_v6_mcast_mac(&group, &dmac);
	size_t msglen = 24;
	/* libnet builds inner blocks first: the option, then the NS header. */
	if (slla) {
		uint8_t mac[6];
		memcpy(mac, src->mac.b, 6);
		tag[0] = libnet_build_icmpv6_ndp_opt(ND_OPT_SOURCE_LINKADDR, mac, 6, l, tag[0]);
		msglen = 32;
	}
	tag[1] = libnet_build_icmpv6_ndp_nsol(ND_NEIGHBOR_SOLICIT, 0, 0, in6(target), NULL, 0, l,
					      tag[1]);
	if (tag[0] == -1 || tag[1] == -1) {
		probe_libnet_reset();
		return 0;
	}
	return ip6_finish(l, tag, src, &group, &dmac, msglen, 255, buf, cap);
}

static size_t echo_build(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
			 size_t cap)
{
	if (ipd_ip_is_v4(target) || !ipd_ip_is_multicast(target) || cap < PROBE_MAX_FRAME)
		return 0;
	int32_t *tag;
	libnet_t *l = probe_libnet(SHAPE_ECHO + (src->vlan > 0), &tag);
	if (!l)
		return 0;
	struct ipd_mac dmac;
	probe_v6_mcast_mac(target, &dmac);
	tag[1] = libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST, 0, 0, src->echo_id, 1 /* seq */,
					  NULL, 0, l, tag[1]);
	if (tag[1] == -1) {
		probe_libnet_reset();
		return 0;
	}
	/* Link-local multicast: hop limit 1, the group is never routed. */
	return ip6_finish(l, tag, src, target, &dmac, 8, 1, buf, cap);
}

static void ip6_print(FILE *f, const uint8_t *frame, size_t len)
{
	uint16_t et = 0;
	size_t off = probe_print_eth(f, frame, len, &et);
	struct pcur c;
	pcur_init(&c, frame + off, off ? len - off : 0);
	pcur_skip(&c, 4);
	uint16_t plen = pcur_be16(&c);
	uint8_t nh = pcur_u8(&c);
	uint8_t hlim = pcur_u8(&c);
	struct ipd_ip s, d, t;
	pcur_copy(&c, s.b, 16);
	pcur_copy(&c, d.b, 16);
	struct pcur m = pcur_sub(&c, plen);
	uint8_t type = pcur_u8(&m);
	pcur_skip(&m, 3);
	uint16_t id = pcur_be16(&m);
	uint16_t seq = pcur_be16(&m);
	if (!off || et != 0x86dd || nh != 58 || !pcur_ok(&m)) {
		fputs("malformed icmp6 probe\n", f);
		return;
	}
	char sb[IPD_IP_STRLEN], db[IPD_IP_STRLEN], tb[IPD_IP_STRLEN];
	fprintf(f, "%s > %s: ", ipd_ip_fmt(&s, sb, sizeof sb), ipd_ip_fmt(&d, db, sizeof db));
	if (type == ND_NEIGHBOR_SOLICIT) {
		/* the target follows the 4 reserved bytes already skipped as id/seq */
		pcur_init(&m, frame + off + 40 + 8, plen >= 8 ? plen - 8u : 0);
		pcur_copy(&m, t.b, 16);
		fprintf(f, "icmp6 neighbor solicitation, who has %s, hlim %u, length %zu\n",
			ipd_ip_fmt(&t, tb, sizeof tb), hlim, len);
	} else if (type == ICMP6_ECHO_REQUEST) {
		fprintf(f, "icmp6 echo request, id %u, seq %u, hlim %u, length %zu\n", id, seq,
			hlim, len);
	} else {
		fprintf(f, "icmp6 type %u, length %zu\n", type, len);
	}
}

const struct probe_ops probe_nd_ns = {
	.name = "nd-ns",
	.family = 6,
	.build = ns_build,
	.print = ip6_print,
};

const struct probe_ops probe_icmp6_echo = {
	.name = "icmp6-echo",
	.family = 6,
	.build = echo_build,
	.print = ip6_print,
};
