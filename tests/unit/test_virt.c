/* test_virt.c — the libvirt backend against libvirt's test driver (a node
 * file written at run time), and against URIs that refuse or hang: errors are
 * clean one-liners, nothing reaches stderr, a hang ends in -ETIMEDOUT in time. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "rbdwho/error.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"

#define UUID_RUNNING "e6a96e04-733d-4b5a-9c1e-2f7d8a0b4c11"
#define UUID_PAUSED "0b2c4e1a-1111-4222-8333-944455556666"
#define UUID_OFF "7c3a9e52-4b1d-4f6e-8a0c-5d2e1f3b4a69"
#define UUID_UNKNOWN "00000000-0000-4000-8000-000000000000"
#define TIMEOUT_MS 10000

/* A <node> for the test driver: a running Nova instance with two RBD disks,
 * a paused domain on a namespaced snapshot, a shut-off one with a file disk. */
static const char node_xml[] =
    "<node>\n"
    "<domain type='test'>\n"
    "  <name>instance-0002f5c4</name><uuid>" UUID_RUNNING "</uuid>\n"
    "  <metadata><nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'>\n"
    "    <nova:name>web-01</nova:name><nova:owner>\n"
    "    <nova:project uuid='0c8b1a2d3e4f40718293a4b5c6d7e8f9'>web</nova:project>\n"
    "  </nova:owner></nova:instance></metadata>\n"
    "  <memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='network' device='disk'><driver name='qemu' type='raw' cache='none'/>\n"
    "      <auth username='cinder'><secret type='ceph' "
    "uuid='457eb676-33da-42ec-9a8c-9293d545c337'/></auth>\n"
    "      <source protocol='rbd' name='volumes/volume-9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f'>\n"
    "        <host name='10.0.0.1' port='6789'/></source><target dev='vda' bus='virtio'/></disk>\n"
    "    <disk type='network' device='disk'><driver name='qemu' type='raw'/>\n"
    "      <source protocol='rbd' name='vms/" UUID_RUNNING "_disk'>\n"
    "        <host name='10.0.0.1' port='6789'/></source><target dev='vdb' bus='virtio'/></disk>\n"
    "  </devices>\n"
    "</domain>\n"
    "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <name>paused-vm</name><uuid>" UUID_PAUSED "</uuid>\n"
    "  <memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\n"
    "  <test:runstate>3</test:runstate>\n"
    "  <devices><disk type='network' device='disk'>\n"
    "    <source protocol='rbd' name='pool/ns/image@snap'><host name='10.0.0.1'/></source>\n"
    "    <target dev='vda' bus='virtio'/></disk></devices>\n"
    "</domain>\n"
    "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <name>stopped-vm</name><uuid>" UUID_OFF "</uuid>\n"
    "  <memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\n"
    "  <test:runstate>5</test:runstate>\n"
    "  <devices><disk type='file' device='disk'><source file='/var/lib/x.img'/>\n"
    "    <target dev='vda' bus='virtio'/></disk></devices>\n"
    "</domain>\n"
    "</node>\n";

static char tmpdir[] = "/tmp/rbdwho-test-virt.XXXXXX";
static char *node_path, *uri;

static int setup_node(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	node_path = xasprintf("%s/node.xml", tmpdir);
	uri = xasprintf("test://%s", node_path);
	FILE *f = fopen(node_path, "w");
	if (!f)
		return -1;
	fputs(node_xml, f);
	return fclose(f);
}

static int teardown_node(void **state)
{
	unlink(node_path);
	rmdir(tmpdir);
	free(node_path);
	free(uri);
	return 0;
}

/* stderr goes to a file while fn runs; returns how many bytes were written. */
static long stderr_bytes_during(void (*fn)(void *), void *arg)
{
	char *path = xasprintf("%s/stderr", tmpdir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	free(path);
	return (long)st.st_size;
}

static const struct virt_domain *find_dom(const struct virt_domains *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].xml.name, name) == 0)
			return &l->v[i];
	fail_msg("no domain %s among %zu", name, l->n);
	return NULL;
}

