/* redact.h — keeps secrets off the screen, out of --json and out of logs.
 * Everything that shows text which came from a command line, a config or an
 * API passes through here first. */
#ifndef RBDWHO_REDACT_H
#define RBDWHO_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REDACTED "<redacted>"

/* Returns a malloc'd copy of text with every secret value replaced by <redacted>
 * (NULL in, NULL out). A name is secret when it is, or ends in "_"/"-"/"." plus,
 * password, passwd, passphrase, secret, token, key, apikey or authorization
 * (case-insensitive: OS_PASSWORD, X-Auth-Token, client_secret); qemu's secret
 * object references key-secret/password-secret/… are not. Forms:
 *   name=VALUE   to whitespace, a quote, an unescaped ',' (",," is qemu's literal
 *                comma), or the separator before the name (':' in rbd: strings,
 *                '&' in URL queries); "…"/'…' values whole
 *   "name": V    JSON/Python strings and bare values (not null/true/false), also
 *                \"name\":\"V\" inside a quoted argument
 *   name: VALUE  headers and YAML: the rest of the line (of the "…" string
 *                when inside one); "name = VALUE" in INI and keyrings the same
 *   name:VALUE   to whitespace, for names ending in password, passwd, token, authorization
 *   --name VALUE the next word
 *   data=… / "data":… only inside a qemu secret object (-object secret,…)
 *   AQ…==        cephx keys anywhere;  scheme://user:PASSWORD@host
 * Errs towards hiding: a redacted non-secret is acceptable, a leak is not. */
char *redact_text(const char *text);

/* argv joined by single spaces, each argument redacted on its own (so that a
 * value with spaces inside one argument is hidden whole); also hides the argument
 * after a secret option ("--os-password" "x", "-H" "X-Auth-Token:" "x") and the
 * whole value of "--name=VALUE"; malloc'd. */
char *redact_argv(const char *const *argv, size_t argc);

/* Makes text safe to print on a terminal (NULL in, NULL out; malloc'd): ESC
 * becomes "\e", TAB/LF/CR "\t" "\n" "\r", other C0 controls, DEL, C1 controls
 * (raw or UTF-8 encoded) and invalid UTF-8 bytes "\xNN"; bidi overrides and
 * line separators "\uNNNN". Valid UTF-8 passes through; '\' itself is kept. */
char *sanitize_terminal(const char *text);

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF) with its code point in *cp; 0 when s[0]
 * starts none. A NUL ends a truncated sequence. */
size_t utf8_sequence(const unsigned char *s, uint32_t *cp);

/* Code points that reorder or break a displayed line without being controls:
 * bidi overrides and isolates, marks, line and paragraph separators. */
bool unicode_is_invisible(uint32_t cp);

#endif
