/* fake_world.c — the data the fake backends answer from: the classic case (an
 * orphan domain holding an "available" volume), an attached and an unmapped
 * holder next to it (addresses from the documentation ranges, hosts known to
 * Nova only: nothing depends on the machine the tests run on), and pools that are empty, not rbd, failing or hung. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake.h"

#define VOL(n) "volume-0000000" #n "-1111-2222-3333-444444444444"
#define CLASSIC_VOL "volume-9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a"
#define CLASSIC_INST "e6a96e04-733d-4b5a-9c00-0b0b0b0b0b0b"
#define ATT_INST "5a5a5a5a-0000-4000-8000-000000000002"

static const struct fake_pool pools[] = {
	{"volumes", true, FAKE_POOL_OK},
	{"vms", true, FAKE_POOL_OK},
	{"images", true, FAKE_POOL_OK},       /* empty */
	{".mgr", false, FAKE_POOL_OK},        /* not an rbd pool */
	{"broken", true, FAKE_POOL_FAIL},
	{"slow", true, FAKE_POOL_HANG},
	{"big", true, FAKE_POOL_OK},
};

#define GIB (1024ULL * 1024 * 1024)
static const struct fake_image images[] = {
	{"volumes", VOL(1), "1001", 20 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(2), "1002", 20 * GIB, {{"203.0.113.12:0/2002", 5002, 77}}, NULL, 0, NULL},
	{"volumes", VOL(3), "1003", 40 * GIB, {{"198.18.0.99:0/3003", 5003, 78}}, NULL, 0, NULL},
	{"volumes", VOL(4), "1004", 1 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(5), "1005", 1 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(6), "1006", 500 * 1024 * 1024, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(7), "1007", 10 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(8), "1008", 10 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", CLASSIC_VOL, "1009", 140 * GIB,
	 {{"203.0.113.11:0/1121431068", 4135, 139863932277888ULL}}, NULL, 0, NULL},
	{"vms", CLASSIC_INST "_disk", "2001", 10 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
};

static const struct fake_domain domains[] = {
	{"qemu+ssh://compute-1/system", "instance-0002f5c4", CLASSIC_INST, "running", "volumes/" CLASSIC_VOL},
	{"qemu+ssh://compute-2/system", "instance-00000002", ATT_INST, "running", "volumes/" VOL(2)},
};

static const struct fake_server servers[] = {
	{CLASSIC_INST, NULL, NULL, NULL},  /* 404: the orphan */
	{ATT_INST, "web-2", "ACTIVE", "compute-2"},
};

static const struct fake_hypervisor hypervisors[] = {
	{"compute-1", "203.0.113.11"},
	{"compute-2", "203.0.113.12"},
};

static const struct fake_volume volumes[] = {
	{"9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a", "data", "available"},
	{"00000002-1111-2222-3333-444444444444", "web-data", "in-use"},
	{"00000004-1111-2222-3333-444444444444", "scratch", "available"},  /* nothing holds it */
};

#define N(a) (sizeof a / sizeof a[0])

static const struct fake_world world = {
	pools, images, domains, servers, hypervisors, volumes,
	N(pools), N(images), N(domains), N(servers), N(hypervisors), N(volumes),
	2000,
};

/* RBDWHO_FAKE=fence and nocaps: the same world without the hung pool, since a
 * blocklist or a delete looks at every pool (and would wait on it for good). */
static const struct fake_pool calm_pools[] = {
	{"volumes", true, FAKE_POOL_OK},
	{"vms", true, FAKE_POOL_OK},
	{"images", true, FAKE_POOL_OK},
	{".mgr", false, FAKE_POOL_OK},
	{"broken", true, FAKE_POOL_FAIL},
	{"big", true, FAKE_POOL_OK},
};

static const struct fake_world calm_world = {
	calm_pools, images, domains, servers, hypervisors, volumes,
	N(calm_pools), N(images), N(domains), N(servers), N(hypervisors), N(volumes),
	2000,
};

/* RBDWHO_FAKE=ns: RADOS namespaces, the rbd trash and clones. Pool volumes
 * has a namespace tenant-a (with a held volume, and a second copy of the
 * classic volume's UUID: a bare UUID then names two images), a volume Cinder
 * moved to the trash while an orphan still holds it (and a directory image
 * that has taken its name since, held by another client), and a clone of
 * images/base@snap; vms has another clone of it. */
#define TRASH_INST "7b7b7b7b-0000-4000-8000-000000000005"
#define TRASHED_AT 1764763200L  /* 2025-12-03 12:00 UTC */
static const struct fake_pool ns_pools[] = {
	{"volumes", true, FAKE_POOL_OK},
	{"vms", true, FAKE_POOL_OK},
	{"images", true, FAKE_POOL_OK},
};

static const struct fake_image ns_images[] = {
	{"volumes", VOL(1), "1001", 20 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
	{"volumes", VOL(3), "1003", 40 * GIB, {{"198.18.0.99:0/3003", 5003, 78}}, NULL, 0,
	 "images/base@snap"},
	{"volumes", VOL(5), "1005", 1 * GIB, {{"203.0.113.11:0/5005", 5005, 79}}, NULL, TRASHED_AT,
	 NULL},
	{"volumes", CLASSIC_VOL, "1009", 140 * GIB,
	 {{"203.0.113.11:0/1121431068", 4135, 139863932277888ULL}}, NULL, 0, NULL},
	/* the trashed volume's name taken again (rbd create after rbd trash mv):
	 * another image, another watcher; only the trash id tells them apart */
	{"volumes", VOL(5), "1105", 5 * GIB, {{"203.0.113.12:0/6005", 6005, 80}}, NULL, 0, NULL},
	{"volumes", VOL(2), "2102", 20 * GIB, {{"203.0.113.12:0/2002", 5002, 77}}, "tenant-a", 0,
	 NULL},
	{"volumes", CLASSIC_VOL, "2109", 10 * GIB, {{NULL, 0, 0}}, "tenant-a", 0, NULL},
	{"vms", CLASSIC_INST "_disk", "2001", 10 * GIB, {{NULL, 0, 0}}, NULL, 0, "images/base@snap"},
	{"images", "base", "3001", 2 * GIB, {{NULL, 0, 0}}, NULL, 0, NULL},
};

static const struct fake_domain ns_domains[] = {
	{"qemu+ssh://compute-1/system", "instance-0002f5c4", CLASSIC_INST, "running", "volumes/" CLASSIC_VOL},
	{"qemu+ssh://compute-2/system", "instance-00000002", ATT_INST, "running",
	 "volumes/tenant-a/" VOL(2)},
	{"qemu+ssh://compute-1/system", "instance-00000005", TRASH_INST, "running", "volumes/" VOL(5)},
};

static const struct fake_server ns_servers[] = {
	{CLASSIC_INST, NULL, NULL, NULL},
	{ATT_INST, "web-2", "ACTIVE", "compute-2"},
	{TRASH_INST, NULL, NULL, NULL},  /* 404: deleted, its volume trashed while busy */
};

static const struct fake_world ns_world = {
	ns_pools, ns_images, ns_domains, ns_servers, hypervisors, volumes,
	N(ns_pools), N(ns_images), N(ns_domains), N(ns_servers), N(hypervisors), N(volumes),
	0,
};

/* RBDWHO_FAKE=big: one pool "big" of $RBDWHO_FAKE_IMAGES images (100,000 by
 * default), nothing else: bench 3's browser figures without a cluster. */
static const struct fake_pool big_pools[] = {{"big", true, FAKE_POOL_OK}};

const struct fake_world *fake_world(void)
{
	static struct fake_world big;
	if (fake_is("fence") || fake_is("nocaps"))
		return &calm_world;
	if (fake_is("ns"))
		return &ns_world;
	if (!fake_is("big"))
		return &world;
	if (!big.npools) {
		const char *v = getenv("RBDWHO_FAKE_IMAGES");
		long n = v ? strtol(v, NULL, 10) : 0;
		big.pools = big_pools;
		big.npools = 1;
		big.big = n > 0 ? (size_t)n : 100000;
	}
	return &big;
}

bool fake_is(const char *word)
{
	const char *v = getenv("RBDWHO_FAKE");
	return v && strcmp(v, word) == 0;
}

void fake_hang(void)
{
	for (;;)
		pause();
}
