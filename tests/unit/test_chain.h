/* test_chain.h — the chain the remedies' unit tests act through: no Ceph, no
 * OpenStack, its config parsed from ini (which puts the audit log in the
 * test's temporary directory). Include after cmocka.h. */
#ifndef RBDWHO_TEST_CHAIN_H
#define RBDWHO_TEST_CHAIN_H

#include <stdlib.h>
#include <string.h>
#include "rbdwho/chain.h"
#include "rbdwho/config.h"
#include "rbdwho/util.h"

static struct chain *test_chain_new(struct config *cfg, const char *ini, int timeout_ms)
{
	struct rw_error err = {0};
	config_init(cfg);
	if (config_parse(cfg, ini, "test", &err) < 0)
		fail_msg("config: %s", err.msg);
	struct chain_opts o;
	memset(&o, 0, sizeof o);
	o.cfg = cfg;
	o.no_openstack = true;
	o.timeout_ms = timeout_ms;
	struct chain *ch = NULL;
	if (chain_new_no_ceph(&o, &ch, &err) < 0)
		fail_msg("chain: %s", err.msg);
	return ch;
}

/* Frees what test_chain_new made and removes dir: 0 when that worked. */
static int test_chain_free(struct chain *ch, struct config *cfg, const char *dir)
{
	chain_free(ch);
	config_free(cfg);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

#endif
