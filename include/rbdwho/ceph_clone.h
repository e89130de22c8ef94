/* ceph_clone.h — an image's place in a clone tree, over librbd: the parent
 * snapshot it was cloned from (rbd_get_parent) and the clones made from its
 * snapshots (rbd_list_children3), each with its watcher count. A parent's
 * snapshot is "held" through its clones: a held child keeps the parent in use
 * though the parent itself has no watcher. Images are opened read-only. */
#ifndef RBDWHO_CEPH_CLONE_H
#define RBDWHO_CEPH_CLONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rbdwho/error.h"

struct ceph_conn;
struct ceph_loc;

struct ceph_clone_ref {
	char *pool;
	char *nspace;   /* RADOS namespace; NULL for the default one */
	char *image;
	char *snap;     /* parent: its snapshot the image was cloned from; child: the
			   snapshot of this image it hangs from (NULL when unknown) */
	bool trash;     /* the image is in the rbd trash */
	int nwatchers;  /* children: how many watchers it has; -1 when not known (also
			   for a child in the trash or in a namespace) */
};

struct ceph_clone_info {
	bool has_parent;
	struct ceph_clone_ref parent;
	struct ceph_clone_ref *children;
	size_t nchildren;
};

/* Fills out for the image at (in its namespace, or by its trash id): 0, or a negative code with err set (-ENOENT when
 * the image is gone). A child that cannot be opened is kept, with its snap
 * NULL and nwatchers -1 (not an error of the whole call: its name is known). */
int ceph_clone_info(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		    struct rw_error *err);
void ceph_clone_info_clear(struct ceph_clone_info *ci);

/* The parent snapshot only (out->has_parent and out->parent; no children):
 * one read-only open, what a scan affords for each watched image. 0, or a
 * negative code with err set. */
int ceph_clone_parent(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		      struct rw_error *err);
/* false when an image with these features cannot be a clone (format 1, or no
 * layering): its parent need not be read. */
bool ceph_clone_may_have_parent(uint64_t features, bool old_format);

/* "pool/image@snap" or "pool/ns/image@snap" (no "@snap" when snap is NULL); malloc'd. */
char *ceph_clone_ref_spec(const struct ceph_clone_ref *r);
/* The children in one line for a narrow place: their count, then the first
 * `first` as POOL/[NS/]IMAGE, each marked "(watched)" or "(in trash)" when it
 * is, then "and N more": "3: volumes/a (watched), vms/b and 1 more"; "none"
 * without children. malloc'd. */
char *ceph_clone_children_brief(const struct ceph_clone_info *ci, size_t first);
/* How many of the children have at least one watcher. */
size_t ceph_clone_held_children(const struct ceph_clone_info *ci);

#endif
