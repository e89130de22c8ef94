/* ui.c — the browser's loop: poll the terminal and the workers' wake fd, turn
 * keys into requests, merge results into the panes, decide what to load next
 * (lazily, for the current selection only), redraw. Never blocks. */
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

#include "rbdwho/ui.h"
#include "ui_internal.h"

#define UI_WORKERS 4
#define UI_QUIT_WAIT_MS 500

void ui_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(ui->status);
	if (vasprintf(&ui->status, fmt, ap) < 0)
		ui->status = NULL;
	va_end(ap);
	ui->status_error = error;
	ui->status_ms = clock_ms();
}

static void submit(struct ui *ui, struct job *j)
{
	jobs_submit(ui->js, j);
}

static void bump(struct ui *ui, enum gen_slot s)
{
	atomic_fetch_add(&ui->gen[s], 1);
	work_stage_clear(s);  /* the old subject's wait is not the new one's */
}

static void set_str(char **dst, const char *src)
{
	char *c = xstrdup(src);
	free(*dst);
	*dst = c;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- what the selection asks for ---- */

static void connect_start(struct ui *ui)
{
	ui->connecting = true;
	free(ui->conn_error);
	ui->conn_error = NULL;
	pane_set_loading(&ui->panes[UP_POOLS]);
	submit(ui, work_job(ui, JOB_CONNECT));
}

static void load_pools(struct ui *ui)
{
	bump(ui, GEN_POOLS);
	pane_clear(&ui->panes[UP_POOLS]);
	pane_set_loading(&ui->panes[UP_POOLS]);
	ui->pools_loaded = true;
	submit(ui, work_job(ui, JOB_POOLS));
}

static void clones_clear(struct clones_view *c)
{
	ceph_clone_info_clear(&c->info);
	free(c->image);
	free(c->error);
	memset(c, 0, sizeof *c);
}

static void clear_from(struct ui *ui, int first, bool keep_selection)
{
	for (int p = first; p < UP_COUNT; p++) {
		if (keep_selection)
			pane_clear(&ui->panes[p]);
		else
			pane_reset(&ui->panes[p]);
		pane_set_idle(&ui->panes[p]);
	}
	if (first <= UP_WATCHERS) {
		image_view_free(ui->iv);
		ui->iv = NULL;
		clones_clear(&ui->clones);
		bump(ui, GEN_WATCHERS);
		bump(ui, GEN_CLONES);
		free(ui->cur_image);
		ui->cur_image = NULL;
	}
	if (first <= UP_HOLDERS) {
		bump(ui, GEN_HOLDERS);
		ui->resolving = false;
		free(ui->cur_watcher);
		ui->cur_watcher = NULL;
	}
}

/* The images of a pools-pane row: scope is its key, ns its namespace ("":
 * the default one; NULL: the whole pool). */
static void load_images(struct ui *ui, const char *scope, const char *pool, const char *ns,
			bool keep_selection)
{
	char *keep_ns = ns ? xstrdup(ns) : NULL;  /* ns may be cur_ns itself */
	set_str(&ui->cur_scope, scope);
	set_str(&ui->cur_pool, pool);
	free(ui->cur_ns);
	ui->cur_ns = keep_ns;
	bump(ui, GEN_IMAGES);
	clear_from(ui, UP_IMAGES, keep_selection);
	char *title = !ns ? xasprintf("%s: images", pool)
		      : *ns ? xasprintf("%s/%s: images", pool, ns)
			    : xasprintf("%s (default ns): images", pool);
	pane_set_title(&ui->panes[UP_IMAGES], title);
	free(title);
	pane_set_loading(&ui->panes[UP_IMAGES]);
	struct job *j = work_job(ui, JOB_IMAGES);
	work_of(j)->u.images.pool = xstrdup(pool);
	work_of(j)->u.images.nspace = ns ? xstrdup(ns) : NULL;
	submit(ui, j);
}

/* The images of the selected pools-pane row: a pool, or one of its namespaces. */
static void load_images_of(struct ui *ui, const struct pane_row *r, bool keep_selection)
{
	const struct pool_row *pr = r->data;
	load_images(ui, r->key, pr && pr->pool ? pr->pool : r->key, pr ? pr->nspace : NULL,
		    keep_selection);
}

/* What the images row keyed key names to the chain: its name and, for a
 * trash row, its trash id (borrowed). A row gone since (a reload) is known
 * from the image on screen; else the key is a directory image's name. */
static void image_of_key(struct ui *ui, const char *key, const char **name,
			 const char **trash_id)
{
	const struct pane_row *r = pane_find(&ui->panes[UP_IMAGES], key);
	const struct image_row *ir = r ? r->data : NULL;
	*name = key;
	*trash_id = NULL;
	if (ir) {
		*name = ir->name;
		*trash_id = ir->trashed ? ir->id : NULL;
	} else if (ui_image_view_is(ui->iv, key)) {
		*name = ui->iv->chain_name;
		*trash_id = ui->iv->trashed ? ui->iv->trash.id : NULL;
	}
}

/* The image's parent and clones, on their own job: a parent with many clones
 * is slow to read, and the watchers must not wait for it. */
static void load_clones(struct ui *ui, const char *key, const char *name, const char *trash_id)
{
	ui->clones.state = CLONES_LOADING;
	ui->clones.image = xstrdup(key);
	struct job *j = work_job(ui, JOB_CLONES);
	struct pl_clones *p = &work_of(j)->u.clones;
	p->pool = xstrdup(ui->cur_pool);
	p->image = xstrdup(name);
	p->trash_id = trash_id ? xstrdup(trash_id) : NULL;
	submit(ui, j);
}

/* key: the images row's key (ui_image_row_key), which becomes cur_image. */
static void load_image(struct ui *ui, const char *key, bool keep_selection)
{
	const char *name, *trash_id;
	image_of_key(ui, key, &name, &trash_id);
	/* copies first: clear_from frees the image view they may point into */
	char *n = xstrdup(name), *t = trash_id ? xstrdup(trash_id) : NULL, *k = xstrdup(key);
	clear_from(ui, UP_WATCHERS, keep_selection);
	set_str(&ui->cur_image, k);
	pane_set_loading(&ui->panes[UP_WATCHERS]);
	struct job *j = work_job(ui, JOB_LOAD_IMAGE);
	work_of(j)->u.image.pool = xstrdup(ui->cur_pool);
	work_of(j)->u.image.image = xstrdup(n);
	work_of(j)->u.image.trash_id = t ? xstrdup(t) : NULL;
	submit(ui, j);
	load_clones(ui, k, n, t);
	free(n);
	free(t);
	free(k);
}

void ui_refresh_image(struct ui *ui)
{
	if (ui->cur_image) {
		char *image = xstrdup(ui->cur_image);
		load_image(ui, image, true);
		free(image);
	}
}

struct watcher_view *ui_selected_watcher(struct ui *ui)
{
	const char *key = pane_selected_key(&ui->panes[UP_WATCHERS]);
	for (size_t i = 0; key && ui->iv && i < ui->iv->nwatchers; i++)
		if (strcmp(ui->iv->watchers[i].address, key) == 0)
			return &ui->iv->watchers[i];
	return NULL;
}

struct holder *ui_selected_holder(struct ui *ui)
{
	struct watcher_view *w = ui_selected_watcher(ui);
	struct pane_row *r = pane_selected(&ui->panes[UP_HOLDERS]);
	if (!w || !r || !w->resolved)
		return NULL;
	size_t i = (size_t)(intptr_t)r->data - 1;
	return i < w->nholders ? &w->holders[i] : NULL;
}

static void fill_holders(struct ui *ui, struct watcher_view *w)
{
	struct pane *p = &ui->panes[UP_HOLDERS];
	pane_clear(p);
	pane_set_idle(p);
	if (w->holders_error && w->nholders == 0)
		pane_set_error(p, w->holders_error);
	for (size_t i = 0; i < w->nholders; i++) {
		struct holder *h = &w->holders[i];
		const char *name = h->name ? h->name : holder_kind_name(h->kind);
		char *key = xasprintf("%s/%s", h->uuid ? h->uuid : "", name);
		struct pane_row *r = pane_add(p, key, name, verdict_name(h->verdict),
					      (void *)(intptr_t)(i + 1));
		r->el = ui_verdict_el(h->verdict);
		free(key);
	}
	char *title = xstrdup("Holders");
	pane_set_title(p, title);
	free(title);
}

static void resolve_watcher(struct ui *ui, struct watcher_view *w)
{
	bump(ui, GEN_HOLDERS);
	set_str(&ui->cur_watcher, w->address);
	pane_reset(&ui->panes[UP_HOLDERS]);
	pane_set_title(&ui->panes[UP_HOLDERS], "Holders");
	if (w->resolved) {
		fill_holders(ui, w);
		ui->resolving = false;
		return;
	}
	pane_set_loading(&ui->panes[UP_HOLDERS]);
	ui->resolving = true;
	struct job *j = work_job(ui, JOB_RESOLVE);
	work_of(j)->u.image.pool = xstrdup(ui->iv->pool);
	work_of(j)->u.image.image = xstrdup(ui->iv->chain_name);
	work_of(j)->u.image.trash_id = ui->iv->trashed ? xstrdup(ui->iv->trash.id) : NULL;
	work_of(j)->u.image.addr = xstrdup(w->address);
	submit(ui, j);
}

/* Images on screen whose size and watcher count are not known yet: one job
 * for the visible page, never for the whole pool. */
static void probe_visible(struct ui *ui)
{
	struct pane *p = &ui->panes[UP_IMAGES];
	size_t h = p->height ? p->height : 20;
	struct job *j = NULL;
	struct pl_probe *pp = NULL;
	if (p->top != ui->view_top || p->nvis != ui->view_nvis) {
		ui->view_top = p->top;
		ui->view_nvis = p->nvis;
		atomic_fetch_add(&ui->view_gen, 1);
	}
	for (size_t i = p->top; i < p->nvis && i < p->top + h; i++) {
		struct pane_row *r = pane_visible(p, i);
		struct image_row *ir = r->data;
		if (ir->probed || ir->pending)
			continue;
		if (!j) {
			j = work_job(ui, JOB_PROBE);
			pp = &work_of(j)->u.probe;
			pp->pool = xstrdup(ui->cur_pool);
			pp->live_view = &ui->view_gen;
			pp->view = atomic_load(&ui->view_gen);
		}
		ir->pending = true;
		strvec_push(&pp->names, ir->name);
		strvec_push(&pp->keys, r->key);
		strvec_push(&pp->ids, ir->id);
		xgrow(&pp->rows_at, &pp->cap_rows_at, pp->nrows_at, sizeof *pp->rows_at);
		pp->rows_at[pp->nrows_at++] = (size_t)(r - p->rows);
	}
	if (j)
		submit(ui, j);
}

/* Follows the selection left to right and starts whatever it now needs. */
static void ui_sync(struct ui *ui)
{
	for (int i = 0; ui->ch && i < UP_COUNT; i++)
		if (!pane_ops[i].load(ui))
			break;
}

bool pools_load(struct ui *ui)
{
	if (!ui->pools_loaded)
		load_pools(ui);
	return true;
}

bool images_load(struct ui *ui)
{
	const struct pane_row *sel = pane_selected(&ui->panes[UP_POOLS]);
	if (sel && !same(sel->key, ui->cur_scope))
		load_images_of(ui, sel, false);
	if (!ui->cur_pool)
		return false;
	probe_visible(ui);
	return true;
}

bool watchers_load(struct ui *ui)
{
	const char *image = pane_selected_key(&ui->panes[UP_IMAGES]);
	if (image && !same(image, ui->cur_image))
		load_image(ui, image, false);
	return true;
}

bool holders_load(struct ui *ui)
{
	struct watcher_view *w = ui_selected_watcher(ui);
	if (w && !same(w->address, ui->cur_watcher))
		resolve_watcher(ui, w);
	return true;
}

/* The images row a go-to's name stands for: the directory's image of that
 * name, else a trash entry that had it (the chain finds it so too). */
static struct pane_row *image_row_named(struct pane *p, const char *name)
{
	struct pane_row *r = pane_find(p, name);
	for (size_t i = 0; !r && i < p->nrows; i++) {
		const struct image_row *ir = p->rows[i].data;
		if (ir && ir->trashed && strcmp(ir->name, name) == 0)
			r = &p->rows[i];
	}
	return r;
}

/* Selects the go-to's row, or has the pane select it when it arrives. */
static void select_named(struct pane *p, const char *name)
{
	const struct pane_row *r = image_row_named(p, name);
	pane_select_key(p, r ? r->key : name);
}

void ui_goto(struct ui *ui, const char *pool, const char *image)
{
	ui_goto_trashed(ui, pool, image, NULL);
}

/* The go-to's forgotten once it is reached or known missing. */
static void goto_done(struct ui *ui)
{
	free(ui->goto_image);
	free(ui->goto_trash_id);
	ui->goto_image = ui->goto_trash_id = NULL;
}

void ui_goto_trashed(struct ui *ui, const char *pool, const char *image, const char *trash_id)
{
	ui->mode = MODE_BROWSE;
	struct pane *pools = &ui->panes[UP_POOLS];
	if (pools->state == PANE_IDLE && pools->nrows && !pane_find(pools, pool)) {
		ui_status(ui, true, "goto: pool '%s' does not exist", pool);
		return;
	}
	pane_set_filter(&ui->panes[UP_POOLS], NULL);
	pane_set_filter(&ui->panes[UP_IMAGES], NULL);
	pane_select_key(&ui->panes[UP_POOLS], pool);
	/* the whole pool: the image may be in any of its namespaces */
	if (!same(pool, ui->cur_scope))
		load_images(ui, pool, pool, NULL, false);
	if (trash_id) {
		char *key = ui_image_row_key(image, trash_id);
		pane_select_key(&ui->panes[UP_IMAGES], key);
		free(key);
	} else {
		select_named(&ui->panes[UP_IMAGES], image);
	}
	set_str(&ui->goto_image, image);
	set_str(&ui->goto_trash_id, trash_id);
	ui->focus = UP_IMAGES;
	ui_sync(ui);
}

bool ui_idle(struct ui *ui)
{
	return !ui->connecting && jobs_idle(ui->js);
}

/* ---- merging results (UI thread) ---- */

static void update_cloud_flags(struct ui *ui, const struct image_view *iv)
{
	if (iv->cinder_state == CINDER_FOUND || iv->cinder_state == CINDER_GONE)
		ui->cinder_ok = 1;
	else if (iv->cinder_state == CINDER_ERROR)
		ui->cinder_ok = 0;
	for (size_t i = 0; i < iv->nwatchers; i++)
		for (size_t k = 0; k < iv->watchers[i].nholders; k++) {
			enum nova_state s = iv->watchers[i].holders[k].nova.state;
			if (s == NOVA_FOUND || s == NOVA_GONE)
				ui->nova_ok = 1;
			else if (s == NOVA_ERROR)
				ui->nova_ok = 0;
		}
}

void merge_connect(struct ui *ui, struct job *j)
{
	struct pl_connect *w = &work_of(j)->u.connect;
	ui->connecting = false;
	if (j->rc < 0) {
		set_str(&ui->conn_error, j->err.msg);
		pane_set_error(&ui->panes[UP_POOLS], j->err.msg);
		return;
	}
	ui->ch = w->newch;
	w->newch = NULL;
	set_str(&ui->fsid, w->fsid);
	set_str(&ui->health, w->health);
	set_str(&ui->os_note, w->note);
	pane_set_idle(&ui->panes[UP_POOLS]);
	if (ui->o->goto_spec) {
		struct job *g = work_job(ui, JOB_LOCATE);
		work_of(g)->u.locate.spec = xstrdup(ui->o->goto_spec);
		submit(ui, g);
	}
}

static struct pool_row *pool_row_new(const char *pool)
{
	struct pool_row *pr = xcalloc(1, sizeof *pr);
	pr->pool = xstrdup(pool);
	return pr;
}

void pool_row_free(void *data)
{
	struct pool_row *pr = data;
	if (!pr)
		return;
	chain_pool_info_clear(&pr->info);
	free(pr->pool);
	free(pr->nspace);
	free(pr);
}

void merge_pools(struct ui *ui, struct job *j)
{
	struct pane *p = &ui->panes[UP_POOLS];
	struct pl_pools *w = &work_of(j)->u.pools;
	if (j->partial) {
		for (size_t i = 0; i < w->names.n; i++)
			if (!pane_find(p, w->names.v[i]))
				pane_add(p, w->names.v[i], w->names.v[i], NULL, pool_row_new(w->names.v[i]));
		return;
	}
	if (j->rc < 0)
		pane_set_error(p, j->err.msg);
	else
		pane_set_idle(p);
}

/* A pool's namespaces as rows under its own, the default one first. */
static void add_ns_rows(struct ui *ui, size_t at, const char *pool,
			const struct chain_pool_info *info)
{
	struct pane *p = &ui->panes[UP_POOLS];
	for (size_t k = 0; k < info->nns; k++) {
		const struct chain_ns_count *c = &info->ns[k];
		struct pool_row *pr = xcalloc(1, sizeof *pr);
		pr->pool = xstrdup(pool);
		pr->nspace = xstrdup(c->name);
		pr->counted = true;
		pr->info.images = c->images;
		pr->info.rbd = true;
		char *key = xasprintf("%s/%s", pool, c->name);
		char *text = xasprintf(" %s", *c->name ? c->name : "(default)");
		char n[32];
		snprintf(n, sizeof n, "%zu", c->images);
		pane_insert(p, at + k, key, text, n, pr);
		free(key);
		free(text);
	}
}

void merge_pool_count(struct ui *ui, struct job *j)
{
	struct pl_pool_count *pc = &work_of(j)->u.pool_count;
	struct pane *p = &ui->panes[UP_POOLS];
	struct pane_row *r = pane_find(p, pc->pool);
	char n[32];
	snprintf(n, sizeof n, "%zu", pc->info.images);
	if (!r)
		return;
	struct pool_row *pr = r->data;
	chain_pool_info_clear(&pr->info);
	pr->info = pc->info;
	memset(&pc->info, 0, sizeof pc->info);  /* moved to the row */
	/* a pool rbd is not enabled on holds no images: "0" would mislead */
	pr->counted = !pc->failed;
	pane_update(p, r, NULL, pc->failed ? "?" : pr->info.rbd ? n : "-");
	add_ns_rows(ui, (size_t)(r - p->rows) + 1, pc->pool, &pr->info);
}

void merge_images_page(struct ui *ui, struct job *j)
{
	struct pane *p = &ui->panes[UP_IMAGES];
	struct pl_page *w = &work_of(j)->u.page;
	for (size_t i = 0; i < w->names.n; i++) {
		size_t idlen = strlen(w->ids.v[i]), namelen = strlen(w->names.v[i]);
		struct image_row *ir = xcalloc(1, sizeof *ir + idlen + 1 + namelen + 1);
		memcpy(ir->id, w->ids.v[i], idlen);
		memcpy(ir->id + idlen + 1, w->names.v[i], namelen);
		ir->name = ir->id + idlen + 1;
		ir->nwatchers = -1;
		ir->trashed = w->trash;
		/* in one namespace's list the NS/ of every name says nothing */
		const char *name = w->names.v[i];
		if (!str_empty(ui->cur_ns) && strncmp(name, ui->cur_ns, strlen(ui->cur_ns)) == 0 &&
		    name[strlen(ui->cur_ns)] == '/')
			name += strlen(ui->cur_ns) + 1;
		/* the marker leads: a long name is cut at its end */
		char *text = w->trash ? xasprintf("%s %s", glyph(ui, G_TRASH), name) : xstrdup(name);
		char *key = ui_image_row_key(ir->name, w->trash ? ir->id : NULL);
		struct pane_row *r = pane_add(p, key, text, NULL, ir);
		r->el = ui_image_row_el(ir);
		free(key);
		free(text);
	}
}

void merge_images(struct ui *ui, struct job *j)
{
	struct pane *p = &ui->panes[UP_IMAGES];
	if (j->rc < 0)
		pane_set_error(p, j->err.msg);
	else
		pane_set_idle(p);
	if (!ui->goto_image)
		return;
	char *key = ui_image_row_key(ui->goto_image, ui->goto_trash_id);
	const struct pane_row *r = pane_find(p, key);
	free(key);
	if (r)
		return;
	/* a name not in the directory: its trash row (keyed apart) when there is one */
	r = ui->goto_trash_id ? NULL : image_row_named(p, ui->goto_image);
	if (r)
		pane_select_key(p, r->key);
	else {
		ui_status(ui, true, "no image %s%s%s in pool %s", ui->goto_image,
			  ui->goto_trash_id ? " in the trash with id " : "",
			  ui->goto_trash_id ? ui->goto_trash_id : "", ui->cur_pool);
		goto_done(ui);
	}
}

void merge_probe(struct ui *ui, struct job *j)
{
	struct pane *p = &ui->panes[UP_IMAGES];
	struct pl_probe *w = &work_of(j)->u.probe;
	for (size_t i = 0; i < w->names.n; i++) {
		/* where the row was (O(1); a search of 100,000 rows per name would
		 * cost every keystroke ~10 ms), else wherever it went */
		size_t at = w->rows_at[i];
		struct pane_row *r = at < p->nrows && strcmp(p->rows[at].key, w->keys.v[i]) == 0
					     ? &p->rows[at] : pane_find(p, w->keys.v[i]);
		if (!r)
			continue;
		struct image_row *ir = r->data;
		ir->pending = false;
		ir->probed = w->rows[i].nwatchers >= 0;
		ir->size = w->rows[i].size;
		ir->nwatchers = w->rows[i].nwatchers;
		r->el = ui_image_row_el(ir);
	}
}

static void fill_watchers(struct ui *ui)
{
	struct pane *p = &ui->panes[UP_WATCHERS];
	pane_clear(p);
	for (size_t i = 0; i < ui->iv->nwatchers; i++) {
		struct watcher_view *w = &ui->iv->watchers[i];
		struct pane_row *r = pane_add(p, w->address, w->address,
					      w->resolved ? verdict_name(w->verdict) : NULL, NULL);
		if (w->resolved)
			r->el = ui_verdict_el(w->verdict);
	}
	char *title = xstrdup("Watchers");
	pane_set_title(p, title);
	free(title);
	if (ui->iv->watchers_error)
		pane_set_error(p, ui->iv->watchers_error);
}

static void report_after_destroy(struct ui *ui)
{
	if (!ui->after_destroy_addr)
		return;
	bool still = pane_find(&ui->panes[UP_WATCHERS], ui->after_destroy_addr) != NULL;
	if (still)
		ui_status(ui, true, "watcher %s is still there (a live holder keeps it; look again with r)",
			  ui->after_destroy_addr);
	else
		ui_status(ui, false, "watcher %s is gone", ui->after_destroy_addr);
	free(ui->after_destroy_addr);
	ui->after_destroy_addr = NULL;
}

void merge_load_image(struct ui *ui, struct job *j)
{
	struct pl_image *w = &work_of(j)->u.image;
	if (j->rc < 0) {
		pane_set_error(&ui->panes[UP_WATCHERS], j->err.msg);
		return;
	}
	image_view_free(ui->iv);
	ui->iv = w->iv;
	w->iv = NULL;
	update_cloud_flags(ui, ui->iv);
	pane_set_idle(&ui->panes[UP_WATCHERS]);
	fill_watchers(ui);
	/* the probe's count may be stale now: this is the fresher answer */
	char *key = ui_image_view_key(ui->iv);
	struct pane_row *r = pane_find(&ui->panes[UP_IMAGES], key);
	free(key);
	if (r) {
		struct image_row *ir = r->data;
		ir->probed = true;
		ir->nwatchers = (int)ui->iv->nwatchers;
		ir->size = ui->iv->info.size;
		r->el = ui_image_row_el(ir);
	}
	bool reached = ui->goto_image && (ui->goto_trash_id
						  ? ui->iv->trashed && strcmp(ui->goto_trash_id, ui->iv->trash.id) == 0
						  : strcmp(ui->goto_image, ui->iv->chain_name) == 0);
	if (reached) {
		ui->focus = ui->iv->nwatchers ? UP_WATCHERS : UP_IMAGES;
		goto_done(ui);
	}
	report_after_destroy(ui);
}

void merge_resolve(struct ui *ui, struct job *j)
{
	struct pl_image *w = &work_of(j)->u.image;
	ui->resolving = false;
	if (j->rc < 0) {
		pane_set_error(&ui->panes[UP_HOLDERS], j->err.msg);
		return;
	}
	update_cloud_flags(ui, w->iv);
	struct watcher_view *mine = ui_selected_watcher(ui), *fresh = NULL;
	for (size_t i = 0; i < w->iv->nwatchers; i++)
		if (strcmp(w->iv->watchers[i].address, w->addr) == 0)
			fresh = &w->iv->watchers[i];
	if (!mine || strcmp(mine->address, w->addr) != 0)
		return;
	if (!fresh) {
		pane_set_error(&ui->panes[UP_HOLDERS], "this watcher is gone (press r on the watchers)");
		return;
	}
	/* Swap the resolved watcher into our view; the job frees the old one. */
	struct watcher_view tmp = *mine;
	*mine = *fresh;
	*fresh = tmp;
	struct pane_row *r = pane_find(&ui->panes[UP_WATCHERS], mine->address);
	if (r) {
		pane_update(&ui->panes[UP_WATCHERS], r, NULL, verdict_name(mine->verdict));
		r->el = ui_verdict_el(mine->verdict);
	}
	fill_holders(ui, mine);
}

void merge_clones(struct ui *ui, struct job *j)
{
	struct pl_clones *p = &work_of(j)->u.clones;
	struct clones_view *c = &ui->clones;
	char *key = ui_image_row_key(p->image, p->trash_id);
	bool mine = c->image && strcmp(c->image, key) == 0;
	free(key);
	if (!mine)
		return;
	if (j->rc < 0) {
		c->state = CLONES_FAILED;
		set_str(&c->error, j->err.msg);
		return;
	}
	c->state = CLONES_KNOWN;
	c->info = p->info;
	memset(&p->info, 0, sizeof p->info);  /* moved */
}

void merge_locate(struct ui *ui, struct job *j)
{
	struct pl_locate *w = &work_of(j)->u.locate;
	if (j->rc < 0) {
		ui_status(ui, true, "goto: %s", j->err.msg);
		return;
	}
	if (w->pools.n > 1) {  /* several: the operator chooses */
		choose_open(ui, w->spec, &w->pools, &w->images, &w->errors);
		return;
	}
	if (w->errors.n)  /* another match may hide in a pool that did not answer */
		ui_status(ui, true, "%s/%s, the only match among the pools that answered; not "
			  "asked: %s%s", w->pools.v[0], w->images.v[0], w->errors.v[0],
			  w->errors.n > 1 ? " (and more)" : "");
	else
		ui_status(ui, false, "%s/%s", w->pools.v[0], w->images.v[0]);
	ui_goto(ui, w->pools.v[0], w->images.v[0]);
}

/* Results for a selection the user has left are dropped here; the rest go
 * to their kind's merger (work.h's JOB_INFO). */
static void merge(struct ui *ui, struct job *j)
{
	static void (*const mergers[])(struct ui *, struct job *) = {
#define KIND_MERGE(k, slot, run, merge, payload) [JOB_##k] = (merge),
		JOB_INFO(KIND_MERGE)
#undef KIND_MERGE
	};
	if (j->gen != atomic_load(&ui->gen[work_slot((enum job_kind)j->kind)]))
		return;
	mergers[j->kind](ui, j);
}

/* ---- requests ---- */

static void refresh_focused(struct ui *ui)
{
	if (!ui->ch) {
		if (!ui->connecting)
			connect_start(ui);
		return;
	}
	chain_forget(ui->ch);
	pane_ops[ui->focus].reload(ui);
}

void pools_reload(struct ui *ui)
{
	ui->pools_loaded = false;
	load_pools(ui);
}

void images_reload(struct ui *ui)
{
	if (ui->cur_scope) {
		char *scope = xstrdup(ui->cur_scope), *pool = xstrdup(ui->cur_pool);
		char *ns = ui->cur_ns ? xstrdup(ui->cur_ns) : NULL;
		load_images(ui, scope, pool, ns, true);
		free(scope);
		free(pool);
		free(ns);
	}
}

void holders_reload(struct ui *ui)
{
	struct watcher_view *w = ui_selected_watcher(ui);
	if (w) {
		w->resolved = false;
		resolve_watcher(ui, w);
	}
}

static void move_focus(struct ui *ui, int dir)
{
	int f = ui->focus + dir;
	if (f < 0 || f >= UP_COUNT)
		return;
	ui->focus = f;
}

static void enter(struct ui *ui)
{
	if (ui->focus < UP_HOLDERS && pane_selected(&ui->panes[ui->focus]))
		ui->focus++;
}

struct pane *ui_focused_pane(struct ui *ui)
{
	if (ui_base_mode(ui) == MODE_FENCES)
		return &ui->fences.list;
	return ui_base_mode(ui) == MODE_SCAN ? &ui->scan.results : &ui->panes[ui->focus];
}

void ui_handle_request(struct ui *ui, enum request r)
{
	struct pane *p = ui_focused_pane(ui);
	switch (r) {
	case REQ_UP: pane_move(p, -1); break;
	case REQ_DOWN: pane_move(p, 1); break;
	case REQ_PAGE_UP: pane_page(p, -1); break;
	case REQ_PAGE_DOWN: pane_page(p, 1); break;
	case REQ_TOP: pane_home(p); break;
	case REQ_BOTTOM: pane_end(p); break;
	case REQ_ENTER: enter(ui); break;
	case REQ_BACK:
		if (p->filter)
			pane_set_filter(p, NULL);
		else
			move_focus(ui, -1);
		break;
	case REQ_NEXT_PANE: ui->focus = (ui->focus + 1) % UP_COUNT; break;
	case REQ_PREV_PANE: ui->focus = (ui->focus + UP_COUNT - 1) % UP_COUNT; break;
	case REQ_FILTER: prompt_open(ui, PROMPT_FILTER); break;
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV:
		if (!ui->last_search || !pane_find_next(p, ui->last_search, r == REQ_FIND_NEXT ? 1 : -1))
			ui_status(ui, true, "no match for '%s'", ui->last_search ? ui->last_search : "");
		break;
	case REQ_GOTO: prompt_open(ui, PROMPT_GOTO); break;
	case REQ_REFRESH: refresh_focused(ui); break;
	case REQ_SCAN: scan_start(ui, false); break;
	case REQ_SCAN_ALL: scan_start(ui, true); break;
	case REQ_HELP:
		ui_set_mode(ui, MODE_HELP);
		ui->help_top = 0;
		break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	case REQ_QUIT: ui->quit = true; break;
	case REQ_FENCES: fences_open(ui); break;
	default:
		/* every remedy is a row of ACTION_INFO, opened by its request */
		if (action_for_request(r) != ACT_COUNT)
			dialog_open(ui, action_for_request(r));
		break;
	}
}

static void handle_mouse(struct ui *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || ui->mode != MODE_BROWSE)
		return;
	for (int i = 0; i < UP_COUNT; i++) {
		struct rect r = ui->rects[i];
		if (ev.y < r.y || ev.y >= r.y + r.h || ev.x < r.x || ev.x >= r.x + r.w)
			continue;
		ui->focus = i;
		struct pane *p = &ui->panes[i];
		if (ev.bstate & BUTTON4_PRESSED)
			pane_scroll(p, -3);
#ifdef BUTTON5_PRESSED
		else if (ev.bstate & BUTTON5_PRESSED)
			pane_scroll(p, 3);
#endif
		else if (ev.y > r.y && ev.y < r.y + r.h - 1)
			pane_click(p, (size_t)(ev.y - r.y - 1));
	}
}

