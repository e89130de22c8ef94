/* ui_internal.h — the browser's state and its tables, shared by the files of
 * src/ui/: the panes (PANE_INFO, panes.c), the screens (MODE_INFO, mode.c and
 * one file per mode), the jobs (work.h), the loop (ui.c), widgets (draw.c).
 * ncurses is called on the UI thread only; work.c never calls it. */
#ifndef RBDWHO_UI_INTERNAL_H
#define RBDWHO_UI_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rbdwho/chain.h"
#include "rbdwho/destroy.h"
#include "rbdwho/jobs.h"
#include "rbdwho/keymap.h"
#include "rbdwho/options.h"
#include "rbdwho/pane.h"
#include "rbdwho/theme.h"
#include "work.h"

/* _(PANE, title, row data free, load, reload, right column, empty message,
 *   details, where a long row is cut, width in % of the screen, the generation
 *   slot of the jobs that fill it (whose stage "loading…" names)): the browser's
 * panes left to right; panes.c turns each row into a pane_ops, and the loop,
 * the drawing and refresh go through that table. load() starts what the
 * selection on the pane's left now asks for (false: nothing to its right yet);
 * results reach the pane through its job kinds' mergers (work.h's JOB_INFO).
 * Rows are cut where they are alike: image names differ at the start
 * (volume-UUID), addresses and domain names at both ends (IP … nonce). */
#define PANE_INFO(_) \
	_(POOLS,    "Pools",    pool_row_free, pools_load,    pools_reload,     NULL,       pools_empty,    pools_details,    END,    16, POOLS) \
	_(IMAGES,   "Images",   free, images_load,   images_reload,    images_aux, images_empty,   images_details,   END,    32, IMAGES) \
	_(WATCHERS, "Watchers", NULL, watchers_load, ui_refresh_image, NULL,       watchers_empty, watchers_details, MIDDLE, 24, WATCHERS) \
	_(HOLDERS,  "Holders",  NULL, holders_load,  holders_reload,   NULL,       holders_empty,  holders_details,  MIDDLE, 28, HOLDERS)

enum ui_pane {
#define PANE_ENUM(e, title, free_data, load, reload, aux, empty, details, cut, width, slot) UP_##e,
	PANE_INFO(PANE_ENUM)
#undef PANE_ENUM
	UP_COUNT
};

/* The details pane's lines: a label, a value and the value's colour. */
struct detail_lines {
	struct strvec label, value;
	int *el;
	size_t cap;
};

/* Where draw_text_cut puts the ellipsis of a text too long for its room. */
enum draw_cut { CUT_END, CUT_MIDDLE };

struct ui;
struct pane_ops {
	const char *title;
	void (*free_data)(void *);
	bool (*load)(struct ui *ui);    /* the selection moved: load what it asks for */
	void (*reload)(struct ui *ui);  /* r: ask again for what the pane shows */
	/* the right-hand column of a row; NULL: the row's own aux text */
	void (*aux)(struct ui *ui, const struct pane_row *r, char *buf, size_t n);
	const char *(*empty)(struct ui *ui);  /* loaded, no rows: why ("" says nothing) */
	void (*details)(struct ui *ui, struct detail_lines *l);  /* while the pane has the focus */
	enum draw_cut cut;
	int width;  /* % of the screen; the last pane takes what is left */
	enum gen_slot slot;  /* its jobs' slot: what "loading…" waits for */
};
extern const struct pane_ops pane_ops[UP_COUNT];

/* The pools pane's rows know their pool's count once it came. A pool with
 * RADOS namespaces has a row per namespace under its own (the default one
 * first): the pool's row lists every image, a namespace's row its own. */
struct pool_row {
	struct chain_pool_info info;  /* the pool's row: owned (its ns counts) */
	bool counted;
	char *pool;
	char *nspace;  /* a namespace's row: its name ("" the default); NULL: the pool's row */
};
void pool_row_free(void *data);

/* _(MODE, overlay, key handler, draw): one mode per screen, each with its
 * own keys and drawing, dispatched by mode.c. An overlay (the prompt line,
 * a dialog) is drawn over the screen it was opened from. */
#define MODE_INFO(_) \
	_(BROWSE, false, browse_key, browse_draw) \
	_(SCAN,   false, scan_key,   scan_draw) \
	_(HELP,   false, help_key,   help_draw) \
	_(PROMPT, true,  prompt_key, prompt_draw) \
	_(DIALOG, true,  dialog_key, dialog_draw) \
	_(FENCES, false, fences_key, fences_draw) \
	_(CHOOSE, true,  choose_key, choose_draw)

enum ui_mode {
#define MODE_ENUM(e, overlay, key, draw) MODE_##e,
	MODE_INFO(MODE_ENUM)
#undef MODE_ENUM
};
enum prompt_kind { PROMPT_FILTER, PROMPT_GOTO, PROMPT_CONFIRM };
enum dialog_stage { DLG_PREPARING, DLG_READY, DLG_REFUSED, DLG_EXECUTING, DLG_DONE };

