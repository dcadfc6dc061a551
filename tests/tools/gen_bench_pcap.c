/*
 * gen_bench_pcap FILE [FRAMES] [HOSTS]: the listen benchmark capture.
 * Default 5,000,000 frames, 50,000 IPv4 hosts spread over 198.18.0.0/15
 * (every other address, so they share their leading bytes: the input that
 * collapses a leading-byte hash) plus HOSTS/5 IPv6 hosts in 2001:db8::/64.
 * Mix: 40% ARP (one host in eight on VLAN 100, one in 64 behind QinQ),
 * 15% ND (NS/NA), 5% DHCP (client DISCOVER/REQUEST with a hostname, server
 * OFFER/ACK), 40% unrelated TCP/UDP. One host in 1000 moves between two
 * MACs (changed ethernet address / flip flop events). Deterministic.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framebuild.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void mac_of(uint8_t m[6], uint32_t k, int alt)
{
	m[0] = 0x02;
	m[1] = alt ? 0xbc : 0xbb;
	m[2] = 0;
	m[3] = (uint8_t)(k >> 16);
	m[4] = (uint8_t)(k >> 8);
	m[5] = (uint8_t)k;
}

static void ip4_of(uint8_t a[4], uint32_t k)
{
	uint32_t v = (198u << 24 | 18u << 16) + 2 * k + 1;
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void ip6_of(uint8_t a[16], uint32_t k)
{
	static const uint8_t pfx[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	memcpy(a, pfx, 8);
	memset(a + 8, 0, 8);
	a[8] = 0x02; /* EUI-64-ish interface id */
	a[13] = (uint8_t)(k >> 16);
	a[14] = (uint8_t)(k >> 8);
	a[15] = (uint8_t)k;
}

