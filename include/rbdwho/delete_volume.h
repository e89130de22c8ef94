/* delete_volume.h — deleting a Cinder volume, the last step of the manual chain
 * after a destroy or a blocklist, with destroy's safety: only when Cinder says
 * `available` with no attachments AND Ceph lists no watcher on the volume's
 * RBD image at that moment; both read again right before the DELETE; a typed
 * confirmation of the volume UUID; read-only mode honoured; one audit record
 * per attempt. Done through Cinder's API only (never `rbd rm` behind Cinder's
 * back), then Cinder is polled until the volume is gone or `error_deleting`.
 *
 * The command and the browser both come through here. Nothing prints; every
 * call blocks (bounded by the chain's timeout, execute by its wait too) and
 * may be made from a worker thread: the chain is thread-safe and a plan is
 * owned by its caller. */
#ifndef RBDWHO_DELETE_VOLUME_H
#define RBDWHO_DELETE_VOLUME_H

#include <stdbool.h>
#include "rbdwho/chain.h"
#include "rbdwho/util.h"

/* What Cinder said about the volume while planning. */
enum delete_volume_cinder {
	DV_CINDER_NOT_ASKED = 0, /* OpenStack not configured: cannot know */
	DV_CINDER_FOUND,
	DV_CINDER_GONE,          /* Cinder's own 404 */
	DV_CINDER_ERROR,         /* Cinder could not be asked or answered garbage */
};

struct delete_volume_plan {
	char *volume;            /* the volume UUID, lower case (what must be typed) */
	/* Cinder, asked fresh (never a cache) */
	enum delete_volume_cinder cinder;
	char *cinder_error;      /* why Cinder gave no answer; NULL when it answered */
	char *name, *status;     /* Cinder's name and status ("available", "in-use", …) */
	char *backend;           /* os-vol-host-attr:host, NULL when not shown */
	struct strvec attachments; /* "SERVER_ID on HOST" (or "attachment ID"), one each */
	/* Ceph, asked fresh */
	struct strvec images;    /* "pool/image" of each RBD image of the volume */
	struct strvec watchers;  /* "ADDRESS (client.N) on pool/image", one per watch */
	char *ceph_error;        /* a pool or a watcher list that could not be read */
	/* The gate, from the facts above (delete_volume_gate) */
	int gate;                /* 0: allowed; -EPERM: refused; -EIO…: cannot know */
	char *reason;            /* one sentence: why (when allowed, what was checked) */
};

/* Reads Cinder's record of volume (a UUID or volume-UUID, any letter case)
 * and the watchers of its RBD image(s) in every pool, then judges the gate.
 * Returns -EINVAL when volume is neither form; 0 otherwise (a refusal, or a
 * failure to know, is plan->gate with plan->reason). Call
 * delete_volume_plan_clear afterwards whatever it returned. */
int delete_volume_prepare(struct chain *ch, const char *volume, struct delete_volume_plan *plan,
                          struct rw_error *err);
void delete_volume_plan_clear(struct delete_volume_plan *plan);

/* The gate, pure (unit-tested): Cinder answered, status `available`, no
 * attachments, every Ceph pool and watcher list read, no watcher. 0, or
 * -EPERM (a fact says no) / the failure's code (cannot know) with the reason. */
int delete_volume_gate(const struct delete_volume_plan *plan, struct rw_error *why);

struct delete_volume_checks {
	bool read_only;           /* refuse everything */
	const char *confirmation; /* what the user typed; must equal plan->volume; NULL: nobody asked */
	int wait_ms;              /* how long to poll for the volume to go; <= 0: 120 s */
};

/* The checks without I/O, for the dialog's own display too: read-only, the
 * plan's gate, the typed UUID. 0, else the code with the reason. */
int delete_volume_check(const struct delete_volume_plan *plan,
                        const struct delete_volume_checks *checks, struct rw_error *err);

#define DELETE_VOLUME_ENDS(X) \
	X(DV_END_NOT_TRIED, "not-tried")        /* refused: no DELETE was sent */ \
	X(DV_END_GONE, "gone")                  /* Cinder answers 404: deleted */ \
	X(DV_END_REJECTED, "rejected")          /* Cinder refused the DELETE (400/409/5xx…) */ \
	X(DV_END_ERROR_DELETING, "error_deleting") /* Cinder tried and failed */ \
	X(DV_END_STILL_DELETING, "still-deleting") /* the wait ran out first */ \
	X(DV_END_LOST, "lost")                  /* Cinder stopped answering while we polled */
enum delete_volume_end {
#define DV_X(e, n) e,
	DELETE_VOLUME_ENDS(DV_X)
#undef DV_X
};
const char *delete_volume_end_name(enum delete_volume_end e);

struct delete_volume_result {
	enum delete_volume_end end;
	char *status;   /* the last status Cinder showed ("deleting", …); NULL when gone */
	char *message;  /* Cinder's own words for a rejection or error_deleting; NULL if none */
	char *checked;  /* what was re-checked at the moment of acting, in words */
	long waited_ms; /* from the DELETE to the end */
};
void delete_volume_result_clear(struct delete_volume_result *res);

/* Checks again (delete_volume_check), re-reads Cinder (status, attachments)
 * and the Ceph watchers right before the DELETE — the gate must still pass on
 * those fresh facts — sends DELETE through Cinder, then polls until Cinder's
 * 404 or error_deleting, at most checks->wait_ms. 0 only when the volume is
 * gone; -EPERM when a check refused; -EIO/-ETIMEDOUT… otherwise. res is
 * always filled (res->end says how far it got). One audit record whatever
 * happens (action "delete-volume", target the volume UUID). */
int delete_volume_execute(struct chain *ch, const struct delete_volume_plan *plan,
                          const struct delete_volume_checks *checks,
                          struct delete_volume_result *res, struct rw_error *err);

/* What --dry-run prints: the manual command, "openstack volume delete UUID",
 * and the checks to make by hand before it; malloc'd, one line each. */
char *delete_volume_manual_command(const struct delete_volume_plan *plan);

#endif
