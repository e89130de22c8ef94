/* ceph.c — pools, images and watchers over the librados and librbd C APIs.
 * Every call opens its own ioctx, so one connection serves many threads; every
 * wait is bounded by the mon/OSD op timeouts set at connect. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "rbdwho/ceph.h"
#include "rbdwho/util.h"
#include "ceph_internal.h"

#define CEPH_DEFAULT_TIMEOUT_MS 10000

/* Immutable once connected: that is what makes it safe to share. */
struct ceph_conn {
	rados_t cluster;
	char *name;     /* "client.admin" */
	char *mon_host; /* for messages */
	int timeout_s;
};

/* ---- errors ---- */

/* librados codes as rbdwho's: permissions and timeouts keep their meaning,
 * everything else unknown is a backend failure. */
static int ceph_map_code(int rc)
{
	switch (rc) {
	case -ENOENT:
	case -ETIMEDOUT:
	case -EACCES:
	case -EINVAL:
		return rc;
	case -EPERM:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* "<what>: <reason>", with a timeout spelled out as the bound it hit. */
int ceph_fail(const struct ceph_conn *c, struct rw_error *err, int rc, const char *what)
{
	if (rc == -ETIMEDOUT)
		return rw_error_set(err, -ETIMEDOUT, "%s: timed out after %d s", what,
		                    c->timeout_s);
	if (rc == -EACCES || rc == -EPERM)
		return rw_error_set(err, -EACCES, "%s: permission denied for %s", what, c->name);
	return rw_error_set(err, ceph_map_code(rc), "%s: %s", what, strerror(-rc));
}

/* ---- connecting ---- */

/* librados logs to stderr by default, which would garble a full-screen
 * terminal; set before and after reading the config so the config cannot
 * turn it back on. */
static void ceph_quiet(rados_t cl)
{
	rados_conf_set(cl, "log_to_stderr", "false");
	rados_conf_set(cl, "err_to_stderr", "false");
}

static char *ceph_conf_get(rados_t cl, const char *key)
{
	char buf[4096];

	if (rados_conf_get(cl, key, buf, sizeof(buf)) != 0)
		return xstrdup("");
	return xstrdup(buf);
}

/* Reads the config the way the rbd tool does: --conf, else $CEPH_CONF, else the
 * default search (librados reads $CEPH_CONF itself when given NULL), then
 * $CEPH_ARGS. A missing default config is not an error: $CEPH_ARGS may carry
 * mon_host; a missing file the user named is. */
static int ceph_read_conf(rados_t cl, const struct ceph_opts *o, struct rw_error *err)
{
	const char *env = getenv("CEPH_CONF");
	int rc = rados_conf_read_file(cl, o->conf);

	if (rc < 0 && (o->conf || !str_empty(env))) {
		const char *path = o->conf ? o->conf : env;
		return rw_error_set(err, -EINVAL,
		                    "cannot read Ceph config %s%s: %s", path,
		                    o->conf ? "" : " (from CEPH_CONF)", strerror(-rc));
	}
	rc = rados_conf_parse_env(cl, NULL);
	if (rc < 0)
		return rw_error_set(err, -EINVAL, "cannot parse CEPH_ARGS: %s", strerror(-rc));
	return 0;
}

static int ceph_set(rados_t cl, const char *key, const char *val, struct rw_error *err)
{
	int rc = rados_conf_set(cl, key, val);

	if (rc < 0)
		return rw_error_set(err, -EINVAL, "cannot set Ceph option %s: %s", key,
		                    strerror(-rc));
	return 0;
}

static int ceph_configure(struct ceph_conn *c, const struct ceph_opts *o, struct rw_error *err)
{
	char secs[32];
	int rc;

	ceph_quiet(c->cluster);
	rc = ceph_read_conf(c->cluster, o, err);
	if (rc == 0 && o->keyring)
		rc = ceph_set(c->cluster, "keyring", o->keyring, err);
	snprintf(secs, sizeof(secs), "%d", c->timeout_s);
	if (rc == 0)
		rc = ceph_set(c->cluster, "client_mount_timeout", secs, err);
	if (rc == 0)
		rc = ceph_set(c->cluster, "rados_mon_op_timeout", secs, err);
	if (rc == 0)
		rc = ceph_set(c->cluster, "rados_osd_op_timeout", secs, err);
	ceph_quiet(c->cluster);
	if (rc)
		return rc;
	c->mon_host = ceph_conf_get(c->cluster, "mon_host");
	/* Without mon_host librados falls back to DNS SRV records: a network
	 * lookup nobody asked for, and one that writes to stderr when it fails. */
	if (str_empty(c->mon_host))
		return rw_error_set(err, -EINVAL,
		                    "no Ceph monitors configured (mon_host is empty; "
		                    "is there a ceph.conf? use --conf or CEPH_CONF)");
	return 0;
}

static int ceph_connect_error(struct ceph_conn *c, int rc, struct rw_error *err)
{
	switch (rc) {
	case -ETIMEDOUT:
		return rw_error_set(err, -ETIMEDOUT,
		                    "cannot reach the Ceph monitors at %s: "
		                    "timed out after %d s",
		                    c->mon_host, c->timeout_s);
	case -EACCES:
	case -EPERM:
		return rw_error_set(err, -EACCES, "cephx authentication failed for %s (wrong key?)",
		                    c->name);
	case -ENOENT: {
		char *keyring = ceph_conf_get(c->cluster, "keyring");
		rw_error_set(err, -EACCES, "no key for %s: no keyring found (keyring = %s)",
		             c->name, keyring);
		free(keyring);
		return -EACCES;
	}
	case -EINVAL:
		return rw_error_set(err, -EINVAL,
		                    "cannot connect to Ceph: invalid configuration "
		                    "(mon_host = %s)",
		                    c->mon_host);
	default:
		return rw_error_set(err, -EIO, "cannot connect to the Ceph monitors at %s: %s",
		                    c->mon_host, strerror(-rc));
	}
}

int ceph_connect(const struct ceph_opts *opts, struct ceph_conn **out, struct rw_error *err)
{
	static const struct ceph_opts defaults = {0};
	const struct ceph_opts *o = opts ? opts : &defaults;
	const char *id = str_empty(o->id) ? "admin" : o->id;
	struct ceph_conn *c = xcalloc(1, sizeof(*c));
	int rc, tmo = o->timeout_ms > 0 ? o->timeout_ms : CEPH_DEFAULT_TIMEOUT_MS;

	*out = NULL;
	if (str_starts_with(id, "client."))
		id += strlen("client.");
	c->name = xasprintf("client.%s", id);
	c->timeout_s = (tmo + 999) / 1000;
	rc = rados_create2(&c->cluster, str_empty(o->cluster) ? "ceph" : o->cluster, c->name, 0);
	if (rc < 0) {
		c->cluster = NULL;
		rw_error_set(err, -EIO, "cannot initialise librados for %s: %s", c->name,
		             strerror(-rc));
		ceph_disconnect(c);
		return -EIO;
	}
	rc = ceph_configure(c, o, err);
	if (rc == 0) {
		rc = rados_connect(c->cluster);
		if (rc < 0)
			rc = ceph_connect_error(c, rc, err);
	}
	if (rc) {
		ceph_disconnect(c);
		return rc;
	}
	*out = c;
	return 0;
}

void ceph_disconnect(struct ceph_conn *c)
{
	if (!c)
		return;
	if (c->cluster)
		rados_shutdown(c->cluster);
	free(c->name);
	free(c->mon_host);
	free(c);
}

/* ---- cluster and pools ---- */

static int ceph_health(struct ceph_conn *c, char **health, struct rw_error *err)
{
	const char *cmd[] = {"{\"prefix\":\"health\",\"format\":\"json\"}"};
	char *outbuf = NULL, *outs = NULL;
	size_t outlen = 0, outslen = 0;
	int rc = rados_mon_command(c->cluster, cmd, 1, "", 0, &outbuf, &outlen, &outs, &outslen);

	if (rc < 0) {
		rados_buffer_free(outbuf);
		rados_buffer_free(outs);
		return ceph_fail(c, err, rc, "cannot ask the Ceph monitors for health");
	}
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, outbuf ? outbuf : "", (int)outlen);
	struct json_object *st = NULL;
	rc = 0;
	if (o && json_object_object_get_ex(o, "status", &st) &&
	    json_object_is_type(st, json_type_string))
		*health = xstrdup(json_object_get_string(st));
	else
		rc = rw_error_set(err, -EPROTO,
		                  "the Ceph monitors answered the health query "
		                  "with something other than JSON with a status");
	json_object_put(o);
	json_tokener_free(tok);
	rados_buffer_free(outbuf);
	rados_buffer_free(outs);
	return rc;
}

int ceph_cluster_status(struct ceph_conn *c, char **fsid, char **health, struct rw_error *err)
{
	char buf[64];
	int rc;

	*fsid = NULL;
	*health = NULL;
	rc = rados_cluster_fsid(c->cluster, buf, sizeof(buf));
	if (rc < 0)
		return ceph_fail(c, err, rc, "cannot read the cluster fsid");
	rc = ceph_health(c, health, err);
	if (rc)
		return rc;
	*fsid = xstrdup(buf);
	return 0;
}

int ceph_list_pools(struct ceph_conn *c, char ***names, size_t *n, struct rw_error *err)
{
	size_t len = 1024, cap = 0;
	char *buf = NULL;
	int rc;

	*names = NULL;
	*n = 0;
	/* Returns the length it needs; pools may be created while we ask. */
	for (;;) {
		buf = xrealloc(buf, len);
		rc = rados_pool_list(c->cluster, buf, len);
		if (rc < 0) {
			free(buf);
			return ceph_fail(c, err, rc, "cannot list pools");
		}
		if ((size_t)rc <= len)
			break;
		len = (size_t)rc + 256;
	}
	for (const char *p = buf; p < buf + rc && *p; p += strlen(p) + 1) {
		xgrow(names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(p);
		(*names)[*n] = NULL;
	}
	free(buf);
	return 0;
}

int ceph_pool_exists(struct ceph_conn *c, const char *pool, struct rw_error *err)
{
	int64_t id = rados_pool_lookup(c->cluster, pool);

	if (id == -ENOENT)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (id < 0) {
		char *what = xasprintf("cannot look up pool '%s'", pool);
		int rc = ceph_fail(c, err, (int)id, what);
		free(what);
		return rc;
	}
	return 0;
}

static int ceph_open_pool(struct ceph_conn *c, const char *pool, rados_ioctx_t *io,
                          struct rw_error *err)
{
	int rc = rados_ioctx_create(c->cluster, pool, io);

	if (rc == -ENOENT)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (rc < 0) {
		char *what = xasprintf("cannot open pool '%s'", pool);
		rc = ceph_fail(c, err, rc, what);
		free(what);
	}
	return rc;
}

/* The pool's io context, set to a RADOS namespace (NULL or "": the default). */
static int ceph_open_ns(struct ceph_conn *c, const char *pool, const char *nspace,
                        rados_ioctx_t *io, struct rw_error *err)
{
	int rc = ceph_open_pool(c, pool, io, err);

	if (rc == 0 && !str_empty(nspace))
		rados_ioctx_set_namespace(*io, nspace);
	return rc;
}


/* ---- images ---- */

/* librbd's list calls, one shape: fill buf with up to *n entries; -ERANGE and
 * the count needed when it is short. */
typedef int (*ceph_list_call)(rados_ioctx_t io, void *buf, size_t *n);
static int list2_call(rados_ioctx_t io, void *buf, size_t *n) { return rbd_list2(io, buf, n); }
static int ns_call(rados_ioctx_t io, void *buf, size_t *n) { return rbd_namespace_list(io, buf, n); }
static int trash_call(rados_ioctx_t io, void *buf, size_t *n) { return rbd_trash_list(io, buf, n); }

/* Calls list with a buffer of *n entries of size sz, grown while librbd says
 * it is short: to the count it needs now plus slack, as more may appear before
 * the retry. Returns the buffer (malloc'd) and *n the entries filled; *rc is
 * librbd's code. */
static void *ceph_grow_list(rados_ioctx_t io, ceph_list_call list, size_t sz, size_t slack,
                            size_t *n, int *rc)
{
	void *buf = NULL;

	for (;;) {
		buf = xrealloc(buf, (*n ? *n : 1) * sz);
		size_t got = *n;
		*rc = list(io, buf, &got);
		if (*rc == -ERANGE && got > *n) {
			*n = got + slack;
			continue;
		}
		*n = got;
		return buf;
	}
}

int ceph_list_images(struct ceph_conn *c, const char *pool, struct ceph_image_ref **out, size_t *n,
                     struct rw_error *err)
{
	return ceph_list_images_ns(c, pool, NULL, out, n, err);
}

int ceph_list_images_ns(struct ceph_conn *c, const char *pool, const char *nspace,
                        struct ceph_image_ref **out, size_t *n, struct rw_error *err)
{
	rados_ioctx_t io;
	rbd_image_spec_t *specs = NULL;
	size_t max = 64;
	int rc;

	*out = NULL;
	*n = 0;
	rc = ceph_open_ns(c, pool, nspace, &io, err);
	if (rc)
		return rc;
	specs = ceph_grow_list(io, list2_call, sizeof(*specs), 16, &max, &rc);
	rados_ioctx_destroy(io);
	if (rc < 0) {
		free(specs);
		char *what = xasprintf("cannot list the images of pool '%s'", pool);
		rc = ceph_fail(c, err, rc, what);
		free(what);
		return rc;
	}
	/* librbd lists a deleted pool as empty (no rbd_directory object) while our
	 * osdmap may still have it: for an empty answer only, fetch the latest map
	 * and look the pool up again. */
	if (max == 0 && rados_wait_for_latest_osdmap(c->cluster) == 0 &&
	    rados_pool_lookup(c->cluster, pool) == -ENOENT) {
		free(specs);
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist (deleted?)", pool);
	}
	*out = xcalloc(max ? max : 1, sizeof(**out));
	for (size_t i = 0; i < max; i++) {
		(*out)[i].name = xstrdup(specs[i].name);
		(*out)[i].id = xstrdup(specs[i].id ? specs[i].id : "");
	}
	*n = max;
	rbd_image_spec_list_cleanup(specs, max);
	free(specs);
	return 0;
}

int ceph_pool_summary(struct ceph_conn *c, const char *pool, size_t *images, int *rbd_app,
                      struct rw_error *err)
{
	rados_ioctx_t io;
	int rc = ceph_open_pool(c, pool, &io, err);
	if (rc)
		return rc;
	/* rbd_list2 with no room answers -ERANGE and the count: one directory
	 * read, no names copied to us. */
	rbd_image_spec_t none;
	size_t count = 0;
	rc = rbd_list2(io, &none, &count);
	if (rc == 0 || rc == -ERANGE) {
		*images = count;
		char apps[1024];
		size_t len = sizeof apps;
		*rbd_app = 0;
		if (rados_application_list(io, apps, &len) == 0)
			for (const char *a = apps; a < apps + len && *a; a += strlen(a) + 1)
				*rbd_app |= strcmp(a, "rbd") == 0;
		rc = 0;
	}
	rados_ioctx_destroy(io);
	if (rc < 0) {
		char *what = xasprintf("cannot count the images of pool '%s'", pool);
		rc = ceph_fail(c, err, rc, what);
		free(what);
	}
	return rc;
}

void ceph_image_refs_free(struct ceph_image_ref *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].id);
	}
	free(v);
}

