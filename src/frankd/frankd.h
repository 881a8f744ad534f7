/* frankd.h: the face of src/frankd, the mail daemon: its configuration,
 * the SMTP grammar and DATA reader (pure functions over bytes), the queue,
 * routing and Maildir delivery, app passwords, and the server on libevent.
 * main.c, the unit tests, test tools and fuzzers use it.
 *
 * Ownership: every _new has its _free, which accepts NULL; a struct filled
 * by a _parse or _load is emptied by its _release.  Functions that can fail
 * return -1 (or NULL) and fill a caller-owned struct lib_err with one line. */
#ifndef FRANK_FRANKD_H
#define FRANK_FRANKD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib.h"

/* ===================================================================== */
/* Configuration (conf.c): frankd.conf, see frankd(8)                    */
/* ===================================================================== */

enum frankd_listen_mode {
	FRANKD_MODE_SMTP,        /* inbound MX, port 25: local domains only */
	FRANKD_MODE_SUBMISSION,  /* 587: STARTTLS, then AUTH (RFC 6409) */
	FRANKD_MODE_SUBMISSIONS, /* 465: TLS from the first byte (RFC 8314) */
	FRANKD_MODE_POP3,        /* 110: POP3, STLS (RFC 1939, 2595) */
	FRANKD_MODE_POP3S,       /* 995: POP3 with TLS from the first byte */
	FRANKD_MODE_IMAP,        /* 143: IMAP4rev1, STARTTLS (RFC 3501) */
	FRANKD_MODE_IMAPS,       /* 993: IMAP with TLS from the first byte */
};

/* "smtp", "submission", "submissions", "pop3", "pop3s", "imap", "imaps". */
const char *frankd_mode_str(enum frankd_listen_mode mode);

struct frankd_listen {
	char *address; /* "127.0.0.1", "::1", "*" */
	char *port;    /* "2525"; "0" asks the system for a free port */
	enum frankd_listen_mode mode;
};

/* A local user: the Maildir it receives into and the addresses it has. */
struct frankd_user {
	char *name;     /* the AUTH name */
	char *maildir;
	char **addresses; /* local@domain, lowercased domain: received and sent as */
	size_t naddresses;
	char **send_as;   /* more sender patterns: "x@d.test" or "*@d.test" */
	size_t nsend_as;
};

struct frankd_dkim_key {
	char *domain, *selector, *key_file;
};

struct frankd_smarthost {
	char *host;  /* NULL: no smarthost, relay by MX */
	char *port;
	char *user;
	char *password_file;
	char *password_command; /* run by /bin/sh at each connection: stdout's first line */
};

struct frankd_limits {
	size_t message_size;     /* SIZE, 552 beyond it */
	size_t recipients;       /* per message */
	size_t line_length;      /* a command line, without CRLF */
	unsigned errors;         /* error replies before 421 and disconnect */
	unsigned connections;    /* sessions at once */
	unsigned connections_per_ip;
	unsigned timeout;        /* seconds of silence before 421 */
	unsigned imap_idle_timeout;  /* IMAP, logged in: silence before BYE */
	unsigned imap_login_timeout; /* IMAP, before login */
	unsigned auth_failures;  /* failed AUTHs per IP and per user... */
	unsigned auth_window;    /* ...in this many seconds before 454 */
	unsigned drain_timeout;  /* SIGTERM: seconds sessions get to finish */
	unsigned hops;           /* Received headers before 554 (a loop) */
	unsigned workers;        /* threads for fsync and scrypt */
};

/* The retry schedule (relay uses it fully; local delivery retries too). */
struct frankd_retry {
	unsigned first;   /* seconds before the first retry */
	unsigned max;     /* the longest wait between tries */
	unsigned give_up; /* seconds after which a message bounces */
	unsigned warn;    /* seconds after which the sender is warned */
};

/* ===================================================================== */
/* Relay and inbound authentication settings (conf.c; used by relay.c,   */
/* inbound.c, dsn.c)                                                     */
/* ===================================================================== */

/* What the inbound (port 25) side does with a message whose DMARC check
 * fails: "follow" the author domain's policy (p=reject: 550 at the end of
 * DATA; p=quarantine: the recipient's Junk folder), "quarantine" (both to
 * Junk, never refused), or "none" (delivered, the result recorded). */
enum frankd_dmarc_action {
	FRANKD_DMARC_FOLLOW = 0,
	FRANKD_DMARC_QUARANTINE,
	FRANKD_DMARC_NONE,
};

struct frankd_mta_conf {
	int dns_network;          /* 0: offline, the zone file is the whole DNS */
	char *authserv_id;        /* Authentication-Results' id; NULL: hostname */
	enum frankd_dmarc_action dmarc;
	char *relay_port;         /* the port of MX hosts: "25" (tests: others) */
	char *relay_from;         /* local address relay connections come from
				     (what the receivers' SPF sees); NULL: any */
	char *smarthost_ca_file;  /* the smarthost's CA bundle; NULL: the system's */
};

struct frankd_conf {
	char *file;       /* the file read, for messages */
	char *hostname;
	struct frankd_listen *listens;
	size_t nlistens;
	char *certificate, *key; /* made self-signed when both are absent */
	char *queue_dir;
	char *password_file;
	char *zone_file;  /* offline DNS, or NULL */
	int log_syslog;   /* 0: stderr */
	int log_debug;
	char recipient_delimiter; /* '\0': none */
	char *postmaster; /* the user postmaster@ reaches */
	char **domains;   /* local domains, lowercase */
	size_t ndomains;
	struct frankd_user *users;
	size_t nusers;
	struct frankd_dkim_key *dkim_keys;
	size_t ndkim_keys;
	struct frankd_smarthost smarthost;
	struct frankd_limits limits;
	struct frankd_retry retry;
	unsigned queue_scan;  /* seconds between scans of the queue directory */
	struct frankd_mta_conf mta;
	/* POP3 and IMAP (pop3d.c, imapd.c): "plaintext_auth loopback" lets
	 * USER/PASS, LOGIN and AUTHENTICATE go without TLS from 127.0.0.0/8
	 * and ::1; the default, "tls", never. */
	int plaintext_loopback;
};

/* The defaults frankd(8) lists (listeners: none; frankd_conf_finish adds
 * the default ones).  Free with frankd_conf_free. */
struct frankd_conf *frankd_conf_new(void);
void frankd_conf_free(struct frankd_conf *conf);

/* Parses frankd.conf text (pure: no I/O; relative paths are taken from
 * base_dir).  Returns 0, or -1 with err set to "file:line: message". */
int frankd_conf_parse(struct frankd_conf *conf, const char *file, const char *base_dir,
		      const char *text, size_t len, struct lib_err *err);

/* Fills what the file left unset: hostname (the system's), listeners (25,
 * 587, 465, 110, 995, 143, 993 when is_root, else 2525, 2587, 2465, 2110,
 * 2995, 2143, 2993), certificate, key and
 * password file next to the file (base_dir).  Checks the whole: users'
 * addresses in local domains, the postmaster user.  0 or -1 with err. */
int frankd_conf_finish(struct frankd_conf *conf, const char *base_dir, int is_root,
		       struct lib_err *err);

/* Reads and checks the file: a new conf, or NULL with err set. */
struct frankd_conf *frankd_conf_load(const char *path, int is_root, struct lib_err *err);

/* The limit and retry tables as lines "limit NAME DEFAULT<TAB>help", for
 * frankd --help-config and the check that frankd(8) lists them all. */
void frankd_conf_describe(struct lib_buf *out);

