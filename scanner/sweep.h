/*
 * The sweep engine: sends every probe for a target set through a tx backend,
 * paced, while draining replies from the capture; retries only the targets
 * that have not answered, with growing waits; collects one record per
 * (ip, mac, vlan). It knows nothing of the store or the CLI.
 */
#ifndef IPD_SWEEP_H
#define IPD_SWEEP_H
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"
#include "probe.h"
#include "sweep_tx.h"

/* ---- targets ---- */
struct sweep_targets {
	struct sweep_v4range { uint32_t lo, hi; uint64_t base; } *v4; /* sorted, disjoint */
	size_t n_v4, cap_v4;
	uint64_t count4;
	struct ipd_ip *v6;        /* sorted, unique */
	size_t n_v6, cap_v6;
	bool echo_all_nodes;      /* ping ff02::1 */
};

void sweep_targets_init(struct sweep_targets *t);
void sweep_targets_free(struct sweep_targets *t);
/* Add a range (both ends same family). IPv6 ranges of more than max6
 * addresses are refused (false). */
bool sweep_targets_add(struct sweep_targets *t, const struct ipd_ip *lo, const struct ipd_ip *hi,
		       uint64_t max6);
/* Parse one argument: CIDR, a-b range, single address. */
bool sweep_targets_add_spec(struct sweep_targets *t, const char *spec, uint64_t max6);
/* Sort and merge; call once after adding. */
void sweep_targets_finish(struct sweep_targets *t);
/* Index of ip in the set, or -1. */
int64_t sweep_targets_index(const struct sweep_targets *t, const struct ipd_ip *ip);
static inline uint64_t sweep_targets_count(const struct sweep_targets *t)
{
	return t->count4 + t->n_v6;
}

/* ---- engine ---- */
struct sweep_rx;

struct sweep_progress {
	int pass, passes;
	uint64_t done, total;       /* probes of this pass */
	uint64_t found;             /* distinct targets answered so far */
	double pps;                 /* current send rate */
	double eta_s;               /* < 0 = unknown */
};

struct sweep_cfg {
	struct probe_src src;       /* MAC, IPv4 sender, IPv6 link-local, vlan */
	struct ipd_ip ip6_global;   /* second echo source, to hear global addresses */
	bool has_ip6_global;
	struct tx *tx;
	struct tx **txs;            /* ntx > 1: one handle per sender thread (txs[0] unused: tx) */
	int ntx;
	struct sweep_rx *rx;        /* NULL: no replies (dry-run, pcap) */
	double rate;                /* frames/s; 0 = unlimited */
	int retries;                /* extra passes over non-responders */
	int timeout_ms;             /* wait after the last pass */
	int quiet_ms;               /* > 0: a wait also ends after this long without a new reply */
	bool inline_replies;        /* test seam: replies arrive via sweep_offer from the tx */
	bool adaptive;              /* stop retrying after a retry pass that found nobody new */
	const char *iface;
	volatile sig_atomic_t *stop;
	void (*progress)(void *arg, const struct sweep_progress *p);
	void *progress_arg;
};

struct sweep_host {
	struct ipd_ip ip;
	struct ipd_mac mac;
	int vlan;
	int family;                 /* 4: arp-active, 6: nd-active */
	int64_t first_us, last_us;  /* capture time */
	uint32_t count;             /* replies */
	uint8_t pass;               /* pass in which it first answered */
};

struct sweep_stats {
	uint64_t targets, sent, retry_sent, tx_busy;
	uint64_t probed;            /* targets [0, probed) got a probe in pass 0 (all unless interrupted) */
	uint64_t replies, matched;  /* reply frames parsed / used */
	uint64_t answered, late;    /* targets answered; of them first in a retry pass */
	uint64_t hosts;             /* distinct (ip, mac, vlan) */
	uint64_t pcap_recv, pcap_drop;
	int passes;
	int64_t duration_us;
	double loss;                /* late / answered: share the first pass missed */
	bool interrupted;
};

struct sweep;
struct sweep *sweep_new(const struct sweep_cfg *cfg, const struct sweep_targets *t);
/* 0 or -1 (send error, logged). */
int sweep_run(struct sweep *s);
/* Hosts sorted by (ip, mac, vlan); valid until sweep_free. */
const struct sweep_host *sweep_hosts(struct sweep *s, size_t *n);
const struct sweep_stats *sweep_stats(struct sweep *s);
void sweep_free(struct sweep *s);

/* Offer one reply frame to the engine (used by the capture path, and by
 * tests without a capture). */
struct frame;
void sweep_offer(struct sweep *s, const struct frame *f);

/* ---- capture of replies (libpcap) ---- */
/* Open iface for replies to mac (and the vlan, when > 0). Call with
 * CAP_NET_RAW raised. */
struct sweep_rx *sweep_rx_open(const char *iface, const struct ipd_mac *mac, int vlan);
int sweep_rx_fd(struct sweep_rx *rx);
/* Read what is queued (non-blocking) and hand each frame to s. Returns the
 * number of frames, -1 on error. */
int sweep_rx_drain(struct sweep_rx *rx, struct sweep *s);
void sweep_rx_stats(struct sweep_rx *rx, uint64_t *recv, uint64_t *drop);
void sweep_rx_close(struct sweep_rx *rx);

#endif
