/* blocklist.h — fencing one Ceph client by its address (`ceph osd blocklist
 * add`), the remedy for a watch whose holder is dead, cannot be reached, or is
 * an orphan that could not be destroyed. A blocklist cuts every image the
 * client has open, so the plan lists them all first. Same safety as destroy:
 * gate on the verdict, typed confirmation (the address), a fresh re-check at
 * the moment of acting, read-only honoured, one audit record per attempt.
 * The fences rbdwho made are listed (Ceph's blocklist joined with the audit
 * log) and can be removed: the undo.
 *
 * Every function takes the chain, blocks (bounded by the chain's timeout), is
 * safe to call from a worker thread, and never prints: the command and the
 * browser's dialog both come through here. */
#ifndef RBDWHO_BLOCKLIST_H
#define RBDWHO_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rbdwho/chain.h"
#include "rbdwho/error.h"
#include "rbdwho/remedy.h"
#include "rbdwho/util.h"

/* Ceph's own default expiry for `osd blocklist add` without one: 1 h. */
#define BLOCKLIST_DEFAULT_EXPIRE_S 3600u
/* The longest expiry accepted: 30 days. A fence is meant to be temporary. */
#define BLOCKLIST_MAX_EXPIRE_S 2592000u

/* Why the gate allows or refuses, as an enum with its name beside it. */
#define BLOCKLIST_GATES(X) \
	X(BL_GATE_DEAD, "dead", true)             /* no running process holds it */ \
	X(BL_GATE_UNREACHABLE, "unreachable", true) /* its host's processes could not be \
	                                               listed (an unmapped host is unknown) */ \
	X(BL_GATE_ORPHAN, "orphan", true)         /* a holder Nova says is gone */ \
	X(BL_GATE_ATTACHED, "attached", false)    /* Nova knows it and it runs */ \
	X(BL_GATE_UNKNOWN, "unknown", false)      /* any doubt */ \
	X(BL_GATE_NO_WATCH, "no-watch", false)    /* the address watches no image */
enum blocklist_gate {
#define BL_GATE_X(e, n, ok) e,
	BLOCKLIST_GATES(BL_GATE_X)
#undef BL_GATE_X
};
const char *blocklist_gate_name(enum blocklist_gate g);  /* "dead", "attached", … */
bool blocklist_gate_allows(enum blocklist_gate g);       /* without --force */

/* One image the client watches now, with what the chain made of that watch. */
struct blocklist_watch {
	char *pool, *image;
	uint64_t cookie;
	enum verdict verdict;
	bool not_checked;   /* the host's processes could not be listed */
	char *holder;       /* "instance-0002f5c4 (uuid)" or NULL when none was found */
	char *nova;         /* Nova's answer in words, NULL when not asked */
	char *reason;       /* the chain's sentence for this verdict */
};

struct blocklist_plan {
	char *address;           /* normalised: "IP:PORT/NONCE" ("[v6]:PORT/NONCE") */
	uint64_t client;         /* the N of client.N; 0 when no image is watched */
	char *cephx_user;        /* "client.cinder" from the monitors' sessions; NULL unknown */
	char *host;              /* NULL when unmapped */
	enum host_source host_source;
	char *host_note;         /* why a host source could not answer; NULL if none */
	struct blocklist_watch *watches;  /* every image the address watches now */
	size_t nwatches;
	struct strvec pool_errors;        /* "POOL: reason": pools not looked at */
	unsigned expire_s;
	bool already;            /* Ceph's blocklist has the address already */
	char *already_until;     /* its expiry as Ceph prints it, when already */
	enum blocklist_gate gate;
	char *reason;            /* one sentence: why the gate says what it says */
};

/* ---- pure parts (no I/O): for the dialog, the command and the tests ---- */

/* "3600", "3600s", "30m", "2h", "1d" → seconds (1 .. BLOCKLIST_MAX_EXPIRE_S).
 * -EINVAL with the reason otherwise. */
int blocklist_parse_duration(const char *text, unsigned *seconds, struct rw_error *err);

/* text as Ceph prints a client address in its blocklist: "IP:PORT/NONCE",
 * IPv6 in brackets; a "v1:"/"v2:"/"any:" prefix or an address vector is
 * reduced to that. malloc'd into *out. -EINVAL when text is no client address
 * (a nonce is required: fencing every client of an IP is not done here). */
int blocklist_normalize_address(const char *text, char **out, struct rw_error *err);

/* The gate from the watches: refuses if any watch refuses (ATTACHED before
 * UNKNOWN); else ORPHAN, UNREACHABLE, DEAD in that order of precedence.
 * Fills *reason (malloc'd) when reason is not NULL. */
