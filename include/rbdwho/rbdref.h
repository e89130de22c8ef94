/* rbdref.h — a reference to an RBD image as a holder names it: in qemu's
 * command line, in libvirt's disk XML, in an rbd-nbd invocation. Pure data. */
#ifndef RBDWHO_RBDREF_H
#define RBDWHO_RBDREF_H

#include <stdbool.h>

struct rbd_ref {
	char *pool;
	char *nspace;  /* RADOS namespace, NULL when none */
	char *image;
	char *snap;    /* NULL unless the reference names a snapshot */
	char *user;    /* cephx user without "client.", NULL if not given */
};

void rbd_ref_clear(struct rbd_ref *r);
void rbd_ref_copy(struct rbd_ref *dst, const struct rbd_ref *src);

/* Parses "pool/image", "pool/ns/image", with an optional "@snap" suffix. */
int rbd_ref_parse_spec(const char *spec, struct rbd_ref *out);

/* True when r names pool/image (namespaces and snapshots of it included). */
bool rbd_ref_matches(const struct rbd_ref *r, const char *pool, const char *image);

/* "pool/image" or "pool/ns/image[@snap]"; malloc'd. */
char *rbd_ref_spec(const struct rbd_ref *r);

/* A list of references, as parsers return them. */
struct rbd_refs {
	struct rbd_ref *v;
	size_t n, cap;
};
void rbd_refs_push(struct rbd_refs *l, struct rbd_ref *r); /* takes r's strings, zeroes r */
bool rbd_refs_match(const struct rbd_refs *l, const char *pool, const char *image);

/* The same within one RADOS namespace (NULL or "": the default one): a holder
 * of pool/ns1/image does not hold pool/image. */
bool rbd_ref_ns_equal(const char *a, const char *b);
bool rbd_ref_matches_ns(const struct rbd_ref *r, const char *pool, const char *nspace,
			const char *image);
bool rbd_refs_match_ns(const struct rbd_refs *l, const char *pool, const char *nspace,
		       const char *image);
void rbd_refs_free(struct rbd_refs *l);

#endif
