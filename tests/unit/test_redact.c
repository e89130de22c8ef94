/* test_redact.c — secrets planted in real command lines, JSON, headers and env
 * lines never survive redact_text/redact_argv, while everything around them is
 * kept byte for byte; sanitize_terminal neutralises control sequences. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/redact.h"
#include "rbdwho/util.h"

#define CEPHX "AQBzbH1k2L4qGRAAh8wqJ1NQ8mA8Y5k0s3b9Yw=="

static void expect_redact(const char *in, const char *want)
{
	char *got = redact_text(in);
	if (strcmp(got, want) != 0)
		print_message("in:   %s\ngot:  %s\nwant: %s\n", in, got, want);
	assert_string_equal(got, want);
	/* redacting twice changes nothing more */
	char *again = redact_text(got);
	assert_string_equal(again, got);
	free(again);
	free(got);
}

static void test_qemu_drive(void **state)
{
	expect_redact("-drive file=rbd:volumes/volume-9cd1ee91:id=cinder:key=AQBx1234abcd==:"
	              "auth_supported=cephx\\;none:mon_host=10.0.0.1\\:6789,format=raw,if=none",
	              "-drive file=rbd:volumes/volume-9cd1ee91:id=cinder:key=<redacted>:"
	              "auth_supported=cephx\\;none:mon_host=10.0.0.1\\:6789,format=raw,if=none");
	/* key last in the rbd: string, then the next -drive option */
	expect_redact("file=rbd:vms/x_disk:id=nova:key=" CEPHX ",if=none",
	              "file=rbd:vms/x_disk:id=nova:key=<redacted>,if=none");
	/* keyring is a path, not a key */
	expect_redact(
	    "rbd:p/i:id=admin:keyring=/etc/ceph/ceph.client.admin.keyring:conf=/etc/ceph/c",
	    "rbd:p/i:id=admin:keyring=/etc/ceph/ceph.client.admin.keyring:conf=/etc/ceph/c");
}

static void test_qemu_blockdev_and_secret_objects(void **state)
{
	const char *ref = "-blockdev {\"driver\":\"rbd\",\"pool\":\"volumes\",\"image\":\"x\","
	                  "\"key-secret\":\"libvirt-1-storage-secret0\"}";
	expect_redact(ref, ref);
	expect_redact(
	    "{\"driver\":\"rbd\",\"user\":\"cinder\",\"key\":\"AQBx9\",\"image\":\"x\"}",
	    "{\"driver\":\"rbd\",\"user\":\"cinder\",\"key\":\"<redacted>\",\"image\":\"x\"}");
	expect_redact("-object {\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"AQBxyz==\","
	              "\"format\":\"base64\"}",
	              "-object {\"qom-type\":\"secret\",\"id\":\"sec0\",\"data\":\"<redacted>\","
	              "\"format\":\"base64\"}");
	/* qom-type after data, spaces after the colons */
	expect_redact("{\"data\": \"hunter2\", \"qom-type\": \"secret\", \"id\": \"s\"}",
	              "{\"data\": \"<redacted>\", \"qom-type\": \"secret\", \"id\": \"s\"}");
	expect_redact("-object secret,id=sec0,data=AQBxyz==,format=base64",
	              "-object secret,id=sec0,data=<redacted>,format=base64");
	expect_redact("-object qom-type=secret,id=sec0,data=hunter2",
	              "-object qom-type=secret,id=sec0,data=<redacted>");
	/* dotted -drive/-blockdev paths name the same references */
	expect_redact("-drive driver=rbd,file.key-secret=sec0,file.password-secret=s2",
	              "-drive driver=rbd,file.key-secret=sec0,file.password-secret=s2");
	expect_redact("-drive file.driver=rbd,file.key=K1,--key-secret=x",
	              "-drive file.driver=rbd,file.key=<redacted>,--key-secret=x");
	/* "data" of anything else is data */
	expect_redact("-fw_cfg name=opt/x,data=hello -object rng-random,id=r,data=1",
	              "-fw_cfg name=opt/x,data=hello -object rng-random,id=r,data=1");
	expect_redact("{\"qom-type\":\"memory\",\"data\":\"x\"}",
	              "{\"qom-type\":\"memory\",\"data\":\"x\"}");
	/* a secret file reference and the password-secret reference stay */
	expect_redact("-object secret,id=s1,file=/run/s1 -drive driver=iscsi,password-secret=s1",
	              "-object secret,id=s1,file=/run/s1 -drive driver=iscsi,password-secret=s1");
}

