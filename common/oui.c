/*
 * IEEE OUI registry lookup (IEEE 802 MA-L/MA-M/MA-S assignments as published
 * in Debian's ieee-data CSVs; arp-scan mac-vendor(5) override file).
 *
 * Each registry becomes one sorted array of (prefix value, vendor) and a
 * lookup is three binary searches, longest prefix first. Vendor strings live
 * in one growable pool so the whole table is a handful of allocations.
 */
#include "oui.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "log.h"
#include "xmem.h"

struct entry {
	uint64_t key;      /* the prefix as an integer of `bits` bits */
	uint32_t name;     /* offset into the string pool */
	uint8_t bits;      /* override entries: any multiple of 4 in 8..48 */
	uint8_t reg;       /* index into reg_names */
};

struct table {
	struct entry *v;
	size_t n, cap;
};

struct oui_db {
	char *dir, *override_path;
	bool loaded;
	struct table t24, t28, t36, over;
	char *pool;
	size_t pool_len, pool_cap;
	long entries;
};

static const char *const reg_names[] = { "MA-L", "MA-M", "MA-S", "IAB", "override", "LA" };
enum { REG_MAL, REG_MAM, REG_MAS, REG_IAB, REG_OVER, REG_LA };

struct oui_db *oui_new(const char *dir, const char *override_path)
{
	struct oui_db *db = xcalloc(1, sizeof *db);
	db->dir = xstrdup(dir ? dir : OUI_DEFAULT_DIR);
	db->override_path = override_path ? xstrdup(override_path) : NULL;
	return db;
}

void oui_free(struct oui_db *db)
{
	if (!db)
		return;
	free(db->t24.v);
	free(db->t28.v);
	free(db->t36.v);
	free(db->over.v);
	free(db->pool);
	free(db->dir);
	free(db->override_path);
	free(db);
}

static uint32_t pool_add(struct oui_db *db, const char *s, size_t len)
{
	/* trim: the registry pads some names with blanks */
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (db->pool_len + len + 1 > db->pool_cap) {
		db->pool_cap = (db->pool_len + len + 1) * 2 + 4096;
		db->pool = xrealloc(db->pool, db->pool_cap);
	}
	uint32_t off = (uint32_t)db->pool_len;
	memcpy(db->pool + off, s, len);
	db->pool[off + len] = '\0';
	db->pool_len += len + 1;
	return off;
}

static void table_add(struct table *t, uint64_t key, int bits, int reg, uint32_t name)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	t->v[t->n++] = (struct entry){ .key = key, .name = name, .bits = (uint8_t)bits,
				       .reg = (uint8_t)reg };
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->bits != y->bits)            /* override table: longest first per key */
		return x->bits > y->bits ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Parse exactly `digits` hex digits (separators : - . skipped when sep). */
static bool parse_hex(const char *s, size_t len, bool sep, uint64_t *out, int *ndigits)
{
	uint64_t v = 0;
	int n = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (sep && (c == ':' || c == '-' || c == '.'))
			continue;
		if (!isxdigit(c) || n >= 12)
			return false;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
		n++;
	}
	*out = v;
	*ndigits = n;
	return n > 0;
}

struct csv_load {
	struct oui_db *db;
	const char *path;
	long rows, bad;
};

/* One CSV record: Registry,Assignment,Organization Name,Organization Address */
static void load_record(struct csv_load *L, const char *reg, size_t reglen, const char *assign,
			size_t alen, const char *org, size_t orglen)
{
	struct oui_db *db = L->db;
	uint64_t key;
	int nd;
	if (reglen == 8 && memcmp(reg, "Registry", 8) == 0)
		return; /* header */
	if (!parse_hex(assign, alen, false, &key, &nd)) {
		L->bad++;
		return;
	}
	int r;
	struct table *t;
	if (reglen == 4 && memcmp(reg, "MA-L", 4) == 0 && nd == 6)
		r = REG_MAL, t = &db->t24;
	else if (reglen == 4 && memcmp(reg, "MA-M", 4) == 0 && nd == 7)
		r = REG_MAM, t = &db->t28;
	else if (reglen == 4 && memcmp(reg, "MA-S", 4) == 0 && nd == 9)
		r = REG_MAS, t = &db->t36;
	else if (reglen == 3 && memcmp(reg, "IAB", 3) == 0 && nd == 9)
		r = REG_IAB, t = &db->t36;
	else {
		L->bad++;
		return;
	}
	table_add(t, key, nd * 4, r, pool_add(db, org, orglen));
	L->rows++;
}

