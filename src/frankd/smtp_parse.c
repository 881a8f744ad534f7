/* smtp_parse.c: one SMTP command line into a struct frankd_smtp_cmd, a pure
 * function over bytes (the session, the unit tests and the fuzzer drive it).
 *
 * Grammar (RFC 5321 4.1.1, 4.1.2; RFC 3207; RFC 4954 4; RFC 6531 3.3):
 *   ehlo     = "EHLO" SP ( Domain / address-literal ) CRLF
 *   helo     = "HELO" SP Domain CRLF
 *   mail     = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
 *   rcpt     = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" /
 *              Forward-path ) [SP Rcpt-parameters] CRLF
 *   data / rset / quit / starttls = VERB CRLF
 *   vrfy / expn = VERB SP String CRLF
 *   help / noop = VERB [ SP String ] CRLF
 *   auth     = "AUTH" SP sasl-mech [SP initial-response] CRLF
 *   sasl-mech = 1*20mech-char ; mech-char = UPPER-ALPHA / DIGIT / "-" / "_"
 *   initial-response = base64 / "="
 *   Reverse-path = Path / "<>"        Forward-path = Path
 *   Path     = "<" [ A-d-l ":" ] Mailbox ">"
 *   A-d-l    = At-domain *( "," At-domain ) ; At-domain = "@" Domain
 *   Mailbox  = Local-part "@" ( Domain / address-literal )
 *   Local-part = Dot-string / Quoted-string
 *   Dot-string = Atom *("." Atom)     Atom = 1*atext
 *   Quoted-string = DQUOTE *( qtextSMTP / quoted-pairSMTP ) DQUOTE
 *   qtextSMTP = %d32-33 / %d35-91 / %d93-126 ; quoted-pairSMTP = "\" %d32-126
 *   Domain   = sub-domain *("." sub-domain)
 *   sub-domain = Let-dig [Ldh-str]    ; RFC 6531: or a U-label
 *   address-literal = "[" 1*dcontent "]" ; checked loosely: %d33-90 / %d94-126
 *   Mail-parameters = esmtp-param *(SP esmtp-param)
 *   esmtp-param = esmtp-keyword ["=" esmtp-value]
 *   esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 *   esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii)
 * RFC 6531 adds UTF8-non-ascii to atext, qtextSMTP and sub-domain.
 *
 * Departures, as other servers make them: verbs in any case; blanks after
 * "FROM:"/"TO:" and between parameters; trailing blanks. */
#include "frankd.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	enum frankd_smtp_verb verb;
} verbs[] = {
	{ "HELO", FRANKD_SMTP_HELO },   { "EHLO", FRANKD_SMTP_EHLO },
	{ "MAIL", FRANKD_SMTP_MAIL },   { "RCPT", FRANKD_SMTP_RCPT },
	{ "DATA", FRANKD_SMTP_DATA },   { "RSET", FRANKD_SMTP_RSET },
	{ "NOOP", FRANKD_SMTP_NOOP },   { "QUIT", FRANKD_SMTP_QUIT },
	{ "VRFY", FRANKD_SMTP_VRFY },   { "EXPN", FRANKD_SMTP_EXPN },
	{ "HELP", FRANKD_SMTP_HELP },   { "STARTTLS", FRANKD_SMTP_STARTTLS },
	{ "AUTH", FRANKD_SMTP_AUTH },
};

const char *frankd_smtp_verb_str(enum frankd_smtp_verb verb)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (verbs[i].verb == verb)
			return verbs[i].name;
	return "?";
}

/* A cursor over the line: [p, end). */
struct cursor {
	const char *p, *end;
};

static int at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static int peek(const struct cursor *c)
{
	return at_end(c) ? -1 : (unsigned char)*c->p;
}