static void test_password_token_forms(void **state)
{
	expect_redact("password=hunter2", "password=<redacted>");
	expect_redact("{\"password\": \"hun\\\"ter2\", \"user\": \"admin\"}",
	              "{\"password\": \"<redacted>\", \"user\": \"admin\"}");
	expect_redact("export OS_PASSWORD=hunter2 OS_USERNAME=admin",
	              "export OS_PASSWORD=<redacted> OS_USERNAME=admin");
	expect_redact("OS_PASSWORD='pass word'", "OS_PASSWORD='<redacted>'");
	expect_redact("X-Auth-Token: gAAAAABlZ2V0dG9rZW4\r\nAccept: */*",
	              "X-Auth-Token: <redacted>\r\nAccept: */*");
	expect_redact("x-subject-token:\tgAAAAAB", "x-subject-token:\t<redacted>");
	expect_redact("Authorization: Bearer abc.def", "Authorization: <redacted>");
	expect_redact("{\"secret\": \"s3\", \"name\": \"n\"}",
	              "{\"secret\": \"<redacted>\", \"name\": \"n\"}");
	expect_redact("GET /v3?token=abc123&limit=5", "GET /v3?token=<redacted>&limit=5");
	expect_redact("{'password': 'x', 'project': 'p'}",
	              "{'password': '<redacted>', 'project': 'p'}");
	expect_redact("{\"application_credential_secret\":42}",
	              "{\"application_credential_secret\":<redacted>}");
	expect_redact("{\"password\": null, \"token\": true}",
	              "{\"password\": null, \"token\": true}");
	expect_redact("openstack --os-password hunter2 server list",
	              "openstack --os-password <redacted> server list");
	expect_redact("--os-token=abc --os-cloud prod", "--os-token=<redacted> --os-cloud prod");
	expect_redact("https://admin:hunter2@keystone:5000/v3",
	              "https://admin:<redacted>@keystone:5000/v3");
	expect_redact("password: my pass phrase\nuser: bob", "password: <redacted>\nuser: bob");
	expect_redact("[client.x]\n\tkey = AQBx1234\n\tcaps mon = \"allow r\"",
	              "[client.x]\n\tkey = <redacted>\n\tcaps mon = \"allow r\"");
	expect_redact("password = pass word\nuser = u", "password = <redacted>\nuser = u");
	expect_redact("curl -H X-Auth-Token:gAAAA http://x",
	              "curl -H X-Auth-Token:<redacted> http://x");
	expect_redact("password:hunter2 key:value", "password:<redacted> key:value");
	/* JSON escaped inside a quoted argument */
	expect_redact("-blockdev \"{\\\"driver\\\":\\\"rbd\\\",\\\"key\\\":\\\"hunter2\\\"}\"",
	              "-blockdev \"{\\\"driver\\\":\\\"rbd\\\",\\\"key\\\":\\\"<redacted>\\\"}\"");
	/* a password inside a JSON string value does not eat the string's end */
	expect_redact("{\"msg\": \"bad password: x\", \"c\": 1}",
	              "{\"msg\": \"bad password: <redacted>\", \"c\": 1}");
}

