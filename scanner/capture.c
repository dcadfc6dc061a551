/*
 * Capture with libpcap (see capture.h). Offline files go through
 * pcap_open_offline, which reads both pcap and pcapng; live interfaces use
 * pcap_create + immediate mode + a large buffer, and are polled because an
 * idle pcap_dispatch in immediate mode can block forever.
 */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "readahead.h"

/* "vlan" shifts the offsets of everything after it, so the tagged forms
 * nest: untagged, one tag, two tags (QinQ). */
#define BASE_FILTER "(arp or icmp6 or (udp and (port 67 or port 68)))"
const char capture_default_filter[] =
	BASE_FILTER " or (vlan and (" BASE_FILTER " or (vlan and " BASE_FILTER ")))";

struct source {
	pcap_t *p;
	char *name;
	bool live;
	int linktype;
	int fd;
	char *iobuf;   /* stdio buffer of an offline file (freed after pcap_close) */
};

struct capture {
	struct capture_opts o;
	struct source *src;
	size_t n;
	uint64_t frames;
	/* run state used by the pcap callback */
	capture_cb cb;
	void *ctx;
	const struct capture_limits *lim;
	struct source *cur;
	bool stopped;
};

struct capture *capture_new(const struct capture_opts *o)
{
	struct capture *c = xcalloc(1, sizeof *c);
	if (o)
		c->o = *o;
	if (c->o.snaplen <= 0)
		c->o.snaplen = 65535;
	if (c->o.buffer_mb <= 0)
		c->o.buffer_mb = 32;
	return c;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (c->src[i].p)
			pcap_close(c->src[i].p);
		free(c->src[i].iobuf);
		free(c->src[i].name);
	}
	free(c->src);
	free(c);
}

static struct source *add_source(struct capture *c, pcap_t *p, const char *name, bool live)
{
	c->src = xreallocarray(c->src, c->n + 1, sizeof *c->src);
	struct source *s = &c->src[c->n++];
	s->p = p;
	s->name = xstrdup(name);
	s->live = live;
	s->linktype = pcap_datalink(p);
	s->fd = -1;
	s->iobuf = NULL;
	return s;
}

static enum ipd_status set_filter(pcap_t *p, const char *name, const char *expr)
{
	struct bpf_program prog;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		log_warnx("%s: filter \"%s\": %s", name, expr, pcap_geterr(p));
		return IPD_EINVAL;
	}
	int r = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (r != 0) {
		log_warnx("%s: setting filter: %s", name, pcap_geterr(p));
		return IPD_EINVAL;
	}
	return IPD_OK;
}

enum ipd_status capture_add_live(struct capture *c, const char *iface)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, err);
	if (!p) {
		log_warnx("%s: %s", iface, err);
		return IPD_EIO;
	}
	pcap_set_snaplen(p, c->o.snaplen);
	pcap_set_promisc(p, c->o.promisc);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, c->o.buffer_mb * 1024 * 1024);
	int r = pcap_activate(p);
	if (r < 0) {
		log_warnx("%s: %s%s%s", iface, pcap_statustostr(r), r == PCAP_ERROR ? ": " : "",
			  r == PCAP_ERROR ? pcap_geterr(p) : "");
		pcap_close(p);
		return r == PCAP_ERROR_PERM_DENIED ? IPD_EPERM : IPD_EIO;
	}
	if (r > 0)
		log_warnx("%s: %s", iface, pcap_statustostr(r));
	if (set_filter(p, iface, c->o.filter ? c->o.filter : capture_default_filter) != IPD_OK ||
	    pcap_setnonblock(p, 1, err) != 0) {
		if (err[0])
			log_warnx("%s: %s", iface, err);
		pcap_close(p);
		return IPD_EINVAL;
	}
	struct source *s = add_source(c, p, iface, true);
	s->fd = pcap_get_selectable_fd(p);
	if (s->fd < 0) {
		log_warnx("%s: no selectable descriptor", iface);
		return IPD_EUNSUPP;
	}
	return IPD_OK;
}

/* libpcap reads a file with two freads per packet (header, then data)
 * through stdio's default 4 KiB buffer: one read(2) per 4 KiB, about as
 * costly as the copy itself. A 1 MiB buffer makes it one per MiB. */
#define FILE_BUF (1u << 20)

enum ipd_status capture_add_file(struct capture *c, const char *path)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		log_warn("%s", path);
		return IPD_EIO;
	}
	char *iobuf = xmalloc(FILE_BUF);
	setvbuf(fp, iobuf, _IOFBF, FILE_BUF);
	pcap_t *p = pcap_fopen_offline(fp, err);
	if (!p) {
		log_warnx("%s: %s", path, err);
		fclose(fp);
		free(iobuf);
		return IPD_EIO;
	}
	if (c->o.filter && set_filter(p, path, c->o.filter) != IPD_OK) {
		pcap_close(p);
		free(iobuf);
		return IPD_EINVAL;
	}
	/* The file's base name stands for the interface in observations. */
	const char *slash = strrchr(path, '/');
	add_source(c, p, slash && slash[1] ? slash + 1 : path, false)->iobuf = iobuf;
	return IPD_OK;
}

