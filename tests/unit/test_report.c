/* Report and fix writers: validation of DNS changes, nsupdate script shape,
 * zone derivation, JSON re-encoding, output file handling, read side. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../db/db.h"
#include "../../db/db_report.h"
#include "../../report/fix.h"
#include "../../report/report.h"

#define T(s) ((struct db_text){ (s), (s) ? strlen(s) : 0 })

static struct db_rpt_fix_dns fx(const char *op, const char *zone, const char *name, const char *type,
				const char *value, const char *old)
{
	struct db_rpt_fix_dns f = { .fingerprint = "r|s", .rule = "r", .severity = "low", .state = "new" };
	f.op = T(op), f.zone = T(zone), f.name = T(name), f.type = T(type), f.value = T(value),
	f.old = T(old), f.subject = T("s");
	return f;
}

static void dns_check(void **state)
{
	(void)state;
	struct db_text bad;
	struct db_rpt_fix_dns f = fx("add", NULL, "host1.example.test.", "A", "192.0.2.20", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f = fx("ADD", NULL, "Host1.Example.Test", "a", "192.0.2.20", NULL); /* case-insensitive */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f = fx("delete", "example.test.", "old.example.test.", "A", NULL, "192.0.2.99");
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f = fx("replace", NULL, "11.2.0.192.in-addr.arpa.", "PTR", "app.example.test.", "wrong.example.test.");
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);

	f = fx("upsert", NULL, "a.example.test.", "A", "192.0.2.1", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_OP);
	f = fx("add", NULL, "a.example.test.", "TXT", "x", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_TYPE);
	/* nsupdate injection through the owner name (formats §1.4) */
	f = fx("add", NULL, "evil.example.test. 300 A 192.0.2.58\nupdate delete web.example.test. A",
	       "A", "192.0.2.58", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_NAME);
	assert_non_null(memchr(bad.p, '\n', bad.n));
	f = fx("add", NULL, "my_host.example.test.", "A", "192.0.2.1", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_NAME);
	f = fx("add", NULL, "a.example.test.", "A", "2001:db8::1", NULL); /* wrong family */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_VALUE);
	f = fx("add", NULL, "1.2.0.192.in-addr.arpa.", "PTR", "x.example.test; update delete", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_VALUE);
	f = fx("delete", NULL, "old.example.test.", "A", NULL, NULL); /* no compare value */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_OLD);
	f = fx("replace", NULL, "11.2.0.192.in-addr.arpa.", "PTR", "app.example.test.", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_OLD);
	f = fx("add", "other.test.", "a.example.test.", "A", "192.0.2.1", NULL);
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_ZONE);
	f = fx("add", "ample.test.", "a.example.test.", "A", "192.0.2.1", NULL); /* label boundary */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_ZONE);
	char label[80];
	memset(label, 'a', 64);
	strcpy(label + 64, ".example.test.");
	f = fx("add", NULL, label, "A", "192.0.2.1", NULL); /* label > 63 */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_NAME);
	/* owner from the address bytes; must agree with a given name */
	f = fx("add", NULL, NULL, "PTR", "h.example.test.", NULL);
	f.ip = T("2001:db8:0:1::20");
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f.name = T("1.2.0.192.in-addr.arpa.");
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_IP);
	/* the whole set as the audit saw it ("rrset") */
	struct db_text set[3] = { T("wrong.example.test."), T("OTHER.example.test"), T("x") };
	f = fx("replace", NULL, "11.2.0.192.in-addr.arpa.", "PTR", "app.example.test.", "wrong.example.test.");
	f.has_rrset = true, f.rrset = set, f.nrrset = 2;
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f.old = T("gone.example.test."); /* the value to change is not in the set */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_RRSET);
	assert_int_equal(bad.n, strlen("gone.example.test."));
	f.old = T("wrong.example.test.");
	set[1] = T("other.example.test.\nupdate delete web.example.test. A"); /* unwritable: no guard */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_RRSET);
	assert_ptr_equal(bad.p, set[1].p);
	f.rrset_bad = true, f.nrrset = 0; /* not an array of strings */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_RRSET);
	f = fx("delete", NULL, "rr.example.test.", "A", NULL, "192.0.2.97");
	set[0] = T("192.0.2.96"), set[1] = T("192.0.2.97");
	f.has_rrset = true, f.rrset = set, f.nrrset = 2;
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	f.nrrset = 0; /* empty set: nothing to delete */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_RRSET);
	f = fx("add", NULL, "h.example.test.", "A", "192.0.2.20", NULL); /* add next to others */
	f.has_rrset = true, f.rrset = set, f.nrrset = 2;
	assert_int_equal(fix_dns_check(&f, &bad), FIX_OK);
	set[1] = T("2001:db8::1"); /* wrong family in the set */
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_RRSET);
	/* a NUL inside a name is not cut short */
	struct db_text nul = { "ok.example.test\0.evil", 21 };
	f = fx("add", NULL, NULL, "A", "192.0.2.1", NULL);
	f.name = nul;
	assert_int_equal(fix_dns_check(&f, &bad), FIX_BAD_NAME);
}

