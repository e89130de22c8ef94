/* test_os_json.c — the Keystone, Nova and Cinder body parsers over sample bodies
 * shaped like the api-ref's (tests/unit/fixtures/os/), older and newer
 * microversions, and over bodies that must be refused: not JSON, truncated,
 * spliced, the wrong object, an HTML error page. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/parse_os.h"
#include "rbdwho/util.h"

#define SERVER_ID "3f1c6a52-9d0e-4b7a-8c21-5e4d6f7a8b90"
#define PROJECT_ID "b4f6c9a1e3d24c0f8a7e5d3c1b9a8f70"

#define FIXTURE_DIR "os"
#include "fixture.h"

static char *endpoint_of(const char *fixture, const char *type, const char *ifc, const char *region,
                         int *rc)
{
	size_t len;
	char *json = fixture_read(fixture, &len), *url = NULL;
	*rc = parse_keystone_endpoint(json, len, type, ifc, region, &url);
	free(json);
	return url;
}

static void test_endpoint_interfaces(void **state)
{
	(void)state;
	int rc;
	char *u = endpoint_of("keystone-token-password.json", "compute", NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "https://nova.example.net:8774/v2.1");
	free(u);
	u = endpoint_of("keystone-token-password.json", "compute", "internal", "RegionOne", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "http://nova-int.example.net:8774/v2.1");
	free(u);
	/* OS_ENDPOINT_TYPE's old spelling */
	u = endpoint_of("keystone-token-password.json", "compute", "adminURL", NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "http://nova-adm.example.net:8774/v2.1");
	free(u);
}

static void test_endpoint_regions(void **state)
{
	(void)state;
	int rc;
	char *u =
	    endpoint_of("keystone-token-password.json", "compute", "public", "RegionTwo", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "https://nova.r2.example.net:8774/v2.1");
	free(u);
	u = endpoint_of("keystone-token-password.json", "compute", "public", "RegionNine", &rc);
	assert_int_equal(rc, -ENOENT);
	assert_null(u);
	u = endpoint_of("keystone-token-password.json", "network", NULL, NULL, &rc);
	assert_int_equal(rc, -ENOENT);
	assert_null(u);
}

static void test_endpoint_volume_names(void **state)
{
	(void)state;
	int rc;
	/* volumev3, not the volumev2 listed before it */
	char *u = endpoint_of("keystone-token-password.json", "volumev3", NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "https://cinder.example.net:8776/v3/" PROJECT_ID);
	free(u);
	/* newer clouds call it block-storage */
	u = endpoint_of("keystone-token-appcred.json", "volumev3", NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(u, "http://10.0.0.10:8776/v3/" PROJECT_ID);
	free(u);
}

static void test_endpoint_refuses_garbage(void **state)
{
	(void)state;
	char *u = (char *)"untouched";
	const char *bad[] = {
	    "",
	    "<html><body>502 Bad Gateway</body></html>",
	    "{\"token\": {\"catalog\": {}}}",
	    "{\"error\": {\"code\": 401, \"message\": \"no\"}}",
	    "{\"token\": {\"catalog\": []}} trailing",
	    "{\"token\": {\"catalog\": [",
	    "[1, 2, 3]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(
		    parse_keystone_endpoint(bad[i], strlen(bad[i]), "compute", NULL, NULL, &u),
		    -EPROTO);
		assert_null(u);
	}
	/* a catalog entry with junk in it is skipped, not fatal */
	const char *odd = "{\"token\":{\"catalog\":[1,{\"type\":\"compute\",\"endpoints\":[null,"
	                  "{\"interface\":\"public\",\"url\":7},{\"interface\":\"public\","
	                  "\"url\":\"http://n/v2.1\"}]}]}}";
	assert_int_equal(parse_keystone_endpoint(odd, strlen(odd), "compute", NULL, NULL, &u), 0);
	assert_string_equal(u, "http://n/v2.1");
	free(u);
}

