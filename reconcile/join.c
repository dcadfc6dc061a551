/*
 * The join. One pass over six address-ordered cursors (sorted merge): for each
 * address, take the group of rows every cursor holds for it, add the subnet,
 * DHCP pool and coverage (sweep-line over coverage intervals), and run the
 * address rules. Side products of the same pass: per-subnet usage counts,
 * unrecorded /24 and /64 groups, and a compact list of live (MAC, address)
 * pairs that is sorted afterwards for the per-MAC rules. Forward DNS answers
 * are indexed by name in memory first, because name checks cross addresses.
 */
#include "join.h"

#include <ctype.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "rules.h"

/* ------------------------------------------------------------ string arena */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct chunk *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (!a->head || a->head->used + n > a->head->cap) {
		size_t cap = n > (1u << 20) ? n : (1u << 20);
		struct chunk *c = xmalloc(sizeof *c + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

static char *arena_strdup(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);
	memcpy(p, s, n);
	return p;
}

static void arena_free(struct arena *a)
{
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
}

/* ------------------------------------------------------------ DNS names */

static const char *const status_vocab[] = { "?", "ok", "nxdomain", "nodata", "servfail",
					    "refused", "timeout", "error" };

static uint8_t status_code(const char *s)
{
	for (uint8_t i = 1; i < sizeof status_vocab / sizeof status_vocab[0]; i++)
		if (s && strcasecmp(s, status_vocab[i]) == 0)
			return i;
	return 7; /* unknown statuses are errors: never "missing" */
}

enum dns_cls dns_classify(const char *status)
{
	if (!status)
		return DNS_NONE;
	switch (status_code(status)) {
	case 1: return DNS_OK;
	case 2: case 3: return DNS_NEG;
	default: return DNS_FAIL;
	}
}

char *dns_norm(const char *name, char *buf, size_t len)
{
	size_t n = 0;
	if (!len)
		return buf;
	for (const char *p = name ? name : ""; *p && n + 1 < len; p++)
		buf[n++] = (char)tolower((unsigned char)*p);
	while (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	return buf;
}

struct ipnode {
	struct ipd_ip ip;
	uint32_t next;   /* 1-based index, 0 = end */
};

/* Open addressing; each slot keeps the full hash so a probe that misses
 * never touches the entry (one cache miss per lookup instead of three). */
struct name_slot {
	uint64_t hash;
	struct name_ent *e;
};

#define NAMES_MAX_SERVERS 64

struct name_idx {
	char *servers[NAMES_MAX_SERVERS];  /* [0] unused: 0 = unknown */
	size_t nservers;
	struct name_slot *slots;
	size_t cap, n;
	struct ipnode *nodes;
	size_t nnodes, capnodes;
	struct arena ar;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 29;  /* FNV's low bits are weak for similar names */
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

struct name_idx *names_new(void)
{
	struct name_idx *x = xcalloc(1, sizeof *x);
	x->cap = 1024;
	x->slots = xcalloc(x->cap, sizeof *x->slots);
	return x;
}

void names_free(struct name_idx *x)
{
	if (!x)
		return;
	free(x->slots);
	free(x->nodes);
	for (size_t i = 1; i < x->nservers; i++)
		free(x->servers[i]);
	arena_free(&x->ar);
	free(x);
}

static uint16_t server_index(struct name_idx *x, const char *server)
{
	if (!server || !*server)
		return 0;
	if (x->nservers == 0)
		x->nservers = 1;
	for (size_t i = 1; i < x->nservers; i++)
		if (strcmp(x->servers[i], server) == 0)
			return (uint16_t)i;
	if (x->nservers >= NAMES_MAX_SERVERS)
		return 0;
	x->servers[x->nservers] = xstrdup(server);
	return (uint16_t)x->nservers++;
}

const char *names_server(const struct name_idx *x, const struct name_fwd *f)
{
	return names_server_at(x, f->server);
}

uint16_t names_intern_server(struct name_idx *x, const char *server)
{
	return server_index(x, server);
}

const char *names_server_at(const struct name_idx *x, uint16_t i)
{
	return i && i < x->nservers ? x->servers[i] : NULL;
}

static struct name_slot *slot_of(const struct name_idx *x, const char *norm, uint64_t h)
{
	size_t i = h & (x->cap - 1);
	while (x->slots[i].e && (x->slots[i].hash != h || strcmp(x->slots[i].e->name, norm) != 0))
		i = (i + 1) & (x->cap - 1);
	return &x->slots[i];
}

static void grow(struct name_idx *x)
{
	struct name_slot *old = x->slots;
	size_t oldcap = x->cap;
	x->cap *= 4;
	x->slots = xcalloc(x->cap, sizeof *x->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].e) {
			size_t j = old[i].hash & (x->cap - 1);
			while (x->slots[j].e)
				j = (j + 1) & (x->cap - 1);
			x->slots[j] = old[i];
		}
	free(old);
}

static const struct name_ent *add(struct name_idx *x, const char *qname, const char *qtype,
				  const char *status, const struct ipd_ip *ip, int64_t run_id,
				  int64_t at, int64_t ttl, const char *server)
{
	char norm[256];
	dns_norm(qname, norm, sizeof norm);
	if (!*norm)
		return NULL;
	bool v6 = strcasecmp(qtype, "AAAA") == 0;
	if (!v6 && strcasecmp(qtype, "A") != 0)
		return NULL;
	if ((x->n + 1) * 2 > x->cap)
		grow(x);
	uint64_t h = hash_str(norm);
	struct name_slot *s = slot_of(x, norm, h);
	if (!s->e) {
		/* the name right behind the entry: one cache line for both */
		size_t len = strlen(norm) + 1;
		struct name_ent *e = arena_alloc(&x->ar, sizeof *e + len);
		memset(e, 0, sizeof *e);
		memcpy((char *)(e + 1), norm, len);
		e->name = (const char *)(e + 1);
		s->e = e;
		s->hash = h;
		x->n++;
	}
	struct name_fwd *f = v6 ? &s->e->aaaa : &s->e->a;
	if (f->cls != DNS_NONE && run_id < f->run_id)
		return s->e;                  /* an older run: superseded */
	if (f->cls == DNS_NONE || run_id > f->run_id) {
		memset(f, 0, sizeof *f);      /* a newer run replaces the older answers */
		f->run_id = run_id;
	}
	enum dns_cls cls = dns_classify(status);
	/* within one run: any ok answer wins, then a failure, then a negative */
	if (f->cls == DNS_NONE || cls == DNS_OK || (cls == DNS_FAIL && f->cls == DNS_NEG)) {
		f->cls = (uint8_t)cls;
		f->status = status_code(status);
	}
	if (at > f->at)
		f->at = at;
	f->ttl = (int32_t)ttl;
	if (cls == DNS_OK && ip && f->nip == 0) {
		f->ip0 = *ip;
		f->nip = 1;
	} else if (cls == DNS_OK && ip) {
		if (x->nnodes == x->capnodes) {
			x->capnodes = x->capnodes ? x->capnodes * 2 : 4096;
			x->nodes = xreallocarray(x->nodes, x->capnodes, sizeof *x->nodes);
		}
		x->nodes[x->nnodes] = (struct ipnode){ *ip, f->head };
		f->head = (uint32_t)++x->nnodes;
		f->nip++;
	}
	if (server)
		f->server = server_index(x, server);
	return s->e;
}

const struct name_ent *names_add(struct name_idx *x, const char *qname, const char *qtype,
				 const char *status, const struct ipd_ip *ip, int64_t run_id,
				 int64_t at, int64_t ttl)
{
	return add(x, qname, qtype, status, ip, run_id, at, ttl, NULL);
}

const struct name_ent *names_add_answer(struct name_idx *x, const struct db_aud_answer *a,
					bool has_ip)
{
	return add(x, a->qname, a->qtype, a->status, has_ip ? &a->ip : NULL, a->run_id, a->at,
		   a->ttl, a->server);
}

const struct name_ent *names_get(const struct name_idx *x, const char *name)
{
	char norm[256];
	if (!x || !name)
		return NULL;
	dns_norm(name, norm, sizeof norm);
	return slot_of(x, norm, hash_str(norm))->e;
}

size_t names_ips(const struct name_idx *x, const struct name_fwd *f, struct ipd_ip *out, size_t max)
{
	size_t n = 0;
	if (f->nip && max)
		out[n++] = f->ip0;
	for (uint32_t i = f->head; i && n < max; i = x->nodes[i - 1].next)
		out[n++] = x->nodes[i - 1].ip;
	return n;
}

bool names_has_ip(const struct name_idx *x, const struct name_fwd *f, const struct ipd_ip *ip)
{
	if (f->nip && ipd_ip_eq(&f->ip0, ip))
		return true;
	for (uint32_t i = f->head; i; i = x->nodes[i - 1].next)
		if (ipd_ip_eq(&x->nodes[i - 1].ip, ip))
			return true;
	return false;
}

const char *names_status(const struct name_fwd *f)
{
	return f->status < sizeof status_vocab / sizeof status_vocab[0] ? status_vocab[f->status]
									: "?";
}

size_t names_count(const struct name_idx *x) { return x ? x->n : 0; }

void names_each(const struct name_idx *x, names_cb cb, void *arg)
{
	for (size_t i = 0; i < x->cap; i++)
		if (x->slots[i].e)
			cb(arg, x->slots[i].e);
}

/* ------------------------------------------------------------ MAC set */

struct macset {
	uint64_t *v;    /* 48-bit MAC + 1 (0 = empty) */
	size_t cap, n;
};

static uint64_t mac64(const struct ipd_mac *m)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | m->b[i];
	return v;
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

struct macset *macset_new(void)
{
	struct macset *s = xcalloc(1, sizeof *s);
	s->cap = 1024;
	s->v = xcalloc(s->cap, sizeof *s->v);
	return s;
}

void macset_free(struct macset *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

static void macset_put(struct macset *s, uint64_t k)
{
	size_t i = mix(k) & (s->cap - 1);
	while (s->v[i] && s->v[i] != k)
		i = (i + 1) & (s->cap - 1);
	if (!s->v[i]) {
		s->v[i] = k;
		s->n++;
	}
}

void macset_add(struct macset *s, const struct ipd_mac *m)
{
	if ((s->n + 1) * 2 > s->cap) {
		uint64_t *old = s->v;
		size_t oc = s->cap;
		s->cap *= 2;
		s->v = xcalloc(s->cap, sizeof *s->v);
		s->n = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[i])
				macset_put(s, old[i]);
		free(old);
	}
	macset_put(s, mac64(m) + 1);
}

bool macset_has(const struct macset *s, const struct ipd_mac *m)
{
	uint64_t k = mac64(m) + 1;
	size_t i = mix(k) & (s->cap - 1);
	while (s->v[i]) {
		if (s->v[i] == k)
			return true;
		i = (i + 1) & (s->cap - 1);
	}
	return false;
}

/* ------------------------------------------------------------ subnets, pools */

static int subnet_cmp(const void *a, const void *b)
{
	const struct jv_subnet *x = a, *y = b;
	int c = ipd_ip_cmp(&x->lo, &y->lo);
	if (c)
		return c;
	return x->pfx.len < y->pfx.len ? -1 : x->pfx.len > y->pfx.len;
}

static int range_cmp(const void *a, const void *b)
{
	const struct jv_range *x = a, *y = b;
	int c = ipd_ip_cmp(&x->lo, &y->lo);
	if (c)
		return c;
	return -ipd_ip_cmp(&x->hi, &y->hi); /* wider first */
}

void ctx_index(struct audit_ctx *c)
{
	if (c->nsubnets)
		qsort(c->subnets, c->nsubnets, sizeof *c->subnets, subnet_cmp);
	if (c->nranges)
		qsort(c->ranges, c->nranges, sizeof *c->ranges, range_cmp);
	/* parents with a stack of open intervals (sorted by lo, wider first) */
	int *stack = xcalloc(c->nsubnets + c->nranges + 1, sizeof *stack);
	int sp = 0;
	for (size_t i = 0; i < c->nsubnets; i++) {
		while (sp && ipd_ip_cmp(&c->subnets[stack[sp - 1]].hi, &c->subnets[i].lo) < 0)
			sp--;
		c->subnets[i].parent = sp ? stack[sp - 1] : -1;
		stack[sp++] = (int)i;
	}
	sp = 0;
	for (size_t i = 0; i < c->nranges; i++) {
		while (sp && ipd_ip_cmp(&c->ranges[stack[sp - 1]].hi, &c->ranges[i].lo) < 0)
			sp--;
		c->ranges[i].parent = sp ? stack[sp - 1] : -1;
		stack[sp++] = (int)i;
	}
	free(stack);
}

/* Last index with lo <= ip, then up the parent chain until one contains ip. */
#define FIND_CONTAINING(arr, n, ip)                                                  \
	do {                                                                         \
		size_t lo_ = 0, hi_ = (n);                                           \
		while (lo_ < hi_) {                                                  \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                         \
			if (ipd_ip_cmp(&(arr)[mid_].lo, (ip)) <= 0)                  \
				lo_ = mid_ + 1;                                      \
			else                                                         \
				hi_ = mid_;                                          \
		}                                                                    \
		int i_ = (int)lo_ - 1;                                               \
		while (i_ >= 0 && ipd_ip_cmp(&(arr)[i_].hi, (ip)) < 0)               \
			i_ = (arr)[i_].parent;                                       \
		return i_;                                                           \
	} while (0)

int ctx_subnet_of(const struct audit_ctx *c, const struct ipd_ip *ip)
{
	FIND_CONTAINING(c->subnets, c->nsubnets, ip);
}

int ctx_pool_of(const struct audit_ctx *c, const struct ipd_ip *ip)
{
	FIND_CONTAINING(c->ranges, c->nranges, ip);
}

bool ctx_is_own(const struct audit_ctx *c, const struct ipd_ip *ip)
{
	if (ctx_subnet_of(c, ip) >= 0)
		return true;
	for (size_t i = 0; i < c->nown; i++)
		if (ipd_prefix_contains(&c->own[i], ip))
			return true;
	return false;
}

/* ------------------------------------------------------------ view */

void view_prepare(struct host_view *v, const struct audit_ctx *c)
{
	ipd_ip_fmt(&v->ip, v->ip_text, sizeof v->ip_text);
	v->last_seen = 0;
	for (size_t i = 0; i < v->nobs; i++)
		if (v->obs[i].last_seen > v->last_seen)
			v->last_seen = v->obs[i].last_seen;
	v->live = v->nobs && v->last_seen >= c->now - c->stale_secs;
	v->allocated = false;
	for (size_t i = 0; i < v->nalloc; i++)
		if (!v->alloc[i].status || strcasecmp(v->alloc[i].status, "deprecated") != 0)
			v->allocated = true;
	v->leased = false;
	for (size_t i = 0; i < v->nlease; i++)
		if (v->lease[i].active && (!v->lease[i].ends || v->lease[i].ends >= c->now))
			v->leased = true;
	v->hostname = NULL;
	for (size_t i = 0; i < v->nalloc && !v->hostname; i++)
		if (v->alloc[i].hostname && *v->alloc[i].hostname &&
		    (!v->alloc[i].status || strcasecmp(v->alloc[i].status, "deprecated") != 0))
			v->hostname = v->alloc[i].hostname;
	v->host_ent = v->hostname && c->names ? names_get(c->names, v->hostname) : NULL;
}

/* ------------------------------------------------------------ the pass */

struct cov_item {
	struct ipd_ip hi;
	int64_t at;
};

struct pass {
	struct db *db;
	struct audit_ctx *c;
	struct rule_emit *em;
	struct audit_stats *st;
	struct arena ar;
	/* coverage: rows sorted by lo, and a heap of open ones keyed by hi */
	struct db_aud_coverage *cov;
	size_t ncov, capcov, covpos;
	struct cov_item *heap;
	size_t nheap;
	/* live (mac, address) pairs for the MAC rules */
	struct mac_pair *pairs;
	size_t npairs, cappairs;
	/* the open unrecorded prefix */
	bool unm_open;
	struct unmanaged_view unm;
	struct db_aud_obs unm_obs[EVB_MAX_ITEMS];
	struct arena unm_ar;
	/* dns answers of the current address after the latest-run filter */
	struct db_aud_answer *ans;
	size_t capans;
	/* current A/AAAA answers by address: the in-memory seventh "cursor" */
	struct fwd_pair *fwd;
	size_t nfwd, capfwd, fwdpos;
	/* PTR answers by address, read in the same table scan */
	struct ptr_item *ptr;
	size_t nptr, capptr, ptrpos;
	struct arena *ptr_ar;
	struct name_idx *names;
	/* per-subnet usage counters of this pass: allocated, leased, seen, used */
	int64_t (*cnt)[4];
	/* the address range of this pass (NULL = unbounded) and its outcome */
	const struct ipd_ip *lo, *hi;
	enum ipd_status rc;
};

struct ptr_item {
	struct ipd_ip ip;
	int64_t run_id, at;
	const char *name;      /* the PTR target (raw), NULL for a failed lookup */
	int32_t ttl;
	uint16_t server;       /* names_server_at */
	uint16_t name_flags;
	uint8_t status;        /* status_vocab index */
};

struct fwd_pair {
	struct ipd_ip ip;
	const struct name_ent *e;
	int64_t run_id;
	bool v6;
};

struct mac_pair {
	uint64_t mac;
	struct mac_addr a;
};

static int cov_load(void *arg, const struct db_aud_coverage *cv)
{
	struct pass *p = arg;
	if (!cv->active && !p->c->passive_coverage)
		return 0;
	if (p->ncov == p->capcov) {
		p->capcov = p->capcov ? p->capcov * 2 : 64;
		p->cov = xreallocarray(p->cov, p->capcov, sizeof *p->cov);
	}
	p->cov[p->ncov] = *cv;
	p->cov[p->ncov].iface = NULL;
	p->ncov++;
	return 0;
}

static void heap_push(struct pass *p, const struct ipd_ip *hi, int64_t at)
{
	p->heap = xreallocarray(p->heap, p->nheap + 1, sizeof *p->heap);
	size_t i = p->nheap++;
	p->heap[i] = (struct cov_item){ *hi, at };
	while (i && ipd_ip_cmp(&p->heap[(i - 1) / 2].hi, &p->heap[i].hi) > 0) {
		struct cov_item t = p->heap[i];
		p->heap[i] = p->heap[(i - 1) / 2];
		p->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct pass *p)
{
	p->heap[0] = p->heap[--p->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < p->nheap && ipd_ip_cmp(&p->heap[l].hi, &p->heap[m].hi) < 0)
			m = l;
		if (r < p->nheap && ipd_ip_cmp(&p->heap[r].hi, &p->heap[m].hi) < 0)
			m = r;
		if (m == i)
			break;
		struct cov_item t = p->heap[i];
		p->heap[i] = p->heap[m];
		p->heap[m] = t;
		i = m;
	}
}

/* Addresses arrive in increasing order: open every interval starting at or
 * before ip, drop those ending before it; what is left covers ip. */
static void coverage_at(struct pass *p, const struct ipd_ip *ip, int *count, int64_t *last)
{
	while (p->covpos < p->ncov && ipd_ip_cmp(&p->cov[p->covpos].lo, ip) <= 0) {
		heap_push(p, &p->cov[p->covpos].hi, p->cov[p->covpos].at);
		p->covpos++;
	}
	while (p->nheap && ipd_ip_cmp(&p->heap[0].hi, ip) < 0)
		heap_pop(p);
	*count = (int)p->nheap;
	*last = 0;
	for (size_t i = 0; i < p->nheap; i++)
		if (p->heap[i].at > *last)
			*last = p->heap[i].at;
}

static void unm_flush(struct pass *p)
{
	if (!p->unm_open)
		return;
	p->unm.obs = p->unm_obs;
	rules_unmanaged(&p->unm, p->c, p->em);
	p->unm_open = false;
	arena_free(&p->unm_ar);
}

static void unm_add(struct pass *p, const struct host_view *v)
{
	struct ipd_prefix pf;
	ipd_prefix_of(&v->ip, ipd_ip_is_v4(&v->ip) ? 24 : 64, &pf);
	if (p->unm_open && (pf.len != p->unm.pfx.len || !ipd_ip_eq(&pf.addr, &p->unm.pfx.addr)))
		unm_flush(p);
	if (!p->unm_open) {
		memset(&p->unm, 0, sizeof p->unm);
		p->unm.pfx = pf;
		ipd_prefix_fmt(&pf, p->unm.cidr, sizeof p->unm.cidr);
		p->unm_open = true;
	}
	p->unm.naddr++;
	for (size_t i = 0; i < v->nobs && p->unm.nobs < EVB_MAX_ITEMS; i++) {
		struct db_aud_obs *o = &p->unm_obs[p->unm.nobs++];
		*o = v->obs[i];
		o->iface = arena_strdup(&p->unm_ar, o->iface);
		o->sensor = arena_strdup(&p->unm_ar, o->sensor);
		o->method = arena_strdup(&p->unm_ar, o->method);
	}
}

static void pairs_add(struct pass *p, const struct host_view *v)
{
	const struct name_ent *name = v->host_ent;
	for (size_t i = 0; i < v->nans && !name; i++)
		if (v->ans[i].name && strcasecmp(v->ans[i].qtype, "PTR") == 0 &&
		    dns_classify(v->ans[i].status) == DNS_OK)
			name = names_get(p->c->names, v->ans[i].name);
	for (size_t i = 0; i < v->nobs; i++) {
		const struct db_aud_obs *o = &v->obs[i];
		struct ipd_mac m;
		if (o->last_seen < p->c->now - p->c->stale_secs || !ipd_mac_parse(o->mac, &m))
			continue;
		uint64_t k = mac64(&m);
		/* merge rows of the same MAC at this address (several methods) */
		if (p->npairs && p->pairs[p->npairs - 1].mac == k &&
		    ipd_ip_eq(&p->pairs[p->npairs - 1].a.ip, &v->ip)) {
			struct mac_addr *a = &p->pairs[p->npairs - 1].a;
			a->first_seen = o->first_seen < a->first_seen ? o->first_seen : a->first_seen;
			a->last_seen = o->last_seen > a->last_seen ? o->last_seen : a->last_seen;
			a->count += o->count;
			continue;
		}
		if (p->npairs == p->cappairs) {
			p->cappairs = p->cappairs ? p->cappairs * 2 : 4096;
			p->pairs = xreallocarray(p->pairs, p->cappairs, sizeof *p->pairs);
		}
		p->pairs[p->npairs++] = (struct mac_pair){ k, { v->ip, o->first_seen, o->last_seen,
							       o->count, o->vlan, name } };
	}
}

static void count_usage(struct pass *p, const struct host_view *v)
{
	if (v->subnet < 0)
		return;
	bool used = v->allocated || v->leased || v->live;
	for (int i = v->subnet; i >= 0; i = p->c->subnets[i].parent) {
		p->cnt[i][0] += v->allocated;
		p->cnt[i][1] += v->leased;
		p->cnt[i][2] += v->live;
		p->cnt[i][3] += used;
	}
}

static int mac_pair_cmp(const void *a, const void *b)
{
	const struct mac_pair *x = a, *y = b;
	if (x->mac != y->mac)
		return x->mac < y->mac ? -1 : 1;
	return ipd_ip_cmp(&x->a.ip, &y->a.ip);
}

static void mac_pass(struct pass *p)
{
	if (p->npairs)
		qsort(p->pairs, p->npairs, sizeof *p->pairs, mac_pair_cmp);
	struct mac_addr *addrs = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < p->npairs;) {
		size_t j = i;
		while (j < p->npairs && p->pairs[j].mac == p->pairs[i].mac)
			j++;
		if (j - i > cap) {
			cap = (j - i) * 2;
			addrs = xreallocarray(addrs, cap, sizeof *addrs);
		}
		for (size_t k = i; k < j; k++)
			addrs[k - i] = p->pairs[k].a;
		struct mac_view mv = { .addr = addrs, .naddr = j - i };
		for (int b = 5; b >= 0; b--)
			mv.mac.b[5 - b] = (uint8_t)(p->pairs[i].mac >> (8 * b));
		/* lower-case colon form, without printf: one per MAC */
		static const char hex[] = "0123456789abcdef";
		for (int b = 0; b < 6; b++) {
			mv.mac_text[3 * b] = hex[mv.mac.b[b] >> 4];
			mv.mac_text[3 * b + 1] = hex[mv.mac.b[b] & 15];
			mv.mac_text[3 * b + 2] = b < 5 ? ':' : '\0';
		}
		rules_mac(&mv, p->c, p->em);
		p->st->macs++;
		i = j;
	}
	free(addrs);
}

static int load_subnet(void *arg, const struct db_aud_subnet *s)
{
	struct pass *p = arg;
	struct audit_ctx *c = p->c;
	c->subnets = xreallocarray(c->subnets, c->nsubnets + 1, sizeof *c->subnets);
	struct jv_subnet *j = &c->subnets[c->nsubnets++];
	memset(j, 0, sizeof *j);
	j->lo = s->lo;
	j->hi = s->hi;
	j->pfx.addr = s->lo;
	j->pfx.len = (uint8_t)s->prefix_len;
	j->id = s->id;
	j->line = s->line;
	j->vlan = s->vlan;
	j->threshold = s->threshold;
	j->cidr = arena_strdup(&p->ar, s->cidr);
	j->vrf = arena_strdup(&p->ar, s->vrf);
	j->status = arena_strdup(&p->ar, s->status);
	j->role = arena_strdup(&p->ar, s->role);
	j->source = arena_strdup(&p->ar, s->source);
	j->description = arena_strdup(&p->ar, s->description);
	j->is_pool = s->is_pool;
	j->container = s->status && strcasecmp(s->status, "container") == 0;
	return 0;
}

static int load_range(void *arg, const struct db_aud_range *r)
{
	struct pass *p = arg;
	struct audit_ctx *c = p->c;
	if (!r->kind || strcasecmp(r->kind, "dhcp") != 0)
		return 0;
	c->ranges = xreallocarray(c->ranges, c->nranges + 1, sizeof *c->ranges);
	struct jv_range *j = &c->ranges[c->nranges++];
	memset(j, 0, sizeof *j);
	j->lo = r->lo;
	j->hi = r->hi;
	j->line = r->line;
	j->kind = arena_strdup(&p->ar, r->kind);
	j->lo_text = arena_strdup(&p->ar, r->lo_text);
	j->hi_text = arena_strdup(&p->ar, r->hi_text);
	j->source = arena_strdup(&p->ar, r->source);
	j->status = arena_strdup(&p->ar, r->status);
	return 0;
}

static int load_allow(void *arg, const struct db_aud_allow *a)
{
	struct pass *p = arg;
	struct audit_ctx *c = p->c;
	c->allow = xreallocarray(c->allow, c->nallow + 1, sizeof *c->allow);
	struct jv_allow *j = &c->allow[c->nallow++];
	memset(j, 0, sizeof *j);
	snprintf(j->kind, sizeof j->kind, "%s", a->kind ? a->kind : "");
	j->ip = a->ip;
	j->has_ip = a->has_ip;
	struct ipd_mac m;
	if (a->mac && ipd_mac_parse(a->mac, &m))
		ipd_mac_fmt(&m, j->mac, sizeof j->mac);
	j->source = arena_strdup(&p->ar, a->source);
	j->ip_text = arena_strdup(&p->ar, a->ip_text);
	j->description = arena_strdup(&p->ar, a->description);
	j->line = a->line;
	return 0;
}

/* dns_answers is read once, in table order: A/AAAA rows into the name index
 * and (answers with an address) into a list sorted by address that the merge
 * walks like a cursor; PTR rows into another such list. */
static int load_answer(void *arg, const struct db_aud_answer *a, bool has_ip)
{
	struct pass *p = arg;
	if (strcasecmp(a->qtype, "PTR") == 0) {
		if (!has_ip)
			return 0;
		if (p->nptr == p->capptr) {
			p->capptr = p->capptr ? p->capptr * 2 : 4096;
			p->ptr = xreallocarray(p->ptr, p->capptr, sizeof *p->ptr);
		}
		p->ptr[p->nptr++] = (struct ptr_item){
			.ip = a->ip, .run_id = a->run_id, .at = a->at,
			.name = a->name ? arena_strdup(p->ptr_ar, a->name) : NULL,
			.ttl = (int32_t)a->ttl, .server = names_intern_server(p->names, a->server),
			.name_flags = (uint16_t)a->name_flags, .status = status_code(a->status),
		};
		return 0;
	}
	const struct name_ent *e = names_add_answer(p->names, a, has_ip);
	if (!e || !has_ip || dns_classify(a->status) != DNS_OK)
		return 0;
	if (p->nfwd == p->capfwd) {
		p->capfwd = p->capfwd ? p->capfwd * 2 : 4096;
		p->fwd = xreallocarray(p->fwd, p->capfwd, sizeof *p->fwd);
	}
	p->fwd[p->nfwd++] = (struct fwd_pair){ a->ip, e, a->run_id, strcasecmp(a->qtype, "AAAA") == 0 };
	return 0;
}

static int ptr_cmp(const void *a, const void *b)
{
	const struct ptr_item *x = a, *y = b;
	int c = ipd_ip_cmp(&x->ip, &y->ip);
	return c ? c : (x->run_id < y->run_id ? -1 : x->run_id > y->run_id);
}

/* The PTR answers of ip from the latest run that asked about it, into
 * p->ans (from index 0). */
static size_t ptr_take(struct pass *p, const struct ipd_ip *ip, char *rev)
{
	size_t first = p->ptrpos;
	while (p->ptrpos < p->nptr && ipd_ip_eq(&p->ptr[p->ptrpos].ip, ip))
		p->ptrpos++;
	if (first == p->ptrpos)
		return 0;
	int64_t run = p->ptr[p->ptrpos - 1].run_id; /* sorted by run within the address */
	ipd_ip_reverse_name(ip, rev, IPD_REVNAME_LEN);
	size_t n = 0;
	for (size_t i = first; i < p->ptrpos; i++) {
		const struct ptr_item *t = &p->ptr[i];
		if (t->run_id != run)
			continue;
		if (n >= p->capans) {
			p->capans = p->capans ? p->capans * 2 : 16;
			p->ans = xreallocarray(p->ans, p->capans, sizeof *p->ans);
		}
		p->ans[n++] = (struct db_aud_answer){
			.ip = t->ip, .run_id = t->run_id, .ttl = t->ttl, .at = t->at, .qname = rev,
			.qtype = "PTR", .status = status_vocab[t->status], .name = t->name,
			.server = names_server_at(p->names, t->server), .name_flags = t->name_flags,
		};
	}
	return n;
}

static int fwd_cmp(const void *a, const void *b)
{
	const struct fwd_pair *x = a, *y = b;
	return ipd_ip_cmp(&x->ip, &y->ip);
}

/* Drop answers of superseded runs, sort by address. */
static void fwd_index(struct pass *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->nfwd; i++) {
		const struct fwd_pair *f = &p->fwd[i];
		const struct name_fwd *nf = f->v6 ? &f->e->aaaa : &f->e->a;
		if (f->run_id == nf->run_id)
			p->fwd[k++] = *f;
	}
	p->nfwd = k;
	if (k)
		qsort(p->fwd, k, sizeof *p->fwd, fwd_cmp);
	if (p->nptr)
		qsort(p->ptr, p->nptr, sizeof *p->ptr, ptr_cmp);
}

