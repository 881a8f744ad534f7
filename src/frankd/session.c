/* session.c: one SMTP session (RFC 5321; submission RFC 6409; STARTTLS RFC
 * 3207; AUTH RFC 4954), in OpenSMTPD's shape: an explicit state, a table
 * of commands each with a check step and a proceed step, one read
 * callback, and every state change through session_enter(), which logs it.
 *
 * Replies are queued on the bufferevent in the order commands came, so
 * PIPELINING needs nothing more.  A message is streamed through the DATA
 * reader into the queue writer; it is acknowledged (250) only after the
 * queue has made it durable.  Bad input ends this session, never the
 * daemon; memory stays bounded (a line over the limit is discarded as it
 * arrives, a message over SIZE is counted but not kept). */
#include "frankd_internal.h"

#include "mime.h"
#include "net.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum smtp_state {
	SMTP_STATE_CONNECTED, /* greeted; EHLO/HELO awaited (again after STARTTLS) */
	SMTP_STATE_READY,     /* EHLO done: MAIL, AUTH, STARTTLS... */
	SMTP_STATE_AUTH_PLAIN, /* AUTH PLAIN: the response line awaited */
	SMTP_STATE_AUTH_USER, /* AUTH LOGIN: the user name line */
	SMTP_STATE_AUTH_PASS, /* AUTH LOGIN: the password line */
	SMTP_STATE_MAIL,      /* MAIL taken: RCPT awaited */
	SMTP_STATE_RCPT,      /* a recipient taken: more RCPT, or DATA */
	SMTP_STATE_DATA,      /* the message text */
	SMTP_STATE_WAIT,      /* a worker has the session's job (queue commit,
				 password check); reading waits */
	SMTP_STATE_QUIT,      /* closing once the replies are out */
};

static const char *const state_names[] = { "connected", "ready", "auth-plain", "auth-user",
					   "auth-pass", "mail", "rcpt", "data", "wait", "quit" };

#define BIT(s) (1u << (s))
#define IN_SESSION (BIT(SMTP_STATE_READY) | BIT(SMTP_STATE_MAIL) | BIT(SMTP_STATE_RCPT))
struct smtp_session {
	struct frankd_conn conn; /* first: a conn is its session */
	enum smtp_state state;
	enum frankd_listen_mode mode;
	char helo[FRANKD_SMTP_DOMAIN_MAX + 1];
	int esmtp;
	char *auth_user;     /* authenticated: the user's name */
	char auth_login[FRANKD_SMTP_AUTH_MAX + 1]; /* AUTH LOGIN: the user so far */
	unsigned errors;
	/* the transaction */
	char *sender;
	int body_8bit, smtputf8;
	struct frankd_envelope env; /* recipients gathered here */
	struct frankd_queue_writer *writer;
	struct frankd_data_reader data;
	struct frankd_header_scan headers;
	struct lib_buf data_out;
	int data_failed;
	unsigned messages;
};

/* --- replies, states, closing ------------------------------------------------ */

