/* imap.c: a blocking IMAP4rev1 client over src/net: greeting, STARTTLS,
 * capabilities, login, tagged commands with pipelining, SELECT with
 * CONDSTORE/QRESYNC, LIST, IDLE.  Responses are read whole (literals
 * inline, each bounded by max_literal) and parsed by imap_parse.c. */
#include "proto.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMAP_DEFAULT_MAX_LITERAL (64u * 1024 * 1024)
#define IMAP_MAX_CAPS 128

enum imap_state {
	IMAP_STATE_GREETING,
	IMAP_STATE_NOT_AUTH,
	IMAP_STATE_AUTH,
	IMAP_STATE_SELECTED,
	IMAP_STATE_IDLE,
	IMAP_STATE_LOGOUT,
};

struct imap {
	struct net_conn *conn;
	enum imap_state state;
	char *host;
	size_t max_literal;
	int allow_plaintext_loopback;
	char *caps[IMAP_MAX_CAPS];
	size_t ncaps;
	long next_tag;
	long idle_tag;
	int enabled; /* 2 QRESYNC, 1 CONDSTORE */
	imap_handler handler;
	void *handler_ctx;
	struct imap_mailbox mbox;
	struct lib_buf raw; /* the response being read */
	/* Tagged replies that came before the one waited for: servers answer
	 * a pipelined command they cannot parse (BAD) at once, out of order. */
	struct early_reply {
		long tag;
		int ok;
		char text[200];
	} early[16];
	size_t nearly;
};

static const char *state_name(enum imap_state s)
{
	static const char *const names[] = { "greeting", "not authenticated", "authenticated",
					     "selected", "idle", "logout" };
	return names[s];
}

/* Every state change goes through here, so the debug log tells the story. */
static void set_state(struct imap *imap, enum imap_state s)
{
	if (imap->state != s)
		lib_debug("imap %s: %s -> %s", imap->host, state_name(imap->state), state_name(s));
	imap->state = s;
}

/* --- reading responses ------------------------------------------------- */

/* One whole response: a line, and for each literal it announces the bytes
 * and the line that continues it. */
static int read_response(struct imap *imap, struct imap_response *r, struct lib_err *err)
{
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_reset(&imap->raw);
	int rc = 0;
	for (;;) {
		if (net_conn_read_line(imap->conn, &line, err) != NET_OK) {
			rc = -1;
			break;
		}
		lib_buf_append(&imap->raw, line.data, line.len);
		unsigned long long n = 0;
		int lit = imap_line_literal(line.data, line.len, &n);
		if (lit == 0)
			break;
		if (lit < 0 || n > imap->max_literal) {
			/* Refused before a byte of it is read or allocated. */
			rc = lib_err_set(err,
					 "%s: the server announced a literal of %s%llu bytes, more "
					 "than the limit of %zu",
					 imap->host, lit < 0 ? "over " : "", lit < 0 ? ~0ull : n,
					 imap->max_literal);
			break;
		}
		if (imap->raw.len + n > imap->max_literal * 2 + 65536) {
			rc = lib_err_set(err, "%s: a response of more than %zu bytes", imap->host,
					 imap->max_literal * 2 + 65536);
			break;
		}
		lib_buf_append(&imap->raw, "\r\n", 2);
		if (net_conn_read_exact(imap->conn, (size_t)n, &imap->raw, err) != NET_OK) {
			rc = -1;
			break;
		}
	}
	lib_buf_release(&line);
	if (rc == 0 && imap_response_parse(imap->raw.data, imap->raw.len, r, err) < 0) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		rc = lib_err_set(err, "%s: %s", imap->host, why);
	}
	if (imap->raw.cap > 1024 * 1024)
		lib_buf_release(&imap->raw); /* do not keep a big message's buffer */
	return rc;
}

