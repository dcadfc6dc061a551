/* Import parser registry, format detection and shared helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

const struct imp_format *const imp_formats[] = {
	&imp_fmt_netbox_prefix, &imp_fmt_native_subnets,
	&imp_fmt_netbox_range, &imp_fmt_native_ranges,
	&imp_fmt_netbox_ip, &imp_fmt_phpipam, &imp_fmt_native_alloc,
	&imp_fmt_isc, &imp_fmt_kea4, &imp_fmt_kea6, &imp_fmt_dnsmasq,
	&imp_fmt_zone,
	&imp_fmt_native_allow, &imp_fmt_netbox_allow,
	NULL,
};

const struct imp_format *imp_format_find(const char *name)
{
	for (size_t i = 0; imp_formats[i]; i++)
		if (strcmp(imp_formats[i]->name, name) == 0)
			return imp_formats[i];
	return NULL;
}

const struct imp_format *imp_format_detect(const char *kind, const char *head, size_t len)
{
	const struct imp_format *best = NULL;
	int bs = 0;
	for (size_t i = 0; imp_formats[i]; i++) {
		const struct imp_format *f = imp_formats[i];
		if (strcmp(f->kind, kind) != 0 || !f->detect)
			continue;
		int s = f->detect(head, len);
		if (s > bs) {
			bs = s;
			best = f;
		}
	}
	return best;
}

enum ipd_status imp_parse_mem(const struct imp_format *fmt, struct imp_ctx *c, const void *buf,
			      size_t len)
{
	if (len == 0)
		return fmt->parse(c, NULL);
	FILE *f = fmemopen((void *)(uintptr_t)buf, len, "r");
	if (!f)
		return IPD_EIO;
	enum ipd_status s = fmt->parse(c, f);
	fclose(f);
	return s;
}

void imp_bad(struct imp_ctx *c, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->bad_rows++;
	if (c->bad)
		c->bad(c->arg, c->file, line, msg);
}

int imp_emit(struct imp_ctx *c, struct inv_rec *r, unsigned long line)
{
	r->line = line;
	r->file = c->file;
	if (!c->emit)
		return 0;
	int rc = c->emit(c->arg, r);
	if (rc)
		c->stopped = true;
	return rc;
}

char *imp_trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	size_t i = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
	return s;
}

const char *imp_nz(const char *s)
{
	return s && *s ? s : NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t imp_kea_unescape(char *s, size_t len)
{
	/* Kea writes "&#x" followed by two hex digits and no ';' (util/csv_file.cc
	 * escapeCharacters). Anything else is kept verbatim. */
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		if (i + 5 <= len && s[i] == '&' && s[i + 1] == '#' && s[i + 2] == 'x' &&
		    hexval((unsigned char)s[i + 3]) >= 0 &&
		    hexval((unsigned char)s[i + 4]) >= 0) {
			s[o++] = (char)(hexval((unsigned char)s[i + 3]) * 16 + hexval((unsigned char)s[i + 4]));
			i += 5;
			continue;
		}
		s[o++] = s[i++];
	}
	if (o < len)
		s[o] = '\0';
	return o;
}

bool imp_int64(const char *s, int64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}
