/*
 * gen_audit_store: a synthetic store for the audit benchmark.
 *
 *   build/tools/gen_audit_store -o FILE [-s SUBNETS] [-a ALLOCS] [-n NOW]
 *
 * Defaults: 5,000 subnets, 1,000,000 allocations (200 per subnet), 1,000,000
 * observations, 2,000,000 DNS answers (one PTR per allocation + one A/AAAA
 * per hostname), one sweep covering every subnet. Subnets: the 512 /24s of
 * 198.18.0.0/15 (RFC 2544 benchmarking space), then /64s of 2001:db8::/32.
 * Drift is planted at realistic rates so every rule has work: per subnet
 * as many unrecorded live hosts as it has unseen allocations (so there are
 * exactly as many observations as allocations), 5% allocations never seen, 2% seen with another
 * MAC, 3% PTR NXDOMAIN, 1% PTR SERVFAIL, 2% names NXDOMAIN, 1% PTR names
 * differing from the IPAM name.
 *
 * The schema comes from db_open(); rows go in with plain prepared INSERTs in
 * one transaction (a test tool, not product code: speed of generation is not
 * what is measured).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../../common/addr.h"
#include "../../common/log.h"
#include "../../db/db.h"

static sqlite3 *h;

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "gen_audit_store: %s: %s\n", sql, sqlite3_errmsg(h));
		exit(1);
	}
	return st;
}

static void step(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "gen_audit_store: %s\n", sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_reset(st);
}

static void exec(const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "gen_audit_store: %s: %s\n", sql, err);
		exit(1);
	}
}

/* Address j of subnet i. */
static void host(int i, int j, struct ipd_ip *ip)
{
	if (i < 512) {
		ipd_ip_from_v4(ip, (198u << 24 | 18u << 16) + ((uint32_t)i << 8) + (uint32_t)j);
	} else {
		uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8 };
		b[4] = (uint8_t)(i >> 8);
		b[5] = (uint8_t)i;
		b[14] = (uint8_t)(j >> 8);
		b[15] = (uint8_t)j;
		ipd_ip_from_v6_bytes(ip, b);
	}
}

static void bind_ip(sqlite3_stmt *st, int col, const struct ipd_ip *ip)
{
	char t[IPD_IP_STRLEN];
	sqlite3_bind_blob(st, col, ip->b, 16, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, col + 1, ipd_ip_fmt(ip, t, sizeof t), -1, SQLITE_TRANSIENT);
}

