/* smtp_client.c: the SMTP submission client (RFC 6409, 5321) on a
 * blocking net_conn: an explicit state, changed only by set_state(),
 * which logs each change; replies read through the pure parser. */
#include "proto.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum client_state {
	ST_CONNECTED, /* TCP (and implicit TLS) up, greeting not read */
	ST_GREETED,   /* 220 read */
	ST_HELLO,     /* EHLO (or HELO) answered 250 */
	ST_READY,     /* TLS as required, authenticated: messages may go */
	ST_ENVELOPE,  /* MAIL and RCPT sent */
	ST_DATA,      /* 354 read: the message is being written */
	ST_BROKEN,    /* the connection failed: only free() is left */
};

static const char *const state_names[] = {
	"connected", "greeted", "hello", "ready", "envelope", "data", "broken",
};

struct smtp_client {
	struct net_conn *conn;
	enum client_state state;
	struct smtp_caps caps;
	char *host;
	int tls_failed;  /* opportunistic: the STARTTLS handshake failed */
	int no_starttls; /* ...so this connection goes without */
	const struct smtp_opts *opts; /* valid during smtp_client_open() only */
};

static void set_state(struct smtp_client *c, enum client_state st)
{
	lib_debug("smtp %s: %s -> %s", c->host, state_names[c->state], state_names[st]);
	c->state = st;
}

const char *smtp_stage_str(enum smtp_stage stage)
{
	switch (stage) {
	case SMTP_STAGE_CHECK: return "not sent (checks before sending)";
	case SMTP_STAGE_MAIL: return "not sent (sender refused)";
	case SMTP_STAGE_RCPT: return "not sent (recipient refused)";
	case SMTP_STAGE_DATA: return "not sent (DATA refused)";
	case SMTP_STAGE_BODY: return "not sent (message refused)";
	case SMTP_STAGE_UNKNOWN: return "unknown (connection lost before the server confirmed)";
	case SMTP_STAGE_IO: return "not sent (connection lost)";
	case SMTP_STAGE_SENT: return "sent";
	}
	return "?";
}

/* --- replies ------------------------------------------------------------- */

/* Reads one whole reply into r (released first).  A broken connection or
 * a malformed reply leaves the client BROKEN. */
static int read_reply(struct smtp_client *c, struct smtp_reply *r, struct lib_err *err)
{
	smtp_reply_release(r);
	struct lib_buf line = LIB_BUF_INIT;
	int rc;
	do {
		if (net_conn_read_line(c->conn, &line, err) != NET_OK) {
			rc = -1;
			break;
		}
		struct lib_err perr;
		rc = smtp_reply_feed(r, line.data, line.len, &perr);
		if (rc < 0)
			lib_err_set(err, "%s: %s", c->host, perr.msg);
	} while (rc == 0);
	lib_buf_release(&line);
	if (rc < 0) {
		set_state(c, ST_BROKEN);
		return -1;
	}
	return 0;
}

/* "HOST: WHAT: 550 5.1.1 text" into err; returns -1. */
static int reply_error(struct smtp_client *c, const char *what, const struct smtp_reply *r,
		       struct lib_err *err)
{
	struct lib_buf text = LIB_BUF_INIT;
	smtp_reply_text(r, &text);
	lib_err_set(err, "%s: %s: %s", c->host, what, text.data);
	lib_buf_release(&text);
	return -1;
}

