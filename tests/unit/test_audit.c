/* test_audit.c — the audit log: the record's JSON line, appending with parent
 * directories made private, the fsync after every record (fsync is interposed
 * here to count calls and to fail on demand), unwritable logs, and secrets that
 * must never reach the file. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "rbdwho/audit.h"
#include "rbdwho/util.h"

/* The test program's fsync replaces libc's for audit.c: it counts, and fails
 * with EIO when asked, as a disk that lost the write would. */
static int fsync_calls;
static bool fsync_fail;

int fsync(int fd)
{
	fsync_calls++;
	if (fsync_fail) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

static const char secret_key[] = "AQD0sl5lAAAAABAAk8kVb8Kz2jEX5z1w3YJ3ZQ==";

static struct strvec vols;

static struct audit_record sample(void)
{
	struct audit_record r = {
	    .action = "destroy",
	    .host = "compute-7",
	    .uri = "qemu+ssh://compute-7/system",
	    .domain = "instance-0002f5c4",
	    .uuid = "e6a96e04-733d-4b5a-9b1e-0123456789ab",
	    .volumes = &vols,
	    .verdict = "ORPHAN",
	    .nova = "404",
	    .outcome = "destroyed",
	    .reason = "Nova answered 404",
	};
	return r;
}

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/rbdwho-audit-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

static char *slurp(const char *path)
{
	struct buf b = {0};
	assert_int_equal(buf_read_file(&b, path, 0), 0);
	return b.p ? b.p : xstrdup("");
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("record has no key %s", key);
	return v ? json_object_get_string(v) : NULL;
}

static void test_format_is_one_json_line(void **state)
{
	struct audit_record r = sample();
	char *line = audit_format(&r, 1700000000, "alice", "bob");
	assert_int_equal(count_lines(line), 1);
	assert_int_equal(line[strlen(line) - 1], '\n');
	struct json_object *o = json_tokener_parse(line);
	assert_non_null(o);
	assert_string_equal(field(o, "time"), "2023-11-14T22:13:20Z");
	assert_string_equal(field(o, "user"), "alice");
	assert_string_equal(field(o, "sudo_user"), "bob");
	assert_string_equal(field(o, "action"), "destroy");
	assert_string_equal(field(o, "host"), "compute-7");
	assert_string_equal(field(o, "uri"), "qemu+ssh://compute-7/system");
	assert_string_equal(field(o, "domain"), "instance-0002f5c4");
	assert_string_equal(field(o, "uuid"), "e6a96e04-733d-4b5a-9b1e-0123456789ab");
	assert_string_equal(field(o, "verdict"), "ORPHAN");
	assert_string_equal(field(o, "nova"), "404");
	assert_string_equal(field(o, "outcome"), "destroyed");
	assert_string_equal(field(o, "reason"), "Nova answered 404");
	struct json_object *v = NULL;
	assert_true(json_object_object_get_ex(o, "volumes", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)),
	                    "vms/e6a96e04_disk");
	json_object_put(o);
	free(line);
}

/* Missing facts are null, not absent: every record has the same keys. */
static void test_format_null_fields(void **state)
{
	struct audit_record r = {.outcome = "refused", .reason = "domain vanished"};
	char *line = audit_format(&r, 0, "root", NULL);
	struct json_object *o = json_tokener_parse(line);
	assert_non_null(o);
	assert_string_equal(field(o, "time"), "1970-01-01T00:00:00Z");
	assert_null(field(o, "sudo_user"));
	assert_null(field(o, "domain"));
	assert_string_equal(field(o, "action"), "destroy");
	json_object_put(o);
	free(line);
}

/* A newline in a reason must not split the record into two lines. */
static void test_format_escapes_newlines(void **state)
{
	struct audit_record r = sample();
	r.reason = "line one\nline two\r\n{\"outcome\":\"forged\"}";
	char *line = audit_format(&r, 0, "root", NULL);
	assert_int_equal(count_lines(line), 1);
	struct json_object *o = json_tokener_parse(line);
	assert_string_equal(field(o, "outcome"), "destroyed");
	json_object_put(o);
	free(line);
}

