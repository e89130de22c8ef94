/* scan.c — `rbdwho scan [POOL…]`: every image with watchers, resolved.
 * Text rows stream out as images are found (pools are scanned side by side,
 * so rows of different pools interleave); JSON is printed once at the end, its
 * images and errors sorted, so that the same cluster gives the same document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/cli.h"
#include "rbdwho/clone_holds.h"
#include "rbdwho/redact.h"
#include "rbdwho/report.h"
#include "rbdwho/util.h"
#include "cli_internal.h"

struct scan_state {
	const struct options *o;
	struct json_object *images, *unchecked;
	struct strvec unchecked_rows; /* text: printed last, under their own heading */
	struct strvec errors;   /* pools and images that could not be looked at, failures to know */
	size_t *error_count;    /* how many times each of errors came up */
	size_t shown, orphans, not_judged;
	size_t conflicts;       /* watchers whose verdict is CONFLICT (every image) */
	struct scan_progress last;
	struct clone_holds holds;  /* parents held through the watched images (every image) */
};

/* One failure, counted once per occurrence: a Nova that is down is one line
 * ("… (37 times)"), not 37. */
static void add_error(struct scan_state *st, const char *msg)
{
	for (size_t i = 0; i < st->errors.n; i++)
		if (strcmp(st->errors.v[i], msg) == 0) {
			st->error_count[i]++;
			return;
		}
	strvec_push(&st->errors, msg);
	st->error_count = xrealloc(st->error_count, st->errors.n * sizeof *st->error_count);
	st->error_count[st->errors.n - 1] = 1;
}

static char *error_line(const struct scan_state *st, size_t i)
{
	return st->error_count[i] > 1 ? xasprintf("%s (%zu times)", st->errors.v[i],
						  st->error_count[i])
				      : xstrdup(st->errors.v[i]);
}

/* Errors in name order (their counts with them): pools fail side by side, in
 * no fixed order. Few lines: an insertion sort. */
static void sort_errors(struct scan_state *st)
{
	for (size_t i = 1; i < st->errors.n; i++)
		for (size_t k = i; k > 0 && strcmp(st->errors.v[k - 1], st->errors.v[k]) > 0; k--) {
			char *s = st->errors.v[k];
			size_t c = st->error_count[k];
			st->errors.v[k] = st->errors.v[k - 1];
			st->error_count[k] = st->error_count[k - 1];
			st->errors.v[k - 1] = s;
			st->error_count[k - 1] = c;
		}
}

static int json_str_cmp(struct json_object *a, struct json_object *b, const char *key)
{
	struct json_object *x = NULL, *y = NULL;
	json_object_object_get_ex(a, key, &x);
	json_object_object_get_ex(b, key, &y);
	const char *sx = json_object_get_string(x), *sy = json_object_get_string(y);
	return strcmp(sx ? sx : "", sy ? sy : "");
}

/* Images by pool, namespace, image, the trashed one after the live one of
 * the same name; found() delivers them in the order resolvers finish. */
static int image_json_cmp(const void *pa, const void *pb)
{
	struct json_object *a = *(struct json_object *const *)pa;
	struct json_object *b = *(struct json_object *const *)pb;
	static const char *const keys[] = {"pool", "namespace", "image", "trashed"};
	int c = 0;
	for (size_t i = 0; c == 0 && i < sizeof keys / sizeof keys[0]; i++)
		c = json_str_cmp(a, b, keys[i]);
	return c;
}

static void on_progress(const struct scan_progress *p, void *user)
{
	struct scan_state *st = user;
	st->last = *p;
}

/* " (clone of POOL/IMAGE@SNAP)" after a clone's name in its rows; "" otherwise. */
static char *parent_note(const struct image_view *iv)
{
	if (!iv->parent_known || !iv->clones.has_parent)
		return xstrdup("");
	char *spec = ceph_clone_ref_spec(&iv->clones.parent);
	char *note = xasprintf(" (clone of %s)", spec);
	free(spec);
	return note;
}

