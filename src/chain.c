/* chain.c — image → watchers → host → holders → Nova → verdict.
 * Answers that are costly and shared between watchers (Nova's hypervisor list,
 * one libvirt domain list per host, the local process scan, Nova's word on an
 * instance) are cached per chain and guarded by one lock; the lock is never held
 * across I/O, so two workers may fetch the same thing once each, and the first
 * answer stored wins. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/chain.h"
#include "rbdwho/hostmap.h"
#include "rbdwho/proc.h"
#include "rbdwho/rbdref.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"
#include "chain_internal.h"

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_ATTACHED:
		return "ATTACHED";
	case VERDICT_ORPHAN:
		return "ORPHAN";
	default:
		return "UNKNOWN";
	}
}

const char *holder_kind_name(enum holder_kind k)
{
	static const char *const names[] = {
		[HOLDER_DOMAIN] = "libvirt", [HOLDER_QEMU] = "qemu", [HOLDER_RBD_NBD] = "rbd-nbd",
		[HOLDER_RBD_CLI] = "rbd", [HOLDER_OTHER] = "process",
	};
	return k <= HOLDER_OTHER ? names[k] : "process";
}

const char *host_source_name(enum host_source s)
{
	static const char *const names[] = {
		[HOST_UNMAPPED] = "unmapped", [HOST_LOCAL] = "local address",
		[HOST_CONFIG] = "config [hosts]", [HOST_NOVA] = "nova os-hypervisors host_ip",
		[HOST_DNS] = "reverse DNS",
	};
	return s <= HOST_DNS ? names[s] : "unmapped";
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
	pthread_mutex_unlock(&ch->lock);
	nova_cache_clear(ch->nova);
}

/* ---- locating an image from what the user typed ---- */

static void candidates_for(const char *spec, struct strvec *names)
{
	if (str_is_uuid(spec)) {
		strvec_push_owned(names, xasprintf("volume-%s", spec));
		strvec_push_owned(names, xasprintf("%s_disk", spec));
		strvec_push(names, spec);
	} else if (str_starts_with(spec, "volume-") && str_is_uuid(spec + 7)) {
		strvec_push(names, spec);
	} else if (str_ends_with(spec, "_disk") && strlen(spec) == 36 + 5) {
		char *u = xstrndup(spec, 36);
		if (str_is_uuid(u))
			strvec_push(names, spec);
		free(u);
	}
}

static int locate_in_pools(struct chain *ch, const struct strvec *names, char **pool,
			   char **image, struct rw_error *err)
{
	char **pools = NULL;
	size_t npools = 0;
	int rc = ceph_list_pools(ch->ceph, &pools, &npools, err);
	if (rc < 0)
		return rc;
	rc = -ENOENT;
	for (size_t n = 0; n < names->n && rc == -ENOENT; n++) {
		for (size_t p = 0; p < npools && rc == -ENOENT; p++) {
			struct ceph_image_info info;
			memset(&info, 0, sizeof info);
			struct rw_error e = {0};
			if (ceph_image_info(ch->ceph, pools[p], names->v[n], &info, &e) == 0) {
				*pool = xstrdup(pools[p]);
				*image = xstrdup(names->v[n]);
				rc = 0;
			}
			ceph_image_info_clear(&info);
		}
	}
	if (rc == -ENOENT)
		rw_error_set(err, -ENOENT, "no image %s%s in any of the %zu pools", names->v[0],
			     names->n > 1 ? " (or the other forms of that UUID)" : "", npools);
	for (size_t p = 0; p < npools; p++)
		free(pools[p]);
	free(pools);
	return rc;
}

int chain_locate(struct chain *ch, const char *spec, char **pool, char **image,
		 struct rw_error *err)
{
	*pool = *image = NULL;
	if (str_empty(spec))
		return rw_error_set(err, -EINVAL, "no volume given");
	if (strchr(spec, '/')) {
		struct rbd_ref ref;
		if (rbd_ref_parse_spec(spec, &ref) < 0 || ref.nspace || ref.snap) {
			rbd_ref_clear(&ref);
			return rw_error_set(err, -EINVAL, "'%s' is not POOL/IMAGE", spec);
		}
		*pool = ref.pool;
		*image = ref.image;
		ref.pool = ref.image = NULL;
		rbd_ref_clear(&ref);
		return 0;
	}
	struct strvec names = {0};
	candidates_for(spec, &names);
	if (names.n == 0)
		return rw_error_set(err, -EINVAL,
				    "'%s' is not a volume UUID, volume-UUID, UUID_disk or POOL/IMAGE",
				    spec);
	int rc = locate_in_pools(ch, &names, pool, image, err);
	strvec_free(&names);
	return rc;
}
