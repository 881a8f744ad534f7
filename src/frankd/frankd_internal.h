/* frankd_internal.h: what the files of src/frankd share and nobody else
 * needs: durable file writes, and the daemon's server and session. */
#ifndef FRANK_FRANKD_INTERNAL_H
#define FRANK_FRANKD_INTERNAL_H

#include <stdarg.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "frankd.h"

struct event_base;

/* --- Files (file.c) ------------------------------------------------------- */

/* Writes all of data, retrying on EINTR: 0 or -1 with errno. */
int frankd_write_all(int fd, const void *data, size_t len);
int frankd_fsync_dir(const char *dir, struct lib_err *err);
/* Writes data to tmp (mode), fsyncs it and renames it to path; the caller
 * fsyncs path's folder. */
int frankd_write_durable(const char *tmp, const char *path, const void *data, size_t len,
			 mode_t mode, struct lib_err *err);
/* The same with "path.tmp.PID" beside it, and the folder fsynced. */
int frankd_write_durable_in(const char *path, const void *data, size_t len, mode_t mode,
			    struct lib_err *err);
/* The folder part of path ("." when none): caller frees. */
char *frankd_dirname(const char *path);
/* Makes a folder (mode) unless it is there; _mkdirs with its parents. */
int frankd_mkdir(const char *path, mode_t mode, struct lib_err *err);
int frankd_mkdirs(const char *path, mode_t mode, struct lib_err *err);

/* --- App password checks (appauth.c) ---------------------------------------- */

enum frankd_auth_result {
	FRANKD_AUTH_OK,
	FRANKD_AUTH_FAIL,     /* wrong user or password: 535 */
	FRANKD_AUTH_BLOCKED,  /* too many failures from the address or for the user: 454 */
	FRANKD_AUTH_TEMPFAIL, /* the password file cannot be read: 454 */
	FRANKD_AUTH_PENDING,  /* the check must run (scrypt): on a worker */
};

/* The password file (read again whenever it changes, so a revoked password
 * fails at once), a cache of recent successes (keyed digests, never the
 * passwords) so that a client sending mail after mail does not pay scrypt
 * each time, and the failure counts per address and per user.  Used from
 * the loop only; the scrypt of a check runs on a worker. */
struct frankd_auth;
struct frankd_auth_job;

struct frankd_auth_outcome {
	char user[65];   /* OK: the user's name */
	char label[FRANKD_LABEL_MAX + 1]; /* OK: the password's label */
	const char *why; /* otherwise: for the log (never the password) */
};

struct frankd_auth *frankd_auth_new(void);
void frankd_auth_free(struct frankd_auth *a);
/* Checks login (a user name, or one of a user's addresses) and password
 * from client ip.  Decides at once (the cache, the rate limits), or
 * returns PENDING with *job: run frankd_auth_job_work(job) on a worker,
 * then frankd_auth_finish() in the loop, which frees the job. */
enum frankd_auth_result frankd_auth_begin(struct frankd_auth *a, const struct frankd_conf *conf,
					  const char *ip, const char *login, const char *password,
					  struct frankd_auth_outcome *out, struct frankd_auth_job **job);
void frankd_auth_job_work(void *job);
enum frankd_auth_result frankd_auth_finish(struct frankd_auth *a, const struct frankd_conf *conf,
					   struct frankd_auth_job *job,
					   struct frankd_auth_outcome *out);
/* Frees a job that will not be finished. */
void frankd_auth_job_free(struct frankd_auth_job *job);

/* --- Worker threads (pool.c) ---------------------------------------------------- */

struct frankd_pool;

struct frankd_pool *frankd_pool_new(struct event_base *base, unsigned threads,
				    struct lib_err *err);
/* work(arg) runs on a worker, then done(arg) in the loop. */
void frankd_pool_submit(struct frankd_pool *p, void (*work)(void *arg), void (*done)(void *arg),
			void *arg);
/* Jobs submitted whose done has not run yet. */
unsigned frankd_pool_in_flight(const struct frankd_pool *p);
/* idle(arg) runs in the loop each time the last job out is done. */
void frankd_pool_on_idle(struct frankd_pool *p, void (*idle)(void *arg), void *arg);
/* Waits for every job, runs their done callbacks, and frees the pool. */
void frankd_pool_free(struct frankd_pool *p);

/* --- The server (server.c) and its sessions (session.c) ----------------------- */

struct frankd_runner;
struct frankd_conn;

struct frankd_server {
	struct event_base *base;
	struct frankd_conf *conf;   /* the current one: sessions look things up in it
				       each time, so SIGHUP may replace it */
	char *conf_path;
	int is_root;
	SSL_CTX *tls;
	struct frankd_listener *listeners;
	size_t nlisteners;
	struct frankd_conn *conns;  /* the sessions, any protocol: a doubly linked list */
	unsigned nsessions;
	unsigned long last_session_id;
	struct frankd_queue *queue;
	struct frankd_runner *runner;
	struct frankd_auth *auth;
	struct frankd_pool *pool;
	struct frankd_conf **retired; /* replaced by SIGHUP, kept while jobs may use them */
	size_t nretired;
	struct frankd_control *control;
	struct event *signals[5];
	struct event *drain_timer;
	int draining;
};

