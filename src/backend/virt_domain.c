/* virt_domain.c — freeing what the libvirt backend returns. Kept apart from
 * virt.c so the hermetic UI build (tests/fake), which replaces only the libvirt
 * calls, frees domains with the same code. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/virt.h"

void virt_domain_clear(struct virt_domain *d)
{
	domain_xml_clear(&d->xml);
	free(d->state);
	memset(d, 0, sizeof *d);
}

void virt_domains_free(struct virt_domains *l)
{
	for (size_t i = 0; i < l->n; i++)
		virt_domain_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
