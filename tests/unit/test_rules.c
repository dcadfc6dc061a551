/* Rules against hand-built joined views (every honesty case), the findings
 * lifecycle and suppressions against a temp store, and MaxMind enrichment
 * with GeoLite2-shaped databases written at test time by the Perl writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/app.h"
#include "../../common/oui.h"
#include "../../common/xmem.h"
#include "../../db/db.h"
#include "../../db/db_find.h"
#include "../../reconcile/geo.h"
#include "../../reconcile/join.h"
#include "../../reconcile/rules.h"

#define NOW 2000000000LL
#define DAY 86400LL

/* ------------------------------------------------------------ collector */

struct got {
	char rule[32], subject[128], severity[16], summary[512];
	char *evidence, *fix;
};

static struct got got[64];
static size_t ngot;

static void put(void *ctx, const struct finding *f)
{
	(void)ctx;
	assert_true(ngot < 64);
	struct got *g = &got[ngot++];
	snprintf(g->rule, sizeof g->rule, "%s", f->rule);
	snprintf(g->subject, sizeof g->subject, "%s", f->subject);
	snprintf(g->severity, sizeof g->severity, "%s", sev_name(f->severity));
	snprintf(g->summary, sizeof g->summary, "%s", f->summary);
	g->evidence = xstrdup(f->evidence);
	g->fix = f->fix ? xstrdup(f->fix) : NULL;
}

static void reset(void)
{
	for (size_t i = 0; i < ngot; i++) {
		free(got[i].evidence);
		free(got[i].fix);
	}
	ngot = 0;
}

static int count(const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < ngot; i++)
		n += strcmp(got[i].rule, rule) == 0;
	return n;
}

static const struct got *find(const char *rule)
{
	for (size_t i = 0; i < ngot; i++)
		if (strcmp(got[i].rule, rule) == 0)
			return &got[i];
	fail_msg("no %s finding", rule);
	static struct got none;
	return &none;
}

/* ------------------------------------------------------------ fixtures */

static struct rule_emit em;
static struct audit_ctx ctx;
static struct jv_subnet subnets[2];
static struct jv_range pools[1];
static struct jv_allow allow[2];
static struct name_idx *names;
static struct macset *known;

static struct ipd_ip IP(const char *s)
{
	struct ipd_ip ip;
	assert_true(ipd_ip_parse(s, &ip));
	return ip;
}

static int setup(void **state)
{
	(void)state;
	reset();
	emit_init(&em, (struct finding_sink){ NULL, put });
	names = names_new();
	known = macset_new();
	memset(&ctx, 0, sizeof ctx);
	ctx.now = NOW;
	ctx.stale_secs = 30 * DAY;
	ctx.stale_sweeps = 1;
	ctx.conflict_secs = DAY;
	ctx.exhaustion_pct = 90;
	ctx.names = names;
	ctx.known_macs = known;
	memset(subnets, 0, sizeof subnets);
	const char *cidrs[] = { "192.0.2.0/24", "2001:db8:1::/64" };
	for (int i = 0; i < 2; i++) {
		assert_true(ipd_prefix_parse(cidrs[i], &subnets[i].pfx, true));
		ipd_prefix_first(&subnets[i].pfx, &subnets[i].lo);
		ipd_prefix_last(&subnets[i].pfx, &subnets[i].hi);
		subnets[i].cidr = (char *)cidrs[i];
		subnets[i].source = (char *)"netbox";
		subnets[i].threshold = -1;
	}
	ctx.subnets = subnets;
	ctx.nsubnets = 2;
	memset(pools, 0, sizeof pools);
	pools[0].lo = IP("192.0.2.100");
	pools[0].hi = IP("192.0.2.199");
	pools[0].lo_text = (char *)"192.0.2.100";
	pools[0].hi_text = (char *)"192.0.2.199";
	pools[0].kind = (char *)"dhcp";
	ctx.ranges = pools;
	ctx.nranges = 1;
	memset(allow, 0, sizeof allow);
	snprintf(allow[0].kind, sizeof allow[0].kind, "dhcp-server");
	allow[0].ip = IP("192.0.2.1");
	allow[0].has_ip = true;
	snprintf(allow[1].kind, sizeof allow[1].kind, "router");
	snprintf(allow[1].mac, sizeof allow[1].mac, "00:11:22:00:00:01");
	ctx.allow = allow;
	ctx.nallow = 2;
	ctx_index(&ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	reset();
	emit_free(&em);
	names_free(names);
	macset_free(known);
	return 0;
}

static struct db_aud_obs OBS(const char *ip, const char *mac, int64_t first, int64_t last)
{
	struct db_aud_obs o = { .ip = IP(ip), .first_seen = first, .last_seen = last, .count = 3,
				.iface = "eth0", .sensor = "s1", .method = "arp-active" };
	snprintf(o.mac, sizeof o.mac, "%s", mac);
	return o;
}

static struct db_aud_alloc ALLOC(const char *ip, const char *mac, const char *host, const char *status)
{
	return (struct db_aud_alloc){ .ip = IP(ip), .line = 7, .source = "netbox", .mac = mac,
				      .hostname = host, .status = status };
}

static struct db_aud_answer PTR(const char *ip, const char *status, const char *name)
{
	return (struct db_aud_answer){ .ip = IP(ip), .run_id = 5, .at = NOW - 60, .qname = "x.in-addr.arpa.",
				       .qtype = "PTR", .status = status, .name = name, .server = "127.0.0.1" };
}

/* Fill ip, subnet, pool and derived fields, run every address rule. */
static void run_addr(struct host_view *v, const char *ip)
{
	v->ip = IP(ip);
	v->subnet = ctx_subnet_of(&ctx, &v->ip);
	v->pool = ctx_pool_of(&ctx, &v->ip);
	view_prepare(v, &ctx);
	rules_addr(v, &ctx, &em);
}

/* ------------------------------------------------------------ ip-conflict */

static void ip_conflict_overlap_and_sequence(void **state)
{
	(void)state;
	struct db_aud_obs o[2] = { OBS("192.0.2.10", "00:11:22:33:44:01", NOW - 3600, NOW - 60),
				   OBS("192.0.2.10", "00:11:22:33:44:02", NOW - 1800, NOW - 30) };
	struct host_view v = { .obs = o, .nobs = 2 };
	run_addr(&v, "192.0.2.10");
	assert_int_equal(count("ip-conflict"), 1);
	assert_string_equal(find("ip-conflict")->subject, "192.0.2.10");
	assert_string_equal(find("ip-conflict")->severity, "high");
	assert_non_null(strstr(find("ip-conflict")->evidence, "\"observations\":[{"));
	reset();
	/* the same address on two VLANs: two networks, no conflict */
	o[1].vlan = 20;
	run_addr(&v, "192.0.2.10");
	assert_int_equal(count("ip-conflict"), 0);
	o[1].vlan = 0;
	/* one after the other: a MAC change, not a conflict */
	o[0].last_seen = NOW - 2000;
	run_addr(&v, "192.0.2.10");
	assert_int_equal(count("ip-conflict"), 0);
}

static void ip_conflict_fhrp_never(void **state)
{
	(void)state;
	/* a VRRP virtual MAC next to the router's own MAC */
	struct db_aud_obs o[2] = { OBS("192.0.2.1", "00:00:5e:00:01:0a", NOW - 3600, NOW - 60),
				   OBS("192.0.2.1", "00:11:22:33:44:01", NOW - 3600, NOW - 60) };
	struct host_view v = { .obs = o, .nobs = 2 };
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("ip-conflict"), 0);
	/* HSRP too */
	snprintf(o[0].mac, sizeof o[0].mac, "00:00:0c:07:ac:01");
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("ip-conflict"), 0);
	/* two real MACs on an address the IPAM marks as a VRRP/anycast VIP */
	snprintf(o[0].mac, sizeof o[0].mac, "00:11:22:33:44:02");
	struct db_aud_alloc a = ALLOC("192.0.2.1", NULL, "gw", "active");
	a.role = "vrrp";
	v.alloc = &a;
	v.nalloc = 1;
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("ip-conflict"), 0);
	a.role = "anycast";
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("ip-conflict"), 0);
	a.role = NULL;
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("ip-conflict"), 1);
}

