/*
 * The sweep engine (see sweep.h). One pass sends a probe to every target
 * that has not answered yet; replies are drained from the capture between
 * batches, so sending and receiving overlap. Waits between passes grow
 * (timeout >> (retries - pass)): a LAN answers in microseconds to
 * milliseconds, so the first retry comes soon, and only the last wait is the
 * full --timeout. With quiet_ms (--fast), a wait also ends once no new reply
 * has arrived for quiet_ms, and with adaptive retries stop once a retry pass
 * brings no new answer (what is left does not exist, or will not answer).
 */
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "frame.h"
#include "pace.h"
#include "parse.h"
#include "sweep.h"

#define BATCH 512

struct sweep {
	struct sweep_cfg cfg;
	const struct sweep_targets *t;
	uint64_t ntargets;
	uint8_t *answered;           /* per target: 0 = not yet, else pass + 1 */

	struct sweep_host *hosts;    /* hash table entries */
	size_t n_hosts, cap_hosts;
	uint32_t *slots;             /* open addressing: index + 1, 0 = empty */
	size_t n_slots;

	struct sender *snd;          /* one per tx handle */
	int nsnd;
	bool threaded;               /* senders on their own threads, replies read here */

	int pass;
	int64_t t0_ns, last_reply_ns, last_tick_ns;
	uint64_t tick_sent, pass_total;
	struct parse_counters pc;
	struct sweep_stats st;
	bool failed;                 /* written by the main thread only */
};

/* One sending context: a slice of the target indices, its own queue, pacing
 * share and tx handle. Counters are read by the main thread while a threaded
 * sender runs (atomics). */
struct sender {
	struct sweep *s;
	struct tx *tx;
	uint8_t (*buf)[PROBE_MAX_FRAME];
	struct tx_frame q[BATCH];
	size_t nq;
	struct pace pace;
	uint64_t lo, hi;             /* target indices [lo, hi) of this slice */
	bool echo;                   /* this sender also pings the all-nodes group */
	uint64_t sent, pass_sent;    /* atomics */
	uint64_t next_idx;           /* pass 0: slice targets below this were queued */
	uint64_t gap;                /* of those, unsent when a flush stopped */
	bool done;                   /* slice finished (atomic) */
	bool failed;                 /* atomic */
	pthread_t thr;
};

/* ---- host table ---- */

static uint32_t host_hash(const struct ipd_ip *ip, const struct ipd_mac *mac, int vlan)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 16; i++)
		h = (h ^ ip->b[i]) * 1099511628211ull;
	for (int i = 0; i < 6; i++)
		h = (h ^ mac->b[i]) * 1099511628211ull;
	h = (h ^ (uint64_t)vlan) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32));
}

static void rehash(struct sweep *s, size_t nslots)
{
	free(s->slots);
	s->slots = xcalloc(nslots, sizeof *s->slots);
	s->n_slots = nslots;
	for (size_t i = 0; i < s->n_hosts; i++) {
		const struct sweep_host *h = &s->hosts[i];
		size_t k = host_hash(&h->ip, &h->mac, h->vlan) & (nslots - 1);
		while (s->slots[k])
			k = (k + 1) & (nslots - 1);
		s->slots[k] = (uint32_t)i + 1;
	}
}

static struct sweep_host *host_get(struct sweep *s, const struct ipd_ip *ip,
				   const struct ipd_mac *mac, int vlan, bool *isnew)
{
	if ((s->n_hosts + 1) * 2 > s->n_slots)
		rehash(s, s->n_slots ? s->n_slots * 2 : 1024);
	size_t k = host_hash(ip, mac, vlan) & (s->n_slots - 1);
	while (s->slots[k]) {
		struct sweep_host *h = &s->hosts[s->slots[k] - 1];
		if (h->vlan == vlan && ipd_ip_eq(&h->ip, ip) && ipd_mac_eq(&h->mac, mac)) {
			*isnew = false;
			return h;
		}
		k = (k + 1) & (s->n_slots - 1);
	}
	if (s->n_hosts == s->cap_hosts) {
		s->cap_hosts = s->cap_hosts ? s->cap_hosts * 2 : 256;
		s->hosts = xreallocarray(s->hosts, s->cap_hosts, sizeof *s->hosts);
	}
	struct sweep_host *h = &s->hosts[s->n_hosts];
	memset(h, 0, sizeof *h);
	h->ip = *ip;
	h->mac = *mac;
	h->vlan = vlan;
	s->slots[k] = (uint32_t)++s->n_hosts;
	*isnew = true;
	return h;
}

