/* nova_cache.h — Nova's word on instances, kept for a run, so that a scan asks
 * Nova once per instance (or once for the whole server list) rather than once
 * per holder. A hash table on the instance UUID, safe to use from several
 * threads at once (it has a lock of its own, never held across I/O). */
#ifndef RBDWHO_NOVA_CACHE_H
#define RBDWHO_NOVA_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "rbdwho/os.h"

enum nova_state {
	NOVA_NOT_ASKED = 0,  /* no UUID to ask about, or OpenStack not configured */
	NOVA_FOUND,          /* 200 */
	NOVA_GONE,           /* Nova's own 404 */
	NOVA_ERROR,          /* timeout, 5xx, garbage, auth failure */
};

struct nova_answer {
	enum nova_state state;
	struct nova_server server;  /* filled when FOUND */
	char *error;                /* why, when ERROR or NOT_ASKED */
};

/* Deep copy into d (which is overwritten, not freed first). */
void nova_answer_copy(struct nova_answer *d, const struct nova_answer *s);
/* Frees what a holds and zeroes it. */
void nova_answer_clear(struct nova_answer *a);

struct nova_cache;

struct nova_cache *nova_cache_new(void);  /* free with nova_cache_free */
void nova_cache_free(struct nova_cache *c);
/* Forgets every answer (the browser's refresh). */
void nova_cache_clear(struct nova_cache *c);
/* Copies the cached answer for uuid into out (the caller clears it); false on
 * a miss. UUIDs match exactly. */
bool nova_cache_get(struct nova_cache *c, const char *uuid, struct nova_answer *out);
/* Keeps only NOVA_FOUND and NOVA_GONE answers (an error is a fact about Nova,
 * not about the instance); a later answer replaces an older one. */
void nova_cache_put(struct nova_cache *c, const char *uuid, const struct nova_answer *a);
size_t nova_cache_count(struct nova_cache *c);

/* How long a failure of Nova itself is remembered: long enough for one scan
 * or find, short enough that a browser left open asks again. */
#define NOVA_CACHE_FAILURE_MS 30000
/* Remembers that Nova itself failed (timed out, unreachable, refused the
 * credentials), with the reason, so that the look-ups that follow do not each
 * wait a timeout again. Kept NOVA_CACHE_FAILURE_MS or until nova_cache_clear. */
void nova_cache_fail(struct nova_cache *c, const char *reason);
/* The remembered failure's reason (malloc'd), or NULL when none is current. */
char *nova_cache_failure(struct nova_cache *c);
size_t nova_cache_capacity(struct nova_cache *c);

#endif
