/* redact.c — removes secrets (cephx keys, passwords, tokens) from text before it
 * is shown or logged, and makes untrusted text safe for a terminal. Errs on the
 * side of hiding too much: a hidden harmless value costs less than a leaked key. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbdwho/redact.h"
#include "rbdwho/util.h"

#define REDACT_NAME_MAX 64
/* How far context checks look around a name. Past it they give the answer that
 * hides more: hostile megabyte lines stay linear, and the error is a safe one. */
#define REDACT_WINDOW 4096
/* A cephx key is 28 bytes, 40 base64 characters "AQ…==". Shorter AQ…= runs are
 * still hidden down to this many characters before the padding. */
#define REDACT_CEPHX_MIN 20

/* Names whose value is a secret when they are the whole name, or its last word
 * after '_', '-' or '.': OS_PASSWORD, X-Auth-Token, client_secret, key. */
static const char *const redact_words[] = {
    "password", "passwd", "passphrase", "secret", "token", "key", "apikey", "authorization",
};

/* Names that may also be written "name:VALUE" without a blank (curl headers);
 * not "key" or "secret", which appear before ':' in rbd: specs and prose. */
static const char *const redact_colon_words[] = {
    "password",
    "passwd",
    "token",
    "authorization",
};

/* qemu properties that name a secret *object* ("sec0"), not a secret value. */
static const char *const redact_refs[] = {
    "key-secret",
    "password-secret",
    "passphrase-secret",
    "proxy-password-secret",
};

static bool redact_is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool redact_is_b64(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/';
}

static bool redact_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* True when name (leading dashes skipped) is one of words, or ends in '_', '-'
 * or '.' plus one of them. */
static bool redact_name_has_word(const char *name, size_t len, const char *const *words,
                                 size_t nwords)
{
	while (len > 0 && *name == '-') {
		name++;
		len--;
	}
	for (size_t i = 0; i < nwords; i++) {
		size_t wl = strlen(words[i]);
		if (wl > len || strncasecmp(name + len - wl, words[i], wl) != 0)
			continue;
		if (wl == len || strchr("_-.", name[len - wl - 1]))
			return true;
	}
	return false;
}

/* True when name (len bytes, leading dashes allowed) holds a secret value. The
 * references are recognised after a qemu dotted path too: "file.key-secret". */
static bool redact_name_is_secret(const char *name, size_t len)
{
	size_t base = len;

	while (base > 0 && name[base - 1] != '.')
		base--;
	while (base < len && name[base] == '-')
		base++;
	for (size_t i = 0; i < sizeof(redact_refs) / sizeof(redact_refs[0]); i++)
		if (len - base == strlen(redact_refs[i]) &&
		    strncasecmp(name + base, redact_refs[i], len - base) == 0)
			return false;
	return redact_name_has_word(name, len, redact_words,
	                            sizeof(redact_words) / sizeof(redact_words[0]));
}

/* "data" is the key only inside a qemu secret object: `-object secret,…,data=…`
 * (the option token starts with "secret," or says qom-type=secret). */
static bool redact_token_is_secret_object(const char *text, size_t pos)
{
	size_t start = pos;
	while (start > 0 && !redact_is_space(text[start - 1]))
		if (pos - --start > REDACT_WINDOW)
			return true;
	while (text[start] == '\'' || text[start] == '"')
		start++;
	if (strncmp(text + start, "secret,", 7) == 0)
		return true;
	for (size_t i = start; i < pos; i++)
		if (strncmp(text + i, "qom-type=secret", 15) == 0)
			return true;
	return false;
}

/* The same for JSON: the {…} around pos holds "qom-type": "secret". Brace
 * counting ignores strings; a wrong guess only hides or shows one "data" value,
 * and a cephx key in it is caught by its shape anyway. */
static bool redact_object_is_secret(const char *text, size_t pos)
{
	size_t lo = pos, hi = pos;
	int depth = 0;

	while (lo > 0 && !(text[lo - 1] == '{' && depth == 0)) {
		if (pos - --lo > REDACT_WINDOW)
			return true;
		depth += text[lo] == '}' ? 1 : text[lo] == '{' ? -1 : 0;
	}
	if (lo == 0)
		return false;
	for (depth = 0; text[hi] && !(text[hi] == '}' && depth == 0); hi++) {
		if (hi - pos > REDACT_WINDOW)
			return true;
		depth += text[hi] == '{' ? 1 : text[hi] == '}' ? -1 : 0;
	}
	for (size_t i = lo; i < hi; i++) {
		if (strncmp(text + i, "qom-type", 8) != 0)
			continue;
		size_t j = i + 8;
		while (j < hi && strchr("\"' \t:\\", text[j]))
			j++;
		if (strncmp(text + j, "secret", 6) == 0)
			return true;
	}
	return false;
}

