/* imapd_envelope.c: FETCH ENVELOPE (RFC 3501 7.4.2), from the raw header
 * section of a message.  The strings go out as the message has them
 * (encoded words are the client's to decode, as RFC 3501 says); the
 * addresses are split by the grammar of RFC 5322 3.4:
 *   address-list = address *("," address)
 *   address      = mailbox / group
 *   group        = display-name ":" [mailbox-list / CFWS] ";" [CFWS]
 *   mailbox      = name-addr / addr-spec
 *   name-addr    = [display-name] angle-addr
 *   angle-addr   = [CFWS] "<" [obs-route] addr-spec ">" [CFWS]
 *   obs-route    = obs-domain-list ":"     ; "@a,@b:" -> the adl
 *   addr-spec    = local-part "@" domain
 *   display-name = phrase = 1*(atom / quoted-string)
 * and each becomes (RFC 3501 9):
 *   address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
 * with a group as (NIL NIL "name" NIL) ... (NIL NIL NIL NIL).
 * GMime's own address parser decodes and re-joins what it reads, so it
 * cannot give the raw parts IMAP asks for.  Pure functions. */
#include "frankd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Addresses beyond this in one field are left out (bounded output). */
#define ENVELOPE_ADDRESSES_MAX 1000

const char *frankd_imap_field_end(const char *p, const char *end)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *next = eol ? eol + 1 : end;
	while (next < end && (*next == ' ' || *next == '\t')) { /* folded */
		eol = memchr(next, '\n', (size_t)(end - next));
		next = eol ? eol + 1 : end;
	}
	return next;
}

char *frankd_imap_header_value(const char *header, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *end = header + len;
	for (const char *p = header; p < end;) {
		const char *next = frankd_imap_field_end(p, end);
		if (p[0] == '\r' || p[0] == '\n')
			return NULL; /* the blank line: the header section ends */
		const char *v = p + nlen;
		if ((size_t)(next - p) > nlen && strncasecmp(p, name, nlen) == 0) {
			while (v < next && (*v == ' ' || *v == '\t'))
				v++; /* obsolete: space before the colon */
			if (v < next && *v == ':') {
				struct lib_buf out = LIB_BUF_INIT;
				for (v++; v < next && (*v == ' ' || *v == '\t');)
					v++; /* before unfolding: " <id>" stays as folded */
				for (; v < next; v++)
					if (*v != '\r' && *v != '\n')
						lib_buf_putc(&out, *v);
				lib_buf_putc(&out, '\0'); /* even when empty */
				char *s = lib_buf_take(&out);
				size_t b = strlen(s);
				while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
					b--;
				s[b] = '\0';
				return s;
			}
		}
		p = next;
	}
	return NULL;
}

void frankd_imap_nstring(struct lib_buf *out, const char *s)
{
	if (s)
		frankd_imap_string(out, s, strlen(s));
	else
		lib_buf_puts(out, "NIL");
}

/* --- the address tokenizer ------------------------------------------------- */

enum addr_token_kind { ADDR_WORD, ADDR_QUOTED, ADDR_SPECIAL, ADDR_END };

struct addr_token {
	enum addr_token_kind kind;
	char special;      /* ADDR_SPECIAL: one of ()<>[]:;@\,." */
	struct lib_buf text; /* ADDR_WORD, ADDR_QUOTED (unquoted) */
};

struct addr_lexer {
	const char *p, *end;
};

static void skip_cfws(struct addr_lexer *lx)
{
	int depth = 0;
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (depth > 0 && c == '\\' && lx->p + 1 < lx->end)
			lx->p += 2;
		else if (c == '(')
			depth++, lx->p++;
		else if (c == ')' && depth > 0)
			depth--, lx->p++;
		else if (depth > 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n')
			lx->p++;
		else
			return;
	}
}

