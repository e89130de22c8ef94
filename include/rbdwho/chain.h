/* chain.h — the correlation at the heart of rbdwho:
 *   image → watchers → host → holders (libvirt domain / local process) → Nova → verdict.
 * The commands and the browser run this same code. It knows nothing of
 * terminals; its calls block (each bounded by the backends' timeouts) and are
 * safe to make from several worker threads at once. Only chain_scan starts
 * threads of its own (scanners, resolvers), and joins them before it returns. */
#ifndef RBDWHO_CHAIN_H
#define RBDWHO_CHAIN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rbdwho/ceph.h"
#include "rbdwho/ceph_clone.h"
#include "rbdwho/config.h"
#include "rbdwho/contradiction.h"
#include "rbdwho/error.h"
#include "rbdwho/lock.h"
#include "rbdwho/nova_cache.h"
#include "rbdwho/os.h"
#include "rbdwho/parse_addr.h"

enum verdict {
	VERDICT_UNKNOWN = 0,  /* any doubt: no answer, an error, not a Nova instance */
	VERDICT_ATTACHED,     /* Nova knows the instance */
	VERDICT_ORPHAN,       /* Nova said 404 (or DELETED) while the holder still runs */
	VERDICT_DEAD_CLIENT,  /* a watcher's host was fully checked and no running process
				 there has the image open, and no monitor lists a session
				 of its client: the watch outlived its client */
	VERDICT_CONFLICT,     /* Nova knows the instance but contradicts what runs (Nova
				 places it elsewhere, says SHUTOFF/SHELVED, or two qemus
				 carry its UUID): contradiction.h names the kind */
};
/* "UNKNOWN", "ATTACHED", "ORPHAN", "DEAD", "CONFLICT" */
const char *verdict_name(enum verdict v);

enum holder_kind {
	HOLDER_DOMAIN,   /* a libvirt domain (with its qemu pid when local) */
	HOLDER_QEMU,     /* a local qemu process libvirt does not know */
	HOLDER_RBD_NBD,  /* rbd-nbd: a block device mapping, not a VM */
	HOLDER_RBD_CLI,  /* the rbd tool itself (export, import, …) */
	HOLDER_RBD_FUSE, /* rbd-fuse: one image (-r) or every image of its pool */
	HOLDER_OTHER,    /* some other local process naming the image */
	HOLDER_KRBD,     /* a kernel mapping, /dev/rbdN: no process holds it */
};
const char *holder_kind_name(enum holder_kind k);

struct holder {
	enum holder_kind kind;
	char *name;           /* domain name or qemu -name: instance-0002f5c4 */
	char *uuid;           /* domain UUID or qemu -uuid: the Nova instance UUID */
	char *display_name;   /* Nova's name from the domain metadata, if any */
	char *host;
	char *libvirt_uri;    /* where the domain lives; NULL for plain processes */
	char *libvirt_state;  /* "running", "paused", … */
	pid_t pid;            /* on holder->host (a remote pid for a remote host); 0 when none */
	long uid;             /* the process's real uid, -1 when unknown */
	unsigned long long start_ticks;  /* its start time in ticks: a reused pid differs */
	char *user;
	time_t started;
	char *cmdline;        /* redacted */
	struct nova_answer nova;
	enum verdict verdict;
	char *reason;         /* one sentence: why this verdict */
	enum contradiction contradiction;  /* CONTRA_NONE unless the verdict is CONFLICT */
};

enum host_source {
	HOST_UNMAPPED = 0,
	HOST_LOCAL,        /* one of this machine's addresses */
	HOST_CONFIG,       /* the config file's [hosts] map */
	HOST_NOVA,         /* Nova os-hypervisors host_ip */
	HOST_DNS,          /* reverse DNS */
	HOST_MON,          /* the monitors' session list: the client's own host name */
};
const char *host_source_name(enum host_source s);

/* What was asked to find a watcher's holders, and what answered. */
#define CHECK_SOURCES(X) \
	X(SOURCE_LIBVIRT, "libvirt") \
	X(SOURCE_PROCS, "processes") \
	X(SOURCE_KRBD, "krbd")
