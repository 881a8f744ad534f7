/* textview.c: a text wrapped to the screen and scrolled by lines and pages. */
#include "ui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_line(struct ui_textview *tv, size_t *cap, size_t off, size_t len)
{
	if (tv->count == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		tv->lines = lib_xrealloc(tv->lines, *cap * sizeof *tv->lines);
	}
	tv->lines[tv->count++] = (struct ui_textview_line){ off, len };
}

/* Bytes of the next screen line of p (which ends at '\n' or NUL). */
static size_t wrap_one(const char *p, int width)
{
	size_t n = ui_text_fit(p, width, NULL);
	if (p[n] == '\n' || p[n] == '\0')
		return n;
	if (n == 0) { /* a character wider than the screen: show it alone */
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)p, strlen(p), &cp);
		return k ? k : 1;
	}
	for (size_t i = n; i > 0; i--) /* break after the last space, if any */
		if (p[i - 1] == ' ')
			return i;
	return n;
}

void ui_textview_wrap(struct ui_textview *tv, const char *text, int width)
{
	size_t cap = 0, pos = 0;
	tv->text = text;
	tv->count = 0;
	tv->width = width > 0 ? width : 1;
	for (;;) {
		size_t n = wrap_one(text + pos, tv->width);
		add_line(tv, &cap, pos, n);
		pos += n;
		if (text[pos] == '\0')
			break;
		if (text[pos] == '\n' && text[++pos] == '\0')
			break;
	}
	if (tv->top >= tv->count)
		tv->top = tv->count - 1;
}

void ui_textview_release(struct ui_textview *tv)
{
	free(tv->lines);
	tv->lines = NULL;
	tv->count = tv->top = 0;
	tv->text = NULL;
}

static int has_capital(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

/* Where needle is in line[0..len), from byte at; NULL when it is not. */
static const char *match_in(const char *line, size_t len, size_t at, const char *needle,
			    int caseless)
{
	size_t n = strlen(needle);
	for (size_t i = at; n && i + n <= len; i++)
		if (caseless ? strncasecmp(line + i, needle, n) == 0 : memcmp(line + i, needle, n) == 0)
			return line + i;
	return NULL;
}

size_t ui_textview_find(const struct ui_textview *tv, size_t from, const char *needle)
{
	int caseless = !has_capital(needle);
	for (size_t i = from; i < tv->count; i++)
		if (match_in(tv->text + tv->lines[i].off, tv->lines[i].len, 0, needle, caseless))
			return i;
	return (size_t)-1;
}

/* The matches of the highlight in one drawn line, in reverse video. */
static void draw_matches(const struct ui_textview *tv, int y, const char *line, size_t len,
			 int attr)
{
	int caseless = !has_capital(tv->highlight);
	size_t n = strlen(tv->highlight);
	for (const char *m = match_in(line, len, 0, tv->highlight, caseless); m;
	     m = match_in(line, len, (size_t)(m - line) + n, tv->highlight, caseless)) {
		char *before = lib_xstrndup(line, (size_t)(m - line)), *match = lib_xstrndup(m, n);
		int x = ui_text_width(before), w = ui_text_width(match);
		free(before);
		free(match);
		if (x >= COLS)
			break;
		attrset(attr | A_REVERSE);
		/* ui_draw_textn pads to its width: give it the match's own. */
		ui_draw_textn(y, x, w < COLS - x ? w : COLS - x, m, n);
	}
}

void ui_textview_draw(const struct ui_textview *tv)
{
	int rows = ui_body_rows();
	for (int r = 0; r < rows; r++) {
		size_t i = tv->top + (size_t)r;
		if (i < tv->count) {
			const char *line = tv->text + tv->lines[i].off;
			int a = tv->line_attr ? tv->line_attr(line, tv->lines[i].len, tv->ctx)
					      : ui_theme_attr(UI_COLOR_NORMAL);
			attrset(a);
			ui_draw_textn(1 + r, 0, COLS, line, tv->lines[i].len);
			if (tv->highlight && *tv->highlight)
				draw_matches(tv, 1 + r, line, tv->lines[i].len, a);
			attrset(ui_theme_attr(UI_COLOR_NORMAL));
		} else
			ui_draw_text(1 + r, 0, COLS, "~");
	}
}

static size_t last_top(const struct ui_textview *tv)
{
	size_t rows = (size_t)ui_body_rows();
	return tv->count > rows ? tv->count - rows : 0;
}

int ui_textview_scroll(struct ui_textview *tv, enum ui_fn fn)
{
	size_t rows = (size_t)ui_body_rows(), end = last_top(tv);
	switch (fn) {
	case UI_FN_NEXT_LINE:
		if (tv->top < end)
			tv->top++;
		else
			ui_message("Bottom of message is shown.");
		return 1;
	case UI_FN_PREVIOUS_LINE:
		if (tv->top > 0)
			tv->top--;
		else
			ui_message("Top of message is shown.");
		return 1;
	case UI_FN_NEXT_PAGE:
		if (tv->top >= end)
			ui_message("Bottom of message is shown.");
		tv->top = tv->top + rows > end ? end : tv->top + rows;
		return 1;
	case UI_FN_PREVIOUS_PAGE:
		if (tv->top == 0)
			ui_message("Top of message is shown.");
		tv->top = tv->top > rows ? tv->top - rows : 0;
		return 1;
	case UI_FN_TOP: tv->top = 0; return 1;
	case UI_FN_BOTTOM: tv->top = end; return 1;
	default: return 0;
	}
}

void ui_textview_position(const struct ui_textview *tv, char *buf, size_t size)
{
	size_t rows = (size_t)ui_body_rows();
	if (tv->count <= rows)
		snprintf(buf, size, "all");
	else if (tv->top == 0)
		snprintf(buf, size, "top");
	else if (tv->top + rows >= tv->count)
		snprintf(buf, size, "end");
	else
		snprintf(buf, size, "%zu%%", (tv->top + rows) * 100 / tv->count);
}
