/* options.h — everything the command line and the config file decide, gathered
 * once by main.c and handed to a command or the browser. */
#ifndef RBDWHO_OPTIONS_H
#define RBDWHO_OPTIONS_H

#include <stdbool.h>
#include "rbdwho/chain.h"
#include "rbdwho/config.h"

struct options {
	struct chain_opts chain;  /* chain.cfg points at cfg below */
	struct config cfg;
	const char *command;      /* "find", "scan", "procs", "destroy"; NULL: the browser */
	char **args;              /* the command's operands */
	int nargs;
	bool json;
	bool orphans;             /* scan: only ORPHAN rows */
	bool yes;                 /* destroy: no interactive confirmation */
	const char *host;         /* destroy: --host */
	bool read_only;           /* no destructive action at all */
	bool force;               /* allow destroying holders that are not ORPHAN */
	bool dry_run;             /* destroy: show the plan and the manual command only */
	const char *theme;        /* browser theme name or path; NULL: config, then "default" */
	bool no_color;            /* --no-color or $NO_COLOR */
	bool ascii;               /* --ascii: no UTF-8 box drawing */
	const char *goto_spec;    /* browser: --goto VOLUME, open that image at start */
	const char *ui_script;    /* browser: keys from a file (tests), see ui.h */
	const char *expire;       /* blocklist: --expire DURATION; NULL: 1 h */
	const char *rm_address;   /* blocklist: --rm ADDRESS, the undo */
	bool list;                /* blocklist: --list, the fences rbdwho made */
};

#endif
