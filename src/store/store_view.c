/* store_view.c: the index as the curses client reads it: a mail root or
 * one Maildir, the messages of a query with their verdicts, and folders
 * with their counts. */
#include "store_view_private.h"
#include "store_internal.h"
#include "mime.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct store_view {
	char *root;  /* the folder holding .notmuch */
	char *query; /* what was opened */
	int mail_root;
	notmuch_database_t *db; /* read-only; writes open their own */
	unsigned long writes;   /* writers opened: handles older than one may
				   be refused their reads by Xapian */
};

static int has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat sb;
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	return n > 0 && (size_t)n < sizeof path && stat(path, &sb) == 0;
}

/* The nearest folder at or above dir with the mail root's mark, or NULL. */
static char *find_root(const char *dir)
{
	char d[PATH_MAX];
	snprintf(d, sizeof d, "%s", dir);
	for (;;) {
		if (has_file(d, STORE_MAIL_ROOT_MARK))
			return lib_xstrdup(d);
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			return NULL;
		*slash = '\0';
	}
}

static int open_db(const char *root, notmuch_database_mode_t mode, notmuch_database_t **db,
		   struct lib_err *err)
{
	char *msg = NULL;
	/* config_path "": no notmuch config file is read; the database alone. */
	notmuch_status_t st = notmuch_database_open_with_config(root, mode, "", NULL, db, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		lib_err_set(err, "%s: cannot open the notmuch index: %s", root,
			    msg ? strtok(msg, "\n") : notmuch_status_to_string(st));
		free(msg);
		return -1;
	}
	free(msg);
	return 0;
}

