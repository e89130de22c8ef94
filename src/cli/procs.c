/* procs.c — `rbdwho procs`: the processes that hold RBD images, local (/proc
 * or --proc-root) or, with --host, on that host over ssh (the same remote
 * command the chain runs). Needs no cluster. */
#include <stdio.h>

#include "rbdwho/cli.h"
#include "rbdwho/proc.h"
#include "rbdwho/report.h"
#include "rbdwho/ssh_procs.h"
#include "cli_internal.h"

static int procs_remote(const struct options *o, struct proc_list *l, struct rw_error *err)
{
	struct ssh_opts so = {.timeout_ms = o->chain.timeout_ms, .config = o->cfg.ssh_config,
			      .command = o->cfg.ssh_command};
	struct ssh_hosts *sh = ssh_hosts_new(&so);
	if (!sh)
		return rw_error_set(err, -EIO, "cannot make a private directory for ssh");
	struct krbd_list maps = {0};
	struct ssh_result res;
	int rc = ssh_procs_list(sh, o->host, l, &maps, &res, err);
	ssh_hosts_free(sh);
	krbd_list_free(&maps);
	if (rc < 0 && res.why == SSH_UNSAFE_NAME)
		rc = err->code = -EINVAL; /* a usage error: exit 2 */
	return rc;
}

int cli_procs(const struct options *o)
{
	if (o->nargs != 0) {
		fprintf(stderr, "rbdwho: procs takes no operands\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct proc_list l = {0};
	struct rw_error err = {0};
	if (o->host) {
		int rc = procs_remote(o, &l, &err);
		if (rc < 0)
			return cli_fail("procs", &err);
	} else if (proc_scan(o->chain.proc_root, &l, &err) < 0) {
		return cli_fail("procs", &err);
	}
	if (o->json)
		cli_print_json(report_procs_json(&l));
	else
		report_procs_text(stdout, &l);
	proc_list_free(&l);
	return RW_EXIT_OK;
}
