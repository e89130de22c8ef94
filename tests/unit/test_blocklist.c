/* test_blocklist.c — the pure parts of the blocklist: durations, the address
 * as Ceph prints it, the gate, the checks, the manual commands and Ceph's
 * `osd blocklist ls` answer; then the refusals that need no cluster (a chain
 * without Ceph), each leaving one audit record. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_chain.h"
#include <json-c/json.h>

#include "rbdwho/blocklist.h"
#include "rbdwho/ceph_admin.h"
#include "rbdwho/config.h"
#include "rbdwho/util.h"

static char tmpdir[] = "/tmp/rbdwho-test-blocklist.XXXXXX";
static char *audit_path;
static struct config cfg;
static struct chain *ch;

static void test_duration(void **state)
{
	static const struct {
		const char *text;
		unsigned want;
	} ok[] = {{"3600", 3600}, {"1", 1},      {"30s", 30},  {"30m", 1800},
	          {"2h", 7200},   {"1d", 86400}, {"30d", 2592000}};
	static const char *const bad[] = {"", "0", "0m", "-5", "5x", "1.5h", "h", " 5",
	                                  "5 m", "31d", "99999999999999999999", "2hh"};
	struct rw_error err = {0};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		unsigned s = 0;
		assert_int_equal(blocklist_parse_duration(ok[i].text, &s, &err), 0);
		assert_int_equal(s, ok[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned s = 7;
		assert_int_equal(blocklist_parse_duration(bad[i], &s, &err), -EINVAL);
		assert_int_equal(s, 7);
		assert_non_null(strstr(err.msg, "not a duration"));
	}
	assert_int_equal(blocklist_parse_duration(NULL, &(unsigned){0}, &err), -EINVAL);
}

static void test_normalize(void **state)
{
	static const struct {
		const char *text, *want;
	} ok[] = {
	    {"127.0.0.1:0/1121431068", "127.0.0.1:0/1121431068"},
	    {"v1:10.0.0.5:0/3710147553", "10.0.0.5:0/3710147553"},
	    {"v2:10.0.0.5:0/3710147553", "10.0.0.5:0/3710147553"},
	    {"[v2:10.0.0.1:0/7,v1:10.0.0.1:0/7]", "10.0.0.1:0/7"},
	    {"[::1]:0/123", "[::1]:0/123"},
	    {"v2:[fe80::0001]:6800/5", "[fe80::1]:6800/5"},
	};
	static const char *const bad[] = {"", "10.0.0.5", "10.0.0.5:0/0", "host:0/5",
	                                  "10.0.0.5:0/5 ", "300.0.0.1:0/5"};
	struct rw_error err = {0};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char *out = NULL;
		assert_int_equal(blocklist_normalize_address(ok[i].text, &out, &err), 0);
		assert_string_equal(out, ok[i].want);
		free(out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *out = NULL;
		assert_int_equal(blocklist_normalize_address(bad[i], &out, &err), -EINVAL);
		assert_null(out);
	}
	char *out = NULL;
	assert_int_equal(blocklist_normalize_address("10.0.0.5:0/0", &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "every client of 10.0.0.5"));
}

static struct blocklist_watch watch(const char *image, enum verdict v, bool not_checked)
{
	struct blocklist_watch w;
	memset(&w, 0, sizeof w);
	w.pool = (char *)"volumes";
	w.image = (char *)image;
	w.verdict = v;
	w.not_checked = not_checked;
	w.reason = (char *)verdict_name(v);
	return w;
}

static void expect_gate(const struct blocklist_watch *w, size_t n, enum blocklist_gate want,
                        const char *reason_part)
{
	char *reason = NULL;
	assert_int_equal(blocklist_judge(w, n, &reason), want);
	assert_non_null(strstr(reason, reason_part));
	free(reason);
}

static void test_gate(void **state)
{
	struct blocklist_watch w[3];
	memset(w, 0, sizeof w);
	expect_gate(w, 0, BL_GATE_NO_WATCH, "watches no image");
	w[0] = watch("a", VERDICT_DEAD_CLIENT, false);
	expect_gate(w, 1, BL_GATE_DEAD, "volumes/a");
	w[1] = watch("b", VERDICT_UNKNOWN, true);
	expect_gate(w, 2, BL_GATE_UNREACHABLE, "volumes/b");
	w[2] = watch("c", VERDICT_ORPHAN, false);
	expect_gate(w, 3, BL_GATE_ORPHAN, "volumes/c");
	/* one doubtful or attached watch refuses the whole client */
	w[1] = watch("b", VERDICT_UNKNOWN, false);
	expect_gate(w, 3, BL_GATE_UNKNOWN, "volumes/b");
	w[0] = watch("a", VERDICT_ATTACHED, false);
	expect_gate(w, 3, BL_GATE_ATTACHED, "volumes/a");
	assert_true(blocklist_gate_allows(BL_GATE_DEAD));
	assert_true(blocklist_gate_allows(BL_GATE_UNREACHABLE));
	assert_true(blocklist_gate_allows(BL_GATE_ORPHAN));
	assert_false(blocklist_gate_allows(BL_GATE_ATTACHED));
	assert_false(blocklist_gate_allows(BL_GATE_UNKNOWN));
	assert_false(blocklist_gate_allows(BL_GATE_NO_WATCH));
	assert_string_equal(blocklist_gate_name(BL_GATE_UNREACHABLE), "unreachable");
}

