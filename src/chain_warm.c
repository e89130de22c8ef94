/* chain_warm.c — a scan's hosts asked as soon as they are known. The probe
 * hands over every watcher as its image is probed; one thread maps each to its
 * host and, the first time a remote host appears, starts that host's warm-up
 * (chain_host_prefetch: its ssh master, then its process list and its libvirt
 * list at once) on a thread of its own. The resolver threads then find the
 * per-host caches filled or being filled, instead of opening hosts one after
 * another as they come to each image. Bounded: at most WARM_HOST_THREADS
 * hosts warm at once (ssh.c bounds the ssh processes on top of that). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "chain_internal.h"

/* Hosts warmed at once. A master's handshake is mostly waiting on the host;
 * more than this would only queue on ssh.c's cap of commands anyway. */
#define WARM_HOST_THREADS 32

struct warm_watcher {
	struct warm_watcher *next;
	char *address;
	uint64_t client;
};

struct host_warm;

struct warm_host {
	struct warm_host *next;
	struct host_warm *hw;
	char *host, *uri;
};

struct host_warm {
	struct chain *ch;
	const atomic_bool *cancel;
	pthread_mutex_t lock;
	pthread_cond_t cond;        /* a watcher queued, or closing */
	struct warm_watcher *wq, **wq_tail;
	struct warm_host *hq, **hq_tail;
	struct strvec seen;         /* hosts already queued */
	size_t running;             /* host threads running */
	pthread_t *threads;         /* every host thread started, joined at the end */
	size_t nthreads, cap_threads;
	bool closing, mapper_up;
	pthread_t mapper;
};

static bool warm_cancelled(const struct host_warm *hw)
{
	return hw->cancel && atomic_load(hw->cancel);
}

static void *warm_host_run(void *arg);

/* Starts host threads for queued hosts while under the bound (lock held).
 * A host whose thread cannot be made is left to the resolvers. */
static void warm_spawn(struct host_warm *hw)
{
	while (hw->hq && hw->running < WARM_HOST_THREADS) {
		struct warm_host *h = hw->hq;
		if (!(hw->hq = h->next))
			hw->hq_tail = &hw->hq;
		h->hw = hw;
		xgrow(&hw->threads, &hw->cap_threads, hw->nthreads, sizeof *hw->threads);
		if (pthread_create(&hw->threads[hw->nthreads], NULL, warm_host_run, h) != 0) {
			free(h->host);
			free(h->uri);
			free(h);
			continue;
		}
		hw->nthreads++;
		hw->running++;
	}
}

static void *warm_host_run(void *arg)
{
	struct warm_host *h = arg;
	struct host_warm *hw = h->hw;
	if (!warm_cancelled(hw))
		chain_host_prefetch(hw->ch, h->host, h->uri);
	free(h->host);
	free(h->uri);
	free(h);
	pthread_mutex_lock(&hw->lock);
	hw->running--;
	warm_spawn(hw);
	pthread_mutex_unlock(&hw->lock);
	return NULL;
}

/* Maps one watcher to its host; a remote host seen for the first time is
 * queued for its warm-up. */
static void warm_map(struct host_warm *hw, const struct warm_watcher *ww)
{
	struct watcher_view w = {0};
	w.client = ww->client;
	if (parse_watcher_addr(ww->address, &w.addr) < 0)
		return;
	bool local = chain_map_watcher_host(hw->ch, &w);
	pthread_mutex_lock(&hw->lock);
	if (!local && w.host && !strvec_contains(&hw->seen, w.host)) {
		strvec_push(&hw->seen, w.host);
		struct warm_host *h = xcalloc(1, sizeof *h);
		h->host = xstrdup(w.host);
		h->uri = xstrdup(w.libvirt_uri);
		*hw->hq_tail = h;
		hw->hq_tail = &h->next;
		warm_spawn(hw);
	}
	pthread_mutex_unlock(&hw->lock);
	free(w.host);
	free(w.cephx_user);
	free(w.host_note);
	free(w.session_doubt);
	free(w.libvirt_uri);
}

static void *warm_mapper(void *arg)
{
	struct host_warm *hw = arg;
	pthread_mutex_lock(&hw->lock);
	for (;;) {
		while (!hw->wq && !hw->closing)
			pthread_cond_wait(&hw->cond, &hw->lock);
		struct warm_watcher *ww = hw->wq;
		if (!ww)
			break;  /* closing and nothing left */
		if (!(hw->wq = ww->next))
			hw->wq_tail = &hw->wq;
		bool over = hw->closing;  /* the scan is done: its hosts are no longer needed */
		pthread_mutex_unlock(&hw->lock);
		if (!over && !warm_cancelled(hw))
			warm_map(hw, ww);
		free(ww->address);
		free(ww);
		pthread_mutex_lock(&hw->lock);
	}
	pthread_mutex_unlock(&hw->lock);
	return NULL;
}

struct host_warm *host_warm_start(struct chain *ch, const atomic_bool *cancel)
{
	struct host_warm *hw = xcalloc(1, sizeof *hw);
	hw->ch = ch;
	hw->cancel = cancel;
	hw->wq_tail = &hw->wq;
	hw->hq_tail = &hw->hq;
	pthread_mutex_init(&hw->lock, NULL);
	pthread_cond_init(&hw->cond, NULL);
	return hw;
}

void host_warm_watchers(struct host_warm *hw, const struct ceph_watcher *v, size_t n)
{
	if (!hw || n == 0)
		return;
	pthread_mutex_lock(&hw->lock);
	for (size_t i = 0; i < n; i++) {
		struct warm_watcher *ww = xcalloc(1, sizeof *ww);
		ww->address = xstrdup(v[i].address);
		ww->client = v[i].client;
		*hw->wq_tail = ww;
		hw->wq_tail = &ww->next;
	}
	/* the mapper starts with the first watcher: a scan of idle pools makes no thread */
	if (!hw->mapper_up && pthread_create(&hw->mapper, NULL, warm_mapper, hw) == 0)
		hw->mapper_up = true;
	pthread_cond_broadcast(&hw->cond);
	pthread_mutex_unlock(&hw->lock);
}

void host_warm_finish(struct host_warm *hw)
{
	if (!hw)
		return;
	pthread_mutex_lock(&hw->lock);
	hw->closing = true;
	pthread_cond_broadcast(&hw->cond);
	pthread_mutex_unlock(&hw->lock);
	if (hw->mapper_up)
		pthread_join(hw->mapper, NULL);
	/* each host is bounded by the ssh and libvirt timeouts; a host thread
	 * may start a queued one as it ends, so the array grows meanwhile */
	pthread_mutex_lock(&hw->lock);
	for (size_t i = 0; i < hw->nthreads; i++) {
		pthread_t t = hw->threads[i];
		pthread_mutex_unlock(&hw->lock);
		pthread_join(t, NULL);
		pthread_mutex_lock(&hw->lock);
	}
	pthread_mutex_unlock(&hw->lock);
	free(hw->threads);
	for (struct warm_watcher *ww = hw->wq, *next; ww; ww = next) {  /* never mapped */
		next = ww->next;
		free(ww->address);
		free(ww);
	}
	for (struct warm_host *h = hw->hq, *next; h; h = next) {  /* never started */
		next = h->next;
		free(h->host);
		free(h->uri);
		free(h);
	}
	strvec_free(&hw->seen);
	pthread_mutex_destroy(&hw->lock);
	pthread_cond_destroy(&hw->cond);
	free(hw);
}
