/* imapd_body.c: the MIME structure of a message for FETCH BODY,
 * BODYSTRUCTURE and BODY[1.2.MIME] (RFC 3501 6.4.5, 7.4.2).
 *
 * Each part is a byte range of the message's text: its MIME header
 * [start, header_end) and its body [header_end, end).  A multipart's body
 * is cut at its boundary lines (RFC 2046 5.1.1):
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   encapsulation  := delimiter transport-padding CRLF body-part
 *   delimiter      := CRLF dash-boundary    ; dash-boundary := "--" boundary
 *   close-delimiter := delimiter "--"
 * so a part ends before the CRLF that starts the next delimiter, and the
 * bytes of BODY[n] are an exact slice of what BODY[] serves.  GMime parses
 * the header fields (Content-Type and Content-Disposition with their
 * parameters, RFC 2045/2231); the cutting is done here because GMime keeps
 * no offsets of boundaries or of the headers of multiparts.  The answer
 * is written as RFC 3501 9 has it:
 *   body            = "(" (body-type-1part / body-type-mpart) ")"
 *   body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
 *   body-type-1part = (body-type-basic / body-type-msg / body-type-text)
 *                     [SP body-ext-1part]
 *   body-type-basic = media-basic SP body-fields
 *   body-type-msg   = media-message SP body-fields SP envelope SP body SP
 *                     body-fld-lines
 *   body-type-text  = media-text SP body-fields SP body-fld-lines
 *   body-fields     = body-fld-param SP body-fld-id SP body-fld-desc SP
 *                     body-fld-enc SP body-fld-octets
 *   body-ext-1part  = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
 *                     [SP body-fld-loc]]]
 *   body-ext-mpart  = body-fld-param [SP body-fld-dsp [SP body-fld-lang
 *                     [SP body-fld-loc]]]
 *   body-fld-dsp    = "(" string SP body-fld-param ")" / nil
 *   body-fld-param  = "(" string SP string *(SP string SP string) ")" / nil
 * Pure functions. */
#include "frankd.h"
#include "mime.h"

#include <gmime/gmime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct body_param {
	char *name, *value;
};

struct body_part {
	size_t start, header_end, end; /* offsets in the text */
	char *type, *subtype;
	struct body_param *params;
	size_t nparams;
	char *disposition;             /* NULL: none */
	struct body_param *dparams;
	size_t ndparams;
	char *id, *description, *encoding, *md5, *language, *location;
	struct body_part *children;    /* multipart: its parts; message: the message */
	size_t nchildren;
	int multipart, message;
	size_t close_line; /* multipart: where its close delimiter starts, or SIZE_MAX */
};

struct frankd_imap_body {
	const char *text;
	size_t len;
	size_t nparts; /* parsed so far: the bound */
	struct body_part root;
};

/* --- lines and header ranges --------------------------------------------- */

/* The end of the header section that starts at start: just after the
 * blank line, or end when there is none. */
static size_t header_end(const char *text, size_t start, size_t end)
{
	for (size_t p = start; p < end;) {
		if (text[p] == '\n')
			return p + 1;
		if (text[p] == '\r' && p + 1 < end && text[p + 1] == '\n')
			return p + 2;
		const char *eol = memchr(text + p, '\n', end - p);
		if (!eol)
			return end;
		p = (size_t)(eol - text) + 1;
	}
	return end;
}

/* Whether the line at p (in [p, end)) is a boundary line of boundary:
 * 1 for a delimiter, 2 for the close delimiter, 0 otherwise; *next is
 * the start of the following line. */
static int boundary_line(const char *text, size_t p, size_t end, const char *boundary,
			 size_t *next)
{
	size_t blen = strlen(boundary);
	const char *eol = memchr(text + p, '\n', end - p);
	*next = eol ? (size_t)(eol - text) + 1 : end;
	if (end - p < blen + 2 || text[p] != '-' || text[p + 1] != '-' ||
	    memcmp(text + p + 2, boundary, blen) != 0)
		return 0;
	size_t q = p + 2 + blen;
	int close = 0;
	if (q + 1 < *next && text[q] == '-' && text[q + 1] == '-')
		close = 1, q += 2;
	for (; q < *next; q++) /* transport-padding, then the line end */
		if (text[q] != ' ' && text[q] != '\t' && text[q] != '\r' && text[q] != '\n')
			return 0;
	return close ? 2 : 1;
}

/* Where the part that runs up to the boundary line at line ends: before
 * the CRLF (or LF) that belongs to the delimiter. */
static size_t part_end(const char *text, size_t start, size_t line)
{
	if (line > start && text[line - 1] == '\n') {
		line--;
		if (line > start && text[line - 1] == '\r')
			line--;
	}
	return line;
}

/* --- the MIME header fields ----------------------------------------------- */

