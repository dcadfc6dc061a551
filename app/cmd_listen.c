/*
 * ipdrift listen: passive discovery from live interfaces and pcap/pcapng
 * files. Phases: parse options -> privileged opens (capture handles, store)
 * -> priv_drop -> capture loop (parse_frame -> passive state) -> flush.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/xmem.h"
#include "../db/db.h"
#include "../db/db_obs.h"
#include "../db/db_obs_listen.h"
#include "../scanner/capture.h"
#include "../scanner/parse.h"
#include "../scanner/passive.h"
#include "../scanner/passive_store.h"
#include "app.h"
#include "priv.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct listen {
	struct passive *pv;
	struct parse_counters cnt;
	struct obs_sink sink;
	struct db_writer *w;
	struct pstore *ps;      /* writer thread owning w during the capture */
	struct db_ckpt *ck;     /* files: WAL checkpoints on their own thread */
	unsigned obs_uncommitted;
	bool json;
	struct sbuf line;
};

/* --- JSON lines (stdout) --- */
static void jl_ip(struct sbuf *b, const char *k, const struct ipd_ip *ip)
{
	char s[IPD_IP_STRLEN];
	sbuf_printf(b, ",\"%s\":", k);
	if (ip)
		esc_json_str(ESC_BUF(b), ipd_ip_fmt(ip, s, sizeof s));
	else
		sbuf_adds(b, "null");
}

static void jl_mac(struct sbuf *b, const char *k, const struct ipd_mac *m)
{
	char s[IPD_MAC_STRLEN];
	sbuf_printf(b, ",\"%s\":", k);
	if (m)
		esc_json_str(ESC_BUF(b), ipd_mac_fmt(m, s, sizeof s));
	else
		sbuf_adds(b, "null");
}

static enum ipd_status out_event(void *ctx, const struct db_event *e)
{
	struct listen *l = ctx;
	if (l->json) {
		struct sbuf *b = &l->line;
		sbuf_reset(b);
		sbuf_adds(b, "{\"type\":\"event\",\"kind\":");
		esc_json_str(ESC_BUF(b), e->kind);
		sbuf_printf(b, ",\"at\":%" PRId64, e->at);
		jl_ip(b, "ip", e->ip);
		jl_mac(b, "mac", e->mac);
		jl_mac(b, "other_mac", e->other_mac);
		sbuf_printf(b, ",\"vlan\":%d,\"iface\":", e->vlan);
		esc_json_str(ESC_BUF(b), e->iface);
		sbuf_printf(b, ",\"detail\":%s", e->detail_json ? e->detail_json : "null");
		if (e->raw) {
			sbuf_adds(b, ",\"raw_hex\":\"");
			for (size_t i = 0; i < e->raw_len; i++)
				sbuf_printf(b, "%02x", ((const unsigned char *)e->raw)[i]);
			sbuf_addc(b, '"');
		}
		sbuf_adds(b, "}\n");
		fputs(sbuf_str(b), stdout);
	}
	if (l->ps)
		return pstore_event(l->ps, e);
	return IPD_OK;
}

/* Observation rows come in bursts of tens of thousands (a file's final
 * flush). Committing every OBS_COMMIT of them lets the checkpoint thread
 * copy the earlier ones into the database while the writer goes on, so
 * closing the store has little left to copy. */
#define OBS_COMMIT 8192

static enum ipd_status out_obs(void *ctx, const struct db_obs *o)
{
	struct listen *l = ctx;
	if (!l->ps)
		return IPD_OK;
	enum ipd_status st = pstore_obs(l->ps, o);
	if (st == IPD_OK && l->ck && ++l->obs_uncommitted >= OBS_COMMIT) {
		l->obs_uncommitted = 0;
		st = pstore_flush(l->ps);
	}
	return st;
}

