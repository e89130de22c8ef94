/* fixture.h — reads a unit test's fixture file, tests/unit/fixtures/DIR/NAME,
 * wherever the tests run from (the path is taken from this header's own place).
 * Include after cmocka.h with FIXTURE_DIR defined ("domxml", "os", …). */
#ifndef RBDWHO_TEST_FIXTURE_H
#define RBDWHO_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rbdwho/util.h"

/* The whole file, malloc'd and NUL-terminated; its length in *len unless NULL.
 * A missing fixture fails the test. */
static char *fixture_read(const char *name, size_t *len)
{
	const char *src = __FILE__;
	const char *slash = strrchr(src, '/');
	char *path = slash ? xasprintf("%.*s/fixtures/%s/%s", (int)(slash - src), src,
				       FIXTURE_DIR, name)
			   : xasprintf("fixtures/%s/%s", FIXTURE_DIR, name);
	struct buf b = {0};
	if (buf_read_file(&b, path, 0) < 0)
		fail_msg("cannot open fixture %s", path);
	free(path);
	if (len)
		*len = b.len;
	return b.p;
}

#endif
