/* MaxMind DB lookups (libmaxminddb; GeoLite2-Country/-City and -ASN layouts). */
#include "geo.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/log.h"
#include "../common/xmem.h"

struct geo {
	MMDB_s cc, asn;
	bool have_cc, have_asn;
};

static enum ipd_status open_one(const char *path, MMDB_s *db, const char *want, const char *opt)
{
	int rc = MMDB_open(path, MMDB_MODE_MMAP, db);
	if (rc != MMDB_SUCCESS) {
		log_warnx("%s %s: %s", opt, path, MMDB_strerror(rc));
		return IPD_EIO;
	}
	const char *type = db->metadata.database_type;
	if (!type || !strstr(type, want)) {
		log_warnx("%s %s: database type is \"%s\", expected a %s database", opt, path,
			  type ? type : "?", want);
		MMDB_close(db);
		return IPD_EINVAL;
	}
	return IPD_OK;
}

enum ipd_status geo_open(const char *country_db, const char *asn_db, struct geo **out)
{
	struct geo *g = xcalloc(1, sizeof *g);
	enum ipd_status st = IPD_OK;
	*out = NULL;
	if (country_db) {
		/* GeoLite2-Country, GeoLite2-City, GeoIP2-Country ... all carry country.iso_code */
		st = open_one(country_db, &g->cc, "Country", "--geoip-db");
		if (st == IPD_EINVAL && open_one(country_db, &g->cc, "City", "--geoip-db") == IPD_OK)
			st = IPD_OK;
		g->have_cc = st == IPD_OK;
	}
	if (st == IPD_OK && asn_db) {
		st = open_one(asn_db, &g->asn, "ASN", "--asn-db");
		g->have_asn = st == IPD_OK;
	}
	if (st != IPD_OK) {
		geo_close(g);
		return st;
	}
	*out = g;
	return IPD_OK;
}

void geo_close(struct geo *g)
{
	if (!g)
		return;
	if (g->have_cc)
		MMDB_close(&g->cc);
	if (g->have_asn)
		MMDB_close(&g->asn);
	free(g);
}

bool geo_have_asn(const struct geo *g) { return g && g->have_asn; }
bool geo_have_country(const struct geo *g) { return g && g->have_cc; }

static bool lookup(MMDB_s *db, const struct ipd_ip *ip, MMDB_lookup_result_s *r)
{
	struct sockaddr_in6 sa6;
	struct sockaddr_in sa4;
	struct sockaddr *sa;
	int merr;
	if (ipd_ip_is_v4(ip)) {
		memset(&sa4, 0, sizeof sa4);
		sa4.sin_family = AF_INET;
		memcpy(&sa4.sin_addr, ip->b + 12, 4);
		sa = (struct sockaddr *)&sa4;
	} else {
		memset(&sa6, 0, sizeof sa6);
		sa6.sin6_family = AF_INET6;
		memcpy(&sa6.sin6_addr, ip->b, 16);
		sa = (struct sockaddr *)&sa6;
	}
	*r = MMDB_lookup_sockaddr(db, sa, &merr);
	return merr == MMDB_SUCCESS && r->found_entry;
}

bool geo_lookup(struct geo *g, const struct ipd_ip *ip, struct geo_info *out)
{
	memset(out, 0, sizeof *out);
	if (!g)
		return false;
	MMDB_lookup_result_s r;
	MMDB_entry_data_s d;
	if (g->have_cc && lookup(&g->cc, ip, &r)) {
		if (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size < sizeof out->country) {
			memcpy(out->country, d.utf8_string, d.data_size); /* not NUL-terminated */
			out->country[d.data_size] = '\0';
			out->has_country = true;
		}
	}
	if (g->have_asn && lookup(&g->asn, ip, &r)) {
		if (MMDB_get_value(&r.entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
			out->asn = d.uint32;
			out->has_asn = true;
		}
		if (MMDB_get_value(&r.entry, &d, "autonomous_system_organization", NULL) ==
			    MMDB_SUCCESS && d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			size_t n = d.data_size < sizeof out->as_org - 1 ? d.data_size
								       : sizeof out->as_org - 1;
			memcpy(out->as_org, d.utf8_string, n);
			out->as_org[n] = '\0';
		}
	}
	return out->has_country || out->has_asn;
}