static void reply(struct smtp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reply(struct smtp_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char first = frankd_conn_vreply(&s->conn, fmt, ap);
	va_end(ap);
	if (first == '4' || first == '5')
		s->errors++;
}

static void session_enter(struct smtp_session *s, enum smtp_state state)
{
	if (s->state != state)
		frankd_log(FRANKD_LOG_DEBUG, "session %lu: %s -> %s", s->conn.id, state_names[s->state],
			   state_names[state]);
	s->state = state;
}

static void session_close(struct smtp_session *s)
{
	session_enter(s, SMTP_STATE_QUIT);
	frankd_conn_close(&s->conn);
}

static void transaction_reset(struct smtp_session *s)
{
	free(s->sender);
	s->sender = NULL;
	s->body_8bit = s->smtputf8 = 0;
	frankd_envelope_release(&s->env);
	frankd_queue_writer_free(s->writer);
	s->writer = NULL;
	lib_buf_release(&s->data_out);
	s->data_failed = 0;
}

static void session_free(struct frankd_conn *c)
{
	struct smtp_session *s = (struct smtp_session *)c;
	if (s->state == SMTP_STATE_DATA)
		frankd_log(FRANKD_LOG_INFO, "session %lu: connection lost during DATA from %s; "
					    "the message is discarded",
			   s->conn.id, s->conn.ip);
	frankd_log(FRANKD_LOG_INFO, "session %lu: disconnect from %s (%u messages)", s->conn.id, s->conn.ip,
		   s->messages);
	transaction_reset(s);
	free(s->auth_user);
	lib_secure_zero(s->auth_login, sizeof s->auth_login);
	free(s);
}

/* After an error reply: too many, and the session ends. */
static int too_many_errors(struct smtp_session *s)
{
	if (s->errors < s->conn.srv->conf->limits.errors)
		return 0;
	frankd_log(FRANKD_LOG_INFO, "session %lu: too many errors from %s", s->conn.id, s->conn.ip);
	reply(s, "421 4.7.0 %s Too many errors, closing connection", s->conn.srv->conf->hostname);
	session_close(s);
	return 1;
}

/* --- jobs on the workers ----------------------------------------------------- */

/* Hands work to a worker: the session reads nothing until it is back. */
static void session_wait(struct smtp_session *s, void (*work)(void *), void (*done)(void *),
			 void *job)
{
	session_enter(s, SMTP_STATE_WAIT);
	frankd_conn_job(&s->conn, work, done, job);
}

/* A job is back: 0 to go on, -1 when the session has gone or is closing
 * (a timeout, the drain) meanwhile. */
static int session_back(struct smtp_session *s, enum smtp_state state)
{
	if (frankd_conn_job_back(&s->conn) < 0)
		return -1;
	session_enter(s, state);
	return 0;
}

/* Reads on with what the client pipelined while the job was out. */
static void session_resume(struct smtp_session *s)
{
	frankd_conn_resume(&s->conn);
}

/* --- the command table ------------------------------------------------------ */

struct smtp_command {
	enum frankd_smtp_verb verb;
	unsigned states; /* where it may come */
	const char *out_of_sequence;
	/* 0 to go on, -1 after replying why not */
	int (*check)(struct smtp_session *s, struct frankd_smtp_cmd *cmd);
	void (*proceed)(struct smtp_session *s, struct frankd_smtp_cmd *cmd);
};

static int submission(const struct smtp_session *s)
{
	return s->mode != FRANKD_MODE_SMTP;
}

static void proceed_ehlo(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	const struct frankd_conf *conf = s->conn.srv->conf;
	transaction_reset(s);
	snprintf(s->helo, sizeof s->helo, "%s", cmd->arg);
	s->esmtp = cmd->verb == FRANKD_SMTP_EHLO;
	session_enter(s, SMTP_STATE_READY);
	if (!s->esmtp) {
		reply(s, "250 %s", conf->hostname);
		return;
	}
	reply(s, "250-%s", conf->hostname);
	reply(s, "250-PIPELINING");
	reply(s, "250-SIZE %zu", conf->limits.message_size);
	reply(s, "250-8BITMIME");
	reply(s, "250-SMTPUTF8");
	reply(s, "250-ENHANCEDSTATUSCODES");
	if (!s->conn.tls && s->conn.srv->tls)
		reply(s, "250-STARTTLS");
	if (submission(s) && s->conn.tls && !s->auth_user)
		reply(s, "250-AUTH PLAIN LOGIN");
	reply(s, "250 HELP");
}

static int check_starttls(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	if (s->conn.tls) {
		reply(s, "503 5.5.1 TLS already active");
		return -1;
	}
	if (!s->conn.srv->tls) {
		reply(s, "454 4.7.0 TLS not available");
		return -1;
	}
	return 0;
}

static void proceed_starttls(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "220 2.0.0 Ready to start TLS");
	frankd_conn_starttls(&s->conn);
	s->helo[0] = '\0';
	s->esmtp = 0;
	transaction_reset(s);
	session_enter(s, SMTP_STATE_CONNECTED);
}

/* --- AUTH ------------------------------------------------------------------- */

static int check_auth(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	if (!submission(s)) {
		reply(s, "503 5.5.1 AUTH not available on this port");
		return -1;
	}
	if (!s->conn.tls) {
		reply(s, "530 5.7.0 Must issue a STARTTLS command first");
		return -1;
	}
	if (s->auth_user) {
		reply(s, "503 5.5.1 Already authenticated");
		return -1;
	}
	if (strcmp(cmd->arg, "PLAIN") != 0 && strcmp(cmd->arg, "LOGIN") != 0) {
		reply(s, "504 5.5.4 Unrecognized authentication type");
		return -1;
	}
	return 0;
}

static void auth_done(struct frankd_conn *c, enum frankd_auth_result r,
		      const struct frankd_auth_outcome *o)
{
	struct smtp_session *s = (struct smtp_session *)c;
	session_enter(s, SMTP_STATE_READY);
	switch (r) {
	case FRANKD_AUTH_OK:
		s->auth_user = lib_xstrdup(o->user);
		reply(s, "235 2.7.0 Authentication successful");
		return;
	case FRANKD_AUTH_FAIL:
		reply(s, "535 5.7.8 Authentication credentials invalid");
		break;
	case FRANKD_AUTH_BLOCKED:
		reply(s, "454 4.7.0 Too many failed authentications, try again later");
		break;
	case FRANKD_AUTH_TEMPFAIL:
	case FRANKD_AUTH_PENDING:
		reply(s, "454 4.7.0 Temporary authentication failure");
		break;
	}
	too_many_errors(s);
}

