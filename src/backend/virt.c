/* virt.c — libvirt, one host URI at a time: the domains there with the RBD
 * images their XML names, one domain by UUID, destroy. libvirt has no connect
 * timeout, so each call opens, works and closes on a deadline_run() thread. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>

#include "rbdwho/deadline.h"
#include "rbdwho/error.h"
#include "rbdwho/redact.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"

enum virt_op { VIRT_OP_LIST, VIRT_OP_LOOKUP, VIRT_OP_DESTROY, VIRT_OP_HOSTNAME };

/* What the worker thread needs; owned by deadline_run once handed over. */
struct virt_call {
	enum virt_op op;
	char *uri;      /* as the caller gave it, for messages */
	char *open_uri; /* what is opened (see virt_uri_for_open) */
	char *uuid;
};

/* What the worker thread hands back (or drops, when the caller gave up). */
struct virt_result {
	int rc;
	struct rw_error err;
	struct virt_domains list; /* VIRT_OP_LIST */
	struct virt_domain dom;   /* VIRT_OP_LOOKUP */
	char *hostname;           /* VIRT_OP_HOSTNAME */
};

static pthread_once_t virt_once = PTHREAD_ONCE_INIT;

/* libvirt's default handler prints every error on stderr, which would land in
 * the middle of the full-screen UI: errors are read with virGetLastError. */