void browse_key(struct ui *ui, int key)
{
	if (key == KEY_MOUSE)
		handle_mouse(ui);
	else
		ui_handle_request(ui, keymap_lookup(&ui->km, key));
}

/* ---- signals ----
 * SIGTERM, SIGINT and SIGHUP end the browser through the loop, never inside
 * the handler: endwin() must run on the UI thread to give the terminal back
 * (echo, icanon, the normal screen), and workers may hold locks. The handler
 * only records the signal and writes a byte to a pipe the loop polls; SIGWINCH
 * does the same after ncurses' own handler ran, so a resize that lands between
 * reading keys and poll() still wakes the loop at once. */

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t sig_caught;
static struct sigaction sig_winch_prev;

static void sig_wake(void)
{
	int saved = errno;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], "", 1) < 0) {
		/* full: the loop is awake anyway */
	}
	errno = saved;
}

static void sig_quit_handler(int sig)
{
	if (!sig_caught)
		sig_caught = sig;
	sig_wake();
}

static void sig_winch_handler(int sig)
{
	if (sig_winch_prev.sa_handler != SIG_DFL && sig_winch_prev.sa_handler != SIG_IGN
	    && sig_winch_prev.sa_handler)
		sig_winch_prev.sa_handler(sig);
	sig_wake();
}

