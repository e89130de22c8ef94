/* blocklist.c — `rbdwho blocklist ADDRESS`: shows who the address is and
 * every image a blocklist would cut, asks for the address to be typed unless
 * --yes, and hands over to blocklist_execute (every check, the audit record,
 * the wait for the map and the watches). `--rm ADDRESS` is the undo, `--list`
 * the fences rbdwho made. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/blocklist.h"
#include "rbdwho/cli.h"
#include "rbdwho/redact.h"
#include "cli_internal.h"

static void line(const char *label, const char *value)
{
	char *safe = sanitize_terminal(value ? value : "-");
	printf("  %-9s %s\n", label, safe);
	free(safe);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void plan_print_text(const struct blocklist_plan *p)
{
	char client[32], expire[32];
	snprintf(client, sizeof client, "client.%" PRIu64, p->client);
	snprintf(expire, sizeof expire, "%u s", p->expire_s);
	printf("Blocklist plan\n");
	line("address", p->address);
	line("client", p->client ? client : NULL);
	line("user", p->cephx_user);
	line("host", p->host);
	if (p->host_note)
		line("host note", p->host_note);
	if (p->nwatches == 0)
		line("image", "(watches none)");
	for (size_t i = 0; i < p->nwatches; i++) {
		const struct blocklist_watch *w = &p->watches[i];
		char *img = xasprintf("%s/%s  %s%s%s", w->pool, w->image, verdict_name(w->verdict),
		                      w->holder ? "  " : "", w->holder ? w->holder : "");
		line("image", img);
		free(img);
	}
	for (size_t i = 0; i < p->pool_errors.n; i++)
		line("not seen", p->pool_errors.v[i]);
	line("expire", expire);
	line("listed", p->already ? p->already_until : "no");
	line("gate", blocklist_gate_name(p->gate));
	line("reason", p->reason);
	fflush(stdout);
}

static struct json_object *watch_json(const struct blocklist_watch *w)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "pool", jstr(w->pool));
	json_object_object_add(o, "image", jstr(w->image));
	json_object_object_add(o, "cookie", json_object_new_uint64(w->cookie));
	json_object_object_add(o, "verdict", jstr(verdict_name(w->verdict)));
	json_object_object_add(o, "not_checked", json_object_new_boolean(w->not_checked));
	json_object_object_add(o, "holder", jstr(w->holder));
	json_object_object_add(o, "nova", jstr(w->nova));
	json_object_object_add(o, "reason", jstr(w->reason));
	return o;
}

static struct json_object *strvec_json(const struct strvec *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, jstr(v->v[i]));
	return a;
}

static struct json_object *plan_json(const struct blocklist_plan *p)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "address", jstr(p->address));
	json_object_object_add(o, "client", p->client ? json_object_new_uint64(p->client) : NULL);
	json_object_object_add(o, "cephx_user", jstr(p->cephx_user));
	json_object_object_add(o, "host", jstr(p->host));
	json_object_object_add(o, "host_source",
	                       p->host ? jstr(host_source_name(p->host_source)) : NULL);
	json_object_object_add(o, "host_note", jstr(p->host_note));
	struct json_object *imgs = json_object_new_array();
	for (size_t i = 0; i < p->nwatches; i++)
		json_object_array_add(imgs, watch_json(&p->watches[i]));
	json_object_object_add(o, "images", imgs);
	json_object_object_add(o, "pools_not_checked", strvec_json(&p->pool_errors));
	json_object_object_add(o, "expire_s", json_object_new_int64(p->expire_s));
	json_object_object_add(o, "already_blocklisted", json_object_new_boolean(p->already));
	json_object_object_add(o, "already_until", jstr(p->already_until));
	json_object_object_add(o, "gate", jstr(blocklist_gate_name(p->gate)));
	json_object_object_add(o, "allowed", json_object_new_boolean(blocklist_gate_allows(p->gate)));
	json_object_object_add(o, "reason", jstr(p->reason));
	return o;
}

/* The after-act fields, null when nothing was done. */
static void result_json(struct json_object *o, const struct blocklist_result *r, bool done)
{
	json_object_object_add(o, "epoch", done && r->epoch ? json_object_new_uint64(r->epoch) : NULL);
	json_object_object_add(o, "osds_have_map", done ? json_object_new_boolean(r->map_seen) : NULL);
	json_object_object_add(o, "map_note", done ? jstr(r->map_note) : NULL);
	json_object_object_add(o, "watch_gone", done ? json_object_new_boolean(r->watch_gone) : NULL);
	json_object_object_add(o, "still_watched", done ? strvec_json(&r->still_watched) : NULL);
	json_object_object_add(o, "waited_s", done ? json_object_new_double(r->waited_s) : NULL);
}

