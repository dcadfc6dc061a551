/* dns_answers writer and the resolve query lists. */
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

#include "../../db/db.h"
#include "../../db/db_dns.h"

static char path[64];

static int setup(void **state)
{
	snprintf(path, sizeof path, "/tmp/ipdrift-dnsdb-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(path);
	struct db *db;
	if (db_open(path, DB_CREATE, &db) != IPD_OK)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	char p[96];
	db_close(*state);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	return 0;
}

/* Seed rows with plain SQL through a second connection (db/ hides SQLite). */
static void seed(const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "seed: %s\n", err);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(h);
}

struct rows {
	int n;
	char line[32][160];
};
static int row_cb(void *arg, const struct db_dns_row *r)
{
	struct rows *x = arg;
	if (x->n < 32)
		snprintf(x->line[x->n], sizeof x->line[0], "%s %s %s %s %s %lld %s %d",
			 r->qtype, r->qname, r->status, r->ip_text ? r->ip_text : "-",
			 r->name ? r->name : "-", (long long)r->ttl, r->server ? r->server : "-",
			 r->name_flags);
	x->n++;
	return 0;
}

static void writer_batches_and_reads_back(void **state)
{
	struct db *db = *state;
	int64_t run = db_run_start(db, "resolve", 0, NULL, NULL, NULL);
	assert_true(run > 0);
	struct db_dns_writer *w = db_dns_writer_new(db, 2); /* tiny batch: several commits */
	struct ipd_ip ip;
	assert_true(ipd_ip_parse("192.0.2.20", &ip));
	const char *names[] = { "a.example.test.", "b.example.test.", "c.example.test." };
	for (int i = 0; i < 3; i++) {
		struct db_dns_answer a = { .run_id = run, .qname = "20.2.0.192.in-addr.arpa.",
					   .qtype = "PTR", .status = "ok", .ip = &ip,
					   .name = names[i], .ttl = 3600, .server = "127.0.0.1:53" };
		assert_int_equal(db_dns_put(w, &a), IPD_OK);
	}
	struct db_dns_answer t = { .run_id = run, .qname = "21.2.0.192.in-addr.arpa.",
				   .qtype = "PTR", .status = "timeout", .ttl = -1,
				   .server = "127.0.0.1:53" };
	assert_int_equal(db_dns_put(w, &t), IPD_OK);
	/* raw hostile bytes survive byte for byte */
	struct db_dns_answer h = { .run_id = run, .qname = "x.", .qtype = "A", .status = "nxdomain",
				   .name = "ev\x1b[31mil\n.", .name_flags = 3, .ttl = 300,
				   .server = "s" };
	assert_int_equal(db_dns_put(w, &h), IPD_OK);
	assert_int_equal(db_dns_writer_close(w), IPD_OK);

	struct rows x = { 0 };
	assert_int_equal(db_dns_list(db, run, row_cb, &x), IPD_OK);
	assert_int_equal(x.n, 5);
	assert_string_equal(x.line[0], "PTR 20.2.0.192.in-addr.arpa. ok 192.0.2.20 a.example.test. 3600 127.0.0.1:53 0");
	assert_string_equal(x.line[2], "PTR 20.2.0.192.in-addr.arpa. ok 192.0.2.20 c.example.test. 3600 127.0.0.1:53 0");
	assert_string_equal(x.line[3], "PTR 21.2.0.192.in-addr.arpa. timeout - - -1 127.0.0.1:53 0");
	assert_string_equal(x.line[4], "A x. nxdomain - ev\x1b[31mil\n. 300 s 3");
	struct db_counts c;
	assert_int_equal(db_counts(db, &c), IPD_OK);
	assert_int_equal(c.dns_answers, 5);
}

