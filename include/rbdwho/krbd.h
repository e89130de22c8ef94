/* krbd.h — kernel RBD mappings (`rbd map`, /dev/rbdN), read from a host's
 * /sys/bus/rbd/devices/N/{pool,pool_ns,name,current_snap,client_id,client_addr}:
 * locally under --sys-root (default /sys), remotely through the same fields in
 * the ssh answer (ssh_procs.h). A mapping holds its image with no process. */
#ifndef RBDWHO_KRBD_H
#define RBDWHO_KRBD_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/error.h"
#include "rbdwho/rbdref.h"

struct krbd_map {
	char *id;           /* N of /dev/rbdN */
	struct rbd_ref ref; /* pool, namespace (NULL when ""), image, snap (NULL for "-") */
	char *client_id;    /* "client4135" as the kernel writes it */
	char *client_addr;  /* "192.0.2.12:0/3154237484" */
};

struct krbd_list {
	struct krbd_map *v;
	size_t n, cap;
};

/* Every mapping under sys_root (NULL: "/sys"). No bus/rbd directory (no rbd
 * module loaded) is an empty list, not an error; an unreadable one is -EACCES. */
int krbd_scan(const char *sys_root, struct krbd_list *out, struct rw_error *err);
void krbd_list_free(struct krbd_list *l);

/* Sets one sysfs field of m by its file name ("pool", "client_addr", …); the
 * value's first line only, at most 1 KiB. False for a name that is not one of
 * the six (ignored). */
bool krbd_map_set(struct krbd_map *m, const char *field, const char *value, size_t len);
/* Appends m to l when it names an image (takes its contents, m is zeroed),
 * else clears it. */
void krbd_list_take(struct krbd_list *l, struct krbd_map *m);
void krbd_map_clear(struct krbd_map *m);

/* "/dev/rbdN"; malloc'd. */
char *krbd_device(const struct krbd_map *m);

#endif
