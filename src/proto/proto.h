/* proto.h: the face of src/proto, frank's protocol clients: IMAP4rev1
 * (RFC 3501, 9051), POP3 (RFC 1939, 2449) and SMTP submission (RFC 6409,
 * 5321).  They ride on src/net's blocking connections; grammars are pure
 * functions over bytes, apart from I/O, so tests and fuzzers drive them
 * directly.  Credentials go only through net_conn_write_secret(), so no
 * client can send a password on a connection without TLS. */
#ifndef FRANK_PROTO_H
#define FRANK_PROTO_H

#include <stddef.h>

#include "lib.h"
#include "net.h"

/* ===================================================================== */
/* IMAP client                                                           */
/* ===================================================================== */

/* --- Responses: a pure parser over bytes (imap_parse.c) ------------------
 *
 * A response is the bytes of one server response with its literals inline,
 * exactly as read: a line, and after each line that ends in "{n}" the CRLF,
 * n bytes, and the next line.  imap_response_parse() makes a tree of it
 * that points into its own copy; nothing in it touches a socket. */

enum imap_type {
	IMAP_NIL,    /* NIL */
	IMAP_ATOM,   /* an atom or number, "\Seen", "BODY[HEADER.FIELDS (X)]<0>" */
	IMAP_STRING, /* a quoted string (unescaped) or a literal */
	IMAP_LIST,   /* ( ... ) */
};

struct imap_value {
	enum imap_type type;
	const char *s; /* ATOM, STRING: the bytes (not NUL-terminated) */
	size_t len;
	struct imap_value *items; /* LIST */
	size_t count;
};

enum imap_kind {
	IMAP_KIND_TAGGED,
	IMAP_KIND_UNTAGGED,
	IMAP_KIND_CONTINUE, /* "+ ..." */
};

enum imap_cond {
	IMAP_COND_NONE, /* not a status response (FETCH, LIST, ...) */
	IMAP_COND_OK,
	IMAP_COND_NO,
	IMAP_COND_BAD,
	IMAP_COND_BYE,
	IMAP_COND_PREAUTH,
};

#define IMAP_NAME_MAX 24
#define IMAP_TAG_MAX 32
#define IMAP_DEPTH_MAX 48 /* nesting of lists: BODYSTRUCTURE of deep multiparts */

/* One parsed response.  Everything points into buf, which it owns. */
struct imap_response {
	enum imap_kind kind;
	char tag[IMAP_TAG_MAX];     /* TAGGED */
	int has_number;             /* "* 12 FETCH", "* 3 EXISTS" */
	unsigned long number;
	char name[IMAP_NAME_MAX];   /* upper case: "OK", "FETCH", "LIST", "VANISHED" */
	enum imap_cond cond;
	struct imap_value code;     /* [CODE args] as a list (count 0: none) */
	const char *text;           /* resp-text after the code; NUL-terminated */
	struct imap_value args;     /* the values after the name, as a list */
	char *buf;
	size_t len;
	struct imap_value **pool;   /* every list's items, freed at release */
	size_t npool;
};

/* Parses data[0..len) (trailing CRLF optional).  Returns 0, or -1 with err
 * set and r released: malformed response, lists nested deeper than
 * IMAP_DEPTH_MAX, a literal whose count does not match the bytes. */
int imap_response_parse(const char *data, size_t len, struct imap_response *r,
			struct lib_err *err);
void imap_response_release(struct imap_response *r);

/* Does the line end with a literal announcement "{n}" (or literal8
 * "~{n}")?  Returns 1 and *n, 0 when not, -1 when the count overflows. */
int imap_line_literal(const char *line, size_t len, unsigned long long *n);

/* 1 when v is an ATOM equal to word, ignoring ASCII case. */
int imap_value_is(const struct imap_value *v, const char *word);
/* A number (number64 of RFC 9051): 0, or -1 if v is not one. */
int imap_value_number(const struct imap_value *v, unsigned long long *out);
/* The response code's name ("UIDVALIDITY") is word; then its first
 * argument as a number.  0, or -1 if absent. */
int imap_code_is(const struct imap_response *r, const char *word);
int imap_code_number(const struct imap_response *r, const char *word,
		     unsigned long long *out);

