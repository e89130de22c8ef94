/* fake_ceph_ns.c — ceph.h's RADOS namespaces and trash in the fake world: it
 * has neither (every image is in a default namespace, no trash), so the
 * browser's golden screens stay as they were. */
#include <errno.h>
#include <stdlib.h>

#include "rbdwho/ceph.h"
#include "rbdwho/util.h"

/* Only the default namespace exists, and nothing is in the trash. */
static int fake_elsewhere(const struct ceph_loc *at, struct rw_error *err)
{
	char *spec = ceph_loc_spec(at);
	int rc = rw_error_set(err, -ENOENT, "image '%s' does not exist", spec);
	free(spec);
	return rc;
}

int ceph_list_images_ns(struct ceph_conn *c, const char *pool, const char *nspace,
			struct ceph_image_ref **out, size_t *n, struct rw_error *err)
{
	if (str_empty(nspace))
		return ceph_list_images(c, pool, out, n, err);
	*out = NULL;
	*n = 0;
	return rw_error_set(err, -ENOENT, "namespace '%s/%s' does not exist", pool, nspace);
}

int ceph_image_info_at(struct ceph_conn *c, const struct ceph_loc *at,
		       struct ceph_image_info *out, struct rw_error *err)
{
	if (str_empty(at->nspace) && !at->trash_id)
		return ceph_image_info(c, at->pool, at->image, out, err);
	return fake_elsewhere(at, err);
}

int ceph_list_watchers_at(struct ceph_conn *c, const struct ceph_loc *at,
			  struct ceph_watcher **out, size_t *n, struct rw_error *err)
{
	if (str_empty(at->nspace) && !at->trash_id)
		return ceph_list_watchers(c, at->pool, at->image, out, n, err);
	*out = NULL;
	*n = 0;
	return fake_elsewhere(at, err);
}

int ceph_list_namespaces(struct ceph_conn *c, const char *pool, struct strvec *names,
			 struct rw_error *err)
{
	return ceph_pool_exists(c, pool, err);
}

int ceph_list_trash(struct ceph_conn *c, const char *pool, const char *nspace,
		    struct ceph_trash_entry **out, size_t *n, struct rw_error *err)
{
	*out = NULL;
	*n = 0;
	return ceph_pool_exists(c, pool, err);
}
