/* ceph_admin.h — the cluster-changing half of the Ceph backend: the OSD
 * blocklist (add with expiry, rm, ls) through the monitor command API — the
 * JSON commands `ceph osd blocklist …` sends, never the ceph CLI — and the OSD
 * map epoch that carries a change, with a bounded wait until the OSDs have it.
 * Errors keep their meaning: -EACCES when the cephx user lacks the caps. */
#ifndef RBDWHO_CEPH_ADMIN_H
#define RBDWHO_CEPH_ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include "rbdwho/ceph.h"
#include "rbdwho/error.h"

struct ceph_blocklist_entry {
	char *addr;   /* as Ceph lists it: "127.0.0.1:0/1121431068" */
	char *until;  /* as Ceph prints the expiry: "2026-12-03T17:02:11.123456+0000" */
};

/* `osd blocklist add ADDR EXPIRE` (expire_s > 0). *epoch (may be NULL): the
 * OSD map epoch read right after the monitors committed it (0 when that read
 * failed; the entry is in place all the same). -EACCES "… needs mon caps for
 * `osd blocklist` (e.g. mon 'profile rbd' or 'allow *')" when refused. */
int ceph_blocklist_add(struct ceph_conn *c, const char *addr, unsigned expire_s,
		       uint64_t *epoch, struct rw_error *err);
/* `osd blocklist rm ADDR`; *epoch as for add. */
int ceph_blocklist_rm(struct ceph_conn *c, const char *addr, uint64_t *epoch,
		      struct rw_error *err);
/* `osd blocklist ls`: every entry, malloc'd array. */
int ceph_blocklist_ls(struct ceph_conn *c, struct ceph_blocklist_entry **out, size_t *n,
		      struct rw_error *err);
void ceph_blocklist_free(struct ceph_blocklist_entry *v, size_t n);

/* Parses the JSON `osd blocklist ls` answers ([{"addr":…,"until":…}, …]);
 * entries without an addr are skipped. -EPROTO when it is not an array. Pure. */
int ceph_parse_blocklist(const char *json, size_t len, struct ceph_blocklist_entry **out,
			 size_t *n);

/* The current OSD map epoch (`osd dump`). */
int ceph_osdmap_epoch(struct ceph_conn *c, uint64_t *epoch, struct rw_error *err);

/* Waits until every up OSD reports (its `status`: newest_map) epoch or newer,
 * polling until timeout_ms. 0 when they all do; -ETIMEDOUT naming the OSDs
 * that did not; another code when the OSDs could not be asked (a user
 * without osd caps cannot). */
int ceph_wait_osds_epoch(struct ceph_conn *c, uint64_t epoch, int timeout_ms,
			 struct rw_error *err);

#endif
