/* argv.c — reads a process's command line for the RBD images it holds: qemu's
 * -drive/-blockdev/-name/-uuid (with qemu's two escape layers), rbd-nbd, the rbd
 * CLI, and a catch-all for any other program naming `rbd:POOL/IMAGE`. No I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "rbdwho/parse_argv.h"
#include "rbdwho/util.h"

/* The JSON a -blockdev carries nests at most a few levels; anything deeper
 * is not a real command line and not worth recursing into. */
#define ARGV_JSON_MAX_DEPTH 16

/* ---- qemu option strings: "k=v,k=v" where ",," is a literal comma ---- */

struct qopt {
	char *key, *val;
};
struct qopts {
	struct qopt *v;
	size_t n, cap;
};

static void qopts_free(struct qopts *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].key);
		free(o->v[i].val);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* Reads a value up to the next single ',' (",," is a comma); returns the
 * position after the terminating ',' or at the NUL. */
static const char *qopt_read_value(const char *p, char **val)
{
	struct buf b = {0};

	buf_append(&b, "", 0);
	for (; *p; p++) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		buf_append(&b, p, 1);
	}
	*val = b.p;
	return *p == ',' ? p + 1 : p;
}

static void qopts_add(struct qopts *o, char *key, char *val)
{
	xgrow(&o->v, &o->cap, o->n, sizeof(*o->v));
	o->v[o->n].key = key;
	o->v[o->n].val = val;
	o->n++;
}

/* Splits like qemu's QemuOpts: the key ends at '=' or ','; a first element
 * without '=' is the value of implied_key (e.g. "-name NAME"), later ones are
 * flags ("readonly" means readonly=on). */
static void qopts_parse(const char *s, const char *implied_key, struct qopts *out)
{
	const char *p = s;
	int first = 1;

	while (*p) {
		size_t klen = strcspn(p, "=,");
		char *val = NULL;

		if (p[klen] == '=') {
			char *key = xstrndup(p, klen);
			p = qopt_read_value(p + klen + 1, &val);
			qopts_add(out, key, val);
		} else if (first && implied_key) {
			p = qopt_read_value(p, &val);
			qopts_add(out, xstrdup(implied_key), val);
		} else {
			if (klen > 0)
				qopts_add(out, xstrndup(p, klen), xstrdup("on"));
			p += klen;
			if (*p == ',')
				p++;
		}
		first = 0;
	}
}

/* The last occurrence wins, as in qemu. */
static const char *qopts_get(const struct qopts *o, const char *prefix, const char *key)
{
	size_t plen = strlen(prefix);

	for (size_t i = o->n; i-- > 0;) {
		const char *k = o->v[i].key;
		if (strncmp(k, prefix, plen) == 0 && strcmp(k + plen, key) == 0)
			return o->v[i].val;
	}
	return NULL;
}

/* ---- collecting references ---- */

static int str_eq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Takes r's strings. A command line naming the same image twice (a -drive and
 * a json: copy of it, say) holds it once. */
static void argv_add_disk(struct argv_info *out, struct rbd_ref *r)
{
	for (size_t i = 0; i < out->disks.n; i++) {
		const struct rbd_ref *d = &out->disks.v[i];
		if (str_eq_null(d->pool, r->pool) && str_eq_null(d->nspace, r->nspace) &&
		    str_eq_null(d->image, r->image) && str_eq_null(d->snap, r->snap)) {
			rbd_ref_clear(r);
			return;
		}
	}
	rbd_refs_push(&out->disks, r);
}

/* Empty strings mean "not given" in every form qemu accepts. */
static char *dup_nonempty(const char *s)
{
	return str_empty(s) ? NULL : xstrdup(s);
}

static void argv_add_fields(struct argv_info *out, const char *pool, const char *nspace,
                            const char *image, const char *snap, const char *user)
{
	struct rbd_ref r = {0};

	if (str_empty(pool) || str_empty(image))
		return;
	r.pool = xstrdup(pool);
	r.image = xstrdup(image);
	r.nspace = dup_nonempty(nspace);
	r.snap = dup_nonempty(snap);
	r.user = dup_nonempty(user);
	argv_add_disk(out, &r);
}

/* ---- rbd:pool/image[@snap][:opt=val…] ---- */

/* qemu's qemu_rbd_next_tok: cuts s at the first delim not escaped by '\'. */
static char *rbd_next_tok(char *s, char delim, char **rest)
{
	char *p;

	/* cppcheck-suppress nullPointerRedundantCheck ; s is never NULL: callers test the
	 * *rest of the previous cut, a different object that cppcheck conflates with s */
	for (p = s; *p; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == delim)
			break;
	}
	if (*p == delim) {
		*p = '\0';
		*rest = p + 1;
	} else {
		*rest = NULL;
	}
	return s;
}

static void rbd_unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		*w++ = *p;
	}
	*w = '\0';
}

