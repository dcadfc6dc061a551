/* Passive state: arpwatch event rules, preload, dedupe, flush deltas, and
 * the prefetch ring giving exactly the same results as direct processing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../scanner/passive.h"

struct rec {
	char ev[64][96];
	int nev;
	char obs[64][96];
	int nobs;
};

static enum ipd_status on_event(void *ctx, const struct db_event *e)
{
	struct rec *r = ctx;
	char ip[IPD_IP_STRLEN] = "-", m[IPD_MAC_STRLEN] = "-", o[IPD_MAC_STRLEN] = "-";
	if (e->ip)
		ipd_ip_fmt(e->ip, ip, sizeof ip);
	if (e->mac)
		ipd_mac_fmt(e->mac, m, sizeof m);
	if (e->other_mac)
		ipd_mac_fmt(e->other_mac, o, sizeof o);
	if (r->nev < 64)
		snprintf(r->ev[r->nev++], 96, "%s %s %s %s", e->kind, ip, m + 15, o[0] == '-' ? "-" : o + 15);
	return IPD_OK;
}

static enum ipd_status on_obs(void *ctx, const struct db_obs *d)
{
	struct rec *r = ctx;
	char ip[IPD_IP_STRLEN], m[IPD_MAC_STRLEN];
	if (r->nobs < 64)
		snprintf(r->obs[r->nobs++], 96, "%s %s %s %lld", ipd_ip_fmt(&d->ip, ip, sizeof ip),
			 ipd_mac_fmt(&d->mac, m, sizeof m) + 15, d->method, (long long)d->count);
	return IPD_OK;
}

static struct obs arp_o(const char *ip, int mac, long t, enum obs_kind k)
{
	struct obs o;
	memset(&o, 0, sizeof o);
	o.kind = k;
	o.ts_us = (int64_t)t * 1000000;
	o.iface = "eth0";
	ipd_ip_parse(ip, &o.ip);
	o.has_ip = strcmp(ip, "0.0.0.0") != 0;
	struct ipd_mac mm = { { 2, 0, 0, 0, 0, (uint8_t)mac } };
	o.mac = o.eth_src = mm;
	o.has_mac = true;
	return o;
}

static struct passive *mk(struct rec *r, bool ring)
{
	memset(r, 0, sizeof *r);
	struct passive_opts po = { .out = { r, on_obs, on_event }, .prefetch_ring = ring };
	return passive_new(&po);
}

#define T0 1700000000L

static void station_rules(void **state)
{
	(void)state;
	struct rec a, b;
	for (int ring = 0; ring < 2; ring++) {
		struct rec *r = ring ? &b : &a;
		struct passive *p = mk(r, ring);
		struct obs seq[] = {
			arp_o("192.0.2.7", 1, T0, OBS_ARP_REPLY),
			arp_o("192.0.2.7", 1, T0 + 1, OBS_ARP_REQUEST),
			arp_o("192.0.2.7", 2, T0 + 60, OBS_ARP_REPLY),
			arp_o("192.0.2.7", 1, T0 + 120, OBS_ARP_REPLY),
			arp_o("192.0.2.7", 2, T0 + 3 * 86400, OBS_ARP_REPLY),
			arp_o("192.0.2.7", 3, T0 + 3 * 86400 + 5, OBS_ARP_REPLY),
			arp_o("192.0.2.7", 1, T0 + 3 * 86400 + 6, OBS_ARP_REPLY),
			arp_o("192.0.2.8", 4, T0 + 10, OBS_ARP_REPLY), /* earlier time, other host */
		};
		for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++)
			assert_int_equal(passive_put(p, &seq[i]), IPD_OK);
		assert_int_equal(passive_flush(p), IPD_OK);
		passive_free(p);
	}
	assert_int_equal(a.nev, 7);
	assert_string_equal(a.ev[0], "new station 192.0.2.7 01 -");
	assert_string_equal(a.ev[1], "changed ethernet address 192.0.2.7 02 01");
	assert_string_equal(a.ev[2], "flip flop 192.0.2.7 01 02");
	assert_string_equal(a.ev[3], "reused old ethernet address 192.0.2.7 02 01");
	assert_string_equal(a.ev[4], "changed ethernet address 192.0.2.7 03 02");
	assert_string_equal(a.ev[5], "reused old ethernet address 192.0.2.7 01 03");
	assert_string_equal(a.ev[6], "new station 192.0.2.8 04 -");
	/* the ring changes nothing */
	assert_int_equal(a.nev, b.nev);
	for (int i = 0; i < a.nev; i++)
		assert_string_equal(a.ev[i], b.ev[i]);
	assert_int_equal(a.nobs, 4);
	assert_int_equal(a.nobs, b.nobs);
	for (int i = 0; i < a.nobs; i++)
		assert_string_equal(a.obs[i], b.obs[i]);
	assert_string_equal(a.obs[0], "192.0.2.7 01 arp-passive 4");
}

