/* utf8.c: UTF-8 decoding and cleaning text for the terminal. */
#include "lib.h"

#include <string.h>

/* UTF-8 (RFC 3629):
 *   UTF8-1 = %x00-7F
 *   UTF8-2 = %xC2-DF UTF8-tail
 *   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *            %xF4 %x80-8F 2( UTF8-tail )
 */
size_t lib_utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	if (len == 0)
		return 0;
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2, min = 0x80, c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, min = 0x800, c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

void lib_utf8_sanitize(const char *in, size_t len, struct lib_buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	while (i < len) {
		/* Copy runs of plain printable ASCII at once. */
		size_t run = i;
		while (run < len && s[run] >= 0x20 && s[run] < 0x7F)
			run++;
		if (run > i) {
			lib_buf_append(out, s + i, run - i);
			i = run;
			continue;
		}
		unsigned cp;
		size_t n = lib_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			lib_buf_append(out, replacement, 3);
			i++;
		} else if (cp == '\r') {
			i += n;
		} else if (cp == '\t' || cp == '\n') {
			lib_buf_putc(out, (char)cp);
			i += n;
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			lib_buf_append(out, replacement, 3);
			i += n;
		} else {
			lib_buf_append(out, s + i, n);
			i += n;
		}
	}
}

char *lib_utf8_one_line(const char *s)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_utf8_sanitize(s ? s : "", s ? strlen(s) : 0, &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	return lib_buf_take(&b);
}
