/* ceph.h — the Ceph side of the chain, over librados and librbd: pools, images,
 * watchers. Images are always opened read-only: a read-only open registers no
 * watch of its own, so probing never changes what it measures.
 * Every call is bounded by the timeout given at connect (mon and OSD op timeouts).
 * A struct ceph_conn may be shared by threads. */
#ifndef RBDWHO_CEPH_H
#define RBDWHO_CEPH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "rbdwho/error.h"
#include "rbdwho/parse_sessions.h"

struct ceph_opts {
	const char *conf;     /* ceph.conf path; NULL: $CEPH_CONF, then the default search */
	const char *id;       /* cephx user without "client." (default "admin") */
	const char *cluster;  /* cluster name (default "ceph") */
	const char *keyring;  /* keyring path; NULL: from the conf */
	int timeout_ms;       /* connect, mon and OSD op timeout (default 10000) */
};

struct ceph_conn;

int ceph_connect(const struct ceph_opts *opts, struct ceph_conn **out, struct rw_error *err);
void ceph_disconnect(struct ceph_conn *c);

/* Cluster fsid and health ("HEALTH_OK", …); malloc'd strings. */
int ceph_cluster_status(struct ceph_conn *c, char **fsid, char **health, struct rw_error *err);

/* Every pool name; *names is a malloc'd array of malloc'd strings. */
int ceph_list_pools(struct ceph_conn *c, char ***names, size_t *n, struct rw_error *err);
/* -ENOENT when the pool does not exist. */
int ceph_pool_exists(struct ceph_conn *c, const char *pool, struct rw_error *err);

struct ceph_image_ref {
	char *name;
	char *id;  /* empty string for old-format (v1) images */
};
/* The images of a pool (rbd_list2: names and ids in one call). */
int ceph_list_images(struct ceph_conn *c, const char *pool, struct ceph_image_ref **out,
		     size_t *n, struct rw_error *err);
void ceph_image_refs_free(struct ceph_image_ref *v, size_t n);
/* How many images a pool has (without copying their names) and whether the
 * pool has the rbd application enabled (a pool without it holds no images:
 * cephfs, rgw, .mgr). -ENOENT when the pool does not exist. */
int ceph_pool_summary(struct ceph_conn *c, const char *pool, size_t *images, int *rbd_app,
		      struct rw_error *err);

struct ceph_image_info {
	char *pool, *name, *id;
	uint64_t size;
	char *block_name_prefix;  /* rbd_data.<id> (v2) or rb.0.… (v1) */
	uint64_t features;
	char *features_str;       /* "layering, exclusive-lock, …" */
	int old_format;
};
/* -ENOENT when the image does not exist. */
int ceph_image_info(struct ceph_conn *c, const char *pool, const char *image,
		    struct ceph_image_info *out, struct rw_error *err);
void ceph_image_info_clear(struct ceph_image_info *info);

struct ceph_watcher {
	char *address;    /* as Ceph prints it: "127.0.0.1:0/1121431068" */
	uint64_t client;  /* the N of client.N */
	uint64_t cookie;
};
/* The watchers of an image's header object. -ENOENT when the image is gone. */
int ceph_list_watchers(struct ceph_conn *c, const char *pool, const char *image,
		       struct ceph_watcher **out, size_t *n, struct rw_error *err);
void ceph_watchers_free(struct ceph_watcher *v, size_t n);

/* Every monitor's session list, merged (parse_sessions.h): a client holds a
 * session with one monitor only, so every monitor of the map is asked, all at
 * once, each bounded by the mon op timeout — the `sessions` command sent to
 * mon NAME as `ceph tell mon.NAME sessions` sends it (rados_mon_command_target).
 * Returns 0 when at least one monitor answered; *failed is then NULL, or names
 * the monitors that did not and why ("mon.b: timed out after 10 s"), malloc'd.
 * Fails when the monitor map cannot be read or no monitor answered. */
int ceph_mon_sessions(struct ceph_conn *c, struct mon_sessions *out, char **failed,
		      struct rw_error *err);

/* How long ago (seconds) the monitors formed their quorum (`ceph
 * quorum_status`): for that long after a monitor restarts, its clients may
 * still be finding their way back to a session. */
int ceph_mon_quorum_age(struct ceph_conn *c, long long *age_s, struct rw_error *err);

/* The connection's rados_t (as void *, so this header needs no librados), for
 * the bulk probe (probe.h); owned by the connection. */
void *ceph_rados_handle(struct ceph_conn *c);

/* The cephx user the connection authenticated as ("client.admin"), for messages. */
const char *ceph_conn_user(struct ceph_conn *c);
/* ---- RADOS namespaces and the rbd trash ---- */

/* Where an image is: its pool, RADOS namespace (NULL or "": the default one)
 * and name. trash_id set: an image moved to the trash (`rbd trash mv`, or
 * Cinder deleting a busy volume), opened by that id, as its name is no longer
 * in the directory (its watches still live on rbd_header.<id>). */
struct ceph_loc {
	const char *pool, *nspace, *image, *trash_id;
};
/* "POOL/IMAGE" or "POOL/NS/IMAGE", as the rbd tool writes it; malloc'd. */
char *ceph_loc_spec(const struct ceph_loc *at);

/* ceph_list_images, ceph_image_info and ceph_list_watchers anywhere. */
int ceph_list_images_ns(struct ceph_conn *c, const char *pool, const char *nspace,
			struct ceph_image_ref **out, size_t *n, struct rw_error *err);
int ceph_image_info_at(struct ceph_conn *c, const struct ceph_loc *at,
		       struct ceph_image_info *out, struct rw_error *err);
int ceph_list_watchers_at(struct ceph_conn *c, const struct ceph_loc *at,
			  struct ceph_watcher **out, size_t *n, struct rw_error *err);

/* The pool's RADOS namespaces (rbd_namespace_list; the default one is not
 * among them), appended to names. A pool with none answers 0 and nothing. */
int ceph_list_namespaces(struct ceph_conn *c, const char *pool, struct strvec *names,
			 struct rw_error *err);

/* One entry of a pool's (namespace's) rbd trash. */
struct ceph_trash_entry {
	char *id, *name;       /* the image's id and its name before it was moved */
	int source;            /* rbd_trash_image_source_t: ceph_trash_source_name() */
	time_t deleted;        /* when it was moved to the trash */
	time_t deferment_end;  /* before this, `rbd trash rm` refuses without --force */
};
/* librbd's RBD_TRASH_IMAGE_SOURCE_REMOVING: an image whose removal has begun. */
#define CEPH_TRASH_SOURCE_REMOVING 3
/* "user" (rbd trash mv, Cinder), "removing", "mirroring", "migration", "user_parent". */
const char *ceph_trash_source_name(int source);
int ceph_list_trash(struct ceph_conn *c, const char *pool, const char *nspace,
		    struct ceph_trash_entry **out, size_t *n, struct rw_error *err);
void ceph_trash_free(struct ceph_trash_entry *v, size_t n);
void ceph_trash_free_entry(struct ceph_trash_entry *e);  /* its strings, zeroed */
void ceph_trash_entry_copy(struct ceph_trash_entry *dst, const struct ceph_trash_entry *src);

#endif