/* The options after the image: only id= (the cephx user) matters here. */
static void rbd_parse_options(char *p, struct rbd_ref *out)
{
	while (p) {
		char *name = rbd_next_tok(p, '=', &p);
		if (!p)
			return; /* qemu refuses "opt" without a value: nothing more to read */
		char *value = rbd_next_tok(p, ':', &p);
		rbd_unescape(name);
		rbd_unescape(value);
		if (strcmp(name, "id") == 0 && *value) {
			free(out->user);
			out->user = xstrdup(value);
		}
	}
}

/* Unlike qemu, '@' only counts before the options, so that a conf path with
 * an '@' in it cannot pass for a snapshot. */
static int rbd_parse_spec_part(char *p, struct rbd_ref *out, char **opts)
{
	char *pool = rbd_next_tok(p, '/', &p);
	if (!p)
		return -EINVAL;
	char *image = rbd_next_tok(p, ':', opts);
	char *snap = NULL;
	char *at;

	rbd_next_tok(image, '@', &at);
	if (at)
		snap = at;
	char *nspace = NULL;
	char *rest;
	rbd_next_tok(image, '/', &rest);
	if (rest) {
		nspace = image;
		image = rest;
	}
	rbd_unescape(pool);
	rbd_unescape(image);
	if (!*pool || !*image)
		return -EINVAL;
	out->pool = xstrdup(pool);
	out->image = xstrdup(image);
	if (nspace) {
		rbd_unescape(nspace);
		out->nspace = dup_nonempty(nspace);
	}
	if (snap) {
		rbd_unescape(snap);
		out->snap = dup_nonempty(snap);
	}
	return 0;
}

int parse_rbd_drive_file(const char *file, struct rbd_ref *out)
{
	char *copy, *opts = NULL;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!file || !str_starts_with(file, "rbd:"))
		return -EINVAL;
	copy = xstrdup(file + 4);
	rc = rbd_parse_spec_part(copy, out, &opts);
	if (rc == 0)
		rbd_parse_options(opts, out);
	else
		rbd_ref_clear(out);
	free(copy);
	return rc;
}

static void argv_add_drive_file(struct argv_info *out, const char *file)
{
	struct rbd_ref r;

	if (parse_rbd_drive_file(file, &r) == 0)
		argv_add_disk(out, &r);
}

/* ---- JSON block nodes ({"driver":"rbd",…}, possibly under "file") ---- */

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void argv_json_walk(struct json_object *o, int depth, struct argv_info *out)
{
	if (!o || depth > ARGV_JSON_MAX_DEPTH)
		return;
	if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);
		for (size_t i = 0; i < n; i++)
			argv_json_walk(json_object_array_get_idx(o, i), depth + 1, out);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	const char *driver = json_str(o, "driver");
	if (driver && strcmp(driver, "rbd") == 0) {
		argv_add_fields(out, json_str(o, "pool"), json_str(o, "namespace"),
		                json_str(o, "image"), json_str(o, "snapshot"), json_str(o, "user"));
		return;
	}
	/* The rbd node sits under "file" (raw over rbd), "backing", quorum's
	 * "children"...: every nested object is a candidate. */
	json_object_object_foreach(o, key, val)
	{
		(void)key;
		argv_json_walk(val, depth + 1, out);
	}
}

static void argv_add_json(struct argv_info *out, const char *text)
{
	struct json_tokener *tok = json_tokener_new_ex(ARGV_JSON_MAX_DEPTH + 4);
	struct json_object *o;

	if (!tok)
		return;
	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (o && json_tokener_get_error(tok) == json_tokener_success)
		argv_json_walk(o, 0, out);
	json_object_put(o);
	json_tokener_free(tok);
}

/* ---- qemu options ---- */

/* Dotted key=value forms: "driver=rbd,pool=…" or "file.driver=rbd,file.pool=…";
 * every prefix whose driver is rbd is one image. */
static void argv_add_dotted(struct argv_info *out, const struct qopts *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const char *k = o->v[i].key;
		if (!str_ends_with(k, "driver") || strcmp(o->v[i].val, "rbd") != 0)
			continue;
		size_t plen = strlen(k) - strlen("driver");
		if (plen > 0 && k[plen - 1] != '.')
			continue;
		char *prefix = xstrndup(k, plen);
		argv_add_fields(out, qopts_get(o, prefix, "pool"),
		                qopts_get(o, prefix, "namespace"), qopts_get(o, prefix, "image"),
		                qopts_get(o, prefix, "snapshot"), qopts_get(o, prefix, "user"));
		free(prefix);
	}
}

/* A filename as qemu takes it anywhere: rbd:… or a json:{…} pseudo-file. */
static void argv_add_filename(struct argv_info *out, const char *file)
{
	if (str_starts_with(file, "rbd:"))
		argv_add_drive_file(out, file);
	else if (str_starts_with(file, "json:"))
		argv_add_json(out, file + 5);
}

static void argv_qemu_drive(struct argv_info *out, const char *val)
{
	struct qopts o = {0};
	const char *file;

	qopts_parse(val, NULL, &o);
	file = qopts_get(&o, "", "file");
	if (file)
		argv_add_filename(out, file);
	argv_add_dotted(out, &o);
	qopts_free(&o);
}

