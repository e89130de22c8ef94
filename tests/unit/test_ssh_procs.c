/* test_ssh_procs.c — the remote answer's parser, fed what the fixed script
 * prints on this machine and what a hostile host might send instead (escape
 * sequences, invalid UTF-8, forged records, 100 MiB, cut-short answers); the
 * krbd sysfs reader over a fake tree (this kernel has no rbd module). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/krbd.h"
#include "rbdwho/ssh.h"
#include "rbdwho/ssh_procs.h"
#include "rbdwho/util.h"

static char *hex(const char *data, size_t len)
{
	char *out = xmalloc(len * 2 + 1);
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char)data[i]);
	out[len * 2] = '\0';
	return out;
}

static const char QEMU_ARGV[] = "qemu-system-x86_64\0-name\0guest=instance-0002f5c4,debug-threads=on\0"
				"-uuid\0e6a96e04-733d-4b5a-9d36-1b2c3d4e5f60\0-drive\0"
				"file=rbd:volumes/volume-1:id=cinder:key=SECRETKEY,format=raw\0";

static void test_parse_good(void **state)
{
	struct buf b = {0};
	char *a = hex(QEMU_ARGV, sizeof QEMU_ARGV - 1);
	buf_printf(&b, "RBDWHO-PROCS 1\nT 100\nB 1700000000\nP 4242\nU 64055\n"
		       "S 4242 (qemu-system-x86) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 12345 19\n"
		       "A %s\nK 0\nk pool volumes\nk pool_ns \nk name volume-1\nk current_snap -\n"
		       "k client_id client4135\nk client_addr 192.0.2.12:0/31\nEND\n", a);
	struct proc_list l;
	struct krbd_list m;
	struct rw_error err = {0};
	assert_int_equal(ssh_procs_parse(b.p, b.len, &l, &m, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].pid, 4242);
	assert_int_equal(l.v[0].uid, 64055);
	assert_string_equal(l.v[0].user, "uid 64055");
	assert_int_equal(l.v[0].start_ticks, 12345);
	assert_int_equal((long long)l.v[0].started, 1700000000LL + 123);
	assert_int_equal(l.v[0].info.kind, ARGV_QEMU);
	assert_string_equal(l.v[0].info.uuid, "e6a96e04-733d-4b5a-9d36-1b2c3d4e5f60");
	assert_string_equal(l.v[0].info.disks.v[0].image, "volume-1");
	assert_null(strstr(l.v[0].cmdline, "SECRETKEY"));
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].ref.pool, "volumes");
	assert_null(m.v[0].ref.nspace);
	assert_null(m.v[0].ref.snap);
	assert_string_equal(m.v[0].client_addr, "192.0.2.12:0/31");
	proc_list_free(&l);
	krbd_list_free(&m);
	free(a);
	buf_free(&b);
}

/* An answer that does not end with END was cut short: nothing from it is used. */
static void test_cut_short_and_garbage(void **state)
{
	struct proc_list l;
	struct krbd_list m;
	struct rw_error err = {0};
	const char *cut = "RBDWHO-PROCS 1\nT 100\nP 1\nA 7262643a702f69\n";
	assert_int_equal(ssh_procs_parse(cut, strlen(cut), &l, &m, &err), -EPROTO);
	assert_int_equal(l.n, 0);
	const char *noheader = "Welcome to host!\nEND\n";
	assert_int_equal(ssh_procs_parse(noheader, strlen(noheader), &l, &m, &err), -EPROTO);
	const char *bad = "RBDWHO-PROCS 1\nP -5\nA 7262\nP 12\nA zz\nP 13\nA 7\nP 99999999999999999999\n"
			  "A 00\nK ../../etc\nk pool x\nk name y\nEND\n";
	assert_int_equal(ssh_procs_parse(bad, strlen(bad), &l, &m, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(m.n, 0);
	proc_list_free(&l);
	krbd_list_free(&m);
}

/* Escapes and invalid UTF-8 stay data: parsed as argv, kept as bytes for the
 * reports to sanitize; a process's own name cannot forge a record, since the
 * script folds stat's newlines (and a forged line inside A is not hex). */
static void test_hostile_bytes(void **state)
{
	static const char ev[] = "\x1b]0;pwned\x07qemu\xff\xfe\0-uuid\0e6a96e04-733d-4b5a-9d36-1b2c3d4e5f60\0"
				 "-drive\0file=rbd:volumes/\x1b[2Jimg\0";
	struct buf b = {0};
	char *a = hex(ev, sizeof ev - 1);
	buf_printf(&b, "RBDWHO-PROCS 1\nP 7\nS 7 (x\x1b[31m) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 5 19\n"
		       "A %s\n\x1b[2J\xff\nEND\n", a);
	struct proc_list l;
	struct krbd_list m;
	struct rw_error err = {0};
	assert_int_equal(ssh_procs_parse(b.p, b.len, &l, &m, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].info.disks.v[0].image, "\x1b[2Jimg");
	assert_int_equal(l.v[0].start_ticks, 5);
	proc_list_free(&l);
	krbd_list_free(&m);
	free(a);
	buf_free(&b);
}

/* 100 MiB of argv in one record: refused by the per-record cap, in bounded time. */
static void test_huge_record(void **state)
{
	size_t n = 100u << 20;
	char *big = xmalloc(n + 64);
	memcpy(big, "RBDWHO-PROCS 1\nP 1\nA ", 21);
	memset(big + 21, 'a', n);
	memcpy(big + 21 + n, "\nEND\n", 5);
	struct proc_list l;
	struct krbd_list m;
	struct rw_error err = {0};
	int64_t t0 = clock_ms();
	assert_int_equal(ssh_procs_parse(big, 21 + n + 5, &l, &m, &err), 0);
	assert_int_equal(l.n, 0);
	assert_true(clock_ms() - t0 < 5000);
	free(big);
}

/* The fixed script itself, run by the local sh on the local /proc, parses,
 * and finds a child that names an image. */
static void test_script_on_this_machine(void **state)
{
	pid_t child = fork();
	if (child == 0) {
		execlp("sh", "sh", "-c", "sleep 30; :", "x", "rbd:pool-a/image-b", (char *)NULL);
		_exit(127);
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)child);
	for (int i = 0; i < 500; i++) { /* until the child has exec'd */
		char cl[256] = {0};
		FILE *c = fopen(path, "r");
		size_t got = c ? fread(cl, 1, sizeof cl - 1, c) : 0;
		if (c)
			fclose(c);
		if (memmem(cl, got, "rbd:", 4))
			break;
		usleep(10000);
	}
	FILE *f = popen("sh -s > /tmp/rbdwho-test-ssh-procs.out", "w");
	assert_non_null(f);
	fputs(ssh_procs_script, f);
	assert_int_equal(pclose(f), 0);
	FILE *in = fopen("/tmp/rbdwho-test-ssh-procs.out", "r");
	struct buf b = {0};
	char chunk[4096];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, in)) > 0)
		buf_append(&b, chunk, r);
	fclose(in);
	unlink("/tmp/rbdwho-test-ssh-procs.out");
	struct proc_list l;
	struct krbd_list m;
	struct rw_error err = {0};
	assert_int_equal(ssh_procs_parse(b.p, b.len, &l, &m, &err), 0);
	bool found = false;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].pid == child) {
			found = true;
			assert_string_equal(l.v[i].info.disks.v[0].pool, "pool-a");
			assert_true(l.v[i].start_ticks > 0);
			assert_int_equal(l.v[i].uid, (long)getuid());
		}
	assert_true(found);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	proc_list_free(&l);
	krbd_list_free(&m);
	buf_free(&b);
}

