/* script.c — the browser driven by a file, for tests (like tig's TIG_SCRIPT):
 * one command a line — a key name (`j`, `<Down>`, `<Enter>`, `C-c`), `:type TEXT`
 * (each character as a key), `:wait-idle` (until no job is in flight),
 * `:wait-stage` (until every loading pane says what it waits for),
 * `:wait-loaded` (until no pane is loading and no job is in flight but the
 * details pane's clones, which may hang on purpose), `:dump PATH`
 * (the screen as text), `:resize COLSxLINES`, `:quit`. `#` starts a comment.
 * The screen is a terminal nobody sees; the script's end quits. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

#include "ui_internal.h"

#define SCRIPT_IDLE_MAX_MS 120000  /* a wait-idle that never ends fails the test, not the machine */

int script_open(struct ui *ui, const char *path)
{
	ui->script = fopen(path, "r");
	return ui->script ? 0 : -ENOENT;
}

int script_dump(struct ui *ui, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	for (int y = 0; y < LINES; y++) {
		struct buf line = {0};
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1] = {0};
			attr_t a;
			short pair;
			if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wc, &a, &pair, NULL) == ERR)
				continue;
			char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
			mbstate_t st;
			memset(&st, 0, sizeof st);
			const wchar_t *src = wc;
			size_t n = wcsrtombs(mb, &src, sizeof mb, &st);
			if (n != (size_t)-1)
				buf_append(&line, mb, n);
		}
		size_t len = line.len;
		while (len > 0 && line.p[len - 1] == ' ')
			len--;
		fprintf(f, "%.*s\n", (int)len, line.p ? line.p : "");
		buf_free(&line);
	}
	return fclose(f) == 0 ? 0 : -EIO;
}

static void script_type(struct ui *ui, const char *text)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (*text) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text, strlen(text), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		ui_handle_key(ui, (int)wc);
		text += n;
	}
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

/* One command; false when the script should pause (waiting for idle). */
static bool script_command(struct ui *ui, char *cmd)
{
	if (strcmp(cmd, ":wait-idle") == 0 || strcmp(cmd, ":wait-stage") == 0 ||
	    strcmp(cmd, ":wait-loaded") == 0) {
		ui->script_waiting = true;
		ui->script_wait = cmd[6] == 's' ? SCRIPT_WAIT_STAGE
				  : cmd[6] == 'l' ? SCRIPT_WAIT_LOADED : SCRIPT_WAIT_IDLE;
		ui->script_wait_since = clock_ms();
		return false;
	}
	if (str_starts_with(cmd, ":dump ")) {
		draw_screen(ui);
		script_dump(ui, trim(cmd + 6));
	} else if (str_starts_with(cmd, ":type ")) {
		script_type(ui, cmd + 6);
	} else if (str_starts_with(cmd, ":resize ")) {
		char *x = NULL, *end = NULL;
		long c = strtol(cmd + 8, &x, 10);
		long l = x && *x == 'x' ? strtol(x + 1, &end, 10) : 0;
		if (end && end != x + 1 && c > 0 && l > 0 && c <= 10000 && l <= 10000)
			resizeterm((int)l, (int)c);
	} else if (strcmp(cmd, ":quit") == 0) {
		ui->quit = true;
	} else {
		int key = keymap_parse_key(cmd);
		if (key < 0)
			ui_status(ui, true, "script line %d: unknown key '%s'", ui->script_line, cmd);
		else
			ui_handle_key(ui, key);
	}
	return true;
}

/* Every pane still loading has its job's stage (work_stage_text) to show, and
 * so have the details pane's clones. */
static bool stages_named(struct ui *ui)
{
	char clones[8];
	work_stage_text(GEN_CLONES, clones, sizeof clones);
	if (ui->clones.state == CLONES_LOADING && !*clones)
		return false;
	for (int i = 0; i < UP_COUNT; i++) {
		char stage[8];
		work_stage_text(pane_ops[i].slot, stage, sizeof stage);
		if (ui->panes[i].state == PANE_LOADING && ui->panes[i].nvis == 0 && !*stage)
			return false;
	}
	return true;
}

/* No pane is loading and every job has ended and merged but the details
 * pane's clones (which may hang on purpose): what the panes show has come,
 * and the header's job count is the clones' alone. */
static bool panes_loaded(struct ui *ui)
{
	for (int i = 0; i < UP_COUNT; i++)
		if (ui->panes[i].state == PANE_LOADING)
			return false;
	return !ui->connecting && jobs_settled(ui->js, ui->clones.state == CLONES_LOADING);
}

void script_step(struct ui *ui)
{
	if (ui->script_waiting) {
		bool done = ui->script_wait == SCRIPT_WAIT_STAGE    ? stages_named(ui)
			    : ui->script_wait == SCRIPT_WAIT_LOADED ? panes_loaded(ui)
								    : ui_idle(ui);
		if (!done && clock_ms() - ui->script_wait_since < SCRIPT_IDLE_MAX_MS)
			return;
		ui->script_waiting = false;
	}
	/* one command per loop turn, so results merge and the screen redraws between keys */
	char line[1024];
	while (fgets(line, sizeof line, ui->script)) {
		ui->script_line++;
		char *cmd = trim(line);
		if (!*cmd || *cmd == '#')
			continue;
		script_command(ui, cmd);
		return;
	}
	ui->quit = true;
}
