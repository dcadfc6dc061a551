/* Fuzz target: DNS reply parser (reconcile/dns_msg.c), the code that reads
 * bytes a DNS server (or an attacker on the path) sends. The first byte
 * picks the asked type; names are also decoded from every offset. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../reconcile/dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_rr(void *arg, const struct dns_msg_rr *rr)
{
	size_t *n = arg;
	*n += strlen(rr->owner) + (rr->target ? strlen(rr->target) : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { 1, 12, 28 };
	if (size < 1)
		return 0;
	uint16_t t = types[data[0] % 3];
	struct dns_msg_info info;
	size_t n = 0;
	(void)dns_msg_parse(data + 1, size - 1, t, &info, on_rr, &n);
	char out[DNS_NAME_TEXT_MAX];
	for (size_t off = 1; off < size && off < 64; off++) {
		size_t o = off - 1;
		if (dns_name_decode(data + 1, size - 1, &o, out, sizeof out))
			n += strlen(out);
	}
	return (int)(n & 0);
}