static void set_caps(struct imap *imap, const struct imap_value *items, size_t count)
{
	for (size_t i = 0; i < imap->ncaps; i++)
		free(imap->caps[i]);
	imap->ncaps = 0;
	for (size_t i = 0; i < count && imap->ncaps < IMAP_MAX_CAPS; i++) {
		if (items[i].type != IMAP_ATOM)
			continue;
		char *c = lib_xstrndup(items[i].s, items[i].len);
		for (char *p = c; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p -= 32;
		imap->caps[imap->ncaps++] = c;
	}
}

int imap_has_cap(const struct imap *imap, const char *cap)
{
	for (size_t i = 0; i < imap->ncaps; i++)
		if (strcasecmp(imap->caps[i], cap) == 0)
			return 1;
	return 0;
}

/* What every response may change, whoever asked: capabilities, the
 * mailbox's counters. */
static void track(struct imap *imap, const struct imap_response *r)
{
	unsigned long long n;
	if (imap_code_is(r, "CAPABILITY"))
		set_caps(imap, r->code.items + 1, r->code.count - 1);
	if (r->kind != IMAP_KIND_UNTAGGED)
		return;
	if (strcmp(r->name, "CAPABILITY") == 0)
		set_caps(imap, r->args.items, r->args.count);
	if (imap_code_number(r, "UIDVALIDITY", &n) == 0)
		imap->mbox.uidvalidity = (unsigned long)n;
	if (imap_code_number(r, "UIDNEXT", &n) == 0)
		imap->mbox.uidnext = (unsigned long)n;
	if (imap_code_number(r, "HIGHESTMODSEQ", &n) == 0)
		imap->mbox.highestmodseq = n;
	if (imap_code_is(r, "NOMODSEQ"))
		imap->mbox.highestmodseq = 0;
	if (r->has_number && strcmp(r->name, "EXISTS") == 0) {
		imap->mbox.exists = r->number;
		imap->mbox.changed = 1;
	}
	if (r->has_number && strcmp(r->name, "EXPUNGE") == 0) {
		if (imap->mbox.exists)
			imap->mbox.exists--;
		imap->mbox.changed = 1;
	}
	if (strcmp(r->name, "VANISHED") == 0 || strcmp(r->name, "FETCH") == 0)
		imap->mbox.changed = 1;
}

/* Reads one response and handles what is common to all: tracking, BYE,
 * the handler for untagged responses. */
static int next_response(struct imap *imap, struct imap_response *r, struct lib_err *err)
{
	if (read_response(imap, r, err) < 0)
		return -1;
	track(imap, r);
	if (r->kind == IMAP_KIND_UNTAGGED && r->cond == IMAP_COND_BYE &&
	    imap->state != IMAP_STATE_LOGOUT) {
		lib_err_set(err, "%s: the server closed the session: %s", imap->host, r->text);
		imap_response_release(r);
		set_state(imap, IMAP_STATE_LOGOUT);
		return -1;
	}
	if (r->kind == IMAP_KIND_UNTAGGED && imap->handler &&
	    imap->handler(imap->handler_ctx, r, err) < 0) {
		imap_response_release(r);
		return -1;
	}
	return 0;
}

/* --- commands ----------------------------------------------------------- */

void imap_set_handler(struct imap *imap, imap_handler fn, void *ctx)
{
	imap->handler = fn;
	imap->handler_ctx = ctx;
}

const struct imap_mailbox *imap_mailbox(const struct imap *imap)
{
	return &imap->mbox;
}

static long imap_vsend(struct imap *imap, struct lib_err *err, const char *fmt, va_list ap)
{
	if (imap->state == IMAP_STATE_LOGOUT)
		return lib_err_set(err, "%s: the session is closed", imap->host);
	long tag = ++imap->next_tag;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "f%ld ", tag);
	lib_buf_vprintf(&b, fmt, ap);
	lib_buf_puts(&b, "\r\n");
	int st = net_conn_write(imap->conn, b.data, b.len, err);
	lib_buf_release(&b);
	return st == NET_OK ? tag : -1;
}

long imap_send(struct imap *imap, struct lib_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	long tag = imap_vsend(imap, err, fmt, ap);
	va_end(ap);
	return tag;
}

/* A reply for another tag than the awaited one, kept for its wait. */
static void keep_early(struct imap *imap, const struct imap_response *r)
{
	long tag = strtol(r->tag + 1, NULL, 10);
	if (r->tag[0] != 'f' || tag <= 0 || tag > imap->next_tag)
		return;
	if (imap->nearly == sizeof imap->early / sizeof imap->early[0])
		memmove(imap->early, imap->early + 1, --imap->nearly * sizeof imap->early[0]);
	struct early_reply *e = &imap->early[imap->nearly++];
	e->tag = tag;
	e->ok = r->cond == IMAP_COND_OK;
	snprintf(e->text, sizeof e->text, "%s %s", r->name, r->text);
}

