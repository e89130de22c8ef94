/* nova_cache.c — the Nova answer cache: open addressing on the instance UUID
 * (linear probing, power-of-two capacity, at most half full). A scan fills it
 * from a server list of tens of thousands, so inserts and look-ups must not be
 * linear. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/nova_cache.h"
#include "rbdwho/util.h"

struct nova_cache_entry {
	char *uuid;                 /* NULL: an empty slot */
	struct nova_answer answer;  /* only FOUND and GONE are kept */
};

struct nova_cache {
	pthread_mutex_t lock;  /* guards everything below */
	struct nova_cache_entry *v;
	size_t n, cap;
	char *failure;        /* Nova itself failed: why (nova_cache_fail) */
	int64_t failure_at;   /* clock_ms() then */
};

static void nova_server_copy(struct nova_server *d, const struct nova_server *s)
{
	d->id = xstrdup(s->id);
	d->name = xstrdup(s->name);
	d->status = xstrdup(s->status);
	d->host = xstrdup(s->host);
	d->hypervisor_hostname = xstrdup(s->hypervisor_hostname);
	d->instance_name = xstrdup(s->instance_name);
	d->project_id = xstrdup(s->project_id);
	d->task_state = xstrdup(s->task_state);
	d->vm_state = xstrdup(s->vm_state);
}

void nova_answer_copy(struct nova_answer *d, const struct nova_answer *s)
{
	memset(d, 0, sizeof *d);
	d->state = s->state;
	nova_server_copy(&d->server, &s->server);
	d->error = xstrdup(s->error);
}

void nova_answer_clear(struct nova_answer *a)
{
	nova_server_clear(&a->server);
	free(a->error);
	memset(a, 0, sizeof *a);
}

struct nova_cache *nova_cache_new(void)
{
	struct nova_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

/* c->lock held. */
static void cache_drop_all(struct nova_cache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->v[i].uuid)
			continue;
		free(c->v[i].uuid);
		nova_answer_clear(&c->v[i].answer);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
	free(c->failure);
	c->failure = NULL;
}

void nova_cache_free(struct nova_cache *c)
{
	if (!c)
		return;
	cache_drop_all(c);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void nova_cache_clear(struct nova_cache *c)
{
	pthread_mutex_lock(&c->lock);
	cache_drop_all(c);
	pthread_mutex_unlock(&c->lock);
}

/* FNV-1a: UUIDs are already well spread; this only has to be cheap. */
static size_t nova_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding uuid, or the empty slot where it belongs; cap > 0. */
static struct nova_cache_entry *nova_slot(struct nova_cache_entry *t, size_t cap,
					  const char *uuid)
{
	size_t i = nova_hash(uuid) & (cap - 1);
	while (t[i].uuid && strcmp(t[i].uuid, uuid) != 0)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Doubles the table (c->lock held); entries move, nothing is copied. */
static void nova_cache_grow(struct nova_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 64;
	struct nova_cache_entry *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].uuid)
			*nova_slot(t, cap, c->v[i].uuid) = c->v[i];
	free(c->v);
	c->v = t;
	c->cap = cap;
}

bool nova_cache_get(struct nova_cache *c, const char *uuid, struct nova_answer *out)
{
	bool hit = false;
	pthread_mutex_lock(&c->lock);
	if (c->cap) {
		const struct nova_cache_entry *e = nova_slot(c->v, c->cap, uuid);
		if (e->uuid) {
			nova_answer_copy(out, &e->answer);
			hit = true;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void nova_cache_put(struct nova_cache *c, const char *uuid, const struct nova_answer *a)
{
	if (a->state != NOVA_FOUND && a->state != NOVA_GONE)
		return;
	pthread_mutex_lock(&c->lock);
	if ((c->n + 1) * 2 > c->cap)
		nova_cache_grow(c);
	struct nova_cache_entry *e = nova_slot(c->v, c->cap, uuid);
	if (e->uuid) {
		nova_answer_clear(&e->answer);
	} else {
		e->uuid = xstrdup(uuid);
		c->n++;
	}
	nova_answer_copy(&e->answer, a);
	pthread_mutex_unlock(&c->lock);
}

size_t nova_cache_count(struct nova_cache *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

size_t nova_cache_capacity(struct nova_cache *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->cap;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void nova_cache_fail(struct nova_cache *c, const char *reason)
{
	pthread_mutex_lock(&c->lock);
	free(c->failure);
	c->failure = xstrdup(reason ? reason : "Nova failed");
	c->failure_at = clock_ms();
	pthread_mutex_unlock(&c->lock);
}

char *nova_cache_failure(struct nova_cache *c)
{
	char *r = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->failure && clock_ms() - c->failure_at < NOVA_CACHE_FAILURE_MS)
		r = xstrdup(c->failure);
	pthread_mutex_unlock(&c->lock);
	return r;
}
