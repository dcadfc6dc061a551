/* Host table (see hosts.h): open addressing, linear probing, power-of-two size. */
#include "hosts.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xmem.h"

struct slot {
	uint32_t hash;   /* low 32 bits of the hash, to skip most key compares */
	uint32_t idx;    /* index + 1 into hosts; 0 = empty */
};

struct hosts {
	struct slot *slots;
	size_t mask;     /* nslots - 1 */
	struct host *v;
	size_t n, cap;
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

struct hosts *hosts_new(size_t hint)
{
	struct hosts *h = xcalloc(1, sizeof *h);
	size_t ns = 64;
	while (ns < hint * 2)
		ns <<= 1;
	h->slots = xcalloc(ns, sizeof *h->slots);
	h->mask = ns - 1;
	h->cap = hint > 16 ? hint : 16;
	h->v = xcalloc(h->cap, sizeof *h->v);
	return h;
}

void hosts_free(struct hosts *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].obs);
	free(h->v);
	free(h->slots);
	free(h);
}

static bool key_eq(const struct host *e, const struct ipd_ip *ip, int vlan)
{
	return e->vlan == vlan && memcmp(e->ip.b, ip->b, 16) == 0;
}

static void rehash(struct hosts *h)
{
	size_t ns = (h->mask + 1) * 2;
	struct slot *s = xcalloc(ns, sizeof *s);
	for (size_t i = 0; i <= h->mask; i++) {
		if (!h->slots[i].idx)
			continue;
		const struct host *e = &h->v[h->slots[i].idx - 1];
		size_t j = hosts_hash(&e->ip, e->vlan) & (ns - 1);
		while (s[j].idx)
			j = (j + 1) & (ns - 1);
		s[j] = h->slots[i];
	}
	free(h->slots);
	h->slots = s;
	h->mask = ns - 1;
}

struct host *hosts_find(const struct hosts *h, const struct ipd_ip *ip, int vlan)
{
	uint64_t hv = hosts_hash(ip, vlan);
	for (size_t j = hv & h->mask;; j = (j + 1) & h->mask) {
		const struct slot *s = &h->slots[j];
		if (!s->idx)
			return NULL;
		if (s->hash == (uint32_t)hv && key_eq(&h->v[s->idx - 1], ip, vlan))
			return &h->v[s->idx - 1];
	}
}

struct host *hosts_get(struct hosts *h, const struct ipd_ip *ip, int vlan, bool *created)
{
	uint64_t hv = hosts_hash(ip, vlan);
	size_t j;
	for (j = hv & h->mask;; j = (j + 1) & h->mask) {
		struct slot *s = &h->slots[j];
		if (!s->idx)
			break;
		if (s->hash == (uint32_t)hv && key_eq(&h->v[s->idx - 1], ip, vlan)) {
			*created = false;
			return &h->v[s->idx - 1];
		}
	}
	if (h->n == h->cap) {
		h->cap *= 2;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	struct host *e = &h->v[h->n++];
	memset(e, 0, sizeof *e);
	e->ip = *ip;
	e->vlan = vlan;
	h->slots[j].hash = (uint32_t)hv;
	h->slots[j].idx = (uint32_t)h->n;
	if (h->n * 2 > h->mask + 1)
		rehash(h);
	*created = true;
	return e;
}

size_t hosts_count(const struct hosts *h) { return h->n; }
struct host *hosts_at(struct hosts *h, size_t i) { return i < h->n ? &h->v[i] : NULL; }

struct host_obs *host_obs_get(struct host *ho, const struct ipd_mac *mac, int method, int iface)
{
	for (uint16_t i = 0; i < ho->nobs; i++) {
		struct host_obs *a = &ho->obs[i];
		if (a->method == method && a->iface == iface && memcmp(a->mac.b, mac->b, 6) == 0)
			return a;
	}
	if (ho->nobs == ho->capobs) {
		ho->capobs = ho->capobs ? (uint16_t)(ho->capobs * 2) : 2;
		ho->obs = xreallocarray(ho->obs, ho->capobs, sizeof *ho->obs);
	}
	struct host_obs *a = &ho->obs[ho->nobs++];
	memset(a, 0, sizeof *a);
	a->mac = *mac;
	a->method = (uint8_t)method;
	a->iface = (uint16_t)iface;
	return a;
}

void hosts_probe_stats(const struct hosts *h, struct hosts_probe_stats *st)
{
	size_t total = 0, max = 0;
	for (size_t i = 0; i < h->n; i++) {
		const struct host *e = &h->v[i];
		size_t probes = 1;
		for (size_t j = hosts_hash(&e->ip, e->vlan) & h->mask;; j = (j + 1) & h->mask, probes++)
			if (h->slots[j].idx == i + 1)
				break;
		total += probes;
		if (probes > max)
			max = probes;
	}
	st->avg = h->n ? (double)total / (double)h->n : 0;
	st->max = max;
	st->slots = h->mask + 1;
}
