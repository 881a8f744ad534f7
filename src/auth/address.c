/* address.c: the domains of the mailboxes in a From field (RFC 5322 3.4,
 * 3.6.2; groups as RFC 6854 allows them in From; the obsolete forms of
 * RFC 5322 4.4 read; UTF-8 as RFC 6532 allows it).  DMARC needs exactly
 * one author domain, so this parser's job is to count mailboxes right: a
 * comma inside a quoted display name or a comment is not a separator, and
 * text that is not an address list is an error, never a guess.
 *
 *   address-list = (address *("," address)) / obs-addr-list
 *   obs-addr-list = *([CFWS] ",") address *("," [address / CFWS])
 *   address      = mailbox / group
 *   mailbox      = name-addr / addr-spec
 *   name-addr    = [display-name] angle-addr
 *   angle-addr   = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr
 *   obs-angle-addr = [CFWS] "<" obs-route addr-spec ">" [CFWS]
 *   obs-route    = obs-domain-list ":"
 *   obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
 *   group        = display-name ":" [group-list] ";" [CFWS]
 *   display-name = phrase;  phrase = 1*word / obs-phrase
 *   obs-phrase   = word *(word / "." / CFWS)
 *   addr-spec    = local-part "@" domain
 *   local-part   = dot-atom / quoted-string / obs-local-part
 *   obs-local-part = word *("." word)
 *   domain       = dot-atom / domain-literal / obs-domain
 *   obs-domain   = atom *("." atom)
 *   word         = atom / quoted-string
 *
 * The field is first cut into tokens (atoms, quoted strings, domain
 * literals, specials), dropping CFWS; since dot-atom and the obsolete
 * forms differ only in where CFWS may go, reading the token stream accepts
 * both.  One tolerance beyond the grammar: a group that the field ends
 * before its ";" ("From: Name: <a@b.example>") is read as closed there. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind {
	TOK_ATOM,
	TOK_QUOTED,
	TOK_LITERAL,
	TOK_SPECIAL, /* one of < > : ; @ , . */
};

struct tok {
	enum tok_kind kind;
	const char *text;
	size_t len;
};

struct lexer {
	const char *value;
	size_t len;
	struct tok *toks;
	size_t count, cap;
};

/* atext of RFC 5322 3.2.3, plus any octet above 127 (RFC 6532 UTF-8, and
 * raw 8-bit display names, which must not stop us finding the address). */
static int is_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void push(struct lexer *lx, enum tok_kind kind, const char *text, size_t len)
{
	if (lx->count == lx->cap) {
		lx->cap = lx->cap ? lx->cap * 2 : 16;
		lx->toks = lib_xrealloc(lx->toks, lx->cap * sizeof *lx->toks);
	}
	lx->toks[lx->count++] = (struct tok){ kind, text, len };
}

/* Skips a comment starting at value[*i] == '(' (nested, with quoted-pairs). */
static int skip_comment(const char *v, size_t len, size_t *i, struct lib_err *err)
{
	size_t depth = 0;
	while (*i < len) {
		char c = v[(*i)++];
		if (c == '\\') {
			if (*i == len)
				break;
			(*i)++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return 0;
		}
	}
	return lib_err_set(err, "unterminated comment");
}

/* Scans a quoted string or domain literal from value[*i] (the opening
 * character) to its closing one; the token keeps both delimiters. */
static int scan_delimited(struct lexer *lx, size_t *i, char close, enum tok_kind kind,
			  struct lib_err *err)
{
	size_t start = (*i)++;
	while (*i < lx->len) {
		char c = lx->value[(*i)++];
		if (c == '\\') {
			if (*i == lx->len)
				break;
			(*i)++;
		} else if (c == close) {
			push(lx, kind, lx->value + start, *i - start);
			return 0;
		} else if (kind == TOK_LITERAL && c == '[') {
			return lib_err_set(err, "'[' inside a domain literal");
		}
	}
	return lib_err_set(err, kind == TOK_QUOTED ? "unterminated quoted string"
						   : "unterminated domain literal");
}

