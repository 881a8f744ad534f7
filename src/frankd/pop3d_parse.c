/* pop3d_parse.c: POP3 command lines and the multi-line body, pure
 * functions over bytes (no sockets), so unit tests and the fuzzer drive
 * them directly.
 *
 * RFC 1939 3, RFC 2449 4, RFC 2595 4:
 *   command  = keyword *(SP param) CRLF     ; at most 255 octets with CRLF
 *   keyword  = 3*4 VCHAR                    ; case-insensitive
 *   param    = 1*40 VCHAR
 *   USER name | PASS string (the rest of the line: spaces allowed)
 *   STAT | LIST [msg] | UIDL [msg] | RETR msg | DELE msg | TOP msg n
 *   RSET | NOOP | QUIT | CAPA | STLS
 *   msg, n   = 1*DIGIT                      ; msg >= 1
 * A line with a control character (NUL, CR, ESC...) is refused whole. */
#include "frankd.h"

#include <string.h>
#include <strings.h>

struct pop3_verb_spec {
	const char *name;
	enum frankd_pop3_verb verb;
};

static const struct pop3_verb_spec verbs[] = {
	{ "USER", FRANKD_POP3_USER }, { "PASS", FRANKD_POP3_PASS }, { "STAT", FRANKD_POP3_STAT },
	{ "LIST", FRANKD_POP3_LIST }, { "UIDL", FRANKD_POP3_UIDL }, { "RETR", FRANKD_POP3_RETR },
	{ "TOP", FRANKD_POP3_TOP },   { "DELE", FRANKD_POP3_DELE }, { "RSET", FRANKD_POP3_RSET },
	{ "NOOP", FRANKD_POP3_NOOP }, { "QUIT", FRANKD_POP3_QUIT }, { "CAPA", FRANKD_POP3_CAPA },
	{ "STLS", FRANKD_POP3_STLS },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *frankd_pop3_verb_str(enum frankd_pop3_verb verb)
{
	for (size_t i = 0; i < COUNT(verbs); i++)
		if (verbs[i].verb == verb)
			return verbs[i].name;
	return "UNKNOWN";
}

/* Splits the words after the keyword (single spaces, as RFC 1939 says;
 * runs of spaces are tolerated).  Returns how many, at most max. */
static size_t split_words(const char *s, const char **word, size_t *word_len, size_t max)
{
	size_t n = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && *s != ' ')
			s++;
		if (n == max)
			return max + 1;
		word[n] = start;
		word_len[n++] = (size_t)(s - start);
	}
	return n;
}

/* 1*DIGIT up to FRANKD_POP3_NUMBER_MAX: 0 with *out, or -1. */
static int number_parse(const char *s, size_t len, unsigned long *out)
{
	if (len == 0 || len > 9)
		return -1;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int message_number(const char *s, size_t len, unsigned long *out)
{
	return number_parse(s, len, out) < 0 || *out == 0 ? -1 : 0;
}

/* The arguments of each verb; -1 with *error. */
static int parse_args(struct frankd_pop3_cmd *cmd, const char *rest, const char **error)
{
	const char *word[3];
	size_t word_len[3];
	size_t n = split_words(rest, word, word_len, 2);
	switch (cmd->verb) {
	case FRANKD_POP3_USER:
		if (n != 1)
			return *error = "-ERR Syntax: USER name", -1;
		memcpy(cmd->arg, word[0], word_len[0]);
		cmd->arg[word_len[0]] = '\0';
		return 0;
	case FRANKD_POP3_PASS:
		/* The password is the rest of the line after one space. */
		if (rest[0] != ' ' || rest[1] == '\0')
			return *error = "-ERR Syntax: PASS password", -1;
		strcpy(cmd->arg, rest + 1);
		return 0;
	case FRANKD_POP3_LIST:
	case FRANKD_POP3_UIDL:
		if (n > 1 || (n == 1 && message_number(word[0], word_len[0], &cmd->number) < 0))
			return *error = "-ERR Syntax: a message number, or none", -1;
		cmd->has_number = n == 1;
		return 0;
	case FRANKD_POP3_RETR:
	case FRANKD_POP3_DELE:
		if (n != 1 || message_number(word[0], word_len[0], &cmd->number) < 0)
			return *error = "-ERR Syntax: a message number", -1;
		cmd->has_number = 1;
		return 0;
	case FRANKD_POP3_TOP:
		if (n != 2 || message_number(word[0], word_len[0], &cmd->number) < 0 ||
		    number_parse(word[1], word_len[1], &cmd->lines) < 0)
			return *error = "-ERR Syntax: TOP message lines", -1;
		cmd->has_number = 1;
		return 0;
	default:
		if (n != 0)
			return *error = "-ERR Syntax: no arguments", -1;
		return 0;
	}
}

int frankd_pop3_parse(const char *line, size_t len, struct frankd_pop3_cmd *cmd,
		      const char **error)
{
	memset(cmd, 0, sizeof *cmd);
	if (len > FRANKD_POP3_LINE_MAX - 2) {
		*error = "-ERR Line too long";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f) {
			*error = "-ERR Control character in the command";
			return -1;
		}
	}
	char text[FRANKD_POP3_LINE_MAX + 1];
	memcpy(text, line, len);
	text[len] = '\0';
	size_t klen = strcspn(text, " ");
	for (size_t i = 0; i < COUNT(verbs); i++) {
		if (strlen(verbs[i].name) == klen && strncasecmp(text, verbs[i].name, klen) == 0) {
			cmd->verb = verbs[i].verb;
			int rc = parse_args(cmd, text + klen, error);
			lib_secure_zero(text, sizeof text); /* PASS */
			return rc;
		}
	}
	*error = "-ERR Unknown command";
	return -1;
}

/* --- the multi-line body ---------------------------------------------------- */

size_t frankd_crlf_size(const char *text, size_t len)
{
	size_t size = len;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			size++;
	if (len && text[len - 1] != '\n')
		size += 2; /* frankd_pop3_body ends the last line */
	return size;
}

size_t frankd_pop3_body(const char *text, size_t len, const unsigned long *lines,
			struct lib_buf *out)
{
	size_t before = out->len;
	int in_body = 0;
	unsigned long body_lines = 0;
	size_t i = 0;
	while (i < len) {
		if (in_body && lines && body_lines >= *lines)
			break;
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t content = end > i && text[end - 1] == '\r' ? end - 1 - i : end - i;
		if (content > 0 && text[i] == '.')
			lib_buf_putc(out, '.');
		lib_buf_append(out, text + i, content);
		lib_buf_append(out, "\r\n", 2);
		if (in_body)
			body_lines++;
		else if (content == 0)
			in_body = 1; /* the blank line that ends the header */
		i = nl ? end + 1 : len;
	}
	return out->len - before;
}