static void ip_conflict_events_and_random_macs(void **state)
{
	(void)state;
	struct db_aud_obs o[1] = { OBS("192.0.2.20", "02:aa:bb:cc:dd:01", NOW - 7200, NOW - 60) };
	struct db_aud_event ev = { .ip = IP("192.0.2.20"), .at = NOW - 100, .kind = "flip flop",
				   .mac = "02:aa:bb:cc:dd:01", .other_mac = "06:aa:bb:cc:dd:02" };
	struct host_view v = { .obs = o, .nobs = 1, .ev = &ev, .nev = 1 };
	run_addr(&v, "192.0.2.20");
	assert_int_equal(count("ip-conflict"), 0); /* a randomised MAC rotating */
	ev.kind = "ip conflict";                   /* two replies to one sweep probe */
	run_addr(&v, "192.0.2.20");
	assert_int_equal(count("ip-conflict"), 1);
	reset();
	ev.at = NOW - 3 * DAY;                      /* outside the conflict window */
	run_addr(&v, "192.0.2.20");
	assert_int_equal(count("ip-conflict"), 0);
}

/* ------------------------------------------------------------ wire vs record */

static void rogue_host_cases(void **state)
{
	(void)state;
	struct db_aud_obs o = OBS("192.0.2.30", "00:11:22:33:44:30", NOW - 600, NOW - 60);
	struct host_view v = { .obs = &o, .nobs = 1 };
	subnets[0].vrf = subnets[1].vrf = (char *)"lab";
	run_addr(&v, "192.0.2.30");
	subnets[0].vrf = subnets[1].vrf = NULL;
	assert_int_equal(count("rogue-host"), 1);
	const struct got *g = find("rogue-host");
	assert_non_null(g->fix);
	assert_non_null(strstr(g->fix, "\"op\":\"register\""));
	/* a new object in the subnet's VRF; no recorded allocation to name */
	assert_non_null(strstr(g->fix, "\"vrf\":\"lab\""));
	assert_null(strstr(g->fix, "\"source\""));
	reset();
	/* allocated: not rogue */
	struct db_aud_alloc a = ALLOC("192.0.2.30", "00:11:22:33:44:30", "db1", "active");
	v.alloc = &a;
	v.nalloc = 1;
	run_addr(&v, "192.0.2.30");
	assert_int_equal(count("rogue-host"), 0);
	/* a deprecated allocation does not count */
	a.status = "deprecated";
	run_addr(&v, "192.0.2.30");
	assert_int_equal(count("rogue-host"), 1);
	reset();
	/* an active lease */
	v.nalloc = 0;
	struct db_aud_lease l = { .ip = IP("192.0.2.30"), .active = true, .ends = NOW + 3600,
				  .mac = "00:11:22:33:44:30", .source = "dhcpd" };
	v.lease = &l;
	v.nlease = 1;
	run_addr(&v, "192.0.2.30");
	assert_int_equal(count("rogue-host"), 0);
	v.nlease = 0;
	/* seen only long ago: not live */
	o.last_seen = NOW - 40 * DAY;
	run_addr(&v, "192.0.2.30");
	assert_int_equal(count("rogue-host"), 0);
	/* outside every subnet: unmanaged-subnet's business */
	o = OBS("198.51.100.5", "00:11:22:33:44:30", NOW - 600, NOW - 60);
	run_addr(&v, "198.51.100.5");
	assert_int_equal(count("rogue-host"), 0);
	/* an IPv6 SLAAC address of a MAC the IPAM knows */
	o = OBS("2001:db8:1::211:22ff:fe33:4430", "00:11:22:33:44:30", NOW - 600, NOW - 60);
	struct ipd_mac m;
	ipd_mac_parse("00:11:22:33:44:30", &m);
	macset_add(known, &m);
	run_addr(&v, "2001:db8:1::211:22ff:fe33:4430");
	assert_int_equal(count("rogue-host"), 0);
	o = OBS("2001:db8:1::99", "00:11:22:33:44:99", NOW - 600, NOW - 60);
	run_addr(&v, "2001:db8:1::99");
	assert_int_equal(count("rogue-host"), 1);
}

static void unmanaged_subnet_group(void **state)
{
	(void)state;
	struct db_aud_obs o[2] = { OBS("198.51.100.5", "00:11:22:33:44:01", NOW - 600, NOW - 60),
				   OBS("198.51.100.9", "00:11:22:33:44:02", NOW - 600, NOW - 60) };
	struct unmanaged_view u = { .naddr = 2, .obs = o, .nobs = 2 };
	assert_true(ipd_prefix_parse("198.51.100.0/24", &u.pfx, true));
	snprintf(u.cidr, sizeof u.cidr, "198.51.100.0/24");
	rules_unmanaged(&u, &ctx, &em);
	assert_int_equal(count("unmanaged-subnet"), 1);
	assert_string_equal(find("unmanaged-subnet")->subject, "198.51.100.0/24");
}

