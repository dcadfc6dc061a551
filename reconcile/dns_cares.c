/*
 * c-ares backend (c-ares 1.18.1): one channel, one poll() loop, a bounded
 * window of queries in flight.
 *
 * Why a window: an unbounded burst overruns the server's (or our) UDP
 * receive buffer; the lost replies then cost a full retry timeout each, so
 * the window decides both speed and completeness. Queries beyond it wait in
 * a FIFO and are sent as replies come back.
 *
 * Retries are ours, not c-ares's: the channel makes one try per server
 * (ARES_OPT_TRIES 1) and a query that timed out goes back to the end of the
 * FIFO with one try less. c-ares would resend every query lost in a burst at
 * the same moment, outside any window, and lose them again; through the FIFO
 * a retry waits for a free slot like any query. The window itself adapts
 * as TCP's does: it starts at 32 and grows by one per reply (slow start)
 * up to 128, then by 1/window per reply, never beyond --concurrency; so a
 * huge --concurrency is a ceiling and not a first burst. Loss is only seen
 * a whole timeout later (no duplicate ACKs in DNS), far too late for
 * exponential growth past the size of a typical server's UDP buffer, hence
 * the early switch to linear growth. A timed-out try halves the window
 * (at most once per timeout period, so one lost burst counts once), after
 * which it grows by 1/window per reply (AIMD). Every try waits the same
 * timeout.
 *
 * Socket functions are our own (ares_set_socket_functions) for one reason:
 * c-ares does not say which server replied. aconnect() records each
 * socket's peer, arecvfrom() remembers the socket that delivered the last
 * reply, and c-ares runs the callback while processing that reply. With our
 * own functions c-ares sets no socket options, so asocket() makes the socket
 * non-blocking and close-on-exec itself (and gives UDP a larger receive
 * buffer).
 *
 * Replies are parsed by dns_msg.c, not ares_parse_ptr_reply() (see there):
 * hostile PTR targets must survive as data.
 * TCP fallback on truncation is c-ares's own (unless opts.ignore_tc).
 * With several servers, c-ares moves to the next one on a timeout or a
 * socket error; a SERVFAIL/REFUSED reply is recorded as such, with the
 * server that sent it (ARES_FLAG_NOCHECKRESP, see dns_cares_open()).
 * No search list (ARES_FLAG_NOSEARCH, no domains), no /etc/hosts (lookups
 * "b"; ares_query never reads it anyway).
 */
#include "dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "dns_msg.h"

struct cq {
	struct cares *ctx;
	int tries_left;
	int timeouts;
	enum dns_qtype qtype;
	bool has_ip;
	struct ipd_ip ip;
	dns_cb cb;
	void *arg;
	char qname[];
};

struct cares {
	ares_channel ch;
	int concurrency;             /* the configured ceiling */
	double cwnd;                 /* adaptive window, 1..concurrency */
	double ssthresh;             /* below it the window grows by 1 per reply */
	int tries, timeout_ms;
	int64_t last_cut_ms;         /* when cwnd was last halved */
	char *servers_text;          /* "ip:port,ip:port": what was asked */
	struct cq **queue;           /* FIFO ring */
	size_t qhead, qlen, qcap;
	size_t inflight;
	struct pollfd *pfd;
	size_t npfd, cappfd;
	char **peer;                 /* fd -> "ip:port" of the connected server */
	size_t npeer;
	int last_fd;                 /* socket of the reply being processed */
	struct dns_stats st;
	bool closing;
	/* per-callback scratch */
	struct dns_answer *ans;
	size_t nans, capans;
	struct ipd_ip rr_ip;
	bool rr_is_ptr;
};

/* --- socket functions --- */

static void fmt_sockaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
}

