/* mailbox.c: a Maildir folder for IMAP: its files with stable UIDs kept in
 * its uidlist (FRANKD_UIDLIST_FILE), flags in the file names' info.  The
 * daemon is one thread, so loading (read the uidlist, list the files, give
 * new files UIDs, write the uidlist) happens at once for every session;
 * keywords are the letters a-z of the info, named by FRANKD_KEYWORDS_FILE;
 * frankd's deliveries only add files to new/, which the next load finds. */
#include "frankd_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A file found in the folder. */
struct found {
	char *file;  /* "new/NAME" or "cur/NAME:2,..." */
	char *base;  /* NAME */
	uint32_t uid;
	const struct frankd_uidlist_entry *known; /* its uidlist entry, if any */
};

static int by_base(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	long long tx = atoll(x->base), ty = atoll(y->base);
	if (tx != ty) /* Maildir names begin with the delivery time */
		return tx < ty ? -1 : 1;
	return strcmp(x->base, y->base);
}

static int found_by_uid(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static int list_sub(const char *path, const char *sub, struct found **found, size_t *n)
{
	char *dpath = lib_xasprintf("%s/%s", path, sub);
	DIR *dir = opendir(dpath);
	free(dpath);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		*found = lib_xrealloc(*found, (*n + 1) * sizeof **found);
		struct found *f = &(*found)[(*n)++];
		f->file = lib_xasprintf("%s/%s", sub, de->d_name);
		f->base = lib_xstrndup(de->d_name, strcspn(de->d_name, ":"));
		f->uid = 0;
		f->known = NULL;
	}
	closedir(dir);
	return 0;
}

/* 0, or -1 when a new list was begun (none, or a broken one). */
static int uidlist_read(const char *path, struct frankd_uidlist *list)
{
	char *file = lib_xasprintf("%s/%s", path, FRANKD_UIDLIST_FILE);
	char *text = NULL;
	size_t len = 0;
	struct lib_err err;
	int rc = lib_read_file(file, 64u << 20, &text, &len, &err);
	if (rc == 0 && frankd_uidlist_parse(text, len, list, &err) < 0) {
		frankd_log(FRANKD_LOG_WARN, "%s: %s: a new UIDVALIDITY", file, err.msg);
		rc = -1;
	}
	if (rc < 0) {
		memset(list, 0, sizeof *list);
		list->uidvalidity = (uint32_t)time(NULL);
		list->uidnext = 1;
		list->highestmodseq = 1;
	}
	free(text);
	free(file);
	return rc < 0 ? -1 : 0;
}

/* The folder's keywords; none when the file is missing or broken (the
 * log says why: the letters in file names then mean nothing). */
static void keywords_read(const char *path, struct frankd_imap_names *names)
{
	char *file = lib_xasprintf("%s/%s", path, FRANKD_KEYWORDS_FILE);
	char *text = NULL;
	size_t len = 0;
	struct lib_err err;
	memset(names, 0, sizeof *names);
	if (lib_read_file(file, 1u << 20, &text, &len, &err) == 0 &&
	    (frankd_imap_names_parse(FRANKD_KEYWORDS_MAGIC, text, len, names, &err) < 0 ||
	     names->count > FRANKD_KEYWORDS_MAX)) {
		frankd_log(FRANKD_LOG_WARN, "%s: %s: keywords ignored", file,
			   names->count ? "more than 26" : err.msg);
		frankd_imap_names_release(names);
	}
	free(text);
	free(file);
}

/* A uidlist entry, for looking names up. */
struct named_uid {
	const char *name;
	const struct frankd_uidlist_entry *entry;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named_uid *)a)->name, ((const struct named_uid *)b)->name);
}

/* Gives each found file its UID and entry from the list (0 and NULL when
 * new).  A base seen twice (a rename between listing new/ and cur/) is
 * dropped the second time. */
static void match_uids(const struct frankd_uidlist *list, struct found *found, size_t *n)
{
	struct named_uid *known = lib_xcalloc(list->count + 1, sizeof *known);
	for (size_t i = 0; i < list->count; i++)
		known[i] = (struct named_uid){ list->entries[i].name, &list->entries[i] };
	qsort(known, list->count, sizeof *known, by_name);
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++) {
		if (kept && strcmp(found[kept - 1].base, found[i].base) == 0) {
			free(found[i].file);
			free(found[i].base);
			continue;
		}
		found[kept] = found[i];
		struct named_uid key = { found[kept].base, NULL };
		const struct named_uid *hit = list->count ? bsearch(&key, known, list->count,
								    sizeof *known, by_name)
							  : NULL;
		found[kept].known = hit ? hit->entry : NULL;
		found[kept++].uid = hit ? hit->entry->uid : 0;
	}
	*n = kept;
	free(known);
}

