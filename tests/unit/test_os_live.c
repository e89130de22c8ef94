/* test_os_live.c — the OpenStack client over real HTTP, in two kinds of case:
 *  - "os_http" always runs: an in-process HTTP server on 127.0.0.1 answers
 *    exactly what each test scripts (HTML 404s, 401 loops, oversized bodies,
 *    redirects, hangs), so the safety rules of os.c are checked byte for byte;
 *  - "os_standin" runs only when SANDBOX_DIR is set (tests/unit/run-os-live.sh
 *    sets it up): the same client against tests/sandbox/openstack-standin and
 *    its fault injection. Each case rewrites SANDBOX_DIR/openstack.json and
 *    faults.json and puts the old contents back when it ends. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "rbdwho/os.h"
#include "rbdwho/parse_os.h"
#include "rbdwho/util.h"

#define SERVER_ID "3f1c6a52-9d0e-4b7a-8c21-5e4d6f7a8b90"
#define VOLUME_ID "9cd1ee91-4b1e-4d8b-9c55-0a2f3e4d5c6b"
#define PASSWORD "right-pw-7c1e"
#define APP_SECRET "app-secret-51d0"

#define FIXTURE_DIR "os"
#include "fixture.h"

/* ==== a scripted HTTP server ============================================== */

struct fake_req {
	char method[8];
	char path[4096];
	char token[256];       /* X-Auth-Token */
	char microversion[32]; /* X-OpenStack-Nova-API-Version */
	char *body;
};

struct fake_resp {
	struct buf raw; /* the whole response, as sent */
	bool hang;      /* answer nothing; wait for the client to give up */
	size_t huge;    /* then stream this many more body bytes */
};

struct fake;
typedef void (*fake_fn)(struct fake *f, const struct fake_req *rq, struct fake_resp *rs);

struct fake {
	int lfd, port;
	pthread_t thr;
	fake_fn keystone, nova, cinder;
	pthread_mutex_t lock; /* guards the counters and records below */
	int n_auth, n_nova, n_cinder;
	char *last_auth_body;
	char last_path[4096];
	char last_token[256];
	char last_microversion[32];
	int nova_port; /* where the catalog sends Nova (default: here) */
	bool no_subject_token;
	long long expires_in; /* token lifetime the fake Keystone announces */
	int counter;          /* free for a test's handlers */
};

static void respond(struct fake_resp *rs, int status, const char *ctype, const char *headers,
                    const char *body)
{
	buf_printf(&rs->raw, "HTTP/1.1 %d X\r\n", status);
	if (ctype)
		buf_printf(&rs->raw, "Content-Type: %s\r\n", ctype);
	buf_printf(&rs->raw, "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s",
	           strlen(body ? body : ""), headers ? headers : "", body ? body : "");
}

static void respond_json(struct fake_resp *rs, int status, const char *body)
{
	respond(rs, status, "application/json", NULL, body);
}

static void fake_keystone_default(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	if (strcmp(rq->method, "POST") != 0 || strcmp(rq->path, "/v3/auth/tokens") != 0) {
		respond_json(rs, 404, "{\"error\":{\"code\":404,\"message\":\"Could not find.\"}}");
		return;
	}
	bool ok = rq->body &&
	          (strstr(rq->body, "\"" PASSWORD "\"") || strstr(rq->body, "\"" APP_SECRET "\""));
	if (!ok) {
		respond_json(rs, 401,
		             "{\"error\":{\"code\":401,\"title\":\"Unauthorized\",\"message\":"
		             "\"The request you have made requires authentication.\"}}");
		return;
	}
	pthread_mutex_lock(&f->lock);
	int n = f->n_auth;
	int nova_port = f->nova_port ? f->nova_port : f->port;
	long long life = f->expires_in ? f->expires_in : 3600;
	bool no_token = f->no_subject_token;
	pthread_mutex_unlock(&f->lock);
	time_t exp = time(NULL) + life;
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S.000000Z", gmtime(&exp));
	char *body = xasprintf(
	    "{\"token\":{\"methods\":[\"password\"],\"expires_at\":\"%s\",\"catalog\":["
	    "{\"type\":\"identity\",\"endpoints\":[{\"interface\":\"public\",\"region\":\"R1\","
	    "\"region_id\":\"R1\",\"url\":\"http://127.0.0.1:%d/v3\"}]},"
	    "{\"type\":\"compute\",\"endpoints\":[{\"interface\":\"public\",\"region\":\"R1\","
	    "\"region_id\":\"R1\",\"url\":\"http://127.0.0.1:%d/nova/v2.1/\"}]},"
	    "{\"type\":\"volumev3\",\"endpoints\":[{\"interface\":\"public\",\"region\":\"R1\","
	    "\"region_id\":\"R1\",\"url\":\"http://127.0.0.1:%d/cinder/v3/p1\"}]}]}}",
	    when, f->port, nova_port, f->port);
	char *hdr = no_token ? xstrdup("") : xasprintf("x-subject-token: tok-%d\r\n", n);
	respond(rs, 201, "application/json", hdr, body);
	free(hdr);
	free(body);
}

