/* imap_parse.c: IMAP server responses as a tree, a pure function over
 * bytes.  The grammar, from RFC 3501 section 9 and RFC 9051 section 9
 * (the parts a client reads):
 *
 *   response        = *(continue-req / response-data) response-done
 *   continue-req    = "+" [SP (resp-text / base64)] CRLF
 *   response-data   = "*" SP (resp-cond-state / resp-cond-bye /
 *                     mailbox-data / message-data / capability-data /
 *                     enable-data) CRLF
 *   response-tagged = tag SP resp-cond-state CRLF
 *   resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
 *   resp-cond-bye   = "BYE" SP resp-text
 *   resp-text       = ["[" resp-text-code "]" SP] [text]
 *   resp-text-code  = "ALERT" / "CAPABILITY" *(SP capability) /
 *                     "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" /
 *                     "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
 *                     "HIGHESTMODSEQ" SP mod-sequence-value /     (RFC 7162)
 *                     "APPENDUID" SP nz-number SP append-uid /     (RFC 4315)
 *                     "COPYUID" SP nz-number SP seq-set SP seq-set /
 *                     atom [SP 1*<any TEXT-CHAR except "]">]
 *   message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
 *   mailbox-data    = "FLAGS" SP flag-list / "LIST" SP mailbox-list /
 *                     "SEARCH" *(SP nz-number) / "ESEARCH" ... /
 *                     "STATUS" SP mailbox SP "(" [status-att-list] ")" /
 *                     number SP "EXISTS" / number SP "RECENT"
 *   expunged-resp   = "VANISHED" [SP "(EARLIER)"] SP known-uids  (RFC 7162)
 *   msg-att         = "(" (msg-att-dynamic / msg-att-static)
 *                     *(SP (msg-att-dynamic / msg-att-static)) ")"
 *   msg-att-static  = "ENVELOPE" SP envelope / "INTERNALDATE" SP date-time /
 *                     "RFC822.SIZE" SP number / "BODY" ["STRUCTURE"] SP body /
 *                     "BODY" section ["<" number ">"] SP nstring /
 *                     "UID" SP uniqueid
 *   msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")" /
 *                     "MODSEQ" SP "(" permsg-modsequence ")"
 *   nstring         = string / "NIL"
 *   string          = quoted / literal
 *   literal         = "{" number "}" CRLF *CHAR8   ; the count of bytes
 *   literal8        = "~{" number "}" CRLF *OCTET  ; RFC 3516 BINARY
 *   quoted          = DQUOTE *QUOTED-CHAR DQUOTE
 *   QUOTED-CHAR     = <any TEXT-CHAR except quoted-specials> /
 *                     "\" quoted-specials
 *   atom            = 1*ATOM-CHAR
 *   ATOM-CHAR       = <any CHAR except atom-specials>
 *   atom-specials   = "(" / ")" / "{" / SP / CTL / list-wildcards /
 *                     quoted-specials / resp-specials
 *   sequence-set    = (seq-number / seq-range) ["," sequence-set]
 *
 * Beyond the values after a response's name, nothing is interpreted
 * here but for the helpers below (FETCH items, LIST, sets); a FETCH's
 * BODYSTRUCTURE is kept as its nested lists.  "BODY[HEADER.FIELDS (A B)]<0>"
 * is one atom: a "[" in an atom runs to its "]" with what is inside. */
#include "proto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	char *p, *end;
	struct imap_response *r;
	struct lib_err *err;
};

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int is_atom_char(unsigned char c)
{
	return c > 0x20 && c < 0x7F && !strchr("(){%*\"\\]", c);
}

static int fail(struct parser *ps, const char *what)
{
	return lib_err_set(ps->err, "malformed IMAP response: %s", what);
}

/* Each list's items are one block, built in a scratch array first (a
 * realloc would move what nested lists point to); the response keeps
 * every block to free them at release. */
