/* volspec.h — what an operator types to name a volume, and the RBD image names
 * it may stand for: a Cinder volume UUID (volume-UUID), a Nova instance UUID
 * (its disks UUID_disk, UUID_disk.config, UUID_disk.swap, …), in either
 * letter case. OpenStack writes the UUIDs in image names in lower case. Pure:
 * no I/O. */
#ifndef RBDWHO_VOLSPEC_H
#define RBDWHO_VOLSPEC_H

#include "rbdwho/util.h"

/* The suffixes Nova's libvirt driver gives an instance's RBD disks: the root
 * disk, the ephemeral and swap disks, the config drive, a rescue disk. */
#define VOLSPEC_NOVA_DISKS(X) \
	X("_disk") X("_disk.local") X("_disk.eph0") X("_disk.swap") X("_disk.config") \
	X("_disk.rescue")

/* Appends to names every image name spec may stand for, most likely first:
 * a bare UUID → volume-UUID, each Nova disk of it, the UUID itself;
 * volume-UUID or UUID_disk[.x] → that name with the UUID in lower case.
 * -EINVAL (nothing appended) when spec is none of those forms; POOL/IMAGE is
 * not handled here. */
int volspec_candidates(const char *spec, struct strvec *names);

/* The volume UUID of a volume-UUID image name, or the instance UUID of a Nova
 * disk name (UUID_disk, UUID_disk.config, …); NULL otherwise. malloc'd. */
char *volspec_volume_uuid(const char *image);
char *volspec_instance_uuid(const char *image);

/* The chain names an image in a RADOS namespace "NS/IMAGE" within its pool
 * (POOL/NS/IMAGE is the rbd tool's spec; Ceph allows no '/' in a namespace
 * name). Splits such a name: *nspace NULL for a plain IMAGE (the default
 * namespace). -EINVAL (nothing set) for an empty part or a second '/'. */
int volspec_split_ns(const char *name, char **nspace, char **image);
/* "NS/IMAGE", or IMAGE when nspace is NULL or ""; malloc'd. */
char *volspec_join_ns(const char *nspace, const char *image);

#endif
