/* work.c — what the browser's workers do: each job kind calls the same chain
 * and backend functions as the commands, fills its struct work and returns.
 * Nothing here touches ncurses or the UI state; results go back as jobs. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

#define IMAGES_PAGE 500  /* rows per streamed page of the images pane */

static void work_free_job(struct job *j)
{
	struct work *w = j->data;
	if (w) {
		free(w->pool);
		free(w->image);
		free(w->addr);
		free(w->spec);
		free(w->domain);
		free(w->host);
		free(w->confirm);
		strvec_free(&w->names);
		strvec_free(&w->ids);
		free(w->rows);
		image_view_free(w->iv);
		if (w->have_plan)
			destroy_plan_clear(&w->plan);
		free(w->fsid);
		free(w->health);
		free(w->note);
		/* A chain nobody merged (the UI quit first) is simply dropped. */
		if (w->newch)
			chain_free(w->newch);
		free(w);
	}
	free(j);
}

struct work *work_of(struct job *j)
{
	return j->data;
}

static bool stale(const struct job *j)
{
	const struct work *w = j->data;
	return w->live_gen && atomic_load(w->live_gen) != j->gen;
}

/* A probe whose rows have scrolled off the screen. */
static bool out_of_view(const struct work *w)
{
	return w->live_view && atomic_load(w->live_view) != w->view;
}

static struct job *message(const struct job *from, int kind)
{
	struct job *m = xcalloc(1, sizeof *m);
	m->kind = kind;
	m->gen = from->gen;
	m->free = work_free_job;
	struct work *w = xcalloc(1, sizeof *w);
	w->live_gen = ((struct work *)from->data)->live_gen;
	m->data = w;
	return m;
}

static void run_connect(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	j->rc = chain_new(&w->o->chain, &w->newch, &j->err);
	if (j->rc < 0)
		return;
	struct rw_error e = {0};
	if (chain_cluster_status(w->newch, &w->fsid, &w->health, &e) < 0)
		w->health = xstrdup("HEALTH_?");
	if (!chain_os(w->newch))
		w->note = xstrdup(chain_os_note(w->newch) ? chain_os_note(w->newch)
							  : "OpenStack not configured");
}

static void run_pools(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	j->rc = chain_list_pools(w->ch, &w->names, &j->err);
	if (j->rc < 0)
		return;
	/* The pane can show the names now; counts follow one pool at a time. */
	struct job *m = message(j, JOB_POOLS);
	for (size_t i = 0; i < w->names.n; i++)
		strvec_push(&work_of(m)->names, w->names.v[i]);
	jobs_post(js, m);
	for (size_t i = 0; i < w->names.n && !jobs_cancelled(js) && !stale(j); i++) {
		struct chain_pool_info info;
		struct rw_error e = {0};
		if (chain_pool_count(w->ch, w->names.v[i], &info, &e) < 0)
			continue;
		struct job *c = message(j, JOB_POOL_COUNT);
		work_of(c)->pool = xstrdup(w->names.v[i]);
		work_of(c)->count = info.images;
		work_of(c)->rbd = info.rbd;
		jobs_post(js, c);
	}
}

struct page_ctx {
	struct job *j;
	struct jobs *js;
};

static bool post_page(const struct ceph_image_ref *refs, size_t n, void *user)
{
	struct page_ctx *pc = user;
	if (stale(pc->j) || jobs_cancelled(pc->js))
		return false;
	struct job *m = message(pc->j, JOB_IMAGES_PAGE);
	for (size_t k = 0; k < n; k++) {
		strvec_push(&work_of(m)->names, refs[k].name);
		strvec_push(&work_of(m)->ids, refs[k].id);
	}
	jobs_post(pc->js, m);
	return true;
}

static void run_images(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	/* Pages keep each merge short on the UI thread and let the count grow. */
	struct page_ctx pc = {j, js};
	j->rc = chain_list_images(w->ch, w->pool, IMAGES_PAGE, post_page, &pc, &w->count, &j->err);
}

struct probe_stop {
	struct job *j;
	struct jobs *js;
};

static bool probe_should_stop(void *user)
{
	struct probe_stop *ps = user;
	return stale(ps->j) || out_of_view(ps->j->data) || jobs_cancelled(ps->js);
}

