/* ceph_lock.c — an image's lockers, the OSD blocklist, and breaking a lock,
 * over librbd and one mon command (see ceph_lock.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ceph_lock.h"
#include "rbdwho/util.h"
#include "ceph_internal.h"

/* The '\0'-separated list buf[0..len) as n strings. */
static char **split_nul(const char *buf, size_t len, size_t n)
{
	char **v = xcalloc(n ? n : 1, sizeof *v);
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = xstrdup(off < len ? buf + off : "");
		off += strlen(v[i]) + 1;
	}
	return v;
}

struct lockers_buf {
	char *tag, *clients, *cookies, *addrs;
	size_t tag_len, clients_len, cookies_len, addrs_len;
};

static void lockers_buf_grow(struct lockers_buf *b)
{
	b->tag = xrealloc(b->tag, b->tag_len + 1);
	b->clients = xrealloc(b->clients, b->clients_len + 1);
	b->cookies = xrealloc(b->cookies, b->cookies_len + 1);
	b->addrs = xrealloc(b->addrs, b->addrs_len + 1);
}

static void lockers_buf_free(struct lockers_buf *b)
{
	free(b->tag);
	free(b->clients);
	free(b->cookies);
	free(b->addrs);
}

/* rbd_list_lockers fills the sizes it needs on -ERANGE: ask again with them. */
static ssize_t read_lockers(rbd_image_t img, struct ceph_lock *out)
{
	struct lockers_buf b = {
	    .tag_len = 64, .clients_len = 256, .cookies_len = 256, .addrs_len = 256};
	int exclusive = 0;
	ssize_t n = -ERANGE;
	for (int tries = 0; n == -ERANGE && tries < 4; tries++) {
		lockers_buf_grow(&b);
		n = rbd_list_lockers(img, &exclusive, b.tag, &b.tag_len, b.clients, &b.clients_len,
		                     b.cookies, &b.cookies_len, b.addrs, &b.addrs_len);
	}
	if (n >= 0) {
		out->exclusive = exclusive != 0;
		out->tag = xstrdup(n > 0 ? b.tag : "");
		out->n = (size_t)n;
		char **ents = split_nul(b.clients, b.clients_len, out->n);
		char **cookies = split_nul(b.cookies, b.cookies_len, out->n);
		char **addrs = split_nul(b.addrs, b.addrs_len, out->n);
		out->lockers = xcalloc(out->n ? out->n : 1, sizeof *out->lockers);
		for (size_t i = 0; i < out->n; i++)
			out->lockers[i] = (struct ceph_locker){ents[i], cookies[i], addrs[i]};
		free(ents);
		free(cookies);
		free(addrs);
	}
	lockers_buf_free(&b);
	return n;
}

int ceph_list_lockers(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_lock *out,
                      struct rw_error *err)
{
	const char *pool = at->pool, *image = at->image;
	rados_ioctx_t io;
	rbd_image_t img;
	memset(out, 0, sizeof *out);
	int rc = ceph_open_image(c, at, &io, &img, err);
	if (rc)
		return rc;
	ssize_t n = read_lockers(img, out);
	ceph_close_image(io, img);
	if (n >= 0)
		return 0;
	ceph_lock_clear(out);
	if (n == -ENOENT)
		return rw_error_set(err, -ENOENT, "image '%s/%s' does not exist", pool, image);
	char *what = xasprintf("cannot list the lockers of '%s/%s'", pool, image);
	rc = ceph_fail(c, err, (int)n, what);
	free(what);
	return rc;
}

int ceph_break_lock(struct ceph_conn *c, const struct ceph_loc *at, const char *entity,
                    const char *cookie, struct rw_error *err)
{
	const char *pool = at->pool, *image = at->image;
	rados_ioctx_t io;
	rbd_image_t img;
	int rc = ceph_open_image(c, at, &io, &img, err);
	if (rc)
		return rc;
	rc = rbd_break_lock(img, entity, cookie);
	ceph_close_image(io, img);
	if (rc == 0)
		return 0;
	if (rc == -ENOENT)
		return rw_error_set(err, -ENOENT, "%s no longer holds the lock '%s' on '%s/%s'",
		                    entity, cookie, pool, image);
	char *what = xasprintf("cannot break %s's lock on '%s/%s'", entity, pool, image);
	rc = ceph_fail(c, err, rc, what);
	free(what);
	return rc;
}
