/* fuzz_mime_view.c: a hostile message file rendered for the terminal.
 *
 * mime.h promises that every string the module returns is valid UTF-8 with
 * no control characters but TAB and LF.  This target renders the input with
 * mime_view_new_from_bytes() and the input as a From header value with
 * mime_sender_display(), and aborts when an output string breaks that
 * promise: a C0 byte other than TAB and LF (so ESC, CR, NUL never reach the
 * screen), DEL, a C1 control (U+0080..U+009F), or bytes that are not UTF-8
 * (checked here by a decoder of its own, not lib_utf8_decode).  The subject
 * and the sender are shown on one index line, so they have no LF or TAB. */
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *why, size_t at)
{
	fprintf(stderr, "fuzz_mime_view: %s: %s at byte %zu\n", what, why, at);
	abort();
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, at most
 * U+10FFFF.  Returns the length of the sequence at s, 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	unsigned v = c & (0xFFu >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* Checks one output string; one_line also refuses LF and TAB. */
static void check_clean(const char *what, const char *s, int one_line)
{
	if (!s)
		fail(what, "NULL string", 0);
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (n == 0)
			fail(what, "invalid UTF-8", i);
		if (cp == '\n' || cp == '\t') {
			if (one_line)
				fail(what, "line break or tab in a one-line string", i);
		} else if (cp < 0x20) {
			fail(what, "C0 control character", i);
		} else if (cp == 0x7F) {
			fail(what, "DEL", i);
		} else if (cp >= 0x80 && cp < 0xA0) {
			fail(what, "C1 control character", i);
		}
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialized;
	if (!initialized) {
		mime_init();
		initialized = 1;
	}

	struct mime_view *view = mime_view_new_from_bytes((const char *)data, size);
	if (!view)
		fail("view", "mime_view_new_from_bytes returned NULL", 0);
	check_clean("headers", view->headers, 0);
	check_clean("subject", view->subject, 1);
	check_clean("body", view->body, 0);
	if (view->raw != 0 && view->raw != 1)
		fail("raw", "flag is neither 0 nor 1", 0);
	mime_view_free(view);

	/* The same bytes as a From header value (a C string: up to a NUL). */
	char *from = malloc(size + 1);
	if (!from)
		return 0;
	memcpy(from, data, size);
	from[size] = '\0';
	char *sender = mime_sender_display(from);
	check_clean("sender", sender, 1);
	free(sender);
	free(from);
	return 0;
}