/* System flags as bits, the rest (keywords) ignored. */
enum imap_flag {
	IMAP_FLAG_SEEN = 1 << 0,
	IMAP_FLAG_ANSWERED = 1 << 1,
	IMAP_FLAG_FLAGGED = 1 << 2,
	IMAP_FLAG_DELETED = 1 << 3,
	IMAP_FLAG_DRAFT = 1 << 4,
};
unsigned imap_flags_from_list(const struct imap_value *list);
/* "\Seen \Flagged" for a STORE; "" for none.  Into out (appended). */
void imap_flags_format(unsigned flags, struct lib_buf *out);

/* The items of a FETCH response that the sync uses. */
struct imap_fetch {
	unsigned long seq;
	unsigned long uid;           /* 0: not in the response */
	int has_flags;
	unsigned flags;              /* enum imap_flag */
	unsigned long long modseq;   /* 0: none */
	unsigned long long size;     /* RFC822.SIZE; has_size */
	int has_size;
	const char *internaldate;    /* NULL or NUL-less bytes, idate_len */
	size_t idate_len;
	const char *body;            /* BODY[...] or BINARY[...]: the last one */
	size_t body_len;
	int has_body;
	const struct imap_value *bodystructure; /* or NULL */
};

/* From an untagged FETCH response.  0, or -1 with err set. */
int imap_fetch_parse(const struct imap_response *r, struct imap_fetch *f,
		     struct lib_err *err);

/* A set of UIDs as ranges (VANISHED, ESEARCH ALL, APPENDUID, COPYUID).
 * Ranges are kept as written, never expanded, so "1:4294967295" is cheap. */
struct imap_range {
	unsigned long lo, hi; /* lo <= hi */
};
struct imap_set {
	struct imap_range *ranges;
	size_t count;
};
int imap_set_parse(const char *s, size_t len, struct imap_set *set, struct lib_err *err);
int imap_set_contains(const struct imap_set *set, unsigned long uid);
void imap_set_release(struct imap_set *set);
/* Appends sorted uids[0..n) to out as a compact set ("1:3,7,9:10"). */
void imap_set_format(const unsigned long *uids, size_t n, struct lib_buf *out);

/* A COPYUID response code (RFC 4315 UIDPLUS, sent by COPY and MOVE):
 *   resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set
 * the source UIDs and the UIDs their copies got, paired in order. */
struct imap_copyuid {
	unsigned long uidvalidity;
	struct imap_set src, dst; /* the same number of UIDs in each */
};
/* From r's response code: 1 with *out filled (release it), 0 when r has
 * no COPYUID, -1 with err set when it is malformed. */
int imap_copyuid_parse(const struct imap_response *r, struct imap_copyuid *out,
		       struct lib_err *err);
/* The destination UID of source uid, or 0 when the code does not name it. */
unsigned long imap_copyuid_lookup(const struct imap_copyuid *c, unsigned long uid);
void imap_copyuid_release(struct imap_copyuid *c);

/* One LIST reply. */
enum imap_list_flag {
	IMAP_LIST_NOSELECT = 1 << 0, /* \Noselect, \NonExistent */
	IMAP_LIST_SENT = 1 << 1,
	IMAP_LIST_DRAFTS = 1 << 2,
	IMAP_LIST_TRASH = 1 << 3,
	IMAP_LIST_JUNK = 1 << 4,
	IMAP_LIST_ARCHIVE = 1 << 5,
	IMAP_LIST_ALL = 1 << 6,
};
struct imap_folder {
	char *name;    /* as the server names it (modified UTF-7), NUL-free */
	char delim;    /* hierarchy delimiter, '\0' for none */
	unsigned flags;
};
/* From an untagged LIST response into f (caller releases name with
 * free()).  0, or -1 with err set (malformed, or a name holding NUL). */
int imap_list_parse(const struct imap_response *r, struct imap_folder *f,
		    struct lib_err *err);

/* --- The client (imap.c): blocking, one connection ------------------- */

struct imap;

struct imap_opts {
	const char *host;
	const char *port;         /* NULL: 993 with implicit_tls, else 143 */
	int implicit_tls;         /* 0: STARTTLS, which is then required */
	struct net_tls_policy tls;
	int allow_plaintext_loopback;
	size_t max_literal;       /* largest literal accepted; 0: 64 MiB */
	int connect_timeout_ms;   /* 0: net's default */
	int io_timeout_ms;        /* 0: net's default */
	const char *trace_name;   /* "imap ACCOUNT" in the debug log */
};

/* Receives every untagged response while a command runs (and during
 * IDLE).  Returns 0, or -1 with err set to stop: the command then fails. */
typedef int (*imap_handler)(void *ctx, const struct imap_response *r, struct lib_err *err);

