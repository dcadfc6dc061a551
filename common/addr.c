#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void ipd_ip_from_v4(struct ipd_ip *ip, uint32_t v4)
{
	memcpy(ip->b, v4mapped, 12);
	ip->b[12] = v4 >> 24;
	ip->b[13] = v4 >> 16;
	ip->b[14] = v4 >> 8;
	ip->b[15] = v4;
}

void ipd_ip_from_v4_bytes(struct ipd_ip *ip, const uint8_t b[4])
{
	memcpy(ip->b, v4mapped, 12);
	memcpy(ip->b + 12, b, 4);
}

void ipd_ip_from_v6_bytes(struct ipd_ip *ip, const uint8_t b[16])
{
	memcpy(ip->b, b, 16);
}

bool ipd_ip_is_v4(const struct ipd_ip *ip)
{
	return memcmp(ip->b, v4mapped, 12) == 0;
}

uint32_t ipd_ip_v4(const struct ipd_ip *ip)
{
	return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 |
	       (uint32_t)ip->b[14] << 8 | ip->b[15];
}

int ipd_ip_family(const struct ipd_ip *ip) { return ipd_ip_is_v4(ip) ? 4 : 6; }

int ipd_ip_cmp(const struct ipd_ip *a, const struct ipd_ip *b)
{
	return memcmp(a->b, b->b, 16);
}

bool ipd_ip_eq(const struct ipd_ip *a, const struct ipd_ip *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

bool ipd_ip_parse(const char *s, struct ipd_ip *ip)
{
	uint8_t buf[16];
	if (!s)
		return false;
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, buf) != 1)
			return false;
		ipd_ip_from_v6_bytes(ip, buf);
		return true;
	}
	if (inet_pton(AF_INET, s, buf) != 1)
		return false;
	ipd_ip_from_v4_bytes(ip, buf);
	return true;
}

char *ipd_ip_fmt(const struct ipd_ip *ip, char *buf, size_t len)
{
	const char *r = ipd_ip_is_v4(ip) ? inet_ntop(AF_INET, ip->b + 12, buf, len)
					 : inet_ntop(AF_INET6, ip->b, buf, len);
	if (!r && len)
		buf[0] = '\0';
	return buf;
}

bool ipd_ip_next(struct ipd_ip *ip)
{
	int stop = ipd_ip_is_v4(ip) ? 12 : 0;
	for (int i = 15; i >= stop; i--)
		if (++ip->b[i] != 0)
			return true;
	if (stop)
		memcpy(ip->b, v4mapped, 12); /* keep family on wrap */
	return false;
}

bool ipd_ip_is_unspecified(const struct ipd_ip *ip)
{
	static const uint8_t zero[16];
	if (ipd_ip_is_v4(ip))
		return ipd_ip_v4(ip) == 0;
	return memcmp(ip->b, zero, 16) == 0;
}

bool ipd_ip_is_link_local(const struct ipd_ip *ip)
{
	if (ipd_ip_is_v4(ip))
		return (ipd_ip_v4(ip) >> 16) == 0xa9fe;
	return ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80;
}

bool ipd_ip_is_multicast(const struct ipd_ip *ip)
{
	if (ipd_ip_is_v4(ip))
		return (ip->b[12] & 0xf0) == 0xe0;
	return ip->b[0] == 0xff;
}

struct special { const char *pfx; struct ipd_prefix p; };

/* IANA special-purpose registries (RFC 6890 and successors). */
static struct special specials[] = {
	{ "0.0.0.0/8", {{{0}}, 0} }, { "10.0.0.0/8", {{{0}}, 0} },
	{ "100.64.0.0/10", {{{0}}, 0} }, { "127.0.0.0/8", {{{0}}, 0} },
	{ "169.254.0.0/16", {{{0}}, 0} }, { "172.16.0.0/12", {{{0}}, 0} },
	{ "192.0.0.0/24", {{{0}}, 0} }, { "192.0.2.0/24", {{{0}}, 0} },
	{ "192.88.99.0/24", {{{0}}, 0} }, { "192.168.0.0/16", {{{0}}, 0} },
	{ "198.18.0.0/15", {{{0}}, 0} }, { "198.51.100.0/24", {{{0}}, 0} },
	{ "203.0.113.0/24", {{{0}}, 0} }, { "224.0.0.0/3", {{{0}}, 0} },
	{ "::/128", {{{0}}, 0} }, { "::1/128", {{{0}}, 0} },
	{ "64:ff9b:1::/48", {{{0}}, 0} }, { "100::/64", {{{0}}, 0} },
	{ "2001::/23", {{{0}}, 0} }, { "2001:db8::/32", {{{0}}, 0} },
	{ "fc00::/7", {{{0}}, 0} }, { "fe80::/10", {{{0}}, 0} },
	{ "ff00::/8", {{{0}}, 0} }, { "3fff::/20", {{{0}}, 0} },
};

