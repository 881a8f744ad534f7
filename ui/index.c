/* index.c: the message index screen: one line per message with its
 * badge, threads, limit and search, flags, and the sidebar. */
#include "ui.h"
#include "ui_internal.h"
#include "ui_sidebar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct ui_index {
	struct ui_session *s;
	char *folder;       /* the folder's query */
	char label[256];    /* its name in the status bar */
	char *limit;        /* a notmuch query the user limits to, or NULL */
	enum store_view_sort sort;
	struct store_view_list list;
	size_t *rows;       /* visible rows: indices into list */
	size_t nrows;
	size_t cur;         /* a row */
	char **collapsed;   /* thread ids shown as one line */
	size_t ncollapsed;
	char search[256];
	struct ui_sidebar sidebar;
	struct ui_bgsync *bg; /* background syncs; NULL without accounts */
};

static int is_collapsed(const struct ui_index *ix, const char *thread)
{
	for (size_t i = 0; i < ix->ncollapsed; i++)
		if (strcmp(ix->collapsed[i], thread) == 0)
			return 1;
	return 0;
}

static void set_collapsed(struct ui_index *ix, const char *thread, int on)
{
	for (size_t i = 0; i < ix->ncollapsed; i++) {
		if (strcmp(ix->collapsed[i], thread) == 0) {
			if (!on) {
				free(ix->collapsed[i]);
				ix->collapsed[i] = ix->collapsed[--ix->ncollapsed];
			}
			return;
		}
	}
	if (on) {
		ix->collapsed = lib_xrealloc(ix->collapsed, (ix->ncollapsed + 1) * sizeof(char *));
		ix->collapsed[ix->ncollapsed++] = lib_xstrdup(thread);
	}
}

/* Messages of the thread starting at list index i (thread order). */
static size_t thread_size(const struct ui_index *ix, size_t i)
{
	size_t n = 1;
	while (i + n < ix->list.count && strcmp(ix->list.items[i + n].thread, ix->list.items[i].thread) == 0)
		n++;
	return n;
}

/* The rows: every message, but one line per collapsed thread. */
static void build_rows(struct ui_index *ix)
{
	free(ix->rows);
	ix->rows = lib_xcalloc(ix->list.count + 1, sizeof *ix->rows);
	ix->nrows = 0;
	for (size_t i = 0; i < ix->list.count;) {
		ix->rows[ix->nrows++] = i;
		if (ix->sort == STORE_VIEW_SORT_THREAD && is_collapsed(ix, ix->list.items[i].thread))
			i += thread_size(ix, i);
		else
			i++;
	}
	if (ix->cur >= ix->nrows)
		ix->cur = ix->nrows ? ix->nrows - 1 : 0;
}

static struct store_view_message *current(struct ui_index *ix)
{
	return ix->cur < ix->nrows ? &ix->list.items[ix->rows[ix->cur]] : NULL;
}

/* Runs the folder's query (with the limit); keeps the cursor on the same
 * message when it is still listed, else on the newest.  On error the old
 * list stays and err says why. */
static int reload(struct ui_index *ix, struct lib_err *err)
{
	char *q = ix->limit ? lib_xasprintf("(%s) and (%s)", ix->folder, ix->limit)
			    : lib_xstrdup(ix->folder);
	struct store_view_list list;
	int rc = store_view_query(ix->s->view, q, ix->sort, &list, err);
	free(q);
	if (rc < 0)
		return -1;
	struct store_view_message *m = current(ix);
	char *id = m ? lib_xstrdup(m->id) : NULL;
	store_view_list_release(&ix->list);
	ix->list = list;
	ix->cur = (size_t)-1;
	build_rows(ix);
	for (size_t r = 0; id && r < ix->nrows; r++)
		if (strcmp(ix->list.items[ix->rows[r]].id, id) == 0)
			ix->cur = r;
	if (ix->cur == (size_t)-1 || ix->cur >= ix->nrows)
		ix->cur = ix->nrows ? ix->nrows - 1 : 0; /* newest, as mutt starts */
	free(id);
	return 0;
}