static void fake_dispatch(struct fake *f, struct fake_req *rq, struct fake_resp *rs)
{
	pthread_mutex_lock(&f->lock);
	fake_fn fn = NULL;
	if (strncmp(rq->path, "/nova/", 6) == 0) {
		f->n_nova++;
		fn = f->nova;
	} else if (strncmp(rq->path, "/cinder/", 8) == 0) {
		f->n_cinder++;
		fn = f->cinder;
	} else {
		f->n_auth++;
		free(f->last_auth_body);
		f->last_auth_body = xstrdup(rq->body);
		fn = f->keystone ? f->keystone : fake_keystone_default;
	}
	snprintf(f->last_path, sizeof f->last_path, "%s", rq->path);
	snprintf(f->last_token, sizeof f->last_token, "%s", rq->token);
	snprintf(f->last_microversion, sizeof f->last_microversion, "%s", rq->microversion);
	pthread_mutex_unlock(&f->lock);
	if (fn)
		fn(f, rq, rs);
	else
		respond(rs, 500, "text/plain", NULL, "no handler");
}

static void header_copy(const char *head, const char *name, char *dst, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = head; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(dst, cap, "%.*s", (int)strcspn(v, "\r\n"), v);
			return;
		}
	}
}

/* Reads one request; false if the client went away first. */
static bool fake_read(int fd, struct fake_req *rq)
{
	struct buf in = {0};
	char chunk[8192];
	char *end = NULL;
	while (!(end = in.p ? strstr(in.p, "\r\n\r\n") : NULL)) {
		ssize_t n = recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0) {
			buf_free(&in);
			return false;
		}
		buf_append(&in, chunk, (size_t)n);
	}
	size_t head = (size_t)(end - in.p) + 4, clen = 0;
	char cl[32] = "";
	header_copy(in.p, "Content-Length", cl, sizeof cl);
	clen = (size_t)strtoul(cl, NULL, 10);
	while (in.len < head + clen) {
		ssize_t n = recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			break;
		buf_append(&in, chunk, (size_t)n);
	}
	sscanf(in.p, "%7s %4095s", rq->method, rq->path);
	header_copy(in.p, "X-Auth-Token", rq->token, sizeof rq->token);
	header_copy(in.p, "X-OpenStack-Nova-API-Version", rq->microversion,
	            sizeof rq->microversion);
	rq->body = xstrndup(in.p + head, in.len - head);
	buf_free(&in);
	return true;
}

