/*
 * Country and ASN of public addresses from MaxMind databases (libmaxminddb):
 * a GeoLite2-Country (or -City) file for the country and a GeoLite2-ASN file
 * for the AS number and organisation. database_type is checked on open, so a
 * swapped --geoip-db / --asn-db is an error instead of silent empty answers.
 */
#ifndef IPD_GEO_H
#define IPD_GEO_H
#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/status.h"

struct geo;

struct geo_info {
	bool has_country, has_asn;
	char country[4];       /* ISO 3166-1 alpha-2 */
	uint32_t asn;
	char as_org[128];
};

/* Either path may be NULL. IPD_EINVAL when a file is not the expected type,
 * IPD_EIO when it cannot be opened (logged). */
enum ipd_status geo_open(const char *country_db, const char *asn_db, struct geo **out);
void geo_close(struct geo *g);
bool geo_have_asn(const struct geo *g);
bool geo_have_country(const struct geo *g);
/* Fill *out; false when neither database knows the address. */
bool geo_lookup(struct geo *g, const struct ipd_ip *ip, struct geo_info *out);

#endif
