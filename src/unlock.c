/* unlock.c — breaking one image's stale lock, only when every check passes:
 * not read-only, the owner no longer a watcher (or blocklisted), the typed
 * POOL/IMAGE, the same locker still holding it when re-read just before the
 * call, and an audit log that can be written (see unlock.h for why a live
 * owner's lock is never broken). Every attempt leaves one audit record. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/audit.h"
#include "rbdwho/ceph_admin.h"
#include "rbdwho/ceph_lock.h"
#include "rbdwho/unlock.h"

void unlock_plan_clear(struct unlock_plan *plan)
{
	free(plan->pool);
	free(plan->image);
	image_lock_clear(&plan->lock);
	ceph_watchers_free(plan->watchers, plan->nwatchers);
	free(plan->lw);
	strvec_free(&plan->blocklist);
	memset(plan, 0, sizeof *plan);
	plan->lock.owner = -1;
}

/* Lockers, watchers and blocklist of plan->pool/image, then the judgement. */
static int unlock_read(struct chain *ch, struct unlock_plan *plan, struct rw_error *err)
{
	struct ceph_conn *c = chain_ceph(ch);
	struct ceph_loc at = {.pool = plan->pool, .image = plan->image};
	plan->lock.owner = -1;
	int rc = ceph_list_lockers(c, &at, &plan->lock.raw, err);
	if (rc == 0)
		rc = ceph_list_watchers(c, plan->pool, plan->image, &plan->watchers,
		                        &plan->nwatchers, err);
	if (rc < 0)
		return rc;
	struct rw_error e = {0};
	plan->blocklist_known = ceph_blocklist_addrs(c, &plan->blocklist, &e) == 0;
	if (!plan->blocklist_known)
		plan->lock.blocklist_error = xstrdup(e.msg);
	plan->lock.blocklist_asked = true;
	struct lock_watcher *lw = plan->lw =
	    xcalloc(plan->nwatchers ? plan->nwatchers : 1, sizeof *lw);
	for (size_t i = 0; i < plan->nwatchers; i++)
		lw[i] = (struct lock_watcher){plan->watchers[i].address, plan->watchers[i].client,
		                              plan->watchers[i].cookie};
	plan->lock.managed = lock_is_managed(&plan->lock.raw);
	plan->lock.state =
	    lock_judge(&plan->lock.raw, lw, plan->nwatchers,
	               plan->blocklist_known ? &plan->blocklist : NULL, &plan->lock.owner);
	return 0;
}

int unlock_prepare(struct chain *ch, const char *spec, struct unlock_plan *plan,
                   struct rw_error *err)
{
	memset(plan, 0, sizeof *plan);
	plan->lock.owner = -1;
	if (str_empty(spec))
		return rw_error_set(err, -EINVAL, "no image given (POOL/IMAGE)");
	struct strvec pools = {0}, images = {0}, pool_errors = {0};
	int rc = chain_locate_all(ch, spec, &pools, &images, &pool_errors, err);
	if (rc == 0 && pool_errors.n)
		rc = rw_error_set(err, -EIO, "cannot tell which image '%s' names: %s", spec,
		                  pool_errors.v[0]);
	else if (rc == 0 && pools.n != 1)
		rc = rw_error_set(err, -EINVAL, "'%s' names %zu images: give POOL/IMAGE", spec,
		                  pools.n);
	if (rc == 0) {
		plan->pool = xstrdup(pools.v[0]);
		plan->image = xstrdup(images.v[0]);
		rc = unlock_read(ch, plan, err);
	}
	strvec_free(&pools);
	strvec_free(&images);
	strvec_free(&pool_errors);
	return rc;
}

char *unlock_spec(const struct unlock_plan *plan)
{
	return xasprintf("%s/%s", plan->pool ? plan->pool : "?", plan->image ? plan->image : "?");
}

char *unlock_target(const struct unlock_plan *plan)
{
	if (plan->lock.raw.n == 0)
		return xstrdup("no lock");
	const struct ceph_locker *k = &plan->lock.raw.lockers[0];
	return xasprintf("%s '%s' at %s", k->entity, k->cookie, k->address);
}

char *unlock_manual_command(const struct unlock_plan *plan)
{
	if (plan->lock.raw.n == 0)
		return xstrdup("# no lock: nothing to break");
	return lock_manual_command(plan->pool, plan->image, &plan->lock.raw.lockers[0]);
}

/* The gate on a judged lock: only a lock nobody watching holds is broken. */
static int check_gate(const struct unlock_plan *p, bool force, struct rw_error *err)
{
	const struct image_lock *l = &p->lock;
	if (l->raw.n == 0)
		return rw_error_set(err, -ENOENT, "%s/%s has no lock: nothing to unlock", p->pool,
		                    p->image);
	if (l->raw.n > 1)
		return rw_error_set(err, -EPERM,
		                    "%s/%s has a shared lock with %zu lockers — "
		                    "refusing; break them by hand (`rbd lock ls`)",
		                    p->pool, p->image, l->raw.n);
	const struct ceph_locker *k = &l->raw.lockers[0];
	switch (l->state) {
	case LOCK_STALE:
	case LOCK_BLOCKLISTED:
		return 0;
	case LOCK_ADVISORY:
		if (force)
			return 0;
		return rw_error_set(err, -EPERM,
		                    "advisory lock '%s' of %s: %s — refusing; --force "
		                    "overrides",
		                    k->cookie, k->entity, lock_state_meaning(l->state));
	case LOCK_HELD:
		return rw_error_set(
		    err, -EPERM,
		    "%s at %s still watches %s/%s: a live client owns "
		    "the lock — refusing, even with --force (breaking it blocklists "
		    "the client and fails its I/O); if it is dead, fence it first "
		    "(`ceph osd blocklist add %s`), then unlock",
		    k->entity, k->address, p->pool, p->image, k->address);
	default:
		return rw_error_set(err, -EPERM, "the lock of %s/%s is %s — refusing", p->pool,
		                    p->image, lock_state_name(l->state));
	}
}

