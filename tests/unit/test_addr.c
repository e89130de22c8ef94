/* test_addr.c — watcher addresses as Ceph prints them parse into IP, family, port,
 * nonce and protocol; anything Ceph would not print is refused with -EINVAL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "rbdwho/error.h"
#include "rbdwho/parse_addr.h"

struct good_case {
	const char *text, *ip;
	int family;
	unsigned port;
	uint32_t nonce;
	const char *proto;
};

static const struct good_case good[] = {
    /* `rbd status` on the sandbox, and a production watcher */
    {"127.0.0.1:0/1121431068", "127.0.0.1", AF_INET, 0, 1121431068u, ""},
    {"10.10.104.191:0/47647874", "10.10.104.191", AF_INET, 0, 47647874u, ""},
    {"v2:10.0.0.1:0/123", "10.0.0.1", AF_INET, 0, 123, "v2"},
    {"v1:10.0.0.1:6801/7", "10.0.0.1", AF_INET, 6801, 7, "v1"},
    {"any:10.0.0.2:0/9", "10.0.0.2", AF_INET, 0, 9, ""},
    {"[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]", "10.0.0.1", AF_INET, 3300, 0, "v2"},
    {"[v1:10.0.0.3:6789/5,v2:10.0.0.3:3300/5]", "10.0.0.3", AF_INET, 6789, 5, "v1"},
    {"[v2:10.0.0.4:3300/1]", "10.0.0.4", AF_INET, 3300, 1, "v2"},
    {"0.0.0.0:0/0", "0.0.0.0", AF_INET, 0, 0, ""},
    {"255.255.255.255:65535/4294967295", "255.255.255.255", AF_INET, 65535, 4294967295u, ""},
    {"[::1]:0/123", "::1", AF_INET6, 0, 123, ""},
    {"v2:[fe80::1]:0/5", "fe80::1", AF_INET6, 0, 5, "v2"},
    {"[FE80:0:0:0:0:0:0:1]:6800/77", "fe80::1", AF_INET6, 6800, 77, ""},
    {"[fe80::1%eth0]:0/3", "fe80::1", AF_INET6, 0, 3, ""},
    {"[v2:[2001:db8::5]:3300/0,v1:[2001:db8::5]:6789/0]", "2001:db8::5", AF_INET6, 3300, 0, "v2"},
    {"[::ffff:10.0.0.9]:0/1", "::ffff:10.0.0.9", AF_INET6, 0, 1, ""},
    {"10.0.0.1:00080/0007", "10.0.0.1", AF_INET, 80, 7, ""},
};

static const char *const bad[] = {
    "",                                /* empty */
    "10.0.0.1:0",                      /* no '/' */
    "10.0.0.1",                        /* no port, no nonce */
    "10.0.0.1:0/",                     /* empty nonce */
    "10.0.0.1:0/abc",                  /* non-numeric nonce */
    "10.0.0.1:0/-1",                   /* signed nonce */
    "10.0.0.1:0/4294967296",           /* nonce > 2^32-1 */
    "10.0.0.1:0/12345678901234567890", /* nonce digits overflow */
    "10.0.0.1:65536/1",                /* port > 65535 */
    "10.0.0.1:123456/1",               /* port digits */
    "10.0.0.1:/1",                     /* empty port */
    "10.0.0.1:+1/1",                   /* signed port */
    "256.0.0.1:0/1",                   /* bad octet */
    "10.0.0:0/1",                      /* three octets */
    "010.0.0.1:0/1",                   /* leading zero octet */
    "host.example:0/1",                /* not numeric */
    ":0/1",                            /* no IP */
    "::1:0/1",                         /* IPv6 without brackets */
    "[::1:0/1",                        /* unclosed bracket */
    "[::1]0/1",                        /* no ':' after ']' */
    "[10.0.0.1]:0/1",                  /* IPv4 in brackets */
    "[zz::1]:0/1",                     /* bad IPv6 */
    "[]",                              /* empty vector */
    "[v2:10.0.0.1:3300/0,]",           /* trailing comma */
    "[,v2:10.0.0.1:3300/0]",           /* leading comma */
    "[v2:10.0.0.1:3300/0,garbage]",    /* bad second entry */
    "[[v2:10.0.0.1:3300/0]]",          /* nested vector */
    "v3:10.0.0.1:0/1",                 /* unknown protocol */
    "V2:10.0.0.1:0/1",                 /* protocol is lower case */
    "v2:v1:10.0.0.1:0/1",              /* two prefixes */
    " 10.0.0.1:0/1",                   /* leading space */
    "10.0.0.1:0/1 ",                   /* trailing space */
    "10.0.0.1:0/1 client.4135",        /* the rest of an `rbd status` line */
    "10.0.0.1:0/1\n",                  /* newline */
    "10.0.0.1:0/1\x1b[31m",            /* terminal escape */
    "[fe80::1%]:0/1",                  /* empty zone */
    "[fe80::1%eth0/x]:0/1",            /* zone with '/' */
    "-",                               /* how Ceph prints "no address" */
};

