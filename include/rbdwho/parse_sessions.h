/* parse_sessions.h — what the Ceph monitors say about their clients: the session
 * list (`ceph tell mon.X sessions`, JSON) gives, for each session, the client's
 * global id (the N of a watcher's client.N), its cephx user, its address and
 * nonce, and its own host name; the monitor map (`ceph mon dump`, JSON) names
 * the monitors to ask. Pure parsing, no I/O. */
#ifndef RBDWHO_PARSE_SESSIONS_H
#define RBDWHO_PARSE_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rbdwho/util.h"

struct mon_session {
	uint64_t global_id;   /* 0 for a monitor's own peers */
	uint64_t name_id;     /* the N of "name":"client.N", the client's messenger name,
				 which is what an OSD shows as a watcher's client.N; it
				 stays when a reconnected client is given a new global id
				 (a targeted `ceph tell` session shows it too); 0 if none */
	char *entity_name;    /* the cephx user: "client.cinder"; "" when none */
	char *addr;           /* first address of the vector: "10.0.0.5:0"; "" when none */
	uint32_t nonce;       /* the same nonce a watcher's address carries */
	char *remote_host;    /* the client's own host name; NULL when it sent none */
	bool reclaimed;       /* "global_id_status" reclaim_ok/reclaim_insecure: a
				 session re-made by a client that had one before (the
				 monitor restarted, or the client moved to another) */
};

struct mon_sessions {
	struct mon_session *v;
	size_t n, cap;
};

/* Appends the sessions of one monitor's answer to out (so that several
 * monitors' lists merge). Entries that are not objects, or lack a numeric
 * global_id, are skipped. -EPROTO when json is not a JSON array (out is then
 * unchanged). */
int parse_mon_sessions(const char *json, size_t len, struct mon_sessions *out);
void mon_sessions_free(struct mon_sessions *s);

/* The session of the client whose id and address nonce are these; NULL when
 * none. The id is the session's global id or the N of its name (one client's
 * sessions share the nonce and the name, not always the global id); the nonce
 * must match too: a global id alone could belong to a short-lived second
 * session of the same program (`ceph tell` opens one). */
const struct mon_session *mon_sessions_find(const struct mon_sessions *s, uint64_t global_id,
					    uint32_t nonce);

/* The quorum's age in seconds from a `quorum_status` JSON answer
 * ("quorum_age"); -EPROTO when it has none. */
int parse_quorum_age(const char *json, size_t len, long long *age_s);

/* The monitor names in a `mon dump` JSON answer ("mons":[{"name":…}]), pushed
 * to names. -EPROTO when json has no "mons" array. */
int parse_monmap_names(const char *json, size_t len, struct strvec *names);

#endif