static void redact_emit(struct buf *out, const char *s, size_t n)
{
	buf_append(out, s, n);
}

static void redact_emit_hidden(struct buf *out)
{
	buf_append(out, REDACTED, strlen(REDACTED));
}

/* Length of the quoted string at v (v[0] is the quote, backslash escapes honoured),
 * through the closing quote, or to the end of text when it is unterminated.
 * With esc, the delimiters are \" (JSON inside a quoted argument). */
static size_t redact_quoted_len(const char *v, bool esc)
{
	size_t open = esc ? 2 : 1, i = open;
	char q = v[open - 1];

	while (v[i]) {
		if (esc && v[i] == '\\' && v[i + 1] == q)
			return i + 2;
		if (!esc && v[i] == q)
			return i + 1;
		i += (v[i] == '\\' && v[i + 1]) ? 2 : 1;
	}
	return i;
}

/* Emits the quoted value at v as quote + <redacted> + quote; returns its length. */
static size_t redact_quoted_value(const char *v, bool esc, struct buf *out)
{
	size_t n = redact_quoted_len(v, esc), open = esc ? 2 : 1;
	bool closed =
	    n >= 2 * open && (esc ? (v[n - 2] == '\\' && v[n - 1] == v[1]) : v[n - 1] == v[0]);

	redact_emit(out, v, open);
	redact_emit_hidden(out);
	if (closed)
		redact_emit(out, v + n - open, open);
	return n;
}

/* The value of name=VALUE: to whitespace, a quote, an unescaped ',' (qemu doubles
 * a literal comma), or the separator that came before the name, so that
 * `rbd:pool/img:key=K:mon_host=…` and `?token=T&x=1` stop where the list does. */
static size_t redact_eq_value(const char *v, char sep, struct buf *out)
{
	size_t n = 0;

	if (*v == '"' || *v == '\'')
		return redact_quoted_value(v, false, out);
	if (sep == '?')
		sep = '&';
	while (v[n]) {
		char c = v[n];
		if (c == '\\' && v[n + 1]) {
			n += 2;
			continue;
		}
		if (c == ',' && v[n + 1] == ',') {
			n += 2;
			continue;
		}
		if (redact_is_space(c) || c == '"' || c == '\'' || c == ',')
			break;
		if ((sep == ':' || sep == '&' || sep == ';') && c == sep)
			break;
		n++;
	}
	if (n)
		redact_emit_hidden(out);
	return n;
}

/* True when text[pos] lies inside a "…" string opened earlier on its line.
 * Past the window it says no: the caller then hides the whole rest of the line. */
static bool redact_in_dquote(const char *text, size_t pos)
{
	size_t start = pos;
	bool in = false;

	while (start > 0 && text[start - 1] != '\n')
		if (pos - --start > REDACT_WINDOW)
			return false;
	for (size_t i = start; i < pos; i++) {
		if (text[i] == '\\' && i + 1 < pos)
			i++;
		else if (text[i] == '"')
			in = !in;
	}
	return in;
}

/* The value after "name:" + blanks (HTTP headers, YAML): the rest of the line,
 * since "Authorization: Bearer T" and YAML passwords may hold spaces; inside a
 * "…" string (a JSON message) only the rest of that string. */
static size_t redact_line_value(const char *v, bool in_string, struct buf *out)
{
	size_t n = 0;

	if (*v == '"' || *v == '\'')
		return redact_quoted_value(v, false, out);
	while (v[n] && v[n] != '\n' && v[n] != '\r') {
		if (in_string && v[n] == '"')
			break;
		n += (v[n] == '\\' && v[n + 1]) ? 2 : 1;
	}
	if (n)
		redact_emit_hidden(out);
	return n;
}

/* The value of "name": VALUE in JSON: a string, or a bare number/word; null,
 * true and false say nothing and stay. */
static size_t redact_json_value(const char *v, bool esc, struct buf *out)
{
	size_t n = 0;

	if (esc && v[0] == '\\' && v[1] == '"')
		return redact_quoted_value(v, true, out);
	if (*v == '"' || *v == '\'')
		return redact_quoted_value(v, false, out);
	while (v[n] && !redact_is_space(v[n]) && !strchr(",}]\\", v[n]))
		n++;
	if ((n == 4 && strncmp(v, "null", 4) == 0) || (n == 4 && strncmp(v, "true", 4) == 0) ||
	    (n == 5 && strncmp(v, "false", 5) == 0)) {
		redact_emit(out, v, n);
		return n;
	}
	if (n)
		redact_emit_hidden(out);
	return n;
}

