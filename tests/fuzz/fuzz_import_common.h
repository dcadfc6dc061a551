/* Shared by the import fuzz targets: run a parser over the input with
 * callbacks that touch every emitted string (so ASan sees bad lengths). */
#ifndef FUZZ_IMPORT_COMMON_H
#define FUZZ_IMPORT_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../common/hostname.h"
#include "../../reconcile/import.h"

static volatile unsigned fuzz_sink;

static void fuzz_touch(const char *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		fuzz_sink += (unsigned char)s[i];
	if (s)
		fuzz_sink += hostname_check(s, n);
}

static void fuzz_touch_str(const char *s)
{
	if (s)
		fuzz_touch(s, strlen(s));
}

static int fuzz_emit(void *arg, const struct inv_rec *r)
{
	(void)arg;
	switch (r->kind) {
	case INV_ALLOC:
		fuzz_touch(r->u.alloc.hostname, r->u.alloc.hostname_len);
		fuzz_touch_str(r->u.alloc.vrf);
		fuzz_touch_str(r->u.alloc.description);
		fuzz_touch_str(r->u.alloc.status);
		fuzz_touch_str(r->u.alloc.ext_id);
		break;
	case INV_LEASE:
		fuzz_touch(r->u.lease.hostname, r->u.lease.hostname_len);
		fuzz_touch_str(r->u.lease.client_id);
		fuzz_touch_str(r->u.lease.duid);
		fuzz_touch_str(r->u.lease.state);
		break;
	case INV_DNS:
		fuzz_touch_str(r->u.dns.owner);
		fuzz_touch_str(r->u.dns.rdata);
		fuzz_touch_str(r->u.dns.zone);
		fuzz_touch(r->u.dns.target, r->u.dns.target_len);
		break;
	case INV_SUBNET:
		fuzz_touch_str(r->u.subnet.description);
		break;
	case INV_RANGE:
		fuzz_touch_str(r->u.range.description);
		break;
	case INV_ALLOW:
		fuzz_touch_str(r->u.allow.description);
		break;
	}
	return 0;
}

static void fuzz_bad(void *arg, const char *file, unsigned long line, const char *msg)
{
	(void)arg;
	(void)file;
	fuzz_sink += (unsigned)line;
	fuzz_touch_str(msg);
}

static void fuzz_run(const char *format, const uint8_t *data, size_t size)
{
	const struct imp_format *f = imp_format_find(format);
	if (!f)
		__builtin_trap();
	struct imp_ctx c = { .file = "fuzz", .now = 1700000000, .origin = "example.test.",
			     .emit = fuzz_emit, .bad = fuzz_bad };
	imp_parse_mem(f, &c, data, size);
}

#endif
