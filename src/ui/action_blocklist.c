/* action_blocklist.c — the blocklist row of ACTION_INFO: a watcher of the
 * Watchers pane (or the one the Holders pane shows), planned by
 * blocklist_prepare (every image that client watches, its host and cephx
 * user, each watch's verdict), the gate (dead, unreachable or ORPHAN; --force
 * passes the others), the address typed, blocklist_execute (re-check, `osd
 * blocklist add` through the monitors, audit, then the wait for the OSDs' map
 * and for the watch to go), and the watchers looked at again. The command
 * `rbdwho blocklist` runs the same functions. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

bool act_blocklist_open(struct ui *ui, struct dialog_state *d)
{
	bool here = ui->focus == UP_WATCHERS || ui->focus == UP_HOLDERS;
	struct watcher_view *w = here ? ui_selected_watcher(ui) : NULL;
	if (!w) {
		ui_status(ui, true, "select a watcher in the Watchers pane first");
		return false;
	}
	d->t.addr = xstrdup(w->address);
	d->t.host = xstrdup(w->host);
	action_target_image(ui, &d->t);
	return true;
}

int act_blocklist_prepare(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct blocklist_plan *plan = &p->plan.blocklist.plan;
	int rc = blocklist_prepare(w->ch, p->t.addr, BLOCKLIST_DEFAULT_EXPIRE_S, plan, err);
	if (rc < 0)
		blocklist_plan_clear(plan);
	return rc;
}

/* blocklist_check decides (the same checks the act makes again); the words
 * are the dialog's. */
char *act_blocklist_gate(struct ui *ui, const union action_plan *plan)
{
	const struct blocklist_plan *p = &plan->blocklist.plan;
	struct remedy_checks c = {.force = ui->o->force, .confirmation = p->address};
	struct rw_error e = {0};
	if (blocklist_check(p, &c, &e) == 0)
		return NULL;
	if (p->gate == BL_GATE_NO_WATCH)
		return xasprintf("Nothing to fence: %s", p->reason ? p->reason : e.msg);
	return xasprintf("Gate %s: only the client of a dead, unreachable or ORPHAN holder is "
			 "blocklisted here (start rbdwho with --force to allow it).",
			 blocklist_gate_name(p->gate));
}

/* The colour of a gate, as its verdict's. */
static int gate_el(enum blocklist_gate g)
{
	static const enum verdict as[] = {
		[BL_GATE_DEAD] = VERDICT_DEAD_CLIENT, [BL_GATE_UNREACHABLE] = VERDICT_UNKNOWN,
		[BL_GATE_ORPHAN] = VERDICT_ORPHAN,    [BL_GATE_ATTACHED] = VERDICT_ATTACHED,
		[BL_GATE_UNKNOWN] = VERDICT_UNKNOWN,  [BL_GATE_NO_WATCH] = VERDICT_UNKNOWN,
	};
	return ui_verdict_el(as[g]);
}

/* Every image the client watches: a blocklist cuts them all. */
static void watches_facts(const struct blocklist_plan *p, struct detail_lines *l)
{
	for (size_t i = 0; i < p->nwatches; i++) {
		const struct blocklist_watch *w = &p->watches[i];
		detail_add(l, ui_verdict_el(w->verdict), i ? "" : "watches", "%s/%s  %s%s%s%s",
			   w->pool, w->image, verdict_name(w->verdict), w->holder ? "  " : "",
			   w->holder ? w->holder : "", w->not_checked ? "  (host not checked)" : "");
	}
	if (!p->nwatches)
		detail_add(l, EL_NORMAL, "watches", "no image (looked at every pool)");
	for (size_t i = 0; i < p->pool_errors.n; i++)
		detail_add(l, EL_ERROR, i ? "" : "not seen", "%s", p->pool_errors.v[i]);
}

