/* test_argv.c — parse_argv on real command lines: libvirt's -blockdev JSON, Nova's
 * -drive rbd: strings with their escapes, rbd-nbd, the rbd CLI, and the broken
 * inputs a /proc scan meets (truncated argv, malformed JSON). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/parse_argv.h"
#include "rbdwho/util.h"

#define ARGC(a) (sizeof(a) / sizeof((a)[0]))

static void parse_ok(const char *const *argv, size_t argc, struct argv_info *info)
{
	assert_int_equal(parse_argv(argv, argc, info), 0);
}

/* Asserts disk i is pool[/ns]/image[@snap] as given (NULL: absent). */
static void assert_disk(const struct argv_info *info, size_t i, const char *pool,
                        const char *nspace, const char *image, const char *snap, const char *user)
{
	assert_true(i < info->disks.n);
	const struct rbd_ref *r = &info->disks.v[i];
	assert_string_equal(r->pool, pool);
	assert_string_equal(r->image, image);
	if (nspace)
		assert_string_equal(r->nspace, nspace);
	else
		assert_null(r->nspace);
	if (snap)
		assert_string_equal(r->snap, snap);
	else
		assert_null(r->snap);
	if (user)
		assert_string_equal(r->user, user);
	else
		assert_null(r->user);
}

/* As libvirt 9.0 starts qemu for a domain with a network rbd disk. */
static void test_libvirt_blockdev(void **state)
{
	const char *argv[] = {
	    "/usr/bin/qemu-system-x86_64",
	    "-name",
	    "guest=instance-0002f5c4,debug-threads=on",
	    "-S",
	    "-object",
	    "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
	    "\"file\":\"/var/lib/libvirt/qemu/domain-1-instance-0002f5c4/master-key.aes\"}",
	    "-machine",
	    "pc-i440fx-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram",
	    "-uuid",
	    "e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11",
	    "-object",
	    "{\"qom-type\":\"secret\",\"id\":\"libvirt-1-storage-auth-secret0\","
	    "\"data\":\"Zm9vYmFy\",\"keyid\":\"masterKey0\",\"iv\":\"aXY=\",\"format\":\"base64\"}",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"volumes\",\"image\":"
	    "\"volume-9cd1ee91-8b1f-4c51-a3c6-0d8e6c3f5a01\",\"server\":[{\"host\":"
	    "\"127.0.0.1\",\"port\":\"6789\"}],\"user\":\"admin\",\"auth-client-required\":"
	    "[\"cephx\",\"none\"],\"key-secret\":\"libvirt-1-storage-auth-secret0\","
	    "\"node-name\":\"libvirt-1-storage\",\"cache\":{\"direct\":true,\"no-flush\":false},"
	    "\"auto-read-only\":true,\"discard\":\"unmap\"}",
	    "-blockdev",
	    "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"cache\":{\"direct\":true,"
	    "\"no-flush\":false},\"driver\":\"raw\",\"file\":\"libvirt-1-storage\"}",
	    "-device",
	    "virtio-blk-pci,bus=pci.0,addr=0x3,drive=libvirt-1-format,id=virtio-disk0",
	    "-sandbox",
	    "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
	    "-msg",
	    "timestamp=on",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.kind, ARGV_QEMU);
	assert_string_equal(info.name, "instance-0002f5c4");
	assert_string_equal(info.uuid, "e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11");
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "volume-9cd1ee91-8b1f-4c51-a3c6-0d8e6c3f5a01", NULL,
	            "admin");
	argv_info_clear(&info);
	assert_null(info.name);
	assert_int_equal(info.disks.n, 0);
}

