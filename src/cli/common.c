/* common.c — the commands' shared plumbing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbdwho/redact.h"
#include "cli_internal.h"

int cli_fail(const char *what, const struct rw_error *err)
{
	/* what may be the user's own operand (an image name): both are made inert. */
	char *safe = sanitize_terminal(err->msg), *safe_what = sanitize_terminal(what);
	fprintf(stderr, "rbdwho: %s: %s\n", safe_what, safe);
	free(safe);
	free(safe_what);
	return rw_exit_code(err->code ? err->code : -EIO);
}

int cli_connect(const struct options *o, struct chain **ch)
{
	struct rw_error err = {0};
	if (chain_new(&o->chain, ch, &err) < 0)
		return cli_fail("cannot start", &err);
	return 0;
}

/* json-c escapes C0 controls but passes every byte >= 0x80 through: C1 controls
 * (U+0080..U+009F; a UTF-8 terminal may take U+009B for CSI), bidi overrides, and
 * bytes that are not UTF-8 at all (Ceph names are bytes) would reach whoever cats
 * the output. Past ASCII every byte is inside a JSON string, so they are rewritten
 * in place: the dangerous code points as \uXXXX, invalid bytes as \ufffd. */
static void cli_put_json_text(const char *s, FILE *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp = 0;
		size_t n;
		if (*p < 0x80) {
			fputc(*p++, out);
			continue;
		}
		n = utf8_sequence(p, &cp);
		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (cp <= 0x9f || unicode_is_invisible(cp)) {
			fprintf(out, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
}

void cli_print_json(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	cli_put_json_text(s, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
}

/* One line from f without its newline; "" on end of input. malloc'd. */
static char *read_answer(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (n < 0) {
		free(line);
		return xstrdup("");
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

char *cli_ask(const char *prompt)
{
	if (isatty(STDIN_FILENO)) {
		fputs(prompt, stderr);
		fflush(stderr);
		return read_answer(stdin);
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	char *answer = read_answer(tty);
	fclose(tty);
	return answer;
}
