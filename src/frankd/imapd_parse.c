/* imapd_parse.c: where an IMAP command ends (the framer) and its tag,
 * verb and arguments as tokens, pure functions over bytes so that unit
 * tests and the fuzzer drive them directly.  The grammar is in frankd.h
 * beside frankd_imap_parse (RFC 3501 9; LITERAL+ RFC 7888). */
#include "frankd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- the framer ------------------------------------------------------------ */

void frankd_imap_framer_init(struct frankd_imap_framer *f, size_t max_line, size_t max_size)
{
	memset(f, 0, sizeof *f);
	f->max_line = max_line;
	f->max_size = max_size;
}

/* The literal a line ends with ("{12}" or "{12+}"): its size, or -1. */
static long long literal_at_end(const char *tail, size_t len, int *sync)
{
	if (len < 3 || tail[len - 1] != '}')
		return -1;
	size_t end = len - 1;
	*sync = 1;
	if (tail[end - 1] == '+') {
		*sync = 0;
		end--;
	}
	size_t start = end;
	while (start > 0 && isdigit((unsigned char)tail[start - 1]))
		start--;
	if (start == end || start == 0 || tail[start - 1] != '{' || end - start > 10)
		return -1;
	long long n = 0;
	for (size_t i = start; i < end; i++)
		n = n * 10 + (tail[i] - '0');
	return n;
}

/* A line ended (at its LF): DONE, or the literal it announces. */
static enum frankd_imap_frame_status line_end(struct frankd_imap_framer *f)
{
	size_t len = f->tail_len;
	if (len && f->tail[len - 1] == '\r')
		len--;
	int sync = 0;
	long long n = literal_at_end(f->tail, len, &sync);
	f->line_len = 0;
	f->tail_len = 0;
	if (n < 0)
		return FRANKD_IMAP_FRAME_DONE;
	if ((unsigned long long)n > f->max_size || f->size + (size_t)n > f->max_size)
		return FRANKD_IMAP_FRAME_TOO_LONG;
	f->literal_left = (size_t)n;
	return sync ? FRANKD_IMAP_FRAME_CONTINUE : FRANKD_IMAP_FRAME_MORE;
}

enum frankd_imap_frame_status frankd_imap_frame_feed(struct frankd_imap_framer *f,
						     const char *data, size_t len, size_t *used)
{
	size_t i = 0;
	while (i < len) {
		if (f->literal_left) {
			size_t take = len - i < f->literal_left ? len - i : f->literal_left;
			f->literal_left -= take;
			f->size += take;
			i += take;
			continue;
		}
		char c = data[i++];
		f->size++;
		if (c == '\n') {
			enum frankd_imap_frame_status st = line_end(f);
			if (st == FRANKD_IMAP_FRAME_MORE)
				continue; /* LITERAL+: its bytes follow at once */
			*used = i;
			return st;
		}
		if (++f->line_len > f->max_line || f->size > f->max_size) {
			*used = i;
			return FRANKD_IMAP_FRAME_TOO_LONG;
		}
		if (f->tail_len == sizeof f->tail) {
			memmove(f->tail, f->tail + 1, sizeof f->tail - 1);
			f->tail_len--;
		}
		f->tail[f->tail_len++] = c;
	}
	*used = i;
	return FRANKD_IMAP_FRAME_MORE;
}

/* --- verbs ---------------------------------------------------------------------- */

static const char *const verb_names[] = {
	[FRANKD_IMAP_UNKNOWN] = "UNKNOWN",     [FRANKD_IMAP_CAPABILITY] = "CAPABILITY",
	[FRANKD_IMAP_NOOP] = "NOOP",           [FRANKD_IMAP_LOGOUT] = "LOGOUT",
	[FRANKD_IMAP_STARTTLS] = "STARTTLS",   [FRANKD_IMAP_AUTHENTICATE] = "AUTHENTICATE",
	[FRANKD_IMAP_LOGIN] = "LOGIN",         [FRANKD_IMAP_SELECT] = "SELECT",
	[FRANKD_IMAP_EXAMINE] = "EXAMINE",     [FRANKD_IMAP_LIST] = "LIST",
	[FRANKD_IMAP_LSUB] = "LSUB",           [FRANKD_IMAP_STATUS] = "STATUS",
	[FRANKD_IMAP_CHECK] = "CHECK",         [FRANKD_IMAP_CLOSE] = "CLOSE",
	[FRANKD_IMAP_UNSELECT] = "UNSELECT",   [FRANKD_IMAP_EXPUNGE] = "EXPUNGE",
	[FRANKD_IMAP_SEARCH] = "SEARCH",       [FRANKD_IMAP_FETCH] = "FETCH",
	[FRANKD_IMAP_STORE] = "STORE",         [FRANKD_IMAP_IDLE] = "IDLE",
	[FRANKD_IMAP_APPEND] = "APPEND",       [FRANKD_IMAP_COPY] = "COPY",
	[FRANKD_IMAP_CREATE] = "CREATE",       [FRANKD_IMAP_DELETE] = "DELETE",
	[FRANKD_IMAP_RENAME] = "RENAME",       [FRANKD_IMAP_SUBSCRIBE] = "SUBSCRIBE",
	[FRANKD_IMAP_UNSUBSCRIBE] = "UNSUBSCRIBE", [FRANKD_IMAP_NAMESPACE] = "NAMESPACE",
	[FRANKD_IMAP_ID] = "ID",               [FRANKD_IMAP_ENABLE] = "ENABLE",
	[FRANKD_IMAP_MOVE] = "MOVE",
};

