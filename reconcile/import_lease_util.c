/* Helpers shared by the lease parsers. DUID types: RFC 8415 §11. */
#include "import_lease_util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xmem.h"

void lease_hex(const uint8_t *b, size_t n, char *out, size_t outlen)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;
	if (!outlen)
		return;
	for (size_t i = 0; i < n && o + (i ? 1 : 0) + 3 <= outlen; i++) {
		if (i)
			out[o++] = ':';
		out[o++] = hx[b[i] >> 4];
		out[o++] = hx[b[i] & 15];
	}
	out[o] = '\0';
}

bool lease_unhex(const char *s, uint8_t *b, size_t cap, size_t *n)
{
	size_t k = 0;
	while (*s) {
		unsigned v = 0;
		int digits = 0;
		while (isxdigit((unsigned char)*s) && digits < 2) {
			int c = tolower((unsigned char)*s);
			v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
			s++;
			digits++;
		}
		if (!digits || k == cap)
			return false;
		b[k++] = (uint8_t)v;
		if (*s == ':' || *s == '-')
			s++;
		else if (*s)
			return false;
	}
	*n = k;
	return k > 0;
}

bool lease_duid_mac(const uint8_t *d, size_t n, struct ipd_mac *mac)
{
	if (n == 14 && d[0] == 0 && d[1] == 1 && d[2] == 0 && d[3] == 1) {
		memcpy(mac->b, d + 8, 6);
		return true;
	}
	if (n == 10 && d[0] == 0 && d[1] == 3 && d[2] == 0 && d[3] == 1) {
		memcpy(mac->b, d + 4, 6);
		return true;
	}
	return false;
}

char *lease_slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap);
	while (f) {
		if (cap - n < 65536) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t k = fread(buf + n, 1, cap - n - 1, f);
		if (k == 0)
			break;
		n += k;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
