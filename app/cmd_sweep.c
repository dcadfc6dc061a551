/*
 * ipdrift sweep: active discovery with ARP and IPv6 ND probes.
 *
 * Order of work (privileges as in arp-scan / tcpdump): parse options and
 * targets, limit capabilities, open the store and start the run row, open the
 * capture and the injection socket with CAP_NET_RAW raised, drop privileges
 * (root -> --user, capabilities -> none), then probe. Results go to the store
 * (observations, "ip conflict" events, coverage, the run row) and to stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <math.h>
#include <net/if.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/escape.h"
#include "../common/log.h"
#include "../common/oui.h"
#include "../common/xmem.h"
#include "../db/db_obs.h"
#include "../db/db_sweep.h"
#include "../scanner/pace.h"
#include "../scanner/sweep.h"
#include "app.h"
#include "priv.h"

#define DEFAULT_RATE 1000      /* pps: a /24 in 0.26 s, a /16 in about a minute */
#define DEFAULT_RETRIES 2
#define DEFAULT_TIMEOUT 500
#define FAST_TIMEOUT 100
#define FAST_QUIET 5
#define MAX_V4_PREFIX_DEFAULT 16 /* default targets: skip prefixes larger than a /16 */
#define MAX_V6_RANGE 65536
#define MAX_THREADS 8

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct opts {
	const char *iface;
	const char *user;
	const char *write_pcap;
	const char *source;
	bool dry_run, json, fast, no4, no6, quiet;
	double rate, bandwidth;
	int retries, timeout_ms, vlan;
	enum tx_mode txmode;
	int64_t parent_run;
	int threads;
	char **target6;
	size_t n_target6;
};

/* ---- interface addressing ---- */

struct ifinfo {
	char name[IF_NAMESIZE];
	int ifindex;
	struct ipd_mac mac;
	bool has_mac;
	struct ipd_prefix v4[16];
	int n_v4;
	struct ipd_ip ll6, global6;
	bool has_ll6, has_global6;
};

static int mask_len(const uint8_t *m, int n)
{
	int len = 0;
	for (int i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--) {
			if (!(m[i] >> b & 1))
				return len;
			len++;
		}
	return len;
}

/* Fill info for name, or for the first interface that is up, not loopback
 * and has a MAC when name is NULL. */
static bool if_lookup(const char *name, struct ifinfo *info)
{
	struct ifaddrs *ifa0;
	if (getifaddrs(&ifa0) != 0) {
		log_warn("getifaddrs");
		return false;
	}
	memset(info, 0, sizeof *info);
	if (name == NULL) {
		for (struct ifaddrs *a = ifa0; a; a = a->ifa_next)
			if (a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET &&
			    (a->ifa_flags & IFF_UP) && !(a->ifa_flags & IFF_LOOPBACK)) {
				name = a->ifa_name;
				break;
			}
		if (name == NULL) {
			log_warnx("no interface is up; give one with -i");
			freeifaddrs(ifa0);
			return false;
		}
	}
	snprintf(info->name, sizeof info->name, "%s", name);
	for (struct ifaddrs *a = ifa0; a; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, info->name) != 0)
			continue;
		int fam = a->ifa_addr->sa_family;
		if (fam == AF_PACKET) {
			const struct sockaddr_ll *sll = (const void *)a->ifa_addr;
			if (sll->sll_halen == 6) {
				memcpy(info->mac.b, sll->sll_addr, 6);
				info->has_mac = true;
			}
		} else if (fam == AF_INET && info->n_v4 < 16) {
			const struct sockaddr_in *sin = (const void *)a->ifa_addr;
			const struct sockaddr_in *nm = (const void *)a->ifa_netmask;
			struct ipd_ip ip;
			ipd_ip_from_v4_bytes(&ip, (const uint8_t *)&sin->sin_addr);
			int len = nm ? mask_len((const uint8_t *)&nm->sin_addr, 4) : 32;
			struct ipd_prefix *p = &info->v4[info->n_v4++];
			p->addr = ip; /* keep the host address; the prefix is derived below */
			p->len = (uint8_t)len;
		} else if (fam == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)a->ifa_addr;
			struct ipd_ip ip;
			ipd_ip_from_v6_bytes(&ip, s6->sin6_addr.s6_addr);
			if (ipd_ip_is_link_local(&ip)) {
				if (!info->has_ll6) {
					info->ll6 = ip;
					info->has_ll6 = true;
				}
			} else if (!info->has_global6 && !ipd_ip_is_multicast(&ip)) {
				info->global6 = ip;
				info->has_global6 = true;
			}
		}
	}
	freeifaddrs(ifa0);
	info->ifindex = (int)if_nametoindex(info->name);
	if (info->ifindex == 0) {
		log_warnx("no such interface: %s", info->name);
		return false;
	}
	return true;
}

