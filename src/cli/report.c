/* report.c — image views and process lists as text for people and as JSON for
 * scripts. Text goes through sanitize_terminal: names come from APIs and
 * command lines and may hold escape sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/util.h"

const char *report_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100 || v == (double)(long long)v)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *report_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (t == 0 || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "?");
	return buf;
}

/* ---- JSON ---- */

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static const char *nova_state_name(enum nova_state s)
{
	static const char *const names[] = {
		[NOVA_NOT_ASKED] = "not_asked", [NOVA_FOUND] = "found",
		[NOVA_GONE] = "not_found", [NOVA_ERROR] = "error",
	};
	return s <= NOVA_ERROR ? names[s] : "error";
}

static const char *cinder_state_name(enum cinder_state s)
{
	static const char *const names[] = {
		[CINDER_NOT_A_VOLUME] = "not_a_volume", [CINDER_NOT_ASKED] = "not_asked",
		[CINDER_FOUND] = "found", [CINDER_GONE] = "not_found", [CINDER_ERROR] = "error",
	};
	return s <= CINDER_ERROR ? names[s] : "error";
}

static struct json_object *nova_json(const struct nova_answer *a)
{
	struct json_object *o = json_object_new_object();
	/* every field always present (doc/json-schema.md): null when not known */
	const struct nova_server *s = &a->server;
	bool found = a->state == NOVA_FOUND;
	json_object_object_add(o, "state", jstr(nova_state_name(a->state)));
	json_object_object_add(o, "id", jstr(found ? s->id : NULL));
	json_object_object_add(o, "name", jstr(found ? s->name : NULL));
	json_object_object_add(o, "status", jstr(found ? s->status : NULL));
	json_object_object_add(o, "host", jstr(found ? s->host : NULL));
	json_object_object_add(o, "instance_name", jstr(found ? s->instance_name : NULL));
	json_object_object_add(o, "project_id", jstr(found ? s->project_id : NULL));
	json_object_object_add(o, "error", jstr(a->error));
	return o;
}

static struct json_object *holder_json(const struct holder *h)
{
	char t[64];
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", jstr(holder_kind_name(h->kind)));
	json_object_object_add(o, "name", jstr(h->name));
	json_object_object_add(o, "uuid", jstr(h->uuid));
	json_object_object_add(o, "display_name", jstr(h->display_name));
	json_object_object_add(o, "host", jstr(h->host));
	json_object_object_add(o, "libvirt_uri", jstr(h->libvirt_uri));
	json_object_object_add(o, "libvirt_state", jstr(h->libvirt_state));
	json_object_object_add(o, "pid", h->pid ? json_object_new_int(h->pid) : NULL);
	json_object_object_add(o, "uid", h->pid && h->uid >= 0 ? json_object_new_int64(h->uid) : NULL);
	json_object_object_add(o, "user", jstr(h->user));
	json_object_object_add(o, "started", h->started ? jstr(report_time(h->started, t, sizeof t)) : NULL);
	json_object_object_add(o, "cmdline", jstr(h->cmdline));
	json_object_object_add(o, "nova", nova_json(&h->nova));
	json_object_object_add(o, "verdict", jstr(verdict_name(h->verdict)));
	json_object_object_add(o, "reason", jstr(h->reason));
	json_object_object_add(o, "contradiction", jstr(contradiction_name(h->contradiction)));
	return o;
}

/* Every source asked for the watcher's holders and its answer: what was not
 * looked at is said, never hidden. */
