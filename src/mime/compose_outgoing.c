/* compose_outgoing.c: a draft or prepared message made ready to submit.
 * Every check that can refuse a message runs here, before a byte goes to
 * a server: the recipients, the From, the files to attach. */
#include "compose_private.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void mime_outgoing_release(struct mime_outgoing *out)
{
	free(out->wire);
	free(out->record);
	free(out->sender);
	for (size_t i = 0; i < out->nrcpts; i++)
		free(out->rcpts[i]);
	free(out->rcpts);
	free(out->message_id);
	free(out->subject);
	memset(out, 0, sizeof *out);
}

int mime_size_over(size_t len, size_t limit, struct lib_err *warn)
{
	if (!limit)
		limit = MIME_SIZE_LIMIT_DEFAULT;
	if (len <= limit)
		return 0;
	lib_err_set(warn, "the message is %.1f MB, over the limit of %.1f MB",
		    (double)len / (1024 * 1024), (double)limit / (1024 * 1024));
	return 1;
}

/* Every raw value of the header name, joined with ", " (a message may
 * repeat To or Cc); NULL when there is none.  Caller frees. */
static char *joined_raw_values(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list(obj);
	struct lib_buf b = LIB_BUF_INIT;
	int n = g_mime_header_list_get_count(headers);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		const char *raw = g_mime_header_get_raw_value(h);
		lib_buf_printf(&b, "%s%s", b.len ? ", " : "", raw ? raw : "");
	}
	return b.data ? lib_buf_take(&b) : NULL;
}

static void remove_all(GMimeObject *obj, const char *name)
{
	while (g_mime_object_remove_header(obj, name))
		;
}

static const struct {
	const char *name;
	GMimeAddressType type;
} address_fields[] = {
	{ "From", GMIME_ADDRESS_TYPE_FROM },     { "To", GMIME_ADDRESS_TYPE_TO },
	{ "Cc", GMIME_ADDRESS_TYPE_CC },         { "Bcc", GMIME_ADDRESS_TYPE_BCC },
	{ "Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO },
};
#define NFIELDS (sizeof address_fields / sizeof address_fields[0])

/* Checks each address header and writes it again from the checked list,
 * so that a hand-written raw UTF-8 name goes out RFC 2047-encoded. */
static int rewrite_addresses(GMimeMessage *msg, const struct mime_outgoing_opts *opts,
			     struct mime_outgoing *out, struct lib_err *err)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	InternetAddressList *lists[NFIELDS] = { NULL };
	int rc = 0;
	for (size_t i = 0; i < NFIELDS && rc == 0; i++) {
		char *raw = joined_raw_values(obj, address_fields[i].name);
		if (i == 0 && (!raw || !*raw) && opts && opts->from) {
			free(raw);
			raw = lib_xstrdup(opts->from);
		}
		rc = compose_address_list_check(address_fields[i].name, raw, &lists[i], err);
		free(raw);
	}
	if (rc == 0) {
		char **from = NULL;
		size_t nfrom = 0;
		compose_list_addresses(lists[0], &from, &nfrom);
		if (nfrom == 0)
			rc = lib_err_set(err, "From: no address (set from in the account)");
		else
			out->sender = lib_xstrdup(from[0]);
		for (size_t i = 0; i < nfrom; i++)
			free(from[i]);
		free(from);
	}
	for (size_t i = 1; rc == 0 && i <= 3; i++)
		compose_list_addresses(lists[i], &out->rcpts, &out->nrcpts);
	if (rc == 0 && out->nrcpts == 0)
		rc = lib_err_set(err, "no recipient (To, Cc or Bcc)");
	/* Set in place, so the headers keep their order; GMime merges a
	 * repeated To into the first and leaves an empty one to remove. */
	for (size_t i = 0; i < NFIELDS; i++) {
		if (rc == 0) {
			InternetAddressList *dst =
				g_mime_message_get_addresses(msg, address_fields[i].type);
			internet_address_list_clear(dst);
			internet_address_list_append(dst, lists[i]);
			if (internet_address_list_length(dst) == 0)
				remove_all(obj, address_fields[i].name);
		}
		if (lists[i])
			g_object_unref(lists[i]);
	}
	return rc;
}

static int has_8bit(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* 1 for a header GMime formats by its own grammar (its formatters for
 * Received, Message-ID and the rest are not for raw 8-bit text: the
 * Received one loops forever on some).  These stay as written. */
static int structured(const char *name)
{
	static const char *const names[] = {
		"Received", "Message-Id", "In-Reply-To", "References", "Resent-Message-Id",
		"Content-Type", "Content-Disposition", "Content-Id", "Sender", "Resent-From",
		"Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Sender", "Resent-Reply-To",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (g_ascii_strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Unstructured headers written with raw UTF-8 (a hand-written Subject)
 * are encoded (RFC 2047), so the message needs no SMTPUTF8. */
static void encode_raw_headers(GMimeObject *obj)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(headers);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
		if (!has_8bit(g_mime_header_get_raw_value(h)) || structured(g_mime_header_get_name(h)))
			continue;
		char *value = lib_xstrdup(g_mime_header_get_value(h));
		g_mime_header_set_value(h, NULL, value, "utf-8");
		free(value);
	}
}

/* --- the files named in X-Frank-Attach ---------------------------------- */

static int attach_files(GMimeMessage *msg, struct lib_err *err)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	GMimeHeaderList *headers = g_mime_object_get_header_list(obj);
	char **paths = NULL;
	size_t npaths = 0;
	int n = g_mime_header_list_get_count(headers);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), MIME_ATTACH_HEADER) != 0)
			continue;
		char *path = g_strstrip(lib_xstrdup(g_mime_header_get_value(h)));
		if (strncmp(path, "~/", 2) == 0) {
			char *home = lib_xasprintf("%s%s", g_get_home_dir(), path + 1);
			free(path);
			path = home;
		}
		paths = lib_xrealloc(paths, (npaths + 1) * sizeof *paths);
		paths[npaths++] = path;
	}
	remove_all(obj, MIME_ATTACH_HEADER);
	int rc = 0;
	GMimeMultipart *mixed = NULL;
	for (size_t i = 0; i < npaths && rc == 0; i++) {
		char *data;
		size_t len;
		struct lib_err why;
		if (lib_read_file(paths[i], MIME_MAX_MESSAGE_SIZE, &data, &len, &why) < 0) {
			rc = lib_err_set(err, "attachment %s", why.msg);
			break;
		}
		if (!mixed) {
			GMimeObject *top = g_mime_message_get_mime_part(msg);
			if (top && GMIME_IS_MULTIPART(top) &&
			    g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart",
							"mixed")) {
				mixed = GMIME_MULTIPART(top);
			} else {
				mixed = g_mime_multipart_new_with_subtype("mixed");
				if (top)
					g_mime_multipart_add(mixed, top);
				g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
				g_object_unref(mixed);
			}
		}
		GMimeObject *part = compose_attachment_part(data, len, paths[i], NULL);
		g_mime_multipart_add(mixed, part);
		g_object_unref(part);
		free(data);
	}
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* --- parts that would need 8BITMIME -------------------------------------- */

