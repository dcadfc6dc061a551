/* ipdrift fix: nsupdate scripts and IPAM CSV deltas from an audit run. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/addr.h"
#include "../common/escape.h"
#include "../common/hostname.h"
#include "../common/log.h"
#include "../db/db.h"
#include "../report/fix.h"
#include "../report/report.h"
#include "app.h"

int64_t app_report_now(void); /* cmd_report.c */

/* "H", "H:PORT", "[V6]:PORT", "V6" or dig's "ADDR#PORT". H must be an
 * address or a valid host name: it is written into the script. */
static bool parse_server(const char *s, char *host, size_t hlen, int *port)
{
	char buf[300];
	if (strlen(s) >= sizeof buf)
		return false;
	snprintf(buf, sizeof buf, "%s", s);
	*port = 0;
	char *h = buf, *p = NULL;
	if (buf[0] == '[') {
		char *e = strchr(buf, ']');
		if (!e)
			return false;
		*e = 0;
		h = buf + 1;
		if (e[1] == ':' || e[1] == '#')
			p = e + 2;
		else if (e[1])
			return false;
	} else if ((p = strchr(buf, '#'))) {
		*p++ = 0;
	} else {
		char *c = strchr(buf, ':');
		if (c && !strchr(c + 1, ':')) { /* exactly one colon: host:port */
			*c = 0;
			p = c + 1;
		}
	}
	if (p) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno || !*p || *end || v < 1 || v > 65535)
			return false;
		*port = (int)v;
	}
	struct ipd_ip ip;
	if (!ipd_ip_parse(h, &ip) && !hostname_valid_nsupdate(h, strlen(h)))
		return false;
	size_t hl = strlen(h);
	if (hl >= hlen)
		return false;
	memcpy(host, h, hl + 1); /* length checked; snprintf trips -Wformat-truncation at -O1 */
	if (*port == 53)
		*port = 0;
	return true;
}

static int run_is_audit(void *arg, const struct db_rpt_run *r)
{
	*(bool *)arg = strcmp(r->kind, "audit") == 0;
	return 0;
}

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_fix, argc, argv))
		return 0;
	bool nsupdate = false, dry = false, force = false;
	const char *outpath = NULL, *ipam = NULL, *format = "netbox", *server_s = NULL;
	int64_t ttl = 3600, run_id = -1;
	static const struct option opts[] = {
		{ "nsupdate", no_argument, NULL, 'n' },
		{ "ipam-csv", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, 's' },
		{ "ttl", required_argument, NULL, 't' },
		{ "run", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char *end;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': nsupdate = true; break;
		case 'i': ipam = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 's': server_s = optarg; break;
		case 't':
			errno = 0;
			ttl = strtoll(optarg, &end, 10);
			if (errno || !*optarg || *end || ttl < 0 || ttl > 2147483647) {
				log_warnx("--ttl: 0..2147483647 seconds");
				return EX_USAGE;
			}
			break;
		case 'r':
			errno = 0;
			run_id = strtoll(optarg, &end, 10);
			if (errno || !*optarg || *end || run_id <= 0) {
				log_warnx("--run: not a run id: %s", optarg);
				return EX_USAGE;
			}
			break;
		case 'D': dry = true; break;
		case 'F': force = true; break;
		default: app_usage(&cmd_fix, stderr); return EX_USAGE;
		}
	}
	if (optind < argc || nsupdate == (ipam != NULL)) {
		app_usage(&cmd_fix, stderr);
		return EX_USAGE;
	}
	enum fix_ipam_format ifmt;
	if (strcmp(format, "netbox") == 0)
		ifmt = FIX_IPAM_NETBOX;
	else if (strcmp(format, "native") == 0)
		ifmt = FIX_IPAM_NATIVE;
	else {
		log_warnx("--format: netbox or native");
		return EX_USAGE;
	}

	struct db *db;
	int rc = app_open_db(app, DB_READONLY, &db);
	if (rc)
		return rc;
	if (run_id > 0) {
		bool audit = false;
		if (db_rpt_run(db, run_id, run_is_audit, &audit) != IPD_OK || !audit) {
			log_warnx("no audit run %" PRId64 " in %s", run_id, db_path(db));
			db_close(db);
			return EX_DATAERR;
		}
	} else {
		run_id = db_rpt_latest_audit(db);
		if (run_id < 0) {
			log_warnx("no audit run in %s: run `ipdrift audit` first", db_path(db));
			db_close(db);
			return EX_DATAERR;
		}
	}

	struct fix_stats st;
	enum ipd_status s;
	FILE *f;
	struct rpt_out *out;
	if (nsupdate) {
		char host[256], from_db[300];
		int port = 0;
		if (!server_s && db_rpt_dns_server(db, from_db, sizeof from_db)) {
			server_s = from_db;
			/* from the store: checked by parse_server() only below */
			char *e = esc_term_dup(from_db);
			log_info("no --server: using %s, where the lookups went", e);
			free(e);
		}
		if (!server_s) {
			log_warnx("--server is needed: no DNS lookups recorded to take it from");
			db_close(db);
			return EX_USAGE;
		}
		if (!parse_server(server_s, host, sizeof host, &port)) {
			log_warnx("--server: not an address or host name with optional :PORT");
			db_close(db);
			return EX_USAGE;
		}
		struct fix_nsupdate_opts o = {
			.run_id = run_id, .server = host, .port = port, .ttl = ttl,
			.now = app_report_now(), .version = IPD_VERSION, .db_path = db_path(db),
			.plan = dry,
		};
		out = rpt_out_open(dry ? NULL : outpath, force, &f);
		if (!out) {
			db_close(db);
			return EX_CANTCREAT;
		}
		s = fix_nsupdate_write(db, &o, f, &st);
	} else {
		out = rpt_out_open(dry ? NULL : ipam, force, &f);
		if (!out) {
			db_close(db);
			return EX_CANTCREAT;
		}
		s = fix_ipam_write(db, run_id, ifmt, f, &st);
	}
	if (!rpt_out_close(out, s == IPD_OK)) {
		log_warnx("fix not written: %s", ipd_strerror(s == IPD_OK ? IPD_EIO : s));
		rc = s == IPD_OK ? EX_IOERR : EX_SOFTWARE;
	}
	if (st.refused)
		log_warnx("%d change(s) refused: not valid host names or addresses (listed in the %s)",
			  st.refused, nsupdate ? "script's comments and the report" : "report");
	log_info("%d change(s) written from audit run %" PRId64, st.changes, run_id);
	db_close(db);
	return rc;
}

