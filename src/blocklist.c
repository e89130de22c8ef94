/* blocklist.c — fencing one client address: the plan (every image the
 * address watches, found with the bulk probe over every pool, and the chain's
 * verdict on each watch), the gate, and the act — re-checked fresh, audited,
 * then waited on until the OSDs have the map and the watches are gone.
 * Nothing here prints: the command and the browser share it. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rbdwho/blocklist.h"
#include "rbdwho/ceph_admin.h"
#include "rbdwho/parse_addr.h"
#include "rbdwho/probe.h"
#include "blocklist_internal.h"

/* Between two looks at the watchers after the act. */
#define BL_POLL_MS 200
/* Pools probed at once while looking for the address. */
#define BL_SURVEY_THREADS 16

static const struct {
	const char *name;
	bool allows;
} gates[] = {
#define BL_GATE_X(e, n, ok) [e] = {n, ok},
	BLOCKLIST_GATES(BL_GATE_X)
#undef BL_GATE_X
};

const char *blocklist_gate_name(enum blocklist_gate g)
{
	return g <= BL_GATE_NO_WATCH ? gates[g].name : "?";
}

bool blocklist_gate_allows(enum blocklist_gate g)
{
	return g <= BL_GATE_NO_WATCH && gates[g].allows;
}

/* ---- pure parts ---- */

int blocklist_parse_duration(const char *text, unsigned *seconds, struct rw_error *err)
{
	static const struct {
		char unit;
		unsigned long mult;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char *end = NULL;
	if (str_empty(text) || !isdigit((unsigned char)text[0]))
		goto bad;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10), mult = 0;
	if (errno || !end)
		goto bad;
	if (*end == '\0')
		mult = 1;
	for (size_t i = 0; i < sizeof units / sizeof units[0] && !mult; i++)
		if (end[0] == units[i].unit && end[1] == '\0')
			mult = units[i].mult;
	if (!mult || v == 0 || v > BLOCKLIST_MAX_EXPIRE_S / mult)
		goto bad;
	*seconds = (unsigned)(v * mult);
	return 0;
bad:
	return rw_error_set(err, -EINVAL,
	                    "expiry '%s' is not a duration: give seconds or a number with s, m, "
	                    "h or d (30m, 2h, 3600), at most 30 days",
	                    text ? text : "");
}

int blocklist_normalize_address(const char *text, char **out, struct rw_error *err)
{
	struct watcher_addr a;
	*out = NULL;
	if (str_empty(text) || parse_watcher_addr(text, &a) < 0)
		return rw_error_set(err, -EINVAL,
		                    "'%s' is not a client address as Ceph prints it "
		                    "(IP:PORT/NONCE, e.g. 10.0.0.5:0/3710147553)",
		                    text ? text : "");
	if (a.nonce == 0)
		return rw_error_set(err, -EINVAL,
		                    "'%s' has no nonce: that would fence every client of %s; "
		                    "give one client's address (IP:PORT/NONCE)",
		                    text, a.ip);
	*out = a.family == AF_INET6 ? xasprintf("[%s]:%u/%u", a.ip, a.port, a.nonce)
	                            : xasprintf("%s:%u/%u", a.ip, a.port, a.nonce);
	return 0;
}

/* ATTACHED before UNKNOWN among the refusals; ORPHAN before UNREACHABLE
 * before DEAD among the allowed (the strongest reason to act last). */
static enum blocklist_gate watch_gate(const struct blocklist_watch *w)
{
	if (w->not_checked)
		return BL_GATE_UNREACHABLE;
	switch (w->verdict) {
	case VERDICT_DEAD_CLIENT: return BL_GATE_DEAD;
	case VERDICT_ORPHAN: return BL_GATE_ORPHAN;
	case VERDICT_ATTACHED: return BL_GATE_ATTACHED;
	default: return BL_GATE_UNKNOWN;
	}
}

static int gate_rank(enum blocklist_gate g)
{
	static const int rank[] = {
	    [BL_GATE_DEAD] = 1,    [BL_GATE_UNREACHABLE] = 2, [BL_GATE_ORPHAN] = 3,
	    [BL_GATE_UNKNOWN] = 4, [BL_GATE_ATTACHED] = 5,    [BL_GATE_NO_WATCH] = 6,
	};
	return rank[g];
}