static struct imap_value *pool_block(struct imap_response *r, size_t n)
{
	struct imap_value *v = lib_xcalloc(n ? n : 1, sizeof *v);
	r->pool = lib_xrealloc(r->pool, (r->npool + 1) * sizeof *r->pool);
	r->pool[r->npool++] = v;
	return v;
}

static int parse_value(struct parser *ps, struct imap_value *v, int depth, int in_code);

/* "{n}" CRLF n bytes (or "~{n}"); p at "{". */
static int parse_literal(struct parser *ps, struct imap_value *v)
{
	char *p = ps->p + 1;
	unsigned long long n = 0;
	if (p >= ps->end || *p < '0' || *p > '9')
		return fail(ps, "literal without a count");
	while (p < ps->end && *p >= '0' && *p <= '9') {
		if (n > (ULLONG_MAX - 9) / 10)
			return fail(ps, "literal count overflows");
		n = n * 10 + (unsigned)(*p++ - '0');
	}
	if (p < ps->end && *p == '+')
		p++;
	if (p >= ps->end || *p++ != '}')
		return fail(ps, "literal count without }");
	if (p < ps->end && *p == '\r')
		p++;
	if (p >= ps->end || *p++ != '\n')
		return fail(ps, "literal count not at the end of a line");
	if ((unsigned long long)(ps->end - p) < n)
		return fail(ps, "literal shorter than its count");
	v->type = IMAP_STRING;
	v->s = p;
	v->len = (size_t)n;
	ps->p = p + n;
	return 0;
}

/* DQUOTE *QUOTED-CHAR DQUOTE, unescaped in place. */
static int parse_quoted(struct parser *ps, struct imap_value *v)
{
	char *p = ps->p + 1, *out = p;
	v->type = IMAP_STRING;
	v->s = out;
	for (;;) {
		if (p >= ps->end || *p == '\r' || *p == '\n')
			return fail(ps, "unterminated quoted string");
		if (*p == '"')
			break;
		if (*p == '\\') {
			if (++p >= ps->end)
				return fail(ps, "unterminated quoted string");
		}
		*out++ = *p++;
	}
	v->len = (size_t)(out - v->s);
	ps->p = p + 1;
	return 0;
}

/* An atom; a "[" inside runs to its matching "]", then "<n>" may follow. */
static int parse_atom(struct parser *ps, struct imap_value *v, int in_code)
{
	char *start = ps->p, *p = ps->p;
	while (p < ps->end) {
		unsigned char c = (unsigned char)*p;
		if (c == '[') {
			int level = 0;
			for (; p < ps->end; p++) {
				if (*p == '\r' || *p == '\n')
					return fail(ps, "unterminated [ in an atom");
				if (*p == '[')
					level++;
				else if (*p == ']' && --level == 0)
					break;
			}
			if (p >= ps->end)
				return fail(ps, "unterminated [ in an atom");
			p++;
			if (p < ps->end && *p == '<') {
				while (p < ps->end && *p != '>' && *p != '\r' && *p != '\n')
					p++;
				if (p >= ps->end || *p != '>')
					return fail(ps, "unterminated <origin>");
				p++;
			}
			continue;
		}
		/* Flags are atoms that start with "\" ("\Seen", "\*"). */
		if (c == '\\' && p == start) {
			p++;
			if (p < ps->end && *p == '*')
				p++;
			continue;
		}
		if (c == ']' && !in_code) {
			p++; /* a stray "]" in an atom of a text: take it */
			continue;
		}
		if (!is_atom_char(c) && !(c == '%' || c == '*'))
			break;
		p++;
	}
	if (p == start)
		return fail(ps, "unexpected character");
	v->s = start;
	v->len = (size_t)(p - start);
	v->type = v->len == 3 && upper(start[0]) == 'N' && upper(start[1]) == 'I' &&
			  upper(start[2]) == 'L'
		      ? IMAP_NIL
		      : IMAP_ATOM;
	ps->p = p;
	return 0;
}