/* As Nova's libvirt driver (pre -blockdev) had qemu open a Cinder volume. */
static void test_nova_drive(void **state)
{
	const char *argv[] = {
	    "qemu-system-x86_64",
	    "-enable-kvm",
	    "-name",
	    "instance-00000001",
	    "-S",
	    "-machine",
	    "pc-i440fx-trusty,accel=kvm,usb=off",
	    "-m",
	    "2048",
	    "-uuid",
	    "5c3c8a1e-2d7f-4b8e-9b52-3b1f0e4d6a77",
	    "-drive",
	    "file=rbd:volumes/volume-9cd1ee91-8b1f-4c51-a3c6-0d8e6c3f5a01:id=cinder:"
	    "key=AQBxRkFZAAAAABAAq3LAm0B9YbI0sWj+VGkXsw==:auth_supported=cephx\\;none:"
	    "mon_host=10.0.0.1\\:6789\\;10.0.0.2\\:6789,if=none,id=drive-virtio-disk0,"
	    "format=raw,serial=9cd1ee91-8b1f-4c51-a3c6-0d8e6c3f5a01,cache=none",
	    "-device",
	    "virtio-blk-pci,scsi=off,bus=pci.0,addr=0x4,drive=drive-virtio-disk0",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.kind, ARGV_QEMU);
	assert_string_equal(info.name, "instance-00000001");
	assert_string_equal(info.uuid, "5c3c8a1e-2d7f-4b8e-9b52-3b1f0e4d6a77");
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "volume-9cd1ee91-8b1f-4c51-a3c6-0d8e6c3f5a01", NULL,
	            "cinder");
	argv_info_clear(&info);
}

/* The sandbox's own qemu (SANDBOX-NOTES: real watchers). */
static void test_sandbox_drive_and_blockdev(void **state)
{
	const char *argv[] = {
	    "qemu-system-x86_64",
	    "-S",
	    "-display",
	    "none",
	    "-nodefaults",
	    "-m",
	    "64",
	    "-name",
	    "instance-0002f5c4",
	    "-uuid",
	    "e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11",
	    "-drive",
	    "file=rbd:volumes/vol1:id=admin:conf=/tmp/sb/ceph.conf,format=raw,if=none,id=d1",
	    "-device",
	    "virtio-blk-pci,drive=d1",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"vms\",\"image\":\"e6a96e04_disk\","
	    "\"conf\":\"/tmp/sb/ceph.conf\",\"user\":\"admin\",\"node-name\":\"n1\"}",
	    "-device",
	    "virtio-blk-pci,drive=n1",
	    "-daemonize",
	    "-pidfile",
	    "/tmp/sb/q.pid",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.disks.n, 2);
	assert_disk(&info, 0, "volumes", NULL, "vol1", NULL, "admin");
	assert_disk(&info, 1, "vms", NULL, "e6a96e04_disk", NULL, "admin");
	argv_info_clear(&info);
}

static void test_drive_file_escapes(void **state)
{
	struct rbd_ref r;

	/* pool with dots, a snapshot, options after it */
	assert_int_equal(parse_rbd_drive_file("rbd:cinder.volumes-ssd/volume-1@snap-1:id=nova", &r),
	                 0);
	assert_string_equal(r.pool, "cinder.volumes-ssd");
	assert_string_equal(r.image, "volume-1");
	assert_string_equal(r.snap, "snap-1");
	assert_string_equal(r.user, "nova");
	rbd_ref_clear(&r);

	/* \: is a colon in the name, not the start of the options */
	assert_int_equal(parse_rbd_drive_file("rbd:p/img\\:x:id=a\\:b", &r), 0);
	assert_string_equal(r.image, "img:x");
	assert_string_equal(r.user, "a:b");
	rbd_ref_clear(&r);

	/* a namespace */
	assert_int_equal(parse_rbd_drive_file("rbd:pool/tenant1/img@s", &r), 0);
	assert_string_equal(r.pool, "pool");
	assert_string_equal(r.nspace, "tenant1");
	assert_string_equal(r.image, "img");
	assert_string_equal(r.snap, "s");
	assert_null(r.user);
	rbd_ref_clear(&r);

	/* an '@' in an option value is not a snapshot */
	assert_int_equal(parse_rbd_drive_file("rbd:p/i:conf=/etc/ceph@x/ceph.conf:id=u", &r), 0);
	assert_string_equal(r.image, "i");
	assert_null(r.snap);
	assert_string_equal(r.user, "u");
	rbd_ref_clear(&r);

	/* an option without a value and a trailing backslash do not crash */
	assert_int_equal(parse_rbd_drive_file("rbd:p/i:id=x:junk", &r), 0);
	assert_string_equal(r.user, "x");
	rbd_ref_clear(&r);
	assert_int_equal(parse_rbd_drive_file("rbd:p/i\\", &r), 0);
	assert_string_equal(r.image, "i\\");
	rbd_ref_clear(&r);
}

