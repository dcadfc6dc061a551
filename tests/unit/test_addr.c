/* Address, prefix, range and MAC parsing / formatting / math. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/addr.h"

static void ip_roundtrip(void **state)
{
	(void)state;
	static const char *const ok[] = { "192.0.2.1", "0.0.0.0", "255.255.255.255",
		"2001:db8::1", "::", "fe80::1", "2001:db8:0:1::10", "::ffff:198.51.100.7" };
	const char *want[] = { "192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::",
		"fe80::1", "2001:db8:0:1::10", "198.51.100.7" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct ipd_ip ip;
		char buf[IPD_IP_STRLEN];
		assert_true(ipd_ip_parse(ok[i], &ip));
		assert_string_equal(ipd_ip_fmt(&ip, buf, sizeof buf), want[i]);
	}
	static const char *const bad[] = { "", "192.0.2", "192.0.2.256", "1.2.3.4.5",
		"2001:db8::1::2", "g::1", "192.0.2.1/24", " 192.0.2.1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ipd_ip ip;
		assert_false(ipd_ip_parse(bad[i], &ip));
	}
}

static void ip_order_and_family(void **state)
{
	(void)state;
	struct ipd_ip a, b, c;
	assert_true(ipd_ip_parse("192.0.2.9", &a));
	assert_true(ipd_ip_parse("192.0.2.10", &b));
	assert_true(ipd_ip_parse("2001:db8::1", &c));
	assert_true(ipd_ip_cmp(&a, &b) < 0);
	assert_int_equal(ipd_ip_family(&a), 4);
	assert_int_equal(ipd_ip_family(&c), 6);
	assert_int_equal(ipd_ip_v4(&b), 0xc000020a);
	/* next crosses octets and stops at the family's end */
	assert_true(ipd_ip_parse("192.0.2.255", &a));
	assert_true(ipd_ip_next(&a));
	char buf[IPD_IP_STRLEN];
	assert_string_equal(ipd_ip_fmt(&a, buf, sizeof buf), "192.0.3.0");
	assert_true(ipd_ip_parse("255.255.255.255", &a));
	assert_false(ipd_ip_next(&a));
	assert_int_equal(ipd_ip_family(&a), 4);
}

