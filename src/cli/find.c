/* find.c — `rbdwho find VOLUME`: the whole chain for one volume. */
#include <stdio.h>

#include "rbdwho/cli.h"
#include "rbdwho/report.h"
#include "cli_internal.h"

int cli_find(const struct options *o)
{
	if (o->nargs != 1) {
		fprintf(stderr, "rbdwho: find takes one VOLUME (UUID, volume-UUID, UUID_disk or "
				"POOL/IMAGE)\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc)
		return rc;
	struct image_view *iv = NULL;
	struct rw_error err = {0};
	if (chain_find(ch, o->args[0], &iv, &err) < 0) {
		rc = cli_fail(o->args[0], &err);
	} else {
		if (o->json)
			cli_print_json(report_image_json(iv));
		else
			report_image_text(stdout, iv);
		image_view_free(iv);
	}
	chain_free(ch);
	return rc;
}
