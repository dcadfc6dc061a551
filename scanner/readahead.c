/*
 * Read-ahead thread for offline captures (see readahead.h). The direct
 * reader follows the classic pcap file format (pcap-savefile(5),
 * draft-ietf-opsawg-pcap): a 24-byte file header, then records of a
 * 16-byte header (seconds, micro- or nanoseconds, captured length, wire
 * length; all in the writer's byte order) and the captured bytes.
 */
#include "readahead.h"

#include <errno.h>
#include <pcap/dlt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/xmem.h"
#include "pcur.h"

#define BLOCK (1u << 20)
#define MAX_READY 8   /* blocks read but not yet decoded: bounds memory at ~8 MiB */
#define MAX_POOL (MAX_READY + 2)

/* One frame inside a block: this header, then caplen bytes; padded to 8 in
 * blocks filled from libpcap, packed in direct blocks (where the record's
 * own 16-byte header was rewritten in place into this one). */
struct rec {
	int64_t ts_us;
	uint32_t caplen, wirelen;
};
_Static_assert(sizeof(struct rec) == 16, "struct rec replaces a pcap record header in place");

struct block {
	struct block *next;
	size_t size, used;
	bool packed;                 /* direct: records not padded */
	uint8_t data[];
};

struct readahead {
	pcap_t *p;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv_ready, cv_space;
	struct block *head, *tail;   /* read, waiting to be decoded */
	size_t nready;
	struct block *pool;          /* decoded blocks kept for reuse (BLOCK sized) */
	size_t npool;
	bool direct;                 /* the caller allows the direct reader */
	uint64_t n_direct, n_libpcap; /* frames each way (reader thread; read after done) */
	bool done, cancel;
	int status;                  /* pcap_next_ex's last result: -2 end, -1 error */
	char err[PCAP_ERRBUF_SIZE];
	struct block *cur;           /* the consumer's block */
	size_t off;
};

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Blocks are recycled: a fresh 1 MiB allocation per block costs page
 * faults and page clearing on every block of a 500 MiB file. */
static struct block *block_get(struct readahead *r, size_t need)
{
	struct block *b = NULL;
	if (need <= BLOCK) {
		pthread_mutex_lock(&r->mu);
		if ((b = r->pool)) {
			r->pool = b->next;
			r->npool--;
		}
		pthread_mutex_unlock(&r->mu);
		need = BLOCK;
	}
	if (!b) {
		b = xmalloc(sizeof *b + need);
		b->size = need;
	}
	b->next = NULL;
	b->used = 0;
	b->packed = false;
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

/* Reads what is left of the file with pcap_next_ex, copying each frame. */
static void read_libpcap(struct readahead *r)
{
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
		r->n_libpcap++;
	}
	if (b && b->used)
		block_put(r, b);
	else
		free(b);
	pthread_mutex_lock(&r->mu);
	r->status = st;
	if (st == PCAP_ERROR)
		snprintf(r->err, sizeof r->err, "%s", pcap_geterr(r->p));
	pthread_mutex_unlock(&r->mu);
}

/* What the direct reader needs to know about the file. */
struct direct {
	int fd;
	bool be;               /* written big-endian */
	bool swapped;          /* in the other byte order than this host's */
	bool nsec;             /* nanosecond time stamps (libpcap scales them down) */
	uint32_t limit;        /* longer captured lengths go to libpcap */
};

static uint32_t rd32(struct pcur *c, bool be)
{
	uint32_t v = pcur_be32(c);
	return be ? v : __builtin_bswap32(v);
}

/* Whether the direct reader can take this file, and how. The header is
 * read again here (libpcap does not say which magic it saw). */
