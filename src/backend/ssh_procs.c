/* ssh_procs.c — the fixed remote scripts and the parser of their answers. A
 * remote host is not trusted: its answer is capped in size (by ssh.c), every
 * record is checked, and what it says is only ever data (argv is parsed, never
 * run; text reaches a screen only through the reports' sanitizing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ssh_procs.h"
#include "rbdwho/util.h"

/* POSIX sh, read-only. Its only input is an optional pid (an integer checked
 * by ssh.c). Lines: a header, T ticks per second, B boot time, then per
 * process P pid, U uid, S stat (newlines made blanks, so that a process's own
 * name cannot forge a record), A argv as hex; per kernel mapping K id and
 * "k field value"; END when complete. */
const char ssh_procs_script[] =
	"export LC_ALL=C\n"
	"echo RBDWHO-PROCS 1\n"
	"echo \"T $(getconf CLK_TCK 2>/dev/null)\"\n"
	"sed -n 's/^btime /B /p' /proc/stat\n"
	"one=$1\n"
	"if [ -n \"$one\" ]; then set -- \"/proc/$one/cmdline\"\n"
	"else set -- $(grep -la rbd /proc/[0-9]*/cmdline 2>/dev/null); fi\n"
	"for f in \"$@\"; do\n"
	"  d=${f%/cmdline}\n"
	"  s=$(tr '\\n' ' ' 2>/dev/null < \"$d/stat\") || continue\n"
	"  a=$(od -An -v -tx1 \"$f\" 2>/dev/null | tr -d ' \\n')\n"
	"  u=$(sed -n 's/^Uid:[[:space:]]*\\([0-9]*\\).*/\\1/p' \"$d/status\" 2>/dev/null)\n"
	"  printf 'P %s\\nU %s\\nS %s\\nA %s\\n' \"${d#/proc/}\" \"$u\" \"$s\" \"$a\"\n"
	"done\n"
	"if [ -z \"$one\" ]; then for d in /sys/bus/rbd/devices/*; do\n"
	"  [ -d \"$d\" ] || continue\n"
	"  printf 'K %s\\n' \"${d##*/}\"\n"
	"  for f in pool pool_ns name current_snap client_id client_addr; do\n"
	"    [ -r \"$d/$f\" ] && printf 'k %s %s\\n' \"$f\" \"$(head -n 1 \"$d/$f\" | tr -d '\\n')\"\n"
	"  done\n"
	"done; fi\n"
	"echo END\n";

/* $1 mode (0: is it alive, 1: SIGTERM it), $2 pid, $3 its start time in
 * ticks. Exit 0: alive (mode 0) or signalled (mode 1); 3: gone or a zombie;
 * 4: that pid is now another process; 5: kill failed. */
static const char ssh_term_script[] =
	"export LC_ALL=C\n"
	"mode=$1 p=$2 want=$3\n"
	"s=$(tr '\\n' ' ' 2>/dev/null < /proc/$p/stat) || exit 3\n"
	"[ -n \"$s\" ] || exit 3\n"
	"s=${s##*\") \"}\n"
	"set -- $s\n"
	"[ \"${20}\" = \"$want\" ] || exit 4\n"
	"[ \"$1\" = Z ] && exit 3\n"
	"[ \"$mode\" = 1 ] || exit 0\n"
	"kill -TERM \"$p\" 2>/dev/null || exit 5\n"
	"exit 0\n";

#define SSH_PROCS_MAX_ARGV (16u << 20)

struct procs_parser {
	struct proc_list *procs;
	struct krbd_list *maps;
	long hz;
	long long btime;
	/* the record being read */
	long pid, uid;
	char *stat, *hex;
	bool in_proc;
	struct krbd_map map;
	bool in_map;
};

static long parse_long(const char *s, size_t len, long max)
{
	long v = 0;
	if (len == 0 || len > 19)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex to bytes (NUL-terminated for proc_split_cmdline); NULL when not hex. */
static char *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	if (n % 2 || n / 2 > SSH_PROCS_MAX_ARGV)
		return NULL;
	char *out = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i / 2] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	*len = n / 2;
	return out;
}

