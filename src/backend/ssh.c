/* ssh.c — the system ssh, one master per host per run, every child bounded.
 * ssh is a separate program on purpose: it reads the operator's own config
 * (ProxyJump, agent, known_hosts), and rbdwho never sees a key. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rbdwho/redact.h"
#include "rbdwho/ssh.h"

extern char **environ;

#define SSH_MAX_HOSTNAME 253
#define SSH_ERR_CAP 16384   /* ssh's complaints: a few lines, never more kept */
#define SSH_POLL_MS 20      /* how often a connecting master is looked at */
#define SSH_GRACE_MS 500    /* between TERM and KILL */
/* Masters in their handshake at once. A handshake is CPU on both ends: many at
 * once on a busy machine all finish late, past the deadline, together (20 at
 * once at a load of 20 here: every one timed out); a few at a time each finish.
 * A host's deadline starts when its turn does. */
#define SSH_CONNECTING_MAX 8

static const char *const ssh_names[] = {
#define SSH_X(e, n, t) n,
	SSH_FAILURES(SSH_X)
#undef SSH_X
};
static const char *const ssh_texts[] = {
#define SSH_X(e, n, t) t,
	SSH_FAILURES(SSH_X)
#undef SSH_X
};

const char *ssh_failure_name(enum ssh_failure f)
{
	return (unsigned)f < sizeof(ssh_names) / sizeof(*ssh_names) ? ssh_names[f] : "?";
}

const char *ssh_failure_text(enum ssh_failure f)
{
	return (unsigned)f < sizeof(ssh_texts) / sizeof(*ssh_texts) ? ssh_texts[f] : "?";
}

/* ---- every ssh child, for a fatal signal ----
 * A signal handler cannot reach a run's table, so the pids live here: the one
 * process-wide state of this module, lock-free because handlers read it. */
#define SSH_REG_SLOTS 512
static _Atomic pid_t ssh_registry[SSH_REG_SLOTS];

static void ssh_register(pid_t pid)
{
	for (size_t i = 0; i < SSH_REG_SLOTS; i++) {
		pid_t zero = 0;
		if (atomic_compare_exchange_strong(&ssh_registry[i], &zero, pid))
			return;
	}
}

static void ssh_unregister(pid_t pid)
{
	for (size_t i = 0; i < SSH_REG_SLOTS; i++) {
		pid_t want = pid;
		if (atomic_compare_exchange_strong(&ssh_registry[i], &want, 0))
			return;
	}
}

/* The private directories of live runs, for the same handler: emptied and
 * removed with raw system calls (opendir is not async-signal-safe). */
#define SSH_DIR_SLOTS 8
#define SSH_DIR_MAX 64
static char ssh_dirs[SSH_DIR_SLOTS][SSH_DIR_MAX];
static atomic_bool ssh_dir_used[SSH_DIR_SLOTS];

static void ssh_dir_register(const char *dir)
{
	if (strlen(dir) >= SSH_DIR_MAX)
		return;
	for (size_t i = 0; i < SSH_DIR_SLOTS; i++) {
		if (ssh_dirs[i][0] == '\0' && !atomic_load(&ssh_dir_used[i])) {
			snprintf(ssh_dirs[i], SSH_DIR_MAX, "%s", dir);
			atomic_store(&ssh_dir_used[i], true);
			return;
		}
	}
}

static void ssh_dir_unregister(const char *dir)
{
	for (size_t i = 0; i < SSH_DIR_SLOTS; i++)
		if (atomic_load(&ssh_dir_used[i]) && strcmp(ssh_dirs[i], dir) == 0) {
			atomic_store(&ssh_dir_used[i], false);
			ssh_dirs[i][0] = '\0';
		}
}

/* Async-signal-safe: open, getdents64, unlinkat, rmdir only. */
static void ssh_dir_wipe_raw(const char *dir)
{
	char buf[4096];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int pass = 0; pass < 64; pass++) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct {
				unsigned long long ino;
				long long off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *de = (void *)(buf + off);
			if (strcmp(de->name, ".") != 0 && strcmp(de->name, "..") != 0)
				unlinkat(fd, de->name, 0);
			off += de->reclen;
		}
	}
	close(fd);
	rmdir(dir);
}

