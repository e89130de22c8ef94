/* destroy.c — stopping one libvirt domain, only when every check passes: not
 * read-only, an ORPHAN verdict from a fresh Nova answer (or --force), the typed
 * name, the domain re-read right before the call and unchanged, and an audit
 * log that can be written. Every attempt leaves exactly one audit record. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbdwho/audit.h"
#include "rbdwho/destroy.h"
#include "rbdwho/remedy.h"
#include "rbdwho/virt.h"
#include "destroy_internal.h"

void destroy_plan_clear(struct destroy_plan *plan)
{
	free(plan->host);
	free(plan->uri);
	free(plan->name);
	free(plan->uuid);
	free(plan->state);
	strvec_free(&plan->volumes);
	nova_server_clear(&plan->nova.server);
	free(plan->nova.error);
	free(plan->reason);
	free(plan->cmdline);
	memset(plan, 0, sizeof *plan);
}

char *destroy_host_uri(struct chain *ch, const char *host)
{
	const struct config *cfg = chain_config(ch);
	const char *local = chain_local_host(ch);
	if (strcmp(host, "localhost") == 0 || strcmp(host, "local") == 0 ||
	    (local && strcmp(host, local) == 0))
		return xstrdup(cfg->local_uri);
	return config_host_uri(cfg, host);
}

void destroy_volumes_of(const struct virt_domain *d, struct strvec *out)
{
	for (size_t i = 0; i < d->xml.disks.n; i++) {
		char *spec = rbd_ref_spec(&d->xml.disks.v[i]);
		if (strvec_contains(out, spec))
			free(spec);
		else
			strvec_push_owned(out, spec);
	}
}

char *destroy_nova_text(const struct nova_answer *a)
{
	switch (a->state) {
	case NOVA_FOUND:
		return xasprintf("200 %s", a->server.status ? a->server.status : "?");
	case NOVA_GONE:
		return xstrdup("404");
	case NOVA_ERROR:
		return xasprintf("error: %s", a->error ? a->error : "?");
	default:
		return xasprintf("not asked: %s", a->error ? a->error : "?");
	}
}

static const struct virt_domain *find_domain(const struct virt_domains *l, const char *want)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].xml.name && strcmp(l->v[i].xml.name, want) == 0)
			return &l->v[i];
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].xml.uuid && strcasecmp(l->v[i].xml.uuid, want) == 0)
			return &l->v[i];
	return NULL;
}

/* Nova's word, fresh, through the chain's own judgement (same rules as find/scan). */
static void judge_plan(struct chain *ch, struct destroy_plan *plan)
{
	struct holder h;
	memset(&h, 0, sizeof h);
	h.kind = plan->process ? HOLDER_QEMU : HOLDER_DOMAIN;
	h.name = plan->name;
	h.uuid = plan->uuid;
	/* Nova's host is compared with it (a contradiction): "localhost" means us. */
	const char *local = chain_local_host(ch);
	bool here = strcmp(plan->host, "localhost") == 0 || strcmp(plan->host, "local") == 0;
	h.host = here && local ? (char *)local : plan->host;
	h.libvirt_uri = plan->uri;
	h.libvirt_state = plan->state;
	chain_recheck_holder(ch, &h);
	/* The holder borrowed the plan's strings; take back only what the chain made. */
	plan->nova = h.nova;
	plan->verdict = h.verdict;
	plan->reason = h.reason;
}

int destroy_prepare(struct chain *ch, const char *domain, const char *host,
                    struct destroy_plan *plan, struct rw_error *err)
{
	memset(plan, 0, sizeof *plan);
	if (str_empty(domain))
		return rw_error_set(err, -EINVAL, "no domain given");
	if (str_empty(host))
		return rw_error_set(err, -EINVAL, "no host given (--host)");
	plan->host = xstrdup(host);
	plan->uri = destroy_host_uri(ch, host);

	struct virt_domains list = {0};
	int rc = virt_list_domains(plan->uri, chain_timeout_ms(ch), &list, err);
	if (rc < 0)
		return rc;
	const struct virt_domain *d = find_domain(&list, domain);
	if (!d) {
		/* libvirt answered and does not know it: a process libvirt does not manage? */
		rc = destroy_prepare_process(ch, domain, plan, err);
	} else if (!d->xml.uuid || !d->xml.name) {
		rc = rw_error_set(err, -EPROTO,
		                  "libvirt at %s described '%s' without a name or UUID", plan->uri,
		                  domain);
	} else {
		plan->name = xstrdup(d->xml.name);
		plan->uuid = xstrdup(d->xml.uuid);
		plan->state = xstrdup(d->state);
		destroy_volumes_of(d, &plan->volumes);
	}
	virt_domains_free(&list);
	if (rc == 0)
		judge_plan(ch, plan);
	return rc;
}

/* The checks that need no I/O: mode, verdict, confirmation. */
static int check_intent(const struct destroy_plan *plan, const struct destroy_checks *c,
                        struct rw_error *err)
{
	if (remedy_check_mode(c->read_only, "destroyed", err) < 0)
		return err->code;
	if (plan->verdict != VERDICT_ORPHAN && !c->force)
		return rw_error_set(err, -EPERM, "verdict is %s: %s — refusing; --force overrides",
		                    verdict_name(plan->verdict), plan->reason ? plan->reason : "?");
	return remedy_check_typed(c->confirmation, plan->name, "domain name", err);
}

