/* panes.c — the browse mode: the four panes left to right (pools, images,
 * watchers, holders), each described by its pane_ops (what a row shows on
 * its right, the message when it has no rows, its details, how it reloads),
 * and the details pane under them. The panes are drawn by iterating over
 * that table; nothing here is chosen by a pane's index. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ncursesw/curses.h>

#include "rbdwho/redact.h"
#include "ui_internal.h"

/* The right-hand column of an images row: size and watcher count. */
void images_aux(struct ui *ui, const struct pane_row *r, char *buf, size_t n)
{
	const struct image_row *ir = r->data;
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

int ui_image_row_el(const struct image_row *ir)
{
	if (ir->trashed)
		return EL_TRASHED;
	return ir->nwatchers > 0 ? EL_WATCHED : 0;
}

/* A directory image's name has no "//" (NS/IMAGE has one slash, an image
 * name none), so no directory key can equal a trash key. */
char *ui_image_row_key(const char *name, const char *trash_id)
{
	return trash_id ? xasprintf("%s//trash/%s", name, trash_id) : xstrdup(name);
}

char *ui_image_view_key(const struct image_view *iv)
{
	return ui_image_row_key(iv->chain_name, iv->trashed ? iv->trash.id : NULL);
}

bool ui_image_view_is(const struct image_view *iv, const char *key)
{
	if (!iv || !key)
		return false;
	char *mine = ui_image_view_key(iv);
	bool same = strcmp(mine, key) == 0;
	free(mine);
	return same;
}

static void pane_title(struct ui *ui, int i, char *buf, size_t n)
{
	struct pane *p = &ui->panes[i];
	int len = snprintf(buf, n, "%s (%zu", p->title, p->nrows);
	if (p->filter)
		len += snprintf(buf + len, n - (size_t)len, ", %zu shown", p->nvis);
	len += snprintf(buf + len, n - (size_t)len, ")");
	if (p->state == PANE_LOADING)
		snprintf(buf + len, n - (size_t)len, " %s", draw_spinner(ui));
	if (p->filter)
		snprintf(buf + strlen(buf), n - strlen(buf), " /%s", p->filter);
}

/* Bytes all rows on screen share at their start ("volume-0000000" when the
 * names differ only after it): a cut must not hide what follows. */
static size_t common_prefix(struct pane *p, size_t first, size_t n)
{
	struct pane_row *a = first < p->nvis ? pane_visible(p, first) : NULL;
	size_t len = a ? strlen(a->text) : 0;
	for (size_t i = first + 1; a && i < first + n && i < p->nvis && len; i++) {
		const char *b = pane_visible(p, i)->text;
		size_t k = 0;
		while (k < len && b[k] == a->text[k])
			k++;
		len = k;
	}
	/* never inside a UTF-8 character */
	while (a && len && ((unsigned char)a->text[len] & 0xC0) == 0x80)
		len--;
	return first + 1 < p->nvis && n > 1 ? len : 0;
}

/* A row's text for width columns: when the rows share a start longer than half
 * the room, that start gives way to an ellipsis so the part that differs shows. */
static char *row_text(struct ui *ui, const char *text, size_t shared, int width)
{
	if (text_cols(ui, text) <= width || shared < 4 || (int)shared < width / 2)
		return xstrdup(text);
	return xasprintf("%s%s", glyph(ui, G_ELL), text + shared - 3);
}

static void draw_row(struct ui *ui, int i, struct rect r, size_t vi, int y, size_t shared)
{
	struct pane *p = &ui->panes[i];
	struct pane_row *row = pane_visible(p, vi);
	bool sel = vi == p->cursor;
	int el = sel ? (i == ui->focus ? EL_CURSOR : EL_CURSOR_DIM) : row->el;
	char aux[64];
	if (pane_ops[i].aux)
		pane_ops[i].aux(ui, row, aux, sizeof aux);
	else
		snprintf(aux, sizeof aux, "%s", row->aux ? row->aux : "");
	int inner = r.w - 2, auxw = text_cols(ui, aux);
	if (auxw > inner / 2)
		auxw = inner / 2;
	draw_text(ui, y, r.x + 1, 1, sel ? glyph(ui, G_CURSOR) : " ", draw_attr(ui, el));
	int aux_el = sel ? el : row->el == EL_WATCHED || row->el == 0 ? EL_DIM : row->el;
	int tw = inner - 1 - auxw - (auxw ? 1 : 0);
	char *text = row_text(ui, row->text, shared, tw);
	draw_text_cut(ui, y, r.x + 2, tw, text, draw_attr(ui, el), pane_ops[i].cut);
	free(text);
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
	size_t shared = common_prefix(p, p->top, (size_t)(inner_h > 0 ? inner_h : 0));
	for (int y = 0; y < inner_h; y++) {
		size_t vi = p->top + (size_t)y;
		if (vi < p->nvis) {
			draw_row(ui, i, r, vi, r.y + 1 + y, shared);
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
		if (y == 0 && p->nvis == 0 && p->state == PANE_LOADING) {
			/* what it waits for, and from whom: a hung backend has a name */
			char stage[200], *line;
			work_stage_text(pane_ops[i].slot, stage, sizeof stage);
			line = xasprintf("%s%s%s", ui->ascii ? "loading..." : "loading…",
					 *stage ? " " : "", stage);
			int room = inner_h > 3 ? 3 : inner_h;
			y += draw_wrapped(ui, r.y + 1, r.x + 1, r.w - 2, room, line,
					  draw_attr(ui, EL_DIM)) - 1;
			free(line);
			continue;
		}
		if (y == (p->nvis ? inner_h - 1 : 0) && p->state == PANE_ERROR)
			msg = p->error, el = EL_ERROR;
		else if (y == 0 && p->nvis == 0 && p->nrows)
			msg = "nothing matches the filter";
		else if (y == 0 && p->nvis == 0 && p->state == PANE_IDLE &&
			 (i == 0 || pane_selected(&ui->panes[i - 1]))) {
			/* why the pane is empty, whole: wrapped over a few lines */
			int room = inner_h > 3 ? 3 : inner_h;
			y += draw_wrapped(ui, r.y + 1, r.x + 1, r.w - 2, room, pane_ops[i].empty(ui),
					  draw_attr(ui, EL_DIM)) - 1;
			continue;
		}
		draw_text(ui, r.y + 1 + y, r.x + 1, r.w - 2, msg, draw_attr(ui, el));
	}
	/* an error with rows on screen replaces the last row */
	if (p->state == PANE_ERROR && p->nvis >= (size_t)inner_h && inner_h > 0)
		draw_text(ui, r.y + inner_h, r.x + 1, r.w - 2, p->error, draw_attr(ui, EL_ERROR));
}

#define PANE_MIN_COLS 14

static void layout(struct ui *ui, int top, int h)
{
	int x = 0;
	for (int i = 0; i < UP_COUNT; i++) {
		int w = COLS * pane_ops[i].width / 100;
		if (w < PANE_MIN_COLS)
			w = PANE_MIN_COLS;
		if (i + 1 == UP_COUNT || x + w > COLS)
			w = COLS - x;
		ui->rects[i] = (struct rect){top, x, h, w};
		x += w;
	}
}

/* ---- details ---- */

static void vadd(struct detail_lines *l, int el, const char *label, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vadd(struct detail_lines *l, int el, const char *label, const char *fmt, va_list ap)
{
	char *v = NULL;
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	xgrow(&l->el, &l->cap, l->label.n, sizeof *l->el);
	l->el[l->label.n] = el;
	strvec_push(&l->label, label);
	/* Everything shown passed through the redactor already; sanitize anyway. */
	char *safe = sanitize_terminal(v ? v : "");
	strvec_push_owned(&l->value, safe);
	free(v);
}

static void add(struct detail_lines *l, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct detail_lines *l, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(l, EL_NORMAL, label, fmt, ap);
	va_end(ap);
}

/* A line in a state's colour (a verdict); the dialogs' facts too. */
void detail_add(struct detail_lines *l, int el, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(l, el, label, fmt, ap);
	va_end(ap);
}

static const char *nz(const char *s)
{
	return s ? s : "-";
}

/* "2025-12-03 12:00 UTC" (a terminal's time zone would make the screen vary). */
static const char *fmt_utc(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, n, "an unknown time");
	return buf;
}

/* The trash entry of a trashed image: where it went, when, and since when
 * `rbd trash rm` takes it without --force. */
static void trash_details(struct detail_lines *l, const struct image_view *iv)
{
	char when[40], until[40];
	fmt_utc(iv->trash.deleted, when, sizeof when);
	fmt_utc(iv->trash.deferment_end, until, sizeof until);
	detail_add(l, EL_TRASHED, "trashed", "in the rbd trash%s: id %s  moved %s  by %s%s%s",
		   iv->nwatchers ? ", still held" : "", nz(iv->trash.id), when,
		   ceph_trash_source_name(iv->trash.source),
		   iv->trash.deferment_end > iv->trash.deleted ? "  removable from " : "",
		   iv->trash.deferment_end > iv->trash.deleted ? until : "");
}

#define CLONES_SHOWN 3  /* children named in the details line; the rest counted */

/* The image's parent and children: loading, failed (named), or known. */
static void clones_details(struct ui *ui, struct detail_lines *l, const char *key)
{
	const struct clones_view *c = &ui->clones;
	if (!c->image || strcmp(c->image, key) != 0 || c->state == CLONES_NONE)
		return;
	if (c->state == CLONES_LOADING) {  /* and what it waits for */
		char stage[200];
		work_stage_text(GEN_CLONES, stage, sizeof stage);
		add(l, "clones", "%s%s%s", ui->ascii ? "loading..." : "loading…", *stage ? " " : "",
		    stage);
		return;
	}
	if (c->state == CLONES_FAILED) {
		detail_add(l, EL_ERROR, "clones", "could not be read: %s", nz(c->error));
		return;
	}
	if (c->info.has_parent) {
		char *spec = ceph_clone_ref_spec(&c->info.parent);
		add(l, "parent", "%s%s", spec, c->info.parent.trash ? " (in trash)" : "");
		free(spec);
	}
	char *kids = ceph_clone_children_brief(&c->info, CLONES_SHOWN);
	add(l, "clones", "%s", kids);
	free(kids);
}

void images_details(struct ui *ui, struct detail_lines *l)
{
	const char *key = pane_selected_key(&ui->panes[UP_IMAGES]);
	struct image_view *iv = ui->iv;
	if (!key)
		return;
	if (!ui_image_view_is(iv, key)) {
		const struct image_row *ir = pane_selected(&ui->panes[UP_IMAGES])->data;
		add(l, "image", "%s/%s", ui->cur_pool, ir ? ir->name : key);
		if (ir && ir->trashed)
			detail_add(l, EL_TRASHED, "trashed", "in the rbd trash: id %s", ir->id);
		if (ui->panes[UP_WATCHERS].state == PANE_ERROR)
			add(l, "error", "%s", ui->panes[UP_WATCHERS].error);
		clones_details(ui, l, key);
		return;
	}
	char sz[16];
	add(l, "image", "%s/%s  id %s  %s  %s", iv->pool, iv->chain_name, nz(iv->info.id),
	    fmt_size(iv->info.size, sz, sizeof sz), nz(iv->info.block_name_prefix));
	if (iv->trashed)
		trash_details(l, iv);
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
	clones_details(ui, l, key);
	for (size_t i = 0; i < iv->notes.n; i++)
		add(l, "note", "%s", iv->notes.v[i]);
}

void watchers_details(struct ui *ui, struct detail_lines *l)
{
	struct watcher_view *w = ui_selected_watcher(ui);
	if (!w) {  /* no watcher (left): the image is what there is to show */
		images_details(ui, l);
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
	detail_add(l, ui_verdict_el(w->verdict), "verdict", "%s: %s", verdict_name(w->verdict),
	       nz(w->reason));
	if (w->holders_error)
		add(l, "holders", "%s", w->holders_error);
}

void holders_details(struct ui *ui, struct detail_lines *l)
{
	struct holder *h = ui_selected_holder(ui);
	if (!h) {
		watchers_details(ui, l);
		return;
	}
	add(l, "holder", "%s %s  uuid %s  %s", holder_kind_name(h->kind), nz(h->name), nz(h->uuid),
	    h->display_name ? h->display_name : "");
	add(l, "where", "host %s  %s  state %s  pid %d  user %s", nz(h->host), nz(h->libvirt_uri),
	    nz(h->libvirt_state), (int)h->pid, nz(h->user));
	if (h->nova.state == NOVA_FOUND)
		add(l, "nova", "%s %s  status %s  host %s  project %s  task %s", nz(h->nova.server.id),
		    nz(h->nova.server.name), nz(h->nova.server.status), nz(h->nova.server.host),
		    nz(h->nova.server.project_id), nz(h->nova.server.task_state));
	else
		add(l, "nova", "%s%s%s", ui_nova_label(h->nova.state), h->nova.error ? ": " : "",
		    h->nova.error ? h->nova.error : "");
	detail_add(l, ui_verdict_el(h->verdict), "verdict", "%s: %s", verdict_name(h->verdict),
	       nz(h->reason));
	if (h->cmdline)
		add(l, "cmdline", "%s", h->cmdline);
}

void pools_details(struct ui *ui, struct detail_lines *l)
{
	struct pane_row *r = pane_selected(&ui->panes[UP_POOLS]);
	const struct pool_row *pr = r ? r->data : NULL;
	if (pr && pr->nspace)
		add(l, "namespace", "%s/%s  %s images (the rbd trash included)", pr->pool,
		    *pr->nspace ? pr->nspace : "(default)", r->aux ? r->aux : "?");
	else if (r)
		add(l, "pool", "%s  %s images%s", r->key, r->aux ? r->aux : "?",
		    pr && pr->info.nns ? "  (every namespace; each has its row below)" : "");
}

static void draw_details(struct ui *ui, struct rect r)
{
	struct detail_lines l = {0};
	/* what the focused pane, or one it feeds, is waiting for, and from whom */
	for (int i = ui->focus; i < UP_COUNT; i++) {
		char stage[200];
		work_stage_text(pane_ops[i].slot, stage, sizeof stage);
		if (*stage) {
			detail_add(&l, EL_DIM, "waiting", "%s", stage);
			break;
		}
	}
	pane_ops[ui->focus].details(ui, &l);
	draw_box(ui, r, "Details", false);
	int y = r.y + 1, inner = r.w - 2;
	for (size_t i = 0; i < l.label.n && y < r.y + r.h - 1; i++) {
		int lw = 10;
		draw_text(ui, y, r.x + 1, lw, l.label.v[i], draw_attr(ui, EL_LABEL));
		const char *v = l.value.v[i];
		int el = l.el[i];
		/* the last value (the command line) wraps over the lines left */
		int room = i + 1 == l.label.n ? r.y + r.h - 1 - y : 1;
		y += draw_wrapped(ui, y, r.x + 1 + lw, inner - lw, room, v, draw_attr(ui, el));
	}
	for (; y < r.y + r.h - 1; y++)
		draw_text(ui, y, r.x + 1, inner, "", A_NORMAL);
	detail_lines_free(&l);
}

void detail_lines_free(struct detail_lines *l)
{
	strvec_free(&l->label);
	strvec_free(&l->value);
	free(l->el);
}

void browse_draw(struct ui *ui)
{
	int det_h = LINES / 3 > 5 ? LINES / 3 : 5;
	int top = 1, ph = LINES - 2 - det_h;
	layout(ui, top, ph);
	for (int i = 0; i < UP_COUNT; i++)
		draw_pane(ui, i);
	draw_details(ui, (struct rect){top + ph, 0, det_h, COLS});
}

/* How the browser names Nova's answer, wherever it shows it. */
static const char *const nova_labels[] = {
	[NOVA_NOT_ASKED] = "not asked", [NOVA_FOUND] = "found", [NOVA_GONE] = "404: gone",
	[NOVA_ERROR] = "no answer",
};

const char *ui_nova_label(enum nova_state s)
{
	return (unsigned)s < sizeof nova_labels / sizeof nova_labels[0] ? nova_labels[s] : "?";
}

static const int verdict_els[] = {
	[VERDICT_UNKNOWN] = EL_UNKNOWN, [VERDICT_ATTACHED] = EL_ATTACHED, [VERDICT_ORPHAN] = EL_ORPHAN,
	[VERDICT_DEAD_CLIENT] = EL_DEAD, [VERDICT_CONFLICT] = EL_CONFLICT,
};

int ui_verdict_el(enum verdict v)
{
	return (unsigned)v < sizeof verdict_els / sizeof verdict_els[0] ? verdict_els[v] : EL_UNKNOWN;
}

const char *pools_empty(struct ui *ui)
{
	return ui->ch ? "no pools" : "";
}

const char *images_empty(struct ui *ui)
{
	const struct pane_row *r = ui->cur_pool ? pane_find(&ui->panes[UP_POOLS], ui->cur_pool) : NULL;
	const struct pool_row *pr = r ? r->data : NULL;
	if (pr && pr->counted && !pr->info.rbd)
		return "not an rbd pool: the rbd application is not enabled on it";
	if (ui->cur_ns)
		return "no images in this namespace";
	return ui->cur_pool ? "no images in this pool" : "";
}

const char *watchers_empty(struct ui *ui)
{
	return ui->iv ? "no watchers" : "";
}

const char *holders_empty(struct ui *ui)
{
	const struct watcher_view *w = ui_selected_watcher(ui);
	return w && w->resolved ? "no holder found" : "";
}

const struct pane_ops pane_ops[UP_COUNT] = {
#define PANE_ROW(e, title, free_data, load, reload, aux, empty, details, cut, width, slot) \
	[UP_##e] = {title, free_data, load, reload, aux, empty, details, CUT_##cut, width, GEN_##slot},
	PANE_INFO(PANE_ROW)
#undef PANE_ROW
};