const struct frankd_user *frankd_conf_user(const struct frankd_conf *conf, const char *name);
int frankd_conf_is_local_domain(const struct frankd_conf *conf, const char *domain);

/* ===================================================================== */
/* SMTP commands (smtp_parse.c): RFC 5321, 3207, 4954, 6152, 6531, 1870  */
/* ===================================================================== */

enum frankd_smtp_verb {
	FRANKD_SMTP_UNKNOWN = 0,
	FRANKD_SMTP_HELO,
	FRANKD_SMTP_EHLO,
	FRANKD_SMTP_MAIL,
	FRANKD_SMTP_RCPT,
	FRANKD_SMTP_DATA,
	FRANKD_SMTP_RSET,
	FRANKD_SMTP_NOOP,
	FRANKD_SMTP_QUIT,
	FRANKD_SMTP_VRFY,
	FRANKD_SMTP_EXPN,
	FRANKD_SMTP_HELP,
	FRANKD_SMTP_STARTTLS,
	FRANKD_SMTP_AUTH,
};

const char *frankd_smtp_verb_str(enum frankd_smtp_verb verb);

#define FRANKD_SMTP_PATH_MAX 512   /* an address, without the brackets */
#define FRANKD_SMTP_DOMAIN_MAX 255 /* a HELO argument */
#define FRANKD_SMTP_PARAMS_MAX 8   /* ESMTP parameters on MAIL or RCPT */
#define FRANKD_SMTP_AUTH_MAX 12288 /* a SASL line (RFC 4954 4) */

struct frankd_smtp_param {
	char keyword[32]; /* uppercased */
	char value[128];  /* "" when the parameter has no value */
	int has_value;
};

/* One parsed command line.  Strings are copies, NUL-terminated. */
struct frankd_smtp_cmd {
	enum frankd_smtp_verb verb;
	/* HELO/EHLO: the domain or address literal.  AUTH: the mechanism,
	 * uppercased.  VRFY/EXPN/HELP/NOOP: ignored. */
	char arg[FRANKD_SMTP_DOMAIN_MAX + 1];
	/* MAIL/RCPT: the address without <> and source route; "" is the null
	 * reverse-path (MAIL only).  RCPT TO:<Postmaster> gives "Postmaster". */
	char address[FRANKD_SMTP_PATH_MAX + 1];
	int address_utf8; /* the address holds non-ASCII (needs SMTPUTF8) */
	struct frankd_smtp_param params[FRANKD_SMTP_PARAMS_MAX];
	size_t nparams;
	/* AUTH: the initial response as sent ("=" for an empty one), or "". */
	const char *initial_response; /* points into the line given */
	size_t initial_response_len;
};

/* Parses one command line (without its CRLF).  Returns 0 with cmd filled,
 * or -1 with *reply set to the whole reply to send ("501 5.5.4 ..."; a
 * static string).  An unknown verb is 0 with FRANKD_SMTP_UNKNOWN. */
int frankd_smtp_parse(const char *line, size_t len, struct frankd_smtp_cmd *cmd,
		      const char **reply);

/* The parameter named keyword (uppercase), or NULL. */
const struct frankd_smtp_param *frankd_smtp_param(const struct frankd_smtp_cmd *cmd,
						  const char *keyword);

/* Decodes strict base64 (RFC 4648, padded, no whitespace) into out (which
 * holds at least len * 3 / 4 + 1 bytes; NUL-terminated).  -1 if invalid. */
int frankd_base64_decode(const char *in, size_t len, unsigned char *out, size_t *out_len);
/* The base64 text of data, caller frees. */
char *frankd_base64_encode(const unsigned char *data, size_t len);

/* A SASL PLAIN response (RFC 4616): authzid NUL authcid NUL passwd, in
 * base64.  The strings are copied into the caller's buffers (each
 * FRANKD_SMTP_AUTH_MAX + 1 bytes).  -1 when malformed. */
int frankd_sasl_plain_decode(const char *b64, size_t len, char *authzid, char *authcid,
			     char *password);

/* ===================================================================== */
/* DATA (smtp_data.c): the message text after DATA                       */
/* ===================================================================== */

/* A streaming reader for the text of RFC 5321 4.5.2: removes the
 * transparency dot, turns every line ending (CRLF, or a bare LF, which is
 * tolerated) into CRLF, and finds the end: a "." alone on a line, with CRLF
 * before and after it.  A "." line ended by a bare LF, or after a bare LF,
 * is data, not the end, so that no end-of-data sequence is read differently
 * by frankd and the next server ("SMTP smuggling").  Bytes beyond max_size
 * are counted but not written. */
struct frankd_data_reader {
	int state;
	size_t size;     /* bytes of output so far, written or not */
	size_t max_size; /* 0: no limit */
	int done;        /* the end was found */
};

void frankd_data_reader_init(struct frankd_data_reader *r, size_t max_size);

/* Reads in[0..len): appends the output to out and returns how many bytes
 * it consumed, which is len unless the end came first (r->done: what
 * follows belongs to the next command). */
size_t frankd_data_reader_feed(struct frankd_data_reader *r, const char *in, size_t len,
			       struct lib_buf *out);

/* 1 once more than max_size bytes came. */
int frankd_data_reader_too_big(const struct frankd_data_reader *r);

/* ===================================================================== */
/* Headers of a message (message.c)                                      */
/* ===================================================================== */

#define FRANKD_HEADER_NAME_MAX 64

/* What a streaming look at the header section finds: fed the message in
 * pieces (CRLF or LF line endings), it follows lines to the blank line
 * that ends the header section. */
struct frankd_header_scan {
	int in_body;
	int at_line_start;
	int in_name;       /* reading a field name at the start of a line */
	size_t name_len;
	char name[FRANKD_HEADER_NAME_MAX + 1];
	int has_date;
	int has_message_id;
	unsigned received;  /* Received fields: hops */
};

void frankd_header_scan_init(struct frankd_header_scan *hs);
void frankd_header_scan_feed(struct frankd_header_scan *hs, const char *data, size_t len);

/* What a Received field says (RFC 5321 4.4). */
struct frankd_received {
	const char *helo;      /* as the client gave it, or NULL (local) */
	const char *client_ip; /* NULL for local injection */
	const char *hostname;  /* ours */
	const char *protocol;  /* "ESMTPSA", "UTF8SMTPS", "local" ... */
	const char *tls;       /* "TLSv1.3 with cipher X", or NULL */
	const char *id;        /* queue id */
	const char *for_rcpt;  /* the one recipient, or NULL */
	time_t when;
};

/* Appends "Received: ..." folded, with CRLF. */
void frankd_received_format(const struct frankd_received *r, struct lib_buf *out);
/* Appends "Date: <RFC 5322 date-time in local time>" with CRLF. */
void frankd_date_format(time_t when, struct lib_buf *out);
/* Appends "Message-ID: <...@hostname>" with CRLF (random, unique). */
void frankd_message_id_format(const char *hostname, struct lib_buf *out);
/* The RFC 5322 date-time text of when, in local time ("Tue, 1 Jul 2025
 * 10:00:00 +0200"). */
void frankd_rfc5322_date(time_t when, char *out, size_t size);

/* The addr-specs of an address-list header body (To, Cc, Bcc; RFC 5322
 * 3.4, groups, comments and quoted strings; obsolete forms tolerated):
 * appended to *addrs (count *n, each a new string; the caller frees the
 * strings and the array).  Returns -1 with err set for an unbalanced
 * quote or bracket, or more than 1000 addresses. */
int frankd_address_list_parse(const char *value, size_t len, char ***addrs, size_t *n,
			      struct lib_err *err);