static void auth_finish(struct smtp_session *s, const char *login, const char *password)
{
	session_enter(s, SMTP_STATE_WAIT);
	frankd_conn_auth(&s->conn, login, password, auth_done);
}

static void auth_plain(struct smtp_session *s, const char *b64, size_t len)
{
	static char authzid[FRANKD_SMTP_AUTH_MAX + 1], authcid[FRANKD_SMTP_AUTH_MAX + 1],
		password[FRANKD_SMTP_AUTH_MAX + 1];
	if (frankd_sasl_plain_decode(b64, len, authzid, authcid, password) < 0) {
		session_enter(s, SMTP_STATE_READY);
		reply(s, "501 5.5.2 Cannot decode the AUTH PLAIN response");
	} else if (authzid[0] && strcmp(authzid, authcid) != 0) {
		session_enter(s, SMTP_STATE_READY);
		reply(s, "535 5.7.8 Authorization identity not allowed");
	} else {
		auth_finish(s, authcid, password);
	}
	lib_secure_zero(authzid, sizeof authzid);
	lib_secure_zero(authcid, sizeof authcid);
	lib_secure_zero(password, sizeof password);
}

/* A base64 line of AUTH LOGIN into out; -1 after replying. */
static int login_decode(struct smtp_session *s, const char *b64, size_t len, char *out)
{
	size_t n;
	if (len > FRANKD_SMTP_AUTH_MAX ||
	    frankd_base64_decode(b64, len, (unsigned char *)out, &n) < 0 || n == 0 ||
	    memchr(out, '\0', n)) {
		session_enter(s, SMTP_STATE_READY);
		reply(s, "501 5.5.2 Cannot decode the AUTH LOGIN response");
		return -1;
	}
	return 0;
}

static void proceed_auth(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	int plain = strcmp(cmd->arg, "PLAIN") == 0;
	const char *ir = cmd->initial_response;
	size_t irlen = cmd->initial_response_len;
	if (plain && irlen) {
		auth_plain(s, ir, irlen);
	} else if (plain) {
		session_enter(s, SMTP_STATE_AUTH_PLAIN);
		reply(s, "334 ");
	} else if (irlen && !(irlen == 1 && ir[0] == '=')) {
		if (login_decode(s, ir, irlen, s->auth_login) == 0) {
			session_enter(s, SMTP_STATE_AUTH_PASS);
			reply(s, "334 UGFzc3dvcmQ6"); /* "Password:" */
		}
	} else {
		session_enter(s, SMTP_STATE_AUTH_USER);
		reply(s, "334 VXNlcm5hbWU6"); /* "Username:" */
	}
}

/* A line in an AUTH state: never logged, it holds a secret. */
static void auth_line(struct smtp_session *s, const char *line, size_t len)
{
	if (len == 1 && line[0] == '*') {
		session_enter(s, SMTP_STATE_READY);
		reply(s, "501 5.0.0 Authentication cancelled");
		return;
	}
	static char password[FRANKD_SMTP_AUTH_MAX + 1];
	switch (s->state) {
	case SMTP_STATE_AUTH_PLAIN:
		auth_plain(s, line, len);
		break;
	case SMTP_STATE_AUTH_USER:
		if (login_decode(s, line, len, s->auth_login) == 0) {
			session_enter(s, SMTP_STATE_AUTH_PASS);
			reply(s, "334 UGFzc3dvcmQ6");
		}
		break;
	case SMTP_STATE_AUTH_PASS:
		if (login_decode(s, line, len, password) == 0)
			auth_finish(s, s->auth_login, password);
		lib_secure_zero(password, sizeof password);
		lib_secure_zero(s->auth_login, sizeof s->auth_login);
		break;
	default:
		break;
	}
}

/* --- MAIL, RCPT ------------------------------------------------------------------ */

