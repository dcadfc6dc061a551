/*
 * ipdrift.conf(5) parser: `[section]`, `[segment NAME]`, `key = value`.
 * Table driven: each key names its section, value type, range and the field
 * it fills, so the parser, --check-config and the man page list stay in step.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "../common/addr.h"
#include "../common/xmem.h"
#include "../reconcile/rules.h"

const char *const config_severities[] = { "critical", "high", "medium", "low", "info", NULL };

bool config_is_severity(const char *s)
{
	for (const char *const *p = config_severities; *p; p++)
		if (strcmp(*p, s) == 0)
			return true;
	return false;
}

void strv_push(struct strv *sv, const char *s)
{
	sv->v = xreallocarray(sv->v, sv->n + 2, sizeof *sv->v);
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

enum sect { S_GLOBAL, S_SEGMENT, S_LISTEN, S_DNS, S_IMPORT, S_AUDIT, S_REPORT, S_FIX, S_PRUNE,
	    S_NONE };

static const char *const sect_names[] = {
	[S_GLOBAL] = "(global)", [S_SEGMENT] = "segment", [S_LISTEN] = "listen", [S_DNS] = "dns",
	[S_IMPORT] = "import", [S_AUDIT] = "audit", [S_REPORT] = "report", [S_FIX] = "fix",
	[S_PRUNE] = "prune",
};

enum vtype {
	V_PATH,      /* a file the run writes or creates */
	V_PATH_IN,   /* a file the run reads: warn when it is not readable now */
	V_WORD,      /* user name */
	V_IFACE,     /* one interface name */
	V_IFACES,    /* list of interface names */
	V_INT,
	V_BOOL,      /* int -1/0/1 */
	V_TARGETS,   /* list: CIDR, a-b, @FILE */
	V_ADDR6S,    /* list of IPv6 addresses */
	V_SERVERS,   /* list of IP, IP:PORT, [IPv6]:PORT */
	V_PREFIXES,  /* list of CIDR */
	V_ASNS,      /* list of AS numbers, "AS64496" or "64496" */
	V_SEVERITY,
	V_IPAM_FMT,  /* netbox native */
	V_HOSTPORT,  /* host[:port] for nsupdate */
	V_DURATION,  /* N[smhd] */
	V_RULESEVS,  /* list of RULE=SEV */
	V_RULES,     /* list of rule ids */
	V_DOMAIN,    /* DNS domain name */
	V_BPS,       /* N[kMG] bits per second */
};

struct keydef {
	enum sect sect;
	const char *key;
	enum vtype type;
	size_t off;       /* into struct config, or struct cfg_segment for S_SEGMENT */
	long min, max;    /* V_INT */
};

#define C(f) offsetof(struct config, f)
#define G(f) offsetof(struct cfg_segment, f)

