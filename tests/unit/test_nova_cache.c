/* test_nova_cache.c — the Nova answer cache (nova_cache.h): hits,
 * misses, replacement, what is never cached, clearing, and a server list of
 * 200,000 filled and read back (a linear cache took minutes at that size). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/nova_cache.h"

static void uuid_of(size_t i, char *out, size_t n)
{
	snprintf(out, n, "%08zx-0000-4000-8000-%012zx", i * 2654435761u % 0xffffffffu, i);
}

static void test_hit_miss_replace(void **state)
{
	struct nova_cache *c = nova_cache_new();
	struct nova_answer a = {.state = NOVA_FOUND, .server = {.id = "u1", .name = "vm1",
								 .status = "ACTIVE"}};
	struct nova_answer out = {0};
	assert_false(nova_cache_get(c, "u1", &out));
	nova_cache_put(c, "u1", &a);
	assert_true(nova_cache_get(c, "u1", &out));
	assert_int_equal(out.state, NOVA_FOUND);
	assert_string_equal(out.server.name, "vm1");
	nova_answer_clear(&out);
	assert_false(nova_cache_get(c, "U1", &out));  /* exact match, as before */

	struct nova_answer gone = {.state = NOVA_GONE};
	nova_cache_put(c, "u1", &gone);  /* a later answer replaces the older one */
	assert_true(nova_cache_get(c, "u1", &out));
	assert_int_equal(out.state, NOVA_GONE);
	assert_null(out.server.name);
	nova_answer_clear(&out);
	assert_int_equal(nova_cache_count(c), 1);
	nova_cache_free(c);
}

static void test_errors_are_not_cached(void **state)
{
	struct nova_cache *c = nova_cache_new();
	struct nova_answer err = {.state = NOVA_ERROR, .error = "timed out"};
	struct nova_answer none = {.state = NOVA_NOT_ASKED, .error = "no OpenStack"};
	struct nova_answer out = {0};
	nova_cache_put(c, "u2", &err);
	nova_cache_put(c, "u3", &none);
	assert_false(nova_cache_get(c, "u2", &out));
	assert_false(nova_cache_get(c, "u3", &out));
	assert_int_equal(nova_cache_count(c), 0);
	nova_cache_free(c);
}

static void test_large_list_and_clear(void **state)
{
	enum { N = 200000 };
	struct nova_cache *c = nova_cache_new();
	char id[64], name[32];
	for (size_t i = 0; i < N; i++) {
		uuid_of(i, id, sizeof id);
		snprintf(name, sizeof name, "vm%zu", i);
		struct nova_answer a = {.state = NOVA_FOUND, .server = {.id = id, .name = name}};
		nova_cache_put(c, id, &a);
	}
	assert_int_equal(nova_cache_count(c), N);
	assert_true(nova_cache_capacity(c) >= 2 * (size_t)N);  /* kept at most half full */
	for (size_t i = 0; i < N; i += 7) {
		struct nova_answer out = {0};
		uuid_of(i, id, sizeof id);
		snprintf(name, sizeof name, "vm%zu", i);
		assert_true(nova_cache_get(c, id, &out));
		assert_string_equal(out.server.name, name);
		nova_answer_clear(&out);
	}
	struct nova_answer out = {0};
	uuid_of(N, id, sizeof id);
	assert_false(nova_cache_get(c, id, &out));
	nova_cache_clear(c);
	uuid_of(0, id, sizeof id);
	assert_false(nova_cache_get(c, id, &out));
	assert_int_equal(nova_cache_count(c), 0);
	nova_cache_free(c);
}

/* Nova's own failure is remembered with its reason, and forgotten by clear. */
static void test_failure_remembered(void **state)
{
	struct nova_cache *c = nova_cache_new();
	assert_null(nova_cache_failure(c));
	nova_cache_fail(c, "nova at x did not answer within 2000 ms");
	char *r = nova_cache_failure(c);
	assert_non_null(r);
	assert_string_equal(r, "nova at x did not answer within 2000 ms");
	free(r);
	nova_cache_clear(c);
	assert_null(nova_cache_failure(c));
	nova_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_miss_replace),
		cmocka_unit_test(test_errors_are_not_cached),
		cmocka_unit_test(test_large_list_and_clear),
		cmocka_unit_test(test_failure_remembered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
