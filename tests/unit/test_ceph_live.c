/* test_ceph_live.c — ceph.c against a real cluster: the sandbox named by
 * SANDBOX_DIR/CEPH_CONF (tests skip without it), plus failures that need no
 * cluster at all: a dead monitor port must time out within the bound, quietly. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "rbdwho/ceph.h"
#include "rbdwho/parse_addr.h"
#include "rbdwho/util.h"
#include "live.h"

#define POOL "volumes"
#define FAKE_KEY "AQBxRkFZAAAAABAAq3LAm0B9YbI0sWj+VGkXsw=="

static char tmpdir[64];
static char image[96];
static struct ceph_conn *conn; /* rbdwho's connection, from $CEPH_CONF */
static rados_t admin;          /* the test's own, to create and remove images */
static rados_ioctx_t admin_io;


static char *tmp_write(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int group_setup(void **state)
{
	strcpy(tmpdir, "/tmp/rbdwho-ceph-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(image, sizeof(image), "rbdwho-test-%d-%lld", (int)getpid(), (long long)clock_ms());
	if (!live_have_sandbox())
		return 0;
	return live_connect(&conn, &admin, &admin_io, POOL);
}

static int group_teardown(void **state)
{
	if (admin_io)
		rbd_remove(admin_io, image);
	live_disconnect(&conn, &admin, &admin_io);
	char *cmd = xasprintf("rm -rf -- '%s'", tmpdir);
	(void)!system(cmd);
	free(cmd);
	return 0;
}

#define NEED_SANDBOX()                                                                             \
	do {                                                                                       \
		if (!live_have_sandbox())                                                               \
			skip();                                                                    \
	} while (0)

/* ---- failures without a cluster ---- */

/* A TCP port bound but never listened on: connects are refused at once, and
 * nothing else can take the port while the socket stays open. */
static int dead_port(int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Runs ceph_connect with fd 2 sent to a file; returns what librados wrote there. */
static int connect_capturing_stderr(struct ceph_opts *o, struct rw_error *err, off_t *written)
{
	char *path = xasprintf("%s/stderr", tmpdir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), saved = dup(2);
	struct ceph_conn *c = NULL;
	struct stat st;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	int rc = ceph_connect(o, &c, err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(stat(path, &st), 0);
	*written = st.st_size;
	free(path);
	if (rc == 0)
		ceph_disconnect(c);
	else
		assert_null(c);
	return rc;
}

static void test_dead_monitor_times_out(void **state)
{
	int port, sock = dead_port(&port);
	char *conf_text =
	    xasprintf("[global]\nmon host = 127.0.0.1:%d\nauth client required = cephx\n"
	              "keyring = %s/keyring\n",
	              port, tmpdir);
	char *conf = tmp_write("dead.conf", conf_text);
	char *keyring = tmp_write("keyring", "[client.admin]\n\tkey = " FAKE_KEY "\n");
	struct ceph_opts o = {.conf = conf, .timeout_ms = 2000};
	struct rw_error err = {0};
	off_t noise;

	int64_t t0 = clock_ms();
	int rc = connect_capturing_stderr(&o, &err, &noise);
	int64_t took = clock_ms() - t0;

	close(sock);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_int_equal(err.code, -ETIMEDOUT);
	assert_true(took >= 1500 && took <= 2000 + 2000);
	char *want =
	    xasprintf("cannot reach the Ceph monitors at 127.0.0.1:%d: timed out after 2 s", port);
	assert_string_equal(err.msg, want);
	assert_int_equal(noise, 0); /* librados kept quiet */
	assert_null(strstr(err.msg, FAKE_KEY));
	free(want);
	free(conf_text);
	free(conf);
	free(keyring);
}

static void test_bad_configs(void **state)
{
	char *missing = xasprintf("%s/nonexistent.conf", tmpdir);
	char *empty = tmp_write("empty.conf", "[global]\nauth client required = cephx\n");
	struct ceph_opts o = {.conf = missing, .timeout_ms = 2000};
	struct rw_error err = {0};
	off_t noise;

	/* a config file that cannot be read is a bad setting (exit 2), never "not found" */
	assert_int_equal(connect_capturing_stderr(&o, &err, &noise), -EINVAL);
	assert_non_null(strstr(err.msg, "cannot read Ceph config"));
	assert_non_null(strstr(err.msg, missing));

	/* no mon_host: refused before librados would go asking DNS */
	o.conf = empty;
	int64_t t0 = clock_ms();
	assert_int_equal(connect_capturing_stderr(&o, &err, &noise), -EINVAL);
	assert_true(clock_ms() - t0 < 1000);
	assert_non_null(strstr(err.msg, "mon_host is empty"));
	assert_int_equal(noise, 0);
	free(missing);
	free(empty);
}

/* ---- against the sandbox ---- */

static void test_auth_failures(void **state)
{
	NEED_SANDBOX();
	char *wrong = tmp_write("wrong.keyring", "[client.admin]\n\tkey = " FAKE_KEY "\n");
	char *none = xasprintf("%s/no.keyring", tmpdir);
	struct ceph_opts o = {.keyring = wrong, .timeout_ms = 5000};
	struct rw_error err = {0};
	off_t noise;

	assert_int_equal(connect_capturing_stderr(&o, &err, &noise), -EACCES);
	assert_string_equal(err.msg, "cephx authentication failed for client.admin (wrong key?)");
	assert_int_equal(noise, 0);

	o.keyring = none;
	o.id = "client.admin"; /* the prefix is accepted and not doubled */
	assert_int_equal(connect_capturing_stderr(&o, &err, &noise), -EACCES);
	assert_non_null(strstr(err.msg, "no key for client.admin"));
	assert_non_null(strstr(err.msg, none));
	free(wrong);
	free(none);
}

static char *conf_fsid(void)
{
	FILE *f = fopen(getenv("CEPH_CONF"), "r");
	char line[256], fsid[64] = "";

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "fsid = %63s", fsid) == 1)
			break;
	fclose(f);
	return xstrdup(fsid);
}

static void test_cluster_status(void **state)
{
	NEED_SANDBOX();
	char *fsid = NULL, *health = NULL, *want = conf_fsid();
	struct rw_error err = {0};

	assert_int_equal(ceph_cluster_status(conn, &fsid, &health, &err), 0);
	assert_string_equal(fsid, want);
	assert_true(str_starts_with(health, "HEALTH_"));
	free(fsid);
	free(health);
	free(want);
}

static void test_pools(void **state)
{
	NEED_SANDBOX();
	char **names = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	int found = 0;

	assert_int_equal(ceph_list_pools(conn, &names, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		found += strcmp(names[i], POOL) == 0;
		free(names[i]);
	}
	free(names);
	assert_int_equal(found, 1);
	assert_int_equal(ceph_pool_exists(conn, POOL, &err), 0);
	assert_int_equal(ceph_pool_exists(conn, "rbdwho-no-such-pool", &err), -ENOENT);
	assert_string_equal(err.msg, "pool 'rbdwho-no-such-pool' does not exist");
}

static void test_missing_pool_and_image(void **state)
{
	NEED_SANDBOX();
	struct rw_error err = {0};
	struct ceph_image_ref *refs = NULL;
	struct ceph_image_info info;
	struct ceph_watcher *w = NULL;
	size_t n = 7;

	assert_int_equal(ceph_list_images(conn, "rbdwho-no-such-pool", &refs, &n, &err), -ENOENT);
	assert_string_equal(err.msg, "pool 'rbdwho-no-such-pool' does not exist");
	assert_null(refs);
	assert_int_equal(n, 0);
	assert_int_equal(ceph_image_info(conn, "rbdwho-no-such-pool", "x", &info, &err), -ENOENT);
	assert_int_equal(ceph_image_info(conn, POOL, "rbdwho-no-such-image", &info, &err), -ENOENT);
	assert_string_equal(err.msg, "image 'volumes/rbdwho-no-such-image' does not exist");
	assert_null(info.name);
	assert_int_equal(ceph_list_watchers(conn, POOL, "rbdwho-no-such-image", &w, &n, &err),
	                 -ENOENT);
	assert_null(w);
	assert_int_equal(n, 0);
}

static void create_image(uint64_t features)
{
	rbd_image_options_t opts;

	rbd_image_options_create(&opts);
	assert_int_equal(rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES, features),
	                 0);
	assert_int_equal(rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_ORDER, 22), 0);
	assert_int_equal(rbd_create4(admin_io, image, 64ULL << 20, opts), 0);
	rbd_image_options_destroy(opts);
}

static void test_image_lifecycle(void **state)
{
	NEED_SANDBOX();
	struct rw_error err = {0};
	struct ceph_image_info info;
	struct ceph_image_ref *refs;
	struct ceph_watcher *w;
	size_t n;

	create_image(RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK);
	assert_int_equal(ceph_image_info(conn, POOL, image, &info, &err), 0);
	assert_string_equal(info.pool, POOL);
	assert_string_equal(info.name, image);
	assert_int_equal(info.size, 64ULL << 20);
	assert_int_equal(info.old_format, 0);
	assert_true(strlen(info.id) > 0);
	char *prefix = xasprintf("rbd_data.%s", info.id);
	assert_string_equal(info.block_name_prefix, prefix);
	free(prefix);
	assert_int_equal(info.features, RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK);
	assert_string_equal(info.features_str, "layering, exclusive-lock");

	assert_int_equal(ceph_list_images(conn, POOL, &refs, &n, &err), 0);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(refs[i].name, image) == 0) {
			found++;
			assert_string_equal(refs[i].id, info.id);
		}
	assert_int_equal(found, 1);
	ceph_image_refs_free(refs, n);
	ceph_image_info_clear(&info);

	/* our own read-only opens registered no watch */
	assert_int_equal(ceph_list_watchers(conn, POOL, image, &w, &n, &err), 0);
	assert_int_equal(n, 0);
	ceph_watchers_free(w, n);

	/* a read-write open does: the test itself becomes a watcher */
	rbd_image_t held;
	assert_int_equal(rbd_open(admin_io, image, &held, NULL), 0);
	assert_int_equal(ceph_list_watchers(conn, POOL, image, &w, &n, &err), 0);
	rbd_close(held);
	assert_int_equal(n, 1);
	assert_true(str_starts_with(w[0].address, "127.0.0.1:0/"));
	assert_int_equal(w[0].client, rados_get_instance_id(admin));
	assert_true(w[0].cookie != 0);
	ceph_watchers_free(w, n);

	/* removed since it was listed: -ENOENT, not a crash */
	assert_int_equal(rbd_remove(admin_io, image), 0);
	assert_int_equal(ceph_image_info(conn, POOL, image, &info, &err), -ENOENT);
	assert_int_equal(ceph_list_watchers(conn, POOL, image, &w, &n, &err), -ENOENT);
}