/* 1 (OK), 0 (failed, err set) for a reply that came early; -1: none. */
static int take_early(struct imap *imap, long tag, struct lib_err *err)
{
	for (size_t i = 0; i < imap->nearly; i++) {
		if (imap->early[i].tag != tag)
			continue;
		int ok = imap->early[i].ok;
		if (!ok)
			lib_err_set(err, "%s: the server said %s", imap->host, imap->early[i].text);
		memmove(&imap->early[i], &imap->early[i + 1],
			(--imap->nearly - i) * sizeof imap->early[0]);
		return ok;
	}
	return -1;
}

/* Reads until the tagged reply for tag; fills *last with it when asked. */
static int wait_tagged(struct imap *imap, long tag, struct imap_response *last,
		       struct lib_err *err)
{
	char want[IMAP_TAG_MAX];
	snprintf(want, sizeof want, "f%ld", tag);
	int early = last ? -1 : take_early(imap, tag, err);
	if (early >= 0)
		return early ? 0 : -1;
	for (;;) {
		struct imap_response r;
		if (next_response(imap, &r, err) < 0)
			return -1;
		if (r.kind == IMAP_KIND_CONTINUE) {
			imap_response_release(&r);
			return lib_err_set(err, "%s: unexpected continuation request", imap->host);
		}
		if (r.kind != IMAP_KIND_TAGGED) {
			imap_response_release(&r);
			continue;
		}
		if (strcmp(r.tag, want) != 0) {
			/* Another pipelined command's reply: kept for its wait. */
			keep_early(imap, &r);
			imap_response_release(&r);
			continue;
		}
		int rc = 0;
		if (r.cond != IMAP_COND_OK)
			rc = lib_err_set(err, "%s: the server said %s: %s", imap->host, r.name,
					 r.text);
		if (last && rc == 0)
			*last = r;
		else
			imap_response_release(&r);
		return rc;
	}
}

int imap_wait(struct imap *imap, long tag, struct lib_err *err)
{
	return wait_tagged(imap, tag, NULL, err);
}

int imap_command(struct imap *imap, struct lib_err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	long tag = imap_vsend(imap, err, fmt, ap);
	va_end(ap);
	return tag < 0 ? -1 : imap_wait(imap, tag, err);
}

void imap_quote(const char *s, struct lib_buf *out)
{
	lib_buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			lib_buf_putc(out, '\\');
		if (*s != '\r' && *s != '\n')
			lib_buf_putc(out, *s);
	}
	lib_buf_putc(out, '"');
}

/* --- connecting ----------------------------------------------------------- */

static int greeting(struct imap *imap, struct lib_err *err)
{
	struct imap_response r;
	if (read_response(imap, &r, err) < 0)
		return -1;
	track(imap, &r);
	int rc = 0;
	if (r.kind != IMAP_KIND_UNTAGGED ||
	    (r.cond != IMAP_COND_OK && r.cond != IMAP_COND_PREAUTH))
		rc = lib_err_set(err, "%s: the server refused the session: %s %s", imap->host,
				 r.name, r.text);
	else
		set_state(imap, r.cond == IMAP_COND_PREAUTH ? IMAP_STATE_AUTH : IMAP_STATE_NOT_AUTH);
	imap_response_release(&r);
	return rc;
}

static int ask_capabilities(struct imap *imap, struct lib_err *err)
{
	return imap_command(imap, err, "CAPABILITY");
}

static int starttls(struct imap *imap, const struct imap_opts *o, struct lib_err *err)
{
	if (!imap_has_cap(imap, "STARTTLS"))
		return lib_err_set(err,
				   "%s: the server does not offer STARTTLS, which frank requires "
				   "(use imaps:// for TLS from the start)",
				   imap->host);
	if (imap_command(imap, err, "STARTTLS") < 0)
		return -1;
	if (net_conn_start_tls(imap->conn, o->host, &o->tls, err) != NET_OK)
		return -1;
	/* Capabilities from before TLS may have been forged: ask again. */
	return ask_capabilities(imap, err);
}

