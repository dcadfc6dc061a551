/* IPv6 discovery probes: Neighbor Solicitation to the target's solicited-node
 * multicast group with a source link-layer address option (RFC 4861 4.3, 7.2.2),
 * and ICMPv6 echo request to a multicast group such as ff02::1 (RFC 4443 4.1).
 * Checksums per RFC 4443 2.3 over the RFC 8200 8.1 pseudo-header. */
#include <string.h>

#include "pcur.h"
#include "probe.h"

#define ICMP6_ECHO_REQUEST 128
#define ND_NEIGHBOR_SOLICIT 135

/* IPv6 header + ICMPv6 message at buf + off; the message is already in place. */
static size_t ip6_finish(uint8_t *buf, size_t off, const struct ipd_ip *src,
			 const struct ipd_ip *dst, size_t msglen, uint8_t hlim)
{
	uint8_t *h = buf + off;
	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	h[4] = (uint8_t)(msglen >> 8);
	h[5] = (uint8_t)msglen;
	h[6] = 58; /* ICMPv6 */
	h[7] = hlim;
	memcpy(h + 8, src->b, 16);
	memcpy(h + 24, dst->b, 16);
	uint8_t *m = h + 40;
	m[2] = m[3] = 0;
	uint16_t ck = probe_icmp6_cksum(src->b, dst->b, m, msglen);
	m[2] = (uint8_t)(ck >> 8);
	m[3] = (uint8_t)ck;
	return probe_pad(buf, off + 40 + msglen);
}

static size_t ns_build(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
		       size_t cap)
{
	if (ipd_ip_is_v4(target) || ipd_ip_is_multicast(target) || cap < PROBE_MAX_FRAME)
		return 0;
	struct ipd_ip group;
	struct ipd_mac dmac;
	probe_solicited_node(target, &group);
	probe_v6_mcast_mac(&group, &dmac);
	size_t off = probe_eth(buf, &dmac, &src->mac, src->vlan, 0x86dd);
	uint8_t *m = buf + off + 40;
	memset(m, 0, 8);
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, target->b, 16);
	size_t msglen = 24;
	/* A solicitation from the unspecified address must not carry the SLLA
	 * option (RFC 4861 4.3); from a real source it tells the target where
	 * to send its advertisement. */
	if (!ipd_ip_is_unspecified(&src->ip6)) {
		m[24] = 1; /* source link-layer address */
		m[25] = 1; /* length in units of 8 octets */
		memcpy(m + 26, src->mac.b, 6);
		msglen = 32;
	}
	return ip6_finish(buf, off, &src->ip6, &group, msglen, 255);
}

static size_t echo_build(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
			 size_t cap)
{
	if (ipd_ip_is_v4(target) || !ipd_ip_is_multicast(target) || cap < PROBE_MAX_FRAME)
		return 0;
	struct ipd_mac dmac;
	probe_v6_mcast_mac(target, &dmac);
	size_t off = probe_eth(buf, &dmac, &src->mac, src->vlan, 0x86dd);
	uint8_t *m = buf + off + 40;
	m[0] = ICMP6_ECHO_REQUEST;
	m[1] = 0;
	m[4] = (uint8_t)(src->echo_id >> 8);
	m[5] = (uint8_t)src->echo_id;
	m[6] = 0;
	m[7] = 1; /* sequence */
	/* Link-local multicast: hop limit 1, the group is never routed. */
	return ip6_finish(buf, off, &src->ip6, target, 8, 1);
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