static void test_check(void **state)
{
	struct blocklist_plan p;
	memset(&p, 0, sizeof p);
	p.address = (char *)"10.0.0.5:0/77";
	p.gate = BL_GATE_DEAD;
	p.reason = (char *)"dead client";
	struct rw_error err = {0};
	struct remedy_checks c = {.confirmation = "10.0.0.5:0/77"};
	assert_int_equal(blocklist_check(&p, &c, &err), 0);
	c.read_only = true;
	assert_int_equal(blocklist_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "read-only"));
	c.read_only = false;
	c.confirmation = "10.0.0.5:0/7";
	assert_int_equal(blocklist_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "does not match"));
	c.confirmation = NULL;
	assert_int_equal(blocklist_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "not confirmed"));
	c.confirmation = "10.0.0.5:0/77";
	p.gate = BL_GATE_ATTACHED;
	assert_int_equal(blocklist_check(&p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "--force overrides"));
	c.force = true;
	assert_int_equal(blocklist_check(&p, &c, &err), 0);
	p.gate = BL_GATE_NO_WATCH; /* --force cannot make a watch to fence */
	assert_int_equal(blocklist_check(&p, &c, &err), -EPERM);
	/* no watch seen, but a pool could not be looked at: a failure to know */
	strvec_push(&p.pool_errors, "backups: timed out");
	assert_int_equal(blocklist_check(&p, &c, &err), -EIO);
	assert_non_null(strstr(err.msg, "backups: timed out"));
	strvec_free(&p.pool_errors);
}

static void test_manual(void **state)
{
	struct blocklist_plan p;
	memset(&p, 0, sizeof p);
	p.address = (char *)"127.0.0.1:0/1121431068";
	p.expire_s = 3600;
	char *cmd = blocklist_manual_command(&p);
	assert_string_equal(cmd, "ceph osd blocklist add 127.0.0.1:0/1121431068 3600");
	free(cmd);
	cmd = blocklist_manual_rm_command(p.address);
	assert_string_equal(cmd, "ceph osd blocklist rm 127.0.0.1:0/1121431068");
	free(cmd);
}

