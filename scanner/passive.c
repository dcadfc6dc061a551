/*
 * Passive discovery state (see passive.h). Event rules follow arpwatch
 * (db.c ent_add): the first MAC for an address is a "new station"; a
 * different MAC is a "changed ethernet address"; going back to the previous
 * MAC within PASSIVE_FLIPFLOP_S is a "flip flop", later (or to an older MAC)
 * a "reused old ethernet address". Events about servers, routers, hostnames,
 * DHCP client fingerprints, mismatches and bogons are raised once per run
 * per subject, so a chatty host does not flood the store.
 */
#include "passive.h"

#include <stdlib.h>
#include <string.h>

#include "../common/escape.h"
#include "../common/hostname.h"
#include "../common/xmem.h"
#include "hosts.h"

enum method { M_ARP, M_ND, M_DHCP, M_MAX };
static const char *const method_names[M_MAX] = { "arp-passive", "nd-passive", "dhcp" };

static const char *const dhcp_msg_names[] = {
	[1] = "discover", [2] = "offer", [3] = "request", [4] = "decline",
	[5] = "ack", [6] = "nak", [7] = "release", [8] = "inform",
};

struct pfx {
	struct ipd_prefix p;
	char *iface; /* NULL = any */
};

/* Once-per-run dedupe: a set of 128-bit digests, open addressing. */
struct keyset {
	uint64_t (*k)[2];   /* {0,0} = empty; digests have bit 0 of k[0] set */
	size_t mask, n;
};

static bool keyset_add(struct keyset *s, uint64_t a, uint64_t b)
{
	a |= 1;
	if (s->n * 2 >= s->mask) {
		size_t ns = s->mask ? (s->mask + 1) * 2 : 1024;
		uint64_t(*nk)[2] = xcalloc(ns, sizeof *nk);
		for (size_t i = 0; s->mask && i <= s->mask; i++) {
			if (!s->k[i][0])
				continue;
			size_t j = s->k[i][1] & (ns - 1);
			while (nk[j][0])
				j = (j + 1) & (ns - 1);
			nk[j][0] = s->k[i][0];
			nk[j][1] = s->k[i][1];
		}
		free(s->k);
		s->k = nk;
		s->mask = ns - 1;
	}
	size_t j = b & s->mask;
	while (s->k[j][0]) {
		if (s->k[j][0] == a && s->k[j][1] == b)
			return false;
		j = (j + 1) & s->mask;
	}
	s->k[j][0] = a;
	s->k[j][1] = b;
	s->n++;
	return true;
}

/* A plain address claim waiting in the prefetch ring (see passive_put). */
struct claim {
	uint64_t hash;       /* hosts_hash(ip, vlan), computed once for prefetch and lookup */
	struct ipd_ip ip;
	struct ipd_mac mac;
	uint8_t method, kind;
	int32_t vlan;
	int64_t ts_us;
	const char *iface;   /* borrowed from the capture source: lives for the run */
};

#define RING 16

struct passive {
	struct passive_opts o;
	struct hosts *hosts;
	struct claim ring[RING];
	unsigned rhead, rlen;
	struct keyset seen;     /* once-per-run dedupe keys */
	const char **ifaces;    /* interface names, as borrowed from frames */
	size_t nifaces;
	char **iface_copies;    /* stable copies for output */
	struct pfx *pfx;
	size_t npfx;
	bool have_v4, have_v6;
	struct passive_stats st;
	struct sbuf detail;
	enum ipd_status err;
};

struct passive *passive_new(const struct passive_opts *o)
{
	struct passive *p = xcalloc(1, sizeof *p);
	p->o = *o;
	p->hosts = hosts_new(1024);
	sbuf_init(&p->detail);
	return p;
}

void passive_free(struct passive *p)
{
	if (!p)
		return;
	hosts_free(p->hosts);
	free(p->seen.k);
	for (size_t i = 0; i < p->nifaces; i++)
		free(p->iface_copies[i]);
	free(p->iface_copies);
	free(p->ifaces);
	for (size_t i = 0; i < p->npfx; i++)
		free(p->pfx[i].iface);
	free(p->pfx);
	sbuf_free(&p->detail);
	free(p);
}