/* ===================================================================== */
/* The queue (envelope.c, queue.c)                                       */
/* ===================================================================== */

/* A recipient's state.  PENDING: not tried yet; DEFERRED: a temporary
 * failure, tried again at next_try; DELIVERED: its copy is durable;
 * FAILED: a permanent failure (a bounce is due). */
enum frankd_rcpt_status {
	FRANKD_RCPT_PENDING = 0,
	FRANKD_RCPT_DEFERRED,
	FRANKD_RCPT_DELIVERED,
	FRANKD_RCPT_FAILED,
};

/* Where a recipient goes: decided when it is accepted, again at each try. */
enum frankd_route_kind {
	FRANKD_ROUTE_LOCAL = 0,   /* a local user's Maildir */
	FRANKD_ROUTE_REMOTE,      /* another domain: relay (MX or smarthost) */
	FRANKD_ROUTE_NO_USER,     /* a local domain without such a user */
};

const char *frankd_rcpt_status_str(enum frankd_rcpt_status status);
const char *frankd_route_str(enum frankd_route_kind route);

#define FRANKD_QUEUE_ID_LEN 20 /* 20 upper-case hex digits */

struct frankd_rcpt {
	char *address;
	enum frankd_rcpt_status status;
	enum frankd_route_kind route;
	unsigned attempts;
	long long next_try; /* time_t; 0: now */
	char *last_error;   /* the last failure, one line, or NULL */
};

/* One queued message's envelope and state: the file ID.env beside the
 * message bytes ID.msg (CRLF line endings, as received).  Headers frankd
 * adds (Received, Date, Message-ID; DKIM-Signature later) are kept here
 * and written before the message when it is delivered or relayed. */
struct frankd_envelope {
	char id[FRANKD_QUEUE_ID_LEN + 1];
	long long created;
	char *sender;      /* "" is the null reverse-path */
	char *auth_user;   /* the authenticated user, or NULL */
	char *client;      /* the client's address, or "local" */
	char *helo;        /* or NULL */
	int body_8bit;     /* BODY=8BITMIME */
	int smtputf8;
	size_t size;       /* bytes of ID.msg */
	int quarantine;    /* DMARC said quarantine: local copies go to Junk */
	int warned;        /* the sender was told of the delay (one DSN) */
	struct lib_buf headers; /* whole header lines with CRLF, or empty */
	struct frankd_rcpt *rcpts;
	size_t nrcpts;
};

void frankd_envelope_init(struct frankd_envelope *env);
void frankd_envelope_release(struct frankd_envelope *env);
void frankd_envelope_add_rcpt(struct frankd_envelope *env, const char *address,
			      enum frankd_route_kind route);
/* Sets a recipient's last error, with control characters made '?'. */
void frankd_rcpt_set_error(struct frankd_rcpt *rcpt, const char *text);
/* 1 when every recipient is DELIVERED or FAILED. */
int frankd_envelope_finished(const struct frankd_envelope *env);

/* The text form of ID.env (see envelope.c) and back.  Parsing is strict:
 * -1 with err set ("line N: ...") on anything it did not write. */
void frankd_envelope_format(const struct frankd_envelope *env, struct lib_buf *out);
int frankd_envelope_parse(const char *text, size_t len, struct frankd_envelope *env,
			  struct lib_err *err);

/* 1 when id is a queue id (so it can name a file). */
int frankd_queue_id_valid(const char *id);

/* The queue directory: tmp/ for files being written, messages/ for
 * ID.msg + ID.env pairs; ID.env is the commit point.  Every file is
 * written to tmp/, fsynced, renamed into messages/, and messages/ is
 * fsynced before anything is acknowledged. */
struct frankd_queue;

/* Opens dir, making it and its subfolders (mode 0700) when missing. */
struct frankd_queue *frankd_queue_open(const char *dir, struct lib_err *err);
void frankd_queue_close(struct frankd_queue *q);
const char *frankd_queue_dir(const struct frankd_queue *q);

/* Takes the queue's lock (one daemon per queue; fcntl, so a killed
 * process lets go).  0, or -1 with err set ("frankd is already running on
 * DIR") when another process holds it. */
int frankd_queue_lock(struct frankd_queue *q, struct lib_err *err);

/* A new message being written.  Free without commit to throw it away. */
struct frankd_queue_writer;

struct frankd_queue_writer *frankd_queue_writer_new(struct frankd_queue *q,
						    struct lib_err *err);
const char *frankd_queue_writer_id(const struct frankd_queue_writer *w);
/* Buffers and writes the message bytes. */
int frankd_queue_writer_write(struct frankd_queue_writer *w, const void *data, size_t len,
			      struct lib_err *err);
/* The bytes written so far, read back into out (reset first): for the
 * checks that need the whole message before it is committed. */
int frankd_queue_writer_contents(struct frankd_queue_writer *w, struct lib_buf *out,
				 struct lib_err *err);
/* Throws away what was written and writes data instead (before the
 * commit: the 7-bit form of a message about to be signed). */
int frankd_queue_writer_replace(struct frankd_queue_writer *w, const void *data, size_t len,
				struct lib_err *err);
/* Makes the message durable with env (its id and size are set here):
 * after 0 the message is in the queue and survives a crash. */
int frankd_queue_writer_commit(struct frankd_queue_writer *w, struct frankd_envelope *env,
			       struct lib_err *err);
void frankd_queue_writer_free(struct frankd_queue_writer *w);

/* Reads ID.env: 0, 1 with err set when there is no such message (it may
 * have left the queue meanwhile), -1 with err set when it is corrupt or
 * cannot be read. */
int frankd_queue_load(struct frankd_queue *q, const char *id, struct frankd_envelope *env,
		      struct lib_err *err);
/* Rewrites ID.env atomically (tmp, fsync, rename, fsync the folder). */
int frankd_queue_store(struct frankd_queue *q, const struct frankd_envelope *env,
		       struct lib_err *err);
/* Removes ID.env, then ID.msg, and fsyncs the folder.  -1 with err set
 * when there is no such message. */
int frankd_queue_remove(struct frankd_queue *q, const char *id, struct lib_err *err);
/* Opens ID.msg for reading: an fd, or -1 with err set. */
int frankd_queue_open_message(struct frankd_queue *q, const char *id, struct lib_err *err);
/* The ids of the queued messages, oldest first (ids sort by time).  The
 * caller frees each and the array. */
int frankd_queue_list(struct frankd_queue *q, char ***ids, size_t *n, struct lib_err *err);
/* After a crash: removes files in tmp/ older than min_age seconds, an
 * ID.env without its ID.msg (never acknowledged), an ID.msg without
 * ID.env older than min_age.  Calls log for each removal.  Returns how
 * many files it removed. */
int frankd_queue_recover(struct frankd_queue *q, unsigned min_age,
			 void (*log)(const char *what, const char *name));

/* ===================================================================== */
/* POP3 commands (pop3d_parse.c): RFC 1939, 2449, 2595                   */
/* ===================================================================== */

enum frankd_pop3_verb {
	FRANKD_POP3_UNKNOWN = 0,
	FRANKD_POP3_USER, FRANKD_POP3_PASS, FRANKD_POP3_STAT, FRANKD_POP3_LIST,
	FRANKD_POP3_UIDL, FRANKD_POP3_RETR, FRANKD_POP3_TOP, FRANKD_POP3_DELE,
	FRANKD_POP3_RSET, FRANKD_POP3_NOOP, FRANKD_POP3_QUIT, FRANKD_POP3_CAPA,
	FRANKD_POP3_STLS,
};

