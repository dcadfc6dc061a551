/* Fuzz the isc import parser(s): isc-dhcpd. */
#include "fuzz_import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run("isc-dhcpd", data, size);
	return 0;
}
