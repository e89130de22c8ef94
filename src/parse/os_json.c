/* os_json.c — reads the JSON bodies of Keystone v3, Nova and Cinder v3 into
 * plain structs (see parse_os.h). Pure parsing: no I/O, no globals. A body that
 * is not JSON, or lacks the object the caller asked for, is -EPROTO. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "rbdwho/parse_os.h"
#include "rbdwho/util.h"

/* Bodies larger than this are refused before json-c sees them: the transport
 * caps responses too, this keeps the parser safe on its own. */
#define OS_JSON_MAX (256u << 20)

/* Parses exactly len bytes; NULL unless the whole text is one JSON object. */
static struct json_object *json_parse_object(const char *json, size_t len)
{
	if (!json || len == 0 || len > OS_JSON_MAX)
		return NULL;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return NULL;
	struct json_object *root = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		json_object_put(root);
		return NULL;
	}
	/* Trailing garbage after the object means a truncated or spliced body. */
	for (; used < len; used++) {
		if (!isspace((unsigned char)json[used])) {
			json_object_put(root);
			return NULL;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

static struct json_object *json_get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A string member, copied; numbers are turned into text (hypervisor ids were
 * integers before microversion 2.53); anything else (null, objects) is NULL. */
static char *json_dup_str(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
		return xstrndup(json_object_get_string(v), (size_t)json_object_get_string_len(v));
	case json_type_int:
		return xasprintf("%lld", (long long)json_object_get_int64(v));
	default:
		return NULL;
	}
}

static bool json_str_eq(struct json_object *o, const char *key, const char *want)
{
	struct json_object *v = json_get(o, key, json_type_string);
	return v && strcmp(json_object_get_string(v), want) == 0;
}

/* "publicURL" (OS_ENDPOINT_TYPE, Keystone v2 style) means "public". */
static bool interface_matches(const char *have, const char *want)
{
	size_t n = strlen(want);
	if (str_ends_with(want, "URL"))
		n -= 3;
	return strlen(have) == n && strncasecmp(have, want, n) == 0;
}

static char *catalog_find(struct json_object *catalog, const char *type, const char *interface,
                          const char *region)
{
	size_t n = json_object_array_length(catalog);
	for (size_t i = 0; i < n; i++) {
		struct json_object *svc = json_object_array_get_idx(catalog, i);
		struct json_object *eps = json_get(svc, "endpoints", json_type_array);
		if (!eps || !json_str_eq(svc, "type", type))
			continue;
		size_t m = json_object_array_length(eps);
		for (size_t j = 0; j < m; j++) {
			struct json_object *ep = json_object_array_get_idx(eps, j);
			struct json_object *ifc = json_get(ep, "interface", json_type_string);
			struct json_object *url = json_get(ep, "url", json_type_string);
			if (!ifc || !url ||
			    !interface_matches(json_object_get_string(ifc), interface))
				continue;
			if (region && !json_str_eq(ep, "region_id", region) &&
			    !json_str_eq(ep, "region", region))
				continue;
			return xstrdup(json_object_get_string(url));
		}
	}
	return NULL;
}

int parse_keystone_endpoint(const char *json, size_t len, const char *service_type,
                            const char *interface, const char *region, char **url)
{
	*url = NULL;
	struct json_object *root = json_parse_object(json, len);
	struct json_object *token = json_get(root, "token", json_type_object);
	struct json_object *catalog = json_get(token, "catalog", json_type_array);
	if (!catalog) {
		json_object_put(root);
		return -EPROTO;
	}
	if (str_empty(interface))
		interface = "public";
	if (str_empty(region))
		region = NULL;
	*url = catalog_find(catalog, service_type, interface, region);
	/* Cinder's v3 API has been published under three type names over the years. */
	if (!*url && strcmp(service_type, "volumev3") == 0)
		*url = catalog_find(catalog, "block-storage", interface, region);
	if (!*url && strcmp(service_type, "volumev3") == 0)
		*url = catalog_find(catalog, "volume", interface, region);
	json_object_put(root);
	return *url ? 0 : -ENOENT;
}

/* "2015-11-07T02:58:43.578887Z" or "…+00:00" / "…-05:00" → seconds since the epoch. */
static long long parse_iso8601(const char *s)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return 0;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	long long off = 0;
	if (*p == '+' || *p == '-') {
		int hh = 0, mm = 0;
		/* Two-digit fields cannot overflow an int. NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) < 1)
			return 0;
		off = (hh * 3600LL + mm * 60LL) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z' && *p != '\0') {
		return 0;
	}
	return (long long)timegm(&tm) - off;
}

bool parse_keystone_has_role(const char *json, size_t len, const char *role)
{
	struct json_object *root = json_parse_object(json, len);
	struct json_object *token = json_get(root, "token", json_type_object);
	struct json_object *roles = json_get(token, "roles", json_type_array);
	bool found = false;
	for (size_t i = 0; roles && i < json_object_array_length(roles) && !found; i++) {
		struct json_object *name = json_get(json_object_array_get_idx(roles, i), "name",
						    json_type_string);
		found = name && strcasecmp(json_object_get_string(name), role) == 0;
	}
	json_object_put(root);
	return found;
}

long long parse_keystone_expiry(const char *json, size_t len)
{
	struct json_object *root = json_parse_object(json, len);
	struct json_object *token = json_get(root, "token", json_type_object);
	struct json_object *exp = json_get(token, "expires_at", json_type_string);
	long long t = exp ? parse_iso8601(json_object_get_string(exp)) : 0;
	json_object_put(root);
	return t;
}

void nova_server_clear(struct nova_server *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->name);
	free(s->status);
	free(s->host);
	free(s->hypervisor_hostname);
	free(s->instance_name);
	free(s->project_id);
	free(s->task_state);
	free(s->vm_state);
	memset(s, 0, sizeof *s);
}

static int server_from_json(struct json_object *o, struct nova_server *out)
{
	memset(out, 0, sizeof *out);
	if (!json_object_is_type(o, json_type_object))
		return -EPROTO;
	out->id = json_dup_str(o, "id");
	if (str_empty(out->id)) {
		nova_server_clear(out);
		return -EPROTO;
	}
	out->name = json_dup_str(o, "name");
	out->status = json_dup_str(o, "status");
	out->host = json_dup_str(o, "OS-EXT-SRV-ATTR:host");
	out->hypervisor_hostname = json_dup_str(o, "OS-EXT-SRV-ATTR:hypervisor_hostname");
	out->instance_name = json_dup_str(o, "OS-EXT-SRV-ATTR:instance_name");
	out->project_id = json_dup_str(o, "tenant_id");
	if (!out->project_id)
		out->project_id = json_dup_str(o, "project_id");
	out->task_state = json_dup_str(o, "OS-EXT-STS:task_state");
	out->vm_state = json_dup_str(o, "OS-EXT-STS:vm_state");
	return 0;
}

int parse_nova_server(const char *json, size_t len, struct nova_server *out)
{
	memset(out, 0, sizeof *out);
	struct json_object *root = json_parse_object(json, len);
	struct json_object *srv = json_get(root, "server", json_type_object);
	int rc = srv ? server_from_json(srv, out) : -EPROTO;
	json_object_put(root);
	return rc;
}

/* The marker query parameter of an href, percent-decoded; NULL if absent. */
static char *href_marker(const char *href)
{
	const char *q = strchr(href, '?');
	for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, "marker=", 7) != 0)
			continue;
		const char *v = p + 8;
		size_t n = strcspn(v, "&#");
		char *out = xmalloc(n + 1), *o = out;
		for (size_t i = 0; i < n; i++) {
			if (v[i] == '%' && i + 2 < n && isxdigit((unsigned char)v[i + 1]) &&
			    isxdigit((unsigned char)v[i + 2])) {
				char hex[3] = {v[i + 1], v[i + 2], 0};
				*o++ = (char)strtol(hex, NULL, 16);
				i += 2;
			} else {
				*o++ = (char)(v[i] == '+' ? ' ' : v[i]);
			}
		}
		*o = '\0';
		if (*out)
			return out;
		free(out);
		return NULL;
	}
	return NULL;
}

