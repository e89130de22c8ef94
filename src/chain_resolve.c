/* chain_resolve.c — one image: its watchers, the host behind each, the holders
 * on that host, Nova's word on each holder, and the verdict. What cannot be
 * known becomes UNKNOWN with the reason; only Nova's positive 404 (or a DELETED
 * status) makes an ORPHAN. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/hostmap.h"
#include "rbdwho/util.h"
#include "chain_internal.h"

/* ---- Nova answers, cached per chain (nova_cache.h) ---- */

/* Nova itself failed (no answer in time, unreachable, 5xx, credentials
 * refused), as opposed to one odd answer about one instance. */
static bool nova_failed_itself(int rc)
{
	return rc == -ETIMEDOUT || rc == -EIO || rc == -EACCES;
}

/* Asks Nova about uuid; fresh skips the cache (destroy's re-check). */
static void nova_ask(struct chain *ch, const char *uuid, bool fresh, struct nova_answer *out)
{
	memset(out, 0, sizeof *out);
	if (!ch->os) {
		out->state = NOVA_NOT_ASKED;
		out->error = xstrdup(ch->os_note ? ch->os_note : "OpenStack not configured");
		return;
	}
	if (!fresh && nova_cache_get(ch->nova, uuid, out))
		return;
	char *failed = fresh ? NULL : nova_cache_failure(ch->nova);
	if (failed) {  /* Nova failed earlier in this run: not another timeout per holder */
		out->state = NOVA_ERROR;
		out->error = xasprintf("%s (earlier in this run; not asked again)", failed);
		free(failed);
		return;
	}
	struct rw_error err = {0};
	stage_say("asking Nova about instance %s", uuid);
	int rc = nova_get_server(ch->os, uuid, &out->server, &err);
	if (rc == 0) {
		out->state = NOVA_FOUND;
	} else if (rc == -ENOENT && !os_token_is_admin(ch->os)) {
		out->state = NOVA_ERROR;
		out->error = xstrdup("Nova answered 404, but these credentials lack the admin role, "
				     "and Nova shows another project's server to them as 404 too");
		return;
	} else if (rc == -ENOENT) {
		out->state = NOVA_GONE;
	} else {
		out->state = NOVA_ERROR;
		out->error = xstrdup(err.msg);
		if (nova_failed_itself(rc))
			nova_cache_fail(ch->nova, err.msg);
		return;
	}
	nova_cache_put(ch->nova, uuid, out);
}

/* ---- hosts ---- */

static void ensure_hypervisors(struct chain *ch)
{
	pthread_mutex_lock(&ch->lock);
	bool loaded = ch->hv_loaded;
	pthread_mutex_unlock(&ch->lock);
	if (loaded || !ch->os)
		return;
	struct nova_hypervisor *hv = NULL;
	size_t n = 0;
	struct rw_error err = {0};
	int rc = nova_list_hypervisors(ch->os, &hv, &n, &err);
	pthread_mutex_lock(&ch->lock);
	if (!ch->hv_loaded) {
		ch->hv_loaded = true;
		ch->hv = hv;
		ch->nhv = n;
		ch->hv_error = rc < 0 ? xstrdup(err.msg) : NULL;
		hv = NULL;
		n = 0;
	}
	pthread_mutex_unlock(&ch->lock);
	for (size_t i = 0; i < n; i++)
		nova_hypervisor_clear(&hv[i]);
	free(hv);
}

static char *host_from_nova(struct chain *ch, const char *ip)
{
	ensure_hypervisors(ch);
	pthread_mutex_lock(&ch->lock);
	char *host = hostmap_from_hypervisors(ch->hv, ch->nhv, ip);
	pthread_mutex_unlock(&ch->lock);
	return host;
}

/* ch->doms_cond, made on first use (ch->lock held). */
static pthread_cond_t *chain_cond(struct chain *ch)
{
	if (!ch->doms_cond_ready) {
		pthread_cond_init(&ch->doms_cond, NULL);
		ch->doms_cond_ready = true;
	}
	return &ch->doms_cond;
}

/* A watcher missing from a list older than this may be a client that connected
 * since (a browser stays open for hours): the list is read again, at most this
 * often. */
#define SESSIONS_MAX_AGE_MS 2000

/* The monitors' session lists, asked once per chain (until chain_forget), or
 * again when older than max_age_ms (>= 0), also when several threads resolve
 * watchers at once: the others wait for it. A chain without Ceph (destroy's)
 * has none. */
