/* theme.c — theme files: parsing `element = fg bg attrs` lines onto a struct
 * theme, finding a theme by name, and the built-in default and mono themes
 * (the same text as themes/default.theme and themes/mono.theme, parsed by the
 * same code, so the built-ins cannot drift from the format). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rbdwho/theme.h"
#include "rbdwho/util.h"

#ifndef RBDWHO_DATADIR
#define RBDWHO_DATADIR "/usr/local/share/rbdwho"
#endif

const char theme_default_text[] =
	"# rbdwho default theme: light text on the terminal's own (dark) background.\n"
	"# One setting a line:  element = foreground background [attributes]\n"
	"# Colours: default black red green yellow blue magenta cyan white,\n"
	"#          bright-<colour>, or a number 0-255. Attributes: bold underline\n"
	"#          reverse dim blink standout normal (comma or space separated).\n"
	"normal       = default default\n"
	"header       = black cyan bold\n"
	"hints        = black cyan\n"
	"border       = blue default\n"
	"border-focus = bright-cyan default bold\n"
	"title        = cyan default bold\n"
	"cursor       = black cyan bold\n"
	"cursor-dim   = default blue\n"
	"dim          = bright-black default\n"
	"loading      = yellow default\n"
	"error        = bright-red default bold\n"
	"orphan       = bright-white red bold\n"
	"attached     = green default bold\n"
	"unknown      = yellow default bold\n"
	"dead         = magenta default bold\n"
	"watched      = bright-white default bold\n"
	"label        = cyan default\n"
	"dialog       = white blue\n"
	"input        = bright-white black bold\n"
	"progress     = black green\n"
	"match        = black yellow bold\n"
	"conflict     = black bright-yellow bold\n"
	"trashed      = bright-magenta default bold\n";

const char theme_mono_text[] =
	"# rbdwho monochrome theme: attributes only; what NO_COLOR and --no-color use.\n"
	"normal       = default default\n"
	"header       = default default reverse,bold\n"
	"hints        = default default reverse\n"
	"border       = default default\n"
	"border-focus = default default bold\n"
	"title        = default default bold\n"
	"cursor       = default default reverse\n"
	"cursor-dim   = default default underline\n"
	"dim          = default default dim\n"
	"loading      = default default\n"
	"error        = default default bold\n"
	"orphan       = default default reverse,bold\n"
	"attached     = default default\n"
	"unknown      = default default underline\n"
	"dead         = default default dim\n"
	"watched      = default default bold\n"
	"label        = default default bold\n"
	"dialog       = default default\n"
	"input        = default default underline\n"
	"progress     = default default reverse\n"
	"match        = default default reverse\n"
	"conflict     = default default reverse,underline\n"
	"trashed      = default default underline\n";

static const char *const element_names[EL_COUNT] = {
#define EL_NAME(e, name, help) [EL_##e] = (name),
	EL_INFO(EL_NAME)
#undef EL_NAME
};

const char *element_name(enum element e)
{
	return e < EL_COUNT ? element_names[e] : NULL;
}

int element_by_name(const char *name)
{
	for (int e = 0; e < EL_COUNT; e++)
		if (strcasecmp(element_names[e], name) == 0)
			return e;
	return -1;
}

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* A colour word: -1 (default), 0..255, or -2 when not a colour. */
static int parse_color(const char *w)
{
	if (strcasecmp(w, "default") == 0)
		return THEME_DEFAULT_COLOR;
	int bright = 0;
	if (strncasecmp(w, "bright-", 7) == 0) {
		bright = 8;
		w += 7;
	}
	for (int i = 0; i < 8; i++)
		if (strcasecmp(w, color_names[i]) == 0)
			return i + bright;
	if (bright)
		return -2;
	if (strncasecmp(w, "color", 5) == 0)
		w += 5;
	char *end = NULL;
	long n = strtol(w, &end, 10);
	if (end == w || *end || n < 0 || n > 255)
		return -2;
	return (int)n;
}

