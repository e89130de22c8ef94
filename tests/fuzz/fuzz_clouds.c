/* fuzz_clouds.c — libFuzzer target for clouds_load. clouds.c reads files only,
 * so the input is written to a private temp dir: the bytes before the first NUL
 * become clouds.yaml, the rest secure.yaml beside it. Errors must never carry
 * the planted password (clouds.h: "Never puts a value in err"). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "rbdwho/clouds.h"

static char dir[] = "/tmp/rbdwho-fuzz-clouds-XXXXXX";
static char *clouds_path, *secure_path;

static void write_all(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void cleanup(void)
{
	unlink(clouds_path);
	unlink(secure_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir))
		abort();
	clouds_path = xasprintf("%s/clouds.yaml", dir);
	secure_path = xasprintf("%s/secure.yaml", dir);
	unsetenv("OS_CLIENT_SECURE_FILE");
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Names the unit-test fixtures (the seeds) use, and a short one to find. */
	static const char *const names[] = { "prod", "lab", "a" };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n1 = nul ? (size_t)(nul - data) : size;

	write_all(clouds_path, data, n1);
	if (nul)
		write_all(secure_path, nul + 1, size - n1 - 1);
	else
		unlink(secure_path);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct os_opts o = {0};
		struct rw_error err = {0};
		(void)clouds_load(clouds_path, names[i], &o, &err);
		if (strstr(err.msg, "s3cret-pass"))
			abort();
		os_opts_clear(&o);
	}
	return 0;
}
