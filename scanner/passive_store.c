/* Asynchronous store sink (see passive_store.h): chunked queue, one writer thread. */
#include "passive_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xmem.h"

enum { IT_OBS, IT_EVENT, IT_FLUSH };

struct item {
	uint8_t type;
	bool has_ip, has_mac, has_other;
	int vlan;
	struct ipd_ip ip;
	struct ipd_mac mac, other;
	int64_t first, last, count, run_id, at;
	const char *iface, *sensor, *method, *kind; /* live for the whole run */
	size_t detail, raw;   /* offsets into the chunk's arena; NONE = absent */
	size_t raw_len;
};

#define NONE ((size_t)-1)

#define CHUNK 512
#define MAX_QUEUED 64   /* chunks: bounds memory if the store falls behind */

/* Event strings live in the chunk's arena: a malloc per event on this
 * thread and its free on the writer's cost more than the copy. Chunks go
 * back to a pool when written, arena included. */
struct chunk {
	struct chunk *next;
	size_t n;
	char *arena;
	size_t alen, acap;
	struct item it[CHUNK];
};

struct pstore {
	struct db_writer *w;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_space;
	struct chunk *head, *tail;   /* queued for the writer */
	size_t queued;
	bool done;
	enum ipd_status err;         /* first writer error (under mu) */
	struct chunk *cur;           /* being filled by the producer */
	struct chunk *pool;          /* written chunks for reuse (under mu) */
	size_t npool;
};

static void chunk_free(struct chunk *c)
{
	if (c) {
		free(c->arena);
		free(c);
	}
}

static void write_item(struct pstore *s, const struct chunk *c, struct item *it,
		       enum ipd_status *err)
{
	enum ipd_status st = IPD_OK;
	if (*err == IPD_OK) {
		if (it->type == IT_OBS) {
			struct db_obs o = {
				.ip = it->ip, .mac = it->mac, .vlan = it->vlan, .iface = it->iface,
				.sensor = it->sensor, .method = it->method, .first_seen = it->first,
				.last_seen = it->last, .count = it->count, .run_id = it->run_id,
			};
			st = db_obs_put(s->w, &o);
		} else if (it->type == IT_EVENT) {
			struct db_event e = {
				.run_id = it->run_id, .at = it->at, .kind = it->kind,
				.ip = it->has_ip ? &it->ip : NULL, .mac = it->has_mac ? &it->mac : NULL,
				.other_mac = it->has_other ? &it->other : NULL, .vlan = it->vlan,
				.iface = it->iface, .sensor = it->sensor,
				.detail_json = it->detail == NONE ? NULL : c->arena + it->detail,
				.raw = it->raw == NONE ? NULL : c->arena + it->raw, .raw_len = it->raw_len,
			};
			st = db_event_put(s->w, &e);
		} else {
			st = db_writer_flush(s->w);
		}
		if (st != IPD_OK)
			*err = st;
	}
}

static void *writer(void *arg)
{
	struct pstore *s = arg;
	enum ipd_status err = IPD_OK;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->done)
			pthread_cond_wait(&s->cv_work, &s->mu);
		struct chunk *c = s->head;
		if (!c)
			break; /* done and drained */
		s->head = c->next;
		if (!s->head)
			s->tail = NULL;
		s->queued--;
		pthread_cond_signal(&s->cv_space);
		pthread_mutex_unlock(&s->mu);
		for (size_t i = 0; i < c->n; i++)
			write_item(s, c, &c->it[i], &err);
		pthread_mutex_lock(&s->mu);
		if (s->npool < 4) {
			c->next = s->pool;
			s->pool = c;
			s->npool++;
		} else {
			chunk_free(c);
		}
		if (err != IPD_OK && s->err == IPD_OK)
			s->err = err;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct pstore *pstore_new(struct db_writer *w)
{
	struct pstore *s = xcalloc(1, sizeof *s);
	s->w = w;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_work, NULL);
	pthread_cond_init(&s->cv_space, NULL);
	if (pthread_create(&s->th, NULL, writer, s) != 0)
		abort();
	return s;
}