/* Before newterm(): ncurses only installs its own SIGINT/SIGTERM handlers (which
 * _exit from inside the handler) when it finds the default action. */
static int signals_install(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sig_quit_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* After newterm(): wrap whatever SIGWINCH handler ncurses set up. */
static void signals_wrap_winch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sig_winch_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &sig_winch_prev);
}

static void signals_drain(struct ui *ui)
{
	char b[64];
	while (read(sig_pipe[0], b, sizeof b) > 0)
		;
	if (sig_caught)
		ui->quit = true;
}

/* ---- the loop ---- */

static void read_keys(struct ui *ui)
{
	wint_t wc;
	while (wget_wch(stdscr, &wc) != ERR) {
		ui_handle_key(ui, (int)wc);
		if (ui->quit)
			return;
	}
}

static void drain_results(struct ui *ui)
{
	struct job *j;
	while ((j = jobs_take(ui->js))) {
		if (j == ui->scan.job)  /* its end: no longer ours to cancel */
			ui->scan.job = NULL;
		merge(ui, j);
		job_free(j);
	}
}

static int poll_timeout(struct ui *ui)
{
	if (ui->script && !ui->script_waiting)
		return 0;
	if (!ui_idle(ui) || ui->script_waiting)
		return 100;  /* spinners turn */
	if (ui->o->cfg.refresh_s > 0)
		return 1000;
	return 5000;
}

