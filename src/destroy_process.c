/* destroy_process.c — stopping a plain process libvirt does not manage (a
 * qemu started by hand), here or on another host over ssh. The pid alone is
 * never trusted: the process is re-read right before the signal (argv, uid,
 * start time), and the signal itself is only sent if the start time still
 * matches, so a pid reused meanwhile is never hit. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rbdwho/destroy.h"
#include "rbdwho/proc.h"
#include "rbdwho/ssh_procs.h"
#include "destroy_internal.h"

#define DESTROY_POLL_MS 100

static bool host_is_local(struct chain *ch, const char *host)
{
	const char *local = chain_local_host(ch);
	return strcmp(host, "localhost") == 0 || strcmp(host, "local") == 0 ||
	       (local && strcmp(host, local) == 0);
}

/* The holder processes of host: /proc here, the fixed script over ssh there. */
static int host_processes(struct chain *ch, const char *host, struct proc_list *l,
			  struct rw_error *err)
{
	if (host_is_local(ch, host))
		return proc_scan(chain_proc_root(ch), l, err);
	if (!chain_ssh(ch))
		return rw_error_set(err, -EIO, "processes on %s cannot be read: [ssh] enabled = no",
				    host);
	struct krbd_list maps = {0};
	struct ssh_result res;
	int rc = ssh_procs_list(chain_ssh(ch), host, l, &maps, &res, err);
	krbd_list_free(&maps);
	return rc;
}

static bool process_is(const struct proc_holder *p, const char *want)
{
	return (p->info.name && strcmp(p->info.name, want) == 0) ||
	       (p->info.uuid && strcasecmp(p->info.uuid, want) == 0);
}

int destroy_prepare_process(struct chain *ch, const char *name, struct destroy_plan *plan,
			    struct rw_error *err)
{
	struct proc_list l = {0};
	int rc = host_processes(ch, plan->host, &l, err);
	if (rc < 0)
		return rc;
	const struct proc_holder *hit = NULL;
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		if (process_is(&l.v[i], name)) {
			hit = &l.v[i];
			n++;
		}
	if (n == 0)
		rc = rw_error_set(err, -ENOENT, "no domain and no process named or with UUID '%s' on "
				  "%s (%s)", name, plan->host, plan->uri);
	else if (n > 1)
		rc = rw_error_set(err, -EINVAL, "%zu processes on %s are named '%s': refusing to "
				  "choose", n, plan->host, name);
	else if (hit->start_ticks == 0 || hit->uid < 0)
		rc = rw_error_set(err, -EPROTO, "process %d on %s: its start time or uid could not "
				  "be read, so a reused pid could not be told apart", (int)hit->pid,
				  plan->host);
	if (rc == 0) {
		plan->process = true;
		plan->pid = hit->pid;
		plan->uid = hit->uid;
		plan->start_ticks = hit->start_ticks;
		plan->cmdline = xstrdup(hit->cmdline);
		plan->name = xstrdup(hit->info.name ? hit->info.name : name);
		plan->uuid = xstrdup(hit->info.uuid);
		plan->state = xasprintf("running, pid %d, not managed by libvirt", (int)hit->pid);
		for (size_t d = 0; d < hit->info.disks.n; d++) {
			char *spec = rbd_ref_spec(&hit->info.disks.v[d]);
			if (strvec_contains(&plan->volumes, spec))
				free(spec);
			else
				strvec_push_owned(&plan->volumes, spec);
		}
	}
	proc_list_free(&l);
	return rc;
}

/* ---- the local side of the three remote scripts ---- */

