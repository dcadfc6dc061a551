/* ipdrift subnets: per-subnet usage from the store. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../db/db.h"
#include "app.h"

struct ctx {
	bool json;
	int n;
};

static int print_usage_row(void *arg, const struct db_subnet_usage *u)
{
	struct ctx *c = arg;
	char size[24];
	if (u->size == UINT64_MAX)
		snprintf(size, sizeof size, ">=2^64");
	else
		snprintf(size, sizeof size, "%" PRIu64, u->size);
	double pct = u->size ? 100.0 * (double)u->used / (double)u->size : 0;
	/* cidr and vrf come from imported files: escape them for each output. */
	if (c->json) {
		FILE *f = stdout;
		fputs(c->n ? ",\n {\"subnet\":" : "{\"subnet\":", f);
		esc_json_str(ESC_FILE(f), u->cidr);
		fputs(",\"vrf\":", f);
		esc_json_str(ESC_FILE(f), u->vrf);
		printf(",\"allocated\":%" PRId64 ",\"leased\":%" PRId64 ",\"seen\":%" PRId64
		       ",\"used\":%" PRId64 ",\"size\":\"%s\",\"used_pct\":%.2f}",
		       u->allocated, u->leased, u->seen, u->used, size, pct);
	} else {
		char *cidr = esc_term_dup(u->cidr);
		char *vrf = esc_term_dup(*u->vrf ? u->vrf : "-");
		printf("%-28s %-8s %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64 " %12s %6.1f%%\n",
		       cidr, vrf, u->allocated, u->leased, u->seen, u->used, size, pct);
		free(cidr);
		free(vrf);
	}
	c->n++;
	return 0;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_subnets, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "days", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	long days = 0;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'j': c.json = true; break;
		case 'd': {
			char *end;
			days = strtol(optarg, &end, 10);
			if (*end || days < 0) {
				log_warnx("--days: not a number of days: %s", optarg);
				return EX_USAGE;
			}
			break;
		}
		default: app_usage(&cmd_subnets, stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		app_usage(&cmd_subnets, stderr);
		return EX_USAGE;
	}
	struct db *db;
	int rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		return rc;
	int64_t since = days ? (int64_t)time(NULL) - days * 86400 : 0;
	if (c.json)
		printf("[");
	else
		printf("%-28s %-8s %9s %9s %9s %9s %12s %7s\n", "SUBNET", "VRF", "ALLOCATED",
		       "LEASED", "SEEN", "USED", "SIZE", "USED%");
	enum ipd_status st = db_subnets_usage(db, since, print_usage_row, &c);
	if (c.json)
		printf("]\n");
	db_close(db);
	return st == IPD_OK ? 0 : EX_SOFTWARE;
}

const struct command cmd_subnets = {
	.name = "subnets",
	.summary = "per-subnet usage: allocated / leased / seen / size",
	.usage = "usage: ipdrift [--db PATH] subnets [--days N] [--json]\n"
		 "\nFor every recorded subnet: allocated addresses (IPAM, not deprecated),\n"
		 "active leases, addresses seen on the wire, their union (used), the size and\n"
		 "the used share.\n"
		 "  --days N   count only addresses seen in the last N days (default: ever)\n"
		 "  --json     one JSON array instead of a table\n",
	.run = run,
};