#define NVERBS (sizeof verb_names / sizeof verb_names[0])

const char *frankd_imap_verb_str(enum frankd_imap_verb verb)
{
	return (size_t)verb < NVERBS ? verb_names[verb] : "UNKNOWN";
}

static enum frankd_imap_verb verb_lookup(const char *s, size_t len)
{
	for (size_t v = 1; v < NVERBS; v++)
		if (strlen(verb_names[v]) == len && strncasecmp(s, verb_names[v], len) == 0)
			return (enum frankd_imap_verb)v;
	return FRANKD_IMAP_UNKNOWN;
}

/* --- tokens --------------------------------------------------------------------- */

struct scan {
	const char *p, *end;
	int depth;
	const char *error;
};

/* ATOM-CHAR (RFC 3501 9) and what atoms here may also hold: "]" as in
 * ASTRING-CHAR, the LIST wildcards "%" and "*", and "\" for flags. */
static int atom_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"';
}

static int token_push(struct frankd_imap_cmd *cmd, enum frankd_imap_token_kind kind,
		      const char *text, size_t len)
{
	if (cmd->nargs == FRANKD_IMAP_TOKENS_MAX)
		return -1;
	if (cmd->nargs % 16 == 0)
		cmd->args = lib_xrealloc(cmd->args, (cmd->nargs + 16) * sizeof *cmd->args);
	struct frankd_imap_token *t = &cmd->args[cmd->nargs++];
	t->kind = kind;
	t->text = lib_xmalloc(len + 1);
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->len = len;
	return 0;
}

/* An atom, with a "[...]" section and "<...>" partial inside it. */
static int scan_atom(struct scan *sc, struct frankd_imap_cmd *cmd)
{
	const char *start = sc->p;
	int bracket = 0;
	while (sc->p < sc->end) {
		unsigned char c = (unsigned char)*sc->p;
		if (c == '[') {
			bracket++;
		} else if (c == ']' && bracket) {
			bracket--;
		} else if (bracket && (c == ' ' || c == '(' || c == ')' || c == '"')) {
			/* inside a section: HEADER.FIELDS (A B) */
		} else if (c < 0x20 || c >= 0x7f || !atom_char(c)) {
			break;
		}
		sc->p++;
	}
	if (bracket || sc->p == start)
		return sc->error = "Bad atom", -1;
	if (token_push(cmd, FRANKD_IMAP_ATOM, start, (size_t)(sc->p - start)) < 0)
		return sc->error = "Too many arguments", -1;
	return 0;
}

static int scan_quoted(struct scan *sc, struct frankd_imap_cmd *cmd)
{
	struct lib_buf text = LIB_BUF_INIT;
	sc->p++;
	while (sc->p < sc->end && *sc->p != '"') {
		char c = *sc->p++;
		if (c == '\\') {
			if (sc->p == sc->end || (*sc->p != '\\' && *sc->p != '"'))
				break;
			c = *sc->p++;
		} else if (c == '\r' || c == '\n' || c == '\0') {
			break;
		}
		lib_buf_putc(&text, c);
	}
	int rc = 0;
	if (sc->p == sc->end || *sc->p != '"')
		rc = -1, sc->error = "Bad quoted string";
	else if (sc->p++, token_push(cmd, FRANKD_IMAP_STRING, text.data ? text.data : "",
				     text.len) < 0)
		rc = -1, sc->error = "Too many arguments";
	lib_buf_release(&text);
	return rc;
}

static int scan_literal(struct scan *sc, struct frankd_imap_cmd *cmd)
{
	const char *q = sc->p + 1;
	unsigned long long n = 0;
	size_t digits = 0;
	while (q < sc->end && isdigit((unsigned char)*q) && digits < 11)
		n = n * 10 + (unsigned)(*q++ - '0'), digits++;
	if (q < sc->end && *q == '+')
		q++;
	if (!digits || q + 1 >= sc->end || q[0] != '}' ||
	    !(q[1] == '\n' || (q[1] == '\r' && q + 2 < sc->end && q[2] == '\n')))
		return sc->error = "Bad literal", -1;
	q += q[1] == '\n' ? 2 : 3;
	if (n > (unsigned long long)(sc->end - q))
		return sc->error = "Literal longer than the command", -1;
	if (token_push(cmd, FRANKD_IMAP_STRING, q, (size_t)n) < 0)
		return sc->error = "Too many arguments", -1;
	sc->p = q + n;
	return 0;
}