static void test_expiry(void **state)
{
	(void)state;
	size_t len;
	char *json = fixture_read("keystone-token-password.json", &len);
	assert_int_equal(parse_keystone_expiry(json, len), 1709649012LL);
	free(json);
	json = fixture_read("keystone-token-appcred.json", &len);
	assert_int_equal(parse_keystone_expiry(json, len), 1709649012LL + 3600);
	free(json);
	const char *east = "{\"token\":{\"expires_at\":\"2024-03-05T16:30:12+02:00\"}}";
	assert_int_equal(parse_keystone_expiry(east, strlen(east)), 1709649012LL);
	const char *none = "{\"token\":{\"methods\":[\"password\"]}}";
	assert_int_equal(parse_keystone_expiry(none, strlen(none)), 0);
	const char *junk = "{\"token\":{\"expires_at\":\"soon\"}}";
	assert_int_equal(parse_keystone_expiry(junk, strlen(junk)), 0);
	assert_int_equal(parse_keystone_expiry("nope", 4), 0);
}

static void test_server(void **state)
{
	(void)state;
	size_t len;
	char *json = fixture_read("nova-server-get.json", &len);
	struct nova_server s;
	assert_int_equal(parse_nova_server(json, len, &s), 0);
	assert_string_equal(s.id, SERVER_ID);
	assert_string_equal(s.name, "db-01");
	assert_string_equal(s.status, "ACTIVE");
	assert_string_equal(s.host, "compute-03");
	assert_string_equal(s.hypervisor_hostname, "compute-03.example.net");
	assert_string_equal(s.instance_name, "instance-0002f5c4");
	assert_string_equal(s.project_id, PROJECT_ID);
	assert_null(s.task_state); /* JSON null */
	assert_string_equal(s.vm_state, "active");  /* OS-EXT-STS:vm_state */
	nova_server_clear(&s);
	assert_null(s.id);
	free(json);
}

static void test_server_refuses_wrong_shapes(void **state)
{
	(void)state;
	const char *bad[] = {
	    "{\"servers\": []}",
	    "{\"server\": []}",
	    "{\"server\": {\"name\": \"no id\"}}",
	    "{\"server\": {\"id\": \"\"}}",
	    "{\"server\": {\"id\": \"" SERVER_ID "\"",
	    "{\"server\": {\"id\": \"" SERVER_ID "\"}}{\"server\": {}}",
	    "<!DOCTYPE html><html><title>404 Not Found</title></html>",
	    "null",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct nova_server s;
		assert_int_equal(parse_nova_server(bad[i], strlen(bad[i]), &s), -EPROTO);
		assert_null(s.id);
	}
}

static void test_servers_pages(void **state)
{
	(void)state;
	size_t len, n = 0;
	struct nova_server *v = NULL;
	char *next = NULL, *json = fixture_read("nova-servers-detail-page1.json", &len);
	assert_int_equal(parse_nova_servers(json, len, &v, &n, &next), 0);
	free(json);
	assert_int_equal(n, 2);
	assert_string_equal(next, "e6a96e04-733d-4b5a-9f0e-2c1d3b4a5f6e");
	assert_string_equal(v[1].status, "SOFT_DELETED");
	assert_string_equal(v[1].host, "compute-07");
	free(next);
	json = fixture_read("nova-servers-detail-last.json", &len);
	assert_int_equal(parse_nova_servers(json, len, &v, &n, &next), 0);
	free(json);
	assert_int_equal(n, 3);
	assert_null(next);
	assert_string_equal(v[0].id, SERVER_ID);
	assert_string_equal(v[2].task_state, "spawning");
	/* a bad page leaves what was gathered intact */
	assert_int_equal(parse_nova_servers("{\"servers\":[{}]}", 16, &v, &n, &next), -EPROTO);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].name, "build-02");
	for (size_t i = 0; i < n; i++)
		nova_server_clear(&v[i]);
	free(v);
}

static void test_servers_nonadmin_and_links(void **state)
{
	(void)state;
	size_t len, n = 0;
	struct nova_server *v = NULL;
	char *next = NULL, *json = fixture_read("nova-servers-detail-nonadmin.json", &len);
	assert_int_equal(parse_nova_servers(json, len, &v, &n, &next), 0);
	free(json);
	assert_int_equal(n, 1);
	assert_null(v[0].host);
	assert_null(v[0].instance_name);
	nova_server_clear(&v[0]);
	n = 0;
	/* a next link without a marker: the last id stands in; escapes are decoded */
	const char *nomark = "{\"servers\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"servers_links\":"
	                     "[{\"rel\":\"next\",\"href\":\"http://x/servers/detail?page=2\"}]}";
	assert_int_equal(parse_nova_servers(nomark, strlen(nomark), &v, &n, &next), 0);
	assert_string_equal(next, "b");
	free(next);
	const char *esc =
	    "{\"servers\":[],\"servers_links\":[{\"rel\":\"prev\",\"href\":\"?marker=z\"},"
	    "{\"rel\":\"next\",\"href\":\"http://x/s?limit=1&marker=a%2Fb%20c&x=1\"}]}";
	assert_int_equal(parse_nova_servers(esc, strlen(esc), &v, &n, &next), 0);
	assert_string_equal(next, "a/b c");
	free(next);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		nova_server_clear(&v[i]);
	free(v);
}

