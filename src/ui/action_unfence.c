/* action_unfence.c — the unblocklist row of ACTION_INFO, the undo of a
 * blocklist: an entry of the fences view, read again from Ceph's blocklist
 * (prepare), the address typed, blocklist_remove (read-only refused, the
 * entry re-read at the moment of acting, audited), and the view listed
 * again. The command `rbdwho blocklist --rm` runs the same function. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

bool act_unfence_open(struct ui *ui, struct dialog_state *d)
{
	const struct blocklist_fence *f = ui_base_mode(ui) == MODE_FENCES ? fences_selected(ui) : NULL;
	if (!f) {
		ui_status(ui, true, "select an entry in the fences view (F) first");
		return false;
	}
	d->t.addr = xstrdup(f->address);
	d->t.host = xstrdup(f->host);
	return true;
}

static void fence_clear(struct blocklist_fence *f)
{
	char **strs[] = {&f->address, &f->until, &f->who, &f->when, &f->host, &f->images};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	memset(f, 0, sizeof *f);
}

/* The entry as Ceph lists it now (every entry, ours or not). */
int act_unfence_prepare(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct blocklist_fences all;
	int rc = blocklist_list(w->ch, true, &all, err);
	if (rc < 0)
		return rc;
	rc = rw_error_set(err, -ENOENT, "Ceph's blocklist has no entry for %s any more (it "
			  "expired or was removed)", p->t.addr);
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i].address, p->t.addr) == 0) {
			p->plan.fence = all.v[i];  /* moved out: the list frees what is left */
			memset(&all.v[i], 0, sizeof all.v[i]);
			rw_error_clear(err);
			rc = 0;
			break;
		}
	blocklist_fences_free(&all);
	return rc;
}

char *act_unfence_gate(struct ui *ui, const union action_plan *plan)
{
	return NULL;  /* removing a fence needs no verdict: the client only gets its access back */
}

void act_unfence_facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l)
{
	const struct blocklist_fence *f = d->have_plan ? &d->plan.fence : NULL;
	detail_add(l, EL_NORMAL, "address", "%s", f ? f->address : d->t.addr);
	if (!f)
		return;
	detail_add(l, EL_NORMAL, "until", "%s (Ceph's blocklist, read just now)",
		   f->until ? f->until : "?");
	if (f->ours)
		detail_add(l, EL_NORMAL, "made", "by rbdwho: %s at %s, host %s",
			   f->who ? f->who : "?", f->when ? f->when : "?", f->host ? f->host : "?");
	else
		detail_add(l, EL_UNKNOWN, "made", "not by rbdwho (no audit record of it)");
	detail_add(l, EL_NORMAL, "images", "%s", f->images ? f->images : "none recorded");
	detail_add(l, EL_DIM, "after", "the client may connect again and watch these images "
		   "again, if it still runs");
}

const char *act_unfence_typed(const union action_plan *plan)
{
	return plan->fence.address;
}

int act_unfence_execute(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct remedy_checks c = {
		.read_only = w->o->read_only, .force = w->o->force, .confirmation = p->confirm,
	};
	return blocklist_remove(w->ch, p->plan.fence.address, &c, err);
}

char *act_unfence_manual(const union action_plan *plan)
{
	return blocklist_manual_rm_command(plan->fence.address);
}

char *act_unfence_done(struct ui *ui, struct dialog_state *d)
{
	fences_reload(ui);
	return xstrdup("The fences view is listed again.");
}

void act_unfence_free(union action_plan *plan)
{
	fence_clear(&plan->fence);
}