/* The images pane keeps what it has learnt about each row. */
struct image_row {
	uint64_t size;
	int nwatchers;     /* -1: unknown/failed */
	bool probed, pending;
	bool trashed;      /* a row of the rbd trash: loaded through its trash id */
	const char *name;  /* the chain's name (IMAGE, NS/IMAGE), in this allocation */
	char id[];         /* from the listing: the bulk probe's header object */
};
/* An images-pane row's key (malloc'd): the name for a directory image; for a
 * trash entry one made from its id, since its name from before may have been
 * taken by a directory image listed beside it. Keys are only compared, never
 * read back: the row keeps name and id. */
char *ui_image_row_key(const char *name, const char *trash_id);
/* The key of iv's row (ui_image_row_key of its name and trash id); malloc'd. */
char *ui_image_view_key(const struct image_view *iv);
/* true when iv is the image of the images-pane row keyed key. */
bool ui_image_view_is(const struct image_view *iv, const char *key);

struct rect {
	int y, x, h, w;
};

/* What a script's :wait-idle, :wait-stage, :wait-loaded waits for. */
enum script_wait { SCRIPT_WAIT_IDLE, SCRIPT_WAIT_STAGE, SCRIPT_WAIT_LOADED };

/* The selected image's clone tree, asked on a worker (JOB_CLONES) once the
 * image is selected; the details pane shows it in each state. */
enum clones_state { CLONES_NONE, CLONES_LOADING, CLONES_KNOWN, CLONES_FAILED };
struct clones_view {
	enum clones_state state;
	char *image;  /* the images row (its key: ui_image_row_key) it is for */
	struct ceph_clone_info info;
	char *error;  /* CLONES_FAILED: why */
};

struct scan_state {
	bool running;
	bool picked;  /* the user moved the cursor: keep it on their row */
	struct pane results;
	struct image_view **ivs;
	size_t nivs, cap;
	struct scan_progress prog;
	int64_t started_ms, last_ms;
	char *scope;  /* shown: "pool volumes" or "all pools" */
	bool all;     /* every pool (what r scans again) */
	/* The scan job in flight (the pool owns it; we only cancel it), NULL once
	 * its final result was taken. Its stop flag is its own: a new scan
	 * cancels the old one without a shared flag to race on. */
	struct job *job;
	char *error;
};

/* The action dialog (dialog.c): one action of ACTION_INFO (action.h) at a time. */
struct dialog_state {
	enum action_kind act;
	enum dialog_stage stage;
	struct action_target t;  /* what it was opened on */
	union action_plan plan;  /* away on the worker while executing */
	bool have_plan;
	char *message;     /* why refused, or the outcome */
	bool ok;
	struct strvec manual;  /* the commands by hand, a line each, once there is a plan */
	bool show_manual;  /* the dry-run key shows them */
};

/* The fences view (fences.c): the blocklist entries rbdwho made. */
struct fences_state {
	struct pane list;              /* rows keyed by address; data: index into f + 1 */
	struct blocklist_fences f;     /* as last listed */
	bool loaded;
	enum ui_mode back;             /* where Esc goes */
};

/* The go-to chooser (choose.c): every image what `:` was given names. */
struct choose_state {
	struct pane list;  /* rows POOL/IMAGE; data: index into pools/images + 1 */
	char *spec;        /* what was typed */
	struct strvec pools, images;  /* the matches, as chain_locate_all gave them */
	struct strvec errors;         /* pools that could not be asked */
};

struct ui {
	const struct options *o;
	struct jobs *js;
	struct chain *ch;
	bool connecting;
	char *conn_error, *fsid, *health, *os_note;
	int nova_ok, cinder_ok;  /* -1 not known yet, 0 failing, 1 answering */
	_Atomic uint64_t gen[GEN_COUNT];
	_Atomic uint64_t view_gen;    /* bumped when the images pane's window moves */
	size_t view_top, view_nvis;   /* that window, as last probed */

	struct pane panes[UP_COUNT];
	int focus;
	char *cur_pool, *cur_image, *cur_watcher;
	char *cur_scope;  /* the pools pane's row the images are of: POOL or POOL/NS key */
	char *cur_ns;     /* the images pane's namespace ("": the default); NULL: all */
	bool pools_loaded;
	struct image_view *iv;  /* the watchers pane's image, owned */
	struct clones_view clones;  /* cur_image's parent and clones */
	bool resolving;         /* a RESOLVE job for cur_watcher is out */
	char *after_destroy_addr;
	char *goto_image;       /* open this image's watchers once it shows up */
	char *goto_trash_id;    /* ... the trash entry of that name with this id */

	enum ui_mode mode, prev_mode;
	enum prompt_kind prompt_kind;
	char prompt[256];
	size_t prompt_len;
	char *last_search;
	struct dialog_state dlg;
	struct scan_state scan;
	struct fences_state fences;
	struct choose_state choose;
	size_t help_top;

