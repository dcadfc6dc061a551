/*
 * DHCPv4 (RFC 2131, options RFC 2132) carried in UDP (RFC 768) over IPv4
 * (RFC 791). Client messages give chaddr, ciaddr and the hostname (12),
 * requested address (50), client id (61), parameter request list (55) and
 * vendor class (60) used for fingerprinting; server OFFER/ACK/NAK give the
 * server id (54), yiaddr, routers (3) and DNS servers (6). Option overload
 * (52) moves options into the file and sname fields (RFC 2131 4.1 order:
 * options, then file, then sname).
 *
 * Checksums are not verified (offload on the capturing host, see
 * parse_nd.c); fragments are skipped, not reassembled: DHCP messages fit
 * one datagram on Ethernet.
 */
#include "parse_int.h"

#include <string.h>

#define IPPROTO_UDP_ 17
#define BOOTP_SERVER 67
#define BOOTP_CLIENT 68
#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_MAGIC 0x63825363u

#define OPT_PAD 0
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_HOSTNAME 12
#define OPT_REQUESTED 50
#define OPT_OVERLOAD 52
#define OPT_MSGTYPE 53
#define OPT_SERVER_ID 54
#define OPT_PRL 55
#define OPT_VENDOR_CLASS 60
#define OPT_CLIENT_ID 61
#define OPT_END 255

/* Message types (option 53) and who may send them. */
static const uint8_t msg_from_client[] = {
	[1] = 1, /* DISCOVER */ [3] = 1, /* REQUEST */ [4] = 1, /* DECLINE */
	[7] = 1, /* RELEASE */ [8] = 1, /* INFORM */
};
static const uint8_t msg_from_server[] = {
	[2] = 1, /* OFFER */ [5] = 1, /* ACK */ [6] = 1, /* NAK */
};

struct dhcp_opts {
	int overload; /* option 52 value, 0 = none */
	bool seen_msgtype;
};

static int addr_list(struct pcur *oc, struct ipd_ip *out, int max)
{
	int n = 0;
	while (pcur_left(oc) >= 4 && n < max) {
		uint8_t a[4];
		pcur_copy(oc, a, 4);
		ipd_ip_from_v4_bytes(&out[n++], a);
	}
	return n;
}

/* One options area. main_area: the only place option 52 counts. */
static enum parse_result dhcp_options(struct pcur *c, bool main_area, struct dhcp_opts *st,
				      struct obs *o)
{
	while (pcur_left(c) > 0) {
		uint8_t code = pcur_u8(c);
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return PARSE_OK;
		uint8_t len = pcur_u8(c);
		if (!pcur_ok(c))
			return PARSE_INVALID; /* option code without its length */
		if (len > pcur_left(c))
			return PARSE_INVALID; /* absurd length: runs past the area */
		struct pcur oc = pcur_sub(c, len);
		struct pcur peek = oc;
		const uint8_t *v = pcur_bytes(&peek, len); /* borrowed, len bytes */
		switch (code) {
		case OPT_MSGTYPE:
			if (len != 1)
				return PARSE_INVALID;
			o->dhcp_msgtype = v[0];
			st->seen_msgtype = true;
			break;
		case OPT_OVERLOAD:
			if (len != 1 || v[0] < 1 || v[0] > 3)
				return PARSE_INVALID;
			if (main_area)
				st->overload = v[0];
			break;
		case OPT_HOSTNAME:
			if (len == 0)
				return PARSE_INVALID; /* RFC 2132 3.14: minimum length 1 */
			if (!o->hostname) {
				o->hostname = v;
				o->hostname_len = len;
			}
			break;
		case OPT_REQUESTED:
		case OPT_SERVER_ID:
			if (len != 4)
				return PARSE_INVALID;
			if (code == OPT_REQUESTED) {
				ipd_ip_from_v4_bytes(&o->dhcp_requested, v);
				o->has_requested = true;
			} else {
				ipd_ip_from_v4_bytes(&o->dhcp_server_id, v);
				o->has_server_id = true;
			}
			break;
		case OPT_ROUTER:
		case OPT_DNS:
			if (len == 0 || len % 4 != 0)
				return PARSE_INVALID;
			if (code == OPT_ROUTER && o->n_router == 0)
				o->n_router = addr_list(&oc, o->dhcp_router, OBS_MAX_DNS);
			else if (code == OPT_DNS && o->n_dns == 0)
				o->n_dns = addr_list(&oc, o->dhcp_dns, OBS_MAX_DNS);
			break;
		case OPT_PRL:
			if (!o->prl) {
				o->prl = v;
				o->prl_len = len;
			}
			break;
		case OPT_VENDOR_CLASS:
			if (!o->vendor_class) {
				o->vendor_class = v;
				o->vendor_class_len = len;
			}
			break;
		case OPT_CLIENT_ID:
			if (len < 2)
				return PARSE_INVALID; /* RFC 2132 9.14: minimum length 2 */
			if (!o->client_id) {
				o->client_id = v;
				o->client_id_len = len;
			}
			break;
		default:
			break;
		}
	}
	/* Ran out without option 255: tolerated (many stacks pad instead). */
	return PARSE_OK;
}