/* Opens pool/image read-only (no watch of our own). An image removed since it
 * was listed is -ENOENT like any missing one. */
int ceph_open_image(struct ceph_conn *c, const struct ceph_loc *at, rados_ioctx_t *io,
                    rbd_image_t *img, struct rw_error *err)
{
	int rc = ceph_open_ns(c, at->pool, at->nspace, io, err);

	if (rc)
		return rc;
	/* a trashed image's name is no longer in the directory: by its id */
	rc = at->trash_id ? rbd_open_by_id_read_only(*io, at->trash_id, img, NULL)
	                  : rbd_open_read_only(*io, at->image, img, NULL);
	if (rc == 0)
		return 0;
	rados_ioctx_destroy(*io);
	char *spec = ceph_loc_spec(at);
	if (rc == -ENOENT)
		rc = rw_error_set(err, -ENOENT, "image '%s' does not exist", spec);
	else {
		char *what = xasprintf("cannot open image '%s'", spec);
		rc = ceph_fail(c, err, rc, what);
		free(what);
	}
	free(spec);
	return rc;
}

void ceph_close_image(rados_ioctx_t io, rbd_image_t img)
{
	rbd_close(img);
	rados_ioctx_destroy(io);
}

/* Feature names as `rbd info` prints them; bits this librbd does not name as hex. */
static char *ceph_features_str(uint64_t f)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
	    {RBD_FEATURE_LAYERING, RBD_FEATURE_NAME_LAYERING},
	    {RBD_FEATURE_STRIPINGV2, RBD_FEATURE_NAME_STRIPINGV2},
	    {RBD_FEATURE_EXCLUSIVE_LOCK, RBD_FEATURE_NAME_EXCLUSIVE_LOCK},
	    {RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_NAME_OBJECT_MAP},
	    {RBD_FEATURE_FAST_DIFF, RBD_FEATURE_NAME_FAST_DIFF},
	    {RBD_FEATURE_DEEP_FLATTEN, RBD_FEATURE_NAME_DEEP_FLATTEN},
	    {RBD_FEATURE_JOURNALING, RBD_FEATURE_NAME_JOURNALING},
	    {RBD_FEATURE_DATA_POOL, RBD_FEATURE_NAME_DATA_POOL},
	    {RBD_FEATURE_OPERATIONS, RBD_FEATURE_NAME_OPERATIONS},
	    {RBD_FEATURE_MIGRATING, RBD_FEATURE_NAME_MIGRATING},
	    {RBD_FEATURE_NON_PRIMARY, RBD_FEATURE_NAME_NON_PRIMARY},
	    {RBD_FEATURE_DIRTY_CACHE, RBD_FEATURE_NAME_DIRTY_CACHE},
	};
	struct buf b = {0};

	buf_append(&b, "", 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].bit))
			continue;
		buf_printf(&b, "%s%s", b.len ? ", " : "", names[i].name);
		f &= ~names[i].bit;
	}
	if (f)
		buf_printf(&b, "%s0x%" PRIx64, b.len ? ", " : "", f);
	return b.p;
}

