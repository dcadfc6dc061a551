/* Resolver: status vocabulary, reply parser, reverse names, fake backend. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../reconcile/dns.h"
#include "../../reconcile/dns_msg.h"

static void status_names_roundtrip(void **state)
{
	(void)state;
	const char *want[] = { "ok", "nxdomain", "nodata", "servfail", "refused", "timeout", "error" };
	for (int i = 0; i < DNS_STATUS_MAX; i++) {
		enum dns_status s;
		assert_string_equal(dns_status_name((enum dns_status)i), want[i]);
		assert_true(dns_status_parse(want[i], &s));
		assert_int_equal(s, i);
	}
	enum dns_status s;
	assert_false(dns_status_parse("missing", &s));
}

static void only_nxdomain_nodata_are_absent(void **state)
{
	(void)state;
	for (int i = 0; i < DNS_STATUS_MAX; i++)
		assert_int_equal(dns_status_absent((enum dns_status)i),
				 i == DNS_NXDOMAIN || i == DNS_NODATA);
}

static void rcode_mapping(void **state)
{
	(void)state;
	assert_int_equal(dns_status_from_rcode(0, true), DNS_OK);
	assert_int_equal(dns_status_from_rcode(0, false), DNS_NODATA);
	assert_int_equal(dns_status_from_rcode(3, false), DNS_NXDOMAIN);
	assert_int_equal(dns_status_from_rcode(3, true), DNS_NXDOMAIN);
	assert_int_equal(dns_status_from_rcode(2, false), DNS_SERVFAIL);
	assert_int_equal(dns_status_from_rcode(5, false), DNS_REFUSED);
	assert_int_equal(dns_status_from_rcode(1, false), DNS_ERROR); /* FORMERR */
	assert_int_equal(dns_status_from_rcode(4, false), DNS_ERROR); /* NOTIMP */
	assert_int_equal(dns_status_from_rcode(9, false), DNS_ERROR);
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

/* --- hand-built replies --- */
struct msgb {
	uint8_t b[2048];
	size_t n;
};
static void u8(struct msgb *m, uint8_t v) { m->b[m->n++] = v; }
static void u16(struct msgb *m, uint16_t v) { u8(m, (uint8_t)(v >> 8)); u8(m, (uint8_t)v); }
static void u32(struct msgb *m, uint32_t v) { u16(m, (uint16_t)(v >> 16)); u16(m, (uint16_t)v); }
static void label(struct msgb *m, const char *s, size_t n) { u8(m, (uint8_t)n); memcpy(m->b + m->n, s, n); m->n += n; }
static void hdr(struct msgb *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns)
{
	m->n = 0;
	u16(m, 0x1234); u16(m, flags); u16(m, qd); u16(m, an); u16(m, ns); u16(m, 0);
}

struct got { int n; char names[8][DNS_NAME_TEXT_MAX]; uint32_t ttl[8]; struct ipd_ip ip[8]; };
static void on_rr(void *arg, const struct dns_msg_rr *rr)
{
	struct got *g = arg;
	if (g->n < 8) {
		snprintf(g->names[g->n], sizeof g->names[0], "%s", rr->target ? rr->target : rr->owner);
		g->ttl[g->n] = rr->ttl;
		g->ip[g->n] = rr->ip;
	}
	g->n++;
}

/* 10.2.0.192.in-addr.arpa PTR: two targets, the second compressed, one hostile */
static void parse_ptr_rrset_with_compression(void **state)
{
	(void)state;
	struct msgb m;
	hdr(&m, 0x8400, 1, 2, 0);
	size_t qoff = m.n;
	label(&m, "10", 2); label(&m, "2", 1); label(&m, "0", 1); label(&m, "192", 3);
	label(&m, "in-addr", 7); label(&m, "arpa", 4); u8(&m, 0);
	u16(&m, 12); u16(&m, 1);
	/* answer 1: owner = pointer to question; target web.example.test. */
	u16(&m, (uint16_t)(0xc000 | qoff)); u16(&m, 12); u16(&m, 1); u32(&m, 3600);
	size_t rdl = m.n; u16(&m, 0);
	size_t t1 = m.n;
	label(&m, "web", 3); label(&m, "example", 7); label(&m, "test", 4); u8(&m, 0);
	m.b[rdl] = 0; m.b[rdl + 1] = (uint8_t)(m.n - rdl - 2);
	/* answer 2: target "ev\nil" + pointer to "example.test." of answer 1 */
	u16(&m, (uint16_t)(0xc000 | qoff)); u16(&m, 12); u16(&m, 1); u32(&m, 60);
	rdl = m.n; u16(&m, 0);
	label(&m, "ev\nil .x\\", 9); u16(&m, (uint16_t)(0xc000 | (t1 + 4)));
	m.b[rdl] = 0; m.b[rdl + 1] = (uint8_t)(m.n - rdl - 2);

	struct dns_msg_info info;
	struct got g = { 0 };
	assert_int_equal(dns_msg_parse(m.b, m.n, 12, &info, on_rr, &g), IPD_OK);
	assert_int_equal(info.rcode, 0);
	assert_true(info.aa);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.names[0], "web.example.test.");
	assert_int_equal(g.ttl[0], 3600);
	assert_string_equal(g.names[1], "ev\nil \\.x\\\\.example.test.");
	assert_int_equal(g.ttl[1], 60);
	/* only the asked type is reported */
	g.n = 0;
	assert_int_equal(dns_msg_parse(m.b, m.n, 1, &info, on_rr, &g), IPD_OK);
	assert_int_equal(g.n, 0);
	/* every truncation of the message is an error, never a crash */
	for (size_t cut = 0; cut < m.n; cut++) {
		g.n = 0;
		assert_int_not_equal(dns_msg_parse(m.b, cut, 12, &info, on_rr, &g), IPD_OK);
	}
}

