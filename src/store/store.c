/* store.c: a Maildir with its notmuch index. */
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

struct store {
	char *path;
	notmuch_database_t *db;
	char *query; /* "*", or folder:"REL" inside a mail root's index */
};

const char *store_path(const struct store *store)
{
	return store->path;
}

unsigned store_flags_from_filename(const char *path)
{
	unsigned flags = 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (base - path >= 4 && strncmp(base - 4, "new/", 4) == 0)
		flags |= STORE_FLAG_NEW;
	const char *info = strstr(base, ":2,");
	if (!info)
		return flags;
	for (const char *p = info + 3; *p; p++) {
		switch (*p) {
		case 'D': flags |= STORE_FLAG_DRAFT; break;
		case 'F': flags |= STORE_FLAG_FLAGGED; break;
		case 'P': flags |= STORE_FLAG_PASSED; break;
		case 'R': flags |= STORE_FLAG_REPLIED; break;
		case 'S': flags |= STORE_FLAG_SEEN; break;
		case 'T': flags |= STORE_FLAG_TRASHED; break;
		default: break;
		}
	}
	return flags;
}

static int check_maildir(const char *path, struct lib_err *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lib_err_set(err, "%s: not a directory", path);
	static const char *const subdirs[] = { "cur", "new", "tmp" };
	for (size_t i = 0; i < 3; i++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/%s", path, subdirs[i]);
		if (stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
			return lib_err_set(err, "%s: not a Maildir (no %s/ folder)", path,
					   subdirs[i]);
	}
	return 0;
}

static int open_database(const char *path, notmuch_database_t **db, struct lib_err *err)
{
	char *msg = NULL;
	/* config_path "": no notmuch config file is read; the database alone. */
	notmuch_status_t st = notmuch_database_open_with_config(
		path, NOTMUCH_DATABASE_MODE_READ_WRITE, "", NULL, db, &msg);
	if (st == NOTMUCH_STATUS_NO_DATABASE || (st == NOTMUCH_STATUS_FILE_ERROR && !*db)) {
		char nmdir[PATH_MAX];
		struct stat sb;
		snprintf(nmdir, sizeof nmdir, "%s/.notmuch", path);
		if (stat(nmdir, &sb) < 0) {
			free(msg);
			msg = NULL;
			st = notmuch_database_create_with_config(path, "", NULL, db, &msg);
		}
	}
	if (st != NOTMUCH_STATUS_SUCCESS) {
		lib_err_set(err, "%s: cannot open the notmuch index: %s", path,
			    msg ? strtok(msg, "\n") : notmuch_status_to_string(st));
		free(msg);
		return -1;
	}
	free(msg);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the regular entries of dir (no dot files), sorted. */
static char **list_dir_files(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	size_t n = 0, cap = 0;
	char **names = NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = lib_xrealloc(names, cap * sizeof *names);
		}
		names[n++] = lib_xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	*count = n;
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Names the index holds for directory dir, sorted. */
static char **list_indexed_files(notmuch_database_t *db, const char *dir, size_t *count)
{
	notmuch_directory_t *nd = NULL;
	size_t n = 0, cap = 0;
	char **names = NULL;
	if (notmuch_database_get_directory(db, dir, &nd) == NOTMUCH_STATUS_SUCCESS && nd) {
		notmuch_filenames_t *fn = notmuch_directory_get_child_files(nd);
		for (; fn && notmuch_filenames_valid(fn); notmuch_filenames_move_to_next(fn)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				names = lib_xrealloc(names, cap * sizeof *names);
			}
			names[n++] = lib_xstrdup(notmuch_filenames_get(fn));
		}
		notmuch_filenames_destroy(fn);
		notmuch_directory_destroy(nd);
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	*count = n;
	return names;
}

static int index_one_file(notmuch_database_t *db, const char *file,
			  struct store_index_stats *stats, struct lib_err *err)
{
	notmuch_message_t *msg = NULL;
	notmuch_status_t st = notmuch_database_index_file(db, file, NULL, &msg);
	if (st == NOTMUCH_STATUS_FILE_NOT_EMAIL) {
		lib_debug("store: %s is not mail, skipped", file);
		stats->skipped++;
		return 0;
	}
	if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		return lib_err_set(err, "%s: cannot index: %s", file, notmuch_status_to_string(st));
	notmuch_message_maildir_flags_to_tags(msg);
	notmuch_message_destroy(msg);
	stats->added++;
	return 0;
}

static int join_path(char *out, size_t size, const char *dir, const char *name,
		     struct lib_err *err)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= size)
		return lib_err_set(err, "%s/%s: path too long", dir, name);
	return 0;
}

