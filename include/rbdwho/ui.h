/* ui.h — the full-screen browser. The only module that includes ncurses. */
#ifndef RBDWHO_UI_H
#define RBDWHO_UI_H

#include "rbdwho/options.h"

/* Runs the browser until the user quits; returns the exit status. Connects to
 * the backends on worker threads, so the first frame never waits for them. */
int ui_run(const struct options *o);

#endif
