/* chain_browse.c — the chain's answers for the browser's lists: pools and
 * their image counts, a pool's images in pages, and a batch of rows probed
 * for size and watchers. The browser asks only these (and the rest of
 * chain.h), never a backend, so it runs the same code as the commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/probe.h"
#include "rbdwho/util.h"
#include "rbdwho/volspec.h"
#include "chain_internal.h"

int chain_cluster_status(struct chain *ch, char **fsid, char **health, struct rw_error *err)
{
	return ceph_cluster_status(ch->ceph, fsid, health, err);
}

int chain_list_pools(struct chain *ch, struct strvec *names, struct rw_error *err)
{
	char **v = NULL;
	size_t n = 0;
	stage_say("asking Ceph for its pools");
	int rc = ceph_list_pools(ch->ceph, &v, &n, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		strvec_push_owned(names, v[i]);
	free(v);
	return 0;
}

void chain_pool_info_clear(struct chain_pool_info *pi)
{
	for (size_t i = 0; i < pi->nns; i++)
		free(pi->ns[i].name);
	free(pi->ns);
	memset(pi, 0, sizeof *pi);
}

int chain_pool_count(struct chain *ch, const char *pool, struct chain_pool_info *out,
		     struct rw_error *err)
{
	int rbd = 0;
	memset(out, 0, sizeof *out);
	int rc = ceph_pool_summary(ch->ceph, pool, &out->images, &rbd, err);
	out->rbd = rbd != 0;
	if (rc < 0 || !out->rbd)
		return rc;
	/* the images pane lists the namespaces' images and the trash too: so
	 * does the count, and each namespace has its own */
	struct strvec nss = {0};
	rc = chain_namespaces(ch, pool, &nss, err);
	struct chain_ns_count *per = xcalloc(nss.n ? nss.n : 1, sizeof *per);
	per[0].images = out->images;
	for (size_t k = 0; rc == 0 && k < nss.n; k++) {
		struct ceph_image_ref *refs = NULL;
		struct ceph_trash_entry *trash = NULL;
		size_t n = 0, nt = 0;
		if (k > 0)
			rc = ceph_list_images_ns(ch->ceph, pool, nss.v[k], &refs, &n, err);
		if (rc == 0)
			rc = ceph_list_trash(ch->ceph, pool, nss.v[k], &trash, &nt, err);
		out->images += n + nt;
		per[k].images += n + nt;
		ceph_image_refs_free(refs, n);
		ceph_trash_free(trash, nt);
	}
	if (rc == 0 && nss.n > 1) {
		for (size_t k = 0; k < nss.n; k++)
			per[k].name = xstrdup(nss.v[k]);
		out->ns = per;
		out->nns = nss.n;
	} else {
		free(per);
	}
	strvec_free(&nss);
	return rc;
}

/* Renames refs[i].name to the chain's "NS/IMAGE" in namespace ns. */
static void name_in_ns(const char *ns, char **name)
{
	if (str_empty(ns))
		return;
	char *joined = volspec_join_ns(ns, *name);
	free(*name);
	*name = joined;
}

/* One namespace's images, paged; names as the chain gives them ("NS/IMAGE").
 * false when page() asked to stop. */
static bool list_ns_images(struct chain *ch, const char *pool, const char *ns, size_t page_size,
			   chain_page_fn page, void *user, size_t *total, int *rc,
			   struct rw_error *err)
{
	struct ceph_image_ref *refs = NULL;
	size_t n = 0;
	*rc = ceph_list_images_ns(ch->ceph, pool, ns, &refs, &n, err);
	if (*rc < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		name_in_ns(ns, &refs[i].name);
	if (page_size == 0)
		page_size = n ? n : 1;
	bool more = true;
	for (size_t i = 0; i < n && more; i += page_size)
		more = page(refs + i, NULL, n - i < page_size ? n - i : page_size, user);
	*total += n;
	ceph_image_refs_free(refs, n);
	return more;
}

/* One namespace's trash as one page of rows (a trash is short: what Cinder
 * could not delete); false when page() asked to stop or the trash could not
 * be listed (*rc, err). */
static bool list_ns_trash(struct chain *ch, const char *pool, const char *ns, chain_page_fn page,
			  void *user, size_t *total, int *rc, struct rw_error *err)
{
	struct ceph_trash_entry *v = NULL;
	size_t n = 0;
	*rc = ceph_list_trash(ch->ceph, pool, ns, &v, &n, err);
	if (*rc < 0)
		return false;
	struct ceph_image_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		refs[i].name = xstrdup(v[i].name);
		refs[i].id = xstrdup(v[i].id);
		name_in_ns(ns, &refs[i].name);
	}
	bool more = n == 0 || page(refs, v, n, user);
	*total += n;
	ceph_image_refs_free(refs, n);
	ceph_trash_free(v, n);
	return more;
}

int chain_list_ns_images(struct chain *ch, const char *pool, const char *ns, size_t page_size,
			 chain_page_fn page, void *user, size_t *total, struct rw_error *err)
{
	int rc = 0;
	*total = 0;
	stage_say("asking Ceph for the images of %s%s%s", pool, str_empty(ns) ? "" : "/",
		  str_empty(ns) ? "" : ns);
	if (list_ns_images(ch, pool, ns, page_size, page, user, total, &rc, err))
		list_ns_trash(ch, pool, ns, page, user, total, &rc, err);
	return rc;
}