static int check_mail(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	const struct frankd_conf *conf = s->conn.srv->conf;
	if (submission(s) && !s->auth_user) {
		reply(s, "530 5.7.0 Authentication required");
		return -1;
	}
	if (s->conn.srv->draining) {
		reply(s, "421 4.3.2 %s Service shutting down", conf->hostname);
		session_close(s);
		return -1;
	}
	int smtputf8 = 0, body_8bit = 0;
	for (size_t i = 0; i < cmd->nparams; i++) {
		const struct frankd_smtp_param *p = &cmd->params[i];
		if (strcmp(p->keyword, "SIZE") == 0 && p->has_value) {
			char *end;
			unsigned long long size = strtoull(p->value, &end, 10);
			if (*end || p->value[0] < '0' || p->value[0] > '9') {
				reply(s, "501 5.5.4 Bad SIZE value");
				return -1;
			}
			if (size > conf->limits.message_size) {
				reply(s, "552 5.3.4 Message size exceeds fixed limit of %zu bytes",
				      conf->limits.message_size);
				return -1;
			}
		} else if (strcmp(p->keyword, "BODY") == 0 && p->has_value &&
			   (strcasecmp(p->value, "7BIT") == 0 ||
			    strcasecmp(p->value, "8BITMIME") == 0)) {
			body_8bit = strcasecmp(p->value, "8BITMIME") == 0;
		} else if (strcmp(p->keyword, "SMTPUTF8") == 0 && !p->has_value) {
			smtputf8 = 1;
		} else if (strcmp(p->keyword, "AUTH") == 0 && p->has_value) {
			/* RFC 4954 5: taken, not trusted */
		} else {
			reply(s, "555 5.5.4 Unsupported option: %s", p->keyword);
			return -1;
		}
	}
	if (cmd->address_utf8 && !smtputf8) {
		reply(s, "553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter");
		return -1;
	}
	if (submission(s)) {
		const struct frankd_user *u = frankd_conf_user(conf, s->auth_user);
		if (!u || !frankd_may_send_as(u, cmd->address)) {
			frankd_log(FRANKD_LOG_INFO, "session %lu: user %s may not send as <%s>", s->conn.id,
				   s->auth_user, cmd->address);
			reply(s, "553 5.7.1 Sender address <%s> not allowed for user %s", cmd->address,
			      s->auth_user);
			return -1;
		}
	}
	s->smtputf8 = smtputf8;
	s->body_8bit = body_8bit;
	return 0;
}

static void proceed_mail(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	int smtputf8 = s->smtputf8, body_8bit = s->body_8bit;
	transaction_reset(s);
	s->smtputf8 = smtputf8;
	s->body_8bit = body_8bit;
	s->sender = lib_xstrdup(cmd->address);
	frankd_envelope_init(&s->env);
	session_enter(s, SMTP_STATE_MAIL);
	reply(s, "250 2.1.0 Ok");
}

static int check_rcpt(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	const struct frankd_conf *conf = s->conn.srv->conf;
	if (cmd->nparams) {
		reply(s, "555 5.5.4 Unsupported option: %s", cmd->params[0].keyword);
		return -1;
	}
	if (cmd->address_utf8 && !s->smtputf8) {
		reply(s, "553 5.6.7 Non-ASCII address needs SMTPUTF8 on MAIL");
		return -1;
	}
	if (s->env.nrcpts >= conf->limits.recipients) {
		reply(s, "452 4.5.3 Too many recipients");
		return -1;
	}
	struct frankd_route route;
	frankd_route(conf, cmd->address, &route);
	if (route.kind == FRANKD_ROUTE_REMOTE && !s->auth_user) {
		frankd_log(FRANKD_LOG_INFO, "session %lu: relay denied: <%s> -> <%s> from %s", s->conn.id,
			   s->sender, cmd->address, s->conn.ip);
		reply(s, "550 5.7.1 <%s>: Relay access denied", cmd->address);
		return -1;
	}
	if (route.kind == FRANKD_ROUTE_NO_USER) {
		reply(s, "550 5.1.1 <%s>: Recipient address rejected: User unknown", cmd->address);
		return -1;
	}
	return 0;
}

static void proceed_rcpt(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	int twice = 0;
	for (size_t i = 0; i < s->env.nrcpts && !twice; i++)
		twice = strcasecmp(s->env.rcpts[i].address, cmd->address) == 0;
	if (!twice) {
		struct frankd_route route;
		frankd_route(s->conn.srv->conf, cmd->address, &route);
		frankd_envelope_add_rcpt(&s->env, cmd->address, route.kind);
	}
	session_enter(s, SMTP_STATE_RCPT);
	reply(s, "250 2.1.5 Ok");
}

/* --- DATA ------------------------------------------------------------------------ */

static void proceed_data(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	struct lib_err err;
	s->writer = frankd_queue_writer_new(s->conn.srv->queue, &err);
	if (!s->writer) {
		frankd_log(FRANKD_LOG_ERROR, "session %lu: queue: %s", s->conn.id, err.msg);
		reply(s, "451 4.3.0 Cannot write to the queue, try again later");
		return;
	}
	frankd_data_reader_init(&s->data, s->conn.srv->conf->limits.message_size);
	frankd_header_scan_init(&s->headers);
	s->data_failed = 0;
	session_enter(s, SMTP_STATE_DATA);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
}

/* "ESMTPSA", "UTF8SMTPS"...: RFC 3848 and RFC 6531 4.3. */
static const char *protocol_name(const struct smtp_session *s)
{
	static char name[16];
	if (!s->esmtp)
		return "SMTP";
	snprintf(name, sizeof name, "%s%s%s", s->smtputf8 ? "UTF8SMTP" : "ESMTP", s->conn.tls ? "S" : "",
		 s->auth_user ? "A" : "");
	return name;
}

