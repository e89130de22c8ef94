/* lock.c — an image's lock judged against its watchers and the OSD blocklist
 * (see lock.h). Pure: the tests drive it with `rbd lock ls` and `osd blocklist
 * ls` answers captured from a real cluster. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/lock.h"

static const struct {
	const char *name, *meaning;
} lock_states[] = {
#define LOCK_X(e, n, d) [e] = {n, d},
    LOCK_STATES(LOCK_X)
#undef LOCK_X
};

const char *lock_state_name(enum lock_state s)
{
	return (size_t)s < sizeof lock_states / sizeof lock_states[0] ? lock_states[s].name
	                                                              : "unknown";
}

const char *lock_state_meaning(enum lock_state s)
{
	return (size_t)s < sizeof lock_states / sizeof lock_states[0]
	           ? lock_states[s].meaning
	           : lock_states[LOCK_UNKNOWN].meaning;
}

void ceph_lock_clear(struct ceph_lock *l)
{
	for (size_t i = 0; l->lockers && i < l->n; i++) {
		free(l->lockers[i].entity);
		free(l->lockers[i].cookie);
		free(l->lockers[i].address);
	}
	free(l->lockers);
	free(l->tag);
	memset(l, 0, sizeof *l);
}

void image_lock_clear(struct image_lock *l)
{
	ceph_lock_clear(&l->raw);
	free(l->error);
	free(l->blocklist_error);
	memset(l, 0, sizeof *l);
	l->owner = -1;
}

bool lock_cookie_handle(const char *cookie, uint64_t *handle)
{
	static const char prefix[] = "auto ";
	if (!cookie || strncmp(cookie, prefix, sizeof prefix - 1) != 0)
		return false;
	const char *p = cookie + sizeof prefix - 1;
	if (*p < '0' || *p > '9')
		return false;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || !end || *end)
		return false;
	*handle = v;
	return true;
}

bool lock_is_managed(const struct ceph_lock *l)
{
	uint64_t h;
	return l->n > 0 && l->tag && strcmp(l->tag, "internal") == 0 &&
	       lock_cookie_handle(l->lockers[0].cookie, &h);
}

/* "client.4130" → 4130; false for any other entity type (an OSD, a mon). */
static bool entity_client_id(const char *entity, uint64_t *id)
{
	static const char prefix[] = "client.";
	if (!entity || strncmp(entity, prefix, sizeof prefix - 1) != 0)
		return false;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(entity + sizeof prefix - 1, &end, 10);
	if (errno || !end || *end || end == entity + sizeof prefix - 1)
		return false;
	*id = v;
	return true;
}

bool lock_locker_is_watcher(const struct ceph_locker *k, bool managed, const char *address,
                            uint64_t client, uint64_t cookie)
{
	if (!k->address || !address || strcmp(k->address, address) != 0)
		return false;
	uint64_t v;
	if (managed)
		return lock_cookie_handle(k->cookie, &v) && v == cookie;
	return entity_client_id(k->entity, &v) && v == client;
}

/* "IP:PORT/NONCE" → "IP:0/0", the entry that blocklists the IP whole. */
static char *whole_ip(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	if (!colon)
		return NULL;
	return xasprintf("%.*s:0/0", (int)(colon - addr), addr);
}

bool lock_addr_blocklisted(const struct strvec *bl, const char *addr)
{
	if (!bl || !addr)
		return false;
	if (strvec_contains(bl, addr))
		return true;
	char *ip = whole_ip(addr);
	bool hit = ip && strvec_contains(bl, ip);
	free(ip);
	return hit;
}

enum lock_state lock_judge(const struct ceph_lock *l, const struct lock_watcher *ws, size_t n,
                           const struct strvec *bl, ssize_t *owner)
{
	*owner = -1;
	if (l->n == 0)
		return LOCK_NONE;
	bool managed = lock_is_managed(l);
	/* A shared lock is held while any of its lockers is. */
	bool blocklisted = false;
	for (size_t k = 0; k < l->n; k++) {
		for (size_t i = 0; i < n; i++)
			if (lock_locker_is_watcher(&l->lockers[k], managed, ws[i].address,
			                           ws[i].client, ws[i].cookie)) {
				*owner = (ssize_t)i;
				break;
			}
		blocklisted |= lock_addr_blocklisted(bl, l->lockers[k].address);
	}
	/* The OSD drops a blocklisted client's watch within moments: until then it
	 * still shows, but cannot write, so the lock is as good as stale. */
	if (blocklisted)
		return LOCK_BLOCKLISTED;
	if (*owner >= 0)
		return LOCK_HELD;
	return managed ? LOCK_STALE : LOCK_ADVISORY;
}

/* 'text' for a POSIX shell: single quotes, each ' as '\''. */
static char *shell_quote(const char *s)
{
	struct buf b = {0};
	buf_append(&b, "'", 1);
	for (const char *p = s; *p; p++)
		if (*p == '\'')
			buf_append(&b, "'\\''", 4);
		else
			buf_append(&b, p, 1);
	buf_append(&b, "'", 1);
	return b.p;
}

char *lock_manual_command(const char *pool, const char *image, const struct ceph_locker *k)
{
	char *spec = xasprintf("%s/%s", pool, image);
	char *qspec = shell_quote(spec), *qid = shell_quote(k->cookie ? k->cookie : "");
	char *qent = shell_quote(k->entity ? k->entity : "");
	char *cmd = xasprintf("rbd lock rm %s %s %s", qspec, qid, qent);
	free(spec);
	free(qspec);
	free(qid);
	free(qent);
	return cmd;
}
