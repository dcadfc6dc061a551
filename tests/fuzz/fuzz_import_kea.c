/* Fuzz the kea import parser(s): kea4,kea6. */
#include "fuzz_import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run("kea4", data, size);
	fuzz_run("kea6", data, size);
	return 0;
}