static struct json_object *sources_json(const struct watcher_view *w)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < w->nchecks; i++) {
		const struct source_check *c = &w->checks[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "source", jstr(check_source_name(c->source)));
		json_object_object_add(o, "via", jstr(c->via));
		json_object_object_add(o, "state", jstr(check_state_name(c->state)));
		json_object_object_add(o, "reason", c->state == CHECK_OK ? NULL
						  : jstr(source_check_reason_name(c)));
		json_object_object_add(o, "detail", jstr(c->detail));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *watcher_json(const struct watcher_view *w)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "address", jstr(w->address));
	json_object_object_add(o, "ip", jstr(w->addr.ip));
	json_object_object_add(o, "client", json_object_new_uint64(w->client));
	char client[32];
	snprintf(client, sizeof client, "client.%llu", (unsigned long long)w->client);
	json_object_object_add(o, "client_name", jstr(client));
	json_object_object_add(o, "cookie", json_object_new_uint64(w->cookie));
	json_object_object_add(o, "host", jstr(w->host));
	json_object_object_add(o, "host_source", jstr(host_source_name(w->host_source)));
	json_object_object_add(o, "cephx_user", jstr(w->cephx_user));
	json_object_object_add(o, "host_note", jstr(w->host_note));
	json_object_object_add(o, "libvirt_uri", jstr(w->libvirt_uri));
	struct json_object *hs = json_object_new_array();
	for (size_t i = 0; i < w->nholders; i++)
		json_object_array_add(hs, holder_json(&w->holders[i]));
	json_object_object_add(o, "holders", hs);
	json_object_object_add(o, "holders_error", jstr(w->holders_error));
	json_object_object_add(o, "sources", sources_json(w));
	json_object_object_add(o, "not_checked", json_object_new_boolean(w->not_checked));
	json_object_object_add(o, "nova", w->nholders == 1 ? nova_json(&w->holders[0].nova) : NULL);
	json_object_object_add(o, "verdict", jstr(verdict_name(w->verdict)));
	json_object_object_add(o, "reason", jstr(w->reason));
	return o;
}

static struct json_object *cinder_json(const struct image_view *iv)
{
	struct json_object *o = json_object_new_object();
	bool found = iv->cinder_state == CINDER_FOUND;
	json_object_object_add(o, "state", jstr(cinder_state_name(iv->cinder_state)));
	json_object_object_add(o, "status", jstr(found ? iv->cinder.status : NULL));
	json_object_object_add(o, "name", jstr(found ? iv->cinder.name : NULL));
	if (!found) {
		json_object_object_add(o, "attachments", NULL);
	} else {
		struct json_object *att = json_object_new_array();
		for (size_t i = 0; i < iv->cinder.natt; i++) {
			const struct cinder_attachment *a = &iv->cinder.att[i];
			struct json_object *ao = json_object_new_object();
			json_object_object_add(ao, "server_id", jstr(a->server_id));
			json_object_object_add(ao, "host_name", jstr(a->host_name));
			json_object_object_add(ao, "attachment_id", jstr(a->attachment_id));
			json_object_object_add(ao, "device", jstr(a->device));
			json_object_array_add(att, ao);
		}
		json_object_object_add(o, "attachments", att);
	}
	json_object_object_add(o, "error", jstr(iv->cinder_error));
	return o;
}

static struct json_object *image_info_json(const struct ceph_image_info *in)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", jstr(in->id));
	json_object_object_add(o, "size", json_object_new_uint64(in->size));
	json_object_object_add(o, "block_name_prefix", jstr(in->block_name_prefix));
	json_object_object_add(o, "features", jstr(in->features_str));
	json_object_object_add(o, "old_format", json_object_new_boolean(in->old_format));
	return o;
}

/* An image in the rbd trash: still there to be held (Cinder moves a busy
 * volume there on delete); null when it is not in the trash. */
static struct json_object *trash_json(const struct image_view *iv)
{
	char t[64];
	if (!iv->trashed)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", jstr(iv->trash.id));
	json_object_object_add(o, "source", jstr(ceph_trash_source_name(iv->trash.source)));
	json_object_object_add(o, "deleted_at", iv->trash.deleted ? jstr(report_time(iv->trash.deleted, t, sizeof t)) : NULL);
	json_object_object_add(o, "deferment_end", iv->trash.deferment_end ? jstr(report_time(iv->trash.deferment_end, t, sizeof t)) : NULL);
	return o;
}