static void preload_and_flush_deltas(void **state)
{
	(void)state;
	struct rec r;
	struct passive *p = mk(&r, true);
	struct ipd_ip ip;
	ipd_ip_parse("192.0.2.7", &ip);
	struct ipd_mac m1 = { { 2, 0, 0, 0, 0, 1 } }, m2 = { { 2, 0, 0, 0, 0, 2 } };
	passive_preload(p, &ip, 0, &m2, T0 - 100);
	passive_preload(p, &ip, 0, &m1, T0 - 50);  /* most recent: current */
	struct obs o = arp_o("192.0.2.7", 1, T0, OBS_ARP_REPLY);
	passive_put(p, &o);
	passive_put(p, &o);
	assert_int_equal(passive_flush(p), IPD_OK);
	assert_int_equal(r.nev, 0);       /* known station, same MAC */
	assert_int_equal(r.nobs, 1);
	assert_string_equal(r.obs[0], "192.0.2.7 01 arp-passive 2");
	passive_put(p, &o);
	assert_int_equal(passive_flush(p), IPD_OK);
	assert_int_equal(r.nobs, 2);
	assert_string_equal(r.obs[1], "192.0.2.7 01 arp-passive 1"); /* delta only */
	assert_int_equal(passive_flush(p), IPD_OK);
	assert_int_equal(r.nobs, 2);      /* nothing pending */
	/* a frame older than the known state is history */
	o = arp_o("192.0.2.7", 3, T0 - 1000, OBS_ARP_REPLY);
	passive_put(p, &o);
	passive_flush(p);
	assert_int_equal(r.nev, 0);
	/* back to the preloaded older MAC within a day: flip flop */
	o = arp_o("192.0.2.7", 2, T0 + 10, OBS_ARP_REPLY);
	passive_put(p, &o);
	passive_flush(p);
	assert_int_equal(r.nev, 1);
	assert_string_equal(r.ev[0], "flip flop 192.0.2.7 02 01");
	struct passive_stats st;
	passive_get_stats(p, &st);
	assert_int_equal(st.preloaded, 1);
	assert_int_equal(st.hosts, 1);
	passive_free(p);
}

