/* ceph_admin.c — the OSD blocklist through librados' monitor command API (the
 * JSON that `ceph osd blocklist …` sends: prefix "osd blocklist", blocklistop
 * "add"/"rm", addr, expire in seconds as a float), the OSD map epoch, and the
 * OSDs' own newest map (`tell osd.N status`). Every command is bounded by the
 * mon/OSD op timeouts the connection was made with; the waits by the caller's
 * timeout. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <rados/librados.h>

#include "rbdwho/ceph_admin.h"
#include "rbdwho/util.h"
#include "ceph_internal.h"

/* Between polls of the OSDs: short against a 10 s timeout, long against a mon
 * round trip. */
#define ADMIN_POLL_MS 100

static int admin_mon_command(struct ceph_conn *c, const char *cmd, struct mon_answer *a)
{
	rados_t cl = ceph_rados_handle(c);
	const char *cmds[] = {cmd};

	memset(a, 0, sizeof(*a));
	if (!cl)
		return a->rc = -ENOTCONN;
	a->rc = rados_mon_command(cl, cmds, 1, "", 0, &a->out, &a->outlen, &a->outs, &a->outslen);
	return a->rc;
}

/* "<what>: <reason>" with the code kept meaningful: a refusal by cephx is
 * -EACCES and says which caps the command needs. */
static int admin_fail(struct ceph_conn *c, const struct mon_answer *a, const char *what,
                      struct rw_error *err)
{
	const char *user = ceph_conn_user(c);
	/* the monitors' own words (outs: not NUL-terminated), cut to one short line */
	char words[256] = "";
	if (a->outs && a->outslen)
		snprintf(words, sizeof(words), "%.*s", (int)(a->outslen < 255 ? a->outslen : 255),
		         a->outs);
	words[strcspn(words, "\n")] = '\0';
	switch (a->rc) {
	case -EACCES:
	case -EPERM:
		return rw_error_set(err, -EACCES, "%s: permission denied for %s%s%s", what, user,
		                    *words ? ": " : "", words);
	case -ETIMEDOUT:
		return rw_error_set(err, -ETIMEDOUT, "%s: the monitors did not answer in time", what);
	case -ENOTCONN:
		return rw_error_set(err, -EIO, "%s: no Ceph connection", what);
	case -EINVAL:
		return rw_error_set(err, -EINVAL, "%s: the monitors refused the arguments%s%s", what,
		                    *words ? ": " : "", words);
	default:
		return rw_error_set(err, -EIO, "%s: %s%s%s", what, strerror(-a->rc),
		                    *words ? ": " : "", words);
	}
}

/* The first JSON document of a mon answer (later Ceph prints a second array,
 * the range blocklist, right after the first); NULL when there is none. */
static struct json_object *admin_json(const char *json, size_t len)
{
	if (!json || len == 0 || len > INT_MAX)
		return NULL;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	json_tokener_free(tok);
	return o;
}

static const char *admin_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool admin_u64(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return false;
	*out = (uint64_t)json_object_get_int64(v);
	return true;
}

int ceph_parse_blocklist(const char *json, size_t len, struct ceph_blocklist_entry **out,
                         size_t *n)
{
	struct json_object *o = admin_json(json, len);
	*out = NULL;
	*n = 0;
	if (!o || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return -EPROTO;
	}
	size_t len_a = json_object_array_length(o), k = 0;
	struct ceph_blocklist_entry *v = xcalloc(len_a ? len_a : 1, sizeof(*v));
	for (size_t i = 0; i < len_a; i++) {
		struct json_object *e = json_object_array_get_idx(o, i);
		const char *addr = json_object_is_type(e, json_type_object) ? admin_str(e, "addr") : NULL;
		if (!addr)
			continue;
		v[k].addr = xstrdup(addr);
		v[k].until = xstrdup(admin_str(e, "until"));
		k++;
	}
	json_object_put(o);
	*out = v;
	*n = k;
	return 0;
}