const struct command cmd_fix = {
	.name = "fix",
	.summary = "write fixes: nsupdate scripts and IPAM CSV deltas",
	.usage = "usage: ipdrift fix --nsupdate [-o FILE] [--server H[:PORT]] [--ttl N] [--dry-run] [--force]\n"
		 "       ipdrift fix --ipam-csv FILE [--format netbox|native] [--dry-run] [--force]\n"
		 "       (both take [--run ID]: an audit run other than the newest)\n"
		 "\n--nsupdate writes an nsupdate(1) script (stdout without -o): one message per\n"
		 "DNS change, grouped by zone, each with server and zone and a comment naming\n"
		 "the finding. Adds to an absent record set are guarded by `prereq nxrrset`,\n"
		 "every other change by `prereq yxrrset` listing the whole set as the audit saw\n"
		 "it (only the wrong records are deleted), so a second run or a zone changed\n"
		 "since the audit makes nsupdate refuse (exit 2) instead of overwriting.\n"
		 "Apply with: nsupdate -k KEYFILE FILE (no secret is written into the script).\n"
		 "Names that are not valid host names are never emitted; they are listed in a\n"
		 "comment and in the report.\n"
		 "  --server H[:PORT]  server line (IPv6: [ADDR]:PORT); default: the server\n"
		 "                     the recorded lookups used\n"
		 "  --ttl N            TTL of added records (default 3600)\n"
		 "--ipam-csv FILE writes the IPAM delta: hosts to register, allocations to\n"
		 "deprecate, MACs to record. --format netbox (NetBox IP address bulk import:\n"
		 "id,address,vrf,status,dns_name,description,comments) or native (op,ip,\n"
		 "prefix_len,mac,hostname,status,description,finding,rule,severity,\n"
		 "seen_method,seen_iface,seen_vlan,first_seen,last_seen,vrf,source,ext_id).\n"
		 "NetBox rows about a recorded allocation carry its NetBox ID (`id`, from the\n"
		 "ID column of the imported NetBox export) and its recorded values, so that\n"
		 "importing them updates that object instead of creating a duplicate; the\n"
		 "object's comments are replaced. Rows without an ID (hosts to register, or no\n"
		 "NetBox ID recorded: the comments say why) create new objects.\n"
		 "  --dry-run          print the plan (nsupdate) or the CSV on stdout; write nothing\n"
		 "  --force            replace an existing output file (atomically); without it\n"
		 "                     files are created new (O_EXCL) with mode 0640\n",
	.run = run,
};
