/* test_delete_volume.c — delete-volume's gate and checks, pure: only a volume
 * Cinder says is `available` with no attachment, and whose RBD images Ceph lists
 * no watcher on, passes; anything Cinder or Ceph could not say refuses as
 * "cannot know" (not as a refusal on the facts); then read-only and the typed
 * UUID. Plus the manual commands --dry-run prints. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/delete_volume.h"
#include "rbdwho/util.h"

#define VOL "9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f"

/* A deletable volume: available, no attachment, one image, no watcher. */
static void good_plan(struct delete_volume_plan *p)
{
	memset(p, 0, sizeof *p);
	p->volume = xstrdup(VOL);
	p->cinder = DV_CINDER_FOUND;
	p->status = xstrdup("available");
	strvec_push(&p->images, "volumes/volume-" VOL);
}

static int gate(const struct delete_volume_plan *p, struct rw_error *why)
{
	memset(why, 0, sizeof *why);
	return delete_volume_gate(p, why);
}

static void test_gate_allows_available_unwatched(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	assert_int_equal(gate(&p, &why), 0);
	assert_non_null(strstr(why.msg, "no watcher on volumes/volume-" VOL));
	delete_volume_plan_clear(&p);
}

static void test_gate_refuses_in_use_and_names_attachment(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	free(p.status);
	p.status = xstrdup("in-use");
	strvec_push(&p.attachments, "srv-1 on cmp1");
	assert_int_equal(gate(&p, &why), -EPERM);
	assert_non_null(strstr(why.msg, "'in-use'"));
	assert_non_null(strstr(why.msg, "srv-1 on cmp1"));
	delete_volume_plan_clear(&p);
}

static void test_gate_refuses_attachment_even_when_available(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	strvec_push(&p.attachments, "attachment a1");
	assert_int_equal(gate(&p, &why), -EPERM);
	assert_non_null(strstr(why.msg, "1 attachment"));
	delete_volume_plan_clear(&p);
}

static void test_gate_refuses_other_statuses(void **state)
{
	static const char *const statuses[] = {"error", "deleting", "error_deleting", "creating",
	                                       "maintenance", "reserved", "attaching", NULL};
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	for (const char *const *s = statuses; *s; s++) {
		free(p.status);
		p.status = xstrdup(*s);
		assert_int_equal(gate(&p, &why), -EPERM);
	}
	free(p.status);
	p.status = NULL;
	assert_int_equal(gate(&p, &why), -EPERM);
	delete_volume_plan_clear(&p);
}

static void test_gate_refuses_watcher_and_names_it(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	strvec_push(&p.watchers, "10.0.0.5:0/123 (client.4242) on volumes/volume-" VOL);
	assert_int_equal(gate(&p, &why), -EPERM);
	assert_non_null(strstr(why.msg, "10.0.0.5:0/123 (client.4242)"));
	delete_volume_plan_clear(&p);
}

static void test_gate_cannot_know(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	p.cinder = DV_CINDER_ERROR;
	p.cinder_error = xstrdup("cinder at http://x: HTTP 503");
	assert_int_equal(gate(&p, &why), -EIO);
	assert_non_null(strstr(why.msg, "cannot be known"));
	p.cinder = DV_CINDER_NOT_ASKED;
	assert_int_equal(gate(&p, &why), -EIO);
	p.cinder = DV_CINDER_FOUND;
	p.ceph_error = xstrdup("volumes: timed out");
	assert_int_equal(gate(&p, &why), -EIO);
	assert_non_null(strstr(why.msg, "volumes: timed out"));
	delete_volume_plan_clear(&p);
}

static void test_gate_gone_is_not_found(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	p.cinder = DV_CINDER_GONE;
	assert_int_equal(gate(&p, &why), -ENOENT);
	delete_volume_plan_clear(&p);
}

static void test_gate_no_image_every_pool_answered(void **state)
{
	struct delete_volume_plan p;
	struct rw_error why;
	good_plan(&p);
	strvec_free(&p.images);
	assert_int_equal(gate(&p, &why), 0);
	assert_non_null(strstr(why.msg, "every pool answered"));
	delete_volume_plan_clear(&p);
}

static void test_check_mode_gate_and_typed(void **state)
{
	struct delete_volume_plan p;
	struct rw_error err = {0};
	good_plan(&p);
	struct delete_volume_checks c = {.read_only = true, .confirmation = VOL};
	assert_int_equal(delete_volume_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "read-only"));
	c.read_only = false;
	assert_int_equal(delete_volume_check(&p, &c, &err), 0);
	c.confirmation = "9cd1ee91";
	assert_int_equal(delete_volume_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "does not match"));
	c.confirmation = NULL;
	assert_int_equal(delete_volume_check(&p, &c, &err), -EPERM);
	c.confirmation = VOL;
	strvec_push(&p.watchers, "w");
	assert_int_equal(delete_volume_check(&p, &c, &err), -EPERM);
	delete_volume_plan_clear(&p);
}

static void test_manual_command(void **state)
{
	struct delete_volume_plan p;
	good_plan(&p);
	char *cmd = delete_volume_manual_command(&p);
	assert_non_null(strstr(cmd, "openstack volume delete " VOL "\n"));
	assert_non_null(strstr(cmd, "rbd status volumes/volume-" VOL));
	assert_non_null(strstr(cmd, "openstack volume show " VOL));
	free(cmd);
	delete_volume_plan_clear(&p);
}

static void test_end_names(void **state)
{
	assert_string_equal(delete_volume_end_name(DV_END_GONE), "gone");
	assert_string_equal(delete_volume_end_name(DV_END_ERROR_DELETING), "error_deleting");
	assert_string_equal(delete_volume_end_name((enum delete_volume_end)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gate_allows_available_unwatched),
	    cmocka_unit_test(test_gate_refuses_in_use_and_names_attachment),
	    cmocka_unit_test(test_gate_refuses_attachment_even_when_available),
	    cmocka_unit_test(test_gate_refuses_other_statuses),
	    cmocka_unit_test(test_gate_refuses_watcher_and_names_it),
	    cmocka_unit_test(test_gate_cannot_know),
	    cmocka_unit_test(test_gate_gone_is_not_found),
	    cmocka_unit_test(test_gate_no_image_every_pool_answered),
	    cmocka_unit_test(test_check_mode_gate_and_typed),
	    cmocka_unit_test(test_manual_command),
	    cmocka_unit_test(test_end_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
