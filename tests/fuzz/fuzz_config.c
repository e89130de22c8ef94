/* fuzz_config.c — libFuzzer target for config_parse and what reads the parsed
 * config: the [hosts] map (IPv4, IPv6, CIDR rules) and the [uris] lookup. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = { "10.20.1.7", "192.0.2.1", "fe80::1", "", "x" };
	static const char *const hosts[] = { "compute-1", "", "a*b" };
	char *text = fuzz_strdup(data, size);
	struct config cfg;
	struct rw_error err = {0};

	config_init(&cfg);
	/* A failed parse leaves what it had so far: the lookups must cope too. */
	(void)config_parse(&cfg, text, "fuzz.conf", &err);
	if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
		abort();
	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
		free(config_map_host(&cfg, ips[i]));
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		free(config_host_uri(&cfg, hosts[i]));
	config_free(&cfg);
	free(text);
	return 0;
}
