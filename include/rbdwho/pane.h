/* pane.h — the generic list behind every pane of the browser (pools, images,
 * watchers, holders, scan results): rows, cursor, scrolling, a filter, and the
 * loading state. Pure data, no terminal: the UI draws it, tests drive it. */
#ifndef RBDWHO_PANE_H
#define RBDWHO_PANE_H

#include <stdbool.h>
#include <stddef.h>

struct pane_row {
	char *key;   /* identity, kept across refreshes: "volumes", "10.0.0.1:0/42" */
	char *text;  /* what is shown, and what the filter matches */
	char *aux;   /* right-aligned extra (size, count), may be NULL */
	int el;      /* the theme element to draw it with (0: normal) */
	void *data;  /* owned by the pane when free_data is set */
};

enum pane_state { PANE_IDLE = 0, PANE_LOADING, PANE_ERROR };

struct pane {
	char *title;
	struct pane_row *rows;
	size_t nrows, cap;
	size_t *vis;       /* indices of rows passing the filter, in order */
	size_t nvis, capvis;
	size_t cursor;     /* index into vis */
	size_t top;        /* first visible index into vis */
	size_t height;     /* rows on screen; 0 until drawn */
	char *filter;      /* NULL: none */
	char *want_key;    /* select this row when it arrives (refresh, goto) */
	enum pane_state state;
	char *error;
	void (*free_data)(void *);
};

void pane_init(struct pane *p, const char *title, void (*free_data)(void *));
void pane_free(struct pane *p);
void pane_set_title(struct pane *p, const char *title);

/* Drops every row; the selected row's key is remembered, so that the same
 * row is selected again when a row with that key is added (a refresh). */
void pane_clear(struct pane *p);
/* Drops rows and the remembered key: a different list (another pool). */
void pane_reset(struct pane *p);

/* Appends a row (copies the strings, takes data); returns it. */
struct pane_row *pane_add(struct pane *p, const char *key, const char *text,
			  const char *aux, void *data);
/* Inserts a row before row index at (appends when at >= nrows), like
 * pane_add; the selection stays on the row it was on. Returns the new row
 * (earlier row pointers are no longer valid). */
struct pane_row *pane_insert(struct pane *p, size_t at, const char *key, const char *text,
			     const char *aux, void *data);
/* The row with key, or NULL. */
struct pane_row *pane_find(struct pane *p, const char *key);
/* Replaces a row's text/aux (NULL: keep); re-applies the filter to it. */
void pane_update(struct pane *p, struct pane_row *r, const char *text, const char *aux);

/* Selects the row with key now, or as soon as it is added. True when selected now. */
bool pane_select_key(struct pane *p, const char *key);

struct pane_row *pane_selected(struct pane *p);   /* NULL when empty */
const char *pane_selected_key(struct pane *p);

/* Cursor moves, all clamped; each keeps the cursor on screen. */
void pane_move(struct pane *p, long delta);
void pane_page(struct pane *p, int dir);  /* +1 PgDn, -1 PgUp */
void pane_home(struct pane *p);
void pane_end(struct pane *p);
/* A click on screen line y of the list (0 = first list line). False: no row there. */
bool pane_click(struct pane *p, size_t y);
/* Scrolls the view by delta lines (mouse wheel), dragging the cursor along. */
void pane_scroll(struct pane *p, long delta);
void pane_set_height(struct pane *p, size_t h);

/* Case-insensitive substring filter on text; NULL or "" removes it. The
 * selected row stays selected when it still passes. */
void pane_set_filter(struct pane *p, const char *filter);
/* Moves to the next (dir +1) or previous (-1) visible row whose text contains
 * needle, wrapping around. False when none does. */
bool pane_find_next(struct pane *p, const char *needle, int dir);

void pane_set_loading(struct pane *p);
void pane_set_error(struct pane *p, const char *msg);
void pane_set_idle(struct pane *p);

/* The row at visible index i (0 ≤ i < nvis). */
struct pane_row *pane_visible(struct pane *p, size_t i);

#endif
