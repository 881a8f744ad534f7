/* keys.c: named functions and the live key map. */
#include "ui.h"
#include "ui_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENU_BIT(m) (1u << (m))
#define IX MENU_BIT(UI_MENU_INDEX)
#define PG MENU_BIT(UI_MENU_PAGER)
#define AT MENU_BIT(UI_MENU_ATTACH)
#define VF MENU_BIT(UI_MENU_VERIFY)
#define CO MENU_BIT(UI_MENU_COMPOSE)
#define UR MENU_BIT(UI_MENU_URL)
#define ALL (IX | PG | AT | VF | CO | UR)
#define BOTH (IX | PG)

static const struct {
	enum ui_fn fn;
	const char *name;
	unsigned menus;
	const char *help;
} functions[] = {
	{ UI_FN_HELP, "help", ALL, "show the key bindings of this screen" },
	{ UI_FN_REDRAW, "redraw-screen", ALL, "clear and redraw the screen" },
	{ UI_FN_QUIT, "quit", IX | CO, "leave frank (compose: abort the message)" },
	{ UI_FN_EXIT, "exit", PG | AT | VF | UR, "return to the previous screen" },
	{ UI_FN_NEXT_ENTRY, "next-entry", BOTH | AT | CO | UR, "move to the next message" },
	{ UI_FN_PREVIOUS_ENTRY, "previous-entry", BOTH | AT | CO | UR, "move to the previous message" },
	{ UI_FN_NEXT_PAGE, "next-page", ALL, "move one screen down" },
	{ UI_FN_PREVIOUS_PAGE, "previous-page", ALL, "move one screen up" },
	{ UI_FN_FIRST_ENTRY, "first-entry", IX, "move to the first message" },
	{ UI_FN_LAST_ENTRY, "last-entry", IX, "move to the last message" },
	{ UI_FN_DISPLAY_MESSAGE, "display-message", IX, "read the message" },
	{ UI_FN_NEXT_LINE, "next-line", PG | VF, "scroll down one line" },
	{ UI_FN_PREVIOUS_LINE, "previous-line", PG | VF, "scroll up one line" },
	{ UI_FN_TOP, "top", PG | VF, "jump to the top" },
	{ UI_FN_BOTTOM, "bottom", PG | VF, "jump to the bottom" },
	{ UI_FN_VERIFY, "verify-view", BOTH, "explain the badge: every step of the verification" },
	{ UI_FN_VERIFY_AGAIN, "verify-again", VF, "verify the message again now (live DNS)" },
	{ UI_FN_VIEW_ATTACHMENTS, "view-attachments", BOTH, "list the parts of the message" },
	{ UI_FN_VIEW_ATTACH, "view-attach", AT, "show the part as text" },
	{ UI_FN_SAVE_ENTRY, "save-entry", AT, "save the part to a file" },
	{ UI_FN_SAVE_ALL, "save-all", AT, "save every named part to a directory" },
	{ UI_FN_PIPE_ENTRY, "pipe-entry", AT, "pipe the part to a shell command" },
	{ UI_FN_LIMIT, "limit", IX, "show only messages matching a notmuch query" },
	{ UI_FN_SEARCH, "search", BOTH, "search for text (index: sender and subject)" },
	{ UI_FN_SEARCH_NEXT, "search-next", BOTH, "search again" },
	{ UI_FN_NEXT_UNREAD, "next-unread", BOTH, "jump to the next unread message" },
	{ UI_FN_FLAG_MESSAGE, "flag-message", BOTH, "toggle the message's flag (important)" },
	{ UI_FN_DELETE_MESSAGE, "delete-message", BOTH, "mark the message deleted (Maildir T)" },
	{ UI_FN_UNDELETE_MESSAGE, "undelete-message", BOTH, "take the deleted mark off" },
	{ UI_FN_TOGGLE_NEW, "toggle-new", IX, "mark the message read or unread" },
	{ UI_FN_MODIFY_LABELS, "modify-labels", BOTH, "add (+tag) or remove (-tag) notmuch tags" },
	{ UI_FN_COLLAPSE_THREAD, "collapse-thread", IX, "collapse or expand the thread" },
	{ UI_FN_COLLAPSE_ALL, "collapse-all", IX, "collapse or expand every thread" },
	{ UI_FN_SORT, "sort-mailbox", IX, "sort by date, sender, subject or thread" },
	{ UI_FN_SIDEBAR_TOGGLE, "sidebar-toggle-visible", IX, "show or hide the sidebar" },
	{ UI_FN_SIDEBAR_NEXT, "sidebar-next", IX, "select the next folder in the sidebar" },
	{ UI_FN_SIDEBAR_PREV, "sidebar-prev", IX, "select the previous folder in the sidebar" },
	{ UI_FN_SIDEBAR_OPEN, "sidebar-open", IX, "open the folder selected in the sidebar" },
	{ UI_FN_SYNC_MAILBOX, "sync-mailbox", IX, "fetch new mail: frank sync of every account" },
	{ UI_FN_ENTER_COMMAND, "enter-command", BOTH, "run a configuration command (set, bind, color)" },
	{ UI_FN_MAIL, "mail", BOTH, "write a new message" },
	{ UI_FN_REPLY, "reply", BOTH, "reply to the sender" },
	{ UI_FN_GROUP_REPLY, "group-reply", BOTH, "reply to every recipient" },
	{ UI_FN_FORWARD, "forward-message", BOTH, "forward the message" },
	{ UI_FN_SEND, "send-message", CO, "send the message" },
	{ UI_FN_POSTPONE, "postpone-message", CO, "keep the message in Drafts for later" },
	{ UI_FN_EDIT_MESSAGE, "edit-message", CO, "edit the message in $EDITOR" },
	{ UI_FN_EDIT_TO, "edit-to", CO, "edit the To: list" },
	{ UI_FN_EDIT_CC, "edit-cc", CO, "edit the Cc: list" },
	{ UI_FN_EDIT_SUBJECT, "edit-subject", CO, "edit the subject" },
	{ UI_FN_ATTACH_FILE, "attach-file", CO, "attach a file" },
	{ UI_FN_DETACH_FILE, "detach-file", CO, "remove the last attachment" },
	{ UI_FN_URL_LIST, "url-list", PG, "list the URLs of the message to open one" },
	{ UI_FN_OPEN_URL, "open-url", UR, "open the URL with url_command" },
};