static void print_rows(const struct image_view *iv)
{
	for (size_t i = 0; i < iv->nwatchers; i++) {
		const struct watcher_view *w = &iv->watchers[i];
		const struct holder *h = w->nholders ? &w->holders[0] : NULL;
		/* the reason column: why a watcher is not ATTACHED */
		bool why = w->verdict != VERDICT_ATTACHED && w->reason;
		char *spec = report_image_spec(iv), *parent = parent_note(iv);
		char *row = xasprintf("%-8s %s%s%s  %s  %s%s%s  %s%s%s%s%s", verdict_name(w->verdict),
				      spec, iv->trashed ? " (in trash)" : "", parent, w->address,
				      w->host ? w->host : "?",
				      w->cephx_user ? " " : "", w->cephx_user ? w->cephx_user : "",
				      h && h->name ? h->name : "-", h && h->uuid ? " " : "",
				      h && h->uuid ? h->uuid : "", why ? "  -- " : "",
				      why ? w->reason : "");
		char *safe = sanitize_terminal(row);
		printf("%s\n", safe);
		free(safe);
		free(row);
		free(spec);
		free(parent);
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
			json_object_object_add(o, "namespace", json_object_new_string(iv->nspace ? iv->nspace : ""));
			json_object_object_add(o, "image", json_object_new_string(iv->image));
			json_object_object_add(o, "address", json_object_new_string(w->address));
			json_object_object_add(o, "host", w->host ? json_object_new_string(w->host) : NULL);
			json_object_object_add(o, "reason", json_object_new_string(w->reason ? w->reason : ""));
			json_object_array_add(st->unchecked, o);
		} else {
			char *spec = report_image_spec(iv);
			char *row = xasprintf("%s  %s  %s  %s", spec, w->address,
					      w->host ? w->host : "?", w->reason ? w->reason : "");
			free(spec);
			strvec_push_owned(&st->unchecked_rows, sanitize_terminal(row));
			free(row);
		}
	}
}

static void on_found(struct image_view *iv, void *user)
{
	struct scan_state *st = user;
	note_unchecked(st, iv);
	clone_holds_add(&st->holds, iv->pool, iv->nspace, iv->image,
			iv->parent_known && iv->clones.has_parent ? &iv->clones.parent : NULL);
	bool orphan = image_view_verdict(iv) == VERDICT_ORPHAN;
	st->orphans += orphan;
	struct strvec errs = {0};
	image_view_errors(iv, &errs);
	for (size_t i = 0; i < errs.n; i++)
		add_error(st, errs.v[i]);
	strvec_free(&errs);
	for (size_t i = 0; i < iv->nwatchers; i++) {
		st->not_judged += iv->watchers[i].verdict == VERDICT_UNKNOWN;
		st->conflicts += iv->watchers[i].verdict == VERDICT_CONFLICT;
	}
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
	add_error(st, msg);
	free(msg);
}

static struct json_object *clone_ref_json(const struct ceph_clone_ref *r, bool snap)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "pool", json_object_new_string(r->pool));
	json_object_object_add(o, "namespace", r->nspace ? json_object_new_string(r->nspace) : NULL);
	json_object_object_add(o, "image", json_object_new_string(r->image));
	if (snap)
		json_object_object_add(o, "snapshot", r->snap ? json_object_new_string(r->snap) : NULL);
	else
		json_object_object_add(o, "trash", json_object_new_boolean(r->trash));
	return o;
}

/* held_through_clones: each parent of a watched image, with those clones. */
static struct json_object *holds_json(const struct clone_holds *h)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < h->n; i++) {
		const struct clone_hold *c = &h->v[i];
		struct json_object *o = clone_ref_json(&c->parent, false);
		json_object_object_add(o, "watched", json_object_new_boolean(c->watched));
		struct json_object *kids = json_object_new_array();
		for (size_t k = 0; k < c->nclones; k++)
			json_object_array_add(kids, clone_ref_json(&c->clones[k], true));
		json_object_object_add(o, "clones", kids);
		json_object_array_add(a, o);
	}
	return a;
}

/* The text's section after the rows: "POOL/PARENT  held through N clones: …". */
static void holds_text(const struct clone_holds *h)
{
	if (h->n)
		printf("held through clones (%zu image%s):\n", h->n, h->n == 1 ? "" : "s");
	for (size_t i = 0; i < h->n; i++) {
		const struct clone_hold *c = &h->v[i];
		struct buf b = {0};
		char *spec = ceph_clone_ref_spec(&c->parent);
		buf_printf(&b, "%s%s  held through %zu watched clone%s:", spec,
			   c->parent.trash ? " (in trash)" : "", c->nclones, c->nclones == 1 ? "" : "s");
		free(spec);
		for (size_t k = 0; k < c->nclones; k++) {
			struct ceph_clone_ref head = c->clones[k];
			head.snap = NULL;  /* the clone itself; the parent's snapshot follows */
			char *ks = ceph_clone_ref_spec(&head);
			buf_printf(&b, "%s %s (from @%s)", k ? "," : "", ks,
				   c->clones[k].snap ? c->clones[k].snap : "?");
			free(ks);
		}
		buf_printf(&b, "%s", c->watched ? "  (watched itself too)" : "");
		char *safe = sanitize_terminal(b.p);
		printf("  %s\n", safe);
		free(safe);
		buf_free(&b);
	}
}

/* The text summary's tail: how many watchers could not be judged, and every
 * failure to know, on standard error. */
