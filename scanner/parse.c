/*
 * Link layer and parser dispatch: Ethernet II (IEEE 802.3 with DIX framing),
 * IEEE 802.1Q tags and QinQ (802.1ad 0x88a8, and the pre-standard 0x9100
 * outer tag), Linux cooked capture v1 (DLT_LINUX_SLL) and v2
 * (DLT_LINUX_SLL2); then a table of protocol parsers keyed by ethertype.
 * Every outcome is counted: frames = decoded + skipped + truncated + invalid.
 */
#include "parse_int.h"

#include <pcap/dlt.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1 0x9100
#define ETH_P_IPV6 0x86dd

/* More than this many stacked tags is not a real network: call it invalid
 * rather than loop over attacker-chosen depth. */
#define MAX_VLAN_TAGS 4

struct parser {
	enum parser_id id;
	const char *name;
	uint16_t ethertype;
	enum parse_result (*parse)(struct parse_ctx *ctx, struct pcur *c);
};

static const struct parser parsers[] = {
	{ PARSER_ARP, "arp", ETH_P_ARP, parse_arp },
	{ PARSER_ND, "nd", ETH_P_IPV6, parse_ipv6_nd },
	{ PARSER_DHCP, "dhcp", ETH_P_IPV4, parse_ipv4_dhcp },
};

static const char *const parser_names[PARSER_MAX] = {
	[PARSER_L2] = "l2", [PARSER_ARP] = "arp", [PARSER_ND] = "nd", [PARSER_DHCP] = "dhcp",
};

const char *parser_name(enum parser_id id)
{
	if ((unsigned)id >= PARSER_MAX)
		return "unknown";
	return parser_names[id];
}

bool parse_linktype_supported(int linktype)
{
	return linktype == DLT_EN10MB || linktype == DLT_LINUX_SLL || linktype == DLT_LINUX_SLL2;
}

void parse_obs_init(const struct parse_ctx *ctx, struct obs *o, enum obs_kind kind)
{
	/* Up to the DHCP part (see obs.h); the arrays go by their counts. */
	memset(o, 0, offsetof(struct obs, dhcp_msgtype));
	o->kind = kind;
	o->ts_us = ctx->f->ts_us;
	o->iface = ctx->f->iface;
	o->vlan = ctx->l2.vlan;
	o->outer_vlan = ctx->l2.outer_vlan;
	o->eth_src = ctx->l2.src;
	o->eth_dst = ctx->l2.dst;
}

void parse_emit(struct parse_ctx *ctx, const struct obs *o)
{
	if (ctx->sink_st != IPD_OK || !ctx->sink || !ctx->sink->put)
		return;
	ctx->sink_st = ctx->sink->put(ctx->sink->ctx, o);
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == ETH_P_8021Q || t == ETH_P_8021AD || t == ETH_P_QINQ1;
}

/* Tags after the first ethertype. The first tag is the outer one; the VID of
 * the last tag is the one the host lives in. */
static enum parse_result strip_vlans(struct pcur *c, struct l2_info *l2)
{
	int ntags = 0;
	while (is_vlan_tpid(l2->ethertype)) {
		if (++ntags > MAX_VLAN_TAGS)
			return PARSE_INVALID;
		uint16_t tci = pcur_be16(c);
		uint16_t next = pcur_be16(c);
		if (!pcur_ok(c))
			return PARSE_TRUNCATED;
		int vid = tci & 0x0fff;
		if (ntags == 1)
			l2->vlan = vid;
		else {
			l2->outer_vlan = ntags == 2 ? l2->vlan : l2->outer_vlan;
			l2->vlan = vid;
		}
		l2->ethertype = next;
	}
	return PARSE_OK;
}

static enum parse_result link_en10mb(struct pcur *c, struct l2_info *l2)
{
	pcur_copy(c, l2->dst.b, 6);
	pcur_copy(c, l2->src.b, 6);
	l2->ethertype = pcur_be16(c);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	/* 802.3 length field (LLC/SNAP follows): not ours. */
	if (l2->ethertype < 0x0600)
		return PARSE_SKIPPED;
	return strip_vlans(c, l2);
}

/* Linux cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static enum parse_result link_sll(struct pcur *c, struct l2_info *l2)
{
	pcur_skip(c, 2);
	uint16_t hatype = pcur_be16(c);
	uint16_t halen = pcur_be16(c);
	uint8_t addr[8];
	pcur_copy(c, addr, 8);
	l2->ethertype = pcur_be16(c);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	if (hatype == 1 /* ARPHRD_ETHER */ && halen == 6)
		memcpy(l2->src.b, addr, 6);
	if (l2->ethertype < 0x0600)
		return PARSE_SKIPPED; /* Linux "protocol" pseudo values (802.2, 802.3, CAN...) */
	return strip_vlans(c, l2);
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
 * halen(1) addr(8). */
