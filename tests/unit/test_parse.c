/* Frame parsers: hand-built frames through parse_frame(), every outcome checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "../../scanner/parse.h"
#include "../tools/framebuild.h"

struct collect {
	struct obs o[8];
	/* hostname copied: obs borrows it only during put */
	char host[8][300];
	int n;
};

static enum ipd_status put(void *ctx, const struct obs *o)
{
	struct collect *c = ctx;
	if (c->n < 8) {
		c->o[c->n] = *o;
		if ((o->kind == OBS_DHCP_CLIENT || o->kind == OBS_DHCP_SERVER) && o->hostname) {
			memcpy(c->host[c->n], o->hostname, o->hostname_len);
			c->host[c->n][o->hostname_len] = 0;
		}
		c->n++;
	}
	return IPD_OK;
}

static struct collect col;
static struct parse_counters cnt;

static enum parse_result run_lt(const uint8_t *p, size_t n, int lt)
{
	struct frame f = { .data = p, .caplen = n, .wirelen = n, .ts_us = 1000000, .linktype = lt,
			   .iface = "test0" };
	struct obs_sink s = { &col, put };
	memset(&col, 0, sizeof col);
	enum parse_result r = parse_frame(&f, &s, &cnt);
	assert_int_equal(cnt.frames, cnt.decoded + cnt.skipped + cnt.truncated + cnt.invalid);
	return r;
}

static enum parse_result run(const struct fb *f)
{
	return run_lt(f->b, f->n, DLT_EN10MB);
}

static void ip_is(const struct ipd_ip *ip, const char *want)
{
	char b[IPD_IP_STRLEN];
	assert_string_equal(ipd_ip_fmt(ip, b, sizeof b), want);
}

static void mac_is(const struct ipd_mac *m, const char *want)
{
	char b[IPD_MAC_STRLEN];
	assert_string_equal(ipd_mac_fmt(m, b, sizeof b), want);
}

#define BC "ff:ff:ff:ff:ff:ff"
#define M1 "02:00:00:00:00:01"
#define M2 "02:00:00:00:00:02"
#define Z "00:00:00:00:00:00"

static void arp_frame(struct fb *f, const unsigned *tags, int nt, unsigned op, const char *spa,
		      const char *tha, const char *tpa)
{
	fb_reset(f);
	fb_eth(f, BC, M1, tags, nt, 0x0806);
	fb_arp(f, op, M1, spa, tha, tpa);
	fb_pad(f);
}

static void arp_kinds(void **state)
{
	(void)state;
	struct fb f;
	arp_frame(&f, NULL, 0, 1, "192.0.2.1", Z, "192.0.2.2");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.n, 1);
	assert_int_equal(col.o[0].kind, OBS_ARP_REQUEST);
	ip_is(&col.o[0].ip, "192.0.2.1");
	ip_is(&col.o[0].target_ip, "192.0.2.2");
	mac_is(&col.o[0].mac, M1);
	assert_int_equal(col.o[0].vlan, 0);

	arp_frame(&f, NULL, 0, 2, "192.0.2.1", M2, "192.0.2.2");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ARP_REPLY);

	arp_frame(&f, NULL, 0, 1, "0.0.0.0", Z, "192.0.2.9");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ARP_PROBE);
	assert_false(col.o[0].has_ip);
	ip_is(&col.o[0].target_ip, "192.0.2.9");

	arp_frame(&f, NULL, 0, 1, "192.0.2.9", Z, "192.0.2.9");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ARP_ANNOUNCE);

	arp_frame(&f, NULL, 0, 2, "192.0.2.9", BC, "192.0.2.9");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ARP_GRATUITOUS);

	/* reply from 0.0.0.0 claims nothing */
	arp_frame(&f, NULL, 0, 2, "0.0.0.0", M2, "192.0.2.9");
	assert_int_equal(run(&f), PARSE_INVALID);
	assert_int_equal(col.n, 0);

	/* hlen 8 with htype Ethernet: invalid; ptype IPv6: not ours */
	arp_frame(&f, NULL, 0, 1, "192.0.2.1", Z, "192.0.2.2");
	f.b[18] = 8;
	assert_int_equal(run(&f), PARSE_INVALID);
	arp_frame(&f, NULL, 0, 1, "192.0.2.1", Z, "192.0.2.2");
	f.b[16] = 0x86;
	f.b[17] = 0xdd;
	assert_int_equal(run(&f), PARSE_SKIPPED);
}