static int parse_attrs(char *words, unsigned *attrs)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{"bold", THEME_BOLD}, {"underline", THEME_UNDERLINE}, {"reverse", THEME_REVERSE},
		{"dim", THEME_DIM}, {"blink", THEME_BLINK}, {"standout", THEME_STANDOUT},
		{"normal", 0},
	};
	*attrs = 0;
	char *save = NULL;
	for (char *w = strtok_r(words, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		size_t i = 0;
		while (i < sizeof names / sizeof names[0] && strcasecmp(names[i].name, w) != 0)
			i++;
		if (i == sizeof names / sizeof names[0])
			return -1;
		*attrs |= names[i].bit;
	}
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One `element = fg bg attrs` line (already stripped of comments). */
static int parse_line(struct theme *t, char *line, const char *origin, int lineno,
		      struct rw_error *err)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return rw_error_set(err, -EINVAL, "%s:%d: expected 'element = fg bg [attrs]'",
				    origin, lineno);
	*eq = '\0';
	char *name = trim(line), *rest = eq + 1, *save = NULL;
	int el = element_by_name(name);
	if (el < 0)
		return rw_error_set(err, -EINVAL, "%s:%d: unknown element '%s'", origin, lineno, name);
	char *fgw = strtok_r(rest, " \t", &save);
	char *bgw = strtok_r(NULL, " \t", &save);
	char *attrw = strtok_r(NULL, "", &save);
	if (!bgw)
		return rw_error_set(err, -EINVAL, "%s:%d: '%s' needs a foreground and a background colour",
				    origin, lineno, name);
	int fg = parse_color(fgw), bg = parse_color(bgw);
	if (fg == -2 || bg == -2)
		return rw_error_set(err, -EINVAL, "%s:%d: unknown colour '%s'", origin, lineno,
				    fg == -2 ? fgw : bgw);
	unsigned attrs = 0;
	if (attrw && parse_attrs(attrw, &attrs) < 0)
		return rw_error_set(err, -EINVAL, "%s:%d: unknown attribute in '%s'", origin, lineno,
				    name);
	t->el[el] = (struct theme_style){fg, bg, attrs};
	return 0;
}

int theme_parse(struct theme *t, const char *text, const char *origin, struct rw_error *err)
{
	char *copy = xstrdup(text), *save = NULL;
	int lineno = 0, rc = 0;
	/* strtok_r would skip empty lines and lose the numbering: split by hand. */
	for (char *line = copy; line && rc == 0; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (*l)
			rc = parse_line(t, l, origin, lineno, err);
	}
	free(copy);
	return rc;
}

static void theme_reset(struct theme *t, const char *name)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	for (int e = 0; e < EL_COUNT; e++)
		t->el[e] = (struct theme_style){THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0};
}

void theme_init(struct theme *t)
{
	theme_reset(t, "default");
	theme_parse(t, theme_default_text, "built-in default theme", NULL);
}

void theme_init_mono(struct theme *t)
{
	theme_reset(t, "mono");
	theme_parse(t, theme_mono_text, "built-in mono theme", NULL);
}

static char *read_file(const char *path)
{
	struct buf b = {0};
	if (buf_read_file(&b, path, 0) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.p ? b.p : xstrdup("");
}

/* The first existing file for a theme name, malloc'd; NULL when none. */
static char *theme_find(const char *name)
{
	const char *env = getenv("RBDWHO_THEME_DIR"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *cands[5] = {
		env ? xasprintf("%s/%s.theme", env, name) : NULL,
		xdg ? xasprintf("%s/rbdwho/themes/%s.theme", xdg, name) : NULL,
		home ? xasprintf("%s/.config/rbdwho/themes/%s.theme", home, name) : NULL,
		xasprintf("themes/%s.theme", name),
		xasprintf("%s/themes/%s.theme", RBDWHO_DATADIR, name),
	};
	char *found = NULL;
	for (size_t i = 0; i < 5; i++) {
		if (!found && cands[i] && access(cands[i], R_OK) == 0)
			found = cands[i];
		else
			free(cands[i]);
	}
	return found;
}

int theme_load(struct theme *t, const char *name, struct rw_error *err)
{
	theme_init(t);
	if (str_empty(name) || strcmp(name, "default") == 0)
		return 0;
	bool is_path = strchr(name, '/') != NULL;
	char *path = is_path ? xstrdup(name) : theme_find(name);
	if (!path && strcmp(name, "mono") == 0) {
		theme_init_mono(t);
		return 0;
	}
	if (!path)
		return rw_error_set(err, -ENOENT, "no theme '%s' (looked in $RBDWHO_THEME_DIR, "
				    "~/.config/rbdwho/themes, ./themes, %s/themes)", name, RBDWHO_DATADIR);
	char *text = read_file(path);
	if (!text) {
		rw_error_set(err, -ENOENT, "cannot read theme %s", path);
		free(path);
		return -ENOENT;
	}
	int rc = theme_parse(t, text, path, err);
	if (rc == 0) {
		const char *base = strrchr(name, '/');
		snprintf(t->name, sizeof t->name, "%s", base ? base + 1 : name);
	}
	free(text);
	free(path);
	return rc;
}