static int lex(struct lexer *lx, struct lib_err *err)
{
	const char *v = lx->value;
	size_t i = 0;
	while (i < lx->len) {
		unsigned char c = (unsigned char)v[i];
		if (is_wsp(c)) {
			i++;
		} else if (c == '(') {
			if (skip_comment(v, lx->len, &i, err) < 0)
				return -1;
		} else if (c == '"') {
			if (scan_delimited(lx, &i, '"', TOK_QUOTED, err) < 0)
				return -1;
		} else if (c == '[') {
			if (scan_delimited(lx, &i, ']', TOK_LITERAL, err) < 0)
				return -1;
		} else if (strchr("<>:;@,.", c) && c != '\0') {
			push(lx, TOK_SPECIAL, v + i, 1);
			i++;
		} else if (is_atext(c)) {
			size_t start = i;
			while (i < lx->len && is_atext((unsigned char)v[i]))
				i++;
			push(lx, TOK_ATOM, v + start, i - start);
		} else if (c == ')' || c == ']' || c == '\\') {
			return lib_err_set(err, "unexpected '%c'", c);
		} else {
			return lib_err_set(err, "control character 0x%02x", c);
		}
	}
	return 0;
}

/* --- reading the token stream ------------------------------------------- */

struct reader {
	const struct lexer *lx;
	size_t pos;
	struct auth_address_list *out;
	struct lib_err *err;
};

static const struct tok *peek(const struct reader *r)
{
	return r->pos < r->lx->count ? &r->lx->toks[r->pos] : NULL;
}

static int at_special(const struct reader *r, char c)
{
	const struct tok *t = peek(r);
	return t && t->kind == TOK_SPECIAL && t->text[0] == c;
}

static int at_word(const struct reader *r)
{
	const struct tok *t = peek(r);
	return t && (t->kind == TOK_ATOM || t->kind == TOK_QUOTED);
}

