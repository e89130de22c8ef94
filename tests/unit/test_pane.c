/* test_pane.c — the pane model without a terminal: cursor, scrolling, filter,
 * selection kept across a refresh, and rows arriving after a goto. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/pane.h"
#include "../../src/ui/ui_internal.h"  /* the display-width helpers of draw.c */

static void fill(struct pane *p, int n)
{
	char key[32];
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof key, "row-%02d", i);
		pane_add(p, key, key, NULL, NULL);
	}
}

static void test_cursor_clamps_and_scrolls(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	fill(&p, 30);
	pane_set_height(&p, 10);
	assert_string_equal(pane_selected_key(&p), "row-00");
	pane_move(&p, -5);
	assert_int_equal(p.cursor, 0);
	pane_move(&p, 12);
	assert_int_equal(p.cursor, 12);
	assert_int_equal(p.top, 3);  /* cursor on the last screen line */
	pane_page(&p, 1);
	assert_int_equal(p.cursor, 21);
	pane_end(&p);
	assert_int_equal(p.cursor, 29);
	assert_int_equal(p.top, 20);
	pane_move(&p, 100);
	assert_int_equal(p.cursor, 29);
	pane_home(&p);
	assert_int_equal(p.cursor, 0);
	assert_int_equal(p.top, 0);
	pane_page(&p, -1);
	assert_int_equal(p.cursor, 0);
	pane_free(&p);
}

static void test_click_and_wheel(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	fill(&p, 30);
	pane_set_height(&p, 10);
	assert_true(pane_click(&p, 4));
	assert_string_equal(pane_selected_key(&p), "row-04");
	pane_scroll(&p, 15);
	assert_int_equal(p.top, 15);
	assert_int_equal(p.cursor, 15);  /* dragged along */
	pane_scroll(&p, 100);
	assert_int_equal(p.top, 20);
	pane_scroll(&p, -100);
	assert_int_equal(p.top, 0);
	assert_int_equal(p.cursor, 9);
	pane_set_filter(&p, "row-0");
	assert_int_equal(p.nvis, 10);
	assert_false(pane_click(&p, 12));
	pane_free(&p);
}

static void test_empty_pane(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	pane_set_height(&p, 5);
	assert_null(pane_selected(&p));
	pane_move(&p, 3);
	pane_end(&p);
	pane_page(&p, 1);
	assert_false(pane_click(&p, 0));
	assert_false(pane_find_next(&p, "x", 1));
	assert_null(pane_selected_key(&p));
	pane_free(&p);
}

static void test_filter_is_case_insensitive_and_keeps_selection(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	pane_add(&p, "a", "volume-AAA", NULL, NULL);
	pane_add(&p, "b", "volume-bbb", NULL, NULL);
	pane_add(&p, "c", "vm-disk-aaa", NULL, NULL);
	pane_add(&p, "d", "other", NULL, NULL);
	pane_set_height(&p, 10);
	pane_move(&p, 2);
	assert_string_equal(pane_selected_key(&p), "c");
	pane_set_filter(&p, "aAa");
	assert_int_equal(p.nvis, 2);
	assert_string_equal(pane_selected_key(&p), "c");  /* still passes: kept */
	pane_set_filter(&p, "bbb");
	assert_int_equal(p.nvis, 1);
	assert_string_equal(pane_selected_key(&p), "b");
	pane_set_filter(&p, "zzz");
	assert_int_equal(p.nvis, 0);
	assert_null(pane_selected(&p));
	pane_set_filter(&p, "");
	assert_int_equal(p.nvis, 4);
	/* rows added later are filtered too */
	pane_set_filter(&p, "volume");
	pane_add(&p, "e", "VOLUME-eee", NULL, NULL);
	pane_add(&p, "f", "nope", NULL, NULL);
	assert_int_equal(p.nvis, 3);
	pane_free(&p);
}

