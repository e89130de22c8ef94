/* dialog.c — the destroy dialog mode: a fresh answer from libvirt and Nova,
 * the domain name typed to confirm, the destroy on a worker, the outcome. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

void dialog_clear(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	if (d->have_plan)
		destroy_plan_clear(&d->plan);
	free(d->domain);
	free(d->uuid);
	free(d->host);
	free(d->message);
	free(d->watched_addr);
	memset(d, 0, sizeof *d);
}

void dialog_open_destroy(struct ui *ui)
{
	if (ui->o->read_only) {
		ui_status(ui, true, "read-only mode: destroy is not available");
		return;
	}
	struct holder *h = ui->focus == UP_HOLDERS ? ui_selected_holder(ui) : NULL;
	if (!h) {
		ui_status(ui, true, "select a holder in the Holders pane first");
		return;
	}
	/* a plain qemu is stopped too (destroy.c re-reads its argv, uid and start
	 * time first); other processes and kernel mappings are not VMs to stop */
	if (h->kind != HOLDER_DOMAIN && !(h->kind == HOLDER_QEMU && (h->uuid || h->name))) {
		ui_status(ui, true, "this holder is a %s, not a libvirt domain or a qemu: "
			  "rbdwho will not kill it", holder_kind_name(h->kind));
		return;
	}
	dialog_clear(ui);
	struct dialog_state *d = &ui->dlg;
	d->domain = xstrdup(h->name);
	d->uuid = xstrdup(h->uuid);
	d->host = xstrdup(h->host);
	d->watched_addr = xstrdup(ui->cur_watcher);
	d->stage = DLG_PREPARING;
	ui_set_mode(ui, MODE_DIALOG);
	ui->prompt_len = 0;
	ui->prompt[0] = '\0';
	atomic_fetch_add(&ui->gen[GEN_DIALOG], 1);
	struct job *j = work_job(ui, JOB_PREPARE);
	work_of(j)->u.destroy.domain = xstrdup(h->uuid ? h->uuid : h->name);
	work_of(j)->u.destroy.host = xstrdup(h->host);
	jobs_submit(ui->js, j);
}

static void dialog_close(struct ui *ui)
{
	atomic_fetch_add(&ui->gen[GEN_DIALOG], 1);
	ui->mode = ui->prev_mode;
}

void dialog_merge_prepare(struct ui *ui, struct job *j)
{
	struct dialog_state *d = &ui->dlg;
	struct pl_destroy *w = &work_of(j)->u.destroy;
	if (j->rc < 0) {
		d->stage = DLG_DONE;
		d->message = xasprintf("cannot prepare the destroy: %s", j->err.msg);
		return;
	}
	d->plan = w->plan;
	d->have_plan = true;
	w->have_plan = false;
	if (d->plan.verdict != VERDICT_ORPHAN && !ui->o->force) {
		d->stage = DLG_REFUSED;
		d->message = xasprintf("Verdict %s: only ORPHAN holders can be destroyed here "
				       "(start rbdwho with --force to allow it).",
				       verdict_name(d->plan.verdict));
	} else {
		d->stage = DLG_READY;
	}
}

void dialog_merge_destroy(struct ui *ui, struct job *j)
{
	struct dialog_state *d = &ui->dlg;
	struct pl_destroy *w = &work_of(j)->u.destroy;
	/* The plan went out with the job: take it back, the outcome shows it. */
	if (w->have_plan && !d->have_plan) {
		d->plan = w->plan;
		d->have_plan = true;
		w->have_plan = false;
		memset(&w->plan, 0, sizeof w->plan);
	}
	d->stage = DLG_DONE;
	d->ok = j->rc == 0;
	if (d->ok) {
		d->message = xasprintf("Destroyed %s. Looking at the watchers again…", d->domain);
		free(ui->after_destroy_addr);
		ui->after_destroy_addr = xstrdup(d->watched_addr);
		ui->focus = UP_WATCHERS;
		ui_refresh_image(ui);
	} else {
		d->message = xasprintf("%s: %s", j->rc == -EPERM ? "Refused" : "Failed", j->err.msg);
	}
}

static void dialog_confirm(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	/* destroy_execute compares the typed name and writes the audit record
	 * either way: a wrong name is a refused attempt, logged as such. */
	struct job *j = work_job(ui, JOB_DESTROY);
	work_of(j)->u.destroy.plan = d->plan;
	work_of(j)->u.destroy.have_plan = true;
	work_of(j)->u.destroy.confirm = xstrdup(ui->prompt);
	d->have_plan = false;
	memset(&d->plan, 0, sizeof d->plan);
	d->stage = DLG_EXECUTING;
	jobs_submit(ui->js, j);
}