/* Append the A/AAAA answers pointing at ip to p->ans (after n rows). */
static size_t fwd_take(struct pass *p, const struct ipd_ip *ip, size_t n)
{
	while (p->fwdpos < p->nfwd && ipd_ip_eq(&p->fwd[p->fwdpos].ip, ip)) {
		const struct fwd_pair *f = &p->fwd[p->fwdpos++];
		const struct name_fwd *nf = f->v6 ? &f->e->aaaa : &f->e->a;
		if (n >= p->capans) {
			p->capans = p->capans ? p->capans * 2 : 16;
			p->ans = xreallocarray(p->ans, p->capans, sizeof *p->ans);
		}
		p->ans[n++] = (struct db_aud_answer){
			.ip = f->ip, .run_id = nf->run_id, .ttl = nf->ttl, .at = nf->at,
			.qname = f->e->name, .qtype = f->v6 ? "AAAA" : "A", .status = "ok",
			.name = f->e->name, .server = names_server(p->names, nf),
		};
	}
	return n;
}

static int load_mac(void *arg, const char *mac)
{
	struct ipd_mac m;
	if (mac && ipd_mac_parse(mac, &m))
		macset_add(arg, &m);
	return 0;
}

struct mac_load {
	const char *path;
	struct macset *macs;
	enum ipd_status rc;
};

