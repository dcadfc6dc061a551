/* Token-bucket pacing for probes: --rate PPS, or --bandwidth converted to
 * frames per second by the caller. A small bucket (about 5 ms worth) keeps
 * the output smooth after a stall instead of bursting to catch up. */
#ifndef IPD_PACE_H
#define IPD_PACE_H
#include <stdint.h>

struct pace {
	double rate;      /* frames per second; 0 = unlimited */
	double tokens, burst;
	int64_t last_ns;
};

void pace_init(struct pace *p, double rate, int64_t now_ns);
/* Grant up to want frames now. */
uint64_t pace_take(struct pace *p, int64_t now_ns, uint64_t want);
/* Nanoseconds until at least one frame may go (0 = now). */
int64_t pace_wait_ns(const struct pace *p, int64_t now_ns);
/* Frames per second for a bandwidth in bits/s and a frame of len bytes:
 * counted with the 4-byte FCS, as arp-scan does (64 bytes per ARP request). */
double pace_rate_for_bandwidth(double bps, unsigned frame_len);
/* CLOCK_MONOTONIC in ns. */
int64_t pace_now_ns(void);

#endif
