/* chain_hosts.c — the holders a host's processes and kernel mappings show,
 * local (/proc, --sys-root) or remote (ssh_procs.h, once per host per chain),
 * and the record of every source asked: what answered, what failed and why. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/ssh_procs.h"
#include "rbdwho/util.h"
#include "chain_internal.h"

static const char *const check_source_names[] = {
#define CHECK_X(e, n) n,
	CHECK_SOURCES(CHECK_X)
#undef CHECK_X
};
static const char *const check_reason_names[] = {
#define CHECK_X(e, n) n,
	CHECK_REASONS(CHECK_X)
#undef CHECK_X
};

const char *check_source_name(enum check_source s)
{
	return (unsigned)s < sizeof check_source_names / sizeof *check_source_names
		       ? check_source_names[s] : "?";
}

const char *check_state_name(enum check_state s)
{
	return s == CHECK_OK ? "ok" : s == CHECK_FAILED ? "failed" : "skipped";
}

const char *source_check_reason_name(const struct source_check *c)
{
	if (c->reason == CHECK_R_SSH)
		return ssh_failure_name((enum ssh_failure)c->ssh);
	return (unsigned)c->reason < sizeof check_reason_names / sizeof *check_reason_names
		       ? check_reason_names[c->reason] : "?";
}

struct source_check *chain_check_add(struct watcher_view *w, enum check_source src,
				     enum check_state state, enum check_reason why,
				     const char *via, const char *detail)
{
	w->checks = xrealloc(w->checks, (w->nchecks + 1) * sizeof *w->checks);
	struct source_check *c = &w->checks[w->nchecks++];
	memset(c, 0, sizeof *c);
	c->source = src;
	c->state = state;
	c->reason = why;
	c->via = xstrdup(via);
	c->detail = xstrdup(detail);
	return c;
}

void chain_checks_free(struct watcher_view *w)
{
	for (size_t i = 0; i < w->nchecks; i++) {
		free(w->checks[i].via);
		free(w->checks[i].detail);
	}
	free(w->checks);
	w->checks = NULL;
	w->nchecks = 0;
}

struct ssh_hosts *chain_ssh(struct chain *ch)
{
	return ch->ssh;
}

const char *chain_proc_root(struct chain *ch)
{
	return ch->proc_root;
}

char *chain_libvirt_open_uri(struct chain *ch, const char *uri)
{
	return ch->ssh ? ssh_libvirt_uri(ch->ssh, uri) : xstrdup(uri);
}

/* True when uri reaches host through ssh ("qemu+ssh://host/…", a user@ or a
 * port allowed): then a host ssh cannot reach is not asked twice. */
static bool uri_is_ssh_to(const char *uri, const char *host)
{
	const char *p = strstr(uri, "+ssh://");
	if (!p || strchr(uri, '+') != p)
		return false;
	p += 7;
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	size_t n = strlen(host);
	return strncmp(p, host, n) == 0 && (p[n] == '/' || p[n] == ':' || p[n] == '?' || !p[n]);
}

bool chain_pre_connect(struct chain *ch, struct watcher_view *w)
{
	if (!ch->ssh || !w->host || !w->libvirt_uri || !uri_is_ssh_to(w->libvirt_uri, w->host))
		return true;
	struct ssh_result res;
	if (ssh_hosts_connect(ch->ssh, w->host, &res) == 0)
		return true;
	char *detail = xasprintf("not asked: ssh to %s failed first (%s%s%s)", w->host,
				 ssh_failure_text(res.why), res.detail[0] ? ": " : "", res.detail);
	struct source_check *c = chain_check_add(
		w, SOURCE_LIBVIRT, CHECK_FAILED,
		res.why == SSH_UNSAFE_NAME ? CHECK_R_UNSAFE_NAME : CHECK_R_SSH, w->libvirt_uri, detail);
	c->ssh = (int)res.why;
	free(detail);
	return false;
}

/* ---- the per-host cache ---- */

static void host_procs_clear(struct host_procs_cache *c)
{
	free(c->host);
	proc_list_free(&c->procs);
	krbd_list_free(&c->maps);
	free(c->error);
	memset(c, 0, sizeof *c);
}

void chain_forget_hosts(struct chain *ch)
{
	for (size_t i = 0; i < ch->nhprocs; i++)
		host_procs_clear(&ch->hprocs[i]);
	free(ch->hprocs);
	ch->hprocs = NULL;
	ch->nhprocs = ch->cap_hprocs = 0;
	if (ch->ssh)
		ssh_hosts_forget_failures(ch->ssh);
}

static struct host_procs_cache *hprocs_find(struct chain *ch, const char *host)
{
	for (size_t i = 0; i < ch->nhprocs; i++)
		if (strcmp(ch->hprocs[i].host, host) == 0)
			return &ch->hprocs[i];
	return NULL;
}