static void run_probe(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	size_t n = w->names.n;
	w->rows = xcalloc(n ? n : 1, sizeof *w->rows);
	/* borrowed strings: the refs only point into names and ids */
	struct ceph_image_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct ceph_image_ref){w->names.v[i], w->ids.v[i]};
	struct probe_stop ps = {j, js};
	if (probe_should_stop(&ps))
		for (size_t i = 0; i < n; i++)
			w->rows[i].nwatchers = -1;
	else
		j->rc = chain_probe(w->ch, w->pool, refs, n, w->rows, probe_should_stop, &ps,
				    &j->err);
	free(refs);
}

static void run_load_image(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	if (stale(j))
		return;
	j->rc = chain_load_image(w->ch, w->pool, w->image, &w->iv, &j->err);
}

static void run_resolve(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	if (stale(j))
		return;
	/* A fresh image_view of our own: the UI's copy is never shared. */
	j->rc = chain_load_image(w->ch, w->pool, w->image, &w->iv, &j->err);
	if (j->rc < 0)
		return;
	for (size_t i = 0; i < w->iv->nwatchers; i++)
		if (strcmp(w->iv->watchers[i].address, w->addr) == 0)
			chain_resolve_watcher(w->ch, w->iv, &w->iv->watchers[i]);
}

static void run_locate(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	free(w->pool);
	free(w->image);
	w->pool = w->image = NULL;
	j->rc = chain_locate(w->ch, w->spec, &w->pool, &w->image, &j->err);
}

static void run_prepare(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	j->rc = destroy_prepare(w->ch, w->domain, w->host, &w->plan, &j->err);
	w->have_plan = j->rc == 0;
}

static void run_destroy(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	struct destroy_checks checks = {
		.read_only = w->o->read_only, .force = w->o->force, .confirmation = w->confirm,
	};
	j->rc = destroy_execute(w->ch, &w->plan, &checks, &j->err);
	/* The next look at this image must ask Ceph and libvirt again. */
	chain_forget(w->ch);
}

struct scan_ctx {
	struct job *j;
	struct jobs *js;
	int64_t last_ms;
};

static void scan_found(struct image_view *iv, void *user)
{
	struct scan_ctx *sc = user;
	struct job *m = message(sc->j, JOB_SCAN_FOUND);
	work_of(m)->iv = iv;
	jobs_post(sc->js, m);
}

static void scan_progress(const struct scan_progress *p, void *user)
{
	struct scan_ctx *sc = user;
	int64_t now = clock_ms();
	/* Every image would flood the queue on a big pool; 10 a second is plenty. */
	if (now - sc->last_ms < 100 && p->images_done < p->images_total)
		return;
	sc->last_ms = now;
	struct job *m = message(sc->j, JOB_SCAN_PROGRESS);
	work_of(m)->prog = *p;
	jobs_post(sc->js, m);
}

static void run_scan(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	struct scan_ctx sc = {j, js, 0};
	struct scan_callbacks cb = {
		.found = scan_found, .progress = scan_progress, .user = &sc,
		.cancel = &j->cancel,  /* set by a newer scan, or by shutdown */
	};
	j->rc = chain_scan(w->ch, w->names.n ? &w->names : NULL, &cb, &j->err);
}

static void (*const runners[])(struct job *, struct jobs *) = {
	[JOB_CONNECT] = run_connect, [JOB_POOLS] = run_pools, [JOB_IMAGES] = run_images,
	[JOB_PROBE] = run_probe, [JOB_LOAD_IMAGE] = run_load_image, [JOB_RESOLVE] = run_resolve,
	[JOB_LOCATE] = run_locate, [JOB_PREPARE] = run_prepare, [JOB_DESTROY] = run_destroy,
	[JOB_SCAN] = run_scan,
};

struct job *work_job(struct ui *ui, enum job_kind kind, enum gen_slot slot)
{
	struct job *j = xcalloc(1, sizeof *j);
	struct work *w = xcalloc(1, sizeof *w);
	j->kind = kind;
	j->gen = atomic_load(&ui->gen[slot]);
	j->run = runners[kind];
	j->free = work_free_job;
	j->data = w;
	w->ch = ui->ch;
	w->o = ui->o;
	w->live_gen = &ui->gen[slot];
	return j;
}
