/* test_probe_live.c — the bulk watcher probe (probe.h) against a real cluster:
 * the sandbox named by SANDBOX_DIR/CEPH_CONF (every case skips without it). Its
 * watcher fields must be exactly what rbd_watchers_list reports, for a real
 * qemu holder (tests/sandbox/hold) and for an old-format header object. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "rbdwho/ceph.h"
#include "rbdwho/probe.h"
#include "rbdwho/util.h"
#include "live.h"

#define POOL "volumes"
#define NIMAGES 200
#define HELD 37       /* the image a real qemu holds */
#define WATCHED 101   /* the image this test watches itself, with librados */
#define EXTRA 100     /* more images for probe_pool: the pool then spans two pages */

static char prefix[64], holder[64];
static struct ceph_conn *conn;
static rados_t admin;  /* the test's own connection: creates, watches, removes */
static rados_ioctx_t admin_io;
static struct ceph_image_ref *refs;  /* our images, in the pool's listing order */
static size_t nrefs;
static uint64_t own_watch;  /* our watch on WATCHED's header */
static bool held;


static char *image_name(int i)
{
	return xasprintf("%s-%03d", prefix, i);
}

static void on_notify(void *arg, uint64_t id, uint64_t handle, uint64_t notifier, void *data,
		      size_t len)
{
}

static void on_watch_error(void *arg, uint64_t cookie, int err)
{
}

/* Our images out of the pool's listing, so ids are rbd_list2's own. */
static int collect_refs(void)
{
	struct rw_error e = {0};
	struct ceph_image_ref *all = NULL;
	size_t n = 0;
	if (ceph_list_images(conn, POOL, &all, &n, &e) < 0)
		return -1;
	refs = xcalloc(NIMAGES, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		if (!str_starts_with(all[i].name, prefix) || nrefs == NIMAGES)
			continue;
		refs[nrefs].name = xstrdup(all[i].name);
		refs[nrefs++].id = xstrdup(all[i].id);
	}
	ceph_image_refs_free(all, n);
	return nrefs == NIMAGES ? 0 : -1;
}

static int hold_image(void)
{
	char *cmd = xasprintf("tests/sandbox/hold '%s' " POOL "/%s-%03d --name %s "
			      "--uuid 6f1c7f5e-0b8a-4c1e-9d55-3b1f0a2c9e%02d >/dev/null",
			      getenv("SANDBOX_DIR"), prefix, HELD, holder, getpid() % 100);
	int rc = system(cmd);
	free(cmd);
	held = rc == 0;
	return held ? 0 : -1;
}

static int group_setup(void **state)
{
	snprintf(prefix, sizeof prefix, "probe-%d", (int)getpid());
	snprintf(holder, sizeof holder, "instance-probe%d", (int)getpid());
	if (!live_have_sandbox())
		return 0;
	if (live_connect(&conn, &admin, &admin_io, POOL) < 0)
		return -1;
	for (int i = 0; i < NIMAGES; i++) {
		char *name = image_name(i);
		int order = 22, rc = rbd_create2(admin_io, name, 1 << 20, 1 /* layering */, &order);
		free(name);
		if (rc < 0)
			return -1;
	}
	if (collect_refs() < 0 || hold_image() < 0)
		return -1;
	char *oid = probe_header_oid(&refs[WATCHED]);
	int rc = rados_watch2(admin_io, oid, &own_watch, on_notify, on_watch_error, NULL);
	free(oid);
	return rc;
}

static int group_teardown(void **state)
{
	if (held) {
		char *cmd = xasprintf("tests/sandbox/unhold '%s' %s >/dev/null",
				      getenv("SANDBOX_DIR"), holder);
		(void)!system(cmd);
		free(cmd);
	}
	if (own_watch)
		rados_unwatch2(admin_io, own_watch);
	for (int i = 0; admin_io && i < NIMAGES; i++) {
		char *name = image_name(i);
		rbd_remove(admin_io, name);
		free(name);
	}
	live_disconnect(&conn, &admin, &admin_io);
	ceph_image_refs_free(refs, nrefs);
	return 0;
}

#define NEED_SANDBOX()                                                                             \
	do {                                                                                       \
		if (!live_have_sandbox())                                                               \
			skip();                                                                    \
	} while (0)

/* What a probe run saw, per image. */
struct seen {
	pthread_t caller;
	bool wrong_thread, twice;
	size_t calls, stop_after;
	atomic_bool cancel;
	int rc[NIMAGES + 8];
	bool delivered[NIMAGES + 8];
	struct ceph_watcher *ws[NIMAGES + 8];
	size_t nws[NIMAGES + 8];
	char *msg[NIMAGES + 8];
};