/* A string librbd copies into a caller's buffer, -ERANGE when it is short. */
static int ceph_get_str(rbd_image_t img, int (*get)(rbd_image_t, char *, size_t), char **out)
{
	size_t len = 64;

	for (int tries = 0; tries < 8; tries++, len *= 4) {
		char *buf = xcalloc(1, len);
		int rc = get(img, buf, len);
		if (rc == -ERANGE) {
			free(buf);
			continue;
		}
		if (rc < 0) {
			free(buf);
			return rc;
		}
		*out = buf;
		return 0;
	}
	return -ERANGE;
}

static int ceph_fill_info(rbd_image_t img, struct ceph_image_info *out)
{
	rbd_image_info_t st;
	uint8_t old = 0;
	int rc;

	rc = rbd_stat(img, &st, sizeof(st));
	if (rc == 0)
		rc = rbd_get_old_format(img, &old);
	if (rc == 0)
		rc = rbd_get_features(img, &out->features);
	if (rc == 0)
		rc = ceph_get_str(img, rbd_get_block_name_prefix, &out->block_name_prefix);
	if (rc < 0)
		return rc;
	out->size = st.size;
	out->old_format = old != 0;
	out->features_str = ceph_features_str(out->features);
	/* v1 images have no id: librbd refuses the call for them. */
	if (old || ceph_get_str(img, rbd_get_id, &out->id) < 0)
		out->id = xstrdup("");
	return 0;
}

