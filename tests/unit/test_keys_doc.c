/* test_keys_doc.c — doc/ui.md's keys table is generated from the request
 * table (REQ_INFO through the default keymap), never written by hand: this
 * test builds it and compares it with the block between the markers.
 * RBDWHO_DOC_UPDATE=1 rewrites the block instead (then review the diff). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/keymap.h"
#include "rbdwho/util.h"

#define DOC "doc/ui.md"
#define BEGIN "<!-- keys: generated from REQ_INFO by tests/unit/test_keys_doc.c -->\n"
#define END "<!-- /keys -->\n"

/* The markdown table of the default keymap. */
static char *keys_table(void)
{
	struct keymap km;
	struct buf b = {0};
	keymap_init(&km);
	buf_printf(&b, "| keys | request | what it does |\n|---|---|---|\n");
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++) {
		char keys[128];
		keymap_describe(&km, (enum request)r, keys, sizeof keys);
		buf_printf(&b, "|");
		for (char *k = strtok(keys, ","); k; k = strtok(NULL, ","))
			buf_printf(&b, " `%s`", k + (*k == ' '));
		buf_printf(&b, " | `%s` | %s |\n", request_name((enum request)r),
			   request_help((enum request)r));
	}
	return b.p;
}

static char *slurp(const char *path)
{
	struct buf b = {0};
	if (buf_read_file(&b, path, 0) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : xstrdup("");
}

static void test_keys_table_matches_doc(void **state)
{
	char *doc = slurp(DOC);
	if (!doc)
		skip();  /* not run from the source tree */
	char *begin = strstr(doc, BEGIN), *end = begin ? strstr(begin, END) : NULL;
	assert_non_null(begin);
	assert_non_null(end);
	begin += strlen(BEGIN);
	char *table = keys_table();
	if (getenv("RBDWHO_DOC_UPDATE")) {
		FILE *f = fopen(DOC, "w");
		assert_non_null(f);
		fprintf(f, "%.*s%s%s", (int)(begin - doc), doc, table, end);
		assert_int_equal(fclose(f), 0);
	} else {
		char *have = xstrndup(begin, (size_t)(end - begin));
		assert_string_equal(have, table);
		free(have);
	}
	free(table);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_table_matches_doc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