static void test_find_next_wraps(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	pane_add(&p, "1", "alpha", NULL, NULL);
	pane_add(&p, "2", "beta", NULL, NULL);
	pane_add(&p, "3", "alphabet", NULL, NULL);
	pane_add(&p, "4", "gamma", NULL, NULL);
	pane_set_height(&p, 2);
	assert_true(pane_find_next(&p, "ALPHA", 1));
	assert_string_equal(pane_selected_key(&p), "3");
	assert_true(pane_find_next(&p, "alpha", 1));
	assert_string_equal(pane_selected_key(&p), "1");
	assert_true(pane_find_next(&p, "alpha", -1));
	assert_string_equal(pane_selected_key(&p), "3");
	assert_false(pane_find_next(&p, "delta", 1));
	assert_string_equal(pane_selected_key(&p), "3");
	pane_free(&p);
}

static void test_selection_kept_across_refresh(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	fill(&p, 20);
	pane_set_height(&p, 5);
	pane_move(&p, 13);
	pane_clear(&p);
	assert_int_equal(p.nrows, 0);
	/* the refreshed list arrives in pages, with a new row before the old one */
	pane_add(&p, "row-new", "row-new", NULL, NULL);
	fill(&p, 10);
	assert_string_equal(pane_selected_key(&p), "row-new");
	char key[32];
	for (int i = 10; i < 20; i++) {
		snprintf(key, sizeof key, "row-%02d", i);
		pane_add(&p, key, key, NULL, NULL);
	}
	assert_string_equal(pane_selected_key(&p), "row-13");
	assert_true(p.cursor >= p.top && p.cursor < p.top + 5);
	/* a reset forgets it: another list */
	pane_reset(&p);
	fill(&p, 20);
	assert_string_equal(pane_selected_key(&p), "row-00");
	pane_free(&p);
}

static void test_select_key_before_rows_arrive(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	pane_set_height(&p, 4);
	assert_false(pane_select_key(&p, "row-07"));
	fill(&p, 10);
	assert_string_equal(pane_selected_key(&p), "row-07");
	assert_true(pane_select_key(&p, "row-02"));
	assert_string_equal(pane_selected_key(&p), "row-02");
	pane_free(&p);
}

static int freed;
static void count_free(void *d) { freed++; (void)d; }

static void test_insert_keeps_selection(void **state)
{
	struct pane p;
	pane_init(&p, "t", NULL);
	pane_set_height(&p, 10);
	pane_add(&p, "a", "a", NULL, NULL);
	pane_add(&p, "c", "c", NULL, NULL);
	pane_move(&p, 1);  /* on c */
	pane_insert(&p, 1, "b", "b", NULL, NULL);
	assert_string_equal(pane_selected_key(&p), "c");
	assert_int_equal(p.nvis, 3);
	assert_string_equal(pane_visible(&p, 1)->key, "b");
	/* after the selection: it does not move */
	pane_insert(&p, 3, "d", "d", NULL, NULL);
	assert_string_equal(pane_selected_key(&p), "c");
	assert_string_equal(pane_visible(&p, 3)->key, "d");
	/* filtered out: in the rows, not in the view */
	pane_set_filter(&p, "c");
	pane_insert(&p, 0, "z", "z", NULL, NULL);
	assert_int_equal(p.nrows, 5);
	assert_int_equal(p.nvis, 1);
	assert_string_equal(pane_selected_key(&p), "c");
	pane_free(&p);
}

static void test_owned_data_and_states(void **state)
{
	struct pane p;
	static int a, b;
	pane_init(&p, "t", count_free);
	pane_add(&p, "a", "a", "1G", &a);
	pane_add(&p, "b", "b", NULL, &b);
	struct pane_row *r = pane_find(&p, "b");
	assert_non_null(r);
	pane_update(&p, r, NULL, "2G");
	assert_string_equal(r->aux, "2G");
	assert_string_equal(r->text, "b");
	pane_set_loading(&p);
	assert_int_equal(p.state, PANE_LOADING);
	pane_set_error(&p, "boom");
	assert_int_equal(p.state, PANE_ERROR);
	assert_string_equal(p.error, "boom");
	pane_set_idle(&p);
	assert_null(p.error);
	freed = 0;
	pane_clear(&p);
	assert_int_equal(freed, 2);
	pane_free(&p);
}

