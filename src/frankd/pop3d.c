/* pop3d.c: one POP3 session (RFC 1939; CAPA and response codes RFC 2449;
 * STLS RFC 2595) over a local user's Maildir INBOX, in the shape of the
 * SMTP session: a state, a table of commands with the states they may
 * come in, one read callback.
 *
 * USER/PASS only under TLS (STLS on the pop3 port, pop3s from the first
 * byte) unless "plaintext_auth loopback" allows a client on 127.0.0.0/8
 * or ::1.  The password is checked like SMTP AUTH (app passwords, the
 * same rate limits, scrypt on a worker).  One POP3 session per user holds
 * the maildrop at a time ([IN-USE] for another).  DELE only marks: the
 * files go at QUIT, in the UPDATE state, never when the connection drops. */
#include "frankd_internal.h"

#include "net.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pop3_state {
	POP3_STATE_AUTHORIZATION, /* greeted: CAPA, STLS, USER, PASS, QUIT */
	POP3_STATE_TRANSACTION,   /* logged in, the maildrop held */
	POP3_STATE_WAIT,          /* the password check is on a worker */
	POP3_STATE_QUIT,          /* closing once the replies are out */
};

static const char *const state_names[] = { "authorization", "transaction", "wait", "quit" };

#define AUTHZ (1u << POP3_STATE_AUTHORIZATION)
#define TRANS (1u << POP3_STATE_TRANSACTION)
#define MESSAGE_MAX ((size_t)1 << 30) /* RETR reads a message whole */

struct pop3_session {
	struct frankd_conn conn; /* first: a conn is its session */
	enum pop3_state state;
	char user[FRANKD_POP3_LINE_MAX + 1]; /* USER, awaiting PASS ("" none) */
	char *auth_user;                      /* logged in as */
	struct frankd_maildrop *drop;
	unsigned errors;
	unsigned retrieved, deleted;
};

/* --- replies, states, closing ------------------------------------------------ */

