/* cli_internal.h — what the commands share: connecting the chain with the
 * right message and exit status, and printing JSON. */
#ifndef RBDWHO_CLI_INTERNAL_H
#define RBDWHO_CLI_INTERNAL_H

#include <json-c/json.h>
#include "rbdwho/chain.h"
#include "rbdwho/options.h"

/* Connects; on failure prints the reason and returns the exit status (> 0). */
int cli_connect(const struct options *o, struct chain **ch);
/* Prints a command's failure and returns its exit status. */
int cli_fail(const char *what, const struct rw_error *err);
/* Asks for a typed confirmation: on stdin when it is a terminal, else on
 * /dev/tty (stdin may be a pipe feeding something else). The answer without
 * its newline, malloc'd; NULL when there is no terminal to ask on. */
char *cli_ask(const char *prompt);
/* Prints obj (pretty) on stdout and releases it. */
void cli_print_json(struct json_object *obj);

#endif
