/* work.c — what the browser's workers do: each job kind (work.h's JOB_INFO)
 * calls the chain — never a backend — fills its payload and returns. Nothing
 * here touches ncurses or the UI state; results go back as jobs. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/stage.h"
#include "ui_internal.h"

#define IMAGES_PAGE 500  /* rows per streamed page of the images pane */

/* ---- payloads: one free each ---- */

static void free_connect(struct pl_connect *p)
{
	/* A chain nobody merged (the UI quit first) is simply dropped. */
	if (p->newch)
		chain_free(p->newch);
	free(p->fsid);
	free(p->health);
	free(p->note);
}

static void free_pools(struct pl_pools *p)
{
	strvec_free(&p->names);
}

static void free_pool_count(struct pl_pool_count *p)
{
	free(p->pool);
	chain_pool_info_clear(&p->info);
}

static void free_images(struct pl_images *p)
{
	free(p->pool);
	free(p->nspace);
}

static void free_page(struct pl_page *p)
{
	strvec_free(&p->names);
	strvec_free(&p->ids);
}

static void free_probe(struct pl_probe *p)
{
	free(p->pool);
	strvec_free(&p->names);
	strvec_free(&p->ids);
	strvec_free(&p->keys);
	free(p->rows);
	free(p->rows_at);
}

static void free_image(struct pl_image *p)
{
	free(p->pool);
	free(p->image);
	free(p->trash_id);
	free(p->addr);
	image_view_free(p->iv);
}

static void free_clones(struct pl_clones *p)
{
	free(p->pool);
	free(p->image);
	free(p->trash_id);
	ceph_clone_info_clear(&p->info);
}

static void free_locate(struct pl_locate *p)
{
	free(p->spec);
	strvec_free(&p->pools);
	strvec_free(&p->images);
	strvec_free(&p->errors);
}

static void free_action(struct pl_action *p)
{
	action_target_clear(&p->t);
	free(p->confirm);
	if (p->have_plan)
		action_ops[p->act].free_plan(&p->plan);
}

static void free_scan(struct pl_scan *p)
{
	strvec_free(&p->pools);
}

static void free_found(struct pl_found *p)
{
	image_view_free(p->iv);
}

static void free_progress(struct pl_progress *p)
{
	(void)p;
}

static void free_fences(struct pl_fences *p)
{
	blocklist_fences_free(&p->f);
}

/* Which payload each kind carries, to free the right one. */
enum payload_id {
#define PL_ID(p) PL_##p,
	JOB_PAYLOADS(PL_ID)
#undef PL_ID
};

static const enum payload_id kind_payload[] = {
#define KIND_PL(k, slot, run, merge, payload) [JOB_##k] = PL_##payload,
	JOB_INFO(KIND_PL)
#undef KIND_PL
};

static void work_free_job(struct job *j)
{
	struct work *w = j->data;
	if (w) {
		switch (kind_payload[j->kind]) {
#define PL_FREE(p) case PL_##p: free_##p(&w->u.p); break;
			JOB_PAYLOADS(PL_FREE)
#undef PL_FREE
		}
		free(w);
	}
	free(j);
}

struct work *work_of(struct job *j)
{
	return j->data;
}

static const enum gen_slot kind_slot[] = {
#define KIND_SLOT(k, slot, run, merge, payload) [JOB_##k] = GEN_##slot,
	JOB_INFO(KIND_SLOT)
#undef KIND_SLOT
};

enum gen_slot work_slot(enum job_kind kind)
{
	return kind_slot[kind];
}

static bool stale(const struct job *j)
{
	const struct work *w = j->data;
	return w->live_gen && atomic_load(w->live_gen) != j->gen;
}

/* A message a running job posts: same generation, same slot. */
static struct job *message(const struct job *from, enum job_kind kind)
{
	struct job *m = xcalloc(1, sizeof *m);
	m->kind = (int)kind;
	m->gen = from->gen;
	m->free = work_free_job;
	struct work *w = xcalloc(1, sizeof *w);
	w->live_gen = ((struct work *)from->data)->live_gen;
	m->data = w;
	return m;
}

/* ---- runners ---- */

static void run_connect(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	struct pl_connect *p = &w->u.connect;
	j->rc = chain_new(&w->o->chain, &p->newch, &j->err);
	if (j->rc < 0)
		return;
	struct rw_error e = {0};
	if (chain_cluster_status(p->newch, &p->fsid, &p->health, &e) < 0)
		p->health = xstrdup("HEALTH_?");
	if (!chain_os(p->newch))
		p->note = xstrdup(chain_os_note(p->newch) ? chain_os_note(p->newch)
							  : "OpenStack not configured");
}