/* "USER", ... */
const char *frankd_pop3_verb_str(enum frankd_pop3_verb verb);

#define FRANKD_POP3_LINE_MAX 255    /* RFC 2449 4: a command line, with CRLF */
#define FRANKD_POP3_NUMBER_MAX 999999999UL /* a message number or line count */

struct frankd_pop3_cmd {
	enum frankd_pop3_verb verb;
	int has_number;          /* LIST, UIDL: a message number was given */
	unsigned long number;    /* the message: LIST, UIDL, RETR, TOP, DELE */
	unsigned long lines;     /* TOP: body lines */
	/* USER: the name; PASS: the rest of the line (it may hold spaces).
	 * NUL-terminated; holds no control characters. */
	char arg[FRANKD_POP3_LINE_MAX + 1];
};

/* Parses one command line (without CRLF).  Returns 0 with cmd filled, or
 * -1 with *error set to the "-ERR ..." line to send (static text). */
int frankd_pop3_parse(const char *line, size_t len, struct frankd_pop3_cmd *cmd,
		      const char **error);

/* Appends the message text (LF or CRLF line ends) as a POP3 multi-line
 * body: CRLF line ends, a "." doubled at the start of a line, and, when
 * lines is set, only the header, the blank line and that many body lines
 * (TOP).  The final "." line is not added.  Returns the bytes appended. */
size_t frankd_pop3_body(const char *text, size_t len, const unsigned long *lines,
			struct lib_buf *out);

/* The size of text with CRLF line ends, the last line ended too (what
 * LIST and STAT count: frankd_pop3_body's bytes without the added dots). */
size_t frankd_crlf_size(const char *text, size_t len);

/* ===================================================================== */
/* IMAP commands (imapd_parse.c): RFC 3501                               */
/* ===================================================================== */

#define FRANKD_IMAP_TAG_MAX 64
#define FRANKD_IMAP_TOKENS_MAX 512   /* atoms, strings and parentheses */
#define FRANKD_IMAP_DEPTH_MAX 8      /* nested parentheses */
#define FRANKD_IMAP_STAR UINT32_MAX  /* "*" in a sequence set */

/* Where a command ends in the bytes a client sends: lines, each perhaps
 * ending with a literal's announcement "{N}" (synchronizing: the client
 * waits for "+") or "{N+}" (LITERAL+), then N bytes, then more line.
 * Fed the stream in pieces, it keeps only counts. */
enum frankd_imap_frame_status {
	FRANKD_IMAP_FRAME_MORE,     /* everything given was taken: feed more */
	FRANKD_IMAP_FRAME_CONTINUE, /* a synchronizing literal was announced:
				       send "+ ...", then feed on */
	FRANKD_IMAP_FRAME_DONE,     /* the command is whole: f->size bytes */
	FRANKD_IMAP_FRAME_TOO_LONG, /* a line, a literal or the whole beyond its limit */
};

struct frankd_imap_framer {
	size_t max_line;     /* a line of the command, without CRLF */
	size_t max_size;     /* the whole command, literals too */
	size_t size;         /* bytes of the command taken so far */
	size_t line_len;     /* bytes of the current line */
	size_t literal_left; /* bytes of a literal still to come */
	char tail[24];       /* the end of the current line, for "{N}" */
	size_t tail_len;
};

void frankd_imap_framer_init(struct frankd_imap_framer *f, size_t max_line, size_t max_size);
/* Takes data[0..len) up to the end of the command or an event: *used says
 * how many bytes.  After DONE or TOO_LONG, init again for the next. */
enum frankd_imap_frame_status frankd_imap_frame_feed(struct frankd_imap_framer *f,
						     const char *data, size_t len, size_t *used);

enum frankd_imap_verb {
	FRANKD_IMAP_UNKNOWN = 0,
	FRANKD_IMAP_CAPABILITY, FRANKD_IMAP_NOOP, FRANKD_IMAP_LOGOUT, FRANKD_IMAP_STARTTLS,
	FRANKD_IMAP_AUTHENTICATE, FRANKD_IMAP_LOGIN, FRANKD_IMAP_SELECT, FRANKD_IMAP_EXAMINE,
	FRANKD_IMAP_LIST, FRANKD_IMAP_LSUB, FRANKD_IMAP_STATUS, FRANKD_IMAP_CHECK,
	FRANKD_IMAP_CLOSE, FRANKD_IMAP_UNSELECT, FRANKD_IMAP_EXPUNGE, FRANKD_IMAP_SEARCH,
	FRANKD_IMAP_FETCH, FRANKD_IMAP_STORE, FRANKD_IMAP_IDLE, FRANKD_IMAP_APPEND,
	FRANKD_IMAP_COPY, FRANKD_IMAP_CREATE, FRANKD_IMAP_DELETE, FRANKD_IMAP_RENAME,
	FRANKD_IMAP_SUBSCRIBE, FRANKD_IMAP_UNSUBSCRIBE, FRANKD_IMAP_NAMESPACE, FRANKD_IMAP_ID,
	FRANKD_IMAP_ENABLE, FRANKD_IMAP_MOVE,
};

/* "CAPABILITY", ... */
const char *frankd_imap_verb_str(enum frankd_imap_verb verb);

enum frankd_imap_token_kind {
	FRANKD_IMAP_ATOM,   /* an atom, a number, NIL; BODY[...]<...> is one */
	FRANKD_IMAP_STRING, /* quoted or literal */
	FRANKD_IMAP_LPAREN,   /* "(" */
	FRANKD_IMAP_RPAREN, /* ")" */
};

struct frankd_imap_token {
	enum frankd_imap_token_kind kind;
	char *text;   /* a copy, NUL-terminated ("(" and ")" too) */
	size_t len;   /* a literal may hold a NUL: len says */
};

/* One command: its tag, verb and arguments as tokens. */
struct frankd_imap_cmd {
	char tag[FRANKD_IMAP_TAG_MAX + 1];
	enum frankd_imap_verb verb;
	int uid;      /* UID FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE */
	struct frankd_imap_token *args;
	size_t nargs;
};

/* Parses one whole command as framed (with its final CRLF, or without)
 * (RFC 3501 9):
 *   command = tag SP verb *(SP argument) CRLF
 *   tag     = 1*<ASTRING-CHAR except "+">
 *   argument = atom / quoted / literal / "(" [argument *(SP argument)] ")"
 *   quoted  = DQUOTE *(<TEXT-CHAR except \ and DQUOTE> / "\" (\ / DQUOTE)) DQUOTE
 *   literal = "{" number ["+"] "}" CRLF *OCTET
 * An atom may hold "[...]" with spaces and parentheses inside (a fetch
 * section) and "<...>" after it.  Returns 0, or -1 with *error the text of
 * a BAD (static) and cmd->tag set when one was read ("" otherwise).
 * Either way, release cmd. */
int frankd_imap_parse(const char *data, size_t len, struct frankd_imap_cmd *cmd,
		      const char **error);
void frankd_imap_cmd_release(struct frankd_imap_cmd *cmd);

/* A sequence set (RFC 3501 9: sequence-set), "*" as FRANKD_IMAP_STAR. */
struct frankd_imap_range {
	uint32_t first, last; /* as written, either order */
};
struct frankd_imap_seqset {
	struct frankd_imap_range *ranges;
	size_t count;
};
int frankd_imap_seqset_parse(const char *text, struct frankd_imap_seqset *set);
void frankd_imap_seqset_release(struct frankd_imap_seqset *set);
/* 1 when n is in the set, "*" being star (the largest number in use). */
int frankd_imap_seqset_has(const struct frankd_imap_seqset *set, uint32_t n, uint32_t star);

