/* blocklist_fences.c — the fences rbdwho made: Ceph's blocklist joined with
 * the audit log (its latest "blocklist"/"unblocklist" record for an address
 * says whether the entry is rbdwho's), and the undo, `osd blocklist rm`, with
 * the same safety as the act. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "rbdwho/blocklist.h"
#include "rbdwho/ceph_admin.h"
#include "blocklist_internal.h"

void blocklist_fences_free(struct blocklist_fences *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].address);
		free(f->v[i].until);
		free(f->v[i].who);
		free(f->v[i].when);
		free(f->v[i].host);
		free(f->v[i].images);
	}
	free(f->v);
	free(f->audit_note);
	memset(f, 0, sizeof *f);
}

static const char *rec_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Ceph prints "2026-12-03T17:02:11.123456+0000"; 0 when it is not that. */
static time_t parse_until(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *rest = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!rest)
		return 0;
	time_t t = timegm(&tm);
	/* the fraction of a second, then the offset: "+HHMM" */
	const char *tz = strpbrk(rest, "+-");
	if (tz && strspn(tz + 1, "0123456789") >= 4) {
		int hh = (tz[1] - '0') * 10 + (tz[2] - '0'), mm = (tz[3] - '0') * 10 + (tz[4] - '0');
		t -= (tz[0] == '+' ? 1 : -1) * (time_t)(hh * 3600 + mm * 60);
	}
	return t;
}

/* Fills f's fields from a "blocklisted" record; clears them for an
 * "unblocklisted" one (the undo ends rbdwho's claim on the entry). */
static void take_record(struct blocklist_fence *f, struct json_object *rec, bool made)
{
	free(f->who);
	free(f->when);
	free(f->host);
	free(f->images);
	f->who = f->when = f->host = f->images = NULL;
	f->ours = made;
	if (!made)
		return;
	const char *user = rec_str(rec, "user"), *sudo = rec_str(rec, "sudo_user");
	f->who = sudo ? xasprintf("%s (%s)", user ? user : "?", sudo) : xstrdup(user);
	f->when = xstrdup(rec_str(rec, "time"));
	f->host = xstrdup(rec_str(rec, "host"));
	struct json_object *vols;
	struct buf b = {0};
	if (json_object_object_get_ex(rec, "volumes", &vols) &&
	    json_object_is_type(vols, json_type_array))
		for (size_t i = 0; i < json_object_array_length(vols); i++)
			buf_printf(&b, "%s%s", b.len ? ", " : "",
			           json_object_get_string(json_object_array_get_idx(vols, i)));
	f->images = b.p;
}

/* One audit line: when it is a done blocklist or undo, applies it to the
 * fence for its target, if Ceph lists one. */
static void apply_line(struct blocklist_fences *out, const char *line)
{
	struct json_object *rec = json_tokener_parse(line);
	const char *action = rec ? rec_str(rec, "action") : NULL;
	const char *outcome = rec ? rec_str(rec, "outcome") : NULL;
	const char *target = rec ? rec_str(rec, "target") : NULL;
	bool made = action && outcome && strcmp(action, "blocklist") == 0 &&
	            strcmp(outcome, "blocklisted") == 0;
	bool undone = action && outcome && strcmp(action, "unblocklist") == 0 &&
	              strcmp(outcome, "unblocklisted") == 0;
	char *norm = NULL;
	struct rw_error e = {0};
	if (target && (made || undone) && blocklist_normalize_address(target, &norm, &e) == 0)
		for (size_t i = 0; i < out->n; i++)
			if (blocklist_same_address(out->v[i].address, norm))
				take_record(&out->v[i], rec, made);
	free(norm);
	json_object_put(rec);
}

/* Reads the audit log in order, so the latest record for an address wins. */
static void join_audit(struct chain *ch, struct blocklist_fences *out)
{
	const char *path = chain_config(ch)->audit_log;
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f && path && errno == ENOENT)
		return; /* no record was ever written: nothing is rbdwho's */
	if (!f) {
		out->audit_note = xasprintf("the audit log %s could not be read (%s): no entry is "
		                            "known to be rbdwho's",
		                            path ? path : "(none)", path ? strerror(errno) : "no path");
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0)
		apply_line(out, line);
	free(line);
	fclose(f);
}