void passive_add_prefix(struct passive *p, const char *iface, const struct ipd_prefix *pfx)
{
	p->pfx = xreallocarray(p->pfx, p->npfx + 1, sizeof *p->pfx);
	p->pfx[p->npfx].p = *pfx;
	p->pfx[p->npfx].iface = iface ? xstrdup(iface) : NULL;
	p->npfx++;
	if (ipd_prefix_maxlen(pfx) == 32)
		p->have_v4 = true;
	else
		p->have_v6 = true;
}

/* Insert mac into the MRU history at the place its time says. */
static void history_insert(struct host *h, const struct ipd_mac *mac, int64_t at)
{
	int i;
	for (i = 0; i < h->nmacs; i++)
		if (ipd_mac_eq(&h->macs[i], mac))
			break;
	if (i < h->nmacs) {
		if (h->mac_at[i] >= at)
			return;
		/* remove, reinsert by time below */
		memmove(&h->macs[i], &h->macs[i + 1], (size_t)(h->nmacs - i - 1) * sizeof h->macs[0]);
		memmove(&h->mac_at[i], &h->mac_at[i + 1], (size_t)(h->nmacs - i - 1) * sizeof h->mac_at[0]);
		h->nmacs--;
	}
	int pos = 0;
	while (pos < h->nmacs && h->mac_at[pos] >= at)
		pos++;
	if (pos >= HOST_MACS)
		return;
	int n = h->nmacs < HOST_MACS ? h->nmacs : HOST_MACS - 1;
	memmove(&h->macs[pos + 1], &h->macs[pos], (size_t)(n - pos) * sizeof h->macs[0]);
	memmove(&h->mac_at[pos + 1], &h->mac_at[pos], (size_t)(n - pos) * sizeof h->mac_at[0]);
	h->macs[pos] = *mac;
	h->mac_at[pos] = at;
	h->nmacs = (uint8_t)(n + 1);
}

void passive_preload(struct passive *p, const struct ipd_ip *ip, int vlan, const struct ipd_mac *mac,
		     int64_t last_seen)
{
	bool created;
	struct host *h = hosts_get(p->hosts, ip, vlan, &created);
	if (created)
		p->st.preloaded++;
	h->flags |= HOST_KNOWN;
	history_insert(h, mac, last_seen);
}

static int iface_index(struct passive *p, const char *name)
{
	for (size_t i = 0; i < p->nifaces; i++)
		if (p->ifaces[i] == name || strcmp(p->iface_copies[i], name) == 0)
			return (int)i;
	p->ifaces = xreallocarray(p->ifaces, p->nifaces + 1, sizeof *p->ifaces);
	p->iface_copies = xreallocarray(p->iface_copies, p->nifaces + 1, sizeof *p->iface_copies);
	p->ifaces[p->nifaces] = name;
	p->iface_copies[p->nifaces] = xstrdup(name);
	return (int)p->nifaces++;
}

/* 128-bit digest of a dedupe subject, stored as a host-table key. */
struct digest {
	uint64_t h1, h2;
};

static struct digest dig_init(int tag)
{
	struct digest d = { 0xcbf29ce484222325ULL ^ (uint64_t)tag, 0x84222325cbf29ce4ULL + (uint64_t)tag };
	return d;
}

static void dig_add(struct digest *d, const void *a, size_t alen)
{
	const uint8_t *s = a;
	for (size_t i = 0; i < alen; i++) {
		d->h1 = (d->h1 ^ s[i]) * 0x100000001b3ULL;
		d->h2 = (d->h2 ^ s[i]) * 0x100000001b3ULL + 7;
	}
	d->h1 ^= 0xff;
}

/* A field that may be absent: absent, empty and "ab"+"c" vs "a"+"bc" all
 * differ. */
static void dig_field(struct digest *d, const void *a, size_t alen)
{
	d->h1 = (d->h1 ^ (a ? alen + 1 : 0)) * 0x100000001b3ULL;
	if (a)
		dig_add(d, a, alen);
}

static bool dig_first(struct passive *p, struct digest *d, int vlan)
{
	d->h1 ^= (uint64_t)(uint32_t)vlan * 0x9e3779b97f4a7c15ULL;
	d->h2 ^= d->h1 >> 29;
	d->h2 *= 0xbf58476d1ce4e5b9ULL;
	d->h2 ^= d->h2 >> 31;
	return keyset_add(&p->seen, d->h1, d->h2);
}

