/* compose_reply.c: new messages made from old ones: replies (to the
 * sender, honouring Reply-To, or to the group), forwards (inline or as a
 * message/rfc822 attachment), and saved drafts resumed. */
#include "compose_private.h"

#include <stdlib.h>
#include <string.h>

#define REFERENCES_MAX 8192 /* bytes of References carried on */

/* The first inline text/plain part, depth-first. */
static GMimeObject *find_text(GMimeObject *obj, int depth)
{
	if (!obj || depth > COMPOSE_MAX_DEPTH)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++) {
			GMimeObject *found = find_text(g_mime_multipart_get_part(mp, i), depth + 1);
			if (found)
				return found;
		}
		return NULL;
	}
	const char *disp = g_mime_object_get_disposition(obj);
	if (GMIME_IS_TEXT_PART(obj) && !(disp && g_ascii_strcasecmp(disp, "attachment") == 0) &&
	    g_mime_content_type_is_type(g_mime_object_get_content_type(obj), "text", "plain"))
		return obj;
	return NULL;
}

/* The text of a text part in UTF-8, clean for the editor, LF lines. */
static char *part_text(GMimeObject *part)
{
	struct lib_buf b = LIB_BUF_INIT;
	if (part) {
		char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		if (text)
			lib_utf8_sanitize(text, strlen(text), &b);
		g_free(text);
	}
	return b.data ? lib_buf_take(&b) : lib_xstrdup("");
}

/* A decoded one-line header value, or "" (caller frees). */
static char *header_text(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "");
	if (v)
		lib_utf8_sanitize(v, strlen(v), &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	return g_strstrip(lib_buf_take(&b));
}

/* An address header as text to edit: the checked list written back
 * (names quoted as needed), else the decoded header as it is. */
static char *address_text(GMimeObject *obj, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(obj), name);
	if (!h)
		return NULL;
	InternetAddressList *list;
	struct lib_err ignored;
	char *text;
	if (compose_address_list_check(name, g_mime_header_get_raw_value(h), &list, &ignored) == 0) {
		char *s = internet_address_list_to_string(list, NULL, FALSE);
		text = lib_xstrdup(s ? s : "");
		g_free(s);
		g_object_unref(list);
	} else {
		text = header_text(obj, name);
	}
	if (!*text) {
		free(text);
		return NULL;
	}
	return text;
}

/* "Re: subject", "Fwd: subject": the prefix once. */
static char *prefixed_subject(GMimeMessage *msg, const char *prefix)
{
	char *subject = header_text(GMIME_OBJECT(msg), "Subject");
	size_t plen = strlen(prefix);
	char *out = g_ascii_strncasecmp(subject, prefix, plen) == 0
			    ? lib_xstrdup(subject)
			    : lib_xasprintf("%s %s", prefix, subject);
	free(subject);
	return out;
}

/* --- addresses ------------------------------------------------------------ */

/* The mailboxes of name's header, for reply lists. */
static InternetAddressList *header_list(GMimeObject *obj, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(obj), name);
	InternetAddressList *list = NULL;
	struct lib_err ignored;
	if (h && compose_address_list_check(name, g_mime_header_get_raw_value(h), &list, &ignored) == 0)
		return list;
	/* Not checkable: GMime's forgiving reading is better than nothing. */
	if (h)
		list = internet_address_list_parse(NULL, g_mime_header_get_raw_value(h));
	return list ? list : internet_address_list_new();
}

static int is_own(const struct mime_identity *me, const char *addr)
{
	if (!addr)
		return 0;
	for (size_t i = 0; i < me->naddresses; i++)
		if (g_ascii_strcasecmp(me->addresses[i], addr) == 0)
			return 1;
	InternetAddressList *from = me->from ? internet_address_list_parse(NULL, me->from) : NULL;
	int own = 0;
	if (from && internet_address_list_length(from) > 0) {
		InternetAddress *a = internet_address_list_get_address(from, 0);
		own = INTERNET_ADDRESS_IS_MAILBOX(a) &&
		      g_ascii_strcasecmp(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
					 addr) == 0;
	}
	if (from)
		g_object_unref(from);
	return own;
}

/* Appends to dst the mailboxes of src that are not the user's and not
 * already in dst or seen (groups are flattened). */
static void add_others(InternetAddressList *dst, InternetAddressList *src,
		       const struct mime_identity *me, char ***seen, size_t *nseen)
{
	int n = src ? internet_address_list_length(src) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(src, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			add_others(dst, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), me,
				   seen, nseen);
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		size_t before = *nseen;
		InternetAddressList *one = internet_address_list_new();
		internet_address_list_add(one, a);
		compose_list_addresses(one, seen, nseen);
		g_object_unref(one);
		if (*nseen > before && !is_own(me, addr))
			internet_address_list_add(dst, a);
	}
}