static void load_registry_csv(struct oui_db *db, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", db->dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno != ENOENT)
			log_warn("oui: %s", path);
		return;
	}
	struct csv_load L = { .db = db, .path = path };
	struct csv_opts o = { .delim = ',' };
	struct csv_reader *r = csv_open_file(f, &o);
	struct csv_record rec;
	enum ipd_status st;
	while ((st = csv_next(r, &rec)) != IPD_ENOTFOUND && st != IPD_EIO) {
		if (st != IPD_OK || rec.n < 3) {
			L.bad++;
			continue;
		}
		load_record(&L, rec.f[0], rec.len[0], rec.f[1], rec.len[1], rec.f[2], rec.len[2]);
	}
	if (st == IPD_EIO)
		log_warnx("oui: %s: read error", path);
	csv_close(r);
	fclose(f);
	if (L.bad)
		log_debug("oui: %s: %ld rows, %ld skipped", path, L.rows, L.bad);
	db->entries += L.rows;
}

/* arp-scan mac-vendor.txt: "<hex prefix><TAB><vendor>", '#' comments. */
static void load_override(struct oui_db *db)
{
	FILE *f = fopen(db->override_path, "r");
	if (!f) {
		log_warn("oui: %s", db->override_path);
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		size_t pl = strcspn(p, " \t\r\n");
		uint64_t key;
		int nd;
		char *v = p + pl;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strcspn(v, "\r\n");
		if (!parse_hex(p, pl, true, &key, &nd) || nd < 2 || vl == 0) {
			log_warnx("oui: %s:%ld: not \"<hex prefix><TAB><vendor>\"", db->override_path,
				  lineno);
			continue;
		}
		table_add(&db->over, key, nd * 4, REG_OVER, pool_add(db, v, vl));
	}
	free(line);
	fclose(f);
}

long oui_load(struct oui_db *db)
{
	if (db->loaded)
		return db->entries;
	db->loaded = true;
	load_registry_csv(db, "oui.csv");
	load_registry_csv(db, "mam.csv");
	load_registry_csv(db, "oui36.csv");
	load_registry_csv(db, "iab.csv");
	if (db->entries == 0)
		log_warnx("oui: no IEEE registry under %s (install ieee-data); vendors unknown",
			  db->dir);
	if (db->override_path)
		load_override(db);
	struct table *ts[] = { &db->t24, &db->t28, &db->t36, &db->over };
	for (size_t i = 0; i < 4; i++)
		if (ts[i]->n)
			qsort(ts[i]->v, ts[i]->n, sizeof *ts[i]->v, entry_cmp);
	return db->entries;
}

static const struct entry *find(const struct table *t, uint64_t key)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].key < key)
			lo = mid + 1;
		else if (t->v[mid].key > key)
			hi = mid;
		else
			return &t->v[mid];
	}
	return NULL;
}

void oui_lookup(struct oui_db *db, const struct ipd_mac *mac, struct oui_result *out)
{
	memset(out, 0, sizeof *out);
	oui_load(db);
	uint64_t m = 0;
	for (int i = 0; i < 6; i++)
		m = m << 8 | mac->b[i];
	/* override entries are few: a linear scan, longest (sorted first) wins */
	for (size_t i = 0; i < db->over.n; i++) {
		const struct entry *e = &db->over.v[i];
		if ((m >> (48 - e->bits)) == e->key) {
			*out = (struct oui_result){ OUI_OVERRIDE, db->pool + e->name, e->bits,
						    reg_names[REG_OVER] };
			return;
		}
	}
	if (ipd_mac_is_random(mac)) {
		*out = (struct oui_result){ OUI_LOCAL, OUI_LA_VENDOR, 0, reg_names[REG_LA] };
		return;
	}
	const struct entry *e;
	if ((e = find(&db->t36, m >> 12)) || (e = find(&db->t28, m >> 20)) ||
	    (e = find(&db->t24, m >> 24)))
		*out = (struct oui_result){ OUI_REGISTRY, db->pool + e->name, e->bits,
					    reg_names[e->reg] };
}

const char *oui_vendor(struct oui_db *db, const struct ipd_mac *mac)
{
	struct oui_result r;
	oui_lookup(db, mac, &r);
	return r.vendor;
}

static struct oui_db *default_db;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void)
{
	default_db = oui_new(NULL, NULL);
}

struct oui_db *oui_default(void)
{
	pthread_once(&default_once, default_init);
	return default_db;
}
