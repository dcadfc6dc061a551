/* ipdrift audit: join wire, record and DNS; apply the rule table; store the
 * findings with their lifecycle; print a summary; --fail-on for schedulers. */
#include <errno.h>
#include <stdio.h>
#include <sysexits.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../common/log.h"
#include "../common/oui.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_find.h"
#include "../reconcile/geo.h"
#include "../reconcile/join.h"
#include "../reconcile/rules.h"
#include "app.h"

/* ---- options ---- */

struct audit_opts {
	bool list_rules, markdown, passive_coverage;
	int stale_days, stale_sweeps, threads;
	int64_t conflict_secs;
	double exhaustion;
	int fail_on, fail_on_any;        /* enum sev, -1 = off */
	enum sev sev[RULES_MAX];
	bool sev_set[RULES_MAX], disabled[RULES_MAX];
	const char *geoip_db, *asn_db, *oui_dir, *mac_vendors;
	struct ipd_prefix *own;
	size_t nown;
	uint32_t *own_asn;
	size_t nown_asn;
	int64_t parent_run, now;
	char *args;                      /* the command line, for the runs row */
};

static int64_t parse_duration(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	int64_t mul = 1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mul = 60, end++;
	else if (*end == 'h')
		mul = 3600, end++;
	else if (*end == 'd')
		mul = 86400, end++;
	if (*end)
		return -1;
	return (int64_t)v * mul;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "ipdrift audit: bad value for %s: \"%s\"\n", opt, arg);
	return EX_USAGE;
}

static void audit_opts_free(struct audit_opts *o)
{
	free(o->own);
	free(o->own_asn);
	free(o->args);
	memset(o, 0, sizeof *o);
}

