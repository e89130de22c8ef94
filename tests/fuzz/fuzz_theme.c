/* fuzz_theme.c — libFuzzer target for theme_parse (src/ui/theme.c, no ncurses):
 * every accepted theme must keep colours in range. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct theme t;
	struct rw_error err = {0};

	theme_init(&t);
	if (theme_parse(&t, text, "fuzz.theme", &err) == 0) {
		for (int e = 0; e < EL_COUNT; e++)
			if (t.el[e].fg < THEME_DEFAULT_COLOR || t.el[e].fg > 255 ||
			    t.el[e].bg < THEME_DEFAULT_COLOR || t.el[e].bg > 255)
				abort();
	}
	free(text);
	return 0;
}
