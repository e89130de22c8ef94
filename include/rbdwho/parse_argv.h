/* parse_argv.h — what a process's command line says about the RBD images it
 * holds: qemu (`-drive file=rbd:…` with its `\:` and `,,` escapes, `-blockdev`
 * as JSON or as key=value, `-name guest=NAME,…`, `-uuid`), rbd-nbd
 * (`rbd-nbd map POOL/IMAGE`), and any other program naming `rbd:POOL/IMAGE`.
 * Pure parsing, no I/O. */
#ifndef RBDWHO_PARSE_ARGV_H
#define RBDWHO_PARSE_ARGV_H

#include <stddef.h>
#include "rbdwho/rbdref.h"

enum argv_kind { ARGV_OTHER = 0, ARGV_QEMU, ARGV_RBD_NBD, ARGV_RBD_CLI };

struct argv_info {
	enum argv_kind kind;
	char *name;   /* qemu -name (the guest= value), NULL if absent */
	char *uuid;   /* qemu -uuid, NULL if absent */
	struct rbd_refs disks;  /* every RBD image the command line names */
};

/* Returns 0 (disks may be empty when the process names no image), -EINVAL on a
 * NULL/empty argv. */
int parse_argv(const char *const *argv, size_t argc, struct argv_info *out);
void argv_info_clear(struct argv_info *info);

/* One `rbd:pool/image[@snap][:opt=val…]` drive file, `\:` unescaped. */
int parse_rbd_drive_file(const char *file, struct rbd_ref *out);

const char *argv_kind_name(enum argv_kind k);  /* "qemu", "rbd-nbd", "rbd", "other" */

#endif
