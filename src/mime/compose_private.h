/* compose_private.h: private to src/mime, what the composing files
 * (compose*.c) share: GMime helpers for building and checking messages. */
#ifndef FRANK_MIME_COMPOSE_PRIVATE_H
#define FRANK_MIME_COMPOSE_PRIVATE_H

#include <gmime/gmime.h>

#include "mime.h"

/* Deeper nesting than this is hostile, not mail (as in view.c). */
#define COMPOSE_MAX_DEPTH 32
/* The longest address list item shown in an error. */
#define COMPOSE_SHOWN 120

/* Parses a message (NULL when GMime finds none); caller unrefs. */
GMimeMessage *compose_parse_message(const char *msg, size_t len);

/* Checks an address list header value as written (raw or RFC 2047
 * encoded, folded or not; NULL or blank is an empty list).  Every item
 * must be one mailbox local@domain or a group of them: GMime alone drops
 * what it cannot parse, so the list is split here first.  Returns 0 and
 * a new list (UTF-8 for encoding) in *out, or -1 with err set to
 * "FIELD: not an address: ITEM". */
int compose_address_list_check(const char *field, const char *value,
			       InternetAddressList **out, struct lib_err *err);

/* Appends the addresses of list's mailboxes (groups flattened) to
 * *addrs[0..*n) unless already there (compared without case). */
void compose_list_addresses(InternetAddressList *list, char ***addrs, size_t *n);

/* 1 when addr is local@domain as frank sends to: no space or control
 * outside quotes, a local part and a dotted domain (or [literal]). */
int compose_addr_spec_ok(const char *addr);

/* The domain of "Name <local@domain>" or "local@domain", or NULL; caller
 * frees. */
char *compose_domain_of(const char *address);

/* A base64 attachment part, its names RFC 2231-encoded in UTF-8. */
GMimeObject *compose_attachment_part(const char *data, size_t len, const char *filename,
				     const char *content_type);

/* A text/plain; charset=utf-8 part: 7bit when it can be, else
 * quoted-printable; format=flowed when asked. */
GMimeObject *compose_text_part(const char *text, size_t len, int flowed);

/* Serializes obj (LF line ends) onto out. */
void compose_write(GMimeObject *obj, struct lib_buf *out);

/* Text made UTF-8 and terminal-safe for errors, cut at COMPOSE_SHOWN. */
void compose_shown(const char *text, struct lib_buf *out);

#endif
