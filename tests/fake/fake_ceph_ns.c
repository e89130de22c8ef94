/* fake_ceph_ns.c — ceph.h's RADOS namespaces and trash, and ceph_clone.h, in
 * the fake world: an image's namespace, trash time and parent are columns of
 * its row (fake.h); namespaces, trash entries and children are read off the
 * table. Same contracts as src/backend/ceph.c and ceph_clone.c.
 * RBDWHO_FAKE_CLONES=fail makes reading clones fail, =hang never answer,
 * =hang:IMAGE never answer for that image only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ceph.h"
#include "rbdwho/ceph_clone.h"
#include "rbdwho/util.h"
#include "fake.h"

static int fake_elsewhere(const struct ceph_loc *at, struct rw_error *err)
{
	char *spec = ceph_loc_spec(at);
	int rc = rw_error_set(err, -ENOENT, "image '%s' does not exist%s", spec,
			      at->trash_id ? " in the trash" : "");
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
	int rc = ceph_pool_exists(c, pool, err);
	if (rc == 0)
		*n = fake_pool_images(pool, nspace, out);
	return rc;
}

int ceph_image_info_at(struct ceph_conn *c, const struct ceph_loc *at,
		       struct ceph_image_info *out, struct rw_error *err)
{
	struct fake_image tmp;
	char nb[32], ib[24];
	const struct fake_image *img = fake_image_at(at, &tmp, nb, ib);
	memset(out, 0, sizeof *out);
	if (!img)
		return fake_elsewhere(at, err);
	out->pool = xstrdup(at->pool);
	out->name = xstrdup(img->name);
	out->id = xstrdup(img->id);
	out->size = img->size;
	out->block_name_prefix = xasprintf("rbd_data.%s", img->id);
	out->features = 1;
	out->features_str = xstrdup("layering");
	return 0;
}

int ceph_list_watchers_at(struct ceph_conn *c, const struct ceph_loc *at,
			  struct ceph_watcher **out, size_t *n, struct rw_error *err)
{
	struct fake_image tmp;
	char nb[32], ib[24];
	const struct fake_image *img = fake_image_at(at, &tmp, nb, ib);
	*out = NULL;
	*n = 0;
	if (!img)
		return fake_elsewhere(at, err);
	*n = fake_copy_watchers(img, out);
	return 0;
}

/* The namespaces named in the table, in its order, each once. */
int ceph_list_namespaces(struct ceph_conn *c, const char *pool, struct strvec *names,
			 struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	int rc = ceph_pool_exists(c, pool, err);
	for (size_t i = 0; rc == 0 && i < w->nimages; i++) {
		const char *ns = w->images[i].nspace;
		bool seen = false;
		for (size_t k = 0; ns && k < names->n && !seen; k++)
			seen = strcmp(names->v[k], ns) == 0;
		if (ns && !seen && strcmp(w->images[i].pool, pool) == 0)
			strvec_push(names, ns);
	}
	return rc;
}

int ceph_list_trash(struct ceph_conn *c, const char *pool, const char *nspace,
		    struct ceph_trash_entry **out, size_t *n, struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	*out = NULL;
	*n = 0;
	int rc = ceph_pool_exists(c, pool, err);
	for (size_t i = 0; rc == 0 && i < w->nimages; i++) {
		const struct fake_image *img = &w->images[i];
		if (!img->trashed || strcmp(img->pool, pool) != 0 ||
		    strcmp(img->nspace ? img->nspace : "", nspace ? nspace : "") != 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct ceph_trash_entry){xstrdup(img->id), xstrdup(img->name), 0,
							    img->trashed, img->trashed};
	}
	return rc;
}

/* "POOL/[NS/]IMAGE@SNAP" (a parent column) into a clone ref; false when malformed. */
static bool parse_parent(const char *spec, struct ceph_clone_ref *r)
{
	const char *at = strchr(spec, '@'), *s1 = strchr(spec, '/');
	if (!at || !s1 || s1 > at)
		return false;
	const char *s2 = memchr(s1 + 1, '/', (size_t)(at - s1 - 1));
	r->pool = xstrndup(spec, (size_t)(s1 - spec));
	r->nspace = s2 ? xstrndup(s1 + 1, (size_t)(s2 - s1 - 1)) : NULL;
	const char *img = s2 ? s2 + 1 : s1 + 1;
	r->image = xstrndup(img, (size_t)(at - img));
	r->snap = xstrdup(at + 1);
	r->nwatchers = -1;
	return true;
}

static bool same_image(const struct ceph_clone_ref *r, const struct ceph_loc *at,
		       const char *name)
{
	return strcmp(r->pool, at->pool) == 0 &&
	       strcmp(r->nspace ? r->nspace : "", at->nspace ? at->nspace : "") == 0 &&
	       strcmp(r->image, name) == 0;
}

/* scan's cheap read: the parent only, from the same table (never the children) */
int ceph_clone_parent(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		      struct rw_error *err)
{
	struct fake_image tmp;
	char nb[32], ib[24];
	const struct fake_image *img = fake_image_at(at, &tmp, nb, ib);
	memset(out, 0, sizeof *out);
	if (!img)
		return fake_elsewhere(at, err);
	if (img->parent)
		out->has_parent = parse_parent(img->parent, &out->parent);
	return 0;
}

int ceph_clone_info(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_clone_info *out,
		    struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	struct fake_image tmp;
	char nb[32], ib[24];
	const struct fake_image *img = fake_image_at(at, &tmp, nb, ib);
	const char *mode = getenv("RBDWHO_FAKE_CLONES");  /* "fail", "hang", "hang:IMAGE" */
	memset(out, 0, sizeof *out);
	if (mode && (strcmp(mode, "hang") == 0 ||
		     (str_starts_with(mode, "hang:") && strcmp(mode + 5, at->image) == 0)))
		fake_hang();
	if (mode && strcmp(mode, "fail") == 0)
		return rw_error_set(err, -EIO, "cannot read its clones of '%s/%s': Input/output error",
				    at->pool, at->image);
	if (!img)
		return fake_elsewhere(at, err);
	if (img->parent)
		out->has_parent = parse_parent(img->parent, &out->parent);
	for (size_t i = 0; i < w->nimages; i++) {
		struct ceph_clone_ref r = {0};
		const struct fake_image *ch = &w->images[i];
		if (!ch->parent || !parse_parent(ch->parent, &r) || !same_image(&r, at, img->name)) {
			ceph_clone_info_clear(&(struct ceph_clone_info){.parent = r});
			continue;
		}
		free(r.pool);
		free(r.nspace);
		free(r.image);
		r.pool = xstrdup(ch->pool);
		r.nspace = ch->nspace ? xstrdup(ch->nspace) : NULL;
		r.image = xstrdup(ch->name);
		r.trash = ch->trashed != 0;
		struct ceph_watcher *ws = NULL;
		r.nwatchers = (int)fake_copy_watchers(ch, &ws);
		ceph_watchers_free(ws, (size_t)r.nwatchers);
		out->children = xrealloc(out->children, (out->nchildren + 1) * sizeof r);
		out->children[out->nchildren++] = r;
	}
	return 0;
}
