/* error.c — filling struct rw_error and mapping codes to exit statuses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rbdwho/error.h"

int rw_error_set(struct rw_error *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->code = code;
	return code;
}

void rw_error_clear(struct rw_error *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

int rw_exit_code(int code)
{
	switch (code) {
	case 0:
		return RW_EXIT_OK;
	case -EINVAL:
		return RW_EXIT_USAGE;
	case -ENOENT:
		return RW_EXIT_NOTFOUND;
	case -EPERM:
		return RW_EXIT_REFUSED;
	case -EOPNOTSUPP:
		return RW_EXIT_FAIL;
	default:
		return RW_EXIT_BACKEND;
	}
}