/* Deterministic pseudo-random per (i, j, salt) in [0, 100). */
static unsigned pct(int i, int j, unsigned salt)
{
	uint64_t x = ((uint64_t)i << 32 | (uint32_t)j) ^ ((uint64_t)salt * 0x9e3779b97f4a7c15ull);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (unsigned)(x % 100);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	int nsub = 5000;
	long nalloc = 1000000;
	int64_t now = 2000000000;
	int c;
	while ((c = getopt(argc, argv, "o:s:a:n:")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's': nsub = atoi(optarg); break;
		case 'a': nalloc = atol(optarg); break;
		case 'n': now = atoll(optarg); break;
		default:
			fprintf(stderr, "usage: gen_audit_store -o FILE [-s SUBNETS] [-a ALLOCS] [-n NOW]\n");
			return 64;
		}
	}
	if (!out || nsub <= 0 || nsub > 60000 || nalloc < nsub) {
		fprintf(stderr, "usage: gen_audit_store -o FILE [-s SUBNETS] [-a ALLOCS] [-n NOW]\n");
		return 64;
	}
	int per = (int)(nalloc / nsub);
	if (per > 220)
		per = 220;
	log_init(LOG_LVL_WARN, LOG_TO_STDERR);
	unlink(out);
	struct db *db;
	if (db_open(out, DB_CREATE, &db) != IPD_OK)
		return 1;
	db_close(db);
	if (sqlite3_open(out, &h) != SQLITE_OK)
		return 1;
	exec("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN");
	exec("INSERT INTO sources(id, name, kind) VALUES (1, 'bench-netbox', 'inventory')");
	exec("INSERT INTO runs(id, kind, started, finished, status) VALUES (1, 'sweep', 0, 0, 'ok'),"
	     " (2, 'resolve', 0, 0, 'ok')");
	sqlite3_stmt *sub = prep("INSERT INTO subnets(source_id, family, lo, hi, prefix_len, cidr, line)"
				 " VALUES (1, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *cov = prep("INSERT INTO coverage(run_id, lo, hi, active, at) VALUES (1, ?, ?, 1, ?)");
	sqlite3_stmt *al = prep("INSERT INTO allocations(source_id, ip, ip_text, mac, hostname, status, line)"
				" VALUES (1, ?, ?, ?, ?, 'active', ?)");
	sqlite3_stmt *ob = prep("INSERT INTO observations(ip, ip_text, family, mac, method, first_seen,"
				" last_seen, count, first_run, last_run) VALUES (?, ?, ?, ?, 'arp-active', ?, ?, 3, 1, 1)");
	sqlite3_stmt *an = prep("INSERT INTO dns_answers(run_id, qname, qtype, status, ip, ip_text, name,"
				" ttl, server, at) VALUES (2, ?, ?, ?, ?, ?, ?, 3600, '127.0.0.1', ?)");
	long n_sub = 0, n_al = 0, n_ob = 0, n_an = 0;
	for (int i = 0; i < nsub; i++) {
		struct ipd_prefix p;
		struct ipd_ip lo, hi;
		host(i, 0, &lo);
		ipd_prefix_of(&lo, i < 512 ? 24 : 64, &p);
		ipd_prefix_first(&p, &lo);
		ipd_prefix_last(&p, &hi);
		char cidr[IPD_PFX_STRLEN];
		sqlite3_bind_int(sub, 1, i < 512 ? 4 : 6);
		sqlite3_bind_blob(sub, 2, lo.b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_blob(sub, 3, hi.b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_int(sub, 4, p.len);
		sqlite3_bind_text(sub, 5, ipd_prefix_fmt(&p, cidr, sizeof cidr), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(sub, 6, i + 2);
		step(sub);
		n_sub++;
		sqlite3_bind_blob(cov, 1, lo.b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_blob(cov, 2, hi.b, 16, SQLITE_TRANSIENT);
		sqlite3_bind_int64(cov, 3, now - 3600);
		step(cov);
		int seen_here = 0;
		for (int j = 10; j < 10 + per; j++) {
			struct ipd_ip ip;
			host(i, j, &ip);
			char mac[32], name[64], rev[IPD_REVNAME_LEN], ptrname[80];
			snprintf(mac, sizeof mac, "00:1b:21:%02x:%02x:%02x", (i >> 4) & 255,
				 ((i & 15) << 4) | (j >> 8), j & 255);
			snprintf(name, sizeof name, "h%d-%d.example.test", i, j);
			bind_ip(al, 1, &ip);
			sqlite3_bind_text(al, 3, mac, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(al, 4, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(al, 5, j);
			step(al);
			n_al++;
			/* the wire: 95% seen; 2% of those with another MAC */
			if (pct(i, j, 1) >= 5) {
				char seen[32];
				snprintf(seen, sizeof seen, "%s", mac);
				if (pct(i, j, 2) < 2)
					seen[1] = '8';   /* 08:1b:21:... still universally administered */
				bind_ip(ob, 1, &ip);
				sqlite3_bind_int(ob, 3, i < 512 ? 4 : 6);
				sqlite3_bind_text(ob, 4, seen, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(ob, 5, now - 7 * 86400);
				sqlite3_bind_int64(ob, 6, now - 3600);
				step(ob);
				n_ob++;
				seen_here++;
			}
			/* PTR: 3% NXDOMAIN, 1% SERVFAIL, 1% a different name */
			unsigned q = pct(i, j, 3);
			const char *st = q < 3 ? "nxdomain" : q < 4 ? "servfail" : "ok";
			snprintf(ptrname, sizeof ptrname, q == 4 ? "other-%s." : "%s.", name);
			sqlite3_bind_text(an, 1, ipd_ip_reverse_name(&ip, rev, sizeof rev), -1,
					  SQLITE_TRANSIENT);
			sqlite3_bind_text(an, 2, "PTR", -1, SQLITE_STATIC);
			sqlite3_bind_text(an, 3, st, -1, SQLITE_STATIC);
			bind_ip(an, 4, &ip);
			if (strcmp(st, "ok") == 0)
				sqlite3_bind_text(an, 6, ptrname, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(an, 6);
			sqlite3_bind_int64(an, 7, now - 1800);
			step(an);
			n_an++;
			/* forward: 2% NXDOMAIN */
			bool neg = pct(i, j, 4) < 2;
			char fq[80];
			snprintf(fq, sizeof fq, "%s.", name);
			sqlite3_bind_text(an, 1, fq, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(an, 2, i < 512 ? "A" : "AAAA", -1, SQLITE_STATIC);
			sqlite3_bind_text(an, 3, neg ? "nxdomain" : "ok", -1, SQLITE_STATIC);
			if (neg) {
				sqlite3_bind_null(an, 4);
				sqlite3_bind_null(an, 5);
			} else {
				bind_ip(an, 4, &ip);
			}
			sqlite3_bind_text(an, 6, fq, -1, SQLITE_TRANSIENT);
			step(an);
			n_an++;
		}
		/* unrecorded live hosts, so the observation total matches allocations */
		int rogue = per - seen_here;
		for (int j = 0; j < rogue; j++) {
			struct ipd_ip ip;
			host(i, 240 + j, &ip);
			char mac[32];
			snprintf(mac, sizeof mac, "00:50:56:%02x:%02x:%02x", (i >> 8) & 255, i & 255, j);
			bind_ip(ob, 1, &ip);
			sqlite3_bind_int(ob, 3, i < 512 ? 4 : 6);
			sqlite3_bind_text(ob, 4, mac, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ob, 5, now - 86400);
			sqlite3_bind_int64(ob, 6, now - 600);
			step(ob);
			n_ob++;
		}
	}
	exec("COMMIT");
	sqlite3_finalize(sub);
	sqlite3_finalize(cov);
	sqlite3_finalize(al);
	sqlite3_finalize(ob);
	sqlite3_finalize(an);
	exec("ANALYZE");
	sqlite3_close(h);
	printf("generated %s: subnets=%ld allocations=%ld observations=%ld dns_answers=%ld now=%" PRId64 "\n",
	       out, n_sub, n_al, n_ob, n_an, now);
	return 0;
}
