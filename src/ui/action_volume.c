/* action_volume.c — the delete-volume row of ACTION_INFO: the image on
 * screen (or the one a destroy or a blocklist just freed), planned by
 * delete_volume_prepare (Cinder's record and the Ceph watchers, fresh), the
 * gate (available, no attachment, no watcher), the volume UUID typed,
 * delete_volume_execute (re-check, DELETE through Cinder, poll until Cinder
 * has it no more, audit), and the images pane looked at again. The command
 * `rbdwho delete-volume` runs the same functions. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

/* After a successful destroy or blocklist, X goes on with what it freed. */
static bool open_from_dialog(struct ui *ui, struct dialog_state *d)
{
	const struct action_target *from = &ui->dlg.t;
	if (!from->volume) {
		ui_status(ui, true, "%s is not a Cinder volume (volume-UUID): nothing to delete",
			  from->image ? from->image : "this image");
		return false;
	}
	d->t.pool = xstrdup(from->pool);
	d->t.image = xstrdup(from->image);
	d->t.volume = xstrdup(from->volume);
	return true;
}

bool act_volume_open(struct ui *ui, struct dialog_state *d)
{
	if (ui->mode == MODE_DIALOG && ui->dlg.ok)
		return open_from_dialog(ui, d);
	const char *sel = ui->focus >= UP_IMAGES ? pane_selected_key(&ui->panes[UP_IMAGES]) : NULL;
	const struct image_view *iv = ui->iv;
	if (!sel) {
		ui_status(ui, true, "select an image in the Images pane first");
		return false;
	}
	if (!ui_image_view_is(iv, sel)) {
		ui_status(ui, true, "the selected image is still loading: try again in a moment");
		return false;
	}
	/* Cinder's volume of that UUID is not this trash entry: a directory
	 * image may have its name now */
	if (iv->trashed) {
		ui_status(ui, true, "trashed image (id %s): its volume UUID may name another image "
			  "now; not deleted through Cinder", iv->trash.id);
		return false;
	}
	if (!iv->volume_uuid) {
		ui_status(ui, true, "%s is not a Cinder volume (volume-UUID): nothing to delete",
			  iv->chain_name);
		return false;
	}
	/* the dialog asks Cinder again; this only spares a dialog that cannot pass */
	const char *st = iv->cinder_state == CINDER_FOUND ? iv->cinder.status : NULL;
	if (!st || strcmp(st, "available") != 0) {
		ui_status(ui, true, "Cinder says %s: only an available volume is deleted here",
			  st ? st : iv->cinder_state == CINDER_GONE ? "it has no such volume (404)"
								   : "nothing (not asked or no answer)");
		return false;
	}
	action_target_image(ui, &d->t);
	return true;
}

int act_volume_prepare(struct work *w, struct pl_action *p, struct rw_error *err)
{
	int rc = delete_volume_prepare(w->ch, p->t.volume, &p->plan.volume.plan, err);
	if (rc < 0)
		delete_volume_plan_clear(&p->plan.volume.plan);
	return rc;
}

char *act_volume_gate(struct ui *ui, const union action_plan *plan)
{
	struct rw_error why = {0};
	int rc = delete_volume_gate(&plan->volume.plan, &why);
	if (rc == 0)
		return NULL;
	return xasprintf(rc == -EPERM ? "Refused: %s" : "Cannot tell, so refused: %s", why.msg);
}

static char *joined(const struct strvec *v, const char *none)
{
	struct buf b = {0};
	for (size_t i = 0; i < v->n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", v->v[i]);
	return b.p ? b.p : xstrdup(none);
}

/* Cinder's answer of this moment. */
static void cinder_fact(const struct delete_volume_plan *p, struct detail_lines *l)
{
	switch (p->cinder) {
	case DV_CINDER_FOUND:
		detail_add(l, EL_NORMAL, "cinder", "%s (asked just now)%s%s", p->status ? p->status : "?",
			   p->backend ? "  on " : "", p->backend ? p->backend : "");
		break;
	case DV_CINDER_GONE:
		detail_add(l, EL_ERROR, "cinder", "404: Cinder has no such volume");
		break;
	default:
		detail_add(l, EL_ERROR, "cinder", "no answer: %s", p->cinder_error ? p->cinder_error : "?");
	}
}

void act_volume_facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l)
{
	const struct delete_volume_plan *p = d->have_plan ? &d->plan.volume.plan : NULL;
	const char *name = p && p->name && *p->name ? p->name : NULL;
	detail_add(l, EL_NORMAL, "volume", "%s%s%s%s", p && p->volume ? p->volume : d->t.volume,
		   name ? " (" : "", name ? name : "", name ? ")" : "");
	if (!p) {
		detail_add(l, EL_NORMAL, "image", "%s/%s", d->t.pool ? d->t.pool : "?",
			   d->t.image ? d->t.image : "?");
		return;
	}
	cinder_fact(p, l);
	char *t = joined(&p->attachments, "none");
	detail_add(l, p->attachments.n ? EL_ERROR : EL_NORMAL, "attached", "%s", t);
	free(t);
	t = joined(&p->images, "no image of it in any pool");
	detail_add(l, EL_NORMAL, "images", "%s", t);
	free(t);
	t = joined(&p->watchers, "none (asked just now)");
	detail_add(l, p->watchers.n ? EL_ERROR : EL_NORMAL, "watchers", "%s", t);
	free(t);
	if (p->ceph_error)
		detail_add(l, EL_ERROR, "ceph", "%s", p->ceph_error);
	detail_add(l, p->gate == 0 ? EL_NORMAL : EL_ERROR, "gate", "%s: %s",
		   p->gate == 0 ? "allowed" : "refused", p->reason ? p->reason : "");
}

const char *act_volume_typed(const union action_plan *plan)
{
	return plan->volume.plan.volume;
}

int act_volume_execute(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct delete_volume_checks c = {
		.read_only = w->o->read_only, .confirmation = p->confirm, .wait_ms = 0,
	};
	return delete_volume_execute(w->ch, &p->plan.volume.plan, &c, &p->plan.volume.res, err);
}

char *act_volume_manual(const union action_plan *plan)
{
	return delete_volume_manual_command(&plan->volume.plan);
}

/* Cinder's driver removes the RBD image with the volume: the images pane
 * asked again shows it gone. */
char *act_volume_done(struct ui *ui, struct dialog_state *d)
{
	ui->focus = UP_IMAGES;
	images_reload(ui);
	return xstrdup("Cinder no longer has it; the images pane is asked again.");
}

void act_volume_free(union action_plan *plan)
{
	delete_volume_plan_clear(&plan->volume.plan);
	delete_volume_result_clear(&plan->volume.res);
}