static void auto_refresh(struct ui *ui)
{
	int s = ui->o->cfg.refresh_s;
	int64_t now = clock_ms();
	if (s <= 0 || ui->mode != MODE_BROWSE || now - ui->last_refresh_ms < s * 1000L)
		return;
	ui->last_refresh_ms = now;
	if (ui->ch && ui_idle(ui))
		refresh_focused(ui);
}

static void ui_loop(struct ui *ui)
{
	struct pollfd pfd[3] = {
		{ui->headless ? -1 : STDIN_FILENO, POLLIN, 0},
		{jobs_wake_fd(ui->js), POLLIN, 0},
		{sig_pipe[0], POLLIN, 0},
	};
	while (!ui->quit) {
		signals_drain(ui);
		if (ui->quit)
			break;
		drain_results(ui);
		if (!ui->headless)
			read_keys(ui);
		ui_sync(ui);
		/* after the sync: "idle" must count the jobs the last results start */
		if (ui->script && !ui->quit) {
			script_step(ui);
			ui_sync(ui);
		}
		auto_refresh(ui);
		if (ui->quit)
			break;
		draw_screen(ui);
		int n = poll(pfd, 3, poll_timeout(ui));
		if (n < 0 && errno != EINTR)
			break;
		/* the terminal hung up (or stdin closed): nobody can press q */
		if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		ui->spinner++;
	}
}