static bool first_time(struct passive *p, int tag, const void *a, size_t alen, const void *b,
		       size_t blen, int vlan)
{
	struct digest d = dig_init(tag);
	dig_add(&d, a, alen);
	dig_add(&d, b, blen);
	return dig_first(p, &d, vlan);
}

/* --- detail JSON --- */
/* Keys are our own literals (nothing to escape); no printf: ~100,000
 * events each carry several keys and numbers. */
static void j_key(struct sbuf *b, const char *k)
{
	if (b->len > 1)
		sbuf_addc(b, ',');
	sbuf_addc(b, '"');
	sbuf_adds(b, k);
	sbuf_add(b, "\":", 2);
}
static void j_str(struct sbuf *b, const char *k, const char *v)
{
	j_key(b, k);
	esc_json_str(ESC_BUF(b), v);
}
static void j_ip(struct sbuf *b, const char *k, const struct ipd_ip *ip)
{
	char s[IPD_IP_STRLEN];
	j_str(b, k, ipd_ip_fmt(ip, s, sizeof s));
}
static void j_mac(struct sbuf *b, const char *k, const struct ipd_mac *m)
{
	char s[IPD_MAC_STRLEN];
	j_str(b, k, ipd_mac_fmt(m, s, sizeof s));
}
static void j_int(struct sbuf *b, const char *k, long long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	j_key(b, k);
	sbuf_add(b, p, (size_t)(d + sizeof d - p));
}
static void j_ips(struct sbuf *b, const char *k, const struct ipd_ip *ips, int n)
{
	char s[IPD_IP_STRLEN];
	j_key(b, k);
	sbuf_addc(b, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			sbuf_addc(b, ',');
		esc_json_str(ESC_BUF(b), ipd_ip_fmt(&ips[i], s, sizeof s));
	}
	sbuf_addc(b, ']');
}
/* Bytes as lowercase hex; sep 0 = none, else between bytes ("01:02:0a",
 * the form the leases table stores client ids in). */
static void j_hex(struct sbuf *b, const char *k, const uint8_t *v, size_t n, char sep)
{
	static const char hx[] = "0123456789abcdef";
	j_key(b, k);
	sbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		char t[3] = { sep, hx[v[i] >> 4], hx[v[i] & 15] };
		if (i && sep)
			sbuf_add(b, t, 3);
		else
			sbuf_add(b, t + 1, 2);
	}
	sbuf_addc(b, '"');
}
/* Bytes as decimals joined by commas: "1,3,6,15" (option 55 in the form
 * fingerbank-style DHCP fingerprint databases key on). */
static void j_declist(struct sbuf *b, const char *k, const uint8_t *v, size_t n)
{
	j_key(b, k);
	sbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		char d[4], *q = d + sizeof d;
		unsigned u = v[i];
		do
			*--q = (char)('0' + u % 10);
		while (u /= 10);
		if (i)
			sbuf_addc(b, ',');
		sbuf_add(b, q, (size_t)(d + sizeof d - q));
	}
	sbuf_addc(b, '"');
}
static void j_begin(struct sbuf *b)
{
	sbuf_reset(b);
	sbuf_addc(b, '{');
}
static const char *j_end(struct sbuf *b)
{
	sbuf_addc(b, '}');
	return sbuf_str(b);
}

static void event(struct passive *p, const struct obs *o, const char *kind, const struct ipd_ip *ip,
		  const struct ipd_mac *mac, const struct ipd_mac *other, const char *detail,
		  const void *raw, size_t raw_len)
{
	struct db_event e = {
		.run_id = p->o.run_id,
		.at = o->ts_us / 1000000,
		.kind = kind,
		.ip = ip,
		.mac = mac,
		.other_mac = other,
		.vlan = o->vlan,
		.iface = o->iface,
		.sensor = p->o.sensor,
		.detail_json = detail,
		.raw = raw,
		.raw_len = raw_len,
	};
	p->st.events++;
	if (p->o.out.event && p->err == IPD_OK)
		p->err = p->o.out.event(p->o.out.ctx, &e);
}