static int bytes_7bit_safe(const unsigned char *p, size_t len)
{
	size_t line = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 0x80 || p[i] == 0)
			return 0;
		line = p[i] == '\n' ? 0 : line + 1;
		if (line > 998)
			return 0;
	}
	return 1;
}

/* A leaf part sent as 7bit/8bit/binary with 8-bit bytes or long lines is
 * re-encoded (text quoted-printable, the rest base64); text that is UTF-8
 * without a charset is labelled. */
static void make_7bit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	(void)data;
	if (!GMIME_IS_PART(part))
		return;
	GMimePart *p = GMIME_PART(part);
	GMimeContentEncoding enc = g_mime_part_get_content_encoding(p);
	if (enc != GMIME_CONTENT_ENCODING_DEFAULT && enc != GMIME_CONTENT_ENCODING_7BIT &&
	    enc != GMIME_CONTENT_ENCODING_8BIT && enc != GMIME_CONTENT_ENCODING_BINARY)
		return;
	GMimeDataWrapper *content = g_mime_part_get_content(p);
	if (!content)
		return;
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(content, mem);
	g_object_unref(mem);
	if (!bytes_7bit_safe(bytes->data, bytes->len)) {
		int text = g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "*");
		if (text && !g_mime_object_get_content_type_parameter(part, "charset") &&
		    g_utf8_validate((const char *)bytes->data, (gssize)bytes->len, NULL))
			g_mime_object_set_content_type_parameter(part, "charset", "utf-8");
		g_mime_part_set_content_encoding(p, text ? GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
							 : GMIME_CONTENT_ENCODING_BASE64);
	}
	g_byte_array_free(bytes, TRUE);
}

/* --- the whole -------------------------------------------------------------- */

static void set_date(GMimeMessage *msg, long long now)
{
	GDateTime *date = now ? g_date_time_new_from_unix_local(now) : g_date_time_new_now_local();
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
}

static void fill_headers(GMimeMessage *msg, const struct mime_outgoing_opts *opts,
			 struct mime_outgoing *out)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	/* The Date is when it is sent, not when the draft was begun. */
	set_date(msg, opts ? opts->now : 0);
	if (!g_mime_message_get_message_id(msg)) {
		const char *at = strrchr(out->sender, '@');
		char *id = g_mime_utils_generate_message_id(at ? at + 1 : "localhost");
		g_mime_message_set_message_id(msg, id);
		g_free(id);
	}
	if (!g_mime_object_get_header(obj, "MIME-Version"))
		g_mime_object_set_header(obj, "MIME-Version", "1.0", NULL);
	if (opts && opts->user_agent && !g_mime_object_get_header(obj, "User-Agent"))
		g_mime_object_set_header(obj, "User-Agent", opts->user_agent, NULL);
	out->message_id = lib_xstrdup(g_mime_message_get_message_id(msg));
	const char *subject = g_mime_message_get_subject(msg);
	struct lib_buf s = LIB_BUF_INIT;
	compose_shown(subject ? subject : "", &s);
	out->subject = lib_buf_take(&s);
}

int mime_outgoing_prepare(const char *msg, size_t len, const struct mime_outgoing_opts *opts,
			  struct mime_outgoing *out, struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	GMimeMessage *m = compose_parse_message(msg, len);
	if (!m)
		return lib_err_set(err, "not a message (no header could be read)");
	GMimeObject *obj = GMIME_OBJECT(m);
	int rc = rewrite_addresses(m, opts, out, err);
	if (rc == 0)
		rc = attach_files(m, err);
	if (rc == 0) {
		encode_raw_headers(obj);
		if (!g_mime_message_get_mime_part(m)) {
			GMimeObject *empty = compose_text_part("", 0, 0);
			g_mime_message_set_mime_part(m, empty);
			g_object_unref(empty);
		}
		g_mime_message_foreach(m, make_7bit, NULL); /* the top part too */
		fill_headers(m, opts, out);
		struct lib_buf b = LIB_BUF_INIT;
		compose_write(obj, &b);
		out->record_len = b.len;
		out->record = lib_buf_take(&b);
		remove_all(obj, "Bcc");
		compose_write(obj, &b);
		out->wire_len = b.len;
		out->wire = lib_buf_take(&b);
	}
	g_object_unref(m);
	if (rc < 0)
		mime_outgoing_release(out);
	return rc;
}
