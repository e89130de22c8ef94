/* sessions.c — a monitor's session list and the monitor map, from the JSON the
 * monitors answer with (Pacific's layout: "addrs" is {"addrvec":[{"type","addr",
 * "nonce"}…]}; older monitors printed it as one "v1:IP:PORT/NONCE" string, which
 * is read too). No I/O. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>

#include "rbdwho/parse_addr.h"
#include "rbdwho/parse_sessions.h"

/* Session entries nest three levels (session → addrs → addrvec → entry); more
 * is not a monitor's answer. */
#define SESSIONS_JSON_MAX_DEPTH 16

static struct json_object *sessions_parse_json(const char *json, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(SESSIONS_JSON_MAX_DEPTH);
	struct json_object *o = NULL;

	if (!tok || !json || len > INT_MAX) {
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, json, (int)len);
	/* one document, then nothing but blanks (the monitors end with a newline) */
	size_t end = json_tokener_get_parse_end(tok);
	bool blank_tail = true;
	/* bounded by len: a monitor's answer is not NUL-terminated */
	for (size_t i = end; i < len && blank_tail; i++)
		blank_tail = strchr(" \t\r\n", json[i]) != NULL && json[i] != '\0';
	if (json_tokener_get_error(tok) != json_tokener_success || !blank_tail) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *obj_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A non-negative integer member; false when absent or of another type. */
static bool obj_uint(struct json_object *o, const char *key, uint64_t max, uint64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	if (json_object_get_int64(v) < 0)
		return false;
	uint64_t u = json_object_get_uint64(v); /* also above INT64_MAX */
	if (u > max)
		return false;
	*out = u;
	return true;
}

/* "addrs": {"addrvec":[{"addr":"IP:PORT","nonce":N},…]} (the first entry: one
 * client's entries share IP and nonce), or the older "v1:IP:PORT/N" string. */
static void session_read_addrs(struct json_object *o, struct mon_session *s)
{
	struct json_object *addrs, *vec;
	uint64_t nonce = 0;

	if (!json_object_object_get_ex(o, "addrs", &addrs))
		return;
	if (json_object_is_type(addrs, json_type_string)) {
		struct watcher_addr a;
		if (parse_watcher_addr(json_object_get_string(addrs), &a) == 0) {
			free(s->addr);
			s->addr = xasprintf(a.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a.ip, a.port);
			s->nonce = a.nonce;
		}
		return;
	}
	if (!json_object_is_type(addrs, json_type_object) ||
	    !json_object_object_get_ex(addrs, "addrvec", &vec) ||
	    !json_object_is_type(vec, json_type_array) || json_object_array_length(vec) == 0)
		return;
	struct json_object *first = json_object_array_get_idx(vec, 0);
	if (!json_object_is_type(first, json_type_object))
		return;
	const char *addr = obj_str(first, "addr");
	if (addr) {
		free(s->addr);
		s->addr = xstrdup(addr);
	}
	if (obj_uint(first, "nonce", UINT32_MAX, &nonce))
		s->nonce = (uint32_t)nonce;
}

/* "name":"client.N" → N; 0 for any other entity type or form. */
static uint64_t session_name_id(struct json_object *o)
{
	const char *name = obj_str(o, "name");
	const char *p = name && str_starts_with(name, "client.") ? name + strlen("client.") : NULL;
	if (!p || *p < '0' || *p > '9')
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(p, &end, 10);
	return errno || *end ? 0 : (uint64_t)n;
}

int parse_mon_sessions(const char *json, size_t len, struct mon_sessions *out)
{
	struct json_object *root = sessions_parse_json(json, len);

	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return -EPROTO;
	}
	size_t n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(root, i);
		struct mon_session s = {0};
		if (!json_object_is_type(o, json_type_object) ||
		    !obj_uint(o, "global_id", UINT64_MAX, &s.global_id))
			continue;
		const char *entity = obj_str(o, "entity_name");
		const char *host = obj_str(o, "remote_host");
		s.entity_name = xstrdup(entity ? entity : "");
		s.addr = xstrdup("");
		s.remote_host = str_empty(host) ? NULL : xstrdup(host);
		s.name_id = session_name_id(o);
		const char *gs = obj_str(o, "global_id_status");
		s.reclaimed = gs && str_starts_with(gs, "reclaim_");
		session_read_addrs(o, &s);
		xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = s;
	}
	json_object_put(root);
	return 0;
}

void mon_sessions_free(struct mon_sessions *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].entity_name);
		free(s->v[i].addr);
		free(s->v[i].remote_host);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const struct mon_session *mon_sessions_find(const struct mon_sessions *s, uint64_t global_id,
					    uint32_t nonce)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].nonce == nonce && global_id != 0 &&
		    (s->v[i].global_id == global_id || s->v[i].name_id == global_id))
			return &s->v[i];
	return NULL;
}

int parse_quorum_age(const char *json, size_t len, long long *age_s)
{
	struct json_object *root = sessions_parse_json(json, len);
	uint64_t age;
	bool ok = root && json_object_is_type(root, json_type_object) &&
		  obj_uint(root, "quorum_age", INT64_MAX, &age);

	json_object_put(root);
	if (!ok)
		return -EPROTO;
	*age_s = (long long)age;
	return 0;
}

int parse_monmap_names(const char *json, size_t len, struct strvec *names)
{
	struct json_object *root = sessions_parse_json(json, len), *mons;

	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "mons", &mons) ||
	    !json_object_is_type(mons, json_type_array)) {
		json_object_put(root);
		return -EPROTO;
	}
	size_t n = json_object_array_length(mons);
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mons, i);
		const char *name = json_object_is_type(m, json_type_object) ? obj_str(m, "name") : NULL;
		if (!str_empty(name) && !strvec_contains(names, name))
			strvec_push(names, name);
	}
	json_object_put(root);
	return 0;
}