/* Hand the current chunk to the writer; returns the writer's error so far. */
static enum ipd_status push(struct pstore *s)
{
	struct chunk *c = s->cur;
	s->cur = NULL;
	pthread_mutex_lock(&s->mu);
	if (c) {
		while (s->queued >= MAX_QUEUED)
			pthread_cond_wait(&s->cv_space, &s->mu);
		if (s->tail)
			s->tail->next = c;
		else
			s->head = c;
		s->tail = c;
		s->queued++;
		pthread_cond_signal(&s->cv_work);
	}
	enum ipd_status err = s->err;
	pthread_mutex_unlock(&s->mu);
	return err;
}

static struct item *slot(struct pstore *s)
{
	if (!s->cur) {
		pthread_mutex_lock(&s->mu);
		struct chunk *c = s->pool;
		if (c) {
			s->pool = c->next;
			s->npool--;
		}
		pthread_mutex_unlock(&s->mu);
		if (!c) {
			c = xmalloc(sizeof *c);
			c->arena = NULL;
			c->acap = 0;
		}
		c->next = NULL;
		c->n = 0;
		c->alen = 0;
		s->cur = c;
	}
	struct item *it = &s->cur->it[s->cur->n++];
	memset(it, 0, sizeof *it);
	it->detail = it->raw = NONE;
	return it;
}

/* Copies n bytes (and a NUL) into the current chunk's arena. */
static size_t arena_put(struct chunk *c, const void *p, size_t n)
{
	if (c->alen + n + 1 > c->acap) {
		size_t cap = c->acap ? c->acap : 16384;
		while (c->alen + n + 1 > cap)
			cap *= 2;
		c->arena = xrealloc(c->arena, cap);
		c->acap = cap;
	}
	size_t off = c->alen;
	memcpy(c->arena + off, p, n);
	c->arena[off + n] = '\0';
	c->alen += n + 1;
	return off;
}

static enum ipd_status after(struct pstore *s)
{
	if (s->cur->n == CHUNK)
		return push(s);
	return IPD_OK;
}

enum ipd_status pstore_obs(struct pstore *s, const struct db_obs *o)
{
	struct item *it = slot(s);
	it->type = IT_OBS;
	it->ip = o->ip;
	it->mac = o->mac;
	it->vlan = o->vlan;
	it->iface = o->iface;
	it->sensor = o->sensor;
	it->method = o->method;
	it->first = o->first_seen;
	it->last = o->last_seen;
	it->count = o->count;
	it->run_id = o->run_id;
	return after(s);
}

enum ipd_status pstore_event(struct pstore *s, const struct db_event *e)
{
	struct item *it = slot(s);
	it->type = IT_EVENT;
	it->run_id = e->run_id;
	it->at = e->at;
	it->kind = e->kind;
	if ((it->has_ip = e->ip != NULL))
		it->ip = *e->ip;
	if ((it->has_mac = e->mac != NULL))
		it->mac = *e->mac;
	if ((it->has_other = e->other_mac != NULL))
		it->other = *e->other_mac;
	it->vlan = e->vlan;
	it->iface = e->iface;
	it->sensor = e->sensor;
	if (e->detail_json)
		it->detail = arena_put(s->cur, e->detail_json, strlen(e->detail_json));
	if (e->raw) {
		it->raw = arena_put(s->cur, e->raw, e->raw_len);
		it->raw_len = e->raw_len;
	}
	return after(s);
}

enum ipd_status pstore_flush(struct pstore *s)
{
	struct item *it = slot(s);
	it->type = IT_FLUSH;
	return push(s);
}

enum ipd_status pstore_close(struct pstore *s)
{
	if (!s)
		return IPD_OK;
	push(s);
	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_signal(&s->cv_work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	enum ipd_status err = s->err;
	for (struct chunk *c = s->pool, *n; c; c = n) {
		n = c->next;
		chunk_free(c);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv_work);
	pthread_cond_destroy(&s->cv_space);
	free(s);
	return err;
}
