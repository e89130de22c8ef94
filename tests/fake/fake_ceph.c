/* fake_ceph.c — ceph.h and probe.h answered from the fake world (fake.h):
 * no librados, no cluster. Same contracts as src/backend/ceph.c and probe.cc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ceph.h"
#include "rbdwho/probe.h"
#include "rbdwho/util.h"
#include "fake.h"

struct ceph_conn {
	int unused;
};

int ceph_connect(const struct ceph_opts *opts, struct ceph_conn **out, struct rw_error *err)
{
	if (fake_is("hang"))
		fake_hang();
	if (fake_is("down"))
		return rw_error_set(err, -ECONNREFUSED,
				    "cannot connect to Ceph (mon 192.0.2.1:3300): connection refused");
	*out = xcalloc(1, sizeof **out);
	return 0;
}

void ceph_disconnect(struct ceph_conn *c)
{
	free(c);
}

int ceph_cluster_status(struct ceph_conn *c, char **fsid, char **health, struct rw_error *err)
{
	*fsid = xstrdup("3f9c2a1e-5b7d-4c3e-9a0b-0c0c0c0c0c0c");
	*health = xstrdup("HEALTH_OK");
	return 0;
}

static const struct fake_pool *pool_find(const char *name)
{
	const struct fake_world *w = fake_world();
	for (size_t i = 0; i < w->npools; i++)
		if (strcmp(w->pools[i].name, name) == 0)
			return &w->pools[i];
	return NULL;
}

int ceph_list_pools(struct ceph_conn *c, char ***names, size_t *n, struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	*names = xcalloc(w->npools + 1, sizeof **names);
	for (size_t i = 0; i < w->npools; i++)
		(*names)[i] = xstrdup(w->pools[i].name);
	*n = w->npools;
	return 0;
}

int ceph_pool_exists(struct ceph_conn *c, const char *pool, struct rw_error *err)
{
	return pool_find(pool) ? 0 : rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
}

/* The i-th generated image of pool "big" into a fake_image (names in buf). */
static void big_image(size_t i, struct fake_image *img, char name[32], char id[24])
{
	snprintf(name, 32, "vol-%05zu", i);
	snprintf(id, 24, "b%zu", i);
	memset(img, 0, sizeof *img);
	img->pool = "big";
	img->name = name;
	img->id = id;
	img->size = 1ULL << 30;
}

static bool same_ns(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Every image of pool's namespace ns in its directory (not in the trash), the
 * table's and the generated ones, into a fresh array. */
size_t fake_pool_images(const char *pool, const char *ns, struct ceph_image_ref **out)
{
	const struct fake_world *w = fake_world();
	bool big = strcmp(pool, "big") == 0 && str_empty(ns);
	size_t n = 0, cap = w->nimages + (big ? w->big : 0);
	*out = xcalloc(cap ? cap : 1, sizeof **out);
	for (size_t i = 0; i < w->nimages; i++) {
		const struct fake_image *img = &w->images[i];
		if (strcmp(img->pool, pool) == 0 && same_ns(img->nspace, ns) && !img->trashed &&
		    !fake_image_deleted(img->name)) {
			(*out)[n].name = xstrdup(img->name);
			(*out)[n++].id = xstrdup(img->id);
		}
	}
	for (size_t i = 0; big && i < w->big; i++) {
		struct fake_image img;
		char name[32], id[24];
		big_image(i, &img, name, id);
		(*out)[n].name = xstrdup(name);
		(*out)[n++].id = xstrdup(id);
	}
	return n;
}

int ceph_list_images(struct ceph_conn *c, const char *pool, struct ceph_image_ref **out,
		     size_t *n, struct rw_error *err)
{
	const struct fake_pool *p = pool_find(pool);
	*out = NULL;
	*n = 0;
	if (!p)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (p->mode == FAKE_POOL_FAIL)
		return rw_error_set(err, -EIO, "cannot list the images of pool '%s': "
				    "Input/output error", pool);
	if (p->mode == FAKE_POOL_HANG)
		fake_hang();
	*n = fake_pool_images(pool, "", out);
	return 0;
}

void ceph_image_refs_free(struct ceph_image_ref *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].id);
	}
	free(v);
}

int ceph_pool_summary(struct ceph_conn *c, const char *pool, size_t *images, int *rbd_app,
		      struct rw_error *err)
{
	const struct fake_pool *p = pool_find(pool);
	if (!p)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (p->mode == FAKE_POOL_FAIL)
		return rw_error_set(err, -EIO, "cannot count the images of pool '%s': "
				    "Input/output error", pool);
	struct ceph_image_ref *refs = NULL;
	*images = p->mode == FAKE_POOL_HANG ? 0 : fake_pool_images(pool, "", &refs);
	ceph_image_refs_free(refs, *images);
	*rbd_app = p->rbd;
	return 0;
}

