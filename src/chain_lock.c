/* chain_lock.c — an image's lock in the chain: the lockers read read-only,
 * the OSD blocklist asked only when there is a lock, and the lock judged
 * against the watchers already listed (lock.h): which watcher owns it — the
 * active side when two clients watch one image, as during a live migration —
 * or that nobody watching holds it (a stale lock). */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ceph_admin.h"
#include "rbdwho/ceph_lock.h"
#include "rbdwho/util.h"
#include "chain_internal.h"

static void judge_lock(struct image_lock *l, const struct watcher_view *ws, size_t n,
                       const struct strvec *bl)
{
	struct lock_watcher *lw = xcalloc(n ? n : 1, sizeof *lw);
	for (size_t i = 0; i < n; i++)
		lw[i] = (struct lock_watcher){ws[i].address, ws[i].client, ws[i].cookie};
	l->managed = lock_is_managed(&l->raw);
	l->state = lock_judge(&l->raw, lw, n, bl, &l->owner);
	free(lw);
}

void chain_load_lock(struct chain *ch, struct image_view *iv)
{
	struct image_lock *l = &iv->lock;
	struct rw_error err = {0};
	struct ceph_loc at = {iv->pool, iv->nspace, iv->image, iv->trashed ? iv->trash.id : NULL};
	l->owner = -1;
	if (ceph_list_lockers(ch->ceph, &at, &l->raw, &err) < 0) {
		l->state = LOCK_UNKNOWN;
		l->error = xstrdup(err.msg);
		return;
	}
	if (l->raw.n == 0) {
		l->state = LOCK_NONE;
		return;
	}
	struct strvec bl = {0};
	l->blocklist_asked = true;
	if (ceph_blocklist_addrs(ch->ceph, &bl, &err) < 0)
		l->blocklist_error = xstrdup(err.msg);
	/* Without the watchers, held and stale cannot be told apart. */
	if (iv->watchers_error)
		l->state = LOCK_UNKNOWN;
	else
		judge_lock(l, iv->watchers, iv->nwatchers, l->blocklist_error ? NULL : &bl);
	strvec_free(&bl);
}

void chain_lock_errors(const struct image_view *iv, struct strvec *out)
{
	char *e = NULL;
	if (iv->lock.error)
		e = xasprintf("lock of %s/%s: %s", iv->pool, iv->image, iv->lock.error);
	else if (iv->lock.blocklist_error)
		e = xasprintf("blocklist: %s", iv->lock.blocklist_error);
	if (e && strvec_contains(out, e))
		free(e);
	else if (e)
		strvec_push_owned(out, e);
}

void chain_lock_notes(struct image_view *iv)
{
	const struct image_lock *l = &iv->lock;
	struct strvec *notes = &iv->notes;
	if (l->raw.n == 0)
		return;
	const struct ceph_locker *k = &l->raw.lockers[0];
	switch (l->state) {
	case LOCK_HELD:
		if (iv->nwatchers > 1)
			strvec_push_owned(notes,
			                  xasprintf("Watcher %s (%s) owns the exclusive lock: "
			                            "of the %zu clients watching, it is the "
			                            "active one.",
			                            iv->watchers[l->owner].address, k->entity,
			                            iv->nwatchers));
		break;
	case LOCK_STALE:
	case LOCK_BLOCKLISTED:
		strvec_push_owned(notes, xasprintf("Stale lock: %s (%s) holds the %s lock but %s; "
		                                   "`rbdwho unlock %s/%s` breaks it.",
		                                   k->entity, k->address,
		                                   l->managed ? "exclusive" : "advisory",
		                                   l->state == LOCK_BLOCKLISTED
		                                       ? "its address is blocklisted"
		                                       : "no longer watches the image (dead or "
		                                         "blocklisted)",
		                                   iv->pool, iv->image));
		break;
	case LOCK_ADVISORY:
		strvec_push_owned(notes, xasprintf("Advisory lock (rbd lock add) '%s' held by %s "
		                                   "(%s), which does not watch the image.",
		                                   k->cookie, k->entity, k->address));
		break;
	default:
		break;
	}
}
