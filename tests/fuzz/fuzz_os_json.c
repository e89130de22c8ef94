/* fuzz_os_json.c — libFuzzer target for every parse_os function: one body goes
 * through each of them, as any API answer may be the wrong shape or garbage. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/parse_os.h"

static void fuzz_keystone(const char *j, size_t n)
{
	static const char *const types[] = { "compute", "volumev3" };
	for (size_t i = 0; i < 2; i++) {
		char *url = NULL;
		if (parse_keystone_endpoint(j, n, types[i], "public", NULL, &url) == 0 && !url)
			abort();
		free(url);
		url = NULL;
		if (parse_keystone_endpoint(j, n, types[i], "internal", "RegionOne", &url) == 0 &&
		    !url)
			abort();
		free(url);
	}
	(void)parse_keystone_expiry(j, n);
}

static void fuzz_nova(const char *j, size_t n)
{
	struct nova_server s;
	if (parse_nova_server(j, n, &s) == 0)
		nova_server_clear(&s);

	struct nova_server *sv = NULL;
	size_t ns = 0;
	char *marker = NULL;
	(void)parse_nova_servers(j, n, &sv, &ns, &marker);
	for (size_t i = 0; i < ns; i++)
		nova_server_clear(&sv[i]);
	free(sv);
	free(marker);

	struct nova_hypervisor *hv = NULL;
	size_t nh = 0;
	marker = NULL;
	(void)parse_nova_hypervisors(j, n, &hv, &nh, &marker);
	for (size_t i = 0; i < nh; i++)
		nova_hypervisor_clear(&hv[i]);
	free(hv);
	free(marker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A terminated copy: the parsers take (json, len) but must not read past
	 * len; ASan catches it if they do, since the copy ends right there. */
	char *j = fuzz_strdup(data, size);

	fuzz_keystone(j, size);
	fuzz_nova(j, size);

	struct cinder_volume v;
	if (parse_cinder_volume(j, size, &v) == 0)
		cinder_volume_clear(&v);
	free(parse_os_error_message(j, size));
	free(j);
	return 0;
}