static void expiry_fact(const struct blocklist_plan *p, struct detail_lines *l)
{
	if (p->already)
		detail_add(l, EL_NORMAL, "expiry", "%u s; already blocklisted until %s: adding it "
			   "again renews the entry", p->expire_s, p->already_until ? p->already_until : "?");
	else if (p->expire_s == BLOCKLIST_DEFAULT_EXPIRE_S)
		detail_add(l, EL_NORMAL, "expiry", "1 h (%u s, Ceph's default); u in the fences view "
			   "(F) removes it sooner", p->expire_s);
	else
		detail_add(l, EL_NORMAL, "expiry", "%u s", p->expire_s);
}

void act_blocklist_facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l)
{
	const struct blocklist_plan *p = d->have_plan ? &d->plan.blocklist.plan : NULL;
	detail_add(l, EL_NORMAL, "address", "%s", p && p->address ? p->address : d->t.addr);
	if (!p) {
		detail_add(l, EL_NORMAL, "host", "%s", d->t.host ? d->t.host : "…");
		return;
	}
	if (p->client)
		detail_add(l, EL_NORMAL, "client", "client.%" PRIu64, p->client);
	else
		detail_add(l, EL_NORMAL, "client", "- (it watches nothing now)");
	detail_add(l, EL_NORMAL, "cephx", "%s", p->cephx_user ? p->cephx_user
					      : "unknown (no monitor session matched)");
	detail_add(l, EL_NORMAL, "host", "%s (%s)%s%s", p->host ? p->host : "unknown",
		   host_source_name(p->host_source), p->host_note ? "; " : "",
		   p->host_note ? p->host_note : "");
	watches_facts(p, l);
	expiry_fact(p, l);
	detail_add(l, gate_el(p->gate), "gate", "%s: %s", blocklist_gate_name(p->gate),
		   p->reason ? p->reason : "");
}

const char *act_blocklist_typed(const union action_plan *plan)
{
	return plan->blocklist.plan.address;
}

int act_blocklist_execute(struct work *w, struct pl_action *p, struct rw_error *err)
{
	struct remedy_checks c = {
		.read_only = w->o->read_only, .force = w->o->force, .confirmation = p->confirm,
	};
	return blocklist_execute(w->ch, &p->plan.blocklist.plan, &c, &p->plan.blocklist.res, err);
}

char *act_blocklist_manual(const union action_plan *plan)
{
	char *add = blocklist_manual_command(&plan->blocklist.plan);
	char *rm = blocklist_manual_rm_command(plan->blocklist.plan.address);
	char *t = xasprintf("%s\n%s   # the undo", add, rm);
	free(add);
	free(rm);
	return t;
}

/* What followed the act: the OSDs' map, then the watch, in words. */
static char *result_words(const struct blocklist_result *r)
{
	struct buf b = {0};
	if (r->watch_gone)
		buf_printf(&b, "The watch is gone");
	else
		for (size_t i = 0; i < r->still_watched.n; i++)
			buf_printf(&b, "%s%s", i ? ", " : "Still watched when the wait ended: ",
				   r->still_watched.v[i]);
	if (r->map_seen)
		buf_printf(&b, " (every OSD has map e%" PRIu64 ").", r->epoch);
	else
		buf_printf(&b, " (%s).", r->map_note ? r->map_note : "OSD map not confirmed");
	return b.p ? b.p : xstrdup("");
}

char *act_blocklist_done(struct ui *ui, struct dialog_state *d)
{
	char *words = d->have_plan ? result_words(&d->plan.blocklist.res) : xstrdup("");
	free(ui->after_destroy_addr);
	ui->after_destroy_addr = xstrdup(d->t.addr);
	ui->focus = UP_WATCHERS;
	ui_refresh_image(ui);
	char *t = xasprintf("%s%s", words, d->t.volume ? " X deletes the volume once nothing "
							 "holds it." : "");
	free(words);
	return t;
}

void act_blocklist_free(union action_plan *plan)
{
	blocklist_plan_clear(&plan->blocklist.plan);
	blocklist_result_clear(&plan->blocklist.res);
}
