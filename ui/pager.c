/* pager.c: one message: its headers, the badge line and any warnings,
 * then its text, scrolled; j/k move on. */
#include "ui_internal.h"

#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_pager {
	struct ui_session *s;
	struct store_view_list *list;
	size_t *current;
	struct mime_view *view;
	char *text; /* headers, badge, warnings, a blank line, the body */
	size_t headers_end; /* bytes of text before the body */
	size_t signature;   /* where the signature ("-- " line) starts, or -1 */
	struct ui_badge badge;
	struct ui_textview tv;
	char search[256]; /* the last search, "" before the first */
};

static void pager_unload(struct ui_pager *pg)
{
	mime_view_free(pg->view);
	pg->view = NULL;
	free(pg->text);
	pg->text = NULL;
	ui_textview_release(&pg->tv);
}

/* Header lines in the header colour, the badge in its own, quoted text and
 * the signature in theirs. */
static int line_attr(const char *line, size_t len, void *ctx)
{
	struct ui_pager *pg = ctx;
	if ((size_t)(line - pg->text) < pg->headers_end) {
		if (len >= 13 && strncmp(line, "Authenticity:", 13) == 0)
			return ui_theme_attr(pg->badge.color);
		if (len >= 8 && strncmp(line, "Warning:", 8) == 0)
			return ui_theme_attr(UI_COLOR_WARNING);
		return ui_theme_attr(UI_COLOR_HEADER);
	}
	if ((size_t)(line - pg->text) >= pg->signature)
		return ui_theme_attr(UI_COLOR_SIGNATURE);
	if (len > 0 && line[0] == '>')
		return ui_theme_attr(UI_COLOR_QUOTED);
	return ui_theme_attr(UI_COLOR_NORMAL);
}

/* The badge line: its character, the word and the explanation. */
static void badge_lines(struct ui_pager *pg, const struct store_view_message *m,
			struct lib_buf *b)
{
	ui_badge_of(m->badge, pg->s->utf8, &pg->badge);
	lib_buf_printf(b, "Authenticity: %s %s", pg->badge.glyph, pg->badge.word);
	if (m->explanation[0])
		lib_buf_printf(b, ": %s", m->explanation);
	else if (!m->badge[0])
		lib_buf_puts(b, ": frank has no verdict for this message");
	lib_buf_puts(b, " (V explains)\n");
	for (size_t i = 0; i < m->nwarnings; i++)
		lib_buf_printf(b, "Warning: %s\n", m->warnings[i]);
}

static int pager_load(struct ui_pager *pg)
{
	struct lib_err err;
	struct store_view_message *m = store_view_list_at(pg->list, *pg->current);
	struct mime_view_opts opts = { 0, NULL };
	if (pg->s->cfg)
		opts = (struct mime_view_opts){ pg->s->cfg->opt.prefer_html,
						pg->s->cfg->opt.mailcap_path };
	struct mime_view *view = mime_view_new(m->path, &opts, &err);
	if (!view) {
		ui_error("%s", err.msg);
		return -1;
	}
	pager_unload(pg);
	pg->view = view;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, view->headers);
	badge_lines(pg, m, &b);
	pg->headers_end = b.len;
	lib_buf_printf(&b, "\n%s", view->body);
	pg->text = lib_buf_take(&b);
	pg->signature = (size_t)-1;
	for (const char *p = strstr(pg->text + pg->headers_end, "\n-- \n"); p;
	     p = strstr(p + 1, "\n-- \n"))
		pg->signature = (size_t)(p + 1 - pg->text); /* the last one */
	pg->tv.line_attr = line_attr;
	pg->tv.ctx = pg;
	ui_textview_wrap(&pg->tv, pg->text, COLS);
	if (view->notice)
		ui_error("%s", view->notice);
	/* Read now, as mutt marks it. */
	if (!(m->flags & STORE_FLAG_SEEN) &&
	    store_view_set_flags(pg->s->view, m, STORE_FLAG_SEEN, 0, &err) < 0)
		ui_error("%s", err.msg);
	return 0;
}

static void pager_draw(struct ui_pager *pg)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_PREVIOUS_PAGE, UI_FN_NEXT_PAGE,
					  UI_FN_VERIFY, UI_FN_VIEW_ATTACHMENTS, UI_FN_HELP };
	static const char *const labels[] = { "Exit", "PrevPg", "NextPg", "Verify", "Attach",
					      "Help" };
	if (pg->tv.width != COLS) /* the terminal was resized */
		ui_textview_wrap(&pg->tv, pg->text, COLS);
	ui_draw_help_bar(&pg->s->keys, UI_MENU_PAGER, fns, labels, 6);
	ui_textview_draw(&pg->tv);
	char pos[16], status[1024];
	ui_textview_position(&pg->tv, pos, sizeof pos);
	snprintf(status, sizeof status, "-%s- %zu/%zu: %s -- (%s)", pg->view->raw ? "R" : "-",
		 *pg->current + 1, pg->list->count, pg->view->subject, pos);
	ui_draw_bar(LINES - 2, status);
}

/* Moves to the message delta away (read from the list as needed, so a
 * lazy list is stepped through whole); stays put at either end. */
