/* os.h — OpenStack over libcurl: Keystone v3 authentication (password or
 * application credential), Nova and Cinder v3. Settings come the way the
 * openstack client takes them: OS_* variables, clouds.yaml, --os-cloud.
 * Every request is bounded by timeout_ms; nothing here retries forever.
 * A struct os_client may be shared by threads (the token is guarded). */
#ifndef RBDWHO_OS_H
#define RBDWHO_OS_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/error.h"
#include "rbdwho/parse_os.h"

struct os_opts {
	char *cloud;  /* --os-cloud / OS_CLOUD: the entry of clouds.yaml */
	char *auth_url;
	char *auth_type;  /* "password" (default) or "v3applicationcredential" */
	char *username, *user_id, *password;
	char *user_domain_name, *user_domain_id;
	char *project_name, *project_id;
	char *project_domain_name, *project_domain_id;
	char *app_cred_id, *app_cred_name, *app_cred_secret;
	char *region_name;
	char *interface;  /* "public" (default), "internal", "admin" */
	char *cacert;     /* CA bundle (OS_CACERT / cacert) */
	bool insecure;    /* OS_INSECURE / verify: false */
	int timeout_ms;   /* per request (default 10000) */
};

/* Fills opts from clouds.yaml (when a cloud is named by `cloud` or OS_CLOUD;
 * searched in ./clouds.yaml, ~/.config/openstack/, /etc/openstack/, or
 * $OS_CLIENT_CONFIG_FILE) and then from OS_* variables, which win. Returns
 * -ENOENT when no auth_url is known (OpenStack not configured: the caller
 * degrades to UNKNOWN), -EINVAL on a named cloud that does not exist or a
 * malformed clouds.yaml ("file:line: reason"). opts is reset first (timeout_ms
 * 10000); on error it is left empty. Implemented in clouds.c (see clouds.h). */
int os_opts_load(struct os_opts *opts, const char *cloud, struct rw_error *err);
void os_opts_clear(struct os_opts *opts);

struct os_client;

/* No network I/O here: authentication happens on the first request. */
int os_client_new(const struct os_opts *opts, struct os_client **out, struct rw_error *err);
void os_client_free(struct os_client *c);

/* Authenticates now (or re-uses a valid token). -EACCES on 401. */
int os_authenticate(struct os_client *c, struct rw_error *err);

/* Whether the current token carries the admin role (false before the first
 * authentication). Nova answers 404 for another project's server to anyone
 * without it, so only an admin's 404 proves a server is gone. */
bool os_token_is_admin(struct os_client *c);

/* GET /servers/{id}: 0 with *out filled when Nova knows it, -ENOENT ONLY on
 * Nova's own 404 (positive knowledge that it is gone), anything else is an
 * error (timeout, 5xx, garbage): the chain turns those into UNKNOWN. A 404
 * that is HTML, empty, or Nova's router's "The resource could not be found."
 * (the URL is wrong, not the server gone) is -EPROTO.
 * A 401 re-authenticates once and retries. */
int nova_get_server(struct os_client *c, const char *id, struct nova_server *out,
		    struct rw_error *err);

/* GET /servers/detail?all_tenants=1, every page (limit/marker). */
int nova_list_servers(struct os_client *c, struct nova_server **v, size_t *n,
		      struct rw_error *err);

/* GET /os-hypervisors/detail, every page. */
int nova_list_hypervisors(struct os_client *c, struct nova_hypervisor **v, size_t *n,
			  struct rw_error *err);

/* GET /volumes/{id}: -ENOENT on Cinder's 404. */
int cinder_get_volume(struct os_client *c, const char *id, struct cinder_volume *out,
		      struct rw_error *err);

/* DELETE /volumes/{id}: 0 on Cinder's 202 (the delete is accepted: the volume
 * goes to `deleting`, then away or to `error_deleting`). -ENOENT on Cinder's own
 * 404 (already gone); -EIO on 400/409 (Cinder refuses: attached, snapshots, an
 * action in progress, …) and 5xx, with Cinder's own message; -EACCES on 403. */
int cinder_delete_volume(struct os_client *c, const char *id, struct rw_error *err);

/* Cinder's newest user message about a volume (GET /messages?resource_uuid=,
 * microversion 3.5): why a delete ended in `error_deleting`. *out NULL when
 * Cinder has none. malloc'd. */
int cinder_volume_message(struct os_client *c, const char *id, char **out,
			  struct rw_error *err);

#endif
