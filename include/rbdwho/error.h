/* error.h — how a module tells its caller what went wrong.
 * Functions return 0 or a negative errno-style code and fill a struct rw_error
 * with a one-line message for the user; modules never print and never exit. */
#ifndef RBDWHO_ERROR_H
#define RBDWHO_ERROR_H

#include <errno.h>

/* The codes in use, and what a command's exit status becomes for each:
 *   -EINVAL     bad input from the user            exit 2
 *   -ENOENT     the thing asked for does not exist  exit 3
 *   -ETIMEDOUT  a backend did not answer in time    exit 4
 *   -EACCES     credentials refused                 exit 4
 *   -EIO        any other backend failure           exit 4
 *   -EPROTO     a backend answered garbage          exit 4
 *   -EPERM      an action refused by a safety check exit 5
 *   -EOPNOTSUPP a form rbdwho does not handle yet    exit 1 */
enum { RW_EXIT_OK = 0, RW_EXIT_FAIL = 1, RW_EXIT_USAGE = 2, RW_EXIT_NOTFOUND = 3,
       RW_EXIT_BACKEND = 4, RW_EXIT_REFUSED = 5 };

struct rw_error {
	int code;       /* negative errno, 0 when no error */
	char msg[512];  /* one line, no trailing newline, secrets already removed */
};

/* Records code and a printf-style message in e (which may be NULL); returns code,
 * so that `return rw_error_set(err, -EIO, "...")` reads naturally. */
int rw_error_set(struct rw_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void rw_error_clear(struct rw_error *e);

/* The process exit status for an error code (see the table above). */
int rw_exit_code(int code);

#endif