int ceph_image_info(struct ceph_conn *c, const char *pool, const char *image,
                    struct ceph_image_info *out, struct rw_error *err)
{
	struct ceph_loc at = {.pool = pool, .image = image};
	return ceph_image_info_at(c, &at, out, err);
}

int ceph_image_info_at(struct ceph_conn *c, const struct ceph_loc *at, struct ceph_image_info *out,
                       struct rw_error *err)
{
	rados_ioctx_t io;
	rbd_image_t img;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ceph_open_image(c, at, &io, &img, err);
	if (rc)
		return rc;
	rc = ceph_fill_info(img, out);
	ceph_close_image(io, img);
	if (rc < 0) {
		ceph_image_info_clear(out);
		char *spec = ceph_loc_spec(at), *what = xasprintf("cannot read image '%s'", spec);
		rc = ceph_fail(c, err, rc, what);
		free(what);
		free(spec);
		return rc;
	}
	out->pool = xstrdup(at->pool);
	out->name = xstrdup(at->image);
	return 0;
}

void ceph_image_info_clear(struct ceph_image_info *info)
{
	if (!info)
		return;
	free(info->pool);
	free(info->name);
	free(info->id);
	free(info->block_name_prefix);
	free(info->features_str);
	memset(info, 0, sizeof(*info));
}

