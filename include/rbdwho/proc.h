/* proc.h — local processes that hold RBD images, read from /proc (or from a
 * directory of the same layout captured elsewhere: PID/cmdline NUL-separated,
 * PID/status and PID/stat when present). Command lines are kept redacted only. */
#ifndef RBDWHO_PROC_H
#define RBDWHO_PROC_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "rbdwho/error.h"
#include "rbdwho/parse_argv.h"

struct proc_holder {
	pid_t pid;
	char *user;        /* from the real uid in status, or "uid N"; NULL if unknown */
	time_t started;    /* wall-clock start time from stat, 0 if unknown */
	char *comm;        /* argv[0]'s base name */
	char *cmdline;     /* argv joined, secrets redacted */
	struct argv_info info;  /* kind, -name, -uuid, disks */
};

struct proc_list {
	struct proc_holder *v;
	size_t n, cap;
};

/* Every process under proc_root (NULL: "/proc") whose command line names at
 * least one RBD image. Processes that vanish while being read are skipped. */
int proc_scan(const char *proc_root, struct proc_list *out, struct rw_error *err);
void proc_list_free(struct proc_list *l);

#endif
