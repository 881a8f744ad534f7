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

/* The URLs of a message (links.c), each once, in the order they first
 * appear; at most MIME_LINKS_MAX of at most MIME_LINK_MAX bytes. */
#define MIME_LINKS_MAX 1000
#define MIME_LINK_MAX 2048
struct mime_links {
	char **urls;
	size_t count;
};
/* Adds url[0..len) unless it is there already; returns its number (1..),
 * or 0 when it is refused (too long, a control character, list full). */
size_t mime_links_add(struct mime_links *links, const char *url, size_t len);
void mime_links_release(struct mime_links *links);
/* Adds the http://, https://, ftp:// and mailto: URLs written in text
 * (trailing sentence punctuation is not part of them). */
void mime_links_scan_text(const char *text, size_t len, struct mime_links *links);

/* HTML as text (html.c), appended to out: tags stripped, script, style
 * and title dropped, entities decoded (common names, &#N; and &#xN;),
 * paragraphs, line breaks, list items and headings as lines; a link's
 * text is followed by [n], n its number in links (which may be NULL).
 * Output is valid UTF-8 (see lib_utf8_sanitize) and linear in len. */
void mime_html_render(const char *html, size_t len, struct lib_buf *out,
		      struct mime_links *links);

/* --- mailcap (RFC 1524) ------------------------------------------------- */

/* One mailcap entry: its view command and test, as written (but "\;"). */
struct mime_mailcap_entry {
	char *view;
	char *test; /* NULL: none */
	int copiousoutput;
};
/* The next entry at or after *pos in mailcap text for type ("text/html";
 * "text/ *" and "text" entries match it), with copiousoutput when
 * need_copious.  Returns 1 with out filled (release it) and *pos past
 * it, or 0 at the end.  A pure parser: nothing is run. */
int mime_mailcap_find(const char *text, size_t len, const char *type, int need_copious,
		      size_t *pos, struct mime_mailcap_entry *out);
void mime_mailcap_entry_release(struct mime_mailcap_entry *e);
/* A command with %s (path), %t (type), %{name} (from params: name,
 * value, ..., NULL) and %% expanded; values from the message keep only
 * characters without meaning to a shell.  *has_file: %s was used.
 * Caller frees. */
char *mime_mailcap_expand(const char *command, const char *path, const char *type,
			  const char *const *params, int *has_file);

#define MIME_MAILCAP_TIMEOUT 10                    /* seconds */
#define MIME_MAILCAP_MAX_OUTPUT (4u * 1024 * 1024) /* bytes read of a viewer */
/* Renders data (a part of type, with its Content-Type params) through the
 * first copiousoutput entry whose test passes, in the mailcap files of
 * path_list ("~/.mailcap:/etc/mailcap").  The part goes to a mkstemp
 * file (removed after), or the viewer's input when it has no %s.
 * Returns 1 with the output (cleaned) appended to out, 0 when no entry
 * applies, -1 with err set when the viewer failed or took too long. */
int mime_mailcap_render(const char *path_list, const char *type, const char *const *params,
			const char *data, size_t len, struct lib_buf *out, struct lib_err *err);

/* How a message is rendered: NULL options are the defaults (0, NULL). */
struct mime_view_opts {
	int prefer_html;          /* multipart/alternative: show the HTML */
	const char *mailcap_path; /* NULL: HTML only through the built-in renderer */
};

/* A message rendered for reading: the headers a reader wants, then the
 * body.  Owned by the caller: free with mime_view_free(). */
struct mime_view {
	char *headers;    /* "Date: ...\nFrom: ...\n...": one decoded line each */
	char *subject;    /* decoded Subject, "" when absent */
	char *body;       /* the text part (HTML rendered) or raw text, then attachment lines */
	int raw;          /* 1 when the MIME structure was unusable: body is raw */
	int html;         /* 1: the body is rendered HTML; 2: through mailcap */
	char *notice;     /* why a mailcap viewer was not used, or NULL */
	struct mime_links links; /* the URLs of the body (and of the HTML's links) */
};