struct store_view *store_view_open(const char *path, struct lib_err *err)
{
	char abs[PATH_MAX];
	if (!realpath(path, abs)) {
		lib_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct store_view *view = lib_xcalloc(1, sizeof *view);
	view->root = find_root(abs);
	if (view->root) {
		view->mail_root = 1;
		if (strcmp(view->root, abs) == 0)
			view->query = lib_xstrdup("*");
		else
			view->query = lib_xasprintf("folder:\"%s\"", abs + strlen(view->root) + 1);
	} else {
		view->root = lib_xstrdup(abs);
		view->query = lib_xstrdup("*");
	}
	if (open_db(view->root, NOTMUCH_DATABASE_MODE_READ_ONLY, &view->db, err) < 0) {
		store_view_free(view);
		return NULL;
	}
	return view;
}

void store_view_free(struct store_view *view)
{
	if (!view)
		return;
	if (view->db)
		notmuch_database_destroy(view->db);
	free(view->root);
	free(view->query);
	free(view);
}

int store_view_reopen(struct store_view *view, struct lib_err *err)
{
	notmuch_database_t *db = NULL;
	if (open_db(view->root, NOTMUCH_DATABASE_MODE_READ_ONLY, &db, err) < 0)
		return -1;
	if (view->db)
		notmuch_database_destroy(view->db);
	view->db = db;
	return 0;
}

const char *store_view_root(const struct store_view *view)
{
	return view->root;
}

int store_view_is_mail_root(const struct store_view *view)
{
	return view->mail_root;
}

const char *store_view_default_query(const struct store_view *view)
{
	return view->query;
}

/* A read-only handle sees the index as it was when opened: reopen it so
 * that what a sync (or our own write) added since shows. */
notmuch_database_t *store_view_fresh_db(struct store_view *view, struct lib_err *err)
{
	notmuch_database_t *db = NULL;
	if (open_db(view->root, NOTMUCH_DATABASE_MODE_READ_ONLY, &db, err) < 0)
		return NULL;
	notmuch_database_destroy(view->db);
	view->db = db;
	return db;
}

notmuch_database_t *store_view_reader(struct store_view *view, struct lib_err *err)
{
	notmuch_database_t *db = NULL;
	if (open_db(view->root, NOTMUCH_DATABASE_MODE_READ_ONLY, &db, err) < 0)
		return NULL;
	return db;
}

unsigned long store_view_writes(const struct store_view *view)
{
	return view->writes;
}

notmuch_database_t *store_view_writer(struct store_view *view, struct lib_err *err)
{
	notmuch_database_t *db = NULL;
	view->writes++;
	if (store_db_open_rw(view->root, 0, STORE_DB_LOCK_WAIT_MS, &db, err) < 0)
		return NULL;
	return db;
}

static int count_of(struct store_view *view, const char *text, size_t *n, struct lib_err *err)
{
	notmuch_query_t *q = notmuch_query_create(view->db, text);
	if (!q)
		return lib_err_set(err, "%s: out of memory for a query", view->root);
	unsigned count = 0;
	notmuch_status_t st = notmuch_query_count_messages(q, &count);
	notmuch_query_destroy(q);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return lib_err_set(err, "cannot search for \"%s\": %s", text,
				   notmuch_status_to_string(st));
	*n = count;
	return 0;
}

char *store_view_query_and(const char *a, const char *b)
{
	return strcmp(a, "*") == 0 ? lib_xstrdup(b) : lib_xasprintf("(%s) and (%s)", a, b);
}

int store_view_count(struct store_view *view, const char *query, size_t *total,
		     size_t *unread, struct lib_err *err)
{
	if (!store_view_fresh_db(view, err) || count_of(view, query, total, err) < 0)
		return -1;
	char *uq = store_view_query_and(query, "tag:unread");
	int rc = count_of(view, uq, unread, err);
	free(uq);
	return rc;
}

/* --- folders ----------------------------------------------------------- */

struct folder_walk {
	struct store_view *view;
	struct store_view_folders *out;
	const char *account;
};

static void add_folder(struct folder_walk *w, const char *rel)
{
	struct store_view_folders *f = w->out;
	f->items = lib_xrealloc(f->items, (f->count + 1) * sizeof *f->items);
	struct store_view_folder *it = &f->items[f->count++];
	memset(it, 0, sizeof *it);
	it->account = lib_xstrdup(w->account);
	it->name = lib_xstrdup(rel);
	it->query = lib_xasprintf("folder:\"%s/%s\"", w->account, rel);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subfolders of dir that are not dot files or a Maildir's own. */
static char **subdirs(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	struct dirent *de;
	*n = 0;
	while (d && (de = readdir(d))) {
		const char *s = de->d_name;
		if (s[0] == '.' || !strcmp(s, "cur") || !strcmp(s, "new") || !strcmp(s, "tmp"))
			continue;
		char path[PATH_MAX];
		struct stat sb;
		int len = snprintf(path, sizeof path, "%s/%s", dir, s);
		if (len < 0 || (size_t)len >= sizeof path || stat(path, &sb) < 0 ||
		    !S_ISDIR(sb.st_mode))
			continue;
		names = lib_xrealloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = lib_xstrdup(s);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, cmp_name);
	return names;
}

/* Depth-first below MAIL_ROOT/ACCOUNT; rel is the path under it.  The
 * depth is bounded so that a link loop cannot run forever. */
static void walk_folders(struct folder_walk *w, const char *dir, const char *rel, int depth)
{
	if (rel[0] && has_file(dir, "cur"))
		add_folder(w, rel);
	if (depth > 16)
		return;
	size_t n;
	char **names = subdirs(dir, &n);
	for (size_t i = 0; i < n; i++) {
		char *sub = lib_xasprintf("%s/%s", dir, names[i]);
		char *subrel = rel[0] ? lib_xasprintf("%s/%s", rel, names[i]) : lib_xstrdup(names[i]);
		walk_folders(w, sub, subrel, depth + 1);
		free(sub);
		free(subrel);
		free(names[i]);
	}
	free(names);
}

int store_view_folders(struct store_view *view, struct store_view_folders *out,
		       struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	if (!store_view_fresh_db(view, err))
		return -1;
	struct folder_walk w = { view, out, "" };
	if (view->mail_root) {
		size_t n;
		char **accounts = subdirs(view->root, &n);
		for (size_t i = 0; i < n; i++) {
			char *dir = lib_xasprintf("%s/%s", view->root, accounts[i]);
			w.account = accounts[i];
			walk_folders(&w, dir, "", 0);
			free(dir);
			free(accounts[i]);
		}
		free(accounts);
	} else {
		out->items = lib_xcalloc(1, sizeof *out->items);
		out->count = 1;
		const char *base = strrchr(view->root, '/');
		out->items[0].account = lib_xstrdup("");
		out->items[0].name = lib_xstrdup(base ? base + 1 : view->root);
		out->items[0].query = lib_xstrdup("*");
	}
	for (size_t i = 0; i < out->count; i++) {
		struct store_view_folder *f = &out->items[i];
		size_t total = 0, unread = 0;
		if (count_of(view, f->query, &total, err) < 0) {
			store_view_folders_release(out);
			return -1;
		}
		char *uq = store_view_query_and(f->query, "tag:unread");
		int rc = count_of(view, uq, &unread, err);
		free(uq);
		if (rc < 0) {
			store_view_folders_release(out);
			return -1;
		}
		f->total = total;
		f->unread = unread;
	}
	return 0;
}

void store_view_folders_release(struct store_view_folders *folders)
{
	for (size_t i = 0; i < folders->count; i++) {
		free(folders->items[i].account);
		free(folders->items[i].name);
		free(folders->items[i].query);
	}
	free(folders->items);
	folders->items = NULL;
	folders->count = 0;
}