struct ips {
	int n;
	char s[16][96];
};
static int ip_cb(void *arg, const struct ipd_ip *ip)
{
	struct ips *x = arg;
	if (x->n < 16)
		ipd_ip_fmt(ip, x->s[x->n], sizeof x->s[0]);
	x->n++;
	return 0;
}
static int name_cb(void *arg, const char *name)
{
	struct ips *x = arg;
	if (x->n < 16)
		snprintf(x->s[x->n], sizeof x->s[0], "%s", name);
	x->n++;
	return 0;
}
static int zone_cb(void *arg, const struct db_dns_zone_query *q)
{
	struct ips *x = arg;
	char ip[IPD_IP_STRLEN] = "-";
	if (q->ip)
		ipd_ip_fmt(q->ip, ip, sizeof ip);
	if (x->n < 16)
		snprintf(x->s[x->n], sizeof x->s[0], "%s %s %s", q->qtype, q->owner, ip);
	x->n++;
	return 0;
}

static void query_lists(void **state)
{
	struct db *db = *state;
	seed("INSERT INTO sources(id, name, kind) VALUES (1, 't', 'inventory');"
	     "INSERT INTO allocations(source_id, ip, ip_text, hostname) VALUES"
	     " (1, X'00000000000000000000FFFFC000020A', '192.0.2.10', 'web.example.test'),"
	     " (1, X'00000000000000000000FFFFC000020B', '192.0.2.11', 'WEB.example.test.'),"
	     " (1, X'20010DB8000000010000000000000010', '2001:db8:0:1::10', '');"
	     "INSERT INTO leases(source_id, ip, ip_text, hostname, active) VALUES"
	     " (1, X'00000000000000000000FFFFC0000265', '192.0.2.101', 'laptop-1', 1),"
	     " (1, X'00000000000000000000FFFFC0000266', '192.0.2.102', 'gone', 0);"
	     "INSERT INTO observations(ip, ip_text, family, mac, method, first_seen, last_seen) VALUES"
	     " (X'00000000000000000000FFFFC000020A', '192.0.2.10', 4, '02:00:00:00:00:01', 'arp-active', 1, 1),"
	     " (X'00000000000000000000FFFFC0000277', '192.0.2.119', 4, '02:00:00:00:00:02', 'arp-passive', 1, 1);"
	     "INSERT INTO dns_records(source_id, zone, owner, type, rdata, ip, ip_text, target) VALUES"
	     " (1, 'example.test.', 'old.example.test.', 'A', '192.0.2.99', X'00000000000000000000FFFFC0000263', '192.0.2.99', NULL),"
	     " (1, 'example.test.', 'www.example.test.', 'CNAME', 'web', NULL, NULL, 'web.example.test.'),"
	     " (1, '2.0.192.in-addr.arpa.', '99.2.0.192.in-addr.arpa.', 'PTR', 'old.example.test.', X'00000000000000000000FFFFC0000263', '192.0.2.99', 'old.example.test.');");
	struct ips x = { 0 };
	assert_int_equal(db_dns_ptr_queries(db, ip_cb, &x), IPD_OK);
	/* observed ∪ allocated ∪ active leases, distinct, in address order
	 * (v4-mapped ::ffff:0:0/96 sorts before 2001:db8::/32) */
	assert_int_equal(x.n, 5);
	assert_string_equal(x.s[0], "192.0.2.10");
	assert_string_equal(x.s[1], "192.0.2.11");
	assert_string_equal(x.s[2], "192.0.2.101");
	assert_string_equal(x.s[3], "192.0.2.119");
	assert_string_equal(x.s[4], "2001:db8:0:1::10");

	memset(&x, 0, sizeof x);
	assert_int_equal(db_dns_name_queries(db, name_cb, &x), IPD_OK);
	/* case and trailing dot folded; no empty names, no expired leases */
	assert_int_equal(x.n, 2);
	assert_string_equal(x.s[0], "WEB.example.test.");
	assert_string_equal(x.s[1], "laptop-1");

	memset(&x, 0, sizeof x);
	assert_int_equal(db_dns_zone_queries(db, zone_cb, &x), IPD_OK);
	assert_int_equal(x.n, 2); /* the CNAME is not re-queried */
	assert_string_equal(x.s[0], "A old.example.test. -");
	assert_string_equal(x.s[1], "PTR 99.2.0.192.in-addr.arpa. 192.0.2.99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(writer_batches_and_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(query_lists, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
