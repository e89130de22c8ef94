/* deadline.h — run a blocking call with a time limit. Some libraries (libvirt's
 * connection open over ssh, DNS) offer no timeout of their own: the call runs on
 * its own thread, and if it overruns, the caller walks away and the thread
 * finishes, and cleans up, alone. */
#ifndef RBDWHO_DEADLINE_H
#define RBDWHO_DEADLINE_H

/* Runs result = fn(arg) on a detached thread. deadline_run owns arg from the call
 * on and releases it with free_arg (may be NULL) once fn has returned.
 * Returns 0 with *result set (the caller then owns it) when fn finished within
 * timeout_ms; -ETIMEDOUT otherwise, and the late result is later released with
 * drop_result (may be NULL) by the thread itself. */
int deadline_run(void *(*fn)(void *arg), void *arg, void (*free_arg)(void *arg),
		 void (*drop_result)(void *result), int timeout_ms, void **result);

#endif
