/* test_keymap.c — key names, the default keymap, and [keys] rebinding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <ncursesw/curses.h>

#include "rbdwho/keymap.h"

static void test_key_names(void **state)
{
	assert_int_equal(keymap_parse_key("q"), 'q');
	assert_int_equal(keymap_parse_key("C-c"), 3);
	assert_int_equal(keymap_parse_key("F10"), KEY_F(10));
	assert_int_equal(keymap_parse_key("<Down>"), KEY_DOWN);
	assert_int_equal(keymap_parse_key("pgdn"), KEY_NPAGE);
	assert_int_equal(keymap_parse_key("Enter"), '\n');
	assert_int_equal(keymap_parse_key("nonsense"), -1);
	assert_int_equal(keymap_parse_key("F13"), -1);
	assert_string_equal(keymap_key_name(KEY_F(10)), "F10");
	assert_string_equal(keymap_key_name(3), "C-c");
	assert_string_equal(keymap_key_name('/'), "/");
	assert_string_equal(keymap_key_name(KEY_UP), "Up");
}

static void test_defaults(void **state)
{
	struct keymap km;
	keymap_init(&km);
	assert_int_equal(keymap_lookup(&km, 'q'), REQ_QUIT);
	assert_int_equal(keymap_lookup(&km, 'j'), REQ_DOWN);
	assert_int_equal(keymap_lookup(&km, KEY_DOWN), REQ_DOWN);
	assert_int_equal(keymap_lookup(&km, '\r'), REQ_ENTER);
	assert_int_equal(keymap_lookup(&km, 'D'), REQ_DESTROY);
	assert_int_equal(keymap_lookup(&km, 'x'), REQ_NONE);
	/* every request has a name, help and at least one key */
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++) {
		assert_non_null(request_name(r));
		assert_non_null(request_help(r));
		assert_true(km.nkeys[r] > 0);
		assert_int_equal(request_by_name(request_name(r)), r);
	}
	char buf[64];
	keymap_describe(&km, REQ_DOWN, buf, sizeof buf);
	assert_string_equal(buf, "j, Down");
}

static void test_config_rebinds(void **state)
{
	struct keymap km;
	keymap_init(&km);
	struct key_binding kb[] = {{"quit", "x C-q"}, {"down", "q"}};
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.keys = kb;
	cfg.nkeys = 2;
	struct rw_error err = {0};
	assert_int_equal(keymap_apply_config(&km, &cfg, &err), 0);
	assert_int_equal(keymap_lookup(&km, 'x'), REQ_QUIT);
	assert_int_equal(keymap_lookup(&km, 17), REQ_QUIT);
	assert_int_equal(keymap_lookup(&km, 'q'), REQ_DOWN);  /* moved away from quit */
	assert_int_equal(keymap_lookup(&km, 'j'), REQ_NONE);  /* replaced */
	assert_int_equal(keymap_bind(&km, "fly", "f", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "fly"));
	assert_int_equal(keymap_bind(&km, "quit", "Hyper-x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "Hyper-x"));
	assert_int_equal(keymap_lookup(&km, 'x'), REQ_QUIT);  /* a failed bind changes nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_config_rebinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
