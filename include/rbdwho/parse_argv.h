/* parse_argv.h — what a process's command line says about the RBD images it
 * holds: qemu (`-drive file=rbd:…` with its `\:` and `,,` escapes, `-blockdev`
 * as JSON or as key=value, kernel-mapped disks `/dev/rbd…`, `-name guest=NAME,…`,
 * `-uuid` or else `-smbios type=1,…,uuid=…`), Ceph's own clients (`rbd-nbd map
 * POOL/IMAGE`, `rbd-fuse -p POOL [-r IMAGE]`, the rbd CLI), and any other
 * program naming `rbd:POOL/IMAGE`. Pure parsing, no I/O. */
#ifndef RBDWHO_PARSE_ARGV_H
#define RBDWHO_PARSE_ARGV_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/rbdref.h"

/* X(enum member, name as shown): one row per kind of program. */
#define ARGV_KINDS(X)                  \
	X(ARGV_OTHER, "other")         \
	X(ARGV_QEMU, "qemu")           \
	X(ARGV_RBD_NBD, "rbd-nbd")     \
	X(ARGV_RBD_CLI, "rbd")         \
	X(ARGV_RBD_FUSE, "rbd-fuse")

#define ARGV_KIND_ENUM(e, name) e,
enum argv_kind { ARGV_KINDS(ARGV_KIND_ENUM) ARGV_KIND_COUNT };
#undef ARGV_KIND_ENUM

/* A qemu disk that is a kernel RBD mapping (krbd): the process holds the image
 * through the mapping, whose watch is the kernel client's, not its own. */
struct argv_krbd {
	char *path;   /* as the command line gives it: /dev/rbd0, /dev/rbd/POOL/IMAGE */
	int dev_id;   /* N of /dev/rbdN[pM] (/sys/bus/rbd/devices/N); -1 when the path
	               * names pool/image itself (then that image is also in disks) */
};

struct argv_info {
	enum argv_kind kind;
	char *name;   /* qemu -name (the guest= value), NULL if absent */
	char *uuid;   /* qemu -uuid, else the -smbios type=1 uuid=; NULL if neither */
	struct rbd_refs disks;  /* every RBD image the command line names */
	struct argv_krbd *krbd; /* qemu disks that are kernel-mapped RBD devices */
	size_t nkrbd, cap_krbd;
	/* rbd-fuse without -r exposes every image of one pool (and namespace):
	 * whole_pool.pool is that pool (image NULL); pool NULL otherwise. */
	struct rbd_ref whole_pool;
};

/* Returns 0 (disks may be empty when the process names no image), -EINVAL on a
 * NULL/empty argv. */
int parse_argv(const char *const *argv, size_t argc, struct argv_info *out);
void argv_info_clear(struct argv_info *info);

/* True when the command line holds pool/image: one of its disks, or an image of
 * the pool it exposes whole (rbd-fuse). A /dev/rbdN alone says nothing of the
 * image: the mapping's sysfs entry does. */
bool argv_info_holds(const struct argv_info *info, const char *pool, const char *image);
/* The same within one RADOS namespace (NULL or "": the default one). */
bool argv_info_holds_ns(const struct argv_info *info, const char *pool, const char *nspace,
			const char *image);
/* True when the command line names any RBD image, pool or kernel RBD device. */
bool argv_info_names_rbd(const struct argv_info *info);

/* One `rbd:pool/image[@snap][:opt=val…]` drive file, `\:` unescaped. */
int parse_rbd_drive_file(const char *file, struct rbd_ref *out);

/* "qemu", "rbd-nbd", "rbd", "rbd-fuse", "other" */
const char *argv_kind_name(enum argv_kind k);

#endif