/* The header lines frankd adds, before the message: Received, and on
 * submission Message-ID and Date when the message has none. */
static void added_headers(struct smtp_session *s, const char *id, time_t now)
{
	const struct frankd_conf *conf = s->conn.srv->conf;
	struct frankd_received r = {
		.helo = s->helo[0] ? s->helo : NULL,
		.client_ip = s->conn.ip,
		.hostname = conf->hostname,
		.protocol = protocol_name(s),
		.tls = s->conn.tls ? s->conn.tls_info : NULL,
		.id = id,
		.for_rcpt = s->env.nrcpts == 1 ? s->env.rcpts[0].address : NULL,
		.when = now,
	};
	frankd_received_format(&r, &s->env.headers);
	if (!submission(s))
		return;
	if (!s->headers.has_message_id)
		frankd_message_id_format(conf->hostname, &s->env.headers);
	if (!s->headers.has_date)
		frankd_date_format(now, &s->env.headers);
}

/* A queue commit on a worker: the writer and the envelope are the job's.
 * Before the commit the whole message is checked: inbound mail verified
 * (SPF, DKIM, DMARC) and a DMARC reject refused; submitted mail signed. */
struct commit_wait {
	struct smtp_session *s;
	const struct frankd_conf *conf; /* alive until commit_done */
	struct frankd_queue_writer *writer;
	struct frankd_envelope env;
	int inbound;          /* port 25: verify */
	int rejected;         /* DMARC said reject: not committed */
	char why[256];
	struct lib_err err;
	int rc;
};

static int verify_inbound(struct commit_wait *w, const struct lib_buf *msg)
{
	struct frankd_envelope *env = &w->env;
	struct frankd_inbound in;
	if (frankd_inbound_verify(w->conf, env->client, env->helo, env->sender, msg->data,
				  msg->len, &in, &w->err) < 0)
		return -1;
	frankd_envelope_prepend_header(env, in.authres);
	if (in.action == FRANKD_INBOUND_REJECT) {
		w->rejected = 1;
		snprintf(w->why, sizeof w->why, "%s", in.why);
	} else if (in.action == FRANKD_INBOUND_QUARANTINE) {
		env->quarantine = 1;
		snprintf(w->why, sizeof w->why, "%s", in.why);
	}
	frankd_inbound_release(&in);
	return 0;
}

static int body_is_8bit(const struct lib_buf *msg)
{
	for (size_t i = 0; i < msg->len; i++)
		if ((unsigned char)msg->data[i] >= 0x80)
			return 1;
	return 0;
}

/* RFC 6376 5.3: an 8-bit message frankd signs is made 7-bit first (its
 * queued bytes replaced), so that a next hop without 8BITMIME never needs
 * a conversion that would break the signature.  One whose header section
 * is not ASCII (SMTPUTF8) cannot be, and is signed as it is. */
static void make_7bit_for_signing(struct commit_wait *w, struct lib_buf *msg)
{
	const char *id = frankd_queue_writer_id(w->writer);
	struct lib_buf seven = LIB_BUF_INIT;
	struct lib_err err;
	if (mime_message_to_7bit(msg->data, msg->len, &seven, &err) < 0) {
		frankd_log(FRANKD_LOG_INFO, "%s: signed in its 8-bit form: %s", id, err.msg);
	} else if (frankd_queue_writer_replace(w->writer, seven.data, seven.len, &err) < 0) {
		w->rc = -1;
		w->err = err;
	} else {
		frankd_log(FRANKD_LOG_INFO, "%s: made 7-bit before signing (%zu bytes, was %zu)", id,
			   seven.len, msg->len);
		lib_buf_reset(msg);
		lib_buf_append(msg, seven.data, seven.len);
		w->env.body_8bit = 0;
	}
	lib_buf_release(&seven);
}

static void sign_submitted(struct commit_wait *w, struct lib_buf *msg)
{
	struct frankd_envelope *env = &w->env;
	char *field = NULL;
	struct lib_err err;
	int rc = frankd_dkim_sign_message(w->conf, env->sender, &env->headers, msg->data, msg->len,
					  &field, &err);
	if (field && body_is_8bit(msg)) { /* a key applies: sign the 7-bit form instead */
		free(field);
		field = NULL;
		make_7bit_for_signing(w, msg);
		if (w->rc < 0)
			return;
		rc = frankd_dkim_sign_message(w->conf, env->sender, &env->headers, msg->data,
					      msg->len, &field, &err);
	}
	if (rc < 0)
		frankd_log(FRANKD_LOG_ERROR, "%s: not signed: %s", frankd_queue_writer_id(w->writer),
			   err.msg);
	if (field)
		frankd_envelope_prepend_header(env, field);
	free(field);
}

