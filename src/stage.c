/* stage.c — the per-thread hook behind stage_say (see stage.h). */
#include <stdarg.h>
#include <stdio.h>

#include "rbdwho/stage.h"

static _Thread_local stage_fn hook;
static _Thread_local void *hook_user;

void stage_hook(stage_fn fn, void *user)
{
	hook = fn;
	hook_user = user;
}

void stage_say(const char *fmt, ...)
{
	if (!hook)
		return;
	char text[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	hook(text, hook_user);
}