static struct json_object *clone_ref_json(const struct ceph_clone_ref *r, bool child)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "pool", jstr(r->pool));
	json_object_object_add(o, "namespace", jstr(r->nspace));
	json_object_object_add(o, "image", jstr(r->image));
	json_object_object_add(o, "snapshot", jstr(r->snap));
	json_object_object_add(o, "trash", json_object_new_boolean(r->trash));
	if (child)
		json_object_object_add(o, "watchers", r->nwatchers >= 0
							    ? json_object_new_int(r->nwatchers)
							    : NULL);
	return o;
}

/* parent: null when the image has none or it was not looked at (errors says
 * why); children: null when not looked at (scan) or the look failed. */
static void clones_json(struct json_object *o, const struct image_view *iv)
{
	bool known = iv->clones_known;
	json_object_object_add(o, "parent", iv->parent_known && iv->clones.has_parent
						    ? clone_ref_json(&iv->clones.parent, false)
						    : NULL);
	struct json_object *kids = known ? json_object_new_array() : NULL;
	for (size_t i = 0; known && i < iv->clones.nchildren; i++)
		json_object_array_add(kids, clone_ref_json(&iv->clones.children[i], true));
	json_object_object_add(o, "children", kids);
}

struct json_object *report_image_json(const struct image_view *iv)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "volume", jstr(iv->volume_uuid));
	json_object_object_add(o, "instance", jstr(iv->instance_uuid));
	json_object_object_add(o, "pool", jstr(iv->pool));
	json_object_object_add(o, "namespace", jstr(iv->nspace ? iv->nspace : ""));
	json_object_object_add(o, "image", jstr(iv->image));
	json_object_object_add(o, "trashed", json_object_new_boolean(iv->trashed));
	json_object_object_add(o, "trash", trash_json(iv));
	json_object_object_add(o, "image_info", image_info_json(&iv->info));
	json_object_object_add(o, "cinder", cinder_json(iv));
	struct json_object *ws = json_object_new_array();
	for (size_t i = 0; i < iv->nwatchers; i++)
		json_object_array_add(ws, watcher_json(&iv->watchers[i]));
	json_object_object_add(o, "watchers", ws);
	json_object_object_add(o, "watchers_error", jstr(iv->watchers_error));
	json_object_object_add(o, "verdict", iv->nwatchers ? jstr(verdict_name(image_view_verdict(iv))) : NULL);
	struct json_object *notes = json_object_new_array();
	for (size_t i = 0; i < iv->notes.n; i++)
		json_object_array_add(notes, jstr(iv->notes.v[i]));
	json_object_object_add(o, "notes", notes);
	struct strvec errs = {0};
	image_view_errors(iv, &errs);
	struct json_object *errors = json_object_new_array();
	for (size_t i = 0; i < errs.n; i++)
		json_object_array_add(errors, jstr(errs.v[i]));
	json_object_object_add(o, "errors", errors);
	strvec_free(&errs);
	json_object_object_add(o, "lock", report_image_lock_json(iv));
	json_object_object_add(o, "contradiction", jstr(contradiction_name(iv->contradiction)));
	clones_json(o, iv);
	return o;
}

/* ---- text ---- */

char *report_image_spec(const struct image_view *iv)
{
	struct ceph_loc at = {.pool = iv->pool, .nspace = iv->nspace, .image = iv->image};
	return ceph_loc_spec(&at);
}

/* Prints a label and a terminal-safe value. */
static void line(FILE *out, const char *indent, const char *label, const char *value)
{
	char *safe = sanitize_terminal(value ? value : "-");
	fprintf(out, "%s%-8s %s\n", indent, label, safe);
	free(safe);
}

