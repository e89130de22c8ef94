/* contradiction.h — what OpenStack says against what runs: Nova places the
 * instance on another host, or says it is stopped or shelved, while its qemu
 * runs; two qemus carry one instance UUID; Cinder says in-use while Ceph lists
 * no watcher. None of these is an ORPHAN (Nova still knows the instance) and
 * none is a plain ATTACHED: each is named, by kind, in one table. Pure: no I/O. */
#ifndef RBDWHO_CONTRADICTION_H
#define RBDWHO_CONTRADICTION_H

#include <stdbool.h>
#include "rbdwho/parse_os.h"

/* X(ENUM, "machine-name" (JSON), "sentence" (text and reasons)) */
#define CONTRADICTION_INFO(X) \
	X(CONTRA_NOVA_ELSEWHERE, "nova-host-elsewhere", \
	  "Nova places the instance on another compute host than the one its qemu runs on: " \
	  "an evacuated instance's leftover?") \
	X(CONTRA_NOVA_SHUTOFF, "nova-shutoff", \
	  "Nova says the instance is shut off, yet a qemu for it runs") \
	X(CONTRA_NOVA_SHELVED, "nova-shelved", \
	  "Nova says the instance is shelved, yet a qemu for it runs") \
	X(CONTRA_DUPLICATE_QEMU, "duplicate-qemu", \
	  "two qemus with one instance UUID run on one host") \
	X(CONTRA_CINDER_UNWATCHED, "cinder-in-use-unwatched", \
	  "Cinder says the volume is in-use with an attachment, yet Ceph lists no watcher") \
	X(CONTRA_UNWATCHED_PROCESS, "process-without-watch", \
	  "a process still has the image open, yet Ceph lists no watcher: its client may be " \
	  "blocklisted")

enum contradiction {
	CONTRA_NONE = 0,
#define CONTRA_ENUM(e, name, sentence) e,
	CONTRADICTION_INFO(CONTRA_ENUM)
#undef CONTRA_ENUM
};

/* "nova-host-elsewhere", …; NULL for CONTRA_NONE (JSON null). */
const char *contradiction_name(enum contradiction c);
/* One sentence, without a final period; NULL for CONTRA_NONE. */
const char *contradiction_sentence(enum contradiction c);

/* Whether two host names name one machine: equal ignoring case, or equal up
 * to the first dot of the shorter form (Nova's "c2" and "c2.example.org").
 * False when either is NULL or empty. */
bool contradiction_hosts_match(const char *a, const char *b);

/* What Nova's word on a server contradicts, given that a qemu for it runs on
 * holder_host (NULL: unknown, no host comparison). Only a Nova at rest counts:
 * with a task_state set (migrating, powering-on, unshelving, …) Nova is
 * changing the instance and a second or early qemu is expected, so CONTRA_NONE.
 * A status DELETED/SOFT_DELETED is not judged here (that is an ORPHAN). The
 * host is compared only when Nova names one (admin credentials) and the status
 * is not one where two hosts are normal (MIGRATING, RESIZE, VERIFY_RESIZE,
 * REVERT_RESIZE). */
enum contradiction contradiction_of_server(const struct nova_server *s, const char *holder_host);

#endif