static void run_pools(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	struct strvec *names = &w->u.pools.names;
	j->rc = chain_list_pools(w->ch, names, &j->err);
	if (j->rc < 0)
		return;
	/* The pane can show the names now; counts follow one pool at a time. */
	struct job *m = message(j, JOB_POOLS);
	for (size_t i = 0; i < names->n; i++)
		strvec_push(&work_of(m)->u.pools.names, names->v[i]);
	jobs_post(js, m);
	for (size_t i = 0; i < names->n && !jobs_cancelled(js) && !stale(j); i++) {
		struct job *c = message(j, JOB_POOL_COUNT);
		struct pl_pool_count *pc = &work_of(c)->u.pool_count;
		struct rw_error e = {0};
		pc->failed = chain_pool_count(w->ch, names->v[i], &pc->info, &e) < 0;
		pc->pool = xstrdup(names->v[i]);
		jobs_post(js, c);
	}
}

struct page_ctx {
	struct job *j;
	struct jobs *js;
};

static bool post_page(const struct ceph_image_ref *refs, const struct ceph_trash_entry *trash,
		      size_t n, void *user)
{
	struct page_ctx *pc = user;
	if (stale(pc->j) || jobs_cancelled(pc->js))
		return false;
	struct job *m = message(pc->j, JOB_IMAGES_PAGE);
	struct pl_page *p = &work_of(m)->u.page;
	p->trash = trash != NULL;
	for (size_t k = 0; k < n; k++) {
		strvec_push(&p->names, refs[k].name);
		strvec_push(&p->ids, refs[k].id);
	}
	jobs_post(pc->js, m);
	return true;
}

static void run_images(struct job *j, struct jobs *js)
{
	struct pl_images *p = &work_of(j)->u.images;
	/* Pages keep each merge short on the UI thread and let the count grow. */
	struct page_ctx pc = {j, js};
	if (p->nspace)
		j->rc = chain_list_ns_images(work_of(j)->ch, p->pool, p->nspace, IMAGES_PAGE,
					     post_page, &pc, &p->total, &j->err);
	else
		j->rc = chain_list_images(work_of(j)->ch, p->pool, IMAGES_PAGE, post_page, &pc,
					  &p->total, &j->err);
}

struct probe_stop {
	struct job *j;
	struct jobs *js;
};

/* Stale, cancelled, or its rows have scrolled off the screen. */
static bool probe_should_stop(void *user)
{
	struct probe_stop *ps = user;
	const struct pl_probe *p = &work_of(ps->j)->u.probe;
	return stale(ps->j) || jobs_cancelled(ps->js) ||
	       (p->live_view && atomic_load(p->live_view) != p->view);
}

static void run_probe(struct job *j, struct jobs *js)
{
	struct pl_probe *p = &work_of(j)->u.probe;
	size_t n = p->names.n;
	p->rows = xcalloc(n ? n : 1, sizeof *p->rows);
	for (size_t i = 0; i < n; i++)
		p->rows[i].nwatchers = -1;
	struct probe_stop ps = {j, js};
	if (probe_should_stop(&ps))
		return;
	/* borrowed strings: the refs only point into names and ids */
	struct ceph_image_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct ceph_image_ref){p->names.v[i], p->ids.v[i]};
	j->rc = chain_probe(work_of(j)->ch, p->pool, refs, n, p->rows, probe_should_stop, &ps,
			    &j->err);
	free(refs);
}

static void run_load_image(struct job *j, struct jobs *js)
{
	struct pl_image *p = &work_of(j)->u.image;
	if (stale(j))
		return;
	j->rc = chain_load_trashed(work_of(j)->ch, p->pool, p->image, p->trash_id, &p->iv, &j->err);
}

static void run_resolve(struct job *j, struct jobs *js)
{
	struct pl_image *p = &work_of(j)->u.image;
	struct chain *ch = work_of(j)->ch;
	if (stale(j))
		return;
	/* A fresh image_view of our own: the UI's copy is never shared. */
	j->rc = chain_load_trashed(ch, p->pool, p->image, p->trash_id, &p->iv, &j->err);
	if (j->rc < 0)
		return;
	for (size_t i = 0; i < p->iv->nwatchers; i++)
		if (strcmp(p->iv->watchers[i].address, p->addr) == 0)
			chain_resolve_watcher(ch, p->iv, &p->iv->watchers[i]);
}

static void run_clones(struct job *j, struct jobs *js)
{
	struct pl_clones *p = &work_of(j)->u.clones;
	if (stale(j))
		return;
	j->rc = chain_image_clones(work_of(j)->ch, p->pool, p->image, p->trash_id, &p->info,
				   &j->err);
}

