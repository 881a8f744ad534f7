/* compose.c: a message being written (struct mime_compose), its parts as
 * GMime builds them, and the draft that is kept until the server has
 * said 250. */
#include "compose_private.h"

#include <stdlib.h>
#include <string.h>

#define SIGNATURE_MAX (64 * 1024)
#define FLOWED_WIDTH 78 /* RFC 3676 4.2: lines of at most 78 characters */
#define LINE_MAX_7BIT 998 /* RFC 5322 2.1.1 */

struct mime_compose *mime_compose_new(void)
{
	return lib_xcalloc(1, sizeof(struct mime_compose));
}

static void attachment_release(struct mime_attachment *a)
{
	free(a->path);
	free(a->data);
	free(a->filename);
	free(a->content_type);
}

void mime_compose_free(struct mime_compose *c)
{
	if (!c)
		return;
	char **fields[] = { &c->from, &c->to, &c->cc, &c->bcc, &c->reply_to, &c->subject,
			    &c->in_reply_to, &c->references, &c->message_id, &c->body };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		free(*fields[i]);
	for (size_t i = 0; i < c->nattachments; i++)
		attachment_release(&c->attachments[i]);
	free(c->attachments);
	free(c);
}

void mime_compose_set(char **field, const char *value)
{
	char *copy = value ? lib_xstrdup(value) : NULL;
	free(*field);
	*field = copy;
}

static struct mime_attachment *new_attachment(struct mime_compose *c)
{
	c->attachments = lib_xrealloc(c->attachments, (c->nattachments + 1) * sizeof *c->attachments);
	struct mime_attachment *a = &c->attachments[c->nattachments++];
	memset(a, 0, sizeof *a);
	return a;
}

void mime_compose_attach_file(struct mime_compose *c, const char *path)
{
	new_attachment(c)->path = lib_xstrdup(path);
}

void mime_compose_attach_data(struct mime_compose *c, const char *data, size_t len,
			      const char *filename, const char *content_type)
{
	struct mime_attachment *a = new_attachment(c);
	a->data = lib_xmalloc(len + 1);
	if (len)
		memcpy(a->data, data, len);
	a->data[len] = '\0';
	a->len = len;
	a->filename = filename ? lib_xstrdup(filename) : NULL;
	a->content_type = content_type ? lib_xstrdup(content_type) : NULL;
}

/* --- signature ------------------------------------------------------------ */

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

int mime_compose_add_signature(struct mime_compose *c, const char *path, struct lib_err *err)
{
	char *data;
	size_t len;
	struct lib_err why;
	if (lib_read_file(path, SIGNATURE_MAX, &data, &len, &why) < 0)
		return lib_err_set(err, "signature: %s", why.msg);
	if (memchr(data, '\0', len) || !g_utf8_validate(data, (gssize)len, NULL)) {
		free(data);
		return lib_err_set(err, "signature: %s: not UTF-8 text", path);
	}
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	struct lib_buf sig = LIB_BUF_INIT;
	/* The separator is "-- " alone on a line (RFC 3676 4.3). */
	if (strncmp(data, "-- \n", 4) != 0)
		lib_buf_puts(&sig, "-- \n");
	lib_buf_printf(&sig, "%s\n", data);
	free(data);
	const char *body = c->body ? c->body : "";
	if (!ends_with(body, sig.data)) {
		struct lib_buf b = LIB_BUF_INIT;
		lib_buf_puts(&b, body);
		if (b.len && b.data[b.len - 1] != '\n')
			lib_buf_putc(&b, '\n');
		lib_buf_puts(&b, sig.data);
		free(c->body);
		c->body = lib_buf_take(&b);
	}
	lib_buf_release(&sig);
	return 0;
}

/* --- mailto: (RFC 6068) -----------------------------------------------------
 *   mailtoURI = "mailto:" [ to ] [ hfields ]
 *   to        = addr-spec *("," addr-spec )
 *   hfields   = "?" hfield *( "&" hfield )
 *   hfield    = hfname "=" hfvalue
 * with percent-encoding; a "body" may hold line breaks (%0D%0A). */

/* Percent-decodes s[0..len); line breaks kept (LF) only when multiline,
 * else made spaces, so that no header can be injected. */
