/* virt.h — libvirt, per host URI: the domains there and the RBD disks each one
 * holds, and destroy. Connections can hang (qemu+ssh to a dead host): every
 * call is bounded by timeout_ms and gives -ETIMEDOUT past it. */
#ifndef RBDWHO_VIRT_H
#define RBDWHO_VIRT_H

#include <stddef.h>
#include "rbdwho/error.h"
#include "rbdwho/parse_domxml.h"

struct virt_domain {
	struct domain_xml xml;  /* name, uuid, nova metadata, rbd disks */
	char *state;            /* "running", "paused", "shut off", … */
	int active;
	int id;                 /* libvirt domain id, -1 when inactive */
};

struct virt_domains {
	struct virt_domain *v;
	size_t n, cap;
};

/* Every domain (active and defined) at uri, with its parsed XML. */
int virt_list_domains(const char *uri, int timeout_ms, struct virt_domains *out,
		      struct rw_error *err);
void virt_domains_free(struct virt_domains *l);

/* Re-reads one domain by UUID (fresh XML), for the check right before destroy.
 * -ENOENT when it no longer exists. */
int virt_lookup_domain(const char *uri, const char *uuid, int timeout_ms,
		       struct virt_domain *out, struct rw_error *err);
void virt_domain_clear(struct virt_domain *d);

/* virDomainDestroy on the domain with that UUID. -ENOENT when it is gone. */
int virt_destroy_domain(const char *uri, const char *uuid, int timeout_ms,
			struct rw_error *err);

/* The hypervisor host's name as libvirt at uri reports it (virConnectGetHostname),
 * for the UI header. *out is malloc'd. */
int virt_hostname(const char *uri, int timeout_ms, char **out, struct rw_error *err);

#endif
