/* ceph_clone.c — parent and children of an image (ceph_clone.h), with
 * librbd's rbd_get_parent and rbd_list_children3. rbd_list_children3 on an
 * image opened at its head lists the clones of every snapshot; each child is
 * then opened (by id, so a trashed child works too) to read which snapshot it
 * hangs from, and its watchers are listed where it is (its namespace, or by
 * id in the trash). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "rbdwho/ceph.h"
#include "rbdwho/ceph_clone.h"
#include "rbdwho/util.h"
#include "ceph_internal.h"

/* librados codes as rbdwho's (as ceph.c maps them): anything unnamed is -EIO. */
static int clone_code(int rc)
{
	return rc == -ENOENT || rc == -ETIMEDOUT || rc == -EACCES ? rc
	       : rc == -EPERM					   ? -EACCES
								   : -EIO;
}

static char *dup_or_null(const char *s)
{
	return str_empty(s) ? NULL : xstrdup(s);
}

/* The image's parent snapshot: 0 (has_parent set or not) or a librbd error. */
static int read_parent(rbd_image_t img, struct ceph_clone_ref *out, bool *has)
{
	rbd_linked_image_spec_t spec;
	rbd_snap_spec_t snap;
	memset(&spec, 0, sizeof spec);
	memset(&snap, 0, sizeof snap);
	int rc = rbd_get_parent(img, &spec, &snap);
	*has = rc == 0;
	if (rc == -ENOENT)  /* librbd's "no parent" */
		return 0;
	if (rc < 0)
		return rc;
	out->pool = xstrdup(spec.pool_name ? spec.pool_name : "?");
	out->nspace = dup_or_null(spec.pool_namespace);
	out->image = xstrdup(spec.image_name ? spec.image_name : "?");
	out->snap = dup_or_null(snap.name);
	out->trash = spec.trash;
	out->nwatchers = -1;
	rbd_linked_image_spec_cleanup(&spec);
	rbd_snap_spec_cleanup(&snap);
	return 0;
}

/* A child's watchers, through ceph.c's own listing (one more read-only open,
 * in its namespace, or by id when it is in the trash); -1 when they cannot be
 * listed. */
static int child_watchers(struct ceph_conn *c, const struct ceph_clone_ref *child,
			  const char *id)
{
	struct ceph_loc at = {child->pool, child->nspace, child->image, child->trash ? id : NULL};
	struct ceph_watcher *w = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	if (ceph_list_watchers_at(c, &at, &w, &n, &err) < 0)
		return -1;
	ceph_watchers_free(w, n);
	return (int)n;
}

/* Opens one child by id and reads its parent snapshot and watcher count;
 * what cannot be read stays unknown (snap NULL, nwatchers -1). */
static void read_child(struct ceph_conn *c, const rbd_linked_image_spec_t *spec,
		       struct ceph_clone_ref *out)
{
	rados_t cl = ceph_rados_handle(c);
	out->pool = xstrdup(spec->pool_name ? spec->pool_name : "?");
	out->nspace = dup_or_null(spec->pool_namespace);
	out->image = xstrdup(spec->image_name ? spec->image_name : "?");
	out->trash = spec->trash;
	out->nwatchers = -1;
	rados_ioctx_t io;
	rbd_image_t img;
	if (rados_ioctx_create2(cl, spec->pool_id, &io) < 0)
		return;
	rados_ioctx_set_namespace(io, spec->pool_namespace ? spec->pool_namespace : "");
	if (rbd_open_by_id_read_only(io, spec->image_id, &img, NULL) == 0) {
		struct ceph_clone_ref parent;
		memset(&parent, 0, sizeof parent);
		bool has = false;
		if (read_parent(img, &parent, &has) == 0 && has) {
			out->snap = parent.snap;
			parent.snap = NULL;
		}
		ceph_clone_info_clear(&(struct ceph_clone_info){.parent = parent});
		rbd_close(img);
		out->nwatchers = child_watchers(c, out, spec->image_id);
	}
	rados_ioctx_destroy(io);
}

static int read_children(struct ceph_conn *c, rbd_image_t img, struct ceph_clone_info *out)
{
	size_t max = 16;
	rbd_linked_image_spec_t *specs = NULL;
	int rc;
	for (;;) {
		specs = xrealloc(specs, max * sizeof *specs);
		memset(specs, 0, max * sizeof *specs);
		size_t got = max;
		rc = rbd_list_children3(img, specs, &got);
		if (rc == -ERANGE && got > max) {
			max = got + 4;
			continue;
		}
		max = got;
		break;
	}
	if (rc < 0) {
		free(specs);
		return rc;
	}
	out->children = xcalloc(max ? max : 1, sizeof *out->children);
	for (size_t i = 0; i < max; i++)
		read_child(c, &specs[i], &out->children[i]);
	out->nchildren = max;
	rbd_linked_image_spec_list_cleanup(specs, max);
	free(specs);
	return 0;
}

int ceph_clone_info(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		    struct rw_error *err)
{
	const char *pool = at->pool, *image = at->image;
	memset(out, 0, sizeof *out);
	if (!c || !ceph_rados_handle(c))
		return rw_error_set(err, -EIO, "no Ceph connection to read the clones of '%s/%s'",
				    pool, image);
	rados_ioctx_t io;
	rbd_image_t img;
	int rc = ceph_open_image(c, at, &io, &img, err);
	if (rc < 0)
		return rc;
	const char *what = "its parent";
	rc = read_parent(img, &out->parent, &out->has_parent);
	if (rc == 0) {
		what = "its clones";
		rc = read_children(c, img, out);
	}
	rbd_close(img);
	rados_ioctx_destroy(io);
	if (rc < 0) {
		ceph_clone_info_clear(out);
		return rw_error_set(err, clone_code(rc), "cannot read %s of '%s/%s': %s",
				    what, pool, image, strerror(-rc));
	}
	return 0;
}

int ceph_clone_parent(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		      struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	if (!c || !ceph_rados_handle(c))
		return rw_error_set(err, -EIO, "no Ceph connection to read the parent of '%s/%s'",
				    at->pool, at->image);
	rados_ioctx_t io;
	rbd_image_t img;
	int rc = ceph_open_image(c, at, &io, &img, err);
	if (rc < 0)
		return rc;
	rc = read_parent(img, &out->parent, &out->has_parent);
	rbd_close(img);
	rados_ioctx_destroy(io);
	if (rc < 0) {
		ceph_clone_info_clear(out);
		return rw_error_set(err, clone_code(rc), "cannot read the parent of '%s/%s': %s",
				    at->pool, at->image, strerror(-rc));
	}
	return 0;
}