/* 0 alive with that start time, -ENOENT gone or a zombie, -ESRCH reused. */
static int local_state(struct chain *ch, long pid, unsigned long long ticks)
{
	const char *root = chain_proc_root(ch) ? chain_proc_root(ch) : "/proc";
	char path[300], st[1024];
	snprintf(path, sizeof path, "%s/%ld/stat", root, pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, st, sizeof st - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -ENOENT;
	st[n] = '\0';
	const char *paren = strrchr(st, ')');
	if (paren && paren[1] == ' ' && paren[2] == 'Z')
		return -ENOENT;
	return proc_stat_start_ticks(st) == ticks ? 0 : -ESRCH;
}

static int process_reread(struct chain *ch, const struct destroy_plan *plan,
			  struct proc_holder *out, struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	if (!host_is_local(ch, plan->host)) {
		struct ssh_result res;
		if (!chain_ssh(ch))
			return rw_error_set(err, -EIO, "[ssh] enabled = no");
		return ssh_procs_reread(chain_ssh(ch), plan->host, plan->pid, plan->start_ticks, out,
					&res, err);
	}
	struct proc_list l = {0};
	int rc = proc_scan(chain_proc_root(ch), &l, err);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		if (l.v[i].pid == (pid_t)plan->pid && l.v[i].start_ticks == plan->start_ticks) {
			*out = l.v[i];
			memset(&l.v[i], 0, sizeof l.v[i]);
			proc_list_free(&l);
			return 0;
		}
	proc_list_free(&l);
	return rc < 0 ? rc
		      : rw_error_set(err, -ENOENT, "process %ld is gone (or its pid now belongs to "
				     "another process)", plan->pid);
}

static int process_signal(struct chain *ch, const struct destroy_plan *plan, struct rw_error *err)
{
	if (!host_is_local(ch, plan->host)) {
		struct ssh_result res;
		return ssh_procs_terminate(chain_ssh(ch), plan->host, plan->pid, plan->start_ticks,
					   &res, err);
	}
	int rc = local_state(ch, plan->pid, plan->start_ticks);
	if (rc == -ESRCH)
		return rw_error_set(err, -ESRCH, "pid %ld now belongs to another process: not "
				    "signalled", plan->pid);
	if (rc < 0)
		return rw_error_set(err, -ENOENT, "process %ld is gone", plan->pid);
	if (kill((pid_t)plan->pid, SIGTERM) < 0)
		return rw_error_set(err, -errno, "kill %ld: %s", plan->pid, strerror(errno));
	return 0;
}

static int process_alive(struct chain *ch, const struct destroy_plan *plan, struct rw_error *err)
{
	if (!host_is_local(ch, plan->host)) {
		struct ssh_result res;
		return ssh_procs_alive(chain_ssh(ch), plan->host, plan->pid, plan->start_ticks, &res,
				       err);
	}
	return local_state(ch, plan->pid, plan->start_ticks);
}

/* The re-read process must be the planned one, unchanged. */
static int check_process_fresh(const struct destroy_plan *plan, const struct proc_holder *now,
			       struct rw_error *err)
{
	if (now->start_ticks != plan->start_ticks)
		return rw_error_set(err, -EPERM, "pid %ld was reused: another process now", plan->pid);
	if (now->uid != plan->uid)
		return rw_error_set(err, -EPERM, "process %ld now runs as uid %ld, planned uid %ld",
				    plan->pid, now->uid, plan->uid);
	if (!now->cmdline || !plan->cmdline || strcmp(now->cmdline, plan->cmdline) != 0)
		return rw_error_set(err, -EPERM, "process %ld's command line changed since the plan",
				    plan->pid);
	return 0;
}

int destroy_process_preflight(struct chain *ch, const struct destroy_plan *plan,
			      struct rw_error *why)
{
	struct proc_holder now;
	struct rw_error e = {0};
	int rc = process_reread(ch, plan, &now, &e);
	if (rc == -ENOENT)
		rc = rw_error_set(why, -EPERM, "%s", e.msg);
	else if (rc < 0)
		rc = rw_error_set(why, rc, "cannot re-read the process before acting: %s", e.msg);
	else
		rc = check_process_fresh(plan, &now, why);
	proc_holder_clear(&now);
	return rc;
}

int destroy_process_terminate(struct chain *ch, const struct destroy_plan *plan,
			      struct rw_error *why)
{
	int rc = process_signal(ch, plan, why);
	if (rc == -ESRCH)
		return rw_error_set(why, -EPERM, "%s", why->msg);
	if (rc < 0)
		return rc;
	/* Gone means gone: the watch drops once the client has exited. */
	int64_t until = clock_ms() + chain_timeout_ms(ch);
	struct rw_error e = {0};
	while ((rc = process_alive(ch, plan, &e)) == 0 && clock_ms() < until)
		usleep(DESTROY_POLL_MS * 1000);
	if (rc == -ENOENT || rc == -ESRCH)
		return 0;
	if (rc == 0)
		return rw_error_set(why, -ETIMEDOUT, "process %ld on %s still runs %d s after SIGTERM",
				    plan->pid, plan->host, chain_timeout_ms(ch) / 1000);
	return rw_error_set(why, rc, "after SIGTERM, could not tell whether process %ld is gone: "
			    "%s", plan->pid, e.msg);
}

char *destroy_manual_command(const struct destroy_plan *plan)
{
	if (!plan->process)
		return xasprintf("virsh -c '%s' destroy '%s'", plan->uri ? plan->uri : "?",
				 plan->uuid ? plan->uuid : "?");
	char *check = xasprintf("cut -d' ' -f22 /proc/%ld/stat  # must print %llu, else the pid "
				"was reused", plan->pid, plan->start_ticks);
	char *cmd = strcmp(plan->host, "localhost") == 0 || strcmp(plan->host, "local") == 0
			    ? xasprintf("kill -TERM %ld   # after: %s", plan->pid, check)
			    : xasprintf("ssh -- %s 'kill -TERM %ld'   # after: %s", plan->host,
					plan->pid, check);
	free(check);
	return cmd;
}
