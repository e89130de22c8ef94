/* argv.c — reads a process's command line for the RBD images it holds: qemu's
 * -drive/-blockdev/-name/-uuid/-smbios (with qemu's two escape layers) and its
 * kernel-mapped disks, the entry points, and a catch-all for any other program
 * naming `rbd:POOL/IMAGE`; Ceph's own tools are read in argv_tools.c. No I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "rbdwho/parse_argv.h"
#include "rbdwho/util.h"
#include "argv_internal.h"

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
void argv_add_disk(struct argv_info *out, struct rbd_ref *r)
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

/* ---- kernel-mapped RBD devices (krbd) ---- */

static void argv_add_krbd(struct argv_info *out, const char *path, int dev_id)
{
	for (size_t i = 0; i < out->nkrbd; i++)
		if (strcmp(out->krbd[i].path, path) == 0)
			return;
	xgrow(&out->krbd, &out->cap_krbd, out->nkrbd + 1, sizeof(*out->krbd));
	out->krbd[out->nkrbd].path = xstrdup(path);
	out->krbd[out->nkrbd].dev_id = dev_id;
	out->nkrbd++;
}

/* The N of "N" or "NpM" (partition M of /dev/rbdN); -1 when s is neither. */
static int krbd_dev_number(const char *s)
{
	int n = 0;
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 6)
		return -1;
	for (size_t i = 0; i < digits; i++)
		n = n * 10 + (s[i] - '0');
	s += digits;
	if (*s == 'p' && s[1] && strspn(s + 1, "0123456789") == strlen(s + 1))
		s += strlen(s);
	return *s ? -1 : n;
}

/* "POOL/IMAGE[@SNAP]" or "POOL/NS/IMAGE[@SNAP]" as the udev rule's
 * ceph-rbdnamer names a mapping; no empty, "." or ".." component. */
static int krbd_spec_ok(const char *spec)
{
	size_t parts = 0;

	for (const char *p = spec;; p++) {
		size_t len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return 0;
		parts++;
		p += len;
		if (!*p)
			break;
	}
	return parts == 2 || parts == 3;
}

/* A disk path that is a kernel RBD mapping: /dev/rbdN[pM] (the device number
 * only), /dev/rbd/POOL/[NS/]IMAGE (udev's link) or
 * /dev/rbd-pve/FSID/POOL/[NS/]IMAGE (Proxmox VE's link): pool and image. */
static void argv_add_devpath(struct argv_info *out, const char *path)
{
	const char *spec = NULL;
	struct rbd_ref r;

	if (str_starts_with(path, "/dev/rbd/")) {
		spec = path + strlen("/dev/rbd/");
	} else if (str_starts_with(path, "/dev/rbd-pve/")) {
		const char *fsid = path + strlen("/dev/rbd-pve/");
		const char *slash = strchr(fsid, '/');
		if (slash && slash > fsid)
			spec = slash + 1;
	} else if (str_starts_with(path, "/dev/rbd")) {
		int n = krbd_dev_number(path + strlen("/dev/rbd"));
		if (n >= 0)
			argv_add_krbd(out, path, n);
		return;
	}
	if (!spec || !krbd_spec_ok(spec) || rbd_ref_parse_spec(spec, &r) != 0)
		return;
	argv_add_disk(out, &r);
	argv_add_krbd(out, path, -1);
}

