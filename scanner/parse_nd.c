/*
 * IPv6 Neighbor Discovery (RFC 4861): Router Solicitation, Router
 * Advertisement (prefix information, MTU, source link-layer and RDNSS
 * (RFC 8106) options), Neighbor Solicitation (incl. Duplicate Address
 * Detection from :: per RFC 4862 5.4), Neighbor Advertisement; plus ICMPv6
 * Echo Reply (RFC 4443) for the sweep's reply matcher. IPv6 header per
 * RFC 8200. ND options are TLVs in units of 8 octets; a zero length is
 * malformed (RFC 4861 4.6) and every option must fit before it is read.
 *
 * ICMPv6 checksums are not verified: frames captured on the sending host
 * carry unfinished checksums (offload), and passive discovery should still
 * see them.
 */
#include "parse_int.h"

#include <string.h>

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define MAX_EXT_HEADERS 8

#define ICMP6_ECHO_REPLY 129
#define ND_RS 133
#define ND_RA 134
#define ND_NS 135
#define ND_NA 136

#define OPT_SLLA 1
#define OPT_TLLA 2
#define OPT_PREFIX 3
#define OPT_MTU 5
#define OPT_RDNSS 25

struct nd_opts {
	struct ipd_mac lla;  /* SLLA or TLLA, whichever the message carries */
	bool has_lla;
};

static bool ip6_is_unspec(const uint8_t a[16])
{
	static const uint8_t z[16];
	return memcmp(a, z, 16) == 0;
}

static bool ip6_is_mcast(const uint8_t a[16]) { return a[0] == 0xff; }
static bool ip6_is_linklocal(const uint8_t a[16]) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }

/* Walk the options; c covers exactly the options area. want_lla is the
 * option type holding the link-layer address for this message. */
static enum parse_result nd_options(struct pcur *c, int want_lla, struct nd_opts *nd,
				    struct obs *o)
{
	while (pcur_left(c) > 0) {
		uint8_t type = pcur_u8(c);
		uint8_t len8 = pcur_u8(c);
		if (!pcur_ok(c))
			return PARSE_INVALID; /* a lone byte after the last option */
		if (len8 == 0)
			return PARSE_INVALID; /* RFC 4861 4.6: would loop forever */
		size_t body = (size_t)len8 * 8 - 2;
		if (body > pcur_left(c))
			return PARSE_INVALID; /* option longer than the message */
		struct pcur oc = pcur_sub(c, body);
		switch (type) {
		case OPT_SLLA:
		case OPT_TLLA:
			if (type != want_lla || nd->has_lla)
				break;
			pcur_copy(&oc, nd->lla.b, 6);
			nd->has_lla = pcur_ok(&oc);
			break;
		case OPT_PREFIX: {
			if (len8 != 4)
				return PARSE_INVALID; /* RFC 4861 4.6.2: length 4 */
			if (!o || o->kind != OBS_ND_RA)
				break;
			uint8_t plen = pcur_u8(&oc);
			pcur_skip(&oc, 1 + 4 + 4 + 4); /* flags, valid, preferred, reserved */
			uint8_t pfx[16];
			pcur_copy(&oc, pfx, 16);
			if (plen > 128)
				return PARSE_INVALID;
			if (o->n_ra_prefix < (int)(sizeof o->ra_prefix / sizeof o->ra_prefix[0])) {
				struct ipd_ip ip;
				ipd_ip_from_v6_bytes(&ip, pfx);
				ipd_prefix_of(&ip, plen, &o->ra_prefix[o->n_ra_prefix++]);
			}
			break;
		}
		case OPT_MTU:
			if (len8 != 1)
				return PARSE_INVALID;
			if (o && o->kind == OBS_ND_RA) {
				pcur_skip(&oc, 2);
				o->ra_mtu = pcur_be32(&oc);
			}
			break;
		case OPT_RDNSS:
			/* RFC 8106 5.1: length 3 + 2 per address, so odd and >= 3. */
			if (len8 < 3 || (len8 & 1) == 0)
				return PARSE_INVALID;
			if (o && o->kind == OBS_ND_RA) {
				pcur_skip(&oc, 2 + 4);
				while (pcur_left(&oc) >= 16 && o->n_rdnss < OBS_MAX_DNS) {
					uint8_t a[16];
					pcur_copy(&oc, a, 16);
					ipd_ip_from_v6_bytes(&o->rdnss[o->n_rdnss++], a);
				}
			}
			break;
		default:
			break; /* RFC 4861 4.6: unknown options are skipped */
		}
	}
	return PARSE_OK;
}