/* mutt's %Z: N unread, D deleted (trashed); ! flagged; r replied, d draft. */
static void entry_flags(unsigned flags, char out[4])
{
	out[0] = (flags & STORE_FLAG_TRASHED) ? 'D' : !(flags & STORE_FLAG_SEEN) ? 'N' : ' ';
	out[1] = (flags & STORE_FLAG_FLAGGED) ? '!' : ' ';
	out[2] = (flags & STORE_FLAG_REPLIED) ? 'r' : (flags & STORE_FLAG_DRAFT) ? 'd' : ' ';
	out[3] = '\0';
}

/* mutt's %c: a size in a few characters. */
static void human_size(long long n, char *buf, size_t size)
{
	if (n < 0)
		snprintf(buf, size, "?");
	else if (n < 1000)
		snprintf(buf, size, "%lld", n);
	else if (n < 10 * 1024)
		snprintf(buf, size, "%.1fK", (double)n / 1024);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%lldK", (n + 512) / 1024);
	else
		snprintf(buf, size, "%.1fM", (double)n / (1024 * 1024));
}

/* The thread tree before a reply's subject, and the count of a collapsed
 * thread. */
static void tree_prefix(const struct ui_index *ix, size_t i, int utf8, char *buf, size_t size)
{
	const struct store_view_message *m = &ix->list.items[i];
	buf[0] = '\0';
	if (ix->sort != STORE_VIEW_SORT_THREAD)
		return;
	size_t len = 0;
	if (is_collapsed(ix, m->thread) && thread_size(ix, i) > 1)
		len += (size_t)snprintf(buf, size, "(%zu) ", thread_size(ix, i));
	for (int d = 1; d < m->depth && len + 4 < size; d++)
		len += (size_t)snprintf(buf + len, size - len, "  ");
	if (m->depth > 0 && len + 12 < size)
		snprintf(buf + len, size - len, "%s", utf8 ? "\u2514\u2500>" : "`->");
}

static void draw_entry(const struct ui_index *ix, size_t row, int y, int x0)
{
	size_t i = ix->rows[row];
	const struct store_view_message *e = &ix->list.items[i];
	char flags[4], date[16], head[64], size[16], tree[96];
	struct tm tm;
	struct ui_badge badge;
	int width = COLS - x0;
	entry_flags(e->flags, flags);
	time_t t = e->date;
	strftime(date, sizeof date, "%b %d", localtime_r(&t, &tm));
	human_size(e->size, size, sizeof size);
	ui_badge_of(e->badge, ix->s->utf8, &badge);
	int sel = row == ix->cur;
	int base = sel ? ui_theme_attr(UI_COLOR_INDICATOR) : ui_theme_attr(UI_COLOR_NORMAL);
	attrset(base);
	snprintf(head, sizeof head, "%4zu %s ", row + 1, flags);
	int x = x0, w = (int)strlen(head);
	ui_draw_text(y, x, w < width ? w : width, head);
	x += w;
	if (x + 2 <= COLS) { /* the badge, in its colour unless selected */
		attrset(sel ? base : ui_theme_attr(badge.color));
		ui_draw_text(y, x, 2, badge.glyph);
		attrset(base);
		x += 2;
	}
	char mid[160];
	snprintf(mid, sizeof mid, "%s  ", date);
	if (x < COLS) {
		ui_draw_text(y, x, COLS - x < 8 ? COLS - x : 8, mid);
		x += 8;
	}
	if (x < COLS) {
		/* The sender narrows before the subject does on a small screen. */
		int sw = width / 3 - 13;
		sw = sw > 20 ? 20 : sw < 8 ? 8 : sw;
		sw = COLS - x < sw ? COLS - x : sw;
		ui_draw_text(y, x, sw, e->sender);
		x += sw;
	}
	snprintf(mid, sizeof mid, " (%5s)%s ", size, e->attachment ? "@" : " ");
	if (x < COLS) {
		w = (int)strlen(mid);
		ui_draw_text(y, x, COLS - x < w ? COLS - x : w, mid);
		x += w;
	}
	tree_prefix(ix, i, ix->s->utf8, tree, sizeof tree);
	if (x < COLS && tree[0]) {
		attrset(sel ? base : ui_theme_attr(UI_COLOR_TREE));
		w = ui_text_width(tree);
		ui_draw_text(y, x, COLS - x < w ? COLS - x : w, tree);
		attrset(base);
		x += w;
	}
	if (x < COLS)
		ui_draw_text(y, x, COLS - x, e->subject);
	attrset(ui_theme_attr(UI_COLOR_NORMAL));
}

