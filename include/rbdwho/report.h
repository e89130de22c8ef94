/* report.h — an image_view (or a process list) as text for a person or as JSON
 * for a script; shared by find, scan and procs. The JSON schema is documented in
 * doc/json-schema.md. Text output is made terminal-safe; JSON is escaped by json-c. */
#ifndef RBDWHO_REPORT_H
#define RBDWHO_REPORT_H

#include <stdio.h>
#include <json-c/json.h>
#include "rbdwho/chain.h"
#include "rbdwho/proc.h"

struct json_object *report_image_json(const struct image_view *iv);
void report_image_text(FILE *out, const struct image_view *iv);
/* "POOL/IMAGE" or "POOL/NS/IMAGE" (an image in a RADOS namespace); malloc'd. */
char *report_image_spec(const struct image_view *iv);

struct json_object *report_procs_json(const struct proc_list *l);
void report_procs_text(FILE *out, const struct proc_list *l);

/* "1.5 GiB" style sizes and "2026-11-26 08:40:12" style times, into buf. */
const char *report_size(unsigned long long bytes, char *buf, size_t len);
const char *report_time(time_t t, char *buf, size_t len);

/* report_lock.c: an image's lock. The JSON "lock" object of lock l for the
 * watchers ws (watchers_known false: their listing failed) and the blocklist
 * bl (NULL: not known). */
struct json_object *report_lock_json(const struct image_lock *l, const struct lock_watcher *ws,
				     size_t n, bool watchers_known, const struct strvec *bl);
struct json_object *report_image_lock_json(const struct image_view *iv);
/* find's "lock" line, and the line under the watcher that owns the lock. */
void report_lock_text(FILE *out, const struct image_view *iv);
void report_lock_owner_text(FILE *out, const struct image_view *iv, size_t watcher);

#endif
