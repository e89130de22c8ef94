/* chain.c — image → watchers → host → holders → Nova → verdict.
 * Answers that are costly and shared between watchers (Nova's hypervisor list,
 * one libvirt domain list per host, the local process scan, Nova's word on an
 * instance) are cached per chain and guarded by one lock; the lock is never held
 * across I/O, so two workers may fetch the same thing once each, and the first
 * answer stored wins. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/chain.h"
#include "rbdwho/hostmap.h"
#include "rbdwho/proc.h"
#include "rbdwho/rbdref.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"
#include "rbdwho/volspec.h"
#include "chain_internal.h"

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_ATTACHED:
		return "ATTACHED";
	case VERDICT_ORPHAN:
		return "ORPHAN";
	case VERDICT_DEAD_CLIENT:
		return "DEAD";
	case VERDICT_CONFLICT:
		return "CONFLICT";
	default:
		return "UNKNOWN";
	}
}

const char *holder_kind_name(enum holder_kind k)
{
	static const char *const names[] = {
		[HOLDER_DOMAIN] = "libvirt", [HOLDER_QEMU] = "qemu", [HOLDER_RBD_NBD] = "rbd-nbd",
		[HOLDER_RBD_CLI] = "rbd", [HOLDER_RBD_FUSE] = "rbd-fuse",
		[HOLDER_OTHER] = "process", [HOLDER_KRBD] = "krbd",
	};
	return k <= HOLDER_KRBD ? names[k] : "process";
}

const char *host_source_name(enum host_source s)
{
	static const char *const names[] = {
		[HOST_UNMAPPED] = "unmapped", [HOST_LOCAL] = "local address",
		[HOST_CONFIG] = "config [hosts]", [HOST_NOVA] = "nova os-hypervisors host_ip",
		[HOST_DNS] = "reverse DNS", [HOST_MON] = "ceph monitor session",
	};
	return s <= HOST_MON ? names[s] : "unmapped";
}

static int connect_openstack(struct chain *ch, const struct chain_opts *opts)
{
	if (opts->no_openstack) {
		ch->os_note = xstrdup("OpenStack disabled (--no-openstack)");
		return 0;
	}
	struct os_opts oo;
	memset(&oo, 0, sizeof oo);
	struct rw_error err = {0};
	const char *cloud = opts->os_cloud ? opts->os_cloud : opts->cfg->os_cloud;
	int rc = os_opts_load(&oo, cloud, &err);
	if (rc == 0) {
		oo.insecure = oo.insecure || opts->os_insecure || opts->cfg->os_insecure;
		oo.timeout_ms = opts->timeout_ms;
		rc = os_client_new(&oo, &ch->os, &err);
	}
	os_opts_clear(&oo);
	if (rc == -ENOENT) {
		ch->os_note = xstrdup("OpenStack not configured (no OS_AUTH_URL or clouds.yaml entry)");
		return 0;
	}
	if (rc < 0)
		ch->os_note = xstrdup(err.msg);
	return rc == -EINVAL ? rc : 0;
}

/* Everything but Ceph: the parts destroy needs. */
static int chain_prepare(const struct chain_opts *opts, struct chain **out, struct rw_error *err)
{
	struct chain *ch = xcalloc(1, sizeof *ch);
	pthread_mutex_init(&ch->lock, NULL);
	ch->cfg = opts->cfg;
	ch->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;
	ch->proc_root = xstrdup(opts->proc_root);
	ch->sys_root = xstrdup(opts->sys_root);
	if (opts->cfg->ssh_enabled) {
		struct ssh_opts so = {.timeout_ms = ch->timeout_ms, .config = opts->cfg->ssh_config,
				      .command = opts->cfg->ssh_command};
		ch->ssh = ssh_hosts_new(&so);
	}
	ch->nova = nova_cache_new();
	ch->local_host = hostmap_local_name();
	if (connect_openstack(ch, opts) == -EINVAL) {
		int rc = rw_error_set(err, -EINVAL, "%s", ch->os_note);
		chain_free(ch);
		return rc;
	}
	*out = ch;
	return 0;
}