static ares_socket_t s_socket(int domain, int type, int proto, void *u)
{
	(void)u;
	int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return ARES_SOCKET_BAD;
	if (type == SOCK_DGRAM) {
		/* Replies to a whole window can arrive back to back. */
		int sz = 4 << 20;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	} else {
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

static int s_close(ares_socket_t fd, void *u)
{
	struct cares *ctx = u;
	if (fd >= 0 && (size_t)fd < ctx->npeer) {
		free(ctx->peer[fd]);
		ctx->peer[fd] = NULL;
	}
	if (ctx->last_fd == fd)
		ctx->last_fd = -1;
	return close(fd);
}

static int s_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *u)
{
	struct cares *ctx = u;
	if (fd >= 0) {
		if ((size_t)fd >= ctx->npeer) {
			size_t n = (size_t)fd + 16;
			ctx->peer = xreallocarray(ctx->peer, n, sizeof *ctx->peer);
			memset(ctx->peer + ctx->npeer, 0, (n - ctx->npeer) * sizeof *ctx->peer);
			ctx->npeer = n;
		}
		char buf[64];
		fmt_sockaddr(sa, buf, sizeof buf);
		free(ctx->peer[fd]);
		ctx->peer[fd] = xstrdup(buf);
	}
	return connect(fd, sa, len);
}

static ares_ssize_t s_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
			       struct sockaddr *from, ares_socklen_t *fromlen, void *u)
{
	struct cares *ctx = u;
	ssize_t n = recvfrom(fd, buf, len, flags, from, fromlen);
	if (n > 0)
		ctx->last_fd = fd;
	return n;
}

static ares_ssize_t s_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *u)
{
	(void)u;
	return writev(fd, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
	.asocket = s_socket, .aclose = s_close, .aconnect = s_connect,
	.arecvfrom = s_recvfrom, .asendv = s_sendv,
};

/* c-ares tells us which sockets it wants watched. */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct cares *ctx = data;
	size_t i;
	for (i = 0; i < ctx->npfd; i++)
		if (ctx->pfd[i].fd == fd)
			break;
	if (!readable && !writable) {
		if (i < ctx->npfd)
			ctx->pfd[i] = ctx->pfd[--ctx->npfd];
		return;
	}
	if (i == ctx->npfd) {
		if (ctx->npfd == ctx->cappfd) {
			ctx->cappfd = ctx->cappfd ? ctx->cappfd * 2 : 8;
			ctx->pfd = xreallocarray(ctx->pfd, ctx->cappfd, sizeof *ctx->pfd);
		}
		ctx->npfd++;
	}
	ctx->pfd[i].fd = fd;
	ctx->pfd[i].events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	ctx->pfd[i].revents = 0;
}

static void push(struct cares *ctx, struct cq *q);
static void requeue(struct cares *ctx, struct cq *q);
static int64_t now_ms(void);

/* --- replies --- */

static void on_rr(void *arg, const struct dns_msg_rr *rr)
{
	struct cares *ctx = arg;
	if (ctx->nans == ctx->capans) {
		ctx->capans = ctx->capans ? ctx->capans * 2 : 8;
		ctx->ans = xreallocarray(ctx->ans, ctx->capans, sizeof *ctx->ans);
	}
	struct dns_answer *a = &ctx->ans[ctx->nans++];
	memset(a, 0, sizeof *a);
	a->ttl = rr->ttl;
	if (ctx->rr_is_ptr) {
		a->name = xstrdup(rr->target);
		a->ip = ctx->rr_ip;
	} else {
		a->name = NULL; /* filled with the qname by the caller */
		a->ip = rr->ip;
	}
}