static void fake_send(int fd, const struct fake_resp *rs)
{
	if (rs->hang) {
		char c;
		while (recv(fd, &c, 1, 0) > 0)
			; /* until the client hangs up */
		return;
	}
	if (rs->raw.len && send(fd, rs->raw.p, rs->raw.len, MSG_NOSIGNAL) < 0)
		return;
	static const char zeros[65536];
	for (size_t left = rs->huge; left > 0;) {
		size_t n = left < sizeof zeros ? left : sizeof zeros;
		if (send(fd, zeros, n, MSG_NOSIGNAL) < 0)
			return; /* the client refused the rest: that is the point */
		left -= n;
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	for (;;) {
		int fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			return NULL; /* shutdown() of the listener ends the loop */
		struct fake_req rq = {0};
		if (fake_read(fd, &rq)) {
			struct fake_resp rs = {0};
			fake_dispatch(f, &rq, &rs);
			fake_send(fd, &rs);
			buf_free(&rs.raw);
		}
		free(rq.body);
		close(fd);
	}
}

static int listen_loopback(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port on which nothing listens (bound, then closed). */
static int dead_port(void)
{
	int port = 0, fd = listen_loopback(&port);
	close(fd);
	return port;
}

static int fake_setup(void **state)
{
	struct fake *f = xcalloc(1, sizeof *f);
	f->lfd = listen_loopback(&f->port);
	if (f->lfd < 0)
		return -1;
	pthread_mutex_init(&f->lock, NULL);
	if (pthread_create(&f->thr, NULL, fake_main, f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;
	shutdown(f->lfd, SHUT_RDWR);
	pthread_join(f->thr, NULL);
	close(f->lfd);
	free(f->last_auth_body);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return 0;
}

static struct os_client *fake_client(const struct fake *f, int timeout_ms)
{
	char *url = xasprintf("http://127.0.0.1:%d/v3", f->port);
	struct os_opts o = {
	    .auth_url = url,
	    .username = (char *)"admin",
	    .password = (char *)PASSWORD,
	    .project_name = (char *)"admin",
	    .user_domain_name = (char *)"Default",
	    .project_domain_name = (char *)"Default",
	    .timeout_ms = timeout_ms,
	};
	struct os_client *c = NULL;
	struct rw_error err = {0};
	if (os_client_new(&o, &c, &err) != 0)
		fail_msg("os_client_new: %s", err.msg);
	free(url);
	return c;
}

/* Nova's GET /servers/{id}, the same body for any id asked. */
static void nova_server_ok(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	char *body = fixture_read("nova-server-get.json", NULL);
	respond_json(rs, 200, body);
	free(body);
}

static int get_server(struct fake *f, const char *id, struct rw_error *err)
{
	struct os_client *c = fake_client(f, 2000);
	struct nova_server s;
	int rc = nova_get_server(c, id, &s, err);
	nova_server_clear(&s);
	os_client_free(c);
	return rc;
}

/* ---- what counts as "gone" -------------------------------------------- */

static void nova_404_itemnotfound(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 404,
	             "{\"itemNotFound\":{\"code\":404,\"message\":\"Instance " SERVER_ID
	             " could not be found.\"}}");
}

static void nova_404_html(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond(rs, 404, "text/html", NULL,
	        "<html><head><title>404 Not Found</title></head><body>nginx</body></html>");
}

static void nova_404_router(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 404,
	             "{\"itemNotFound\":{\"code\":404,"
	             "\"message\":\"The resource could not be found.\"}}");
}

static void nova_404_empty(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond(rs, 404, NULL, NULL, "");
}

static void nova_404_json_as_html(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	/* an error page that happens to be JSON-shaped, served as HTML by a proxy */
	respond(rs, 404, "text/html", NULL, "{\"error\":{\"message\":\"not here\"}}");
}

static void test_found(void **state)
{
	struct fake *f = *state;
	f->nova = nova_server_ok;
	struct os_client *c = fake_client(f, 2000);
	struct nova_server s;
	struct rw_error err = {0};
	assert_int_equal(nova_get_server(c, SERVER_ID, &s, &err), 0);
	assert_string_equal(s.instance_name, "instance-0002f5c4");
	assert_string_equal(f->last_path, "/nova/v2.1/servers/" SERVER_ID);
	assert_string_equal(f->last_token, "tok-1"); /* from a lower-case x-subject-token */
	assert_string_equal(f->last_microversion, "2.53");
	nova_server_clear(&s);
	/* the token is reused, not fetched per request */
	assert_int_equal(nova_get_server(c, SERVER_ID, &s, &err), 0);
	nova_server_clear(&s);
	assert_int_equal(f->n_auth, 1);
	os_client_free(c);
}

static void test_404_only_nova_own(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_404_itemnotfound;
	assert_int_equal(get_server(f, SERVER_ID, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "could not be found"));
	fake_fn not_proof[] = {nova_404_html, nova_404_router, nova_404_empty,
	                       nova_404_json_as_html};
	for (size_t i = 0; i < sizeof not_proof / sizeof not_proof[0]; i++) {
		f->nova = not_proof[i];
		assert_int_equal(get_server(f, SERVER_ID, &err), -EPROTO);
		assert_non_null(strstr(err.msg, "not proof"));
	}
}

static void nova_redirect(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)rq;
	char *hdr = xasprintf("Location: http://127.0.0.1:%d/elsewhere\r\n", f->port);
	respond(rs, 302, "text/html", hdr, "moved");
	free(hdr);
}

static void nova_other_id(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 200, "{\"server\":{\"id\":\"11111111-2222-3333-4444-555555555555\"}}");
}

static void nova_garbage(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 200, "{\"server\": {\"id\": \"" SERVER_ID "\", \"name\": <html>");
}

static void test_garbage_is_eproto(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_redirect; /* not followed: a redirect is not Nova's answer */
	assert_int_equal(get_server(f, SERVER_ID, &err), -EPROTO);
	assert_null(strstr(f->last_path, "elsewhere"));
	f->nova = nova_other_id;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EPROTO);
	f->nova = nova_garbage;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EPROTO);
	assert_int_equal(get_server(f, "", &err), -EINVAL);
}

/* ---- server errors, with their words ------------------------------------- */

static void nova_503(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond(rs, 503, "application/json", "Retry-After: 30\r\n",
	        "{\"serviceUnavailable\":{\"code\":503,\"message\":\"Nova is busy\"}}");
}

static void nova_500(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 500,
	             "{\"computeFault\":{\"code\":500,\"message\":\"Unexpected API "
	             "Error.\\u001b[31m\"}}");
}

static void test_5xx(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_503;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EIO);
	assert_non_null(strstr(err.msg, "503"));
	assert_non_null(strstr(err.msg, "Nova is busy"));
	assert_non_null(strstr(err.msg, "retry after 30"));
	f->nova = nova_500;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EIO);
	assert_non_null(strstr(err.msg, "Unexpected API Error."));
	assert_null(strchr(err.msg, '\033')); /* no terminal escapes from a server */
}

/* ---- 401: re-authenticate once --------------------------------------------- */

static void nova_always_401(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 401,
	             "{\"error\":{\"code\":401,\"message\":\"The request you have made "
	             "requires authentication.\"}}");
}

static void nova_401_first(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	if (strcmp(rq->token, "tok-1") == 0)
		nova_always_401(f, rq, rs);
	else
		nova_server_ok(f, rq, rs);
}

static void test_401_reauth_once(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_401_first;
	assert_int_equal(get_server(f, SERVER_ID, &err), 0);
	assert_int_equal(f->n_auth, 2);
	assert_string_equal(f->last_token, "tok-2");
	f->n_auth = f->n_nova = 0;
	f->nova = nova_always_401;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EACCES);
	assert_int_equal(f->n_auth, 2);
	assert_int_equal(f->n_nova, 2);
	assert_null(strstr(err.msg, "tok-"));
}