static bool is_bogon(const struct passive *p, const struct ipd_ip *ip, const char *iface)
{
	bool v4 = ipd_ip_is_v4(ip);
	if ((v4 && !p->have_v4) || (!v4 && !p->have_v6))
		return false;
	if (ipd_ip_is_link_local(ip) || ipd_ip_is_unspecified(ip) || ipd_ip_is_multicast(ip))
		return false;
	bool any_for_iface = false;
	for (size_t i = 0; i < p->npfx; i++) {
		const struct pfx *x = &p->pfx[i];
		if (x->iface && strcmp(x->iface, iface) != 0)
			continue;
		if ((ipd_prefix_maxlen(&x->p) == 32) != v4)
			continue;
		any_for_iface = true;
		if (ipd_prefix_contains(&x->p, ip))
			return false;
	}
	return any_for_iface;
}

/* Aggregate one observation row and run the per-host checks. hash is
 * hosts_hash(ip, o->vlan), or 0 to have it computed here. */
static struct host *record(struct passive *p, const struct obs *o, enum method m,
			   const struct ipd_ip *ip, const struct ipd_mac *mac, uint64_t hash)
{
	if (ipd_ip_is_unspecified(ip) || ipd_ip_is_multicast(ip) || ipd_mac_is_multicast(mac) ||
	    ipd_mac_is_zero(mac))
		return NULL;
	bool created;
	struct host *h = hosts_get_h(p->hosts, ip, o->vlan, hash ? hash : hosts_hash(ip, o->vlan),
				     &created);
	int64_t t = o->ts_us / 1000000;
	struct host_obs *a = host_obs_get(h, mac, m, iface_index(p, o->iface));
	if (a) {
		if (a->count == 0) {
			a->first = t;
			p->st.obs_rows++;
		}
		if (t < a->first)
			a->first = t;
		if (t > a->last)
			a->last = t;
		a->count++;
		a->pending++;
		host_obs_promote(h, a);
	} else {
		p->st.obs_dropped++;
	}
	if (!(h->flags & HOST_BOGON_CHECKED)) {
		h->flags |= HOST_BOGON_CHECKED;
		if (is_bogon(p, ip, o->iface)) {
			j_begin(&p->detail);
			j_str(&p->detail, "method", method_names[m]);
			j_str(&p->detail, "reason", "outside the interface's prefixes");
			event(p, o, "bogon", ip, mac, NULL, j_end(&p->detail), NULL, 0);
		}
	}
	return h;
}

/* arpwatch's station logic for an address claim (ARP / ND). */
static void station(struct passive *p, const struct obs *o, enum method m, uint64_t hash)
{
	struct host *h = record(p, o, m, &o->ip, &o->mac, hash);
	if (!h)
		return;
	int64_t t = o->ts_us / 1000000;
	int i;
	for (i = 0; i < h->nmacs; i++)
		if (ipd_mac_eq(&h->macs[i], &o->mac))
			break;
	if (h->nmacs == 0) {
		if (!(h->flags & HOST_KNOWN)) {
			j_begin(&p->detail);
			j_str(&p->detail, "method", method_names[m]);
			j_str(&p->detail, "via", obs_kind_name(o->kind));
			event(p, o, "new station", &o->ip, &o->mac, NULL, j_end(&p->detail), NULL, 0);
		}
		history_insert(h, &o->mac, t);
		return;
	}
	if (i == 0) {
		h->mac_at[0] = t > h->mac_at[0] ? t : h->mac_at[0];
		return;
	}
	/* Older than what the store already knows (a file read again, or
	 * files out of order): history, not news. */
	if (t < h->mac_at[0]) {
		history_insert(h, &o->mac, t);
		return;
	}
	struct ipd_mac old = h->macs[0];
	int64_t since = t - h->mac_at[0];
	const char *kind;
	if (i == h->nmacs)
		kind = "changed ethernet address";
	else if (i == 1 && since <= PASSIVE_FLIPFLOP_S)
		kind = "flip flop";
	else
		kind = "reused old ethernet address";
	j_begin(&p->detail);
	j_str(&p->detail, "method", method_names[m]);
	j_str(&p->detail, "via", obs_kind_name(o->kind));
	j_int(&p->detail, "previous_seen", h->mac_at[0]);
	event(p, o, kind, &o->ip, &o->mac, &old, j_end(&p->detail), NULL, 0);
	/* The new MAC is current from now; the old one keeps its time. */
	history_insert(h, &o->mac, t > h->mac_at[0] ? t : h->mac_at[0] + 1);
}

