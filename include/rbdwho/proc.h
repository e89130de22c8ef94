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
	long uid;          /* real uid, -1 if unknown */
	unsigned long long start_ticks;  /* stat field 22, 0 if unknown: a reused pid differs */
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

/* Fills h from a command line (pid, user and times left to the caller): 0 when
 * it names at least one RBD image, -ENOENT otherwise (h is then cleared). The
 * same path for /proc and for a remote host's answer. */
int proc_holder_from_argv(const char *const *argv, size_t argc, struct proc_holder *h);
void proc_holder_clear(struct proc_holder *h);
/* Splits a NUL-separated command line (the last NUL may be missing; data[len]
 * must be readable and NUL). *argv (malloc'd) points into data. */
void proc_split_cmdline(const char *data, size_t len, const char ***argv, size_t *argc);
/* Appends h to l (takes its contents; h is zeroed). */
void proc_list_take(struct proc_list *l, struct proc_holder *h);
/* Field 22 of a stat line (start time, clock ticks after boot), counted after
 * the last ')' since comm may hold spaces and ')'; 0 when absent. */
unsigned long long proc_stat_start_ticks(const char *stat);
/* The same field, false when the line has none (then *out is 0). */
bool proc_stat_ticks(const char *stat, unsigned long long *out);

#endif
