/* mailbox_uidlist.c: the uidlist file of a folder (its grammar is in
 * frankd.h), Maildir info flags and CRLF text, pure functions. */
#include "frankd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char **p, const char *end, uint32_t *out)
{
	uint64_t v = 0;
	const char *start = *p;
	while (*p < end && **p >= '0' && **p <= '9' && *p - start < 10)
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	if (*p == start || v == 0 || v > UINT32_MAX - 1 || (*start == '0'))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A base name as frankd writes it: printable, no "/" or ":" or space. */
static int name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 255 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '/' || s[i] == ':')
			return 0;
	return 1;
}

static int header_parse(const char **p, const char *end, struct frankd_uidlist *out)
{
	static const char magic[] = "frankd-uidlist 1 V";
	if ((size_t)(end - *p) < sizeof magic - 1 || memcmp(*p, magic, sizeof magic - 1) != 0)
		return -1;
	*p += sizeof magic - 1;
	if (number(p, end, &out->uidvalidity) < 0 || end - *p < 3 || memcmp(*p, " N", 2) != 0)
		return -1;
	*p += 2;
	if (number(p, end, &out->uidnext) < 0 || *p == end || **p != '\n')
		return -1;
	(*p)++;
	return 0;
}

int frankd_uidlist_parse(const char *text, size_t len, struct frankd_uidlist *out,
			 struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	const char *p = text, *end = text + len;
	if (header_parse(&p, end, out) < 0)
		return lib_err_set(err, "line 1: not a frankd uidlist");
	size_t line = 1, cap = 0;
	while (p < end) {
		line++;
		uint32_t uid;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || number(&p, nl, &uid) < 0 || p == nl || *p++ != ' ' ||
		    !name_ok(p, (size_t)(nl - p)) || uid >= out->uidnext ||
		    (out->count && uid <= out->entries[out->count - 1].uid)) {
			frankd_uidlist_release(out);
			return lib_err_set(err, "line %zu: bad entry", line);
		}
		if (out->count == cap) {
			cap = cap ? cap * 2 : 64;
			out->entries = lib_xrealloc(out->entries, cap * sizeof *out->entries);
		}
		out->entries[out->count].uid = uid;
		out->entries[out->count++].name = lib_xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}

void frankd_uidlist_format(const struct frankd_uidlist *list, struct lib_buf *out)
{
	lib_buf_printf(out, "frankd-uidlist 1 V%u N%u\n", list->uidvalidity, list->uidnext);
	for (size_t i = 0; i < list->count; i++)
		lib_buf_printf(out, "%u %s\n", list->entries[i].uid, list->entries[i].name);
}

void frankd_uidlist_release(struct frankd_uidlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->entries[i].name);
	free(list->entries);
	memset(list, 0, sizeof *list);
}

/* --- Maildir info ------------------------------------------------------------ */

static const struct {
	char letter;
	unsigned flag;
} letters[] = { /* in ASCII order, as the Maildir spec wants them */
	{ 'D', FRANKD_FLAG_DRAFT }, { 'F', FRANKD_FLAG_FLAGGED }, { 'R', FRANKD_FLAG_ANSWERED },
	{ 'S', FRANKD_FLAG_SEEN },  { 'T', FRANKD_FLAG_DELETED },
};

#define NLETTERS (sizeof letters / sizeof letters[0])

unsigned frankd_maildir_flags(const char *file_name)
{
	const char *info = strstr(file_name, ":2,");
	unsigned flags = 0;
	if (!info)
		return 0;
	for (const char *c = info + 3; *c; c++)
		for (size_t i = 0; i < NLETTERS; i++)
			if (*c == letters[i].letter)
				flags |= letters[i].flag;
	return flags;
}

char *frankd_maildir_with_flags(const char *file_name, unsigned flags)
{
	const char *info = strstr(file_name, ":2,");
	size_t base = info ? (size_t)(info - file_name) : strcspn(file_name, ":");
	struct lib_buf out = LIB_BUF_INIT;
	lib_buf_append(&out, file_name, base);
	lib_buf_puts(&out, ":2,");
	/* known letters from flags, unknown ones kept; all in ASCII order */
	for (char c = 0x21; c < 0x7f; c++) {
		int known = 0, set = 0;
		for (size_t i = 0; i < NLETTERS; i++)
			if (letters[i].letter == c)
				known = 1, set = (flags & letters[i].flag) != 0;
		if (known ? set : (info && strchr(info + 3, c) != NULL))
			lib_buf_putc(&out, c);
	}
	return lib_buf_take(&out);
}

uint32_t frankd_maildir_keywords(const char *file_name)
{
	const char *info = strstr(file_name, ":2,");
	uint32_t keywords = 0;
	for (const char *c = info ? info + 3 : ""; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			keywords |= UINT32_C(1) << (*c - 'a');
	return keywords;
}

char *frankd_maildir_with_keywords(const char *file_name, unsigned flags, uint32_t keywords)
{
	char *with_flags = frankd_maildir_with_flags(file_name, flags);
	char *info = strstr(with_flags, ":2,") + 3;
	struct lib_buf out = LIB_BUF_INIT;
	lib_buf_append(&out, with_flags, (size_t)(info - with_flags));
	/* in ASCII order: the upper case letters and others first, then a-z */
	for (const char *c = info; *c; c++)
		if (*c < 'a')
			lib_buf_putc(&out, *c);
	for (int i = 0; i < FRANKD_KEYWORDS_MAX; i++)
		if (keywords & (UINT32_C(1) << i))
			lib_buf_putc(&out, (char)('a' + i));
	for (const char *c = info; *c; c++) /* beyond 'z' ("{", "~") */
		if ((unsigned char)*c > 'z')
			lib_buf_putc(&out, *c);
	free(with_flags);
	return lib_buf_take(&out);
}

void frankd_crlf_append(const char *text, size_t len, struct lib_buf *out)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n' || (i > 0 && text[i - 1] == '\r'))
			continue;
		lib_buf_append(out, text + start, i - start);
		lib_buf_append(out, "\r\n", 2);
		start = i + 1;
	}
	lib_buf_append(out, text + start, len - start);
	if (len && text[len - 1] != '\n')
		lib_buf_append(out, "\r\n", 2);
}