/* RFC 5227 probe / RFC 4862 DAD for an address someone else holds. */
static void dad_check(struct passive *p, const struct obs *o, const char *proto)
{
	if (!o->has_target || !o->has_mac)
		return;
	const struct host *h = hosts_find(p->hosts, &o->target_ip, o->vlan);
	if (!h || h->nmacs == 0 || ipd_mac_eq(&h->macs[0], &o->mac))
		return;
	if (!first_time(p, 1, o->target_ip.b, 16, o->mac.b, 6, o->vlan))
		return;
	j_begin(&p->detail);
	j_str(&p->detail, "protocol", proto);
	j_int(&p->detail, "holder_seen", h->mac_at[0]);
	event(p, o, "dad conflict", &o->target_ip, &o->mac, &h->macs[0], j_end(&p->detail), NULL, 0);
}

static void arp(struct passive *p, const struct obs *o)
{
	/* ARP sender MAC differs from the frame's source (arpwatch). */
	if (!ipd_mac_is_zero(&o->eth_src) && !ipd_mac_eq(&o->eth_src, &o->mac) &&
	    first_time(p, 2, o->mac.b, 6, o->eth_src.b, 6, o->vlan)) {
		j_begin(&p->detail);
		j_str(&p->detail, "via", obs_kind_name(o->kind));
		event(p, o, "ethernet mismatch", o->has_ip ? &o->ip : &o->target_ip, &o->mac,
		      &o->eth_src, j_end(&p->detail), NULL, 0);
	}
	if (o->kind == OBS_ARP_PROBE)
		dad_check(p, o, "arp");
	else if (o->has_ip)
		station(p, o, M_ARP, 0);
}

static void nd(struct passive *p, const struct obs *o)
{
	if (o->kind == OBS_ND_NS_DAD) {
		dad_check(p, o, "nd");
		return;
	}
	if (o->has_ip && o->has_mac)
		station(p, o, M_ND, 0);
	if (o->kind == OBS_ND_RA && o->has_mac &&
	    first_time(p, 3, o->ip.b, 16, o->mac.b, 6, o->vlan)) {
		struct sbuf *b = &p->detail;
		char s[IPD_PFX_STRLEN];
		j_begin(b);
		j_int(b, "lifetime", o->ra_lifetime);
		j_int(b, "hop_limit", o->ra_hop_limit);
		if (o->ra_mtu)
			j_int(b, "mtu", o->ra_mtu);
		j_key(b, "prefixes");
		sbuf_addc(b, '[');
		for (int i = 0; i < o->n_ra_prefix; i++) {
			if (i)
				sbuf_addc(b, ',');
			esc_json_str(ESC_BUF(b), ipd_prefix_fmt(&o->ra_prefix[i], s, sizeof s));
		}
		sbuf_addc(b, ']');
		j_ips(b, "rdnss", o->rdnss, o->n_rdnss);
		event(p, o, "router advertisement", &o->ip, &o->mac, NULL, j_end(b), NULL, 0);
	}
}

static const char *msg_name(uint8_t t)
{
	return t < sizeof dhcp_msg_names / sizeof dhcp_msg_names[0] && dhcp_msg_names[t]
		       ? dhcp_msg_names[t]
		       : "unknown";
}

/* The fingerprinting options of a client message, each only when the
 * packet carried it: client_id (61, colon hex, type byte first),
 * vendor_class (60, attacker-controlled text: JSON-escaped, invalid UTF-8
 * shown as U+FFFD, so the exact bytes follow as vendor_class_hex then),
 * prl (55, decimal codes in request order). */
static void j_fingerprint(struct sbuf *b, const struct obs *o)
{
	if (o->client_id)
		j_hex(b, "client_id", o->client_id, o->client_id_len, ':');
	if (o->vendor_class) {
		j_key(b, "vendor_class");
		esc_json_strn(ESC_BUF(b), (const char *)o->vendor_class, o->vendor_class_len);
		if (esc_classify((const char *)o->vendor_class, o->vendor_class_len) &
		    ESC_F_INVALID_UTF8)
			j_hex(b, "vendor_class_hex", o->vendor_class, o->vendor_class_len, 0);
	}
	if (o->prl)
		j_declist(b, "prl", o->prl, o->prl_len);
}