/* ---- watchers ---- */

static int ceph_read_watchers(rbd_image_t img, struct ceph_watcher **out, size_t *n)
{
	size_t max = 8;
	rbd_image_watcher_t *w = NULL;
	int rc;

	for (;;) {
		w = xrealloc(w, max * sizeof(*w));
		size_t got = max;
		rc = rbd_watchers_list(img, w, &got);
		if (rc == -ERANGE && got > max) {
			max = got + 4;
			continue;
		}
		max = got;
		break;
	}
	if (rc < 0) {
		free(w);
		return rc;
	}
	*out = xcalloc(max ? max : 1, sizeof(**out));
	for (size_t i = 0; i < max; i++) {
		(*out)[i].address = xstrdup(w[i].addr ? w[i].addr : "");
		(*out)[i].client = (uint64_t)w[i].id;
		(*out)[i].cookie = w[i].cookie;
	}
	*n = max;
	rbd_watchers_list_cleanup(w, max);
	free(w);
	return 0;
}

int ceph_list_watchers(struct ceph_conn *c, const char *pool, const char *image,
                       struct ceph_watcher **out, size_t *n, struct rw_error *err)
{
	struct ceph_loc at = {.pool = pool, .image = image};
	return ceph_list_watchers_at(c, &at, out, n, err);
}

