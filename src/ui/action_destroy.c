/* action_destroy.c — the destroy and stop-qemu rows of ACTION_INFO: a
 * holder of the Holders pane, planned by destroy_prepare (libvirt re-read,
 * Nova asked fresh), ORPHAN only unless --force, the domain's (or qemu's)
 * name typed, destroy_execute (re-check, act, audit), then the watchers
 * looked at again. The command `rbdwho destroy` runs the same functions. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

bool act_destroy_open(struct ui *ui, struct dialog_state *d)
{
	struct holder *h = ui->focus == UP_HOLDERS ? ui_selected_holder(ui) : NULL;
	if (!h) {
		ui_status(ui, true, "select a holder in the Holders pane first");
		return false;
	}
	/* a plain qemu is stopped too (destroy.c re-reads its argv, uid and start
	 * time first); other processes and kernel mappings are not VMs to stop */
	if (h->kind != HOLDER_DOMAIN && !(h->kind == HOLDER_QEMU && (h->uuid || h->name))) {
		ui_status(ui, true, "this holder is a %s, not a libvirt domain or a qemu: "
			  "rbdwho will not kill it", holder_kind_name(h->kind));
		return false;
	}
	d->act = h->kind == HOLDER_QEMU ? ACT_STOP_QEMU : ACT_DESTROY;
	d->t.name = xstrdup(h->name);
	d->t.uuid = xstrdup(h->uuid);
	d->t.host = xstrdup(h->host);
	d->t.addr = xstrdup(ui->cur_watcher);
	action_target_image(ui, &d->t);
	return true;
}

int act_destroy_prepare(struct work *w, struct pl_action *p, struct rw_error *err)
{
	const struct action_target *t = &p->t;
	int rc = destroy_prepare(w->ch, t->uuid ? t->uuid : t->name, t->host, &p->plan.destroy, err);
	if (rc < 0) {
		destroy_plan_clear(&p->plan.destroy);
		return rc;
	}
	/* libvirt does not know it, a process on the host is it: stop-qemu */
	p->act = p->plan.destroy.process ? ACT_STOP_QEMU : ACT_DESTROY;
	return 0;
}

char *act_destroy_gate(struct ui *ui, const union action_plan *plan)
{
	const struct destroy_plan *p = &plan->destroy;
	if (p->verdict == VERDICT_ORPHAN || ui->o->force)
		return NULL;
	return xasprintf("Verdict %s: only ORPHAN holders can be destroyed here "
			 "(start rbdwho with --force to allow it).", verdict_name(p->verdict));
}

static const char *nz(const char *s, const char *none)
{
	return s ? s : none;
}

/* What the operator must see before typing the name: the domain, where it
 * runs, what it holds, and Nova's answer of this very moment. Without a plan
 * (preparing, or away on the worker) only what the holder row said. */
void act_destroy_facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l)
{
	const struct destroy_plan *p = d->have_plan ? &d->plan.destroy : NULL;
	bool proc = p ? p->process : d->act == ACT_STOP_QEMU;
	detail_add(l, EL_NORMAL, proc ? "qemu" : "domain", "%s", nz(p ? p->name : d->t.name, ""));
	detail_add(l, EL_NORMAL, "uuid", "%s", nz(p ? p->uuid : d->t.uuid, ""));
	detail_add(l, EL_NORMAL, "host", "%s", nz(p ? p->host : d->t.host, ""));
	if (!p)
		detail_add(l, EL_NORMAL, proc ? "process" : "libvirt", "…");
	else if (p->process)
		detail_add(l, EL_NORMAL, "process", "pid %ld on %s, not managed by libvirt", p->pid,
			   nz(p->host, "?"));
	else
		detail_add(l, EL_NORMAL, "libvirt", "%s  (%s)", nz(p->uri, ""), nz(p->state, "?"));
	struct buf vols = {0};
	for (size_t i = 0; p && i < p->volumes.n; i++)
		buf_printf(&vols, "%s%s", i ? ", " : "", p->volumes.v[i]);
	detail_add(l, EL_NORMAL, "volumes", "%s", vols.p ? vols.p : (p ? "none" : "…"));
	buf_free(&vols);
	if (!p)
		return;
	detail_add(l, EL_NORMAL, "nova", "%s (asked just now)%s%s", ui_nova_label(p->nova.state),
		   p->nova.error ? ": " : "", nz(p->nova.error, ""));
	detail_add(l, ui_verdict_el(p->verdict), "verdict", "%s: %s", verdict_name(p->verdict),
		   nz(p->reason, ""));
}

const char *act_destroy_typed(const union action_plan *plan)
{
	return plan->destroy.name;
}

int act_destroy_execute(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct destroy_checks checks = {
		.read_only = w->o->read_only, .force = w->o->force, .confirmation = p->confirm,
	};
	return destroy_execute(w->ch, &p->plan.destroy, &checks, err);
}

char *act_destroy_manual(const union action_plan *plan)
{
	return destroy_manual_command(&plan->destroy);
}

/* The watch goes once the client is gone: look at the watchers again (ui.c
 * says whether the address is still there), and offer the next step. */
char *act_destroy_done(struct ui *ui, struct dialog_state *d)
{
	free(ui->after_destroy_addr);
	ui->after_destroy_addr = xstrdup(d->t.addr);
	ui->focus = UP_WATCHERS;
	ui_refresh_image(ui);
	return xstrdup(d->t.volume ? "Looking at the watchers again… X deletes the volume once "
				     "nothing holds it."
				   : "Looking at the watchers again…");
}

void act_destroy_free(union action_plan *plan)
{
	destroy_plan_clear(&plan->destroy);
}