static void commit_work(void *arg)
{
	struct commit_wait *w = arg;
	int check = w->inbound || (w->env.auth_user && w->conf->ndkim_keys);
	struct lib_buf msg = LIB_BUF_INIT;
	w->rc = 0;
	if (check && frankd_queue_writer_contents(w->writer, &msg, &w->err) < 0)
		w->rc = -1;
	else if (w->inbound)
		w->rc = verify_inbound(w, &msg);
	else if (check)
		sign_submitted(w, &msg);
	lib_buf_release(&msg);
	if (w->rc == 0 && !w->rejected)
		w->rc = frankd_queue_writer_commit(w->writer, &w->env, &w->err);
}

static void commit_logged(const struct smtp_session *s, const struct commit_wait *w)
{
	const struct frankd_envelope *env = &w->env;
	if (w->rc < 0)
		frankd_log(FRANKD_LOG_ERROR, "session %lu: queue: %s", s->conn.id, w->err.msg);
	else if (w->rejected)
		frankd_log(FRANKD_LOG_INFO, "session %lu: refused a message from <%s>: %s", s->conn.id,
			   env->sender, w->why);
	else
		frankd_log(FRANKD_LOG_INFO,
			   "session %lu: accepted %s from <%s> for %zu recipient%s, %zu bytes%s%s%s%s",
			   s->conn.id, env->id, env->sender, env->nrcpts, env->nrcpts == 1 ? "" : "s",
			   env->size, env->auth_user ? ", user " : "",
			   env->auth_user ? env->auth_user : "",
			   env->quarantine ? ", quarantined: " : "", env->quarantine ? w->why : "");
}

static void commit_done(void *arg)
{
	struct commit_wait *w = arg;
	struct smtp_session *s = w->s;
	frankd_queue_writer_free(w->writer); /* unlinks what was not committed */
	struct frankd_envelope *env = &w->env;
	commit_logged(s, w);
	if (w->rc == 0 && !w->rejected)
		frankd_runner_kick(s->conn.srv->runner, env->id);
	if (session_back(s, SMTP_STATE_READY) == 0) {
		if (w->rc < 0) {
			reply(s, "451 4.3.0 Error writing the message to the queue, try again later");
			too_many_errors(s);
		} else if (w->rejected) {
			reply(s, "550 5.7.1 Message refused: %s", w->why);
			too_many_errors(s);
		} else {
			s->messages++;
			reply(s, "250 2.0.0 Ok: queued as %s", env->id);
		}
		session_resume(s);
	}
	frankd_envelope_release(env);
	free(w);
}

/* The envelope of the message just read, moved out of the session. */
static void take_envelope(struct smtp_session *s, struct frankd_envelope *env, time_t now)
{
	added_headers(s, frankd_queue_writer_id(s->writer), now);
	*env = s->env;
	frankd_envelope_init(&s->env);
	env->created = (long long)now;
	env->sender = s->sender;
	s->sender = NULL;
	env->auth_user = s->auth_user ? lib_xstrdup(s->auth_user) : NULL;
	env->client = lib_xstrdup(s->conn.ip);
	env->helo = s->helo[0] ? lib_xstrdup(s->helo) : NULL;
	env->body_8bit = s->body_8bit;
	env->smtputf8 = s->smtputf8;
}

static void data_end(struct smtp_session *s)
{
	const struct frankd_conf *conf = s->conn.srv->conf;
	session_enter(s, SMTP_STATE_READY);
	if (frankd_data_reader_too_big(&s->data)) {
		reply(s, "552 5.3.4 Message too big for system (limit %zu bytes)",
		      conf->limits.message_size);
	} else if (s->data_failed) {
		reply(s, "451 4.3.0 Error writing the message to the queue, try again later");
	} else if (s->headers.received > conf->limits.hops) {
		frankd_log(FRANKD_LOG_INFO, "session %lu: refused a message with %u Received fields",
			   s->conn.id, s->headers.received);
		reply(s, "554 5.4.6 Too many hops (mail loop?)");
	} else {
		struct commit_wait *w = lib_xcalloc(1, sizeof *w);
		w->s = s;
		w->conf = conf;
		w->inbound = s->mode == FRANKD_MODE_SMTP && !s->auth_user;
		take_envelope(s, &w->env, time(NULL));
		w->writer = s->writer;
		s->writer = NULL;
		transaction_reset(s);
		session_wait(s, commit_work, commit_done, w);
		return;
	}
	transaction_reset(s);
	too_many_errors(s);
}

