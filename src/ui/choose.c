/* choose.c — the go-to chooser: what `:` was given (a bare volume UUID, say)
 * names images in several pools or namespaces (chain_locate_all), and the
 * browser does not pick one for the operator. An overlay lists every match;
 * Enter goes to the selected one, Esc leaves it without moving. Pools that
 * could not be asked are named under the list: another match may hide there. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

void choose_clear(struct ui *ui)
{
	struct choose_state *c = &ui->choose;
	pane_free(&c->list);
	free(c->spec);
	strvec_free(&c->pools);
	strvec_free(&c->images);
	strvec_free(&c->errors);
	memset(c, 0, sizeof *c);
}

void choose_open(struct ui *ui, const char *spec, struct strvec *pools, struct strvec *images,
		 struct strvec *errors)
{
	choose_clear(ui);
	struct choose_state *c = &ui->choose;
	pane_init(&c->list, "Matches", NULL);
	c->spec = xstrdup(spec);
	c->pools = *pools;
	c->images = *images;
	c->errors = *errors;
	memset(pools, 0, sizeof *pools);  /* moved */
	memset(images, 0, sizeof *images);
	memset(errors, 0, sizeof *errors);
	for (size_t i = 0; i < c->pools.n; i++) {
		char *key = xasprintf("%s/%s", c->pools.v[i], c->images.v[i]);
		pane_add(&c->list, key, key, NULL, (void *)(intptr_t)(i + 1));
		free(key);
	}
	ui->mode = MODE_BROWSE;  /* the chooser sits over the browser */
	ui_set_mode(ui, MODE_CHOOSE);
}

static void choose_go(struct ui *ui)
{
	struct pane_row *r = pane_selected(&ui->choose.list);
	size_t i = r ? (size_t)(intptr_t)r->data - 1 : 0;
	ui->mode = ui->prev_mode;
	if (!r || i >= ui->choose.pools.n)
		return;
	char *pool = xstrdup(ui->choose.pools.v[i]), *image = xstrdup(ui->choose.images.v[i]);
	ui_status(ui, false, "%s/%s (chosen among %zu matches)", pool, image, ui->choose.pools.n);
	choose_clear(ui);
	ui_goto(ui, pool, image);
	free(pool);
	free(image);
}

void choose_key(struct ui *ui, int key)
{
	struct pane *p = &ui->choose.list;
	switch (keymap_lookup(&ui->km, key)) {
	case REQ_UP: pane_move(p, -1); break;
	case REQ_DOWN: pane_move(p, 1); break;
	case REQ_TOP: pane_home(p); break;
	case REQ_BOTTOM: pane_end(p); break;
	case REQ_PAGE_UP: pane_page(p, -1); break;
	case REQ_PAGE_DOWN: pane_page(p, 1); break;
	case REQ_ENTER: choose_go(ui); break;
	case REQ_BACK:
		ui->mode = ui->prev_mode;
		ui_status(ui, false, "goto %s: none chosen", ui->choose.spec);
		choose_clear(ui);
		break;
	case REQ_QUIT: ui->quit = true; break;
	default: break;
	}
}

void choose_draw(struct ui *ui)
{
	struct choose_state *c = &ui->choose;
	struct pane *p = &c->list;
	int w = COLS - 8 > 100 ? 100 : COLS - 8;
	int nerr = (int)c->errors.n;
	int h = (int)p->nrows + 4 + nerr;  /* borders, the rows, the errors, a gap, the hint */
	if (h > LINES - 4)
		h = LINES - 4;
	struct rect r = {(LINES - h) / 2, (COLS - w) / 2, h, w};
	char *title = xasprintf("goto: %zu images match %s", p->nrows, c->spec);
	draw_box(ui, r, title, true);
	free(title);
	for (int y = r.y + 1; y < r.y + h - 1; y++)
		draw_text(ui, y, r.x + 1, w - 2, "", draw_attr(ui, EL_DIALOG));
	int room = h - 4 - nerr;
	pane_set_height(p, (size_t)(room > 0 ? room : 1));
	int y = r.y + 1;
	for (int i = 0; i < room; i++, y++) {
		struct pane_row *row = pane_visible(p, p->top + (size_t)i);
		if (!row)
			continue;
		bool sel = p->top + (size_t)i == p->cursor;
		int el = sel ? EL_CURSOR : EL_DIALOG;
		draw_text(ui, y, r.x + 1, 1, sel ? glyph(ui, G_CURSOR) : " ", draw_attr(ui, el));
		draw_text_cut(ui, y, r.x + 2, w - 3, row->text, draw_attr(ui, el), CUT_MIDDLE);
	}
	for (size_t i = 0; i < c->errors.n && y < r.y + h - 2; i++, y++) {
		char *line = xasprintf("not asked: %s", c->errors.v[i]);
		draw_text(ui, y, r.x + 2, w - 3, line, draw_attr(ui, EL_ERROR));
		free(line);
	}
	draw_text(ui, r.y + h - 2, r.x + 2, w - 3,
		  "Enter goes to the selected image, Esc goes nowhere", draw_attr(ui, EL_DIM));
}