static void bogon_dad_mismatch(void **state)
{
	(void)state;
	struct rec r;
	struct passive *p = mk(&r, true);
	struct ipd_prefix pf;
	assert_true(ipd_prefix_parse("192.0.2.0/24", &pf, false));
	passive_add_prefix(p, "eth0", &pf);
	struct obs o = arp_o("192.0.2.5", 1, T0, OBS_ARP_REPLY);
	passive_put(p, &o);
	o = arp_o("198.51.100.9", 2, T0 + 1, OBS_ARP_REPLY);
	passive_put(p, &o);
	passive_put(p, &o);                      /* bogon once per host */
	o = arp_o("fe80::1", 3, T0 + 2, OBS_ND_NA);  /* no v6 prefix known: not a bogon */
	passive_put(p, &o);
	/* RFC 5227 probe for the held 192.0.2.5 from MAC 9 */
	o = arp_o("0.0.0.0", 9, T0 + 3, OBS_ARP_PROBE);
	ipd_ip_parse("192.0.2.5", &o.target_ip);
	o.has_target = true;
	passive_put(p, &o);
	passive_put(p, &o);                      /* once */
	/* ARP sender MAC differs from the frame source */
	o = arp_o("192.0.2.5", 1, T0 + 4, OBS_ARP_REPLY);
	o.eth_src.b[5] = 0x77;
	passive_put(p, &o);
	passive_put(p, &o);                      /* once */
	passive_flush(p);
	assert_int_equal(r.nev, 6);
	assert_string_equal(r.ev[0], "new station 192.0.2.5 01 -");
	assert_string_equal(r.ev[1], "bogon 198.51.100.9 02 -");
	assert_string_equal(r.ev[2], "new station 198.51.100.9 02 -");
	assert_string_equal(r.ev[3], "new station fe80::1 03 -");
	assert_string_equal(r.ev[4], "dad conflict 192.0.2.5 09 01");
	assert_string_equal(r.ev[5], "ethernet mismatch 192.0.2.5 01 77");
	passive_free(p);
}

/* The detail of the last event, kept whole (longest fingerprint: 255-byte
 * client id and 255-entry request list). */
static char last_detail[4096];
static enum ipd_status keep_detail(void *ctx, const struct db_event *e)
{
	snprintf(last_detail, sizeof last_detail, "%s", e->detail_json);
	return on_event(ctx, e);
}

static void dhcp_fingerprint_limits(void **state)
{
	(void)state;
	struct rec r;
	memset(&r, 0, sizeof r);
	struct passive_opts po = { .out = { &r, on_obs, keep_detail } };
	struct passive *p = passive_new(&po);
	static uint8_t cid[255], prl[255];
	memset(cid, 0xab, sizeof cid);
	memset(prl, 255, sizeof prl);
	struct obs o;
	memset(&o, 0, sizeof o);
	o.kind = OBS_DHCP_CLIENT;
	o.ts_us = (int64_t)T0 * 1000000;
	o.iface = "eth0";
	o.dhcp_msgtype = 1;
	o.has_chaddr = true;
	o.dhcp_chaddr.b[0] = 2;
	o.dhcp_chaddr.b[5] = 5;
	o.client_id = cid;
	o.client_id_len = sizeof cid;
	o.prl = prl;
	o.prl_len = sizeof prl;
	passive_put(p, &o);
	assert_int_equal(r.nev, 1);
	assert_string_equal(r.ev[0], "dhcp client - 05 -");
	/* {"msgtype":"discover","client_id":"ab:...:ab","prl":"255,...,255"} */
	size_t want = strlen("{\"msgtype\":\"discover\",\"client_id\":\"\",\"prl\":\"\"}") +
		      255 * 3 - 1 + 255 * 4 - 1;
	assert_int_equal(strlen(last_detail), want);
	assert_non_null(strstr(last_detail, "\"client_id\":\"ab:ab:"));
	assert_non_null(strstr(last_detail, ",255,255\"}"));
	passive_put(p, &o);                      /* same fingerprint: once */
	assert_int_equal(r.nev, 1);
	/* Present but empty options are shown empty, not dropped; a vendor
	 * class with valid UTF-8 needs no hex copy. */
	o.client_id = NULL;
	o.prl_len = 0;
	o.vendor_class = (const uint8_t *)"a\0b";
	o.vendor_class_len = 3;
	passive_put(p, &o);
	assert_int_equal(r.nev, 2);
	assert_string_equal(last_detail,
			    "{\"msgtype\":\"discover\",\"vendor_class\":\"a\\u0000b\",\"prl\":\"\"}");
	/* The same bytes split differently between the options: another
	 * fingerprint. */
	o.vendor_class_len = 2;
	o.prl = (const uint8_t *)"b";
	o.prl_len = 1;
	passive_put(p, &o);
	assert_int_equal(r.nev, 3);
	passive_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(station_rules),
		cmocka_unit_test(preload_and_flush_deltas),
		cmocka_unit_test(bogon_dad_mismatch),
		cmocka_unit_test(dhcp_fingerprint_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