/* Takes a file name off the index.  When its message keeps another file
 * (a rename: a flag changed), its tags are taken again from the names it
 * has left: while both names were listed, the old one's flags counted too
 * (an F taken off stayed "flagged"). */
static int remove_file(notmuch_database_t *db, const char *path,
		       struct store_index_stats *stats, struct lib_err *err)
{
	notmuch_message_t *msg = NULL;
	char *id = NULL;
	if (notmuch_database_find_message_by_filename(db, path, &msg) ==
		    NOTMUCH_STATUS_SUCCESS &&
	    msg) {
		id = lib_xstrdup(notmuch_message_get_message_id(msg));
		notmuch_message_destroy(msg);
		msg = NULL;
	}
	notmuch_status_t st = notmuch_database_remove_message(db, path);
	if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
		free(id);
		return lib_err_set(err, "%s: cannot remove from the index: %s", path,
				   notmuch_status_to_string(st));
	}
	stats->removed++;
	if (st == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID && id &&
	    notmuch_database_find_message(db, id, &msg) == NOTMUCH_STATUS_SUCCESS && msg) {
		notmuch_message_maildir_flags_to_tags(msg);
		notmuch_message_destroy(msg);
	}
	free(id);
	return 0;
}

/* One subfolder (new/ or cur/): the names in it and those the index
 * holds for it, both sorted. */
struct subdir_names {
	char dir[PATH_MAX];
	char **files, **known;
	size_t nfiles, nknown;
};

static void subdir_names_release(struct subdir_names *sd)
{
	free_names(sd->files, sd->nfiles);
	free_names(sd->known, sd->nknown);
}

/* Files of sd the index lacks: indexed, or given to unindexed. */
static int add_new_files(notmuch_database_t *db, struct subdir_names *sd,
			 struct store_index_stats *stats, const struct store_unindexed *unindexed,
			 struct lib_err *err)
{
	char path[PATH_MAX];
	for (size_t i = 0, j = 0; i < sd->nfiles; i++) {
		while (j < sd->nknown && strcmp(sd->known[j], sd->files[i]) < 0)
			j++;
		if (j < sd->nknown && strcmp(sd->known[j], sd->files[i]) == 0)
			continue;
		if (join_path(path, sizeof path, sd->dir, sd->files[i], err) < 0)
			return -1;
		if (unindexed)
			unindexed->found(unindexed->ctx, path);
		else if (index_one_file(db, path, stats, err) < 0)
			return -1;
	}
	return 0;
}

/* Names the index holds that are no longer files of sd: forgotten. */
static int remove_gone_files(notmuch_database_t *db, struct subdir_names *sd,
			     struct store_index_stats *stats, struct lib_err *err)
{
	char path[PATH_MAX];
	for (size_t i = 0, j = 0; j < sd->nknown; j++) {
		while (i < sd->nfiles && strcmp(sd->files[i], sd->known[j]) < 0)
			i++;
		if (i < sd->nfiles && strcmp(sd->files[i], sd->known[j]) == 0)
			continue;
		if (join_path(path, sizeof path, sd->dir, sd->known[j], err) < 0 ||
		    remove_file(db, path, stats, err) < 0)
			return -1;
	}
	return 0;
}

