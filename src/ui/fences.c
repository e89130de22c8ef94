/* fences.c — the fences view: the blocklist entries rbdwho made (Ceph's
 * blocklist joined with the audit log, blocklist_list on a worker), each with
 * who made it, when, for which host and images, and until when; u removes
 * the selected one through the unblocklist action (the undo, confirmed). */
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

void fences_clear(struct ui *ui)
{
	blocklist_fences_free(&ui->fences.f);
	memset(&ui->fences.f, 0, sizeof ui->fences.f);
	pane_free(&ui->fences.list);
}

void fences_reload(struct ui *ui)
{
	struct fences_state *s = &ui->fences;
	if (!ui->ch) {
		pane_set_error(&s->list, "not connected to Ceph");
		return;
	}
	atomic_fetch_add(&ui->gen[GEN_FENCES], 1);
	pane_set_loading(&s->list);
	jobs_submit(ui->js, work_job(ui, JOB_FENCES));
}

void fences_open(struct ui *ui)
{
	struct fences_state *s = &ui->fences;
	if (!s->list.title)
		pane_init(&s->list, "Fences", NULL);
	if (ui->mode != MODE_FENCES)
		s->back = ui_base_mode(ui);
	ui->mode = MODE_FENCES;
	fences_reload(ui);
}

void fences_merge(struct ui *ui, struct job *j)
{
	struct fences_state *s = &ui->fences;
	struct pl_fences *w = &work_of(j)->u.fences;
	pane_clear(&s->list);
	if (j->rc < 0) {
		pane_set_error(&s->list, j->err.msg);
		return;
	}
	blocklist_fences_free(&s->f);
	s->f = w->f;
	memset(&w->f, 0, sizeof w->f);
	s->loaded = true;
	for (size_t i = 0; i < s->f.n; i++) {
		const struct blocklist_fence *f = &s->f.v[i];
		char *text = xasprintf("%-28s until %s  host %s  %s", f->address,
				       f->until ? f->until : "?", f->host ? f->host : "?",
				       f->images ? f->images : "");
		pane_add(&s->list, f->address, text, NULL, (void *)(intptr_t)(i + 1));
		free(text);
	}
	pane_set_idle(&s->list);
}

const struct blocklist_fence *fences_selected(struct ui *ui)
{
	struct pane_row *r = pane_selected(&ui->fences.list);
	size_t i = r ? (size_t)(intptr_t)r->data - 1 : 0;
	return r && i < ui->fences.f.n ? &ui->fences.f.v[i] : NULL;
}

static void fences_back(struct ui *ui)
{
	atomic_fetch_add(&ui->gen[GEN_FENCES], 1);
	ui->mode = ui->fences.back;
}

/* Movement, the filter, help and quit are the browser's requests on the
 * focused pane (ui_focused_pane: this list); the other actions act on the
 * browser's selection, not here. */
void fences_key(struct ui *ui, int key)
{
	struct pane *p = &ui->fences.list;
	enum request r = keymap_lookup(&ui->km, key);
	switch (r) {
	case REQ_REFRESH: fences_reload(ui); break;
	case REQ_BACK:
		if (p->filter)
			pane_set_filter(p, NULL);
		else
			fences_back(ui);
		break;
	case REQ_FENCES: fences_back(ui); break;
	case REQ_UNFENCE: dialog_open(ui, ACT_UNBLOCKLIST); break;
	case REQ_ENTER:
	case REQ_NEXT_PANE:
	case REQ_PREV_PANE:
	case REQ_SCAN:
	case REQ_SCAN_ALL:
		break;
	default:
		if (action_for_request(r) != ACT_COUNT)
			ui_status(ui, true, "in the fences view, u removes the selected entry; "
				  "Esc goes back to the browser");
		else
			ui_handle_request(ui, r);
	}
}

/* The selected entry, whole, under the list. */
static void fences_details(struct ui *ui, struct rect r)
{
	const struct blocklist_fence *f = fences_selected(ui);
	struct detail_lines l = {0};
	if (f) {
		detail_add(&l, EL_NORMAL, "address", "%s", f->address);
		detail_add(&l, EL_NORMAL, "until", "%s", f->until ? f->until : "?");
		detail_add(&l, EL_NORMAL, "made", "by %s at %s", f->who ? f->who : "?",
			   f->when ? f->when : "?");
		detail_add(&l, EL_NORMAL, "host", "%s", f->host ? f->host : "?");
		detail_add(&l, EL_NORMAL, "images", "%s", f->images ? f->images : "none recorded");
		detail_add(&l, EL_DIM, "undo", "u: ceph osd blocklist rm %s (typed confirmation)",
			   f->address);
	}
	if (ui->fences.f.audit_note)
		detail_add(&l, EL_ERROR, "audit", "%s", ui->fences.f.audit_note);
	draw_box(ui, r, "Entry", false);
	int y = r.y + 1;
	for (size_t i = 0; i < l.label.n && y < r.y + r.h - 1; i++) {
		draw_text(ui, y, r.x + 1, 10, l.label.v[i], draw_attr(ui, EL_LABEL));
		y += draw_wrapped(ui, y, r.x + 11, r.w - 12, r.y + r.h - 1 - y, l.value.v[i],
				  draw_attr(ui, l.el[i]));
	}
	detail_lines_free(&l);
}

static const char *fences_empty(struct ui *ui)
{
	if (!ui->fences.loaded)
		return "";
	return ui->fences.f.others ? "rbdwho made no entry in Ceph's blocklist (the others are "
				     "not rbdwho's)"
				   : "Ceph's blocklist is empty";
}

void fences_draw(struct ui *ui)
{
	struct fences_state *s = &ui->fences;
	struct pane *p = &s->list;
	int det_h = LINES / 3 > 8 ? 8 : LINES / 3;
	struct rect r = {1, 0, LINES - 2 - det_h, COLS};
	char *title = xasprintf("Fences: blocklist entries rbdwho made (%zu)%s%zu other%s in "
				"Ceph's blocklist", s->f.n, ui->ascii ? ", " : " · ", s->f.others,
				s->f.others == 1 ? "" : "s");
	draw_box(ui, r, title, true);
	free(title);
	int h = r.h - 2;
	pane_set_height(p, (size_t)(h > 0 ? h : 1));
	for (int y = 0; y < h; y++) {
		struct pane_row *row = pane_visible(p, p->top + (size_t)y);
		int ty = r.y + 1 + y;
		if (!row) {
			const char *msg = y || p->nvis ? ""
				: p->state == PANE_LOADING ? (ui->ascii ? "loading..." : "loading…")
				: p->state == PANE_ERROR ? p->error : fences_empty(ui);
			draw_text(ui, ty, r.x + 1, r.w - 2, msg,
				  draw_attr(ui, p->state == PANE_ERROR ? EL_ERROR : EL_DIM));
			continue;
		}
		bool sel = p->top + (size_t)y == p->cursor;
		int el = sel ? EL_CURSOR : row->el;
		draw_text(ui, ty, r.x + 1, 1, sel ? glyph(ui, G_CURSOR) : " ", draw_attr(ui, el));
		draw_text(ui, ty, r.x + 2, r.w - 3, row->text, draw_attr(ui, el));
	}
	fences_details(ui, (struct rect){r.y + r.h, 0, det_h, COLS});
}
