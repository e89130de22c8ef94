/* chain_scan.c — every image with watchers in a set of pools, each resolved
 * like a find. The watchers of a whole pool are probed in bulk (probe.h: one
 * list-watchers op per header, many in flight); only images that have watchers
 * are loaded and resolved, on a small pool of worker threads. Pools and their
 * RADOS namespaces are scanned side by side (scanners, up to SCAN_UNITS at
 * once), so that a hung OSD, which makes every pool's listing wait out the
 * timeout, costs the scan about one timeout rather than one per pool. Every
 * callback still runs on the thread that called chain_scan: the scanners and
 * resolvers post their news, and that thread hands it out. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/probe.h"
#include "rbdwho/util.h"
#include "chain_internal.h"

/* Resolving is I/O bound (libvirt, Nova, Cinder); 8 overlaps enough hosts
 * without hammering any API. */
#define SCAN_THREADS 8

/* Pools and namespaces scanned at once, as find asks pools (LOCATE_THREADS):
 * each may wait a whole timeout on a hung OSD, so they wait side by side.
 * Each runs its own probe; librados' throttle (objecter_inflight_ops) bounds
 * the ops in flight across them. */
#define SCAN_UNITS 16

static bool cancelled(const struct scan_callbacks *cb)
{
	return cb->cancel && atomic_load(cb->cancel);
}

struct scan_job {
	struct scan_job *next;
	char *pool, *image;
	char *nspace;                   /* "" for the default namespace */
	struct ceph_trash_entry trash;  /* trash.id set: a trashed image */
	struct image_view *iv;  /* NULL when gone, cancelled or failed */
	struct rw_error err;    /* why, when loading it failed (not when it was gone) */
};

struct scan_queue {
	struct scan_job *head, *tail;
};

/* A scanner's work: list a pool's namespaces (nspace NULL), or scan one. */
struct scan_unit {
	struct scan_unit *next;
	size_t pool;   /* index into scan_workers.pools */
	char *nspace;  /* "" for the default namespace; NULL: list the namespaces */
};

/* A pool's (or namespace's, or image's) failure, waiting to be handed out. */
struct scan_failure {
	struct scan_failure *next;
	const char *pool;
	struct rw_error err;
};

struct scan_pool_state {
	const char *name;
	size_t units_left;  /* its units queued or running; 0: the pool is done */
};

/* The scanners and the resolvers, and what they post. found(), progress()
 * and pool_error() never run on them: finished jobs, failures and progress
 * queue up under lock and the calling thread hands them out, one at a time. */
struct scan_workers {
	struct chain *ch;
	const struct scan_callbacks *cb;
	pthread_mutex_t lock;
	pthread_cond_t work, done;  /* work queued / news for the calling thread */
	pthread_cond_t units_cv;    /* a unit queued or finished */
	struct scan_queue todo, finished;
	size_t pending;             /* queued or running */
	bool closing, nova_claimed, nova_ready;
	pthread_t threads[SCAN_THREADS];
	size_t nthreads;
	struct host_warm *warm;     /* the watchers' hosts, asked as the probe finds them */
	/* the scanners: units in, failures and progress out */
	struct scan_unit *units, **units_tail;
	size_t units_running;
	pthread_t scanners[SCAN_UNITS];
	size_t nscanners;
	struct scan_pool_state *pools;
	struct scan_failure *failures, **failures_tail;
	struct scan_progress prog;
	bool prog_dirty;            /* prog changed since it was last handed out */
	int64_t prog_woken_ms;      /* when a change of prog last woke the calling thread */
};