/* Recorded MACs on a connection of its own, while the name index is built. */
static void *mac_load(void *arg)
{
	struct mac_load *m = arg;
	struct db *db;
	m->rc = db_open(m->path, DB_READONLY, &db);
	if (m->rc != IPD_OK)
		return NULL;
	m->rc = db_aud_record_macs(db, load_mac, m->macs);
	db_close(db);
	return NULL;
}

static void name_rule_cb(void *arg, const struct name_ent *e)
{
	struct pass *p = arg;
	rules_name(e, p->c, p->em);
}

/* What join_run loaded into the ctx, released by join_ctx_free. */
struct join_state {
	struct arena ar;
	struct name_idx *names;
	struct macset *macs;
};

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One merge over [p->lo, p->hi) on its own read-only connection. */
static void *merge_pass(void *arg)
{
	struct pass *p = arg;
	struct audit_ctx *c = p->c;
	struct audit_stats *st = p->st;
	struct db *db;
	p->rc = db_open(db_path(p->db), DB_READONLY, &db);
	if (p->rc != IPD_OK)
		return NULL;
	if (p->lo) { /* start the in-memory lists at the range */
		while (p->fwdpos < p->nfwd && ipd_ip_cmp(&p->fwd[p->fwdpos].ip, p->lo) < 0)
			p->fwdpos++;
		while (p->ptrpos < p->nptr && ipd_ip_cmp(&p->ptr[p->ptrpos].ip, p->lo) < 0)
			p->ptrpos++;
	}
	struct db_aud_cursor *cur[DB_AUD_NSRC];
	for (int s = 0; s < DB_AUD_NSRC; s++)
		cur[s] = s == DB_AUD_ANSWER ? NULL /* from the in-memory PTR list */
			: db_aud_open_range(db, (enum db_aud_src)s,
					    c->now - c->conflict_secs - c->stale_secs, p->lo, p->hi);
	char rev[IPD_REVNAME_LEN];
	for (;;) {
		struct ipd_ip min, ip;
		bool any = p->fwdpos < p->nfwd && (!p->hi || ipd_ip_cmp(&p->fwd[p->fwdpos].ip, p->hi) < 0);
		if (any)
			min = p->fwd[p->fwdpos].ip;
		if (p->ptrpos < p->nptr && (!p->hi || ipd_ip_cmp(&p->ptr[p->ptrpos].ip, p->hi) < 0) &&
		    (!any || ipd_ip_cmp(&p->ptr[p->ptrpos].ip, &min) < 0)) {
			min = p->ptr[p->ptrpos].ip;
			any = true;
		}
		for (int s = 0; s < DB_AUD_NSRC; s++)
			if (cur[s] && db_aud_peek(cur[s], &ip) && (!any || ipd_ip_cmp(&ip, &min) < 0)) {
				min = ip;
				any = true;
			}
		if (!any)
			break;
		struct host_view v = { .ip = min };
		const void *rows[DB_AUD_NSRC];
		size_t n[DB_AUD_NSRC];
		for (int s = 0; s < DB_AUD_NSRC; s++) {
			n[s] = 0;
			rows[s] = NULL;
			if (cur[s] && db_aud_peek(cur[s], &ip) && ipd_ip_eq(&ip, &min))
				n[s] = db_aud_take(cur[s], &rows[s]);
		}
		v.obs = rows[DB_AUD_OBS], v.nobs = n[DB_AUD_OBS];
		v.alloc = rows[DB_AUD_ALLOC], v.nalloc = n[DB_AUD_ALLOC];
		v.lease = rows[DB_AUD_LEASE], v.nlease = n[DB_AUD_LEASE];
		v.zrec = rows[DB_AUD_RECORD], v.nzrec = n[DB_AUD_RECORD];
		v.ev = rows[DB_AUD_EVENT], v.nev = n[DB_AUD_EVENT];
		v.nans = ptr_take(p, &min, rev);
		v.nans = fwd_take(p, &min, v.nans);
		v.ans = p->ans;
		st->observations += (int64_t)v.nobs;
		st->allocations += (int64_t)v.nalloc;
		st->leases += (int64_t)v.nlease;
		st->answers += (int64_t)v.nans;
		st->records += (int64_t)v.nzrec;
		st->events += (int64_t)v.nev;
		st->addresses++;
		v.subnet = ctx_subnet_of(c, &v.ip);
		v.pool = ctx_pool_of(c, &v.ip);
		coverage_at(p, &v.ip, &v.covered, &v.last_covered);
		view_prepare(&v, c);

		rules_addr(&v, c, p->em);
		count_usage(p, &v);
		if (v.live && v.subnet < 0 && !ipd_ip_is_link_local(&v.ip) &&
		    !ipd_ip_is_multicast(&v.ip) && !ipd_ip_is_unspecified(&v.ip))
			unm_add(p, &v);
		if (v.live)
			pairs_add(p, &v);
	}
	for (int s = 0; s < DB_AUD_NSRC; s++) {
		if (cur[s] && db_aud_failed(cur[s]))
			p->rc = IPD_EDB;
		db_aud_close(cur[s]);
	}
	unm_flush(p);
	db_close(db);
	return NULL;
}