enum check_source {
#define CHECK_X(e, n) e,
	CHECK_SOURCES(CHECK_X)
#undef CHECK_X
};
enum check_state { CHECK_OK = 0, CHECK_FAILED, CHECK_SKIPPED };
/* Why a source failed: for CHECK_R_SSH, ssh says more (ssh.h's failures). */
#define CHECK_REASONS(X) \
	X(CHECK_R_NONE, "") \
	X(CHECK_R_SSH, "ssh") \
	X(CHECK_R_LIBVIRT, "libvirt-error") \
	X(CHECK_R_TIMEOUT, "timeout") \
	X(CHECK_R_READ, "read-error") \
	X(CHECK_R_DISABLED, "disabled") \
	X(CHECK_R_UNSAFE_NAME, "unsafe-name")
enum check_reason {
#define CHECK_X(e, n) e,
	CHECK_REASONS(CHECK_X)
#undef CHECK_X
};
struct source_check {
	enum check_source source;
	enum check_state state;
	enum check_reason reason;
	int ssh;          /* enum ssh_failure, when reason is CHECK_R_SSH */
	char *via;        /* "ssh c2", "/proc", "qemu+ssh://c2/system" */
	char *detail;     /* one sentence, NULL when OK */
};
const char *check_source_name(enum check_source s);  /* "processes" */
const char *check_state_name(enum check_state s);    /* "ok", "failed", "skipped" */
/* "host-key-changed", "libvirt-error", …: the reason's machine name. */
const char *source_check_reason_name(const struct source_check *c);

enum session_state {
	SESSION_UNSURE = 0,  /* not known: a monitor did not answer (or was not asked) */
	SESSION_LIVE,        /* a monitor lists a session of this client now: it runs */
	SESSION_NONE,        /* every monitor answered and none lists it */
};

struct watcher_view {
	char *address;  /* as Ceph prints it */
	struct watcher_addr addr;
	uint64_t client, cookie;
	char *host;     /* NULL when unmapped */
	enum host_source host_source;
	char *cephx_user;  /* "client.cinder", from the watcher's monitor session; NULL if unknown */
	char *host_note;   /* a host source that could not answer, and why; NULL if none */
	char *libvirt_uri;
	struct holder *holders;
	size_t nholders;
	char *holders_error;  /* why holders could not be (fully) listed */
	struct source_check *checks;  /* every source asked for holders, and its answer */
	size_t nchecks;
	bool not_checked;     /* the host's processes could not be listed and no holder was found */
	bool procs_checked;   /* the host's processes were listed without error */
	bool resolved;        /* host, holders and verdicts filled in */
	enum verdict verdict;
	char *reason;
	/* Whether the client still has a monitor session: a DEAD verdict needs
	 * SESSION_NONE, the monitors' positive word that it has none. */
	enum session_state session;
	char *session_doubt;   /* SESSION_UNSURE: what could not be confirmed; else NULL */
};

enum cinder_state {
	CINDER_NOT_A_VOLUME = 0,  /* the image name carries no volume UUID */
	CINDER_NOT_ASKED,         /* OpenStack not configured */
	CINDER_FOUND,
	CINDER_GONE,              /* Cinder's 404: the volume record is gone */
	CINDER_ERROR,
};