#define NFUNCTIONS (sizeof functions / sizeof functions[0])

const char *ui_fn_name(enum ui_fn fn)
{
	for (size_t i = 0; i < NFUNCTIONS; i++)
		if (functions[i].fn == fn)
			return functions[i].name;
	return "";
}

const char *ui_fn_help(enum ui_fn fn)
{
	for (size_t i = 0; i < NFUNCTIONS; i++)
		if (functions[i].fn == fn)
			return functions[i].help;
	return "";
}

static unsigned menu_bits(const char *name)
{
	static const struct {
		const char *name;
		unsigned bits;
	} menus_by_name[] = {
		{ "index", IX },   { "pager", PG },   { "attach", AT }, { "verify", VF },
		{ "compose", CO }, { "url", UR },     { "generic", ALL },
	};
	for (size_t i = 0; i < sizeof menus_by_name / sizeof menus_by_name[0]; i++)
		if (strcmp(name, menus_by_name[i].name) == 0)
			return menus_by_name[i].bits;
	return 0;
}

/* Resolves one binding to menu bits and a function, or sets err. */
static int resolve(const struct config_binding *b, unsigned *menus, enum ui_fn *fn,
		   struct lib_err *err)
{
	unsigned want = menu_bits(b->menu);
	if (!want)
		return lib_err_set(err, "unknown menu: %s", b->menu);
	for (size_t i = 0; i < NFUNCTIONS; i++) {
		if (strcmp(functions[i].name, b->function) != 0)
			continue;
		/* generic binds a function in the menus that have it. */
		*menus = want & functions[i].menus;
		if (!*menus)
			return lib_err_set(err, "function %s is not available in the %s menu",
					   b->function, b->menu);
		*fn = functions[i].fn;
		return 0;
	}
	return lib_err_set(err, "unknown function: %s", b->function);
}

int ui_keymap_check(const struct config_keymap *km, struct lib_err *err)
{
	for (size_t i = 0; i < km->count; i++) {
		unsigned menus;
		enum ui_fn fn;
		struct lib_err e;
		if (resolve(&km->bindings[i], &menus, &fn, &e) < 0)
			return lib_err_set(err, "%s:%d: %s", km->source ? km->source : "keymap",
					   km->bindings[i].line, e.msg);
	}
	return 0;
}

