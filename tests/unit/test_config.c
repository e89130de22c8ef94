/* test_config.c — the config file: defaults, every key, every error with its
 * "origin:LINE:" message, the [hosts] map (exact before CIDR, first CIDR wins,
 * /0 /32 /24 and IPv6 /64 edges), per-host URIs, and the file search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rbdwho/config.h"
#include "rbdwho/error.h"
#include "rbdwho/util.h"

static char tmpdir[64];

/* Every test runs with a known environment in a fresh temp dir. */
static int setup(void **state)
{
	strcpy(tmpdir, "/tmp/rbdwho-test-config.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("HOME", tmpdir, 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("RBDWHO_CONFIG");
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	char *dir = xstrdup(path);
	for (char *s = dir + strlen(tmpdir) + 1; (s = strchr(s, '/')); *s++ = '/') {
		*s = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Parses text into a fresh config; returns the code, err holds the message. */
static int parse(struct config *cfg, const char *text, struct rw_error *err)
{
	config_init(cfg);
	rw_error_clear(err);
	return config_parse(cfg, text, "test.conf", err);
}

static void expect_error(const char *text, const char *msg)
{
	struct config cfg;
	struct rw_error err;
	int rc = parse(&cfg, text, &err);
	if (rc != -EINVAL || strcmp(err.msg, msg) != 0)
		print_message("text: %s\nrc %d, msg: %s\nwant: %s\n", text, rc, err.msg, msg);
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, msg);
	config_free(&cfg);
}

static void test_defaults(void **state)
{
	struct config cfg;
	char *want = xasprintf("%s/.local/state/rbdwho/audit.log", tmpdir);

	config_init(&cfg);
	assert_null(cfg.path);
	assert_int_equal(cfg.timeout_ms, 10000);
	assert_true(cfg.reverse_dns);
	assert_true(cfg.syslog);
	assert_string_equal(cfg.audit_log, want);
	assert_null(cfg.ceph_conf);
	assert_null(cfg.ceph_id);
	assert_null(cfg.ceph_cluster);
	assert_null(cfg.ceph_keyring);
	assert_null(cfg.os_cloud);
	assert_false(cfg.os_insecure);
	assert_string_equal(cfg.uri_template, "qemu+ssh://{host}/system");
	assert_string_equal(cfg.local_uri, "qemu:///system");
	assert_string_equal(cfg.theme, "default");
	assert_int_equal(cfg.refresh_s, 0);
	assert_int_equal(cfg.nhosts + cfg.nuris + cfg.nkeys, 0);
	config_free(&cfg);
	free(want);

	setenv("XDG_STATE_HOME", "/var/state", 1);
	config_init(&cfg);
	assert_string_equal(cfg.audit_log, "/var/state/rbdwho/audit.log");
	config_free(&cfg);
	setenv("XDG_STATE_HOME", "relative/ignored", 1); /* the XDG spec: ignore it */
	config_init(&cfg);
	assert_true(str_ends_with(cfg.audit_log, "/.local/state/rbdwho/audit.log"));
	config_free(&cfg);

	/* config_free leaves a zeroed struct, so a second free is harmless */
	config_free(&cfg);
	assert_null(cfg.theme);
}

static void test_every_key(void **state)
{
	struct config cfg;
	struct rw_error err;
	const char *text = "# rbdwho config\n"
	                   "; another comment style\n"
	                   "\n"
	                   "[general]\n"
	                   "timeout = 2500\n"
	                   "reverse_dns = no\n"
	                   "audit_log = ~/audit/rbdwho.log\n"
	                   "syslog = off\n"
	                   "[ceph]\n"
	                   "conf = /etc/ceph/prod.conf\n"
	                   "id = cinder\n"
	                   "cluster = prod\n"
	                   "keyring = ~/keyrings/cinder.keyring\n"
	                   "[openstack]\n"
	                   "cloud = prod-admin\n"
	                   "insecure = true\n"
	                   "[libvirt]\n"
	                   "uri_template = qemu+ssh://root@{host}/system?keyfile=/k\n"
	                   "local_uri = qemu+unix:///system\n"
	                   "[ui]\n"
	                   "theme = solarized\n"
	                   "refresh = 30\n"
	                   "[hosts]\n"
	                   "10.0.0.5 = special\n"
	                   "[uris]\n"
	                   "compute-* = qemu+tls://{host}/system\n"
	                   "[keys]\n"
	                   "quit = q C-c\n"
	                   "destroy = D\n";
	char *audit = xasprintf("%s/audit/rbdwho.log", tmpdir);
	char *keyring = xasprintf("%s/keyrings/cinder.keyring", tmpdir);

	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_int_equal(cfg.timeout_ms, 2500);
	assert_false(cfg.reverse_dns);
	assert_string_equal(cfg.audit_log, audit);
	assert_false(cfg.syslog);
	assert_string_equal(cfg.ceph_conf, "/etc/ceph/prod.conf");
	assert_string_equal(cfg.ceph_id, "cinder");
	assert_string_equal(cfg.ceph_cluster, "prod");
	assert_string_equal(cfg.ceph_keyring, keyring);
	assert_string_equal(cfg.os_cloud, "prod-admin");
	assert_true(cfg.os_insecure);
	assert_string_equal(cfg.uri_template, "qemu+ssh://root@{host}/system?keyfile=/k");
	assert_string_equal(cfg.local_uri, "qemu+unix:///system");
	assert_string_equal(cfg.theme, "solarized");
	assert_int_equal(cfg.refresh_s, 30);
	assert_int_equal(cfg.nhosts, 1);
	assert_string_equal(cfg.hosts[0].match, "10.0.0.5");
	assert_string_equal(cfg.hosts[0].pattern, "special");
	assert_int_equal(cfg.nuris, 1);
	assert_string_equal(cfg.uris[0].host, "compute-*");
	assert_string_equal(cfg.uris[0].uri, "qemu+tls://{host}/system");
	assert_int_equal(cfg.nkeys, 2);
	assert_string_equal(cfg.keys[0].request, "quit");
	assert_string_equal(cfg.keys[0].keys, "q C-c");
	assert_string_equal(cfg.keys[1].request, "destroy");
	assert_string_equal(cfg.keys[1].keys, "D");
	config_free(&cfg);
	free(audit);
	free(keyring);
}

static void test_bools_and_ints(void **state)
{
	static const char *const yes[] = {"yes", "true", "1", "on", "YES", "True", "On"};
	static const char *const no[] = {"no", "false", "0", "off", "NO", "False", "OFF"};
	struct config cfg;
	struct rw_error err;
	char text[128];

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), "[openstack]\ninsecure = %s\n[general]\nsyslog=%s\n",
		         yes[i], no[i]);
		assert_int_equal(parse(&cfg, text, &err), 0);
		assert_true(cfg.os_insecure);
		assert_false(cfg.syslog);
		config_free(&cfg);
	}
	assert_int_equal(parse(&cfg, "[general]\ntimeout=1\n[ui]\nrefresh=0\n", &err), 0);
	assert_int_equal(cfg.timeout_ms, 1);
	assert_int_equal(cfg.refresh_s, 0);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, "[general]\ntimeout=86400000\n[ui]\nrefresh=86400\n", &err),
	                 0);
	assert_int_equal(cfg.timeout_ms, 86400000);
	assert_int_equal(cfg.refresh_s, 86400);
	config_free(&cfg);
}

