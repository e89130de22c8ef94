/* scan.c — `rbdwho scan [POOL…]`: every image with watchers, resolved.
 * Text rows stream out as images are found; JSON is printed once at the end. */
#include <stdio.h>
#include <stdlib.h>

#include "rbdwho/cli.h"
#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/util.h"
#include "cli_internal.h"

struct scan_state {
	const struct options *o;
	struct json_object *images, *errors, *unchecked;
	struct strvec unchecked_rows; /* text: printed last, under their own heading */
	size_t shown, orphans;
	struct scan_progress last;
};

static void on_progress(const struct scan_progress *p, void *user)
{
	struct scan_state *st = user;
	st->last = *p;
}

static void print_rows(const struct image_view *iv)
{
	for (size_t i = 0; i < iv->nwatchers; i++) {
		const struct watcher_view *w = &iv->watchers[i];
		const struct holder *h = w->nholders ? &w->holders[0] : NULL;
		char *row = xasprintf("%-8s %s/%s  %s  %s%s%s  %s%s%s", verdict_name(w->verdict),
				      iv->pool, iv->image, w->address, w->host ? w->host : "?",
				      w->cephx_user ? " " : "", w->cephx_user ? w->cephx_user : "",
				      h && h->name ? h->name : "-", h && h->uuid ? " " : "",
				      h && h->uuid ? h->uuid : "");
		char *safe = sanitize_terminal(row);
		printf("%s\n", safe);
		free(safe);
		free(row);
	}
	fflush(stdout);
}

/* Watchers whose host could not be checked: listed apart, never hidden. */
static void note_unchecked(struct scan_state *st, const struct image_view *iv)
{
	for (size_t i = 0; i < iv->nwatchers; i++) {
		const struct watcher_view *w = &iv->watchers[i];
		if (!w->not_checked)
			continue;
		if (st->o->json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "pool", json_object_new_string(iv->pool));
			json_object_object_add(o, "image", json_object_new_string(iv->image));
			json_object_object_add(o, "address", json_object_new_string(w->address));
			json_object_object_add(o, "host", w->host ? json_object_new_string(w->host) : NULL);
			json_object_object_add(o, "reason", json_object_new_string(w->reason ? w->reason : ""));
			json_object_array_add(st->unchecked, o);
		} else {
			char *row = xasprintf("%s/%s  %s  %s  %s", iv->pool, iv->image, w->address,
					      w->host ? w->host : "?", w->reason ? w->reason : "");
			strvec_push_owned(&st->unchecked_rows, sanitize_terminal(row));
			free(row);
		}
	}
}

static void on_found(struct image_view *iv, void *user)
{
	struct scan_state *st = user;
	note_unchecked(st, iv);
	bool orphan = image_view_verdict(iv) == VERDICT_ORPHAN;
	st->orphans += orphan;
	if (!st->o->orphans || orphan) {
		st->shown++;
		if (st->o->json)
			json_object_array_add(st->images, report_image_json(iv));
		else
			print_rows(iv);
	}
	image_view_free(iv);
}

static void on_pool_error(const char *pool, const struct rw_error *e, void *user)
{
	struct scan_state *st = user;
	char *msg = xasprintf("pool %s: %s", pool, e->msg);
	if (st->o->json) {
		json_object_array_add(st->errors, json_object_new_string(msg));
	} else {
		char *safe = sanitize_terminal(msg);
		fprintf(stderr, "rbdwho: %s\n", safe);
		free(safe);
	}
	free(msg);
}

int cli_scan(const struct options *o)
{
	struct chain *ch = NULL;
	int rc = cli_connect(o, &ch);
	if (rc)
		return rc;
	struct strvec pools = {0};
	for (int i = 0; i < o->nargs; i++)
		strvec_push(&pools, o->args[i]);
	struct scan_state st = {.o = o, .images = json_object_new_array(),
				.errors = json_object_new_array(),
				.unchecked = json_object_new_array()};
	struct scan_callbacks cb = {.found = on_found, .progress = on_progress,
				    .pool_error = on_pool_error, .user = &st};
	struct rw_error err = {0};
	int64_t t0 = clock_ms();
	if (chain_scan(ch, &pools, &cb, &err) < 0) {
		rc = cli_fail("scan", &err);
	} else if (o->json) {
		struct json_object *root = json_object_new_object();
		json_object_object_add(root, "images", json_object_get(st.images));
		json_object_object_add(root, "errors", json_object_get(st.errors));
		json_object_object_add(root, "images_scanned",
				       json_object_new_int64((int64_t)st.last.images_done));
		json_object_object_add(root, "with_watchers",
				       json_object_new_int64((int64_t)st.last.with_watchers));
		json_object_object_add(root, "orphans", json_object_new_int64((int64_t)st.orphans));
		json_object_object_add(root, "not_checked", json_object_get(st.unchecked));
		json_object_object_add(root, "elapsed_ms", json_object_new_int64(clock_ms() - t0));
		cli_print_json(root);
	} else {
		fprintf(stderr, "scanned %zu image%s in %zu pool%s: %zu with watchers, %zu orphan%s "
				"(%.2f s)\n", st.last.images_done, st.last.images_done == 1 ? "" : "s",
			st.last.pools_total, st.last.pools_total == 1 ? "" : "s",
			st.last.with_watchers, st.orphans, st.orphans == 1 ? "" : "s",
			(double)(clock_ms() - t0) / 1000.0);
		if (st.unchecked_rows.n)
			printf("not checked (%zu watcher%s: their hosts could not be asked):\n",
			       st.unchecked_rows.n, st.unchecked_rows.n == 1 ? "" : "s");
		for (size_t i = 0; i < st.unchecked_rows.n; i++)
			printf("  %s\n", st.unchecked_rows.v[i]);
	}
	/* a scan that could not look everywhere is incomplete, whatever it found */
	if (rc == 0 && json_object_array_length(st.unchecked) + st.unchecked_rows.n > 0)
		rc = RW_EXIT_BACKEND;
	json_object_put(st.images);
	json_object_put(st.errors);
	json_object_put(st.unchecked);
	strvec_free(&st.unchecked_rows);
	strvec_free(&pools);
	chain_free(ch);
	return rc;
}
