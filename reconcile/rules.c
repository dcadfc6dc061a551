/*
 * The rule table and the rules. Every rule reads one view and the context and
 * emits findings; none touches the store. Documentation of each rule lives in
 * its table entry and nowhere else (`ipdrift audit --list-rules`).
 *
 * Honesty, enforced here:
 *  - a DNS check whose lookup failed (servfail, refused, timeout, error) is
 *    never turned into missing-ptr / missing-forward / mismatch: the check is
 *    skipped and dns-lookup-failed reports the failed lookup instead;
 *  - "not seen" needs coverage: stale-allocation and stale-dns fire only for
 *    addresses that an active sweep (or, with --passive-coverage, a capture)
 *    covered inside the stale window;
 *  - locally administered (randomised) MACs are tracked per IP+MAC and never
 *    reported as a MAC change of one device (mac-mismatch, flip-flop);
 *  - FHRP virtual MACs and IPAM roles vrrp/hsrp/carp/glbp/anycast never raise
 *    ip-conflict.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/hostname.h"
#include "../common/xmem.h"

/* ------------------------------------------------------------ emitter */

void emit_init(struct rule_emit *em, struct finding_sink sink)
{
	memset(em, 0, sizeof *em);
	em->sink = sink;
	for (size_t i = 0; i < rule_count; i++) {
		em->sev[i] = rule_table[i].sev;
		em->enabled[i] = true;
	}
}

void emit_free(struct rule_emit *em)
{
	evb_free(&em->ev);
	fixb_free(&em->fx);
	sbuf_free(&em->evjson);
	sbuf_free(&em->fixjson);
	sbuf_free(&em->summary);
}

void emit_discard(struct rule_emit *em)
{
	evb_reset(&em->ev);
	fixb_reset(&em->fx);
}

void emit(struct rule_emit *em, enum subj_kind kind, const char *subject, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	evb_json(&em->ev, &em->evjson);
	bool has_fix = fixb_json(&em->fx, &em->fixjson);
	const struct rule *r = &rule_table[em->cur];
	struct finding f = {
		.rule = r->id, .severity = em->sev[em->cur], .kind = kind, .subject = subject,
		.summary = s ? s : r->id, .evidence = sbuf_str(&em->evjson),
		.fix = has_fix ? sbuf_str(&em->fixjson) : NULL,
	};
	em->sink.put(em->sink.ctx, &f);
	em->count++;
	free(s);
	emit_discard(em);
}

/* ------------------------------------------------------------ helpers */

static bool streq_ci(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

static bool status_is(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (streq_ci(s, *set))
			return true;
	return false;
}

static const char *const FHRP_ROLES[] = { "vrrp", "hsrp", "carp", "glbp", "anycast", "vip", NULL };

static bool mac_of(const char *text, struct ipd_mac *m)
{
	return text && *text && ipd_mac_parse(text, m);
}

bool ip_is_public(const struct ipd_ip *ip)
{
	if (!ipd_ip_is_special(ip))
		return true;
	/* documentation ranges: 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 */
	if (ipd_ip_is_v4(ip)) {
		uint32_t v = ipd_ip_v4(ip) >> 8;
		return v == 0xc00002 || v == 0xc63364 || v == 0xcb0071;
	}
	return ip->b[0] == 0x20 && ip->b[1] == 0x01 && ip->b[2] == 0x0d && ip->b[3] == 0xb8;
}

static void add_all_obs(struct rule_emit *em, const struct host_view *v)
{
	for (size_t i = 0; i < v->nobs; i++)
		evb_obs(&em->ev, &v->obs[i], v->ip_text);
}

static void add_records(struct rule_emit *em, const struct host_view *v, const struct audit_ctx *c)
{
	for (size_t i = 0; i < v->nalloc; i++)
		evb_alloc(&em->ev, &v->alloc[i], v->ip_text);
	for (size_t i = 0; i < v->nlease; i++)
		evb_lease(&em->ev, &v->lease[i], v->ip_text);
	if (v->subnet >= 0) {
		const struct jv_subnet *s = &c->subnets[v->subnet];
		evb_record(&em->ev, "subnet", s->source, s->line, s->cidr, NULL, NULL, s->status);
	}
}

static void add_ptr_dns(struct rule_emit *em, const struct host_view *v)
{
	for (size_t i = 0; i < v->nans; i++)
		if (streq_ci(v->ans[i].qtype, "PTR"))
			evb_answer(&em->ev, &v->ans[i], v->ans[i].name);
}

/* Forward lookups of one name, as evidence rows. */
static void add_name_dns(struct rule_emit *em, const struct audit_ctx *c, const struct name_ent *e,
			 const struct name_fwd *f, const char *qtype)
{
	struct ipd_ip ips[8];
	size_t n = names_ips(c->names, f, ips, 8);
	struct db_aud_answer a = { .run_id = f->run_id, .ttl = f->ttl, .at = f->at, .qname = e->name,
				   .qtype = qtype, .status = names_status(f) };
	if (n == 0) {
		evb_answer(&em->ev, &a, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char buf[IPD_IP_STRLEN];
		evb_answer(&em->ev, &a, ipd_ip_fmt(&ips[i], buf, sizeof buf));
	}
}

static void enrich_mac(struct rule_emit *em, const struct audit_ctx *c, const char *mactext)
{
	struct ipd_mac m;
	if (!c->oui || !mac_of(mactext, &m))
		return;
	const char *v = oui_vendor(c->oui, &m);
	evb_detail_str(&em->ev, "vendor", v);
}

static void enrich_ip(struct rule_emit *em, const struct audit_ctx *c, const struct ipd_ip *ip)
{
	struct geo_info g;
	if (!c->geo || !ip_is_public(ip) || !geo_lookup(c->geo, ip, &g))
		return;
	if (g.has_country)
		evb_detail_str(&em->ev, "country", g.country);
	if (g.has_asn) {
		evb_detail_int(&em->ev, "asn", g.asn);
		evb_detail_str(&em->ev, "as_org", g.as_org);
	}
}

/* The first usable IPAM hostname of the address (see view_prepare), or NULL. */
static const char *alloc_hostname(const struct host_view *v)
{
	return v->hostname;
}

/* Does the IPAM hostname h name the DNS name n? A short IPAM name ("web")
 * matches the first label of n ("web.example.test"). */
static bool host_matches(const char *h, const char *n)
{
	char a[256], b[256];
	dns_norm(h, a, sizeof a);
	dns_norm(n, b, sizeof b);
	if (strcmp(a, b) == 0)
		return true;
	if (!strchr(a, '.')) {
		size_t l = strlen(a);
		return strncmp(a, b, l) == 0 && b[l] == '.';
	}
	return false;
}

/* "name." for DNS fix values */
static char *fqdn(const char *h, char *buf, size_t len)
{
	char n[256];
	dns_norm(h, n, sizeof n);
	snprintf(buf, len, "%s.", n);
	return buf;
}

/* The reverse name of the address, built only when a fix needs it. */
static const char *revname(const struct host_view *v, char rev[IPD_REVNAME_LEN])
{
	return ipd_ip_reverse_name(&v->ip, rev, IPD_REVNAME_LEN);
}

/* One RRset as the audit saw it, in fix-value form (absolute lower-case
 * names, address text), without duplicates. A DNS fix that changes an
 * existing set carries all of it: the writer's compare-and-swap guard
 * (`prereq yxrrset` per record) must list the whole set, or it never
 * matches a set of several records (RFC 2136 §2.4.2). */
struct rrs {
	char **v;
	size_t n, cap;
};

static bool rrs_has(const struct rrs *r, const char *val)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i], val) == 0)
			return true;
	return false;
}

