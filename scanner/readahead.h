/*
 * Read-ahead for offline captures: a second thread reads the file with
 * libpcap (pcap_next_ex, whose stdio reads and copies are the whole cost of
 * a bare read) into 1 MiB blocks, while the caller decodes the blocks
 * already read. Frames come out in file order. Only the reader thread
 * touches the pcap_t between readahead_start() and readahead_finish().
 */
#ifndef IPD_READAHEAD_H
#define IPD_READAHEAD_H
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"

struct ra_frame {
	const uint8_t *data;   /* valid until the next readahead_next() */
	size_t caplen, wirelen;
	int64_t ts_us;
};

struct readahead;
/* NULL if the thread cannot be started (the caller reads inline instead). */
struct readahead *readahead_start(pcap_t *p);
/* 1: *f is the next frame; 0: end of file or read error (see finish). */
int readahead_next(struct readahead *r, struct ra_frame *f);
/* Stops the reader (if still running), joins it and frees everything.
 * IPD_OK at a clean end of file; IPD_EIO after a read error, whose libpcap
 * message is copied to err. */
enum ipd_status readahead_finish(struct readahead *r, char *err, size_t errlen);

#endif