static void test_syntax(void **state)
{
	struct config cfg;
	struct rw_error err;
	const char *text = "\xef\xbb\xbf[ general ]\r\n"
	                   "  timeout   =   700   # milliseconds\r\n"
	                   "\tAudit_Log = \"/var/log/a b#c;d.log\" ; quoted keeps # and ;\n"
	                   "[Ceph]\n"
	                   "id = \"quo\\\"te\\\\d\"\n"
	                   "conf = /etc/ceph/a#b.conf\n"
	                   "cluster =\n"
	                   "[ui]\n"
	                   "theme = dark;no-comment-without-space\n"
	                   "[general]\n"
	                   "timeout = 800\n";

	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_int_equal(cfg.timeout_ms, 800); /* later values win */
	assert_string_equal(cfg.audit_log, "/var/log/a b#c;d.log");
	assert_string_equal(cfg.ceph_id, "quo\"te\\d");
	assert_string_equal(cfg.ceph_conf, "/etc/ceph/a#b.conf");
	assert_null(cfg.ceph_cluster); /* empty means "the backend's default" */
	assert_string_equal(cfg.theme, "dark;no-comment-without-space");
	config_free(&cfg);

	/* an empty text and a text of comments are fine and keep the defaults */
	assert_int_equal(parse(&cfg, "", &err), 0);
	assert_int_equal(cfg.timeout_ms, 10000);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, "# only\n;comments\n\n", &err), 0);
	config_free(&cfg);
}