int ceph_list_watchers_at(struct ceph_conn *c, const struct ceph_loc *at,
                          struct ceph_watcher **out, size_t *n, struct rw_error *err)
{
	rados_ioctx_t io;
	rbd_image_t img;
	int rc;

	*out = NULL;
	*n = 0;
	rc = ceph_open_image(c, at, &io, &img, err);
	if (rc)
		return rc;
	rc = ceph_read_watchers(img, out, n);
	ceph_close_image(io, img);
	char *spec = ceph_loc_spec(at);
	if (rc == -ENOENT)
		rc = rw_error_set(err, -ENOENT, "image '%s' does not exist", spec);
	else if (rc < 0) {
		char *what = xasprintf("cannot list the watchers of '%s'", spec);
		rc = ceph_fail(c, err, rc, what);
		free(what);
	}
	free(spec);
	return rc;
}

void ceph_watchers_free(struct ceph_watcher *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].address);
	free(v);
}

/* ---- the monitors' sessions ---- */

void mon_answer_free(struct mon_answer *a)
{
	rados_buffer_free(a->out);
	rados_buffer_free(a->outs);
	memset(a, 0, sizeof(*a));
}

static int ceph_mon_names(struct ceph_conn *c, struct strvec *names, struct rw_error *err)
{
	const char *cmd[] = {"{\"prefix\":\"mon dump\",\"format\":\"json\"}"};
	struct mon_answer a = {0};
	int rc = rados_mon_command(c->cluster, cmd, 1, "", 0, &a.out, &a.outlen, &a.outs,
	                           &a.outslen);

	if (rc < 0)
		rc = ceph_fail(c, err, rc, "cannot read the monitor map");
	else if (parse_monmap_names(a.out, a.outlen, names) < 0 || names->n == 0)
		rc = rw_error_set(err, -EPROTO, "the monitors answered `mon dump` with no monitor list");
	mon_answer_free(&a);
	return rc;
}