/* With two join threads, findings are copied into a bounded queue, in
 * batches, and one writer thread hands them to the caller's sink (the store
 * insert), so the insert, serial by nature, overlaps with the joins instead
 * of stalling them behind a lock. */
struct qitem {
	struct finding f;
	char *buf;          /* subject, summary, evidence, fix: one allocation */
};

struct fqueue {
	pthread_mutex_t mu;
	pthread_cond_t nonempty, nonfull;
	struct qitem *v;
	size_t cap, head, n;
	bool closed;
	struct finding_sink inner;
};

static char *put_str(char **p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	memcpy(*p, s, n);
	char *r = *p;
	*p += n;
	return r;
}

/* Each producing thread fills its own batch and hands it over whole: one
 * lock and at most one wake-up per QBATCH findings, not per finding. */
#define QBATCH 128

struct fprod {
	struct fqueue *q;
	size_t n;
	struct qitem b[QBATCH];
};

static void q_push(struct fprod *pr)
{
	struct fqueue *q = pr->q;
	size_t i = 0;
	pthread_mutex_lock(&q->mu);
	while (i < pr->n) {
		while (q->n == q->cap)
			pthread_cond_wait(&q->nonfull, &q->mu);
		bool was_empty = q->n == 0;
		for (; i < pr->n && q->n < q->cap; i++)
			q->v[(q->head + q->n++) % q->cap] = pr->b[i];
		if (was_empty)
			pthread_cond_signal(&q->nonempty);
	}
	pthread_mutex_unlock(&q->mu);
	pr->n = 0;
}

