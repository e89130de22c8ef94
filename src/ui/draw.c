/* draw.c — everything the browser puts on the screen: colours from the theme,
 * the header, the four panes, the details pane, the hint line and the help.
 * Reads the UI state, never changes what is loaded. UI thread only. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

#define MIN_COLS 60
#define MIN_LINES 15

static const char *const glyphs_utf8[] = {
	[G_TL] = "┌", [G_H] = "─", [G_TR] = "┐", [G_V] = "│", [G_BL] = "└", [G_BR] = "┘",
	[G_CURSOR] = "▶", [G_DOT] = "●", [G_SPIN] = "⟳", [G_OK] = "✓", [G_BAD] = "✗",
	[G_ELL] = "…", [G_FULL] = "█", [G_EMPTY] = "░",
};
static const char *const glyphs_ascii[] = {
	[G_TL] = "+", [G_H] = "-", [G_TR] = "+", [G_V] = "|", [G_BL] = "+", [G_BR] = "+",
	[G_CURSOR] = ">", [G_DOT] = "*", [G_SPIN] = "*", [G_OK] = "ok", [G_BAD] = "X",
	[G_ELL] = "~", [G_FULL] = "#", [G_EMPTY] = ".",
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

static const char *spinner(struct ui *ui)
{
	static const char *const frames[] = {"|", "/", "-", "\\"};
	return ui->ascii ? frames[ui->spinner % 4] : glyph(ui, G_SPIN);
}

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
		buf_printf(&b, " %s %s %zu job%s", glyph(ui, G_V), spinner(ui), n, n == 1 ? "" : "s");
	if (ui->o->read_only)
		buf_printf(&b, " %s read-only", glyph(ui, G_V));
	draw_text(ui, 0, 0, COLS, b.p, draw_attr(ui, EL_HEADER));
	buf_free(&b);
}

/* The right-hand column of an images row: size and watcher count. */
static void image_aux(struct ui *ui, struct pane_row *r, char *buf, size_t n)
{
	struct image_row *ir = r->data;
	char sz[16];
	if (!ir || (!ir->probed && !ir->pending))
		snprintf(buf, n, " ");
	else if (ir->pending)
		snprintf(buf, n, "%s", glyph(ui, G_ELL));
	else if (ir->nwatchers > 0)
		snprintf(buf, n, "%s %s%d", fmt_size(ir->size, sz, sizeof sz), glyph(ui, G_DOT),
			 ir->nwatchers);
	else
		snprintf(buf, n, "%s   ", fmt_size(ir->size, sz, sizeof sz));
}

static void pane_title(struct ui *ui, int i, char *buf, size_t n)
{
	struct pane *p = &ui->panes[i];
	int len = snprintf(buf, n, "%s (%zu", p->title, p->nrows);
	if (p->filter)
		len += snprintf(buf + len, n - (size_t)len, ", %zu shown", p->nvis);
	len += snprintf(buf + len, n - (size_t)len, ")");
	if (p->state == PANE_LOADING)
		snprintf(buf + len, n - (size_t)len, " %s", spinner(ui));
	if (p->filter)
		snprintf(buf + strlen(buf), n - strlen(buf), " /%s", p->filter);
}

static void draw_row(struct ui *ui, int i, struct rect r, size_t vi, int y)
{
	struct pane *p = &ui->panes[i];
	struct pane_row *row = pane_visible(p, vi);
	bool sel = vi == p->cursor;
	int el = sel ? (i == ui->focus ? EL_CURSOR : EL_CURSOR_DIM) : row->el;
	char aux[64];
	if (i == UP_IMAGES)
		image_aux(ui, row, aux, sizeof aux);
	else
		snprintf(aux, sizeof aux, "%s", row->aux ? row->aux : "");
	int inner = r.w - 2, auxw = text_cols(ui, aux);
	if (auxw > inner / 2)
		auxw = inner / 2;
	draw_text(ui, y, r.x + 1, 1, sel ? glyph(ui, G_CURSOR) : " ", draw_attr(ui, el));
	int aux_el = sel ? el : row->el == EL_WATCHED || row->el == 0 ? EL_DIM : row->el;
	draw_text(ui, y, r.x + 2, inner - 1 - auxw - (auxw ? 1 : 0), row->text, draw_attr(ui, el));
	if (auxw) {
		draw_text(ui, y, r.x + inner - auxw, 1, " ", draw_attr(ui, el));
		draw_text(ui, y, r.x + inner - auxw + 1, auxw, aux, draw_attr(ui, aux_el));
	}
}