static void dhcp(struct passive *p, const struct obs *o)
{
	struct sbuf *b = &p->detail;
	if (o->kind == OBS_DHCP_CLIENT) {
		if (o->has_ip && o->has_mac)
			record(p, o, M_DHCP, &o->ip, &o->mac, 0);
		if (!o->has_chaddr)
			return;
		const struct ipd_ip *ip = o->has_ip ? &o->ip
					  : o->has_requested ? &o->dhcp_requested : NULL;
		if (o->hostname &&
		    first_time(p, 4, o->dhcp_chaddr.b, 6, o->hostname, o->hostname_len, o->vlan)) {
			unsigned fl = hostname_check((const char *)o->hostname, o->hostname_len);
			char fs[HOSTNAME_FLAGS_STRLEN];
			j_begin(b);
			j_key(b, "hostname");
			/* The validated form only when it is safe to show as is. */
			if (fl & HOSTNAME_HOSTILE)
				sbuf_adds(b, "null");
			else
				esc_json_strn(ESC_BUF(b), (const char *)o->hostname, o->hostname_len);
			j_str(b, "flags", hostname_flags_str(fl, fs, sizeof fs));
			j_int(b, "length", (long long)o->hostname_len);
			j_str(b, "msgtype", msg_name(o->dhcp_msgtype));
			j_fingerprint(b, o);
			event(p, o, "dhcp hostname", ip, &o->dhcp_chaddr, NULL, j_end(b), o->hostname,
			      o->hostname_len);
			return;
		}
		/* No hostname, but a fingerprint: once per run per client and
		 * fingerprint (a MAC that changes its vendor class shows again). */
		if (!o->hostname && (o->client_id || o->vendor_class || o->prl)) {
			struct digest d = dig_init(6);
			dig_add(&d, o->dhcp_chaddr.b, 6);
			dig_field(&d, o->client_id, o->client_id_len);
			dig_field(&d, o->vendor_class, o->vendor_class_len);
			dig_field(&d, o->prl, o->prl_len);
			if (!dig_first(p, &d, o->vlan))
				return;
			j_begin(b);
			j_str(b, "msgtype", msg_name(o->dhcp_msgtype));
			j_fingerprint(b, o);
			event(p, o, "dhcp client", ip, &o->dhcp_chaddr, NULL, j_end(b), NULL, 0);
		}
		return;
	}
	/* Server: the server itself, and the address an ACK hands out. */
	if (o->has_ip && o->has_mac)
		record(p, o, M_DHCP, &o->ip, &o->mac, 0);
	if (o->dhcp_msgtype == 5 && o->has_yiaddr && o->has_chaddr)
		record(p, o, M_DHCP, &o->dhcp_yiaddr, &o->dhcp_chaddr, 0);
	const struct ipd_ip *sid = o->has_server_id ? &o->dhcp_server_id : &o->ip;
	if (o->has_mac && first_time(p, 5, sid->b, 16, o->mac.b, 6, o->vlan)) {
		j_begin(b);
		j_str(b, "msgtype", msg_name(o->dhcp_msgtype));
		if (o->has_server_id)
			j_ip(b, "server_id", &o->dhcp_server_id);
		if (o->has_yiaddr)
			j_ip(b, "yiaddr", &o->dhcp_yiaddr);
		if (o->has_chaddr)
			j_mac(b, "client_mac", &o->dhcp_chaddr);
		if (ipd_ip_v4(&o->dhcp_giaddr))
			j_ip(b, "relay", &o->dhcp_giaddr);
		j_ips(b, "routers", o->dhcp_router, o->n_router);
		j_ips(b, "dns", o->dhcp_dns, o->n_dns);
		event(p, o, "dhcp server", sid, &o->mac, NULL, j_end(b), NULL, 0);
	}
}

/* Only the fields station(), record() and event() read are set. */
static void run_claim(struct passive *p, const struct claim *c)
{
	struct obs o;
	o.kind = (enum obs_kind)c->kind;
	o.ts_us = c->ts_us;
	o.iface = c->iface;
	o.vlan = c->vlan;
	o.ip = c->ip;
	o.mac = c->mac;
	o.has_ip = o.has_mac = true;
	station(p, &o, (enum method)c->method, c->hash);
}