/* Renders the message in the file at path.  Returns NULL with err set only
 * when the file cannot be read; a malformed message still gives a view. */
struct mime_view *mime_view_new_from_file(const char *path, struct lib_err *err);
struct mime_view *mime_view_new(const char *path, const struct mime_view_opts *opts,
				struct lib_err *err);

/* Same, from bytes in memory (used by tests and fuzzing). */
struct mime_view *mime_view_new_from_bytes(const char *data, size_t len);
struct mime_view *mime_view_new_from_bytes_opts(const char *data, size_t len,
						const struct mime_view_opts *opts);

void mime_view_free(struct mime_view *view);

/* The name to show for a From header value: the display name when there is
 * one, else the address; decoded (RFC 2047) and cleaned.  Caller frees. */
char *mime_sender_display(const char *from_header);

/* The first mailbox of a From (or To) value: its display name decoded
 * (RFC 2047) and made one line of valid UTF-8 ("" when there is none),
 * and its address with the domain in ASCII (A-labels).  Returns 0 with both set (caller frees),
 * or -1 when the value holds no mailbox. */
int mime_first_mailbox(const char *value, char **name, char **address);

/* What a mail tester looks at in a message (frank dnscheck --message):
 * how many text/plain and text/html parts it has, at any depth (HTML
 * without a text version), and whether its Date parses.  -1 when data is
 * not a message. */
struct mime_message_facts {
	unsigned plain;
	unsigned html;
	int date_valid;
};
int mime_message_facts_read(const char *data, size_t len, struct mime_message_facts *out);

/* ===================================================================== */
/* Composing                                                             */
/* ===================================================================== */

/* How a message is written and sent, in three steps:
 *   1. a struct mime_compose holds what the user writes (by hand through
 *      the edit text, or made by a reply or a forward);
 *   2. mime_compose_draft() turns it into an RFC 5322 message for the
 *      Drafts folder; it never fails on the user's input, so a draft can
 *      always be kept: an address list that does not parse stays as
 *      written, and a file to attach is named in an X-Frank-Attach header
 *      until the message is sent;
 *   3. mime_outgoing_prepare() turns a draft, or any prepared message,
 *      into what is submitted: every check (recipients, attachments),
 *      the files attached, Date and Message-ID set, Bcc taken out of the
 *      transmitted copy but kept in the copy recorded in Sent. */

#define MIME_SIZE_LIMIT_DEFAULT (25u * 1024 * 1024) /* common provider limit */
#define MIME_ATTACH_HEADER "X-Frank-Attach"

/* A part to attach: a file read when the message is sent, or bytes. */
struct mime_attachment {
	char *path;         /* the file, or NULL when data holds the content */
	char *data;         /* path == NULL: the content (may hold NUL bytes) */
	size_t len;
	char *filename;     /* the name recipients see; NULL: path's base name */
	char *content_type; /* "type/subtype"; NULL: found from the content
	                       (libmagic), else from the name's extension */
};

/* A message being written.  Strings are UTF-8 and owned by the struct;
 * NULL is an empty field.  Address fields are lists as written
 * ("Bob <bob@example.org>, ann@example.org"). */
struct mime_compose {
	char *from;
	char *to, *cc, *bcc, *reply_to;
	char *subject;
	char *in_reply_to; /* "<id>" */
	char *references;  /* "<id1> <id2> ..." */
	char *message_id;  /* "<id>"; set by mime_compose_draft() when NULL */
	char *body;        /* the text, LF line ends */
	struct mime_attachment *attachments;
	size_t nattachments;
};

struct mime_compose *mime_compose_new(void);
void mime_compose_free(struct mime_compose *c);

/* Replaces a string field (NULL clears it): *field = copy of value. */
void mime_compose_set(char **field, const char *value);
/* Adds a file to attach (read when the message is sent). */
void mime_compose_attach_file(struct mime_compose *c, const char *path);
/* Adds bytes to attach; filename and content_type may be NULL. */
void mime_compose_attach_data(struct mime_compose *c, const char *data, size_t len,
			      const char *filename, const char *content_type);
