/* hostmap.h — the pieces that map a watcher's IP to a host name: this machine's
 * own addresses, Nova's hypervisor list, reverse DNS under a deadline. The order
 * in which they are tried is the chain's business. */
#ifndef RBDWHO_HOSTMAP_H
#define RBDWHO_HOSTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/parse_os.h"

/* True for loopback and for any address of this machine's interfaces. */
bool hostmap_is_local_ip(const char *ip);
/* This machine's host name (short as gethostname gives it); malloc'd. */
char *hostmap_local_name(void);
/* The hypervisor whose host_ip is ip (its service host name); malloc'd or NULL. */
char *hostmap_from_hypervisors(const struct nova_hypervisor *hv, size_t n, const char *ip);
/* The short reverse-DNS name of ip, NULL when none or past timeout_ms; malloc'd. */
char *hostmap_reverse_dns(const char *ip, int timeout_ms);

#endif