/* The mailbox state the client keeps from SELECT and untagged replies. */
struct imap_mailbox {
	unsigned long uidvalidity;
	unsigned long uidnext;
	unsigned long long highestmodseq; /* 0: NOMODSEQ or no CONDSTORE */
	unsigned long exists;
	int read_only;
	int changed;          /* set by EXISTS, EXPUNGE, VANISHED, FETCH: imap_idle_wait */
};

/* Connects, reads the greeting, starts TLS (STARTTLS when not implicit;
 * a server that does not offer it is refused), and asks CAPABILITY.
 * NULL with err set on failure. */
struct imap *imap_connect(const struct imap_opts *opts, struct lib_err *err);
/* Sends LOGOUT (best effort) and frees.  NULL is fine. */
void imap_free(struct imap *imap);

/* AUTHENTICATE PLAIN (with SASL-IR when offered), else LOGIN; the
 * credential only through net_conn_write_secret().  Refreshes the
 * capabilities.  0, or -1 with err naming the server's answer. */
int imap_login(struct imap *imap, const char *user, const char *password,
	       struct lib_err *err);

/* 1 when the server announced capability cap ("CONDSTORE", "AUTH=PLAIN"). */
int imap_has_cap(const struct imap *imap, const char *cap);

void imap_set_handler(struct imap *imap, imap_handler fn, void *ctx);
const struct imap_mailbox *imap_mailbox(const struct imap *imap);

/* Sends a command with a new tag (printf-style, without tag and CRLF).
 * Strings from outside must go through imap_quote().  Returns the tag
 * number (> 0), or -1 with err set.  Several may be sent before waiting:
 * that is pipelining. */
