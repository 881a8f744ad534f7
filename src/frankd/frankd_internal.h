/* frankd_internal.h: what the files of src/frankd share and nobody else
 * needs: durable file writes, and the daemon's server and session. */
#ifndef FRANK_FRANKD_INTERNAL_H
#define FRANK_FRANKD_INTERNAL_H

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
struct smtp_session;

struct frankd_server {
	struct event_base *base;
	struct frankd_conf *conf;   /* the current one: sessions look things up in it
				       each time, so SIGHUP may replace it */
	char *conf_path;
	int is_root;
	SSL_CTX *tls;
	struct frankd_listener *listeners;
	size_t nlisteners;
	struct smtp_session *sessions; /* a doubly linked list */
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

/* A session on an accepted socket: greets, then runs until QUIT, an error
 * or the drain. */
void frankd_session_start(struct frankd_server *srv, int fd, const char *ip,
			  enum frankd_listen_mode mode);
/* SIGTERM's deadline: each session gets 421 and is closed. */
void frankd_sessions_shutdown(struct frankd_server *srv);
/* At exit: frees what sessions are left (their unfinished messages go). */
void frankd_sessions_free(struct frankd_server *srv);
/* The server calls this when a session has gone (to exit when draining). */
void frankd_server_session_gone(struct frankd_server *srv);


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
