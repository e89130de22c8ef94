/* help.c — the help mode: every request of the keymap (REQ_INFO) with its
 * keys and help text, scrolled with the movement keys; any other key closes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

/* One line of help: the keys column, the request's name and its help (or,
 * with no request, a note across the width). */
struct help_line {
	enum request r;
	const char *note;
};

/* Every request the mode offers, then the notes; into v (room for n). */
static size_t help_lines(struct ui *ui, struct help_line *v, size_t n)
{
	size_t k = 0;
	for (int q = REQ_NONE + 1; q < REQ_COUNT && k < n; q++)
		if (!(ui->o->read_only && (q == REQ_DRY_RUN || action_for_request((enum request)q) != ACT_COUNT)))
			v[k++] = (struct help_line){(enum request)q, NULL};
	const char *notes[] = {
		"",
		"Mouse: click selects, the wheel scrolls. Keys are set in the config's [keys] section.",
		ui->o->read_only ? "Read-only mode: no destructive action is available."
				 : "Each action reads its facts again, gates, wants its target typed and re-checks "
				   "before acting; d (C-d while typing) shows the commands by hand.",
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0] && k < n; i++)
		v[k++] = (struct help_line){REQ_NONE, notes[i]};
	return k;
}

/* Rows of help on screen: the box's inside less the theme line. */
static size_t help_rows(void)
{
	return LINES - 5 > 1 ? (size_t)(LINES - 5) : 1;
}

void help_key(struct ui *ui, int key)
{
	struct help_line v[REQ_COUNT + 4];
	size_t n = help_lines(ui, v, sizeof v / sizeof v[0]);
	size_t max_top = n > help_rows() ? n - help_rows() : 0;
	enum request r = keymap_lookup(&ui->km, key);
	if (r == REQ_DOWN)
		ui->help_top++;
	else if (r == REQ_UP && ui->help_top > 0)
		ui->help_top--;
	else if (r == REQ_QUIT && key != 'q')
		ui->quit = true;
	else
		ui->mode = ui->prev_mode;
	if (ui->help_top > max_top)
		ui->help_top = max_top;
}

/* The keys column as wide as the widest binding (never into the names). */
static int help_keys_width(struct ui *ui, const struct help_line *v, size_t n)
{
	int w = 4;
	for (size_t i = 0; i < n; i++) {
		char keys[96];
		if (v[i].r == REQ_NONE)
			continue;
		keymap_describe(&ui->km, v[i].r, keys, sizeof keys);
		int c = text_cols(ui, keys);
		w = c > w ? c : w;
	}
	return w < COLS / 3 ? w : COLS / 3;
}

/* The names column as wide as the longest request name. */
static int help_names_width(void)
{
	int w = 0;
	for (int q = REQ_NONE + 1; q < REQ_COUNT; q++) {
		int n = (int)strlen(request_name((enum request)q));
		w = n > w ? n : w;
	}
	return w;
}

void help_draw(struct ui *ui)
{
	struct help_line v[REQ_COUNT + 4];
	size_t n = help_lines(ui, v, sizeof v / sizeof v[0]), rows = help_rows();
	struct rect r = {1, 0, LINES - 2, COLS};
	draw_box(ui, r, ui->help_top ? "Help: keys (from the active keymap), any other key closes, ▲ more"
				    : "Help: keys (from the active keymap), any other key closes", true);
	int kw = help_keys_width(ui, v, n), x = 2 + kw + 2;
	bool more = ui->help_top + rows < n;
	int y = 2;
	for (size_t i = ui->help_top; i < n && (size_t)(y - 2) < rows; i++, y++) {
		if (more && (size_t)(y - 2) + 1 == rows) {
			char *t = xasprintf("%s %zu more: %s scrolls", ui->ascii ? "v" : "▼", n - i,
					    keymap_key_name(ui->km.nkeys[REQ_DOWN] ? ui->km.keys[REQ_DOWN][0]
										    : 'j'));
			draw_text(ui, y, 2, COLS - 4, t, draw_attr(ui, EL_DIM));
			free(t);
			break;
		}
		if (v[i].r == REQ_NONE) {
			draw_text(ui, y, 2, COLS - 4, v[i].note, draw_attr(ui, EL_DIM));
			continue;
		}
		char keys[96];
		keymap_describe(&ui->km, v[i].r, keys, sizeof keys);
		draw_text(ui, y, 2, kw, keys, draw_attr(ui, EL_LABEL));
		char *t = xasprintf("%-*s %s", help_names_width(), request_name(v[i].r),
				    request_help(v[i].r));
		draw_text(ui, y, x, COLS - x - 2, t, draw_attr(ui, EL_NORMAL));
		free(t);
	}
	char *t = xasprintf("theme %s%s%s", ui->theme.name, ui->color ? "" : " (no colour)",
			    ui->ascii ? ", ASCII" : "");
	draw_text(ui, r.y + r.h - 2, 2, COLS - 4, t, draw_attr(ui, EL_DIM));
	free(t);
}
