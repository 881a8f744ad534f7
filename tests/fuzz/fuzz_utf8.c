/* fuzz_utf8.c: lib_utf8_sanitize and lib_utf8_decode on arbitrary bytes.
 *
 * lib_utf8_sanitize: its output is valid UTF-8 with no control characters
 * but TAB and LF (no CR, ESC, DEL, C1), at most 3 bytes per input byte,
 * and cleaning clean text changes nothing (so sanitizing is idempotent);
 * appending keeps what the buffer held before.
 *
 * lib_utf8_decode: never reads past len.  Each window s[i..i+n) is copied
 * into a heap block of exactly n bytes, so ASan reports any read beyond n.
 * Its answers are compared with a strict RFC 3629 decoder of our own. */
#include "lib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why, size_t at)
{
	fprintf(stderr, "fuzz_utf8: %s at byte %zu\n", why, at);
	abort();
}

/* Reference decoder, written from the RFC 3629 table, not from utf8.c. */
static size_t ref_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	if (len == 0)
		return 0;
	unsigned c = s[0];
	if (c <= 0x7F) {
		*cp = c;
		return 1;
	}
	size_t n;
	unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c == 0xE0) {
		n = 3, lo = 0xA0;
	} else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
		n = 3;
	} else if (c == 0xED) {
		n = 3, hi = 0x9F;
	} else if (c == 0xF0) {
		n = 4, lo = 0x90;
	} else if (c >= 0xF1 && c <= 0xF3) {
		n = 4;
	} else if (c == 0xF4) {
		n = 4, hi = 0x8F;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	unsigned v = c & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
	for (size_t i = 1; i < n; i++)
		v = (v << 6) | (s[i] & 0x3Fu);
	*cp = v;
	return n;
}

static void check_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = ref_decode(p + i, len - i, &cp);
		if (n == 0)
			fail("sanitize: output is not UTF-8", i);
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
		    (cp >= 0x80 && cp < 0xA0))
			fail("sanitize: control character in output", i);
		i += n;
	}
}

/* lib_utf8_decode on s[0..n) placed at the very end of its own heap block. */
static void check_decode_window(const unsigned char *s, size_t n, size_t at)
{
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return;
	memcpy(copy, s, n);
	unsigned char *win = n ? copy : copy + 1; /* n == 0: nothing readable */
	unsigned cp = 0xDEADBEEF, ref_cp = 0;
	size_t got = lib_utf8_decode(win, n, &cp);
	size_t want = ref_decode(win, n, &ref_cp);
	if (got > n)
		fail("decode: length beyond len", at);
	if (got != want)
		fail("decode: disagrees with RFC 3629 about the length", at);
	if (got && cp != ref_cp)
		fail("decode: wrong code point", at);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Sanitize into an empty buffer. */
	struct lib_buf out = LIB_BUF_INIT;
	lib_utf8_sanitize((const char *)data, size, &out);
	if (size && !out.data && memchr(data, '\r', size) == NULL)
		fail("sanitize: no output for non-empty input", 0);
	if (out.len > 3 * size)
		fail("sanitize: output more than 3 bytes per input byte", out.len);
	if (out.data) {
		if (out.data[out.len] != '\0')
			fail("sanitize: buffer not NUL-terminated", out.len);
		if (memchr(out.data, '\0', out.len))
			fail("sanitize: NUL in output", 0);
		check_clean(out.data, out.len);
	}

	/* Clean text is left as it is. */
	struct lib_buf again = LIB_BUF_INIT;
	lib_utf8_sanitize(out.data ? out.data : "", out.len, &again);
	if (again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0))
		fail("sanitize: not idempotent", 0);
	lib_buf_release(&again);

	/* Appending keeps the prefix. */
	struct lib_buf app = LIB_BUF_INIT;
	lib_buf_puts(&app, "prefix\t");
	lib_utf8_sanitize((const char *)data, size, &app);
	if (app.len != 7 + out.len || memcmp(app.data, "prefix\t", 7) != 0 ||
	    (out.len && memcmp(app.data + 7, out.data, out.len) != 0))
		fail("sanitize: appending differs from a fresh buffer", 0);
	lib_buf_release(&app);
	lib_buf_release(&out);

	/* Decode at every offset, with every window length up to 5 bytes and
	 * with the whole rest of the input. */
	size_t limit = size < 4096 ? size : 4096;
	for (size_t i = 0; i <= limit; i++) {
		size_t rest = size - i;
		for (size_t n = 0; n <= 5 && n <= rest; n++)
			check_decode_window(data + i, n, i);
		if (rest > 5 && i % 64 == 0)
			check_decode_window(data + i, rest, i);
	}
	return 0;
}
