/*
 * The configuration file of scheduled runs (ipdrift.conf(5)).
 *
 * INI-like, line oriented: `# comment`, `[section]` or `[segment NAME]`, and
 * `key = value`. Every key is known in advance: an unknown section or key, a
 * bad value, a repeated single-valued key is an error reported as FILE:LINE.
 * Parsing never stops at the first error, so one --check-config lists them all
 * (OpenBSD ntpd -n / bgpd style). The grammar is documented in man/ipdrift.conf.5.
 */
#ifndef IPD_CONFIG_H
#define IPD_CONFIG_H
#include <stdbool.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH "/etc/ipdrift/ipdrift.conf"

/* A growable list of owned strings. */
struct strv {
	char **v;
	size_t n;
};

struct cfg_segment {
	char *name;
	int line;
	char *iface;          /* required */
	struct strv targets;  /* CIDR / a-b / @FILE; empty = the interface's prefixes */
	struct strv targets6; /* IPv6 addresses to solicit */
	int vlan;             /* 0 = untagged */
	int rate;             /* probes/s; 0 = sweep's default */
	char *bandwidth;      /* bits/s with k/M/G suffix, or NULL */
	int retries;          /* -1 = default */
	int timeout_ms;       /* 0 = default */
	int ipv4, ipv6;       /* -1 default, 0 no, 1 yes */
	int fast;             /* -1/0/1 */
};

struct cfg_import {
	char *kind;   /* subnets ranges allocations leases zone allowlist */
	char *path;   /* resolved against the config file's directory */
	char *format; /* NULL = detected */
	char *source; /* NULL = the file name */
	char *origin; /* zone files only */
	char *axfr;   /* zone by AXFR from SERVER[#PORT]: path is then the zone name */
	char *key;    /* TSIG key file for axfr */
	int line;
};

struct cfg_output {
	char *format; /* html csv json ndjson */
	char *path;   /* may hold strftime(3) conversions */
	int line;
};

struct config {
	char *file;
	/* global */
	char *database;     /* NULL = --db / $IPDRIFT_DB / ./ipdrift.db */
	char *lock;         /* NULL = DATABASE.lock */
	char *user;         /* sweep/listen drop to this user when started as root */
	char *sensor;       /* listen --sensor */
	int stage_timeout;  /* seconds a stage may run; 0 = no limit */
	/* [segment NAME] */
	struct cfg_segment *seg;
	size_t nseg;
	/* [listen] */
	int listen_window;        /* seconds; 0 = no passive listening */
	struct strv listen_ifaces; /* empty = every segment's interface */
	int listen_promisc;       /* -1/0/1 */
	struct strv listen_prefix; /* expected prefixes for the bogon check */
	int listen_flush;         /* seconds; 0 = default */
	/* [dns] */
	int dns_enabled;          /* default 1 */
	struct strv dns_servers;
	int dns_timeout_ms, dns_tries, dns_concurrency; /* 0 = default */
	struct strv dns_ptr;
	int dns_verify_zones;     /* -1/0/1 */
	int dns_forward;          /* -1/0/1: A/AAAA of PTR targets */
	char *dns_domain;         /* qualifies single-label DHCP names */
	/* [import] */
	struct cfg_import *imports;
	size_t nimports;
	/* [audit] */
	int stale_days;           /* 0 = default */
	int exhaustion;           /* percent; 0 = default */
	int stale_sweeps;         /* 0 = default */
	int passive_coverage;     /* -1/0/1 */
	char *conflict_window;    /* "3600", "30m", "24h", "7d" */
	struct strv severity;     /* RULE=SEV */
	struct strv disable;      /* rule ids */
	char *mac_vendors;
	char *suppressions;
	char *fail_on;            /* severity or NULL */
	char *geoip_db, *asn_db;
	struct strv own_prefix, own_asn;
	/* [report] */
	struct cfg_output *reports;
	size_t nreports;
	/* [fix] */
	char *nsupdate, *nsupdate_server;
	int nsupdate_ttl;         /* -1 = default */
	char *ipam_csv, *ipam_format;
	/* [prune] */
	int prune_days;           /* 0 = no retention at the end of the run */
	int prune_vacuum;         /* -1/0/1 */
};

/*
 * Parse path. Errors ("FILE:LINE: message") and warnings ("FILE:LINE:
 * warning: message") go to errf, one per line. Returns the number of errors;
 * *out is set only when there are none. A file that cannot be read is one
 * error ("FILE: reason").
 */
int config_load(const char *path, FILE *errf, struct config **out);
void config_free(struct config *cfg);
/* --check-config: "configuration OK" on out and 0, or the errors on errf and
 * EX_CONFIG (78). */
int config_check(const char *path, FILE *out, FILE *errf);

/* Severity names in order, most severe first; NULL-terminated. */
extern const char *const config_severities[];
bool config_is_severity(const char *s);

void strv_push(struct strv *sv, const char *s);
void strv_free(struct strv *sv);

#endif
