/* draw.c — the widgets every screen draws with: colours from the theme,
 * glyphs (UTF-8 or ASCII), text clipped, cut in the middle or wrapped, boxes,
 * sizes, the spinner. No screen lives here (see mode.c). UI thread only. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"


static const char *const glyphs_utf8[] = {
	[G_TL] = "┌", [G_H] = "─", [G_TR] = "┐", [G_V] = "│", [G_BL] = "└", [G_BR] = "┘",
	[G_CURSOR] = "▶", [G_DOT] = "●", [G_SPIN] = "⟳", [G_OK] = "✓", [G_BAD] = "✗",
	[G_ELL] = "…", [G_FULL] = "█", [G_EMPTY] = "░", [G_TRASH] = "⌫",
};
static const char *const glyphs_ascii[] = {
	[G_TL] = "+", [G_H] = "-", [G_TR] = "+", [G_V] = "|", [G_BL] = "+", [G_BR] = "+",
	[G_CURSOR] = ">", [G_DOT] = "*", [G_SPIN] = "*", [G_OK] = "ok", [G_BAD] = "X",
	[G_ELL] = "~", [G_FULL] = "#", [G_EMPTY] = ".", [G_TRASH] = "T",
};

const char *glyph(struct ui *ui, int which)
{
	return ui->ascii ? glyphs_ascii[which] : glyphs_utf8[which];
}

static int color_of(int c, bool fg, attr_t *extra)
{
	if (c < 0)
		return -1;
	if (c >= COLORS && c < 16 && c >= 8) {
		/* 8-colour terminal: bright colours become bold base colours. */
		if (fg)
			*extra |= A_BOLD;
		return c - 8;
	}
	return c < COLORS ? c : -1;
}

static attr_t theme_attrs(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & THEME_BOLD) r |= A_BOLD;
	if (a & THEME_UNDERLINE) r |= A_UNDERLINE;
	if (a & THEME_REVERSE) r |= A_REVERSE;
	if (a & THEME_DIM) r |= A_DIM;
	if (a & THEME_BLINK) r |= A_BLINK;
	if (a & THEME_STANDOUT) r |= A_STANDOUT;
	return r;
}

static attr_t el_attrs[EL_COUNT];

void draw_init_colors(struct ui *ui)
{
	if (ui->color && !has_colors())
		ui->color = false;
	if (!ui->color)
		theme_init_mono(&ui->theme);
	else {
		start_color();
		use_default_colors();
	}
	for (int e = 0; e < EL_COUNT; e++) {
		struct theme_style *s = &ui->theme.el[e];
		attr_t a = theme_attrs(s->attrs);
		if (ui->color && e + 1 < COLOR_PAIRS) {
			int fg = color_of(s->fg, true, &a), bg = color_of(s->bg, false, &a);
			init_pair((short)(e + 1), (short)fg, (short)bg);
			a |= COLOR_PAIR(e + 1);
		}
		el_attrs[e] = a;
	}
}

int draw_attr(struct ui *ui, int el)
{
	return (int)el_attrs[el >= 0 && el < EL_COUNT ? el : 0];
}

/* The character at s: its wide char, its byte length and its display width.
 * Invalid bytes, non-printables and (in ASCII mode) anything beyond ASCII
 * become one '?' cell, so measuring and drawing always agree. */
static size_t next_char(struct ui *ui, const char *s, wchar_t *wc, int *cw)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	if (ui->ascii && (unsigned char)*s >= 0x80) {
		/* A UTF-8 name under a non-UTF-8 locale: one '?' per character, not
		 * one per byte (or a Latin-1 mojibake of each byte). */
		size_t n = 1;
		while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		*wc = L'?';
		*cw = 1;
		return n;
	}
	size_t n = mbrtowc(wc, s, strnlen(s, MB_LEN_MAX), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		n = 1;
	}
	*cw = wcwidth(*wc);
	if (*cw < 0 || (ui->ascii && *wc > 127)) {
		*wc = L'?';
		*cw = 1;
	}
	return n;
}

/* Display columns of text (not bytes: "─" is 3 bytes, 1 column; CJK is 2). */
int text_cols(struct ui *ui, const char *text)
{
	int cols = 0, cw;
	wchar_t wc;
	for (const char *s = text ? text : ""; *s;) {
		s += next_char(ui, s, &wc, &cw);
		cols += cw;
	}
	return cols;
}

/* Bytes of text that fit in width columns (never splitting a character). */
size_t text_fit(struct ui *ui, const char *text, int width)
{
	const char *s = text ? text : "";
	int used = 0, cw;
	wchar_t wc;
	while (*s) {
		size_t n = next_char(ui, s, &wc, &cw);
		if (used + cw > width)
			break;
		used += cw;
		s += n;
	}
	return (size_t)(s - (text ? text : ""));
}

static int put_chars(struct ui *ui, const char *s, size_t len)
{
	int used = 0, cw;
	wchar_t wc;
	for (const char *end = s + len; s < end && *s;) {
		s += next_char(ui, s, &wc, &cw);
		addnwstr(&wc, 1);
		used += cw;
	}
	return used;
}

/* Draws text clipped (with an ellipsis in the last column) or padded to
 * exactly width columns. */