static void rrs_add(struct rrs *r, const char *val)
{
	if (rrs_has(r, val))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	r->v[r->n++] = xstrdup(val);
}

static void rrs_free(struct rrs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* The PTR set of the address: the names of its latest ok PTR answers. */
static void rrs_ptr(struct rrs *r, const struct host_view *v)
{
	char buf[260];
	for (size_t i = 0; i < v->nans; i++) {
		const struct db_aud_answer *a = &v->ans[i];
		if (streq_ci(a->qtype, "PTR") && dns_classify(a->status) == DNS_OK && a->name)
			rrs_add(r, fqdn(a->name, buf, sizeof buf));
	}
}

/* All addresses of one forward lookup (its latest run) into *out: buf when
 * they fit in nbuf, else a malloc'd array (free it when *out != buf). */
static size_t fwd_ips(const struct audit_ctx *c, const struct name_fwd *f, struct ipd_ip *buf,
		      size_t nbuf, struct ipd_ip **out)
{
	*out = buf;
	if (!c->names || f->cls != DNS_OK || !f->nip)
		return 0;
	if (f->nip > nbuf)
		*out = xreallocarray(NULL, f->nip, sizeof **out);
	return names_ips(c->names, f, *out, f->nip > nbuf ? f->nip : nbuf);
}

/* The A or AAAA set of a name. */
static void rrs_fwd(struct rrs *r, const struct audit_ctx *c, const struct name_fwd *f)
{
	struct ipd_ip buf[16], *ips;
	size_t n = fwd_ips(c, f, buf, 16, &ips);
	for (size_t i = 0; i < n; i++) {
		char t[IPD_IP_STRLEN];
		rrs_add(r, ipd_ip_fmt(&ips[i], t, sizeof t));
	}
	if (ips != buf)
		free(ips);
}

/* A DNS change guarded by the whole set r (empty: the set was absent). */
static void fix_rr(struct rule_emit *em, const char *op, const char *name, const char *type,
		   const char *value, const char *old, const struct rrs *r)
{
	fixb_dns_rr(&em->fx, op, NULL, name, type, value, old, (const char *const *)r->v, r->n);
}

enum ptr_state { PTR_UNCHECKED, PTR_OK, PTR_NEG, PTR_FAIL };

static enum ptr_state ptr_state(const struct host_view *v)
{
	bool ok = false, neg = false, fail = false;
	for (size_t i = 0; i < v->nans; i++) {
		if (!streq_ci(v->ans[i].qtype, "PTR"))
			continue;
		switch (dns_classify(v->ans[i].status)) {
		case DNS_OK: ok = true; break;
		case DNS_NEG: neg = true; break;
		case DNS_FAIL: fail = true; break;
		default: break;
		}
	}
	if (ok)
		return PTR_OK;
	if (fail)
		return PTR_FAIL;     /* a failure outweighs a negative: inconclusive */
	if (neg)
		return PTR_NEG;
	for (size_t i = 0; i < v->nzrec; i++)
		if (streq_ci(v->zrec[i].type, "PTR"))
			return PTR_OK;   /* no live lookup, but the zone file has one */
	return PTR_UNCHECKED;
}

static const struct name_fwd *fwd_for(const struct name_ent *e, const struct ipd_ip *ip)
{
	return ipd_ip_is_v4(ip) ? &e->a : &e->aaaa;
}

static bool ip_is_ordinary(const struct ipd_ip *ip)
{
	return !ipd_ip_is_link_local(ip) && !ipd_ip_is_multicast(ip) && !ipd_ip_is_unspecified(ip);
}

/* Live observations: seen within the stale window. */
static bool obs_live(const struct db_aud_obs *o, const struct audit_ctx *c)
{
	return o->last_seen >= c->now - c->stale_secs;
}

/* ------------------------------------------------------------ address rules */

struct macspan {
	struct ipd_mac mac;
	const char *text;
	int64_t first, last;
	int vlan;
	bool la, fhrp;
};

static void r_ip_conflict(const struct host_view *v, const struct audit_ctx *c,
			  struct rule_emit *em)
{
	for (size_t i = 0; i < v->nalloc; i++)
		if (status_is(v->alloc[i].role, FHRP_ROLES))
			return;           /* a shared address by design */
	int64_t since = c->now - c->conflict_secs;
	struct macspan ms[16];
	size_t n = 0;
	for (size_t i = 0; i < v->nobs && n < 16; i++) {
		const struct db_aud_obs *o = &v->obs[i];
		struct ipd_mac m;
		if (o->last_seen < since || !mac_of(o->mac, &m) || ipd_mac_fhrp(&m))
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (ipd_mac_eq(&ms[k].mac, &m) && ms[k].vlan == o->vlan)
				break;
		if (k == n)
			ms[n++] = (struct macspan){ m, o->mac, o->first_seen, o->last_seen, o->vlan,
						    ipd_mac_is_random(&m), false };
		if (o->first_seen < ms[k].first)
			ms[k].first = o->first_seen;
		if (o->last_seen > ms[k].last)
			ms[k].last = o->last_seen;
	}
	/* Two MACs at once on one VLAN: their sightings overlap in time. One after
	 * the other is a MAC change (or a randomised MAC rotating), not a conflict;
	 * the same address on two VLANs is two networks. */
	bool overlap = false;
	for (size_t a = 0; a < n && !overlap; a++)
		for (size_t b = a + 1; b < n; b++)
			if (ms[a].vlan == ms[b].vlan && !ipd_mac_eq(&ms[a].mac, &ms[b].mac) &&
			    ms[a].first <= ms[b].last && ms[b].first <= ms[a].last) {
				overlap = true;
				break;
			}
	bool evented = false;
	for (size_t i = 0; i < v->nev; i++) {
		const struct db_aud_event *e = &v->ev[i];
		if (e->at < since)
			continue;
		bool conflict = streq_ci(e->kind, "ip conflict") || streq_ci(e->kind, "dad conflict");
		bool flip = streq_ci(e->kind, "flip flop");
		if (!conflict && !flip)
			continue;
		struct ipd_mac m1, m2;
		bool h1 = mac_of(e->mac, &m1), h2 = mac_of(e->other_mac, &m2);
		if ((h1 && ipd_mac_fhrp(&m1)) || (h2 && ipd_mac_fhrp(&m2)))
			continue;
		if (flip && ((h1 && ipd_mac_is_random(&m1)) || (h2 && ipd_mac_is_random(&m2))))
			continue; /* a randomised MAC coming back is not a second device */
		evented = true;
		evb_event(&em->ev, e, v->ip_text);
	}
	if (!overlap && !evented) {
		emit_discard(em);
		return;
	}
	struct sbuf macs = SBUF_INIT;
	size_t nm = 0;
	for (size_t k = 0; k < n; k++) {
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup |= ipd_mac_eq(&ms[j].mac, &ms[k].mac);
		if (!dup)
			sbuf_printf(&macs, "%s%s", nm++ ? ", " : "", ms[k].text);
	}
	for (size_t i = 0; i < v->nobs; i++)
		if (v->obs[i].last_seen >= since)
			evb_obs(&em->ev, &v->obs[i], v->ip_text);
	add_records(em, v, c);
	evb_detail_str(&em->ev, "macs", sbuf_str(&macs));
	evb_detail_bool(&em->ev, "overlapping_sightings", overlap);
	evb_detail_int(&em->ev, "window_seconds", c->conflict_secs);
	emit(em, SUBJ_IP, v->ip_text, "%zu MACs claim %s: %s", nm, v->ip_text,
	     nm ? sbuf_str(&macs) : "(see events)");
	sbuf_free(&macs);
}

static const char *first_live_mac(const struct host_view *v, const struct audit_ctx *c)
{
	for (size_t i = 0; i < v->nobs; i++)
		if (obs_live(&v->obs[i], c))
			return v->obs[i].mac;
	return NULL;
}

static bool in_lease_less_pool(const struct host_view *v, const struct audit_ctx *c)
{
	return v->pool >= 0 && c->leases_known && !v->leased && !v->allocated;
}

static void r_rogue_host(const struct host_view *v, const struct audit_ctx *c,
			 struct rule_emit *em)
{
	if (!v->live || v->allocated || v->leased || v->subnet < 0 || !ip_is_ordinary(&v->ip))
		return;
	if (in_lease_less_pool(v, c))
		return; /* static-in-pool says it more precisely */
	if (!ipd_ip_is_v4(&v->ip) && c->known_macs) {
		/* SLAAC / privacy addresses of a recorded host are not rogue */
		for (size_t i = 0; i < v->nobs; i++) {
			struct ipd_mac m;
			if (obs_live(&v->obs[i], c) && mac_of(v->obs[i].mac, &m) &&
			    macset_has(c->known_macs, &m))
				return;
		}
	}
	const char *mac = first_live_mac(v, c);
	add_all_obs(em, v);
	add_records(em, v, c);
	add_ptr_dns(em, v);
	enrich_mac(em, c, mac);
	enrich_ip(em, c, &v->ip);
	const char *ptr = NULL;
	for (size_t i = 0; i < v->nans; i++)
		if (streq_ci(v->ans[i].qtype, "PTR") && dns_classify(v->ans[i].status) == DNS_OK)
			ptr = v->ans[i].name;
	char h[256];
	fixb_ipam(&em->fx, &(struct fix_ipam){
		.op = "register", .ip = v->ip_text, .mac = mac,
		.hostname = ptr ? dns_norm(ptr, h, sizeof h) : NULL, .status = "active",
		.description = "registered from ipdrift rogue-host finding",
		.vrf = c->subnets[v->subnet].vrf });
	emit(em, SUBJ_IP, v->ip_text, "%s (%s) is on the wire but has no allocation or active lease",
	     v->ip_text, mac ? mac : "?");
}

static void r_mac_mismatch(const struct host_view *v, const struct audit_ctx *c,
			   struct rule_emit *em)
{
	if (!v->live)
		return;
	/* the recorded MACs: allocations, then active leases */
	struct ipd_mac rec[8];
	const char *rec_text[8];
	size_t nrec = 0;
	const struct db_aud_alloc *ra = NULL; /* the allocation a set-mac fix updates */
	for (size_t i = 0; i < v->nalloc; i++)
		if (!ra && !streq_ci(v->alloc[i].status, "deprecated"))
			ra = &v->alloc[i];
	for (size_t i = 0; i < v->nalloc && nrec < 8; i++)
		if (!streq_ci(v->alloc[i].status, "deprecated") && mac_of(v->alloc[i].mac, &rec[nrec])) {
			if (nrec == 0)
				ra = &v->alloc[i];
			rec_text[nrec++] = v->alloc[i].mac;
		}
	for (size_t i = 0; i < v->nlease && nrec < 8; i++)
		if (v->lease[i].active && mac_of(v->lease[i].mac, &rec[nrec]))
			rec_text[nrec++] = v->lease[i].mac;
	if (nrec == 0)
		return;
	bool recorded_seen = false;
	const char *other = NULL;
	size_t nother = 0;
	for (size_t i = 0; i < v->nobs; i++) {
		struct ipd_mac m;
		if (!obs_live(&v->obs[i], c) || !mac_of(v->obs[i].mac, &m) || ipd_mac_fhrp(&m))
			continue;
		bool match = false;
		for (size_t k = 0; k < nrec; k++)
			if (ipd_mac_eq(&m, &rec[k]))
				match = true;
		if (match) {
			recorded_seen = true;
		} else if (!ipd_mac_is_random(&m)) {
			/* randomised MACs are the same device under a new name:
			 * tracked, never reported as a MAC change */
			if (!other || strcmp(other, v->obs[i].mac) != 0)
				nother++;
			other = v->obs[i].mac;
		}
	}
	if (recorded_seen || !other)
		return;
	add_all_obs(em, v);
	add_records(em, v, c);
	enrich_mac(em, c, other);
	evb_detail_str(&em->ev, "recorded_mac", rec_text[0]);
	evb_detail_str(&em->ev, "seen_mac", other);
	if (nother == 1)
		fixb_ipam(&em->fx, &(struct fix_ipam){
			.op = "set-mac", .ip = v->ip_text, .mac = other, .hostname = alloc_hostname(v),
			.source = ra ? ra->source : NULL, .vrf = ra ? ra->vrf : NULL });
	emit(em, SUBJ_IP, v->ip_text, "%s: seen with %s, recorded with %s", v->ip_text, other,
	     rec_text[0]);
}

static bool allowed(const struct audit_ctx *c, const char *kind, const struct ipd_ip *ip,
		    const char *mac)
{
	for (size_t i = 0; i < c->nallow; i++) {
		const struct jv_allow *a = &c->allow[i];
		if (strcmp(a->kind, kind) != 0)
			continue;
		if (a->has_ip && ip && ipd_ip_eq(&a->ip, ip))
			return true;
		if (a->mac[0] && mac && strcasecmp(a->mac, mac) == 0)
			return true;
	}
	return false;
}

static void rogue_server(const struct host_view *v, const struct audit_ctx *c,
			 struct rule_emit *em, const char *evkind, const char *allowkind,
			 const char *what)
{
	const char *mac = NULL;
	size_t n = 0;
	for (size_t i = 0; i < v->nev; i++) {
		const struct db_aud_event *e = &v->ev[i];
		if (!streq_ci(e->kind, evkind) || allowed(c, allowkind, &v->ip, e->mac))
			continue;
		evb_event(&em->ev, e, v->ip_text);
		mac = e->mac;
		n++;
	}
	if (!n)
		return;
	add_all_obs(em, v);
	add_records(em, v, c);
	enrich_mac(em, c, mac);
	size_t nallow = 0;
	for (size_t i = 0; i < c->nallow; i++)
		if (strcmp(c->allow[i].kind, allowkind) == 0)
			nallow++;
	evb_detail_int(&em->ev, "allowlist_entries", (int64_t)nallow);
	emit(em, SUBJ_IP, v->ip_text, "%s %s (%s) is not on the %s allowlist%s", what, v->ip_text,
	     mac ? mac : "?", allowkind, nallow ? "" : " (the allowlist is empty)");
}

static void r_rogue_dhcp(const struct host_view *v, const struct audit_ctx *c, struct rule_emit *em)
{
	rogue_server(v, c, em, "dhcp server", "dhcp-server", "DHCP server");
}

static void r_rogue_router(const struct host_view *v, const struct audit_ctx *c,
			   struct rule_emit *em)
{
	rogue_server(v, c, em, "router advertisement", "router", "IPv6 router");
}

static bool covered(const struct host_view *v, const struct audit_ctx *c)
{
	return v->covered >= (c->stale_sweeps > 0 ? c->stale_sweeps : 1);
}

static void r_stale_allocation(const struct host_view *v, const struct audit_ctx *c,
			       struct rule_emit *em)
{
	static const char *const skip[] = { "deprecated", "reserved", "dhcp", "slaac", NULL };
	if (v->live || !covered(v, c))
		return;
	const struct db_aud_alloc *a = NULL;
	for (size_t i = 0; i < v->nalloc && !a; i++)
		if (!status_is(v->alloc[i].status, skip) && !streq_ci(v->alloc[i].role, "anycast"))
			a = &v->alloc[i];
	if (!a)
		return;
	add_records(em, v, c);
	add_all_obs(em, v);
	evb_detail_int(&em->ev, "last_seen", v->last_seen);
	evb_detail_int(&em->ev, "covering_sweeps", v->covered);
	evb_detail_int(&em->ev, "last_covered", v->last_covered);
	evb_detail_int(&em->ev, "stale_days", c->stale_secs / 86400);
	fixb_ipam(&em->fx, &(struct fix_ipam){
		.op = "deprecate", .ip = v->ip_text, .mac = a->mac, .hostname = a->hostname,
		.status = "deprecated", .description = "not seen by ipdrift sweeps that covered it",
		.source = a->source, .vrf = a->vrf });
	if (v->last_seen)
		emit(em, SUBJ_IP, v->ip_text,
		     "%s (%s) is allocated but not seen for %lld days though %d sweep(s) covered it",
		     v->ip_text, a->hostname ? a->hostname : "no name",
		     (long long)((c->now - v->last_seen) / 86400), v->covered);
	else
		emit(em, SUBJ_IP, v->ip_text,
		     "%s (%s) is allocated but never seen though %d sweep(s) covered it", v->ip_text,
		     a->hostname ? a->hostname : "no name", v->covered);
}

static void r_static_in_pool(const struct host_view *v, const struct audit_ctx *c,
			     struct rule_emit *em)
{
	static const char *const dyn[] = { "dhcp", "deprecated", "slaac", NULL };
	if (v->pool < 0)
		return;
	const struct jv_range *p = &c->ranges[v->pool];
	const struct db_aud_alloc *a = NULL;
	for (size_t i = 0; i < v->nalloc && !a; i++)
		if (!status_is(v->alloc[i].status, dyn) && !streq_ci(v->alloc[i].role, "dhcp"))
			a = &v->alloc[i];
	bool leaseless = v->live && in_lease_less_pool(v, c);
	if (!a && !leaseless)
		return;
	add_records(em, v, c);
	evb_record(&em->ev, "range", p->source, p->line, p->lo_text, NULL, NULL, p->kind);
	add_all_obs(em, v);
	char pool[2 * IPD_IP_STRLEN + 2];
	snprintf(pool, sizeof pool, "%s-%s", p->lo_text, p->hi_text);
	evb_detail_str(&em->ev, "pool", pool);
	if (a)
		emit(em, SUBJ_IP, v->ip_text, "%s is allocated statically (%s) inside DHCP pool %s",
		     v->ip_text, a->status ? a->status : "no status", pool);
	else
		emit(em, SUBJ_IP, v->ip_text, "%s is live inside DHCP pool %s without a lease",
		     v->ip_text, pool);
}

static void r_missing_ptr(const struct host_view *v, const struct audit_ctx *c,
			  struct rule_emit *em)
{
	char rev[IPD_REVNAME_LEN];
	if (!v->live || !v->allocated || ptr_state(v) != PTR_NEG)
		return;
	const char *h = alloc_hostname(v);
	add_records(em, v, c);
	add_ptr_dns(em, v);
	add_all_obs(em, v);
	char buf[260];
	if (h && strchr(h, '.'))
		fixb_dns(&em->fx, "add", NULL, revname(v, rev), "PTR", fqdn(h, buf, sizeof buf), NULL);
	emit(em, SUBJ_IP, v->ip_text, "%s (%s) is live and allocated but has no PTR record",
	     v->ip_text, h ? h : "no name");
}

static void r_missing_forward(const struct host_view *v, const struct audit_ctx *c,
			      struct rule_emit *em)
{
	const char *h = alloc_hostname(v);
	const struct name_ent *e = v->host_ent;
	if (!h || !e || !c->names)
		return;           /* no name, or never looked up: nothing to say */
	const struct name_fwd *f = fwd_for(e, &v->ip);
	const char *qt = ipd_ip_is_v4(&v->ip) ? "A" : "AAAA";
	if (f->cls == DNS_NONE || f->cls == DNS_FAIL)
		return;           /* unchecked / inconclusive (dns-lookup-failed) */
	if (f->cls == DNS_OK && names_has_ip(c->names, f, &v->ip))
		return;
	add_records(em, v, c);
	add_name_dns(em, c, e, f, qt);
	char buf[260];
	/* the name may hold other addresses: the add is guarded by that set */
	struct rrs cur = { 0 };
	rrs_fwd(&cur, c, f);
	fix_rr(em, "add", fqdn(h, buf, sizeof buf), qt, v->ip_text, NULL, &cur);
	rrs_free(&cur);
	if (f->cls == DNS_OK)
		emit(em, SUBJ_IP, v->ip_text, "%s has no %s record for %s (it points elsewhere)", h,
		     qt, v->ip_text);
	else
		emit(em, SUBJ_IP, v->ip_text, "%s has no %s record for %s (%s)", h, qt, v->ip_text,
		     names_status(f));
}

static void r_fwd_rev_mismatch(const struct host_view *v, const struct audit_ctx *c,
			       struct rule_emit *em)
{
	if (!c->names)
		return;
	const char *qt = ipd_ip_is_v4(&v->ip) ? "A" : "AAAA";
	const char *h = alloc_hostname(v);
	const char *bad = NULL;
	const struct name_ent *hbad = NULL; /* the IPAM name, when it is a bad PTR */
	bool right = false;                 /* a PTR names the IPAM host */
	struct rrs stray = { 0 };           /* bad PTRs other than the IPAM name */
	char buf[260];
	for (size_t i = 0; i < v->nans; i++) {
		const struct db_aud_answer *a = &v->ans[i];
		if (!streq_ci(a->qtype, "PTR") || dns_classify(a->status) != DNS_OK || !a->name)
			continue;
		bool is_h = h && host_matches(h, a->name);
		right |= is_h;
		/* usually the PTR is the IPAM name, already looked up for the view */
		char pn[256];
		dns_norm(a->name, pn, sizeof pn);
		const struct name_ent *e = v->host_ent && strcmp(v->host_ent->name, pn) == 0
						   ? v->host_ent : names_get(c->names, pn);
		if (!e)
			continue;
		const struct name_fwd *f = fwd_for(e, &v->ip);
		if (f->cls == DNS_NONE || f->cls == DNS_FAIL)
			continue;
		if (f->cls == DNS_OK && names_has_ip(c->names, f, &v->ip))
			continue;
		evb_answer(&em->ev, a, a->name);
		add_name_dns(em, c, e, f, qt);
		bad = a->name;
		if (is_h)
			hbad = e;
		else
			rrs_add(&stray, fqdn(a->name, buf, sizeof buf));
	}
	if (!bad) {
		emit_discard(em);
		rrs_free(&stray);
		return;
	}
	add_records(em, v, c);
	if (hbad && strchr(h, '.')) {
		/* the IPAM name is the PTR: its forward record is what is missing */
		struct rrs cur = { 0 };
		rrs_fwd(&cur, c, fwd_for(hbad, &v->ip));
		fix_rr(em, "add", fqdn(h, buf, sizeof buf), qt, v->ip_text, NULL, &cur);
		rrs_free(&cur);
	}
	if (right && stray.n) {
		/* a PTR names the IPAM host: the others that do not resolve back
		 * are stray; each goes, the right one stays (guard: the whole set) */
		char rev[IPD_REVNAME_LEN];
		struct rrs set = { 0 };
		rrs_ptr(&set, v);
		for (size_t i = 0; i < stray.n; i++)
			fix_rr(em, "delete", revname(v, rev), "PTR", stray.v[i], stray.v[i], &set);
		rrs_free(&set);
	}
	rrs_free(&stray);
	char n[256];
	emit(em, SUBJ_IP, v->ip_text, "PTR of %s names %s, which does not resolve back to it",
	     v->ip_text, dns_norm(bad, n, sizeof n));
}

static void r_name_mismatch(const struct host_view *v, const struct audit_ctx *c,
			    struct rule_emit *em)
{
	char rev[IPD_REVNAME_LEN];
	const char *h = alloc_hostname(v);
	if (!h)
		return;
	const char *ptr = NULL;
	for (size_t i = 0; i < v->nans; i++) {
		const struct db_aud_answer *a = &v->ans[i];
		if (!streq_ci(a->qtype, "PTR") || dns_classify(a->status) != DNS_OK || !a->name)
			continue;
		if (host_matches(h, a->name))
			return;   /* one of the PTRs is the IPAM name */
		ptr = a->name;
	}
	if (!ptr)
		return;
	add_records(em, v, c);
	add_ptr_dns(em, v);
	char buf[260], old[260];
	if (strchr(h, '.')) {
		/* the PTR set becomes the IPAM name: one record replaced, every
		 * other name of the set (none is the IPAM name) deleted, all in
		 * one message guarded by the whole set as seen */
		struct rrs set = { 0 };
		rrs_ptr(&set, v);
		fqdn(ptr, old, sizeof old);
		fix_rr(em, "replace", revname(v, rev), "PTR", fqdn(h, buf, sizeof buf), old, &set);
		for (size_t i = 0; i < set.n; i++)
			if (strcmp(set.v[i], old) != 0)
				fix_rr(em, "delete", rev, "PTR", set.v[i], set.v[i], &set);
		rrs_free(&set);
	}
	char n[256];
	emit(em, SUBJ_IP, v->ip_text, "IPAM names %s \"%s\" but its PTR says %s", v->ip_text, h,
	     dns_norm(ptr, n, sizeof n));
}

static void r_stale_dns(const struct host_view *v, const struct audit_ctx *c, struct rule_emit *em)
{
	char rev[IPD_REVNAME_LEN];
	if (v->allocated || v->leased || v->live || !covered(v, c))
		return;
	size_t n = 0;
	char buf[260];
	struct rrs ptrs = { 0 };
	rrs_ptr(&ptrs, v);
	for (size_t i = 0; i < v->nans; i++) {
		const struct db_aud_answer *a = &v->ans[i];
		if (dns_classify(a->status) != DNS_OK)
			continue;
		if (streq_ci(a->qtype, "PTR")) {
			if (!a->name)
				continue;
			evb_answer(&em->ev, a, a->name);
			fqdn(a->name, buf, sizeof buf);
			fix_rr(em, "delete", revname(v, rev), "PTR", buf, buf, &ptrs);
		} else {
			evb_answer(&em->ev, a, v->ip_text);
			/* the name's whole set guards it (round robin: the
			 * other addresses stay) */
			struct rrs set = { 0 };
			const struct name_ent *e = c->names ? names_get(c->names, a->qname) : NULL;
			if (e)
				rrs_fwd(&set, c, streq_ci(a->qtype, "AAAA") ? &e->aaaa : &e->a);
			rrs_add(&set, v->ip_text);
			fix_rr(em, "delete", fqdn(a->qname, buf, sizeof buf), a->qtype, v->ip_text,
			       v->ip_text, &set);
			rrs_free(&set);
		}
		n++;
	}
	rrs_free(&ptrs);
	for (size_t i = 0; i < v->nzrec; i++) {
		evb_zone(&em->ev, &v->zrec[i], v->ip_text);
		n++;
	}
	if (!n) {
		emit_discard(em);
		return;
	}
	add_records(em, v, c);
	add_all_obs(em, v);
	evb_detail_int(&em->ev, "covering_sweeps", v->covered);
	evb_detail_int(&em->ev, "last_seen", v->last_seen);
	emit(em, SUBJ_IP, v->ip_text,
	     "%zu DNS record(s) point at %s, which is neither allocated, leased nor seen", n,
	     v->ip_text);
}

static void r_dns_failed_addr(const struct host_view *v, const struct audit_ctx *c,
			      struct rule_emit *em)
{
	(void)c;
	if (ptr_state(v) != PTR_FAIL)
		return;
	const char *why = NULL;
	for (size_t i = 0; i < v->nans; i++)
		if (streq_ci(v->ans[i].qtype, "PTR") && dns_classify(v->ans[i].status) == DNS_FAIL) {
			evb_answer(&em->ev, &v->ans[i], NULL);
			why = v->ans[i].status;
		}
	emit(em, SUBJ_IP, v->ip_text, "PTR lookup for %s failed (%s): reverse DNS checks are inconclusive",
	     v->ip_text, why ? why : "?");
}

/* Attacks on whoever reads the name (terminal escapes, Trojan Source, CSV
 * formulas, mojibake); spaces and apostrophes ("John's iPhone") are common
 * in real device names and only matter to tools, which escape or refuse. */
#define HOSTILE (HOSTNAME_CONTROL | HOSTNAME_BAD_UTF8 | HOSTNAME_BIDI | HOSTNAME_FORMULA)

static void r_hostile_name(const struct host_view *v, const struct audit_ctx *c,
			   struct rule_emit *em)
{
	unsigned flags = 0;
	const char *where = NULL;
	for (size_t i = 0; i < v->nans; i++) {
		const struct db_aud_answer *a = &v->ans[i];
		if (a->name_flags & HOSTILE) {
			evb_answer(&em->ev, a, a->name);
			flags |= a->name_flags & HOSTILE;
			where = "PTR";
		}
	}
	for (size_t i = 0; i < v->nalloc; i++)
		if (v->alloc[i].hostname_flags & HOSTILE) {
			evb_alloc(&em->ev, &v->alloc[i], v->ip_text);
			flags |= v->alloc[i].hostname_flags & HOSTILE;
			where = where ? where : "IPAM";
		}
	for (size_t i = 0; i < v->nlease; i++) {
		unsigned f = hostname_check_str(v->lease[i].hostname ? v->lease[i].hostname : "x");
		if (f & HOSTILE) {
			evb_lease(&em->ev, &v->lease[i], v->ip_text);
			flags |= f & HOSTILE;
			where = where ? where : "DHCP lease";
		}
	}
	if (!flags)
		return;
	(void)c;
	char fl[HOSTNAME_FLAGS_STRLEN];
	hostname_flags_str(flags, fl, sizeof fl);
	evb_detail_str(&em->ev, "flags", fl);
	emit(em, SUBJ_IP, v->ip_text, "a %s name of %s carries %s characters (never echoed unescaped)",
	     where, v->ip_text, fl);
}

/* ------------------------------------------------------------ name rules */

static bool own_asn(const struct audit_ctx *c, uint32_t asn)
{
	for (size_t i = 0; i < c->nown_asn; i++)
		if (c->own_asn[i] == asn)
			return true;
	return false;
}

static void r_dangling_dns(const struct name_ent *e, const struct audit_ctx *c,
			   struct rule_emit *em)
{
	const struct name_fwd *fs[2] = { &e->a, &e->aaaa };
	const char *qt[2] = { "A", "AAAA" };
	size_t n = 0;
	const char *org = NULL;
	char orgbuf[160] = "";
	char first[IPD_IP_STRLEN] = "";
	char buf[260];
	for (int k = 0; k < 2; k++) {
		if (fs[k]->cls != DNS_OK)
			continue;
		struct ipd_ip buf16[16], *ips;
		size_t m = fwd_ips(c, fs[k], buf16, 16, &ips);
		struct rrs set = { 0 };   /* the guard: the whole set, own addresses too */
		for (size_t i = 0; i < m; i++) {
			if (ctx_is_own(c, &ips[i]) || !ip_is_public(&ips[i]))
				continue;
			struct geo_info g;
			bool known = c->geo && geo_lookup(c->geo, &ips[i], &g);
			if (known && g.has_asn && own_asn(c, g.asn))
				continue;
			char t[IPD_IP_STRLEN];
			ipd_ip_fmt(&ips[i], t, sizeof t);
			struct db_aud_answer a = { .run_id = fs[k]->run_id, .ttl = fs[k]->ttl,
						   .at = fs[k]->at, .qname = e->name, .qtype = qt[k],
						   .status = "ok" };
			evb_answer(&em->ev, &a, t);
			if (!set.n)
				rrs_fwd(&set, c, fs[k]);
			fix_rr(em, "delete", fqdn(e->name, buf, sizeof buf), qt[k], t, t, &set);
			if (!n++) {
				snprintf(first, sizeof first, "%s", t);
				evb_detail_str(&em->ev, "ip", t);
				if (known && g.has_asn) {
					evb_detail_int(&em->ev, "asn", g.asn);
					evb_detail_str(&em->ev, "as_org", g.as_org);
					snprintf(orgbuf, sizeof orgbuf, "AS%u %s", g.asn, g.as_org);
					org = orgbuf;
				}
				if (known && g.has_country)
					evb_detail_str(&em->ev, "country", g.country);
			}
		}
		rrs_free(&set);
		if (ips != buf16)
			free(ips);
	}
	if (!n) {
		emit_discard(em);
		return;
	}
	evb_detail_int(&em->ev, "addresses", (int64_t)n);
	emit(em, SUBJ_NAME, e->name, "%s points at %s outside the organisation's prefixes%s%s%s",
	     e->name, first, org ? " (" : " (ASN unknown", org ? org : "", ")");
}

static void r_dns_failed_name(const struct name_ent *e, const struct audit_ctx *c,
			      struct rule_emit *em)
{
	const struct name_fwd *fs[2] = { &e->a, &e->aaaa };
	const char *qt[2] = { "A", "AAAA" };
	const char *why = NULL;
	for (int k = 0; k < 2; k++)
		if (fs[k]->cls == DNS_FAIL) {
			add_name_dns(em, c, e, fs[k], qt[k]);
			why = names_status(fs[k]);
		}
	if (!why)
		return;
	emit(em, SUBJ_NAME, e->name, "lookup of %s failed (%s): forward DNS checks are inconclusive",
	     e->name, why);
}

/* ------------------------------------------------------------ MAC rules */

static bool is_global_v6(const struct ipd_ip *ip)
{
	return !ipd_ip_is_v4(ip) && !ipd_ip_is_link_local(ip) && (ip->b[0] & 0xfe) != 0xfc &&
	       !ipd_ip_is_multicast(ip);
}

static void mac_obs_evidence(struct rule_emit *em, const struct mac_view *v)
{
	for (size_t i = 0; i < v->naddr; i++) {
		char t[IPD_IP_STRLEN];
		struct db_aud_obs o = { .ip = v->addr[i].ip, .vlan = v->addr[i].vlan,
					.first_seen = v->addr[i].first_seen,
					.last_seen = v->addr[i].last_seen, .count = v->addr[i].count };
		snprintf(o.mac, sizeof o.mac, "%s", v->mac_text);
		evb_obs(&em->ev, &o, ipd_ip_fmt(&v->addr[i].ip, t, sizeof t));
	}
}

static void r_dual_stack_gap(const struct mac_view *v, const struct audit_ctx *c,
			     struct rule_emit *em)
{
	const struct mac_addr *v4 = NULL, *v6 = NULL;
	const struct name_ent *name = NULL;
	for (size_t i = 0; i < v->naddr; i++) {
		const struct mac_addr *a = &v->addr[i];
		if (ipd_ip_is_v4(&a->ip) && !ipd_ip_is_link_local(&a->ip))
			v4 = v4 ? v4 : a;
		else if (is_global_v6(&a->ip))
			v6 = v6 ? v6 : a;
		if (a->name && !name)
			name = a->name;
	}
	if (!v4 || !v6 || !name || ipd_mac_fhrp(&v->mac))
		return;
	bool only_a = name->a.cls == DNS_OK && name->aaaa.cls == DNS_NEG;
	bool only_aaaa = name->aaaa.cls == DNS_OK && name->a.cls == DNS_NEG;
	if (!only_a && !only_aaaa)
		return;    /* both, unchecked, or a failed lookup: nothing honest to say */
	mac_obs_evidence(em, v);
	add_name_dns(em, c, name, &name->a, "A");
	add_name_dns(em, c, name, &name->aaaa, "AAAA");
	evb_detail_str(&em->ev, "mac", v->mac_text);
	char t[IPD_IP_STRLEN], buf[260];
	const struct mac_addr *miss = only_a ? v6 : v4;
	ipd_ip_fmt(&miss->ip, t, sizeof t);
	fixb_dns(&em->fx, "add", NULL, fqdn(name->name, buf, sizeof buf), only_a ? "AAAA" : "A", t,
		 NULL);
	emit(em, SUBJ_NAME, name->name, "%s (%s) is live on IPv4 and IPv6 but the name has only %s",
	     name->name, v->mac_text, only_a ? "A" : "AAAA");
}

static void r_random_mac(const struct mac_view *v, const struct audit_ctx *c, struct rule_emit *em)
{
	(void)c;
	if (!ipd_mac_is_random(&v->mac))
		return;
	mac_obs_evidence(em, v);
	evb_detail_str(&em->ev, "vendor", OUI_LA_VENDOR);
	emit(em, SUBJ_MAC, v->mac_text,
	     "%s is a locally administered (randomised) MAC on %zu address(es); tracked by IP+MAC",
	     v->mac_text, v->naddr);
}

static void r_unknown_vendor(const struct mac_view *v, const struct audit_ctx *c,
			     struct rule_emit *em)
{
	if (!c->oui || ipd_mac_is_local(&v->mac) || ipd_mac_is_multicast(&v->mac) ||
	    ipd_mac_fhrp(&v->mac))
		return;
	if (oui_load(c->oui) == 0)
		return;    /* no registry: cannot tell */
	struct oui_result r;
	oui_lookup(c->oui, &v->mac, &r);
	if (r.match != OUI_UNKNOWN)
		return;
	mac_obs_evidence(em, v);
	emit(em, SUBJ_MAC, v->mac_text, "%s: OUI %.8s is not in the IEEE registry", v->mac_text,
	     v->mac_text);
}

/* ------------------------------------------------------------ subnet rules */

static void r_subnet_exhaustion(const struct jv_subnet *s, const struct audit_ctx *c,
				struct rule_emit *em)
{
	if (s->container || s->is_pool)
		return;
	uint64_t size = ipd_prefix_size(&s->pfx);
	if (size == 0 || size > (1ull << 32))
		return;                      /* IPv6 /64s do not run out */
	int maxlen = ipd_prefix_maxlen(&s->pfx);
	uint64_t usable = size;
	if (maxlen == 32 && s->pfx.len <= 30)
		usable -= 2;                 /* network and broadcast */
	double pct = 100.0 * (double)s->n_used / (double)usable;
	double thr = s->threshold >= 0 ? s->threshold : c->exhaustion_pct;
	if (pct < thr)
		return;
	evb_record(&em->ev, "subnet", s->source, s->line, s->cidr, NULL, NULL, s->status);
	evb_detail_int(&em->ev, "usable", (int64_t)usable);
	evb_detail_int(&em->ev, "used", s->n_used);
	evb_detail_int(&em->ev, "allocated", s->n_alloc);
	evb_detail_int(&em->ev, "leased", s->n_lease);
	evb_detail_int(&em->ev, "seen", s->n_seen);
	evb_detail_num(&em->ev, "used_pct", pct);
	evb_detail_num(&em->ev, "threshold_pct", thr);
	emit(em, SUBJ_SUBNET, s->cidr, "%s is %.1f%% used (%lld of %llu; threshold %.0f%%)", s->cidr,
	     pct, (long long)s->n_used, (unsigned long long)usable, thr);
}

static void r_unmanaged_subnet(const struct unmanaged_view *u, const struct audit_ctx *c,
			       struct rule_emit *em)
{
	for (size_t i = 0; i < u->nobs; i++) {
		char t[IPD_IP_STRLEN];
		evb_obs(&em->ev, &u->obs[i], ipd_ip_fmt(&u->obs[i].ip, t, sizeof t));
	}
	evb_detail_int(&em->ev, "addresses", (int64_t)u->naddr);
	if (u->nobs)
		enrich_ip(em, c, &u->obs[0].ip);
	emit(em, SUBJ_SUBNET, u->cidr, "%zu live address(es) in %s, which is in no recorded subnet",
	     u->naddr, u->cidr);
}

/* ------------------------------------------------------------ the table */

const struct rule rule_table[] = {
	{ "ip-conflict", SEV_HIGH, SUBJ_IP,
	  "two or more MACs claim one IP at the same time inside the conflict window: overlapping "
	  "sightings on one VLAN, an \"ip conflict\" (several ARP replies), \"dad conflict\" or \"flip flop\" event. "
	  "FHRP virtual MACs, IPAM roles vrrp/hsrp/carp/glbp/anycast/vip and flip-flops of "
	  "randomised MACs never count",
	  "two devices answering for one address break both and are a classic ARP-spoofing sign",
	  "find both MACs (evidence: iface, VLAN), re-address one or record the address as shared",
	  .addr = r_ip_conflict },
	{ "rogue-host", SEV_HIGH, SUBJ_IP,
	  "seen live in a recorded subnet; no allocation (other than deprecated) and no active "
	  "lease. IPv6 addresses of a MAC the IPAM knows (SLAAC) and lease-less hosts in DHCP "
	  "pools (static-in-pool) are excluded",
	  "an unregistered device is either unmanaged or an intruder",
	  "identify it (vendor, VLAN, iface); register it (fix: ipam register) or remove it",
	  .addr = r_rogue_host },
	{ "unmanaged-subnet", SEV_HIGH, SUBJ_SUBNET,
	  "live addresses outside every recorded subnet, grouped per /24 (IPv4) or /64 (IPv6); "
	  "link-local addresses are ignored",
	  "a network nobody recorded is a network nobody manages or monitors",
	  "record the subnet in the IPAM, or find out who configured it",
	  .unmanaged = r_unmanaged_subnet },
	{ "mac-mismatch", SEV_MEDIUM, SUBJ_IP,
	  "a live address is seen only with MACs other than the one recorded in its allocation or "
	  "active lease; randomised (LA) MACs and FHRP MACs are not reported as a change",
	  "the device was replaced, or someone took over the address",
	  "confirm the hardware change and update the IPAM (fix: ipam set-mac), or investigate",
	  .addr = r_mac_mismatch },
	{ "rogue-dhcp-server", SEV_CRITICAL, SUBJ_IP,
	  "a \"dhcp server\" event (DHCP OFFER/ACK) from an address/MAC not on the dhcp-server "
	  "allowlist",
	  "a rogue DHCP server hands out wrong gateways/DNS: outage or man-in-the-middle",
	  "locate the port (evidence: iface, VLAN, MAC), shut it down; add legitimate servers to "
	  "the allowlist",
	  .addr = r_rogue_dhcp },
	{ "rogue-router", SEV_CRITICAL, SUBJ_IP,
	  "a \"router advertisement\" event from an address/MAC not on the router allowlist",
	  "a rogue IPv6 router can redirect all IPv6 traffic of the segment",
	  "locate and disable it; enable RA guard; allowlist legitimate routers",
	  .addr = r_rogue_router },
	{ "stale-allocation", SEV_LOW, SUBJ_IP,
	  "allocated (not deprecated/reserved/dhcp), not seen within --stale-days although at "
	  "least --stale-sweeps active sweeps covered the address in that window (no coverage, no "
	  "finding)",
	  "stale allocations waste address space and hide which records are true",
	  "check the host is gone, then deprecate the allocation (fix: ipam deprecate)",
	  .addr = r_stale_allocation },
	{ "static-in-pool", SEV_MEDIUM, SUBJ_IP,
	  "a static allocation (status other than dhcp) inside a DHCP pool, or a live address in a "
	  "pool with no allocation and no lease (only when lease data was imported)",
	  "the DHCP server may hand the same address to another client: a future conflict",
	  "move the host out of the pool, or exclude the address from the pool",
	  .addr = r_static_in_pool },
	{ "subnet-exhaustion", SEV_MEDIUM, SUBJ_SUBNET,
	  "used share (allocated ∪ active leases ∪ seen within the stale window) at or above the "
	  "subnet's threshold (subnets.threshold, default --exhaustion 90%); IPv4 and small IPv6 "
	  "subnets only",
	  "a full subnet means failed DHCP and no room for new hosts",
	  "reclaim stale allocations or grow/split the subnet",
	  .subnet = r_subnet_exhaustion },
	{ "missing-ptr", SEV_LOW, SUBJ_IP,
	  "a live, allocated address whose PTR lookup answered NXDOMAIN/NODATA (never on a failed "
	  "lookup, never without a lookup)",
	  "logs, mail and tools that reverse-resolve show bare addresses",
	  "add the PTR (fix: dns add PTR with the IPAM hostname)",
	  .addr = r_missing_ptr },
	{ "missing-forward", SEV_LOW, SUBJ_IP,
	  "the allocation's hostname was looked up (A for IPv4, AAAA for IPv6) and the answer "
	  "does not contain the address (NXDOMAIN/NODATA or other addresses)",
	  "the name in the IPAM does not reach the host",
	  "add the record (fix: dns add), or correct the IPAM hostname",
	  .addr = r_missing_forward },
	{ "forward-reverse-mismatch", SEV_MEDIUM, SUBJ_IP,
	  "a PTR names a host whose forward lookup (same family) does not contain the address",
	  "broken forward-confirmed reverse DNS fails FCrDNS checks (mail, SSH, logs lie)",
	  "fix the PTR or the A/AAAA record so they agree (fix: dns add of the forward record when "
	  "the PTR is the IPAM name; dns delete of the other PTRs when one PTR is the IPAM name)",
	  .addr = r_fwd_rev_mismatch },
	{ "name-mismatch", SEV_LOW, SUBJ_IP,
	  "the IPAM hostname differs from every PTR name of the address (a short IPAM name "
	  "matches the PTR's first label)",
	  "two sources of truth disagree about what the host is called",
	  "decide which is right; fix: dns replace: the PTR set becomes the IPAM name",
	  .addr = r_name_mismatch },
	{ "stale-dns", SEV_MEDIUM, SUBJ_IP,
	  "A/AAAA/PTR records (live answers or zone data) for an address that is neither "
	  "allocated, leased nor seen, while sweeps covered it in the stale window",
	  "stale records send traffic to whoever takes the address next",
	  "delete the records (fix: dns delete)",
	  .addr = r_stale_dns },
	{ "dangling-dns", SEV_HIGH, SUBJ_NAME,
	  "an A/AAAA answer points at a public address outside the organisation's prefixes "
	  "(recorded subnets, --own-prefix) and ASNs (--own-asn), named with its ASN "
	  "organisation when --asn-db is given. Documentation ranges (RFC 5737, RFC 3849) count "
	  "as public here, so the lab can stand in for the Internet",
	  "a name pointing at someone else's address (released cloud IP) invites subdomain "
	  "takeover",
	  "delete or update the record (fix: dns delete)",
	  .name = r_dangling_dns },
	{ "dual-stack-gap", SEV_LOW, SUBJ_NAME,
	  "one MAC is live on IPv4 and on a global IPv6 address, but its name has only A (AAAA "
	  "answered NXDOMAIN/NODATA) or only AAAA",
	  "clients of the other family cannot reach the host by name",
	  "add the missing record (fix: dns add)",
	  .mac = r_dual_stack_gap },
	{ "dns-lookup-failed", SEV_LOW, SUBJ_NAME,
	  "the latest lookup of a PTR (subject: the address) or A/AAAA (subject: the name) "
	  "failed with SERVFAIL, REFUSED, timeout or an error; the DNS checks for that subject "
	  "are inconclusive and were not made",
	  "an honest audit does not call a record missing when it could not ask",
	  "fix the resolver/authoritative server and run resolve + audit again",
	  .addr = r_dns_failed_addr, .name = r_dns_failed_name },
	{ "hostile-name", SEV_MEDIUM, SUBJ_IP,
	  "a PTR answer, IPAM hostname or DHCP lease host name of the address holds control "
	  "bytes (terminal escapes), invalid UTF-8, bidi controls (Trojan Source) or starts like "
	  "a spreadsheet formula; spaces and apostrophes alone do not count",
	  "names are attacker-controlled; such a name is an attempt on terminals, spreadsheets, "
	  "HTML reports or fix scripts (ipdrift stores it verbatim and escapes every output)",
	  "find who set the name (evidence: source, server); fix writers refuse such names",
	  .addr = r_hostile_name },
	{ "random-mac", SEV_INFO, SUBJ_MAC,
	  "a live MAC with the locally administered bit set (randomised/private MAC)",
	  "the device identity is not stable: it is tracked by IP+MAC only, and vendor lookups "
	  "mean nothing",
	  "usually none; for managed devices, disable MAC randomisation on this network",
	  .mac = r_random_mac },
	{ "unknown-vendor", SEV_INFO, SUBJ_MAC,
	  "a live, universally administered MAC whose OUI is in none of MA-L/MA-M/MA-S/IAB "
	  "(only when the registry is installed)",
	  "spoofed or unusual hardware; or an outdated ieee-data",
	  "identify the device; run update-ieee-data if the registry is old",
	  .mac = r_unknown_vendor },
};
const size_t rule_count = sizeof rule_table / sizeof rule_table[0];
_Static_assert(sizeof rule_table / sizeof rule_table[0] <= RULES_MAX, "RULES_MAX too small");

int rule_find(const char *id)
{
	for (size_t i = 0; i < rule_count; i++)
		if (strcmp(rule_table[i].id, id) == 0)
			return (int)i;
	return -1;
}

void rules_print(FILE *f, bool md)
{
	if (md) {
		fprintf(f, "| id | severity | subject | trigger | why it matters | what to do |\n"
			   "|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < rule_count; i++) {
			const struct rule *r = &rule_table[i];
			fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", r->id, sev_name(r->sev),
				subj_kind_name(r->kind), r->trigger, r->why, r->action);
		}
		return;
	}
	for (size_t i = 0; i < rule_count; i++) {
		const struct rule *r = &rule_table[i];
		fprintf(f, "%s (%s, subject %s)\n  trigger: %s\n  why:     %s\n  action:  %s\n\n",
			r->id, sev_name(r->sev), subj_kind_name(r->kind), r->trigger, r->why, r->action);
	}
}

/* ------------------------------------------------------------ dispatch */

#define DISPATCH(member, view)                                                  \
	for (size_t i = 0; i < rule_count; i++) {                               \
		if (!rule_table[i].member || !em->enabled[i])                   \
			continue;                                               \
		em->cur = (int)i;                                               \
		rule_table[i].member(view, c, em);                              \
		emit_discard(em);                                               \
	}

void rules_addr(const struct host_view *v, const struct audit_ctx *c, struct rule_emit *em)
{
	DISPATCH(addr, v)
}

void rules_mac(const struct mac_view *v, const struct audit_ctx *c, struct rule_emit *em)
{
	DISPATCH(mac, v)
}

void rules_subnet(const struct jv_subnet *s, const struct audit_ctx *c, struct rule_emit *em)
{
	DISPATCH(subnet, s)
}

void rules_unmanaged(const struct unmanaged_view *u, const struct audit_ctx *c,
		     struct rule_emit *em)
{
	DISPATCH(unmanaged, u)
}

void rules_name(const struct name_ent *e, const struct audit_ctx *c, struct rule_emit *em)
{
	DISPATCH(name, e)
}