static void vlans(void **state)
{
	(void)state;
	struct fb f;
	unsigned q[] = { 0x8100, 42 };
	arp_frame(&f, q, 1, 1, "192.0.2.1", Z, "192.0.2.2");
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].vlan, 42);
	assert_int_equal(col.o[0].outer_vlan, 0);

	unsigned tpids[] = { 0x88a8, 0x9100, 0x8100 };
	for (int i = 0; i < 3; i++) {
		unsigned qq[] = { tpids[i], 100 | 0x2000 /* PCP bits ignored */, 0x8100, 7 };
		arp_frame(&f, qq, 2, 1, "192.0.2.1", Z, "192.0.2.2");
		assert_int_equal(run(&f), PARSE_OK);
		assert_int_equal(col.o[0].vlan, 7);
		assert_int_equal(col.o[0].outer_vlan, 100);
	}
	unsigned deep[] = { 0x8100, 1, 0x8100, 2, 0x8100, 3, 0x8100, 4, 0x8100, 5 };
	arp_frame(&f, deep, 4, 1, "192.0.2.1", Z, "192.0.2.2");
	assert_int_equal(run(&f), PARSE_OK);
	arp_frame(&f, deep, 5, 1, "192.0.2.1", Z, "192.0.2.2");
	assert_int_equal(run(&f), PARSE_INVALID);

	/* a tag with nothing after it */
	fb_reset(&f);
	fb_mac(&f, BC);
	fb_mac(&f, M1);
	fb_be16(&f, 0x8100);
	assert_int_equal(run(&f), PARSE_TRUNCATED);
	/* a complete tag announcing ARP, then nothing */
	fb_be16(&f, 5);
	fb_be16(&f, 0x0806);
	assert_int_equal(run(&f), PARSE_TRUNCATED);
	assert_true(cnt.trunc[PARSER_ARP] > 0);
}

/* Every proper prefix of a valid frame is truncated, never OK or a crash. */
static void truncate_all(const struct fb *f, int first_ok_len)
{
	for (size_t n = 0; n < f->n; n++) {
		enum parse_result r = run_lt(f->b, n, DLT_EN10MB);
		if ((int)n >= first_ok_len)
			assert_int_equal(r, PARSE_OK);
		else {
			if (r != PARSE_TRUNCATED)
				fail_msg("prefix %zu: result %d", n, r);
			assert_int_equal(col.n, 0);
		}
	}
}

static void truncations(void **state)
{
	(void)state;
	struct fb f;
	unsigned qq[] = { 0x88a8, 10, 0x8100, 20 };
	arp_frame(&f, qq, 2, 1, "192.0.2.1", Z, "192.0.2.2");
	truncate_all(&f, 14 + 8 + 28);
}

static void sll(void **state)
{
	(void)state;
	struct fb f;
	fb_reset(&f);
	fb_be16(&f, 0);      /* pkttype host */
	fb_be16(&f, 1);      /* ARPHRD_ETHER */
	fb_be16(&f, 6);
	fb_mac(&f, M2);
	fb_be16(&f, 0);
	fb_be16(&f, 0x0806);
	fb_arp(&f, 2, M2, "198.51.100.7", M1, "198.51.100.1");
	assert_int_equal(run_lt(f.b, f.n, DLT_LINUX_SLL), PARSE_OK);
	mac_is(&col.o[0].eth_src, M2);
	ip_is(&col.o[0].ip, "198.51.100.7");
	assert_int_equal(run_lt(f.b, 15, DLT_LINUX_SLL), PARSE_TRUNCATED);

	fb_reset(&f);
	fb_be16(&f, 0x0806);
	fb_be16(&f, 0);
	fb_be32(&f, 3);
	fb_be16(&f, 1);
	fb_u8(&f, 0);
	fb_u8(&f, 6);
	fb_mac(&f, M2);
	fb_be16(&f, 0);
	fb_arp(&f, 2, M2, "198.51.100.7", M1, "198.51.100.1");
	assert_int_equal(run_lt(f.b, f.n, DLT_LINUX_SLL2), PARSE_OK);
	mac_is(&col.o[0].eth_src, M2);

	uint64_t before = cnt.linktype_skipped;
	assert_int_equal(run_lt(f.b, f.n, DLT_RAW), PARSE_SKIPPED);
	assert_int_equal(cnt.linktype_skipped, before + 1);
	assert_int_equal(run_lt(NULL, 0, DLT_EN10MB), PARSE_TRUNCATED);
}