/* Streams what has come of the message through the reader into the queue. */
static void read_data(struct smtp_session *s, struct evbuffer *in)
{
	while (s->state == SMTP_STATE_DATA && evbuffer_get_length(in) > 0) {
		struct evbuffer_iovec v;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
			break;
		lib_buf_reset(&s->data_out);
		size_t used = frankd_data_reader_feed(&s->data, v.iov_base, v.iov_len, &s->data_out);
		evbuffer_drain(in, used);
		if (s->data_out.len && !s->data_failed && !frankd_data_reader_too_big(&s->data)) {
			struct lib_err err;
			frankd_header_scan_feed(&s->headers, s->data_out.data, s->data_out.len);
			if (frankd_queue_writer_write(s->writer, s->data_out.data, s->data_out.len,
						      &err) < 0) {
				frankd_log(FRANKD_LOG_ERROR, "session %lu: queue: %s", s->conn.id, err.msg);
				s->data_failed = 1;
			}
		}
		if (s->data.done)
			data_end(s); /* the session may wait for the queue now */
	}
	if (s->data_out.cap > 65536)
		lib_buf_release(&s->data_out);
}

/* --- the others -------------------------------------------------------------------- */

static void proceed_rset(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	transaction_reset(s);
	if (s->state != SMTP_STATE_CONNECTED)
		session_enter(s, SMTP_STATE_READY);
	reply(s, "250 2.0.0 Ok");
}

static void proceed_noop(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "250 2.0.0 Ok");
}

static void proceed_quit(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "221 2.0.0 Bye");
	session_close(s);
}

static void proceed_vrfy(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
}

static void proceed_expn(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "502 5.5.1 EXPN not available");
}

static void proceed_help(struct smtp_session *s, struct frankd_smtp_cmd *cmd)
{
	(void)cmd;
	reply(s, "214-2.0.0 frankd: commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY");
	reply(s, "214 2.0.0 HELP STARTTLS AUTH; see RFC 5321 and frankd(8)");
}

#define ANY_BUT_DATA (BIT(SMTP_STATE_CONNECTED) | IN_SESSION)

static const struct smtp_command commands[] = {
	{ FRANKD_SMTP_EHLO, ANY_BUT_DATA, NULL, NULL, proceed_ehlo },
	{ FRANKD_SMTP_HELO, ANY_BUT_DATA, NULL, NULL, proceed_ehlo },
	{ FRANKD_SMTP_STARTTLS, BIT(SMTP_STATE_READY), "503 5.5.1 Send EHLO first (and no mail "
		"transaction before STARTTLS)", check_starttls, proceed_starttls },
	{ FRANKD_SMTP_AUTH, BIT(SMTP_STATE_READY), "503 5.5.1 Send EHLO first (and no AUTH in "
		"a mail transaction)", check_auth, proceed_auth },
	{ FRANKD_SMTP_MAIL, BIT(SMTP_STATE_READY), "503 5.5.1 Send EHLO first (or a mail "
		"transaction is already open)", check_mail, proceed_mail },
	{ FRANKD_SMTP_RCPT, BIT(SMTP_STATE_MAIL) | BIT(SMTP_STATE_RCPT), "503 5.5.1 Need MAIL "
		"before RCPT", check_rcpt, proceed_rcpt },
	{ FRANKD_SMTP_DATA, BIT(SMTP_STATE_RCPT), NULL, NULL, proceed_data },
	{ FRANKD_SMTP_RSET, ANY_BUT_DATA, NULL, NULL, proceed_rset },
	{ FRANKD_SMTP_NOOP, ANY_BUT_DATA, NULL, NULL, proceed_noop },
	{ FRANKD_SMTP_QUIT, ANY_BUT_DATA, NULL, NULL, proceed_quit },
	{ FRANKD_SMTP_VRFY, ANY_BUT_DATA, NULL, NULL, proceed_vrfy },
	{ FRANKD_SMTP_EXPN, ANY_BUT_DATA, NULL, NULL, proceed_expn },
	{ FRANKD_SMTP_HELP, ANY_BUT_DATA, NULL, NULL, proceed_help },
};

static void command_out_of_sequence(struct smtp_session *s, const struct smtp_command *c)
{
	if (c->verb == FRANKD_SMTP_DATA)
		reply(s, s->state == SMTP_STATE_MAIL ? "554 5.5.1 No valid recipients"
						     : "503 5.5.1 Need MAIL and RCPT before DATA");
	else
		reply(s, "%s", c->out_of_sequence ? c->out_of_sequence : "503 5.5.1 Bad sequence");
}

/* Logs a command line, without what AUTH carries. */
static void log_command(const struct smtp_session *s, const char *line, size_t len)
{
	if (len >= 4 && strncasecmp(line, "AUTH", 4) == 0) {
		size_t mech = 5;
		while (mech < len && line[mech] != ' ')
			mech++;
		frankd_log(FRANKD_LOG_DEBUG, "session %lu: C: %.*s%s", s->conn.id, (int)(mech > len ? len : mech),
			   line, mech < len ? " <secret>" : "");
		return;
	}
	frankd_log(FRANKD_LOG_DEBUG, "session %lu: C: %.*s", s->conn.id, (int)(len > 512 ? 512 : len),
		   line);
}