/* The next token into t (whose text the caller releases). */
static void addr_next(struct addr_lexer *lx, struct addr_token *t)
{
	lib_buf_reset(&t->text);
	skip_cfws(lx);
	if (lx->p >= lx->end) {
		t->kind = ADDR_END;
		return;
	}
	char c = *lx->p;
	if (c == '"') {
		t->kind = ADDR_QUOTED;
		for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			lib_buf_putc(&t->text, *lx->p);
		}
		lx->p += lx->p < lx->end;
		lib_buf_putc(&t->text, '\0');
		t->text.len--;
		return;
	}
	if (c == '[') { /* a domain literal is one word */
		t->kind = ADDR_WORD;
		const char *close = memchr(lx->p, ']', (size_t)(lx->end - lx->p));
		const char *stop = close ? close + 1 : lx->end;
		lib_buf_append(&t->text, lx->p, (size_t)(stop - lx->p));
		lx->p = stop;
		return;
	}
	if (strchr("<>:;@,.", c)) {
		t->kind = ADDR_SPECIAL;
		t->special = c;
		lx->p++;
		return;
	}
	t->kind = ADDR_WORD;
	while (lx->p < lx->end && !strchr(" \t\r\n()<>[]:;@,.\"", *lx->p))
		lib_buf_putc(&t->text, *lx->p++);
	if (t->text.len == 0)
		lib_buf_putc(&t->text, *lx->p++); /* a stray ')' or ']': a word of its own */
	lib_buf_putc(&t->text, '\0');
	t->text.len--;
}

/* --- addresses --------------------------------------------------------------- */

struct addr_parser {
	struct addr_lexer lx;
	struct addr_token tok;
	struct lib_buf *out;
	size_t count;
};

static void advance(struct addr_parser *ap)
{
	addr_next(&ap->lx, &ap->tok);
}

static int at_special(const struct addr_parser *ap, char c)
{
	return ap->tok.kind == ADDR_SPECIAL && ap->tok.special == c;
}

static void emit(struct addr_parser *ap, const char *name, const char *adl, const char *mailbox,
		 const char *host)
{
	if (ap->count++ >= ENVELOPE_ADDRESSES_MAX)
		return;
	lib_buf_putc(ap->out, '(');
	frankd_imap_nstring(ap->out, name && *name ? name : NULL);
	lib_buf_putc(ap->out, ' ');
	frankd_imap_nstring(ap->out, adl && *adl ? adl : NULL);
	lib_buf_putc(ap->out, ' ');
	frankd_imap_nstring(ap->out, mailbox);
	lib_buf_putc(ap->out, ' ');
	frankd_imap_nstring(ap->out, host);
	lib_buf_putc(ap->out, ')');
}

/* Words and dots up to one of stops (or the end), into text: with spaces
 * between words (a phrase) or joined as written (a local part, a domain). */
static void collect(struct addr_parser *ap, const char *stops, int phrase, struct lib_buf *text)
{
	int after_dot = 1;
	while (ap->tok.kind != ADDR_END && !(ap->tok.kind == ADDR_SPECIAL &&
					      strchr(stops, ap->tok.special))) {
		if (ap->tok.kind == ADDR_SPECIAL) {
			lib_buf_putc(text, ap->tok.special);
			after_dot = ap->tok.special == '.';
		} else {
			if (phrase && !after_dot && text->len)
				lib_buf_putc(text, ' ');
			lib_buf_append(text, ap->tok.text.data ? ap->tok.text.data : "",
				       ap->tok.text.len);
			after_dot = 0;
		}
		advance(ap);
	}
	lib_buf_putc(text, '\0');
	text->len--;
}