/* ---- start and stop ---- */

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* Before any drawing: a pipe, an unknown TERM or a terminal that cannot move
 * its cursor (dumb, a printing terminal) would get a screenful of escape
 * codes. initscr() would print its own message and exit(); we say why in
 * one line and leave with a status instead. */
static int terminal_check(struct rw_error *err)
{
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return rw_error_set(err, -ENOTTY, "the browser needs a terminal; "
				    "use find/scan/procs for scripts");
	const char *term = getenv("TERM");
	if (!term || !*term)
		return rw_error_set(err, -EINVAL, "TERM is not set; the browser needs a "
				    "full-screen terminal (e.g. TERM=xterm-256color)");
	int code = 0;
	if (setupterm(NULL, STDOUT_FILENO, &code) != OK)
		return rw_error_set(err, -EINVAL, "unknown terminal type '%.60s' (TERM); "
				    "set TERM to your terminal, e.g. xterm-256color", term);
	const char *cup = tigetstr("cup");
	bool full = cup && cup != (char *)-1 && tigetflag("hc") <= 0;
	del_curterm(cur_term);
	if (!full)
		return rw_error_set(err, -EINVAL, "TERM=%.40s cannot move the cursor; the browser "
				    "needs a full-screen terminal (e.g. TERM=xterm-256color)", term);
	return 0;
}

