/*
 * Validation of attacker-controlled names (DHCP option 12/81, PTR targets,
 * IPAM fields, lease files). Names are stored verbatim; these flags say what
 * is wrong with them so that reports can warn and fix writers can refuse.
 * Host name syntax: RFC 952/1123 (LDH labels); DNS lengths: RFC 1035 §2.3.4.
 */
#ifndef IPD_HOSTNAME_H
#define IPD_HOSTNAME_H
#include <stdbool.h>
#include <stddef.h>

enum hostname_flag {
	HOSTNAME_INVALID_LDH = 1 << 0,  /* not letters/digits/hyphen labels (incl. empty label, edge hyphen) */
	HOSTNAME_CONTROL     = 1 << 1,  /* C0 (incl. NUL, TAB, CR, LF), DEL, or C1 U+0080-009F */
	HOSTNAME_BAD_UTF8    = 1 << 2,  /* not well-formed UTF-8 (overlong, surrogate, truncated...) */
	HOSTNAME_FORMULA     = 1 << 3,  /* starts with = + - @ TAB CR NUL (CSV formula injection) */
	HOSTNAME_TOO_LONG    = 1 << 4,  /* a label > 63 bytes or the name > 253 */
	HOSTNAME_WHITESPACE  = 1 << 5,  /* space, TAB, CR, LF, VT, FF, NBSP, U+2028/2029 */
	HOSTNAME_SHELL       = 1 << 6,  /* shell/nsupdate metacharacters ; " ' \ ( ) $ @ ` | & < > { } * ? ! ~ [ ] */
	HOSTNAME_BIDI        = 1 << 7,  /* U+202A-202E, U+2066-2069, U+200E/200F ("Trojan Source") */
	HOSTNAME_HTML        = 1 << 8,  /* < > & " ' */
	HOSTNAME_NON_ASCII   = 1 << 9,  /* valid UTF-8 beyond ASCII (IDN in U-label form, homoglyphs) */
	HOSTNAME_UNDERSCORE  = 1 << 10, /* '_' (legal in DNS names, not in host names) */
	HOSTNAME_EMPTY       = 1 << 11, /* zero length */
};

/* Everything that makes a name dangerous to echo or to feed to a tool, as
 * opposed to merely non-conforming (INVALID_LDH, UNDERSCORE, TOO_LONG). */
#define HOSTNAME_HOSTILE (HOSTNAME_CONTROL | HOSTNAME_BAD_UTF8 | HOSTNAME_FORMULA | \
	HOSTNAME_WHITESPACE | HOSTNAME_SHELL | HOSTNAME_BIDI | HOSTNAME_HTML)

/* Flags for the len bytes at s (NUL bytes count as control bytes). A single
 * trailing dot (absolute name) is accepted. 0 means a clean LDH host name. */
unsigned hostname_check(const char *s, size_t len);
/* hostname_check on a NUL-terminated string. */
unsigned hostname_check_str(const char *s);

/* True when s may be written as an owner or PTR target into an nsupdate
 * script: non-empty, LDH labels of 1..63 bytes, name <= 253, optional
 * trailing dot, no underscores, nothing else. */
bool hostname_valid_nsupdate(const char *s, size_t len);

/* Comma-separated flag names ("control,bad-utf8"), "" for 0. Returns buf. */
char *hostname_flags_str(unsigned flags, char *buf, size_t len);
#define HOSTNAME_FLAGS_STRLEN 160

#endif