struct imap *imap_connect(const struct imap_opts *o, struct lib_err *err)
{
	struct imap *imap = lib_xcalloc(1, sizeof *imap);
	imap->host = lib_xstrdup(o->host);
	imap->max_literal = o->max_literal ? o->max_literal : IMAP_DEFAULT_MAX_LITERAL;
	imap->allow_plaintext_loopback = o->allow_plaintext_loopback;
	/* Lines can be long: a SEARCH of 50,000 UIDs, a long LIST. */
	struct net_conn_opts co = { o->connect_timeout_ms, o->io_timeout_ms, 4 * 1024 * 1024,
				    o->trace_name ? o->trace_name : "imap", NULL };
	const char *port = o->port ? o->port : o->implicit_tls ? "993" : "143";
	if (net_conn_connect(&imap->conn, o->host, port, &co, err) != NET_OK)
		goto fail;
	if (o->implicit_tls && net_conn_start_tls(imap->conn, o->host, &o->tls, err) != NET_OK)
		goto fail;
	if (greeting(imap, err) < 0)
		goto fail;
	/* A greeting without capabilities, or before STARTTLS: ask. */
	if ((imap->ncaps == 0 || !o->implicit_tls) && ask_capabilities(imap, err) < 0)
		goto fail;
	if (!o->implicit_tls && starttls(imap, o, err) < 0)
		goto fail;
	if (!imap_has_cap(imap, "IMAP4REV1") && !imap_has_cap(imap, "IMAP4REV2")) {
		lib_err_set(err, "%s: not an IMAP4rev1 server", imap->host);
		goto fail;
	}
	return imap;
fail:
	imap->state = IMAP_STATE_LOGOUT; /* no LOGOUT on a failed start */
	imap_free(imap);
	return NULL;
}

void imap_free(struct imap *imap)
{
	if (!imap)
		return;
	if (imap->conn && imap->state != IMAP_STATE_LOGOUT && imap->state != IMAP_STATE_IDLE) {
		struct lib_err ignored;
		imap->handler = NULL;
		long tag = imap_send(imap, &ignored, "LOGOUT");
		set_state(imap, IMAP_STATE_LOGOUT);
		if (tag > 0)
			wait_tagged(imap, tag, NULL, &ignored);
	}
	net_conn_free(imap->conn);
	for (size_t i = 0; i < imap->ncaps; i++)
		free(imap->caps[i]);
	lib_buf_release(&imap->raw);
	free(imap->host);
	free(imap);
}

/* --- login --------------------------------------------------------------- */

/* "\0user\0password" in base64 (RFC 4616), wiped by the caller. */
static char *sasl_plain(const char *user, const char *password)
{
	size_t ul = strlen(user), pl = strlen(password), n = ul + pl + 2;
	unsigned char *raw = lib_xmalloc(n);
	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, password, pl);
	char *b64 = lib_xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, raw, (int)n);
	lib_secure_zero(raw, n);
	free(raw);
	return b64;
}

static int send_secret_line(struct imap *imap, struct lib_buf *line, struct lib_err *err)
{
	int st = net_conn_write_secret(imap->conn, line->data, line->len,
				       imap->allow_plaintext_loopback, err);
	lib_secure_zero(line->data, line->len);
	lib_buf_release(line);
	return st == NET_OK ? 0 : -1;
}

static int login_plain(struct imap *imap, const char *user, const char *password,
		       struct lib_err *err)
{
	char *b64 = sasl_plain(user, password);
	struct lib_buf line = LIB_BUF_INIT;
	long tag = ++imap->next_tag;
	int rc;
	if (imap_has_cap(imap, "SASL-IR")) {
		lib_buf_printf(&line, "f%ld AUTHENTICATE PLAIN %s\r\n", tag, b64);
		rc = send_secret_line(imap, &line, err);
	} else {
		rc = net_conn_printf(imap->conn, err, "f%ld AUTHENTICATE PLAIN\r\n", tag) == NET_OK
			     ? 0
			     : -1;
		struct imap_response r;
		if (rc == 0 && (rc = read_response(imap, &r, err)) == 0) {
			if (r.kind != IMAP_KIND_CONTINUE)
				rc = lib_err_set(err, "%s: AUTHENTICATE PLAIN refused: %s", imap->host,
						 r.text);
			imap_response_release(&r);
		}
		if (rc == 0) {
			lib_buf_printf(&line, "%s\r\n", b64);
			rc = send_secret_line(imap, &line, err);
		}
	}
	lib_secure_zero(b64, strlen(b64));
	free(b64);
	return rc < 0 ? -1 : wait_tagged(imap, tag, NULL, err);
}