static enum parse_result parse_bootp(struct parse_ctx *ctx, struct pcur *c, const uint8_t ipsrc[4])
{
	struct obs o;
	memset(&o, 0, offsetof(struct obs, ra_prefix)); /* arrays: by their counts */
	uint8_t op = pcur_u8(c);
	uint8_t htype = pcur_u8(c);
	uint8_t hlen = pcur_u8(c);
	pcur_skip(c, 1); /* hops */
	uint32_t xid = pcur_be32(c);
	pcur_skip(c, 4); /* secs, flags */
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4], chaddr[16];
	pcur_copy(c, ciaddr, 4);
	pcur_copy(c, yiaddr, 4);
	pcur_copy(c, siaddr, 4);
	pcur_copy(c, giaddr, 4);
	pcur_copy(c, chaddr, 16);
	struct pcur sname = pcur_sub(c, 64);
	struct pcur file = pcur_sub(c, 128);
	uint32_t magic = pcur_be32(c);
	if (!pcur_ok(c))
		return PARSE_INVALID; /* the UDP length is all there is: short message */
	if (magic != DHCP_MAGIC)
		return PARSE_SKIPPED; /* plain BOOTP (RFC 951) */
	if (op != BOOTREQUEST && op != BOOTREPLY)
		return PARSE_INVALID;
	if (hlen > 16)
		return PARSE_INVALID;

	struct dhcp_opts st = { 0 };
	/* Kind is fixed after option 53; fill the options into a scratch obs. */
	enum parse_result r = dhcp_options(c, true, &st, &o);
	if (r == PARSE_OK && (st.overload & 1))
		r = dhcp_options(&file, false, &st, &o);
	if (r == PARSE_OK && (st.overload & 2))
		r = dhcp_options(&sname, false, &st, &o);
	if (r != PARSE_OK)
		return r;
	if (!st.seen_msgtype)
		return PARSE_SKIPPED; /* BOOTP with the magic cookie but no DHCP type */
	uint8_t mt = o.dhcp_msgtype;
	bool client = mt < sizeof msg_from_client && msg_from_client[mt];
	bool server = mt < sizeof msg_from_server && msg_from_server[mt];
	if ((!client && !server) || (client && op != BOOTREQUEST) || (server && op != BOOTREPLY))
		return PARSE_INVALID;

	struct obs fin;
	parse_obs_init(ctx, &fin, client ? OBS_DHCP_CLIENT : OBS_DHCP_SERVER);
	memset(&fin.dhcp_msgtype, 0, offsetof(struct obs, ra_prefix) - offsetof(struct obs, dhcp_msgtype));
	/* Copy the option-derived fields over the link-layer template. */
	fin.dhcp_msgtype = mt;
	fin.dhcp_xid = xid;
	fin.dhcp_requested = o.dhcp_requested;
	fin.has_requested = o.has_requested;
	fin.dhcp_server_id = o.dhcp_server_id;
	fin.has_server_id = o.has_server_id;
	memcpy(fin.dhcp_router, o.dhcp_router, sizeof fin.dhcp_router);
	fin.n_router = o.n_router;
	memcpy(fin.dhcp_dns, o.dhcp_dns, sizeof fin.dhcp_dns);
	fin.n_dns = o.n_dns;
	fin.hostname = o.hostname;
	fin.hostname_len = o.hostname_len;
	fin.client_id = o.client_id;
	fin.client_id_len = o.client_id_len;
	fin.prl = o.prl;
	fin.prl_len = o.prl_len;
	fin.vendor_class = o.vendor_class;
	fin.vendor_class_len = o.vendor_class_len;

	ipd_ip_from_v4_bytes(&fin.dhcp_ciaddr, ciaddr);
	ipd_ip_from_v4_bytes(&fin.dhcp_yiaddr, yiaddr);
	fin.has_yiaddr = ipd_ip_v4(&fin.dhcp_yiaddr) != 0;
	ipd_ip_from_v4_bytes(&fin.dhcp_giaddr, giaddr);
	(void)siaddr;
	if (htype == 1 && hlen == 6) {
		memcpy(fin.dhcp_chaddr.b, chaddr, 6);
		fin.has_chaddr = true;
	}
	if (client) {
		/* The client's own claim: its current address (ciaddr) and chaddr. */
		fin.ip = fin.dhcp_ciaddr;
		fin.has_ip = ipd_ip_v4(&fin.ip) != 0;
		fin.mac = fin.dhcp_chaddr;
		fin.has_mac = fin.has_chaddr;
	} else {
		/* The server speaks for itself: IP source and frame source. */
		ipd_ip_from_v4_bytes(&fin.ip, ipsrc);
		fin.has_ip = ipd_ip_v4(&fin.ip) != 0;
		fin.mac = ctx->l2.src;
		fin.has_mac = !ipd_mac_is_zero(&fin.mac);
	}
	parse_emit(ctx, &fin);
	return PARSE_OK;
}

