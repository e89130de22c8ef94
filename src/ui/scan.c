/* scan.c — the orphan-scan mode: starts a scan of one pool or all on a
 * worker, merges what it finds (worst verdict first), draws the progress bar
 * and the results, and turns requests into moves, goto and refresh. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

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
	s->picked = s->all = false;
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
		s->all = true;
	}
	s->running = true;
	ui_set_mode(ui, MODE_SCAN);
	s->started_ms = clock_ms();
	jobs_submit(ui->js, j);
}

/* The scan view's order: what needs the operator first. */
static const int verdict_ranks[] = {
	[VERDICT_ORPHAN] = 0, [VERDICT_UNKNOWN] = 1, [VERDICT_DEAD_CLIENT] = 2,
	[VERDICT_ATTACHED] = 3, [VERDICT_CONFLICT] = 4,
};
#define NRANKS 5
/* The order ranks are listed in: a contradiction right after the orphans. */
static const int rank_order[NRANKS] = {0, 4, 1, 2, 3};

static int verdict_rank(enum verdict v)
{
	return (unsigned)v < sizeof verdict_ranks / sizeof verdict_ranks[0] ? verdict_ranks[v] : 1;
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
	for (int ri = 0; ri < NRANKS; ri++)
		for (size_t i = 0; i < s->nivs; i++) {
			struct image_view *iv = s->ivs[i];
			enum verdict v = image_view_verdict(iv);
			if (verdict_rank(v) != rank_order[ri])
				continue;
			struct buf b = {0};
			buf_printf(&b, "%-8s %s/%s%s  %zu watcher%s", verdict_name(v), iv->pool, iv->chain_name,
				   iv->trashed ? " (in trash)" : "", iv->nwatchers, iv->nwatchers == 1 ? "" : "s");
			for (size_t w = 0; w < iv->nwatchers; w++)
				for (size_t h = 0; h < iv->watchers[w].nholders; h++)
					buf_printf(&b, "  %s@%s", iv->watchers[w].holders[h].name
						   ? iv->watchers[w].holders[h].name : "?",
						   iv->watchers[w].host ? iv->watchers[w].host : "?");
			char *ik = ui_image_view_key(iv);
			char *key = xasprintf("%s/%s", iv->pool, ik);
			/* data: the image's index in ivs + 1, for Enter's go-to */
			struct pane_row *r = pane_add(&s->results, key, b.p, NULL,
						      (void *)(intptr_t)(i + 1));
			free(ik);
			r->el = ui_verdict_el(v);
			free(key);
			buf_free(&b);
		}
}

/* The order within a verdict: pool, then NS/IMAGE, the directory's image
 * before a trashed one of the same name. Pools are scanned side by side, so
 * arrival order would change from run to run. */
static int image_order(const struct image_view *a, const struct image_view *b)
{
	int c = strcmp(a->pool, b->pool);
	if (!c)
		c = strcmp(a->chain_name ? a->chain_name : "", b->chain_name ? b->chain_name : "");
	if (!c)
		c = (int)a->trashed - (int)b->trashed;
	if (!c && a->trashed)
		c = strcmp(a->trash.id ? a->trash.id : "", b->trash.id ? b->trash.id : "");
	return c;
}

void scan_merge_found(struct ui *ui, struct job *j)
{
	struct scan_state *s = &ui->scan;
	struct pl_found *f = &work_of(j)->u.found;
	/* ivs holds pointers: the element is a pointer. Kept in image_order, so
	 * the rows (built from it) keep their place from one run to the next. */
	xgrow(&s->ivs, &s->cap, s->nivs, sizeof *s->ivs);  // NOLINT(bugprone-sizeof-expression)
	size_t at = s->nivs;
	while (at > 0 && image_order(s->ivs[at - 1], f->iv) > 0)
		at--;
	memmove(&s->ivs[at + 1], &s->ivs[at], (s->nivs - at) * sizeof *s->ivs);  // NOLINT(bugprone-sizeof-expression)
	s->ivs[at] = f->iv;
	s->nivs++;
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
	struct rect r = {1, 0, LINES - 2, COLS};
	/* what was found, by verdict: an ATTACHED image is not an orphan found */
	size_t n[NRANKS] = {0};
	for (size_t i = 0; i < s->nivs; i++)
		n[verdict_rank(image_view_verdict(s->ivs[i]))]++;
	char dead[64] = "";
	if (n[2])  /* dead clients and conflicts are rare: named only when there are some */
		snprintf(dead, sizeof dead, ", %zu dead", n[2]);
	if (n[4])
		snprintf(dead + strlen(dead), sizeof dead - strlen(dead), ", %zu conflict%s", n[4],
			 n[4] == 1 ? "" : "s");
	char *title = xasprintf("Orphan scan: %s: %zu orphan%s, %zu unknown%s, %zu attached%s%s",
				s->scope ? s->scope : "", n[0], n[0] == 1 ? "" : "s", n[1], dead, n[3],
				s->running ? ", scanning" : ", done",
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
		if (row && row->data && (size_t)(intptr_t)row->data <= s->nivs) {
			const struct image_view *iv = s->ivs[(intptr_t)row->data - 1];
			char *pool = xstrdup(iv->pool), *image = xstrdup(iv->chain_name);
			char *tid = iv->trashed ? xstrdup(iv->trash.id) : NULL;
			ui_goto_trashed(ui, pool, image, tid);  /* copies: the go-to may clear ivs */
			free(pool);
			free(image);
			free(tid);
		}
		break;
	case REQ_BACK:
		if (s->results.filter)
			pane_set_filter(&s->results, NULL);
		else
			ui->mode = MODE_BROWSE;
		break;
	case REQ_REFRESH:
		scan_start(ui, s->all);
		break;
	case REQ_DESTROY:
		ui_status(ui, true, "open the image (Enter) and select its holder to destroy it");
		break;
	default:
		if (action_for_request(r) != ACT_COUNT) {  /* they act on the browser's selection */
			ui_status(ui, true, "open the image (Enter) first, then %s from there",
				  action_ops[action_for_request(r)].name);
			break;
		}
		s->picked = s->picked || (r >= REQ_UP && r <= REQ_BOTTOM);
		ui_handle_request(ui, r);
	}
}

void scan_key(struct ui *ui, int key)
{
	if (key != KEY_MOUSE)
		scan_request(ui, keymap_lookup(&ui->km, key));
}