/* 0 or EX_USAGE (message printed). */
static int audit_opts_parse(struct audit_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->stale_days = 30;
	o->stale_sweeps = 1;
	o->conflict_secs = 86400;
	o->exhaustion = 90;
	o->fail_on = o->fail_on_any = -1;
	struct sbuf a = SBUF_INIT;
	for (int i = 1; i < argc; i++)
		sbuf_printf(&a, "%s%s", i > 1 ? " " : "", argv[i]);
	o->args = sbuf_detach(&a);

	enum { O_LIST = 256, O_MD, O_STALE, O_SWEEPS, O_PASSIVE, O_CONFLICT, O_EXH, O_SEV, O_DIS,
	       O_GEO, O_ASN, O_OWNP, O_OWNA, O_OUI, O_MACV, O_FAIL, O_FAILANY, O_PARENT, O_NOW,
	       O_THREADS };
	static const struct option lo[] = {
		{ "list-rules", no_argument, NULL, O_LIST },
		{ "markdown", no_argument, NULL, O_MD },
		{ "stale-days", required_argument, NULL, O_STALE },
		{ "stale-sweeps", required_argument, NULL, O_SWEEPS },
		{ "passive-coverage", no_argument, NULL, O_PASSIVE },
		{ "conflict-window", required_argument, NULL, O_CONFLICT },
		{ "exhaustion", required_argument, NULL, O_EXH },
		{ "severity", required_argument, NULL, O_SEV },
		{ "disable", required_argument, NULL, O_DIS },
		{ "geoip-db", required_argument, NULL, O_GEO },
		{ "asn-db", required_argument, NULL, O_ASN },
		{ "own-prefix", required_argument, NULL, O_OWNP },
		{ "own-asn", required_argument, NULL, O_OWNA },
		{ "oui-dir", required_argument, NULL, O_OUI },
		{ "mac-vendors", required_argument, NULL, O_MACV },
		{ "fail-on", required_argument, NULL, O_FAIL },
		{ "fail-on-any", required_argument, NULL, O_FAILANY },
		{ "parent-run", required_argument, NULL, O_PARENT },
		{ "now", required_argument, NULL, O_NOW },
		{ "threads", required_argument, NULL, O_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	optind = 0; /* re-entrant for `ipdrift run` calling us in-process */
	int c;
	long v;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_LIST: o->list_rules = true; break;
		case O_MD: o->markdown = true; break;
		case O_STALE:
			if (!parse_long(optarg, 1, 36500, &v))
				return bad("--stale-days", optarg);
			o->stale_days = (int)v;
			break;
		case O_SWEEPS:
			if (!parse_long(optarg, 1, 1000, &v))
				return bad("--stale-sweeps", optarg);
			o->stale_sweeps = (int)v;
			break;
		case O_PASSIVE: o->passive_coverage = true; break;
		case O_CONFLICT:
			if ((o->conflict_secs = parse_duration(optarg)) <= 0)
				return bad("--conflict-window", optarg);
			break;
		case O_EXH: {
			char *end;
			o->exhaustion = strtod(optarg, &end);
			if (end == optarg || *end || o->exhaustion <= 0 || o->exhaustion > 100)
				return bad("--exhaustion", optarg);
			break;
		}
		case O_SEV: {
			const char *eq = strchr(optarg, '=');
			char id[64];
			enum sev s;
			if (!eq || (size_t)(eq - optarg) >= sizeof id)
				return bad("--severity", optarg);
			memcpy(id, optarg, (size_t)(eq - optarg));
			id[eq - optarg] = '\0';
			int r = rule_find(id);
			if (r < 0 || !sev_parse(eq + 1, &s))
				return bad("--severity", optarg);
			o->sev[r] = s;
			o->sev_set[r] = true;
			break;
		}
		case O_DIS: {
			int r = rule_find(optarg);
			if (r < 0)
				return bad("--disable (no such rule)", optarg);
			o->disabled[r] = true;
			break;
		}
		case O_GEO: o->geoip_db = optarg; break;
		case O_ASN: o->asn_db = optarg; break;
		case O_OWNP:
			o->own = xreallocarray(o->own, o->nown + 1, sizeof *o->own);
			if (!ipd_prefix_parse(optarg, &o->own[o->nown], false))
				return bad("--own-prefix", optarg);
			o->nown++;
			break;
		case O_OWNA: {
			const char *p = optarg;
			if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
				p += 2;
			if (!parse_long(p, 0, 4294967295L, &v))
				return bad("--own-asn", optarg);
			o->own_asn = xreallocarray(o->own_asn, o->nown_asn + 1, sizeof *o->own_asn);
			o->own_asn[o->nown_asn++] = (uint32_t)v;
			break;
		}
		case O_OUI: o->oui_dir = optarg; break;
		case O_MACV: o->mac_vendors = optarg; break;
		case O_FAIL:
		case O_FAILANY: {
			enum sev s;
			if (!sev_parse(optarg, &s))
				return bad(c == O_FAIL ? "--fail-on" : "--fail-on-any", optarg);
			*(c == O_FAIL ? &o->fail_on : &o->fail_on_any) = (int)s;
			break;
		}
		case O_PARENT:
			if (!parse_long(optarg, 1, __LONG_MAX__, &v))
				return bad("--parent-run", optarg);
			o->parent_run = v;
			break;
		case O_THREADS:
			if (!parse_long(optarg, 1, 2, &v))
				return bad("--threads", optarg);
			o->threads = (int)v;
			break;
		case O_NOW:
			if (!parse_long(optarg, 1, __LONG_MAX__, &v))
				return bad("--now", optarg);
			o->now = v;
			break;
		default:
			fprintf(stderr, "usage: see `ipdrift audit --help`\n");
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ipdrift audit: unexpected argument \"%s\"\n", argv[optind]);
		return EX_USAGE;
	}
	return 0;
}

/* ---- the run ---- */

/* Suppressions in memory, sorted by "rule|subject" for bsearch. */
struct supp {
	char *key, *reason;
	int64_t until;
};

struct audit_sink {
	struct db_find_writer *w;
	struct supp *supp;
	size_t nsupp;
	int64_t now;
	struct sbuf fp;
	int64_t per_rule[RULES_MAX];
	int64_t suppressed;
};

static int supp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct supp *)a)->key, ((const struct supp *)b)->key);
}

static int supp_load(void *arg, const struct db_suppression *s)
{
	struct audit_sink *k = arg;
	k->supp = xreallocarray(k->supp, k->nsupp + 1, sizeof *k->supp);
	k->supp[k->nsupp++] = (struct supp){ xasprintf("%s|%s", s->rule, s->subject),
					     xstrdup(s->reason ? s->reason : ""), s->until };
	return 0;
}

static void sink_put(void *ctx, const struct finding *f)
{
	struct audit_sink *k = ctx;
	sbuf_reset(&k->fp);
	sbuf_printf(&k->fp, "%s|%s", f->rule, f->subject);
	const char *fp = sbuf_str(&k->fp);
	struct supp key = { .key = (char *)(uintptr_t)fp };
	const struct supp *s = k->nsupp ? bsearch(&key, k->supp, k->nsupp, sizeof *k->supp, supp_cmp)
					: NULL;
	/* an expired suppression no longer applies: the finding returns */
	bool suppressed = s && (s->until == 0 || s->until > k->now);
	struct db_finding d = {
		.fingerprint = fp, .rule = f->rule, .severity = sev_name(f->severity),
		.subject_kind = subj_kind_name(f->kind), .subject = f->subject,
		.summary = f->summary, .evidence = f->evidence, .fix = f->fix,
		.suppressed = suppressed, .suppress_reason = suppressed ? s->reason : NULL,
	};
	if (db_find_put(k->w, &d) != IPD_OK)
		return;
	int r = rule_find(f->rule);
	if (suppressed)
		k->suppressed++;
	else if (r >= 0)
		k->per_rule[r]++;
}

