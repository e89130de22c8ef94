/* clouds.c — OpenStack settings the way the openstack client finds them:
 * clouds.yaml (+ secure.yaml) read with libyaml, then the OS_* variables on
 * top. The files hold secrets: no value read here ever goes into a message. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "rbdwho/clouds.h"
#include "rbdwho/os.h"
#include "rbdwho/util.h"

#define CLOUDS_MAX_BYTES (4u << 20) /* a real clouds.yaml is a few KiB */
#define CLOUDS_MAX_DEPTH 8          /* nested "<<" merge keys */
#define CLOUDS_MAX_NESTING 64       /* mappings and lists inside each other */
#define CLOUDS_MAX_VISITS 100000    /* merge keys can fan out exponentially */
#define OS_DEFAULT_TIMEOUT_MS 10000

/* One file being read: the document and what the walk has seen so far. */
struct clouds_ctx {
	const char *path;
	yaml_document_t doc;
	struct os_opts *opts;
	char *domain_name, *domain_id; /* auth.domain_*: fallback for user and project */
	char *first_region;            /* regions: [..] when region_name is absent */
	long visits;
	struct rw_error *err;
};

/* auth: keys and top-level keys that map straight onto a string of os_opts. */
struct clouds_key {
	const char *key;
	size_t off;
};

#define OPT(field) offsetof(struct os_opts, field)
static const struct clouds_key clouds_auth_keys[] = {
    {"auth_url", OPT(auth_url)},
    {"username", OPT(username)},
    {"user_id", OPT(user_id)},
    {"password", OPT(password)},
    {"project_name", OPT(project_name)},
    {"tenant_name", OPT(project_name)},
    {"project_id", OPT(project_id)},
    {"tenant_id", OPT(project_id)},
    {"user_domain_name", OPT(user_domain_name)},
    {"user_domain_id", OPT(user_domain_id)},
    {"project_domain_name", OPT(project_domain_name)},
    {"project_domain_id", OPT(project_domain_id)},
    {"application_credential_id", OPT(app_cred_id)},
    {"application_credential_name", OPT(app_cred_name)},
    {"application_credential_secret", OPT(app_cred_secret)},
    {NULL, 0},
};
static const struct clouds_key clouds_top_keys[] = {
    {"region_name", OPT(region_name)}, {"interface", OPT(interface)},
    {"endpoint_type", OPT(interface)}, {"auth_type", OPT(auth_type)},
    {"cacert", OPT(cacert)},           {NULL, 0},
};

static char **opt_field(struct os_opts *o, size_t off)
{
	return (char **)((char *)o + off);
}

static void set_str(char **dst, const char *val)
{
	free(*dst);
	*dst = xstrdup(val);
}

static long node_line(const yaml_node_t *n)
{
	return n ? (long)n->start_mark.line + 1 : 1;
}

static int clouds_fail(struct clouds_ctx *x, const yaml_node_t *n, const char *what)
{
	return rw_error_set(x->err, -EINVAL, "%s:%ld: %s", x->path, node_line(n), what);
}

/* A plain `key:`, `~` or `null` is YAML's null: the key is as good as absent. */
static bool scalar_is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0);
}

