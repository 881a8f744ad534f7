/* smtp_reply.c: SMTP replies and EHLO capabilities, pure functions over
 * bytes (no sockets), so that unit tests and the fuzzer drive them.
 *
 * RFC 5321 4.2:
 *   Greeting    = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) /
 *                 ( "220-" (Domain / address-literal) [ SP textstring ] CRLF
 *                   *( "220-" [ textstring ] CRLF )
 *                   "220" [ SP textstring ] CRLF )
 *   textstring  = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
 *   Reply-line  = *( Reply-code "-" [ textstring ] CRLF )
 *                 Reply-code [ SP textstring ] CRLF
 *   Reply-code  = %x32-35 %x30-35 %x30-39
 * "the same code on each line" (4.2.1).
 *
 * RFC 3463 3.1, carried at the start of the text by RFC 2034:
 *   status-code = class "." subject "." detail
 *   class       = "2" / "4" / "5"
 *   subject     = 1*3digit
 *   detail      = 1*3digit
 *
 * Leniency: textstring is taken as any bytes but NUL (servers send UTF-8
 * and stray controls; smtp_reply_text() cleans them for the terminal), and
 * a bare LF ends a line as CRLF does. */
#include "proto.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLY_TEXT_SHOWN 1000 /* bytes of a reply shown to the user */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reply-code = %x32-35 %x30-35 %x30-39 */
static int reply_code(const char *s, size_t len)
{
	if (len < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' || !is_digit(s[2]))
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* 1*3digit at s: the count of digits, 0 when none or more than three. */
static size_t digits_1_3(const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && is_digit(s[n]))
		n++;
	return n <= 3 ? n : 0;
}

/* An RFC 3463 status-code of class cls at the start of s, ended by a space
 * or the end of the text: its length, else 0. */
static size_t enhanced_code(const char *s, size_t len, char cls)
{
	if (len < 5 || s[0] != cls || s[1] != '.')
		return 0;
	size_t pos = 2, n = digits_1_3(s + pos, len - pos);
	if (!n || pos + n >= len || s[pos + n] != '.')
		return 0;
	pos += n + 1;
	n = digits_1_3(s + pos, len - pos);
	if (!n)
		return 0;
	pos += n;
	return pos == len || s[pos] == ' ' ? pos : 0;
}

void smtp_reply_release(struct smtp_reply *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

static void add_line(struct smtp_reply *r, const char *text, size_t len)
{
	r->lines = lib_xrealloc(r->lines, (r->nlines + 1) * sizeof *r->lines);
	r->lines[r->nlines++] = lib_xstrndup(text, len);
}

int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len, struct lib_err *err)
{
	if (r->complete)
		return lib_err_set(err, "SMTP reply: a line after the last one");
	if (memchr(line, '\0', len))
		return lib_err_set(err, "SMTP reply: a NUL byte in a reply line");
	if (len > SMTP_REPLY_MAX_LINE)
		return lib_err_set(err, "SMTP reply: a line longer than %d bytes", SMTP_REPLY_MAX_LINE);
	int code = reply_code(line, len);
	if (code < 0)
		return lib_err_set(err, "SMTP reply: not a reply line: \"%.*s\"",
				   (int)(len < 40 ? len : 40), line);
	if (r->code && code != r->code)
		return lib_err_set(err, "SMTP reply: code %d after %d in one reply", code, r->code);
	if (len > 3 && line[3] != '-' && line[3] != ' ')
		return lib_err_set(err, "SMTP reply: no space or '-' after the code %d", code);
	if (r->nlines >= SMTP_REPLY_MAX_LINES)
		return lib_err_set(err, "SMTP reply: more than %d lines", SMTP_REPLY_MAX_LINES);
	r->code = code;
	int last = len == 3 || line[3] == ' ';
	const char *text = len > 4 ? line + 4 : "";
	size_t tlen = len > 4 ? len - 4 : 0;
	size_t elen = enhanced_code(text, tlen, line[0]);
	if (elen && r->nlines == 0 && elen < sizeof r->enhanced)
		memcpy(r->enhanced, text, elen), r->enhanced[elen] = '\0';
	if (elen && r->enhanced[0]) {
		/* The code and its space are repeated on every line: shown once. */
		text += elen;
		tlen -= elen;
		if (tlen && *text == ' ')
			text++, tlen--;
	}
	add_line(r, text, tlen);
	r->complete = last;
	return last;
}

int smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r, size_t *consumed,
		     struct lib_err *err)
{
	smtp_reply_release(r);
	size_t pos = 0;
	for (;;) {
		size_t line_len = 0, used = 0;
		enum net_line_scan scan = net_line_scan(buf + pos, len - pos, SMTP_REPLY_MAX_LINE,
							&line_len, &used);
		if (scan == NET_LINE_MORE) {
			smtp_reply_release(r); /* parsed again when more has come */
			return 0;
		}
		if (scan == NET_LINE_TOO_LONG) {
			smtp_reply_release(r);
			return lib_err_set(err, "SMTP reply: a line longer than %d bytes",
					   SMTP_REPLY_MAX_LINE);
		}
		int rc = smtp_reply_feed(r, buf + pos, line_len, err);
		pos += used;
		if (rc < 0) {
			smtp_reply_release(r);
			return -1;
		}
		if (rc == 1) {
			*consumed = pos;
			return 1;
		}
	}
}