static void queue_push(struct scan_queue *q, struct scan_job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct scan_job *queue_pop(struct scan_queue *q)
{
	struct scan_job *j = q->head;
	if (j && !(q->head = j->next))
		q->tail = NULL;
	return j;
}

/* chain_load_image + every watcher resolved, or NULL when there is nothing
 * (left) to report: the image went away or its holder let go meanwhile. */
static struct image_view *scan_resolve(struct chain *ch, const struct scan_job *j,
					struct rw_error *e)
{
	struct image_view *iv = NULL;
	struct ceph_loc at = {.pool = j->pool, .nspace = j->nspace, .image = j->image};
	if (chain_load_at(ch, &at, j->trash.id ? &j->trash : NULL, &iv, e) < 0) {
		if (e->code == -ENOENT)  /* removed since the probe: nothing to report */
			rw_error_clear(e);
		return NULL;
	}
	if (iv->nwatchers == 0) {
		image_view_free(iv);
		return NULL;
	}
	for (size_t i = 0; i < iv->nwatchers; i++)
		chain_resolve_watcher(ch, iv, &iv->watchers[i]);
	chain_load_parent(ch, iv);
	chain_add_notes(ch, iv);
	return iv;
}

/* The first worker fills the Nova cache from the server list once per scan;
 * the others wait for it, so that no holder is asked about one by one first. */
static void scan_worker_prefetch(struct scan_workers *sw)
{
	pthread_mutex_lock(&sw->lock);
	bool first = !sw->nova_claimed;
	sw->nova_claimed = true;
	pthread_mutex_unlock(&sw->lock);
	if (first) {
		struct rw_error e = {0};
		chain_prefetch_nova(sw->ch, &e);  /* on failure: one GET per holder */
		pthread_mutex_lock(&sw->lock);
		sw->nova_ready = true;
		pthread_cond_broadcast(&sw->work);
		pthread_mutex_unlock(&sw->lock);
	}
}

static void *scan_worker(void *arg)
{
	struct scan_workers *sw = arg;
	scan_worker_prefetch(sw);
	pthread_mutex_lock(&sw->lock);
	for (;;) {
		while (!sw->closing && (!sw->todo.head || !sw->nova_ready))
			pthread_cond_wait(&sw->work, &sw->lock);
		struct scan_job *j = queue_pop(&sw->todo);
		if (!j)
			break;  /* closing and nothing left */
		pthread_mutex_unlock(&sw->lock);
		if (!cancelled(sw->cb))
			j->iv = scan_resolve(sw->ch, j, &j->err);
		pthread_mutex_lock(&sw->lock);
		queue_push(&sw->finished, j);
		pthread_cond_signal(&sw->done);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

static void scan_workers_init(struct scan_workers *sw, struct chain *ch,
			      const struct scan_callbacks *cb)
{
	memset(sw, 0, sizeof *sw);
	sw->ch = ch;
	sw->cb = cb;
	sw->units_tail = &sw->units;
	sw->failures_tail = &sw->failures;
	pthread_mutex_init(&sw->lock, NULL);
	pthread_cond_init(&sw->work, NULL);
	pthread_cond_init(&sw->done, NULL);
	pthread_cond_init(&sw->units_cv, NULL);
}

/* Queues one image; threads start only as work appears, so a scan that finds
 * no watchers costs no thread (and no Nova request) at all. */
static void scan_workers_submit(struct scan_workers *sw, const char *pool, const char *nspace,
				const char *image, const struct ceph_trash_entry *trash)
{
	struct scan_job *j = xcalloc(1, sizeof *j);
	j->pool = xstrdup(pool);
	j->image = xstrdup(image);
	j->nspace = xstrdup(nspace);
	if (trash)
		ceph_trash_entry_copy(&j->trash, trash);
	pthread_mutex_lock(&sw->lock);
	queue_push(&sw->todo, j);
	sw->pending++;
	if (sw->nthreads < SCAN_THREADS && sw->pending > sw->nthreads &&
	    pthread_create(&sw->threads[sw->nthreads], NULL, scan_worker, sw) == 0)
		sw->nthreads++;
	bool inline_resolve = sw->nthreads == 0;  /* no thread could be made: resolve right here */
	if (inline_resolve)
		queue_pop(&sw->todo);
	pthread_cond_signal(&sw->work);
	pthread_mutex_unlock(&sw->lock);
	if (inline_resolve) {
		j->iv = scan_resolve(sw->ch, j, &j->err);
		pthread_mutex_lock(&sw->lock);
		queue_push(&sw->finished, j);
		pthread_cond_signal(&sw->done);
		pthread_mutex_unlock(&sw->lock);
	}
}

/* A failure, posted for the calling thread (any thread; lock not held). */
static void scan_post_failure(struct scan_workers *sw, const char *pool, const struct rw_error *e)
{
	struct scan_failure *f = xcalloc(1, sizeof *f);
	f->pool = pool;
	f->err = *e;
	pthread_mutex_lock(&sw->lock);
	*sw->failures_tail = f;
	sw->failures_tail = &f->next;
	pthread_cond_signal(&sw->done);
	pthread_mutex_unlock(&sw->lock);
}

/* Every how many ms a change of counts alone wakes the calling thread: one
 * wake-up per probed image would cost a 10,000-image pool a context switch
 * each. Found images, failures and a pool done wake it at once. */
#define SCAN_PROGRESS_MS 50

/* Lock held: progress changed; the calling thread hands it out, now or with
 * the next news. */
static void scan_progress_changed(struct scan_workers *sw)
{
	sw->prog_dirty = true;
	int64_t now = clock_ms();
	if (now - sw->prog_woken_ms >= SCAN_PROGRESS_MS) {
		sw->prog_woken_ms = now;
		pthread_cond_signal(&sw->done);
	}
}

static void scan_job_free(struct scan_job *j)
{
	free(j->pool);
	free(j->image);
	free(j->nspace);
	ceph_trash_free_entry(&j->trash);
	free(j);
}

/* One finished image, handed out on the calling thread. */
static void scan_hand_out_job(struct scan_workers *sw, struct scan_job *j)
{
	if (!j->iv && j->err.code && sw->cb->pool_error) {
		struct rw_error e = {0};  /* a held image that could not be looked at */
		rw_error_set(&e, j->err.code, "image %s: %s", j->image, j->err.msg);
		sw->cb->pool_error(j->pool, &e, sw->cb->user);
	}
	if (j->iv && !cancelled(sw->cb))
		sw->cb->found(j->iv, sw->cb->user);
	else if (j->iv)
		image_view_free(j->iv);
	scan_job_free(j);
}

/* Lock held: nothing is left to scan or resolve. */
static bool scan_all_done(const struct scan_workers *sw)
{
	return !sw->units && sw->units_running == 0 && sw->pending == 0;
}

/* What the workers posted since the last call, taken under lock. */
struct scan_news {
	struct scan_job *jobs;
	struct scan_failure *failures;
	bool progress;
	struct scan_progress prog;
};

/* Lock held: takes the news; false when there is none. */
static bool scan_take_news(struct scan_workers *sw, struct scan_news *n)
{
	n->jobs = sw->finished.head;
	sw->finished.head = sw->finished.tail = NULL;
	for (struct scan_job *j = n->jobs; j; j = j->next)
		sw->pending--;
	n->failures = sw->failures;
	sw->failures = NULL;
	sw->failures_tail = &sw->failures;
	n->progress = sw->prog_dirty;
	n->prog = sw->prog;
	sw->prog_dirty = false;
	return n->jobs || n->failures || n->progress;
}

/* Calls the callbacks for the news, on the calling thread, lock not held. */
static void scan_hand_out(struct scan_workers *sw, struct scan_news *n)
{
	for (struct scan_failure *f = n->failures, *next; f; f = next) {
		next = f->next;
		if (sw->cb->pool_error)
			sw->cb->pool_error(f->pool, &f->err, sw->cb->user);
		free(f);
	}
	for (struct scan_job *j = n->jobs, *next; j; j = next) {
		next = j->next;
		scan_hand_out_job(sw, j);
	}
	if (n->progress && sw->cb->progress)
		sw->cb->progress(&n->prog, sw->cb->user);
}

/* The calling thread's loop: hands out what the scanners and resolvers post,
 * until every unit is scanned and every image resolved. */
static void scan_hand_out_all(struct scan_workers *sw)
{
	pthread_mutex_lock(&sw->lock);
	for (;;) {
		struct scan_news n;
		while (!scan_take_news(sw, &n) && !scan_all_done(sw))
			pthread_cond_wait(&sw->done, &sw->lock);
		bool news = n.jobs || n.failures || n.progress;
		if (!news)
			break;  /* all done, all handed out */
		pthread_mutex_unlock(&sw->lock);
		scan_hand_out(sw, &n);
		pthread_mutex_lock(&sw->lock);
	}
	pthread_mutex_unlock(&sw->lock);
}

static void scan_workers_close(struct scan_workers *sw)
{
	pthread_mutex_lock(&sw->lock);
	sw->closing = true;
	pthread_cond_broadcast(&sw->work);
	pthread_mutex_unlock(&sw->lock);
	for (size_t i = 0; i < sw->nthreads; i++)
		pthread_join(sw->threads[i], NULL);
	pthread_mutex_destroy(&sw->lock);
	pthread_cond_destroy(&sw->work);
	pthread_cond_destroy(&sw->done);
	pthread_cond_destroy(&sw->units_cv);
}

struct scan_pool_ctx {
	const char *pool;
	const char *nspace;                    /* "" for the default namespace */
	const struct ceph_trash_entry *trash;  /* probing the trash: its entries, by index */
	const struct scan_callbacks *cb;
	struct scan_workers *sw;
	size_t listed;       /* images of the namespace listed so far */
	size_t unprobed;     /* images whose probe failed */
	struct rw_error first;  /* the first such failure */
};

/* One probe answer: runs on the scanner that probes (probe.h promises it),
 * several scanners at once, so the shared counts change under lock. */
static void scan_on_probe(struct probe_result *r, void *user)
{
	struct scan_pool_ctx *ctx = user;
	struct scan_workers *sw = ctx->sw;
	/* -ENOENT: removed since the listing. Other failures are counted and
	 * reported once per namespace (scan_ns): an image not probed is not "no watchers". */
	if (r->rc < 0 && r->rc != -ENOENT && ctx->unprobed++ == 0)
		rw_error_set(&ctx->first, r->rc, "%s", r->msg ? r->msg : "probe failed");
	bool held = r->rc == 0 && r->nwatchers > 0;
	if (held)
		host_warm_watchers(sw->warm, r->watchers, r->nwatchers);
	pthread_mutex_lock(&sw->lock);
	sw->prog.with_watchers += held;
	sw->prog.images_done++;
	scan_progress_changed(sw);
	pthread_mutex_unlock(&sw->lock);
	if (held)
		scan_workers_submit(sw, ctx->pool, ctx->nspace, r->image->name,
				    ctx->trash ? &ctx->trash[r->index] : NULL);
}

/* A page of the namespace's listing arrived: the total grows as pools are read. */
static void scan_on_listed(size_t n, void *user)
{
	struct scan_pool_ctx *ctx = user;
	ctx->listed += n;
	pthread_mutex_lock(&ctx->sw->lock);
	ctx->sw->prog.images_total += n;
	scan_progress_changed(ctx->sw);
	pthread_mutex_unlock(&ctx->sw->lock);
}

/* A failure in one namespace of a pool, named with it. */
static void scan_ns_error(const struct scan_pool_ctx *ctx, const struct rw_error *e)
{
	if (str_empty(ctx->nspace)) {
		scan_post_failure(ctx->sw, ctx->pool, e);
		return;
	}
	struct rw_error ne = {0};
	rw_error_set(&ne, e->code, "namespace %s: %s", ctx->nspace, e->msg);
	scan_post_failure(ctx->sw, ctx->pool, &ne);
}
/* The images of the namespace's trash (not in its directory, so not listed
 * above), probed by their ids: Cinder moves a volume it could not delete,
 * because it was held, to the trash. */
static void scan_trash(struct chain *ch, struct scan_pool_ctx *ctx)
{
	struct ceph_trash_entry *v = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	if (ceph_list_trash(ch->ceph, ctx->pool, ctx->nspace, &v, &n, &e) < 0) {
		scan_ns_error(ctx, &e);
		return;
	}
	/* images being removed are in the listing already (probe_pool, as rbd_list2) */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].source == CEPH_TRASH_SOURCE_REMOVING)
			ceph_trash_free_entry(&v[i]);
		else
			v[kept++] = v[i];
	n = kept;
	struct ceph_image_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct ceph_image_ref){v[i].name, v[i].id};  /* borrowed */
	ctx->trash = v;
	if (n)
		scan_on_listed(n, ctx);
	struct probe_opts po = {.cancel = ctx->cb->cancel, .result = scan_on_probe, .user = ctx,
				.nspace = ctx->nspace};
	if (n && probe_watchers(ch->ceph, ctx->pool, refs, n, &po, &e) < 0)
		scan_ns_error(ctx, &e);
	ctx->trash = NULL;
	free(refs);
	ceph_trash_free(v, n);
}