static bool same_locker(const struct ceph_locker *a, const struct ceph_locker *b)
{
	return strcmp(a->entity, b->entity) == 0 && strcmp(a->cookie, b->cookie) == 0 &&
	       strcmp(a->address, b->address) == 0;
}

/* The lock as read now must be the one the plan was made for, and still pass. */
static int check_fresh(const struct unlock_plan *plan, const struct unlock_plan *fresh, bool force,
                       struct rw_error *err)
{
	if (fresh->lock.raw.n == 0)
		return rw_error_set(err, -EPERM,
		                    "the lock of %s/%s is gone since the plan: nothing "
		                    "to unlock",
		                    plan->pool, plan->image);
	if (fresh->lock.raw.n != 1 ||
	    !same_locker(&plan->lock.raw.lockers[0], &fresh->lock.raw.lockers[0]))
		return rw_error_set(err, -EPERM,
		                    "the lock of %s/%s changed hands since the plan "
		                    "(now %s '%s' at %s)",
		                    plan->pool, plan->image, fresh->lock.raw.lockers[0].entity,
		                    fresh->lock.raw.lockers[0].cookie,
		                    fresh->lock.raw.lockers[0].address);
	return check_gate(fresh, force, err);
}

int unlock_check(const struct unlock_plan *plan, const struct remedy_checks *c,
                 const struct unlock_plan *fresh, struct rw_error *err)
{
	if (remedy_check_mode(c->read_only, "unlocked", err) < 0)
		return err->code;
	int rc = check_gate(plan, c->force, err);
	if (rc < 0)
		return rc;
	char *spec = unlock_spec(plan);
	rc = remedy_check_typed(c->confirmation, spec, "image", err);
	free(spec);
	if (rc == 0 && fresh)
		rc = check_fresh(plan, fresh, c->force, err);
	return rc;
}

/* Everything before the call: intent, audit log, the lock re-read. */
static int unlock_preflight(struct chain *ch, const struct unlock_plan *plan,
                            const struct remedy_checks *c, bool *reread, struct rw_error *why)
{
	int rc = unlock_check(plan, c, NULL, why);
	if (rc < 0)
		return rc;
	if (remedy_check_audit(ch, why) < 0)
		return why->code;
	struct unlock_plan fresh;
	memset(&fresh, 0, sizeof fresh);
	fresh.pool = xstrdup(plan->pool);
	fresh.image = xstrdup(plan->image);
	struct rw_error e = {0};
	rc = unlock_read(ch, &fresh, &e);
	*reread = rc == 0;
	if (rc < 0)
		rc = rw_error_set(why, rc, "cannot re-read the lock before acting: %s", e.msg);
	else
		rc = unlock_check(plan, c, &fresh, why);
	unlock_plan_clear(&fresh);
	return rc;
}

int unlock_execute(struct chain *ch, const struct unlock_plan *plan,
                   const struct remedy_checks *checks, struct rw_error *err)
{
	struct rw_error why = {0};
	bool reread = false;
	int rc = unlock_preflight(ch, plan, checks, &reread, &why);
	enum remedy_outcome outcome = REMEDY_REFUSED;
	if (rc == 0) {
		const struct ceph_locker *k = &plan->lock.raw.lockers[0];
		struct ceph_loc at = {.pool = plan->pool, .image = plan->image};
		rc = ceph_break_lock(chain_ceph(ch), &at, k->entity, k->cookie, &why);
		outcome = rc == 0 ? REMEDY_DONE : REMEDY_FAILED;
	}
	char *spec = unlock_spec(plan), *target = unlock_target(plan);
	struct strvec vols = {0};
	strvec_push(&vols, spec);
	char *checked = reread ? xasprintf("lockers, watchers and the OSD blocklist re-read just "
	                                   "before acting: %s",
	                                   lock_state_meaning(plan->lock.state))
	                       : xasprintf("refused before the re-read; as planned: %s",
	                                   lock_state_meaning(plan->lock.state));
	char *reason = xasprintf("%s%s; librbd blocklisted the locker's address as it broke the "
	                         "lock",
	                         lock_state_meaning(plan->lock.state),
	                         plan->lock.state == LOCK_ADVISORY ? " (forced: --force)" : "");
	char *what = xasprintf("lock of %s broken", spec);
	struct audit_record r = {
	    .action = "unlock",
	    .volumes = &vols,
	    .target = target,
	    .checked = checked,
	    .reason = reason,
	};
	rc = remedy_conclude(ch, &r, outcome, "unlocked", rc, &why, what, err);
	free(what);
	free(reason);
	free(checked);
	strvec_free(&vols);
	free(target);
	free(spec);
	return rc;
}