static void json_copy(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	const char in[] = "{\"a\":\"x\xff</script>\xe2\x80\xa8\"}";
	rpt_json_copy(ESC_BUF(&b), in, sizeof in - 1);
	assert_string_equal(sbuf_str(&b), "{\"a\":\"x\xef\xbf\xbd<\\/script>\\u2028\"}");
	sbuf_free(&b);
}

static void registry(void **state)
{
	(void)state;
	assert_ptr_equal(rpt_writer_find("json"), &rpt_json);
	assert_ptr_equal(rpt_writer_find("ndjson"), &rpt_ndjson);
	assert_ptr_equal(rpt_writer_find("csv"), &rpt_csv);
	assert_ptr_equal(rpt_writer_find("html"), &rpt_html);
	assert_null(rpt_writer_find("pdf"));
	assert_null(rpt_writer_find(NULL));
	assert_true(rpt_csv.one_table);
	assert_int_equal(db_rpt_severity_rank("critical"), 0);
	assert_int_equal(db_rpt_severity_rank("info"), 4);
	assert_int_equal(db_rpt_severity_rank("bogus"), 5);
}

static char dir[64];

static int mkdir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ipd-test-report-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int rmdir_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void out_files(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/out.txt", dir);
	FILE *f;
	struct rpt_out *o = rpt_out_open(path, false, &f);
	assert_non_null(o);
	fputs("one", f);
	assert_true(rpt_out_close(o, true));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* refuses to replace without force */
	assert_null(rpt_out_open(path, false, &f));
	/* force: replaced atomically, mode 0640 */
	o = rpt_out_open(path, true, &f);
	assert_non_null(o);
	fputs("two", f);
	assert_true(rpt_out_close(o, true));
	char buf[8] = { 0 };
	FILE *r = fopen(path, "r");
	assert_non_null(r);
	assert_int_equal(fread(buf, 1, sizeof buf - 1, r), 3);
	fclose(r);
	assert_string_equal(buf, "two");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* a failed write leaves the old file */
	o = rpt_out_open(path, true, &f);
	fputs("three", f);
	assert_false(rpt_out_close(o, false));
	r = fopen(path, "r");
	assert_int_equal(fread(buf, 1, sizeof buf - 1, r), 3);
	fclose(r);
	/* symlink at the path: O_EXCL refuses to follow it */
	char link[128];
	snprintf(link, sizeof link, "%s/link", dir);
	assert_int_equal(symlink("/tmp/ipd-should-not-exist", link), 0);
	assert_null(rpt_out_open(link, false, &f));
	assert_int_not_equal(access("/tmp/ipd-should-not-exist", F_OK), 0);
}

/* A small store with fixes that exercise zone derivation and merging. */
static const char fixture[] =
	"INSERT INTO runs (id, kind, started, status) VALUES (1, 'audit', 1700000000, 'ok');"
	"INSERT INTO dns_records (zone, owner, type, rdata) VALUES"
	" ('example.test.', 'web.example.test.', 'A', '192.0.2.10'),"
	" ('0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.', 'PTR', 'web.example.test.');"
	"INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, summary, fix)"
	" VALUES"
	" (1, 'missing-ptr|192.0.2.20', 'missing-ptr', 'medium', 'ip', '192.0.2.20', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"zone\":null,\"name\":\"20.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"h.example.test.\",\"old\":null}]}'),"
	" (1, 'dup|192.0.2.20', 'dup', 'low', 'ip', '192.0.2.20', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"zone\":null,\"name\":\"20.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"H.example.test\",\"old\":null}]}'),"
	" (1, 'crit|192.0.2.21', 'x', 'critical', 'ip', '192.0.2.21', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"21.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"k.example.test.\"}]}'),"
	" (1, 'info|192.0.2.21', 'y', 'info', 'ip', '192.0.2.21', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"21.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"k.example.test.\"}]}'),"
	" (1, 'missing-ptr|198.51.100.7', 'missing-ptr', 'medium', 'ip', '198.51.100.7', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"7.100.51.198.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"p.other.test.\"}]}'),"
	" (1, 'missing-ptr|2001:db8:0:1::20', 'missing-ptr', 'medium', 'ip', '2001:db8:0:1::20', 'new',"
	"  's', '{\"dns\":[{\"op\":\"add\",\"ip\":\"2001:db8:0:1::20\",\"type\":\"PTR\","
	"  \"value\":\"h.example.test.\"}]}'),"
	" (1, 'missing-forward|a.sub.other.test', 'missing-forward', 'medium', 'name', 'a', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"a.sub.other.test.\",\"type\":\"AAAA\","
	"  \"value\":\"2001:DB8::0001\"}]}'),"
	" (1, 'resolved|x', 'stale-dns', 'low', 'ip', 'x', 'resolved', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"gone.example.test.\",\"type\":\"A\",\"old\":\"192.0.2.5\"}]}'),"
	" (1, 'suppressed|y', 'stale-dns', 'low', 'ip', 'y', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"sup.example.test.\",\"type\":\"A\",\"old\":\"192.0.2.6\"}]}'),"
	" (1, 'broken|z', 'stale-dns', 'low', 'ip', 'z', 'new', 's', 'not json')"
	" ,(1, 'rr|192.0.2.97', 'stale-dns', 'low', 'ip', '192.0.2.97', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"rr.example.test.\",\"type\":\"A\",\"old\":\"192.0.2.97\"}]}'),"
	" (1, 'inj|' || char(10) || 'update delete web.example.test. A', 'r' || char(10) ||"
	"  'update delete web.example.test. A', 'low' || char(10) || 'send', 'ip', 'q', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"e.example.test.\",\"type\":\"A\",\"value\":\"192.0.2.9\"}]}'),"
	" (1, 'rr|192.0.2.98', 'stale-dns', 'low', 'ip', '192.0.2.98', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"rr.example.test.\",\"type\":\"A\",\"old\":\"192.0.2.98\"}]}'),"
	" (1, 'lone|192.0.2.5', 'stale-dns', 'low', 'ip', '192.0.2.5', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"lone.example.test.\",\"type\":\"A\",\"old\":\"192.0.2.5\"}]}');"
	"INSERT INTO dns_answers (run_id, qname, qtype, status, ip_text, at) VALUES"
	" (NULL, 'rr.example.test.', 'A', 'ok', '192.0.2.96', 1),"
	" (1, 'RR.example.test', 'A', 'ok', '192.0.2.98', 2), (1, 'rr.example.test.', 'A', 'ok', '192.0.2.97', 2),"
	" (1, 'lone.example.test.', 'A', 'ok', '192.0.2.6', 2), (1, 'lone.example.test.', 'A', 'ok', '192.0.2.7', 2);"
	"UPDATE findings SET suppressed = 1 WHERE fingerprint = 'suppressed|y';"
	"INSERT INTO observations (ip, ip_text, family, mac, method, first_seen, last_seen)"
	" VALUES (X'00000000000000000000FFFFC0000214', '192.0.2.20', 4, '52:54:00:00:00:20', 'arp-active', 1, 2);"
	"INSERT INTO leases (ip, ip_text, mac, hostname, active)"
	" VALUES (X'00000000000000000000FFFFC0000214', '192.0.2.20', '52:54:00:00:00:20',"
	"  CAST(X'6E756C00696E73696465' AS TEXT), 1);";

