/*
 * Where built probes go: the wire (AF_PACKET socket, frames batched with
 * sendmmsg or through a PACKET_MMAP TX ring), a pcap file (--write-pcap) or
 * a text printer (--dry-run). One small vtable, chosen by the command; the
 * engine never knows which.
 */
#ifndef IPD_SWEEP_TX_H
#define IPD_SWEEP_TX_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/status.h"
#include "probe.h"

struct tx_frame {
	const uint8_t *data;
	size_t len;
	const struct probe_ops *probe; /* who built it (for the printer) */
};

struct tx;

struct tx_ops {
	const char *name;
	/* Queue/send up to n frames. Returns how many were taken (fewer when the
	 * device queue is full: the caller drains replies and tries again), or
	 * -1 on a hard error (logged). */
	int (*send)(struct tx *tx, const struct tx_frame *f, size_t n);
	void (*close)(struct tx *tx);
};

struct tx {
	const struct tx_ops *ops;
	uint64_t busy;          /* times the device pushed back (ENOBUFS / EAGAIN) */
};

enum tx_mode { TX_SENDMMSG, TX_RING };

/* Open an injection handle on ifindex. Needs CAP_NET_RAW (raise around it). */
enum ipd_status tx_open_packet(int ifindex, enum tx_mode mode, struct tx **out);
/* Write frames to a pcap file (DLT_EN10MB) instead of the wire. */
enum ipd_status tx_open_pcap(const char *path, struct tx **out);
/* Print one line per frame to f (--dry-run). */
enum ipd_status tx_open_print(FILE *f, struct tx **out);

static inline int tx_send(struct tx *tx, const struct tx_frame *f, size_t n)
{
	return tx->ops->send(tx, f, n);
}
static inline void tx_close(struct tx *tx)
{
	if (tx)
		tx->ops->close(tx);
}

#endif