static void ensure_sessions(struct chain *ch, long long max_age_ms)
{
	if (!ch->ceph)
		return;
	pthread_mutex_lock(&ch->lock);
	while (ch->sessions_loading)
		pthread_cond_wait(chain_cond(ch), &ch->lock);
	bool fresh = ch->sessions_loaded &&
		     (max_age_ms < 0 || clock_ms() - ch->sessions_ms <= max_age_ms);
	ch->sessions_loading = !fresh;
	pthread_mutex_unlock(&ch->lock);
	if (fresh)
		return;
	struct mon_sessions s = {0};
	struct rw_error err = {0};
	char *failed = NULL;
	int rc = ceph_mon_sessions(ch->ceph, &s, &failed, &err);
	struct rw_error qerr = {0};
	long long age = 0;
	int qrc = ceph_mon_quorum_age(ch->ceph, &age, &qerr);
	pthread_mutex_lock(&ch->lock);
	mon_sessions_free(&ch->sessions);
	free(ch->sessions_note);
	free(ch->quorum_note);
	ch->sessions = s;
	ch->sessions_note = rc < 0 ? xstrdup(err.msg) : failed;
	ch->quorum_age_s = age;
	ch->quorum_note = qrc < 0 ? xstrdup(qerr.msg) : NULL;
	ch->sessions_loaded = true;
	ch->sessions_loading = false;
	ch->sessions_ms = clock_ms();
	pthread_cond_broadcast(chain_cond(ch));
	pthread_mutex_unlock(&ch->lock);
}

/* Host names that say nothing about which machine a client runs on. */
static bool host_name_is_vague(const char *h)
{
	return str_empty(h) || strcmp(h, "localhost") == 0 ||
	       str_starts_with(h, "localhost.") || strcmp(h, "localhost6") == 0;
}

/* After a monitor restarts (or a quorum re-forms without one), its clients
 * come back one by one: each waits up to mon_client_hunt_interval (3 s) ×
 * mon_client_hunt_interval_max_multiple (10) between tries (measured on the
 * sandbox: a running librados client had no session for 2.5 s after a monitor
 * restart, while its watch stayed). Twice the longest wait, to be sure. */
#define RECONNECT_WINDOW_S 60

/* An OSD holds its monitor session for as long as it runs: one that reclaimed
 * its global id came back to monitors that had lost it (a restart, a
 * failover). Clients are not counted: one may reconnect on its own (a slow
 * monitor), which says nothing of the others — counting every session made
 * the browser's blocklist test say UNKNOWN once in a fresh sandbox (which
 * session had reclaimed was not captured). */
static bool sessions_reclaimed(const struct mon_sessions *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i].reclaimed && str_starts_with(ss->v[i].entity_name, "osd."))
			return true;
	return false;
}

/* Why a missing session may not mean a gone client (ch->lock held): a list
 * not fully read, or monitors that clients are still coming back to (a young
 * quorum, and sessions re-made by clients that had one before). NULL when the
 * monitors' word can be taken. malloc'd. */
static char *session_doubt(const struct chain *ch)
{
	if (!ch->sessions_loaded || ch->sessions_note)
		return xasprintf("the monitors' session list: %s",
				 ch->sessions_note ? ch->sessions_note : "not read");
	if (ch->quorum_note)
		return xasprintf("the monitors' quorum: %s", ch->quorum_note);
	if (ch->quorum_age_s < RECONNECT_WINDOW_S && sessions_reclaimed(&ch->sessions))
		return xasprintf("the monitors formed their quorum %llds ago and clients are "
				 "still coming back to them (the OSDs reclaimed their sessions: "
				 "the monitors had lost them): a running client may not have its "
				 "session back yet",
				 ch->quorum_age_s);
	return NULL;
}

/* What the session list says of the watcher's client (ch->lock held). */
static void session_judge(struct chain *ch, struct watcher_view *w, const struct mon_session *s)
{
	free(w->session_doubt);
	w->session_doubt = s ? NULL : session_doubt(ch);
	w->session = s ? SESSION_LIVE : w->session_doubt ? SESSION_UNSURE : SESSION_NONE;
}

/* The watcher's own monitor session (same global id and nonce): its cephx user,
 * and its own host name, unless that name cannot be trusted to name the
 * machine: "localhost", or our own name for a client whose address is not
 * ours (or another name for one whose address is). NULL with w->host_note
 * saying why when the monitors give no usable host. */
