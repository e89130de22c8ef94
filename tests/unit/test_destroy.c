/* test_destroy.c — destroy's refusals and its one permitted path: the pure
 * checks (read-only, verdict, confirmation, the re-read domain unchanged), then
 * prepare + execute against libvirt's test driver with a chain that has neither
 * Ceph nor OpenStack (so Nova is not asked: UNKNOWN, refused without --force),
 * each attempt checked in the audit log. */
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

#include "rbdwho/chain.h"
#include "rbdwho/config.h"
#include "rbdwho/destroy.h"
#include "rbdwho/util.h"
#include "rbdwho/virt.h"

#define UUID_A "e6a96e04-733d-4b5a-9b1e-4c2f7a1d0b11"
#define UUID_B "0b2c4e1a-1111-4222-8333-944455566677"
#define VOL_A "volumes/volume-9cd1ee91-6f5b-4b0e-8d2a-3c4b5a6d7e8f"
#define VOL_B "vms/" UUID_A "_disk"

static const char node_xml[] =
    "<node>\n"
    "<domain type='test'>\n"
    "  <name>instance-0002f5c4</name><uuid>" UUID_A "</uuid>\n"
    "  <memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='network' device='disk'>\n"
    "      <source protocol='rbd' name='" VOL_A "'><host name='127.0.0.1'/></source>\n"
    "      <target dev='vda' bus='virtio'/></disk>\n"
    "    <disk type='network' device='disk'>\n"
    "      <source protocol='rbd' name='" VOL_B "'><host name='127.0.0.1'/></source>\n"
    "      <target dev='vdb' bus='virtio'/></disk>\n"
    "  </devices>\n"
    "</domain>\n"
    "<domain type='test'>\n"
    "  <name>plain-vm</name><uuid>" UUID_B "</uuid>\n"
    "  <memory>65536</memory><os><type arch='x86_64'>hvm</type></os>\n"
    "</domain>\n"
    "</node>\n";

static char tmpdir[] = "/tmp/rbdwho-test-destroy.XXXXXX";
static char *node_path, *audit_path;
static struct config cfg;
static struct chain *ch;

/* ---- fixtures ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(tmpdir));
	node_path = xasprintf("%s/node.xml", tmpdir);
	audit_path = xasprintf("%s/log/audit.log", tmpdir);
	write_file(node_path, node_xml);
	char *ini = xasprintf("[libvirt]\nlocal_uri = test://%s\n[general]\naudit_log = %s\n"
	                      "syslog = false\n",
	                      node_path, audit_path);
	ch = test_chain_new(&cfg, ini, 10000);
	free(ini);
	return 0;
}

static int teardown(void **state)
{
	int rc = test_chain_free(ch, &cfg, tmpdir);
	free(node_path);
	free(audit_path);
	return rc;
}

/* The last record in the audit log, parsed; the caller puts it. */
static struct json_object *last_record(int *nlines)
{
	FILE *f = fopen(audit_path, "r");
	assert_non_null(f);
	char line[8192], last[8192] = "";
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		snprintf(last, sizeof last, "%s", line);
		n++;
	}
	fclose(f);
	if (nlines)
		*nlines = n;
	struct json_object *o = json_tokener_parse(last);
	assert_non_null(o);
	return o;
}

static const char *rec(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	assert_true(json_object_object_get_ex(o, key, &v));
	return v ? json_object_get_string(v) : NULL;
}

/* A plan as destroy_prepare would make it for the domain above, Nova having said 404. */
static void orphan_plan(struct destroy_plan *p)
{
	memset(p, 0, sizeof *p);
	p->host = xstrdup("localhost");
	p->uri = xasprintf("test://%s", node_path);
	p->name = xstrdup("instance-0002f5c4");
	p->uuid = xstrdup(UUID_A);
	p->state = xstrdup("running");
	strvec_push(&p->volumes, VOL_A);
	strvec_push(&p->volumes, VOL_B);
	p->nova.state = NOVA_GONE;
	p->verdict = VERDICT_ORPHAN;
	p->reason = xstrdup("Nova answered 404");
}

