/*
 * Schema and forward migrations. migrations[i] takes PRAGMA user_version from
 * i to i+1; each runs in one transaction. Never edit a migration that has
 * shipped: append a new one.
 *
 * Addresses: `ip` columns are 16-byte big-endian BLOBs with IPv4 mapped into
 * ::ffff:0:0/96, so `ip BETWEEN lo AND hi` is a range query for both families
 * (SQLite compares BLOBs with memcmp). `*_text` columns keep the printable form.
 * MACs are lower-case "aa:bb:cc:dd:ee:ff" text. Times are Unix seconds (UTC).
 */
#include "db_int.h"

static const char *const v1[] = {
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"                 /* sweep listen import resolve audit report fix run */
	" parent_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	" started INTEGER NOT NULL,"
	" finished INTEGER,"
	" status TEXT NOT NULL DEFAULT 'running'," /* running ok failed interrupted */
	" iface TEXT, sensor TEXT, args TEXT,"
	" sent INTEGER NOT NULL DEFAULT 0, received INTEGER NOT NULL DEFAULT 0,"
	" retries INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER, loss REAL,"
	" stats TEXT)",                        /* JSON: per-parser counters etc. */

	/* What a sweep or capture covered: "not seen" counts only inside these. */
	"CREATE TABLE coverage ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" lo BLOB NOT NULL, hi BLOB NOT NULL, vlan INTEGER NOT NULL DEFAULT 0,"
	" iface TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1,"
	" at INTEGER NOT NULL)",
	"CREATE INDEX coverage_lo ON coverage(lo, hi)",

	"CREATE TABLE sources ("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	" format TEXT, path TEXT, digest TEXT, imported INTEGER, rows INTEGER NOT NULL DEFAULT 0,"
	" bad_rows INTEGER NOT NULL DEFAULT 0,"
	" stats TEXT)",                        /* JSON: per-import counters (e.g. zone types skipped) */

	"CREATE TABLE subnets ("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" vrf TEXT NOT NULL DEFAULT '', family INTEGER NOT NULL,"
	" lo BLOB NOT NULL, hi BLOB NOT NULL, prefix_len INTEGER NOT NULL, cidr TEXT NOT NULL,"
	" vlan INTEGER, status TEXT, role TEXT, is_pool INTEGER NOT NULL DEFAULT 0,"
	" threshold REAL,"                     /* exhaustion %, NULL = default */
	" tenant TEXT, description TEXT, line INTEGER,"
	" UNIQUE(source_id, vrf, lo, prefix_len))",
	"CREATE INDEX subnets_lo ON subnets(lo, hi)",

	"CREATE TABLE ranges ("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" vrf TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL," /* dhcp reserved */
	" lo BLOB NOT NULL, hi BLOB NOT NULL, lo_text TEXT NOT NULL, hi_text TEXT NOT NULL,"
	" status TEXT, description TEXT, line INTEGER)",
	"CREATE INDEX ranges_lo ON ranges(lo, hi)",

	"CREATE TABLE allocations ("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" vrf TEXT NOT NULL DEFAULT '', ip BLOB NOT NULL, ip_text TEXT NOT NULL,"
	" prefix_len INTEGER, mac TEXT,"
	" hostname TEXT,"                      /* as recorded (raw) */
	" hostname_flags INTEGER NOT NULL DEFAULT 0," /* see db_inv.h HOSTNAME_* */
	" status TEXT, role TEXT, tenant TEXT, owner TEXT, description TEXT, line INTEGER,"
	" UNIQUE(source_id, vrf, ip))",
	"CREATE INDEX allocations_ip ON allocations(ip)",
	"CREATE INDEX allocations_host ON allocations(hostname COLLATE NOCASE)",

	"CREATE TABLE leases ("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" ip BLOB NOT NULL, ip_text TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'v4'," /* v4 na ta pd */
	" prefix_len INTEGER, mac TEXT, client_id TEXT, duid TEXT, iaid INTEGER,"
	" hostname TEXT, hostname_flags INTEGER NOT NULL DEFAULT 0,"
	" starts INTEGER, ends INTEGER, state TEXT, active INTEGER NOT NULL,"
	" line INTEGER, UNIQUE(source_id, ip))",
	"CREATE INDEX leases_ip ON leases(ip)",

	"CREATE TABLE dns_records ("   /* from zone files / AXFR */
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" zone TEXT NOT NULL, owner TEXT NOT NULL, ttl INTEGER, type TEXT NOT NULL, rdata TEXT NOT NULL,"
	" ip BLOB, ip_text TEXT,"              /* A/AAAA address, or the address a PTR owner names */
	" target TEXT,"                        /* PTR/CNAME/NS target */
	" line INTEGER)",
	"CREATE INDEX dns_records_ip ON dns_records(ip)",
	"CREATE INDEX dns_records_owner ON dns_records(owner COLLATE NOCASE)",
	"CREATE INDEX dns_records_src ON dns_records(source_id)",

	"CREATE TABLE dns_answers ("   /* from live lookups */
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	" qname TEXT NOT NULL, qtype TEXT NOT NULL,"  /* PTR A AAAA */
	" status TEXT NOT NULL,"               /* ok nxdomain nodata servfail refused timeout error */
	" ip BLOB, ip_text TEXT,"              /* PTR: the address asked about; A/AAAA: the answer */
	" name TEXT,"                          /* PTR: the target (raw); A/AAAA: the owner asked about */
	" name_flags INTEGER NOT NULL DEFAULT 0,"
	" ttl INTEGER, server TEXT, at INTEGER NOT NULL)",
	"CREATE INDEX dns_answers_ip ON dns_answers(ip)",
	"CREATE INDEX dns_answers_q ON dns_answers(qname COLLATE NOCASE, qtype)",

	"CREATE TABLE observations ("
	" id INTEGER PRIMARY KEY,"
	" ip BLOB NOT NULL, ip_text TEXT NOT NULL, family INTEGER NOT NULL,"
	" mac TEXT NOT NULL, vlan INTEGER NOT NULL DEFAULT 0," /* 0 = untagged */
	" iface TEXT NOT NULL DEFAULT '', sensor TEXT NOT NULL DEFAULT '',"
	" method TEXT NOT NULL,"               /* arp-active nd-active arp-passive nd-passive dhcp */
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" count INTEGER NOT NULL DEFAULT 1,"
	" first_run INTEGER, last_run INTEGER,"
	" UNIQUE(ip, mac, vlan, iface, sensor, method))",
	"CREATE INDEX observations_mac ON observations(mac)",
	"CREATE INDEX observations_last ON observations(last_seen)",

	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	" at INTEGER NOT NULL, kind TEXT NOT NULL,"
	" ip BLOB, ip_text TEXT, mac TEXT, other_mac TEXT,"
	" vlan INTEGER NOT NULL DEFAULT 0, iface TEXT, sensor TEXT,"
	" detail TEXT,"                        /* JSON */
	" raw BLOB)",                          /* attacker-controlled bytes, verbatim */
	"CREATE INDEX events_ip ON events(ip)",
	"CREATE INDEX events_kind ON events(kind, at)",

	"CREATE TABLE allowlist ("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL,"                 /* dhcp-server router */
	" ip BLOB, ip_text TEXT, mac TEXT, description TEXT, line INTEGER)",

	"CREATE TABLE findings ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" fingerprint TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,"
	" subject_kind TEXT NOT NULL, subject TEXT NOT NULL,"
	" state TEXT NOT NULL,"                /* new ongoing resolved */
	" first_run INTEGER,"                  /* run where this fingerprint was first new */
	" suppressed INTEGER NOT NULL DEFAULT 0, suppress_reason TEXT,"
	" summary TEXT NOT NULL, evidence TEXT,"  /* evidence: JSON */
	" fix TEXT,"                           /* JSON, NULL when no fix exists */
	" UNIQUE(run_id, fingerprint))",
	"CREATE INDEX findings_fp ON findings(fingerprint)",

	"CREATE TABLE suppressions ("
	" id INTEGER PRIMARY KEY, rule TEXT NOT NULL, subject TEXT NOT NULL,"
	" reason TEXT NOT NULL, until INTEGER, created INTEGER NOT NULL,"
	" origin TEXT NOT NULL DEFAULT 'cli',"
	" UNIQUE(rule, subject))",
	NULL
};