/* Appends "-- \n" and the signature file (UTF-8) to the body.  A missing
 * or unreadable file is an error; a file already ending the body is not
 * added twice. */
int mime_compose_add_signature(struct mime_compose *c, const char *path, struct lib_err *err);

/* Takes a mailto: URL (RFC 6068): its addresses join To; its to, cc, bcc,
 * subject, body, in-reply-to and references fields are used, others
 * ignored.  Returns 0, or -1 with err set (not a mailto: URL, bad
 * percent-encoding, text that is not UTF-8). */
int mime_compose_add_mailto(struct mime_compose *c, const char *url, struct lib_err *err);

/* --- The edit text (mutt's edit_headers) ----------------------------------
 *
 *   From: Alice <alice@example.org>
 *   To: bob@example.org
 *   Cc:
 *   Bcc:
 *   Subject: Lunch
 *   Reply-To:
 *   Attach: /home/alice/menu.pdf
 *
 *   The body...
 *
 * In-Reply-To and References appear when set.  One Attach: line per file
 * attachment; attachments held as bytes are not listed and are kept. */
void mime_compose_edit_text(const struct mime_compose *c, struct lib_buf *out);

/* Reads the edited text back into c (its headers, file attachments and
 * body are replaced).  Returns 0, or -1 with err set to "line N: ..." for
 * a line that is not a header, an unknown header, or text that is not
 * UTF-8. */
int mime_compose_parse_edit_text(struct mime_compose *c, const char *text, size_t len,
				 struct lib_err *err);

/* The edit text in a private file for $EDITOR: the one round trip both
 * `frank send -e` and the compose screen make.  The caller runs the
 * editor on path between write and read. */
struct mime_edit_file {
	char *path;            /* mkstemp under $TMPDIR or /tmp */
	struct lib_buf before; /* what was written, to tell an unchanged file */
};

/* Writes c's edit text to a new file named PREFIX-XXXXXX.  Returns 0, or
 * -1 with err set (nothing is left on disk then). */
int mime_edit_file_write(const struct mime_compose *c, const char *prefix,
			 struct mime_edit_file *f, struct lib_err *err);
/* Reads the edited file back into c.  *unchanged is 1 when the user
 * saved it as written.  Returns 0, or -1 with err set. */
int mime_edit_file_read(struct mime_compose *c, struct mime_edit_file *f, int *unchanged,
			struct lib_err *err);
/* Removes the file unless keep (the user's text after a parse error). */
void mime_edit_file_release(struct mime_edit_file *f, int keep);

/* --- Replies and forwards ------------------------------------------------ */

/* Who the user is: the From for new messages and every address that is
 * the user's own (left out of a group reply). */
struct mime_identity {
	const char *from;             /* "Name <local@domain>" */
	const char *const *addresses; /* the user's own addresses */
	size_t naddresses;
};

enum mime_reply_kind {
	MIME_REPLY_SENDER, /* Reply-To if set, else From */
	MIME_REPLY_GROUP,  /* that, plus To and Cc, minus the user's own */
};

/* A reply to the message msg[0..len): recipients as above, "Re: "
 * subject, In-Reply-To and References, and the text quoted with "> "
 * after an attribution line ("On DATE, NAME wrote:").  NULL with err set
 * when msg is not a message. */
struct mime_compose *mime_compose_reply(const char *msg, size_t len,
					const struct mime_identity *me, enum mime_reply_kind kind,
					struct lib_err *err);

enum mime_forward_kind {
	MIME_FORWARD_INLINE, /* the text in the body, between marker lines */
	MIME_FORWARD_ATTACH, /* the whole message as a message/rfc822 part */
};

struct mime_compose *mime_compose_forward(const char *msg, size_t len,
					  const struct mime_identity *me,
					  enum mime_forward_kind kind, struct lib_err *err);

/* A saved draft back into a struct to edit (a postponed message resumed):
 * headers, the first text/plain part as the body, every other part as an
 * attachment held as bytes, X-Frank-Attach headers as file attachments. */
