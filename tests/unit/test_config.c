/* Configuration parser: values land in the right fields, every error names
 * FILE:LINE, parsing goes on after an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../app/config.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ipdrift-cfg-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[160];
	unlink(path);
	snprintf(p, sizeof p, "%s/in.csv", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* Load text; returns the error count; *msgs gets the diagnostics. */
static int load(const char *text, struct config **cfg, char **msgs)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	size_t len;
	FILE *errf = open_memstream(msgs, &len);
	int n = config_load(path, errf, cfg);
	fclose(errf);
	return n;
}

static void full_config_values(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof p, "%s/in.csv", dir);
	FILE *f = fopen(p, "w");
	fclose(f);
	struct config *c;
	char *msgs;
	int n = load("# comment\n"
		     "database = /var/lib/ipdrift/x.db\n"
		     "\n"
		     "[segment lan1]\n"
		     "interface = eth0\n"
		     "targets = 192.0.2.0/24, 198.51.100.1-198.51.100.9\n"
		     "targets = @in.csv\n"
		     "vlan = 12   # tagged\n"
		     "rate = 250\n"
		     "ipv6 = no\n"
		     "[segment b]\n"
		     "interface = eth1\n"
		     "[listen]\n"
		     "window = 20\n"
		     "[dns]\n"
		     "servers = 192.0.2.53 [2001:db8::53]:5353\n"
		     "enabled = yes\n"
		     "[import]\n"
		     "allocations = in.csv netbox source=nb\n"
		     "[audit]\n"
		     "fail_on = medium\n"
		     "own_asn = AS64496\n"
		     "[report]\n"
		     "html = r.html\n"
		     "csv = /abs/r.csv\n"
		     "[fix]\n"
		     "nsupdate = fix.ns\n"
		     "ttl = 0\n",
		     &c, &msgs);
	assert_string_equal(msgs, "");
	free(msgs);
	assert_int_equal(n, 0);
	assert_non_null(c);
	assert_string_equal(c->database, "/var/lib/ipdrift/x.db");
	assert_int_equal(c->nseg, 2);
	assert_string_equal(c->seg[0].name, "lan1");
	assert_string_equal(c->seg[0].iface, "eth0");
	assert_int_equal(c->seg[0].targets.n, 3);
	assert_string_equal(c->seg[0].targets.v[1], "198.51.100.1-198.51.100.9");
	char want[200];
	snprintf(want, sizeof want, "@%s/in.csv", dir);
	assert_string_equal(c->seg[0].targets.v[2], want);
	assert_int_equal(c->seg[0].vlan, 12);
	assert_int_equal(c->seg[0].rate, 250);
	assert_int_equal(c->seg[0].ipv6, 0);
	assert_int_equal(c->seg[0].ipv4, -1);
	assert_int_equal(c->seg[1].retries, -1);
	assert_int_equal(c->listen_window, 20);
	assert_int_equal(c->dns_servers.n, 2);
	assert_string_equal(c->dns_servers.v[1], "[2001:db8::53]:5353");
	assert_int_equal(c->nimports, 1);
	assert_string_equal(c->imports[0].kind, "allocations");
	assert_string_equal(c->imports[0].format, "netbox");
	assert_string_equal(c->imports[0].source, "nb");
	assert_string_equal(c->imports[0].path, want + 1);
	assert_string_equal(c->fail_on, "medium");
	assert_string_equal(c->own_asn.v[0], "64496");
	assert_int_equal(c->nreports, 2);
	snprintf(want, sizeof want, "%s/r.html", dir);
	assert_string_equal(c->reports[0].path, want);
	assert_string_equal(c->reports[1].format, "csv");
	assert_int_equal(c->nsupdate_ttl, 0);
	config_free(c);
}

struct bad {
	const char *text;
	const char *msg; /* expected diagnostics after "PATH:" */
};

