/* Import parsers without the store: realistic fixtures (tests/fixtures/import/)
 * and one test per malformed variant with its exact FILE:LINE message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/hostname.h"
#include "../../reconcile/import.h"

#define FIX "tests/fixtures/import/"
#define MAXR 64

/* A copy of each emitted record with its strings, for assertions. */
struct rec {
	struct inv_rec r;
	char s[8][512];   /* vrf hostname status role description/zone owner rdata ext_id */
	size_t hlen;
	bool has_ext_id;
};

struct col {
	struct rec v[MAXR];
	int n;
	char bad[16][600];
	int nbad;
};

static void cp(char *dst, const char *src, size_t len)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	if (len > 511)
		len = 511;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int emit(void *arg, const struct inv_rec *r)
{
	struct col *c = arg;
	if (c->n == MAXR)
		return 0;
	struct rec *x = &c->v[c->n++];
	x->r = *r;
	switch (r->kind) {
	case INV_ALLOC:
		cp(x->s[0], r->u.alloc.vrf, r->u.alloc.vrf ? strlen(r->u.alloc.vrf) : 0);
		cp(x->s[1], r->u.alloc.hostname, r->u.alloc.hostname_len);
		x->hlen = r->u.alloc.hostname_len;
		cp(x->s[2], r->u.alloc.status, r->u.alloc.status ? strlen(r->u.alloc.status) : 0);
		cp(x->s[3], r->u.alloc.role, r->u.alloc.role ? strlen(r->u.alloc.role) : 0);
		cp(x->s[4], r->u.alloc.description, r->u.alloc.description ? strlen(r->u.alloc.description) : 0);
		cp(x->s[7], r->u.alloc.ext_id, r->u.alloc.ext_id ? strlen(r->u.alloc.ext_id) : 0);
		x->has_ext_id = r->u.alloc.ext_id != NULL;
		break;
	case INV_LEASE:
		cp(x->s[1], r->u.lease.hostname, r->u.lease.hostname_len);
		x->hlen = r->u.lease.hostname_len;
		cp(x->s[2], r->u.lease.state, r->u.lease.state ? strlen(r->u.lease.state) : 0);
		cp(x->s[3], r->u.lease.kind, r->u.lease.kind ? strlen(r->u.lease.kind) : 0);
		cp(x->s[5], r->u.lease.client_id, r->u.lease.client_id ? strlen(r->u.lease.client_id) : 0);
		cp(x->s[6], r->u.lease.duid, r->u.lease.duid ? strlen(r->u.lease.duid) : 0);
		break;
	case INV_DNS:
		cp(x->s[4], r->u.dns.zone, strlen(r->u.dns.zone));
		cp(x->s[5], r->u.dns.owner, strlen(r->u.dns.owner));
		cp(x->s[6], r->u.dns.rdata, strlen(r->u.dns.rdata));
		cp(x->s[2], r->u.dns.type, strlen(r->u.dns.type));
		break;
	case INV_SUBNET:
		cp(x->s[0], r->u.subnet.vrf, r->u.subnet.vrf ? strlen(r->u.subnet.vrf) : 0);
		cp(x->s[2], r->u.subnet.status, r->u.subnet.status ? strlen(r->u.subnet.status) : 0);
		break;
	case INV_RANGE:
		cp(x->s[2], r->u.range.kind, strlen(r->u.range.kind));
		break;
	case INV_ALLOW:
		cp(x->s[2], r->u.allow.kind, strlen(r->u.allow.kind));
		break;
	}
	return 0;
}

static void bad(void *arg, const char *file, unsigned long line, const char *msg)
{
	struct col *c = arg;
	if (c->nbad < 16)
		snprintf(c->bad[c->nbad++], sizeof c->bad[0], "%s:%lu: %s", file, line, msg);
}

static struct col *parse_file(const char *fmt, const char *path, int64_t now, const char *origin)
{
	struct col *c = calloc(1, sizeof *c);
	assert_non_null(c);
	const struct imp_format *f = imp_format_find(fmt);
	assert_non_null(f);
	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	struct imp_ctx ctx = { .file = path, .now = now, .origin = origin, .emit = emit, .bad = bad,
			       .arg = c };
	f->parse(&ctx, in);
	fclose(in);
	return c;
}