static void draw_pane(struct ui *ui, int i)
{
	struct pane *p = &ui->panes[i];
	struct rect r = ui->rects[i];
	char title[256];
	pane_title(ui, i, title, sizeof title);
	draw_box(ui, r, title, i == ui->focus);
	int inner_h = r.h - 2;
	pane_set_height(p, (size_t)(inner_h > 0 ? inner_h : 1));
	for (int y = 0; y < inner_h; y++) {
		size_t vi = p->top + (size_t)y;
		if (vi < p->nvis) {
			draw_row(ui, i, r, vi, r.y + 1 + y);
			continue;
		}
		const char *msg = "";
		int el = EL_DIM;
		if (y == 0 && p->nvis == 0 && p->state == PANE_ERROR) {
			/* alone in the pane: wrap it, a clipped error says nothing */
			int room = inner_h > 4 ? 4 : inner_h;
			y += draw_wrapped(ui, r.y + 1, r.x + 1, r.w - 2, room, p->error,
					  draw_attr(ui, EL_ERROR)) - 1;
			continue;
		}
		if (y == 0 && p->nvis == 0 && p->state == PANE_LOADING)
			msg = "loading…";
		else if (y == (p->nvis ? inner_h - 1 : 0) && p->state == PANE_ERROR)
			msg = p->error, el = EL_ERROR;
		else if (y == 0 && p->nvis == 0 && p->nrows)
			msg = "nothing matches the filter";
		else if (y == 0 && p->nvis == 0 && i > 0 && ui->panes[i - 1].nvis && p->state == PANE_IDLE)
			msg = i == UP_WATCHERS && ui->iv ? "no watchers" : i == UP_HOLDERS && ui->iv ? "no holder found" : "";
		if (ui->ascii && strcmp(msg, "loading…") == 0)
			msg = "loading...";
		draw_text(ui, r.y + 1 + y, r.x + 1, r.w - 2, msg, draw_attr(ui, el));
	}
	/* an error with rows on screen replaces the last row */
	if (p->state == PANE_ERROR && p->nvis >= (size_t)inner_h && inner_h > 0)
		draw_text(ui, r.y + inner_h, r.x + 1, r.w - 2, p->error, draw_attr(ui, EL_ERROR));
}

static void layout(struct ui *ui, int top, int h)
{
	int w = COLS;
	int wp = w * 16 / 100 < 14 ? 14 : w * 16 / 100;
	int wi = w * 32 / 100, ww = w * 24 / 100;
	int wh = w - wp - wi - ww;
	int xs[UP_COUNT] = {0, wp, wp + wi, wp + wi + ww};
	int ws[UP_COUNT] = {wp, wi, ww, wh};
	for (int i = 0; i < UP_COUNT; i++)
		ui->rects[i] = (struct rect){top, xs[i], h, ws[i]};
}

/* ---- details ---- */

struct lines {
	struct strvec label, value;
};

static void add(struct lines *l, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct lines *l, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = NULL;
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	strvec_push(&l->label, label);
	/* Everything shown passed through the redactor already; sanitize anyway. */
	char *safe = sanitize_terminal(v ? v : "");
	strvec_push_owned(&l->value, safe);
	free(v);
}

static const char *nz(const char *s)
{
	return s ? s : "-";
}

static void details_image(struct ui *ui, struct lines *l)
{
	const char *key = pane_selected_key(&ui->panes[UP_IMAGES]);
	struct image_view *iv = ui->iv;
	if (!key)
		return;
	if (!iv || strcmp(iv->image, key) != 0) {
		add(l, "image", "%s/%s", ui->cur_pool, key);
		if (ui->panes[UP_WATCHERS].state == PANE_ERROR)
			add(l, "error", "%s", ui->panes[UP_WATCHERS].error);
		return;
	}
	char sz[16];
	add(l, "image", "%s/%s  id %s  %s  %s", iv->pool, iv->image, nz(iv->info.id),
	    fmt_size(iv->info.size, sz, sizeof sz), nz(iv->info.block_name_prefix));
	add(l, "features", "%s", nz(iv->info.features_str));
	if (iv->volume_uuid) {
		static const char *cs[] = {"not a volume", "OpenStack not configured", "found",
					   "GONE (404)", "error"};
		if (iv->cinder_state == CINDER_FOUND)
			add(l, "cinder", "volume %s  %s  status %s  attachments %zu", iv->volume_uuid,
			    nz(iv->cinder.name), nz(iv->cinder.status), iv->cinder.natt);
		else
			add(l, "cinder", "volume %s: %s %s", iv->volume_uuid, cs[iv->cinder_state],
			    iv->cinder_error ? iv->cinder_error : "");
	}
	if (iv->instance_uuid)
		add(l, "nova disk", "ephemeral disk of instance %s", iv->instance_uuid);
	add(l, "watchers", "%zu%s%s", iv->nwatchers, iv->watchers_error ? ": " : "",
	    iv->watchers_error ? iv->watchers_error : "");
	for (size_t i = 0; i < iv->notes.n; i++)
		add(l, "note", "%s", iv->notes.v[i]);
}