static enum dns_status map_ares(int status)
{
	switch (status) {
	case ARES_ENOTFOUND: return DNS_NXDOMAIN;
	case ARES_ENODATA: return DNS_NODATA;
	case ARES_ESERVFAIL: return DNS_SERVFAIL;
	case ARES_EREFUSED: return DNS_REFUSED;
	case ARES_ETIMEOUT: return DNS_TIMEOUT;
	default: return DNS_ERROR;
	}
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct cq *q = arg;
	struct cares *ctx = q->ctx;
	ctx->inflight--;
	if (timeouts > 0) {
		ctx->st.timeouts += (uint64_t)timeouts;
		q->timeouts += timeouts;
		int64_t t = now_ms();
		if (t - ctx->last_cut_ms >= ctx->timeout_ms) {
			ctx->cwnd = ctx->cwnd / 2 < 1 ? 1 : ctx->cwnd / 2;
			ctx->ssthresh = ctx->cwnd;
			ctx->last_cut_ms = t;
			if ((uint64_t)ctx->cwnd < ctx->st.window_min)
				ctx->st.window_min = (uint64_t)ctx->cwnd;
		}
	} else if (abuf && ctx->cwnd < ctx->concurrency) {
		ctx->cwnd += ctx->cwnd < ctx->ssthresh ? 1.0 : 1.0 / ctx->cwnd;
		if (ctx->cwnd > ctx->concurrency)
			ctx->cwnd = ctx->concurrency;
	}
	if (status == ARES_ETIMEOUT && --q->tries_left > 0 && !ctx->closing) {
		requeue(ctx, q);
		return;
	}
	ctx->st.done++;

	struct dns_result r = {
		.qtype = q->qtype, .qname = q->qname, .ip = q->has_ip ? &q->ip : NULL,
		.rcode = -1, .neg_ttl = -1, .server = ctx->servers_text, .timeouts = q->timeouts,
	};
	bool from_reply = false;
	ctx->nans = 0;
	if (abuf && alen > 0) {
		struct dns_msg_info info;
		ctx->rr_is_ptr = q->qtype == DNS_T_PTR;
		ctx->rr_ip = q->ip;
		enum ipd_status ps = dns_msg_parse(abuf, (size_t)alen, (uint16_t)q->qtype, &info,
						   on_rr, ctx);
		r.rcode = info.rcode;
		if (ps != IPD_OK) {
			r.status = DNS_ERROR;
			for (size_t i = 0; i < ctx->nans; i++)
				free((char *)ctx->ans[i].name);
			ctx->nans = 0;
		} else {
			r.status = dns_status_from_rcode(info.rcode, ctx->nans > 0);
			if (r.status == DNS_NXDOMAIN || r.status == DNS_NODATA)
				r.neg_ttl = info.neg_ttl;
		}
		from_reply = true;
	} else {
		r.status = map_ares(status);
		from_reply = status == ARES_ESERVFAIL || status == ARES_EREFUSED;
		if (status != ARES_ETIMEOUT && r.status == DNS_ERROR)
			log_debug("dns: %s %s: %s (%d)", dns_qtype_name(q->qtype), q->qname,
				  ares_strerror(status), status);
	}
	if (from_reply && ctx->last_fd >= 0 && (size_t)ctx->last_fd < ctx->npeer &&
	    ctx->peer[ctx->last_fd])
		r.server = ctx->peer[ctx->last_fd];
	if (q->qtype != DNS_T_PTR)
		for (size_t i = 0; i < ctx->nans; i++)
			ctx->ans[i].name = q->qname;
	r.ans = ctx->ans;
	r.nans = ctx->nans;
	ctx->st.by_status[r.status]++;
	q->cb(q->arg, &r);
	if (q->qtype == DNS_T_PTR)
		for (size_t i = 0; i < ctx->nans; i++)
			free((char *)ctx->ans[i].name);
	ctx->nans = 0;
	free(q);
}

/* --- queue --- */