static const struct bad bad[] = {
	{ "foo = 1\n", "1: unknown key \"foo\" (before any section: database, lock, user, sensor, stage_timeout)\n" },
	{ "\n[nope]\nx = 1\n", "2: unknown section [nope]\n" },
	{ "[dns]\nservers = 192.0.2.1\nspeed = 3\n", "3: unknown key \"speed\" in [dns]\n" },
	{ "[segment a]\ninterface = e0\nbogus = 1\n", "3: unknown key \"bogus\" in [segment a]\n" },
	{ "[segment a]\ninterface = e0\nvlan = 0\n", "3: vlan: expected an integer from 1 to 4094, not \"0\"\n" },
	{ "[segment a]\ninterface = e0\ntargets = 192.0.2.0/24 x\n",
	  "3: targets: \"x\" is not a CIDR, a range a-b or @FILE\n" },
	{ "[segment a]\ninterface = e0\ntargets = 2001:db8::/64\n",
	  "3: targets: \"2001:db8::/64\": IPv6 ranges cannot be swept; list addresses in targets6\n" },
	{ "[segment a]\n", "1: segment \"a\": missing interface\n" },
	{ "[segment a]\ninterface = e0\n[segment a]\ninterface = e1\n",
	  "3: segment \"a\" already defined at line 1\n" },
	{ "database = /a\ndatabase = /b\n", "2: database: already set at line 1\n" },
	{ "[audit]\nfail_on = high\n[audit]\nfail_on = low\n", "4: fail_on: already set at line 2\n" },
	{ "[audit]\nfail_on = urgent\n",
	  "2: fail_on: unknown severity \"urgent\" (critical high medium low info)\n" },
	{ "[audit]\nown_prefix = 192.0.2.1/24\n",
	  "2: own_prefix: \"192.0.2.1/24\" is not a CIDR prefix (host bits must be zero)\n" },
	{ "[dns]\nservers = 192.0.2.1:99999\n",
	  "2: servers: \"192.0.2.1:99999\" is not IP, IPv4:PORT or [IPv6]:PORT\n" },
	{ "[listen]\nwindow = 5\n",
	  "2: window: no interface to listen on (no [listen] interfaces, no segment)\n" },
	{ "[import]\nleases = x.leases kea9\n", "2: leases: unknown format \"kea9\"\n" },
	{ "[report]\npdf = r.pdf\n", "2: unknown report format \"pdf\" (html csv json ndjson)\n" },
	{ "[fix]\nttl = 5\n", "2: ttl: no nsupdate script to write\n" },
	{ "just words\n", "1: expected \"key = value\" or \"[section]\"\n" },
	{ "[dns\n", "1: section header must end with ']'\n" },
	{ "[dns]\ntimeout =\n", "2: timeout: missing value\n" },
	{ "user = a\x01b\n", "1: control character in line\n" },
};

static void each_error_names_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config *c = (struct config *)1;
		char *msgs;
		int n = load(bad[i].text, &c, &msgs);
		char want[512];
		snprintf(want, sizeof want, "%s:%s", path, bad[i].msg);
		if (strcmp(msgs, want) != 0)
			print_error("case %zu: got \"%s\" want \"%s\"\n", i, msgs, want);
		assert_string_equal(msgs, want);
		assert_int_equal(n, 1);
		assert_null(c);
		free(msgs);
	}
}

static void keeps_going_after_errors(void **state)
{
	(void)state;
	struct config *c;
	char *msgs;
	int n = load("a = 1\n[dns]\ntimeout = x\ntries = 0\n[x]\nfoo = bar\n[audit]\nstale_days = 9q\n",
		     &c, &msgs);
	assert_int_equal(n, 5); /* a, timeout, tries, [x], stale_days; foo under [x] is not */
	assert_non_null(strstr(msgs, "t.conf:8: stale_days"));
	free(msgs);
	assert_null(c);
}

static void missing_file_and_warnings(void **state)
{
	(void)state;
	struct config *c;
	char *msgs;
	size_t len;
	FILE *errf = open_memstream(&msgs, &len);
	int n = config_load("/nonexistent/ipdrift.conf", errf, &c);
	fclose(errf);
	assert_int_equal(n, 1);
	assert_string_equal(msgs, "/nonexistent/ipdrift.conf: No such file or directory\n");
	free(msgs);
	/* an unreadable input file is a warning, not an error */
	n = load("[audit]\nsuppressions = /nonexistent/supp\n", &c, &msgs);
	assert_int_equal(n, 0);
	assert_non_null(c);
	assert_non_null(strstr(msgs, ":2: warning: suppressions: /nonexistent/supp:"));
	config_free(c);
	free(msgs);
}

static void check_config_exit_codes(void **state)
{
	(void)state;
	FILE *f = fopen(path, "w");
	fputs("[listen]\nwindow = 0\n", f);
	fclose(f);
	char *o, *e;
	size_t ol, el;
	FILE *out = open_memstream(&o, &ol), *err = open_memstream(&e, &el);
	assert_int_equal(config_check(path, out, err), 0);
	fclose(out);
	fclose(err);
	assert_string_equal(o, "configuration OK\n");
	assert_string_equal(e, "");
	free(o);
	free(e);
	f = fopen(path, "w");
	fputs("[listen]\nwindow = -1\n", f);
	fclose(f);
	out = open_memstream(&o, &ol);
	err = open_memstream(&e, &el);
	assert_int_equal(config_check(path, out, err), 78);
	fclose(out);
	fclose(err);
	assert_string_equal(o, "");
	assert_non_null(strstr(e, "t.conf:2: window:"));
	assert_non_null(strstr(e, "t.conf: 1 error\n"));
	free(o);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(full_config_values, setup, teardown),
		cmocka_unit_test_setup_teardown(each_error_names_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(keeps_going_after_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_file_and_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(check_config_exit_codes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
