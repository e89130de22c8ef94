/* test_lock.c — the lock judged against watchers and the blocklist (lock.c),
 * and unlock's pure checks (unlock_check): every refusal and the permitted
 * paths. The addresses, cookies and the blocklist answer are as a real
 * Pacific cluster gave them (`rbd lock ls`, `rbd status`, `osd blocklist ls`). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rbdwho/lock.h"
#include "rbdwho/unlock.h"

#define ADDR "127.0.0.1:0/1674723915"
#define HANDLE 140388589376608ULL
#define COOKIE "auto 140388589376608"

/* A lock of one locker; managed: librbd's exclusive-lock. */
static void one_locker(struct ceph_lock *l, bool managed, const char *entity, const char *cookie,
                       const char *addr)
{
	memset(l, 0, sizeof *l);
	l->exclusive = true;
	l->tag = xstrdup(managed ? "internal" : "");
	l->n = 1;
	l->lockers = xcalloc(1, sizeof *l->lockers);
	l->lockers[0] = (struct ceph_locker){xstrdup(entity), xstrdup(cookie), xstrdup(addr)};
}

static void test_cookie_handle(void **state)
{
	uint64_t h = 0;
	assert_true(lock_cookie_handle(COOKIE, &h));
	assert_int_equal(h, HANDLE);
	assert_false(lock_cookie_handle("auto ", &h));
	assert_false(lock_cookie_handle("auto 12x", &h));
	assert_false(lock_cookie_handle("mylock", &h));
	assert_false(lock_cookie_handle(NULL, &h));
}

static void test_judge(void **state)
{
	struct ceph_lock l;
	ssize_t owner = 7;
	struct lock_watcher ws[] = {
	    {"127.0.0.1:0/999", 4200, 1}, /* another client: a migration target */
	    {ADDR, 4130, HANDLE},         /* the lock's owner */
	};
	one_locker(&l, true, "client.4130", COOKIE, ADDR);
	assert_true(lock_is_managed(&l));
	assert_int_equal(lock_judge(&l, ws, 2, NULL, &owner), LOCK_HELD);
	assert_int_equal(owner, 1);
	/* The same address with another watch handle is not the owner (librbd's rule). */
	ws[1].cookie = HANDLE + 1;
	assert_int_equal(lock_judge(&l, ws, 2, NULL, &owner), LOCK_STALE);
	assert_int_equal(owner, -1);
	assert_int_equal(lock_judge(&l, ws, 0, NULL, &owner), LOCK_STALE);
	/* Blocklisted: exact address, or the whole IP; a watch that still shows does not count. */
	ws[1].cookie = HANDLE;
	struct strvec bl = {0};
	strvec_push(&bl, "127.0.0.1:0/1");
	assert_int_equal(lock_judge(&l, ws, 2, &bl, &owner), LOCK_HELD);
	strvec_push(&bl, ADDR);
	assert_int_equal(lock_judge(&l, ws, 2, &bl, &owner), LOCK_BLOCKLISTED);
	strvec_free(&bl);
	strvec_push(&bl, "127.0.0.1:0/0");
	assert_true(lock_addr_blocklisted(&bl, ADDR));
	assert_false(lock_addr_blocklisted(&bl, "127.0.0.2:0/5"));
	strvec_free(&bl);
	ceph_lock_clear(&l);
	/* An advisory lock: a watcher by address and client id, else "advisory", never stale. */
	one_locker(&l, false, "client.4200", "mylock", "127.0.0.1:0/999");
	assert_false(lock_is_managed(&l));
	assert_int_equal(lock_judge(&l, ws, 2, NULL, &owner), LOCK_HELD);
	assert_int_equal(owner, 0);
	assert_int_equal(lock_judge(&l, ws + 1, 1, NULL, &owner), LOCK_ADVISORY);
	ceph_lock_clear(&l);
	memset(&l, 0, sizeof l);
	assert_int_equal(lock_judge(&l, ws, 2, NULL, &owner), LOCK_NONE);
	assert_string_equal(lock_state_name(LOCK_STALE), "stale");
}

static void test_manual_command(void **state)
{
	struct ceph_lock l;
	one_locker(&l, false, "client.4200", "it's mine", "127.0.0.1:0/999");
	char *cmd = lock_manual_command("volumes", "img", &l.lockers[0]);
	assert_string_equal(cmd, "rbd lock rm 'volumes/img' 'it'\\''s mine' 'client.4200'");
	free(cmd);
	ceph_lock_clear(&l);
}

