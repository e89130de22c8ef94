/* clone_holds.h — the images a scan finds held through their clones. A scan
 * reads the parent snapshot of every image it reports (chain_load_parent);
 * turned around, that names each parent whose clones are held: in use, its
 * snapshots and itself unremovable, though it may have no watcher of its own
 * and so never appear in the scan's list. Pure bookkeeping, no I/O. */
#ifndef RBDWHO_CLONE_HOLDS_H
#define RBDWHO_CLONE_HOLDS_H

#include <stdbool.h>
#include <stddef.h>

#include "rbdwho/ceph_clone.h"

struct clone_hold {
	struct ceph_clone_ref parent;    /* snap NULL: the image itself */
	struct ceph_clone_ref *clones;   /* the held clones; snap: the parent's snapshot it hangs from */
	size_t nclones;
	bool watched;                    /* the parent has watchers of its own (it was added too) */
};

struct clone_holds {
	struct clone_hold *v;
	size_t n;
	struct ceph_clone_ref *added;     /* every image added, to tell a watched parent */
	size_t nadded;
};

/* One reported (watched) image, in its pool and namespace ("" or NULL for the
 * default one), with its parent snapshot (NULL: none, or not known). Copies
 * what it keeps. */
void clone_holds_add(struct clone_holds *h, const char *pool, const char *nspace,
		     const char *image, const struct ceph_clone_ref *parent);
/* Sorts the parents and each one's clones (pool, namespace, image, snapshot)
 * and marks the parents that were added themselves: call once, after the last add. */
void clone_holds_finish(struct clone_holds *h);
void clone_holds_free(struct clone_holds *h);

#endif