/* found: by UID, as mb->msgs. */
static int uidlist_write(const char *path, const struct frankd_mailbox *mb,
			 const struct found *found, struct lib_err *err)
{
	struct frankd_uidlist list = { mb->uidvalidity, mb->uidnext, mb->highestmodseq,
				       mb->forgotten, NULL, mb->count, mb->gone, mb->ngone };
	list.entries = lib_xcalloc(mb->count + 1, sizeof *list.entries);
	for (size_t i = 0; i < mb->count; i++) {
		const struct frankd_mailbox_msg *m = &mb->msgs[i];
		list.entries[i] = (struct frankd_uidlist_entry){ m->uid, found[i].base, m->modseq,
								 m->flags, m->keywords, 1 };
	}
	struct lib_buf text = LIB_BUF_INIT;
	frankd_uidlist_format(&list, &text);
	char *file = lib_xasprintf("%s/%s", path, FRANKD_UIDLIST_FILE);
	int rc = frankd_write_durable_in(file, text.data, text.len, 0600, err);
	free(file);
	free(list.entries);
	lib_buf_release(&text);
	return rc;
}

/* The entries of the list no file has now: expunged at modseq, added to
 * mb's list of the expunged (the oldest dropped beyond the bound). */
static size_t note_gone(const struct frankd_uidlist *list, const struct found *found, size_t n,
			uint64_t modseq, struct frankd_mailbox *mb)
{
	char *seen = lib_xcalloc(list->count + 1, 1);
	for (size_t i = 0; i < n; i++)
		if (found[i].known)
			seen[found[i].known - list->entries] = 1;
	size_t gone = 0;
	for (size_t i = 0; i < list->count; i++)
		gone += !seen[i];
	mb->gone = lib_xcalloc(list->ngone + gone + 1, sizeof *mb->gone);
	if (list->ngone)
		memcpy(mb->gone, list->gone, list->ngone * sizeof *mb->gone);
	mb->ngone = list->ngone;
	for (size_t i = 0; i < list->count; i++)
		if (!seen[i])
			mb->gone[mb->ngone++] = (struct frankd_uidlist_gone){ list->entries[i].uid, modseq };
	if (mb->ngone > FRANKD_UIDLIST_GONE_MAX) {
		size_t drop = mb->ngone - FRANKD_UIDLIST_GONE_MAX;
		mb->forgotten = mb->gone[drop - 1].modseq;
		memmove(mb->gone, mb->gone + drop, FRANKD_UIDLIST_GONE_MAX * sizeof *mb->gone);
		mb->ngone = FRANKD_UIDLIST_GONE_MAX;
	}
	free(seen);
	return gone;
}

/* Each message's modseq: the list's, or next when it is new or its flags
 * are not those the list last saw.  *dirty when the list must be written. */
static int note_changes(struct frankd_mailbox *mb, const struct found *found, uint64_t next,
			int *dirty)
{
	int changed = 0;
	for (size_t i = 0; i < mb->count; i++) {
		struct frankd_mailbox_msg *m = &mb->msgs[i];
		const struct frankd_uidlist_entry *e = found[i].known;
		if (e && !e->flags_known) /* a version 1 list: the files say */
			*dirty = 1;
		if (e && (!e->flags_known || (e->flags == m->flags && e->keywords == m->keywords))) {
			m->modseq = e->modseq;
			continue;
		}
		m->modseq = next;
		changed = 1;
	}
	return changed;
}

int frankd_mailbox_load(const char *path, struct frankd_mailbox *mb, struct lib_err *err)
{
	memset(mb, 0, sizeof *mb);
	struct frankd_uidlist list;
	/* a new list is written at once, even for an empty folder: else its
	 * UIDVALIDITY would change at each look */
	int dirty = uidlist_read(path, &list) < 0;
	struct found *found = NULL;
	size_t n = 0;
	if (list_sub(path, "new", &found, &n) < 0 || list_sub(path, "cur", &found, &n) < 0) {
		lib_err_set(err, "%s: %s", path, strerror(errno));
		for (size_t i = 0; i < n; i++)
			free(found[i].file), free(found[i].base);
		free(found);
		frankd_uidlist_release(&list);
		return -1;
	}
	if (n)
		qsort(found, n, sizeof *found, by_base);
	match_uids(&list, found, &n);
	mb->path = lib_xstrdup(path);
	mb->uidvalidity = list.uidvalidity;
	mb->uidnext = list.uidnext;
	mb->forgotten = list.forgotten;
	mb->msgs = lib_xcalloc(n + 1, sizeof *mb->msgs);
	for (size_t i = 0; i < n; i++)
		if (!found[i].uid) /* oldest first */
			found[i].uid = mb->uidnext++;
	if (n)
		qsort(found, n, sizeof *found, found_by_uid);
	for (size_t i = 0; i < n; i++)
		mb->msgs[i] = (struct frankd_mailbox_msg){ found[i].uid, found[i].file,
							   frankd_maildir_flags(found[i].file),
							   frankd_maildir_keywords(found[i].file), 0 };
	keywords_read(path, &mb->keywords);
	mb->count = n;
	/* One new modseq for all that changed since the list was written. */
	uint64_t next = list.highestmodseq < FRANKD_MODSEQ_MAX ? list.highestmodseq + 1
							       : FRANKD_MODSEQ_MAX;
	int changed = note_changes(mb, found, next, &dirty);
	changed |= note_gone(&list, found, n, next, mb) > 0;
	mb->highestmodseq = changed ? next : list.highestmodseq;
	int rc = 0;
	if (changed || dirty)
		rc = uidlist_write(path, mb, found, err);
	for (size_t i = 0; i < n; i++)
		free(found[i].base);
	free(found);
	frankd_uidlist_release(&list);
	if (rc < 0)
		frankd_mailbox_release(mb);
	return rc;
}

