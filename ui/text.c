/* text.c: text helpers that need no curses: a code point as UTF-8 (RFC
 * 3629), and a safe file name. */
#include "ui_text.h"

#include <stdlib.h>
#include <string.h>

void ui_utf8_put(struct lib_buf *out, unsigned cp)
{
	char enc[4];
	size_t n;
	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xC0 | cp >> 6);
		enc[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xE0 | cp >> 12);
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		enc[0] = (char)(0xF0 | cp >> 18);
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	lib_buf_append(out, enc, n);
}

char *ui_safe_filename(const char *name)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	struct lib_buf clean = LIB_BUF_INIT, out = LIB_BUF_INIT;
	lib_utf8_sanitize(base, strlen(base), &clean);
	for (size_t i = 0; i < clean.len;) {
		unsigned cp;
		size_t n = lib_utf8_decode((const unsigned char *)clean.data + i, clean.len - i, &cp);
		if (n == 0)
			n = 1, cp = 0xFFFD;
		if (out.len + n > 200)
			break;
		/* A control character or bad byte (U+FFFD by now), TAB, LF: '_'. */
		if (cp < 0x20 || cp == 0x7F || cp == 0xFFFD)
			lib_buf_putc(&out, '_');
		else
			lib_buf_append(&out, clean.data + i, n);
		i += n;
	}
	lib_buf_release(&clean);
	char *s = lib_buf_take(&out);
	if (s[0] == '.')
		s[0] = '_'; /* no hidden files, no "." or ".." */
	if (!s[0]) {
		free(s);
		s = lib_xstrdup("attachment");
	}
	return s;
}
