/* main.c — reads the command line and the config file, then starts a command
 * or the browser. Nothing else happens here. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbdwho/cli.h"
#include "rbdwho/error.h"
#include "rbdwho/options.h"
#include "rbdwho/redact.h"
#include "rbdwho/ssh.h"
#include "rbdwho/ui.h"

static const char usage_text[] =
	"Usage: rbdwho [OPTIONS]                     the browser\n"
	"       rbdwho find VOLUME [--json]         the chain for one volume\n"
	"       rbdwho scan [POOL...] [--orphans] [--json]\n"
	"       rbdwho procs [--host HOST] [--json] processes holding RBD images (HOST: over ssh)\n"
	"       rbdwho destroy DOMAIN --host HOST [--yes] [--dry-run]  (a domain, or a\n"
	"                                           qemu libvirt does not manage: -name/-uuid)\n"
	"       rbdwho delete-volume VOLUME [--yes] [--dry-run]  through Cinder, only when\n"
	"                                           available, unattached and unwatched\n"
	"       rbdwho blocklist ADDRESS [--expire DURATION] [--force] [--yes] [--dry-run]\n"
	"       rbdwho blocklist --rm ADDRESS | --list   the undo; the fences rbdwho made\n"
	"\n"
	"VOLUME is a Cinder volume UUID, volume-UUID, UUID_disk or POOL/IMAGE.\n"
	"\n"
	"Ceph:       -c, --conf FILE   --id USER   --cluster NAME   -k, --keyring FILE\n"
	"OpenStack:  --os-cloud NAME   --insecure   --no-openstack   (and OS_* variables)\n"
	"General:    --config FILE     --timeout SECONDS   --proc-root DIR   --json\n"
	"            --sys-root DIR    --dry-run (destroy)\n"
	"            --orphans         --host HOST   --yes   --read-only   --force\n"
	"Browser:    --theme NAME      --no-color    --ascii   --goto VOLUME\n"
	"            -h, --help        -V, --version\n"
	"Blocklist:  --expire DURATION (3600, 30m, 2h; default 1h)   --rm ADDRESS   --list\n"
	"\n"
	"Exit status: 0 ok, 1 failure, 2 usage, 3 not found, 4 backend error, 5 refused.\n"
	"See rbdwho(1).\n";

enum {
	OPT_ID = 256, OPT_CLUSTER, OPT_OS_CLOUD, OPT_INSECURE, OPT_NO_OPENSTACK, OPT_CONFIG,
	OPT_TIMEOUT, OPT_PROC_ROOT, OPT_JSON, OPT_ORPHANS, OPT_HOST, OPT_YES, OPT_READ_ONLY,
	OPT_FORCE, OPT_THEME, OPT_NO_COLOR, OPT_ASCII, OPT_GOTO, OPT_UI_SCRIPT, OPT_SYS_ROOT, OPT_DRY_RUN,
	OPT_EXPIRE, OPT_RM, OPT_LIST,
};

static const struct option long_opts[] = {
	{"conf", required_argument, NULL, 'c'},
	{"id", required_argument, NULL, OPT_ID},
	{"user", required_argument, NULL, OPT_ID},
	{"cluster", required_argument, NULL, OPT_CLUSTER},
	{"keyring", required_argument, NULL, 'k'},
	{"os-cloud", required_argument, NULL, OPT_OS_CLOUD},
	{"insecure", no_argument, NULL, OPT_INSECURE},
	{"no-openstack", no_argument, NULL, OPT_NO_OPENSTACK},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"proc-root", required_argument, NULL, OPT_PROC_ROOT},
	{"sys-root", required_argument, NULL, OPT_SYS_ROOT},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"json", no_argument, NULL, OPT_JSON},
	{"orphans", no_argument, NULL, OPT_ORPHANS},
	{"host", required_argument, NULL, OPT_HOST},
	{"yes", no_argument, NULL, OPT_YES},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"force", no_argument, NULL, OPT_FORCE},
	{"theme", required_argument, NULL, OPT_THEME},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"ascii", no_argument, NULL, OPT_ASCII},
	{"goto", required_argument, NULL, OPT_GOTO},
	{"ui-script", required_argument, NULL, OPT_UI_SCRIPT},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"expire", required_argument, NULL, OPT_EXPIRE},
	{"rm", required_argument, NULL, OPT_RM},
	{"list", no_argument, NULL, OPT_LIST},
	{NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	/* What the user typed may hold escape sequences: print it inert. */
	char *safe = sanitize_terminal(msg ? msg : "bad usage");
	fprintf(stderr, "rbdwho: %s\nTry 'rbdwho --help'.\n", safe);
	free(safe);
	free(msg);
	return RW_EXIT_USAGE;
}

/* getopt's own message would echo the argument raw (escape sequences and all). */
static int bad_option(const char *arg)
{
	return usage_error("unknown option or missing argument: '%s'", arg ? arg : "?");
}