static const char *sort_name(enum store_view_sort sort)
{
	static const char *const names[] = { "date", "from", "subject", "threads" };
	return names[sort];
}

static void draw_status(const struct ui_index *ix, size_t top, int rows)
{
	size_t unread = 0, flagged = 0, deleted = 0;
	for (size_t i = 0; i < ix->list.count; i++) {
		unsigned f = ix->list.items[i].flags;
		unread += !(f & STORE_FLAG_SEEN);
		flagged += !!(f & STORE_FLAG_FLAGGED);
		deleted += !!(f & STORE_FLAG_TRASHED);
	}
	char extra[64] = "", lim[300] = "", status[1024];
	if (flagged)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " Flag:%zu", flagged);
	if (deleted)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " Del:%zu", deleted);
	if (ix->limit)
		snprintf(lim, sizeof lim, " (limit: %s)", ix->limit);
	size_t pct = ix->nrows ? (top + (size_t)rows) * 100 / ix->nrows : 100;
	const char *sync = ui_bgsync_status(ix->bg);
	snprintf(status, sizeof status, "-*-frank: %s [Msgs:%zu Unread:%zu%s]%s%s%s---(%s)---(%s)",
		 ix->label, ix->list.count, unread, extra, sync[0] ? " " : "", sync, lim,
		 sort_name(ix->sort),
		 pct >= 100 ? "end" : top == 0 ? "top" : "middle");
	ui_draw_bar(LINES - 2, status);
}

static void draw_index(const struct ui_index *ix)
{
	static const enum ui_fn fns[] = { UI_FN_QUIT, UI_FN_DISPLAY_MESSAGE, UI_FN_VERIFY,
					  UI_FN_LIMIT, UI_FN_MAIL, UI_FN_REPLY, UI_FN_HELP };
	static const char *const labels[] = { "Quit", "Open", "Verify", "Limit",
					      "Mail", "Reply", "Help" };
	ui_draw_help_bar(&ix->s->keys, UI_MENU_INDEX, fns, labels, 7);
	int rows = ui_body_rows(), x0 = 0;
	if (ix->sidebar.visible && COLS > UI_SIDEBAR_WIDTH + 20) {
		const char *q;
		char label[256];
		size_t open = ui_sidebar_find(&ix->sidebar, ix->folder);
		ui_sidebar_entry(&ix->sidebar, open, &q, label, sizeof label);
		ui_sidebar_draw(&ix->sidebar, strcmp(q, ix->folder) == 0 ? open : (size_t)-1);
		x0 = UI_SIDEBAR_WIDTH;
	}
	size_t top = ix->nrows ? ix->cur / (size_t)rows * (size_t)rows : 0;
	for (int r = 0; r < rows; r++) {
		size_t row = top + (size_t)r;
		if (row < ix->nrows)
			draw_entry(ix, row, 1 + r, x0);
		else
			ui_draw_text(1 + r, x0, COLS - x0, "");
	}
	draw_status(ix, top, rows);
}

static void move_current(struct ui_index *ix, long delta)
{
	if (ix->nrows == 0)
		return;
	long last = (long)ix->nrows - 1, to = (long)ix->cur + delta;
	if (to < 0) {
		to = 0;
		ui_message(delta == -1 ? "You are on the first message." : "");
	} else if (to > last) {
		to = last;
		ui_message(delta == 1 ? "You are on the last message." : "");
	} else {
		ui_message("%s", "");
	}
	ix->cur = (size_t)to;
}

/* Opens a folder (a sidebar entry) with no limit. */
static void open_folder(struct ui_index *ix, const char *query, const char *label)
{
	char *was = ix->folder, *was_limit = ix->limit;
	struct lib_err err;
	ix->folder = lib_xstrdup(query);
	ix->limit = NULL;
	ix->cur = (size_t)-1;
	if (reload(ix, &err) < 0) {
		free(ix->folder);
		ix->folder = was;
		ix->limit = was_limit;
		ui_error("%s", err.msg);
		return;
	}
	free(was);
	free(was_limit);
	snprintf(ix->label, sizeof ix->label, "%s", label);
	ui_message("%s", "");
}