/* ---- Keystone ---------------------------------------------------------- */

static void keystone_echo_password(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 401,
	             "{\"error\":{\"code\":401,\"message\":\"password " PASSWORD " is wrong\"}}");
}

static void test_keystone_errors(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_server_ok;
	f->keystone = keystone_echo_password;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EACCES);
	assert_null(strstr(err.msg, PASSWORD));
	assert_non_null(strstr(err.msg, "<redacted>"));
	assert_int_equal(f->n_nova, 0);
	f->keystone = NULL;
	f->no_subject_token = true;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "X-Subject-Token"));
	f->no_subject_token = false;
	/* wrong password: the fake's own 401 */
	char *url = xasprintf("http://127.0.0.1:%d", f->port); /* no /v3: appended */
	struct os_opts o = {.auth_url = url,
	                    .user_id = (char *)"u1",
	                    .password = (char *)"wrong-password",
	                    .project_id = (char *)"p1"};
	struct os_client *c = NULL;
	assert_int_equal(os_client_new(&o, &c, &err), 0);
	assert_int_equal(os_authenticate(c, &err), -EACCES);
	assert_null(strstr(err.msg, "wrong-password"));
	assert_string_equal(f->last_path, "/v3/auth/tokens");
	os_client_free(c);
	free(url);
}

static struct json_object *auth_body_of(struct fake *f)
{
	struct json_object *j = json_tokener_parse(f->last_auth_body);
	assert_non_null(j);
	return j;
}

static const char *jpath(struct json_object *j, const char *const *keys)
{
	for (; *keys; keys++)
		if (!json_object_object_get_ex(j, *keys, &j))
			return NULL;
	return json_object_get_string(j);
}

static void test_auth_bodies(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	struct os_client *c = fake_client(f, 2000);
	assert_int_equal(os_authenticate(c, &err), 0);
	os_client_free(c);
	struct json_object *j = auth_body_of(f);
	const char *const user_dom[] = {"auth",   "identity", "password", "user",
	                                "domain", "name",     NULL};
	const char *const proj[] = {"auth", "scope", "project", "name", NULL};
	const char *const proj_dom[] = {"auth", "scope", "project", "domain", "name", NULL};
	assert_string_equal(jpath(j, user_dom), "Default");
	assert_string_equal(jpath(j, proj), "admin");
	assert_string_equal(jpath(j, proj_dom), "Default");
	json_object_put(j);
	/* application credential, by id, with a trailing-slash auth_url */
	char *url = xasprintf("http://127.0.0.1:%d/v3/", f->port);
	struct os_opts o = {.auth_url = url,
	                    .app_cred_id = (char *)"ac-1",
	                    .app_cred_secret = (char *)APP_SECRET,
	                    .auth_type = (char *)"v3applicationcredential",
	                    .project_name = (char *)"ignored"};
	assert_int_equal(os_client_new(&o, &c, &err), 0);
	assert_int_equal(os_authenticate(c, &err), 0);
	os_client_free(c);
	j = auth_body_of(f);
	const char *const ac_id[] = {"auth", "identity", "application_credential", "id", NULL};
	const char *const method[] = {"auth", "identity", "methods", NULL};
	const char *const scope[] = {"auth", "scope", NULL};
	assert_string_equal(jpath(j, ac_id), "ac-1");
	assert_non_null(strstr(jpath(j, method), "application_credential"));
	assert_null(jpath(j, scope)); /* app credentials carry their own scope */
	json_object_put(j);
	/* an auth type we do not speak, and incomplete credentials */
	o.auth_type = (char *)"v3oidcpassword";
	assert_int_equal(os_client_new(&o, &c, &err), -EINVAL);
	o.auth_type = NULL;
	o.app_cred_id = NULL;
	assert_int_equal(os_client_new(&o, &c, &err), 0);
	assert_int_equal(os_authenticate(c, &err), -EINVAL);
	os_client_free(c);
	o.auth_url = (char *)"file:///etc/passwd";
	assert_int_equal(os_client_new(&o, &c, &err), -EINVAL);
	free(url);
}

