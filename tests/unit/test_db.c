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

static int sql_int(const char *path, const char *sql);

static void migrate_fresh_and_reopen(void **state)
{
	struct db *db;
	assert_int_equal(db_open(*state, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 1);
	assert_true(db_integrity_ok(db));
	db_close(db);
	/* v5: events keep their address index only */
	assert_int_equal(sql_int(*state, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					 " AND tbl_name = 'events' AND name = 'events_ip'"), 1);
	assert_int_equal(sql_int(*state, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					 " AND tbl_name = 'events' AND name = 'events_kind'"), 0);
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

static int text_cb(void *arg, int n, char **v, char **names)
{
	(void)n;
	(void)names;
	*(char **)arg = strdup(v[0] ? v[0] : "");
	return 0;
}

/* The first column of the first row, as text (caller frees). */
static char *sql_text(const char *path, const char *sql)
{
	sqlite3 *h;
	char *v = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, text_cb, &v, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_non_null(v);
	return v;
}

/* Every column of every observation, NULLs and types kept apart, in key order. */
#define OBS_DUMP \
	"SELECT count(*) || ':' || group_concat(r, ';') FROM (SELECT quote(ip) || ',' ||" \
	" quote(ip_text) || ',' || quote(family) || ',' || quote(mac) || ',' || quote(vlan) || ',' ||" \
	" quote(iface) || ',' || quote(sensor) || ',' || quote(method) || ',' || quote(first_seen) ||" \
	" ',' || quote(last_seen) || ',' || quote(count) || ',' || quote(first_run) || ',' ||" \
	" quote(last_run) AS r FROM observations ORDER BY ip, mac, vlan, iface, sensor, method)"

/* A store written by schema v3 (observations as a rowid table with a UNIQUE
 * index) is rebuilt WITHOUT ROWID keyed by that UNIQUE key: every row keeps
 * every value, and the writer's upsert still merges into the moved rows. */
static void migrate_v3_to_latest(void **state)
{
	const char *path = *state;
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	for (int v = 0; v < 3; v++)
		for (const char *const *s = db_migrations[v]; *s; s++)
			assert_int_equal(sqlite3_exec(h, *s, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"INSERT INTO runs (id, kind, started) VALUES (1, 'listen', 1), (2, 'sweep', 2);"
		/* out of key order, both families, rows sharing all but one key column,
		 * defaults, NULL runs */
		"INSERT INTO observations (ip, ip_text, family, mac, vlan, iface, sensor, method,"
		" first_seen, last_seen, count, first_run, last_run) VALUES"
		" (x'20010db8000000000000000000000001', '2001:db8::1', 6, '02:00:00:00:00:06', 0,"
		"  'eth0', 's1', 'nd-passive', 50, 60, 7, 1, 2),"
		" (x'00000000000000000000ffffc0000202', '192.0.2.2', 4, '02:00:00:00:00:02', 20,"
		"  'eth0', 's1', 'arp-active', 10, 20, 3, 2, 2),"
		" (x'00000000000000000000ffffc0000202', '192.0.2.2', 4, '02:00:00:00:00:02', 20,"
		"  'eth0', 's1', 'arp-passive', 11, 21, 4, 1, 1),"
		" (x'00000000000000000000ffffc0000202', '192.0.2.2', 4, '02:00:00:00:00:02', 20,"
		"  'eth1', 's1', 'arp-passive', 12, 22, 5, NULL, NULL),"
		" (x'00000000000000000000ffffc0000202', '192.0.2.2', 4, '02:00:00:00:00:02', 0,"
		"  'eth0', 's2', 'arp-passive', 13, 23, 6, 1, NULL);"
		"INSERT INTO observations (ip, ip_text, family, mac, method, first_seen, last_seen)"
		" VALUES (x'00000000000000000000ffffc0000201', '192.0.2.1', 4, '02:00:00:00:00:01',"
		" 'dhcp', 1, 2);"
		"PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
	/* and a few hundred more, in descending address order */
	sqlite3_stmt *ins;
	assert_int_equal(sqlite3_prepare_v2(h,
		"INSERT INTO observations (ip, ip_text, family, mac, method, first_seen, last_seen,"
		" count, last_run) VALUES (?1, ?2, 4, ?3, 'arp-passive', ?4, ?4 + 1, ?4 % 7 + 1, 1)",
		-1, &ins, NULL), SQLITE_OK);
	for (int i = 300; i > 0; i--) {
		struct ipd_ip ip;
		char txt[32], mac[32];
		ipd_ip_from_v4(&ip, 0xc6120000u + (uint32_t)i * 97u);
		snprintf(txt, sizeof txt, "198.18.%u.%u", (i * 97u) >> 8, (i * 97u) & 255);
		snprintf(mac, sizeof mac, "02:00:00:00:%02x:%02x", i >> 8, i & 255);
		sqlite3_bind_blob(ins, 1, ip.b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, txt, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, mac, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, 1000 + i);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sqlite3_close(h);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations"), 306);
	char *before = sql_text(path, OBS_DUMP);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_index_list('observations')"
				       " WHERE origin = 'u'"), 1);

	struct db *db;
	assert_int_equal(db_open(path, 0, &db), IPD_OK);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_true(db_schema_latest() >= 4);
	assert_true(db_integrity_ok(db));
	db_close(db);

	char *after = sql_text(path, OBS_DUMP);
	assert_string_equal(after, before);
	free(after);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'observations'"
				       " AND type = 'table' AND sql LIKE '%WITHOUT ROWID'"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'observations_%'"), 0);
	/* no separate UNIQUE index any more: the table is its key */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_index_list('observations')"
				       " WHERE origin <> 'pk'"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_table_info('observations')"
				       " WHERE pk > 0"), 6);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_not_equal(sqlite3_prepare_v2(h, "SELECT rowid FROM observations", -1, &st, NULL),
			     SQLITE_OK);
	sqlite3_finalize(st);
	sqlite3_close(h);

	/* the upsert merges into a moved row and adds new ones next to it */
	assert_int_equal(db_open(path, 0, &db), IPD_OK);
	struct db_writer *w = db_writer_new(db, 0);
	struct db_obs o = { .vlan = 20, .iface = "eth0", .sensor = "s1", .method = "arp-passive",
			    .first_seen = 5, .last_seen = 30, .count = 10, .run_id = 2 };
	assert_true(ipd_ip_parse("192.0.2.2", &o.ip));
	assert_true(ipd_mac_parse("02:00:00:00:00:02", &o.mac));
	assert_int_equal(db_obs_put(w, &o), IPD_OK);
	o.sensor = "s3"; /* a new key */
	assert_int_equal(db_obs_put(w, &o), IPD_OK);
	o.sensor = "s1";
	o.vlan = 0;
	o.first_seen = 15; /* inside the moved row's window: first/last stay */
	o.last_seen = 16;
	o.count = 1;
	assert_true(ipd_ip_parse("2001:db8::1", &o.ip));
	assert_true(ipd_mac_parse("02:00:00:00:00:06", &o.mac));
	o.method = "nd-passive";
	assert_int_equal(db_obs_put(w, &o), IPD_OK);
	assert_int_equal(db_writer_close(w), IPD_OK);
	db_close(db);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations"), 307);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations WHERE ip_text = '192.0.2.2'"
				       " AND vlan = 20 AND iface = 'eth0' AND sensor = 's1'"
				       " AND method = 'arp-passive' AND first_seen = 5 AND last_seen = 30"
				       " AND count = 14 AND first_run = 1 AND last_run = 2"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations WHERE ip_text = '192.0.2.2'"
				       " AND sensor = 's3' AND count = 10 AND first_run = 2"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM observations WHERE ip_text = '2001:db8::1'"
				       " AND first_seen = 15 AND last_seen = 60 AND count = 8"
				       " AND first_run = 1 AND last_run = 2"), 1);
	/* the rows the writer did not touch keep their values */
	char *untouched = sql_text(path, "SELECT quote(first_seen) || quote(count) || quote(first_run)"
					 " || quote(last_run) FROM observations WHERE iface = 'eth1'");
	assert_string_equal(untouched, "125NULLNULL");
	free(untouched);
	free(before);
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
		cmocka_unit_test_setup_teardown(migrate_v3_to_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_missing_without_create, setup, teardown),
		cmocka_unit_test_setup_teardown(batched_upsert_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(events_roundtrip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