static char *list_text(InternetAddressList *list)
{
	if (internet_address_list_length(list) == 0)
		return NULL;
	char *s = internet_address_list_to_string(list, NULL, FALSE);
	char *out = lib_xstrdup(s ? s : "");
	g_free(s);
	return out;
}

/* Reply-To, else From; when that is the user (a reply to one's own
 * message), the original To.  Group: the original To and Cc in Cc. */
static void reply_recipients(GMimeObject *orig, const struct mime_identity *me,
			     enum mime_reply_kind kind, struct mime_compose *c)
{
	InternetAddressList *reply_to = header_list(orig, "Reply-To");
	InternetAddressList *from = header_list(orig, "From");
	InternetAddressList *to = header_list(orig, "To");
	InternetAddressList *cc = header_list(orig, "Cc");
	InternetAddressList *target = internet_address_list_length(reply_to) ? reply_to : from;
	InternetAddressList *new_to = internet_address_list_new();
	InternetAddressList *new_cc = internet_address_list_new();
	char **seen = NULL;
	size_t nseen = 0;
	add_others(new_to, target, me, &seen, &nseen);
	if (internet_address_list_length(new_to) == 0)
		add_others(new_to, to, me, &seen, &nseen);
	if (kind == MIME_REPLY_GROUP) {
		add_others(new_cc, to, me, &seen, &nseen);
		add_others(new_cc, cc, me, &seen, &nseen);
	}
	c->to = list_text(new_to);
	c->cc = list_text(new_cc);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	InternetAddressList *lists[] = { reply_to, from, to, cc, new_to, new_cc };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		g_object_unref(lists[i]);
}

/* In-Reply-To: <id>; References: the original's (or its In-Reply-To) and
 * <id> (RFC 5322 3.6.4). */
static void reply_threading(GMimeMessage *orig, struct mime_compose *c)
{
	const char *id = g_mime_message_get_message_id(orig);
	if (!id || !*id)
		return;
	c->in_reply_to = lib_xasprintf("<%s>", id);
	char *refs = header_text(GMIME_OBJECT(orig), "References");
	if (!*refs) {
		free(refs);
		refs = header_text(GMIME_OBJECT(orig), "In-Reply-To");
	}
	/* Keep the newest ids when the chain is absurdly long. */
	const char *keep = refs;
	while (strlen(keep) > REFERENCES_MAX) {
		const char *next = strchr(keep + 1, '<');
		if (!next)
			break;
		keep = next;
	}
	c->references = *keep ? lib_xasprintf("%s %s", keep, c->in_reply_to)
			      : lib_xstrdup(c->in_reply_to);
	free(refs);
}

/* "> " before each line; ">" alone for an empty one, and before a line
 * already quoted (">> x", as RFC 3676 quotes). */
static void quote_text(const char *text, struct lib_buf *out)
{
	size_t len = strlen(text);
	while (len && text[len - 1] == '\n')
		len--;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lib_buf_puts(out, n == 0 || text[pos] == '>' ? ">" : "> ");
		lib_buf_append(out, text + pos, n);
		lib_buf_putc(out, '\n');
		pos += n + 1;
	}
}

static char *sender_name(GMimeObject *orig)
{
	const char *from = g_mime_object_get_header(orig, "From");
	return from ? mime_sender_display(from) : lib_xstrdup("someone");
}

struct mime_compose *mime_compose_reply(const char *msg, size_t len,
					const struct mime_identity *me, enum mime_reply_kind kind,
					struct lib_err *err)
{
	GMimeMessage *orig = compose_parse_message(msg, len);
	if (!orig) {
		lib_err_set(err, "reply: not a message");
		return NULL;
	}
	GMimeObject *obj = GMIME_OBJECT(orig);
	struct mime_compose *c = mime_compose_new();
	mime_compose_set(&c->from, me->from);
	reply_recipients(obj, me, kind, c);
	c->subject = prefixed_subject(orig, "Re:");
	reply_threading(orig, c);
	struct lib_buf body = LIB_BUF_INIT;
	char *date = header_text(obj, "Date");
	char *name = sender_name(obj);
	if (*date)
		lib_buf_printf(&body, "On %s, %s wrote:\n", date, name);
	else
		lib_buf_printf(&body, "%s wrote:\n", name);
	char *text = part_text(find_text(g_mime_message_get_mime_part(orig), 0));
	quote_text(text, &body);
	lib_buf_putc(&body, '\n');
	c->body = lib_buf_take(&body);
	free(text);
	free(name);
	free(date);
	g_object_unref(orig);
	return c;
}

/* --- parts kept as bytes ---------------------------------------------------- */

