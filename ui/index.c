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
	int painted;        /* the first screen is out: counts may take queries */
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

/* 1 when every message of the list is read: a lazy list in thread order
 * is read from its end, so when its first item is. */
static int all_read(const struct ui_index *ix)
{
	return !ix->list.stream || ix->list.count == 0 || store_view_list_has(&ix->list, 0);
}

/* The rows: every message, but one line per collapsed thread (known once
 * every thread is read). */
static void build_rows(struct ui_index *ix)
{
	free(ix->rows);
	ix->rows = lib_xcalloc(ix->list.count + 1, sizeof *ix->rows);
	ix->nrows = 0;
	for (size_t i = 0; i < ix->list.count;) {
		ix->rows[ix->nrows++] = i;
		if (ix->sort == STORE_VIEW_SORT_THREAD && all_read(ix) &&
		    is_collapsed(ix, ix->list.items[i].thread))
			i += thread_size(ix, i);
		else
			i++;
	}
	if (ix->cur >= ix->nrows)
		ix->cur = ix->nrows ? ix->nrows - 1 : 0;
}

/* The message of a row, read from the index when it was not yet. */
static struct store_view_message *row_message(struct ui_index *ix, size_t row)
{
	return store_view_list_at(&ix->list, ix->rows[row]);
}

static struct store_view_message *current(struct ui_index *ix)
{
	return ix->cur < ix->nrows ? row_message(ix, ix->cur) : NULL;
}

/* After a reload, the row of message id: a lazy list is searched only
 * around where the cursor was (a screen each side, read once), so that a
 * reload never reads the whole folder. */
static size_t find_row_of(struct ui_index *ix, const char *id, size_t was)
{
	size_t lo = 0, hi = ix->nrows;
	if (ix->list.stream) {
		size_t span = (size_t)ui_body_rows();
		lo = was > span ? was - span : 0;
		hi = was + span + 1 < ix->nrows ? was + span + 1 : ix->nrows;
		store_view_list_fill(&ix->list, lo, hi);
	}
	for (size_t r = lo; r < hi; r++)
		if (strcmp(row_message(ix, r)->id, id) == 0)
			return r;
	return (size_t)-1;
}

/* Runs the folder's query (with the limit); keeps the cursor on the same
 * message when it is still listed, else on the newest.  On error the old
 * list stays and err says why. */
