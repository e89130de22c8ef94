/* delete_volume.c — deleting a Cinder volume only when nothing can still be
 * using it: Cinder says `available` with no attachments and Ceph lists no
 * watcher on its RBD image, both read at planning and again right before the
 * DELETE. Cinder's own check at the DELETE closes the last gap (a 400 for a
 * volume attached in between). Every attempt leaves one audit record. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rbdwho/audit.h"
#include "rbdwho/delete_volume.h"
#include "rbdwho/remedy.h"

#define DV_WAIT_MS_DEFAULT 120000
#define DV_POLL_MS_FIRST 200
#define DV_POLL_MS_MAX 1000

const char *delete_volume_end_name(enum delete_volume_end e)
{
	static const char *const names[] = {
#define DV_X(en, n) n, /* in the enum's order */
	    DELETE_VOLUME_ENDS(DV_X)
#undef DV_X
	};
	return (size_t)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

void delete_volume_plan_clear(struct delete_volume_plan *plan)
{
	free(plan->volume);
	free(plan->cinder_error);
	free(plan->name);
	free(plan->status);
	free(plan->backend);
	strvec_free(&plan->attachments);
	strvec_free(&plan->images);
	strvec_free(&plan->watchers);
	free(plan->ceph_error);
	free(plan->reason);
	memset(plan, 0, sizeof *plan);
}

void delete_volume_result_clear(struct delete_volume_result *res)
{
	free(res->status);
	free(res->message);
	free(res->checked);
	memset(res, 0, sizeof *res);
}

/* UUID or volume-UUID, any case → the UUID in lower case (as Cinder and the
 * RBD driver spell it); NULL when spec is neither. */
