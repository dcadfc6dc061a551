/* OUI vendor lookup: longest prefix over MA-L/MA-M/MA-S, quoted newlines in
 * the CSVs, LA MACs, override file, the real ieee-data registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/oui.h"

static char dir[64];

static void writef(const char *name, const char *text)
{
	char p[128];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ipdrift-oui-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* The address of 001122 holds a quoted newline and a comma: a line-based
	 * reader would turn "STE 102 ..." into a bogus row and lose A4BBCC. */
	writef("oui.csv",
	       "Registry,Assignment,Organization Name,Organization Address\r\n"
	       "MA-L,001122,\"Vendor L, Inc.\",\"1 Long Road\r\nSTE 102 Town\"\r\n"
	       "MA-L,A4BBCC,After Newline Ltd,Street\r\n"
	       "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane\r\n"
	       "MA-L,ZZZZZZ,Bad Hex,x\r\n");
	writef("mam.csv",
	       "Registry,Assignment,Organization Name,Organization Address\n"
	       "MA-M,0011223,Vendor M,\"a\nb\"\n"
	       "MA-M,741AE09,Private,\n");
	writef("oui36.csv",
	       "Registry,Assignment,Organization Name,Organization Address\n"
	       "MA-S,001122334,Vendor S,addr\n"
	       "MA-S,70B3D5F2F,TELEPLATFORMS,\"Polbina st., 3/1 Moscow\"\n");
	writef("vendor.txt",
	       "# local names (mac-vendor(5))\n"
	       "52:54:00\tQEMU\n"
	       "00:00:5e:00:01\tVRRP\n"
	       "00-11-22-33-44-55\tThat One Box\n"
	       "xyz\tbroken line\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = { "oui.csv", "mam.csv", "oui36.csv", "vendor.txt" };
	for (size_t i = 0; i < 4; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static struct ipd_mac M(const char *s)
{
	struct ipd_mac m;
	assert_true(ipd_mac_parse(s, &m));
	return m;
}

static void longest_prefix_wins(void **state)
{
	(void)state;
	struct oui_db *db = oui_new(dir, NULL);
	struct oui_result r;
	struct ipd_mac m = M("00:11:22:33:44:55");
	oui_lookup(db, &m, &r);
	assert_int_equal(r.match, OUI_REGISTRY);
	assert_int_equal(r.bits, 36);
	assert_string_equal(r.vendor, "Vendor S");
	assert_string_equal(r.registry, "MA-S");
	m = M("00:11:22:3f:00:00");
	oui_lookup(db, &m, &r);
	assert_int_equal(r.bits, 28);
	assert_string_equal(r.vendor, "Vendor M");
	m = M("00:11:22:ff:00:00");
	oui_lookup(db, &m, &r);
	assert_int_equal(r.bits, 24);
	assert_string_equal(r.vendor, "Vendor L, Inc.");
	/* MA-S block inside the registration authority's MA-L */
	m = M("70:b3:d5:f2:f0:01");
	assert_string_equal(oui_vendor(db, &m), "TELEPLATFORMS");
	m = M("70:b3:d5:00:00:01");
	assert_string_equal(oui_vendor(db, &m), "IEEE Registration Authority");
	oui_free(db);
}

static void quoted_newlines_do_not_split_rows(void **state)
{
	(void)state;
	struct oui_db *db = oui_new(dir, NULL);
	/* 4 MA-L rows minus the bad hex, 2 MA-M, 2 MA-S */
	assert_int_equal(oui_load(db), 3 + 2 + 2);
	struct ipd_mac m = M("a4:bb:cc:00:00:01");
	const char *v = oui_vendor(db, &m);
	assert_non_null(v);
	assert_string_equal(v, "After Newline Ltd");
	oui_free(db);
}

static void unknown_and_local(void **state)
{
	(void)state;
	struct oui_db *db = oui_new(dir, NULL);
	struct ipd_mac m = M("00:99:99:00:00:01");
	assert_null(oui_vendor(db, &m));
	struct oui_result r;
	oui_lookup(db, &m, &r);
	assert_int_equal(r.match, OUI_UNKNOWN);
	/* locally administered unicast: 2/6/a/e as second hex digit */
	const char *la[] = { "02:11:22:00:00:01", "a6:00:00:00:00:01", "5e:00:00:00:00:01",
			     "fe:ff:ff:00:00:01" };
	for (size_t i = 0; i < 4; i++) {
		m = M(la[i]);
		oui_lookup(db, &m, &r);
		assert_int_equal(r.match, OUI_LOCAL);
		assert_string_equal(r.vendor, OUI_LA_VENDOR);
	}
	/* a universally administered multicast is not "LA" */
	m = M("01:00:5e:00:00:01");
	oui_lookup(db, &m, &r);
	assert_int_not_equal(r.match, OUI_LOCAL);
	oui_free(db);
}

static void override_file(void **state)
{
	(void)state;
	char p[128];
	snprintf(p, sizeof p, "%s/vendor.txt", dir);
	struct oui_db *db = oui_new(dir, p);
	struct oui_result r;
	/* 52:54:00 is LA, but the local file names it */
	struct ipd_mac m = M("52:54:00:12:34:56");
	oui_lookup(db, &m, &r);
	assert_int_equal(r.match, OUI_OVERRIDE);
	assert_string_equal(r.vendor, "QEMU");
	assert_int_equal(r.bits, 24);
	m = M("00:00:5e:00:01:07");
	assert_string_equal(oui_vendor(db, &m), "VRRP");
	/* full 48-bit override beats the MA-S entry */
	m = M("00:11:22:33:44:55");
	assert_string_equal(oui_vendor(db, &m), "That One Box");
	m = M("00:11:22:33:44:56");
	assert_string_equal(oui_vendor(db, &m), "Vendor S");
	oui_free(db);
}

static void missing_registry_is_not_fatal(void **state)
{
	(void)state;
	struct oui_db *db = oui_new("/nonexistent/ieee-data", NULL);
	assert_int_equal(oui_load(db), 0);
	struct ipd_mac m = M("f4:bd:9e:00:00:01");
	assert_null(oui_vendor(db, &m));
	m = M("02:00:00:00:00:01");
	assert_string_equal(oui_vendor(db, &m), OUI_LA_VENDOR);
	oui_free(db);
}

static void real_ieee_data(void **state)
{
	(void)state;
	if (access(OUI_DEFAULT_DIR "/oui.csv", R_OK) != 0) {
		skip();
	}
	struct oui_db *db = oui_default();
	long n = oui_load(db);
	assert_true(n > 30000);
	struct ipd_mac m = M("f4:bd:9e:01:02:03");
	assert_string_equal(oui_vendor(db, &m), "Cisco Systems, Inc");
	/* the row after Aviva Links' two-line address */
	m = M("e0:ca:3c:00:00:01");
	assert_string_equal(oui_vendor(db, &m), "Hangzhou Hikvision Digital Technology Co.,Ltd.");
	m = M("c4:04:d8:00:00:01");
	assert_string_equal(oui_vendor(db, &m), "Aviva Links Inc.");
	m = M("70:b3:d5:f2:f0:01");
	assert_string_equal(oui_vendor(db, &m), "TELEPLATFORMS");
	assert_ptr_equal(oui_default(), db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(longest_prefix_wins),
		cmocka_unit_test(quoted_newlines_do_not_split_rows),
		cmocka_unit_test(unknown_and_local),
		cmocka_unit_test(override_file),
		cmocka_unit_test(missing_registry_is_not_fatal),
		cmocka_unit_test(real_ieee_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
