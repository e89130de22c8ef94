/* lock.h — an RBD image's lock (what `rbd lock ls` shows) judged against its
 * watchers: who owns it, and whether that owner is still there. librbd's
 * exclusive-lock feature takes the lock "rbd_lock" on the header object with
 * the cookie "auto <watch handle>"; its owner is alive exactly when a watcher
 * has the locker's address and that handle as its cookie (librbd's own
 * managed_lock BreakRequest rule). A lock whose owner is no watcher is stale:
 * the client died, or was blocklisted. Pure: no I/O here (ceph_lock.h reads). */
#ifndef RBDWHO_LOCK_H
#define RBDWHO_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "rbdwho/util.h"

struct ceph_locker {
	char *entity;  /* "client.4130" */
	char *cookie;  /* the lock id: "auto 140388589376608", or what `rbd lock add` was given */
	char *address; /* "127.0.0.1:0/1674723915" */
};

/* Every locker of the image's lock, as librbd's rbd_list_lockers lists them. */
struct ceph_lock {
	bool exclusive;
	char *tag; /* "internal" for librbd's exclusive-lock; "" or the shared tag otherwise */
	struct ceph_locker *lockers;
	size_t n;
};
void ceph_lock_clear(struct ceph_lock *l);

/* What the lock means; name and one-line meaning side by side. */
#define LOCK_STATES(X)                                                                             \
	X(LOCK_UNKNOWN, "unknown", "the lock could not be read")                                   \
	X(LOCK_NONE, "none", "no lock")                                                            \
	X(LOCK_HELD, "held", "held by a client that still watches the image")                      \
	X(LOCK_STALE, "stale", "held by a client that no longer watches the image")                \
	X(LOCK_ADVISORY, "advisory",                                                               \
	  "an advisory lock (rbd lock add) held by no watcher: "                                   \
	  "such a lock needs no watch, so that proves nothing")                                    \
	X(LOCK_BLOCKLISTED, "blocklisted", "held by a client whose address is blocklisted")
enum lock_state {
#define LOCK_X(e, n, d) e,
	LOCK_STATES(LOCK_X)
#undef LOCK_X
};
const char *lock_state_name(enum lock_state s);    /* "stale" */
const char *lock_state_meaning(enum lock_state s); /* "held by a client that …" */

/* An image's lock as the chain keeps it (struct image_view's lock). */
struct image_lock {
	enum lock_state state;
	char *error; /* why the lockers could not be read (state UNKNOWN); NULL otherwise */
	struct ceph_lock raw;
	bool managed;          /* librbd's exclusive-lock (cookie "auto N", tag "internal"),
	                        * not an advisory `rbd lock add` lock */
	ssize_t owner;         /* index of the watcher that owns it; -1 when none does */
	bool blocklist_asked;  /* the OSD blocklist was read (only when there is a lock) */
	char *blocklist_error; /* why it could not be read; NULL otherwise */
};
void image_lock_clear(struct image_lock *l);

/* True when cookie is librbd's "auto <handle>"; *handle is then that number. */
bool lock_cookie_handle(const char *cookie, uint64_t *handle);
/* librbd's exclusive-lock: tag "internal" and an "auto <handle>" cookie. */
bool lock_is_managed(const struct ceph_lock *l);
/* Whether the locker is the watcher (address, client id, watch cookie): for a
 * managed lock the address and the handle must match; for an advisory lock,
 * which no watch belongs to, the address and client.N. */
bool lock_locker_is_watcher(const struct ceph_locker *k, bool managed, const char *address,
                            uint64_t client, uint64_t cookie);

/* Whether addr is on the blocklist bl (addresses as `osd blocklist ls` gives
 * them): the exact address, or its IP blocklisted whole ("IP:0/0"), as the
 * OSDMap checks. */
bool lock_addr_blocklisted(const struct strvec *bl, const char *addr);

/* The state of lock l for the watchers' (address, client, cookie) triples;
 * sets *owner to the watcher index (or -1). bl NULL: blocklist not known. */
struct lock_watcher {
	const char *address;
	uint64_t client, cookie;
};
enum lock_state lock_judge(const struct ceph_lock *l, const struct lock_watcher *ws, size_t n,
                           const struct strvec *bl, ssize_t *owner);

/* The manual command that breaks locker k: `rbd lock rm POOL/IMAGE 'ID' client.N`;
 * malloc'd. */
char *lock_manual_command(const char *pool, const char *image, const struct ceph_locker *k);

#endif
