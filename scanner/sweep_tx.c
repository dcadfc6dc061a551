/* Probe output backends: AF_PACKET + sendmmsg, AF_PACKET + PACKET_TX_RING
 * (TPACKET_V2, packet(7) / Documentation/networking/packet_mmap.rst),
 * pcap file, dry-run printer. */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/xmem.h"
#include "sweep_tx.h"

#define MMSG_MAX 1024

/* ---- AF_PACKET ---- */

struct tx_packet {
	struct tx tx;
	int fd;
	int ifindex;
	/* TX ring */
	uint8_t *ring;
	size_t ring_len;
	unsigned frame_size, frame_nr, head;
	struct mmsghdr *msgs;
	struct iovec *iov;
};

static int packet_sendmmsg(struct tx *t, const struct tx_frame *f, size_t n)
{
	struct tx_packet *p = (struct tx_packet *)t;
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < MMSG_MAX ? n - done : MMSG_MAX;
		for (size_t i = 0; i < k; i++) {
			p->iov[i].iov_base = (void *)(uintptr_t)f[done + i].data;
			p->iov[i].iov_len = f[done + i].len;
			memset(&p->msgs[i].msg_hdr, 0, sizeof p->msgs[i].msg_hdr);
			p->msgs[i].msg_hdr.msg_iov = &p->iov[i];
			p->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(p->fd, p->msgs, (unsigned)k, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				t->busy++;
				return (int)done;
			}
			log_warn("sendmmsg");
			return done ? (int)done : -1;
		}
		done += (size_t)r;
		if ((size_t)r < k) {
			t->busy++;
			break;
		}
	}
	return (int)done;
}

static int packet_ring(struct tx *t, const struct tx_frame *f, size_t n)
{
	struct tx_packet *p = (struct tx_packet *)t;
	size_t done = 0;
	const size_t off = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
	while (done < n) {
		struct tpacket2_hdr *h = (struct tpacket2_hdr *)(p->ring +
			(size_t)p->head * p->frame_size);
		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
			if (done == 0 && send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 &&
			    errno != EAGAIN && errno != ENOBUFS) {
				log_warn("send (tx ring)");
				return -1;
			}
			t->busy++;
			break;
		}
		memcpy((uint8_t *)h + off, f[done].data, f[done].len);
		h->tp_len = (uint32_t)f[done].len;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		p->head = (p->head + 1) % p->frame_nr;
		done++;
	}
	if (done && send(p->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN &&
	    errno != ENOBUFS) {
		log_warn("send (tx ring)");
		return -1;
	}
	return (int)done;
}

static void packet_close(struct tx *t)
{
	struct tx_packet *p = (struct tx_packet *)t;
	if (p->ring) {
		/* let the kernel finish what is queued before unmapping */
		for (int i = 0; i < 100; i++) {
			bool pending = false;
			for (unsigned k = 0; k < p->frame_nr && !pending; k++) {
				struct tpacket2_hdr *h = (struct tpacket2_hdr *)(p->ring +
					(size_t)k * p->frame_size);
				pending = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
					  TP_STATUS_AVAILABLE;
			}
			if (!pending)
				break;
			send(p->fd, NULL, 0, 0);
			usleep(1000);
		}
		munmap(p->ring, p->ring_len);
	}
	close(p->fd);
	free(p->msgs);
	free(p->iov);
	free(p);
}

static const struct tx_ops packet_mmsg_ops = { "sendmmsg", packet_sendmmsg, packet_close };
static const struct tx_ops packet_ring_ops = { "tx-ring", packet_ring, packet_close };

