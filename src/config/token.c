/* token.c: lines and words of a frankrc or key map file, as mutt reads a
 * muttrc.
 *
 * Grammar (informal, after mutt's manual, "Syntax of Initialization Files"):
 *   file     = *( logical-line LF )
 *   logical  = physical lines joined where one ends in an odd number of "\"
 *   line     = *WSP [ word *( 1*WSP word ) ] *WSP [ comment ]
 *   comment  = "#" *CHAR                ; only where a word would start
 *   word     = 1*( plain / dquoted / squoted )
 *   plain    = any char but WSP, quotes; "\" c escapes c; $VAR; ~ at start
 *   dquoted  = DQUOTE *( "\" CHAR / $VAR / char but DQUOTE ) DQUOTE
 *   squoted  = "'" *( char but "'" ) "'"
 *   $VAR     = "$" NAME / "${" NAME "}"  ; NAME = (ALPHA / "_") *(ALNUM / "_")
 * Escapes as mutt's: \n \r \t \f \e \Cx make control characters (only a
 * key or macro word may hold them, except TAB); any other \c is c. */
#include "config_internal.h"

#include <string.h>

int config_lexer_next(struct config_lexer *lx, struct lib_buf *out, int *lineno,
		      struct lib_err *err)
{
	lib_buf_reset(out);
	lib_buf_puts(out, "");
	if (lx->pos >= lx->len)
		return 0;
	*lineno = lx->line + 1;
	while (lx->pos < lx->len) {
		lx->line++;
		const char *start = lx->text + lx->pos;
		const char *nl = memchr(start, '\n', lx->len - lx->pos);
		size_t llen = nl ? (size_t)(nl - start) : lx->len - lx->pos;
		lx->pos += llen + (nl != NULL);
		if (llen && start[llen - 1] == '\r')
			llen--;
		if (llen > CONFIG_MAX_LINE) {
			*lineno = lx->line;
			return lib_err_set(err, "line too long (limit %d)", CONFIG_MAX_LINE);
		}
		if (memchr(start, '\0', llen)) {
			*lineno = lx->line;
			return lib_err_set(err, "NUL byte in line");
		}
		size_t backslashes = 0;
		while (backslashes < llen && start[llen - 1 - backslashes] == '\\')
			backslashes++;
		int more = backslashes % 2 == 1;
		lib_buf_append(out, start, llen - (size_t)more);
		if (out->len > CONFIG_MAX_LOGICAL_LINE)
			return lib_err_set(err, "continued line too long (limit %d)",
					   CONFIG_MAX_LOGICAL_LINE);
		if (!more)
			break;
	}
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static const char *host_getenv(const struct config_host *host, const char *name)
{
	return host && host->getenv ? host->getenv(host->ctx, name) : NULL;
}

/* At p, a '$': appends the variable's value and moves past its name, or
 * appends a plain '$' when no name follows ("$5", "foo$"). */
static int expand_variable(struct config_words *w, struct lib_buf *out, struct lib_err *err)
{
	const char *p = w->p + 1;
	int braced = *p == '{';
	p += braced;
	if (!is_name_start(*p)) {
		if (braced)
			return lib_err_set(err, "bad variable name after ${");
		lib_buf_putc(out, '$');
		w->p++;
		return 0;
	}
	const char *name = p;
	while (is_name_char(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	if (braced && *p++ != '}')
		return lib_err_set(err, "missing } after ${%.*s", (int)nlen, name);
	char buf[128];
	if (nlen >= sizeof buf)
		return lib_err_set(err, "variable name too long: %.*s...", 32, name);
	memcpy(buf, name, nlen);
	buf[nlen] = '\0';
	const char *value = host_getenv(w->host, buf);
	if (!value)
		return lib_err_set(err, "environment variable %s is not set", buf);
	lib_buf_puts(out, value);
	w->p = p;
	return 0;
}

/* At p, a backslash outside single quotes: appends what it stands for. */
static int escape(struct config_words *w, struct lib_buf *out, struct lib_err *err)
{
	char c = w->p[1];
	if (c == '\0') { /* a lone backslash at the very end of the text */
		w->p++;
		return 0;
	}
	w->p += 2;
	switch (c) {
	case 't': lib_buf_putc(out, '\t'); return 0;
	case 'n': case 'r': case 'f': case 'e': case 'E': case 'C': case 'c':
		return lib_err_set(err, "control character in a value (\\%c is for keys and macros)",
				   c);
	default: lib_buf_putc(out, c); return 0;
	}
}

/* A key word keeps its escapes for config_key_parse, as key map files
 * always did: in double quotes only \" loses its backslash. */
static int key_word(struct config_words *w, struct lib_buf *out, struct lib_err *err)
{
	const char *p = w->p;
	while (*p && !is_blank(*p)) {
		if (*p != '"' && *p != '\'') {
			lib_buf_putc(out, *p++);
			continue;
		}
		char q = *p++;
		while (*p && *p != q) {
			if (q == '"' && *p == '\\' && p[1] == '"')
				p++;
			else if (q == '"' && *p == '\\' && p[1])
				lib_buf_putc(out, *p++);
			lib_buf_putc(out, *p++);
		}
		if (*p != q)
			return lib_err_set(err, "unterminated quote");
		p++;
	}
	w->p = p;
	return 1;
}

static int special_char(struct config_words *w, struct lib_buf *out, int in_dquote,
			struct lib_err *err)
{
	char c = *w->p;
	if (c == '\\')
		return escape(w, out, err);
	if (c == '$' && w->expand)
		return expand_variable(w, out, err);
	if (c == '`' && w->expand)
		return lib_err_set(err, "backticks (command substitution) are not supported%s",
				   in_dquote ? "" : "; use passcmd to run a command");
	lib_buf_putc(out, c);
	w->p++;
	return 0;
}

static int double_quoted(struct config_words *w, struct lib_buf *out, struct lib_err *err)
{
	w->p++;
	while (*w->p && *w->p != '"')
		if (special_char(w, out, 1, err) < 0)
			return -1;
	if (*w->p != '"')
		return lib_err_set(err, "unterminated quote");
	w->p++;
	return 0;
}

static int single_quoted(struct config_words *w, struct lib_buf *out, struct lib_err *err)
{
	const char *end = strchr(w->p + 1, '\'');
	if (!end)
		return lib_err_set(err, "unterminated quote");
	lib_buf_append(out, w->p + 1, (size_t)(end - w->p - 1));
	w->p = end + 1;
	return 0;
}

/* "~" or "~/..." at the start of a word, outside quotes, is $HOME. */
static int home(struct config_words *w, struct lib_buf *out, unsigned flags, struct lib_err *err)
{
	char next = w->p[1];
	if (!(next == '/' || next == '\0' || is_blank(next) ||
	      (next == '=' && (flags & CONFIG_WORD_NAME)))) {
		lib_buf_putc(out, '~'); /* ~user is not expanded */
		w->p++;
		return 0;
	}
	const char *value = host_getenv(w->host, "HOME");
	if (!value)
		return lib_err_set(err, "environment variable HOME is not set (for ~)");
	lib_buf_puts(out, value);
	w->p++;
	return 0;
}

static int check_controls(const struct lib_buf *out, struct lib_err *err)
{
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->data[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return lib_err_set(err, "control character in a value");
	}
	return 0;
}

int config_word_next(struct config_words *w, unsigned flags, struct lib_buf *out,
		     struct lib_err *err)
{
	lib_buf_reset(out);
	lib_buf_puts(out, "");
	while (is_blank(*w->p))
		w->p++;
	if (*w->p == '\0' || *w->p == '#')
		return 0;
	if (flags & CONFIG_WORD_KEY)
		return key_word(w, out, err);
	if (*w->p == '~' && w->expand && home(w, out, flags, err) < 0)
		return -1;
	while (*w->p && !is_blank(*w->p)) {
		int rc;
		if (*w->p == '=' && (flags & CONFIG_WORD_NAME))
			break;
		if (*w->p == '"')
			rc = double_quoted(w, out, err);
		else if (*w->p == '\'')
			rc = single_quoted(w, out, err);
		else
			rc = special_char(w, out, 0, err);
		if (rc < 0)
			return -1;
	}
	if (check_controls(out, err) < 0)
		return -1;
	return 1;
}

int config_word_eat(struct config_words *w, char c)
{
	while (is_blank(*w->p))
		w->p++;
	if (*w->p != c)
		return 0;
	w->p++;
	return 1;
}

int config_word_at_end(struct config_words *w)
{
	while (is_blank(*w->p))
		w->p++;
	return *w->p == '\0' || *w->p == '#';
}
