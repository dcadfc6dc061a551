/*
 * Read side for `ipdrift report` and `ipdrift fix`: findings of an audit run
 * with their evidence and fixes, counts, host inventory, coverage, zones.
 *
 * All strings are borrowed and valid only during the callback. Text that may
 * hold attacker-controlled bytes comes as struct db_text (pointer + length,
 * so NUL bytes inside survive); p == NULL means SQL NULL. Callbacks return
 * non-zero to stop the iteration.
 */
#ifndef IPD_DB_REPORT_H
#define IPD_DB_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct db_text {
	const char *p; /* NULL = no value */
	size_t n;
};

/* Severity rank: critical=0 high=1 medium=2 low=3 info=4, unknown=5. */
int db_rpt_severity_rank(const char *sev);
extern const char *const db_rpt_severities[5];

/* --- runs --- */
struct db_rpt_run {
	int64_t id, parent_id, started, finished, duration_ms;
	const char *kind, *status, *args, *sensor, *iface;
};
/* The run with this id; IPD_ENOTFOUND when there is none. */
enum ipd_status db_rpt_run(struct db *db, int64_t id, int (*cb)(void *, const struct db_rpt_run *),
			   void *arg);
/* Newest audit run that has findings rows or finished ok; -1 when none. */
int64_t db_rpt_latest_audit(struct db *db);
/* The audit run before run_id (by id); -1 when none. */
int64_t db_rpt_prev_audit(struct db *db, int64_t run_id);

/* --- findings --- */
struct db_rpt_finding {
	int64_t id, run_id, first_run;
	const char *fingerprint, *rule, *severity, *subject_kind, *state;
	struct db_text subject, summary, suppress_reason;
	struct db_text evidence, fix;   /* JSON text */
	bool evidence_valid, fix_valid; /* json_valid() said yes */
	bool suppressed;
	/* First entry of each evidence list, for flat outputs (CSV). */
	struct db_text ev_ip, ev_mac, ev_method, ev_iface, ev_sensor;
	int64_t ev_vlan, ev_first_seen, ev_last_seen, ev_count;   /* -1 when absent */
	struct db_text rec_kind, rec_source, rec_hostname, rec_mac, rec_status;
	int64_t rec_line;                                          /* -1 when absent */
	struct db_text dns_qname, dns_qtype, dns_status, dns_answer, dns_server;
	/* Lengths of the evidence lists (flat only; 0 when absent). */
	int64_t n_obs, n_rec, n_dns, n_events;
	/* First DNS change of the fix (flat only). */
	struct db_text fix_op, fix_name, fix_type, fix_value, fix_old;
};
typedef int (*db_rpt_finding_cb)(void *arg, const struct db_rpt_finding *f);
/* Findings of one run ordered by severity rank, rule, subject. The ev_*,
 * rec_* and dns_* fields are filled only when flat is true (costly: the
 * evidence JSON is taken apart per row); otherwise they are NULL / -1. */
enum ipd_status db_rpt_findings(struct db *db, int64_t run_id, bool flat, db_rpt_finding_cb cb,
				void *arg);

/* Counts of one run by (severity, state, suppressed). */
typedef int (*db_rpt_count_cb)(void *arg, const char *severity, const char *state, bool suppressed,
			       int64_t n);
enum ipd_status db_rpt_counts(struct db *db, int64_t run_id, db_rpt_count_cb cb, void *arg);

/* --- host inventory: one row per (ip, mac, vlan) seen on the wire --- */
struct db_rpt_name {
	const char *origin;   /* "ptr" (DNS answer), "ipam" (allocation), "dhcp" (lease, or
			       * a DHCP host name seen on the wire: events.raw, verbatim) */
	struct db_text name;
};
struct db_rpt_host {
	const char *ip_text, *mac;   /* these are formatted by ipdrift itself */
	struct ipd_ip ip;
	int64_t vlan, first_seen, last_seen, count;
	const char *methods;         /* "arp-active,arp-passive" (our own vocabulary) */
	struct db_text ifaces, sensors;
	const struct db_rpt_name *names;
	size_t n_names;
};
typedef int (*db_rpt_host_cb)(void *arg, const struct db_rpt_host *h);
enum ipd_status db_rpt_hosts(struct db *db, db_rpt_host_cb cb, void *arg);