/* ND message: eth + IPv6 + ICMPv6 type/code/cksum + body bytes. */
static void nd_frame(struct fb *f, const char *src, const char *dst, unsigned type,
		     const uint8_t *body, size_t blen)
{
	fb_reset(f);
	fb_eth(f, "33:33:00:00:00:01", M1, NULL, 0, 0x86dd);
	size_t at = fb_ipv6(f, src, dst, 255);
	fb_u8(f, type);
	fb_u8(f, 0);
	fb_be16(f, 0);
	fb_bytes(f, body, blen);
	fb_ipv6_end(f, at);
}

static size_t ns_body(uint8_t *b, const char *target, bool slla)
{
	size_t n = 0;
	memset(b, 0, 4);
	n = 4;
	inet_pton(AF_INET6, target, b + n);
	n += 16;
	if (slla) {
		uint8_t o[8] = { 1, 1, 0x02, 0, 0, 0, 0, 0x01 };
		memcpy(b + n, o, 8);
		n += 8;
	}
	return n;
}

static void nd_ns_na(void **state)
{
	(void)state;
	struct fb f;
	uint8_t b[256];
	size_t n = ns_body(b, "2001:db8::2", true);
	nd_frame(&f, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ND_NS);
	ip_is(&col.o[0].ip, "2001:db8::1");
	ip_is(&col.o[0].target_ip, "2001:db8::2");
	mac_is(&col.o[0].mac, M1);
	truncate_all(&f, (int)f.n);

	/* DAD: from ::, no SLLA */
	n = ns_body(b, "2001:db8::5", false);
	nd_frame(&f, "::", "ff02::1:ff00:5", 135, b, n);
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ND_NS_DAD);
	assert_false(col.o[0].has_ip);
	ip_is(&col.o[0].target_ip, "2001:db8::5");
	/* DAD with SLLA is invalid */
	n = ns_body(b, "2001:db8::5", true);
	nd_frame(&f, "::", "ff02::1:ff00:5", 135, b, n);
	assert_int_equal(run(&f), PARSE_INVALID);

	/* zero-length option */
	n = ns_body(b, "2001:db8::2", true);
	b[21] = 0;
	nd_frame(&f, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	assert_int_equal(run(&f), PARSE_INVALID);
	assert_true(cnt.inval[PARSER_ND] > 0);
	/* option longer than the message */
	n = ns_body(b, "2001:db8::2", true);
	b[21] = 2;
	nd_frame(&f, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	assert_int_equal(run(&f), PARSE_INVALID);

	/* NA: flags, TLLA */
	memset(b, 0, sizeof b);
	b[0] = 0x60; /* S|O */
	inet_pton(AF_INET6, "fe80::2", b + 4);
	uint8_t tl[8] = { 2, 1, 0x02, 0, 0, 0, 0, 0x02 };
	memcpy(b + 20, tl, 8);
	nd_frame(&f, "fe80::2", "fe80::1", 136, b, 28);
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ND_NA);
	assert_int_equal(col.o[0].na_flags, 0x60);
	ip_is(&col.o[0].ip, "fe80::2");
	mac_is(&col.o[0].mac, M2);
	/* solicited NA to multicast: invalid */
	nd_frame(&f, "fe80::2", "ff02::1", 136, b, 28);
	assert_int_equal(run(&f), PARSE_INVALID);

	/* hop limit 64: not on-link ND */
	n = ns_body(b, "2001:db8::2", true);
	nd_frame(&f, "2001:db8::1", "ff02::1:ff00:2", 135, b, n);
	f.b[14 + 7] = 64;
	assert_int_equal(run(&f), PARSE_INVALID);
}