static void test_errors(void **state)
{
	expect_error("[general]\ntimeout = 5\n[bogus]\n", "test.conf:3: unknown section [bogus]");
	expect_error("[general]\nspeed = 5\n", "test.conf:2: unknown key 'speed' in [general]");
	expect_error("[ceph]\nkey = AQBzbH1k2L4qGRAAh8wqJ1NQ8mA8Y5k0s3b9Yw==\n",
	             "test.conf:2: unknown key 'key' in [ceph]");
	expect_error("timeout = 5\n", "test.conf:1: 'timeout' outside a [section]");
	expect_error("[general]\nreverse_dns = maybe\n",
	             "test.conf:2: reverse_dns: expected yes/no, true/false, on/off or 1/0");
	expect_error("[general]\nsyslog =\n",
	             "test.conf:2: syslog: expected yes/no, true/false, on/off or 1/0");
	expect_error("[openstack]\ninsecure = 2\n",
	             "test.conf:2: insecure: expected yes/no, true/false, on/off or 1/0");
	static const char *const bad_timeout[] = {
	    "0", "-1", "abc", "10s", "1.5", "", "+5", "86400001", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad_timeout) / sizeof(bad_timeout[0]); i++) {
		char *t = xasprintf("[general]\n\ntimeout = %s\n", bad_timeout[i]);
		expect_error(t, "test.conf:3: timeout: expected milliseconds, 1..86400000");
		free(t);
	}
	expect_error("[ui]\nrefresh = -1\n",
	             "test.conf:2: refresh: expected seconds, 0 (off)..86400");
	expect_error("[ui]\nrefresh = 86401\n",
	             "test.conf:2: refresh: expected seconds, 0 (off)..86400");
	expect_error("[ui]\ntheme =\n", "test.conf:2: theme: empty value");
	expect_error("[libvirt]\nlocal_uri = \"\"\n", "test.conf:2: local_uri: empty value");
	expect_error("[libvirt]\nuri_template = qemu+ssh://compute/system\n",
	             "test.conf:2: uri_template: must contain {host}");
	expect_error("[general]\naudit_log = logs/audit.log\n",
	             "test.conf:2: audit_log: must be an absolute path (or start with ~/)");
	expect_error(
	    "[general]\naudit_log = ~root/audit.log\n",
	    "test.conf:2: audit_log: ~user paths are not supported, use ~/ or an absolute path");
	expect_error("[general]\naudit_log =\n", "test.conf:2: audit_log: empty path");
	expect_error("[general]\njust words\n",
	             "test.conf:2: expected 'key = value' or '[section]'");
	expect_error("[general]\n= 5\n", "test.conf:2: missing key before '='");
	expect_error("[general\n", "test.conf:1: malformed section header (expected [name])");
	expect_error("[general] x\n", "test.conf:1: malformed section header (expected [name])");
	expect_error("[ceph]\nid = \"open\n", "test.conf:2: unterminated quoted value");
	expect_error("[ceph]\nid = \"a\" b\n", "test.conf:2: text after the closing quote");
	expect_error("[uris]\nh1 =\n", "test.conf:2: h1: empty URI");
	expect_error("[keys]\nquit =\n", "test.conf:2: quit: empty key list");
	/* names from the file are made terminal-safe in the message */
	expect_error("[general]\nx\x1b[2J = 1\n",
	             "test.conf:2: unknown key 'x\\e[2J' in [general]");
}

