/* remedy.c — the checks and the audit trail every destructive action shares
 * (see remedy.h). */
#include <errno.h>
#include <string.h>

#include "rbdwho/remedy.h"

int remedy_check_mode(bool read_only, const char *nothing_done, struct rw_error *err)
{
	if (read_only)
		return rw_error_set(err, -EPERM, "read-only mode: nothing is %s", nothing_done);
	return 0;
}

int remedy_check_typed(const char *typed, const char *expected, const char *what,
                       struct rw_error *err)
{
	if (!typed)
		return rw_error_set(err, -EPERM,
		                    "not confirmed: no terminal to ask on (--yes confirms)");
	if (!expected || strcmp(typed, expected) != 0)
		return rw_error_set(err, -EPERM,
		                    "the typed confirmation does not match the %s '%s'", what,
		                    expected ? expected : "?");
	return 0;
}

int remedy_check_audit(struct chain *ch, struct rw_error *why)
{
	struct rw_error e = {0};
	if (audit_check_writable(chain_config(ch)->audit_log, &e) < 0)
		return rw_error_set(why, -EPERM, "%s — refusing to act unaudited", e.msg);
	return 0;
}

int remedy_conclude(struct chain *ch, struct audit_record *r, enum remedy_outcome outcome,
                    const char *done_word, int rc, const struct rw_error *why,
                    const char *done_what, struct rw_error *err)
{
	static const char *const words[] = {[REMEDY_REFUSED] = "refused", [REMEDY_FAILED] = "failed"};
	const struct config *cfg = chain_config(ch);
	struct rw_error werr = {0};
	r->outcome = outcome == REMEDY_DONE ? done_word : words[outcome];
	if (outcome != REMEDY_DONE)
		r->reason = why->msg;
	audit_write(cfg->audit_log, cfg->syslog, r, &werr);
	if (rc < 0 && werr.code)
		return rw_error_set(err, rc, "%s (and the audit record failed: %s)", why->msg,
		                    werr.msg);
	if (rc < 0)
		return rw_error_set(err, rc, "%s", why->msg);
	if (werr.code)
		return rw_error_set(err, -EIO, "%s, but the audit record failed: %s", done_what,
		                    werr.msg);
	rw_error_clear(err);
	return 0;
}