static char *nova_text(const struct nova_answer *a)
{
	const struct nova_server *s = &a->server;
	switch (a->state) {
	case NOVA_FOUND:
		return xasprintf("200: %s %s%s%s%s%s", s->name ? s->name : "?",
				 s->status ? s->status : "?", s->host ? " on " : "",
				 s->host ? s->host : "", s->project_id ? ", project " : "",
				 s->project_id ? s->project_id : "");
	case NOVA_GONE:
		return xstrdup("404: no such instance");
	case NOVA_ERROR:
		return xasprintf("no answer: %s", a->error ? a->error : "?");
	default:
		return xasprintf("not asked: %s", a->error ? a->error : "no instance UUID");
	}
}

static void holder_text(FILE *out, const struct holder *h)
{
	char t[64];
	char *what;
	if (h->pid)
		what = xasprintf("%s %s, pid %d%s%s (%s, started %s)", holder_kind_name(h->kind),
				 h->name ? h->name : "?", (int)h->pid, h->host ? " on " : "",
				 h->host ? h->host : "", h->user ? h->user : "?",
				 report_time(h->started, t, sizeof t));
	else
		what = xasprintf("%s %s", holder_kind_name(h->kind), h->name ? h->name : "?");
	line(out, "  ", "holder", what);
	free(what);
	if (h->uuid)
		line(out, "    ", "uuid", h->uuid);
	if (h->display_name)
		line(out, "    ", "nova name", h->display_name);
	if (h->libvirt_uri) {
		char *lv = xasprintf("%s (%s)", h->libvirt_uri, h->libvirt_state ? h->libvirt_state : "?");
		line(out, "    ", "libvirt", lv);
		free(lv);
	}
	if (h->cmdline)
		line(out, "    ", "cmdline", h->cmdline);
	char *nova = nova_text(&h->nova);
	line(out, "    ", "nova", nova);
	free(nova);
	char *v = xasprintf("%s: %s", verdict_name(h->verdict), h->reason ? h->reason : "");
	line(out, "    ", "verdict", v);
	free(v);
	if (h->contradiction)
		line(out, "    ", "conflict", contradiction_name(h->contradiction));
}

static void watcher_text(FILE *out, const struct watcher_view *w)
{
	char *head = xasprintf("%s  client.%llu  cookie %llu", w->address,
			       (unsigned long long)w->client, (unsigned long long)w->cookie);
	line(out, "", "watcher", head);
	free(head);
	char *host = w->host ? xasprintf("%s (%s)", w->host, host_source_name(w->host_source))
			     : xasprintf("? (%s maps to no known host)", w->addr.ip);
	line(out, "  ", "host", host);
	free(host);
	if (w->cephx_user)
		line(out, "  ", "cephx", w->cephx_user);
	if (w->host_note)
		line(out, "  ", "note", w->host_note);
	for (size_t i = 0; i < w->nholders; i++)
		holder_text(out, &w->holders[i]);
	if (w->holders_error)
		line(out, "  ", "note", w->holders_error);
	for (size_t i = 0; i < w->nchecks; i++) {
		const struct source_check *c = &w->checks[i];
		if (c->state == CHECK_OK)
			continue;
		char *what = xasprintf("%s via %s %s (%s)%s%s", check_source_name(c->source),
				       c->via ? c->via : "?", check_state_name(c->state),
				       source_check_reason_name(c), c->detail ? ": " : "",
				       c->detail ? c->detail : "");
		line(out, "  ", "source", what);
		free(what);
	}
	/* With one holder, its verdict line above already gave the reason. */
	char *v = w->nholders == 1 ? xstrdup(verdict_name(w->verdict))
				   : xasprintf("%s: %s", verdict_name(w->verdict),
					       w->reason ? w->reason : "");
	line(out, "  ", "verdict", v);
	free(v);
}

