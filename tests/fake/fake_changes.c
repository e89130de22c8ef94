/* fake_changes.c — the part of the fake world that remedies change, kept in
 * memory for the run: the OSD blocklist (fake_admin.c) and the volumes Cinder
 * deleted (fake_volume.c). The fake Ceph hides a blocklisted client's watches
 * and a deleted volume's image, as the real ones do a moment after the act.
 * Workers call in from several threads: one lock. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "fake.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct strvec blocked, deleted;

static bool has(struct strvec *v, const char *s)
{
	pthread_mutex_lock(&lock);
	bool r = strvec_contains(v, s);
	pthread_mutex_unlock(&lock);
	return r;
}

bool fake_blocklisted(const char *addr)
{
	return has(&blocked, addr);
}

bool fake_block(const char *addr, bool on)
{
	pthread_mutex_lock(&lock);
	bool was = strvec_contains(&blocked, addr);
	if (on && !was)
		strvec_push(&blocked, addr);
	for (size_t i = 0; !on && was && i < blocked.n; i++)
		if (strcmp(blocked.v[i], addr) == 0) {
			free(blocked.v[i]);
			blocked.v[i] = blocked.v[--blocked.n];
			break;
		}
	pthread_mutex_unlock(&lock);
	return was;
}

/* The entries as Ceph would list them (a copy). */
void fake_blocklist_copy(struct strvec *out)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < blocked.n; i++)
		strvec_push(out, blocked.v[i]);
	pthread_mutex_unlock(&lock);
}

void fake_delete_volume(const char *id)
{
	pthread_mutex_lock(&lock);
	if (!strvec_contains(&deleted, id))
		strvec_push(&deleted, id);
	pthread_mutex_unlock(&lock);
}

bool fake_volume_deleted(const char *id)
{
	return has(&deleted, id);
}

bool fake_image_deleted(const char *image)
{
	return strncmp(image, "volume-", 7) == 0 && fake_volume_deleted(image + 7);
}
