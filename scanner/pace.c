/* Token bucket pacing (see pace.h). */
#include <time.h>

#include "pace.h"

int64_t pace_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void pace_init(struct pace *p, double rate, int64_t now_ns)
{
	p->rate = rate;
	p->burst = rate > 0 ? rate / 200.0 : 0;
	if (p->burst < 1)
		p->burst = 1;
	p->tokens = 1; /* the first frame goes at once */
	p->last_ns = now_ns;
}

static void refill(struct pace *p, int64_t now_ns)
{
	if (now_ns > p->last_ns) {
		p->tokens += (double)(now_ns - p->last_ns) * p->rate / 1e9;
		if (p->tokens > p->burst)
			p->tokens = p->burst;
		p->last_ns = now_ns;
	}
}

uint64_t pace_take(struct pace *p, int64_t now_ns, uint64_t want)
{
	if (p->rate <= 0)
		return want;
	refill(p, now_ns);
	uint64_t n = (uint64_t)p->tokens;
	if (n > want)
		n = want;
	p->tokens -= (double)n;
	return n;
}

int64_t pace_wait_ns(const struct pace *p, int64_t now_ns)
{
	if (p->rate <= 0)
		return 0;
	double t = p->tokens + (double)(now_ns - p->last_ns) * p->rate / 1e9;
	if (t >= 1)
		return 0;
	return (int64_t)((1 - t) * 1e9 / p->rate) + 1;
}

double pace_rate_for_bandwidth(double bps, unsigned frame_len)
{
	return bps / ((double)(frame_len + 4) * 8.0);
}