/* ---- targets ---- */

static bool add_target(struct sweep_targets *t, const char *spec, bool no4, bool no6)
{
	if (spec[0] == '@') {
		FILE *f = fopen(spec + 1, "r");
		if (!f) {
			log_warn("%s", spec + 1);
			return false;
		}
		char line[512];
		int ln = 0;
		bool ok = true;
		while (fgets(line, sizeof line, f)) {
			ln++;
			char *s = line + strspn(line, " \t");
			s[strcspn(s, " \t\r\n#")] = '\0';
			if (*s == '\0')
				continue;
			/* no @FILE inside a file: a file naming itself would never end */
			if (*s == '@' || !add_target(t, s, no4, no6)) {
				/* the file's text, whatever it holds */
				char *ef = esc_term_dup(spec + 1), *es = esc_term_dup(s);
				log_warnx("%s:%d: bad target \"%s\"", ef, ln, es);
				free(ef);
				free(es);
				ok = false;
			}
		}
		fclose(f);
		return ok;
	}
	struct ipd_ip lo, hi;
	if (!ipd_ip_parse(spec, &lo)) {
		if (!ipd_range_parse(spec, &lo, &hi))
			return false;
	} else {
		hi = lo;
	}
	if (ipd_ip_is_v4(&lo) ? no4 : no6)
		return true; /* the family was switched off */
	return sweep_targets_add(t, &lo, &hi, MAX_V6_RANGE);
}

static int add_alloc6(void *arg, const struct ipd_ip *ip)
{
	sweep_targets_add(arg, ip, ip, 1);
	return 0;
}

/* The vendor registry takes tens of milliseconds to read: read it on another
 * core while the sweep runs, instead of after it. */
static void *oui_preload(void *arg)
{
	(void)arg;
	struct oui_db *db = oui_default();
	if (db)
		oui_load(db);
	return NULL;
}

/* ---- progress bar ---- */

struct bar {
	bool on, colour;
};

static void show_progress(void *arg, const struct sweep_progress *p)
{
	const struct bar *b = arg;
	if (!b->on)
		return;
	int width = 30;
	int fill = p->total ? (int)((double)p->done / (double)p->total * width) : width;
	if (fill > width)
		fill = width;
	char bar[64];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	char eta[32] = "";
	if (p->eta_s >= 0)
		snprintf(eta, sizeof eta, " ETA %.0fs", ceil(p->eta_s));
	fprintf(stderr, "\r%spass %d/%d [%s]%s %3.0f%%  found %llu  %.0f pps%s   ",
		b->colour ? "\033[32m" : "", p->pass + 1, p->passes, bar, b->colour ? "\033[0m" : "",
		p->total ? 100.0 * (double)p->done / (double)p->total : 100.0,
		(unsigned long long)p->found, p->pps, eta);
	fflush(stderr);
}

/* ---- output and recording ---- */

static const char *method_of(const struct sweep_host *h)
{
	return h->family == 4 ? "arp-active" : "nd-active";
}