static char *url_decode(const char *s, size_t len, int multiline, struct lib_err *err)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "");
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < len ? g_ascii_xdigit_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? g_ascii_xdigit_value(s[i + 2]) : -1;
			if (lo < 0) {
				lib_buf_release(&b);
				lib_err_set(err, "mailto: bad percent-encoding");
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\r')
			continue;
		if (c == '\0' || (c == '\n' && !multiline))
			c = c == '\0' ? '?' : ' ';
		lib_buf_putc(&b, c);
	}
	if (!g_utf8_validate(b.data, (gssize)b.len, NULL)) {
		lib_buf_release(&b);
		lib_err_set(err, "mailto: text that is not UTF-8");
		return NULL;
	}
	return lib_buf_take(&b);
}

static void append_list(char **field, const char *more)
{
	if (!*more)
		return;
	char *joined = *field && **field ? lib_xasprintf("%s, %s", *field, more) : lib_xstrdup(more);
	free(*field);
	*field = joined;
}

static int mailto_field(struct mime_compose *c, const char *name, size_t nlen, const char *value,
			size_t vlen, struct lib_err *err)
{
	char *key = url_decode(name, nlen, 0, err);
	if (!key)
		return -1;
	char *v = url_decode(value, vlen, g_ascii_strcasecmp(key, "body") == 0, err);
	if (!v) {
		free(key);
		return -1;
	}
	char **lists[] = { &c->to, &c->cc, &c->bcc };
	const char *list_names[] = { "to", "cc", "bcc" };
	char **texts[] = { &c->subject, &c->body, &c->in_reply_to, &c->references };
	const char *text_names[] = { "subject", "body", "in-reply-to", "references" };
	for (size_t i = 0; i < 3; i++)
		if (g_ascii_strcasecmp(key, list_names[i]) == 0)
			append_list(lists[i], v);
	for (size_t i = 0; i < 4; i++)
		if (g_ascii_strcasecmp(key, text_names[i]) == 0)
			mime_compose_set(texts[i], v);
	free(key);
	free(v);
	return 0;
}

int mime_compose_add_mailto(struct mime_compose *c, const char *url, struct lib_err *err)
{
	if (g_ascii_strncasecmp(url, "mailto:", 7) != 0)
		return lib_err_set(err, "not a mailto: URL");
	const char *p = url + 7;
	size_t to_len = strcspn(p, "?");
	char *to = url_decode(p, to_len, 0, err);
	if (!to)
		return -1;
	append_list(&c->to, to);
	free(to);
	p += to_len;
	while (*p == '?' || *p == '&') {
		p++;
		size_t flen = strcspn(p, "&");
		const char *eq = memchr(p, '=', flen);
		if (eq && mailto_field(c, p, (size_t)(eq - p), eq + 1, flen - (size_t)(eq - p) - 1,
				       err) < 0)
			return -1;
		p += flen;
	}
	return 0;
}

/* --- parts ------------------------------------------------------------------ */

void compose_write(GMimeObject *obj, struct lib_buf *out)
{
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_object_write_to_stream(obj, NULL, mem);
	g_object_unref(mem);
	lib_buf_append(out, bytes->data, bytes->len);
	g_byte_array_free(bytes, TRUE);
}

static void set_content(GMimePart *part, const char *data, size_t len,
			GMimeContentEncoding encoding)
{
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(mem, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, content);
	g_mime_part_set_content_encoding(part, encoding);
	g_object_unref(content);
	g_object_unref(mem);
}

static int is_7bit_safe(const char *text, size_t len)
{
	size_t line = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x80 || c == '\0' || c == '\r')
			return 0;
		line = c == '\n' ? 0 : line + 1;
		if (line > LINE_MAX_7BIT)
			return 0;
	}
	return 1;
}