/* YAML 1.1 booleans, as PyYAML (and so openstacksdk) reads them: 1 true, 0 false, -1 neither. */
static int scalar_bool(const char *v)
{
	static const char *const yes[] = {"true", "yes", "on", "1", NULL};
	static const char *const no[] = {"false", "no", "off", "0", NULL};
	for (int i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

typedef int (*clouds_pair_fn)(struct clouds_ctx *x, const char *key, yaml_node_t *val);

static int walk_map(struct clouds_ctx *x, yaml_node_t *map, clouds_pair_fn fn, int depth);

/* "<<: *defaults" or "<<: [*a, *b]": merged keys count, the map's own keys win. */
static int walk_merge(struct clouds_ctx *x, yaml_node_t *val, clouds_pair_fn fn, int depth)
{
	if (val->type == YAML_MAPPING_NODE)
		return walk_map(x, val, fn, depth + 1);
	if (val->type != YAML_SEQUENCE_NODE)
		return clouds_fail(x, val, "'<<' must merge a mapping");
	/* In a list of merges the first one wins, so walk it last. */
	for (yaml_node_item_t *i = val->data.sequence.items.top;
	     i > val->data.sequence.items.start;) {
		yaml_node_t *m = yaml_document_get_node(&x->doc, *--i);
		if (!m || m->type != YAML_MAPPING_NODE)
			return clouds_fail(x, val, "'<<' must merge mappings");
		int rc = walk_map(x, m, fn, depth + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int walk_map(struct clouds_ctx *x, yaml_node_t *map, clouds_pair_fn fn, int depth)
{
	if (depth > CLOUDS_MAX_DEPTH)
		return clouds_fail(x, map, "'<<' merges nested too deeply");
	yaml_node_pair_t *start = map->data.mapping.pairs.start, *top = map->data.mapping.pairs.top;
	for (int pass = 0; pass < 2; pass++) {
		for (yaml_node_pair_t *p = start; p < top; p++) {
			yaml_node_t *k = yaml_document_get_node(&x->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&x->doc, p->value);
			if (!k || !v || k->type != YAML_SCALAR_NODE)
				continue;
			if (++x->visits > CLOUDS_MAX_VISITS)
				return clouds_fail(x, map, "too many keys (merge loop?)");
			bool merge = strcmp((char *)k->data.scalar.value, "<<") == 0;
			int rc = 0;
			if (pass == 0 && merge)
				rc = walk_merge(x, v, fn, depth);
			else if (pass == 1 && !merge)
				rc = fn(x, (char *)k->data.scalar.value, v);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Stores a scalar into *dst; a null leaves *dst alone; anything else is an error. */
static int take_string(struct clouds_ctx *x, const char *what, yaml_node_t *v, char **dst)
{
	if (v->type != YAML_SCALAR_NODE) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s must be a single value", what);
		return clouds_fail(x, v, msg);
	}
	if (!scalar_is_null(v))
		set_str(dst, (const char *)v->data.scalar.value);
	return 0;
}

static int auth_pair(struct clouds_ctx *x, const char *key, yaml_node_t *v)
{
	for (const struct clouds_key *k = clouds_auth_keys; k->key; k++)
		if (strcmp(k->key, key) == 0)
			return take_string(x, key, v, opt_field(x->opts, k->off));
	if (strcmp(key, "domain_name") == 0)
		return take_string(x, key, v, &x->domain_name);
	if (strcmp(key, "domain_id") == 0)
		return take_string(x, key, v, &x->domain_id);
	return 0; /* unknown auth keys (token, system_scope, …) are someone else's */
}

static int take_verify(struct clouds_ctx *x, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE)
		return clouds_fail(x, v, "verify must be true, false or a CA file");
	if (scalar_is_null(v))
		return 0;
	const char *s = (const char *)v->data.scalar.value;
	int b = scalar_bool(s);
	if (b >= 0)
		x->opts->insecure = !b;
	else
		set_str(&x->opts->cacert, s); /* requests' verify=PATH */
	return 0;
}

static int take_timeout(struct clouds_ctx *x, yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE || scalar_is_null(v))
		return v->type == YAML_SCALAR_NODE
		           ? 0
		           : clouds_fail(x, v, "api_timeout must be a number");
	char *end = NULL;
	double s = strtod((const char *)v->data.scalar.value, &end);
	if (!end || *end || !(s > 0 && s <= 3600))
		return clouds_fail(x, v, "api_timeout must be seconds between 0 and 3600");
	x->opts->timeout_ms = (int)(s * 1000);
	return 0;
}

/* regions: [RegionOne, …] or [{name: RegionOne}, …]: the first is the default. */
static int take_regions(struct clouds_ctx *x, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return clouds_fail(x, v, "regions must be a list");
	if (v->data.sequence.items.start == v->data.sequence.items.top)
		return 0;
	yaml_node_t *r = yaml_document_get_node(&x->doc, *v->data.sequence.items.start);
	if (r && r->type == YAML_MAPPING_NODE)
		r = map_get(&x->doc, r, "name");
	if (!r || r->type != YAML_SCALAR_NODE)
		return clouds_fail(x, v, "regions must list region names");
	return take_string(x, "regions", r, &x->first_region);
}

static int top_pair(struct clouds_ctx *x, const char *key, yaml_node_t *v)
{
	for (const struct clouds_key *k = clouds_top_keys; k->key; k++)
		if (strcmp(k->key, key) == 0)
			return take_string(x, key, v, opt_field(x->opts, k->off));
	if (strcmp(key, "auth") == 0) {
		if (v->type != YAML_MAPPING_NODE)
			return clouds_fail(x, v, "auth must be a mapping");
		return walk_map(x, v, auth_pair, 0);
	}
	if (strcmp(key, "verify") == 0)
		return take_verify(x, v);
	if (strcmp(key, "insecure") == 0) {
		if (v->type != YAML_SCALAR_NODE || scalar_bool((char *)v->data.scalar.value) < 0)
			return clouds_fail(x, v, "insecure must be true or false");
		x->opts->insecure = scalar_bool((char *)v->data.scalar.value) == 1;
		return 0;
	}
	if (strcmp(key, "api_timeout") == 0)
		return take_timeout(x, v);
	if (strcmp(key, "regions") == 0)
		return take_regions(x, v);
	return 0;
}

/* Reads path whole; -ENOENT (quietly) when missing, -EIO/-EINVAL otherwise. */
static int read_small_file(const char *path, char **out, size_t *len, struct rw_error *err)
{
	struct buf b = {0};
	int rc = buf_read_file(&b, path, CLOUDS_MAX_BYTES);
	if (rc < 0)
		buf_free(&b);
	if (rc == -ENOENT)
		return -ENOENT;
	if (rc == -EFBIG)
		return rw_error_set(err, -EINVAL, "%s: file too large for a clouds.yaml", path);
	if (rc < 0)
		return rw_error_set(err, -EIO, "cannot read %s: %s", path, strerror(-rc));
	*out = b.p ? b.p : xstrdup("");
	*len = b.len;
	return 0;
}

static int yaml_fail(struct clouds_ctx *x, const yaml_parser_t *p)
{
	/* libyaml's problem strings describe syntax, never the values. */
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->context_mark;
	return rw_error_set(x->err, -EINVAL, "%s:%ld: %s", x->path, (long)m->line + 1,
	                    p->problem ? p->problem : "malformed YAML");
}

/* libyaml's scanner is quadratic in nesting depth (200k brackets take a
 * minute): walk the events first and stop at a depth no clouds.yaml needs. */
static int check_nesting(struct clouds_ctx *x, const char *text, size_t len)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return rw_error_set(x->err, -EIO, "%s: cannot start the YAML parser", x->path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int depth = 0, rc = 0;
	for (bool done = false; !done && rc == 0;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = yaml_fail(x, &parser);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > CLOUDS_MAX_NESTING)
			rc = rw_error_set(x->err, -EINVAL, "%s:%ld: nested too deeply", x->path,
			                  (long)ev.start_mark.line + 1);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

static int parse_doc(struct clouds_ctx *x, const char *text, size_t len)
{
	int rc = check_nesting(x, text, len);
	if (rc < 0)
		return rc;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return rw_error_set(x->err, -EIO, "%s: cannot start the YAML parser", x->path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &x->doc))
		rc = yaml_fail(x, &parser);
	yaml_parser_delete(&parser);
	return rc;
}

/* Walks clouds.NAME of one file into x. -ENOENT when the cloud is not there. */
static int load_cloud(struct clouds_ctx *x, const char *name)
{
	yaml_node_t *root = yaml_document_get_root_node(&x->doc);
	if (!root)
		return -ENOENT; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return clouds_fail(x, root, "the top level must be a mapping with 'clouds:'");
	yaml_node_t *clouds = map_get(&x->doc, root, "clouds");
	if (!clouds || (clouds->type == YAML_SCALAR_NODE && scalar_is_null(clouds)))
		return -ENOENT;
	if (clouds->type != YAML_MAPPING_NODE)
		return clouds_fail(x, clouds, "'clouds' must be a mapping of cloud names");
	yaml_node_t *cloud = map_get(&x->doc, clouds, name);
	if (!cloud)
		return -ENOENT;
	if (cloud->type != YAML_MAPPING_NODE)
		return clouds_fail(x, cloud, "a cloud must be a mapping");
	return walk_map(x, cloud, top_pair, 0);
}

static int load_one_file(struct clouds_ctx *x, const char *path, const char *name)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_small_file(path, &text, &len, x->err);
	if (rc < 0)
		return rc;
	x->path = path;
	x->visits = 0;
	rc = parse_doc(x, text, len);
	/* The text holds passwords: do not leave it lying in freed heap. */
	explicit_bzero(text, len);
	free(text);
	if (rc < 0)
		return rc;
	rc = load_cloud(x, name);
	yaml_document_delete(&x->doc);
	return rc;
}

static char *secure_file_beside(const char *path)
{
	const char *env = getenv("OS_CLIENT_SECURE_FILE");
	if (!str_empty(env))
		return xstrdup(env);
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup("secure.yaml");
	return xasprintf("%.*s/secure.yaml", (int)(slash - path), path);
}

/* auth.domain_* stands for both user and project domain when those are unset. */
static void apply_domain_fallback(struct os_opts *o, const char *dname, const char *did)
{
	if (!o->user_domain_name && !o->user_domain_id) {
		o->user_domain_name = xstrdup(dname);
		o->user_domain_id = xstrdup(did);
	}
	if (!o->project_domain_name && !o->project_domain_id) {
		o->project_domain_name = xstrdup(dname);
		o->project_domain_id = xstrdup(did);
	}
}

int clouds_load(const char *path, const char *name, struct os_opts *opts, struct rw_error *err)
{
	struct clouds_ctx x = {.opts = opts, .err = err};
	int rc = load_one_file(&x, path, name);
	if (rc == 0) {
		char *secure = secure_file_beside(path);
		int src = load_one_file(&x, secure, name);
		free(secure);
		if (src < 0 && src != -ENOENT)
			rc = src;
	}
	if (rc == 0) {
		if (x.domain_name || x.domain_id)
			apply_domain_fallback(opts, x.domain_name, x.domain_id);
		if (!opts->region_name && x.first_region)
			opts->region_name = xstrdup(x.first_region);
	}
	free(x.domain_name);
	free(x.domain_id);
	free(x.first_region);
	return rc;
}

char *clouds_find_file(void)
{
	const char *env = getenv("OS_CLIENT_CONFIG_FILE");
	const char *home = getenv("HOME");
	char *cand[4] = {
	    str_empty(env) ? NULL : xstrdup(env),
	    xstrdup("clouds.yaml"),
	    str_empty(home) ? NULL : xasprintf("%s/.config/openstack/clouds.yaml", home),
	    xstrdup("/etc/openstack/clouds.yaml"),
	};
	char *found = NULL;
	for (int i = 0; i < 4; i++) {
		if (!found && cand[i] && access(cand[i], F_OK) == 0)
			found = cand[i];
		else
			free(cand[i]);
	}
	return found;
}

/* The OS_* variables, in the order they are applied (later ones win). */
static const struct clouds_key clouds_env[] = {
    {"OS_AUTH_URL", OPT(auth_url)},
    {"OS_AUTH_TYPE", OPT(auth_type)},
    {"OS_USERNAME", OPT(username)},
    {"OS_USER_ID", OPT(user_id)},
    {"OS_PASSWORD", OPT(password)},
    {"OS_TENANT_NAME", OPT(project_name)},
    {"OS_PROJECT_NAME", OPT(project_name)},
    {"OS_TENANT_ID", OPT(project_id)},
    {"OS_PROJECT_ID", OPT(project_id)},
    {"OS_USER_DOMAIN_NAME", OPT(user_domain_name)},
    {"OS_USER_DOMAIN_ID", OPT(user_domain_id)},
    {"OS_PROJECT_DOMAIN_NAME", OPT(project_domain_name)},
    {"OS_PROJECT_DOMAIN_ID", OPT(project_domain_id)},
    {"OS_APPLICATION_CREDENTIAL_ID", OPT(app_cred_id)},
    {"OS_APPLICATION_CREDENTIAL_NAME", OPT(app_cred_name)},
    {"OS_APPLICATION_CREDENTIAL_SECRET", OPT(app_cred_secret)},
    {"OS_REGION_NAME", OPT(region_name)},
    {"OS_ENDPOINT_TYPE", OPT(interface)},
    {"OS_INTERFACE", OPT(interface)},
    {"OS_CACERT", OPT(cacert)},
    {NULL, 0},
};

/* Name and id of one thing: when the environment names it one way, the file's
 * other way must not linger and win (ids take precedence at auth time). */
static const size_t clouds_pairs[][2] = {
    {OPT(username), OPT(user_id)},
    {OPT(project_name), OPT(project_id)},
    {OPT(user_domain_name), OPT(user_domain_id)},
    {OPT(project_domain_name), OPT(project_domain_id)},
    {OPT(app_cred_id), OPT(app_cred_name)},
};

void clouds_apply_env(struct os_opts *opts)
{
	bool set[sizeof(struct os_opts)] = {false};
	for (const struct clouds_key *k = clouds_env; k->key; k++) {
		const char *v = getenv(k->key);
		if (str_empty(v))
			continue; /* `export OS_PROJECT_ID=` means unset, as in the client */
		set_str(opt_field(opts, k->off), v);
		set[k->off] = true;
	}
	for (size_t i = 0; i < sizeof clouds_pairs / sizeof clouds_pairs[0]; i++) {
		size_t a = clouds_pairs[i][0], b = clouds_pairs[i][1];
		if (set[a] && !set[b])
			set_str(opt_field(opts, b), NULL);
		else if (set[b] && !set[a])
			set_str(opt_field(opts, a), NULL);
	}
	const char *insecure = getenv("OS_INSECURE");
	if (!str_empty(insecure) && scalar_bool(insecure) >= 0)
		opts->insecure = scalar_bool(insecure) == 1;
	const char *dd = getenv("OS_DEFAULT_DOMAIN");
	if (!str_empty(dd))
		apply_domain_fallback(opts, NULL, dd);
}

static int load_named_cloud(struct os_opts *opts, const char *name, struct rw_error *err)
{
	char *path = clouds_find_file();
	if (!path)
		return rw_error_set(
		    err, -EINVAL,
		    "cloud '%s' requested but no clouds.yaml found "
		    "($OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/)",
		    name);
	int rc = clouds_load(path, name, opts, err);
	if (rc == -ENOENT)
		rc = rw_error_set(err, -EINVAL, "cloud '%s' not found in %s", name, path);
	else if (rc == 0 && str_empty(opts->auth_url) && str_empty(getenv("OS_AUTH_URL")))
		rc =
		    rw_error_set(err, -EINVAL, "cloud '%s' in %s has no auth.auth_url", name, path);
	free(path);
	return rc;
}

int os_opts_load(struct os_opts *opts, const char *cloud, struct rw_error *err)
{
	memset(opts, 0, sizeof *opts);
	opts->timeout_ms = OS_DEFAULT_TIMEOUT_MS;
	const char *name = !str_empty(cloud) ? cloud : getenv("OS_CLOUD");
	if (!str_empty(name)) {
		opts->cloud = xstrdup(name);
		int rc = load_named_cloud(opts, name, err);
		if (rc < 0) {
			os_opts_clear(opts);
			return rc;
		}
	}
	clouds_apply_env(opts);
	if (str_empty(opts->auth_url)) {
		os_opts_clear(opts);
		return rw_error_set(
		    err, -ENOENT,
		    "OpenStack is not configured (no OS_AUTH_URL, OS_CLOUD or --os-cloud)");
	}
	return 0;
}

static void free_secret(char **s)
{
	if (*s) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void os_opts_clear(struct os_opts *o)
{
	if (!o)
		return;
	free_secret(&o->password);
	free_secret(&o->app_cred_secret);
	char **plain[] = {&o->cloud,
	                  &o->auth_url,
	                  &o->auth_type,
	                  &o->username,
	                  &o->user_id,
	                  &o->user_domain_name,
	                  &o->user_domain_id,
	                  &o->project_name,
	                  &o->project_id,
	                  &o->project_domain_name,
	                  &o->project_domain_id,
	                  &o->app_cred_id,
	                  &o->app_cred_name,
	                  &o->region_name,
	                  &o->interface,
	                  &o->cacert};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		free(*plain[i]);
		*plain[i] = NULL;
	}
	o->insecure = false;
	o->timeout_ms = 0;
}
