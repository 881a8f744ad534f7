/* pop3.c: a blocking POP3 client over src/net (RFC 1939, CAPA and STLS of
 * RFC 2449 and 2595): greeting, STLS, USER/PASS, LIST/UIDL, RETR, DELE,
 * QUIT.  Messages marked with DELE go only at QUIT, so a session that is
 * dropped deletes nothing. */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POP3_DEFAULT_MAX_MESSAGE (64u * 1024 * 1024)
#define POP3_MAX_CAPS 64

enum pop3_state { POP3_AUTHORIZATION, POP3_TRANSACTION, POP3_UPDATE };

struct pop3 {
	struct net_conn *conn;
	enum pop3_state state;
	char *host;
	size_t max_message;
	int allow_plaintext_loopback;
	char *caps[POP3_MAX_CAPS];
	size_t ncaps;
	struct lib_buf line;
};

static void set_state(struct pop3 *p, enum pop3_state s)
{
	static const char *const names[] = { "authorization", "transaction", "update" };
	if (p->state != s)
		lib_debug("pop3 %s: %s -> %s", p->host, names[p->state], names[s]);
	p->state = s;
}

/* Reads a status line: 0 on +OK, -1 with err set on -ERR or I/O. */
static int read_status(struct pop3 *p, const char *what, struct lib_err *err)
{
	if (net_conn_read_line(p->conn, &p->line, err) != NET_OK)
		return -1;
	const char *text;
	int ok = pop3_status(p->line.data, p->line.len, &text);
	if (ok == 1)
		return 0;
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(text, strlen(text), &clean);
	lib_err_set(err, "%s: %s %s: %s", p->host, what,
		    ok == 0 ? "refused" : "got a reply that is not POP3", clean.data ? clean.data : "");
	lib_buf_release(&clean);
	return -1;
}

static int command(struct pop3 *p, const char *what, struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int command(struct pop3 *p, const char *what, struct lib_err *err, const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	lib_buf_puts(&b, "\r\n");
	int st = net_conn_write(p->conn, b.data, b.len, err);
	lib_buf_release(&b);
	return st == NET_OK ? read_status(p, what, err) : -1;
}

/* The lines of a multi-line reply, unstuffed, each given to fn. */
static int read_multiline(struct pop3 *p, int (*fn)(void *, const char *, size_t, struct lib_err *),
			  void *ctx, struct lib_err *err)
{
	for (;;) {
		if (net_conn_read_line(p->conn, &p->line, err) != NET_OK)
			return -1;
		const char *data;
		size_t len;
		if (pop3_multiline(p->line.data, p->line.len, &data, &len) == 1)
			return 0;
		if (fn(ctx, data, len, err) < 0)
			return -1;
	}
}

static int add_cap(void *ctx, const char *line, size_t len, struct lib_err *err)
{
	struct pop3 *p = ctx;
	(void)err;
	if (p->ncaps < POP3_MAX_CAPS) {
		const char *sp = memchr(line, ' ', len);
		p->caps[p->ncaps++] = lib_xstrndup(line, sp ? (size_t)(sp - line) : len);
	}
	return 0;
}

static int ask_capa(struct pop3 *p, struct lib_err *err)
{
	for (size_t i = 0; i < p->ncaps; i++)
		free(p->caps[i]);
	p->ncaps = 0;
	struct lib_err capa_err;
	/* CAPA is optional (RFC 2449): a server without it has no STLS either. */
	if (command(p, "CAPA", &capa_err, "CAPA") < 0) {
		if (p->line.len && p->line.data[0] == '-')
			return 0;
		*err = capa_err;
		return -1;
	}
	return read_multiline(p, add_cap, p, err);
}

int pop3_has_cap(const struct pop3 *p, const char *cap)
{
	for (size_t i = 0; i < p->ncaps; i++)
		if (strcasecmp(p->caps[i], cap) == 0)
			return 1;
	return 0;
}

struct pop3 *pop3_connect(const struct pop3_opts *o, struct lib_err *err)
{
	struct pop3 *p = lib_xcalloc(1, sizeof *p);
	p->host = lib_xstrdup(o->host);
	p->max_message = o->max_message ? o->max_message : POP3_DEFAULT_MAX_MESSAGE;
	p->allow_plaintext_loopback = o->allow_plaintext_loopback;
	struct net_conn_opts co = { o->connect_timeout_ms, o->io_timeout_ms, 1024 * 1024,
				    o->trace_name ? o->trace_name : "pop3", NULL };
	const char *port = o->port ? o->port : o->implicit_tls ? "995" : "110";
	if (net_conn_connect(&p->conn, o->host, port, &co, err) != NET_OK)
		goto fail;
	if (o->implicit_tls && net_conn_start_tls(p->conn, o->host, &o->tls, err) != NET_OK)
		goto fail;
	if (read_status(p, "greeting", err) < 0 || ask_capa(p, err) < 0)
		goto fail;
	if (!o->implicit_tls) {
		if (!pop3_has_cap(p, "STLS")) {
			lib_err_set(err,
				    "%s: the server does not offer STLS, which frank requires (use "
				    "pops:// for TLS from the start)",
				    p->host);
			goto fail;
		}
		if (command(p, "STLS", err, "STLS") < 0 ||
		    net_conn_start_tls(p->conn, o->host, &o->tls, err) != NET_OK ||
		    ask_capa(p, err) < 0)
			goto fail;
	}
	return p;
fail:
	pop3_free(p);
	return NULL;
}

void pop3_free(struct pop3 *p)
{
	if (!p)
		return;
	net_conn_free(p->conn);
	for (size_t i = 0; i < p->ncaps; i++)
		free(p->caps[i]);
	lib_buf_release(&p->line);
	free(p->host);
	free(p);
}

int pop3_login(struct pop3 *p, const char *user, const char *password, struct lib_err *err)
{
	if (p->state != POP3_AUTHORIZATION)
		return lib_err_set(err, "%s: login in the wrong state", p->host);
	if (strpbrk(user, "\r\n") || strpbrk(password, "\r\n"))
		return lib_err_set(err, "%s: a user name or password with a line break", p->host);
	if (command(p, "USER", err, "USER %s", user) < 0)
		return -1;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "PASS %s\r\n", password);
	int st = net_conn_write_secret(p->conn, b.data, b.len, p->allow_plaintext_loopback, err);
	lib_secure_zero(b.data, b.len);
	lib_buf_release(&b);
	if (st != NET_OK)
		return -1;
	if (read_status(p, "login", err) < 0) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return lib_err_set(err, "login as %s failed: %s", user, why);
	}
	set_state(p, POP3_TRANSACTION);
	return 0;
}