static void print_summary(int64_t run_id, const struct db_find_counts *c,
			  const struct audit_sink *k, const struct audit_stats *st, double secs)
{
	printf("audit run %" PRId64 ": %" PRId64 " findings (new %" PRId64 ", ongoing %" PRId64
	       "), resolved %" PRId64 ", suppressed %" PRId64 "\n",
	       run_id, c->fresh + c->ongoing, c->fresh, c->ongoing, c->resolved, c->suppressed);
	printf("  by severity:");
	for (int s = SEV_N - 1; s >= 0; s--)
		printf(" %s %" PRId64 " (new %" PRId64 ")%s", sev_name((enum sev)s), c->by_sev[s],
		       c->new_by_sev[s], s ? "," : "\n");
	bool any = false;
	for (size_t i = 0; i < rule_count; i++)
		if (k->per_rule[i]) {
			printf("%s %s %" PRId64, any ? "," : "  by rule:", rule_table[i].id,
			       k->per_rule[i]);
			any = true;
		}
	if (any)
		printf("\n");
	printf("  joined %" PRId64 " addresses (%" PRId64 " observations, %" PRId64
	       " allocations, %" PRId64 " leases, %" PRId64 " DNS answers, %" PRId64
	       " zone records, %" PRId64 " events), %" PRId64 " MACs, %" PRId64 " names in %.2f s\n",
	       st->addresses, st->observations, st->allocations, st->leases, st->answers,
	       st->records, st->events, st->macs, st->names, secs);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_audit, argc, argv))
		return 0;
	struct audit_opts o;
	int rc = audit_opts_parse(&o, argc, argv);
	if (rc != 0)
		return rc;
	if (o.list_rules) {
		rules_print(stdout, o.markdown);
		audit_opts_free(&o);
		return 0;
	}
	struct geo *geo = NULL;
	if ((o.geoip_db || o.asn_db) && geo_open(o.geoip_db, o.asn_db, &geo) != IPD_OK) {
		audit_opts_free(&o);
		return EX_NOINPUT;
	}
	struct db *db;
	if ((rc = app_open_db(app, 0, &db)) != 0) {
		geo_close(geo);
		audit_opts_free(&o);
		return rc;
	}
	double t0 = mono();
	struct audit_ctx ctx = {
		.now = o.now ? o.now : (int64_t)time(NULL),
		.stale_secs = (int64_t)o.stale_days * 86400, .stale_sweeps = o.stale_sweeps,
		.conflict_secs = o.conflict_secs, .exhaustion_pct = o.exhaustion,
		.passive_coverage = o.passive_coverage, .geo = geo, .threads = o.threads,
		.own = o.own, .nown = o.nown, .own_asn = o.own_asn, .nown_asn = o.nown_asn,
	};
	ctx.oui = oui_new(o.oui_dir, o.mac_vendors);

	int64_t prev = db_run_latest(db, "audit");
	int64_t run_id = db_run_start(db, "audit", o.parent_run, NULL, NULL, o.args);
	struct audit_sink k = { .now = ctx.now };
	struct db_find_writer *w = NULL;
	enum ipd_status st = run_id > 0 ? db_supp_list(db, supp_load, &k) : IPD_EDB;
	if (k.nsupp)
		qsort(k.supp, k.nsupp, sizeof *k.supp, supp_cmp);
	if (st == IPD_OK && !(w = db_find_begin(db, run_id, prev)))
		st = IPD_EDB;
	k.w = w;
	struct rule_emit em;
	emit_init(&em, (struct finding_sink){ &k, sink_put });
	for (size_t i = 0; i < rule_count; i++) {
		if (o.sev_set[i])
			em.sev[i] = o.sev[i];
		em.enabled[i] = !o.disabled[i];
	}
	struct audit_stats stats = { 0 };
	if (st == IPD_OK)
		st = join_run(db, &ctx, &em, &stats);
	double tj = mono();
	struct db_find_counts counts;
	memset(&counts, 0, sizeof counts);
	if (st == IPD_OK) {
		st = db_find_end(w, &counts);
		log_info("audit: findings committed in %.2f s", mono() - tj);
	} else if (w) {
		db_find_abort(w);
	}
	double secs = mono() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	char *json = xasprintf("{\"addresses\":%" PRId64 ",\"observations\":%" PRId64
			       ",\"allocations\":%" PRId64 ",\"dns_answers\":%" PRId64
			       ",\"findings\":%" PRId64 ",\"suppressed\":%" PRId64
			       ",\"previous_audit\":%" PRId64 ",\"max_rss_kb\":%ld}",
			       stats.addresses, stats.observations, stats.allocations,
			       stats.answers, stats.findings, k.suppressed, prev, ru.ru_maxrss);
	struct db_run_stats rs = { .duration_ms = (int64_t)(secs * 1000), .loss = -1,
				   .stats_json = json, .status = st == IPD_OK ? "ok" : "failed" };
	if (run_id > 0)
		db_run_finish(db, run_id, &rs);
	free(json);

	int ret = 0;
	if (st != IPD_OK) {
		log_warnx("audit failed: %s", ipd_strerror(st));
		ret = EX_SOFTWARE;
	} else {
		const struct db_find_counts *c = &counts;
		print_summary(run_id, c, &k, &stats, secs);
		for (int s = SEV_N - 1; s >= 0; s--) {
			if (o.fail_on >= 0 && s >= o.fail_on && c->new_by_sev[s])
				ret = 1;
			if (o.fail_on_any >= 0 && s >= o.fail_on_any && c->by_sev[s])
				ret = 1;
		}
	}
	emit_free(&em);
	sbuf_free(&k.fp);
	for (size_t i = 0; i < k.nsupp; i++) {
		free(k.supp[i].key);
		free(k.supp[i].reason);
	}
	free(k.supp);
	join_ctx_free(&ctx);
	oui_free(ctx.oui);
	geo_close(geo);
	db_close(db);
	audit_opts_free(&o);
	return ret;
}

