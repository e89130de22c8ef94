/* jobs.h — a small pool of worker threads for the browser: jobs go in, results
 * come out on a queue the UI thread drains when the wake fd becomes readable.
 * Workers never touch the screen. Each job carries the generation of the
 * selection that asked for it, so the UI can drop results it no longer wants.
 * Quitting never waits on a hung backend: shutdown is bounded, then abandons. */
#ifndef RBDWHO_JOBS_H
#define RBDWHO_JOBS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbdwho/error.h"

struct jobs;

/* A job, and also a result: a worker runs run(), which fills the job's result
 * fields (or posts extra messages with jobs_post), then the job itself comes
 * back on the result queue. free() releases data and the job; NULL: free(j). */
struct job {
	struct job *next;
	int kind;         /* the caller's tag */
	uint64_t gen;     /* the selection generation at submit time */
	void (*run)(struct job *j, struct jobs *js);
	void (*free)(struct job *j);
	void *data;       /* the caller's payload, in and out */
	int rc;
	struct rw_error err;
	bool partial;     /* a message posted by a running job, not its end */
	/* This job's own stop flag: set by jobs_cancel (the submitter) or by
	 * jobs_shutdown; read by run() (e.g. handed to chain_scan). Per job, so
	 * stopping one job can never stop, or un-stop, another. */
	atomic_bool cancel;
};

/* Starts nworkers threads (1..16). NULL when threads or the wake fd cannot be made. */
struct jobs *jobs_new(int nworkers);

/* Readable when results are waiting; poll it next to the terminal. */
int jobs_wake_fd(const struct jobs *js);

/* Queues j (ownership moves to the pool until it comes back as a result). */
void jobs_submit(struct jobs *js, struct job *j);

/* From inside run(): posts an extra message (ownership moves to the queue). */
void jobs_post(struct jobs *js, struct job *msg);

/* The next result, or NULL when none is waiting; never blocks. The caller owns
 * it and releases it with job_free(). */
struct job *jobs_take(struct jobs *js);

void job_free(struct job *j);

/* Jobs queued or running. */
size_t jobs_in_flight(struct jobs *js);
/* No job queued or running and no result waiting: checked in one step, so a
 * result cannot slip between "queue empty" and "nothing running". */
bool jobs_idle(struct jobs *js);
/* At most LEFT jobs queued or running (say, one known to hang) and no result
 * waiting, in one step like jobs_idle. */
bool jobs_settled(struct jobs *js, size_t left);

/* Asks one job to stop (sets j->cancel). The caller must still own a reference:
 * j has been submitted and its final result not yet freed. */
void jobs_cancel(struct jobs *js, struct job *j);
/* From inside run(): true when this job or the whole pool was cancelled. */
bool job_cancelled(const struct job *j, const struct jobs *js);

/* True once jobs_shutdown began: long jobs check it and stop early. */
bool jobs_cancelled(const struct jobs *js);
/* The flag itself, for APIs that take a `const atomic_bool *cancel`. */
const atomic_bool *jobs_cancel_flag(const struct jobs *js);

/* Sets the pool's and every running job's cancel flag, drops queued jobs, and
 * waits up to timeout_ms for the
 * running ones. Returns 0 when every worker ended (everything is freed), or
 * -ETIMEDOUT when some are stuck in a backend call: they are then abandoned
 * (detached, their memory deliberately leaked) and the caller should exit
 * without freeing anything those jobs may still use. */
int jobs_shutdown(struct jobs *js, int timeout_ms);

#endif
