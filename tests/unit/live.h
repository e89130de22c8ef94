/* live.h — what the unit tests that run against a sandbox cluster share: they
 * skip without SANDBOX_DIR, and otherwise hold two connections — rbdwho's own
 * (from $CEPH_CONF, as a user would) and a separate admin one that makes and
 * removes the test's fixtures. Included by test_*_live.c only. */
#ifndef RBDWHO_TESTS_LIVE_H
#define RBDWHO_TESTS_LIVE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <rados/librados.h>

#include "rbdwho/ceph.h"
#include "rbdwho/util.h"

static inline bool live_have_sandbox(void)
{
	return !str_empty(getenv("SANDBOX_DIR"));
}

/* Both connections, the admin one with an ioctx on pool; -1 on failure. */
static inline int live_connect(struct ceph_conn **conn, rados_t *admin, rados_ioctx_t *io,
			       const char *pool)
{
	struct rw_error e = {0};
	struct ceph_opts o = {.timeout_ms = 10000};
	if (ceph_connect(&o, conn, &e) != 0) {
		fprintf(stderr, "cannot connect to the sandbox: %s\n", e.msg);
		return -1;
	}
	if (rados_create2(admin, "ceph", "client.admin", 0) || rados_conf_read_file(*admin, NULL) ||
	    rados_connect(*admin) || rados_ioctx_create(*admin, pool, io))
		return -1;
	return 0;
}

/* Closes whatever live_connect opened (any of it may be unset). */
static inline void live_disconnect(struct ceph_conn **conn, rados_t *admin, rados_ioctx_t *io)
{
	if (*io)
		rados_ioctx_destroy(*io);
	if (*admin)
		rados_shutdown(*admin);
	ceph_disconnect(*conn);
	*io = NULL;
	*admin = NULL;
	*conn = NULL;
}

#endif