static void result_print_text(const struct blocklist_plan *p, const struct blocklist_result *r)
{
	printf("blocklisted %s for %u s", p->address, p->expire_s);
	if (r->epoch)
		printf(" (OSD map epoch %" PRIu64 ")", r->epoch);
	printf("\n");
	if (r->map_seen)
		printf("  the OSDs have that map\n");
	else
		printf("  the OSDs' map could not be confirmed: %s\n", r->map_note ? r->map_note : "?");
	if (r->watch_gone) {
		printf("  the watch is gone from %zu image(s), after %.1f s\n", p->nwatches, r->waited_s);
		return;
	}
	for (size_t i = 0; i < r->still_watched.n; i++) {
		char *safe = sanitize_terminal(r->still_watched.v[i]);
		printf("  still listed after %.1f s: %s\n", r->waited_s, safe);
		free(safe);
	}
	printf("  an OSD drops a blocklisted client's watch when it handles the new map; a "
	       "watch still listed goes at the latest after osd_client_watch_timeout (30 s)\n");
}

/* Only ask when the answer can matter: read-only and a refusing gate without
 * --force are refused anyway, with a better reason than a typo. */
static char *confirmation_for(const struct options *o, const struct blocklist_plan *p)
{
	if (o->yes)
		return xstrdup(p->address);
	if (o->read_only || p->gate == BL_GATE_NO_WATCH ||
	    (!blocklist_gate_allows(p->gate) && !o->force))
		return xstrdup("");
	return cli_ask("Type the address to blocklist it (every image above is cut): ");
}

static int dry_run(const struct options *o, const struct blocklist_plan *p)
{
	char *cmd = blocklist_manual_command(p);
	if (o->json) {
		struct json_object *j = plan_json(p);
		json_object_object_add(j, "outcome", jstr("dry-run"));
		json_object_object_add(j, "error", NULL);
		json_object_object_add(j, "manual_command", jstr(cmd));
		struct blocklist_result none = {0};
		result_json(j, &none, false);
		cli_print_json(j);
	} else {
		printf("dry run, nothing done; by hand:\n  %s\n", cmd);
	}
	free(cmd);
	return RW_EXIT_OK;
}

static int blocklist_add_run(const struct options *o, struct chain *ch, unsigned expire_s)
{
	struct blocklist_plan plan;
	struct rw_error err = {0};
	int rc = blocklist_prepare(ch, o->args[0], expire_s, &plan, &err);
	if (rc < 0) {
		blocklist_plan_clear(&plan);
		return cli_fail(o->args[0], &err);
	}
	if (!o->json)
		plan_print_text(&plan);
	if (o->dry_run) { /* nothing done, nothing audited */
		rc = dry_run(o, &plan);
		blocklist_plan_clear(&plan);
		return rc;
	}
	char *typed = confirmation_for(o, &plan);
	struct remedy_checks checks = {.read_only = o->read_only, .force = o->force,
	                               .confirmation = typed};
	struct blocklist_result res = {0};
	rc = blocklist_execute(ch, &plan, &checks, &res, &err);
	static const char *const outcomes[] = {
	    [REMEDY_REFUSED] = "refused", [REMEDY_DONE] = "blocklisted", [REMEDY_FAILED] = "failed"};
	bool done = res.outcome == REMEDY_DONE;
	const char *outcome = outcomes[res.outcome];
	if (o->json) {
		struct json_object *j = plan_json(&plan);
		json_object_object_add(j, "outcome", jstr(outcome));
		json_object_object_add(j, "error", rc < 0 ? jstr(err.msg) : NULL);
		json_object_object_add(j, "manual_command", NULL);
		result_json(j, &res, done);
		cli_print_json(j);
	} else if (done) {
		result_print_text(&plan, &res);
	}
	int status = rc < 0 ? cli_fail(outcome, &err) : RW_EXIT_OK;
	blocklist_result_clear(&res);
	free(typed);
	blocklist_plan_clear(&plan);
	return status;
}

