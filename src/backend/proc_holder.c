/* proc_holder.c — what the local /proc walk and a remote host's process list
 * share: splitting a command line, reading the start time from a stat line,
 * and turning an argv into a holder. Pure code, no I/O, so the hermetic UI
 * build (tests/fake) can fake only the /proc walk itself. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/proc.h"
#include "rbdwho/redact.h"
#include "rbdwho/util.h"

/* Splits a NUL-separated cmdline; the last argument may lack its NUL (the buf
 * itself is NUL-terminated). The pointers point into data. */
void proc_split_cmdline(const char *data, size_t len, const char ***argv, size_t *argc)
{
	size_t cap = 0, start = 0;

	*argv = NULL;
	*argc = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && data[i] != '\0')
			continue;
		if (i == len && start == len)
			break; /* a trailing NUL ends the list, it starts no empty argument */
		xgrow(argv, &cap, *argc, sizeof(**argv));
		(*argv)[(*argc)++] = data + start;
		start = i + 1;
	}
}

bool proc_stat_ticks(const char *stat, unsigned long long *out)
{
	const char *p = strrchr(stat, ')');

	*out = 0;
	if (!p)
		return false;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			return false;
		if (field == 22) {
			char *end;
			errno = 0;
			*out = strtoull(p, &end, 10);
			if (end == p || errno)
				*out = 0;
			return end != p && !errno;
		}
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	return false;
}

unsigned long long proc_stat_start_ticks(const char *stat)
{
	unsigned long long t;
	return proc_stat_ticks(stat, &t) ? t : 0;
}

void proc_holder_clear(struct proc_holder *h)
{
	free(h->user);
	free(h->comm);
	free(h->cmdline);
	argv_info_clear(&h->info);
	memset(h, 0, sizeof(*h));
}

static const char *proc_base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

int proc_holder_from_argv(const char *const *argv, size_t argc, struct proc_holder *h)
{
	memset(h, 0, sizeof(*h));
	h->uid = -1;
	/* no command line: a kernel thread or a zombie */
	if (argc == 0 || parse_argv(argv, argc, &h->info) != 0 ||
	    !argv_info_names_rbd(&h->info)) {
		proc_holder_clear(h);
		h->uid = -1;
		return -ENOENT;
	}
	h->comm = xstrdup(proc_base_name(argv[0]));
	h->cmdline = redact_argv(argv, argc);
	return 0;
}

void proc_list_take(struct proc_list *l, struct proc_holder *h)
{
	xgrow(&l->v, &l->cap, l->n, sizeof(*l->v));
	l->v[l->n++] = *h;
	memset(h, 0, sizeof(*h));
}

void proc_list_free(struct proc_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		proc_holder_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