static void mac_mismatch_and_random(void **state)
{
	(void)state;
	struct db_aud_obs o = OBS("192.0.2.40", "00:11:22:33:44:41", NOW - 600, NOW - 60);
	struct db_aud_alloc a[2] = { ALLOC("192.0.2.40", NULL, "ws40-alias", "active"),
				     ALLOC("192.0.2.40", "00:11:22:33:44:40", "ws40", "active") };
	a[0].vrf = "";
	a[1].vrf = "blue";
	a[1].source = "nb";
	struct host_view v = { .obs = &o, .nobs = 1, .alloc = a, .nalloc = 2 };
	run_addr(&v, "192.0.2.40");
	assert_int_equal(count("mac-mismatch"), 1);
	assert_non_null(strstr(find("mac-mismatch")->fix, "\"op\":\"set-mac\""));
	/* names the allocation it updates: the one holding the recorded MAC */
	assert_non_null(strstr(find("mac-mismatch")->fix, "\"source\":\"nb\",\"vrf\":\"blue\"}"));
	reset();
	/* randomised MAC: tracked, never reported as a MAC change */
	snprintf(o.mac, sizeof o.mac, "da:11:22:33:44:41");
	run_addr(&v, "192.0.2.40");
	assert_int_equal(count("mac-mismatch"), 0);
	/* the recorded MAC is among those seen */
	struct db_aud_obs two[2] = { OBS("192.0.2.40", "00:11:22:33:44:40", NOW - 600, NOW - 60),
				     OBS("192.0.2.40", "00:11:22:33:44:41", NOW - 6000, NOW - 5000) };
	v.obs = two;
	v.nobs = 2;
	run_addr(&v, "192.0.2.40");
	assert_int_equal(count("mac-mismatch"), 0);
}

static void rogue_servers(void **state)
{
	(void)state;
	struct db_aud_event e = { .ip = IP("192.0.2.66"), .at = NOW - 100, .kind = "dhcp server",
				  .mac = "00:11:22:33:44:66" };
	struct host_view v = { .ev = &e, .nev = 1 };
	run_addr(&v, "192.0.2.66");
	assert_int_equal(count("rogue-dhcp-server"), 1);
	assert_string_equal(find("rogue-dhcp-server")->severity, "critical");
	reset();
	e.ip = IP("192.0.2.1"); /* allowlisted by address */
	run_addr(&v, "192.0.2.1");
	assert_int_equal(count("rogue-dhcp-server"), 0);
	struct db_aud_event ra = { .ip = IP("fe80::1"), .at = NOW - 100,
				   .kind = "router advertisement", .mac = "00:11:22:00:00:02" };
	v.ev = &ra;
	run_addr(&v, "fe80::1");
	assert_int_equal(count("rogue-router"), 1);
	reset();
	ra.mac = "00:11:22:00:00:01"; /* allowlisted by MAC */
	run_addr(&v, "fe80::1");
	assert_int_equal(count("rogue-router"), 0);
}

static void stale_allocation_needs_coverage(void **state)
{
	(void)state;
	struct db_aud_alloc a = ALLOC("192.0.2.50", "00:11:22:33:44:50", "old", "active");
	a.vrf = "";
	struct db_aud_obs o = OBS("192.0.2.50", "00:11:22:33:44:50", NOW - 90 * DAY, NOW - 60 * DAY);
	struct host_view v = { .alloc = &a, .nalloc = 1, .obs = &o, .nobs = 1 };
	run_addr(&v, "192.0.2.50");
	assert_int_equal(count("stale-allocation"), 0); /* nobody looked: no finding */
	v.covered = 1;
	v.last_covered = NOW - DAY;
	run_addr(&v, "192.0.2.50");
	assert_int_equal(count("stale-allocation"), 1);
	assert_non_null(strstr(find("stale-allocation")->fix, "deprecate"));
	assert_non_null(strstr(find("stale-allocation")->fix, "\"source\":\"netbox\",\"vrf\":\"\"}"));
	reset();
	ctx.stale_sweeps = 2; /* needs two covering sweeps */
	run_addr(&v, "192.0.2.50");
	assert_int_equal(count("stale-allocation"), 0);
	ctx.stale_sweeps = 1;
	o.last_seen = NOW - DAY; /* seen: live */
	run_addr(&v, "192.0.2.50");
	assert_int_equal(count("stale-allocation"), 0);
	o.last_seen = NOW - 60 * DAY;
	a.status = "reserved";
	run_addr(&v, "192.0.2.50");
	assert_int_equal(count("stale-allocation"), 0);
}

static void static_in_pool_cases(void **state)
{
	(void)state;
	struct db_aud_alloc a = ALLOC("192.0.2.150", NULL, "printer", "active");
	struct host_view v = { .alloc = &a, .nalloc = 1 };
	run_addr(&v, "192.0.2.150");
	assert_int_equal(count("static-in-pool"), 1);
	reset();
	a.status = "dhcp";
	run_addr(&v, "192.0.2.150");
	assert_int_equal(count("static-in-pool"), 0);
	/* lease-less live host in the pool: only when lease data exists */
	struct db_aud_obs o = OBS("192.0.2.151", "00:11:22:33:45:51", NOW - 600, NOW - 60);
	struct host_view w = { .obs = &o, .nobs = 1 };
	ctx.leases_known = false;
	run_addr(&w, "192.0.2.151");
	assert_int_equal(count("static-in-pool"), 0);
	assert_int_equal(count("rogue-host"), 1);
	reset();
	ctx.leases_known = true;
	run_addr(&w, "192.0.2.151");
	assert_int_equal(count("static-in-pool"), 1);
	assert_int_equal(count("rogue-host"), 0);
	ctx.leases_known = false;
}

static void subnet_exhaustion_threshold(void **state)
{
	(void)state;
	struct jv_subnet s = subnets[0];
	s.n_used = 240; /* of 254 usable: 94.5% */
	rules_subnet(&s, &ctx, &em);
	assert_int_equal(count("subnet-exhaustion"), 1);
	assert_string_equal(find("subnet-exhaustion")->subject, "192.0.2.0/24");
	reset();
	s.n_used = 200; /* 78.7% */
	rules_subnet(&s, &ctx, &em);
	assert_int_equal(count("subnet-exhaustion"), 0);
	s.threshold = 75; /* per-subnet threshold */
	rules_subnet(&s, &ctx, &em);
	assert_int_equal(count("subnet-exhaustion"), 1);
	reset();
	s = subnets[1]; /* an IPv6 /64 never runs out */
	s.n_used = 1000000;
	rules_subnet(&s, &ctx, &em);
	assert_int_equal(count("subnet-exhaustion"), 0);
}

/* ------------------------------------------------------------ DNS */

