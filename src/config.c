/* config.c — the INI config file: parsing (the built-in defaults go through the
 * same parser), the search path, the [hosts] map from watcher IPs to host names
 * and the per-host libvirt URIs. */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbdwho/config.h"
#include "rbdwho/redact.h"

#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_TIMEOUT_MAX 86400000 /* one day, in ms */
#define CONFIG_REFRESH_MAX 86400    /* one day, in s */
#define CONFIG_HOST_MAX 253

/* Parsed through the same code as the user's file, so they cannot drift from it. */
/* clang-format off */
static const char config_defaults[] =
	"[general]\n"
	"timeout = 10000\n"
	"reverse_dns = yes\n"
	"syslog = yes\n"
	"[openstack]\n"
	"insecure = no\n"
	"[libvirt]\n"
	"uri_template = qemu+ssh://{host}/system\n"
	"local_uri = qemu:///system\n"
	"[ssh]\n"
	"enabled = yes\n"
	"command = ssh\n"
	"[ui]\n"
	"theme = default\n"
	"refresh = 0\n";
/* clang-format on */

enum config_kind {
	CK_STR,      /* non-empty string */
	CK_STR_OPT,  /* string; empty means "unset" (the backend's own default) */
	CK_PATH,     /* absolute path after ~ expansion */
	CK_PATH_OPT, /* path, ~ expanded; empty means unset */
	CK_BOOL,
	CK_TIMEOUT,  /* ms, > 0 */
	CK_REFRESH,  /* s, >= 0 */
	CK_TEMPLATE, /* libvirt URI template with {host} */
};

struct config_key {
	const char *section, *name;
	enum config_kind kind;
	size_t offset;
};

/* clang-format off */
#define CK(sec, name, kind, field) { sec, name, kind, offsetof(struct config, field) }
static const struct config_key config_keys[] = {
	CK("general", "timeout", CK_TIMEOUT, timeout_ms),
	CK("general", "reverse_dns", CK_BOOL, reverse_dns),
	CK("general", "audit_log", CK_PATH, audit_log),
	CK("general", "syslog", CK_BOOL, syslog),
	CK("ceph", "conf", CK_PATH_OPT, ceph_conf),
	CK("ceph", "id", CK_STR_OPT, ceph_id),
	CK("ceph", "cluster", CK_STR_OPT, ceph_cluster),
	CK("ceph", "keyring", CK_PATH_OPT, ceph_keyring),
	CK("openstack", "cloud", CK_STR_OPT, os_cloud),
	CK("openstack", "insecure", CK_BOOL, os_insecure),
	CK("libvirt", "uri_template", CK_TEMPLATE, uri_template),
	CK("libvirt", "local_uri", CK_STR, local_uri),
	CK("ssh", "enabled", CK_BOOL, ssh_enabled),
	CK("ssh", "config", CK_PATH_OPT, ssh_config),
	CK("ssh", "command", CK_STR, ssh_command),
	CK("ui", "theme", CK_STR, theme),
	CK("ui", "refresh", CK_REFRESH, refresh_s),
};
#undef CK
/* clang-format on */

static const char *const config_sections[] = {
    "general", "ceph", "openstack", "libvirt", "ssh", "ui", "hosts", "uris", "keys",
};

struct config_parser {
	struct config *cfg;
	const char *origin;
	unsigned line;
	const char *section; /* one of config_sections, NULL before the first header */
	struct rw_error *err;
};

/* An exact address (prefix -1) or a network, from a [hosts] key or a watcher IP. */
struct config_net {
	int family;
	unsigned char addr[16];
	int prefix;
};

/* -EINVAL with "origin:LINE: reason"; the message is made terminal-safe because
 * it quotes names from the file. Values are never quoted: they may be secrets. */
