/* CSV reader: RFC 4180 quoting, delimiters, BOM, CRLF, line numbers, errors,
 * bounds, and the same results from a stream as from memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/csv.h"

static struct csv_reader *mem(const char *s, const struct csv_opts *o)
{
	return csv_open_mem(s, strlen(s), o);
}

static void simple_records_and_lines(void **state)
{
	(void)state;
	struct csv_reader *r = mem("a,b,c\n1,2,3\n\n4,,6\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[0], "a");
	assert_string_equal(rec.f[2], "c");
	assert_int_equal(rec.line, 1);
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.f[1], "2");
	assert_int_equal(csv_next(r, &rec), IPD_OK); /* blank line skipped */
	assert_int_equal(rec.line, 4);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[1], "");
	assert_int_equal(rec.len[1], 0);
	assert_int_equal(csv_next(r, &rec), IPD_ENOTFOUND);
	csv_close(r);
}

static void quoted_newlines_and_doubled_quotes(void **state)
{
	(void)state;
	struct csv_reader *r = mem("ip,desc\r\n192.0.2.1,\"two\r\nlines, \"\"quoted\"\"\"\r\n192.0.2.2,x\r\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.f[1], "two\r\nlines, \"quoted\"");
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.line, 4); /* the embedded line break counts */
	assert_string_equal(rec.f[1], "x");
	assert_int_equal(csv_next(r, &rec), IPD_ENOTFOUND);
	csv_close(r);
}

static void bom_and_semicolon_detection(void **state)
{
	(void)state;
	struct csv_reader *r = mem("\xef\xbb\xbfSection;IP address;Hostname\nA;192.0.2.1;\"x;y\"\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_delim(r), ';');
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[0], "Section");
	assert_int_equal(csv_find(&rec, "ip address"), 1);
	assert_int_equal(csv_find(&rec, "HOSTNAME"), 2);
	assert_int_equal(csv_find(&rec, "mac"), -1);
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_string_equal(rec.f[2], "x;y");
	csv_close(r);
	/* commas win ties and when more frequent */
	r = mem("a,b;c\n", NULL);
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_delim(r), ',');
	assert_int_equal(rec.n, 2);
	csv_close(r);
}

static void unterminated_quote(void **state)
{
	(void)state;
	struct csv_reader *r = mem("a,b\n1,\"open\n2,3\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_next(r, &rec), IPD_EINVAL);
	assert_int_equal(csv_error_line(r), 2);
	assert_non_null(strstr(csv_error(r), "unterminated"));
	assert_int_equal(csv_next(r, &rec), IPD_ENOTFOUND);
	csv_close(r);
}

static void stray_quotes_resync(void **state)
{
	(void)state;
	struct csv_reader *r = mem("a,b\nx\"y,2\n\"q\"z,3\nok,4\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_next(r, &rec), IPD_EINVAL);
	assert_int_equal(csv_error_line(r), 2);
	assert_string_equal(csv_error(r), "stray quote in unquoted field");
	assert_int_equal(csv_next(r, &rec), IPD_EINVAL);
	assert_int_equal(csv_error_line(r), 3);
	assert_string_equal(csv_error(r), "stray character after closing quote");
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.f[0], "ok");
	csv_close(r);
}

static void no_quotes_mode_keeps_raw_quotes(void **state)
{
	(void)state;
	struct csv_opts o = { .delim = ',', .flags = CSV_NO_QUOTES };
	struct csv_reader *r = mem("192.0.2.102,evil&#x2c=cmd|x\"<b>,0\n", &o);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.f[1], "evil&#x2c=cmd|x\"<b>");
	csv_close(r);
}

static void bounds(void **state)
{
	(void)state;
	struct csv_opts o = { .max_field = 4, .max_fields = 3 };
	struct csv_reader *r = mem("abcd,e\nabcde,f\na,b,c,d\nz\n", &o);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(csv_next(r, &rec), IPD_EINVAL);
	assert_int_equal(csv_error_line(r), 2);
	assert_non_null(strstr(csv_error(r), "field longer"));
	assert_int_equal(csv_next(r, &rec), IPD_EINVAL);
	assert_int_equal(csv_error_line(r), 3);
	assert_non_null(strstr(csv_error(r), "more than 3 fields"));
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_string_equal(rec.f[0], "z");
	csv_close(r);
}

static void embedded_nul_and_no_final_newline(void **state)
{
	(void)state;
	static const char in[] = "a\0b,c";
	struct csv_reader *r = csv_open_mem(in, sizeof in - 1, NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.len[0], 3);
	assert_memory_equal(rec.f[0], "a\0b", 3);
	assert_string_equal(rec.f[1], "c");
	assert_int_equal(csv_next(r, &rec), IPD_ENOTFOUND);
	csv_close(r);
}

static void stream_matches_memory(void **state)
{
	(void)state;
	/* a big file whose records straddle the 64 KiB refill boundary */
	size_t cap = 400000, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	len += (size_t)sprintf(buf, "\xef\xbb\xbf" "address,dns_name\r\n");
	for (int i = 0; len < cap - 200; i++)
		len += (size_t)sprintf(buf + len, "192.0.2.%d/24,\"h%d\r\n\"\"x\"\"\"\r\n", i % 250, i);
	FILE *f = fmemopen(buf, len, "r");
	assert_non_null(f);
	struct csv_reader *a = csv_open_mem(buf, len, NULL), *b = csv_open_file(f, NULL);
	struct csv_record ra, rb;
	int n = 0;
	for (;;) {
		enum ipd_status sa = csv_next(a, &ra), sb = csv_next(b, &rb);
		assert_int_equal(sa, sb);
		if (sa != IPD_OK)
			break;
		assert_int_equal(ra.n, rb.n);
		assert_int_equal(ra.line, rb.line);
		for (size_t i = 0; i < ra.n; i++)
			assert_string_equal(ra.f[i], rb.f[i]);
		n++;
	}
	assert_true(n > 10000);
	assert_int_equal(ra.line, (unsigned long)(2 * (n - 1)));
	csv_close(a);
	csv_close(b);
	fclose(f);
	free(buf);
}

static void lone_cr_is_data(void **state)
{
	(void)state;
	struct csv_reader *r = mem("\rx,y\n", NULL);
	struct csv_record rec;
	assert_int_equal(csv_next(r, &rec), IPD_OK);
	assert_int_equal(rec.n, 2);
	assert_string_equal(rec.f[0], "\rx");
	csv_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_records_and_lines),
		cmocka_unit_test(quoted_newlines_and_doubled_quotes),
		cmocka_unit_test(bom_and_semicolon_detection),
		cmocka_unit_test(unterminated_quote),
		cmocka_unit_test(stray_quotes_resync),
		cmocka_unit_test(no_quotes_mode_keeps_raw_quotes),
		cmocka_unit_test(bounds),
		cmocka_unit_test(embedded_nul_and_no_final_newline),
		cmocka_unit_test(stream_matches_memory),
		cmocka_unit_test(lone_cr_is_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
