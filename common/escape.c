/*
 * Per-context escaping of untrusted strings (see escape.h for the rules).
 * UTF-8 decoding follows RFC 3629 §3-4 (no overlongs, no surrogates,
 * nothing above U+10FFFF); each invalid byte maps to one U+FFFD, which is the
 * simple variant of Unicode's "substitution of maximal subparts".
 */
#include "escape.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmem.h"

/* --- sbuf --- */

void sbuf_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void grow(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			fatalx("sbuf: size overflow");
		cap *= 2;
	}
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sbuf_add(b, small, (size_t)n);
		return;
	}
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *sbuf_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

char *sbuf_detach(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	sbuf_init(b);
	return s;
}

/* --- output --- */

void esc_raw(const struct esc_out *o, const char *s, size_t n)
{
	if (!n)
		return;
	if (o->b)
		sbuf_add(o->b, s, n);
	else
		fwrite(s, 1, n, o->f);
}

void esc_raws(const struct esc_out *o, const char *s)
{
	esc_raw(o, s, strlen(s));
}

/* --- UTF-8 --- */

size_t esc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t need;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2, min = 0x80, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3, min = 0x800, c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

static bool is_bidi(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

static const char hexd[] = "0123456789abcdef";

static void put_xhh(const struct esc_out *o, unsigned v)
{
	char t[4] = { '\\', 'x', hexd[(v >> 4) & 15], hexd[v & 15] };
	esc_raw(o, t, 4);
}

static void put_u4(const struct esc_out *o, const char *pfx, unsigned v)
{
	char t[8];
	size_t pl = strlen(pfx);
	memcpy(t, pfx, pl);
	t[pl] = hexd[(v >> 12) & 15];
	t[pl + 1] = hexd[(v >> 8) & 15];
	t[pl + 2] = hexd[(v >> 4) & 15];
	t[pl + 3] = hexd[v & 15];
	esc_raw(o, t, pl + 4);
}

static const char fffd[] = "\xef\xbf\xbd";

/* --- JSON --- */

void esc_json(const struct esc_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* start of the pending run of bytes to copy verbatim */
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' &&
		    !(c == '/' && i > 0 && p[i - 1] == '<')) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			unsigned cp;
			size_t k = esc_utf8_decode(p + i, n - i, &cp);
			if (k && cp != 0x2028 && cp != 0x2029 && !is_bidi(cp)) {
				i += k;
				continue;
			}
			esc_raw(o, s + run, i - run);
			if (k)
				put_u4(o, "\\u", cp);
			else
				esc_raw(o, fffd, 3);
			i += k ? k : 1;
			run = i;
			continue;
		}
		esc_raw(o, s + run, i - run);
		switch (c) {
		case '"': esc_raw(o, "\\\"", 2); break;
		case '\\': esc_raw(o, "\\\\", 2); break;
		case '/': esc_raw(o, "\\/", 2); break;
		case '\b': esc_raw(o, "\\b", 2); break;
		case '\f': esc_raw(o, "\\f", 2); break;
		case '\n': esc_raw(o, "\\n", 2); break;
		case '\r': esc_raw(o, "\\r", 2); break;
		case '\t': esc_raw(o, "\\t", 2); break;
		default: put_u4(o, "\\u", c); break;
		}
		i++;
		run = i;
	}
	esc_raw(o, s + run, i - run);
}

void esc_json_strn(const struct esc_out *o, const char *s, size_t n)
{
	if (!s) {
		esc_raw(o, "null", 4);
		return;
	}
	esc_raw(o, "\"", 1);
	esc_json(o, s, n);
	esc_raw(o, "\"", 1);
}

void esc_json_str(const struct esc_out *o, const char *s)
{
	esc_json_strn(o, s, s ? strlen(s) : 0);
}

/* --- HTML --- */

static void html_esc(const struct esc_out *o, const char *s, size_t n, bool quotes);

void esc_html(const struct esc_out *o, const char *s, size_t n)
{
	html_esc(o, s, n, true);
}

void esc_html_text(const struct esc_out *o, const char *s, size_t n)
{
	html_esc(o, s, n, false);
}

static void html_esc(const struct esc_out *o, const char *s, size_t n, bool quotes)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		if ((c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' &&
		     ((c != '"' && c != '\'') || !quotes)) ||
		    c == '\t' || c == '\n') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			unsigned cp;
			size_t k = esc_utf8_decode(p + i, n - i, &cp);
			if (k && !(cp >= 0x80 && cp <= 0x9f) && !is_bidi(cp)) {
				i += k;
				continue;
			}
			esc_raw(o, s + run, i - run);
			if (!k)
				esc_raw(o, fffd, 3);
			else if (cp <= 0x9f)
				put_xhh(o, cp);
			else
				put_u4(o, "\\u", cp);
			i += k ? k : 1;
			run = i;
			continue;
		}
		esc_raw(o, s + run, i - run);
		switch (c) {
		case '&': esc_raw(o, "&amp;", 5); break;
		case '<': esc_raw(o, "&lt;", 4); break;
		case '>': esc_raw(o, "&gt;", 4); break;
		case '"': esc_raw(o, "&quot;", 6); break;
		case '\'': esc_raw(o, "&#x27;", 6); break;
		default: put_xhh(o, c); break; /* C0 (incl. NUL, ESC, CR) and DEL */
		}
		i++;
		run = i;
	}
	esc_raw(o, s + run, i - run);
}

