/* help.c: the help screen, built from the live key map, as mutt's is. */
#include "ui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when a later binding of the same key in menu overrides binds[i]. */
static int overridden(const struct ui_keys *keys, size_t i)
{
	for (size_t j = i + 1; j < keys->count; j++)
		if (keys->binds[j].menu == keys->binds[i].menu && keys->binds[j].key == keys->binds[i].key)
			return 1;
	return 0;
}

static char *help_text(const struct ui_keys *keys, enum ui_menu menu)
{
	struct lib_buf b = LIB_BUF_INIT;
	static const char *const names[UI_MENU_COUNT] = { "index", "pager", "attachment menu",
							  "verification view", "compose screen",
							  "URL list" };
	lib_buf_printf(&b, "Key bindings of the %s:\n\n", names[menu]);
	for (size_t i = 0; i < keys->count; i++) {
		const struct ui_bind *bind = &keys->binds[i];
		if (bind->menu != menu || bind->fn == UI_FN_NONE || overridden(keys, i))
			continue;
		char name[32];
		config_key_name(bind->key, name, sizeof name);
		lib_buf_printf(&b, "%-12s %-18s %s\n", name, ui_fn_name(bind->fn),
			       ui_fn_help(bind->fn));
	}
	int first = 1;
	for (size_t i = 0; i < keys->nmacros; i++) {
		const struct ui_macro *m = &keys->macros[i];
		if (m->menu != menu)
			continue;
		char name[32];
		config_key_name(m->key, name, sizeof name);
		lib_buf_printf(&b, "%s%-12s macro \"", first ? "\nMacros:\n\n" : "", name);
		/* The sequence as written: cleaned, since it may hold anything. */
		lib_utf8_sanitize(m->text, strlen(m->text), &b);
		lib_buf_puts(&b, "\"");
		if (m->description) {
			lib_buf_puts(&b, "  ");
			lib_utf8_sanitize(m->description, strlen(m->description), &b);
		}
		lib_buf_putc(&b, '\n');
		first = 0;
	}
	return lib_buf_take(&b);
}

void ui_text_show(const struct ui_keys *keys, const char *title, const char *text)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_PREVIOUS_PAGE, UI_FN_NEXT_PAGE };
	static const char *const labels[] = { "Exit", "PrevPg", "NextPg" };
	struct ui_textview tv = { 0 };
	ui_textview_wrap(&tv, text, COLS);
	ui_message("%s", "");
	for (;;) {
		if (tv.width != COLS)
			ui_textview_wrap(&tv, text, COLS);
		ui_draw_help_bar(keys, UI_MENU_PAGER, fns, labels, 3);
		ui_textview_draw(&tv);
		char pos[16], status[512];
		ui_textview_position(&tv, pos, sizeof pos);
		snprintf(status, sizeof status, "---%s -- (%s)", title, pos);
		ui_draw_bar(LINES - 2, status);
		enum ui_fn fn;
		int got = ui_wait_fn(keys, UI_MENU_PAGER, &fn);
		if (got < 0)
			break;
		if (got == 0 || ui_textview_scroll(&tv, fn))
			continue;
		if (fn == UI_FN_EXIT || fn == UI_FN_HELP || fn == UI_FN_QUIT)
			break;
	}
	ui_textview_release(&tv);
	ui_message("%s", "");
}

void ui_help_show(const struct ui_keys *keys, enum ui_menu menu)
{
	char *text = help_text(keys, menu);
	ui_text_show(keys, "Help", text);
	free(text);
}
