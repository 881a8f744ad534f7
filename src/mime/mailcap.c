/* mailcap.c: finding a viewer in mailcap text (RFC 1524), a pure function
 * over bytes, and expanding its command.
 *
 *   Mailcap-File  = *Mailcap-Line
 *   Mailcap-Line  = Comment / Mailcap-Entry
 *   Comment       = NEWLINE / "#" *CHAR NEWLINE
 *   Mailcap-Entry = typefield ";" view-command [";" 1#field] NEWLINE
 *   typefield     = propertype / implicit-wild
 *   propertype    = type "/" subtype       ; subtype may be "*"
 *   implicit-wild = type                   ; "text" is "text/ *"
 *   field         = flag / namedfield
 *   namedfield    = fieldname "=" 1*mtext
 *   mtext         = *( schar / qchar )
 *   qchar         = "\" tchar              ; "\;" is a ';' in a field
 *
 * A line ending in "\" continues on the next.  In commands, %s is the
 * file, %t the type, %{name} a parameter of the Content-Type, %% a '%'. */
#include "mime.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One logical line (continuations joined) from text at *pos. */
static int next_line(const char *text, size_t len, size_t *pos, struct lib_buf *line)
{
	lib_buf_reset(line);
	if (*pos >= len)
		return 0;
	while (*pos < len && text[*pos] != '\n') {
		if (text[*pos] == '\\' && *pos + 1 < len && text[*pos + 1] == '\n') {
			*pos += 2;
			continue;
		}
		if (text[*pos] != '\r')
			lib_buf_putc(line, text[*pos]);
		(*pos)++;
	}
	if (*pos < len)
		(*pos)++;
	if (!line->data)
		lib_buf_puts(line, "");
	return 1;
}

/* The fields of an entry, split at unescaped ';' and trimmed.  "\;"
 * becomes ';'; "\%" is kept as "%%" so expansion leaves a '%'. */
static size_t split_fields(const char *line, char **fields, size_t max)
{
	size_t n = 0;
	struct lib_buf f = LIB_BUF_INIT;
	for (const char *p = line;; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			lib_buf_puts(&f, *p == '%' ? "%%" : (char[]){ *p, 0 });
			continue;
		}
		if (*p == ';' || *p == '\0') {
			char *s = lib_buf_take(&f);
			char *start = s;
			while (isspace((unsigned char)*start))
				start++;
			size_t l = strlen(start);
			while (l > 0 && isspace((unsigned char)start[l - 1]))
				l--;
			if (n < max)
				fields[n++] = lib_xstrndup(start, l);
			free(s);
			if (*p == '\0')
				break;
			continue;
		}
		lib_buf_putc(&f, *p);
	}
	lib_buf_release(&f);
	return n;
}

/* "text/html" against an entry's "text/html", "text/ *" or "text". */
static int type_matches(const char *pattern, const char *type)
{
	const char *slash = strchr(pattern, '/');
	size_t major = slash ? (size_t)(slash - pattern) : strlen(pattern);
	const char *tslash = strchr(type, '/');
	size_t tmajor = tslash ? (size_t)(tslash - type) : strlen(type);
	if (major != tmajor || strncasecmp(pattern, type, major) != 0)
		return 0;
	if (!slash || strcmp(slash + 1, "*") == 0)
		return 1;
	return tslash && strcasecmp(slash + 1, tslash + 1) == 0;
}

void mime_mailcap_entry_release(struct mime_mailcap_entry *e)
{
	free(e->view);
	free(e->test);
	memset(e, 0, sizeof *e);
}

#define MAILCAP_MAX_FIELDS 32

/* Reads the entry of line into out when it is for type (and has
 * copiousoutput, if asked); returns 1 then, else 0. */
static int entry_parse(const char *line, const char *type, int need_copious,
		       struct mime_mailcap_entry *out)
{
	char *fields[MAILCAP_MAX_FIELDS];
	size_t n = split_fields(line, fields, MAILCAP_MAX_FIELDS);
	int ok = n >= 2 && fields[1][0] && type_matches(fields[0], type);
	struct mime_mailcap_entry e = { 0 };
	for (size_t i = 2; ok && i < n; i++) {
		if (strcasecmp(fields[i], "copiousoutput") == 0)
			e.copiousoutput = 1;
		else if (strncasecmp(fields[i], "test", 4) == 0 && !e.test) {
			const char *v = fields[i] + 4;
			while (isspace((unsigned char)*v))
				v++;
			if (*v == '=') {
				v++;
				while (isspace((unsigned char)*v))
					v++;
				e.test = lib_xstrdup(v);
			}
		}
	}
	if (ok && need_copious && !e.copiousoutput)
		ok = 0;
	if (ok) {
		e.view = lib_xstrdup(fields[1]);
		*out = e;
	} else {
		free(e.test);
	}
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	return ok;
}

int mime_mailcap_find(const char *text, size_t len, const char *type, int need_copious,
		      size_t *pos, struct mime_mailcap_entry *out)
{
	struct lib_buf line = LIB_BUF_INIT;
	int found = 0;
	memset(out, 0, sizeof *out);
	while (!found && next_line(text, len, pos, &line)) {
		const char *p = line.data;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		found = entry_parse(p, type, need_copious, out);
	}
	lib_buf_release(&line);
	return found;
}

/* A value from the message (type, parameter) as it may stand in a shell
 * command: only characters no shell gives a meaning to. */
static void put_safe(struct lib_buf *out, const char *v)
{
	for (; v && *v; v++)
		if (isalnum((unsigned char)*v) || strchr("._+-/=", *v))
			lib_buf_putc(out, *v);
}

char *mime_mailcap_expand(const char *command, const char *path, const char *type,
			  const char *const *params, int *has_file)
{
	struct lib_buf out = LIB_BUF_INIT;
	*has_file = 0;
	for (const char *p = command; *p; p++) {
		if (*p != '%' || !p[1]) {
			lib_buf_putc(&out, *p);
			continue;
		}
		p++;
		if (*p == 's') {
			lib_buf_puts(&out, path); /* ours, from mkstemp: no shell characters */
			*has_file = 1;
		} else if (*p == 't') {
			put_safe(&out, type);
		} else if (*p == '%') {
			lib_buf_putc(&out, '%');
		} else if (*p == '{') {
			const char *end = strchr(p, '}');
			if (!end) {
				lib_buf_puts(&out, p - 1);
				break;
			}
			for (size_t i = 0; params && params[i] && params[i + 1]; i += 2)
				if (strlen(params[i]) == (size_t)(end - p - 1) &&
				    strncasecmp(params[i], p + 1, (size_t)(end - p - 1)) == 0)
					put_safe(&out, params[i + 1]);
			p = end;
		} else {
			lib_buf_putc(&out, '%');
			lib_buf_putc(&out, *p);
		}
	}
	if (!out.data)
		lib_buf_puts(&out, "");
	return lib_buf_take(&out);
}
