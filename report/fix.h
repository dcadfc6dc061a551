/*
 * Fix writers: nsupdate scripts for DNS changes, CSV deltas for the IPAM.
 * Both read the `fix` JSON of unresolved, unsuppressed findings of one audit
 * run (db_rpt_fix_dns / db_rpt_fix_ipam).
 *
 * nsupdate (nsupdate(1); verified shapes in formats-and-conventions §1.3/1.4):
 *  - one UPDATE message per change, each with `server` and `zone`, each
 *    preceded by a `;` comment naming the finding (fingerprint) it fixes;
 *  - the fix's "rrset" is the whole RRset as the audit saw it; with it:
 *      prereq yxrrset NAME IN TYPE V   for every V of the set (nsupdate
 *                                      combines them into one RRset that
 *                                      must match exactly, RFC 2136 §2.4.2)
 *      + update delete NAME IN TYPE OLD   (delete, replace: only the wrong
 *                                          records; the rest of the set stays)
 *      + update add NAME TTL IN TYPE VALUE (add, replace)
 *    All changes of one set under one guard (several stale records, a
 *    replace and the deletes of the other names of a PTR set, an add and a
 *    delete) go in one message: separate messages would each guard the
 *    whole set and all but the first would fail. A set value that cannot be
 *    written, or a set without OLD, refuses the change (a guard that cannot
 *    list the set would never match).
 *  - add without "rrset" (the set was absent):
 *             prereq nxrrset NAME IN TYPE            + update add
 *  - fixes without "rrset" (audits before it):
 *    delete:  prereq yxrrset NAME IN TYPE OLD        + update delete NAME IN TYPE OLD
 *    replace: prereq yxrrset NAME IN TYPE OLD        + update delete NAME IN TYPE
 *                                                    + update add NAME TTL IN TYPE VALUE
 *    When the newest resolve run saw more records in that RRset (round
 *    robin), that set guards it as above and only OLD is deleted.
 *    (compare-and-swap: the change applies only while the zone still holds
 *    exactly what the audit saw; a second run fails its prereqs, rc 2, and
 *    changes nothing);
 *  - owner names and PTR targets must pass hostname_valid_nsupdate() (LDH,
 *    label <= 63, name <= 253); A/AAAA values must parse as addresses of the
 *    right family. Anything else is refused: listed in a comment (escaped)
 *    and counted, never emitted as a command.
 *  - reverse owner names come from the address bytes (ipd_ip_reverse_name)
 *    when the fix names an "ip";
 *  - zone: the fix's zone, else the longest known zone (dns_records.zone)
 *    that contains the name, else in-addr.arpa /24 or ip6.arpa /64 boundary,
 *    else the parent of a forward name.
 *  - no secret in the script: the header says `nsupdate -k KEYFILE FILE`.
 */
#ifndef IPD_FIX_H
#define IPD_FIX_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/status.h"
#include "../db/db_report.h"

enum fix_check {
	FIX_OK = 0,
	FIX_BAD_OP,        /* op not add / delete / replace */
	FIX_BAD_TYPE,      /* type not A / AAAA / PTR */
	FIX_BAD_NAME,      /* owner is not a valid host name */
	FIX_BAD_VALUE,     /* PTR target not a host name, or A/AAAA not an address */
	FIX_BAD_OLD,       /* delete/replace without a valid observed value */
	FIX_BAD_IP,        /* "ip" does not parse, or disagrees with "name" */
	FIX_BAD_ZONE,      /* zone invalid or does not contain the name */
	FIX_BAD_RRSET,     /* "rrset" holds an unwritable value, or lacks the old value */
};
const char *fix_check_str(enum fix_check c);

/* Validate one DNS change. On failure *bad points at the offending text. */
enum fix_check fix_dns_check(const struct db_rpt_fix_dns *fx, struct db_text *bad);

struct fix_stats {
	int changes;     /* nsupdate messages or CSV rows written */
	int zones;       /* distinct zones */
	int refused;     /* changes refused (invalid names/values) */
	int duplicates;  /* identical changes merged */
	int grouped;     /* deletes of one RRset joined into one message */
};

struct fix_nsupdate_opts {
	int64_t run_id;
	const char *server;   /* address or host name for `server` */
	int port;             /* 0 = default (53) */
	int64_t ttl;          /* for adds */
	int64_t now;          /* for the header */
	const char *version, *db_path;
	bool plan;            /* write a human plan (dry run) instead of a script */
};
enum ipd_status fix_nsupdate_write(struct db *db, const struct fix_nsupdate_opts *o, FILE *out,
				   struct fix_stats *st);

enum fix_ipam_format { FIX_IPAM_NETBOX, FIX_IPAM_NATIVE };
enum ipd_status fix_ipam_write(struct db *db, int64_t run_id, enum fix_ipam_format fmt, FILE *out,
			       struct fix_stats *st);

#endif
