/*
 * bench_db: upsert N observations (default 1,000,000) through the batching
 * db_writer into a fresh store, then the same N again (every row becomes an
 * update of count/last_seen), and print rows/s, seconds, peak RSS and file
 * size for each pass.
 *
 *   build/tools/bench_db [-n ROWS] [-b BATCH] [-o DBFILE] [--keep]
 *
 * Keys: half IPv4 (198.18.0.0/15, cycling) and half IPv6 (2001:db8:b::/64),
 * each row with its own MAC, so every row is a distinct
 * (ip, mac, vlan, iface, sensor, method) key.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../common/log.h"
#include "../../db/db.h"
#include "../../db/db_obs.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss; /* kilobytes on Linux */
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void make_obs(uint64_t i, int64_t t, struct db_obs *o)
{
	memset(o, 0, sizeof *o);
	if (i % 2 == 0) {
		/* 198.18.0.0/15: 131072 addresses, cycled */
		ipd_ip_from_v4(&o->ip, 0xc6120000u + (uint32_t)((i / 2) % 131072));
		o->method = "arp-active";
	} else {
		uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0b };
		uint64_t h = i / 2;
		for (int k = 0; k < 8; k++)
			b[15 - k] = (uint8_t)(h >> (8 * k));
		ipd_ip_from_v6_bytes(&o->ip, b);
		o->method = "nd-active";
	}
	/* Universally administered, unique per row: 00:1b:21 + 24 bits of i,
	 * with the top bits of i folded into the second octet's low bits. */
	o->mac.b[0] = 0x00;
	o->mac.b[1] = (uint8_t)(0x1b ^ ((i >> 24) & 0xff));
	o->mac.b[2] = 0x21;
	o->mac.b[3] = (uint8_t)(i >> 16);
	o->mac.b[4] = (uint8_t)(i >> 8);
	o->mac.b[5] = (uint8_t)i;
	o->vlan = 0;
	o->iface = "eth0";
	o->sensor = "bench";
	o->first_seen = t;
	o->last_seen = t;
	o->count = 1;
}

static int pass(struct db *db, const char *label, uint64_t n, size_t batch, int64_t t,
		const char *path)
{
	struct db_writer *w = db_writer_new(db, batch);
	struct db_obs o;
	double t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		make_obs(i, t, &o);
		if (db_obs_put(w, &o) != IPD_OK) {
			fprintf(stderr, "bench_db: put failed at row %" PRIu64 ": %s\n", i, db_errmsg(db));
			db_writer_close(w);
			return -1;
		}
	}
	if (db_writer_close(w) != IPD_OK) {
		fprintf(stderr, "bench_db: commit failed: %s\n", db_errmsg(db));
		return -1;
	}
	double dt = now_s() - t0;
	char wal[4096];
	snprintf(wal, sizeof wal, "%s-wal", path);
	printf("bench_db %-7s rows=%" PRIu64 " seconds=%.2f rows_per_s=%.0f peak_rss_kb=%ld "
	       "db_bytes=%lld wal_bytes=%lld\n",
	       label, n, dt, dt > 0 ? (double)n / dt : 0.0, peak_rss_kb(), file_size(path),
	       file_size(wal));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000;
	size_t batch = 0;
	const char *path = NULL;
	bool keep = false;
	static const struct option opts[] = {
		{ "rows", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "n:b:o:k", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'b': batch = (size_t)strtoul(optarg, NULL, 10); break;
		case 'o': path = optarg; break;
		case 'k': keep = true; break;
		default:
			fprintf(stderr, "usage: bench_db [-n ROWS] [-b BATCH] [-o DBFILE] [--keep]\n");
			return 64;
		}
	}
	char tmp[] = "/tmp/ipdrift-bench-XXXXXX";
	char pbuf[4200];
	if (!path) {
		if (!mkdtemp(tmp)) {
			perror("mkdtemp");
			return 73;
		}
		snprintf(pbuf, sizeof pbuf, "%s/bench.db", tmp);
		path = pbuf;
	} else {
		unlink(path);
	}
	struct db *db;
	if (db_open(path, DB_CREATE, &db) != IPD_OK)
		return 73;
	int64_t t = (int64_t)time(NULL);
	int rc = pass(db, "insert", n, batch, t, path);
	if (rc == 0)
		rc = pass(db, "update", n, batch, t + 60, path);
	struct db_counts cnt;
	if (rc == 0 && db_counts(db, &cnt) == IPD_OK) {
		printf("bench_db rows_in_table=%" PRId64 " (expected %" PRIu64 ")\n", cnt.observations, n);
		if ((uint64_t)cnt.observations != n)
			rc = -1;
	}
	db_close(db);
	printf("bench_db file_bytes=%lld (after checkpoint on close)\n", file_size(path));
	if (!keep) {
		char wal[4300];
		unlink(path);
		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path);
		unlink(wal);
		if (path == pbuf)
			rmdir(tmp);
	}
	return rc == 0 ? 0 : 1;
}