int ui_keys_load(struct ui_keys *keys, const struct config_keymap *km, struct lib_err *err)
{
	if (ui_keymap_check(km, err) < 0)
		return -1;
	for (size_t i = 0; i < km->count; i++) {
		unsigned menus;
		enum ui_fn fn;
		resolve(&km->bindings[i], &menus, &fn, NULL);
		for (int m = 0; m < UI_MENU_COUNT; m++) {
			if (!(menus & MENU_BIT(m)))
				continue;
			keys->binds = lib_xrealloc(keys->binds, (keys->count + 1) * sizeof *keys->binds);
			keys->binds[keys->count++] = (struct ui_bind){ (enum ui_menu)m,
								       km->bindings[i].key, fn };
		}
	}
	return 0;
}

void ui_keys_release(struct ui_keys *keys)
{
	free(keys->binds);
	keys->binds = NULL;
	keys->count = 0;
	for (size_t i = 0; i < keys->nmacros; i++)
		free(keys->macros[i].steps);
	free(keys->macros);
	keys->macros = NULL;
	keys->nmacros = 0;
}

/* A macro's steps as keys; a function by name, in any menu (a macro may
 * leave the screen it starts on). */
static int macro_keys(const struct config_macro *cm, int **keys, size_t *n, struct lib_err *err)
{
	struct config_macro_step *steps;
	size_t count;
	if (config_macro_steps(cm->keys, &steps, &count, err) < 0)
		return -1;
	*keys = lib_xcalloc(count ? count : 1, sizeof **keys);
	*n = count;
	for (size_t i = 0; i < count; i++) {
		(*keys)[i] = steps[i].key;
		if (!steps[i].function)
			continue;
		size_t f = 0;
		while (f < NFUNCTIONS && strcmp(functions[f].name, steps[i].function) != 0)
			f++;
		if (f == NFUNCTIONS) {
			lib_err_set(err, "unknown function in macro: <%s>", steps[i].function);
			config_macro_steps_free(steps, count);
			free(*keys);
			return -1;
		}
		(*keys)[i] = UI_KEY_FN + (int)functions[f].fn;
	}
	config_macro_steps_free(steps, count);
	return 0;
}

int ui_keys_load_macros(struct ui_keys *keys, const struct config *cfg, struct lib_err *err)
{
	for (size_t i = 0; i < cfg->nmacros; i++) {
		const struct config_macro *cm = &cfg->macros[i];
		unsigned menus = menu_bits(cm->menu);
		int *steps;
		size_t n;
		struct lib_err e;
		if (!menus)
			return lib_err_set(err, "%s:%d: unknown menu: %s", cm->source, cm->line, cm->menu);
		if (macro_keys(cm, &steps, &n, &e) < 0)
			return lib_err_set(err, "%s:%d: %s", cm->source, cm->line, e.msg);
		for (int m = 0; m < UI_MENU_COUNT; m++) {
			if (!(menus & MENU_BIT(m)))
				continue;
			keys->macros = lib_xrealloc(keys->macros, (keys->nmacros + 1) * sizeof *keys->macros);
			int *copy = lib_xcalloc(n ? n : 1, sizeof *copy);
			memcpy(copy, steps, n * sizeof *copy);
			keys->macros[keys->nmacros++] = (struct ui_macro){
				(enum ui_menu)m, cm->key, copy, n, cm->keys, cm->description
			};
		}
		free(steps);
	}
	return 0;
}

/* Keys waiting to be read: what macros pushed.  Bounded: a macro that
 * pushes itself stops when the queue is full. */
#define UI_PENDING_MAX 4096
static int pending[UI_PENDING_MAX];
static size_t npending;

/* Puts a macro's keys before whatever is still pending (a macro inside
 * a macro plays at once, as in mutt). */
static int push_keys(const int *keys, size_t n)
{
	if (n > UI_PENDING_MAX - npending)
		return -1;
	memmove(pending + n, pending, npending * sizeof *pending);
	memcpy(pending, keys, n * sizeof *pending);
	npending += n;
	return 0;
}

