/* chain_contra.c — contradictions between OpenStack's word and what runs
 * (contradiction.h), as the chain judges them: a holder Nova places elsewhere
 * or calls stopped/shelved, two qemus with one instance UUID, Cinder's in-use
 * volume that nothing watches, a process with the image open and no watch.
 * Each becomes a CONFLICT verdict or an image-level contradiction, always with
 * a note naming it; none is an ORPHAN, so destroy refuses without --force. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbdwho/util.h"
#include "chain_internal.h"

static char *conflict_reason(const struct holder *h, enum contradiction c)
{
	const struct nova_server *s = &h->nova.server;
	const char *name = s->name ? s->name : "?", *status = s->status ? s->status : "?";
	const char *here = h->host ? h->host : "?";
	if (c == CONTRA_NOVA_ELSEWHERE)
		return xasprintf("%s: Nova places instance %s (%s, %s) on %s%s%s%s, but its qemu "
				 "runs on %s",
				 contradiction_sentence(c), h->uuid, name, status, s->host,
				 s->hypervisor_hostname ? " (hypervisor " : "",
				 s->hypervisor_hostname ? s->hypervisor_hostname : "",
				 s->hypervisor_hostname ? ")" : "", here);
	return xasprintf("%s: Nova says instance %s (%s) is %s (vm_state %s), yet its qemu runs "
			 "on %s",
			 contradiction_sentence(c), h->uuid, name, status,
			 s->vm_state ? s->vm_state : "?", here);
}

bool chain_judge_contradiction(struct holder *h)
{
	enum contradiction c = contradiction_of_server(&h->nova.server, h->host);
	if (c == CONTRA_NONE)
		return false;
	h->verdict = VERDICT_CONFLICT;
	h->contradiction = c;
	free(h->reason);
	h->reason = conflict_reason(h, c);
	return true;
}

static bool same_instance(const struct holder *a, const struct holder *b)
{
	return a->pid && b->pid && a->pid != b->pid && a->uuid && b->uuid &&
	       strcasecmp(a->uuid, b->uuid) == 0 && a->host && b->host &&
	       strcmp(a->host, b->host) == 0;
}

static void mark_duplicate(struct holder *h, const struct holder *other)
{
	char *was = h->reason;
	h->reason = xasprintf("%s: pids %d and %d on %s carry instance UUID %s, so which one is "
			      "Nova's instance cannot be told (alone, this one would be %s: %s)",
			      contradiction_sentence(CONTRA_DUPLICATE_QEMU), (int)h->pid,
			      (int)other->pid, h->host, h->uuid, verdict_name(h->verdict),
			      was ? was : "?");
	free(was);
	h->verdict = VERDICT_CONFLICT;
	h->contradiction = CONTRA_DUPLICATE_QEMU;
}

void chain_mark_duplicates(struct watcher_view *w)
{
	for (size_t i = 0; i < w->nholders; i++)
		for (size_t j = 0; j < w->nholders; j++)
			if (w->holders[i].contradiction != CONTRA_DUPLICATE_QEMU &&
			    same_instance(&w->holders[i], &w->holders[j])) {
				mark_duplicate(&w->holders[i], &w->holders[j]);
				break;
			}
}

static void note_once(struct image_view *iv, char *note)
{
	if (strvec_contains(&iv->notes, note))
		free(note);
	else
		strvec_push_owned(&iv->notes, note);
}

/* One note per contradicting holder; the image takes the first kind found. */
static void holder_notes(struct image_view *iv)
{
	for (size_t i = 0; i < iv->nwatchers; i++)
		for (size_t j = 0; j < iv->watchers[i].nholders; j++) {
			const struct holder *h = &iv->watchers[i].holders[j];
			if (h->contradiction == CONTRA_NONE)
				continue;
			if (iv->contradiction == CONTRA_NONE)
				iv->contradiction = h->contradiction;
			note_once(iv, xasprintf("Contradiction (%s): %s %s on %s: %s. Not an orphan: "
						"Nova still knows the instance; `rbdwho destroy` "
						"refuses it without --force.",
						contradiction_name(h->contradiction),
						holder_kind_name(h->kind), h->name ? h->name : "?",
						h->host ? h->host : "?", h->reason ? h->reason : ""));
		}
}