static void missing_ptr_honesty(void **state)
{
	(void)state;
	struct db_aud_obs o = OBS("192.0.2.60", "00:11:22:33:44:60", NOW - 600, NOW - 60);
	struct db_aud_alloc a = ALLOC("192.0.2.60", "00:11:22:33:44:60", "web.example.test", "active");
	struct db_aud_answer p = PTR("192.0.2.60", "nxdomain", NULL);
	struct host_view v = { .obs = &o, .nobs = 1, .alloc = &a, .nalloc = 1, .ans = &p, .nans = 1 };
	run_addr(&v, "192.0.2.60");
	assert_int_equal(count("missing-ptr"), 1);
	const struct got *g = find("missing-ptr");
	assert_non_null(strstr(g->fix, "\"name\":\"60.2.0.192.in-addr.arpa.\""));
	assert_non_null(strstr(g->fix, "\"value\":\"web.example.test.\""));
	reset();
	const char *fails[] = { "servfail", "timeout", "refused", "error" };
	for (size_t i = 0; i < 4; i++) {
		p.status = fails[i];
		run_addr(&v, "192.0.2.60");
		assert_int_equal(count("missing-ptr"), 0);
		assert_int_equal(count("dns-lookup-failed"), 1);
		reset();
	}
	/* never looked up: nothing either way */
	v.nans = 0;
	run_addr(&v, "192.0.2.60");
	assert_int_equal(count("missing-ptr"), 0);
	assert_int_equal(count("dns-lookup-failed"), 0);
	/* present */
	p = PTR("192.0.2.60", "ok", "web.example.test.");
	v.nans = 1;
	run_addr(&v, "192.0.2.60");
	assert_int_equal(count("missing-ptr"), 0);
	assert_int_equal(count("name-mismatch"), 0);
}

static void missing_forward_cases(void **state)
{
	(void)state;
	struct db_aud_alloc a = ALLOC("192.0.2.61", NULL, "api.example.test", "active");
	struct host_view v = { .alloc = &a, .nalloc = 1 };
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 0); /* not looked up */
	names_add(names, "api.example.test.", "A", "nxdomain", NULL, 5, NOW, 0);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 1);
	assert_non_null(strstr(find("missing-forward")->fix, "\"type\":\"A\""));
	reset();
	/* a newer run failed: inconclusive, not missing */
	names_add(names, "API.example.test", "A", "timeout", NULL, 6, NOW, 0);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 0);
	/* a newer run answered with the address */
	struct ipd_ip ip = IP("192.0.2.61");
	names_add(names, "api.example.test", "A", "ok", &ip, 7, NOW, 300);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 0);
	/* an older run is ignored */
	names_add(names, "api.example.test", "A", "nxdomain", NULL, 3, NOW, 0);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 0);
	/* points elsewhere */
	a.hostname = "other.example.test";
	struct ipd_ip o = IP("192.0.2.99");
	names_add(names, "other.example.test", "A", "ok", &o, 7, NOW, 300);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 1);
	/* the add is guarded by the set the name has (not "absent") */
	assert_non_null(strstr(find("missing-forward")->fix,
			       "\"op\":\"add\",\"zone\":null,\"name\":\"other.example.test.\",\"type\":\"A\","
			       "\"value\":\"192.0.2.61\",\"old\":null,\"rrset\":[\"192.0.2.99\"]"));
	reset();
	/* absent (nxdomain): no set, the writer guards with nxrrset */
	names_add(names, "other.example.test", "A", "nxdomain", NULL, 8, NOW, 0);
	run_addr(&v, "192.0.2.61");
	assert_int_equal(count("missing-forward"), 1);
	assert_null(strstr(find("missing-forward")->fix, "rrset"));
}

static void forward_reverse_and_name_mismatch(void **state)
{
	(void)state;
	struct db_aud_alloc a = ALLOC("192.0.2.62", NULL, "mail.example.test", "active");
	struct db_aud_answer p = PTR("192.0.2.62", "ok", "smtp.example.test.");
	struct host_view v = { .alloc = &a, .nalloc = 1, .ans = &p, .nans = 1 };
	struct ipd_ip other = IP("192.0.2.63"), self = IP("192.0.2.62");
	names_add(names, "smtp.example.test", "A", "ok", &other, 5, NOW, 300);
	names_add(names, "mail.example.test", "A", "ok", &self, 5, NOW, 300);
	run_addr(&v, "192.0.2.62");
	assert_int_equal(count("forward-reverse-mismatch"), 1);
	assert_int_equal(count("name-mismatch"), 1);
	const struct got *g = find("name-mismatch");
	assert_non_null(strstr(g->fix, "\"op\":\"replace\""));
	assert_non_null(strstr(g->fix, "\"old\":\"smtp.example.test.\""));
	reset();
	/* the PTR name's lookup failed: inconclusive */
	struct db_aud_answer p2 = PTR("192.0.2.62", "ok", "broken.example.test.");
	v.ans = &p2;
	names_add(names, "broken.example.test", "A", "servfail", NULL, 5, NOW, 0);
	run_addr(&v, "192.0.2.62");
	assert_int_equal(count("forward-reverse-mismatch"), 0);
	const struct name_ent *e = names_get(names, "broken.example.test.");
	assert_non_null(e);
	rules_name(e, &ctx, &em);
	assert_int_equal(count("dns-lookup-failed"), 1);
	assert_string_equal(find("dns-lookup-failed")->subject, "broken.example.test");
	reset();
	/* short IPAM name matches the PTR's first label */
	a.hostname = "mail";
	struct db_aud_answer p3 = PTR("192.0.2.62", "ok", "MAIL.example.test.");
	v.ans = &p3;
	run_addr(&v, "192.0.2.62");
	assert_int_equal(count("name-mismatch"), 0);
	assert_int_equal(count("forward-reverse-mismatch"), 0);
}

/* An address with several PTR names: every DNS fix carries the whole PTR set
 * as the audit saw it ("rrset"), so the writer's guard matches that set. */
