/* unlock.c — `rbdwho unlock POOL/IMAGE`: shows the lock, its locker and
 * whether that locker still watches the image, asks for POOL/IMAGE to be
 * typed unless --yes, and hands over to unlock_execute, which does every
 * check and writes the audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/cli.h"
#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/unlock.h"
#include "cli_internal.h"

static void plan_line(const char *label, const char *value)
{
	char *safe = sanitize_terminal(value ? value : "-");
	printf("  %-11s %s\n", label, safe);
	free(safe);
}

static void plan_print_text(const struct unlock_plan *p)
{
	const struct image_lock *l = &p->lock;
	char *spec = unlock_spec(p), *target = unlock_target(p);
	printf("Unlock plan\n");
	plan_line("image", spec);
	plan_line("lock", l->raw.n == 0 ? "none"
	                  : l->managed  ? "exclusive-lock (librbd's, tag internal)"
	                                : "advisory (rbd lock add)");
	plan_line("locker", target);
	for (size_t i = 0; i < p->nwatchers; i++) {
		char *w = xasprintf("%s client.%llu cookie %llu%s", p->watchers[i].address,
		                    (unsigned long long)p->watchers[i].client,
		                    (unsigned long long)p->watchers[i].cookie,
		                    l->owner == (ssize_t)i ? "  (owns the lock)" : "");
		plan_line("watcher", w);
		free(w);
	}
	if (p->nwatchers == 0)
		plan_line("watcher", "none");
	if (l->raw.n)
		plan_line("blocklist",
		          p->blocklist_known
		              ? (l->state == LOCK_BLOCKLISTED ? "the locker's address is on it"
		                                              : "the locker's address is not on it")
		              : l->blocklist_error);
	char *state = xasprintf("%s: %s", lock_state_name(l->state), lock_state_meaning(l->state));
	plan_line("state", state);
	fflush(stdout);
	free(state);
	free(target);
	free(spec);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *plan_json(const struct unlock_plan *p, const char *outcome,
                                     const char *manual, const char *error)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "pool", jstr(p->pool));
	json_object_object_add(o, "image", jstr(p->image));
	json_object_object_add(o, "lock",
	                       report_lock_json(&p->lock, p->lw, p->nwatchers, true,
	                                        p->blocklist_known ? &p->blocklist : NULL));
	json_object_object_add(o, "outcome", jstr(outcome));
	json_object_object_add(o, "manual_command", jstr(manual));
	json_object_object_add(o, "error", jstr(error));
	return o;
}

/* Only ask when the answer can matter: refusals come with a better reason. */
static char *confirmation_for(const struct options *o, const struct unlock_plan *p)
{
	char *spec = unlock_spec(p);
	if (o->yes)
		return spec;
	/* Every check but the typing, as if it were typed right. */
	struct remedy_checks pre = {
	    .read_only = o->read_only, .force = o->force, .confirmation = spec};
	struct rw_error e = {0};
	bool refused = unlock_check(p, &pre, NULL, &e) < 0;
	free(spec);
	return refused ? xstrdup("") : cli_ask("Type POOL/IMAGE to break its lock: ");
}

static int dry_run(const struct options *o, const struct unlock_plan *p)
{
	char *cmd = unlock_manual_command(p);
	if (o->json) {
		cli_print_json(plan_json(p, "dry-run", cmd, NULL));
	} else {
		char *safe = sanitize_terminal(cmd);
		printf("dry run, nothing done; by hand (it blocklists the locker too):\n  %s\n",
		       safe);
		free(safe);
	}
	free(cmd);
	return RW_EXIT_OK;
}

static int unlock_run(const struct options *o, struct chain *ch)
{
	struct unlock_plan plan;
	struct rw_error err = {0};
	int rc = unlock_prepare(ch, o->args[0], &plan, &err);
	if (rc < 0) {
		unlock_plan_clear(&plan);
		return cli_fail(o->args[0], &err);
	}
	if (!o->json)
		plan_print_text(&plan);
	if (o->dry_run) { /* nothing done, nothing audited */
		rc = dry_run(o, &plan);
		unlock_plan_clear(&plan);
		return rc;
	}
	char *typed = confirmation_for(o, &plan);
	struct remedy_checks checks = {
	    .read_only = o->read_only, .force = o->force, .confirmation = typed};
	rc = unlock_execute(ch, &plan, &checks, &err);
	const char *outcome = rc == 0                         ? "unlocked"
	                      : rc == -EPERM || rc == -ENOENT ? "refused"
	                                                      : "failed";
	if (o->json)
		cli_print_json(plan_json(&plan, outcome, NULL, rc < 0 ? err.msg : NULL));
	if (rc < 0) {
		rc = cli_fail(outcome, &err);
	} else {
		if (!o->json) {
			char *spec = unlock_spec(&plan), *safe = sanitize_terminal(spec);
			printf("unlocked %s (the locker's address is blocklisted by librbd)\n",
			       safe);
			free(safe);
			free(spec);
		}
		rc = RW_EXIT_OK;
	}
	free(typed);
	unlock_plan_clear(&plan);
	return rc;
}

int cli_unlock(const struct options *o)
{
	if (o->nargs != 1 || str_empty(o->args[0])) {
		fprintf(stderr, "rbdwho: unlock takes one POOL/IMAGE\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc)
		return rc;
	rc = unlock_run(o, ch);
	chain_free(ch);
	return rc;
}