bool ipd_ip_is_special(const struct ipd_ip *ip)
{
	static bool ready;
	if (!ready) {
		for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
			ipd_prefix_parse(specials[i].pfx, &specials[i].p, true);
		ready = true;
	}
	for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
		if (ipd_prefix_contains(&specials[i].p, ip))
			return true;
	return false;
}

char *ipd_ip_reverse_name(const struct ipd_ip *ip, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	if (ipd_ip_is_v4(ip)) {
		snprintf(buf, len, "%u.%u.%u.%u.in-addr.arpa.", ip->b[15], ip->b[14],
			 ip->b[13], ip->b[12]);
		return buf;
	}
	char tmp[IPD_REVNAME_LEN];
	size_t o = 0;
	for (int i = 15; i >= 0; i--) {
		tmp[o++] = hex[ip->b[i] & 0xf];
		tmp[o++] = '.';
		tmp[o++] = hex[ip->b[i] >> 4];
		tmp[o++] = '.';
	}
	memcpy(tmp + o, "ip6.arpa.", 10);
	snprintf(buf, len, "%s", tmp);
	return buf;
}

/* Offset of the first family bit inside the 16-byte form. */
static int fam_off(const struct ipd_ip *ip) { return ipd_ip_is_v4(ip) ? 96 : 0; }

int ipd_prefix_maxlen(const struct ipd_prefix *p) { return ipd_ip_is_v4(&p->addr) ? 32 : 128; }

static void mask_bits(struct ipd_ip *ip, int keep_bits, bool set_host)
{
	for (int i = 0; i < 16; i++) {
		int bit0 = i * 8;
		uint8_t m;
		if (bit0 + 8 <= keep_bits)
			m = 0xff;
		else if (bit0 >= keep_bits)
			m = 0;
		else
			m = (uint8_t)(0xff << (8 - (keep_bits - bit0)));
		ip->b[i] = set_host ? (ip->b[i] | (uint8_t)~m) : (ip->b[i] & m);
	}
}

void ipd_prefix_of(const struct ipd_ip *ip, int len, struct ipd_prefix *out)
{
	out->addr = *ip;
	out->len = (uint8_t)len;
	mask_bits(&out->addr, fam_off(ip) + len, false);
}

bool ipd_prefix_parse(const char *s, struct ipd_prefix *p, bool strict)
{
	char buf[IPD_PFX_STRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof buf)
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	struct ipd_ip ip;
	if (!ipd_ip_parse(buf, &ip))
		return false;
	int max = ipd_ip_is_v4(&ip) ? 32 : 128;
	long len = max;
	if (slash) {
		const char *d = slash + 1;
		if (!isdigit((unsigned char)*d) || strlen(d) > 3)
			return false;
		for (const char *q = d; *q; q++)
			if (!isdigit((unsigned char)*q))
				return false;
		len = strtol(d, NULL, 10);
		if (len > max)
			return false;
	}
	ipd_prefix_of(&ip, (int)len, p);
	if (strict && !ipd_ip_eq(&p->addr, &ip))
		return false;
	return true;
}

char *ipd_prefix_fmt(const struct ipd_prefix *p, char *buf, size_t len)
{
	char a[IPD_IP_STRLEN];
	snprintf(buf, len, "%s/%u", ipd_ip_fmt(&p->addr, a, sizeof a), p->len);
	return buf;
}

void ipd_prefix_first(const struct ipd_prefix *p, struct ipd_ip *out)
{
	*out = p->addr;
}

void ipd_prefix_last(const struct ipd_prefix *p, struct ipd_ip *out)
{
	*out = p->addr;
	mask_bits(out, fam_off(&p->addr) + p->len, true);
}

bool ipd_prefix_contains(const struct ipd_prefix *p, const struct ipd_ip *ip)
{
	if (ipd_ip_is_v4(&p->addr) != ipd_ip_is_v4(ip))
		return false;
	struct ipd_prefix q;
	ipd_prefix_of(ip, p->len, &q);
	return ipd_ip_eq(&q.addr, &p->addr);
}

uint64_t ipd_range_size(const struct ipd_ip *lo, const struct ipd_ip *hi)
{
	if (ipd_ip_cmp(lo, hi) > 0)
		return 0;
	/* Any difference in the top 8 bytes means >= 2^64 addresses. */
	if (memcmp(lo->b, hi->b, 8) != 0)
		return UINT64_MAX;
	uint64_t a = 0, b = 0;
	for (int i = 8; i < 16; i++) {
		a = a << 8 | lo->b[i];
		b = b << 8 | hi->b[i];
	}
	uint64_t d = b - a;
	return d == UINT64_MAX ? d : d + 1;
}