static void reply(struct pop3_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reply(struct pop3_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (frankd_conn_vreply(&s->conn, fmt, ap) == '-')
		s->errors++;
	va_end(ap);
}

static void session_enter(struct pop3_session *s, enum pop3_state state)
{
	if (s->state != state)
		frankd_log(FRANKD_LOG_DEBUG, "pop3 %lu: %s -> %s", s->conn.id, state_names[s->state],
			   state_names[state]);
	s->state = state;
}

static void session_close(struct pop3_session *s)
{
	session_enter(s, POP3_STATE_QUIT);
	frankd_conn_close(&s->conn);
}

static void session_free(struct frankd_conn *c)
{
	struct pop3_session *s = (struct pop3_session *)c;
	frankd_log(FRANKD_LOG_INFO, "pop3 %lu: disconnect from %s (%u retrieved, %u deleted)",
		   c->id, c->ip, s->retrieved, s->deleted);
	frankd_maildrop_free(s->drop);
	free(s->auth_user);
	lib_secure_zero(s->user, sizeof s->user);
	free(s);
}

static int too_many_errors(struct pop3_session *s)
{
	if (s->errors < s->conn.srv->conf->limits.errors)
		return 0;
	frankd_log(FRANKD_LOG_INFO, "pop3 %lu: too many errors from %s", s->conn.id, s->conn.ip);
	reply(s, "-ERR [SYS/PERM] Too many errors, closing connection");
	session_close(s);
	return 1;
}

/* --- AUTHORIZATION ------------------------------------------------------------ */

static int is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

/* USER/PASS may go: under TLS, or from loopback when the option says so. */
static int plaintext_ok(const struct pop3_session *s)
{
	return s->conn.tls || (s->conn.srv->conf->plaintext_loopback && is_loopback(s->conn.ip));
}

static void do_capa(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	reply(s, "+OK Capability list follows");
	reply(s, "TOP");
	reply(s, "UIDL");
	reply(s, "RESP-CODES");
	reply(s, "AUTH-RESP-CODE");
	reply(s, "PIPELINING");
	if (s->state == POP3_STATE_AUTHORIZATION && plaintext_ok(s))
		reply(s, "USER");
	if (s->state == POP3_STATE_AUTHORIZATION && !s->conn.tls && s->conn.srv->tls)
		reply(s, "STLS");
	reply(s, "IMPLEMENTATION frankd");
	reply(s, ".");
}

static void do_stls(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	if (s->conn.tls || !s->conn.srv->tls || s->user[0]) {
		reply(s, "-ERR %s", s->conn.tls ? "TLS already active" : s->user[0] ? "STLS after USER"
										 : "TLS not available");
		return;
	}
	reply(s, "+OK Begin TLS negotiation");
	frankd_conn_starttls(&s->conn);
}

static int check_plaintext(struct pop3_session *s)
{
	if (plaintext_ok(s))
		return 0;
	reply(s, "-ERR [AUTH] Plaintext authentication disallowed: issue STLS first");
	return -1;
}

static void do_user(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	if (check_plaintext(s) < 0)
		return;
	snprintf(s->user, sizeof s->user, "%s", cmd->arg);
	reply(s, "+OK");
}

static struct pop3_session *holder_of(struct frankd_server *srv, const char *user)
{
	for (struct frankd_conn *c = srv->conns; c; c = c->next) {
		if (strcmp(c->ops->name, "pop3") != 0)
			continue;
		struct pop3_session *o = (struct pop3_session *)c;
		if (o->auth_user && strcmp(o->auth_user, user) == 0)
			return o;
	}
	return NULL;
}

/* The password was right: take the maildrop. */
static void login(struct pop3_session *s, const struct frankd_auth_outcome *o)
{
	const struct frankd_user *u = frankd_conf_user(s->conn.srv->conf, o->user);
	struct lib_err err;
	if (!u) {
		reply(s, "-ERR [SYS/TEMP] No such user any more");
		return;
	}
	if (holder_of(s->conn.srv, u->name)) {
		frankd_log(FRANKD_LOG_INFO, "pop3 %lu: user %s: maildrop in use", s->conn.id, u->name);
		reply(s, "-ERR [IN-USE] Mailbox locked by another POP3 session");
		return;
	}
	if (!(s->drop = frankd_maildrop_open(u->maildir, &err))) {
		frankd_log(FRANKD_LOG_ERROR, "pop3 %lu: user %s: %s", s->conn.id, u->name, err.msg);
		reply(s, "-ERR [SYS/TEMP] Cannot open the mailbox");
		return;
	}
	s->auth_user = lib_xstrdup(u->name);
	frankd_log(FRANKD_LOG_INFO, "pop3 %lu: user %s holds the maildrop (password %s, from %s): %zu messages",
		   s->conn.id, u->name, o->label, s->conn.ip, s->drop->count);
	session_enter(s, POP3_STATE_TRANSACTION);
	reply(s, "+OK Logged in: %zu messages (%zu octets)", s->drop->count, s->drop->total);
}

static void auth_done(struct frankd_conn *c, enum frankd_auth_result r,
		      const struct frankd_auth_outcome *o)
{
	struct pop3_session *s = (struct pop3_session *)c;
	session_enter(s, POP3_STATE_AUTHORIZATION);
	if (r == FRANKD_AUTH_OK)
		login(s, o);
	else if (r == FRANKD_AUTH_FAIL)
		reply(s, "-ERR [AUTH] Authentication failed");
	else if (r == FRANKD_AUTH_BLOCKED)
		reply(s, "-ERR [SYS/TEMP] Too many failed logins, try again later");
	else
		reply(s, "-ERR [SYS/TEMP] Temporary authentication failure");
	too_many_errors(s);
}

static void do_pass(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	if (check_plaintext(s) < 0)
		return;
	if (!s->user[0]) {
		reply(s, "-ERR USER first");
		return;
	}
	char user[sizeof s->user];
	snprintf(user, sizeof user, "%s", s->user);
	s->user[0] = '\0'; /* a failed PASS needs a new USER */
	session_enter(s, POP3_STATE_WAIT);
	frankd_conn_auth(&s->conn, user, cmd->arg, auth_done);
	lib_secure_zero(user, sizeof user);
}

/* --- TRANSACTION -------------------------------------------------------------- */

/* Message number n, not deleted: its entry, or NULL after replying. */
static struct frankd_maildrop_message *message(struct pop3_session *s, unsigned long n)
{
	if (n == 0 || n > s->drop->count) {
		reply(s, "-ERR No such message");
		return NULL;
	}
	struct frankd_maildrop_message *m = &s->drop->messages[n - 1];
	if (m->deleted) {
		reply(s, "-ERR Message %lu is deleted", n);
		return NULL;
	}
	return m;
}

static void do_stat(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	size_t count = 0, size = 0;
	for (size_t i = 0; i < s->drop->count; i++)
		if (!s->drop->messages[i].deleted) {
			count++;
			size += s->drop->messages[i].size;
		}
	reply(s, "+OK %zu %zu", count, size);
}

/* LIST and UIDL: one message, or every one not deleted. */
static void do_listing(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	int uidl = cmd->verb == FRANKD_POP3_UIDL;
	if (cmd->has_number) {
		struct frankd_maildrop_message *m = message(s, cmd->number);
		if (m && uidl)
			reply(s, "+OK %lu %s", cmd->number, m->uid);
		else if (m)
			reply(s, "+OK %lu %zu", cmd->number, m->size);
		return;
	}
	reply(s, "+OK %s", uidl ? "Unique ids follow" : "Scan listing follows");
	for (size_t i = 0; i < s->drop->count; i++) {
		const struct frankd_maildrop_message *m = &s->drop->messages[i];
		if (m->deleted)
			continue;
		if (uidl)
			reply(s, "%zu %s", i + 1, m->uid);
		else
			reply(s, "%zu %zu", i + 1, m->size);
	}
	reply(s, ".");
}

/* RETR and TOP. */
static void do_retr(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	struct frankd_maildrop_message *m = message(s, cmd->number);
	if (!m)
		return;
	char *data;
	size_t len;
	struct lib_err err;
	if (frankd_maildrop_read(s->drop, cmd->number - 1, MESSAGE_MAX, &data, &len, &err) < 0) {
		frankd_log(FRANKD_LOG_WARN, "pop3 %lu: user %s: %s", s->conn.id, s->auth_user, err.msg);
		reply(s, "-ERR [SYS/TEMP] Message %lu cannot be read", cmd->number);
		return;
	}
	int top = cmd->verb == FRANKD_POP3_TOP;
	struct lib_buf out = LIB_BUF_INIT;
	if (top)
		lib_buf_puts(&out, "+OK Top of message follows\r\n");
	else
		lib_buf_printf(&out, "+OK %zu octets\r\n", frankd_crlf_size(data, len));
	frankd_pop3_body(data, len, top ? &cmd->lines : NULL, &out);
	lib_buf_puts(&out, ".\r\n");
	bufferevent_write(s->conn.bev, out.data, out.len);
	frankd_log(FRANKD_LOG_DEBUG, "pop3 %lu: S: %s message %lu (%zu bytes)", s->conn.id,
		   top ? "top of" : "", cmd->number, out.len);
	lib_buf_release(&out);
	free(data);
	s->retrieved += !top;
}

static void do_dele(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	struct frankd_maildrop_message *m = message(s, cmd->number);
	if (!m)
		return;
	m->deleted = 1;
	reply(s, "+OK Message %lu deleted", cmd->number);
}

static void do_rset(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	for (size_t i = 0; i < s->drop->count; i++)
		s->drop->messages[i].deleted = 0;
	reply(s, "+OK Maildrop has %zu messages (%zu octets)", s->drop->count, s->drop->total);
}

static void do_noop(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	reply(s, "+OK");
}

/* QUIT: in TRANSACTION, the UPDATE state removes the deleted messages. */
static void do_quit(struct pop3_session *s, struct frankd_pop3_cmd *cmd)
{
	(void)cmd;
	if (s->state != POP3_STATE_TRANSACTION) {
		reply(s, "+OK Bye");
		session_close(s);
		return;
	}
	unsigned deleted = 0;
	for (size_t i = 0; i < s->drop->count; i++)
		deleted += (unsigned)s->drop->messages[i].deleted;
	struct lib_err err;
	if (frankd_maildrop_update(s->drop, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "pop3 %lu: user %s: %s", s->conn.id, s->auth_user, err.msg);
		reply(s, "-ERR [SYS/TEMP] Some deleted messages not removed");
	} else {
		s->deleted = deleted;
		reply(s, "+OK Bye: %u messages deleted", deleted);
	}
	session_close(s);
}

/* --- commands ---------------------------------------------------------------- */

struct pop3_command {
	enum frankd_pop3_verb verb;
	unsigned states;
	void (*run)(struct pop3_session *s, struct frankd_pop3_cmd *cmd);
};

static const struct pop3_command commands[] = {
	{ FRANKD_POP3_CAPA, AUTHZ | TRANS, do_capa }, { FRANKD_POP3_STLS, AUTHZ, do_stls },
	{ FRANKD_POP3_USER, AUTHZ, do_user },         { FRANKD_POP3_PASS, AUTHZ, do_pass },
	{ FRANKD_POP3_QUIT, AUTHZ | TRANS, do_quit }, { FRANKD_POP3_STAT, TRANS, do_stat },
	{ FRANKD_POP3_LIST, TRANS, do_listing },      { FRANKD_POP3_UIDL, TRANS, do_listing },
	{ FRANKD_POP3_RETR, TRANS, do_retr },         { FRANKD_POP3_TOP, TRANS, do_retr },
	{ FRANKD_POP3_DELE, TRANS, do_dele },         { FRANKD_POP3_RSET, TRANS, do_rset },
	{ FRANKD_POP3_NOOP, TRANS, do_noop },
};

static void command_line(struct pop3_session *s, const char *line, size_t len)
{
	struct frankd_pop3_cmd cmd;
	const char *error;
	int rc = frankd_pop3_parse(line, len, &cmd, &error);
	/* Never the password in the log. */
	if (rc == 0 && cmd.verb == FRANKD_POP3_PASS)
		frankd_log(FRANKD_LOG_DEBUG, "pop3 %lu: C: PASS ****", s->conn.id);
	else
		frankd_log(FRANKD_LOG_DEBUG, "pop3 %lu: C: %.*s", s->conn.id, (int)(len > 80 ? 80 : len),
			   line);
	if (rc < 0) {
		reply(s, "%s", error);
	} else {
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
			if (commands[i].verb != cmd.verb)
				continue;
			if (commands[i].states & (1u << s->state))
				commands[i].run(s, &cmd);
			else
				reply(s, "-ERR %s not valid in this state",
				      frankd_pop3_verb_str(cmd.verb));
			break;
		}
	}
	lib_secure_zero(&cmd, sizeof cmd);
	if (s->state != POP3_STATE_QUIT)
		too_many_errors(s);
}

