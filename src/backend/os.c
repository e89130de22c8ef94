/* os.c — Keystone v3, Nova and Cinder over libcurl. The one rule that matters:
 * Nova's answer may get a VM destroyed, so only Nova's own JSON 404 counts as
 * "gone"; every other failure is an error the chain shows as UNKNOWN. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "rbdwho/os.h"
#include "rbdwho/parse_os.h"
#include "rbdwho/redact.h"
#include "rbdwho/util.h"

#ifndef RBDWHO_VERSION
#define RBDWHO_VERSION "dev"
#endif

#define OS_MAX_BODY (64u << 20) /* no OpenStack answer we read is near this */
#define OS_MAX_HEADER 65536     /* PKI-era tokens were several KiB */
#define OS_TOKEN_MARGIN_S 60    /* refresh a token this close to expiry */
#define OS_PAGE_LIMIT 1000
#define OS_MAX_PAGES 10000 /* against a server whose "next" never ends */
#define OS_DEFAULT_TIMEOUT_MS 10000
#define NOVA_MICROVERSION "2.53" /* hypervisor UUIDs, host_ip, service.host */
#define CINDER_MESSAGES_MICROVERSION "volume 3.5" /* user messages, filtered */

struct os_client {
	struct os_opts opts;  /* a private deep copy */
	char *tokens_url;     /* {auth_url}/v3/auth/tokens */
	pthread_mutex_t lock; /* guards everything below */
	char *token;
	long long expires_at;    /* seconds since the epoch; 0: unknown, rely on 401 */
	unsigned long token_gen; /* bumped by every new token */
	bool admin;              /* the token carries the admin role */
	char *nova_url, *cinder_url;
};

enum os_service { OS_NOVA, OS_CINDER };

struct http_resp {
	long status;
	struct buf body;
	bool too_large;
	bool want_subject_token;
	char *subject_token;
	char *retry_after;
	char *content_type;
	/* The request's own options, kept across a 401's retry: */
	const char *method;      /* NULL: GET (or POST with a body); "DELETE" */
	const char *api_version; /* an OpenStack-API-Version header to send, or NULL */
};

static pthread_once_t os_curl_once = PTHREAD_ONCE_INIT;
static CURLcode os_curl_init_rc;

static void os_curl_init(void)
{
	os_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void free_secret(char **s)
{
	if (*s) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

static void http_resp_free(struct http_resp *r)
{
	buf_free(&r->body);
	free_secret(&r->subject_token);
	free(r->retry_after);
	free(r->content_type);
	memset(r, 0, sizeof *r);
}

/* ---- messages ------------------------------------------------------------ */

/* A URL fit for a message: no user:password@ part. */
static char *url_display(const char *url)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	const char *at = strchr(host, '@');
	const char *end = host + strcspn(host, "/?#");
	if (!at || at > end)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(host - url), url, at + 1);
}

/* Text a server sent, made fit for a one-line message: bounded, no controls. */
static char *clean_server_text(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strnlen(s, 200);
	char *out = xstrndup(s, n);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* The server's own words for an error body, or "" (never NULL). A server may
 * echo a request ({"password": …}, X-Auth-Token: …): redacted whole, before it is
 * cut to length, since a secret cut in half no longer matches anything. */
static char *server_message(const struct http_resp *r)
{
	char *raw = parse_os_error_message(r->body.p, r->body.len);
	char *safe = redact_text(raw);
	char *msg = clean_server_text(safe);
	free(raw);
	free(safe);
	return msg ? msg : xstrdup("");
}

static void replace_all(char *msg, size_t cap, const char *secret)
{
	static const char mark[] = "<redacted>";
	if (str_empty(secret) || strlen(secret) < 4)
		return; /* too short to scrub without mangling ordinary words */
	for (char *p = msg; (p = strstr(p, secret)) != NULL;) {
		char rest[sizeof(((struct rw_error *)0)->msg)];
		snprintf(rest, sizeof rest, "%s", p + strlen(secret));
		snprintf(p, cap - (size_t)(p - msg), "%s%s", mark, rest);
		/* Search on after the mark, which may itself contain the secret. */
		p += strnlen(p, sizeof mark - 1);
	}
}

/* Last line of defence: whatever a server echoed, no secret leaves in err. */
static int scrub_error(struct os_client *c, int rc, struct rw_error *err)
{
	if (rc >= 0 || !err)
		return rc;
	replace_all(err->msg, sizeof err->msg, c->opts.password);
	replace_all(err->msg, sizeof err->msg, c->opts.app_cred_secret);
	pthread_mutex_lock(&c->lock);
	replace_all(err->msg, sizeof err->msg, c->token);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* ---- one HTTP exchange ---------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct http_resp *r = ud;
	size_t len = size * n;
	if (r->body.len + len > OS_MAX_BODY) {
		r->too_large = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	buf_append(&r->body, data, len);
	return len;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':' || len > OS_MAX_HEADER)
		return NULL;
	const char *v = line + nl + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return xstrndup(v, (size_t)(end - v));
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
	struct http_resp *r = ud;
	size_t len = size * n;
	char *v;
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue): forget the last one's headers. */
		free_secret(&r->subject_token);
		free(r->retry_after);
		r->retry_after = NULL;
	} else if (r->want_subject_token && (v = header_value(line, len, "X-Subject-Token"))) {
		free_secret(&r->subject_token);
		r->subject_token = v;
	} else if ((v = header_value(line, len, "Retry-After"))) {
		free(r->retry_after);
		r->retry_after = clean_server_text(v);
		free(v);
	}
	return len;
}