static void parse_a_aaaa_and_negative_soa(void **state)
{
	(void)state;
	struct msgb m;
	hdr(&m, 0x8400, 1, 1, 0);
	size_t qoff = m.n;
	label(&m, "web", 3); label(&m, "test", 4); u8(&m, 0); u16(&m, 28); u16(&m, 1);
	u16(&m, (uint16_t)(0xc000 | qoff)); u16(&m, 28); u16(&m, 1); u32(&m, 300); u16(&m, 16);
	const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	memcpy(m.b + m.n, a6, 16); m.n += 16;
	struct dns_msg_info info;
	struct got g = { 0 };
	assert_int_equal(dns_msg_parse(m.b, m.n, 28, &info, on_rr, &g), IPD_OK);
	assert_int_equal(g.n, 1);
	struct ipd_ip want;
	assert_true(ipd_ip_parse("2001:db8:0:1::10", &want));
	assert_true(ipd_ip_eq(&g.ip[0], &want));
	/* a bad rdlength for AAAA is malformed */
	m.b[m.n - 17] = 15;
	assert_int_not_equal(dns_msg_parse(m.b, m.n - 1, 28, &info, on_rr, &g), IPD_OK);

	/* NXDOMAIN with an SOA in authority: neg TTL = min(TTL 900, MINIMUM 300) */
	hdr(&m, 0x8403, 1, 0, 1);
	qoff = m.n;
	label(&m, "no", 2); label(&m, "test", 4); u8(&m, 0); u16(&m, 1); u16(&m, 1);
	u16(&m, (uint16_t)(0xc000 | (qoff + 3))); u16(&m, 6); u16(&m, 1); u32(&m, 900);
	size_t rdl = m.n; u16(&m, 0);
	label(&m, "ns", 2); u16(&m, (uint16_t)(0xc000 | (qoff + 3)));
	label(&m, "h", 1); u16(&m, (uint16_t)(0xc000 | (qoff + 3)));
	u32(&m, 1); u32(&m, 2); u32(&m, 3); u32(&m, 4); u32(&m, 300);
	m.b[rdl] = 0; m.b[rdl + 1] = (uint8_t)(m.n - rdl - 2);
	g.n = 0;
	assert_int_equal(dns_msg_parse(m.b, m.n, 1, &info, on_rr, &g), IPD_OK);
	assert_int_equal(info.rcode, 3);
	assert_int_equal(info.neg_ttl, 300);
	assert_int_equal(g.n, 0);
}

static void name_decode_rejects_loops_and_bad_labels(void **state)
{
	(void)state;
	char out[DNS_NAME_TEXT_MAX];
	size_t off;
	/* pointer to itself */
	const uint8_t loop[] = { 0xc0, 0x00 };
	off = 0;
	assert_false(dns_name_decode(loop, sizeof loop, &off, out, sizeof out));
	/* two pointers to each other */
	const uint8_t loop2[] = { 0xc0, 0x02, 0xc0, 0x00 };
	off = 0;
	assert_false(dns_name_decode(loop2, sizeof loop2, &off, out, sizeof out));
	/* pointer past the end */
	const uint8_t far[] = { 0xc0, 0x40 };
	off = 0;
	assert_false(dns_name_decode(far, sizeof far, &off, out, sizeof out));
	/* 0x40 label type */
	const uint8_t ext[] = { 0x41, 'a', 0 };
	off = 0;
	assert_false(dns_name_decode(ext, sizeof ext, &off, out, sizeof out));
	/* the root */
	const uint8_t root[] = { 0 };
	off = 0;
	assert_true(dns_name_decode(root, sizeof root, &off, out, sizeof out));
	assert_string_equal(out, ".");
	assert_int_equal(off, 1);
	/* a name over 255 wire octets: 5 labels of 63 */
	uint8_t big[5 * 64 + 1];
	for (int i = 0; i < 5; i++) {
		big[i * 64] = 63;
		memset(big + i * 64 + 1, 'a', 63);
	}
	big[5 * 64] = 0;
	off = 0;
	assert_false(dns_name_decode(big, sizeof big, &off, out, sizeof out));
	/* NUL inside a label is escaped, keeps the C string whole */
	const uint8_t nul[] = { 3, 'a', 0, 'b', 0 };
	off = 0;
	assert_true(dns_name_decode(nul, sizeof nul, &off, out, sizeof out));
	assert_string_equal(out, "a\\000b.");
}