/* A plan as unlock_prepare leaves it, without a cluster. */
static void plan_make(struct unlock_plan *p, bool managed, enum lock_state st)
{
	memset(p, 0, sizeof *p);
	p->pool = xstrdup("volumes");
	p->image = xstrdup("img");
	one_locker(&p->lock.raw, managed, "client.4130", managed ? COOKIE : "mylock", ADDR);
	p->lock.managed = managed;
	p->lock.state = st;
	p->lock.owner = st == LOCK_HELD ? 0 : -1;
}

static int check(const struct unlock_plan *p, bool ro, bool force, const char *typed,
                 const struct unlock_plan *fresh, char *msg)
{
	struct remedy_checks c = {.read_only = ro, .force = force, .confirmation = typed};
	struct rw_error e = {0};
	int rc = unlock_check(p, &c, fresh, &e);
	strcpy(msg, e.msg);
	return rc;
}

static void test_unlock_gate(void **state)
{
	struct unlock_plan p;
	char msg[512];
	plan_make(&p, true, LOCK_STALE);
	assert_int_equal(check(&p, false, false, "volumes/img", NULL, msg), 0);
	assert_int_equal(check(&p, true, false, "volumes/img", NULL, msg), -EPERM);
	assert_non_null(strstr(msg, "read-only"));
	assert_int_equal(check(&p, false, false, "volumes/im", NULL, msg), -EPERM);
	assert_non_null(strstr(msg, "does not match"));
	assert_int_equal(check(&p, false, false, NULL, NULL, msg), -EPERM);
	assert_non_null(strstr(msg, "not confirmed"));
	p.lock.state = LOCK_BLOCKLISTED;
	assert_int_equal(check(&p, false, false, "volumes/img", NULL, msg), 0);
	/* A live owner: never, not even forced. */
	p.lock.state = LOCK_HELD;
	assert_int_equal(check(&p, false, true, "volumes/img", NULL, msg), -EPERM);
	assert_non_null(strstr(msg, "even with --force"));
	unlock_plan_clear(&p);
	/* Advisory: only forced. */
	plan_make(&p, false, LOCK_ADVISORY);
	assert_int_equal(check(&p, false, false, "volumes/img", NULL, msg), -EPERM);
	assert_non_null(strstr(msg, "--force overrides"));
	assert_int_equal(check(&p, false, true, "volumes/img", NULL, msg), 0);
	unlock_plan_clear(&p);
	/* No lock: not found (exit 3). */
	memset(&p, 0, sizeof p);
	p.pool = xstrdup("volumes");
	p.image = xstrdup("img");
	p.lock.state = LOCK_NONE;
	assert_int_equal(check(&p, false, false, "volumes/img", NULL, msg), -ENOENT);
	unlock_plan_clear(&p);
}

static void test_unlock_fresh(void **state)
{
	struct unlock_plan p, q;
	char msg[512];
	plan_make(&p, true, LOCK_STALE);
	plan_make(&q, true, LOCK_STALE);
	assert_int_equal(check(&p, false, false, "volumes/img", &q, msg), 0);
	/* The owner came back (a watch again): refused at the moment of acting. */
	q.lock.state = LOCK_HELD;
	assert_int_equal(check(&p, false, false, "volumes/img", &q, msg), -EPERM);
	unlock_plan_clear(&q);
	/* Another locker took it since the plan. */
	plan_make(&q, true, LOCK_STALE);
	free(q.lock.raw.lockers[0].cookie);
	q.lock.raw.lockers[0].cookie = xstrdup("auto 1");
	assert_int_equal(check(&p, false, false, "volumes/img", &q, msg), -EPERM);
	assert_non_null(strstr(msg, "changed hands"));
	unlock_plan_clear(&q);
	/* Gone since the plan. */
	memset(&q, 0, sizeof q);
	q.lock.state = LOCK_NONE;
	assert_int_equal(check(&p, false, false, "volumes/img", &q, msg), -EPERM);
	assert_non_null(strstr(msg, "gone"));
	unlock_plan_clear(&q);
	unlock_plan_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cookie_handle),  cmocka_unit_test(test_judge),
	    cmocka_unit_test(test_manual_command),
	    cmocka_unit_test(test_unlock_gate),    cmocka_unit_test(test_unlock_fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