void ssh_kill_all(void)
{
	for (size_t i = 0; i < SSH_REG_SLOTS; i++) {
		pid_t p = atomic_load(&ssh_registry[i]);
		if (p > 0)
			kill(p, SIGTERM);
	}
	for (size_t i = 0; i < SSH_DIR_SLOTS; i++)
		if (atomic_load(&ssh_dir_used[i]))
			ssh_dir_wipe_raw(ssh_dirs[i]);
}

/* ---- tracing (RBDWHO_TRACE_SSH) ---- */

static pthread_once_t ssh_trace_once = PTHREAD_ONCE_INIT;
static bool ssh_tracing;
static int64_t ssh_trace_t0;

static void ssh_trace_init(void)
{
	ssh_tracing = getenv("RBDWHO_TRACE_SSH") != NULL;
	ssh_trace_t0 = clock_ms();
}

void ssh_trace(const char *host, const char *what)
{
	pthread_once(&ssh_trace_once, ssh_trace_init);
	if (ssh_tracing)  /* one write: lines of several threads do not mix */
		dprintf(2, "ssh-trace +%lld %s %s\n", (long long)(clock_ms() - ssh_trace_t0),
			host ? host : "-", what);
}

/* ---- the run's table ---- */

enum ssh_host_state { HS_NEW, HS_CONNECTING, HS_UP, HS_FAILED };

struct ssh_host {
	char *host;
	enum ssh_host_state state;
	pid_t master;
	char *ctl;                 /* the master's socket, as ssh -G expands it */
	struct ssh_result fail;    /* when FAILED */
};

struct ssh_hosts {
	struct ssh_opts o;
	char *config, *command;
	char *dir;                 /* private, 0700: control sockets and the wrapper */
	char *wrapper;
	pthread_mutex_t lock;
	pthread_cond_t cond;       /* a host left CONNECTING, or a slot freed */
	struct ssh_host *v;
	size_t n, cap;
	unsigned running, started, peak;
	unsigned connecting;       /* masters in their handshake (SSH_CONNECTING_MAX) */
};

bool ssh_host_name_ok(const char *host)
{
	size_t n = host ? strlen(host) : 0;
	if (n == 0 || n > SSH_MAX_HOSTNAME || host[0] == '-')
		return false;
	for (const char *p = host; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '-' || c == '_' || c == ':';
		if (!ok)
			return false;
	}
	return true;
}

static bool ssh_arg_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 20)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A shell word for the wrapper script: '…' with ' as '\''. */
static void ssh_quote(struct buf *b, const char *s)
{
	buf_append(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			buf_append(b, "'\\''", 4);
		else
			buf_append(b, s, 1);
	}
	buf_append(b, "'", 1);
}

/* The options every ssh of the run gets. Command-line -o wins over the config
 * file, so these hold whatever the operator's config says; host-key checking
 * is left as the operator set it (BatchMode makes "ask" a refusal). */
static void ssh_base_argv(const struct ssh_hosts *sh, struct strvec *a)
{
	int secs = (sh->o.timeout_ms + 999) / 1000;
	strvec_push(a, sh->command);
	if (sh->config) {
		strvec_push(a, "-F");
		strvec_push(a, sh->config);
	}
	static const char *const fixed[] = {
		"BatchMode=yes",     "PasswordAuthentication=no", "KbdInteractiveAuthentication=no",
		"LogLevel=ERROR",    "ClearAllForwardings=yes",   "ForwardAgent=no",
		"ForwardX11=no",     "PermitLocalCommand=no",     "RequestTTY=no",
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
		strvec_push(a, "-o");
		strvec_push(a, fixed[i]);
	}
	strvec_push(a, "-o");
	strvec_push_owned(a, xasprintf("ConnectTimeout=%d", secs < 1 ? 1 : secs));
	strvec_push(a, "-o");
	strvec_push_owned(a, xasprintf("ControlPath=%s/%%C", sh->dir));
}