static void test_parse_ls(void **state)
{
	/* Pacific's answer; later releases append the range blocklist as a second array */
	static const char pacific[] =
	    "[{\"addr\":\"127.0.0.1:0/2591455570\",\"until\":\"2026-12-03T16:51:13.353405+0000\"},"
	    "{\"until\":\"x\"},7]\n";
	static const char reef[] = "[{\"addr\":\"10.0.0.1:0/5\",\"until\":\"u\"}][]";
	struct ceph_blocklist_entry *v = NULL;
	size_t n = 0;
	assert_int_equal(ceph_parse_blocklist(pacific, sizeof pacific - 1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].addr, "127.0.0.1:0/2591455570");
	assert_string_equal(v[0].until, "2026-12-03T16:51:13.353405+0000");
	ceph_blocklist_free(v, n);
	assert_int_equal(ceph_parse_blocklist(reef, sizeof reef - 1, &v, &n), 0);
	assert_int_equal(n, 1);
	ceph_blocklist_free(v, n);
	assert_int_equal(ceph_parse_blocklist("{}", 2, &v, &n), -EPROTO);
	assert_int_equal(ceph_parse_blocklist("", 0, &v, &n), -EPROTO);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* The last audit record's field, malloc'd. */
static char *last_field(const char *key)
{
	FILE *f = fopen(audit_path, "r");
	char *line = NULL, *last = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		free(last);
		last = xstrdup(line);
	}
	free(line);
	if (f)
		fclose(f);
	struct json_object *o = last ? json_tokener_parse(last) : NULL, *v = NULL;
	char *out = o && json_object_object_get_ex(o, key, &v) && v
	                ? xstrdup(json_object_get_string(v))
	                : NULL;
	json_object_put(o);
	free(last);
	return out;
}

static void expect_audit(const char *key, const char *want)
{
	char *got = last_field(key);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Every refusal is audited, before any cluster is touched. */
static void test_execute_refusals(void **state)
{
	struct blocklist_plan p;
	memset(&p, 0, sizeof p);
	p.address = (char *)"10.0.0.5:0/77";
	p.expire_s = 3600;
	p.gate = BL_GATE_ATTACHED;
	p.reason = (char *)"Nova knows it";
	struct remedy_checks c = {.confirmation = "10.0.0.5:0/77"};
	struct rw_error err = {0};
	struct blocklist_result res = {0};
	assert_int_equal(blocklist_execute(ch, &p, &c, &res, &err), -EPERM);
	assert_non_null(strstr(err.msg, "refusing"));
	assert_int_equal(count_lines(audit_path), 1);
	expect_audit("action", "blocklist");
	expect_audit("outcome", "refused");
	expect_audit("target", "10.0.0.5:0/77");
	c.read_only = true;
	assert_int_equal(blocklist_execute(ch, &p, &c, &res, &err), -EPERM);
	assert_int_equal(count_lines(audit_path), 2);
	assert_int_equal(res.epoch, 0);
	/* the gate passes, but there is no cluster to re-check against: refused, not done */
	p.gate = BL_GATE_DEAD;
	c.read_only = false;
	assert_int_equal(blocklist_execute(ch, &p, &c, &res, &err), -EIO);
	assert_int_equal(count_lines(audit_path), 3);
	expect_audit("outcome", "refused");
	assert_false(res.watch_gone);
	/* the undo: read-only and a wrong address refused, audited as unblocklist */
	c.read_only = true;
	assert_int_equal(blocklist_remove(ch, "10.0.0.5:0/77", &c, &err), -EPERM);
	expect_audit("action", "unblocklist");
	expect_audit("outcome", "refused");
	c.read_only = false;
	c.confirmation = "10.0.0.5:0/7";
	assert_int_equal(blocklist_remove(ch, "10.0.0.5:0/77", &c, &err), -EPERM);
	assert_int_equal(count_lines(audit_path), 5);
	assert_int_equal(blocklist_remove(ch, "nonsense", &c, &err), -EINVAL);
	assert_int_equal(count_lines(audit_path), 5);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(tmpdir));
	audit_path = xasprintf("%s/log/audit.log", tmpdir);
	char *ini = xasprintf("[general]\naudit_log = %s\nsyslog = false\n", audit_path);
	ch = test_chain_new(&cfg, ini, 2000);
	free(ini);
	return 0;
}

static int teardown(void **state)
{
	int rc = test_chain_free(ch, &cfg, tmpdir);
	free(audit_path);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duration),  cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_gate),      cmocka_unit_test(test_check),
	    cmocka_unit_test(test_manual),    cmocka_unit_test(test_parse_ls),
	    cmocka_unit_test(test_execute_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