static void reverse_names(void **state)
{
	(void)state;
	struct ipd_ip ip;
	char buf[IPD_REVNAME_LEN];
	assert_true(ipd_ip_parse("192.0.2.10", &ip));
	assert_string_equal(ipd_ip_reverse_name(&ip, buf, sizeof buf), "10.2.0.192.in-addr.arpa.");
	assert_true(ipd_ip_parse("2001:db8:0:1::10", &ip));
	assert_string_equal(ipd_ip_reverse_name(&ip, buf, sizeof buf),
			    "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

static void prefixes(void **state)
{
	(void)state;
	struct ipd_prefix p;
	char buf[IPD_PFX_STRLEN];
	struct ipd_ip ip, lo, hi;
	assert_true(ipd_prefix_parse("192.0.2.0/24", &p, true));
	assert_int_equal(p.len, 24);
	assert_int_equal(ipd_prefix_size(&p), 256);
	ipd_prefix_last(&p, &hi);
	assert_string_equal(ipd_ip_fmt(&hi, buf, sizeof buf), "192.0.2.255");
	assert_true(ipd_ip_parse("192.0.2.77", &ip));
	assert_true(ipd_prefix_contains(&p, &ip));
	assert_true(ipd_ip_parse("192.0.3.1", &ip));
	assert_false(ipd_prefix_contains(&p, &ip));
	/* v4 prefix never contains a v6 address with the same low bytes */
	assert_true(ipd_ip_parse("::c000:201", &ip));
	assert_false(ipd_prefix_contains(&p, &ip));
	/* strict rejects host bits, lax clears them */
	assert_false(ipd_prefix_parse("192.0.2.10/24", &p, true));
	assert_true(ipd_prefix_parse("192.0.2.10/24", &p, false));
	assert_string_equal(ipd_prefix_fmt(&p, buf, sizeof buf), "192.0.2.0/24");
	assert_false(ipd_prefix_parse("192.0.2.0/33", &p, false));
	assert_false(ipd_prefix_parse("192.0.2.0/", &p, false));
	assert_false(ipd_prefix_parse("192.0.2.0/2x", &p, false));
	assert_false(ipd_prefix_parse("/24", &p, false));
	/* odd lengths */
	assert_true(ipd_prefix_parse("198.18.0.0/15", &p, true));
	assert_int_equal(ipd_prefix_size(&p), 131072);
	ipd_prefix_last(&p, &hi);
	assert_string_equal(ipd_ip_fmt(&hi, buf, sizeof buf), "198.19.255.255");
	assert_true(ipd_prefix_parse("2001:db8::/61", &p, true));
	ipd_prefix_last(&p, &hi);
	assert_string_equal(ipd_ip_fmt(&hi, buf, sizeof buf), "2001:db8:0:7:ffff:ffff:ffff:ffff");
	assert_int_equal(ipd_prefix_size(&p), UINT64_MAX);
	assert_true(ipd_prefix_parse("2001:db8::/120", &p, true));
	assert_int_equal(ipd_prefix_size(&p), 256);
	assert_true(ipd_prefix_parse("0.0.0.0/0", &p, true));
	assert_int_equal(ipd_prefix_size(&p), 4294967296ULL);
	ipd_prefix_first(&p, &lo);
	assert_string_equal(ipd_ip_fmt(&lo, buf, sizeof buf), "0.0.0.0");
	/* a bare address is a host prefix */
	assert_true(ipd_prefix_parse("2001:db8::5", &p, true));
	assert_int_equal(p.len, 128);
}

static void ranges(void **state)
{
	(void)state;
	struct ipd_ip lo, hi;
	char b1[IPD_IP_STRLEN], b2[IPD_IP_STRLEN];
	assert_true(ipd_range_parse("192.0.2.10-192.0.2.20", &lo, &hi));
	assert_int_equal(ipd_range_size(&lo, &hi), 11);
	assert_true(ipd_range_parse("192.0.2.10-20", &lo, &hi));
	assert_string_equal(ipd_ip_fmt(&hi, b2, sizeof b2), "192.0.2.20");
	assert_true(ipd_range_parse("198.51.100.0/30", &lo, &hi));
	assert_string_equal(ipd_ip_fmt(&lo, b1, sizeof b1), "198.51.100.0");
	assert_string_equal(ipd_ip_fmt(&hi, b2, sizeof b2), "198.51.100.3");
	assert_false(ipd_range_parse("192.0.2.20-192.0.2.10", &lo, &hi));
	assert_false(ipd_range_parse("192.0.2.1-2001:db8::1", &lo, &hi));
	assert_false(ipd_range_parse("192.0.2.1-300", &lo, &hi));
	assert_true(ipd_range_parse("2001:db8::1-2001:db8::ff", &lo, &hi));
	assert_int_equal(ipd_range_size(&lo, &hi), 255);
	assert_true(ipd_range_parse("2001:db8::/64", &lo, &hi));
	assert_int_equal(ipd_range_size(&lo, &hi), UINT64_MAX);
}

static void macs(void **state)
{
	(void)state;
	struct ipd_mac m;
	char buf[IPD_MAC_STRLEN];
	static const char *const ok[] = { "02:00:5E:10:00:01", "02-00-5e-10-00-01",
		"0200.5e10.0001", "02005e100001", "2:0:5e:10:0:1" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_true(ipd_mac_parse(ok[i], &m));
		assert_string_equal(ipd_mac_fmt(&m, buf, sizeof buf), "02:00:5e:10:00:01");
	}
	static const char *const bad[] = { "", "02:00:5e:10:00", "02:00:5e:10:00:01:02",
		"02:00-5e:10:00:01", "0g:00:5e:10:00:01", "02:00:5e:10:00:001", "02005e10000" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(ipd_mac_parse(bad[i], &m));
	assert_true(ipd_mac_parse("02:00:5e:10:00:01", &m));
	assert_true(ipd_mac_is_local(&m));
	assert_true(ipd_mac_is_random(&m));
	assert_true(ipd_mac_parse("00:1b:21:00:00:01", &m));
	assert_false(ipd_mac_is_random(&m));
	assert_null(ipd_mac_fhrp(&m));
	assert_true(ipd_mac_parse("00:00:5e:00:01:0a", &m));
	assert_string_equal(ipd_mac_fhrp(&m), "vrrp");
	assert_true(ipd_mac_parse("00:00:0c:07:ac:01", &m));
	assert_string_equal(ipd_mac_fhrp(&m), "hsrp");
	assert_true(ipd_mac_parse("33:33:00:00:00:01", &m));
	assert_true(ipd_mac_is_multicast(&m));
	assert_false(ipd_mac_is_random(&m));
	assert_true(ipd_mac_parse("ff:ff:ff:ff:ff:ff", &m));
	assert_true(ipd_mac_is_broadcast(&m));
}

static void special(void **state)
{
	(void)state;
	struct ipd_ip ip;
	static const char *const sp[] = { "10.1.2.3", "192.168.1.1", "172.20.0.1", "192.0.2.5",
		"198.18.5.5", "127.0.0.1", "169.254.1.1", "224.0.0.1", "2001:db8::1", "fe80::1",
		"fd00::1", "::1" };
	for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) {
		assert_true(ipd_ip_parse(sp[i], &ip));
		assert_true(ipd_ip_is_special(&ip));
	}
	static const char *const pub[] = { "8.8.8.8", "1.1.1.1", "2a00:1450::1", "172.32.0.1" };
	for (size_t i = 0; i < sizeof pub / sizeof pub[0]; i++) {
		assert_true(ipd_ip_parse(pub[i], &ip));
		assert_false(ipd_ip_is_special(&ip));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ip_roundtrip), cmocka_unit_test(ip_order_and_family),
		cmocka_unit_test(reverse_names), cmocka_unit_test(prefixes),
		cmocka_unit_test(ranges), cmocka_unit_test(macs), cmocka_unit_test(special),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
