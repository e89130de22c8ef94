/* ceph_loc.c — the plain data of ceph.h's namespaces and trash: spelling an
 * image's place, naming a trash source, freeing trash entries, and the plain
 * half of ceph_clone.h (spelling, counting, freeing clone refs). No librados,
 * so the fake backends (tests/fake) share it. */
#include <stdlib.h>
#include <string.h>

#include <rbd/features.h>

#include "rbdwho/ceph.h"
#include "rbdwho/ceph_clone.h"
#include "rbdwho/util.h"

char *ceph_loc_spec(const struct ceph_loc *at)
{
	bool ns = !str_empty(at->nspace);
	return xasprintf("%s/%s%s%s", at->pool, ns ? at->nspace : "", ns ? "/" : "", at->image);
}

/* librbd's rbd_trash_image_source_t, by value (ceph.c asserts they agree). */
const char *ceph_trash_source_name(int source)
{
	static const char *const names[] = {"user", "mirroring", "migration", "removing",
					    "user_parent"};
	return source >= 0 && (size_t)source < sizeof names / sizeof names[0] ? names[source]
									   : "unknown";
}

void ceph_trash_free_entry(struct ceph_trash_entry *e)
{
	free(e->id);
	free(e->name);
	e->id = e->name = NULL;
}

void ceph_trash_entry_copy(struct ceph_trash_entry *dst, const struct ceph_trash_entry *src)
{
	*dst = *src;
	dst->id = xstrdup(src->id);
	dst->name = xstrdup(src->name);
}

void ceph_trash_free(struct ceph_trash_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		ceph_trash_free_entry(&v[i]);
	free(v);
}

/* ---- ceph_clone.h's plain data ---- */

static void clone_ref_clear(struct ceph_clone_ref *r)
{
	free(r->pool);
	free(r->nspace);
	free(r->image);
	free(r->snap);
	memset(r, 0, sizeof *r);
}

void ceph_clone_info_clear(struct ceph_clone_info *ci)
{
	if (!ci)
		return;
	clone_ref_clear(&ci->parent);
	for (size_t i = 0; i < ci->nchildren; i++)
		clone_ref_clear(&ci->children[i]);
	free(ci->children);
	memset(ci, 0, sizeof *ci);
}

char *ceph_clone_ref_spec(const struct ceph_clone_ref *r)
{
	return xasprintf("%s/%s%s%s%s%s", r->pool ? r->pool : "?", r->nspace ? r->nspace : "",
			 r->nspace ? "/" : "", r->image ? r->image : "?", r->snap ? "@" : "",
			 r->snap ? r->snap : "");
}

size_t ceph_clone_held_children(const struct ceph_clone_info *ci)
{
	size_t n = 0;
	for (size_t i = 0; i < ci->nchildren; i++)
		n += ci->children[i].nwatchers > 0;
	return n;
}

char *ceph_clone_children_brief(const struct ceph_clone_info *ci, size_t first)
{
	if (ci->nchildren == 0)
		return xstrdup("none");
	struct buf b = {0};
	size_t shown = ci->nchildren < first ? ci->nchildren : first;
	buf_printf(&b, "%zu:", ci->nchildren);
	for (size_t i = 0; i < shown; i++) {
		struct ceph_clone_ref head = ci->children[i];
		head.snap = NULL;  /* the child itself, not the snapshot it hangs from */
		char *spec = ceph_clone_ref_spec(&head);
		buf_printf(&b, "%s %s%s%s", i ? "," : "", spec, head.trash ? " (in trash)" : "",
			   head.nwatchers > 0 ? " (watched)" : "");
		free(spec);
	}
	if (shown < ci->nchildren)
		buf_printf(&b, " and %zu more", ci->nchildren - shown);
	char *out = xstrdup(b.p);
	buf_free(&b);
	return out;
}

/* Plain data (no librbd call): the fake backends answer with it too. */
bool ceph_clone_may_have_parent(uint64_t features, bool old_format)
{
	return !old_format && (features & RBD_FEATURE_LAYERING);
}
