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

/* A mod-sequence: 1 to 2^63-1 (0 too when zero_ok), no leading zero. */
static int modseq_number(const char **p, const char *end, int zero_ok, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = *p;
	while (*p < end && **p >= '0' && **p <= '9' && *p - start < 19)
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	if (*p == start || v > FRANKD_MODSEQ_MAX || (*p < end && **p >= '0' && **p <= '9'))
		return -1;
	if ((*start == '0' && *p - start > 1) || (v == 0 && !zero_ok))
		return -1;
	*out = v;
	return 0;
}

/* " X" then a number of that kind. */
static int field(const char **p, const char *end, const char *name, uint32_t *n32, uint64_t *n64,
		 int zero_ok)
{
	size_t len = strlen(name);
	if ((size_t)(end - *p) < len || memcmp(*p, name, len) != 0)
		return -1;
	*p += len;
	return n32 ? number(p, end, n32) : modseq_number(p, end, zero_ok, n64);
}

/* The version (1 or 2) of the header, or -1. */
static int header_parse(const char **p, const char *end, struct frankd_uidlist *out)
{
	static const char magic[] = "frankd-uidlist ";
	if ((size_t)(end - *p) < sizeof magic + 1 || memcmp(*p, magic, sizeof magic - 1) != 0)
		return -1;
	*p += sizeof magic - 1;
	int version = **p == '1' ? 1 : **p == '2' ? 2 : -1;
	(*p)++;
	if (version < 0 || field(p, end, " V", &out->uidvalidity, NULL, 0) < 0 ||
	    field(p, end, " N", &out->uidnext, NULL, 0) < 0)
		return -1;
	out->highestmodseq = 1;
	if (version == 2 && (field(p, end, " M", NULL, &out->highestmodseq, 0) < 0 ||
			     field(p, end, " E", NULL, &out->forgotten, 1) < 0 ||
			     out->forgotten > out->highestmodseq))
		return -1;
	if (*p == end || **p != '\n')
		return -1;
	(*p)++;
	return version;
}

/* "FS" or "-": the letters frankd writes for flags and keywords. */
static void info_format(unsigned flags, uint32_t keywords, struct lib_buf *out)
{
	char *named = frankd_maildir_with_keywords("", flags, keywords);
	lib_buf_puts(out, named[3] ? named + 3 : "-");
	free(named);
}

/* info up to the next space, exactly as info_format writes it. */
static int info_parse(const char **p, const char *end, struct frankd_uidlist_entry *e)
{
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	if (!sp || sp == *p || sp - *p > 40)
		return -1;
	char *named = lib_xasprintf(":2,%.*s", (int)(sp - *p), *p);
	e->flags = frankd_maildir_flags(named);
	e->keywords = frankd_maildir_keywords(named);
	struct lib_buf again = LIB_BUF_INIT;
	info_format(e->flags, e->keywords, &again);
	int ok = again.len == (size_t)(sp - *p) && memcmp(again.data, *p, again.len) == 0;
	lib_buf_release(&again);
	free(named);
	*p = sp + 1;
	return ok ? 0 : -1;
}

static int entry_parse(const char *p, const char *nl, int version, struct frankd_uidlist *out,
		       struct frankd_uidlist_entry *e)
{
	memset(e, 0, sizeof *e);
	e->modseq = 1;
	if (number(&p, nl, &e->uid) < 0 || p == nl || *p++ != ' ')
		return -1;
	if (version == 2) {
		e->flags_known = 1;
		if (modseq_number(&p, nl, 0, &e->modseq) < 0 || p == nl || *p++ != ' ' ||
		    e->modseq > out->highestmodseq || info_parse(&p, nl, e) < 0)
			return -1;
	}
	if (!name_ok(p, (size_t)(nl - p)) || e->uid >= out->uidnext ||
	    (out->count && e->uid <= out->entries[out->count - 1].uid))
		return -1;
	e->name = lib_xstrndup(p, (size_t)(nl - p));
	return 0;
}

static int gone_parse(const char *p, const char *nl, struct frankd_uidlist *out,
		      struct frankd_uidlist_gone *g)
{
	if (*p++ != '-' || number(&p, nl, &g->uid) < 0 || p == nl || *p++ != ' ' ||
	    modseq_number(&p, nl, 0, &g->modseq) < 0 || p != nl || g->uid >= out->uidnext ||
	    g->modseq > out->highestmodseq || g->modseq <= out->forgotten ||
	    (out->ngone && g->modseq < out->gone[out->ngone - 1].modseq) ||
	    out->ngone == FRANKD_UIDLIST_GONE_MAX)
		return -1;
	return 0;
}

int frankd_uidlist_parse(const char *text, size_t len, struct frankd_uidlist *out,
			 struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	const char *p = text, *end = text + len;
	int version = header_parse(&p, end, out);
	if (version < 0)
		return lib_err_set(err, "line 1: not a frankd uidlist");
	size_t line = 1, cap = 0, gone_cap = 0;
	while (p < end) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		int rc = -1;
		if (nl && *p == '-' && version == 2) {
			struct frankd_uidlist_gone g;
			if ((rc = gone_parse(p, nl, out, &g)) == 0) {
				if (out->ngone == gone_cap) {
					gone_cap = gone_cap ? gone_cap * 2 : 16;
					out->gone = lib_xrealloc(out->gone, gone_cap * sizeof *out->gone);
				}
				out->gone[out->ngone++] = g;
			}
		} else if (nl && !out->ngone) { /* the expunged come last */
			struct frankd_uidlist_entry e;
			if ((rc = entry_parse(p, nl, version, out, &e)) == 0) {
				if (out->count == cap) {
					cap = cap ? cap * 2 : 64;
					out->entries = lib_xrealloc(out->entries, cap * sizeof *out->entries);
				}
				out->entries[out->count++] = e;
			}
		}
		if (rc < 0) {
			frankd_uidlist_release(out);
			return lib_err_set(err, "line %zu: bad entry", line);
		}
		p = nl + 1;
	}
	return 0;
}

void frankd_uidlist_format(const struct frankd_uidlist *list, struct lib_buf *out)
{
	lib_buf_printf(out, "frankd-uidlist 2 V%u N%u M%llu E%llu\n", list->uidvalidity,
		       list->uidnext, (unsigned long long)list->highestmodseq,
		       (unsigned long long)list->forgotten);
	for (size_t i = 0; i < list->count; i++) {
		const struct frankd_uidlist_entry *e = &list->entries[i];
		lib_buf_printf(out, "%u %llu ", e->uid, (unsigned long long)e->modseq);
		info_format(e->flags, e->keywords, out);
		lib_buf_printf(out, " %s\n", e->name);
	}
	for (size_t i = 0; i < list->ngone; i++)
		lib_buf_printf(out, "-%u %llu\n", list->gone[i].uid,
			       (unsigned long long)list->gone[i].modseq);
}

void frankd_uidlist_release(struct frankd_uidlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->entries[i].name);
	free(list->entries);
	free(list->gone);
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
