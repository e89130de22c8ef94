/* help.c — the help mode: every request of the keymap (REQ_INFO) with its
 * keys and help text, scrolled with the movement keys; any other key closes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

void help_key(struct ui *ui, int key)
{
	enum request r = keymap_lookup(&ui->km, key);
	if (r == REQ_DOWN)
		ui->help_top++;
	else if (r == REQ_UP && ui->help_top > 0)
		ui->help_top--;
	else if (r == REQ_QUIT && key != 'q')
		ui->quit = true;
	else
		ui->mode = ui->prev_mode;
}

void help_draw(struct ui *ui)
{
	int h = LINES - 2;
	struct rect r = {1, 0, h, COLS};
	draw_box(ui, r, "Help: keys (from the active keymap), any other key closes", true);
	int y = 2;
	size_t line = 0;
	for (int q = REQ_NONE + 1; q < REQ_COUNT; q++, line++) {
		if (line < ui->help_top || y >= r.y + r.h - 1)
			continue;
		if (q == REQ_DESTROY && ui->o->read_only)
			continue;
		char keys[96];
		keymap_describe(&ui->km, (enum request)q, keys, sizeof keys);
		draw_text(ui, y, 2, 22, keys, draw_attr(ui, EL_LABEL));
		char *t = xasprintf("%-10s %s", request_name((enum request)q), request_help((enum request)q));
		draw_text(ui, y, 24, COLS - 26, t, draw_attr(ui, EL_NORMAL));
		free(t);
		y++;
	}
	const char *extra[] = {
		"",
		"Mouse: click selects, the wheel scrolls. Keys are set in the config's [keys] section.",
		ui->o->read_only ? "Read-only mode: no destructive action is available."
				 : "Destroy asks Nova again and wants the domain name typed; ORPHAN only unless --force.",
	};
	for (size_t i = 0; i < 3 && y < r.y + r.h - 1; i++, y++)
		draw_text(ui, y, 2, COLS - 4, extra[i], draw_attr(ui, EL_DIM));
	char *t = xasprintf("theme %s%s%s", ui->theme.name, ui->color ? "" : " (no colour)",
			    ui->ascii ? ", ASCII" : "");
	if (y < r.y + r.h - 1)
		draw_text(ui, y, 2, COLS - 4, t, draw_attr(ui, EL_DIM));
	free(t);
}
