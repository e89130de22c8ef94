/* procs.c — `rbdwho procs`: local processes that hold RBD images. Needs no
 * cluster: it reads /proc (or --proc-root) only. */
#include <stdio.h>

#include "rbdwho/cli.h"
#include "rbdwho/proc.h"
#include "rbdwho/report.h"
#include "cli_internal.h"

int cli_procs(const struct options *o)
{
	if (o->nargs != 0) {
		fprintf(stderr, "rbdwho: procs takes no operands\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct proc_list l = {0};
	struct rw_error err = {0};
	if (proc_scan(o->chain.proc_root, &l, &err) < 0)
		return cli_fail("procs", &err);
	if (o->json)
		cli_print_json(report_procs_json(&l));
	else
		report_procs_text(stdout, &l);
	proc_list_free(&l);
	return RW_EXIT_OK;
}