static struct db *open_fixture(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/r.db", dir);
	struct db *db;
	assert_int_equal(db_open(path, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_rpt_load_fixture(db, fixture), IPD_OK);
	return db;
}

static char *nsupdate_script(struct db *db, bool plan, struct fix_stats *st)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct fix_nsupdate_opts o = { .run_id = 1, .server = "127.0.0.1", .port = 10053, .ttl = 300,
				       .now = 1700000000, .version = "t", .db_path = "r.db", .plan = plan };
	assert_int_equal(fix_nsupdate_write(db, &o, f, st), IPD_OK);
	fclose(f);
	return mem;
}

static void nsupdate_shape(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	struct fix_stats st;
	char *s = nsupdate_script(db, false, &st);
	/* resolved, suppressed and broken findings give no change; identical
	 * changes are merged, adjacent (case and trailing dot differ) or not
	 * (critical and info asking for the same PTR around others) */
	assert_int_equal(st.changes, 8);
	assert_int_equal(st.duplicates, 2);
	/* store text in comments cannot end the comment (rule, severity, fingerprint) */
	assert_null(strstr(s, "\nupdate delete web.example.test. A"));
	assert_null(strstr(s, "\nsend\n(send"));
	assert_non_null(strstr(s, "; fixes r\\x0aupdate delete web.example.test. A (low\\x0asend, new): inj|\\x0aupdate"));
	/* a record of a round-robin set: the whole set (newest run) guards it */
	assert_non_null(strstr(s, "prereq yxrrset rr.example.test. IN A 192.0.2.97\n"
				  "prereq yxrrset rr.example.test. IN A 192.0.2.98\n"
				  "update delete rr.example.test. IN A 192.0.2.97\n"
				  "update delete rr.example.test. IN A 192.0.2.98\nsend\n"));
	/* ... and both stale records of that set go in that one message */
	assert_int_equal(st.grouped, 1);
	assert_non_null(strstr(s, ";   also fixes rr|192.0.2.98\n"));
	assert_null(strstr(s, "192.0.2.96"));
	/* the resolved set does not hold the observed value: that value alone */
	assert_non_null(strstr(s, "prereq yxrrset lone.example.test. IN A 192.0.2.5\n"
				  "update delete lone.example.test. IN A 192.0.2.5\nsend\n"));
	assert_non_null(strstr(s, ";   also fixes info|192.0.2.21\n"));
	assert_int_equal(st.refused, 0);
	assert_null(strstr(s, "gone.example.test"));
	assert_null(strstr(s, "sup.example.test"));
	assert_null(strstr(s, "\n\n"));          /* a blank line would send early */
	assert_null(strstr(s, "\nkey "));        /* no secret (no key command) */
	assert_non_null(strstr(s, "nsupdate -k KEYFILE"));
	/* known zone wins over the /24 boundary */
	assert_non_null(strstr(s, "zone 0.192.in-addr.arpa.\n"
				  "prereq nxrrset 20.2.0.192.in-addr.arpa. IN PTR\n"
				  "update add 20.2.0.192.in-addr.arpa. 300 IN PTR h.example.test.\nsend\n"));
	assert_non_null(strstr(s, ";   also fixes dup|192.0.2.20\n"));
	/* unknown: octet boundary, nibble boundary, parent of a forward name */
	assert_non_null(strstr(s, "zone 100.51.198.in-addr.arpa.\n"));
	assert_non_null(strstr(s, "zone 1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n"
				  "prereq nxrrset 0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
				  ".ip6.arpa. IN PTR\n"));
	assert_non_null(strstr(s, "zone sub.other.test.\nprereq nxrrset a.sub.other.test. IN AAAA\n"
				  "update add a.sub.other.test. 300 IN AAAA 2001:db8::1\n"));
	/* every message: server, zone, prereq ... send */
	int servers = 0, sends = 0;
	for (const char *p = s; (p = strstr(p, "server 127.0.0.1 10053\nzone ")); p++)
		servers++;
	for (const char *p = s; (p = strstr(p, "\nsend\n")); p++)
		sends++;
	assert_int_equal(servers, 8);
	assert_int_equal(sends, 8);
	/* within a zone, the order of the findings (severity first) is kept */
	assert_true(strstr(s, "fixes x (critical") < strstr(s, "fixes missing-ptr (medium, new): missing-ptr|192.0.2.20"));
	free(s);
	s = nsupdate_script(db, true, &st);
	assert_non_null(strstr(s, "8 changes in 5 zones, 0 refused, 2 duplicates merged"));
	free(s);
	db_close(db);
}

