/*
 * struct finding: what a rule emits. The neutral record between the rules
 * and whatever stores or prints them (after zmap's fieldset: rules never see
 * the store, writers never see the joined view).
 *
 * Evidence and fix are JSON texts in the formats fixed in coord.md:
 *   evidence {"observations":[...],"records":[...],"dns":[...],"events":[...],"details":{...}}
 *   fix      {"dns":[{op,zone,name,type,value,old,rrset?}],
 *             "ipam":[{op,ip,mac,hostname,status,description,source,vrf}]}
 *            rrset: every record of NAME/TYPE as the audit saw it (the
 *            compare-and-swap guard of the fix writer); absent = the set
 *            was seen absent (add) or the fix predates it
 * Both are built with struct evb / struct fixb below, which escape every
 * string (all names are attacker-controlled).
 */
#ifndef IPD_FINDING_H
#define IPD_FINDING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/escape.h"
#include "../common/status.h"
#include "../db/db_find.h"

enum sev { SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_N };
const char *sev_name(enum sev s);
/* "info".."critical" (case-insensitive); false when unknown. */
bool sev_parse(const char *s, enum sev *out);

enum subj_kind { SUBJ_IP = 0, SUBJ_MAC, SUBJ_NAME, SUBJ_SUBNET };
const char *subj_kind_name(enum subj_kind k);

struct finding {
	const char *rule;       /* stable id, e.g. "missing-ptr" */
	enum sev severity;      /* the rule's default; the sink applies overrides */
	enum subj_kind kind;
	const char *subject;    /* "192.0.2.10", "aa:bb:..", "web.example.test", "192.0.2.0/24" */
	const char *summary;    /* one line, may contain hostile names (escape when printing) */
	const char *evidence;   /* JSON object */
	const char *fix;        /* JSON object or NULL */
};

/* Where findings go (store writer, test collector). Borrowed during put. */
struct finding_sink {
	void *ctx;
	void (*put)(void *ctx, const struct finding *f);
};

/* --- evidence builder --- */
#define EVB_MAX_ITEMS 50  /* per section; the rest is counted in details.truncated */

struct evb {
	struct sbuf sec[4];   /* observations, records, dns, events */
	size_t n[4], dropped;
	struct sbuf details;
};
enum { EVB_OBS, EVB_REC, EVB_DNS, EVB_EV };

void evb_init(struct evb *e);
void evb_free(struct evb *e);
void evb_reset(struct evb *e);
void evb_obs(struct evb *e, const struct db_aud_obs *o, const char *ip_text);
void evb_alloc(struct evb *e, const struct db_aud_alloc *a, const char *ip_text);
void evb_lease(struct evb *e, const struct db_aud_lease *l, const char *ip_text);
/* kind: subnet | range | allowlist (generic record) */
void evb_record(struct evb *e, const char *kind, const char *source, int64_t line,
		const char *ip, const char *mac, const char *hostname, const char *status);
void evb_answer(struct evb *e, const struct db_aud_answer *a, const char *answer);
void evb_zone(struct evb *e, const struct db_aud_record *r, const char *ip_text);
void evb_event(struct evb *e, const struct db_aud_event *ev, const char *ip_text);
void evb_detail_str(struct evb *e, const char *key, const char *val);
void evb_detail_int(struct evb *e, const char *key, int64_t val);
void evb_detail_num(struct evb *e, const char *key, double val);
void evb_detail_bool(struct evb *e, const char *key, bool val);
/* Write the JSON object into out (reset first). */
void evb_json(struct evb *e, struct sbuf *out);

/* --- fix builder --- */
struct fixb {
	struct sbuf dns, ipam;
	size_t ndns, nipam;
};
void fixb_init(struct fixb *f);
void fixb_free(struct fixb *f);
void fixb_reset(struct fixb *f);
/* op: add | delete | replace; zone may be NULL (the writer derives it). */
void fixb_dns(struct fixb *f, const char *op, const char *zone, const char *name,
	      const char *type, const char *value, const char *old);
/* The same with the whole RRset as the audit saw it (values in the form of
 * value/old: absolute lower-case names for PTR, address text for A/AAAA).
 * delete/replace: the set holds old; add: the set exists without value. */
void fixb_dns_rr(struct fixb *f, const char *op, const char *zone, const char *name,
		 const char *type, const char *value, const char *old, const char *const *rrset,
		 size_t nrrset);
/* One IPAM change; any field may be NULL (left out of the JSON). */
struct fix_ipam {
	const char *op;          /* register | deprecate | set-mac */
	const char *ip, *mac, *hostname, *status, *description;
	/* Which recorded allocation the change is about (deprecate, set-mac):
	 * its source name and VRF, the allocation's key with ip. register has no
	 * source; its vrf is the subnet's ("" = global table). */
	const char *source, *vrf;
};
void fixb_ipam(struct fixb *f, const struct fix_ipam *x);
/* JSON into out, or false (out untouched) when the fix is empty. */
bool fixb_json(struct fixb *f, struct sbuf *out);

#endif