void smtp_reply_text(const struct smtp_reply *r, struct lib_buf *out)
{
	struct lib_buf raw = LIB_BUF_INIT;
	lib_buf_printf(&raw, "%d", r->code);
	if (r->enhanced[0])
		lib_buf_printf(&raw, " %s", r->enhanced);
	const char *sep = " ";
	for (size_t i = 0; i < r->nlines && raw.len < REPLY_TEXT_SHOWN; i++) {
		if (!r->lines[i][0])
			continue;
		lib_buf_puts(&raw, sep);
		lib_buf_puts(&raw, r->lines[i]);
		sep = "; ";
	}
	size_t n = raw.len < REPLY_TEXT_SHOWN ? raw.len : REPLY_TEXT_SHOWN;
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(raw.data, n, &clean);
	for (size_t i = 0; i < clean.len; i++)
		if (clean.data[i] == '\n' || clean.data[i] == '\t')
			clean.data[i] = ' ';
	lib_buf_append(out, clean.data ? clean.data : "", clean.len);
	lib_buf_release(&clean);
	lib_buf_release(&raw);
}

/* --- EHLO ---------------------------------------------------------------- */

/* ehlo-line = ehlo-keyword *( SP ehlo-param )   (RFC 5321 4.1.1.1)
 * ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
 * The old "AUTH=PLAIN LOGIN" form (before RFC 4954) counts as AUTH. */
static size_t keyword_len(const char *s)
{
	size_t n = 0;
	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || is_digit(s[n]) ||
	       (n && s[n] == '-'))
		n++;
	return n;
}

static int keyword_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static void parse_auth(const char *params, struct smtp_caps *caps)
{
	caps->ext |= SMTP_EXT_AUTH;
	size_t have = strlen(caps->auth_offered);
	for (const char *p = params; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (keyword_is(p, n, "PLAIN"))
			caps->auth |= SMTP_AUTH_PLAIN;
		else if (keyword_is(p, n, "LOGIN"))
			caps->auth |= SMTP_AUTH_LOGIN;
		if (have + n + 2 < sizeof caps->auth_offered) {
			if (have)
				caps->auth_offered[have++] = ' ';
			memcpy(caps->auth_offered + have, p, n);
			have += n;
			caps->auth_offered[have] = '\0';
		}
		p += n;
	}
}

/* SIZE [number]: an absent or zero number means no fixed limit. */
static void parse_size(const char *params, struct smtp_caps *caps)
{
	caps->ext |= SMTP_EXT_SIZE;
	unsigned long long v = 0;
	const char *p = params;
	while (*p == ' ')
		p++;
	for (; is_digit(*p); p++) {
		if (v > (~0ULL - 9) / 10)
			return; /* absurd: treat as no limit */
		v = v * 10 + (unsigned)(*p - '0');
	}
	caps->size_max = v;
}

void smtp_caps_parse(const struct smtp_reply *ehlo, struct smtp_caps *caps)
{
	memset(caps, 0, sizeof *caps);
	static const struct {
		const char *word;
		unsigned bit;
	} simple[] = {
		{ "STARTTLS", SMTP_EXT_STARTTLS }, { "PIPELINING", SMTP_EXT_PIPELINING },
		{ "8BITMIME", SMTP_EXT_8BITMIME }, { "SMTPUTF8", SMTP_EXT_SMTPUTF8 },
		{ "ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCED },
	};
	/* The first line is the server's name and greeting, not a keyword. */
	for (size_t i = 1; i < ehlo->nlines; i++) {
		const char *line = ehlo->lines[i];
		size_t n = keyword_len(line);
		if (!n || (line[n] && line[n] != ' ' && line[n] != '='))
			continue;
		const char *params = line[n] ? line + n + 1 : line + n;
		if (keyword_is(line, n, "AUTH"))
			parse_auth(params, caps);
		else if (keyword_is(line, n, "SIZE"))
			parse_size(params, caps);
		for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++)
			if (keyword_is(line, n, simple[k].word) && !line[n])
				caps->ext |= simple[k].bit;
	}
}