/* One namespace of a pool: its directory and its trash. Listing and probing
 * overlap (probe_pool): the first images are probed while the rest of the
 * directory is still being read. */
static void scan_ns(struct scan_workers *sw, const char *pool, const char *nspace)
{
	struct chain *ch = sw->ch;
	const struct scan_callbacks *cb = sw->cb;
	struct rw_error e = {0};
	struct scan_pool_ctx ctx = {.pool = pool, .nspace = nspace, .cb = cb, .sw = sw};
	struct probe_opts po = {.cancel = cb->cancel, .result = scan_on_probe,
				.listed = scan_on_listed, .user = &ctx, .nspace = nspace};
	if (probe_pool(ch->ceph, pool, &po, &e) < 0)
		scan_ns_error(&ctx, &e);
	else if (!cancelled(cb))
		scan_trash(ch, &ctx);
	if (ctx.unprobed) {  /* never a silent "no watchers" */
		rw_error_set(&e, ctx.first.code, "%zu of %zu images could not be probed for "
			     "watchers: %s", ctx.unprobed, ctx.listed, ctx.first.msg);
		scan_ns_error(&ctx, &e);
	}
}

static void *scan_scanner(void *arg);

/* Lock held: starts scanners, up to SCAN_UNITS, while units wait for one. */
static void scan_spawn_scanners(struct scan_workers *sw, size_t queued)
{
	while (queued-- > 0 && sw->nscanners < SCAN_UNITS &&
	       pthread_create(&sw->scanners[sw->nscanners], NULL, scan_scanner, sw) == 0)
		sw->nscanners++;
}

