/* deadline.c — a blocking call on a detached thread, waited for with a limit.
 * The shared state is reference-counted: whichever of the caller and the thread
 * lets go last frees it, so an abandoned call cleans up after itself. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "rbdwho/deadline.h"
#include "rbdwho/error.h"
#include "rbdwho/util.h"

struct deadline_call {
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	int refs;
	bool done, abandoned;
	void *(*fn)(void *);
	void *arg, *result;
	void (*free_arg)(void *);
	void (*drop_result)(void *);
};

static void call_unref(struct deadline_call *c)
{
	pthread_mutex_lock(&c->lock);
	bool last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->done_cv);
	free(c);
}

static void *call_thread(void *p)
{
	struct deadline_call *c = p;
	void *result = c->fn(c->arg);
	if (c->free_arg)
		c->free_arg(c->arg);
	pthread_mutex_lock(&c->lock);
	bool abandoned = c->abandoned;
	c->result = result;
	c->done = true;
	pthread_cond_signal(&c->done_cv);
	pthread_mutex_unlock(&c->lock);
	if (abandoned && c->drop_result && result)
		c->drop_result(result);
	call_unref(c);
	return NULL;
}

static struct timespec deadline_after(int timeout_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int deadline_run(void *(*fn)(void *arg), void *arg, void (*free_arg)(void *arg),
		 void (*drop_result)(void *result), int timeout_ms, void **result)
{
	struct deadline_call *c = xcalloc(1, sizeof *c);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&c->lock, NULL);
	c->refs = 2;
	c->fn = fn;
	c->arg = arg;
	c->free_arg = free_arg;
	c->drop_result = drop_result;
	*result = NULL;

	pthread_t th;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&th, &attr, call_thread, c);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		/* No thread: run inline rather than fail; the limit cannot apply. */
		c->refs = 1;
		*result = fn(arg);
		if (free_arg)
			free_arg(arg);
		call_unref(c);
		return 0;
	}

	struct timespec until = deadline_after(timeout_ms);
	pthread_mutex_lock(&c->lock);
	while (!c->done &&
	       pthread_cond_timedwait(&c->done_cv, &c->lock, &until) != ETIMEDOUT)
		;
	bool done = c->done;
	if (done)
		*result = c->result;
	else
		c->abandoned = true;
	pthread_mutex_unlock(&c->lock);
	call_unref(c);
	return done ? 0 : -ETIMEDOUT;
}
