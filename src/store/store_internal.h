/* store_internal.h: what the files of src/store share: Maildir file names,
 * folder scans, the sync state file, and the mail root's index. */
#ifndef FRANK_STORE_INTERNAL_H
#define FRANK_STORE_INTERNAL_H

#include <notmuch.h>

#include "proto.h"
#include "store.h"

/* --- Maildir file names (maildir.c) ------------------------------------ */

/* Maildir info letters "DFPRST" <-> IMAP system flags. */
unsigned store_imap_flags_from_info(const char *info);
void store_info_from_imap_flags(unsigned flags, char out[8]);

/* One message file of a synced folder. */
struct store_local {
	unsigned long uid;   /* from ",U=": 0 when the name has none */
	char key[24];        /* from ",P=": POP3's UIDL hash, "" when none */
	char *name;          /* "cur/NAME" or "new/NAME" */
	unsigned flags;      /* enum imap_flag, from the info */
};

struct store_locals {
	struct store_local *items; /* sorted by uid */
	size_t count;
};

/* Lists cur/ and new/ of dir.  0, or -1 with err set. */
int store_locals_scan(const char *dir, struct store_locals *out, struct lib_err *err);
void store_locals_release(struct store_locals *l);
/* The entry for uid, or NULL. */
struct store_local *store_locals_find(struct store_locals *l, unsigned long uid);

/* Renames a message file to carry flags (it moves to cur/).  *name is
 * updated (relative to dir).  0, or -1 with err set. */
int store_maildir_set_flags(const char *dir, char **name, unsigned flags, struct lib_err *err);
/* The same name with its ",U=" tag replaced by uid (0: removed). */
int store_maildir_retag(const char *dir, char **name, unsigned long uid, struct lib_err *err);

int store_fsync_dir(const char *dir, struct lib_err *err);
/* Removes what a killed writer left in dir/tmp: files named by a process
 * that no longer runs, and any file older than 36 hours. */
int store_maildir_clean_tmp(const char *dir, struct lib_err *err);

/* --- sync state (sync_state.c) ----------------------------------------- */

struct store_state_entry {
	unsigned long uid;
	unsigned flags; /* as last agreed with the server */
};

struct store_state {
	int clean;                 /* the last sync saved it at its end */
	unsigned long uidvalidity; /* 0: never synced */
	unsigned long uidnext;
	unsigned long long modseq;
	struct store_state_entry *items; /* sorted by uid */
	size_t count, cap;
};

/* Reads dir/.frank-sync; a missing file is an empty state. */
int store_state_load(const char *dir, struct store_state *st, struct lib_err *err);
/* Writes it atomically: a temporary file, fsync, rename, fsync of dir. */
int store_state_save(const char *dir, const struct store_state *st, struct lib_err *err);
void store_state_release(struct store_state *st);
struct store_state_entry *store_state_find(struct store_state *st, unsigned long uid);
/* Adds or updates uid. */
void store_state_set(struct store_state *st, unsigned long uid, unsigned flags);
void store_state_remove(struct store_state *st, unsigned long uid);

/* Writes a file atomically (tmp name in the same dir, fsync, rename). */
int store_write_atomic(const char *path, const char *data, size_t len, struct lib_err *err);

/* --- the mail root's index (sync_index.c) ------------------------------ */

struct store_props {
	char **keys, **values;
	size_t count;
};

struct store_index;

/* Opens (creating) MAIL_ROOT/.notmuch. */
struct store_index *store_index_open(const char *mail_root, struct lib_err *err);
void store_index_free(struct store_index *ix);
/* Indexes files (absolute paths) in one transaction, each with its
 * properties (props may be NULL), tags from Maildir flags. */
int store_index_add(struct store_index *ix, char *const *paths, struct store_props *props,
		    size_t n, struct lib_err *err);
/* Forgets a file (deleted), or moves it (renamed for flags: tags follow). */
int store_index_remove(struct store_index *ix, const char *path, struct lib_err *err);
/* Makes everything indexed so far durable (close and open again); done
 * before a folder's state says it is in step with the index. */