static void multi_ptr_fixes(void **state)
{
	(void)state;
	struct db_aud_alloc a = ALLOC("192.0.2.64", NULL, "mail.example.test", "active");
	struct db_aud_answer p[2] = { PTR("192.0.2.64", "ok", "smtp.example.test."),
				      PTR("192.0.2.64", "ok", "Relay.example.test.") };
	struct host_view v = { .alloc = &a, .nalloc = 1, .ans = p, .nans = 2 };
	struct ipd_ip self = IP("192.0.2.64"), other = IP("192.0.2.65");
	names_add(names, "smtp.example.test", "A", "ok", &self, 5, NOW, 300);
	names_add(names, "relay.example.test", "A", "nxdomain", NULL, 5, NOW, 0);
	names_add(names, "mail.example.test", "A", "ok", &self, 5, NOW, 300);
	/* neither is the IPAM name: name-mismatch; the set becomes the IPAM name */
	run_addr(&v, "192.0.2.64");
	assert_int_equal(count("name-mismatch"), 1);
	const char *fx = find("name-mismatch")->fix;
	assert_non_null(strstr(fx, "{\"op\":\"replace\",\"zone\":null,\"name\":\"64.2.0.192.in-addr.arpa.\","
				   "\"type\":\"PTR\",\"value\":\"mail.example.test.\","
				   "\"old\":\"relay.example.test.\","
				   "\"rrset\":[\"smtp.example.test.\",\"relay.example.test.\"]}"));
	assert_non_null(strstr(fx, "{\"op\":\"delete\",\"zone\":null,\"name\":\"64.2.0.192.in-addr.arpa.\","
				   "\"type\":\"PTR\",\"value\":\"smtp.example.test.\","
				   "\"old\":\"smtp.example.test.\","
				   "\"rrset\":[\"smtp.example.test.\",\"relay.example.test.\"]}"));
	/* relay does not resolve back, but no PTR is the IPAM name: the
	 * name-mismatch fix handles the set, this rule adds no change to it */
	assert_int_equal(count("forward-reverse-mismatch"), 1);
	assert_null(find("forward-reverse-mismatch")->fix);
	reset();
	/* one right (the IPAM name), one stray: only the stray goes */
	p[0] = PTR("192.0.2.64", "ok", "MAIL.example.test.");
	run_addr(&v, "192.0.2.64");
	assert_int_equal(count("name-mismatch"), 0);
	assert_int_equal(count("forward-reverse-mismatch"), 1);
	fx = find("forward-reverse-mismatch")->fix;
	assert_non_null(fx);
	assert_non_null(strstr(fx, "\"dns\":[{\"op\":\"delete\",\"zone\":null,"
				   "\"name\":\"64.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
				   "\"value\":\"relay.example.test.\",\"old\":\"relay.example.test.\","
				   "\"rrset\":[\"mail.example.test.\",\"relay.example.test.\"]}]"));
	assert_null(strstr(fx, "\"old\":\"mail.example.test.\""));
	reset();
	/* the stray's lookup failed: inconclusive, nothing deleted */
	names_add(names, "relay.example.test", "A", "servfail", NULL, 6, NOW, 0);
	run_addr(&v, "192.0.2.64");
	assert_int_equal(count("forward-reverse-mismatch"), 0);
	reset();
	/* the IPAM name is the PTR but points elsewhere (with the stray):
	 * a guarded add of its A, and the stray's delete */
	names_add(names, "relay.example.test", "A", "nodata", NULL, 7, NOW, 0);
	names_add(names, "mail.example.test", "A", "ok", &other, 6, NOW, 300);
	run_addr(&v, "192.0.2.64");
	assert_int_equal(count("forward-reverse-mismatch"), 1);
	fx = find("forward-reverse-mismatch")->fix;
	assert_non_null(strstr(fx, "{\"op\":\"add\",\"zone\":null,\"name\":\"mail.example.test.\","
				   "\"type\":\"A\",\"value\":\"192.0.2.64\",\"old\":null,"
				   "\"rrset\":[\"192.0.2.65\"]}"));
	assert_non_null(strstr(fx, "\"value\":\"relay.example.test.\""));
}

static void stale_dns_needs_coverage(void **state)
{
	(void)state;
	struct db_aud_answer p = PTR("192.0.2.70", "ok", "gone.example.test.");
	struct db_aud_answer f = { .ip = IP("192.0.2.70"), .run_id = 5, .at = NOW, .qname = "gone.example.test.",
				   .qtype = "A", .status = "ok", .name = "gone.example.test." };
	struct db_aud_answer both[2] = { p, f };
	struct host_view v = { .ans = both, .nans = 2 };
	run_addr(&v, "192.0.2.70");
	assert_int_equal(count("stale-dns"), 0); /* not covered: cannot say "not seen" */
	v.covered = 1;
	run_addr(&v, "192.0.2.70");
	assert_int_equal(count("stale-dns"), 1);
	const struct got *g = find("stale-dns");
	assert_non_null(strstr(g->fix, "\"op\":\"delete\""));
	assert_non_null(strstr(g->fix, "\"type\":\"PTR\""));
	assert_non_null(strstr(g->fix, "\"type\":\"A\""));
	reset();
	/* the name's other addresses guard the delete too (round robin) */
	struct ipd_ip rr[2] = { IP("192.0.2.70"), IP("192.0.2.71") };
	names_add(names, "gone.example.test", "A", "ok", &rr[0], 5, NOW, 300);
	names_add(names, "gone.example.test", "A", "ok", &rr[1], 5, NOW, 300);
	run_addr(&v, "192.0.2.70");
	g = find("stale-dns");
	assert_non_null(strstr(g->fix, "{\"op\":\"delete\",\"zone\":null,\"name\":\"gone.example.test.\","
				       "\"type\":\"A\",\"value\":\"192.0.2.70\",\"old\":\"192.0.2.70\","
				       "\"rrset\":[\"192.0.2.70\",\"192.0.2.71\"]}"));
	assert_non_null(strstr(g->fix, "\"old\":\"gone.example.test.\",\"rrset\":[\"gone.example.test.\"]"));
	reset();
	struct db_aud_obs o = OBS("192.0.2.70", "00:11:22:33:44:70", NOW - 600, NOW - 60);
	v.obs = &o;
	v.nobs = 1;
	run_addr(&v, "192.0.2.70");
	assert_int_equal(count("stale-dns"), 0); /* seen */
}

static void dangling_dns_prefixes(void **state)
{
	(void)state;
	struct ipd_ip ext = IP("203.0.113.9"), own = IP("192.0.2.80"), bench = IP("198.18.0.5");
	names_add(names, "shop.example.test", "A", "ok", &ext, 5, NOW, 300);
	names_add(names, "www.example.test", "A", "ok", &own, 5, NOW, 300);
	names_add(names, "lab.example.test", "A", "ok", &bench, 5, NOW, 300);
	rules_name(names_get(names, "shop.example.test"), &ctx, &em);
	rules_name(names_get(names, "www.example.test"), &ctx, &em);
	rules_name(names_get(names, "lab.example.test"), &ctx, &em);
	assert_int_equal(count("dangling-dns"), 1);
	const struct got *g = find("dangling-dns");
	assert_string_equal(g->subject, "shop.example.test");
	assert_non_null(strstr(g->summary, "203.0.113.9"));
	assert_non_null(strstr(g->fix, "\"op\":\"delete\""));
	reset();
	struct ipd_prefix p;
	assert_true(ipd_prefix_parse("203.0.113.0/24", &p, true));
	ctx.own = &p;
	ctx.nown = 1;
	rules_name(names_get(names, "shop.example.test"), &ctx, &em);
	assert_int_equal(count("dangling-dns"), 0);
	/* an own and a foreign address: only the foreign one goes, both guard */
	struct ipd_ip foreign = IP("198.51.100.7");
	names_add(names, "www.example.test", "A", "ok", &foreign, 5, NOW, 300);
	rules_name(names_get(names, "www.example.test"), &ctx, &em);
	assert_int_equal(count("dangling-dns"), 1);
	g = find("dangling-dns");
	assert_non_null(strstr(g->fix, "\"value\":\"198.51.100.7\",\"old\":\"198.51.100.7\","
				       "\"rrset\":[\"192.0.2.80\",\"198.51.100.7\"]"));
	assert_null(strstr(g->fix, "\"old\":\"192.0.2.80\""));
	ctx.own = NULL;
	ctx.nown = 0;
}

