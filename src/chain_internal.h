/* chain_internal.h — the chain's private state, shared by chain.c (set-up and
 * locating), chain_resolve.c (watchers, holders, verdicts) and chain_scan.c. */
#ifndef RBDWHO_CHAIN_INTERNAL_H
#define RBDWHO_CHAIN_INTERNAL_H

#include <pthread.h>
#include "rbdwho/chain.h"
#include "rbdwho/nova_cache.h"
#include "rbdwho/proc.h"
#include "rbdwho/virt.h"

struct domain_cache {
	char *uri;
	struct virt_domains list;
	char *error;  /* listing failed: why */
	bool loading; /* one thread is listing uri; the others wait (doms_cond) */
};

struct chain {
	struct ceph_conn *ceph;
	struct os_client *os;
	char *os_note;
	const struct config *cfg;
	char *proc_root;
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
	bool procs_loaded;
	struct proc_list procs;
	char *procs_error;
	/* Initialised on first use by chain_resolve.c (chain.c predates it);
	 * glibc's condition variables hold no resources, so it is never destroyed. */
	bool doms_cond_ready;
	pthread_cond_t doms_cond;
};

/* The plain-language findings of a resolved image (chain_find and the scan). */
void chain_add_notes(struct chain *ch, struct image_view *iv);

#endif