static int login_command(struct imap *imap, const char *user, const char *password,
			 struct lib_err *err)
{
	if (strpbrk(password, "\r\n") || strpbrk(user, "\r\n"))
		return lib_err_set(err, "%s: a user name or password with a line break", imap->host);
	struct lib_buf line = LIB_BUF_INIT;
	long tag = ++imap->next_tag;
	lib_buf_printf(&line, "f%ld LOGIN ", tag);
	imap_quote(user, &line);
	lib_buf_putc(&line, ' ');
	imap_quote(password, &line);
	lib_buf_puts(&line, "\r\n");
	if (send_secret_line(imap, &line, err) < 0)
		return -1;
	return wait_tagged(imap, tag, NULL, err);
}

int imap_login(struct imap *imap, const char *user, const char *password, struct lib_err *err)
{
	if (imap->state == IMAP_STATE_AUTH)
		return 0; /* PREAUTH */
	if (imap->state != IMAP_STATE_NOT_AUTH)
		return lib_err_set(err, "%s: login in the wrong state", imap->host);
	size_t caps_before = imap->ncaps;
	int rc;
	if (imap_has_cap(imap, "AUTH=PLAIN"))
		rc = login_plain(imap, user, password, err);
	else if (imap_has_cap(imap, "LOGINDISABLED"))
		return lib_err_set(err, "%s: the server allows neither LOGIN nor AUTH=PLAIN",
				   imap->host);
	else
		rc = login_command(imap, user, password, err);
	if (rc < 0) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return lib_err_set(err, "login as %s failed: %s", user, why);
	}
	set_state(imap, IMAP_STATE_AUTH);
	/* Capabilities change after login; many servers send them in the OK. */
	if (imap->ncaps == caps_before && ask_capabilities(imap, err) < 0)
		return -1;
	if (imap_has_cap(imap, "ID"))
		imap_command(imap, err, "ID (\"name\" \"frank\")");
	return 0;
}

/* --- mailboxes --------------------------------------------------------- */

int imap_enable_sync(struct imap *imap, struct lib_err *err)
{
	if (imap_has_cap(imap, "QRESYNC") && imap_has_cap(imap, "ENABLE")) {
		if (imap_command(imap, err, "ENABLE QRESYNC") < 0)
			return -1;
		imap->enabled = 2;
	} else if (imap_has_cap(imap, "CONDSTORE")) {
		imap->enabled = 1;
	}
	return imap->enabled;
}

int imap_qresync_enabled(const struct imap *imap)
{
	return imap->enabled == 2;
}

int imap_select(struct imap *imap, const char *name, unsigned long uidvalidity,
		unsigned long long modseq, struct lib_err *err)
{
	memset(&imap->mbox, 0, sizeof imap->mbox);
	struct lib_buf cmd = LIB_BUF_INIT;
	lib_buf_puts(&cmd, "SELECT ");
	imap_quote(name, &cmd);
	if (imap->enabled == 2 && uidvalidity && modseq)
		lib_buf_printf(&cmd, " (QRESYNC (%lu %llu))", uidvalidity, modseq);
	else if (imap->enabled >= 1)
		lib_buf_puts(&cmd, " (CONDSTORE)");
	long tag = imap_send(imap, err, "%s", cmd.data);
	lib_buf_release(&cmd);
	struct imap_response done;
	if (tag < 0 || wait_tagged(imap, tag, &done, err) < 0) {
		set_state(imap, IMAP_STATE_AUTH);
		return -1;
	}
	imap->mbox.read_only = imap_code_is(&done, "READ-ONLY");
	imap_response_release(&done);
	imap->mbox.changed = 0;
	set_state(imap, IMAP_STATE_SELECTED);
	if (!imap->mbox.uidvalidity)
		return lib_err_set(err, "%s: SELECT %s gave no UIDVALIDITY", imap->host, name);
	return 0;
}

struct list_ctx {
	struct imap_folder *folders;
	size_t count, cap;
	imap_handler outer;
	void *outer_ctx;
};

