/*
 * Import parsers: IPAM inventories, DHCP lease files, DNS zone files and
 * allowlists → struct inv_rec (db/db_inv.h), delivered to a callback.
 *
 * Parsers know nothing about the store: they read a FILE* (use fmemopen for
 * a buffer, as the fuzz targets do), call ctx->emit for each good record and
 * ctx->bad for each bad one ("what is wrong", with the line), and keep going
 * so that every bad line is reported. Whether a bad line aborts the import is
 * the caller's decision (--keep-going).
 *
 * All strings in an emitted record are borrowed for the duration of the
 * callback.
 */
#ifndef IPD_IMPORT_H
#define IPD_IMPORT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/status.h"
#include "../db/db_inv.h"

struct imp_ctx {
	const char *file;    /* name used in messages and records */
	int64_t now;         /* "now" for active/expired leases */
	const char *origin;  /* zone origin (absolute) when the file has no $ORIGIN; may be NULL */
	/* Return non-zero to stop parsing (e.g. a store error). */
	int (*emit)(void *arg, const struct inv_rec *r);
	void (*bad)(void *arg, const char *file, unsigned long line, const char *msg);
	void *arg;
	/* counters, filled by the parser */
	unsigned long rows, bad_rows, skipped;
	unsigned long other_types;   /* zone: records of types not kept */
	bool stopped;                /* emit asked to stop */
	char origin_found[1100];      /* zone: origin actually used */
};

/* One parser per format; each returns IPD_OK when the input was read to the
 * end (bad lines are reported through ctx->bad and counted in bad_rows),
 * IPD_EINVAL when the input is not this format at all (bad header), IPD_EIO
 * on read errors. */
struct imp_format {
	const char *name;        /* --format value */
	const char *kind;        /* subnets ranges allocations leases zone allowlist */
	enum ipd_status (*parse)(struct imp_ctx *c, FILE *f);
	/* Score 0..100: how sure this format is for the first bytes of the file. */
	int (*detect)(const char *head, size_t len);
};

/* The registry, NULL-terminated. */
extern const struct imp_format *const imp_formats[];
const struct imp_format *imp_format_find(const char *name);
/* Best format of kind for this file head, or NULL. */
const struct imp_format *imp_format_detect(const char *kind, const char *head, size_t len);

/* Convenience for fuzzing and tests: run parse over a buffer. */
enum ipd_status imp_parse_mem(const struct imp_format *fmt, struct imp_ctx *c, const void *buf,
			      size_t len);

/* Helpers shared by the parsers (reconcile/import_util.c). */
void imp_bad(struct imp_ctx *c, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int imp_emit(struct imp_ctx *c, struct inv_rec *r, unsigned long line);
/* Trim ASCII blanks in place; returns s. */
char *imp_trim(char *s);
/* Empty string → NULL. */
const char *imp_nz(const char *s);
/* Decode Kea's "&#xHH" escapes in place (any hex byte); returns new length. */
size_t imp_kea_unescape(char *s, size_t len);
/* Parse a non-negative decimal integer; false on junk or overflow. */
bool imp_int64(const char *s, int64_t *out);

/* Format families (one file each). */
extern const struct imp_format imp_fmt_netbox_prefix, imp_fmt_native_subnets,
	imp_fmt_netbox_range, imp_fmt_native_ranges, imp_fmt_netbox_ip, imp_fmt_phpipam,
	imp_fmt_native_alloc, imp_fmt_native_allow, imp_fmt_netbox_allow,
	imp_fmt_isc, imp_fmt_kea4, imp_fmt_kea6, imp_fmt_dnsmasq, imp_fmt_zone;

#endif