static void test_drive_file_invalid(void **state)
{
	const char *bad[] = {"rbd:",        "rbd:poolonly", "rbd:/img", "rbd:pool/",
	                     "rbd:pool/@s", "file:/x",      "",         "RBD:p/i"};
	struct rbd_ref r;

	for (size_t i = 0; i < ARGC(bad); i++) {
		assert_int_equal(parse_rbd_drive_file(bad[i], &r), -EINVAL);
		assert_null(r.pool);
		assert_null(r.image);
	}
	assert_int_equal(parse_rbd_drive_file(NULL, &r), -EINVAL);
}

/* ",," in a -drive string is a comma; the rbd: layer comes after. */
static void test_drive_double_comma(void **state)
{
	const char *argv[] = {"qemu-system-x86_64", "-drive",
	                      "file=rbd:p/a,,b:conf=/etc/ceph/ceph.conf,format=raw", "-name",
	                      "guest=my,,vm,debug-threads=on"};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "a,b", NULL, NULL);
	assert_string_equal(info.name, "my,vm");
	argv_info_clear(&info);
}

static void test_drive_driver_rbd(void **state)
{
	const char *argv[] = {
	    "/usr/libexec/qemu-kvm",
	    "-drive",
	    "driver=rbd,pool=vms,image=abc_disk,user=nova,if=none,id=d0",
	    "--drive",
	    "file.driver=rbd,file.pool=vms,file.image=abc_disk.config,"
	    "file.namespace=ns,file.snapshot=s1,format=raw,readonly,id=d1",
	    "-hda",
	    "rbd:images/base",
	    "-drive",
	    "file=json:{\"driver\":\"rbd\",,\"pool\":\"p\",,\"image\":\"j\"},format=raw",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.kind, ARGV_QEMU);
	assert_null(info.name);
	assert_null(info.uuid);
	assert_int_equal(info.disks.n, 4);
	assert_disk(&info, 0, "vms", NULL, "abc_disk", NULL, "nova");
	assert_disk(&info, 1, "vms", "ns", "abc_disk.config", "s1", NULL);
	assert_disk(&info, 2, "images", NULL, "base", NULL, NULL);
	assert_disk(&info, 3, "p", NULL, "j", NULL, NULL);
	argv_info_clear(&info);
}

static void test_blockdev_forms(void **state)
{
	const char *argv[] = {
	    "qemu-kvm",
	    "-blockdev",
	    "driver=rbd,pool=vms,image=x_disk,server.0.host=127.0.0.1,"
	    "server.0.port=6789,user=nova,node-name=n1",
	    "-blockdev",
	    "{\"driver\":\"raw\",\"node-name\":\"n2\",\"file\":{\"driver\":\"rbd\","
	    "\"pool\":\"vms\",\"image\":\"y_disk\",\"namespace\":\"tenant1\","
	    "\"snapshot\":\"s1\",\"user\":\"nova\"}}",
	    "-blockdev",
	    "{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"/x\"}}",
	    "-blockdev",
	    "driver=raw,node-name=n3,file.driver=rbd,file.pool=v.ssd,file.image=z",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"vms\",\"image\":\"x_disk\",\"namespace\":\"\"}",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.disks.n, 3); /* the last repeats the first */
	assert_disk(&info, 0, "vms", NULL, "x_disk", NULL, "nova");
	assert_disk(&info, 1, "vms", "tenant1", "y_disk", "s1", "nova");
	assert_disk(&info, 2, "v.ssd", NULL, "z", NULL, NULL);
	argv_info_clear(&info);
}

static void test_malformed_json(void **state)
{
	char *deep = xmalloc(20002);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	const char *argv[] = {
	    "qemu-system-x86_64",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"vms\",",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":5,\"image\":\"x\"}",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"vms\"}",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"\",\"image\":\"x\"}",
	    "-blockdev",
	    "{}",
	    "-blockdev",
	    "{\"driver\":null,\"file\":[1,2,{\"driver\":7}]}",
	    "-blockdev",
	    deep,
	    "-blockdev",
	    "{",
	    "-drive",
	    "file=json:{broken",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.kind, ARGV_QEMU);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);
	free(deep);
}