static void on_result(struct probe_result *r, void *user)
{
	struct seen *s = user;
	if (!pthread_equal(pthread_self(), s->caller))
		s->wrong_thread = true;
	if (s->delivered[r->index])
		s->twice = true;
	s->delivered[r->index] = true;
	s->rc[r->index] = r->rc;
	s->msg[r->index] = xstrdup(r->msg);
	s->ws[r->index] = r->watchers;  /* take ownership */
	s->nws[r->index] = r->nwatchers;
	r->watchers = NULL;
	r->nwatchers = 0;
	if (++s->calls == s->stop_after)
		s->cancel = true;
}

static struct seen *probe_run(const struct ceph_image_ref *v, size_t n, int in_flight,
			      size_t stop_after, int *rc)
{
	struct seen *s = xcalloc(1, sizeof *s);
	s->caller = pthread_self();
	s->stop_after = stop_after;
	struct probe_opts o = {.in_flight = in_flight, .cancel = &s->cancel,
			       .result = on_result, .user = s};
	struct rw_error e = {0};
	*rc = probe_watchers(conn, POOL, v, n, &o, &e);
	return s;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < NIMAGES + 8; i++) {
		ceph_watchers_free(s->ws[i], s->nws[i]);
		free(s->msg[i]);
	}
	free(s);
}

/* The probe's fields against rbd_watchers_list's, as sets. */
static void assert_same_watchers(const char *image, struct ceph_watcher *got, size_t ngot)
{
	struct ceph_watcher *want = NULL;
	size_t nwant = 0;
	struct rw_error e = {0};
	assert_int_equal(ceph_list_watchers(conn, POOL, image, &want, &nwant, &e), 0);
	assert_int_equal(ngot, nwant);
	for (size_t i = 0; i < nwant; i++) {
		bool match = false;
		for (size_t j = 0; j < ngot && !match; j++)
			match = strcmp(want[i].address, got[j].address) == 0 &&
				want[i].client == got[j].client && want[i].cookie == got[j].cookie;
		if (!match)
			fail_msg("%s: rbd_watchers_list has %s client.%" PRIu64 " cookie=%" PRIu64
				 ", the probe does not", image, want[i].address, want[i].client,
				 want[i].cookie);
	}
	ceph_watchers_free(want, nwant);
}

static void test_every_image_once_and_watchers_exact(void **state)
{
	NEED_SANDBOX();
	int rc;
	struct seen *s = probe_run(refs, nrefs, 16, 0, &rc);
	assert_int_equal(rc, 0);
	assert_false(s->wrong_thread);
	assert_false(s->twice);
	assert_int_equal(s->calls, nrefs);
	for (size_t i = 0; i < nrefs; i++) {
		assert_true(s->delivered[i]);
		assert_int_equal(s->rc[i], 0);
		char *held_name = image_name(HELD), *watched_name = image_name(WATCHED);
		bool expect = strcmp(refs[i].name, held_name) == 0 ||
			      strcmp(refs[i].name, watched_name) == 0;
		free(held_name);
		free(watched_name);
		if (expect != (s->nws[i] > 0))
			fail_msg("%s: %zu watchers, expected %s", refs[i].name, s->nws[i],
				 expect ? "some" : "none");
		if (expect)
			assert_same_watchers(refs[i].name, s->ws[i], s->nws[i]);
	}
	seen_free(s);
}

