/* fuzz_mime_html.c: hostile HTML through the built-in renderer, hostile
 * text through the URL scanner, and hostile mailcap text through its
 * parser and command expansion.
 *
 * Aborts when the rendered text is not terminal-safe (invalid UTF-8, a
 * control character but TAB and LF), when it grows faster than the
 * input allows, or when a link breaks the bounds mime.h promises. */
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_mime_html: %s\n", what);
	abort();
}

static void check_clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			fail("invalid UTF-8 in the output");
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp < 0xA0))
			fail("control character in the output");
		i += n;
	}
}

static void check_links(const struct mime_links *links)
{
	if (links->count > MIME_LINKS_MAX)
		fail("too many links");
	for (size_t i = 0; i < links->count; i++) {
		size_t n = strlen(links->urls[i]);
		if (n == 0 || n > MIME_LINK_MAX)
			fail("link of a bad length");
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)links->urls[i][k] < 0x20)
				fail("control character in a link");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct lib_buf out = LIB_BUF_INIT;
	struct mime_links links = { 0 };
	mime_html_render(in, size, &out, &links);
	check_clean(out.data ? out.data : "", out.len);
	/* Every input byte gives at most a list marker and its indent, or
	 * U+FFFD (3 bytes) for a bad one. */
	if (out.len > size * 12 + 64)
		fail("output out of proportion to the input");
	check_links(&links);
	mime_links_release(&links);
	mime_links_scan_text(in, size, &links);
	check_links(&links);
	mime_links_release(&links);
	lib_buf_release(&out);

	size_t pos = 0;
	struct mime_mailcap_entry e;
	while (mime_mailcap_find(in, size, "text/html", 0, &pos, &e)) {
		if (pos > size)
			fail("mailcap position past the end");
		const char *params[] = { "charset", "utf-8", NULL };
		int has_file;
		char *cmd = mime_mailcap_expand(e.view, "/tmp/frank-x", "text/html", params, &has_file);
		free(cmd);
		mime_mailcap_entry_release(&e);
	}
	return 0;
}
