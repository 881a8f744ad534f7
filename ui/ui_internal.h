/* ui_internal.h: what the files of ui/ share. */
#ifndef FRANK_UI_INTERNAL_H
#define FRANK_UI_INTERNAL_H

#include <curses.h>
#include <stddef.h>

#include "config.h"
#include "lib.h"
#include "store.h"

enum ui_menu { UI_MENU_INDEX, UI_MENU_PAGER, UI_MENU_COUNT };

/* Every action is a named function (keys.c has the table with help text). */
enum ui_fn {
	UI_FN_NONE,
	UI_FN_HELP,
	UI_FN_REDRAW,
	UI_FN_QUIT,
	UI_FN_EXIT,
	UI_FN_NEXT_ENTRY,
	UI_FN_PREVIOUS_ENTRY,
	UI_FN_NEXT_PAGE,
	UI_FN_PREVIOUS_PAGE,
	UI_FN_FIRST_ENTRY,
	UI_FN_LAST_ENTRY,
	UI_FN_DISPLAY_MESSAGE,
	UI_FN_NEXT_LINE,
	UI_FN_PREVIOUS_LINE,
	UI_FN_TOP,
	UI_FN_BOTTOM,
};

struct ui_bind {
	enum ui_menu menu;
	int key; /* a config key (code point or CONFIG_KEY_*) */
	enum ui_fn fn;
};

/* The live key map: bindings in the order they were read; later wins. */
struct ui_keys {
	struct ui_bind *binds;
	size_t count;
};

int ui_keys_load(struct ui_keys *keys, const struct config_keymap *km, struct lib_err *err);
void ui_keys_release(struct ui_keys *keys);
enum ui_fn ui_keys_lookup(const struct ui_keys *keys, enum ui_menu menu, int key);
const char *ui_fn_name(enum ui_fn fn);
const char *ui_fn_help(enum ui_fn fn);
/* The first key bound to fn in menu, as text ("j", "<down>"), or "". */
void ui_keys_first(const struct ui_keys *keys, enum ui_menu menu, enum ui_fn fn, char *buf,
		   size_t size);

/* A curses key code (from get_wch) as a config key. */
int ui_key_from_curses(int is_function_key, wint_t ch);
/* Waits for a key: a config key, 0 after a terminal resize, -1 for an
 * unknown key or an interrupted wait, UI_KEY_GONE when the terminal is gone
 * (every screen then unwinds, so frank ends instead of spinning). */
#define UI_KEY_GONE (-2)
int ui_read_key(void);
/* The help bar (line 0): the first key of each fn with its label. */
void ui_draw_help_bar(const struct ui_keys *keys, enum ui_menu menu, const enum ui_fn *fns,
		      const char *const *labels, size_t n);

/* Drawing (draw.c).  Text is UTF-8; width is in terminal columns. */
void ui_draw_text(int y, int x, int width, const char *text);
/* Same, for the first len bytes of text (a line of a longer text). */
void ui_draw_textn(int y, int x, int width, const char *text, size_t len);
int ui_text_width(const char *text);
/* Bytes of text that fit in width columns; *used gets the columns taken. */
size_t ui_text_fit(const char *text, int width, int *used);
void ui_draw_bar(int y, const char *text);
void ui_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Rows of the body of a screen: between the help bar at the top and the
 * status bar and message line at the bottom. */
int ui_body_rows(void);

/* A text wrapped to the screen width and scrolled (textview.c): the pager
 * and the help screen show their text through it. */
struct ui_textview_line {
	size_t off, len;
};
struct ui_textview {
	const char *text; /* borrowed: the owner keeps it alive */
	struct ui_textview_line *lines;
	size_t count;
	size_t top;
	int width;
};
/* Wraps text to width columns, at a space when a line has one (mutt's
 * smart_wrap).  Keeps top within the new line count. */
void ui_textview_wrap(struct ui_textview *tv, const char *text, int width);
void ui_textview_release(struct ui_textview *tv);
void ui_textview_draw(const struct ui_textview *tv);
/* Applies a movement function; returns 1 when fn was one. */
int ui_textview_scroll(struct ui_textview *tv, enum ui_fn fn);
/* Where the view is, as mutt says it: "all", "top", "end" or "NN%". */
void ui_textview_position(const struct ui_textview *tv, char *buf, size_t size);

/* The screens; each returns when the user leaves it. */
int ui_pager_show(const struct ui_keys *keys, const struct store_list *list, size_t *current);
void ui_help_show(const struct ui_keys *keys, enum ui_menu menu);

#endif