static void print_hosts(const struct sweep_host *h, size_t n, bool json)
{
	struct oui_db *oui = oui_default();
	for (size_t i = 0; i < n; i++) {
		char ip[IPD_IP_STRLEN], mac[IPD_MAC_STRLEN];
		ipd_ip_fmt(&h[i].ip, ip, sizeof ip);
		ipd_mac_fmt(&h[i].mac, mac, sizeof mac);
		const char *vendor = oui ? oui_vendor(oui, &h[i].mac) : NULL;
		/* n-th MAC for the same address on the same VLAN: arp-scan's DUP */
		int dup = 1;
		for (size_t j = i; j > 0 && ipd_ip_eq(&h[j - 1].ip, &h[i].ip); j--)
			dup += h[j - 1].vlan == h[i].vlan;
		if (json) {
			printf("{\"ip\":\"%s\",\"mac\":\"%s\",\"vendor\":", ip, mac);
			esc_json_str(ESC_FILE(stdout), vendor);
			printf(",\"vlan\":%d,\"method\":\"%s\",\"count\":%u", h[i].vlan, method_of(&h[i]),
			       h[i].count);
			if (dup > 1)
				printf(",\"dup\":%d", dup);
			fputs("}\n", stdout);
		} else {
			printf("%s\t%s\t", ip, mac);
			esc_term_str(ESC_FILE(stdout), vendor ? vendor : "(Unknown)");
			if (h[i].vlan)
				printf("\tvlan %d", h[i].vlan);
			if (dup > 1)
				printf("\t(DUP: %d)", dup);
			fputc('\n', stdout);
		}
	}
	fflush(stdout);
}

static int64_t record(struct db *db, int64_t run, const char *iface, const struct sweep_host *h,
		      size_t n, const struct sweep_targets *t, uint64_t probed, int vlan)
{
	struct db_writer *w = db_writer_new(db, 0);
	int64_t conflicts = 0;
	for (size_t i = 0; i < n; i++) {
		struct db_obs o = {
			.ip = h[i].ip,
			.mac = h[i].mac,
			.vlan = h[i].vlan,
			.iface = iface,
			.method = method_of(&h[i]),
			.first_seen = h[i].first_us / 1000000,
			.last_seen = h[i].last_us / 1000000,
			.count = h[i].count,
			.run_id = run,
		};
		db_obs_put(w, &o);
	}
	/* Several MACs answering for one address on one VLAN: one "ip conflict"
	 * event per address, every MAC listed; the observations stay separate. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && ipd_ip_eq(&h[j].ip, &h[i].ip) && h[j].vlan == h[i].vlan)
			j++;
		if (j - i > 1) {
			struct sbuf b;
			sbuf_init(&b);
			sbuf_printf(&b, "{\"method\":\"%s\",\"macs\":[", method_of(&h[i]));
			for (size_t k = i; k < j; k++) {
				char m[IPD_MAC_STRLEN];
				sbuf_printf(&b, "%s\"%s\"", k > i ? "," : "", ipd_mac_fmt(&h[k].mac, m, sizeof m));
			}
			sbuf_adds(&b, "]}");
			struct db_event e = {
				.run_id = run,
				.at = h[i].first_us / 1000000,
				.kind = "ip conflict",
				.ip = &h[i].ip,
				.mac = &h[i].mac,
				.other_mac = &h[i + 1].mac,
				.vlan = h[i].vlan,
				.iface = iface,
				.detail_json = sbuf_str(&b),
			};
			db_event_put(w, &e);
			sbuf_free(&b);
			conflicts++;
		}
		i = j;
	}
	enum ipd_status st = db_writer_close(w);
	/* coverage: every v4 range, and runs of consecutive v6 targets, clipped
	 * to what was probed (an interrupted sweep covers only its first part) */
	for (size_t r = 0; r < t->n_v4 && st == IPD_OK && t->v4[r].base < probed; r++) {
		struct ipd_ip lo, hi;
		uint64_t len = (uint64_t)t->v4[r].hi - t->v4[r].lo + 1;
		if (t->v4[r].base + len > probed)
			len = probed - t->v4[r].base;
		ipd_ip_from_v4(&lo, t->v4[r].lo);
		ipd_ip_from_v4(&hi, (uint32_t)(t->v4[r].lo + len - 1));
		st = db_coverage_add(db, run, &lo, &hi, vlan, iface, true);
	}
	size_t n6 = probed > t->count4 ? (size_t)(probed - t->count4) : 0;
	if (n6 > t->n_v6)
		n6 = t->n_v6;
	for (size_t i = 0; i < n6 && st == IPD_OK;) {
		size_t j = i;
		struct ipd_ip nx = t->v6[i];
		while (j + 1 < n6 && ipd_ip_next(&nx) && ipd_ip_eq(&nx, &t->v6[j + 1]))
			j++;
		st = db_coverage_add(db, run, &t->v6[i], &t->v6[j], vlan, iface, true);
		i = j + 1;
	}
	if (st != IPD_OK) {
		log_warnx("recording the sweep failed: %s", ipd_strerror(st));
		return -1;
	}
	return conflicts;
}