static void run_locate(struct job *j, struct jobs *js)
{
	struct pl_locate *p = &work_of(j)->u.locate;
	/* every match: the browser never picks one of several for the operator */
	j->rc = chain_locate_all(work_of(j)->ch, p->spec, &p->pools, &p->images, &p->errors,
				 &j->err);
}

/* The action's own plan function (ACTION_INFO), read fresh. */
static void run_prepare(struct job *j, struct jobs *js)
{
	struct pl_action *p = &work_of(j)->u.action;
	j->rc = action_ops[p->act].prepare(work_of(j), p, &j->err);
	p->have_plan = j->rc == 0;
}

/* The action's own act (ACTION_INFO): it re-checks and writes the audit record. */
static void run_execute(struct job *j, struct jobs *js)
{
	struct work *w = j->data;
	struct pl_action *p = &w->u.action;
	j->rc = action_ops[p->act].execute(w, p, &j->err);
	/* The next look at this image must ask Ceph, libvirt and OpenStack again. */
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
	work_of(m)->u.found.iv = iv;
	jobs_post(sc->js, m);
}

static void scan_progress(const struct scan_progress *p, void *user)
{
	struct scan_ctx *sc = user;
	int64_t now = clock_ms();
	/* Every image would flood the queue on a big pool; 10 a second is plenty.
	 * The last word always goes through: pools are scanned side by side, so
	 * done == total can come and go before the last pool is listed. */
	if (now - sc->last_ms < 100 && p->pools_done < p->pools_total)
		return;
	sc->last_ms = now;
	struct job *m = message(sc->j, JOB_SCAN_PROGRESS);
	work_of(m)->u.progress.prog = *p;
	jobs_post(sc->js, m);
}

static void run_scan(struct job *j, struct jobs *js)
{
	struct pl_scan *p = &work_of(j)->u.scan;
	struct scan_ctx sc = {j, js, 0};
	struct scan_callbacks cb = {
		.found = scan_found, .progress = scan_progress, .user = &sc,
		.cancel = &j->cancel,  /* set by a newer scan, or by shutdown */
	};
	j->rc = chain_scan(work_of(j)->ch, p->pools.n ? &p->pools : NULL, &cb, &j->err);
}

/* The blocklist entries rbdwho made: Ceph's blocklist joined with the audit log. */
static void run_fences(struct job *j, struct jobs *js)
{
	j->rc = blocklist_list(work_of(j)->ch, false, &work_of(j)->u.fences.f, &j->err);
}

static void (*const runners[])(struct job *, struct jobs *) = {
#define KIND_RUN(k, slot, run, merge, payload) [JOB_##k] = (run),
	JOB_INFO(KIND_RUN)
#undef KIND_RUN
};

/* ---- what each slot's job waits for (stage.h) ---- */

static pthread_mutex_t stage_lock = PTHREAD_MUTEX_INITIALIZER;
static char stage_text[GEN_COUNT][200];

void work_stage_clear(enum gen_slot slot)
{
	pthread_mutex_lock(&stage_lock);
	stage_text[slot][0] = '\0';
	pthread_mutex_unlock(&stage_lock);
}

void work_stage_text(enum gen_slot slot, char *buf, size_t n)
{
	pthread_mutex_lock(&stage_lock);
	snprintf(buf, n, "%s", stage_text[slot]);
	pthread_mutex_unlock(&stage_lock);
}

/* A stale job (its slot moved on) must not label the new subject's wait. */
static void on_stage(const char *text, void *user)
{
	const struct job *j = user;
	const struct work *w = j->data;
	enum gen_slot slot = kind_slot[j->kind];
	pthread_mutex_lock(&stage_lock);
	if (!w->live_gen || atomic_load(w->live_gen) == j->gen)
		snprintf(stage_text[slot], sizeof stage_text[slot], "%s", text);
	pthread_mutex_unlock(&stage_lock);
}

/* Only while a job runs does its slot wait for something. */
static void run_staged(struct job *j, struct jobs *js)
{
	stage_hook(on_stage, j);
	runners[j->kind](j, js);
	stage_hook(NULL, NULL);
	on_stage("", j);
}

struct job *work_job(struct ui *ui, enum job_kind kind)
{
	struct job *j = xcalloc(1, sizeof *j);
	struct work *w = xcalloc(1, sizeof *w);
	enum gen_slot slot = kind_slot[kind];
	j->kind = (int)kind;
	j->gen = atomic_load(&ui->gen[slot]);
	j->run = runners[kind] ? run_staged : NULL;
	j->free = work_free_job;
	j->data = w;
	w->ch = ui->ch;
	w->o = ui->o;
	w->live_gen = &ui->gen[slot];
	return j;
}