/* A terminal dimension from the environment (LINES, COLUMNS), or def. */
static int env_size(const char *name, int def)
{
	const char *v = getenv(name);
	char *end = NULL;
	long n = v ? strtol(v, &end, 10) : 0;
	return v && end != v && *end == '\0' && n > 0 && n <= 10000 ? (int)n : def;
}

static int screen_open(struct ui *ui)
{
	if (ui->headless) {
		/* Script mode draws into a terminal nobody sees, and dumps it. */
		/* One stream serves as both ends: the keys come from the script. */
		FILE *null = fopen("/dev/null", "w+");
		const char *term = getenv("TERM");
		bool usable = term && *term && strcmp(term, "dumb") != 0;
		SCREEN *s = null ? newterm(usable ? term : "xterm-256color", null, null) : NULL;
		if (!s)
			s = null ? newterm("xterm-256color", null, null) : NULL;
		if (!s)
			return -1;
		set_term(s);
		resizeterm(env_size("LINES", 40), env_size("COLUMNS", 120));
	} else {
		SCREEN *s = newterm(NULL, stdout, stdin);
		if (!s)
			return -1;
		set_term(s);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (!ui->headless)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
			  , NULL);
	draw_init_colors(ui);
	return 0;
}

/* A terminal without an alternate screen (vt100) would keep the last frame
 * under the shell's prompt: clear it first. */
