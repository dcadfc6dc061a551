/* Probe builders against golden bytes (RFC 826 ARP request, RFC 4861 NS to
 * the solicited-node group, RFC 4443 echo to ff02::1; with and without an
 * 802.1Q tag). The IPv6 golden frames were computed with an independent
 * Python implementation of the checksum, and tcpdump -vv reports
 * "[icmp6 sum ok]" for them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../scanner/frame.h"
#include "../../scanner/pace.h"
#include "../../scanner/probe.h"
#include "../../scanner/sweep.h"

static struct probe_src src(int vlan)
{
	struct probe_src s;
	memset(&s, 0, sizeof s);
	ipd_mac_parse("02:00:5e:10:00:01", &s.mac);
	ipd_ip_parse("198.18.0.1", &s.ip4);
	ipd_ip_parse("fe80::1", &s.ip6);
	s.vlan = vlan;
	s.echo_id = 0x1234;
	return s;
}

/* ARP who-has 198.18.0.20 tell 198.18.0.1, padded to 60 bytes. */
static const uint8_t arp0[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x14,
};
static const uint8_t arp10[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x81, 0x00, 0x00, 0x0a,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x14,
};
static const uint8_t ns0[] = {
	0x33, 0x33, 0xff, 0x20, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x20, 0x00, 0x01, 0x87, 0x00, 0xed, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00, 0x5e, 0x10,
	0x00, 0x01,
};
static const uint8_t ns10[] = {
	0x33, 0x33, 0xff, 0x20, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x81, 0x00, 0x00, 0x0a, 0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20,
	0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x20, 0x00, 0x01, 0x87, 0x00,
	0xed, 0x10, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x01, 0x01,
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
};
static const uint8_t echo0[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0x01, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x70, 0x02, 0x12, 0x34,
	0x00, 0x01,
};
static const uint8_t echo10[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	0x81, 0x00, 0x00, 0x0a, 0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x08,
	0x3a, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00,
	0x70, 0x02, 0x12, 0x34, 0x00, 0x01,
};

static void check(const struct probe_ops *ops, int vlan, const char *target, const uint8_t *want,
		  size_t wantlen)
{
	struct probe_src s = src(vlan);
	struct ipd_ip t;
	assert_true(ipd_ip_parse(target, &t));
	uint8_t buf[PROBE_MAX_FRAME];
	memset(buf, 0xaa, sizeof buf);
	size_t n = ops->build(&s, &t, buf, sizeof buf);
	assert_int_equal(n, wantlen);
	assert_memory_equal(buf, want, wantlen);
}

static void arp_request(void **state)
{
	(void)state;
	check(&probe_arp, 0, "198.18.0.20", arp0, sizeof arp0);
	check(&probe_arp, 10, "198.18.0.20", arp10, sizeof arp10);
}

static void ns_solicited_node(void **state)
{
	(void)state;
	check(&probe_nd_ns, 0, "2001:db8::20:1", ns0, sizeof ns0);
	check(&probe_nd_ns, 10, "2001:db8::20:1", ns10, sizeof ns10);
}

static void echo_all_nodes(void **state)
{
	(void)state;
	check(&probe_icmp6_echo, 0, "ff02::1", echo0, sizeof echo0);
	check(&probe_icmp6_echo, 10, "ff02::1", echo10, sizeof echo10);
}

/* The ICMPv6 checksum of a built frame is right (recomputed with the field
 * zeroed). */
static void assert_icmp6_ok(const uint8_t *f, size_t off)
{
	const uint8_t *h = f + off;
	size_t mlen = (size_t)(h[4] << 8 | h[5]);
	uint8_t m[64];
	assert_true(mlen <= sizeof m);
	memcpy(m, h + 40, mlen);
	uint16_t got = (uint16_t)(m[2] << 8 | m[3]);
	m[2] = m[3] = 0;
	assert_int_equal(probe_icmp6_cksum(h + 8, h + 24, m, mlen), got);
}

/* libnet keeps one block chain per thread and rewrites it in place while the
 * shape stays the same: every frame of a long mixed sequence must still be
 * exactly what a fresh build gives (no field or checksum left over). */
