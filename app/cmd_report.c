/* ipdrift report: write the audit report (html, csv, json, ndjson). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/oui.h"
#include "../db/db.h"
#include "../report/report.h"
#include "app.h"

static const char *vendor_hook(void *arg, const char *mac)
{
	struct ipd_mac m;
	if (!ipd_mac_parse(mac, &m))
		return NULL;
	return oui_vendor(arg, &m);
}

/* Generation time: SOURCE_DATE_EPOCH (reproducible-builds.org) when set, so
 * golden tests can compare byte for byte. */
int64_t app_report_now(void);
int64_t app_report_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e) {
		char *end;
		errno = 0;
		long long v = strtoll(e, &end, 10);
		if (!errno && !*end && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}

static int run_is_audit(void *arg, const struct db_rpt_run *r)
{
	*(bool *)arg = strcmp(r->kind, "audit") == 0;
	return 0;
}

static bool parse_i64(const char *s, int64_t *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (errno || !*s || *end)
		return false;
	*v = x;
	return true;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_report, argc, argv))
		return 0;
	const char *format = NULL, *outpath = NULL, *what_s = NULL, *oui_dir = NULL;
	int64_t run_id = -1;
	bool force = false;
	enum rpt_evidence evidence = RPT_EVIDENCE_AUTO;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "run", required_argument, NULL, 'r' },
		{ "what", required_argument, NULL, 'w' },
		{ "force", no_argument, NULL, 'F' },
		{ "oui-dir", required_argument, NULL, 'O' },
		{ "evidence", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "f:o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'r':
			if (!parse_i64(optarg, &run_id) || run_id <= 0) {
				log_warnx("--run: not a run id: %s", optarg);
				return EX_USAGE;
			}
			break;
		case 'w': what_s = optarg; break;
		case 'F': force = true; break;
		case 'O': oui_dir = optarg; break;
		case 'E':
			if (strcmp(optarg, "auto") == 0)
				evidence = RPT_EVIDENCE_AUTO;
			else if (strcmp(optarg, "full") == 0)
				evidence = RPT_EVIDENCE_FULL;
			else if (strcmp(optarg, "summary") == 0)
				evidence = RPT_EVIDENCE_SUMMARY;
			else {
				log_warnx("--evidence: auto, full or summary");
				return EX_USAGE;
			}
			break;
		default: app_usage(&cmd_report, stderr); return EX_USAGE;
		}
	}
	if (optind < argc || !format) {
		app_usage(&cmd_report, stderr);
		return EX_USAGE;
	}
	const struct rpt_writer *wr = rpt_writer_find(format);
	if (!wr) {
		log_warnx("unknown format %s (known: %s)", format, rpt_writer_names());
		return EX_USAGE;
	}
	unsigned what = wr->what_default;
	if (what_s) {
		if (strcmp(what_s, "findings") == 0)
			what = RPT_FINDINGS;
		else if (strcmp(what_s, "hosts") == 0)
			what = RPT_HOSTS;
		else if (strcmp(what_s, "all") == 0)
			what = RPT_ALL;
		else {
			log_warnx("--what: findings, hosts or all");
			return EX_USAGE;
		}
		if ((what & wr->what_ok) != what || (wr->one_table && what == RPT_ALL)) {
			log_warnx("%s writes one table per file: --what findings or --what hosts", wr->name);
			return EX_USAGE;
		}
	}

	struct db *db;
	int rc = app_open_db(app, DB_READONLY, &db);
	if (rc)
		return rc;
	struct rpt_ctx c = {
		.db = db, .what = what, .now = app_report_now(), .version = IPD_VERSION,
		.db_path = db_path(db), .vendor = vendor_hook, .evidence = evidence,
	};
	if (run_id > 0) {
		bool audit = false;
		if (db_rpt_run(db, run_id, run_is_audit, &audit) != IPD_OK || !audit) {
			log_warnx("no audit run %" PRId64 " in %s", run_id, db_path(db));
			db_close(db);
			return EX_DATAERR;
		}
		c.run_id = run_id;
	} else {
		c.run_id = db_rpt_latest_audit(db);
	}
	c.prev_run_id = c.run_id >= 0 ? db_rpt_prev_audit(db, c.run_id) : -1;
	if (c.run_id < 0 && (what & RPT_FINDINGS))
		log_warnx("no audit run in %s: the report has no findings (run `ipdrift audit`)", db_path(db));
	struct oui_db *oui = oui_new(oui_dir, NULL);
	c.vendor_arg = oui;

	struct rpt_out *out = rpt_out_open(outpath, force, &c.f);
	if (!out) {
		rc = EX_CANTCREAT;
		goto done;
	}
	enum ipd_status st = wr->write(&c);
	if (!rpt_out_close(out, st == IPD_OK)) {
		rc = st == IPD_OK ? EX_IOERR : EX_SOFTWARE;
		log_warnx("report not written: %s", ipd_strerror(st == IPD_OK ? IPD_EIO : st));
	} else if (outpath) {
		log_info("%s report written to %s", wr->name, outpath);
	}
done:
	oui_free(oui);
	db_close(db);
	return rc;
}

const struct command cmd_report = {
	.name = "report",
	.summary = "write the audit report: html, csv, json or ndjson",
	.usage = "usage: ipdrift report --format html|csv|json|ndjson [-o FILE] [--run ID] [--what findings|hosts]\n"
		 "                      [--force] [--oui-dir DIR] [--evidence auto|full|summary]\n"
		 "\nWrites the report of an audit run (default: the newest) to FILE or stdout.\n"
		 "  --format F      html: one self-contained page (no network access, CSP);\n"
		 "                  csv: RFC 4180, one row per finding, or per host with\n"
		 "                  --what hosts; json / ndjson: schema in report/SCHEMA.md\n"
		 "  -o, --output F  write to F (created with mode 0640; refuses to replace an\n"
		 "                  existing file unless --force, which replaces it atomically)\n"
		 "  --run ID        report on this audit run instead of the newest\n"
		 "  --what W        findings, hosts or all (html/json/ndjson default: all;\n"
		 "                  csv default: findings)\n"
		 "  --oui-dir DIR   IEEE registry CSVs for vendor names (default /usr/share/ieee-data)\n"
		 "  --evidence E    html: full = each finding's evidence and fix JSON in a\n"
		 "                  collapsed block; summary = first observation, record and\n"
		 "                  answer with counts; auto (default) = full up to 20000 findings\n"
		 "CSV cells holding external data that start with = + - @ TAB CR are prefixed\n"
		 "with ' (formula-injection defence); the value then differs from the input.\n"
		 "Set SOURCE_DATE_EPOCH to fix the generation time (reproducible output).\n",
	.run = run,
};