/* --- fake backend --- */
struct col {
	int n;
	char line[16][256];
};
static void collect(void *arg, const struct dns_result *r)
{
	struct col *c = arg;
	char ip[IPD_IP_STRLEN] = "-";
	if (r->nans == 0) {
		snprintf(c->line[c->n++ % 16], 256, "%s %s %s", dns_qtype_name(r->qtype), r->qname,
			 dns_status_name(r->status));
		return;
	}
	for (size_t i = 0; i < r->nans; i++) {
		ipd_ip_fmt(&r->ans[i].ip, ip, sizeof ip);
		snprintf(c->line[c->n++ % 16], 256, "%s %s %s %u %s %s", dns_qtype_name(r->qtype),
			 r->qname, dns_status_name(r->status), r->ans[i].ttl, r->ans[i].name, ip);
	}
}

static void fake_backend_answers_from_fixture(void **state)
{
	(void)state;
	char path[] = "/tmp/ipdrift-dnsfake-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *fx =
		"# fixture\n"
		"PTR 192.0.2.10 ok 3600 web.example.test.\n"
		"PTR 20.2.0.192.in-addr.arpa ok 60 a.example.test.\n"
		"PTR 192.0.2.20 ok 60 b.example.test.\n"
		"PTR 192.0.2.30 ok 60 evil\\010x\\046y.example.\n"
		"A web.example.test ok 300 192.0.2.10\n"
		"AAAA web.example.test nodata\n"
		"PTR 192.0.2.66 timeout\n"
		"A broken.test servfail\n";
	assert_int_equal(write(fd, fx, strlen(fx)), (ssize_t)strlen(fx));
	close(fd);
	struct dns_resolver r;
	assert_int_equal(dns_fake_open(path, &r), IPD_OK);
	struct col c = { 0 };
	struct ipd_ip ip;
	const char *ips[] = { "192.0.2.10", "192.0.2.20", "192.0.2.30", "192.0.2.66", "192.0.2.99" };
	for (int i = 0; i < 5; i++) {
		assert_true(ipd_ip_parse(ips[i], &ip));
		assert_int_equal(dns_ptr(&r, &ip, collect, &c), IPD_OK);
	}
	dns_fwd(&r, "web.example.test", 4, collect, &c);
	dns_fwd(&r, "WEB.example.test.", 6, collect, &c);
	dns_fwd(&r, "broken.test", 4, collect, &c);
	assert_int_equal(c.n, 0); /* nothing before poll */
	assert_int_equal(dns_poll(&r, -1), 0);
	assert_int_equal(c.n, 9);
	assert_string_equal(c.line[0], "PTR 10.2.0.192.in-addr.arpa. ok 3600 web.example.test. 192.0.2.10");
	assert_string_equal(c.line[1], "PTR 20.2.0.192.in-addr.arpa. ok 60 a.example.test. 192.0.2.20");
	assert_string_equal(c.line[2], "PTR 20.2.0.192.in-addr.arpa. ok 60 b.example.test. 192.0.2.20");
	assert_string_equal(c.line[3], "PTR 30.2.0.192.in-addr.arpa. ok 60 evil\nx\\.y.example. 192.0.2.30");
	assert_string_equal(c.line[4], "PTR 66.2.0.192.in-addr.arpa. timeout");
	assert_string_equal(c.line[5], "PTR 99.2.0.192.in-addr.arpa. nxdomain");
	assert_string_equal(c.line[6], "A web.example.test. ok 300 web.example.test. 192.0.2.10");
	assert_string_equal(c.line[7], "AAAA WEB.example.test. nodata");
	assert_string_equal(c.line[8], "A broken.test. servfail");
	const struct dns_stats *st = dns_stats(&r);
	assert_int_equal(st->done, 8);
	assert_int_equal(st->by_status[DNS_TIMEOUT], 1);
	dns_close(&r);

	/* a malformed fixture is refused, with the line number logged */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "PTR 192.0.2.1 ok\n", 17), 17);
	close(fd);
	assert_int_not_equal(dns_fake_open(path, &r), IPD_OK);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_names_roundtrip),
		cmocka_unit_test(only_nxdomain_nodata_are_absent),
		cmocka_unit_test(rcode_mapping),
		cmocka_unit_test(reverse_names),
		cmocka_unit_test(parse_ptr_rrset_with_compression),
		cmocka_unit_test(parse_a_aaaa_and_negative_soa),
		cmocka_unit_test(name_decode_rejects_loops_and_bad_labels),
		cmocka_unit_test(fake_backend_answers_from_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