static void scan_print_errors(const struct scan_state *st)
{
	if (st->not_judged)
		fprintf(stderr, "%zu watcher%s not judged (UNKNOWN): see the reason column%s\n",
			st->not_judged, st->not_judged == 1 ? "" : "s",
			st->errors.n ? " and the errors below" : "");
	if (st->conflicts)  /* not orphans, but OpenStack contradicts what runs */
		fprintf(stderr, "%zu watcher%s in CONFLICT with OpenStack: see the reason column\n",
			st->conflicts, st->conflicts == 1 ? "" : "s");
	for (size_t i = 0; i < st->errors.n; i++) {
		char *line = error_line(st, i), *safe = sanitize_terminal(line);
		fprintf(stderr, "rbdwho: %s\n", safe);
		free(safe);
		free(line);
	}
}

/* The summary's word when the scan is incomplete: "0 orphans" alone would
 * read as "none" to whoever sees only the last line. */
static char *incomplete_note(const struct scan_state *st)
{
	size_t nerr = st->errors.n, nun = st->unchecked_rows.n;
	if (!nerr && !nun)
		return xstrdup("");
	struct buf b = {0};
	buf_printf(&b, " found, INCOMPLETE:");
	if (nerr)
		buf_printf(&b, " %zu failure%s to know above", nerr, nerr == 1 ? "" : "s");
	if (nun)
		buf_printf(&b, "%s %zu watcher%s not checked", nerr ? "," : "", nun,
			   nun == 1 ? "" : "s");
	char *out = xstrdup(b.p);
	buf_free(&b);
	return out;
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
				.unchecked = json_object_new_array()};
	struct scan_callbacks cb = {.found = on_found, .progress = on_progress,
				    .pool_error = on_pool_error, .user = &st};
	struct rw_error err = {0};
	int64_t t0 = clock_ms();
	int scan_rc = chain_scan(ch, &pools, &cb, &err);
	sort_errors(&st);
	clone_holds_finish(&st.holds);
	if (scan_rc < 0) {
		rc = cli_fail("scan", &err);
	} else if (o->json) {
		json_object_array_sort(st.images, image_json_cmp);
		json_object_array_sort(st.unchecked, image_json_cmp);
		struct json_object *root = json_object_new_object();
		json_object_object_add(root, "images", json_object_get(st.images));
		struct json_object *ej = json_object_new_array();
		for (size_t i = 0; i < st.errors.n; i++) {
			char *line = error_line(&st, i);
			json_object_array_add(ej, json_object_new_string(line));
			free(line);
		}
		json_object_object_add(root, "errors", ej);
		json_object_object_add(root, "not_judged", json_object_new_int64((int64_t)st.not_judged));
		json_object_object_add(root, "images_scanned",
				       json_object_new_int64((int64_t)st.last.images_done));
		json_object_object_add(root, "with_watchers",
				       json_object_new_int64((int64_t)st.last.with_watchers));
		json_object_object_add(root, "orphans", json_object_new_int64((int64_t)st.orphans));
		json_object_object_add(root, "not_checked", json_object_get(st.unchecked));
		json_object_object_add(root, "elapsed_ms", json_object_new_int64(clock_ms() - t0));
		json_object_object_add(root, "conflicts", json_object_new_int64((int64_t)st.conflicts));
		json_object_object_add(root, "held_through_clones", holds_json(&st.holds));
		cli_print_json(root);
	} else {
		scan_print_errors(&st);  /* before the summary, which stays the last line */
		char *incomplete = incomplete_note(&st);
		fprintf(stderr, "scanned %zu image%s in %zu pool%s: %zu with watchers, %zu orphan%s%s "
				"(%.2f s)\n", st.last.images_done, st.last.images_done == 1 ? "" : "s",
			st.last.pools_total, st.last.pools_total == 1 ? "" : "s",
			st.last.with_watchers, st.orphans, st.orphans == 1 ? "" : "s", incomplete,
			(double)(clock_ms() - t0) / 1000.0);
		free(incomplete);
		if (st.unchecked_rows.n)
			printf("not checked (%zu watcher%s: their hosts could not be asked):\n",
			       st.unchecked_rows.n, st.unchecked_rows.n == 1 ? "" : "s");
		holds_text(&st.holds);
		for (size_t i = 0; i < st.unchecked_rows.n; i++)
			printf("  %s\n", st.unchecked_rows.v[i]);
	}
	/* something could not be known, or some host could not be looked at: the
	 * scan is incomplete, never a clean "0 orphans" */
	if (rc == 0 && (st.errors.n || json_object_array_length(st.unchecked) || st.unchecked_rows.n))
		rc = RW_EXIT_BACKEND;
	json_object_put(st.images);
	json_object_put(st.unchecked);
	strvec_free(&st.unchecked_rows);
	strvec_free(&st.errors);
	free(st.error_count);
	clone_holds_free(&st.holds);
	strvec_free(&pools);
	chain_free(ch);
	return rc;
}