int chain_new_no_ceph(const struct chain_opts *opts, struct chain **out, struct rw_error *err)
{
	return chain_prepare(opts, out, err);
}

int chain_new(const struct chain_opts *opts, struct chain **out, struct rw_error *err)
{
	struct chain *ch = NULL;
	int rc = chain_prepare(opts, &ch, err);
	if (rc < 0)
		return rc;
	struct ceph_opts co = opts->ceph;
	co.timeout_ms = ch->timeout_ms;
	stage_say("connecting to Ceph");
	rc = ceph_connect(&co, &ch->ceph, err);
	if (rc < 0) {
		chain_free(ch);
		return rc;
	}
	*out = ch;
	return 0;
}

void chain_free(struct chain *ch)
{
	if (!ch)
		return;
	chain_forget(ch);
	if (ch->ceph)
		ceph_disconnect(ch->ceph);
	os_client_free(ch->os);
	free(ch->os_note);
	free(ch->proc_root);
	free(ch->sys_root);
	ssh_hosts_free(ch->ssh);
	free(ch->local_host);
	nova_cache_free(ch->nova);
	pthread_mutex_destroy(&ch->lock);
	free(ch);
}

struct ceph_conn *chain_ceph(struct chain *ch) { return ch->ceph; }
struct os_client *chain_os(struct chain *ch) { return ch->os; }
const char *chain_os_note(struct chain *ch) { return ch->os_note; }
const char *chain_local_host(struct chain *ch) { return ch->local_host; }
const struct config *chain_config(struct chain *ch) { return ch->cfg; }
int chain_timeout_ms(struct chain *ch) { return ch->timeout_ms; }

void chain_kill_children(void)
{
	ssh_kill_all();
}

void chain_forget(struct chain *ch)
{
	pthread_mutex_lock(&ch->lock);
	for (size_t i = 0; i < ch->nhv; i++)
		nova_hypervisor_clear(&ch->hv[i]);
	free(ch->hv);
	ch->hv = NULL;
	ch->nhv = 0;
	ch->hv_loaded = false;
	free(ch->hv_error);
	ch->hv_error = NULL;
	for (size_t i = 0; i < ch->ndoms; i++) {
		free(ch->doms[i].uri);
		free(ch->doms[i].error);
		virt_domains_free(&ch->doms[i].list);
	}
	free(ch->doms);
	ch->doms = NULL;
	ch->ndoms = ch->cap_doms = 0;
	proc_list_free(&ch->procs);
	ch->procs_loaded = false;
	free(ch->procs_error);
	ch->procs_error = NULL;
	krbd_list_free(&ch->krbd);
	free(ch->krbd_error);
	ch->krbd_error = NULL;
	ch->krbd_loaded = false;
	chain_forget_hosts(ch);
	mon_sessions_free(&ch->sessions);
	ch->sessions_loaded = false;
	free(ch->sessions_note);
	ch->sessions_note = NULL;
	free(ch->quorum_note);
	ch->quorum_note = NULL;
	pthread_mutex_unlock(&ch->lock);
	nova_cache_clear(ch->nova);
}

/* ---- locating an image from what the user typed ---- */

/* Pools asked at once by one find: each may hang a whole timeout (an OSD that
 * does not answer), so they are asked side by side, not one after another. */
#define LOCATE_THREADS 16

struct locate_pool {
	const char *pool;
	struct strvec found;  /* image names that exist in this pool */
	char *error;          /* the pool could not be asked: why */
	int rc;
};

struct locate_run {
	struct chain *ch;
	const struct strvec *names;
	struct locate_pool *v;
	size_t n;
	atomic_size_t next;  /* the next pool to ask */
};

/* The first failure of a pool is the one named. */
static void locate_fail(struct locate_pool *lp, int rc, const char *msg)
{
	if (lp->error)
		return;
	lp->rc = rc;
	lp->error = xstrdup(msg);
}

/* Trashed images of one namespace whose name (from before) is a candidate
 * and that the directory did not already give; false when the trash could
 * not be listed. */