/* IPAM fixes against recorded allocations from several sources: only a
 * NetBox export's own ID of the very allocation goes into `id`. */
static const char ipam_fixture[] =
	"INSERT INTO runs (id, kind, started, status) VALUES (1, 'audit', 1700000000, 'ok');"
	"INSERT INTO sources (id, name, kind, format) VALUES (1, 'nb', 'allocations', 'netbox'),"
	" (2, 'php', 'allocations', 'phpipam'), (3, 'nb-old', 'allocations', 'netbox'),"
	" (4, 'nets', 'subnets', 'netbox-prefix');"
	"INSERT INTO subnets (source_id, vrf, family, lo, hi, prefix_len, cidr) VALUES"
	" (4, '', 4, X'00000000000000000000FFFFC0000200', X'00000000000000000000FFFFC00002FF', 24, '192.0.2.0/24'),"
	" (4, 'blue', 4, X'00000000000000000000FFFFC0000200', X'00000000000000000000FFFFC000027F', 25, '192.0.2.0/25'),"
	" (4, '', 4, X'00000000000000000000FFFFC6336400', X'00000000000000000000FFFFC633640F', 28, '198.51.100.0/28');"
	"INSERT INTO allocations (source_id, vrf, ip, ip_text, prefix_len, hostname, status, description, ext_id)"
	" VALUES"
	" (1, '', X'00000000000000000000FFFFC000020A', '192.0.2.10', 24, 'web.example.test', 'reserved', 'web, primary', '42'),"
	" (1, 'blue', X'00000000000000000000FFFFC000020A', '192.0.2.10', 25, 'web.blue.test', 'active', NULL, '43'),"
	" (2, '', X'00000000000000000000FFFFC0000214', '192.0.2.20', 24, 'printer-1', 'active', NULL, '17'),"
	" (3, '', X'00000000000000000000FFFFC0000215', '192.0.2.21', 24, 'old.example.test', 'active', NULL, NULL),"
	" (1, '', X'00000000000000000000FFFFC0000216', '192.0.2.22', 24, NULL, 'active', '=cmd', '=1+2'),"
	" (1, '', X'00000000000000000000FFFFC0000218', '192.0.2.24', 24, 'my_host.example.test', 'dhcp', NULL, '44'),"
	" (1, '', X'00000000000000000000FFFFC0000219', '192.0.2.25', 24, 'bad name', 'active', NULL, '45');"
	"INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, summary, fix)"
	" VALUES"
	" (1, 'a', 'mac-mismatch', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"set-mac\","
	"  \"ip\":\"192.0.2.10\",\"mac\":\"02:00:00:00:00:0a\",\"source\":\"nb\",\"vrf\":\"\"}]}'),"
	" (1, 'b', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.10\",\"status\":\"deprecated\",\"description\":\"gone\",\"source\":\"nb\",\"vrf\":\"blue\"}]}'),"
	" (1, 'c', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.10\"}]}'),"
	" (1, 'd', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.20\",\"source\":\"php\",\"vrf\":\"\"}]}'),"
	" (1, 'e', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.21\",\"source\":\"nb-old\",\"vrf\":\"\"}]}'),"
	" (1, 'f', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.22\",\"source\":\"nb\",\"vrf\":\"\"}]}'),"
	" (1, 'g', 'stale-allocation', 'low', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"deprecate\","
	"  \"ip\":\"192.0.2.23\",\"hostname\":\"h.example.test\",\"source\":\"nb\",\"vrf\":\"\"}]}'),"
	" (1, 'h', 'mac-mismatch', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"set-mac\","
	"  \"ip\":\"192.0.2.24\",\"source\":\"nb\",\"vrf\":\"\"}]}'),"
	" (1, 'i', 'mac-mismatch', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"set-mac\","
	"  \"ip\":\"192.0.2.25\"}]}'),"
	" (1, 'j', 'rogue-host', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"register\","
	"  \"ip\":\"192.0.2.66\",\"status\":\"active\",\"vrf\":\"blue\"}]}'),"
	" (1, 'k', 'rogue-host', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"register\","
	"  \"ip\":\"198.51.100.7\",\"hostname\":\"p.example.test\"}]}'),"
	" (1, 'l', 'rogue-host', 'high', 'ip', 'x', 'new', 's', '{\"ipam\":[{\"op\":\"register\","
	"  \"ip\":\"192.0.2.24\",\"vrf\":\"\"}]}');";

