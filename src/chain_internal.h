/* chain_internal.h — the chain's private state, shared by chain.c (set-up and
 * locating), chain_resolve.c (watchers, holders, verdicts) and chain_scan.c. */
#ifndef RBDWHO_CHAIN_INTERNAL_H
#define RBDWHO_CHAIN_INTERNAL_H

#include <pthread.h>
#include "rbdwho/chain.h"
#include "rbdwho/krbd.h"
#include "rbdwho/nova_cache.h"
#include "rbdwho/proc.h"
#include "rbdwho/ssh.h"
#include "rbdwho/stage.h"
#include "rbdwho/virt.h"

struct domain_cache {
	char *uri;
	struct virt_domains list;
	char *error;  /* listing failed: why */
	int error_code;
	bool loading; /* one thread is listing uri; the others wait (doms_cond) */
};

/* One remote host's processes and kernel mappings, asked over ssh once per
 * chain (until chain_forget), shared by every watcher on that host. */
struct host_procs_cache {
	char *host;
	struct proc_list procs;
	struct krbd_list maps;
	bool loading;
	bool failed;
	struct ssh_result res;  /* why, when failed */
	char *error;
};

struct chain {
	struct ceph_conn *ceph;
	struct os_client *os;
	char *os_note;
	const struct config *cfg;
	char *proc_root;
	char *sys_root;
	struct ssh_hosts *ssh;  /* NULL when [ssh] enabled = no */
	int timeout_ms;
	char *local_host;
	struct nova_cache *nova;  /* has a lock of its own */

	pthread_mutex_t lock;  /* guards everything below */
	bool hv_loaded;
	struct nova_hypervisor *hv;
	size_t nhv;
	char *hv_error;
	struct domain_cache *doms;
	size_t ndoms, cap_doms;
	bool sessions_loaded;          /* the monitors' sessions, asked once per chain */
	bool sessions_loading;         /* one thread is asking; the others wait (doms_cond) */
	long long sessions_ms;         /* when they were read (clock_ms) */
	struct mon_sessions sessions;
	char *sessions_note;           /* monitors that did not answer, and why */
	long long quorum_age_s;        /* read with the sessions; valid when !quorum_note */
	char *quorum_note;             /* the quorum's age could not be read: why */
	bool procs_loaded;
	struct proc_list procs;
	char *procs_error;
	struct krbd_list krbd;  /* local kernel mappings, loaded with procs */
	char *krbd_error;
	bool krbd_loaded;
	struct host_procs_cache *hprocs;
	size_t nhprocs, cap_hprocs;
	/* Open-addressing hash table on the UUID (linear probing, power-of-two
	 * capacity, at most half full): a scan fills it from a server list of
	 * tens of thousands, so inserts and lookups must not be linear. */
		/* Initialised on first use by chain_resolve.c (chain.c predates it);
	 * glibc's condition variables hold no resources, so it is never destroyed. */
	bool doms_cond_ready;
	pthread_cond_t doms_cond;
};

/* Called with ch->lock held. */
void chain_forget_hosts(struct chain *ch);
/* chain_resolve.c's holder list, for chain_hosts.c. */
struct holder *chain_holder_add(struct watcher_view *w);
struct holder *chain_holder_for_process(struct watcher_view *w, const struct proc_holder *p);

/* chain_hosts.c: sources and the holders of processes and kernel mappings. */
struct source_check *chain_check_add(struct watcher_view *w, enum check_source src,
				     enum check_state state, enum check_reason why,
				     const char *via, const char *detail);
void chain_checks_free(struct watcher_view *w);
void chain_add_process(struct watcher_view *w, const struct proc_holder *p);
void chain_add_krbd(const struct image_view *iv, struct watcher_view *w,
		    const struct krbd_list *maps, const struct proc_list *procs);
void chain_add_remote_holders(struct chain *ch, const struct image_view *iv,
			      struct watcher_view *w);
void chain_add_local_krbd(struct chain *ch, const struct image_view *iv, struct watcher_view *w);
void chain_judge_not_checked(struct watcher_view *w);
/* Opens the ssh master of a remote watcher's host before libvirt connects
 * (so libvirt's qemu+ssh rides on it); false when that failed and libvirt
 * over the same ssh is not worth asking (recorded as a failed source). */
bool chain_pre_connect(struct chain *ch, struct watcher_view *w);
/* The URI libvirt is opened with (through the run's ssh masters); malloc'd. */
char *chain_libvirt_open_uri(struct chain *ch, const char *uri);