static bool direct_setup(struct readahead *r, struct direct *d)
{
	FILE *fp = pcap_file(r->p);
	int dlt = pcap_datalink(r->p);
	bool host_be = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	struct stat sb;
	uint8_t hdr[24];
	if (!r->direct || !fp || (d->fd = fileno(fp)) < 0 || fstat(d->fd, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || pread(d->fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr)
		return false;
	struct pcur c;
	pcur_init(&c, hdr, sizeof hdr);
	switch (pcur_be32(&c)) {
	case 0xa1b2c3d4u: d->be = true, d->nsec = false; break;
	case 0xa1b23c4du: d->be = true, d->nsec = true; break;
	case 0xd4c3b2a1u: d->be = false, d->nsec = false; break;
	case 0x4d3cb2a1u: d->be = false, d->nsec = true; break;
	default: return false; /* pcapng, patched formats: libpcap */
	}
	uint32_t ver = rd32(&c, d->be); /* major, minor: 16 bits each */
	if (!d->be)
		ver = ver >> 16 | ver << 16;
	/* Only 2.4: older versions may have caplen and len swapped. */
	if (ver != (2u << 16 | 4u) || pcap_major_version(r->p) != 2 ||
	    pcap_minor_version(r->p) != 4)
		return false;
	/* libpcap rewrites the Linux cooked pseudo-headers of files written
	 * in the other byte order: those stay with it. */
	d->swapped = d->be != host_be;
	if ((pcap_is_swapped(r->p) != 0) != d->swapped)
		return false; /* we read the header differently: let libpcap read */
	if (dlt != DLT_EN10MB && ((dlt != DLT_LINUX_SLL && dlt != DLT_LINUX_SLL2) || d->swapped))
		return false;
	/* libpcap's per-record limits: the snapshot length (which it has
	 * already clamped to the link type's maximum) and 256 KiB. */
	int snap = pcap_snapshot(r->p);
	d->limit = snap > 0 && snap < 262144 ? (uint32_t)snap : 262144u;
	return true;
}

/*
 * Checks the records in b->data[0, avail) and rewrites each complete,
 * plain one's header in place as a struct rec. Returns the length of that
 * prefix; *stop is set when the record after it is not plain (as opposed
 * to only cut off by the end of the block).
 */
static size_t direct_scan(const struct direct *d, struct block *b, size_t avail, bool *stop,
			  uint64_t *frames)
{
	struct pcur c;
	pcur_init(&c, b->data, avail);
	size_t pos = 0;
	*stop = false;
	while (pcur_left(&c) >= sizeof(struct rec)) {
		uint32_t sec = rd32(&c, d->be);
		uint32_t frac = rd32(&c, d->be);
		uint32_t caplen = rd32(&c, d->be);
		uint32_t len = rd32(&c, d->be);
		if (caplen > d->limit) {
			*stop = true;
			break;
		}
		if (!pcur_skip(&c, caplen))
			break;
		/* As libpcap 1.10: both fields are signed 32-bit, except in a
		 * file of the other byte order, where its byte swap makes them
		 * unsigned; nanoseconds are divided down (towards zero). */
		int64_t s = d->swapped ? (int64_t)sec : (int64_t)(int32_t)sec;
		int64_t usec = d->swapped ? (int64_t)frac : (int64_t)(int32_t)frac;
		if (d->nsec)
			usec /= 1000;
		struct rec rec = {
			.ts_us = s * 1000000 + usec,
			.caplen = caplen,
			.wirelen = len,
		};
		memcpy(b->data + pos, &rec, sizeof rec);
		pos = pcur_offset(&c);
		++*frames;
	}
	return pos;
}

/*
 * The direct reader (see readahead.h). Returns the file offset where
 * libpcap must take over, or -1 when the whole file was read (or the
 * consumer cancelled).
 */
static off_t read_direct(struct readahead *r, const struct direct *d)
{
	off_t off = 24;        /* file offset of b->data[carry] */
	size_t carry = 0;      /* bytes of an unfinished record at the block's start */
	struct block *b = block_get(r, BLOCK);
	for (;;) {
		ssize_t n;
		do
			n = pread(d->fd, b->data + carry, BLOCK - carry, off);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			/* End of file (or an error libpcap will meet and name). */
			off_t at = off - (off_t)carry;
			free(b);
			return n == 0 && carry == 0 ? -1 : at;
		}
		off += n;
		size_t avail = carry + (size_t)n;
		bool stop;
		size_t used = direct_scan(d, b, avail, &stop, &r->n_direct);
		struct block *next = NULL;
		if (!stop) {
			next = block_get(r, BLOCK);
			carry = avail - used;
			memcpy(next->data, b->data + used, carry);
		}
		off_t at = off - (off_t)(avail - used);
		b->used = used;
		b->packed = true;
		if (used == 0)
			free(b);
		else if (!block_put(r, b)) {
			free(next);
			return -1;         /* cancelled */
		}
		if (stop)
			return at;
		b = next;
	}
}

static void *reader(void *arg)
{
	struct readahead *r = arg;
	struct direct d;
	off_t at = 0;          /* where libpcap goes on; -1: nothing left */
	if (direct_setup(r, &d)) {
		at = read_direct(r, &d);
		if (at >= 0 && fseeko(pcap_file(r->p), at, SEEK_SET) != 0) {
			pthread_mutex_lock(&r->mu);
			r->status = PCAP_ERROR;
			snprintf(r->err, sizeof r->err, "seeking to offset %lld: %s", (long long)at,
				 strerror(errno));
			pthread_mutex_unlock(&r->mu);
			at = -1;
		}
	}
	if (at >= 0)
		read_libpcap(r);
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_signal(&r->cv_ready);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct readahead *readahead_start(pcap_t *p, bool direct)
{
	struct readahead *r = xcalloc(1, sizeof *r);
	r->p = p;
	r->direct = direct;
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

/* Hands the decoded block back for reuse (called with mu held). */
static void block_done(struct readahead *r, struct block *b)
{
	if (b->size == BLOCK && r->npool < MAX_POOL) {
		b->next = r->pool;
		r->pool = b;
		r->npool++;
		return;
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
	/* A few records ahead: the block was written by another core. */
	__builtin_prefetch(r->cur->data + r->off + 512);
	memcpy(&rec, r->cur->data + r->off, sizeof rec);
	f->data = r->cur->data + r->off + sizeof rec;
	f->caplen = rec.caplen;
	f->wirelen = rec.wirelen;
	f->ts_us = rec.ts_us;
	r->off += r->cur->packed ? sizeof rec + rec.caplen : pad8(sizeof rec + rec.caplen);
	return 1;
}

void readahead_counts(struct readahead *r, uint64_t *direct, uint64_t *libpcap)
{
	pthread_mutex_lock(&r->mu);
	*direct = r->done ? r->n_direct : 0;
	*libpcap = r->done ? r->n_libpcap : 0;
	pthread_mutex_unlock(&r->mu);
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
	for (struct block *b = r->pool, *n; b; b = n) {
		n = b->next;
		free(b);
	}
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