static enum ipd_status enqueue(struct cares *ctx, enum dns_qtype t, const char *qname,
			       const struct ipd_ip *ip, dns_cb cb, void *arg)
{
	size_t n = strlen(qname);
	struct cq *q = xmalloc(sizeof *q + n + 2);
	q->ctx = ctx;
	q->qtype = t;
	q->has_ip = ip != NULL;
	if (ip)
		q->ip = *ip;
	else
		memset(&q->ip, 0, sizeof q->ip);
	q->cb = cb;
	q->arg = arg;
	memcpy(q->qname, qname, n + 1);
	if (n == 0 || qname[n - 1] != '.') { /* always absolute: no search list */
		q->qname[n] = '.';
		q->qname[n + 1] = '\0';
	}
	q->tries_left = ctx->tries;
	q->timeouts = 0;
	push(ctx, q);
	ctx->st.queued++;
	return IPD_OK;
}

static void push(struct cares *ctx, struct cq *q)
{
	if (ctx->qlen == ctx->qcap) {
		size_t ncap = ctx->qcap ? ctx->qcap * 2 : 256;
		struct cq **nq = xreallocarray(NULL, ncap, sizeof *nq);
		for (size_t i = 0; i < ctx->qlen; i++)
			nq[i] = ctx->queue[(ctx->qhead + i) % ctx->qcap];
		free(ctx->queue);
		ctx->queue = nq;
		ctx->qcap = ncap;
		ctx->qhead = 0;
	}
	ctx->queue[(ctx->qhead + ctx->qlen) % ctx->qcap] = q;
	ctx->qlen++;
}

static void requeue(struct cares *ctx, struct cq *q)
{
	push(ctx, q);
}

static void topup(struct cares *ctx)
{
	while (ctx->qlen > 0 && ctx->inflight < (size_t)ctx->cwnd) {
		struct cq *q = ctx->queue[ctx->qhead];
		ctx->qhead = (ctx->qhead + 1) % ctx->qcap;
		ctx->qlen--;
		ctx->inflight++;
		ctx->st.sent++;
		/* may call on_reply at once (e.g. a name c-ares cannot encode) */
		ares_query(ctx->ch, q->qname, 1 /* C_IN */, (int)q->qtype, on_reply, q);
	}
}

static enum ipd_status c_ptr(void *vctx, const struct ipd_ip *ip, dns_cb cb, void *arg)
{
	char rev[IPD_REVNAME_LEN];
	ipd_ip_reverse_name(ip, rev, sizeof rev);
	return enqueue(vctx, DNS_T_PTR, rev, ip, cb, arg);
}

