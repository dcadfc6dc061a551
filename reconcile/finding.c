/* Findings: severities, subject kinds, evidence and fix JSON builders. */
#include "finding.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const sev_names[SEV_N] = { "info", "low", "medium", "high", "critical" };

const char *sev_name(enum sev s) { return (unsigned)s < SEV_N ? sev_names[s] : "?"; }

bool sev_parse(const char *s, enum sev *out)
{
	for (int i = 0; i < SEV_N; i++)
		if (s && strcasecmp(s, sev_names[i]) == 0) {
			*out = (enum sev)i;
			return true;
		}
	return false;
}

static const char *const subj_names[] = { "ip", "mac", "name", "subnet" };

const char *subj_kind_name(enum subj_kind k)
{
	return (unsigned)k < 4 ? subj_names[k] : "?";
}

void evb_init(struct evb *e)
{
	memset(e, 0, sizeof *e);
}

void evb_free(struct evb *e)
{
	for (int i = 0; i < 4; i++)
		sbuf_free(&e->sec[i]);
	sbuf_free(&e->details);
}

void evb_reset(struct evb *e)
{
	for (int i = 0; i < 4; i++) {
		sbuf_reset(&e->sec[i]);
		e->n[i] = 0;
	}
	sbuf_reset(&e->details);
	e->dropped = 0;
}

/* Open an item of section sec; returns NULL when the section is full. */
static struct sbuf *item(struct evb *e, int sec)
{
	if (e->n[sec] >= EVB_MAX_ITEMS) {
		e->dropped++;
		return NULL;
	}
	struct sbuf *b = &e->sec[sec];
	if (e->n[sec]++)
		sbuf_addc(b, ',');
	sbuf_addc(b, '{');
	return b;
}

/* "key":value pairs; first controls the comma. */
static void kv_str(struct sbuf *b, bool *first, const char *k, const char *v)
{
	if (!*first)
		sbuf_addc(b, ',');
	*first = false;
	sbuf_addc(b, '"');
	sbuf_adds(b, k);
	sbuf_adds(b, "\":");
	esc_json_str(ESC_BUF(b), v);
}

/* Decimal without printf: evidence holds several numbers per row. */
static void add_int(struct sbuf *b, int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sbuf_add(b, p, (size_t)(buf + sizeof buf - p));
}

static void kv_int(struct sbuf *b, bool *first, const char *k, int64_t v)
{
	if (!*first)
		sbuf_addc(b, ',');
	*first = false;
	sbuf_addc(b, '"');
	sbuf_adds(b, k);
	sbuf_adds(b, "\":");
	add_int(b, v);
}

void evb_obs(struct evb *e, const struct db_aud_obs *o, const char *ip_text)
{
	struct sbuf *b = item(e, EVB_OBS);
	if (!b)
		return;
	bool f = true;
	kv_str(b, &f, "ip", ip_text);
	kv_str(b, &f, "mac", o->mac);
	kv_int(b, &f, "vlan", o->vlan);
	kv_str(b, &f, "iface", o->iface);
	kv_str(b, &f, "sensor", o->sensor);
	kv_str(b, &f, "method", o->method);
	kv_int(b, &f, "first_seen", o->first_seen);
	kv_int(b, &f, "last_seen", o->last_seen);
	kv_int(b, &f, "count", o->count);
	sbuf_addc(b, '}');
}

void evb_record(struct evb *e, const char *kind, const char *source, int64_t line,
		const char *ip, const char *mac, const char *hostname, const char *status)
{
	struct sbuf *b = item(e, EVB_REC);
	if (!b)
		return;
	bool f = true;
	kv_str(b, &f, "kind", kind);
	kv_str(b, &f, "source", source);
	if (line > 0)
		kv_int(b, &f, "line", line);
	else
		kv_str(b, &f, "line", NULL);
	kv_str(b, &f, "ip", ip);
	kv_str(b, &f, "mac", mac);
	kv_str(b, &f, "hostname", hostname);
	kv_str(b, &f, "status", status);
	sbuf_addc(b, '}');
}

void evb_alloc(struct evb *e, const struct db_aud_alloc *a, const char *ip_text)
{
	evb_record(e, "allocation", a->source, a->line, ip_text, a->mac, a->hostname, a->status);
}

void evb_lease(struct evb *e, const struct db_aud_lease *l, const char *ip_text)
{
	evb_record(e, "lease", l->source, l->line, ip_text, l->mac, l->hostname,
		   l->active ? "active" : (l->state ? l->state : "inactive"));
}

void evb_answer(struct evb *e, const struct db_aud_answer *a, const char *answer)
{
	struct sbuf *b = item(e, EVB_DNS);
	if (!b)
		return;
	bool f = true;
	kv_str(b, &f, "qname", a->qname);
	kv_str(b, &f, "qtype", a->qtype);
	kv_str(b, &f, "status", a->status);
	kv_str(b, &f, "answer", answer);
	kv_int(b, &f, "ttl", a->ttl);
	kv_str(b, &f, "server", a->server);
	kv_int(b, &f, "at", a->at);
	sbuf_addc(b, '}');
}

void evb_zone(struct evb *e, const struct db_aud_record *r, const char *ip_text)
{
	(void)ip_text;
	evb_record(e, "zone", r->source, r->line, ip_text, NULL, r->owner, r->type);
}