static void test_truncated(void **state)
{
	const char *a1[] = {"qemu-system-x86_64", "-name", "vm1", "-drive"};
	const char *a2[] = {"qemu-system-x86_64", "-drive", "file=rbd:p/i", "-name"};
	const char *a3[] = {"qemu-system-x86_64", "-drive", ""};
	const char *a4[] = {"qemu-system-x86_64", "-drive", "file=rbd:p/i", "-uuid"};
	const char *a5[] = {"qemu-system-x86_64"};
	struct argv_info info;

	parse_ok(a1, ARGC(a1), &info);
	assert_string_equal(info.name, "vm1");
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a2, ARGC(a2), &info);
	assert_null(info.name);
	assert_int_equal(info.disks.n, 1);
	argv_info_clear(&info);

	parse_ok(a3, ARGC(a3), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a4, ARGC(a4), &info);
	assert_null(info.uuid);
	assert_int_equal(info.disks.n, 1);
	argv_info_clear(&info);

	parse_ok(a5, ARGC(a5), &info);
	assert_int_equal(info.kind, ARGV_QEMU);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);
}

static void test_invalid_args(void **state)
{
	const char *empty[] = {""};
	const char *nul[] = {NULL};
	struct argv_info info;

	assert_int_equal(parse_argv(NULL, 3, &info), -EINVAL);
	assert_int_equal(parse_argv(empty, 0, &info), -EINVAL);
	assert_int_equal(parse_argv(empty, 1, &info), -EINVAL);
	assert_int_equal(parse_argv(nul, 1, &info), -EINVAL);
	assert_int_equal(info.disks.n, 0);
	assert_null(info.name);
	assert_int_equal(parse_argv(empty, 1, NULL), -EINVAL);
}

static void test_kind_detection(void **state)
{
	static const struct {
		const char *argv0;
		enum argv_kind kind;
	} cases[] = {
	    {"qemu-system-x86_64", ARGV_QEMU},    {"/usr/bin/qemu-system-aarch64", ARGV_QEMU},
	    {"/usr/libexec/qemu-kvm", ARGV_QEMU}, {"qemu-kvm", ARGV_QEMU},
	    {"/usr/bin/rbd-nbd", ARGV_RBD_NBD},   {"rbd", ARGV_RBD_CLI},
	    {"/usr/bin/rbd", ARGV_RBD_CLI},       {"qemu-img", ARGV_OTHER},
	    {"/usr/bin/python3", ARGV_OTHER},     {"rbdmap", ARGV_OTHER},
	    {"/usr/bin/rbd-fuse", ARGV_RBD_FUSE}, {"rbd-fuse2", ARGV_OTHER},
	};
	for (size_t i = 0; i < ARGC(cases); i++) {
		const char *argv[] = {cases[i].argv0};
		struct argv_info info;
		parse_ok(argv, 1, &info);
		assert_int_equal(info.kind, cases[i].kind);
		argv_info_clear(&info);
	}
	assert_string_equal(argv_kind_name(ARGV_QEMU), "qemu");
	assert_string_equal(argv_kind_name(ARGV_RBD_NBD), "rbd-nbd");
	assert_string_equal(argv_kind_name(ARGV_RBD_CLI), "rbd");
	assert_string_equal(argv_kind_name(ARGV_OTHER), "other");
	assert_string_equal(argv_kind_name(ARGV_RBD_FUSE), "rbd-fuse");
	assert_string_equal(argv_kind_name((enum argv_kind)99), "other");
}

static void test_rbd_nbd(void **state)
{
	const char *a1[] = {"rbd-nbd", "--device", "/dev/nbd0", "map", "volumes/volume-1@s",
	                    "--id",    "cinder"};
	const char *a2[] = {"/usr/bin/rbd-nbd", "map",         "--device",   "/dev/nbd1",
	                    "--read-only",      "--exclusive", "pool/ns/img"};
	const char *a3[] = {"rbd-nbd", "attach", "--device", "/dev/nbd0", "p.x/i"};
	const char *a4[] = {"rbd-nbd", "unmap", "/dev/nbd0"};
	const char *a5[] = {"rbd-nbd", "--id=admin", "-c", "/etc/ceph/ceph.conf", "map", "img"};
	const char *a6[] = {"rbd-nbd", "map"};
	const char *a7[] = {"rbd-nbd", "-n", "client.glance", "list-mapped"};
	struct argv_info info;

	parse_ok(a1, ARGC(a1), &info);
	assert_int_equal(info.kind, ARGV_RBD_NBD);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "volume-1", "s", "cinder");
	argv_info_clear(&info);

	parse_ok(a2, ARGC(a2), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "pool", "ns", "img", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a3, ARGC(a3), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p.x", NULL, "i", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a4, ARGC(a4), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a5, ARGC(a5), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "rbd", NULL, "img", NULL, "admin");
	argv_info_clear(&info);

	parse_ok(a6, ARGC(a6), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a7, ARGC(a7), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);
}