/* Brings the index of a Maildir in line with the files in new/ and cur/:
 * merges of sorted name lists.  New names (of both folders) are added
 * before old ones are removed, so a renamed file (a flag change, or a move
 * from new/ to cur/) never drops its message, its tags or its verdict. */
int store_maildir_reconcile(notmuch_database_t *db, const char *maildir,
			    struct store_index_stats *stats, const struct store_unindexed *unindexed,
			    struct lib_err *err)
{
	static const char *const subdirs[] = { "new", "cur" };
	struct subdir_names sd[2];
	memset(sd, 0, sizeof sd);
	notmuch_status_t st = notmuch_database_begin_atomic(db);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return lib_err_set(err, "%s: index busy: %s", maildir, notmuch_status_to_string(st));
	int rc = 0;
	for (size_t i = 0; i < 2; i++) {
		if (rc == 0 && join_path(sd[i].dir, sizeof sd[i].dir, maildir, subdirs[i], err) < 0)
			rc = -1;
		if (rc == 0) {
			sd[i].files = list_dir_files(sd[i].dir, &sd[i].nfiles);
			sd[i].known = list_indexed_files(db, sd[i].dir, &sd[i].nknown);
		}
	}
	for (size_t i = 0; rc == 0 && i < 2; i++)
		rc = add_new_files(db, &sd[i], stats, unindexed, err);
	for (size_t i = 0; rc == 0 && i < 2; i++)
		rc = remove_gone_files(db, &sd[i], stats, err);
	for (size_t i = 0; i < 2; i++)
		subdir_names_release(&sd[i]);
	st = notmuch_database_end_atomic(db);
	if (rc == 0 && st != NOTMUCH_STATUS_SUCCESS)
		rc = lib_err_set(err, "%s: cannot write the index: %s", maildir,
				 notmuch_status_to_string(st));
	return rc;
}

/* The modification times of new/ and cur/ (a file added, removed or
 * renamed changes its folder's), and whether the index saw them at its
 * last scan: notmuch keeps a directory's mtime for that, as notmuch new
 * does.  A scan of 100,000 names costs seconds; this, two stats. */
struct maildir_mtimes {
	time_t fs[2];
	int unchanged;
};

static const char *const scanned_subdirs[] = { "new", "cur" };

static void mtimes_read(notmuch_database_t *db, const char *maildir, struct maildir_mtimes *mt)
{
	mt->unchanged = 1;
	for (size_t i = 0; i < 2; i++) {
		char dir[PATH_MAX];
		struct stat sb;
		notmuch_directory_t *nd = NULL;
		snprintf(dir, sizeof dir, "%s/%s", maildir, scanned_subdirs[i]);
		mt->fs[i] = stat(dir, &sb) == 0 ? sb.st_mtime : 0;
		time_t known = 0;
		if (notmuch_database_get_directory(db, dir, &nd) == NOTMUCH_STATUS_SUCCESS && nd) {
			known = notmuch_directory_get_mtime(nd);
			notmuch_directory_destroy(nd);
		}
		if (mt->fs[i] == 0 || known != mt->fs[i])
			mt->unchanged = 0;
	}
}

/* After a full scan: the mtimes it began from are what the index now
 * reflects.  Not one of the current second: a file added later in that
 * second would leave the mtime as it is, and go unseen. */
static void mtimes_save(notmuch_database_t *db, const char *maildir,
			const struct maildir_mtimes *mt, time_t scan_began)
{
	for (size_t i = 0; i < 2; i++) {
		char dir[PATH_MAX];
		notmuch_directory_t *nd = NULL;
		if (mt->fs[i] == 0 || mt->fs[i] >= scan_began)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", maildir, scanned_subdirs[i]);
		if (notmuch_database_get_directory(db, dir, &nd) == NOTMUCH_STATUS_SUCCESS && nd) {
			if (notmuch_directory_set_mtime(nd, mt->fs[i]) != NOTMUCH_STATUS_SUCCESS)
				lib_debug("store: cannot keep the mtime of %s", dir);
			notmuch_directory_destroy(nd);
		}
	}
}