static void command_line(struct smtp_session *s, const char *line, size_t len)
{
	if (s->state == SMTP_STATE_AUTH_PLAIN || s->state == SMTP_STATE_AUTH_USER ||
	    s->state == SMTP_STATE_AUTH_PASS) {
		auth_line(s, line, len);
		too_many_errors(s);
		return;
	}
	log_command(s, line, len);
	struct frankd_smtp_cmd cmd;
	const char *error;
	if (frankd_smtp_parse(line, len, &cmd, &error) < 0) {
		reply(s, "%s", error);
		too_many_errors(s);
		return;
	}
	const struct smtp_command *c = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !c; i++)
		if (commands[i].verb == cmd.verb)
			c = &commands[i];
	if (!c)
		reply(s, "500 5.5.2 Command unrecognized");
	else if (!(c->states & BIT(s->state)))
		command_out_of_sequence(s, c);
	else if (!c->check || c->check(s, &cmd) == 0)
		c->proceed(s, &cmd);
	if (s->state != SMTP_STATE_QUIT)
		too_many_errors(s);
}

/* --- I/O ---------------------------------------------------------------------------- */

static int in_auth(const struct smtp_session *s)
{
	return s->state == SMTP_STATE_AUTH_PLAIN || s->state == SMTP_STATE_AUTH_USER ||
	       s->state == SMTP_STATE_AUTH_PASS;
}

/* The next whole line from in, handled; 0 when more input is needed. */
static int read_line(struct smtp_session *s, struct evbuffer *in)
{
	size_t limit = s->conn.srv->conf->limits.line_length;
	/* AUTH responses may be long (RFC 4954 4); other lines get the limit
	 * below, once their verb is known. */
	size_t max = limit > FRANKD_SMTP_AUTH_MAX + 8 ? limit : FRANKD_SMTP_AUTH_MAX + 8;
	char *line = NULL;
	size_t len = 0;
	enum frankd_conn_line r = frankd_conn_read_line(&s->conn, in, max, &line, &len);
	if (r == FRANKD_CONN_LINE_MORE)
		return 0;
	if (r == FRANKD_CONN_LINE && (len <= limit || in_auth(s) ||
				      (len >= 5 && strncasecmp(line, "AUTH ", 5) == 0))) {
		struct bufferevent *before = s->conn.bev;
		command_line(s, line, len);
		lib_secure_zero(line, len);
		free(line);
		return s->conn.bev == before; /* STARTTLS put a new bufferevent on top */
	}
	if (line) {
		frankd_log(FRANKD_LOG_INFO, "session %lu: line too long from %s", s->conn.id,
			   s->conn.ip);
		lib_secure_zero(line, len);
		free(line);
	}
	reply(s, "500 5.5.2 Line too long (limit %zu)", limit);
	too_many_errors(s);
	return s->state != SMTP_STATE_QUIT;
}

static int session_read(struct frankd_conn *c, struct evbuffer *in)
{
	struct smtp_session *s = (struct smtp_session *)c;
	if (s->state != SMTP_STATE_DATA)
		return read_line(s, in);
	read_data(s, in);
	return 1;
}

static void session_timeout(struct frankd_conn *c)
{
	struct smtp_session *s = (struct smtp_session *)c;
	reply(s, "421 4.4.2 %s Timeout, closing connection", c->srv->conf->hostname);
	session_close(s);
}

static void session_shutdown(struct frankd_conn *c)
{
	struct smtp_session *s = (struct smtp_session *)c;
	reply(s, "421 4.3.2 %s Service shutting down", c->srv->conf->hostname);
	session_close(s);
}

static const struct frankd_conn_ops smtp_ops = {
	"session", session_read, session_timeout, session_shutdown, session_free,
};

void frankd_session_start(struct frankd_server *srv, int fd, const char *ip,
			  enum frankd_listen_mode mode)
{
	const struct frankd_conf *conf = srv->conf;
	struct smtp_session *s = lib_xcalloc(1, sizeof *s);
	s->mode = mode;
	int over = frankd_conn_open(&s->conn, &smtp_ops, srv, fd, ip, mode);
	if (over == 1) {
		reply(s, "421 4.3.2 %s Too many connections, try again later", conf->hostname);
		session_close(s);
	} else if (over == 2) {
		reply(s, "421 4.7.0 %s Too many connections from your address", conf->hostname);
		session_close(s);
	} else {
		reply(s, "220 %s ESMTP frankd", conf->hostname);
	}
}
