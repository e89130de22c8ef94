/* keymap.h — every action of the browser is a request, declared once in
 * REQ_INFO; that one list makes the enum, the help screen and the names the
 * config file's [keys] section uses. Keys map to requests; panes see requests,
 * never raw keys. The defaults are text parsed by the same code as the config. */
#ifndef RBDWHO_KEYMAP_H
#define RBDWHO_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "rbdwho/config.h"
#include "rbdwho/error.h"

/* _(ENUM, "config name", "default keys", "help text") */
#define REQ_INFO(_) \
	_(UP,        "up",        "k Up",              "move up") \
	_(DOWN,      "down",      "j Down",            "move down") \
	_(PAGE_UP,   "page-up",   "PgUp C-b",          "one page up") \
	_(PAGE_DOWN, "page-down", "PgDn C-f Space",    "one page down") \
	_(TOP,       "top",       "g Home",            "first row") \
	_(BOTTOM,    "bottom",    "G End",             "last row") \
	_(ENTER,     "enter",     "Enter Right l",     "drill down into the selection") \
	_(BACK,      "back",      "Esc Left h Backspace", "back to the pane on the left") \
	_(NEXT_PANE, "next-pane", "Tab",               "focus the next pane") \
	_(PREV_PANE, "prev-pane", "BackTab",           "focus the previous pane") \
	_(FILTER,    "filter",    "/",                 "filter the focused pane as you type") \
	_(FIND_NEXT, "find-next", "n",                 "next match of the filter") \
	_(FIND_PREV, "find-prev", "N",                 "previous match of the filter") \
	_(GOTO,      "goto",      ":",                 "go to a volume: UUID, volume-UUID or pool/image") \
	_(REFRESH,   "refresh",   "r C-r",             "reload the focused pane") \
	_(SCAN,      "scan",      "o",                 "orphan scan of the current pool (O: all pools)") \
	_(SCAN_ALL,  "scan-all",  "O",                 "orphan scan of every pool") \
	_(DESTROY,   "destroy",   "D",                 "destroy the selected holder (ORPHAN only)") \
	_(HELP,      "help",      "? F1",              "this help") \
	_(REDRAW,    "redraw",    "C-l",               "redraw the screen") \
	_(QUIT,      "quit",      "q C-c F10",         "quit") \
	_(DRY_RUN,   "dry-run",   "d C-d",             "in an action dialog: the commands by hand (nothing is done)") \
	_(BLOCKLIST, "blocklist", "B",                 "blocklist the selected watcher's client (dead, unreachable or ORPHAN)") \
	_(DELETE_VOLUME, "delete-volume", "X",         "delete the image's Cinder volume (available, no attachment, no watcher)") \
	_(FENCES,    "fences",    "F",                 "the blocklist entries rbdwho made (u removes one)") \
	_(UNFENCE,   "unfence",   "u",                 "in the fences view: remove the selected blocklist entry") \
	_(UNLOCK,    "unlock",    "U",                 "break the image's stale lock (its owner no longer watches it)")

enum request {
	REQ_NONE = 0,
#define REQ_ENUM(e, name, keys, help) REQ_##e,
	REQ_INFO(REQ_ENUM)
#undef REQ_ENUM
	REQ_COUNT
};

const char *request_name(enum request r);  /* "quit"; NULL for REQ_NONE */
const char *request_help(enum request r);
enum request request_by_name(const char *name);  /* REQ_NONE when unknown */

/* Key codes are ncurses' (characters, KEY_*), with control keys as 1..31 and
 * Esc as 27. */
#define KEYMAP_MAX_KEYS 8
struct keymap {
	int keys[REQ_COUNT][KEYMAP_MAX_KEYS];
	size_t nkeys[REQ_COUNT];
};

/* Parses one key name ("q", "C-c", "F10", "Enter", "Up", "PgDn", "Tab", "Esc",
 * "Space", "<Down>"); -1 when unknown. */
int keymap_parse_key(const char *name);
/* The name of a key code, for the help screen; static or thread-local storage. */
const char *keymap_key_name(int key);

/* The built-in keymap. */
void keymap_init(struct keymap *km);
/* Binds request to the keys written in `keys` (space or comma separated),
 * replacing that request's keys; a key moves away from any other request.
 * -EINVAL on an unknown request or key name. */
int keymap_bind(struct keymap *km, const char *request, const char *keys, struct rw_error *err);
/* Applies the config's [keys] section. */
int keymap_apply_config(struct keymap *km, const struct config *cfg, struct rw_error *err);

enum request keymap_lookup(const struct keymap *km, int key);
/* The request's keys as text ("j, Down"), into buf. */
void keymap_describe(const struct keymap *km, enum request r, char *buf, size_t size);

#endif