static void test_host_rule_errors(void **state)
{
	static const char *const bad_net[] = {
	    "10.0.0.0/33", "10.0.0.0/",  "10.0.0.0/abc", "10.0.0.0/-1",  "10.0.0.0/8/8", "1.2.3/8",
	    "256.1.1.1",   "fe80::/129", "fe80::/0064",  "host.example", "10.0.0.1 /8",  "*",
	};
	for (size_t i = 0; i < sizeof(bad_net) / sizeof(bad_net[0]); i++) {
		char *t = xasprintf("[hosts]\n%s = h\n", bad_net[i]);
		char *m =
		    xasprintf("test.conf:2: '%s' is not an IP address or CIDR network", bad_net[i]);
		expect_error(t, m);
		free(t);
		free(m);
	}
	expect_error("[hosts]\n10.0.0.1 =\n", "test.conf:2: empty host-name pattern");
	expect_error("[hosts]\n10.0.0.1 = node-{5}\n",
	             "test.conf:2: unknown placeholder in 'node-{5}' (use {1}..{4} or {ip})");
	expect_error("[hosts]\n10.0.0.1 = node-{x\n",
	             "test.conf:2: unknown placeholder in 'node-{x' (use {1}..{4} or {ip})");
	expect_error("[hosts]\nfe80::/64 = node-{4}\n", "test.conf:2: {4} needs an IPv4 rule");
	expect_error("[hosts]\n10.0.0.1 = a/b\n", "test.conf:2: 'a/b' is not a host-name pattern");
	expect_error("[hosts]\n10.0.0.1 = a b\n", "test.conf:2: 'a b' is not a host-name pattern");
	expect_error("[hosts]\n10.0.0.1 = -oProxyCommand\n",
	             "test.conf:2: host-name pattern must not start with '-'");
}

static void expect_map(const struct config *cfg, const char *ip, const char *want)
{
	char *got = config_map_host(cfg, ip);
	if (want == NULL ? got != NULL : (got == NULL || strcmp(got, want) != 0))
		print_message("%s -> %s, want %s\n", ip, got ? got : "(null)",
		              want ? want : "(null)");
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
}

static void test_host_map(void **state)
{
	struct config cfg;
	struct rw_error err;
	const char *text =
	    "[hosts]\n"
	    "10.20.0.0/16 = wide-{3}-{4}\n" /* first CIDR in the file wins ... */
	    "10.20.30.0/24 = narrow-{4}\n"  /* ... even over a longer prefix */
	    "192.168.1.0/24 = rack1-{4}\n"
	    "172.16.5.9/32 = single\n"
	    "2001:db8:1:2::/64 = v6-{ip}\n"
	    "fd00::7 = v6-exact\n"
	    "10.20.30.40 = exact-{1}.{2}.{3}.{4}\n" /* exact wins wherever it stands */
	    "192.168.1.7 = first\n"
	    "192.168.1.7 = replaced\n" /* later value for the same key wins */
	    "0.0.0.0/0 = any-{ip}\n";

	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_int_equal(cfg.nhosts, 9);
	expect_map(&cfg, "10.20.30.40", "exact-10.20.30.40");
	expect_map(&cfg, "10.20.30.41", "wide-30-41");
	expect_map(&cfg, "10.20.255.255", "wide-255-255");
	expect_map(&cfg, "10.21.0.0", "any-10.21.0.0");
	/* /24 boundaries */
	expect_map(&cfg, "192.168.1.0", "rack1-0");
	expect_map(&cfg, "192.168.1.255", "rack1-255");
	expect_map(&cfg, "192.168.2.0", "any-192.168.2.0");
	expect_map(&cfg, "192.168.0.255", "any-192.168.0.255");
	expect_map(&cfg, "192.168.1.7", "replaced");
	/* /32 */
	expect_map(&cfg, "172.16.5.9", "single");
	expect_map(&cfg, "172.16.5.10", "any-172.16.5.10");
	/* /0 matches every IPv4 address, no IPv6 one */
	expect_map(&cfg, "0.0.0.0", "any-0.0.0.0");
	expect_map(&cfg, "255.255.255.255", "any-255.255.255.255");
	/* IPv6 /64 edges, exact IPv6 in any spelling */
	expect_map(&cfg, "2001:db8:1:2::", "v6-2001-db8-1-2--");
	expect_map(&cfg, "2001:db8:1:2:ffff:ffff:ffff:ffff", "v6-2001-db8-1-2-ffff-ffff-ffff-ffff");
	expect_map(&cfg, "2001:db8:1:3::", NULL);
	expect_map(&cfg, "2001:db8:1:1:ffff:ffff:ffff:ffff", NULL);
	expect_map(&cfg, "FD00:0:0:0:0:0:0:7", "v6-exact");
	expect_map(&cfg, "fd00::8", NULL);
	/* an IPv4-mapped IPv6 address is its IPv4 address */
	expect_map(&cfg, "::ffff:10.20.30.40", "exact-10.20.30.40");
	/* not addresses */
	expect_map(&cfg, "", NULL);
	expect_map(&cfg, "10.20.30", NULL);
	expect_map(&cfg, "10.20.30.40/24", NULL);
	expect_map(&cfg, "[fd00::7]", NULL);
	expect_map(&cfg, "compute-1", NULL);
	expect_map(&cfg, NULL, NULL);
	expect_map(NULL, "10.20.30.40", NULL);
	config_free(&cfg);

	/* no rules, no mapping */
	config_init(&cfg);
	expect_map(&cfg, "10.0.0.1", NULL);
	config_free(&cfg);

	/* prefixes that do not end on an octet: /20 and /63, both edges */
	assert_int_equal(
	    parse(&cfg, "[hosts]\n10.30.16.0/20 = n20\n2001:db8:0:2::/63 = n63\n", &err), 0);
	expect_map(&cfg, "10.30.16.0", "n20");
	expect_map(&cfg, "10.30.31.255", "n20");
	expect_map(&cfg, "10.30.15.255", NULL);
	expect_map(&cfg, "10.30.32.0", NULL);
	expect_map(&cfg, "2001:db8:0:3:ffff::1", "n63");
	expect_map(&cfg, "2001:db8:0:4::", NULL);
	expect_map(&cfg, "2001:db8:0:1::", NULL);
	config_free(&cfg);

	/* a /0 that is not first in the file still loses to the earlier narrower CIDR */
	assert_int_equal(parse(&cfg, "[hosts]\n10.1.0.0/16=a\n0.0.0.0/0=b\n::/0=c-{ip}\n", &err),
	                 0);
	expect_map(&cfg, "10.1.2.3", "a");
	expect_map(&cfg, "10.2.2.3", "b");
	expect_map(&cfg, "::1", "c---1");
	config_free(&cfg);

	/* "{ip}" alone keeps an IPv6 address as it is: the URI then brackets it */
	assert_int_equal(parse(&cfg, "[hosts]\nfd00::/8 = {ip}\n10.0.0.0/8 = {ip}\n", &err), 0);
	expect_map(&cfg, "fd00::7", "fd00::7");
	expect_map(&cfg, "10.1.2.3", "10.1.2.3");
	config_free(&cfg);
}