static void dual_stack_gap_cases(void **state)
{
	(void)state;
	struct ipd_ip v4 = IP("192.0.2.90");
	names_add(names, "ds.example.test", "A", "ok", &v4, 5, NOW, 300);
	names_add(names, "ds.example.test", "AAAA", "nodata", NULL, 5, NOW, 0);
	const struct name_ent *e = names_get(names, "ds.example.test");
	struct mac_addr addrs[2] = { { IP("192.0.2.90"), NOW - 600, NOW - 60, 2, 0, e },
				     { IP("2001:db8:1::90"), NOW - 600, NOW - 60, 2, 0, NULL } };
	struct mac_view mv = { .addr = addrs, .naddr = 2 };
	ipd_mac_parse("00:11:22:33:44:90", &mv.mac);
	snprintf(mv.mac_text, sizeof mv.mac_text, "00:11:22:33:44:90");
	rules_mac(&mv, &ctx, &em);
	assert_int_equal(count("dual-stack-gap"), 1);
	assert_non_null(strstr(find("dual-stack-gap")->fix, "\"type\":\"AAAA\""));
	assert_non_null(strstr(find("dual-stack-gap")->fix, "2001:db8:1::90"));
	reset();
	/* AAAA lookup failed: inconclusive */
	names_add(names, "ds.example.test", "AAAA", "servfail", NULL, 6, NOW, 0);
	rules_mac(&mv, &ctx, &em);
	assert_int_equal(count("dual-stack-gap"), 0);
	/* only link-local IPv6: not dual-stack */
	names_add(names, "ds.example.test", "AAAA", "nodata", NULL, 7, NOW, 0);
	addrs[1].ip = IP("fe80::211:22ff:fe33:4490");
	rules_mac(&mv, &ctx, &em);
	assert_int_equal(count("dual-stack-gap"), 0);
}

static void random_mac_and_unknown_vendor(void **state)
{
	(void)state;
	char dir[] = "/tmp/ipdrift-rules-oui-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char p[128];
	snprintf(p, sizeof p, "%s/oui.csv", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("Registry,Assignment,Organization Name,Organization Address\nMA-L,001122,Known,\"a\nb\"\n", f);
	fclose(f);
	ctx.oui = oui_new(dir, NULL);
	struct mac_addr a = { IP("192.0.2.95"), NOW - 600, NOW - 60, 1, 0, NULL };
	struct mac_view mv = { .addr = &a, .naddr = 1 };
	const char *macs[] = { "00:11:22:00:00:01", "00:99:88:00:00:01", "3a:11:22:00:00:01" };
	for (int i = 0; i < 3; i++) {
		ipd_mac_parse(macs[i], &mv.mac);
		snprintf(mv.mac_text, sizeof mv.mac_text, "%s", macs[i]);
		rules_mac(&mv, &ctx, &em);
	}
	assert_int_equal(count("unknown-vendor"), 1);
	assert_string_equal(find("unknown-vendor")->subject, "00:99:88:00:00:01");
	assert_int_equal(count("random-mac"), 1);
	assert_string_equal(find("random-mac")->subject, "3a:11:22:00:00:01");
	assert_string_equal(find("random-mac")->severity, "info");
	oui_free(ctx.oui);
	ctx.oui = NULL;
	unlink(p);
	rmdir(dir);
}

static void hostile_names(void **state)
{
	(void)state;
	struct db_aud_answer p = PTR("192.0.2.9", "ok", "evil\x1b[31m.example.test.");
	p.name_flags = 2; /* HOSTNAME_CONTROL, as resolve stores it */
	struct host_view v = { .ans = &p, .nans = 1 };
	run_addr(&v, "192.0.2.9");
	assert_int_equal(count("hostile-name"), 1);
	assert_non_null(strstr(find("hostile-name")->summary, "control"));
	/* the evidence keeps the name, escaped */
	assert_non_null(strstr(find("hostile-name")->evidence, "evil\\u001b[31m"));
	reset();
	struct db_aud_lease l = { .ip = IP("192.0.2.9"), .hostname = "=HYPERLINK(\"x\")" };
	struct host_view w = { .lease = &l, .nlease = 1 };
	run_addr(&w, "192.0.2.9");
	assert_int_equal(count("hostile-name"), 1);
	reset();
	p.name_flags = 0;
	l.hostname = "laptop-1";
	run_addr(&v, "192.0.2.9");
	run_addr(&w, "192.0.2.9");
	assert_int_equal(count("hostile-name"), 0);
}

static void severity_override_and_disable(void **state)
{
	(void)state;
	struct db_aud_obs o = OBS("192.0.2.31", "00:11:22:33:44:31", NOW - 600, NOW - 60);
	struct host_view v = { .obs = &o, .nobs = 1 };
	int r = rule_find("rogue-host");
	assert_true(r >= 0);
	em.sev[r] = SEV_CRITICAL;
	run_addr(&v, "192.0.2.31");
	assert_string_equal(find("rogue-host")->severity, "critical");
	reset();
	em.enabled[r] = false;
	run_addr(&v, "192.0.2.31");
	assert_int_equal(count("rogue-host"), 0);
	em.enabled[r] = true;
	em.sev[r] = rule_table[r].sev;
}

static void every_catalogue_rule_is_documented(void **state)
{
	(void)state;
	const char *ids[] = { "ip-conflict", "rogue-host", "unmanaged-subnet", "mac-mismatch",
		"rogue-dhcp-server", "rogue-router", "stale-allocation", "static-in-pool",
		"subnet-exhaustion", "missing-ptr", "missing-forward", "forward-reverse-mismatch",
		"name-mismatch", "stale-dns", "dangling-dns", "dual-stack-gap", "dns-lookup-failed",
		"random-mac", "unknown-vendor" };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		int r = rule_find(ids[i]);
		assert_true(r >= 0);
		assert_non_null(rule_table[r].trigger);
		assert_true(strlen(rule_table[r].why) > 10 && strlen(rule_table[r].action) > 5);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rules_print(f, true);
	fclose(f);
	assert_non_null(strstr(buf, "| dangling-dns | high |"));
	free(buf);
}

/* ------------------------------------------------------------ store: lifecycle, suppressions */

static char dbpath[64];

static void rm_db(void)
{
	char p[96];
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
}

static void new_db(void)
{
	snprintf(dbpath, sizeof dbpath, "/tmp/ipdrift-rules-XXXXXX");
	int fd = mkstemp(dbpath);
	assert_true(fd >= 0);
	close(fd);
	unlink(dbpath);
	struct db *db;
	assert_int_equal(db_open(dbpath, DB_CREATE, &db), IPD_OK);
	db_close(db);
}

struct states {
	char fp[8][64], state[8][16];
	int64_t first[8];
	bool supp[8];
	int n;
};

static int states_cb(void *arg, const struct db_find_row *r)
{
	struct states *s = arg;
	assert_true(s->n < 8);
	snprintf(s->fp[s->n], 64, "%s", r->fingerprint);
	snprintf(s->state[s->n], 16, "%s", r->state);
	s->first[s->n] = r->first_run;
	s->supp[s->n] = r->suppressed;
	s->n++;
	return 0;
}

static const char *state_of(const struct states *s, const char *fp)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->fp[i], fp) == 0)
			return s->state[i];
	return "absent";
}

