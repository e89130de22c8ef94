/* fuzz_argv.c — libFuzzer target for parse_argv and parse_rbd_drive_file: the
 * input is split on NUL bytes into an argv, exactly as /proc/PID/cmdline is. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/parse_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';

	/* Every NUL starts a new argument; the last one need not be terminated. */
	size_t argc = 0, cap = 0;
	const char **argv = NULL;
	for (size_t i = 0; i <= size; i++) {
		if (i == 0 || buf[i - 1] == '\0') {
			if (i == size && i > 0)
				break;
			xgrow(&argv, &cap, argc, sizeof(*argv));
			argv[argc++] = buf + i;
		}
	}

	struct argv_info info;
	if (parse_argv(argv, argc, &info) == 0) {
		for (size_t i = 0; i < info.disks.n; i++)
			if (!info.disks.v[i].pool || !info.disks.v[i].image)
				abort();
		for (size_t i = 0; i < info.nkrbd; i++)
			if (!info.krbd[i].path || info.krbd[i].dev_id < -1)
				abort();
		if (info.whole_pool.image || (info.whole_pool.pool && info.kind != ARGV_RBD_FUSE))
			abort();
		if ((info.disks.n || info.nkrbd || info.whole_pool.pool) != argv_info_names_rbd(&info))
			abort();
		argv_info_clear(&info);
	}
	for (size_t i = 0; i < argc; i++) {
		struct rbd_ref ref;
		if (parse_rbd_drive_file(argv[i], &ref) == 0)
			rbd_ref_clear(&ref);
	}
	free(argv);
	free(buf);
	return 0;
}