/* ---- replies ---- */

static enum ipd_status match(void *ctx, const struct obs *o)
{
	struct sweep *s = ctx;
	struct ipd_mac mac;
	int family;
	switch (o->kind) {
	case OBS_ARP_REPLY:
		if (!o->has_ip || !o->has_mac)
			return IPD_OK;
		/* only answers for addresses we asked about */
		if (sweep_targets_index(s->t, &o->ip) < 0)
			return IPD_OK;
		mac = o->mac;
		family = 4;
		break;
	case OBS_ICMP6_ECHO_REPLY:
		if (o->echo_id != s->cfg.src.echo_id)
			return IPD_OK; /* someone else's ping */
		/* fall through */
	case OBS_ND_NA:
		if (!o->has_ip)
			return IPD_OK;
		/* NAs and echo replies reach us only because we solicited them
		 * (capture filter: to our MAC); every address a MAC answers
		 * from is worth recording, targeted or not. */
		mac = o->has_mac ? o->mac : o->eth_src;
		family = 6;
		break;
	default:
		return IPD_OK;
	}
	if (ipd_mac_is_multicast(&mac) || ipd_mac_is_zero(&mac))
		return IPD_OK;
	s->st.matched++;
	s->last_reply_ns = pace_now_ns();
	bool isnew;
	struct sweep_host *h = host_get(s, &o->ip, &mac, o->vlan, &isnew);
	if (isnew) {
		h->family = family;
		h->first_us = o->ts_us;
		h->pass = (uint8_t)s->pass;
	}
	h->last_us = o->ts_us;
	h->count++;
	int64_t idx = sweep_targets_index(s->t, &o->ip);
	if (idx >= 0 && !__atomic_load_n(&s->answered[idx], __ATOMIC_RELAXED)) {
		__atomic_store_n(&s->answered[idx], (uint8_t)(s->pass + 1), __ATOMIC_RELAXED);
		s->st.answered++;
		if (s->pass > 0)
			s->st.late++;
	}
	return IPD_OK;
}

void sweep_offer(struct sweep *s, const struct frame *f)
{
	struct obs_sink sink = { s, match };
	s->st.replies++;
	parse_frame(f, &sink, &s->pc);
}

/* ---- sending ---- */

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t sent_total(const struct sweep *s, bool this_pass)
{
	uint64_t n = 0;
	for (int i = 0; i < s->nsnd; i++)
		n += ld(this_pass ? &s->snd[i].pass_sent : &s->snd[i].sent);
	return n;
}

static void tick(struct sweep *s, int64_t now, bool force)
{
	if (!s->cfg.progress || (!force && now - s->last_tick_ns < 100000000))
		return;
	struct sweep_progress p;
	memset(&p, 0, sizeof p);
	p.pass = s->pass;
	p.passes = s->cfg.retries + 1;
	p.done = sent_total(s, true);
	p.total = s->pass_total;
	p.found = s->st.answered;
	uint64_t sent = sent_total(s, false);
	double dt = (double)(now - s->last_tick_ns) / 1e9;
	p.pps = dt > 0 ? (double)(sent - s->tick_sent) / dt : 0;
	p.eta_s = -1;
	if (s->cfg.rate > 0 && p.total >= p.done)
		p.eta_s = (double)(p.total - p.done) / s->cfg.rate;
	else if (p.pps > 0 && p.total >= p.done)
		p.eta_s = (double)(p.total - p.done) / p.pps;
	s->cfg.progress(s->cfg.progress_arg, &p);
	s->last_tick_ns = now;
	s->tick_sent = sent;
}

static void drain(struct sweep *s)
{
	if (s->cfg.rx && sweep_rx_drain(s->cfg.rx, s) < 0)
		__atomic_store_n(&s->failed, true, __ATOMIC_RELAXED);
}