struct list_ctx {
	struct pop3_entry *entries;
	size_t count, cap;
};

static int on_list_line(void *arg, const char *line, size_t len, struct lib_err *err)
{
	struct list_ctx *lc = arg;
	struct pop3_entry e = { 0, 0, "" };
	if (pop3_list_line(line, len, &e.msg, &e.size, err) < 0)
		return -1;
	if (lc->count == lc->cap) {
		lc->cap = lc->cap ? lc->cap * 2 : 64;
		lc->entries = lib_xrealloc(lc->entries, lc->cap * sizeof *lc->entries);
	}
	lc->entries[lc->count++] = e;
	return 0;
}

static int on_uidl_line(void *arg, const char *line, size_t len, struct lib_err *err)
{
	struct list_ctx *lc = arg;
	unsigned long msg;
	char uid[71];
	if (pop3_uidl_line(line, len, &msg, uid, err) < 0)
		return -1;
	for (size_t i = 0; i < lc->count; i++) /* in LIST order: usually the same index */
		if (lc->entries[(i + msg - 1) % lc->count].msg == msg) {
			memcpy(lc->entries[(i + msg - 1) % lc->count].uid, uid, sizeof uid);
			return 0;
		}
	return 0;
}

int pop3_list(struct pop3 *p, struct pop3_entry **entries, size_t *count, int *has_uidl,
	      struct lib_err *err)
{
	struct list_ctx lc = { NULL, 0, 0 };
	*has_uidl = 0;
	int rc = command(p, "LIST", err, "LIST");
	if (rc == 0)
		rc = read_multiline(p, on_list_line, &lc, err);
	if (rc == 0) {
		struct lib_err uidl_err;
		if (command(p, "UIDL", &uidl_err, "UIDL") == 0) {
			rc = read_multiline(p, on_uidl_line, &lc, err);
			*has_uidl = rc == 0;
		}
		/* -ERR: the server has no UIDL; the caller dedupes by content. */
	}
	if (rc < 0) {
		free(lc.entries);
		return -1;
	}
	*entries = lc.entries;
	*count = lc.count;
	return 0;
}

struct retr_ctx {
	struct lib_buf *out;
	size_t max;
	const char *host;
};

static int on_retr_line(void *arg, const char *line, size_t len, struct lib_err *err)
{
	struct retr_ctx *rc = arg;
	if (rc->out->len + len + 2 > rc->max)
		return lib_err_set(err, "%s: a message of more than %zu bytes", rc->host, rc->max);
	lib_buf_append(rc->out, line, len);
	lib_buf_append(rc->out, "\r\n", 2);
	return 0;
}

int pop3_retr(struct pop3 *p, unsigned long msg, struct lib_buf *out, struct lib_err *err)
{
	lib_buf_reset(out);
	lib_buf_puts(out, "");
	if (command(p, "RETR", err, "RETR %lu", msg) < 0)
		return -1;
	struct retr_ctx rc = { out, p->max_message, p->host };
	return read_multiline(p, on_retr_line, &rc, err);
}

int pop3_dele(struct pop3 *p, unsigned long msg, struct lib_err *err)
{
	return command(p, "DELE", err, "DELE %lu", msg);
}

int pop3_quit(struct pop3 *p, struct lib_err *err)
{
	set_state(p, POP3_UPDATE);
	return command(p, "QUIT", err, "QUIT");
}
