/* msg_headers.h: private to src/auth.  The header section of a message
 * split into its fields over the raw bytes, untouched: DKIM, ARC and
 * DMARC need the exact bytes a signer saw, which a MIME library rewrites.
 *
 * RFC 5322 2.2 and 3.6, with obs-optional (4.5.8: WSP before the colon):
 *   field       = field-name *WSP ":" unstructured CRLF
 *   field-name  = 1*ftext
 *   ftext       = %d33-57 / %d59-126      ; printable but ":"
 *   folded line = WSP *VCHAR-or-WSP CRLF  ; continues the field above
 * A line ends with CRLF or a bare LF (a Maildir file stores LF).  A line
 * that starts no field (no colon, or a continuation at the very top) is
 * kept as a field with name_len 0, so the bytes are all accounted for
 * and such a line is never taken for a named field. */
#ifndef FRANK_AUTH_MSG_HEADERS_H
#define FRANK_AUTH_MSG_HEADERS_H

#include <stddef.h>
#include <stdint.h>

#include "lib.h"

/* More fields than this is no mail but an attack on the verifier. */
#define AUTH_MSG_MAX_FIELDS 50000

struct auth_msg_field {
	const char *raw;    /* from the name to the end of the last line */
	size_t raw_len;     /* including the final line break, if any */
	size_t name_len;    /* raw[0..name_len) is the name; 0: not a field */
	size_t value_off;   /* raw[value_off..value_end) follows the colon, */
	size_t value_end;   /* the final line break excluded */
	uint32_t name_hash; /* auth_msg_name_hash() of the name */
};

/* Points into the bytes given to auth_msg_headers_split (not copied). */
struct auth_msg_headers {
	struct auth_msg_field *fields;
	size_t count;
};

/* Where the header section ends in data[0..len): *header_len is the length
 * of the fields (the last line break included), *body_off the offset of
 * the body after the empty line.  Returns 0, or -1 when there is no empty
 * line (the whole of data is header section and there is no body). */
int auth_msg_header_end(const char *data, size_t len, size_t *header_len, size_t *body_off);

/* Splits a header section (as auth_msg_header_end measured it) into
 * fields.  Returns 0, or -1 with err set when it has more than
 * AUTH_MSG_MAX_FIELDS fields. */
int auth_msg_headers_split(const char *data, size_t len, struct auth_msg_headers *out,
			   struct lib_err *err);
void auth_msg_headers_release(struct auth_msg_headers *headers);

/* FNV-1a of a field name without case: equal names hash equal. */
uint32_t auth_msg_name_hash(const char *name, size_t len);

/* Whether the field's name is name (compared without case). */
int auth_msg_field_is(const struct auth_msg_field *field, const char *name, size_t len,
		      uint32_t hash);

#endif