void evb_event(struct evb *e, const struct db_aud_event *ev, const char *ip_text)
{
	struct sbuf *b = item(e, EVB_EV);
	if (!b)
		return;
	bool f = true;
	kv_str(b, &f, "kind", ev->kind);
	kv_int(b, &f, "at", ev->at);
	kv_str(b, &f, "ip", ip_text);
	kv_str(b, &f, "mac", ev->mac);
	kv_str(b, &f, "other_mac", ev->other_mac);
	kv_int(b, &f, "vlan", ev->vlan);
	kv_str(b, &f, "iface", ev->iface);
	sbuf_addc(b, '}');
}

static void detail_key(struct evb *e, const char *key)
{
	if (e->details.len)
		sbuf_addc(&e->details, ',');
	esc_json_str(ESC_BUF(&e->details), key);
	sbuf_addc(&e->details, ':');
}

void evb_detail_str(struct evb *e, const char *key, const char *val)
{
	detail_key(e, key);
	esc_json_str(ESC_BUF(&e->details), val);
}

void evb_detail_int(struct evb *e, const char *key, int64_t val)
{
	detail_key(e, key);
	add_int(&e->details, val);
}

void evb_detail_num(struct evb *e, const char *key, double val)
{
	detail_key(e, key);
	if (isfinite(val))
		sbuf_printf(&e->details, "%.2f", val);
	else
		sbuf_adds(&e->details, "null");
}

void evb_detail_bool(struct evb *e, const char *key, bool val)
{
	detail_key(e, key);
	sbuf_adds(&e->details, val ? "true" : "false");
}

void evb_json(struct evb *e, struct sbuf *out)
{
	static const char *const names[4] = { "observations", "records", "dns", "events" };
	sbuf_reset(out);
	sbuf_addc(out, '{');
	for (int i = 0; i < 4; i++) {
		sbuf_printf(out, "\"%s\":[", names[i]);
		sbuf_add(out, sbuf_str(&e->sec[i]), e->sec[i].len);
		sbuf_adds(out, "],");
	}
	sbuf_adds(out, "\"details\":{");
	sbuf_add(out, sbuf_str(&e->details), e->details.len);
	if (e->dropped)
		sbuf_printf(out, "%s\"truncated\":%zu", e->details.len ? "," : "", e->dropped);
	sbuf_adds(out, "}}");
}

void fixb_init(struct fixb *f)
{
	memset(f, 0, sizeof *f);
}

void fixb_free(struct fixb *f)
{
	sbuf_free(&f->dns);
	sbuf_free(&f->ipam);
}

void fixb_reset(struct fixb *f)
{
	sbuf_reset(&f->dns);
	sbuf_reset(&f->ipam);
	f->ndns = f->nipam = 0;
}

void fixb_dns(struct fixb *f, const char *op, const char *zone, const char *name,
	      const char *type, const char *value, const char *old)
{
	fixb_dns_rr(f, op, zone, name, type, value, old, NULL, 0);
}

void fixb_dns_rr(struct fixb *f, const char *op, const char *zone, const char *name,
		 const char *type, const char *value, const char *old, const char *const *rrset,
		 size_t nrrset)
{
	struct sbuf *b = &f->dns;
	if (f->ndns++)
		sbuf_addc(b, ',');
	sbuf_addc(b, '{');
	bool first = true;
	kv_str(b, &first, "op", op);
	kv_str(b, &first, "zone", zone);
	kv_str(b, &first, "name", name);
	kv_str(b, &first, "type", type);
	kv_str(b, &first, "value", value);
	kv_str(b, &first, "old", old);
	if (nrrset) {
		sbuf_adds(b, ",\"rrset\":[");
		for (size_t i = 0; i < nrrset; i++) {
			if (i)
				sbuf_addc(b, ',');
			esc_json_str(ESC_BUF(b), rrset[i]);
		}
		sbuf_addc(b, ']');
	}
	sbuf_addc(b, '}');
}

void fixb_ipam(struct fixb *f, const struct fix_ipam *x)
{
	struct sbuf *b = &f->ipam;
	if (f->nipam++)
		sbuf_addc(b, ',');
	sbuf_addc(b, '{');
	bool first = true;
	kv_str(b, &first, "op", x->op);
	kv_str(b, &first, "ip", x->ip);
	kv_str(b, &first, "mac", x->mac);
	kv_str(b, &first, "hostname", x->hostname);
	kv_str(b, &first, "status", x->status);
	kv_str(b, &first, "description", x->description);
	if (x->source)
		kv_str(b, &first, "source", x->source);
	if (x->vrf)
		kv_str(b, &first, "vrf", x->vrf);
	sbuf_addc(b, '}');
}

bool fixb_json(struct fixb *f, struct sbuf *out)
{
	if (!f->ndns && !f->nipam)
		return false;
	sbuf_reset(out);
	sbuf_adds(out, "{\"dns\":[");
	sbuf_add(out, sbuf_str(&f->dns), f->dns.len);
	sbuf_adds(out, "],\"ipam\":[");
	sbuf_add(out, sbuf_str(&f->ipam), f->ipam.len);
	sbuf_adds(out, "]}");
	return true;
}