static bool cinder_in_use(const struct image_view *iv)
{
	return iv->cinder_state == CINDER_FOUND && iv->cinder.natt > 0 && iv->cinder.status &&
	       strcasecmp(iv->cinder.status, "in-use") == 0;
}

static void cinder_note(struct image_view *iv)
{
	const struct cinder_attachment *a = &iv->cinder.att[0];
	if (iv->contradiction == CONTRA_NONE)
		iv->contradiction = CONTRA_CINDER_UNWATCHED;
	note_once(iv, xasprintf("Contradiction (%s): %s: Cinder says volume %s is in-use, attached "
				"to server %s%s%s, yet Ceph lists no watcher (a stale attachment, "
				"or a client whose watch is gone).",
				contradiction_name(CONTRA_CINDER_UNWATCHED),
				contradiction_sentence(CONTRA_CINDER_UNWATCHED), iv->volume_uuid,
				a->server_id ? a->server_id : "?", a->host_name ? " on " : "",
				a->host_name ? a->host_name : ""));
}

/* The processes on host naming the image, through the same code a watcher's
 * holders are found with (local: /proc; remote: ssh). */
static void look_on_host(struct chain *ch, struct image_view *iv, const char *host)
{
	/* a watcher of its own image_view, so that image_view_free frees all of it */
	struct image_view *tmp = xcalloc(1, sizeof *tmp);
	tmp->watchers = xcalloc(1, sizeof *tmp->watchers);
	tmp->nwatchers = 1;
	struct watcher_view *w = &tmp->watchers[0];
	w->host = xstrdup(host);
	if (strcmp(host, ch->local_host) == 0)
		chain_add_local_holders(ch, iv, w);
	else
		chain_add_remote_holders(ch, iv, w);
	if (w->holders_error)  /* said, so "no such process" is never read from a failure */
		note_once(iv, xasprintf("Could not look on %s for a process that still has the image "
					"open: %s.", host, w->holders_error));
	for (size_t i = 0; i < w->nholders; i++) {
		const struct holder *h = &w->holders[i];
		if (h->kind == HOLDER_KRBD || !h->pid)
			continue;
		iv->contradiction = CONTRA_UNWATCHED_PROCESS;
		note_once(iv, xasprintf("Contradiction (%s): a %s on %s (%s, pid %d) still has the "
					"image open, but Ceph lists no watcher: its client may be "
					"blocklisted (`ceph osd blocklist ls`).",
					contradiction_name(CONTRA_UNWATCHED_PROCESS),
					holder_kind_name(h->kind), host, h->name ? h->name : "?",
					(int)h->pid));
	}
	image_view_free(tmp);
}

/* Where a process may still hold a watcher-less image: here, and the hosts
 * Cinder's attachments name. */
static void unwatched_processes(struct chain *ch, struct image_view *iv)
{
	struct strvec hosts = {0};
	strvec_push(&hosts, ch->local_host);
	for (size_t i = 0; cinder_in_use(iv) && i < iv->cinder.natt; i++) {
		const char *h = iv->cinder.att[i].host_name;
		if (!str_empty(h) && !strvec_contains(&hosts, h) &&
		    !contradiction_hosts_match(h, ch->local_host))
			strvec_push(&hosts, h);
	}
	for (size_t i = 0; i < hosts.n; i++)
		look_on_host(ch, iv, hosts.v[i]);
	strvec_free(&hosts);
}

void chain_image_contradictions(struct chain *ch, struct image_view *iv, bool look_for_processes)
{
	holder_notes(iv);
	if (iv->nwatchers || iv->watchers_error)
		return;
	if (look_for_processes)
		unwatched_processes(ch, iv);
	if (cinder_in_use(iv))
		cinder_note(iv);
}