/* Titles and rows are measured in display columns, never bytes: "─" is 3
 * bytes and 1 column, a CJK ideograph 3 bytes and 2 columns. */
static void test_width_in_columns(void **state)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	struct ui ui;
	memset(&ui, 0, sizeof ui);
	assert_int_equal(text_cols(&ui, "volume-1"), 8);
	assert_int_equal(text_cols(&ui, "┌ Pools ─┐"), 10);
	assert_int_equal(text_cols(&ui, "日本語"), 6);
	assert_int_equal(text_cols(&ui, "ünïcødé"), 7);
	assert_int_equal(text_cols(&ui, NULL), 0);
	/* fitting never splits a character, nor half a wide one */
	assert_int_equal(text_fit(&ui, "日本語", 5), strlen("日本"));
	assert_int_equal(text_fit(&ui, "日本語", 6), strlen("日本語"));
	assert_int_equal(text_fit(&ui, "aé日", 3), strlen("aé"));
	/* invalid UTF-8 counts one column a byte, as it is drawn ('?') */
	assert_int_equal(text_cols(&ui, "a\xff\xfe"), 3);
	/* ASCII mode draws anything beyond ASCII as one '?' */
	ui.ascii = true;
	assert_int_equal(text_cols(&ui, "日本語"), 3);
	/* wrapping: breaks at a space, and never needs more lines than allowed */
	ui.ascii = false;
	assert_int_equal(wrapped_lines(&ui, 10, 5, "short"), 1);
	assert_int_equal(wrapped_lines(&ui, 10, 5, "0123456789 abc"), 2);
	assert_int_equal(wrapped_lines(&ui, 4, 5, "日本語日本語"), 3);
	assert_int_equal(wrapped_lines(&ui, 4, 2, "日本語日本語"), 2);
	setlocale(LC_CTYPE, "C");
}

/* A trash entry whose name a directory image has taken: two rows, two keys,
 * and an image view is the row of its own key only. */
static void test_image_row_keys(void **state)
{
	char *dir = ui_image_row_key("volume-5", NULL);
	char *trash = ui_image_row_key("volume-5", "1005");
	char *other = ui_image_row_key("volume-5", "1006");
	char *ns_dir = ui_image_row_key("tenant-a/volume-5", NULL);
	assert_string_equal(dir, "volume-5");  /* a go-to's name finds the directory's */
	assert_string_not_equal(trash, dir);
	assert_string_not_equal(trash, other);
	assert_string_not_equal(trash, ns_dir);
	struct image_view iv = {.chain_name = "volume-5"};
	assert_true(ui_image_view_is(&iv, dir));
	assert_false(ui_image_view_is(&iv, trash));
	iv.trashed = true;
	iv.trash.id = "1005";
	assert_true(ui_image_view_is(&iv, trash));
	assert_false(ui_image_view_is(&iv, dir));
	assert_false(ui_image_view_is(&iv, other));
	assert_false(ui_image_view_is(NULL, trash));
	free(dir);
	free(trash);
	free(other);
	free(ns_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_clamps_and_scrolls),
		cmocka_unit_test(test_click_and_wheel),
		cmocka_unit_test(test_empty_pane),
		cmocka_unit_test(test_filter_is_case_insensitive_and_keeps_selection),
		cmocka_unit_test(test_find_next_wraps),
		cmocka_unit_test(test_selection_kept_across_refresh),
		cmocka_unit_test(test_select_key_before_rows_arrive),
		cmocka_unit_test(test_owned_data_and_states),
		cmocka_unit_test(test_insert_keeps_selection),
		cmocka_unit_test(test_width_in_columns),
		cmocka_unit_test(test_image_row_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
