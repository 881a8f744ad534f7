/* sidebar.c: the accounts and their folders with unread/total counts, and
 * a first entry for the unified view of every account. */
#include "ui_internal.h"
#include "ui_sidebar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ui_sidebar_load(struct ui_sidebar *sb, struct store_view *view, struct lib_err *err)
{
	struct store_view_folders folders;
	if (store_view_folders(view, &folders, err) < 0)
		return -1;
	store_view_folders_release(&sb->folders);
	sb->folders = folders;
	sb->unified = store_view_is_mail_root(view);
	if (sb->unified) {
		size_t total = 0, unread = 0;
		for (size_t i = 0; i < folders.count; i++) {
			total += folders.items[i].total;
			unread += folders.items[i].unread;
		}
		sb->all_total = total;
		sb->all_unread = unread;
	}
	if (sb->cur >= ui_sidebar_count(sb))
		sb->cur = 0;
	return 0;
}

void ui_sidebar_release(struct ui_sidebar *sb)
{
	store_view_folders_release(&sb->folders);
}

size_t ui_sidebar_count(const struct ui_sidebar *sb)
{
	return sb->folders.count + (sb->unified ? 1 : 0);
}

/* Entry i: its query and the label the status bar shows. */
void ui_sidebar_entry(const struct ui_sidebar *sb, size_t i, const char **query, char *label,
		      size_t size)
{
	if (sb->unified && i == 0) {
		*query = "*";
		snprintf(label, size, "All mail");
		return;
	}
	const struct store_view_folder *f = &sb->folders.items[i - (sb->unified ? 1 : 0)];
	*query = f->query;
	if (f->account[0])
		snprintf(label, size, "%s/%s", f->account, f->name);
	else
		snprintf(label, size, "%s", f->name);
}

/* The entry whose query is query, or 0. */
size_t ui_sidebar_find(const struct ui_sidebar *sb, const char *query)
{
	for (size_t i = 0; i < ui_sidebar_count(sb); i++) {
		const char *q;
		char label[256];
		ui_sidebar_entry(sb, i, &q, label, sizeof label);
		if (strcmp(q, query) == 0)
			return i;
	}
	return 0;
}

static void entry_text(const struct ui_sidebar *sb, size_t i, char *buf, size_t size)
{
	if (sb->unified && i == 0) {
		snprintf(buf, size, "All mail %zu/%zu", sb->all_unread, sb->all_total);
		return;
	}
	const struct store_view_folder *f = &sb->folders.items[i - (sb->unified ? 1 : 0)];
	/* An account's first folder names the account; the rest indent. */
	size_t k = i - (sb->unified ? 1 : 0);
	int first = k == 0 || strcmp(sb->folders.items[k - 1].account, f->account) != 0;
	if (f->account[0] && first)
		snprintf(buf, size, "%s/%s %zu/%zu", f->account, f->name, f->unread, f->total);
	else
		snprintf(buf, size, "  %s %zu/%zu", f->name, f->unread, f->total);
}

void ui_sidebar_draw(const struct ui_sidebar *sb, size_t open)
{
	int rows = ui_body_rows(), w = UI_SIDEBAR_WIDTH;
	size_t n = ui_sidebar_count(sb);
	size_t top = sb->cur >= (size_t)rows ? sb->cur - (size_t)rows + 1 : 0;
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		char text[256] = "";
		if (i < n)
			entry_text(sb, i, text, sizeof text);
		int a = i == sb->cur ? ui_theme_attr(UI_COLOR_INDICATOR)
				     : ui_theme_attr(UI_COLOR_SIDEBAR) | (i == open ? (int)A_BOLD : 0);
		attron(a);
		ui_draw_text(1 + r, 0, w - 1, text);
		attroff(a);
		mvaddch(1 + r, w - 1, '|');
	}
}
