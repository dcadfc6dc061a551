/* Fuzz the RFC 4180 reader (both dialects, all delimiters) and every
 * CSV-based import format. */
#include "fuzz_import_common.h"

#include "../../common/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct csv_opts opts[] = {
		{ 0 }, { .delim = ';' }, { .delim = ',', .flags = CSV_NO_QUOTES },
		{ .flags = CSV_KEEP_BLANK, .max_field = 16, .max_fields = 4, .max_record = 40 },
	};
	for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
		struct csv_reader *r = csv_open_mem(data, size, &opts[k]);
		struct csv_record rec;
		enum ipd_status s;
		int guard = 0;
		while ((s = csv_next(r, &rec)) != IPD_ENOTFOUND && s != IPD_EIO && guard++ < 100000) {
			if (s != IPD_OK)
				continue;
			for (size_t i = 0; i < rec.n; i++)
				fuzz_touch(rec.f[i], rec.len[i]);
			fuzz_sink += (unsigned)csv_find(&rec, "address");
		}
		csv_close(r);
	}
	static const char *const fmts[] = { "netbox", "phpipam", "native", "netbox-prefix",
		"native-subnets", "netbox-range", "native-ranges", "native-allowlist",
		"netbox-allowlist" };
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
		fuzz_run(fmts[i], data, size);
	return 0;
}