/* Shows up to 60 bytes of the field in an error, printable ASCII only. */
static void excerpt(const struct lexer *lx, char *buf, size_t size)
{
	size_t n = 0, i = 0;
	while (i < lx->len && is_wsp((unsigned char)lx->value[i]))
		i++;
	for (; i < lx->len && n + 4 < size && n < 60; i++) {
		unsigned char c = (unsigned char)lx->value[i];
		buf[n++] = (c == '\r' || c == '\n' || c == '\t') ? ' '
			   : (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	if (i < lx->len)
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
}

static int domain_add(struct reader *r, const char *domain, size_t len)
{
	struct lib_err why = { "" };
	char *ascii = auth_address_domain_to_ascii(domain, len, &why);
	if (!ascii)
		return lib_err_set(r->err, "bad domain \"%.*s\": %s", (int)(len > 80 ? 80 : len),
				   domain, why.msg);
	struct auth_address_list *out = r->out;
	if (out->count == AUTH_ADDRESS_MAX) {
		free(ascii);
		return lib_err_set(r->err, "more than %d mailboxes", AUTH_ADDRESS_MAX);
	}
	out->domains = lib_xrealloc(out->domains, (out->count + 1) * sizeof *out->domains);
	out->domains[out->count++] = ascii;
	return 0;
}

/* domain = atom *("." atom) / domain-literal; the atoms joined by dots. */
static int read_domain(struct reader *r)
{
	const struct tok *t = peek(r);
	if (!t)
		return lib_err_set(r->err, "no domain after '@'");
	if (t->kind == TOK_LITERAL)
		return lib_err_set(r->err, "domain literal %.*s has no DMARC policy",
				   (int)(t->len > 80 ? 80 : t->len), t->text);
	if (t->kind != TOK_ATOM)
		return lib_err_set(r->err, "no domain after '@'");
	struct lib_buf domain = LIB_BUF_INIT;
	for (;;) {
		t = peek(r);
		if (!t || t->kind != TOK_ATOM) {
			lib_buf_release(&domain);
			return lib_err_set(r->err, "domain ends with '.'");
		}
		lib_buf_append(&domain, t->text, t->len);
		r->pos++;
		if (!at_special(r, '.'))
			break;
		lib_buf_putc(&domain, '.');
		r->pos++;
	}
	if (at_word(r)) {
		lib_buf_release(&domain);
		return lib_err_set(r->err, "two words in a domain without a '.'");
	}
	int rc = domain_add(r, domain.data, domain.len);
	lib_buf_release(&domain);
	return rc;
}

/* addr-spec after its local-part has been checked: "@" domain. */
static int read_at_domain(struct reader *r)
{
	if (!at_special(r, '@'))
		return lib_err_set(r->err, "no '@' in the address");
	r->pos++;
	return read_domain(r);
}

/* local-part = word *("." word), checked over tokens [from, to). */
static int check_local_part(struct reader *r, size_t from, size_t to)
{
	const struct tok *toks = r->lx->toks;
	if (from == to)
		return lib_err_set(r->err, "address without a local part");
	for (size_t i = from; i < to; i++) {
		int want_word = (i - from) % 2 == 0;
		int is_word = toks[i].kind == TOK_ATOM || toks[i].kind == TOK_QUOTED;
		if (want_word != is_word)
			return lib_err_set(r->err, want_word ? "'..' in a local part"
					       : "a display name needs its address in <>");
	}
	if ((to - from) % 2 == 0)
		return lib_err_set(r->err, "local part ends with '.'");
	return 0;
}

/* angle-addr from "<": [obs-route] addr-spec ">". */
static int read_angle_addr(struct reader *r)
{
	r->pos++; /* '<' */
	if (at_special(r, '>'))
		return lib_err_set(r->err, "empty address <>");
	if (at_special(r, '@') || at_special(r, ',')) {
		/* obs-route: skip "@domain" and commas up to the ':' */
		while (peek(r) && !at_special(r, ':') && !at_special(r, '>'))
			r->pos++;
		if (!at_special(r, ':'))
			return lib_err_set(r->err, "source route without ':'");
		r->pos++;
	}
	const struct tok *t = peek(r);
	if (!at_word(r))
		return t ? lib_err_set(r->err, "unexpected '%.*s' after '<'", (int)t->len, t->text)
			 : lib_err_set(r->err, "'<' without its '>'");
	size_t from = r->pos;
	while (at_word(r) || at_special(r, '.'))
		r->pos++;
	if (check_local_part(r, from, r->pos) < 0 || read_at_domain(r) < 0)
		return -1;
	if (!at_special(r, '>'))
		return lib_err_set(r->err, "'<' without its '>'");
	r->pos++;
	return 0;
}

/* A mailbox after its leading phrase tokens [from, r->pos) were read. */
static int read_mailbox_rest(struct reader *r, size_t from)
{
	if (at_special(r, '<'))
		return read_angle_addr(r);
	if (at_special(r, '@')) {
		if (check_local_part(r, from, r->pos) < 0)
			return -1;
		return read_at_domain(r);
	}
	const struct tok *t = peek(r);
	if (r->pos == from) {
		if (!t)
			return lib_err_set(r->err, "no address");
		return lib_err_set(r->err, "unexpected '%.*s'", (int)t->len, t->text);
	}
	char shown[80];
	excerpt(r->lx, shown, sizeof shown);
	return lib_err_set(r->err, "no address in \"%s\"", shown);
}

/* phrase tokens: words and dots (obs-phrase). */
static void skip_phrase(struct reader *r)
{
	while (at_word(r) || at_special(r, '.'))
		r->pos++;
}

static int read_group(struct reader *r)
{
	r->pos++; /* ':' */
	while (peek(r) && !at_special(r, ';')) {
		if (at_special(r, ',')) {
			r->pos++;
			continue;
		}
		size_t from = r->pos;
		skip_phrase(r);
		if (at_special(r, ':'))
			return lib_err_set(r->err, "a group inside a group");
		if (read_mailbox_rest(r, from) < 0)
			return -1;
		if (peek(r) && !at_special(r, ',') && !at_special(r, ';'))
			return lib_err_set(r->err, "mailboxes must be separated by ','");
	}
	if (at_special(r, ';'))
		r->pos++;
	return 0;
}

static int read_address_list(struct reader *r)
{
	while (peek(r)) {
		if (at_special(r, ',')) { /* obs-addr-list: empty elements */
			r->pos++;
			continue;
		}
		size_t from = r->pos;
		skip_phrase(r);
		int rc;
		if (at_special(r, ':') && r->pos > from)
			rc = read_group(r);
		else
			rc = read_mailbox_rest(r, from);
		if (rc < 0)
			return -1;
		if (peek(r) && !at_special(r, ','))
			return lib_err_set(r->err, "addresses must be separated by ','");
	}
	return 0;
}

int auth_address_parse(const char *value, size_t len, struct auth_address_list *out,
		       struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	struct lexer lx = { value, len, NULL, 0, 0 };
	int rc = lex(&lx, err);
	if (rc == 0) {
		struct reader r = { &lx, 0, out, err };
		rc = read_address_list(&r);
	}
	free(lx.toks);
	if (rc < 0)
		auth_address_list_release(out);
	return rc;
}

void auth_address_list_release(struct auth_address_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->domains[i]);
	free(list->domains);
	list->domains = NULL;
	list->count = 0;
}
