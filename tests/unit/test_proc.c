/* test_proc.c — proc_scan over a fake proc root the test writes itself (long
 * command lines, missing trailing NULs, kernel threads, vanished processes,
 * comm with ')' and spaces), then over the real /proc with a child it starts. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/proc.h"
#include "rbdwho/util.h"

#define BTIME 1700000000LL
#define SECRET "AQBxRkFZAAAAABAAq3LAm0B9YbI0sWj+VGkXsw=="

static char root[64];

static void write_file(const char *rel, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", root, rel);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(dir);
	free(path);
}

static void write_str(const char *rel, const char *s)
{
	write_file(rel, s, strlen(s));
}

/* A stat line whose field 22 (starttime) is ticks, with a hostile comm. */
static void write_stat(const char *rel, const char *comm, unsigned long long ticks)
{
	char *s = xasprintf("123 (%s) S 1 123 123 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 3 0 %llu "
	                    "123456789 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 "
	                    "0 0 0 0 0\n",
	                    comm, ticks);
	write_str(rel, s);
	free(s);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int make_root(void **state)
{
	strcpy(root, "/tmp/rbdwho-proc-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int drop_root(void **state)
{
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static const struct proc_holder *find_pid(const struct proc_list *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].pid == pid)
			return &l->v[i];
	return NULL;
}

static void build_fake_root(void)
{
	static const char qemu[] =
	    "/usr/bin/qemu-system-x86_64\0-name\0guest=instance-0001,"
	    "debug-threads=on\0-uuid\0e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11\0-drive\0"
	    "file=rbd:volumes/vol1:id=cinder:key=" SECRET ",format=raw,if=none\0";
	static const char nbd[] = "rbd-nbd\0map\0pool.x/img@snap"; /* no trailing NUL */
	static const char bash[] = "-bash\0";
	static const char self[] = "qemu-system-x86_64\0-drive\0file=rbd:a/b\0";

	write_str("stat", "cpu  1 2 3 4\nbtime 1700000000\nprocesses 42\n");
	write_file("100/cmdline", qemu, sizeof(qemu) - 1);
	write_str("100/status", "Name:\tqemu-system-x86\nUmask:\t0022\nState:\tS (sleeping)\n"
	                        "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	write_stat("100/stat", "qemu) (x y)", 500ULL * (unsigned long long)sysconf(_SC_CLK_TCK));

	write_file("200/cmdline", nbd, sizeof(nbd) - 1);
	write_str("200/status", "Name:\trbd-nbd\nUid:\t4242424\t0\t0\t0\n");
	/* no stat: a capture without it; start time unknown */

	write_str("300/cmdline", ""); /* a kernel thread */
	write_str("300/status", "Name:\tkthreadd\nUid:\t0\t0\t0\t0\n");
	write_file("400/cmdline", bash, sizeof(bash) - 1); /* no RBD image */
	char *gone = xasprintf("%s/500", root);
	mkdir(gone, 0755); /* vanished: the dir, no files */
	free(gone);
	write_str("600", "not a directory");
	write_file("self/cmdline", self, sizeof(self) - 1); /* not a pid: ignored */
	write_file("12ab/cmdline", self, sizeof(self) - 1);

	/* A qemu command line far past one page, its disk at the very end. */
	struct buf b = {0};
	buf_append(&b, "qemu-kvm", 9);
	for (int i = 0; i < 600; i++) {
		char arg[64];
		int n = snprintf(arg, sizeof(arg), "-device%c virtio-serial,id=serial%d", 0, i);
		buf_append(&b, arg, (size_t)n + 1);
	}
	static const char tail[] = "-blockdev\0{\"driver\":\"rbd\",\"pool\":\"vms\",\"image\":"
	                           "\"big_disk\",\"user\":\"nova\"}\0";
	buf_append(&b, tail, sizeof(tail) - 1);
	assert_true(b.len > 16384);
	write_file("700/cmdline", b.p, b.len);
	write_stat("700/stat", "qemu-kvm", 0);
	buf_free(&b);
}

static void test_fake_root(void **state)
{
	struct proc_list l;
	struct rw_error err = {0};
	const struct proc_holder *h;

	build_fake_root();
	assert_int_equal(proc_scan(root, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].pid, 100); /* sorted by pid */
	assert_int_equal(l.v[1].pid, 200);
	assert_int_equal(l.v[2].pid, 700);

	h = find_pid(&l, 100);
	assert_int_equal(h->info.kind, ARGV_QEMU);
	assert_string_equal(h->info.name, "instance-0001");
	assert_string_equal(h->info.uuid, "e6a96e04-733d-4b5a-9c5e-0c4f3e1f2a11");
	assert_int_equal(h->info.disks.n, 1);
	assert_string_equal(h->info.disks.v[0].pool, "volumes");
	assert_string_equal(h->info.disks.v[0].image, "vol1");
	assert_string_equal(h->comm, "qemu-system-x86_64");
	assert_string_equal(h->user, "root");
	assert_int_equal((long long)h->started, BTIME + 500);
	assert_non_null(strstr(h->cmdline, "-name guest=instance-0001"));
	assert_null(strstr(h->cmdline, SECRET));
	assert_non_null(strstr(h->cmdline, "<redacted>"));
	assert_true(str_ends_with(h->cmdline, ",format=raw,if=none")); /* no empty last arg */

	h = find_pid(&l, 200);
	assert_int_equal(h->info.kind, ARGV_RBD_NBD);
	assert_string_equal(h->info.disks.v[0].pool, "pool.x");
	assert_string_equal(h->info.disks.v[0].image, "img");
	assert_string_equal(h->info.disks.v[0].snap, "snap"); /* last arg had no NUL */
	assert_string_equal(h->user, "uid 4242424");
	assert_int_equal((long long)h->started, 0);
	assert_string_equal(h->cmdline, "rbd-nbd map pool.x/img@snap");

	h = find_pid(&l, 700);
	assert_int_equal(h->info.disks.n, 1);
	assert_string_equal(h->info.disks.v[0].image, "big_disk");
	assert_string_equal(h->comm, "qemu-kvm");
	assert_null(h->user); /* no status captured */
	assert_int_equal((long long)h->started, BTIME);
	assert_true(strlen(h->cmdline) > 16384);

	proc_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

/* Without a stat file in the root, the boot time comes from the real /proc;
 * a stat line too short to hold field 22 gives 0, not garbage. */
static void test_btime_fallback_and_short_stat(void **state)
{
	static const char cmd[] = "rbd\0export\0p/i\0-\0";
	struct proc_list l;
	struct rw_error err = {0};

	write_file("42/cmdline", cmd, sizeof(cmd) - 1);
	write_stat("42/stat", "rbd", 100ULL * (unsigned long long)sysconf(_SC_CLK_TCK));
	write_file("43/cmdline", cmd, sizeof(cmd) - 1);
	write_str("43/stat", "43 (rbd) S 1 2 3\n");
	assert_int_equal(proc_scan(root, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].info.kind, ARGV_RBD_CLI);
	assert_true(l.v[0].started > BTIME); /* this machine booted after 2023-11 */
	assert_int_equal((long long)l.v[1].started, 0);
	proc_list_free(&l);
}

static void test_missing_root(void **state)
{
	struct proc_list l;
	struct rw_error err = {0};

	assert_int_equal(proc_scan("/nonexistent/rbdwho-proc", &l, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/rbdwho-proc"));
	assert_int_equal(l.n, 0);
}

/* A real child whose argv names an image: sh -c 'read x' with $0 = rbd:live/img.
 * A CLOEXEC pipe reports the exec; closing the child's stdin ends it. */
static void test_real_proc(void **state)
{
	int sync[2], in[2];
	char c;
	assert_int_equal(pipe2(sync, O_CLOEXEC), 0);
	assert_int_equal(pipe(in), 0);
	time_t before = time(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		close(sync[0]);
		execl("/bin/sh", "sh", "-c", "read x", "rbd:live/img:id=tester", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(sync[1]);
	assert_int_equal(read(sync[0], &c, 1), 0); /* EOF: exec happened */
	close(sync[0]);

	struct proc_list l;
	struct rw_error err = {0};
	int rc = proc_scan(NULL, &l, &err);
	const struct proc_holder *h = rc == 0 ? find_pid(&l, pid) : NULL;
	close(in[1]);
	waitpid(pid, NULL, 0);

	assert_int_equal(rc, 0);
	assert_non_null(h);
	assert_int_equal(h->info.kind, ARGV_OTHER);
	assert_string_equal(h->info.disks.v[0].pool, "live");
	assert_string_equal(h->info.disks.v[0].user, "tester");
	assert_string_equal(h->comm, "sh");
	struct passwd *pw = getpwuid(getuid());
	assert_string_equal(h->user, pw ? pw->pw_name : "?");
	assert_true(h->started >= before - 2 && h->started <= time(NULL) + 2);
	proc_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fake_root, make_root, drop_root),
	    cmocka_unit_test_setup_teardown(test_btime_fallback_and_short_stat, make_root,
	                                    drop_root),
	    cmocka_unit_test(test_missing_root),
	    cmocka_unit_test(test_real_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