static enum ipd_status c_fwd(void *vctx, const char *name, int family, dns_cb cb, void *arg)
{
	if (!name || !*name)
		return IPD_EINVAL;
	return enqueue(vctx, family == 6 ? DNS_T_AAAA : DNS_T_A, name, NULL, cb, arg);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t c_poll(void *vctx, int timeout_ms)
{
	struct cares *ctx = vctx;
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	struct pollfd *ready = NULL;
	size_t capready = 0;
	for (;;) {
		topup(ctx);
		if (ctx->inflight == 0 && ctx->qlen == 0)
			break;
		struct timeval tv, *tvp = ares_timeout(ctx->ch, NULL, &tv);
		int64_t ms = tvp ? (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000 : 1000;
		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0 && timeout_ms > 0)
				break;
			if (left < ms)
				ms = left > 0 ? left : 0;
		}
		int n = poll(ctx->pfd, (nfds_t)ctx->npfd, (int)ms);
		if (n < 0) {
			if (errno == EINTR)
				break; /* let the caller look at its signal flag */
			log_warn("dns: poll");
			break;
		}
		if (n == 0) {
			ares_process_fd(ctx->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		} else {
			/* sock_state() may edit pfd while we process: work on a copy */
			if (capready < ctx->npfd) {
				capready = ctx->npfd;
				ready = xreallocarray(ready, capready, sizeof *ready);
			}
			size_t nr = 0;
			for (size_t i = 0; i < ctx->npfd; i++)
				if (ctx->pfd[i].revents)
					ready[nr++] = ctx->pfd[i];
			for (size_t i = 0; i < nr; i++) {
				short ev = ready[i].revents;
				ares_socket_t rfd = (ev & (POLLIN | POLLERR | POLLHUP)) ? ready[i].fd
											: ARES_SOCKET_BAD;
				ares_socket_t wfd = (ev & POLLOUT) ? ready[i].fd : ARES_SOCKET_BAD;
				ares_process_fd(ctx->ch, rfd, wfd);
			}
		}
		if (timeout_ms == 0)
			break;
	}
	free(ready);
	return ctx->inflight + ctx->qlen;
}

static const struct dns_stats *c_stats(void *vctx)
{
	return &((struct cares *)vctx)->st;
}

static void c_close(void *vctx)
{
	struct cares *ctx = vctx;
	ctx->closing = true;
	/* queued, never sent: report them as errors so every query gets its callback */
	while (ctx->qlen > 0) {
		struct cq *q = ctx->queue[ctx->qhead];
		ctx->qhead = (ctx->qhead + 1) % ctx->qcap;
		ctx->qlen--;
		ctx->inflight++;
		on_reply(q, ARES_ECANCELLED, 0, NULL, 0);
	}
	ares_destroy(ctx->ch); /* in-flight callbacks run with ARES_EDESTRUCTION */
	for (size_t i = 0; i < ctx->npeer; i++)
		free(ctx->peer[i]);
	free(ctx->peer);
	free(ctx->queue);
	free(ctx->pfd);
	free(ctx->ans);
	free(ctx->servers_text);
	free(ctx);
}

static const struct dns_ops cares_ops = {
	.name = "c-ares", .ptr = c_ptr, .fwd = c_fwd, .poll = c_poll, .stats = c_stats,
	.close = c_close,
};

/* "IP", "IP:PORT", "[V6]", "[V6]:PORT", bare V6 -> c-ares csv entry. */
static bool server_entry(const char *s, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN + 1];
	unsigned long port = 53;
	struct in6_addr a6;
	struct in_addr a4;
	const char *colon;
	if (s[0] == '[') {
		const char *e = strchr(s, ']');
		if (!e || (size_t)(e - s - 1) >= sizeof host)
			return false;
		memcpy(host, s + 1, (size_t)(e - s - 1));
		host[e - s - 1] = '\0';
		if (e[1] == ':') {
			char *end;
			port = strtoul(e + 2, &end, 10);
			if (*end || port == 0 || port > 65535)
				return false;
		} else if (e[1]) {
			return false;
		}
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return false;
		snprintf(out, len, "[%s]:%lu", host, port);
		return true;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		snprintf(out, len, "[%s]:53", s);
		return true;
	}
	colon = strchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : strlen(s);
	if (hl >= sizeof host)
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &a4) != 1)
		return false;
	if (colon) {
		char *end;
		port = strtoul(colon + 1, &end, 10);
		if (*end || port == 0 || port > 65535)
			return false;
	}
	snprintf(out, len, "%s:%lu", host, port);
	return true;
}