static int blocklist_rm_run(const struct options *o, struct chain *ch)
{
	char *norm = NULL, *cmd = NULL;
	struct rw_error err = {0};
	if (blocklist_normalize_address(o->rm_address, &norm, &err) < 0)
		return cli_fail("--rm", &err);
	cmd = blocklist_manual_rm_command(norm);
	int rc = 0;
	const char *outcome = "dry-run";
	if (!o->dry_run) {
		char *typed = o->yes        ? xstrdup(norm)
		              : o->read_only ? xstrdup("")
		                             : cli_ask("Type the address to remove its blocklist entry: ");
		struct remedy_checks checks = {.read_only = o->read_only, .confirmation = typed};
		rc = blocklist_remove(ch, norm, &checks, &err);
		outcome = rc == 0 ? "unblocklisted" : rc == -EPERM || rc == -ENOENT ? "refused" : "failed";
		free(typed);
	}
	if (o->json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "address", jstr(norm));
		json_object_object_add(j, "outcome", jstr(outcome));
		json_object_object_add(j, "error", rc < 0 ? jstr(err.msg) : NULL);
		json_object_object_add(j, "manual_command", jstr(o->dry_run ? cmd : NULL));
		cli_print_json(j);
	} else if (o->dry_run) {
		printf("dry run, nothing done; by hand:\n  %s\n", cmd);
	} else if (rc == 0) {
		printf("removed %s from the blocklist\n", norm);
	}
	int status = rc < 0 ? cli_fail(outcome, &err) : RW_EXIT_OK;
	free(cmd);
	free(norm);
	return status;
}

static struct json_object *fence_json(const struct blocklist_fence *f)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "address", jstr(f->address));
	json_object_object_add(o, "until", jstr(f->until));
	json_object_object_add(o, "until_epoch_s",
	                       f->until_t ? json_object_new_int64((int64_t)f->until_t) : NULL);
	json_object_object_add(o, "by", jstr(f->who));
	json_object_object_add(o, "at", jstr(f->when));
	json_object_object_add(o, "host", jstr(f->host));
	json_object_object_add(o, "images", jstr(f->images));
	return o;
}

static int blocklist_list_run(const struct options *o, struct chain *ch)
{
	struct blocklist_fences f;
	struct rw_error err = {0};
	if (blocklist_list(ch, false, &f, &err) < 0) {
		blocklist_fences_free(&f);
		return cli_fail("blocklist --list", &err);
	}
	if (o->json) {
		struct json_object *j = json_object_new_object(), *a = json_object_new_array();
		for (size_t i = 0; i < f.n; i++)
			json_object_array_add(a, fence_json(&f.v[i]));
		json_object_object_add(j, "fences", a);
		json_object_object_add(j, "others", json_object_new_int64((int64_t)f.others));
		json_object_object_add(j, "audit_note", jstr(f.audit_note));
		cli_print_json(j);
	} else {
		printf("%zu blocklist entr%s made by rbdwho (%zu other%s in Ceph's blocklist)\n", f.n,
		       f.n == 1 ? "y" : "ies", f.others, f.others == 1 ? "" : "s");
		for (size_t i = 0; i < f.n; i++) {
			const struct blocklist_fence *e = &f.v[i];
			char *row = xasprintf("until %s  by %s at %s  host %s  images %s", e->until,
			                      e->who ? e->who : "?", e->when ? e->when : "?",
			                      e->host ? e->host : "?", e->images ? e->images : "-");
			line(e->address, row);
			free(row);
		}
		if (f.audit_note)
			line("note", f.audit_note);
	}
	/* Not knowing which entries are ours is a failure to know. */
	int status = f.audit_note ? RW_EXIT_BACKEND : RW_EXIT_OK;
	blocklist_fences_free(&f);
	return status;
}

static int usage(const char *msg)
{
	fprintf(stderr, "rbdwho: %s\nTry 'rbdwho --help'.\n", msg);
	return RW_EXIT_USAGE;
}

int cli_blocklist(const struct options *o)
{
	int modes = (o->nargs > 0) + (o->rm_address != NULL) + o->list;
	if (modes != 1 || o->nargs > 1)
		return usage("blocklist takes one ADDRESS, or --rm ADDRESS, or --list");
	unsigned expire_s = BLOCKLIST_DEFAULT_EXPIRE_S;
	struct rw_error err = {0};
	if (o->expire && blocklist_parse_duration(o->expire, &expire_s, &err) < 0)
		return usage(err.msg);
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc)
		return rc;
	rc = o->list         ? blocklist_list_run(o, ch)
	     : o->rm_address ? blocklist_rm_run(o, ch)
	                     : blocklist_add_run(o, ch, expire_s);
	chain_free(ch);
	return rc;
}
