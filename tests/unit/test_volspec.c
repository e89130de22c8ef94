/* test_volspec.c — names of images in RADOS namespaces: POOL/NS/IMAGE as an
 * operator types it, the chain's NS/IMAGE within a pool, and holders matched
 * within one namespace only (a holder of pool/ns1/img does not hold pool/img). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/parse_argv.h"
#include "rbdwho/rbdref.h"
#include "rbdwho/volspec.h"

static void test_spec_with_namespace(void **state)
{
	struct rbd_ref r;
	assert_int_equal(rbd_ref_parse_spec("volumes/ns1/volume-1", &r), 0);
	assert_string_equal(r.pool, "volumes");
	assert_string_equal(r.nspace, "ns1");
	assert_string_equal(r.image, "volume-1");
	assert_null(r.snap);
	rbd_ref_clear(&r);
	assert_int_equal(rbd_ref_parse_spec("volumes/volume-1", &r), 0);
	assert_null(r.nspace);
	assert_string_equal(r.image, "volume-1");
	rbd_ref_clear(&r);
	/* "pool//image" is the default namespace spelled out, as rbd takes it */
	assert_int_equal(rbd_ref_parse_spec("volumes//volume-1", &r), 0);
	assert_null(r.nspace);
	rbd_ref_clear(&r);
	assert_int_equal(rbd_ref_parse_spec("volumes/ns1/img@snap", &r), 0);
	assert_string_equal(r.snap, "snap");
	rbd_ref_clear(&r);
	static const char *const bad[] = {"volumes/ns1/", "/ns1/img", "a/b/c/d", "volumes", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(rbd_ref_parse_spec(bad[i], &r), -EINVAL);
}

static void test_split_ns(void **state)
{
	char *ns, *img;
	assert_int_equal(volspec_split_ns("ns1/volume-1", &ns, &img), 0);
	assert_string_equal(ns, "ns1");
	assert_string_equal(img, "volume-1");
	free(ns);
	free(img);
	assert_int_equal(volspec_split_ns("volume-1", &ns, &img), 0);
	assert_null(ns);
	assert_string_equal(img, "volume-1");
	free(img);
	static const char *const bad[] = {"/img", "ns1/", "a/b/c", "", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(volspec_split_ns(bad[i], &ns, &img), -EINVAL);
		assert_null(ns);
		assert_null(img);
	}
}

static void test_join_ns(void **state)
{
	char *s = volspec_join_ns("ns1", "img");
	assert_string_equal(s, "ns1/img");
	free(s);
	s = volspec_join_ns("", "img");
	assert_string_equal(s, "img");
	free(s);
	s = volspec_join_ns(NULL, "img");
	assert_string_equal(s, "img");
	free(s);
}

/* A round trip through what find does with POOL/NS/IMAGE. */
static void test_spec_to_chain_name(void **state)
{
	struct rbd_ref r;
	assert_int_equal(rbd_ref_parse_spec("volumes/tenant1/volume-9", &r), 0);
	char *name = volspec_join_ns(r.nspace, r.image), *ns, *img;
	assert_string_equal(name, "tenant1/volume-9");
	assert_int_equal(volspec_split_ns(name, &ns, &img), 0);
	assert_string_equal(ns, "tenant1");
	assert_string_equal(img, "volume-9");
	free(name);
	free(ns);
	free(img);
	rbd_ref_clear(&r);
}

static void test_match_within_namespace(void **state)
{
	struct rbd_ref r;
	assert_int_equal(rbd_ref_parse_spec("volumes/ns1/img", &r), 0);
	assert_true(rbd_ref_matches_ns(&r, "volumes", "ns1", "img"));
	assert_false(rbd_ref_matches_ns(&r, "volumes", "", "img"));
	assert_false(rbd_ref_matches_ns(&r, "volumes", NULL, "img"));
	assert_false(rbd_ref_matches_ns(&r, "volumes", "ns2", "img"));
	rbd_ref_clear(&r);
	assert_int_equal(rbd_ref_parse_spec("volumes/img", &r), 0);
	assert_true(rbd_ref_matches_ns(&r, "volumes", "", "img"));
	assert_true(rbd_ref_matches_ns(&r, "volumes", NULL, "img"));
	assert_false(rbd_ref_matches_ns(&r, "volumes", "ns1", "img"));
	rbd_ref_clear(&r);
}

/* qemu's two spellings of a namespaced disk: the rbd: filename and -blockdev. */
static void test_qemu_holds_within_namespace(void **state)
{
	const char *drive[] = {"qemu-system-x86_64", "-drive",
			       "file=rbd:volumes/ns1/img:id=admin,format=raw,if=none,id=d1", NULL};
	const char *blockdev[] = {"qemu-system-x86_64", "-blockdev",
				  "{\"driver\":\"rbd\",\"pool\":\"volumes\",\"namespace\":\"ns1\","
				  "\"image\":\"img\",\"node-name\":\"n1\"}", NULL};
	const char *const *argvs[] = {drive, blockdev};
	for (size_t i = 0; i < 2; i++) {
		struct argv_info info;
		size_t argc = 0;
		while (argvs[i][argc])
			argc++;
		assert_int_equal(parse_argv(argvs[i], argc, &info), 0);
		assert_true(argv_info_holds_ns(&info, "volumes", "ns1", "img"));
		assert_false(argv_info_holds_ns(&info, "volumes", "", "img"));
		argv_info_clear(&info);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_with_namespace),
	    cmocka_unit_test(test_split_ns),
	    cmocka_unit_test(test_join_ns),
	    cmocka_unit_test(test_spec_to_chain_name),
	    cmocka_unit_test(test_match_within_namespace),
	    cmocka_unit_test(test_qemu_holds_within_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
