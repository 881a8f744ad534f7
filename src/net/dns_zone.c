/* dns_zone.c: the zone file parser, a pure function over bytes.
 *
 * Grammar (RFC 1035 5.1, with $TTL from RFC 2308 4):
 *
 *   <file>    = *( <entry> )
 *   <entry>   = <blank>[<comment>]
 *             | $ORIGIN <domain-name> [<comment>]
 *             | $TTL <ttl> [<comment>]
 *             | <domain-name><rr> [<comment>]
 *             | <blank><rr> [<comment>]
 *   <rr>      = [<TTL>] [<class>] <type> <RDATA>
 *             | [<class>] [<TTL>] <type> <RDATA>
 *
 * An entry ends at the end of its line, unless a "(" is open: then line
 * ends are blanks until the ")".  ";" starts a comment to the end of the
 * line.  A line that starts with a blank has no owner: it repeats the
 * previous entry's.  "@" is the current origin; a name that does not end in
 * "." is relative to it.  A <character-string> is a run of non-blank
 * characters or "quoted text"; in both, "\X" is X and "\DDD" is the octet
 * DDD (decimal).  Class and type mnemonics ignore case.
 *
 * Supported: class IN; types A, AAAA, MX, TXT, SPF (as TXT), PTR, CNAME,
 * NS, SOA; and frank's extension TEMPFAIL [TYPE] (no RFC: answers for the
 * owner, or only those of TYPE, are temporary failures).  A TTL is seconds
 * or units as BIND writes them ("1h30m": s, m, h, d, w), at most 2^31 - 1
 * (RFC 2181 8).  An entry without a TTL takes $TTL, else the last TTL
 * given, else 3600.  Not supported, refused with an error: $INCLUDE, other
 * classes and types, RFC 3597 "\#" data.
 */
#include "dns_private.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZONE_DEFAULT_TTL 3600
#define ZONE_TTL_MAX 2147483647u
/* An entry cannot have more fields than record data has octets. */
#define ZONE_MAX_FIELDS (DNS_RDATA_MAX + 8)

struct token {
	const char *s;
	size_t len;
	int quoted;
	unsigned line;
};

/* Splits the text into entries of tokens. */
struct lexer {
	const char *p, *end;
	unsigned line;
	struct token *tok;
	size_t count, cap;
	int blank_owner; /* the entry's line starts with a blank */
};

struct parser {
	const char *source;
	const struct dns_zone_sink *sink;
	struct lexer lx;
	unsigned char origin[DNS_NAME_MAX];
	size_t origin_len; /* 0: no origin yet */
	unsigned char owner[DNS_NAME_MAX];
	size_t owner_len; /* 0: no owner yet */
	uint32_t dollar_ttl, last_ttl;
	int have_dollar_ttl, have_last_ttl;
	struct lib_buf rdata;
	struct lib_err *err;
};

static int fail(struct parser *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, unsigned line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return lib_err_set(ps->err, "%s:%u: %s", ps->source, line, msg);
}

/* "what: token" with the token shown safely. */
static int fail_token(struct parser *ps, const struct token *t, const char *what)
{
	struct lib_buf b = LIB_BUF_INIT;
	dns_quote_for_error(t->s, t->len, 60, &b);
	fail(ps, t->line, "%s: %s", what, b.data ? b.data : "");
	lib_buf_release(&b);
	return -1;
}

/* --- the lexer --------------------------------------------------------- */

static int push_token(struct parser *ps, const char *s, size_t len, int quoted)
{
	struct lexer *lx = &ps->lx;
	if (lx->count == ZONE_MAX_FIELDS)
		return fail(ps, lx->line, "too many fields in one entry (limit %d)",
			    ZONE_MAX_FIELDS);
	if (lx->count == lx->cap) {
		lx->cap = lx->cap ? 2 * lx->cap : 16;
		lx->tok = lib_xrealloc(lx->tok, lx->cap * sizeof *lx->tok);
	}
	lx->tok[lx->count++] = (struct token){ s, len, quoted, lx->line };
	return 0;
}

static int is_delimiter(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' ||
	       c == ')' || c == '"';
}