/* Main thread: wait up to ns for replies (or just sleep without a capture). */
static void wait_rx(struct sweep *s, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
	if (s->cfg.rx) {
		struct pollfd pfd = { sweep_rx_fd(s->cfg.rx), POLLIN, 0 };
		if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR)
			log_warn("ppoll");
		drain(s);
	} else if (ns > 0) {
		nanosleep(&ts, NULL);
	}
}

static bool stopped(const struct sweep *s)
{
	return s->failed || (s->cfg.stop && *s->cfg.stop);
}

static bool snd_stopped(const struct sender *d)
{
	return __atomic_load_n(&d->failed, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&d->s->failed, __ATOMIC_RELAXED) ||
	       (d->s->cfg.stop && *d->s->cfg.stop);
}

/* A sender waits: on its own thread it just sleeps (the main thread reads
 * replies); inline it reads replies meanwhile. */
static void snd_wait(struct sender *d, int64_t ns)
{
	if (d->s->threaded) {
		if (ns > 0) {
			struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
			nanosleep(&ts, NULL);
		}
	} else {
		wait_rx(d->s, ns);
	}
}

static void flush(struct sender *d)
{
	struct sweep *s = d->s;
	if (d->nq == 0)
		return;
	size_t off = 0;
	while (off < d->nq && !snd_stopped(d)) {
		int64_t now = pace_now_ns();
		uint64_t grant = pace_take(&d->pace, now, d->nq - off);
		if (grant == 0) {
			snd_wait(d, pace_wait_ns(&d->pace, now));
			continue;
		}
		int k = tx_send(d->tx, d->q + off, (size_t)grant);
		if (k < 0) {
			__atomic_store_n(&d->failed, true, __ATOMIC_RELAXED);
			break;
		}
		if (k == 0) {
			/* device queue full: let it drain (and read replies) */
			snd_wait(d, 200000);
			continue;
		}
		off += (size_t)k;
		add(&d->sent, (uint64_t)k);
		add(&d->pass_sent, (uint64_t)k);
		if (!s->threaded) {
			drain(s);
			tick(s, pace_now_ns(), false);
		}
	}
	d->gap = d->nq - off; /* > 0 only when stopped */
	d->nq = 0;
}

static void enqueue(struct sender *d, const struct probe_ops *ops, const struct probe_src *src,
		    const struct ipd_ip *target)
{
	if (d->nq == BATCH)
		flush(d);
	if (snd_stopped(d))
		return;
	size_t n = ops->build(src, target, d->buf[d->nq], PROBE_MAX_FRAME);
	if (n == 0)
		return;
	d->q[d->nq].data = d->buf[d->nq];
	d->q[d->nq].len = n;
	d->q[d->nq].probe = ops;
	d->nq++;
}

static uint64_t pending(const struct sweep *s)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < s->ntargets; i++)
		n += !s->answered[i];
	return n;
}

static bool answered(const struct sweep *s, uint64_t idx)
{
	return __atomic_load_n(&s->answered[idx], __ATOMIC_RELAXED) != 0;
}

/* One pass over the sender's slice [lo, hi), in target order. */
static void send_slice(struct sender *d)
{
	struct sweep *s = d->s;
	const struct sweep_targets *t = s->t;
	uint64_t idx = d->lo;
	d->next_idx = d->lo;
	d->gap = 0;
	/* v4: find the range holding lo, then walk */
	size_t r = 0;
	while (r < t->n_v4 && t->v4[r].base + ((uint64_t)t->v4[r].hi - t->v4[r].lo + 1) <= idx)
		r++;
	for (; r < t->n_v4 && idx < d->hi && !snd_stopped(d); r++) {
		uint64_t a = t->v4[r].lo + (idx - t->v4[r].base);
		for (; a <= t->v4[r].hi && idx < d->hi && !snd_stopped(d); a++, idx++) {
			if (answered(s, idx))
				continue;
			struct ipd_ip ip;
			ipd_ip_from_v4(&ip, (uint32_t)a);
			enqueue(d, &probe_arp, &s->cfg.src, &ip);
			if (!snd_stopped(d))
				d->next_idx = idx + 1;
		}
	}
	for (; idx < d->hi && !snd_stopped(d); idx++) {
		if (idx < t->count4 || answered(s, idx))
			continue;
		enqueue(d, &probe_nd_ns, &s->cfg.src, &t->v6[idx - t->count4]);
		if (!snd_stopped(d))
			d->next_idx = idx + 1;
	}
	if (d->echo && !snd_stopped(d)) {
		struct ipd_ip all;
		ipd_ip_parse("ff02::1", &all);
		enqueue(d, &probe_icmp6_echo, &s->cfg.src, &all);
		if (s->cfg.has_ip6_global) {
			/* the all-nodes group answers from the address whose scope
			 * matches our source: a global source hears global addresses */
			struct probe_src g = s->cfg.src;
			g.ip6 = s->cfg.ip6_global;
			enqueue(d, &probe_icmp6_echo, &g, &all);
		}
	}
	flush(d);
	__atomic_store_n(&d->done, true, __ATOMIC_RELEASE);
}

