/* draw.c: drawing UTF-8 text by terminal columns, bars and the message line. */
#include "ui_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Decodes one character of text; unprintable ones count as '?'. */
static size_t next_char(const char *s, size_t len, wchar_t *wc, int *width)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	int w = wcwidth(*wc);
	if (w < 0) {
		*wc = L'?';
		w = 1;
	}
	*width = w;
	return n;
}

size_t ui_text_fit(const char *text, int width, int *used)
{
	size_t len = strlen(text), pos = 0;
	int cols = 0;
	while (pos < len && text[pos] != '\n') {
		wchar_t wc;
		int w;
		size_t n = next_char(text + pos, len - pos, &wc, &w);
		if (wc == L'\t')
			w = 8 - cols % 8;
		if (cols + w > width)
			break;
		cols += w;
		pos += n;
	}
	if (used)
		*used = cols;
	return pos;
}

int ui_text_width(const char *text)
{
	int used;
	ui_text_fit(text, 1 << 30, &used);
	return used;
}

void ui_draw_text(int y, int x, int width, const char *text)
{
	ui_draw_textn(y, x, width, text, strlen(text));
}

void ui_draw_textn(int y, int x, int width, const char *text, size_t len)
{
	size_t pos = 0;
	int cols = 0;
	move(y, x);
	while (pos < len && text[pos] != '\n') {
		wchar_t wc[2] = { 0, 0 };
		int w;
		size_t n = next_char(text + pos, len - pos, &wc[0], &w);
		if (wc[0] == L'\t') {
			w = 8 - cols % 8;
			if (cols + w > width)
				break;
			for (int i = 0; i < w; i++)
				addch(' ');
		} else {
			if (cols + w > width)
				break;
			addnwstr(wc, 1);
		}
		cols += w;
		pos += n;
	}
	for (; cols < width; cols++)
		addch(' ');
}

void ui_draw_bar(int y, const char *text)
{
	attrset(ui_theme_attr(UI_COLOR_STATUS));
	ui_draw_text(y, 0, COLS, text);
	attrset(ui_theme_attr(UI_COLOR_NORMAL));
}

void ui_vmessage(int attr, const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	attrset(attr);
	/* COLS - 1: writing the last cell of the screen would scroll it. */
	ui_draw_text(LINES - 1, 0, COLS - 1, buf);
	attrset(ui_theme_attr(UI_COLOR_NORMAL));
}

void ui_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ui_vmessage(ui_theme_attr(UI_COLOR_NORMAL), fmt, ap);
	va_end(ap);
}

int ui_body_rows(void)
{
	int rows = LINES - 3;
	return rows > 0 ? rows : 1;
}

void ui_draw_help_bar(const struct ui_keys *keys, enum ui_menu menu, const enum ui_fn *fns,
		      const char *const *labels, size_t n)
{
	char bar[512] = "", key[32];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof bar; i++) {
		ui_keys_first(keys, menu, fns[i], key, sizeof key);
		if (key[0])
			len += (size_t)snprintf(bar + len, sizeof bar - len, "%s:%s  ", key, labels[i]);
	}
	ui_draw_bar(0, bar);
}