static void test_cephx_anywhere(void **state)
{
	expect_redact(CEPHX, "<redacted>");
	expect_redact("[client.cinder]\n\tkey = " CEPHX "\n",
	              "[client.cinder]\n\tkey = <redacted>\n");
	expect_redact("the key " CEPHX ", shown", "the key <redacted>, shown");
	expect_redact("x_" CEPHX, "x_<redacted>");
	/* AQ inside a longer base64 run, or too short, is not a key */
	expect_redact("xAQBzbH1k2L4qGRAAh8wqJ1NQ8mA8Y5k0s3b9Yw== AQ== AQUA",
	              "xAQBzbH1k2L4qGRAAh8wqJ1NQ8mA8Y5k0s3b9Yw== AQ== AQUA");
}

static void test_non_secrets_kept(void **state)
{
	const char *keep[] = {
	    "watcher=127.0.0.1:0/1121431068 client.4135 cookie=139863932277888",
	    "rbd_header.1234abcd block_name_prefix: rbd_data.1234abcd",
	    "-name guest=instance-0002f5c4,debug-threads=on -uuid "
	    "e6a96e04-733d-4b5a-9c55-0e0f0f0f0f0f",
	    "keyring=/etc/ceph/x.keyring key_name=mykey token_expires=2030 keys=q",
	    "monkey=1 turnkey=2 passwords_ok=3",
	    "",
	    "<redacted>",
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		expect_redact(keep[i], keep[i]);
	assert_null(redact_text(NULL));
}

/* Copies tmpl into in with its "%s" replaced by secret. */
static void plant(char *in, size_t size, const char *tmpl, const char *secret)
{
	const char *at = strstr(tmpl, "%s");
	assert_non_null(at);
	snprintf(in, size, "%.*s%s%s", (int)(at - tmpl), tmpl, secret, at + 2);
}

/* Each template gets the secret planted at %s; none may survive. */
static void test_planted_secrets_never_survive(void **state)
{
	static const char *const tmpl[] = {
	    "-drive file=rbd:v/i:id=c:key=%s:mon_host=h",
	    "-drive file=rbd:v/i:key=%s,format=raw",
	    "{\"key\":\"%s\"}",
	    "{\"key\" : \"%s\"}",
	    "-object {\"qom-type\":\"secret\",\"id\":\"s\",\"data\":\"%s\",\"format\":\"raw\"}",
	    "-object secret,id=sec0,data=%s,format=raw",
	    "password=%s",
	    "PassWord=%s;other",
	    "\"password\": \"%s\"",
	    "OS_PASSWORD=%s",
	    "X-Auth-Token: %s",
	    "X-Subject-Token: %s",
	    "\"secret\": \"%s\"",
	    "token=%s",
	    "?a=1&token=%s&b=2",
	    "--os-password %s",
	    "--os-password=%s",
	    "-p --password \"%s\"",
	    "http://u:%s@h/",
	    "client_secret=%s",
	    "os_token: %s",
	    "api-key=%s",
	    "\"auth_key\":\"%s\"",
	    "password = %s",
	    "X-Auth-Token:%s",
	    "\tkey = %s\n",
	    "-drive \"file=rbd:v/i:key=%s\"",
	};
	static const char *const secret[] = {
	    "S3cr3tV4lue",  CEPHX,         "gAAAAABmQ-tok_en.x",
	    "a,,b,,S3cr3t", "c\\:ol\\:on", "with\\\"quote",
	};
	char in[512];

	for (size_t t = 0; t < sizeof(tmpl) / sizeof(tmpl[0]); t++) {
		for (size_t s = 0; s < sizeof(secret) / sizeof(secret[0]); s++) {
			plant(in, sizeof(in), tmpl[t], secret[s]);
			char *out = redact_text(in);
			assert_non_null(out);
			if (strstr(out, secret[s]) || !strstr(out, REDACTED))
				print_message("leak from: %s\n", in);
			assert_null(strstr(out, secret[s]));
			assert_non_null(strstr(out, REDACTED));
			/* no fragment of a multi-part secret either */
			assert_null(strstr(out, "S3cr3t"));
			free(out);
		}
	}
}

static void test_redact_argv(void **state)
{
	const char *qemu[] = {
	    "/usr/bin/qemu-system-x86_64",
	    "-name",
	    "guest=instance-0000000a",
	    "-object",
	    "{\"qom-type\":\"secret\",\"id\":\"libvirt-1-storage-secret0\","
	    "\"data\":\"c2VjcmV0IGRhdGE=\",\"keyid\":\"masterKey0\",\"format\":\"base64\"}",
	    "-blockdev",
	    "{\"driver\":\"rbd\",\"pool\":\"volumes\",\"image\":\"volume-1\","
	    "\"user\":\"cinder\",\"key-secret\":\"libvirt-1-storage-secret0\"}",
	};
	char *out = redact_argv(qemu, sizeof(qemu) / sizeof(qemu[0]));
	assert_string_equal(
	    out, "/usr/bin/qemu-system-x86_64 -name guest=instance-0000000a -object "
	         "{\"qom-type\":\"secret\",\"id\":\"libvirt-1-storage-secret0\","
	         "\"data\":\"<redacted>\",\"keyid\":\"masterKey0\",\"format\":\"base64\"} "
	         "-blockdev {\"driver\":\"rbd\",\"pool\":\"volumes\",\"image\":\"volume-1\","
	         "\"user\":\"cinder\",\"key-secret\":\"libvirt-1-storage-secret0\"}");
	free(out);

	const char *cli[] = {"openstack",
	                     "--os-password",
	                     "pass word",
	                     "--os-cloud",
	                     "prod",
	                     "OS_PASSWORD=has spaces too",
	                     "curl",
	                     "-H",
	                     "X-Auth-Token:",
	                     "gAAAA",
	                     "-H",
	                     "X-Auth-Token: gAAAB tail",
	                     "http://x/"};
	out = redact_argv(cli, sizeof(cli) / sizeof(cli[0]));
	assert_string_equal(out, "openstack --os-password <redacted> --os-cloud prod "
	                         "OS_PASSWORD=<redacted> curl -H X-Auth-Token: <redacted> "
	                         "-H X-Auth-Token: <redacted> http://x/");
	assert_null(strstr(out, "spaces"));
	assert_null(strstr(out, "pass word"));
	free(out);

	out = redact_argv(NULL, 0);
	assert_string_equal(out, "");
	free(out);
	const char *with_null[] = {"a", NULL, "b"};
	out = redact_argv(with_null, 3);
	assert_string_equal(out, "a  b");
	free(out);
}

static void expect_sanitize(const char *in, const char *want)
{
	char *got = sanitize_terminal(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_sanitize_terminal(void **state)
{
	expect_sanitize("plain text 123", "plain text 123");
	expect_sanitize("\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m");
	expect_sanitize("\x1b]0;title\x07", "\\e]0;title\\x07");
	expect_sanitize("a\tb\nc\rd", "a\\tb\\nc\\rd");
	expect_sanitize("\x01\x08\x7f", "\\x01\\x08\\x7f");
	expect_sanitize("raw C1 \x9b"
	                "31m",
	                "raw C1 \\x9b31m");
	expect_sanitize("utf-8 C1 \xc2\x9b"
	                "31m",
	                "utf-8 C1 \\xc2\\x9b31m");
	expect_sanitize("Z\xc3\xbcrich \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	                "Z\xc3\xbcrich \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80");
	expect_sanitize("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
	expect_sanitize("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* overlong, 3 bytes */
	expect_sanitize("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* UTF-16 surrogate */
	expect_sanitize("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
	expect_sanitize("\xf5\x80", "\\xf5\\x80");
	expect_sanitize("\x80"
	                "a",
	                "\\x80a");                         /* lone continuation */
	expect_sanitize("end \xe2\x82", "end \\xe2\\x82"); /* truncated at the end */
	expect_sanitize("\xe2\x82z", "\\xe2\\x82z");       /* truncated mid-text */
	expect_sanitize("abc\xe2\x80\xae"
	                "cba",
	                "abc\\u202ecba"); /* bidi override */
	expect_sanitize("back\\slash", "back\\slash");
	expect_sanitize("", "");
	assert_null(sanitize_terminal(NULL));
}

/* s is valid UTF-8 without C0/C1 controls or DEL (what a terminal may act on). */
static void assert_terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp = 0, n = 1;
		if (*p < 0x80)
			cp = *p, n = 1;
		else if ((*p & 0xe0) == 0xc0)
			cp = *p & 0x1f, n = 2;
		else if ((*p & 0xf0) == 0xe0)
			cp = *p & 0x0f, n = 3;
		else if ((*p & 0xf8) == 0xf0)
			cp = *p & 0x07, n = 4;
		else
			fail_msg("invalid UTF-8 lead byte 0x%02x", *p);
		for (unsigned i = 1; i < n; i++) {
			assert_true((p[i] & 0xc0) == 0x80);
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		assert_false(cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f));
		p += n;
	}
}

/* Every single byte value, alone: the output is printable ASCII or valid UTF-8. */
static void test_sanitize_all_bytes(void **state)
{
	for (int c = 1; c < 256; c++) {
		char in[2] = {(char)c, 0};
		char *out = sanitize_terminal(in);
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		if (c >= 0x20 && c < 0x7f)
			assert_string_equal(out, in);
		free(out);
	}
}

/* Random text over the characters the scanners care about: nothing crashes
 * (ASan build), a planted key never survives, and sanitize output is printable. */
static void test_random_inputs(void **state)
{
	static const char alphabet[] =
	    "\"'\\:=,;{}[]&?-_. \t\nAQkeydatsecrpwoinh/+=\x1b\x9b\xc3\xa9";
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	char in[256 + sizeof(CEPHX) + 8];

	for (int round = 0; round < 20000; round++) {
		size_t len = 0, n;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (size_t)(x % 256);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			in[len++] = alphabet[x % (sizeof(alphabet) - 1)];
		}
		in[len] = '\0';
		if (round % 2) /* a real key, at a base64 boundary */
			snprintf(in + len, sizeof(in) - len, " %s ", CEPHX);
		char *out = redact_text(in), *safe = sanitize_terminal(in);
		assert_non_null(out);
		if (round % 2)
			assert_null(strstr(out, CEPHX));
		assert_terminal_safe(safe);
		free(out);
		free(safe);
	}
}

/* Megabyte arguments of repeated names stay linear (a quadratic scan would take
 * minutes here), and the long-context fallbacks still hide the values. */
static void test_large_hostile_input(void **state)
{
	static const char *const unit[] = {"data=S3cr3t,", "\"password: S3cr3t ",
	                                   "{\"qom-type\":\"secret\",\"data\":\"S3cr3t\","};
	size_t size = 1 << 20;
	char *in = xmalloc(size + 64);

	for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
		size_t len = 0, ul = strlen(unit[u]);
		memcpy(in, "secret,", 7);
		len = 7;
		while (len + ul < size) {
			memcpy(in + len, unit[u], ul);
			len += ul;
		}
		in[len] = '\0';
		int64_t t0 = clock_ms();
		char *out = redact_text(in);
		assert_true(clock_ms() - t0 < 20000); /* valgrind-safe; quadratic takes minutes */
		assert_null(strstr(out, "S3cr3t"));
		free(out);
	}
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qemu_drive),
	    cmocka_unit_test(test_qemu_blockdev_and_secret_objects),
	    cmocka_unit_test(test_password_token_forms),
	    cmocka_unit_test(test_cephx_anywhere),
	    cmocka_unit_test(test_non_secrets_kept),
	    cmocka_unit_test(test_planted_secrets_never_survive),
	    cmocka_unit_test(test_redact_argv),
	    cmocka_unit_test(test_sanitize_terminal),
	    cmocka_unit_test(test_sanitize_all_bytes),
	    cmocka_unit_test(test_random_inputs),
	    cmocka_unit_test(test_large_hostile_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
