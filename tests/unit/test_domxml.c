/* test_domxml.c — parse_domain_xml over real-world domain XML (Nova's, with
 * every disk kind it writes, snapshots, namespaces, qemu passthrough) and over
 * hostile input: not XML, no <name>, huge, deep, entity expansion, XXE. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/parse_domxml.h"
#include "rbdwho/util.h"

#define FIXTURE_DIR "domxml"
#include "fixture.h"

static int parse_fixture(const char *name, struct domain_xml *d)
{
	size_t len;
	char *xml = fixture_read(name, &len);
	int rc = parse_domain_xml(xml, len, d);
	free(xml);
	return rc;
}

static int parse_str(const char *xml, struct domain_xml *d)
{
	return parse_domain_xml(xml, strlen(xml), d);
}

/* The reference for pool/image in d, or a failed test. */
static const struct rbd_ref *find_ref(const struct domain_xml *d, const char *pool,
                                      const char *image)
{
	for (size_t i = 0; i < d->disks.n; i++)
		if (rbd_ref_matches(&d->disks.v[i], pool, image))
			return &d->disks.v[i];
	fail_msg("no disk %s/%s among %zu", pool, image, d->disks.n);
	return NULL;
}

static void assert_rejected(int rc, const struct domain_xml *d)
{
	assert_int_equal(rc, -EPROTO);
	assert_null(d->name);
	assert_null(d->uuid);
	assert_int_equal(d->disks.n, 0);
}

static void test_nova_instance(void **state)
{
	struct domain_xml d;
	assert_int_equal(parse_fixture("nova-instance.xml", &d), 0);
	assert_string_equal(d.name, "instance-0002f5c4");
	assert_string_equal(d.uuid, "e6a96e04-733d-4b5a-9c1e-2f7d8a0b4c11");
	assert_string_equal(d.nova_name, "web-01");
	assert_string_equal(d.nova_project, "0c8b1a2d3e4f40718293a4b5c6d7e8f9");
	/* ephemeral root, a Cinder volume, the config drive; not the file disk
	 * nor the empty cdrom */
	assert_int_equal(d.disks.n, 3);
	const struct rbd_ref *r = find_ref(&d, "vms", "e6a96e04-733d-4b5a-9c1e-2f7d8a0b4c11_disk");
	assert_string_equal(r->user, "cinder");
	assert_null(r->nspace);
	assert_null(r->snap);
	r = find_ref(&d, "volumes", "volume-9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f");
	assert_string_equal(r->user, "cinder");
	/* <auth> inside <source>, "client." prefix dropped */
	r = find_ref(&d, "vms", "e6a96e04-733d-4b5a-9c1e-2f7d8a0b4c11_disk.config");
	assert_string_equal(r->user, "nova");
	assert_true(
	    rbd_refs_match(&d.disks, "volumes", "volume-9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f"));
	assert_false(rbd_refs_match(&d.disks, "volumes", "volume-other"));
	domain_xml_clear(&d);
	assert_null(d.name);
	assert_int_equal(d.disks.n, 0);
}

static void test_snapshot_namespace_backing(void **state)
{
	struct domain_xml d;
	assert_int_equal(parse_fixture("rbd-snapshot-namespace.xml", &d), 0);
	assert_string_equal(d.name, "snapper");
	assert_null(d.nova_name);
	assert_null(d.nova_project);
	/* iscsi and a name without a pool are not RBD images */
	assert_int_equal(d.disks.n, 4);
	const struct rbd_ref *r = find_ref(&d, "pool", "image");
	assert_string_equal(r->nspace, "ns");
	assert_string_equal(r->snap, "snap");
	assert_null(r->user);
	r = find_ref(&d, "images", "golden");
	assert_string_equal(r->snap, "base");
	find_ref(&d, "vms", "overlay");
	find_ref(&d, "images", "base-image");
	domain_xml_clear(&d);
}

static void test_qemu_commandline(void **state)
{
	struct domain_xml d;
	assert_int_equal(parse_fixture("qemu-commandline.xml", &d), 0);
	assert_string_equal(d.name, "passthrough");
	assert_int_equal(d.disks.n, 1);
	const struct rbd_ref *r =
	    find_ref(&d, "volumes", "volume-3f1e2d4c-5b6a-4789-9abc-def012345678");
	assert_string_equal(r->user, "cinder");
	domain_xml_clear(&d);
}

/* A passthrough drive naming the same image as a disk is one reference. */
static void test_duplicate_reference_once(void **state)
{
	struct domain_xml d;
	assert_int_equal(
	    parse_str("<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
	              "<name>dup</name><devices>"
	              "<disk type='network'><source protocol='rbd' name='p/i'/></disk>"
	              "<disk type='network'><source protocol='rbd' name='p/i'/></disk>"
	              "</devices><qemu:commandline><qemu:arg value='-drive'/>"
	              "<qemu:arg value='file=rbd:p/i:id=admin,if=none'/></qemu:commandline>"
	              "</domain>",
	              &d),
	    0);
	assert_int_equal(d.disks.n, 1);
	domain_xml_clear(&d);
}

static void test_nova_ns_10_and_legacy_auth(void **state)
{
	struct domain_xml d;
	assert_int_equal(
	    parse_str("<domain type='kvm'><name> instance-1 </name>"
	              "<uuid>\n  11111111-2222-3333-4444-555555555555\n</uuid><metadata>"
	              "<nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.0'>"
	              "<nova:name><![CDATA[db & cache]]></nova:name><nova:owner>"
	              "<nova:project uuid='abc'>p</nova:project></nova:owner></nova:instance>"
	              "<other:x xmlns:other='urn:x'><other:name>not nova</other:name></other:x>"
	              "</metadata><devices><disk type='network' device='disk'>"
	              "<auth username='client.legacy'><secret type='ceph' usage='x'/></auth>"
	              "<source protocol='rbd' name='volumes/volume-1'/></disk></devices>"
	              "</domain>",
	              &d),
	    0);
	assert_string_equal(d.name, "instance-1");
	assert_string_equal(d.uuid, "11111111-2222-3333-4444-555555555555");
	assert_string_equal(d.nova_name, "db & cache");
	assert_string_equal(d.nova_project, "abc");
	assert_int_equal(d.disks.n, 1);
	assert_string_equal(d.disks.v[0].user, "legacy");
	domain_xml_clear(&d);
}