static void q_put(void *ctx, const struct finding *f)
{
	struct fprod *pr = ctx;
	size_t len = strlen(f->subject) + strlen(f->summary) + strlen(f->evidence) +
		     (f->fix ? strlen(f->fix) : 0) + 4;
	struct qitem *it = &pr->b[pr->n++];
	it->f = *f;
	it->buf = xmalloc(len);
	char *p = it->buf;
	it->f.subject = put_str(&p, f->subject);
	it->f.summary = put_str(&p, f->summary);
	it->f.evidence = put_str(&p, f->evidence);
	it->f.fix = put_str(&p, f->fix);
	if (pr->n == QBATCH)
		q_push(pr);
}

static void *q_writer(void *arg)
{
	struct fqueue *q = arg;
	struct qitem got[QBATCH];
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->n == 0 && !q->closed)
			pthread_cond_wait(&q->nonempty, &q->mu);
		if (q->n == 0)
			break;
		size_t k = 0;
		for (; k < QBATCH && q->n; k++) {
			got[k] = q->v[q->head];
			q->head = (q->head + 1) % q->cap;
			q->n--;
		}
		pthread_cond_broadcast(&q->nonfull); /* both producers may wait */
		pthread_mutex_unlock(&q->mu);
		for (size_t i = 0; i < k; i++) {
			q->inner.put(q->inner.ctx, &got[i].f);
			free(got[i].buf);
		}
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void *mac_phase(void *arg)
{
	mac_pass(arg);
	return NULL;
}

