/* chain_scan.c — every image with watchers in a set of pools, each resolved
 * like a find. Watchers are probed image by image over the chain's one cluster
 * connection; images that vanish between the listing and the probe are skipped. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "chain_internal.h"

static bool cancelled(const struct scan_callbacks *cb)
{
	return cb->cancel && *cb->cancel;
}

static void scan_image(struct chain *ch, const char *pool, const char *name,
		       const struct scan_callbacks *cb, struct scan_progress *p)
{
	struct ceph_watcher *ws = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	int rc = ceph_list_watchers(ch->ceph, pool, name, &ws, &n, &e);
	ceph_watchers_free(ws, n);
	if (rc < 0 || n == 0)
		return;
	struct image_view *iv = NULL;
	if (chain_load_image(ch, pool, name, &iv, &e) < 0)
		return;
	if (iv->nwatchers == 0) {  /* the holder went away meanwhile */
		image_view_free(iv);
		return;
	}
	for (size_t i = 0; i < iv->nwatchers; i++)
		chain_resolve_watcher(ch, iv, &iv->watchers[i]);
	chain_add_notes(ch, iv);
	p->with_watchers++;
	cb->found(iv, cb->user);
}

static void scan_pool(struct chain *ch, const char *pool, const struct scan_callbacks *cb,
		      struct scan_progress *p)
{
	struct ceph_image_ref *imgs = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	if (ceph_list_images(ch->ceph, pool, &imgs, &n, &e) < 0) {
		if (cb->pool_error)
			cb->pool_error(pool, &e, cb->user);
		return;
	}
	p->images_total += n;
	for (size_t i = 0; i < n && !cancelled(cb); i++) {
		scan_image(ch, pool, imgs[i].name, cb, p);
		p->images_done++;
		if (cb->progress)
			cb->progress(p, cb->user);
	}
	ceph_image_refs_free(imgs, n);
}

int chain_scan(struct chain *ch, const struct strvec *pools, const struct scan_callbacks *cb,
	       struct rw_error *err)
{
	struct strvec all = {0};
	if (!pools || pools->n == 0) {
		char **names = NULL;
		size_t n = 0;
		int rc = ceph_list_pools(ch->ceph, &names, &n, err);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			strvec_push_owned(&all, names[i]);
		free(names);
		pools = &all;
	} else {
		for (size_t i = 0; i < pools->n; i++) {
			int rc = ceph_pool_exists(ch->ceph, pools->v[i], err);
			if (rc < 0)
				return rc;
		}
	}
	struct scan_progress p = {.pools_total = pools->n};
	for (size_t i = 0; i < pools->n && !cancelled(cb); i++) {
		scan_pool(ch, pools->v[i], cb, &p);
		p.pools_done++;
		if (cb->progress)
			cb->progress(&p, cb->user);
	}
	strvec_free(&all);
	return 0;
}