/* System flags (RFC 3501 2.3.2), as bits; the Maildir letter beside. */
enum frankd_flag {
	FRANKD_FLAG_ANSWERED = 1 << 0, /* R */
	FRANKD_FLAG_FLAGGED = 1 << 1,  /* F */
	FRANKD_FLAG_DELETED = 1 << 2,  /* T */
	FRANKD_FLAG_SEEN = 1 << 3,     /* S */
	FRANKD_FLAG_DRAFT = 1 << 4,    /* D */
};

/* A flag list's tokens (between the parentheses, or one flag) as bits:
 * 0, or -1 for a keyword or anything else (frankd keeps system flags). */
int frankd_imap_flags_parse(const struct frankd_imap_token *tokens, size_t n, unsigned *flags);
struct frankd_imap_names; /* below */
/* A flag list with keywords (RFC 3501 9: flag-keyword = atom): the system
 * flags as bits, the keywords (any case, as given) added to keywords.
 * 0, or -1 for a "\" flag frankd does not know or a keyword that is not
 * an atom. */
int frankd_imap_flag_list_parse(const struct frankd_imap_token *tokens, size_t n,
				unsigned *flags, struct frankd_imap_names *keywords);
/* "\Answered \Seen": IMAP's words for the flags, appended to out. */
void frankd_imap_flags_format(unsigned flags, struct lib_buf *out);

enum frankd_imap_fetch_bit {
	FRANKD_FETCH_UID = 1 << 0,
	FRANKD_FETCH_FLAGS = 1 << 1,
	FRANKD_FETCH_INTERNALDATE = 1 << 2,
	FRANKD_FETCH_RFC822_SIZE = 1 << 3,
	FRANKD_FETCH_ENVELOPE = 1 << 4,
	FRANKD_FETCH_BODY = 1 << 5,          /* BODY: the structure, no extensions */
	FRANKD_FETCH_BODYSTRUCTURE = 1 << 6,
	FRANKD_FETCH_MODSEQ = 1 << 7,        /* RFC 7162 */
};

enum frankd_imap_section_kind {
	FRANKD_SECTION_ALL,    /* BODY[], RFC822 */
	FRANKD_SECTION_HEADER, /* BODY[HEADER], RFC822.HEADER */
	FRANKD_SECTION_TEXT,   /* BODY[TEXT], RFC822.TEXT */
	FRANKD_SECTION_FIELDS, /* BODY[HEADER.FIELDS (A B)] */
	FRANKD_SECTION_FIELDS_NOT, /* BODY[HEADER.FIELDS.NOT (A B)] */
	FRANKD_SECTION_MIME,   /* BODY[1.MIME]: a part's own MIME header */
};

/* How deep "1.2.3" may go: deeper parts are refused (BAD). */
#define FRANKD_IMAP_PART_DEPTH 16

/* One BODY[section]<partial> or RFC822[.HEADER|.TEXT]. */
struct frankd_imap_section {
	char name[320];  /* as the reply names it: "BODY[HEADER]<0>", "RFC822" */
	char fields[256]; /* FIELDS, FIELDS_NOT: " A B " (as given, spaced) */
	enum frankd_imap_section_kind kind;
	int peek;        /* BODY.PEEK, RFC822.HEADER: no \Seen */
	int partial;
	uint32_t offset, count;
	uint32_t part[FRANKD_IMAP_PART_DEPTH]; /* "1.2.TEXT": 1, 2 */
	size_t nparts;   /* 0: the whole message */
};

#define FRANKD_IMAP_SECTIONS_MAX 8

struct frankd_imap_fetch {
	unsigned items;  /* enum frankd_imap_fetch_bit */
	struct frankd_imap_section sections[FRANKD_IMAP_SECTIONS_MAX];
	size_t nsections;
};

/* --- CONDSTORE and QRESYNC arguments (imapd_modseq.c), RFC 7162 3, 7:
 *   fetch-modifier  = "CHANGEDSINCE" SP mod-sequence-valzer / "VANISHED"
 *   store-modifier  = "UNCHANGEDSINCE" SP mod-sequence-valzer
 *   select-param    = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP
 *                     mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
 *   seq-match-data  = "(" known-sequence-set SP known-uid-set ")"
 *   mod-sequence-value = 1*DIGIT ; 1 <= n <= 2^63-1; valzer: 0 too
 * Pure functions over the command's tokens. */
struct frankd_imap_modifiers {
	int changedsince_set, vanished, unchangedsince_set;
	uint64_t changedsince, unchangedsince;
};

/* A mod-sequence in text: 0, or -1 when it is not one (zero_ok: 0 is). */
int frankd_imap_modseq_parse(const char *text, int zero_ok, uint64_t *out);
/* FETCH's tokens after the set: *items of them are the attributes, the
 * rest the modifier list (CHANGEDSINCE, VANISHED).  0, or -1 with *error. */
int frankd_imap_fetch_modifiers_parse(const struct frankd_imap_token *tokens, size_t n,
				      size_t *items, struct frankd_imap_modifiers *mods,
				      const char **error);
/* STORE's tokens after the set: *used of them are the modifier list (0
 * when there is none).  0, or -1 with *error. */
int frankd_imap_store_modifiers_parse(const struct frankd_imap_token *tokens, size_t n,
				      size_t *used, struct frankd_imap_modifiers *mods,
				      const char **error);

struct frankd_imap_select_params {
	int condstore, qresync;
	uint32_t uidvalidity;
	uint64_t modseq;
	struct frankd_imap_seqset known_uids;              /* count 0: none given */
	struct frankd_imap_seqset match_seqs, match_uids;  /* count 0: none given */
};

/* SELECT's or EXAMINE's tokens after the folder name: none, or
 * "(" select-param ")".  0 (release it), or -1 with *error. */
int frankd_imap_select_params_parse(const struct frankd_imap_token *tokens, size_t n,
				    struct frankd_imap_select_params *p, const char **error);
void frankd_imap_select_params_release(struct frankd_imap_select_params *p);

/* The fetch attributes (RFC 3501 6.4.5): one item or a parenthesized list
 * of them, or the macros ALL, FAST, FULL.  -1 with *error (static) for
 * anything else. */
int frankd_imap_fetch_parse(const struct frankd_imap_token *tokens, size_t n,
			    struct frankd_imap_fetch *fetch, const char **error);

/* --- FETCH: the MIME structure of a message (imapd_body.c, imapd_envelope.c) ---
 * A message's parts as byte ranges of its text (the CRLF bytes IMAP
 * serves), each with the fields of its MIME header, so that ENVELOPE,
 * BODY, BODYSTRUCTURE and BODY[1.2.MIME] are answered from one parse.
 * Pure: no I/O.  Bounded: nesting deeper than FRANKD_IMAP_BODY_DEPTH and
 * parts beyond FRANKD_IMAP_BODY_PARTS are served as opaque leaves. */
#define FRANKD_IMAP_BODY_DEPTH 32
#define FRANKD_IMAP_BODY_PARTS 4096

struct frankd_imap_body;

/* Parses text[0..len) (which the caller keeps for as long as the result
 * is used): never NULL (any bytes are some message); free with
 * frankd_imap_body_free, which accepts NULL. */
struct frankd_imap_body *frankd_imap_body_parse(const char *text, size_t len);
void frankd_imap_body_free(struct frankd_imap_body *body);

/* Appends the BODYSTRUCTURE (extensible 1) or BODY (0) value, "(...)",
 * of the message (RFC 3501 7.4.2). */