static void screen_close(void)
{
	const char *rmcup = tigetstr("rmcup");
	if (!rmcup || rmcup == (char *)-1) {
		erase();
		refresh();
	}
	endwin();
}

static int ui_setup(struct ui *ui, const struct options *o, struct rw_error *err)
{
	memset(ui, 0, sizeof *ui);
	ui->o = o;
	ui->nova_ok = ui->cinder_ok = -1;
	ui->ascii = o->ascii || !locale_is_utf8();
	ui->color = !o->no_color;
	keymap_init(&ui->km);
	int rc = keymap_apply_config(&ui->km, &o->cfg, err);
	if (rc < 0)
		return rc;
	if (!ui->color)
		theme_init_mono(&ui->theme);
	else if ((rc = theme_load(&ui->theme, o->theme ? o->theme : o->cfg.theme, err)) < 0)
		return rc;
	for (int i = 0; i < UP_COUNT; i++)
		pane_init(&ui->panes[i], pane_ops[i].title, pane_ops[i].free_data);
	pane_init(&ui->scan.results, "Scan", NULL);
	if (o->ui_script) {
		ui->headless = true;
		if (script_open(ui, o->ui_script) < 0)
			return rw_error_set(err, -ENOENT, "cannot read the UI script %s", o->ui_script);
	}
	ui->js = jobs_new(UI_WORKERS);
	if (!ui->js)
		return rw_error_set(err, -EIO, "cannot start worker threads");
	return 0;
}

