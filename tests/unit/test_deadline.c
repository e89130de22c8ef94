/* test_deadline.c — a call that finishes in time returns its result; one that
 * overruns is abandoned, and still frees its argument and late result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sched.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/deadline.h"
#include "rbdwho/error.h"
#include "rbdwho/util.h"

static atomic_int freed_args, dropped_results;
static int gate[2];  /* a pipe: the slow call blocks reading it until the test writes */

static void *quick(void *arg) { return xstrdup(arg); }

static void *blocked(void *arg)
{
	char c;
	(void)!read(gate[0], &c, 1);
	return xstrdup(arg);
}

static void count_free_arg(void *arg) { free(arg); atomic_fetch_add(&freed_args, 1); }
static void count_drop(void *r) { free(r); atomic_fetch_add(&dropped_results, 1); }

static void test_in_time(void **state)
{
	void *res = NULL;
	assert_int_equal(deadline_run(quick, xstrdup("hi"), count_free_arg, count_drop, 2000, &res), 0);
	assert_string_equal(res, "hi");
	free(res);
	assert_int_equal(atomic_load(&freed_args), 1);
	assert_int_equal(atomic_load(&dropped_results), 0);
}

static void test_overrun_is_abandoned(void **state)
{
	assert_int_equal(pipe(gate), 0);
	void *res = (void *)1;
	int64_t t0 = clock_ms();
	assert_int_equal(deadline_run(blocked, xstrdup("late"), count_free_arg, count_drop, 100, &res),
			 -ETIMEDOUT);
	assert_null(res);
	assert_true(clock_ms() - t0 < 2000);
	/* Release the abandoned call and wait, without sleeping, for its clean-up. */
	assert_int_equal(write(gate[1], "x", 1), 1);
	while (atomic_load(&dropped_results) == 0)
		sched_yield();
	assert_int_equal(atomic_load(&dropped_results), 1);
	assert_int_equal(atomic_load(&freed_args), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_time),
		cmocka_unit_test(test_overrun_is_abandoned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
