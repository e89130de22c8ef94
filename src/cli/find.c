/* find.c — `rbdwho find VOLUME`: the whole chain for one volume. A bare UUID
 * may name several images (a volume and an instance's disks, or the same name
 * in several pools): each is reported, none is picked. Exit 4 when any part of
 * the answer could not be known (a pool not asked, Nova, Cinder, libvirt…),
 * with the full answer still printed. */
#include <stdio.h>

#include "rbdwho/cli.h"
#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/util.h"
#include "cli_internal.h"

struct find_run {
	const struct options *o;
	struct json_object *all;        /* --json: one object per image */
	const struct strvec *pool_errors;
	int rc;
};

static void find_warn(const char *msg)
{
	char *safe = sanitize_terminal(msg);
	fprintf(stderr, "rbdwho: %s\n", safe);
	free(safe);
}

/* One located image, printed; its failures to know raise the exit status. */
static void find_one(struct find_run *r, struct chain *ch, const char *pool, const char *image,
		     size_t k, size_t n)
{
	struct image_view *iv = NULL;
	struct rw_error err = {0};
	if (chain_find_image(ch, pool, image, &iv, &err) < 0) {
		char *what = xasprintf("%s/%s", pool, image);
		int rc = cli_fail(what, &err);
		free(what);
		if (r->rc == 0 || rc == RW_EXIT_BACKEND)
			r->rc = rc;
		return;
	}
	struct strvec errs = {0};
	image_view_errors(iv, &errs);
	if (errs.n)
		r->rc = RW_EXIT_BACKEND;
	if (r->o->json) {
		struct json_object *o = report_image_json(iv);
		struct json_object *ej = NULL;
		json_object_object_get_ex(o, "errors", &ej);
		for (size_t i = 0; ej && i < r->pool_errors->n; i++)
			json_object_array_add(ej, json_object_new_string(r->pool_errors->v[i]));
		json_object_array_add(r->all, o);
	} else {
		if (n > 1) {
			char *spec = report_image_spec(iv);
			printf("%s== %s%s (match %zu of %zu)\n", k ? "\n" : "", spec,
			       iv->trashed ? " (in trash)" : "", k + 1, n);
			free(spec);
		}
		report_image_text(stdout, iv);
	}
	strvec_free(&errs);
	image_view_free(iv);
}

int cli_find(const struct options *o)
{
	if (o->nargs != 1) {
		fprintf(stderr, "rbdwho: find takes one VOLUME (UUID, volume-UUID, UUID_disk or "
				"POOL[/NAMESPACE]/IMAGE)\nTry 'rbdwho --help'.\n");
		return RW_EXIT_USAGE;
	}
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc)
		return rc;
	struct strvec pools = {0}, images = {0}, pool_errors = {0};
	struct rw_error err = {0};
	struct find_run r = {.o = o, .all = json_object_new_array(), .pool_errors = &pool_errors};
	if (chain_locate_all(ch, o->args[0], &pools, &images, &pool_errors, &err) < 0) {
		r.rc = cli_fail(o->args[0], &err);
	} else {
		for (size_t i = 0; i < pools.n; i++)
			find_one(&r, ch, pools.v[i], images.v[i], i, pools.n);
		for (size_t i = 0; i < pool_errors.n; i++) {
			find_warn(pool_errors.v[i]);
			r.rc = RW_EXIT_BACKEND;
		}
		/* one image: the object, as always; several: an array of them */
		if (o->json && json_object_array_length(r.all) == 1)
			cli_print_json(json_object_get(json_object_array_get_idx(r.all, 0)));
		else if (o->json && json_object_array_length(r.all) > 1)
			cli_print_json(json_object_get(r.all));
	}
	json_object_put(r.all);
	strvec_free(&pools);
	strvec_free(&images);
	strvec_free(&pool_errors);
	chain_free(ch);
	return r.rc;
}
