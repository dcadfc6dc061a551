/*
 * Bounds-checked packet cursor. Every byte read from a packet goes through
 * these getters. Errors are sticky: after the first short read every getter
 * returns zeroes and the cursor stays in error, so a parser can read a whole
 * header and check `pcur_ok()` once (c-ares ares_buf style, no longjmp).
 */
#ifndef IPD_PCUR_H
#define IPD_PCUR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pcur {
	const uint8_t *p;   /* start of the window */
	size_t len;         /* window length */
	size_t off;         /* read position */
	bool err;           /* sticky: a read went past the end */
};

static inline void pcur_init(struct pcur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->err = false;
}

static inline size_t pcur_left(const struct pcur *c) { return c->err ? 0 : c->len - c->off; }
static inline bool pcur_ok(const struct pcur *c) { return !c->err; }
static inline size_t pcur_offset(const struct pcur *c) { return c->off; }

static inline bool pcur_need(struct pcur *c, size_t n)
{
	if (c->err || n > c->len - c->off) {
		c->err = true;
		return false;
	}
	return true;
}

static inline uint8_t pcur_u8(struct pcur *c)
{
	if (!pcur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t pcur_be16(struct pcur *c)
{
	if (!pcur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return v;
}

static inline uint32_t pcur_be32(struct pcur *c)
{
	if (!pcur_need(c, 4))
		return 0;
	const uint8_t *q = c->p + c->off;
	c->off += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

/* Copy n bytes out; on a short read dst is zero-filled. */
static inline bool pcur_copy(struct pcur *c, void *dst, size_t n)
{
	if (!pcur_need(c, n)) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, c->p + c->off, n);
	c->off += n;
	return true;
}

/* Borrow n bytes in place (valid as long as the packet); NULL on short read. */
static inline const uint8_t *pcur_bytes(struct pcur *c, size_t n)
{
	if (!pcur_need(c, n))
		return NULL;
	const uint8_t *q = c->p + c->off;
	c->off += n;
	return q;
}

static inline bool pcur_skip(struct pcur *c, size_t n)
{
	if (!pcur_need(c, n))
		return false;
	c->off += n;
	return true;
}

/* A sub-cursor over the next n bytes (consumed from c). On a short read the
 * sub-cursor is empty and in error. */
static inline struct pcur pcur_sub(struct pcur *c, size_t n)
{
	struct pcur s;
	if (!pcur_need(c, n)) {
		pcur_init(&s, NULL, 0);
		s.err = true;
		return s;
	}
	pcur_init(&s, c->p + c->off, n);
	c->off += n;
	return s;
}

/* The rest of the window as a sub-cursor. */
static inline struct pcur pcur_rest(struct pcur *c)
{
	return pcur_sub(c, pcur_left(c));
}

#endif
