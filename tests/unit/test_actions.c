/* test_actions.c — the browser's action table (src/ui/action.h): every row
 * complete, requests mapped to one action each, and, through the table, each
 * action's gate and manual commands on plans made by hand (no backend). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/ui/ui_internal.h"

static void test_rows_complete(void **state)
{
	for (int a = 0; a < ACT_COUNT; a++) {
		const struct action_ops *o = &action_ops[a];
		const char *texts[] = {o->name, o->title, o->typed_what, o->verb, o->asking, o->doing,
				       o->done_word};
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			assert_true(texts[i] && *texts[i]);
		assert_true(o->open && o->prepare && o->gate && o->facts && o->typed && o->execute &&
			    o->manual && o->done && o->free_plan);
		for (int b = 0; b < a; b++)
			assert_string_not_equal(action_ops[b].name, o->name);
	}
}

static void test_requests(void **state)
{
	assert_int_equal(action_for_request(REQ_DESTROY), ACT_DESTROY);
	assert_int_equal(action_for_request(REQ_BLOCKLIST), ACT_BLOCKLIST);
	assert_int_equal(action_for_request(REQ_DELETE_VOLUME), ACT_DELETE_VOLUME);
	assert_int_equal(action_for_request(REQ_UNFENCE), ACT_UNBLOCKLIST);
	assert_int_equal(action_for_request(REQ_UNLOCK), ACT_UNLOCK);
	/* not actions: the dry run and the fences view act in or on the dialogs */
	assert_int_equal(action_for_request(REQ_NONE), ACT_COUNT);
	assert_int_equal(action_for_request(REQ_DRY_RUN), ACT_COUNT);
	assert_int_equal(action_for_request(REQ_FENCES), ACT_COUNT);
	assert_int_equal(action_for_request(REQ_QUIT), ACT_COUNT);
	/* a request opens one action at most */
	for (int a = 0; a < ACT_COUNT; a++)
		for (int b = 0; b < a; b++)
			assert_true(action_ops[a].req == REQ_NONE ||
				    action_ops[a].req != action_ops[b].req);
}

/* A browser with default options: what the gates read. */
static void ui_with(struct ui *ui, struct options *o)
{
	memset(o, 0, sizeof *o);
	memset(ui, 0, sizeof *ui);
	ui->o = o;
}

static void blocklist_plan(union action_plan *p, enum blocklist_gate gate)
{
	memset(p, 0, sizeof *p);
	p->blocklist.plan.address = strdup("10.0.0.5:0/3735928559");
	p->blocklist.plan.expire_s = BLOCKLIST_DEFAULT_EXPIRE_S;
	p->blocklist.plan.gate = gate;
	p->blocklist.plan.reason = strdup("why");
}

static void test_blocklist(void **state)
{
	struct options o;
	struct ui ui;
	ui_with(&ui, &o);
	const struct action_ops *a = &action_ops[ACT_BLOCKLIST];
	union action_plan p;
	blocklist_plan(&p, BL_GATE_DEAD);
	assert_null(a->gate(&ui, &p));
	assert_string_equal(a->typed(&p), "10.0.0.5:0/3735928559");
	char *m = a->manual(&p);
	assert_string_equal(m, "ceph osd blocklist add 10.0.0.5:0/3735928559 3600\n"
			       "ceph osd blocklist rm 10.0.0.5:0/3735928559   # the undo");
	free(m);
	a->free_plan(&p);

	blocklist_plan(&p, BL_GATE_ATTACHED);
	char *why = a->gate(&ui, &p);
	assert_non_null(why);
	assert_non_null(strstr(why, "Gate attached"));
	free(why);
	o.force = true;  /* --force passes ATTACHED … */
	assert_null(a->gate(&ui, &p));
	a->free_plan(&p);
	blocklist_plan(&p, BL_GATE_NO_WATCH);  /* … never a client that watches nothing */
	why = a->gate(&ui, &p);
	assert_non_null(why);
	assert_non_null(strstr(why, "Nothing to fence"));
	free(why);
	a->free_plan(&p);
}

static void test_destroy(void **state)
{
	struct options o;
	struct ui ui;
	ui_with(&ui, &o);
	union action_plan p;
	memset(&p, 0, sizeof p);
	p.destroy.name = strdup("instance-0002f5c4");
	p.destroy.uuid = strdup("e6a96e04-733d-4b5a-9c00-0b0b0b0b0b0b");
	p.destroy.uri = strdup("qemu+ssh://compute-1/system");
	p.destroy.host = strdup("compute-1");
	p.destroy.verdict = VERDICT_ATTACHED;
	const struct action_ops *a = &action_ops[ACT_DESTROY];
	char *why = a->gate(&ui, &p);
	assert_non_null(strstr(why, "Verdict ATTACHED"));
	free(why);
	p.destroy.verdict = VERDICT_ORPHAN;
	assert_null(a->gate(&ui, &p));
	assert_string_equal(a->typed(&p), "instance-0002f5c4");
	char *m = a->manual(&p);
	assert_string_equal(m, "virsh -c 'qemu+ssh://compute-1/system' destroy "
			       "'e6a96e04-733d-4b5a-9c00-0b0b0b0b0b0b'");
	free(m);
	a->free_plan(&p);
}

static void test_delete_volume(void **state)
{
	struct options o;
	struct ui ui;
	ui_with(&ui, &o);
	union action_plan p;
	memset(&p, 0, sizeof p);
	p.volume.plan.volume = strdup("9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a");
	p.volume.plan.cinder = DV_CINDER_FOUND;
	p.volume.plan.status = strdup("in-use");
	const struct action_ops *a = &action_ops[ACT_DELETE_VOLUME];
	char *why = a->gate(&ui, &p);
	assert_non_null(why);
	assert_true(strncmp(why, "Refused: ", 9) == 0);
	free(why);
	assert_string_equal(a->typed(&p), "9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a");
	char *m = a->manual(&p);
	assert_non_null(strstr(m, "openstack volume delete 9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a"));
	free(m);
	a->free_plan(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_complete),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_blocklist),
		cmocka_unit_test(test_destroy),
		cmocka_unit_test(test_delete_volume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
