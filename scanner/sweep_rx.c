/* Reply capture for the sweep: libpcap with a BPF filter that keeps only
 * frames to our MAC that can be answers (ARP replies, ICMPv6 NA and echo
 * replies; tagged or not), a large buffer, immediate mode, non-blocking. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "frame.h"
#include "sweep.h"

struct sweep_rx {
	pcap_t *p;
	int fd;
	int linktype;
	char *iface;
	struct sweep *s;   /* during a drain */
};

static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct sweep_rx *rx = (struct sweep_rx *)arg;
	struct frame f = {
		.data = bytes,
		.caplen = h->caplen,
		.wirelen = h->len,
		.ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec,
		.linktype = rx->linktype,
		.iface = rx->iface,
	};
	sweep_offer(rx->s, &f);
}

struct sweep_rx *sweep_rx_open(const char *iface, const struct ipd_mac *mac, int vlan)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, err);
	if (p == NULL) {
		log_warnx("pcap_create %s: %s", iface, err);
		return NULL;
	}
	pcap_set_snaplen(p, 256);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	/* 8 MB holds ~60k reply frames (a fully populated /16) even if nothing
	 * were read; the engine drains it between send batches. */
	pcap_set_buffer_size(p, 8 << 20);
	int rc = pcap_activate(p);
	if (rc < 0) {
		log_warnx("pcap_activate %s: %s", iface, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	char m[IPD_MAC_STRLEN];
	ipd_mac_fmt(mac, m, sizeof m);
	const char *want = "((arp and arp[6:2] = 2) or (icmp6 and (ip6[40] = 136 or ip6[40] = 129)))";
	char *filter = vlan > 0 ? xasprintf("vlan %d and ether dst %s and %s", vlan, m, want)
				: xasprintf("ether dst %s and %s", m, want);
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		log_warnx("capture filter \"%s\": %s", filter, pcap_geterr(p));
		free(filter);
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	free(filter);
	if (pcap_setdirection(p, PCAP_D_IN) != 0)
		log_debug("pcap_setdirection: %s", pcap_geterr(p));
	if (pcap_setnonblock(p, 1, err) != 0) {
		log_warnx("pcap_setnonblock: %s", err);
		pcap_close(p);
		return NULL;
	}
	struct sweep_rx *rx = xcalloc(1, sizeof *rx);
	rx->p = p;
	rx->fd = pcap_get_selectable_fd(p);
	rx->linktype = pcap_datalink(p);
	rx->iface = xstrdup(iface);
	return rx;
}

int sweep_rx_fd(struct sweep_rx *rx)
{
	return rx->fd;
}

int sweep_rx_drain(struct sweep_rx *rx, struct sweep *s)
{
	rx->s = s;
	int total = 0;
	for (int i = 0; i < 64; i++) {
		int n = pcap_dispatch(rx->p, -1, on_frame, (u_char *)rx);
		if (n < 0) {
			log_warnx("pcap_dispatch: %s", pcap_geterr(rx->p));
			return -1;
		}
		if (n == 0)
			break;
		total += n;
	}
	return total;
}

void sweep_rx_stats(struct sweep_rx *rx, uint64_t *recv, uint64_t *drop)
{
	struct pcap_stat ps;
	memset(&ps, 0, sizeof ps);
	if (pcap_stats(rx->p, &ps) == 0) {
		*recv = ps.ps_recv;
		*drop = ps.ps_drop + ps.ps_ifdrop;
	}
}

void sweep_rx_close(struct sweep_rx *rx)
{
	if (!rx)
		return;
	pcap_close(rx->p);
	free(rx->iface);
	free(rx);
}