static void curl_set_common(CURL *h, const struct os_client *c, const char *url,
                            struct http_resp *r, char *errbuf)
{
	long ms = c->opts.timeout_ms > 0 ? c->opts.timeout_ms : OS_DEFAULT_TIMEOUT_MS;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is not an answer */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "rbdwho/" RBDWHO_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	if (!str_empty(c->opts.cacert))
		curl_easy_setopt(h, CURLOPT_CAINFO, c->opts.cacert);
	if (c->opts.insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static int curl_failure(const struct os_client *c, CURLcode cc, const char *svc, const char *url,
                        const struct http_resp *r, const char *errbuf, struct rw_error *err)
{
	char *shown = url_display(url);
	const char *why = *errbuf ? errbuf : curl_easy_strerror(cc);
	int rc;
	if (cc == CURLE_OPERATION_TIMEDOUT)
		rc = rw_error_set(
		    err, -ETIMEDOUT, "%s at %s did not answer within %d ms", svc, shown,
		    c->opts.timeout_ms > 0 ? c->opts.timeout_ms : OS_DEFAULT_TIMEOUT_MS);
	else if (cc == CURLE_WRITE_ERROR && r->too_large)
		rc = rw_error_set(err, -EIO, "%s at %s: response too large (over %u MiB)", svc,
		                  shown, OS_MAX_BODY >> 20);
	else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	         cc == CURLE_COULDNT_RESOLVE_PROXY)
		rc = rw_error_set(err, -EIO, "cannot reach %s at %s: %s", svc, shown, why);
	else
		rc = rw_error_set(err, -EIO, "%s at %s: %s", svc, shown, why);
	free(shown);
	return rc;
}

/* One request; 0 when an HTTP answer (any status) arrived, else -ETIMEDOUT/-EIO.
 * body: POST it as JSON; NULL: GET. token: sent as X-Auth-Token. */
static int http_exchange(const struct os_client *c, const char *svc, const char *url,
                         const char *token, const char *body, struct http_resp *r,
                         struct rw_error *err)
{
	CURL *h = curl_easy_init();
	if (!h)
		return rw_error_set(err, -EIO, "%s: cannot start a curl handle", svc);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	curl_set_common(h, c, url, r, errbuf);
	if (token) {
		char *t = xasprintf("X-Auth-Token: %s", token);
		hdr = curl_slist_append(hdr, t);
		free_secret(&t);
		hdr = curl_slist_append(hdr, "X-OpenStack-Nova-API-Version: " NOVA_MICROVERSION);
	}
	if (r->api_version) {
		char *v = xasprintf("OpenStack-API-Version: %s", r->api_version);
		hdr = curl_slist_append(hdr, v);
		free(v);
	}
	if (r->method)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	if (body) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		hdr = curl_slist_append(hdr, "Expect:");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	CURLcode cc = curl_easy_perform(h);
	int rc = 0;
	if (cc != CURLE_OK) {
		rc = curl_failure(c, cc, svc, url, r, errbuf, err);
	} else {
		char *ct = NULL;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		r->content_type = xstrdup(ct);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return rc;
}

/* ---- Keystone -------------------------------------------------------------- */

static void json_add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

/* {"id": …} or {"name": …}; with neither, Keystone's "default" domain, as the
 * openstack client does (--os-default-domain). */
static struct json_object *json_domain(const char *name, const char *id)
{
	struct json_object *d = json_object_new_object();
	if (!str_empty(id))
		json_add_str(d, "id", id);
	else if (!str_empty(name))
		json_add_str(d, "name", name);
	else
		json_add_str(d, "id", "default");
	return d;
}

static struct json_object *json_user(const struct os_opts *o)
{
	struct json_object *u = json_object_new_object();
	if (!str_empty(o->user_id)) {
		json_add_str(u, "id", o->user_id);
	} else {
		json_add_str(u, "name", o->username);
		json_object_object_add(u, "domain",
		                       json_domain(o->user_domain_name, o->user_domain_id));
	}
	return u;
}

static bool auth_is_app_cred(const struct os_opts *o)
{
	const char *t = o->auth_type;
	if (str_empty(t))
		return !str_empty(o->app_cred_secret);
	return strcmp(t, "v3applicationcredential") == 0 ||
	       strcmp(t, "applicationcredential") == 0 || strcmp(t, "application_credential") == 0;
}

static int auth_type_check(const struct os_opts *o, struct rw_error *err)
{
	const char *t = o->auth_type;
	if (str_empty(t) || strcmp(t, "password") == 0 || strcmp(t, "v3password") == 0 ||
	    auth_is_app_cred(o))
		return 0;
	return rw_error_set(
	    err, -EINVAL,
	    "auth_type '%.64s' is not supported (use password or v3applicationcredential)", t);
}

static struct json_object *app_cred_identity(const struct os_opts *o, struct rw_error *err)
{
	if (str_empty(o->app_cred_secret) ||
	    (str_empty(o->app_cred_id) &&
	     (str_empty(o->app_cred_name) || (str_empty(o->username) && str_empty(o->user_id))))) {
		rw_error_set(err, -EINVAL,
		             "application credential auth needs a secret and an id "
		             "(or a name and a user): OS_APPLICATION_CREDENTIAL_ID/_SECRET");
		return NULL;
	}
	struct json_object *ac = json_object_new_object();
	if (!str_empty(o->app_cred_id)) {
		json_add_str(ac, "id", o->app_cred_id);
	} else {
		json_add_str(ac, "name", o->app_cred_name);
		json_object_object_add(ac, "user", json_user(o));
	}
	json_add_str(ac, "secret", o->app_cred_secret);
	struct json_object *id = json_object_new_object(), *m = json_object_new_array();
	json_object_array_add(m, json_object_new_string("application_credential"));
	json_object_object_add(id, "methods", m);
	json_object_object_add(id, "application_credential", ac);
	return id;
}

static struct json_object *password_identity(const struct os_opts *o, struct rw_error *err)
{
	if (str_empty(o->password) || (str_empty(o->username) && str_empty(o->user_id))) {
		rw_error_set(err, -EINVAL,
		             "password auth needs a user name or id and a password "
		             "(OS_USERNAME or OS_USER_ID, OS_PASSWORD)");
		return NULL;
	}
	struct json_object *user = json_user(o), *pw = json_object_new_object();
	json_add_str(user, "password", o->password);
	json_object_object_add(pw, "user", user);
	struct json_object *id = json_object_new_object(), *m = json_object_new_array();
	json_object_array_add(m, json_object_new_string("password"));
	json_object_object_add(id, "methods", m);
	json_object_object_add(id, "password", pw);
	return id;
}

static struct json_object *project_scope(const struct os_opts *o)
{
	struct json_object *p = json_object_new_object();
	if (!str_empty(o->project_id)) {
		json_add_str(p, "id", o->project_id);
	} else if (!str_empty(o->project_name)) {
		json_add_str(p, "name", o->project_name);
		json_object_object_add(p, "domain",
		                       json_domain(o->project_domain_name, o->project_domain_id));
	} else {
		json_object_put(p);
		return NULL; /* unscoped: Keystone uses the user's default project */
	}
	struct json_object *scope = json_object_new_object();
	json_object_object_add(scope, "project", p);
	return scope;
}

/* The POST /v3/auth/tokens body, malloc'd (holds a secret: free_secret it). */
static char *auth_body(const struct os_opts *o, struct rw_error *err)
{
	bool app = auth_is_app_cred(o);
	struct json_object *identity = app ? app_cred_identity(o, err) : password_identity(o, err);
	if (!identity)
		return NULL;
	struct json_object *auth = json_object_new_object(), *root = json_object_new_object();
	json_object_object_add(auth, "identity", identity);
	struct json_object *scope = app ? NULL : project_scope(o);
	if (scope)
		json_object_object_add(auth, "scope", scope);
	json_object_object_add(root, "auth", auth);
	char *s = xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return s;
}

static int keystone_status_error(struct os_client *c, const struct http_resp *r,
                                 struct rw_error *err)
{
	char *shown = url_display(c->tokens_url), *msg = server_message(r);
	const char *sep = *msg ? ": " : "";
	int rc;
	if (r->status == 401 || r->status == 403)
		rc = rw_error_set(err, -EACCES,
		                  "keystone at %s refused the credentials (HTTP %ld%s%s)", shown,
		                  r->status, sep, msg);
	else if (r->status == 400)
		rc =
		    rw_error_set(err, -EINVAL, "keystone at %s rejected the request (HTTP 400%s%s)",
		                 shown, sep, msg);
	else if (r->status == 404)
		rc = rw_error_set(err, -EIO, "keystone at %s: HTTP 404, is auth_url right?%s%s",
		                  shown, *msg ? " " : "", msg);
	else if (r->status >= 500)
		rc = rw_error_set(err, -EIO, "keystone at %s: HTTP %ld%s%s", shown, r->status, sep,
		                  msg);
	else
		rc = rw_error_set(err, -EPROTO, "keystone at %s: unexpected HTTP %ld%s%s", shown,
		                  r->status, sep, msg);
	free(shown);
	free(msg);
	return rc;
}

/* Takes a new token and the catalog's endpoints. Called with c->lock held. */
static int keystone_accept(struct os_client *c, struct http_resp *r, struct rw_error *err)
{
	char *nova = NULL, *cinder = NULL, *shown = url_display(c->tokens_url);
	const char *ifc = c->opts.interface, *region = c->opts.region_name;
	int rc = parse_keystone_endpoint(r->body.p, r->body.len, "compute", ifc, region, &nova);
	if (rc == -EPROTO || str_empty(r->subject_token)) {
		rc = rw_error_set(err, -EPROTO, "keystone at %s answered %s", shown,
		                  rc == -EPROTO ? "a malformed token body"
		                                : "without X-Subject-Token");
		free(nova);
		free(shown);
		return rc;
	}
	parse_keystone_endpoint(r->body.p, r->body.len, "volumev3", ifc, region, &cinder);
	free_secret(&c->token);
	c->token = r->subject_token;
	r->subject_token = NULL;
	c->expires_at = parse_keystone_expiry(r->body.p, r->body.len);
	c->admin = parse_keystone_has_role(r->body.p, r->body.len, "admin");
	/* A clock skewed against Keystone's would make every token look stale:
	 * then trust the token until Nova says 401. */
	if (c->expires_at && c->expires_at - (long long)time(NULL) < OS_TOKEN_MARGIN_S)
		c->expires_at = 0;
	c->token_gen++;
	free(c->nova_url);
	free(c->cinder_url);
	c->nova_url = nova;
	c->cinder_url = cinder;
	free(shown);
	return 0;
}

/* POST /v3/auth/tokens. Called with c->lock held: threads that need a token
 * wait for this one instead of all asking Keystone at once. */
static int keystone_auth_locked(struct os_client *c, struct rw_error *err)
{
	char *body = auth_body(&c->opts, err);
	if (!body)
		return err ? err->code : -EINVAL;
	struct http_resp r = {.want_subject_token = true};
	int rc = http_exchange(c, "keystone", c->tokens_url, NULL, body, &r, err);
	free_secret(&body);
	if (rc == 0 && (r.status == 200 || r.status == 201))
		rc = keystone_accept(c, &r, err);
	else if (rc == 0)
		rc = keystone_status_error(c, &r, err);
	http_resp_free(&r);
	return rc;
}

static bool token_fresh(const struct os_client *c)
{
	return c->token &&
	       (c->expires_at == 0 || c->expires_at - (long long)time(NULL) >= OS_TOKEN_MARGIN_S);
}

/* What one request needs, copied out so that no lock is held during it. */
struct os_session {
	char *token, *base;
	unsigned long gen;
};

static void session_free(struct os_session *s)
{
	free_secret(&s->token);
	free(s->base);
}

static int session_get(struct os_client *c, enum os_service svc, struct os_session *s,
                       struct rw_error *err)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_lock(&c->lock);
	int rc = token_fresh(c) ? 0 : keystone_auth_locked(c, err);
	if (rc == 0) {
		const char *base = svc == OS_NOVA ? c->nova_url : c->cinder_url;
		if (!base) {
			rc = rw_error_set(
			    err, -EIO,
			    "the Keystone catalog has no %s endpoint "
			    "(interface %s, region %s)",
			    svc == OS_NOVA ? "compute" : "volumev3/block-storage",
			    str_empty(c->opts.interface) ? "public" : c->opts.interface,
			    str_empty(c->opts.region_name) ? "any" : c->opts.region_name);
		} else {
			s->token = xstrdup(c->token);
			s->base = xstrndup(base, strlen(base) - (str_ends_with(base, "/") ? 1 : 0));
			s->gen = c->token_gen;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* After a 401: drop the token, unless another thread already replaced it. */
static void session_invalidate(struct os_client *c, unsigned long gen)
{
	pthread_mutex_lock(&c->lock);
	if (c->token_gen == gen) {
		free_secret(&c->token);
		c->expires_at = 0;
	}
	pthread_mutex_unlock(&c->lock);
}

/* GET (or r->method) base+path with a token; a 401 re-authenticates once and retries.
 * 0 when an answer other than 401 arrived (r->status tells which). */
static int os_get(struct os_client *c, enum os_service svc, const char *path, struct http_resp *r,
                  char **url_out, struct rw_error *err)
{
	const char *name = svc == OS_NOVA ? "nova" : "cinder";
	*url_out = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct os_session s;
		int rc = session_get(c, svc, &s, err);
		if (rc < 0)
			return rc;
		free(*url_out);
		*url_out = xasprintf("%s%s", s.base, path);
		const char *method = r->method, *api_version = r->api_version;
		http_resp_free(r);
		r->method = method;
		r->api_version = api_version;
		rc = http_exchange(c, name, *url_out, s.token, NULL, r, err);
		session_free(&s);
		if (rc < 0 || r->status != 401)
			return rc;
		session_invalidate(c, s.gen);
	}
	char *shown = url_display(*url_out);
	int rc = rw_error_set(err, -EACCES, "%s at %s refused a fresh token (HTTP 401 twice)", name,
	                      shown);
	free(shown);
	return rc;
}

/* ---- Nova and Cinder answers ------------------------------------------------ */

static bool content_type_json(const struct http_resp *r)
{
	return !r->content_type || str_casefind(r->content_type, "json") >= 0;
}

/* Is this 404 positive knowledge that the item does not exist? Only when the
 * service itself said so in its JSON error format. A proxy's HTML page, an
 * empty body, or Nova's router saying the *URL* is unknown (a wrong endpoint)
 * prove nothing about the item. */
static bool is_own_not_found(const struct http_resp *r, const char *msg)
{
	return content_type_json(r) && *msg && strcmp(msg, "The resource could not be found.") != 0;
}

static int status_error(const char *svc, const char *url, const struct http_resp *r,
                        bool notfound_ok, struct rw_error *err)
{
	char *shown = url_display(url), *msg = server_message(r);
	const char *sep = *msg ? ": " : "";
	int rc;
	if (r->status == 404 && notfound_ok && is_own_not_found(r, msg))
		rc = rw_error_set(err, -ENOENT, "%s: %s", svc, msg);
	else if (r->status == 404 && notfound_ok)
		rc = rw_error_set(err, -EPROTO,
		                  "%s at %s answered 404 without its own not-found "
		                  "error%s%s (a proxy or a wrong endpoint?): not proof it is gone",
		                  svc, shown, sep, msg);
	else if (r->status == 403)
		rc = rw_error_set(err, -EACCES, "%s at %s: forbidden (HTTP 403%s%s)", svc, shown,
		                  sep, msg);
	else if (r->status == 503 && r->retry_after)
		rc = rw_error_set(err, -EIO, "%s at %s: HTTP 503%s%s (retry after %s s)", svc,
		                  shown, sep, msg, r->retry_after);
	else if (r->status >= 500 || r->status == 404)
		rc = rw_error_set(err, -EIO, "%s at %s: HTTP %ld%s%s", svc, shown, r->status, sep,
		                  msg);
	else
		rc = rw_error_set(err, -EPROTO, "%s at %s: unexpected HTTP %ld%s%s", svc, shown,
		                  r->status, sep, msg);
	free(shown);
	free(msg);
	return rc;
}

static bool status_ok(const struct http_resp *r)
{
	return r->status >= 200 && r->status < 300;
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static char *url_escape(const char *s)
{
	struct buf b = {0};
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
			buf_append(&b, s, 1);
		else
			buf_printf(&b, "%%%02X", ch);
	}
	return b.p ? b.p : xstrdup("");
}

static int get_one(struct os_client *c, enum os_service svc, const char *kind, const char *id,
                   struct http_resp *r, char **url, struct rw_error *err)
{
	if (str_empty(id))
		return rw_error_set(err, -EINVAL, "empty %s id", kind);
	char *esc = url_escape(id);
	char *path = xasprintf("/%ss/%s", kind, esc);
	free(esc);
	int rc = os_get(c, svc, path, r, url, err);
	free(path);
	if (rc == 0 && !status_ok(r))
		rc = status_error(svc == OS_NOVA ? "nova" : "cinder", *url, r, true, err);
	return rc;
}

int nova_get_server(struct os_client *c, const char *id, struct nova_server *out,
                    struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	struct http_resp r = {0};
	char *url = NULL;
	int rc = get_one(c, OS_NOVA, "server", id, &r, &url, err);
	if (rc == 0 && parse_nova_server(r.body.p, r.body.len, out) < 0)
		rc = rw_error_set(err, -EPROTO, "nova at %s returned a malformed server body", url);
	if (rc == 0 && strcasecmp(out->id, id) != 0) {
		rc = rw_error_set(err, -EPROTO,
		                  "nova answered for server %.40s when asked for %.40s", out->id,
		                  id);
		nova_server_clear(out);
	}
	http_resp_free(&r);
	free(url);
	return scrub_error(c, rc, err);
}

int cinder_get_volume(struct os_client *c, const char *id, struct cinder_volume *out,
                      struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	struct http_resp r = {0};
	char *url = NULL;
	int rc = get_one(c, OS_CINDER, "volume", id, &r, &url, err);
	if (rc == 0 && parse_cinder_volume(r.body.p, r.body.len, out) < 0)
		rc = rw_error_set(err, -EPROTO, "cinder at %s returned a malformed volume body",
		                  url);
	if (rc == 0 && strcasecmp(out->id, id) != 0) {
		rc = rw_error_set(err, -EPROTO,
		                  "cinder answered for volume %.40s when asked for %.40s", out->id,
		                  id);
		cinder_volume_clear(out);
	}
	http_resp_free(&r);
	free(url);
	return scrub_error(c, rc, err);
}

/* One page parser: appends to (*v, *n), sets *next (NULL on the last page). */
typedef int (*page_parse_fn)(const char *json, size_t len, void *v, size_t *n, char **next);

static int parse_servers_page(const char *json, size_t len, void *v, size_t *n, char **next)
{
	return parse_nova_servers(json, len, v, n, next);
}

static int parse_hypervisors_page(const char *json, size_t len, void *v, size_t *n, char **next)
{
	return parse_nova_hypervisors(json, len, v, n, next);
}

/* GET path&limit=…&marker=… until Nova gives no next link. The marker is
 * taken from the link, but the URL is ours: a next href may name a host we
 * cannot reach (an internal name behind a proxy). */
static int nova_list_pages(struct os_client *c, const char *path, page_parse_fn parse, void *v,
                           size_t *n, struct rw_error *err)
{
	char *marker = NULL;
	int rc = 0;
	for (long page = 0; rc == 0; page++) {
		if (page >= OS_MAX_PAGES) {
			rc = rw_error_set(err, -EPROTO,
			                  "nova keeps paging after %d pages: giving up",
			                  OS_MAX_PAGES);
			break;
		}
		char *esc = marker ? url_escape(marker) : NULL;
		char *p = xasprintf("%s%climit=%d%s%s", path, strchr(path, '?') ? '&' : '?',
		                    OS_PAGE_LIMIT, esc ? "&marker=" : "", esc ? esc : "");
		free(esc);
		struct http_resp r = {0};
		char *url = NULL, *next = NULL;
		rc = os_get(c, OS_NOVA, p, &r, &url, err);
		free(p);
		if (rc == 0 && !status_ok(&r))
			rc = status_error("nova", url, &r, false, err);
		if (rc == 0 && parse(r.body.p, r.body.len, v, n, &next) < 0)
			rc =
			    rw_error_set(err, -EPROTO, "nova at %s returned a malformed list", url);
		if (rc == 0 && next && marker && strcmp(next, marker) == 0)
			rc = rw_error_set(err, -EPROTO, "nova at %s returned the same page twice",
			                  url);
		http_resp_free(&r);
		free(url);
		free(marker);
		marker = next;
		if (rc == 0 && !marker)
			break;
	}
	free(marker);
	return rc;
}

int nova_list_servers(struct os_client *c, struct nova_server **v, size_t *n, struct rw_error *err)
{
	*v = NULL;
	*n = 0;
	int rc = nova_list_pages(c, "/servers/detail?all_tenants=1", parse_servers_page, v, n, err);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			nova_server_clear(&(*v)[i]);
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return scrub_error(c, rc, err);
}

int nova_list_hypervisors(struct os_client *c, struct nova_hypervisor **v, size_t *n,
                          struct rw_error *err)
{
	*v = NULL;
	*n = 0;
	int rc = nova_list_pages(c, "/os-hypervisors/detail", parse_hypervisors_page, v, n, err);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			nova_hypervisor_clear(&(*v)[i]);
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return scrub_error(c, rc, err);
}

/* ---- the client ---------------------------------------------------------------- */

static void opts_copy(struct os_opts *d, const struct os_opts *s)
{
	*d = *s; /* scalars; every string is then replaced by a copy */
	char **dst[] = {
	    &d->cloud,        &d->auth_url,      &d->auth_type,           &d->username,
	    &d->user_id,      &d->password,      &d->user_domain_name,    &d->user_domain_id,
	    &d->project_name, &d->project_id,    &d->project_domain_name, &d->project_domain_id,
	    &d->app_cred_id,  &d->app_cred_name, &d->app_cred_secret,     &d->region_name,
	    &d->interface,    &d->cacert};
	for (size_t i = 0; i < sizeof dst / sizeof dst[0]; i++)
		*dst[i] = xstrdup(*dst[i]);
	if (d->timeout_ms <= 0)
		d->timeout_ms = OS_DEFAULT_TIMEOUT_MS;
}

/* auth_url may be the bare Keystone root, …/v3, …/v3/ or (old) …/v2.0. */
static char *tokens_url(const char *auth_url)
{
	size_t n = strlen(auth_url);
	while (n && auth_url[n - 1] == '/')
		n--;
	if (n >= 5 && strncmp(auth_url + n - 5, "/v2.0", 5) == 0)
		n -= 5;
	if (n >= 3 && strncmp(auth_url + n - 3, "/v3", 3) == 0)
		n -= 3;
	return xasprintf("%.*s/v3/auth/tokens", (int)n, auth_url);
}

int os_client_new(const struct os_opts *opts, struct os_client **out, struct rw_error *err)
{
	*out = NULL;
	if (str_empty(opts->auth_url))
		return rw_error_set(err, -EINVAL, "no Keystone auth_url (OS_AUTH_URL)");
	if (!str_starts_with(opts->auth_url, "http://") &&
	    !str_starts_with(opts->auth_url, "https://"))
		return rw_error_set(err, -EINVAL, "auth_url must start with http:// or https://");
	int rc = auth_type_check(opts, err);
	if (rc < 0)
		return rc;
	pthread_once(&os_curl_once, os_curl_init);
	if (os_curl_init_rc != CURLE_OK)
		return rw_error_set(err, -EIO, "cannot initialise libcurl: %s",
		                    curl_easy_strerror(os_curl_init_rc));
	struct os_client *c = xcalloc(1, sizeof *c);
	opts_copy(&c->opts, opts);
	c->tokens_url = tokens_url(opts->auth_url);
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void os_client_free(struct os_client *c)
{
	if (!c)
		return;
	os_opts_clear(&c->opts);
	free(c->tokens_url);
	free_secret(&c->token);
	free(c->nova_url);
	free(c->cinder_url);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int os_authenticate(struct os_client *c, struct rw_error *err)
{
	pthread_mutex_lock(&c->lock);
	int rc = token_fresh(c) ? 0 : keystone_auth_locked(c, err);
	pthread_mutex_unlock(&c->lock);
	return scrub_error(c, rc, err);
}

bool os_token_is_admin(struct os_client *c)
{
	pthread_mutex_lock(&c->lock);
	bool admin = c->admin;
	pthread_mutex_unlock(&c->lock);
	return admin;
}

/* ---- Cinder: deleting a volume --------------------------------------------- */

/* Cinder's refusal of a DELETE, in its own words: 400 (not deletable in this
 * state: attached, snapshots, …) and 409 (an action in progress) say the volume
 * is still there and why; a 404 of its own says it is already gone. */
static int delete_status_error(const char *url, const char *id, const struct http_resp *r,
                               struct rw_error *err)
{
	if (r->status != 400 && r->status != 409)
		return status_error("cinder", url, r, true, err);
	char *shown = url_display(url), *msg = server_message(r);
	int rc = rw_error_set(err, -EIO, "cinder at %s refused to delete volume %.40s (HTTP %ld%s%s)",
	                      shown, id, r->status, *msg ? ": " : "", msg);
	free(shown);
	free(msg);
	return rc;
}

int cinder_delete_volume(struct os_client *c, const char *id, struct rw_error *err)
{
	if (str_empty(id))
		return rw_error_set(err, -EINVAL, "empty volume id");
	char *esc = url_escape(id);
	char *path = xasprintf("/volumes/%s", esc);
	free(esc);
	struct http_resp r = {.method = "DELETE"};
	char *url = NULL;
	int rc = os_get(c, OS_CINDER, path, &r, &url, err);
	if (rc == 0 && !status_ok(&r))
		rc = delete_status_error(url, id, &r, err);
	free(path);
	http_resp_free(&r);
	free(url);
	return scrub_error(c, rc, err);
}

/* The newest user_message of a {"messages": […]} body (created_at order), malloc'd. */
static char *newest_user_message(const char *json, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = json_tokener_parse_ex(tok, json, (int)len), *list = NULL;
	json_tokener_free(tok);
	char *best = NULL;
	const char *best_at = "";
	if (root && json_object_object_get_ex(root, "messages", &list) &&
	    json_object_is_type(list, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *m = json_object_array_get_idx(list, i), *um, *at;
			if (!json_object_object_get_ex(m, "user_message", &um) ||
			    !json_object_is_type(um, json_type_string))
				continue;
			const char *when = json_object_object_get_ex(m, "created_at", &at) &&
			                           json_object_is_type(at, json_type_string)
			                       ? json_object_get_string(at)
			                       : "";
			if (best && strcmp(when, best_at) < 0)
				continue;
			free(best);
			best = xstrdup(json_object_get_string(um));
			best_at = when;
		}
	}
	char *safe = best ? redact_text(best) : NULL;
	char *out = clean_server_text(safe);
	free(best);
	free(safe);
	json_object_put(root);
	return out;
}

int cinder_volume_message(struct os_client *c, const char *id, char **out, struct rw_error *err)
{
	*out = NULL;
	if (str_empty(id))
		return rw_error_set(err, -EINVAL, "empty volume id");
	char *esc = url_escape(id);
	char *path = xasprintf("/messages?resource_uuid=%s", esc);
	free(esc);
	struct http_resp r = {.api_version = CINDER_MESSAGES_MICROVERSION};
	char *url = NULL;
	int rc = os_get(c, OS_CINDER, path, &r, &url, err);
	if (rc == 0 && !status_ok(&r))
		rc = status_error("cinder", url, &r, false, err);
	if (rc == 0)
		*out = newest_user_message(r.body.p, r.body.len);
	free(path);
	http_resp_free(&r);
	free(url);
	return scrub_error(c, rc, err);
}
