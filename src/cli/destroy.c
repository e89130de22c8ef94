/* destroy.c — `rbdwho destroy DOMAIN --host HOST`: shows the plan (with Nova
 * asked afresh), asks for the domain name to be typed unless --yes, and hands
 * over to destroy_execute, which does every check and writes the audit record.
 * It needs libvirt and Nova only, so it never connects to Ceph. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/cli.h"
#include "rbdwho/destroy.h"
#include "rbdwho/redact.h"
#include "cli_internal.h"

static void plan_line(const char *label, const char *value)
{
	char *safe = sanitize_terminal(value ? value : "-");
	printf("  %-8s %s\n", label, safe);
	free(safe);
}

static void plan_print_text(const struct destroy_plan *p)
{
	char *nova = destroy_nova_text(&p->nova);
	printf("Destroy plan\n");
	plan_line("domain", p->name);
	plan_line("uuid", p->uuid);
	plan_line("host", p->host);
	plan_line("uri", p->uri);
	plan_line("state", p->state);
	if (p->process)
		plan_line("cmdline", p->cmdline);
	if (p->volumes.n == 0)
		plan_line("volume", "(no RBD disk)");
	for (size_t i = 0; i < p->volumes.n; i++)
		plan_line("volume", p->volumes.v[i]);
	plan_line("nova", nova);
	plan_line("verdict", verdict_name(p->verdict));
	plan_line("reason", p->reason);
	fflush(stdout);
	free(nova);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *plan_json(const struct destroy_plan *p)
{
	static const char *const nova_states[] = {
	    [NOVA_NOT_ASKED] = "not_asked",
	    [NOVA_FOUND] = "found",
	    [NOVA_GONE] = "not_found",
	    [NOVA_ERROR] = "error",
	};
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "domain", jstr(p->name));
	json_object_object_add(o, "uuid", jstr(p->uuid));
	json_object_object_add(o, "host", jstr(p->host));
	json_object_object_add(o, "uri", jstr(p->uri));
	json_object_object_add(o, "state", jstr(p->state));
	json_object_object_add(o, "kind", jstr(p->process ? "process" : "domain"));
	json_object_object_add(o, "pid", p->process ? json_object_new_int64(p->pid) : NULL);
	json_object_object_add(o, "uid", p->process ? json_object_new_int64(p->uid) : NULL);
	json_object_object_add(o, "start_ticks",
	                       p->process ? json_object_new_uint64(p->start_ticks) : NULL);
	json_object_object_add(o, "cmdline", jstr(p->process ? p->cmdline : NULL));
	struct json_object *vols = json_object_new_array();
	for (size_t i = 0; i < p->volumes.n; i++)
		json_object_array_add(vols, jstr(p->volumes.v[i]));
	json_object_object_add(o, "volumes", vols);
	struct json_object *nova = json_object_new_object();
	json_object_object_add(
	    nova, "state",
	    jstr(nova_states[p->nova.state <= NOVA_ERROR ? p->nova.state : NOVA_ERROR]));
	if (p->nova.state == NOVA_FOUND)
		json_object_object_add(nova, "status", jstr(p->nova.server.status));
	if (p->nova.error)
		json_object_object_add(nova, "error", jstr(p->nova.error));
	json_object_object_add(o, "nova", nova);
	json_object_object_add(o, "verdict", jstr(verdict_name(p->verdict)));
	json_object_object_add(o, "reason", jstr(p->reason));
	return o;
}

/* Only ask when the answer can matter: read-only and a non-ORPHAN verdict
 * without --force are refused anyway, with a better reason than a typo. */
static char *confirmation_for(const struct options *o, const struct destroy_plan *p)
{
	if (o->yes)
		return xstrdup(p->name);
	if (o->read_only || (p->verdict != VERDICT_ORPHAN && !o->force))
		return xstrdup("");
	return cli_ask("Type the domain name to destroy it: ");
}

static int report_outcome(const struct options *o, const struct destroy_plan *p, int rc,
                          const struct rw_error *err)
{
	const char *outcome = rc == 0 ? "destroyed" : rc == -EPERM ? "refused" : "failed";
	if (o->json) {
		struct json_object *j = plan_json(p);
		json_object_object_add(j, "outcome", jstr(outcome));
		json_object_object_add(j, "error", rc < 0 ? jstr(err->msg) : NULL);
		cli_print_json(j);
	}
	if (rc < 0)
		return cli_fail(outcome, err);
	if (!o->json) {
		char *safe = sanitize_terminal(p->name);
		if (p->process)
			printf("terminated %s (pid %ld) on %s\n", safe, p->pid, p->host);
		else
			printf("destroyed %s (%s) on %s\n", safe, p->uuid ? p->uuid : "?", p->host);
		free(safe);
	}
	return RW_EXIT_OK;
}

static int destroy_run(const struct options *o, struct chain *ch)
{
	struct destroy_plan plan;
	struct rw_error err = {0};
	int rc = destroy_prepare(ch, o->args[0], o->host, &plan, &err);
	if (rc < 0) {
		destroy_plan_clear(&plan);
		return cli_fail(o->args[0], &err);
	}
	if (!o->json)
		plan_print_text(&plan);
	if (o->dry_run) { /* nothing done, nothing audited: what it would do, by hand */
		char *cmd = destroy_manual_command(&plan), *safe = sanitize_terminal(cmd);
		if (o->json) {
			struct json_object *j = plan_json(&plan);
			json_object_object_add(j, "outcome", jstr("dry-run"));
			json_object_object_add(j, "manual_command", jstr(cmd));
			cli_print_json(j);
		} else {
			printf("dry run, nothing done; by hand:\n  %s\n", safe);
		}
		free(safe);
		free(cmd);
		destroy_plan_clear(&plan);
		return RW_EXIT_OK;
	}
	char *typed = confirmation_for(o, &plan);
	struct destroy_checks checks = {
	    .read_only = o->read_only,
	    .force = o->force,
	    .confirmation = typed,
	};
	rc = destroy_execute(ch, &plan, &checks, &err);
	rc = report_outcome(o, &plan, rc, &err);
	free(typed);
	destroy_plan_clear(&plan);
	return rc;
}

int cli_destroy(const struct options *o)
{
	if (o->nargs != 1 || str_empty(o->args[0])) {
		fprintf(stderr, "rbdwho: destroy takes one DOMAIN (name or UUID)\n"
		                "Try 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	if (str_empty(o->host)) {
		fprintf(stderr, "rbdwho: destroy needs --host HOST (the hypervisor the domain runs "
		                "on)\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct chain *ch = NULL;
	struct rw_error err = {0};
	if (chain_new_no_ceph(&o->chain, &ch, &err) < 0)
		return cli_fail("cannot start", &err);
	int rc = destroy_run(o, ch);
	chain_free(ch);
	return rc;
}
