/* Resolver status and type vocabulary shared by the backends and the store. */
#include "dns.h"

#include <string.h>
#include <strings.h>

static const char *const status_names[DNS_STATUS_MAX] = {
	[DNS_OK] = "ok",           [DNS_NXDOMAIN] = "nxdomain", [DNS_NODATA] = "nodata",
	[DNS_SERVFAIL] = "servfail", [DNS_REFUSED] = "refused", [DNS_TIMEOUT] = "timeout",
	[DNS_ERROR] = "error",
};

const char *dns_status_name(enum dns_status s)
{
	return (unsigned)s < DNS_STATUS_MAX ? status_names[s] : "error";
}

bool dns_status_parse(const char *s, enum dns_status *out)
{
	for (int i = 0; i < DNS_STATUS_MAX; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum dns_status)i;
			return true;
		}
	return false;
}

bool dns_status_absent(enum dns_status s)
{
	return s == DNS_NXDOMAIN || s == DNS_NODATA;
}

/* RFC 1035 §4.1.1 RCODEs; everything past REFUSED (and FORMERR/NOTIMP) is an
 * error, never "absent". */
enum dns_status dns_status_from_rcode(int rcode, bool have_answer)
{
	switch (rcode) {
	case 0: return have_answer ? DNS_OK : DNS_NODATA;
	case 2: return DNS_SERVFAIL;
	case 3: return DNS_NXDOMAIN;
	case 5: return DNS_REFUSED;
	default: return DNS_ERROR;
	}
}

static const struct {
	enum dns_qtype t;
	const char *name;
} qtypes[] = {
	{ DNS_T_A, "A" }, { DNS_T_PTR, "PTR" }, { DNS_T_AAAA, "AAAA" },
};

const char *dns_qtype_name(enum dns_qtype t)
{
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++)
		if (qtypes[i].t == t)
			return qtypes[i].name;
	return "?";
}

bool dns_qtype_parse(const char *s, enum dns_qtype *out)
{
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++)
		if (strcasecmp(s, qtypes[i].name) == 0) {
			*out = qtypes[i].t;
			return true;
		}
	return false;
}
