/* fuzz_addr.c — libFuzzer target for parse_watcher_addr: any text must either be
 * rejected or give a NUL-terminated IP of the stated family. */
#include <stdlib.h>
#include <sys/socket.h>

#include "fuzz_common.h"
#include "rbdwho/parse_addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct watcher_addr a;

	if (parse_watcher_addr(text, &a) == 0) {
		/* The struct's fixed buffers must come back terminated and sane. */
		if (strnlen(a.ip, sizeof(a.ip)) == sizeof(a.ip) ||
		    strnlen(a.proto, sizeof(a.proto)) == sizeof(a.proto) ||
		    (a.family != AF_INET && a.family != AF_INET6))
			abort();
	}
	free(text);
	return 0;
}
