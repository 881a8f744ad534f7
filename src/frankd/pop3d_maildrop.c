/* pop3d_maildrop.c: a POP3 maildrop over a user's Maildir INBOX (new/ and
 * cur/).  The list is taken once at login, as RFC 1939 wants message
 * numbers that do not change during a session.  A message's unique id is
 * its Maildir base name (before ":2,"), which no rename changes, so UIDL
 * is stable across sessions.  Files renamed meanwhile (flags set by an
 * IMAP client, new/ to cur/) are found again by that name. */
#include "frankd_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A base name fit for UIDL (RFC 1939 7: 1 to 70 octets 0x21 to 0x7E);
 * other names get a hash of themselves. */
static char *unique_id(const char *name)
{
	size_t len = strcspn(name, ":");
	int fits = len > 0 && len <= 70;
	for (size_t i = 0; fits && i < len; i++)
		fits = name[i] > 0x20 && name[i] < 0x7f;
	if (fits)
		return lib_xstrndup(name, len);
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	return lib_xasprintf("H%016llx", (unsigned long long)h);
}

int frankd_file_crlf_size(const char *path, size_t *size, struct lib_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	char chunk[65536];
	size_t total = 0;
	char last = '\n', prev = '\0';
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] == '\n' && prev != '\r')
				total++;
			prev = chunk[i];
		}
		total += (size_t)(n > 0 ? n : 0);
		if (n > 0)
			last = chunk[n - 1];
	}
	int saved = errno;
	close(fd);
	if (n < 0)
		return lib_err_set(err, "%s: %s", path, strerror(saved));
	*size = total + (total && last != '\n' ? 2 : 0); /* the last line gets its end */
	return 0;
}

static void maildrop_add(struct frankd_maildrop *md, const char *sub, const char *name,
			 struct lib_err *err)
{
	char *file = lib_xasprintf("%s/%s", sub, name);
	char *path = lib_xasprintf("%s/%s", md->maildir, file);
	struct stat st;
	size_t size;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || frankd_file_crlf_size(path, &size, err) < 0) {
		free(file); /* gone meanwhile, or not a message */
		free(path);
		return;
	}
	free(path);
	if (md->count == md->cap) {
		md->cap = md->cap ? md->cap * 2 : 64;
		md->messages = lib_xrealloc(md->messages, md->cap * sizeof *md->messages);
	}
	struct frankd_maildrop_message *m = &md->messages[md->count++];
	memset(m, 0, sizeof *m);
	m->file = file;
	m->uid = unique_id(name);
	m->size = size;
	md->total += size;
}

static int list_folder(struct frankd_maildrop *md, const char *sub, struct lib_err *err)
{
	char *path = lib_xasprintf("%s/%s", md->maildir, sub);
	DIR *dir = opendir(path);
	if (!dir) {
		int rc = errno == ENOENT ? 0 : lib_err_set(err, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	free(path);
	struct dirent *de;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			maildrop_add(md, sub, de->d_name, err);
	closedir(dir);
	return 0;
}

/* Oldest first: Maildir names begin with the delivery time in seconds. */
static int by_name(const void *a, const void *b)
{
	const struct frankd_maildrop_message *x = a, *y = b;
	long long tx = atoll(x->uid), ty = atoll(y->uid);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

struct frankd_maildrop *frankd_maildrop_open(const char *maildir, struct lib_err *err)
{
	struct frankd_maildrop *md = lib_xcalloc(1, sizeof *md);
	md->maildir = lib_xstrdup(maildir);
	if (list_folder(md, "new", err) < 0 || list_folder(md, "cur", err) < 0) {
		frankd_maildrop_free(md);
		return NULL;
	}
	if (md->count)
		qsort(md->messages, md->count, sizeof *md->messages, by_name);
	return md;
}

void frankd_maildrop_free(struct frankd_maildrop *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->count; i++) {
		free(md->messages[i].file);
		free(md->messages[i].uid);
	}
	free(md->messages);
	free(md->maildir);
	free(md);
}

char *frankd_maildir_find(const char *maildir, const char *base, char **file)
{
	static const char *const subs[] = { "cur", "new" };
	size_t blen = strlen(base);
	for (size_t i = 0; i < 2; i++) {
		char *dpath = lib_xasprintf("%s/%s", maildir, subs[i]);
		DIR *dir = opendir(dpath);
		free(dpath);
		struct dirent *de;
		while (dir && (de = readdir(dir))) {
			if (strncmp(de->d_name, base, blen) != 0 ||
			    (de->d_name[blen] != ':' && de->d_name[blen] != '\0'))
				continue;
			free(*file);
			*file = lib_xasprintf("%s/%s", subs[i], de->d_name);
			closedir(dir);
			return lib_xasprintf("%s/%s", maildir, *file);
		}
		if (dir)
			closedir(dir);
	}
	return NULL;
}

/* The file of m now: where it was, or renamed within new/ or cur/. */
static char *find_file(const struct frankd_maildrop *md, struct frankd_maildrop_message *m)
{
	char *path = lib_xasprintf("%s/%s", md->maildir, m->file);
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return frankd_maildir_find(md->maildir, m->uid, &m->file);
}

int frankd_maildrop_read(struct frankd_maildrop *md, size_t index, size_t max_size,
			 char **data, size_t *len, struct lib_err *err)
{
	struct frankd_maildrop_message *m = &md->messages[index];
	char *path = find_file(md, m);
	if (!path)
		return lib_err_set(err, "message %zu is gone", index + 1);
	int rc = lib_read_file(path, max_size, data, len, err);
	free(path);
	return rc;
}

int frankd_maildrop_update(struct frankd_maildrop *md, struct lib_err *err)
{
	int rc = 0;
	for (size_t i = 0; i < md->count; i++) {
		struct frankd_maildrop_message *m = &md->messages[i];
		if (!m->deleted)
			continue;
		char *path = find_file(md, m);
		if (path && unlink(path) < 0 && errno != ENOENT)
			rc = lib_err_set(err, "removing %s: %s", path, strerror(errno));
		free(path);
	}
	static const char *const subs[] = { "new", "cur" };
	for (size_t i = 0; i < 2; i++) {
		char *dir = lib_xasprintf("%s/%s", md->maildir, subs[i]);
		struct lib_err e;
		if (frankd_fsync_dir(dir, &e) < 0 && rc == 0)
			rc = lib_err_set(err, "%s", e.msg);
		free(dir);
	}
	return rc;
}
