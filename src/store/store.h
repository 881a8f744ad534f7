/* store.h: the face of src/store, the local Maildir and its notmuch index.
 * The UI reads messages only through this module, never from the network. */
#ifndef FRANK_STORE_H
#define FRANK_STORE_H

#include <stddef.h>
#include <time.h>

#include "lib.h"

/* Maildir flags (the info suffix ":2,DFRST" of a file name), plus NEW for
 * a file still in new/ (delivered, never seen by a client). */
enum store_flag {
	STORE_FLAG_DRAFT = 1 << 0,   /* D */
	STORE_FLAG_FLAGGED = 1 << 1, /* F */
	STORE_FLAG_PASSED = 1 << 2,  /* P: forwarded */
	STORE_FLAG_REPLIED = 1 << 3, /* R */
	STORE_FLAG_SEEN = 1 << 4,    /* S */
	STORE_FLAG_TRASHED = 1 << 5, /* T */
	STORE_FLAG_NEW = 1 << 6,     /* in new/ */
};

/* Flags from a Maildir file path (its directory and info suffix). */
unsigned store_flags_from_filename(const char *path);

/* One message as the index shows it; strings are clean UTF-8 on one line. */
struct store_entry {
	time_t date;
	char *sender;  /* display name, or address */
	char *subject;
	char *path;    /* absolute path of the message file */
	unsigned flags;
};

/* A snapshot of a folder's messages, oldest first (mutt's date order). */
struct store_list {
	struct store_entry *entries;
	size_t count;
};

void store_list_release(struct store_list *list);

/* What store_open found changed since the index was last brought up to date. */
struct store_index_stats {
	size_t added;
	size_t removed;
	size_t skipped; /* files that are not mail */
};

/* An open Maildir with its notmuch database (DIR/.notmuch, created when
 * absent).  Opaque; store_free() closes it. */
struct store;

/* Opens the Maildir at path (it must have cur/, new/ and tmp/), creating
 * the index if absent and indexing files added or removed since.  Returns
 * NULL with err set: path missing, not a Maildir, or index failure.
 * stats may be NULL. */
struct store *store_open(const char *path, struct store_index_stats *stats,
			 struct lib_err *err);
void store_free(struct store *store);

/* The absolute path of the Maildir (owned by the store). */
const char *store_path(const struct store *store);

/* Fills list with every message, oldest first.  The caller releases it. */
int store_list_all(struct store *store, struct store_list *list, struct lib_err *err);


/* ===================================================================== */
/* Accounts, folders and sync (IMAP and POP3 into local Maildirs)        */
/* ===================================================================== */

/* (sync declarations) */




/* ===================================================================== */
/* Writing messages: drafts, sent copies                                 */
/* ===================================================================== */

/* (message writing declarations) */

#endif