static void *name_phase(void *arg)
{
	struct pass *p = arg;
	for (size_t i = 0; i < p->c->nsubnets; i++)
		rules_subnet(&p->c->subnets[i], p->c, p->em);
	names_each(p->names, name_rule_cb, p);
	return NULL;
}

/* Run f(a) and g(b) at once when threads allow, else one after the other. */
static void both(int threads, void *(*f)(void *), void *a, void *(*g)(void *), void *b)
{
	pthread_t t;
	if (threads > 1 && pthread_create(&t, NULL, g, b) == 0) {
		f(a);
		pthread_join(t, NULL);
		return;
	}
	f(a);
	g(b);
}

enum ipd_status join_run(struct db *db, struct audit_ctx *c, struct rule_emit *em,
			 struct audit_stats *st)
{
	struct pass p = { .db = db, .c = c, .em = em, .st = st };
	enum ipd_status rc = IPD_OK;
	memset(st, 0, sizeof *st);
	double t0 = mono_s();

	/* the small tables */
	if (db_aud_subnets(db, load_subnet, &p) != IPD_OK || db_aud_ranges(db, load_range, &p) != IPD_OK ||
	    db_aud_allowlist(db, load_allow, &p) != IPD_OK ||
	    db_aud_coverage(db, c->now - c->stale_secs, cov_load, &p) != IPD_OK) {
		arena_free(&p.ar);
		free(p.cov);
		return IPD_EDB;
	}
	ctx_index(c);
	c->leases_known = db_aud_lease_count(db) > 0;
	struct mac_load ml = { .path = db_path(db), .macs = macset_new() };
	pthread_t mt;
	bool mt_ok = (c->threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1) &&
		     pthread_create(&mt, NULL, mac_load, &ml) == 0;
	struct name_idx *names = names_new();
	p.names = names;
	struct arena ptr_ar = { NULL };
	p.ptr_ar = &ptr_ar;
	if (db_aud_all_answers(db, load_answer, &p) != IPD_OK)
		rc = IPD_EDB;
	if (mt_ok)
		pthread_join(mt, NULL);
	else
		ml.rc = db_aud_record_macs(db, load_mac, ml.macs);
	if (ml.rc != IPD_OK)
		rc = IPD_EDB;
	struct macset *macs = ml.macs;
	c->known_macs = macs;
	c->names = names;
	fwd_index(&p);
	st->names = (int64_t)names_count(names);
	/* lazily initialised tables must be ready before threads read them */
	if (c->oui)
		oui_load(c->oui);
	struct ipd_ip any = { { 0 } };
	(void)ipd_ip_is_special(&any);

