/* Read-ahead thread for offline captures (see readahead.h). */
#include "readahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xmem.h"

#define BLOCK (1u << 20)
#define MAX_READY 8   /* blocks read but not yet decoded: bounds memory at ~8 MiB */

/* One frame inside a block: this header, then caplen bytes, padded to 8. */
struct rec {
	int64_t ts_us;
	uint32_t caplen, wirelen;
};

struct block {
	struct block *next;
	size_t size, used;
	uint8_t data[];
};

struct readahead {
	pcap_t *p;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv_ready, cv_space;
	struct block *head, *tail;   /* read, waiting to be decoded */
	size_t nready;
	struct block *spare;         /* one decoded block kept for reuse */
	bool done, cancel;
	int status;                  /* pcap_next_ex's last result: -2 end, -1 error */
	char err[PCAP_ERRBUF_SIZE];
	struct block *cur;           /* the consumer's block */
	size_t off;
};

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static struct block *block_get(struct readahead *r, size_t need)
{
	struct block *b = NULL;
	if (need <= BLOCK) {
		pthread_mutex_lock(&r->mu);
		b = r->spare;
		r->spare = NULL;
		pthread_mutex_unlock(&r->mu);
		need = BLOCK;
	}
	if (!b) {
		b = xmalloc(sizeof *b + need);
		b->size = need;
	}
	b->next = NULL;
	b->used = 0;
	return b;
}

/* Queues a filled block; false if the consumer has cancelled. */
static bool block_put(struct readahead *r, struct block *b)
{
	pthread_mutex_lock(&r->mu);
	while (r->nready >= MAX_READY && !r->cancel)
		pthread_cond_wait(&r->cv_space, &r->mu);
	bool ok = !r->cancel;
	if (ok) {
		if (r->tail)
			r->tail->next = b;
		else
			r->head = b;
		r->tail = b;
		r->nready++;
		pthread_cond_signal(&r->cv_ready);
	}
	pthread_mutex_unlock(&r->mu);
	if (!ok)
		free(b);
	return ok;
}

static void *reader(void *arg)
{
	struct readahead *r = arg;
	struct block *b = block_get(r, BLOCK);
	struct pcap_pkthdr *h;
	const u_char *d;
	int st;
	while ((st = pcap_next_ex(r->p, &h, &d)) == 1) {
		size_t need = pad8(sizeof(struct rec) + h->caplen);
		if (b->size - b->used < need) {
			/* Once queued, b belongs to the consumer: not touched after. */
			struct block *full = b;
			b = NULL;
			if (full->used == 0)
				free(full);   /* only a frame larger than a block */
			else if (!block_put(r, full))
				break;        /* cancelled */
			b = block_get(r, need);
		}
		struct rec rec = {
			.ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec,
			.caplen = h->caplen,
			.wirelen = h->len,
		};
		memcpy(b->data + b->used, &rec, sizeof rec);
		memcpy(b->data + b->used + sizeof rec, d, h->caplen);
		b->used += need;
	}
	if (b && b->used)
		block_put(r, b);
	else
		free(b);
	pthread_mutex_lock(&r->mu);
	r->status = st;
	if (st == PCAP_ERROR)
		snprintf(r->err, sizeof r->err, "%s", pcap_geterr(r->p));
	r->done = true;
	pthread_cond_signal(&r->cv_ready);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct readahead *readahead_start(pcap_t *p)
{
	struct readahead *r = xcalloc(1, sizeof *r);
	r->p = p;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv_ready, NULL);
	pthread_cond_init(&r->cv_space, NULL);
	if (pthread_create(&r->th, NULL, reader, r) != 0) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv_ready);
		pthread_cond_destroy(&r->cv_space);
		free(r);
		return NULL;
	}
	return r;
}

/* Hands the decoded block back (kept as the spare if there is none). */
static void block_done(struct readahead *r, struct block *b)
{
	if (b->size == BLOCK && !r->spare) {
		r->spare = b;
		b = NULL;
	}
	free(b);
}

int readahead_next(struct readahead *r, struct ra_frame *f)
{
	if (!r->cur || r->off >= r->cur->used) {
		pthread_mutex_lock(&r->mu);
		if (r->cur)
			block_done(r, r->cur);
		r->cur = NULL;
		while (!r->head && !r->done)
			pthread_cond_wait(&r->cv_ready, &r->mu);
		struct block *b = r->head;
		if (b) {
			r->head = b->next;
			if (!r->head)
				r->tail = NULL;
			r->nready--;
			pthread_cond_signal(&r->cv_space);
		}
		pthread_mutex_unlock(&r->mu);
		if (!b)
			return 0;
		r->cur = b;
		r->off = 0;
	}
	struct rec rec;
	memcpy(&rec, r->cur->data + r->off, sizeof rec);
	f->data = r->cur->data + r->off + sizeof rec;
	f->caplen = rec.caplen;
	f->wirelen = rec.wirelen;
	f->ts_us = rec.ts_us;
	r->off += pad8(sizeof rec + rec.caplen);
	return 1;
}

enum ipd_status readahead_finish(struct readahead *r, char *err, size_t errlen)
{
	pthread_mutex_lock(&r->mu);
	r->cancel = true;
	pthread_cond_signal(&r->cv_space);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	enum ipd_status st = r->status == PCAP_ERROR ? IPD_EIO : IPD_OK;
	if (err && errlen)
		snprintf(err, errlen, "%s", r->err);
	free(r->cur);
	free(r->spare);
	for (struct block *b = r->head, *n; b; b = n) {
		n = b->next;
		free(b);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv_ready);
	pthread_cond_destroy(&r->cv_space);
	free(r);
	return st;
}
