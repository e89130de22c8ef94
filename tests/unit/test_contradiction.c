/* test_contradiction.c — the contradiction table and the pure rules
 * (contradiction.h): Nova's word about a server against the host where its
 * qemu runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/contradiction.h"

static struct nova_server server(const char *status, const char *vm_state, const char *host,
				 const char *hv, const char *task)
{
	struct nova_server s;
	memset(&s, 0, sizeof s);
	s.id = "9cd1ee91-0000-4000-8000-000000000001";
	s.status = (char *)status;
	s.vm_state = (char *)vm_state;
	s.host = (char *)host;
	s.hypervisor_hostname = (char *)hv;
	s.task_state = (char *)task;
	return s;
}

static void test_table(void **state)
{
	assert_null(contradiction_name(CONTRA_NONE));
	assert_null(contradiction_sentence(CONTRA_NONE));
	assert_string_equal(contradiction_name(CONTRA_NOVA_ELSEWHERE), "nova-host-elsewhere");
	assert_string_equal(contradiction_name(CONTRA_CINDER_UNWATCHED), "cinder-in-use-unwatched");
	assert_non_null(contradiction_sentence(CONTRA_DUPLICATE_QEMU));
	assert_null(contradiction_name((enum contradiction)999));
	/* every kind has a distinct machine name */
	for (int a = CONTRA_NONE + 1; contradiction_name((enum contradiction)a); a++)
		for (int b = a + 1; contradiction_name((enum contradiction)b); b++)
			assert_string_not_equal(contradiction_name((enum contradiction)a),
						contradiction_name((enum contradiction)b));
}

static void test_hosts_match(void **state)
{
	assert_true(contradiction_hosts_match("c2", "c2"));
	assert_true(contradiction_hosts_match("C2", "c2"));
	assert_true(contradiction_hosts_match("c2", "c2.example.org"));
	assert_true(contradiction_hosts_match("c2.example.org", "C2"));
	assert_false(contradiction_hosts_match("c2.a.org", "c2.b.org"));
	assert_false(contradiction_hosts_match("c2", "c22"));
	assert_false(contradiction_hosts_match("c2", NULL));
	assert_false(contradiction_hosts_match("", ""));
}

static void test_at_rest(void **state)
{
	struct nova_server s = server("ACTIVE", "active", "c2", "c2.example.org", NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NONE);
	assert_int_equal(contradiction_of_server(&s, "c2.example.org"), CONTRA_NONE);
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NOVA_ELSEWHERE);
	assert_int_equal(contradiction_of_server(&s, NULL), CONTRA_NONE);  /* host unknown */
	/* the hypervisor name alone matching is enough */
	s = server("ACTIVE", "active", "svc-c9", "c9", NULL);
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NONE);
	/* non-admin: Nova names no host, nothing to compare */
	s = server("ACTIVE", "active", NULL, NULL, NULL);
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NONE);

	s = server("SHUTOFF", "stopped", "c2", "c2", NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NOVA_SHUTOFF);
	s = server("SHELVED_OFFLOADED", "shelved_offloaded", NULL, NULL, NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NOVA_SHELVED);
	s = server("SHELVED", "shelved", "c2", "c2", NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NOVA_SHELVED);
	/* vm_state alone (an older Nova's status spelling) */
	s = server(NULL, "stopped", "c2", "c2", NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NOVA_SHUTOFF);
	/* DELETED is an orphan's business, not a contradiction */
	s = server("DELETED", "deleted", "c9", "c9", NULL);
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NONE);
}

static void test_in_transition(void **state)
{
	/* Nova is changing the instance: a qemu elsewhere or early is expected */
	struct nova_server s = server("SHUTOFF", "stopped", "c2", "c2", "powering-on");
	assert_int_equal(contradiction_of_server(&s, "c2"), CONTRA_NONE);
	s = server("ACTIVE", "active", "c2", "c2", "migrating");
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NONE);
	s = server("MIGRATING", "active", "c2", "c2", NULL);
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NONE);
	s = server("VERIFY_RESIZE", "resized", "c2", "c2", NULL);
	assert_int_equal(contradiction_of_server(&s, "c9"), CONTRA_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_hosts_match),
		cmocka_unit_test(test_at_rest),
		cmocka_unit_test(test_in_transition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