static void expect_uri(const struct config *cfg, const char *host, const char *want)
{
	char *got = config_host_uri(cfg, host);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
}

static void test_host_uri(void **state)
{
	struct config cfg;
	struct rw_error err;

	config_init(&cfg);
	expect_uri(&cfg, "compute-1", "qemu+ssh://compute-1/system");
	expect_uri(&cfg, "10.0.0.1", "qemu+ssh://10.0.0.1/system");
	expect_uri(&cfg, "fd00::7", "qemu+ssh://[fd00::7]/system");
	/* host names from reverse DNS or Nova must not rewrite the URI or become ssh options */
	expect_uri(&cfg, "evil/system?command=/bin/sh", NULL);
	expect_uri(&cfg, "-oProxyCommand=x", NULL);
	expect_uri(&cfg, "-lroot", NULL);
	expect_uri(&cfg, ".hidden", NULL);
	char *long_host = xmalloc(300);
	memset(long_host, 'a', 299);
	long_host[299] = '\0';
	expect_uri(&cfg, long_host, NULL);
	free(long_host);
	expect_uri(&cfg, "a b", NULL);
	expect_uri(&cfg, "", NULL);
	expect_uri(&cfg, NULL, NULL);
	config_free(&cfg);

	assert_int_equal(
	    parse(&cfg,
	          "[libvirt]\nuri_template = qemu+ssh://root@{host}:2222/system?h={host}\n"
	          "[uris]\n"
	          "compute-7 = qemu+tls://compute-7.mgmt/system\n"
	          "compute-* = qemu+ssh://admin@{host}.ceph/system\n"
	          "compute-7 = qemu+tls://replaced/system\n"
	          "gpu-[0-9] = qemu:///system\n",
	          &err),
	    0);
	assert_int_equal(cfg.nuris, 3);
	expect_uri(&cfg, "compute-7", "qemu+tls://replaced/system");
	expect_uri(&cfg, "COMPUTE-8", "qemu+ssh://admin@COMPUTE-8.ceph/system");
	expect_uri(&cfg, "gpu-3", "qemu:///system");
	expect_uri(&cfg, "gpu-10", "qemu+ssh://root@gpu-10:2222/system?h=gpu-10");
	expect_uri(&cfg, "storage-1", "qemu+ssh://root@storage-1:2222/system?h=storage-1");
	config_free(&cfg);
}