const struct command cmd_audit = {
	.name = "audit",
	.summary = "reconcile wire, record and DNS into findings",
	.usage = "usage: ipdrift audit [--list-rules [--markdown]] [--fail-on SEVERITY | --fail-on-any SEVERITY] [options]\n"
		 "\nJoins the three views per address, MAC, name and subnet, applies the rule\n"
		 "table and stores findings (new / ongoing / resolved since the last audit).\n"
		 "Suppressed findings are stored and counted, never dropped. Prints a summary.\n"
		 "  --list-rules          print the rule table (id, severity, trigger, why, action)\n"
		 "  --markdown            with --list-rules: as a markdown table\n"
		 "  --stale-days N        stale window: \"live\" = seen within it (default 30)\n"
		 "  --stale-sweeps N      covering sweeps in the window stale-allocation and\n"
		 "                        stale-dns need (default 1)\n"
		 "  --passive-coverage    let capture (listen) coverage count as covered too\n"
		 "  --conflict-window D   ip-conflict window, e.g. 3600, 30m, 24h, 7d (default 24h)\n"
		 "  --exhaustion PCT      default subnet-exhaustion threshold (default 90);\n"
		 "                        subnets.threshold overrides it per subnet\n"
		 "  --severity RULE=SEV   override a rule's severity (repeatable)\n"
		 "  --disable RULE        do not run a rule (repeatable)\n"
		 "  --geoip-db FILE       MaxMind country database (GeoLite2-Country/City)\n"
		 "  --asn-db FILE         MaxMind ASN database (GeoLite2-ASN)\n"
		 "  --own-prefix CIDR     the organisation's space besides recorded subnets (repeatable)\n"
		 "  --own-asn N           the organisation's AS numbers (repeatable)\n"
		 "  --oui-dir DIR         IEEE registry CSVs (default /usr/share/ieee-data)\n"
		 "  --mac-vendors FILE    extra vendor prefixes, arp-scan mac-vendor.txt format\n"
		 "  --fail-on SEV         exit 1 when a NEW unsuppressed finding at or above SEV exists\n"
		 "  --fail-on-any SEV     exit 1 when any (new or ongoing) unsuppressed finding\n"
		 "                        at or above SEV exists\n"
		 "  --parent-run ID       record this audit under a `run` row\n"
		 "  --now EPOCH           audit as of this time (tests, replays)\n"
		 "  --threads N           join threads, 1 or 2 (default: 2 when there are 2+ CPUs)\n"
		 "Severities: critical high medium low info. Exit: 0, 1 (--fail-on), 64+ errors.\n",
	.run = run,
};