enum ipd_status tx_open_packet(int ifindex, enum tx_mode mode, struct tx **out)
{
	*out = NULL;
	/* protocol 0: this socket receives nothing; replies come through pcap. */
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		log_warn("socket(AF_PACKET)");
		return errno == EPERM ? IPD_EPERM : IPD_EIO;
	}
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_protocol = 0;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
		log_warn("bind(AF_PACKET, ifindex %d)", ifindex);
		close(fd);
		return IPD_EIO;
	}
	/* Probes need no traffic shaping; skipping the qdisc is the cheapest
	 * path into the driver (and makes ENOBUFS come straight from it). */
	int one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0)
		log_debug("PACKET_QDISC_BYPASS: %s", strerror(errno));
	int sndbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

	struct tx_packet *p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->ifindex = ifindex;
	if (mode == TX_RING) {
		int v = TPACKET_V2;
		struct tpacket_req req;
		memset(&req, 0, sizeof req);
		req.tp_block_size = 1u << 16;
		req.tp_frame_size = 256;
		req.tp_block_nr = 64;
		req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
		if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0 ||
		    setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) {
			log_warn("PACKET_TX_RING");
			close(fd);
			free(p);
			return IPD_EIO;
		}
		p->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
		p->ring = mmap(NULL, p->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p->ring == MAP_FAILED) {
			log_warn("mmap tx ring");
			close(fd);
			free(p);
			return IPD_EIO;
		}
		p->frame_size = req.tp_frame_size;
		p->frame_nr = req.tp_frame_nr;
		p->tx.ops = &packet_ring_ops;
	} else {
		p->msgs = xcalloc(MMSG_MAX, sizeof *p->msgs);
		p->iov = xcalloc(MMSG_MAX, sizeof *p->iov);
		p->tx.ops = &packet_mmsg_ops;
	}
	*out = &p->tx;
	return IPD_OK;
}

/* ---- pcap file ---- */

struct tx_pcap {
	struct tx tx;
	pcap_t *dead;
	pcap_dumper_t *d;
};

static int pcap_tx_send(struct tx *t, const struct tx_frame *f, size_t n)
{
	struct tx_pcap *p = (struct tx_pcap *)t;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h;
		h.ts = tv;
		h.caplen = h.len = (bpf_u_int32)f[i].len;
		pcap_dump((u_char *)p->d, &h, f[i].data);
	}
	return (int)n;
}

static void pcap_tx_close(struct tx *t)
{
	struct tx_pcap *p = (struct tx_pcap *)t;
	if (pcap_dump_flush(p->d) != 0)
		log_warnx("writing the pcap file failed");
	pcap_dump_close(p->d);
	pcap_close(p->dead);
	free(p);
}

static const struct tx_ops pcap_ops = { "pcap", pcap_tx_send, pcap_tx_close };

enum ipd_status tx_open_pcap(const char *path, struct tx **out)
{
	*out = NULL;
	struct tx_pcap *p = xcalloc(1, sizeof *p);
	p->dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (p->dead == NULL) {
		free(p);
		return IPD_ENOMEM;
	}
	p->d = pcap_dump_open(p->dead, path);
	if (p->d == NULL) {
		log_warnx("%s: %s", path, pcap_geterr(p->dead));
		pcap_close(p->dead);
		free(p);
		return IPD_EIO;
	}
	p->tx.ops = &pcap_ops;
	*out = &p->tx;
	return IPD_OK;
}

/* ---- dry-run printer ---- */

struct tx_print {
	struct tx tx;
	FILE *f;
};

static int print_send(struct tx *t, const struct tx_frame *f, size_t n)
{
	struct tx_print *p = (struct tx_print *)t;
	for (size_t i = 0; i < n; i++)
		f[i].probe->print(p->f, f[i].data, f[i].len);
	return (int)n;
}

static void print_close(struct tx *t)
{
	struct tx_print *p = (struct tx_print *)t;
	fflush(p->f);
	free(p);
}

static const struct tx_ops print_ops = { "dry-run", print_send, print_close };

enum ipd_status tx_open_print(FILE *f, struct tx **out)
{
	struct tx_print *p = xcalloc(1, sizeof *p);
	p->f = f;
	p->tx.ops = &print_ops;
	*out = &p->tx;
	return IPD_OK;
}