static void do_limit(struct ui_index *ix)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", ix->limit ? ix->limit : "");
	if (ui_prompt("Limit to messages matching: ", buf, sizeof buf, 0) < 0)
		return;
	char *was = ix->limit;
	/* Empty, "all" or "*" (mutt's ~A) shows every message again. */
	ix->limit = buf[0] && strcmp(buf, "all") && strcmp(buf, "*") ? lib_xstrdup(buf) : NULL;
	struct lib_err err;
	if (reload(ix, &err) < 0) {
		free(ix->limit);
		ix->limit = was;
		ui_error("%s", err.msg);
		return;
	}
	free(was);
	if (ix->nrows == 0)
		ui_message("No messages matched the limit.");
}

static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* The next row after the cursor (wrapping) whose message matches. */
static void find_next(struct ui_index *ix, int (*match)(const struct store_view_message *,
							 const char *),
		      const char *arg, const char *none)
{
	for (size_t k = 1; k <= ix->nrows; k++) {
		size_t r = (ix->cur + k) % ix->nrows;
		if (match(&ix->list.items[ix->rows[r]], arg)) {
			if (r <= ix->cur)
				ui_message("Search wrapped to top.");
			else
				ui_message("%s", "");
			ix->cur = r;
			return;
		}
	}
	ui_message("%s", none);
}

static int match_text(const struct store_view_message *m, const char *text)
{
	return contains(m->subject, text) || contains(m->from, text);
}

static int match_unread(const struct store_view_message *m, const char *unused)
{
	(void)unused;
	return !(m->flags & STORE_FLAG_SEEN);
}

static void do_search(struct ui_index *ix, int again)
{
	if (!again || !ix->search[0]) {
		if (ui_prompt("Search for: ", ix->search, sizeof ix->search, 0) < 0 ||
		    !ix->search[0])
			return;
	}
	find_next(ix, match_text, ix->search, "Not found.");
}

static void change_flags(struct ui_index *ix, unsigned set, unsigned clear)
{
	struct store_view_message *m = current(ix);
	struct lib_err err;
	if (!m)
		ui_message("No messages.");
	else if (store_view_set_flags(ix->s->view, m, set, clear, &err) < 0)
		ui_error("%s", err.msg);
}

static void toggle_flag(struct ui_index *ix, unsigned flag)
{
	struct store_view_message *m = current(ix);
	if (m)
		change_flags(ix, (m->flags & flag) ? 0 : flag, (m->flags & flag) ? flag : 0);
}

static void do_labels(struct ui_index *ix)
{
	struct store_view_message *m = current(ix);
	char buf[256] = "";
	struct lib_err err;
	if (!m || ui_prompt("Add/remove labels (+tag -tag): ", buf, sizeof buf, 0) < 0 || !buf[0])
		return;
	if (store_view_tag(ix->s->view, m, buf, &err) < 0)
		ui_error("%s", err.msg);
	else
		ui_message("Labels changed: %s", buf);
}

static void do_collapse(struct ui_index *ix, int all)
{
	struct store_view_message *m = current(ix);
	if (ix->sort != STORE_VIEW_SORT_THREAD) {
		ui_message("Threading is not enabled (sort by thread: o t).");
		return;
	}
	if (!m)
		return;
	if (all) {
		int on = !is_collapsed(ix, m->thread);
		for (size_t i = 0; i < ix->list.count; i++)
			set_collapsed(ix, ix->list.items[i].thread, on);
	} else {
		set_collapsed(ix, m->thread, !is_collapsed(ix, m->thread));
	}
	/* The cursor stays on the thread: on its first row when collapsed. */
	char *thread = lib_xstrdup(m->thread);
	build_rows(ix);
	for (size_t r = 0; r < ix->nrows; r++) {
		if (strcmp(ix->list.items[ix->rows[r]].thread, thread) == 0) {
			ix->cur = r;
			break;
		}
	}
	free(thread);
}

static void do_sort(struct ui_index *ix)
{
	ui_message("Sort by (d)ate, (f)rom, (s)ubject, (t)hread?");
	refresh();
	int key = ui_read_key();
	enum store_view_sort sort;
	switch (key) {
	case 'd': sort = STORE_VIEW_SORT_DATE; break;
	case 'f': sort = STORE_VIEW_SORT_SENDER; break;
	case 's': sort = STORE_VIEW_SORT_SUBJECT; break;
	case 't': sort = STORE_VIEW_SORT_THREAD; break;
	default: ui_message("%s", ""); return;
	}
	enum store_view_sort was = ix->sort;
	struct lib_err err;
	ix->sort = sort;
	if (reload(ix, &err) < 0) {
		ix->sort = was;
		ui_error("%s", err.msg);
		return;
	}
	ui_message("Sorted by %s.", sort_name(sort));
}

