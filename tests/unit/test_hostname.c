/* Host name flags: each class of hostile or non-conforming name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>

#include "../../common/hostname.h"

#define F(s) hostname_check((s), sizeof(s) - 1)

static void clean_names(void **state)
{
	(void)state;
	assert_int_equal(F("web"), 0);
	assert_int_equal(F("web-1.example.test"), 0);
	assert_int_equal(F("web-1.example.test."), 0);
	assert_int_equal(F("1host.example"), 0);
	assert_true(hostname_valid_nsupdate("laptop-1.example.test.", 22));
}

static void ldh_violations(void **state)
{
	(void)state;
	assert_int_equal(F("_dmarc.example.test"), HOSTNAME_INVALID_LDH | HOSTNAME_UNDERSCORE);
	assert_false(hostname_valid_nsupdate("_dmarc.example.test", 19));
	assert_int_equal(F("a..b"), HOSTNAME_INVALID_LDH);
	assert_int_equal(F(".a"), HOSTNAME_INVALID_LDH);
	assert_int_equal(F("a-.b"), HOSTNAME_INVALID_LDH);
	assert_int_equal(F("a.-b"), HOSTNAME_INVALID_LDH);
	assert_int_equal(F("."), HOSTNAME_INVALID_LDH);
	assert_int_equal(F(""), HOSTNAME_INVALID_LDH | HOSTNAME_EMPTY);
	assert_false(hostname_valid_nsupdate("", 0));
	assert_int_equal(F("a*b"), HOSTNAME_INVALID_LDH | HOSTNAME_SHELL);
}

static void formula_and_meta(void **state)
{
	(void)state;
	assert_true(F("=cmd|' /C calc'!A0") & HOSTNAME_FORMULA);
	assert_true(F("=cmd|' /C calc'!A0") & HOSTNAME_SHELL);
	assert_true(F("+1") & HOSTNAME_FORMULA);
	assert_true(F("-x") & HOSTNAME_FORMULA);
	assert_true(F("@x") & HOSTNAME_FORMULA);
	assert_true(F("\tx") & HOSTNAME_FORMULA);
	assert_true(F("\rx") & HOSTNAME_FORMULA);
	assert_false(F("x=1") & HOSTNAME_FORMULA);
	assert_true(F("a;rm -rf /") & HOSTNAME_SHELL);
	assert_true(F("$(id)") & HOSTNAME_SHELL);
	assert_true(F("a`id`") & HOSTNAME_SHELL);
	assert_true(F("a\\b") & HOSTNAME_SHELL);
	unsigned h = F("<script>alert(1)</script>");
	assert_true(h & HOSTNAME_HTML);
	assert_true(h & HOSTNAME_SHELL);
	assert_true(h & HOSTNAME_INVALID_LDH);
}

static void control_whitespace(void **state)
{
	(void)state;
	assert_int_equal(F("a\nb"), HOSTNAME_INVALID_LDH | HOSTNAME_CONTROL | HOSTNAME_WHITESPACE);
	assert_int_equal(F("a b"), HOSTNAME_INVALID_LDH | HOSTNAME_WHITESPACE);
	assert_true(F("a\x1b[31mred") & HOSTNAME_CONTROL);
	assert_true(F("a\x7f") & HOSTNAME_CONTROL);
	assert_true(F("a\0b") & HOSTNAME_CONTROL);
	assert_true(F("a\xc2\x85") & HOSTNAME_CONTROL);    /* U+0085 NEL (C1) */
	assert_true(F("a\xc2\xa0") & HOSTNAME_WHITESPACE); /* NBSP */
}

static void utf8_and_bidi(void **state)
{
	(void)state;
	assert_int_equal(F("caf\xc3\xa9"), HOSTNAME_INVALID_LDH | HOSTNAME_NON_ASCII);
	assert_int_equal(F("a\xff"), HOSTNAME_INVALID_LDH | HOSTNAME_BAD_UTF8);
	assert_true(F("a\xc0\xaf") & HOSTNAME_BAD_UTF8);      /* overlong '/' */
	assert_true(F("a\xed\xa0\x80") & HOSTNAME_BAD_UTF8);  /* surrogate */
	assert_true(F("a\xe2\x82") & HOSTNAME_BAD_UTF8);      /* truncated */
	assert_true(F("adm\xe2\x80\xaein") & HOSTNAME_BIDI);  /* U+202E RLO */
	assert_true(F("x\xe2\x81\xa6y") & HOSTNAME_BIDI);     /* U+2066 LRI */
	assert_false(F("x\xe2\x82\xacy") & HOSTNAME_BIDI);    /* euro sign */
}

static void lengths(void **state)
{
	(void)state;
	char b[300];
	memset(b, 'a', 63);
	assert_int_equal(hostname_check(b, 63), 0);
	memset(b, 'a', 64);
	assert_int_equal(hostname_check(b, 64), HOSTNAME_TOO_LONG);
	/* 4 labels of 63 + 3 dots = 255 > 253 */
	for (int i = 0; i < 4; i++) {
		memset(b + i * 64, 'a', 63);
		if (i < 3)
			b[i * 64 + 63] = '.';
	}
	assert_int_equal(hostname_check(b, 255), HOSTNAME_TOO_LONG);
	assert_int_equal(hostname_check(b, 253), 0); /* last label 61 */
	b[253] = '.';
	assert_int_equal(hostname_check(b, 254), 0); /* trailing dot does not count */
	assert_false(hostname_valid_nsupdate(b, 255));
}

/* Every ASCII byte in the middle of a name gets exactly the classes the
 * documented character sets give it (guards the precomputed table). */
static void every_ascii_byte(void **state)
{
	(void)state;
	for (int c = 0; c < 128; c++) {
		char b[3] = { 'a', (char)c, 'b' };
		unsigned want = 0;
		bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   c == '-' || c == '.';
		if (!ldh)
			want |= HOSTNAME_INVALID_LDH;
		if (c < 0x20 || c == 0x7f)
			want |= HOSTNAME_CONTROL;
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			want |= HOSTNAME_WHITESPACE;
		if (c && strchr(";\"'\\()$@`|&<>{}*?!~[]", c))
			want |= HOSTNAME_SHELL;
		if (c && strchr("<>&\"'", c))
			want |= HOSTNAME_HTML;
		if (c == '_')
			want |= HOSTNAME_UNDERSCORE;
		if (hostname_check(b, 3) != want)
			fail_msg("byte 0x%02x: flags 0x%x, want 0x%x", c, hostname_check(b, 3), want);
	}
}

static void flag_names(void **state)
{
	(void)state;
	char buf[HOSTNAME_FLAGS_STRLEN];
	assert_string_equal(hostname_flags_str(0, buf, sizeof buf), "");
	assert_string_equal(hostname_flags_str(HOSTNAME_CONTROL | HOSTNAME_BIDI, buf, sizeof buf),
			    "control,bidi");
	assert_string_equal(hostname_flags_str(HOSTNAME_EMPTY, buf, sizeof buf), "empty");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_names),
		cmocka_unit_test(ldh_violations),
		cmocka_unit_test(formula_and_meta),
		cmocka_unit_test(control_whitespace),
		cmocka_unit_test(utf8_and_bidi),
		cmocka_unit_test(lengths),
		cmocka_unit_test(every_ascii_byte),
		cmocka_unit_test(flag_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
