/* chain_browse.c — the chain's answers for the browser's lists: pools and
 * their image counts, a pool's images in pages, and a batch of rows probed
 * for size and watchers. The browser asks only these (and the rest of
 * chain.h), never a backend, so it runs the same code as the commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/probe.h"
#include "rbdwho/util.h"
#include "chain_internal.h"

int chain_cluster_status(struct chain *ch, char **fsid, char **health, struct rw_error *err)
{
	return ceph_cluster_status(ch->ceph, fsid, health, err);
}

int chain_list_pools(struct chain *ch, struct strvec *names, struct rw_error *err)
{
	char **v = NULL;
	size_t n = 0;
	int rc = ceph_list_pools(ch->ceph, &v, &n, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		strvec_push_owned(names, v[i]);
	free(v);
	return 0;
}

int chain_pool_count(struct chain *ch, const char *pool, struct chain_pool_info *out,
		     struct rw_error *err)
{
	int rbd = 0;
	memset(out, 0, sizeof *out);
	int rc = ceph_pool_summary(ch->ceph, pool, &out->images, &rbd, err);
	out->rbd = rbd != 0;
	return rc;
}

int chain_list_images(struct chain *ch, const char *pool, size_t page_size,
		      bool (*page)(const struct ceph_image_ref *refs, size_t n, void *user),
		      void *user, size_t *total, struct rw_error *err)
{
	struct ceph_image_ref *refs = NULL;
	size_t n = 0;
	*total = 0;
	int rc = ceph_list_images(ch->ceph, pool, &refs, &n, err);
	if (rc < 0)
		return rc;
	if (page_size == 0)
		page_size = n ? n : 1;
	for (size_t i = 0; i < n; i += page_size)
		if (!page(refs + i, n - i < page_size ? n - i : page_size, user))
			break;
	*total = n;
	ceph_image_refs_free(refs, n);
	return 0;
}

struct probe_ctx {
	struct chain_probe_row *out;
};

static void probe_row(struct probe_result *r, void *user)
{
	struct probe_ctx *pc = user;
	/* -ENOENT: removed since it was listed; like any failure, not a count */
	pc->out[r->index].nwatchers = r->rc == 0 ? (int)r->nwatchers : -1;
}

int chain_probe(struct chain *ch, const char *pool, const struct ceph_image_ref *images,
		size_t n, struct chain_probe_row *out, bool (*stop)(void *user), void *user,
		struct rw_error *err)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct chain_probe_row){.size = 0, .nwatchers = -1};
	struct probe_ctx pc = {out};
	struct probe_opts po = {.result = probe_row, .user = &pc};
	int rc = probe_watchers(ch->ceph, pool, images, n, &po, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (stop && stop(user)) {
			out[i].nwatchers = -1;
			continue;
		}
		struct ceph_image_info info = {0};
		struct rw_error e = {0};
		if (ceph_image_info(ch->ceph, pool, images[i].name, &info, &e) == 0)
			out[i].size = info.size;
		else
			out[i].nwatchers = -1;  /* gone or failing: the row says unknown */
		ceph_image_info_clear(&info);
	}
	return 0;
}
