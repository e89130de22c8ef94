/* test_clouds.c — os_opts_load and clouds.yaml: the openstack client's search
 * order, secure.yaml, OS_* variables winning, aliases, and malformed or hostile
 * files that must give "file:line" errors (never a secret) instead of a crash.
 * Each test runs in a fresh temp dir with every OS_* variable cleared. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/clouds.h"
#include "rbdwho/os.h"
#include "rbdwho/util.h"

static const char *const os_vars[] = {
    "OS_CLOUD",
    "OS_CLIENT_CONFIG_FILE",
    "OS_CLIENT_SECURE_FILE",
    "OS_AUTH_URL",
    "OS_AUTH_TYPE",
    "OS_USERNAME",
    "OS_USER_ID",
    "OS_PASSWORD",
    "OS_PROJECT_NAME",
    "OS_PROJECT_ID",
    "OS_TENANT_NAME",
    "OS_TENANT_ID",
    "OS_USER_DOMAIN_NAME",
    "OS_USER_DOMAIN_ID",
    "OS_PROJECT_DOMAIN_NAME",
    "OS_PROJECT_DOMAIN_ID",
    "OS_REGION_NAME",
    "OS_INTERFACE",
    "OS_ENDPOINT_TYPE",
    "OS_APPLICATION_CREDENTIAL_ID",
    "OS_APPLICATION_CREDENTIAL_NAME",
    "OS_APPLICATION_CREDENTIAL_SECRET",
    "OS_CACERT",
    "OS_INSECURE",
    "OS_DEFAULT_DOMAIN",
    NULL,
};

struct fixture {
	char dir[64];
	char *oldcwd;
	char *oldhome;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/rbdwho-clouds-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->oldcwd = getcwd(NULL, 0);
	f->oldhome = xstrdup(getenv("HOME"));
	for (int i = 0; os_vars[i]; i++)
		unsetenv(os_vars[i]);
	setenv("HOME", f->dir, 1);
	if (chdir(f->dir) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (chdir(f->oldcwd) != 0)
		return -1;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(cmd);
	if (f->oldhome)
		setenv("HOME", f->oldhome, 1);
	free(f->oldhome);
	free(f->oldcwd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static char *write_file(const struct fixture *f, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", f->dir, rel);
	for (char *p = path + strlen(f->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static const char base_yaml[] =
    "# a typical clouds.yaml\n"
    "clouds:\n"
    "  prod:\n"
    "    auth:\n"
    "      auth_url: https://keystone.example.net:5000/v3\n"
    "      username: admin\n"
    "      password: \"s3cret-pass:word\"\n"
    "      project_name: admin\n"
    "      user_domain_name: Default\n"
    "      project_domain_name: Default\n"
    "    region_name: RegionOne\n"
    "    interface: internal\n"
    "    identity_api_version: 3\n"
    "    cacert: /etc/ssl/prod-ca.pem\n"
    "  lab:\n"
    "    auth_type: v3applicationcredential\n"
    "    auth:\n"
    "      auth_url: http://10.0.0.10:5000\n"
    "      application_credential_id: 21dced0fd20347869b93710d2b98aae0\n"
    "      application_credential_secret: lab-app-secret\n"
    "    verify: false\n"
    "    api_timeout: 2.5\n"
    "    regions: [LabRegion, Other]\n";

static void test_named_cloud(void **state)
{
	struct fixture *f = *state;
	char *path = write_file(f, "clouds.yaml", base_yaml);
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, "prod", &err), 0);
	assert_string_equal(o.cloud, "prod");
	assert_string_equal(o.auth_url, "https://keystone.example.net:5000/v3");
	assert_string_equal(o.username, "admin");
	assert_string_equal(o.password, "s3cret-pass:word");
	assert_string_equal(o.project_name, "admin");
	assert_string_equal(o.user_domain_name, "Default");
	assert_string_equal(o.project_domain_name, "Default");
	assert_string_equal(o.region_name, "RegionOne");
	assert_string_equal(o.interface, "internal");
	assert_string_equal(o.cacert, "/etc/ssl/prod-ca.pem");
	assert_false(o.insecure);
	assert_int_equal(o.timeout_ms, 10000);
	assert_null(o.auth_type);
	os_opts_clear(&o);
	assert_null(o.password);
	free(path);
}

static void test_app_cred_cloud_via_os_cloud(void **state)
{
	struct fixture *f = *state;
	free(write_file(f, "clouds.yaml", base_yaml)); /* found as ./clouds.yaml */
	setenv("OS_CLOUD", "lab", 1);
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, NULL, &err), 0);
	assert_string_equal(o.cloud, "lab");
	assert_string_equal(o.auth_type, "v3applicationcredential");
	assert_string_equal(o.app_cred_id, "21dced0fd20347869b93710d2b98aae0");
	assert_string_equal(o.app_cred_secret, "lab-app-secret");
	assert_true(o.insecure);
	assert_int_equal(o.timeout_ms, 2500);
	assert_string_equal(o.region_name, "LabRegion");
	assert_null(o.username);
	os_opts_clear(&o);
	/* the argument wins over OS_CLOUD */
	assert_int_equal(os_opts_load(&o, "prod", &err), 0);
	assert_string_equal(o.cloud, "prod");
	os_opts_clear(&o);
}