static void ssh_write_wrapper(struct ssh_hosts *sh)
{
	struct strvec a = {0};
	struct buf b = {0};
	char *path = xasprintf("%s/ssh", sh->dir);

	ssh_base_argv(sh, &a);
	buf_printf(&b, "#!/bin/sh\n# libvirt's ssh, through rbdwho's masters: it ends with them\nexec");
	for (size_t i = 0; i < a.n; i++) {
		buf_append(&b, " ", 1);
		ssh_quote(&b, a.v[i]);
	}
	buf_printf(&b, " -o ControlMaster=no \"$@\"\n");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd >= 0 && write(fd, b.p, b.len) == (ssize_t)b.len) {
		sh->wrapper = path;
		path = NULL;
	}
	if (fd >= 0)
		close(fd);
	free(path);
	buf_free(&b);
	strvec_free(&a);
}

/* A short private directory: a control socket's path must fit in sun_path. */
static char *ssh_make_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/rbdwho-ssh.XXXXXX", t && t[0] == '/' && strlen(t) < 40 ? t : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

struct ssh_hosts *ssh_hosts_new(const struct ssh_opts *opts)
{
	struct ssh_hosts *sh = xcalloc(1, sizeof *sh);
	sh->o = *opts;
	if (sh->o.timeout_ms <= 0)
		sh->o.timeout_ms = 10000;
	if (sh->o.max_parallel == 0)
		sh->o.max_parallel = 16;
	sh->config = xstrdup(opts->config);
	sh->command = xstrdup(opts->command ? opts->command : "ssh");
	sh->dir = ssh_make_dir();
	if (!sh->dir) {
		free(sh->config);
		free(sh->command);
		free(sh);
		return NULL;
	}
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->cond, NULL);
	ssh_write_wrapper(sh);
	ssh_dir_register(sh->dir);
	ssh_trace(NULL, "ssh table made");
	return sh;
}

const char *ssh_hosts_wrapper(struct ssh_hosts *sh)
{
	return sh ? sh->wrapper : NULL;
}

void ssh_hosts_stats(struct ssh_hosts *sh, unsigned *started, unsigned *peak)
{
	pthread_mutex_lock(&sh->lock);
	*started = sh->started;
	*peak = sh->peak;
	pthread_mutex_unlock(&sh->lock);
}

/* ---- children ---- */

/* Ends pid: TERM, a grace period, then KILL; always reaps it. */
static void ssh_end(pid_t pid)
{
	int st;
	kill(pid, SIGTERM);
	for (int64_t until = clock_ms() + SSH_GRACE_MS; clock_ms() < until;) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			goto reaped;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
reaped:
	ssh_unregister(pid);
}

static void ssh_slot_take(struct ssh_hosts *sh)
{
	pthread_mutex_lock(&sh->lock);
	while (sh->running >= sh->o.max_parallel)
		pthread_cond_wait(&sh->cond, &sh->lock);
	sh->running++;
	sh->started++;
	if (sh->running > sh->peak)
		sh->peak = sh->running;
	pthread_mutex_unlock(&sh->lock);
}

static void ssh_slot_give(struct ssh_hosts *sh)
{
	pthread_mutex_lock(&sh->lock);
	sh->running--;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
}

void ssh_hosts_slot_take(struct ssh_hosts *sh)
{
	ssh_slot_take(sh);
}

void ssh_hosts_slot_give(struct ssh_hosts *sh)
{
	ssh_slot_give(sh);
}

/* Starts argv with stdin/stdout/stderr on the given fds (-1: /dev/null).
 * The child gets default signal handling and an empty mask. */
static int ssh_spawn(struct strvec *argv, int in, int out, int err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int fds[3] = {in, out, err};

	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0)
			posix_spawn_file_actions_adddup2(&fa, fds[i], i);
		else
			posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i ? O_WRONLY : O_RDONLY, 0);
	}
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawnp(pid, argv->v[0], &fa, &at, argv->v, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0)
		ssh_register(*pid);
	return -rc;
}

struct ssh_io {
	const char *in;
	size_t inlen;
	struct buf *out;
	size_t out_cap;
	struct buf err;
	bool too_big, timed_out;
	int status;  /* exit status, or 128+signal */
};