static void hypervisors_of(const char *fixture, struct nova_hypervisor **v, size_t *n, char **next)
{
	size_t len;
	char *json = fixture_read(fixture, &len);
	assert_int_equal(parse_nova_hypervisors(json, len, v, n, next), 0);
	free(json);
}

static void test_hypervisors_shapes(void **state)
{
	(void)state;
	struct nova_hypervisor *v = NULL;
	size_t n = 0;
	char *next = NULL;
	hypervisors_of("nova-hypervisors-detail-v2.53.json", &v, &n, &next);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "1bb62a04-c576-402c-8147-9e89757a09e3");
	assert_string_equal(v[0].hostname, "compute-03.example.net");
	assert_string_equal(v[0].host_ip, "10.20.0.13");
	assert_string_equal(v[0].service_host, "compute-03");
	assert_string_equal(v[1].state, "down");
	assert_string_equal(v[1].status, "disabled");
	assert_string_equal(next, "5d2e8f1a-3b4c-4d6e-9f0a-1b2c3d4e5f6a");
	free(next);
	/* before 2.53 ids are integers, in the marker too */
	hypervisors_of("nova-hypervisors-detail-v2.33.json", &v, &n, &next);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].id, "2");
	assert_string_equal(next, "2");
	free(next);
	/* 2.1: cpu_info is a string, no links */
	hypervisors_of("nova-hypervisors-detail-v2.1.json", &v, &n, &next);
	assert_int_equal(n, 4);
	assert_string_equal(v[3].id, "1");
	assert_string_equal(v[3].service_host, "compute-03");
	assert_null(next);
	for (size_t i = 0; i < n; i++)
		nova_hypervisor_clear(&v[i]);
	free(v);
}

