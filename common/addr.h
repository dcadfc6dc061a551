/*
 * Addresses, prefixes and MACs shared by every module.
 *
 * An ipd_ip always holds 16 bytes in network order; IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d) so that one byte-wise comparison orders both families and
 * the store can range-query both with the same BLOB column.
 */
#ifndef IPD_ADDR_H
#define IPD_ADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPD_IP_STRLEN 46   /* INET6_ADDRSTRLEN */
#define IPD_PFX_STRLEN 50
#define IPD_MAC_STRLEN 18

struct ipd_ip {
	uint8_t b[16];
};

struct ipd_prefix {
	struct ipd_ip addr;  /* network address (host bits cleared) */
	uint8_t len;         /* in the family's bits: 0..32 for v4, 0..128 for v6 */
};

struct ipd_mac {
	uint8_t b[6];
};

/* --- IP --- */
void ipd_ip_from_v4(struct ipd_ip *ip, uint32_t v4_host_order);
void ipd_ip_from_v4_bytes(struct ipd_ip *ip, const uint8_t b[4]);
void ipd_ip_from_v6_bytes(struct ipd_ip *ip, const uint8_t b[16]);
bool ipd_ip_is_v4(const struct ipd_ip *ip);
uint32_t ipd_ip_v4(const struct ipd_ip *ip);    /* host order; ip must be v4 */
int ipd_ip_family(const struct ipd_ip *ip);       /* 4 or 6 */
int ipd_ip_cmp(const struct ipd_ip *a, const struct ipd_ip *b);
bool ipd_ip_eq(const struct ipd_ip *a, const struct ipd_ip *b);
/* Parse "192.0.2.1" or "2001:db8::1" (no prefix). Returns false when invalid. */
bool ipd_ip_parse(const char *s, struct ipd_ip *ip);
/* Format into buf (>= IPD_IP_STRLEN); returns buf. */
char *ipd_ip_fmt(const struct ipd_ip *ip, char *buf, size_t len);
/* ip + 1 within its family; false on wrap past the family's end. */
bool ipd_ip_next(struct ipd_ip *ip);
bool ipd_ip_is_unspecified(const struct ipd_ip *ip);
bool ipd_ip_is_link_local(const struct ipd_ip *ip);  /* fe80::/10 or 169.254/16 */
bool ipd_ip_is_multicast(const struct ipd_ip *ip);
/* Documentation, private, loopback, link-local, CGN, multicast, ULA, ...:
 * anything that is not globally routable unicast. */
bool ipd_ip_is_special(const struct ipd_ip *ip);
/* Reverse DNS name built from the address bytes, with trailing dot
 * ("1.2.0.192.in-addr.arpa." or the 32-nibble ip6.arpa form). buf >= 74. */
char *ipd_ip_reverse_name(const struct ipd_ip *ip, char *buf, size_t len);
#define IPD_REVNAME_LEN 74

/* --- prefixes --- */
/* Parse "192.0.2.0/24", "2001:db8::/32", or a bare address (host prefix).
 * Host bits are cleared when strict is false; rejected when strict is true. */
bool ipd_prefix_parse(const char *s, struct ipd_prefix *p, bool strict);
char *ipd_prefix_fmt(const struct ipd_prefix *p, char *buf, size_t len);
int ipd_prefix_maxlen(const struct ipd_prefix *p);   /* 32 or 128 */
void ipd_prefix_first(const struct ipd_prefix *p, struct ipd_ip *out);
void ipd_prefix_last(const struct ipd_prefix *p, struct ipd_ip *out);
bool ipd_prefix_contains(const struct ipd_prefix *p, const struct ipd_ip *ip);
/* Number of addresses, saturated at UINT64_MAX (a /64 or larger). */
uint64_t ipd_prefix_size(const struct ipd_prefix *p);
/* Prefix that contains ip, with length len (family bits). */
void ipd_prefix_of(const struct ipd_ip *ip, int len, struct ipd_prefix *out);

/* --- ranges "a-b" and sizes --- */
/* Parse "192.0.2.10-192.0.2.20", "192.0.2.10-20" (last octet) or a CIDR.
 * lo <= hi and same family, else false. */
bool ipd_range_parse(const char *s, struct ipd_ip *lo, struct ipd_ip *hi);
/* hi - lo + 1, saturated at UINT64_MAX. */
uint64_t ipd_range_size(const struct ipd_ip *lo, const struct ipd_ip *hi);

/* --- MAC --- */
/* Accepts aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff, aabbccddeeff,
 * and single-digit octets (a:b:c:d:e:f, as arp-scan and dhcpd write). */
bool ipd_mac_parse(const char *s, struct ipd_mac *m);
char *ipd_mac_fmt(const struct ipd_mac *m, char *buf, size_t len); /* lower-case colons */
bool ipd_mac_eq(const struct ipd_mac *a, const struct ipd_mac *b);
bool ipd_mac_is_zero(const struct ipd_mac *m);
bool ipd_mac_is_broadcast(const struct ipd_mac *m);
bool ipd_mac_is_multicast(const struct ipd_mac *m);     /* I/G bit */
bool ipd_mac_is_local(const struct ipd_mac *m);         /* U/L bit: locally administered */
/* Locally administered unicast: what randomised ("private") MACs look like. */
bool ipd_mac_is_random(const struct ipd_mac *m);
/* First-hop redundancy virtual MACs: VRRP v4 00:00:5e:00:01:xx, VRRP v6
 * 00:00:5e:00:02:xx, HSRPv1 00:00:0c:07:ac:xx, HSRPv2 00:00:0c:9f:fx:xx,
 * CARP uses the VRRP range. Returns the protocol name or NULL. */
const char *ipd_mac_fhrp(const struct ipd_mac *m);

#endif