static void cinder_text(FILE *out, const struct image_view *iv)
{
	char *s = NULL;
	switch (iv->cinder_state) {
	case CINDER_FOUND:
		s = xasprintf("%s, %zu attachment%s%s%s", iv->cinder.status ? iv->cinder.status : "?",
			      iv->cinder.natt, iv->cinder.natt == 1 ? "" : "s",
			      iv->cinder.natt ? " to " : "",
			      iv->cinder.natt && iv->cinder.att[0].server_id ? iv->cinder.att[0].server_id : "");
		break;
	case CINDER_GONE:
		s = xstrdup("404: Cinder has no such volume");
		break;
	case CINDER_ERROR:
	case CINDER_NOT_ASKED:
		s = xasprintf("unknown: %s", iv->cinder_error ? iv->cinder_error : "?");
		break;
	default:
		return;
	}
	line(out, "", "cinder", s);
	free(s);
}

/* The parent snapshot, and each clone with whether it is watched. */
static void clones_text(FILE *out, const struct image_view *iv)
{
	if (!iv->clones_known)
		return;
	if (iv->clones.has_parent) {
		char *spec = ceph_clone_ref_spec(&iv->clones.parent);
		line(out, "", "parent", spec);
		free(spec);
	}
	for (size_t i = 0; i < iv->clones.nchildren; i++) {
		const struct ceph_clone_ref *c = &iv->clones.children[i];
		struct ceph_clone_ref head = *c;
		head.snap = NULL;
		char *spec = ceph_clone_ref_spec(&head);
		char *what = c->nwatchers < 0
				     ? xasprintf("%s (from @%s, watchers not known)", spec,
						 c->snap ? c->snap : "?")
				     : xasprintf("%s (from @%s, %d watcher%s%s)", spec,
						 c->snap ? c->snap : "?", c->nwatchers,
						 c->nwatchers == 1 ? "" : "s", c->trash ? ", in trash" : "");
		line(out, "", "child", what);
		free(what);
		free(spec);
	}
}

void report_image_text(FILE *out, const struct image_view *iv)
{
	char sz[32];
	if (iv->volume_uuid)
		line(out, "", "volume", iv->volume_uuid);
	char *spec = report_image_spec(iv);
	char *img = xasprintf("%s  id %s  %s  prefix %s%s", spec,
			      str_empty(iv->info.id) ? "-" : iv->info.id,
			      report_size(iv->info.size, sz, sizeof sz),
			      iv->info.block_name_prefix ? iv->info.block_name_prefix : "?",
			      iv->trashed ? "  (in trash)" : "");
	line(out, "", "image", img);
	free(img);
	free(spec);
	if (iv->trashed) {
		char t1[64], t2[64];
		char *tr = xasprintf("moved there %s (%s), deferred until %s", 
				     report_time(iv->trash.deleted, t1, sizeof t1),
				     ceph_trash_source_name(iv->trash.source),
				     report_time(iv->trash.deferment_end, t2, sizeof t2));
		line(out, "", "trash", tr);
		free(tr);
	}
	if (iv->info.features_str)
		line(out, "", "features", iv->info.features_str);
	clones_text(out, iv);
	cinder_text(out, iv);
	report_lock_text(out, iv);
	for (size_t i = 0; i < iv->nwatchers; i++) {
		fputc('\n', out);
		watcher_text(out, &iv->watchers[i]);
		report_lock_owner_text(out, iv, i);
	}
	if (iv->notes.n)
		fputc('\n', out);
	for (size_t i = 0; i < iv->notes.n; i++) {
		char *safe = sanitize_terminal(iv->notes.v[i]);
		fprintf(out, "! %s\n", safe);
		free(safe);
	}
	struct strvec errs = {0};
	image_view_errors(iv, &errs);
	for (size_t i = 0; i < errs.n; i++) {
		char *safe = sanitize_terminal(errs.v[i]);
		fprintf(out, "! could not know: %s\n", safe);
		free(safe);
	}
	strvec_free(&errs);
}

