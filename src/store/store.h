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

/* How frank sends (../shared/DESIGN.md, data flow 5): the message is
 * first saved as a draft in the account's Drafts; it is prepared and
 * submitted; only on the server's 2xx after DATA is it stored in Sent
 * and the draft removed.  On any failure the draft stays where it is and
 * the error says why, with the server's own words.
 *
 * Local folders: an account's folder FOLDER (folder_drafts, folder_sent)
 * is the Maildir MAIL_ROOT/ACCOUNT/FOLDER, made when first written.  Files
 * are written to tmp/, fsynced, and linked into cur/ with their flags
 * (drafts ":2,D", sent copies ":2,S"). */

struct config_account;
struct smtp_outcome;

/* MAIL_ROOT/ACCOUNT/FOLDER; caller frees. */
char *store_account_folder(const char *mail_root, const struct config_account *acct,
			   const char *folder);

/* The account's From as a header writes it: "Real Name <local@domain>"
 * (realname, else the name in from; quoted when needed).  Caller frees. */
char *store_account_from(const struct config_account *acct);

/* Saves msg[0..len) as a new draft in the account's Drafts; *path (caller
 * frees) names the file.  Durable when it returns 0. */
int store_draft_save(const char *mail_root, const struct config_account *acct, const char *msg,
		     size_t len, char **path, struct lib_err *err);

/* Removes a draft file (and syncs its folder).  Returns 0 or -1. */
int store_draft_remove(const char *path, struct lib_err *err);

/* The postponed drafts of an account, oldest first. */
struct store_draft {
	char *path;
	time_t date;   /* the file's modification time */
	char *to;      /* as written, clean one-line text; "" when none */
	char *subject; /* decoded, clean; "" when none */
};

struct store_draft_list {
	struct store_draft *drafts;
	size_t count;
};

int store_drafts_list(const char *mail_root, const struct config_account *acct,
		      struct store_draft_list *list, struct lib_err *err);
void store_draft_list_release(struct store_draft_list *list);

/* What the caller (frank send, the compose screen) decides or supplies. */
struct store_send_hooks {
	/* The message is over the size limit (warning says by how much):
	 * return 1 to send it anyway.  NULL: it is not sent. */
	int (*confirm_size)(void *ctx, const char *warning);
	/* The account has neither passcmd nor password: ask the user.
	 * Returns 0 with *password (freed with config_password_free), or -1
	 * with err set.  NULL: an error. */
	int (*ask_password)(void *ctx, const struct config_account *acct, char **password,
			    struct lib_err *err);
	/* Stores the Sent copy on the server (IMAP APPEND into folder, the
	 * IMAP client's part).  Returns 0, or -1 with err set.  NULL, or a
	 * failure: the copy is put on the account's to-append list (see
	 * store_sent_to_append), for the sync to append later. */
	int (*append_sent)(void *ctx, const struct config_account *acct, const char *folder,
			   const char *msg, size_t len, struct lib_err *err);
	void *ctx;
};

struct store_send_opts {
	const char *mail_root;
	const char *user_agent;  /* "frank 0.1" */
	size_t size_limit;       /* 0: MIME_SIZE_LIMIT_DEFAULT (25 MB) */
	int server_saves_sent;   /* 1: the server files sent mail itself
	                            (Gmail): no copy is appended */
	long timeout_s;          /* per network step; 0: 60 */
	struct store_send_hooks hooks;
};

/* What became of a message.  Owned by the caller:
 * store_send_report_release(). */
struct store_send_report {
	int sent;                     /* 1: the server took it (2xx) */
	struct smtp_outcome *outcome; /* every server reply, or NULL when no
	                                 SMTP transaction began (proto.h) */
	char *draft_path;             /* the draft: kept, or NULL once removed */
	char *sent_path;              /* the local Sent copy, or NULL */
	int append;                   /* Sent copy: 1 appended on the server,
	                                 0 listed to append, -1 not needed */
	char *subject;                /* decoded, for messages */
	size_t nrcpts;
	struct lib_err warning;       /* sent, but something after went wrong
	                                 (the Sent copy); msg "" when nothing */
};

void store_send_report_release(struct store_send_report *report);

/* Sends the draft at draft_path with the account: prepares it (every
 * check before a byte goes out), checks the size, opens the SMTP
 * submission session (STARTTLS, AUTH with the account's password),
 * submits it; on 2xx stores the record copy (with Bcc) in Sent, removes
 * the draft, and appends the copy on the server unless it saves sent
 * mail itself.  Returns 0 when the message was sent (report->warning may
 * still say the Sent copy failed), -1 with err set otherwise; either way
 * report says what happened.  The draft is removed only after a 2xx. */
int store_send_draft(const struct config_account *acct, const char *draft_path,
		     const struct store_send_opts *opts, struct store_send_report *report,
		     struct lib_err *err);

/* The Sent copies still to be appended on the server: one path per line
 * of MAIL_ROOT/ACCOUNT/.frank-append-pending.  *paths (each and the array
 * freed by the caller) may be empty. */
int store_sent_to_append(const char *mail_root, const struct config_account *acct,
			 char ***paths, size_t *count, struct lib_err *err);
/* Takes path off that list once it has been appended. */
int store_sent_appended(const char *mail_root, const struct config_account *acct,
			const char *path, struct lib_err *err);

#endif
