/* keymap.c — key names ↔ ncurses key codes, the request table, and binding.
 * The default keymap is built from the same REQ_INFO text the config uses. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ncursesw/curses.h>

#include "rbdwho/keymap.h"
#include "rbdwho/util.h"

static const struct {
	const char *name, *keys, *help;
} requests[REQ_COUNT] = {
	[REQ_NONE] = {NULL, NULL, NULL},
#define REQ_ROW(e, name, keys, help) [REQ_##e] = {name, keys, help},
	REQ_INFO(REQ_ROW)
#undef REQ_ROW
};

const char *request_name(enum request r)
{
	return r > REQ_NONE && r < REQ_COUNT ? requests[r].name : NULL;
}

const char *request_help(enum request r)
{
	return r > REQ_NONE && r < REQ_COUNT ? requests[r].help : NULL;
}

enum request request_by_name(const char *name)
{
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++)
		if (strcasecmp(requests[r].name, name) == 0)
			return (enum request)r;
	return REQ_NONE;
}

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{"Enter", '\n'}, {"Return", '\r'}, {"Tab", '\t'}, {"BackTab", KEY_BTAB},
	{"Esc", 27}, {"Escape", 27}, {"Space", ' '}, {"Backspace", KEY_BACKSPACE},
	{"Up", KEY_UP}, {"Down", KEY_DOWN}, {"Left", KEY_LEFT}, {"Right", KEY_RIGHT},
	{"PgUp", KEY_PPAGE}, {"PageUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"PageDown", KEY_NPAGE},
	{"Home", KEY_HOME}, {"End", KEY_END}, {"Insert", KEY_IC}, {"Delete", KEY_DC},
};

int keymap_parse_key(const char *name)
{
	char tmp[32];
	size_t len = strlen(name);
	if (len >= 3 && name[0] == '<' && name[len - 1] == '>' && len - 2 < sizeof tmp) {
		memcpy(tmp, name + 1, len - 2);
		tmp[len - 2] = '\0';
		name = tmp;
		len -= 2;
	}
	if (len == 1 && isgraph((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
	    isalpha((unsigned char)name[2]))
		return tolower((unsigned char)name[2]) - 'a' + 1;
	if ((name[0] == 'F' || name[0] == 'f') && len >= 2 && len <= 3 &&
	    isdigit((unsigned char)name[1])) {
		long n = strtol(name + 1, NULL, 10);  /* digits only, checked above */
		if (n >= 1 && n <= 12)
			return KEY_F((int)n);
	}
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(named_keys[i].name, name) == 0)
			return named_keys[i].key;
	return -1;
}

const char *keymap_key_name(int key)
{
	static _Thread_local char buf[16];
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (named_keys[i].key == key)
			return named_keys[i].name;
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(buf, sizeof buf, "F%d", key - KEY_F(0));
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, sizeof buf, "C-%c", 'a' + key - 1);
	} else if (key > ' ' && key < 127) {
		snprintf(buf, sizeof buf, "%c", key);
	} else {
		snprintf(buf, sizeof buf, "#%d", key);
	}
	return buf;
}

static void unbind_key(struct keymap *km, int key)
{
	for (int r = 0; r < REQ_COUNT; r++) {
		size_t w = 0;
		for (size_t i = 0; i < km->nkeys[r]; i++)
			if (km->keys[r][i] != key)
				km->keys[r][w++] = km->keys[r][i];
		km->nkeys[r] = w;
	}
}

int keymap_bind(struct keymap *km, const char *request, const char *keys, struct rw_error *err)
{
	enum request r = request_by_name(request);
	if (r == REQ_NONE)
		return rw_error_set(err, -EINVAL, "unknown request '%s' in [keys]", request);
	int parsed[KEYMAP_MAX_KEYS];
	size_t n = 0;
	char *copy = xstrdup(keys), *save = NULL;
	for (char *tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		int k = keymap_parse_key(tok);
		if (k < 0) {
			rw_error_set(err, -EINVAL, "unknown key '%s' for '%s'", tok, request);
			free(copy);
			return -EINVAL;
		}
		if (n < KEYMAP_MAX_KEYS)
			parsed[n++] = k;
	}
	free(copy);
	km->nkeys[r] = 0;
	for (size_t i = 0; i < n; i++) {
		unbind_key(km, parsed[i]);
		km->keys[r][km->nkeys[r]++] = parsed[i];
	}
	return 0;
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++)
		keymap_bind(km, requests[r].name, requests[r].keys, NULL);
}

int keymap_apply_config(struct keymap *km, const struct config *cfg, struct rw_error *err)
{
	for (size_t i = 0; cfg && i < cfg->nkeys; i++) {
		int rc = keymap_bind(km, cfg->keys[i].request, cfg->keys[i].keys, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

enum request keymap_lookup(const struct keymap *km, int key)
{
	if (key == '\r')
		key = '\n';
	if (key == 127 || key == 8)
		key = KEY_BACKSPACE;
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++)
		for (size_t i = 0; i < km->nkeys[r]; i++)
			if (km->keys[r][i] == key)
				return (enum request)r;
	return REQ_NONE;
}

void keymap_describe(const struct keymap *km, enum request r, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < km->nkeys[r] && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 keymap_key_name(km->keys[r][i]));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