static void test_list_domains(void **state)
{
	struct virt_domains l;
	struct rw_error err = {0};
	assert_int_equal(virt_list_domains(uri, TIMEOUT_MS, &l, &err), 0);
	assert_int_equal(l.n, 3);

	const struct virt_domain *d = find_dom(&l, "instance-0002f5c4");
	assert_string_equal(d->xml.uuid, UUID_RUNNING);
	assert_string_equal(d->state, "running");
	assert_true(d->active);
	assert_true(d->id > 0);
	assert_string_equal(d->xml.nova_name, "web-01");
	assert_string_equal(d->xml.nova_project, "0c8b1a2d3e4f40718293a4b5c6d7e8f9");
	assert_int_equal(d->xml.disks.n, 2);
	assert_true(rbd_refs_match(&d->xml.disks, "volumes",
	                           "volume-9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f"));
	assert_true(rbd_refs_match(&d->xml.disks, "vms", UUID_RUNNING "_disk"));

	d = find_dom(&l, "paused-vm");
	assert_string_equal(d->state, "paused");
	assert_true(d->active);
	assert_int_equal(d->xml.disks.n, 1);
	assert_string_equal(d->xml.disks.v[0].nspace, "ns");
	assert_string_equal(d->xml.disks.v[0].snap, "snap");

	d = find_dom(&l, "stopped-vm");
	assert_string_equal(d->xml.uuid, UUID_OFF);
	assert_string_equal(d->state, "shut off");
	assert_false(d->active);
	assert_int_equal(d->id, -1);
	assert_int_equal(d->xml.disks.n, 0);
	assert_null(d->xml.nova_name);

	virt_domains_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
}

static void test_lookup_domain(void **state)
{
	struct virt_domain d;
	struct rw_error err = {0};
	assert_int_equal(virt_lookup_domain(uri, UUID_PAUSED, TIMEOUT_MS, &d, &err), 0);
	assert_string_equal(d.xml.name, "paused-vm");
	assert_string_equal(d.xml.uuid, UUID_PAUSED);
	assert_string_equal(d.state, "paused");
	assert_true(rbd_refs_match(&d.xml.disks, "pool", "image"));
	virt_domain_clear(&d);
	assert_null(d.state);

	/* upper-case UUIDs are the same domain to libvirt */
	assert_int_equal(
	    virt_lookup_domain(uri, "E6A96E04-733D-4B5A-9C1E-2F7D8A0B4C11", TIMEOUT_MS, &d, &err),
	    0);
	assert_string_equal(d.xml.uuid, UUID_RUNNING);
	virt_domain_clear(&d);
}

static void test_lookup_errors(void **state)
{
	struct virt_domain d;
	struct rw_error err = {0};
	assert_int_equal(virt_lookup_domain(uri, UUID_UNKNOWN, TIMEOUT_MS, &d, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.msg, UUID_UNKNOWN));
	assert_non_null(strstr(err.msg, uri));
	assert_null(strchr(err.msg, '\n'));
	assert_null(d.xml.name);

	assert_int_equal(virt_lookup_domain(uri, "instance-0002f5c4", TIMEOUT_MS, &d, &err),
	                 -EINVAL);
	assert_int_equal(virt_lookup_domain(uri, NULL, TIMEOUT_MS, &d, &err), -EINVAL);
	assert_int_equal(virt_lookup_domain("", UUID_PAUSED, TIMEOUT_MS, &d, &err), -EINVAL);
	assert_int_equal(virt_lookup_domain(uri, UUID_PAUSED, 0, &d, &err), -EINVAL);
}

/* Each test-driver connection starts from the node file again, so a destroy
 * is checked by what it returns, not by a later listing. */
