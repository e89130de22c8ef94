/* action.c — the table of the browser's remedy actions (ACTION_INFO in
 * action.h) and what every action shares: its target, copied from the
 * selection. */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"

const struct action_ops action_ops[ACT_COUNT] = {
#define ACTION_ROW(e, name, req, title, what, verb, asking, doing, done_word, open, prepare, \
		   gate, facts, typed, execute, manual, done, free_plan) \
	[ACT_##e] = {name, title, what, verb, asking, doing, done_word, REQ_##req, open, prepare, \
		     gate, facts, typed, execute, manual, done, free_plan},
	ACTION_INFO(ACTION_ROW)
#undef ACTION_ROW
};

enum action_kind action_for_request(enum request r)
{
	for (int a = 0; r != REQ_NONE && a < ACT_COUNT; a++)
		if (action_ops[a].req == r)
			return (enum action_kind)a;
	return ACT_COUNT;
}

void action_target_clear(struct action_target *t)
{
	char **strs[] = {&t->name, &t->uuid, &t->host, &t->addr, &t->pool, &t->image, &t->volume};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	memset(t, 0, sizeof *t);
}

void action_target_copy(struct action_target *to, const struct action_target *from)
{
	to->name = xstrdup(from->name);
	to->uuid = xstrdup(from->uuid);
	to->host = xstrdup(from->host);
	to->addr = xstrdup(from->addr);
	to->pool = xstrdup(from->pool);
	to->image = xstrdup(from->image);
	to->volume = xstrdup(from->volume);
}

void action_target_image(struct ui *ui, struct action_target *t)
{
	if (!ui->iv)
		return;
	t->pool = xstrdup(ui->iv->pool);
	t->image = xstrdup(ui->iv->chain_name);  /* NS/IMAGE in a namespace */
	t->volume = xstrdup(ui->iv->volume_uuid);
}