static void eth(struct fb *f, const uint8_t dst[6], const uint8_t src[6], uint32_t k, unsigned type)
{
	fb_bytes(f, dst, 6);
	fb_bytes(f, src, 6);
	if (k % 64 == 3) {
		fb_be16(f, 0x88a8);
		fb_be16(f, 300);
		fb_be16(f, 0x8100);
		fb_be16(f, 100 + k % 7);
	} else if (k % 8 == 0) {
		fb_be16(f, 0x8100);
		fb_be16(f, 100);
	}
	fb_be16(f, type);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_bench_pcap FILE [FRAMES] [HOSTS]\n");
		return 2;
	}
	long frames = argc > 2 ? atol(argv[2]) : 5000000;
	uint32_t hosts = argc > 3 ? (uint32_t)atol(argv[3]) : 50000;
	uint32_t hosts6 = hosts / 5;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, argv[1]);
	if (!d) {
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(dead));
		return 1;
	}
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t gw[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	static const uint8_t srv[6] = { 0x02, 0xaa, 0, 0, 0, 0x53 };
	static const uint8_t srvip[4] = { 198, 18, 0, 2 };
	struct fb f;
	struct pcap_pkthdr h;
	uint64_t ts_us = 1700000000ULL * 1000000;
	for (long i = 0; i < frames; i++) {
		uint64_t r = next();
		uint32_t k = (uint32_t)(r >> 20) % hosts;
		unsigned kind = (unsigned)(r % 100);
		uint8_t mac[6], ip[4], tip[4];
		int alt = (k % 1000 == 7) && ((i / 50000) & 1);
		mac_of(mac, k, alt);
		ip4_of(ip, k);
		fb_reset(&f);
		if (kind < 40) {
			/* ARP: request to the gateway or reply */
			int reply = (r >> 8) & 1;
			eth(&f, reply ? gw : bc, mac, k, 0x0806);
			fb_be16(&f, 1);
			fb_be16(&f, 0x0800);
			fb_u8(&f, 6);
			fb_u8(&f, 4);
			fb_be16(&f, reply ? 2 : 1);
			fb_bytes(&f, mac, 6);
			fb_bytes(&f, ip, 4);
			if (reply)
				fb_bytes(&f, gw, 6);
			else
				fb_zero(&f, 6);
			ip4_of(tip, (k + 1) % hosts);
			fb_bytes(&f, tip, 4);
			fb_pad(&f);
		} else if (kind < 55) {
			/* ND: NA with TLLA (or NS with SLLA) from an IPv6 host */
			uint32_t k6 = k % hosts6;
			uint8_t a[16], t[16];
			mac_of(mac, k6 + 0x100000, 0);
			ip6_of(a, k6);
			static const uint8_t mc[6] = { 0x33, 0x33, 0, 0, 0, 1 };
			fb_bytes(&f, mc, 6);
			fb_bytes(&f, mac, 6);
			fb_be16(&f, 0x86dd);
			size_t at = f.n;
			fb_be32(&f, 0x60000000u);
			fb_be16(&f, 0);
			fb_u8(&f, 58);
			fb_u8(&f, 255);
			fb_bytes(&f, a, 16);
			int na = (r >> 9) & 1;
			if (na) {
				static const uint8_t all[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
				fb_bytes(&f, all, 16);
				fb_u8(&f, 136);
				fb_u8(&f, 0);
				fb_be16(&f, 0);
				fb_u8(&f, 0x20);
				fb_zero(&f, 3);
				fb_bytes(&f, a, 16);
				fb_u8(&f, 2);
			} else {
				ip6_of(t, (k6 + 1) % hosts6);
				uint8_t sn[16] = { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, t[13], t[14], t[15] };
				fb_bytes(&f, sn, 16);
				fb_u8(&f, 135);
				fb_u8(&f, 0);
				fb_be16(&f, 0);
				fb_zero(&f, 4);
				fb_bytes(&f, t, 16);
				fb_u8(&f, 1);
			}
			fb_u8(&f, 1);
			fb_bytes(&f, mac, 6);
			fb_ipv6_end(&f, at);
		} else if (kind < 60) {
			/* DHCP */
			int server = (r >> 10) & 1;
			char hn[16];
			int hl = snprintf(hn, sizeof hn, "host-%u", k);
			fb_bytes(&f, bc, 6);
			fb_bytes(&f, server ? srv : mac, 6);
			fb_be16(&f, 0x0800);
			size_t at = f.n;
			fb_u8(&f, 0x45);
			fb_u8(&f, 0);
			fb_be16(&f, 0);
			fb_be16(&f, 0);
			fb_be16(&f, 0);
			fb_u8(&f, 64);
			fb_u8(&f, 17);
			fb_be16(&f, 0);
			if (server)
				fb_bytes(&f, srvip, 4);
			else
				fb_zero(&f, 4);
			fb_bytes(&f, bc, 4);
			fb_be16(&f, server ? 67 : 68);
			fb_be16(&f, server ? 68 : 67);
			fb_be16(&f, 0);
			fb_be16(&f, 0);
			fb_u8(&f, server ? 2 : 1);
			fb_u8(&f, 1);
			fb_u8(&f, 6);
			fb_u8(&f, 0);
			fb_be32(&f, (uint32_t)r);
			fb_zero(&f, 4 + 4);
			if (server)
				fb_bytes(&f, ip, 4);
			else
				fb_zero(&f, 4);
			fb_zero(&f, 8);
			fb_bytes(&f, mac, 6);
			fb_zero(&f, 10 + 64 + 128);
			fb_be32(&f, 0x63825363u);
			fb_u8(&f, 53);
			fb_u8(&f, 1);
			if (server) {
				fb_u8(&f, (r >> 11) & 1 ? 5 : 2);
				uint8_t o[] = { 54, 4, 198, 18, 0, 2, 3, 4, 198, 18, 0, 1, 6, 4, 198, 18, 0, 53 };
				fb_bytes(&f, o, sizeof o);
			} else {
				fb_u8(&f, (r >> 11) & 1 ? 3 : 1);
				fb_u8(&f, 12);
				fb_u8(&f, (unsigned)hl);
				fb_bytes(&f, hn, (size_t)hl);
				uint8_t o[] = { 55, 4, 1, 3, 6, 15, 61, 7, 1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5] };
				fb_bytes(&f, o, sizeof o);
			}
			fb_u8(&f, 255);
			fb_ipv4_udp_end(&f, at);
		} else {
			/* Noise: TCP segments and UDP datagrams between hosts */
			int tcp = (r >> 12) & 1;
			fb_bytes(&f, gw, 6);
			fb_bytes(&f, mac, 6);
			fb_be16(&f, 0x0800);
			size_t at = fb_ipv4_udp(&f, "198.18.0.1", "203.0.113.80", 40000 + k % 20000,
						tcp ? 443 : 53);
			memcpy(f.b + at + 12, ip, 4);
			fb_zero(&f, tcp ? 32 : 40 + (r >> 40) % 60);
			fb_ipv4_udp_end(&f, at);
			if (tcp)
				f.b[at + 9] = 6;
		}
		h.caplen = h.len = (bpf_u_int32)f.n;
		h.ts.tv_sec = (time_t)(ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
		ts_us += 20;
		pcap_dump((u_char *)d, &h, f.b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}