enum parse_result parse_ipv6_nd(struct parse_ctx *ctx, struct pcur *c)
{
	uint32_t vtf = pcur_be32(c);
	uint16_t plen = pcur_be16(c);
	uint8_t next = pcur_u8(c);
	uint8_t hlim = pcur_u8(c);
	uint8_t src[16], dst[16];
	pcur_copy(c, src, 16);
	pcur_copy(c, dst, 16);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	if (vtf >> 28 != 6)
		return PARSE_INVALID;

	/* Is it ours? Decide from the bytes present before judging lengths:
	 * a snapped TCP segment is somebody else's packet, not a truncated ND. */
	struct pcur q = *c;
	uint8_t qn = next;
	for (int i = 0; qn != IPPROTO_ICMPV6_; i++) {
		if (qn != IPPROTO_HOPOPTS_ && qn != IPPROTO_ROUTING_ && qn != IPPROTO_DSTOPTS_)
			return PARSE_SKIPPED; /* TCP, UDP, fragments (never ND: RFC 6980), ... */
		if (i >= MAX_EXT_HEADERS)
			return PARSE_INVALID;
		uint8_t nh = pcur_u8(&q);
		uint8_t hl = pcur_u8(&q);
		pcur_skip(&q, (size_t)hl * 8 + 6);
		if (!pcur_ok(&q))
			return PARSE_TRUNCATED;
		qn = nh;
	}
	uint8_t qtype = pcur_u8(&q);
	if (!pcur_ok(&q))
		return PARSE_TRUNCATED;
	if (qtype != ICMP6_ECHO_REPLY && (qtype < ND_RS || qtype > ND_NA))
		return PARSE_SKIPPED;

	if (plen > pcur_left(c))
		return PARSE_TRUNCATED; /* payload length beyond what we have */
	/* Bound by the payload length: Ethernet padding is not ICMPv6. */
	struct pcur p = pcur_sub(c, plen);
	while (next != IPPROTO_ICMPV6_) {
		uint8_t nh = pcur_u8(&p);
		uint8_t hl = pcur_u8(&p);
		if (!pcur_ok(&p) || !pcur_skip(&p, (size_t)hl * 8 + 6))
			return PARSE_INVALID; /* header longer than the payload */
		next = nh;
	}

	uint8_t type = pcur_u8(&p);
	uint8_t code = pcur_u8(&p);
	pcur_skip(&p, 2); /* checksum, see the file comment */
	if (!pcur_ok(&p))
		return PARSE_INVALID; /* the payload length itself says there is no ICMPv6 header */
	if (type != ICMP6_ECHO_REPLY && (type < ND_RS || type > ND_NA))
		return PARSE_SKIPPED;
	/* RFC 4861 6.1/7.1: hop limit 255 (not forwarded) and code 0. */
	if (code != 0 || (type != ICMP6_ECHO_REPLY && hlim != 255))
		return PARSE_INVALID;