uint64_t ipd_prefix_size(const struct ipd_prefix *p)
{
	int hostbits = ipd_prefix_maxlen(p) - p->len;
	if (hostbits >= 64)
		return UINT64_MAX;
	return (uint64_t)1 << hostbits;
}

bool ipd_range_parse(const char *s, struct ipd_ip *lo, struct ipd_ip *hi)
{
	const char *dash = strchr(s, '-');
	if (!dash) {
		struct ipd_prefix p;
		if (!ipd_prefix_parse(s, &p, false))
			return false;
		ipd_prefix_first(&p, lo);
		ipd_prefix_last(&p, hi);
		return true;
	}
	char a[IPD_IP_STRLEN];
	size_t alen = (size_t)(dash - s);
	if (alen == 0 || alen >= sizeof a)
		return false;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (!ipd_ip_parse(a, lo))
		return false;
	const char *b = dash + 1;
	if (ipd_ip_is_v4(lo) && *b && strlen(b) <= 3 && !strchr(b, '.')) {
		/* "192.0.2.10-20": last octet only */
		char *end;
		long o = strtol(b, &end, 10);
		if (*end || o < 0 || o > 255)
			return false;
		*hi = *lo;
		hi->b[15] = (uint8_t)o;
	} else if (!ipd_ip_parse(b, hi)) {
		return false;
	}
	if (ipd_ip_is_v4(lo) != ipd_ip_is_v4(hi) || ipd_ip_cmp(lo, hi) > 0)
		return false;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

bool ipd_mac_parse(const char *s, struct ipd_mac *m)
{
	size_t n = strlen(s);
	/* Plain 12 hex digits, or Cisco aabb.ccdd.eeff */
	char hex[13];
	size_t h = 0;
	if (n == 12 || (n == 14 && s[4] == '.' && s[9] == '.')) {
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '.' && n == 14)
				continue;
			if (hexval(s[i]) < 0 || h >= 12)
				return false;
			hex[h++] = s[i];
		}
		if (h != 12)
			return false;
		for (int i = 0; i < 6; i++)
			m->b[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
		return true;
	}
	/* Six groups of 1-2 hex digits separated by one of ':' '-' */
	char sep = 0;
	int oct = 0;
	const char *p = s;
	while (oct < 6) {
		int v = 0, digits = 0;
		while (digits < 2 && hexval(*p) >= 0) {
			v = v << 4 | hexval(*p++);
			digits++;
		}
		if (!digits)
			return false;
		m->b[oct++] = (uint8_t)v;
		if (oct == 6)
			break;
		if (*p != ':' && *p != '-')
			return false;
		if (sep && *p != sep)
			return false;
		sep = *p++;
	}
	return *p == '\0';
}

char *ipd_mac_fmt(const struct ipd_mac *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2],
		 m->b[3], m->b[4], m->b[5]);
	return buf;
}

bool ipd_mac_eq(const struct ipd_mac *a, const struct ipd_mac *b)
{
	return memcmp(a->b, b->b, 6) == 0;
}

bool ipd_mac_is_zero(const struct ipd_mac *m)
{
	static const uint8_t z[6];
	return memcmp(m->b, z, 6) == 0;
}

bool ipd_mac_is_broadcast(const struct ipd_mac *m)
{
	static const uint8_t f[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	return memcmp(m->b, f, 6) == 0;
}

bool ipd_mac_is_multicast(const struct ipd_mac *m) { return m->b[0] & 0x01; }
bool ipd_mac_is_local(const struct ipd_mac *m) { return m->b[0] & 0x02; }
bool ipd_mac_is_random(const struct ipd_mac *m) { return (m->b[0] & 0x03) == 0x02; }

const char *ipd_mac_fhrp(const struct ipd_mac *m)
{
	const uint8_t *b = m->b;
	if (b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x5e && b[3] == 0x00) {
		if (b[4] == 0x01)
			return "vrrp";      /* also CARP (OpenBSD reuses the VRRP range) */
		if (b[4] == 0x02)
			return "vrrp6";
	}
	if (b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x0c) {
		if (b[3] == 0x07 && b[4] == 0xac)
			return "hsrp";
		if (b[3] == 0x9f && (b[4] & 0xf0) == 0xf0)
			return "hsrp2";
	}
	if (b[0] == 0x00 && b[1] == 0x07 && b[2] == 0xb4 && b[3] == 0x00)
		return "glbp";
	return NULL;
}
