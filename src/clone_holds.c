/* clone_holds.c — parents held through their clones (clone_holds.h): the
 * scan's parent look-ups, grouped by parent. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/clone_holds.h"
#include "rbdwho/util.h"

static char *dup_ns(const char *ns)
{
	return str_empty(ns) ? NULL : xstrdup(ns);
}

static void ref_set(struct ceph_clone_ref *r, const char *pool, const char *nspace,
		    const char *image, const char *snap, bool trash)
{
	r->pool = xstrdup(pool ? pool : "?");
	r->nspace = dup_ns(nspace);
	r->image = xstrdup(image ? image : "?");
	r->snap = snap ? xstrdup(snap) : NULL;
	r->trash = trash;
	r->nwatchers = -1;
}

static void ref_free(struct ceph_clone_ref *r)
{
	free(r->pool);
	free(r->nspace);
	free(r->image);
	free(r->snap);
}

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* The same image: pool, namespace and name (not the snapshot). */
static int image_cmp(const struct ceph_clone_ref *a, const struct ceph_clone_ref *b)
{
	int c = str_cmp(a->pool, b->pool);
	if (c == 0)
		c = str_cmp(a->nspace, b->nspace);
	if (c == 0)
		c = str_cmp(a->image, b->image);
	return c;
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ceph_clone_ref *a = pa, *b = pb;
	int c = image_cmp(a, b);
	return c ? c : str_cmp(a->snap, b->snap);
}

static int hold_cmp(const void *pa, const void *pb)
{
	const struct clone_hold *a = pa, *b = pb;
	return image_cmp(&a->parent, &b->parent);
}

static struct clone_hold *hold_of(struct clone_holds *h, const struct ceph_clone_ref *parent)
{
	for (size_t i = 0; i < h->n; i++)
		if (image_cmp(&h->v[i].parent, parent) == 0)
			return &h->v[i];
	h->v = xrealloc(h->v, (h->n + 1) * sizeof *h->v);
	struct clone_hold *c = &h->v[h->n++];
	memset(c, 0, sizeof *c);
	ref_set(&c->parent, parent->pool, parent->nspace, parent->image, NULL, parent->trash);
	return c;
}

void clone_holds_add(struct clone_holds *h, const char *pool, const char *nspace,
		     const char *image, const struct ceph_clone_ref *parent)
{
	h->added = xrealloc(h->added, (h->nadded + 1) * sizeof *h->added);
	ref_set(&h->added[h->nadded++], pool, nspace, image, NULL, false);
	if (!parent)
		return;
	struct clone_hold *c = hold_of(h, parent);
	c->clones = xrealloc(c->clones, (c->nclones + 1) * sizeof *c->clones);
	ref_set(&c->clones[c->nclones++], pool, nspace, image, parent->snap, false);
}

void clone_holds_finish(struct clone_holds *h)
{
	if (h->n > 1)
		qsort(h->v, h->n, sizeof *h->v, hold_cmp);
	for (size_t i = 0; i < h->n; i++) {
		struct clone_hold *c = &h->v[i];
		if (c->nclones > 1)
			qsort(c->clones, c->nclones, sizeof *c->clones, ref_cmp);
		for (size_t k = 0; k < h->nadded && !c->watched; k++)
			c->watched = image_cmp(&h->added[k], &c->parent) == 0;
	}
}

void clone_holds_free(struct clone_holds *h)
{
	for (size_t i = 0; i < h->n; i++) {
		ref_free(&h->v[i].parent);
		for (size_t k = 0; k < h->v[i].nclones; k++)
			ref_free(&h->v[i].clones[k]);
		free(h->v[i].clones);
	}
	for (size_t i = 0; i < h->nadded; i++)
		ref_free(&h->added[i]);
	free(h->v);
	free(h->added);
	memset(h, 0, sizeof *h);
}
