/* ipdrift status: what the store holds, its sources and recent runs. */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../db/db.h"
#include "app.h"

static const char *fmt_time(int64_t t, char *buf, size_t len)
{
	if (t <= 0)
		return "-";
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Every string below comes from the store: a source is named after a file
 * path or --source, and a store can be shared or copied in. Escaped for the
 * terminal (ESC sequences, newlines, bidi controls shown, not obeyed). */
static int print_source(void *arg, const struct db_source_info *s)
{
	char tb[32];
	(void)arg;
	char *name = esc_term_dup(s->name), *kind = esc_term_dup(s->kind);
	char *format = esc_term_dup(s->format); /* NULL: "-" */
	printf("  %-24s %-12s %-14s %8" PRId64 " rows  %s%s\n", name, kind, format, s->rows,
	       fmt_time(s->imported, tb, sizeof tb), s->bad_rows ? "  (with skipped rows)" : "");
	free(name);
	free(kind);
	free(format);
	return 0;
}

static int print_run(void *arg, const struct db_run_info *r)
{
	char tb[32];
	(void)arg;
	char *kind = esc_term_dup(r->kind), *status = esc_term_dup(r->status);
	printf("  #%-6" PRId64 " %-8s %-11s %s", r->id, kind, status,
	       fmt_time(r->started, tb, sizeof tb));
	free(kind);
	free(status);
	if (r->finished)
		printf("  %" PRId64 " ms", r->duration_ms);
	if (r->sent || r->received)
		printf("  sent %" PRId64 " recv %" PRId64, r->sent, r->received);
	putchar('\n');
	return 0;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_status, argc, argv))
		return 0;
	struct db *db;
	int rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		return rc;
	struct db_counts c;
	db_counts(db, &c);
	char *path = esc_term_dup(db_path(db));
	printf("database %s (schema %d)\n", path, db_schema_version(db));
	free(path);
	printf("record:  %" PRId64 " subnets, %" PRId64 " ranges, %" PRId64 " allocations, %" PRId64
	       " leases, %" PRId64 " zone records\n",
	       c.subnets, c.ranges, c.allocations, c.leases, c.dns_records);
	printf("wire:    %" PRId64 " observations, %" PRId64 " events\n", c.observations, c.events);
	printf("dns:     %" PRId64 " answers\n", c.dns_answers);
	printf("audit:   %" PRId64 " findings, %" PRId64 " suppressions, %" PRId64 " runs\n",
	       c.findings, c.suppressions, c.runs);
	printf("sources:\n");
	db_sources_list(db, print_source, NULL);
	printf("recent runs:\n");
	db_runs_list(db, NULL, 10, print_run, NULL);
	db_close(db);
	return 0;
}

const struct command cmd_status = {
	.name = "status",
	.summary = "show what the database holds: sources, counts, recent runs",
	.usage = "usage: ipdrift [--db PATH] status\n"
		 "\nPrints row counts per table, each imported source (kind, format, rows,\n"
		 "import time) and the ten most recent runs.\n",
	.run = run,
};