static bool locate_in_trash(struct locate_run *r, struct locate_pool *lp, const char *ns,
			    size_t before)
{
	struct ceph_trash_entry *v = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	if (ceph_list_trash(r->ch->ceph, lp->pool, ns, &v, &n, &e) < 0) {
		locate_fail(lp, e.code, e.msg);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char *name = volspec_join_ns(ns, v[i].name);
		bool found = false;
		for (size_t k = before; k < lp->found.n; k++)
			found |= strcmp(lp->found.v[k], name) == 0;
		if (!found && strvec_contains(r->names, v[i].name))
			strvec_push_owned(&lp->found, name);
		else
			free(name);
	}
	ceph_trash_free(v, n);
	return true;
}

/* One namespace of a pool: every candidate name, then its trash; false at
 * the first failure. */
static bool locate_in_ns(struct locate_run *r, struct locate_pool *lp, const char *ns)
{
	size_t before = lp->found.n;
	for (size_t i = 0; i < r->names->n; i++) {
		struct ceph_image_info info;
		memset(&info, 0, sizeof info);
		struct rw_error e = {0};
		struct ceph_loc at = {.pool = lp->pool, .nspace = ns, .image = r->names->v[i]};
		int rc = ceph_image_info_at(r->ch->ceph, &at, &info, &e);
		ceph_image_info_clear(&info);
		if (rc == 0) {
			strvec_push_owned(&lp->found, volspec_join_ns(ns, r->names->v[i]));
		} else if (rc != -ENOENT) {
			locate_fail(lp, rc, e.msg);
			return false;
		}
	}
	return locate_in_trash(r, lp, ns, before);
}

/* One pool: every namespace (the default one even when the others cannot be
 * listed), until the first failure. Each call is bounded by the chain's
 * timeout and a pool that fails once is not asked again, so a hung pool costs
 * one timeout; no wall-clock deadline on top, which would cut off pools that
 * are merely slow (a loaded cluster, valgrind). */
static void locate_one_pool(struct locate_run *r, struct locate_pool *lp)
{
	struct strvec nss = {0};
	struct rw_error e = {0};
	/* a pool that timed out once is not asked again: one timeout per hung pool */
	if (chain_namespaces(r->ch, lp->pool, &nss, &e) < 0)
		locate_fail(lp, e.code, e.msg);
	for (size_t k = 0; k < nss.n && (k == 0 ? lp->rc != -ETIMEDOUT : !lp->error); k++)
		if (!locate_in_ns(r, lp, nss.v[k]))
			break;
	strvec_free(&nss);
}

static void *locate_worker(void *arg)
{
	struct locate_run *r = arg;
	size_t i;
	while ((i = atomic_fetch_add(&r->next, 1)) < r->n)
		locate_one_pool(r, &r->v[i]);
	return NULL;
}

