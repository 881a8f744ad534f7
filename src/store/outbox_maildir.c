/* outbox_maildir.c: an account's local folders and the drafts in them:
 * Maildir files written the durable way (tmp, fsync, link into cur,
 * fsync the folder), listed and removed. */
#include "outbox_private.h"

#include "config.h"
#include "mime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

char *store_account_folder(const char *mail_root, const struct config_account *acct,
			   const char *folder)
{
	return lib_xasprintf("%s/%s/%s", mail_root, acct->name, folder);
}

/* RFC 5322 3.2.3 specials, and anything else a phrase cannot hold bare. */
static int needs_quotes(const char *name)
{
	for (const char *p = name; *p; p++)
		if (strchr("()<>[]:;@\\,.\"", *p))
			return 1;
	return 0;
}

char *store_account_from(const struct config_account *acct)
{
	const char *name = acct->realname ? acct->realname : acct->from.name;
	if (!name || !*name)
		return lib_xstrdup(acct->from.address);
	if (!needs_quotes(name))
		return lib_xasprintf("%s <%s>", name, acct->from.address);
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_putc(&b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			lib_buf_putc(&b, '\\');
		lib_buf_putc(&b, *p);
	}
	lib_buf_printf(&b, "\" <%s>", acct->from.address);
	return lib_buf_take(&b);
}

/* --- writing ---------------------------------------------------------------- */

int outbox_maildir_write(const char *dir, const char *data, size_t len, const char *flags,
			 char **path, struct lib_err *err)
{
	*path = NULL;
	if (store_maildir_make(dir, err) < 0)
		return -1;
	return store_maildir_deliver(dir, data, len, NULL, flags, 0, path, err);
}

/* --- drafts ------------------------------------------------------------------ */

int store_draft_save(const char *mail_root, const struct config_account *acct, const char *msg,
		     size_t len, char **path, struct lib_err *err)
{
	char *dir = store_account_folder(mail_root, acct, acct->folder_drafts);
	int rc = outbox_maildir_write(dir, msg, len, "D", path, err);
	free(dir);
	return rc;
}

int store_draft_remove(const char *path, struct lib_err *err)
{
	if (unlink(path) < 0)
		return lib_err_set(err, "%s: cannot remove the draft: %s", path, strerror(errno));
	char *dir = lib_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int rc = store_fsync_dir(slash ? dir : ".", err);
	free(dir);
	return rc;
}

void store_draft_list_release(struct store_draft_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->drafts[i].path);
		free(list->drafts[i].to);
		free(list->drafts[i].subject);
	}
	free(list->drafts);
	list->drafts = NULL;
	list->count = 0;
}

static void one_line(const char *text, char **out)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "");
	if (text)
		lib_utf8_sanitize(text, strlen(text), &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	*out = lib_buf_take(&b);
}

static void add_draft(struct store_draft_list *list, const char *path, time_t mtime)
{
	char *data;
	size_t len;
	struct lib_err ignored;
	if (lib_read_file(path, MIME_MAX_MESSAGE_SIZE, &data, &len, &ignored) < 0)
		return; /* removed meanwhile, or not a file */
	struct mime_compose *c = mime_compose_from_draft(data, len, &ignored);
	free(data);
	list->drafts = lib_xrealloc(list->drafts, (list->count + 1) * sizeof *list->drafts);
	struct store_draft *d = &list->drafts[list->count++];
	d->path = lib_xstrdup(path);
	d->date = mtime;
	one_line(c ? c->to : NULL, &d->to);
	one_line(c ? c->subject : NULL, &d->subject);
	mime_compose_free(c);
}

static int by_date(const void *a, const void *b)
{
	const struct store_draft *x = a, *y = b;
	return x->date < y->date ? -1 : x->date > y->date ? 1 : strcmp(x->path, y->path);
}

int store_drafts_list(const char *mail_root, const struct config_account *acct,
		      struct store_draft_list *list, struct lib_err *err)
{
	(void)err; /* a Drafts folder not made yet holds no draft */
	memset(list, 0, sizeof *list);
	char *dir = store_account_folder(mail_root, acct, acct->folder_drafts);
	static const char *const subdirs[] = { "cur", "new" };
	for (size_t i = 0; i < 2; i++) {
		char *sub = lib_xasprintf("%s/%s", dir, subdirs[i]);
		DIR *d = opendir(sub);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *path = lib_xasprintf("%s/%s", sub, e->d_name);
			struct stat st;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				add_draft(list, path, st.st_mtime);
			free(path);
		}
		if (d)
			closedir(d);
		free(sub);
	}
	free(dir);
	if (list->count)
		qsort(list->drafts, list->count, sizeof *list->drafts, by_date);
	return 0;
}