static void pager_step(struct ui_pager *pg, long delta)
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
	*pg->current = delta > 0 ? was + (size_t)delta : was - (size_t)-delta;
	pg->tv.top = 0;
	if (pager_load(pg) < 0)
		*pg->current = was; /* the old message is still loaded */
	else
		ui_message("%s", "");
}

static void pager_flag(struct ui_pager *pg, unsigned set, unsigned clear)
{
	struct lib_err err;
	struct store_view_message *m = store_view_list_at(pg->list, *pg->current);
	if (store_view_set_flags(pg->s->view, m, set, clear, &err) < 0)
		ui_error("%s", err.msg);
	else
		ui_message("%s", (set & STORE_FLAG_FLAGGED)	? "Flagged."
				 : (clear & STORE_FLAG_FLAGGED) ? "Flag removed."
				 : (set & STORE_FLAG_TRASHED)	? "Marked deleted."
								: "Deleted mark removed.");
}

/* / and n: the next line holding the text, scrolled to the top of the
 * screen and its matches highlighted; wraps once to the top. */
static void pager_search(struct ui_pager *pg, int again)
{
	if (!again || !pg->search[0]) {
		char buf[sizeof pg->search] = "";
		if (ui_prompt("Search for: ", buf, sizeof buf, 0) < 0 || !buf[0])
			return;
		snprintf(pg->search, sizeof pg->search, "%s", buf);
	}
	pg->tv.highlight = pg->search;
	/* A new search starts on the top line; n after the current match. */
	size_t from = pg->tv.top + (again ? 1 : 0);
	size_t at = ui_textview_find(&pg->tv, from, pg->search);
	if (at == (size_t)-1 && from > 0) {
		at = ui_textview_find(&pg->tv, 0, pg->search);
		if (at != (size_t)-1 && at < from) {
			pg->tv.top = at;
			ui_message("Search wrapped to top.");
			return;
		}
		at = (size_t)-1;
	}
	if (at == (size_t)-1) {
		ui_message("Not found: %s", pg->search);
		return;
	}
	pg->tv.top = at;
	ui_message("%s", "");
}

static int is_unread(const struct store_view_message *m, void *unused)
{
	(void)unused;
	return !(m->flags & STORE_FLAG_SEEN);
}

/* The next unread message after this one (not wrapping, as mutt's pager),
 * found through the list so that a lazy one is searched whole. */
static void pager_next_unread(struct ui_pager *pg)
{
	size_t found = 0;
	int wrapped = 0;
	if (!store_view_list_find(pg->list, *pg->current, is_unread, NULL, &found, &wrapped) ||
	    wrapped) {
		ui_message("No unread messages.");
		return;
	}
	pager_step(pg, (long)(found - *pg->current));
}

/* Returns 1 when the pager should close. */
static int pager_dispatch(struct ui_pager *pg, enum ui_fn fn)
{
	struct store_view_message *m = store_view_list_at(pg->list, *pg->current);
	switch (fn) {
	case UI_FN_EXIT: return 1;
	case UI_FN_NEXT_ENTRY: pager_step(pg, 1); break;
	case UI_FN_PREVIOUS_ENTRY: pager_step(pg, -1); break;
	case UI_FN_HELP: ui_help_show(&pg->s->keys, UI_MENU_PAGER); break;
	case UI_FN_REDRAW: clearok(curscr, TRUE); break;
	case UI_FN_VERIFY: ui_verify_show(pg->s, m); break;
	case UI_FN_VIEW_ATTACHMENTS: ui_attach_show(pg->s, m); break;
	case UI_FN_FLAG_MESSAGE:
		pager_flag(pg, (m->flags & STORE_FLAG_FLAGGED) ? 0 : STORE_FLAG_FLAGGED,
			   (m->flags & STORE_FLAG_FLAGGED) ? STORE_FLAG_FLAGGED : 0);
		break;
	case UI_FN_DELETE_MESSAGE: pager_flag(pg, STORE_FLAG_TRASHED, 0); break;
	case UI_FN_UNDELETE_MESSAGE: pager_flag(pg, 0, STORE_FLAG_TRASHED); break;
	case UI_FN_NEXT_UNREAD: pager_next_unread(pg); break;
	case UI_FN_ENTER_COMMAND: ui_command(pg->s); break;
	case UI_FN_SEARCH: pager_search(pg, 0); break;
	case UI_FN_SEARCH_NEXT: pager_search(pg, 1); break;
	case UI_FN_URL_LIST: ui_url_show(pg->s, &pg->view->links); break;
	case UI_FN_MAIL:
	case UI_FN_REPLY:
	case UI_FN_GROUP_REPLY:
	case UI_FN_FORWARD: ui_compose_start(pg->s, fn, fn == UI_FN_MAIL ? NULL : m); break;
	default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
	}
	return 0;
}

int ui_pager_show(struct ui_session *s, struct store_view_list *list, size_t *current)
{
	struct ui_pager pg = { .s = s, .list = list, .current = current };
	if (pager_load(&pg) < 0)
		return -1;
	for (int done = 0; !done;) {
		pager_draw(&pg);
		enum ui_fn fn;
		int got = ui_wait_fn(&s->keys, UI_MENU_PAGER, &fn);
		if (got < 0)
			break;
		if (got > 0 && !ui_textview_scroll(&pg.tv, fn))
			done = pager_dispatch(&pg, fn);
	}
	pager_unload(&pg);
	ui_message("%s", "");
	return 0;
}
