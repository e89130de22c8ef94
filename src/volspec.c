/* volspec.c — volume names as operators type them (volspec.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbdwho/volspec.h"

#define UUID_LEN 36

static const char *const nova_disks[] = {
#define X(suffix) suffix,
	VOLSPEC_NOVA_DISKS(X)
#undef X
};
#define NNOVA_DISKS (sizeof nova_disks / sizeof nova_disks[0])

static char *lower_uuid(const char *s)
{
	char *u = xstrndup(s, UUID_LEN);
	for (char *p = u; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return u;
}

/* Whether s starts with a UUID followed by exactly one Nova disk suffix. */
static const char *nova_disk_suffix(const char *s)
{
	if (strlen(s) <= UUID_LEN)
		return NULL;
	char *u = xstrndup(s, UUID_LEN);
	bool uuid = str_is_uuid(u);
	free(u);
	for (size_t i = 0; uuid && i < NNOVA_DISKS; i++)
		if (strcmp(s + UUID_LEN, nova_disks[i]) == 0)
			return nova_disks[i];
	return NULL;
}

int volspec_candidates(const char *spec, struct strvec *names)
{
	if (!spec)
		return -EINVAL;
	if (str_is_uuid(spec)) {
		char *u = lower_uuid(spec);
		strvec_push_owned(names, xasprintf("volume-%s", u));
		for (size_t i = 0; i < NNOVA_DISKS; i++)
			strvec_push_owned(names, xasprintf("%s%s", u, nova_disks[i]));
		strvec_push(names, u);
		if (strcmp(u, spec) != 0)
			strvec_push(names, spec);  /* an image named by the UUID as typed */
		free(u);
		return 0;
	}
	if (strncasecmp(spec, "volume-", 7) == 0 && str_is_uuid(spec + 7)) {
		char *u = lower_uuid(spec + 7);
		strvec_push_owned(names, xasprintf("volume-%s", u));
		free(u);
		return 0;
	}
	const char *suffix = nova_disk_suffix(spec);
	if (suffix) {
		char *u = lower_uuid(spec);
		strvec_push_owned(names, xasprintf("%s%s", u, suffix));
		free(u);
		return 0;
	}
	return -EINVAL;
}

char *volspec_volume_uuid(const char *image)
{
	if (image && str_starts_with(image, "volume-") && str_is_uuid(image + 7))
		return xstrdup(image + 7);
	return NULL;
}

char *volspec_instance_uuid(const char *image)
{
	return image && nova_disk_suffix(image) ? xstrndup(image, UUID_LEN) : NULL;
}

int volspec_split_ns(const char *name, char **nspace, char **image)
{
	*nspace = *image = NULL;
	if (str_empty(name))
		return -EINVAL;
	const char *slash = strchr(name, '/');
	if (!slash) {
		*image = xstrdup(name);
		return 0;
	}
	if (slash == name || !slash[1] || strchr(slash + 1, '/'))
		return -EINVAL;
	*nspace = xstrndup(name, (size_t)(slash - name));
	*image = xstrdup(slash + 1);
	return 0;
}

char *volspec_join_ns(const char *nspace, const char *image)
{
	return str_empty(nspace) ? xstrdup(image) : xasprintf("%s/%s", nspace, image);
}