/* The "next" link of a collection: its marker, else the id of the last item
 * (a next link without a marker still means "there is more after this"). */
static char *links_next_marker(struct json_object *links, const char *last_id)
{
	size_t n = links ? json_object_array_length(links) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(links, i);
		struct json_object *href = json_get(l, "href", json_type_string);
		if (!href || !json_str_eq(l, "rel", "next"))
			continue;
		char *m = href_marker(json_object_get_string(href));
		return m ? m : xstrdup(last_id);
	}
	return NULL;
}

int parse_nova_servers(const char *json, size_t len, struct nova_server **v, size_t *n,
                       char **next_marker)
{
	*next_marker = NULL;
	struct json_object *root = json_parse_object(json, len);
	struct json_object *arr = json_get(root, "servers", json_type_array);
	if (!arr) {
		json_object_put(root);
		return -EPROTO;
	}
	size_t cnt = json_object_array_length(arr), base = *n;
	/* Grow exactly: callers' arrays carry no separate capacity. */
	*v = xrealloc(*v, (*n + cnt) * sizeof **v);
	for (size_t i = 0; i < cnt; i++) {
		if (server_from_json(json_object_array_get_idx(arr, i), &(*v)[base + i]) < 0) {
			for (size_t j = base; j < base + i; j++)
				nova_server_clear(&(*v)[j]);
			json_object_put(root);
			return -EPROTO;
		}
	}
	*n = base + cnt;
	*next_marker = links_next_marker(json_get(root, "servers_links", json_type_array),
	                                 cnt ? (*v)[*n - 1].id : NULL);
	json_object_put(root);
	return 0;
}

