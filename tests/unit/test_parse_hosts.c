/* Host table: O(1) probes with 100k addresses packed in 198.18.0.0/15. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../scanner/hosts.h"

static void packed_slash15(void **state)
{
	(void)state;
	struct hosts *h = hosts_new(16);
	struct ipd_ip ip;
	bool created;
	const uint32_t base = 198u << 24 | 18u << 16;
	for (uint32_t i = 0; i < 100000; i++) {
		ipd_ip_from_v4(&ip, base + i);
		struct host *e = hosts_get(h, &ip, 0, &created);
		assert_true(created);
		e->mac_at[0] = i;
	}
	assert_int_equal(hosts_count(h), 100000);
	for (uint32_t i = 0; i < 100000; i += 7) {
		ipd_ip_from_v4(&ip, base + i);
		struct host *e = hosts_get(h, &ip, 0, &created);
		assert_false(created);
		assert_int_equal(e->mac_at[0], i);
	}
	/* the same address in another VLAN is another host */
	ipd_ip_from_v4(&ip, base + 5);
	assert_null(hosts_find(h, &ip, 10));
	hosts_get(h, &ip, 10, &created);
	assert_true(created);
	ipd_ip_from_v4(&ip, base + 200000);
	assert_null(hosts_find(h, &ip, 0));

	struct hosts_probe_stats st;
	hosts_probe_stats(h, &st);
	printf("# 100001 hosts: %zu slots, mean probe %.3f, max %zu\n", st.slots, st.avg, st.max);
	/* Linear probing at load <= 0.5 expects ~1.5; a leading-byte hash would
	 * put all 100k in one chain (mean ~50,000). */
	assert_true(st.avg < 2.0);
	assert_true(st.max < 64);
	hosts_free(h);
}

static void v6_and_aggregates(void **state)
{
	(void)state;
	struct hosts *h = hosts_new(0);
	struct ipd_ip ip;
	bool created;
	for (int i = 0; i < 5000; i++) {
		char s[64];
		snprintf(s, sizeof s, "2001:db8::%x", i);
		assert_true(ipd_ip_parse(s, &ip));
		hosts_get(h, &ip, 0, &created);
	}
	struct hosts_probe_stats st;
	hosts_probe_stats(h, &st);
	assert_true(st.avg < 2.0);
	size_t cur = 0;
	hosts_next(h, &cur);
	struct host *e = hosts_next(h, &cur);
	assert_non_null(e);
	struct ipd_mac m1 = { { 2, 0, 0, 0, 0, 1 } }, m2 = { { 2, 0, 0, 0, 0, 2 } };
	struct host_obs *a = host_obs_get(e, &m1, 1, 0);
	a->count = 5;
	assert_ptr_equal(host_obs_get(e, &m1, 1, 0), a);
	assert_ptr_not_equal(host_obs_get(e, &m2, 1, 0), host_obs_get(e, &m1, 1, 1));
	assert_int_equal(e->nobs, 3);
	assert_int_equal(host_obs_get(e, &m1, 1, 0)->count, 5);
	hosts_free(h);
}

/* The extra array's capacity is implied by nobs (2, 4, 8, ...): fill one
 * host across several doublings (ASan catches a write past the end) and
 * read every aggregate back. */
static void many_aggregates_one_host(void **state)
{
	(void)state;
	struct hosts *h = hosts_new(0);
	struct ipd_ip ip;
	bool created;
	assert_true(ipd_ip_parse("192.0.2.7", &ip));
	struct host *e = hosts_get(h, &ip, 0, &created);
	for (unsigned i = 0; i < 300; i++) {
		struct ipd_mac m = { { 2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i } };
		struct host_obs *a = host_obs_get(e, &m, (int)(i % 3), 0);
		assert_non_null(a);
		assert_int_equal(a->count, 0);
		a->count = i + 1;
	}
	assert_int_equal(e->nobs, 300);
	for (unsigned i = 0; i < 300; i++) {
		struct ipd_mac m = { { 2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i } };
		assert_int_equal(host_obs_get(e, &m, (int)(i % 3), 0)->count, i + 1);
		assert_int_equal(host_obs_at(e, i)->count, i + 1);
	}
	assert_int_equal(e->nobs, 300);
	hosts_free(h);
}

/* A host first seen by DHCP, then mostly by ARP: the ARP aggregate moves
 * inline once it counts more, and both keep their own data. */
static void busiest_aggregate_inline(void **state)
{
	(void)state;
	struct hosts *h = hosts_new(0);
	struct ipd_ip ip;
	bool created;
	assert_true(ipd_ip_parse("192.0.2.9", &ip));
	struct host *e = hosts_get_h(h, &ip, 0, hosts_hash(&ip, 0), &created);
	assert_true(created);
	struct ipd_mac m = { { 2, 0, 0, 0, 0, 9 } };
	struct host_obs *dhcp = host_obs_get(e, &m, 2, 0);
	dhcp->count = 1;
	dhcp->first = 100;
	assert_ptr_equal(host_obs_promote(e, dhcp), &e->obs0); /* already inline */
	struct host_obs *arp = host_obs_get(e, &m, 0, 0);
	assert_ptr_not_equal(arp, &e->obs0);
	arp->count = 1;
	assert_ptr_equal(host_obs_promote(e, arp), arp);  /* a tie does not swap */
	arp->count = 2;
	arp->first = 50;
	arp = host_obs_promote(e, arp);
	assert_ptr_equal(arp, &e->obs0);
	assert_int_equal(e->obs0.method, 0);
	assert_int_equal(e->obs0.count, 2);
	assert_int_equal(e->obs0.first, 50);
	struct host_obs *d2 = host_obs_get(e, &m, 2, 0);
	assert_ptr_not_equal(d2, &e->obs0);
	assert_int_equal(d2->method, 2);
	assert_int_equal(d2->count, 1);
	assert_int_equal(d2->first, 100);
	assert_int_equal(e->nobs, 2);
	assert_ptr_equal(hosts_get(h, &ip, 0, &created), e);
	assert_false(created);
	hosts_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packed_slash15),
		cmocka_unit_test(v6_and_aggregates),
		cmocka_unit_test(many_aggregates_one_host),
		cmocka_unit_test(busiest_aggregate_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
