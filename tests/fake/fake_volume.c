/* fake_volume.c — Cinder's delete answered in the fake world: the world is
 * fixed, so a delete is refused as Cinder refuses one it cannot do (HTTP 400),
 * and there is no user message. Enough for the browser's dialog to run hermetic. */
#include <errno.h>
#include <stddef.h>

#include "rbdwho/os.h"
#include "fake.h"

int cinder_delete_volume(struct os_client *c, const char *id, struct rw_error *err)
{
	if (fake_is("fence")) {  /* the world that remedies change (fake_changes.c) */
		fake_delete_volume(id);
		return 0;
	}
	return rw_error_set(err, -EIO,
	                    "cinder (fake world) refused to delete volume %s (HTTP 400: the fake "
	                    "world cannot change)",
	                    id);
}

int cinder_volume_message(struct os_client *c, const char *id, char **out, struct rw_error *err)
{
	*out = NULL;
	return 0;
}
