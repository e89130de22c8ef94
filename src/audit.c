/* audit.c — append-only audit records of destructive actions. One record is one
 * line written by one write() on an O_APPEND descriptor, so concurrent rbdwho
 * processes never interleave, and fsync'ed so a crash right after a destroy
 * cannot lose the trace of it. Every string passes through redact_text. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <json-c/json.h>

#include "rbdwho/audit.h"
#include "rbdwho/redact.h"

void audit_whoami(char **user, char **sudo_user)
{
	uid_t uid = getuid();
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res && res->pw_name)
		*user = xstrdup(res->pw_name);
	else
		*user = xasprintf("uid:%u", (unsigned)uid);
	const char *su = getenv("SUDO_USER");
	*sudo_user = str_empty(su) ? NULL : xstrdup(su);
}

/* Adds key: redacted text, or JSON null, so every record has the same keys. */
static void audit_add_text(struct json_object *o, const char *key, const char *text)
{
	if (!text) {
		json_object_object_add(o, key, NULL);
		return;
	}
	char *clean = redact_text(text);
	json_object_object_add(o, key, json_object_new_string(clean));
	free(clean);
}

char *audit_format(const struct audit_record *r, time_t when, const char *user,
                   const char *sudo_user)
{
	char stamp[32];
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_string(stamp));
	audit_add_text(o, "action", r->action ? r->action : "destroy");
	audit_add_text(o, "user", user);
	audit_add_text(o, "sudo_user", sudo_user);
	audit_add_text(o, "host", r->host);
	audit_add_text(o, "uri", r->uri);
	audit_add_text(o, "domain", r->domain);
	audit_add_text(o, "uuid", r->uuid);
	struct json_object *vols = json_object_new_array();
	for (size_t i = 0; r->volumes && i < r->volumes->n; i++) {
		char *clean = redact_text(r->volumes->v[i]);
		json_object_array_add(vols, json_object_new_string(clean));
		free(clean);
	}
	json_object_object_add(o, "volumes", vols);
	audit_add_text(o, "verdict", r->verdict);
	audit_add_text(o, "nova", r->nova);
	audit_add_text(o, "target", r->target);
	audit_add_text(o, "checked", r->checked);
	audit_add_text(o, "outcome", r->outcome);
	audit_add_text(o, "reason", r->reason);

	/* PLAIN never emits a newline inside the object: one record, one line. */
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = xasprintf("%s\n", s);
	json_object_put(o);
	return line;
}

static int audit_errno_code(int e)
{
	return (e == EACCES || e == EPERM || e == EROFS) ? -EACCES : -EIO;
}

/* mkdir -p of path's directory, new levels 0700: the log says who destroyed what. */
static int audit_make_parents(const char *path, struct rw_error *err)
{
	char *dir = xstrdup(path);
	int rc = 0;
	for (char *p = dir + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			rc = rw_error_set(err, audit_errno_code(errno),
			                  "audit log directory %s cannot be created: %s", dir,
			                  strerror(errno));
		*p = '/';
	}
	free(dir);
	return rc;
}

static int audit_open(const char *path, struct rw_error *err)
{
	if (str_empty(path))
		return rw_error_set(err, -EIO, "no audit log configured ([general] audit_log)");
	int rc = audit_make_parents(path, err);
	if (rc < 0)
		return rc;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return rw_error_set(err, audit_errno_code(errno),
		                    "audit log %s cannot be opened: %s", path, strerror(errno));
	return fd;
}

int audit_check_writable(const char *path, struct rw_error *err)
{
	int fd = audit_open(path, err);
	if (fd < 0)
		return fd;
	/* A full disk shows only at write(): audit_write reports that one. */
	close(fd);
	return 0;
}

/* One write() for the whole line: O_APPEND makes it atomic against other writers. */
static int audit_append(int fd, const char *path, const char *line, struct rw_error *err)
{
	size_t len = strlen(line);
	ssize_t n = write(fd, line, len);
	if (n < 0)
		return rw_error_set(err, audit_errno_code(errno), "audit log %s: write failed: %s",
		                    path, strerror(errno));
	if ((size_t)n != len)
		return rw_error_set(err, -EIO, "audit log %s: short write (%zd of %zu bytes)", path,
		                    n, len);
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		return rw_error_set(err, -EIO, "audit log %s: fsync failed: %s", path,
		                    strerror(errno));
	return 0;
}

int audit_write(const char *path, bool use_syslog, const struct audit_record *r,
                struct rw_error *err)
{
	char *user = NULL, *sudo_user = NULL;
	audit_whoami(&user, &sudo_user);
	char *line = audit_format(r, time(NULL), user, sudo_user);
	free(user);
	free(sudo_user);

	int rc = audit_open(path, err);
	if (rc >= 0) {
		int fd = rc;
		rc = audit_append(fd, path, line, err);
		if (close(fd) < 0 && rc == 0)
			rc = rw_error_set(err, -EIO, "audit log %s: close failed: %s", path,
			                  strerror(errno));
	}
	/* syslog even when the file failed: one more place the attempt is seen. */
	if (use_syslog)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "rbdwho audit: %.*s", (int)strlen(line) - 1,
		       line);
	free(line);
	return rc;
}