static void test_env_overrides_cloud(void **state)
{
	struct fixture *f = *state;
	char *path = write_file(f, "clouds.yaml", base_yaml);
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	setenv("OS_PASSWORD", "from-env", 1);
	setenv("OS_PROJECT_ID", "8a1f6f0d2c4b4f6e9d3a7c5b1e2f4a6d", 1);
	setenv("OS_ENDPOINT_TYPE", "publicURL", 1);
	setenv("OS_INSECURE", "true", 1);
	setenv("OS_REGION_NAME", "", 1); /* empty: as if unset */
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, "prod", &err), 0);
	assert_string_equal(o.password, "from-env");
	assert_string_equal(o.project_id, "8a1f6f0d2c4b4f6e9d3a7c5b1e2f4a6d");
	assert_null(o.project_name); /* the file's name must not outrank the env's id */
	assert_string_equal(o.interface, "publicURL");
	assert_string_equal(o.region_name, "RegionOne");
	assert_true(o.insecure);
	assert_string_equal(o.username, "admin");
	os_opts_clear(&o);
	/* OS_INTERFACE is the newer spelling and wins over OS_ENDPOINT_TYPE */
	setenv("OS_INTERFACE", "admin", 1);
	assert_int_equal(os_opts_load(&o, "prod", &err), 0);
	assert_string_equal(o.interface, "admin");
	os_opts_clear(&o);
	free(path);
}

static void test_env_only(void **state)
{
	(void)state;
	setenv("OS_AUTH_URL", "http://127.0.0.1:5000/v3", 1);
	setenv("OS_USER_ID", "5b1c3ad2e8f94f43a0cfd6d5e1f2a7b3", 1);
	setenv("OS_PASSWORD", "pw", 1);
	setenv("OS_TENANT_NAME", "old-alias", 1);
	setenv("OS_USER_DOMAIN_ID", "default", 1);
	setenv("OS_APPLICATION_CREDENTIAL_NAME", "ci", 1);
	setenv("OS_APPLICATION_CREDENTIAL_SECRET", "ci-secret", 1);
	setenv("OS_CACERT", "/tmp/ca.pem", 1);
	setenv("OS_AUTH_TYPE", "v3password", 1);
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, NULL, &err), 0);
	assert_null(o.cloud);
	assert_string_equal(o.auth_url, "http://127.0.0.1:5000/v3");
	assert_string_equal(o.user_id, "5b1c3ad2e8f94f43a0cfd6d5e1f2a7b3");
	assert_string_equal(o.project_name, "old-alias");
	assert_string_equal(o.user_domain_id, "default");
	assert_string_equal(o.app_cred_name, "ci");
	assert_string_equal(o.app_cred_secret, "ci-secret");
	assert_string_equal(o.cacert, "/tmp/ca.pem");
	assert_string_equal(o.auth_type, "v3password");
	os_opts_clear(&o);
	/* OS_PROJECT_NAME outranks the old OS_TENANT_NAME */
	setenv("OS_PROJECT_NAME", "new-name", 1);
	assert_int_equal(os_opts_load(&o, NULL, &err), 0);
	assert_string_equal(o.project_name, "new-name");
	os_opts_clear(&o);
}

static void test_not_configured(void **state)
{
	(void)state;
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, NULL, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_null(o.auth_url);
	setenv("OS_USERNAME", "admin", 1); /* credentials without a Keystone: still nothing */
	assert_int_equal(os_opts_load(&o, NULL, &err), -ENOENT);
	assert_null(o.username);
}