void frankd_imap_body_format(const struct frankd_imap_body *body, int extensible,
			     struct lib_buf *out);

/* The bytes a section names (its part numbers and kind; partial and
 * HEADER.FIELDS filtering are the caller's): 0 with *start and *len, the
 * range in the parsed text (for FIELDS and FIELDS_NOT: of the header to
 * filter), or -1 when the message has no such part. */
int frankd_imap_body_section(const struct frankd_imap_body *body,
			     const struct frankd_imap_section *sec, size_t *start, size_t *len);

/* Appends the ENVELOPE value of the header section header[0..len) (RFC
 * 3501 7.4.2): "(date subject (from) (sender) (reply-to) (to) (cc) (bcc)
 * in-reply-to message-id)", the strings raw (encoded words kept), NIL
 * where a field is absent, sender and reply-to defaulting to from,
 * address groups as (NIL NIL "name" NIL) ... (NIL NIL NIL NIL). */
void frankd_imap_envelope_format(const char *header, size_t len, struct lib_buf *out);

/* The first field called name (without ':') in header[0..len), unfolded
 * (the CRLFs of folding removed) and without the whitespace around it:
 * a new string (caller frees), or NULL when there is no such field. */
char *frankd_imap_header_value(const char *header, size_t len, const char *name);

/* The end of the header field that starts at p (before end): after its
 * line end and the lines folded into it. */
const char *frankd_imap_field_end(const char *p, const char *end);

/* Appends s as an IMAP nstring: NIL for NULL, else as frankd_imap_string. */
void frankd_imap_nstring(struct lib_buf *out, const char *s);

/* A search program (RFC 3501 6.4.4), the keys frankd serves. */
enum frankd_imap_search_key {
	FRANKD_SEARCH_ALL, FRANKD_SEARCH_AND, FRANKD_SEARCH_OR, FRANKD_SEARCH_NOT,
	FRANKD_SEARCH_SEQSET, FRANKD_SEARCH_UID,
	FRANKD_SEARCH_FLAG,    /* the flag set: SEEN, DELETED... */
	FRANKD_SEARCH_UNFLAG,  /* clear: UNSEEN... */
	FRANKD_SEARCH_HEADER,  /* field, value: FROM TO CC BCC SUBJECT HEADER */
	FRANKD_SEARCH_BODY, FRANKD_SEARCH_TEXT,
	FRANKD_SEARCH_BEFORE, FRANKD_SEARCH_ON, FRANKD_SEARCH_SINCE, /* INTERNALDATE */
	FRANKD_SEARCH_LARGER, FRANKD_SEARCH_SMALLER,
	FRANKD_SEARCH_KEYWORD, FRANKD_SEARCH_UNKEYWORD, /* value: the keyword */
	FRANKD_SEARCH_MODSEQ,  /* number: the mod-sequence (RFC 7162 3.1.5) */
};

struct frankd_imap_search {
	enum frankd_imap_search_key key;
	unsigned flag;
	char *field, *value;     /* HEADER; BODY, TEXT: value */
	long long day;           /* the dates: days since 1970-01-01 */
	uint64_t number;         /* LARGER, SMALLER, MODSEQ */
	struct frankd_imap_seqset set;
	struct frankd_imap_search *children; /* AND: any number, OR: 2, NOT: 1 */
	size_t nchildren;
};

/* The keys after SEARCH [CHARSET UTF-8|US-ASCII]: a new AND node, or NULL
 * with *error. */
struct frankd_imap_search *frankd_imap_search_parse(const struct frankd_imap_token *tokens,
						    size_t n, const char **error);
void frankd_imap_search_free(struct frankd_imap_search *search);

/* Days since 1970-01-01 of a date "1-Feb-2024": 0, or -1. */
int frankd_imap_date_parse(const char *text, long long *day);
/* APPEND's date-time "01-Feb-2024 10:00:00 +0100" (the day may be " 1"
 * or "1"): 0 with *when (seconds since 1970, UTC), or -1. */
int frankd_imap_datetime_parse(const char *text, long long *when);
/* "01-Feb-2024 10:00:00 +0000", the INTERNALDATE text of when (UTC). */
void frankd_imap_datetime_format(long long when, char out[32]);

/* The header fields of a header section (CRLF lines, folded ones whole)
 * whose names are (want 1) or are not (want 0) among fields (" A B "),
 * then the blank line, appended to out. */
void frankd_imap_header_fields(const char *header, size_t len, const char *fields, int want,
			       struct lib_buf *out);

/* Appends s as an IMAP string: quoted when it can be, else a literal. */
void frankd_imap_string(struct lib_buf *out, const char *s, size_t len);

/* A list of names kept in a small file (imapd_names.c), in the order
 * they were added:
 *   names-file = magic LF *(name LF)
 *   name       = 1*1000<any byte but CTL>   ; each once
 * The subscriptions file of a user (FRANKD_SUBSCRIPTIONS_FILE in the
 * maildir) holds folder names as the client gave them. */
#define FRANKD_IMAP_NAME_MAX 1000
#define FRANKD_IMAP_NAMES_MAX 10000
#define FRANKD_SUBSCRIPTIONS_FILE "frankd-subscriptions"
#define FRANKD_SUBSCRIPTIONS_MAGIC "frankd-subscriptions 1"
/* A folder's keywords (FRANKD_KEYWORDS_FILE beside its cur/): the name on
 * line i+2 is the Maildir info letter 'a'+i, as Dovecot's
 * dovecot-keywords does with "i name" lines; 26 at most. */
#define FRANKD_KEYWORDS_FILE "frankd-keywords"
#define FRANKD_KEYWORDS_MAGIC "frankd-keywords 1"
#define FRANKD_KEYWORDS_MAX 26

struct frankd_imap_names {
	char **names;
	size_t count;
};

/* Strict: -1 with err ("line N: ...") on anything it would not write. */
int frankd_imap_names_parse(const char *magic, const char *text, size_t len,
			    struct frankd_imap_names *out, struct lib_err *err);
void frankd_imap_names_format(const char *magic, const struct frankd_imap_names *names,
			      struct lib_buf *out);
/* The index of name, or -1. */
long frankd_imap_names_find(const struct frankd_imap_names *names, const char *name);
/* Adds name unless it is there: its index, or -1 when it is not a name or
 * the list is full. */
int frankd_imap_names_add(struct frankd_imap_names *names, const char *name);
void frankd_imap_names_remove(struct frankd_imap_names *names, const char *name);
void frankd_imap_names_release(struct frankd_imap_names *names);

/* ===================================================================== */
/* Maildir folders for IMAP (mailbox.c, mailbox_uidlist.c)               */
/* ===================================================================== */

/* The file beside cur/, new/ and tmp/ that keeps a folder's UIDs and
 * mod-sequences (RFC 7162 CONDSTORE):
 *   uidlist = header2 *entry2 *gone / header1 *entry1   ; 1: read, never written
 *   header2 = "frankd-uidlist 2 V" uidvalidity " N" uidnext " M" highestmodseq
 *             " E" forgotten LF
 *   entry2  = uid SP modseq SP info SP name LF  ; by UID, ascending; uid < uidnext
 *   info    = "-" / 1*ALPHA  ; the flags and keywords as Maildir info letters
 *   gone    = "-" uid SP modseq LF              ; expunged; by modseq, ascending
 *   header1 = "frankd-uidlist 1 V" uidvalidity " N" uidnext LF
 *   entry1  = uid SP name LF
 * name is the file's Maildir base name (before ":2,"), which flag changes
 * do not rename; the flags stay in the file name, and info says what they
 * were when frankd last looked (a change found gets a new modseq).  The
 * expunged UIDs are kept for QRESYNC's VANISHED (EARLIER), the last
 * FRANKD_UIDLIST_GONE_MAX of them: forgotten is the highest modseq of
 * those dropped (0: none), before which frankd cannot tell exactly.  A
 * version 1 file (frankd before CONDSTORE) reads as modseq 1 everywhere,
 * its flags unknown (taken from the files without a new modseq). */