static void argv_qemu_blockdev(struct argv_info *out, const char *val)
{
	struct qopts o = {0};

	if (val[0] == '{') {
		argv_add_json(out, val);
		return;
	}
	qopts_parse(val, NULL, &o);
	argv_add_dotted(out, &o);
	qopts_free(&o);
}

static void argv_qemu_name(struct argv_info *out, const char *val)
{
	struct qopts o = {0};
	const char *guest;

	qopts_parse(val, "guest", &o);
	guest = qopts_get(&o, "", "guest");
	if (guest) {
		free(out->name);
		out->name = xstrdup(guest);
	}
	qopts_free(&o);
}

/* qemu takes "-opt" and "--opt" alike. */
static const char *qemu_opt_name(const char *arg)
{
	if (arg[0] != '-')
		return NULL;
	return arg[1] == '-' ? arg + 2 : arg + 1;
}

static void argv_parse_qemu(const char *const *argv, size_t argc, struct argv_info *out)
{
	for (size_t i = 1; i < argc; i++) {
		const char *opt = argv[i] ? qemu_opt_name(argv[i]) : NULL;
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!argv[i])
			continue;
		if (!opt || !val) {
			argv_add_filename(out, argv[i]); /* a bare disk image, -hda's value */
			continue;
		}
		if (strcmp(opt, "drive") == 0)
			argv_qemu_drive(out, val);
		else if (strcmp(opt, "blockdev") == 0)
			argv_qemu_blockdev(out, val);
		else if (strcmp(opt, "name") == 0)
			argv_qemu_name(out, val);
		else if (strcmp(opt, "uuid") == 0) {
			free(out->uuid);
			out->uuid = xstrdup(val);
		} else
			continue; /* the value, if any, is looked at as a bare argument */
		i++;
	}
}

/* ---- rbd-nbd and the rbd CLI ---- */

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
static void argv_parse_rbd_nbd(const char *const *argv, size_t argc, struct argv_info *out)
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
static void argv_parse_rbd_cli(const char *const *argv, size_t argc, struct argv_info *out)
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

/* ---- any other program ---- */

/* An "rbd:" that starts a word or a value, not the tail of "krbd:". */
static int rbd_prefix_at(const char *arg, const char *p)
{
	if (p == arg)
		return 1;
	return strchr("=,:; '\"", p[-1]) != NULL;
}

/* Every rbd:… in the word, up to an unescaped ',' or blank. */
static void argv_scan_other(const char *arg, struct argv_info *out)
{
	const char *p = arg;

	while ((p = strstr(p, "rbd:")) != NULL) {
		if (!rbd_prefix_at(arg, p)) {
			p += 4;
			continue;
		}
		const char *e = p;
		while (*e && *e != ',' && *e != ' ' && *e != '\'' && *e != '"')
			e += (*e == '\\' && e[1]) ? 2 : 1;
		char *file = xstrndup(p, (size_t)(e - p));
		argv_add_drive_file(out, file);
		free(file);
		p = e;
	}
}

/* ---- entry points ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static enum argv_kind argv_detect_kind(const char *argv0)
{
	const char *b = base_name(argv0);

	if (str_starts_with(b, "qemu-system") || str_starts_with(b, "qemu-kvm") ||
	    strcmp(b, "kvm") == 0)
		return ARGV_QEMU;
	if (strcmp(b, "rbd-nbd") == 0)
		return ARGV_RBD_NBD;
	if (strcmp(b, "rbd") == 0)
		return ARGV_RBD_CLI;
	return ARGV_OTHER;
}

int parse_argv(const char *const *argv, size_t argc, struct argv_info *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!argv || argc == 0 || str_empty(argv[0]))
		return -EINVAL;
	out->kind = argv_detect_kind(argv[0]);
	switch (out->kind) {
	case ARGV_QEMU:
		argv_parse_qemu(argv, argc, out);
		break;
	case ARGV_RBD_NBD:
		argv_parse_rbd_nbd(argv, argc, out);
		break;
	case ARGV_RBD_CLI:
		argv_parse_rbd_cli(argv, argc, out);
		break;
	case ARGV_OTHER:
		for (size_t i = 1; i < argc; i++) {
			if (!argv[i])
				continue;
			if (str_starts_with(argv[i], "json:"))
				argv_add_json(out, argv[i] + 5);
			else
				argv_scan_other(argv[i], out);
		}
		break;
	}
	return 0;
}

void argv_info_clear(struct argv_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->uuid);
	rbd_refs_free(&info->disks);
	memset(info, 0, sizeof(*info));
}

const char *argv_kind_name(enum argv_kind k)
{
	switch (k) {
	case ARGV_QEMU:
		return "qemu";
	case ARGV_RBD_NBD:
		return "rbd-nbd";
	case ARGV_RBD_CLI:
		return "rbd";
	case ARGV_OTHER:
		break;
	}
	return "other";
}