static void test_good_forms(void **state)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct watcher_addr a;
		memset(&a, 0x5a, sizeof(a));
		int rc = parse_watcher_addr(good[i].text, &a);
		if (rc != 0)
			print_message("refused: %s\n", good[i].text);
		assert_int_equal(rc, 0);
		assert_string_equal(a.ip, good[i].ip);
		assert_int_equal(a.family, good[i].family);
		assert_int_equal(a.port, good[i].port);
		assert_int_equal(a.nonce, good[i].nonce);
		assert_string_equal(a.proto, good[i].proto);
	}
}

static void test_bad_forms(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct watcher_addr a = {.ip = "untouched", .port = 42};
		int rc = parse_watcher_addr(bad[i], &a);
		if (rc != -EINVAL)
			print_message("accepted bad input #%zu\n", i);
		assert_int_equal(rc, -EINVAL);
		/* a failed parse leaves the output alone */
		assert_string_equal(a.ip, "untouched");
		assert_int_equal(a.port, 42);
	}
}

static void test_null_and_overlong(void **state)
{
	struct watcher_addr a;
	char big[4096];

	assert_int_equal(parse_watcher_addr(NULL, &a), -EINVAL);
	assert_int_equal(parse_watcher_addr("10.0.0.1:0/1", NULL), -EINVAL);
	/* a huge address and a huge vector, each far past any buffer */
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse_watcher_addr(big, &a), -EINVAL);
	memcpy(big, "10.0.0.1:0/", 11);
	assert_int_equal(parse_watcher_addr(big, &a), -EINVAL);
	big[0] = '[';
	big[sizeof(big) - 2] = ']';
	assert_int_equal(parse_watcher_addr(big, &a), -EINVAL);
	/* a long zone id is refused rather than truncated */
	assert_int_equal(parse_watcher_addr("[fe80::1%abcdefghijklmnopq]:0/1", &a), -EINVAL);
}

/* Every prefix of a valid vector but the whole is invalid: no read past the end. */
static void test_truncations(void **state)
{
	const char *full = "[v2:[2001:db8::5]:3300/0,v1:[2001:db8::5]:6789/0]";
	char part[64];
	struct watcher_addr a;

	for (size_t n = 0; n < strlen(full); n++) {
		snprintf(part, sizeof(part), "%.*s", (int)n, full);
		/* "[v2:[2001:db8::5]:3300/0" opens with '[' but is neither a vector nor
		 * a bracketed IPv6 entry: it fails like every other prefix. */
		assert_int_equal(parse_watcher_addr(part, &a), -EINVAL);
	}
	assert_int_equal(parse_watcher_addr(full, &a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_forms),
	    cmocka_unit_test(test_bad_forms),
	    cmocka_unit_test(test_null_and_overlong),
	    cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