static char *ipam_csv(struct db *db, enum fix_ipam_format fmt)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct fix_stats st;
	assert_int_equal(fix_ipam_write(db, 1, fmt, f, &st), IPD_OK);
	fclose(f);
	assert_int_equal(st.changes, 12);
	return mem;
}

static void ipam_netbox_ids(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/ipam.db", dir);
	struct db *db;
	assert_int_equal(db_open(path, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_rpt_load_fixture(db, ipam_fixture), IPD_OK);
	char *s = ipam_csv(db, FIX_IPAM_NETBOX);
	static const char *const want[] = {
		"id,address,vrf,status,dns_name,description,comments\r\n",
		/* update: its ID, the recorded address, status, name, description */
		"42,192.0.2.10/24,,reserved,web.example.test,\"web, primary\","
		"\"ipdrift mac-mismatch set-mac; mac=02:00:00:00:00:0a; finding a\"\r\n",
		/* high before low, then by finding */
		/* NetBox took the underscore: written back, not cleared */
		"44,192.0.2.24/24,,dhcp,my_host.example.test,,\"ipdrift mac-mismatch set-mac; finding h\"\r\n",
		/* the one allocation of the address (no source named); a name NetBox
		 * would refuse is not written, and the row says it clears it */
		"45,192.0.2.25/24,,active,,,\"ipdrift mac-mismatch set-mac; recorded dns_name withheld: not a"
		" valid NetBox dns_name (importing this row clears it); finding i\"\r\n",
		/* new objects: no ID; the fix's VRF (its subnet's /25), else the subnet's */
		",192.0.2.66/25,blue,active,,,\"ipdrift rogue-host register; finding j\"\r\n",
		",198.51.100.7/28,,active,p.example.test,,\"ipdrift rogue-host register; finding k\"\r\n",
		/* register always creates, whatever the address holds */
		",192.0.2.24/24,,active,,,\"ipdrift rogue-host register; finding l\"\r\n",
		/* the same address in a VRF: that allocation, its /25 */
		"43,192.0.2.10/25,blue,deprecated,web.blue.test,,\"ipdrift stale-allocation deprecate: gone;"
		" finding b\"\r\n",
		/* no source named (an older audit), several allocations: which one?
		 * (address and VRF then come from the most specific subnet) */
		",192.0.2.10/25,blue,deprecated,,,\"ipdrift stale-allocation deprecate; no NetBox ID: several"
		" allocations hold this address and the fix does not say which, so importing this row"
		" creates a new object; finding c\"\r\n",
		/* phpIPAM's id 17 is not NetBox's object 17 */
		",192.0.2.20/24,,deprecated,printer-1,,\"ipdrift stale-allocation deprecate; no NetBox ID:"
		" recorded by a source that is not a NetBox export, so importing this row creates a new"
		" object; finding d\"\r\n",
		",192.0.2.21/24,,deprecated,old.example.test,,\"ipdrift stale-allocation deprecate; no NetBox"
		" ID: its source was imported without an ID column, so importing this row creates a new"
		" object; finding e\"\r\n",
		",192.0.2.22/24,,deprecated,,\"'=cmd\",\"ipdrift stale-allocation deprecate; no NetBox ID: its"
		" recorded ID is not a NetBox ID, so importing this row creates a new object; finding f\"\r\n",
		",192.0.2.23/24,,deprecated,h.example.test,,\"ipdrift stale-allocation deprecate; no NetBox ID:"
		" the allocation is no longer in the store, so importing this row creates a new object;"
		" finding g\"\r\n",
	};
	const char *p = s;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const char *line = strstr(p, "\r\n");
		assert_non_null(line);
		line += 2;
		if ((size_t)(line - p) != strlen(want[i]) || memcmp(p, want[i], strlen(want[i])) != 0)
			fail_msg("line %zu:\n got  %.*s\n want %s", i, (int)(line - p), p, want[i]);
		p = line;
	}
	assert_string_equal(p, "");
	free(s);
	/* native: every source's ID, with the source it belongs to */
	s = ipam_csv(db, FIX_IPAM_NATIVE);
	assert_non_null(strstr(s, "seen_vlan,first_seen,last_seen,vrf,source,ext_id\r\n"));
	assert_non_null(strstr(s, ",,,,,,,php,17\r\n"));
	assert_non_null(strstr(s, ",,,,,,blue,nb,43\r\n"));
	assert_non_null(strstr(s, ",,,,,,,nb,\"'=1+2\"\r\n"));
	free(s);
	db_close(db);
}

/* Fixes that carry the set the audit saw ("rrset"), as the rules write them
 * now: the guard lists exactly that set (not the store's newest answers),
 * only the wrong records go, and the changes of one set share a message. */