/* "<[@a,@b:]local@domain>" after the '<': emits it with name. */
static void angle_addr(struct addr_parser *ap, const char *name)
{
	struct lib_buf adl = LIB_BUF_INIT, local = LIB_BUF_INIT, domain = LIB_BUF_INIT;
	advance(ap);
	if (at_special(ap, '@')) { /* obs-route */
		collect(ap, ":>", 0, &adl);
		if (at_special(ap, ':'))
			advance(ap);
	}
	collect(ap, "@>,;", 0, &local);
	if (at_special(ap, '@')) {
		advance(ap);
		collect(ap, ">,;", 0, &domain);
	}
	if (at_special(ap, '>'))
		advance(ap);
	emit(ap, name, adl.data, local.data ? local.data : "",
	     domain.len ? domain.data : NULL);
	lib_buf_release(&adl);
	lib_buf_release(&local);
	lib_buf_release(&domain);
}

/* One mailbox (name-addr or addr-spec); stops at ',' ';' or the end.
 * in_group: a ':' is part of the text, not a group. Returns 1 when what
 * was read was the start of a group (display-name ':'). */
static int mailbox(struct addr_parser *ap, int in_group)
{
	struct lib_buf words = LIB_BUF_INIT;
	collect(ap, in_group ? "<@,;" : "<@,;:", 1, &words);
	int group = 0;
	if (at_special(ap, '<')) {
		angle_addr(ap, words.data);
	} else if (at_special(ap, ':')) {
		group = 1;
		emit(ap, NULL, NULL, words.data ? words.data : "", NULL);
		advance(ap);
	} else if (at_special(ap, '@')) {
		struct lib_buf domain = LIB_BUF_INIT; /* addr-spec: the words were the local part */
		advance(ap);
		collect(ap, ",;", 0, &domain);
		emit(ap, NULL, NULL, words.data ? words.data : "", domain.data ? domain.data : "");
		lib_buf_release(&domain);
	} else if (words.len) {
		emit(ap, NULL, NULL, words.data, NULL); /* no domain at all */
	}
	lib_buf_release(&words);
	return group;
}

static void address_list(struct addr_parser *ap)
{
	int in_group = 0;
	advance(ap);
	while (ap->tok.kind != ADDR_END) {
		if (at_special(ap, ',') || at_special(ap, '>') || at_special(ap, ':')) {
			advance(ap);
		} else if (at_special(ap, ';')) {
			if (in_group)
				emit(ap, NULL, NULL, NULL, NULL);
			in_group = 0;
			advance(ap);
		} else if (mailbox(ap, in_group)) {
			in_group = 1;
		}
	}
	if (in_group) /* an unclosed group ends with the field */
		emit(ap, NULL, NULL, NULL, NULL);
}

/* The addresses of field value v as "((...)(...))", or NIL. */
static void addresses(struct lib_buf *out, const char *v)
{
	struct lib_buf list = LIB_BUF_INIT;
	struct addr_parser ap = { { v, v + strlen(v) }, { ADDR_END, 0, LIB_BUF_INIT }, &list, 0 };
	address_list(&ap);
	lib_buf_release(&ap.tok.text);
	if (list.len)
		lib_buf_printf(out, "(%s)", list.data);
	else
		lib_buf_puts(out, "NIL");
	lib_buf_release(&list);
}

void frankd_imap_envelope_format(const char *header, size_t len, struct lib_buf *out)
{
	static const char *const fields[] = { "Date", "Subject", "From", "Sender", "Reply-To",
					      "To", "Cc", "Bcc", "In-Reply-To", "Message-ID" };
	char *v[10];
	for (size_t i = 0; i < 10; i++)
		v[i] = frankd_imap_header_value(header, len, fields[i]);
	lib_buf_putc(out, '(');
	for (size_t i = 0; i < 10; i++) {
		if (i)
			lib_buf_putc(out, ' ');
		const char *value = v[i];
		if ((i == 3 || i == 4) && (!value || !*value))
			value = v[2]; /* sender and reply-to default to from */
		if (i >= 2 && i <= 7)
			value && *value ? addresses(out, value) : lib_buf_puts(out, "NIL");
		else
			frankd_imap_nstring(out, value);
	}
	lib_buf_putc(out, ')');
	for (size_t i = 0; i < 10; i++)
		free(v[i]);
}