static char *volume_uuid(const char *spec)
{
	if (strncasecmp(spec, "volume-", 7) == 0)
		spec += 7;
	if (!str_is_uuid(spec))
		return NULL;
	char *u = xstrdup(spec);
	for (char *p = u; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return u;
}

/* ---- the facts -------------------------------------------------------------- */

static void take_cinder_volume(struct delete_volume_plan *plan, const struct cinder_volume *v)
{
	plan->cinder = DV_CINDER_FOUND;
	plan->name = xstrdup(v->name);
	plan->status = xstrdup(v->status);
	plan->backend = xstrdup(v->host);
	for (size_t i = 0; i < v->natt; i++) {
		const struct cinder_attachment *a = &v->att[i];
		if (a->server_id)
			strvec_push_owned(&plan->attachments,
			                  xasprintf("%s on %s", a->server_id,
			                            a->host_name ? a->host_name : "?"));
		else
			strvec_push_owned(&plan->attachments,
			                  xasprintf("attachment %s",
			                            a->attachment_id ? a->attachment_id : "?"));
	}
}

static void read_cinder(struct chain *ch, struct delete_volume_plan *plan)
{
	struct os_client *os = chain_os(ch);
	if (!os) {
		plan->cinder = DV_CINDER_NOT_ASKED;
		plan->cinder_error = xstrdup(chain_os_note(ch) ? chain_os_note(ch)
		                                               : "OpenStack is not configured");
		return;
	}
	struct cinder_volume v;
	struct rw_error e = {0};
	int rc = cinder_get_volume(os, plan->volume, &v, &e);
	if (rc == 0)
		take_cinder_volume(plan, &v);
	else if (rc == -ENOENT)
		plan->cinder = DV_CINDER_GONE;
	else
		plan->cinder = DV_CINDER_ERROR;
	if (rc < 0)
		plan->cinder_error = xstrdup(e.msg);
	cinder_volume_clear(&v);
}

static void ceph_failed(struct delete_volume_plan *plan, const char *what)
{
	if (!plan->ceph_error)
		plan->ceph_error = xstrdup(what);
}

static void read_watchers(struct ceph_conn *ceph, const char *pool, const char *image,
                          struct delete_volume_plan *plan)
{
	struct ceph_watcher *w = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	int rc = ceph_list_watchers(ceph, pool, image, &w, &n, &e);
	if (rc == -ENOENT)
		return; /* removed since it was listed: nobody watches it */
	if (rc < 0) {
		char *m = xasprintf("watchers of %s/%s: %s", pool, image, e.msg);
		ceph_failed(plan, m);
		free(m);
		return;
	}
	for (size_t i = 0; i < n; i++)
		strvec_push_owned(&plan->watchers,
		                  xasprintf("%s (client.%" PRIu64 ") on %s/%s",
		                            w[i].address ? w[i].address : "?", w[i].client, pool,
		                            image));
	ceph_watchers_free(w, n);
}

static void read_ceph(struct chain *ch, struct delete_volume_plan *plan)
{
	struct ceph_conn *ceph = chain_ceph(ch);
	if (!ceph) {
		ceph_failed(plan, "not connected to Ceph");
		return;
	}
	char *spec = xasprintf("volume-%s", plan->volume);
	struct strvec pools = {0}, images = {0}, pool_errors = {0};
	struct rw_error e = {0};
	int rc = chain_locate_all(ch, spec, &pools, &images, &pool_errors, &e);
	if (rc < 0 && rc != -ENOENT)
		ceph_failed(plan, e.msg);
	for (size_t i = 0; rc == 0 && i < pool_errors.n; i++)
		ceph_failed(plan, pool_errors.v[i]);
	for (size_t i = 0; rc == 0 && i < pools.n; i++) {
		strvec_push_owned(&plan->images, xasprintf("%s/%s", pools.v[i], images.v[i]));
		read_watchers(ceph, pools.v[i], images.v[i], plan);
	}
	strvec_free(&pools);
	strvec_free(&images);
	strvec_free(&pool_errors);
	free(spec);
}

/* "a, b, c" of a list, malloc'd. */
static char *joined(const struct strvec *v)
{
	struct buf b = {0};
	for (size_t i = 0; i < v->n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", v->v[i]);
	return b.p ? b.p : xstrdup("");
}

int delete_volume_prepare(struct chain *ch, const char *volume, struct delete_volume_plan *plan,
                          struct rw_error *err)
{
	memset(plan, 0, sizeof *plan);
	if (str_empty(volume))
		return rw_error_set(err, -EINVAL, "no volume given");
	plan->volume = volume_uuid(volume);
	if (!plan->volume)
		return rw_error_set(err, -EINVAL,
		                    "'%.64s' is not a volume UUID (UUID or volume-UUID)", volume);
	read_cinder(ch, plan);
	read_ceph(ch, plan);
	struct rw_error why = {0};
	plan->gate = delete_volume_gate(plan, &why);
	plan->reason = xstrdup(why.msg);
	return 0;
}

/* ---- the gate ---------------------------------------------------------------- */

static int gate_cinder(const struct delete_volume_plan *p, struct rw_error *why)
{
	switch (p->cinder) {
	case DV_CINDER_FOUND:
		break;
	case DV_CINDER_GONE:
		return rw_error_set(why, -ENOENT, "Cinder has no volume %s (404): nothing to delete",
		                    p->volume);
	case DV_CINDER_NOT_ASKED:
		return rw_error_set(why, -EIO,
		                    "cannot ask Cinder (%s): whether the volume is in use "
		                    "cannot be known — refusing",
		                    p->cinder_error ? p->cinder_error : "not configured");
	default:
		return rw_error_set(why, -EIO,
		                    "Cinder did not answer (%s): whether the volume is in use "
		                    "cannot be known — refusing",
		                    p->cinder_error ? p->cinder_error : "?");
	}
	char *list = joined(&p->attachments);
	int rc = 0;
	if (!p->status || strcmp(p->status, "available") != 0)
		rc = rw_error_set(why, -EPERM,
		                  "Cinder says the volume is '%s'%s%s%s: only an available volume "
		                  "is deleted",
		                  p->status ? p->status : "(no status)", *list ? " (attached: " : "",
		                  list, *list ? ")" : "");
	else if (p->attachments.n)
		rc = rw_error_set(why, -EPERM, "Cinder lists %zu attachment%s (%s): refusing",
		                  p->attachments.n, p->attachments.n == 1 ? "" : "s", list);
	free(list);
	return rc;
}

static int gate_ceph(const struct delete_volume_plan *p, struct rw_error *why)
{
	if (p->ceph_error)
		return rw_error_set(why, -EIO,
		                    "cannot read Ceph's watchers (%s): whether a client still has "
		                    "the image open cannot be known — refusing",
		                    p->ceph_error);
	if (p->watchers.n) {
		char *list = joined(&p->watchers);
		int rc = rw_error_set(why, -EPERM,
		                      "Ceph lists %zu watcher%s: %s — a client still has the "
		                      "image open; refusing",
		                      p->watchers.n, p->watchers.n == 1 ? "" : "s", list);
		free(list);
		return rc;
	}
	return 0;
}

int delete_volume_gate(const struct delete_volume_plan *plan, struct rw_error *why)
{
	int rc = gate_cinder(plan, why);
	if (rc == 0)
		rc = gate_ceph(plan, why);
	if (rc < 0)
		return rc;
	char *images = joined(&plan->images);
	if (plan->images.n)
		rw_error_set(why, 0, "Cinder: available, no attachment; Ceph: no watcher on %s",
		             images);
	else
		rw_error_set(why, 0,
		             "Cinder: available, no attachment; Ceph: no image volume-%s in any "
		             "pool (every pool answered), so no watcher",
		             plan->volume);
	free(images);
	return 0;
}

int delete_volume_check(const struct delete_volume_plan *plan,
                        const struct delete_volume_checks *checks, struct rw_error *err)
{
	if (remedy_check_mode(checks->read_only, "deleted", err) < 0)
		return err->code;
	int rc = delete_volume_gate(plan, err);
	if (rc < 0)
		return rc;
	return remedy_check_typed(checks->confirmation, plan->volume, "volume UUID", err);
}

/* ---- acting --------------------------------------------------------------------- */

/* The facts read again; the gate must pass on them, for the same images. */
static int recheck(struct chain *ch, const struct delete_volume_plan *plan,
                   struct delete_volume_result *res, struct rw_error *why)
{
	struct delete_volume_plan fresh;
	struct rw_error e = {0};
	int rc = delete_volume_prepare(ch, plan->volume, &fresh, &e);
	if (rc < 0) {
		delete_volume_plan_clear(&fresh);
		return rw_error_set(why, rc, "%s", e.msg);
	}
	free(res->checked);
	res->checked = xasprintf("just before the DELETE: %s", fresh.reason);
	char *was = joined(&plan->images), *now = joined(&fresh.images);
	if (fresh.gate < 0)
		rc = rw_error_set(why, fresh.gate == -ENOENT ? -EPERM : fresh.gate,
		                  "changed since the plan: %s", fresh.reason);
	else if (strcmp(was, now) != 0)
		rc = rw_error_set(why, -EPERM,
		                  "the volume's RBD images changed since the plan (were: %s; now: "
		                  "%s): refusing",
		                  *was ? was : "none", *now ? now : "none");
	free(was);
	free(now);
	delete_volume_plan_clear(&fresh);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Cinder's word for why the delete failed: its newest user message. */
static char *error_deleting_message(struct os_client *os, const char *id)
{
	char *msg = NULL;
	struct rw_error e = {0};
	if (cinder_volume_message(os, id, &msg, &e) < 0)
		return xasprintf("Cinder's messages could not be read: %s", e.msg);
	return msg ? msg : xstrdup("Cinder left no message about it");
}

/* After Cinder's 202: until its 404, error_deleting, or the wait runs out. */
static int wait_gone(struct os_client *os, const char *id, int wait_ms,
                     struct delete_volume_result *res, struct rw_error *why)
{
	long start = (long)clock_ms(), poll = DV_POLL_MS_FIRST;
	struct rw_error last = {0};
	for (;;) {
		struct cinder_volume v;
		int rc = cinder_get_volume(os, id, &v, &last);
		res->waited_ms = (long)clock_ms() - start;
		if (rc == -ENOENT) {
			res->end = DV_END_GONE;
			free(res->status);
			res->status = NULL;
			return 0;
		}
		if (rc == 0) {
			rw_error_clear(&last);
			free(res->status);
			res->status = xstrdup(v.status);
		}
		cinder_volume_clear(&v);
		if (res->status && strcmp(res->status, "error_deleting") == 0) {
			res->end = DV_END_ERROR_DELETING;
			res->message = error_deleting_message(os, id);
			return rw_error_set(why, -EIO, "Cinder could not delete volume %s (error_deleting): %s",
			                    id, res->message);
		}
		if (res->waited_ms >= wait_ms)
			break;
		sleep_ms(poll);
		poll = poll * 2 > DV_POLL_MS_MAX ? DV_POLL_MS_MAX : poll * 2;
	}
	if (last.code) {
		res->end = DV_END_LOST;
		return rw_error_set(why, last.code,
		                    "Cinder accepted the delete, then stopped answering: %s", last.msg);
	}
	res->end = DV_END_STILL_DELETING;
	return rw_error_set(why, -ETIMEDOUT,
	                    "Cinder accepted the delete but volume %s is still '%s' after %ld s",
	                    id, res->status ? res->status : "?", res->waited_ms / 1000);
}

/* The DELETE itself, then the wait; 0 only when the volume is gone. */
static int delete_and_wait(struct chain *ch, const struct delete_volume_plan *plan, int wait_ms,
                           struct delete_volume_result *res, struct rw_error *why)
{
	struct os_client *os = chain_os(ch);
	struct rw_error e = {0};
	int rc = cinder_delete_volume(os, plan->volume, &e);
	if (rc == -ETIMEDOUT) { /* the DELETE may have arrived: say that it is not known */
		res->end = DV_END_LOST;
		return rw_error_set(why, rc,
		                    "%s — whether Cinder accepted the DELETE is not known: check "
		                    "with 'openstack volume show %s'",
		                    e.msg, plan->volume);
	}
	if (rc == -ENOENT) /* someone else deleted it in between: not our doing */
		rc = rw_error_set(why, -EIO, "Cinder no longer had volume %s at the DELETE (%s)",
		                  plan->volume, e.msg);
	else if (rc < 0)
		rw_error_set(why, rc, "%s", e.msg);
	if (rc < 0) {
		res->end = DV_END_REJECTED;
		res->message = xstrdup(e.msg);
		return rc;
	}
	return wait_gone(os, plan->volume, wait_ms > 0 ? wait_ms : DV_WAIT_MS_DEFAULT, res, why);
}

int delete_volume_execute(struct chain *ch, const struct delete_volume_plan *plan,
                          const struct delete_volume_checks *checks,
                          struct delete_volume_result *res, struct rw_error *err)
{
	memset(res, 0, sizeof *res);
	res->checked = xasprintf("at planning: %s", plan->reason ? plan->reason : "?");
	struct rw_error why = {0};
	int rc = delete_volume_check(plan, checks, &why);
	if (rc == 0 && remedy_check_audit(ch, &why) < 0)
		rc = why.code;
	if (rc == 0)
		rc = recheck(ch, plan, res, &why);
	enum remedy_outcome outcome = REMEDY_REFUSED;
	if (rc == 0) {
		rc = delete_and_wait(ch, plan, checks->wait_ms, res, &why);
		outcome = rc == 0 ? REMEDY_DONE : REMEDY_FAILED;
	}
	char *what = xasprintf("volume %s deleted", plan->volume);
	struct audit_record r = {
	    .action = "delete-volume",
	    .target = plan->volume,
	    .volumes = &plan->images,
	    .checked = res->checked,
	    .reason = plan->reason,
	};
	rc = remedy_conclude(ch, &r, outcome, "deleted", rc, &why, what, err);
	free(what);
	return rc;
}

char *delete_volume_manual_command(const struct delete_volume_plan *plan)
{
	struct buf b = {0};
	buf_printf(&b, "openstack volume show %s -c status -c attachments   "
	               "# must be available, no attachments\n", plan->volume);
	for (size_t i = 0; i < plan->images.n; i++)
		buf_printf(&b, "rbd status %s   # must list no watcher\n", plan->images.v[i]);
	buf_printf(&b, "openstack volume delete %s\n", plan->volume);
	buf_printf(&b, "openstack volume show %s   # until 'No volume with a name or ID'",
	           plan->volume);
	return b.p;
}