static void test_no_compute_in_catalog_and_refused(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_server_ok;
	f->nova_port = dead_port();
	assert_int_equal(get_server(f, SERVER_ID, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot reach nova"));
	f->nova_port = 0;
	/* Keystone itself down */
	struct os_opts o = {.auth_url = xasprintf("http://127.0.0.1:%d/v3", dead_port()),
	                    .username = (char *)"admin",
	                    .password = (char *)PASSWORD};
	struct os_client *c = NULL;
	assert_int_equal(os_client_new(&o, &c, &err), 0);
	assert_int_equal(os_authenticate(c, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot reach keystone"));
	os_client_free(c);
	free(o.auth_url);
	/* credentials in the URL never reach a message */
	o.auth_url = xasprintf("http://user:pw-in-url@127.0.0.1:%d/v3", dead_port());
	assert_int_equal(os_client_new(&o, &c, &err), 0);
	assert_int_equal(os_authenticate(c, &err), -EIO);
	assert_null(strstr(err.msg, "pw-in-url"));
	os_client_free(c);
	free(o.auth_url);
}

/* ---- limits: time and size ----------------------------------------------- */

static void nova_hang(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	rs->hang = true;
}

static void nova_huge(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	size_t total = (65u << 20);
	buf_printf(&rs->raw,
	           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	           "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	           total);
	rs->huge = total;
}

static void test_timeout(void **state)
{
	struct fake *f = *state;
	f->nova = nova_hang;
	struct os_client *c = fake_client(f, 400);
	struct nova_server s;
	struct rw_error err = {0};
	int64_t t0 = clock_ms();
	assert_int_equal(nova_get_server(c, SERVER_ID, &s, &err), -ETIMEDOUT);
	int64_t took = clock_ms() - t0;
	assert_true(took >= 350 && took < 1400);
	assert_non_null(strstr(err.msg, "400 ms"));
	os_client_free(c);
}

static void test_too_large(void **state)
{
	struct fake *f = *state;
	struct rw_error err = {0};
	f->nova = nova_huge;
	assert_int_equal(get_server(f, SERVER_ID, &err), -EIO);
	assert_non_null(strstr(err.msg, "too large"));
}

/* ---- paging ------------------------------------------------------------ */

/* Three pages of ids p0…p(3k-1); the next links name a host we must not use. */
static void nova_three_pages(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	const char *m = strstr(rq->path, "marker=");
	int start = m ? atoi(m + 8) + 1 : 0; /* markers are "pN" */
	if (!strstr(rq->path, "all_tenants=1") || !strstr(rq->path, "limit=1000")) {
		respond_json(rs, 400, "{\"badRequest\":{\"message\":\"bad query\"}}");
		return;
	}
	struct buf b = {0};
	buf_printf(&b, "{\"servers\":[");
	for (int i = start; i < start + 1000 && i < 2500; i++)
		buf_printf(&b, "%s{\"id\":\"p%d\",\"status\":\"ACTIVE\"}", i > start ? "," : "", i);
	buf_printf(&b, "]");
	if (start + 1000 < 2500)
		buf_printf(&b,
		           ",\"servers_links\":[{\"rel\":\"next\",\"href\":\"http://nova.internal."
		           "invalid/v2.1/servers/detail?all_tenants=1&limit=1000&marker=p%d\"}]",
		           start + 999);
	buf_printf(&b, "}");
	respond_json(rs, 200, b.p);
	buf_free(&b);
}

static void nova_loop_pages(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	(void)rq;
	respond_json(rs, 200,
	             "{\"servers\":[{\"id\":\"same\"}],\"servers_links\":[{\"rel\":\"next\","
	             "\"href\":\"http://x/servers/detail?marker=same\"}]}");
}

static void nova_hyp_pages(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	if (!strstr(rq->path, "marker=")) {
		respond_json(rs, 200,
		             "{\"hypervisors\":[{\"id\":1,\"hypervisor_hostname\":\"a\","
		             "\"host_ip\":\"10.0.0.1\",\"service\":{\"host\":\"a\",\"id\":4}}],"
		             "\"hypervisors_links\":[{\"rel\":\"next\",\"href\":\"http://x/"
		             "os-hypervisors/detail?limit=1&marker=1\"}]}");
	} else {
		respond_json(rs, 200,
		             "{\"hypervisors\":[{\"id\":2,\"hypervisor_hostname\":\"b\","
		             "\"service\":{\"host\":\"b\",\"id\":5}}]}");
	}
}

static void test_paging(void **state)
{
	struct fake *f = *state;
	struct os_client *c = fake_client(f, 2000);
	struct nova_server *v = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	f->nova = nova_three_pages;
	assert_int_equal(nova_list_servers(c, &v, &n, &err), 0);
	assert_int_equal(n, 2500);
	assert_int_equal(f->n_nova, 3);
	assert_string_equal(v[2499].id, "p2499");
	assert_non_null(strstr(f->last_path, "marker=p1999"));
	for (size_t i = 0; i < n; i++)
		nova_server_clear(&v[i]);
	free(v);
	f->nova = nova_loop_pages;
	assert_int_equal(nova_list_servers(c, &v, &n, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "same page twice"));
	assert_null(v);
	assert_int_equal(n, 0);
	f->nova = nova_404_itemnotfound; /* a 404 on a list is a failure, not "nothing" */
	assert_int_equal(nova_list_servers(c, &v, &n, &err), -EIO);
	struct nova_hypervisor *h = NULL;
	f->nova = nova_hyp_pages;
	assert_int_equal(nova_list_hypervisors(c, &h, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].host_ip, "10.0.0.1");
	assert_string_equal(h[1].service_host, "b");
	assert_string_equal(h[1].id, "2");
	for (size_t i = 0; i < n; i++)
		nova_hypervisor_clear(&h[i]);
	free(h);
	os_client_free(c);
}

/* ---- Cinder ------------------------------------------------------------ */

static void cinder_fixture(struct fake *f, const struct fake_req *rq, struct fake_resp *rs)
{
	(void)f;
	if (strstr(rq->path, VOLUME_ID)) {
		char *body = fixture_read("cinder-volume-show-attached.json", NULL);
		respond_json(rs, 200, body);
		free(body);
	} else {
		respond_json(rs, 404,
		             "{\"itemNotFound\":{\"code\":404,\"message\":\"Volume x could "
		             "not be found.\"}}");
	}
}

static void test_cinder(void **state)
{
	struct fake *f = *state;
	f->cinder = cinder_fixture;
	struct os_client *c = fake_client(f, 2000);
	struct cinder_volume vol;
	struct rw_error err = {0};
	assert_int_equal(cinder_get_volume(c, VOLUME_ID, &vol, &err), 0);
	assert_string_equal(f->last_path, "/cinder/v3/p1/volumes/" VOLUME_ID);
	assert_int_equal(vol.natt, 2);
	assert_string_equal(vol.att[0].server_id, SERVER_ID);
	cinder_volume_clear(&vol);
	assert_int_equal(cinder_get_volume(c, "no/such?volume", &vol, &err), -ENOENT);
	assert_string_equal(f->last_path, "/cinder/v3/p1/volumes/no%2Fsuch%3Fvolume");
	os_client_free(c);
}

/* ---- threads share one client ------------------------------------------- */

struct worker {
	struct os_client *c;
	int rc;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct nova_server s;
	struct rw_error err = {0};
	for (int i = 0; i < 5 && w->rc == 0; i++) {
		w->rc = nova_get_server(w->c, SERVER_ID, &s, &err);
		nova_server_clear(&s);
	}
	return NULL;
}

static void test_threads_share_token(void **state)
{
	struct fake *f = *state;
	f->nova = nova_server_ok;
	struct os_client *c = fake_client(f, 5000);
	struct worker w[8];
	pthread_t t[8];
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){.c = c};
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, 0);
	}
	assert_int_equal(f->n_auth, 1);
	assert_int_equal(f->n_nova, 40);
	os_client_free(c);
}

/* ==== the stand-in ========================================================= */

struct standin {
	char *dir, *data_path, *faults_path, *state_path;
	char *old_data, *old_faults;
	struct os_opts opts;
};

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	return b.p ? b.p : xstrdup("");
}

/* Replaces path at once (the stand-in re-reads it on every request). */
static void write_atomic(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.rbdwho-tmp", path);
	FILE *fp = fopen(tmp, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
}

/* 2 500 servers (three pages of Nova's 1 000), one known one, hypervisors with
 * both id shapes, a volume with attachments and an application credential. */
static char *standin_data(void)
{
	struct buf b = {0};
	char *server = fixture_read("nova-server-get.json", NULL);
	char *inner = strchr(server, '{') + 1;
	inner = strchr(inner, '{');
	*strrchr(server, '}') = '\0'; /* {"server": {…}} → {…} */
	buf_printf(&b, "{\"servers\":[%s", inner);
	for (int i = 0; i < 2500; i++)
		buf_printf(&b,
		           ",{\"id\":\"00000000-0000-4000-8000-%012d\",\"name\":\"vm-%d\","
		           "\"status\":\"ACTIVE\",\"tenant_id\":\"t\"}",
		           i, i);
	free(server);
	char *vol = fixture_read("cinder-volume-show-attached.json", NULL);
	inner = strchr(strchr(vol, '{') + 1, '{');
	*strrchr(vol, '}') = '\0';
	buf_printf(&b,
	           "],\"hypervisors\":[{\"id\":\"1bb62a04-c576-402c-8147-9e89757a09e3\","
	           "\"hypervisor_hostname\":\"compute-03.example.net\",\"host_ip\":\"10.20.0.13\","
	           "\"state\":\"up\",\"status\":\"enabled\",\"service\":{\"host\":\"compute-03\","
	           "\"id\":\"62f62f6e-a713-4cbe-87d3-3ecf8a1e0f8d\"}},{\"id\":7,"
	           "\"hypervisor_hostname\":\"old-07\",\"host_ip\":\"10.20.0.17\",\"service\":"
	           "{\"host\":\"old-07\",\"id\":9}}],\"volumes\":[%s],"
	           "\"app_credentials\":[{\"id\":\"ac-live-1\",\"name\":\"rbdwho-ci\","
	           "\"secret\":\"" APP_SECRET "\"}]}",
	           inner);
	free(vol);
	return b.p;
}

static int standin_setup(void **state)
{
	const char *dir = getenv("SANDBOX_DIR");
	if (str_empty(dir))
		return 0;
	struct standin *s = xcalloc(1, sizeof *s);
	struct rw_error err = {0};
	if (os_opts_load(&s->opts, NULL, &err) != 0) {
		fprintf(stderr, "os_opts_load: %s\n", err.msg);
		free(s);
		return -1;
	}
	s->opts.timeout_ms = 5000;
	s->dir = xstrdup(dir);
	s->data_path = xasprintf("%s/openstack.json", dir);
	s->faults_path = xasprintf("%s/faults.json", dir);
	s->state_path = xasprintf("%s/faults.json.state", dir);
	s->old_data = slurp(s->data_path);
	s->old_faults = slurp(s->faults_path);
	char *data = standin_data();
	write_atomic(s->data_path, data);
	free(data);
	write_atomic(s->faults_path, "{}");
	*state = s;
	return 0;
}

static int standin_teardown(void **state)
{
	struct standin *s = *state;
	if (!s)
		return 0;
	write_atomic(s->faults_path, s->old_faults ? s->old_faults : "{}");
	if (s->old_data)
		write_atomic(s->data_path, s->old_data);
	os_opts_clear(&s->opts);
	free(s->old_data);
	free(s->old_faults);
	free(s->dir);
	free(s->data_path);
	free(s->faults_path);
	free(s->state_path);
	free(s);
	return 0;
}

static struct standin *standin_get(void **state)
{
	if (!*state)
		skip(); /* SANDBOX_DIR is not set: see tests/unit/run-os-live.sh */
	struct standin *s = *state;
	write_atomic(s->faults_path, "{}");
	return s;
}

static struct os_client *standin_client(struct standin *s, const struct os_opts *o)
{
	struct os_client *c = NULL;
	struct rw_error err = {0};
	if (os_client_new(o ? o : &s->opts, &c, &err) != 0)
		fail_msg("os_client_new: %s", err.msg);
	return c;
}

static void test_live_auth(void **state)
{
	struct standin *s = standin_get(state);
	struct rw_error err = {0};
	struct os_client *c = standin_client(s, NULL);
	if (os_authenticate(c, &err) != 0)
		fail_msg("auth: %s", err.msg);
	os_client_free(c);
	struct os_opts bad = s->opts;
	bad.password = (char *)"not-the-password";
	c = standin_client(s, &bad);
	assert_int_equal(os_authenticate(c, &err), -EACCES);
	assert_null(strstr(err.msg, "not-the-password"));
	os_client_free(c);
}

static void test_live_server(void **state)
{
	struct standin *s = standin_get(state);
	struct os_client *c = standin_client(s, NULL);
	struct nova_server srv;
	struct rw_error err = {0};
	if (nova_get_server(c, SERVER_ID, &srv, &err) != 0)
		fail_msg("get: %s", err.msg);
	assert_string_equal(srv.instance_name, "instance-0002f5c4");
	assert_string_equal(srv.host, "compute-03");
	nova_server_clear(&srv);
	assert_int_equal(nova_get_server(c, "6c0ffee0-0000-4000-8000-000000000404", &srv, &err),
	                 -ENOENT);
	os_client_free(c);
}

static int live_get(struct standin *s, int timeout_ms, struct rw_error *err)
{
	struct os_opts o = s->opts;
	o.timeout_ms = timeout_ms;
	struct os_client *c = standin_client(s, &o);
	struct nova_server srv;
	int rc = nova_get_server(c, SERVER_ID, &srv, err);
	nova_server_clear(&srv);
	os_client_free(c);
	return rc;
}

static void test_live_faults(void **state)
{
	struct standin *s = standin_get(state);
	struct rw_error err = {0};
	write_atomic(s->faults_path, "{\"nova\":{\"delay_ms\":3000}}");
	int64_t t0 = clock_ms();
	assert_int_equal(live_get(s, 1000, &err), -ETIMEDOUT);
	assert_true(clock_ms() - t0 < 2000);
	write_atomic(s->faults_path, "{\"nova\":{\"status\":500}}");
	assert_int_equal(live_get(s, 5000, &err), -EIO);
	write_atomic(s->faults_path, "{\"nova\":{\"status\":503,\"retry_after\":7}}");
	assert_int_equal(live_get(s, 5000, &err), -EIO);
	assert_non_null(strstr(err.msg, "retry after 7"));
	write_atomic(s->faults_path, "{\"nova\":{\"malformed\":true}}");
	assert_int_equal(live_get(s, 5000, &err), -EPROTO);
	write_atomic(s->faults_path, "{\"nova\":{\"truncated\":true}}");
	int rc = live_get(s, 5000, &err);
	assert_true(rc == -EIO || rc == -EPROTO);
	write_atomic(s->faults_path, "{\"nova\":{\"huge_mb\":70}}");
	assert_int_equal(live_get(s, 10000, &err), -EIO);
	assert_non_null(strstr(err.msg, "too large"));
}

/* True once the stand-in's state file says nova's up flag is `up`. */
static bool nova_is(struct standin *s, bool up)
{
	char *text = slurp(s->state_path);
	struct json_object *j = text ? json_tokener_parse(text) : NULL, *v = NULL;
	free(text);
	bool match = j && json_object_object_get_ex(j, "services", &v) &&
	             json_object_object_get_ex(v, "nova", &v) &&
	             json_object_object_get_ex(v, "up", &v) && json_object_get_boolean(v) == up;
	json_object_put(j);
	return match;
}

/* The stand-in acknowledges "down" by renaming its state file into place:
 * wait for that event (no sleeping), 5 s at most. */
static void wait_nova(struct standin *s, bool up)
{
	int fd = inotify_init1(IN_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(inotify_add_watch(fd, s->dir, IN_MOVED_TO | IN_CLOSE_WRITE) >= 0);
	int64_t deadline = clock_ms() + 5000;
	while (!nova_is(s, up)) {
		int64_t left = deadline - clock_ms();
		if (left <= 0)
			fail_msg("nova did not go %s", up ? "up" : "down");
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)left) > 0) {
			char ev[4096];
			(void)!read(fd, ev, sizeof ev);
		}
	}
	close(fd);
}

