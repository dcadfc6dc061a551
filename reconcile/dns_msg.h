/*
 * DNS reply parser (RFC 1035 §4.1, name compression §4.1.4; AAAA RFC 3596).
 *
 * Why not ares_parse_ptr_reply(): c-ares 1.18.1 validates PTR targets as host
 * names and fails the whole reply (ARES_EBADRESP) when one holds a space or a
 * control byte, so hostile PTR data would turn into an "error" and be lost.
 * ipdrift must keep such names (raw) and flag them, so it walks the reply
 * itself. It also gives the TTL of every PTR and the SOA TTL of negative
 * answers, which c-ares's PTR parser does not.
 *
 * Name text: labels joined by '.', absolute (trailing '.'; the root is ".").
 * Label bytes are copied raw, except '.' -> "\.", '\' -> "\\" and NUL ->
 * "\000", so the text is unambiguous and C-string safe. Everything else
 * (spaces, control bytes, '<', bytes >= 0x80) is kept verbatim for the
 * hostname validator to flag.
 */
#ifndef IPD_DNS_MSG_H
#define IPD_DNS_MSG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/status.h"
#include "dns.h"

struct dns_msg_rr {
	uint16_t type;
	uint32_t ttl;
	const char *owner;   /* borrowed during the callback */
	const char *target;  /* PTR/CNAME: the name in the RDATA; else NULL */
	struct ipd_ip ip;    /* A/AAAA: the address */
};

struct dns_msg_info {
	uint16_t id;
	int rcode;
	bool qr, tc, aa;
	uint16_t qdcount, ancount, nscount, arcount;
	int64_t neg_ttl;     /* min(SOA TTL, SOA MINIMUM) of an authority SOA, else -1 */
};

typedef void (*dns_msg_rr_cb)(void *arg, const struct dns_msg_rr *rr);

/* Decode the (possibly compressed) name at *off in msg into out (absolute
 * text as above). Advances *off past the name in place. Returns false on a
 * malformed name: pointer out of range or looping, bad label type, wire
 * name over 255 octets, or out too small. */
bool dns_name_decode(const uint8_t *msg, size_t len, size_t *off, char *out, size_t outlen);

/* Parse a reply header, skip the question(s), call cb for every answer RR
 * of type qtype (A, AAAA or PTR; any owner, so CNAME chains and RFC 2317
 * delegations are followed as the server laid them out), and read the
 * authority section for a negative answer's SOA. Returns IPD_OK, or
 * IPD_ETRUNC / IPD_EINVAL for a malformed message (info still holds the
 * header when at least 12 bytes were there). */
enum ipd_status dns_msg_parse(const uint8_t *msg, size_t len, uint16_t qtype,
			      struct dns_msg_info *info, dns_msg_rr_cb cb, void *arg);

#endif