/* Lock held: queues a unit of pool pi (nspace NULL: list its namespaces). */
static void scan_queue_unit(struct scan_workers *sw, size_t pi, const char *nspace)
{
	struct scan_unit *u = xcalloc(1, sizeof *u);
	u->pool = pi;
	u->nspace = nspace ? xstrdup(nspace) : NULL;
	*sw->units_tail = u;
	sw->units_tail = &u->next;
	sw->pools[pi].units_left++;
}

/* Every RADOS namespace of the pool, the default one first (and even when the
 * others cannot be listed: that failure is named, never skipped), queued as
 * units of their own so that they too are scanned side by side. */
static void scan_list_ns(struct scan_workers *sw, size_t pi)
{
	const char *pool = sw->pools[pi].name;
	struct strvec nss = {0};
	struct rw_error e = {0};
	int rc = chain_namespaces(sw->ch, pool, &nss, &e);
	if (rc < 0)
		scan_post_failure(sw, pool, &e);
	/* a pool that timed out is not asked again: one timeout per hung pool */
	if (rc != -ETIMEDOUT && !cancelled(sw->cb)) {
		pthread_mutex_lock(&sw->lock);
		for (size_t i = 0; i < nss.n; i++)
			scan_queue_unit(sw, pi, nss.v[i]);
		scan_spawn_scanners(sw, nss.n);
		pthread_cond_broadcast(&sw->units_cv);
		pthread_mutex_unlock(&sw->lock);
	}
	strvec_free(&nss);
}