static void test_no_secrets(void **state)
{
	struct audit_record r = sample();
	char *reason =
	    xasprintf("qemu -drive file=rbd:volumes/v1:id=admin:key=%s,format=raw", secret_key);
	char *nova = xasprintf("error: keystone said password=hunter2 token=%s", "gAAAAAB-tok");
	r.reason = reason;
	r.nova = nova;
	char *line = audit_format(&r, 0, "root", NULL);
	assert_null(strstr(line, secret_key));
	assert_null(strstr(line, "AQD0sl5l"));
	assert_null(strstr(line, "hunter2"));
	assert_null(strstr(line, "gAAAAAB-tok"));
	assert_non_null(strstr(line, "volumes/v1")); /* the rest survives */
	free(line);
	free(reason);
	free(nova);
}

static void test_append_creates_private_parents(void **state)
{
	char *dir = tmp_dir();
	char *path = xasprintf("%s/state/rbdwho/audit.log", dir);
	struct rw_error err = {0};
	struct audit_record r = sample();
	fsync_calls = 0;
	assert_int_equal(audit_check_writable(path, &err), 0);
	assert_int_equal(audit_write(path, false, &r, &err), 0);
	r.outcome = "refused";
	assert_int_equal(audit_write(path, false, &r, &err), 0);
	assert_int_equal(fsync_calls, 2); /* one fsync per record */

	char *text = slurp(path);
	assert_int_equal(count_lines(text), 2);
	char *second = strchr(text, '\n') + 1;
	assert_non_null(strstr(text, "\"outcome\":\"destroyed\""));
	assert_non_null(strstr(second, "\"outcome\":\"refused\""));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *sub = xasprintf("%s/state/rbdwho", dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* Appending never truncates what is there. */
	assert_int_equal(audit_write(path, false, &r, &err), 0);
	char *again = slurp(path);
	assert_int_equal(strncmp(again, text, strlen(text)), 0);
	assert_int_equal(count_lines(again), 3);

	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd), free(again), free(sub), free(text), free(path), free(dir);
}

static void test_fsync_failure_is_an_error(void **state)
{
	char *dir = tmp_dir();
	char *path = xasprintf("%s/audit.log", dir);
	struct rw_error err = {0};
	struct audit_record r = sample();
	fsync_fail = true;
	int rc = audit_write(path, false, &r, &err);
	fsync_fail = false;
	assert_int_equal(rc, -EIO);
	assert_non_null(strstr(err.msg, "fsync"));
	unlink(path);
	rmdir(dir);
	free(path), free(dir);
}

/* Root ignores permission bits, so unwritable is made of things even root
 * cannot do: a parent that is a file, a full device, no path at all. */
static void test_unwritable(void **state)
{
	char *dir = tmp_dir();
	char *file = xasprintf("%s/plainfile", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	char *path = xasprintf("%s/audit.log", file);
	struct rw_error err = {0};
	struct audit_record r = sample();
	assert_true(audit_check_writable(path, &err) < 0);
	assert_non_null(strstr(err.msg, "audit log"));
	rw_error_clear(&err);
	assert_true(audit_write(path, false, &r, &err) < 0);

	rw_error_clear(&err);
	assert_int_equal(audit_write("/dev/full", false, &r, &err), -EIO);
	assert_non_null(strstr(err.msg, "write failed"));

	rw_error_clear(&err);
	assert_true(audit_check_writable(NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "no audit log"));
	rw_error_clear(&err);
	assert_true(audit_check_writable("", &err) < 0);

	unlink(file);
	rmdir(dir);
	free(path), free(file), free(dir);
}

static void test_whoami(void **state)
{
	char *user = NULL, *sudo_user = NULL;
	setenv("SUDO_USER", "carol", 1);
	audit_whoami(&user, &sudo_user);
	assert_non_null(user);
	assert_true(strlen(user) > 0);
	assert_string_equal(sudo_user, "carol");
	free(user), free(sudo_user);
	unsetenv("SUDO_USER");
	audit_whoami(&user, &sudo_user);
	assert_null(sudo_user);
	free(user);
}

int main(void)
{
	strvec_push(&vols, "volumes/volume-9cd1ee91-0000-4000-8000-000000000001");
	strvec_push(&vols, "vms/e6a96e04_disk");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_is_one_json_line),
	    cmocka_unit_test(test_format_null_fields),
	    cmocka_unit_test(test_format_escapes_newlines),
	    cmocka_unit_test(test_no_secrets),
	    cmocka_unit_test(test_append_creates_private_parents),
	    cmocka_unit_test(test_fsync_failure_is_an_error),
	    cmocka_unit_test(test_unwritable),
	    cmocka_unit_test(test_whoami),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	strvec_free(&vols);
	return rc;
}