/* Lists the volumes of a that b lacks into out, ", "-separated. */
static void volumes_missing(const struct strvec *a, const struct strvec *b, struct buf *out)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strvec_contains(b, a->v[i]))
			buf_printf(out, "%s%s", out->len ? ", " : "", a->v[i]);
}

/* The domain as libvirt has it now must be the one the plan was made for. */
static int check_fresh(const struct destroy_plan *plan, const struct virt_domain *fresh,
                       struct rw_error *err)
{
	if (!fresh->xml.uuid || !plan->uuid || strcasecmp(fresh->xml.uuid, plan->uuid) != 0)
		return rw_error_set(err, -EPERM, "domain UUID changed: planned %s, libvirt has %s",
		                    plan->uuid ? plan->uuid : "?",
		                    fresh->xml.uuid ? fresh->xml.uuid : "?");
	if (!fresh->xml.name || strcmp(fresh->xml.name, plan->name) != 0)
		return rw_error_set(err, -EPERM,
		                    "domain %s was renamed from '%s' to '%s' since the "
		                    "plan",
		                    plan->uuid, plan->name,
		                    fresh->xml.name ? fresh->xml.name : "?");
	if (!fresh->active)
		return rw_error_set(err, -EPERM, "domain %s is %s: nothing to destroy", plan->name,
		                    fresh->state ? fresh->state : "not running");
	struct strvec now = {0};
	destroy_volumes_of(fresh, &now);
	struct buf gone = {0}, added = {0};
	volumes_missing(&plan->volumes, &now, &gone);
	volumes_missing(&now, &plan->volumes, &added);
	int rc = 0;
	if (gone.len || added.len)
		rc = rw_error_set(err, -EPERM,
		                  "domain %s no longer holds the same RBD images "
		                  "(no longer: %s; new: %s)",
		                  plan->name, gone.len ? gone.p : "none",
		                  added.len ? added.p : "none");
	strvec_free(&now);
	buf_free(&gone);
	buf_free(&added);
	return rc;
}

int destroy_check(const struct destroy_plan *plan, const struct destroy_checks *checks,
                  const struct virt_domain *fresh, struct rw_error *err)
{
	int rc = check_intent(plan, checks, err);
	if (rc == 0 && fresh)
		rc = check_fresh(plan, fresh, err);
	return rc;
}

/* Everything before the call: intent, audit log, the domain re-read by UUID. */
static int destroy_preflight(struct chain *ch, const struct destroy_plan *plan,
                             const struct destroy_checks *checks, struct rw_error *why)
{
	int rc = destroy_check(plan, checks, NULL, why);
	if (rc < 0)
		return rc;
	if (remedy_check_audit(ch, why) < 0)
		return why->code;
	if (plan->process)
		return destroy_process_preflight(ch, plan, why);
	struct rw_error e = {0};
	struct virt_domain fresh;
	memset(&fresh, 0, sizeof fresh);
	rc = virt_lookup_domain(plan->uri, plan->uuid, chain_timeout_ms(ch), &fresh, &e);
	if (rc == -ENOENT)
		rc =
		    rw_error_set(why, -EPERM, "domain vanished: %s (%s) is no longer defined at %s",
		                 plan->name, plan->uuid, plan->uri);
	else if (rc < 0)
		rc = rw_error_set(why, rc, "cannot re-read the domain before acting: %s", e.msg);
	else
		rc = destroy_check(plan, checks, &fresh, why);
	virt_domain_clear(&fresh);
	return rc;
}

int destroy_execute(struct chain *ch, const struct destroy_plan *plan,
                    const struct destroy_checks *checks, struct rw_error *err)
{
	struct rw_error why = {0};
	int rc = destroy_preflight(ch, plan, checks, &why);
	enum remedy_outcome outcome = REMEDY_REFUSED;
	if (rc == 0) {
		rc = plan->process ? destroy_process_terminate(ch, plan, &why)
		                   : virt_destroy_domain(plan->uri, plan->uuid, chain_timeout_ms(ch), &why);
		outcome = rc == 0 ? REMEDY_DONE : REMEDY_FAILED;
	}
	/* A forced destroy says so in the trail: that is what an audit is read for. */
	char *done =
	    plan->verdict == VERDICT_ORPHAN
	        ? xstrdup(plan->reason)
	        : xasprintf("forced (--force) past verdict %s: %s", verdict_name(plan->verdict),
	                    plan->reason ? plan->reason : "?");
	char *nova = destroy_nova_text(&plan->nova);
	char *where = plan->process ? xasprintf("process %ld (start %llu, uid %ld)", plan->pid,
	                                        plan->start_ticks, plan->uid)
	                            : NULL;
	char *what = xasprintf("domain %s destroyed", plan->name ? plan->name : "?");
	struct audit_record r = {
	    .action = plan->process ? "terminate" : "destroy",
	    .host = plan->host,
	    .uri = plan->process ? where : plan->uri,
	    .domain = plan->name,
	    .uuid = plan->uuid,
	    .volumes = &plan->volumes,
	    .verdict = verdict_name(plan->verdict),
	    .nova = nova,
	    .reason = done,
	};
	rc = remedy_conclude(ch, &r, outcome, "destroyed", rc, &why, what, err);
	free(what);
	free(where);
	free(nova);
	free(done);
	return rc;
}
