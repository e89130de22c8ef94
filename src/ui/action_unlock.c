/* action_unlock.c — the unlock row of ACTION_INFO: the image on screen, its
 * lockers, watchers and the OSD blocklist read fresh (unlock_prepare), the
 * gate (only a stale or blocklisted lock; a live owner's never), POOL/IMAGE
 * typed, unlock_execute (re-read at the moment of acting, rbd_break_lock,
 * audit), and the image looked at again. The command `rbdwho unlock` runs
 * the same functions. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

bool act_unlock_open(struct ui *ui, struct dialog_state *d)
{
	const char *sel = ui->focus >= UP_IMAGES ? pane_selected_key(&ui->panes[UP_IMAGES]) : NULL;
	if (!sel) {
		ui_status(ui, true, "select an image in the Images pane first");
		return false;
	}
	if (!ui_image_view_is(ui->iv, sel)) {
		ui_status(ui, true, "the selected image is still loading: try again in a moment");
		return false;
	}
	/* unlock opens POOL/IMAGE by name, which may now be another image's */
	if (ui->iv->trashed) {
		ui_status(ui, true, "trashed image (id %s): unlock opens by name, maybe another "
			  "image's; `rbd trash restore` first", ui->iv->trash.id);
		return false;
	}
	action_target_image(ui, &d->t);
	return true;
}

int act_unlock_prepare(struct work *w, struct pl_action *p, struct rw_error *err)
{
	char *spec = xasprintf("%s/%s", p->t.pool, p->t.image);
	int rc = unlock_prepare(w->ch, spec, &p->plan.unlock.plan, err);
	free(spec);
	if (rc < 0) {
		unlock_plan_clear(&p->plan.unlock.plan);
		return rc;
	}
	p->plan.unlock.spec = unlock_spec(&p->plan.unlock.plan);
	return 0;
}

/* The checks of the command, with the confirmation taken as given: what
 * refuses before anything is typed. */
char *act_unlock_gate(struct ui *ui, const union action_plan *plan)
{
	struct remedy_checks c = {
		.read_only = ui->o->read_only, .force = ui->o->force,
		.confirmation = plan->unlock.spec,
	};
	struct rw_error why = {0};
	if (unlock_check(&plan->unlock.plan, &c, NULL, &why) == 0)
		return NULL;
	return xasprintf("Refused: %s", why.msg);
}

void act_unlock_facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l)
{
	const struct unlock_plan *p = d->have_plan ? &d->plan.unlock.plan : NULL;
	detail_add(l, EL_NORMAL, "image", "%s/%s", d->t.pool ? d->t.pool : "?",
		   d->t.image ? d->t.image : "?");
	if (!p)
		return;
	const struct image_lock *k = &p->lock;
	detail_add(l, k->state == LOCK_STALE || k->state == LOCK_BLOCKLISTED ? EL_NORMAL : EL_ERROR,
		   "lock", "%s: %s (read just now)", lock_state_name(k->state),
		   lock_state_meaning(k->state));
	for (size_t i = 0; i < k->raw.n; i++)
		detail_add(l, EL_NORMAL, "locker", "%s '%s' at %s", k->raw.lockers[i].entity,
			   k->raw.lockers[i].cookie, k->raw.lockers[i].address);
	detail_add(l, EL_NORMAL, "watchers", "%zu (read just now)", p->nwatchers);
	if (k->blocklist_error)
		detail_add(l, EL_ERROR, "blocklist", "%s", k->blocklist_error);
	detail_add(l, EL_DIM, "after", "librbd blocklists the locker's address too, so a client "
		   "thought dead cannot write again");
}

const char *act_unlock_typed(const union action_plan *plan)
{
	return plan->unlock.spec;
}

int act_unlock_execute(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct remedy_checks c = {
		.read_only = w->o->read_only, .force = w->o->force, .confirmation = p->confirm,
	};
	return unlock_execute(w->ch, &p->plan.unlock.plan, &c, err);
}

char *act_unlock_manual(const union action_plan *plan)
{
	return unlock_manual_command(&plan->unlock.plan);
}

char *act_unlock_done(struct ui *ui, struct dialog_state *d)
{
	ui_refresh_image(ui);
	return xstrdup("The image is looked at again: its lock and watchers.");
}

void act_unlock_free(union action_plan *plan)
{
	unlock_plan_clear(&plan->unlock.plan);
	free(plan->unlock.spec);
	plan->unlock.spec = NULL;
}
