/* view.c: render a message to text with GMime, falling back to the raw text
 * when the MIME structure is unusable, so that every message opens. */
#include "mime.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than this is hostile, not mail. */
#define MIME_MAX_DEPTH 32

static int mime_initialized;

void mime_init(void)
{
	if (!mime_initialized) {
		g_mime_init();
		mime_initialized = 1;
	}
}

void mime_shutdown(void)
{
	if (mime_initialized) {
		g_mime_shutdown();
		mime_initialized = 0;
	}
}

/* Clean text for the terminal; when it is not UTF-8 and no charset said
 * otherwise, read it as ISO-8859-1, the most common unlabelled charset. */
static void append_text(struct lib_buf *out, const char *text, size_t len, int guess_latin1)
{
	if (guess_latin1 && !g_utf8_validate(text, (gssize)len, NULL)) {
		gsize written = 0;
		char *conv = g_convert(text, (gssize)len, "UTF-8", "ISO-8859-1", NULL, &written, NULL);
		if (conv) {
			lib_utf8_sanitize(conv, written, out);
			g_free(conv);
			return;
		}
	}
	lib_utf8_sanitize(text, len, out);
}

/* A header value on one line: folding whitespace and controls become spaces. */
static void append_one_line(struct lib_buf *out, const char *text)
{
	struct lib_buf clean = LIB_BUF_INIT;
	append_text(&clean, text, strlen(text), 1);
	for (size_t i = 0; i < clean.len; i++)
		if (clean.data[i] == '\n' || clean.data[i] == '\t')
			clean.data[i] = ' ';
	lib_buf_append(out, clean.data ? clean.data : "", clean.len);
	lib_buf_release(&clean);
}

static void add_text_header(struct lib_buf *out, const char *name, const char *value);

/* An address header as GMime parsed it; when GMime found no address in it
 * (malformed, hostile), the raw value is shown instead: the reader must
 * still see who the message claims to be from. */
static void add_address_header(struct lib_buf *out, GMimeMessage *msg, const char *name,
			       InternetAddressList *list)
{
	char *s = NULL;
	if (list && internet_address_list_length(list) > 0)
		s = internet_address_list_to_string(list, NULL, FALSE);
	if (s && *s) {
		lib_buf_printf(out, "%s: ", name);
		append_one_line(out, s);
		lib_buf_putc(out, '\n');
	} else {
		add_text_header(out, name, g_mime_object_get_header(GMIME_OBJECT(msg), name));
	}
	g_free(s);
}

static void add_text_header(struct lib_buf *out, const char *name, const char *value)
{
	if (!value)
		return;
	lib_buf_printf(out, "%s: ", name);
	append_one_line(out, value);
	lib_buf_putc(out, '\n');
}

static void render_headers(GMimeMessage *msg, struct mime_view *view)
{
	struct lib_buf h = LIB_BUF_INIT;
	add_text_header(&h, "Date", g_mime_object_get_header(GMIME_OBJECT(msg), "Date"));
	add_address_header(&h, msg, "From", g_mime_message_get_from(msg));
	add_address_header(&h, msg, "To", g_mime_message_get_to(msg));
	add_address_header(&h, msg, "Cc", g_mime_message_get_cc(msg));
	const char *subject = g_mime_message_get_subject(msg);
	add_text_header(&h, "Subject", subject);
	view->headers = lib_buf_take(&h);

	struct lib_buf s = LIB_BUF_INIT;
	append_one_line(&s, subject ? subject : "");
	view->subject = lib_buf_take(&s);
}

static int is_attachment(GMimeObject *part)
{
	const char *disp = g_mime_object_get_disposition(part);
	return disp && g_ascii_strcasecmp(disp, "attachment") == 0;
}

/* The first inline text part under obj of the subtype (NULL: any). */
static GMimeObject *find_body_part(GMimeObject *obj, const char *subtype, int depth)
{
	if (depth > MIME_MAX_DEPTH)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++) {
			GMimeObject *found = find_body_part(g_mime_multipart_get_part(mp, i),
							    subtype, depth + 1);
			if (found)
				return found;
		}
		return NULL;
	}
	if (!GMIME_IS_TEXT_PART(obj) || is_attachment(obj))
		return NULL;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	if (subtype && !g_mime_content_type_is_type(ct, "text", subtype))
		return NULL;
	return obj;
}

/* The part to show: text/plain first (or text/html with prefer_html),
 * then the other of the two, then any inline text part. */
static GMimeObject *choose_body_part(GMimeObject *root, int prefer_html)
{
	GMimeObject *part = find_body_part(root, prefer_html ? "html" : "plain", 0);
	if (!part)
		part = find_body_part(root, prefer_html ? "plain" : "html", 0);
	if (!part)
		part = find_body_part(root, NULL, 0);
	return part;
}

