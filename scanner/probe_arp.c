/* ARP who-has probe (RFC 826): Ethernet broadcast, opcode request, sender =
 * our MAC and address, target hardware address zero. Built with libnet. */
#include <libnet.h>
#include <string.h>

#include "pcur.h"
#include "probe.h"

static size_t arp_build(const struct probe_src *src, const struct ipd_ip *target, uint8_t *buf,
			size_t cap)
{
	static const struct ipd_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const uint8_t zero[6];
	if (!ipd_ip_is_v4(target) || cap < PROBE_MAX_FRAME)
		return 0;
	int32_t *tag;
	libnet_t *l = probe_libnet(src->vlan > 0 ? 2 : 1, &tag);
	if (!l)
		return 0;
	tag[0] = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, src->mac.b,
				  src->ip4.b + 12, zero, target->b + 12, NULL, 0, l, tag[0]);
	if (tag[0] == -1 || probe_libnet_link(l, &bcast, src, ETHERTYPE_ARP, &tag[1]) != 0) {
		probe_libnet_reset();
		return 0;
	}
	return probe_libnet_take(l, buf, cap);
}

static void arp_print(FILE *f, const uint8_t *frame, size_t len)
{
	uint16_t et = 0;
	size_t off = probe_print_eth(f, frame, len, &et);
	struct pcur c;
	pcur_init(&c, frame + off, off ? len - off : 0);
	pcur_skip(&c, 6);
	uint16_t op = pcur_be16(&c);
	uint8_t sha[6], spa[4], tpa[4];
	pcur_copy(&c, sha, 6);
	pcur_copy(&c, spa, 4);
	pcur_skip(&c, 6);
	pcur_copy(&c, tpa, 4);
	if (!off || et != 0x0806 || !pcur_ok(&c)) {
		fputs("malformed arp probe\n", f);
		return;
	}
	struct ipd_ip s, t;
	ipd_ip_from_v4_bytes(&s, spa);
	ipd_ip_from_v4_bytes(&t, tpa);
	char sb[IPD_IP_STRLEN], tb[IPD_IP_STRLEN];
	fprintf(f, "arp %s who-has %s tell %s, length %zu\n", op == 1 ? "request" : "op?",
		ipd_ip_fmt(&t, tb, sizeof tb), ipd_ip_fmt(&s, sb, sizeof sb), len);
}

const struct probe_ops probe_arp = {
	.name = "arp",
	.family = 4,
	.build = arp_build,
	.print = arp_print,
};
