/* ui_internal.h: what the files of ui/ share. */
#ifndef FRANK_UI_INTERNAL_H
#define FRANK_UI_INTERNAL_H

#include <curses.h>
#include <stdarg.h>
#include <stddef.h>

#include "config.h"
#include "lib.h"
#include "store.h"
#include "ui_text.h"

enum ui_menu {
	UI_MENU_INDEX,
	UI_MENU_PAGER,
	UI_MENU_ATTACH,
	UI_MENU_VERIFY,
	UI_MENU_COMPOSE,
	UI_MENU_URL,
	UI_MENU_COUNT
};

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
	UI_FN_VERIFY,          /* the verification view */
	UI_FN_VERIFY_AGAIN,
	UI_FN_VIEW_ATTACHMENTS,
	UI_FN_VIEW_ATTACH,     /* show one part */
	UI_FN_SAVE_ENTRY,
	UI_FN_SAVE_ALL,
	UI_FN_PIPE_ENTRY,
	UI_FN_LIMIT,
	UI_FN_SEARCH,
	UI_FN_SEARCH_NEXT,
	UI_FN_NEXT_UNREAD,
	UI_FN_FLAG_MESSAGE,
	UI_FN_DELETE_MESSAGE,
	UI_FN_UNDELETE_MESSAGE,
	UI_FN_TOGGLE_NEW,
	UI_FN_MODIFY_LABELS,
	UI_FN_COLLAPSE_THREAD,
	UI_FN_COLLAPSE_ALL,
	UI_FN_SORT,
	UI_FN_SIDEBAR_TOGGLE,
	UI_FN_SIDEBAR_NEXT,
	UI_FN_SIDEBAR_PREV,
	UI_FN_SIDEBAR_OPEN,
	UI_FN_ENTER_COMMAND,
	UI_FN_SYNC_MAILBOX,
	UI_FN_MAIL,
	UI_FN_REPLY,
	UI_FN_GROUP_REPLY,
	UI_FN_FORWARD,
	UI_FN_SEND,
	UI_FN_POSTPONE,
	UI_FN_EDIT_MESSAGE,
	UI_FN_EDIT_TO,
	UI_FN_EDIT_CC,
	UI_FN_EDIT_SUBJECT,
	UI_FN_ATTACH_FILE,
	UI_FN_DETACH_FILE,
	UI_FN_URL_LIST,        /* the URLs of the message */
	UI_FN_OPEN_URL,
};

struct ui_bind {
	enum ui_menu menu;
	int key; /* a config key (code point or CONFIG_KEY_*) */
	enum ui_fn fn;
};

/* A macro: keys pushed into the input when its key is pressed.  A step
 * that names a function is UI_KEY_FN + the function. */
#define UI_KEY_FN 0x200000
struct ui_macro {
	enum ui_menu menu;
	int key;
	int *steps;
	size_t nsteps;
	const char *text;        /* the sequence as written (the config's) */
	const char *description; /* or NULL */
};

/* The live key map: bindings in the order they were read; later wins;
 * a macro on a key wins over a binding. */
struct ui_keys {
	struct ui_bind *binds;
	size_t count;
	struct ui_macro *macros;
	size_t nmacros;
};

int ui_keys_load(struct ui_keys *keys, const struct config_keymap *km, struct lib_err *err);
void ui_keys_release(struct ui_keys *keys);
/* Adds cfg's macros (their texts stay the config's).  -1 with err set
 * ("file:line: ...") for a bad menu or an unknown function. */
int ui_keys_load_macros(struct ui_keys *keys, const struct config *cfg, struct lib_err *err);
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
/* ^Z (suspend.c): _init catches SIGTSTP once curses runs; _check, when
 * one came, stops frank the way the shell expects and redraws on fg:
 * 1 then (the caller redraws), else 0. */
void ui_suspend_init(void);
int ui_suspend_check(void);
/* Refreshes the screen, waits for a key and looks it up in menu: 1 with
 * *fn set (UI_FN_NONE for an unbound key), 0 after a resize (redraw),
 * -1 when the terminal is gone. */
int ui_wait_fn(const struct ui_keys *keys, enum ui_menu menu, enum ui_fn *fn);
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
/* The message line in attributes attr. */
void ui_vmessage(int attr, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

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
	/* May be NULL: the attributes to draw a line with (quoted text...). */
	int (*line_attr)(const char *line, size_t len, void *ctx);
	void *ctx;
	const char *highlight; /* borrowed; NULL: none: matches drawn in reverse */
};
/* The first line at or after line from that holds needle (caseless when
 * needle has no capital letter), or (size_t)-1. */
size_t ui_textview_find(const struct ui_textview *tv, size_t from, const char *needle);
/* Wraps text to width columns, at a space when a line has one (mutt's
 * smart_wrap).  Keeps top within the new line count. */
void ui_textview_wrap(struct ui_textview *tv, const char *text, int width);
void ui_textview_release(struct ui_textview *tv);
void ui_textview_draw(const struct ui_textview *tv);
/* Applies a movement function; returns 1 when fn was one. */
int ui_textview_scroll(struct ui_textview *tv, enum ui_fn fn);
/* Where the view is, as mutt says it: "all", "top", "end" or "NN%". */
void ui_textview_position(const struct ui_textview *tv, char *buf, size_t size);

/* --- The session every screen shares ------------------------------------ */

struct ui_session {
	struct store_view *view;
	struct config *cfg;        /* the live configuration (":" changes it) */
	struct ui_keys keys;
	int utf8;                  /* the locale's characters are UTF-8 */
};

/* Colours (theme.c): one pair per object, set up from the default theme
 * for 8 or 256 colours and the user's "color" lines. */
