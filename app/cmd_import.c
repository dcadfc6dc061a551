/*
 * ipdrift import KIND FILE: one snapshot of one named source, in one
 * transaction. Parsers (reconcile/import_*.c) report bad lines; unless
 * --keep-going, any bad line rolls everything back and exits 65.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db_inv.h"
#include "../reconcile/import.h"
#include "app.h"

#define MAX_PRINTED_BAD 50
#define MAX_FILES 3

struct imp_run {
	struct db_inv *inv;
	bool keep_going;
	bool quiet;
	unsigned long printed, bad, dups_merged;
	enum ipd_status store_err;
	int64_t rows_emitted;
};

static void report_bad(struct imp_run *ir, const char *file, unsigned long line, const char *msg)
{
	ir->bad++;
	if (ir->printed++ < MAX_PRINTED_BAD) {
		char *f = esc_term_dup(file), *m = esc_term_dup(msg);
		log_warnx("%s:%lu: %s", f, line, m);
		free(f);
		free(m);
	}
}

/* Duplicates are legitimate for shared addresses (anycast, VIPs, FHRP). */
static bool shared_role(const char *role)
{
	static const char *const r[] = { "anycast", "vip", "vrrp", "hsrp", "glbp", "carp" };
	for (size_t i = 0; role && i < sizeof r / sizeof r[0]; i++)
		if (strcmp(role, r[i]) == 0)
			return true;
	return false;
}

struct emit_ctx {
	struct imp_run *ir;
	struct imp_ctx *c;
};

static void on_bad(void *arg, const char *file, unsigned long line, const char *msg)
{
	struct emit_ctx *ec = arg;
	report_bad(ec->ir, file, line, msg);
}

static int emit_cb(void *arg, const struct inv_rec *r)
{
	struct emit_ctx *ec = arg;
	struct imp_run *ir = ec->ir;
	if (!ir->inv)
		return 0;   /* dry parse */
	unsigned long dup = 0;
	enum ipd_status s = db_inv_put(ir->inv, r, &dup);
	if (s == IPD_OK) {
		ir->rows_emitted++;
		return 0;
	}
	if (s == IPD_EINVAL) {
		char ipb[IPD_PFX_STRLEN];
		if (r->kind == INV_ALLOC && shared_role(r->u.alloc.role)) {
			ir->dups_merged++;
			return 0;
		}
		const char *vrf = r->kind == INV_ALLOC ? r->u.alloc.vrf : r->u.subnet.vrf;
		if (r->kind == INV_ALLOC)
			ipd_ip_fmt(&r->u.alloc.ip, ipb, sizeof ipb);
		else
			ipd_prefix_fmt(&r->u.subnet.pfx, ipb, sizeof ipb);
		char msg[512];
		snprintf(msg, sizeof msg, "duplicate %s %s in VRF \"%s\" (first on line %lu)",
			 r->kind == INV_ALLOC ? "address" : "prefix", ipb, vrf ? vrf : "", dup);
		ec->c->bad_rows++;
		ec->c->rows--;
		report_bad(ir, r->file, r->line, msg);
		return 0;
	}
	ir->store_err = s;
	return 1;
}

/* sha256 over format, origin and each file's bytes: "sha256:<hex>". */
static bool digest_files(const char *const *files, size_t n, const char *format,
			 const char *origin, char *out, size_t outlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return false;
	}
	EVP_DigestUpdate(md, format, strlen(format) + 1);
	EVP_DigestUpdate(md, origin ? origin : "", origin ? strlen(origin) + 1 : 1);
	char buf[65536];
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		if (!f) {
			EVP_MD_CTX_free(md);
			return false;
		}
		size_t k;
		while ((k = fread(buf, 1, sizeof buf, f)) > 0)
			EVP_DigestUpdate(md, buf, k);
		bool err = ferror(f);
		fclose(f);
		if (err) {
			EVP_MD_CTX_free(md);
			return false;
		}
		EVP_DigestUpdate(md, "\0", 1);
	}
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	size_t o = (size_t)snprintf(out, outlen, "sha256:");
	for (unsigned i = 0; i < hl && o + 3 <= outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02x", h[i]);
	return true;
}

