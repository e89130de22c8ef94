/* test_clone_brief.c — the one-line summary of an image's clones the
 * browser's details pane shows: the count, the first few children (marked
 * watched or in the trash), and how many more. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rbdwho/ceph_clone.h"

static struct ceph_clone_ref child(char *pool, char *ns, char *image, int nwatchers, bool trash)
{
	return (struct ceph_clone_ref){pool, ns, image, "snap", trash, nwatchers};
}

static void check(const struct ceph_clone_info *ci, size_t first, const char *want)
{
	char *got = ceph_clone_children_brief(ci, first);
	assert_string_equal(got, want);
	free(got);
}

static void test_none(void **state)
{
	struct ceph_clone_info ci = {0};
	check(&ci, 3, "none");
}

static void test_few_marked(void **state)
{
	struct ceph_clone_ref kids[] = {
		child("volumes", NULL, "a", 2, false),
		child("vms", "tenant-a", "b", 0, false),
		child("volumes", NULL, "c", -1, true),
	};
	struct ceph_clone_info ci = {.children = kids, .nchildren = 3};
	/* the child itself, never the snapshot it hangs from */
	check(&ci, 3, "3: volumes/a (watched), vms/tenant-a/b, volumes/c (in trash)");
}

static void test_more_counted(void **state)
{
	struct ceph_clone_ref kids[] = {
		child("p", NULL, "a", 0, false), child("p", NULL, "b", 0, false),
		child("p", NULL, "c", 1, false), child("p", NULL, "d", 0, false),
	};
	struct ceph_clone_info ci = {.children = kids, .nchildren = 4};
	check(&ci, 2, "4: p/a, p/b and 2 more");
	check(&ci, 0, "4: and 4 more");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_few_marked),
		cmocka_unit_test(test_more_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
