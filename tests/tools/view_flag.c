/* view_flag.c: the UI's write path without curses, for tests.
 *   view_flag lock ROOT SECONDS   holds the index's writer lock that long
 *                                 (prints "locked" once it has it)
 *   view_flag flag ROOT N         flags message N (0: the oldest) of ROOT,
 *                                 as the index's flag-message does; prints
 *                                 its new file name or the error */
#include "lib.h"
#include "store.h"

#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hold_lock(const char *root, int seconds)
{
	notmuch_database_t *db = NULL;
	char *msg = NULL;
	if (notmuch_database_open_with_config(root, NOTMUCH_DATABASE_MODE_READ_WRITE, "", NULL,
					      &db, &msg) != NOTMUCH_STATUS_SUCCESS) {
		fprintf(stderr, "view_flag: %s: %s\n", root, msg ? msg : "cannot open");
		free(msg);
		return 1;
	}
	printf("locked\n");
	fflush(stdout);
	sleep((unsigned)seconds);
	notmuch_database_destroy(db);
	return 0;
}

static int flag_one(const char *root, size_t n)
{
	struct lib_err err;
	struct store_view *view = store_view_open(root, &err);
	struct store_view_list list = { 0 };
	int rc = 1;
	if (view && store_view_query(view, store_view_default_query(view), STORE_VIEW_SORT_DATE,
				     &list, &err) == 0 && list.count > n) {
		struct store_view_message *m = store_view_list_at(&list, n);
		if (store_view_set_flags(view, m, STORE_FLAG_FLAGGED, 0, &err) == 0) {
			printf("%s\n", m->path);
			rc = 0;
		}
	}
	if (rc)
		printf("error: %s\n", err.msg);
	store_view_list_release(&list);
	store_view_free(view);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "lock") == 0)
		return hold_lock(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "flag") == 0)
		return flag_one(argv[2], (size_t)atoi(argv[3]));
	fprintf(stderr, "usage: view_flag lock ROOT SECONDS | view_flag flag ROOT N\n");
	return 2;
}
