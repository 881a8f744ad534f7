/* imapd_names.c: the small files of names frankd's IMAP server keeps
 * beside the Maildirs (the grammar is in frankd.h): a user's subscribed
 * folders and a folder's keywords.  Pure functions over bytes. */
#include "frankd.h"

#include <stdlib.h>
#include <string.h>

static int name_ok(const char *s, size_t len)
{
	if (len == 0 || len > FRANKD_IMAP_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int frankd_imap_names_parse(const char *magic, const char *text, size_t len,
			    struct frankd_imap_names *out, struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	size_t mlen = strlen(magic);
	if (len < mlen + 1 || memcmp(text, magic, mlen) != 0 || text[mlen] != '\n')
		return lib_err_set(err, "line 1: not a \"%s\" file", magic);
	const char *p = text + mlen + 1, *end = text + len;
	for (size_t line = 2; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : 0;
		char *name = nl && name_ok(p, n) ? lib_xstrndup(p, n) : NULL;
		if (!name || frankd_imap_names_find(out, name) >= 0 ||
		    out->count == FRANKD_IMAP_NAMES_MAX) {
			free(name);
			frankd_imap_names_release(out);
			return lib_err_set(err, "line %zu: bad name", line);
		}
		frankd_imap_names_add(out, name);
		free(name);
		p = nl + 1;
	}
	return 0;
}

void frankd_imap_names_format(const char *magic, const struct frankd_imap_names *names,
			      struct lib_buf *out)
{
	lib_buf_printf(out, "%s\n", magic);
	for (size_t i = 0; i < names->count; i++)
		lib_buf_printf(out, "%s\n", names->names[i]);
}

long frankd_imap_names_find(const struct frankd_imap_names *names, const char *name)
{
	for (size_t i = 0; i < names->count; i++)
		if (strcmp(names->names[i], name) == 0)
			return (long)i;
	return -1;
}

int frankd_imap_names_add(struct frankd_imap_names *names, const char *name)
{
	long at = frankd_imap_names_find(names, name);
	if (at >= 0)
		return (int)at;
	if (names->count == FRANKD_IMAP_NAMES_MAX || !name_ok(name, strlen(name)))
		return -1;
	names->names = lib_xrealloc(names->names, (names->count + 1) * sizeof *names->names);
	names->names[names->count] = lib_xstrdup(name);
	return (int)names->count++;
}

void frankd_imap_names_remove(struct frankd_imap_names *names, const char *name)
{
	long at = frankd_imap_names_find(names, name);
	if (at < 0)
		return;
	free(names->names[at]);
	memmove(&names->names[at], &names->names[at + 1],
		(names->count - (size_t)at - 1) * sizeof *names->names);
	names->count--;
}

void frankd_imap_names_release(struct frankd_imap_names *names)
{
	for (size_t i = 0; i < names->count; i++)
		free(names->names[i]);
	free(names->names);
	memset(names, 0, sizeof *names);
}
