/* message_received.c: who connected to the trusted boundary host, read
 * from the message itself, for a client that saw no SMTP session: the
 * Received field that host added (grammar and the variants read in
 * auth.h) and the Return-Path field above it (RFC 5322 3.6.7:
 *   return    = "Return-Path:" path CRLF
 *   path      = angle-addr / ([CFWS] "<" [CFWS] ">" [CFWS])
 *   RFC 5321 4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"  (A-d-l: a
 *   source route, "@one,@two", obsolete and dropped).
 * Pure functions over the field bytes: hostile senders write Received
 * fields too, so every scan is linear and bounded by the field. */
#include "message_private.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a Received field ------------------------------------------------------ */

enum rtok_kind { RTOK_WORD, RTOK_COMMENT, RTOK_END };

/* A word, or a comment with its parentheses stripped (nested ones kept). */
struct rtok {
	enum rtok_kind kind;
	const char *text;
	size_t len;
};

struct rlexer {
	const char *v;
	size_t len;
	size_t at;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where the comment opening at v[at] ends (just past its ')'), or len. */
static size_t comment_end(const char *v, size_t len, size_t at)
{
	size_t depth = 0;
	while (at < len) {
		char c = v[at++];
		if (c == '\\' && at < len)
			at++;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
	}
	return at;
}

/* The next word or comment; RTOK_END at the end or at a ";" outside
 * comments (the date follows it). */
static struct rtok rnext(struct rlexer *lx)
{
	const char *v = lx->v;
	for (;;) {
		while (lx->at < lx->len && is_space(v[lx->at]))
			lx->at++;
		if (lx->at >= lx->len || v[lx->at] == ';')
			return (struct rtok){ RTOK_END, NULL, 0 };
		size_t start = lx->at;
		if (v[start] == '(') {
			lx->at = comment_end(v, lx->len, start);
			size_t end = lx->at;
			if (end > start + 1 && v[end - 1] == ')')
				end--;
			return (struct rtok){ RTOK_COMMENT, v + start + 1, end - start - 1 };
		}
		if (v[start] == '"') { /* a quoted string: no clause keyword, skipped */
			lx->at++;
			while (lx->at < lx->len && v[lx->at] != '"')
				lx->at += v[lx->at] == '\\' ? 2 : 1;
			lx->at = lx->at < lx->len ? lx->at + 1 : lx->len;
			continue;
		}
		while (lx->at < lx->len && !is_space(v[lx->at]) && v[lx->at] != '(' &&
		       v[lx->at] != ';')
			lx->at++;
		return (struct rtok){ RTOK_WORD, v + start, lx->at - start };
	}
}

static int word_is(const struct rtok *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == RTOK_WORD && t->len == n && strncasecmp(t->text, word, n) == 0;
}

/* text[0..len) as an IPv4 or IPv6 address ("IPv6:" prefix allowed):
 * its normalized text (new), or NULL. */
static char *address_text(const char *text, size_t len)
{
	if (len > 5 && strncasecmp(text, "IPv6:", 5) == 0)
		text += 5, len -= 5;
	char buf[64], out[INET6_ADDRSTRLEN];
	if (len == 0 || len >= sizeof buf)
		return NULL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	unsigned char addr[16];
	if (inet_pton(AF_INET, buf, addr) == 1)
		return lib_xstrdup(inet_ntop(AF_INET, addr, out, sizeof out));
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return lib_xstrdup(inet_ntop(AF_INET6, addr, out, sizeof out));
	return NULL;
}

/* The first address literal "[...]" in text[0..len), or NULL. */
static char *first_literal(const char *text, size_t len)
{
	const char *open = memchr(text, '[', len);
	while (open) {
		size_t left = len - (size_t)(open - text);
		const char *close = memchr(open, ']', left);
		if (!close)
			return NULL;
		char *ip = address_text(open + 1, (size_t)(close - open - 1));
		if (ip)
			return ip;
		left = len - (size_t)(close - text);
		open = memchr(close, '[', left);
	}
	return NULL;
}

static char *span_dup(const char *text, size_t len)
{
	return lib_xstrndup(text, len);
}

/* The value after "helo=" (Exim) or the word after "HELO " (qmail) in a
 * comment of the from clause, or NULL. */
static char *comment_helo(const char *c, size_t len)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (i > 0 && !is_space(c[i - 1]) && c[i - 1] != '(')
			continue;
		if (strncasecmp(c + i, "helo", 4) != 0)
			continue;
		size_t at = i + 4;
		if (c[at] == '=')
			at++;
		else if (is_space(c[at]))
			while (at < len && is_space(c[at]))
				at++;
		else
			continue;
		size_t end = at;
		while (end < len && !is_space(c[end]) && c[end] != ')' && c[end] != '(')
			end++;
		if (end > at)
			return span_dup(c + at, end - at);
	}
	return NULL;
}