struct image_view {
	char *pool, *image;
	char *volume_uuid;      /* from volume-UUID, NULL otherwise */
	char *instance_uuid;    /* from a Nova ephemeral disk UUID_disk, NULL otherwise */
	struct ceph_image_info info;
	enum cinder_state cinder_state;
	struct cinder_volume cinder;
	char *cinder_error;
	struct watcher_view *watchers;
	size_t nwatchers;
	char *watchers_error;   /* listing the watchers failed */
	struct strvec notes;    /* plain-language findings, e.g. the classic symptom */
	char *nspace;           /* the RADOS namespace; "" for the default one */
	bool trashed;           /* in the rbd trash (moved there while perhaps still held) */
	struct ceph_trash_entry trash;  /* when trashed: its id, source and times */
	char *chain_name;       /* "IMAGE" or "NS/IMAGE": how chain calls name it in its pool */
	struct image_lock lock; /* `rbd lock ls`, judged against the watchers (lock.h) */
	/* The image's own contradiction (Cinder in-use with no watcher, a process
	 * with the image open and no watch), else the first of its holders'. */
	enum contradiction contradiction;
	/* Clones (ceph_clone.h): parent and children (find), the parent only (scan). */
	bool clones_known;           /* parent and children looked at without error */
	bool parent_known;           /* the parent looked at without error (clones.has_parent) */
	struct ceph_clone_info clones;
	char *clones_error;          /* looking at the clones failed: why */
};
void image_view_free(struct image_view *iv);  /* frees iv itself too */
/* The worst verdict among the watchers: ORPHAN > CONFLICT > UNKNOWN > DEAD > ATTACHED;
 * UNKNOWN when none. */
enum verdict image_view_verdict(const struct image_view *iv);

/* Every failure to know in a resolved image, one line each, without repeats:
 * Ceph's watcher list, Cinder, libvirt or the process scan on a host, Nova for
 * a holder. Lines are appended to out. A non-empty list makes find and scan
 * exit 4. OpenStack not configured is not among them (a note says so). */
void image_view_errors(const struct image_view *iv, struct strvec *out);

struct chain_opts {
	struct ceph_opts ceph;
	const char *os_cloud;      /* --os-cloud */
	bool os_insecure;
	const struct config *cfg;  /* host map, URIs, timeouts; must outlive the chain */
	const char *proc_root;     /* NULL: /proc */
	const char *sys_root;      /* NULL: /sys (kernel RBD mappings) */
	int timeout_ms;
	bool no_openstack;         /* never ask OpenStack, even when configured */
};

struct chain;

/* Connects to Ceph (bounded by the timeout) and prepares OpenStack (no I/O yet).
 * OpenStack missing is not an error: verdicts then stay UNKNOWN, with a note. */
int chain_new(const struct chain_opts *opts, struct chain **out, struct rw_error *err);
void chain_free(struct chain *ch);

/* Like chain_new, but never connects to Ceph (chain_ceph() is then NULL): for
 * destroy, which needs only libvirt and Nova, so that a cluster that is down
 * cannot prevent stopping an orphan. Only -EINVAL (a named cloud that does
 * not exist) fails. */
int chain_new_no_ceph(const struct chain_opts *opts, struct chain **out, struct rw_error *err);
/* The config and the per-call timeout the chain was made with. */
const struct config *chain_config(struct chain *ch);
int chain_timeout_ms(struct chain *ch);

struct ceph_conn *chain_ceph(struct chain *ch);
/* The run's ssh connections (NULL when [ssh] enabled = no) and --proc-root. */
struct ssh_hosts *chain_ssh(struct chain *ch);
const char *chain_proc_root(struct chain *ch);
/* NULL when OpenStack is not configured; chain_os_note() then says why. */
struct os_client *chain_os(struct chain *ch);
const char *chain_os_note(struct chain *ch);
const char *chain_local_host(struct chain *ch);

/* Drops cached answers (hypervisors, domain lists, process scan, Nova), so the
 * next calls ask again. */
void chain_forget(struct chain *ch);

/* Ends every helper process a chain started (the ssh masters and commands of
 * every chain), without touching the chains themselves: for a process that
 * leaves at once while workers may still be inside a chain call. Safe in a
 * signal handler. */
void chain_kill_children(void);

/* Image names given to and returned by the chain (chain_locate*,
 * chain_load_image, chain_find_image, chain_list_images, chain_probe) are
 * "IMAGE" in the pool's default RADOS namespace and "NS/IMAGE" in namespace NS
 * (volspec_split_ns). An image moved to the rbd trash is found under its
 * name from before (its trash entry's), and loaded by its id; once another
 * image has taken that name in the directory, the name means that one, and
 * only the trash id (chain_load_trashed) reaches the trashed image.
 *
 * Turns what the user typed — a volume UUID, volume-UUID, UUID_disk[.x],
 * POOL/IMAGE or POOL/NS/IMAGE — into pool and image (malloc'd):
 * chain_locate_all's first match (the browser's go-to). */