static void consecutive_builds_reuse_blocks(void **state)
{
	(void)state;
	struct probe_src s = src(0);
	uint8_t buf[PROBE_MAX_FRAME];
	struct ipd_ip t;
	for (int round = 0; round < 3; round++) {
		check(&probe_arp, 0, "198.18.0.20", arp0, sizeof arp0);
		for (unsigned i = 1; i < 200; i += 37) {
			ipd_ip_from_v4(&t, 0xc6120000u | i);
			assert_int_equal(probe_arp.build(&s, &t, buf, sizeof buf), sizeof arp0);
			assert_memory_equal(buf, arp0, 38);           /* all but the target */
			assert_memory_equal(buf + 38, t.b + 12, 4);
			assert_memory_equal(buf + 42, arp0 + 42, sizeof arp0 - 42);
		}
		check(&probe_arp, 0, "198.18.0.20", arp0, sizeof arp0);
		check(&probe_arp, 10, "198.18.0.20", arp10, sizeof arp10);
		check(&probe_nd_ns, 0, "2001:db8::20:1", ns0, sizeof ns0);
		for (unsigned i = 1; i < 200; i += 37) {
			char a[64];
			snprintf(a, sizeof a, "2001:db8::%x:%x", i, i * 7);
			assert_true(ipd_ip_parse(a, &t));
			assert_int_equal(probe_nd_ns.build(&s, &t, buf, sizeof buf), sizeof ns0);
			assert_memory_equal(buf + 14 + 40 + 8, t.b, 16); /* NS target */
			assert_int_equal(buf[14 + 24 + 13], t.b[13]);    /* solicited-node group */
			assert_int_equal(buf[5], t.b[15]);               /* its MAC */
			assert_icmp6_ok(buf, 14);
		}
		check(&probe_nd_ns, 0, "2001:db8::20:1", ns0, sizeof ns0);
		check(&probe_icmp6_echo, 10, "ff02::1", echo10, sizeof echo10);
		check(&probe_nd_ns, 10, "2001:db8::20:1", ns10, sizeof ns10);
		check(&probe_icmp6_echo, 0, "ff02::1", echo0, sizeof echo0);
	}
}

static void wrong_family_refused(void **state)
{
	(void)state;
	struct probe_src s = src(0);
	struct ipd_ip v4, v6, mc;
	ipd_ip_parse("198.18.0.20", &v4);
	ipd_ip_parse("2001:db8::1", &v6);
	ipd_ip_parse("ff02::1", &mc);
	uint8_t buf[PROBE_MAX_FRAME];
	assert_int_equal(probe_arp.build(&s, &v6, buf, sizeof buf), 0);
	assert_int_equal(probe_nd_ns.build(&s, &v4, buf, sizeof buf), 0);
	assert_int_equal(probe_nd_ns.build(&s, &mc, buf, sizeof buf), 0);
	assert_int_equal(probe_icmp6_echo.build(&s, &v6, buf, sizeof buf), 0);
	assert_int_equal(probe_arp.build(&s, &v4, buf, 10), 0);
}

static void ns_from_unspecified_has_no_slla(void **state)
{
	(void)state;
	struct probe_src s = src(0);
	memset(s.ip6.b, 0, 16);
	struct ipd_ip t;
	ipd_ip_parse("2001:db8::20:1", &t);
	uint8_t buf[PROBE_MAX_FRAME];
	size_t n = probe_nd_ns.build(&s, &t, buf, sizeof buf);
	assert_int_equal(n, 14 + 40 + 24);
	assert_int_equal(buf[14 + 5], 24); /* payload length */
}

static void registry_and_print(void **state)
{
	(void)state;
	assert_ptr_equal(probe_by_name("arp"), &probe_arp);
	assert_ptr_equal(probe_by_name("nd-ns"), &probe_nd_ns);
	assert_ptr_equal(probe_by_name("icmp6-echo"), &probe_icmp6_echo);
	assert_null(probe_by_name("tcp-syn"));
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	probe_arp.print(f, arp10, sizeof arp10);
	probe_nd_ns.print(f, ns0, sizeof ns0);
	probe_icmp6_echo.print(f, echo0, sizeof echo0);
	probe_arp.print(f, arp0, 20);
	fclose(f);
	assert_string_equal(out,
		"02:00:5e:10:00:01 > ff:ff:ff:ff:ff:ff vlan 10: arp request who-has 198.18.0.20 "
		"tell 198.18.0.1, length 60\n"
		"02:00:5e:10:00:01 > 33:33:ff:20:00:01: fe80::1 > ff02::1:ff20:1: icmp6 neighbor "
		"solicitation, who has 2001:db8::20:1, hlim 255, length 86\n"
		"02:00:5e:10:00:01 > 33:33:00:00:00:01: fe80::1 > ff02::1: icmp6 echo request, "
		"id 4660, seq 1, hlim 1, length 62\n"
		"02:00:5e:10:00:01 > ff:ff:ff:ff:ff:ff: malformed arp probe\n");
	free(out);
}

