/* audit.h — the audit log of destructive actions: one JSON object per line,
 * appended with a single write() and fsync'ed, mirrored to syslog (authpriv)
 * when asked. An action that cannot be audited must not happen: callers check
 * audit_check_writable() before acting. */
#ifndef RBDWHO_AUDIT_H
#define RBDWHO_AUDIT_H

#include <stdbool.h>
#include <time.h>
#include "rbdwho/error.h"
#include "rbdwho/util.h"

/* What happened, as the caller knows it; every string may be NULL. The user
 * and the time are added by audit_write. Text is redacted before it is kept. */
struct audit_record {
	const char *action; /* "destroy", "terminate", "blocklist", "unlock", "delete-volume" */
	const char *host, *uri;
	const char *domain, *uuid;
	const struct strvec *volumes; /* "pool/image" */
	const char *verdict;          /* "ORPHAN", "ATTACHED", "UNKNOWN" */
	const char *nova;    /* Nova's answer in words: "404", "200 ACTIVE", "error: …" */
	const char *target;  /* what else the action aimed at: a client address, a lock
	                      * owner, a Cinder volume id; NULL for destroy */
	const char *checked; /* what was checked just before acting, in words */
	const char *outcome; /* "refused", "destroyed", "failed", "blocklisted", "deleted", … */
	const char *reason;
};

/* Who is acting: the login name of getuid() ("uid:N" when unknown) and $SUDO_USER
 * (NULL when unset). Both malloc'd. */
void audit_whoami(char **user, char **sudo_user);

/* The record as one line of JSON ending in '\n', malloc'd. Pure: the tests
 * drive it with a fixed time and user. */
char *audit_format(const struct audit_record *r, time_t when, const char *user,
                   const char *sudo_user);

/* Creates path's missing parent directories (0700) and opens path for
 * appending (created 0600), then closes it. -EACCES/-EIO with the reason when
 * an audit record could not be written there. */
int audit_check_writable(const char *path, struct rw_error *err);

/* Appends r (stamped now, with the acting user) to path in one write(),
 * fsyncs it, and sends it to syslog (LOG_AUTHPRIV|LOG_NOTICE) when use_syslog.
 * -EIO/-EACCES when the file could not be written; syslog is best effort. */
int audit_write(const char *path, bool use_syslog, const struct audit_record *r,
                struct rw_error *err);

#endif