enum blocklist_gate blocklist_judge(const struct blocklist_watch *w, size_t n, char **reason)
{
	enum blocklist_gate g = BL_GATE_NO_WATCH;
	const struct blocklist_watch *why = NULL;
	for (size_t i = 0; i < n; i++) {
		enum blocklist_gate wg = watch_gate(&w[i]);
		if (!why || gate_rank(wg) > gate_rank(g)) {
			g = wg;
			why = &w[i];
		}
	}
	if (reason)
		*reason = why ? xasprintf("%s/%s: %s", why->pool, why->image,
		                          why->reason ? why->reason : verdict_name(why->verdict))
		              : xstrdup("the address watches no image in any pool that could be "
		                        "looked at: nothing to fence");
	return g;
}

int blocklist_check(const struct blocklist_plan *plan, const struct remedy_checks *c,
                    struct rw_error *err)
{
	if (remedy_check_mode(c->read_only, "blocklisted", err) < 0)
		return err->code;
	/* Not seen where it could not be looked: a failure to know, not a "no". */
	if (plan->gate == BL_GATE_NO_WATCH && plan->pool_errors.n)
		return rw_error_set(err, -EIO,
		                    "%s watches no image in the pools that could be looked at, "
		                    "and %zu could not be (%s%s): not known what a blocklist would cut",
		                    plan->address ? plan->address : "?", plan->pool_errors.n,
		                    plan->pool_errors.v[0], plan->pool_errors.n > 1 ? "; …" : "");
	if (plan->gate == BL_GATE_NO_WATCH)
		return rw_error_set(err, -EPERM, "%s", plan->reason ? plan->reason : "no watch");
	if (!blocklist_gate_allows(plan->gate) && !c->force)
		return rw_error_set(err, -EPERM, "holder is %s: %s — refusing; --force overrides",
		                    blocklist_gate_name(plan->gate), plan->reason ? plan->reason : "?");
	return remedy_check_typed(c->confirmation, plan->address, "address", err);
}

char *blocklist_manual_command(const struct blocklist_plan *plan)
{
	return xasprintf("ceph osd blocklist add %s %u", plan->address ? plan->address : "?",
	                 plan->expire_s);
}

char *blocklist_manual_rm_command(const char *address)
{
	return xasprintf("ceph osd blocklist rm %s", address ? address : "?");
}

/* ---- the plan ---- */

static void watch_clear(struct blocklist_watch *w)
{
	free(w->pool);
	free(w->image);
	free(w->holder);
	free(w->nova);
	free(w->reason);
}

void blocklist_plan_clear(struct blocklist_plan *plan)
{
	free(plan->address);
	free(plan->cephx_user);
	free(plan->host);
	free(plan->host_note);
	for (size_t i = 0; i < plan->nwatches; i++)
		watch_clear(&plan->watches[i]);
	free(plan->watches);
	strvec_free(&plan->pool_errors);
	free(plan->already_until);
	free(plan->reason);
	memset(plan, 0, sizeof *plan);
}

/* Whether Ceph printed address text is the normalised address want. */
bool blocklist_same_address(const char *text, const char *want)
{
	char *norm = NULL;
	struct rw_error e = {0};
	bool same = blocklist_normalize_address(text, &norm, &e) == 0 && strcmp(norm, want) == 0;
	free(norm);
	return same;
}

/* A holder in a few words: "domain instance-0002f5c4 (uuid)". */
static char *holder_words(const struct holder *h)
{
	return xasprintf("%s %s%s%s%s", holder_kind_name(h->kind), h->name ? h->name : "?",
	                 h->uuid ? " (" : "", h->uuid ? h->uuid : "", h->uuid ? ")" : "");
}

/* Nova's answer in words, as destroy writes it. */
static char *nova_words(const struct nova_answer *a)
{
	switch (a->state) {
	case NOVA_FOUND: return xasprintf("200 %s", a->server.status ? a->server.status : "?");
	case NOVA_GONE: return xstrdup("404");
	case NOVA_ERROR: return xasprintf("error: %s", a->error ? a->error : "?");
	default: return NULL;
	}
}

/* Copies what the chain made of the address's watch on one image. */
static void take_watch(struct blocklist_plan *plan, const char *pool, const char *image,
                       const struct watcher_view *w)
{
	plan->watches = xrealloc(plan->watches, (plan->nwatches + 1) * sizeof *plan->watches);
	struct blocklist_watch *bw = &plan->watches[plan->nwatches++];
	memset(bw, 0, sizeof *bw);
	bw->pool = xstrdup(pool);
	bw->image = xstrdup(image);
	bw->cookie = w->cookie;
	bw->verdict = w->verdict;
	bw->not_checked = w->not_checked;
	bw->reason = xstrdup(w->reason);
	if (w->nholders > 0) {
		bw->holder = holder_words(&w->holders[0]);
		bw->nova = nova_words(&w->holders[0].nova);
	}
	if (!plan->client) {
		plan->client = w->client;
		plan->cephx_user = xstrdup(w->cephx_user);
		plan->host = xstrdup(w->host);
		plan->host_source = w->host_source;
		plan->host_note = xstrdup(w->host_note);
	}
}

