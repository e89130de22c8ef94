/* util.h — small helpers every module uses: allocation that cannot return NULL,
 * string building, and a growable array of strings. */
#ifndef RBDWHO_UTIL_H
#define RBDWHO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is not something rbdwho can recover from: these abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);              /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *arr (of elements of size elem) so that index `need` fits; *cap tracks capacity. */
void xgrow(void *arrp, size_t *cap, size_t need, size_t elem);

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
bool str_empty(const char *s);             /* NULL or "" */
int str_casefind(const char *haystack, const char *needle); /* index, -1 if absent */

/* True when s is a canonical 8-4-4-4-12 hex UUID (either case). */
bool str_is_uuid(const char *s);

/* Monotonic milliseconds, for timeouts and durations. */
int64_t clock_ms(void);

/* A growable, NULL-terminated list of owned strings. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct strvec *sv, const char *s);  /* copies s */
void strvec_push_owned(struct strvec *sv, char *s);  /* takes s */
bool strvec_contains(const struct strvec *sv, const char *s);
void strvec_free(struct strvec *sv);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char *p;
	size_t len, cap;
};
void buf_append(struct buf *b, const void *data, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);
/* Appends the whole of the file at path to b, at most max bytes (0: no
 * limit). 0; -errno when it cannot be opened or read; -EFBIG past max. */
int buf_read_file(struct buf *b, const char *path, size_t max);

#endif
