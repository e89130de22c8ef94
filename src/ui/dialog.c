/* dialog.c — the action dialog mode: one dialog for every row of ACTION_INFO
 * (action.h). It opens on the selection, has the plan read fresh on a worker,
 * shows the facts and the gate's verdict, wants the confirmation typed, has
 * the act done (re-checked and audited) on a worker, and shows the outcome.
 * The dry-run key shows the commands the action stands for, by hand. */
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

#define DIALOG_W 90
#define DIALOG_H 20

void dialog_clear(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	if (d->have_plan)
		action_ops[d->act].free_plan(&d->plan);
	action_target_clear(&d->t);
	free(d->message);
	strvec_free(&d->manual);
	memset(d, 0, sizeof *d);
}

static void dialog_prepare(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	d->stage = DLG_PREPARING;
	ui_set_mode(ui, MODE_DIALOG);
	ui->prompt_len = 0;
	ui->prompt[0] = '\0';
	atomic_fetch_add(&ui->gen[GEN_DIALOG], 1);
	struct job *j = work_job(ui, JOB_PREPARE);
	struct pl_action *p = &work_of(j)->u.action;
	p->act = d->act;
	action_target_copy(&p->t, &d->t);
	jobs_submit(ui->js, j);
}

bool dialog_open(struct ui *ui, enum action_kind act)
{
	if (ui->o->read_only) {
		ui_status(ui, true, "read-only mode: %s is not available", action_ops[act].name);
		return false;
	}
	/* The row's open reads the selection (or the dialog it is opened from):
	 * the old dialog is cleared only once the new one has its target. */
	struct dialog_state n;
	memset(&n, 0, sizeof n);
	n.act = act;
	if (!action_ops[act].open(ui, &n)) {
		action_target_clear(&n.t);
		return false;
	}
	dialog_clear(ui);
	ui->dlg = n;
	dialog_prepare(ui);
	return true;
}

static void dialog_close(struct ui *ui)
{
	atomic_fetch_add(&ui->gen[GEN_DIALOG], 1);
	ui->mode = ui->prev_mode;
}

/* The manual commands, a line each, made safe to draw (names come from
 * libvirt, Ceph and Cinder). Takes text. */
static void dialog_set_manual(struct dialog_state *d, char *text)
{
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		strvec_push_owned(&d->manual, sanitize_terminal(line));
	}
	free(text);
}

void dialog_merge_prepare(struct ui *ui, struct job *j)
{
	struct dialog_state *d = &ui->dlg;
	struct pl_action *p = &work_of(j)->u.action;
	if (j->rc < 0) {
		d->stage = DLG_DONE;
		d->message = xasprintf("cannot prepare the %s: %s", action_ops[d->act].name, j->err.msg);
		return;
	}
	d->act = p->act;
	d->plan = p->plan;
	d->have_plan = true;
	p->have_plan = false;
	dialog_set_manual(d, action_ops[d->act].manual(&d->plan));
	d->message = action_ops[d->act].gate(ui, &d->plan);
	d->stage = d->message ? DLG_REFUSED : DLG_READY;
}

void dialog_merge_execute(struct ui *ui, struct job *j)
{
	struct dialog_state *d = &ui->dlg;
	struct pl_action *p = &work_of(j)->u.action;
	const struct action_ops *a = &action_ops[d->act];
	/* The plan went out with the job: take it back, the outcome shows it. */
	if (p->have_plan && !d->have_plan) {
		d->plan = p->plan;
		d->have_plan = true;
		p->have_plan = false;
	}
	d->stage = DLG_DONE;
	d->ok = j->rc == 0;
	if (d->ok) {
		char *next = a->done(ui, d);
		d->message = xasprintf("%s %s.%s%s", a->done_word,
				       d->have_plan && a->typed(&d->plan) ? a->typed(&d->plan) : "",
				       next ? " " : "", next ? next : "");
		free(next);
	} else {
		d->message = xasprintf("%s: %s", j->rc == -EPERM ? "Refused" : "Failed", j->err.msg);
	}
}

/* The action's act goes to a worker with the plan and what was typed: the
 * act compares it and writes the audit record either way — a wrong text is a
 * refused attempt, logged as such. */
