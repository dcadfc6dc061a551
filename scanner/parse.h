/*
 * Frame parsing: link layer (Ethernet II, 802.1Q, QinQ, Linux cooked) then a
 * table of protocol parsers (ARP, ND, DHCPv4). Parsers return a status that
 * parse.c counts per parser; they never log per packet.
 */
#ifndef IPD_PARSE_H
#define IPD_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "obs.h"
#include "pcur.h"

enum parse_result {
	PARSE_OK,          /* decoded, observations emitted */
	PARSE_SKIPPED,     /* not ours (other ethertype / protocol / link type) */
	PARSE_TRUNCATED,
	PARSE_INVALID,
};

enum parser_id { PARSER_L2, PARSER_ARP, PARSER_ND, PARSER_DHCP, PARSER_MAX };

struct parse_counters {
	uint64_t frames;                   /* frames offered */
	uint64_t decoded, skipped, truncated, invalid; /* outcome per frame */
	uint64_t ok[PARSER_MAX], trunc[PARSER_MAX], inval[PARSER_MAX];
	uint64_t linktype_skipped;         /* frames of a link type we do not decode */
	enum ipd_status stop;              /* a sink returned non-OK: the caller should stop */
};

/* Context for one link-layer payload, handed to a protocol parser. */
struct l2_info {
	struct ipd_mac src, dst;
	int vlan, outer_vlan;
	uint16_t ethertype;
};

/* Parse one frame, emitting zero or more observations to sink.
 * The frame outcome is counted in *cnt (frames = decoded + skipped + truncated + invalid). */
enum parse_result parse_frame(const struct frame *f, struct obs_sink *sink,
			      struct parse_counters *cnt);

const char *parser_name(enum parser_id id);

/* True when parse_frame decodes this DLT_* (EN10MB, LINUX_SLL, LINUX_SLL2). */
bool parse_linktype_supported(int linktype);

/* Counters as a JSON object (run stats), written into buf; returns buf. */
char *parse_counters_json(const struct parse_counters *c, char *buf, size_t len);

#endif