/* Lists host once per chain; other threads asking for the same host wait. */
static void ensure_host_procs(struct chain *ch, const char *host)
{
	pthread_mutex_lock(&ch->lock);
	if (!ch->doms_cond_ready) {
		pthread_cond_init(&ch->doms_cond, NULL);
		ch->doms_cond_ready = true;
	}
	struct host_procs_cache *c;
	while ((c = hprocs_find(ch, host)) && c->loading)
		pthread_cond_wait(&ch->doms_cond, &ch->lock);
	if (c) {
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	xgrow(&ch->hprocs, &ch->cap_hprocs, ch->nhprocs, sizeof *ch->hprocs);
	c = &ch->hprocs[ch->nhprocs++];
	memset(c, 0, sizeof *c);
	c->host = xstrdup(host);
	c->loading = true;
	pthread_mutex_unlock(&ch->lock);

	struct proc_list procs = {0};
	struct krbd_list maps = {0};
	struct ssh_result res = {0};
	struct rw_error err = {0};
	stage_say("listing the processes on %s over ssh", host);
	int rc = ssh_procs_list(ch->ssh, host, &procs, &maps, &res, &err);

	pthread_mutex_lock(&ch->lock);
	c = hprocs_find(ch, host);
	if (c && c->loading) {
		c->procs = procs;
		c->maps = maps;
		c->failed = rc < 0;
		c->res = res;
		c->error = rc < 0 ? xstrdup(err.msg) : NULL;
		c->loading = false;
		memset(&procs, 0, sizeof procs);
		memset(&maps, 0, sizeof maps);
	}
	pthread_cond_broadcast(&ch->doms_cond);
	pthread_mutex_unlock(&ch->lock);
	proc_list_free(&procs);
	krbd_list_free(&maps);
}

/* True when ensure_host_procs has started host's list (or finished it). */
static bool host_procs_started(struct chain *ch, const char *host)
{
	pthread_mutex_lock(&ch->lock);
	bool started = hprocs_find(ch, host) != NULL;
	pthread_mutex_unlock(&ch->lock);
	return started;
}

static void *prefetch_domains(void *arg)
{
	void **a = arg;
	chain_ensure_domains(a[0], a[1]);
	return NULL;
}

void chain_host_prefetch(struct chain *ch, const char *host, const char *uri)
{
	/* without ssh there is no process list to overlap with: libvirt is asked
	 * by the resolver as before */
	if (!ch->ssh || host_procs_started(ch, host))
		return;
	struct ssh_result res;
	stage_say("connecting to %s over ssh", host);
	if (ssh_hosts_connect(ch->ssh, host, &res) < 0)
		return;  /* the failure is the host's for the run: the resolvers report it */
	/* libvirt (its own ssh session and handshake) on a thread of its own
	 * while the process list is read here: the host costs the slower of two */
	void *arg[2] = {ch, (void *)uri};
	pthread_t t;
	bool threaded = uri && pthread_create(&t, NULL, prefetch_domains, arg) == 0;
	ensure_host_procs(ch, host);
	if (threaded)
		pthread_join(t, NULL);
	else if (uri)
		chain_ensure_domains(ch, uri);
}

bool chain_libvirt_slot_take(struct chain *ch, const char *uri)
{
	const char *ssh = uri ? strstr(uri, "+ssh://") : NULL;
	if (!ch->ssh || !ssh || strchr(uri, '+') != ssh)
		return false;
	ssh_hosts_slot_take(ch->ssh);
	return true;
}

void chain_libvirt_slot_give(struct chain *ch, bool taken)
{
	if (taken)
		ssh_hosts_slot_give(ch->ssh);
}

/* ---- holders ---- */

void chain_add_process(struct watcher_view *w, const struct proc_holder *p)
{
	struct holder *h = chain_holder_for_process(w, p);
	h->pid = p->pid;
	h->uid = p->uid;
	h->start_ticks = p->start_ticks;
	free(h->user);
	h->user = xstrdup(p->user);
	h->started = p->started;
	free(h->cmdline);
	h->cmdline = xstrdup(p->cmdline);
}

/* A mapping of another client of the same host is another watcher: the
 * kernel's client_addr carries the watcher's nonce. */
static bool krbd_is_watcher(const struct krbd_map *m, const struct watcher_view *w)
{
	struct watcher_addr a;
	if (!m->client_addr || parse_watcher_addr(m->client_addr, &a) != 0)
		return true; /* cannot tell: a candidate */
	return a.nonce == w->addr.nonce;
}

/* True when p's command line uses /dev/rbdN of mapping m. */
static bool proc_uses_mapping(const struct proc_holder *p, const struct krbd_map *m)
{
	char *end = NULL;
	long id = m->id ? strtol(m->id, &end, 10) : -1;
	if (!m->id || *end)
		return false;
	for (size_t k = 0; k < p->info.nkrbd; k++)
		if (p->info.krbd[k].dev_id >= 0 && p->info.krbd[k].dev_id == id)
			return true;
	return false;
}

void chain_add_krbd(const struct image_view *iv, struct watcher_view *w,
		    const struct krbd_list *maps, const struct proc_list *procs)
{
	for (size_t i = 0; i < maps->n; i++) {
		const struct krbd_map *m = &maps->v[i];
		if (!rbd_ref_matches_ns(&m->ref, iv->pool, iv->nspace, iv->image) || !krbd_is_watcher(m, w))
			continue;
		/* a qemu on /dev/rbdN holds the image through the mapping: both show */
		for (size_t k = 0; procs && k < procs->n; k++)
			if (proc_uses_mapping(&procs->v[k], m))
				chain_add_process(w, &procs->v[k]);
		struct holder *h = chain_holder_add(w);
		h->kind = HOLDER_KRBD;
		h->uid = -1;
		h->name = krbd_device(m);
		char *spec = rbd_ref_spec(&m->ref);
		h->cmdline = xasprintf("kernel mapping %s of %s (%s %s)", h->name, spec,
				       m->client_id ? m->client_id : "client ?",
				       m->client_addr ? m->client_addr : "?");
		free(spec);
	}
}

void chain_add_remote_holders(struct chain *ch, const struct image_view *iv,
			      struct watcher_view *w)
{
	char *via = xasprintf("ssh %s", w->host);
	if (!ch->ssh) {
		chain_check_add(w, SOURCE_PROCS, CHECK_SKIPPED, CHECK_R_DISABLED, via,
				"processes over ssh are turned off ([ssh] enabled = no)");
		free(via);
		return;
	}
	ensure_host_procs(ch, w->host);
	pthread_mutex_lock(&ch->lock);
	struct host_procs_cache *c = hprocs_find(ch, w->host);
	if (!c || c->loading) {
		chain_check_add(w, SOURCE_PROCS, CHECK_FAILED, CHECK_R_READ, via,
				"the process list was dropped while it was read");
	} else if (c->failed) {
		for (enum check_source s = SOURCE_PROCS; s <= SOURCE_KRBD; s++) {
			struct source_check *k = chain_check_add(
				w, s, CHECK_FAILED,
				c->res.why == SSH_UNSAFE_NAME ? CHECK_R_UNSAFE_NAME : CHECK_R_SSH, via,
				c->error);
			k->ssh = (int)c->res.why;
		}
	} else {
		chain_check_add(w, SOURCE_PROCS, CHECK_OK, CHECK_R_NONE, via, NULL);
		chain_check_add(w, SOURCE_KRBD, CHECK_OK, CHECK_R_NONE, via, NULL);
		w->procs_checked = true;  /* with libvirt's answer, no holder means a dead client */
		for (size_t i = 0; i < c->procs.n; i++)
			if (argv_info_holds_ns(&c->procs.v[i].info, iv->pool, iv->nspace, iv->image))
				chain_add_process(w, &c->procs.v[i]);
		chain_add_krbd(iv, w, &c->maps, &c->procs);
	}
	pthread_mutex_unlock(&ch->lock);
	free(via);
}

/* Local kernel mappings, read once per chain. */
void chain_add_local_krbd(struct chain *ch, const struct image_view *iv, struct watcher_view *w)
{
	pthread_mutex_lock(&ch->lock);
	bool loaded = ch->krbd_loaded;
	pthread_mutex_unlock(&ch->lock);
	if (!loaded) {
		struct krbd_list l = {0};
		struct rw_error err = {0};
		int rc = krbd_scan(ch->sys_root, &l, &err);
		pthread_mutex_lock(&ch->lock);
		if (!ch->krbd_loaded) {
			ch->krbd_loaded = true;
			ch->krbd = l;
			ch->krbd_error = rc < 0 ? xstrdup(err.msg) : NULL;
			memset(&l, 0, sizeof l);
		}
		pthread_mutex_unlock(&ch->lock);
		krbd_list_free(&l);
	}
	char *via = xasprintf("%s/bus/rbd", ch->sys_root ? ch->sys_root : "/sys");
	pthread_mutex_lock(&ch->lock);
	if (ch->krbd_error)
		chain_check_add(w, SOURCE_KRBD, CHECK_FAILED, CHECK_R_READ, via, ch->krbd_error);
	else
		chain_check_add(w, SOURCE_KRBD, CHECK_OK, CHECK_R_NONE, via, NULL);
	chain_add_krbd(iv, w, &ch->krbd, ch->procs_loaded ? &ch->procs : NULL);
	pthread_mutex_unlock(&ch->lock);
	free(via);
}

/* The watcher's processes could not be looked at and nothing was found:
 * "not checked", with the first failure's words. */
void chain_judge_not_checked(struct watcher_view *w)
{
	const struct source_check *procs = NULL;
	for (size_t i = 0; i < w->nchecks; i++)
		if (w->checks[i].source == SOURCE_PROCS && w->checks[i].state != CHECK_OK)
			procs = &w->checks[i];
	w->not_checked = procs && w->nholders == 0;
	if (!w->not_checked)
		return;
	free(w->reason);
	w->verdict = VERDICT_UNKNOWN;
	w->reason = xasprintf("not checked: the processes on %s could not be listed (%s): %s",
			      w->host ? w->host : "?", source_check_reason_name(procs),
			      procs->detail ? procs->detail : "?");
}
