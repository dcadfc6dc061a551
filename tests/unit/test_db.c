/* Store: migrations, batched upserts, range queries over both families. */
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
#include "../../db/db_int.h"
#include "../../db/db_obs.h"

static char tmpl[64];

static int setup(void **state)
{
	snprintf(tmpl, sizeof tmpl, "/tmp/ipdrift-test-XXXXXX");
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(tmpl); /* db_open must create it */
	*state = tmpl;
	return 0;
}

static int teardown(void **state)
{
	char p[96];
	(void)state;
	unlink(tmpl);
	snprintf(p, sizeof p, "%s-wal", tmpl);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", tmpl);
	unlink(p);
	return 0;
}

static void migrate_fresh_and_reopen(void **state)
{
	struct db *db;
	assert_int_equal(db_open(*state, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 1);
	assert_true(db_integrity_ok(db));
	db_close(db);
	/* reopening is a no-op migration; read-only open works on a migrated file */
	assert_int_equal(db_open(*state, 0, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	db_close(db);
	assert_int_equal(db_open(*state, DB_READONLY, &db), IPD_OK);
	db_close(db);
}

static int int_cb(void *arg, int n, char **v, char **names)
{
	(void)n;
	(void)names;
	*(int *)arg = atoi(v[0]);
	return 0;
}

static int sql_int(const char *path, const char *sql)
{
	sqlite3 *h;
	int v = -1;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, int_cb, &v, NULL), SQLITE_OK);
	sqlite3_close(h);
	return v;
}

/* A store written by schema v1 (observations_mac and observations_last) is
 * upgraded in place: the two unused indexes go, the rows stay. */
static void migrate_v1_to_latest(void **state)
{
	const char *path = *state;
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	for (const char *const *s = db_migrations[0]; *s; s++)
		assert_int_equal(sqlite3_exec(h, *s, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"INSERT INTO observations (ip, ip_text, family, mac, method, first_seen, last_seen)"
		" VALUES (x'00000000000000000000ffffc0000201', '192.0.2.1', 4,"
		" '02:00:00:00:00:01', 'arp-passive', 1, 2);"
		"PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	const char *idx = "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
			  " AND name IN ('observations_mac', 'observations_last')";
	assert_int_equal(sql_int(path, idx), 2);

	struct db *db;
	assert_int_equal(db_open(path, 0, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 2);
	assert_true(db_integrity_ok(db));
	db_close(db);
	assert_int_equal(sql_int(path, idx), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations WHERE ip_text = '192.0.2.1'"), 1);
}

/* A store written by schema v2 (no allocations.ext_id) is upgraded in place:
 * the column is added, empty for the rows already there, and takes values. */
static void migrate_v2_to_latest(void **state)
{
	const char *path = *state;
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	for (int v = 0; v < 2; v++)
		for (const char *const *s = db_migrations[v]; *s; s++)
			assert_int_equal(sqlite3_exec(h, *s, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"INSERT INTO sources (id, name, kind, format) VALUES (1, 'nb', 'allocations', 'netbox');"
		"INSERT INTO allocations (source_id, vrf, ip, ip_text, prefix_len, hostname, status)"
		" VALUES (1, 'blue', x'00000000000000000000ffffc000020a', '192.0.2.10', 24,"
		" 'web.example.test', 'active');"
		"PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	const char *col = "SELECT count(*) FROM pragma_table_info('allocations') WHERE name = 'ext_id'";
	assert_int_equal(sql_int(path, col), 0);

	struct db *db;
	assert_int_equal(db_open(path, 0, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 3);
	assert_true(db_integrity_ok(db));
	db_close(db);
	assert_int_equal(sql_int(path, col), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM allocations WHERE ip_text = '192.0.2.10'"
				       " AND vrf = 'blue' AND hostname = 'web.example.test' AND ext_id IS NULL"), 1);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE allocations SET ext_id = '42'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(sql_int(path, "SELECT ext_id FROM allocations"), 42);
	/* a second open migrates nothing */
	assert_int_equal(db_open(path, DB_READONLY, &db), IPD_OK);
	db_close(db);
}

static void refuses_missing_without_create(void **state)
{
	struct db *db;
	assert_int_not_equal(db_open(*state, 0, &db), IPD_OK);
	assert_null(db);
}

struct tally { int rows; int64_t count_sum; char first_mac[IPD_MAC_STRLEN]; int64_t first, last; };

static int tally_cb(void *arg, const struct db_obs_row *r)
{
	struct tally *t = arg;
	if (t->rows == 0) {
		strcpy(t->first_mac, r->mac);
		t->first = r->first_seen;
		t->last = r->last_seen;
	}
	t->rows++;
	t->count_sum += r->count;
	return 0;
}

static void batched_upsert_merges(void **state)
{
	struct db *db;
	assert_int_equal(db_open(*state, DB_CREATE, &db), IPD_OK);
	int64_t run = db_run_start(db, "listen", 0, "eth0", NULL, NULL);
	assert_true(run > 0);
	struct db_writer *w = db_writer_new(db, 7); /* small batch: exercise many commits */
	struct db_obs o = { .vlan = 0, .iface = "eth0", .method = "arp-passive", .count = 1,
			    .run_id = run };
	assert_true(ipd_mac_parse("02:00:00:00:00:01", &o.mac));
	for (int i = 0; i < 100; i++) {
		ipd_ip_from_v4(&o.ip, 0xc0000200u + (uint32_t)(i % 10)); /* 10 distinct IPs */
		o.first_seen = 1000 + i;
		o.last_seen = 1000 + i;
		assert_int_equal(db_obs_put(w, &o), IPD_OK);
	}
	/* same IP, other MAC and other VLAN: separate rows, never merged */
	ipd_ip_from_v4(&o.ip, 0xc0000200u);
	assert_true(ipd_mac_parse("02:00:00:00:00:02", &o.mac));
	assert_int_equal(db_obs_put(w, &o), IPD_OK);
	o.vlan = 20;
	assert_int_equal(db_obs_put(w, &o), IPD_OK);
	assert_int_equal(db_writer_close(w), IPD_OK);

	struct tally t = { 0 };
	assert_int_equal(db_obs_list(db, "arp-passive", 0, tally_cb, &t), IPD_OK);
	assert_int_equal(t.rows, 12);
	assert_int_equal(t.count_sum, 102);
	/* first row: 192.0.2.0 / ...:01, seen at i = 0, 10, ... 90 */
	assert_string_equal(t.first_mac, "02:00:00:00:00:01");
	assert_int_equal(t.first, 1000);
	assert_int_equal(t.last, 1090);
	struct tally none = { 0 };
	assert_int_equal(db_obs_list(db, "arp-active", 0, tally_cb, &none), IPD_OK);
	assert_int_equal(none.rows, 0);
	db_close(db);
}

static int count_cb(void *arg, const struct db_subnet_usage *u)
{
	int *n = arg;
	(void)u;
	(*n)++;
	return 0;
}

static void events_roundtrip(void **state)
{
	struct db *db;
	assert_int_equal(db_open(*state, DB_CREATE, &db), IPD_OK);
	struct db_writer *w = db_writer_new(db, 0);
	struct ipd_ip ip;
	struct ipd_mac m1, m2;
	assert_true(ipd_ip_parse("192.0.2.50", &ip));
	assert_true(ipd_mac_parse("02:00:00:00:00:01", &m1));
	assert_true(ipd_mac_parse("02:00:00:00:00:02", &m2));
	static const char raw[] = "evil\n\x1b[31m";
	struct db_event e = { .at = 5, .kind = "flip flop", .ip = &ip, .mac = &m2,
			      .other_mac = &m1, .raw = raw, .raw_len = sizeof raw - 1 };
	assert_int_equal(db_event_put(w, &e), IPD_OK);
	assert_int_equal(db_writer_close(w), IPD_OK);
	struct db_counts c;
	assert_int_equal(db_counts(db, &c), IPD_OK);
	assert_int_equal(c.events, 1);
	int n = 0;
	assert_int_equal(db_subnets_usage(db, 0, count_cb, &n), IPD_OK);
	assert_int_equal(n, 0);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrate_fresh_and_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_v1_to_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_v2_to_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_missing_without_create, setup, teardown),
		cmocka_unit_test_setup_teardown(batched_upsert_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(events_roundtrip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