static char *host_from_mon(struct chain *ch, struct watcher_view *w)
{
	char *host = NULL;

	ensure_sessions(ch, -1);
	pthread_mutex_lock(&ch->lock);
	const struct mon_session *s = mon_sessions_find(&ch->sessions, w->client, w->addr.nonce);
	if (!s && !ch->sessions_note) {  /* every monitor answered: a newer client? */
		pthread_mutex_unlock(&ch->lock);
		ensure_sessions(ch, SESSIONS_MAX_AGE_MS);
		pthread_mutex_lock(&ch->lock);
		s = mon_sessions_find(&ch->sessions, w->client, w->addr.nonce);
	}
	session_judge(ch, w, s);
	if (s && !str_empty(s->entity_name))
		w->cephx_user = xstrdup(s->entity_name);
	if (s)
		host = xstrdup(s->remote_host);
	if (!s && ch->sessions_note)
		w->host_note = xasprintf("the monitors' session list: %s", ch->sessions_note);
	else if (!s && ch->sessions_loaded)
		w->host_note = xasprintf("no monitor lists a session of client.%llu with nonce %u "
					 "(it may have connected after the list was read)",
					 (unsigned long long)w->client, w->addr.nonce);
	pthread_mutex_unlock(&ch->lock);
	bool ours = host && strcmp(host, ch->local_host) == 0;
	if (host && (host_name_is_vague(host) || ours != hostmap_is_local_ip(w->addr.ip))) {
		w->host_note = xasprintf("the monitors give host name '%s' for %s, which %s: not used",
					 host, w->addr.ip,
					 host_name_is_vague(host) ? "names no machine"
					 : ours ? "is this machine's name but not its address"
						: "is not this machine's name but its address");
		free(host);
		host = NULL;
	}
	return host;
}

/* A watcher whose client runs here: its processes are this machine's. */
static bool watcher_is_local(const struct watcher_view *w)
{
	return w->host_source == HOST_LOCAL ||
	       (w->host_source == HOST_MON && hostmap_is_local_ip(w->addr.ip));
}

static void map_host(struct chain *ch, struct watcher_view *w)
{
	const char *ip = w->addr.ip;
	if ((w->host = host_from_mon(ch, w)))
		w->host_source = HOST_MON;
	else if ((w->host = config_map_host(ch->cfg, ip)))
		w->host_source = HOST_CONFIG;
	else if (hostmap_is_local_ip(ip) && (w->host = xstrdup(ch->local_host)))
		w->host_source = HOST_LOCAL;
	else if ((w->host = host_from_nova(ch, ip)))
		w->host_source = HOST_NOVA;
	else if (ch->cfg->reverse_dns && (w->host = hostmap_reverse_dns(ip, ch->timeout_ms)))
		w->host_source = HOST_DNS;
	else
		w->host_source = HOST_UNMAPPED;

	if (w->host)
		w->libvirt_uri = strcmp(w->host, ch->local_host) == 0
					 ? xstrdup(ch->cfg->local_uri)
					 : config_host_uri(ch->cfg, w->host);
}

/* ---- holders ---- */

static struct holder *holder_add(struct watcher_view *w)
{
	w->holders = xrealloc(w->holders, (w->nholders + 1) * sizeof *w->holders);
	struct holder *h = &w->holders[w->nholders++];
	memset(h, 0, sizeof *h);
	h->host = xstrdup(w->host);
	h->uid = -1;
	return h;
}

struct holder *chain_holder_add(struct watcher_view *w)
{
	return holder_add(w);
}

static struct domain_cache *domain_cache_find(struct chain *ch, const char *uri)
{
	for (size_t i = 0; i < ch->ndoms; i++)
		if (strcmp(ch->doms[i].uri, uri) == 0)
			return &ch->doms[i];
	return NULL;
}

/* Waits, ch->lock held, while another thread lists uri's domains. */
static struct domain_cache *domain_cache_wait(struct chain *ch, const char *uri)
{
	struct domain_cache *dc;
	while ((dc = domain_cache_find(ch, uri)) && dc->loading)
		pthread_cond_wait(chain_cond(ch), &ch->lock);
	return dc;
}

/* Lists uri's domains once per chain (until chain_forget), also when several
 * threads resolve watchers on the same host at once: one list per host. */
