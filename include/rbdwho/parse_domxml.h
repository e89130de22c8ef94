/* parse_domxml.h — a libvirt domain's XML (virDomainGetXMLDesc) read with
 * libxml2: name, UUID, Nova's metadata, and every RBD disk
 * (<disk type='network'><source protocol='rbd' name='pool/image'>, plus rbd:
 * drives passed through <qemu:commandline>). Pure parsing, no I/O. */
#ifndef RBDWHO_PARSE_DOMXML_H
#define RBDWHO_PARSE_DOMXML_H

#include <stddef.h>
#include "rbdwho/rbdref.h"

struct domain_xml {
	char *name;          /* <name> */
	char *uuid;          /* <uuid> (Nova sets it to the instance UUID) */
	char *nova_name;     /* <metadata><nova:instance><nova:name>, NULL if absent */
	char *nova_project;  /* <nova:owner><nova:project uuid=…>, NULL if absent */
	struct rbd_refs disks;
};

/* Returns 0, or -EPROTO when xml is not a domain description. */
int parse_domain_xml(const char *xml, size_t len, struct domain_xml *out);
void domain_xml_clear(struct domain_xml *d);

#endif