static void test_rbd_cli(void **state)
{
	const char *a1[] = {"rbd", "export", "volumes/vol", "/tmp/out.raw"};
	const char *a2[] = {"rbd", "-p", "volumes", "export", "vol", "-"};
	const char *a3[] = {"rbd", "import", "/tmp/f", "p/i", "--image-feature", "layering"};
	const char *a4[] = {"rbd", "cp", "a/b", "c/d"};
	const char *a5[] = {"rbd", "ls", "volumes"};
	const char *a6[] = {"rbd", "snap", "create", "p/i@s", "--id", "admin"};
	const char *a7[] = {"rbd", "--pool", "p", "--image", "i", "info"};
	const char *a8[] = {"/usr/bin/rbd", "device", "map", "--pool=q", "i"};
	const char *a9[] = {"rbd", "bench", "--io-type", "write", "--io-size", "4K", "p/i"};
	struct argv_info info;

	parse_ok(a1, ARGC(a1), &info);
	assert_int_equal(info.kind, ARGV_RBD_CLI);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "vol", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a2, ARGC(a2), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "vol", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a3, ARGC(a3), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "i", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a4, ARGC(a4), &info);
	assert_int_equal(info.disks.n, 2);
	assert_disk(&info, 0, "a", NULL, "b", NULL, NULL);
	assert_disk(&info, 1, "c", NULL, "d", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a5, ARGC(a5), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a6, ARGC(a6), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "i", "s", "admin");
	argv_info_clear(&info);

	parse_ok(a7, ARGC(a7), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "i", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a8, ARGC(a8), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "q", NULL, "i", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a9, ARGC(a9), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "i", NULL, NULL);
	argv_info_clear(&info);
}

static void test_other_programs(void **state)
{
	const char *a1[] = {
	    "qemu-img", "convert", "-O", "raw", "rbd:vms/x_disk:id=nova:conf=/etc/ceph/ceph.conf",
	    "/tmp/out"};
	const char *a2[] = {"/usr/bin/python3", "tool.py", "--url=krbd:vms/x", "rbd:nopool"};
	const char *a3[] = {"sh", "-c", "qemu-img info rbd:a/b && qemu-img info 'rbd:c/d\\ e'"};
	const char *a4[] = {"qemu-img", "info",
	                    "json:{\"file\":{\"driver\":\"rbd\",\"pool\":\"p\","
	                    "\"image\":\"i\"}}"};
	struct argv_info info;

	parse_ok(a1, ARGC(a1), &info);
	assert_int_equal(info.kind, ARGV_OTHER);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "vms", NULL, "x_disk", NULL, "nova");
	argv_info_clear(&info);

	parse_ok(a2, ARGC(a2), &info);
	assert_int_equal(info.disks.n, 0);
	argv_info_clear(&info);

	parse_ok(a3, ARGC(a3), &info);
	assert_int_equal(info.disks.n, 2);
	assert_disk(&info, 0, "a", NULL, "b", NULL, NULL);
	assert_disk(&info, 1, "c", NULL, "d e", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(a4, ARGC(a4), &info);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "p", NULL, "i", NULL, NULL);
	argv_info_clear(&info);
}

/* Nova's libvirt driver writes a sysinfo block: libvirt passes it as -smbios
 * type=1 next to -uuid; a hand-made qemu may carry only the -smbios one. */