void chain_ensure_domains(struct chain *ch, const char *uri)
{
	pthread_mutex_lock(&ch->lock);
	if (domain_cache_wait(ch, uri)) {
		pthread_mutex_unlock(&ch->lock);
		return;
	}
	xgrow(&ch->doms, &ch->cap_doms, ch->ndoms, sizeof *ch->doms);
	struct domain_cache *mine = &ch->doms[ch->ndoms++];
	memset(mine, 0, sizeof *mine);
	mine->uri = xstrdup(uri);
	mine->loading = true;
	pthread_mutex_unlock(&ch->lock);

	struct virt_domains list = {0};
	struct rw_error err = {0};
	char *open_uri = chain_libvirt_open_uri(ch, uri);
	bool slot = chain_libvirt_slot_take(ch, uri);
	ssh_trace(uri, "libvirt list start");
	stage_say("asking libvirt at %s for its domains", uri);
	int rc = virt_list_domains(open_uri, ch->timeout_ms, &list, &err);
	ssh_trace(uri, "libvirt list end");
	chain_libvirt_slot_give(ch, slot);
	free(open_uri);
	pthread_mutex_lock(&ch->lock);
	struct domain_cache *dc = domain_cache_find(ch, uri);  /* the array may have moved */
	if (dc && dc->loading) {  /* else chain_forget dropped it meanwhile */
		dc->list = list;
		dc->error = rc < 0 ? xstrdup(err.msg) : NULL;
		dc->error_code = rc;
		dc->loading = false;
		memset(&list, 0, sizeof list);
	}
	pthread_cond_broadcast(&ch->doms_cond);
	pthread_mutex_unlock(&ch->lock);
	virt_domains_free(&list);
}

static void add_domain_holders(struct chain *ch, const struct image_view *iv,
			       struct watcher_view *w)
{
	chain_ensure_domains(ch, w->libvirt_uri);
	pthread_mutex_lock(&ch->lock);
	struct domain_cache *dc = domain_cache_find(ch, w->libvirt_uri);
	if (dc && dc->loading)  /* forgotten and being listed again: no answer yet */
		dc = NULL;
	if (dc && dc->error)
		w->holders_error = xstrdup(dc->error);  /* names the URI already */
	if (dc)
		chain_check_add(w, SOURCE_LIBVIRT, dc->error ? CHECK_FAILED : CHECK_OK,
				!dc->error ? CHECK_R_NONE
				: dc->error_code == -ETIMEDOUT ? CHECK_R_TIMEOUT : CHECK_R_LIBVIRT,
				dc->uri, dc->error);
	for (size_t i = 0; dc && i < dc->list.n; i++) {
		const struct virt_domain *d = &dc->list.v[i];
		/* a defined but shut-off (or crashed) domain runs no qemu: not a holder */
		if (!d->active || !rbd_refs_match_ns(&d->xml.disks, iv->pool, iv->nspace, iv->image))
			continue;
		struct holder *h = holder_add(w);
		h->kind = HOLDER_DOMAIN;
		h->name = xstrdup(d->xml.name);
		h->uuid = xstrdup(d->xml.uuid);
		h->display_name = xstrdup(d->xml.nova_name);
		h->libvirt_uri = xstrdup(dc->uri);
		h->libvirt_state = xstrdup(d->state);
	}
	pthread_mutex_unlock(&ch->lock);
}

static void ensure_procs(struct chain *ch)
{
	pthread_mutex_lock(&ch->lock);
	bool loaded = ch->procs_loaded;
	pthread_mutex_unlock(&ch->lock);
	if (loaded)
		return;
	struct proc_list list = {0};
	struct rw_error err = {0};
	int rc = proc_scan(ch->proc_root, &list, &err);
	pthread_mutex_lock(&ch->lock);
	if (!ch->procs_loaded) {
		ch->procs_loaded = true;
		ch->procs = list;
		ch->procs_error = rc < 0 ? xstrdup(err.msg) : NULL;
		memset(&list, 0, sizeof list);
	}
	pthread_mutex_unlock(&ch->lock);
	proc_list_free(&list);
}

static enum holder_kind kind_of_process(enum argv_kind k)
{
	switch (k) {
	case ARGV_QEMU:
		return HOLDER_QEMU;
	case ARGV_RBD_NBD:
		return HOLDER_RBD_NBD;
	case ARGV_RBD_CLI:
		return HOLDER_RBD_CLI;
	case ARGV_RBD_FUSE:
		return HOLDER_RBD_FUSE;
	default:
		return HOLDER_OTHER;
	}
}