/* Indexes what changed since the last open: nothing to read when new/
 * and cur/ are as the last full scan left them. */
static int store_index_update(struct store *store, struct store_index_stats *stats,
			      struct lib_err *err)
{
	struct maildir_mtimes mt;
	time_t began = time(NULL);
	mtimes_read(store->db, store->path, &mt);
	if (mt.unchanged) {
		lib_debug("store: %s unchanged since its last scan", store->path);
		return 0;
	}
	if (store_maildir_reconcile(store->db, store->path, stats, NULL, err) < 0)
		return -1;
	mtimes_save(store->db, store->path, &mt, began);
	return 0;
}

/* The mail root holding the Maildir at path: the nearest folder above it
 * with a notmuch index and the mark of frank sync (store.h), or NULL. */
static char *mail_root_of(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *slash; (slash = strrchr(dir, '/')) && slash > dir;) {
		*slash = '\0';
		char mark[PATH_MAX + 32];
		struct stat sb;
		snprintf(mark, sizeof mark, "%s/%s", dir, STORE_MAIL_ROOT_MARK);
		if (stat(mark, &sb) == 0)
			return lib_xstrdup(dir);
	}
	return NULL;
}

struct store *store_open(const char *path, struct store_index_stats *stats, struct lib_err *err)
{
	struct store_index_stats unused;
	if (!stats)
		stats = &unused;
	memset(stats, 0, sizeof *stats);
	if (check_maildir(path, err) < 0)
		return NULL;
	char abs[PATH_MAX];
	if (!realpath(path, abs)) {
		lib_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct store *store = lib_xcalloc(1, sizeof *store);
	store->path = lib_xstrdup(abs);
	char *root = mail_root_of(store->path);
	if (root) {
		/* A Maildir of frank sync's mail root: its one index, this folder. */
		store->query = lib_xasprintf("folder:\"%s\"", store->path + strlen(root) + 1);
		lib_debug("store: %s is in the mail root %s", store->path, root);
	} else {
		store->query = lib_xstrdup("*");
	}
	int rc = open_database(root ? root : store->path, &store->db, err);
	free(root);
	if (rc < 0 || store_index_update(store, stats, err) < 0) {
		store_free(store);
		return NULL;
	}
	return store;
}

void store_free(struct store *store)
{
	if (!store)
		return;
	if (store->db)
		notmuch_database_destroy(store->db);
	free(store->path);
	free(store->query);
	free(store);
}

static void fill_entry(notmuch_message_t *msg, struct store_entry *e)
{
	e->date = notmuch_message_get_date(msg);
	e->sender = mime_sender_display(notmuch_message_get_header(msg, "from"));
	e->subject = lib_utf8_one_line(notmuch_message_get_header(msg, "subject"));
	const char *file = notmuch_message_get_filename(msg);
	e->path = lib_xstrdup(file ? file : "");
	e->flags = store_flags_from_filename(e->path);
}

int store_list_all(struct store *store, struct store_list *list, struct lib_err *err)
{
	memset(list, 0, sizeof *list);
	notmuch_query_t *q = notmuch_query_create(store->db, store->query);
	if (!q)
		return lib_err_set(err, "%s: out of memory for a query", store->path);
	notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
	notmuch_messages_t *msgs = NULL;
	notmuch_status_t st = notmuch_query_search_messages(q, &msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(q);
		return lib_err_set(err, "%s: search failed: %s", store->path,
				   notmuch_status_to_string(st));
	}
	size_t cap = 0;
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		if (list->count == cap) {
			cap = cap ? cap * 2 : 256;
			list->entries = lib_xrealloc(list->entries, cap * sizeof *list->entries);
		}
		fill_entry(msg, &list->entries[list->count++]);
		notmuch_message_destroy(msg);
	}
	notmuch_query_destroy(q);
	return 0;
}

void store_list_release(struct store_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->entries[i].sender);
		free(list->entries[i].subject);
		free(list->entries[i].path);
	}
	free(list->entries);
	list->entries = NULL;
	list->count = 0;
}
