/* pane.c — the list model shared by every pane: rows, the filtered view of them,
 * cursor and scroll position. Kept free of ncurses so it can be unit-tested. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/pane.h"
#include "rbdwho/util.h"

void pane_init(struct pane *p, const char *title, void (*free_data)(void *))
{
	memset(p, 0, sizeof *p);
	p->title = xstrdup(title ? title : "");
	p->free_data = free_data;
}

static void rows_free(struct pane *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		struct pane_row *r = &p->rows[i];
		free(r->key);
		free(r->text);
		free(r->aux);
		if (p->free_data && r->data)
			p->free_data(r->data);
	}
	p->nrows = 0;
	p->nvis = 0;
	p->cursor = 0;
	p->top = 0;
}

void pane_free(struct pane *p)
{
	rows_free(p);
	free(p->rows);
	free(p->vis);
	free(p->title);
	free(p->filter);
	free(p->want_key);
	free(p->error);
	memset(p, 0, sizeof *p);
}

void pane_set_title(struct pane *p, const char *title)
{
	free(p->title);
	p->title = xstrdup(title ? title : "");
}

void pane_clear(struct pane *p)
{
	const char *key = pane_selected_key(p);
	if (key) {
		char *keep = xstrdup(key);
		free(p->want_key);
		p->want_key = keep;
	}
	rows_free(p);
}

void pane_reset(struct pane *p)
{
	free(p->want_key);
	p->want_key = NULL;
	rows_free(p);
}

static bool row_passes(const struct pane *p, const struct pane_row *r)
{
	return str_empty(p->filter) || str_casefind(r->text, p->filter) >= 0;
}

static void keep_cursor_visible(struct pane *p)
{
	if (p->nvis == 0) {
		p->cursor = p->top = 0;
		return;
	}
	if (p->cursor >= p->nvis)
		p->cursor = p->nvis - 1;
	size_t h = p->height ? p->height : 1;
	if (p->cursor < p->top)
		p->top = p->cursor;
	else if (p->cursor >= p->top + h)
		p->top = p->cursor - h + 1;
	/* No empty space below the last row when rows could fill it. */
	if (p->top + h > p->nvis)
		p->top = p->nvis > h ? p->nvis - h : 0;
}

/* vis from the filter; the cursor on row selidx if it passes (else where it was). */
static void rebuild_vis(struct pane *p, size_t selidx)
{
	p->nvis = 0;
	for (size_t i = 0; i < p->nrows; i++) {
		if (!row_passes(p, &p->rows[i]))
			continue;
		xgrow(&p->vis, &p->capvis, p->nvis, sizeof *p->vis);
		if (i == selidx)
			p->cursor = p->nvis;
		p->vis[p->nvis++] = i;
	}
}

/* Rebuilds vis from the filter, keeping the row at cursor selected if it passes. */
static void refilter(struct pane *p)
{
	struct pane_row *sel = pane_selected(p);
	p->cursor = 0;
	rebuild_vis(p, sel ? (size_t)(sel - p->rows) : (size_t)-1);
	/* The selected row jumped (a filter cleared): show it mid-window, with
	 * its neighbours, rather than on the window's edge. */
	size_t h = p->height ? p->height : 1;
	if (p->cursor < p->top || p->cursor >= p->top + h)
		p->top = p->cursor > h / 2 ? p->cursor - h / 2 : 0;
	keep_cursor_visible(p);
}

/* A new row's fields (the strings copied; NULL key or text as ""). */
static void row_init(struct pane_row *r, const char *key, const char *text, const char *aux,
		     void *data)
{
	memset(r, 0, sizeof *r);
	r->key = xstrdup(key ? key : "");
	r->text = xstrdup(text ? text : "");
	r->aux = xstrdup(aux);
	r->data = data;
}

struct pane_row *pane_add(struct pane *p, const char *key, const char *text,
			  const char *aux, void *data)
{
	xgrow(&p->rows, &p->cap, p->nrows, sizeof *p->rows);
	size_t idx = p->nrows++;
	struct pane_row *r = &p->rows[idx];
	row_init(r, key, text, aux, data);
	if (row_passes(p, r)) {
		xgrow(&p->vis, &p->capvis, p->nvis, sizeof *p->vis);
		p->vis[p->nvis++] = idx;
		if (p->want_key && strcmp(p->want_key, r->key) == 0) {
			p->cursor = p->nvis - 1;
			free(p->want_key);
			p->want_key = NULL;
			keep_cursor_visible(p);
		}
	}
	return r;
}