void nova_hypervisor_clear(struct nova_hypervisor *h)
{
	if (!h)
		return;
	free(h->id);
	free(h->hostname);
	free(h->host_ip);
	free(h->service_host);
	free(h->state);
	free(h->status);
	memset(h, 0, sizeof *h);
}

static int hypervisor_from_json(struct json_object *o, struct nova_hypervisor *h)
{
	memset(h, 0, sizeof *h);
	if (!json_object_is_type(o, json_type_object))
		return -EPROTO;
	h->id = json_dup_str(o, "id");
	h->hostname = json_dup_str(o, "hypervisor_hostname");
	if (!h->hostname) {
		nova_hypervisor_clear(h);
		return -EPROTO;
	}
	h->host_ip = json_dup_str(o, "host_ip");
	h->service_host = json_dup_str(json_get(o, "service", json_type_object), "host");
	h->state = json_dup_str(o, "state");
	h->status = json_dup_str(o, "status");
	return 0;
}

int parse_nova_hypervisors(const char *json, size_t len, struct nova_hypervisor **v, size_t *n,
                           char **next_marker)
{
	*next_marker = NULL;
	struct json_object *root = json_parse_object(json, len);
	struct json_object *arr = json_get(root, "hypervisors", json_type_array);
	if (!arr) {
		json_object_put(root);
		return -EPROTO;
	}
	size_t cnt = json_object_array_length(arr), base = *n;
	*v = xrealloc(*v, (*n + cnt) * sizeof **v);
	for (size_t i = 0; i < cnt; i++) {
		if (hypervisor_from_json(json_object_array_get_idx(arr, i), &(*v)[base + i]) < 0) {
			for (size_t j = base; j < base + i; j++)
				nova_hypervisor_clear(&(*v)[j]);
			json_object_put(root);
			return -EPROTO;
		}
	}
	*n = base + cnt;
	*next_marker = links_next_marker(json_get(root, "hypervisors_links", json_type_array),
	                                 cnt ? (*v)[*n - 1].id : NULL);
	json_object_put(root);
	return 0;
}

void cinder_volume_clear(struct cinder_volume *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->natt; i++) {
		free(v->att[i].server_id);
		free(v->att[i].host_name);
		free(v->att[i].attachment_id);
		free(v->att[i].device);
	}
	free(v->att);
	free(v->id);
	free(v->name);
	free(v->status);
	free(v->host);
	memset(v, 0, sizeof *v);
}

static void attachments_from_json(struct json_object *arr, struct cinder_volume *out)
{
	size_t cnt = arr ? json_object_array_length(arr) : 0;
	if (!cnt)
		return;
	out->att = xcalloc(cnt, sizeof *out->att);
	for (size_t i = 0; i < cnt; i++) {
		struct json_object *a = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(a, json_type_object))
			continue;
		struct cinder_attachment *t = &out->att[out->natt++];
		t->server_id = json_dup_str(a, "server_id");
		t->host_name = json_dup_str(a, "host_name");
		t->attachment_id = json_dup_str(a, "attachment_id");
		t->device = json_dup_str(a, "device");
	}
}

int parse_cinder_volume(const char *json, size_t len, struct cinder_volume *out)
{
	memset(out, 0, sizeof *out);
	struct json_object *root = json_parse_object(json, len);
	struct json_object *vol = json_get(root, "volume", json_type_object);
	char *id = json_dup_str(vol, "id");
	if (str_empty(id)) {
		free(id);
		json_object_put(root);
		return -EPROTO;
	}
	out->id = id;
	out->name = json_dup_str(vol, "name");
	out->status = json_dup_str(vol, "status");
	out->host = json_dup_str(vol, "os-vol-host-attr:host");
	attachments_from_json(json_get(vol, "attachments", json_type_array), out);
	json_object_put(root);
	return 0;
}

/* Every OpenStack service wraps errors as {"<faultName>": {"message": …}}
 * (Nova/Cinder: itemNotFound, computeFault, badRequest…; Keystone: "error");
 * some proxies and older services use a top-level "message". */
char *parse_os_error_message(const char *json, size_t len)
{
	struct json_object *root = json_parse_object(json, len);
	char *msg = NULL;
	if (!root)
		return NULL;
	json_object_object_foreach(root, key, val)
	{
		(void)key;
		struct json_object *m = json_get(val, "message", json_type_string);
		if (m) {
			msg = xstrdup(json_object_get_string(m));
			break;
		}
	}
	if (!msg && json_get(root, "message", json_type_string))
		msg = json_dup_str(root, "message");
	json_object_put(root);
	return msg;
}