static void put_fp(struct db_find_writer *w, const char *rule, const char *subj)
{
	char fp[64];
	snprintf(fp, sizeof fp, "%s|%s", rule, subj);
	struct db_finding f = { .fingerprint = fp, .rule = rule, .severity = "high", .subject_kind = "ip",
				.subject = subj, .summary = "s", .evidence = "{}" };
	assert_int_equal(db_find_put(w, &f), IPD_OK);
}

static void lifecycle_new_ongoing_resolved(void **state)
{
	(void)state;
	new_db();
	struct db *db;
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	struct db_run_stats ok = { .loss = -1, .status = "ok" };
	/* run 1: A, B */
	int64_t r1 = db_run_start(db, "audit", 0, NULL, NULL, NULL);
	struct db_find_writer *w = db_find_begin(db, r1, db_run_latest(db, "audit"));
	put_fp(w, "rogue-host", "192.0.2.1");
	put_fp(w, "rogue-host", "192.0.2.2");
	assert_int_equal(db_find_put(w, &(struct db_finding){ .fingerprint = "rogue-host|192.0.2.2",
		.rule = "rogue-host", .severity = "high", .subject_kind = "ip", .subject = "192.0.2.2",
		.summary = "dup" }), IPD_EINVAL);
	assert_int_equal(db_find_end(w, NULL), IPD_OK);
	db_run_finish(db, r1, &ok);
	struct states s = { .n = 0 };
	db_find_list(db, r1, states_cb, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.1"), "new");
	/* run 2: B, C */
	int64_t r2 = db_run_start(db, "audit", 0, NULL, NULL, NULL);
	w = db_find_begin(db, r2, db_run_latest(db, "audit"));
	put_fp(w, "rogue-host", "192.0.2.2");
	put_fp(w, "rogue-host", "192.0.2.3");
	struct db_find_counts tally;
	assert_int_equal(db_find_end(w, &tally), IPD_OK);
	db_run_finish(db, r2, &ok);
	memset(&s, 0, sizeof s);
	db_find_list(db, 0, states_cb, &s); /* 0 = latest audit */
	assert_int_equal(s.n, 3);
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.1"), "resolved");
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.2"), "ongoing");
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.3"), "new");
	for (int i = 0; i < s.n; i++)
		if (strcmp(s.fp[i], "rogue-host|192.0.2.2") == 0)
			assert_int_equal(s.first[i], r1); /* first seen in run 1 */
	struct db_find_counts c;
	db_find_counts(db, r2, &c);
	assert_int_equal(c.fresh, 1);
	assert_int_equal(c.ongoing, 1);
	assert_int_equal(c.resolved, 1);
	/* what the writer tallied while writing is what the store says */
	assert_int_equal(tally.fresh, 1);
	assert_int_equal(tally.ongoing, 1);
	assert_int_equal(tally.resolved, 1);
	assert_int_equal(tally.by_sev[SEV_HIGH], 2);
	assert_int_equal(tally.new_by_sev[SEV_HIGH], 1);
	/* run 3: nothing; resolved A is not resolved again */
	int64_t r3 = db_run_start(db, "audit", 0, NULL, NULL, NULL);
	w = db_find_begin(db, r3, db_run_latest(db, "audit"));
	assert_int_equal(db_find_end(w, NULL), IPD_OK);
	db_run_finish(db, r3, &ok);
	memset(&s, 0, sizeof s);
	db_find_list(db, r3, states_cb, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.1"), "absent");
	assert_string_equal(state_of(&s, "rogue-host|192.0.2.2"), "resolved");
	db_close(db);
	rm_db();
}

/* Fixture rows written straight into the temp store (test-only SQL). */
static void sql(const char *q)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(h, q, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "# %s: %s\n", q, err);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(h);
}

static int audit(const char *now, const char *extra)
{
	struct app app = { .db_path = dbpath };
	char *argv[8] = { (char *)"audit", (char *)"--now", (char *)now };
	int argc = 3;
	if (extra) {
		argv[argc++] = (char *)"--fail-on";
		argv[argc++] = (char *)extra;
	}
	fflush(stdout);
	return cmd_audit.run(&app, argc, argv);
}

static void suppressions_and_expiry(void **state)
{
	(void)state;
	new_db();
	/* a subnet and one rogue host in it (192.0.2.5 = ::ffff:c000:205) */
	sql("INSERT INTO subnets(family, lo, hi, prefix_len, cidr) VALUES (4,"
	    " x'00000000000000000000ffffc0000200', x'00000000000000000000ffffc00002ff', 24, '192.0.2.0/24');"
	    "INSERT INTO observations(ip, ip_text, family, mac, method, first_seen, last_seen)"
	    " VALUES (x'00000000000000000000ffffc0000205', '192.0.2.5', 4, '00:11:22:33:44:05',"
	    " 'arp-active', 1999999000, 1999999900);");
	struct db *db;
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	assert_int_equal(db_supp_add(db, "rogue-host", "192.0.2.5", "known lab box", 2000050000, "cli"),
			 IPD_OK);
	db_close(db);
	/* suppressed: stored with suppressed=1, does not trip --fail-on */
	assert_int_equal(audit("2000000000", "high"), 0);
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	struct states s = { .n = 0 };
	db_find_list(db, 0, states_cb, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.supp[0]);
	assert_string_equal(s.state[0], "new");
	struct db_find_counts c;
	db_find_counts(db, db_run_latest(db, "audit"), &c);
	assert_int_equal(c.suppressed, 1);
	assert_int_equal(c.fresh, 0);
	db_close(db);
	/* the suppression expired: the finding returns (ongoing) and fails --fail-on-any */
	struct app app = { .db_path = dbpath };
	char *argv[] = { (char *)"audit", (char *)"--now", (char *)"2000100000", (char *)"--fail-on-any",
			 (char *)"high", (char *)"--stale-days", (char *)"30" };
	fflush(stdout);
	assert_int_equal(cmd_audit.run(&app, 7, argv), 1);
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	memset(&s, 0, sizeof s);
	db_find_list(db, 0, states_cb, &s);
	assert_int_equal(s.n, 1);
	assert_false(s.supp[0]);
	assert_string_equal(s.state[0], "ongoing");
	db_close(db);
	/* --fail-on counts only new findings: the ongoing one does not trip it */
	assert_int_equal(audit("2000100100", "high"), 0);
	/* the host leaves (sweeps no longer see it): resolved */
	sql("DELETE FROM observations;");
	assert_int_equal(audit("2000100200", NULL), 0);
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	memset(&s, 0, sizeof s);
	db_find_list(db, 0, states_cb, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.state[0], "resolved");
	db_close(db);
	rm_db();
}

/* ------------------------------------------------------------ MaxMind */

static const char *perl_writer =
	"use strict; use warnings; use MaxMind::DB::Writer::Tree;\n"
	"my %t = (autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',\n"
	"  country => 'map', registered_country => 'map', continent => 'map', names => 'map',\n"
	"  iso_code => 'utf8_string', code => 'utf8_string', en => 'utf8_string',\n"
	"  geoname_id => 'uint32', is_in_european_union => 'boolean');\n"
	"sub tree { MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,\n"
	"  database_type => $_[0], languages => ['en'], description => { en => $_[1] },\n"
	"  map_key_type_callback => sub { $t{ $_[0] } // die \"no type for $_[0]\" },\n"
	"  remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1) }\n"
	"my $asn = tree('GeoLite2-ASN', 'test ASN db');\n"
	"$asn->insert_network('203.0.113.0/24', { autonomous_system_number => 64500,\n"
	"  autonomous_system_organization => 'Example Transit (test)' });\n"
	"$asn->insert_network('2001:db8:ff00::/40', { autonomous_system_number => 64501,\n"
	"  autonomous_system_organization => 'Example Cloud (test)' });\n"
	"my $de = { geoname_id => 2921044, iso_code => 'DE', names => { en => 'Germany' }, is_in_european_union => 1 };\n"
	"my $cc = tree('GeoLite2-Country', 'test Country db');\n"
	"$cc->insert_network($_, { country => $de, registered_country => $de }) for '203.0.113.0/24';\n"
	"for ([$asn, $ARGV[0]], [$cc, $ARGV[1]]) {\n"
	"  open my $fh, '>:raw', $_->[1] or die; $_->[0]->write_tree($fh); close $fh or die }\n";

static void mmdb_enrichment(void **state)
{
	(void)state;
	if (system("perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null") != 0) {
		skip();
	}
	char dir[] = "/tmp/ipdrift-mmdb-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char pl[128], asn[128], cc[128], cmd[512];
	snprintf(pl, sizeof pl, "%s/w.pl", dir);
	snprintf(asn, sizeof asn, "%s/asn.mmdb", dir);
	snprintf(cc, sizeof cc, "%s/cc.mmdb", dir);
	FILE *f = fopen(pl, "w");
	assert_non_null(f);
	fputs(perl_writer, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "perl %s %s %s", pl, asn, cc);
	assert_int_equal(system(cmd), 0);

	struct geo *g;
	/* swapped files are refused by database_type */
	assert_int_equal(geo_open(asn, cc, &g), IPD_EINVAL);
	assert_null(g);
	assert_int_equal(geo_open(cc, asn, &g), IPD_OK);
	struct geo_info gi;
	struct ipd_ip q1 = IP("203.0.113.7"), q2 = IP("2001:db8:ff42::1"), q3 = IP("192.0.2.1");
	assert_true(geo_lookup(g, &q1, &gi));
	assert_true(gi.has_asn);
	assert_int_equal(gi.asn, 64500);
	assert_string_equal(gi.as_org, "Example Transit (test)");
	assert_string_equal(gi.country, "DE");
	assert_true(geo_lookup(g, &q2, &gi));
	assert_int_equal(gi.asn, 64501);
	assert_false(geo_lookup(g, &q3, &gi));

	/* dangling-dns names the ASN organisation; --own-asn clears it */
	ctx.geo = g;
	struct ipd_ip ext = IP("203.0.113.9");
	names_add(names, "cdn.example.test", "A", "ok", &ext, 5, NOW, 300);
	rules_name(names_get(names, "cdn.example.test"), &ctx, &em);
	assert_int_equal(count("dangling-dns"), 1);
	const struct got *d = find("dangling-dns");
	assert_non_null(strstr(d->summary, "AS64500 Example Transit (test)"));
	assert_non_null(strstr(d->evidence, "\"as_org\":\"Example Transit (test)\""));
	assert_non_null(strstr(d->evidence, "\"country\":\"DE\""));
	reset();
	uint32_t mine = 64500;
	ctx.own_asn = &mine;
	ctx.nown_asn = 1;
	rules_name(names_get(names, "cdn.example.test"), &ctx, &em);
	assert_int_equal(count("dangling-dns"), 0);
	ctx.own_asn = NULL;
	ctx.nown_asn = 0;
	ctx.geo = NULL;
	geo_close(g);
	unlink(pl);
	unlink(asn);
	unlink(cc);
	rmdir(dir);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(ip_conflict_overlap_and_sequence),
		T(ip_conflict_fhrp_never),
		T(ip_conflict_events_and_random_macs),
		T(rogue_host_cases),
		T(unmanaged_subnet_group),
		T(mac_mismatch_and_random),
		T(rogue_servers),
		T(stale_allocation_needs_coverage),
		T(static_in_pool_cases),
		T(subnet_exhaustion_threshold),
		T(missing_ptr_honesty),
		T(missing_forward_cases),
		T(forward_reverse_and_name_mismatch),
		T(multi_ptr_fixes),
		T(stale_dns_needs_coverage),
		T(dangling_dns_prefixes),
		T(dual_stack_gap_cases),
		T(random_mac_and_unknown_vendor),
		T(hostile_names),
		T(severity_override_and_disable),
		T(every_catalogue_rule_is_documented),
		T(lifecycle_new_ongoing_resolved),
		T(suppressions_and_expiry),
		T(mmdb_enrichment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