/* The next word after "--os-password ": to whitespace, or a quoted string. */
static size_t redact_word_value(const char *v, struct buf *out)
{
	size_t n = 0;

	if (*v == '"' || *v == '\'')
		return redact_quoted_value(v, false, out);
	while (v[n] && !redact_is_space(v[n]))
		n++;
	if (n)
		redact_emit_hidden(out);
	return n;
}

/* A cephx key anywhere: "AQ" + base64 + '=' padding, on a base64 boundary. */
static size_t redact_cephx_at(const char *text, size_t i, struct buf *out)
{
	size_t j = i;

	if (text[i] != 'A' || text[i + 1] != 'Q' || (i > 0 && redact_is_b64(text[i - 1])))
		return 0;
	while (redact_is_b64(text[j]))
		j++;
	if (j - i < REDACT_CEPHX_MIN || text[j] != '=')
		return 0;
	j += text[j + 1] == '=' ? 2 : 1;
	if (redact_is_b64(text[j]) || text[j] == '=')
		return 0;
	redact_emit_hidden(out);
	return j - i;
}

/* A password in a URL: scheme://user:PASSWORD@host. */
static size_t redact_userinfo_at(const char *text, size_t i, struct buf *out)
{
	const char *s = text + i + 3, *colon = NULL;
	size_t n = 0;

	if (strncmp(text + i, "://", 3) != 0)
		return 0;
	for (; s[n] && s[n] != '@' && s[n] != '/' && !redact_is_space(s[n]); n++)
		if (s[n] == ':' && !colon)
			colon = s + n;
	if (s[n] != '@' || !colon || colon + 1 == s + n)
		return 0;
	redact_emit(out, text + i, (size_t)(colon + 1 - (text + i)));
	redact_emit_hidden(out);
	return (size_t)(s + n - (text + i));
}

/* "name": value or 'name': value, also \"name\": \"value\" inside a quoted
 * argument. Emits and returns the consumed length, or 0 when nothing matched. */
static size_t redact_json_at(const char *text, size_t i, struct buf *out)
{
	char q = text[i];
	size_t j = i + 1, k;
	bool esc = i > 0 && text[i - 1] == '\\';

	if ((q != '"' && q != '\'') || (i > 0 && redact_is_name_char(text[i - 1])))
		return 0;
	while (redact_is_name_char(text[j]) && j - i <= REDACT_NAME_MAX)
		j++;
	if (j == i + 1 || (esc && text[j] != '\\') || text[j + esc] != q)
		return 0;
	if (!redact_name_is_secret(text + i + 1, j - i - 1) &&
	    !(j - i - 1 == 4 && strncmp(text + i + 1, "data", 4) == 0 &&
	      redact_object_is_secret(text, i)))
		return 0;
	k = j + esc + 1;
	while (text[k] == ' ' || text[k] == '\t')
		k++;
	if (text[k++] != ':')
		return 0;
	while (text[k] == ' ' || text[k] == '\t')
		k++;
	redact_emit(out, text + i, k - i);
	return k - i + redact_json_value(text + k, esc, out);
}

/* An unquoted name at a word boundary: name=VALUE, name: VALUE, --name VALUE. */
static size_t redact_name_at(const char *text, size_t i, struct buf *out)
{
	size_t j = i, k;
	char sep = '\0';
	if (i > 0)
		sep = text[i - 1];
	bool secret;

	if (!redact_is_name_char(text[i]) || (i > 0 && redact_is_name_char(text[i - 1])))
		return 0;
	while (redact_is_name_char(text[j]) && j - i <= REDACT_NAME_MAX)
		j++;
	secret = redact_name_is_secret(text + i, j - i);
	if (!secret && j - i == 4 && strncmp(text + i, "data", 4) == 0 && text[j] == '=')
		secret = redact_token_is_secret_object(text, i);
	if (!secret)
		return 0;
	if (text[j] == '=') {
		redact_emit(out, text + i, j - i + 1);
		return j - i + 1 + redact_eq_value(text + j + 1, sep, out);
	}
	for (k = j; text[k] == ' ' || text[k] == '\t'; k++)
		;
	if (k > j && text[k] == '=') { /* INI and keyrings: "key = VALUE" */
		for (k++; text[k] == ' ' || text[k] == '\t'; k++)
			;
		redact_emit(out, text + i, k - i);
		return k - i + redact_line_value(text + k, redact_in_dquote(text, i), out);
	}
	if (text[i] == '-' && k > j) { /* "--os-password VALUE" */
		redact_emit(out, text + i, k - i);
		return k - i + redact_word_value(text + k, out);
	}
	if (text[j] != ':')
		return 0;
	for (k = j + 1; text[k] == ' ' || text[k] == '\t'; k++)
		;
	if (k > j + 1) { /* "X-Auth-Token: VALUE", YAML */
		redact_emit(out, text + i, k - i);
		return k - i + redact_line_value(text + k, redact_in_dquote(text, i), out);
	}
	if (text[k] &&
	    redact_name_has_word(text + i, j - i, redact_colon_words,
	                         sizeof(redact_colon_words) / sizeof(redact_colon_words[0]))) {
		redact_emit(out, text + i, k - i);
		return k - i + redact_word_value(text + k, out);
	}
	return 0;
}

