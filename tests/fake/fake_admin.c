/* fake_admin.c — ceph_admin.h answered from the fake world: the OSD blocklist
 * is fake_changes.c's, the OSDs have every map at once. RBDWHO_FAKE=nocaps
 * refuses the change as a cephx user without the mon caps is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ceph_admin.h"
#include "rbdwho/util.h"
#include "fake.h"

/* Fixed, so that the screens do not depend on the clock. */
#define FAKE_UNTIL "2030-01-01T01:00:00.000000+0000"

static uint64_t osdmap_epoch = 100;  /* read and bumped under no lock: one act at a time */

static int refused(const char *op, struct rw_error *err)
{
	return rw_error_set(err, -EACCES, "osd blocklist %s: Permission denied: the cephx user "
			    "needs mon caps for `osd blocklist` (e.g. mon 'profile rbd' or "
			    "'allow *')", op);
}

int ceph_blocklist_add(struct ceph_conn *c, const char *addr, unsigned expire_s,
		       uint64_t *epoch, struct rw_error *err)
{
	if (fake_is("nocaps"))
		return refused("add", err);
	fake_block(addr, true);
	if (epoch)
		*epoch = ++osdmap_epoch;
	return 0;
}

int ceph_blocklist_rm(struct ceph_conn *c, const char *addr, uint64_t *epoch,
		      struct rw_error *err)
{
	if (fake_is("nocaps"))
		return refused("rm", err);
	if (!fake_block(addr, false))
		return rw_error_set(err, -ENOENT, "%s isn't blocklisted", addr);
	if (epoch)
		*epoch = ++osdmap_epoch;
	return 0;
}

int ceph_blocklist_ls(struct ceph_conn *c, struct ceph_blocklist_entry **out, size_t *n,
		      struct rw_error *err)
{
	struct strvec v = {0};
	fake_blocklist_copy(&v);
	*out = xcalloc(v.n ? v.n : 1, sizeof **out);
	for (size_t i = 0; i < v.n; i++) {
		(*out)[i].addr = xstrdup(v.v[i]);
		(*out)[i].until = xstrdup(FAKE_UNTIL);
	}
	*n = v.n;
	strvec_free(&v);
	return 0;
}

int ceph_osdmap_epoch(struct ceph_conn *c, uint64_t *epoch, struct rw_error *err)
{
	*epoch = osdmap_epoch;
	return 0;
}

int ceph_wait_osds_epoch(struct ceph_conn *c, uint64_t epoch, int timeout_ms,
			 struct rw_error *err)
{
	return 0;
}