static void proc_record_end(struct procs_parser *p)
{
	size_t len = 0;
	char *data = p->in_proc && p->pid > 0 && p->hex ? unhex(p->hex, &len) : NULL;
	if (data && len > 0) {
		const char **argv = NULL;
		size_t argc = 0;
		struct proc_holder h;
		proc_split_cmdline(data, len, &argv, &argc);
		if (proc_holder_from_argv(argv, argc, &h) == 0) {
			h.pid = (pid_t)p->pid;
			h.uid = p->uid;
			h.user = p->uid >= 0 ? xasprintf("uid %ld", p->uid) : NULL;
			h.start_ticks = p->stat ? proc_stat_start_ticks(p->stat) : 0;
			if (h.start_ticks && p->btime > 0 && p->hz > 0)
				h.started = (time_t)(p->btime + (long long)(h.start_ticks / (unsigned long long)p->hz));
			proc_list_take(p->procs, &h);
		}
		free(argv);
	}
	free(data);
	free(p->stat);
	free(p->hex);
	p->stat = p->hex = NULL;
	p->in_proc = false;
	p->pid = p->uid = -1;
}

static void map_record_end(struct procs_parser *p)
{
	if (p->in_map)
		krbd_list_take(p->maps, &p->map);
	krbd_map_clear(&p->map);
	p->in_map = false;
}

static void records_end(struct procs_parser *p)
{
	proc_record_end(p);
	map_record_end(p);
}

/* One line (without its newline); unknown lines are ignored. */
static void parse_line(struct procs_parser *p, const char *s, size_t len)
{
	if (len < 2 || s[1] != ' ')
		return;
	const char *v = s + 2;
	size_t vlen = len - 2;
	switch (s[0]) {
	case 'T':
		p->hz = parse_long(v, vlen, 1000000);
		break;
	case 'B':
		p->btime = parse_long(v, vlen, 1L << 40);
		break;
	case 'P':
		records_end(p);
		p->in_proc = true;
		p->pid = parse_long(v, vlen, 1L << 30);
		break;
	case 'U':
		if (p->in_proc)
			p->uid = parse_long(v, vlen, 1L << 32);
		break;
	case 'S':
		if (p->in_proc && !p->stat)
			p->stat = xstrndup(v, vlen < 4096 ? vlen : 4096);
		break;
	case 'A':
		if (p->in_proc && !p->hex && vlen / 2 <= SSH_PROCS_MAX_ARGV)
			p->hex = xstrndup(v, vlen);
		break;
	case 'K':
		records_end(p);
		if (parse_long(v, vlen, 1L << 30) >= 0) {
			p->in_map = true;
			p->map.id = xstrndup(v, vlen);
		}
		break;
	case 'k': {
		const char *sp = memchr(v, ' ', vlen);
		if (p->in_map && sp && sp - v < 16) {
			char field[16];
			memcpy(field, v, (size_t)(sp - v));
			field[sp - v] = '\0';
			krbd_map_set(&p->map, field, sp + 1, vlen - (size_t)(sp - v) - 1);
		}
		break;
	}
	default:
		break;
	}
}

int ssh_procs_parse(const char *data, size_t len, struct proc_list *procs,
		    struct krbd_list *maps, struct rw_error *err)
{
	static const char header[] = "RBDWHO-PROCS 1\n";
	struct procs_parser p = {.procs = procs, .maps = maps, .pid = -1, .uid = -1};
	bool ended = false;

	memset(procs, 0, sizeof *procs);
	memset(maps, 0, sizeof *maps);
	if (len < sizeof header - 1 || memcmp(data, header, sizeof header - 1) != 0)
		return rw_error_set(err, -EPROTO, "the host's answer is not a process list");
	for (size_t i = sizeof header - 1; i < len && !ended;) {
		const char *nl = memchr(data + i, '\n', len - i);
		if (!nl)
			break; /* a last line without its newline: cut short */
		size_t n = (size_t)(nl - (data + i));
		if (n == 3 && memcmp(data + i, "END", 3) == 0)
			ended = true;
		else
			parse_line(&p, data + i, n);
		i += n + 1;
	}
	records_end(&p);
	if (!ended) {
		proc_list_free(procs);
		krbd_list_free(maps);
		return rw_error_set(err, -EPROTO, "the host's answer was cut short");
	}
	return 0;
}

static int procs_fail(const struct ssh_result *res, int rc, const char *host,
		      struct rw_error *err)
{
	return rw_error_set(err, rc, "%s: %s%s%s", host, ssh_failure_text(res->why),
			    res->detail[0] ? ": " : "", res->detail);
}

