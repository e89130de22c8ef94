/* test_sessions.c — the monitors' session list and monitor map as Pacific 16.2.15
 * prints them (captured from the sandbox's monitor while a qemu held an image:
 * watcher 127.0.0.1:0/3854020949 client.4117), older and odd layouts, and
 * answers that are not what they should be. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/parse_sessions.h"
#include "rbdwho/util.h"

#define FIXTURE_DIR "sessions"
#include "fixture.h"

static int parse_str(const char *json, struct mon_sessions *s)
{
	return parse_mon_sessions(json, strlen(json), s);
}

static void test_pacific_capture(void **state)
{
	size_t len;
	char *json = fixture_read("pacific-16.2.15.json", &len);
	struct mon_sessions s = {0};

	assert_int_equal(parse_mon_sessions(json, len, &s), 0);
	assert_int_equal(s.n, 5); /* mon peer, osd.0, the qemu, the ceph CLI's two */
	/* the mon's own peer: no client, no host */
	assert_int_equal(s.v[0].global_id, 0);
	assert_string_equal(s.v[0].entity_name, "");
	assert_null(s.v[0].remote_host);

	const struct mon_session *q = mon_sessions_find(&s, 4117, 3854020949u);
	assert_non_null(q);
	assert_string_equal(q->entity_name, "client.admin");
	assert_string_equal(q->addr, "127.0.0.1:0");
	assert_string_equal(q->remote_host, "vm");

	/* the same global id with another nonce is another client */
	assert_null(mon_sessions_find(&s, 4117, 247107013u));
	/* "name":"client.4132" is not the global id (4134 is): match on global_id */
	assert_null(mon_sessions_find(&s, 4132, 3854020949u));
	const struct mon_session *cli = mon_sessions_find(&s, 4134, 247107013u);
	assert_non_null(cli);
	assert_null(cli->remote_host); /* "" is no host name */
	/* global id 0 never matches, whatever its nonce */
	assert_null(mon_sessions_find(&s, 0, 0));

	const struct mon_session *osd = mon_sessions_find(&s, 4105, 17582);
	assert_non_null(osd);
	assert_string_equal(osd->entity_name, "osd.0");
	assert_string_equal(osd->addr, "127.0.0.1:6840");
	mon_sessions_free(&s);
	free(json);
}