	struct obs o;
	struct nd_opts nd = { 0 };
	enum parse_result r;
	switch (type) {
	case ICMP6_ECHO_REPLY:
		parse_obs_init(ctx, &o, OBS_ICMP6_ECHO_REPLY);
		o.echo_id = pcur_be16(&p);
		o.echo_seq = pcur_be16(&p);
		if (!pcur_ok(&p))
			return PARSE_INVALID;
		ipd_ip_from_v6_bytes(&o.ip, src);
		o.has_ip = !ip6_is_unspec(src) && !ip6_is_mcast(src);
		o.mac = ctx->l2.src;
		o.has_mac = !ipd_mac_is_zero(&o.mac);
		if (!o.has_ip)
			return PARSE_INVALID;
		parse_emit(ctx, &o);
		return PARSE_OK;

	case ND_RS:
		parse_obs_init(ctx, &o, OBS_ND_RS);
		if (!pcur_skip(&p, 4))
			return PARSE_INVALID;
		r = nd_options(&p, OPT_SLLA, &nd, &o);
		if (r != PARSE_OK)
			return r;
		/* RFC 4861 6.1.1: from :: there must be no SLLA option. */
		if (ip6_is_unspec(src) && nd.has_lla)
			return PARSE_INVALID;
		break;

	case ND_RA:
		parse_obs_init(ctx, &o, OBS_ND_RA);
		o.ra_hop_limit = pcur_u8(&p);
		pcur_skip(&p, 1); /* M, O, ... flags */
		o.ra_lifetime = pcur_be16(&p);
		pcur_skip(&p, 8); /* reachable, retrans timers */
		if (!pcur_ok(&p))
			return PARSE_INVALID;
		/* RFC 4861 6.1.2: the source must be link-local. */
		if (!ip6_is_linklocal(src))
			return PARSE_INVALID;
		r = nd_options(&p, OPT_SLLA, &nd, &o);
		if (r != PARSE_OK)
			return r;
		break;

	case ND_NS: {
		uint8_t tgt[16];
		pcur_skip(&p, 4);
		pcur_copy(&p, tgt, 16);
		if (!pcur_ok(&p))
			return PARSE_INVALID;
		if (ip6_is_mcast(tgt))
			return PARSE_INVALID; /* RFC 4861 7.1.1 */
		bool dad = ip6_is_unspec(src);
		parse_obs_init(ctx, &o, dad ? OBS_ND_NS_DAD : OBS_ND_NS);
		ipd_ip_from_v6_bytes(&o.target_ip, tgt);
		o.has_target = true;
		r = nd_options(&p, OPT_SLLA, &nd, &o);
		if (r != PARSE_OK)
			return r;
		/* RFC 4861 7.1.1: DAD carries no SLLA and goes to solicited-node. */
		if (dad && (nd.has_lla || !ip6_is_mcast(dst)))
			return PARSE_INVALID;
		break;
	}

	case ND_NA: {
		uint8_t tgt[16];
		uint8_t flags = pcur_u8(&p);
		pcur_skip(&p, 3);
		pcur_copy(&p, tgt, 16);
		if (!pcur_ok(&p))
			return PARSE_INVALID;
		if (ip6_is_mcast(tgt) || ip6_is_unspec(tgt))
			return PARSE_INVALID;
		/* RFC 4861 7.1.2: solicited NAs are not multicast. */
		if ((flags & 0x40) && ip6_is_mcast(dst))
			return PARSE_INVALID;
		parse_obs_init(ctx, &o, OBS_ND_NA);
		o.na_flags = flags & 0xe0;
		r = nd_options(&p, OPT_TLLA, &nd, &o);
		if (r != PARSE_OK)
			return r;
		/* The NA is about its target, not its source. */
		ipd_ip_from_v6_bytes(&o.ip, tgt);
		o.has_ip = true;
		o.target_ip = o.ip;
		o.has_target = true;
		o.mac = nd.has_lla ? nd.lla : ctx->l2.src;
		o.has_mac = !ipd_mac_is_zero(&o.mac);
		parse_emit(ctx, &o);
		return PARSE_OK;
	}
	}

	/* RS, RA, NS: the claim is (source address, SLLA or frame source). */
	if (!ip6_is_unspec(src) && !ip6_is_mcast(src)) {
		ipd_ip_from_v6_bytes(&o.ip, src);
		o.has_ip = true;
	} else if (ip6_is_mcast(src)) {
		return PARSE_INVALID;
	}
	o.mac = nd.has_lla ? nd.lla : ctx->l2.src;
	o.has_mac = !ipd_mac_is_zero(&o.mac);
	parse_emit(ctx, &o);
	return PARSE_OK;
}
