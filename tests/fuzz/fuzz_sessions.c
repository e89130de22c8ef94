/* fuzz_sessions.c — libFuzzer target for the monitors' answers: the input is
 * given both as a session list and as a monitor map, with its real length
 * (NULs included, as a monitor's buffer could hold them). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rbdwho/parse_sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exactly size bytes, no NUL after them: a monitor's answer has none */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	struct mon_sessions s = {0};

	if (parse_mon_sessions(buf, size, &s) == 0) {
		for (size_t i = 0; i < s.n; i++) {
			const struct mon_session *m = &s.v[i];
			if (!m->entity_name || !m->addr || (m->remote_host && !*m->remote_host))
				abort();
			if (m->global_id && mon_sessions_find(&s, m->global_id, m->nonce) == NULL)
				abort();
		}
	} else if (s.n != 0) {
		abort(); /* a refused answer adds nothing */
	}
	mon_sessions_free(&s);

	struct strvec names = {0};
	if (parse_monmap_names(buf, size, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (!names.v[i] || !*names.v[i])
				abort();
	strvec_free(&names);
	free(buf);
	return 0;
}