/* ---- JSON block nodes ({"driver":"rbd",…}, possibly under "file") ---- */

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The block drivers that open a host path: where a krbd device shows up. */
static int is_file_driver(const char *driver)
{
	return !strcmp(driver, "host_device") || !strcmp(driver, "file") ||
	       !strcmp(driver, "host_cdrom");
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
	if (driver && is_file_driver(driver) && json_str(o, "filename")) {
		argv_add_devpath(out, json_str(o, "filename"));
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
 * every prefix whose driver is rbd is one image, and one whose driver opens a
 * host path ("file.driver=host_device,file.filename=/dev/rbd0") may be krbd. */
static void argv_add_dotted(struct argv_info *out, const struct qopts *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const char *k = o->v[i].key, *drv = o->v[i].val;
		if (!str_ends_with(k, "driver") || (strcmp(drv, "rbd") != 0 && !is_file_driver(drv)))
			continue;
		size_t plen = strlen(k) - strlen("driver");
		if (plen > 0 && k[plen - 1] != '.')
			continue;
		char *prefix = xstrndup(k, plen);
		const char *filename = qopts_get(o, prefix, "filename");
		if (strcmp(drv, "rbd") == 0)
			argv_add_fields(out, qopts_get(o, prefix, "pool"),
			                qopts_get(o, prefix, "namespace"),
			                qopts_get(o, prefix, "image"),
			                qopts_get(o, prefix, "snapshot"), qopts_get(o, prefix, "user"));
		else if (filename)
			argv_add_devpath(out, filename);
		free(prefix);
	}
}

/* A filename as qemu takes it anywhere: rbd:…, a json:{…} pseudo-file, or a
 * host device path that may be a kernel RBD mapping. */
static void argv_add_filename(struct argv_info *out, const char *file)
{
	if (str_starts_with(file, "rbd:"))
		argv_add_drive_file(out, file);
	else if (str_starts_with(file, "json:"))
		argv_add_json(out, file + 5);
	else if (str_starts_with(file, "/dev/rbd"))
		argv_add_devpath(out, file);
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

/* -smbios type=1,…,uuid=UUID: the VM's UUID where -uuid is absent (Nova and
 * libvirt give both; some set-ups give only this one). Later ones win. */
static void argv_qemu_smbios(char **uuid, const char *val)
{
	struct qopts o = {0};
	const char *type, *u;

	qopts_parse(val, NULL, &o);
	type = qopts_get(&o, "", "type");
	u = qopts_get(&o, "", "uuid");
	if (type && strcmp(type, "1") == 0 && !str_empty(u)) {
		free(*uuid);
		*uuid = xstrdup(u);
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
	char *smbios_uuid = NULL;

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
		} else if (strcmp(opt, "smbios") == 0)
			argv_qemu_smbios(&smbios_uuid, val);
		else
			continue; /* the value, if any, is looked at as a bare argument */
		i++;
	}
	if (!out->uuid) {
		out->uuid = smbios_uuid;
		smbios_uuid = NULL;
	}
	free(smbios_uuid);
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

static int is_qemu(const char *b)
{
	return str_starts_with(b, "qemu-system") || str_starts_with(b, "qemu-kvm") ||
	       strcmp(b, "kvm") == 0;
}

static int is_rbd_nbd(const char *b)
{
	return strcmp(b, "rbd-nbd") == 0;
}

static int is_rbd_cli(const char *b)
{
	return strcmp(b, "rbd") == 0;
}

static int is_rbd_fuse(const char *b)
{
	return strcmp(b, "rbd-fuse") == 0;
}

/* Everything else: any rbd:… or json:{…} word. */
static void argv_parse_other(const char *const *argv, size_t argc, struct argv_info *out)
{
	for (size_t i = 1; i < argc; i++) {
		if (!argv[i])
			continue;
		if (str_starts_with(argv[i], "json:"))
			argv_add_json(out, argv[i] + 5);
		else
			argv_scan_other(argv[i], out);
	}
}

/* How each kind of program is told apart (by argv[0]'s base name) and read. */
static const struct {
	enum argv_kind kind;
	int (*is)(const char *base);
	void (*parse)(const char *const *argv, size_t argc, struct argv_info *out);
} argv_readers[] = {
    {ARGV_QEMU, is_qemu, argv_parse_qemu},
    {ARGV_RBD_NBD, is_rbd_nbd, argv_parse_rbd_nbd},
    {ARGV_RBD_CLI, is_rbd_cli, argv_parse_rbd_cli},
    {ARGV_RBD_FUSE, is_rbd_fuse, argv_parse_rbd_fuse},
};

int parse_argv(const char *const *argv, size_t argc, struct argv_info *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!argv || argc == 0 || str_empty(argv[0]))
		return -EINVAL;
	const char *b = base_name(argv[0]);
	for (size_t i = 0; i < sizeof(argv_readers) / sizeof(argv_readers[0]); i++) {
		if (argv_readers[i].is(b)) {
			out->kind = argv_readers[i].kind;
			argv_readers[i].parse(argv, argc, out);
			return 0;
		}
	}
	out->kind = ARGV_OTHER;
	argv_parse_other(argv, argc, out);
	return 0;
}

void argv_info_clear(struct argv_info *info)
{
	if (!info)
		return;
	free(info->name);
	free(info->uuid);
	rbd_refs_free(&info->disks);
	for (size_t i = 0; i < info->nkrbd; i++)
		free(info->krbd[i].path);
	free(info->krbd);
	rbd_ref_clear(&info->whole_pool);
	memset(info, 0, sizeof(*info));
}

bool argv_info_holds(const struct argv_info *info, const char *pool, const char *image)
{
	if (rbd_refs_match(&info->disks, pool, image))
		return true;
	return info->whole_pool.pool && strcmp(info->whole_pool.pool, pool) == 0;
}

bool argv_info_holds_ns(const struct argv_info *info, const char *pool, const char *nspace,
			const char *image)
{
	if (rbd_refs_match_ns(&info->disks, pool, nspace, image))
		return true;
	return info->whole_pool.pool && strcmp(info->whole_pool.pool, pool) == 0 &&
	       rbd_ref_ns_equal(info->whole_pool.nspace, nspace);
}

bool argv_info_names_rbd(const struct argv_info *info)
{
	return info->disks.n > 0 || info->nkrbd > 0 || info->whole_pool.pool;
}

const char *argv_kind_name(enum argv_kind k)
{
#define ARGV_KIND_NAME(e, name) [e] = (name),
	static const char *const names[ARGV_KIND_COUNT] = {ARGV_KINDS(ARGV_KIND_NAME)};
#undef ARGV_KIND_NAME
	return (unsigned)k < ARGV_KIND_COUNT ? names[k] : "other";
}