/* One monitor asked on its own thread: a dead monitor costs one timeout,
 * not one per monitor after it. */
struct mon_ask {
	struct ceph_conn *c;
	const char *name;
	pthread_t thread;
	bool threaded;
	struct mon_answer a;
};

static void *mon_ask_run(void *arg)
{
	struct mon_ask *m = arg;
	const char *cmd[] = {"{\"prefix\":\"sessions\",\"format\":\"json\"}"};

	m->a.rc = rados_mon_command_target(m->c->cluster, m->name, cmd, 1, "", 0, &m->a.out,
	                                   &m->a.outlen, &m->a.outs, &m->a.outslen);
	return NULL;
}

/* Merges one monitor's answer into out; the reason it failed otherwise. */
static char *mon_ask_take(struct mon_ask *m, struct mon_sessions *out)
{
	struct rw_error e = {0};

	if (m->a.rc < 0) {
		char *what = xasprintf("mon.%s", m->name);
		int rc = ceph_fail(m->c, &e, m->a.rc, what);
		free(what);
		/* `profile rbd` (and even `allow r`) may not list sessions */
		return rc == -EACCES ? xasprintf("%s (the user needs mon 'allow command sessions')", e.msg)
		                     : xstrdup(e.msg);
	}
	if (parse_mon_sessions(m->a.out, m->a.outlen, out) < 0)
		return xasprintf("mon.%s: answered with something other than a session list",
		                 m->name);
	return NULL;
}

int ceph_mon_sessions(struct ceph_conn *c, struct mon_sessions *out, char **failed,
                      struct rw_error *err)
{
	struct strvec names = {0};
	struct buf why = {0};
	size_t answered = 0;
	int rc = ceph_mon_names(c, &names, err);

	*failed = NULL;
	if (rc) {
		strvec_free(&names);
		return rc;
	}
	struct mon_ask *m = xcalloc(names.n, sizeof(*m));
	for (size_t i = 0; i < names.n; i++) {
		m[i].c = c;
		m[i].name = names.v[i];
		m[i].threaded = pthread_create(&m[i].thread, NULL, mon_ask_run, &m[i]) == 0;
		if (!m[i].threaded)
			mon_ask_run(&m[i]);
	}
	for (size_t i = 0; i < names.n; i++) {
		if (m[i].threaded)
			pthread_join(m[i].thread, NULL);
		char *reason = mon_ask_take(&m[i], out);
		if (reason)
			buf_printf(&why, "%s%s", why.len ? "; " : "", reason);
		else
			answered++;
		free(reason);
		mon_answer_free(&m[i].a);
	}
	free(m);
	strvec_free(&names);
	if (answered == 0) {
		rc = rw_error_set(err, -EIO, "no monitor listed its sessions: %s", why.p);
		buf_free(&why);
		return rc;
	}
	*failed = why.p;
	return 0;
}