enum ipd_status dns_cares_open(const struct dns_opts *o, struct dns_resolver *out)
{
	static bool lib_init;
	out->ops = NULL;
	out->ctx = NULL;
	if (!lib_init) {
		int rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			log_warnx("dns: ares_library_init: %s", ares_strerror(rc));
			return IPD_EIO;
		}
		lib_init = true;
	}
	struct cares *ctx = xcalloc(1, sizeof *ctx);
	ctx->concurrency = o->concurrency > 0 ? o->concurrency : DNS_DEFAULT_CONCURRENCY;
	/* slow start: --concurrency is a ceiling, not the first burst */
	ctx->cwnd = ctx->concurrency < 32 ? ctx->concurrency : 32;
	ctx->ssthresh = ctx->concurrency < 128 ? ctx->concurrency : 128;
	ctx->st.window_min = (uint64_t)ctx->concurrency;
	ctx->tries = o->tries > 0 ? o->tries : DNS_DEFAULT_TRIES;
	ctx->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DNS_DEFAULT_TIMEOUT_MS;
	ctx->last_fd = -1;

	struct ares_options ao;
	memset(&ao, 0, sizeof ao);
	/* NOCHECKRESP: c-ares 1.18.1 otherwise turns a SERVFAIL or REFUSED
	 * reply into ARES_ECONNREFUSED ("could not contact"), losing the RCODE
	 * (seen against BIND). We read the RCODE from the reply ourselves. */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP |
		   (o->ignore_tc ? ARES_FLAG_IGNTC : 0);
	ao.timeout = o->timeout_ms > 0 ? o->timeout_ms : DNS_DEFAULT_TIMEOUT_MS;
	ao.tries = 1; /* per server; further tries go through our FIFO (see top) */
	ao.lookups = (char *)"b";
	ao.ndomains = 0;
	ao.domains = NULL;
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = ctx;
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
		   ARES_OPT_DOMAINS | ARES_OPT_SOCK_STATE_CB;
	int rc = ares_init_options(&ctx->ch, &ao, mask);
	if (rc != ARES_SUCCESS) {
		log_warnx("dns: ares_init_options: %s", ares_strerror(rc));
		free(ctx);
		return IPD_EIO;
	}
	ares_set_socket_functions(ctx->ch, &sock_funcs, ctx);

	size_t cap = 1;
	for (size_t i = 0; i < o->nservers; i++)
		cap += strlen(o->servers[i]) + 16;
	char *csv = xcalloc(1, cap);
	for (size_t i = 0; i < o->nservers; i++) {
		char e[INET6_ADDRSTRLEN + 16];
		if (!server_entry(o->servers[i], e, sizeof e)) {
			log_warnx("dns: bad server \"%s\" (want IP or IP:PORT or [IPv6]:PORT)",
				  o->servers[i]);
			free(csv);
			ares_destroy(ctx->ch);
			free(ctx);
			return IPD_EINVAL;
		}
		if (i)
			strcat(csv, ",");
		strcat(csv, e);
	}
	if (o->nservers) {
		rc = ares_set_servers_ports_csv(ctx->ch, csv);
		if (rc != ARES_SUCCESS) {
			log_warnx("dns: servers \"%s\": %s", csv, ares_strerror(rc));
			free(csv);
			ares_destroy(ctx->ch);
			free(ctx);
			return IPD_EINVAL;
		}
		ctx->servers_text = csv;
	} else {
		free(csv);
		struct ares_addr_port_node *srv = NULL;
		size_t len = 1;
		char *txt = xcalloc(1, 1);
		if (ares_get_servers_ports(ctx->ch, &srv) == ARES_SUCCESS) {
			for (struct ares_addr_port_node *s = srv; s; s = s->next) {
				char a[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN + 16];
				inet_ntop(s->family, &s->addr, a, sizeof a);
				int port = s->udp_port ? s->udp_port : 53;
				snprintf(e, sizeof e, s->family == AF_INET6 ? "[%s]:%d" : "%s:%d", a, port);
				len += strlen(e) + 1;
				txt = xrealloc(txt, len);
				if (*txt)
					strcat(txt, ",");
				strcat(txt, e);
			}
			ares_free_data(srv);
		}
		if (!*txt) {
			log_warnx("dns: no DNS server (resolv.conf has none; use --server)");
			free(txt);
			ares_destroy(ctx->ch);
			free(ctx);
			return IPD_EINVAL;
		}
		ctx->servers_text = txt;
	}
	log_debug("dns: c-ares %s, servers %s, window %d, timeout %d ms, tries %d",
		  ares_version(NULL), ctx->servers_text, ctx->concurrency, ao.timeout, ctx->tries);
	out->ops = &cares_ops;
	out->ctx = ctx;
	return IPD_OK;
}