static enum parse_result link_sll2(struct pcur *c, struct l2_info *l2)
{
	l2->ethertype = pcur_be16(c);
	pcur_skip(c, 6);
	uint16_t hatype = pcur_be16(c);
	pcur_skip(c, 1);
	uint8_t halen = pcur_u8(c);
	uint8_t addr[8];
	pcur_copy(c, addr, 8);
	if (!pcur_ok(c))
		return PARSE_TRUNCATED;
	if (hatype == 1 && halen == 6)
		memcpy(l2->src.b, addr, 6);
	if (l2->ethertype < 0x0600)
		return PARSE_SKIPPED;
	return strip_vlans(c, l2);
}

static void count(struct parse_counters *cnt, enum parser_id id, enum parse_result r)
{
	switch (r) {
	case PARSE_OK:
		cnt->decoded++;
		cnt->ok[id]++;
		break;
	case PARSE_SKIPPED:
		cnt->skipped++;
		break;
	case PARSE_TRUNCATED:
		cnt->truncated++;
		cnt->trunc[id]++;
		break;
	case PARSE_INVALID:
		cnt->invalid++;
		cnt->inval[id]++;
		break;
	}
}

enum parse_result parse_frame(const struct frame *f, struct obs_sink *sink,
			      struct parse_counters *cnt)
{
	struct parse_ctx ctx = { .f = f, .sink = sink, .sink_st = IPD_OK };
	struct pcur c;
	enum parse_result r;

	cnt->frames++;
	pcur_init(&c, f->data, f->data ? f->caplen : 0);
	switch (f->linktype) {
	case DLT_EN10MB:
		r = link_en10mb(&c, &ctx.l2);
		break;
	case DLT_LINUX_SLL:
		r = link_sll(&c, &ctx.l2);
		break;
	case DLT_LINUX_SLL2:
		r = link_sll2(&c, &ctx.l2);
		break;
	default:
		cnt->linktype_skipped++;
		count(cnt, PARSER_L2, PARSE_SKIPPED);
		return PARSE_SKIPPED;
	}
	if (r != PARSE_OK) {
		count(cnt, PARSER_L2, r);
		return r;
	}

	const struct parser *p = NULL;
	for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++) {
		if (parsers[i].ethertype == ctx.l2.ethertype) {
			p = &parsers[i];
			break;
		}
	}
	if (!p) {
		count(cnt, PARSER_L2, PARSE_SKIPPED);
		return PARSE_SKIPPED;
	}
	struct pcur payload = pcur_rest(&c);
	r = p->parse(&ctx, &payload);
	count(cnt, p->id, r);
	if (ctx.sink_st != IPD_OK && cnt->stop == IPD_OK)
		cnt->stop = ctx.sink_st;
	return r;
}

char *parse_counters_json(const struct parse_counters *c, char *buf, size_t len)
{
	size_t off = 0;
	int n = snprintf(buf, len,
			 "{\"frames\":%llu,\"decoded\":%llu,\"skipped\":%llu,\"truncated\":%llu,"
			 "\"invalid\":%llu,\"linktype_skipped\":%llu,\"parsers\":{",
			 (unsigned long long)c->frames, (unsigned long long)c->decoded,
			 (unsigned long long)c->skipped, (unsigned long long)c->truncated,
			 (unsigned long long)c->invalid, (unsigned long long)c->linktype_skipped);
	if (n < 0 || (size_t)n >= len)
		goto full;
	off = (size_t)n;
	for (int i = 0; i < PARSER_MAX; i++) {
		n = snprintf(buf + off, len - off, "%s\"%s\":{\"ok\":%llu,\"truncated\":%llu,\"invalid\":%llu}",
			     i ? "," : "", parser_names[i], (unsigned long long)c->ok[i],
			     (unsigned long long)c->trunc[i], (unsigned long long)c->inval[i]);
		if (n < 0 || (size_t)n >= len - off)
			goto full;
		off += (size_t)n;
	}
	n = snprintf(buf + off, len - off, "}}");
	if (n < 0 || (size_t)n >= len - off)
		goto full;
	return buf;
full:
	if (len)
		snprintf(buf, len, "{}");
	return buf;
}
