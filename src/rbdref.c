/* rbdref.c — references to RBD images as holders write them. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/rbdref.h"
#include "rbdwho/error.h"
#include "rbdwho/util.h"

void rbd_ref_clear(struct rbd_ref *r)
{
	free(r->pool);
	free(r->nspace);
	free(r->image);
	free(r->snap);
	free(r->user);
	memset(r, 0, sizeof *r);
}

void rbd_ref_copy(struct rbd_ref *dst, const struct rbd_ref *src)
{
	dst->pool = xstrdup(src->pool);
	dst->nspace = xstrdup(src->nspace);
	dst->image = xstrdup(src->image);
	dst->snap = xstrdup(src->snap);
	dst->user = xstrdup(src->user);
}

int rbd_ref_parse_spec(const char *spec, struct rbd_ref *out)
{
	memset(out, 0, sizeof *out);
	if (str_empty(spec))
		return -EINVAL;
	char *s = xstrdup(spec);
	char *at = strchr(s, '@');
	if (at) {
		*at = '\0';
		if (at[1])
			out->snap = xstrdup(at + 1);
	}
	char *slash1 = strchr(s, '/');
	char *slash2 = slash1 ? strchr(slash1 + 1, '/') : NULL;
	int rc = 0;
	if (!slash1 || slash1 == s || (slash2 && strchr(slash2 + 1, '/'))) {
		rc = -EINVAL;
	} else if (slash2) {
		*slash1 = *slash2 = '\0';
		out->pool = xstrdup(s);
		out->nspace = slash2 > slash1 + 1 ? xstrdup(slash1 + 1) : NULL;
		out->image = xstrdup(slash2 + 1);
	} else {
		*slash1 = '\0';
		out->pool = xstrdup(s);
		out->image = xstrdup(slash1 + 1);
	}
	if (rc == 0 && str_empty(out->image))
		rc = -EINVAL;
	free(s);
	if (rc)
		rbd_ref_clear(out);
	return rc;
}

bool rbd_ref_matches(const struct rbd_ref *r, const char *pool, const char *image)
{
	return r->pool && r->image && strcmp(r->pool, pool) == 0 &&
	       strcmp(r->image, image) == 0;
}

char *rbd_ref_spec(const struct rbd_ref *r)
{
	return xasprintf("%s/%s%s%s%s%s", r->pool ? r->pool : "?",
			 r->nspace ? r->nspace : "", r->nspace ? "/" : "",
			 r->image ? r->image : "?", r->snap ? "@" : "", r->snap ? r->snap : "");
}

void rbd_refs_push(struct rbd_refs *l, struct rbd_ref *r)
{
	xgrow(&l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n++] = *r;
	memset(r, 0, sizeof *r);
}

bool rbd_refs_match(const struct rbd_refs *l, const char *pool, const char *image)
{
	for (size_t i = 0; i < l->n; i++)
		if (rbd_ref_matches(&l->v[i], pool, image))
			return true;
	return false;
}

bool rbd_ref_ns_equal(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool rbd_ref_matches_ns(const struct rbd_ref *r, const char *pool, const char *nspace,
			const char *image)
{
	return rbd_ref_matches(r, pool, image) && rbd_ref_ns_equal(r->nspace, nspace);
}

bool rbd_refs_match_ns(const struct rbd_refs *l, const char *pool, const char *nspace,
		       const char *image)
{
	for (size_t i = 0; i < l->n; i++)
		if (rbd_ref_matches_ns(&l->v[i], pool, nspace, image))
			return true;
	return false;
}

void rbd_refs_free(struct rbd_refs *l)
{
	for (size_t i = 0; i < l->n; i++)
		rbd_ref_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