#define FRANKD_UIDLIST_FILE "frankd-uidlist"
#define FRANKD_UIDLIST_GONE_MAX 5000
#define FRANKD_MODSEQ_MAX UINT64_C(9223372036854775807) /* 63 bits (RFC 7162) */

struct frankd_uidlist_entry {
	uint32_t uid;
	char *name;
	uint64_t modseq;
	unsigned flags;     /* enum frankd_flag */
	uint32_t keywords;  /* bit i: letter 'a'+i */
	int flags_known;    /* 0: read from a version 1 file */
};

/* An expunged message: its UID and the modseq of its expunge. */
struct frankd_uidlist_gone {
	uint32_t uid;
	uint64_t modseq;
};

struct frankd_uidlist {
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq, forgotten;
	struct frankd_uidlist_entry *entries;
	size_t count;
	struct frankd_uidlist_gone *gone;
	size_t ngone;
};

/* Strict: -1 with err ("line N: ...") on anything it would not write. */
int frankd_uidlist_parse(const char *text, size_t len, struct frankd_uidlist *out,
			 struct lib_err *err);
void frankd_uidlist_format(const struct frankd_uidlist *list, struct lib_buf *out);
void frankd_uidlist_release(struct frankd_uidlist *list);

/* The flags of a Maildir file name's info ("name:2,FRS"), and the name
 * with other flags (letters frankd does not know are kept), caller frees. */
unsigned frankd_maildir_flags(const char *file_name);
char *frankd_maildir_with_flags(const char *file_name, unsigned flags);
/* The keywords of the info: bit i for the letter 'a'+i; and the name with
 * flags and exactly those keywords (other letters kept), caller frees. */
uint32_t frankd_maildir_keywords(const char *file_name);
char *frankd_maildir_with_keywords(const char *file_name, unsigned flags, uint32_t keywords);

/* text with CRLF line ends (the last line ended too), appended to out:
 * the bytes frankd_crlf_size counts. */
void frankd_crlf_append(const char *text, size_t len, struct lib_buf *out);

/* ===================================================================== */
/* Routing and local delivery (route.c, maildir.c)                        */
/* ===================================================================== */

struct frankd_route {
	enum frankd_route_kind kind;
	const struct frankd_user *user; /* LOCAL: who receives it */
};

/* Where address goes: a local user (the recipient delimiter's +tag and the
 * case of the local part ignored; postmaster@ a local domain, and the bare
 * "Postmaster", reach the postmaster user), a local domain without such a
 * user, or another domain. */
void frankd_route(const struct frankd_conf *conf, const char *address, struct frankd_route *out);

/* 1 when user may use address as its envelope sender (its addresses, and
 * its send_as patterns; case-insensitive). */
int frankd_may_send_as(const struct frankd_user *user, const char *address);

/* How the error of a recipient that waited past retry.give_up begins
 * (runner.c writes it, dsn.c reports it as expired: 5.4.7). */
#define FRANKD_GAVE_UP "gave up after "

/* The wait after try number attempts (1, 2, ...) failed: retry->first,
 * doubling each time, at most retry->max. */
unsigned frankd_retry_delay(const struct frankd_retry *retry, unsigned attempts);

/* The domain of local@domain (after the last '@'), or "" when none. */
const char *frankd_address_domain(const char *address);

/* Makes maildir (and folder, "" for the inbox or "Junk" for ".Junk")
 * with tmp/, new/ and cur/ when missing.  0 or -1 with err set. */
int frankd_maildir_make(const char *maildir, const char *folder, struct lib_err *err);

/* Delivers one copy into the folder of maildir: the lines of prefix, then
 * the message read from msg_fd (from its start), line endings made LF
 * (Maildir's), written to tmp/, fsynced, renamed into new/ and new/
 * fsynced.  On success the copy is durable and *name (caller frees) is
 * its file name in new/. */
int frankd_maildir_deliver(const char *maildir, const char *folder, const char *hostname,
			   const char *prefix, size_t prefix_len, int msg_fd, char **name,
			   struct lib_err *err);

/* ===================================================================== */
/* App passwords (passwd.c)                                              */
/* ===================================================================== */

/* scrypt (RFC 7914) through OpenSSL 3's EVP_KDF "SCRYPT". */
#define FRANKD_SCRYPT_LOG2_N 15
#define FRANKD_SCRYPT_R 8
#define FRANKD_SCRYPT_P 1
#define FRANKD_PASSWD_SALT_LEN 16
#define FRANKD_PASSWD_HASH_LEN 32
#define FRANKD_LABEL_MAX 32

/* One line of the password file:
 *   USER LABEL $scrypt$ln=15,r=8,p=1$SALT$HASH CREATED
 * with SALT and HASH in base64 and CREATED in seconds since 1970. */
struct frankd_app_password {
	char *user;
	char *label;
	unsigned log2_n, r, p;
	unsigned char salt[FRANKD_PASSWD_SALT_LEN];
	unsigned char hash[FRANKD_PASSWD_HASH_LEN];
	long long created;
};

struct frankd_passwords {
	struct frankd_app_password *items;
	size_t count;
};

/* Parses the file's text (comments with #).  -1 with err "file:line: ...". */
int frankd_passwords_parse(const char *file, const char *text, size_t len,
			   struct frankd_passwords *out, struct lib_err *err);
void frankd_passwords_format(const struct frankd_passwords *pw, struct lib_buf *out);
void frankd_passwords_release(struct frankd_passwords *pw);

/* Reads path; a missing file is an empty list. */
int frankd_passwords_load(const char *path, struct frankd_passwords *out, struct lib_err *err);
/* Writes path atomically with mode 0600 (tmp, fsync, rename, fsync dir). */
int frankd_passwords_save(const char *path, const struct frankd_passwords *pw,
			  struct lib_err *err);

/* Adds a new random password for user under label (NULL: "app", "app2"...)
 * with cost log2_n (0: FRANKD_SCRYPT_LOG2_N); *password (caller frees
 * with frankd_password_free) is the only time it is seen. */
int frankd_passwords_add(struct frankd_passwords *pw, const char *user, const char *label,
			 unsigned log2_n, char **password, struct lib_err *err);
int frankd_passwords_revoke(struct frankd_passwords *pw, const char *user, const char *label,
			    struct lib_err *err);
/* 1 when password is one of user's (dashes and spaces in it ignored), with
 * *label set to its label (owned by pw); 0 when not; -1 on a KDF error. */
int frankd_passwords_check(const struct frankd_passwords *pw, const char *user,
			   const char *password, const char **label, struct lib_err *err);
/* Wipes and frees. */
void frankd_password_free(char *password);

/* ===================================================================== */
/* Rate limits (ratelimit.c)                                             */
/* ===================================================================== */

/* Counts failures per key (an IP, a user) in fixed windows, in a table of
 * bounded size: when it is full the oldest window makes room. */
struct frankd_ratelimit;

struct frankd_ratelimit *frankd_ratelimit_new(size_t capacity);
void frankd_ratelimit_free(struct frankd_ratelimit *rl);
/* 1 when key has limit or more failures in its current window. */
int frankd_ratelimit_blocked(struct frankd_ratelimit *rl, const char *key, time_t now,
			     unsigned limit, unsigned window);