static bool file_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* "db.example.test", "example.test.zone", "example.test.db" → "example.test." */
static char *origin_from_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	char *s = xstrdup(b);
	if (!strncasecmp(s, "db.", 3))
		memmove(s, s + 3, strlen(s + 3) + 1);
	static const char *const sfx[] = { ".zone", ".db", ".hosts", ".fwd", ".rev", ".txt" };
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		size_t n = strlen(s), k = strlen(sfx[i]);
		if (n > k && !strcasecmp(s + n - k, sfx[i]))
			s[n - k] = '\0';
	}
	if (!strchr(s, '.')) {
		free(s);
		return NULL;
	}
	/* "db.192.0.2" names the reverse zone of 192.0.2.0/24 */
	if (strspn(s, "0123456789.") == strlen(s)) {
		char rev[256] = "";
		size_t o = 0;
		for (char *p = s + strlen(s); p > s && o < 200;) {
			char *q = p;
			while (q > s && q[-1] != '.')
				q--;
			o += (size_t)snprintf(rev + o, sizeof rev - o, "%.*s.", (int)(p - q), q);
			p = q > s ? q - 1 : q;
		}
		free(s);
		return xasprintf("%sin-addr.arpa.", rev);
	}
	char *o = xasprintf("%s.", s);
	free(s);
	return o;
}

/* The file uses BIND's $GENERATE (only named-compilezone expands it). */
static bool zone_needs_compile(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool need = false;
	while (!need && getline(&line, &cap, f) >= 0)
		need = !strncasecmp(line, "$GENERATE", 9);
	free(line);
	fclose(f);
	return need;
}

/*
 * Canonicalise a zone with `named-compilezone -q -s full -i none -o - ORIGIN FILE`
 * into a temporary stream. Its diagnostics ("FILE:LINE: ...") go to our stderr.
 * Returns NULL when the tool is missing or rejects the file (*failed set).
 */
static FILE *zone_compile(const char *origin, const char *path, bool *failed)
{
	*failed = false;
	static const char *const tool_paths[] = { "/usr/bin/named-compilezone",
						  "/usr/sbin/named-compilezone" };
	const char *tool = NULL;
	for (size_t i = 0; i < 2 && !tool; i++)
		if (access(tool_paths[i], X_OK) == 0)
			tool = tool_paths[i];
	if (!tool)
		return NULL;
	FILE *out = tmpfile();
	if (!out)
		return NULL;
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fclose(out);
		return NULL;
	}
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		execl(tool, "named-compilezone", "-q", "-s", "full", "-i", "none", "-k", "ignore",
		      "-o", "-", origin, path, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		*failed = true;
		fclose(out);
		return NULL;
	}
	rewind(out);
	return out;
}