/* One pool's probe for the address, on a thread of its own: a pool whose OSD
 * hangs costs one timeout, not one per pool after it. */
struct survey {
	struct ceph_conn *conn;
	const char *pool, *address;
	struct strvec images;  /* the pool's images whose watchers list the address */
	struct rw_error err;
	pthread_t thread;
	bool threaded;
};

static void survey_result(struct probe_result *r, void *user)
{
	struct survey *s = user;
	for (size_t i = 0; r->rc == 0 && i < r->nwatchers; i++)
		if (blocklist_same_address(r->watchers[i].address, s->address)) {
			strvec_push(&s->images, r->image->name);
			return;
		}
}

static void *survey_run(void *arg)
{
	struct survey *s = arg;
	struct probe_opts po = {.result = survey_result, .user = s};
	probe_pool(s->conn, s->pool, &po, &s->err);
	return NULL;
}

/* Probes every pool at once (BL_SURVEY_THREADS at a time). */
static struct survey *survey_all(struct chain *ch, const struct strvec *pools, const char *address)
{
	struct survey *s = xcalloc(pools->n ? pools->n : 1, sizeof *s);
	for (size_t base = 0; base < pools->n; base += BL_SURVEY_THREADS) {
		size_t end = base + BL_SURVEY_THREADS < pools->n ? base + BL_SURVEY_THREADS : pools->n;
		for (size_t i = base; i < end; i++) {
			s[i].conn = chain_ceph(ch);
			s[i].pool = pools->v[i];
			s[i].address = address;
			s[i].threaded = pthread_create(&s[i].thread, NULL, survey_run, &s[i]) == 0;
			if (!s[i].threaded)
				survey_run(&s[i]);
		}
		for (size_t i = base; i < end; i++)
			if (s[i].threaded)
				pthread_join(s[i].thread, NULL);
	}
	return s;
}

/* Resolves the address's watch on pool/image through the chain; false when
 * the image no longer lists it (it let go since the probe). */
static bool resolve_watch(struct chain *ch, struct blocklist_plan *plan, const char *pool,
                          const char *image, struct rw_error *err)
{
	struct image_view *iv = NULL;
	bool found = false;
	if (chain_load_image(ch, pool, image, &iv, err) < 0)
		return false;
	for (size_t i = 0; i < iv->nwatchers && !found; i++) {
		struct watcher_view *w = &iv->watchers[i];
		if (!blocklist_same_address(w->address, plan->address))
			continue;
		chain_resolve_watcher(ch, iv, w);
		take_watch(plan, pool, image, w);
		found = true;
	}
	image_view_free(iv);
	return found;
}

/* Every pool probed in bulk for the address; what could not be looked at is
 * named in pool_errors, never taken as "not watched". */
static int survey_pools(struct chain *ch, struct blocklist_plan *plan, struct rw_error *err)
{
	struct strvec pools = {0};
	int rc = chain_list_pools(ch, &pools, err);
	struct survey *s = rc == 0 ? survey_all(ch, &pools, plan->address) : NULL;
	for (size_t p = 0; rc == 0 && p < pools.n; p++) {
		if (s[p].err.code)
			strvec_push_owned(&plan->pool_errors, xasprintf("%s: %s", pools.v[p], s[p].err.msg));
		for (size_t i = 0; i < s[p].images.n; i++) {
			struct rw_error e = {0};
			if (!resolve_watch(ch, plan, pools.v[p], s[p].images.v[i], &e) && e.code &&
			    e.code != -ENOENT)
				strvec_push_owned(&plan->pool_errors, xasprintf("%s/%s: %s", pools.v[p],
				                                                s[p].images.v[i], e.msg));
		}
		strvec_free(&s[p].images);
	}
	free(s);
	strvec_free(&pools);
	return rc;
}

/* Whether Ceph's blocklist has the address already, and until when. */
static int read_already(struct chain *ch, struct blocklist_plan *plan, struct rw_error *err)
{
	struct ceph_blocklist_entry *v = NULL;
	size_t n = 0;
	int rc = ceph_blocklist_ls(chain_ceph(ch), &v, &n, err);
	for (size_t i = 0; rc == 0 && i < n && !plan->already; i++)
		if (blocklist_same_address(v[i].addr, plan->address)) {
			plan->already = true;
			plan->already_until = xstrdup(v[i].until);
		}
	ceph_blocklist_free(v, n);
	return rc;
}

