/* fake_cloud.c — os.h, virt.h and proc.h answered from the fake world: Nova,
 * Cinder, libvirt domains per URI, and no local holder processes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/os.h"
#include "rbdwho/proc.h"
#include "rbdwho/virt.h"
#include "rbdwho/util.h"
#include "fake.h"

struct os_client {
	int unused;
};

int os_client_new(const struct os_opts *opts, struct os_client **out, struct rw_error *err)
{
	*out = xcalloc(1, sizeof **out);
	return 0;
}

void os_client_free(struct os_client *c)
{
	free(c);
}

int os_authenticate(struct os_client *c, struct rw_error *err)
{
	return 0;
}

bool os_token_is_admin(struct os_client *c)
{
	return true;
}

static void server_copy(const struct fake_server *s, struct nova_server *out)
{
	memset(out, 0, sizeof *out);
	out->id = xstrdup(s->id);
	out->name = xstrdup(s->name);
	out->status = xstrdup(s->status);
	out->host = xstrdup(s->host);
	out->project_id = xstrdup("0123456789abcdef0123456789abcdef");
}

int nova_get_server(struct os_client *c, const char *id, struct nova_server *out,
		    struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	for (size_t i = 0; i < w->nservers; i++)
		if (strcmp(w->servers[i].id, id) == 0 && w->servers[i].status) {
			server_copy(&w->servers[i], out);
			return 0;
		}
	return rw_error_set(err, -ENOENT, "Nova: instance %s not found (404)", id);
}

int nova_list_servers(struct os_client *c, struct nova_server **v, size_t *n,
		      struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	*v = xcalloc(w->nservers + 1, sizeof **v);
	*n = 0;
	for (size_t i = 0; i < w->nservers; i++)
		if (w->servers[i].status)
			server_copy(&w->servers[i], &(*v)[(*n)++]);
	return 0;
}

int nova_list_hypervisors(struct os_client *c, struct nova_hypervisor **v, size_t *n,
			  struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	*v = xcalloc(w->nhypervisors + 1, sizeof **v);
	for (size_t i = 0; i < w->nhypervisors; i++) {
		(*v)[i].id = xasprintf("%zu", i + 1);
		(*v)[i].hostname = xstrdup(w->hypervisors[i].hostname);
		(*v)[i].service_host = xstrdup(w->hypervisors[i].hostname);
		(*v)[i].host_ip = xstrdup(w->hypervisors[i].host_ip);
		(*v)[i].state = xstrdup("up");
		(*v)[i].status = xstrdup("enabled");
	}
	*n = w->nhypervisors;
	return 0;
}

int cinder_get_volume(struct os_client *c, const char *id, struct cinder_volume *out,
		      struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < w->nvolumes && !fake_volume_deleted(id); i++)
		if (strcmp(w->volumes[i].id, id) == 0) {
			out->id = xstrdup(id);
			out->name = xstrdup(w->volumes[i].name);
			out->status = xstrdup(w->volumes[i].status);
			return 0;
		}
	return rw_error_set(err, -ENOENT, "Cinder: volume %s not found (404)", id);
}

/* ---- libvirt ---- */

static void domain_copy(const struct fake_domain *d, struct virt_domain *out)
{
	memset(out, 0, sizeof *out);
	out->xml.name = xstrdup(d->name);
	out->xml.uuid = xstrdup(d->uuid);
	struct rbd_ref r = {0};
	if (rbd_ref_parse_spec(d->disk, &r) == 0)
		rbd_refs_push(&out->xml.disks, &r);
	out->state = xstrdup(d->state);
	out->active = strcmp(d->state, "running") == 0;
	out->id = out->active ? 1 : -1;
}

int virt_list_domains(const char *uri, int timeout_ms, struct virt_domains *out,
		      struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < w->ndomains; i++) {
		if (strcmp(w->domains[i].uri, uri) != 0)
			continue;
		xgrow(&out->v, &out->cap, out->n, sizeof *out->v);
		domain_copy(&w->domains[i], &out->v[out->n++]);
	}
	return 0;
}

int virt_lookup_domain(const char *uri, const char *uuid, int timeout_ms,
		       struct virt_domain *out, struct rw_error *err)
{
	const struct fake_world *w = fake_world();
	for (size_t i = 0; i < w->ndomains; i++)
		if (strcmp(w->domains[i].uri, uri) == 0 && strcmp(w->domains[i].uuid, uuid) == 0) {
			domain_copy(&w->domains[i], out);
			return 0;
		}
	return rw_error_set(err, -ENOENT, "libvirt %s: no domain %s", uri, uuid);
}

/* Refused: the fake world does not change (a test sees the failure path). */
int virt_destroy_domain(const char *uri, const char *uuid, int timeout_ms, struct rw_error *err)
{
	return rw_error_set(err, -EACCES, "libvirt %s: destroy of %s refused (the fake "
			    "world does not change)", uri, uuid);
}

int virt_hostname(const char *uri, int timeout_ms, char **out, struct rw_error *err)
{
	*out = xstrdup("fakehost");
	return 0;
}

/* ---- processes ---- */

int proc_scan(const char *proc_root, struct proc_list *out, struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	return 0;
}