static void details_watcher(struct ui *ui, struct lines *l)
{
	struct watcher_view *w = ui_selected_watcher(ui);
	if (!w) {  /* no watcher (left): the image is what there is to show */
		details_image(ui, l);
		return;
	}
	add(l, "watcher", "%s  client.%llu  cookie %llu", w->address,
	    (unsigned long long)w->client, (unsigned long long)w->cookie);
	if (!w->resolved) {
		add(l, "host", "resolving%s", glyph(ui, G_ELL));
		return;
	}
	add(l, "host", "%s (%s)  libvirt %s", w->host ? w->host : "unmapped",
	    host_source_name(w->host_source), nz(w->libvirt_uri));
	if (w->cephx_user)
		add(l, "cephx", "%s", w->cephx_user);
	add(l, "verdict", "%s: %s", verdict_name(w->verdict), nz(w->reason));
	if (w->holders_error)
		add(l, "holders", "%s", w->holders_error);
}

static void details_holder(struct ui *ui, struct lines *l)
{
	struct holder *h = ui_selected_holder(ui);
	if (!h) {
		details_watcher(ui, l);
		return;
	}
	add(l, "holder", "%s %s  uuid %s  %s", holder_kind_name(h->kind), nz(h->name), nz(h->uuid),
	    h->display_name ? h->display_name : "");
	add(l, "where", "host %s  %s  state %s  pid %d  user %s", nz(h->host), nz(h->libvirt_uri),
	    nz(h->libvirt_state), (int)h->pid, nz(h->user));
	static const char *ns[] = {"not asked", "found", "404: gone", "no answer"};
	if (h->nova.state == NOVA_FOUND)
		add(l, "nova", "%s %s  status %s  host %s  project %s  task %s", nz(h->nova.server.id),
		    nz(h->nova.server.name), nz(h->nova.server.status), nz(h->nova.server.host),
		    nz(h->nova.server.project_id), nz(h->nova.server.task_state));
	else
		add(l, "nova", "%s%s%s", ns[h->nova.state], h->nova.error ? ": " : "",
		    h->nova.error ? h->nova.error : "");
	add(l, "verdict", "%s: %s", verdict_name(h->verdict), nz(h->reason));
	if (h->cmdline)
		add(l, "cmdline", "%s", h->cmdline);
}

static void details_pool(struct ui *ui, struct lines *l)
{
	struct pane_row *r = pane_selected(&ui->panes[UP_POOLS]);
	if (r)
		add(l, "pool", "%s  %s images", r->key, r->aux ? r->aux : "?");
}

static void draw_details(struct ui *ui, struct rect r)
{
	struct lines l = {0};
	void (*fill[UP_COUNT])(struct ui *, struct lines *) = {
		details_pool, details_image, details_watcher, details_holder,
	};
	fill[ui->focus](ui, &l);
	draw_box(ui, r, "Details", false);
	int y = r.y + 1, inner = r.w - 2;
	for (size_t i = 0; i < l.label.n && y < r.y + r.h - 1; i++) {
		int lw = 10;
		draw_text(ui, y, r.x + 1, lw, l.label.v[i], draw_attr(ui, EL_LABEL));
		const char *v = l.value.v[i];
		int el = strstr(v, "ORPHAN") == v ? EL_ORPHAN : EL_NORMAL;
		/* the last value (the command line) wraps over the lines left */
		int room = i + 1 == l.label.n ? r.y + r.h - 1 - y : 1;
		y += draw_wrapped(ui, y, r.x + 1 + lw, inner - lw, room, v, draw_attr(ui, el));
	}
	for (; y < r.y + r.h - 1; y++)
		draw_text(ui, y, r.x + 1, inner, "", A_NORMAL);
	strvec_free(&l.label);
	strvec_free(&l.value);
}

/* ---- hint line, help, whole screen ---- */

static const char *first_key(struct ui *ui, enum request r)
{
	return ui->km.nkeys[r] ? keymap_key_name(ui->km.keys[r][0]) : "-";
}

static void draw_hints(struct ui *ui)
{
	int y = LINES - 1;
	if (ui->mode == MODE_PROMPT) {
		static const char *const labels[] = {"/", ":", "confirm: "};
		char *t = xasprintf("%s%s", labels[ui->prompt_kind], ui->prompt);
		draw_text(ui, y, 0, COLS, t, draw_attr(ui, EL_MATCH));
		free(t);
		return;
	}
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
		if (strcmp(k, "Enter") == 0 && !ui->ascii)
			k = "⏎";
		buf_printf(&b, " %s %s ", k, hints[i].what);
	}
	draw_text(ui, y, 0, COLS, b.p, draw_attr(ui, EL_HINTS));
	buf_free(&b);
}

static void draw_help(struct ui *ui)
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
	int det_h = LINES / 3 > 5 ? LINES / 3 : 5;
	int top = 1, ph = LINES - 2 - det_h;
	layout(ui, top, ph);
	if (ui->mode == MODE_HELP) {
		draw_help(ui);
	} else if (ui->scan.shown) {
		ui->scan_rect = (struct rect){top, 0, ph + det_h, COLS};
		scan_draw(ui);
	} else {
		for (int i = 0; i < UP_COUNT; i++)
			draw_pane(ui, i);
		draw_details(ui, (struct rect){top + ph, 0, det_h, COLS});
	}
	if (ui->mode == MODE_DIALOG)
		dialog_draw(ui);
	draw_hints(ui);
	refresh();
}