/* Only the first len bytes count: the input need not be NUL-terminated. */
static void test_length_is_respected(void **state)
{
	const char *xml = "<domain><name>a</name></domain>GARBAGE";
	struct domain_xml d;
	assert_int_equal(parse_domain_xml(xml, strlen(xml) - strlen("GARBAGE"), &d), 0);
	assert_string_equal(d.name, "a");
	assert_null(d.uuid);
	domain_xml_clear(&d);
	assert_rejected(parse_domain_xml(xml, strlen(xml), &d), &d);
}

static void test_hostile_fixtures(void **state)
{
	static const char *const names[] = {
	    "hostile-not-xml.xml",   "hostile-no-name.xml", "hostile-wrong-root.xml",
	    "hostile-truncated.xml", "hostile-xxe.xml",     "hostile-external-dtd.xml",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct domain_xml d;
		int rc = parse_fixture(names[i], &d);
		if (rc != -EPROTO)
			fail_msg("%s: got %d, want -EPROTO", names[i], rc);
		assert_rejected(rc, &d);
	}
}

static void test_billion_laughs_is_cheap(void **state)
{
	struct domain_xml d;
	int64_t t0 = clock_ms();
	assert_rejected(parse_fixture("hostile-billion-laughs.xml", &d), &d);
	assert_true(clock_ms() - t0 < 1000);
}

static void test_degenerate_input(void **state)
{
	struct domain_xml d;
	assert_rejected(parse_domain_xml(NULL, 10, &d), &d);
	assert_rejected(parse_domain_xml("", 0, &d), &d);
	assert_rejected(parse_str("<domain><name></name></domain>", &d), &d);
	assert_rejected(parse_str("<domain><name>&undeclared;</name></domain>", &d), &d);
	/* <name> must be libvirt's own, not a namespaced look-alike */
	assert_rejected(parse_str("<domain xmlns:x='urn:x'><x:name>n</x:name></domain>", &d), &d);
	assert_rejected(parse_str("<x:domain xmlns:x='urn:x'><name>n</name></x:domain>", &d), &d);
	domain_xml_clear(&d); /* on a cleared struct: harmless */
}

/* Many disks: a large but legitimate description parses completely. */
static void test_many_disks(void **state)
{
	struct buf b = {0};
	buf_printf(&b, "<domain><name>big</name><devices>");
	for (int i = 0; i < 5000; i++)
		buf_printf(&b,
		           "<disk type='network' device='disk'><source protocol='rbd' "
		           "name='volumes/volume-%05d'><host name='10.0.0.1' port='6789'/>"
		           "</source><target dev='vd%d'/></disk>",
		           i, i);
	buf_printf(&b, "</devices></domain>");
	struct domain_xml d;
	assert_int_equal(parse_domain_xml(b.p, b.len, &d), 0);
	assert_int_equal(d.disks.n, 5000);
	assert_string_equal(d.disks.v[4999].image, "volume-04999");
	domain_xml_clear(&d);
	buf_free(&b);
}

static void test_huge_inputs(void **state)
{
	struct domain_xml d;
	/* past the size cap */
	size_t big = (size_t)17 << 20;
	char *xml = xmalloc(big);
	memset(xml, ' ', big);
	memcpy(xml, "<domain><name>x</name>", 22);
	memcpy(xml + big - 9, "</domain>", 9);
	assert_rejected(parse_domain_xml(xml, big, &d), &d);
	free(xml);

	/* one 12 MB text node, under the cap: read, in bounded time */
	struct buf b = {0};
	buf_printf(&b, "<domain><name>n</name><description>");
	char chunk[4096];
	memset(chunk, 'a', sizeof chunk);
	for (size_t n = 0; n < ((size_t)12 << 20); n += sizeof chunk)
		buf_append(&b, chunk, sizeof chunk);
	buf_printf(&b, "</description></domain>");
	int64_t t0 = clock_ms();
	assert_int_equal(parse_domain_xml(b.p, b.len, &d), 0);
	assert_true(clock_ms() - t0 < 5000);
	assert_string_equal(d.name, "n");
	domain_xml_clear(&d);
	buf_free(&b);

	/* 100 000 nested elements: libxml2's depth limit, no deep recursion here */
	/* (well-formed, so only the depth can be what rejects it) */
	buf_printf(&b, "<domain><name>n</name><devices>");
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "<disk>");
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "</disk>");
	buf_printf(&b, "</devices></domain>");
	assert_rejected(parse_domain_xml(b.p, b.len, &d), &d);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nova_instance),
	    cmocka_unit_test(test_snapshot_namespace_backing),
	    cmocka_unit_test(test_qemu_commandline),
	    cmocka_unit_test(test_duplicate_reference_once),
	    cmocka_unit_test(test_nova_ns_10_and_legacy_auth),
	    cmocka_unit_test(test_length_is_respected),
	    cmocka_unit_test(test_hostile_fixtures),
	    cmocka_unit_test(test_billion_laughs_is_cheap),
	    cmocka_unit_test(test_degenerate_input),
	    cmocka_unit_test(test_many_disks),
	    cmocka_unit_test(test_huge_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