static struct col *parse_str(const char *fmt, const char *s, enum ipd_status *st)
{
	struct col *c = calloc(1, sizeof *c);
	assert_non_null(c);
	const struct imp_format *f = imp_format_find(fmt);
	assert_non_null(f);
	struct imp_ctx ctx = { .file = "in", .now = 1700000000, .origin = "example.test.",
			       .emit = emit, .bad = bad, .arg = c };
	enum ipd_status s2 = imp_parse_mem(f, &ctx, s, strlen(s));
	if (st)
		*st = s2;
	return c;
}

static const char *ip(const struct ipd_ip *a)
{
	static char b[4][IPD_IP_STRLEN];
	static int k;
	k = (k + 1) % 4;
	return ipd_ip_fmt(a, b[k], sizeof b[k]);
}

/* ---------------------------------------------------------------- IPAM CSV */

static void netbox_ip_addresses(void **state)
{
	(void)state;
	struct col *c = parse_file("netbox", FIX "netbox-ip.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 10);
	struct inv_alloc *a = &c->v[0].r.u.alloc;
	assert_string_equal(ip(&a->ip), "192.0.2.10");
	assert_int_equal(a->prefix_len, 24);
	assert_string_equal(c->v[0].s[1], "web.example.test");
	assert_int_equal(a->hostname_flags, 0);
	assert_int_equal(c->v[0].r.line, 2);
	assert_string_equal(c->v[1].s[4], "DB, primary");
	assert_string_equal(c->v[1].s[2], "reserved");
	assert_string_equal(c->v[2].s[3], "vrrp");
	/* CSV injection kept verbatim */
	assert_string_equal(c->v[4].s[4], "=HYPERLINK(\"http://evil\")");
	/* shell and HTML in dns_name: stored, flagged */
	assert_string_equal(c->v[5].s[1], "evil.example.test,'; rm -rf /");
	assert_true(c->v[5].r.u.alloc.hostname_flags & HOSTNAME_SHELL);
	assert_string_equal(c->v[5].s[4], "<script>alert(1)</script>");
	/* VRFs */
	assert_string_equal(c->v[6].s[0], "blue");
	assert_string_equal(c->v[7].s[0], "red");
	assert_true(ipd_ip_eq(&c->v[6].r.u.alloc.ip, &c->v[7].r.u.alloc.ip));
	/* a multi-line quoted comment: the next record's line accounts for it */
	assert_string_equal(ip(&c->v[8].r.u.alloc.ip), "2001:db8::10");
	assert_int_equal(c->v[9].r.line, 12);
	assert_true(c->v[9].r.u.alloc.hostname_flags & HOSTNAME_WHITESPACE);
	free(c);
}

static void netbox_prefixes_and_native_subnets(void **state)
{
	(void)state;
	struct col *c = parse_file("netbox-prefix", FIX "netbox-prefix.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 5);
	assert_int_equal(c->v[0].r.u.subnet.vlan, 10);
	assert_false(c->v[0].r.u.subnet.is_pool);
	assert_true(c->v[1].r.u.subnet.is_pool);
	assert_string_equal(c->v[2].s[2], "container");
	assert_string_equal(c->v[3].s[0], "red");
	assert_true(c->v[0].r.u.subnet.threshold < 0);
	free(c);
	c = parse_file("native-subnets", FIX "native-subnets.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	assert_true(c->v[0].r.u.subnet.threshold == 90.0);
	assert_true(c->v[1].r.u.subnet.threshold == 75.0);
	assert_true(c->v[2].r.u.subnet.threshold < 0);
	assert_int_equal(c->v[2].r.u.subnet.pfx.len, 64);
	free(c);
}

static void ranges_both_formats(void **state)
{
	(void)state;
	struct col *c = parse_file("netbox-range", FIX "netbox-range.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->v[0].s[2], "dhcp");
	assert_string_equal(ip(&c->v[0].r.u.range.lo), "198.51.100.100");
	assert_string_equal(ip(&c->v[0].r.u.range.hi), "198.51.100.199");
	assert_string_equal(c->v[1].s[2], "reserved");
	free(c);
	c = parse_file("native-ranges", FIX "native-ranges.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->v[2].s[2], "dhcp");
	assert_string_equal(ip(&c->v[2].r.u.range.hi), "2001:db8::1fff");
	free(c);
}

static void phpipam_semicolon_bom_crlf(void **state)
{
	(void)state;
	struct col *c = parse_file("phpipam", FIX "phpipam.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	struct inv_alloc *a = &c->v[0].r.u.alloc;
	assert_string_equal(ip(&a->ip), "192.0.2.20");
	assert_int_equal(a->prefix_len, 24);  /* from the Subnet column */
	assert_true(a->has_mac);
	assert_string_equal(c->v[0].s[2], "active"); /* Tag Used */
	assert_string_equal(c->v[1].s[2], "reserved");
	assert_string_equal(c->v[1].s[4], "Lobby; kiosk");
	assert_string_equal(c->v[2].s[2], "deprecated"); /* Offline */
	assert_int_equal(c->v[2].hlen, 0);
	free(c);
}

/* The object ID of the source IPAM (NetBox "ID", phpIPAM "id", native
 * "ext_id"): optional, found case-insensitively, kept per row; NetBox and
 * phpIPAM IDs are positive integers, stored in canonical decimal. */
static void object_ids(void **state)
{
	(void)state;
	/* the NetBox UI export: column titles, ID first */
	struct col *c = parse_str("netbox", "ID,IP Address,VRF,Status,DNS Name\n"
					    "42,192.0.2.10/24,,Active,web.example.test\n"
					    "0043,192.0.2.11/24,blue,Active,\n"
					    " ,192.0.2.12/24,,Active,\n", NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->v[0].s[7], "42");
	assert_string_equal(c->v[1].s[7], "43");
	assert_string_equal(c->v[1].s[0], "blue");
	assert_false(c->v[2].has_ext_id); /* empty: no ID */
	free(c);
	/* the bulk-import field name */
	c = parse_str("netbox", "id,address,status\n7,192.0.2.10/24,active\n", NULL);
	assert_int_equal(c->nbad, 0);
	assert_string_equal(c->v[0].s[7], "7");
	free(c);
	/* no ID column: nothing */
	c = parse_file("netbox", FIX "netbox-ip.csv", 0, NULL);
	for (int i = 0; i < c->n; i++)
		assert_false(c->v[i].has_ext_id);
	free(c);
	c = parse_str("phpipam", "Section;id;IP address;Hostname\nA;17;192.0.2.20;printer-1\n", NULL);
	assert_int_equal(c->nbad, 0);
	assert_string_equal(c->v[0].s[7], "17");
	free(c);
	/* native: the user's own key, as written */
	c = parse_str("native", "ip,hostname,ext_id\n192.0.2.1,a,asset-0042\n", NULL);
	assert_int_equal(c->nbad, 0);
	assert_string_equal(c->v[0].s[7], "asset-0042");
	free(c);
}

static void native_alloc_and_allowlists(void **state)
{
	(void)state;
	struct col *c = parse_file("native", FIX "native-alloc.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	assert_true(c->v[0].r.u.alloc.has_mac);
	assert_false(c->v[1].r.u.alloc.has_mac);
	free(c);
	c = parse_file("native-allowlist", FIX "allowlist.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->v[0].s[2], "dhcp-server");
	assert_false(c->v[2].r.u.allow.has_ip);
	assert_true(c->v[2].r.u.allow.has_mac);
	free(c);
	c = parse_file("netbox-allowlist", FIX "netbox-ip.csv", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 2);  /* the two VRRP rows */
	assert_string_equal(c->v[0].s[2], "router");
	free(c);
}

/* ------------------------------------------------------------------ leases */

static void isc_leases(void **state)
{
	(void)state;
	struct col *c = parse_file("isc-dhcpd", FIX "dhcpd.leases", 1705400000, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 6);
	/* uid octal escapes: \001\002\000^\020\000\001 */
	assert_string_equal(c->v[0].s[5], "01:02:00:5e:10:00:01");
	assert_string_equal(c->v[0].s[1], "laptop-1");
	assert_int_equal(c->v[0].r.u.lease.starts, 1705305600);
	assert_int_equal(c->v[0].r.u.lease.ends, 1705348800);
	assert_false(c->v[0].r.u.lease.active);   /* ended before --now */
	/* ends never; colon-hex uid; hostile client-hostname kept and flagged */
	assert_int_equal(c->v[1].r.u.lease.ends, 0);
	assert_true(c->v[1].r.u.lease.active);
	assert_string_equal(c->v[1].s[5], "01:f0:de:f1:00:00:02");
	assert_string_equal(c->v[1].s[1], "evil;<b>x</b> $(id)");
	assert_true(c->v[1].r.u.lease.hostname_flags & HOSTNAME_SHELL);
	/* later block for .101 (epoch times, free): emitted after, so it wins */
	assert_string_equal(ip(&c->v[2].r.u.lease.ip), "192.0.2.101");
	assert_string_equal(c->v[2].s[2], "free");
	assert_int_equal(c->v[2].r.u.lease.starts, 1705334400);
	assert_false(c->v[2].r.u.lease.active);
	assert_true(c->v[3].r.u.lease.active);
	/* v6: IAID little-endian, DUID-LL gives the MAC */
	struct inv_lease *l6 = &c->v[4].r.u.lease;
	assert_string_equal(c->v[4].s[3], "na");
	assert_int_equal(l6->iaid, 1);
	assert_string_equal(c->v[4].s[6], "00:03:00:01:02:00:5e:10:00:01");
	assert_true(l6->has_mac);
	assert_string_equal(ip(&l6->ip), "2001:db8:0:1::150");
	assert_string_equal(c->v[5].s[3], "pd");
	assert_int_equal(c->v[5].r.u.lease.prefix_len, 56);
	assert_int_equal(c->v[5].r.u.lease.iaid, 2);
	free(c);
}

static void kea4_leases(void **state)
{
	(void)state;
	struct col *c = parse_file("kea4", FIX "kea-leases4.csv", 1795540000, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 5);
	assert_string_equal(c->v[0].s[5], "01:02:00:5e:10:00:01");
	assert_true(c->v[0].r.u.lease.active);
	assert_int_equal(c->v[0].r.u.lease.starts, 1795545350 - 7200);
	/* &#x2c decoded, raw '"' and '<' kept */
	assert_string_equal(c->v[1].s[1], "evil,=cmd|x\"<b>");
	assert_true(c->v[1].r.u.lease.hostname_flags & HOSTNAME_HTML);
	/* valid_lifetime 0 deletes */
	assert_true(c->v[2].r.u.lease.deleted);
	assert_false(c->v[3].r.u.lease.active);  /* expired */
	assert_string_equal(c->v[4].s[2], "declined");
	assert_false(c->v[4].r.u.lease.active);
	free(c);
}

static void kea6_leases(void **state)
{
	(void)state;
	struct col *c = parse_file("kea6", FIX "kea-leases6.csv", 1795540000, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->v[0].s[3], "na");
	assert_int_equal(c->v[0].r.u.lease.iaid, 1234);
	assert_int_equal(c->v[0].r.u.lease.prefix_len, 128);
	assert_string_equal(c->v[1].s[3], "pd");
	assert_int_equal(c->v[1].r.u.lease.prefix_len, 56);
	/* MAC from the DUID-LLT when hwaddr is empty */
	assert_true(c->v[1].r.u.lease.has_mac);
	char mb[IPD_MAC_STRLEN];
	assert_string_equal(ipd_mac_fmt(&c->v[1].r.u.lease.mac, mb, sizeof mb), "02:00:5e:10:00:04");
	free(c);
}

static void dnsmasq_leases(void **state)
{
	(void)state;
	struct col *c = parse_file("dnsmasq", FIX "dnsmasq.leases", 1800000000, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 5);
	assert_false(c->v[0].r.u.lease.active);   /* expired */
	assert_string_equal(c->v[0].s[2], "expired");
	assert_true(c->v[1].r.u.lease.active);    /* expiry 0 = infinite */
	assert_int_equal(c->v[1].hlen, 0);        /* '*' */
	assert_true(c->v[2].r.u.lease.has_mac);   /* "06-" hardware type prefix */
	assert_string_equal(c->v[3].s[3], "na");
	assert_int_equal(c->v[3].r.u.lease.iaid, 1234);
	assert_string_equal(c->v[4].s[3], "ta");
	assert_int_equal(c->v[4].r.u.lease.iaid, 99);
	free(c);
}

/* -------------------------------------------------------------------- zones */

static void zone_every_directive(void **state)
{
	(void)state;
	struct imp_ctx probe = { 0 };
	(void)probe;
	struct col *c = parse_file("zone", FIX "db.example.test", 0, NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 10);
	assert_string_equal(c->v[0].s[2], "SOA");
	assert_string_equal(c->v[0].s[6],
			    "ns1.example.test. hostmaster.example.test. 2024011501 3600 900 604800 300");
	assert_string_equal(c->v[1].s[5], "example.test."); /* blank owner = previous */
	assert_string_equal(c->v[2].s[6], "ns2.example.test.");
	assert_int_equal(c->v[4].r.u.dns.ttl, 300);
	assert_string_equal(c->v[6].s[2], "AAAA");
	assert_string_equal(c->v[6].s[5], "web.example.test.");
	assert_int_equal(c->v[7].r.u.dns.ttl, 60);          /* class before TTL */
	assert_string_equal(c->v[7].s[5], "Web2.example.test."); /* case kept */
	assert_string_equal(c->v[8].s[6], "web.example.test.");  /* CNAME relative target */
	assert_string_equal(c->v[9].s[5], "host.sub.example.test."); /* second $ORIGIN */
	assert_int_equal(c->v[9].r.u.dns.ttl, 86400);
	assert_string_equal(c->v[9].s[4], "example.test.");
	free(c);
}

static void zone_reverse_ptr_owner_to_ip(void **state)
{
	(void)state;
	struct col *c = parse_file("zone", FIX "db.2.0.192.in-addr.arpa", 0, "2.0.192.in-addr.arpa.");
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 6);
	assert_true(c->v[2].r.u.dns.has_ip);
	assert_string_equal(ip(&c->v[2].r.u.dns.ip), "192.0.2.10");
	assert_false(c->v[5].r.u.dns.has_ip);  /* RFC 2317 CNAME */
	free(c);
	c = parse_str("zone", "$TTL 60\n$ORIGIN 1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n"
			      "0.5.1.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR laptop.example.test.\n", NULL);
	assert_int_equal(c->nbad, 0);
	assert_int_equal(c->n, 1);
	assert_true(c->v[0].r.u.dns.has_ip);
	assert_string_equal(ip(&c->v[0].r.u.dns.ip), "2001:db8:0:1::150");
	free(c);
}

/* The canonical output of named-compilezone parses to the same records. */
static void zone_matches_named_compilezone(void **state)
{
	(void)state;
	if (access("/usr/bin/named-compilezone", X_OK) != 0)
		skip();
	FILE *p = popen("/usr/bin/named-compilezone -q -s full -i none -o - example.test "
			FIX "db.example.test", "r");
	assert_non_null(p);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	struct col *a = parse_file("zone", FIX "db.example.test", 0, NULL);
	struct col *b = parse_str("zone", buf, NULL);
	assert_int_equal(b->nbad, 0);
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		bool found = false;
		for (int j = 0; j < b->n && !found; j++)
			found = !strcmp(a->v[i].s[5], b->v[j].s[5]) && !strcmp(a->v[i].s[2], b->v[j].s[2]) &&
				!strcmp(a->v[i].s[6], b->v[j].s[6]) &&
				a->v[i].r.u.dns.ttl == b->v[j].r.u.dns.ttl;
		if (!found)
			fail_msg("record %s %s %s not in named-compilezone output", a->v[i].s[5],
				 a->v[i].s[2], a->v[i].s[6]);
	}
	free(a);
	free(b);
}

/* ------------------------------------------------- malformed, one per case */

struct bad_case {
	const char *fmt, *input, *msg;   /* msg: the first FILE:LINE: message */
	int good;                        /* records still emitted (for --keep-going) */
};

static const struct bad_case bad_cases[] = {
	{ "netbox", "address,status\n192.0.2.1/24,active\n\"192.0.2.2/24,active\n", "in:3: unterminated quoted field (opened on line 3)", 1 },
	{ "netbox", "address,status\n192.0.2.1/24,act\"ive\n", "in:2: stray quote in unquoted field", 0 },
	{ "netbox", "address,status\n\"192.0.2.1/24\"x,active\n", "in:2: stray character after closing quote", 0 },
	{ "netbox", "status,dns_name\nactive,x\n", "in:1: missing column \"address\" in the header", 0 },
	{ "netbox", "address,status\n192.0.2.1,active\n", "in:2: address \"192.0.2.1\" has no prefix length (NetBox writes a.b.c.d/len)", 0 },
	{ "netbox", "address,status\n192.0.2.256/24,active\n", "in:2: invalid address \"192.0.2.256/24\"", 0 },
	{ "netbox", "address,status\n192.0.2.1/33,active\n", "in:2: invalid address \"192.0.2.1/33\"", 0 },
	{ "netbox", "address,status\n192.0.2.1/24,online\n", "in:2: unknown IP status \"online\"", 0 },
	{ "netbox", "address,role\n192.0.2.1/24,gateway\n", "in:2: unknown IP role \"gateway\"", 0 },
	{ "netbox", "ID,address\n1,192.0.2.1/24\nweb,192.0.2.2/24\n", "in:3: invalid ID \"web\" (a positive integer)", 1 },
	{ "netbox", "id,address\n0,192.0.2.1/24\n", "in:2: invalid ID \"0\" (a positive integer)", 0 },
	{ "phpipam", "Section;id;IP address\nA;-3;192.0.2.1\n", "in:2: invalid ID \"-3\" (a positive integer)", 0 },
	{ "netbox", "address,status\n192.0.2.1/24,active,extra\n192.0.2.2/24,active\n", "in:2: 3 fields, the header has 2", 1 },
	{ "netbox", "", "in:1: empty file: no header line", 0 },
	{ "native", "ip,mac\n192.0.2.1,02:00:5e:zz:00:01\n", "in:2: invalid MAC address \"02:00:5e:zz:00:01\"", 0 },
	{ "phpipam", "Section;IP address;Tag\nA;192.0.2.1;Borrowed\n", "in:2: unknown state \"Borrowed\" (Used, Offline, Reserved, DHCP)", 0 },
	{ "netbox-prefix", "prefix,status\n192.0.2.1/24,active\n", "in:2: prefix \"192.0.2.1/24\" has host bits set", 0 },
	{ "netbox-prefix", "prefix,status\n192.0.2.0/24,used\n", "in:2: unknown prefix status \"used\"", 0 },
	{ "netbox-prefix", "prefix,vlan\n192.0.2.0/24,4095\n", "in:2: invalid VLAN ID \"4095\" (1-4094)", 0 },
	{ "native-subnets", "prefix,threshold\n192.0.2.0/24,150\n", "in:2: invalid threshold \"150\" (percent, 0 < t <= 100)", 0 },
	{ "native-ranges", "start,end,kind\n192.0.2.20,192.0.2.10,dhcp\n", "in:2: range 192.0.2.20 - 192.0.2.10 is empty or mixes families", 0 },
	{ "native-ranges", "start,end,kind\n192.0.2.10,192.0.2.20,static\n", "in:2: kind must be dhcp or reserved, not \"static\"", 0 },
	{ "native-allowlist", "kind,ip,mac\nswitch,192.0.2.1,\n", "in:2: kind must be dhcp-server or router, not \"switch\"", 0 },
	{ "native-allowlist", "kind,ip,mac\nrouter,,\n", "in:2: an allowlist entry needs an ip or a mac", 0 },
	{ "isc-dhcpd", "lease 192.0.2.1 {\n  binding state active;\n", "in:1: unterminated lease block (opened on line 1)", 0 },
	{ "isc-dhcpd", "lease 192.0.2.1 {\n  client-hostname \"x;\n}\n", "in:2: unterminated string", 0 },
	{ "isc-dhcpd", "lease 192.0.2.1 {\n  ends 1 2024/13/01 00:00:00;\n}\nlease 192.0.2.2 {\n}\n", "in:2: invalid ends time", 1 },
	{ "isc-dhcpd", "lease 192.0.2.1 {\n  binding state sleeping;\n}\n", "in:2: unknown binding state", 0 },
	{ "isc-dhcpd", "lease 2001:db8::1 {\n}\n", "in:1: invalid IPv4 address in lease", 0 },
	{ "isc-dhcpd", "lease 192.0.2.1 {\n  hardware ethernet 02:00:5e;\n}\n", "in:2: invalid hardware address", 0 },
	{ "kea4", "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n192.0.2.1,02:00:5e:10:00:01,,7200,notanumber,1,0,0,,0,\n", "in:2: invalid expire \"notanumber\"", 0 },
	{ "kea4", "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n192.0.2.1,02:00:5e:10:00:01,,7200,1,1,0,0,a,b,0,\n", "in:2: 12 fields, the header has 11", 0 },
	{ "kea4", "address,duid,valid_lifetime,expire\n", "in:1: missing column \"hwaddr\" in the header (not a Kea lease4 file?)", 0 },
	{ "kea4", "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n2001:db8::1,02:00:5e:10:00:01,,7200,1,1,0,0,,0,\n", "in:2: invalid IPv4 address \"2001:db8::1\"", 0 },
	{ "kea6", "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source\n2001:db8::1,00:03:00:01:02:00:5e:10:00:01,7200,1,1,7200,7,1,128,0,0,,,0,,1,0\n", "in:2: invalid lease_type \"7\"", 0 },
	{ "dnsmasq", "1700003600 02:00:5e:10:00:01 192.0.2.101 laptop-1\n", "in:1: 4 fields, a lease line has 5", 0 },
	{ "dnsmasq", "soon 02:00:5e:10:00:01 192.0.2.101 laptop-1 *\n", "in:1: invalid expiry time \"soon\"", 0 },
	{ "dnsmasq", "1700003600 1234 2001:db8::5 x *\n", "in:1: IPv6 lease before the server's duid line", 0 },
	{ "zone", "$TTL 1h\n@ IN SOA ns1 host ( 1 2 3 4 5\n", "in:2: unbalanced '(' (opened on this line)", 0 },
	{ "zone", "$TTL 1h\nwww IN A 192.0.2.300\n", "in:2: invalid A address \"192.0.2.300\"", 0 },
	{ "zone", "$TTL 1h\nwww IN AAAA 192.0.2.1\n", "in:2: invalid AAAA address \"192.0.2.1\"", 0 },
	{ "zone", "$INCLUDE other.zone\n", "in:1: $INCLUDE is not supported: import each file as its own source", 0 },
	{ "zone", "$GENERATE 1-10 host$ A 192.0.2.$\n", "in:1: $GENERATE needs named-compilezone (bind9-utils)", 0 },
	{ "zone", "$TTL 1x\n", "in:1: $TTL needs one TTL (seconds or units like 1h)", 0 },
	{ "zone", "$TTL 1h\nwww IN PTR\n", "in:2: PTR record needs 1 data field, has 0", 0 },
	{ "zone", "$TTL 1h\nwww IN TXT \"open\n", "in:2: unterminated quoted string", 0 },
	{ "zone", "   IN A 192.0.2.1\n", "in:1: record with a blank owner but no previous owner", 0 },
	{ "zone", "$TTL 1h\nwww ) IN A 192.0.2.1\n", "in:2: unbalanced ')'", 0 },
	{ "zone", "$TTL 1h\n@ IN SOA ns1 host 1 2 3 4\n", "in:2: SOA record needs 7 data fields, has 6", 0 },
	{ "zone", "www IN A 192.0.2.1\n", "in:1: no TTL and no $TTL before this record", 0 },
};

static void malformed(void **state)
{
	const struct bad_case *bc = *state;
	struct col *c = parse_str(bc->fmt, bc->input, NULL);
	if (c->nbad == 0)
		fail_msg("%s: no error for %s", bc->fmt, bc->input);
	assert_string_equal(c->bad[0], bc->msg);
	assert_int_equal(c->n, bc->good);
	free(c);
}

/* CRLF line ends (files edited on Windows) and a UTF-8 BOM change nothing. */
static void crlf_and_bom_variants(void **state)
{
	(void)state;
	static const struct { const char *fmt, *file; } t[] = {
		{ "isc-dhcpd", FIX "dhcpd.leases" }, { "dnsmasq", FIX "dnsmasq.leases" },
		{ "zone", FIX "db.example.test" }, { "kea4", FIX "kea-leases4.csv" },
		{ "kea6", FIX "kea-leases6.csv" }, { "native", FIX "native-alloc.csv" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct col *a = parse_file(t[i].fmt, t[i].file, 1700000000, NULL);
		FILE *f = fopen(t[i].file, "rb");
		assert_non_null(f);
		static char in[16384], out[40000];
		size_t n = fread(in, 1, sizeof in, f), o = 0;
		fclose(f);
		bool csv = strstr(t[i].file, ".csv") != NULL;
		if (csv) {
			memcpy(out, "\xef\xbb\xbf", 3);
			o = 3;
		}
		for (size_t k = 0; k < n; k++) {
			if (in[k] == '\n')
				out[o++] = '\r';
			out[o++] = in[k];
		}
		out[o] = '\0';
		struct col *b = parse_str(t[i].fmt, out, NULL);
		if (b->nbad)
			fail_msg("%s: %s", t[i].file, b->bad[0]);
		assert_int_equal(a->n, b->n);
		for (int k = 0; k < a->n; k++) {
			assert_int_equal(a->v[k].r.line, b->v[k].r.line);
			assert_string_equal(a->v[k].s[1], b->v[k].s[1]); /* hostnames: no stray CR */
		}
		free(a);
		free(b);
	}
}

static void detection(void **state)
{
	(void)state;
	static const struct { const char *kind, *head, *fmt; } t[] = {
		{ "allocations", "address,vrf,tenant,status,role,dns_name\n", "netbox" },
		{ "allocations", "\xef\xbb\xbfSection;IP address;Hostname\n", "phpipam" },
		{ "allocations", "IP Address,VRF,Status,Role,Assigned,DNS Name,Description\n", "netbox" },
		{ "allocations", "ID,IP Address,VRF,Status,DNS Name\n", "netbox" },
		{ "allocations", "ip,mac,hostname,status,owner,description\n", "native" },
		{ "subnets", "prefix,vrf,tenant,vlan,status\n", "netbox-prefix" },
		{ "subnets", "prefix,vrf,vlan,status,description,threshold\n", "native-subnets" },
		{ "ranges", "start_address,end_address,vrf\n", "netbox-range" },
		{ "ranges", "start,end,kind,description\n", "native-ranges" },
		{ "leases", "address,hwaddr,client_id,valid_lifetime\n", "kea4" },
		{ "leases", "address,duid,valid_lifetime\n", "kea6" },
		{ "leases", "# The format of this file is documented\nlease 192.0.2.1 {\n", "isc-dhcpd" },
		{ "leases", "1700003600 02:00:5e:10:00:01 192.0.2.101 laptop-1 *\n", "dnsmasq" },
		{ "allowlist", "kind,ip,mac,description\n", "native-allowlist" },
		{ "allowlist", "address,status,role,tags\n", "netbox-allowlist" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct imp_format *f = imp_format_detect(t[i].kind, t[i].head, strlen(t[i].head));
		assert_non_null(f);
		assert_string_equal(f->name, t[i].fmt);
	}
	assert_null(imp_format_detect("leases", "hello world\n", 12));
}

int main(void)
{
	enum { NB = sizeof bad_cases / sizeof bad_cases[0] };
	struct CMUnitTest tests[16 + NB];
	size_t n = 0;
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(netbox_ip_addresses),
		cmocka_unit_test(netbox_prefixes_and_native_subnets),
		cmocka_unit_test(ranges_both_formats),
		cmocka_unit_test(phpipam_semicolon_bom_crlf),
		cmocka_unit_test(object_ids),
		cmocka_unit_test(native_alloc_and_allowlists),
		cmocka_unit_test(isc_leases),
		cmocka_unit_test(kea4_leases),
		cmocka_unit_test(kea6_leases),
		cmocka_unit_test(dnsmasq_leases),
		cmocka_unit_test(zone_every_directive),
		cmocka_unit_test(zone_reverse_ptr_owner_to_ip),
		cmocka_unit_test(zone_matches_named_compilezone),
		cmocka_unit_test(detection),
		cmocka_unit_test(crlf_and_bom_variants),
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		tests[n++] = fixed[i];
	static char names[NB][64];
	for (size_t i = 0; i < NB; i++) {
		snprintf(names[i], sizeof names[i], "malformed_%s_%zu", bad_cases[i].fmt, i);
		tests[n++] = (struct CMUnitTest){ .name = names[i], .test_func = malformed,
						  .initial_state = (void *)&bad_cases[i] };
	}
	return _cmocka_run_group_tests("import_parse", tests, n, NULL, NULL);
}