int ceph_mon_quorum_age(struct ceph_conn *c, long long *age_s, struct rw_error *err)
{
	const char *cmd[] = {"{\"prefix\":\"quorum_status\",\"format\":\"json\"}"};
	struct mon_answer a = {0};
	int rc = rados_mon_command(c->cluster, cmd, 1, "", 0, &a.out, &a.outlen, &a.outs,
	                           &a.outslen);

	if (rc < 0)
		rc = ceph_fail(c, err, rc, "cannot read the quorum status");
	else if (parse_quorum_age(a.out, a.outlen, age_s) < 0)
		rc = rw_error_set(err, -EPROTO, "the monitors answered `quorum_status` with no quorum age");
	mon_answer_free(&a);
	return rc;
}

void *ceph_rados_handle(struct ceph_conn *c)
{
	return c->cluster;
}

const char *ceph_conn_user(struct ceph_conn *c)
{
	return c->name;
}

/* ---- RADOS namespaces and the trash ---- */

int ceph_list_namespaces(struct ceph_conn *c, const char *pool, struct strvec *names,
                         struct rw_error *err)
{
	rados_ioctx_t io;
	size_t len = 1024;
	char *buf = NULL;
	int rc = ceph_open_pool(c, pool, &io, err);

	if (rc)
		return rc;
	buf = ceph_grow_list(io, ns_call, 1, 256, &len, &rc);
	rados_ioctx_destroy(io);
	if (rc < 0) {
		free(buf);
		char *what = xasprintf("cannot list the namespaces of pool '%s'", pool);
		rc = ceph_fail(c, err, rc, what);
		free(what);
		return rc;
	}
	for (const char *p = buf; p < buf + len && *p; p += strlen(p) + 1)
		strvec_push(names, p);
	free(buf);
	return 0;
}

/* ceph_loc.c names librbd's trash sources without librbd: keep them in step. */
_Static_assert(CEPH_TRASH_SOURCE_REMOVING == RBD_TRASH_IMAGE_SOURCE_REMOVING &&
                   RBD_TRASH_IMAGE_SOURCE_USER == 0 && RBD_TRASH_IMAGE_SOURCE_USER_PARENT == 4,
               "ceph_loc.c's copy of librbd's trash sources");

static void ceph_trash_copy(const rbd_trash_image_info_t *in, struct ceph_trash_entry *out)
{
	out->id = xstrdup(in->id ? in->id : "");
	out->name = xstrdup(in->name ? in->name : "");
	out->source = (int)in->source;
	out->deleted = in->deletion_time;
	out->deferment_end = in->deferment_end_time;
}

int ceph_list_trash(struct ceph_conn *c, const char *pool, const char *nspace,
                    struct ceph_trash_entry **out, size_t *n, struct rw_error *err)
{
	rados_ioctx_t io;
	rbd_trash_image_info_t *v = NULL;
	size_t max = 16;
	int rc = ceph_open_ns(c, pool, nspace, &io, err);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	v = ceph_grow_list(io, trash_call, sizeof(*v), 16, &max, &rc);
	rados_ioctx_destroy(io);
	if (rc == -ENOENT) {  /* no trash object: nothing was ever moved there */
		rc = 0;
		max = 0;
	}
	if (rc < 0) {
		free(v);
		struct ceph_loc at = {.pool = pool, .nspace = nspace, .image = ""};
		char *spec = ceph_loc_spec(&at), *what = xasprintf("cannot list the trash of '%s'", spec);
		rc = ceph_fail(c, err, rc, what);
		free(what);
		free(spec);
		return rc;
	}
	*out = xcalloc(max ? max : 1, sizeof(**out));
	for (size_t i = 0; i < max; i++)
		ceph_trash_copy(&v[i], &(*out)[i]);
	*n = max;
	if (max)
		rbd_trash_list_cleanup(v, max);
	free(v);
	return 0;
}
