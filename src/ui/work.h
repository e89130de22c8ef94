/* work.h — the browser's job kinds, declared once in JOB_INFO: each kind's
 * generation slot (whose bump makes its results stale), the worker function
 * that runs it (work.c), the UI-thread function that merges its result, and
 * its payload. The enum, the runners, the merge dispatch and the slot of
 * every job are generated from that one table. A kind posted by a running job
 * (a message: a page, a count, progress) has no runner of its own. */
#ifndef RBDWHO_UI_WORK_H
#define RBDWHO_UI_WORK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rbdwho/chain.h"
#include "rbdwho/destroy.h"
#include "rbdwho/jobs.h"
#include "rbdwho/util.h"
#include "action.h"

/* Generation counters: bumped by the UI thread when a pane's subject changes,
 * read by workers to skip work nobody wants any more. */
enum gen_slot { GEN_POOLS, GEN_IMAGES, GEN_WATCHERS, GEN_HOLDERS, GEN_SCAN, GEN_DIALOG, GEN_FENCES,
		GEN_CLONES, GEN_COUNT };

/* _(KIND, generation slot, runner (work.c), merger (UI thread), payload) */
#define JOB_INFO(_) \
	_(CONNECT,       POOLS,    run_connect,    merge_connect,         connect) \
	_(POOLS,         POOLS,    run_pools,      merge_pools,           pools) \
	_(POOL_COUNT,    POOLS,    NULL,           merge_pool_count,      pool_count) \
	_(IMAGES,        IMAGES,   run_images,     merge_images,          images) \
	_(IMAGES_PAGE,   IMAGES,   NULL,           merge_images_page,     page) \
	_(PROBE,         IMAGES,   run_probe,      merge_probe,           probe) \
	_(LOAD_IMAGE,    WATCHERS, run_load_image, merge_load_image,      image) \
	_(RESOLVE,       HOLDERS,  run_resolve,    merge_resolve,         image) \
	_(CLONES,        CLONES,   run_clones,     merge_clones,          clones) \
	_(LOCATE,        DIALOG,   run_locate,     merge_locate,          locate) \
	_(PREPARE,       DIALOG,   run_prepare,    dialog_merge_prepare,  action) \
	_(EXECUTE,       DIALOG,   run_execute,    dialog_merge_execute,  action) \
	_(SCAN,          SCAN,     run_scan,       scan_merge_end,        scan) \
	_(SCAN_FOUND,    SCAN,     NULL,           scan_merge_found,      found) \
	_(SCAN_PROGRESS, SCAN,     NULL,           scan_merge_progress,   progress) \
	_(FENCES,        FENCES,   run_fences,     fences_merge,          fences)

enum job_kind {
#define JOB_ENUM(k, slot, run, merge, payload) JOB_##k,
	JOB_INFO(JOB_ENUM)
#undef JOB_ENUM
	JOB_KIND_COUNT
};

/* ---- payloads, one per kind (kinds that carry the same thing share one) ---- */

struct pl_connect {
	struct chain *newch;  /* dropped by the free when nobody merged it */
	char *fsid, *health, *note;
};
struct pl_pools {
	struct strvec names;
};
struct pl_pool_count {
	char *pool;
	struct chain_pool_info info;
	bool failed;  /* could not be counted: "?", never "0" */
};
struct pl_images {
	char *pool;
	char *nspace;  /* one namespace's ("": the default); NULL: the whole pool */
	size_t total;
};
struct pl_page {
	struct strvec names, ids;
	bool trash;  /* rows of the rbd trash (ids are trash ids) */
};
struct pl_probe {
	char *pool;
	struct strvec names, ids;
	struct strvec keys;  /* each row's key: a trash row's is not its name */
	size_t *rows_at;  /* each name's index in the pane's rows when asked */
	size_t nrows_at, cap_rows_at;
	struct chain_probe_row *rows;
	/* the images pane's window when the job was made: rows that scrolled away
	 * are skipped, and asked for again if they come back */
	const _Atomic uint64_t *live_view;
	uint64_t view;
};
struct pl_image {
	char *pool, *image;
	char *trash_id;  /* a trash row's: the image is loaded by it, not by its name */
	char *addr;  /* RESOLVE: the watcher to resolve */
	struct image_view *iv;
};
struct pl_clones {
	char *pool, *image, *trash_id;  /* trash_id: a trash row's, else NULL */
	struct ceph_clone_info info;
};
struct pl_locate {
	char *spec;
	struct strvec pools, images;  /* every match (chain_locate_all) */
	struct strvec errors;         /* pools that could not be asked */
};
struct pl_action {
	enum action_kind act;  /* prepare may change it: a destroy's plan may be a stop-qemu */
	struct action_target t;
	union action_plan plan;
	bool have_plan;
	char *confirm;  /* EXECUTE: what was typed */
};
struct pl_scan {
	struct strvec pools;  /* empty: every pool */
};
struct pl_found {
	struct image_view *iv;
};
struct pl_progress {
	struct scan_progress prog;
};
struct pl_fences {
	struct blocklist_fences f;
};

#define JOB_PAYLOADS(_) \
	_(connect) _(pools) _(pool_count) _(images) _(page) _(probe) _(image) _(clones) _(locate) \
	_(action) _(scan) _(found) _(progress) _(fences)

/* What every job of the browser carries, and its kind's payload. */
struct work {
	struct chain *ch;
	const struct options *o;
	const _Atomic uint64_t *live_gen;  /* the slot this job's gen belongs to */
	union {
#define JOB_UNION(p) struct pl_##p p;
		JOB_PAYLOADS(JOB_UNION)
#undef JOB_UNION
	} u;
};

struct ui;

/* A job of kind for the UI's current generation of the kind's slot. */
struct job *work_job(struct ui *ui, enum job_kind kind);
struct work *work_of(struct job *j);
/* The generation slot of a kind (from JOB_INFO). */
enum gen_slot work_slot(enum job_kind kind);

/* What the running job of a slot waits for now, in the chain's words
 * (stage.h: "asking Nova about instance …"), for a pane's "loading…" line and
 * the details pane; "" when no job of the slot runs.
 * Only the slot's current generation writes it; the UI thread clears it when
 * it asks for something new. Kept for the whole process: a worker abandoned
 * on a hung backend at quit may still write. */
void work_stage_clear(enum gen_slot slot);
/* The text ("" when none), sanitised for the terminal by the caller. */
void work_stage_text(enum gen_slot slot, char *buf, size_t n);

/* The mergers, each on the UI thread (ui.c, dialog.c, scan.c). */
#define JOB_MERGE_DECL(k, slot, run, merge, payload) void merge(struct ui *ui, struct job *j);
JOB_INFO(JOB_MERGE_DECL)
#undef JOB_MERGE_DECL

#endif