int ssh_procs_list(struct ssh_hosts *sh, const char *host, struct proc_list *procs,
		   struct krbd_list *maps, struct ssh_result *res, struct rw_error *err)
{
	struct buf out = {0};
	memset(procs, 0, sizeof *procs);
	memset(maps, 0, sizeof *maps);
	int rc = ssh_run_script(sh, host, ssh_procs_script, NULL, 0, SSH_PROCS_MAX_ANSWER, &out, res);
	if (rc == 0 && res->status != 0) {
		res->why = SSH_BAD_ANSWER;
		snprintf(res->detail, sizeof res->detail, "the remote script exited with status %d",
			 res->status);
		rc = -EPROTO;
	}
	if (rc == 0 && (rc = ssh_procs_parse(out.p, out.len, procs, maps, err)) < 0) {
		res->why = SSH_BAD_ANSWER;
		snprintf(res->detail, sizeof res->detail, "%.200s", err->msg);
	}
	buf_free(&out);
	return rc < 0 ? procs_fail(res, rc, host, err) : 0;
}

static void ulltoa(unsigned long long v, char *out, size_t n)
{
	snprintf(out, n, "%llu", v);
}

int ssh_procs_reread(struct ssh_hosts *sh, const char *host, long pid,
		     unsigned long long start_ticks, struct proc_holder *out,
		     struct ssh_result *res, struct rw_error *err)
{
	char spid[24];
	const char *args[] = {spid};
	struct buf ans = {0};
	struct proc_list l = {0};
	struct krbd_list maps = {0};

	memset(out, 0, sizeof *out);
	snprintf(spid, sizeof spid, "%ld", pid);
	int rc = ssh_run_script(sh, host, ssh_procs_script, args, 1, SSH_PROCS_MAX_ANSWER, &ans, res);
	if (rc < 0) {
		buf_free(&ans);
		return procs_fail(res, rc, host, err);
	}
	rc = ssh_procs_parse(ans.p, ans.len, &l, &maps, err);
	buf_free(&ans);
	krbd_list_free(&maps);
	if (rc == 0 && (l.n != 1 || l.v[0].pid != (pid_t)pid || l.v[0].start_ticks != start_ticks))
		rc = rw_error_set(err, -ENOENT, "process %ld on %s is gone (or its pid now belongs "
				  "to another process)", pid, host);
	if (rc == 0) {
		*out = l.v[0];
		l.n = 0;
	}
	proc_list_free(&l);
	return rc;
}

/* mode 0: 0 when alive; mode 1: 0 when signalled. -ENOENT gone, -ESRCH reused. */
static int ssh_term_run(struct ssh_hosts *sh, const char *host, int mode, long pid,
			unsigned long long start_ticks, struct ssh_result *res, struct rw_error *err)
{
	char smode[4], spid[24], sticks[24];
	const char *args[] = {smode, spid, sticks};
	struct buf ans = {0};
	snprintf(smode, sizeof smode, "%d", mode);
	snprintf(spid, sizeof spid, "%ld", pid);
	ulltoa(start_ticks, sticks, sizeof sticks);
	int rc = ssh_run_script(sh, host, ssh_term_script, args, 3, 4096, &ans, res);
	buf_free(&ans);
	if (rc < 0)
		return procs_fail(res, rc, host, err);
	switch (res->status) {
	case 0:
		return 0;
	case 3:
		return rw_error_set(err, -ENOENT, "process %ld on %s is gone", pid, host);
	case 4:
		return rw_error_set(err, -ESRCH, "pid %ld on %s now belongs to another process: "
				    "not signalled", pid, host);
	default:
		return rw_error_set(err, -EIO, "could not signal process %ld on %s (status %d)", pid,
				    host, res->status);
	}
}

int ssh_procs_terminate(struct ssh_hosts *sh, const char *host, long pid,
			unsigned long long start_ticks, struct ssh_result *res,
			struct rw_error *err)
{
	return ssh_term_run(sh, host, 1, pid, start_ticks, res, err);
}

int ssh_procs_alive(struct ssh_hosts *sh, const char *host, long pid,
		    unsigned long long start_ticks, struct ssh_result *res, struct rw_error *err)
{
	return ssh_term_run(sh, host, 0, pid, start_ticks, res, err);
}