/* Several monitors' answers merge into one list. */
static void test_merge(void **state)
{
	struct mon_sessions s = {0};

	assert_int_equal(parse_str("[{\"global_id\":7,\"entity_name\":\"client.cinder\","
	                           "\"addrs\":{\"addrvec\":[{\"type\":\"v2\",\"addr\":"
	                           "\"10.0.0.5:0\",\"nonce\":42}]},\"remote_host\":\"compute-1\"}]",
	                           &s),
	                 0);
	assert_int_equal(parse_str("[{\"global_id\":8,\"entity_name\":\"client.glance\","
	                           "\"addrs\":{\"addrvec\":[{\"type\":\"any\",\"addr\":"
	                           "\"10.0.0.6:0\",\"nonce\":4294967295}]},"
	                           "\"remote_host\":\"controller-2\"}]",
	                           &s),
	                 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(mon_sessions_find(&s, 7, 42)->remote_host, "compute-1");
	const struct mon_session *g = mon_sessions_find(&s, 8, 4294967295u);
	assert_non_null(g);
	assert_string_equal(g->entity_name, "client.glance");
	/* an answer that is not a list changes nothing */
	assert_int_equal(parse_str("{\"error\":\"no\"}", &s), -EPROTO);
	assert_int_equal(s.n, 2);
	mon_sessions_free(&s);
	assert_int_equal(s.n, 0);
	mon_sessions_free(NULL);
}

/* A client's messenger keeps the name of its first global id (what an OSD
 * shows as the watcher's client.N) when a later session of it is given
 * another global id: the name matches too, with the nonce; "client.?" and
 * other entities name no client. */
static void test_name_id(void **state)
{
	struct mon_sessions s = {0};

	assert_int_equal(parse_str("[{\"name\":\"client.4132\",\"global_id\":4134,"
	                           "\"addrs\":{\"addrvec\":[{\"addr\":\"10.0.0.5:0\",\"nonce\":5}]}},"
	                           "{\"name\":\"client.?\",\"global_id\":4117,"
	                           "\"addrs\":{\"addrvec\":[{\"addr\":\"10.0.0.5:0\",\"nonce\":6}]}},"
	                           "{\"name\":\"osd.3\",\"global_id\":4105},"
	                           "{\"name\":\"client.12x\",\"global_id\":4200},"
	                           "{\"name\":\"client.99999999999999999999\",\"global_id\":4201}]",
	                           &s),
	                 0);
	assert_int_equal(s.n, 5);
	const struct mon_session *a = mon_sessions_find(&s, 4132, 5);
	assert_non_null(a);
	assert_int_equal(a->global_id, 4134);
	assert_ptr_equal(mon_sessions_find(&s, 4134, 5), a);
	assert_null(mon_sessions_find(&s, 4132, 6)); /* the name, another nonce */
	assert_int_equal(s.v[1].name_id, 0);
	assert_int_equal(s.v[2].name_id, 0);
	assert_int_equal(s.v[3].name_id, 0);
	assert_int_equal(s.v[4].name_id, 0);
	assert_null(mon_sessions_find(&s, 0, 6)); /* "client.?" is no id 0 */
	mon_sessions_free(&s);
}

/* Sessions re-made by clients that had one (a monitor restarted) say so; the
 * quorum's age comes from `quorum_status`. */
static void test_reclaim_and_quorum(void **state)
{
	struct mon_sessions s = {0};
	long long age = -1;

	assert_int_equal(parse_str("[{\"global_id\":1,\"global_id_status\":\"reclaim_ok\"},"
	                           "{\"global_id\":2,\"global_id_status\":\"reclaim_insecure\"},"
	                           "{\"global_id\":3,\"global_id_status\":\"new_ok\"},"
	                           "{\"global_id\":4}]",
	                           &s),
	                 0);
	assert_int_equal(s.n, 4);
	assert_true(s.v[0].reclaimed);
	assert_true(s.v[1].reclaimed);
	assert_false(s.v[2].reclaimed);
	assert_false(s.v[3].reclaimed);
	mon_sessions_free(&s);

	const char *qs = "{\"election_epoch\":5,\"quorum\":[0],\"quorum_age\":47}\n";
	assert_int_equal(parse_quorum_age(qs, strlen(qs), &age), 0);
	assert_int_equal(age, 47);
	static const char *const bad[] = {
	    "{\"quorum\":[0]}", "{\"quorum_age\":-1}", "{\"quorum_age\":\"47\"}", "[]", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(parse_quorum_age(bad[i], strlen(bad[i]), &age), -EPROTO);
	assert_int_equal(age, 47); /* untouched on failure */
}

/* Older monitors print the address as one string; IPv6 keeps its brackets. */
static void test_string_addrs(void **state)
{
	struct mon_sessions s = {0};

	assert_int_equal(parse_str("[{\"global_id\":9,\"entity_name\":\"client.nova\","
	                           "\"addrs\":\"v1:10.1.2.3:0/3141\",\"remote_host\":\"c9\"},"
	                           "{\"global_id\":10,\"addrs\":\"[v2:[fe80::1]:0/77,"
	                           "v1:[fe80::1]:0/77]\"}]",
	                           &s),
	                 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(mon_sessions_find(&s, 9, 3141)->addr, "10.1.2.3:0");
	const struct mon_session *v6 = mon_sessions_find(&s, 10, 77);
	assert_non_null(v6);
	assert_string_equal(v6->addr, "[fe80::1]:0");
	assert_string_equal(v6->entity_name, "");
	assert_null(v6->remote_host);
	mon_sessions_free(&s);
}

/* Entries that are not sessions are skipped, never guessed at. */
static void test_odd_entries(void **state)
{
	static const char *const skipped[] = {
	    "[1, \"x\", null, [], {}]",
	    "[{\"global_id\":\"4117\"}]",           /* a string, not a number */
	    "[{\"global_id\":-1}]",
	    "[{\"global_id\":1.5}]",
	};
	static const char *const invalid[] = {
	    "", "[", "[{\"global_id\":1}", "null", "\"sessions\"", "[]]", "[] x",
	};
	struct mon_sessions s = {0};

	for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
		assert_int_equal(parse_str(skipped[i], &s), 0);
		assert_int_equal(s.n, 0);
	}
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		assert_int_equal(parse_str(invalid[i], &s), -EPROTO);
	assert_int_equal(parse_mon_sessions(NULL, 0, &s), -EPROTO);
	assert_int_equal(parse_mon_sessions("[]\0[]", 5, &s), -EPROTO); /* a NUL inside */
	assert_int_equal(parse_str("[]\n", &s), 0);

	/* odd fields inside a session: what is there is kept, the rest left empty */
	assert_int_equal(parse_str("[{\"global_id\":18446744073709551615,\"entity_name\":5,"
	                           "\"addrs\":{\"addrvec\":[{\"addr\":\"1.2.3.4:0\",\"nonce\":"
	                           "4294967296}]},\"remote_host\":[\"h\"]},"
	                           "{\"global_id\":3,\"addrs\":{\"addrvec\":[\"v2:1.2.3.4:0/1\"]}},"
	                           "{\"global_id\":4,\"addrs\":\"garbage\"}]",
	                           &s),
	                 0);
	assert_int_equal(s.n, 3);
	assert_true(s.v[0].global_id == UINT64_MAX);
	assert_string_equal(s.v[0].entity_name, "");
	assert_string_equal(s.v[0].addr, "1.2.3.4:0");
	assert_int_equal(s.v[0].nonce, 0); /* out of range: not a nonce */
	assert_null(s.v[0].remote_host);
	assert_string_equal(s.v[1].addr, "");
	assert_string_equal(s.v[2].addr, "");
	mon_sessions_free(&s);
}

static void test_monmap(void **state)
{
	size_t len;
	char *json = fixture_read("monmap-pacific-16.2.15.json", &len);
	struct strvec names = {0};

	assert_int_equal(parse_monmap_names(json, len, &names), 0);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "a");
	free(json);

	assert_int_equal(parse_monmap_names("{\"mons\":[{\"name\":\"b\"},{\"name\":\"a\"},"
	                                    "{\"rank\":2},{\"name\":\"\"},7,{\"name\":\"c\"}]}",
	                                    strlen("{\"mons\":[{\"name\":\"b\"},{\"name\":\"a\"},"
	                                           "{\"rank\":2},{\"name\":\"\"},7,{\"name\":"
	                                           "\"c\"}]}"),
	                                    &names),
	                 0);
	assert_int_equal(names.n, 3); /* "a" once */
	assert_string_equal(names.v[1], "b");
	assert_string_equal(names.v[2], "c");
	assert_int_equal(parse_monmap_names("{\"mons\":{}}", 11, &names), -EPROTO);
	assert_int_equal(parse_monmap_names("[]", 2, &names), -EPROTO);
	strvec_free(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pacific_capture), cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_string_addrs),    cmocka_unit_test(test_odd_entries),
	    cmocka_unit_test(test_monmap),
	    cmocka_unit_test(test_name_id),
	    cmocka_unit_test(test_reclaim_and_quorum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