long imap_send(struct imap *imap, struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reads responses until the tagged one for tag, passing untagged ones to
 * the handler.  0 on OK; -1 with err set on NO, BAD, BYE or I/O. */
int imap_wait(struct imap *imap, long tag, struct lib_err *err);
/* imap_send then imap_wait. */
int imap_command(struct imap *imap, struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A quoted string for a command (mailbox names): appended to out. */
void imap_quote(const char *s, struct lib_buf *out);

/* ENABLE QRESYNC (or CONDSTORE) when offered.  Returns the enabled
 * level: 2 QRESYNC, 1 CONDSTORE, 0 neither. */
int imap_enable_sync(struct imap *imap, struct lib_err *err);
int imap_qresync_enabled(const struct imap *imap);

/* SELECT name; with QRESYNC enabled and a known uidvalidity and modseq,
 * "(QRESYNC (uidvalidity modseq))", so changes since arrive as VANISHED
 * (EARLIER) and FETCH to the handler; with CONDSTORE, "(CONDSTORE)".
 * The mailbox state is in imap_mailbox() afterwards. */
int imap_select(struct imap *imap, const char *name, unsigned long uidvalidity,
		unsigned long long modseq, struct lib_err *err);

/* LIST "" "*" with SPECIAL-USE flags when offered.  *folders (caller frees
 * with imap_folders_free) holds every folder. */
int imap_list_folders(struct imap *imap, struct imap_folder **folders, size_t *count,
		      struct lib_err *err);
void imap_folders_free(struct imap_folder *folders, size_t count);

/* APPEND (RFC 3501 6.3.11) of a message (LF or CRLF line ends; sent with
 * CRLF) to mailbox with flags (enum imap_flag), as a synchronizing
 * literal, or a LITERAL+ one when offered.  Returns 0 with *uid the UID
 * the server gave it (UIDPLUS's APPENDUID; 0 when the server does not
 * say), or -1 with err set. */
int imap_append(struct imap *imap, const char *mailbox, unsigned flags, const char *data,
		size_t len, unsigned long *uid, struct lib_err *err);

/* Moves the messages of set (UIDs of the selected mailbox, as
 * imap_set_format writes them) to mailbox: UID MOVE (RFC 6851) when the
 * server offers MOVE, else UID COPY and, only once the copy is there,
 * UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE (UIDPLUS; plain
 * EXPUNGE without it).  *copyuid gets the new UIDs when the server tells
 * them (uidvalidity 0 when not); release it.  0, or -1 with err set. */
int imap_uid_move(struct imap *imap, const char *set, const char *mailbox,
		  struct imap_copyuid *copyuid, struct lib_err *err);

/* IDLE (RFC 2177): start, then wait until the server reports a change to
 * the selected mailbox (EXISTS, EXPUNGE, VANISHED, FETCH), then DONE.
 * imap_idle_wait returns 1 on a change, 0 when the server only said it is
 * alive, -1 with err set on error or timeout (the connection's I/O
 * timeout: open an idling connection with a long io_timeout_ms). */
int imap_idle_start(struct imap *imap, struct lib_err *err);
int imap_idle_wait(struct imap *imap, struct lib_err *err);
int imap_idle_done(struct imap *imap, struct lib_err *err);

/* ===================================================================== */
/* POP3 client                                                           */
/* ===================================================================== */

/* --- Replies: pure functions over bytes (pop3_parse.c) ---------------- */

/* A status line: "+OK text" or "-ERR text" (RFC 1939 3).  Returns 1 for
 * +OK, 0 for -ERR, -1 for anything else; *text points after the status
 * word and its space (may be ""). */
int pop3_status(const char *line, size_t len, const char **text);

/* One line of a multi-line reply, RFC 1939 3: "." alone ends it (returns
 * 1); a line starting with "." loses that byte (byte-stuffing).  Returns 0
 * with *out, *out_len the line's data otherwise. */
int pop3_multiline(const char *line, size_t len, const char **out, size_t *out_len);

/* A UIDL line "msg uid" (RFC 1939 7: uid is 1..70 bytes 0x21..0x7E) or a
 * LIST line "msg size".  0, or -1 with err set. */
int pop3_uidl_line(const char *line, size_t len, unsigned long *msg, char uid[71],
		   struct lib_err *err);
int pop3_list_line(const char *line, size_t len, unsigned long *msg,
		   unsigned long long *size, struct lib_err *err);

/* --- The client (pop3.c) ------------------------------------------------ */

struct pop3;

struct pop3_opts {
	const char *host;
	const char *port;          /* NULL: 995 with implicit_tls, else 110 */
	int implicit_tls;          /* 0: STLS, which is then required */
	struct net_tls_policy tls;
	int allow_plaintext_loopback;
	size_t max_message;        /* largest message accepted; 0: 64 MiB */
	int connect_timeout_ms;
	int io_timeout_ms;
	const char *trace_name;
};

/* Connects, reads the greeting, asks CAPA, starts TLS (STLS when not
 * implicit; refused without it), asks CAPA again. */
struct pop3 *pop3_connect(const struct pop3_opts *opts, struct lib_err *err);
/* Frees without QUIT: a session dropped so is rolled back by the server,
 * so nothing marked with DELE is deleted. */
void pop3_free(struct pop3 *pop3);
/* USER and PASS (the password through net_conn_write_secret). */
int pop3_login(struct pop3 *pop3, const char *user, const char *password,
	       struct lib_err *err);
int pop3_has_cap(const struct pop3 *pop3, const char *cap);

struct pop3_entry {
	unsigned long msg;
	unsigned long long size;
	char uid[71]; /* "" when the server has no UIDL */
};
/* LIST, and UIDL when the server has it (*has_uidl).  *entries is the
 * caller's to free(). */
int pop3_list(struct pop3 *pop3, struct pop3_entry **entries, size_t *count, int *has_uidl,
	      struct lib_err *err);
/* RETR msg: the message, unstuffed, lines ending in CRLF, into out (reset
 * first).  A message longer than max_message is an error. */
int pop3_retr(struct pop3 *pop3, unsigned long msg, struct lib_buf *out,
	      struct lib_err *err);
int pop3_dele(struct pop3 *pop3, unsigned long msg, struct lib_err *err);
/* QUIT: the server deletes what DELE marked only now. */
int pop3_quit(struct pop3 *pop3, struct lib_err *err);

/* ===================================================================== */
/* SMTP submission client                                                */
/* ===================================================================== */

/* What a submission client does (RFC 6409, 5321): EHLO; STARTTLS, which
 * frank requires on a connection that did not start with TLS (a server
 * that does not offer it is left before a byte of AUTH); EHLO again;
 * AUTH PLAIN or LOGIN through net_conn_write_secret(); then per message
 * MAIL FROM with SIZE, BODY=8BITMIME and SMTPUTF8 when needed, every RCPT
 * TO (batched with MAIL under PIPELINING, RFC 2920), DATA with dot-
 * stuffing.  A message counts as sent only on a 2xx reply to its final
 * dot; any refused recipient stops the message for everyone (RSET), so
 * nothing is ever half-sent. */

/* --- Replies: a pure parser over bytes (smtp_reply.c) ------------------ */

#define SMTP_REPLY_MAX_LINE 4096    /* a reply line (RFC 5321 says 512) */
#define SMTP_REPLY_MAX_LINES 128    /* lines of one multiline reply */

/* One reply, possibly of several lines ("250-...", "250 ...").  Owned by
 * whoever holds it: smtp_reply_release(). */
struct smtp_reply {
	int code;          /* 200..599; 0 while no line has come */
	char enhanced[16]; /* RFC 3463 code from the first line ("5.1.1"), or "" */
	char **lines;      /* each line's text, after the code, the separator
	                      and the enhanced code; NUL-free raw bytes */
	size_t nlines;
	int complete;      /* the last line ("250 ...") has come */
};

/* Adds one line (without its CRLF) to r, which starts zeroed.  Returns 1
 * when the reply is complete, 0 when more lines follow, -1 with err set
 * when the line is not a reply line, its code differs from the first
 * line's, or the reply has too many lines.  After -1, release r. */
int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len, struct lib_err *err);

/* The first whole reply in buf[0..len): 1 with *consumed set, 0 when the
 * buffer ends before the reply does, -1 with err set on a malformed line
 * or one longer than SMTP_REPLY_MAX_LINE.  r is released first, and
 * holds the reply only when 1 is returned. */
int smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r, size_t *consumed,
		     struct lib_err *err);