static void nd_rs_ra_echo(void **state)
{
	(void)state;
	struct fb f;
	uint8_t b[256];
	size_t n = 0;
	/* RA: hop 64, lifetime 1800, SLLA, prefix 2001:db8:1::/64, MTU 1500, RDNSS x2 */
	memset(b, 0, sizeof b);
	b[0] = 64;
	b[2] = 1800 >> 8;
	b[3] = 1800 & 0xff;
	n = 12;
	uint8_t sl[8] = { 1, 1, 0x02, 0, 0, 0, 0, 0x01 };
	memcpy(b + n, sl, 8);
	n += 8;
	b[n] = 3; b[n + 1] = 4; b[n + 2] = 64; b[n + 3] = 0xc0;
	inet_pton(AF_INET6, "2001:db8:1::", b + n + 16);
	n += 32;
	b[n] = 5; b[n + 1] = 1; b[n + 4] = 0; b[n + 5] = 0; b[n + 6] = 1500 >> 8; b[n + 7] = 1500 & 0xff;
	n += 8;
	b[n] = 25; b[n + 1] = 5; b[n + 7] = 60;
	inet_pton(AF_INET6, "2001:db8::53", b + n + 8);
	inet_pton(AF_INET6, "2001:db8::54", b + n + 24);
	n += 40;
	nd_frame(&f, "fe80::1", "ff02::1", 134, b, n);
	assert_int_equal(run(&f), PARSE_OK);
	const struct obs *o = &col.o[0];
	assert_int_equal(o->kind, OBS_ND_RA);
	assert_int_equal(o->ra_hop_limit, 64);
	assert_int_equal(o->ra_lifetime, 1800);
	assert_int_equal(o->ra_mtu, 1500);
	assert_int_equal(o->n_ra_prefix, 1);
	char pb[IPD_PFX_STRLEN];
	assert_string_equal(ipd_prefix_fmt(&o->ra_prefix[0], pb, sizeof pb), "2001:db8:1::/64");
	assert_int_equal(o->n_rdnss, 2);
	ip_is(&o->rdnss[1], "2001:db8::54");
	ip_is(&o->ip, "fe80::1");
	truncate_all(&f, (int)f.n);
	/* RDNSS with an even length is malformed (RFC 8106) */
	b[n - 40 + 1] = 4;
	nd_frame(&f, "fe80::1", "ff02::1", 134, b, n - 8);
	assert_int_equal(run(&f), PARSE_INVALID);
	/* RA from a global source: invalid */
	b[n - 40 + 1] = 5;
	nd_frame(&f, "2001:db8::1", "ff02::1", 134, b, n);
	assert_int_equal(run(&f), PARSE_INVALID);

	/* RS with SLLA */
	memset(b, 0, 4);
	memcpy(b + 4, sl, 8);
	nd_frame(&f, "fe80::9", "ff02::2", 133, b, 12);
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ND_RS);
	ip_is(&col.o[0].ip, "fe80::9");

	/* Echo reply */
	uint8_t e[8] = { 0x12, 0x34, 0, 7, 'a', 'b', 'c', 'd' };
	nd_frame(&f, "2001:db8::77", "2001:db8::1", 129, e, 8);
	assert_int_equal(run(&f), PARSE_OK);
	assert_int_equal(col.o[0].kind, OBS_ICMP6_ECHO_REPLY);
	assert_int_equal(col.o[0].echo_id, 0x1234);
	assert_int_equal(col.o[0].echo_seq, 7);
	/* Echo request: not ours */
	nd_frame(&f, "2001:db8::77", "2001:db8::1", 128, e, 8);
	assert_int_equal(run(&f), PARSE_SKIPPED);
}

static void dhcp_frame(struct fb *f, unsigned op, const char *src, const char *dst,
		       const char *ciaddr, const char *yiaddr, const uint8_t *opts, size_t olen,
		       int sport, int dport)
{
	fb_reset(f);
	fb_eth(f, BC, M1, NULL, 0, 0x0800);
	size_t at = fb_ipv4_udp(f, src, dst, (unsigned)sport, (unsigned)dport);
	fb_bootp(f, op, 0xdeadbeef, ciaddr, yiaddr, "0.0.0.0", M2);
	fb_bytes(f, opts, olen);
	fb_ipv4_udp_end(f, at);
}