/* The default namespace's images first, then its trash, then each RADOS
 * namespace's images and trash, as NS/IMAGE rows; a namespace list or a
 * trash that fails ends the listing with its error, after the rows already
 * listed. */
int chain_list_images(struct chain *ch, const char *pool, size_t page_size, chain_page_fn page,
		      void *user, size_t *total, struct rw_error *err)
{
	struct strvec nss = {0};
	int rc = 0;
	*total = 0;
	stage_say("asking Ceph for the images of pool %s", pool);
	/* the default namespace first: a hung pool costs one timeout, not two */
	if (!list_ns_images(ch, pool, "", page_size, page, user, total, &rc, err))
		return rc;
	stage_say("asking Ceph for the rbd trash of pool %s", pool);
	if (!list_ns_trash(ch, pool, "", page, user, total, &rc, err))
		return rc;
	rc = ceph_list_namespaces(ch->ceph, pool, &nss, err);
	int lrc = 0;
	for (size_t k = 0; rc == 0 && k < nss.n; k++)
		if (!list_ns_images(ch, pool, nss.v[k], page_size, page, user, total, &lrc, err) ||
		    !list_ns_trash(ch, pool, nss.v[k], page, user, total, &lrc, err))
			break;
	strvec_free(&nss);
	return rc < 0 ? rc : lrc;
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

/* A run of images of one namespace (the listing keeps them together), probed
 * in bulk with their bare names. */
static int probe_run(struct chain *ch, const char *pool, const char *ns,
		     const struct ceph_image_ref *images, size_t n, struct chain_probe_row *out,
		     struct rw_error *err)
{
	struct ceph_image_ref *bare = xcalloc(n ? n : 1, sizeof *bare);
	for (size_t i = 0; i < n; i++) {
		const char *slash = str_empty(ns) ? NULL : strchr(images[i].name, '/');
		bare[i] = (struct ceph_image_ref){slash ? (char *)slash + 1 : images[i].name,
						  images[i].id};  /* borrowed */
	}
	struct probe_ctx pc = {out};
	struct probe_opts po = {.result = probe_row, .user = &pc, .nspace = ns};
	int rc = probe_watchers(ch->ceph, pool, bare, n, &po, err);
	free(bare);
	return rc;
}

/* The namespace of a row's name ("" for IMAGE, NS for NS/IMAGE); malloc'd. */
static char *row_ns(const char *name)
{
	char *ns = NULL, *image = NULL;
	volspec_split_ns(name, &ns, &image);
	free(image);
	return ns ? ns : xstrdup("");
}

int chain_probe(struct chain *ch, const char *pool, const struct ceph_image_ref *images,
		size_t n, struct chain_probe_row *out, bool (*stop)(void *user), void *user,
		struct rw_error *err)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct chain_probe_row){.size = 0, .nwatchers = -1};
	stage_say("probing the watchers of %zu images of pool %s", n, pool);
	for (size_t i = 0; i < n;) {
		char *ns = row_ns(images[i].name);
		size_t end = i + 1;
		for (char *next; end < n; end++) {
			next = row_ns(images[end].name);
			bool same = strcmp(next, ns) == 0;
			free(next);
			if (!same)
				break;
		}
		int rc = probe_run(ch, pool, ns, images + i, end - i, out + i, err);
		free(ns);
		if (rc < 0)
			return rc;
		i = end;
	}
	for (size_t i = 0; i < n; i++) {
		if (stop && stop(user)) {
			out[i].nwatchers = -1;
			continue;
		}
		struct ceph_image_info info = {0};
		struct rw_error e = {0};
		char *ns = NULL, *name = NULL;
		struct ceph_loc at = {.pool = pool};
		stage_say("reading image sizes: %zu of %zu in pool %s", i + 1, n, pool);
		if (volspec_split_ns(images[i].name, &ns, &name) == 0) {
			at.nspace = ns;
			at.image = name;
		}
		int rc = at.image ? ceph_image_info_at(ch->ceph, &at, &info, &e) : -EINVAL;
		/* not in the directory, or another image has taken the name since:
		 * a trash row, opened by its id */
		if (rc == -ENOENT || (rc == 0 && info.id && images[i].id &&
				    strcmp(info.id, images[i].id) != 0)) {
			ceph_image_info_clear(&info);
			at.trash_id = images[i].id;
			rc = ceph_image_info_at(ch->ceph, &at, &info, &e);
		}
		if (rc == 0)
			out[i].size = info.size;
		else
			out[i].nwatchers = -1;  /* gone or failing: the row says unknown */
		ceph_image_info_clear(&info);
		free(ns);
		free(name);
	}
	return 0;
}

int chain_image_clones(struct chain *ch, const char *pool, const char *image,
		       const char *trash_id, struct ceph_clone_info *out, struct rw_error *err)
{
	char *ns = NULL, *name = NULL;
	memset(out, 0, sizeof *out);
	if (volspec_split_ns(image, &ns, &name) < 0)
		return rw_error_set(err, -EINVAL, "'%s' is not IMAGE or NAMESPACE/IMAGE", image);
	struct ceph_loc at = {pool, ns, name, trash_id};
	stage_say("asking Ceph for the parent and clones of %s/%s", pool, image);
	int rc = ceph_clone_info(ch->ceph, &at, out, err);
	free(ns);
	free(name);
	return rc;
}