static void fresh_domain(struct virt_domain *d, const char *name, const char *uuid)
{
	memset(d, 0, sizeof *d);
	d->xml.name = xstrdup(name);
	d->xml.uuid = xstrdup(uuid);
	d->state = xstrdup("running");
	d->active = 1;
	d->id = 1;
}

static void fresh_add_disk(struct virt_domain *d, const char *spec)
{
	struct rbd_ref r;
	assert_int_equal(rbd_ref_parse_spec(spec, &r), 0);
	rbd_refs_push(&d->xml.disks, &r);
}

/* ---- the pure checks ---- */

static void test_check_read_only_refuses_all(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.read_only = true, .force = true, .confirmation = p.name};
	struct rw_error err = {0};
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "read-only"));
	destroy_plan_clear(&p);
}

static void test_check_verdict_needs_force(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	p.verdict = VERDICT_ATTACHED;
	free(p.reason);
	p.reason = xstrdup("Nova knows instance " UUID_A " (web-01, ACTIVE)");
	struct destroy_checks c = {.confirmation = p.name};
	struct rw_error err = {0};
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "verdict is ATTACHED: Nova knows instance"));
	assert_non_null(strstr(err.msg, "--force overrides"));
	p.verdict = VERDICT_UNKNOWN;
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "verdict is UNKNOWN"));
	c.force = true;
	assert_int_equal(destroy_check(&p, &c, NULL, &err), 0);
	destroy_plan_clear(&p);
}

static void test_check_confirmation(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.confirmation = "instance-0002f5c"};
	struct rw_error err = {0};
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "does not match"));
	c.confirmation = "";
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	c.confirmation = UUID_A; /* the UUID is not the name */
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	c.confirmation = NULL;
	assert_int_equal(destroy_check(&p, &c, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "not confirmed"));
	c.confirmation = "instance-0002f5c4";
	assert_int_equal(destroy_check(&p, &c, NULL, &err), 0);
	destroy_plan_clear(&p);
}

static void test_check_fresh_domain(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.confirmation = p.name};
	struct rw_error err = {0};
	struct virt_domain d;

	fresh_domain(&d, "instance-0002f5c4", UUID_A);
	fresh_add_disk(&d, VOL_B); /* same set, other order */
	fresh_add_disk(&d, VOL_A);
	assert_int_equal(destroy_check(&p, &c, &d, &err), 0);
	fresh_add_disk(&d, "volumes/volume-new");
	assert_int_equal(destroy_check(&p, &c, &d, &err), -EPERM);
	assert_non_null(strstr(err.msg, "no longer holds the same RBD images"));
	assert_non_null(strstr(err.msg, "new: volumes/volume-new"));
	virt_domain_clear(&d);

	fresh_domain(&d, "instance-0002f5c4", UUID_A);
	fresh_add_disk(&d, VOL_A);
	assert_int_equal(destroy_check(&p, &c, &d, &err), -EPERM);
	assert_non_null(strstr(err.msg, "no longer: " VOL_B));
	fresh_add_disk(&d, VOL_B); /* the same domain, now complete but shut off */
	d.active = 0;
	free(d.state);
	d.state = xstrdup("shut off");
	assert_int_equal(destroy_check(&p, &c, &d, &err), -EPERM);
	assert_non_null(strstr(err.msg, "is shut off: nothing to destroy"));
	virt_domain_clear(&d);

	fresh_domain(&d, "instance-renamed", UUID_A);
	fresh_add_disk(&d, VOL_A);
	fresh_add_disk(&d, VOL_B);
	assert_int_equal(destroy_check(&p, &c, &d, &err), -EPERM);
	assert_non_null(strstr(err.msg, "renamed"));
	virt_domain_clear(&d);

	fresh_domain(&d, "instance-0002f5c4", UUID_B);
	assert_int_equal(destroy_check(&p, &c, &d, &err), -EPERM);
	assert_non_null(strstr(err.msg, "UUID changed"));
	virt_domain_clear(&d);
	destroy_plan_clear(&p);
}