static void sidebar_move(struct ui_index *ix, int delta)
{
	struct ui_sidebar *sb = &ix->sidebar;
	size_t n = ui_sidebar_count(sb);
	if (!sb->visible) {
		ui_message("The sidebar is hidden (sidebar-toggle-visible shows it).");
		return;
	}
	if (delta > 0 && sb->cur + 1 < n)
		sb->cur++;
	else if (delta < 0 && sb->cur > 0)
		sb->cur--;
}

static void sidebar_toggle(struct ui_index *ix)
{
	struct lib_err err;
	if (!ix->sidebar.visible && ui_sidebar_load(&ix->sidebar, ix->s->view, &err) < 0) {
		ui_error("%s", err.msg);
		return;
	}
	ix->sidebar.visible = !ix->sidebar.visible;
	if (ix->sidebar.visible)
		ix->sidebar.cur = ui_sidebar_find(&ix->sidebar, ix->folder);
}

static void sidebar_open(struct ui_index *ix)
{
	if (!ix->sidebar.visible || ui_sidebar_count(&ix->sidebar) == 0) {
		ui_message("The sidebar is hidden (sidebar-toggle-visible shows it).");
		return;
	}
	const char *q;
	char label[256];
	ui_sidebar_entry(&ix->sidebar, ix->sidebar.cur, &q, label, sizeof label);
	char *query = lib_xstrdup(q);
	open_folder(ix, query, label);
	free(query);
}

/* After a change elsewhere (the pager, a command), counts and the list. */
static void refresh_model(struct ui_index *ix)
{
	struct lib_err err;
	if (reload(ix, &err) < 0)
		ui_error("%s", err.msg);
	if (ix->sidebar.visible && ui_sidebar_load(&ix->sidebar, ix->s->view, &err) < 0)
		ui_error("%s", err.msg);
}

/* sync-mailbox ($): new mail from every account's server, fetched by a
 * frank sync child in the background (bgsync.c); the index follows when
 * it reports. */
static void do_sync(struct ui_index *ix)
{
	struct lib_err err;
	if (!ix->bg) {
		ui_message("No account to sync: frankrc has no account block.");
		return;
	}
	if (ui_bgsync_start(ix->bg, &err) < 0)
		ui_message("%s", err.msg);
	else
		ui_message("Syncing every account in the background.");
}

/* What the background syncs reported: the view opened again on what they
 * wrote (the cursor stays on its message), or a failure's reason. */
static void on_bgsync(struct ui_index *ix)
{
	char why[600];
	struct lib_err err;
	unsigned ev = ui_bgsync_take(ix->bg, why, sizeof why);
	if ((ev & UI_BGSYNC_REOPEN) && store_view_reopen(ix->s->view, &err) == 0)
		refresh_model(ix);
	if (ev & UI_BGSYNC_ERROR)
		ui_error("%s", why);
	else if (ev & UI_BGSYNC_SYNCED)
		ui_message("Synced.");
}

/* Background syncs run only over a mail root with accounts to sync. */
static void bgsync_begin(struct ui_index *ix)
{
	const struct config *cfg = ix->s->cfg;
	struct lib_err err;
	if (!cfg || !cfg->opt.mail_root || cfg->naccounts == 0)
		return;
	ix->bg = ui_bgsync_new(cfg);
	if (store_view_is_mail_root(ix->s->view) && ui_bgsync_start_session(ix->bg, &err) < 0)
		ui_error("%s", err.msg);
}