static void test_load_explicit(void **state)
{
	struct config cfg;
	struct rw_error err;
	char *missing = xasprintf("%s/nope.conf", tmpdir);
	char *good = write_file("good.conf", "[ui]\ntheme = night\n");
	char *bad = write_file("bad.conf", "[ui]\n\ntheme = night\nrefresh = soon\n");
	char *msg;

	config_init(&cfg);
	rw_error_clear(&err);
	assert_int_equal(config_load(&cfg, missing, &err), -ENOENT);
	msg = xasprintf("%s: no such config file", missing);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_null(cfg.path);

	assert_int_equal(config_load(&cfg, good, &err), 0);
	assert_string_equal(cfg.path, good);
	assert_string_equal(cfg.theme, "night");

	assert_int_equal(config_load(&cfg, bad, &err), -EINVAL);
	msg = xasprintf("%s:4: refresh: expected seconds, 0 (off)..86400", bad);
	assert_string_equal(err.msg, msg);
	free(msg);

	assert_int_equal(config_load(&cfg, tmpdir, &err), -EINVAL); /* a directory */
	config_free(&cfg);
	free(missing);
	free(good);
	free(bad);
}

static void test_load_not_text(void **state)
{
	struct config cfg;
	struct rw_error err;
	char *fifo = xasprintf("%s/fifo", tmpdir);
	char *nul = xasprintf("%s/nul.conf", tmpdir);
	FILE *f = fopen(nul, "w");

	assert_non_null(f);
	fwrite("[ui]\ntheme = a\0b\n", 1, 17, f);
	fclose(f);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	config_init(&cfg);
	/* a FIFO has no writer: opening it must not block, and it is refused */
	assert_int_equal(config_load(&cfg, fifo, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_int_equal(config_load(&cfg, nul, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL byte"));
	config_free(&cfg);
	free(fifo);
	free(nul);
}

static void test_load_search(void **state)
{
	struct config cfg;
	struct rw_error err;
	bool etc_exists = access("/etc/rbdwho/config", F_OK) == 0;
	char *home_conf, *xdg_conf, *env_conf;

	/* nothing anywhere: fine, path stays NULL */
	if (!etc_exists) {
		config_init(&cfg);
		assert_int_equal(config_load(&cfg, NULL, &err), 0);
		assert_null(cfg.path);
		assert_string_equal(cfg.theme, "default");
		config_free(&cfg);
	}
	home_conf = write_file(".config/rbdwho/config", "[ui]\ntheme = home\n");
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.path, home_conf);
	assert_string_equal(cfg.theme, "home");
	config_free(&cfg);

	xdg_conf = write_file("xdg/rbdwho/config", "[ui]\ntheme = xdg\n");
	char *xdg = xasprintf("%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.theme, "xdg");
	config_free(&cfg);

	env_conf = write_file("env.conf", "[ui]\ntheme = env\n");
	setenv("RBDWHO_CONFIG", env_conf, 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.path, env_conf);
	assert_string_equal(cfg.theme, "env");
	/* an explicit path beats the search */
	assert_int_equal(config_load(&cfg, home_conf, &err), 0);
	assert_string_equal(cfg.theme, "home");
	config_free(&cfg);

	/* a broken file found by the search is an error, not skipped */
	char *broken = write_file("broken.conf", "[nope]\n");
	setenv("RBDWHO_CONFIG", broken, 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, NULL, &err), -EINVAL);
	config_free(&cfg);

	free(home_conf);
	free(xdg_conf);
	free(env_conf);
	free(broken);
	free(xdg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bools_and_ints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_rule_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_map, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_uri, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_explicit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_not_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_search, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