static char *lower_dup(const char *s)
{
	char *d = lib_xstrdup(s ? s : "");
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static void params_copy(GMimeParamList *list, struct body_param **params, size_t *n)
{
	int count = list ? g_mime_param_list_length(list) : 0;
	*n = 0;
	*params = count > 0 ? lib_xcalloc((size_t)count, sizeof **params) : NULL;
	for (int i = 0; i < count; i++) {
		GMimeParam *param = g_mime_param_list_get_parameter_at(list, i);
		const char *name = g_mime_param_get_name(param);
		const char *value = g_mime_param_get_value(param);
		if (!name || !value)
			continue;
		(*params)[*n].name = lib_xstrdup(name);
		(*params)[*n].value = lib_xstrdup(value);
		(*n)++;
	}
}

/* Content-Type with GMime; default_type when absent ("text/plain" but in a
 * multipart/digest, where it is "message/rfc822"). */
static void content_type(struct body_part *part, const char *value, const char *default_type)
{
	GMimeContentType *ct = value ? g_mime_content_type_parse(NULL, value) : NULL;
	if (ct && g_mime_content_type_get_media_type(ct) &&
	    g_mime_content_type_get_media_subtype(ct)) {
		part->type = lower_dup(g_mime_content_type_get_media_type(ct));
		part->subtype = lower_dup(g_mime_content_type_get_media_subtype(ct));
		params_copy(g_mime_content_type_get_parameters(ct), &part->params, &part->nparams);
	} else {
		const char *slash = strchr(default_type, '/');
		part->type = lib_xstrndup(default_type, (size_t)(slash - default_type));
		part->subtype = lib_xstrdup(slash + 1);
	}
	if (ct)
		g_object_unref(ct);
	if (strcmp(part->type, "text") == 0 && !part->nparams) {
		part->params = lib_xcalloc(1, sizeof *part->params);
		part->params[0].name = lib_xstrdup("charset");
		part->params[0].value = lib_xstrdup("us-ascii");
		part->nparams = 1;
	}
}

static void content_disposition(struct body_part *part, const char *value)
{
	GMimeContentDisposition *cd = value ? g_mime_content_disposition_parse(NULL, value) : NULL;
	if (cd && g_mime_content_disposition_get_disposition(cd)) {
		part->disposition = lower_dup(g_mime_content_disposition_get_disposition(cd));
		params_copy(g_mime_content_disposition_get_parameters(cd), &part->dparams,
			    &part->ndparams);
	}
	if (cd)
		g_object_unref(cd);
}

static void fields_parse(struct body_part *part, const char *text, const char *default_type)
{
	const char *h = text + part->start;
	size_t hlen = part->header_end - part->start;
	char *type = frankd_imap_header_value(h, hlen, "Content-Type");
	char *dsp = frankd_imap_header_value(h, hlen, "Content-Disposition");
	content_type(part, type, default_type);
	content_disposition(part, dsp);
	free(type);
	free(dsp);
	part->id = frankd_imap_header_value(h, hlen, "Content-ID");
	part->description = frankd_imap_header_value(h, hlen, "Content-Description");
	part->encoding = frankd_imap_header_value(h, hlen, "Content-Transfer-Encoding");
	part->md5 = frankd_imap_header_value(h, hlen, "Content-MD5");
	part->language = frankd_imap_header_value(h, hlen, "Content-Language");
	part->location = frankd_imap_header_value(h, hlen, "Content-Location");
}

/* --- the tree -------------------------------------------------------------- */

static void part_parse(struct frankd_imap_body *b, struct body_part *part, size_t start,
		       size_t end, const char *default_type, unsigned depth);

/* The line before a delimiter that ends a part: when it is the close
 * delimiter of a multipart the part is (or holds as a message), the line
 * end after it goes with the part, as Dovecot reads it (the CRLF that
 * starts an empty epilogue); end is where the part was cut, line the
 * start of the delimiter line.  1 when so. */
static int extend_closed(const char *text, struct body_part *part, size_t end, size_t line)
{
	int closed = 0;
	if (part->multipart && part->close_line != SIZE_MAX)
		closed = part->close_line < end && part->end == end &&
			 !memchr(text + part->close_line, '\n', end - part->close_line);
	else if (part->message)
		closed = extend_closed(text, &part->children[0], end, line);
	if (closed)
		part->end = line;
	return closed;
}

/* A multipart's parts, cut at its boundary lines. */
static void multipart_parse(struct frankd_imap_body *b, struct body_part *part, unsigned depth)
{
	const char *boundary = NULL;
	for (size_t i = 0; i < part->nparams; i++)
		if (strcasecmp(part->params[i].name, "boundary") == 0)
			boundary = part->params[i].value;
	const char *child_type = strcmp(part->subtype, "digest") == 0 ? "message/rfc822"
								     : "text/plain";
	size_t cap = 0, first = 0;
	int open = 0;
	for (size_t p = part->header_end, next; boundary && *boundary && p < part->end; p = next) {
		int kind = boundary_line(b->text, p, part->end, boundary, &next);
		if (!kind)
			continue;
		if (open && b->nparts < FRANKD_IMAP_BODY_PARTS) {
			if (part->nchildren == cap)
				part->children = lib_xrealloc(part->children,
							      (cap = cap ? 2 * cap : 4) *
								      sizeof *part->children);
			struct body_part *child = &part->children[part->nchildren++];
			size_t end = part_end(b->text, first, p);
			part_parse(b, child, first, end, child_type, depth + 1);
			extend_closed(b->text, child, end, p);
		}
		open = kind == 1;
		first = next;
		if (kind == 2) {
			part->close_line = p;
			break;
		}
	}
	if (open && b->nparts < FRANKD_IMAP_BODY_PARTS) { /* no close delimiter */
		if (part->nchildren == cap)
			part->children = lib_xrealloc(part->children,
						      (cap + 1) * sizeof *part->children);
		part_parse(b, &part->children[part->nchildren++], first, part->end, child_type,
			   depth + 1);
	}
	if (part->nchildren == 0) { /* a multipart has a part: its body, as text */
		part->children = lib_xcalloc(1, sizeof *part->children);
		part->nchildren = 1;
		part_parse(b, &part->children[0], part->header_end, part->end, "text/plain",
			   FRANKD_IMAP_BODY_DEPTH);
		part->children[0].header_end = part->children[0].start; /* no header of its own */
	}
}

static void part_parse(struct frankd_imap_body *b, struct body_part *part, size_t start,
		       size_t end, const char *default_type, unsigned depth)
{
	memset(part, 0, sizeof *part);
	part->close_line = SIZE_MAX;
	b->nparts++;
	part->start = start;
	part->end = end;
	part->header_end = header_end(b->text, start, end);
	fields_parse(part, b->text, default_type);
	if (depth >= FRANKD_IMAP_BODY_DEPTH)
		return; /* deeper: an opaque leaf */
	if (strcmp(part->type, "multipart") == 0) {
		part->multipart = 1;
		multipart_parse(b, part, depth);
	} else if (strcmp(part->type, "message") == 0 && strcmp(part->subtype, "rfc822") == 0) {
		part->message = 1;
		part->children = lib_xcalloc(1, sizeof *part->children);
		part->nchildren = 1;
		part_parse(b, &part->children[0], part->header_end, end, "text/plain", depth + 1);
	}
}

struct frankd_imap_body *frankd_imap_body_parse(const char *text, size_t len)
{
	mime_init();
	struct frankd_imap_body *b = lib_xcalloc(1, sizeof *b);
	b->text = text ? text : "";
	b->len = text ? len : 0;
	part_parse(b, &b->root, 0, b->len, "text/plain", 0);
	return b;
}

static void part_release(struct body_part *part)
{
	for (size_t i = 0; i < part->nchildren; i++)
		part_release(&part->children[i]);
	free(part->children);
	for (size_t i = 0; i < part->nparams; i++)
		free(part->params[i].name), free(part->params[i].value);
	for (size_t i = 0; i < part->ndparams; i++)
		free(part->dparams[i].name), free(part->dparams[i].value);
	free(part->params);
	free(part->dparams);
	free(part->type);
	free(part->subtype);
	free(part->disposition);
	free(part->id);
	free(part->description);
	free(part->encoding);
	free(part->md5);
	free(part->language);
	free(part->location);
}

void frankd_imap_body_free(struct frankd_imap_body *body)
{
	if (!body)
		return;
	part_release(&body->root);
	free(body);
}

/* --- BODY and BODYSTRUCTURE ------------------------------------------------- */

static void params_format(struct lib_buf *out, const struct body_param *params, size_t n)
{
	if (n == 0) {
		lib_buf_puts(out, "NIL");
		return;
	}
	lib_buf_putc(out, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lib_buf_putc(out, ' ');
		frankd_imap_nstring(out, params[i].name);
		lib_buf_putc(out, ' ');
		frankd_imap_nstring(out, params[i].value);
	}
	lib_buf_putc(out, ')');
}

static size_t line_count(const char *text, size_t start, size_t end)
{
	size_t lines = 0;
	for (const char *p = text + start; (p = memchr(p, '\n', (size_t)(text + end - p)));
	     p++)
		lines++;
	return lines; /* a last line without its end is not counted (as Dovecot) */
}

/* body-fld-lang: Content-Language's tags as a list ("en" "fr"), or NIL. */
static void language_format(struct lib_buf *out, const char *value)
{
	const char *sep = "(";
	for (const char *p = value; p && *p;) {
		size_t skip = strspn(p, " \t,"), n;
		p += skip;
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		lib_buf_puts(out, sep), sep = " ";
		frankd_imap_string(out, p, n);
		p += n;
	}
	lib_buf_puts(out, *sep == '(' ? "NIL" : ")");
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void extension_format(struct lib_buf *out, const struct body_part *part)
{
	if (part->disposition) {
		lib_buf_putc(out, '(');
		frankd_imap_nstring(out, part->disposition);
		lib_buf_putc(out, ' ');
		params_format(out, part->dparams, part->ndparams);
		lib_buf_putc(out, ')');
	} else {
		lib_buf_puts(out, "NIL");
	}
	lib_buf_putc(out, ' ');
	language_format(out, part->language);
	lib_buf_putc(out, ' ');
	frankd_imap_nstring(out, part->location);
}

static void part_format(const struct frankd_imap_body *b, const struct body_part *part,
			int ext, struct lib_buf *out)
{
	lib_buf_putc(out, '(');
	if (part->multipart) {
		for (size_t i = 0; i < part->nchildren; i++)
			part_format(b, &part->children[i], ext, out);
		lib_buf_putc(out, ' ');
		frankd_imap_nstring(out, part->subtype);
		if (ext) {
			lib_buf_putc(out, ' ');
			params_format(out, part->params, part->nparams);
			lib_buf_putc(out, ' ');
			extension_format(out, part);
		}
		lib_buf_putc(out, ')');
		return;
	}
	frankd_imap_nstring(out, part->type);
	lib_buf_putc(out, ' ');
	frankd_imap_nstring(out, part->subtype);
	lib_buf_putc(out, ' ');
	params_format(out, part->params, part->nparams);
	lib_buf_putc(out, ' ');
	frankd_imap_nstring(out, part->id);
	lib_buf_putc(out, ' ');
	frankd_imap_nstring(out, part->description);
	lib_buf_putc(out, ' ');
	frankd_imap_nstring(out, part->encoding ? part->encoding : "7bit");
	lib_buf_printf(out, " %zu", part->end - part->header_end);
	if (part->message) {
		const struct body_part *m = &part->children[0];
		lib_buf_putc(out, ' ');
		frankd_imap_envelope_format(b->text + m->start, m->header_end - m->start, out);
		lib_buf_putc(out, ' ');
		part_format(b, m, ext, out);
	}
	if (part->message || strcmp(part->type, "text") == 0)
		lib_buf_printf(out, " %zu", line_count(b->text, part->header_end, part->end));
	if (ext) {
		lib_buf_putc(out, ' ');
		frankd_imap_nstring(out, part->md5);
		lib_buf_putc(out, ' ');
		extension_format(out, part);
	}
	lib_buf_putc(out, ')');
}

void frankd_imap_body_format(const struct frankd_imap_body *body, int extensible,
			     struct lib_buf *out)
{
	part_format(body, &body->root, extensible, out);
}

/* --- sections ----------------------------------------------------------------- */

/* The part that numbers name (RFC 3501 6.4.5): each number picks a part
 * of a multipart; "1" of a part that is not one is the part itself; a
 * number after a message/rfc822 part goes into the message it holds. */
static const struct body_part *part_find(const struct body_part *root, const uint32_t *numbers,
					 size_t n)
{
	const struct body_part *part = root;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && part->message)
			part = &part->children[0];
		if (part->multipart) {
			if (numbers[i] < 1 || numbers[i] > part->nchildren)
				return NULL;
			part = &part->children[numbers[i] - 1];
		} else if (numbers[i] != 1) {
			return NULL;
		}
	}
	return part;
}

int frankd_imap_body_section(const struct frankd_imap_body *body,
			     const struct frankd_imap_section *sec, size_t *start, size_t *len)
{
	const struct body_part *part = part_find(&body->root, sec->part, sec->nparts);
	if (!part)
		return -1;
	const struct body_part *msg = part; /* HEADER, TEXT: of the message */
	if (sec->nparts > 0 && sec->kind != FRANKD_SECTION_ALL && sec->kind != FRANKD_SECTION_MIME) {
		if (!part->message)
			return -1;
		msg = &part->children[0];
	}
	size_t a, z;
	switch (sec->kind) {
	case FRANKD_SECTION_MIME: a = part->start, z = part->header_end; break;
	case FRANKD_SECTION_TEXT: a = msg->header_end, z = msg->end; break;
	case FRANKD_SECTION_HEADER:
	case FRANKD_SECTION_FIELDS:
	case FRANKD_SECTION_FIELDS_NOT: a = msg->start, z = msg->header_end; break;
	default:
		if (sec->nparts == 0)
			a = 0, z = body->len;
		else
			a = part->header_end, z = part->end;
		break;
	}
	*start = a;
	*len = z - a;
	return 0;
}
