/* argv_tools.c — the command lines of Ceph's own RBD clients: rbd-nbd (map or
 * attach one image), rbd-fuse (one image with -r, else every image of its pool)
 * and the rbd CLI (best effort: which word is an image depends on the command).
 * No I/O. */
#include <stdlib.h>
#include <string.h>

#include "rbdwho/util.h"
#include "argv_internal.h"

/* ---- options every Ceph tool shares ---- */

/* Options of rbd-nbd, rbd and Ceph's common arguments that take a value as the
 * next word; anything else starting with '-' is taken for a flag. */
static const char *const ceph_value_opts[] = {
    "--device",
    "--io-timeout",
    "--max_part",
    "--nbds_max",
    "--reattach-timeout",
    "--quiesce-hook",
    "--cookie",
    "--snap-id",
    "--encryption-format",
    "--encryption-passphrase-file",
    "--timeout",
    "-p",
    "--pool",
    "--image",
    "--snap",
    "--namespace",
    "--dest",
    "--dest-pool",
    "--dest-namespace",
    "--image-feature",
    "--image-format",
    "-s",
    "--size",
    "--order",
    "--object-size",
    "--stripe-unit",
    "--stripe-count",
    "--data-pool",
    "--io-type",
    "--io-size",
    "--io-threads",
    "--io-total",
    "--io-pattern",
    "--format",
    "--from-snap",
    "--export-format",
    "-t",
    "--device-type",
    "-o",
    "--options",
    "--path",
    "--image-id",
    "--journal",
    "-c",
    "--conf",
    "-i",
    "--id",
    "--user",
    "-n",
    "--name",
    "-k",
    "--keyring",
    "--key",
    "--keyfile",
    "--cluster",
    "-m",
    "--mon_host",
    "--mon-host",
    "--log-file",
    "--log_file",
    "--admin-socket",
    "--admin_socket",
    NULL,
};

static int ceph_opt_takes_value(const char *opt)
{
	for (size_t i = 0; ceph_value_opts[i]; i++)
		if (strcmp(opt, ceph_value_opts[i]) == 0)
			return 1;
	return 0;
}

/* What a Ceph tool's options say: the cephx user, the default pool and so on. */
struct ceph_args {
	struct strvec pos; /* positional words, in order */
	const char *user, *pool, *nspace, *image, *snap;
};

static void ceph_args_note(struct ceph_args *a, const char *opt, const char *val)
{
	if (!strcmp(opt, "--id") || !strcmp(opt, "-i") || !strcmp(opt, "--user"))
		a->user = val;
	else if ((!strcmp(opt, "--name") || !strcmp(opt, "-n")) && str_starts_with(val, "client."))
		a->user = val + strlen("client.");
	else if (!strcmp(opt, "--pool") || !strcmp(opt, "-p"))
		a->pool = val;
	else if (!strcmp(opt, "--namespace"))
		a->nspace = val;
	else if (!strcmp(opt, "--image"))
		a->image = val;
	else if (!strcmp(opt, "--snap"))
		a->snap = val;
}

static void ceph_args_parse(const char *const *argv, size_t argc, struct ceph_args *a)
{
	for (size_t i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!arg)
			continue;
		if (strcmp(arg, "--") == 0) {
			for (i++; i < argc; i++)
				if (argv[i])
					strvec_push(&a->pos, argv[i]);
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			strvec_push(&a->pos, arg); /* "-" is stdin/stdout: positional */
			continue;
		}
		const char *eq = strchr(arg, '=');
		if (eq && arg[1] == '-') {
			char *opt = xstrndup(arg, (size_t)(eq - arg));
			ceph_args_note(a, opt, eq + 1);
			free(opt);
		} else if (ceph_opt_takes_value(arg) && i + 1 < argc && argv[i + 1]) {
			ceph_args_note(a, arg, argv[i + 1]);
			i++;
		}
	}
}

/* One image spec as the rbd tools take it: "[pool/[ns/]]image[@snap]", with
 * --pool/--namespace/--snap filling what the spec leaves out (pool "rbd"). */
static void ceph_add_spec(struct argv_info *out, const struct ceph_args *a, const char *spec)
{
	struct rbd_ref r = {0};
	char *full;

	if (str_empty(spec) || str_starts_with(spec, "/dev/") || strcmp(spec, "-") == 0)
		return;
	if (strchr(spec, '/'))
		full = xstrdup(spec);
	else if (!str_empty(a->nspace))
		full = xasprintf("%s/%s/%s", a->pool ? a->pool : "rbd", a->nspace, spec);
	else
		full = xasprintf("%s/%s", a->pool ? a->pool : "rbd", spec);
	if (rbd_ref_parse_spec(full, &r) == 0) {
		if (!r.snap && !str_empty(a->snap))
			r.snap = xstrdup(a->snap);
		if (!r.user && !str_empty(a->user))
			r.user = xstrdup(a->user);
		argv_add_disk(out, &r);
	} else {
		rbd_ref_clear(&r);
	}
	free(full);
}