static GByteArray *decoded_bytes(GMimeObject *obj)
{
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	} else if (GMIME_IS_PART(obj) && g_mime_part_get_content(GMIME_PART(obj))) {
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(obj)), mem);
	}
	g_object_unref(mem);
	return bytes;
}

/* Every leaf part but skip, as an attachment held as bytes. */
static void keep_parts(GMimeObject *obj, GMimeObject *skip, struct mime_compose *c, int depth)
{
	if (!obj || depth > COMPOSE_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			keep_parts(g_mime_multipart_get_part(mp, i), skip, c, depth + 1);
		return;
	}
	if (obj == skip)
		return;
	GByteArray *bytes = decoded_bytes(obj);
	char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(obj));
	const char *name = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
	mime_compose_attach_data(c, (const char *)bytes->data, bytes->len, name, type);
	g_free(type);
	g_byte_array_free(bytes, TRUE);
}

/* --- forwarding ------------------------------------------------------------ */

static void forward_header(struct lib_buf *b, GMimeObject *orig, const char *name)
{
	char *v = header_text(orig, name);
	if (*v)
		lib_buf_printf(b, "%s: %s\n", name, v);
	free(v);
}

struct mime_compose *mime_compose_forward(const char *msg, size_t len,
					  const struct mime_identity *me,
					  enum mime_forward_kind kind, struct lib_err *err)
{
	GMimeMessage *orig = compose_parse_message(msg, len);
	if (!orig) {
		lib_err_set(err, "forward: not a message");
		return NULL;
	}
	GMimeObject *obj = GMIME_OBJECT(orig);
	struct mime_compose *c = mime_compose_new();
	mime_compose_set(&c->from, me->from);
	c->subject = prefixed_subject(orig, "Fwd:");
	if (kind == MIME_FORWARD_ATTACH) {
		char *subject = header_text(obj, "Subject");
		char *name = lib_xasprintf("%s.eml", *subject ? subject : "forwarded message");
		mime_compose_attach_data(c, msg, len, name, "message/rfc822");
		free(name);
		free(subject);
		c->body = lib_xstrdup("\n");
		g_object_unref(orig);
		return c;
	}
	struct lib_buf body = LIB_BUF_INIT;
	char *from = sender_name(obj);
	lib_buf_printf(&body, "\n----- Forwarded message from %s -----\n\n", from);
	free(from);
	static const char *const shown[] = { "Date", "From", "To", "Cc", "Subject" };
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		forward_header(&body, obj, shown[i]);
	GMimeObject *text_part = find_text(g_mime_message_get_mime_part(orig), 0);
	char *text = part_text(text_part);
	lib_buf_printf(&body, "\n%s", text);
	if (body.len && body.data[body.len - 1] != '\n')
		lib_buf_putc(&body, '\n');
	lib_buf_puts(&body, "\n----- End forwarded message -----\n");
	c->body = lib_buf_take(&body);
	free(text);
	/* The original's attachments go along. */
	keep_parts(g_mime_message_get_mime_part(orig), text_part, c, 0);
	g_object_unref(orig);
	return c;
}

/* --- resuming a draft ------------------------------------------------------- */

struct mime_compose *mime_compose_from_draft(const char *msg, size_t len, struct lib_err *err)
{
	GMimeMessage *draft = compose_parse_message(msg, len);
	if (!draft) {
		lib_err_set(err, "draft: not a message");
		return NULL;
	}
	GMimeObject *obj = GMIME_OBJECT(draft);
	struct mime_compose *c = mime_compose_new();
	c->from = address_text(obj, "From");
	c->to = address_text(obj, "To");
	c->cc = address_text(obj, "Cc");
	c->bcc = address_text(obj, "Bcc");
	c->reply_to = address_text(obj, "Reply-To");
	char **texts[] = { &c->subject, &c->in_reply_to, &c->references };
	const char *names[] = { "Subject", "In-Reply-To", "References" };
	for (size_t i = 0; i < 3; i++) {
		char *v = header_text(obj, names[i]);
		if (*v)
			*texts[i] = v;
		else
			free(v);
	}
	const char *id = g_mime_message_get_message_id(draft);
	if (id && *id)
		c->message_id = lib_xasprintf("<%s>", id);
	GMimeHeaderList *headers = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(headers);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), MIME_ATTACH_HEADER) == 0) {
			char *path = g_strstrip(lib_xstrdup(g_mime_header_get_value(h)));
			mime_compose_attach_file(c, path);
			free(path);
		}
	}
	GMimeObject *text_part = find_text(g_mime_message_get_mime_part(draft), 0);
	c->body = part_text(text_part);
	keep_parts(g_mime_message_get_mime_part(draft), text_part, c, 0);
	g_object_unref(draft);
	return c;
}