/* The address goes into JSON: escape it through json-c, never by hand. */
static char *admin_blocklist_cmd(const char *op, const char *addr, unsigned expire_s)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "prefix", json_object_new_string("osd blocklist"));
	json_object_object_add(o, "blocklistop", json_object_new_string(op));
	json_object_object_add(o, "addr", json_object_new_string(addr));
	if (expire_s > 0)  /* CephFloat: seconds from now */
		json_object_object_add(o, "expire", json_object_new_double((double)expire_s));
	char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

int ceph_osdmap_epoch(struct ceph_conn *c, uint64_t *epoch, struct rw_error *err)
{
	struct mon_answer a;
	int rc = admin_mon_command(c, "{\"prefix\":\"osd dump\",\"format\":\"json\"}", &a);
	*epoch = 0;
	if (rc < 0) {
		rc = admin_fail(c, &a, "cannot read the OSD map", err);
	} else {
		struct json_object *o = admin_json(a.out, a.outlen);
		if (!o || !admin_u64(o, "epoch", epoch))
			rc = rw_error_set(err, -EPROTO, "the monitors answered `osd dump` without an epoch");
		json_object_put(o);
	}
	mon_answer_free(&a);
	return rc;
}

static int admin_blocklist_op(struct ceph_conn *c, const char *op, const char *addr,
                              unsigned expire_s, uint64_t *epoch, struct rw_error *err)
{
	char *cmd = admin_blocklist_cmd(op, addr, expire_s);
	char *what = xasprintf("osd blocklist %s %s", op, addr);
	struct mon_answer a;
	int rc = admin_mon_command(c, cmd, &a);
	if (rc < 0) {
		struct rw_error e = {0};
		rc = admin_fail(c, &a, what, &e);
		rw_error_set(err, rc, "%s%s", e.msg,
		             rc == -EACCES ? " (`osd blocklist` needs mon caps such as "
		                             "'profile rbd' or 'allow *')"
		                           : "");
	}
	mon_answer_free(&a);
	free(what);
	free(cmd);
	if (epoch) {
		/* The monitors answer once the change is committed: this epoch holds it. */
		struct rw_error ignored = {0};
		*epoch = 0;
		if (rc == 0 && ceph_osdmap_epoch(c, epoch, &ignored) < 0)
			*epoch = 0;
	}
	return rc;
}

int ceph_blocklist_add(struct ceph_conn *c, const char *addr, unsigned expire_s,
                       uint64_t *epoch, struct rw_error *err)
{
	if (expire_s == 0)
		return rw_error_set(err, -EINVAL, "a blocklist entry needs an expiry");
	return admin_blocklist_op(c, "add", addr, expire_s, epoch, err);
}

int ceph_blocklist_rm(struct ceph_conn *c, const char *addr, uint64_t *epoch,
                      struct rw_error *err)
{
	return admin_blocklist_op(c, "rm", addr, 0, epoch, err);
}

int ceph_blocklist_ls(struct ceph_conn *c, struct ceph_blocklist_entry **out, size_t *n,
                      struct rw_error *err)
{
	struct mon_answer a;
	int rc = admin_mon_command(c, "{\"prefix\":\"osd blocklist ls\",\"format\":\"json\"}", &a);
	*out = NULL;
	*n = 0;
	if (rc < 0)
		rc = admin_fail(c, &a, "cannot read the OSD blocklist", err);
	else if (a.outlen == 0)  /* an empty blocklist may come back as no output at all */
		*out = xcalloc(1, sizeof(**out));
	else if (ceph_parse_blocklist(a.out, a.outlen, out, n) < 0)
		rc = rw_error_set(err, -EPROTO,
		                  "the monitors answered `osd blocklist ls` with something "
		                  "other than a JSON list");
	mon_answer_free(&a);
	return rc;
}

/* ---- waiting for the OSDs ---- */

