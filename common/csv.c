/*
 * CSV reader after RFC 4180 ("Common Format and MIME Type for CSV Files"),
 * with the usual extensions: ';' delimiter, UTF-8 BOM, LF-only line ends.
 * A byte-at-a-time state machine over a refillable buffer, so the same code
 * reads a 1 GB file in constant memory and a fuzzer's buffer without a FILE.
 */
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

#define CSV_BUFSZ 65536

struct csv_reader {
	FILE *f;
	const unsigned char *mem;   /* memory mode: whole input */
	unsigned char *buf;         /* stream mode: refill buffer */
	const unsigned char *p;     /* current window */
	size_t pos, len;
	bool eof, ioerr, started;

	struct csv_opts o;
	unsigned long line;         /* line of the next byte */

	char *rec;                  /* field bytes, each NUL-terminated */
	size_t rlen, rcap;
	size_t *off, *flen;
	char **fp;
	size_t nf, fcap;

	char err[160];
	unsigned long errline;
};

static void setup(struct csv_reader *r, const struct csv_opts *o)
{
	if (o)
		r->o = *o;
	if (!r->o.max_field)
		r->o.max_field = 65536;
	if (!r->o.max_record)
		r->o.max_record = 1u << 20;
	if (!r->o.max_fields)
		r->o.max_fields = 512;
	r->line = 1;
	r->rcap = 1024;
	r->rec = xmalloc(r->rcap);
	r->fcap = 32;
	r->off = xcalloc(r->fcap, sizeof *r->off);
	r->flen = xcalloc(r->fcap, sizeof *r->flen);
	r->fp = xcalloc(r->fcap, sizeof *r->fp);
}

struct csv_reader *csv_open_file(FILE *f, const struct csv_opts *o)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);
	r->f = f;
	r->buf = xmalloc(CSV_BUFSZ);
	r->p = r->buf;
	setup(r, o);
	return r;
}

struct csv_reader *csv_open_mem(const void *buf, size_t len, const struct csv_opts *o)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);
	r->mem = buf;
	r->p = buf;
	r->len = len;
	r->eof = true;
	setup(r, o);
	return r;
}

void csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->rec);
	free(r->off);
	free(r->flen);
	free(r->fp);
	free(r);
}

const char *csv_error(const struct csv_reader *r) { return r->err; }
unsigned long csv_error_line(const struct csv_reader *r) { return r->errline; }

/* Make at least one unread byte available unless at end of input. Keeps the
 * unread tail (needed for delimiter detection and CR LF peeks). */
static bool fill(struct csv_reader *r)
{
	if (r->pos < r->len)
		return true;
	if (r->eof)
		return false;
	r->pos = r->len = 0;
	size_t n = fread(r->buf, 1, CSV_BUFSZ, r->f);
	if (n == 0) {
		if (ferror(r->f))
			r->ioerr = true;
		r->eof = true;
		return false;
	}
	r->len = n;
	return true;
}

static inline int getb(struct csv_reader *r)
{
	if (r->pos >= r->len && !fill(r))
		return -1;
	return r->p[r->pos++];
}

static inline int peekb(struct csv_reader *r)
{
	if (r->pos >= r->len && !fill(r))
		return -1;
	return r->p[r->pos];
}

/* Stream mode: read more so that the whole first line (up to the buffer
 * size) is in the window, for BOM and delimiter detection. */
static void prefetch_first_line(struct csv_reader *r)
{
	if (r->mem)
		return;
	while (!r->eof && r->len < CSV_BUFSZ && !memchr(r->buf, '\n', r->len)) {
		size_t n = fread(r->buf + r->len, 1, CSV_BUFSZ - r->len, r->f);
		if (n == 0) {
			if (ferror(r->f))
				r->ioerr = true;
			r->eof = true;
			break;
		}
		r->len += n;
	}
}

static void start(struct csv_reader *r)
{
	r->started = true;
	prefetch_first_line(r);
	if (r->len - r->pos >= 3 && r->p[0] == 0xef && r->p[1] == 0xbb && r->p[2] == 0xbf)
		r->pos += 3;
	if (r->o.delim)
		return;
	/* Count candidates outside quotes on the first line; ';' wins only when
	 * it is more frequent (phpIPAM exports from European locales). */
	size_t commas = 0, semis = 0;
	bool inq = false;
	for (size_t i = r->pos; i < r->len && (inq || r->p[i] != '\n'); i++) {
		unsigned char c = r->p[i];
		if (c == '"' && !(r->o.flags & CSV_NO_QUOTES))
			inq = !inq;
		else if (!inq && c == ',')
			commas++;
		else if (!inq && c == ';')
			semis++;
	}
	r->o.delim = semis > commas ? ';' : ',';
}

char csv_delim(struct csv_reader *r)
{
	if (!r->started)
		start(r);
	return r->o.delim;
}

static void fail(struct csv_reader *r, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct csv_reader *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	r->errline = line;
}

/* Skip to just past the next line end (resynchronise after an error). */
static void skip_line(struct csv_reader *r)
{
	int c;
	while ((c = getb(r)) >= 0) {
		if (c == '\n') {
			r->line++;
			return;
		}
	}
}