static int reload(struct ui_index *ix, struct lib_err *err)
{
	char *q = ix->limit ? store_view_query_and(ix->folder, ix->limit)
			    : lib_xstrdup(ix->folder);
	struct store_view_list list;
	int rc = store_view_query(ix->s->view, q, ix->sort, &list, err);
	free(q);
	if (rc < 0)
		return -1;
	struct store_view_message *m = current(ix);
	char *id = m ? lib_xstrdup(m->id) : NULL;
	size_t was = ix->cur;
	store_view_list_release(&ix->list);
	ix->list = list;
	ix->cur = (size_t)-1;
	if (ix->sort == STORE_VIEW_SORT_THREAD && ix->ncollapsed) /* threads' extents */
		store_view_list_fill(&ix->list, 0, ix->list.count);
	build_rows(ix);
	if (id)
		ix->cur = find_row_of(ix, id, was);
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

/* The sender's address: what is inside <...> of the From header, else
 * the header itself. */
static void sender_address(const char *from, char *buf, size_t size)
{
	const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(buf, size, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(buf, size, "%s", from);
}

/* $index_format, or frank's own line when it is not set: mutt's look, the
 * sender's column narrowing before the subject does on a small screen. */
static const char *line_format(const struct ui_index *ix, int width, char *buf, size_t size)
{
	if (ix->s->cfg && ix->s->cfg->opt.index_format)
		return ix->s->cfg->opt.index_format;
	int sw = width / 3 - 13;
	sw = sw > 20 ? 20 : sw < 8 ? 8 : sw;
	snprintf(buf, size, "%%4C %%Z %%-2B%%d  %%-%d.%dL (%%5c)%%X %%s", sw, sw);
	return buf;
}

/* Draws text[0..len) from column *x, at most to the screen's edge. */
static void draw_piece(int y, int *x, const char *text, size_t len)
{
	if (*x >= COLS || len == 0)
		return;
	char *piece = lib_xstrndup(text, len);
	int w = ui_text_width(piece);
	w = COLS - *x < w ? COLS - *x : w;
	ui_draw_textn(y, *x, w, piece, len);
	free(piece);
	*x += w;
}

static void draw_entry(struct ui_index *ix, size_t row, int y, int x0)
{
	size_t i = ix->rows[row];
	const struct store_view_message *e = row_message(ix, row);
	char flags[4], tree[96], address[256], fmtbuf[96], line[2048];
	struct ui_badge badge;
	entry_flags(e->flags, flags);
	ui_badge_of(e->badge, ix->s->utf8, &badge);
	tree_prefix(ix, i, ix->s->utf8, tree, sizeof tree);
	sender_address(e->from, address, sizeof address);
	struct config_index_line l = {
		.number = row + 1, .flags = flags, .date = (long long)e->date,
		.date_format = ix->s->cfg ? ix->s->cfg->opt.date_format : NULL,
		.name = e->sender, .address = address, .tree = tree, .subject = e->subject,
		.size = e->size, .lines = -1, .badge = badge.glyph, .attachment = e->attachment,
	};
	struct config_index_span spans[8];
	size_t nspans = 0;
	size_t len = config_index_format(line_format(ix, COLS - x0, fmtbuf, sizeof fmtbuf), &l,
					 line, sizeof line, spans, 8, &nspans);
	int sel = row == ix->cur;
	int base = sel ? ui_theme_attr(UI_COLOR_INDICATOR) : ui_theme_attr(UI_COLOR_NORMAL);
	int x = x0;
	size_t at = 0;
	for (size_t k = 0; k <= nspans; k++) {
		size_t end = k < nspans ? spans[k].off : len;
		attrset(base);
		draw_piece(y, &x, line + at, end > at ? end - at : 0);
		if (k == nspans)
			break;
		/* the badge and the tree in their colours unless selected */
		enum ui_color c = spans[k].part == CONFIG_INDEX_BADGE ? badge.color : UI_COLOR_TREE;
		attrset(sel ? base : ui_theme_attr(c));
		draw_piece(y, &x, line + spans[k].off, spans[k].len);
		at = spans[k].off + spans[k].len;
	}
	attrset(base);
	if (x < COLS)
		ui_draw_text(y, x, COLS - x, "");
	attrset(ui_theme_attr(UI_COLOR_NORMAL));
}

static const char *sort_name(enum store_view_sort sort)
{
	static const char *const names[] = { "date", "from", "subject", "threads" };
	return names[sort];
}

static void draw_status(struct ui_index *ix, size_t top, int rows)
{
	struct store_view_counts counts;
	/* the first paint does not wait for the counts: the next one has them */
	int counted = store_view_list_counts(&ix->list, &counts, ix->painted);
	size_t flagged = counts.flagged, deleted = counts.deleted;
	char extra[64] = "", unread[32] = "", lim[300] = "", status[1024];
	if (counted)
		snprintf(unread, sizeof unread, " Unread:%zu", counts.unread);
	if (counted && flagged)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " Flag:%zu", flagged);
	if (counted && deleted)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " Del:%zu", deleted);
	if (ix->limit)
		snprintf(lim, sizeof lim, " (limit: %s)", ix->limit);
	size_t pct = ix->nrows ? (top + (size_t)rows) * 100 / ix->nrows : 100;
	const char *sync = ui_bgsync_status(ix->bg);
	snprintf(status, sizeof status, "-*-frank: %s [Msgs:%zu%s%s]%s%s%s---(%s)---(%s)",
		 ix->label, ix->list.count, unread, extra, sync[0] ? " " : "", sync, lim,
		 sort_name(ix->sort),
		 pct >= 100 ? "end" : top == 0 ? "top" : "middle");
	ui_draw_bar(LINES - 2, status);
}

static void draw_index(struct ui_index *ix)
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
	if (top < ix->nrows) /* the screen's messages in one pass over the index */
		store_view_list_fill(&ix->list, ix->rows[top],
				     ix->rows[top + (size_t)rows < ix->nrows ? top + (size_t)rows
									     : ix->nrows - 1] + 1);
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