void esc_html_str(const struct esc_out *o, const char *s)
{
	if (s)
		esc_html(o, s, strlen(s));
}

/* --- CSV --- */

static void csv_cell(const struct esc_out *o, const char *s, size_t n, bool defend)
{
	const unsigned char *p = (const unsigned char *)s;
	bool formula = defend && n > 0 &&
		       (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' || p[0] == '\t' ||
			p[0] == '\r' || p[0] == '\0');
	bool quote = formula;
	bool clean = true; /* valid UTF-8 and no NUL: can be copied in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == ',' || c == '"' || c == '\r' || c == '\n' || c == ';')
			quote = true;
		if (c < 0x20 || c >= 0x7f)
			clean = false;
	}
	if (quote)
		esc_raw(o, "\"", 1);
	if (formula)
		esc_raw(o, "'", 1);
	if (clean && !quote) {
		esc_raw(o, s, n);
		return;
	}
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c == '"') {
			esc_raw(o, s + run, i + 1 - run); /* the quote itself, then its double */
			esc_raw(o, "\"", 1);
			run = ++i;
		} else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			/* NUL cuts many CSV readers short and ESC sequences act when
			 * the file is shown in a terminal: show them visibly */
			esc_raw(o, s + run, i - run);
			put_xhh(o, c);
			run = ++i;
		} else if (c >= 0x80) {
			unsigned cp;
			size_t k = esc_utf8_decode(p + i, n - i, &cp);
			if (k && cp > 0x9f) {
				i += k;
				continue;
			}
			esc_raw(o, s + run, i - run);
			if (k)
				put_xhh(o, cp); /* C1 control */
			else
				esc_raw(o, fffd, 3);
			i += k ? k : 1;
			run = i;
		} else {
			i++;
		}
	}
	esc_raw(o, s + run, i - run);
	if (quote)
		esc_raw(o, "\"", 1);
}

void esc_csv(const struct esc_out *o, const char *s, size_t n)
{
	if (s)
		csv_cell(o, s, n, true);
}

void esc_csv_str(const struct esc_out *o, const char *s)
{
	if (s)
		csv_cell(o, s, strlen(s), true);
}

void esc_csv_plain(const struct esc_out *o, const char *s)
{
	if (s)
		csv_cell(o, s, strlen(s), false);
}

/* --- terminal --- */

void esc_term(const struct esc_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			unsigned cp;
			size_t k = esc_utf8_decode(p + i, n - i, &cp);
			if (k && cp > 0x9f && !is_bidi(cp)) {
				i += k;
				continue;
			}
			esc_raw(o, s + run, i - run);
			if (!k)
				put_xhh(o, c);      /* the raw byte, e.g. a bare 0x9b CSI */
			else if (cp <= 0x9f)
				put_xhh(o, cp);     /* UTF-8 encoded C1 control */
			else
				put_u4(o, "\\u", cp); /* bidi control, shown not obeyed */
			i += k ? k : 1;
			run = i;
			continue;
		}
		esc_raw(o, s + run, i - run);
		if (c == '\\')
			esc_raw(o, "\\\\", 2);
		else
			put_xhh(o, c);
		i++;
		run = i;
	}
	esc_raw(o, s + run, i - run);
}

void esc_term_str(const struct esc_out *o, const char *s)
{
	if (s)
		esc_term(o, s, strlen(s));
	else
		esc_raw(o, "-", 1);
}

char *esc_term_dup(const char *s)
{
	struct sbuf b = SBUF_INIT;
	esc_term_str(ESC_BUF(&b), s);
	return sbuf_detach(&b);
}

/* --- classification --- */

unsigned esc_classify(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned f = 0;
	if (n > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' || p[0] == '\t' ||
		      p[0] == '\r' || p[0] == '\0'))
		f |= ESC_F_FORMULA;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				f |= ESC_F_CONTROL;
			i++;
			continue;
		}
		unsigned cp;
		size_t k = esc_utf8_decode(p + i, n - i, &cp);
		if (!k) {
			f |= ESC_F_INVALID_UTF8;
			i++;
			continue;
		}
		if (cp <= 0x9f)
			f |= ESC_F_CONTROL;
		else if (is_bidi(cp))
			f |= ESC_F_BIDI;
		i += k;
	}
	return f;
}