/* The fixture tree beside this file, wherever the test runs from. */
static char *fixture(const char *name)
{
	const char *src = __FILE__, *slash = strrchr(src, '/');
	return slash ? xasprintf("%.*s/fixtures/%s", (int)(slash - src), src, name)
		     : xasprintf("fixtures/%s", name);
}

static void test_krbd_fake_tree(void **state)
{
	struct krbd_list l;
	struct rw_error err = {0};
	char *sys = fixture("sys");
	assert_int_equal(krbd_scan(sys, &l, &err), 0);
	free(sys);
	assert_int_equal(l.n, 2); /* 7 names no image */
	assert_string_equal(l.v[0].id, "0");
	assert_string_equal(l.v[0].ref.image, "volume-11111111-2222-3333-4444-555555555555");
	assert_null(l.v[0].ref.snap);
	assert_string_equal(l.v[0].client_id, "client4135");
	assert_string_equal(l.v[1].ref.nspace, "ns1");
	assert_string_equal(l.v[1].ref.snap, "snap1");
	assert_true(rbd_ref_matches(&l.v[1].ref, "rbd", "img"));
	char *dev = krbd_device(&l.v[1]);
	assert_string_equal(dev, "/dev/rbd3");
	free(dev);
	krbd_list_free(&l);
	/* no rbd module: no bus/rbd directory, an empty list and no error */
	char *none = fixture("nonexistent");
	assert_int_equal(krbd_scan(none, &l, &err), 0);
	free(none);
	assert_int_equal(l.n, 0);
}

static void test_host_names(void **state)
{
	assert_true(ssh_host_name_ok("c2"));
	assert_true(ssh_host_name_ok("compute-1.example.org"));
	assert_true(ssh_host_name_ok("fe80::1"));
	assert_false(ssh_host_name_ok("-oProxyCommand=touch /tmp/x"));
	assert_false(ssh_host_name_ok("a b"));
	assert_false(ssh_host_name_ok("h;rm"));
	assert_false(ssh_host_name_ok("user@h"));
	assert_false(ssh_host_name_ok(""));
	assert_false(ssh_host_name_ok(NULL));
	struct ssh_opts o = {.timeout_ms = 1000};
	struct ssh_hosts *sh = ssh_hosts_new(&o);
	assert_non_null(sh);
	char *u = ssh_libvirt_uri(sh, "qemu+ssh://c2/system");
	assert_non_null(strstr(u, "qemu+ssh://c2/system?command=/"));
	free(u);
	u = ssh_libvirt_uri(sh, "qemu:///system");
	assert_string_equal(u, "qemu:///system");
	free(u);
	struct buf out = {0};
	struct ssh_result res;
	const char *args[] = {"1; rm -rf /"};
	assert_true(ssh_run_script(sh, "c2", "true", args, 1, 100, &out, &res) < 0);
	assert_true(ssh_run_script(sh, "-oX", "true", NULL, 0, 100, &out, &res) < 0);
	assert_int_equal(res.why, SSH_UNSAFE_NAME);
	buf_free(&out);
	ssh_hosts_free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_cut_short_and_garbage),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_huge_record),
		cmocka_unit_test(test_script_on_this_machine),
		cmocka_unit_test(test_krbd_fake_tree),
		cmocka_unit_test(test_host_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
