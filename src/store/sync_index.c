/* sync_index.c: the mail root's notmuch database, written by the sync in
 * batches as files land (so indexing overlaps the download instead of
 * following it), with each message's properties from the arrival hook. */
#define _GNU_SOURCE /* syncfs */
#include "store_internal.h"

#include <fcntl.h>
#include <unistd.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct store_index {
	char *root;
	notmuch_database_t *db;
};

void store_props_add(struct store_props *props, const char *key, const char *value)
{
	props->keys = lib_xrealloc(props->keys, (props->count + 1) * sizeof *props->keys);
	props->values = lib_xrealloc(props->values, (props->count + 1) * sizeof *props->values);
	props->keys[props->count] = lib_xstrdup(key);
	props->values[props->count] = lib_xstrdup(value);
	props->count++;
}

void store_props_release(struct store_props *props)
{
	for (size_t i = 0; i < props->count; i++) {
		free(props->keys[i]);
		free(props->values[i]);
	}
	free(props->keys);
	free(props->values);
	memset(props, 0, sizeof *props);
}


struct store_index *store_index_open(const char *mail_root, struct lib_err *err)
{
	struct stat sb;
	if (stat(mail_root, &sb) < 0 && errno == ENOENT && mkdir(mail_root, 0700) < 0)
		return lib_err_set(err, "%s: %s", mail_root, strerror(errno)), NULL;
	char abs[PATH_MAX];
	if (!realpath(mail_root, abs))
		return lib_err_set(err, "%s: %s", mail_root, strerror(errno)), NULL;
	struct store_index *ix = lib_xcalloc(1, sizeof *ix);
	ix->root = lib_xstrdup(abs);
	char nmdir[PATH_MAX + 16];
	snprintf(nmdir, sizeof nmdir, "%s/.notmuch", abs);
	/* config_path "": no notmuch config file is read; the database alone. */
	if (store_db_open_rw(abs, stat(nmdir, &sb) != 0, STORE_DB_LOCK_WAIT_MS, &ix->db, err) < 0) {
		store_index_free(ix);
		return NULL;
	}
	char mark[PATH_MAX + 32];
	snprintf(mark, sizeof mark, "%s/%s", abs, STORE_MAIL_ROOT_MARK);
	if (stat(mark, &sb) < 0 && store_write_atomic(mark, "", 0, err) < 0) {
		store_index_free(ix);
		return NULL;
	}
	return ix;
}

void store_index_free(struct store_index *ix)
{
	if (!ix)
		return;
	if (ix->db)
		notmuch_database_destroy(ix->db);
	free(ix->root);
	free(ix);
}

static int nm_fail(const char *what, const char *path, notmuch_status_t st, struct lib_err *err)
{
	return lib_err_set(err, "%s: %s: %s", path, what, notmuch_status_to_string(st));
}

/* After a flush that could not open the index again (another writer kept
 * it locked), every later call fails with this rather than crash. */
static int index_closed(const struct store_index *ix, struct lib_err *err)
{
	return ix->db ? 0 : lib_err_set(err, "%s: the index could not be opened again", ix->root);
}

int store_index_add(struct store_index *ix, char *const *paths, struct store_props *props,
		    size_t n, struct lib_err *err)
{
	if (n == 0)
		return 0;
	if (index_closed(ix, err) < 0)
		return -1;
	notmuch_status_t st = notmuch_database_begin_atomic(ix->db);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return nm_fail("index busy", ix->root, st, err);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		notmuch_message_t *msg = NULL;
		st = notmuch_database_index_file(ix->db, paths[i], NULL, &msg);
		if (st == NOTMUCH_STATUS_FILE_NOT_EMAIL) {
			lib_debug("store: %s is not mail, not indexed", paths[i]);
			continue;
		}
		if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
			rc = nm_fail("cannot index", paths[i], st, err);
			break;
		}
		/* Frozen, the tags and properties cost one document write, not
		 * one each (a write re-encodes the whole document). */
		notmuch_message_freeze(msg);
		notmuch_message_maildir_flags_to_tags(msg);
		for (size_t k = 0; props && k < props[i].count; k++)
			notmuch_message_add_property(msg, props[i].keys[k], props[i].values[k]);
		notmuch_message_thaw(msg);
		notmuch_message_destroy(msg);
	}
	st = notmuch_database_end_atomic(ix->db);
	if (rc == 0 && st != NOTMUCH_STATUS_SUCCESS)
		rc = nm_fail("cannot write the index", ix->root, st, err);
	return rc;
}

