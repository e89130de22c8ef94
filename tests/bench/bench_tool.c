/* bench_tool.c — the benchmarks' C helper: makes images fast (rbd_create2 in a
 * loop; the rbd CLI costs ~30 ms each) and times every watcher-probe candidate
 * over one pool, on one connection, in the same run:
 *   bench_tool mkimages POOL PREFIX N [WIDTH]   (PREFIX-%0WIDTHd, default 6)
 *   bench_tool probe POOL [SAMPLE]   (the slow candidates run on SAMPLE images)
 *   bench_tool bare POOL             (one timed run of the probe scan uses)
 *   bench_tool overlap POOL [ROUNDS] (list-then-probe vs overlapped vs bare, interleaved) */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "rbdwho/ceph.h"
#include "rbdwho/probe.h"
#include "rbdwho/util.h"

static struct ceph_conn *conn;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int mkimages(const char *pool, const char *prefix, int n, int width)
{
	rados_ioctx_t io;
	if (rados_ioctx_create(ceph_rados_handle(conn), pool, &io) < 0)
		return 1;
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		char name[128];
		int order = 22;
		snprintf(name, sizeof name, "%s-%0*d", prefix, width, i);
		/* layering, exclusive-lock, object-map, fast-diff, deep-flatten: rbd's defaults */
		int rc = rbd_create2(io, name, 1ULL << 30, 61, &order);
		/* librbd draws image ids from 32 random bits: past ~50,000 images
		 * two collide now and then, and cls_rbd refuses the second id with
		 * EBADF; a new attempt draws a new id. */
		for (int retry = 0; rc == -EBADF && retry < 5; retry++)
			rc = rbd_create2(io, name, 1ULL << 30, 61, &order);
		if (rc < 0 && rc != -EEXIST) {
			fprintf(stderr, "rbd_create2 %s: %s\n", name, strerror(-rc));
			return 1;
		}
	}
	fprintf(stderr, "created %d images in %.1f s\n", n, (now_ms() - t0) / 1e3);
	rados_ioctx_destroy(io);
	return 0;
}

/* One table row, and a "# KEY ms-per-image" line for run scripts to pick up. */
static void row(const char *key, const char *what, size_t n, double ms, double base_per)
{
	double per = ms / n;
	printf("# %s %.6f\n", key, per);
	printf("  %-44s %7zu %10.1f %9.4f %10.0f %8.1fx\n", what, n, ms, per, n / (ms / 1e3),
	       base_per / per);
}

/* Candidate A: what ceph_list_watchers does, one image after another. */
static double cand_sequential(const char *pool, struct ceph_image_ref *v, size_t n)
{
	double t0 = now_ms();
	for (size_t i = 0; i < n; i++) {
		struct ceph_watcher *ws;
		size_t nw;
		struct rw_error e = {0};
		if (ceph_list_watchers(conn, pool, v[i].name, &ws, &nw, &e) == 0)
			ceph_watchers_free(ws, nw);
	}
	return now_ms() - t0;
}

struct thr {
	const char *pool;
	struct ceph_image_ref *v;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	for (;;) {
		pthread_mutex_lock(&t->lock);
		size_t i = t->next++;
		pthread_mutex_unlock(&t->lock);
		if (i >= t->n)
			return NULL;
		struct ceph_watcher *ws;
		size_t nw;
		struct rw_error e = {0};
		if (ceph_list_watchers(conn, t->pool, t->v[i].name, &ws, &nw, &e) == 0)
			ceph_watchers_free(ws, nw);
	}
}

/* Candidate B: the same on 16 threads. */
static double cand_threads(const char *pool, struct ceph_image_ref *v, size_t n, int nthr)
{
	struct thr t = {.pool = pool, .v = v, .n = n};
	pthread_mutex_init(&t.lock, NULL);
	pthread_t th[64];
	double t0 = now_ms();
	for (int i = 0; i < nthr; i++)
		pthread_create(&th[i], NULL, thr_main, &t);
	for (int i = 0; i < nthr; i++)
		pthread_join(th[i], NULL);
	return now_ms() - t0;
}

