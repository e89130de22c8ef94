/* fuzz_common.h — helpers shared by the libFuzzer targets in tests/fuzz/: turn the
 * fuzzer's bytes (not NUL-terminated, may hold NULs) into the C strings the
 * parsers take. Header-only so each target stays one translation unit. */
#ifndef RBDWHO_FUZZ_COMMON_H
#define RBDWHO_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rbdwho/util.h"

/* A malloc'd NUL-terminated copy; an embedded NUL simply ends the string early,
 * which is what a parser fed from C code sees too. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