enum parse_result parse_ipv4_dhcp(struct parse_ctx *ctx, struct pcur *c)
{
	uint8_t vihl = pcur_u8(c);
	pcur_skip(c, 1); /* DSCP/ECN */
	uint16_t tot = pcur_be16(c);
	pcur_skip(c, 2); /* id */
	uint16_t frag = pcur_be16(c);
	pcur_skip(c, 1); /* TTL */
	uint8_t proto = pcur_u8(c);
	pcur_skip(c, 2); /* header checksum, see the file comment */
	uint8_t src[4];
	pcur_copy(c, src, 4);
	pcur_skip(c, 4);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || ihl < 20)
		return PARSE_INVALID;
	/* Is it ours? Decide from the bytes present before judging lengths:
	 * a snapped TCP segment is somebody else's packet, not a truncated DHCP. */
	if (proto != IPPROTO_UDP_)
		return PARSE_SKIPPED;
	if ((frag & 0x1fff) != 0 || (frag & 0x2000))
		return PARSE_SKIPPED; /* a fragment: not reassembled */
	struct pcur q = *c;
	pcur_skip(&q, ihl - 20);
	uint16_t sport = pcur_be16(&q);
	uint16_t dport = pcur_be16(&q);
	if (!pcur_ok(&q))
		return PARSE_TRUNCATED;
	bool sp = sport == BOOTP_SERVER || sport == BOOTP_CLIENT;
	bool dp = dport == BOOTP_SERVER || dport == BOOTP_CLIENT;
	if (!sp || !dp)
		return PARSE_SKIPPED;

	if (tot < ihl)
		return PARSE_INVALID;
	/* 20 bytes consumed; total length counts from the start of the header. */
	if ((size_t)tot - 20 > pcur_left(c))
		return PARSE_TRUNCATED;
	struct pcur ip = pcur_sub(c, (size_t)tot - 20);
	if (!pcur_skip(&ip, ihl - 20))
		return PARSE_INVALID; /* options longer than the datagram */
	pcur_skip(&ip, 4); /* ports, read above */
	uint16_t ulen = pcur_be16(&ip);
	pcur_skip(&ip, 2);
	if (!pcur_ok(&ip))
		return PARSE_INVALID; /* IP says this is all, and it is short */
	if (ulen < 8 || (size_t)ulen - 8 > pcur_left(&ip))
		return PARSE_INVALID;
	struct pcur u = pcur_sub(&ip, (size_t)ulen - 8);
	return parse_bootp(ctx, &u, src);
}
