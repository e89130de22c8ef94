/* clouds.h — the openstack client's clouds.yaml (and secure.yaml beside it),
 * read with libyaml into struct os_opts. os_opts_load (os.h) is built on this
 * and adds the OS_* variables on top. */
#ifndef RBDWHO_CLOUDS_H
#define RBDWHO_CLOUDS_H

#include "rbdwho/error.h"
#include "rbdwho/os.h"

/* The clouds.yaml the openstack client would read: $OS_CLIENT_CONFIG_FILE,
 * ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml,
 * the first that exists; malloc'd, NULL when there is none. */
char *clouds_find_file(void);

/* Copies the settings of cloud `name` in the clouds.yaml at path into opts,
 * then those of the same cloud in secure.yaml beside it (or
 * $OS_CLIENT_SECURE_FILE), which win. Fields the files do not set are left
 * alone. -ENOENT when path has no such cloud, -EINVAL "path:LINE: reason" on a
 * malformed file, -EIO when it cannot be read. Never puts a value in err. */
int clouds_load(const char *path, const char *name, struct os_opts *opts, struct rw_error *err);

/* Applies the OS_* variables to opts (they win over clouds.yaml); setting one
 * of a name/id pair (OS_PROJECT_NAME, OS_PROJECT_ID, …) drops the other. */
void clouds_apply_env(struct os_opts *opts);

#endif
