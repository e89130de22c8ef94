/* destroy.h — stopping an orphan domain, with every check the operator is owed:
 * a fresh Nova answer (never the cache), the verdict, a typed confirmation, the
 * domain re-read from libvirt just before the call (same UUID, still holding
 * the same images), read-only mode honoured, and an audit record of every
 * attempt — refused, done or failed. The command and the browser's dialog both
 * come through here. */
#ifndef RBDWHO_DESTROY_H
#define RBDWHO_DESTROY_H

#include <stdbool.h>
#include "rbdwho/chain.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"

struct destroy_plan {
	char *host, *uri;
	char *name, *uuid;       /* the domain, as libvirt has it now */
	char *state;             /* libvirt state */
	struct strvec volumes;   /* "pool/image" of every RBD disk it holds */
	struct nova_answer nova; /* asked fresh while preparing */
	enum verdict verdict;
	char *reason;
	/* A plain process libvirt does not manage (a qemu started by hand), on
	 * this host or over ssh: stopped with SIGTERM after it is re-read. */
	bool process;
	long pid, uid;
	unsigned long long start_ticks;  /* a reused pid has another */
	char *cmdline;                   /* redacted; must be unchanged */
};

/* Finds domain (name or UUID) on host's libvirt URI, re-reads it, asks Nova
 * fresh, and fills the plan. When libvirt answers but has no such domain, a
 * process on host (its -name or -uuid) holding an RBD image that libvirt does
 * not manage is planned instead (plan->process). -ENOENT when neither. Call
 * destroy_plan_clear afterwards whatever it returned. */
int destroy_prepare(struct chain *ch, const char *domain, const char *host,
                    struct destroy_plan *plan, struct rw_error *err);
void destroy_plan_clear(struct destroy_plan *plan);

struct destroy_checks {
	bool read_only;           /* refuse everything */
	bool force;               /* allow ATTACHED/UNKNOWN verdicts */
	const char *confirmation; /* what the user typed; must equal plan->name */
};

/* Destroys the planned domain if every check passes, else -EPERM with the reason.
 * Writes one audit record whatever happens. */
int destroy_execute(struct chain *ch, const struct destroy_plan *plan,
                    const struct destroy_checks *checks, struct rw_error *err);

/* The pure checks, for tests and for the dialog's own display: read-only,
 * verdict (unless force), confirmation == plan->name (NULL: not confirmed),
 * and — when fresh is not NULL — that the re-read domain has the plan's UUID,
 * name and exactly its RBD images. -EPERM with the reason, else 0. */
int destroy_check(const struct destroy_plan *plan, const struct destroy_checks *checks,
                  const struct virt_domain *fresh, struct rw_error *err);

/* The manual commands a plan stands for (what --dry-run prints); malloc'd. */
char *destroy_manual_command(const struct destroy_plan *plan);

/* host's libvirt URI: the config's local_uri for the chain's local host,
 * "localhost" and "local"; config_host_uri otherwise. malloc'd. */
char *destroy_host_uri(struct chain *ch, const char *host);
/* Appends the "pool/image" spec of each RBD disk of d to out, once each. */
void destroy_volumes_of(const struct virt_domain *d, struct strvec *out);
/* Nova's answer in a few words ("404", "200 ACTIVE", "error: …"); malloc'd. */
char *destroy_nova_text(const struct nova_answer *a);

#endif
