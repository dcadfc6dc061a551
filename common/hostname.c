/*
 * Host name checks: RFC 952 / RFC 1123 §2.1 (LDH labels), RFC 1035 §2.3.4
 * (63-byte labels, 255-byte names on the wire = 253 characters in text),
 * RFC 3629 (UTF-8 well-formedness), Unicode bidi controls (CVE-2021-42574).
 */
#include "hostname.h"

#include <stdint.h>
#include <string.h>

static const char *const names[] = {
	"invalid-ldh", "control", "bad-utf8", "formula", "too-long", "whitespace",
	"shell", "bidi", "html", "non-ascii", "underscore", "empty",
};

/* Decode one UTF-8 sequence at s (n bytes left). Returns its length, or 0 if
 * malformed (then one byte should be skipped). */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Flags contributed by one ASCII byte on its own, precomputed (this runs for
 * every name of million-row imports): bit values as in hostname.h —
 * 0x001 invalid-ldh (not a letter, digit, '-' or '.'), 0x002 control,
 * 0x020 whitespace, 0x040 shell ; " ' \\ ( ) $ @ ` | & < > { } * ? ! ~ [ ],
 * 0x100 html < > & " ', 0x400 underscore. test_hostname checks it. */
static const unsigned short ascii_tab[128] = {
	0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x023, 0x023, 0x023, 0x023, 0x023, 0x003, 0x003,
	0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003, 0x003,
	0x021, 0x041, 0x141, 0x001, 0x041, 0x001, 0x141, 0x141, 0x041, 0x041, 0x041, 0x001, 0x001, 0x000, 0x000, 0x001,
	0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x001, 0x041, 0x141, 0x001, 0x141, 0x041,
	0x041, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
	0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x041, 0x041, 0x041, 0x001, 0x401,
	0x041, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000,
	0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x000, 0x041, 0x041, 0x041, 0x041, 0x003,
};

static unsigned ascii_flags(unsigned char c)
{
	return ascii_tab[c & 0x7f];
}

unsigned hostname_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned fl = 0;
	if (len == 0)
		return HOSTNAME_EMPTY | HOSTNAME_INVALID_LDH;
	switch (s[0]) {
	case '=': case '+': case '-': case '@': case '\t': case '\r': case '\0':
		fl |= HOSTNAME_FORMULA;
	}
	size_t name_len = len;
	if (len > 1 && s[len - 1] == '.')
		name_len = len - 1;   /* absolute name */
	if (name_len > 253)
		fl |= HOSTNAME_TOO_LONG;

	size_t lab_start = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = utf8_dec(s + i, len - i, &cp);
			fl |= HOSTNAME_INVALID_LDH;
			if (n == 0) {
				fl |= HOSTNAME_BAD_UTF8;
				i++;
				continue;
			}
			fl |= HOSTNAME_NON_ASCII;
			if (cp >= 0x80 && cp <= 0x9f)
				fl |= HOSTNAME_CONTROL;
			if (cp == 0xa0 || cp == 0x2028 || cp == 0x2029 || cp == 0x3000 ||
			    (cp >= 0x2000 && cp <= 0x200b) || cp == 0xfeff)
				fl |= HOSTNAME_WHITESPACE;
			if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
			    cp == 0x200e || cp == 0x200f || cp == 0x061c)
				fl |= HOSTNAME_BIDI;
			i += n;
			continue;
		}
		fl |= ascii_flags(c);
		if (c == '.') {
			size_t ll = i - lab_start;
			if (ll == 0 && !(i == len - 1 && len == 1))
				fl |= HOSTNAME_INVALID_LDH; /* empty label */
			if (ll > 63)
				fl |= HOSTNAME_TOO_LONG;
			if (ll && (s[lab_start] == '-' || s[i - 1] == '-'))
				fl |= HOSTNAME_INVALID_LDH;
			lab_start = i + 1;
		}
		i++;
	}
	size_t ll = len - lab_start;
	if (ll > 63)
		fl |= HOSTNAME_TOO_LONG;
	if (ll && (s[lab_start] == '-' || s[len - 1] == '-'))
		fl |= HOSTNAME_INVALID_LDH;
	if (len == 1 && s[0] == '.')
		fl |= HOSTNAME_INVALID_LDH; /* the root is not a host name */
	return fl;
}

unsigned hostname_check_str(const char *s)
{
	return hostname_check(s, s ? strlen(s) : 0);
}

bool hostname_valid_nsupdate(const char *s, size_t len)
{
	return s && hostname_check(s, len) == 0;
}

char *hostname_flags_str(unsigned flags, char *buf, size_t len)
{
	size_t o = 0;
	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(flags & (1u << i)))
			continue;
		size_t n = strlen(names[i]);
		if (o + n + 2 > len)
			break;
		if (o)
			buf[o++] = ',';
		memcpy(buf + o, names[i], n);
		o += n;
		buf[o] = '\0';
	}
	return buf;
}
