/* Host table (see hosts.h): open addressing, linear probing, power-of-two
 * size, entries stored in the slots. */
#include "hosts.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../common/xmem.h"

/* Two cache lines per slot: a third would cost memory and page clearing. */
_Static_assert(sizeof(struct host) == 128, "struct host must stay two cache lines");

struct hosts {
	struct host *t;
	size_t mask;     /* nslots - 1 */
	size_t n;
};

/* SplitMix64 / MurmurHash3 fmix64 finaliser: every input bit affects every
 * output bit, so addresses differing only in their last bytes spread. */
static inline uint64_t fmix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t hosts_hash(const struct ipd_ip *ip, int vlan)
{
	uint64_t a, b;
	memcpy(&a, ip->b, 8);
	memcpy(&b, ip->b + 8, 8);
	return fmix64(a ^ fmix64(b ^ ((uint64_t)(uint32_t)vlan << 32 | 0x9e3779b9u)));
}

/* Large tables come straight from mmap (already zero: no memset, no double
 * clearing) with transparent huge pages asked for: lookups are random over
 * megabytes, and TLB misses cost as much as the cache misses themselves. */
#define BIG (1u << 21)

static void *table_alloc(size_t n)
{
	size_t bytes = n * sizeof(struct host);
	if (bytes < BIG)
		return xcalloc(n, sizeof(struct host));
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void table_free(struct host *t, size_t n)
{
	size_t bytes = n * sizeof(struct host);
	if (bytes < BIG)
		free(t);
	else
		munmap(t, bytes);
}

struct hosts *hosts_new(size_t hint)
{
	struct hosts *h = xcalloc(1, sizeof *h);
	size_t ns = 64;
	while (ns < hint * 2)
		ns <<= 1;
	h->t = table_alloc(ns);
	h->mask = ns - 1;
	return h;
}

void hosts_free(struct hosts *h)
{
	if (!h)
		return;
	for (size_t i = 0; i <= h->mask; i++)
		if (h->t[i].flags & HOST_USED)
			free(h->t[i].extra);
	table_free(h->t, h->mask + 1);
	free(h);
}

/* Fixed-size compares inline (libc memcmp is a call per probe). */
static inline bool key_eq(const struct host *e, const struct ipd_ip *ip, int vlan)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, e->ip.b, 8);
	memcpy(&a1, e->ip.b + 8, 8);
	memcpy(&b0, ip->b, 8);
	memcpy(&b1, ip->b + 8, 8);
	return e->vlan == vlan && ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static inline bool mac_eq(const struct ipd_mac *a, const struct ipd_mac *b)
{
	uint32_t a0, b0;
	uint16_t a1, b1;
	memcpy(&a0, a->b, 4);
	memcpy(&b0, b->b, 4);
	memcpy(&a1, a->b + 4, 2);
	memcpy(&b1, b->b + 4, 2);
	return a0 == b0 && a1 == b1;
}

static void rehash(struct hosts *h)
{
	size_t ns = (h->mask + 1) * 2;
	struct host *t = table_alloc(ns);
	for (size_t i = 0; i <= h->mask; i++) {
		const struct host *e = &h->t[i];
		if (!(e->flags & HOST_USED))
			continue;
		size_t j = hosts_hash(&e->ip, e->vlan) & (ns - 1);
		while (t[j].flags & HOST_USED)
			j = (j + 1) & (ns - 1);
		t[j] = *e;
	}
	table_free(h->t, h->mask + 1);
	h->t = t;
	h->mask = ns - 1;
}

struct host *hosts_find(const struct hosts *h, const struct ipd_ip *ip, int vlan)
{
	for (size_t j = hosts_hash(ip, vlan) & h->mask;; j = (j + 1) & h->mask) {
		struct host *e = &h->t[j];
		if (!(e->flags & HOST_USED))
			return NULL;
		if (key_eq(e, ip, vlan))
			return e;
	}
}

struct host *hosts_get_h(struct hosts *h, const struct ipd_ip *ip, int vlan, uint64_t hash,
			 bool *created)
{
	size_t j;
	for (j = hash & h->mask;; j = (j + 1) & h->mask) {
		struct host *e = &h->t[j];
		if (!(e->flags & HOST_USED))
			break;
		if (key_eq(e, ip, vlan)) {
			*created = false;
			return e;
		}
	}
	*created = true;
	if ((h->n + 1) * 2 > h->mask + 1) {
		rehash(h);
		for (j = hosts_hash(ip, vlan) & h->mask; h->t[j].flags & HOST_USED; j = (j + 1) & h->mask)
			;
	}
	struct host *e = &h->t[j];
	memset(e, 0, sizeof *e);
	e->ip = *ip;
	e->vlan = vlan;
	e->flags = HOST_USED;
	h->n++;
	return e;
}

void hosts_prefetch_h(const struct hosts *h, uint64_t hash)
{
	size_t j = hash & h->mask;
	const char *e = (const char *)&h->t[j];
	__builtin_prefetch(e, 1);
	__builtin_prefetch(e + 64, 1);
	if (j < h->mask) {
		__builtin_prefetch(e + 128, 1);
		__builtin_prefetch(e + 192, 1);
	}
}

size_t hosts_count(const struct hosts *h) { return h->n; }

struct host *hosts_next(struct hosts *h, size_t *cursor)
{
	while (*cursor <= h->mask) {
		struct host *e = &h->t[(*cursor)++];
		if (e->flags & HOST_USED)
			return e;
	}
	return NULL;
}

struct host_obs *host_obs_get(struct host *ho, const struct ipd_mac *mac, int method, int iface)
{
	for (unsigned i = 0; i < ho->nobs; i++) {
		struct host_obs *a = host_obs_at(ho, i);
		if (a->method == method && a->iface == iface && mac_eq(&a->mac, mac))
			return a;
	}
	struct host_obs *a;
	if (ho->nobs == 0) {
		a = &ho->obs0;
	} else if (ho->nobs == HOST_MAX_OBS) {
		return NULL;
	} else {
		/* extra holds 2, 4, 8, ... entries: it is full exactly when the
		 * index to fill is a power of two (>= 2), so no capacity field is
		 * needed and an entry stays two cache lines. */
		unsigned k = ho->nobs - 1u; /* index into extra */
		if (k == 0 || (k >= 2 && (k & (k - 1)) == 0))
			ho->extra = xreallocarray(ho->extra, k ? 2 * k : 2, sizeof *ho->extra);
		a = &ho->extra[k];
	}
	ho->nobs++;
	memset(a, 0, sizeof *a);
	a->mac = *mac;
	a->method = (uint8_t)method;
	a->iface = (uint16_t)iface;
	return a;
}

struct host_obs *host_obs_promote(struct host *ho, struct host_obs *a)
{
	if (a == &ho->obs0 || a->count <= ho->obs0.count)
		return a;
	struct host_obs t = ho->obs0;
	ho->obs0 = *a;
	*a = t;
	return &ho->obs0;
}

void hosts_probe_stats(const struct hosts *h, struct hosts_probe_stats *st)
{
	size_t total = 0, max = 0;
	for (size_t i = 0; i <= h->mask; i++) {
		const struct host *e = &h->t[i];
		if (!(e->flags & HOST_USED))
			continue;
		size_t probes = 1;
		for (size_t j = hosts_hash(&e->ip, e->vlan) & h->mask; j != i; j = (j + 1) & h->mask)
			probes++;
		total += probes;
		if (probes > max)
			max = probes;
	}
	st->avg = h->n ? (double)total / (double)h->n : 0;
	st->max = max;
	st->slots = h->mask + 1;
}
