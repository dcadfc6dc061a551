/*
 * Active probes: a vtable per probe kind (zmap probe_module_t shape), listed
 * in one registry and looked up by name. A probe builds a complete Ethernet
 * frame (optionally 802.1Q-tagged) for one target with libnet into a
 * caller's buffer, so the sender can fill batch slots or a TX ring; `print` turns
 * a built frame back into one line for --dry-run.
 */
#ifndef IPD_PROBE_H
#define IPD_PROBE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/addr.h"

/* Largest frame any probe builds (NS with VLAN tag is 90 bytes). */
#define PROBE_MAX_FRAME 128
/* Frames shorter than this are zero-padded (Ethernet minimum without FCS),
 * so what --write-pcap shows is what a NIC would put on the wire. */
#define PROBE_MIN_FRAME 60

/* Who the probes claim to come from. */
struct probe_src {
	struct ipd_mac mac;
	struct ipd_ip ip4;     /* ARP sender address; 0.0.0.0 = RFC 5227 probe style */
	struct ipd_ip ip6;     /* IPv6 source, normally the interface's link-local */
	int vlan;              /* 802.1Q VID 1..4094, 0 = untagged */
	uint16_t echo_id;      /* ICMPv6 echo identifier, to recognise our replies */
};

struct probe_ops {
	const char *name;      /* "arp", "nd-ns", "icmp6-echo" */
	int family;            /* 4 or 6: which targets it takes */
	/* Build the frame probing target into buf (cap >= PROBE_MAX_FRAME).
	 * Returns the frame length, or 0 when target is not for this probe. */
	size_t (*build)(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
			size_t cap);
	/* One line describing a frame this probe built (dry-run). */
	void (*print)(FILE *f, const uint8_t *frame, size_t len);
};

extern const struct probe_ops probe_arp, probe_nd_ns, probe_icmp6_echo;

/* NULL when unknown. */
const struct probe_ops *probe_by_name(const char *name);

/* --- helpers shared by the probe files --- */
/* The calling thread's libnet context (LIBNET_NONE: libnet builds the frames,
 * the sweep sends them in batches through AF_PACKET); created on first use,
 * destroyed when the thread exits. A frame is built from PROBE_LN_TAGS
 * protocol blocks whose tags stay in *tags: while consecutive frames have
 * the same shape (probe kind, option, tagged or not) libnet rewrites the
 * blocks in place instead of allocating them again. A new shape clears the
 * context. NULL if libnet cannot start. */
#define PROBE_LN_TAGS 4
struct libnet_context *probe_libnet(int shape, int32_t **tags);
/* Drop whatever was built (after a libnet error). */
void probe_libnet_reset(void);
/* Assemble what was built in l (checksums filled by libnet) into buf and
 * pad to PROBE_MIN_FRAME. Returns the frame length, 0 on a libnet error. */
size_t probe_libnet_take(struct libnet_context *l, uint8_t *buf, size_t cap);
/* Link header for a probe: Ethernet II, or 802.1Q-tagged when src->vlan > 0;
 * *tag as for the other blocks. */
int probe_libnet_link(struct libnet_context *l, const struct ipd_mac *dst,
		      const struct probe_src *src, uint16_t ethertype, int32_t *tag);
/* Ethernet II header, with an 802.1Q tag when vlan > 0. Returns its length.
 * (The probes build through libnet; the unit tests craft replies with it.) */
size_t probe_eth(uint8_t *buf, const struct ipd_mac *dst, const struct ipd_mac *src, int vlan,
		 uint16_t ethertype);
/* Pad to PROBE_MIN_FRAME; returns the new length. */
size_t probe_pad(uint8_t *buf, size_t len);
/* Internet checksum of an ICMPv6 message with its pseudo-header (RFC 4443 2.3,
 * RFC 8200 8.1). */
uint16_t probe_icmp6_cksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
			   size_t len);
/* Solicited-node multicast address ff02::1:ffXX:XXXX of target (RFC 4291 2.7.1). */
void probe_solicited_node(const struct ipd_ip *target, struct ipd_ip *out);
/* 33:33 + low 32 bits (RFC 2464 7). */
void probe_v6_mcast_mac(const struct ipd_ip *group, struct ipd_mac *out);
/* Print the Ethernet / VLAN part of a frame ("src > dst vlan N: ") and return
 * the payload offset, or 0 when the frame is too short. */
size_t probe_print_eth(FILE *f, const uint8_t *frame, size_t len, uint16_t *ethertype);

#endif