/* ---- prepare and execute through the test driver ---- */

static void test_host_uri(void **state)
{
	char *expect = xasprintf("test://%s", node_path);
	char *u = destroy_host_uri(ch, "localhost");
	assert_string_equal(u, expect);
	free(u);
	u = destroy_host_uri(ch, chain_local_host(ch));
	assert_string_equal(u, expect);
	free(u);
	u = destroy_host_uri(ch, "compute-9");
	assert_string_equal(u, "qemu+ssh://compute-9/system");
	free(u);
	free(expect);
}

static void test_prepare_fills_plan(void **state)
{
	struct destroy_plan p;
	struct rw_error err = {0};
	assert_int_equal(destroy_prepare(ch, "instance-0002f5c4", "localhost", &p, &err), 0);
	assert_string_equal(p.name, "instance-0002f5c4");
	assert_string_equal(p.uuid, UUID_A);
	assert_string_equal(p.state, "running");
	assert_string_equal(p.host, "localhost");
	assert_int_equal(p.volumes.n, 2);
	assert_true(strvec_contains(&p.volumes, VOL_A));
	assert_true(strvec_contains(&p.volumes, VOL_B));
	/* No OpenStack: Nova not asked, and that is never an ORPHAN. */
	assert_int_equal(p.nova.state, NOVA_NOT_ASKED);
	assert_int_equal(p.verdict, VERDICT_UNKNOWN);
	assert_non_null(strstr(p.reason, "Nova not asked"));
	destroy_plan_clear(&p);

	/* By UUID, in either case. */
	assert_int_equal(
	    destroy_prepare(ch, "0B2C4E1A-1111-4222-8333-944455566677", "localhost", &p, &err), 0);
	assert_string_equal(p.name, "plain-vm");
	assert_int_equal(p.volumes.n, 0);
	destroy_plan_clear(&p);
}

static void test_prepare_not_found(void **state)
{
	struct destroy_plan p;
	struct rw_error err = {0};
	assert_int_equal(destroy_prepare(ch, "instance-nope", "localhost", &p, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "instance-nope"));
	destroy_plan_clear(&p);
	assert_int_equal(destroy_prepare(ch, "", "localhost", &p, &err), -EINVAL);
	destroy_plan_clear(&p);
	assert_int_equal(destroy_prepare(ch, "x", NULL, &p, &err), -EINVAL);
	destroy_plan_clear(&p);
}

/* UNKNOWN (no Nova) without --force: refused, and the refusal is audited. */
static void test_execute_unknown_refused(void **state)
{
	struct destroy_plan p;
	struct rw_error err = {0};
	assert_int_equal(destroy_prepare(ch, "instance-0002f5c4", "localhost", &p, &err), 0);
	struct destroy_checks c = {.confirmation = p.name};
	assert_int_equal(destroy_execute(ch, &p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "verdict is UNKNOWN"));
	struct json_object *r = last_record(NULL);
	assert_string_equal(rec(r, "outcome"), "refused");
	assert_string_equal(rec(r, "domain"), "instance-0002f5c4");
	assert_string_equal(rec(r, "uuid"), UUID_A);
	assert_string_equal(rec(r, "verdict"), "UNKNOWN");
	assert_non_null(strstr(rec(r, "nova"), "not asked"));
	assert_non_null(strstr(rec(r, "reason"), "--force overrides"));
	json_object_put(r);
	destroy_plan_clear(&p);
}