static const char *const kinds[] = { "subnets", "ranges", "allocations", "leases", "zone",
				     "allowlist", NULL };

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_import, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "source", required_argument, NULL, 's' },
		{ "origin", required_argument, NULL, 'o' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "now", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *source = NULL, *origin_opt = NULL;
	bool keep_going = false, quiet = app->verbosity < 0;
	int64_t now = (int64_t)time(NULL);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ch;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":f:s:o:kq", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 's': source = optarg; break;
		case 'o': origin_opt = optarg; break;
		case 'k': keep_going = true; break;
		case 'q': quiet = true; break;
		case 'n': {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || *end || v < 0) {
				log_warnx("import: --now wants epoch seconds");
				return EX_USAGE;
			}
			now = v;
			break;
		}
		default:
			app_usage(&cmd_import, stderr);
			return EX_USAGE;
		}
	}
	if (argc - optind != 2) {
		app_usage(&cmd_import, stderr);
		return EX_USAGE;
	}
	const char *kind = argv[optind], *path = argv[optind + 1];
	bool kind_ok = false;
	for (size_t i = 0; kinds[i]; i++)
		kind_ok |= strcmp(kinds[i], kind) == 0;
	if (!kind_ok) {
		log_warnx("import: unknown kind \"%s\" (subnets ranges allocations leases zone allowlist)",
			  kind);
		return EX_USAGE;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		log_warn("import: %s", path);
		return EX_NOINPUT;
	}

	/* format: given or detected from the first bytes */
	const struct imp_format *fmt = NULL;
	if (format) {
		fmt = imp_format_find(format);
		if (!fmt || strcmp(fmt->kind, kind) != 0) {
			log_warnx("import: format \"%s\" does not read %s (see ipdrift import --help)",
				  format, kind);
			fclose(f);
			return EX_USAGE;
		}
	} else {
		char head[4096];
		size_t hn = fread(head, 1, sizeof head, f);
		rewind(f);
		fmt = imp_format_detect(kind, head, hn);
		if (!fmt) {
			log_warnx("%s:1: cannot tell the format of this %s file; give --format", path, kind);
			fclose(f);
			return EX_DATAERR;
		}
	}

	/* the files of this snapshot: Kea LFC companions first (oldest first) */
	const char *files[MAX_FILES];
	char *owned[MAX_FILES] = { 0 };
	size_t nfiles = 0;
	if (!strcmp(fmt->name, "kea4") || !strcmp(fmt->name, "kea6")) {
		for (int k = 2; k >= 1; k--) {
			char *cp = xasprintf("%s.%d", path, k);
			if (file_exists(cp)) {
				owned[nfiles] = cp;
				files[nfiles++] = cp;
			} else {
				free(cp);
			}
		}
	}
	files[nfiles++] = path;

	char *origin = NULL;
	bool compile = false;
	if (!strcmp(kind, "zone")) {
		origin = origin_opt ? (origin_opt[strlen(origin_opt) ? strlen(origin_opt) - 1 : 0] == '.'
				       ? xstrdup(origin_opt) : xasprintf("%s.", origin_opt))
				    : origin_from_name(path);
		compile = zone_needs_compile(path);
	}
	const char *fmt_name = compile ? "zone+named-compilezone" : fmt->name;
	char digest[80];
	int rc = 0;
	struct db *db = NULL;
	int64_t run_id = -1;
	if (!digest_files(files, nfiles, fmt_name, origin, digest, sizeof digest)) {
		log_warn("import: %s", path);
		rc = EX_NOINPUT;
		goto out;
	}
	rc = app_open_db(app, DB_CREATE, &db);
	if (rc)
		goto out;
	char *args = xasprintf("%s %s --format %s", kind, path, fmt_name);
	run_id = db_run_start(db, "import", -1, NULL, NULL, args);
	free(args);

	struct db_inv_source src = {
		.name = source ? source : path, .kind = kind, .format = fmt_name, .path = path,
		.digest = digest, .now = now,
	};
	for (size_t i = 0; i < nfiles; i++) {
		struct stat sb;
		if (stat(files[i], &sb) == 0)
			src.size_hint += (int64_t)sb.st_size;
	}
	struct imp_run ir = { .keep_going = keep_going, .quiet = quiet };
	bool unchanged = false;
	int64_t prev_rows = 0, rows = 0;
	enum ipd_status s = db_inv_begin(db, &src, &ir.inv, &unchanged, &prev_rows);
	if (s != IPD_OK) {
		rc = s == IPD_EINVAL ? EX_DATAERR : EX_IOERR;
		goto finish;
	}
	if (unchanged) {
		if (!quiet)
			printf("%s: %s unchanged (%s, %" PRId64 " rows, source \"%s\")\n", kind, path,
			       fmt_name, prev_rows, src.name);
		goto finish;
	}

	unsigned long total_rows = 0, total_bad = 0, other = 0, skipped = 0;
	bool fatal_input = false;
	for (size_t i = 0; i < nfiles && !ir.store_err; i++) {
		struct imp_ctx c = { .file = files[i], .now = now, .origin = origin,
				     .emit = emit_cb, .bad = on_bad };
		struct emit_ctx ec = { &ir, &c };
		c.arg = &ec;
		FILE *in = NULL;
		bool close_in = true;
		if (i + 1 == nfiles) {
			in = f;
			close_in = false;
		} else {
			in = fopen(files[i], "rb");
			if (!in) {
				log_warn("import: %s", files[i]);
				rc = EX_NOINPUT;
				break;
			}
		}
		if (compile) {
			bool failed;
			FILE *cz = zone_compile(origin ? origin : ".", path, &failed);
			if (!cz) {
				log_warnx("%s: %s", path, failed ? "rejected by named-compilezone (see above)"
								  : "$GENERATE needs named-compilezone (bind9-utils)");
				fatal_input = true;
				c.bad_rows++;
				ir.bad++;
			} else {
				c.file = path;
				s = fmt->parse(&c, cz);
				fclose(cz);
			}
		} else {
			s = fmt->parse(&c, in);
		}
		if (close_in)
			fclose(in);
		if (s == IPD_EINVAL)
			fatal_input = true;
		if (s == IPD_EIO) {
			log_warn("import: reading %s", files[i]);
			rc = EX_IOERR;
		}
		total_rows += c.rows;
		total_bad += c.bad_rows;
		other += c.other_types;
		skipped += c.skipped;
	}
	if (ir.printed > MAX_PRINTED_BAD)
		log_warnx("... %lu more bad lines not shown", ir.printed - MAX_PRINTED_BAD);
	if (ir.store_err) {
		db_inv_abort(ir.inv);
		rc = EX_IOERR;
		goto finish;
	}
	if (rc) {
		db_inv_abort(ir.inv);
		goto finish;
	}
	if (fatal_input || (total_bad && !keep_going)) {
		db_inv_abort(ir.inv);
		log_warnx("import: %s: %lu bad line%s, nothing imported%s", path, total_bad,
			  total_bad == 1 ? "" : "s",
			  fatal_input || keep_going ? "" : " (--keep-going imports the good rows)");
		rc = EX_DATAERR;
		goto finish;
	}
	char stats[160];
	snprintf(stats, sizeof stats,
		 "{\"parsed\":%lu,\"bad\":%lu,\"other_types\":%lu,\"skipped\":%lu,\"merged\":%lu}",
		 total_rows, total_bad, other, skipped, ir.dups_merged);
	s = db_inv_commit(ir.inv, (int64_t)total_bad, stats, &rows);
	if (s != IPD_OK) {
		rc = EX_IOERR;
		goto finish;
	}
	if (!quiet) {
		printf("%s: imported %" PRId64 " rows from %s (format %s, source \"%s\"; before: %" PRId64
		       " rows)", kind, rows, path, fmt_name, src.name, prev_rows);
		if (total_bad)
			printf("; %lu bad lines skipped", total_bad);
		if (other)
			printf("; %lu records of other types counted, not kept", other);
		if (skipped)
			printf("; %lu rows without an allowlist role skipped", skipped);
		if (ir.dups_merged)
			printf("; %lu shared (anycast/VIP/FHRP) duplicates merged", ir.dups_merged);
		putchar('\n');
	}

