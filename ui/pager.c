/* pager.c: one message, its headers and text, scrolled; j/k move on. */
#include "ui_internal.h"

#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_pager {
	const struct ui_keys *keys;
	const struct store_list *list;
	size_t *current;
	struct mime_view *view;
	char *text; /* headers, a blank line, the body */
	struct ui_textview tv;
};

static void pager_unload(struct ui_pager *pg)
{
	mime_view_free(pg->view);
	pg->view = NULL;
	free(pg->text);
	pg->text = NULL;
	ui_textview_release(&pg->tv);
}

static int pager_load(struct ui_pager *pg)
{
	struct lib_err err;
	const struct store_entry *e = &pg->list->entries[*pg->current];
	struct mime_view *view = mime_view_new_from_file(e->path, &err);
	if (!view) {
		ui_message("%s", err.msg);
		return -1;
	}
	pager_unload(pg);
	pg->view = view;
	pg->text = lib_xasprintf("%s\n%s", view->headers, view->body);
	ui_textview_wrap(&pg->tv, pg->text, COLS);
	return 0;
}

static void pager_draw(struct ui_pager *pg)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_PREVIOUS_PAGE, UI_FN_NEXT_PAGE,
					  UI_FN_HELP };
	static const char *const labels[] = { "Exit", "PrevPg", "NextPg", "Help" };
	if (pg->tv.width != COLS) /* the terminal was resized */
		ui_textview_wrap(&pg->tv, pg->text, COLS);
	ui_draw_help_bar(pg->keys, UI_MENU_PAGER, fns, labels, 4);
	ui_textview_draw(&pg->tv);
	char pos[16], status[1024];
	ui_textview_position(&pg->tv, pos, sizeof pos);
	snprintf(status, sizeof status, "-%s- %zu/%zu: %s -- (%s)", pg->view->raw ? "R" : "-",
		 *pg->current + 1, pg->list->count, pg->view->subject, pos);
	ui_draw_bar(LINES - 2, status);
}

/* Moves to the message delta away; stays put at either end. */
static void pager_step(struct ui_pager *pg, int delta)
{
	size_t was = *pg->current;
	if (delta > 0 && was + 1 >= pg->list->count) {
		ui_message("You are on the last message.");
		return;
	}
	if (delta < 0 && was == 0) {
		ui_message("You are on the first message.");
		return;
	}
	*pg->current = delta > 0 ? was + 1 : was - 1;
	pg->tv.top = 0;
	if (pager_load(pg) < 0)
		*pg->current = was; /* the old message is still loaded */
	else
		ui_message("%s", "");
}

int ui_pager_show(const struct ui_keys *keys, const struct store_list *list, size_t *current)
{
	struct ui_pager pg = { .keys = keys, .list = list, .current = current };
	if (pager_load(&pg) < 0)
		return -1;
	ui_message("%s", "");
	for (int done = 0; !done;) {
		pager_draw(&pg);
		refresh();
		int key = ui_read_key();
		if (key == UI_KEY_GONE)
			break;
		if (key <= 0)
			continue;
		enum ui_fn fn = ui_keys_lookup(keys, UI_MENU_PAGER, key);
		if (ui_textview_scroll(&pg.tv, fn))
			continue;
		switch (fn) {
		case UI_FN_EXIT: done = 1; break;
		case UI_FN_NEXT_ENTRY: pager_step(&pg, 1); break;
		case UI_FN_PREVIOUS_ENTRY: pager_step(&pg, -1); break;
		case UI_FN_HELP: ui_help_show(keys, UI_MENU_PAGER); break;
		case UI_FN_REDRAW: clearok(curscr, TRUE); break;
		default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
		}
	}
	pager_unload(&pg);
	ui_message("%s", "");
	return 0;
}
