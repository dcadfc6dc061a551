/* Helpers shared by the lease parsers (ISC, Kea, dnsmasq). */
#ifndef IPD_IMPORT_LEASE_UTIL_H
#define IPD_IMPORT_LEASE_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/addr.h"

/* Bytes → "01:02:0a" (lower-case hex with colons) into out (>= 3*n). */
void lease_hex(const uint8_t *b, size_t n, char *out, size_t outlen);
/* Parse "01:02:0a" (also 1-digit groups, '-' separators) into bytes. */
bool lease_unhex(const char *s, uint8_t *b, size_t cap, size_t *n);
/* MAC from a DUID-LLT (type 1) or DUID-LL (type 3) with hardware type 1. */
bool lease_duid_mac(const uint8_t *duid, size_t n, struct ipd_mac *mac);
/* Read a whole stream into a NUL-terminated heap buffer (NULL f = empty). */
char *lease_slurp(FILE *f, size_t *len);

#endif