/* A comment of the from clause: the client's address and HELO name. */
static void from_comment(struct auth_received *r, const struct rtok *t)
{
	if (!r->ip)
		r->ip = first_literal(t->text, t->len);
	if (!r->ip) {
		/* Microsoft: "(2603:10a6:208:ac::21)", the address alone */
		size_t s = 0, e = t->len;
		while (s < e && is_space(t->text[s]))
			s++;
		while (e > s && is_space(t->text[e - 1]))
			e--;
		r->ip = address_text(t->text + s, e - s);
	}
	char *helo = comment_helo(t->text, t->len);
	if (helo) {
		free(r->helo);
		r->helo = helo;
	}
}

int auth_received_parse(const char *value, size_t len, struct auth_received *out,
			struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	struct rlexer lx = { value, len, 0 };
	enum { NONE, FROM, BY, OTHER } clause = NONE;
	int expect_name = 0;
	for (struct rtok t = rnext(&lx); t.kind != RTOK_END; t = rnext(&lx)) {
		if (expect_name) {
			expect_name = 0;
			if (t.kind == RTOK_WORD) {
				char **slot = clause == FROM ? &out->from : &out->by;
				if (!*slot)
					*slot = span_dup(t.text, t.len);
				if (clause == FROM && t.text[0] == '[' && !out->ip)
					out->ip = first_literal(t.text, t.len);
				continue;
			}
		}
		if (word_is(&t, "from") || word_is(&t, "by")) {
			clause = word_is(&t, "from") ? FROM : BY;
			expect_name = 1;
		} else if (word_is(&t, "with") || word_is(&t, "id") || word_is(&t, "for") ||
			   word_is(&t, "via")) {
			clause = OTHER;
		} else if (clause == FROM && t.kind == RTOK_COMMENT) {
			from_comment(out, &t);
		}
	}
	if (!out->helo && out->from)
		out->helo = lib_xstrdup(out->from);
	if (!out->from && !out->by)
		return lib_err_set(err, "no from or by clause");
	return 0;
}

void auth_received_release(struct auth_received *r)
{
	free(r->from);
	free(r->helo);
	free(r->ip);
	free(r->by);
	memset(r, 0, sizeof *r);
}

/* ---- Return-Path ------------------------------------------------------------- */

/* value[0..len) without comments and folding whitespace, for a path. */
static void strip_cfws(const char *v, size_t len, struct lib_buf *out)
{
	for (size_t i = 0; i < len;) {
		if (v[i] == '(') {
			i = comment_end(v, len, i);
		} else if (v[i] == '"') {
			/* a quoted local-part is kept whole, spaces and all */
			size_t start = i++;
			while (i < len && v[i] != '"')
				i += v[i] == '\\' ? 2 : 1;
			i = i < len ? i + 1 : len;
			lib_buf_append(out, v + start, i - start);
		} else if (is_space(v[i])) {
			i++;
		} else {
			lib_buf_putc(out, v[i++]);
		}
	}
}

char *auth_return_path_parse(const char *value, size_t len, struct lib_err *err)
{
	struct lib_buf b = LIB_BUF_INIT;
	strip_cfws(value, len, &b);
	const char *p = b.data ? b.data : "";
	size_t n = b.len;
	char *out = NULL;
	if (n >= 2 && p[0] == '<' && p[n - 1] == '>') {
		p++;
		n -= 2;
	}
	if (n > 0 && p[0] == '@') { /* a source route: "@a,@b:mailbox" */
		const char *colon = memchr(p, ':', n);
		if (colon) {
			n -= (size_t)(colon + 1 - p);
			p = colon + 1;
		}
	}
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '@')
			at = p + i;
	int bad_byte = 0;
	for (size_t i = 0; i < n; i++)
		bad_byte |= (unsigned char)p[i] < 0x21 && p[i] != ' ';
	if (n == 0)
		out = lib_xstrdup("");
	else if (!at || at == p || at == p + n - 1 || bad_byte || memchr(p, '<', n) ||
		 memchr(p, '>', n) || n > 320)
		lib_err_set(err, "Return-Path holds no address: %.80s", b.data ? b.data : "");
	else
		out = lib_xstrndup(p, n);
	lib_buf_release(&b);
	return out;
}

/* ---- the boundary host's Received field --------------------------------------- */