int blocklist_prepare(struct chain *ch, const char *address, unsigned expire_s,
                      struct blocklist_plan *plan, struct rw_error *err)
{
	memset(plan, 0, sizeof *plan);
	int rc = blocklist_normalize_address(address, &plan->address, err);
	if (rc < 0)
		return rc;
	if (expire_s == 0 || expire_s > BLOCKLIST_MAX_EXPIRE_S)
		return rw_error_set(err, -EINVAL, "expiry %u s is out of range (1 s to 30 days)",
		                    expire_s);
	plan->expire_s = expire_s;
	if (!chain_ceph(ch))
		return rw_error_set(err, -EIO, "no Ceph connection to blocklist through");
	rc = survey_pools(ch, plan, err);
	if (rc == 0)
		rc = read_already(ch, plan, err);
	plan->gate = blocklist_judge(plan->watches, plan->nwatches, &plan->reason);
	return rc;
}

/* ---- the act ---- */

void blocklist_result_clear(struct blocklist_result *r)
{
	free(r->map_note);
	strvec_free(&r->still_watched);
	memset(r, 0, sizeof *r);
}

static bool plan_has_image(const struct blocklist_plan *p, const char *pool, const char *image)
{
	for (size_t i = 0; i < p->nwatches; i++)
		if (strcmp(p->watches[i].pool, pool) == 0 && strcmp(p->watches[i].image, image) == 0)
			return true;
	return false;
}

/* The plan made again, now: the same client still watches, no image the
 * operator was not shown, and the gate still holds. */
static int recheck(struct chain *ch, const struct blocklist_plan *plan,
                   const struct remedy_checks *c, struct blocklist_plan *fresh,
                   struct rw_error *why)
{
	struct rw_error e = {0};
	chain_forget(ch); /* sessions, processes, libvirt and Nova asked again */
	int rc = blocklist_prepare(ch, plan->address, plan->expire_s, fresh, &e);
	if (rc < 0)
		return rw_error_set(why, rc, "cannot re-check before acting: %s", e.msg);
	if (fresh->gate == BL_GATE_NO_WATCH)
		return rw_error_set(why, -EPERM,
		                    "at the moment of acting %s watches no image any more (the "
		                    "watch expired or the client let go): nothing to fence",
		                    plan->address);
	if (plan->client && fresh->client != plan->client)
		return rw_error_set(why, -EPERM,
		                    "at the moment of acting %s is client.%" PRIu64
		                    ", not the planned client.%" PRIu64 ": look again",
		                    plan->address, fresh->client, plan->client);
	for (size_t i = 0; i < fresh->nwatches; i++)
		if (!plan_has_image(plan, fresh->watches[i].pool, fresh->watches[i].image))
			return rw_error_set(why, -EPERM,
			                    "%s now also watches %s/%s, which the plan did not show: "
			                    "look again",
			                    plan->address, fresh->watches[i].pool,
			                    fresh->watches[i].image);
	if (!blocklist_gate_allows(fresh->gate) && !c->force)
		return rw_error_set(why, -EPERM,
		                    "at the moment of acting the holder is %s: %s — refusing; "
		                    "--force overrides",
		                    blocklist_gate_name(fresh->gate), fresh->reason);
	return 0;
}

/* Everything before the call: intent, audit log, the fresh re-check. */
static int preflight(struct chain *ch, const struct blocklist_plan *plan,
                     const struct remedy_checks *c, struct blocklist_plan *fresh,
                     struct rw_error *why)
{
	if (blocklist_check(plan, c, why) < 0)
		return why->code;
	if (remedy_check_audit(ch, why) < 0)
		return why->code;
	return recheck(ch, plan, c, fresh, why);
}

/* The images of p that still list the address, as "pool/image". */
static void still_watched(struct chain *ch, const struct blocklist_plan *p, struct strvec *out)
{
	for (size_t i = 0; i < p->nwatches; i++) {
		struct ceph_watcher *w = NULL;
		size_t n = 0;
		struct rw_error e = {0};
		bool listed = false;
		int rc = ceph_list_watchers(chain_ceph(ch), p->watches[i].pool, p->watches[i].image,
		                            &w, &n, &e);
		for (size_t k = 0; rc == 0 && k < n && !listed; k++)
			listed = blocklist_same_address(w[k].address, p->address);
		ceph_watchers_free(w, n);
		if (listed || (rc < 0 && rc != -ENOENT))  /* not known gone is not gone */
			strvec_push_owned(out, xasprintf("%s/%s", p->watches[i].pool,
			                                 p->watches[i].image));
	}
}

