/* store_db.c: opening the notmuch index for writing while another
 * process may hold Xapian's one writer lock (the curses client's
 * background syncs, a frank sync from cron, the UI's flag changes). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STORE_DB_LOCK_POLL_MS 100

static int lock_held(const char *msg)
{
	return msg && strstr(msg, "Unable to get write lock") != NULL;
}

int store_db_open_rw(const char *root, int create, int wait_ms, notmuch_database_t **db,
		     struct lib_err *err)
{
	for (int waited = 0;; waited += STORE_DB_LOCK_POLL_MS) {
		char *msg = NULL;
		notmuch_status_t st =
			create ? notmuch_database_create_with_config(root, "", NULL, db, &msg)
			       : notmuch_database_open_with_config(
					 root, NOTMUCH_DATABASE_MODE_READ_WRITE, "", NULL, db, &msg);
		if (st == NOTMUCH_STATUS_SUCCESS) {
			free(msg);
			return 0;
		}
		if (lock_held(msg) && waited < wait_ms) {
			if (waited == 0)
				lib_debug("store: %s: the index is locked by another writer; waiting",
					  root);
			free(msg);
			struct timespec pause = { 0, STORE_DB_LOCK_POLL_MS * 1000000L };
			nanosleep(&pause, NULL);
			continue;
		}
		if (lock_held(msg))
			lib_err_set(err, "%s: the notmuch index stayed locked by another writer "
					 "(a sync) for %d s", root, wait_ms / 1000);
		else
			lib_err_set(err, "%s: cannot open the notmuch index: %s", root,
				    msg ? strtok(msg, "\n") : notmuch_status_to_string(st));
		free(msg);
		*db = NULL;
		return -1;
	}
}