static enum ipd_status print_obs(void *ctx, const struct db_obs *o)
{
	struct listen *l = ctx;
	struct sbuf *b = &l->line;
	sbuf_reset(b);
	sbuf_adds(b, "{\"type\":\"obs\"");
	jl_ip(b, "ip", &o->ip);
	jl_mac(b, "mac", &o->mac);
	sbuf_printf(b, ",\"vlan\":%d,\"iface\":", o->vlan);
	esc_json_str(ESC_BUF(b), o->iface);
	sbuf_printf(b, ",\"method\":\"%s\",\"first_seen\":%" PRId64 ",\"last_seen\":%" PRId64
		       ",\"count\":%" PRId64 "}\n",
		    o->method, o->first_seen, o->last_seen, o->count);
	fputs(sbuf_str(b), stdout);
	return IPD_OK;
}

static int on_frame(void *ctx, const struct frame *f)
{
	struct listen *l = ctx;
	parse_frame(f, &l->sink, &l->cnt);
	return l->cnt.stop != IPD_OK;
}

static void on_tick(void *ctx)
{
	struct listen *l = ctx;
	if (l->ps) {
		passive_flush(l->pv);
		pstore_flush(l->ps);
	}
}

/* Prefixes configured on iface (for the bogon check and passive coverage). */
static int iface_prefixes(const char *iface, struct ipd_prefix *out, int max)
{
	struct ifaddrs *ifa0, *ifa;
	int n = 0;
	if (getifaddrs(&ifa0) != 0) {
		log_warn("getifaddrs");
		return 0;
	}
	for (ifa = ifa0; ifa && n < max; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || !ifa->ifa_netmask || strcmp(ifa->ifa_name, iface) != 0)
			continue;
		struct ipd_ip ip;
		int bits = 0;
		if (ifa->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)ifa->ifa_addr;
			const struct sockaddr_in *m = (const void *)ifa->ifa_netmask;
			ipd_ip_from_v4_bytes(&ip, (const uint8_t *)&a->sin_addr);
			bits = __builtin_popcount(m->sin_addr.s_addr);
		} else if (ifa->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const void *)ifa->ifa_addr;
			const struct sockaddr_in6 *m = (const void *)ifa->ifa_netmask;
			ipd_ip_from_v6_bytes(&ip, a->sin6_addr.s6_addr);
			for (int i = 0; i < 16; i++)
				bits += __builtin_popcount(m->sin6_addr.s6_addr[i]);
		} else {
			continue;
		}
		ipd_prefix_of(&ip, bits, &out[n++]);
	}
	freeifaddrs(ifa0);
	return n;
}

static int preload_cb(void *arg, const struct db_obs_row *r)
{
	struct ipd_mac mac;
	if (ipd_mac_parse(r->mac, &mac))
		passive_preload(arg, &r->ip, r->vlan, &mac, r->last_seen);
	return 0;
}

static int subnet_cb(void *arg, const struct ipd_prefix *p, int vlan)
{
	(void)vlan;
	passive_add_prefix(arg, NULL, p);
	return 0;
}

static bool parse_num(const char *opt, const char *s, long long lo, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < lo) {
		log_warnx("%s: not a valid number: %s", opt, s);
		return false;
	}
	*out = v;
	return true;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define MAX_SRC 64