int blocklist_list(struct chain *ch, bool all, struct blocklist_fences *out,
                   struct rw_error *err)
{
	memset(out, 0, sizeof *out);
	if (!chain_ceph(ch))
		return rw_error_set(err, -EIO, "no Ceph connection to read the blocklist through");
	struct ceph_blocklist_entry *v = NULL;
	size_t n = 0;
	int rc = ceph_blocklist_ls(chain_ceph(ch), &v, &n, err);
	if (rc < 0)
		return rc;
	out->v = xcalloc(n ? n : 1, sizeof *out->v);
	for (size_t i = 0; i < n; i++) {
		out->v[i].address = xstrdup(v[i].addr);
		out->v[i].until = xstrdup(v[i].until);
		out->v[i].until_t = parse_until(v[i].until);
	}
	out->n = n;
	ceph_blocklist_free(v, n);
	join_audit(ch, out);
	/* Keep rbdwho's own unless all were asked for; count the others. */
	size_t k = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (all || out->v[i].ours) {
			out->v[k++] = out->v[i];
			continue;
		}
		out->others++;
		free(out->v[i].address);
		free(out->v[i].until);
	}
	out->n = k;
	return 0;
}

/* The entry as Ceph lists it now; -ENOENT when it has none for address. */
static int find_entry(struct chain *ch, const char *address, char **until, struct rw_error *err)
{
	struct ceph_blocklist_entry *v = NULL;
	size_t n = 0;
	int rc = ceph_blocklist_ls(chain_ceph(ch), &v, &n, err);
	if (rc < 0)
		return rw_error_set(err, rc, "cannot re-read the blocklist before acting: %s",
		                    err->msg);
	rc = rw_error_set(err, -ENOENT, "Ceph's blocklist has no entry for %s", address);
	for (size_t i = 0; i < n; i++)
		if (blocklist_same_address(v[i].addr, address)) {
			*until = xstrdup(v[i].until);
			rw_error_clear(err);
			rc = 0;
			break;
		}
	ceph_blocklist_free(v, n);
	return rc;
}

static int remove_preflight(struct chain *ch, const char *address,
                            const struct remedy_checks *c, char **until, struct rw_error *why)
{
	if (remedy_check_mode(c->read_only, "removed from the blocklist", why) < 0)
		return why->code;
	if (remedy_check_typed(c->confirmation, address, "address", why) < 0)
		return why->code;
	if (remedy_check_audit(ch, why) < 0)
		return why->code;
	if (!chain_ceph(ch))
		return rw_error_set(why, -EIO, "no Ceph connection to remove the entry through");
	return find_entry(ch, address, until, why);
}

int blocklist_remove(struct chain *ch, const char *address, const struct remedy_checks *checks,
                     struct rw_error *err)
{
	char *norm = NULL;
	int rc = blocklist_normalize_address(address, &norm, err);
	if (rc < 0)
		return rc;
	struct rw_error why = {0};
	char *until = NULL;
	rc = remove_preflight(ch, norm, checks, &until, &why);
	enum remedy_outcome outcome = REMEDY_REFUSED; /* nothing tried yet */
	if (rc == 0) {
		rc = ceph_blocklist_rm(chain_ceph(ch), norm, NULL, &why);
		outcome = rc == 0 ? REMEDY_DONE : REMEDY_FAILED;
	}
	char *checked = until ? xasprintf("re-read just before acting: Ceph's blocklist lists %s "
	                                  "until %s",
	                                  norm, until)
	                      : NULL;
	char *what = xasprintf("%s removed from the blocklist", norm);
	struct audit_record r = {
	    .action = "unblocklist",
	    .target = norm,
	    .checked = checked,
	    .reason = "the undo of a blocklist entry",
	};
	rc = remedy_conclude(ch, &r, outcome, "unblocklisted", rc, &why, what, err);
	free(what);
	free(checked);
	free(until);
	free(norm);
	return rc;
}