static const struct keydef keys[] = {
	{ S_GLOBAL, "database", V_PATH, C(database), 0, 0 },
	{ S_GLOBAL, "lock", V_PATH, C(lock), 0, 0 },
	{ S_GLOBAL, "user", V_WORD, C(user), 0, 0 },
	{ S_GLOBAL, "sensor", V_WORD, C(sensor), 0, 0 },
	{ S_GLOBAL, "stage_timeout", V_INT, C(stage_timeout), 1, 604800 },

	{ S_SEGMENT, "interface", V_IFACE, G(iface), 0, 0 },
	{ S_SEGMENT, "targets", V_TARGETS, G(targets), 0, 0 },
	{ S_SEGMENT, "targets6", V_ADDR6S, G(targets6), 0, 0 },
	{ S_SEGMENT, "vlan", V_INT, G(vlan), 1, 4094 },
	{ S_SEGMENT, "rate", V_INT, G(rate), 1, 10000000 },
	{ S_SEGMENT, "bandwidth", V_BPS, G(bandwidth), 0, 0 },
	{ S_SEGMENT, "retries", V_INT, G(retries), 0, 20 },
	{ S_SEGMENT, "timeout", V_INT, G(timeout_ms), 1, 600000 },
	{ S_SEGMENT, "ipv4", V_BOOL, G(ipv4), 0, 0 },
	{ S_SEGMENT, "ipv6", V_BOOL, G(ipv6), 0, 0 },
	{ S_SEGMENT, "fast", V_BOOL, G(fast), 0, 0 },

	{ S_LISTEN, "window", V_INT, C(listen_window), 0, 86400 },
	{ S_LISTEN, "interfaces", V_IFACES, C(listen_ifaces), 0, 0 },
	{ S_LISTEN, "promisc", V_BOOL, C(listen_promisc), 0, 0 },
	{ S_LISTEN, "prefix", V_PREFIXES, C(listen_prefix), 0, 0 },
	{ S_LISTEN, "flush", V_INT, C(listen_flush), 1, 86400 },

	{ S_DNS, "enabled", V_BOOL, C(dns_enabled), 0, 0 },
	{ S_DNS, "servers", V_SERVERS, C(dns_servers), 0, 0 },
	{ S_DNS, "timeout", V_INT, C(dns_timeout_ms), 1, 600000 },
	{ S_DNS, "tries", V_INT, C(dns_tries), 1, 20 },
	{ S_DNS, "concurrency", V_INT, C(dns_concurrency), 1, 10000 },
	{ S_DNS, "ptr", V_PREFIXES, C(dns_ptr), 0, 0 },
	{ S_DNS, "verify_zones", V_BOOL, C(dns_verify_zones), 0, 0 },
	{ S_DNS, "forward", V_BOOL, C(dns_forward), 0, 0 },
	{ S_DNS, "domain", V_DOMAIN, C(dns_domain), 0, 0 },

	{ S_AUDIT, "stale_days", V_INT, C(stale_days), 1, 36500 },
	{ S_AUDIT, "exhaustion", V_INT, C(exhaustion), 1, 100 },
	{ S_AUDIT, "stale_sweeps", V_INT, C(stale_sweeps), 1, 10000 },
	{ S_AUDIT, "passive_coverage", V_BOOL, C(passive_coverage), 0, 0 },
	{ S_AUDIT, "conflict_window", V_DURATION, C(conflict_window), 0, 0 },
	{ S_AUDIT, "severity", V_RULESEVS, C(severity), 0, 0 },
	{ S_AUDIT, "disable", V_RULES, C(disable), 0, 0 },
	{ S_AUDIT, "mac_vendors", V_PATH_IN, C(mac_vendors), 0, 0 },
	{ S_AUDIT, "suppressions", V_PATH_IN, C(suppressions), 0, 0 },
	{ S_AUDIT, "fail_on", V_SEVERITY, C(fail_on), 0, 0 },
	{ S_AUDIT, "geoip_db", V_PATH_IN, C(geoip_db), 0, 0 },
	{ S_AUDIT, "asn_db", V_PATH_IN, C(asn_db), 0, 0 },
	{ S_AUDIT, "own_prefix", V_PREFIXES, C(own_prefix), 0, 0 },
	{ S_AUDIT, "own_asn", V_ASNS, C(own_asn), 0, 0 },

	{ S_FIX, "nsupdate", V_PATH, C(nsupdate), 0, 0 },
	{ S_FIX, "server", V_HOSTPORT, C(nsupdate_server), 0, 0 },
	{ S_FIX, "ttl", V_INT, C(nsupdate_ttl), 0, 2147483647 },
	{ S_FIX, "ipam_csv", V_PATH, C(ipam_csv), 0, 0 },
	{ S_FIX, "ipam_format", V_IPAM_FMT, C(ipam_format), 0, 0 },

	{ S_PRUNE, "older_than", V_INT, C(prune_days), 1, 36500 },
	{ S_PRUNE, "vacuum", V_BOOL, C(prune_vacuum), 0, 0 },
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const import_kinds[] = {
	"subnets", "ranges", "allocations", "leases", "zone", "allowlist", NULL,
};
/* Formats `ipdrift import --format` accepts (see its usage text). */
static const char *const import_formats[] = {
	"netbox-prefix", "native-subnets", "netbox-range", "native-ranges", "netbox", "phpipam",
	"native", "isc-dhcpd", "kea4", "kea6", "dnsmasq", "zone", "native-allowlist",
	"netbox-allowlist", NULL,
};
static const char *const report_formats[] = { "html", "csv", "json", "ndjson", NULL };

static bool in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

struct parser {
	struct config *cfg;
	const char *file;   /* as given, for messages */
	char *dir;          /* directory of the file, for relative paths */
	FILE *errf;
	int line;
	int errors;
	enum sect sect;
	struct cfg_segment *seg;
	bool seen[NKEYS];   /* single-valued keys given once (per segment for its keys) */
	int keyline[NKEYS]; /* last line that set each key, for whole-file checks */
};

__attribute__((format(printf, 3, 4)))
static void diag(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	p->errors++;
	if (!p->errf)
		return;
	if (line > 0)
		fprintf(p->errf, "%s:%d: ", p->file, line);
	else
		fprintf(p->errf, "%s: ", p->file);
	va_start(ap, fmt);
	vfprintf(p->errf, fmt, ap);
	va_end(ap);
	fputc('\n', p->errf);
}

__attribute__((format(printf, 3, 4)))
static void warn(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	if (!p->errf)
		return;
	fprintf(p->errf, "%s:%d: warning: ", p->file, line);
	va_start(ap, fmt);
	vfprintf(p->errf, fmt, ap);
	va_end(ap);
	fputc('\n', p->errf);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Split value into tokens at blanks and commas (in place). Returns count. */
static size_t split(char *s, char **tok, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

static bool valid_iface(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c == '/' || *c == ':' || !isgraph((unsigned char)*c))
			return false;
	return true;
}

static bool valid_word(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return false;
	return true;
}

/* LDH labels of 1..63, at most 253 characters, optional final dot. */
static bool valid_domain(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > 254 || (n == 254 && s[n - 1] != '.') || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && !(c == '-' && label > 0) && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return label == 0 || s[n - 1] != '-';
}

/* A rule id of audit's rule table (`ipdrift audit --list-rules`). */
static bool valid_rule(const char *s)
{
	return rule_find(s) >= 0;
}

static bool parse_long(const char *s, long *v)
{
	if (!*s)
		return false;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	errno = 0;
	char *end;
	long x = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

static bool valid_port(const char *s)
{
	long v;
	return parse_long(s, &v) && v >= 1 && v <= 65535;
}

/* IP, IPv4:PORT or [IPv6]:PORT */
static bool valid_server(const char *s)
{
	struct ipd_ip ip;
	char buf[IPD_IP_STRLEN + 8];
	if (ipd_ip_parse(s, &ip))
		return true;
	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return false;
		*close = '\0';
		return ipd_ip_parse(buf + 1, &ip) && !ipd_ip_is_v4(&ip) && valid_port(close + 2);
	}
	char *colon = strrchr(buf, ':');
	if (!colon)
		return false;
	*colon = '\0';
	return ipd_ip_parse(buf, &ip) && ipd_ip_is_v4(&ip) && valid_port(colon + 1);
}

static bool valid_hostport(const char *s)
{
	if (valid_server(s))
		return true;
	/* host name[:port] */
	char buf[256];
	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	char *colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (!valid_port(colon + 1))
			return false;
	}
	if (!*buf)
		return false;
	for (const char *c = buf; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			return false;
	return true;
}

static bool valid_asn(const char *s, char *digits, size_t len)
{
	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	long v;
	if (!parse_long(s, &v) || v < 1 || v > 4294967295L || strlen(s) >= len)
		return false;
	snprintf(digits, len, "%ld", v);
	return true;
}

/* A path value: one token; relative paths are taken from the config file's
 * directory, so a config and its data files can move together. */
static char *resolve_path(struct parser *p, const char *v)
{
	if (v[0] == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", p->dir, v);
}

static bool check_path_token(struct parser *p, const char *key, const char *v)
{
	if (!*v) {
		diag(p, p->line, "%s: empty path", key);
		return false;
	}
	for (const char *c = v; *c; c++) {
		if (*c == ' ' || *c == '\t') {
			diag(p, p->line, "%s: a path cannot contain blanks: \"%s\"", key, v);
			return false;
		}
	}
	size_t n = strlen(v);
	if (v[n - 1] == '/') {
		diag(p, p->line, "%s: \"%s\" names a directory, not a file", key, v);
		return false;
	}
	return true;
}

static void warn_unreadable(struct parser *p, const char *key, const char *asgiven, const char *path)
{
	if (access(path, R_OK) != 0)
		warn(p, p->line, "%s: %s: %s", key, asgiven, strerror(errno));
}

#define MAXTOK 256

static void set_value(struct parser *p, const struct keydef *k, char *v)
{
	char *base = k->sect == S_SEGMENT ? (char *)p->seg : (char *)p->cfg;
	void *field = base + k->off;
	char *tok[MAXTOK];
	size_t n;

	switch (k->type) {
	case V_PATH:
	case V_PATH_IN: {
		if (!check_path_token(p, k->key, v))
			return;
		char *path = resolve_path(p, v);
		if (k->type == V_PATH_IN)
			warn_unreadable(p, k->key, v, path);
		*(char **)field = path;
		return;
	}
	case V_WORD:
		if (!valid_word(v, 32)) {
			diag(p, p->line, "%s: invalid name \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	case V_IFACE:
		if (!valid_iface(v)) {
			diag(p, p->line, "%s: invalid interface name \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	case V_INT: {
		long x;
		if (!parse_long(v, &x) || x < k->min || x > k->max) {
			diag(p, p->line, "%s: expected an integer from %ld to %ld, not \"%s\"",
			     k->key, k->min, k->max, v);
			return;
		}
		*(int *)field = (int)x;
		return;
	}
	case V_BOOL: {
		static const char *const yes[] = { "yes", "true", "on", "1", NULL };
		static const char *const no[] = { "no", "false", "off", "0", NULL };
		if (in_list(yes, v))
			*(int *)field = 1;
		else if (in_list(no, v))
			*(int *)field = 0;
		else
			diag(p, p->line, "%s: expected yes or no, not \"%s\"", k->key, v);
		return;
	}
	case V_SEVERITY:
		if (!config_is_severity(v)) {
			diag(p, p->line, "%s: unknown severity \"%s\" (critical high medium low info)",
			     k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	case V_IPAM_FMT:
		if (strcmp(v, "netbox") != 0 && strcmp(v, "native") != 0) {
			diag(p, p->line, "%s: expected netbox or native, not \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	case V_DURATION: {
		long x;
		size_t len = strlen(v);
		char num[24];
		bool unit = len > 1 && strchr("smhd", v[len - 1]);
		if (len >= sizeof num) {
			diag(p, p->line, "%s: expected N, Ns, Nm, Nh or Nd, not \"%s\"", k->key, v);
			return;
		}
		memcpy(num, v, len - unit);
		num[len - unit] = '\0';
		if (!parse_long(num, &x) || x < 1 || x > 100000000) {
			diag(p, p->line, "%s: expected N, Ns, Nm, Nh or Nd, not \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	}
	case V_BPS: {
		size_t len = strlen(v);
		char num[24];
		bool unit = len > 1 && strchr("kMG", v[len - 1]);
		long x;
		if (len >= sizeof num) {
			diag(p, p->line, "%s: expected bits/s as N, Nk, NM or NG, not \"%s\"", k->key, v);
			return;
		}
		memcpy(num, v, len - unit);
		num[len - unit] = '\0';
		if (!parse_long(num, &x) || x < 1 || x > 1000000000) {
			diag(p, p->line, "%s: expected bits/s as N, Nk, NM or NG, not \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	}
	case V_DOMAIN:
		if (!valid_domain(v)) {
			diag(p, p->line, "%s: \"%s\" is not a domain name", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	case V_HOSTPORT:
		if (!valid_hostport(v)) {
			diag(p, p->line, "%s: expected HOST[:PORT], not \"%s\"", k->key, v);
			return;
		}
		*(char **)field = xstrdup(v);
		return;
	default:
		break;
	}

	/* lists */
	struct strv *sv = field;
	n = split(v, tok, MAXTOK);
	if (n == 0) {
		diag(p, p->line, "%s: empty list", k->key);
		return;
	}
	if (n > MAXTOK) {
		diag(p, p->line, "%s: more than %d items on one line", k->key, MAXTOK);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = tok[i];
		struct ipd_ip lo, hi;
		struct ipd_prefix pfx;
		char asn[16];
		switch (k->type) {
		case V_IFACES:
			if (!valid_iface(t)) {
				diag(p, p->line, "%s: invalid interface name \"%s\"", k->key, t);
				continue;
			}
			break;
		case V_TARGETS:
			if (t[0] == '@') {
				if (!check_path_token(p, k->key, t + 1))
					continue;
				char *path = resolve_path(p, t + 1);
				warn_unreadable(p, k->key, t + 1, path);
				char *at = xasprintf("@%s", path);
				strv_push(sv, at);
				free(at);
				free(path);
				continue;
			}
			if (!ipd_range_parse(t, &lo, &hi)) {
				diag(p, p->line, "%s: \"%s\" is not a CIDR, a range a-b or @FILE",
				     k->key, t);
				continue;
			}
			if (!ipd_ip_is_v4(&lo)) {
				diag(p, p->line, "%s: \"%s\": IPv6 ranges cannot be swept; list addresses"
				     " in targets6", k->key, t);
				continue;
			}
			break;
		case V_ADDR6S:
			if (!ipd_range_parse(t, &lo, &hi) || ipd_ip_is_v4(&lo) ||
			    (!strchr(t, '-') && strchr(t, '/'))) {
				diag(p, p->line, "%s: \"%s\" is not an IPv6 address or range A-B",
				     k->key, t);
				continue;
			}
			break;
		case V_SERVERS:
			if (!valid_server(t)) {
				diag(p, p->line, "%s: \"%s\" is not IP, IPv4:PORT or [IPv6]:PORT", k->key, t);
				continue;
			}
			break;
		case V_PREFIXES:
			if (!strchr(t, '/') || !ipd_prefix_parse(t, &pfx, true)) {
				diag(p, p->line, "%s: \"%s\" is not a CIDR prefix (host bits must be zero)",
				     k->key, t);
				continue;
			}
			break;
		case V_RULES:
			if (!valid_rule(t)) {
				diag(p, p->line, "%s: \"%s\" is not a rule id (see"
				     " `ipdrift audit --list-rules`)", k->key, t);
				continue;
			}
			break;
		case V_RULESEVS: {
			const char *eq = strchr(t, '=');
			char rule[64];
			if (!eq || (size_t)(eq - t) >= sizeof rule) {
				diag(p, p->line, "%s: expected RULE=SEVERITY, not \"%s\"", k->key, t);
				continue;
			}
			memcpy(rule, t, (size_t)(eq - t));
			rule[eq - t] = '\0';
			if (!valid_rule(rule) || !config_is_severity(eq + 1)) {
				diag(p, p->line, "%s: expected RULE=SEVERITY (a rule of"
				     " `ipdrift audit --list-rules`; critical high medium low info), not \"%s\"", k->key, t);
				continue;
			}
			break;
		}
		case V_ASNS:
			if (!valid_asn(t, asn, sizeof asn)) {
				diag(p, p->line, "%s: \"%s\" is not an AS number", k->key, t);
				continue;
			}
			strv_push(sv, asn);
			continue;
		default:
			fprintf(stderr, "config: key type %d not handled\n", (int)k->type);
			abort();
		}
		strv_push(sv, t);
	}
}

static bool is_list(enum vtype t)
{
	return t == V_IFACES || t == V_TARGETS || t == V_ADDR6S || t == V_SERVERS ||
	       t == V_PREFIXES || t == V_ASNS || t == V_RULES || t == V_RULESEVS;
}

/* [import] KIND = PATH [FORMAT] [source=NAME] [origin=ZONE]
 *          zone = ZONE axfr=SERVER[#PORT] [key=KEYFILE] [source=NAME] */
static void import_line(struct parser *p, const char *key, char *v)
{
	char *tok[8];
	if (!in_list(import_kinds, key)) {
		diag(p, p->line, "unknown import kind \"%s\" (subnets ranges allocations leases zone"
		     " allowlist)", key);
		return;
	}
	size_t n = split(v, tok, 7);
	if (n == 0) {
		diag(p, p->line, "%s: missing path", key);
		return;
	}
	if (n > 7) {
		diag(p, p->line, "%s: too many words", key);
		return;
	}
	struct cfg_import im = { .line = p->line };
	char *keyfile = NULL; /* as written, for the unreadable warning */
	bool ok = true;
	for (size_t i = 1; i < n && ok; i++) {
		char *eq = strchr(tok[i], '=');
		if (!eq) {
			if (im.format) {
				diag(p, p->line, "%s: more than one format", key);
				ok = false;
			} else if (!in_list(import_formats, tok[i])) {
				diag(p, p->line, "%s: unknown format \"%s\"", key, tok[i]);
				ok = false;
			} else {
				im.format = xstrdup(tok[i]);
			}
			continue;
		}
		*eq = '\0';
		const char *val = eq + 1;
		char **dst = strcmp(tok[i], "source") == 0 ? &im.source
			   : strcmp(tok[i], "origin") == 0 ? &im.origin
			   : strcmp(tok[i], "axfr") == 0 ? &im.axfr
			   : strcmp(tok[i], "key") == 0 ? &im.key : NULL;
		if (!dst) {
			diag(p, p->line, "%s: unknown option \"%s\" (source=NAME, origin=ZONE,"
			     " axfr=SERVER[#PORT], key=KEYFILE)", key, tok[i]);
			ok = false;
		} else if (*dst) {
			diag(p, p->line, "%s: %s given twice", key, tok[i]);
			ok = false;
		} else if (dst != &im.source && strcmp(key, "zone") != 0) {
			diag(p, p->line, "%s: %s= applies to zones only", key, tok[i]);
			ok = false;
		} else if (dst == &im.key) {
			if (check_path_token(p, "key", val)) {
				im.key = resolve_path(p, val);
				keyfile = xstrdup(val);
			} else {
				ok = false;
			}
		} else if (dst == &im.axfr) {
			char host[300];
			const char *hash = strchr(val, '#');
			size_t hl = hash ? (size_t)(hash - val) : strlen(val);
			struct ipd_ip ip;
			bool good = hl > 0 && hl < sizeof host && (!hash || valid_port(hash + 1));
			if (good) {
				memcpy(host, val, hl);
				host[hl] = '\0';
				good = ipd_ip_parse(host, &ip) || valid_domain(host);
			}
			if (!good) {
				diag(p, p->line, "%s: axfr=%s: expected SERVER[#PORT]", key, val);
				ok = false;
			} else {
				im.axfr = xstrdup(val);
			}
		} else if (!*val || !valid_word(val, 255)) {
			diag(p, p->line, "%s: invalid %s \"%s\"", key, tok[i], val);
			ok = false;
		} else {
			*dst = xstrdup(val);
		}
	}
	if (ok && im.key && !im.axfr) {
		diag(p, p->line, "%s: key= needs axfr=", key);
		ok = false;
	}
	if (ok && im.axfr) {
		/* the first word names the zone to transfer, not a file */
		if (!valid_domain(tok[0])) {
			diag(p, p->line, "%s: \"%s\" is not a zone name (axfr=)", key, tok[0]);
			ok = false;
		} else if (im.origin) {
			diag(p, p->line, "%s: origin= is for zone files; with axfr= the zone is"
			     " the first word", key);
			ok = false;
		}
	} else if (ok) {
		ok = check_path_token(p, key, tok[0]);
	}
	if (ok) {
		im.kind = xstrdup(key);
		if (im.axfr) {
			im.path = xstrdup(tok[0]);
			if (keyfile)
				warn_unreadable(p, "key", keyfile, im.key);
		} else {
			im.path = resolve_path(p, tok[0]);
			warn_unreadable(p, key, tok[0], im.path);
		}
		p->cfg->imports = xreallocarray(p->cfg->imports, p->cfg->nimports + 1,
						sizeof *p->cfg->imports);
		p->cfg->imports[p->cfg->nimports++] = im;
	} else {
		free(im.format);
		free(im.source);
		free(im.origin);
		free(im.axfr);
		free(im.key);
	}
	free(keyfile);
}

/* [report] FORMAT = PATH */
static void report_line(struct parser *p, const char *key, char *v)
{
	if (!in_list(report_formats, key)) {
		diag(p, p->line, "unknown report format \"%s\" (html csv json ndjson)", key);
		return;
	}
	if (!check_path_token(p, key, v))
		return;
	struct config *c = p->cfg;
	char *path = resolve_path(p, v);
	for (size_t i = 0; i < c->nreports; i++) {
		if (strcmp(c->reports[i].path, path) == 0) {
			diag(p, p->line, "%s: \"%s\" is already the output of line %d", key, v,
			     c->reports[i].line);
			free(path);
			return;
		}
	}
	c->reports = xreallocarray(c->reports, c->nreports + 1, sizeof *c->reports);
	c->reports[c->nreports++] = (struct cfg_output){ .format = xstrdup(key), .path = path,
							 .line = p->line };
}

static void section_line(struct parser *p, char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[n - 1] != ']') {
		diag(p, p->line, "section header must end with ']'");
		p->sect = S_NONE;
		return;
	}
	s[n - 1] = '\0';
	char *inner = trim(s + 1);
	char *name = inner;
	while (*name && *name != ' ' && *name != '\t')
		name++;
	char *arg = NULL;
	if (*name) {
		*name++ = '\0';
		arg = trim(name);
	}
	/* Single-valued keys may be set once per file ([audit] given twice still
	 * sets fail_on once), and once per segment for segment keys. */
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].sect == S_SEGMENT)
			p->seen[i] = false;
	p->seg = NULL;
	enum sect found = S_NONE;
	for (int i = S_SEGMENT; i < S_NONE; i++)
		if (strcmp(inner, sect_names[i]) == 0)
			found = (enum sect)i;
	if (found == S_NONE) {
		diag(p, p->line, "unknown section [%s]", inner);
		p->sect = S_NONE;
		return;
	}
	p->sect = found;
	if (found != S_SEGMENT) {
		if (arg && *arg) {
			diag(p, p->line, "section [%s] takes no name", inner);
			p->sect = S_NONE;
		}
		return;
	}
	if (!arg || !*arg) {
		diag(p, p->line, "[segment NAME]: missing name");
		p->sect = S_NONE;
		return;
	}
	if (!valid_word(arg, 32)) {
		diag(p, p->line, "invalid segment name \"%s\" (letters, digits, . _ -; at most 32)", arg);
		p->sect = S_NONE;
		return;
	}
	struct config *c = p->cfg;
	for (size_t i = 0; i < c->nseg; i++) {
		if (strcmp(c->seg[i].name, arg) == 0) {
			diag(p, p->line, "segment \"%s\" already defined at line %d", arg, c->seg[i].line);
			p->sect = S_NONE;
			return;
		}
	}
	c->seg = xreallocarray(c->seg, c->nseg + 1, sizeof *c->seg);
	p->seg = &c->seg[c->nseg++];
	*p->seg = (struct cfg_segment){ .name = xstrdup(arg), .line = p->line, .retries = -1,
					.ipv4 = -1, .ipv6 = -1, .fast = -1 };
}

static void key_line(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	if (!eq) {
		diag(p, p->line, "expected \"key = value\" or \"[section]\"");
		return;
	}
	*eq = '\0';
	char *key = trim(s);
	char *val = trim(eq + 1);
	/* `# comment` after a value: only after a blank, so paths may hold '#'. */
	for (char *h = val; (h = strchr(h, '#')) != NULL; h++) {
		if (h > val && (h[-1] == ' ' || h[-1] == '\t')) {
			*h = '\0';
			val = trim(val);
			break;
		}
	}
	if (!*key) {
		diag(p, p->line, "missing key before '='");
		return;
	}
	if (p->sect == S_NONE)
		return; /* the bad section header was reported already */
	if (!*val) {
		diag(p, p->line, "%s: missing value", key);
		return;
	}
	if (p->sect == S_IMPORT) {
		import_line(p, key, val);
		return;
	}
	if (p->sect == S_REPORT) {
		report_line(p, key, val);
		return;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].sect != p->sect || strcmp(keys[i].key, key) != 0)
			continue;
		if (!is_list(keys[i].type)) {
			if (p->seen[i]) {
				diag(p, p->line, "%s: already set at line %d", key, p->keyline[i]);
				return;
			}
			p->seen[i] = true;
		}
		p->keyline[i] = p->line;
		set_value(p, &keys[i], val);
		return;
	}
	if (p->sect == S_GLOBAL)
		diag(p, p->line, "unknown key \"%s\" (before any section: database, lock, user,"
		     " sensor, stage_timeout)", key);
	else if (p->sect == S_SEGMENT)
		diag(p, p->line, "unknown key \"%s\" in [segment %s]", key, p->seg->name);
	else
		diag(p, p->line, "unknown key \"%s\" in [%s]", key, sect_names[p->sect]);
}

static int line_of(const struct parser *p, enum sect sect, const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].sect == sect && strcmp(keys[i].key, key) == 0)
			return p->keyline[i];
	return 0;
}

/* Checks that need the whole file. */
static void check_whole(struct parser *p)
{
	struct config *c = p->cfg;
	for (size_t i = 0; i < c->nseg; i++) {
		struct cfg_segment *s = &c->seg[i];
		if (!s->iface)
			diag(p, s->line, "segment \"%s\": missing interface", s->name);
		if (s->ipv4 == 0 && s->ipv6 == 0)
			diag(p, s->line, "segment \"%s\": ipv4 and ipv6 both off", s->name);
		if (s->rate && s->bandwidth)
			diag(p, s->line, "segment \"%s\": rate and bandwidth both given (one pacing)",
			     s->name);
		if (s->ipv6 == 0 && s->targets6.n)
			diag(p, s->line, "segment \"%s\": targets6 given but ipv6 = no", s->name);
		if (s->ipv4 == 0 && s->targets.n)
			diag(p, s->line, "segment \"%s\": targets given but ipv4 = no", s->name);
	}
	if (c->listen_window > 0 && c->listen_ifaces.n == 0 && c->nseg == 0)
		diag(p, line_of(p, S_LISTEN, "window"), "window: no interface to listen on (no"
		     " [listen] interfaces, no segment)");
	if (c->ipam_format && !c->ipam_csv)
		diag(p, line_of(p, S_FIX, "ipam_format"), "ipam_format: no ipam_csv to write");
	if (c->prune_vacuum == 1 && c->prune_days == 0)
		diag(p, line_of(p, S_PRUNE, "vacuum"), "vacuum: no older_than to prune with");
	if (c->nsupdate_server && !c->nsupdate)
		diag(p, line_of(p, S_FIX, "server"), "server: no nsupdate script to write");
	if (c->nsupdate_ttl >= 0 && !c->nsupdate)
		diag(p, line_of(p, S_FIX, "ttl"), "ttl: no nsupdate script to write");
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int config_load(const char *path, FILE *errf, struct config **out)
{
	*out = NULL;
	struct config *cfg = xcalloc(1, sizeof *cfg);
	cfg->file = xstrdup(path);
	cfg->listen_promisc = -1;
	cfg->passive_coverage = -1;
	cfg->prune_vacuum = -1;
	cfg->dns_enabled = 1;
	cfg->dns_verify_zones = -1;
	cfg->dns_forward = -1;
	cfg->nsupdate_ttl = -1;
	struct parser p = { .cfg = cfg, .file = path, .dir = dir_of(path), .errf = errf,
			    .sect = S_GLOBAL };

	FILE *f = fopen(path, "r");
	if (!f) {
		diag(&p, 0, "%s", strerror(errno));
		goto done;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) != -1) {
		p.line++;
		if (memchr(line, '\0', (size_t)len)) {
			diag(&p, p.line, "NUL byte in line");
			continue;
		}
		bool ctl = false;
		for (ssize_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)line[i];
			if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
				ctl = true;
		}
		if (ctl) {
			diag(&p, p.line, "control character in line");
			continue;
		}
		if (p.line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, (size_t)len - 2);
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			section_line(&p, s);
		else
			key_line(&p, s);
	}
	if (ferror(f))
		diag(&p, 0, "read error: %s", strerror(errno));
	free(line);
	fclose(f);
	check_whole(&p);
done:
	free(p.dir);
	if (p.errors) {
		config_free(cfg);
		return p.errors;
	}
	*out = cfg;
	return 0;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->database);
	free(c->lock);
	free(c->user);
	free(c->sensor);
	free(c->dns_domain);
	strv_free(&c->listen_prefix);
	free(c->conflict_window);
	strv_free(&c->severity);
	strv_free(&c->disable);
	free(c->mac_vendors);
	for (size_t i = 0; i < c->nseg; i++) {
		struct cfg_segment *s = &c->seg[i];
		free(s->name);
		free(s->iface);
		free(s->bandwidth);
		strv_free(&s->targets);
		strv_free(&s->targets6);
	}
	free(c->seg);
	strv_free(&c->listen_ifaces);
	strv_free(&c->dns_servers);
	strv_free(&c->dns_ptr);
	for (size_t i = 0; i < c->nimports; i++) {
		free(c->imports[i].kind);
		free(c->imports[i].path);
		free(c->imports[i].format);
		free(c->imports[i].source);
		free(c->imports[i].origin);
		free(c->imports[i].axfr);
		free(c->imports[i].key);
	}
	free(c->imports);
	free(c->suppressions);
	free(c->fail_on);
	free(c->geoip_db);
	free(c->asn_db);
	strv_free(&c->own_prefix);
	strv_free(&c->own_asn);
	for (size_t i = 0; i < c->nreports; i++) {
		free(c->reports[i].format);
		free(c->reports[i].path);
	}
	free(c->reports);
	free(c->nsupdate);
	free(c->nsupdate_server);
	free(c->ipam_csv);
	free(c->ipam_format);
	free(c);
}

int config_check(const char *path, FILE *out, FILE *errf)
{
	struct config *cfg;
	int n = config_load(path, errf, &cfg);
	if (n) {
		fprintf(errf, "%s: %d error%s\n", path, n, n == 1 ? "" : "s");
		return EX_CONFIG;
	}
	config_free(cfg);
	fprintf(out, "configuration OK\n");
	return 0;
}