/* An SMTP session on an accepted socket: greets, then runs until QUIT, an
 * error or the drain. */
void frankd_session_start(struct frankd_server *srv, int fd, const char *ip,
			  enum frankd_listen_mode mode);
/* The server calls this when a session has gone (to exit when draining). */
void frankd_server_session_gone(struct frankd_server *srv);

/* --- Connections (conn.c): what SMTP and POP3 sessions share ----------------- */

struct evbuffer;

/* What a protocol does with its connection. */
struct frankd_conn_ops {
	const char *name; /* in log lines: "session" (SMTP), "pop3" */
	/* Input has come: handle what there is; 1 to go on, 0 to wait for
	 * more (or after frankd_conn_starttls). */
	int (*read)(struct frankd_conn *c, struct evbuffer *in);
	void (*timeout)(struct frankd_conn *c);  /* idle: reply, frankd_conn_close */
	void (*shutdown)(struct frankd_conn *c); /* the drain's deadline: the same */
	void (*free)(struct frankd_conn *c);     /* frees the session around c */
};

/* A session's connection; the session embeds it and finds itself from it. */
struct frankd_conn {
	const struct frankd_conn_ops *ops;
	struct frankd_server *srv;
	struct frankd_conn *prev, *next; /* srv->conns */
	unsigned long id;
	struct bufferevent *bev;
	char ip[64];
	int tls;
	char tls_info[128]; /* "TLSv1.3 with cipher X" once established */
	int closing;        /* the replies leave, then it is freed */
	int discarding;     /* a line over the limit: dropping bytes to its end */
	int busy;           /* a job is out: the session must outlive it */
	int free_pending;   /* the connection went while busy */
	int free_scheduled;
};

/* Sets c up on fd (TLS at once for submissions and pop3s) among the
 * server's sessions.  0, or 1 when the server has too many sessions, 2
 * when the address has: the caller says so and closes. */
int frankd_conn_open(struct frankd_conn *c, const struct frankd_conn_ops *ops,
		     struct frankd_server *srv, int fd, const char *ip, enum frankd_listen_mode mode);
/* No more reading; freed once the replies have left. */
void frankd_conn_close(struct frankd_conn *c);
/* Freed from the loop (or when the job out comes back). */
void frankd_conn_free_soon(struct frankd_conn *c);
/* TLS on top, after the reply to STARTTLS or STLS. */
void frankd_conn_starttls(struct frankd_conn *c);
/* Sends the line fmt makes, with CRLF (and to the debug log): returns
 * its first character, which says whether it was an error. */
