/* seven_bit.c: an 8-bit message made 7-bit (RFC 6152 3: a server that
 * does not offer 8BITMIME takes only 7-bit data), by GMime choosing, for
 * each part whose content is 8-bit, quoted-printable (mostly ASCII text)
 * or base64; parts already 7-bit, quoted-printable or base64 keep their
 * bytes.  A header section with 8-bit bytes cannot be made 7-bit here:
 * such a message needs SMTPUTF8 (RFC 6531 3.5), and it is refused.
 *
 * Submitted mail that frankd DKIM-signs is made 7-bit before signing
 * (RFC 6376 5.3), so that no relay has to convert it after the signature
 * and break it. */
#include "mime.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	mime_init();
}

/* The length of the header section, its blank line included (the whole
 * message when there is no body). */
static size_t header_section_len(const char *msg, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (msg[i] != '\n')
			continue;
		if (msg[i + 1] == '\n')
			return i + 2;
		if (msg[i + 1] == '\r' && i + 2 < len && msg[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

static int has_8bit(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

int mime_header_is_8bit(const char *msg, size_t len)
{
	return has_8bit(msg, header_section_len(msg, len));
}

/* A leaf part with 8-bit content gets quoted-printable when it is text
 * (RFC 6152 says text should stay readable), else what GMime finds best
 * under the 7-bit constraint (base64 for binary data). */
static void encode_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	int *changed = data;
	if (!GMIME_IS_PART(part) || !g_mime_part_get_content(GMIME_PART(part)))
		return; /* a container, or a part without content (nothing to encode) */
	GMimePart *leaf = GMIME_PART(part);
	switch (g_mime_part_get_content_encoding(leaf)) {
	case GMIME_CONTENT_ENCODING_DEFAULT:
	case GMIME_CONTENT_ENCODING_7BIT:
	case GMIME_CONTENT_ENCODING_8BIT:
	case GMIME_CONTENT_ENCODING_BINARY:
		break;
	default: /* base64, quoted-printable, uuencode: 7-bit already */
		return;
	}
	GMimeContentEncoding best =
		g_mime_part_get_best_content_encoding(leaf, GMIME_ENCODING_CONSTRAINT_7BIT);
	if (best == GMIME_CONTENT_ENCODING_7BIT)
		return;
	GMimeContentType *type = g_mime_object_get_content_type(part);
	if (!type || g_mime_content_type_is_type(type, "text", "*"))
		best = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	g_mime_part_set_content_encoding(leaf, best);
	*changed = 1;
}

/* msg with its CRLF line ends made LF: GMime's parser keeps a CR as part
 * of the content, which quoted-printable would then spell =0D. */
static void to_lf(const char *msg, size_t len, struct lib_buf *out)
{
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			lib_buf_putc(out, msg[i]);
}

/* GMime's parse of msg, every part encoded for 7-bit, written with CRLF. */
static int encode_7bit(const char *msg, size_t len, struct lib_buf *out, struct lib_err *err)
{
	pthread_once(&gmime_once, gmime_start);
	struct lib_buf lf = LIB_BUF_INIT;
	to_lf(msg, len, &lf);
	GMimeStream *in = g_mime_stream_mem_new_with_buffer(lf.data ? lf.data : "", lf.len);
	lib_buf_release(&lf); /* the stream has its copy */
	GMimeParser *parser = g_mime_parser_new_with_stream(in);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(in);
	if (!message)
		return lib_err_set(err, "the message cannot be parsed as MIME");
	int changed = 0;
	g_mime_message_foreach(message, encode_part, &changed);
	/* a Content-Transfer-Encoding means nothing without MIME-Version (RFC 2045 4) */
	if (changed && !g_mime_object_get_header(GMIME_OBJECT(message), "MIME-Version"))
		g_mime_object_set_header(GMIME_OBJECT(message), "MIME-Version", "1.0", NULL);
	GMimeFormatOptions *fmt = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fmt, GMIME_NEWLINE_FORMAT_DOS);
	GMimeStream *mem = g_mime_stream_mem_new();
	int rc = 0;
	if (g_mime_object_write_to_stream(GMIME_OBJECT(message), fmt, mem) < 0) {
		rc = lib_err_set(err, "the 7-bit form of the message cannot be written");
	} else {
		GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		lib_buf_append(out, bytes->data, bytes->len);
	}
	g_object_unref(mem);
	g_mime_format_options_free(fmt);
	g_object_unref(message);
	return rc;
}

int mime_message_to_7bit(const char *msg, size_t len, struct lib_buf *out, struct lib_err *err)
{
	lib_buf_reset(out);
	if (mime_header_is_8bit(msg, len))
		return lib_err_set(err, "its header section is not ASCII (that needs SMTPUTF8)");
	if (encode_7bit(msg, len, out, err) < 0)
		return -1;
	/* a part GMime could not re-encode (a message/rfc822 with an 8-bit
	 * header section inside, say) leaves 8-bit bytes: not good enough */
	if (has_8bit(out->data, out->len)) {
		lib_buf_reset(out);
		return lib_err_set(err, "part of it cannot be made 7-bit");
	}
	return 0;
}