static void test_missing_cloud(void **state)
{
	struct fixture *f = *state;
	struct os_opts o;
	struct rw_error err = {0};
	/* named, but there is no clouds.yaml anywhere */
	assert_int_equal(os_opts_load(&o, "prod", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "prod"));
	char *path = write_file(f, "clouds.yaml", base_yaml);
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	assert_int_equal(os_opts_load(&o, "staging", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "staging"));
	assert_non_null(strstr(err.msg, path));
	assert_null(o.cloud);
	free(path);
	/* a cloud without auth_url is a mistake worth naming */
	path = write_file(f, "c2.yaml", "clouds:\n  x:\n    region_name: R\n");
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	assert_int_equal(os_opts_load(&o, "x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "auth_url"));
	free(path);
}

/* A clouds.yaml with one cloud "c" whose Keystone is http://HOST/v3. */
static const char *cloud_c_at(const char *host)
{
	static char text[128];
	snprintf(text, sizeof text, "clouds:\n  c:\n    auth:\n      auth_url: http://%s/v3\n",
	         host);
	return text;
}

static void test_search_order(void **state)
{
	struct fixture *f = *state;
	free(write_file(f, ".config/openstack/clouds.yaml", cloud_c_at("home")));
	free(write_file(f, "clouds.yaml", cloud_c_at("cwd")));
	char *envfile = write_file(f, "elsewhere/my-clouds.yaml", cloud_c_at("env"));
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, "c", &err), 0);
	assert_string_equal(o.auth_url, "http://cwd/v3");
	os_opts_clear(&o);
	setenv("OS_CLIENT_CONFIG_FILE", envfile, 1);
	assert_int_equal(os_opts_load(&o, "c", &err), 0);
	assert_string_equal(o.auth_url, "http://env/v3");
	os_opts_clear(&o);
	unsetenv("OS_CLIENT_CONFIG_FILE");
	char *cwdfile = xasprintf("%s/clouds.yaml", f->dir);
	unlink(cwdfile);
	free(cwdfile);
	assert_int_equal(os_opts_load(&o, "c", &err), 0);
	assert_string_equal(o.auth_url, "http://home/v3");
	os_opts_clear(&o);
	free(envfile);
}

static void test_secure_yaml(void **state)
{
	struct fixture *f = *state;
	char *path = write_file(f, "cfg/clouds.yaml",
	                        "clouds:\n  prod:\n    auth:\n      auth_url: http://k/v3\n"
	                        "      username: admin\n      password: wrong-old\n"
	                        "      domain_name: Corp\n");
	free(write_file(f, "cfg/secure.yaml",
	                "clouds:\n  prod:\n    auth:\n      password: from-secure\n"
	                "  other:\n    auth:\n      password: not-ours\n"));
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, "prod", &err), 0);
	assert_string_equal(o.password, "from-secure");
	assert_string_equal(o.username, "admin");
	/* auth.domain_name stands in for both user and project domain */
	assert_string_equal(o.user_domain_name, "Corp");
	assert_string_equal(o.project_domain_name, "Corp");
	os_opts_clear(&o);
	free(path);
}

static void test_yaml_features(void **state)
{
	struct fixture *f = *state;
	char *path = write_file(f, "clouds.yaml",
	                        "base: &base\n"
	                        "  auth_url: http://merged/v3\n"
	                        "  username: merged-user\n"
	                        "  project_name: p\n"
	                        "clouds:\n"
	                        "  m:\n"
	                        "    auth:\n"
	                        "      <<: *base\n"
	                        "      username: own-user\n"
	                        "      password: ~\n"
	                        "      user_domain_id: null\n"
	                        "    region_name:\n"
	                        "    regions:\n"
	                        "      - name: FirstRegion\n"
	                        "    verify: /etc/ssl/custom.pem\n"
	                        "    unknown_key: [1, 2, {a: b}]\n");
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	struct os_opts o;
	struct rw_error err = {0};
	assert_int_equal(os_opts_load(&o, "m", &err), 0);
	assert_string_equal(o.auth_url, "http://merged/v3");
	assert_string_equal(o.username, "own-user"); /* the map's own key wins over "<<" */
	assert_string_equal(o.project_name, "p");
	assert_null(o.password);
	assert_null(o.user_domain_id);
	assert_string_equal(o.region_name, "FirstRegion");
	assert_string_equal(o.cacert, "/etc/ssl/custom.pem");
	assert_false(o.insecure);
	os_opts_clear(&o);
	free(path);
}

/* Loads text as the cloud "c" and expects -EINVAL naming file:line, with no
 * trace of the secret that the file holds. */