static const char rrset_fixture[] =
	"INSERT INTO runs (id, kind, started, status) VALUES (1, 'audit', 1700000000, 'ok');"
	"INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, summary, fix)"
	" VALUES"
	/* name-mismatch on a PTR set of three names: replace one, delete two */
	" (1, 'name-mismatch|192.0.2.11', 'name-mismatch', 'low', 'ip', '192.0.2.11', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"replace\",\"name\":\"11.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"app.example.test.\",\"old\":\"wrong.example.test.\","
	"  \"rrset\":[\"wrong.example.test.\",\"b.example.test.\",\"A.example.test\"]},"
	"  {\"op\":\"delete\",\"name\":\"11.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"b.example.test.\",\"old\":\"b.example.test.\","
	"  \"rrset\":[\"wrong.example.test.\",\"b.example.test.\",\"A.example.test\"]},"
	"  {\"op\":\"delete\",\"name\":\"11.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"a.example.test.\",\"old\":\"a.example.test.\","
	"  \"rrset\":[\"wrong.example.test.\",\"b.example.test.\",\"A.example.test\"]}]}'),"
	/* forward-reverse-mismatch: the IPAM name's PTR stays, the stray goes */
	" (1, 'forward-reverse-mismatch|192.0.2.10', 'forward-reverse-mismatch', 'medium', 'ip',"
	"  '192.0.2.10', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"10.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"stray.example.test.\",\"old\":\"stray.example.test.\","
	"  \"rrset\":[\"web.example.test.\",\"stray.example.test.\"]}]}'),"
	/* missing-forward: the name points elsewhere; a guarded add, not nxrrset */
	" (1, 'missing-forward|192.0.2.20', 'missing-forward', 'low', 'ip', '192.0.2.20', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"h.example.test.\",\"type\":\"A\","
	"  \"value\":\"192.0.2.20\",\"old\":null,\"rrset\":[\"192.0.2.99\"]}]}'),"
	/* and the same set's stale address (dangling-dns): joined with the add */
	" (1, 'dangling-dns|h.example.test', 'dangling-dns', 'high', 'name', 'h.example.test', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"h.example.test.\",\"type\":\"A\","
	"  \"value\":\"192.0.2.99\",\"old\":\"192.0.2.99\",\"rrset\":[\"192.0.2.99\"]}]}'),"
	/* an add to an absent set: rrset empty = nxrrset */
	" (1, 'missing-ptr|192.0.2.21', 'missing-ptr', 'low', 'ip', '192.0.2.21', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"add\",\"name\":\"21.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"k.example.test.\",\"old\":null,\"rrset\":[]}]}'),"
	/* a set with a name that cannot be written: refused, never a guard
	 * that could not match */
	" (1, 'stale-dns|192.0.2.98', 'stale-dns', 'low', 'ip', '192.0.2.98', 'new', 's',"
	"  '{\"dns\":[{\"op\":\"delete\",\"name\":\"98.2.0.192.in-addr.arpa.\",\"type\":\"PTR\","
	"  \"value\":\"old.example.test.\",\"old\":\"old.example.test.\","
	"  \"rrset\":[\"old.example.test.\",\"my_host.example.test.\"]}]}');"
	/* the store's newest answers disagree with the audit: the fix's set wins */
	"INSERT INTO dns_answers (run_id, qname, qtype, status, ip_text, name, at) VALUES"
	" (1, '11.2.0.192.in-addr.arpa.', 'PTR', 'ok', '192.0.2.11', 'wrong.example.test.', 2),"
	" (1, '11.2.0.192.in-addr.arpa.', 'PTR', 'ok', '192.0.2.11', 'z.example.test.', 2);";

/* The subnet behind each IPAM change (db_rpt_fix_ipam looks it up by one
 * index seek per prefix length present): longest prefix, a subnet in the
 * wanted VRF first, lowest id among equals; v4 and v6; none. Ids are out of
 * insertion order so that "lowest id" is not "first inserted". */