static int on_list(void *arg, const struct imap_response *r, struct lib_err *err)
{
	struct list_ctx *lc = arg;
	if (strcmp(r->name, "LIST") != 0)
		return lc->outer ? lc->outer(lc->outer_ctx, r, err) : 0;
	struct imap_folder f;
	if (imap_list_parse(r, &f, err) < 0)
		return -1;
	if (lc->count == lc->cap) {
		lc->cap = lc->cap ? lc->cap * 2 : 16;
		lc->folders = lib_xrealloc(lc->folders, lc->cap * sizeof *lc->folders);
	}
	lc->folders[lc->count++] = f;
	return 0;
}

int imap_list_folders(struct imap *imap, struct imap_folder **folders, size_t *count,
		      struct lib_err *err)
{
	struct list_ctx lc = { NULL, 0, 0, imap->handler, imap->handler_ctx };
	imap_set_handler(imap, on_list, &lc);
	int rc = imap_has_cap(imap, "SPECIAL-USE") || imap_has_cap(imap, "LIST-EXTENDED")
			 ? imap_command(imap, err, "LIST \"\" \"*\" RETURN (SPECIAL-USE)")
			 : imap_command(imap, err, "LIST \"\" \"*\"");
	imap_set_handler(imap, lc.outer, lc.outer_ctx);
	if (rc < 0) {
		imap_folders_free(lc.folders, lc.count);
		return -1;
	}
	*folders = lc.folders;
	*count = lc.count;
	return 0;
}

void imap_folders_free(struct imap_folder *folders, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(folders[i].name);
	free(folders);
}

/* --- APPEND ----------------------------------------------------------------- */

/* Waits for the "+" that lets a synchronizing literal go; a tagged reply
 * instead is the server refusing it. */
static int wait_continue(struct imap *imap, struct lib_err *err)
{
	for (;;) {
		struct imap_response r;
		if (next_response(imap, &r, err) < 0)
			return -1;
		enum imap_kind kind = r.kind;
		if (kind == IMAP_KIND_TAGGED)
			lib_err_set(err, "%s: APPEND refused: %s %s", imap->host, r.name, r.text);
		imap_response_release(&r);
		if (kind == IMAP_KIND_TAGGED)
			return -1;
		if (kind == IMAP_KIND_CONTINUE)
			return 0;
	}
}

int imap_append(struct imap *imap, const char *mailbox, unsigned flags, const char *data,
		size_t len, unsigned long *uid, struct lib_err *err)
{
	*uid = 0;
	struct lib_buf msg = LIB_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			lib_buf_putc(&msg, '\r');
		lib_buf_putc(&msg, data[i]);
	}
	struct lib_buf cmd = LIB_BUF_INIT;
	lib_buf_puts(&cmd, "APPEND ");
	imap_quote(mailbox, &cmd);
	lib_buf_puts(&cmd, " (");
	imap_flags_format(flags, &cmd);
	int plus = imap_has_cap(imap, "LITERAL+");
	lib_buf_printf(&cmd, ") {%zu%s}", msg.len, plus ? "+" : "");
	long tag = imap_send(imap, err, "%s", cmd.data);
	lib_buf_release(&cmd);
	int rc = tag < 0 ? -1 : 0;
	if (rc == 0 && !plus)
		rc = wait_continue(imap, err);
	if (rc == 0 && (net_conn_write(imap->conn, msg.data ? msg.data : "", msg.len, err) != NET_OK ||
			net_conn_write(imap->conn, "\r\n", 2, err) != NET_OK))
		rc = -1;
	lib_buf_release(&msg);
	struct imap_response last;
	if (rc == 0 && (rc = wait_tagged(imap, tag, &last, err)) == 0) {
		unsigned long long n;
		if (imap_code_is(&last, "APPENDUID") && last.code.count >= 3 &&
		    imap_value_number(&last.code.items[2], &n) == 0)
			*uid = (unsigned long)n;
		imap_response_release(&last);
	}
	return rc;
}

/* --- MOVE ------------------------------------------------------------------ */

/* MOVE sends its COPYUID in an untagged OK before the expunges. */
struct move_ctx {
	struct imap_copyuid *copyuid;
	imap_handler outer;
	void *outer_ctx;
};

static int on_move(void *arg, const struct imap_response *r, struct lib_err *err)
{
	struct move_ctx *mc = arg;
	if (r->cond == IMAP_COND_OK && imap_code_is(r, "COPYUID")) {
		imap_copyuid_release(mc->copyuid);
		return imap_copyuid_parse(r, mc->copyuid, err) < 0 ? -1 : 0;
	}
	return mc->outer ? mc->outer(mc->outer_ctx, r, err) : 0;
}