void dialog_key(struct ui *ui, int key)
{
	struct dialog_state *d = &ui->dlg;
	switch (d->stage) {
	case DLG_READY:
		if (key == 27) {
			ui_status(ui, false, "destroy cancelled");
			dialog_close(ui);
		} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
			dialog_confirm(ui);
		} else {
			prompt_edit_line(ui, key);
		}
		break;
	case DLG_EXECUTING:
		break;  /* libvirt is acting; the outcome is on its way */
	case DLG_PREPARING:
		if (key == 27 || key == 'q')
			dialog_close(ui);
		break;
	default:
		dialog_close(ui);
	}
}

/* One "label  value" line of the dialog; long values wrap onto a second line. */
static void dialog_line(struct ui *ui, struct rect r, int *y, const char *label, const char *value,
			int el)
{
	int room = r.y + r.h - 1 - *y;
	if (room <= 0)
		return;
	int a = draw_attr(ui, EL_DIALOG);
	draw_text(ui, *y, r.x + 2, 10, label, a | (int)A_BOLD);
	*y += draw_wrapped(ui, *y, r.x + 12, r.w - 14, room < 2 ? room : 2, value ? value : "",
			   el >= 0 ? draw_attr(ui, el) : a);
}

/* What the operator must see before typing the name: the domain, where it
 * runs, what it holds, and Nova's answer of this very moment. */
static void dialog_facts(struct ui *ui, struct rect r, int *y)
{
	struct dialog_state *d = &ui->dlg;
	const struct destroy_plan *p = d->have_plan ? &d->plan : NULL;
	dialog_line(ui, r, y, p && p->process ? "qemu" : "domain", p ? p->name : d->domain, -1);
	dialog_line(ui, r, y, "uuid", p ? p->uuid : d->uuid, -1);
	dialog_line(ui, r, y, "host", p ? p->host : d->host, -1);
	char *t;
	if (!p)
		t = xstrdup("…");
	else if (p->process)
		t = xasprintf("pid %ld on %s, not managed by libvirt", p->pid, p->host ? p->host : "?");
	else
		t = xasprintf("%s  (%s)", p->uri, p->state ? p->state : "?");
	dialog_line(ui, r, y, p && p->process ? "process" : "libvirt", t, -1);
	free(t);
	struct buf vols = {0};
	for (size_t i = 0; p && i < p->volumes.n; i++)
		buf_printf(&vols, "%s%s", i ? ", " : "", p->volumes.v[i]);
	dialog_line(ui, r, y, "volumes", vols.p ? vols.p : (p ? "none" : "…"), -1);
	buf_free(&vols);
	if (!p)
		return;
	t = xasprintf("%s (asked just now)%s%s", ui_nova_label(p->nova.state), p->nova.error ? ": " : "",
		      p->nova.error ? p->nova.error : "");
	dialog_line(ui, r, y, "nova", t, -1);
	free(t);
	t = xasprintf("%s: %s", verdict_name(p->verdict), p->reason ? p->reason : "");
	dialog_line(ui, r, y, "verdict", t, ui_verdict_el(p->verdict));
	free(t);
}

void dialog_draw(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	int w = COLS - 4 < 90 ? COLS - 4 : 90, h = LINES - 2 < 20 ? LINES - 2 : 20;
	struct rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
	for (int y = r.y; y < r.y + r.h; y++)
		draw_text(ui, y, r.x, r.w, "", draw_attr(ui, EL_DIALOG));
	draw_box(ui, r, d->have_plan && d->plan.process ? "Stop qemu process" : "Destroy libvirt domain",
		 true);
	int y = r.y + 1;
	dialog_facts(ui, r, &y);
	y++;
	int a = draw_attr(ui, EL_DIALOG), x = r.x + 2, tw = r.w - 4, room = r.y + r.h - 1 - y;
	if (room < 2)
		return;
	switch (d->stage) {
	case DLG_PREPARING:
		draw_wrapped(ui, y, x, tw, room, "Asking libvirt and Nova again (fresh, not the cache)…", a);
		break;
	case DLG_READY: {
		draw_text(ui, y++, x, tw, d->plan.process ? "Type the qemu's name to stop it (Enter; Esc cancels):"
						     : "Type the domain name to destroy it (Enter; Esc cancels):", a);
		char *t = xasprintf("> %s", ui->prompt);
		draw_text(ui, y, x, tw, t, draw_attr(ui, EL_INPUT));
		free(t);
		break;
	}
	case DLG_EXECUTING:
		draw_text(ui, y, x, tw, "Destroying (virDomainDestroy)…", a);
		break;
	default:
		y += draw_wrapped(ui, y, x, tw, room - 1, d->message,
				  d->stage == DLG_DONE && d->ok ? a : draw_attr(ui, EL_ERROR));
		draw_text(ui, y, x, tw, "Press any key to close.", a);
	}
}