static const char subnet_fixture[] =
	"INSERT INTO runs (id, kind, started, status) VALUES (1, 'audit', 1700000000, 'ok');"
	"INSERT INTO sources (id, name, kind, format) VALUES (1, 'nb', 'allocations', 'netbox'),"
	" (2, 'nets', 'subnets', 'netbox-prefix');"
	"INSERT INTO subnets (id, source_id, vrf, family, lo, hi, prefix_len, cidr) VALUES"
	"  (1, 2, '', 4, X'00000000000000000000FFFFC6120000', X'00000000000000000000FFFFC612FFFF', 16, '198.18.0.0/16'),"
	"  (2, 2, '', 4, X'00000000000000000000FFFFC6120100', X'00000000000000000000FFFFC61201FF', 24, '198.18.1.0/24'),"
	"  (3, 2, '', 4, X'00000000000000000000FFFFC6120100', X'00000000000000000000FFFFC612013F', 26, '198.18.1.0/26'),"
	"  (20, 2, 'blue', 4, X'00000000000000000000FFFFC6130000', X'00000000000000000000FFFFC61300FF', 24, '198.19.0.0/24'),"
	"  (10, 2, 'red', 4, X'00000000000000000000FFFFC6130000', X'00000000000000000000FFFFC61300FF', 24, '198.19.0.0/24'),"
	"  (30, 2, 'blue', 4, X'00000000000000000000FFFFC6130000', X'00000000000000000000FFFFC613000F', 28, '198.19.0.0/28'),"
	"  (40, 2, '', 6, X'20010DB8000000000000000000000000', X'20010DB8FFFFFFFFFFFFFFFFFFFFFFFF', 32, '2001:db8::/32'),"
	"  (41, 2, '', 6, X'20010DB8000100000000000000000000', X'20010DB80001FFFFFFFFFFFFFFFFFFFF', 48, '2001:db8:1::/48'),"
	"  (42, 2, '', 6, X'20010DB8000100020000000000000000', X'20010DB800010002FFFFFFFFFFFFFFFF', 64, '2001:db8:1:2::/64');"
	"INSERT INTO allocations (source_id, vrf, ip, ip_text, status) VALUES"
	" (1, 'red', X'00000000000000000000FFFFC6130007', '198.19.0.7', 'active');"
	"INSERT INTO findings (run_id, fingerprint, rule, severity, subject_kind, subject, state, summary, fix)"
	" SELECT 1, printf('%02d', key), 'rogue-host', 'high', 'ip', 'x', 'new', 's',"
	"  json_object('ipam', json_array(value)) FROM json_each('["
	"  {\"op\":\"register\",\"ip\":\"198.18.1.5\"},"                       /* 00 */
	"  {\"op\":\"register\",\"ip\":\"198.18.1.100\"},"                     /* 01 */
	"  {\"op\":\"register\",\"ip\":\"198.18.200.1\"},"                     /* 02 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.200\",\"vrf\":\"blue\"},"    /* 03 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.200\",\"vrf\":\"red\"},"     /* 04 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.200\",\"vrf\":\"green\"},"   /* 05 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.200\"},"                     /* 06 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.5\",\"vrf\":\"red\"},"       /* 07 */
	"  {\"op\":\"register\",\"ip\":\"198.19.0.5\",\"vrf\":\"green\"},"     /* 08 */
	"  {\"op\":\"set-mac\",\"ip\":\"198.19.0.7\"},"                        /* 09 */
	"  {\"op\":\"register\",\"ip\":\"203.0.113.9\"},"                      /* 10 */
	"  {\"op\":\"register\",\"ip\":\"2001:db8:1:2::5\"},"                  /* 11 */
	"  {\"op\":\"register\",\"ip\":\"2001:db8:1:3::1\"},"                  /* 12 */
	"  {\"op\":\"register\",\"ip\":\"2001:db8:ffff::1\"},"                 /* 13 */
	"  {\"op\":\"register\",\"ip\":\"2001:db9::1\"}"                       /* 14 */
	"  ]');";

struct sn_seen {
	int n;
	char got[20][64];
};

static int sn_cb(void *arg, const struct db_rpt_fix_ipam *fx)
{
	struct sn_seen *s = arg;
	assert_true(s->n < 20);
	if (fx->subnet_prefix_len < 0)
		snprintf(s->got[s->n++], sizeof s->got[0], "none");
	else
		snprintf(s->got[s->n++], sizeof s->got[0], "%lld %.*s", (long long)fx->subnet_prefix_len,
			 (int)fx->subnet_vrf.n, fx->subnet_vrf.p ? fx->subnet_vrf.p : "?");
	return 0;
}