/* Writes what stdin still owes; EPIPE (ssh gone) just stops the writing. The
 * SIGPIPE it raises is blocked in this thread and taken back, so that a dead
 * child cannot kill rbdwho. */
static bool ssh_feed(int fd, struct ssh_io *io, size_t *done)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t n = write(fd, io->in + *done, io->inlen - *done);
	if (n < 0 && errno == EPIPE) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (n > 0)
		*done += (size_t)n;
	return n >= 0 || errno == EAGAIN || errno == EINTR;
}

/* Reads one chunk of fd into b, capped; false at EOF or error. */
static bool ssh_drain(int fd, struct buf *b, size_t cap, bool *too_big)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	if (b->len + (size_t)n > cap) {
		*too_big = true;
		return false;
	}
	buf_append(b, chunk, (size_t)n);
	return true;
}

static void ssh_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The poll loop: feeds stdin, collects stdout and stderr, until both close
 * or the deadline passes or stdout overflows (then the child is ended). */
static void ssh_pump(pid_t pid, int fin, int fout, int ferr, int64_t deadline, struct ssh_io *io)
{
	size_t fed = 0;
	if (io->inlen == 0)
		ssh_close(&fin);
	while (fout >= 0 || ferr >= 0) {
		struct pollfd p[3] = {{fin, POLLOUT, 0}, {fout, POLLIN, 0}, {ferr, POLLIN, 0}};
		int64_t left = deadline - clock_ms();
		if (left <= 0) {
			io->timed_out = true;
			break;
		}
		if (poll(p, 3, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			break;
		if (fin >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP)) &&
		    (!ssh_feed(fin, io, &fed) || fed == io->inlen))
			ssh_close(&fin);
		if (fout >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !ssh_drain(fout, io->out, io->out_cap, &io->too_big))
			ssh_close(&fout);
		if (io->too_big)
			break;
		if (ferr >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			bool big = false;
			if (!ssh_drain(ferr, &io->err, SSH_ERR_CAP, &big) || big)
				ssh_close(&ferr);
		}
	}
	ssh_close(&fin);
	ssh_close(&fout);
	ssh_close(&ferr);
	if (io->timed_out || io->too_big) {
		ssh_end(pid);
		io->status = -1;
		return;
	}
	int st = 0;
	/* stdout and stderr closed: ssh is exiting; a hung one still meets the deadline */
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (clock_ms() >= deadline) {
			io->timed_out = true;
			ssh_end(pid);
			io->status = -1;
			return;
		}
		poll(NULL, 0, 5);
	}
	ssh_unregister(pid);
	io->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs argv to completion within timeout_ms of its start: the wait for a
 * slot is not the host's time (on a busy run it can be long). 0, or -errno
 * when it cannot start. */
static int ssh_exec(struct ssh_hosts *sh, struct strvec *argv, int timeout_ms, struct ssh_io *io)
{
	int pin[2], pout[2], perr[2];
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pout, O_CLOEXEC) < 0) {
		close(pin[0]);
		close(pin[1]);
		return -EMFILE;
	}
	if (pipe2(perr, O_CLOEXEC) < 0) {
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		return -EMFILE;
	}
	ssh_slot_take(sh);
	int64_t deadline = clock_ms() + timeout_ms;
	int rc = ssh_spawn(argv, pin[0], pout[1], perr[1], &pid);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (rc < 0) {
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		ssh_slot_give(sh);
		return rc;
	}
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	ssh_pump(pid, pin[1], pout[0], perr[0], deadline, io);
	ssh_slot_give(sh);
	return 0;
}

/* ---- what ssh said ---- */

static const struct {
	const char *needle;
	enum ssh_failure why;
} ssh_phrases[] = {
	{"REMOTE HOST IDENTIFICATION HAS CHANGED", SSH_HOSTKEY_CHANGED},
	{"has changed and you have requested strict checking", SSH_HOSTKEY_CHANGED},
	{"host key is known for", SSH_HOSTKEY_UNKNOWN},
	{"Host key verification failed", SSH_HOSTKEY_UNKNOWN},
	{"Permission denied", SSH_AUTH},
	{"Too many authentication failures", SSH_AUTH},
	{"Connection refused", SSH_REFUSED},
	{"timed out", SSH_TIMEOUT},
	{"No route to host", SSH_UNREACHABLE},
	{"Network is unreachable", SSH_UNREACHABLE},
	{"Could not resolve hostname", SSH_UNRESOLVED},
	{"Name or service not known", SSH_UNRESOLVED},
};