enum ui_color {
	UI_COLOR_NORMAL,
	UI_COLOR_INDICATOR,
	UI_COLOR_STATUS,
	UI_COLOR_ERROR,
	UI_COLOR_QUOTED,
	UI_COLOR_SIGNATURE,
	UI_COLOR_HEADER,
	UI_COLOR_TREE,
	UI_COLOR_SIDEBAR,
	UI_COLOR_BADGE_VERIFIED,
	UI_COLOR_BADGE_FAILED,
	UI_COLOR_BADGE_PARTIAL,
	UI_COLOR_BADGE_NONE,
	UI_COLOR_BADGE_UNKNOWN,
	UI_COLOR_WARNING,
	UI_COLOR_COUNT
};
void ui_theme_init(const struct config *cfg);
/* The attributes (colour pair and A_*) of an object. */
int ui_theme_attr(enum ui_color c);

/* A badge as drawn: its character ("✓", or "+" without UTF-8), colour
 * and the word for it.  badge is frank.badge ("" when never verified). */
struct ui_badge {
	const char *glyph;
	enum ui_color color;
	const char *word;
};
void ui_badge_of(const char *badge, int utf8, struct ui_badge *out);

/* Asks a question on the message line; buf holds the default and gets
 * the answer.  Returns 0, or -1 when the user cancels (^G or Esc).
 * flags: UI_PROMPT_PATHS, Tab completes a file name; UI_PROMPT_SECRET,
 * the answer shows as stars (a password). */
#define UI_PROMPT_PATHS 1
#define UI_PROMPT_SECRET 2
int ui_prompt(const char *question, char *buf, size_t size, int flags);
/* Asks a yes/no question; 1 for yes. */
int ui_yesno(const char *question);
/* A file browser from folder start (browser.c); the chosen file's
 * absolute path goes into out.  Returns 0, or -1 when the user leaves
 * without one. */
int ui_browse_file(struct ui_session *s, const char *start, char *out, size_t size);
/* Shows an error on the message line, in the error colour. */
void ui_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Leaves curses to run a command on the terminal (an editor, a pipe);
 * returns its exit status, or -1.  wait: ask for a key before coming back. */
int ui_shell(const char *command, const char *input, size_t input_len, int wait);

/* With FRANK_BENCH_LOG set, logs the end of a phase of the start
 * (bench.c). */
void ui_bench_phase(const char *name);

/* The screens; each returns when the user leaves it.  The pager and the
 * views it opens work on item *current of list, read through
 * store_view_list_at() (a lazy list is read as the pager steps). */
int ui_pager_show(struct ui_session *s, struct store_view_list *list, size_t *current);
void ui_help_show(const struct ui_keys *keys, enum ui_menu menu);
void ui_verify_show(struct ui_session *s, struct store_view_message *m);
void ui_attach_show(struct ui_session *s, const struct store_view_message *m);
struct mime_links;
/* The URL list (url.c): picks one of links and opens it with the
 * url_command option, the URL one argument of its own (no shell). */
void ui_url_show(struct ui_session *s, const struct mime_links *links);
/* next-entry and previous-entry in a list of count rows: moves *cur
 * (staying in the list) and returns 1; 0 for any other fn. */
int ui_list_move(size_t *cur, size_t count, enum ui_fn fn);
/* Shows a text (help, a part) in a scrolled view until the user leaves. */
void ui_text_show(const struct ui_keys *keys, const char *title, const char *text);
/* m NULL: a new message; else a reply (group: to all) or forward of m. */
void ui_compose_start(struct ui_session *s, enum ui_fn how, const struct store_view_message *m);
/* The index screen, until the user quits (index.c). */
int ui_index_run(struct ui_session *s, const char *query, const char *label,
		 struct lib_err *err);
/* ":": reads a configuration command and applies it (bind, set, color). */
void ui_command(struct ui_session *s);
/* Loads the default key map and then cfg's bindings into s->keys. */
int ui_session_keys(struct ui_session *s, struct lib_err *err);
/* Background syncs (bgsync.c): "frank sync" children that report through
 * pipes the key wait polls, so the UI never blocks on the network. */
struct ui_bgsync;
struct ui_bgsync *ui_bgsync_new(const struct config *cfg);
/* Kills (SIGTERM, then SIGKILL) and reaps every child.  NULL is fine. */
void ui_bgsync_free(struct ui_bgsync *bg);
/* As frank starts: a "frank sync --idle" child per IMAP account with
 * imap_idle, and with sync_on_start one child syncing the rest. */
int ui_bgsync_start_session(struct ui_bgsync *bg, struct lib_err *err);
/* $: one child syncing every account, unless one already runs. */
int ui_bgsync_start(struct ui_bgsync *bg, struct lib_err *err);
/* ui_wait_fn that also reads the children meanwhile: 1, 0 and -1 as it
 * does, or 2 when a child reported something (ui_bgsync_take).  bg may be
 * NULL. */
int ui_bgsync_wait_fn(struct ui_bgsync *bg, const struct ui_keys *keys, enum ui_menu menu,
		      enum ui_fn *fn);
#define UI_BGSYNC_REOPEN 1 /* the store changed: open the view again */
#define UI_BGSYNC_STATUS 2 /* the progress text changed */
#define UI_BGSYNC_ERROR 4  /* a sync failed: error holds its one line */
#define UI_BGSYNC_SYNCED 8 /* a sync of every account ended well */
/* The events since the last call; error gets the failure's line. */
unsigned ui_bgsync_take(struct ui_bgsync *bg, char *error, size_t size);
/* "Sync alice: INBOX 120/500", "" when nothing runs (owned by bg). */
const char *ui_bgsync_status(struct ui_bgsync *bg);

/* The account a message's folder belongs to (NULL: the default one). */
const struct config_account *ui_account_of(struct ui_session *s, const char *path);

#endif