static void dialog_confirm(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	struct job *j = work_job(ui, JOB_EXECUTE);
	struct pl_action *p = &work_of(j)->u.action;
	p->act = d->act;
	action_target_copy(&p->t, &d->t);
	p->plan = d->plan;
	p->have_plan = true;
	p->confirm = xstrdup(ui->prompt);
	d->have_plan = false;
	memset(&d->plan, 0, sizeof d->plan);
	d->stage = DLG_EXECUTING;
	jobs_submit(ui->js, j);
}

/* After a success, another action's key opens it on what this one acted on
 * (X deletes the volume after a destroy or a blocklist); other keys close. */
static void dialog_key_done(struct ui *ui, enum request r)
{
	enum action_kind next = action_for_request(r);
	if (!ui->dlg.ok || next == ACT_COUNT || !dialog_open(ui, next))
		dialog_close(ui);  /* the status line says why it did not open */
}

void dialog_key(struct ui *ui, int key)
{
	struct dialog_state *d = &ui->dlg;
	enum request r = keymap_lookup(&ui->km, key);
	switch (d->stage) {
	case DLG_READY:
		if (key == 27) {
			ui_status(ui, false, "%s cancelled", action_ops[d->act].name);
			dialog_close(ui);
		} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
			dialog_confirm(ui);
		} else if (!prompt_edit_line(ui, key) && r == REQ_DRY_RUN) {
			/* only keys nobody types (C-d): the rest spell the confirmation */
			d->show_manual = !d->show_manual;
		}
		break;
	case DLG_EXECUTING:
		break;  /* the act is running; the outcome is on its way */
	case DLG_PREPARING:
		if (key == 27 || key == 'q')
			dialog_close(ui);
		break;
	default:
		if (r == REQ_DRY_RUN)
			d->show_manual = !d->show_manual;
		else
			dialog_key_done(ui, r);
	}
}

/* Lines the facts take at value width w: each value wraps onto two at most. */
static int facts_lines(struct ui *ui, const struct detail_lines *l, int w)
{
	int n = 0;
	for (size_t i = 0; i < l->label.n; i++)
		n += wrapped_lines(ui, w, 2, l->value.v[i]);
	return n;
}

/* The facts, "label  value" a line, down to bottom (the stage below them
 * always keeps its room: what to type, the outcome). */
static int dialog_facts(struct ui *ui, const struct detail_lines *l, struct rect r, int y,
			int bottom)
{
	int a = draw_attr(ui, EL_DIALOG);
	for (size_t i = 0; i < l->label.n && y < bottom; i++) {
		int room = bottom - y;
		draw_text(ui, y, r.x + 2, 10, l->label.v[i], a | (int)A_BOLD);
		y += draw_wrapped(ui, y, r.x + 12, r.w - 14, room < 2 ? room : 2, l->value.v[i],
				  l->el[i] == EL_NORMAL ? a : draw_attr(ui, l->el[i]));
	}
	return y;
}

/* The name of the dry-run key to press now: while typing, one nobody types. */
static const char *dry_run_key(struct ui *ui, bool typing)
{
	for (size_t i = 0; i < ui->km.nkeys[REQ_DRY_RUN]; i++) {
		int k = ui->km.keys[REQ_DRY_RUN][i];
		if (!typing || k < 32 || k >= KEY_MIN)
			return keymap_key_name(k);
	}
	return NULL;
}

#define NO_MANUAL "(no plan: nothing to show)"

/* Lines the dry run takes at width w, its title and the blank after it included. */
static int manual_lines(struct ui *ui, const struct strvec *m, int w)
{
	int n = m->n ? 0 : 1;
	for (size_t i = 0; i < m->n; i++)
		n += wrapped_lines(ui, w, 3, m->v[i]);
	return n + 2;
}

