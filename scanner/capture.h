/*
 * Capture sources: live interfaces and pcap/pcapng files behind one loop.
 * Files are read first, in the order given, then the live interfaces are
 * polled together (pcap_get_selectable_fd + poll, non-blocking, immediate
 * mode). Every frame goes through the same callback whatever its source.
 *
 * Opening a live source needs CAP_NET_RAW: the caller brackets
 * capture_add_live() with priv_raise_net()/priv_lower_net() and drops
 * privileges before capture_run().
 */
#ifndef IPD_CAPTURE_H
#define IPD_CAPTURE_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"
#include "frame.h"

struct capture_opts {
	bool promisc;
	const char *filter;   /* NULL: default filter on live sources, none on files */
	int snaplen;          /* 0 = 65535 */
	int buffer_mb;        /* 0 = 32 */
};

/* The default live filter: ARP, ICMPv6, DHCP, untagged, 802.1Q and QinQ. */
extern const char capture_default_filter[];

struct capture;
struct capture *capture_new(const struct capture_opts *o);
void capture_free(struct capture *c);
/* 0 on success; logs and returns IPD_EIO/IPD_EPERM/IPD_EINVAL otherwise. */
enum ipd_status capture_add_live(struct capture *c, const char *iface);
enum ipd_status capture_add_file(struct capture *c, const char *path);

size_t capture_nsources(const struct capture *c);
const char *capture_source_name(const struct capture *c, size_t i);
bool capture_source_live(const struct capture *c, size_t i);
int capture_source_linktype(const struct capture *c, size_t i);

/* Return non-zero to stop the capture. The frame is valid only during the call. */
typedef int (*capture_cb)(void *ctx, const struct frame *f);

struct capture_limits {
	uint64_t count;                 /* 0 = unlimited */
	int64_t duration_ms;            /* 0 = unlimited (wall clock) */
	volatile sig_atomic_t *stop;    /* set by a signal handler; may be NULL */
	/* Called about every tick_ms while live (e.g. to flush); may be NULL. */
	void (*tick)(void *ctx);
	int64_t tick_ms;
};

enum ipd_status capture_run(struct capture *c, const struct capture_limits *lim, capture_cb cb,
			    void *ctx);

struct capture_stats {
	uint64_t frames;              /* handed to the callback */
	uint64_t recv, drop, ifdrop;  /* pcap_stats summed over live sources */
};
void capture_get_stats(struct capture *c, struct capture_stats *st);

#endif