GMimeObject *compose_text_part(const char *text, size_t len, int flowed)
{
	struct lib_buf flowed_text = LIB_BUF_INIT;
	if (flowed) {
		mime_flowed_encode(text, len, &flowed_text);
		text = flowed_text.data ? flowed_text.data : "";
		len = flowed_text.len;
	}
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GMimeObject *obj = GMIME_OBJECT(part);
	g_mime_object_set_content_type_parameter(obj, "charset", "utf-8");
	if (flowed)
		g_mime_object_set_content_type_parameter(obj, "format", "flowed");
	set_content(GMIME_PART(part), text, len,
		    is_7bit_safe(text, len) ? GMIME_CONTENT_ENCODING_7BIT
					    : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	lib_buf_release(&flowed_text);
	return obj;
}

static void params_utf8(GMimeParamList *params)
{
	int n = g_mime_param_list_length(params);
	for (int i = 0; i < n; i++)
		g_mime_param_set_charset(g_mime_param_list_get_parameter_at(params, i), "utf-8");
}

/* The base name, without controls (a name is shown by every reader). */
static char *clean_filename(const char *name)
{
	const char *slash = strrchr(name, '/');
	struct lib_buf b = LIB_BUF_INIT;
	lib_utf8_sanitize(slash ? slash + 1 : name, strlen(slash ? slash + 1 : name), &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	char *s = lib_buf_take(&b);
	if (!*s) {
		free(s);
		s = lib_xstrdup("attachment");
	}
	return s;
}

/* message/rfc822 may not be base64 (RFC 2046 5.2.1): it goes whole. */
static GMimeObject *message_part(const char *data, size_t len)
{
	GMimeMessage *inner = compose_parse_message(data, len);
	if (!inner)
		return NULL;
	GMimeMessagePart *part = g_mime_message_part_new_with_message("rfc822", inner);
	g_object_unref(inner);
	g_mime_object_set_disposition(GMIME_OBJECT(part), "inline");
	return GMIME_OBJECT(part);
}

GMimeObject *compose_attachment_part(const char *data, size_t len, const char *filename,
				     const char *content_type)
{
	char *type = content_type ? lib_xstrdup(content_type) : mime_guess_type(data, len, filename);
	GMimeObject *obj = NULL;
	if (g_ascii_strcasecmp(type, "message/rfc822") == 0)
		obj = message_part(data, len);
	if (!obj) {
		GMimeContentType *ct = g_mime_content_type_parse(NULL, type);
		GMimePart *part = g_mime_part_new();
		obj = GMIME_OBJECT(part);
		g_mime_object_set_content_type(obj, ct);
		g_object_unref(ct);
		if (g_ascii_strncasecmp(type, "text/", 5) == 0 && !memchr(data, '\0', len) &&
		    g_utf8_validate(data, (gssize)len, NULL))
			g_mime_object_set_content_type_parameter(obj, "charset", "utf-8");
		set_content(part, data, len, GMIME_CONTENT_ENCODING_BASE64);
		g_mime_object_set_disposition(obj, "attachment");
		if (filename) {
			char *name = clean_filename(filename);
			g_mime_part_set_filename(part, name);
			free(name);
		}
		params_utf8(g_mime_content_type_get_parameters(g_mime_object_get_content_type(obj)));
		params_utf8(g_mime_content_disposition_get_parameters(
			g_mime_object_get_content_disposition(obj)));
	}
	free(type);
	return obj;
}

GMimeMessage *compose_parse_message(const char *msg, size_t len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	GMimeMessage *message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return message;
}

/* --- format=flowed (RFC 3676) --------------------------------------------- */

/* Byte offset of the place to break a line longer than the width: after
 * the last space within it, else after the first space at all; 0: none. */
static size_t flowed_break(const char *line, size_t len)
{
	size_t chars = 0, last_space = 0;
	for (size_t i = 0; i < len; i++) {
		if ((line[i] & 0xC0) != 0x80)
			chars++;
		if (chars > FLOWED_WIDTH && last_space)
			return last_space;
		if (line[i] == ' ' && i > 0)
			last_space = i + 1;
	}
	return chars > FLOWED_WIDTH ? last_space : 0;
}

static void flowed_line(const char *line, size_t len, struct lib_buf *out)
{
	if (len == 3 && memcmp(line, "-- ", 3) == 0) {
		lib_buf_puts(out, "-- \n");
		return;
	}
	while (len && line[len - 1] == ' ')
		len--;
	int quoted = len && line[0] == '>';
	for (;;) {
		/* Space-stuffing (4.4): a line that starts with a space, or
		 * "From " (which mbox would mangle). */
		if (!quoted && len && (line[0] == ' ' || (len >= 5 && memcmp(line, "From ", 5) == 0)))
			lib_buf_putc(out, ' ');
		size_t cut = quoted ? 0 : flowed_break(line, len);
		if (!cut || cut >= len) {
			lib_buf_append(out, line, len);
			lib_buf_putc(out, '\n');
			return;
		}
		lib_buf_append(out, line, cut); /* ends in the space: a soft break */
		lib_buf_putc(out, '\n');
		line += cut;
		len -= cut;
	}
}

void mime_flowed_encode(const char *text, size_t len, struct lib_buf *out)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		flowed_line(text + pos, n, out);
		pos += n + (nl ? 1 : 0);
	}
}

/* --- the draft --------------------------------------------------------------- */