/* find_next in a lazy list (rows are its items): the store searches it
 * without keeping what it read. */
static void find_next_lazy(struct ui_index *ix,
			   int (*match)(const struct store_view_message *, void *), void *arg,
			   const char *none)
{
	size_t found;
	int wrapped = 0;
	if (!store_view_list_find(&ix->list, ix->cur, match, arg, &found, &wrapped)) {
		ui_message("%s", none);
		return;
	}
	ui_message("%s", wrapped ? "Search wrapped to top." : "");
	ix->cur = found;
}

/* The next row after the cursor (wrapping) whose message matches. */
static void find_next(struct ui_index *ix, int (*match)(const struct store_view_message *,
							 void *),
		      void *arg, const char *none)
{
	if (ix->list.stream) {
		find_next_lazy(ix, match, arg, none);
		return;
	}
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

static int match_text(const struct store_view_message *m, void *text)
{
	return contains(m->subject, text) || contains(m->from, text);
}

static int match_unread(const struct store_view_message *m, void *unused)
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
	store_view_list_changed(&ix->list);
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
	/* collapsing needs every thread's extent (m stays: items never move) */
	if (!all_read(ix))
		store_view_list_fill(&ix->list, 0, ix->list.count);
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
	if (ix->nrows == ix->list.count) /* every message is a row */
		ix->cur = i;
	for (size_t r = 0; ix->nrows != ix->list.count && r < ix->nrows; r++)
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

/* FRANK_BENCH_LOG=FILE (tests/bench/first_screen.sh): frank appends
 * "paint REALTIME_NS" after its first screen reached the terminal
 * (refresh(): doupdate() has written it), and "key FN NS" for each
 * key: the time from the key read to its screen written. */
struct index_bench {
	FILE *log;
	int painted;
	struct timespec key_at;
	enum ui_fn key_fn;
};

static long long bench_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void bench_painted(struct index_bench *b)
{
	if (!b->log)
		return;
	struct timespec now;
	if (!b->painted) {
		clock_gettime(CLOCK_REALTIME, &now);
		fprintf(b->log, "paint %lld\n", bench_ns(&now));
		b->painted = 1;
	} else if (b->key_fn != UI_FN_NONE) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		fprintf(b->log, "key %s %lld\n", ui_fn_name(b->key_fn),
			bench_ns(&now) - bench_ns(&b->key_at));
		b->key_fn = UI_FN_NONE;
	}
	fflush(b->log);
}

static void bench_key(struct index_bench *b, enum ui_fn fn)
{
	if (!b->log)
		return;
	b->key_fn = fn;
	clock_gettime(CLOCK_MONOTONIC, &b->key_at);
}

/* What the first screen does not wait for (the next paint shows it):
 * the status bar's counts (queries over the whole folder), the sidebar
 * (two counts per folder), and the background syncs (a process each). */
static void after_first_paint(struct ui_index *ix)
{
	ix->painted = 1;
	if (ix->s->cfg && ix->s->cfg->opt.sidebar_visible)
		sidebar_toggle(ix);
	bgsync_begin(ix);
	ui_bench_phase("after-paint");
}

static void index_loop(struct ui_index *ix)
{
	const char *bench_log = getenv("FRANK_BENCH_LOG");
	struct index_bench bench = { .key_fn = UI_FN_NONE };
	if (bench_log && bench_log[0])
		bench.log = fopen(bench_log, "ae");
	for (;;) {
		draw_index(ix);
		refresh();
		bench_painted(&bench);
		if (!ix->painted) {
			after_first_paint(ix);
			continue;
		}
		enum ui_fn fn;
		int got = ui_bgsync_wait_fn(ix->bg, &ix->s->keys, UI_MENU_INDEX, &fn);
		if (got < 0)
			break;
		if (got == 2) {
			on_bgsync(ix);
			continue;
		}
		if (got > 0)
			bench_key(&bench, fn);
		/* got 0: resized, the next turn redraws at the new size */
		if (got > 0 && index_dispatch(ix, fn))
			break;
	}
	if (bench.log)
		fclose(bench.log);
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
	ui_bench_phase("query");
	if (rc == 0)
		index_loop(&ix);
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