static void drain(struct passive *p)
{
	while (p->rlen) {
		run_claim(p, &p->ring[p->rhead]);
		p->rhead = (p->rhead + 1) % RING;
		p->rlen--;
	}
}

/* A claim that only updates station state (no other event can come from
 * this frame): safe to delay by a few frames. */
static bool plain_claim(const struct obs *o, enum method *m)
{
	switch (o->kind) {
	case OBS_ARP_REQUEST:
	case OBS_ARP_REPLY:
	case OBS_ARP_GRATUITOUS:
	case OBS_ARP_ANNOUNCE:
		*m = M_ARP;
		return o->has_ip && (ipd_mac_is_zero(&o->eth_src) || ipd_mac_eq(&o->eth_src, &o->mac));
	case OBS_ND_NS:
	case OBS_ND_NA:
	case OBS_ND_RS:
	case OBS_ICMP6_ECHO_REPLY:
		*m = M_ND;
		return o->has_ip && o->has_mac;
	default:
		return false;
	}
}

/*
 * The host table is larger than the caches, so each lookup is a cache miss.
 * Plain claims wait in a small ring: the entry's cache lines are prefetched
 * when the claim arrives and used RING frames later, when they are there.
 * Anything else drains the ring first, so events keep frame order.
 */
enum ipd_status passive_put(void *ctx, const struct obs *o)
{
	struct passive *p = ctx;
	enum method m;
	if (p->o.prefetch_ring && plain_claim(o, &m)) {
		if (p->rlen == RING) {
			run_claim(p, &p->ring[p->rhead]);
			p->rhead = (p->rhead + 1) % RING;
			p->rlen--;
		}
		struct claim *c = &p->ring[(p->rhead + p->rlen) % RING];
		c->ip = o->ip;
		c->mac = o->mac;
		c->method = (uint8_t)m;
		c->kind = (uint8_t)o->kind;
		c->vlan = o->vlan;
		c->ts_us = o->ts_us;
		c->iface = o->iface;
		c->hash = hosts_hash(&o->ip, o->vlan);
		p->rlen++;
		hosts_prefetch_h(p->hosts, c->hash);
		return p->err;
	}
	drain(p);
	switch (o->kind) {
	case OBS_ARP_REQUEST:
	case OBS_ARP_REPLY:
	case OBS_ARP_GRATUITOUS:
	case OBS_ARP_PROBE:
	case OBS_ARP_ANNOUNCE:
		arp(p, o);
		break;
	case OBS_ND_NS:
	case OBS_ND_NS_DAD:
	case OBS_ND_NA:
	case OBS_ND_RS:
	case OBS_ND_RA:
	case OBS_ICMP6_ECHO_REPLY:
		nd(p, o);
		break;
	case OBS_DHCP_CLIENT:
	case OBS_DHCP_SERVER:
		dhcp(p, o);
		break;
	default:
		break;
	}
	return p->err;
}

static void fill_obs(struct passive *p, const struct host *h, const struct host_obs *a,
		     struct db_obs *r, bool totals)
{
	memset(r, 0, sizeof *r);
	r->ip = h->ip;
	r->mac = a->mac;
	r->vlan = h->vlan;
	r->iface = p->iface_copies[a->iface];
	r->sensor = p->o.sensor;
	r->method = method_names[a->method];
	/* first/last are run totals either way: the upsert keeps min/max. */
	r->first_seen = a->first;
	r->last_seen = a->last;
	r->count = totals ? (int64_t)a->count : (int64_t)a->pending;
	r->run_id = p->o.run_id;
}

/* A row to write, with its sort key inline: the sort touches only the
 * array, not the host table (a cache miss per comparison before, on the
 * serial tail of a capture). Order: address, VLAN, MAC, method name, then
 * interface name -- the order of the store's unique index. */
struct ref {
	uint64_t k[4];
	const struct host *h;
	const struct host_obs *a;
};

