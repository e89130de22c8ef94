/* probe.h — the bulk watcher probe: one asynchronous list-watchers read op per
 * image header object (rbd_header.<id>, or <name>.rbd for old-format images),
 * many in flight over one cluster connection. The cheapest way to ask "who
 * watches these images?" of a whole pool; results stream back as they land. */
#ifndef RBDWHO_PROBE_H
#define RBDWHO_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* The cancel flag, a C11 atomic_bool: the same object as C++'s
 * std::atomic<bool> (one lock-free byte in GCC and Clang). */
#ifdef __cplusplus
#include <atomic>
typedef std::atomic<bool> probe_cancel_flag;
#else
#include <stdatomic.h>
typedef atomic_bool probe_cancel_flag;
#endif

#ifdef __cplusplus
extern "C" {  /* the C headers below have no guards of their own */
#endif

#include "rbdwho/ceph.h"
#include "rbdwho/error.h"

/* Ops in flight: 512 measured ~13 % faster than 128 on a 10,000-image pool and
 * stays under librados' own throttle (objecter_inflight_ops, 1024). */
#define PROBE_DEFAULT_IN_FLIGHT 512

/* One image's answer. rc is 0, -ENOENT (the header object is gone: the image
 * was removed, or is being removed, since it was listed) or another negative
 * errno with msg saying why. Everything is borrowed for the callback's
 * duration; take ownership of watchers by setting *watchers to NULL. */
struct probe_result {
	size_t index;                 /* into the images array given */
	const struct ceph_image_ref *image;
	int rc;
	const char *msg;              /* when rc < 0 and rc != -ENOENT */
	struct ceph_watcher *watchers;
	size_t nwatchers;
};

struct probe_opts {
	int in_flight;                /* ops outstanding at once; <= 0: the default */
	const probe_cancel_flag *cancel;  /* stop issuing when it becomes true */
	/* Called once per image, in completion order, always from the thread
	 * that called probe_watchers and never concurrently. */
	void (*result)(struct probe_result *r, void *user);
	/* probe_pool only, optional: n more images were listed (same thread). */
	void (*listed)(size_t n, void *user);
	void *user;
	const char *nspace;           /* the RADOS namespace; NULL or "": the default */
};

/* Probes the watchers of n images of pool (ids from ceph_list_images). Waits
 * until every op issued has completed, also when cancelled (then the results of
 * ops in flight are still delivered; images never issued get no callback).
 * Fails only when the pool cannot be opened; per-image failures go to result().
 * Each op is bounded by the connection's OSD op timeout. */
int probe_watchers(struct ceph_conn *c, const char *pool, const struct ceph_image_ref *images,
		   size_t n, const struct probe_opts *opts, struct rw_error *err);

/* Lists the images of pool and probes them, the two overlapped: the pool's
 * directory is read a page at a time while the probe ops of the pages already
 * read are in flight (so the first answers come before the listing ends). The
 * images are rbd_list2's: format 1 and 2, and those being removed. result() is
 * as for probe_watchers (r->index counts images in listing order). Fails when
 * the pool cannot be opened or listed, the pool is gone, or the listing fails
 * part-way (-ETIMEDOUT, -EACCES, -EIO); the images listed before a failure
 * have been probed and delivered all the same. */
int probe_pool(struct ceph_conn *c, const char *pool, const struct probe_opts *opts,
	       struct rw_error *err);

/* The header object an image's watches live on, malloc'd. */
char *probe_header_oid(const struct ceph_image_ref *image);

#ifdef __cplusplus
}
#endif

#endif