/* The dry run: what the action stands for, by hand (secrets left out). */
static int dialog_manual(struct ui *ui, struct rect r, int y)
{
	const struct strvec *m = &ui->dlg.manual;
	int a = draw_attr(ui, EL_DIALOG), x = r.x + 2, tw = r.w - 4, bottom = r.y + r.h - 3;
	if (bottom - y < 2)
		return y;
	draw_text(ui, y++, x, tw, "Dry run, nothing done; by hand:", a | (int)A_BOLD);
	for (size_t i = 0; (i < m->n || (i == 0 && !m->n)) && y < bottom; i++)
		y += draw_wrapped(ui, y, x + 2, tw - 2, bottom - y < 3 ? bottom - y : 3,
				  m->n ? m->v[i] : NO_MANUAL, draw_attr(ui, EL_INPUT));
	return y + 1;
}

/* What to type, in words (the dry-run key named while typing). malloc'd. */
static char *ready_text(struct ui *ui)
{
	const struct action_ops *act = &action_ops[ui->dlg.act];
	const char *dk = dry_run_key(ui, true);
	return xasprintf("Type the %s to %s (Enter; Esc cancels%s%s%s):", act->typed_what, act->verb,
			 dk ? "; " : "", dk ? dk : "", dk ? " dry run" : "");
}

/* Lines the stage takes at width tw (as dialog_stage draws it). */
static int stage_lines(struct ui *ui, int tw)
{
	struct dialog_state *d = &ui->dlg;
	char *t;
	int n;
	switch (d->stage) {
	case DLG_PREPARING:
		return wrapped_lines(ui, tw, 6, action_ops[d->act].asking);
	case DLG_READY:
		t = ready_text(ui);
		n = wrapped_lines(ui, tw, 2, t) + 1;
		free(t);
		return n;
	case DLG_EXECUTING:
		return 1;
	default:
		return wrapped_lines(ui, tw, 8, d->message) + 1;
	}
}

static void dialog_stage(struct ui *ui, struct rect r, int y)
{
	struct dialog_state *d = &ui->dlg;
	const struct action_ops *act = &action_ops[d->act];
	int a = draw_attr(ui, EL_DIALOG), x = r.x + 2, tw = r.w - 4, room = r.y + r.h - 1 - y;
	if (room < 2)
		return;
	const char *dk = dry_run_key(ui, false);
	char *t = NULL;
	switch (d->stage) {
	case DLG_PREPARING:
		draw_wrapped(ui, y, x, tw, room, act->asking, a);
		break;
	case DLG_READY:
		t = ready_text(ui);
		y += draw_wrapped(ui, y, x, tw, 2, t, a);
		free(t);
		t = xasprintf("> %s", ui->prompt);
		draw_text(ui, y, x, tw, t, draw_attr(ui, EL_INPUT));
		break;
	case DLG_EXECUTING:
		draw_text(ui, y, x, tw, act->doing, a);
		break;
	default:
		y += draw_wrapped(ui, y, x, tw, room - 1, d->message,
				  d->stage == DLG_DONE && d->ok ? a : draw_attr(ui, EL_ERROR));
		t = xasprintf("Press any key to close%s%s%s.", dk ? " (" : "", dk ? dk : "",
			      dk ? ": dry run)" : "");
		draw_text(ui, y, x, tw, t, a);
	}
	free(t);
}

void dialog_draw(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	int w = COLS - 4 < DIALOG_W ? COLS - 4 : DIALOG_W;
	struct detail_lines l = {0};
	action_ops[d->act].facts(ui, d, &l);
	int nman = d->show_manual ? manual_lines(ui, &d->manual, w - 6) : 0;
	int nstage = stage_lines(ui, w - 4);
	/* the usual size, the dry run's lines on top; more when the facts need it */
	int want = 2 + facts_lines(ui, &l, w - 14) + 1 + nman + nstage;
	if (want < DIALOG_H + nman)
		want = DIALOG_H + nman;
	int h = LINES - 2 < want ? LINES - 2 : want;
	struct rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
	for (int y = r.y; y < r.y + r.h; y++)
		draw_text(ui, y, r.x, r.w, "", draw_attr(ui, EL_DIALOG));
	draw_box(ui, r, action_ops[d->act].title, true);
	int y = dialog_facts(ui, &l, r, r.y + 1, r.y + r.h - 2 - nman - nstage) + 1;
	detail_lines_free(&l);
	if (d->show_manual)
		y = dialog_manual(ui, r, y);
	dialog_stage(ui, r, y);
}