static void dhcp(void **state)
{
	(void)state;
	struct fb f;
	static const uint8_t req[] = {
		53, 1, 3, 12, 4, 'h', 'o', 's', 't', 50, 4, 192, 0, 2, 50,
		61, 7, 1, 2, 0, 0, 0, 0, 2, 55, 3, 1, 3, 6, 60, 3, 'x', 'y', 'z', 0, 0, 255,
	};
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", req, sizeof req, 68, 67);
	assert_int_equal(run(&f), PARSE_OK);
	const struct obs *o = &col.o[0];
	assert_int_equal(o->kind, OBS_DHCP_CLIENT);
	assert_int_equal(o->dhcp_msgtype, 3);
	assert_string_equal(col.host[0], "host");
	assert_true(o->has_requested);
	ip_is(&o->dhcp_requested, "192.0.2.50");
	assert_int_equal(o->client_id_len, 7);
	assert_int_equal(o->prl_len, 3);
	assert_int_equal(o->vendor_class_len, 3);
	mac_is(&o->mac, M2);
	assert_false(o->has_ip);
	truncate_all(&f, (int)f.n);

	static const uint8_t ack[] = {
		53, 1, 5, 54, 4, 192, 0, 2, 1, 3, 4, 192, 0, 2, 1, 6, 8, 192, 0, 2, 53, 192, 0, 2, 54, 255,
	};
	dhcp_frame(&f, 2, "192.0.2.1", "192.0.2.50", "0.0.0.0", "192.0.2.50", ack, sizeof ack, 67, 68);
	assert_int_equal(run(&f), PARSE_OK);
	o = &col.o[0];
	assert_int_equal(o->kind, OBS_DHCP_SERVER);
	ip_is(&o->dhcp_server_id, "192.0.2.1");
	ip_is(&o->dhcp_yiaddr, "192.0.2.50");
	assert_int_equal(o->n_router, 1);
	assert_int_equal(o->n_dns, 2);
	ip_is(&o->dhcp_dns[1], "192.0.2.54");
	ip_is(&o->ip, "192.0.2.1");
	mac_is(&o->dhcp_chaddr, M2);

	/* absurd option length */
	static const uint8_t bad[] = { 53, 1, 1, 12, 200, 'a', 'b' };
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", bad, sizeof bad, 68, 67);
	assert_int_equal(run(&f), PARSE_INVALID);
	assert_true(cnt.inval[PARSER_DHCP] > 0);
	/* server message type from a client op: invalid */
	static const uint8_t mism[] = { 53, 1, 5, 255 };
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", mism, sizeof mism, 68, 67);
	assert_int_equal(run(&f), PARSE_INVALID);
	/* other UDP ports: not ours */
	dhcp_frame(&f, 1, "192.0.2.3", "192.0.2.4", "0.0.0.0", "0.0.0.0", req, sizeof req, 5353, 53);
	assert_int_equal(run(&f), PARSE_SKIPPED);
	/* fragment: skipped */
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", req, sizeof req, 68, 67);
	f.b[14 + 6] = 0x20;
	assert_int_equal(run(&f), PARSE_SKIPPED);
	/* IHL 4: invalid */
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", req, sizeof req, 68, 67);
	f.b[14] = 0x44;
	assert_int_equal(run(&f), PARSE_INVALID);
}

static void dhcp_overload(void **state)
{
	(void)state;
	struct fb f;
	/* option 52 = 1: the file field carries the hostname */
	static const uint8_t opts[] = { 53, 1, 1, 52, 1, 1, 255 };
	dhcp_frame(&f, 1, "0.0.0.0", "255.255.255.255", "0.0.0.0", "0.0.0.0", opts, sizeof opts, 68, 67);
	size_t file = 14 + 28 + 44 + 64;
	static const uint8_t inf[] = { 12, 5, 'o', 'v', 'e', 'r', 'l', 255 };
	memcpy(f.b + file, inf, sizeof inf);
	assert_int_equal(run(&f), PARSE_OK);
	assert_string_equal(col.host[0], "overl");
	/* absurd length inside the file field */
	f.b[file + 1] = 250;
	assert_int_equal(run(&f), PARSE_INVALID);
}

static void counters_json(void **state)
{
	(void)state;
	char buf[1024];
	struct parse_counters c = { .frames = 3, .decoded = 1, .skipped = 2 };
	c.ok[PARSER_ARP] = 1;
	parse_counters_json(&c, buf, sizeof buf);
	assert_non_null(strstr(buf, "\"frames\":3"));
	assert_non_null(strstr(buf, "\"arp\":{\"ok\":1,"));
	parse_counters_json(&c, buf, 10);
	assert_string_equal(buf, "{}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_kinds),    cmocka_unit_test(vlans),
		cmocka_unit_test(truncations),  cmocka_unit_test(sll),
		cmocka_unit_test(nd_ns_na),     cmocka_unit_test(nd_rs_ra_echo),
		cmocka_unit_test(dhcp),         cmocka_unit_test(dhcp_overload),
		cmocka_unit_test(counters_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