/* A command whose COPYUID may come untagged or with the tagged OK. */
static int copy_command(struct imap *imap, struct imap_copyuid *copyuid, struct lib_err *err,
			const char *verb, const char *set, const char *mailbox)
{
	struct move_ctx mc = { copyuid, imap->handler, imap->handler_ctx };
	struct lib_buf name = LIB_BUF_INIT;
	imap_quote(mailbox, &name);
	imap_set_handler(imap, on_move, &mc);
	long tag = imap_send(imap, err, "UID %s %s %s", verb, set, name.data);
	lib_buf_release(&name);
	struct imap_response last;
	int rc = tag < 0 ? -1 : wait_tagged(imap, tag, &last, err);
	imap_set_handler(imap, mc.outer, mc.outer_ctx);
	if (rc == 0) {
		if (imap_code_is(&last, "COPYUID")) {
			imap_copyuid_release(copyuid);
			rc = imap_copyuid_parse(&last, copyuid, err) < 0 ? -1 : 0;
		}
		imap_response_release(&last);
	}
	return rc;
}

int imap_uid_move(struct imap *imap, const char *set, const char *mailbox,
		  struct imap_copyuid *copyuid, struct lib_err *err)
{
	memset(copyuid, 0, sizeof *copyuid);
	int rc;
	if (imap_has_cap(imap, "MOVE")) {
		rc = copy_command(imap, copyuid, err, "MOVE", set, mailbox);
	} else {
		/* The source goes only once the COPY's OK says the copy is there. */
		rc = copy_command(imap, copyuid, err, "COPY", set, mailbox);
		if (rc == 0)
			rc = imap_command(imap, err, "UID STORE %s +FLAGS.SILENT (\\Deleted)", set);
		if (rc == 0)
			rc = imap_has_cap(imap, "UIDPLUS")
				     ? imap_command(imap, err, "UID EXPUNGE %s", set)
				     : imap_command(imap, err, "EXPUNGE");
	}
	if (rc < 0)
		imap_copyuid_release(copyuid);
	return rc;
}

/* --- IDLE ------------------------------------------------------------------ */

int imap_idle_start(struct imap *imap, struct lib_err *err)
{
	if (!imap_has_cap(imap, "IDLE"))
		return lib_err_set(err, "%s: the server does not offer IDLE", imap->host);
	if (imap->state != IMAP_STATE_SELECTED)
		return lib_err_set(err, "%s: IDLE needs a selected mailbox", imap->host);
	long tag = imap_send(imap, err, "IDLE");
	if (tag < 0)
		return -1;
	for (;;) {
		struct imap_response r;
		if (next_response(imap, &r, err) < 0)
			return -1;
		enum imap_kind kind = r.kind;
		int bad = kind == IMAP_KIND_TAGGED;
		if (bad)
			lib_err_set(err, "%s: IDLE refused: %s", imap->host, r.text);
		imap_response_release(&r);
		if (bad)
			return -1;
		if (kind == IMAP_KIND_CONTINUE)
			break;
	}
	imap->idle_tag = tag;
	imap->mbox.changed = 0;
	set_state(imap, IMAP_STATE_IDLE);
	return 0;
}

int imap_idle_wait(struct imap *imap, struct lib_err *err)
{
	if (imap->state != IMAP_STATE_IDLE)
		return lib_err_set(err, "%s: not idling", imap->host);
	struct imap_response r;
	if (next_response(imap, &r, err) < 0)
		return -1;
	int tagged = r.kind == IMAP_KIND_TAGGED;
	imap_response_release(&r);
	if (tagged) {
		set_state(imap, IMAP_STATE_SELECTED);
		return lib_err_set(err, "%s: the server ended IDLE", imap->host);
	}
	return imap->mbox.changed ? 1 : 0;
}

int imap_idle_done(struct imap *imap, struct lib_err *err)
{
	if (imap->state != IMAP_STATE_IDLE)
		return 0;
	if (net_conn_write(imap->conn, "DONE\r\n", 6, err) != NET_OK)
		return -1;
	set_state(imap, IMAP_STATE_SELECTED);
	return wait_tagged(imap, imap->idle_tag, NULL, err);
}