static int scan_arguments(struct scan *sc, struct frankd_imap_cmd *cmd)
{
	while (sc->p < sc->end) {
		char c = *sc->p;
		int rc = 0;
		if (c == ' ') {
			sc->p++;
			continue;
		} else if (c == '(') {
			if (++sc->depth > FRANKD_IMAP_DEPTH_MAX)
				return sc->error = "Too deeply nested", -1;
			rc = token_push(cmd, FRANKD_IMAP_LPAREN, "(", 1);
			sc->p++;
		} else if (c == ')') {
			if (--sc->depth < 0)
				return sc->error = "Unbalanced parenthesis", -1;
			rc = token_push(cmd, FRANKD_IMAP_RPAREN, ")", 1);
			sc->p++;
		} else if (c == '"') {
			rc = scan_quoted(sc, cmd);
		} else if (c == '{') {
			rc = scan_literal(sc, cmd);
		} else {
			rc = scan_atom(sc, cmd);
		}
		if (rc < 0) {
			if (!sc->error)
				sc->error = "Too many arguments";
			return -1;
		}
	}
	if (sc->depth != 0)
		return sc->error = "Unbalanced parenthesis", -1;
	return 0;
}

int frankd_imap_parse(const char *data, size_t len, struct frankd_imap_cmd *cmd,
		      const char **error)
{
	memset(cmd, 0, sizeof *cmd);
	if (len && data[len - 1] == '\n')
		len--;
	if (len && data[len - 1] == '\r')
		len--;
	struct scan sc = { data, data + len, 0, NULL };
	const char *tag = sc.p;
	while (sc.p < sc.end && *sc.p != ' ' && atom_char((unsigned char)*sc.p) && *sc.p != '+' &&
	       *sc.p != '*' && *sc.p != '%')
		sc.p++;
	size_t tag_len = (size_t)(sc.p - tag);
	if (tag_len == 0 || tag_len > FRANKD_IMAP_TAG_MAX || sc.p == sc.end || *sc.p != ' ')
		return *error = "Missing or bad tag", -1;
	memcpy(cmd->tag, tag, tag_len);
	cmd->tag[tag_len] = '\0';
	sc.p++;
	const char *verb = sc.p;
	while (sc.p < sc.end && isalpha((unsigned char)*sc.p))
		sc.p++;
	size_t verb_len = (size_t)(sc.p - verb);
	if (verb_len == 3 && strncasecmp(verb, "UID", 3) == 0 && sc.p < sc.end && *sc.p == ' ') {
		cmd->uid = 1;
		verb = ++sc.p;
		while (sc.p < sc.end && isalpha((unsigned char)*sc.p))
			sc.p++;
		verb_len = (size_t)(sc.p - verb);
	}
	cmd->verb = verb_lookup(verb, verb_len);
	if (cmd->verb == FRANKD_IMAP_UNKNOWN || (sc.p < sc.end && *sc.p != ' '))
		return *error = "Unknown command", -1;
	if (cmd->uid && cmd->verb != FRANKD_IMAP_FETCH && cmd->verb != FRANKD_IMAP_STORE &&
	    cmd->verb != FRANKD_IMAP_SEARCH && cmd->verb != FRANKD_IMAP_COPY &&
	    cmd->verb != FRANKD_IMAP_EXPUNGE && cmd->verb != FRANKD_IMAP_MOVE)
		return *error = "Unknown UID command", -1;
	if (scan_arguments(&sc, cmd) < 0)
		return *error = sc.error, -1;
	return 0;
}

void frankd_imap_cmd_release(struct frankd_imap_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nargs; i++) {
		lib_secure_zero(cmd->args[i].text, cmd->args[i].len); /* LOGIN passwords */
		free(cmd->args[i].text);
	}
	free(cmd->args);
	cmd->args = NULL;
	cmd->nargs = 0;
}

/* --- strings out ------------------------------------------------------------------- */

void frankd_imap_string(struct lib_buf *out, const char *s, size_t len)
{
	int quotable = len < 1024;
	for (size_t i = 0; quotable && i < len; i++)
		quotable = s[i] != '\r' && s[i] != '\n' && s[i] != '\0' && (unsigned char)s[i] < 0x80;
	if (!quotable) {
		lib_buf_printf(out, "{%zu}\r\n", len);
		lib_buf_append(out, s, len);
		return;
	}
	lib_buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			lib_buf_putc(out, '\\');
		lib_buf_putc(out, s[i]);
	}
	lib_buf_putc(out, '"');
}