char *redact_text(const char *text)
{
	struct buf out = {0};
	size_t i = 0;

	if (!text)
		return NULL;
	buf_append(&out, "", 0);
	while (text[i]) {
		size_t n = redact_cephx_at(text, i, &out);
		if (!n)
			n = redact_userinfo_at(text, i, &out);
		if (!n)
			n = redact_json_at(text, i, &out);
		if (!n)
			n = redact_name_at(text, i, &out);
		if (!n)
			redact_emit(&out, text + i, n = 1);
		i += n;
	}
	return out.p;
}

/* For one argv element: whether it is an option whose *next* element is the
 * secret ("--os-password", "-H" "X-Auth-Token:"), and whether the whole element
 * is "--name=VALUE" whose value may hold anything, spaces included. */
static bool redact_arg_is_flag(const char *a, size_t *eq)
{
	size_t n = 0;

	*eq = 0;
	while (redact_is_name_char(a[n]))
		n++;
	if (n == 0 || !redact_name_is_secret(a, n))
		return false;
	if (a[n] == '=') {
		*eq = n + 1;
		return false;
	}
	return (a[0] == '-' && a[n] == '\0') || (a[n] == ':' && a[n + 1] == '\0');
}

char *redact_argv(const char *const *argv, size_t argc)
{
	struct buf out = {0};
	bool hide_next = false;

	buf_append(&out, "", 0);
	for (size_t i = 0; argv && i < argc; i++) {
		const char *a = argv[i] ? argv[i] : "";
		size_t eq;
		if (i > 0)
			buf_append(&out, " ", 1);
		if (hide_next && *a) {
			redact_emit_hidden(&out);
			hide_next = false;
			continue;
		}
		hide_next = redact_arg_is_flag(a, &eq);
		if (eq && a[eq]) {
			redact_emit(&out, a, eq);
			redact_emit_hidden(&out);
			continue;
		}
		char *r = redact_text(a);
		buf_append(&out, r, strlen(r));
		free(r);
	}
	return out.p;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF) with its code point in *cp, or 0 when s[0] starts none.
 * Bytes are checked in order, so the terminating NUL stops a truncated sequence. */
size_t utf8_sequence(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	*cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
}

/* Characters that reorder or break the displayed line without being controls:
 * bidi overrides/isolates ("Trojan Source"), marks, and line/paragraph separators. */
bool unicode_is_invisible(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

static void sanitize_put_byte(struct buf *out, unsigned char c)
{
	char esc[8];

	switch (c) {
	case 0x1b:
		buf_append(out, "\\e", 2);
		return;
	case '\t':
		buf_append(out, "\\t", 2);
		return;
	case '\n':
		buf_append(out, "\\n", 2);
		return;
	case '\r':
		buf_append(out, "\\r", 2);
		return;
	default:
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		buf_append(out, esc, 4);
	}
}

char *sanitize_terminal(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	struct buf out = {0};

	if (!text)
		return NULL;
	buf_append(&out, "", 0);
	while (*s) {
		uint32_t cp = 0;
		size_t n = utf8_sequence(s, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f) {
			sanitize_put_byte(&out, *s++);
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f) { /* C1 controls, e.g. U+009B is a CSI */
			for (size_t i = 0; i < n; i++)
				sanitize_put_byte(&out, s[i]);
		} else if (unicode_is_invisible(cp)) {
			buf_printf(&out, "\\u%04x", (unsigned)cp);
		} else {
			buf_append(&out, s, n);
		}
		s += n;
	}
	return out.p;
}
