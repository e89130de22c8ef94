/* blocklist_internal.h — what blocklist.c and blocklist_fences.c share. */
#ifndef RBDWHO_BLOCKLIST_INTERNAL_H
#define RBDWHO_BLOCKLIST_INTERNAL_H

#include <stdbool.h>

/* Whether text, an address as Ceph prints it, is the normalised address want. */
bool blocklist_same_address(const char *text, const char *want);

#endif
