/* Probe registry and the Ethernet / checksum helpers the probes share
 * (IEEE 802.3, IEEE 802.1Q, RFC 1071 checksum). */
#include <libnet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "pcur.h"
#include "probe.h"

static const struct probe_ops *const registry[] = { &probe_arp, &probe_nd_ns,
	&probe_icmp6_echo };

const struct probe_ops *probe_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/* One libnet context per thread (sweep --threads builds in parallel); the
 * key's destructor frees it when the thread ends. */
struct ln_state {
	libnet_t *l;
	int shape;
	libnet_ptag_t tags[PROBE_LN_TAGS];
};

static pthread_once_t ln_once = PTHREAD_ONCE_INIT;
static pthread_key_t ln_key;

static void ln_destroy(void *p)
{
	struct ln_state *st = p;
	libnet_destroy(st->l);
	free(st);
}

static void ln_key_init(void) { pthread_key_create(&ln_key, ln_destroy); }

static struct ln_state *ln_state(void)
{
	pthread_once(&ln_once, ln_key_init);
	struct ln_state *st = pthread_getspecific(ln_key);
	if (!st) {
		char err[LIBNET_ERRBUF_SIZE] = "";
		libnet_t *l = libnet_init(LIBNET_NONE, NULL, err);
		if (!l) {
			static atomic_flag warned = ATOMIC_FLAG_INIT; /* not once per frame */
			if (!atomic_flag_test_and_set(&warned))
				log_warnx("libnet: %s", err);
			return NULL;
		}
		st = xcalloc(1, sizeof *st);
		st->l = l;
		pthread_setspecific(ln_key, st);
	}
	return st;
}

struct libnet_context *probe_libnet(int shape, int32_t **tags)
{
	_Static_assert(sizeof(libnet_ptag_t) == sizeof(int32_t), "libnet_ptag_t is int32_t");
	struct ln_state *st = ln_state();
	if (!st)
		return NULL;
	if (st->shape != shape) {
		libnet_clear_packet(st->l);
		memset(st->tags, 0, sizeof st->tags);
		st->shape = shape;
	}
	*tags = st->tags;
	return st->l;
}

void probe_libnet_reset(void)
{
	struct ln_state *st = ln_state();
	if (st) {
		libnet_clear_packet(st->l);
		memset(st->tags, 0, sizeof st->tags);
		st->shape = 0;
	}
}

int probe_libnet_link(struct libnet_context *l, const struct ipd_mac *dst,
		      const struct probe_src *src, uint16_t ethertype, int32_t *tag)
{
	if (src->vlan > 0)
		*tag = libnet_build_802_1q(dst->b, src->mac.b, ETHERTYPE_VLAN, 0, 0,
					   (uint16_t)(src->vlan & 0x0fff), ethertype, NULL, 0, l,
					   *tag);
	else
		*tag = libnet_build_ethernet(dst->b, src->mac.b, ethertype, NULL, 0, l, *tag);
	return *tag == -1 ? -1 : 0;
}

size_t probe_libnet_take(struct libnet_context *l, uint8_t *buf, size_t cap)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0;
	size_t len = 0;
	if (libnet_pblock_coalesce(l, &pkt, &n) != -1 && n <= cap && n <= PROBE_MAX_FRAME) {
		memcpy(buf, pkt, n);
		len = probe_pad(buf, n);
	}
	if (pkt)
		libnet_adv_free_packet(l, pkt);
	return len;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t probe_eth(uint8_t *buf, const struct ipd_mac *dst, const struct ipd_mac *src, int vlan,
		 uint16_t ethertype)
{
	memcpy(buf, dst->b, 6);
	memcpy(buf + 6, src->b, 6);
	size_t off = 12;
	if (vlan > 0) {
		put16(buf + off, 0x8100);
		put16(buf + off + 2, (uint16_t)(vlan & 0x0fff)); /* PCP 0, DEI 0 */
		off += 4;
	}
	put16(buf + off, ethertype);
	return off + 2;
}

size_t probe_pad(uint8_t *buf, size_t len)
{
	if (len < PROBE_MIN_FRAME) {
		memset(buf + len, 0, PROBE_MIN_FRAME - len);
		len = PROBE_MIN_FRAME;
	}
	return len;
}

static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)(p[n - 1] << 8);
	return acc;
}

uint16_t probe_icmp6_cksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *msg,
			   size_t len)
{
	uint32_t acc = 0;
	acc = sum16(acc, src, 16);
	acc = sum16(acc, dst, 16);
	acc += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff); /* upper-layer length */
	acc += 58;                                             /* next header */
	acc = sum16(acc, msg, len);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

void probe_solicited_node(const struct ipd_ip *target, struct ipd_ip *out)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	memcpy(out->b, pfx, 13);
	memcpy(out->b + 13, target->b + 13, 3);
}

void probe_v6_mcast_mac(const struct ipd_ip *group, struct ipd_mac *out)
{
	out->b[0] = 0x33;
	out->b[1] = 0x33;
	memcpy(out->b + 2, group->b + 12, 4);
}

size_t probe_print_eth(FILE *f, const uint8_t *frame, size_t len, uint16_t *ethertype)
{
	struct pcur c;
	pcur_init(&c, frame, len);
	struct ipd_mac dst, src;
	pcur_copy(&c, dst.b, 6);
	pcur_copy(&c, src.b, 6);
	uint16_t et = pcur_be16(&c);
	int vlan = 0;
	if (et == 0x8100) {
		vlan = pcur_be16(&c) & 0x0fff;
		et = pcur_be16(&c);
	}
	if (!pcur_ok(&c))
		return 0;
	char s[IPD_MAC_STRLEN], d[IPD_MAC_STRLEN];
	fprintf(f, "%s > %s", ipd_mac_fmt(&src, s, sizeof s), ipd_mac_fmt(&dst, d, sizeof d));
	if (vlan)
		fprintf(f, " vlan %d", vlan);
	fputs(": ", f);
	*ethertype = et;
	return pcur_offset(&c);
}
