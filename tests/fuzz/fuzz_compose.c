/* fuzz_compose.c: the composing parsers on hostile bytes.  The first
 * byte chooses what reads the rest:
 *   0  the edit text (mime_compose_parse_edit_text), then the draft made
 *      of it and that draft prepared for sending;
 *   1  a mailto: URL (mime_compose_add_mailto);
 *   2  a message prepared for sending (mime_outgoing_prepare: address
 *      lists checked item by item, headers re-encoded, parts made 7-bit);
 *   3  a message replied to, forwarded and resumed as a draft.
 * It aborts when a promise breaks: a prepared message must keep no Bcc in
 * its wire copy and list only local@domain recipients without controls;
 * a reply's quoted body must be UTF-8; no GLib critical may be logged.  Files are never attached: inputs
 * naming X-Frank-Attach are skipped, and edit-text Attach lines dropped. */
#include "mime.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void check_utf8(const char *s)
{
	if (!s)
		return;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			abort();
		i += n;
	}
}

static int names_attach_header(const char *data, size_t size)
{
	const char *h = MIME_ATTACH_HEADER;
	size_t n = strlen(h);
	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp(data + i, h, n) == 0)
			return 1;
	return 0;
}

static void check_outgoing(const struct mime_outgoing *out)
{
	/* The header block of the wire copy has no Bcc line. */
	const char *end = strstr(out->wire, "\n\n");
	size_t hlen = end ? (size_t)(end - out->wire) : out->wire_len;
	for (size_t i = 0; i + 4 <= hlen; i++)
		if ((i == 0 || out->wire[i - 1] == '\n') && strncasecmp(out->wire + i, "bcc:", 4) == 0)
			abort();
	if (!out->nrcpts || !strchr(out->sender, '@'))
		abort();
	for (size_t i = 0; i < out->nrcpts; i++) {
		if (!strchr(out->rcpts[i], '@'))
			abort();
		for (const char *p = out->rcpts[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '<' || *p == '>')
				abort();
	}
}

static void prepare(const char *data, size_t len)
{
	struct mime_outgoing_opts o = { "Fuzz <fuzz@example.org>", "fuzz", 1700000000 };
	struct mime_outgoing out;
	struct lib_err err;
	if (mime_outgoing_prepare(data, len, &o, &out, &err) == 0) {
		check_outgoing(&out);
		mime_outgoing_release(&out);
	}
}

static void edit_text(const char *data, size_t len)
{
	struct mime_compose *c = mime_compose_new();
	struct lib_err err;
	if (mime_compose_parse_edit_text(c, data, len, &err) == 0) {
		c->nattachments = 0; /* no file is read */
		struct lib_buf draft = LIB_BUF_INIT;
		mime_compose_draft(c, NULL, &draft);
		prepare(draft.data, draft.len);
		lib_buf_release(&draft);
	}
	free(c->attachments);
	c->attachments = NULL;
	mime_compose_free(c);
}

static void replies(const char *data, size_t len)
{
	static const char *const own[] = { "fuzz@example.org" };
	struct mime_identity me = { "Fuzz <fuzz@example.org>", own, 1 };
	struct lib_err err;
	struct mime_compose *c = mime_compose_reply(data, len, &me, MIME_REPLY_GROUP, &err);
	if (c) {
		check_utf8(c->body);
		check_utf8(c->subject);
	}
	mime_compose_free(c);
	mime_compose_free(mime_compose_forward(data, len, &me, MIME_FORWARD_INLINE, &err));
	mime_compose_free(mime_compose_from_draft(data, len, &err));
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
	static int initialized;
	if (!initialized) {
		/* A GLib critical is a misuse (an unref of NULL): a finding. */
		g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
		mime_init();
		initialized = 1;
	}
	if (size < 1)
		return 0;
	const char *data = (const char *)bytes + 1;
	size_t len = size - 1;
	char *text = lib_xstrndup(data, len); /* NUL-terminated for the URL */
	switch (bytes[0] % 4) {
	case 0:
		edit_text(data, len);
		break;
	case 1: {
		struct mime_compose *c = mime_compose_new();
		struct lib_err err;
		if (mime_compose_add_mailto(c, text, &err) == 0) {
			check_utf8(c->to);
			check_utf8(c->body);
			if (c->subject && strchr(c->subject, '\n'))
				abort(); /* a header line broken: injection */
		}
		mime_compose_free(c);
		break;
	}
	case 2:
		if (!names_attach_header(data, len))
			prepare(data, len);
		break;
	default:
		replies(data, len);
		break;
	}
	free(text);
	return 0;
}
