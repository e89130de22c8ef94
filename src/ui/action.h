/* action.h — the browser's remedy actions, declared once in ACTION_INFO:
 * destroy a domain, stop a qemu libvirt does not manage, blocklist a watcher's
 * client, delete a Cinder volume, remove a blocklist entry, break a stale
 * lock. Each row names its
 * texts and the functions that make it differ; the one action dialog
 * (dialog.c) runs every row the same way: the plan read fresh on a worker
 * (prepare), the gate, the typed confirmation, the act on a worker (execute,
 * which re-checks and writes the audit record), the outcome, and the manual
 * commands on the dry-run key. The action functions live in one file per
 * action (action_destroy.c, …); workers reach backends through the chain
 * only. */
#ifndef RBDWHO_UI_ACTION_H
#define RBDWHO_UI_ACTION_H

#include <stdbool.h>

#include "rbdwho/blocklist.h"
#include "rbdwho/delete_volume.h"
#include "rbdwho/destroy.h"
#include "rbdwho/error.h"
#include "rbdwho/keymap.h"
#include "rbdwho/unlock.h"

/* _(ACTION, "name", request, "title", "what is typed", "verb",
 *   "asking (while preparing)", "doing (while executing)", "done word",
 *   open, prepare, gate, facts, typed, execute, manual, done, free_plan)
 * open (UI thread): fills the target from the selection, or says why not;
 * prepare / execute (workers): the action's own plan and act functions;
 * gate (UI): why the plan is refused before anything is typed, or NULL;
 * facts (UI): the dialog's lines; typed: what must be typed to confirm;
 * manual: the commands by hand (the dry run); done (UI): after a success,
 * refreshes what changed and says what to look at; free_plan: frees the plan.
 * A row whose request is NONE is opened by another row (stop-qemu is what a
 * destroy's plan turns into when libvirt does not manage the process) or by
 * a view (unblocklist, from the fences view). */
#define ACTION_INFO(_) \
	_(DESTROY, "destroy", DESTROY, "Destroy libvirt domain", "domain name", "destroy it", \
	  "Asking libvirt and Nova again (fresh, not the cache)…", "Destroying (virDomainDestroy)…", \
	  "Destroyed", act_destroy_open, act_destroy_prepare, act_destroy_gate, act_destroy_facts, \
	  act_destroy_typed, act_destroy_execute, act_destroy_manual, act_destroy_done, \
	  act_destroy_free) \
	_(STOP_QEMU, "stop-qemu", NONE, "Stop qemu process", "qemu's name", "stop it", \
	  "Reading the process again and asking Nova (fresh, not the cache)…", \
	  "Stopping (SIGTERM, then waiting until it is gone)…", "Stopped", act_destroy_open, \
	  act_destroy_prepare, act_destroy_gate, act_destroy_facts, act_destroy_typed, \
	  act_destroy_execute, act_destroy_manual, act_destroy_done, act_destroy_free) \
	_(BLOCKLIST, "blocklist", BLOCKLIST, "Blocklist a Ceph client (osd blocklist add)", \
	  "address", "blocklist it", \
	  "Looking for every image this client watches, asking Ceph, libvirt and Nova (fresh)…", \
	  "Blocklisting, then waiting for the OSDs' map and for the watch to go…", "Blocklisted", \
	  act_blocklist_open, act_blocklist_prepare, act_blocklist_gate, act_blocklist_facts, \
	  act_blocklist_typed, act_blocklist_execute, act_blocklist_manual, act_blocklist_done, \
	  act_blocklist_free) \
	_(DELETE_VOLUME, "delete-volume", DELETE_VOLUME, "Delete the Cinder volume", \
	  "volume UUID", "delete it", "Asking Cinder and Ceph again (fresh, not the cache)…", \
	  "Deleting through Cinder, then waiting until Cinder no longer has it…", "Deleted", \
	  act_volume_open, act_volume_prepare, act_volume_gate, act_volume_facts, act_volume_typed, \
	  act_volume_execute, act_volume_manual, act_volume_done, act_volume_free) \
	_(UNBLOCKLIST, "unblocklist", UNFENCE, "Remove a blocklist entry (osd blocklist rm)", \
	  "address", "remove the entry", "Reading Ceph's blocklist again…", \
	  "Removing the entry…", "Removed the entry for", act_unfence_open, act_unfence_prepare, \
	  act_unfence_gate, act_unfence_facts, act_unfence_typed, act_unfence_execute, \
	  act_unfence_manual, act_unfence_done, act_unfence_free) \
	_(UNLOCK, "unlock", UNLOCK, "Break a stale lock (rbd lock rm)", "POOL/IMAGE", "break it", \
	  "Reading the lockers, the watchers and the OSD blocklist again…", \
	  "Breaking the lock (librbd also blocklists the locker)…", "Broke the lock of", \
	  act_unlock_open, act_unlock_prepare, act_unlock_gate, act_unlock_facts, act_unlock_typed, \
	  act_unlock_execute, act_unlock_manual, act_unlock_done, act_unlock_free)

