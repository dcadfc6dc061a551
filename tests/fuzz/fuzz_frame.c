/*
 * libFuzzer target for the frame parser: the first byte picks the link type
 * (0 Ethernet, 1 Linux SLL, 2 Linux SLL2, 3 raw IP = skipped), the rest is
 * the frame. Every observation is consumed by a sink that reads all its
 * fields (so borrowed pointers are touched), and the counters must add up.
 */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../scanner/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum ipd_status sink_put(void *ctx, const struct obs *o)
{
	unsigned *acc = ctx;
	*acc += o->kind + (unsigned)o->vlan + o->mac.b[5] + o->ip.b[15];
	if (o->n_ra_prefix > 4 || o->n_rdnss > OBS_MAX_DNS)
		abort();
	if (o->kind != OBS_DHCP_CLIENT && o->kind != OBS_DHCP_SERVER)
		return IPD_OK; /* the DHCP fields are defined for DHCP only */
	for (size_t i = 0; i < o->hostname_len; i++)
		*acc += o->hostname[i];
	for (size_t i = 0; i < o->client_id_len; i++)
		*acc += o->client_id[i];
	for (size_t i = 0; i < o->prl_len; i++)
		*acc += o->prl[i];
	for (size_t i = 0; i < o->vendor_class_len; i++)
		*acc += o->vendor_class[i];
	if (o->n_router > OBS_MAX_DNS || o->n_dns > OBS_MAX_DNS)
		abort();
	return IPD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int lts[4] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW };
	if (size < 1)
		return 0;
	/* Exact-size copy: reads past the frame hit the sanitizer. */
	size_t n = size - 1;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	unsigned acc = 0;
	struct obs_sink sink = { &acc, sink_put };
	struct parse_counters cnt;
	memset(&cnt, 0, sizeof cnt);
	struct frame f = { .data = buf, .caplen = n, .wirelen = n, .linktype = lts[data[0] & 3],
			   .iface = "fuzz" };
	parse_frame(&f, &sink, &cnt);
	if (cnt.frames != 1 || cnt.decoded + cnt.skipped + cnt.truncated + cnt.invalid != 1)
		abort();
	free(buf);
	return (int)(acc & 0);
}