/* One connection shared by several threads, as the job workers share it. */
static void *hammer(void *arg)
{
	const char *name = arg;
	long failures = 0;

	for (int i = 0; i < 20; i++) {
		struct rw_error err = {0};
		struct ceph_image_info info;
		struct ceph_watcher *w;
		size_t n;
		if (ceph_image_info(conn, POOL, name, &info, &err) != 0 || info.size != 8ULL << 20)
			failures++;
		ceph_image_info_clear(&info);
		if (ceph_list_watchers(conn, POOL, name, &w, &n, &err) != 0 || n != 0)
			failures++;
		else
			ceph_watchers_free(w, n);
	}
	return (void *)failures;
}

static void test_shared_connection(void **state)
{
	NEED_SANDBOX();
	char *name = xasprintf("%s-mt", image);
	pthread_t t[4];

	assert_int_equal(rbd_create(admin_io, name, 8ULL << 20, &(int){22}), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, name), 0);
	long failures = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		failures += (long)r;
	}
	assert_int_equal(rbd_remove(admin_io, name), 0);
	free(name);
	assert_int_equal(failures, 0);
}

/* rbdwho's own connection is a client of the monitors: its session must be in
 * the merged list under its global id and nonce, with this machine's host name
 * and the cephx user it connected as. Prints what the call costs. */
