/* chain_clone.c — the clone tree around an image, as find shows it: its
 * parent snapshot and its children (ceph_clone.h). A parent whose snapshot
 * is used by clones is "held" through them even with no watcher of its own:
 * the note says which children hold it, so nobody reads "No watchers" as
 * "free to remove". */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "chain_internal.h"

void chain_load_clones(struct chain *ch, struct image_view *iv)
{
	struct rw_error err = {0};
	if (!ch->ceph)  /* destroy's chain: no Ceph, clones not looked at */
		return;
	struct ceph_loc at = {iv->pool, iv->nspace, iv->image, iv->trashed ? iv->trash.id : NULL};
	if (ceph_clone_info(ch->ceph, &at, &iv->clones, &err) < 0)
		iv->clones_error = xstrdup(err.msg);
	else
		iv->clones_known = iv->parent_known = true;
}

/* A scan reads parents, not children: rbd_list_children3 plus one open per
 * child, for every watched image, would cost more than the probe of the whole
 * pool. The parents of the watched images are what a scan can say cheaply:
 * those are the images held through their clones (clone_holds.h). */
void chain_load_parent(struct chain *ch, struct image_view *iv)
{
	struct rw_error err = {0};
	if (!ch->ceph)
		return;
	if (!ceph_clone_may_have_parent(iv->info.features, iv->info.old_format != 0)) {
		iv->parent_known = true;  /* no layering: no parent, known without asking */
		return;
	}
	struct ceph_loc at = {iv->pool, iv->nspace, iv->image, iv->trashed ? iv->trash.id : NULL};
	if (ceph_clone_parent(ch->ceph, &at, &iv->clones, &err) < 0)
		iv->clones_error = xstrdup(err.msg);
	else
		iv->parent_known = true;
}

/* "pool/child (2 watchers), pool/other (no watcher)": the held ones first. */
static char *children_list(const struct ceph_clone_info *ci, bool held)
{
	struct buf b = {0};
	for (size_t i = 0; i < ci->nchildren; i++) {
		const struct ceph_clone_ref *c = &ci->children[i];
		if ((c->nwatchers > 0) != held)
			continue;
		struct ceph_clone_ref head = *c;
		head.snap = NULL;  /* the child itself, not a snapshot of it */
		char *spec = ceph_clone_ref_spec(&head);
		buf_printf(&b, "%s%s (%s%s%s)", b.len ? ", " : "", spec,
			   c->snap ? "from @" : "", c->snap ? c->snap : "",
			   c->nwatchers < 0   ? "; watchers not known"
			   : c->nwatchers > 0 ? "; watched"
					      : "; no watcher");
		free(spec);
	}
	char *out = b.p ? xstrdup(b.p) : xstrdup("");
	buf_free(&b);
	return out;
}

void chain_clone_notes(struct image_view *iv)
{
	if (!iv->clones_known || iv->clones.nchildren == 0)
		return;
	size_t held = ceph_clone_held_children(&iv->clones);
	size_t n = iv->clones.nchildren;
	char *held_list = children_list(&iv->clones, true);
	if (held && iv->nwatchers == 0 && !iv->watchers_error)
		strvec_push_owned(&iv->notes,
				  xasprintf("No watcher of its own, but the image is held through "
					    "%zu of its %zu clone%s: %s. Its snapshots cannot be "
					    "removed (nor the image) while those clones exist; look at "
					    "the clones' holders (`rbdwho find` each).",
					    held, n, n == 1 ? "" : "s", held_list));
	else if (held)
		strvec_push_owned(&iv->notes,
				  xasprintf("%zu of its %zu clone%s %s watched too: %s.", held, n,
					    n == 1 ? "" : "s", held == 1 ? "is" : "are", held_list));
	char *idle_list = children_list(&iv->clones, false);
	if (!held)
		strvec_push_owned(&iv->notes,
				  xasprintf("It has %zu clone%s, none watched: %s. The image cannot "
					    "be removed while they exist (flatten or remove them first).",
					    n, n == 1 ? "" : "s", idle_list));
	free(held_list);
	free(idle_list);
}