static int parse_timeout(const char *s, int *ms)
{
	char *end = NULL;
	double sec = strtod(s, &end);
	if (!end || end == s || *end || sec <= 0 || sec > 3600)
		return -EINVAL;
	*ms = (int)(sec * 1000);
	return 0;
}

/* Fills o from argv; returns -1 to go on, or an exit status to stop with. */
static int parse_args(int argc, char **argv, struct options *o, const char **config_path,
		      int *timeout_ms)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:k:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->chain.ceph.conf = optarg; break;
		case 'k': o->chain.ceph.keyring = optarg; break;
		case OPT_ID: o->chain.ceph.id = optarg; break;
		case OPT_CLUSTER: o->chain.ceph.cluster = optarg; break;
		case OPT_OS_CLOUD: o->chain.os_cloud = optarg; break;
		case OPT_INSECURE: o->chain.os_insecure = true; break;
		case OPT_NO_OPENSTACK: o->chain.no_openstack = true; break;
		case OPT_CONFIG: *config_path = optarg; break;
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, timeout_ms) < 0)
				return usage_error("--timeout takes seconds (0 < s <= 3600), not '%s'", optarg);
			break;
		case OPT_PROC_ROOT: o->chain.proc_root = optarg; break;
		case OPT_SYS_ROOT: o->chain.sys_root = optarg; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_ORPHANS: o->orphans = true; break;
		case OPT_HOST: o->host = optarg; break;
		case OPT_YES: o->yes = true; break;
		case OPT_READ_ONLY: o->read_only = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_THEME: o->theme = optarg; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_ASCII: o->ascii = true; break;
		case OPT_GOTO: o->goto_spec = optarg; break;
		case OPT_UI_SCRIPT: o->ui_script = optarg; break;
		case 'h': fputs(usage_text, stdout); return RW_EXIT_OK;
		case 'V': printf("rbdwho %s\n", RBDWHO_VERSION); return RW_EXIT_OK;
		case OPT_EXPIRE: o->expire = optarg; break;
		case OPT_RM: o->rm_address = optarg; break;
		case OPT_LIST: o->list = true; break;
		default: return bad_option(argv[optind - 1]);
		}
	}
	return -1;
}

/* Commands take their options after their name too: `rbdwho find X --json`. */
static int parse_command_line(int argc, char **argv, struct options *o,
			      const char **config_path, int *timeout_ms)
{
	int rc = parse_args(argc, argv, o, config_path, timeout_ms);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return -1;
	o->command = argv[optind];
	static char *operands[256];
	int n = 0;
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	while (1) {
		optind = 0;  /* glibc: a full reset of getopt's state */
		rc = parse_args(sub_argc, sub_argv, o, config_path, timeout_ms);
		if (rc >= 0)
			return rc;
		if (optind >= sub_argc)
			break;
		if (n == 255)
			return usage_error("%s", "too many operands");
		operands[n++] = sub_argv[optind];
		sub_argv += optind;
		sub_argc -= optind;
	}
	o->args = operands;
	o->nargs = n;
	return -1;
}

static void apply_config(struct options *o, int timeout_ms)
{
	struct ceph_opts *co = &o->chain.ceph;
	if (!co->conf && !getenv("CEPH_CONF"))
		co->conf = o->cfg.ceph_conf;
	if (!co->id)
		co->id = o->cfg.ceph_id;
	if (!co->cluster)
		co->cluster = o->cfg.ceph_cluster;
	if (!co->keyring)
		co->keyring = o->cfg.ceph_keyring;
	o->chain.cfg = &o->cfg;
	o->chain.timeout_ms = timeout_ms > 0 ? timeout_ms : o->cfg.timeout_ms;
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		o->no_color = true;
}

/* A command killed by a signal first ends the ssh it started (the browser
 * handles its signals itself and exits through the normal path). */
static void on_fatal_signal(int sig)
{
	ssh_kill_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_cleanup(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int run_command(const struct options *o)
{
	static const struct {
		const char *name;
		int (*run)(const struct options *);
	} commands[] = {
		{"find", cli_find}, {"scan", cli_scan}, {"procs", cli_procs}, {"destroy", cli_destroy},
		{"delete-volume", cli_delete_volume},
		{"blocklist", cli_blocklist},
	};
	if (!o->command)
		return ui_run(o);
	install_signal_cleanup();
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(o->command, commands[i].name) == 0)
			return commands[i].run(o);
	return usage_error("unknown command '%s'", o->command);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct options o;
	memset(&o, 0, sizeof o);
	const char *config_path = NULL;
	int timeout_ms = 0;
	int rc = parse_command_line(argc, argv, &o, &config_path, &timeout_ms);
	if (rc >= 0)
		return rc;

	config_init(&o.cfg);
	struct rw_error err = {0};
	if (config_load(&o.cfg, config_path, &err) < 0) {
		char *safe = sanitize_terminal(err.msg);
		fprintf(stderr, "rbdwho: %s\n", safe);
		free(safe);
		config_free(&o.cfg);
		return RW_EXIT_USAGE;
	}
	apply_config(&o, timeout_ms);
	rc = run_command(&o);
	config_free(&o.cfg);
	return rc;
}