static void test_mon_sessions(void **state)
{
	NEED_SANDBOX();
	rados_t cl = ceph_rados_handle(conn);
	char *addrs = NULL, host[256] = "";
	struct watcher_addr me;

	assert_int_equal(rados_getaddrs(cl, &addrs), 0);
	assert_int_equal(parse_watcher_addr(addrs, &me), 0);
	rados_buffer_free(addrs);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);

	long long best = -1, total = 0;
	const int rounds = 5;
	for (int i = 0; i < rounds; i++) {
		struct mon_sessions s = {0};
		struct rw_error e = {0};
		char *failed = NULL;
		long long t0 = clock_ms();
		assert_int_equal(ceph_mon_sessions(conn, &s, &failed, &e), 0);
		long long ms = clock_ms() - t0;
		total += ms;
		best = best < 0 || ms < best ? ms : best;
		assert_null(failed);
		const struct mon_session *mine =
		    mon_sessions_find(&s, rados_get_instance_id(cl), me.nonce);
		assert_non_null(mine);
		assert_string_equal(mine->entity_name, "client.admin");
		assert_non_null(mine->remote_host);
		assert_string_equal(mine->remote_host, host);
		mon_sessions_free(&s);
	}
	fprintf(stderr, "ceph_mon_sessions: best %lld ms, mean %lld ms over %d calls\n", best,
	        total / rounds, rounds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dead_monitor_times_out),
	    cmocka_unit_test(test_bad_configs),
	    cmocka_unit_test(test_auth_failures),
	    cmocka_unit_test(test_cluster_status),
	    cmocka_unit_test(test_pools),
	    cmocka_unit_test(test_missing_pool_and_image),
	    cmocka_unit_test(test_image_lifecycle),
	    cmocka_unit_test(test_shared_connection),
	    cmocka_unit_test(test_mon_sessions),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