static void test_hypervisors_refuse(void **state)
{
	(void)state;
	struct nova_hypervisor *v = NULL;
	size_t n = 0;
	char *next = NULL;
	const char *bad[] = {"{\"hypervisors\": {}}", "{\"hypervisors\": [{\"id\": 1}]}",
	                     "{\"hypervisor\": {\"hypervisor_hostname\": \"x\"}}", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse_nova_hypervisors(bad[i], strlen(bad[i]), &v, &n, &next),
		                 -EPROTO);
	assert_int_equal(n, 0);
	/* no service block at all (very old Nova, or a trimmed view): still usable */
	const char *bare =
	    "{\"hypervisors\":[{\"id\":3,\"hypervisor_hostname\":\"h\",\"service\":null}]}";
	assert_int_equal(parse_nova_hypervisors(bare, strlen(bare), &v, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_null(v[0].service_host);
	assert_null(v[0].host_ip);
	nova_hypervisor_clear(&v[0]);
	free(v);
}

static void test_volume_attached(void **state)
{
	(void)state;
	size_t len;
	char *json = fixture_read("cinder-volume-show-attached.json", &len);
	struct cinder_volume vol;
	assert_int_equal(parse_cinder_volume(json, len, &vol), 0);
	free(json);
	assert_string_equal(vol.id, "9cd1ee91-4b1e-4d8b-9c55-0a2f3e4d5c6b");
	assert_string_equal(vol.name, "db-01-data");
	assert_string_equal(vol.status, "in-use");
	assert_string_equal(vol.host, "cinder-vol-01@ceph#ceph");
	assert_int_equal(vol.natt, 2);
	assert_string_equal(vol.att[0].server_id, SERVER_ID);
	assert_string_equal(vol.att[0].host_name, "compute-03");
	assert_string_equal(vol.att[0].attachment_id, "4e6a8c0e-2b4d-4f6a-8c0e-2b4d6f8a0c2e");
	assert_string_equal(vol.att[0].device, "/dev/vdb");
	assert_null(vol.att[1].host_name);
	assert_string_equal(vol.att[1].device, "/dev/vdc");
	cinder_volume_clear(&vol);
	assert_int_equal(vol.natt, 0);
}

static void test_volume_available_and_bad(void **state)
{
	(void)state;
	size_t len;
	char *json = fixture_read("cinder-volume-show-available.json", &len);
	struct cinder_volume vol;
	assert_int_equal(parse_cinder_volume(json, len, &vol), 0);
	free(json);
	assert_string_equal(vol.status, "available");
	assert_null(vol.host);
	assert_int_equal(vol.natt, 0);
	assert_null(vol.att);
	cinder_volume_clear(&vol);
	const char *bad = "{\"volumes\": [{\"id\": \"x\"}]}";
	assert_int_equal(parse_cinder_volume(bad, strlen(bad), &vol), -EPROTO);
	assert_null(vol.id);
	/* junk entries in attachments are skipped */
	const char *odd = "{\"volume\":{\"id\":\"v\",\"attachments\":[3,{\"server_id\":\"s\"}]}}";
	assert_int_equal(parse_cinder_volume(odd, strlen(odd), &vol), 0);
	assert_int_equal(vol.natt, 1);
	assert_string_equal(vol.att[0].server_id, "s");
	cinder_volume_clear(&vol);
}

static void assert_error_message(const char *json, const char *want)
{
	char *m = parse_os_error_message(json, strlen(json));
	if (want) {
		assert_non_null(m);
		assert_string_equal(m, want);
	} else {
		assert_null(m);
	}
	free(m);
}

static void test_error_messages(void **state)
{
	(void)state;
	size_t len;
	char *json = fixture_read("nova-error-itemnotfound.json", &len);
	char *m = parse_os_error_message(json, len);
	assert_string_equal(m, "Instance " SERVER_ID " could not be found.");
	free(m);
	free(json);
	json = fixture_read("keystone-error-401.json", &len);
	m = parse_os_error_message(json, len);
	assert_string_equal(m, "The request you have made requires authentication.");
	free(m);
	free(json);
	json = fixture_read("nova-error-computefault.json", &len);
	m = parse_os_error_message(json, len);
	assert_non_null(strstr(m, "Unexpected API Error"));
	free(m);
	free(json);
	assert_error_message("{\"message\": \"plain\"}", "plain");
	assert_error_message("<html><body><h1>404 Not Found</h1></body></html>", NULL);
	assert_error_message("{\"itemNotFound\": {\"code\": 404}}", NULL);
	assert_error_message("{\"servers\": []}", NULL);
	assert_error_message("", NULL);
	assert_error_message("{\"itemNotFound\": {\"message\": \"gone\"}", NULL);
}

static void test_deep_and_huge(void **state)
{
	(void)state;
	/* json-c refuses nesting past its depth limit instead of recursing forever */
	size_t depth = 100000;
	char *deep = xmalloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	struct nova_server s;
	assert_int_equal(parse_nova_server(deep, 2 * depth, &s), -EPROTO);
	free(deep);
	/* a long but valid list */
	struct buf b = {0};
	buf_printf(&b, "{\"servers\":[");
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%s{\"id\":\"s-%d\",\"status\":\"ACTIVE\"}", i ? "," : "", i);
	buf_printf(&b, "]}");
	struct nova_server *v = NULL;
	size_t n = 0;
	char *next = NULL;
	assert_int_equal(parse_nova_servers(b.p, b.len, &v, &n, &next), 0);
	assert_int_equal(n, 5000);
	assert_string_equal(v[4999].id, "s-4999");
	for (size_t i = 0; i < n; i++)
		nova_server_clear(&v[i]);
	free(v);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_endpoint_interfaces),
	    cmocka_unit_test(test_endpoint_regions),
	    cmocka_unit_test(test_endpoint_volume_names),
	    cmocka_unit_test(test_endpoint_refuses_garbage),
	    cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_server),
	    cmocka_unit_test(test_server_refuses_wrong_shapes),
	    cmocka_unit_test(test_servers_pages),
	    cmocka_unit_test(test_servers_nonadmin_and_links),
	    cmocka_unit_test(test_hypervisors_shapes),
	    cmocka_unit_test(test_hypervisors_refuse),
	    cmocka_unit_test(test_volume_attached),
	    cmocka_unit_test(test_volume_available_and_bad),
	    cmocka_unit_test(test_error_messages),
	    cmocka_unit_test(test_deep_and_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