static void skip_blanks(struct cursor *c)
{
	while (!at_end(c) && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Consumes the word w, case-insensitively, when it comes next. */
static int eat_word(struct cursor *c, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(c->end - c->p) < n || strncasecmp(c->p, w, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* A valid UTF-8 sequence of non-ASCII at c: its length, else 0. */
static size_t utf8_non_ascii(const struct cursor *c)
{
	unsigned cp;
	if (peek(c) < 0x80)
		return 0;
	return lib_utf8_decode((const unsigned char *)c->p, (size_t)(c->end - c->p), &cp);
}

static int is_atext(int ch)
{
	return ch >= 0 && ch < 0x80 && (isalnum(ch) || strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* Where the address is built, with its length limit. */
struct addr_out {
	char *buf;
	size_t len;
	int utf8;
	int overflow;
};

static void put(struct addr_out *o, const char *s, size_t n)
{
	if (o->len + n > FRANKD_SMTP_PATH_MAX) {
		o->overflow = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* One character of atext or UTF8-non-ascii (RFC 6531), copied: 1 when one
 * was there. */
static int atext_char(struct cursor *c, struct addr_out *o)
{
	if (is_atext(peek(c))) {
		put(o, c->p++, 1);
		return 1;
	}
	size_t n = utf8_non_ascii(c);
	if (!n)
		return 0;
	put(o, c->p, n);
	c->p += n;
	o->utf8 = 1;
	return 1;
}

static int dot_string(struct cursor *c, struct addr_out *o)
{
	for (;;) {
		if (!atext_char(c, o))
			return -1; /* an empty atom: leading, trailing or double dot */
		while (atext_char(c, o))
			;
		if (peek(c) != '.')
			return 0;
		put(o, c->p++, 1);
	}
}

static int quoted_string(struct cursor *c, struct addr_out *o)
{
	put(o, c->p++, 1); /* DQUOTE */
	for (;;) {
		int ch = peek(c);
		if (ch == '"') {
			put(o, c->p++, 1);
			return 0;
		}
		if (ch == '\\') {
			if (c->end - c->p < 2 || c->p[1] < 32 || c->p[1] > 126)
				return -1;
			put(o, c->p, 2);
			c->p += 2;
		} else if (ch >= 32 && ch <= 126) {
			put(o, c->p++, 1);
		} else {
			size_t n = utf8_non_ascii(c);
			if (!n)
				return -1;
			put(o, c->p, n);
			c->p += n;
			o->utf8 = 1;
		}
	}
}

/* A Domain or an address-literal, copied. */
static int domain(struct cursor *c, struct addr_out *o)
{
	if (peek(c) == '[') {
		const char *start = c->p++;
		while (!at_end(c) && *c->p != ']') {
			int ch = peek(c);
			if (ch < 33 || ch > 126 || ch == '[' || ch == '\\')
				return -1;
			c->p++;
		}
		if (at_end(c) || c->p == start + 1)
			return -1;
		c->p++;
		put(o, start, (size_t)(c->p - start));
		return 0;
	}
	for (;;) {
		/* sub-domain: letters, digits, hyphens (not first or last), or
		 * a U-label's UTF-8 */
		const char *start = c->p;
		int last_hyphen = 0;
		for (;;) {
			int ch = peek(c);
			size_t n;
			if (ch >= 0 && ch < 0x80 && (isalnum(ch) || (ch == '-' && c->p != start))) {
				last_hyphen = ch == '-';
				put(o, c->p++, 1);
			} else if ((n = utf8_non_ascii(c)) > 0) {
				last_hyphen = 0;
				put(o, c->p, n);
				c->p += n;
				o->utf8 = 1;
			} else {
				break;
			}
		}
		if (c->p == start || last_hyphen)
			return -1;
		if (peek(c) != '.')
			return 0;
		put(o, c->p++, 1);
	}
}

/* A-d-l ":" before the mailbox: read and ignored (RFC 5321 4.1.2, C.). */
static int source_route(struct cursor *c)
{
	char scratch[FRANKD_SMTP_PATH_MAX + 1];
	for (;;) {
		struct addr_out o = { scratch, 0, 0, 0 };
		if (peek(c) != '@')
			return -1;
		c->p++;
		if (domain(c, &o) < 0)
			return -1;
		if (peek(c) == ':') {
			c->p++;
			return 0;
		}
		if (peek(c) != ',')
			return -1;
		c->p++;
	}
}

/* "<" ... ">" into cmd->address.  Returns 0, or -1 with *reply set. */
static int path(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	int mail = cmd->verb == FRANKD_SMTP_MAIL;
	const char *bad = mail ? "501 5.1.7 Bad sender address syntax"
			       : "501 5.1.3 Bad recipient address syntax";
	struct addr_out o = { cmd->address, 0, 0, 0 };
	cmd->address[0] = '\0';
	if (peek(c) != '<') {
		*reply = mail ? "501 5.5.4 Syntax: MAIL FROM:<address>"
			      : "501 5.5.4 Syntax: RCPT TO:<address>";
		return -1;
	}
	c->p++;
	if (peek(c) == '>') {
		c->p++;
		if (mail)
			return 0;
		*reply = bad;
		return -1;
	}
	if (peek(c) == '@' && source_route(c) < 0)
		goto bad;
	if (peek(c) == '"' ? quoted_string(c, &o) < 0 : dot_string(c, &o) < 0)
		goto bad;
	if (peek(c) == '@') {
		put(&o, c->p++, 1);
		if (domain(c, &o) < 0)
			goto bad;
	} else if (mail || strcasecmp(cmd->address, "postmaster") != 0) {
		goto bad; /* only RCPT TO:<Postmaster> goes without a domain */
	}
	if (peek(c) != '>')
		goto bad;
	c->p++;
	if (o.overflow) {
		*reply = "501 5.1.3 Address too long";
		return -1;
	}
	cmd->address_utf8 = o.utf8;
	return 0;
bad:
	*reply = o.overflow ? "501 5.1.3 Address too long" : bad;
	return -1;
}

static int is_keyword_char(int ch, int first)
{
	return ch >= 0 && ch < 0x80 && (isalnum(ch) || (!first && ch == '-'));
}

static int esmtp_param(struct cursor *c, struct frankd_smtp_param *prm)
{
	size_t k = 0;
	memset(prm, 0, sizeof *prm);
	while (is_keyword_char(peek(c), k == 0)) {
		if (k + 1 >= sizeof prm->keyword)
			return -1;
		prm->keyword[k++] = (char)toupper((unsigned char)*c->p++);
	}
	if (k == 0)
		return -1;
	if (peek(c) != '=')
		return 0;
	c->p++;
	prm->has_value = 1;
	size_t v = 0;
	for (;;) {
		int ch = peek(c);
		size_t n = 1;
		if (ch < 0 || ch == ' ' || ch == '\t')
			break;
		if (ch >= 0x80 && !(n = utf8_non_ascii(c)))
			return -1;
		if (ch < 33 || ch == '=' || ch == 127)
			return -1;
		if (v + n >= sizeof prm->value)
			return -1;
		memcpy(prm->value + v, c->p, n);
		v += n;
		c->p += n;
	}
	return v ? 0 : -1;
}

static int esmtp_params(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	for (;;) {
		int had_blank = peek(c) == ' ' || peek(c) == '\t';
		skip_blanks(c);
		if (at_end(c))
			return 0;
		if (!had_blank)
			break;
		if (cmd->nparams == FRANKD_SMTP_PARAMS_MAX) {
			*reply = "501 5.5.4 Too many parameters";
			return -1;
		}
		if (esmtp_param(c, &cmd->params[cmd->nparams]) < 0)
			break;
		cmd->nparams++;
	}
	*reply = "501 5.5.4 Syntax error in parameters";
	return -1;
}

const struct frankd_smtp_param *frankd_smtp_param(const struct frankd_smtp_cmd *cmd,
						  const char *keyword)
{
	for (size_t i = 0; i < cmd->nparams; i++)
		if (strcmp(cmd->params[i].keyword, keyword) == 0)
			return &cmd->params[i];
	return NULL;
}

static int mail_or_rcpt(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	int mail = cmd->verb == FRANKD_SMTP_MAIL;
	if (!eat_word(c, " ") || !eat_word(c, mail ? "FROM:" : "TO:")) {
		*reply = mail ? "501 5.5.4 Syntax: MAIL FROM:<address>"
			      : "501 5.5.4 Syntax: RCPT TO:<address>";
		return -1;
	}
	skip_blanks(c);
	if (path(c, cmd, reply) < 0)
		return -1;
	return esmtp_params(c, cmd, reply);
}

/* The one word after HELO/EHLO: printable ASCII, at most 255 bytes. */
static int helo(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	skip_blanks(c);
	size_t n = 0;
	while (!at_end(c) && *c->p != ' ' && *c->p != '\t') {
		int ch = peek(c);
		if (ch < 33 || ch > 126 || n == FRANKD_SMTP_DOMAIN_MAX) {
			*reply = "501 5.5.4 Invalid domain name";
			return -1;
		}
		cmd->arg[n++] = (char)ch;
		c->p++;
	}
	cmd->arg[n] = '\0';
	if (n == 0) {
		*reply = cmd->verb == FRANKD_SMTP_EHLO ? "501 5.5.4 Syntax: EHLO hostname"
						       : "501 5.5.4 Syntax: HELO hostname";
		return -1;
	}
	return 0; /* words after it are ignored, as other servers do */
}

static int is_base64_char(int ch)
{
	return ch >= 0 && ch < 0x80 && (isalnum(ch) || ch == '+' || ch == '/' || ch == '=');
}

static int auth(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	skip_blanks(c);
	size_t n = 0;
	while (!at_end(c) && *c->p != ' ') {
		int ch = peek(c);
		if (n == 20 || !(isalnum(ch) || ch == '-' || ch == '_') || ch >= 0x80)
			goto bad;
		cmd->arg[n++] = (char)toupper(ch);
		c->p++;
	}
	cmd->arg[n] = '\0';
	if (n == 0)
		goto bad;
	skip_blanks(c);
	const char *ir = c->p;
	while (!at_end(c) && is_base64_char(peek(c)))
		c->p++;
	cmd->initial_response = ir;
	cmd->initial_response_len = (size_t)(c->p - ir);
	skip_blanks(c);
	if (!at_end(c))
		goto bad;
	return 0;
bad:
	*reply = "501 5.5.4 Syntax: AUTH mechanism [initial-response]";
	return -1;
}

/* Commands that take no argument, or any text (HELP, NOOP, VRFY, EXPN). */
static int rest(struct cursor *c, struct frankd_smtp_cmd *cmd, const char **reply)
{
	int had_blank = peek(c) == ' ' || peek(c) == '\t';
	skip_blanks(c);
	switch (cmd->verb) {
	case FRANKD_SMTP_HELP:
	case FRANKD_SMTP_NOOP:
		if (at_end(c) || had_blank)
			return 0;
		break;
	case FRANKD_SMTP_VRFY:
	case FRANKD_SMTP_EXPN:
		if (!at_end(c) && had_blank)
			return 0;
		break;
	default:
		if (at_end(c))
			return 0;
		break;
	}
	switch (cmd->verb) {
	case FRANKD_SMTP_DATA: *reply = "501 5.5.4 Syntax: DATA"; break;
	case FRANKD_SMTP_RSET: *reply = "501 5.5.4 Syntax: RSET"; break;
	case FRANKD_SMTP_QUIT: *reply = "501 5.5.4 Syntax: QUIT"; break;
	case FRANKD_SMTP_STARTTLS: *reply = "501 5.5.4 Syntax: STARTTLS"; break;
	case FRANKD_SMTP_VRFY: *reply = "501 5.5.4 Syntax: VRFY address"; break;
	case FRANKD_SMTP_EXPN: *reply = "501 5.5.4 Syntax: EXPN list"; break;
	default: *reply = "501 5.5.4 Syntax: command [text]"; break;
	}
	return -1;
}

int frankd_smtp_parse(const char *line, size_t len, struct frankd_smtp_cmd *cmd,
		      const char **reply)
{
	memset(cmd, 0, sizeof *cmd);
	*reply = NULL;
	if (memchr(line, '\0', len)) {
		*reply = "500 5.5.2 NUL byte in command";
		return -1;
	}
	struct cursor c = { line, line + len };
	size_t vlen = 0;
	while (vlen < len && line[vlen] != ' ' && line[vlen] != '\t')
		vlen++;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strlen(verbs[i].name) == vlen && strncasecmp(line, verbs[i].name, vlen) == 0)
			cmd->verb = verbs[i].verb;
	if (cmd->verb == FRANKD_SMTP_UNKNOWN)
		return 0;
	c.p += vlen;
	switch (cmd->verb) {
	case FRANKD_SMTP_HELO:
	case FRANKD_SMTP_EHLO:
		return helo(&c, cmd, reply);
	case FRANKD_SMTP_MAIL:
	case FRANKD_SMTP_RCPT:
		return mail_or_rcpt(&c, cmd, reply);
	case FRANKD_SMTP_AUTH:
		return auth(&c, cmd, reply);
	default:
		return rest(&c, cmd, reply);
	}
}
