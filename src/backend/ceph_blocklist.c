/* ceph_blocklist.c — the parts of ceph_admin.h that need no librados, so that
 * the fake backend (tests/fake/fake_admin.c) links the same code: freeing an
 * `osd blocklist ls` answer and reducing it to its addresses. */
#include <stdlib.h>

#include "rbdwho/ceph_admin.h"
#include "rbdwho/util.h"

void ceph_blocklist_free(struct ceph_blocklist_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].addr);
		free(v[i].until);
	}
	free(v);
}

int ceph_blocklist_addrs(struct ceph_conn *c, struct strvec *out, struct rw_error *err)
{
	struct ceph_blocklist_entry *v = NULL;
	size_t n = 0;
	int rc = ceph_blocklist_ls(c, &v, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		strvec_push(out, v[i].addr);
	ceph_blocklist_free(v, n);
	return rc;
}