static void solicited_node_group(void **state)
{
	(void)state;
	struct ipd_ip t, g;
	struct ipd_mac m;
	char b[IPD_IP_STRLEN], mb[IPD_MAC_STRLEN];
	ipd_ip_parse("fe80::21a:2bff:fe3c:4d5e", &t);
	probe_solicited_node(&t, &g);
	assert_string_equal(ipd_ip_fmt(&g, b, sizeof b), "ff02::1:ff3c:4d5e");
	probe_v6_mcast_mac(&g, &m);
	assert_string_equal(ipd_mac_fmt(&m, mb, sizeof mb), "33:33:ff:3c:4d:5e");
}

/* ---- replies through the shared parser (scanner/parse.h) into the engine ---- */

static const uint8_t host_mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x20 };
static const uint8_t host2_mac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x21 };

static size_t arp_reply(uint8_t *f, const uint8_t *hmac, int vlan, uint8_t last_octet)
{
	struct probe_src s = src(0);
	struct ipd_mac hm;
	memcpy(hm.b, hmac, 6);
	size_t off = probe_eth(f, &s.mac, &hm, vlan, 0x0806);
	static const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
	memcpy(f + off, hdr, 8);
	memcpy(f + off + 8, hmac, 6);
	const uint8_t spa[4] = { 198, 18, 0, last_octet };
	memcpy(f + off + 14, spa, 4);
	memcpy(f + off + 18, s.mac.b, 6);
	memcpy(f + off + 24, s.ip4.b + 12, 4);
	return probe_pad(f, off + 28);
}

static size_t icmp6_reply(uint8_t *f, const char *from, uint8_t type, uint16_t id, int vlan)
{
	struct probe_src s = src(0);
	struct ipd_mac hm;
	memcpy(hm.b, host_mac, 6);
	struct ipd_ip ipsrc;
	ipd_ip_parse(from, &ipsrc);
	size_t off = probe_eth(f, &s.mac, &hm, vlan, 0x86dd);
	uint8_t *h = f + off, *m = h + 40;
	size_t mlen;
	memset(m, 0, 32);
	m[0] = type;
	if (type == 136) { /* NA, solicited + override, TLLA */
		m[4] = 0x60;
		memcpy(m + 8, ipsrc.b, 16);
		m[24] = 2;
		m[25] = 1;
		memcpy(m + 26, host_mac, 6);
		mlen = 32;
	} else { /* echo reply */
		m[4] = (uint8_t)(id >> 8);
		m[5] = (uint8_t)id;
		m[7] = 1;
		mlen = 8;
	}
	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	h[4] = 0;
	h[5] = (uint8_t)mlen;
	h[6] = 58;
	h[7] = type == 136 ? 255 : 64;
	memcpy(h + 8, ipsrc.b, 16);
	memcpy(h + 24, s.ip6.b, 16);
	uint16_t ck = probe_icmp6_cksum(h + 8, h + 24, m, mlen);
	m[2] = (uint8_t)(ck >> 8);
	m[3] = (uint8_t)ck;
	return probe_pad(f, off + 40 + mlen);
}

static void offer(struct sweep *s, const uint8_t *f, size_t len)
{
	struct frame fr = { .data = f, .caplen = len, .wirelen = len, .ts_us = 1700000000000000,
		.linktype = 1, .iface = "test0" };
	sweep_offer(s, &fr);
}

