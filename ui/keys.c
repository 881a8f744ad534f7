/* keys.c: named functions and the live key map. */
#include "ui.h"
#include "ui_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENU_BIT(m) (1u << (m))
#define BOTH (MENU_BIT(UI_MENU_INDEX) | MENU_BIT(UI_MENU_PAGER))

static const struct {
	enum ui_fn fn;
	const char *name;
	unsigned menus;
	const char *help;
} functions[] = {
	{ UI_FN_HELP, "help", BOTH, "show the key bindings of this screen" },
	{ UI_FN_REDRAW, "redraw-screen", BOTH, "clear and redraw the screen" },
	{ UI_FN_QUIT, "quit", MENU_BIT(UI_MENU_INDEX), "leave frank" },
	{ UI_FN_EXIT, "exit", MENU_BIT(UI_MENU_PAGER), "return to the index" },
	{ UI_FN_NEXT_ENTRY, "next-entry", BOTH, "move to the next message" },
	{ UI_FN_PREVIOUS_ENTRY, "previous-entry", BOTH, "move to the previous message" },
	{ UI_FN_NEXT_PAGE, "next-page", BOTH, "move one screen down" },
	{ UI_FN_PREVIOUS_PAGE, "previous-page", BOTH, "move one screen up" },
	{ UI_FN_FIRST_ENTRY, "first-entry", MENU_BIT(UI_MENU_INDEX), "move to the first message" },
	{ UI_FN_LAST_ENTRY, "last-entry", MENU_BIT(UI_MENU_INDEX), "move to the last message" },
	{ UI_FN_DISPLAY_MESSAGE, "display-message", MENU_BIT(UI_MENU_INDEX), "read the message" },
	{ UI_FN_NEXT_LINE, "next-line", MENU_BIT(UI_MENU_PAGER), "scroll down one line" },
	{ UI_FN_PREVIOUS_LINE, "previous-line", MENU_BIT(UI_MENU_PAGER), "scroll up one line" },
	{ UI_FN_TOP, "top", MENU_BIT(UI_MENU_PAGER), "jump to the top of the message" },
	{ UI_FN_BOTTOM, "bottom", MENU_BIT(UI_MENU_PAGER), "jump to the bottom of the message" },
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

/* Resolves one binding to menu bits and a function, or sets err. */
static int resolve(const struct config_binding *b, unsigned *menus, enum ui_fn *fn,
		   struct lib_err *err)
{
	unsigned want;
	if (strcmp(b->menu, "index") == 0)
		want = MENU_BIT(UI_MENU_INDEX);
	else if (strcmp(b->menu, "pager") == 0)
		want = MENU_BIT(UI_MENU_PAGER);
	else if (strcmp(b->menu, "generic") == 0)
		want = BOTH;
	else
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
}

enum ui_fn ui_keys_lookup(const struct ui_keys *keys, enum ui_menu menu, int key)
{
	for (size_t i = keys->count; i-- > 0;)
		if (keys->binds[i].menu == menu && keys->binds[i].key == key)
			return keys->binds[i].fn;
	return UI_FN_NONE;
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
	wint_t ch;
	errno = 0;
	int rc = get_wch(&ch);
	if (rc == ERR) /* blocking input fails only on a signal or a lost terminal */
		return errno == EINTR ? -1 : UI_KEY_GONE;
	if (rc == KEY_CODE_YES && ch == KEY_RESIZE)
		return 0;
	return ui_key_from_curses(rc == KEY_CODE_YES, ch);
}