static void display(struct ui_index *ix)
{
	if (ix->nrows == 0) {
		ui_message("No messages.");
		return;
	}
	size_t i = ix->rows[ix->cur];
	/* on failure the pager left its error on the message line */
	ui_pager_show(ix->s, &ix->list, &i);
	for (size_t r = 0; r < ix->nrows; r++)
		if (ix->rows[r] == i)
			ix->cur = r;
	refresh_model(ix);
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
	case UI_FN_FIRST_ENTRY: move_current(ix, -(long)ix->nrows); break;
	case UI_FN_LAST_ENTRY: move_current(ix, (long)ix->nrows); break;
	case UI_FN_REDRAW: clearok(curscr, TRUE); break;
	case UI_FN_HELP: ui_help_show(&ix->s->keys, UI_MENU_INDEX); break;
	case UI_FN_DISPLAY_MESSAGE: display(ix); break;
	case UI_FN_VERIFY:
		if (current(ix))
			ui_verify_show(ix->s, current(ix));
		break;
	case UI_FN_VIEW_ATTACHMENTS:
		if (current(ix))
			ui_attach_show(ix->s, current(ix));
		break;
	case UI_FN_LIMIT: do_limit(ix); break;
	case UI_FN_SEARCH: do_search(ix, 0); break;
	case UI_FN_SEARCH_NEXT: do_search(ix, 1); break;
	case UI_FN_NEXT_UNREAD: find_next(ix, match_unread, NULL, "No unread messages."); break;
	case UI_FN_FLAG_MESSAGE: toggle_flag(ix, STORE_FLAG_FLAGGED); break;
	case UI_FN_TOGGLE_NEW: toggle_flag(ix, STORE_FLAG_SEEN); break;
	case UI_FN_DELETE_MESSAGE:
		change_flags(ix, STORE_FLAG_TRASHED, 0);
		move_current(ix, 1);
		break;
	case UI_FN_UNDELETE_MESSAGE: change_flags(ix, 0, STORE_FLAG_TRASHED); break;
	case UI_FN_MODIFY_LABELS: do_labels(ix); break;
	case UI_FN_COLLAPSE_THREAD: do_collapse(ix, 0); break;
	case UI_FN_COLLAPSE_ALL: do_collapse(ix, 1); break;
	case UI_FN_SORT: do_sort(ix); break;
	case UI_FN_SIDEBAR_TOGGLE: sidebar_toggle(ix); break;
	case UI_FN_SIDEBAR_NEXT: sidebar_move(ix, 1); break;
	case UI_FN_SIDEBAR_PREV: sidebar_move(ix, -1); break;
	case UI_FN_SIDEBAR_OPEN: sidebar_open(ix); break;
	case UI_FN_SYNC_MAILBOX: do_sync(ix); break;
	case UI_FN_ENTER_COMMAND:
		ui_command(ix->s);
		refresh_model(ix);
		break;
	case UI_FN_MAIL:
	case UI_FN_REPLY:
	case UI_FN_GROUP_REPLY:
	case UI_FN_FORWARD:
		if (fn != UI_FN_MAIL && !current(ix)) {
			ui_message("No messages.");
			break;
		}
		ui_compose_start(ix->s, fn, fn == UI_FN_MAIL ? NULL : current(ix));
		refresh_model(ix);
		break;
	default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
	}
	return 0;
}

static void index_loop(struct ui_index *ix)
{
	for (;;) {
		draw_index(ix);
		enum ui_fn fn;
		int got = ui_bgsync_wait_fn(ix->bg, &ix->s->keys, UI_MENU_INDEX, &fn);
		if (got < 0)
			return;
		if (got == 2) {
			on_bgsync(ix);
			continue;
		}
		/* got 0: resized, the next turn redraws at the new size */
		if (got > 0 && index_dispatch(ix, fn))
			return;
	}
}

int ui_index_run(struct ui_session *s, const char *query, const char *label,
		 struct lib_err *err)
{
	struct ui_index ix = { .s = s };
	ix.folder = lib_xstrdup(query);
	snprintf(ix.label, sizeof ix.label, "%s", label);
	ix.sort = s->cfg && s->cfg->opt.sort == CONFIG_SORT_THREAD ? STORE_VIEW_SORT_THREAD
								   : STORE_VIEW_SORT_DATE;
	ix.cur = (size_t)-1;
	int rc = reload(&ix, err);
	if (rc == 0 && s->cfg && s->cfg->opt.sidebar_visible)
		sidebar_toggle(&ix);
	if (rc == 0) {
		bgsync_begin(&ix);
		index_loop(&ix);
	}
	ui_bgsync_free(ix.bg);
	store_view_list_release(&ix.list);
	ui_sidebar_release(&ix.sidebar);
	for (size_t i = 0; i < ix.ncollapsed; i++)
		free(ix.collapsed[i]);
	free(ix.collapsed);
	free(ix.rows);
	free(ix.folder);
	free(ix.limit);
	return rc;
}
