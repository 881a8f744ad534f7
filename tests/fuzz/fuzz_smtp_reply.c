/* fuzz_smtp_reply.c: the SMTP reply parser on hostile bytes.  Successive
 * replies are parsed out of the input; each must be well formed (a code
 * of 200..599, bounded lines, consumed bytes within the input), parse the
 * same when fed line by line, and read as one terminal-safe line.  Every
 * reply also goes through the EHLO capability reader, and the input
 * through the DATA encoder, whose output must decode back to the input
 * with its line ends made CRLF. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void check_clean_line(const struct lib_buf *text)
{
	for (size_t i = 0; i < text->len; i++) {
		unsigned char c = (unsigned char)text->data[i];
		if (c < 0x20 || c == 0x7F)
			abort();
	}
	size_t i = 0;
	while (i < text->len) {
		unsigned cp;
		size_t n = lib_utf8_decode((const unsigned char *)text->data + i, text->len - i, &cp);
		if (n == 0)
			abort();
		i += n;
	}
}

/* The same reply fed line by line must come out the same. */
static void check_feed(const char *buf, size_t len, const struct smtp_reply *want)
{
	struct smtp_reply r = { 0 };
	struct lib_err err;
	size_t pos = 0;
	int rc = 0;
	while (rc == 0 && pos < len) {
		size_t line_len, used;
		if (net_line_scan(buf + pos, len - pos, SMTP_REPLY_MAX_LINE, &line_len, &used) !=
		    NET_LINE_FOUND)
			abort();
		rc = smtp_reply_feed(&r, buf + pos, line_len, &err);
		pos += used;
	}
	if (rc != 1 || pos != len || r.code != want->code || r.nlines != want->nlines ||
	    strcmp(r.enhanced, want->enhanced) != 0)
		abort();
	for (size_t i = 0; i < r.nlines; i++)
		if (strcmp(r.lines[i], want->lines[i]) != 0)
			abort();
	smtp_reply_release(&r);
}

static void check_replies(const char *buf, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		struct smtp_reply r = { 0 };
		struct lib_err err;
		size_t used = 0;
		int rc = smtp_reply_parse(buf + pos, len - pos, &r, &used, &err);
		if (rc <= 0) {
			if (r.nlines || r.lines)
				abort(); /* released on error and on "more" */
			return;
		}
		if (used == 0 || used > len - pos || r.code < 200 || r.code > 599 ||
		    r.nlines == 0 || r.nlines > SMTP_REPLY_MAX_LINES || !r.complete)
			abort();
		if (r.enhanced[0] && r.enhanced[0] != '0' + r.code / 100)
			abort();
		check_feed(buf + pos, used, &r);
		struct lib_buf text = LIB_BUF_INIT;
		smtp_reply_text(&r, &text);
		check_clean_line(&text);
		lib_buf_release(&text);
		struct smtp_caps caps;
		smtp_caps_parse(&r, &caps);
		if (strlen(caps.auth_offered) >= sizeof caps.auth_offered)
			abort();
		smtp_reply_release(&r);
		pos += used;
	}
}

/* Undoes smtp_data_encode: drops the terminator and one leading dot. */
static void check_data(const char *buf, size_t len)
{
	struct lib_buf wire = LIB_BUF_INIT, back = LIB_BUF_INIT, want = LIB_BUF_INIT;
	smtp_data_encode(buf, len, &wire);
	if (wire.len < 3 || memcmp(wire.data + wire.len - 3, ".\r\n", 3) != 0)
		abort();
	size_t end = wire.len - 3;
	for (size_t i = 0; i < end;) {
		const char *crlf = NULL;
		for (size_t k = i; k + 1 < end + 1 && !crlf; k++)
			if (wire.data[k] == '\r' && wire.data[k + 1] == '\n')
				crlf = wire.data + k;
		if (!crlf)
			abort(); /* every line ends with CRLF */
		size_t n = (size_t)(crlf - (wire.data + i));
		if (n && wire.data[i] == '.') {
			if (n < 2 || wire.data[i + 1] != '.')
				abort(); /* a dot line went out unstuffed */
			lib_buf_append(&back, wire.data + i + 1, n - 1);
		} else {
			lib_buf_append(&back, wire.data + i, n);
		}
		if (memchr(wire.data + i, '\r', n) || memchr(wire.data + i, '\n', n))
			abort();
		lib_buf_append(&back, "\r\n", 2);
		i += n + 2;
	}
	/* The input with CRLF, bare CR and bare LF all made CRLF. */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\r' || buf[i] == '\n') {
			lib_buf_append(&want, "\r\n", 2);
			if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
				i++;
		} else {
			lib_buf_putc(&want, buf[i]);
		}
	}
	if (len && buf[len - 1] != '\r' && buf[len - 1] != '\n')
		lib_buf_append(&want, "\r\n", 2);
	if (back.len != want.len || (back.len && memcmp(back.data, want.data, back.len) != 0))
		abort();
	lib_buf_release(&wire);
	lib_buf_release(&back);
	lib_buf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	check_replies(buf, size);
	check_data(buf, size);
	char *path = lib_xstrndup(buf, size < 300 ? size : 300);
	struct lib_err err;
	smtp_path_check(path, 1, &err);
	free(path);
	return 0;
}