/* A libvirt domain and its qemu process are one holder: same UUID (or name). */
static struct holder *holder_for_process(struct watcher_view *w, const struct proc_holder *p)
{
	for (size_t i = 0; i < w->nholders; i++) {
		struct holder *h = &w->holders[i];
		if (h->kind != HOLDER_DOMAIN || h->pid)
			continue;
		if ((p->info.uuid && h->uuid && strcasecmp(p->info.uuid, h->uuid) == 0) ||
		    (!p->info.uuid && p->info.name && h->name && strcmp(p->info.name, h->name) == 0))
			return h;
	}
	struct holder *h = holder_add(w);
	h->kind = kind_of_process(p->info.kind);
	h->name = xstrdup(p->info.name ? p->info.name : p->comm);
	h->uuid = xstrdup(p->info.uuid);
	return h;
}

static void add_process_holders(struct chain *ch, const struct image_view *iv,
				struct watcher_view *w)
{
	ensure_procs(ch);
	pthread_mutex_lock(&ch->lock);
	if (ch->procs_error && !w->holders_error)
		w->holders_error = xasprintf("process scan: %s", ch->procs_error);
	chain_check_add(w, SOURCE_PROCS, ch->procs_error ? CHECK_FAILED : CHECK_OK,
			ch->procs_error ? CHECK_R_READ : CHECK_R_NONE,
			ch->proc_root ? ch->proc_root : "/proc", ch->procs_error);
	w->procs_checked = !ch->procs_error;
	for (size_t i = 0; i < ch->procs.n; i++) {
		const struct proc_holder *p = &ch->procs.v[i];
		if (argv_info_holds_ns(&p->info, iv->pool, iv->nspace, iv->image))
			chain_add_process(w, p);
	}
	pthread_mutex_unlock(&ch->lock);
	chain_add_local_krbd(ch, iv, w);
}

void chain_add_local_holders(struct chain *ch, const struct image_view *iv,
			     struct watcher_view *w)
{
	add_process_holders(ch, iv, w);
}

/* ---- verdicts ---- */

static bool status_is_deleted(const char *status)
{
	return status && (strcasecmp(status, "DELETED") == 0 ||
			  strcasecmp(status, "SOFT_DELETED") == 0);
}

static void judge_holder(struct chain *ch, struct holder *h, bool fresh)
{
	nova_answer_clear(&h->nova);
	free(h->reason);
	h->verdict = VERDICT_UNKNOWN;
	h->contradiction = CONTRA_NONE;
	if (!h->uuid) {
		h->reason = xasprintf("%s holder with no instance UUID: not a Nova instance",
				      holder_kind_name(h->kind));
		return;
	}
	nova_ask(ch, h->uuid, fresh, &h->nova);
	const struct nova_server *s = &h->nova.server;
	switch (h->nova.state) {
	case NOVA_FOUND:
		if (status_is_deleted(s->status)) {
			h->verdict = VERDICT_ORPHAN;
			h->reason = xasprintf("Nova lists instance %s as %s, yet it still holds the image",
					      h->uuid, s->status);
		} else if (!chain_judge_contradiction(h)) {
			h->verdict = VERDICT_ATTACHED;
			h->reason = xasprintf("Nova knows instance %s (%s, %s%s%s)", h->uuid,
					      s->name ? s->name : "?", s->status ? s->status : "?",
					      s->host ? " on " : "", s->host ? s->host : "");
		}
		break;
	case NOVA_GONE:
		h->verdict = VERDICT_ORPHAN;
		h->reason = xasprintf("Nova answered 404: instance %s does not exist, yet it still "
				      "holds the image", h->uuid);
		break;
	case NOVA_ERROR:
		h->reason = xasprintf("could not ask Nova: %s", h->nova.error);
		break;
	default:
		h->reason = xasprintf("Nova not asked: %s", h->nova.error ? h->nova.error : "?");
		break;
	}
}