static void replies_matched(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	assert_true(sweep_targets_add_spec(&t, "198.18.0.0/24", 0));
	assert_true(sweep_targets_add_spec(&t, "2001:db8::20:1", 1));
	sweep_targets_finish(&t);
	assert_int_equal(sweep_targets_count(&t), 257);
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src = src(0);
	struct sweep *s = sweep_new(&cfg, &t);
	uint8_t f[PROBE_MAX_FRAME];
	offer(s, f, arp_reply(f, host_mac, 0, 20));
	offer(s, f, arp_reply(f, host_mac, 0, 20));    /* same again: count 2 */
	offer(s, f, arp_reply(f, host2_mac, 0, 20));   /* second MAC: kept apart */
	offer(s, f, arp_reply(f, host_mac, 10, 30));   /* tagged reply */
	offer(s, f, arp_reply(f, host_mac, 0, 20) - 30); /* truncated: ignored */
	/* not a target: 198.18.1.5 */
	size_t n = arp_reply(f, host_mac, 0, 5);
	f[14 + 16] = 1;
	offer(s, f, n);
	offer(s, f, icmp6_reply(f, "2001:db8::20:1", 136, 0, 0));
	offer(s, f, icmp6_reply(f, "fe80::5e:ff:fe00:20", 129, 0x1234, 0));
	offer(s, f, icmp6_reply(f, "fe80::99", 129, 0x4321, 0)); /* someone else's ping */

	size_t nh = 0;
	const struct sweep_host *h = sweep_hosts(s, &nh);
	assert_int_equal(nh, 5);
	char ip[IPD_IP_STRLEN], mac[IPD_MAC_STRLEN];
	assert_string_equal(ipd_ip_fmt(&h[0].ip, ip, sizeof ip), "198.18.0.20");
	assert_string_equal(ipd_mac_fmt(&h[0].mac, mac, sizeof mac), "02:5e:00:00:00:20");
	assert_int_equal(h[0].count, 2);
	assert_int_equal(h[0].family, 4);
	assert_int_equal(h[0].first_us, 1700000000000000);
	assert_string_equal(ipd_ip_fmt(&h[1].ip, ip, sizeof ip), "198.18.0.20");
	assert_string_equal(ipd_mac_fmt(&h[1].mac, mac, sizeof mac), "02:5e:00:00:00:21");
	assert_string_equal(ipd_ip_fmt(&h[2].ip, ip, sizeof ip), "198.18.0.30");
	assert_int_equal(h[2].vlan, 10);
	assert_string_equal(ipd_ip_fmt(&h[3].ip, ip, sizeof ip), "2001:db8::20:1");
	assert_int_equal(h[3].family, 6);
	assert_string_equal(ipd_mac_fmt(&h[3].mac, mac, sizeof mac), "02:5e:00:00:00:20");
	assert_string_equal(ipd_ip_fmt(&h[4].ip, ip, sizeof ip), "fe80::5e:ff:fe00:20");
	const struct sweep_stats *st = sweep_stats(s);
	assert_int_equal(st->answered, 3); /* .20, .30, 2001:db8::20:1 */
	sweep_free(s);
	sweep_targets_free(&t);
}

static void targets_merge_and_index(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	assert_true(sweep_targets_add_spec(&t, "198.18.0.10-198.18.0.20", 0));
	assert_true(sweep_targets_add_spec(&t, "198.18.0.0/28", 0));
	assert_true(sweep_targets_add_spec(&t, "198.18.0.21", 0));
	assert_true(sweep_targets_add_spec(&t, "198.18.2.0/24", 0));
	assert_false(sweep_targets_add_spec(&t, "2001:db8::/64", 100)); /* too large */
	assert_true(sweep_targets_add_spec(&t, "2001:db8::1-2001:db8::3", 100));
	assert_true(sweep_targets_add_spec(&t, "2001:db8::2", 100));
	assert_false(sweep_targets_add_spec(&t, "nonsense", 100));
	sweep_targets_finish(&t);
	assert_int_equal(t.n_v4, 2);
	assert_int_equal(t.count4, 22 + 256);
	assert_int_equal(t.n_v6, 3);
	struct ipd_ip ip;
	ipd_ip_parse("198.18.0.21", &ip);
	assert_int_equal(sweep_targets_index(&t, &ip), 21);
	ipd_ip_parse("198.18.2.1", &ip);
	assert_int_equal(sweep_targets_index(&t, &ip), 23);
	ipd_ip_parse("198.18.1.1", &ip);
	assert_int_equal(sweep_targets_index(&t, &ip), -1);
	ipd_ip_parse("2001:db8::3", &ip);
	assert_int_equal(sweep_targets_index(&t, &ip), 278 + 2);
	sweep_targets_free(&t);
}

static int collect_tx(struct tx *tx, const struct tx_frame *f, size_t n)
{
	(void)tx;
	(void)f;
	return (int)n;
}