/* The plain-language findings of a resolved image (chain_find and the scan). */
void chain_add_notes(struct chain *ch, struct image_view *iv);

/* chain_ns.c: RADOS namespaces and the trash. */
/* The pool's namespaces, the default ("") first, appended to out. */
int chain_namespaces(struct chain *ch, const char *pool, struct strvec *out,
		     struct rw_error *err);
/* The trash entry of pool/nspace whose id is id, or (id NULL) whose name
 * from before is name: the name may have been taken since by another image,
 * and then only the id names it. Copied to *out (free with
 * ceph_trash_free(out, 1) semantics: its strings). -ENOENT when none. */
int chain_trash_lookup(struct chain *ch, const char *pool, const char *nspace,
		       const char *name, const char *id, struct ceph_trash_entry *out,
		       struct rw_error *err);
/* chain_load_image of one known image: at->image is the bare name; trash
 * non-NULL: the image is that trash entry (opened by its id). Without trash,
 * a name missing from the directory is looked for in the trash. */
int chain_load_at(struct chain *ch, const struct ceph_loc *at,
		  const struct ceph_trash_entry *trash, struct image_view **out,
		  struct rw_error *err);
/* chain_lock.c: the image's lock read and judged against iv's watchers
 * (iv->lock; never fails: a failure is kept in iv->lock.error), the failures
 * to know it for image_view_errors, and its notes. */
void chain_load_lock(struct chain *ch, struct image_view *iv);
void chain_lock_errors(const struct image_view *iv, struct strvec *out);
void chain_lock_notes(struct image_view *iv);
/* chain_resolve.c: fills w->host, its source and w->libvirt_uri; true when the
 * watcher's client runs on this machine. */
bool chain_map_watcher_host(struct chain *ch, struct watcher_view *w);
/* chain_resolve.c: lists uri's domains into the chain's cache, once per chain
 * (other threads wait for the one listing). */
void chain_ensure_domains(struct chain *ch, const char *uri);
/* chain_hosts.c: the first call for a remote host opens its ssh master, then
 * reads its process list and (uri not NULL) its libvirt domains at the same
 * time, into the chain's per-host caches; later calls return at once. */
void chain_host_prefetch(struct chain *ch, const char *host, const char *uri);
/* chain_hosts.c: takes one of the run's ssh slots when libvirt will open uri
 * over ssh (its ssh counts against the cap too); true when one was taken,
 * to be given back with chain_libvirt_slot_give. */
bool chain_libvirt_slot_take(struct chain *ch, const char *uri);
void chain_libvirt_slot_give(struct chain *ch, bool taken);

/* chain_warm.c: a scan's hosts warmed as soon as the probe names their
 * watchers (chain_host_prefetch on a thread per host, bounded). */
struct host_warm;
struct host_warm *host_warm_start(struct chain *ch, const atomic_bool *cancel);
/* Queues watchers to map to hosts; never blocks on a host (the probe's thread). */
void host_warm_watchers(struct host_warm *hw, const struct ceph_watcher *v, size_t n);
/* Waits for the host threads still running (each bounded by its timeouts). */
void host_warm_finish(struct host_warm *hw);
/* chain_contra.c: contradictions between OpenStack and what runs (contradiction.h). */
/* For a holder Nova knows (FOUND, not deleted): when Nova's word contradicts
 * the running holder, sets verdict CONFLICT, its kind and reason; true then. */
bool chain_judge_contradiction(struct holder *h);
/* Two process holders of one watcher with one instance UUID (same host,
 * different pids): both become CONFLICT (duplicate-qemu), never ORPHAN. */
void chain_mark_duplicates(struct watcher_view *w);
/* The image-level contradictions and every contradiction's note; sets
 * iv->contradiction. With look_for_processes (find), an image without
 * watchers is checked for processes that still have it open. */
void chain_image_contradictions(struct chain *ch, struct image_view *iv, bool look_for_processes);
/* chain_resolve.c's local process holders of iv, for a watcher-less check. */
void chain_add_local_holders(struct chain *ch, const struct image_view *iv,
			     struct watcher_view *w);

/* chain_clone.c: the clone tree around an image (ceph_clone.h) and its notes. */
void chain_load_clones(struct chain *ch, struct image_view *iv);
/* The parent snapshot only (scan: one open per watched image, none for one
 * that cannot be a clone); children stay not looked at. */
void chain_load_parent(struct chain *ch, struct image_view *iv);
void chain_clone_notes(struct image_view *iv);

#endif
