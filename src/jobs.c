/* jobs.c — the browser's worker pool: a mutex-guarded FIFO of jobs, a FIFO of
 * results, and an eventfd that tells the UI loop results are waiting.
 * No lock is held while a job runs (jobs do blocking backend I/O). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "rbdwho/jobs.h"
#include "rbdwho/util.h"

#define JOBS_MAX_WORKERS 16

struct queue {
	struct job *head, *tail;
};

struct jobs {
	pthread_mutex_t lock;
	pthread_cond_t work;    /* a job was queued, or shutdown began */
	pthread_cond_t exited;  /* a worker ended */
	struct queue todo, done;
	size_t running, queued;
	int nthreads, alive;
	pthread_t threads[JOBS_MAX_WORKERS];
	struct job *running_jobs[JOBS_MAX_WORKERS];  /* for shutdown to cancel */
	int wake_fd;
	atomic_bool cancel;
};

static void queue_push(struct queue *q, struct job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct job *queue_pop(struct queue *q)
{
	struct job *j = q->head;
	if (j) {
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		j->next = NULL;
	}
	return j;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->free)
		j->free(j);
	else
		free(j);
}

static void wake(struct jobs *js)
{
	uint64_t one = 1;
	/* EAGAIN means the counter is already huge: the UI is awake anyway. */
	if (write(js->wake_fd, &one, sizeof one) < 0) {
	}
}

/* Under the lock. There is one slot per worker, so one is always free. */
static int running_add(struct jobs *js, struct job *j)
{
	int slot = 0;
	while (js->running_jobs[slot])
		slot++;
	js->running_jobs[slot] = j;
	js->running++;
	return slot;
}

static void *worker_main(void *arg)
{
	struct jobs *js = arg;
	pthread_mutex_lock(&js->lock);
	for (;;) {
		while (!js->todo.head && !atomic_load(&js->cancel))
			pthread_cond_wait(&js->work, &js->lock);
		if (atomic_load(&js->cancel))
			break;
		struct job *j = queue_pop(&js->todo);
		js->queued--;
		int slot = running_add(js, j);
		pthread_mutex_unlock(&js->lock);
		if (j->run)
			j->run(j, js);
		pthread_mutex_lock(&js->lock);
		js->running_jobs[slot] = NULL;
		js->running--;
		queue_push(&js->done, j);
		wake(js);
	}
	js->alive--;
	pthread_cond_broadcast(&js->exited);
	pthread_mutex_unlock(&js->lock);
	return NULL;
}

struct jobs *jobs_new(int nworkers)
{
	if (nworkers < 1 || nworkers > JOBS_MAX_WORKERS)
		return NULL;
	struct jobs *js = xcalloc(1, sizeof *js);
	js->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (js->wake_fd < 0) {
		free(js);
		return NULL;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&js->lock, NULL);
	pthread_cond_init(&js->work, NULL);
	pthread_cond_init(&js->exited, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&js->lock);
	for (int i = 0; i < nworkers; i++) {
		if (pthread_create(&js->threads[i], NULL, worker_main, js) != 0)
			break;
		js->nthreads++;
		js->alive++;
	}
	pthread_mutex_unlock(&js->lock);
	if (js->nthreads == 0) {
		close(js->wake_fd);
		free(js);
		return NULL;
	}
	return js;
}

int jobs_wake_fd(const struct jobs *js)
{
	return js->wake_fd;
}

void jobs_submit(struct jobs *js, struct job *j)
{
	pthread_mutex_lock(&js->lock);
	queue_push(&js->todo, j);
	js->queued++;
	pthread_cond_signal(&js->work);
	pthread_mutex_unlock(&js->lock);
}

void jobs_post(struct jobs *js, struct job *msg)
{
	msg->partial = true;
	pthread_mutex_lock(&js->lock);
	queue_push(&js->done, msg);
	wake(js);
	pthread_mutex_unlock(&js->lock);
}

struct job *jobs_take(struct jobs *js)
{
	pthread_mutex_lock(&js->lock);
	struct job *j = queue_pop(&js->done);
	if (!js->done.head) {
		/* Drain the counter only when the queue is empty, so a readable
		 * fd always means "something to take". */
		uint64_t v;
		if (read(js->wake_fd, &v, sizeof v) < 0) {
		}
	}
	pthread_mutex_unlock(&js->lock);
	return j;
}

size_t jobs_in_flight(struct jobs *js)
{
	pthread_mutex_lock(&js->lock);
	size_t n = js->queued + js->running;
	pthread_mutex_unlock(&js->lock);
	return n;
}

bool jobs_settled(struct jobs *js, size_t left)
{
	pthread_mutex_lock(&js->lock);
	bool settled = js->queued + js->running <= left && !js->done.head;
	pthread_mutex_unlock(&js->lock);
	return settled;
}

bool jobs_idle(struct jobs *js)
{
	return jobs_settled(js, 0);
}

void jobs_cancel(struct jobs *js, struct job *j)
{
	pthread_mutex_lock(&js->lock);
	atomic_store(&j->cancel, true);
	pthread_mutex_unlock(&js->lock);
}

bool job_cancelled(const struct job *j, const struct jobs *js)
{
	return atomic_load(&j->cancel) || atomic_load(&js->cancel);
}

bool jobs_cancelled(const struct jobs *js)
{
	return atomic_load(&js->cancel);
}

const atomic_bool *jobs_cancel_flag(const struct jobs *js)
{
	return &js->cancel;
}

static void free_queue(struct queue *q)
{
	struct job *j;
	while ((j = queue_pop(q)))
		job_free(j);
}

int jobs_shutdown(struct jobs *js, int timeout_ms)
{
	if (!js)
		return 0;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&js->lock);
	atomic_store(&js->cancel, true);
	for (int i = 0; i < js->nthreads; i++)
		if (js->running_jobs[i])
			atomic_store(&js->running_jobs[i]->cancel, true);
	free_queue(&js->todo);
	js->queued = 0;
	pthread_cond_broadcast(&js->work);
	int rc = 0;
	while (js->alive > 0 && rc == 0)
		rc = pthread_cond_timedwait(&js->exited, &js->lock, &until);
	bool stuck = js->alive > 0;
	pthread_mutex_unlock(&js->lock);
	if (stuck) {
		/* A worker is inside a backend call that ignores us; leave it (and
		 * everything it may touch) alone and let the process end. */
		for (int i = 0; i < js->nthreads; i++)
			pthread_detach(js->threads[i]);
		return -ETIMEDOUT;
	}
	for (int i = 0; i < js->nthreads; i++)
		pthread_join(js->threads[i], NULL);
	free_queue(&js->done);
	close(js->wake_fd);
	pthread_cond_destroy(&js->work);
	pthread_cond_destroy(&js->exited);
	pthread_mutex_destroy(&js->lock);
	free(js);
	return 0;
}
