/* ssh_procs.h — a remote host's holders, agentless: one fixed, read-only shell
 * script (nothing from the cluster in it) run over ssh answers with every
 * process whose command line mentions "rbd" (every form parse_argv knows does)
 * — pid, uid, start time, argv — and the host's kernel RBD mappings. The
 * answer is parsed here, bounded and inert, into the structures of the local
 * /proc scan, through the same argv parser. */
#ifndef RBDWHO_SSH_PROCS_H
#define RBDWHO_SSH_PROCS_H

#include <stddef.h>
#include "rbdwho/error.h"
#include "rbdwho/krbd.h"
#include "rbdwho/proc.h"
#include "rbdwho/ssh.h"

/* The most a host's answer may be; past it the host is "not checked". */
#define SSH_PROCS_MAX_ANSWER (32u << 20)

extern const char ssh_procs_script[];

/* Parses an answer of ssh_procs_script. Records that are malformed are
 * skipped; an answer without its header or its END line (cut short) is
 * -EPROTO. Users are "uid N" (the remote passwd is not ours). */
int ssh_procs_parse(const char *data, size_t len, struct proc_list *procs,
		    struct krbd_list *maps, struct rw_error *err);

/* Runs the script on host and parses the answer. On failure res says why
 * (a bad answer is SSH_BAD_ANSWER) and err holds one sentence. */
int ssh_procs_list(struct ssh_hosts *sh, const char *host, struct proc_list *procs,
		   struct krbd_list *maps, struct ssh_result *res, struct rw_error *err);

/* destroy's two remote steps, each a fixed script with integer arguments:
 * the process pid as it is now (one proc_holder, -ENOENT when gone or when
 * its start time is not start_ticks), and SIGTERM to pid only if its start
 * time is still start_ticks (-ESRCH when it is not: the pid was reused). */
int ssh_procs_reread(struct ssh_hosts *sh, const char *host, long pid,
		     unsigned long long start_ticks, struct proc_holder *out,
		     struct ssh_result *res, struct rw_error *err);
int ssh_procs_terminate(struct ssh_hosts *sh, const char *host, long pid,
			unsigned long long start_ticks, struct ssh_result *res,
			struct rw_error *err);
/* 0 while pid still runs with that start time, -ENOENT once gone (a zombie
 * counts as gone), -ESRCH when the pid was reused. */
int ssh_procs_alive(struct ssh_hosts *sh, const char *host, long pid,
		    unsigned long long start_ticks, struct ssh_result *res, struct rw_error *err);

#endif
