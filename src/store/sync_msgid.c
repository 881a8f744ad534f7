/* sync_msgid.c: the Message-ID of a raw message, by which the POP3 sync
 * recognizes a message it already has when the server offers no UIDL
 * (the content alone may change: servers add Status: or X-UIDL: headers).
 * A pure function over bytes, driven by unit tests and a fuzzer.
 *
 * RFC 5322 3.6.4 and 2.2.3:
 *   message-id = "Message-ID:" msg-id CRLF
 *   msg-id     = [CFWS] "<" id-left "@" id-right ">" [CFWS]
 *   field      = field-name ":" unstructured, folded by CRLF WSP
 * The header section ends at the first empty line. */
#include "store.h"

#include <string.h>
#include <strings.h>

/* The end of the header line starting at p (its LF, or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	return lf ? lf : end;
}

/* Copies the field's value from p (after the colon), unfolded, into out
 * as the text inside its first <...>; 0, or -1 when there is none. */
static int field_id(const char *p, const char *end, char *out, size_t size)
{
	size_t o = 0;
	int inside = 0;
	for (; p < end; p++) {
		if (*p == '\n') {
			if (p + 1 >= end || (p[1] != ' ' && p[1] != '\t'))
				break; /* the field ends: a line not folded into it */
			continue;
		}
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			continue; /* a bare CR is not a line end: refused below */
		if (!inside) {
			inside = *p == '<';
			continue;
		}
		if (*p == '>') {
			out[o] = '\0';
			return o ? 0 : -1;
		}
		if ((unsigned char)*p <= ' ' || o + 1 >= size)
			return -1; /* no space inside an id; too long to be one */
		out[o++] = *p;
	}
	return -1;
}

int store_message_id(const char *data, size_t len, char *out, size_t size)
{
	static const char name[] = "Message-ID:";
	const char *p = data, *end = data + len;
	if (size == 0)
		return -1;
	out[0] = '\0';
	while (p < end) {
		const char *le = line_end(p, end);
		if (le == p || (le - p == 1 && *p == '\r'))
			return -1; /* the empty line: the body begins */
		if ((size_t)(le - p) >= sizeof name - 1 &&
		    strncasecmp(p, name, sizeof name - 1) == 0) {
			if (field_id(p + sizeof name - 1, end, out, size) == 0)
				return 0;
			out[0] = '\0'; /* not a part of one */
			return -1;
		}
		p = le < end ? le + 1 : end;
	}
	return -1;
}