static void expect_invalid(const struct fixture *f, const char *text, int line)
{
	char *path = write_file(f, "bad.yaml", text);
	setenv("OS_CLIENT_CONFIG_FILE", path, 1);
	struct os_opts o;
	struct rw_error err = {0};
	int rc = os_opts_load(&o, "c", &err);
	if (rc != -EINVAL)
		fail_msg("expected -EINVAL, got %d (%s) for:\n%s", rc, err.msg, text);
	if (line > 0) {
		char *want = xasprintf("%s:%d:", path, line);
		if (!strstr(err.msg, want))
			fail_msg("'%s' does not name %s", err.msg, want);
		free(want);
	}
	assert_null(strstr(err.msg, "TOPSECRET"));
	assert_null(o.auth_url);
	free(path);
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	expect_invalid(f,
	               "clouds:\n  c:\n    auth:\n      password: TOPSECRET\n"
	               "      username: [unclosed\n",
	               6);
	expect_invalid(f,
	               "clouds:\n  c:\n    auth:\n      password: TOPSECRET\n"
	               "     bad: indentation\n",
	               5);
	expect_invalid(f, "clouds:\n  c:\n    auth:\n      password: {nested: TOPSECRET}\n", 4);
	expect_invalid(f, "clouds:\n  - c\n  - d\n", 2);
	expect_invalid(f, "clouds:\n  c: just-a-string\n", 2);
	expect_invalid(f, "clouds:\n  c:\n    auth: [TOPSECRET]\n", 3);
	expect_invalid(f, "- a\n- b\n", 1);
	expect_invalid(f,
	               "clouds:\n  c:\n    auth:\n      auth_url: http://x\n"
	               "    api_timeout: forever\n",
	               5);
	expect_invalid(f, "clouds:\n  c:\n    insecure: maybe\n", 3);
	expect_invalid(f, "clouds:\n  c:\n    auth:\n      <<: 5\n", 4);
	expect_invalid(f, "clouds: \"\xff\xfe\x00 not utf8\n", 0);
	expect_invalid(f, "clouds:\n  c:\n    auth:\n      password: \"TOPSECRET\n", 0);
	expect_invalid(f, "clouds:\n  c: *undefined_alias\n", 0);
	/* an empty file has no cloud c */
	expect_invalid(f, "", 0);
}

static void test_hostile(void **state)
{
	struct fixture *f = *state;
	/* deep nesting: no stack overflow */
	size_t depth = 200000;
	struct buf b = {0};
	buf_printf(&b, "clouds:\n  c:\n    auth: ");
	for (size_t i = 0; i < depth; i++)
		buf_append(&b, "[", 1);
	for (size_t i = 0; i < depth; i++)
		buf_append(&b, "]", 1);
	buf_append(&b, "\n", 1);
	expect_invalid(f, b.p, 3);
	buf_free(&b);
	/* billion laughs: aliases are shared nodes, nothing is expanded */
	buf_printf(&b, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 30; i++)
		buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
		           i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	buf_printf(&b, "clouds:\n  c:\n    region_name: *a29\n    auth:\n      auth_url: x\n");
	expect_invalid(f, b.p, 0);
	buf_free(&b);
	/* merge keys that fan out exponentially are cut off, not walked for ages */
	buf_printf(&b, "m0: &m0 {auth_url: http://x}\n");
	for (int i = 1; i < 8; i++)
		buf_printf(&b, "m%d: &m%d {<<: [*m%d, *m%d, *m%d, *m%d, *m%d, *m%d, *m%d, *m%d]}\n",
		           i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	buf_printf(&b, "clouds:\n  c:\n    auth:\n      <<: *m7\n");
	expect_invalid(f, b.p, 0);
	buf_free(&b);
	/* too big to be a clouds.yaml */
	buf_printf(&b, "clouds:\n  c:\n    auth:\n      auth_url: http://x\n# ");
	for (int i = 0; i < (5 << 20) / 64; i++)
		buf_printf(&b, "%063d", 0);
	expect_invalid(f, b.p, 0);
	buf_free(&b);
}

static void test_unreadable(void **state)
{
	struct fixture *f = *state;
	char *dir = xasprintf("%s/adir", f->dir);
	mkdir(dir, 0700);
	setenv("OS_CLIENT_CONFIG_FILE", dir, 1);
	struct os_opts o;
	struct rw_error err = {0};
	int rc = os_opts_load(&o, "c", &err);
	assert_true(rc == -EIO || rc == -EINVAL);
	assert_non_null(strstr(err.msg, dir));
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_named_cloud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_app_cred_cloud_via_os_cloud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_env_overrides_cloud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_env_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_configured, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_cloud, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secure_yaml, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_yaml_features, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