/* Counting wire that remembers every ARP target it saw (thread-safe). */
static uint8_t seen_targets[1024];
static int counting_send(struct tx *tx, const struct tx_frame *f, size_t n)
{
	(void)tx;
	for (size_t i = 0; i < n; i++)
		if (f[i].data[12] == 0x08 && f[i].data[13] == 0x06) {
			unsigned idx = (unsigned)(f[i].data[14 + 26] & 3) << 8 | f[i].data[14 + 27];
			__atomic_fetch_add(&seen_targets[idx], 1, __ATOMIC_RELAXED);
		}
	return (int)n;
}

static void engine_threads_split_targets(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	sweep_targets_add_spec(&t, "198.18.0.0/22", 0);
	sweep_targets_add_spec(&t, "2001:db8::1-2001:db8::10", 100);
	t.echo_all_nodes = true;
	sweep_targets_finish(&t);
	static const struct tx_ops ops = { "count", counting_send, NULL };
	struct tx tx0 = { &ops, 0 }, tx1 = { &ops, 0 }, tx2 = { &ops, 0 };
	struct tx *txs[3] = { &tx0, &tx1, &tx2 };
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src = src(0);
	cfg.tx = &tx0;
	cfg.txs = txs;
	cfg.ntx = 3;
	memset(seen_targets, 0, sizeof seen_targets);
	struct sweep *s = sweep_new(&cfg, &t);
	assert_int_equal(sweep_run(s), 0);
	assert_int_equal(sweep_stats(s)->sent, 1024 + 16 + 1);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(seen_targets[i], 1); /* every target once, by one thread */
	sweep_free(s);
	sweep_targets_free(&t);
}

static void engine_sends_every_probe(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	sweep_targets_add_spec(&t, "198.18.0.0/22", 0);
	sweep_targets_add_spec(&t, "2001:db8::1-2001:db8::10", 100);
	t.echo_all_nodes = true;
	sweep_targets_finish(&t);
	static const struct tx_ops ops = { "count", collect_tx, NULL };
	struct tx tx = { &ops, 0 };
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src = src(0);
	cfg.tx = &tx;
	cfg.retries = 2; /* no capture: one pass only */
	struct sweep *s = sweep_new(&cfg, &t);
	assert_int_equal(sweep_run(s), 0);
	assert_int_equal(sweep_stats(s)->sent, 1024 + 16 + 1);
	assert_int_equal(sweep_stats(s)->passes, 1);
	size_t nh = 99;
	sweep_hosts(s, &nh); /* no replies: empty, and no qsort(NULL) (UBSan) */
	assert_int_equal(nh, 0);
	sweep_free(s);
	sweep_targets_free(&t);
}

/* A fake wire: every ARP probe for a live target is answered through
 * sweep_offer, except that the first probe to every third live target is
 * "lost". The engine must find them all in its retry pass, report the loss,
 * and retry only non-responders. */
struct lossy {
	struct tx tx;
	struct sweep *s;
	uint8_t tries[256];
	uint64_t frames;
};

static int lossy_send(struct tx *tx, const struct tx_frame *f, size_t n)
{
	struct lossy *l = (struct lossy *)tx;
	for (size_t i = 0; i < n; i++) {
		l->frames++;
		uint8_t last = f[i].data[14 + 27]; /* ARP target address, last octet */
		int try = l->tries[last]++;
		bool live = last % 4 == 0;
		if (!live || (last % 12 == 0 && try == 0))
			continue;
		uint8_t r[PROBE_MAX_FRAME];
		offer(l->s, r, arp_reply(r, host_mac, 0, last));
	}
	return (int)n;
}

static void retries_recover_loss(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	sweep_targets_add_spec(&t, "198.18.0.0/24", 0);
	sweep_targets_finish(&t);
	static const struct tx_ops ops = { "lossy", lossy_send, NULL };
	struct lossy l;
	memset(&l, 0, sizeof l);
	l.tx.ops = &ops;
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src = src(0);
	cfg.tx = &l.tx;
	cfg.inline_replies = true;
	cfg.retries = 3;
	cfg.timeout_ms = 1;
	cfg.adaptive = true;
	struct sweep *s = sweep_new(&cfg, &t);
	l.s = s;
	assert_int_equal(sweep_run(s), 0);
	const struct sweep_stats *st = sweep_stats(s);
	assert_int_equal(st->answered, 64);           /* every live target */
	assert_int_equal(st->late, 22);               /* 0, 12, ..., 252 */
	assert_true(st->loss > 0.34 && st->loss < 0.35);
	/* pass 0: 256; pass 1: 192 dead + 22 lost; pass 2: 192 dead and no new
	 * answer, so adaptive retrying stops there */
	assert_int_equal(st->passes, 3);
	assert_int_equal(st->sent, 256 + 214 + 192);
	assert_int_equal(st->retry_sent, 214 + 192);
	assert_int_equal(l.tries[4], 1);              /* answered at once: never retried */
	assert_int_equal(l.tries[12], 2);
	assert_int_equal(l.tries[1], 3);
	sweep_free(s);
	sweep_targets_free(&t);
}

