/* ssh.h — reaching other hosts the way the operator does: the system `ssh`,
 * with the operator's own ~/.ssh/config (ProxyJump, agent, known_hosts and
 * StrictHostKeyChecking as set there), never a password prompt. One master
 * connection per host per run (ControlMaster in a private 0700 directory), a
 * bound on connections opened at once, every call under a deadline, and a host
 * that failed once answers with the same failure for the rest of the run.
 * Only fixed scripts run remotely (fed on stdin to `sh -s`); their only
 * arguments are integers checked here. Every ssh started is ended with the run. */
#ifndef RBDWHO_SSH_H
#define RBDWHO_SSH_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/util.h"

/* Why a host could not be asked; the display text is what an operator fixes. */
#define SSH_FAILURES(X) \
	X(SSH_OK, "ok", "answered") \
	X(SSH_UNSAFE_NAME, "unsafe-name", "host name cannot be passed to ssh safely") \
	X(SSH_UNRESOLVED, "unresolved", "host name does not resolve") \
	X(SSH_REFUSED, "refused", "ssh connection refused (is sshd running?)") \
	X(SSH_UNREACHABLE, "unreachable", "host unreachable") \
	X(SSH_TIMEOUT, "timeout", "no answer within the timeout") \
	X(SSH_HOSTKEY_UNKNOWN, "host-key-unknown", "host key not in known_hosts") \
	X(SSH_HOSTKEY_CHANGED, "host-key-changed", "HOST KEY CHANGED: refused") \
	X(SSH_AUTH, "auth-refused", "ssh authentication refused (no usable key; passwords are never tried)") \
	X(SSH_BAD_ANSWER, "bad-answer", "the host's answer could not be read") \
	X(SSH_FAILED, "failed", "ssh failed")

enum ssh_failure {
#define SSH_X(e, n, t) e,
	SSH_FAILURES(SSH_X)
#undef SSH_X
};
const char *ssh_failure_name(enum ssh_failure f);  /* "host-key-changed" */
const char *ssh_failure_text(enum ssh_failure f);  /* one phrase for the operator */

struct ssh_result {
	enum ssh_failure why;  /* SSH_OK when the remote command ran (whatever its status) */
	int status;            /* the remote script's exit status when SSH_OK */
	char detail[256];      /* ssh's own last line of complaint, terminal-safe; may be "" */
};

struct ssh_opts {
	int timeout_ms;        /* per connect and per command; also ssh's ConnectTimeout */
	unsigned max_parallel; /* ssh processes running at once; 0: 16 */
	const char *config;    /* ssh -F FILE; NULL: the operator's ~/.ssh/config */
	const char *command;   /* the ssh binary; NULL: "ssh" from PATH */
};

struct ssh_hosts;

/* The run's connection table; NULL only if the private directory cannot be made. */
struct ssh_hosts *ssh_hosts_new(const struct ssh_opts *opts);
/* Ends every master and command still running (TERM, then KILL) and removes
 * the private directory. */
void ssh_hosts_free(struct ssh_hosts *sh);

/* True for a name ssh can only read as a host: letters, digits, '.', '-', '_',
 * ':' (IPv6), 1..253 bytes, not starting with '-'. */
bool ssh_host_name_ok(const char *host);

/* Runs `sh -s -- ARGS…` on host with script on its stdin, through the host's
 * master (opened on first use). Each arg must be a decimal integer. stdout
 * goes to out (NUL-terminated) up to out_cap bytes: past that the command is
 * ended and the answer is SSH_BAD_ANSWER. Returns 0 when the script ran
 * (res->status is its status), else a negative code with res->why. */
int ssh_run_script(struct ssh_hosts *sh, const char *host, const char *script,
		   const char *const *args, size_t nargs, size_t out_cap, struct buf *out,
		   struct ssh_result *res);

/* Opens host's master now (or waits for another thread opening it): 0, or the
 * host's failure in res (cached for the run). */
int ssh_hosts_connect(struct ssh_hosts *sh, const char *host, struct ssh_result *res);

/* The failure a host is known to have this run (SSH_OK when it worked or was
 * not tried). */
enum ssh_failure ssh_host_state(struct ssh_hosts *sh, const char *host);

/* Lets hosts that failed be tried again (a refresh); masters that are up stay. */
void ssh_hosts_forget_failures(struct ssh_hosts *sh);

/* libvirt's URI for opening uri through the run's masters: a qemu+ssh:// URI
 * (or any +ssh transport) without its own command= gets command=WRAPPER;
 * anything else is returned as it is. malloc'd. */
char *ssh_libvirt_uri(struct ssh_hosts *sh, const char *uri);

/* A path to an executable wrapper that runs ssh through this run's masters
 * (libvirt's qemu+ssh `command=` parameter), so libvirt's ssh ends with them;
 * NULL when none could be written. Owned by sh. */
const char *ssh_hosts_wrapper(struct ssh_hosts *sh);

/* How many ssh processes this run has started, and the most at once (bench). */
void ssh_hosts_stats(struct ssh_hosts *sh, unsigned *started, unsigned *peak);

/* Holds one of the run's slots (max_parallel) while an ssh that another
 * library starts runs (libvirt's qemu+ssh through the wrapper), so that the
 * bound on ssh processes holds for those too. Waits while all are taken. */
void ssh_hosts_slot_take(struct ssh_hosts *sh);
void ssh_hosts_slot_give(struct ssh_hosts *sh);

/* With RBDWHO_TRACE_SSH set in the environment: one line on stderr per step
 * ("ssh-trace +MS HOST WHAT", ms since the run's first step), to see where a
 * fleet scan's time goes. Otherwise nothing. */
void ssh_trace(const char *host, const char *what);

/* Sends SIGTERM to every ssh process any run started and has not reaped yet.
 * Async-signal-safe: for fatal-signal handlers. */
void ssh_kill_all(void);

#endif