enum action_kind {
#define ACTION_ENUM(e, ...) ACT_##e,
	ACTION_INFO(ACTION_ENUM)
#undef ACTION_ENUM
	ACT_COUNT
};

/* What an action was opened on, copied from the selection (the panes may
 * change while the dialog is open). Unused fields stay NULL. */
struct ui;
struct work;
struct pl_action;
struct detail_lines;
struct dialog_state;

struct action_target {
	char *name, *uuid, *host;  /* a holder */
	char *addr;                /* a watcher's address */
	char *pool, *image;        /* the image on screen */
	char *volume;              /* its Cinder volume UUID */
};
void action_target_clear(struct action_target *t);
void action_target_copy(struct action_target *to, const struct action_target *from);
/* The image on screen (the watchers pane's): pool, image, volume UUID. */
void action_target_image(struct ui *ui, struct action_target *t);

/* The plan of whichever action: the member of the row's action. */
union action_plan {
	struct destroy_plan destroy;
	struct {
		struct blocklist_plan plan;
		struct blocklist_result res;  /* after the act: the map, the watch */
	} blocklist;
	struct {
		struct delete_volume_plan plan;
		struct delete_volume_result res;  /* after the act: how far it got */
	} volume;
	struct blocklist_fence fence;  /* unblocklist: the entry as listed now */
	struct {
		struct unlock_plan plan;
		char *spec;  /* "POOL/IMAGE": what is typed */
	} unlock;
};


struct action_ops {
	const char *name, *title, *typed_what, *verb, *asking, *doing, *done_word;
	enum request req;
	bool (*open)(struct ui *ui, struct dialog_state *d);
	int (*prepare)(struct work *w, struct pl_action *p, struct rw_error *err);
	char *(*gate)(struct ui *ui, const union action_plan *plan);
	void (*facts)(struct ui *ui, const struct dialog_state *d, struct detail_lines *l);
	const char *(*typed)(const union action_plan *plan);
	int (*execute)(struct work *w, struct pl_action *p, struct rw_error *err);
	char *(*manual)(const union action_plan *plan);
	char *(*done)(struct ui *ui, struct dialog_state *d);
	void (*free_plan)(union action_plan *plan);
};
extern const struct action_ops action_ops[ACT_COUNT];

/* The action a request opens, or ACT_COUNT. */
enum action_kind action_for_request(enum request r);

#define ACTION_DECL(e, name, req, title, what, verb, asking, doing, done_word, open, prepare, gate, \
		    facts, typed, execute, manual, done, free_plan) \
	bool open(struct ui *ui, struct dialog_state *d); \
	int prepare(struct work *w, struct pl_action *p, struct rw_error *err); \
	char *gate(struct ui *ui, const union action_plan *plan); \
	void facts(struct ui *ui, const struct dialog_state *d, struct detail_lines *l); \
	const char *typed(const union action_plan *plan); \
	int execute(struct work *w, struct pl_action *p, struct rw_error *err); \
	char *manual(const union action_plan *plan); \
	char *done(struct ui *ui, struct dialog_state *d); \
	void free_plan(union action_plan *plan);
ACTION_INFO(ACTION_DECL)
#undef ACTION_DECL

#endif
