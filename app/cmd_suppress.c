/* ipdrift suppress: accept a finding (rule + subject) with a reason, for a
 * while or for good. Suppressed findings are still stored and counted by
 * audit (suppressed=1), never dropped; an expired suppression stops applying. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_find.h"
#include "../reconcile/rules.h"
#include "app.h"

/* "YYYY-MM-DD" (suppressed through the end of that UTC day), or
 * "YYYY-MM-DDTHH:MM:SSZ", or "@EPOCH". Returns -1 when invalid. */
static int64_t parse_until(const char *s)
{
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		return (errno || end == s + 1 || *end || v <= 0) ? -1 : (int64_t)v;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end)
		return -1;
	bool whole_day = *end == '\0';
	if (!whole_day) {
		end = strptime(end, "T%H:%M:%SZ", &tm);
		if (!end || *end)
			return -1;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	return (int64_t)t + (whole_day ? 86400 : 0);
}

static int check_rule(const char *rule)
{
	if (rule_find(rule) >= 0)
		return 0;
	char *e = esc_term_dup(rule);
	fprintf(stderr, "ipdrift suppress: no rule \"%s\" (see `ipdrift audit --list-rules`)\n", e);
	free(e);
	return EX_USAGE;
}

/* One suppression per line: RULE SUBJECT [UNTIL|-] REASON...; '#' comments. */
static int load_file(struct db *db, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		log_warn("%s", path);
		return EX_NOINPUT;
	}
	char *line = NULL, *origin = xasprintf("file:%s", path);
	size_t cap = 0;
	long lineno = 0, added = 0, errors = 0;
	if (db_begin(db) != IPD_OK) {
		fclose(f);
		free(origin);
		return EX_SOFTWARE;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		char *save, *rule = strtok_r(p, " \t", &save), *subj = strtok_r(NULL, " \t", &save);
		char *rest = save ? save + strspn(save, " \t") : NULL;
		int64_t until = 0;
		if (rest && *rest) {
			size_t w = strcspn(rest, " \t");
			char tok[64];
			if (w < sizeof tok) {
				memcpy(tok, rest, w);
				tok[w] = '\0';
				int64_t u = strcmp(tok, "-") == 0 ? 0 : parse_until(tok);
				if (strcmp(tok, "-") == 0 || u > 0) {
					until = u;
					rest += w;
					rest += strspn(rest, " \t");
				}
			}
		}
		if (!rule || !subj || !rest || !*rest || rule_find(rule) < 0) {
			log_warnx("%s:%ld: expected \"RULE SUBJECT [UNTIL] REASON\" with a known rule",
				  path, lineno);
			errors++;
			continue;
		}
		if (db_supp_add(db, rule, subj, rest, until, origin) != IPD_OK) {
			errors++;
			continue;
		}
		added++;
	}
	free(line);
	fclose(f);
	free(origin);
	if (db_commit(db) != IPD_OK)
		return EX_SOFTWARE;
	printf("%ld suppression(s) loaded from %s, %ld bad line(s)\n", added, path, errors);
	return errors ? EX_DATAERR : 0;
}

struct listctx {
	int64_t now;
	long n;
};

static int list_cb(void *arg, const struct db_suppression *s)
{
	struct listctx *l = arg;
	char until[32] = "-";
	if (s->until) {
		time_t t = (time_t)s->until;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	esc_term_str(ESC_FILE(stdout), s->rule);
	putchar('\t');
	esc_term_str(ESC_FILE(stdout), s->subject);
	printf("\t%s%s\t", until, s->until && s->until <= l->now ? " (expired)" : "");
	esc_term_str(ESC_FILE(stdout), s->reason);
	putchar('\t');
	esc_term_str(ESC_FILE(stdout), s->origin);
	putchar('\n');
	l->n++;
	return 0;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_suppress, argc, argv))
		return 0;
	enum { O_REASON = 256, O_UNTIL, O_FILE, O_LIST, O_REMOVE };
	static const struct option lo[] = {
		{ "reason", required_argument, NULL, O_REASON },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "file", required_argument, NULL, O_FILE },
		{ "list", no_argument, NULL, O_LIST },
		{ "remove", no_argument, NULL, O_REMOVE },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *file = NULL;
	int64_t until = 0;
	bool list = false, remove = false;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case O_REASON: reason = optarg; break;
		case O_UNTIL:
			if ((until = parse_until(optarg)) <= 0) {
				fprintf(stderr, "ipdrift suppress: bad --until \"%s\" (YYYY-MM-DD)\n", optarg);
				return EX_USAGE;
			}
			break;
		case O_FILE: file = optarg; break;
		case O_LIST: list = true; break;
		case O_REMOVE: remove = true; break;
		default: app_usage(&cmd_suppress, stderr); return EX_USAGE;
		}
	}
	int npos = argc - optind;
	const char *rule = npos > 0 ? argv[optind] : NULL, *subject = npos > 1 ? argv[optind + 1] : NULL;
	if ((list || file) && npos != 0) {
		app_usage(&cmd_suppress, stderr);
		return EX_USAGE;
	}
	if (!list && !file && (npos != 2 || (!remove && (!reason || !*reason)))) {
		fprintf(stderr, "ipdrift suppress: need RULE SUBJECT and --reason TEXT\n");
		app_usage(&cmd_suppress, stderr);
		return EX_USAGE;
	}
	int rc;
	if (rule && !remove && (rc = check_rule(rule)) != 0)
		return rc;
	struct db *db;
	if ((rc = app_open_db(app, 0, &db)) != 0)
		return rc;
	if (list) {
		struct listctx l = { .now = (int64_t)time(NULL) };
		rc = db_supp_list(db, list_cb, &l) == IPD_OK ? 0 : EX_SOFTWARE;
	} else if (file) {
		rc = load_file(db, file);
	} else if (remove) {
		enum ipd_status st = db_supp_remove(db, rule, subject);
		rc = st == IPD_OK ? 0 : st == IPD_ENOTFOUND ? EX_DATAERR : EX_SOFTWARE;
		if (st == IPD_ENOTFOUND)
			fprintf(stderr, "ipdrift suppress: no suppression for that rule and subject\n");
	} else {
		rc = db_supp_add(db, rule, subject, reason, until, "cli") == IPD_OK ? 0 : EX_SOFTWARE;
	}
	db_close(db);
	return rc;
}

const struct command cmd_suppress = {
	.name = "suppress",
	.summary = "suppress a finding (rule + subject) with a reason",
	.usage = "usage: ipdrift suppress RULE SUBJECT --reason TEXT [--until YYYY-MM-DD]\n"
		 "       ipdrift suppress --file FILE | --list | --remove RULE SUBJECT\n"
		 "\nSuppressed findings are still stored and counted by `ipdrift audit`\n"
		 "(suppressed=1) and listed separately by reports; they are never dropped.\n"
		 "An expired suppression no longer applies and the finding returns.\n"
		 "  --reason TEXT   why (required)\n"
		 "  --until DATE    YYYY-MM-DD (through that UTC day), YYYY-MM-DDTHH:MM:SSZ or @EPOCH\n"
		 "  --file FILE     load suppressions, one per line: RULE SUBJECT [UNTIL|-] REASON\n"
		 "                  ('#' comments); existing (rule, subject) pairs are replaced\n"
		 "  --list          print rule, subject, until (expired), reason, origin\n"
		 "  --remove        delete the suppression of RULE SUBJECT\n",
	.run = run,
};