void smtp_reply_release(struct smtp_reply *r);

/* The reply as one line a user can read: "550 5.1.1 No such user; second
 * line", terminal-safe (lib_utf8_sanitize), at most ~1000 bytes.
 * Appended to out. */
void smtp_reply_text(const struct smtp_reply *r, struct lib_buf *out);

/* What an EHLO reply offers (RFC 5321 4.1.1.1: the lines after the first
 * are "KEYWORD [PARAMS]"). */
enum smtp_ext {
	SMTP_EXT_STARTTLS = 1 << 0,    /* RFC 3207 */
	SMTP_EXT_PIPELINING = 1 << 1,  /* RFC 2920 */
	SMTP_EXT_SIZE = 1 << 2,        /* RFC 1870 */
	SMTP_EXT_8BITMIME = 1 << 3,    /* RFC 6152 */
	SMTP_EXT_SMTPUTF8 = 1 << 4,    /* RFC 6531 */
	SMTP_EXT_ENHANCED = 1 << 5,    /* ENHANCEDSTATUSCODES, RFC 2034 */
	SMTP_EXT_AUTH = 1 << 6,        /* RFC 4954 (also the old "AUTH=") */
};

enum smtp_auth_mech {
	SMTP_AUTH_PLAIN = 1 << 0, /* RFC 4616 */
	SMTP_AUTH_LOGIN = 1 << 1, /* draft-murchison-sasl-login */
};

struct smtp_caps {
	unsigned ext;                /* enum smtp_ext bits */
	unsigned auth;               /* enum smtp_auth_mech bits */
	unsigned long long size_max; /* SIZE's limit; 0: none declared */
	char auth_offered[256];      /* the mechanisms as offered, for errors */
};

/* Reads the capabilities of an EHLO reply (lines after the first). */
void smtp_caps_parse(const struct smtp_reply *ehlo, struct smtp_caps *caps);

/* --- Message data (smtp_data.c) ----------------------------------------- */

/* The DATA form of msg[0..len) (RFC 5321 4.5.2): every line ending made
 * CRLF, a "." doubled at the start of a line, a last line ended, and the
 * terminating ".\r\n".  Appended to out. */
void smtp_data_encode(const char *msg, size_t len, struct lib_buf *out);

/* 1 when msg has a byte above 127 (BODY=8BITMIME is then needed). */
int smtp_data_is_8bit(const char *msg, size_t len);

/* Checks an envelope address for MAIL FROM or RCPT TO: no control
 * characters, no < > or unquoted space, one @ with text on both sides
 * (MAIL FROM may be empty).  Returns 1 when it needs SMTPUTF8 (not ASCII),
 * 0 when fine, -1 with err set when it could break the command line. */
int smtp_path_check(const char *address, int allow_empty, struct lib_err *err);

/* --- The client (smtp_client.c) ------------------------------------------ */

/* How a connection that did not start with TLS gets it. */
enum smtp_starttls {
	SMTP_STARTTLS_REQUIRED = 0, /* submission: STARTTLS or nothing is sent */
	/* An MTA relaying to an MX host (RFC 3207, RFC 7435): STARTTLS when
	 * offered, the certificate not judged (encryption without
	 * authentication beats none); plaintext when it is not offered, is
	 * refused, or its handshake fails (then on a new connection).  AUTH
	 * never goes over such a connection. */
	SMTP_STARTTLS_OPPORTUNISTIC,
};

