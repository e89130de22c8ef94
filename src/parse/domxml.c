/* domxml.c — reads a libvirt domain description (virDomainGetXMLDesc) with
 * libxml2: name, UUID, Nova's metadata and every RBD image the domain holds
 * open, from its disks and from qemu command-line passthrough. Pure parsing. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rbdwho/parse_argv.h"
#include "rbdwho/parse_domxml.h"
#include "rbdwho/util.h"

/* libvirt writes a few kB per domain; anything near this is not a domain. */
#define DOMXML_MAX_BYTES (16u << 20)

/* Nova has written 1.0 and 1.1 of its metadata namespace: accept any version. */
#define DOMXML_NS_NOVA "http://openstack.org/xmlns/libvirt/nova/"
#define DOMXML_NS_QEMU "http://libvirt.org/schemas/domain/qemu/1.0"

/* Safe by construction: no network, no entity substitution (NOENT), no DTD
 * loading or default attributes, libxml2's size and depth limits kept (no
 * XML_PARSE_HUGE), and no messages on stderr. */
#define DOMXML_PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static pthread_once_t domxml_once = PTHREAD_ONCE_INIT;

/* libxml2 wants its global state set up once, before threads use it. */
static void domxml_init_parser(void)
{
	xmlInitParser();
}

static bool domxml_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool domxml_is_ns(const xmlNode *n, const char *name, const char *ns_prefix)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       str_starts_with((const char *)n->ns->href, ns_prefix) &&
	       strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *domxml_child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (domxml_is(c, name))
			return c;
	return NULL;
}

/* The element's own text, trimmed; NULL when empty. Only text and CDATA
 * children count, so no entity reference is ever expanded. */
static char *domxml_text(const xmlNode *n)
{
	struct buf b = {0};
	for (const xmlNode *c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			buf_append(&b, c->content, strlen((const char *)c->content));
	if (!b.p)
		return NULL;
	const char *s = b.p, *e = b.p + b.len;
	while (s < e && strchr(" \t\r\n", *s))
		s++;
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	char *t = e > s ? xstrndup(s, (size_t)(e - s)) : NULL;
	buf_free(&b);
	return t;
}

/* An attribute without namespace, as a malloc'd string (xmlFree'd copy). */
static char *domxml_attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static bool domxml_attr_is(const xmlNode *n, const char *name, const char *want)
{
	char *v = domxml_attr(n, name);
	bool eq = v && strcmp(v, want) == 0;
	free(v);
	return eq;
}

static bool domxml_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Adds r unless the list already names the same image (a disk and its
 * passthrough drive, say); takes r's strings either way. */
static void domxml_push_ref(struct rbd_refs *l, struct rbd_ref *r)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct rbd_ref *o = &l->v[i];
		if (domxml_str_eq(o->pool, r->pool) && domxml_str_eq(o->nspace, r->nspace) &&
		    domxml_str_eq(o->image, r->image) && domxml_str_eq(o->snap, r->snap)) {
			rbd_ref_clear(r);
			return;
		}
	}
	rbd_refs_push(l, r);
}

/* The cephx user of an <auth username=…> child of n, without "client.". */
static char *domxml_auth_user(const xmlNode *n)
{
	const xmlNode *auth = domxml_child(n, "auth");
	char *user = auth ? domxml_attr(auth, "username") : NULL;
	if (user && str_starts_with(user, "client.")) {
		char *bare = xstrdup(user + strlen("client."));
		free(user);
		user = bare;
	}
	if (str_empty(user)) {
		free(user);
		user = NULL;
	}
	return user;
}

/* <source protocol='rbd' name='pool[/ns]/image[@snap]'> with, optionally,
 * <snapshot name=…/> and (libvirt >= 3.9) <auth> inside it. */
static void domxml_read_source(const xmlNode *src, const char *disk_user, struct rbd_refs *out)
{
	if (!domxml_attr_is(src, "protocol", "rbd"))
		return;
	char *spec = domxml_attr(src, "name");
	struct rbd_ref r;
	int rc = rbd_ref_parse_spec(spec, &r);
	free(spec);
	if (rc)
		return; /* not a pool/image name: nothing qemu could open */
	const xmlNode *snap = domxml_child(src, "snapshot");
	if (!r.snap && snap)
		r.snap = domxml_attr(snap, "name");
	r.user = domxml_auth_user(src);
	if (!r.user)
		r.user = xstrdup(disk_user);
	domxml_push_ref(out, &r);
}

/* A disk, or one of its <backingStore>/<mirror> elements: each may name an
 * image qemu holds open. Nesting is bounded by libxml2's depth limit. */