static void virt_quiet_error(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

/* libvirt parses XML with libxml2, which reports some failures (a test-driver
 * node file that cannot be read) through its generic handler, i.e. stderr. */
static void virt_quiet_xml(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void virt_init(void)
{
	virInitialize();
	virSetErrorFunc(NULL, virt_quiet_error);
}

/* Fills err with "WHAT at URI: libvirt's message" on one line, secrets
 * removed; returns code. */
static int virt_errorf(struct rw_error *err, int code, const char *what, const char *uri,
                       const char *detail)
{
	char *line = xasprintf("%s at %s%s%s", what, uri, detail ? ": " : "", detail ? detail : "");
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	char *safe = redact_text(line);
	rw_error_set(err, code, "%s", safe);
	free(safe);
	free(line);
	return code;
}

/* The code for libvirt's last error on this thread. */
static int virt_last_code(void)
{
	const virError *e = virGetLastError();
	if (!e)
		return -EIO;
	switch (e->code) {
	case VIR_ERR_NO_DOMAIN:
		return -ENOENT;
	case VIR_ERR_AUTH_FAILED:
	case VIR_ERR_AUTH_CANCELLED:
	case VIR_ERR_AUTH_UNAVAILABLE:
	case VIR_ERR_OPERATION_DENIED:
	case VIR_ERR_ACCESS_DENIED:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* Records libvirt's last error as "WHAT at URI: message"; returns its code. */
static int virt_fail(struct rw_error *err, const char *what, const char *uri)
{
	const virError *e = virGetLastError();
	return virt_errorf(err, virt_last_code(), what, uri,
	                   e && e->message ? e->message : "unknown libvirt error");
}

/* The words virsh uses, so operators recognise them. */
static const char *virt_state_name(int state)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
		return "running";
	case VIR_DOMAIN_BLOCKED:
		return "idle";
	case VIR_DOMAIN_PAUSED:
		return "paused";
	case VIR_DOMAIN_SHUTDOWN:
		return "in shutdown";
	case VIR_DOMAIN_SHUTOFF:
		return "shut off";
	case VIR_DOMAIN_CRASHED:
		return "crashed";
	case VIR_DOMAIN_PMSUSPENDED:
		return "pmsuspended";
	default:
		return "no state";
	}
}

/* qemu+ssh runs the ssh binary, which would ask for a password or a host key
 * on the terminal the UI is drawing on: no_tty=1 makes it fail instead. */
static char *virt_uri_for_open(const char *uri)
{
	const char *sep = strstr(uri, "://");
	char *scheme = sep ? xstrndup(uri, (size_t)(sep - uri)) : NULL;
	bool ssh = scheme && str_ends_with(scheme, "+ssh");
	free(scheme);
	if (!ssh || strstr(uri, "no_tty="))
		return xstrdup(uri);
	return xasprintf("%s%sno_tty=1", uri, strchr(uri, '?') ? "&" : "?");
}

/* Name, UUID, state and parsed XML of one domain. -ENOENT when it vanished
 * meanwhile (a transient domain stopping), which callers listing may skip. */
static int virt_read_domain(virDomainPtr dom, const char *uri, struct virt_domain *out,
                            struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	int state = VIR_DOMAIN_NOSTATE, reason = 0;
	if (virDomainGetState(dom, &state, &reason, 0) < 0)
		return virt_fail(err, "cannot read a domain's state", uri);
	char *xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return virt_fail(err, "cannot read a domain's XML", uri);
	int rc = parse_domain_xml(xml, strlen(xml), &out->xml);
	free(xml);
	if (rc) {
		char *what = xasprintf("unreadable XML for domain %s", virDomainGetName(dom));
		virt_errorf(err, -EPROTO, what, uri, NULL);
		free(what);
		return -EPROTO;
	}
	/* The API's UUID is authoritative and always canonical. */
	char uuid[VIR_UUID_STRING_BUFLEN];
	if (virDomainGetUUIDString(dom, uuid) == 0) {
		free(out->xml.uuid);
		out->xml.uuid = xstrdup(uuid);
	}
	int active = virDomainIsActive(dom);
	out->active = active < 0 ? state != VIR_DOMAIN_SHUTOFF : active;
	unsigned int id = virDomainGetID(dom);
	out->id = out->active && id != (unsigned int)-1 ? (int)id : -1;
	out->state = xstrdup(virt_state_name(state));
	return 0;
}

static int virt_do_list(virConnectPtr conn, const char *uri, struct virt_result *r)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, 0); /* 0: active and inactive */
	if (n < 0)
		return virt_fail(&r->err, "cannot list domains", uri);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		struct virt_domain d;
		int drc = rc ? rc : virt_read_domain(doms[i], uri, &d, &r->err);
		if (drc == 0) {
			xgrow(&r->list.v, &r->list.cap, r->list.n, sizeof *r->list.v);
			r->list.v[r->list.n++] = d;
		} else if (drc == -ENOENT) {
			rw_error_clear(&r->err); /* gone since the listing: not an error */
		} else {
			rc = drc;
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (rc)
		virt_domains_free(&r->list);
	return rc;
}

/* The domain with c->uuid, or -ENOENT with a message naming it. */
static virDomainPtr virt_find(virConnectPtr conn, const struct virt_call *c, struct virt_result *r)
{
	virDomainPtr dom = virDomainLookupByUUIDString(conn, c->uuid);
	if (!dom) {
		char *what = xasprintf("cannot find domain %s", c->uuid);
		r->rc = virt_fail(&r->err, what, c->uri);
		free(what);
	}
	return dom;
}

static int virt_do_lookup(virConnectPtr conn, const struct virt_call *c, struct virt_result *r)
{
	virDomainPtr dom = virt_find(conn, c, r);
	if (!dom)
		return r->rc;
	int rc = virt_read_domain(dom, c->uri, &r->dom, &r->err);
	virDomainFree(dom);
	return rc;
}

static int virt_do_destroy(virConnectPtr conn, const struct virt_call *c, struct virt_result *r)
{
	virDomainPtr dom = virt_find(conn, c, r);
	if (!dom)
		return r->rc;
	int rc = 0;
	if (virDomainDestroy(dom) < 0) {
		char *what = xasprintf("cannot destroy domain %s", c->uuid);
		rc = virt_fail(&r->err, what, c->uri);
		free(what);
	}
	virDomainFree(dom);
	return rc;
}

static int virt_do_hostname(virConnectPtr conn, const char *uri, struct virt_result *r)
{
	r->hostname = virConnectGetHostname(conn);
	return r->hostname ? 0 : virt_fail(&r->err, "cannot get the host name", uri);
}

/* The worker: open, one operation, close. Reads only through a read-only
 * connection, which an unprivileged operator may open too. */
static void *virt_call_run(void *arg)
{
	const struct virt_call *c = arg;
	struct virt_result *r = xcalloc(1, sizeof *r);
	xmlSetGenericErrorFunc(NULL, virt_quiet_xml); /* per thread: this worker only */
	virConnectPtr conn = c->op == VIRT_OP_DESTROY ? virConnectOpen(c->open_uri)
	                                              : virConnectOpenReadOnly(c->open_uri);
	if (!conn) {
		r->rc = virt_fail(&r->err, "cannot connect to libvirt", c->uri);
		if (r->rc == -ENOENT)
			r->rc = r->err.code = -EIO;
		return r;
	}
	switch (c->op) {
	case VIRT_OP_LIST:
		r->rc = virt_do_list(conn, c->uri, r);
		break;
	case VIRT_OP_LOOKUP:
		r->rc = virt_do_lookup(conn, c, r);
		break;
	case VIRT_OP_DESTROY:
		r->rc = virt_do_destroy(conn, c, r);
		break;
	case VIRT_OP_HOSTNAME:
		r->rc = virt_do_hostname(conn, c->uri, r);
		break;
	}
	virConnectClose(conn);
	return r;
}

static void virt_call_free(void *arg)
{
	struct virt_call *c = arg;
	free(c->uri);
	free(c->open_uri);
	free(c->uuid);
	free(c);
}

static void virt_result_free(void *p)
{
	struct virt_result *r = p;
	virt_domains_free(&r->list);
	virt_domain_clear(&r->dom);
	free(r->hostname);
	free(r);
}

/* Runs op against uri within timeout_ms. On 0, *res is the worker's result
 * (the caller frees it with virt_result_free); otherwise err says why. */
static int virt_run(enum virt_op op, const char *uri, const char *uuid, int timeout_ms,
                    struct virt_result **res, struct rw_error *err)
{
	*res = NULL;
	if (str_empty(uri))
		return rw_error_set(err, -EINVAL, "no libvirt URI given");
	if (timeout_ms <= 0)
		return rw_error_set(err, -EINVAL, "libvirt timeout must be positive, not %d ms",
		                    timeout_ms);
	if (op == VIRT_OP_LOOKUP || op == VIRT_OP_DESTROY) {
		if (!str_is_uuid(uuid))
			return rw_error_set(err, -EINVAL, "not a domain UUID: %s",
			                    uuid ? uuid : "(none)");
	}
	pthread_once(&virt_once, virt_init);
	struct virt_call *c = xcalloc(1, sizeof *c);
	c->op = op;
	c->uri = xstrdup(uri);
	c->open_uri = virt_uri_for_open(uri);
	c->uuid = xstrdup(uuid);
	void *out = NULL;
	int rc = deadline_run(virt_call_run, c, virt_call_free, virt_result_free, timeout_ms, &out);
	if (rc == -ETIMEDOUT) {
		char *what = xasprintf("no answer within %d ms from libvirt", timeout_ms);
		virt_errorf(err, -ETIMEDOUT, what, uri,
		            op == VIRT_OP_DESTROY ? "the destroy may still happen" : NULL);
		free(what);
		return -ETIMEDOUT;
	}
	if (rc) {
		/* rc itself, not virt_errorf's result: the analyzer loses that they are equal. */
		virt_errorf(err, rc, "cannot start a libvirt call", uri, NULL);
		return rc;
	}
	struct virt_result *r = out;
	if (r->rc) {
		rc = r->rc;
		if (err)
			*err = r->err;
		virt_result_free(r);
		return rc;
	}
	*res = r;
	return 0;
}

int virt_list_domains(const char *uri, int timeout_ms, struct virt_domains *out,
                      struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	struct virt_result *r;
	int rc = virt_run(VIRT_OP_LIST, uri, NULL, timeout_ms, &r, err);
	if (rc)
		return rc;
	*out = r->list;
	memset(&r->list, 0, sizeof r->list);
	virt_result_free(r);
	return 0;
}

int virt_lookup_domain(const char *uri, const char *uuid, int timeout_ms, struct virt_domain *out,
                       struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	struct virt_result *r;
	int rc = virt_run(VIRT_OP_LOOKUP, uri, uuid, timeout_ms, &r, err);
	if (rc)
		return rc;
	*out = r->dom;
	memset(&r->dom, 0, sizeof r->dom);
	virt_result_free(r);
	return 0;
}

int virt_destroy_domain(const char *uri, const char *uuid, int timeout_ms, struct rw_error *err)
{
	struct virt_result *r;
	int rc = virt_run(VIRT_OP_DESTROY, uri, uuid, timeout_ms, &r, err);
	if (rc == 0)
		virt_result_free(r);
	return rc;
}

int virt_hostname(const char *uri, int timeout_ms, char **out, struct rw_error *err)
{
	*out = NULL;
	struct virt_result *r;
	int rc = virt_run(VIRT_OP_HOSTNAME, uri, NULL, timeout_ms, &r, err);
	if (rc)
		return rc;
	*out = r->hostname;
	r->hostname = NULL;
	virt_result_free(r);
	return 0;
}