/* ---- options ---- */

static bool parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return false;
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	default: break;
	}
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

enum { O_TARGET6 = 256, O_NO6, O_NO4, O_RATE, O_BW, O_FAST, O_RETRIES, O_TIMEOUT, O_VLAN,
       O_DRY, O_PCAP, O_USER, O_JSON, O_SOURCE, O_TX, O_PARENT, O_THREADS };

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "target6", required_argument, NULL, O_TARGET6 },
		{ "no-ipv6", no_argument, NULL, O_NO6 },
		{ "no-ipv4", no_argument, NULL, O_NO4 },
		{ "rate", required_argument, NULL, O_RATE },
		{ "bandwidth", required_argument, NULL, O_BW },
		{ "fast", no_argument, NULL, O_FAST },
		{ "retries", required_argument, NULL, O_RETRIES },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "vlan", required_argument, NULL, O_VLAN },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "write-pcap", required_argument, NULL, O_PCAP },
		{ "user", required_argument, NULL, O_USER },
		{ "json", no_argument, NULL, O_JSON },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "tx", required_argument, NULL, O_TX },
		{ "parent-run", required_argument, NULL, O_PARENT },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	o->retries = -1;
	o->timeout_ms = -1;
	o->rate = -1;
	o->txmode = TX_SENDMMSG;
	int c;
	while ((c = getopt_long(argc, argv, "i:q", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'q': o->quiet = true; break;
		case O_TARGET6:
			o->target6 = xreallocarray(o->target6, o->n_target6 + 1, sizeof *o->target6);
			o->target6[o->n_target6++] = optarg;
			break;
		case O_NO6: o->no6 = true; break;
		case O_NO4: o->no4 = true; break;
		case O_RATE:
			if (!parse_num(optarg, &o->rate) || o->rate < 1) {
				log_warnx("--rate: a number of packets per second >= 1");
				return EX_USAGE;
			}
			break;
		case O_BW:
			if (!parse_num(optarg, &o->bandwidth) || o->bandwidth < 1000) {
				log_warnx("--bandwidth: bits per second, e.g. 256k or 100M");
				return EX_USAGE;
			}
			break;
		case O_FAST: o->fast = true; break;
		case O_RETRIES:
			if (!parse_int(optarg, 0, 10, &o->retries)) {
				log_warnx("--retries: 0..10");
				return EX_USAGE;
			}
			break;
		case O_TIMEOUT:
			if (!parse_int(optarg, 1, 60000, &o->timeout_ms)) {
				log_warnx("--timeout: 1..60000 ms");
				return EX_USAGE;
			}
			break;
		case O_VLAN:
			if (!parse_int(optarg, 1, 4094, &o->vlan)) {
				log_warnx("--vlan: 1..4094");
				return EX_USAGE;
			}
			break;
		case O_DRY: o->dry_run = true; break;
		case O_PCAP: o->write_pcap = optarg; break;
		case O_USER: o->user = optarg; break;
		case O_JSON: o->json = true; break;
		case O_SOURCE: o->source = optarg; break;
		case O_TX:
			if (strcmp(optarg, "sendmmsg") == 0)
				o->txmode = TX_SENDMMSG;
			else if (strcmp(optarg, "ring") == 0)
				o->txmode = TX_RING;
			else {
				log_warnx("--tx: sendmmsg or ring");
				return EX_USAGE;
			}
			break;
		case O_THREADS:
			if (!parse_int(optarg, 1, MAX_THREADS, &o->threads)) {
				log_warnx("--threads: 1..%d", MAX_THREADS);
				return EX_USAGE;
			}
			break;
		case O_PARENT: {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0) {
				log_warnx("--parent-run: a run id");
				return EX_USAGE;
			}
			o->parent_run = v;
			break;
		}
		default:
			app_usage(&cmd_sweep, stderr);
			return EX_USAGE;
		}
	}
	if (o->no4 && o->no6) {
		log_warnx("--no-ipv4 and --no-ipv6 leave nothing to probe");
		return EX_USAGE;
	}
	return 0;
}

