/*
 * dnsmasq lease file (dnsmasq(8) FILES; src/lease.c lease_update_file()):
 * one lease per line, space-separated.
 *   v4:  EXPIRY MAC IP HOSTNAME|* CLIENT-ID|*
 *   "duid SERVER-DUID" then v6: EXPIRY [T]IAID IP HOSTNAME|* CLIENT-DUID|*
 * EXPIRY is epoch seconds, 0 = never. A non-Ethernet MAC carries a "TT-"
 * hardware type prefix. The file is rewritten whole, so there is nothing to
 * replay: each line is the current state of one lease.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hostname.h"
#include "import.h"
#include "import_lease_util.h"

#define MAXF 8

static void dnsmasq_line(struct imp_ctx *c, char *s, unsigned long line, bool *seen_duid)
{
	char *f[MAXF];
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == MAXF) {
			imp_bad(c, line, "too many fields");
			return;
		}
		f[n++] = t;
	}
	if (n == 0)
		return;
	if (strcmp(f[0], "duid") == 0) {
		if (n != 2) {
			imp_bad(c, line, "duid line needs exactly one value");
			return;
		}
		*seen_duid = true;
		return;
	}
	if (n != 5) {
		imp_bad(c, line, "%d fields, a lease line has 5", n);
		return;
	}
	struct inv_rec r = { .kind = INV_LEASE };
	struct inv_lease *l = &r.u.lease;
	char idbuf[3 * 130];
	l->iaid = -1;
	l->prefix_len = -1;
	int64_t exp;
	if (!imp_int64(f[0], &exp)) {
		imp_bad(c, line, "invalid expiry time \"%s\"", f[0]);
		return;
	}
	if (!ipd_ip_parse(f[2], &l->ip)) {
		imp_bad(c, line, "invalid address \"%s\"", f[2]);
		return;
	}
	bool v6 = !ipd_ip_is_v4(&l->ip);
	if (v6) {
		const char *ia = f[1];
		l->kind = "na";
		if (*ia == 'T') {
			l->kind = "ta";
			ia++;
		}
		int64_t v;
		if (!imp_int64(ia, &v) || v > 0xffffffffLL) {
			imp_bad(c, line, "invalid IAID \"%s\"", f[1]);
			return;
		}
		l->iaid = v;
		if (!*seen_duid) {
			imp_bad(c, line, "IPv6 lease before the server's duid line");
			return;
		}
	} else {
		l->kind = "v4";
		const char *m = f[1];
		/* "TT-aa:bb:..": hardware type prefix for non-Ethernet */
		if (strlen(m) > 3 && isxdigit((unsigned char)m[0]) && isxdigit((unsigned char)m[1]) &&
		    m[2] == '-' && strchr(m + 3, ':'))
			m += 3;
		if (!ipd_mac_parse(m, &l->mac)) {
			imp_bad(c, line, "invalid MAC address \"%s\"", f[1]);
			return;
		}
		l->has_mac = true;
	}
	if (strcmp(f[4], "*") != 0) {
		uint8_t b[130];
		size_t k;
		if (!lease_unhex(f[4], b, sizeof b, &k)) {
			imp_bad(c, line, "invalid client id \"%s\"", f[4]);
			return;
		}
		lease_hex(b, k, idbuf, sizeof idbuf);
		if (v6) {
			l->duid = idbuf;
			l->has_mac = lease_duid_mac(b, k, &l->mac);
		} else {
			l->client_id = idbuf;
		}
	}
	if (strcmp(f[3], "*") != 0) {
		l->hostname = f[3];
		l->hostname_len = strlen(f[3]);
		l->hostname_flags = hostname_check(l->hostname, l->hostname_len);
	}
	l->ends = exp;
	l->state = "active";
	l->active = exp == 0 || exp > c->now;
	if (!l->active)
		l->state = "expired";
	c->rows++;
	imp_emit(c, &r, line);
}

static enum ipd_status parse_dnsmasq(struct imp_ctx *c, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ln = 0;
	bool seen_duid = false;
	if (!f)
		return IPD_OK;  /* an empty lease file is valid: no leases */
	while (!c->stopped && (n = getline(&line, &cap, f)) >= 0) {
		ln++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (memchr(line, '\0', (size_t)n)) {
			imp_bad(c, ln, "NUL byte in line");
			continue;
		}
		dnsmasq_line(c, line, ln, &seen_duid);
	}
	free(line);
	return ferror(f) ? IPD_EIO : IPD_OK;
}

static int detect_dnsmasq(const char *h, size_t n)
{
	/* "digits space hex:hex" or "duid " */
	if (n >= 5 && memcmp(h, "duid ", 5) == 0)
		return 80;
	size_t i = 0;
	while (i < n && isdigit((unsigned char)h[i]))
		i++;
	if (i == 0 || i >= n || h[i] != ' ')
		return 0;
	i++;
	size_t j = i;
	while (j < n && (isxdigit((unsigned char)h[j]) || h[j] == ':' || h[j] == '-' || h[j] == 'T'))
		j++;
	return j > i && j < n && h[j] == ' ' ? 80 : 0;
}

const struct imp_format imp_fmt_dnsmasq = { "dnsmasq", "leases", parse_dnsmasq, detect_dnsmasq };
