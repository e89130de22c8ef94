/* remedy.h — what every action that changes the world shares: destroy, and the
 * remedies after it (blocklist, unlock, delete-volume). Each action has its own
 * plan (read fresh), gate (verdict) and re-check at the moment of acting; this is
 * the part they have in common, so that no action forgets one: read-only mode,
 * the typed confirmation, an audit log that is writable before anything is done,
 * and one audit record per attempt — refused, done or failed — whose failure is
 * told together with the outcome. */
#ifndef RBDWHO_REMEDY_H
#define RBDWHO_REMEDY_H

#include <stdbool.h>
#include "rbdwho/audit.h"
#include "rbdwho/chain.h"
#include "rbdwho/error.h"

/* What the operator asked for, as every action's checks take it. */
struct remedy_checks {
	bool read_only;           /* refuse everything */
	bool force;               /* pass a refusing gate (each action says which) */
	const char *confirmation; /* what the user typed; NULL: nobody could be asked */
};

/* -EPERM "read-only mode: nothing is <nothing_done>" under --read-only. */
int remedy_check_mode(bool read_only, const char *nothing_done, struct rw_error *err);

/* -EPERM unless typed equals expected: "not confirmed" when typed is NULL (no
 * terminal: --yes confirms), else "the typed confirmation does not match the
 * <what> '<expected>'". */
int remedy_check_typed(const char *typed, const char *expected, const char *what,
                       struct rw_error *err);

/* -EPERM "… — refusing to act unaudited" when the chain's audit log cannot be
 * written: an action that cannot be audited must not happen. */
int remedy_check_audit(struct chain *ch, struct rw_error *why);

enum remedy_outcome {
	REMEDY_REFUSED, /* a check said no: nothing was done */
	REMEDY_DONE,
	REMEDY_FAILED,  /* the act was tried and did not succeed */
};

/* Writes the audit record of one attempt: r->outcome becomes "refused",
 * "failed" or done_word, and r->reason why->msg unless the act was done (then
 * the caller's r->reason stays). Returns what the action returns: 0; or rc
 * with why's message (and the audit failure, if any, after it); or -EIO when
 * the act was done but its record could not be written ("<done_what>, but the
 * audit record failed: …"), since the operator must know the trail is not. */
int remedy_conclude(struct chain *ch, struct audit_record *r, enum remedy_outcome outcome,
                    const char *done_word, int rc, const struct rw_error *why,
                    const char *done_what, struct rw_error *err);

#endif
