/* Fuzz the dnsmasq import parser(s): dnsmasq. */
#include "fuzz_import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run("dnsmasq", data, size);
	return 0;
}
