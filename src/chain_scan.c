/* chain_scan.c — every image with watchers in a set of pools, each resolved
 * like a find. The watchers of a whole pool are probed in bulk (probe.h: one
 * list-watchers op per header, many in flight); only images that have watchers
 * are loaded and resolved, on a small pool of worker threads. */
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

/* The resolvers. found() and progress() never run on them: finished jobs
 * queue up and the scanning thread hands them out, one at a time. */
struct scan_workers {
	struct chain *ch;
	const struct scan_callbacks *cb;
	pthread_mutex_t lock;
	pthread_cond_t work, done;  /* work queued / a job finished */
	struct scan_queue todo, finished;
	size_t pending;             /* queued or running */
	bool closing, nova_claimed, nova_ready;
	pthread_t threads[SCAN_THREADS];
	size_t nthreads;
	struct host_warm *warm;     /* the watchers' hosts, asked as the probe finds them */
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
	pthread_mutex_init(&sw->lock, NULL);
	pthread_cond_init(&sw->work, NULL);
	pthread_cond_init(&sw->done, NULL);
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
	pthread_cond_signal(&sw->work);
	pthread_mutex_unlock(&sw->lock);
	if (sw->nthreads == 0) {  /* no thread could be made: resolve right here */
		pthread_mutex_lock(&sw->lock);
		queue_pop(&sw->todo);
		pthread_mutex_unlock(&sw->lock);
		j->iv = scan_resolve(sw->ch, j, &j->err);
		pthread_mutex_lock(&sw->lock);
		queue_push(&sw->finished, j);
		pthread_mutex_unlock(&sw->lock);
	}
}

/* Hands finished images to found() on this thread; with wait, until every
 * queued job is done. */
static void scan_workers_deliver(struct scan_workers *sw, bool wait)
{
	pthread_mutex_lock(&sw->lock);
	for (;;) {
		struct scan_job *j = queue_pop(&sw->finished);
		if (!j) {
			if (!wait || sw->pending == 0)
				break;
			pthread_cond_wait(&sw->done, &sw->lock);
			continue;
		}
		sw->pending--;
		pthread_mutex_unlock(&sw->lock);
		if (!j->iv && j->err.code && sw->cb->pool_error) {
			struct rw_error e = {0};  /* a held image that could not be looked at */
			rw_error_set(&e, j->err.code, "image %s: %s", j->image, j->err.msg);
			sw->cb->pool_error(j->pool, &e, sw->cb->user);
		}
		if (j->iv && !cancelled(sw->cb))
			sw->cb->found(j->iv, sw->cb->user);
		else if (j->iv)
			image_view_free(j->iv);
		free(j->pool);
		free(j->image);
		free(j->nspace);
		ceph_trash_free_entry(&j->trash);
		free(j);
		pthread_mutex_lock(&sw->lock);
	}
	pthread_mutex_unlock(&sw->lock);
}

static void scan_workers_close(struct scan_workers *sw)
{
	scan_workers_deliver(sw, true);
	pthread_mutex_lock(&sw->lock);
	sw->closing = true;
	pthread_cond_broadcast(&sw->work);
	pthread_mutex_unlock(&sw->lock);
	for (size_t i = 0; i < sw->nthreads; i++)
		pthread_join(sw->threads[i], NULL);
	pthread_mutex_destroy(&sw->lock);
	pthread_cond_destroy(&sw->work);
	pthread_cond_destroy(&sw->done);
}

struct scan_pool_ctx {
	const char *pool;
	const char *nspace;                    /* "" for the default namespace */
	const struct ceph_trash_entry *trash;  /* probing the trash: its entries, by index */
	const struct scan_callbacks *cb;
	struct scan_progress *p;
	struct scan_workers *sw;
	size_t listed;       /* images of the pool listed so far */
	size_t unprobed;     /* images whose probe failed */
	struct rw_error first;  /* the first such failure */
};

/* One probe answer: runs on the scanning thread (probe.h promises it). */
static void scan_on_probe(struct probe_result *r, void *user)
{
	struct scan_pool_ctx *ctx = user;
	/* -ENOENT: removed since the listing. Other failures are counted and
	 * reported once per pool (scan_pool): an image not probed is not "no watchers". */
	if (r->rc < 0 && r->rc != -ENOENT && ctx->unprobed++ == 0)
		rw_error_set(&ctx->first, r->rc, "%s", r->msg ? r->msg : "probe failed");
	if (r->rc == 0 && r->nwatchers > 0) {
		host_warm_watchers(ctx->sw->warm, r->watchers, r->nwatchers);
		ctx->p->with_watchers++;
		scan_workers_submit(ctx->sw, ctx->pool, ctx->nspace, r->image->name,
				    ctx->trash ? &ctx->trash[r->index] : NULL);
	}
	ctx->p->images_done++;
	scan_workers_deliver(ctx->sw, false);
	if (ctx->cb->progress)
		ctx->cb->progress(ctx->p, ctx->cb->user);
}

/* A page of the pool's listing arrived: the total grows as the pool is read. */
static void scan_on_listed(size_t n, void *user)
{
	struct scan_pool_ctx *ctx = user;
	ctx->listed += n;
	ctx->p->images_total += n;
	if (ctx->cb->progress)
		ctx->cb->progress(ctx->p, ctx->cb->user);
}

/* A failure in one namespace of a pool, named with it. */
static void scan_ns_error(const struct scan_pool_ctx *ctx, const struct rw_error *e)
{
	if (!ctx->cb->pool_error)
		return;
	if (str_empty(ctx->nspace)) {
		ctx->cb->pool_error(ctx->pool, e, ctx->cb->user);
		return;
	}
	struct rw_error ne = {0};
	rw_error_set(&ne, e->code, "namespace %s: %s", ctx->nspace, e->msg);
	ctx->cb->pool_error(ctx->pool, &ne, ctx->cb->user);
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
static void scan_ns(struct chain *ch, const char *pool, const char *nspace,
		    const struct scan_callbacks *cb, struct scan_progress *p,
		    struct scan_workers *sw)
{
	struct rw_error e = {0};
	struct scan_pool_ctx ctx = {.pool = pool, .nspace = nspace, .cb = cb, .p = p, .sw = sw};
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
	scan_workers_deliver(sw, true);
}

/* Every RADOS namespace of the pool, the default one first (and even when the
 * others cannot be listed: that failure is named, never skipped). */
static void scan_pool(struct chain *ch, const char *pool, const struct scan_callbacks *cb,
		      struct scan_progress *p, struct scan_workers *sw)
{
	struct strvec nss = {0};
	struct rw_error e = {0};
	int rc = chain_namespaces(ch, pool, &nss, &e);
	if (rc < 0 && cb->pool_error)
		cb->pool_error(pool, &e, cb->user);
	/* a pool that timed out is not asked again: one timeout per hung pool */
	for (size_t i = 0; i < nss.n && rc != -ETIMEDOUT && !cancelled(cb); i++)
		scan_ns(ch, pool, nss.v[i], cb, p, sw);
	strvec_free(&nss);
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
	struct scan_progress p = {.pools_total = all.n};
	for (size_t i = 0; i < all.n && !cancelled(cb); i++) {
		scan_pool(ch, all.v[i], cb, &p, &sw);
		p.pools_done++;
		if (cb->progress)
			cb->progress(&p, cb->user);
	}
	scan_workers_close(&sw);
	host_warm_finish(sw.warm);
	strvec_free(&all);
	return 0;
}