static const struct ui_macro *find_macro(const struct ui_keys *keys, enum ui_menu menu, int key)
{
	for (size_t i = keys->nmacros; i-- > 0;)
		if (keys->macros[i].menu == menu && keys->macros[i].key == key)
			return &keys->macros[i];
	return NULL;
}

static enum ui_fn lookup_in(const struct ui_keys *keys, enum ui_menu menu, int key)
{
	for (size_t i = keys->count; i-- > 0;)
		if (keys->binds[i].menu == menu && keys->binds[i].key == key)
			return keys->binds[i].fn;
	return UI_FN_NONE;
}

enum ui_fn ui_keys_lookup(const struct ui_keys *keys, enum ui_menu menu, int key)
{
	return lookup_in(keys, menu, key);
}

void ui_keys_first(const struct ui_keys *keys, enum ui_menu menu, enum ui_fn fn, char *buf,
		   size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < keys->count; i++) {
		const struct ui_bind *b = &keys->binds[i];
		/* Skip bindings a later one for the same key overrides. */
		if (b->menu == menu && b->fn == fn && ui_keys_lookup(keys, menu, b->key) == fn) {
			config_key_name(b->key, buf, size);
			return;
		}
	}
}

int ui_key_from_curses(int is_function_key, wint_t ch)
{
	if (!is_function_key)
		return ch == 127 ? CONFIG_KEY_BACKSPACE : (int)ch;
	switch (ch) {
	case KEY_UP: return CONFIG_KEY_UP;
	case KEY_DOWN: return CONFIG_KEY_DOWN;
	case KEY_LEFT: return CONFIG_KEY_LEFT;
	case KEY_RIGHT: return CONFIG_KEY_RIGHT;
	case KEY_PPAGE: return CONFIG_KEY_PAGEUP;
	case KEY_NPAGE: return CONFIG_KEY_PAGEDOWN;
	case KEY_HOME: return CONFIG_KEY_HOME;
	case KEY_END: return CONFIG_KEY_END;
	case KEY_ENTER: return CONFIG_KEY_ENTER;
	case KEY_BACKSPACE: return CONFIG_KEY_BACKSPACE;
	case KEY_DC: return CONFIG_KEY_DELETE;
	case KEY_IC: return CONFIG_KEY_INSERT;
	default: break;
	}
	if (ch >= (wint_t)KEY_F(1) && ch <= (wint_t)KEY_F(12))
		return CONFIG_KEY_F0 + (int)(ch - KEY_F0);
	return -1;
}

int ui_read_key(void)
{
	static int resumed; /* the first wait after fg may fail once */
	wint_t ch;
	if (npending > 0) {
		int k = pending[0];
		memmove(pending, pending + 1, --npending * sizeof *pending);
		return k;
	}
	if (ui_suspend_check()) {
		resumed = 1;
		return 0;
	}
	errno = 0;
	int rc = get_wch(&ch);
	if (rc == ERR) { /* blocking input fails only on a signal or a lost terminal */
		lib_debug("ui: the wait for a key failed: errno %d", errno);
		if (errno == EINTR && ui_suspend_check()) {
			resumed = 1;
			return 0;
		}
		if (errno != EINTR && !resumed)
			return UI_KEY_GONE;
		resumed = 0;
		return -1;
	}
	resumed = 0;
	if (rc == KEY_CODE_YES && ch == KEY_RESIZE)
		return 0;
	return ui_key_from_curses(rc == KEY_CODE_YES, ch);
}

int ui_wait_fn(const struct ui_keys *keys, enum ui_menu menu, enum ui_fn *fn)
{
	refresh();
	int k = ui_read_key();
	const struct ui_macro *macro;
	while (k > 0 && k < UI_KEY_FN && (macro = find_macro(keys, menu, k))) {
		if (push_keys(macro->steps, macro->nsteps) < 0) {
			npending = 0; /* a macro that loops: drop it all */
			ui_error("Macro loop: its keys were dropped.");
			return 1;
		}
		k = ui_read_key();
	}
	if (k == UI_KEY_GONE)
		return -1;
	if (k == 0)
		return 0;
	if (k >= UI_KEY_FN) {
		*fn = (enum ui_fn)(k - UI_KEY_FN);
		return 1;
	}
	*fn = k < 0 ? UI_FN_NONE : ui_keys_lookup(keys, menu, k);
	return 1;
}
