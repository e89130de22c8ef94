/* fake_lock.c — ceph_lock.h in the fake world: no image is locked, the
 * nothing can be broken. Same contracts as
 * src/backend/ceph_lock.c. */
#include <errno.h>
#include <string.h>

#include "rbdwho/ceph_lock.h"

int ceph_list_lockers(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_lock *out,
                      struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	return 0;
}

int ceph_break_lock(struct ceph_conn *c, const struct ceph_loc *at, const char *entity,
                    const char *cookie, struct rw_error *err)
{
	return rw_error_set(err, -ENOENT, "%s no longer holds the lock '%s' on '%s/%s'", entity,
	                    cookie, at->pool, at->image);
}