/* Values until close (")", "]" or the end), separated by spaces. */
static int parse_sequence(struct parser *ps, struct imap_value *list, char close, int depth,
			  int in_code)
{
	struct imap_value *tmp = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		while (ps->p < ps->end && *ps->p == ' ')
			ps->p++;
		if (ps->p >= ps->end || *ps->p == '\r' || *ps->p == '\n') {
			if (close) {
				rc = fail(ps, close == ')' ? "missing )" : "missing ]");
				break;
			}
			break;
		}
		if (close && *ps->p == close) {
			ps->p++;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = lib_xrealloc(tmp, cap * sizeof *tmp);
		}
		memset(&tmp[n], 0, sizeof tmp[n]);
		if ((rc = parse_value(ps, &tmp[n], depth, in_code)) < 0)
			break;
		n++;
	}
	if (rc == 0) {
		list->type = IMAP_LIST;
		list->items = pool_block(ps->r, n);
		if (n)
			memcpy(list->items, tmp, n * sizeof *tmp);
		list->count = n;
	}
	free(tmp);
	return rc;
}

static int parse_value(struct parser *ps, struct imap_value *v, int depth, int in_code)
{
	char c = *ps->p;
	if (c == '(') {
		if (depth >= IMAP_DEPTH_MAX)
			return fail(ps, "lists nested too deep");
		ps->p++;
		return parse_sequence(ps, v, ')', depth + 1, in_code);
	}
	if (c == '"')
		return parse_quoted(ps, v);
	if (c == '{')
		return parse_literal(ps, v);
	if (c == '~' && ps->p + 1 < ps->end && ps->p[1] == '{') {
		ps->p++;
		return parse_literal(ps, v);
	}
	return parse_atom(ps, v, in_code);
}

/* An upper-cased word into buf (the tag or the response name). */
static int take_word(struct parser *ps, char *buf, size_t size, int upcase)
{
	size_t n = 0;
	while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\r' && *ps->p != '\n') {
		unsigned char c = (unsigned char)*ps->p;
		if (c <= 0x20 || c >= 0x7F || n + 1 >= size)
			return fail(ps, "bad tag or response name");
		buf[n++] = (char)(upcase ? upper(c) : c);
		ps->p++;
	}
	buf[n] = '\0';
	if (n == 0)
		return fail(ps, "empty tag or response name");
	return 0;
}

static void skip_space(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == ' ')
		ps->p++;
}

/* resp-text: ["[" code "]" SP] text.  The text is the rest of the line,
 * NUL-terminated in place. */
static int parse_resp_text(struct parser *ps)
{
	struct imap_response *r = ps->r;
	if (ps->p < ps->end && *ps->p == '[') {
		ps->p++;
		if (parse_sequence(ps, &r->code, ']', 1, 1) < 0)
			return -1;
		skip_space(ps);
	}
	char *t = ps->p;
	while (ps->p < ps->end && *ps->p != '\r' && *ps->p != '\n')
		ps->p++;
	*ps->p = '\0'; /* the byte after the line: buf has one spare */
	r->text = t;
	return 0;
}

static enum imap_cond cond_of(const char *name)
{
	static const struct {
		const char *name;
		enum imap_cond cond;
	} conds[] = { { "OK", IMAP_COND_OK },   { "NO", IMAP_COND_NO },
		      { "BAD", IMAP_COND_BAD }, { "BYE", IMAP_COND_BYE },
		      { "PREAUTH", IMAP_COND_PREAUTH } };
	for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
		if (strcmp(name, conds[i].name) == 0)
			return conds[i].cond;
	return IMAP_COND_NONE;
}

static int parse_number_prefix(struct parser *ps)
{
	unsigned long n = 0;
	char *p = ps->p;
	while (p < ps->end && *p >= '0' && *p <= '9') {
		if (n > (ULONG_MAX - 9) / 10)
			return fail(ps, "message number overflows");
		n = n * 10 + (unsigned long)(*p++ - '0');
	}
	if (p == ps->p || p >= ps->end || *p != ' ')
		return 0;
	ps->r->has_number = 1;
	ps->r->number = n;
	ps->p = p + 1;
	return 0;
}

