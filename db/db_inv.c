/* The recorded view: snapshot imports of subnets, ranges, allocations,
 * leases, zone records and allowlists, one transaction per source. */
#include "db_inv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "db_int.h"

static const char *const tables[] = {
	[INV_SUBNET] = "subnets", [INV_RANGE] = "ranges", [INV_ALLOC] = "allocations",
	[INV_LEASE] = "leases", [INV_DNS] = "dns_records", [INV_ALLOW] = "allowlist",
};

static const struct {
	const char *name;
	enum inv_kind kind;
} kinds[] = {
	{ "subnets", INV_SUBNET }, { "ranges", INV_RANGE }, { "allocations", INV_ALLOC },
	{ "leases", INV_LEASE }, { "zone", INV_DNS }, { "allowlist", INV_ALLOW },
};

struct db_inv {
	struct db *db;
	int64_t source_id;
	enum inv_kind kind;
	int64_t now;
	sqlite3_stmt *ins, *del;
	char **reindex;        /* CREATE INDEX statements to run at commit */
	size_t nreindex;
};

/*
 * Inserting a million rows into three B-tree indexes costs more than the
 * rows themselves; building an index once from sorted data is cheaper.
 * When the snapshot is expected to be much larger than what the table holds
 * (a first import), drop the table's secondary indexes (not the UNIQUE ones,
 * which detect duplicates) and recreate them from sqlite_master's own SQL
 * at commit, inside the same transaction.
 */
static void drop_secondary_indexes(struct db_inv *im, const char *table, int64_t size_hint)
{
	if (size_hint < (int64_t)4 << 20)
		return;
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	sqlite3_stmt *st = db_prep(im->db, sql);
	int64_t have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (have * 64 * 4 > size_hint)   /* ~64 bytes per input row */
		return;
	st = db_prep(im->db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
			     " AND tbl_name = ?1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	char *names[16];
	size_t n = 0;
	while (n < 16 && sqlite3_step(st) == SQLITE_ROW) {
		names[n] = xstrdup((const char *)sqlite3_column_text(st, 0));
		im->reindex = xreallocarray(im->reindex, n + 1, sizeof *im->reindex);
		im->reindex[n] = xstrdup((const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	im->nreindex = n;
	for (size_t i = 0; i < n; i++) {
		char *drop = xasprintf("DROP INDEX \"%s\"", names[i]);
		db_exec(im->db, drop);
		free(drop);
		free(names[i]);
	}
}

/* A lease counts as active when its state says so and it has not ended. */
#define LEASE_ACTIVE_SQL "(state = 'active' AND (ends IS NULL OR ends > ?2))"

static int kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return (int)kinds[i].kind;
	return -1;
}

static const char *const ins_sql[] = {
	[INV_SUBNET] = "INSERT INTO subnets (source_id, vrf, family, lo, hi, prefix_len, cidr, vlan,"
		" status, role, is_pool, threshold, tenant, description, line)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
	[INV_RANGE] = "INSERT INTO ranges (source_id, vrf, kind, lo, hi, lo_text, hi_text, status,"
		" description, line) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	[INV_ALLOC] = "INSERT INTO allocations (source_id, vrf, ip, ip_text, prefix_len, mac, hostname,"
		" hostname_flags, status, role, tenant, owner, description, line, ext_id)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
	[INV_LEASE] = "INSERT INTO leases (source_id, ip, ip_text, kind, prefix_len, mac, client_id,"
		" duid, iaid, hostname, hostname_flags, starts, ends, state, active, line)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
		" ON CONFLICT(source_id, ip) DO UPDATE SET ip_text=excluded.ip_text, kind=excluded.kind,"
		" prefix_len=excluded.prefix_len, mac=excluded.mac, client_id=excluded.client_id,"
		" duid=excluded.duid, iaid=excluded.iaid, hostname=excluded.hostname,"
		" hostname_flags=excluded.hostname_flags, starts=excluded.starts, ends=excluded.ends,"
		" state=excluded.state, active=excluded.active, line=excluded.line",
	[INV_DNS] = "INSERT INTO dns_records (source_id, zone, owner, ttl, type, rdata, ip, ip_text,"
		" target, line) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	[INV_ALLOW] = "INSERT INTO allowlist (source_id, kind, ip, ip_text, mac, description, line)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7)",
};

int64_t db_inv_count(struct db *db, const char *source, enum inv_kind kind)
{
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM %s t JOIN sources s ON s.id = t.source_id WHERE s.name = ?1",
		 tables[kind]);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

static enum ipd_status exec_src(struct db *db, const char *sql, int64_t id, int64_t now)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db->h));
		return IPD_EDB;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, now);
	enum ipd_status s = db_step_done(db, st);
	sqlite3_finalize(st);
	return s;
}

