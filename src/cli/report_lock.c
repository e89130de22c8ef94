/* report_lock.c — an image's lock as JSON and as find's text lines (see
 * doc/json-schema.md, "lock"); also the lock shown by `rbdwho unlock`. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/util.h"

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static bool locker_watching(const struct image_lock *l, const struct ceph_locker *k,
                            const struct lock_watcher *ws, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lock_locker_is_watcher(k, l->managed, ws[i].address, ws[i].client,
		                           ws[i].cookie))
			return true;
	return false;
}

static struct json_object *locker_json(const struct image_lock *l, const struct ceph_locker *k,
                                       const struct strvec *bl, const struct lock_watcher *ws,
                                       size_t n, bool watchers_known)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "locker", jstr(k->entity));
	json_object_object_add(o, "id", jstr(k->cookie));
	json_object_object_add(o, "address", jstr(k->address));
	json_object_object_add(
	    o, "watching",
	    watchers_known ? json_object_new_boolean(locker_watching(l, k, ws, n)) : NULL);
	json_object_object_add(o, "blocklisted",
	                       bl ? json_object_new_boolean(lock_addr_blocklisted(bl, k->address))
	                          : NULL);
	return o;
}

struct json_object *report_lock_json(const struct image_lock *l, const struct lock_watcher *ws,
                                     size_t n, bool watchers_known, const struct strvec *bl)
{
	bool locked = l->raw.n > 0;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "state", jstr(lock_state_name(l->state)));
	json_object_object_add(o, "exclusive",
	                       locked ? json_object_new_boolean(l->raw.exclusive) : NULL);
	json_object_object_add(o, "kind",
	                       locked ? jstr(l->managed ? "exclusive-lock" : "advisory") : NULL);
	json_object_object_add(o, "tag", locked ? jstr(l->raw.tag) : NULL);
	struct json_object *ks = json_object_new_array();
	for (size_t i = 0; i < l->raw.n; i++)
		json_object_array_add(
		    ks, locker_json(l, &l->raw.lockers[i], bl, ws, n, watchers_known));
	json_object_object_add(o, "lockers", ks);
	json_object_object_add(
	    o, "owner", l->owner >= 0 && (size_t)l->owner < n ? jstr(ws[l->owner].address) : NULL);
	json_object_object_add(o, "error", jstr(l->error ? l->error : l->blocklist_error));
	return o;
}

/* The watchers of iv as lock.h takes them; malloc'd. */
static struct lock_watcher *lock_watchers(const struct image_view *iv)
{
	struct lock_watcher *lw = xcalloc(iv->nwatchers ? iv->nwatchers : 1, sizeof *lw);
	for (size_t i = 0; i < iv->nwatchers; i++)
		lw[i] = (struct lock_watcher){iv->watchers[i].address, iv->watchers[i].client,
		                              iv->watchers[i].cookie};
	return lw;
}

struct json_object *report_image_lock_json(const struct image_view *iv)
{
	struct lock_watcher *lw = lock_watchers(iv);
	/* The chain keeps only the verdict on the blocklist, not the list: a
	 * locker's "blocklisted" is what the state says of the lock. */
	struct strvec bl = {0};
	bool bl_known = iv->lock.blocklist_asked && !iv->lock.blocklist_error;
	for (size_t i = 0; bl_known && iv->lock.state == LOCK_BLOCKLISTED && i < iv->lock.raw.n;
	     i++)
		strvec_push(&bl, iv->lock.raw.lockers[i].address);
	struct json_object *o = report_lock_json(&iv->lock, lw, iv->nwatchers, !iv->watchers_error,
	                                         bl_known ? &bl : NULL);
	strvec_free(&bl);
	free(lw);
	return o;
}

static void lock_line(FILE *out, const char *indent, const char *text)
{
	char *safe = sanitize_terminal(text);
	fprintf(out, "%s%-8s %s\n", indent, "lock", safe);
	free(safe);
}

void report_lock_owner_text(FILE *out, const struct image_view *iv, size_t watcher)
{
	const struct image_lock *l = &iv->lock;
	if (l->owner < 0 || (size_t)l->owner != watcher || l->raw.n == 0)
		return;
	char *s = xasprintf("owns the %s lock (%s)", l->managed ? "exclusive" : "advisory",
	                    l->raw.lockers[0].cookie);
	lock_line(out, "  ", s);
	free(s);
}

void report_lock_text(FILE *out, const struct image_view *iv)
{
	const struct image_lock *l = &iv->lock;
	char *s;
	if (l->state == LOCK_UNKNOWN && l->error)
		s = xasprintf("unknown: %s", l->error);
	else if (l->raw.n == 0)
		s = xstrdup("none");
	else
		s = xasprintf("%s by %s at %s, id '%s'%s: %s",
		              l->managed         ? "exclusive-lock"
		              : l->raw.exclusive ? "advisory exclusive lock"
		                                 : "advisory shared lock",
		              l->raw.lockers[0].entity, l->raw.lockers[0].address,
		              l->raw.lockers[0].cookie, l->raw.n > 1 ? " (and others)" : "",
		              lock_state_name(l->state));
	lock_line(out, "", s);
	free(s);
}
