/* fuzz_redact.c — libFuzzer target for redact_text, redact_argv and
 * sanitize_terminal, with properties, not just "no crash": a cephx key and a
 * password planted anywhere in hostile text never survive redaction, and
 * sanitize_terminal's output holds no byte a terminal would act on. */
#include <stdbool.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "rbdwho/redact.h"

#define PLANT_KEY "AQCpZ2Zn4xXBIRAAdZ3Kp2g8vXW8nSGQf0Rk1w=="
#define PLANT_PASS "Pl4ntedPassw0rdXyzzy"
/* Blanks around the plant: "xpassword=" is (rightly) not a secret name, so the
 * plant must stand as its own word whatever bytes the fuzzer puts beside it. */
#define PLANT " " PLANT_KEY " password=" PLANT_PASS " "

static bool has(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* Decodes one UTF-8 sequence at s (the output must be valid UTF-8: invalid
 * bytes were to become \xNN); returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (!len || len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
}

static bool terminal_inert(unsigned cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return false;  /* C0 (ESC, BEL, LF…), DEL, C1 (CSI 0x9b, OSC 0x9d…) */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x2028 || cp == 0x2029)
		return false;  /* bidi overrides, line separators */
	return true;
}

static void check_sanitize(const char *text)
{
	char *out = sanitize_terminal(text);
	const unsigned char *s = (const unsigned char *)out;
	size_t n = strlen(out);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (!len || !terminal_inert(cp))
			abort();
		i += len;
	}
	free(out);
}

static void check_redact_text(const char *rest, bool planted_elsewhere, unsigned char at)
{
	size_t len = strlen(rest), pos = at % (len + 1);
	char *text = xasprintf("%.*s%s%s", (int)pos, rest, PLANT, rest + pos);
	char *out = redact_text(text);
	if (!planted_elsewhere && (has(out, strlen(out), PLANT_KEY) ||
				   has(out, strlen(out), PLANT_PASS)))
		abort();
	free(out);
	free(text);
}

/* rest split on NULs into argv, the plant as its own arguments at argument `at`. */
static void check_redact_argv(const uint8_t *rest, size_t n, bool planted_elsewhere,
			      unsigned char at)
{
	char *buf = fuzz_strdup(rest, n);
	const char **argv = NULL;
	size_t argc = 0, cap = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		xgrow(&argv, &cap, argc, sizeof(*argv));
		argv[argc++] = buf + i;
	}
	size_t pos = at % (argc + 1);
	xgrow(&argv, &cap, argc + 2, sizeof(*argv));
	memmove(argv + pos + 3, argv + pos, (argc - pos) * sizeof(*argv));
	argv[pos] = PLANT_KEY;
	argv[pos + 1] = "--os-password";
	argv[pos + 2] = PLANT_PASS;
	char *out = redact_argv(argv, argc + 3);
	if (!planted_elsewhere && (has(out, strlen(out), PLANT_KEY) ||
				   has(out, strlen(out), PLANT_PASS)))
		abort();
	free(out);
	free(argv);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* Plants already in the fuzzer's own bytes may be split by a NUL or glued to
	 * a neighbour, so they prove nothing: check only inputs free of them. */
	bool elsewhere = has((const char *)data, size, PLANT_PASS) ||
			 has((const char *)data, size, PLANT_KEY);
	char *rest = fuzz_strdup(data + 1, size - 1);

	free(redact_text(rest));
	check_redact_text(rest, elsewhere, data[0]);
	check_redact_argv(data + 1, size - 1, elsewhere, data[0]);
	check_sanitize(rest);
	free(rest);
	return 0;
}