static void *sender_main(void *arg)
{
	send_slice(arg);
	return NULL;
}

static void send_pass(struct sweep *s)
{
	for (int i = 0; i < s->nsnd; i++) {
		s->snd[i].pass_sent = 0;
		s->snd[i].done = false;
	}
	if (!s->threaded) {
		send_slice(&s->snd[0]);
	} else {
		int started = 0;
		for (int i = 0; i < s->nsnd; i++) {
			if (pthread_create(&s->snd[i].thr, NULL, sender_main, &s->snd[i]) != 0) {
				log_warnx("cannot start sender thread %d", i);
				s->failed = true;
				break;
			}
			started++;
		}
		/* read replies while the senders run */
		for (;;) {
			bool all = true;
			for (int i = 0; i < started; i++)
				all &= __atomic_load_n(&s->snd[i].done, __ATOMIC_ACQUIRE);
			if (all)
				break;
			wait_rx(s, 1000000);
			tick(s, pace_now_ns(), false);
		}
		for (int i = 0; i < started; i++)
			pthread_join(s->snd[i].thr, NULL);
	}
	uint64_t n = 0;
	for (int i = 0; i < s->nsnd; i++) {
		n += s->snd[i].pass_sent;
		if (s->snd[i].failed)
			s->failed = true;
	}
	s->st.sent += n;
	if (s->pass > 0)
		s->st.retry_sent += n;
	drain(s);
}

/* Targets [0, probed) got a probe in pass 0: the slices in order, up to the
 * first one that was cut short. */
static uint64_t probed_prefix(const struct sweep *s)
{
	if (!stopped(s))
		return s->ntargets;
	uint64_t probed = 0;
	for (int i = 0; i < s->nsnd; i++) {
		const struct sender *d = &s->snd[i];
		uint64_t upto = d->next_idx >= d->gap ? d->next_idx - d->gap : d->lo;
		if (upto < d->lo)
			upto = d->lo;
		probed = upto;
		if (upto < d->hi)
			break;
	}
	return probed;
}

static void wait_pass(struct sweep *s, int ms)
{
	int64_t start = pace_now_ns();
	int64_t end = start + (int64_t)ms * 1000000;
	int64_t quiet = (int64_t)s->cfg.quiet_ms * 1000000;
	for (int64_t now = start; now < end && !stopped(s); now = pace_now_ns()) {
		if (s->ntargets && s->st.answered == s->ntargets && !s->t->echo_all_nodes)
			break;
		if (quiet > 0) {
			int64_t last = s->last_reply_ns > start ? s->last_reply_ns : start;
			if (now - last >= quiet)
				break;
		}
		int64_t step = end - now;
		if (step > 20000000)
			step = 20000000;
		if (quiet > 0 && step > quiet / 2)
			step = quiet / 2 > 0 ? quiet / 2 : 1;
		wait_rx(s, step);
		tick(s, pace_now_ns(), false);
	}
}

