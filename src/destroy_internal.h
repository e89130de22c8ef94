/* destroy_internal.h — destroy.c's plain-process half (destroy_process.c). */
#ifndef RBDWHO_DESTROY_INTERNAL_H
#define RBDWHO_DESTROY_INTERNAL_H

#include "rbdwho/destroy.h"

/* Plans the one process on plan->host named (or -uuid) name. */
int destroy_prepare_process(struct chain *ch, const char *name, struct destroy_plan *plan,
			    struct rw_error *err);
/* Re-reads the process; -EPERM unless it is the planned one, unchanged. */
int destroy_process_preflight(struct chain *ch, const struct destroy_plan *plan,
			      struct rw_error *why);
/* SIGTERM (only to the same start time), then waits until it is gone. */
int destroy_process_terminate(struct chain *ch, const struct destroy_plan *plan,
			      struct rw_error *why);

#endif