static int config_fail(struct config_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int config_fail(struct config_parser *p, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	char *safe = sanitize_terminal(reason), *origin = sanitize_terminal(p->origin);
	rw_error_set(p->err, -EINVAL, "%s:%u: %s", origin, p->line, safe);
	free(safe);
	free(origin);
	return -EINVAL;
}

/* The user's home: $HOME when absolute, else the password database; NULL if none. */
static const char *config_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* $VAR when it is set to an absolute path (the XDG spec says to ignore others). */
static const char *config_xdg(const char *var)
{
	const char *v = getenv(var);
	return v && v[0] == '/' ? v : NULL;
}

static char *config_default_audit_log(void)
{
	const char *state = config_xdg("XDG_STATE_HOME"), *home;

	if (state)
		return xasprintf("%s/rbdwho/audit.log", state);
	home = config_home();
	return home ? xasprintf("%s/.local/state/rbdwho/audit.log", home) : NULL;
}

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* Cannot fail: tests/unit/test_config.c checks every default it sets. */
	(void)config_parse(cfg, config_defaults, "<built-in>", NULL);
	cfg->audit_log = config_default_audit_log();
}

static bool config_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1", "on"};
	static const char *const no[] = {"no", "false", "0", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

/* Decimal digits only: no sign, no spaces, no suffix. */
static bool config_parse_int(const char *v, long min, long max, int *out)
{
	long n = 0;

	if (!*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return false;
		n = n * 10 + (*v - '0');
		if (n > max)
			return false;
	}
	if (n < min)
		return false;
	*out = (int)n;
	return true;
}

/* "~" and "~/…" become the home directory; "~user" is not supported. */
static int config_expand_path(struct config_parser *p, const char *key, const char *v, char **out)
{
	const char *home;

	if (v[0] != '~') {
		*out = xstrdup(v);
		return 0;
	}
	if (v[1] != '\0' && v[1] != '/')
		return config_fail(
		    p, "%s: ~user paths are not supported, use ~/ or an absolute path", key);
	if (!(home = config_home()))
		return config_fail(p, "%s: cannot expand ~: no home directory", key);
	*out = xasprintf("%s%s", home, v + 1);
	return 0;
}

static void config_set_str(char **field, char *value)
{
	free(*field);
	*field = value;
}

static int config_set_path(struct config_parser *p, const struct config_key *k, const char *v,
                           char **field)
{
	char *path = NULL;
	int rc;

	if (!*v && k->kind == CK_PATH_OPT) {
		config_set_str(field, NULL);
		return 0;
	}
	if (!*v)
		return config_fail(p, "%s: empty path", k->name);
	if ((rc = config_expand_path(p, k->name, v, &path)) < 0)
		return rc;
	/* config_expand_path sets path whenever it returns 0; the analyzer does not
	 * follow the variadic config_fail. NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	if (k->kind == CK_PATH && path[0] != '/') {
		free(path);
		return config_fail(p, "%s: must be an absolute path (or start with ~/)", k->name);
	}
	config_set_str(field, path);
	return 0;
}

/* Sets one key of a fixed section from its table entry. */
static int config_set_key(struct config_parser *p, const struct config_key *k, const char *v)
{
	void *field = (char *)p->cfg + k->offset;

	switch (k->kind) {
	case CK_STR:
		if (!*v)
			return config_fail(p, "%s: empty value", k->name);
		config_set_str(field, xstrdup(v));
		return 0;
	case CK_STR_OPT:
		config_set_str(field, *v ? xstrdup(v) : NULL);
		return 0;
	case CK_PATH:
	case CK_PATH_OPT:
		return config_set_path(p, k, v, field);
	case CK_BOOL:
		if (!config_parse_bool(v, field))
			return config_fail(p, "%s: expected yes/no, true/false, on/off or 1/0",
			                   k->name);
		return 0;
	case CK_TIMEOUT:
		if (!config_parse_int(v, 1, CONFIG_TIMEOUT_MAX, field))
			return config_fail(p, "%s: expected milliseconds, 1..%d", k->name,
			                   CONFIG_TIMEOUT_MAX);
		return 0;
	case CK_REFRESH:
		if (!config_parse_int(v, 0, CONFIG_REFRESH_MAX, field))
			return config_fail(p, "%s: expected seconds, 0 (off)..%d", k->name,
			                   CONFIG_REFRESH_MAX);
		return 0;
	case CK_TEMPLATE:
		if (!strstr(v, "{host}"))
			return config_fail(p, "%s: must contain {host}", k->name);
		config_set_str(field, xstrdup(v));
		return 0;
	}
	return config_fail(p, "%s: internal error: unknown kind", k->name);
}

/* Parses "IP" or "IP/PREFIX" (IPv4 or IPv6, no brackets). */
static bool config_parse_net(const char *text, bool allow_prefix, struct config_net *n)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	int max;

	memset(n, 0, sizeof(*n));
	n->prefix = -1;
	if (len == 0 || len >= sizeof(addr) || (slash && !allow_prefix))
		return false;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, n->addr) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, n->addr) == 1)
		n->family = AF_INET6;
	else
		return false;
	if (!slash)
		return true;
	max = n->family == AF_INET ? 32 : 128;
	return slash[1] && strlen(slash + 1) <= 3 &&
	       config_parse_int(slash + 1, 0, max, &n->prefix);
}