static void test_destroy_domain(void **state)
{
	struct rw_error err = {0};
	assert_int_equal(virt_destroy_domain(uri, UUID_RUNNING, TIMEOUT_MS, &err), 0);
	assert_int_equal(virt_destroy_domain(uri, UUID_PAUSED, TIMEOUT_MS, &err), 0);

	assert_int_equal(virt_destroy_domain(uri, UUID_UNKNOWN, TIMEOUT_MS, &err), -ENOENT);
	assert_non_null(strstr(err.msg, UUID_UNKNOWN));

	/* libvirt refuses to destroy what is not running: its reason is kept */
	rw_error_clear(&err);
	assert_int_equal(virt_destroy_domain(uri, UUID_OFF, TIMEOUT_MS, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot destroy domain " UUID_OFF));
	assert_non_null(strstr(err.msg, "not running"));

	assert_int_equal(virt_destroy_domain(uri, "not-a-uuid", TIMEOUT_MS, &err), -EINVAL);
}

static void test_hostname(void **state)
{
	char *host = (char *)1;
	struct rw_error err = {0};
	assert_int_equal(virt_hostname(uri, TIMEOUT_MS, &host, &err), 0);
	assert_non_null(host);
	assert_true(host[0] != '\0');
	free(host);
}

static void list_refused(void *arg)
{
	struct rw_error *err = arg;
	struct virt_domains l;
	assert_int_equal(virt_list_domains("qemu+tcp://127.0.0.1:1/system", TIMEOUT_MS, &l, err),
	                 -EIO);
	assert_int_equal(l.n, 0);
}

/* Connection refused: a clean one-line error, and libvirt prints nothing. */
static void test_unreachable_uri(void **state)
{
	struct rw_error err = {0};
	assert_int_equal(stderr_bytes_during(list_refused, &err), 0);
	assert_int_equal(err.code, -EIO);
	assert_true(str_starts_with(
	    err.msg, "cannot connect to libvirt at qemu+tcp://127.0.0.1:1/system: "));
	assert_non_null(strstr(err.msg, "refused"));
	assert_null(strchr(err.msg, '\n'));
}

static void list_bad_uris(void *arg)
{
	struct rw_error *err = arg;
	struct virt_domains l;
	assert_int_equal(virt_list_domains("nosuchdriver:///x", TIMEOUT_MS, &l, &err[0]), -EIO);
	assert_int_equal(virt_list_domains("test:///nonexistent/node.xml", TIMEOUT_MS, &l, &err[1]),
	                 -EIO);
}

static void test_bad_uri(void **state)
{
	struct rw_error err[2] = {{0}};
	assert_int_equal(stderr_bytes_during(list_bad_uris, err), 0);
	assert_true(
	    str_starts_with(err[0].msg, "cannot connect to libvirt at nosuchdriver:///x: "));
	assert_true(
	    str_starts_with(err[1].msg, "cannot connect to libvirt at test:///nonexistent"));
	assert_non_null(strstr(err[1].msg, "/nonexistent/node.xml"));
}

/* A server that accepts connections and never says a word. */
struct mute_server {
	int lfd, cfd;
	unsigned short port;
	int stopping;
	pthread_mutex_t lock;
	pthread_t thread;
};

static void *mute_server_run(void *p)
{
	struct mute_server *s = p;
	int fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		close(fd);
		fd = -1;
	} else {
		s->cfd = fd;
	}
	pthread_mutex_unlock(&s->lock);
	char buf[4096];
	while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
		; /* swallow whatever the client sends; answer nothing */
	return NULL;
}

static void mute_server_start(struct mute_server *s)
{
	memset(s, 0, sizeof *s);
	s->cfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, mute_server_run, s), 0);
}

/* Hanging up on the client lets the abandoned libvirt call end too. */
static void mute_server_stop(struct mute_server *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	if (s->cfd >= 0)
		shutdown(s->cfd, SHUT_RDWR);
	pthread_mutex_unlock(&s->lock);
	shutdown(s->lfd, SHUT_RDWR); /* wakes accept() if nobody came */
	pthread_join(s->thread, NULL);
	if (s->cfd >= 0)
		close(s->cfd);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
}

static void test_hanging_uri_times_out(void **state)
{
	struct mute_server s;
	mute_server_start(&s);
	char *hang = xasprintf("qemu+tcp://127.0.0.1:%u/system", s.port);
	struct virt_domains l;
	struct rw_error err = {0};
	const int timeout = 700;
	int64_t t0 = clock_ms();
	int rc = virt_list_domains(hang, timeout, &l, &err);
	int64_t took = clock_ms() - t0;
	mute_server_stop(&s);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_true(took >= timeout - 50);
	assert_true(took <= timeout + 1000);
	assert_int_equal(err.code, -ETIMEDOUT);
	assert_non_null(strstr(err.msg, hang));
	assert_non_null(strstr(err.msg, "700 ms"));
	assert_int_equal(l.n, 0);

	/* destroy says its outcome is unknown */
	mute_server_start(&s);
	free(hang);
	hang = xasprintf("qemu+tcp://127.0.0.1:%u/system", s.port);
	rc = virt_destroy_domain(hang, UUID_RUNNING, timeout, &err);
	mute_server_stop(&s);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "may still happen"));
	free(hang);
}

/* ssh to a closed port fails on its own, without asking anything on a tty. */
static void test_ssh_refused(void **state)
{
	if (access("/usr/bin/ssh", X_OK) != 0)
		skip();
	struct virt_domains l;
	struct rw_error err = {0};
	int rc = virt_list_domains("qemu+ssh://root@127.0.0.1:1/system", TIMEOUT_MS, &l, &err);
	assert_int_equal(rc, -EIO);
	assert_true(str_starts_with(err.msg, "cannot connect to libvirt at qemu+ssh://"));
	assert_null(strchr(err.msg, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_domains),  cmocka_unit_test(test_lookup_domain),
	    cmocka_unit_test(test_lookup_errors), cmocka_unit_test(test_destroy_domain),
	    cmocka_unit_test(test_hostname),      cmocka_unit_test(test_unreachable_uri),
	    cmocka_unit_test(test_bad_uri),       cmocka_unit_test(test_hanging_uri_times_out),
	    cmocka_unit_test(test_ssh_refused),
	};
	return cmocka_run_group_tests(tests, setup_node, teardown_node);
}