static void test_live_down(void **state)
{
	struct standin *s = standin_get(state);
	struct rw_error err = {0};
	write_atomic(s->faults_path, "{\"nova\":{\"down\":true}}");
	wait_nova(s, false);
	assert_int_equal(live_get(s, 3000, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot reach nova"));
	write_atomic(s->faults_path, "{}");
	wait_nova(s, true);
	assert_int_equal(live_get(s, 3000, &err), 0);
}

static void test_live_expire_once(void **state)
{
	struct standin *s = standin_get(state);
	struct rw_error err = {0};
	struct os_client *c = standin_client(s, NULL);
	assert_int_equal(os_authenticate(c, &err), 0);
	write_atomic(s->faults_path, "{\"nova\":{\"expire_tokens\":true,\"expire_once\":true}}");
	struct nova_server srv;
	if (nova_get_server(c, SERVER_ID, &srv, &err) != 0)
		fail_msg("after expiry: %s", err.msg);
	nova_server_clear(&srv);
	/* every token refused: one re-authentication, then a clear -EACCES */
	write_atomic(s->faults_path, "{\"nova\":{\"expire_tokens\":true}}");
	assert_int_equal(nova_get_server(c, SERVER_ID, &srv, &err), -EACCES);
	os_client_free(c);
}

static void test_live_app_cred(void **state)
{
	struct standin *s = standin_get(state);
	struct os_opts o = {.auth_url = s->opts.auth_url,
	                    .auth_type = (char *)"v3applicationcredential",
	                    .app_cred_id = (char *)"ac-live-1",
	                    .app_cred_secret = (char *)APP_SECRET,
	                    .timeout_ms = 5000};
	struct os_client *c = standin_client(s, &o);
	struct nova_server srv;
	struct rw_error err = {0};
	if (nova_get_server(c, SERVER_ID, &srv, &err) != 0)
		fail_msg("app cred: %s", err.msg);
	nova_server_clear(&srv);
	os_client_free(c);
	o.app_cred_secret = (char *)"wrong-secret";
	c = standin_client(s, &o);
	assert_int_equal(os_authenticate(c, &err), -EACCES);
	assert_null(strstr(err.msg, "wrong-secret"));
	os_client_free(c);
}

static void test_live_cinder(void **state)
{
	struct standin *s = standin_get(state);
	struct os_client *c = standin_client(s, NULL);
	struct cinder_volume v;
	struct rw_error err = {0};
	if (cinder_get_volume(c, VOLUME_ID, &v, &err) != 0)
		fail_msg("cinder: %s", err.msg);
	assert_string_equal(v.status, "in-use");
	assert_int_equal(v.natt, 2);
	assert_string_equal(v.att[0].server_id, SERVER_ID);
	assert_string_equal(v.att[0].host_name, "compute-03");
	cinder_volume_clear(&v);
	assert_int_equal(cinder_get_volume(c, "6c0ffee0-0000-4000-8000-000000000404", &v, &err),
	                 -ENOENT);
	os_client_free(c);
}

static void test_live_paging(void **state)
{
	struct standin *s = standin_get(state);
	struct os_client *c = standin_client(s, NULL);
	struct nova_server *v = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	if (nova_list_servers(c, &v, &n, &err) != 0)
		fail_msg("list: %s", err.msg);
	assert_int_equal(n, 2501); /* 1 000 + 1 000 + 501: three pages */
	assert_string_equal(v[0].id, SERVER_ID);
	assert_string_equal(v[2500].name, "vm-2499");
	for (size_t i = 0; i < n; i++)
		nova_server_clear(&v[i]);
	free(v);
	struct nova_hypervisor *h = NULL;
	if (nova_list_hypervisors(c, &h, &n, &err) != 0)
		fail_msg("hypervisors: %s", err.msg);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].service_host, "compute-03");
	assert_string_equal(h[1].id, "7");
	for (size_t i = 0; i < n; i++)
		nova_hypervisor_clear(&h[i]);
	free(h);
	os_client_free(c);
}

int main(void)
{
	/* One group, so that run-unit.sh counts every case: the os_http cases
	 * always run, the stand-in ones skip themselves without SANDBOX_DIR. */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_found, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_404_only_nova_own, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_garbage_is_eproto, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_5xx, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_401_reauth_once, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_keystone_errors, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_auth_bodies, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_no_compute_in_catalog_and_refused, fake_setup,
	                                    fake_teardown),
	    cmocka_unit_test_setup_teardown(test_timeout, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_too_large, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_paging, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_cinder, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_threads_share_token, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(test_live_auth, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_server, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_faults, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_down, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_expire_once, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_app_cred, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_cinder, standin_setup, standin_teardown),
	    cmocka_unit_test_setup_teardown(test_live_paging, standin_setup, standin_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
