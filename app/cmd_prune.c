/* ipdrift prune: retention for the unattended store (db_maint.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_maint.h"
#include "app.h"
#include "config.h"
#include "lock.h"

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_prune, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "older-than", required_argument, NULL, 'o' },
		{ "vacuum", no_argument, NULL, 'V' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "wait", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	long days = -1;
	bool vacuum = false, dry = false, wait = false;
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o': {
			char *end;
			days = strtol(optarg, &end, 10);
			if (*end || end == optarg || days < 0 || days > 36500) {
				log_warnx("prune: --older-than: expected days from 0 to 36500, not \"%s\"",
					  optarg);
				return EX_USAGE;
			}
			break;
		}
		case 'V': vacuum = true; break;
		case 'n': dry = true; break;
		case 'w': wait = true; break;
		default: app_usage(&cmd_prune, stderr); return EX_USAGE;
		}
	}
	if (days < 0 || optind < argc) {
		app_usage(&cmd_prune, stderr);
		return EX_USAGE;
	}
	/* With --config, the store and lock are the configuration's (as for run). */
	char *lpath = NULL, *dbp = NULL;
	if (app->config_path) {
		struct config *cfg;
		if (config_load(app->config_path, stderr, &cfg) != 0)
			return EX_CONFIG;
		if (!app->db_explicit && cfg->database)
			app->db_path = dbp = xstrdup(cfg->database);
		if (cfg->lock)
			lpath = xstrdup(cfg->lock);
		config_free(cfg);
	}
	/* Same lock as `run`: never delete under a running pipeline. */
	struct lock lk;
	if (!lpath)
		lpath = lock_path_for_db(app->db_path);
	int rc = lock_take(&lk, lpath, wait);
	free(lpath);
	if (rc) {
		free(dbp);
		return rc;
	}
	struct db *db;
	rc = app_open_db(app, 0, &db);
	if (rc) {
		lock_release(&lk);
		free(dbp);
		return rc;
	}
	int64_t before = (int64_t)time(NULL) - (int64_t)days * 86400;
	struct db_prune_counts n;
	if (db_prune(db, before, dry, &n) != IPD_OK) {
		log_warnx("prune failed: %s", db_errmsg(db));
		rc = EX_SOFTWARE;
		goto done;
	}
	printf("%s older than %ld day%s:\n", dry ? "would delete" : "deleted", days,
	       days == 1 ? "" : "s");
	printf("  observations %lld\n  dns_answers  %lld\n  events       %lld\n"
	       "  coverage     %lld\n  runs         %lld\n",
	       (long long)n.observations, (long long)n.dns_answers, (long long)n.events,
	       (long long)n.coverage, (long long)n.runs);
	if (vacuum && !dry) {
		if (db_vacuum(db) != IPD_OK) {
			log_warnx("vacuum failed: %s", db_errmsg(db));
			rc = EX_IOERR;
			goto done;
		}
		printf("vacuumed\n");
	}
done:
	db_close(db);
	lock_release(&lk);
	free(dbp);
	return rc;
}

const struct command cmd_prune = {
	.name = "prune",
	.summary = "delete old observations, answers and runs (findings history is kept)",
	.usage = "usage: ipdrift [--config FILE | --db PATH] prune --older-than DAYS [--vacuum] [--dry-run] [--wait]\n"
		 "\nDeletes observations not seen for DAYS days (by last_seen), DNS answers,\n"
		 "events and coverage older than DAYS, and finished runs started before then\n"
		 "-- except the runs that findings refer to: findings history is kept whole.\n"
		 "With --config, the database and lock of the configuration are used.\n"
		 "Takes the run lock (exit 75 while a run holds it, unless --wait).\n"
		 "  --older-than DAYS  retention in days (0 = everything before now)\n"
		 "  --vacuum           compact the file afterwards (VACUUM)\n"
		 "  --dry-run          print the counts, delete nothing\n"
		 "  --wait             wait for a running `ipdrift run` instead of exiting 75\n",
	.run = run,
};