/* The image at at, or NULL; a generated one lands in tmp. */
const struct fake_image *fake_image_at(const struct ceph_loc *at, struct fake_image *tmp,
				       char nb[32], char ib[24])
{
	const struct fake_world *w = fake_world();
	for (size_t i = 0; i < w->nimages; i++) {
		const struct fake_image *img = &w->images[i];
		if (strcmp(img->pool, at->pool) != 0 || !same_ns(img->nspace, at->nspace))
			continue;
		if (at->trash_id ? img->trashed && strcmp(img->id, at->trash_id) == 0
				 : !img->trashed && strcmp(img->name, at->image) == 0)
			return fake_image_deleted(img->name) ? NULL : img;
	}
	char *end = NULL;
	const char *name = at->image;
	if (strcmp(at->pool, "big") == 0 && str_empty(at->nspace) && !at->trash_id &&
	    strncmp(name, "vol-", 4) == 0) {
		unsigned long k = strtoul(name + 4, &end, 10);
		if (end && !*end && k < w->big) {
			big_image(k, tmp, nb, ib);
			return tmp;
		}
	}
	return NULL;
}

/* The image pool/image of the default namespace's directory, or NULL. */
static const struct fake_image *image_find(const char *pool, const char *name,
					   struct fake_image *tmp, char nb[32], char ib[24])
{
	struct ceph_loc at = {.pool = pool, .image = name};
	return fake_image_at(&at, tmp, nb, ib);
}

/* The image of pool's namespace ns whose id is id (its header object), in the
 * directory or the trash: what a probe by header object finds. */
static const struct fake_image *image_by_id(const char *pool, const char *ns,
					    const struct ceph_image_ref *ref,
					    struct fake_image *tmp, char nb[32], char ib[24])
{
	const struct fake_world *w = fake_world();
	for (size_t i = 0; i < w->nimages; i++) {
		const struct fake_image *img = &w->images[i];
		if (strcmp(img->pool, pool) == 0 && same_ns(img->nspace, ns) &&
		    strcmp(img->id, ref->id) == 0)
			return fake_image_deleted(img->name) ? NULL : img;
	}
	return str_empty(ns) ? image_find(pool, ref->name, tmp, nb, ib) : NULL;
}

int ceph_image_info(struct ceph_conn *c, const char *pool, const char *image,
		    struct ceph_image_info *out, struct rw_error *err)
{
	struct ceph_loc at = {.pool = pool, .image = image};
	return ceph_image_info_at(c, &at, out, err);
}

void ceph_image_info_clear(struct ceph_image_info *info)
{
	free(info->pool);
	free(info->name);
	free(info->id);
	free(info->block_name_prefix);
	free(info->features_str);
	memset(info, 0, sizeof *info);
}

size_t fake_copy_watchers(const struct fake_image *img, struct ceph_watcher **out)
{
	size_t n = 0;
	*out = xcalloc(2, sizeof **out);
	for (size_t i = 0; i < 2 && img->watchers[i].address; i++) {
		if (fake_blocklisted(img->watchers[i].address))
			continue;  /* its client is fenced: the OSDs dropped the watch */
		(*out)[n].address = xstrdup(img->watchers[i].address);
		(*out)[n].client = img->watchers[i].client;
		(*out)[n++].cookie = img->watchers[i].cookie;
	}
	return n;
}

int ceph_list_watchers(struct ceph_conn *c, const char *pool, const char *image,
		       struct ceph_watcher **out, size_t *n, struct rw_error *err)
{
	struct ceph_loc at = {.pool = pool, .image = image};
	return ceph_list_watchers_at(c, &at, out, n, err);
}

void ceph_watchers_free(struct ceph_watcher *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].address);
	free(v);
}

void *ceph_rados_handle(struct ceph_conn *c)
{
	return NULL;
}

const char *ceph_conn_user(struct ceph_conn *c)
{
	return "client.admin";
}

int probe_watchers(struct ceph_conn *c, const char *pool, const struct ceph_image_ref *images,
		   size_t n, const struct probe_opts *opts, struct rw_error *err)
{
	if (!pool_find(pool))
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	for (size_t i = 0; i < n && !(opts->cancel && *opts->cancel); i++) {
		struct fake_image tmp;
		char nb[32], ib[24];
		const struct fake_image *img = image_by_id(pool, opts->nspace, &images[i], &tmp, nb, ib);
		struct probe_result r = {.index = i, .image = &images[i], .rc = img ? 0 : -ENOENT};
		if (img)
			r.nwatchers = fake_copy_watchers(img, &r.watchers);
		opts->result(&r, opts->user);
		ceph_watchers_free(r.watchers, r.nwatchers);
	}
	return 0;
}

/* Lists, then probes: the fake pool has no directory to stream. */
int probe_pool(struct ceph_conn *c, const char *pool, const struct probe_opts *opts,
	       struct rw_error *err)
{
	struct ceph_image_ref *v = NULL;
	size_t n = 0;
	int rc = ceph_list_images(c, pool, &v, &n, err);
	if (rc == 0 && opts->listed)
		opts->listed(n, opts->user);
	if (rc == 0)
		rc = probe_watchers(c, pool, v, n, opts, err);
	ceph_image_refs_free(v, n);
	return rc;
}

/* The fake monitors know no sessions: hosts come from the other sources. */
int ceph_mon_sessions(struct ceph_conn *c, struct mon_sessions *out, char **failed,
		      struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	*failed = NULL;
	return 0;
}

/* The fake quorum is a day old: no client is on its way back to a session. */
int ceph_mon_quorum_age(struct ceph_conn *c, long long *age_s, struct rw_error *err)
{
	*age_s = 86400;
	return 0;
}

char *probe_header_oid(const struct ceph_image_ref *image)
{
	return xasprintf("rbd_header.%s", image->id);
}
