/* mime.h: the face of src/mime, GMime wrappers that turn a message file into
 * text a terminal can show.  Every string it returns is valid UTF-8 with no
 * control characters but TAB and LF (see lib_utf8_sanitize). */
#ifndef FRANK_MIME_H
#define FRANK_MIME_H

#include <stddef.h>

#include "lib.h"

/* Call once per process before any other mime_ call; mime_shutdown() at
 * exit releases GMime's global state. */
void mime_init(void);
void mime_shutdown(void);

/* Largest message file frank opens for display. */
#define MIME_MAX_MESSAGE_SIZE (256u * 1024 * 1024)

/* A message rendered for reading: the headers a reader wants, then the
 * body.  Owned by the caller: free with mime_view_free(). */
struct mime_view {
	char *headers;    /* "Date: ...\nFrom: ...\n...": one decoded line each */
	char *subject;    /* decoded Subject, "" when absent */
	char *body;       /* the text/plain part (or raw text), then attachment lines */
	int raw;          /* 1 when the MIME structure was unusable: body is raw */
};

/* Renders the message in the file at path.  Returns NULL with err set only
 * when the file cannot be read; a malformed message still gives a view. */
struct mime_view *mime_view_new_from_file(const char *path, struct lib_err *err);

/* Same, from bytes in memory (used by tests and fuzzing). */
struct mime_view *mime_view_new_from_bytes(const char *data, size_t len);

void mime_view_free(struct mime_view *view);

/* The name to show for a From header value: the display name when there is
 * one, else the address; decoded (RFC 2047) and cleaned.  Caller frees. */
char *mime_sender_display(const char *from_header);

#endif