int store_index_commit(struct store_index *ix, struct lib_err *err);
/* Writes what was indexed so far to the index's files (Xapian keeps
 * changes in memory until then, and every lookup of a later message pays
 * for them), without waiting for the disk. */
int store_index_flush(struct store_index *ix, struct lib_err *err);
int store_index_rename(struct store_index *ix, const char *from, const char *to,
		       struct lib_err *err);
void store_props_release(struct store_props *props);
/* Brings the index in line with the files of one Maildir (store.c): files
 * gone are forgotten; files not indexed are indexed, or given to
 * unindexed->found (absolute path) when unindexed is not NULL. */
struct store_unindexed {
	void (*found)(void *ctx, const char *path);
	void *ctx;
};
int store_maildir_reconcile(notmuch_database_t *db, const char *maildir,
			    struct store_index_stats *stats, const struct store_unindexed *unindexed,
			    struct lib_err *err);
int store_index_reconcile(struct store_index *ix, const char *maildir,
			  const struct store_unindexed *unindexed, struct lib_err *err);

/* --- one account's sync (sync.c, sync_imap.c, sync_pop3.c) ------------ */

struct sync_account {
	const struct config_account *acct;
	const struct store_sync_opts *opts;
	const struct store_sync_hooks *hooks;
	struct store_sync_stats *stats; /* never NULL inside the sync */
	struct imap *imap;
	struct store_index *index;
	size_t unflushed; /* messages indexed since the index was last flushed */
};

/* Newly arrived files (absolute paths): the arrival hook for each, then
 * the index with the hook's properties.  0, or -1 with err set. */
int sync_arrived(struct sync_account *as, const char *folder, char *const *paths, size_t n,
		 struct lib_err *err);

/* One IMAP folder (sync_imap.c) and a POP3 account (sync_pop3.c). */
int sync_imap_folder(struct sync_account *as, const char *name, char delim,
		     struct lib_err *err);
int sync_pop3_account(struct sync_account *as, struct lib_err *err);

/* Identity of a message, as UIDVALIDITY and move matching compare it
 * (sync_imap.c): the Message-ID of a header section (unfolded, without
 * <>) into out; a local file's size as the server counts it (CRLF line
 * ends) and its Message-ID.  The latter returns 0, or -1 when unreadable. */
#define SYNC_MSGID_MAX 998
void sync_find_message_id(const char *h, size_t len, char *out, size_t size);
int sync_local_identity(const char *path, unsigned long long *size, char *id, size_t idsize);

/* A new message of a fetch batch (sync_write.c): written to tmp/, fsynced,
 * renamed into cur/ with ":2,INFO", its name ending in tag; *path_out (caller frees) is where it is.  The rename is durable
 * only after sync_write_commit(dir), once per batch.  0, or -1 with err. */
int sync_write_message(const char *dir, const char *data, size_t len, const char *tag,
		       const char *info, char **path_out, struct lib_err *err);
int sync_write_commit(const char *dir, struct lib_err *err);

/* Moves made here between folders of the account go to the server
 * (sync_move.c): run before the folders' own syncs, which would take a
 * moved message for one deleted in its old folder and new in the other. */
int sync_imap_moves(struct sync_account *as, const struct imap_folder *folders, size_t n,
		    struct lib_err *err);

/* The account's TLS policy for src/net. */
void sync_tls_policy(const struct config_account *acct, struct net_tls_policy *policy);

/* Opens (create: makes) the index at root for writing, waiting up to
 * wait_ms for another writer's lock (a lock held that long is a stuck
 * process, named in the error).  libnotmuch may itself block until the
 * lock is free (Xapian's DB_RETRY_LOCK); the loop serves where it fails
 * at once instead. */
#define STORE_DB_LOCK_WAIT_MS (300 * 1000)
int store_db_open_rw(const char *root, int create, int wait_ms, notmuch_database_t **db,
		     struct lib_err *err);

#endif