/* Asks every pool about every name, LOCATE_THREADS pools at a time. */
static void locate_ask_pools(struct locate_run *r)
{
	pthread_t t[LOCATE_THREADS];
	size_t nt = 0;
	while (nt < LOCATE_THREADS && nt + 1 < r->n && pthread_create(&t[nt], NULL, locate_worker, r) == 0)
		nt++;
	locate_worker(r);  /* this thread asks too (all of them if no thread could start) */
	for (size_t i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
}

/* Collects the matches and the pools that could not be asked; the return
 * value as chain_locate_all documents it. */
static int locate_collect(struct locate_run *r, struct strvec *pools, struct strvec *images,
			  struct strvec *pool_errors, struct rw_error *err)
{
	size_t matches = 0, failed = 0;
	int fail_rc = 0;
	struct buf why = {0};
	for (size_t p = 0; p < r->n; p++) {
		struct locate_pool *lp = &r->v[p];
		for (size_t i = 0; i < lp->found.n; i++, matches++) {
			strvec_push(pools, lp->pool);
			strvec_push(images, lp->found.v[i]);
		}
		if (lp->error) {
			strvec_push_owned(pool_errors, xasprintf("pool %s: %s", lp->pool, lp->error));
			buf_printf(&why, "%spool %s: %s", failed++ ? "; " : "", lp->pool, lp->error);
			if (!fail_rc || lp->rc == -ETIMEDOUT)
				fail_rc = lp->rc;
		}
	}
	int rc = 0;
	if (matches == 0 && failed)
		rc = rw_error_set(err, fail_rc, "%zu of %zu pools could not be asked, so the image "
				  "may be there: %s", failed, r->n, why.p);
	else if (matches == 0)
		rc = rw_error_set(err, -ENOENT, "no image %s%s in any of the %zu pools",
				  r->names->v[0],
				  r->names->n > 1 ? " (or the other forms of that UUID)" : "", r->n);
	buf_free(&why);
	return rc;
}

static int locate_in_pools(struct chain *ch, const struct strvec *names, struct strvec *pools,
			   struct strvec *images, struct strvec *pool_errors, struct rw_error *err)
{
	char **names_of_pools = NULL;
	size_t npools = 0;
	int rc = ceph_list_pools(ch->ceph, &names_of_pools, &npools, err);
	if (rc < 0)
		return rc;
	struct locate_run r = {.ch = ch, .names = names, .n = npools};
	atomic_init(&r.next, 0);
	r.v = xcalloc(npools ? npools : 1, sizeof *r.v);
	for (size_t p = 0; p < npools; p++)
		r.v[p].pool = names_of_pools[p];
	locate_ask_pools(&r);
	rc = locate_collect(&r, pools, images, pool_errors, err);
	for (size_t p = 0; p < npools; p++) {
		strvec_free(&r.v[p].found);
		free(r.v[p].error);
		free(names_of_pools[p]);
	}
	free(r.v);
	free(names_of_pools);
	return rc;
}

/* POOL/IMAGE, as typed: no look-up (find then says if it does not exist). */
static int locate_by_ref(const char *spec, struct strvec *pools, struct strvec *images,
			 struct rw_error *err)
{
	struct rbd_ref ref;
	int rc = 0;
	if (rbd_ref_parse_spec(spec, &ref) < 0 || ref.snap)
		rc = rw_error_set(err, -EINVAL, "'%s' is not POOL/IMAGE or POOL/NAMESPACE/IMAGE", spec);
	if (rc == 0) {
		strvec_push(pools, ref.pool);
		strvec_push_owned(images, volspec_join_ns(ref.nspace, ref.image));
	}
	rbd_ref_clear(&ref);
	return rc;
}

int chain_locate_all(struct chain *ch, const char *spec, struct strvec *pools,
		     struct strvec *images, struct strvec *pool_errors, struct rw_error *err)
{
	if (str_empty(spec))
		return rw_error_set(err, -EINVAL, "no volume given");
	if (strchr(spec, '/'))
		return locate_by_ref(spec, pools, images, err);
	struct strvec names = {0};
	if (volspec_candidates(spec, &names) < 0)
		return rw_error_set(err, -EINVAL,
				    "'%s' is not a volume UUID, volume-UUID, instance UUID, "
				    "UUID_disk[.config|.swap|.local|.eph0|.rescue], POOL/IMAGE or "
				    "POOL/NAMESPACE/IMAGE",
				    spec);
	int rc = locate_in_pools(ch, &names, pools, images, pool_errors, err);
	strvec_free(&names);
	return rc;
}

int chain_locate(struct chain *ch, const char *spec, char **pool, char **image,
		 struct rw_error *err)
{
	*pool = *image = NULL;
	struct strvec pools = {0}, images = {0}, errors = {0};
	int rc = chain_locate_all(ch, spec, &pools, &images, &errors, err);
	if (rc == 0 && pools.n > 0 && images.n > 0) {
		*pool = xstrdup(pools.v[0]);
		*image = xstrdup(images.v[0]);
	} else if (rc == 0) {  /* cannot happen: 0 means a match */
		rc = rw_error_set(err, -ENOENT, "no image for '%s'", spec);
	}
	strvec_free(&pools);
	strvec_free(&images);
	strvec_free(&errors);
	return rc;
}