/* "::ffff:10.0.0.1" is the IPv4 host 10.0.0.1 as far as the map is concerned. */
static void config_unmap_v4(struct config_net *n)
{
	static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (n->family == AF_INET6 && memcmp(n->addr, v4mapped, 12) == 0) {
		memmove(n->addr, n->addr + 12, 4);
		memset(n->addr + 4, 0, 12);
		n->family = AF_INET;
	}
}

static bool config_net_equal(const struct config_net *a, const struct config_net *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* True when ip (exact) lies in net (a network, prefix >= 0). */
static bool config_net_contains(const struct config_net *net, const struct config_net *ip)
{
	int bits = net->prefix, whole = bits / 8, rest = bits % 8;

	if (net->family != ip->family || memcmp(net->addr, ip->addr, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[whole] & mask) == (ip->addr[whole] & mask);
}

/* A [hosts] pattern is a host name with {1}…{4} (IPv4 octets) and {ip}: checked
 * here so that a typo fails at start, not as a strange host name later. */
static int config_check_pattern(struct config_parser *p, const char *pat, int family)
{
	if (!*pat)
		return config_fail(p, "empty host-name pattern");
	if (pat[0] == '-' || pat[0] == '.')
		return config_fail(p, "host-name pattern must not start with '%c'", pat[0]);
	for (const char *s = pat; *s; s++) {
		if (*s == '{') {
			if (strncmp(s, "{ip}", 4) == 0) {
				s += 3;
				continue;
			}
			if (s[1] < '1' || s[1] > '4' || s[2] != '}')
				return config_fail(
				    p, "unknown placeholder in '%.64s' (use {1}..{4} or {ip})",
				    pat);
			if (family != AF_INET)
				return config_fail(p, "{%c} needs an IPv4 rule", s[1]);
			s += 2;
		} else if (!isalnum((unsigned char)*s) && !strchr(".-_", *s)) {
			return config_fail(p, "'%.64s' is not a host-name pattern", pat);
		}
	}
	return 0;
}

static int config_add_host(struct config_parser *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;
	struct config_net net, old;
	int rc;

	if (!config_parse_net(key, true, &net))
		return config_fail(p, "'%.64s' is not an IP address or CIDR network", key);
	if ((rc = config_check_pattern(p, v, net.family)) < 0)
		return rc;
	for (size_t i = 0; i < cfg->nhosts; i++) {
		config_parse_net(cfg->hosts[i].match, true, &old);
		if (config_net_equal(&old, &net)) { /* later values win, in place */
			config_set_str(&cfg->hosts[i].pattern, xstrdup(v));
			return 0;
		}
	}
	xgrow(&cfg->hosts, &cfg->cap_hosts, cfg->nhosts + 1, sizeof(*cfg->hosts));
	cfg->hosts[cfg->nhosts].match = xstrdup(key);
	cfg->hosts[cfg->nhosts].pattern = xstrdup(v);
	cfg->nhosts++;
	return 0;
}

static int config_add_uri(struct config_parser *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;

	if (!*v)
		return config_fail(p, "%.64s: empty URI", key);
	for (size_t i = 0; i < cfg->nuris; i++) {
		if (strcasecmp(cfg->uris[i].host, key) == 0) {
			config_set_str(&cfg->uris[i].uri, xstrdup(v));
			return 0;
		}
	}
	xgrow(&cfg->uris, &cfg->cap_uris, cfg->nuris + 1, sizeof(*cfg->uris));
	cfg->uris[cfg->nuris].host = xstrdup(key);
	cfg->uris[cfg->nuris].uri = xstrdup(v);
	cfg->nuris++;
	return 0;
}

static int config_add_keys(struct config_parser *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;

	if (!*v)
		return config_fail(p, "%.64s: empty key list", key);
	for (size_t i = 0; i < cfg->nkeys; i++) {
		if (strcmp(cfg->keys[i].request, key) == 0) {
			config_set_str(&cfg->keys[i].keys, xstrdup(v));
			return 0;
		}
	}
	xgrow(&cfg->keys, &cfg->cap_keys, cfg->nkeys + 1, sizeof(*cfg->keys));
	cfg->keys[cfg->nkeys].request = xstrdup(key);
	cfg->keys[cfg->nkeys].keys = xstrdup(v);
	cfg->nkeys++;
	return 0;
}

static int config_set(struct config_parser *p, const char *key, const char *v)
{
	if (!p->section)
		return config_fail(p, "'%.64s' outside a [section]", key);
	if (strcmp(p->section, "hosts") == 0)
		return config_add_host(p, key, v);
	if (strcmp(p->section, "uris") == 0)
		return config_add_uri(p, key, v);
	if (strcmp(p->section, "keys") == 0)
		return config_add_keys(p, key, v);
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (strcmp(config_keys[i].section, p->section) == 0 &&
		    strcasecmp(config_keys[i].name, key) == 0)
			return config_set_key(p, &config_keys[i], v);
	return config_fail(p, "unknown key '%.64s' in [%s]", key, p->section);
}

static char *config_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int config_section(struct config_parser *p, char *line)
{
	char *end = strchr(line, ']'), *name;

	if (!end || *config_trim(end + 1) != '\0')
		return config_fail(p, "malformed section header (expected [name])");
	*end = '\0';
	name = config_trim(line + 1);
	for (size_t i = 0; i < sizeof(config_sections) / sizeof(config_sections[0]); i++) {
		if (strcasecmp(name, config_sections[i]) == 0) {
			p->section = config_sections[i];
			return 0;
		}
	}
	return config_fail(p, "unknown section [%.64s]", name);
}

/* The value after '=': "quoted" (with \" and \\) or bare; a bare value ends at
 * a '#' or ';' that follows whitespace (an inline comment). Unquoted in place. */
static int config_value(struct config_parser *p, char *v, char **out)
{
	char *r, *w;

	v = config_trim(v);
	if (*v != '"') {
		for (r = v; *r; r++)
			if ((*r == '#' || *r == ';') && r > v && (r[-1] == ' ' || r[-1] == '\t'))
				break;
		*r = '\0';
		*out = config_trim(v);
		return 0;
	}
	for (r = v + 1, w = v; *r && *r != '"'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (*r != '"')
		return config_fail(p, "unterminated quoted value");
	*w = '\0';
	r = config_trim(r + 1);
	if (*r && *r != '#' && *r != ';')
		return config_fail(p, "text after the closing quote");
	*out = v;
	return 0;
}

static int config_line(struct config_parser *p, char *line)
{
	char *eq, *key, *value = NULL;
	int rc;

	line = config_trim(line);
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[')
		return config_section(p, line);
	if (!(eq = strchr(line, '=')))
		return config_fail(p, "expected 'key = value' or '[section]'");
	*eq = '\0';
	key = config_trim(line);
	if (!*key)
		return config_fail(p, "missing key before '='");
	if ((rc = config_value(p, eq + 1, &value)) < 0)
		return rc;
	return config_set(p, key, value);
}

int config_parse(struct config *cfg, const char *text, const char *origin, struct rw_error *err)
{
	struct config_parser p = {cfg, origin ? origin : "<config>", 0, NULL, err};
	char *copy, *line, *next;
	int rc = 0;

	if (!cfg || !text)
		return rw_error_set(err, -EINVAL, "config: nothing to parse");
	copy = xstrdup(text);
	line = copy;
	if (strncmp(line, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 BOM from some editors */
		line += 3;
	for (; line && rc == 0; line = next) {
		p.line++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		rc = config_line(&p, line);
	}
	free(copy);
	return rc;
}

/* Reads path into cfg. Returns 1 when it does not exist and may_skip (the search
 * goes on), else 0 or a negative code. */
static int config_load_file(struct config *cfg, const char *path, bool may_skip,
                            struct rw_error *err)
{
	struct buf text = {0};
	struct stat st;
	char chunk[4096], *safe = sanitize_terminal(path);
	ssize_t n = 0;
	int fd, rc = 0;

	/* O_NONBLOCK: a FIFO named as the config must not hang the start. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		rc = may_skip ? 1 : rw_error_set(err, -ENOENT, "%s: no such config file", safe);
	else if (fd < 0)
		rc = rw_error_set(err, errno == EACCES ? -EACCES : -EIO, "%s: cannot open: %s",
		                  safe, strerror(errno));
	else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		rc = rw_error_set(err, -EINVAL, "%s: not a regular file", safe);
	while (rc == 0 && (n = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_append(&text, chunk, (size_t)n);
		if (text.len > (size_t)CONFIG_MAX_BYTES)
			rc = rw_error_set(err, -EINVAL, "%s: larger than %d bytes", safe,
			                  CONFIG_MAX_BYTES);
	}
	if (rc == 0 && n < 0)
		rc = rw_error_set(err, -EIO, "%s: cannot read: %s", safe, strerror(errno));
	if (rc == 0 && text.p && memchr(text.p, '\0', text.len))
		rc = rw_error_set(err, -EINVAL, "%s: not a text file (NUL byte)", safe);
	if (rc == 0) {
		config_set_str(&cfg->path, xstrdup(path));
		rc = config_parse(cfg, text.p ? text.p : "", path, err);
	}
	if (fd >= 0)
		close(fd);
	buf_free(&text);
	free(safe);
	return rc;
}

int config_load(struct config *cfg, const char *path, struct rw_error *err)
{
	const char *env = getenv("RBDWHO_CONFIG"), *xdg = config_xdg("XDG_CONFIG_HOME");
	const char *home = config_home();
	char *cand[4] = {0};
	int rc = 1;

	if (path)
		return config_load_file(cfg, path, false, err);
	if (env && *env)
		cand[0] = xstrdup(env);
	if (xdg)
		cand[1] = xasprintf("%s/rbdwho/config", xdg);
	if (home)
		cand[2] = xasprintf("%s/.config/rbdwho/config", home);
	cand[3] = xstrdup("/etc/rbdwho/config");
	for (size_t i = 0; i < 4; i++) {
		if (cand[i] && rc == 1)
			rc = config_load_file(cfg, cand[i], true, err);
		free(cand[i]);
	}
	return rc == 1 ? 0 : rc;
}

void config_free(struct config *cfg)
{
	char **strs[] = {&cfg->path,         &cfg->ceph_conf,    &cfg->ceph_id,
	                 &cfg->ceph_cluster, &cfg->ceph_keyring, &cfg->os_cloud,
	                 &cfg->uri_template, &cfg->local_uri,    &cfg->audit_log,
	                 &cfg->theme,        &cfg->ssh_config,   &cfg->ssh_command};

	if (!cfg)
		return;
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < cfg->nhosts; i++) {
		free(cfg->hosts[i].match);
		free(cfg->hosts[i].pattern);
	}
	for (size_t i = 0; i < cfg->nuris; i++) {
		free(cfg->uris[i].host);
		free(cfg->uris[i].uri);
	}
	for (size_t i = 0; i < cfg->nkeys; i++) {
		free(cfg->keys[i].request);
		free(cfg->keys[i].keys);
	}
	free(cfg->hosts);
	free(cfg->uris);
	free(cfg->keys);
	memset(cfg, 0, sizeof(*cfg));
}

/* Fills pattern's {1}…{4} and {ip} for the address ip (text is its canonical form).
 * A host name cannot hold ':', so inside a longer IPv6 pattern {ip} is written
 * with '-' ("n-fd00--7"); a pattern that is just "{ip}" keeps the address. */
static char *config_expand_pattern(const char *pat, const struct config_net *ip, const char *text)
{
	struct buf out = {0};
	bool dashes = ip->family == AF_INET6 && strcmp(pat, "{ip}") != 0;

	buf_append(&out, "", 0);
	for (const char *s = pat; *s; s++) {
		if (strncmp(s, "{ip}", 4) == 0) {
			for (const char *t = text; *t; t++)
				buf_append(&out, dashes && *t == ':' ? "-" : t, 1);
			s += 3;
		} else if (s[0] == '{' && s[1] >= '1' && s[1] <= '4' && s[2] == '}' &&
		           ip->family == AF_INET) {
			buf_printf(&out, "%u", ip->addr[s[1] - '1']);
			s += 2;
		} else {
			buf_append(&out, s, 1);
		}
	}
	return out.p;
}

char *config_map_host(const struct config *cfg, const char *ip)
{
	struct config_net addr, rule;
	char text[INET6_ADDRSTRLEN];

	if (!cfg || !ip || !config_parse_net(ip, false, &addr))
		return NULL;
	config_unmap_v4(&addr);
	if (!inet_ntop(addr.family, addr.addr, text, sizeof(text)))
		return NULL;
	/* Exact addresses first, whatever their place in the file; then networks in
	 * file order, first match wins (an operator reads the file top-down). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cfg->nhosts; i++) {
			if (!config_parse_net(cfg->hosts[i].match, true, &rule))
				continue;
			config_unmap_v4(&rule);
			bool hit = pass == 0
			               ? rule.prefix < 0 && config_net_equal(&rule, &addr)
			               : rule.prefix >= 0 && config_net_contains(&rule, &addr);
			if (hit)
				return config_expand_pattern(cfg->hosts[i].pattern, &addr, text);
		}
	}
	return NULL;
}

/* A host name safe to put in a URI: DNS characters only, not starting with '-'
 * (ssh would take it for an option). Host names come from reverse DNS and Nova,
 * which an attacker may influence; "h/system?command=…" must not become a URI. */
static bool config_host_ok(const char *host)
{
	size_t len = strlen(host);

	if (len == 0 || len > CONFIG_HOST_MAX || host[0] == '-' || host[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)host[i]) && !strchr(".-_", host[i]))
			return false;
	return true;
}

static char *config_fill_host(const char *tmpl, const char *host)
{
	struct buf out = {0};
	const char *s = tmpl, *hit;

	buf_append(&out, "", 0);
	while ((hit = strstr(s, "{host}"))) {
		buf_append(&out, s, (size_t)(hit - s));
		buf_append(&out, host, strlen(host));
		s = hit + 6;
	}
	buf_append(&out, s, strlen(s));
	return out.p;
}

char *config_host_uri(const struct config *cfg, const char *host)
{
	unsigned char v6[16];
	const char *tmpl =
	    cfg && cfg->uri_template ? cfg->uri_template : "qemu+ssh://{host}/system";
	char *bracketed, *uri;

	if (!host)
		return NULL;
	for (size_t i = 0; cfg && i < cfg->nuris; i++) {
		if (fnmatch(cfg->uris[i].host, host, FNM_CASEFOLD) == 0) {
			tmpl = cfg->uris[i].uri;
			break;
		}
	}
	if (config_host_ok(host))
		return config_fill_host(tmpl, host);
	if (strlen(host) >= INET6_ADDRSTRLEN || inet_pton(AF_INET6, host, v6) != 1)
		return NULL;
	bracketed = xasprintf("[%s]", host); /* an IPv6 literal in a URI */
	uri = config_fill_host(tmpl, bracketed);
	free(bracketed);
	return uri;
}