int chain_locate(struct chain *ch, const char *spec, char **pool, char **image,
		 struct rw_error *err);

/* Every image what the user typed may stand for, in every pool: a bare UUID
 * may name a volume and an instance's disks, in several pools; none is
 * picked. All pools are asked at once; a pool stops at its first failure,
 * so a hung pool costs one timeout. Fills pools[i]/images[i] (appended); 0 with at least one match,
 * and then pool_errors lists each pool that could not be asked ("POOL:
 * reason"), as another match may hide there. Without a match: -ENOENT only
 * when every pool answered; else the error of a pool that could not be asked
 * (-ETIMEDOUT, -EIO, …), naming every such pool. -EINVAL on an unknown form.
 * A bare UUID is looked for in every RADOS namespace of every pool and in
 * their trash (a pool whose namespaces or trash cannot be listed is a pool
 * that could not be asked). */
int chain_locate_all(struct chain *ch, const char *spec, struct strvec *pools,
		     struct strvec *images, struct strvec *pool_errors, struct rw_error *err);

/* Image info, Cinder's view and the raw watcher list; watchers not yet resolved.
 * A name missing from the directory is looked for in the trash. */
int chain_load_image(struct chain *ch, const char *pool, const char *image,
		     struct image_view **out, struct rw_error *err);
/* chain_load_image of the entry trash_id of the image's namespace's rbd trash
 * (image: its name from before, "IMAGE" or "NS/IMAGE"), whatever the
 * directory now holds under that name; -ENOENT when the trash has no such
 * entry (restored or removed). trash_id NULL: chain_load_image. */
int chain_load_trashed(struct chain *ch, const char *pool, const char *image,
		       const char *trash_id, struct image_view **out, struct rw_error *err);

/* Fills one watcher's host, holders, Nova answers and verdict (never fails:
 * what cannot be known is recorded as UNKNOWN with its reason). */
void chain_resolve_watcher(struct chain *ch, const struct image_view *iv,
			   struct watcher_view *w);

/* chain_load_image + resolve every watcher + the notes, for one known image. */
int chain_find_image(struct chain *ch, const char *pool, const char *image,
		     struct image_view **out, struct rw_error *err);

/* chain_locate + chain_find_image. */
int chain_find(struct chain *ch, const char *spec, struct image_view **out,
	       struct rw_error *err);

/* Fills the Nova cache from GET /servers/detail?all_tenants=1 (every page) as
 * FOUND answers, so that a scan asks Nova once rather than once per holder.
 * An instance missing from the list is NOT taken as gone: it is still asked
 * about with GET /servers/{id}, and only that 404 makes an ORPHAN. 0 when
 * OpenStack is not configured; on failure the cache is left as it was. */
int chain_prefetch_nova(struct chain *ch, struct rw_error *err);

/* Asks Nova about a holder again, bypassing every cache, and recomputes its
 * verdict: what destroy checks right before acting. */
void chain_recheck_holder(struct chain *ch, struct holder *h);

/* ---- Browsing (chain_browse.c): what the browser lists, pane by pane ---- */

/* Cluster fsid and health ("HEALTH_OK", …) for the header; malloc'd. */
int chain_cluster_status(struct chain *ch, char **fsid, char **health, struct rw_error *err);
/* Every pool name, appended to names. */
int chain_list_pools(struct chain *ch, struct strvec *names, struct rw_error *err);
/* A pool's image count (its RADOS namespaces' images and the trash included) without
 * listing the default namespace's names, and whether rbd is enabled on it (a
 * pool without rbd holds no images: say so, not "0 images"). */
struct chain_ns_count {
	char *name;     /* "" for the default namespace */
	size_t images;  /* its directory's images and its trash entries */
};
struct chain_pool_info {
	size_t images;
	bool rbd;
	/* When the pool has RADOS namespaces: each with its count, the default
	 * one ("") first; NULL otherwise. Owned: chain_pool_info_clear. */
	struct chain_ns_count *ns;
	size_t nns;
};
int chain_pool_count(struct chain *ch, const char *pool, struct chain_pool_info *out,
		     struct rw_error *err);