char frankd_conn_vreply(struct frankd_conn *c, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drops input up to the end of an over-long line: 1 when that end came. */
int frankd_conn_discard_line(struct frankd_conn *c, struct evbuffer *in);
enum frankd_conn_line {
	FRANKD_CONN_LINE,          /* *line (caller frees), *len without the ending */
	FRANKD_CONN_LINE_MORE,     /* no line end yet */
	FRANKD_CONN_LINE_TOO_LONG, /* over max: logged, its bytes are dropped */
};
/* The next line of the input (CRLF or LF), at most max bytes. */
enum frankd_conn_line frankd_conn_read_line(struct frankd_conn *c, struct evbuffer *in,
					    size_t max, char **line, size_t *len);
/* Checks a password (frankd_auth_begin; on a worker when scrypt must run)
 * and logs the outcome; then done() in the loop, unless the session went
 * or is closing meanwhile; reading resumes after it. */
typedef void frankd_conn_auth_done(struct frankd_conn *c, enum frankd_auth_result r,
				   const struct frankd_auth_outcome *o);
void frankd_conn_auth(struct frankd_conn *c, const char *login, const char *password,
		      frankd_conn_auth_done *done);
/* work(job) on a worker, then done(job) in the loop: reading waits.  done
 * calls frankd_conn_job_back first: -1 when the session went or is
 * closing meanwhile (leave it be), 0 to go on, then frankd_conn_resume. */
void frankd_conn_job(struct frankd_conn *c, void (*work)(void *), void (*done)(void *), void *job);
int frankd_conn_job_back(struct frankd_conn *c);
void frankd_conn_resume(struct frankd_conn *c);
/* SIGTERM's deadline: each session is told and closed; at exit, freed. */
void frankd_conns_shutdown(struct frankd_server *srv);
void frankd_conns_free(struct frankd_server *srv);


/* --- POP3 (pop3d.c, pop3d_maildrop.c) ------------------------------------------ */

/* A POP3 session on an accepted socket. */
void frankd_pop3_start(struct frankd_server *srv, int fd, const char *ip,
		       enum frankd_listen_mode mode);

struct frankd_maildrop_message {
	char *file;   /* "new/NAME" or "cur/NAME:2,S", as last seen */
	char *uid;    /* UIDL: the Maildir base name */
	size_t size;  /* with CRLF line ends */
	int deleted;  /* DELE: removed at QUIT */
};

/* The messages of a Maildir's INBOX as a POP3 session sees them. */
struct frankd_maildrop {
	char *maildir;
	struct frankd_maildrop_message *messages; /* oldest first */
	size_t count, cap;
	size_t total;  /* bytes of all messages */
};

struct frankd_maildrop *frankd_maildrop_open(const char *maildir, struct lib_err *err);
void frankd_maildrop_free(struct frankd_maildrop *md);
/* Reads message index (from 0) as it is on disk (LF line ends): *data is
 * the caller's.  -1 with err when it is gone or beyond max_size. */
int frankd_maildrop_read(struct frankd_maildrop *md, size_t index, size_t max_size,
			 char **data, size_t *len, struct lib_err *err);
/* The UPDATE state: removes the deleted messages' files and makes that
 * durable.  -1 with err when one could not be removed. */
int frankd_maildrop_update(struct frankd_maildrop *md, struct lib_err *err);

/* The size of the file at path with CRLF line ends, read in pieces. */
int frankd_file_crlf_size(const char *path, size_t *size, struct lib_err *err);
/* The file in maildir's cur/ or new/ with the base name base (renamed by
 * a flag change meanwhile): its path (caller frees), with *file replaced
 * by "cur/NAME:2,..." (freed first); NULL when there is none. */
char *frankd_maildir_find(const char *maildir, const char *base, char **file);

/* An IMAP session on an accepted socket (imapd.c). */
void frankd_imap_start(struct frankd_server *srv, int fd, const char *ip,
		       enum frankd_listen_mode mode);

/* --- IMAP folders (mailbox.c) -------------------------------------------------- */

struct frankd_mailbox_msg {
	uint32_t uid;
	char *file;     /* "new/NAME" or "cur/NAME:2,FS", as last seen */
	unsigned flags; /* enum frankd_flag, from the name */
	uint32_t keywords; /* bit i: the folder's keyword i (letter 'a'+i) */
	uint64_t modseq;   /* RFC 7162: of its last change */
};

/* A Maildir folder as an IMAP session sees it: its messages by UID. */
struct frankd_mailbox {
	char *path;
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq;
	struct frankd_mailbox_msg *msgs;
	size_t count;
	struct frankd_imap_names keywords; /* FRANKD_KEYWORDS_FILE, by letter */
	/* The expunged, oldest first, for VANISHED (EARLIER); before
	 * forgotten (a modseq) some were dropped (FRANKD_UIDLIST_GONE_MAX). */
	struct frankd_uidlist_gone *gone;
	size_t ngone;
	uint64_t forgotten;
};

/* Reads the folder at path: its files, with UIDs from its uidlist.  Files
 * new to the uidlist get the next UIDs (oldest first), and the uidlist is
 * written (tmp, fsync, rename, fsync the folder) before they are seen, so
 * a UID is never given twice.  A missing or broken uidlist starts a new
 * UIDVALIDITY (the log says why).  Every change found since the uidlist
 * was written (new files, files gone, flags changed by frankd or another
 * program) gets the one next modseq, and is written down before it is
 * seen.  0, or -1 with err. */
int frankd_mailbox_load(const char *path, struct frankd_mailbox *mb, struct lib_err *err);
void frankd_mailbox_release(struct frankd_mailbox *mb);
/* The message with uid: its index, or -1. */
long frankd_mailbox_find(const struct frankd_mailbox *mb, uint32_t uid);
/* The message's path now (found again if renamed meanwhile; caller
 * frees), or NULL when it is gone. */
char *frankd_mailbox_msg_path(struct frankd_mailbox *mb, size_t index);
/* Renames the message's file to hold flags (into cur/).  0, 1 when the
 * file is gone (expunged meanwhile), -1 with err. */
int frankd_mailbox_set_flags(struct frankd_mailbox *mb, size_t index, unsigned flags,
			     struct lib_err *err);

/* The same with the keywords too. */
int frankd_mailbox_set_keywords(struct frankd_mailbox *mb, size_t index, unsigned flags,
				uint32_t keywords, struct lib_err *err);
/* The folder's number for a keyword (any case): added, and the keywords
 * file written, when it is new.  -1 with err when the folder has its 26
 * or the file cannot be written. */
int frankd_mailbox_keyword(struct frankd_mailbox *mb, const char *name, struct lib_err *err);

/* --- Delivery (runner.c) ------------------------------------------------------- */

/* Tries queued messages: each new one at once, deferred ones at their next
 * try, all of them on flush, and new files in the queue directory on each
 * scan (frankd sendmail writes there).  Runs in the server's loop. */
struct frankd_runner *frankd_runner_new(struct frankd_server *srv);
void frankd_runner_free(struct frankd_runner *r);
void frankd_runner_kick(struct frankd_runner *r, const char *id);
void frankd_runner_flush(struct frankd_runner *r);
void frankd_runner_scan(struct frankd_runner *r);
int frankd_runner_delete(struct frankd_runner *r, const char *id, struct lib_err *err);

/* --- The control socket (control.c) ----------------------------------------------- */

struct frankd_control;

struct frankd_control *frankd_control_new(struct frankd_server *srv, struct lib_err *err);
void frankd_control_free(struct frankd_control *c);

#endif
