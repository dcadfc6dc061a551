/*
 * Read-ahead for offline captures: a second thread reads the file into
 * 1 MiB blocks while the caller decodes the blocks already read. Frames
 * come out in file order. Only the reader thread touches the pcap_t (and
 * its FILE) between readahead_start() and readahead_finish().
 *
 * How the thread reads: libpcap opened the file and checked its header
 * (pcap or pcapng). A classic pcap file (format 2.4, micro- or nanosecond
 * magic, either byte order, a link type libpcap does not rewrite) is then
 * read straight from its descriptor with pread(2), whole blocks at a time,
 * and its records are used in place: libpcap would cost two freads and two
 * copies per frame, as much again as decoding the frame. Each record is
 * checked before use (its length within the snapshot length); the first
 * record that is not plain (longer than the snapshot length, cut off by
 * the end of the file, a read error) and everything after it goes back to
 * libpcap (the FILE is positioned at that record), so damaged files get
 * libpcap's own handling and messages. pcapng and everything else is read
 * with pcap_next_ex and copied into the blocks.
 */
#ifndef IPD_READAHEAD_H
#define IPD_READAHEAD_H
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"

struct ra_frame {
	const uint8_t *data;   /* valid until the next readahead_next() */
	size_t caplen, wirelen;
	int64_t ts_us;
};

struct readahead;
/* NULL if the thread cannot be started (the caller reads inline instead).
 * direct: p was opened from a regular file at offset 0 and has no BPF filter
 * (libpcap applies a filter inside pcap_next_ex), so the direct reader may
 * be used; false = always pcap_next_ex. */
struct readahead *readahead_start(pcap_t *p, bool direct);
/* 1: *f is the next frame; 0: end of file or read error (see finish). */
int readahead_next(struct readahead *r, struct ra_frame *f);
/* How many frames the direct reader and libpcap read; valid once
 * readahead_next() has returned 0. */
void readahead_counts(struct readahead *r, uint64_t *direct, uint64_t *libpcap);
/* Stops the reader (if still running), joins it and frees everything.
 * IPD_OK at a clean end of file; IPD_EIO after a read error, whose libpcap
 * message is copied to err. */
enum ipd_status readahead_finish(struct readahead *r, char *err, size_t errlen);

#endif