/* One "[-- Attachment ... --]" line per leaf part that is not the body. */
static void list_other_parts(GMimeObject *obj, GMimeObject *body, struct lib_buf *out,
			     int *counter, int depth)
{
	if (depth > MIME_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			list_other_parts(g_mime_multipart_get_part(mp, i), body, out, counter,
					 depth + 1);
		return;
	}
	(*counter)++;
	if (obj == body)
		return;
	char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(obj));
	const char *name = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	lib_buf_printf(out, "\n[-- Attachment #%d: ", *counter);
	append_one_line(out, name ? name : "(no name)");
	lib_buf_puts(out, " (");
	append_one_line(out, type ? type : "application/octet-stream");
	lib_buf_puts(out, ") --]\n");
	g_free(type);
}

/* The part's bytes with the transfer encoding undone (caller frees). */
static GByteArray *decoded_content(GMimePart *part)
{
	GByteArray *bytes = g_byte_array_new();
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	if (!content)
		return bytes;
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(content, mem);
	g_object_unref(mem);
	return bytes;
}

static int charset_is(const char *charset, const char *a, const char *b)
{
	return g_ascii_strcasecmp(charset, a) == 0 || g_ascii_strcasecmp(charset, b) == 0;
}

/* We convert by hand rather than with g_mime_text_part_get_text(), which
 * silently drops bytes that are invalid in the declared charset: a reader
 * must see that something was there (U+FFFD) or a readable guess. */
static void render_text_part(GMimeTextPart *part, struct lib_buf *out)
{
	GByteArray *bytes = decoded_content(GMIME_PART(part));
	const char *data = (const char *)bytes->data;
	size_t len = bytes->len;
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	if (!charset || !*charset) {
		append_text(out, data, len, 1);
	} else if (charset_is(charset, "utf-8", "utf8")) {
		append_text(out, data, len, 0); /* invalid bytes show as U+FFFD */
	} else if (charset_is(charset, "us-ascii", "ascii")) {
		append_text(out, data, len, 1); /* 8-bit "US-ASCII" is usually Latin-1 */
	} else {
		gsize written = 0;
		char *conv = g_convert(data, (gssize)len, "UTF-8", g_mime_charset_iconv_name(charset),
				       NULL, &written, NULL);
		if (conv)
			lib_utf8_sanitize(conv, written, out);
		else /* unknown charset or invalid bytes in it */
			append_text(out, data, len, 1);
		g_free(conv);
	}
	g_byte_array_free(bytes, TRUE);
}

/* Count of leaf parts under obj (bounded by depth like the walks above). */
static int count_leaves(GMimeObject *obj, int depth)
{
	if (depth > MIME_MAX_DEPTH)
		return 0;
	if (!GMIME_IS_MULTIPART(obj))
		return 1;
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	int n = g_mime_multipart_get_count(mp), total = 0;
	for (int i = 0; i < n; i++)
		total += count_leaves(g_mime_multipart_get_part(mp, i), depth + 1);
	return total;
}