/* Fills res from ssh's stderr: the first phrase table entry found wins (the
 * table is ordered so a changed key is never reported as merely unknown). */
static void ssh_classify(const char *err, struct ssh_result *res)
{
	res->why = SSH_FAILED;
	for (size_t i = 0; i < sizeof(ssh_phrases) / sizeof(*ssh_phrases); i++)
		if (str_casefind(err, ssh_phrases[i].needle) >= 0) {
			res->why = ssh_phrases[i].why;
			break;
		}
	/* the last line that says something: ssh's own words, made inert */
	const char *end = err + strlen(err), *start;
	while (end > err && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (start = end; start > err && start[-1] != '\n';)
		start--;
	char *line = xstrndup(start, (size_t)(end - start));
	char *safe = sanitize_terminal(line);
	snprintf(res->detail, sizeof res->detail, "%s", safe);
	free(safe);
	free(line);
}

/* ---- masters ---- */

static struct ssh_host *ssh_host_find(struct ssh_hosts *sh, const char *host)
{
	for (size_t i = 0; i < sh->n; i++)
		if (strcmp(sh->v[i].host, host) == 0)
			return &sh->v[i];
	return NULL;
}

/* The control socket ssh will use for host: `ssh -G` expands %C for us. */
static char *ssh_control_path(struct ssh_hosts *sh, const char *host, int64_t deadline,
			      struct ssh_result *res)
{
	struct strvec a = {0};
	struct buf out = {0};
	struct ssh_io io = {.out = &out, .out_cap = 1 << 20};
	char *path = NULL;

	ssh_base_argv(sh, &a);
	strvec_push(&a, "-G");
	strvec_push(&a, "--");
	strvec_push(&a, host);
	int64_t left = deadline - clock_ms();
	int rc = ssh_exec(sh, &a, left < 1 ? 1 : (int)left, &io);
	strvec_free(&a);
	buf_append(&out, "", 0);
	buf_append(&io.err, "", 0);
	for (const char *p = out.p; rc == 0 && io.status == 0 && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 12 && strncmp(p, "controlpath ", 12) == 0) {
			path = xstrndup(p + 12, len - 12);
			break;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!path) {
		ssh_classify(io.err.p, res);
		if (io.timed_out)
			res->why = SSH_TIMEOUT;
		if (rc < 0)
			snprintf(res->detail, sizeof res->detail, "cannot run %s: %s", sh->command,
				 strerror(-rc));
	}
	buf_free(&out);
	buf_free(&io.err);
	return path;
}

static bool ssh_is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void ssh_read_log(const char *path, struct buf *b)
{
	char chunk[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	buf_append(b, "", 0);
	while (fd >= 0 && b->len < SSH_ERR_CAP && (n = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(b, chunk, (size_t)n);
	if (fd >= 0)
		close(fd);
}

/* Waits for the master's socket, its exit, or the deadline. */
static int ssh_master_wait(pid_t pid, const char *ctl, const char *log, int64_t deadline,
			   struct ssh_result *res)
{
	int st;
	for (;;) {
		if (ssh_is_socket(ctl))
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			ssh_unregister(pid);
			struct buf b = {0};
			ssh_read_log(log, &b);
			ssh_classify(b.p, res);
			buf_free(&b);
			return -EIO;
		}
		if (clock_ms() >= deadline) {
			ssh_end(pid);
			res->why = SSH_TIMEOUT;
			snprintf(res->detail, sizeof res->detail, "no connection within the timeout");
			return -ETIMEDOUT;
		}
		poll(NULL, 0, SSH_POLL_MS);
	}
}

/* Opens host's master (the caller marked it CONNECTING and dropped the lock).
 * The master is a child of rbdwho (no ControlPersist, no -f): it cannot
 * outlive the run unnoticed, and its pid is known. */
static int ssh_master_open(struct ssh_hosts *sh, const char *host, size_t index, pid_t *pid,
			   const char *ctl, struct ssh_result *res)
{
	int64_t deadline = clock_ms() + sh->o.timeout_ms;
	char *log = xasprintf("%s/m%zu.log", sh->dir, index);
	int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct strvec a = {0};
	ssh_base_argv(sh, &a);
	const char *tail[] = {"-o", "ControlMaster=yes", "-o", "ControlPersist=no", "-N", "--", host};
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
		strvec_push(&a, tail[i]);
	ssh_slot_take(sh);
	ssh_trace(host, "master start");
	int rc = lfd < 0 ? -errno : ssh_spawn(&a, -1, -1, lfd, pid);
	ssh_slot_give(sh);  /* a master is not a running command: it waits, idle */
	if (lfd >= 0)
		close(lfd);
	strvec_free(&a);
	if (rc == 0)
		rc = ssh_master_wait(*pid, ctl, log, deadline, res);
	else
		snprintf(res->detail, sizeof res->detail, "cannot run %s: %s", sh->command,
			 strerror(-rc));
	if (rc < 0 && res->why == SSH_OK)
		res->why = SSH_FAILED;
	ssh_trace(host, rc == 0 ? "master up" : "master failed");
	free(log);
	return rc;
}

/* The host's entry, connected or failed; waits while another thread connects. */
static struct ssh_host ssh_host_ready(struct ssh_hosts *sh, const char *host)
{
	pthread_mutex_lock(&sh->lock);
	struct ssh_host *h;
	while ((h = ssh_host_find(sh, host)) && h->state == HS_CONNECTING)
		pthread_cond_wait(&sh->cond, &sh->lock);
	if (h) {
		struct ssh_host copy = *h;
		copy.ctl = xstrdup(h->ctl);
		pthread_mutex_unlock(&sh->lock);
		return copy;
	}
	xgrow(&sh->v, &sh->cap, sh->n, sizeof *sh->v);
	size_t index = sh->n++;
	memset(&sh->v[index], 0, sizeof sh->v[index]);
	sh->v[index].host = xstrdup(host);
	sh->v[index].state = HS_CONNECTING;
	pthread_mutex_unlock(&sh->lock);

	/* `ssh -G` reads the config only (no network): it runs before the host's
	 * turn to handshake, so that a turn is all handshake. Its own deadline. */
	struct ssh_result res = {0};
	pid_t pid = 0;
	char *ctl = ssh_control_path(sh, host, clock_ms() + sh->o.timeout_ms, &res);
	int rc = -EIO;

	pthread_mutex_lock(&sh->lock);
	if (ctl) {
		while (sh->connecting >= SSH_CONNECTING_MAX)
			pthread_cond_wait(&sh->cond, &sh->lock);
		sh->connecting++;
		pthread_mutex_unlock(&sh->lock);
		rc = ssh_master_open(sh, host, index, &pid, ctl, &res);
		pthread_mutex_lock(&sh->lock);
		sh->connecting--;
	}
	/* by name: forgetting failures may have moved the entry (never removed
	 * it: it is not FAILED while it connects) */
	h = ssh_host_find(sh, host);
	struct ssh_host copy = {.state = rc == 0 ? HS_UP : HS_FAILED,
				.master = rc == 0 ? pid : 0, .fail = res};
	copy.ctl = xstrdup(ctl);
	if (h) {
		h->state = copy.state;
		h->master = copy.master;
		h->ctl = ctl;
		h->fail = res;
		copy.host = h->host;
	} else {
		if (copy.master > 0)
			ssh_end(copy.master);
		free(ctl);
	}
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	return copy;
}

/* A transport failure after the master was up (a host that hangs mid-answer)
 * is remembered: the host costs its timeout once. */
static void ssh_host_failed(struct ssh_hosts *sh, const char *host, const struct ssh_result *res)
{
	pthread_mutex_lock(&sh->lock);
	struct ssh_host *h = ssh_host_find(sh, host);
	if (h && h->state == HS_UP) {
		h->state = HS_FAILED;
		h->fail = *res;
	}
	pthread_mutex_unlock(&sh->lock);
}

void ssh_hosts_forget_failures(struct ssh_hosts *sh)
{
	pthread_mutex_lock(&sh->lock);
	size_t keep = 0;
	for (size_t i = 0; i < sh->n; i++) {
		if (sh->v[i].state == HS_FAILED) {
			free(sh->v[i].host);
			free(sh->v[i].ctl);
			continue;
		}
		sh->v[keep++] = sh->v[i];
	}
	sh->n = keep;
	pthread_mutex_unlock(&sh->lock);
}

char *ssh_libvirt_uri(struct ssh_hosts *sh, const char *uri)
{
	const char *scheme_end = strstr(uri, "://");
	const char *plus = strchr(uri, '+');
	bool ssh = plus && scheme_end && plus < scheme_end && strncmp(plus, "+ssh://", 7) == 0;
	if (!sh || !sh->wrapper || !ssh || strstr(uri, "command="))
		return xstrdup(uri);
	/* the wrapper's path is mkdtemp's: letters, digits, '/', '.', '-' only */
	return xasprintf("%s%ccommand=%s", uri, strchr(uri, '?') ? '&' : '?', sh->wrapper);
}

enum ssh_failure ssh_host_state(struct ssh_hosts *sh, const char *host)
{
	pthread_mutex_lock(&sh->lock);
	struct ssh_host *h = ssh_host_find(sh, host);
	enum ssh_failure f = h && h->state == HS_FAILED ? h->fail.why : SSH_OK;
	pthread_mutex_unlock(&sh->lock);
	return f;
}

static int ssh_refuse(struct ssh_result *res, enum ssh_failure why, const char *detail)
{
	res->why = why;
	snprintf(res->detail, sizeof res->detail, "%s", detail);
	return why == SSH_TIMEOUT ? -ETIMEDOUT : why == SSH_AUTH ? -EACCES : -EIO;
}

int ssh_hosts_connect(struct ssh_hosts *sh, const char *host, struct ssh_result *res)
{
	memset(res, 0, sizeof *res);
	if (!ssh_host_name_ok(host))
		return ssh_refuse(res, SSH_UNSAFE_NAME, "");
	struct ssh_host h = ssh_host_ready(sh, host);
	free(h.ctl);
	if (h.state != HS_FAILED)
		return 0;
	*res = h.fail;
	return res->why == SSH_TIMEOUT ? -ETIMEDOUT : res->why == SSH_AUTH ? -EACCES : -EIO;
}

int ssh_run_script(struct ssh_hosts *sh, const char *host, const char *script,
		   const char *const *args, size_t nargs, size_t out_cap, struct buf *out,
		   struct ssh_result *res)
{
	memset(res, 0, sizeof *res);
	buf_append(out, "", 0);
	if (!ssh_host_name_ok(host))
		return ssh_refuse(res, SSH_UNSAFE_NAME, "");
	for (size_t i = 0; i < nargs; i++)
		if (!ssh_arg_ok(args[i]))
			return ssh_refuse(res, SSH_FAILED, "refused a remote argument that is not a number");
	struct ssh_host h = ssh_host_ready(sh, host);
	if (h.state == HS_FAILED) {
		*res = h.fail;
		free(h.ctl);
		return res->why == SSH_TIMEOUT ? -ETIMEDOUT : res->why == SSH_AUTH ? -EACCES : -EIO;
	}
	free(h.ctl);

	struct strvec a = {0};
	ssh_base_argv(sh, &a);
	const char *tail[] = {"-o", "ControlMaster=no", "--", host, "sh", "-s", "--"};
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
		strvec_push(&a, tail[i]);
	for (size_t i = 0; i < nargs; i++)
		strvec_push(&a, args[i]);
	struct ssh_io io = {.in = script, .inlen = strlen(script), .out = out, .out_cap = out_cap};
	ssh_trace(host, "command start");
	int rc = ssh_exec(sh, &a, sh->o.timeout_ms, &io);
	ssh_trace(host, "command end");
	strvec_free(&a);
	buf_append(&io.err, "", 0);
	if (rc < 0) {
		snprintf(res->detail, sizeof res->detail, "cannot run %s: %s", sh->command, strerror(-rc));
		res->why = SSH_FAILED;
	} else if (io.timed_out) {
		ssh_refuse(res, SSH_TIMEOUT, "the host stopped answering mid-way");
		ssh_host_failed(sh, host, res);
		rc = -ETIMEDOUT;
	} else if (io.too_big) {
		char d[96];
		snprintf(d, sizeof d, "answer larger than %zu bytes", out_cap);
		rc = ssh_refuse(res, SSH_BAD_ANSWER, d);
	} else if (io.status == 255) {
		ssh_classify(io.err.p, res);
		ssh_host_failed(sh, host, res);
		rc = -EIO;
	} else {
		res->status = io.status;
	}
	buf_free(&io.err);
	return rc;
}

/* ---- the end of the run ---- */

/* Any other ssh that is rbdwho's direct child (libvirt's qemu+ssh transport,
 * through the wrapper or not) is ended too: nothing rbdwho caused may outlive
 * it. Only signalled, not reaped: libvirt reaps its own children. */
static void ssh_end_stray_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t me = getpid();

	while (d && (de = readdir(d)) != NULL) {
		char path[300], st[512];
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, st, sizeof st - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		st[n] = '\0';
		const char *open_paren = strchr(st, '('), *close_paren = strrchr(st, ')');
		if (!open_paren || !close_paren || close_paren < open_paren)
			continue;
		/* ") S PPID ...": the state letter, then the parent's pid */
		if (close_paren[1] != ' ' || !close_paren[2] || close_paren[3] != ' ' ||
		    strtol(close_paren + 4, NULL, 10) != (long)me)
			continue;
		if ((size_t)(close_paren - open_paren - 1) == 3 && strncmp(open_paren + 1, "ssh", 3) == 0)
			kill((pid_t)strtol(de->d_name, NULL, 10), SIGTERM);
	}
	if (d)
		closedir(d);
}

/* The private directory and all in it (logs, the wrapper, stale sockets):
 * only rbdwho writes there (0700). */
static void ssh_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Ends every master at once: TERM to all, then one grace period shared by all
 * (ending them one after another cost a poll tick or more each: 20 hosts,
 * 0.2 s at every exit), KILL for those still there; every one reaped. */
static void ssh_end_masters(struct ssh_hosts *sh)
{
	size_t left = 0;
	for (size_t i = 0; i < sh->n; i++)
		if (sh->v[i].master > 0) {
			kill(sh->v[i].master, SIGTERM);
			left++;
		}
	for (int64_t until = clock_ms() + SSH_GRACE_MS; left > 0;) {
		bool late = clock_ms() >= until;
		for (size_t i = 0; i < sh->n; i++) {
			pid_t pid = sh->v[i].master;
			int st;
			if (pid <= 0)
				continue;
			if (late)
				kill(pid, SIGKILL);
			pid_t r = waitpid(pid, &st, late ? 0 : WNOHANG);
			if (r == pid || (r < 0 && errno == ECHILD)) {
				ssh_unregister(pid);
				sh->v[i].master = 0;
				left--;
			}
		}
		if (left > 0 && !late)
			poll(NULL, 0, 2);
	}
}

void ssh_hosts_free(struct ssh_hosts *sh)
{
	if (!sh)
		return;
	ssh_trace(NULL, "ending the masters");
	ssh_end_masters(sh);
	ssh_trace(NULL, "masters ended");
	for (size_t i = 0; i < sh->n; i++) {
		if (sh->v[i].ctl)
			unlink(sh->v[i].ctl);
		free(sh->v[i].host);
		free(sh->v[i].ctl);
	}
	ssh_end_stray_children();
	ssh_dir_unregister(sh->dir);
	ssh_remove_dir(sh->dir);
	free(sh->wrapper);
	free(sh->dir);
	free(sh->config);
	free(sh->command);
	free(sh->v);
	pthread_cond_destroy(&sh->cond);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}
