/* proc.c — finds the local processes whose command line names an RBD image, by
 * walking /proc (or a captured copy of it). Processes come and go while we read:
 * one that vanishes mid-read is skipped, never an error. */
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbdwho/proc.h"
#include "rbdwho/redact.h"
#include "rbdwho/util.h"

/* Linux caps argv+envp at a quarter of the stack limit; 16 MiB is far above any
 * real qemu command line and keeps a corrupt captured file from eating memory. */
#define PROC_MAX_FILE (16u << 20)

/* Reads a whole file relative to dirfd into b. Returns 0 or -errno; ESRCH
 * (the process died between open and read) comes back as -ENOENT. */
static int proc_read_file(int dirfd, const char *name, struct buf *b)
{
	char chunk[8192];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	buf_append(b, "", 0);
	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno == ESRCH ? ENOENT : errno;
			close(fd);
			return -e;
		}
		if (n == 0 || b->len + (size_t)n > PROC_MAX_FILE)
			break;
		buf_append(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/* "btime N" from a stat file: the boot time in seconds since the epoch. */
static time_t proc_read_btime_at(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[256];
	long long v = 0;

	if (!f)
		return 0;
	/* strtoll, not sscanf: an out-of-range number in a (test) stat file is
	 * clamped, where sscanf's overflow is undefined behaviour. */
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "btime ", 6) == 0) {
			v = strtoll(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return v > 0 ? (time_t)v : 0;
}

static time_t proc_read_btime(const char *root)
{
	char *path = xasprintf("%s/stat", root);
	time_t t = proc_read_btime_at(path);

	free(path);
	return t ? t : proc_read_btime_at("/proc/stat");
}

/* The user name for a uid, or "uid N" when the password database has none. */
static char *proc_user_name(uid_t uid)
{
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t len = sz > 0 ? (size_t)sz : 1024;
	struct passwd pw, *res = NULL;
	char *name = NULL;

	for (;;) {
		char *bufp = xmalloc(len);
		int rc = getpwuid_r(uid, &pw, bufp, len, &res);
		if (rc == ERANGE && len < (1u << 20)) {
			free(bufp);
			len *= 2;
			continue;
		}
		if (rc == 0 && res)
			name = xstrdup(pw.pw_name);
		free(bufp);
		break;
	}
	return name ? name : xasprintf("uid %lu", (unsigned long)uid);
}

/* The real uid from status's "Uid:\treal\teffective\tsaved\tfs" line. */
static char *proc_read_user(const char *status, long *uid_out)
{
	const char *p = status;

	while (p && *p) {
		/* strtoul, not sscanf: no undefined behaviour on an overlong number. */
		if (strncmp(p, "Uid:", 4) == 0) {
			char *end;
			unsigned long uid = strtoul(p + 4, &end, 10);
			if (end != p + 4) {
				*uid_out = (long)uid;
				return proc_user_name((uid_t)uid);
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* The wall-clock start time: boot time plus the start ticks. */
static time_t proc_read_started(const char *stat, time_t btime, unsigned long long *ticks)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (!proc_stat_ticks(stat, ticks) || btime == 0 || hz <= 0)
		return 0;
	return btime + (time_t)(*ticks / (unsigned long long)hz);
}

/* A file of a live process that is missing means the process is gone; in a
 * captured directory it just was not captured. */
static int proc_pid_gone(int rootfd, const char *name)
{
	struct stat st;

	return fstatat(rootfd, name, &st, 0) < 0 && (errno == ENOENT || errno == ESRCH);
}

/* Fills h from status and stat. Returns -ENOENT when the process vanished. */
static int proc_read_details(int rootfd, const char *name, int pfd, time_t btime,
                             struct proc_holder *h)
{
	struct buf status = {0}, stat = {0};
	int rc = 0;

	if (proc_read_file(pfd, "status", &status) == 0)
		h->user = proc_read_user(status.p, &h->uid);
	if (proc_read_file(pfd, "stat", &stat) == 0)
		h->started = proc_read_started(stat.p, btime, &h->start_ticks);
	if ((!h->user || !h->started) && proc_pid_gone(rootfd, name))
		rc = -ENOENT;
	buf_free(&status);
	buf_free(&stat);
	return rc;
}

/* Reads one PID directory. Returns 0 when h now holds a process with ≥1 disk,
 * a negative code when it is to be skipped (gone, unreadable, no image). */
static int proc_read_one(int rootfd, const char *name, time_t btime, struct proc_holder *h)
{
	struct buf cmd = {0};
	const char **argv = NULL;
	size_t argc = 0;
	int rc, pfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(h, 0, sizeof(*h));
	if (pfd < 0)
		return -errno;
	rc = proc_read_file(pfd, "cmdline", &cmd);
	if (rc == 0)
		proc_split_cmdline(cmd.p, cmd.len, &argv, &argc);
	if (rc == 0)
		rc = proc_holder_from_argv(argv, argc, h);
	if (rc == 0) {
		h->pid = (pid_t)strtol(name, NULL, 10);
		rc = proc_read_details(rootfd, name, pfd, btime, h);
	}
	if (rc)
		proc_holder_clear(h);
	free(argv);
	buf_free(&cmd);
	close(pfd);
	return rc;
}

static int proc_is_pid(const char *s)
{
	if (!*s || strlen(s) > 10)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int proc_holder_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct proc_holder *)a)->pid, y = ((const struct proc_holder *)b)->pid;
	return (x > y) - (x < y);
}

int proc_scan(const char *proc_root, struct proc_list *out, struct rw_error *err)
{
	const char *root = proc_root ? proc_root : "/proc";
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	d = opendir(root);
	if (!d) {
		int e = errno;
		return rw_error_set(err,
		                    e == ENOENT   ? -ENOENT
		                    : e == EACCES ? -EACCES
		                                  : -EIO,
		                    "cannot read processes from %s: %s", root, strerror(e));
	}
	time_t btime = proc_read_btime(root);
	while ((de = readdir(d)) != NULL) {
		if (!proc_is_pid(de->d_name))
			continue;
		xgrow(&out->v, &out->cap, out->n, sizeof(*out->v));
		if (proc_read_one(dirfd(d), de->d_name, btime, &out->v[out->n]) == 0)
			out->n++;
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), proc_holder_cmp);
	return 0;
}