enum blocklist_gate blocklist_judge(const struct blocklist_watch *w, size_t n, char **reason);

/* The checks that need no I/O: read-only, the gate (--force passes ATTACHED
 * and UNKNOWN, never NO_WATCH), the typed address. -EPERM with the reason. */
int blocklist_check(const struct blocklist_plan *plan, const struct remedy_checks *checks,
		    struct rw_error *err);

/* The manual command a plan stands for: "ceph osd blocklist add ADDR SECONDS";
 * and the undo's: "ceph osd blocklist rm ADDR". malloc'd. */
char *blocklist_manual_command(const struct blocklist_plan *plan);
char *blocklist_manual_rm_command(const char *address);

/* ---- with I/O ---- */

/* Normalises address, finds every image it watches (the bulk probe over every
 * pool; pools that could not be probed go to pool_errors), resolves the watch
 * through the chain (host, cephx user, holders, Nova, verdict), reads Ceph's
 * blocklist (already?) and judges the gate. -EINVAL on a bad address or
 * expiry; a backend failure (no pool list, no blocklist) is its code. A plan
 * with no watch is not an error: its gate is BL_GATE_NO_WATCH. Call
 * blocklist_plan_clear afterwards whatever it returned. */
int blocklist_prepare(struct chain *ch, const char *address, unsigned expire_s,
		      struct blocklist_plan *plan, struct rw_error *err);
void blocklist_plan_clear(struct blocklist_plan *plan);

/* What happened after the monitors accepted the entry. */
struct blocklist_result {
	uint64_t epoch;          /* the OSD map epoch that holds the entry; 0 unknown */
	bool map_seen;           /* every up OSD reported that epoch (or newer) */
	char *map_note;          /* why that could not be confirmed; NULL when it was */
	struct strvec still_watched;  /* "pool/image" still listing the address at the deadline */
	bool watch_gone;         /* every planned image stopped listing the address */
	double waited_s;         /* how long the wait for the map and the watches took */
	enum remedy_outcome outcome;  /* what the audit record says: refused, done, failed */
};
void blocklist_result_clear(struct blocklist_result *r);

/* Blocklists the planned address if every check passes (blocklist_check, an
 * audit log that can be written, then the plan re-made fresh: the address
 * still watches, the gate still holds), then waits — within the chain's
 * timeout — until the OSDs have the new map and the watches are gone, and
 * fills res. -EPERM when refused, the backend's code (-EACCES: the cephx user
 * may not run `osd blocklist`) when Ceph refused or failed. One audit record
 * (action "blocklist", target the address, outcome "blocklisted") whatever
 * happens. res may be NULL. */
int blocklist_execute(struct chain *ch, const struct blocklist_plan *plan,
		      const struct remedy_checks *checks, struct blocklist_result *res,
		      struct rw_error *err);

/* ---- fences: the entries rbdwho made, and the undo ---- */

struct blocklist_fence {
	char *address;   /* as Ceph lists it */
	char *until;     /* Ceph's expiry time as it prints it */
	time_t until_t;  /* the same, parsed; 0 when it could not be */
	bool ours;       /* the audit log has rbdwho's "blocklisted" record for it */
	char *who;       /* that record's user (sudo user in parentheses); NULL if not ours */
	char *when;      /* that record's time; NULL if not ours */
	char *host;      /* that record's host (the client's host when it was made) */
	char *images;    /* that record's volumes, ", "-separated; NULL when none */
};
struct blocklist_fences {
	struct blocklist_fence *v;
	size_t n;
	size_t others;     /* entries in Ceph's blocklist that rbdwho did not make */
	char *audit_note;  /* why the audit log could not be read; NULL when it was */
};

/* Ceph's blocklist joined with the audit log: every entry rbdwho made (the
 * latest "blocklisted" record for the address), all entries when all is true.
 * Fails when Ceph's blocklist cannot be read; an unreadable audit log is only
 * a note (nothing is then known to be ours). */
int blocklist_list(struct chain *ch, bool all, struct blocklist_fences *out,
		   struct rw_error *err);
void blocklist_fences_free(struct blocklist_fences *f);

/* Removes address from Ceph's blocklist (the undo): read-only refused, the
 * typed address required (checks->confirmation), the entry must be in Ceph's
 * blocklist at that moment (-ENOENT otherwise), audited as action
 * "unblocklist" with outcome "unblocklisted". */
int blocklist_remove(struct chain *ch, const char *address, const struct remedy_checks *checks,
		     struct rw_error *err);

#endif