void frankd_mailbox_release(struct frankd_mailbox *mb)
{
	for (size_t i = 0; i < mb->count; i++)
		free(mb->msgs[i].file);
	free(mb->msgs);
	free(mb->path);
	free(mb->gone);
	frankd_imap_names_release(&mb->keywords);
	memset(mb, 0, sizeof *mb);
}

long frankd_mailbox_find(const struct frankd_mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (mb->msgs[mid].uid == uid)
			return (long)mid;
		if (mb->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

char *frankd_mailbox_msg_path(struct frankd_mailbox *mb, size_t index)
{
	struct frankd_mailbox_msg *m = &mb->msgs[index];
	char *path = lib_xasprintf("%s/%s", mb->path, m->file);
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	const char *name = strchr(m->file, '/') + 1;
	char *base = lib_xstrndup(name, strcspn(name, ":"));
	path = frankd_maildir_find(mb->path, base, &m->file);
	free(base);
	return path;
}

int frankd_mailbox_set_flags(struct frankd_mailbox *mb, size_t index, unsigned flags,
			     struct lib_err *err)
{
	return frankd_mailbox_set_keywords(mb, index, flags, mb->msgs[index].keywords, err);
}

int frankd_mailbox_set_keywords(struct frankd_mailbox *mb, size_t index, unsigned flags,
				uint32_t keywords, struct lib_err *err)
{
	char *from = frankd_mailbox_msg_path(mb, index);
	if (!from)
		return 1;
	struct frankd_mailbox_msg *m = &mb->msgs[index];
	const char *name = strchr(m->file, '/') + 1;
	char *renamed = frankd_maildir_with_keywords(name, flags, keywords);
	char *file = lib_xasprintf("cur/%s", renamed);
	char *to = lib_xasprintf("%s/%s", mb->path, file);
	int rc = 0;
	if (strcmp(from, to) != 0 && rename(from, to) < 0)
		rc = errno == ENOENT ? 1 : lib_err_set(err, "renaming %s: %s", from, strerror(errno));
	if (rc == 0) {
		free(m->file);
		m->file = file;
		m->flags = flags;
		m->keywords = keywords;
		file = NULL;
	}
	free(file);
	free(to);
	free(renamed);
	free(from);
	return rc;
}

int frankd_mailbox_keyword(struct frankd_mailbox *mb, const char *name, struct lib_err *err)
{
	struct frankd_imap_names now;
	keywords_read(mb->path, &now); /* another session may have added some */
	frankd_imap_names_release(&mb->keywords);
	mb->keywords = now;
	for (size_t i = 0; i < mb->keywords.count; i++)
		if (strcasecmp(mb->keywords.names[i], name) == 0)
			return (int)i;
	if (mb->keywords.count == FRANKD_KEYWORDS_MAX)
		return lib_err_set(err, "%s: 26 keywords already", mb->path);
	int at = frankd_imap_names_add(&mb->keywords, name);
	if (at < 0)
		return lib_err_set(err, "%s: not a keyword", name);
	struct lib_buf text = LIB_BUF_INIT;
	frankd_imap_names_format(FRANKD_KEYWORDS_MAGIC, &mb->keywords, &text);
	char *file = lib_xasprintf("%s/%s", mb->path, FRANKD_KEYWORDS_FILE);
	int rc = frankd_write_durable_in(file, text.data, text.len, 0600, err);
	free(file);
	lib_buf_release(&text);
	if (rc < 0) {
		frankd_imap_names_remove(&mb->keywords, name);
		return -1;
	}
	return at;
}
