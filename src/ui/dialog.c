/* dialog.c — the parts of the browser that take over the keyboard: the prompt
 * line (/ filter, : goto), the destroy dialog (fresh Nova answer, typed domain
 * name, destroy on a worker), and the orphan-scan view with its progress bar. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

/* ---- the prompt line ---- */

static bool edit_line(struct ui *ui, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* drop one UTF-8 character */
		while (ui->prompt_len > 0) {
			unsigned char c = (unsigned char)ui->prompt[--ui->prompt_len];
			if ((c & 0xC0) != 0x80)
				break;
		}
		ui->prompt[ui->prompt_len] = '\0';
		return true;
	}
	if (key < 32 || (key >= KEY_MIN && key <= KEY_MAX) || key == 127)
		return false;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || ui->prompt_len + n >= sizeof ui->prompt)
		return true;
	memcpy(ui->prompt + ui->prompt_len, mb, n);
	ui->prompt_len += n;
	ui->prompt[ui->prompt_len] = '\0';
	return true;
}

void prompt_open(struct ui *ui, enum prompt_kind kind)
{
	ui->prev_mode = ui->mode;
	ui->mode = MODE_PROMPT;
	ui->prompt_kind = kind;
	ui->prompt_len = 0;
	ui->prompt[0] = '\0';
	if (kind == PROMPT_FILTER) {
		struct pane *p = ui_focused_pane(ui);
		if (p->filter) {
			snprintf(ui->prompt, sizeof ui->prompt, "%s", p->filter);
			ui->prompt_len = strlen(ui->prompt);
		}
	}
}

static void goto_submit(struct ui *ui, const char *spec)
{
	if (!ui->ch) {
		ui_status(ui, true, "not connected to Ceph yet");
		return;
	}
	struct job *j = work_job(ui, JOB_LOCATE);
	work_of(j)->u.locate.spec = xstrdup(spec);
	jobs_submit(ui->js, j);
	ui_status(ui, false, "looking for %s…", spec);
}

void prompt_key(struct ui *ui, int key)
{
	bool filter = ui->prompt_kind == PROMPT_FILTER;
	if (key == 27) {
		if (filter)
			pane_set_filter(ui_focused_pane(ui), NULL);
		ui->mode = ui->prev_mode;
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		ui->mode = ui->prev_mode;
		if (filter) {
			free(ui->last_search);
			ui->last_search = ui->prompt_len ? xstrdup(ui->prompt) : NULL;
		} else if (ui->prompt_len) {
			goto_submit(ui, ui->prompt);
		}
		return;
	}
	if (edit_line(ui, key) && filter)
		pane_set_filter(ui_focused_pane(ui), ui->prompt);
}

/* ---- the destroy dialog ---- */

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
	if (h->kind != HOLDER_DOMAIN) {
		ui_status(ui, true, "this holder is a %s, not a libvirt domain: rbdwho will not kill it",
			  holder_kind_name(h->kind));
		return;
	}
	dialog_clear(ui);
	struct dialog_state *d = &ui->dlg;
	d->domain = xstrdup(h->name);
	d->uuid = xstrdup(h->uuid);
	d->host = xstrdup(h->host);
	d->watched_addr = xstrdup(ui->cur_watcher);
	d->stage = DLG_PREPARING;
	ui->mode = MODE_DIALOG;
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
	ui->mode = MODE_BROWSE;
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
			edit_line(ui, key);
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

static int verdict_el(enum verdict v)
{
	return v == VERDICT_ORPHAN ? EL_ORPHAN : v == VERDICT_ATTACHED ? EL_ATTACHED : EL_UNKNOWN;
}

/* What the operator must see before typing the name: the domain, where it
 * runs, what it holds, and Nova's answer of this very moment. */
static void dialog_facts(struct ui *ui, struct rect r, int *y)
{
	struct dialog_state *d = &ui->dlg;
	const struct destroy_plan *p = d->have_plan ? &d->plan : NULL;
	dialog_line(ui, r, y, "domain", p ? p->name : d->domain, -1);
	dialog_line(ui, r, y, "uuid", p ? p->uuid : d->uuid, -1);
	dialog_line(ui, r, y, "host", p ? p->host : d->host, -1);
	char *t = p ? xasprintf("%s  (%s)", p->uri, p->state ? p->state : "?") : xstrdup("…");
	dialog_line(ui, r, y, "libvirt", t, -1);
	free(t);
	struct buf vols = {0};
	for (size_t i = 0; p && i < p->volumes.n; i++)
		buf_printf(&vols, "%s%s", i ? ", " : "", p->volumes.v[i]);
	dialog_line(ui, r, y, "volumes", vols.p ? vols.p : (p ? "none" : "…"), -1);
	buf_free(&vols);
	if (!p)
		return;
	static const char *ns[] = {"not asked", "knows it", "404: gone", "no answer"};
	t = xasprintf("%s (asked just now)%s%s", ns[p->nova.state], p->nova.error ? ": " : "",
		      p->nova.error ? p->nova.error : "");
	dialog_line(ui, r, y, "nova", t, -1);
	free(t);
	t = xasprintf("%s: %s", verdict_name(p->verdict), p->reason ? p->reason : "");
	dialog_line(ui, r, y, "verdict", t, verdict_el(p->verdict));
	free(t);
}