/* v2: observations_mac and observations_last served no query (the audit, the
 * report and `subnets` read observations by address through the UNIQUE
 * index; prune's last_seen scan is rare) but doubled the cost of every
 * observation write. */
static const char *const v2[] = {
	"DROP INDEX IF EXISTS observations_mac",
	"DROP INDEX IF EXISTS observations_last",
	NULL
};

/* v3: the ID the source IPAM gives an allocation (NetBox "ID", phpIPAM "id"),
 * so that a fix for it can name that object: NetBox's bulk import updates the
 * object whose `id` a row carries instead of creating a new one. NULL when the
 * export had no ID column. */
static const char *const v3[] = {
	"ALTER TABLE allocations ADD COLUMN ext_id TEXT",
	NULL
};

/* v4: observations keyed by their natural key, WITHOUT ROWID. The rowid table
 * plus its UNIQUE index cost two B-tree inserts per row; every writer upserts
 * by (ip, mac, vlan, iface, sensor, method) and every reader scans by ip, and
 * nothing reads observations.id. One tree in key order halves the writes
 * (`listen -r`'s final flush of ~96,000 rows: ~20% faster) and makes the
 * audit's `ip >= ? AND ip < ? ORDER BY ip` scan the table itself. */
static const char *const v4[] = {
	"CREATE TABLE observations_v4 ("
	" ip BLOB NOT NULL, ip_text TEXT NOT NULL, family INTEGER NOT NULL,"
	" mac TEXT NOT NULL, vlan INTEGER NOT NULL DEFAULT 0," /* 0 = untagged */
	" iface TEXT NOT NULL DEFAULT '', sensor TEXT NOT NULL DEFAULT '',"
	" method TEXT NOT NULL,"               /* arp-active nd-active arp-passive nd-passive dhcp */
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" count INTEGER NOT NULL DEFAULT 1,"
	" first_run INTEGER, last_run INTEGER,"
	" PRIMARY KEY(ip, mac, vlan, iface, sensor, method)) WITHOUT ROWID",
	"INSERT INTO observations_v4(ip, ip_text, family, mac, vlan, iface, sensor, method,"
	" first_seen, last_seen, count, first_run, last_run)"
	" SELECT ip, ip_text, family, mac, vlan, iface, sensor, method,"
	" first_seen, last_seen, count, first_run, last_run FROM observations"
	" ORDER BY ip, mac, vlan, iface, sensor, method",
	"DROP TABLE observations",
	"ALTER TABLE observations_v4 RENAME TO observations",
	NULL
};

/* v5: events_kind(kind, at) served one query, the report's list of DHCP
 * hostnames, which now reads them in one pass per report; prune's `at <`
 * scan could not use it. It cost every event insert a third B-tree insert
 * (`listen -r` writes ~100,000 events while it decodes, on the same two
 * CPUs). events_ip stays: the audit reads events by address range. */
static const char *const v5[] = {
	"DROP INDEX IF EXISTS events_kind",
	NULL
};

const char *const *const db_migrations[] = { v1, v2, v3, v4, v5, NULL };
