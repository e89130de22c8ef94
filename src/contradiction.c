/* contradiction.c — the contradiction kinds (contradiction.h) and the pure
 * rules that find one in Nova's word about a running qemu. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "rbdwho/contradiction.h"
#include "rbdwho/util.h"

static const struct {
	const char *name, *sentence;
} contra_info[] = {
	[CONTRA_NONE] = {NULL, NULL},
#define CONTRA_ROW(e, n, s) [e] = {(n), (s)},
	CONTRADICTION_INFO(CONTRA_ROW)
#undef CONTRA_ROW
};

#define CONTRA_COUNT (sizeof contra_info / sizeof contra_info[0])

const char *contradiction_name(enum contradiction c)
{
	return (size_t)c < CONTRA_COUNT ? contra_info[c].name : NULL;
}

const char *contradiction_sentence(enum contradiction c)
{
	return (size_t)c < CONTRA_COUNT ? contra_info[c].sentence : NULL;
}

/* Length of the first label: "c2" of "c2.example.org". */
static size_t first_label(const char *h)
{
	const char *dot = strchr(h, '.');
	return dot ? (size_t)(dot - h) : strlen(h);
}

bool contradiction_hosts_match(const char *a, const char *b)
{
	if (str_empty(a) || str_empty(b))
		return false;
	if (strcasecmp(a, b) == 0)
		return true;
	/* Only a bare name matches a qualified one: "c2" ~ "c2.x", never "c2.x" ~ "c2.y". */
	if (strchr(a, '.') && strchr(b, '.'))
		return false;
	size_t la = first_label(a), lb = first_label(b);
	return la == lb && strncasecmp(a, b, la) == 0;
}

static bool status_is(const struct nova_server *s, const char *status)
{
	return s->status && strcasecmp(s->status, status) == 0;
}

static bool vm_state_is(const struct nova_server *s, const char *state)
{
	return s->vm_state && strcasecmp(s->vm_state, state) == 0;
}

/* Statuses where a qemu on a second host is Nova's own doing. */
static bool status_spans_hosts(const struct nova_server *s)
{
	return status_is(s, "MIGRATING") || status_is(s, "RESIZE") ||
	       status_is(s, "VERIFY_RESIZE") || status_is(s, "REVERT_RESIZE");
}

enum contradiction contradiction_of_server(const struct nova_server *s, const char *holder_host)
{
	if (!str_empty(s->task_state))
		return CONTRA_NONE;  /* Nova is changing the instance: not at rest */
	if (status_is(s, "DELETED") || status_is(s, "SOFT_DELETED"))
		return CONTRA_NONE;
	if (status_is(s, "SHUTOFF") || vm_state_is(s, "stopped"))
		return CONTRA_NOVA_SHUTOFF;
	if (status_is(s, "SHELVED_OFFLOADED") || status_is(s, "SHELVED") ||
	    vm_state_is(s, "shelved_offloaded") || vm_state_is(s, "shelved"))
		return CONTRA_NOVA_SHELVED;
	if (str_empty(holder_host) || str_empty(s->host) || status_spans_hosts(s))
		return CONTRA_NONE;
	if (contradiction_hosts_match(s->host, holder_host) ||
	    contradiction_hosts_match(s->hypervisor_hostname, holder_host))
		return CONTRA_NONE;
	return CONTRA_NOVA_ELSEWHERE;
}