void frankd_ratelimit_fail(struct frankd_ratelimit *rl, const char *key, time_t now,
			   unsigned window);

/* ===================================================================== */
/* Logging (log.c)                                                       */
/* ===================================================================== */

enum frankd_log_level { FRANKD_LOG_ERROR, FRANKD_LOG_WARN, FRANKD_LOG_INFO, FRANKD_LOG_DEBUG };

/* To stderr (the default) or syslog (mail facility); debug lines only with
 * debug set.  Every line has its control characters made '?'. */
void frankd_log_setup(int use_syslog, int debug);
void frankd_log(enum frankd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ===================================================================== */
/* The daemon (server.c) and its control socket (control.c)               */
/* ===================================================================== */

/* Runs the daemon on conf (taken over) read from conf_path (for SIGHUP)
 * until SIGTERM has drained it: 0, or 1 after logging why it could not
 * start. */
int frankd_serve(struct frankd_conf *conf, const char *conf_path, int is_root);

/* Sends one command ("flush", "kick", "delete ID") to the daemon of
 * queue_dir over QUEUE/control and puts its one-line answer in reply.
 * Returns 0, 1 when no daemon listens there, -1 with err set. */
int frankd_control_send(const char *queue_dir, const char *command, char *reply,
			size_t size, struct lib_err *err);

/* ===================================================================== */
/* Commands (cli.c): passwd, queue, sendmail                             */
/* ===================================================================== */

/* Each returns the exit status (0, 1 on error, 2 on usage) after printing
 * its output and errors ("frankd: ..."). */
int frankd_cmd_passwd(const struct frankd_conf *conf, int argc, char **argv);
int frankd_cmd_queue(const struct frankd_conf *conf, int argc, char **argv);
int frankd_cmd_sendmail(const struct frankd_conf *conf, int argc, char **argv);

/* ===================================================================== */
/* Relay, inbound authentication, DKIM signing, DSNs                     */
/* (inbound.c, relay.c, dsn.c)                                           */
/* ===================================================================== */

struct net_dns;
struct net_dns_answer;

/* A resolver for one job on a worker (struct net_dns is not thread-safe):
 * the zone file loaded, the network asked only with "dns network".  NULL
 * with err set when the zone file cannot be read. */
struct net_dns *frankd_dns_open(const struct frankd_conf *conf, struct lib_err *err);

/* Puts field (whole header lines with CRLF) before env's header lines
 * (envelope.c). */
void frankd_envelope_prepend_header(struct frankd_envelope *env, const char *field);

/* --- inbound (port 25): SPF, DKIM, DMARC on the real session --------------- */

enum frankd_inbound_action {
	FRANKD_INBOUND_ACCEPT = 0,
	FRANKD_INBOUND_QUARANTINE, /* local copies into the Junk folder */
	FRANKD_INBOUND_REJECT,     /* 550 at the end of DATA */
};

struct frankd_inbound {
	char *authres;      /* "Authentication-Results: ..." with CRLF (caller frees) */
	enum frankd_inbound_action action;
	char why[256];      /* QUARANTINE, REJECT: one line, for the reply and the log */
};

/* Verifies msg[0..len) as received from ip (HELO helo, MAIL FROM sender)
 * with src/auth and decides by conf->mta.dmarc.  Returns 0 with out
 * filled, or -1 with err set when no resolver could be made. */
int frankd_inbound_verify(const struct frankd_conf *conf, const char *ip, const char *helo,
			  const char *sender, const char *msg, size_t len,
			  struct frankd_inbound *out, struct lib_err *err);
void frankd_inbound_release(struct frankd_inbound *in);

/* The DKIM-Signature field (with CRLF; caller frees) for the message
 * headers + msg (headers: frankd's own lines, which go first), signed with
 * the key of the From domain (else of the envelope sender's); *field NULL
 * when no key is configured for it.  -1 with err set when signing failed. */
int frankd_dkim_sign_message(const struct frankd_conf *conf, const char *sender,
			     const struct lib_buf *headers, const char *msg, size_t len,
			     char **field, struct lib_err *err);

/* --- routing to other hosts (relay.c) -------------------------------------- */

/* Where a domain's mail goes (RFC 5321 5.1, RFC 7505). */
enum frankd_mx_status {
	FRANKD_MX_HOSTS = 0, /* hosts[] to try in order */
	FRANKD_MX_NULL,      /* a null MX: the domain takes no mail (permanent) */
	FRANKD_MX_NO_DOMAIN, /* NXDOMAIN (permanent) */
	FRANKD_MX_TEMPFAIL,  /* try again later */
};

struct frankd_mx_list {
	enum frankd_mx_status status;
	char **hosts;   /* names, by preference; equal ones in random order */
	size_t count;
};

/* Orders the answer to "domain MX": by preference, shuffling hosts of
 * equal preference with rnd (returns any unsigned; tests pass a fixed
 * one); NODATA gives the domain itself (the implicit MX: its A/AAAA); a
 * single "." exchange is a null MX.  Pure: no lookups. */
void frankd_mx_order(const struct net_dns_answer *answer, const char *domain,
		     unsigned (*rnd)(void *arg), void *arg, struct frankd_mx_list *out);
void frankd_mx_list_release(struct frankd_mx_list *list);

/* Relays msg[0..len) (frankd's header lines already in front, CRLF line
 * ends) for rcpts[0..n) (all of one domain, or all for the smarthost) of
 * env: each recipient comes back DELIVERED (the next hop said 2xx after
 * the final dot), DEFERRED or FAILED, with its last error set.  next_try
 * is the caller's.  Never logs a password. */
void frankd_relay(const struct frankd_conf *conf, struct net_dns *dns,
		  const struct frankd_envelope *env, struct frankd_rcpt *const *rcpts, size_t n,
		  const char *msg, size_t len);

/* Runs command through /bin/sh (stdin /dev/null) and takes the first line
 * of its standard output as *password (caller wipes and frees): 0, or -1
 * when it cannot run, fails, prints nothing or takes over timeout_s
 * seconds (then it is killed).  The password is never put in err. */
int frankd_password_command(const char *command, unsigned timeout_s, char **password,
			    struct lib_err *err);

/* frankd dkim-keygen DOMAIN SELECTOR [--ed25519 | --bits N]
 * (dkim_keygen.c): writes the key (the configured dkim_key file, else
 * dkim/DOMAIN.SELECTOR.key beside frankd.conf), prints the zone line of
 * its TXT record.  Returns the exit status. */
int frankd_cmd_dkim_keygen(const struct frankd_conf *conf, int argc, char **argv);

/* --- delivery status notifications (dsn.c) ---------------------------------- */

enum frankd_dsn_kind { FRANKD_DSN_FAILED, FRANKD_DSN_DELAYED };

/* A bounce (RFC 3464: multipart/report, message/delivery-status, the
 * original header section) to env->sender, about the recipients of env
 * whose mark[i] is set, appended to out with CRLF line ends.  headers is
 * the original message's header section (frankd's lines and the
 * message's). */
void frankd_dsn_build(const struct frankd_conf *conf, const struct frankd_envelope *env,
		      const int *mark, enum frankd_dsn_kind kind, const char *headers,
		      size_t headers_len, time_t now, struct lib_buf *out);

/* The RFC 3463 status code in an error text ("550 5.1.1 ...": "5.1.1"),
 * else fallback; into out (at least 16 bytes). */
void frankd_dsn_status(const char *text, const char *fallback, char *out, size_t size);

#endif
