/*
 * Escaping of untrusted strings for each output context, and a growable
 * string buffer.
 *
 * Every name that came from the wire (DHCP hostnames, PTR targets, mDNS),
 * from an IPAM export or from a vendor registry is attacker-controlled. Each
 * writer passes such strings through the function for its context; nothing
 * else may print them. All functions take (pointer, length) so NUL bytes
 * inside a value are handled; the *_str helpers take C strings.
 *
 *   JSON  (RFC 8259): '"', '\\' and U+0000..U+001F escaped (short forms for
 *         \b \f \n \r \t, \u00XX otherwise); U+2028/U+2029 as \u2028/\u2029
 *         and bidi controls (as for HTML below) as \uXXXX, so a terminal or
 *         editor showing the JSON cannot reorder it (a decoder gets the same
 *         string back); "</" as "<\/" so the text is also safe inside an HTML
 *         <script type="application/json"> block. Invalid UTF-8 (bad lead
 *         byte, truncated sequence, overlong form, surrogate, > U+10FFFF)
 *         becomes U+FFFD, one per offending byte: the output is always valid
 *         JSON.
 *   HTML  text and quoted attribute values: & < > " ' -> &amp; &lt; &gt;
 *         &quot; &#x27;. Invalid UTF-8 -> U+FFFD. Control characters (C0 other
 *         than TAB/LF, DEL, C1) and bidi controls (U+202A..U+202E,
 *         U+2066..U+2069, U+200E/U+200F, U+061C) are shown visibly as \xHH /
 *         \u202E so they can neither break the layout nor reorder the text an
 *         auditor reads ("Trojan Source", CVE-2021-42574).
 *   CSV   (RFC 4180) one cell: quoted when it holds ',' ';' '"' CR or LF
 *         (';' too, for spreadsheets set to a ';' delimiter). Invalid
 *         UTF-8 -> U+FFFD; C0 controls other than TAB/CR/LF, DEL and C1
 *         controls -> \xHH (NUL truncates some readers, ESC sequences act
 *         when the file is shown in a terminal). (inner
 *         '"' doubled). Invalid UTF-8 -> U+FFFD. Formula-injection defence
 *         (OWASP "CSV Injection", CWE-1236): a cell whose first byte is
 *         = + - @ TAB CR or NUL gets a leading apostrophe and is quoted. This
 *         CHANGES THE VALUE: "-1" becomes "'-1". Writers use esc_csv() only on
 *         cells holding external data and esc_csv_plain() for numbers and
 *         values the program made itself.
 *   TERM  for terminals and logs: C0 controls (incl. TAB, LF, ESC), DEL, C1
 *         controls (raw byte or UTF-8 encoded) and every byte of invalid
 *         UTF-8 -> \xHH; '\\' -> "\\\\" so the form is unambiguous; bidi
 *         controls -> \u202E. Printable UTF-8 passes through.
 */
#ifndef IPD_ESCAPE_H
#define IPD_ESCAPE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* --- growable buffer; always NUL-terminated after any call --- */
struct sbuf {
	char *s;      /* NULL until the first append; sbuf_str() never returns NULL */
	size_t len, cap;
};
#define SBUF_INIT { NULL, 0, 0 }
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);     /* len = 0, keeps the memory */
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sbuf_str(const struct sbuf *b);
/* Hand the string to the caller (free() it); b is reset to empty. */
char *sbuf_detach(struct sbuf *b);

/* --- where escaped output goes: exactly one of f / b is set --- */
struct esc_out {
	FILE *f;
	struct sbuf *b;
};
#define ESC_FILE(fp) (&(const struct esc_out){ .f = (fp), .b = NULL })
#define ESC_BUF(bp) (&(const struct esc_out){ .f = NULL, .b = (bp) })

/* Raw (already safe) output to either target. */
void esc_raw(const struct esc_out *o, const char *s, size_t n);
void esc_raws(const struct esc_out *o, const char *s);

/* Body of a JSON string (no quotes). */
void esc_json(const struct esc_out *o, const char *s, size_t n);
/* "..." with quotes; s == NULL writes null. */
void esc_json_str(const struct esc_out *o, const char *s);
void esc_json_strn(const struct esc_out *o, const char *s, size_t n);

void esc_html(const struct esc_out *o, const char *s, size_t n);
void esc_html_str(const struct esc_out *o, const char *s); /* NULL writes nothing */
/* Element content only (never attributes): as esc_html but '"' and '\''
 * stay as they are, which keeps bulky JSON evidence readable and small. */
void esc_html_text(const struct esc_out *o, const char *s, size_t n);

/* One CSV cell with formula defence (external data). NULL = empty cell. */
void esc_csv(const struct esc_out *o, const char *s, size_t n);
void esc_csv_str(const struct esc_out *o, const char *s);
/* One CSV cell without formula defence (numbers, our own vocabulary). */
void esc_csv_plain(const struct esc_out *o, const char *s);

void esc_term(const struct esc_out *o, const char *s, size_t n);
void esc_term_str(const struct esc_out *o, const char *s);
/* Convenience: escaped for the terminal into a fresh heap string. */
char *esc_term_dup(const char *s);

/* --- classification, for flagging in reports --- */
enum esc_flag {
	ESC_F_INVALID_UTF8 = 1, /* bad/overlong/surrogate/truncated sequence */
	ESC_F_CONTROL = 2,      /* C0, DEL or C1 control (incl. NUL, ESC) */
	ESC_F_BIDI = 4,         /* bidi override/isolate/mark */
	ESC_F_FORMULA = 8,      /* first byte is = + - @ TAB CR NUL */
};
unsigned esc_classify(const char *s, size_t n);

/* Decode one UTF-8 code point at s[0..n). Returns the number of bytes used
 * (>= 1) and stores the code point in *cp, or returns 0 when the sequence at
 * s is invalid (then exactly one byte should be skipped). n must be >= 1. */
size_t esc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