/* Interrupted mid-pass: "probed" must be exactly what went out, so that
 * coverage never claims targets that got no probe. */
static volatile sig_atomic_t stop_after;
static uint64_t stop_sent;

static int stopping_send(struct tx *tx, const struct tx_frame *f, size_t n)
{
	(void)tx;
	(void)f;
	size_t k = n > 100 ? 100 : n; /* a device that takes 100 at a time */
	stop_sent += k;
	if (stop_sent >= 700)
		stop_after = 1;
	return (int)k;
}

static void interrupted_sweep_counts_probed(void **state)
{
	(void)state;
	struct sweep_targets t;
	sweep_targets_init(&t);
	sweep_targets_add_spec(&t, "198.18.0.0/20", 0);
	sweep_targets_finish(&t);
	static const struct tx_ops ops = { "stopping", stopping_send, NULL };
	struct tx tx = { &ops, 0 };
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src = src(0);
	cfg.tx = &tx;
	cfg.stop = &stop_after;
	struct sweep *s = sweep_new(&cfg, &t);
	assert_int_equal(sweep_run(s), 0);
	const struct sweep_stats *st = sweep_stats(s);
	assert_true(st->interrupted);
	assert_int_equal(st->sent, 712);   /* 512 + 100 + 100: stops once past 700 */
	assert_int_equal(st->probed, 712);
	sweep_free(s);
	sweep_targets_free(&t);
}

static void pacing_token_bucket(void **state)
{
	(void)state;
	struct pace p;
	const int64_t ms = 1000000;
	pace_init(&p, 1000, 0);                       /* 1000 pps: 1 per ms, bucket 5 */
	assert_int_equal(pace_take(&p, 0, 10), 1);    /* the first goes at once */
	assert_int_equal(pace_take(&p, 0, 10), 0);
	assert_true(pace_wait_ns(&p, 0) > 0 && pace_wait_ns(&p, 0) <= ms + 1);
	assert_int_equal(pace_take(&p, 3 * ms, 10), 3);
	assert_int_equal(pace_take(&p, 1000 * ms, 100), 5); /* a stall does not burst */
	uint64_t sent = 0;
	for (int64_t t = 1000 * ms; t < 2000 * ms; t += ms / 4)
		sent += pace_take(&p, t, 100);
	assert_true(sent >= 995 && sent <= 1001);      /* one second at 1000 pps */
	pace_init(&p, 0, 0);                           /* unlimited */
	assert_int_equal(pace_take(&p, 0, 12345), 12345);
	assert_int_equal(pace_wait_ns(&p, 0), 0);
	/* --bandwidth: 64 bytes per ARP request on the wire, as arp-scan counts */
	assert_true(fabs(pace_rate_for_bandwidth(256000, 60) - 500.0) < 1e-9);
	assert_true(fabs(pace_rate_for_bandwidth(100e6, 60) - 195312.5) < 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_request),
		cmocka_unit_test(ns_solicited_node),
		cmocka_unit_test(echo_all_nodes),
		cmocka_unit_test(consecutive_builds_reuse_blocks),
		cmocka_unit_test(wrong_family_refused),
		cmocka_unit_test(ns_from_unspecified_has_no_slla),
		cmocka_unit_test(registry_and_print),
		cmocka_unit_test(solicited_node_group),
		cmocka_unit_test(replies_matched),
		cmocka_unit_test(targets_merge_and_index),
		cmocka_unit_test(engine_sends_every_probe),
		cmocka_unit_test(retries_recover_loss),
		cmocka_unit_test(engine_threads_split_targets),
		cmocka_unit_test(pacing_token_bucket),
		cmocka_unit_test(interrupted_sweep_counts_probed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
