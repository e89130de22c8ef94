/* theme.h — the browser's colours as semantic elements (EL_ORPHAN, EL_CURSOR, …)
 * declared once in EL_INFO, and theme files (themes/NAME.theme) that map each element to
 * a foreground, a background and attributes, one `element = fg bg attrs` a line.
 * No ncurses here: the UI turns a theme into colour pairs. */
#ifndef RBDWHO_THEME_H
#define RBDWHO_THEME_H

#include <stdbool.h>
#include "rbdwho/error.h"

/* _(ENUM, "name in theme files", "what it colours") */
#define EL_INFO(_) \
	_(NORMAL,     "normal",      "ordinary text") \
	_(HEADER,     "header",      "the top line") \
	_(HINTS,      "hints",       "the key-hint line at the bottom") \
	_(BORDER,     "border",      "pane borders") \
	_(BORDER_FOCUS, "border-focus", "the focused pane's border") \
	_(TITLE,      "title",       "pane titles") \
	_(CURSOR,     "cursor",      "the selected row of the focused pane") \
	_(CURSOR_DIM, "cursor-dim",  "the selected row of other panes") \
	_(DIM,        "dim",         "secondary text: counts, sizes, hints") \
	_(LOADING,    "loading",     "loading spinners") \
	_(ERROR,      "error",       "errors") \
	_(ORPHAN,     "orphan",      "the ORPHAN verdict") \
	_(ATTACHED,   "attached",    "the ATTACHED verdict") \
	_(UNKNOWN,    "unknown",     "the UNKNOWN verdict") \
	_(DEAD,       "dead",        "the DEAD verdict: a watch no running process holds") \
	_(WATCHED,    "watched",     "images that have watchers") \
	_(LABEL,      "label",       "field names in the details pane") \
	_(DIALOG,     "dialog",      "dialog boxes") \
	_(INPUT,      "input",       "text being typed") \
	_(PROGRESS,   "progress",    "the filled part of progress bars") \
	_(MATCH,      "match",       "the filter prompt") \
	_(CONFLICT,   "conflict",    "the CONFLICT verdict: OpenStack contradicts what runs") \
	_(TRASHED,    "trashed",     "images in the rbd trash (moved there, perhaps still held)")

enum element {
#define EL_ENUM(e, name, help) EL_##e,
	EL_INFO(EL_ENUM)
#undef EL_ENUM
	EL_COUNT
};

const char *element_name(enum element e);
int element_by_name(const char *name);  /* -1 when unknown */

enum {
	THEME_BOLD = 1 << 0,
	THEME_UNDERLINE = 1 << 1,
	THEME_REVERSE = 1 << 2,
	THEME_DIM = 1 << 3,
	THEME_BLINK = 1 << 4,
	THEME_STANDOUT = 1 << 5,
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	int fg, bg;    /* 0..255, or THEME_DEFAULT_COLOR */
	unsigned attrs;
};

struct theme {
	char name[64];
	struct theme_style el[EL_COUNT];
};

/* The built-in default (the text of themes/default.theme, compiled in). */
void theme_init(struct theme *t);
/* Monochrome: attributes only, for NO_COLOR and terminals without colour. */
void theme_init_mono(struct theme *t);

/* Parses theme text onto t (later lines win; unnamed elements keep their
 * value). Colours: default, black, red, green, yellow, blue, magenta, cyan,
 * white, bright-<name>, colorN/N (0-255). Attributes: bold underline reverse
 * dim blink standout normal, joined by commas or spaces.
 * -EINVAL with "origin:LINE: reason". */
int theme_parse(struct theme *t, const char *text, const char *origin, struct rw_error *err);

/* Loads a theme by name (searched in $RBDWHO_THEME_DIR, ~/.config/rbdwho/themes,
 * ./themes, the installed data dir) or by path (when it contains '/'),
 * on top of the built-in default. "default" and "mono" need no file. */
int theme_load(struct theme *t, const char *name, struct rw_error *err);

/* The built-in texts, for tests that compare them with the files in themes/. */
extern const char theme_default_text[];
extern const char theme_mono_text[];

#endif