static int blank(const char *s)
{
	if (!s)
		return 1;
	while (g_ascii_isspace(*s))
		s++;
	return *s == '\0';
}

/* An address field: through GMime when it checks, else written as the
 * user wrote it (RFC 2047-encoded text), so nothing typed is lost. */
static void draft_addresses(GMimeMessage *msg, GMimeAddressType type, const char *name,
			    const char *value, struct lib_buf *raw)
{
	if (blank(value))
		return;
	InternetAddressList *list;
	struct lib_err ignored;
	if (compose_address_list_check(name, value, &list, &ignored) == 0) {
		internet_address_list_append(g_mime_message_get_addresses(msg, type), list);
		g_object_unref(list);
		return;
	}
	char *flat = lib_xstrdup(value);
	for (char *p = flat; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	char *enc = g_mime_utils_header_encode_text(NULL, flat, "utf-8");
	lib_buf_printf(raw, "%s: %s\n", name, enc);
	g_free(enc);
	free(flat);
}

static char *new_message_id(const char *from)
{
	char *domain = compose_domain_of(from);
	char *id = g_mime_utils_generate_message_id(domain ? domain : "localhost");
	char *bracketed = lib_xasprintf("<%s>", id);
	g_free(id);
	free(domain);
	return bracketed;
}

/* "<id>" to "id" for GMime's setter. */
static void set_message_id(GMimeMessage *msg, const char *id)
{
	size_t len = strlen(id);
	if (len >= 2 && id[0] == '<' && id[len - 1] == '>') {
		char *bare = lib_xstrndup(id + 1, len - 2);
		g_mime_message_set_message_id(msg, bare);
		free(bare);
	} else {
		g_mime_message_set_message_id(msg, id);
	}
}

static GMimeObject *draft_content(const struct mime_compose *c, const struct mime_draft_opts *o)
{
	const char *body = c->body ? c->body : "";
	GMimeObject *text = compose_text_part(body, strlen(body), o && o->flowed);
	size_t ndata = 0;
	for (size_t i = 0; i < c->nattachments; i++)
		ndata += !c->attachments[i].path;
	if (!ndata)
		return text;
	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mixed, text);
	g_object_unref(text);
	for (size_t i = 0; i < c->nattachments; i++) {
		const struct mime_attachment *a = &c->attachments[i];
		if (a->path)
			continue;
		GMimeObject *part = compose_attachment_part(a->data, a->len, a->filename,
							    a->content_type);
		g_mime_multipart_add(mixed, part);
		g_object_unref(part);
	}
	return GMIME_OBJECT(mixed);
}

void mime_compose_draft(struct mime_compose *c, const struct mime_draft_opts *opts,
			struct lib_buf *out)
{
	if (!c->message_id)
		c->message_id = new_message_id(c->from);
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeObject *obj = GMIME_OBJECT(msg);
	struct lib_buf raw = LIB_BUF_INIT;
	draft_addresses(msg, GMIME_ADDRESS_TYPE_FROM, "From", c->from, &raw);
	draft_addresses(msg, GMIME_ADDRESS_TYPE_TO, "To", c->to, &raw);
	draft_addresses(msg, GMIME_ADDRESS_TYPE_CC, "Cc", c->cc, &raw);
	draft_addresses(msg, GMIME_ADDRESS_TYPE_BCC, "Bcc", c->bcc, &raw);
	draft_addresses(msg, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To", c->reply_to, &raw);
	g_mime_message_set_subject(msg, c->subject ? c->subject : "", "utf-8");
	set_message_id(msg, c->message_id);
	if (!blank(c->in_reply_to))
		g_mime_object_set_header(obj, "In-Reply-To", c->in_reply_to, NULL);
	if (!blank(c->references))
		g_mime_object_set_header(obj, "References", c->references, NULL);
	if (opts && opts->user_agent)
		g_mime_object_set_header(obj, "User-Agent", opts->user_agent, NULL);
	for (size_t i = 0; i < c->nattachments; i++)
		if (c->attachments[i].path)
			g_mime_object_append_header(obj, MIME_ATTACH_HEADER, c->attachments[i].path,
						    "utf-8");
	GMimeObject *content = draft_content(c, opts);
	g_mime_message_set_mime_part(msg, content);
	g_object_unref(content);
	lib_buf_append(out, raw.data ? raw.data : "", raw.len);
	compose_write(obj, out);
	lib_buf_release(&raw);
	g_object_unref(msg);
}