/* A quoted token: lx->p is just past the opening quote. */
static int lex_quoted(struct parser *ps)
{
	struct lexer *lx = &ps->lx;
	const char *start = lx->p;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\n' || *lx->p == '\0')
			break;
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n')
			lx->p++;
		lx->p++;
	}
	if (lx->p >= lx->end || *lx->p != '"')
		return fail(ps, lx->line, lx->p < lx->end && *lx->p == '\0'
						  ? "NUL byte in a quoted string"
						  : "unterminated quoted string");
	size_t len = (size_t)(lx->p - start);
	lx->p++;
	return push_token(ps, start, len, 1);
}

static int lex_plain(struct parser *ps)
{
	struct lexer *lx = &ps->lx;
	const char *start = lx->p;
	while (lx->p < lx->end && !is_delimiter(*lx->p)) {
		if (*lx->p == '\0')
			return fail(ps, lx->line, "NUL byte in zone text");
		if (*lx->p == '\\') {
			if (lx->p + 1 >= lx->end || lx->p[1] == '\n' || lx->p[1] == '\0')
				return fail(ps, lx->line, "backslash at the end of a line");
			lx->p++;
		}
		lx->p++;
	}
	return push_token(ps, start, (size_t)(lx->p - start), 0);
}

/* Reads the next entry's tokens: 1, 0 at the end of the text, -1 on error. */
static int lex_entry(struct parser *ps)
{
	struct lexer *lx = &ps->lx;
	unsigned open_line = 0;
	int depth = 0, line_start = 1;
	lx->count = 0;
	for (;;) {
		if (lx->p >= lx->end) {
			if (depth)
				return fail(ps, open_line, "\"(\" is never closed");
			return lx->count > 0;
		}
		char c = *lx->p;
		if (line_start) {
			lx->blank_owner = c == ' ' || c == '\t';
			line_start = 0;
		}
		if (c == '\n') {
			lx->p++;
			lx->line++;
			if (depth == 0 && lx->count > 0)
				return 1;
			line_start = depth == 0;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == ';') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '(') {
			if (depth)
				return fail(ps, lx->line, "nested \"(\"");
			depth = 1;
			open_line = lx->line;
			lx->p++;
		} else if (c == ')') {
			if (!depth)
				return fail(ps, lx->line, "\")\" without \"(\"");
			depth = 0;
			lx->p++;
		} else if (c == '"') {
			lx->p++;
			if (lex_quoted(ps) < 0)
				return -1;
		} else if (lex_plain(ps) < 0) {
			return -1;
		}
	}
}

/* --- fields ------------------------------------------------------------ */

static int token_is(const struct token *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) && strncasecmp(t->s, word, t->len) == 0;
}

static int parse_name(struct parser *ps, const struct token *t, unsigned char out[DNS_NAME_MAX],
		      size_t *out_len)
{
	if (t->quoted)
		return fail_token(ps, t, "a domain name cannot be quoted");
	const char *why = NULL;
	if (dns_name_from_text(t->s, t->len, ps->origin_len ? ps->origin : NULL, ps->origin_len,
			       out, out_len, &why) < 0)
		return fail_token(ps, t, why);
	return 0;
}

/* A decimal number up to max, digits only. */
static int parse_number(const struct token *t, uint32_t max, uint32_t *value)
{
	uint64_t v = 0;
	if (t->quoted || t->len == 0 || t->len > 10)
		return -1;
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (v > max)
		return -1;
	*value = (uint32_t)v;
	return 0;
}

/* A TTL: seconds, or numbers with units as BIND writes them ("1h30m"). */
static int parse_ttl(const struct token *t, uint32_t *ttl)
{
	uint64_t total = 0, n = 0;
	int digits = 0;
	if (t->quoted || t->len == 0)
		return -1;
	for (size_t i = 0; i < t->len; i++) {
		char c = t->s[i];
		if (c >= '0' && c <= '9') {
			n = n * 10 + (uint64_t)(c - '0');
			digits = 1;
			if (n > ZONE_TTL_MAX)
				return -1;
			continue;
		}
		uint64_t unit;
		switch (c) {
		case 's': case 'S': unit = 1; break;
		case 'm': case 'M': unit = 60; break;
		case 'h': case 'H': unit = 3600; break;
		case 'd': case 'D': unit = 86400; break;
		case 'w': case 'W': unit = 604800; break;
		default: return -1;
		}
		if (!digits)
			return -1;
		total += n * unit;
		if (total > ZONE_TTL_MAX)
			return -1;
		n = 0;
		digits = 0;
	}
	total += n;
	if (total > ZONE_TTL_MAX)
		return -1;
	*ttl = (uint32_t)total;
	return 0;
}

