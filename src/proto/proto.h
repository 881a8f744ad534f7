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

/* (IMAP declarations) */




/* ===================================================================== */
/* POP3 client                                                           */
/* ===================================================================== */

/* (POP3 declarations) */




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

struct smtp_opts {
	const char *host;
	const char *port;                 /* "587", "465" */
	int implicit_tls;                 /* 1: TLS from the first byte (465) */
	const struct net_tls_policy *tls; /* how to trust the server */
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

void smtp_outcome_release(struct smtp_outcome *out);

/* QUIT (when the connection still works), close and free.  NULL is fine. */
void smtp_client_free(struct smtp_client *c);

#endif