#define MAX_PFX 64

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_listen, argc, argv))
		return 0;
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "read", required_argument, NULL, 'r' },
		{ "no-promisc", no_argument, NULL, 'p' },
		{ "filter", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'D' },
		{ "count", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-store", no_argument, NULL, 'N' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "sensor", required_argument, NULL, 's' },
		{ "flush", required_argument, NULL, 'F' },
		{ "parent-run", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifaces[MAX_SRC], *files[MAX_SRC];
	int nif = 0, nfile = 0, npfx = 0;
	struct ipd_prefix user_pfx[MAX_PFX];
	struct capture_opts copts = { .promisc = true };
	const char *user = NULL, *sensor = NULL;
	long long duration = 0, count = 0, flush_s = 60, parent = 0;
	bool json = false, no_store = false;
	int o;
	while ((o = getopt_long(argc, argv, "i:r:pf:q", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
		case 'r':
			if ((o == 'i' ? nif : nfile) >= MAX_SRC) {
				log_warnx("too many sources (max %d)", MAX_SRC);
				return EX_USAGE;
			}
			if (o == 'i')
				ifaces[nif++] = optarg;
			else
				files[nfile++] = optarg;
			break;
		case 'p': copts.promisc = false; break;
		case 'f': copts.filter = optarg; break;
		case 'D':
			if (!parse_num("--duration", optarg, 1, &duration))
				return EX_USAGE;
			break;
		case 'c':
			if (!parse_num("--count", optarg, 1, &count))
				return EX_USAGE;
			break;
		case 'F':
			if (!parse_num("--flush", optarg, 1, &flush_s))
				return EX_USAGE;
			break;
		case 'R':
			if (!parse_num("--parent-run", optarg, 0, &parent))
				return EX_USAGE;
			break;
		case 'q': app->verbosity = -1; break;
		case 'u': user = optarg; break;
		case 's': sensor = optarg; break;
		case 'j': json = true; break;
		case 'N': no_store = true; break;
		case 'P':
			if (npfx >= MAX_PFX || !ipd_prefix_parse(optarg, &user_pfx[npfx], false)) {
				log_warnx("--prefix: not a prefix (or too many): %s", optarg);
				return EX_USAGE;
			}
			npfx++;
			break;
		default:
			app_usage(&cmd_listen, stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc || (nif == 0 && nfile == 0)) {
		if (optind < argc)
			log_warnx("unexpected argument: %s", argv[optind]);
		else
			log_warnx("listen: give -i IFACE or -r FILE");
		app_usage(&cmd_listen, stderr);
		return EX_USAGE;
	}

	int rc = 0;
	bool privileged = false;
	struct capture *cap = NULL;
	struct db *db = NULL;
	struct passive *pv = NULL;
	int64_t run_id = -1;
	struct listen l = { .json = json };
	sbuf_init(&l.line);

	/* 1. Privileged opens: live handles need CAP_NET_RAW; as root we also
	 *    drop after opening files. */
	if (nif > 0 || geteuid() == 0) {
		rc = priv_init();
		if (rc != 0)
			goto done;
		privileged = true;
	}
	cap = capture_new(&copts);
	for (int i = 0; i < nfile; i++) {
		if (capture_add_file(cap, files[i]) != IPD_OK) {
			rc = EX_NOINPUT;
			goto done;
		}
	}
	for (int i = 0; i < nif; i++) {
		if (priv_raise_net() != 0) {
			rc = EX_NOPERM;
			goto done;
		}
		enum ipd_status st = capture_add_live(cap, ifaces[i]);
		priv_lower_net();
		if (st != IPD_OK) {
			rc = st == IPD_EPERM ? EX_NOPERM : st == IPD_EINVAL ? EX_USAGE : EX_NOINPUT;
			goto done;
		}
	}

	/* 2. The store: opened before the drop, so its files stay reachable. */
	if (!no_store) {
		rc = app_open_db(app, DB_CREATE, &db);
		if (rc != 0)
			goto done;
		struct sbuf args = SBUF_INIT, names = SBUF_INIT;
		for (int i = 1; i < argc; i++) {
			if (i > 1)
				sbuf_addc(&args, ' ');
			sbuf_adds(&args, argv[i]);
		}
		for (int i = 0; i < nif; i++) {
			if (i)
				sbuf_addc(&names, ',');
			sbuf_adds(&names, ifaces[i]);
		}
		run_id = db_run_start(db, "listen", parent ? parent : app->parent_run, nif ? sbuf_str(&names) : NULL, sensor,
				      sbuf_str(&args));
		sbuf_free(&args);
		sbuf_free(&names);
		if (run_id < 0) {
			rc = EX_IOERR;
			goto done;
		}
		/* Large batches: a capture writes tens of thousands of rows at once. */
		db_listen_bulk(db, nif == 0);
		l.w = db_writer_new(db, 50000);
		if (nif == 0)
			l.ck = db_ckpt_open(db);
	}
	struct passive_opts po = {
		.sensor = sensor,
		.run_id = run_id,
		.out = { .ctx = &l, .obs = out_obs, .event = out_event },
		.prefetch_ring = nif == 0,
	};
	pv = passive_new(&po);
	l.pv = pv;
	l.sink = passive_sink(pv);
	for (int i = 0; i < npfx; i++)
		passive_add_prefix(pv, NULL, &user_pfx[i]);
	for (int i = 0; i < nif; i++) {
		struct ipd_prefix p[MAX_PFX];
		int n = iface_prefixes(ifaces[i], p, MAX_PFX);
		for (int k = 0; k < n; k++) {
			passive_add_prefix(pv, ifaces[i], &p[k]);
			if (db && !ipd_ip_is_link_local(&p[k].addr)) {
				struct ipd_ip lo, hi;
				ipd_prefix_first(&p[k], &lo);
				ipd_prefix_last(&p[k], &hi);
				db_coverage_add(db, run_id, &lo, &hi, 0, ifaces[i], false);
			}
		}
	}
	if (db) {
		/* Offline files have no interface: recorded subnets are the
		 * expected prefixes unless --prefix says otherwise. */
		if (nfile > 0 && npfx == 0)
			db_subnet_prefixes(db, subnet_cb, pv);
		if (db_obs_list(db, NULL, 0, preload_cb, pv) != IPD_OK) {
			rc = EX_IOERR;
			goto done;
		}
	}

	/* 3. Drop before the first packet is parsed. */
	if (privileged) {
		rc = priv_drop(user);
		if (rc != 0)
			goto done;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct capture_limits lim = {
		.count = (uint64_t)count,
		.duration_ms = duration * 1000,
		.stop = &stop_flag,
		.tick = on_tick,
		.tick_ms = flush_s * 1000,
	};
	/* From here until pstore_close only the writer thread uses the store. */
	if (l.w)
		l.ps = pstore_new(l.w);
	db_ckpt_start(l.ck);
	int64_t t0 = mono_ms();
	enum ipd_status cst = capture_run(cap, &lim, on_frame, &l);
	int64_t elapsed = mono_ms() - t0;
	db_ckpt_hurry(l.ck);

	/* 4. Flush everything, then report. */
	int64_t t1 = mono_ms();
	enum ipd_status st = passive_flush(pv);
	if (json)
		passive_totals_sorted(pv, print_obs, &l);
	if (l.ps) {
		enum ipd_status pst = pstore_close(l.ps);
		l.ps = NULL;
		if (st == IPD_OK)
			st = pst;
	}
	if (l.w) {
		enum ipd_status wst = db_writer_close(l.w);
		l.w = NULL;
		db_ckpt_close(l.ck);
		l.ck = NULL;
		if (st == IPD_OK)
			st = wst;
	}
	if (st == IPD_OK && l.cnt.stop != IPD_OK)
		st = l.cnt.stop;
	log_info("listen: capture %.3f s, observation flush and commit %.3f s",
		 (double)elapsed / 1000.0, (double)(mono_ms() - t1) / 1000.0);
	struct capture_stats cs;
	capture_get_stats(cap, &cs);
	struct passive_stats ps;
	passive_get_stats(pv, &ps);
	char pj[1024], stats[1400];
	parse_counters_json(&l.cnt, pj, sizeof pj);
	snprintf(stats, sizeof stats,
		 "{\"parse\":%s,\"capture\":{\"frames\":%" PRIu64 ",\"recv\":%" PRIu64
		 ",\"drop\":%" PRIu64 ",\"ifdrop\":%" PRIu64 "},\"hosts\":%" PRIu64
		 ",\"observations\":%" PRIu64 ",\"events\":%" PRIu64 ",\"preloaded\":%" PRIu64
		 ",\"obs_dropped\":%" PRIu64 "}",
		 pj, cs.frames, cs.recv, cs.drop, cs.ifdrop, ps.hosts, ps.obs_rows, ps.events,
		 ps.preloaded, ps.obs_dropped);
	if (json)
		printf("{\"type\":\"counters\",\"counters\":%s}\n", pj);
	fflush(stdout);
	if (db) {
		struct db_run_stats rs = {
			.received = (int64_t)l.cnt.frames,
			.duration_ms = elapsed,
			.loss = -1,
			.stats_json = stats,
			.status = st != IPD_OK || cst != IPD_OK ? "failed"
				  : stop_flag ? "interrupted" : "ok",
		};
		if (db_run_finish(db, run_id, &rs) != IPD_OK && st == IPD_OK)
			st = IPD_EDB;
	}
	if (app->verbosity >= 0) {
		fprintf(stderr,
			"listen: %" PRIu64 " frames (%" PRIu64 " decoded, %" PRIu64 " skipped, %" PRIu64
			" truncated, %" PRIu64 " invalid) in %.3f s\n",
			l.cnt.frames, l.cnt.decoded, l.cnt.skipped, l.cnt.truncated, l.cnt.invalid,
			(double)elapsed / 1000.0);
		for (int i = PARSER_ARP; i < PARSER_MAX; i++)
			fprintf(stderr, "  %-5s ok %" PRIu64 "  truncated %" PRIu64 "  invalid %" PRIu64 "\n",
				parser_name(i), l.cnt.ok[i], l.cnt.trunc[i], l.cnt.inval[i]);
		fprintf(stderr,
			"  l2    truncated %" PRIu64 "  invalid %" PRIu64 "  other link types %" PRIu64
			"\n  hosts %" PRIu64 "  observations %" PRIu64 "  events %" PRIu64 "\n",
			l.cnt.trunc[PARSER_L2], l.cnt.inval[PARSER_L2], l.cnt.linktype_skipped, ps.hosts,
			ps.obs_rows, ps.events);
		if (cs.recv || cs.drop)
			fprintf(stderr, "  pcap received %" PRIu64 "  dropped %" PRIu64 "  ifdropped %" PRIu64 "\n",
				cs.recv, cs.drop, cs.ifdrop);
	}
	if (st != IPD_OK) {
		log_warnx("listen: %s", ipd_strerror(st));
		rc = EX_IOERR;
	} else if (cst != IPD_OK) {
		rc = EX_IOERR;
	}

done:
	if (l.ps)
		pstore_close(l.ps);
	if (l.w)
		db_writer_close(l.w);
	db_ckpt_close(l.ck);
	passive_free(pv);
	capture_free(cap);
	if (db) {
		int64_t t2 = mono_ms();
		db_close(db);
		log_info("listen: store closed (WAL checkpoint) in %.3f s", (double)(mono_ms() - t2) / 1000.0);
	}
	sbuf_free(&l.line);
	return rc;
}

const struct command cmd_listen = {
	.name = "listen",
	.summary = "passive discovery: capture ARP, IPv6 ND and DHCP (live or pcap files)",
	.usage = "usage: ipdrift listen [-i IFACE]... [-r FILE]... [options]\n"
		 "\n  -i, --interface IFACE   capture live (repeatable)\n"
		 "  -r, --read FILE         read a pcap or pcapng file (repeatable)\n"
		 "  -p, --no-promisc        do not put the interface in promiscuous mode\n"
		 "  -f, --filter EXPR       BPF filter (default on live interfaces: arp, icmp6, DHCP;\n"
		 "                          untagged, 802.1Q and QinQ; files: none)\n"
		 "  --duration SEC          stop after SEC seconds\n"
		 "  --count N               stop after N frames\n"
		 "  --user USER             user to switch to after opening (default nobody)\n"
		 "  --prefix CIDR           expected prefix for the bogon check (repeatable;\n"
		 "                          default: the interfaces' own, or recorded subnets for files)\n"
		 "  --sensor NAME           sensor name stored with observations and events\n"
		 "  --flush SEC             write observations every SEC seconds while live (60)\n"
		 "  --parent-run ID         record this capture as a stage of run ID (ipdrift run)\n"
		 "  -q, --quiet             no counters on stderr\n"
		 "  --json                  print events as they happen, then observations and\n"
		 "                          counters, as JSON lines on stdout\n"
		 "  --no-store              do not open the store (no preload, nothing written)\n"
		 "Records observations (arp-passive, nd-passive, dhcp) and arpwatch-style events:\n"
		 "new station, changed ethernet address, flip flop, reused old ethernet address,\n"
		 "bogon, ethernet mismatch, dad conflict, dhcp server, router advertisement,\n"
		 "dhcp hostname, dhcp client (a client without hostname: its fingerprint).\n"
		 "DHCP client events carry client_id (option 61, colon hex), vendor_class (60)\n"
		 "and prl (55, e.g. \"1,3,6,15\") when the packet has them.\n"
		 "SIGINT/SIGTERM flush and stop. Counters go to stderr (not with -q).\n",
	.run = run,
};