/* Candidate C: librbd's async open, W at a time, then watchers_list + close. */
static double cand_aio_open(const char *pool, struct ceph_image_ref *v, size_t n, size_t w)
{
	rados_ioctx_t io;
	rados_ioctx_create(ceph_rados_handle(conn), pool, &io);
	rbd_image_t *img = xcalloc(w, sizeof *img);
	rbd_completion_t *c = xcalloc(w, sizeof *c);
	double t0 = now_ms();
	for (size_t base = 0; base < n; base += w) {
		size_t k = n - base < w ? n - base : w;
		for (size_t i = 0; i < k; i++) {
			rbd_aio_create_completion(NULL, NULL, &c[i]);
			rbd_aio_open_read_only(io, v[base + i].name, &img[i], NULL, c[i]);
		}
		for (size_t i = 0; i < k; i++) {
			rbd_aio_wait_for_complete(c[i]);
			int rc = rbd_aio_get_return_value(c[i]);
			rbd_aio_release(c[i]);
			if (rc < 0)
				continue;
			rbd_image_watcher_t ws[8];
			size_t nw = 8;
			if (rbd_watchers_list(img[i], ws, &nw) == 0)
				rbd_watchers_list_cleanup(ws, nw);
			rbd_close(img[i]);
		}
	}
	free(img);
	free(c);
	rados_ioctx_destroy(io);
	return now_ms() - t0;
}

static void count_result(struct probe_result *r, void *user)
{
	size_t *watched = user;
	*watched += r->rc == 0 && r->nwatchers > 0;
}

/* Candidate D: probe.h, one list-watchers op per header, W in flight. */
static double cand_probe(const char *pool, struct ceph_image_ref *v, size_t n, int w,
			 size_t *watched)
{
	struct probe_opts o = {.in_flight = w, .result = count_result, .user = watched};
	struct rw_error e = {0};
	*watched = 0;
	double t0 = now_ms();
	if (probe_watchers(conn, pool, v, n, &o, &e) < 0)
		fprintf(stderr, "probe: %s\n", e.msg);
	return now_ms() - t0;
}

struct counts {
	size_t images, watched;
};

static void count_each(struct probe_result *r, void *user)
{
	struct counts *c = user;
	c->images++;
	c->watched += r->rc == 0 && r->nwatchers > 0;
}

/* Candidate L: what scan does, the listing and the probe overlapped
 * (probe_pool), timed from nothing listed. Candidate S: rbd_list2, then the
 * probe (what scan did before), timed the same way. Both with the default window. */
static double cand_listed(const char *pool, bool overlap, struct counts *c)
{
	struct probe_opts o = {.result = count_each, .user = c};
	struct rw_error e = {0};
	memset(c, 0, sizeof *c);
	double t0 = now_ms();
	if (overlap) {
		if (probe_pool(conn, pool, &o, &e) < 0)
			fprintf(stderr, "probe_pool: %s\n", e.msg);
	} else {
		struct ceph_image_ref *v = NULL;
		size_t n = 0;
		if (ceph_list_images(conn, pool, &v, &n, &e) < 0 ||
		    probe_watchers(conn, pool, v, n, &o, &e) < 0)
			fprintf(stderr, "list+probe: %s\n", e.msg);
		ceph_image_refs_free(v, n);
	}
	return now_ms() - t0;
}

