/* index.c: the message index screen and the main loop. */
#include "ui.h"
#include "ui_internal.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct ui_index {
	struct store *store;
	struct store_list list;
	const struct ui_keys *keys;
	size_t current;
};


/* mutt's %Z: N unread, D deleted (trashed); ! flagged; r replied, d draft. */
static void entry_flags(unsigned flags, char out[4])
{
	out[0] = (flags & STORE_FLAG_TRASHED) ? 'D' : !(flags & STORE_FLAG_SEEN) ? 'N' : ' ';
	out[1] = (flags & STORE_FLAG_FLAGGED) ? '!' : ' ';
	out[2] = (flags & STORE_FLAG_REPLIED) ? 'r' : (flags & STORE_FLAG_DRAFT) ? 'd' : ' ';
	out[3] = '\0';
}

static void draw_entry(const struct ui_index *ix, size_t i, int y)
{
	const struct store_entry *e = &ix->list.entries[i];
	char flags[4], date[16], head[64];
	struct tm tm;
	entry_flags(e->flags, flags);
	time_t t = e->date;
	strftime(date, sizeof date, "%b %d", localtime_r(&t, &tm));
	snprintf(head, sizeof head, "%4zu %s %s  ", i + 1, flags, date);
	if (i == ix->current)
		attron(A_REVERSE);
	int x = (int)strlen(head);
	ui_draw_text(y, 0, x < COLS ? x : COLS, head);
	if (x < COLS) {
		int w = COLS - x < 20 ? COLS - x : 20;
		ui_draw_text(y, x, w, e->sender);
		x += w;
	}
	if (x < COLS)
		ui_draw_text(y, x, COLS - x, e->subject);
	if (i == ix->current)
		attroff(A_REVERSE);
}

static void draw_index(const struct ui_index *ix)
{
	static const enum ui_fn fns[] = { UI_FN_QUIT, UI_FN_DISPLAY_MESSAGE, UI_FN_NEXT_ENTRY,
					  UI_FN_PREVIOUS_ENTRY, UI_FN_HELP };
	static const char *const labels[] = { "Quit", "Open", "Next", "Prev", "Help" };
	ui_draw_help_bar(ix->keys, UI_MENU_INDEX, fns, labels, 5);
	int rows = ui_body_rows();
	size_t top = ix->list.count ? ix->current / (size_t)rows * (size_t)rows : 0;
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		if (i < ix->list.count)
			draw_entry(ix, i, 1 + r);
		else
			ui_draw_text(1 + r, 0, COLS, "");
	}
	size_t unread = 0;
	for (size_t i = 0; i < ix->list.count; i++)
		unread += !(ix->list.entries[i].flags & STORE_FLAG_SEEN);
	char status[1024];
	size_t pct = ix->list.count ? (top + (size_t)rows) * 100 / ix->list.count : 100;
	snprintf(status, sizeof status, "-*-frank: %s [Msgs:%zu Unread:%zu]---(%s)",
		 store_path(ix->store), ix->list.count, unread,
		 pct >= 100 ? "end" : top == 0 ? "top" : "middle");
	ui_draw_bar(LINES - 2, status);
}

static void move_current(struct ui_index *ix, long delta)
{
	if (ix->list.count == 0)
		return;
	long last = (long)ix->list.count - 1, to = (long)ix->current + delta;
	if (to < 0) {
		to = 0;
		ui_message(delta == -1 ? "You are on the first message." : "");
	} else if (to > last) {
		to = last;
		ui_message(delta == 1 ? "You are on the last message." : "");
	} else {
		ui_message("%s", "");
	}
	ix->current = (size_t)to;
}

/* Returns 1 when the user asked to quit. */
static int index_dispatch(struct ui_index *ix, enum ui_fn fn)
{
	long page = ui_body_rows();
	switch (fn) {
	case UI_FN_QUIT: return 1;
	case UI_FN_NEXT_ENTRY: move_current(ix, 1); break;
	case UI_FN_PREVIOUS_ENTRY: move_current(ix, -1); break;
	case UI_FN_NEXT_PAGE: move_current(ix, page); break;
	case UI_FN_PREVIOUS_PAGE: move_current(ix, -page); break;
	case UI_FN_FIRST_ENTRY: move_current(ix, -(long)ix->list.count); break;
	case UI_FN_LAST_ENTRY: move_current(ix, (long)ix->list.count); break;
	case UI_FN_REDRAW: clearok(curscr, TRUE); break;
	case UI_FN_HELP: ui_help_show(ix->keys, UI_MENU_INDEX); break;
	case UI_FN_DISPLAY_MESSAGE:
		if (ix->list.count == 0)
			ui_message("No messages.");
		else /* on failure the pager left its error on the message line */
			ui_pager_show(ix->keys, &ix->list, &ix->current);
		break;
	default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
	}
	return 0;
}

static void index_loop(struct ui_index *ix)
{
	for (;;) {
		draw_index(ix);
		refresh();
		int key = ui_read_key();
		if (key == UI_KEY_GONE)
			return;
		if (key <= 0)
			continue; /* resized: the next turn redraws at the new size */
		if (index_dispatch(ix, ui_keys_lookup(ix->keys, UI_MENU_INDEX, key)))
			return;
	}
}

static int load_keys(struct ui_keys *keys, const struct config_keymap *extra, struct lib_err *err)
{
	struct config_keymap km = { 0 };
	int rc = config_keymap_parse(&km, "default.keys", ui_default_keys, strlen(ui_default_keys),
				     err);
	if (rc == 0)
		rc = ui_keys_load(keys, &km, err);
	config_keymap_release(&km);
	if (rc == 0 && extra)
		rc = ui_keys_load(keys, extra, err);
	return rc;
}

/* Starts curses on the controlling terminal.  newterm(), unlike initscr(),
 * returns NULL instead of exiting when the terminal type is unknown. */
static SCREEN *start_screen(struct lib_err *err)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		lib_err_set(err, "standard input and output must be a terminal");
		return NULL;
	}
	const char *term = getenv("TERM");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		lib_err_set(err, "cannot use the terminal type \"%s\" (check TERM)",
			    term ? term : "");
		return NULL;
	}
	set_term(scr);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return scr;
}

int ui_run(struct store *store, const struct config_keymap *extra, struct lib_err *err)
{
	struct ui_keys keys = { 0 };
	struct ui_index ix = { .store = store, .keys = &keys };
	int rc = -1;
	if (load_keys(&keys, extra, err) < 0 || store_list_all(store, &ix.list, err) < 0)
		goto out;
	ix.current = ix.list.count ? ix.list.count - 1 : 0; /* newest, as mutt starts */
	setlocale(LC_ALL, "");
	SCREEN *scr = start_screen(err);
	if (!scr)
		goto out;
	index_loop(&ix);
	endwin();
	delscreen(scr);
	rc = 0;
out:
	store_list_release(&ix.list);
	ui_keys_release(&keys);
	return rc;
}
