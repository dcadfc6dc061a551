/* Target sets for a sweep: IPv4 as sorted disjoint ranges (a /16 is one
 * entry, index by binary search), IPv6 as a sorted list of addresses. */
#include <stdlib.h>
#include <string.h>

#include "../common/xmem.h"
#include "sweep.h"

void sweep_targets_init(struct sweep_targets *t)
{
	memset(t, 0, sizeof *t);
}

void sweep_targets_free(struct sweep_targets *t)
{
	free(t->v4);
	free(t->v6);
	memset(t, 0, sizeof *t);
}

static void add6(struct sweep_targets *t, const struct ipd_ip *ip)
{
	if (t->n_v6 == t->cap_v6) {
		t->cap_v6 = t->cap_v6 ? t->cap_v6 * 2 : 64;
		t->v6 = xreallocarray(t->v6, t->cap_v6, sizeof *t->v6);
	}
	t->v6[t->n_v6++] = *ip;
}

bool sweep_targets_add(struct sweep_targets *t, const struct ipd_ip *lo, const struct ipd_ip *hi,
		       uint64_t max6)
{
	if (ipd_ip_is_v4(lo) != ipd_ip_is_v4(hi) || ipd_ip_cmp(lo, hi) > 0)
		return false;
	if (ipd_ip_is_v4(lo)) {
		if (t->n_v4 == t->cap_v4) {
			t->cap_v4 = t->cap_v4 ? t->cap_v4 * 2 : 16;
			t->v4 = xreallocarray(t->v4, t->cap_v4, sizeof *t->v4);
		}
		t->v4[t->n_v4].lo = ipd_ip_v4(lo);
		t->v4[t->n_v4].hi = ipd_ip_v4(hi);
		t->n_v4++;
		return true;
	}
	uint64_t n = ipd_range_size(lo, hi);
	if (n > max6)
		return false;
	struct ipd_ip ip = *lo;
	for (uint64_t i = 0; i < n; i++) {
		add6(t, &ip);
		ipd_ip_next(&ip);
	}
	return true;
}

bool sweep_targets_add_spec(struct sweep_targets *t, const char *spec, uint64_t max6)
{
	struct ipd_ip lo, hi;
	if (ipd_ip_parse(spec, &lo))
		return sweep_targets_add(t, &lo, &lo, max6);
	if (!ipd_range_parse(spec, &lo, &hi))
		return false;
	return sweep_targets_add(t, &lo, &hi, max6);
}

static int cmp_r4(const void *a, const void *b)
{
	const struct sweep_v4range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_ip(const void *a, const void *b)
{
	return ipd_ip_cmp(a, b);
}

void sweep_targets_finish(struct sweep_targets *t)
{
	if (t->n_v4) {
		qsort(t->v4, t->n_v4, sizeof *t->v4, cmp_r4);
		size_t w = 0;
		for (size_t i = 1; i < t->n_v4; i++) {
			struct sweep_v4range *cur = &t->v4[w];
			/* merge overlapping and adjacent ranges */
			if (t->v4[i].lo <= cur->hi || (cur->hi != UINT32_MAX && t->v4[i].lo == cur->hi + 1)) {
				if (t->v4[i].hi > cur->hi)
					cur->hi = t->v4[i].hi;
			} else {
				t->v4[++w] = t->v4[i];
			}
		}
		t->n_v4 = w + 1;
	}
	t->count4 = 0;
	for (size_t i = 0; i < t->n_v4; i++) {
		t->v4[i].base = t->count4;
		t->count4 += (uint64_t)t->v4[i].hi - t->v4[i].lo + 1;
	}
	if (t->n_v6) {
		qsort(t->v6, t->n_v6, sizeof *t->v6, cmp_ip);
		size_t w = 0;
		for (size_t i = 1; i < t->n_v6; i++)
			if (!ipd_ip_eq(&t->v6[i], &t->v6[w]))
				t->v6[++w] = t->v6[i];
		t->n_v6 = w + 1;
	}
}

int64_t sweep_targets_index(const struct sweep_targets *t, const struct ipd_ip *ip)
{
	if (ipd_ip_is_v4(ip)) {
		uint32_t a = ipd_ip_v4(ip);
		size_t lo = 0, hi = t->n_v4;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (a < t->v4[mid].lo)
				hi = mid;
			else if (a > t->v4[mid].hi)
				lo = mid + 1;
			else
				return (int64_t)(t->v4[mid].base + (a - t->v4[mid].lo));
		}
		return -1;
	}
	const struct ipd_ip *p = bsearch(ip, t->v6, t->n_v6, sizeof *t->v6, cmp_ip);
	return p ? (int64_t)(t->count4 + (uint64_t)(p - t->v6)) : -1;
}
