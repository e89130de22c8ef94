/* mode.c — one mode per screen (MODE_INFO: browse, scan, help, prompt,
 * dialog), each with its own key handler and draw function; keys and frames
 * are dispatched here. Also the chrome every mode shares: the header line
 * and the key-hint line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

static const char *first_key(struct ui *ui, enum request r)
{
	return ui->km.nkeys[r] ? keymap_key_name(ui->km.keys[r][0]) : "-";
}

#define MIN_COLS 60
#define MIN_LINES 15

static void draw_header(struct ui *ui)
{
	struct buf b = {0};
	buf_printf(&b, " rbdwho  ");
	if (ui->connecting)
		buf_printf(&b, "connecting to Ceph%s", glyph(ui, G_ELL));
	else if (ui->conn_error)
		buf_printf(&b, "ceph: %s (r retries)", ui->conn_error);
	else
		buf_printf(&b, "ceph %.8s%s %s", ui->fsid ? ui->fsid : "?", glyph(ui, G_ELL),
			   ui->health ? ui->health : "");
	buf_printf(&b, " %s ", glyph(ui, G_V));
	if (ui->os_note)
		buf_printf(&b, "cloud: off");
	else if (ui->ch) {
		const char *s[] = {"?", glyph(ui, G_BAD), glyph(ui, G_OK)};
		buf_printf(&b, "cloud: nova %s cinder %s", s[ui->nova_ok + 1], s[ui->cinder_ok + 1]);
	} else
		buf_printf(&b, "cloud: -");
	size_t n = jobs_in_flight(ui->js);
	if (n)
		buf_printf(&b, " %s %s %zu job%s", glyph(ui, G_V), draw_spinner(ui), n, n == 1 ? "" : "s");
	if (ui->o->read_only)
		buf_printf(&b, " %s read-only", glyph(ui, G_V));
	draw_text(ui, 0, 0, COLS, b.p, draw_attr(ui, EL_HEADER));
	buf_free(&b);
}

static void draw_hints(struct ui *ui)
{
	int y = LINES - 1;
	if (ui->status && clock_ms() - ui->status_ms < 8000) {
		draw_text(ui, y, 0, COLS, ui->status, draw_attr(ui, ui->status_error ? EL_ERROR : EL_HINTS));
		return;
	}
	struct buf b = {0};
	bool narrow = COLS < 100;
	const struct { enum request r; const char *what; } hints[] = {
		{REQ_FILTER, "filter"}, {REQ_GOTO, narrow ? "goto" : "goto volume"},
		{REQ_ENTER, "drill"}, {REQ_DESTROY, "destroy"},
		{REQ_SCAN, narrow ? "scan" : "orphan scan"}, {REQ_REFRESH, "refresh"},
		{REQ_HELP, "help"}, {REQ_QUIT, "quit"},
	};
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		if (hints[i].r == REQ_DESTROY && ui->o->read_only)
			continue;
		const char *k = first_key(ui, hints[i].r);
		if (ui->km.nkeys[hints[i].r] && ui->km.keys[hints[i].r][0] == '\n' && !ui->ascii)
			k = "⏎";  /* decided by the key code, not by its name */
		buf_printf(&b, " %s %s ", k, hints[i].what);
	}
	draw_text(ui, y, 0, COLS, b.p, draw_attr(ui, EL_HINTS));
	buf_free(&b);
}

static const struct mode_ops {
	bool overlay;  /* drawn over the screen it was opened from (prev_mode) */
	void (*key)(struct ui *ui, int key);
	void (*draw)(struct ui *ui);
} modes[] = {
#define MODE_ROW(e, overlay, key, draw) [MODE_##e] = {overlay, key, draw},
	MODE_INFO(MODE_ROW)
#undef MODE_ROW
};

/* The full-screen mode under an overlay (a prompt over the scan view). */
enum ui_mode ui_base_mode(const struct ui *ui)
{
	return modes[ui->mode].overlay ? ui->prev_mode : ui->mode;
}

void ui_set_mode(struct ui *ui, enum ui_mode m)
{
	if (m == ui->mode)
		return;
	if (modes[m].overlay || m == MODE_HELP)
		ui->prev_mode = ui->mode;
	ui->mode = m;
}

void ui_handle_key(struct ui *ui, int key)
{
	if (key == KEY_RESIZE)
		return;
	modes[ui->mode].key(ui, key);
}

void draw_screen(struct ui *ui)
{
	erase();
	ui->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
	if (ui->too_small) {
		/* wrapped: on a 20x5 terminal one clipped line would not say why */
		char *t = xasprintf("terminal too small: %dx%d, rbdwho needs at least %dx%d; "
				    "q quits", COLS, LINES, MIN_COLS, MIN_LINES);
		if (COLS > 0 && LINES > 0)
			draw_wrapped(ui, 0, 0, COLS, LINES, t, draw_attr(ui, EL_ERROR));
		free(t);
		refresh();
		return;
	}
	draw_header(ui);
	modes[ui_base_mode(ui)].draw(ui);
	draw_hints(ui);
	if (modes[ui->mode].overlay)
		modes[ui->mode].draw(ui);
	refresh();
}
