/* test_theme.c — the theme format, its errors, and that the built-in themes
 * are the same text as the shipped files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/theme.h"
#include "rbdwho/util.h"

static char *slurp(const char *path)
{
	struct buf b = {0};
	if (buf_read_file(&b, path, 0) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.p;
}

static void test_parse(void **state)
{
	struct theme t;
	theme_init(&t);
	struct rw_error err = {0};
	assert_int_equal(theme_parse(&t, "# c\n\norphan = bright-white 1 bold,reverse  # x\n"
				     "dim = color244 default\n", "t", &err), 0);
	assert_int_equal(t.el[EL_ORPHAN].fg, 15);
	assert_int_equal(t.el[EL_ORPHAN].bg, 1);
	assert_int_equal(t.el[EL_ORPHAN].attrs, THEME_BOLD | THEME_REVERSE);
	assert_int_equal(t.el[EL_DIM].fg, 244);
	assert_int_equal(t.el[EL_DIM].bg, THEME_DEFAULT_COLOR);
}

static void test_errors_name_the_line(void **state)
{
	struct theme t;
	theme_init(&t);
	struct rw_error err = {0};
	assert_int_equal(theme_parse(&t, "normal = default default\n\nfoo = red red\n", "x.theme", &err),
			 -EINVAL);
	assert_string_equal(err.msg, "x.theme:3: unknown element 'foo'");
	assert_int_equal(theme_parse(&t, "orphan = red\n", "x", &err), -EINVAL);
	assert_int_equal(theme_parse(&t, "orphan = red pink\n", "x", &err), -EINVAL);
	assert_int_equal(theme_parse(&t, "orphan = red 256\n", "x", &err), -EINVAL);
	assert_int_equal(theme_parse(&t, "orphan = red blue sparkly\n", "x", &err), -EINVAL);
	assert_int_equal(theme_parse(&t, "orphan red blue\n", "x", &err), -EINVAL);
}

static void test_builtins_match_files(void **state)
{
	char *def = slurp("themes/default.theme"), *mono = slurp("themes/mono.theme");
	assert_non_null(def);
	assert_non_null(mono);
	assert_string_equal(def, theme_default_text);
	assert_string_equal(mono, theme_mono_text);
	free(def);
	free(mono);
}

static void test_every_shipped_theme_loads(void **state)
{
	const char *names[] = {"default", "light", "mono", "themes/light.theme"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct theme t;
		struct rw_error err = {0};
		assert_int_equal(theme_load(&t, names[i], &err), 0);
	}
	struct theme t;
	struct rw_error err = {0};
	assert_int_equal(theme_load(&t, "light", &err), 0);
	assert_string_equal(t.name, "light");
	assert_int_equal(t.el[EL_NORMAL].fg, 0);  /* black text */
	theme_init_mono(&t);
	for (int e = 0; e < EL_COUNT; e++) {
		assert_int_equal(t.el[e].fg, THEME_DEFAULT_COLOR);
		assert_int_equal(t.el[e].bg, THEME_DEFAULT_COLOR);
	}
	assert_int_equal(theme_load(&t, "no-such-theme", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no-such-theme"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_builtins_match_files),
		cmocka_unit_test(test_every_shipped_theme_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