static void test_qemu_holder_matches_rbd_status_fields(void **state)
{
	NEED_SANDBOX();
	int rc;
	size_t k = 0;
	char *name = image_name(HELD);
	while (k < nrefs && strcmp(refs[k].name, name) != 0)
		k++;
	assert_true(k < nrefs);
	struct seen *s = probe_run(&refs[k], 1, 1, 0, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(s->nws[0], 1);
	/* Ceph's own text form: IP:PORT/NONCE, client id and cookie non-zero. */
	assert_non_null(strstr(s->ws[0][0].address, "127.0.0.1:"));
	assert_non_null(strchr(s->ws[0][0].address, '/'));
	assert_true(s->ws[0][0].client > 0 && s->ws[0][0].cookie > 0);
	assert_same_watchers(name, s->ws[0], s->nws[0]);
	free(name);
	seen_free(s);
}

/* Deleted images (-ENOENT, no message) and old-format headers (<name>.rbd). */
static void test_gone_and_old_format(void **state)
{
	NEED_SANDBOX();
	struct ceph_image_ref v[3] = {
	    {.name = "probe-gone", .id = "0123deadbeef"},
	    {.name = xasprintf("%s-v1", prefix), .id = ""},
	    {.name = refs[0].name, .id = refs[0].id},
	};
	char *oid = probe_header_oid(&v[1]);
	assert_string_equal(oid + strlen(oid) - 4, ".rbd");
	uint64_t h = 0;
	assert_int_equal(rados_write_full(admin_io, oid, "<<< Rados Block Device Image >>>", 32), 0);
	assert_int_equal(rados_watch2(admin_io, oid, &h, on_notify, on_watch_error, NULL), 0);
	int rc;
	struct seen *s = probe_run(v, 3, 128, 0, &rc);
	rados_unwatch2(admin_io, h);
	rados_remove(admin_io, oid);
	free(oid);
	assert_int_equal(rc, 0);
	assert_int_equal(s->calls, 3);
	assert_int_equal(s->rc[0], -ENOENT);
	assert_null(s->msg[0]);
	assert_int_equal(s->rc[1], 0);
	assert_int_equal(s->nws[1], 1);
	assert_true(s->ws[1][0].cookie == h);
	assert_int_equal(s->rc[2], 0);
	free(v[1].name);
	seen_free(s);
}

/* Cancelled after 5 results: issuing stops, what was in flight still lands. */
static void test_cancel_stops_issuing(void **state)
{
	NEED_SANDBOX();
	int rc;
	struct seen *s = probe_run(refs, nrefs, 4, 5, &rc);
	assert_int_equal(rc, 0);
	assert_true(s->calls >= 5);
	assert_true(s->calls <= 5 + 4);
	assert_false(s->twice);
	seen_free(s);
}

/* probe_pool: what it lists and probes while listing. */
struct streamed {
	struct ceph_image_ref *all;  /* rbd_list2's answer, for comparison */
	size_t nall, listed, calls, twice, unknown;
	bool *seen;
	char *held, *watched;
	size_t held_ws, watched_ws;
};

static void on_listed(size_t n, void *user)
{
	((struct streamed *)user)->listed += n;
}

static void on_streamed(struct probe_result *r, void *user)
{
	struct streamed *st = user;
	st->calls++;
	size_t k = 0;
	while (k < st->nall && strcmp(st->all[k].name, r->image->name) != 0)
		k++;
	if (k == st->nall || strcmp(st->all[k].id, r->image->id) != 0) {
		st->unknown++;
		return;
	}
	st->twice += st->seen[k];
	st->seen[k] = true;
	if (strcmp(r->image->name, st->held) == 0)
		st->held_ws = r->nwatchers;
	if (strcmp(r->image->name, st->watched) == 0)
		st->watched_ws = r->nwatchers;
}

/* The same images as rbd_list2 (names and ids), each probed once, watchers
 * and all; the listed() counts add up to what was delivered. */
static void test_pool_lists_like_rbd_list2(void **state)
{
	NEED_SANDBOX();
	struct streamed st = {.held = image_name(HELD), .watched = image_name(WATCHED)};
	struct rw_error e = {0};
	/* past the first page (256 names), so that paging is exercised */
	for (int i = 0; i < EXTRA; i++) {
		char *name = xasprintf("%s-x%03d", prefix, i);
		int order = 22;
		assert_int_equal(rbd_create2(admin_io, name, 1 << 20, 1, &order), 0);
		free(name);
	}
	assert_int_equal(ceph_list_images(conn, POOL, &st.all, &st.nall, &e), 0);
	st.seen = xcalloc(st.nall, sizeof *st.seen);
	struct probe_opts o = {.result = on_streamed, .listed = on_listed, .user = &st};
	assert_int_equal(probe_pool(conn, POOL, &o, &e), 0);
	assert_int_equal(st.unknown, 0);
	assert_int_equal(st.twice, 0);
	assert_int_equal(st.calls, st.nall);
	assert_int_equal(st.listed, st.nall);
	for (size_t k = 0; k < st.nall; k++)
		if (!st.seen[k])
			fail_msg("%s was listed by rbd_list2, not by probe_pool", st.all[k].name);
	assert_true(st.watched_ws >= 1);
	assert_true(!held || st.held_ws >= 1);
	assert_true(st.nall > NIMAGES + EXTRA - 1);
	assert_int_equal(probe_pool(conn, "no-such-pool", &o, &e), -ENOENT);
	for (int i = 0; i < EXTRA; i++) {
		char *name = xasprintf("%s-x%03d", prefix, i);
		rbd_remove(admin_io, name);
		free(name);
	}
	ceph_image_refs_free(st.all, st.nall);
	free(st.seen);
	free(st.held);
	free(st.watched);
}

static void test_missing_pool(void **state)
{
	NEED_SANDBOX();
	struct seen s = {0};
	struct probe_opts o = {.result = on_result, .user = &s};
	struct rw_error e = {0};
	assert_int_equal(probe_watchers(conn, "no-such-pool", refs, 1, &o, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "no-such-pool"));
	assert_int_equal(s.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_image_once_and_watchers_exact),
	    cmocka_unit_test(test_qemu_holder_matches_rbd_status_fields),
	    cmocka_unit_test(test_gone_and_old_format),
	    cmocka_unit_test(test_cancel_stops_issuing),
	    cmocka_unit_test(test_pool_lists_like_rbd_list2),
	    cmocka_unit_test(test_missing_pool),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