static int name_is(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static int host_trusted(const char *by, char *const *hosts, size_t n)
{
	for (size_t i = 0; by && i < n; i++)
		if (name_is(by, hosts[i]))
			return 1;
	return 0;
}

/* The address a content filter hands a message back from: the host's own
 * 127.0.0.1 or ::1.  The rest of 127.0.0.0/8 is left to stand for other
 * hosts, as the offline demo's two mail domains do (127.0.0.2, .3). */
static int is_loopback(const char *ip)
{
	return ip && (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0 ||
		      strcmp(ip, "::ffff:127.0.0.1") == 0);
}

static const char *field_value(const struct auth_msg_field *f, size_t *len)
{
	*len = f->value_end - f->value_off;
	return f->raw + f->value_off;
}

void message_client_release(struct message_client *c)
{
	free(c->ip);
	free(c->helo);
	free(c->mail_from);
	free(c->by);
	free(c->why);
	memset(c, 0, sizeof *c);
	c->index = -1;
}

/* Fills c from the Received field at index i (trusted, with an address). */
static void take_received(struct message_client *c, const struct auth_received *r, size_t i)
{
	c->found = 1;
	c->index = (long)i;
	c->ip = lib_xstrdup(r->ip);
	c->helo = lib_xstrdup(r->helo ? r->helo : "");
	c->by = lib_xstrdup(r->by);
}

/* The topmost Received field by a trusted host, from the top down.  Fields
 * above it were added inside the provider, after it.  A hop whose client
 * is the loopback (a content filter handing the message back) is passed
 * over, and so are the loopback hops below it; the first hop that is not
 * one must be by a trusted host too, else the chain is broken there and
 * what lies below is the sender's word. */
static void find_received(const struct auth_msg_headers *h, char *const *hosts, size_t n,
			  struct message_client *c)
{
	static const char name[] = "Received";
	uint32_t hash = auth_msg_name_hash(name, sizeof name - 1);
	int inside = 0; /* a trusted loopback hop was passed */
	for (size_t i = 0; i < h->count && !c->found && !c->why; i++) {
		const struct auth_msg_field *f = &h->fields[i];
		if (!auth_msg_field_is(f, name, sizeof name - 1, hash))
			continue;
		size_t len;
		const char *v = field_value(f, &len);
		struct auth_received r;
		struct lib_err err;
		int parsed = auth_received_parse(v, len, &r, &err) == 0;
		int trusted = parsed && host_trusted(r.by, hosts, n);
		if (parsed && (trusted || inside) && is_loopback(r.ip)) {
			inside = 1;
		} else if (trusted && r.ip) {
			take_received(c, &r, i);
		} else if (trusted) {
			c->why = lib_xasprintf("the Received field by %s names no client address",
					       r.by);
		} else if (inside) {
			c->why = lib_xstrdup("the Received field below the trusted host's loopback "
					     "hops was not added by a trusted host");
		}
		auth_received_release(&r);
	}
	if (!c->found && !c->why)
		c->why = lib_xstrdup("no trusted Received header");
}

/* The topmost Return-Path field above field index limit. */
static void find_return_path(const struct auth_msg_headers *h, size_t limit,
			     struct message_client *c)
{
	static const char name[] = "Return-Path";
	uint32_t hash = auth_msg_name_hash(name, sizeof name - 1);
	for (size_t i = 0; i < h->count && i < limit; i++) {
		const struct auth_msg_field *f = &h->fields[i];
		if (!auth_msg_field_is(f, name, sizeof name - 1, hash))
			continue;
		size_t len;
		const char *v = field_value(f, &len);
		struct lib_err err;
		c->mail_from = auth_return_path_parse(v, len, &err);
		if (!c->mail_from)
			c->why = lib_xstrdup(err.msg);
		return;
	}
	c->why = lib_xstrdup(c->index >= 0 ? "no Return-Path field above the trusted Received "
					     "field: the envelope sender is unknown"
					   : "no Return-Path field: the envelope sender is unknown");
}

void message_find_client(const struct auth_msg_headers *h, char *const *hosts, size_t n,
			 struct message_client *c)
{
	memset(c, 0, sizeof *c);
	c->index = -1;
	if (n == 0) {
		c->why = lib_xstrdup("no trusted Received header: no boundary host is configured");
		return;
	}
	find_received(h, hosts, n, c);
	if (!c->found)
		return;
	find_return_path(h, (size_t)c->index, c);
	if (!c->mail_from)
		c->found = 0;
}

void message_find_mail_from(const struct auth_msg_headers *h, struct message_client *c)
{
	find_return_path(h, h->count, c);
}