static void test_execute_orphan_destroyed(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.confirmation = "instance-0002f5c4"};
	struct rw_error err = {0};
	int before = 0, after = 0;
	json_object_put(last_record(&before));
	assert_int_equal(destroy_execute(ch, &p, &c, &err), 0);
	struct json_object *r = last_record(&after);
	assert_int_equal(after, before + 1);
	assert_string_equal(rec(r, "outcome"), "destroyed");
	assert_string_equal(rec(r, "verdict"), "ORPHAN");
	assert_string_equal(rec(r, "nova"), "404");
	assert_string_equal(rec(r, "host"), "localhost");
	struct json_object *v = NULL;
	assert_true(json_object_object_get_ex(r, "volumes", &v));
	assert_int_equal(json_object_array_length(v), 2);
	json_object_put(r);
	destroy_plan_clear(&p);
}

static void test_execute_force_and_refusals(void **state)
{
	struct destroy_plan p;
	struct rw_error err = {0};
	assert_int_equal(destroy_prepare(ch, "instance-0002f5c4", "localhost", &p, &err), 0);
	struct destroy_checks c = {.force = true, .confirmation = p.name};
	assert_int_equal(destroy_execute(ch, &p, &c, &err), 0);
	struct json_object *forced = last_record(NULL);
	assert_string_equal(rec(forced, "outcome"), "destroyed");
	assert_non_null(strstr(rec(forced, "reason"), "forced (--force) past verdict UNKNOWN"));
	json_object_put(forced);

	c.read_only = true;
	assert_int_equal(destroy_execute(ch, &p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "read-only"));
	c.read_only = false;
	c.confirmation = "instance-0002f5c5";
	assert_int_equal(destroy_execute(ch, &p, &c, &err), -EPERM);
	struct json_object *r = last_record(NULL);
	assert_string_equal(rec(r, "outcome"), "refused");
	assert_non_null(strstr(rec(r, "reason"), "does not match"));
	json_object_put(r);
	destroy_plan_clear(&p);
}

static void test_execute_vanished_and_changed(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.confirmation = p.name};
	struct rw_error err = {0};
	free(p.uuid);
	p.uuid = xstrdup("11111111-2222-4333-8444-555555555555");
	assert_int_equal(destroy_execute(ch, &p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "domain vanished"));
	destroy_plan_clear(&p);

	orphan_plan(&p);
	c.confirmation = p.name;
	strvec_push(&p.volumes, "volumes/volume-extra");
	assert_int_equal(destroy_execute(ch, &p, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "no longer holds the same RBD images"));
	struct json_object *r = last_record(NULL);
	assert_string_equal(rec(r, "outcome"), "refused");
	json_object_put(r);
	destroy_plan_clear(&p);
}

/* A log that cannot be written stops the destroy before libvirt is called. */
static void test_execute_unaudited_refused(void **state)
{
	struct destroy_plan p;
	orphan_plan(&p);
	struct destroy_checks c = {.confirmation = p.name};
	struct rw_error err = {0};
	char *blocker = xasprintf("%s/blocker", tmpdir);
	write_file(blocker, "a file where a directory should be\n");
	char *saved = cfg.audit_log;
	cfg.audit_log = xasprintf("%s/audit.log", blocker);
	int rc = destroy_execute(ch, &p, &c, &err);
	free(cfg.audit_log);
	cfg.audit_log = saved;
	assert_int_equal(rc, -EPERM);
	assert_non_null(strstr(err.msg, "unaudited"));
	assert_non_null(strstr(err.msg, "audit record failed"));
	free(blocker);
	destroy_plan_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_read_only_refuses_all),
	    cmocka_unit_test(test_check_verdict_needs_force),
	    cmocka_unit_test(test_check_confirmation),
	    cmocka_unit_test(test_check_fresh_domain),
	    cmocka_unit_test(test_host_uri),
	    cmocka_unit_test(test_prepare_fills_plan),
	    cmocka_unit_test(test_prepare_not_found),
	    cmocka_unit_test(test_execute_unknown_refused),
	    cmocka_unit_test(test_execute_orphan_destroyed),
	    cmocka_unit_test(test_execute_force_and_refusals),
	    cmocka_unit_test(test_execute_vanished_and_changed),
	    cmocka_unit_test(test_execute_unaudited_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