	struct keymap km;
	struct theme theme;
	bool color, ascii;
	struct rect rects[UP_COUNT];
	int spinner;
	char *status;
	bool status_error;
	int64_t status_ms, last_refresh_ms;
	bool quit, too_small;

	FILE *script;
	bool headless, script_waiting;
	enum script_wait script_wait;  /* what :wait-… waits for */
	int64_t script_wait_since;
	int script_line;
};


struct mode_ops;
struct ui;
/* Each mode's key handler and draw function (MODE_INFO). */
#define MODE_DECL(e, overlay, key, draw) void key(struct ui *ui, int k); void draw(struct ui *ui);
MODE_INFO(MODE_DECL)
#undef MODE_DECL

/* mode.c: dispatch, and the chrome every mode shares */
void ui_handle_key(struct ui *ui, int key);
void ui_set_mode(struct ui *ui, enum ui_mode m);
enum ui_mode ui_base_mode(const struct ui *ui);
void draw_screen(struct ui *ui);

/* ui.c: the loop, the selection and what it loads */
void ui_status(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ui_handle_request(struct ui *ui, enum request r);
void ui_goto(struct ui *ui, const char *pool, const char *image);
/* ui_goto of pool's trash entry trash_id (image: its name from before), not
 * the directory's image of that name; trash_id NULL: ui_goto. */
void ui_goto_trashed(struct ui *ui, const char *pool, const char *image, const char *trash_id);
void ui_refresh_image(struct ui *ui);
bool ui_idle(struct ui *ui);
struct pane *ui_focused_pane(struct ui *ui);
struct holder *ui_selected_holder(struct ui *ui);
struct watcher_view *ui_selected_watcher(struct ui *ui);

/* draw.c: widgets only */
void draw_init_colors(struct ui *ui);
int draw_attr(struct ui *ui, int el);
const char *glyph(struct ui *ui, int which);
enum { G_TL, G_H, G_TR, G_V, G_BL, G_BR, G_CURSOR, G_DOT, G_SPIN, G_OK, G_BAD, G_ELL, G_FULL, G_EMPTY,
       G_TRASH };
void draw_text(struct ui *ui, int y, int x, int width, const char *text, int attr);
void draw_text_cut(struct ui *ui, int y, int x, int width, const char *text, int attr,
		   enum draw_cut cut);
int draw_wrapped(struct ui *ui, int y, int x, int width, int maxlines, const char *text, int attr);
int wrapped_lines(struct ui *ui, int width, int maxlines, const char *text);
int text_cols(struct ui *ui, const char *text);
size_t text_fit(struct ui *ui, const char *text, int width);
void draw_box(struct ui *ui, struct rect r, const char *title, bool focus);
const char *draw_spinner(struct ui *ui);
const char *fmt_size(uint64_t bytes, char *buf, size_t n);

/* panes.c and ui.c: each pane's operations (PANE_INFO) */
#define PANE_DECL(e, title, free_data, load, reload, aux, empty, details, cut, width, slot) \
	bool load(struct ui *ui); void reload(struct ui *ui); const char *empty(struct ui *ui); \
	void details(struct ui *ui, struct detail_lines *l);
PANE_INFO(PANE_DECL)
#undef PANE_DECL
void images_aux(struct ui *ui, const struct pane_row *r, char *buf, size_t n);
/* An images row's colour: trashed first (held or not), then watched. */
int ui_image_row_el(const struct image_row *ir);
/* The colour of a verdict, wherever it is drawn. */
int ui_verdict_el(enum verdict v);
/* What the browser calls Nova's answer: "found", "404: gone", … */
const char *ui_nova_label(enum nova_state s);

/* prompt.c */
void prompt_open(struct ui *ui, enum prompt_kind kind);
bool prompt_edit_line(struct ui *ui, int key);

/* dialog.c: the action dialog (ACTION_INFO) */
/* Opens act's dialog on the selection; false (the status line says why) when not. */
bool dialog_open(struct ui *ui, enum action_kind act);
void dialog_clear(struct ui *ui);
/* A line of a dialog's facts or the details pane: label, value (sanitized),
 * and the value's colour element (EL_NORMAL: the surrounding text's). */
void detail_add(struct detail_lines *l, int el, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void detail_lines_free(struct detail_lines *l);

/* fences.c: the fences view */
void fences_open(struct ui *ui);
void fences_reload(struct ui *ui);
void fences_clear(struct ui *ui);
const struct blocklist_fence *fences_selected(struct ui *ui);

/* choose.c: the go-to chooser; takes the vectors' contents (left empty). */
void choose_open(struct ui *ui, const char *spec, struct strvec *pools, struct strvec *images,
		 struct strvec *errors);
void choose_clear(struct ui *ui);

/* scan.c: the orphan scan */
void scan_start(struct ui *ui, bool all);
void scan_request(struct ui *ui, enum request r);
void scan_clear(struct ui *ui);

/* script.c */
int script_open(struct ui *ui, const char *path);
void script_step(struct ui *ui);
int script_dump(struct ui *ui, const char *path);

#endif
