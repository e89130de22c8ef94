/* test_clone_holds.c — the parents a scan names as held through their clones:
 * grouped by parent image (not by snapshot), sorted whatever order the scan's
 * images came in, a parent in a namespace kept apart from its namesake in the
 * default one, and "watched" only for a parent that was itself reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/clone_holds.h"

static struct ceph_clone_ref parent(const char *pool, const char *ns, const char *image,
				    const char *snap)
{
	struct ceph_clone_ref r = {(char *)pool, (char *)ns, (char *)image, (char *)snap, false, -1};
	return r;
}

static void test_grouped_and_sorted(void **state)
{
	(void)state;
	struct clone_holds h = {0};
	struct ceph_clone_ref gold1 = parent("images", NULL, "gold", "s1");
	struct ceph_clone_ref gold2 = parent("images", NULL, "gold", "s2");
	struct ceph_clone_ref base = parent("images", NULL, "base", "snap");
	clone_holds_add(&h, "volumes", "", "vol-c", &gold2);
	clone_holds_add(&h, "volumes", "", "vol-a", &gold1);
	clone_holds_add(&h, "vms", NULL, "disk", &base);
	clone_holds_add(&h, "volumes", "", "vol-b", NULL);  /* no parent: no hold */
	clone_holds_finish(&h);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].parent.image, "base");
	assert_null(h.v[0].parent.snap);
	assert_int_equal(h.v[0].nclones, 1);
	assert_string_equal(h.v[0].clones[0].pool, "vms");
	assert_string_equal(h.v[0].clones[0].snap, "snap");
	assert_string_equal(h.v[1].parent.image, "gold");
	assert_int_equal(h.v[1].nclones, 2);  /* two snapshots, one parent */
	assert_string_equal(h.v[1].clones[0].image, "vol-a");
	assert_string_equal(h.v[1].clones[0].snap, "s1");
	assert_string_equal(h.v[1].clones[1].image, "vol-c");
	assert_string_equal(h.v[1].clones[1].snap, "s2");
	assert_false(h.v[0].watched);
	assert_false(h.v[1].watched);
	clone_holds_free(&h);
	assert_int_equal(h.n, 0);
}

static void test_watched_parent_and_namespaces(void **state)
{
	(void)state;
	struct clone_holds h = {0};
	struct ceph_clone_ref in_ns = parent("images", "tenant1", "gold", "s");
	struct ceph_clone_ref plain = parent("images", NULL, "gold", "s");
	clone_holds_add(&h, "volumes", "", "a", &in_ns);
	clone_holds_add(&h, "volumes", "", "b", &plain);
	/* images/gold itself was reported (watchers of its own); images/tenant1/gold was not */
	clone_holds_add(&h, "images", "", "gold", NULL);
	clone_holds_finish(&h);
	assert_int_equal(h.n, 2);
	assert_null(h.v[0].parent.nspace);  /* the default namespace sorts first */
	assert_true(h.v[0].watched);
	assert_string_equal(h.v[1].parent.nspace, "tenant1");
	assert_false(h.v[1].watched);
	clone_holds_free(&h);
}

static void test_empty(void **state)
{
	(void)state;
	struct clone_holds h = {0};
	clone_holds_finish(&h);
	assert_int_equal(h.n, 0);
	clone_holds_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grouped_and_sorted),
	    cmocka_unit_test(test_watched_parent_and_namespaces),
	    cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
