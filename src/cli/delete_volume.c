/* delete_volume.c — `rbdwho delete-volume VOLUME`: shows the plan (Cinder and
 * Ceph asked afresh), asks for the volume UUID to be typed unless --yes, and
 * hands over to delete_volume_execute, which re-checks, deletes through
 * Cinder, waits until it is gone and writes the audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/cli.h"
#include "rbdwho/delete_volume.h"
#include "rbdwho/redact.h"
#include "cli_internal.h"

static void line(const char *label, const char *value)
{
	char *safe = sanitize_terminal(value ? value : "-");
	printf("  %-11s %s\n", label, safe);
	free(safe);
}

static void lines(const char *label, const struct strvec *v, const char *none)
{
	if (v->n == 0)
		line(label, none);
	for (size_t i = 0; i < v->n; i++)
		line(label, v->v[i]);
}

static const char *cinder_word(enum delete_volume_cinder c)
{
	static const char *const words[] = {
	    [DV_CINDER_NOT_ASKED] = "not_asked",
	    [DV_CINDER_FOUND] = "found",
	    [DV_CINDER_GONE] = "not_found",
	    [DV_CINDER_ERROR] = "error",
	};
	return (size_t)c < sizeof words / sizeof words[0] ? words[c] : "error";
}

static void plan_print_text(const struct delete_volume_plan *p)
{
	printf("Delete-volume plan\n");
	line("volume", p->volume);
	line("name", p->name);
	line("cinder", p->cinder == DV_CINDER_FOUND ? p->status : p->cinder_error);
	line("backend", p->backend);
	lines("attachment", &p->attachments, "(none)");
	lines("image", &p->images, "(no RBD image found)");
	lines("watcher", &p->watchers, p->ceph_error ? "(unknown)" : "(none)");
	if (p->ceph_error)
		line("ceph", p->ceph_error);
	line("gate", p->gate == 0 ? "allowed" : "refused");
	line("reason", p->reason);
	fflush(stdout);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *jlist(const struct strvec *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, jstr(v->v[i]));
	return a;
}

static struct json_object *plan_json(const struct delete_volume_plan *p)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "volume", jstr(p->volume));
	json_object_object_add(o, "name", jstr(p->name));
	struct json_object *c = json_object_new_object();
	json_object_object_add(c, "state", jstr(cinder_word(p->cinder)));
	json_object_object_add(c, "status", jstr(p->status));
	json_object_object_add(c, "backend", jstr(p->backend));
	json_object_object_add(c, "error", jstr(p->cinder_error));
	json_object_object_add(o, "cinder", c);
	json_object_object_add(o, "attachments", jlist(&p->attachments));
	json_object_object_add(o, "images", jlist(&p->images));
	json_object_object_add(o, "watchers", jlist(&p->watchers));
	json_object_object_add(o, "ceph_error", jstr(p->ceph_error));
	json_object_object_add(o, "allowed", json_object_new_boolean(p->gate == 0));
	json_object_object_add(o, "reason", jstr(p->reason));
	return o;
}

/* Only ask when the answer can matter: read-only and a closed gate are
 * refused anyway, with a better reason than a typo. */
static char *confirmation_for(const struct options *o, const struct delete_volume_plan *p)
{
	if (o->yes)
		return xstrdup(p->volume);
	if (o->read_only || p->gate < 0)
		return xstrdup("");
	return cli_ask("Type the volume UUID to delete it: ");
}

/* The plan and how it ended; every field always there (null when it does not
 * apply): res NULL for a dry run, manual_command only then. */
static struct json_object *outcome_json(const struct delete_volume_plan *p,
                                        const struct delete_volume_result *res,
                                        const char *outcome, const char *error,
                                        const char *manual)
{
	struct json_object *j = plan_json(p);
	bool tried = res && res->end != DV_END_NOT_TRIED;
	json_object_object_add(j, "outcome", jstr(outcome));
	json_object_object_add(j, "end", jstr(res ? delete_volume_end_name(res->end) : NULL));
	json_object_object_add(j, "checked", jstr(res ? res->checked : NULL));
	json_object_object_add(j, "last_status", jstr(res ? res->status : NULL));
	json_object_object_add(j, "cinder_message", jstr(res ? res->message : NULL));
	json_object_object_add(j, "waited_ms", tried ? json_object_new_int64(res->waited_ms) : NULL);
	json_object_object_add(j, "error", jstr(error));
	json_object_object_add(j, "manual_command", jstr(manual));
	return j;
}

static int report_outcome(const struct options *o, const struct delete_volume_plan *p,
                          const struct delete_volume_result *res, int rc,
                          const struct rw_error *err)
{
	const char *outcome = rc == 0                          ? "deleted"
	                      : res->end == DV_END_NOT_TRIED ? "refused"
	                                                     : "failed";
	if (o->json)
		cli_print_json(outcome_json(p, res, outcome, rc < 0 ? err->msg : NULL, NULL));
	if (rc < 0)
		return cli_fail(outcome, err);
	if (!o->json)
		printf("deleted volume %s: Cinder no longer has it (after %.1f s)\n", p->volume,
		       (double)res->waited_ms / 1000);
	return RW_EXIT_OK;
}

static int dry_run(const struct options *o, const struct delete_volume_plan *p)
{
	char *cmd = delete_volume_manual_command(p), *safe = sanitize_terminal(cmd);
	if (o->json) {
		cli_print_json(outcome_json(p, NULL, "dry-run", NULL, cmd));
	} else {
		printf("dry run, nothing done; by hand (checks first):\n");
		for (char *l = strtok(safe, "\n"); l; l = strtok(NULL, "\n"))
			printf("  %s\n", l);
	}
	free(safe);
	free(cmd);
	return RW_EXIT_OK;
}

static int delete_volume_run(const struct options *o, struct chain *ch)
{
	struct delete_volume_plan plan;
	struct rw_error err = {0};
	int rc = delete_volume_prepare(ch, o->args[0], &plan, &err);
	if (rc < 0) {
		delete_volume_plan_clear(&plan);
		return cli_fail(o->args[0], &err);
	}
	if (!o->json)
		plan_print_text(&plan);
	if (o->dry_run) { /* nothing done, nothing audited */
		rc = dry_run(o, &plan);
		delete_volume_plan_clear(&plan);
		return rc;
	}
	char *typed = confirmation_for(o, &plan);
	struct delete_volume_checks checks = {.read_only = o->read_only, .confirmation = typed};
	struct delete_volume_result res;
	rc = delete_volume_execute(ch, &plan, &checks, &res, &err);
	rc = report_outcome(o, &plan, &res, rc, &err);
	delete_volume_result_clear(&res);
	free(typed);
	delete_volume_plan_clear(&plan);
	return rc;
}

int cli_delete_volume(const struct options *o)
{
	if (o->nargs != 1 || str_empty(o->args[0])) {
		fprintf(stderr, "rbdwho: delete-volume takes one VOLUME (UUID or volume-UUID)\n"
		                "Try 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc != 0)
		return rc;
	rc = delete_volume_run(o, ch);
	chain_free(ch);
	return rc;
}
