/* `ipdrift import` end to end against a temporary store: snapshot sync,
 * idempotent re-import, nothing imported on bad input, --keep-going, VRF
 * overlap, Kea companions, and the lab's recorded-view fixtures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "../../app/app.h"
#include "../../db/db.h"
#include "../../db/db_inv.h"

#define FIX "tests/fixtures/import/"

static char dbpath[128], dir[64];
static char errbuf[8192];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ipdrift-imp-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *content)
{
	char p[128];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* Run `ipdrift import ARGS...` in-process; stderr captured into errbuf. */
static int import(const char *first, ...)
{
	char *argv[16];
	int argc = 0;
	argv[argc++] = (char *)"import";
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	struct app app = { .db_path = dbpath, .verbosity = -1 };
	fflush(stderr);
	char tmp[96];
	snprintf(tmp, sizeof tmp, "%s/stderr", dir);
	int saved = dup(2);
	FILE *ef = fopen(tmp, "w+");
	assert_non_null(ef);
	dup2(fileno(ef), 2);
	int rc = cmd_import.run(&app, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(ef);
	size_t n = fread(errbuf, 1, sizeof errbuf - 1, ef);
	errbuf[n] = '\0';
	fclose(ef);
	return rc;
}

static int64_t count(const char *source, enum inv_kind k)
{
	struct db *db;
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	int64_t n = db_inv_count(db, source, k);
	db_close(db);
	return n;
}

static const char *path(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void sync_removes_missing_rows(void **state)
{
	(void)state;
	write_file("a.csv", "ip,hostname\n192.0.2.1,a\n192.0.2.2,b\n192.0.2.3,c\n");
	assert_int_equal(import("allocations", path("a.csv"), "--source", "ipam", NULL), 0);
	assert_int_equal(count("ipam", INV_ALLOC), 3);
	write_file("a.csv", "ip,hostname\n192.0.2.1,a\n192.0.2.3,c\n");
	assert_int_equal(import("allocations", path("a.csv"), "--source", "ipam", NULL), 0);
	assert_int_equal(count("ipam", INV_ALLOC), 2);
	/* another source is untouched by this one's snapshot */
	write_file("b.csv", "ip,hostname\n192.0.2.9,z\n");
	assert_int_equal(import("allocations", path("b.csv"), "--source", "other", NULL), 0);
	assert_int_equal(import("allocations", path("a.csv"), "--source", "ipam", NULL), 0);
	assert_int_equal(count("other", INV_ALLOC), 1);
	assert_int_equal(count("ipam", INV_ALLOC), 2);
}

static void source_name_is_one_kind(void **state)
{
	(void)state;
	write_file("s.csv", "ip,hostname\n192.0.2.1,a\n");
	assert_int_equal(import("allocations", path("s.csv"), "--source", "x", NULL), 0);
	write_file("r.csv", "start,end,kind\n192.0.2.10,192.0.2.20,dhcp\n");
	assert_int_equal(import("ranges", path("r.csv"), "--source", "x", NULL), 65);
	assert_non_null(strstr(errbuf, "source \"x\" already holds another kind of data"));
	assert_int_equal(count("x", INV_ALLOC), 1);
}

static void reimport_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(import("allocations", FIX "netbox-ip.csv", "--source", "nb", NULL), 0);
	struct db *db;
	assert_int_equal(db_open(dbpath, 0, &db), IPD_OK);
	assert_true(db_integrity_ok(db));
	db_close(db);
	struct stat a, b;
	assert_int_equal(stat(dbpath, &a), 0);
	int64_t n = count("nb", INV_ALLOC);
	assert_int_equal(n, 9);
	/* a second import of the same bytes is a no-op: same rows, no writes */
	char sql[256];
	snprintf(sql, sizeof sql, "sqlite3 '%s' 'select group_concat(id) from allocations' > %s/ids1",
		 dbpath, dir);
	assert_int_equal(system(sql), 0);
	assert_int_equal(import("allocations", FIX "netbox-ip.csv", "--source", "nb", NULL), 0);
	snprintf(sql, sizeof sql, "sqlite3 '%s' 'select group_concat(id) from allocations' > %s/ids2",
		 dbpath, dir);
	assert_int_equal(system(sql), 0);
	snprintf(sql, sizeof sql, "cmp -s %s/ids1 %s/ids2", dir, dir);
	assert_int_equal(system(sql), 0);
	assert_int_equal(count("nb", INV_ALLOC), n);
	(void)b;
}

/* "ip_text=ext_id ..." of a source's allocations in address order ("-" = NULL),
 * plus its row ids when ids is not NULL. */
static void ext_ids(const char *source, char *out, size_t len, char *ids, size_t idlen)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
		"SELECT a.ip_text, coalesce(a.ext_id, '-'), a.id FROM allocations a"
		" JOIN sources s ON s.id = a.source_id WHERE s.name = ?1 ORDER BY a.ip, a.vrf",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	size_t o = 0, io = 0;
	out[0] = '\0';
	if (ids)
		ids[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		o += (size_t)snprintf(out + o, len - o, "%s%s=%s", o ? " " : "",
				      (const char *)sqlite3_column_text(st, 0),
				      (const char *)sqlite3_column_text(st, 1));
		assert_true(o < len);
		if (ids) {
			io += (size_t)snprintf(ids + io, idlen - io, "%lld,",
					       (long long)sqlite3_column_int64(st, 2));
			assert_true(io < idlen);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* NetBox's object IDs are stored with the allocations; importing the same
 * export again writes nothing, an export with a changed ID updates the row. */
static void object_ids_stored(void **state)
{
	(void)state;
	char got[512], ids1[128], ids2[128];
	write_file("nb.csv", "ID,address,vrf,status,dns_name\n"
			     "42,192.0.2.10/24,,active,web.example.test\n"
			     "43,192.0.2.10/24,blue,active,web.blue.example.test\n"
			     ",192.0.2.11/24,,active,\n");
	assert_int_equal(import("allocations", path("nb.csv"), "--source", "nb", NULL), 0);
	ext_ids("nb", got, sizeof got, ids1, sizeof ids1);
	assert_string_equal(got, "192.0.2.10=42 192.0.2.10=43 192.0.2.11=-");
	/* re-import: unchanged, the very same rows */
	assert_int_equal(import("allocations", path("nb.csv"), "--source", "nb", NULL), 0);
	ext_ids("nb", got, sizeof got, ids2, sizeof ids2);
	assert_string_equal(got, "192.0.2.10=42 192.0.2.10=43 192.0.2.11=-");
	assert_string_equal(ids1, ids2);
	/* the object was recreated in NetBox (new ID), .11 got one */
	write_file("nb.csv", "ID,address,vrf,status,dns_name\n"
			     "42,192.0.2.10/24,,active,web.example.test\n"
			     "57,192.0.2.10/24,blue,active,web.blue.example.test\n"
			     "58,192.0.2.11/24,,active,\n");
	assert_int_equal(import("allocations", path("nb.csv"), "--source", "nb", NULL), 0);
	ext_ids("nb", got, sizeof got, NULL, 0);
	assert_string_equal(got, "192.0.2.10=42 192.0.2.10=57 192.0.2.11=58");
	assert_int_equal(count("nb", INV_ALLOC), 3);
	/* phpIPAM's id too */
	write_file("php.csv", "Section;id;IP address;Hostname;Subnet\nA;17;192.0.2.20;printer-1;192.0.2.0/24\n");
	assert_int_equal(import("allocations", path("php.csv"), "--format", "phpipam", "--source", "php", NULL), 0);
	ext_ids("php", got, sizeof got, NULL, 0);
	assert_string_equal(got, "192.0.2.20=17");
	/* a bad ID is a bad line: nothing imported, the previous snapshot stays */
	write_file("nb.csv", "ID,address\nabc,192.0.2.10/24\n");
	assert_int_equal(import("allocations", path("nb.csv"), "--source", "nb", NULL), 65);
	assert_non_null(strstr(errbuf, "nb.csv:2: invalid ID \"abc\" (a positive integer)"));
	ext_ids("nb", got, sizeof got, NULL, 0);
	assert_string_equal(got, "192.0.2.10=42 192.0.2.10=57 192.0.2.11=58");
}

static void bad_file_imports_nothing(void **state)
{
	(void)state;
	write_file("g.csv", "ip,hostname\n192.0.2.1,a\n192.0.2.2,b\n");
	assert_int_equal(import("allocations", path("g.csv"), "--source", "s", NULL), 0);
	write_file("g.csv", "ip,hostname\n192.0.2.1,a\n192.0.2.5,x\n192.0.2.999,b\n");
	assert_int_equal(import("allocations", path("g.csv"), "--source", "s", NULL), 65);
	assert_non_null(strstr(errbuf, "g.csv:4: invalid address \"192.0.2.999\""));
	assert_non_null(strstr(errbuf, "nothing imported"));
	/* the previous snapshot is intact: .5 not added, .2 not removed */
	assert_int_equal(count("s", INV_ALLOC), 2);
	/* a brand-new source with a bad file leaves no rows either */
	assert_int_equal(import("allocations", path("g.csv"), "--source", "new", NULL), 65);
	assert_true(count("new", INV_ALLOC) <= 0);
}

static void keep_going_imports_good_rows(void **state)
{
	(void)state;
	write_file("k.csv", "ip,hostname\n192.0.2.1,a\n192.0.2.999,b\n192.0.2.3,c\n");
	assert_int_equal(import("allocations", path("k.csv"), "--keep-going", "--source", "k", NULL), 0);
	assert_non_null(strstr(errbuf, "k.csv:3: invalid address"));
	assert_int_equal(count("k", INV_ALLOC), 2);
}

static void vrf_overlap_and_duplicates(void **state)
{
	(void)state;
	write_file("v.csv", "address,vrf,status\n10.0.0.5/8,blue,active\n10.0.0.5/8,red,active\n"
			    "10.0.0.5/8,,active\n");
	assert_int_equal(import("allocations", path("v.csv"), NULL), 0);
	assert_int_equal(count(path("v.csv"), INV_ALLOC), 3);
	write_file("d.csv", "address,vrf,status\n10.0.0.5/8,blue,active\n10.0.0.6/8,blue,active\n"
			    "10.0.0.5/8,blue,active\n");
	assert_int_equal(import("allocations", path("d.csv"), NULL), 65);
	assert_non_null(strstr(errbuf, "d.csv:4: duplicate address 10.0.0.5 in VRF \"blue\" (first on line 2)"));
	assert_true(count(path("d.csv"), INV_ALLOC) <= 0);
	/* the same prefix in two VRFs is two subnets */
	write_file("p.csv", "prefix,vrf,status\n10.0.0.0/8,blue,container\n10.0.0.0/8,red,container\n");
	assert_int_equal(import("subnets", path("p.csv"), NULL), 0);
	assert_int_equal(count(path("p.csv"), INV_SUBNET), 2);
}

static void kea_companions_last_row_wins(void **state)
{
	(void)state;
	static const char hdr[] = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
				  "fqdn_rev,hostname,state,user_context\n";
	char b[1024];
	snprintf(b, sizeof b, "%s192.0.2.50,02:00:5e:10:00:50,,7200,1795540000,1,0,0,two,0,\n"
			      "192.0.2.51,02:00:5e:10:00:51,,7200,1795540000,1,0,0,gone,0,\n", hdr);
	write_file("kea.csv.2", b);
	snprintf(b, sizeof b, "%s192.0.2.50,02:00:5e:10:00:50,,7200,1795540000,1,0,0,one,0,\n"
			      "192.0.2.51,02:00:5e:10:00:51,,0,1795540000,1,0,0,gone,0,\n", hdr);
	write_file("kea.csv.1", b);
	snprintf(b, sizeof b, "%s192.0.2.52,02:00:5e:10:00:52,,7200,1795540000,1,0,0,main,0,\n", hdr);
	write_file("kea.csv", b);
	assert_int_equal(import("leases", path("kea.csv"), "--source", "kea", "--now", "1795539000", NULL), 0);
	assert_int_equal(count("kea", INV_LEASE), 2);  /* .50 (from .1) and .52; .51 deleted */
	char cmd[512], out[64] = "";
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"select hostname from leases where ip_text='192.0.2.50'\"",
		 dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	assert_string_equal(out, "one\n");
}

static void lease_reimport_recomputes_active(void **state)
{
	(void)state;
	assert_int_equal(import("leases", FIX "kea-leases4.csv", "--source", "k4", "--now", "1795540000", NULL), 0);
	char cmd[512], out[64] = "";
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'select sum(active) from leases l join sources s on "
				  "s.id=l.source_id where s.name=\"k4\"'", dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	assert_string_equal(out, "1\n");  /* .102 (.106 ends exactly at now) */
	/* same bytes, later "now": unchanged snapshot, but the leases have ended */
	assert_int_equal(import("leases", FIX "kea-leases4.csv", "--source", "k4", "--now", "1900000000", NULL), 0);
	p = popen(cmd, "r");
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	assert_string_equal(out, "0\n");
}

static void hostile_names_stored_verbatim(void **state)
{
	(void)state;
	write_file("h.csv", "ip,hostname,description\n"
			    "192.0.2.1,\"a\nb\",=cmd|' /C calc'!A0\n"
			    "192.0.2.2,\"\xe2\x80\xae" "gnp.exe\",\"<img src=x onerror=alert(1)>\"\n"
			    "192.0.2.3,bad\xff" "utf8,\"\x1b[31mred\"\n");
	assert_int_equal(import("allocations", path("h.csv"), "--source", "h", NULL), 0);
	char cmd[512], out[256] = "";
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"select hex(hostname)||':'||hostname_flags from "
				  "allocations a join sources s on s.id=a.source_id where s.name='h' order by ip\"",
		 dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	assert_string_equal(out, "610A62:35\n"); /* "a\nb": invalid-ldh|control|whitespace */
	assert_non_null(fgets(out, sizeof out, p));
	assert_true(strncmp(out, "E280AE676E702E657865:", 21) == 0);
	assert_true(atoi(out + 21) & (1 << 7)); /* bidi */
	assert_non_null(fgets(out, sizeof out, p));
	assert_true(strncmp(out, "626164FF75746638:", 17) == 0);
	pclose(p);
}

static int64_t index_count(void)
{
	char cmd[512], out[32] = "";
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"select count(*) from sqlite_master where type='index'"
				  " and tbl_name='allocations' and name in ('allocations_ip','allocations_host')\"",
		 dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	return atoll(out);
}

/* Big first imports rebuild the secondary indexes at commit; a failed one
 * leaves them as they were. */
static void big_import_rebuilds_indexes(void **state)
{
	(void)state;
	char p[128];
	snprintf(p, sizeof p, "%s/big.csv", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("ip,hostname,description\n", f);
	for (int i = 0; i < 80000; i++)
		fprintf(f, "198.18.%d.%d,host-%d.example.test,a description long enough to be realistic\n",
			i >> 8 & 255, i & 255, i);
	fputs("198.18.999.1,bad,row\n", f);
	fclose(f);
	assert_int_equal(import("allocations", p, "--source", "big", NULL), 65);
	assert_int_equal(index_count(), 2);
	assert_true(count("big", INV_ALLOC) <= 0);
	assert_int_equal(import("allocations", p, "--source", "big", "--keep-going", NULL), 0);
	assert_int_equal(index_count(), 2);
	assert_int_equal(count("big", INV_ALLOC), 65536); /* 198.18.x.y wraps at 256*256 */
	(void)0;
}

static void lab_fixtures_import_cleanly(void **state)
{
	(void)state;
	static const char *const good[][2] = {
		{ "subnets", "scripts/lab/netbox-prefixes.csv" },
		{ "ranges", "scripts/lab/netbox-ip-ranges.csv" },
		{ "allocations", "scripts/lab/netbox-ip-addresses.csv" },
		{ "allowlist", "scripts/lab/allowlist.csv" },
		{ "leases", "scripts/lab/dhcpd.leases" },
		{ "zone", "scripts/lab/zones/db.example.test" },
		{ "zone", "scripts/lab/zones/db.192.0.2" },
		{ "zone", "scripts/lab/zones/db.198.18.5" },
		{ "zone", "scripts/lab/zones/db.2001-db8-0-1" },
	};
	if (access("scripts/lab/netbox-ip-addresses.csv", R_OK) != 0)
		skip();
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (access(good[i][1], R_OK) != 0)
			continue;
		int rc = import(good[i][0], good[i][1], NULL);
		if (rc != 0)
			fail_msg("%s %s: rc %d: %s", good[i][0], good[i][1], rc, errbuf);
	}
	assert_true(count("scripts/lab/netbox-ip-addresses.csv", INV_ALLOC) > 10);
	/* the empty reverse zone needs its origin; the broken one must be refused */
	if (access("scripts/lab/zones/db.empty", R_OK) == 0)
		assert_int_equal(import("zone", "scripts/lab/zones/db.empty", "--origin",
					"113.0.203.in-addr.arpa", NULL), 0);
	if (access("scripts/lab/zones/db.198.18.7.broken", R_OK) == 0)
		assert_int_equal(import("zone", "scripts/lab/zones/db.198.18.7.broken", NULL), 65);
}

/* Without $ORIGIN or --origin the origin comes from the file name; a
 * dotted-decimal name is the reverse zone of that network. */
static void zone_origin_from_file_name(void **state)
{
	(void)state;
	write_file("db.192.0.2", "$TTL 300\n@ IN SOA ns1.example.test. h.example.test. 1 2 3 4 5\n"
				 "  IN NS ns1.example.test.\n10 IN PTR web.example.test.\n");
	assert_int_equal(import("zone", path("db.192.0.2"), "--source", "rev", NULL), 0);
	char cmd[512], out[128] = "";
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"select owner||' '||ip_text from dns_records where type='PTR'\"",
		 dbpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	assert_string_equal(out, "10.2.0.192.in-addr.arpa. 192.0.2.10\n");
	write_file("db.noorigin", "$TTL 300\n@ IN SOA ns1.example.test. h.example.test. 1 2 3 4 5\n");
	assert_int_equal(import("zone", path("db.noorigin"), NULL), 65);
	assert_non_null(strstr(errbuf, "db.noorigin:2: owner: '@' used but no origin is known (give --origin or $ORIGIN)"));
	assert_int_equal(import("zone", path("db.noorigin"), "--origin", "example.test", NULL), 0);
}

/* AXFR through dig from a BIND primary on 127.0.0.1 (TSIG-protected
 * transfers): with the key it imports, again it is unchanged, without the
 * key it fails with nothing imported. Loopback only; we kill only our pid. */
static void zone_axfr_with_tsig(void **state)
{
	(void)state;
	if (access("/usr/sbin/named", X_OK) != 0 || access("/usr/bin/dig", X_OK) != 0 ||
	    access("/usr/sbin/tsig-keygen", X_OK) != 0)
		skip();
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "/usr/sbin/tsig-keygen -a hmac-sha256 ipam-audit > %s/k.key", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "cp " FIX "db.example.test %s/", dir);
	assert_int_equal(system(cmd), 0);
	int port = 20000 + (int)(getpid() % 20000);
	char conf[2048];
	snprintf(conf, sizeof conf,
		 "include \"%s/k.key\";\n"
		 "options { directory \"%s\"; pid-file \"named.pid\"; session-keyfile none;"
		 " listen-on port %d { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; notify no;"
		 " dnssec-validation no; allow-query { 127.0.0.1; }; allow-transfer { key ipam-audit; }; };\n"
		 "controls { };\n"
		 "zone \"example.test\" { type primary; file \"db.example.test\"; };\n",
		 dir, dir, port);
	write_file("named.conf", conf);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl("/usr/sbin/named", "named", "-g", "-c", path("named.conf"), "-u", "root", (char *)NULL);
		_exit(127);
	}
	char server[64], key[128];
	snprintf(server, sizeof server, "127.0.0.1#%d", port);
	snprintf(key, sizeof key, "%s/k.key", dir);
	int rc = -1;
	for (int i = 0; i < 50; i++) {  /* wait up to 5 s for named */
		snprintf(cmd, sizeof cmd, "/usr/bin/dig +short +time=1 +tries=1 @127.0.0.1 -p %d example.test SOA"
					  " 2>/dev/null | grep -q hostmaster", port);
		if (system(cmd) == 0) {
			rc = 0;
			break;
		}
		usleep(100000);
	}
	if (rc == 0) {
		rc = import("zone", "example.test", "--axfr", server, "--key", key, "--source", "ax", NULL);
		if (rc == 0) {
			rc = count("ax", INV_DNS) == 10 ? 0 : 100;
			if (!rc)
				rc = import("zone", "example.test", "--axfr", server, "--key", key, "--source", "ax", NULL);
			if (!rc)
				rc = count("ax", INV_DNS) == 10 ? 0 : 101;
			if (!rc)
				rc = import("zone", "example.test", "--axfr", server, "--source", "nokey", NULL) == EX_UNAVAILABLE ? 0 : 102;
			if (!rc)
				rc = strstr(errbuf, "AXFR of example.test from") ? 0 : 103;
		}
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (rc == -1)
		skip();  /* named did not come up (e.g. not allowed to run here) */
	assert_int_equal(rc, 0);
	assert_true(count("nokey", INV_DNS) <= 0);
}

static void zone_generate_via_named_compilezone(void **state)
{
	(void)state;
	if (access("/usr/bin/named-compilezone", X_OK) != 0)
		skip();
	write_file("db.gen.example", "$ORIGIN gen.example.\n$TTL 300\n"
				     "@ IN SOA ns1 host 1 3600 900 604800 300\n  IN NS ns1\nns1 IN A 192.0.2.53\n"
				     "$GENERATE 1-20 host$ A 192.0.2.$\n");
	assert_int_equal(import("zone", path("db.gen.example"), "--source", "gen", NULL), 0);
	assert_int_equal(count("gen", INV_DNS), 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sync_removes_missing_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(reimport_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(object_ids_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(source_name_is_one_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_file_imports_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(keep_going_imports_good_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(vrf_overlap_and_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(kea_companions_last_row_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(lease_reimport_recomputes_active, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_names_stored_verbatim, setup, teardown),
		cmocka_unit_test_setup_teardown(big_import_rebuilds_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(lab_fixtures_import_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(zone_origin_from_file_name, setup, teardown),
		cmocka_unit_test_setup_teardown(zone_generate_via_named_compilezone, setup, teardown),
		cmocka_unit_test_setup_teardown(zone_axfr_with_tsig, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
