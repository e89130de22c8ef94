/* test_jobs.c — the worker pool: results come back with their generation,
 * the wake fd signals them, partial posts arrive, and shutdown is bounded even
 * when a job never returns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <poll.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/jobs.h"
#include "rbdwho/util.h"

static void run_double(struct job *j, struct jobs *js)
{
	j->rc = (int)(intptr_t)j->data * 2;
	struct job *msg = xcalloc(1, sizeof *msg);
	msg->kind = 99;
	msg->gen = j->gen;
	jobs_post(js, msg);
}

static struct job *wait_result(struct jobs *js)
{
	for (int tries = 0; tries < 100; tries++) {
		struct pollfd pfd = {jobs_wake_fd(js), POLLIN, 0};
		if (poll(&pfd, 1, 100) > 0) {
			struct job *j = jobs_take(js);
			if (j)
				return j;
		}
	}
	return NULL;
}

static void test_results_and_partials(void **state)
{
	struct jobs *js = jobs_new(4);
	assert_non_null(js);
	for (int i = 0; i < 20; i++) {
		struct job *j = xcalloc(1, sizeof *j);
		j->kind = 1;
		j->gen = (uint64_t)i;
		j->data = (void *)(intptr_t)i;
		j->run = run_double;
		jobs_submit(js, j);
	}
	int finals = 0, partials = 0, sum = 0;
	while (finals < 20) {
		struct job *j = wait_result(js);
		assert_non_null(j);
		if (j->partial) {
			assert_int_equal(j->kind, 99);
			partials++;
		} else {
			assert_int_equal(j->rc, (int)j->gen * 2);
			sum += j->rc;
			finals++;
		}
		job_free(j);
	}
	assert_int_equal(sum, 2 * 190);
	assert_int_equal(partials, 20);
	assert_null(jobs_take(js));
	assert_int_equal(jobs_in_flight(js), 0);
	assert_int_equal(jobs_shutdown(js, 1000), 0);
}

/* The abandoned pool is leaked on purpose (its stuck workers still use it). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:jobs_new\n";
}

static int hang_fds[2], started_fds[2];

static void run_hang(struct job *j, struct jobs *js)
{
	char c = 's';
	if (write(started_fds[1], &c, 1) < 0) {
	}
	/* Blocks until the test closes the pipe: a backend that never answers. */
	if (read(hang_fds[0], &c, 1) < 0) {
	}
}

static void test_shutdown_abandons_hung_job(void **state)
{
	assert_int_equal(pipe(hang_fds), 0);
	assert_int_equal(pipe(started_fds), 0);
	struct jobs *js = jobs_new(2);
	struct job *j = xcalloc(1, sizeof *j);
	j->run = run_hang;
	jobs_submit(js, j);
	for (int i = 0; i < 5; i++) {  /* queued behind: dropped at shutdown */
		struct job *q = xcalloc(1, sizeof *q);
		q->run = run_hang;
		jobs_submit(js, q);
	}
	char c;
	/* wait (blocking, no sleep) until both workers are inside a hung job */
	assert_int_equal(read(started_fds[0], &c, 1), 1);
	assert_int_equal(read(started_fds[0], &c, 1), 1);
	assert_int_equal(jobs_in_flight(js), 6);
	int64_t t0 = clock_ms();
	assert_int_equal(jobs_shutdown(js, 200), -ETIMEDOUT);
	int64_t took = clock_ms() - t0;
	assert_true(took >= 150 && took < 2000);
	/* the abandoned pool stays valid for its stuck workers; let them go */
	close(hang_fds[1]);
}

static int spin_started[2];

/* Runs until its own flag (or the pool's) says stop, like chain_scan does. */
static void run_until_cancelled(struct job *j, struct jobs *js)
{
	char c = 's';
	if (write(spin_started[1], &c, 1) < 0) {
	}
	int64_t give_up = clock_ms() + 10000;  /* a broken cancel fails, never hangs */
	while (!job_cancelled(j, js) && clock_ms() < give_up)
		usleep(1000);
	j->rc = job_cancelled(j, js) ? 1 : -ETIMEDOUT;
}

/* The old bug: a shared stop flag, set then cleared by the next scan, let the
 * old scan run on. Each job's flag is its own: cancelling A stops A only. */
static void test_cancel_is_per_job(void **state)
{
	assert_int_equal(pipe(spin_started), 0);
	struct jobs *js = jobs_new(2);
	struct job *a = xcalloc(1, sizeof *a), *b = xcalloc(1, sizeof *b);
	a->kind = 'a';
	b->kind = 'b';
	a->run = b->run = run_until_cancelled;
	jobs_submit(js, a);
	jobs_submit(js, b);
	char c;
	assert_int_equal(read(spin_started[0], &c, 1), 1);
	assert_int_equal(read(spin_started[0], &c, 1), 1);
	jobs_cancel(js, a);
	struct job *r = wait_result(js);
	assert_non_null(r);
	assert_ptr_equal(r, a);
	assert_int_equal(r->rc, 1);
	job_free(r);
	assert_false(atomic_load(&b->cancel));
	assert_int_equal(jobs_in_flight(js), 1);  /* b still runs */
	/* shutdown stops the running b through its own flag */
	assert_int_equal(jobs_shutdown(js, 5000), 0);
	close(spin_started[0]);
	close(spin_started[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_and_partials),
		cmocka_unit_test(test_cancel_is_per_job),
		cmocka_unit_test(test_shutdown_abandons_hung_job),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