static inline bool put(struct csv_reader *r, int c, size_t fstart)
{
	if (r->rlen - fstart >= r->o.max_field || r->rlen >= r->o.max_record)
		return false;
	if (r->rlen + 1 >= r->rcap) {
		r->rcap *= 2;
		r->rec = xrealloc(r->rec, r->rcap);
	}
	r->rec[r->rlen++] = (char)c;
	return true;
}

static bool end_field(struct csv_reader *r, size_t fstart)
{
	if (r->nf >= r->o.max_fields)
		return false;
	if (r->nf == r->fcap) {
		r->fcap *= 2;
		r->off = xreallocarray(r->off, r->fcap, sizeof *r->off);
		r->flen = xreallocarray(r->flen, r->fcap, sizeof *r->flen);
		r->fp = xreallocarray(r->fp, r->fcap, sizeof *r->fp);
	}
	if (r->rlen + 1 >= r->rcap) {
		r->rcap *= 2;
		r->rec = xrealloc(r->rec, r->rcap);
	}
	r->off[r->nf] = fstart;
	r->flen[r->nf] = r->rlen - fstart;
	r->nf++;
	r->rec[r->rlen++] = '\0';
	return true;
}

enum ipd_status csv_next(struct csv_reader *r, struct csv_record *rec)
{
	if (!r->started)
		start(r);
	const char d = r->o.delim;
	const bool quotes = !(r->o.flags & CSV_NO_QUOTES);
	int c;

again:
	r->rlen = 0;
	r->nf = 0;
	c = peekb(r);
	if (c < 0)
		return r->ioerr ? IPD_EIO : IPD_ENOTFOUND;
	unsigned long rline = r->line;
	bool lead_cr = false;
	if (!(r->o.flags & CSV_KEEP_BLANK)) {
		if (c == '\n') {
			r->pos++;
			r->line++;
			goto again;
		}
		if (c == '\r') {
			r->pos++;
			if (peekb(r) == '\n') {
				r->pos++;
				r->line++;
				goto again;
			}
			lead_cr = true; /* a lone CR is data of the first field */
		}
	}

	for (;;) {
		size_t fstart = r->rlen;
		if (lead_cr) {
			lead_cr = false;
			put(r, '\r', fstart);
			c = getb(r);
			goto unquoted;
		}
		c = getb(r);
		if (quotes && c == '"') {
			unsigned long qline = r->line;
			for (;;) {
				c = getb(r);
				if (c < 0) {
					fail(r, qline, "unterminated quoted field (opened on line %lu)", qline);
					if (r->ioerr)
						return IPD_EIO;
					return IPD_EINVAL;
				}
				if (c == '"') {
					if (peekb(r) == '"') {
						r->pos++;
						if (!put(r, '"', fstart))
							goto toolong;
						continue;
					}
					break;
				}
				if (c == '\n')
					r->line++;
				if (!put(r, c, fstart))
					goto toolong;
			}
			/* after the closing quote: delimiter, line end or end of input */
			c = getb(r);
			if (c == '\r' && peekb(r) == '\n')
				c = getb(r);
			if (c != d && c != '\n' && c >= 0) {
				fail(r, r->line, "stray character after closing quote");
				if (c != '\n')
					skip_line(r);
				else
					r->line++;
				return IPD_EINVAL;
			}
		} else {
unquoted:
			while (c >= 0 && c != d && c != '\n') {
				if (c == '\r' && peekb(r) == '\n') {
					c = getb(r);
					break;
				}
				if (quotes && c == '"') {
					fail(r, r->line, "stray quote in unquoted field");
					skip_line(r);
					return IPD_EINVAL;
				}
				if (!put(r, c, fstart))
					goto toolong;
				c = getb(r);
			}
		}
		if (!end_field(r, fstart)) {
			fail(r, rline, "more than %zu fields", r->o.max_fields);
			if (c != '\n' && c >= 0)
				skip_line(r);
			else if (c == '\n')
				r->line++;
			return IPD_EINVAL;
		}
		if (c == d)
			continue;
		if (c == '\n')
			r->line++;
		break; /* line end or end of input */
	}
	for (size_t i = 0; i < r->nf; i++)
		r->fp[i] = r->rec + r->off[i];
	rec->n = r->nf;
	rec->f = r->fp;
	rec->len = r->flen;
	rec->line = rline;
	return IPD_OK;

toolong:
	if (r->rlen >= r->o.max_record)
		fail(r, rline, "record longer than %zu bytes", r->o.max_record);
	else
		fail(r, r->line, "field longer than %zu bytes", r->o.max_field);
	skip_line(r);
	return IPD_EINVAL;
}

int csv_find(const struct csv_record *rec, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < rec->n; i++) {
		const char *s = rec->f[i];
		size_t l = rec->len[i];
		while (l && (*s == ' ' || *s == '\t')) {
			s++;
			l--;
		}
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		if (l == nl && strncasecmp(s, name, nl) == 0)
			return (int)i;
	}
	return -1;
}