struct pane_row *pane_insert(struct pane *p, size_t at, const char *key, const char *text,
			     const char *aux, void *data)
{
	if (at >= p->nrows)
		return pane_add(p, key, text, aux, data);
	struct pane_row *sel = pane_selected(p);
	size_t selidx = sel ? (size_t)(sel - p->rows) : (size_t)-1;
	if (sel && selidx >= at)
		selidx++;  /* the selection stays on its row, which moves down */
	xgrow(&p->rows, &p->cap, p->nrows, sizeof *p->rows);
	memmove(&p->rows[at + 1], &p->rows[at], (p->nrows - at) * sizeof *p->rows);
	p->nrows++;
	struct pane_row *r = &p->rows[at];
	row_init(r, key, text, aux, data);
	bool wanted = p->want_key && strcmp(p->want_key, r->key) == 0;
	if (wanted) {
		selidx = at;
		free(p->want_key);
		p->want_key = NULL;
	}
	rebuild_vis(p, selidx);
	keep_cursor_visible(p);
	return &p->rows[at];
}

struct pane_row *pane_find(struct pane *p, const char *key)
{
	for (size_t i = 0; i < p->nrows; i++)
		if (strcmp(p->rows[i].key, key) == 0)
			return &p->rows[i];
	return NULL;
}

void pane_update(struct pane *p, struct pane_row *r, const char *text, const char *aux)
{
	if (text) {
		free(r->text);
		r->text = xstrdup(text);
	}
	if (aux) {
		free(r->aux);
		r->aux = xstrdup(aux);
	}
	if (text && !str_empty(p->filter))
		refilter(p);
}

bool pane_select_key(struct pane *p, const char *key)
{
	for (size_t i = 0; i < p->nvis; i++) {
		if (strcmp(p->rows[p->vis[i]].key, key) == 0) {
			p->cursor = i;
			keep_cursor_visible(p);
			free(p->want_key);
			p->want_key = NULL;
			return true;
		}
	}
	free(p->want_key);
	p->want_key = xstrdup(key);
	return false;
}

struct pane_row *pane_visible(struct pane *p, size_t i)
{
	return i < p->nvis ? &p->rows[p->vis[i]] : NULL;
}

struct pane_row *pane_selected(struct pane *p)
{
	return pane_visible(p, p->cursor);
}

const char *pane_selected_key(struct pane *p)
{
	struct pane_row *r = pane_selected(p);
	return r ? r->key : NULL;
}

void pane_move(struct pane *p, long delta)
{
	if (p->nvis == 0)
		return;
	long c = (long)p->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)p->nvis)
		c = (long)p->nvis - 1;
	p->cursor = (size_t)c;
	keep_cursor_visible(p);
}

void pane_page(struct pane *p, int dir)
{
	long h = p->height > 1 ? (long)p->height - 1 : 1;
	pane_move(p, dir * h);
}

void pane_home(struct pane *p)
{
	p->cursor = 0;
	keep_cursor_visible(p);
}

void pane_end(struct pane *p)
{
	p->cursor = p->nvis ? p->nvis - 1 : 0;
	keep_cursor_visible(p);
}

bool pane_click(struct pane *p, size_t y)
{
	if (p->top + y >= p->nvis)
		return false;
	p->cursor = p->top + y;
	keep_cursor_visible(p);
	return true;
}

void pane_scroll(struct pane *p, long delta)
{
	size_t h = p->height ? p->height : 1;
	if (p->nvis <= h) {
		pane_move(p, delta);
		return;
	}
	long maxtop = (long)(p->nvis - h);
	long t = (long)p->top + delta;
	t = t < 0 ? 0 : t > maxtop ? maxtop : t;
	p->top = (size_t)t;
	if (p->cursor < p->top)
		p->cursor = p->top;
	if (p->cursor >= p->top + h)
		p->cursor = p->top + h - 1;
}

void pane_set_height(struct pane *p, size_t h)
{
	p->height = h;
	keep_cursor_visible(p);
}

void pane_set_filter(struct pane *p, const char *filter)
{
	free(p->filter);
	p->filter = str_empty(filter) ? NULL : xstrdup(filter);
	refilter(p);
}

bool pane_find_next(struct pane *p, const char *needle, int dir)
{
	if (p->nvis == 0 || str_empty(needle))
		return false;
	for (size_t step = 1; step <= p->nvis; step++) {
		size_t i = dir >= 0 ? (p->cursor + step) % p->nvis
				    : (p->cursor + p->nvis * 2 - step) % p->nvis;
		if (str_casefind(p->rows[p->vis[i]].text, needle) >= 0) {
			p->cursor = i;
			keep_cursor_visible(p);
			return true;
		}
	}
	return false;
}

void pane_set_loading(struct pane *p)
{
	p->state = PANE_LOADING;
	free(p->error);
	p->error = NULL;
}

void pane_set_error(struct pane *p, const char *msg)
{
	p->state = PANE_ERROR;
	free(p->error);
	p->error = xstrdup(msg);
}

void pane_set_idle(struct pane *p)
{
	p->state = PANE_IDLE;
	free(p->error);
	p->error = NULL;
}