/* --- reading ------------------------------------------------------------------- */

/* The next whole line from in, handled; 0 when more input is needed or
 * the bufferevent changed (STLS). */
static int read_line(struct pop3_session *s, struct evbuffer *in)
{
	char *line;
	size_t len;
	enum frankd_conn_line r =
		frankd_conn_read_line(&s->conn, in, FRANKD_POP3_LINE_MAX, &line, &len);
	if (r == FRANKD_CONN_LINE_MORE)
		return 0;
	if (r == FRANKD_CONN_LINE_TOO_LONG) {
		reply(s, "-ERR Line too long");
		too_many_errors(s);
		return s->state != POP3_STATE_QUIT;
	}
	struct bufferevent *before = s->conn.bev;
	command_line(s, line, len);
	lib_secure_zero(line, len);
	free(line);
	return s->conn.bev == before;
}

static int session_read(struct frankd_conn *c, struct evbuffer *in)
{
	return read_line((struct pop3_session *)c, in);
}

/* The timeout: no UPDATE, messages marked deleted stay (RFC 1939 3). */
static void session_timeout(struct frankd_conn *c)
{
	reply((struct pop3_session *)c, "-ERR [SYS/TEMP] Timeout, closing connection");
	session_close((struct pop3_session *)c);
}

static void session_shutdown(struct frankd_conn *c)
{
	reply((struct pop3_session *)c, "-ERR [SYS/TEMP] Server shutting down");
	session_close((struct pop3_session *)c);
}

static const struct frankd_conn_ops pop3_ops = {
	"pop3", session_read, session_timeout, session_shutdown, session_free,
};

void frankd_pop3_start(struct frankd_server *srv, int fd, const char *ip,
		       enum frankd_listen_mode mode)
{
	struct pop3_session *s = lib_xcalloc(1, sizeof *s);
	if (frankd_conn_open(&s->conn, &pop3_ops, srv, fd, ip, mode) != 0) {
		reply(s, "-ERR [SYS/TEMP] Too many connections, try again later");
		session_close(s);
	} else {
		reply(s, "+OK %s POP3 frankd ready", srv->conf->hostname);
	}
}