/* After the act: the OSDs' map, then the watches, both within the timeout. */
static void wait_after(struct chain *ch, const struct blocklist_plan *p, uint64_t epoch,
                       struct blocklist_result *res)
{
	int64_t start = clock_ms(), deadline = start + chain_timeout_ms(ch);
	struct rw_error e = {0};
	res->epoch = epoch;
	if (epoch == 0)
		res->map_note = xstrdup("the OSD map epoch could not be read after the change");
	else if (ceph_wait_osds_epoch(chain_ceph(ch), epoch, chain_timeout_ms(ch), &e) == 0)
		res->map_seen = true;
	else
		res->map_note = xstrdup(e.msg);
	for (;;) {
		strvec_free(&res->still_watched);
		still_watched(ch, p, &res->still_watched);
		if (res->still_watched.n == 0 || clock_ms() >= deadline)
			break;
		struct timespec ts = {0, BL_POLL_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	res->watch_gone = res->still_watched.n == 0;
	res->waited_s = (double)(clock_ms() - start) / 1000.0;
}

/* What was checked, in words, for the audit record. */
static char *checked_words(const struct blocklist_plan *p, bool reread)
{
	struct buf b = {0};
	buf_printf(&b, "%s: client.%" PRIu64 " (%s on %s) watches",
	           reread ? "re-read just before acting" : "as planned (refused before the re-read)",
	           p->client,
	           p->cephx_user ? p->cephx_user : "cephx user unknown",
	           p->host ? p->host : "unknown host");
	for (size_t i = 0; i < p->nwatches; i++)
		buf_printf(&b, "%s %s/%s [%s]", i ? "," : "", p->watches[i].pool, p->watches[i].image,
		           blocklist_gate_name(watch_gate(&p->watches[i])));
	buf_printf(&b, "; gate %s; already blocklisted: %s", blocklist_gate_name(p->gate),
	           p->already ? "yes" : "no");
	if (p->pool_errors.n)
		buf_printf(&b, "; not looked at: %zu pool(s)", p->pool_errors.n);
	return b.p;
}

static void plan_volumes(const struct blocklist_plan *p, struct strvec *out)
{
	for (size_t i = 0; i < p->nwatches; i++)
		strvec_push_owned(out, xasprintf("%s/%s", p->watches[i].pool, p->watches[i].image));
}

int blocklist_execute(struct chain *ch, const struct blocklist_plan *plan,
                      const struct remedy_checks *checks, struct blocklist_result *res,
                      struct rw_error *err)
{
	struct rw_error why = {0};
	struct blocklist_plan fresh;
	memset(&fresh, 0, sizeof fresh);
	int rc = preflight(ch, plan, checks, &fresh, &why);
	enum remedy_outcome outcome = REMEDY_REFUSED;
	uint64_t epoch = 0;
	if (rc == 0) {
		rc = ceph_blocklist_add(chain_ceph(ch), plan->address, plan->expire_s, &epoch, &why);
		outcome = rc == 0 ? REMEDY_DONE : REMEDY_FAILED;
	}
	/* The record tells what was known at the moment of acting when it was re-read. */
	const struct blocklist_plan *known = fresh.address ? &fresh : plan;
	char *checked = checked_words(known, known == &fresh);
	char *done = blocklist_gate_allows(known->gate)
	                 ? xasprintf("%s for %u s: %s", blocklist_gate_name(known->gate),
	                             plan->expire_s, known->reason)
	                 : xasprintf("forced (--force) past gate %s, for %u s: %s",
	                             blocklist_gate_name(known->gate), plan->expire_s,
	                             known->reason);
	char *what = xasprintf("%s blocklisted", plan->address);
	struct strvec vols = {0};
	plan_volumes(known, &vols);
	enum verdict v = known->nwatches ? known->watches[0].verdict : VERDICT_UNKNOWN;
	struct audit_record r = {
	    .action = "blocklist",
	    .host = known->host,
	    .domain = known->nwatches ? known->watches[0].holder : NULL,
	    .volumes = &vols,
	    .verdict = verdict_name(v),
	    .nova = known->nwatches ? known->watches[0].nova : NULL,
	    .target = plan->address,
	    .checked = checked,
	    .reason = done,
	};
	int arc = remedy_conclude(ch, &r, outcome, "blocklisted", rc, &why, what, err);
	if (res)
		res->outcome = outcome;
	if (outcome == REMEDY_DONE && res)
		wait_after(ch, known, epoch, res);
	strvec_free(&vols);
	free(what);
	free(done);
	free(checked);
	blocklist_plan_clear(&fresh);
	return arc;
}
