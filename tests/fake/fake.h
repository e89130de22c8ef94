/* fake.h — the world the fake backends (tests/fake/fake_*.c) answer from: a
 * small C table of pools, images, watchers, libvirt domains and Nova/Cinder
 * records. Linked instead of src/backend/{ceph,probe,os,virt,proc} into the
 * hermetic browser (build/fake/rbdwho), so the UI's golden screens need no
 * cluster. RBDWHO_FAKE picks a variant of the world: "" (the classic case and
 * its neighbours, and a pool "big" of 2,000 images), "down" (Ceph refuses),
 * "hang" (Ceph never answers), "big" (only a pool of $RBDWHO_FAKE_IMAGES,
 * default 100,000), "fence" (no hung pool; blocklisting and deleting a volume
 * succeed and change the world), "nocaps" (no hung pool; Ceph refuses the
 * blocklist, Cinder the delete), "ns" (a pool with a RADOS namespace, a held
 * image in the rbd trash whose name a directory image has taken since, a
 * clone tree, and a volume UUID in two places). */
#ifndef RBDWHO_FAKE_H
#define RBDWHO_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fake_pool_mode {
	FAKE_POOL_OK,
	FAKE_POOL_FAIL,  /* listing its images fails (EIO) */
	FAKE_POOL_HANG,  /* listing its images never answers */
};

struct fake_watcher {
	const char *address;
	uint64_t client, cookie;
};

struct fake_image {
	const char *pool, *name, *id;
	uint64_t size;
	struct fake_watcher watchers[2];
	const char *nspace;  /* its RADOS namespace; NULL: the default one */
	long trashed;        /* in the rbd trash since then (epoch seconds); 0: in the directory */
	const char *parent;  /* a clone of "POOL/[NS/]IMAGE@SNAP"; NULL: none */
};

struct fake_pool {
	const char *name;
	bool rbd;  /* the rbd application is enabled */
	enum fake_pool_mode mode;
};

struct fake_domain {
	const char *uri, *name, *uuid, *state, *disk;  /* disk: pool/image */
};

struct fake_server {
	const char *id, *name, *status, *host;  /* status NULL: Nova says 404 */
};

struct fake_hypervisor {
	const char *hostname, *host_ip;
};

struct fake_volume {
	const char *id, *name, *status;
};

struct fake_world {
	const struct fake_pool *pools;
	const struct fake_image *images;
	const struct fake_domain *domains;
	const struct fake_server *servers;
	const struct fake_hypervisor *hypervisors;
	const struct fake_volume *volumes;
	size_t npools, nimages, ndomains, nservers, nhypervisors, nvolumes;
	size_t big;  /* extra generated images in pool "big" */
};

struct ceph_loc;
struct ceph_image_ref;
/* The image at at (by name in its namespace's directory, or by trash id), or
 * NULL; a generated image of pool "big" lands in tmp (names in nb, ib). */
const struct fake_image *fake_image_at(const struct ceph_loc *at, struct fake_image *tmp,
				       char nb[32], char ib[24]);
/* The directory of pool's namespace ns ("": the default) into a fresh array. */
size_t fake_pool_images(const char *pool, const char *ns, struct ceph_image_ref **out);
/* The watchers of img Ceph lists now, into a fresh array (fenced ones dropped). */
struct ceph_watcher;
size_t fake_copy_watchers(const struct fake_image *img, struct ceph_watcher **out);

/* The world RBDWHO_FAKE asks for (never NULL). */
const struct fake_world *fake_world(void);
/* $RBDWHO_FAKE is word (the variant). */
bool fake_is(const char *word);
/* Blocks for good (a backend that never answers); the browser abandons it. */
void fake_hang(void);

/* What remedies change (fake_changes.c), for the run: the OSD blocklist
 * (fake_block returns whether addr was listed before) and deleted volumes. */
bool fake_blocklisted(const char *addr);
bool fake_block(const char *addr, bool on);
struct strvec;
void fake_blocklist_copy(struct strvec *out);
void fake_delete_volume(const char *id);
bool fake_volume_deleted(const char *id);
bool fake_image_deleted(const char *image);  /* volume-ID of a deleted volume */

#endif
