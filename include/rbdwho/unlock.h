/* unlock.h — breaking an image's stale lock (`rbdwho unlock POOL/IMAGE`): only
 * when the lock's owner no longer watches the image (it died, or was
 * blocklisted), with every check remedy.h gives an action: read-only mode,
 * the typed POOL/IMAGE, the lockers, watchers and blocklist re-read at the
 * moment of acting (the same locker and cookie must still hold it, still
 * stale), and one audit record per attempt. A lock whose owner still watches
 * is never broken, not even with --force: librbd blocklists the locker when
 * it breaks a lock, which would cut a live client's I/O; fence it first
 * (`ceph osd blocklist add`), then the lock is stale. --force only passes an
 * advisory lock (`rbd lock add`), whose holder needs no watch. */
#ifndef RBDWHO_UNLOCK_H
#define RBDWHO_UNLOCK_H

#include <stdbool.h>
#include "rbdwho/ceph.h"
#include "rbdwho/chain.h"
#include "rbdwho/lock.h"
#include "rbdwho/remedy.h"

struct unlock_plan {
	char *pool, *image;
	struct image_lock lock;        /* read fresh and judged */
	struct ceph_watcher *watchers; /* the image's watchers, read with the lock */
	size_t nwatchers;
	struct lock_watcher *lw; /* the same, as lock.h takes them (borrowing) */
	struct strvec blocklist; /* `osd blocklist ls` */
	bool blocklist_known;    /* false: it could not be read (lock.blocklist_error) */
};

/* Finds spec's one image (POOL/IMAGE, or what find accepts when it names one
 * image) and reads its lockers, watchers and the blocklist. -ENOENT when there
 * is no such image; a backend error when any of them cannot be read. Call
 * unlock_plan_clear afterwards whatever it returned. */
int unlock_prepare(struct chain *ch, const char *spec, struct unlock_plan *plan,
                   struct rw_error *err);
void unlock_plan_clear(struct unlock_plan *plan);

/* The pure checks: read-only; a lock to break (-ENOENT when none); one locker;
 * the gate (stale or blocklisted; advisory only with force; held never);
 * confirmation == "POOL/IMAGE"; and when fresh is not NULL, that fresh (read
 * at the moment of acting) has the same locker, cookie and address and still
 * passes the gate. -EPERM with the reason, else 0. */
int unlock_check(const struct unlock_plan *plan, const struct remedy_checks *checks,
                 const struct unlock_plan *fresh, struct rw_error *err);

/* Re-reads, checks, breaks the lock (rbd_break_lock, which blocklists the
 * locker's address too) and writes one audit record whatever happens. */
int unlock_execute(struct chain *ch, const struct unlock_plan *plan,
                   const struct remedy_checks *checks, struct rw_error *err);

/* "POOL/IMAGE", what the operator types to confirm; malloc'd. */
char *unlock_spec(const struct unlock_plan *plan);
/* "client.4130 'auto 1403…' at 127.0.0.1:0/…" (the audit's target); malloc'd. */
char *unlock_target(const struct unlock_plan *plan);
/* What --dry-run prints: `rbd lock rm 'POOL/IMAGE' 'ID' 'client.N'`; malloc'd. */
char *unlock_manual_command(const struct unlock_plan *plan);

#endif