void dialog_draw(struct ui *ui)
{
	struct dialog_state *d = &ui->dlg;
	int w = COLS - 4 < 90 ? COLS - 4 : 90, h = LINES - 2 < 20 ? LINES - 2 : 20;
	struct rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
	for (int y = r.y; y < r.y + r.h; y++)
		draw_text(ui, y, r.x, r.w, "", draw_attr(ui, EL_DIALOG));
	draw_box(ui, r, "Destroy libvirt domain", true);
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
		draw_text(ui, y++, x, tw, "Type the domain name to destroy it (Enter; Esc cancels):", a);
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

/* ---- the orphan scan ---- */

void scan_clear(struct ui *ui)
{
	struct scan_state *s = &ui->scan;
	for (size_t i = 0; i < s->nivs; i++)
		image_view_free(s->ivs[i]);
	free(s->ivs);
	s->ivs = NULL;
	s->nivs = s->cap = 0;
	free(s->scope);
	free(s->error);
	s->scope = s->error = NULL;
	memset(&s->prog, 0, sizeof s->prog);
	s->picked = false;
	pane_reset(&s->results);
}

void scan_start(struct ui *ui, bool all)
{
	if (!ui->ch) {
		ui_status(ui, true, "not connected to Ceph yet");
		return;
	}
	struct scan_state *s = &ui->scan;
	/* a scan still running stops (its own flag); its late results are dropped */
	if (s->job)
		jobs_cancel(ui->js, s->job);
	atomic_fetch_add(&ui->gen[GEN_SCAN], 1);
	scan_clear(ui);
	struct job *j = work_job(ui, JOB_SCAN);
	s->job = j;
	if (!all && ui->cur_pool) {
		strvec_push(&work_of(j)->u.scan.pools, ui->cur_pool);
		s->scope = xasprintf("pool %s", ui->cur_pool);
	} else {
		s->scope = xstrdup("all pools");
	}
	s->running = s->shown = true;
	s->started_ms = clock_ms();
	jobs_submit(ui->js, j);
}

static int verdict_rank(enum verdict v)
{
	return v == VERDICT_ORPHAN ? 0 : v == VERDICT_UNKNOWN ? 1 : 2;
}

static void scan_rows(struct ui *ui)
{
	struct scan_state *s = &ui->scan;
	/* Until the user picks a row, the worst finding stays on top and selected
	 * (results land in whatever order the resolvers finish). */
	if (s->picked)
		pane_clear(&s->results);
	else
		pane_reset(&s->results);
	for (int rank = 0; rank < 3; rank++)
		for (size_t i = 0; i < s->nivs; i++) {
			struct image_view *iv = s->ivs[i];
			enum verdict v = image_view_verdict(iv);
			if (verdict_rank(v) != rank)
				continue;
			struct buf b = {0};
			buf_printf(&b, "%-8s %s/%s  %zu watcher%s", verdict_name(v), iv->pool, iv->image,
				   iv->nwatchers, iv->nwatchers == 1 ? "" : "s");
			for (size_t w = 0; w < iv->nwatchers; w++)
				for (size_t h = 0; h < iv->watchers[w].nholders; h++)
					buf_printf(&b, "  %s@%s", iv->watchers[w].holders[h].name
						   ? iv->watchers[w].holders[h].name : "?",
						   iv->watchers[w].host ? iv->watchers[w].host : "?");
			char *key = xasprintf("%s/%s", iv->pool, iv->image);
			struct pane_row *r = pane_add(&s->results, key, b.p, NULL, NULL);
			r->el = v == VERDICT_ORPHAN ? EL_ORPHAN : v == VERDICT_ATTACHED ? EL_ATTACHED
											 : EL_UNKNOWN;
			free(key);
			buf_free(&b);
		}
}

void scan_merge_found(struct ui *ui, struct job *j)
{
	struct scan_state *s = &ui->scan;
	struct pl_found *f = &work_of(j)->u.found;
	/* ivs holds pointers: the element is a pointer. */
	xgrow(&s->ivs, &s->cap, s->nivs, sizeof *s->ivs);  // NOLINT(bugprone-sizeof-expression)
	s->ivs[s->nivs++] = f->iv;
	f->iv = NULL;
	scan_rows(ui);
}

void scan_merge_progress(struct ui *ui, struct job *j)
{
	ui->scan.prog = work_of(j)->u.progress.prog;
}

void scan_merge_end(struct ui *ui, struct job *j)
{
	struct scan_state *s = &ui->scan;
	s->running = false;
	s->last_ms = clock_ms();
	if (j->rc < 0)
		s->error = xstrdup(j->err.msg);
}

static void scan_progress_line(struct ui *ui, struct rect r, int y)
{
	struct scan_state *s = &ui->scan;
	const struct scan_progress *p = &s->prog;
	int64_t end = s->running ? clock_ms() : s->last_ms;
	double secs = (double)(end - s->started_ms) / 1000.0;
	double rate = secs > 0 ? (double)p->images_done / secs : 0;
	double left = rate > 0 && p->images_total > p->images_done
		? (double)(p->images_total - p->images_done) / rate : 0;
	char *text = xasprintf(" %zu/%zu images  %.0f/s  %s %.0fs  %zu with watchers%s%s",
			       p->images_done, p->images_total, rate,
			       s->running ? "left" : "took", s->running ? left : secs, p->with_watchers,
			       s->error ? "  error: " : "", s->error ? s->error : "");
	int barw = r.w / 3;
	int filled = p->images_total ? (int)((double)barw * (double)p->images_done
					      / (double)p->images_total) : 0;
	if (!s->running && !s->error)
		filled = barw;
	move(y, r.x + 2);
	attrset((attr_t)draw_attr(ui, EL_PROGRESS));
	for (int i = 0; i < filled; i++)
		addstr(ui->color ? " " : glyph(ui, G_FULL));
	attrset((attr_t)draw_attr(ui, EL_DIM));
	for (int i = filled; i < barw; i++)
		addstr(glyph(ui, G_EMPTY));
	attrset(A_NORMAL);
	draw_text(ui, y, r.x + 2 + barw, r.w - 4 - barw, text, draw_attr(ui, EL_NORMAL));
	free(text);
}

void scan_draw(struct ui *ui)
{
	struct scan_state *s = &ui->scan;
	struct rect r = ui->scan_rect;
	char *title = xasprintf("Orphan scan: %s (%zu found)%s%s", s->scope ? s->scope : "",
				s->results.nrows, s->running ? " scanning" : " done",
				s->results.filter ? " /" : "");
	draw_box(ui, r, title, true);
	free(title);
	scan_progress_line(ui, r, r.y + 1);
	struct pane *p = &s->results;
	int h = r.h - 3;
	pane_set_height(p, (size_t)(h > 0 ? h : 1));
	for (int y = 0; y < h; y++) {
		struct pane_row *row = pane_visible(p, p->top + (size_t)y);
		int ty = r.y + 2 + y;
		if (!row) {
			const char *msg = y == 0 && !p->nvis
				? (s->running ? "nothing held open yet" : "no image has watchers") : "";
			draw_text(ui, ty, r.x + 1, r.w - 2, msg, draw_attr(ui, EL_DIM));
			continue;
		}
		bool sel = p->top + (size_t)y == p->cursor;
		int el = sel ? EL_CURSOR : row->el;
		draw_text(ui, ty, r.x + 1, 1, sel ? glyph(ui, G_CURSOR) : " ", draw_attr(ui, el));
		draw_text(ui, ty, r.x + 2, r.w - 3, row->text, draw_attr(ui, el));
	}
}

void scan_request(struct ui *ui, enum request r)
{
	struct scan_state *s = &ui->scan;
	struct pane_row *row = pane_selected(&s->results);
	switch (r) {
	case REQ_ENTER:
		if (row) {
			char *key = xstrdup(row->key), *slash = strchr(key, '/');
			*slash = '\0';
			s->shown = false;
			ui_goto(ui, key, slash + 1);
			free(key);
		}
		break;
	case REQ_BACK:
		if (s->results.filter)
			pane_set_filter(&s->results, NULL);
		else
			s->shown = false;
		break;
	case REQ_REFRESH:
		scan_start(ui, s->scope && strcmp(s->scope, "all pools") == 0);
		break;
	case REQ_DESTROY:
		ui_status(ui, true, "open the image (Enter) and select its holder to destroy it");
		break;
	default:
		s->picked = s->picked || (r >= REQ_UP && r <= REQ_BOTTOM);
		ui_handle_request(ui, r);
	}
}