struct sweep *sweep_new(const struct sweep_cfg *cfg, const struct sweep_targets *t)
{
	struct sweep *s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	s->t = t;
	s->ntargets = sweep_targets_count(t);
	s->answered = xcalloc(s->ntargets ? s->ntargets : 1, 1);
	s->st.targets = s->ntargets;
	/* one sender per tx handle, each a contiguous slice of the targets */
	s->nsnd = cfg->ntx > 1 ? cfg->ntx : 1;
	s->threaded = s->nsnd > 1 && !cfg->inline_replies;
	if (!s->threaded)
		s->nsnd = 1;
	s->snd = xcalloc((size_t)s->nsnd, sizeof *s->snd);
	for (int i = 0; i < s->nsnd; i++) {
		struct sender *d = &s->snd[i];
		d->s = s;
		d->tx = i == 0 ? cfg->tx : cfg->txs[i];
		d->buf = xcalloc(BATCH, sizeof *d->buf);
		d->lo = s->ntargets * (uint64_t)i / (uint64_t)s->nsnd;
		d->hi = s->ntargets * (uint64_t)(i + 1) / (uint64_t)s->nsnd;
		d->echo = i == s->nsnd - 1 && t->echo_all_nodes;
	}
	return s;
}

int sweep_run(struct sweep *s)
{
	s->t0_ns = s->last_tick_ns = pace_now_ns();
	for (int i = 0; i < s->nsnd; i++)
		pace_init(&s->snd[i].pace, s->cfg.rate / s->nsnd, s->t0_ns);
	bool replies = s->cfg.rx || s->cfg.inline_replies;
	int passes = replies ? s->cfg.retries + 1 : 1;
	uint64_t answered_before = 0;
	int waited = 0;
	for (int p = 0; p < passes && !stopped(s); p++) {
		uint64_t left = pending(s);
		if (p > 0 && left == 0)
			break;
		if (p > 1 && s->cfg.adaptive && s->st.answered == answered_before) {
			/* the last retry brought nobody new: what is left is absent */
			break;
		}
		answered_before = s->st.answered;
		s->pass = p;
		s->pass_total = left + (s->t->echo_all_nodes ? 1u + s->cfg.has_ip6_global : 0u);
		send_pass(s);
		if (p == 0)
			s->st.probed = probed_prefix(s); /* less than all when interrupted */
		s->st.passes = p + 1;
		if (!replies)
			break;
		int ms = p == passes - 1 ? s->cfg.timeout_ms : s->cfg.timeout_ms >> (passes - 1 - p);
		waited = ms > 0 ? ms : 1;
		wait_pass(s, waited);
	}
	/* Every target answered early (or retrying stopped): the all-nodes
	 * echo still deserves the full --timeout for slow repliers. */
	if (replies && s->t->echo_all_nodes && waited < s->cfg.timeout_ms && !stopped(s))
		wait_pass(s, s->cfg.timeout_ms - waited);
	tick(s, pace_now_ns(), true);
	s->st.duration_us = (pace_now_ns() - s->t0_ns) / 1000;
	s->st.hosts = s->n_hosts;
	s->st.tx_busy = 0;
	for (int i = 0; i < s->nsnd; i++)
		s->st.tx_busy += s->snd[i].tx ? s->snd[i].tx->busy : 0;
	s->st.loss = s->st.answered ? (double)s->st.late / (double)s->st.answered : 0;
	s->st.interrupted = s->cfg.stop && *s->cfg.stop;
	if (s->cfg.rx)
		sweep_rx_stats(s->cfg.rx, &s->st.pcap_recv, &s->st.pcap_drop);
	return s->failed ? -1 : 0;
}

static int cmp_host(const void *a, const void *b)
{
	const struct sweep_host *x = a, *y = b;
	int c = ipd_ip_cmp(&x->ip, &y->ip);
	if (c)
		return c;
	c = memcmp(x->mac.b, y->mac.b, 6);
	if (c)
		return c;
	return (x->vlan > y->vlan) - (x->vlan < y->vlan);
}

const struct sweep_host *sweep_hosts(struct sweep *s, size_t *n)
{
	if (s->n_hosts > 1) {
		qsort(s->hosts, s->n_hosts, sizeof *s->hosts, cmp_host);
		rehash(s, s->n_slots); /* indexes moved */
	}
	*n = s->n_hosts;
	return s->hosts;
}

const struct sweep_stats *sweep_stats(struct sweep *s)
{
	return &s->st;
}

void sweep_free(struct sweep *s)
{
	if (!s)
		return;
	free(s->answered);
	free(s->hosts);
	free(s->slots);
	for (int i = 0; s->snd && i < s->nsnd; i++)
		free(s->snd[i].buf);
	free(s->snd);
	free(s);
}
