/* parse_os.h — the JSON bodies of Keystone v3, Nova and Cinder v3, read with
 * json-c into plain structs. Pure parsing, no I/O; unknown fields are ignored,
 * missing optional fields become NULL, a body of the wrong shape is -EPROTO. */
#ifndef RBDWHO_PARSE_OS_H
#define RBDWHO_PARSE_OS_H

#include <stdbool.h>
#include <stddef.h>

/* The URL of service_type ("compute", "volumev3"; for volumev3 also "block-storage"
 * and "volume" are tried) at interface ("public" by default) in region (NULL: any)
 * from a POST /v3/auth/tokens response body. -ENOENT when the catalog lacks it. */
int parse_keystone_endpoint(const char *json, size_t len, const char *service_type,
			    const char *interface, const char *region, char **url);
/* True when the token in a POST /v3/auth/tokens response body carries role
 * (case-insensitive), e.g. "admin". */
bool parse_keystone_has_role(const char *json, size_t len, const char *role);
/* The token's expires_at as a UTC time_t-compatible value (seconds), 0 if absent. */
long long parse_keystone_expiry(const char *json, size_t len);

struct nova_server {
	char *id, *name, *status;   /* status: ACTIVE, SHUTOFF, DELETED, SOFT_DELETED, … */
	char *host;                 /* OS-EXT-SRV-ATTR:host (admin only), NULL if absent */
	char *hypervisor_hostname;  /* OS-EXT-SRV-ATTR:hypervisor_hostname */
	char *instance_name;        /* OS-EXT-SRV-ATTR:instance_name: instance-0002f5c4 */
	char *project_id;           /* tenant_id */
	char *task_state;           /* OS-EXT-STS:task_state */
	char *vm_state;             /* OS-EXT-STS:vm_state: active, stopped, shelved_offloaded, … */
};
void nova_server_clear(struct nova_server *s);
/* {"server": {…}} */
int parse_nova_server(const char *json, size_t len, struct nova_server *out);
/* {"servers": […], "servers_links": [{"rel":"next","href":…}]}: appends to *v and *n;
 * *next_marker is the marker of the next page (malloc'd) or NULL on the last. */
int parse_nova_servers(const char *json, size_t len, struct nova_server **v, size_t *n,
		       char **next_marker);

struct nova_hypervisor {
	char *id;            /* int before 2.53, UUID from 2.53 on: always kept as text */
	char *hostname;      /* hypervisor_hostname */
	char *host_ip;
	char *service_host;  /* service.host: the name Nova's servers use as host */
	char *state, *status;
};
void nova_hypervisor_clear(struct nova_hypervisor *h);
/* {"hypervisors": […]} from /os-hypervisors/detail; appends; *next_marker as above. */
int parse_nova_hypervisors(const char *json, size_t len, struct nova_hypervisor **v,
			   size_t *n, char **next_marker);

struct cinder_attachment {
	char *server_id, *host_name, *attachment_id, *device;
};
struct cinder_volume {
	char *id, *name, *status;  /* status: available, in-use, … */
	char *host;                /* os-vol-host-attr:host */
	struct cinder_attachment *att;
	size_t natt;
};
void cinder_volume_clear(struct cinder_volume *v);
/* {"volume": {…}} */
int parse_cinder_volume(const char *json, size_t len, struct cinder_volume *out);

/* The message of an OpenStack error body ({"itemNotFound": {"message": …}},
 * {"error": {"message": …}}, …); malloc'd, NULL if none. */
char *parse_os_error_message(const char *json, size_t len);

#endif