static int write_line(struct smtp_client *c, struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int write_line(struct smtp_client *c, struct lib_err *err, const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	lib_buf_append(&b, "\r\n", 2);
	int st = net_conn_write(c->conn, b.data, b.len, err);
	lib_buf_release(&b);
	if (st != NET_OK) {
		set_state(c, ST_BROKEN);
		return -1;
	}
	return 0;
}

/* Writes a command and reads its reply. */
static int command(struct smtp_client *c, struct smtp_reply *r, struct lib_err *err,
		   const char *cmd)
{
	if (write_line(c, err, "%s", cmd) < 0)
		return -1;
	return read_reply(c, r, err);
}

/* --- opening: greeting, EHLO, STARTTLS, AUTH ----------------------------- */

static int plaintext_allowed(const struct smtp_client *c)
{
	return c->opts->allow_plaintext_loopback && net_conn_peer_is_loopback(c->conn);
}

static int opportunistic(const struct smtp_client *c)
{
	return c->opts->starttls == SMTP_STARTTLS_OPPORTUNISTIC;
}

/* EHLO, or HELO where that is safe: no AUTH to do, and either TLS already
 * or a plaintext loopback the account allows (HELO offers no STARTTLS). */
static int hello(struct smtp_client *c, struct lib_err *err)
{
	const char *name = c->opts->helo_name ? c->opts->helo_name : "localhost";
	struct smtp_reply r = { 0 };
	char *cmd = lib_xasprintf("EHLO %s", name);
	int rc = command(c, &r, err, cmd);
	free(cmd);
	if (rc < 0)
		goto out;
	if (r.code == 250) {
		smtp_caps_parse(&r, &c->caps);
		set_state(c, ST_HELLO);
		goto out;
	}
	int may_helo = r.code >= 500 && !c->opts->password &&
		       (net_conn_is_tls(c->conn) || plaintext_allowed(c) || opportunistic(c));
	if (!may_helo) {
		rc = reply_error(c, r.code < 500 ? "EHLO refused"
				 : c->opts->password ? "EHLO refused (AUTH needs it, HELO has no AUTH)"
						     : "EHLO refused (STARTTLS needs it)",
				 &r, err);
		goto out;
	}
	cmd = lib_xasprintf("HELO %s", name);
	rc = command(c, &r, err, cmd);
	free(cmd);
	if (rc == 0 && r.code != 250)
		rc = reply_error(c, "HELO refused", &r, err);
	if (rc == 0) {
		memset(&c->caps, 0, sizeof c->caps);
		set_state(c, ST_HELLO);
	}
out:
	smtp_reply_release(&r);
	return rc;
}

/* RFC 3207: STARTTLS, then the handshake, then EHLO again (what was
 * learned before TLS is forgotten). */
static int starttls(struct smtp_client *c, struct lib_err *err)
{
	if (opportunistic(c) && (c->no_starttls || !(c->caps.ext & SMTP_EXT_STARTTLS))) {
		lib_debug("smtp %s: plaintext: STARTTLS %s (opportunistic TLS)", c->host,
			  c->no_starttls ? "failed on the last connection" : "is not offered");
		return 0;
	}
	if (!(c->caps.ext & SMTP_EXT_STARTTLS)) {
		if (plaintext_allowed(c)) {
			lib_debug("smtp %s: no STARTTLS; plaintext to loopback allowed", c->host);
			return 0;
		}
		return lib_err_set(err,
				   "%s: the server does not offer STARTTLS: refusing to go on "
				   "without TLS (no password was sent)",
				   c->host);
	}
	struct smtp_reply r = { 0 };
	int rc = command(c, &r, err, "STARTTLS");
	if (rc == 0 && r.code != 220 && opportunistic(c)) {
		lib_debug("smtp %s: plaintext: STARTTLS refused (opportunistic TLS)", c->host);
		smtp_reply_release(&r);
		return 0; /* RFC 3207 4.1: the client may go on without */
	}
	if (rc == 0 && r.code != 220)
		rc = reply_error(c, "STARTTLS refused", &r, err);
	smtp_reply_release(&r);
	if (rc < 0)
		return -1;
	int st = opportunistic(c) ? net_conn_start_tls_opportunistic(c->conn, c->opts->host, err)
				  : net_conn_start_tls(c->conn, c->opts->host, c->opts->tls, err);
	if (st != NET_OK) {
		c->tls_failed = opportunistic(c);
		set_state(c, ST_BROKEN);
		return -1;
	}
	memset(&c->caps, 0, sizeof c->caps);
	return hello(c, err);
}

static char *base64(const void *data, size_t len)
{
	char *out = lib_xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* Writes "PREFIX base64(data)\r\n" as a secret and wipes every copy. */
static int write_secret_b64(struct smtp_client *c, const char *prefix, const void *data,
			    size_t len, struct lib_err *err)
{
	char *b64 = base64(data, len);
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_printf(&line, "%s%s\r\n", prefix, b64);
	int st = net_conn_write_secret(c->conn, line.data, line.len,
				       c->opts->allow_plaintext_loopback, err);
	lib_secure_zero(b64, strlen(b64));
	lib_secure_zero(line.data, line.len);
	free(b64);
	lib_buf_release(&line);
	if (st == NET_ERR_USAGE)
		return -1;
	if (st != NET_OK) {
		set_state(c, ST_BROKEN);
		return -1;
	}
	return 0;
}

/* AUTH PLAIN with an initial response (RFC 4616, 4954): "\0user\0pass". */
static int auth_plain(struct smtp_client *c, struct smtp_reply *r, struct lib_err *err)
{
	size_t ulen = strlen(c->opts->user), plen = strlen(c->opts->password);
	size_t len = ulen + plen + 2;
	char *msg = lib_xmalloc(len);
	msg[0] = '\0';
	memcpy(msg + 1, c->opts->user, ulen);
	msg[1 + ulen] = '\0';
	memcpy(msg + 2 + ulen, c->opts->password, plen);
	int rc = write_secret_b64(c, "AUTH PLAIN ", msg, len, err);
	if (rc == 0)
		rc = read_reply(c, r, err);
	/* A server that ignores initial responses asks with an empty 334. */
	if (rc == 0 && r->code == 334 && (r->nlines == 0 || !r->lines[0][0])) {
		rc = write_secret_b64(c, "", msg, len, err);
		if (rc == 0)
			rc = read_reply(c, r, err);
	}
	lib_secure_zero(msg, len);
	free(msg);
	return rc;
}

/* AUTH LOGIN: the user name and the password, each after a 334. */
static int auth_login(struct smtp_client *c, struct smtp_reply *r, struct lib_err *err)
{
	static const char cmd[] = "AUTH LOGIN\r\n";
	/* Even the command goes as a secret: no AUTH byte crosses plaintext. */
	int st = net_conn_write_secret(c->conn, cmd, sizeof cmd - 1,
				       c->opts->allow_plaintext_loopback, err);
	if (st != NET_OK) {
		if (st != NET_ERR_USAGE)
			set_state(c, ST_BROKEN);
		return -1;
	}
	const char *answers[] = { c->opts->user, c->opts->password };
	for (size_t i = 0; i < 2; i++) {
		if (read_reply(c, r, err) < 0)
			return -1;
		if (r->code != 334)
			return 0; /* the caller reports the refusal */
		if (write_secret_b64(c, "", answers[i], strlen(answers[i]), err) < 0)
			return -1;
	}
	return read_reply(c, r, err);
}

static int authenticate(struct smtp_client *c, struct lib_err *err)
{
	if (!c->opts->user || !c->opts->password)
		return 0;
	if (!(c->caps.ext & SMTP_EXT_AUTH)) {
		lib_debug("smtp %s: the server offers no AUTH; sending unauthenticated", c->host);
		return 0;
	}
	if (!net_conn_is_tls(c->conn) && !plaintext_allowed(c))
		return lib_err_set(err, "%s: refusing to send a password without TLS", c->host);
	struct smtp_reply r = { 0 };
	int rc;
	const char *mech;
	if (c->caps.auth & SMTP_AUTH_PLAIN) {
		mech = "AUTH PLAIN";
		rc = auth_plain(c, &r, err);
	} else if (c->caps.auth & SMTP_AUTH_LOGIN) {
		mech = "AUTH LOGIN";
		rc = auth_login(c, &r, err);
	} else {
		return lib_err_set(err, "%s: no AUTH mechanism frank knows (offered: %s; frank "
					"has PLAIN and LOGIN)",
				   c->host, c->caps.auth_offered);
	}
	if (rc == 0 && r.code != 235) {
		char *what = lib_xasprintf("%s refused (user %s)", mech, c->opts->user);
		rc = reply_error(c, what, &r, err);
		free(what);
	}
	smtp_reply_release(&r);
	return rc;
}

static int open_session(struct smtp_client *c, struct lib_err *err)
{
	const struct smtp_opts *o = c->opts;
	struct net_conn_opts copts = o->conn;
	if (!copts.max_line)
		copts.max_line = SMTP_REPLY_MAX_LINE;
	char *trace = lib_xasprintf("smtp %s", o->host);
	copts.trace_name = trace;
	int st = net_conn_connect(&c->conn, o->host, o->port, &copts, err);
	free(trace);
	if (st != NET_OK)
		return -1;
	set_state(c, ST_CONNECTED);
	if (o->implicit_tls && net_conn_start_tls(c->conn, o->host, o->tls, err) != NET_OK)
		return -1;
	struct smtp_reply r = { 0 };
	int rc = read_reply(c, &r, err);
	if (rc == 0 && r.code != 220)
		rc = reply_error(c, "the server refused the connection", &r, err);
	smtp_reply_release(&r);
	if (rc < 0)
		return -1;
	set_state(c, ST_GREETED);
	if (hello(c, err) < 0)
		return -1;
	if (!net_conn_is_tls(c->conn) && starttls(c, err) < 0)
		return -1;
	if (authenticate(c, err) < 0)
		return -1;
	set_state(c, ST_READY);
	return 0;
}

int smtp_client_open(struct smtp_client **out, const struct smtp_opts *opts,
		     struct lib_err *err)
{
	*out = NULL;
	int needs_policy = opts->implicit_tls || opts->starttls == SMTP_STARTTLS_REQUIRED;
	if (!opts->host || !opts->port || (needs_policy && !opts->tls))
		return lib_err_set(err, "smtp: no host, port or TLS policy given");
	struct smtp_client *c = lib_xcalloc(1, sizeof *c);
	c->host = lib_xstrdup(opts->host);
	c->opts = opts;
	int rc = open_session(c, err);
	if (rc < 0 && c->tls_failed) {
		/* RFC 7435: a failed handshake does not stop opportunistic
		 * delivery; a new connection goes without STARTTLS. */
		lib_debug("smtp %s: %s; trying again without STARTTLS", c->host, err->msg);
		net_conn_free(c->conn);
		c->conn = NULL;
		c->state = ST_CONNECTED;
		c->no_starttls = 1;
		memset(&c->caps, 0, sizeof c->caps);
		rc = open_session(c, err);
	}
	c->opts = NULL;
	if (rc < 0) {
		smtp_client_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

const struct smtp_caps *smtp_client_caps(const struct smtp_client *c)
{
	return &c->caps;
}

int smtp_client_is_tls(const struct smtp_client *c)
{
	return net_conn_is_tls(c->conn);
}

/* --- sending -------------------------------------------------------------- */

void smtp_outcome_release(struct smtp_outcome *out)
{
	smtp_reply_release(&out->mail);
	for (size_t i = 0; i < out->nrcpts; i++) {
		free(out->rcpts[i].address);
		smtp_reply_release(&out->rcpts[i].reply);
	}
	free(out->rcpts);
	smtp_reply_release(&out->data);
	smtp_reply_release(&out->final);
	memset(out, 0, sizeof *out);
}

/* RFC 1870's message size: the octets with CRLF line ends, without the
 * dots added by stuffing and without the terminating ".CRLF". */
static size_t message_size(const struct lib_buf *wire)
{
	size_t stuffed = 0;
	for (size_t i = 0; i + 3 < wire->len; i++)
		if (wire->data[i] == '.' && (i == 0 || wire->data[i - 1] == '\n'))
			stuffed++;
	return wire->len - 3 - stuffed;
}

/* What MAIL FROM must say about the message, or -1 when the server cannot
 * take it: SIZE (RFC 1870), BODY=8BITMIME (RFC 6152), SMTPUTF8 (6531). */
static int envelope_params(struct smtp_client *c, const char *from, const char *const *rcpts,
			   size_t n, const char *msg, size_t len, size_t wire_len,
			   struct lib_buf *params, struct lib_err *err)
{
	if (n == 0)
		return lib_err_set(err, "no recipient");
	int utf8 = smtp_path_check(from, 1, err);
	if (utf8 < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int u = smtp_path_check(rcpts[i], 0, err);
		if (u < 0)
			return -1;
		utf8 |= u;
	}
	const struct smtp_caps *caps = &c->caps;
	if (caps->size_max && wire_len > caps->size_max)
		return lib_err_set(err, "%s: the message is %zu bytes; the server takes at most %llu",
				   c->host, wire_len, caps->size_max);
	if (caps->ext & SMTP_EXT_SIZE)
		lib_buf_printf(params, " SIZE=%zu", wire_len);
	if (smtp_data_is_8bit(msg, len)) {
		if (!(caps->ext & (SMTP_EXT_8BITMIME | SMTP_EXT_SMTPUTF8)))
			return lib_err_set(err, "%s: the message has 8-bit data and the server does "
						"not offer 8BITMIME",
					   c->host);
		lib_buf_puts(params, " BODY=8BITMIME");
	}
	if (utf8) {
		if (!(caps->ext & SMTP_EXT_SMTPUTF8))
			return lib_err_set(err, "%s: an address is not ASCII and the server does not "
						"offer SMTPUTF8",
					   c->host);
		lib_buf_puts(params, " SMTPUTF8");
	}
	return 0;
}

/* After a refusal: RSET, so the session can send the next message. */
static void reset(struct smtp_client *c)
{
	struct smtp_reply r = { 0 };
	struct lib_err ignored;
	if (command(c, &r, &ignored, "RSET") == 0)
		set_state(c, ST_READY);
	smtp_reply_release(&r);
}

/* MAIL and every RCPT: in one write under PIPELINING (RFC 2920 3.1: DATA
 * is left out of the batch, so that a refused recipient can still stop
 * the message), else one command at a time.  Every reply is kept. */
static int send_envelope(struct smtp_client *c, const char *mail_cmd, struct smtp_outcome *out,
			 struct lib_err *err)
{
	int pipelining = (c->caps.ext & SMTP_EXT_PIPELINING) != 0;
	if (pipelining) {
		struct lib_buf batch = LIB_BUF_INIT;
		lib_buf_printf(&batch, "%s\r\n", mail_cmd);
		for (size_t i = 0; i < out->nrcpts; i++)
			lib_buf_printf(&batch, "RCPT TO:<%s>\r\n", out->rcpts[i].address);
		int st = net_conn_write(c->conn, batch.data, batch.len, err);
		lib_buf_release(&batch);
		if (st != NET_OK) {
			set_state(c, ST_BROKEN);
			return -1;
		}
	} else if (write_line(c, err, "%s", mail_cmd) < 0) {
		return -1;
	}
	set_state(c, ST_ENVELOPE);
	if (read_reply(c, &out->mail, err) < 0)
		return -1;
	if (!pipelining && out->mail.code / 100 != 2)
		return 0;
	for (size_t i = 0; i < out->nrcpts; i++) {
		if (!pipelining && write_line(c, err, "RCPT TO:<%s>", out->rcpts[i].address) < 0)
			return -1;
		if (read_reply(c, &out->rcpts[i].reply, err) < 0)
			return -1;
	}
	return 0;
}

/* err for the refused recipients, each with the server's words. */
static int rcpt_error(struct smtp_client *c, const struct smtp_outcome *out, struct lib_err *err)
{
	struct lib_buf b = LIB_BUF_INIT;
	size_t refused = 0;
	for (size_t i = 0; i < out->nrcpts; i++) {
		const struct smtp_reply *r = &out->rcpts[i].reply;
		if (r->code / 100 == 2)
			continue;
		lib_buf_printf(&b, "%sRCPT TO:<%s>: ", refused++ ? "; " : "", out->rcpts[i].address);
		smtp_reply_text(r, &b);
	}
	lib_err_set(err, "%s: %zu of %zu recipients refused, so the message went to none: %s",
		    c->host, refused, out->nrcpts, b.data);
	lib_buf_release(&b);
	return -1;
}

/* DATA, the message, and the reply to its final dot. */
static int send_data(struct smtp_client *c, const struct lib_buf *wire, struct smtp_outcome *out,
		     struct lib_err *err)
{
	out->stage = SMTP_STAGE_IO;
	if (command(c, &out->data, err, "DATA") < 0)
		return -1;
	if (out->data.code != 354) {
		out->stage = SMTP_STAGE_DATA;
		reply_error(c, "DATA refused", &out->data, err);
		reset(c);
		return -1;
	}
	set_state(c, ST_DATA);
	if (net_conn_write(c->conn, wire->data, wire->len, err) != NET_OK) {
		set_state(c, ST_BROKEN);
		return -1;
	}
	if (read_reply(c, &out->final, err) < 0) {
		out->stage = SMTP_STAGE_UNKNOWN;
		struct lib_err why = *err;
		lib_err_set(err, "%s: the connection broke after the message was sent and before "
				 "the server confirmed it (%s): it may or may not have been delivered",
			    c->host, why.msg);
		return -1;
	}
	set_state(c, ST_READY);
	if (out->final.code / 100 != 2) {
		out->stage = SMTP_STAGE_BODY;
		return reply_error(c, "message refused", &out->final, err);
	}
	out->stage = SMTP_STAGE_SENT;
	return 0;
}

/* One mail transaction.  each: the message goes to the recipients that
 * were accepted (a relay); else any refusal stops it (submission). */
static int transaction(struct smtp_client *c, const char *from, const char *const *rcpts,
		       size_t n, const char *msg, size_t len, struct smtp_outcome *out, int each,
		       struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	out->stage = SMTP_STAGE_CHECK;
	if (c->state != ST_READY)
		return lib_err_set(err, "%s: the SMTP session is not ready (%s)", c->host,
				   state_names[c->state]);
	struct lib_buf wire = LIB_BUF_INIT, params = LIB_BUF_INIT;
	smtp_data_encode(msg, len, &wire);
	int rc = envelope_params(c, from, rcpts, n, msg, len, message_size(&wire), &params, err);
	if (rc < 0)
		goto out;
	out->rcpts = lib_xcalloc(n, sizeof *out->rcpts);
	out->nrcpts = n;
	for (size_t i = 0; i < n; i++)
		out->rcpts[i].address = lib_xstrdup(rcpts[i]);
	char *mail_cmd = lib_xasprintf("MAIL FROM:<%s>%s", from, params.data ? params.data : "");
	out->stage = SMTP_STAGE_IO;
	rc = send_envelope(c, mail_cmd, out, err);
	free(mail_cmd);
	if (rc < 0)
		goto out;
	rc = -1;
	if (out->mail.code / 100 != 2) {
		out->stage = SMTP_STAGE_MAIL;
		char *what = lib_xasprintf("MAIL FROM:<%s> refused", from);
		reply_error(c, what, &out->mail, err);
		free(what);
		reset(c);
		goto out;
	}
	size_t accepted = 0;
	for (size_t i = 0; i < n; i++)
		accepted += out->rcpts[i].reply.code / 100 == 2;
	if (each ? accepted == 0 : accepted < n) {
		out->stage = SMTP_STAGE_RCPT;
		rcpt_error(c, out, err);
		reset(c);
		goto out;
	}
	rc = send_data(c, &wire, out, err);
out:
	lib_buf_release(&wire);
	lib_buf_release(&params);
	return rc;
}

int smtp_client_send(struct smtp_client *c, const char *from, const char *const *rcpts,
		     size_t n, const char *msg, size_t len, struct smtp_outcome *out,
		     struct lib_err *err)
{
	return transaction(c, from, rcpts, n, msg, len, out, 0, err);
}

int smtp_client_relay(struct smtp_client *c, const char *from, const char *const *rcpts,
		      size_t n, const char *msg, size_t len, struct smtp_outcome *out,
		      struct lib_err *err)
{
	return transaction(c, from, rcpts, n, msg, len, out, 1, err);
}

void smtp_client_free(struct smtp_client *c)
{
	if (!c)
		return;
	if (c->conn && c->state != ST_BROKEN && c->state != ST_DATA) {
		struct smtp_reply r = { 0 };
		struct lib_err ignored;
		command(c, &r, &ignored, "QUIT");
		smtp_reply_release(&r);
	}
	net_conn_free(c->conn);
	free(c->host);
	free(c);
}