static void judge_watcher(struct watcher_view *w)
{
	free(w->reason);
	w->reason = NULL;
	if (!w->host) {
		w->verdict = VERDICT_UNKNOWN;
		w->reason = xasprintf("address %s maps to no known host", w->addr.ip);
		return;
	}
	/* A client whose monitor session is live runs somewhere: a program whose
	 * command line does not name the image (a tool of its own on librados)
	 * is not found by its argv, and must not be called dead. */
	if (w->nholders == 0 && w->procs_checked && !w->holders_error &&
	    w->session == SESSION_LIVE) {
		w->verdict = VERDICT_UNKNOWN;
		w->reason = xasprintf("no process on %s names the image, yet client.%llu still has a "
				      "monitor session: a program rbdwho does not recognise holds it",
				      w->host, (unsigned long long)w->client);
		return;
	}
	/* DEAD needs both words: no process, and no session. A session list that
	 * could not be read (a monitor down, a user without the caps) is not the
	 * second one. */
	if (w->nholders == 0 && w->procs_checked && !w->holders_error &&
	    w->session == SESSION_UNSURE) {
		w->verdict = VERDICT_UNKNOWN;
		w->reason = xasprintf("no process on %s names the image, but whether client.%llu "
				      "still runs could not be confirmed (%s)", w->host,
				      (unsigned long long)w->client, w->session_doubt);
		return;
	}
	if (w->nholders == 0 && w->procs_checked && !w->holders_error) {
		w->verdict = VERDICT_DEAD_CLIENT;
		w->reason = xasprintf("dead client: no process on %s holds the image; the OSD drops "
				      "the watch within osd_client_watch_timeout (~30 s), or blocklist "
				      "the address %s", w->host, w->address);
		return;
	}
	if (w->nholders == 0) {
		w->verdict = VERDICT_UNKNOWN;
		w->reason = xasprintf("no holder of the image found on %s%s%s", w->host,
				      w->holders_error ? ": " : "",
				      w->holders_error ? w->holders_error : "");
		return;
	}
	enum verdict v = w->holders[0].verdict;
	for (size_t i = 1; i < w->nholders; i++)
		if (w->holders[i].verdict != v)
			v = VERDICT_UNKNOWN;
	w->verdict = v;
	/* Duplicates: every holder names the same contradiction; say it, not a count. */
	if (w->nholders == 1 || v == VERDICT_CONFLICT)
		w->reason = xstrdup(w->holders[0].reason);
	else if (v == VERDICT_UNKNOWN)
		w->reason = xasprintf("%zu candidate holders on %s, with different verdicts; Ceph "
				      "does not say which one this watcher is", w->nholders, w->host);
	else
		w->reason = xasprintf("all %zu candidate holders on %s are %s", w->nholders,
				      w->host, verdict_name(v));
}

bool chain_map_watcher_host(struct chain *ch, struct watcher_view *w)
{
	map_host(ch, w);
	return watcher_is_local(w) || (w->host && strcmp(w->host, ch->local_host) == 0);
}

void chain_resolve_watcher(struct chain *ch, const struct image_view *iv,
			   struct watcher_view *w)
{
	if (w->resolved)
		return;
	stage_say("finding the host of %s", w->address);
	bool local = chain_map_watcher_host(ch, w);
	if (!local && w->host)  /* the host's process list and libvirt list at once */
		chain_host_prefetch(ch, w->host, w->libvirt_uri);
	if (w->libvirt_uri && (local || chain_pre_connect(ch, w)))
		add_domain_holders(ch, iv, w);
	else if (w->host && !w->libvirt_uri)  /* (a failed ssh is in w->checks already) */
		w->holders_error = xasprintf("host name '%s' cannot be put in a libvirt URI safely; "
					     "map it in the config's [uris]", w->host);
	if (local)
		add_process_holders(ch, iv, w);
	else if (w->host)
		chain_add_remote_holders(ch, iv, w);
	for (size_t i = 0; i < w->nholders; i++)
		judge_holder(ch, &w->holders[i], false);
	chain_mark_duplicates(w);
	judge_watcher(w);
	chain_judge_not_checked(w);
	w->resolved = true;
}

int chain_prefetch_nova(struct chain *ch, struct rw_error *err)
{
	if (!ch->os)
		return 0;
	struct nova_server *v = NULL;
	size_t n = 0;
	struct rw_error e = {0};
	int rc = nova_list_servers(ch->os, &v, &n, &e);
	if (rc < 0 && nova_failed_itself(rc))
		nova_cache_fail(ch->nova, e.msg);
	if (rc < 0)
		return rw_error_set(err, rc, "%s", e.msg);
	for (size_t i = 0; i < n; i++) {
		if (v[i].id) {
			struct nova_answer a = {.state = NOVA_FOUND, .server = v[i]};
			nova_cache_put(ch->nova, v[i].id, &a);
		}
		nova_server_clear(&v[i]);
	}
	free(v);
	return 0;
}

struct holder *chain_holder_for_process(struct watcher_view *w, const struct proc_holder *p)
{
	return holder_for_process(w, p);
}

void chain_recheck_holder(struct chain *ch, struct holder *h)
{
	judge_holder(ch, h, true);
}
