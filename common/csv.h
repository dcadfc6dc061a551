/*
 * CSV reader (RFC 4180) for whole files, FILE* streams and memory buffers.
 *
 * - quoted fields with embedded delimiters, CR/LF and doubled quotes;
 * - ',' or ';' delimiter (or auto-detected from the first line);
 * - a UTF-8 BOM at the start is skipped; CRLF and LF line ends;
 * - every record reports the physical line where it starts;
 * - bounded field, record and field-count sizes;
 * - unterminated and stray quotes are errors with a line number; after an
 *   error the reader resynchronises at the next line, so callers can list
 *   bad rows and go on (--keep-going);
 * - CSV_NO_QUOTES splits on the delimiter only: Kea's memfile lease files are
 *   not RFC 4180 and carry raw '"' characters.
 *
 * Fields keep their bytes verbatim (NUL included: use lens[]); each field is
 * also NUL-terminated for convenience. Record storage is owned by the reader
 * and valid until the next csv_next() or csv_close().
 */
#ifndef IPD_CSV_H
#define IPD_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

enum csv_flags {
	CSV_NO_QUOTES = 1,    /* '"' is an ordinary byte (Kea memfile) */
	CSV_KEEP_BLANK = 2,   /* report empty lines as one-empty-field records */
};

struct csv_opts {
	char delim;           /* ',' or ';' (or any byte); 0 = auto-detect ',' / ';' */
	int flags;            /* enum csv_flags */
	size_t max_field;     /* bytes; 0 = 65536 */
	size_t max_record;    /* bytes of all fields; 0 = 1 MiB */
	size_t max_fields;    /* 0 = 512 */
};

struct csv_record {
	size_t n;                 /* number of fields (>= 1) */
	char *const *f;           /* n NUL-terminated fields (modifiable in place) */
	const size_t *len;        /* byte length of each field */
	unsigned long line;       /* physical line where the record starts (1-based) */
};

struct csv_reader;

/* Reader over an open stream (not closed by csv_close). */
struct csv_reader *csv_open_file(FILE *f, const struct csv_opts *o);
/* Reader over a memory buffer (borrowed; must outlive the reader). */
struct csv_reader *csv_open_mem(const void *buf, size_t len, const struct csv_opts *o);
void csv_close(struct csv_reader *r);

/*
 * Next record. IPD_OK: *rec filled. IPD_ENOTFOUND: end of input.
 * IPD_EINVAL: malformed record (csv_error/csv_error_line say why and where);
 * the reader has skipped past it and csv_next may be called again.
 * IPD_EIO: read error.
 */
enum ipd_status csv_next(struct csv_reader *r, struct csv_record *rec);
const char *csv_error(const struct csv_reader *r);
unsigned long csv_error_line(const struct csv_reader *r);
/* The delimiter in use (after auto-detection, which happens on first read). */
char csv_delim(struct csv_reader *r);
/* Index of a header name in rec (ASCII case-insensitive, surrounding blanks
 * ignored), or -1. */
int csv_find(const struct csv_record *rec, const char *name);

#endif
