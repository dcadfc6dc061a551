/* Process wiring shared by the subcommands. */
#ifndef IPD_APP_H
#define IPD_APP_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

struct db;

#define IPD_VERSION "0.1.0"

struct app {
	const char *db_path;     /* --db, $IPDRIFT_DB, or ./ipdrift.db */
	const char *config_path; /* --config, may be NULL */
	int verbosity;           /* -1 quiet, 0 default, 1 info, 2 debug */
	bool syslog;
	bool db_explicit;        /* --db given: it wins over the config's `database` */
	int64_t parent_run;      /* set by `run` for its stages: runs.id of the parent, else 0 */
};

struct command {
	const char *name;
	const char *summary;   /* one line for `ipdrift --help` */
	const char *usage;     /* full text for `ipdrift CMD --help` */
	int (*run)(struct app *app, int argc, char **argv); /* argv[0] = command name */
};

/* Open the store; returns 0 or a sysexits code (message already logged). */
int app_open_db(struct app *app, int flags, struct db **out);
/* Print usage of cmd to f. */
void app_usage(const struct command *cmd, FILE *f);
/* True when argv has --help/-h; prints usage to stdout. Call first in every command. */
bool app_want_help(const struct command *cmd, int argc, char **argv);
/* For commands that are not built yet: message + EX_UNAVAILABLE. */
int app_unavailable(const struct command *cmd);

extern const struct command cmd_init, cmd_import, cmd_sweep, cmd_listen, cmd_resolve,
	cmd_audit, cmd_suppress, cmd_report, cmd_fix, cmd_run, cmd_prune, cmd_subnets,
	cmd_status;

#endif
