/* compose_edit.c: the text the user edits in $EDITOR, headers on top
 * (mutt's edit_headers), and reading it back.
 *
 * Grammar (a small subset of RFC 5322's, over UTF-8 text):
 *   edit-text = *header-line [ blank-line body ]
 *   header-line = name ":" [ value ] LF *( (SP / HTAB) continuation LF )
 *   name = "From" / "To" / "Cc" / "Bcc" / "Subject" / "Reply-To" /
 *          "In-Reply-To" / "References" / "Attach"    ; any case
 *   blank-line = LF
 * A CR before an LF is dropped. */
#include "compose_private.h"

#include <stdlib.h>
#include <string.h>

/* The header names, in the order they are written. */
enum edit_field { F_FROM, F_TO, F_CC, F_BCC, F_SUBJECT, F_REPLY_TO, F_IN_REPLY_TO, F_REFERENCES,
		  F_ATTACH, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"From", "To", "Cc", "Bcc", "Subject", "Reply-To", "In-Reply-To", "References", "Attach",
};

static char **field_slot(struct mime_compose *c, enum edit_field f)
{
	switch (f) {
	case F_FROM: return &c->from;
	case F_TO: return &c->to;
	case F_CC: return &c->cc;
	case F_BCC: return &c->bcc;
	case F_SUBJECT: return &c->subject;
	case F_REPLY_TO: return &c->reply_to;
	case F_IN_REPLY_TO: return &c->in_reply_to;
	case F_REFERENCES: return &c->references;
	default: return NULL;
	}
}

/* One line per value: a line break inside one would start a header. */
static void put_header(struct lib_buf *out, const char *name, const char *value)
{
	lib_buf_printf(out, "%s: ", name);
	for (const char *p = value ? value : ""; *p; p++)
		lib_buf_putc(out, *p == '\n' || *p == '\r' ? ' ' : *p);
	lib_buf_putc(out, '\n');
}

void mime_compose_edit_text(const struct mime_compose *c, struct lib_buf *out)
{
	const char *values[] = { c->from,     c->to,       c->cc,         c->bcc,
				 c->subject,  c->reply_to, c->in_reply_to, c->references };
	for (int f = F_FROM; f <= F_REFERENCES; f++) {
		const char *v = values[f];
		if ((f == F_IN_REPLY_TO || f == F_REFERENCES) && !v)
			continue;
		put_header(out, field_names[f], v);
	}
	for (size_t i = 0; i < c->nattachments; i++)
		if (c->attachments[i].path)
			put_header(out, "Attach", c->attachments[i].path);
	lib_buf_putc(out, '\n');
	lib_buf_puts(out, c->body ? c->body : "");
}

static int find_field(const char *name, size_t len)
{
	for (int f = 0; f < F_COUNT; f++)
		if (strlen(field_names[f]) == len && g_ascii_strncasecmp(name, field_names[f], len) == 0)
			return f;
	return -1;
}

/* The header fields as read: values with continuations joined. */
struct edit_headers {
	struct lib_buf values[F_COUNT];
	int seen[F_COUNT];
	char **attach;
	size_t nattach;
};

static void headers_release(struct edit_headers *h)
{
	for (int f = 0; f < F_COUNT; f++)
		lib_buf_release(&h->values[f]);
	for (size_t i = 0; i < h->nattach; i++)
		free(h->attach[i]);
	free(h->attach);
}

/* Ends the header being read (cur): an Attach value becomes a path. */
static void finish_field(struct edit_headers *h, int cur)
{
	if (cur != F_ATTACH)
		return;
	char *path = g_strstrip(lib_buf_take(&h->values[F_ATTACH]));
	if (*path) {
		h->attach = lib_xrealloc(h->attach, (h->nattach + 1) * sizeof *h->attach);
		h->attach[h->nattach++] = path;
	} else {
		free(path);
	}
}

static int header_line(struct edit_headers *h, const char *line, size_t len, int *cur, int num,
		       struct lib_err *err)
{
	if (line[0] == ' ' || line[0] == '\t') {
		if (*cur < 0)
			return lib_err_set(err, "line %d: a continuation line before any header", num);
		while (len && (*line == ' ' || *line == '\t'))
			line++, len--;
		lib_buf_putc(&h->values[*cur], ' ');
		lib_buf_append(&h->values[*cur], line, len);
		return 0;
	}
	const char *colon = memchr(line, ':', len);
	if (!colon)
		return lib_err_set(err, "line %d: not a header (a blank line must come before "
					"the text)",
				   num);
	int f = find_field(line, (size_t)(colon - line));
	if (f < 0)
		return lib_err_set(err, "line %d: unknown header \"%.*s\" (frank takes From, To, "
					"Cc, Bcc, Subject, Reply-To, In-Reply-To, References, "
					"Attach)",
				   num, (int)(colon - line < 40 ? colon - line : 40), line);
	if (*cur >= 0)
		finish_field(h, *cur);
	*cur = f;
	struct lib_buf *v = &h->values[f];
	/* To, Cc and Bcc may repeat: the lists join. */
	if (h->seen[f] && v->len && (f == F_TO || f == F_CC || f == F_BCC))
		lib_buf_puts(v, ", ");
	else if (f != F_ATTACH)
		lib_buf_reset(v);
	h->seen[f] = 1;
	const char *value = colon + 1, *end = line + len;
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	lib_buf_append(v, value, (size_t)(end - value));
	return 0;
}

static void apply_headers(struct mime_compose *c, struct edit_headers *h)
{
	for (int f = F_FROM; f <= F_REFERENCES; f++) {
		char *v = g_strstrip(lib_xstrdup(h->values[f].data ? h->values[f].data : ""));
		mime_compose_set(field_slot(c, (enum edit_field)f), *v ? v : NULL);
		free(v);
	}
	/* File attachments are the Attach lines now; bytes are kept. */
	size_t keep = 0;
	for (size_t i = 0; i < c->nattachments; i++) {
		struct mime_attachment *a = &c->attachments[i];
		if (a->path) {
			free(a->path);
			free(a->filename);
			free(a->content_type);
			free(a->data);
		} else {
			c->attachments[keep++] = *a;
		}
	}
	c->nattachments = keep;
	for (size_t i = 0; i < h->nattach; i++)
		mime_compose_attach_file(c, h->attach[i]);
}

int mime_compose_parse_edit_text(struct mime_compose *c, const char *text, size_t len,
				 struct lib_err *err)
{
	if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL))
		return lib_err_set(err, "the text is not UTF-8");
	struct edit_headers h;
	memset(&h, 0, sizeof h);
	size_t pos = 0;
	int cur = -1, num = 0, rc = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t end = pos + n + (nl ? 1 : 0);
		if (n && text[pos + n - 1] == '\r')
			n--;
		num++;
		if (n == 0) {
			pos = end;
			break;
		}
		if ((rc = header_line(&h, text + pos, n, &cur, num, err)) < 0)
			break;
		pos = end;
	}
	if (rc == 0) {
		if (cur >= 0)
			finish_field(&h, cur);
		apply_headers(c, &h);
		struct lib_buf body = LIB_BUF_INIT;
		for (size_t i = pos; i < len; i++)
			if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
				lib_buf_putc(&body, text[i]);
		free(c->body);
		c->body = body.data ? lib_buf_take(&body) : NULL;
	}
	headers_release(&h);
	return rc;
}
