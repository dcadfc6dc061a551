/*
 * Resolver interface: PTR and A/AAAA lookups behind a table of function
 * pointers, so that the audit tests can run against dns_fake.c while
 * production always uses dns_cares.c (c-ares).
 *
 * Model: submit any number of queries with dns_ptr()/dns_fwd(); they are
 * queued, and dns_poll() keeps at most `concurrency` of them in flight, runs
 * the I/O and calls each query's callback exactly once, from inside
 * dns_poll() only (never from dns_ptr()/dns_fwd() themselves).
 *
 * Status discipline (the reason this module exists): only NXDOMAIN and NODATA
 * mean "the record is absent". A timeout, SERVFAIL, REFUSED or a malformed
 * reply is a failed lookup and must never be read as "missing".
 */
#ifndef IPD_DNS_H
#define IPD_DNS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/status.h"

enum dns_status {
	DNS_OK = 0,      /* NOERROR with >= 1 RR of the asked type */
	DNS_NXDOMAIN,    /* RCODE 3: the name does not exist */
	DNS_NODATA,      /* NOERROR, name exists, no RR of this type */
	DNS_SERVFAIL,    /* RCODE 2 (after every try / server) */
	DNS_REFUSED,     /* RCODE 5 */
	DNS_TIMEOUT,     /* no reply within tries x timeout */
	DNS_ERROR,       /* anything else: FORMERR, NOTIMP, bad reply, socket error */
	DNS_STATUS_MAX
};

/* "ok" "nxdomain" "nodata" "servfail" "refused" "timeout" "error" (the
 * dns_answers.status vocabulary). */
const char *dns_status_name(enum dns_status s);
/* Inverse of dns_status_name; false for an unknown word. */
bool dns_status_parse(const char *s, enum dns_status *out);
/* True only for the two statuses that prove absence. */
bool dns_status_absent(enum dns_status s);
/* RCODE of a reply (plus whether it held an RR of the asked type) -> status. */
enum dns_status dns_status_from_rcode(int rcode, bool have_answer);

enum dns_qtype { DNS_T_A = 1, DNS_T_PTR = 12, DNS_T_AAAA = 28 };
const char *dns_qtype_name(enum dns_qtype t);    /* "A" "PTR" "AAAA" */
bool dns_qtype_parse(const char *s, enum dns_qtype *out);

/* Longest name text we produce: 255 wire octets, each possibly \DDD. */
#define DNS_NAME_TEXT_MAX 1024

/* One answer RR of the asked type. */
struct dns_answer {
	const char *name;  /* PTR: the target; A/AAAA: the owner asked about.
	                    * PTR targets are raw bytes (see dns_msg.h): only
	                    * '.', '\' and NUL inside a label are escaped. */
	struct ipd_ip ip;  /* A/AAAA: the address; PTR: the address asked about */
	uint32_t ttl;
};

/* What a callback receives. Everything is borrowed: valid only during the
 * callback. */
struct dns_result {
	enum dns_qtype qtype;
	const char *qname;           /* as sent, absolute ("...arpa.", "web.example.test.") */
	const struct ipd_ip *ip;     /* PTR: the address asked about; else NULL */
	enum dns_status status;
	int rcode;                   /* RCODE of the reply, -1 when there was none */
	const struct dns_answer *ans;/* status DNS_OK: nans >= 1 */
	size_t nans;
	int64_t neg_ttl;             /* NXDOMAIN/NODATA: TTL from the SOA, else -1 */
	const char *server;          /* "ip:port" that replied; for a timeout, the
	                              * server(s) asked; never NULL */
	int timeouts;                /* tries that timed out before the end */
};

typedef void (*dns_cb)(void *arg, const struct dns_result *r);

struct dns_opts {
	const char *const *servers; /* "IP", "IP:PORT", "[V6]:PORT"; NULL/0 = resolv.conf */
	size_t nservers;
	int timeout_ms;             /* per try (every try waits the same) */
	int tries;                  /* tries per query (each try asks every server in turn) */
	int concurrency;            /* queries in flight at most (the window's ceiling) */
	bool ignore_tc;             /* tests only: keep truncated UDP answers (no TCP) */
};

#define DNS_DEFAULT_TIMEOUT_MS 1000
#define DNS_DEFAULT_TRIES 3
#define DNS_DEFAULT_CONCURRENCY 100

struct dns_stats {
	uint64_t queued, sent, done, timeouts; /* timeouts: every try that timed out */
	uint64_t window_min;       /* smallest window after a timeout (= concurrency if none) */
	uint64_t by_status[DNS_STATUS_MAX];
};

struct dns_ops {
	const char *name;
	/* Queue a PTR lookup for ip (reverse name from its bytes). */
	enum ipd_status (*ptr)(void *ctx, const struct ipd_ip *ip, dns_cb cb, void *arg);
	/* Queue an A (family 4) or AAAA (family 6) lookup for name. */
	enum ipd_status (*fwd)(void *ctx, const char *name, int family, dns_cb cb, void *arg);
	/* Run I/O and callbacks for at most timeout_ms (< 0: until nothing is
	 * left). Returns how many queries are still queued or in flight. */
	size_t (*poll)(void *ctx, int timeout_ms);
	const struct dns_stats *(*stats)(void *ctx);
	/* Cancels what is left (callbacks see DNS_ERROR) and frees ctx. */
	void (*close)(void *ctx);
};

struct dns_resolver {
	const struct dns_ops *ops;
	void *ctx;
};

/* c-ares backend; the only one used in production. */
enum ipd_status dns_cares_open(const struct dns_opts *o, struct dns_resolver *out);
/* Fixture backend for tests (`ipdrift resolve --fake FILE`). Fixture: one
 * entry a line, '#' comments:
 *     default STATUS                  for anything not listed (nxdomain)
 *     TYPE QNAME STATUS [TTL VALUE]   TYPE PTR|A|AAAA; for PTR, QNAME may be
 *                                     an address; VALUE (rest of the line) is
 *                                     the PTR target (\DDD = any byte) or the
 *                                     A/AAAA address; several ok lines = RRset
 * e.g. "PTR 192.0.2.10 ok 3600 web.example.test." (details in dns_fake.c). */
enum ipd_status dns_fake_open(const char *fixture_path, struct dns_resolver *out);

static inline enum ipd_status dns_ptr(struct dns_resolver *r, const struct ipd_ip *ip,
				      dns_cb cb, void *arg)
{
	return r->ops->ptr(r->ctx, ip, cb, arg);
}
static inline enum ipd_status dns_fwd(struct dns_resolver *r, const char *name, int family,
				      dns_cb cb, void *arg)
{
	return r->ops->fwd(r->ctx, name, family, cb, arg);
}
static inline size_t dns_poll(struct dns_resolver *r, int timeout_ms)
{
	return r->ops->poll(r->ctx, timeout_ms);
}
static inline const struct dns_stats *dns_stats(struct dns_resolver *r)
{
	return r->ops->stats(r->ctx);
}
static inline void dns_close(struct dns_resolver *r)
{
	if (r->ops)
		r->ops->close(r->ctx);
	r->ops = NULL;
	r->ctx = NULL;
}

#endif