void draw_text(struct ui *ui, int y, int x, int width, const char *text, int attr)
{
	if (width <= 0)
		return;
	attrset((attr_t)attr);
	move(y, x);
	const char *s = text ? text : "";
	int used;
	if (text_cols(ui, s) <= width) {
		used = put_chars(ui, s, strlen(s));
	} else {
		used = put_chars(ui, s, text_fit(ui, s, width - 1));
		addstr(glyph(ui, G_ELL));
		used++;
	}
	while (used++ < width)
		addch(' ');
	attrset(A_NORMAL);
}

/* Like draw_text, but a text too long loses its middle (CUT_MIDDLE): the head
 * (two thirds: an address's IP) and the tail (a nonce, a name's last digits)
 * both stay, "203.0.113…31068", "instance-0…2f5c4". */
void draw_text_cut(struct ui *ui, int y, int x, int width, const char *text, int attr,
		   enum draw_cut cut)
{
	const char *s = text ? text : "";
	int cols = text_cols(ui, s);
	if (cut == CUT_END || cols <= width || width < 5) {
		draw_text(ui, y, x, width, s, attr);
		return;
	}
	int head = (width - 1) * 2 / 3, tail = width - 1 - head;
	/* the tail: skip characters until what is left fits in tail columns */
	const char *t = s;
	while (*t && text_cols(ui, t) > tail)
		t += text_fit(ui, t, 1) ? text_fit(ui, t, 1) : 1;
	char *h = xstrndup(s, text_fit(ui, s, head));
	char *joined = xasprintf("%s%s%s", h, glyph(ui, G_ELL), t);
	draw_text(ui, y, x, width, joined, attr);
	free(joined);
	free(h);
}

/* Draws text over at most maxlines lines of width columns, breaking at a
 * space when one is near the end of the line; the last line ellipsizes what
 * is left. Returns the lines used (at least 1). */
int draw_wrapped(struct ui *ui, int y, int x, int width, int maxlines, const char *text, int attr)
{
	const char *s = text ? text : "";
	int lines = 0;
	do {
		size_t fit = text_fit(ui, s, width);
		if (!s[fit] || lines + 1 >= maxlines || fit == 0) {
			draw_text(ui, y + lines++, x, width, s, attr);
			break;
		}
		size_t cut = fit;
		while (cut > fit / 2 && s[cut] != ' ')
			cut--;
		if (s[cut] != ' ')
			cut = fit;
		char *line = xstrndup(s, cut);
		draw_text(ui, y + lines++, x, width, line, attr);
		free(line);
		s += cut;
		while (*s == ' ')
			s++;
	} while (*s);
	return lines ? lines : 1;
}

/* How many lines draw_wrapped would use (same rule, nothing drawn). */
int wrapped_lines(struct ui *ui, int width, int maxlines, const char *text)
{
	const char *s = text ? text : "";
	int lines = 0;
	do {
		size_t fit = text_fit(ui, s, width);
		lines++;
		if (!s[fit] || lines >= maxlines || fit == 0)
			break;
		size_t cut = fit;
		while (cut > fit / 2 && s[cut] != ' ')
			cut--;
		s += s[cut] == ' ' ? cut : fit;
		while (*s == ' ')
			s++;
	} while (*s);
	return lines;
}

static void hline_glyph(struct ui *ui, int y, int x, int n, const char *g)
{
	move(y, x);
	for (int i = 0; i < n; i++)
		addstr(g);
}

void draw_box(struct ui *ui, struct rect r, const char *title, bool focus)
{
	int a = draw_attr(ui, focus ? EL_BORDER_FOCUS : EL_BORDER);
	attrset((attr_t)a);
	mvaddstr(r.y, r.x, glyph(ui, G_TL));
	hline_glyph(ui, r.y, r.x + 1, r.w - 2, glyph(ui, G_H));
	mvaddstr(r.y, r.x + r.w - 1, glyph(ui, G_TR));
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		mvaddstr(y, r.x, glyph(ui, G_V));
		mvaddstr(y, r.x + r.w - 1, glyph(ui, G_V));
	}
	mvaddstr(r.y + r.h - 1, r.x, glyph(ui, G_BL));
	hline_glyph(ui, r.y + r.h - 1, r.x + 1, r.w - 2, glyph(ui, G_H));
	mvaddstr(r.y + r.h - 1, r.x + r.w - 1, glyph(ui, G_BR));
	attrset(A_NORMAL);
	if (title && r.w > 6) {
		char *t = xasprintf(" %s ", title);
		int len = text_cols(ui, t);
		draw_text(ui, r.y, r.x + 1, len < r.w - 3 ? len : r.w - 3, t,
			  draw_attr(ui, focus ? EL_BORDER_FOCUS : EL_TITLE));
		free(t);
	}
}

const char *fmt_size(uint64_t b, char *buf, size_t n)
{
	static const char units[] = "BKMGTP";
	int u = 0;
	double v = (double)b;
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 10)
		snprintf(buf, n, "%.0f%c", v, units[u]);
	else
		snprintf(buf, n, "%.1f%c", v, units[u]);
	return buf;
}

const char *draw_spinner(struct ui *ui)
{
	static const char *const frames[] = {"|", "/", "-", "\\"};
	return ui->ascii ? frames[ui->spinner % 4] : glyph(ui, G_SPIN);
}

/* ---- hint line, help, whole screen ---- */