size_t capture_nsources(const struct capture *c) { return c->n; }
const char *capture_source_name(const struct capture *c, size_t i) { return c->src[i].name; }
bool capture_source_live(const struct capture *c, size_t i) { return c->src[i].live; }
int capture_source_linktype(const struct capture *c, size_t i) { return c->src[i].linktype; }

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct source *s = c->cur;
	struct frame f = {
		.data = bytes,
		.caplen = h->caplen,
		.wirelen = h->len,
		.ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec,
		.linktype = s->linktype,
		.iface = s->name,
	};
	c->frames++;
	if (c->cb(c->ctx, &f) != 0 || (c->lim->count && c->frames >= c->lim->count) ||
	    (c->lim->stop && *c->lim->stop)) {
		c->stopped = true;
		pcap_breakloop(s->p);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One offline source to its end (or until stopped). A read error is
 * reported and what was read before it counts. */
static enum ipd_status read_file(struct capture *c, struct source *s, int64_t deadline)
{
	const struct capture_limits *lim = c->lim;
	struct readahead *ra = readahead_start(s->p, !c->o.filter);
	if (!ra) {
		/* No thread: read inline. */
		for (;;) {
			int r = pcap_dispatch(s->p, 4096, on_packet, (u_char *)c);
			if (r == PCAP_ERROR_BREAK || c->stopped || r == 0)
				return IPD_OK;
			if (r == PCAP_ERROR) {
				log_warnx("%s: %s", s->name, pcap_geterr(s->p));
				return IPD_EIO;
			}
			if ((lim->stop && *lim->stop) || (deadline && now_ms() >= deadline)) {
				c->stopped = true;
				return IPD_OK;
			}
		}
	}
	struct ra_frame rf;
	struct frame f = { .linktype = s->linktype, .iface = s->name };
	uint64_t n = 0;
	while (readahead_next(ra, &rf)) {
		f.data = rf.data;
		f.caplen = rf.caplen;
		f.wirelen = rf.wirelen;
		f.ts_us = rf.ts_us;
		c->frames++;
		if (c->cb(c->ctx, &f) != 0 || (lim->count && c->frames >= lim->count) ||
		    (lim->stop && *lim->stop) ||
		    (deadline && (++n & 4095) == 0 && now_ms() >= deadline)) {
			c->stopped = true;
			break;
		}
	}
	char err[PCAP_ERRBUF_SIZE];
	enum ipd_status st = readahead_finish(ra, err, sizeof err);
	if (st != IPD_OK)
		log_warnx("%s: %s", s->name, err);
	return st;
}

enum ipd_status capture_run(struct capture *c, const struct capture_limits *lim, capture_cb cb,
			    void *ctx)
{
	static const struct capture_limits none;
	c->cb = cb;
	c->ctx = ctx;
	c->lim = lim ? lim : &none;
	lim = c->lim;
	c->stopped = false;
	int64_t start = now_ms();
	int64_t deadline = lim->duration_ms > 0 ? start + lim->duration_ms : 0;
	enum ipd_status st = IPD_OK;

	/* Files first, each to its end, read ahead on a second thread. */
	for (size_t i = 0; i < c->n && !c->stopped; i++) {
		struct source *s = &c->src[i];
		if (s->live)
			continue;
		c->cur = s;
		if (read_file(c, s, deadline) != IPD_OK)
			st = IPD_EIO;
	}

	/* Then every live source, polled together. */
	struct pollfd *pfd = xcalloc(c->n ? c->n : 1, sizeof *pfd);
	size_t *map = xcalloc(c->n ? c->n : 1, sizeof *map);
	size_t nl = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->src[i].live) {
			pfd[nl].fd = c->src[i].fd;
			pfd[nl].events = POLLIN;
			map[nl++] = i;
		}
	}
	int64_t next_tick = lim->tick_ms > 0 ? now_ms() + lim->tick_ms : 0;
	while (nl && !c->stopped) {
		if (lim->stop && *lim->stop)
			break;
		int64_t now = now_ms();
		if (deadline && now >= deadline)
			break;
		if (next_tick && now >= next_tick) {
			if (lim->tick)
				lim->tick(ctx);
			next_tick = now + lim->tick_ms;
		}
		int64_t wait = 500;
		if (deadline && deadline - now < wait)
			wait = deadline - now;
		int r = poll(pfd, nl, (int)wait);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			st = IPD_EIO;
			break;
		}
		for (size_t k = 0; k < nl && !c->stopped; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			struct source *s = &c->src[map[k]];
			c->cur = s;
			int d = pcap_dispatch(s->p, 1024, on_packet, (u_char *)c);
			if (d == PCAP_ERROR) {
				log_warnx("%s: %s", s->name, pcap_geterr(s->p));
				st = IPD_EIO;
				c->stopped = true;
			}
		}
	}
	free(pfd);
	free(map);
	return st;
}

void capture_get_stats(struct capture *c, struct capture_stats *st)
{
	memset(st, 0, sizeof *st);
	st->frames = c->frames;
	for (size_t i = 0; i < c->n; i++) {
		struct pcap_stat ps;
		if (c->src[i].live && pcap_stats(c->src[i].p, &ps) == 0) {
			st->recv += ps.ps_recv;
			st->drop += ps.ps_drop;
			st->ifdrop += ps.ps_ifdrop;
		}
	}
}