static void test_smbios_uuid(void **state)
{
	const char *only[] = {
	    "/usr/bin/qemu-system-x86_64", "-name", "guest=instance-00000042",
	    "-smbios",
	    "type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova,"
	    "version=27.1.0,serial=e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11,"
	    "uuid=e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11,family=Virtual Machine",
	    "-drive", "file=rbd:vms/e6a96e04_disk,format=raw,if=none,id=d0"};
	const char *both[] = {"qemu-system-x86_64", "-smbios",
	                      "type=1,uuid=11111111-1111-1111-1111-111111111111", "-uuid",
	                      "22222222-2222-2222-2222-222222222222"};
	/* type 0 is the BIOS, not the system: its fields are no VM UUID; a ",,"
	 * in a value is a literal comma and does not end it */
	const char *other[] = {"qemu-system-x86_64", "-smbios", "type=0,vendor=x,uuid=abc",
	                       "-smbios", "type=1,manufacturer=A,,uuid=fake,serial=s"};
	const char *later[] = {"qemu-system-x86_64", "-smbios", "type=1,uuid=first", "-smbios",
	                       "type=1,uuid=second", "-smbios", "type=1,serial=x"};
	struct argv_info info;

	parse_ok(only, ARGC(only), &info);
	assert_string_equal(info.uuid, "e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11");
	assert_string_equal(info.name, "instance-00000042");
	assert_disk(&info, 0, "vms", NULL, "e6a96e04_disk", NULL, NULL);
	argv_info_clear(&info);

	parse_ok(both, ARGC(both), &info);
	assert_string_equal(info.uuid, "22222222-2222-2222-2222-222222222222");
	argv_info_clear(&info);

	parse_ok(other, ARGC(other), &info);
	assert_null(info.uuid);
	argv_info_clear(&info);

	parse_ok(later, ARGC(later), &info);
	assert_string_equal(info.uuid, "second");
	argv_info_clear(&info);
}

static void assert_krbd(const struct argv_info *info, size_t i, const char *path, int dev_id)
{
	assert_true(i < info->nkrbd);
	assert_string_equal(info->krbd[i].path, path);
	assert_int_equal(info->krbd[i].dev_id, dev_id);
}

/* A qemu whose disk is a kernel-mapped RBD device, in every form the drive can
 * take: udev's /dev/rbd/POOL/[NS/]IMAGE link, Proxmox VE's /dev/rbd-pve link,
 * and the bare /dev/rbdN (its image is only known from sysfs). */
static void test_krbd_paths(void **state)
{
	const char *argv[] = {
	    "qemu-system-x86_64",
	    "-drive",
	    "file=/dev/rbd/volumes/volume-1,format=raw,if=none,id=d0,cache=none",
	    "-blockdev",
	    "{\"driver\":\"host_device\",\"filename\":\"/dev/rbd-pve/"
	    "3f9c0a4e-1111-4222-8333-944455556666/rbd/vm-100-disk-0\","
	    "\"node-name\":\"libvirt-2-storage\",\"aio\":\"native\"}",
	    "-blockdev",
	    "driver=raw,node-name=f3,file.driver=host_device,file.filename=/dev/rbd3",
	    "-blockdev",
	    "{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"/dev/rbd12p1\"}}",
	    "-drive",
	    "file=/dev/rbd/p/ns/img@snap1,if=none,id=d4,readonly=on",
	    "-hda",
	    "/dev/rbd0",
	};
	struct argv_info info;

	parse_ok(argv, ARGC(argv), &info);
	assert_int_equal(info.disks.n, 3);
	assert_disk(&info, 0, "volumes", NULL, "volume-1", NULL, NULL);
	assert_disk(&info, 1, "rbd", NULL, "vm-100-disk-0", NULL, NULL);
	assert_disk(&info, 2, "p", "ns", "img", "snap1", NULL);
	assert_int_equal(info.nkrbd, 6);
	assert_krbd(&info, 0, "/dev/rbd/volumes/volume-1", -1);
	assert_krbd(&info, 1,
	            "/dev/rbd-pve/3f9c0a4e-1111-4222-8333-944455556666/rbd/vm-100-disk-0", -1);
	assert_krbd(&info, 2, "/dev/rbd3", 3);
	assert_krbd(&info, 3, "/dev/rbd12p1", 12);
	assert_krbd(&info, 4, "/dev/rbd/p/ns/img@snap1", -1);
	assert_krbd(&info, 5, "/dev/rbd0", 0);
	assert_true(argv_info_holds(&info, "volumes", "volume-1"));
	assert_false(argv_info_holds(&info, "volumes", "volume-2"));
	argv_info_clear(&info);
}

