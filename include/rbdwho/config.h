/* config.h — the optional config file (INI-style, documented in rbdwho(1)):
 * defaults for the backends, the host map, per-host libvirt URIs, the audit log,
 * and the browser's theme, refresh and keys. Read once at start; the parser
 * takes text, so the built-in defaults go through the same code. */
#ifndef RBDWHO_CONFIG_H
#define RBDWHO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "rbdwho/error.h"
#include "rbdwho/util.h"

/* One [hosts] rule: an exact IP or a CIDR, mapped to a host-name pattern in
 * which {1}…{4} stand for the IPv4 octets of the watcher and {ip} for all of it
 * (with '-' for ':' when an IPv6 {ip} is only part of the pattern). */
struct host_rule {
	char *match;    /* as written: "10.0.0.5" or "10.20.0.0/16" */
	char *pattern;  /* "compute-{4}" */
};

struct host_uri {
	char *host;  /* host name, or "*" glob patterns like "compute-*" */
	char *uri;   /* libvirt URI for it */
};

struct key_binding {
	char *request;  /* request name, as in the help screen: "quit", "destroy" */
	char *keys;     /* as written: "q", "C-c", "F10" */
};

struct config {
	char *path;  /* the file read, NULL when none */
	/* [ceph] */
	char *ceph_conf, *ceph_id, *ceph_cluster, *ceph_keyring;
	/* [openstack] */
	char *os_cloud;
	bool os_insecure;
	/* [libvirt] */
	char *uri_template;  /* default "qemu+ssh://{host}/system" */
	char *local_uri;     /* default "qemu:///system" */
	/* [general] */
	int timeout_ms;      /* default 10000 */
	bool reverse_dns;    /* default true */
	char *audit_log;     /* default "$XDG_STATE_HOME/rbdwho/audit.log" or ~/.local/state/… */
	bool syslog;         /* default true */
	/* [ssh] */
	bool ssh_enabled;    /* default true: list remote hosts' processes over ssh */
	char *ssh_config;    /* ssh -F FILE; NULL: the operator's ~/.ssh/config */
	char *ssh_command;   /* default "ssh" */
	/* [ui] */
	char *theme;         /* default "default" */
	int refresh_s;       /* auto-refresh interval, 0 = off */
	/* [hosts], [uris], [keys] */
	struct host_rule *hosts;
	size_t nhosts, cap_hosts;
	struct host_uri *uris;
	size_t nuris, cap_uris;
	struct key_binding *keys;
	size_t nkeys, cap_keys;
};

/* Sets the built-in defaults (parsed from built-in INI text, see doc/config.md);
 * audit_log from $XDG_STATE_HOME or ~/.local/state, NULL when there is no home. */
void config_init(struct config *cfg);
/* Parses INI text into cfg (later values win; a repeated [hosts]/[uris]/[keys]
 * key replaces the earlier value in place). origin names the text in errors.
 * -EINVAL with "origin:LINE: reason" on a malformed line, an unknown section or
 * key, a bad bool/int/path/CIDR/pattern. Stops at the first error. */
int config_parse(struct config *cfg, const char *text, const char *origin, struct rw_error *err);
/* Reads path, or when NULL the first of $RBDWHO_CONFIG, $XDG_CONFIG_HOME/rbdwho/config,
 * ~/.config/rbdwho/config, /etc/rbdwho/config that exists (none is fine: 0, path
 * stays NULL). Call config_init first. An explicit path that does not exist is
 * -ENOENT; one found but unreadable, not a regular file, over 1 MiB or with a NUL
 * byte is an error too (-EACCES/-EIO/-EINVAL). Sets cfg->path to the file read. */
int config_load(struct config *cfg, const char *path, struct rw_error *err);
void config_free(struct config *cfg);

/* The host name the [hosts] rules give ip, malloc'd; NULL when none matches or
 * ip is not a numeric address. Exact IPs are tried first, then CIDRs in file
 * order (first match wins); "::ffff:a.b.c.d" counts as a.b.c.d. */
char *config_map_host(const struct config *cfg, const char *ip);
/* The libvirt URI for host: the first [uris] entry whose glob matches (fnmatch,
 * case-insensitive), else uri_template; {host} replaced in either (an IPv6
 * literal in brackets); malloc'd. NULL when host is not a plain host name or
 * address (it may come from reverse DNS: "h/system?command=…" or "-oX" are refused). */
char *config_host_uri(const struct config *cfg, const char *host);

#endif
