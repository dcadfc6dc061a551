/*
 * Internal to the parsers: the per-frame context handed from the link layer
 * (parse.c) to one protocol parser, and the helpers every parser uses to
 * build and emit observations. Not for sinks.
 */
#ifndef IPD_PARSE_INT_H
#define IPD_PARSE_INT_H
#include "parse.h"

struct parse_ctx {
	const struct frame *f;
	struct l2_info l2;
	struct obs_sink *sink;
	enum ipd_status sink_st;   /* first non-OK from sink->put */
};

/* Zero o and fill what the link layer knows (time, iface, VLANs, MACs). */
void parse_obs_init(const struct parse_ctx *ctx, struct obs *o, enum obs_kind kind);
/* Hand o to the sink; remembers the first error (the capture stops on it). */
void parse_emit(struct parse_ctx *ctx, const struct obs *o);

/* Protocol parsers: c is the link-layer payload (bounded, padding included). */
enum parse_result parse_arp(struct parse_ctx *ctx, struct pcur *c);   /* RFC 826 */
enum parse_result parse_ipv6_nd(struct parse_ctx *ctx, struct pcur *c); /* RFC 4861 */
enum parse_result parse_ipv4_dhcp(struct parse_ctx *ctx, struct pcur *c); /* RFC 2131 */

#endif
