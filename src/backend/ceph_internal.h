/* ceph_internal.h — what ceph.c shares with the other Ceph backend files
 * (ceph_lock.c, ceph_admin.c): opening an image read-only and naming a librados failure. */
#ifndef RBDWHO_CEPH_INTERNAL_H
#define RBDWHO_CEPH_INTERNAL_H

#include <rados/librados.h>
#include <rbd/librbd.h>
#include "rbdwho/ceph.h"

/* "<what>: <reason>", with a timeout spelled out as the bound it hit. */
int ceph_fail(const struct ceph_conn *c, struct rw_error *err, int rc, const char *what);
/* Opens an image read-only (no watch of our own), in its namespace or by its
 * trash id; -ENOENT when it is gone. */
int ceph_open_image(struct ceph_conn *c, const struct ceph_loc *at, rados_ioctx_t *io,
                    rbd_image_t *img, struct rw_error *err);
void ceph_close_image(rados_ioctx_t io, rbd_image_t img);

/* One mon command's answer (rados_mon_command's buffers), freed with
 * mon_answer_free whatever happened. */
struct mon_answer {
	int rc;
	char *out, *outs;
	size_t outlen, outslen;
};
void mon_answer_free(struct mon_answer *a);

#endif