int store_index_remove(struct store_index *ix, const char *path, struct lib_err *err)
{
	if (index_closed(ix, err) < 0)
		return -1;
	notmuch_status_t st = notmuch_database_remove_message(ix->db, path);
	if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID &&
	    st != NOTMUCH_STATUS_FILE_ERROR)
		return nm_fail("cannot remove from the index", path, st, err);
	return 0;
}

int store_index_rename(struct store_index *ix, const char *from, const char *to,
		       struct lib_err *err)
{
	notmuch_message_t *msg = NULL;
	if (strcmp(from, to) == 0)
		return 0; /* removing "from" would drop the message */
	if (index_closed(ix, err) < 0)
		return -1;
	notmuch_status_t st = notmuch_database_begin_atomic(ix->db);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return nm_fail("index busy", ix->root, st, err);
	int rc = 0;
	/* Known under its old name: add the new one to the same message. */
	st = notmuch_database_index_file(ix->db, to, NULL, &msg);
	if (st == NOTMUCH_STATUS_SUCCESS || st == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
		notmuch_message_destroy(msg);
		st = notmuch_database_remove_message(ix->db, from);
		if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
			rc = nm_fail("cannot rename in the index", from, st, err);
		/* Tags follow the flags of the file that remains. */
		if (rc == 0 && notmuch_database_find_message_by_filename(ix->db, to, &msg) ==
				       NOTMUCH_STATUS_SUCCESS &&
		    msg) {
			notmuch_message_maildir_flags_to_tags(msg);
			notmuch_message_destroy(msg);
		}
	} else if (st != NOTMUCH_STATUS_FILE_NOT_EMAIL) {
		rc = nm_fail("cannot index", to, st, err);
	}
	st = notmuch_database_end_atomic(ix->db);
	if (rc == 0 && st != NOTMUCH_STATUS_SUCCESS)
		rc = nm_fail("cannot write the index", ix->root, st, err);
	return rc;
}

int store_index_reconcile(struct store_index *ix, const char *maildir,
			  const struct store_unindexed *unindexed, struct lib_err *err)
{
	struct store_index_stats stats = { 0, 0, 0 };
	if (index_closed(ix, err) < 0)
		return -1;
	int rc = store_maildir_reconcile(ix->db, maildir, &stats, unindexed, err);
	if (rc == 0 && (stats.added || stats.removed))
		lib_debug("sync %s: index reconciled: %zu added, %zu removed", maildir, stats.added,
			  stats.removed);
	return rc;
}

/* Close (Xapian commits) and open again. */
int store_index_flush(struct store_index *ix, struct lib_err *err)
{
	if (index_closed(ix, err) < 0)
		return -1;
	notmuch_status_t st = notmuch_database_close(ix->db);
	notmuch_database_destroy(ix->db);
	ix->db = NULL;
	if (st != NOTMUCH_STATUS_SUCCESS)
		return nm_fail("cannot write the index", ix->root, st, err);
	return store_db_open_rw(ix->root, 0, STORE_DB_LOCK_WAIT_MS, &ix->db, err);
}

/* notmuch writes its atomic sections to disk only now and then, and for
 * certain when the database is closed; a sync that is killed later would
 * lose what it indexed while its state says the folder is done.  So the
 * database is closed (committing everything) and opened again before a
 * folder is marked done. */
int store_index_commit(struct store_index *ix, struct lib_err *err)
{
	/* The verdict files (sync_verify.c) are written without an fsync
	 * each: one syncfs of the mail root's file system makes them durable
	 * together. */
	int fd = open(ix->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return lib_err_set(err, "%s: cannot sync to disk: %s", ix->root, strerror(e));
	}
	close(fd);
	return store_index_flush(ix, err);
}