/* The ids of the OSDs that are up, from `osd dump`. */
static int admin_up_osds(struct ceph_conn *c, int **ids, size_t *n, struct rw_error *err)
{
	struct mon_answer a;
	int rc = admin_mon_command(c, "{\"prefix\":\"osd dump\",\"format\":\"json\"}", &a);
	*ids = NULL;
	*n = 0;
	if (rc < 0) {
		rc = admin_fail(c, &a, "cannot read the OSD map", err);
		mon_answer_free(&a);
		return rc;
	}
	struct json_object *o = admin_json(a.out, a.outlen), *osds = NULL;
	if (!o || !json_object_object_get_ex(o, "osds", &osds) ||
	    !json_object_is_type(osds, json_type_array)) {
		rc = rw_error_set(err, -EPROTO, "the monitors answered `osd dump` without an OSD list");
	} else {
		size_t len = json_object_array_length(osds);
		*ids = xcalloc(len ? len : 1, sizeof(**ids));
		for (size_t i = 0; i < len; i++) {
			struct json_object *e = json_object_array_get_idx(osds, i);
			uint64_t id = 0, up = 0;
			if (admin_u64(e, "osd", &id) && admin_u64(e, "up", &up) && up && id <= INT_MAX)
				(*ids)[(*n)++] = (int)id;
		}
	}
	json_object_put(o);
	mon_answer_free(&a);
	return rc;
}

/* One OSD's newest map epoch (`tell osd.N status`). */
static int admin_osd_newest(struct ceph_conn *c, int id, uint64_t *newest, struct rw_error *err)
{
	const char *cmds[] = {"{\"prefix\":\"status\"}"};
	struct mon_answer a = {0};
	rados_t cl = ceph_rados_handle(c);
	char what[64];
	snprintf(what, sizeof(what), "osd.%d status", id);
	a.rc = cl ? rados_osd_command(cl, id, cmds, 1, "", 0, &a.out, &a.outlen, &a.outs,
	                              &a.outslen)
	          : -ENOTCONN;
	int rc = a.rc;
	if (rc < 0) {
		rc = admin_fail(c, &a, what, err);
	} else {
		struct json_object *o = admin_json(a.out, a.outlen);
		if (!o || !admin_u64(o, "newest_map", newest))
			rc = rw_error_set(err, -EPROTO, "%s: no newest_map in the answer", what);
		json_object_put(o);
	}
	mon_answer_free(&a);
	return rc;
}

static void admin_nap(void)
{
	struct timespec ts = {0, ADMIN_POLL_MS * 1000000L};
	nanosleep(&ts, NULL);
}

/* The OSDs of ids still behind epoch, ", "-separated into behind; the first
 * failure to ask one is returned (and the rest still asked). */
static int admin_osds_behind(struct ceph_conn *c, const int *ids, size_t n, uint64_t epoch,
                             struct buf *behind, struct rw_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t newest = 0;
		struct rw_error e = {0};
		if (admin_osd_newest(c, ids[i], &newest, &e) < 0) {
			if (rc == 0)
				rc = rw_error_set(err, e.code, "%s", e.msg);
			continue;
		}
		if (newest < epoch)
			buf_printf(behind, "%sosd.%d (at %" PRIu64 ")", behind->len ? ", " : "", ids[i],
			           newest);
	}
	return rc;
}

int ceph_wait_osds_epoch(struct ceph_conn *c, uint64_t epoch, int timeout_ms,
                         struct rw_error *err)
{
	int64_t deadline = clock_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
	int *ids = NULL;
	size_t n = 0;
	int rc = admin_up_osds(c, &ids, &n, err);
	while (rc == 0) {
		struct buf behind = {0};
		rc = admin_osds_behind(c, ids, n, epoch, &behind, err);
		bool done = rc == 0 && behind.len == 0;
		if (rc == 0 && !done && clock_ms() >= deadline)
			rc = rw_error_set(err, -ETIMEDOUT,
			                  "OSD map epoch %" PRIu64 " not reached after %d s by %s", epoch,
			                  timeout_ms / 1000, behind.p);
		buf_free(&behind);
		if (done || rc < 0)
			break;
		admin_nap();
	}
	free(ids);
	return rc;
}