enum ipd_status db_inv_begin(struct db *db, const struct db_inv_source *src, struct db_inv **out,
			     bool *unchanged, int64_t *prev_rows)
{
	*out = NULL;
	*unchanged = false;
	*prev_rows = 0;
	int k = kind_of(src->kind);
	if (k < 0)
		return IPD_EINVAL;
	/* A snapshot is one big transaction: with SQLite's default 2 MB page
	 * cache, index pages of a million-row import spill to the WAL and are
	 * read back many times. 128 MB (an upper bound, allocated on demand)
	 * keeps them in memory; this connection only. */
	db_exec(db, "PRAGMA cache_size = -131072");
	enum ipd_status s = db_begin(db);
	if (s != IPD_OK)
		return s;

	sqlite3_stmt *st = db_prep(db, "SELECT id, kind, digest, rows FROM sources WHERE name = ?1");
	sqlite3_bind_text(st, 1, src->name, -1, SQLITE_STATIC);
	int64_t id = -1;
	bool same_digest = false, other_kind = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		const char *kd = (const char *)sqlite3_column_text(st, 1);
		const char *dg = (const char *)sqlite3_column_text(st, 2);
		other_kind = !kd || strcmp(kd, src->kind) != 0;
		same_digest = dg && src->digest && strcmp(dg, src->digest) == 0;
		*prev_rows = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (other_kind) {
		log_warnx("source \"%s\" already holds another kind of data; use --source", src->name);
		db_rollback(db);
		return IPD_EINVAL;
	}
	if (same_digest) {
		*unchanged = true;
		s = IPD_OK;
		if (k == INV_LEASE)
			s = exec_src(db, "UPDATE leases SET active = " LEASE_ACTIVE_SQL
				     " WHERE source_id = ?1 AND active <> " LEASE_ACTIVE_SQL, id, src->now);
		if (s == IPD_OK)
			return db_commit(db);
		db_rollback(db);
		return s;
	}

	if (id < 0) {
		st = db_prep(db, "INSERT INTO sources (name, kind, format, path) VALUES (?1,?2,?3,?4)");
		sqlite3_bind_text(st, 1, src->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, src->kind, -1, SQLITE_STATIC);
		db_bind_text_or_null(st, 3, src->format);
		db_bind_text_or_null(st, 4, src->path);
		s = db_step_done(db, st);
		sqlite3_finalize(st);
		id = sqlite3_last_insert_rowid(db->h);
	} else {
		char sql[96];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE source_id = ?1", tables[k]);
		s = exec_src(db, sql, id, 0);
	}
	if (s != IPD_OK) {
		db_rollback(db);
		return s;
	}

	struct db_inv *im = xcalloc(1, sizeof *im);
	im->db = db;
	im->source_id = id;
	im->kind = (enum inv_kind)k;
	im->now = src->now;
	if (k == INV_ALLOC || k == INV_LEASE || k == INV_DNS)
		drop_secondary_indexes(im, tables[k], src->size_hint);
	im->ins = db_prep(db, ins_sql[k]);
	if (k == INV_LEASE)
		im->del = db_prep(db, "DELETE FROM leases WHERE source_id = ?1 AND ip = ?2");
	/* remember format/path/digest now; rows and time at commit */
	st = db_prep(db, "UPDATE sources SET format = ?2, path = ?3, digest = ?4 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text_or_null(st, 2, src->format);
	db_bind_text_or_null(st, 3, src->path);
	db_bind_text_or_null(st, 4, src->digest);
	s = db_step_done(db, st);
	sqlite3_finalize(st);
	if (s != IPD_OK) {
		db_inv_abort(im);
		return s;
	}
	*out = im;
	return IPD_OK;
}

static void bind_len(sqlite3_stmt *st, int col, const char *s, size_t len)
{
	if (s)
		sqlite3_bind_text(st, col, s, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

static void bind_str(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

static void bind_vrf(sqlite3_stmt *st, int col, const char *vrf)
{
	sqlite3_bind_text(st, col, vrf ? vrf : "", -1, SQLITE_STATIC);
}

/* Line of the row already holding this key, for the duplicate message. */
static unsigned long dup_line_of(struct db_inv *im, const struct inv_rec *r)
{
	sqlite3_stmt *st;
	const char *sql = r->kind == INV_ALLOC
		? "SELECT line FROM allocations WHERE source_id = ?1 AND vrf = ?2 AND ip = ?3"
		: "SELECT line FROM subnets WHERE source_id = ?1 AND vrf = ?2 AND lo = ?3 AND prefix_len = ?4";
	if (sqlite3_prepare_v2(im->db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, im->source_id);
	if (r->kind == INV_ALLOC) {
		bind_vrf(st, 2, r->u.alloc.vrf);
		db_bind_ip(st, 3, &r->u.alloc.ip);
	} else {
		bind_vrf(st, 2, r->u.subnet.vrf);
		db_bind_ip(st, 3, &r->u.subnet.pfx.addr);
		sqlite3_bind_int(st, 4, r->u.subnet.pfx.len);
	}
	unsigned long line = sqlite3_step(st) == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return line;
}

enum ipd_status db_inv_put(struct db_inv *im, const struct inv_rec *r, unsigned long *dup_line)
{
	sqlite3_stmt *st = im->ins;
	char b1[IPD_PFX_STRLEN], b2[IPD_IP_STRLEN], b3[IPD_IP_STRLEN], mb[IPD_MAC_STRLEN];
	if (r->kind != im->kind)
		return IPD_EINVAL;
	sqlite3_bind_int64(st, 1, im->source_id);
	switch (r->kind) {
	case INV_SUBNET: {
		const struct inv_subnet *s = &r->u.subnet;
		struct ipd_ip hi;
		ipd_prefix_last(&s->pfx, &hi);
		bind_vrf(st, 2, s->vrf);
		sqlite3_bind_int(st, 3, ipd_ip_family(&s->pfx.addr));
		db_bind_ip(st, 4, &s->pfx.addr);
		db_bind_ip(st, 5, &hi);
		sqlite3_bind_int(st, 6, s->pfx.len);
		sqlite3_bind_text(st, 7, ipd_prefix_fmt(&s->pfx, b1, sizeof b1), -1, SQLITE_STATIC);
		if (s->vlan >= 0)
			sqlite3_bind_int(st, 8, s->vlan);
		else
			sqlite3_bind_null(st, 8);
		bind_str(st, 9, s->status);
		bind_str(st, 10, s->role);
		sqlite3_bind_int(st, 11, s->is_pool);
		if (s->threshold >= 0)
			sqlite3_bind_double(st, 12, s->threshold);
		else
			sqlite3_bind_null(st, 12);
		bind_str(st, 13, s->tenant);
		bind_str(st, 14, s->description);
		sqlite3_bind_int64(st, 15, (int64_t)r->line);
		break;
	}
	case INV_RANGE: {
		const struct inv_range *g = &r->u.range;
		bind_vrf(st, 2, g->vrf);
		bind_str(st, 3, g->kind);
		db_bind_ip(st, 4, &g->lo);
		db_bind_ip(st, 5, &g->hi);
		sqlite3_bind_text(st, 6, ipd_ip_fmt(&g->lo, b2, sizeof b2), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, ipd_ip_fmt(&g->hi, b3, sizeof b3), -1, SQLITE_STATIC);
		bind_str(st, 8, g->status);
		bind_str(st, 9, g->description);
		sqlite3_bind_int64(st, 10, (int64_t)r->line);
		break;
	}
	case INV_ALLOC: {
		const struct inv_alloc *a = &r->u.alloc;
		bind_vrf(st, 2, a->vrf);
		db_bind_ip(st, 3, &a->ip);
		sqlite3_bind_text(st, 4, ipd_ip_fmt(&a->ip, b2, sizeof b2), -1, SQLITE_STATIC);
		if (a->prefix_len >= 0)
			sqlite3_bind_int(st, 5, a->prefix_len);
		else
			sqlite3_bind_null(st, 5);
		if (a->has_mac)
			sqlite3_bind_text(st, 6, ipd_mac_fmt(&a->mac, mb, sizeof mb), -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		bind_len(st, 7, a->hostname, a->hostname_len);
		sqlite3_bind_int(st, 8, (int)a->hostname_flags);
		bind_str(st, 9, a->status);
		bind_str(st, 10, a->role);
		bind_str(st, 11, a->tenant);
		bind_str(st, 12, a->owner);
		bind_str(st, 13, a->description);
		sqlite3_bind_int64(st, 14, (int64_t)r->line);
		bind_str(st, 15, a->ext_id);
		break;
	}
	case INV_LEASE: {
		const struct inv_lease *l = &r->u.lease;
		if (l->deleted) {
			sqlite3_bind_int64(im->del, 1, im->source_id);
			db_bind_ip(im->del, 2, &l->ip);
			return db_step_done(im->db, im->del);
		}
		db_bind_ip(st, 2, &l->ip);
		sqlite3_bind_text(st, 3, ipd_ip_fmt(&l->ip, b2, sizeof b2), -1, SQLITE_STATIC);
		bind_str(st, 4, l->kind ? l->kind : "v4");
		if (l->prefix_len >= 0)
			sqlite3_bind_int(st, 5, l->prefix_len);
		else
			sqlite3_bind_null(st, 5);
		if (l->has_mac)
			sqlite3_bind_text(st, 6, ipd_mac_fmt(&l->mac, mb, sizeof mb), -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		bind_str(st, 7, l->client_id);
		bind_str(st, 8, l->duid);
		if (l->iaid >= 0)
			sqlite3_bind_int64(st, 9, l->iaid);
		else
			sqlite3_bind_null(st, 9);
		bind_len(st, 10, l->hostname, l->hostname_len);
		sqlite3_bind_int(st, 11, (int)l->hostname_flags);
		if (l->starts)
			sqlite3_bind_int64(st, 12, l->starts);
		else
			sqlite3_bind_null(st, 12);
		if (l->ends)
			sqlite3_bind_int64(st, 13, l->ends);
		else
			sqlite3_bind_null(st, 13);
		bind_str(st, 14, l->state);
		sqlite3_bind_int(st, 15, l->active);
		sqlite3_bind_int64(st, 16, (int64_t)r->line);
		break;
	}
	case INV_DNS: {
		const struct inv_dns *d = &r->u.dns;
		bind_str(st, 2, d->zone);
		bind_str(st, 3, d->owner);
		sqlite3_bind_int64(st, 4, d->ttl);
		bind_str(st, 5, d->type);
		bind_str(st, 6, d->rdata);
		if (d->has_ip) {
			db_bind_ip(st, 7, &d->ip);
			sqlite3_bind_text(st, 8, ipd_ip_fmt(&d->ip, b2, sizeof b2), -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, 7);
			sqlite3_bind_null(st, 8);
		}
		bind_len(st, 9, d->target, d->target_len);
		sqlite3_bind_int64(st, 10, (int64_t)r->line);
		break;
	}
	case INV_ALLOW: {
		const struct inv_allow *w = &r->u.allow;
		bind_str(st, 2, w->kind);
		if (w->has_ip) {
			db_bind_ip(st, 3, &w->ip);
			sqlite3_bind_text(st, 4, ipd_ip_fmt(&w->ip, b2, sizeof b2), -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(st, 3);
			sqlite3_bind_null(st, 4);
		}
		if (w->has_mac)
			sqlite3_bind_text(st, 5, ipd_mac_fmt(&w->mac, mb, sizeof mb), -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		bind_str(st, 6, w->description);
		sqlite3_bind_int64(st, 7, (int64_t)r->line);
		break;
	}
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return IPD_OK;
	if ((rc & 0xff) == SQLITE_CONSTRAINT && (r->kind == INV_ALLOC || r->kind == INV_SUBNET)) {
		if (dup_line)
			*dup_line = dup_line_of(im, r);
		return IPD_EINVAL;
	}
	log_warnx("db: %s", sqlite3_errmsg(im->db->h));
	return IPD_EDB;
}

static void inv_free(struct db_inv *im)
{
	sqlite3_finalize(im->ins);
	sqlite3_finalize(im->del);
	for (size_t i = 0; i < im->nreindex; i++)
		free(im->reindex[i]);
	free(im->reindex);
	free(im);
}

enum ipd_status db_inv_commit(struct db_inv *im, int64_t bad_rows, const char *stats_json,
			      int64_t *rows)
{
	struct db *db = im->db;
	char sql[96];
	for (size_t i = 0; i < im->nreindex; i++) {
		if (db_exec(db, im->reindex[i]) != IPD_OK) {
			db_inv_abort(im);
			return IPD_EDB;
		}
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE source_id = ?1", tables[im->kind]);
	sqlite3_stmt *st = db_prep(db, sql);
	sqlite3_bind_int64(st, 1, im->source_id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	st = db_prep(db, "UPDATE sources SET rows = ?2, bad_rows = ?3, imported = ?4, stats = ?5"
			 " WHERE id = ?1");
	sqlite3_bind_int64(st, 1, im->source_id);
	sqlite3_bind_int64(st, 2, n);
	sqlite3_bind_int64(st, 3, bad_rows);
	sqlite3_bind_int64(st, 4, (int64_t)time(NULL)); /* wall clock, not the --now used for leases */
	db_bind_text_or_null(st, 5, stats_json);
	enum ipd_status s = db_step_done(db, st);
	sqlite3_finalize(st);
	inv_free(im);
	if (s != IPD_OK) {
		db_rollback(db);
		return s;
	}
	if (rows)
		*rows = n;
	return db_commit(db);
}

void db_inv_abort(struct db_inv *im)
{
	struct db *db = im->db;
	inv_free(im);
	db_rollback(db);
}
