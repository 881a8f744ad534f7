/* ui_sidebar.h: the sidebar's model, shared by sidebar.c and index.c. */
#ifndef FRANK_UI_SIDEBAR_H
#define FRANK_UI_SIDEBAR_H

#include "ui_internal.h"

#define UI_SIDEBAR_WIDTH 28

struct ui_sidebar {
	int visible;
	int unified; /* a first "All mail" entry (a mail root) */
	struct store_view_folders folders;
	size_t all_total, all_unread;
	size_t cur;  /* the highlighted entry */
};

int ui_sidebar_load(struct ui_sidebar *sb, struct store_view *view, struct lib_err *err);
void ui_sidebar_release(struct ui_sidebar *sb);
size_t ui_sidebar_count(const struct ui_sidebar *sb);
void ui_sidebar_entry(const struct ui_sidebar *sb, size_t i, const char **query, char *label,
		      size_t size);
size_t ui_sidebar_find(const struct ui_sidebar *sb, const char *query);
/* Draws it on the left of the body; open is the entry shown. */
void ui_sidebar_draw(const struct ui_sidebar *sb, size_t open);

#endif
