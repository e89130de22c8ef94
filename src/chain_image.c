/* chain_image.c — an image as the chain sees it: Ceph's facts, Cinder's view,
 * the watchers, and the plain-language notes a find ends with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "rbdwho/volspec.h"
#include "chain_internal.h"

static void holder_clear(struct holder *h)
{
	free(h->name);
	free(h->uuid);
	free(h->display_name);
	free(h->host);
	free(h->libvirt_uri);
	free(h->libvirt_state);
	free(h->user);
	free(h->cmdline);
	nova_server_clear(&h->nova.server);
	free(h->nova.error);
	free(h->reason);
}

static void watcher_view_clear(struct watcher_view *w)
{
	free(w->address);
	free(w->host);
	free(w->cephx_user);
	free(w->host_note);
	free(w->session_doubt);
	free(w->libvirt_uri);
	for (size_t i = 0; i < w->nholders; i++)
		holder_clear(&w->holders[i]);
	free(w->holders);
	free(w->holders_error);
	chain_checks_free(w);
	free(w->reason);
}

void image_view_free(struct image_view *iv)
{
	if (!iv)
		return;
	free(iv->pool);
	free(iv->image);
	free(iv->volume_uuid);
	free(iv->instance_uuid);
	ceph_image_info_clear(&iv->info);
	cinder_volume_clear(&iv->cinder);
	free(iv->cinder_error);
	for (size_t i = 0; i < iv->nwatchers; i++)
		watcher_view_clear(&iv->watchers[i]);
	free(iv->watchers);
	free(iv->watchers_error);
	strvec_free(&iv->notes);
	free(iv->nspace);
	ceph_trash_free_entry(&iv->trash);
	free(iv->chain_name);
	image_lock_clear(&iv->lock);
	ceph_clone_info_clear(&iv->clones);
	free(iv->clones_error);
	free(iv);
}

enum verdict image_view_verdict(const struct image_view *iv)
{
	bool orphan = false, unknown = iv->nwatchers == 0, dead = false, conflict = false;
	for (size_t i = 0; i < iv->nwatchers; i++) {
		orphan |= iv->watchers[i].verdict == VERDICT_ORPHAN;
		conflict |= iv->watchers[i].verdict == VERDICT_CONFLICT;
		unknown |= iv->watchers[i].verdict == VERDICT_UNKNOWN;
		dead |= iv->watchers[i].verdict == VERDICT_DEAD_CLIENT;
	}
	return orphan	  ? VERDICT_ORPHAN
	       : conflict ? VERDICT_CONFLICT
	       : unknown  ? VERDICT_UNKNOWN
	       : dead	 ? VERDICT_DEAD_CLIENT
			 : VERDICT_ATTACHED;
}

static void push_unique(struct strvec *out, char *s)
{
	if (strvec_contains(out, s))
		free(s);
	else
		strvec_push_owned(out, s);
}

void image_view_errors(const struct image_view *iv, struct strvec *out)
{
	if (iv->watchers_error) {
		struct ceph_loc at = {.pool = iv->pool, .nspace = iv->nspace, .image = iv->image};
		char *spec = ceph_loc_spec(&at);
		push_unique(out, xasprintf("watchers of %s: %s", spec, iv->watchers_error));
		free(spec);
	}
	if (iv->cinder_state == CINDER_ERROR)
		push_unique(out, xasprintf("cinder: %s", iv->cinder_error ? iv->cinder_error : "?"));
	if (iv->clones_error)
		push_unique(out, xasprintf("clones: %s", iv->clones_error));
	for (size_t i = 0; i < iv->nwatchers; i++) {
		const struct watcher_view *w = &iv->watchers[i];
		if (w->holders_error)
			push_unique(out, xasprintf("holders on %s: %s", w->host ? w->host : "?",
						   w->holders_error));
		/* a verdict that needed the monitors' word on the client, and lacked it */
		if (w->nholders == 0 && w->procs_checked && !w->holders_error && w->session_doubt)
			push_unique(out, xstrdup(w->session_doubt));
		for (size_t j = 0; j < w->nholders; j++)
			if (w->holders[j].nova.state == NOVA_ERROR)
				push_unique(out, xasprintf("nova: %s", w->holders[j].nova.error
									  ? w->holders[j].nova.error
									  : "?"));
	}
	chain_lock_errors(iv, out);
}

/* Cinder names RBD images volume-<uuid>; Nova's disks are <uuid>_disk[.x]. */
static void uuids_from_name(struct image_view *iv)
{
	iv->volume_uuid = volspec_volume_uuid(iv->image);
	iv->instance_uuid = volspec_instance_uuid(iv->image);
}