finish:
	if (run_id > 0) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		struct db_run_stats rs = { .status = rc ? "failed" : "ok", .loss = -1,
					   .duration_ms = (t1.tv_sec - t0.tv_sec) * 1000 +
							  (t1.tv_nsec - t0.tv_nsec) / 1000000 };
		db_run_finish(db, run_id, &rs);
	}
out:
	if (f)
		fclose(f);
	for (size_t i = 0; i < MAX_FILES; i++)
		free(owned[i]);
	free(origin);
	if (db)
		db_close(db);
	return rc;
}

const struct command cmd_import = {
	.name = "import",
	.summary = "import an IPAM inventory, DHCP leases, a DNS zone or an allowlist",
	.usage = "usage: ipdrift import KIND FILE [--format F] [--source NAME] [--keep-going]\n"
		 "\nKIND: subnets ranges allocations leases zone allowlist\n"
		 "Each import is a snapshot of one named source (default: the file name):\n"
		 "rows of that source missing from FILE are removed, in one transaction.\n"
		 "Importing the same file again changes nothing.\n"
		 "  --format F     subnets:     netbox-prefix native-subnets\n"
		 "                 ranges:      netbox-range native-ranges\n"
		 "                 allocations: netbox phpipam native\n"
		 "                 leases:      isc-dhcpd kea4 kea6 dnsmasq\n"
		 "                 zone:        zone\n"
		 "                 allowlist:   native-allowlist netbox-allowlist\n"
		 "                 (detected from the content when omitted; named in the output)\n"
		 "  --source NAME  name of the source (default: FILE)\n"
		 "  --origin ZONE  origin for zone files without $ORIGIN (default: from the\n"
		 "                 file name, e.g. db.example.test)\n"
		 "  --keep-going   import the good rows and list the bad ones\n"
		 "  --now EPOCH    time used to tell active from expired leases (default: now)\n"
		 "  --quiet        no summary line\n"
		 "Kea lease files: FILE.2 and FILE.1 (LFC companions) are read first when present.\n"
		 "Zone files using $GENERATE are canonicalised with named-compilezone.\n"
		 "Bad input: FILE:LINE: reason on stderr, exit 65, nothing imported.\n",
	.run = run,
};
