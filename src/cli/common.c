/* common.c — the commands' shared plumbing. */
#include <stdio.h>
#include <stdlib.h>

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

/* Length of the valid UTF-8 sequence at p (its code point in *cp), 0 when the
 * byte starts none: overlong forms, surrogates and values past U+10FFFF are not. */
static size_t cli_utf8_seq(const unsigned char *p, unsigned *cp)
{
	static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n = p[0] < 0xc2 ? 0 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] <= 0xf4 ? 4 : 0;
	if (n == 0)
		return 0;
	unsigned v = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min[n] || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return n;
}

/* json-c escapes C0 controls but passes every byte >= 0x80 through: C1 controls
 * (U+0080..U+009F; a UTF-8 terminal may take U+009B for CSI), bidi overrides, and
 * bytes that are not UTF-8 at all (Ceph names are bytes) would reach whoever cats
 * the output. Past ASCII every byte is inside a JSON string, so they are rewritten
 * in place: the dangerous code points as \uXXXX, invalid bytes as \ufffd. */
static void cli_put_json_text(const char *s, FILE *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp = 0;
		size_t n;
		if (*p < 0x80) {
			fputc(*p++, out);
			continue;
		}
		n = cli_utf8_seq(p, &cp);
		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) ||
			   (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029) {
			fprintf(out, "\\u%04x", cp);
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