static void load_cinder(struct chain *ch, struct image_view *iv)
{
	if (!iv->volume_uuid) {
		iv->cinder_state = CINDER_NOT_A_VOLUME;
		return;
	}
	if (!ch->os) {
		iv->cinder_state = CINDER_NOT_ASKED;
		iv->cinder_error = xstrdup(ch->os_note ? ch->os_note : "OpenStack not configured");
		return;
	}
	struct rw_error err = {0};
	stage_say("asking Cinder about volume %s", iv->volume_uuid);
	int rc = cinder_get_volume(ch->os, iv->volume_uuid, &iv->cinder, &err);
	if (rc == 0)
		iv->cinder_state = CINDER_FOUND;
	else if (rc == -ENOENT)
		iv->cinder_state = CINDER_GONE;
	else {
		iv->cinder_state = CINDER_ERROR;
		iv->cinder_error = xstrdup(err.msg);
	}
}

static void load_watchers(struct chain *ch, struct image_view *iv)
{
	struct ceph_watcher *ws = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	struct ceph_loc at = {iv->pool, iv->nspace, iv->image, iv->trashed ? iv->trash.id : NULL};
	bool ns = iv->nspace && *iv->nspace;
	stage_say("asking Ceph for the watchers of %s/%s%s%s", iv->pool, ns ? iv->nspace : "",
		  ns ? "/" : "", iv->image);
	if (ceph_list_watchers_at(ch->ceph, &at, &ws, &n, &err) < 0) {
		iv->watchers_error = xstrdup(err.msg);
		return;
	}
	iv->watchers = xcalloc(n ? n : 1, sizeof *iv->watchers);
	iv->nwatchers = n;
	for (size_t i = 0; i < n; i++) {
		struct watcher_view *w = &iv->watchers[i];
		w->address = xstrdup(ws[i].address);
		w->client = ws[i].client;
		w->cookie = ws[i].cookie;
		if (parse_watcher_addr(ws[i].address, &w->addr) < 0)
			snprintf(w->addr.ip, sizeof w->addr.ip, "?");
	}
	ceph_watchers_free(ws, n);
}

int chain_load_image(struct chain *ch, const char *pool, const char *image,
		     struct image_view **out, struct rw_error *err)
{
	return chain_load_trashed(ch, pool, image, NULL, out, err);
}

/* The trash entry with that id, then the image through it: by its name the
 * directory's image of the same name would be loaded instead. */
static int load_by_trash_id(struct chain *ch, const struct ceph_loc *at,
			    struct image_view **out, struct rw_error *err)
{
	struct ceph_trash_entry t = {0};
	int rc = chain_trash_lookup(ch, at->pool, at->nspace, at->image, at->trash_id, &t, err);
	if (rc == -ENOENT)
		rc = rw_error_set(err, rc, "no entry %s in the rbd trash of %s%s%s (restored or "
				  "removed since it was listed)", at->trash_id, at->pool,
				  str_empty(at->nspace) ? "" : "/", str_empty(at->nspace) ? "" : at->nspace);
	if (rc == 0)
		rc = chain_load_at(ch, at, &t, out, err);
	ceph_trash_free_entry(&t);
	return rc;
}

int chain_load_trashed(struct chain *ch, const char *pool, const char *image,
		       const char *trash_id, struct image_view **out, struct rw_error *err)
{
	char *ns = NULL, *name = NULL;
	if (volspec_split_ns(image, &ns, &name) < 0)
		return rw_error_set(err, -EINVAL, "'%s' is not IMAGE or NAMESPACE/IMAGE", image);
	struct ceph_loc at = {.pool = pool, .nspace = ns, .image = name, .trash_id = trash_id};
	int rc = trash_id ? load_by_trash_id(ch, &at, out, err) : chain_load_at(ch, &at, NULL, out, err);
	free(ns);
	free(name);
	return rc;
}

/* Ceph's facts of the image at at (by its trash id when trashed). */
static int load_info(struct chain *ch, struct image_view *iv, struct rw_error *err)
{
	struct ceph_loc at = {iv->pool, iv->nspace, iv->image, iv->trashed ? iv->trash.id : NULL};
	int rc = ceph_image_info_at(ch->ceph, &at, &iv->info, err);
	if (rc != -ENOENT || iv->trashed)
		return rc;
	/* not in the directory: moved to the trash (Cinder does so with a busy volume)? */
	struct rw_error e = {0};
	int trc = chain_trash_lookup(ch, iv->pool, iv->nspace, iv->image, NULL, &iv->trash, &e);
	if (trc == -ENOENT)
		return rc;
	if (trc < 0) {
		char *first = xstrdup(err->msg);
		rc = rw_error_set(err, trc, "%s; and its trash: %s", first, e.msg);
		free(first);
		return rc;
	}
	iv->trashed = true;
	rw_error_clear(err);
	at.trash_id = iv->trash.id;
	return ceph_image_info_at(ch->ceph, &at, &iv->info, err);
}