/* rbd-nbd [opts] map|attach SPEC: only these two hold an image. */
void argv_parse_rbd_nbd(const char *const *argv, size_t argc, struct argv_info *out)
{
	struct ceph_args a = {0};

	ceph_args_parse(argv, argc, &a);
	if (a.pos.n >= 1 && (!strcmp(a.pos.v[0], "map") || !strcmp(a.pos.v[0], "attach"))) {
		if (a.pos.n >= 2)
			ceph_add_spec(out, &a, a.pos.v[1]);
		else if (a.image)
			ceph_add_spec(out, &a, a.image);
	}
	strvec_free(&a.pos);
}

static int word_in(const char *w, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (strcmp(w, set[i]) == 0)
			return 1;
	return 0;
}

/* The rbd CLI, best effort: which positional words after the command are
 * images depends on the command. */
void argv_parse_rbd_cli(const char *const *argv, size_t argc, struct argv_info *out)
{
	static const char *const groups[] = {"snap",    "device",     "nbd",        "lock",
	                                     "feature", "image-meta", "object-map", "migration",
	                                     "deep",    "journal",    "encryption", NULL};
	static const char *const none[] = {"ls",     "list",       "pool",  "namespace", "perf",
	                                   "config", "showmapped", "trash", "mirror",    "group",
	                                   "help",   "merge-diff", NULL};
	static const char *const two[] = {"cp", "copy", "clone", "mv", "rename", NULL};
	static const char *const second[] = {"import", "import-diff", NULL};
	struct ceph_args a = {0};
	size_t cmd = 0, first;

	ceph_args_parse(argv, argc, &a);
	if (a.pos.n == 0 || word_in(a.pos.v[0], none))
		goto done;
	first = word_in(a.pos.v[0], groups) ? 2 : 1;
	if (first == 2 && a.pos.n >= 2)
		cmd = 1;
	const char *c = a.pos.v[cmd];
	if (word_in(c, second))
		first++;
	if (first < a.pos.n)
		ceph_add_spec(out, &a, a.pos.v[first]);
	else if (a.image)
		ceph_add_spec(out, &a, a.image);
	if (word_in(c, two) && first + 1 < a.pos.n)
		ceph_add_spec(out, &a, a.pos.v[first + 1]);
done:
	strvec_free(&a.pos);
}

/* ---- rbd-fuse ---- */

enum { FUSE_POOL, FUSE_NSPACE, FUSE_IMAGE, FUSE_NOPTS };

/* rbd-fuse's own options, matched the way libfuse's fuse_opt matches its
 * templates "-p %s" (so "-p POOL" and "-pPOOL") and "--poolname=%s". */
static const struct {
	char short_name;
	const char *long_eq;
} fuse_opts[FUSE_NOPTS] = {
    [FUSE_POOL] = {'p', "--poolname="},
    [FUSE_NSPACE] = {'s', "--namespace="},
    [FUSE_IMAGE] = {'r', "--image="},
};

/* How many words arg (and next) make as one of rbd-fuse's own options; 0 when
 * arg is not one. */
static size_t fuse_opt_take(const char *arg, const char *next, const char **val)
{
	for (size_t i = 0; i < FUSE_NOPTS; i++) {
		if (str_starts_with(arg, fuse_opts[i].long_eq)) {
			val[i] = arg + strlen(fuse_opts[i].long_eq);
			return 1;
		}
		if (arg[0] != '-' || arg[1] != fuse_opts[i].short_name)
			continue;
		if (arg[2]) {
			val[i] = arg + 2;
			return 1;
		}
		if (next)
			val[i] = next;
		return next ? 2 : 1;
	}
	return 0;
}

/* rbd-fuse [-p POOL] [-s NS] [-r IMAGE] MOUNTPOINT [Ceph and FUSE options]:
 * with -r it holds that image; without, every image of the pool (default
 * "rbd") is a file it may have open. */
void argv_parse_rbd_fuse(const char *const *argv, size_t argc, struct argv_info *out)
{
	const char *val[FUSE_NOPTS] = {0};
	struct ceph_args a = {0};

	for (size_t i = 1; i < argc; i++) {
		const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!arg || arg[0] != '-')
			continue;
		size_t used = fuse_opt_take(arg, next, val);
		const char *eq = strchr(arg, '=');
		if (!used && eq && arg[1] == '-') {
			char *opt = xstrndup(arg, (size_t)(eq - arg));
			ceph_args_note(&a, opt, eq + 1);
			free(opt);
		} else if (!used && next && ceph_opt_takes_value(arg)) {
			ceph_args_note(&a, arg, next);
			used = 2;
		}
		if (used == 2)
			i++;
	}
	struct rbd_ref r = {0};
	r.pool = xstrdup(str_empty(val[FUSE_POOL]) ? "rbd" : val[FUSE_POOL]);
	r.nspace = str_empty(val[FUSE_NSPACE]) ? NULL : xstrdup(val[FUSE_NSPACE]);
	r.user = str_empty(a.user) ? NULL : xstrdup(a.user);
	if (!str_empty(val[FUSE_IMAGE])) {
		r.image = xstrdup(val[FUSE_IMAGE]);
		argv_add_disk(out, &r);
	} else {
		rbd_ref_clear(&out->whole_pool);
		out->whole_pool = r;
	}
}