/* ---- processes ---- */

static struct json_object *disks_json(const struct rbd_refs *d)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < d->n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pool", jstr(d->v[i].pool));
		json_object_object_add(o, "namespace", jstr(d->v[i].nspace));
		json_object_object_add(o, "image", jstr(d->v[i].image));
		json_object_object_add(o, "snapshot", jstr(d->v[i].snap));
		json_object_object_add(o, "user", jstr(d->v[i].user));
		json_object_array_add(a, o);
	}
	return a;
}

/* Kernel-mapped devices a qemu's disks are (dev_id null when the path names
 * the image, which is then in disks too). */
static struct json_object *krbd_json(const struct argv_info *info)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < info->nkrbd; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "path", jstr(info->krbd[i].path));
		json_object_object_add(o, "dev_id", info->krbd[i].dev_id >= 0
							   ? json_object_new_int(info->krbd[i].dev_id)
							   : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/* The spec of an rbd-fuse that exposes a whole pool: "POOL/" or "POOL/NS/"
 * followed by an asterisk (every image); malloc'd. */
static char *whole_pool_spec(const struct rbd_ref *r)
{
	return r->nspace ? xasprintf("%s/%s/*", r->pool, r->nspace) : xasprintf("%s/*", r->pool);
}

struct json_object *report_procs_json(const struct proc_list *l)
{
	char t[64];
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct proc_holder *p = &l->v[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pid", json_object_new_int(p->pid));
		json_object_object_add(o, "kind", jstr(argv_kind_name(p->info.kind)));
		json_object_object_add(o, "user", jstr(p->user));
		json_object_object_add(o, "started", p->started ? jstr(report_time(p->started, t, sizeof t)) : NULL);
		json_object_object_add(o, "name", jstr(p->info.name));
		json_object_object_add(o, "uuid", jstr(p->info.uuid));
		json_object_object_add(o, "disks", disks_json(&p->info.disks));
		json_object_object_add(o, "krbd", krbd_json(&p->info));
		char *whole = p->info.whole_pool.pool ? whole_pool_spec(&p->info.whole_pool) : NULL;
		json_object_object_add(o, "whole_pool", jstr(whole));
		free(whole);
		json_object_object_add(o, "cmdline", jstr(p->cmdline));
		json_object_array_add(a, o);
	}
	return a;
}

void report_procs_text(FILE *out, const struct proc_list *l)
{
	fprintf(out, "%-8s %-8s %-10s %-24s %-36s %s\n", "PID", "KIND", "USER", "NAME", "UUID", "IMAGES");
	for (size_t i = 0; i < l->n; i++) {
		const struct proc_holder *p = &l->v[i];
		struct buf disks = {0};
		for (size_t d = 0; d < p->info.disks.n; d++) {
			char *spec = rbd_ref_spec(&p->info.disks.v[d]);
			buf_printf(&disks, "%s%s", d ? "," : "", spec);
			free(spec);
		}
		if (p->info.whole_pool.pool) {
			char *spec = whole_pool_spec(&p->info.whole_pool);
			buf_printf(&disks, "%s%s", disks.len ? "," : "", spec);
			free(spec);
		}
		for (size_t d = 0; d < p->info.nkrbd; d++)
			if (p->info.krbd[d].dev_id >= 0)
				buf_printf(&disks, "%s%s", disks.len ? "," : "", p->info.krbd[d].path);
		char *row = xasprintf("%-8d %-8s %-10s %-24s %-36s %s", (int)p->pid,
				      argv_kind_name(p->info.kind), p->user ? p->user : "?",
				      p->info.name ? p->info.name : "-", p->info.uuid ? p->info.uuid : "-",
				      disks.p ? disks.p : "");
		char *safe = sanitize_terminal(row);
		fprintf(out, "%s\n", safe);
		free(safe);
		free(row);
		buf_free(&disks);
	}
}