static uint64_t be64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* rank[i] = position of names[i] in strcmp order (names are distinct). */
static void name_ranks(const char *const *names, size_t n, uint16_t *rank)
{
	for (size_t i = 0; i < n; i++) {
		size_t r = 0;
		for (size_t j = 0; j < n; j++)
			if (strcmp(names[j], names[i]) < 0)
				r++;
		rank[i] = (uint16_t)r;
	}
}

struct ranks {
	uint16_t method[M_MAX];
	uint16_t *iface;
};

static void ranks_init(const struct passive *p, struct ranks *r)
{
	name_ranks(method_names, M_MAX, r->method);
	r->iface = xcalloc(p->nifaces ? p->nifaces : 1, sizeof *r->iface);
	name_ranks((const char *const *)p->iface_copies, p->nifaces, r->iface);
}

static struct ref make_ref(const struct ranks *r, const struct host *h, const struct host_obs *a)
{
	const uint8_t *m = a->mac.b;
	struct ref x = { .h = h, .a = a };
	x.k[0] = be64(h->ip.b);
	x.k[1] = be64(h->ip.b + 8);
	x.k[2] = (uint64_t)((uint32_t)h->vlan ^ 0x80000000u) << 32 |
		 (uint64_t)m[0] << 24 | (uint64_t)m[1] << 16 | (uint64_t)m[2] << 8 | m[3];
	x.k[3] = (uint64_t)m[4] << 56 | (uint64_t)m[5] << 48 |
		 (uint64_t)r->method[a->method] << 32 | r->iface[a->iface];
	return x;
}

static int cmp_ref(const void *x, const void *y)
{
	const struct ref *a = x, *b = y;
	for (int i = 0; i < 4; i++)
		if (a->k[i] != b->k[i])
			return a->k[i] < b->k[i] ? -1 : 1;
	return 0;
}

/* Pending counts, in address order: the store's unique index is led by the
 * address, so sorted upserts walk the B-tree instead of jumping around. */
enum ipd_status passive_flush(struct passive *p)
{
	drain(p);
	if (!p->o.out.obs)
		return p->err;
	size_t cur = 0, nr = 0, cap = 1024;
	struct ref *v = xcalloc(cap, sizeof *v);
	struct ranks rk;
	ranks_init(p, &rk);
	struct host *h;
	while ((h = hosts_next(p->hosts, &cur))) {
		for (unsigned k = 0; k < h->nobs; k++) {
			struct host_obs *a = host_obs_at(h, k);
			if (!a->pending)
				continue;
			if (nr == cap) {
				cap *= 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[nr++] = make_ref(&rk, h, a);
		}
	}
	free(rk.iface);
	qsort(v, nr, sizeof *v, cmp_ref);
	for (size_t i = 0; i < nr && p->err == IPD_OK; i++) {
		struct db_obs r;
		fill_obs(p, v[i].h, v[i].a, &r, false);
		p->err = p->o.out.obs(p->o.out.ctx, &r);
		if (p->err == IPD_OK)
			((struct host_obs *)v[i].a)->pending = 0;
	}
	free(v);
	return p->err;
}

enum ipd_status passive_totals_sorted(struct passive *p,
				      enum ipd_status (*cb)(void *ctx, const struct db_obs *o), void *ctx)
{
	drain(p);
	size_t cur = 0, nr = 0;
	struct host *h;
	struct ref *v = xcalloc(p->st.obs_rows ? p->st.obs_rows : 1, sizeof *v);
	struct ranks rk;
	ranks_init(p, &rk);
	while ((h = hosts_next(p->hosts, &cur))) {
		for (unsigned k = 0; k < h->nobs; k++) {
			struct host_obs *a = host_obs_at(h, k);
			if (a->count && nr < p->st.obs_rows)
				v[nr++] = make_ref(&rk, h, a);
		}
	}
	free(rk.iface);
	qsort(v, nr, sizeof *v, cmp_ref);
	enum ipd_status st = IPD_OK;
	for (size_t i = 0; i < nr && st == IPD_OK; i++) {
		struct db_obs r;
		fill_obs(p, v[i].h, v[i].a, &r, true);
		st = cb(ctx, &r);
	}
	free(v);
	return st;
}

void passive_get_stats(struct passive *p, struct passive_stats *st)
{
	drain(p);
	*st = p->st;
	st->hosts = hosts_count(p->hosts);
}