static void domxml_read_storage(const xmlNode *n, const char *disk_user, struct rbd_refs *out)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (domxml_is(c, "source"))
			domxml_read_source(c, disk_user, out);
		else if (domxml_is(c, "backingStore") || domxml_is(c, "mirror"))
			domxml_read_storage(c, disk_user, out);
	}
}

static void domxml_read_devices(const xmlNode *devices, struct rbd_refs *out)
{
	for (const xmlNode *c = devices->children; c; c = c->next) {
		if (!domxml_is(c, "disk"))
			continue;
		char *user = domxml_auth_user(c); /* where libvirt < 3.9 put <auth> */
		domxml_read_storage(c, user, out);
		free(user);
	}
}

/* <metadata><nova:instance><nova:name>…</nova:name><nova:owner>
 * <nova:project uuid='…'>…</nova:project></nova:owner></nova:instance>. */
static void domxml_read_nova(const xmlNode *inst, struct domain_xml *out)
{
	for (const xmlNode *c = inst->children; c; c = c->next) {
		if (domxml_is_ns(c, "name", DOMXML_NS_NOVA) && !out->nova_name) {
			out->nova_name = domxml_text(c);
		} else if (domxml_is_ns(c, "owner", DOMXML_NS_NOVA)) {
			for (const xmlNode *o = c->children; o; o = o->next)
				if (domxml_is_ns(o, "project", DOMXML_NS_NOVA) &&
				    !out->nova_project)
					out->nova_project = domxml_attr(o, "uuid");
		}
	}
}

static void domxml_read_metadata(const xmlNode *md, struct domain_xml *out)
{
	for (const xmlNode *c = md->children; c; c = c->next)
		if (domxml_is_ns(c, "instance", DOMXML_NS_NOVA))
			domxml_read_nova(c, out);
}

/* <qemu:commandline><qemu:arg value='-drive'/><qemu:arg value='file=rbd:…'/>:
 * the arguments are read as qemu's own command line would be. */
static void domxml_read_qemu_cmdline(const xmlNode *cl, struct rbd_refs *out)
{
	struct strvec args = {0};
	strvec_push(&args, "qemu-system-x86_64"); /* so the argv parser reads it as qemu */
	for (const xmlNode *c = cl->children; c; c = c->next) {
		if (!domxml_is_ns(c, "arg", DOMXML_NS_QEMU))
			continue;
		char *v = domxml_attr(c, "value");
		if (v)
			strvec_push_owned(&args, v);
	}
	struct argv_info info = {0};
	if (args.n > 1 && parse_argv((const char *const *)args.v, args.n, &info) == 0) {
		for (size_t i = 0; i < info.disks.n; i++)
			domxml_push_ref(out, &info.disks.v[i]);
	}
	argv_info_clear(&info);
	strvec_free(&args);
}

static int domxml_read_doc(const xmlDoc *doc, struct domain_xml *out)
{
	/* libvirt never writes a DOCTYPE: one here can only declare entities,
	 * and entities are how billion-laughs and XXE documents attack. */
	if (doc->intSubset || doc->extSubset)
		return -EPROTO;
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !domxml_is(root, "domain"))
		return -EPROTO;
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (domxml_is(c, "name") && !out->name)
			out->name = domxml_text(c);
		else if (domxml_is(c, "uuid") && !out->uuid)
			out->uuid = domxml_text(c);
		else if (domxml_is(c, "metadata"))
			domxml_read_metadata(c, out);
		else if (domxml_is(c, "devices"))
			domxml_read_devices(c, &out->disks);
		else if (domxml_is_ns(c, "commandline", DOMXML_NS_QEMU))
			domxml_read_qemu_cmdline(c, &out->disks);
	}
	return out->name ? 0 : -EPROTO;
}

int parse_domain_xml(const char *xml, size_t len, struct domain_xml *out)
{
	memset(out, 0, sizeof *out);
	if (!xml || len == 0 || len > DOMXML_MAX_BYTES || len > INT_MAX)
		return -EPROTO;
	pthread_once(&domxml_once, domxml_init_parser);
	xmlDoc *doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL, DOMXML_PARSE_OPTS);
	if (!doc)
		return -EPROTO;
	int rc = domxml_read_doc(doc, out);
	xmlFreeDoc(doc);
	if (rc)
		domain_xml_clear(out);
	return rc;
}

void domain_xml_clear(struct domain_xml *d)
{
	free(d->name);
	free(d->uuid);
	free(d->nova_name);
	free(d->nova_project);
	rbd_refs_free(&d->disks);
	memset(d, 0, sizeof *d);
}