/* Paths that look like krbd but are not a mapping rbdwho can name. */
static void test_krbd_not_paths(void **state)
{
	static const char *const files[] = {
	    "file=/dev/rbd/volumes,if=none",          /* a pool directory */
	    "file=/dev/rbd/../sda/x,if=none",         /* not under /dev/rbd */
	    "file=/dev/rbd/p/./img,if=none",
	    "file=/dev/rbd/p//img,if=none",
	    "file=/dev/rbd/a/b/c/d,if=none",          /* too deep */
	    "file=/dev/rbd-pve//p/img,if=none",       /* no fsid */
	    "file=/dev/rbd-pve/fsid,if=none",
	    "file=/dev/rbdx,if=none",
	    "file=/dev/rbd,if=none",
	    "file=/dev/rbd1p,if=none",
	    "file=/dev/rbd1q2,if=none",
	    "file=/dev/rbd99999999,if=none",          /* not a device number */
	    "file=/dev/sda,if=none",
	    "file=/dev/rbd/p/@snap,if=none",          /* no image */
	};
	for (size_t i = 0; i < ARGC(files); i++) {
		const char *argv[] = {"qemu-system-x86_64", "-drive", files[i]};
		struct argv_info info;
		parse_ok(argv, ARGC(argv), &info);
		assert_int_equal(info.disks.n, 0);
		assert_int_equal(info.nkrbd, 0);
		assert_false(argv_info_names_rbd(&info));
		argv_info_clear(&info);
	}
}

/* rbd-fuse as Pacific's takes it: -p/--poolname=, -s/--namespace=, -r/--image=
 * (libfuse's "-p %s" matches "-p POOL" and "-pPOOL"), Ceph's own options, the
 * mount point and FUSE options. */
static void test_rbd_fuse(void **state)
{
	const char *whole[] = {"/usr/bin/rbd-fuse", "-c", "/etc/ceph/ceph.conf", "-p",
	                       "volumes", "/mnt/rbd", "-o", "allow_other"};
	const char *one[] = {"rbd-fuse", "-pvolumes", "-r", "volume-1", "--id", "cinder",
	                     "/mnt/rbd"};
	const char *longs[] = {"rbd-fuse", "/mnt/rbd", "--poolname=p", "--namespace=ns",
	                       "--image=img", "--name=client.glance"};
	const char *dflt[] = {"rbd-fuse", "-f", "/mnt/rbd", "-s"};
	struct argv_info info;

	parse_ok(whole, ARGC(whole), &info);
	assert_int_equal(info.kind, ARGV_RBD_FUSE);
	assert_int_equal(info.disks.n, 0);
	assert_string_equal(info.whole_pool.pool, "volumes");
	assert_null(info.whole_pool.image);
	assert_true(argv_info_names_rbd(&info));
	assert_true(argv_info_holds(&info, "volumes", "any-image"));
	assert_false(argv_info_holds(&info, "vms", "any-image"));
	argv_info_clear(&info);

	parse_ok(one, ARGC(one), &info);
	assert_null(info.whole_pool.pool);
	assert_int_equal(info.disks.n, 1);
	assert_disk(&info, 0, "volumes", NULL, "volume-1", NULL, "cinder");
	assert_false(argv_info_holds(&info, "volumes", "volume-2"));
	argv_info_clear(&info);

	parse_ok(longs, ARGC(longs), &info);
	assert_disk(&info, 0, "p", "ns", "img", NULL, "glance");
	argv_info_clear(&info);

	/* no -p: librbd's default pool; a trailing "-s" has no value */
	parse_ok(dflt, ARGC(dflt), &info);
	assert_string_equal(info.whole_pool.pool, "rbd");
	assert_null(info.whole_pool.nspace);
	argv_info_clear(&info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_libvirt_blockdev),
	    cmocka_unit_test(test_nova_drive),
	    cmocka_unit_test(test_sandbox_drive_and_blockdev),
	    cmocka_unit_test(test_drive_file_escapes),
	    cmocka_unit_test(test_drive_file_invalid),
	    cmocka_unit_test(test_drive_double_comma),
	    cmocka_unit_test(test_drive_driver_rbd),
	    cmocka_unit_test(test_blockdev_forms),
	    cmocka_unit_test(test_malformed_json),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_invalid_args),
	    cmocka_unit_test(test_kind_detection),
	    cmocka_unit_test(test_rbd_nbd),
	    cmocka_unit_test(test_rbd_cli),
	    cmocka_unit_test(test_other_programs),
	    cmocka_unit_test(test_smbios_uuid),
	    cmocka_unit_test(test_krbd_paths),
	    cmocka_unit_test(test_krbd_not_paths),
	    cmocka_unit_test(test_rbd_fuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
