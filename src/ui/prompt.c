/* prompt.c — the prompt line mode: / filters the focused pane as you type,
 * : goes to a volume (located on a worker). Keys edit the line; Enter keeps
 * it, Esc drops it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

/* ---- the prompt line ---- */

bool prompt_edit_line(struct ui *ui, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* drop one UTF-8 character */
		while (ui->prompt_len > 0) {
			unsigned char c = (unsigned char)ui->prompt[--ui->prompt_len];
			if ((c & 0xC0) != 0x80)
				break;
		}
		ui->prompt[ui->prompt_len] = '\0';
		return true;
	}
	if (key < 32 || (key >= KEY_MIN && key <= KEY_MAX) || key == 127)
		return false;
	char mb[MB_LEN_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || ui->prompt_len + n >= sizeof ui->prompt)
		return true;
	memcpy(ui->prompt + ui->prompt_len, mb, n);
	ui->prompt_len += n;
	ui->prompt[ui->prompt_len] = '\0';
	return true;
}

void prompt_open(struct ui *ui, enum prompt_kind kind)
{
	ui_set_mode(ui, MODE_PROMPT);
	ui->prompt_kind = kind;
	ui->prompt_len = 0;
	ui->prompt[0] = '\0';
	if (kind == PROMPT_FILTER) {
		struct pane *p = ui_focused_pane(ui);
		if (p->filter) {
			snprintf(ui->prompt, sizeof ui->prompt, "%s", p->filter);
			ui->prompt_len = strlen(ui->prompt);
		}
	}
}

static void goto_submit(struct ui *ui, const char *spec)
{
	if (!ui->ch) {
		ui_status(ui, true, "not connected to Ceph yet");
		return;
	}
	struct job *j = work_job(ui, JOB_LOCATE);
	work_of(j)->u.locate.spec = xstrdup(spec);
	jobs_submit(ui->js, j);
	ui_status(ui, false, "looking for %s…", spec);
}

void prompt_key(struct ui *ui, int key)
{
	bool filter = ui->prompt_kind == PROMPT_FILTER;
	if (key == 27) {
		if (filter)
			pane_set_filter(ui_focused_pane(ui), NULL);
		ui->mode = ui->prev_mode;
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		ui->mode = ui->prev_mode;
		if (filter) {
			free(ui->last_search);
			ui->last_search = ui->prompt_len ? xstrdup(ui->prompt) : NULL;
		} else if (ui->prompt_len) {
			goto_submit(ui, ui->prompt);
		}
		return;
	}
	if (prompt_edit_line(ui, key) && filter)
		pane_set_filter(ui_focused_pane(ui), ui->prompt);
}

/* Over the hint line: what is being typed. */
void prompt_draw(struct ui *ui)
{
	static const char *const labels[] = {"/", ":", "confirm: "};
	char *t = xasprintf("%s%s", labels[ui->prompt_kind], ui->prompt);
	draw_text(ui, LINES - 1, 0, COLS, t, draw_attr(ui, EL_MATCH));
	free(t);
}