/* Lock held: a unit of pool pi ended; the pool is done with its last one. */
static void scan_unit_done(struct scan_workers *sw, size_t pi)
{
	sw->units_running--;
	if (--sw->pools[pi].units_left == 0) {
		sw->prog.pools_done++;
		sw->prog_dirty = true;  /* woken below */
	}
	pthread_cond_broadcast(&sw->units_cv);
	pthread_cond_signal(&sw->done);
}

/* A scanner: takes units until none is queued and none running could queue
 * more (a namespace listing queues its namespaces). */
static void *scan_scanner(void *arg)
{
	struct scan_workers *sw = arg;
	pthread_mutex_lock(&sw->lock);
	for (;;) {
		while (!sw->units && sw->units_running > 0)
			pthread_cond_wait(&sw->units_cv, &sw->lock);
		struct scan_unit *u = sw->units;
		if (!u)
			break;
		if (!(sw->units = u->next))
			sw->units_tail = &sw->units;
		sw->units_running++;
		pthread_mutex_unlock(&sw->lock);
		if (cancelled(sw->cb))
			;  /* dropped: the scan stops */
		else if (!u->nspace)
			scan_list_ns(sw, u->pool);
		else
			scan_ns(sw, sw->pools[u->pool].name, u->nspace);
		pthread_mutex_lock(&sw->lock);
		scan_unit_done(sw, u->pool);
		free(u->nspace);
		free(u);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

/* Scans every pool of names: one namespace-listing unit each to start with,
 * and the scanners to take them; the calling thread hands out the news
 * meanwhile (and scans itself when no scanner could start). */
static void scan_pools(struct scan_workers *sw, const struct strvec *names)
{
	sw->pools = xcalloc(names->n ? names->n : 1, sizeof *sw->pools);
	sw->prog.pools_total = names->n;
	pthread_mutex_lock(&sw->lock);
	for (size_t i = 0; i < names->n; i++) {
		sw->pools[i].name = names->v[i];
		scan_queue_unit(sw, i, NULL);
	}
	scan_spawn_scanners(sw, names->n);
	bool alone = sw->nscanners == 0;
	pthread_mutex_unlock(&sw->lock);
	if (alone)
		scan_scanner(sw);
	scan_hand_out_all(sw);
	/* no scanner is left to start another once all is done */
	for (size_t i = 0; i < sw->nscanners; i++)
		pthread_join(sw->scanners[i], NULL);
	free(sw->pools);
}

static int scan_pool_names(struct chain *ch, const struct strvec *pools, struct strvec *all,
			   struct rw_error *err)
{
	if (pools && pools->n > 0) {
		for (size_t i = 0; i < pools->n; i++) {
			int rc = ceph_pool_exists(ch->ceph, pools->v[i], err);
			if (rc < 0)
				return rc;
			strvec_push(all, pools->v[i]);
		}
		return 0;
	}
	char **names = NULL;
	size_t n = 0;
	int rc = ceph_list_pools(ch->ceph, &names, &n, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		strvec_push_owned(all, names[i]);
	free(names);
	return 0;
}

int chain_scan(struct chain *ch, const struct strvec *pools, const struct scan_callbacks *cb,
	       struct rw_error *err)
{
	struct strvec all = {0};
	int rc = scan_pool_names(ch, pools, &all, err);
	if (rc < 0) {
		strvec_free(&all);
		return rc;
	}
	struct scan_workers sw;
	scan_workers_init(&sw, ch, cb);
	sw.warm = host_warm_start(ch, cb->cancel);
	scan_pools(&sw, &all);
	scan_workers_close(&sw);
	host_warm_finish(sw.warm);
	strvec_free(&all);
	return 0;
}