/* --- coverage (what sweeps and captures covered) --- */
struct db_rpt_coverage {
	struct ipd_ip lo, hi;
	int64_t vlan, last_at, runs;
	bool active;
	const char *iface;
};
enum ipd_status db_rpt_coverage(struct db *db, int (*cb)(void *, const struct db_rpt_coverage *),
				void *arg);

/* --- fixes --- */
struct db_rpt_fix_dns {
	int64_t finding_id;
	const char *fingerprint, *rule, *severity, *state;
	struct db_text subject;
	struct db_text op, zone, name, type, value, old;
	struct db_text ip;   /* optional: the address a PTR is about */
	/* optional "rrset": the whole RRset as the audit saw it (nrrset values,
	 * valid during the callback). has_rrset: the key is present (not null);
	 * rrset_bad: present but not an array of strings. */
	const struct db_text *rrset;
	size_t nrrset;
	bool has_rrset, rrset_bad;
};
typedef int (*db_rpt_fix_dns_cb)(void *arg, const struct db_rpt_fix_dns *fx);
/* DNS changes of findings in run_id that are not resolved and not
 * suppressed, in (severity, fingerprint, position) order. */
enum ipd_status db_rpt_fix_dns(struct db *db, int64_t run_id, db_rpt_fix_dns_cb cb, void *arg);

struct db_rpt_fix_ipam {
	int64_t finding_id;
	const char *fingerprint, *rule, *severity;
	struct db_text op, ip, mac, hostname, status, description;
	/* The allocation the audit meant (fix "source" and "vrf"); NULL when
	 * the fix does not say (register has no source; audits older than
	 * schema v3 wrote neither). */
	struct db_text source, vrf;
	/* How the finding saw it: its first observation (NULL / -1 when none). */
	struct db_text seen_method, seen_iface;
	int64_t seen_vlan, seen_first, seen_last;
	/* That allocation as the store holds it now: the row (source, vrf, ip)
	 * when the fix names a source; when the fix names neither source nor
	 * vrf, the address's only allocation (none when there are several).
	 * rec_found false (rec_* NULL / -1) when there is no such row;
	 * rec_matches: the rows that matched (0, 1, or 2 for several). */
	bool rec_found;
	int rec_matches;
	int64_t rec_prefix_len;
	struct db_text rec_source, rec_format;  /* sources.name, sources.format ("netbox" ...) */
	struct db_text rec_vrf, rec_ext_id;     /* ext_id: the source IPAM's object ID */
	struct db_text rec_status, rec_hostname, rec_description;
	/* The most specific recorded subnet holding ip, one in the allocation's
	 * (else the fix's) VRF first: prefix length (-1 when none) and VRF.
	 * Ties (one network in several VRFs): the first in (lo, hi, id) order,
	 * i.e. the lowest id among imported prefixes. */
	int64_t subnet_prefix_len;
	struct db_text subnet_vrf;
};
typedef int (*db_rpt_fix_ipam_cb)(void *arg, const struct db_rpt_fix_ipam *fx);
/* IPAM changes of findings in run_id that are not resolved and not
 * suppressed, in (severity, fingerprint, position) order. */
enum ipd_status db_rpt_fix_ipam(struct db *db, int64_t run_id, db_rpt_fix_ipam_cb cb, void *arg);

/* The DNS server most lookups were sent to (dns_answers.server, as the
 * resolver wrote it), copied into buf; false when there is none. */
bool db_rpt_dns_server(struct db *db, char *buf, size_t len);

/* The RRset (name, type) as the newest resolve run that got an answer for it
 * saw it: A/AAAA addresses or PTR targets, status ok. name is matched
 * case-insensitively with or without the final dot. */
enum ipd_status db_rpt_rrset(struct db *db, const char *name, const char *type,
			     int (*cb)(void *, const struct db_text *value), void *arg);

/* Distinct zone apexes known from imported zone data (dns_records.zone). */
enum ipd_status db_rpt_zones(struct db *db, int (*cb)(void *, const char *zone), void *arg);

/* Test support only: run a script of SQL statements (a fixture) against the
 * store. Not used by the program itself. */
enum ipd_status db_rpt_load_fixture(struct db *db, const char *sql);

#endif
