/* ceph_lock.h — the Ceph calls behind an image's lock (lock.h judges them):
 * the lockers as `rbd lock ls` lists them, the OSD blocklist, and breaking
 * one locker's lock. Images are opened read-only, as everywhere in rbdwho. */
#ifndef RBDWHO_CEPH_LOCK_H
#define RBDWHO_CEPH_LOCK_H

#include "rbdwho/ceph.h"
#include "rbdwho/error.h"
#include "rbdwho/lock.h"

/* Every locker of the image at (its namespace, or its trash id)
 * (rbd_list_lockers); out->n is 0 when unlocked. -ENOENT when the image is
 * gone. Call ceph_lock_clear afterwards. */
int ceph_list_lockers(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_lock *out,
                      struct rw_error *err);


/* Breaks the lock entity ("client.N") holds with cookie on the image at
 * (rbd_break_lock). librbd first blocklists the locker's address (its
 * rbd_blocklist_on_break_lock, on by default), so that a client thought dead
 * cannot write after its lock is gone. -ENOENT when that locker no longer
 * holds it. */
int ceph_break_lock(struct ceph_conn *c, const struct ceph_loc *at, const char *entity,
                    const char *cookie, struct rw_error *err);

#endif
