/* argv_internal.h — what argv.c (qemu, the entry points) and argv_tools.c (Ceph's
 * own tools: rbd-nbd, rbd-fuse, the rbd CLI) share. Not a public header. */
#ifndef RBDWHO_ARGV_INTERNAL_H
#define RBDWHO_ARGV_INTERNAL_H

#include <stddef.h>
#include "rbdwho/parse_argv.h"

/* Adds one image to out->disks, taking r's strings; a repeat is dropped. */
void argv_add_disk(struct argv_info *out, struct rbd_ref *r);

void argv_parse_rbd_nbd(const char *const *argv, size_t argc, struct argv_info *out);
void argv_parse_rbd_cli(const char *const *argv, size_t argc, struct argv_info *out);
void argv_parse_rbd_fuse(const char *const *argv, size_t argc, struct argv_info *out);

#endif