/* The raw text after the header block, for a message GMime could not map. */
static void render_raw(const char *data, size_t len, struct lib_buf *out)
{
	const char *body = data;
	for (size_t i = 0; i + 1 < len; i++) {
		if (data[i] == '\n' && (data[i + 1] == '\n' ||
					(data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n'))) {
			body = data + i + 1;
			break;
		}
	}
	lib_buf_puts(out, "[-- frank: the MIME structure of this message is broken; "
			  "showing its raw text --]\n");
	append_text(out, body, len - (size_t)(body - data), 1);
}

static GMimeMessage *parse_message(const char *data, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/* An HTML part: through a mailcap viewer when one is set up for
 * text/html, else the built-in renderer.  The links are always taken
 * from the HTML itself, for the URL list. */
static void render_html_part(GMimeTextPart *part, const struct mime_view_opts *opts,
			     struct mime_view *view, struct lib_buf *out)
{
	struct lib_buf html = LIB_BUF_INIT, text = LIB_BUF_INIT;
	render_text_part(part, &html);
	mime_html_render(html.data ? html.data : "", html.len, &text, &view->links);
	view->html = 1;
	if (opts && opts->mailcap_path && *opts->mailcap_path) {
		GByteArray *bytes = decoded_content(GMIME_PART(part));
		/* %{charset} is the parameter mailcap entries use. */
		const char *params[] = { "charset",
					 g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
										  "charset"),
					 NULL };
		if (!params[1])
			params[0] = NULL;
		struct lib_err err;
		int rc = mime_mailcap_render(opts->mailcap_path, "text/html", params,
					     (const char *)bytes->data, bytes->len, out, &err);
		if (rc > 0)
			view->html = 2;
		else if (rc < 0)
			view->notice = lib_xasprintf("mailcap: %s", err.msg);
		g_byte_array_free(bytes, TRUE);
	}
	if (view->html == 1)
		lib_buf_append(out, text.data ? text.data : "", text.len);
	lib_buf_release(&html);
	lib_buf_release(&text);
}

struct mime_view *mime_view_new_from_bytes_opts(const char *data, size_t len,
						const struct mime_view_opts *opts)
{
	mime_init();
	struct mime_view *view = lib_xcalloc(1, sizeof *view);
	struct lib_buf body = LIB_BUF_INIT;
	GMimeMessage *msg = parse_message(data, len);
	GMimeObject *root = msg ? g_mime_message_get_mime_part(msg) : NULL;
	GMimeObject *part = root ? choose_body_part(root, opts && opts->prefer_html) : NULL;
	if (msg)
		render_headers(msg, view);
	if (part) {
		if (g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text",
						"html")) {
			render_html_part(GMIME_TEXT_PART(part), opts, view, &body);
		} else {
			render_text_part(GMIME_TEXT_PART(part), &body);
			mime_links_scan_text(body.data ? body.data : "", body.len, &view->links);
		}
		int counter = 0;
		list_other_parts(root, part, &body, &counter, 0);
	} else if (root && count_leaves(root, 0) > 0) {
		/* Only attachments (a scan, a calendar invite): list them. */
		lib_buf_puts(&body, "[-- This message has no text part. --]\n");
		int counter = 0;
		list_other_parts(root, NULL, &body, &counter, 0);
	} else {
		view->raw = 1;
		render_raw(data, len, &body);
		mime_links_scan_text(body.data, body.len, &view->links);
	}
	if (!view->headers)
		view->headers = lib_xstrdup("");
	if (!view->subject)
		view->subject = lib_xstrdup("");
	view->body = lib_buf_take(&body);
	if (msg)
		g_object_unref(msg);
	return view;
}

struct mime_view *mime_view_new_from_bytes(const char *data, size_t len)
{
	return mime_view_new_from_bytes_opts(data, len, NULL);
}

struct mime_view *mime_view_new(const char *path, const struct mime_view_opts *opts,
				struct lib_err *err)
{
	char *data;
	size_t len;
	if (lib_read_file(path, MIME_MAX_MESSAGE_SIZE, &data, &len, err) < 0)
		return NULL;
	struct mime_view *view = mime_view_new_from_bytes_opts(data, len, opts);
	free(data);
	return view;
}

struct mime_view *mime_view_new_from_file(const char *path, struct lib_err *err)
{
	return mime_view_new(path, NULL, err);
}

void mime_view_free(struct mime_view *view)
{
	if (!view)
		return;
	free(view->headers);
	free(view->subject);
	free(view->body);
	free(view->notice);
	mime_links_release(&view->links);
	free(view);
}

char *mime_sender_display(const char *from_header)
{
	mime_init();
	struct lib_buf out = LIB_BUF_INIT;
	InternetAddressList *list = from_header ? internet_address_list_parse(NULL, from_header) : NULL;
	InternetAddress *first = list && internet_address_list_length(list) > 0
					 ? internet_address_list_get_address(list, 0)
					 : NULL;
	const char *name = first ? internet_address_get_name(first) : NULL;
	if (name && *name)
		append_one_line(&out, name);
	else if (first && INTERNET_ADDRESS_IS_MAILBOX(first))
		append_one_line(&out, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first)));
	else if (from_header)
		append_one_line(&out, from_header);
	if (list)
		g_object_unref(list);
	return lib_buf_take(&out);
}

int mime_first_mailbox(const char *value, char **name, char **address)
{
	mime_init();
	InternetAddressList *list = value ? internet_address_list_parse(NULL, value) : NULL;
	InternetAddress *first = NULL;
	for (int i = 0; list && !first && i < internet_address_list_length(list); i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			first = a;
	}
	int rc = -1;
	if (first) {
		struct lib_buf out = LIB_BUF_INIT;
		const char *n = internet_address_get_name(first);
		if (n)
			append_one_line(&out, n);
		*name = lib_buf_take(&out);
		/* The IDN form: GMime's plain one decodes A-labels, which would
		 * hide a homograph behind the letters it imitates. */
		append_one_line(&out,
				internet_address_mailbox_get_idn_addr(INTERNET_ADDRESS_MAILBOX(first)));
		*address = lib_buf_take(&out);
		rc = 0;
	}
	if (list)
		g_object_unref(list);
	return rc;
}

/* Counts the text parts the reader's client could show, walking the
 * whole tree (attachments included: a text/plain attachment beside an
 * HTML body is not a text version, but a tester cannot tell, and neither
 * do the online ones). */
static void count_text_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	struct mime_message_facts *k = data;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	if (!ct || !GMIME_IS_PART(part))
		return;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		k->plain++;
	else if (g_mime_content_type_is_type(ct, "text", "html"))
		k->html++;
}

int mime_message_facts_read(const char *data, size_t len, struct mime_message_facts *out)
{
	mime_init();
	memset(out, 0, sizeof *out);
	GMimeMessage *msg = parse_message(data, len);
	if (!msg)
		return -1;
	GDateTime *date = g_mime_message_get_date(msg);
	out->date_valid = date != NULL;
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	if (top && GMIME_IS_MULTIPART(top))
		g_mime_multipart_foreach(GMIME_MULTIPART(top), count_text_part, out);
	else if (top)
		count_text_part(NULL, top, out);
	g_object_unref(msg);
	return 0;
}
