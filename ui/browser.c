/* browser.c: the file browser of the compose screen's attach-file (mutt's
 * "'?' for list"): one folder's entries, folders first; Enter opens a
 * folder or picks a file, "-" (or Backspace, Left) goes up, the index's
 * quit leaves with nothing.  Movement keys are the index's. */
#include "ui_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct browser_entry {
	char *name;
	int dir;
	long long size;
};

struct browser {
	char *dir; /* absolute, resolved */
	struct browser_entry *items;
	size_t count, cur;
};

static void browser_clear(struct browser *b)
{
	for (size_t i = 0; i < b->count; i++)
		free(b->items[i].name);
	free(b->items);
	free(b->dir);
	b->items = NULL;
	b->dir = NULL;
	b->count = b->cur = 0;
}

static int entry_order(const void *pa, const void *pb)
{
	const struct browser_entry *a = pa, *b = pb;
	if (a->dir != b->dir)
		return b->dir - a->dir;
	return strcmp(a->name, b->name);
}

static void add_entry(struct browser *b, const char *name, const struct stat *sb)
{
	b->items = lib_xrealloc(b->items, (b->count + 1) * sizeof *b->items);
	b->items[b->count++] = (struct browser_entry){ lib_xstrdup(name), S_ISDIR(sb->st_mode),
						       (long long)sb->st_size };
}

/* Reads dir into b (replacing what it held).  On error b is unchanged. */
static int browser_read(struct browser *b, const char *dir, struct lib_err *err)
{
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return lib_err_set(err, "%s: %s", dir, strerror(errno));
	DIR *d = opendir(real);
	if (!d)
		return lib_err_set(err, "%s: %s", real, strerror(errno));
	browser_clear(b);
	b->dir = lib_xstrdup(real);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *path = lib_xasprintf("%s/%s", strcmp(real, "/") == 0 ? "" : real, de->d_name);
		struct stat sb;
		if (stat(path, &sb) == 0) /* a dangling link is not offered */
			add_entry(b, de->d_name, &sb);
		free(path);
	}
	closedir(d);
	qsort(b->items, b->count, sizeof *b->items, entry_order);
	return 0;
}

static void browser_draw(const struct browser *b)
{
	erase();
	ui_draw_bar(0, "Enter:Open/Choose  -:Parent folder  q:Cancel");
	int rows = ui_body_rows();
	size_t top = b->cur / (size_t)rows * (size_t)rows;
	for (int r = 0; r < rows && top + (size_t)r < b->count; r++) {
		const struct browser_entry *e = &b->items[top + (size_t)r];
		char size[32] = "";
		if (!e->dir)
			snprintf(size, sizeof size, "%lld", e->size);
		char *line = lib_xasprintf("%12s  %s%s", size, e->name, e->dir ? "/" : "");
		attrset(top + (size_t)r == b->cur ? ui_theme_attr(UI_COLOR_INDICATOR)
						  : ui_theme_attr(UI_COLOR_NORMAL));
		ui_draw_text(1 + r, 0, COLS, line);
		attrset(ui_theme_attr(UI_COLOR_NORMAL));
		free(line);
	}
	char *status = lib_xasprintf("---Attach a file: %s [%zu entries]", b->dir, b->count);
	ui_draw_bar(LINES - 2, status);
	free(status);
	if (!b->count)
		ui_message("This folder is empty.");
}

static void browser_move(struct browser *b, enum ui_fn fn)
{
	size_t rows = (size_t)ui_body_rows(), last = b->count ? b->count - 1 : 0;
	switch (fn) {
	case UI_FN_NEXT_ENTRY: b->cur = b->cur < last ? b->cur + 1 : last; break;
	case UI_FN_PREVIOUS_ENTRY: b->cur = b->cur ? b->cur - 1 : 0; break;
	case UI_FN_NEXT_PAGE: b->cur = b->cur + rows < last ? b->cur + rows : last; break;
	case UI_FN_PREVIOUS_PAGE: b->cur = b->cur > rows ? b->cur - rows : 0; break;
	case UI_FN_FIRST_ENTRY: b->cur = 0; break;
	case UI_FN_LAST_ENTRY: b->cur = last; break;
	default: break;
	}
}

/* Enter on the selected entry: 1 with out set for a file, 0 otherwise. */
static int browser_choose(struct browser *b, char *out, size_t size)
{
	if (!b->count)
		return 0;
	const struct browser_entry *e = &b->items[b->cur];
	char *path = lib_xasprintf("%s/%s", strcmp(b->dir, "/") == 0 ? "" : b->dir, e->name);
	int chosen = 0;
	struct lib_err err;
	if (!e->dir) {
		chosen = snprintf(out, size, "%s", path) < (int)size;
		if (!chosen)
			ui_error("The path is too long.");
	} else if (browser_read(b, path, &err) < 0) {
		ui_error("%s", err.msg);
	}
	free(path);
	return chosen;
}

int ui_browse_file(struct ui_session *s, const char *start, char *out, size_t size)
{
	struct browser b = { 0 };
	struct lib_err err;
	if (browser_read(&b, start, &err) < 0) {
		ui_error("%s", err.msg);
		return -1;
	}
	int rc = -1;
	for (;;) {
		browser_draw(&b);
		refresh();
		int key = ui_read_key();
		if (key == UI_KEY_GONE)
			break;
		if (key == '-' || key == CONFIG_KEY_BACKSPACE || key == CONFIG_KEY_LEFT) {
			char *up = lib_xasprintf("%s/..", b.dir);
			if (browser_read(&b, up, &err) < 0)
				ui_error("%s", err.msg);
			free(up);
			continue;
		}
		if (key <= 0)
			continue;
		enum ui_fn fn = ui_keys_lookup(&s->keys, UI_MENU_INDEX, key);
		if (fn == UI_FN_QUIT || fn == UI_FN_EXIT || key == 27 /* Esc */)
			break;
		if (fn == UI_FN_DISPLAY_MESSAGE || key == '\n' || key == '\r') {
			if (browser_choose(&b, out, size)) {
				rc = 0;
				break;
			}
			continue;
		}
		browser_move(&b, fn);
	}
	browser_clear(&b);
	erase();
	return rc;
}