/* ---- the command ---- */

static int run(struct app *app, int argc, char **argv)
{
	if (app_want_help(&cmd_sweep, argc, argv))
		return 0;
	struct opts o;
	memset(&o, 0, sizeof o);
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	bool wire = !o.dry_run && !o.write_pcap;
	int64_t t_start = pace_now_ns();
	struct sweep_targets t;
	sweep_targets_init(&t);
	struct db *db = NULL;
	struct tx *tx = NULL;
	struct sweep_rx *rx = NULL;
	struct sweep *s = NULL;
	struct tx **txs = NULL;
	int cfg_ntx = 0;
	int64_t run_id = -1;
	bool quiet = o.quiet || app->verbosity < 0;

	if (wire && (rc = priv_init()) != 0)
		goto done;

	struct ifinfo ifi;
	if (!if_lookup(o.iface, &ifi)) {
		rc = EX_NOINPUT;
		goto done;
	}
	if (!ifi.has_mac) {
		log_warnx("%s has no Ethernet address: ARP/ND sweeps need an Ethernet interface",
			  ifi.name);
		rc = EX_UNAVAILABLE;
		goto done;
	}

	/* targets */
	for (int i = optind; i < argc; i++)
		if (!add_target(&t, argv[i], o.no4, o.no6)) {
			log_warnx("bad target \"%s\" (CIDR, a-b range, address or @FILE)", argv[i]);
			rc = EX_USAGE;
			goto done;
		}
	for (size_t i = 0; i < o.n_target6; i++) {
		struct ipd_ip lo, hi;
		if (o.no6)
			break;
		if (!(ipd_ip_parse(o.target6[i], &lo) ? (hi = lo, true)
						       : ipd_range_parse(o.target6[i], &lo, &hi)) ||
		    ipd_ip_is_v4(&lo) || !sweep_targets_add(&t, &lo, &hi, MAX_V6_RANGE)) {
			log_warnx("--target6 %s: an IPv6 address or a range of at most %d", o.target6[i],
				  MAX_V6_RANGE);
			rc = EX_USAGE;
			goto done;
		}
	}
	bool explicit4 = false;
	for (int i = optind; i < argc; i++)
		explicit4 |= strchr(argv[i], ':') == NULL;
	if (!o.no4 && !explicit4) {
		/* as arp-scan --localnet: the interface's own prefixes */
		for (int i = 0; i < ifi.n_v4; i++) {
			struct ipd_prefix p;
			ipd_prefix_of(&ifi.v4[i].addr, ifi.v4[i].len, &p);
			if (p.len < MAX_V4_PREFIX_DEFAULT) {
				log_warnx("%s: skipping the connected /%d (larger than a /%d): give "
					  "targets explicitly", ifi.name, p.len, MAX_V4_PREFIX_DEFAULT);
				continue;
			}
			struct ipd_ip lo, hi;
			ipd_prefix_first(&p, &lo);
			ipd_prefix_last(&p, &hi);
			sweep_targets_add(&t, &lo, &hi, 0);
		}
	}
	if (wire) {
		if ((rc = app_open_db(app, DB_CREATE, &db)) != 0)
			goto done;
		if (!o.no6 && db_sweep_v6_allocations(db, add_alloc6, &t) != IPD_OK) {
			rc = EX_DATAERR;
			goto done;
		}
	}
	t.echo_all_nodes = !o.no6 && ifi.has_ll6;
	if (!ifi.has_ll6 && t.n_v6 > 0) {
		/* an NS from :: is answered to ff02::1, which the capture (our MAC
		 * only) does not take: without a link-local there is no IPv6 sweep */
		log_warnx("%s has no IPv6 link-local address: %zu IPv6 targets skipped", ifi.name,
			  t.n_v6);
		t.n_v6 = 0;
	}
	sweep_targets_finish(&t);
	if (sweep_targets_count(&t) == 0 && !t.echo_all_nodes) {
		log_warnx("nothing to probe: give targets, or an interface with an IPv4 prefix");
		rc = EX_USAGE;
		goto done;
	}

	/* who we say we are */
	struct sweep_cfg cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.src.mac = ifi.mac;
	ipd_ip_from_v4(&cfg.src.ip4, 0);
	if (o.source) {
		if (!ipd_ip_parse(o.source, &cfg.src.ip4) || !ipd_ip_is_v4(&cfg.src.ip4)) {
			log_warnx("--source: an IPv4 address");
			rc = EX_USAGE;
			goto done;
		}
	} else if (ifi.n_v4 > 0) {
		cfg.src.ip4 = ifi.v4[0].addr;
		/* prefer the interface address inside the first target range */
		for (int i = 0; i < ifi.n_v4 && t.n_v4; i++) {
			struct ipd_prefix p;
			ipd_prefix_of(&ifi.v4[i].addr, ifi.v4[i].len, &p);
			struct ipd_ip first;
			ipd_ip_from_v4(&first, t.v4[0].lo);
			if (ipd_prefix_contains(&p, &first)) {
				cfg.src.ip4 = ifi.v4[i].addr;
				break;
			}
		}
	}
	memset(cfg.src.ip6.b, 0, 16);
	if (ifi.has_ll6)
		cfg.src.ip6 = ifi.ll6;
	cfg.ip6_global = ifi.global6;
	cfg.has_ip6_global = ifi.has_global6;
	cfg.src.vlan = o.vlan;
	cfg.src.echo_id = (uint16_t)(getpid() ^ 0x1d1f);
	cfg.iface = ifi.name;

	/* pacing */
	cfg.retries = o.retries >= 0 ? o.retries : DEFAULT_RETRIES;
	cfg.timeout_ms = o.timeout_ms > 0 ? o.timeout_ms : o.fast ? FAST_TIMEOUT : DEFAULT_TIMEOUT;
	cfg.quiet_ms = o.fast ? FAST_QUIET : 0;
	cfg.adaptive = o.fast;
	if (o.rate > 0)
		cfg.rate = o.rate;
	else if (o.bandwidth > 0)
		cfg.rate = pace_rate_for_bandwidth(o.bandwidth, PROBE_MIN_FRAME);
	else
		cfg.rate = o.fast ? 0 : DEFAULT_RATE;
	if (!wire)
		cfg.rate = 0; /* nothing goes on the wire */
	/* One sender by default: on the 2-core bench machine a second sender
	 * thread shortened the send phase but not the whole run (bench_sweep
	 * "ipdrift-fast-2threads"); --threads is there for larger machines. */
	int nthreads = o.threads > 0 ? o.threads : 1;
	if (!wire)
		nthreads = 1;

	/* handles */
	enum ipd_status st = IPD_OK;
	if (o.dry_run)
		st = tx_open_print(stdout, &tx);
	else if (o.write_pcap)
		st = tx_open_pcap(o.write_pcap, &tx);
	else {
		char args[512];
		int off = 0;
		for (int i = 1; i < argc && off < (int)sizeof args - 1; i++)
			off += snprintf(args + off, sizeof args - (size_t)off, "%s%s", i > 1 ? " " : "",
					argv[i]);
		/* the run row (and so the WAL files) exist before the drop */
		run_id = db_run_start(db, "sweep", o.parent_run ? o.parent_run : app->parent_run,
				      ifi.name, NULL, args);
		if (run_id < 0) {
			rc = EX_IOERR;
			goto done;
		}
		if ((rc = priv_raise_net()) != 0)
			goto done;
		rx = sweep_rx_open(ifi.name, &ifi.mac, o.vlan);
		if (rx)
			st = tx_open_packet(ifi.ifindex, o.txmode, &tx);
		/* one injection socket per sender thread, all opened before the drop */
		cfg.ntx = 1;
		if (st == IPD_OK && nthreads > 1) {
			txs = xcalloc((size_t)nthreads, sizeof *txs);
			txs[0] = tx;
			for (cfg.ntx = 1; cfg.ntx < nthreads && st == IPD_OK; cfg.ntx++)
				st = tx_open_packet(ifi.ifindex, o.txmode, &txs[cfg.ntx]);
			if (st != IPD_OK)
				cfg.ntx--;
			cfg.txs = txs;
			cfg_ntx = cfg.ntx;
		}
		priv_lower_net();
		if (!rx) {
			rc = EX_UNAVAILABLE;
			goto done;
		}
		if (st == IPD_OK && (rc = priv_drop(o.user)) != 0)
			goto done;
	}
	if (st != IPD_OK) {
		rc = st == IPD_EPERM ? EX_NOPERM : EX_CANTCREAT;
		goto done;
	}
	cfg.tx = tx;
	cfg.rx = rx;

	struct bar bar = { .on = wire && !quiet && isatty(STDERR_FILENO) };
	const char *term = getenv("TERM");
	bar.colour = bar.on && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
	cfg.progress = show_progress;
	cfg.progress_arg = &bar;
	stop_flag = 0;
	cfg.stop = &stop_flag;
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	int64_t t_sweep = pace_now_ns();
	pthread_t oui_thread;
	bool oui_started = wire && pthread_create(&oui_thread, NULL, oui_preload, NULL) == 0;
	s = sweep_new(&cfg, &t);
	int srun = sweep_run(s);
	if (oui_started)
		pthread_join(oui_thread, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (bar.on)
		fputs("\r\033[K", stderr);
	const struct sweep_stats *ss = sweep_stats(s);
	size_t nh = 0;
	const struct sweep_host *hosts = sweep_hosts(s, &nh);
	if (!wire) {
		tx_close(tx);
		tx = NULL;
		if (o.write_pcap && !quiet)
			fprintf(stderr, "ipdrift: wrote %llu probes to %s\n",
				(unsigned long long)ss->sent, o.write_pcap);
		rc = srun == 0 ? 0 : EX_IOERR;
		goto done;
	}
	int64_t t_out = pace_now_ns();
	print_hosts(hosts, nh, o.json);
	int64_t t_rec = pace_now_ns();
	int64_t conflicts = record(db, run_id, ifi.name, hosts, nh, &t, ss->probed, o.vlan);
	log_debug("phases: setup %.1f ms, sweep %.1f ms, output %.1f ms, store %.1f ms",
		  (double)(t_sweep - t_start) / 1e6, (double)ss->duration_us / 1e3,
		  (double)(t_rec - t_out) / 1e6, (double)(pace_now_ns() - t_rec) / 1e6);
	char *json = xasprintf("{\"targets\":%llu,\"answered\":%llu,\"hosts\":%llu,\"late\":%llu,"
			       "\"passes\":%d,\"retry_frames\":%llu,\"tx_busy\":%llu,"
			       "\"reply_frames\":%llu,\"capture_drops\":%llu,\"conflicts\":%lld,"
			       "\"rate\":%.0f,\"tx\":\"%s\"}",
			       (unsigned long long)ss->targets, (unsigned long long)ss->answered,
			       (unsigned long long)ss->hosts, (unsigned long long)ss->late, ss->passes,
			       (unsigned long long)ss->retry_sent, (unsigned long long)ss->tx_busy,
			       (unsigned long long)ss->replies, (unsigned long long)ss->pcap_drop,
			       (long long)conflicts, cfg.rate, tx->ops->name);
	struct db_run_stats rs = {
		.sent = (int64_t)ss->sent,
		.received = (int64_t)ss->matched,
		.retries = (int64_t)ss->retry_sent,
		.duration_ms = ss->duration_us / 1000,
		.loss = ss->loss,
		.stats_json = json,
		.status = srun != 0 || conflicts < 0 ? "failed" : ss->interrupted ? "interrupted" : "ok",
	};
	if (db_run_finish(db, run_id, &rs) != IPD_OK && rc == 0)
		rc = EX_IOERR;
	free(json);
	if (!quiet)
		fprintf(stderr,
			"ipdrift: sweep %s: %llu targets, %llu answered, %llu hosts, %lld conflicts in "
			"%.3f s; sent %llu (%llu retries, %d passes), first-pass loss %.1f%%%s\n",
			ifi.name, (unsigned long long)ss->targets, (unsigned long long)ss->answered,
			(unsigned long long)ss->hosts, (long long)(conflicts > 0 ? conflicts : 0),
			(double)ss->duration_us / 1e6, (unsigned long long)ss->sent,
			(unsigned long long)ss->retry_sent, ss->passes, 100.0 * ss->loss,
			ss->interrupted ? " (interrupted)" : "");
	if (ss->pcap_drop)
		log_warnx("the capture dropped %llu frames: results may be incomplete",
			  (unsigned long long)ss->pcap_drop);
	if (rc == 0 && (srun != 0 || conflicts < 0))
		rc = EX_IOERR;
	if (rc == 0 && ss->interrupted)
		rc = EX_TEMPFAIL;
	run_id = -1;
done:
	if (run_id > 0 && db) {
		struct db_run_stats fail = { .loss = -1, .status = "failed" };
		db_run_finish(db, run_id, &fail);
	}
	sweep_free(s);
	for (int i = 1; txs && i < cfg_ntx; i++)
		tx_close(txs[i]);
	free(txs);
	tx_close(tx);
	sweep_rx_close(rx);
	if (db)
		db_close(db);
	sweep_targets_free(&t);
	free(o.target6);
	return rc;
}

const struct command cmd_sweep = {
	.name = "sweep",
	.summary = "active discovery: ARP and IPv6 ND probes on attached segments",
	.usage = "usage: ipdrift sweep [-i IFACE] [TARGET...] [options]\n"
		 "\nTARGET: CIDR, range a-b (or a-N in the last octet), address, or @FILE (one\n"
		 "per line, # comments). Default: the interface's own IPv4 prefixes (up to /16),\n"
		 "like arp-scan's localnet mode. IPv6: ff02::1 is pinged (from the link-local and, when\n"
		 "present, a global address), and every --target6 plus every IPv6 allocation in\n"
		 "the store gets a Neighbor Solicitation to its solicited-node group.\n"
		 "  -i, --interface IFACE   interface to probe on (default: first one up)\n"
		 "  --target6 ADDR|A-B      IPv6 address or range to solicit (repeatable)\n"
		 "  --no-ipv6 / --no-ipv4   skip one family\n"
		 "  --source IPV4           ARP sender address (default: the interface's)\n"
		 "  --rate PPS              probes per second (default 1000: a /24 in 0.3 s, a /16\n"
		 "                          in about a minute, gentle on switches and hosts)\n"
		 "  --bandwidth BPS         pacing in bits/s (k/M/G suffixes; 64 bytes per probe)\n"
		 "  --fast                  lab / large segments: no pacing, --timeout 100, a wait\n"
		 "                          ends after 5 ms without a new reply, and retries stop\n"
		 "                          after a retry pass that found nobody new\n"
		 "  --retries N             extra passes over targets that did not answer (default 2)\n"
		 "  --timeout MS            wait after the last pass (default 500); the waits after\n"
		 "                          earlier passes are MS/2, MS/4, ... (backoff)\n"
		 "  --vlan ID               tag probes with 802.1Q ID and accept tagged replies\n"
		 "  --tx sendmmsg|ring      send path: batched sendmmsg (default) or PACKET_MMAP ring\n"
		 "  --threads N             sender threads, each with its own socket and a slice of\n"
		 "                          the targets (default 1)\n"
		 "  --dry-run               print the probes instead of sending them (no privileges)\n"
		 "  --write-pcap FILE       write the probes to FILE instead of the wire\n"
		 "  --user USER             user to switch to after opening sockets (default nobody)\n"
		 "  --json                  print what was found as JSON lines\n"
		 "                          (ip, mac, vendor, vlan, method, count, dup)\n"
		 "  -q, --quiet             no progress bar or summary\n"
		 "  --parent-run ID         record this sweep as a stage of run ID (ipdrift run)\n"
		 "Plain output: ip TAB mac TAB vendor [TAB vlan N] [TAB (DUP: n)].\n"
		 "Records one observation per (ip, mac, vlan) (arp-active / nd-active), an\n"
		 "\"ip conflict\" event when several MACs answer for one address, the covered\n"
		 "ranges, and a run row with sent / received / retries / duration / loss.\n"
		 "Needs root or CAP_NET_RAW (exit 77 otherwise); exit 75 when interrupted.\n",
	.run = run,
};
