/* krbd.c — kernel RBD mappings from sysfs. The files are one short line each;
 * anything longer or odd is cut, never trusted (the tree may be a test's fake
 * or a remote host's answer). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbdwho/krbd.h"
#include "rbdwho/util.h"

#define KRBD_FIELD_MAX 1024

static const char *const krbd_fields[] = {
	"pool", "pool_ns", "name", "current_snap", "client_id", "client_addr",
};

void krbd_map_clear(struct krbd_map *m)
{
	free(m->id);
	rbd_ref_clear(&m->ref);
	free(m->client_id);
	free(m->client_addr);
	memset(m, 0, sizeof *m);
}

static void krbd_set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

bool krbd_map_set(struct krbd_map *m, const char *field, const char *value, size_t len)
{
	const char *nl = memchr(value, '\n', len);
	if (nl)
		len = (size_t)(nl - value);
	if (len > KRBD_FIELD_MAX)
		len = KRBD_FIELD_MAX;
	char *v = xstrndup(value, len);
	if (strcmp(field, "pool") == 0)
		krbd_set_str(&m->ref.pool, v);
	else if (strcmp(field, "pool_ns") == 0)
		krbd_set_str(&m->ref.nspace, v[0] ? v : (free(v), NULL));
	else if (strcmp(field, "name") == 0)
		krbd_set_str(&m->ref.image, v);
	else if (strcmp(field, "current_snap") == 0) /* "-": the image's head */
		krbd_set_str(&m->ref.snap, v[0] && strcmp(v, "-") != 0 ? v : (free(v), NULL));
	else if (strcmp(field, "client_id") == 0)
		krbd_set_str(&m->client_id, v);
	else if (strcmp(field, "client_addr") == 0)
		krbd_set_str(&m->client_addr, v);
	else {
		free(v);
		return false;
	}
	return true;
}

void krbd_list_take(struct krbd_list *l, struct krbd_map *m)
{
	if (!m->id || str_empty(m->ref.pool) || str_empty(m->ref.image)) {
		krbd_map_clear(m);
		return;
	}
	xgrow(&l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n++] = *m;
	memset(m, 0, sizeof *m);
}

char *krbd_device(const struct krbd_map *m)
{
	return xasprintf("/dev/rbd%s", m->id ? m->id : "?");
}

static void krbd_read_field(int dfd, const char *name, struct krbd_map *m)
{
	char buf[KRBD_FIELD_MAX + 1];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n >= 0)
		krbd_map_set(m, name, buf, (size_t)n);
}

static bool krbd_is_id(const char *s)
{
	if (!*s || strlen(s) > 10)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int krbd_id_cmp(const void *a, const void *b)
{
	long x = strtol(((const struct krbd_map *)a)->id, NULL, 10);
	long y = strtol(((const struct krbd_map *)b)->id, NULL, 10);
	return (x > y) - (x < y);
}

int krbd_scan(const char *sys_root, struct krbd_list *out, struct rw_error *err)
{
	char *path = xasprintf("%s/bus/rbd/devices", sys_root ? sys_root : "/sys");
	DIR *d = opendir(path);
	struct dirent *de;

	memset(out, 0, sizeof *out);
	if (!d) {
		int e = errno;
		int rc = e == ENOENT ? 0
			 : rw_error_set(err, e == EACCES ? -EACCES : -EIO,
					"cannot read kernel RBD mappings from %s: %s", path, strerror(e));
		free(path);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		if (!krbd_is_id(de->d_name))
			continue;
		int dfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		struct krbd_map m = {.id = xstrdup(de->d_name)};
		for (size_t i = 0; i < sizeof krbd_fields / sizeof *krbd_fields; i++)
			krbd_read_field(dfd, krbd_fields[i], &m);
		close(dfd);
		krbd_list_take(out, &m);
	}
	closedir(d);
	free(path);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, krbd_id_cmp);
	return 0;
}

void krbd_list_free(struct krbd_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		krbd_map_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