static void ipam_subnet_choice(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/sn.db", dir);
	struct db *db;
	assert_int_equal(db_open(path, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_rpt_load_fixture(db, subnet_fixture), IPD_OK);
	static const char *const want[] = {
		"26 ", "24 ", "16 ",            /* nested: the longest holding it */
		"24 blue", "24 red",            /* same /24 in two VRFs: the matching one */
		"24 red", "24 red",             /* none matches: the lower id (10), not the first row */
		"24 red",                       /* a VRF match beats a longer prefix elsewhere */
		"28 blue",                      /* no match: the longest */
		"24 red",                       /* the allocation's VRF when the fix names none */
		"none",
		"64 ", "48 ", "32 ", "none",    /* v6 */
	};
	struct sn_seen s = { 0 };
	assert_int_equal(db_rpt_fix_ipam(db, 1, sn_cb, &s), IPD_OK);
	assert_int_equal(s.n, (int)(sizeof want / sizeof want[0]));
	for (int i = 0; i < s.n; i++)
		assert_string_equal(s.got[i], want[i]);
	/* rows that are not aligned prefixes (never imported, but a store can
	 * hold them): still range-tested, so a bogus /30 over .3-.9 wins for
	 * .5; a v6 ::/0 holds v4-mapped addresses in byte order, as before */
	assert_int_equal(db_rpt_load_fixture(db,
		"INSERT INTO subnets (id, source_id, vrf, family, lo, hi, prefix_len, cidr) VALUES"
		" (60, 2, '', 4, X'00000000000000000000FFFFC6120103', X'00000000000000000000FFFFC6120109', 30, 'odd'),"
		" (61, 2, '', 6, X'00000000000000000000000000000000', X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', 0, '::/0');"),
		IPD_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_rpt_fix_ipam(db, 1, sn_cb, &s), IPD_OK);
	assert_string_equal(s.got[0], "30 ");
	assert_string_equal(s.got[1], "24 ");
	assert_string_equal(s.got[10], "0 ");
	assert_string_equal(s.got[14], "0 ");
	assert_string_equal(s.got[5], "24 red");
	db_close(db);
}

static void nsupdate_rrset(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/rr.db", dir);
	struct db *db;
	assert_int_equal(db_open(path, DB_CREATE, &db), IPD_OK);
	assert_int_equal(db_rpt_load_fixture(db, rrset_fixture), IPD_OK);
	struct fix_stats st;
	char *s = nsupdate_script(db, false, &st);
	assert_non_null(strstr(s, "zone 2.0.192.in-addr.arpa.\n"
				  "prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR a.example.test.\n"
				  "prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR b.example.test.\n"
				  "prereq yxrrset 11.2.0.192.in-addr.arpa. IN PTR wrong.example.test.\n"
				  "update delete 11.2.0.192.in-addr.arpa. IN PTR a.example.test.\n"
				  "update delete 11.2.0.192.in-addr.arpa. IN PTR b.example.test.\n"
				  "update delete 11.2.0.192.in-addr.arpa. IN PTR wrong.example.test.\n"
				  "update add 11.2.0.192.in-addr.arpa. 300 IN PTR app.example.test.\nsend\n"));
	assert_null(strstr(s, "z.example.test"));
	assert_null(strstr(s, "update delete 11.2.0.192.in-addr.arpa. IN PTR\n"));
	assert_null(strstr(s, "also fixes name-mismatch")); /* one finding, named once */
	assert_non_null(strstr(s, "prereq yxrrset 10.2.0.192.in-addr.arpa. IN PTR stray.example.test.\n"
				  "prereq yxrrset 10.2.0.192.in-addr.arpa. IN PTR web.example.test.\n"
				  "update delete 10.2.0.192.in-addr.arpa. IN PTR stray.example.test.\nsend\n"));
	assert_non_null(strstr(s, "prereq yxrrset h.example.test. IN A 192.0.2.99\n"
				  "update delete h.example.test. IN A 192.0.2.99\n"
				  "update add h.example.test. 300 IN A 192.0.2.20\nsend\n"));
	assert_null(strstr(s, "prereq nxrrset h.example.test."));
	assert_non_null(strstr(s, ";   also fixes dangling-dns|h.example.test\n"));
	assert_non_null(strstr(s, "prereq nxrrset 21.2.0.192.in-addr.arpa. IN PTR\n"));
	assert_non_null(strstr(s, "; refused delete observed record set holds a value that cannot be "
				  "written, or not the value to change: my_host.example.test. "
				  "(stale-dns|192.0.2.98)\n"));
	assert_null(strstr(s, "prereq yxrrset 98.2.0.192"));
	assert_int_equal(st.changes, 4);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.grouped, 3);
	free(s);
	s = nsupdate_script(db, true, &st);
	assert_non_null(strstr(s, "  replace PTR   11.2.0.192.in-addr.arpa. a.example.test. "
				  "b.example.test. wrong.example.test. -> app.example.test."));
	free(s);
	db_close(db);
}

static int count_host(void *arg, const struct db_rpt_host *h)
{
	int *n = arg;
	(*n)++;
	assert_string_equal(h->ip_text, "192.0.2.20");
	assert_int_equal(h->n_names, 1);
	assert_string_equal(h->names[0].origin, "dhcp");
	assert_int_equal(h->names[0].name.n, 10); /* "nul\0inside": NUL kept */
	assert_memory_equal(h->names[0].name.p, "nul\0inside", 10);
	return 0;
}

static int count_finding(void *arg, const struct db_rpt_finding *f)
{
	int *n = arg;
	if (strcmp(f->fingerprint, "broken|z") == 0)
		assert_false(f->evidence_valid || f->fix_valid);
	/* severity order: medium before low */
	if (*n == 0)
		assert_string_equal(f->severity, "critical");
	(*n)++;
	return 0;
}

static void read_side(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	int n = 0;
	assert_int_equal(db_rpt_hosts(db, count_host, &n), IPD_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(db_rpt_findings(db, 1, true, count_finding, &n), IPD_OK);
	assert_int_equal(n, 14);
	assert_int_equal(db_rpt_latest_audit(db), 1);
	assert_int_equal(db_rpt_prev_audit(db, 1), -1);
	char buf[64];
	assert_false(db_rpt_dns_server(db, buf, sizeof buf));
	db_close(db);
}

static void json_report_valid(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct rpt_ctx c = { .f = f, .db = db, .run_id = 1, .prev_run_id = -1, .what = RPT_ALL,
			     .now = 1700000000, .version = "t", .db_path = "r.db" };
	assert_int_equal(rpt_json.write(&c), IPD_OK);
	fclose(f);
	/* the broken evidence comes back as a string, the NUL in the lease
	 * name as \u0000: nothing raw below 0x20 except newlines */
	assert_non_null(strstr(mem, "\"fix_raw\":\"not json\""));
	assert_non_null(strstr(mem, "nul\\u0000inside"));
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)mem[i] >= 0x20 || mem[i] == '\n');
	free(mem);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_check),
		cmocka_unit_test(json_copy),
		cmocka_unit_test(registry),
		cmocka_unit_test_setup_teardown(out_files, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(nsupdate_shape, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(nsupdate_rrset, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(read_side, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(ipam_netbox_ids, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(ipam_subnet_choice, mkdir_setup, rmdir_teardown),
		cmocka_unit_test_setup_teardown(json_report_valid, mkdir_setup, rmdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
