/* cli.h — the non-interactive commands. Each returns the process exit status
 * (see error.h) and prints its result on stdout, its errors on stderr. */
#ifndef RBDWHO_CLI_H
#define RBDWHO_CLI_H

#include "rbdwho/options.h"

int cli_find(const struct options *o);
int cli_scan(const struct options *o);
int cli_procs(const struct options *o);
int cli_destroy(const struct options *o);
int cli_delete_volume(const struct options *o);
int cli_blocklist(const struct options *o);

#endif
