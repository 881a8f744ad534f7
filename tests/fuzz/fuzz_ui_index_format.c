/* fuzz_ui_index_format.c: $index_format from hostile input.
 *
 * The formatter the index screen draws each line with lives in src/config
 * (index_format.c: curses-free, so this build reaches it; ui/ is not
 * linked here).  The input is split at the first NUL: the format, then
 * the subject (both any bytes; the format made a C string, the subject
 * made clean UTF-8 as the store gives it).  Checks what config.h
 * promises: the line is NUL-terminated within its buffer, its length is
 * what was returned, and every span lies inside the line; a small buffer
 * gives a prefix of the big one's line. */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_line(const char *buf, size_t size, size_t len,
		       const struct config_index_span *spans, size_t nspans)
{
	check(len < size);
	check(memchr(buf, '\0', size) == buf + len);
	for (size_t i = 0; i < nspans; i++)
		check(spans[i].off <= len && spans[i].len <= len - spans[i].off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setlocale(LC_ALL, "C.UTF-8");
		setenv("TZ", "UTC", 1);
		ready = 1;
	}
	const uint8_t *nul = memchr(data, '\0', size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	char *fmt = lib_xstrndup((const char *)data, flen);
	struct lib_buf subject = LIB_BUF_INIT;
	if (nul)
		lib_utf8_sanitize((const char *)nul + 1, size - flen - 1, &subject);
	lib_buf_puts(&subject, "");
	struct config_index_line line = {
		.number = size, .flags = "N! ", .date = (long long)size * 86400,
		.date_format = flen % 2 ? fmt : NULL, .name = "Zo\xc3\xab \xe4\xb8\xad",
		.address = "zoe@example.se", .tree = flen % 3 ? "`->" : "",
		.subject = subject.data, .size = (long long)size * 997 - 5,
		.lines = flen % 5 ? -1 : (long)size, .badge = "\xe2\x9c\x93",
		.attachment = (int)(size & 1),
	};
	char big[4096], small[37];
	struct config_index_span spans[8], spans2[3];
	size_t n = 0, n2 = 0;
	size_t len = config_index_format(fmt, &line, big, sizeof big, spans, 8, &n);
	check_line(big, sizeof big, len, spans, n);
	check(n <= 8);
	size_t len2 = config_index_format(fmt, &line, small, sizeof small, spans2, 3, &n2);
	check_line(small, sizeof small, len2, spans2, n2);
	check(n2 <= 3);
	check(len2 <= len && memcmp(small, big, len2) == 0);
	free(fmt);
	lib_buf_release(&subject);
	return 0;
}
