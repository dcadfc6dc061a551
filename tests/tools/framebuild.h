/*
 * Frame builder for tests and generators (test code only, header-only so the
 * unit tests, the pcap generator and the bench generator share it).
 * Builds Ethernet (+802.1Q/QinQ tags), ARP, IPv6+ICMPv6 and IPv4+UDP+BOOTP
 * frames into a fixed buffer; lengths and ICMPv6 checksums are patched by the
 * *_end() calls.
 */
#ifndef IPD_FRAMEBUILD_H
#define IPD_FRAMEBUILD_H
#include <arpa/inet.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fb {
	uint8_t b[2048];
	size_t n;
};

static inline void fb_reset(struct fb *f) { f->n = 0; }
static inline void fb_u8(struct fb *f, unsigned v)
{
	if (f->n < sizeof f->b)
		f->b[f->n++] = (uint8_t)v;
}
static inline void fb_be16(struct fb *f, unsigned v) { fb_u8(f, v >> 8); fb_u8(f, v & 0xff); }
static inline void fb_be32(struct fb *f, uint32_t v) { fb_be16(f, v >> 16); fb_be16(f, v & 0xffff); }
static inline void fb_bytes(struct fb *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fb_u8(f, ((const uint8_t *)p)[i]);
}
static inline void fb_zero(struct fb *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fb_u8(f, 0);
}
static inline void fb_put16(struct fb *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}
static inline void fb_mac(struct fb *f, const char *s)
{
	unsigned m[6] = { 0 };
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		abort();
	for (int i = 0; i < 6; i++)
		fb_u8(f, m[i]);
}
static inline void fb_ip4(struct fb *f, const char *s)
{
	uint8_t a[4];
	if (inet_pton(AF_INET, s, a) != 1)
		abort();
	fb_bytes(f, a, 4);
}
static inline void fb_ip6(struct fb *f, const char *s)
{
	uint8_t a[16];
	if (inet_pton(AF_INET6, s, a) != 1)
		abort();
	fb_bytes(f, a, 16);
}

/* tags: pairs {tpid, vid}, outermost first; ntags pairs. */
static inline void fb_eth(struct fb *f, const char *dst, const char *src, const unsigned *tags,
			  int ntags, unsigned type)
{
	fb_mac(f, dst);
	fb_mac(f, src);
	for (int i = 0; i < ntags; i++) {
		fb_be16(f, tags[2 * i]);
		fb_be16(f, tags[2 * i + 1]);
	}
	fb_be16(f, type);
}

static inline void fb_arp(struct fb *f, unsigned op, const char *sha, const char *spa,
			  const char *tha, const char *tpa)
{
	fb_be16(f, 1);
	fb_be16(f, 0x0800);
	fb_u8(f, 6);
	fb_u8(f, 4);
	fb_be16(f, op);
	fb_mac(f, sha);
	fb_ip4(f, spa);
	fb_mac(f, tha);
	fb_ip4(f, tpa);
}

/* IPv6 header with next header 58; returns the header's offset for fb_ipv6_end. */
static inline size_t fb_ipv6(struct fb *f, const char *src, const char *dst, unsigned hlim)
{
	size_t at = f->n;
	fb_be32(f, 0x60000000u);
	fb_be16(f, 0);
	fb_u8(f, 58);
	fb_u8(f, hlim);
	fb_ip6(f, src);
	fb_ip6(f, dst);
	return at;
}

/* Patch payload length and the ICMPv6 checksum (RFC 4443 2.3). */
static inline void fb_ipv6_end(struct fb *f, size_t at)
{
	size_t plen = f->n - at - 40;
	fb_put16(f, at + 4, (unsigned)plen);
	uint32_t sum = 0;
	for (size_t i = 0; i < 32; i += 2)
		sum += (uint32_t)(f->b[at + 8 + i] << 8 | f->b[at + 9 + i]);
	sum += (uint32_t)plen + 58;
	size_t p = at + 40;
	if (plen >= 4) {
		f->b[p + 2] = f->b[p + 3] = 0;
		for (size_t i = 0; i < plen; i += 2)
			sum += (uint32_t)(f->b[p + i] << 8 | (i + 1 < plen ? f->b[p + i + 1] : 0));
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		fb_put16(f, p + 2, ~sum & 0xffff);
	}
}

/* IPv4 + UDP headers; returns the IPv4 header offset for fb_ipv4_udp_end. */
static inline size_t fb_ipv4_udp(struct fb *f, const char *src, const char *dst, unsigned sport,
				 unsigned dport)
{
	size_t at = f->n;
	fb_u8(f, 0x45);
	fb_u8(f, 0);
	fb_be16(f, 0);      /* total length, patched */
	fb_be16(f, 0x1234);
	fb_be16(f, 0);      /* flags/fragment */
	fb_u8(f, 64);
	fb_u8(f, 17);
	fb_be16(f, 0);
	fb_ip4(f, src);
	fb_ip4(f, dst);
	fb_be16(f, sport);
	fb_be16(f, dport);
	fb_be16(f, 0);      /* UDP length, patched */
	fb_be16(f, 0);
	return at;
}

static inline void fb_ipv4_udp_end(struct fb *f, size_t at)
{
	size_t tot = f->n - at;
	fb_put16(f, at + 2, (unsigned)tot);
	fb_put16(f, at + 24, (unsigned)(tot - 20));
	uint32_t sum = 0;
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)(f->b[at + i] << 8 | f->b[at + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	fb_put16(f, at + 10, ~sum & 0xffff);
}

/* BOOTP fixed part + DHCP magic cookie (options follow). */
static inline void fb_bootp(struct fb *f, unsigned op, uint32_t xid, const char *ciaddr,
			    const char *yiaddr, const char *giaddr, const char *chaddr)
{
	fb_u8(f, op);
	fb_u8(f, 1);
	fb_u8(f, 6);
	fb_u8(f, 0);
	fb_be32(f, xid);
	fb_be16(f, 0);
	fb_be16(f, 0x8000);
	fb_ip4(f, ciaddr);
	fb_ip4(f, yiaddr);
	fb_ip4(f, "0.0.0.0");
	fb_ip4(f, giaddr);
	fb_mac(f, chaddr);
	fb_zero(f, 10 + 64 + 128);
	fb_be32(f, 0x63825363u);
}

/* Pad to the Ethernet minimum (60 bytes without FCS). */
static inline void fb_pad(struct fb *f)
{
	while (f->n < 60)
		fb_u8(f, 0);
}

#endif