struct smtp_opts {
	const char *host;
	const char *port;                 /* "587", "465" */
	int implicit_tls;                 /* 1: TLS from the first byte (465) */
	enum smtp_starttls starttls;
	const struct net_tls_policy *tls; /* how to trust the server (REQUIRED) */
	const char *user;                 /* with password: AUTH; NULL: none */
	const char *password;
	int allow_plaintext_loopback;     /* the account's option */
	const char *helo_name;            /* EHLO's argument; NULL: "localhost" */
	struct net_conn_opts conn;
};

/* An open, authenticated submission session.  Opaque. */
struct smtp_client;

/* Connects, reads the greeting, EHLO, STARTTLS (required but on loopback
 * with allow_plaintext_loopback), EHLO, AUTH when user and password are
 * set and the server offers AUTH.  HELO replaces a refused EHLO only when
 * no AUTH is to be done and the connection is already TLS or an allowed
 * plaintext loopback.  Returns 0 and *out, or -1 with err set: the step
 * that failed and the server's own reply when it had one.  An AUTH
 * failure keeps the server's reply in err. */
int smtp_client_open(struct smtp_client **out, const struct smtp_opts *opts,
		     struct lib_err *err);

/* The capabilities of the last EHLO (owned by the client). */
const struct smtp_caps *smtp_client_caps(const struct smtp_client *c);

/* 1 when the session runs over TLS (opportunistic: not verified). */
int smtp_client_is_tls(const struct smtp_client *c);

/* Where a submission stopped. */
enum smtp_stage {
	SMTP_STAGE_CHECK,    /* before any command: an address, SIZE, 8BITMIME */
	SMTP_STAGE_MAIL,     /* MAIL FROM refused */
	SMTP_STAGE_RCPT,     /* one or more RCPT TO refused */
	SMTP_STAGE_DATA,     /* DATA refused */
	SMTP_STAGE_BODY,     /* the message was refused after its final dot */
	SMTP_STAGE_UNKNOWN,  /* the connection broke after the final dot was
	                        sent and before a reply: perhaps delivered */
	SMTP_STAGE_IO,       /* the connection broke before the final dot */
	SMTP_STAGE_SENT,     /* 2xx after the final dot: sent */
};

const char *smtp_stage_str(enum smtp_stage stage);

struct smtp_rcpt_result {
	char *address;
	struct smtp_reply reply; /* code 0: no reply came (connection lost) */
};

/* What happened to one message: every reply the server gave.  Owned by
 * the caller: smtp_outcome_release(). */
struct smtp_outcome {
	enum smtp_stage stage;
	struct smtp_reply mail;
	struct smtp_rcpt_result *rcpts;
	size_t nrcpts;
	struct smtp_reply data;  /* the 354 */
	struct smtp_reply final; /* the reply to the final dot */
};

/* Submits msg[0..len) (LF or CRLF line ends) from from to rcpts[0..n).
 * Returns 0 only when the server said 2xx to the final dot (out->stage
 * SMTP_STAGE_SENT); else -1 with out->stage saying where it stopped and
 * err holding the server's text ("RCPT TO:<x@y>: 550 5.1.1 no such
 * user").  out is filled either way.  After SMTP_STAGE_IO or _UNKNOWN
 * the client is unusable. */
int smtp_client_send(struct smtp_client *c, const char *from, const char *const *rcpts,
		     size_t n, const char *msg, size_t len, struct smtp_outcome *out,
		     struct lib_err *err);

/* The relay's form of smtp_client_send (an MTA's, RFC 5321 3.3 and 6.1):
 * the message goes to the recipients the server accepted, each recipient's
 * reply saying what became of it; DATA is left out only when none was
 * accepted (SMTP_STAGE_RCPT).  Returns 0 when the server said 2xx to the
 * final dot: the recipients whose RCPT got 2xx have it. */
int smtp_client_relay(struct smtp_client *c, const char *from, const char *const *rcpts,
		      size_t n, const char *msg, size_t len, struct smtp_outcome *out,
		      struct lib_err *err);

void smtp_outcome_release(struct smtp_outcome *out);

/* QUIT (when the connection still works), close and free.  NULL is fine. */
void smtp_client_free(struct smtp_client *c);

#endif