struct mime_compose *mime_compose_from_draft(const char *msg, size_t len, struct lib_err *err);

/* --- Drafts ---------------------------------------------------------------- */

struct mime_draft_opts {
	const char *user_agent; /* "frank 0.1", or NULL */
	int flowed;             /* text/plain; format=flowed (RFC 3676) */
};

/* The message for the Drafts folder (LF line ends), appended to out.
 * Sets c->message_id when it is NULL ("<...@domain of From>"), so that
 * sending the same draft twice keeps one Message-ID.  The body is UTF-8
 * text, quoted-printable when it is not 7-bit safe; attachments held as
 * bytes are base64 parts of a multipart/mixed.  Never fails. */
void mime_compose_draft(struct mime_compose *c, const struct mime_draft_opts *opts,
			struct lib_buf *out);

/* Text reflowed for format=flowed (RFC 3676 4.2): lines longer than 78
 * characters broken at spaces with a trailing space, lines that start
 * with a space, ">" or "From " space-stuffed, trailing spaces of hard
 * lines removed (but "-- ").  Quoted lines are not rewrapped. */
void mime_flowed_encode(const char *text, size_t len, struct lib_buf *out);

/* --- Sending --------------------------------------------------------------- */

struct mime_outgoing_opts {
	const char *from;        /* the account's From, when msg has none */
	const char *user_agent;  /* added when msg has no User-Agent */
	long long now;           /* the Date to set (time_t), 0: the clock */
};

/* A message ready to submit.  Owned by the caller:
 * mime_outgoing_release(). */
struct mime_outgoing {
	char *wire;          /* what is transmitted: no Bcc */
	size_t wire_len;
	char *record;        /* the copy for Sent: with Bcc (only the sender
	                        sees it) */
	size_t record_len;
	char *sender;        /* the From's address, for MAIL FROM */
	char **rcpts;        /* To, Cc and Bcc addresses, each once */
	size_t nrcpts;
	char *message_id;    /* without < > */
	char *subject;       /* decoded, for messages to the user */
};

/* Prepares msg[0..len) (a draft or a hand-written RFC 5322 message;
 * headers may hold raw UTF-8) for submission: From filled from opts when
 * absent; every recipient must be local@domain; files named in
 * X-Frank-Attach are read and attached (multipart/mixed, base64, RFC 2231
 * names) and the header removed; Date, Message-ID, MIME-Version and
 * User-Agent added when absent.  Returns 0, or -1 with err set: no
 * recipient, a recipient or From that does not parse ("To: not an
 * address: bob@"), an attachment that cannot be read. */
int mime_outgoing_prepare(const char *msg, size_t len, const struct mime_outgoing_opts *opts,
			  struct mime_outgoing *out, struct lib_err *err);
void mime_outgoing_release(struct mime_outgoing *out);

/* 1 when len is over limit (0: MIME_SIZE_LIMIT_DEFAULT), with warn set to
 * "the message is 31.2 MB, over the limit of 25.0 MB"; else 0. */
int mime_size_over(size_t len, size_t limit, struct lib_err *warn);

/* The MIME type of an attachment: libmagic on the content, the file
 * name's extension where that says more (or when libmagic cannot tell),
 * else application/octet-stream.  Caller frees. */
char *mime_guess_type(const char *data, size_t len, const char *filename);

/* --- 8-bit to 7-bit (seven_bit.c) --- */

/* 1 when the header section of msg has a byte above 127 (the message
 * then needs SMTPUTF8, RFC 6531). */
int mime_header_is_8bit(const char *msg, size_t len);
/* The 7-bit form of an 8-bit message (RFC 6152), into out (reset first),
 * CRLF line ends: each part with 8-bit content re-encoded
 * (quoted-printable or base64), the others as they were (seven_bit.c).
 * -1 with err set ("its header section is not ASCII...") when it cannot
 * be made 7-bit. */
int mime_message_to_7bit(const char *msg, size_t len, struct lib_buf *out,
			 struct lib_err *err);

#endif