void chain_pool_info_clear(struct chain_pool_info *pi);
/* A page of a pool's listing: n images (borrowed for the call); trash NULL:
 * from the directory; else n entries of the rbd trash, trash[i] refs[i]'s
 * (refs[i].id its trash id). false: stop listing. */
typedef bool (*chain_page_fn)(const struct ceph_image_ref *refs,
			      const struct ceph_trash_entry *trash, size_t n, void *user);
/* Lists a pool's images and hands them to page() in pages of at most
 * page_size. The default namespace's images come first, then its rbd trash
 * (images moved there, perhaps still held, named as before), then each RADOS
 * namespace's images and trash, named NS/IMAGE; a failure to list the
 * namespaces or a trash is returned after the pages already given.
 * *total: how many were listed. */
int chain_list_images(struct chain *ch, const char *pool, size_t page_size, chain_page_fn page,
		      void *user, size_t *total, struct rw_error *err);
/* chain_list_images of one namespace (ns "": the default one): its
 * directory, then its trash. */
int chain_list_ns_images(struct chain *ch, const char *pool, const char *ns, size_t page_size,
			 chain_page_fn page, void *user, size_t *total, struct rw_error *err);
/* What the images pane shows of one row. */
struct chain_probe_row {
	uint64_t size;
	int nwatchers;  /* -1: not known (failed, or skipped) */
};
/* Size and watcher count of n images of pool (names and ids from
 * chain_list_images, NS/IMAGE ones probed in their namespace):
 * the watchers in one bulk probe (probe.h, as a scan does), the size by one
 * read-only open per image (by its id when it is not in the directory: a
 * trash row). Once stop(user) is true the remaining sizes are
 * skipped and those rows left unknown. Fails only when the pool cannot be
 * opened. */
int chain_probe(struct chain *ch, const char *pool, const struct ceph_image_ref *images,
		size_t n, struct chain_probe_row *out, bool (*stop)(void *user), void *user,
		struct rw_error *err);

/* The clone tree around one image (ceph_clone.h): its parent snapshot and
 * its children, each child's watchers counted. image is "IMAGE" or
 * "NS/IMAGE"; trash_id non-NULL: the image is that entry of the rbd trash
 * (opened by its id). What the browser's details pane shows, asked on its own
 * (chain_load_image does not): a parent with many clones is slow to read. */
int chain_image_clones(struct chain *ch, const char *pool, const char *image,
		       const char *trash_id, struct ceph_clone_info *out, struct rw_error *err);

/* A scan of pools: calls found() for every image with at least one watcher
 * (fully resolved, its parent snapshot read; found() takes ownership of iv),
 * and progress() as the counts change (coalesced: about every 50 ms, and
 * always once the last pool is done). Stops early when *cancel becomes true.
 * pools NULL/empty: every pool. Pools and their namespaces are scanned side by
 * side (a hung OSD costs about one timeout, not one per pool), watchers are
 * probed in bulk (probe.h) and images with watchers resolved on a
 * few worker threads of the scan's own, but found(), progress() and
 * pool_error() are always called from the thread that called chain_scan, one
 * at a time: callbacks need no locking of their own. with_watchers counts the
 * images the probe saw watched; found() may come for fewer (a holder that lets
 * go before it is resolved is not reported). */
struct scan_progress {
	size_t pools_done, pools_total;
	size_t images_done, images_total;  /* images_total grows as pools are listed */
	size_t with_watchers;
};
struct scan_callbacks {
	void (*found)(struct image_view *iv, void *user);
	void (*progress)(const struct scan_progress *p, void *user);
	void (*pool_error)(const char *pool, const struct rw_error *e, void *user);
	void *user;
	const atomic_bool *cancel;
};
int chain_scan(struct chain *ch, const struct strvec *pools, const struct scan_callbacks *cb,
	       struct rw_error *err);

#endif
