/* common.c — the commands' shared plumbing. */
#include <stdio.h>
#include <stdlib.h>

#include "rbdwho/redact.h"
#include "cli_internal.h"

int cli_fail(const char *what, const struct rw_error *err)
{
	char *safe = sanitize_terminal(err->msg);
	fprintf(stderr, "rbdwho: %s: %s\n", what, safe);
	free(safe);
	return rw_exit_code(err->code ? err->code : -EIO);
}

int cli_connect(const struct options *o, struct chain **ch)
{
	struct rw_error err = {0};
	if (chain_new(&o->chain, ch, &err) < 0)
		return cli_fail("cannot start", &err);
	return 0;
}

void cli_print_json(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	fputs(s, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
}
