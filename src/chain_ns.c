/* chain_ns.c — the places an image can hide from a plain listing of its pool:
 * the pool's RADOS namespaces (each with its own directory, headers and trash)
 * and the rbd trash, where Cinder moves a volume it could not delete because
 * it was busy: still held, and no longer in the directory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "chain_internal.h"

int chain_namespaces(struct chain *ch, const char *pool, struct strvec *out,
		     struct rw_error *err)
{
	strvec_push(out, "");
	return ceph_list_namespaces(ch->ceph, pool, out, err);
}

int chain_trash_lookup(struct chain *ch, const char *pool, const char *nspace,
		       const char *name, const char *id, struct ceph_trash_entry *out,
		       struct rw_error *err)
{
	struct ceph_trash_entry *v = NULL;
	size_t n = 0;
	memset(out, 0, sizeof *out);
	int rc = ceph_list_trash(ch->ceph, pool, nspace, &v, &n, err);
	if (rc < 0)
		return rc;
	rc = -ENOENT;
	for (size_t i = 0; i < n && rc == -ENOENT; i++)
		if (id ? strcmp(v[i].id, id) == 0 : strcmp(v[i].name, name) == 0) {
			*out = v[i];
			v[i].id = v[i].name = NULL;  /* moved to out */
			rc = 0;
		}
	ceph_trash_free(v, n);
	return rc;
}