/* One <character-string> into the record data: its length octet, then
 * the octets, escapes decoded. */
static int parse_string(struct parser *ps, const struct token *t)
{
	unsigned char buf[DNS_STRING_MAX];
	size_t n = 0;
	for (size_t i = 0; i < t->len;) {
		unsigned char c = (unsigned char)t->s[i];
		size_t used = 1;
		if (c == '\\' && dns_read_escape(t->s, t->len, i, &c, &used) < 0)
			return fail_token(ps, t, "bad escape in a string (\\X or \\DDD with DDD <= 255)");
		if (n == DNS_STRING_MAX)
			return fail_token(ps, t, "character-string longer than 255 octets");
		buf[n++] = c;
		i += used;
	}
	if (ps->rdata.len + 1 + n > DNS_RDATA_MAX)
		return fail_token(ps, t, "record data longer than 65535 octets");
	lib_buf_putc(&ps->rdata, (char)n);
	lib_buf_append(&ps->rdata, buf, n);
	return 0;
}

static void put_u16(struct lib_buf *b, unsigned v)
{
	unsigned char o[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	lib_buf_append(b, o, 2);
}

static void put_u32(struct lib_buf *b, uint32_t v)
{
	unsigned char o[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	lib_buf_append(b, o, 4);
}

static int put_name(struct parser *ps, const struct token *t)
{
	unsigned char name[DNS_NAME_MAX];
	size_t len;
	if (parse_name(ps, t, name, &len) < 0)
		return -1;
	lib_buf_append(&ps->rdata, name, len);
	return 0;
}

static int put_address(struct parser *ps, const struct token *t, int family)
{
	char text[64];
	unsigned char addr[16];
	if (t->quoted || t->len >= sizeof text)
		return fail_token(ps, t, family == AF_INET ? "bad IPv4 address" : "bad IPv6 address");
	memcpy(text, t->s, t->len);
	text[t->len] = '\0';
	if (inet_pton(family, text, addr) != 1)
		return fail_token(ps, t, family == AF_INET ? "bad IPv4 address" : "bad IPv6 address");
	lib_buf_append(&ps->rdata, addr, family == AF_INET ? 4 : 16);
	return 0;
}

/* --- record types ------------------------------------------------------ */

struct type_name {
	const char *name;
	unsigned type;
};

static const struct type_name zone_types[] = {
	{ "A", NET_DNS_A },         { "AAAA", NET_DNS_AAAA },  { "MX", NET_DNS_MX },
	{ "TXT", NET_DNS_TXT },     { "SPF", DNS_TYPE_SPF },   { "PTR", NET_DNS_PTR },
	{ "CNAME", NET_DNS_CNAME }, { "NS", DNS_TYPE_NS },     { "SOA", DNS_TYPE_SOA },
	{ "TEMPFAIL", DNS_TYPE_TEMPFAIL },
};

static unsigned type_of(const struct token *t)
{
	for (size_t i = 0; i < sizeof zone_types / sizeof zone_types[0]; i++)
		if (token_is(t, zone_types[i].name))
			return zone_types[i].type;
	return 0;
}

static int expect_fields(struct parser *ps, const struct token *type_tok, size_t have,
			 size_t want)
{
	if (have < want)
		return fail_token(ps, type_tok, "missing record data after type");
	return 0;
}

/* SOA (RFC 1035 3.3.13): MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM. */
static int parse_soa(struct parser *ps, const struct token *t)
{
	if (put_name(ps, &t[0]) < 0 || put_name(ps, &t[1]) < 0)
		return -1;
	uint32_t v;
	if (parse_number(&t[2], 0xFFFFFFFFu, &v) < 0)
		return fail_token(ps, &t[2], "bad SOA serial");
	put_u32(&ps->rdata, v);
	for (int i = 3; i < 7; i++) {
		if (parse_ttl(&t[i], &v) < 0)
			return fail_token(ps, &t[i], "bad SOA time");
		put_u32(&ps->rdata, v);
	}
	return 0;
}

/* Parses the record data of type from t[0..n) into ps->rdata; returns how
 * many fields it used, or -1. */
static long parse_rdata(struct parser *ps, unsigned type, const struct token *type_tok,
			const struct token *t, size_t n)
{
	uint32_t v;
	lib_buf_reset(&ps->rdata);
	switch (type) {
	case NET_DNS_A:
	case NET_DNS_AAAA:
		if (expect_fields(ps, type_tok, n, 1) < 0 ||
		    put_address(ps, &t[0], type == NET_DNS_A ? AF_INET : AF_INET6) < 0)
			return -1;
		return 1;
	case NET_DNS_MX:
		if (expect_fields(ps, type_tok, n, 2) < 0)
			return -1;
		if (parse_number(&t[0], 65535, &v) < 0)
			return fail_token(ps, &t[0], "bad MX preference (0-65535)");
		put_u16(&ps->rdata, v);
		return put_name(ps, &t[1]) < 0 ? -1 : 2;
	case NET_DNS_PTR:
	case NET_DNS_CNAME:
	case DNS_TYPE_NS:
		if (expect_fields(ps, type_tok, n, 1) < 0)
			return -1;
		return put_name(ps, &t[0]) < 0 ? -1 : 1;
	case NET_DNS_TXT:
	case DNS_TYPE_SPF:
		if (expect_fields(ps, type_tok, n, 1) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (parse_string(ps, &t[i]) < 0)
				return -1;
		return (long)n;
	case DNS_TYPE_SOA:
		if (expect_fields(ps, type_tok, n, 7) < 0)
			return -1;
		return parse_soa(ps, t) < 0 ? -1 : 7;
	case DNS_TYPE_TEMPFAIL: {
		if (n == 0)
			return 0;
		enum net_dns_type qtype;
		char word[16];
		if (t[0].quoted || t[0].len >= sizeof word)
			return fail_token(ps, &t[0], "TEMPFAIL takes a query type");
		memcpy(word, t[0].s, t[0].len);
		word[t[0].len] = '\0';
		if (net_dns_type_parse(word, &qtype) < 0)
			return fail_token(ps, &t[0], "TEMPFAIL takes a query type");
		put_u16(&ps->rdata, (unsigned)qtype);
		return 1;
	}
	default:
		return fail_token(ps, type_tok, "unsupported record type");
	}
}

/* --- entries ----------------------------------------------------------- */

static int set_origin(struct parser *ps, const unsigned char *name, size_t len, unsigned line)
{
	memcpy(ps->origin, name, len);
	ps->origin_len = len;
	if (len == 1) /* the root is no apex: a zone for it would hide the DNS */
		return 0;
	struct lib_err inner;
	if (ps->sink->apex(ps->sink->arg, name, len, line, &inner) < 0)
		return fail(ps, line, "%s", inner.msg);
	return 0;
}

static int parse_directive(struct parser *ps)
{
	const struct token *t = ps->lx.tok;
	size_t n = ps->lx.count;
	if (token_is(&t[0], "$ORIGIN") || token_is(&t[0], "$TTL")) {
		if (n != 2)
			return fail_token(ps, &t[0], "directive takes exactly one argument");
		if (token_is(&t[0], "$TTL")) {
			if (parse_ttl(&t[1], &ps->dollar_ttl) < 0)
				return fail_token(ps, &t[1], "bad TTL");
			ps->have_dollar_ttl = 1;
			return 0;
		}
		unsigned char name[DNS_NAME_MAX];
		size_t len;
		if (parse_name(ps, &t[1], name, &len) < 0)
			return -1;
		return set_origin(ps, name, len, t[0].line);
	}
	if (token_is(&t[0], "$INCLUDE"))
		return fail(ps, t[0].line, "$INCLUDE is not supported: put the records in this file");
	return fail_token(ps, &t[0], "unknown directive");
}

static int is_class(const struct token *t)
{
	return token_is(t, "IN") || token_is(t, "CH") || token_is(t, "HS") || token_is(t, "CS");
}

/* [<TTL>] [<class>] in either order: returns the index of the type. */
static long parse_ttl_class(struct parser *ps, size_t i, uint32_t *ttl, int *have_ttl)
{
	const struct token *t = ps->lx.tok;
	int have_class = 0;
	*have_ttl = 0;
	while (i < ps->lx.count && !t[i].quoted) {
		if (is_class(&t[i])) {
			if (have_class)
				return fail_token(ps, &t[i], "class given twice");
			if (!token_is(&t[i], "IN"))
				return fail_token(ps, &t[i], "only class IN is supported");
			have_class = 1;
		} else if (t[i].len && t[i].s[0] >= '0' && t[i].s[0] <= '9') {
			if (*have_ttl)
				return fail_token(ps, &t[i], "TTL given twice");
			if (parse_ttl(&t[i], ttl) < 0)
				return fail_token(ps, &t[i], "bad TTL (seconds, at most 2147483647)");
			*have_ttl = 1;
		} else {
			break;
		}
		i++;
	}
	if (i >= ps->lx.count)
		return fail(ps, t[ps->lx.count - 1].line, "missing record type");
	return (long)i;
}

static uint32_t entry_ttl(struct parser *ps, int have_ttl, uint32_t ttl)
{
	if (have_ttl) {
		ps->last_ttl = ttl;
		ps->have_last_ttl = 1;
		return ttl;
	}
	if (ps->have_dollar_ttl)
		return ps->dollar_ttl;
	return ps->have_last_ttl ? ps->last_ttl : ZONE_DEFAULT_TTL;
}

static int parse_record(struct parser *ps)
{
	const struct token *t = ps->lx.tok;
	size_t n = ps->lx.count, i = 0;
	if (ps->lx.blank_owner) {
		if (!ps->owner_len)
			return fail(ps, t[0].line, "no owner name: the first record must name one");
	} else {
		if (parse_name(ps, &t[0], ps->owner, &ps->owner_len) < 0)
			return -1;
		i = 1;
	}
	uint32_t ttl = 0;
	int have_ttl;
	long at = parse_ttl_class(ps, i, &ttl, &have_ttl);
	if (at < 0)
		return -1;
	const struct token *type_tok = &t[at];
	unsigned type = type_of(type_tok);
	if (!type)
		return fail_token(ps, type_tok, "unsupported record type");
	size_t first = (size_t)at + 1;
	long used = parse_rdata(ps, type, type_tok, t + first, n - first);
	if (used < 0)
		return -1;
	if (first + (size_t)used < n)
		return fail_token(ps, &t[first + (size_t)used], "unexpected field after the record data");
	struct dns_rr rr = {
		.owner = ps->owner,
		.owner_len = ps->owner_len,
		.type = type,
		.ttl = entry_ttl(ps, have_ttl, ttl),
		/* Never NULL, even empty (TEMPFAIL): it goes to memcpy. */
		.rdata = (const unsigned char *)(ps->rdata.data ? ps->rdata.data : ""),
		.rdata_len = ps->rdata.len,
		.line = t[0].line,
	};
	struct lib_err inner;
	if (ps->sink->record(ps->sink->arg, &rr, &inner) < 0)
		return fail(ps, rr.line, "%s", inner.msg);
	return 0;
}

static int parse_start_origin(struct parser *ps, const char *origin)
{
	static const unsigned char root[1] = { 0 };
	unsigned char name[DNS_NAME_MAX];
	size_t len;
	const char *why = NULL;
	if (dns_name_from_text(origin, strlen(origin), root, 1, name, &len, &why) < 0)
		return lib_err_set(ps->err, "%s: bad origin: %s", ps->source, why);
	return set_origin(ps, name, len, 0);
}

int dns_zone_parse(const char *source, const char *text, size_t len, const char *origin,
		   const struct dns_zone_sink *sink, struct lib_err *err)
{
	struct parser ps;
	memset(&ps, 0, sizeof ps);
	ps.source = source;
	ps.sink = sink;
	ps.err = err;
	ps.lx.p = text;
	ps.lx.end = text + len;
	ps.lx.line = 1;
	int rc = 0;
	if (origin)
		rc = parse_start_origin(&ps, origin);
	while (rc == 0) {
		int got = lex_entry(&ps);
		if (got <= 0) {
			rc = got;
			break;
		}
		const struct token *first = &ps.lx.tok[0];
		if (!ps.lx.blank_owner && !first->quoted && first->len && first->s[0] == '$')
			rc = parse_directive(&ps);
		else
			rc = parse_record(&ps);
	}
	free(ps.lx.tok);
	lib_buf_release(&ps.rdata);
	return rc;
}
