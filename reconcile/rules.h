/*
 * The rule table. Each rule is a small pure function of one joined view
 * (address, MAC, subnet, unrecorded prefix or DNS name) and the audit context,
 * emitting struct finding through struct rule_emit. The table is also the one
 * place where each rule is documented: id, default severity, what triggers
 * it, why it matters and what to do (`ipdrift audit --list-rules`).
 */
#ifndef IPD_RULES_H
#define IPD_RULES_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "finding.h"
#include "join.h"

#define RULES_MAX 32

struct rule_emit;

struct rule {
	const char *id;
	enum sev sev;               /* default; --severity RULE=SEV overrides */
	enum subj_kind kind;        /* subject kind */
	const char *trigger, *why, *action;
	/* one or more of these, by the view the rule looks at */
	void (*addr)(const struct host_view *v, const struct audit_ctx *c, struct rule_emit *em);
	void (*mac)(const struct mac_view *v, const struct audit_ctx *c, struct rule_emit *em);
	void (*subnet)(const struct jv_subnet *s, const struct audit_ctx *c, struct rule_emit *em);
	void (*unmanaged)(const struct unmanaged_view *u, const struct audit_ctx *c,
			  struct rule_emit *em);
	void (*name)(const struct name_ent *e, const struct audit_ctx *c, struct rule_emit *em);
};

extern const struct rule rule_table[];
extern const size_t rule_count;
/* Index in rule_table, or -1. */
int rule_find(const char *id);
/* The documentation table (--list-rules); markdown when md. */
void rules_print(FILE *f, bool md);

/* Rules write through this; the driver sets cur before calling a rule. */
struct rule_emit {
	struct finding_sink sink;
	int cur;                    /* index of the running rule */
	enum sev sev[RULES_MAX];    /* effective severity per rule */
	bool enabled[RULES_MAX];
	struct evb ev;              /* the rule fills these, emit() consumes them */
	struct fixb fx;
	struct sbuf evjson, fixjson, summary;
	int64_t count;
};
void emit_init(struct rule_emit *em, struct finding_sink sink);
void emit_free(struct rule_emit *em);
/* Emit a finding of the running rule with the evidence and fix gathered so
 * far (then cleared). summary: printf format. */
void emit(struct rule_emit *em, enum subj_kind kind, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Drop evidence gathered for a finding the rule decided not to emit. */
void emit_discard(struct rule_emit *em);

/* Run every enabled rule that looks at this kind of view. */
void rules_addr(const struct host_view *v, const struct audit_ctx *c, struct rule_emit *em);
void rules_mac(const struct mac_view *v, const struct audit_ctx *c, struct rule_emit *em);
void rules_subnet(const struct jv_subnet *s, const struct audit_ctx *c, struct rule_emit *em);
void rules_unmanaged(const struct unmanaged_view *u, const struct audit_ctx *c,
		     struct rule_emit *em);
void rules_name(const struct name_ent *e, const struct audit_ctx *c, struct rule_emit *em);

/* Public for the dangling-dns rule and reports: globally routable, or a
 * documentation range (RFC 5737, RFC 3849) — the lab's stand-in for the
 * Internet. */
bool ip_is_public(const struct ipd_ip *ip);

#endif