static int probe_all(const char *pool, size_t sample)
{
	struct ceph_image_ref *v;
	size_t n;
	struct rw_error e = {0};
	double t0 = now_ms();
	if (ceph_list_images(conn, pool, &v, &n, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	double list_ms = now_ms() - t0;
	size_t s = sample < n ? sample : n, watched = 0;
	printf("  pool %s: %zu images, rbd_list2 %.1f ms; slow candidates on the first %zu\n",
	       pool, n, list_ms, s);
	printf("  %-44s %7s %10s %9s %10s %9s\n", "candidate", "images", "total ms", "ms/image",
	       "images/s", "vs seq");
	double base = cand_sequential(pool, v, s) / s;
	row("A", "A open_read_only+watchers_list, 1 thread", s, base * s, base);
	row("B", "B open_read_only+watchers_list, 16 threads", s, cand_threads(pool, v, s, 16), base);
	row("C", "C rbd_aio_open_read_only x32 +watchers_list", s, cand_aio_open(pool, v, s, 32), base);
	int windows[] = {1, 16, 128, 512};
	for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
		char what[64], key[16];
		snprintf(key, sizeof key, "D%d", windows[i]);
		size_t m = windows[i] == 1 ? s : n;
		snprintf(what, sizeof what, "D list_watchers op, %d in flight", windows[i]);
		row(key, what, m, cand_probe(pool, v, m, windows[i], &watched), base);
	}
	printf("  (the probe saw %zu watched images)\n", watched);
	struct counts c;
	double ms = cand_listed(pool, false, &c);
	row("S", "S rbd_list2, then D (512)", c.images, ms, base);
	ms = cand_listed(pool, true, &c);
	row("L", "L listing and D overlapped (probe_pool)", c.images, ms, base);
	if (c.images != n || c.watched != watched) {
		fprintf(stderr, "probe_pool saw %zu images (%zu watched), rbd_list2 %zu (%zu)\n",
			c.images, c.watched, n, watched);
		ceph_image_refs_free(v, n);
		return 1;
	}
	ceph_image_refs_free(v, n);
	return 0;
}

/* One run of the bare probe (D, 512 in flight, fixed: not the default scan uses,
 * which a change could lower) on ids listed beforehand:
 * prints its wall ms. The bench alternates it with rbdwho scan runs, so that
 * the two are compared under the same load. */
static int probe_bare(const char *pool)
{
	struct ceph_image_ref *v;
	size_t n, watched = 0;
	struct rw_error e = {0};
	if (ceph_list_images(conn, pool, &v, &n, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	printf("%.1f\n", cand_probe(pool, v, n, 512, &watched));
	ceph_image_refs_free(v, n);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Listing strategies under the same load: ROUNDS rounds of S (rbd_list2, then
 * the probe), L (overlapped, what scan does) and D (the bare probe on ids
 * listed beforehand), interleaved; prints the median of each. */
static int probe_overlap(const char *pool, int rounds)
{
	struct ceph_image_ref *v;
	size_t n, watched;
	struct rw_error e = {0};
	if (rounds < 1 || rounds > 64 || ceph_list_images(conn, pool, &v, &n, &e) < 0)
		return 1;
	double s[64], l[64], d[64];
	struct counts c;
	for (int i = 0; i < rounds; i++) {
		s[i] = cand_listed(pool, false, &c);
		l[i] = cand_listed(pool, true, &c);
		d[i] = cand_probe(pool, v, n, 512, &watched);
	}
	qsort(s, rounds, sizeof *s, cmp_double);
	qsort(l, rounds, sizeof *l, cmp_double);
	qsort(d, rounds, sizeof *d, cmp_double);
	int m = rounds / 2;
	printf("# S %.1f\n# L %.1f\n# D %.1f\n", s[m], l[m], d[m]);
	printf("  %zu images, medians of %d interleaved rounds: rbd_list2 then probe %.1f ms, "
	       "overlapped %.1f ms, bare probe %.1f ms -> %.2fx and %.2fx the bare probe\n",
	       n, rounds, s[m], l[m], d[m], s[m] / d[m], l[m] / d[m]);
	ceph_image_refs_free(v, n);
	return 0;
}

int main(int argc, char **argv)
{
	struct ceph_opts o = {.timeout_ms = 10000};
	struct rw_error e = {0};
	if (argc < 3) {
		fprintf(stderr, "usage: bench_tool mkimages POOL PREFIX N | probe POOL [SAMPLE] | bare POOL | overlap POOL [ROUNDS]\n");
		return 2;
	}
	if (ceph_connect(&o, &conn, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	int rc = 2;
	if (strcmp(argv[1], "mkimages") == 0 && argc >= 5)
		rc = mkimages(argv[2], argv[3], atoi(argv[4]), argc > 5 ? atoi(argv[5]) : 6);
	else if (strcmp(argv[1], "overlap") == 0)
		rc = probe_overlap(argv[2], argc > 3 ? atoi(argv[3]) : 7);
	else if (strcmp(argv[1], "bare") == 0)
		rc = probe_bare(argv[2]);
	else if (strcmp(argv[1], "probe") == 0)
		rc = probe_all(argv[2], argc > 3 ? (size_t)atoi(argv[3]) : 1000);
	ceph_disconnect(conn);
	return rc;
}
