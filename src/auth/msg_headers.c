/* msg_headers.c: a strict, bounded split of a header section into fields
 * over the raw bytes (grammar in msg_headers.h). */
#include "msg_headers.h"

#include <stdlib.h>
#include <string.h>

int auth_msg_header_end(const char *data, size_t len, size_t *header_len, size_t *body_off)
{
	/* The empty line is at the very start, or right after a line break. */
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && data[i - 1] != '\n')
			continue;
		if (data[i] == '\n') {
			*header_len = i;
			*body_off = i + 1;
			return 0;
		}
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') {
			*header_len = i;
			*body_off = i + 2;
			return 0;
		}
		const char *lf = memchr(data + i, '\n', len - i);
		if (!lf)
			break;
		i = (size_t)(lf - data); /* the loop steps past it */
	}
	*header_len = len;
	*body_off = len;
	return -1;
}

uint32_t auth_msg_name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

int auth_msg_field_is(const struct auth_msg_field *field, const char *name, size_t len,
		      uint32_t hash)
{
	if (field->name_hash != hash || field->name_len != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char a = (unsigned char)field->raw[i], b = (unsigned char)name[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b + 32);
		if (a != b)
			return 0;
	}
	return 1;
}

/* Length of the line at p (up to and including its LF, or to end). */
static size_t line_length(const char *p, size_t left)
{
	const char *lf = memchr(p, '\n', left);
	return lf ? (size_t)(lf - p) + 1 : left;
}

/* Fills in the name and value of a field whose raw bytes are set. */
static void field_parse_name(struct auth_msg_field *f)
{
	size_t n = 0;
	while (n < f->raw_len) {
		unsigned char c = (unsigned char)f->raw[n];
		if (c < 33 || c > 126 || c == ':')
			break;
		n++;
	}
	size_t colon = n;
	while (colon < f->raw_len && (f->raw[colon] == ' ' || f->raw[colon] == '\t'))
		colon++;
	size_t end = f->raw_len;
	if (end && f->raw[end - 1] == '\n')
		end--;
	if (end && f->raw[end - 1] == '\r')
		end--;
	if (n == 0 || colon >= end || f->raw[colon] != ':') {
		f->name_len = 0;
		f->value_off = f->value_end = 0;
		f->name_hash = 0;
		return;
	}
	f->name_len = n;
	f->value_off = colon + 1;
	f->value_end = end;
	f->name_hash = auth_msg_name_hash(f->raw, n);
}

int auth_msg_headers_split(const char *data, size_t len, struct auth_msg_headers *out,
			   struct lib_err *err)
{
	out->fields = NULL;
	out->count = 0;
	size_t cap = 0;
	size_t at = 0;
	while (at < len) {
		if (out->count == AUTH_MSG_MAX_FIELDS) {
			auth_msg_headers_release(out);
			return lib_err_set(err, "header section has more than %d fields",
					   AUTH_MSG_MAX_FIELDS);
		}
		size_t start = at;
		at += line_length(data + at, len - at);
		/* Continuation lines (starting with WSP) belong to this field. */
		while (at < len && (data[at] == ' ' || data[at] == '\t'))
			at += line_length(data + at, len - at);
		if (out->count == cap) {
			cap = cap ? cap * 2 : 32;
			out->fields = lib_xrealloc(out->fields, cap * sizeof *out->fields);
		}
		struct auth_msg_field *f = &out->fields[out->count++];
		f->raw = data + start;
		f->raw_len = at - start;
		field_parse_name(f);
	}
	return 0;
}

void auth_msg_headers_release(struct auth_msg_headers *headers)
{
	free(headers->fields);
	headers->fields = NULL;
	headers->count = 0;
}