static int parse_body(struct parser *ps)
{
	struct imap_response *r = ps->r;
	if (*ps->p == '+') {
		r->kind = IMAP_KIND_CONTINUE;
		ps->p++;
		skip_space(ps);
		return parse_resp_text(ps);
	}
	if (*ps->p == '*') {
		r->kind = IMAP_KIND_UNTAGGED;
		ps->p++;
		if (ps->p >= ps->end || *ps->p != ' ')
			return fail(ps, "no space after *");
		ps->p++;
		if (parse_number_prefix(ps) < 0)
			return -1;
	} else {
		r->kind = IMAP_KIND_TAGGED;
		if (take_word(ps, r->tag, sizeof r->tag, 0) < 0)
			return -1;
		if (ps->p >= ps->end || *ps->p != ' ')
			return fail(ps, "no space after the tag");
		ps->p++;
	}
	if (take_word(ps, r->name, sizeof r->name, 1) < 0)
		return -1;
	r->cond = cond_of(r->name);
	if (r->kind == IMAP_KIND_TAGGED && r->cond != IMAP_COND_OK && r->cond != IMAP_COND_NO &&
	    r->cond != IMAP_COND_BAD)
		return fail(ps, "a tagged response that is not OK, NO or BAD");
	skip_space(ps);
	if (r->cond != IMAP_COND_NONE)
		return parse_resp_text(ps);
	if (parse_sequence(ps, &r->args, 0, 0, 0) < 0)
		return -1;
	while (ps->p < ps->end && (*ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
	if (ps->p != ps->end)
		return fail(ps, "bytes after the end of the response");
	return 0;
}

int imap_response_parse(const char *data, size_t len, struct imap_response *r,
			struct lib_err *err)
{
	memset(r, 0, sizeof *r);
	r->buf = lib_xmalloc(len + 1);
	memcpy(r->buf, data, len);
	r->buf[len] = '\0';
	r->len = len;
	r->text = "";
	r->code.type = IMAP_LIST;
	r->args.type = IMAP_LIST;
	struct parser ps = { r->buf, r->buf + len, r, err };
	if (len == 0) {
		imap_response_release(r);
		return lib_err_set(err, "malformed IMAP response: empty");
	}
	if (parse_body(&ps) < 0) {
		imap_response_release(r);
		return -1;
	}
	return 0;
}

void imap_response_release(struct imap_response *r)
{
	for (size_t i = 0; i < r->npool; i++)
		free(r->pool[i]);
	free(r->pool);
	free(r->buf);
	memset(r, 0, sizeof *r);
	r->text = "";
}

int imap_line_literal(const char *line, size_t len, unsigned long long *n)
{
	if (len < 3 || line[len - 1] != '}')
		return 0;
	size_t i = len - 1;
	if (i > 0 && line[i - 1] == '+')
		i--;
	size_t digits_end = i;
	while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
		i--;
	if (i == digits_end || i == 0 || line[i - 1] != '{')
		return 0;
	unsigned long long v = 0;
	for (size_t k = i; k < digits_end; k++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(line[k] - '0');
	}
	*n = v;
	return 1;
}

/* --- helpers over values -------------------------------------------- */

int imap_value_is(const struct imap_value *v, const char *word)
{
	size_t n = strlen(word);
	if (!v || v->type != IMAP_ATOM || v->len != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (upper((unsigned char)v->s[i]) != upper((unsigned char)word[i]))
			return 0;
	return 1;
}

int imap_value_number(const struct imap_value *v, unsigned long long *out)
{
	if (!v || v->type != IMAP_ATOM || v->len == 0 || v->len > 20)
		return -1;
	unsigned long long n = 0;
	for (size_t i = 0; i < v->len; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return -1;
		unsigned d = (unsigned)(v->s[i] - '0');
		if (n > (ULLONG_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

int imap_code_is(const struct imap_response *r, const char *word)
{
	return r->code.count > 0 && imap_value_is(&r->code.items[0], word);
}

int imap_code_number(const struct imap_response *r, const char *word,
		     unsigned long long *out)
{
	if (!imap_code_is(r, word) || r->code.count < 2)
		return -1;
	return imap_value_number(&r->code.items[1], out);
}

static const struct {
	const char *name;
	unsigned bit;
} imap_flag_names[] = {
	{ "\\Seen", IMAP_FLAG_SEEN },       { "\\Answered", IMAP_FLAG_ANSWERED },
	{ "\\Flagged", IMAP_FLAG_FLAGGED }, { "\\Deleted", IMAP_FLAG_DELETED },
	{ "\\Draft", IMAP_FLAG_DRAFT },
};
#define IMAP_NFLAGS (sizeof imap_flag_names / sizeof imap_flag_names[0])

unsigned imap_flags_from_list(const struct imap_value *list)
{
	unsigned flags = 0;
	if (!list || list->type != IMAP_LIST)
		return 0;
	for (size_t i = 0; i < list->count; i++)
		for (size_t k = 0; k < IMAP_NFLAGS; k++)
			if (imap_value_is(&list->items[i], imap_flag_names[k].name))
				flags |= imap_flag_names[k].bit;
	return flags;
}

void imap_flags_format(unsigned flags, struct lib_buf *out)
{
	const char *sep = "";
	lib_buf_puts(out, "");
	for (size_t k = 0; k < IMAP_NFLAGS; k++)
		if (flags & imap_flag_names[k].bit) {
			lib_buf_printf(out, "%s%s", sep, imap_flag_names[k].name);
			sep = " ";
		}
}

/* --- FETCH ------------------------------------------------------------ */

static int atom_prefix(const struct imap_value *v, const char *prefix)
{
	size_t n = strlen(prefix);
	if (v->type != IMAP_ATOM || v->len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (upper((unsigned char)v->s[i]) != prefix[i])
			return 0;
	return 1;
}

static int fetch_number(const struct imap_value *v, unsigned long long *out,
			unsigned long long max, const char *what, struct lib_err *err)
{
	if (imap_value_number(v, out) < 0 || *out > max)
		return lib_err_set(err, "malformed IMAP response: FETCH %s is not a number", what);
	return 0;
}

int imap_fetch_parse(const struct imap_response *r, struct imap_fetch *f, struct lib_err *err)
{
	memset(f, 0, sizeof *f);
	if (r->kind != IMAP_KIND_UNTAGGED || strcmp(r->name, "FETCH") != 0 || !r->has_number ||
	    r->args.count != 1 || r->args.items[0].type != IMAP_LIST)
		return lib_err_set(err, "malformed IMAP response: not a FETCH");
	f->seq = r->number;
	const struct imap_value *a = &r->args.items[0];
	if (a->count % 2)
		return lib_err_set(err, "malformed IMAP response: FETCH item without a value");
	for (size_t i = 0; i < a->count; i += 2) {
		const struct imap_value *k = &a->items[i], *v = &a->items[i + 1];
		unsigned long long n;
		if (imap_value_is(k, "UID")) {
			if (fetch_number(v, &n, 0xFFFFFFFFu, "UID", err) < 0 || n == 0)
				return lib_err_set(err, "malformed IMAP response: FETCH UID");
			f->uid = (unsigned long)n;
		} else if (imap_value_is(k, "FLAGS")) {
			if (v->type != IMAP_LIST)
				return lib_err_set(err, "malformed IMAP response: FETCH FLAGS");
			f->has_flags = 1;
			f->flags = imap_flags_from_list(v);
		} else if (imap_value_is(k, "MODSEQ")) {
			if (v->type != IMAP_LIST || v->count != 1 ||
			    fetch_number(&v->items[0], &f->modseq, ULLONG_MAX, "MODSEQ", err) < 0)
				return lib_err_set(err, "malformed IMAP response: FETCH MODSEQ");
		} else if (imap_value_is(k, "RFC822.SIZE")) {
			if (fetch_number(v, &f->size, ULLONG_MAX, "RFC822.SIZE", err) < 0)
				return -1;
			f->has_size = 1;
		} else if (imap_value_is(k, "INTERNALDATE")) {
			if (v->type != IMAP_STRING)
				return lib_err_set(err, "malformed IMAP response: FETCH INTERNALDATE");
			f->internaldate = v->s;
			f->idate_len = v->len;
		} else if (imap_value_is(k, "BODYSTRUCTURE") || imap_value_is(k, "BODY")) {
			if (v->type != IMAP_LIST)
				return lib_err_set(err, "malformed IMAP response: FETCH BODYSTRUCTURE");
			f->bodystructure = v;
		} else if (atom_prefix(k, "BODY[") || atom_prefix(k, "BINARY[") ||
			   imap_value_is(k, "RFC822")) {
			if (v->type == IMAP_LIST)
				return lib_err_set(err, "malformed IMAP response: FETCH BODY[] is a list");
			f->has_body = 1;
			f->body = v->type == IMAP_NIL ? "" : v->s;
			f->body_len = v->type == IMAP_NIL ? 0 : v->len;
		}
		/* Other items (ENVELOPE, X-GM-*, ...) are ignored. */
	}
	return 0;
}

/* --- sets ------------------------------------------------------------- */

static int set_number(const char **p, const char *end, unsigned long *out)
{
	unsigned long long n = 0;
	const char *s = *p;
	if (s < end && *s == '*') {
		*out = 0xFFFFFFFFu;
		*p = s + 1;
		return 0;
	}
	while (s < end && *s >= '0' && *s <= '9') {
		n = n * 10 + (unsigned)(*s - '0');
		if (n > 0xFFFFFFFFu)
			return -1;
		s++;
	}
	if (s == *p || n == 0)
		return -1;
	*out = (unsigned long)n;
	*p = s;
	return 0;
}

int imap_set_parse(const char *s, size_t len, struct imap_set *set, struct lib_err *err)
{
	const char *p = s, *end = s + len;
	size_t cap = 0;
	memset(set, 0, sizeof *set);
	for (;;) {
		struct imap_range r;
		if (set_number(&p, end, &r.lo) < 0)
			goto bad;
		r.hi = r.lo;
		if (p < end && *p == ':') {
			p++;
			if (set_number(&p, end, &r.hi) < 0)
				goto bad;
			if (r.hi < r.lo) {
				unsigned long t = r.lo;
				r.lo = r.hi;
				r.hi = t;
			}
		}
		if (set->count == cap) {
			cap = cap ? cap * 2 : 8;
			set->ranges = lib_xrealloc(set->ranges, cap * sizeof *set->ranges);
		}
		set->ranges[set->count++] = r;
		if (p == end)
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	imap_set_release(set);
	return lib_err_set(err, "malformed IMAP response: bad UID set");
}

int imap_set_contains(const struct imap_set *set, unsigned long uid)
{
	for (size_t i = 0; i < set->count; i++)
		if (uid >= set->ranges[i].lo && uid <= set->ranges[i].hi)
			return 1;
	return 0;
}

void imap_set_release(struct imap_set *set)
{
	free(set->ranges);
	set->ranges = NULL;
	set->count = 0;
}

void imap_set_format(const unsigned long *uids, size_t n, struct lib_buf *out)
{
	lib_buf_puts(out, "");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		if (i > 0)
			lib_buf_putc(out, ',');
		if (j > i)
			lib_buf_printf(out, "%lu:%lu", uids[i], uids[j]);
		else
			lib_buf_printf(out, "%lu", uids[i]);
		i = j + 1;
	}
}

/* --- COPYUID ------------------------------------------------------------- */

static unsigned long long set_size(const struct imap_set *set)
{
	unsigned long long n = 0;
	for (size_t i = 0; i < set->count; i++)
		n += (unsigned long long)(set->ranges[i].hi - set->ranges[i].lo) + 1;
	return n;
}

/* resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set
 * (RFC 4315 section 4; RFC 6851 sends it with MOVE too.) */
int imap_copyuid_parse(const struct imap_response *r, struct imap_copyuid *out,
		       struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	if (!imap_code_is(r, "COPYUID"))
		return 0;
	unsigned long long v;
	const struct imap_value *it = r->code.items;
	if (r->code.count != 4 || imap_value_number(&it[1], &v) < 0 || v == 0 ||
	    v > 0xFFFFFFFFu || it[2].type != IMAP_ATOM || it[3].type != IMAP_ATOM)
		return lib_err_set(err, "malformed IMAP response: COPYUID");
	if (imap_set_parse(it[2].s, it[2].len, &out->src, err) < 0)
		return -1;
	if (imap_set_parse(it[3].s, it[3].len, &out->dst, err) < 0) {
		imap_copyuid_release(out);
		return -1;
	}
	if (set_size(&out->src) != set_size(&out->dst)) {
		imap_copyuid_release(out);
		return lib_err_set(err, "malformed IMAP response: COPYUID sets differ in size");
	}
	out->uidvalidity = (unsigned long)v;
	return 1;
}

unsigned long imap_copyuid_lookup(const struct imap_copyuid *c, unsigned long uid)
{
	unsigned long long at = 0;
	size_t i;
	for (i = 0; i < c->src.count; i++) {
		const struct imap_range *r = &c->src.ranges[i];
		if (uid >= r->lo && uid <= r->hi) {
			at += uid - r->lo;
			break;
		}
		at += (unsigned long long)(r->hi - r->lo) + 1;
	}
	if (uid == 0 || i == c->src.count)
		return 0;
	for (i = 0; i < c->dst.count; i++) {
		const struct imap_range *r = &c->dst.ranges[i];
		unsigned long long n = (unsigned long long)(r->hi - r->lo) + 1;
		if (at < n)
			return r->lo + (unsigned long)at;
		at -= n;
	}
	return 0;
}

void imap_copyuid_release(struct imap_copyuid *c)
{
	imap_set_release(&c->src);
	imap_set_release(&c->dst);
	memset(c, 0, sizeof *c);
}

/* --- LIST --------------------------------------------------------------- */

/* mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
 *                SP mailbox [SP mbox-list-extended] */
int imap_list_parse(const struct imap_response *r, struct imap_folder *f, struct lib_err *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "\\Noselect", IMAP_LIST_NOSELECT }, { "\\NonExistent", IMAP_LIST_NOSELECT },
		{ "\\Sent", IMAP_LIST_SENT },         { "\\Drafts", IMAP_LIST_DRAFTS },
		{ "\\Trash", IMAP_LIST_TRASH },       { "\\Junk", IMAP_LIST_JUNK },
		{ "\\Archive", IMAP_LIST_ARCHIVE },   { "\\All", IMAP_LIST_ALL },
	};
	memset(f, 0, sizeof *f);
	const struct imap_value *a = r->args.items;
	if (strcmp(r->name, "LIST") != 0 || r->args.count < 3 || a[0].type != IMAP_LIST ||
	    (a[1].type != IMAP_STRING && a[1].type != IMAP_NIL) ||
	    (a[2].type != IMAP_STRING && a[2].type != IMAP_ATOM))
		return lib_err_set(err, "malformed IMAP response: LIST");
	for (size_t i = 0; i < a[0].count; i++)
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (imap_value_is(&a[0].items[i], names[k].name))
				f->flags |= names[k].bit;
	if (a[1].type == IMAP_STRING) {
		if (a[1].len != 1)
			return lib_err_set(err, "malformed IMAP response: LIST delimiter");
		f->delim = a[1].s[0];
	}
	if (a[2].len == 0 || memchr(a[2].s, '\0', a[2].len))
		return lib_err_set(err, "malformed IMAP response: LIST mailbox name");
	f->name = lib_xstrndup(a[2].s, a[2].len);
	return 0;
}