int chain_load_at(struct chain *ch, const struct ceph_loc *at,
		  const struct ceph_trash_entry *trash, struct image_view **out,
		  struct rw_error *err)
{
	struct image_view *iv = xcalloc(1, sizeof *iv);
	iv->pool = xstrdup(at->pool);
	iv->nspace = xstrdup(at->nspace ? at->nspace : "");
	iv->image = xstrdup(at->image);
	iv->chain_name = volspec_join_ns(at->nspace, at->image);
	if (trash) {
		iv->trashed = true;
		ceph_trash_entry_copy(&iv->trash, trash);
	}
	int rc = load_info(ch, iv, err);
	if (rc < 0) {
		image_view_free(iv);
		return rc;
	}
	uuids_from_name(iv);
	load_cinder(ch, iv);
	load_watchers(ch, iv);
	chain_load_lock(ch, iv);
	*out = iv;
	return 0;
}

static void add_notes(struct chain *ch, struct image_view *iv)
{
	size_t nw = iv->nwatchers;
	const char *s = nw == 1 ? "" : "s";
	if (iv->watchers_error)
		strvec_push_owned(&iv->notes, xasprintf("Listing the watchers failed: %s",
							 iv->watchers_error));
	else if (nw == 0 && (iv->contradiction == CONTRA_UNWATCHED_PROCESS ||
			     (iv->clones_known && ceph_clone_held_children(&iv->clones))))
		strvec_push(&iv->notes, "No watchers: Ceph lists no client with this image open.");
	else if (nw == 0)
		strvec_push(&iv->notes, "No watchers: nothing holds this image open.");
	if (iv->trashed && nw > 0)
		strvec_push_owned(&iv->notes,
				  xasprintf("The image is in the rbd trash (id %s), yet still held: "
					    "`rbd trash rm` fails until its watchers are gone.",
					    iv->trash.id));
	if (iv->cinder_state == CINDER_FOUND && iv->cinder.natt == 0 && nw > 0)
		strvec_push_owned(&iv->notes,
				  xasprintf("Cinder reports no attachments, but Ceph lists %zu watcher%s.",
					    nw, s));
	if (iv->cinder_state == CINDER_GONE && nw > 0)
		strvec_push_owned(&iv->notes,
				  xasprintf("Cinder has no volume %s, but Ceph lists %zu watcher%s.",
					    iv->volume_uuid, nw, s));
	for (size_t i = 0; i < nw; i++) {
		const struct watcher_view *w = &iv->watchers[i];
		if (w->verdict == VERDICT_DEAD_CLIENT)
			strvec_push_owned(&iv->notes,
					  xasprintf("Watcher %s is a dead client: nothing to destroy; the "
						    "OSD drops its watch within osd_client_watch_timeout "
						    "(~30 s), or `ceph osd blocklist add %s` removes it now.",
						    w->address, w->address));
		for (size_t j = 0; j < w->nholders; j++) {
			const struct holder *h = &w->holders[j];
			if (h->verdict == VERDICT_ORPHAN && h->kind == HOLDER_DOMAIN)
				strvec_push_owned(&iv->notes,
						  xasprintf("%s on %s is an orphan; `rbdwho destroy %s "
							    "--host %s` stops it.",
							    h->name, h->host, h->name, h->host));
			else if (h->verdict == VERDICT_ORPHAN)
				strvec_push_owned(&iv->notes,
						  xasprintf("%s (pid %d) on %s is an orphan qemu that "
							    "libvirt does not manage.",
							    h->name, (int)h->pid, h->host));
		}
	}
	if (!ch->os && nw > 0)
		strvec_push_owned(&iv->notes, xasprintf("Verdicts stay UNKNOWN: %s.",
							 ch->os_note ? ch->os_note : "no OpenStack"));
	chain_lock_notes(iv);
}

int chain_find_image(struct chain *ch, const char *pool, const char *image,
		     struct image_view **out, struct rw_error *err)
{
	int rc = chain_load_image(ch, pool, image, out, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < (*out)->nwatchers; i++)
		chain_resolve_watcher(ch, *out, &(*out)->watchers[i]);
	chain_load_clones(ch, *out);
	chain_image_contradictions(ch, *out, true);
	add_notes(ch, *out);
	chain_clone_notes(*out);
	return 0;
}

int chain_find(struct chain *ch, const char *spec, struct image_view **out,
	       struct rw_error *err)
{
	char *pool = NULL, *image = NULL;
	int rc = chain_locate(ch, spec, &pool, &image, err);
	if (rc == 0)
		rc = chain_find_image(ch, pool, image, out, err);
	free(pool);
	free(image);
	return rc;
}

void chain_add_notes(struct chain *ch, struct image_view *iv)
{
	chain_image_contradictions(ch, iv, false);
	add_notes(ch, iv);
}
