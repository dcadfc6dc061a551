/* ipdrift entry point: global options, then dispatch to one subcommand. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../db/db.h"
#include "app.h"
#include "config.h"

static const struct command *const commands[] = {
	&cmd_init, &cmd_import, &cmd_sweep, &cmd_listen, &cmd_resolve, &cmd_audit,
	&cmd_suppress, &cmd_report, &cmd_fix, &cmd_run, &cmd_prune, &cmd_subnets, &cmd_status,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipdrift [--db PATH] [--config FILE] [-v|-q] [--syslog] COMMAND [ARGS]\n"
		"\n"
		"Discovery-driven IPAM and DNS auditor: compares who is on the wire with what\n"
		"the IPAM and DNS say, and writes findings, reports and fixes.\n"
		"\n"
		"Global options:\n"
		"  --db PATH        database (default: $IPDRIFT_DB, else ./ipdrift.db)\n"
		"  --config FILE    configuration file (used by `run`; default\n"
		"                   " CONFIG_DEFAULT_PATH ")\n"
		"  --check-config   check the configuration file and exit (0 or 78)\n"
		"  -v, --verbose    more messages (repeat for debug)\n"
		"  -q, --quiet      errors only; no progress bars\n"
		"  --syslog         log to syslog instead of stderr\n"
		"  --version        print the version and exit\n"
		"  -h, --help       this help; `ipdrift COMMAND --help` for a command\n"
		"\nCommands:\n");
	for (const struct command *const *c = commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\nExit status: 0 ok, 1 findings at/above --fail-on, 64 usage, 65 bad data,\n"
		   "66 missing input, 69 not available, 73 cannot create output, 75 locked,\n"
		   "77 missing privilege (CAP_NET_RAW), 78 configuration error.\n");
}

int main(int argc, char **argv)
{
	struct app app = { .db_path = NULL };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "syslog", no_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	bool check_config = false;
	/* '+': stop at the first non-option (the command). */
	while ((c = getopt_long(argc, argv, "+d:c:vqh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': app.db_path = optarg; app.db_explicit = true; break;
		case 'C': check_config = true; break;
		case 'c': app.config_path = optarg; break;
		case 'v': app.verbosity = app.verbosity < 0 ? 1 : app.verbosity + 1; break;
		case 'q': app.verbosity = -1; break;
		case 's': app.syslog = true; break;
		case 'V': printf("ipdrift %s\n", IPD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (!app.db_path)
		app.db_path = getenv("IPDRIFT_DB");
	if (!app.db_path || !*app.db_path)
		app.db_path = "./ipdrift.db";

	enum log_level lvl = app.verbosity < 0 ? LOG_LVL_ERR
			   : app.verbosity == 0 ? LOG_LVL_WARN
			   : app.verbosity == 1 ? LOG_LVL_INFO : LOG_LVL_DEBUG;
	enum log_target tgt = LOG_TO_STDERR;
	if (app.syslog)
		tgt = LOG_TO_SYSLOG;
	else if (getenv("JOURNAL_STREAM"))
		tgt = LOG_TO_JOURNAL; /* stderr is the journal: use <N> prefixes */
	log_init(lvl, tgt);

	if (check_config)
		return config_check(app.config_path ? app.config_path : CONFIG_DEFAULT_PATH,
				    stdout, stderr);
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	const char *name = argv[optind];
	for (const struct command *const *cmd = commands; *cmd; cmd++) {
		if (strcmp((*cmd)->name, name) == 0) {
			int first = optind;
			optind = 0; /* glibc: reinitialise getopt for the command's own options */
			return (*cmd)->run(&app, argc - first, argv + first);
		}
	}
	log_warnx("unknown command \"%s\" (see ipdrift --help)", name);
	return EX_USAGE;
}