	/* the merge: two halves of the address space at once when there are two
	 * CPUs; the split is aligned to a /24 or /64 so no unrecorded prefix is cut */
	int threads = c->threads > 0 ? c->threads : (sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1);
	struct ipd_ip split;
	if (threads > 1 && db_aud_split_point(db, &split)) {
		struct ipd_prefix pf;
		ipd_prefix_of(&split, ipd_ip_is_v4(&split) ? 24 : 64, &pf);
		split = pf.addr;
	} else {
		threads = 1;
	}
	double t1 = mono_s();
	log_info("audit: %zu subnets, %zu DHCP pools, %zu allowlist entries, %zu coverage rows,"
		 " %zu names, %d thread(s); loaded in %.2f s", c->nsubnets, c->nranges, c->nallow,
		 p.ncov, names_count(names), threads, t1 - t0);

	struct fqueue q = { .inner = em->sink, .cap = 4096 };
	struct fprod *prod = NULL;
	pthread_t qt;
	bool queued = false;
	if (threads > 1) {
		pthread_mutex_init(&q.mu, NULL);
		pthread_cond_init(&q.nonempty, NULL);
		pthread_cond_init(&q.nonfull, NULL);
		q.v = xcalloc(q.cap, sizeof *q.v);
		queued = pthread_create(&qt, NULL, q_writer, &q) == 0;
		if (queued) {
			prod = xcalloc(2, sizeof *prod);
			prod[0].q = prod[1].q = &q;
		}
	}
	struct rule_emit wem[2];
	struct audit_stats wst[2];
	struct pass w[2];
	for (int i = 0; i < 2; i++) {
		/* one producer per emitter: each is used by one thread at a time */
		emit_init(&wem[i], prod ? (struct finding_sink){ &prod[i], q_put } : em->sink);
		memcpy(wem[i].sev, em->sev, sizeof em->sev);
		memcpy(wem[i].enabled, em->enabled, sizeof em->enabled);
		memset(&wst[i], 0, sizeof wst[i]);
		w[i] = (struct pass){ .db = db, .c = c, .em = &wem[i], .st = &wst[i],
				      .cov = p.cov, .ncov = p.ncov, .fwd = p.fwd, .nfwd = p.nfwd,
				      .ptr = p.ptr, .nptr = p.nptr, .names = names };
		w[i].cnt = xcalloc(c->nsubnets + 1, sizeof *w[i].cnt);
	}
	if (rc == IPD_OK) {
		if (threads > 1) {
			w[0].hi = &split;
			w[1].lo = &split;
			both(2, merge_pass, &w[0], merge_pass, &w[1]);
		} else {
			merge_pass(&w[0]);
		}
		for (int i = 0; i < 2; i++)
			if (w[i].rc != IPD_OK)
				rc = w[i].rc;
	}
	/* gather: usage counters, (MAC, address) pairs, statistics */
	for (size_t k = 0; k < c->nsubnets; k++) {
		struct jv_subnet *sn = &c->subnets[k];
		sn->n_alloc = w[0].cnt[k][0] + w[1].cnt[k][0];
		sn->n_lease = w[0].cnt[k][1] + w[1].cnt[k][1];
		sn->n_seen = w[0].cnt[k][2] + w[1].cnt[k][2];
		sn->n_used = w[0].cnt[k][3] + w[1].cnt[k][3];
	}
	if (w[1].npairs) {
		w[0].pairs = xreallocarray(w[0].pairs, w[0].npairs + w[1].npairs, sizeof *w[0].pairs);
		memcpy(w[0].pairs + w[0].npairs, w[1].pairs, w[1].npairs * sizeof *w[1].pairs);
		w[0].npairs += w[1].npairs;
	}
	double t2 = mono_s();
	if (rc == IPD_OK)
		both(threads, mac_phase, &w[0], name_phase, &w[1]);
	if (queued) { /* drain: every finding reaches the store before we return */
		for (int i = 0; i < 2; i++)
			if (prod[i].n)
				q_push(&prod[i]);
		free(prod);
		pthread_mutex_lock(&q.mu);
		q.closed = true;
		pthread_cond_signal(&q.nonempty);
		pthread_mutex_unlock(&q.mu);
		pthread_join(qt, NULL);
	}
	if (threads > 1) {
		pthread_mutex_destroy(&q.mu);
		pthread_cond_destroy(&q.nonempty);
		pthread_cond_destroy(&q.nonfull);
		free(q.v);
	}
	log_info("audit: address merge %.2f s, MAC/subnet/name rules %.2f s", t2 - t1, mono_s() - t2);
	for (int i = 0; i < 2; i++) {
		st->addresses += wst[i].addresses;
		st->observations += wst[i].observations;
		st->allocations += wst[i].allocations;
		st->leases += wst[i].leases;
		st->answers += wst[i].answers;
		st->records += wst[i].records;
		st->events += wst[i].events;
		st->macs += wst[i].macs;
		em->count += wem[i].count;
		emit_free(&wem[i]);
		arena_free(&w[i].unm_ar);
		free(w[i].heap);
		free(w[i].pairs);
		free(w[i].ans);
		free(w[i].cnt);
	}
	free(p.cov);
	free(p.fwd);
	free(p.ptr);
	arena_free(&ptr_ar);
	/* strings of subnets/ranges/allowlist stay in an arena owned via ctx */
	struct join_state *l = xcalloc(1, sizeof *l);
	l->ar = p.ar;
	l->names = names;
	l->macs = macs;
	c->loaded = l;
	st->findings = em->count;
	return rc;
}

void join_ctx_free(struct audit_ctx *c)
{
	if (c->loaded) {
		arena_free(&c->loaded->ar);
		names_free(c->loaded->names);
		macset_free(c->loaded->macs);
		free(c->loaded);
		c->loaded = NULL;
	}
	free(c->subnets);
	free(c->ranges);
	free(c->allow);
	c->subnets = NULL;
	c->ranges = NULL;
	c->allow = NULL;
	c->nsubnets = c->nranges = c->nallow = 0;
	c->names = NULL;
	c->known_macs = NULL;
}