static void ui_teardown(struct ui *ui)
{
	for (int i = 0; i < UP_COUNT; i++)
		pane_free(&ui->panes[i]);
	scan_clear(ui);
	pane_free(&ui->scan.results);
	dialog_clear(ui);
	fences_clear(ui);
	choose_clear(ui);
	image_view_free(ui->iv);
	clones_clear(&ui->clones);
	if (ui->ch)
		chain_free(ui->ch);
	char **strs[] = {&ui->conn_error, &ui->fsid, &ui->health, &ui->os_note, &ui->cur_pool,
			 &ui->cur_scope, &ui->cur_ns,
			 &ui->cur_image, &ui->cur_watcher, &ui->after_destroy_addr, &ui->goto_image,
			 &ui->goto_trash_id,
			 &ui->last_search, &ui->status};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	if (ui->script)
		fclose(ui->script);
}

/* Exit status: 0 after q; 128+N after signal N (SIGTERM 143, SIGINT 130,
 * SIGHUP 129), like a shell reports a process the signal killed. */
int ui_run(const struct options *o)
{
	static struct ui ui;  /* static: abandoned workers may still read its counters */
	struct rw_error err = {0};
	if (!o->ui_script && terminal_check(&err) < 0) {
		fprintf(stderr, "rbdwho: %s\n", err.msg);
		return err.code == -ENOTTY ? RW_EXIT_USAGE : RW_EXIT_FAIL;
	}
	if (ui_setup(&ui, o, &err) < 0) {
		fprintf(stderr, "rbdwho: %s\n", err.msg);
		return RW_EXIT_USAGE;
	}
	if (signals_install() < 0 || screen_open(&ui) < 0) {
		fprintf(stderr, "rbdwho: cannot open the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return RW_EXIT_FAIL;
	}
	signals_wrap_winch();
	connect_start(&ui);
	ui_loop(&ui);
	screen_close();
	fflush(stdout);
	int rc = sig_caught ? 128 + sig_caught : RW_EXIT_OK;
	if (sig_caught == SIGHUP || sig_caught == SIGINT || sig_caught == SIGTERM)
		fprintf(stderr, "rbdwho: stopped by %s\n", sig_caught == SIGHUP ? "SIGHUP"
			: sig_caught == SIGINT ? "SIGINT" : "SIGTERM");
	/* jobs_shutdown cancels every running job, a scan included */
	/* Quitting must not wait on a hung backend: give the workers a moment,
	 * then leave without touching anything they may still be using. */
	if (jobs_shutdown(ui.js, UI_QUIT_WAIT_MS) < 0) {
		chain_kill_children();  /* the ssh a hung worker waits on must not outlive us */
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	ui_teardown(&ui);
	return rc;
}
