/* store.h: the face of src/store, the local Maildir and its notmuch index.
 * The UI reads messages only through this module, never from the network. */
#ifndef FRANK_STORE_H
#define FRANK_STORE_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
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
 * the index if absent and indexing files added or removed since.  The
 * index is path/.notmuch, or, for a Maildir inside frank sync's mail root,
 * the root's (listing that folder's messages).  Returns
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

/* The mail root holds one folder per account and one notmuch database for
 * all of them, so a query can span accounts (a unified inbox):
 *
 *   MAIL_ROOT/.notmuch/                 the index of every account
 *   MAIL_ROOT/ACCOUNT/FOLDER/{cur,new,tmp}
 *   MAIL_ROOT/ACCOUNT/FOLDER/.frank-sync   the folder's sync state
 *
 * A server folder "A/B" (in the server's hierarchy delimiter) becomes the
 * nested Maildir ACCOUNT/A/B.  Server names never reach the file system
 * as they are: see store_folder_dir().  A message file of a synced folder
 * is named "TIME.PID_N.HOST,U=UID:2,FLAGS" (IMAP: the server's UID) or
 * "...,P=HASH:2,FLAGS" (POP3: a hash of its UIDL), so the files themselves
 * say which server message each one is: a sync killed after a file was
 * written and before its state was saved finds it and neither loses nor
 * fetches it twice. */

#define STORE_SYNC_STATE ".frank-sync"
/* The mark of a mail root (an empty file at its top): store_open() of a
 * Maildir below one uses the root's index, showing that folder's mail. */
#define STORE_MAIL_ROOT_MARK ".frank-mail-root"

/* The Maildir folder of a server folder: MAIL_ROOT/ACCOUNT/C1/C2/... where
 * Ci are the name's parts split at delim ('\0': none), each made safe: "%"
 * and bytes outside 0x21..0x7E but for space are written %XX, and so is a
 * leading "." and a whole part equal to "cur", "new" or "tmp", so that no
 * name can climb out ("../../x"), hide as a dot file, or land in another
 * folder's Maildir.  The account name must be a config_name_check() name.
 * Returns a new string, or NULL with err set (empty name or part). */
char *store_folder_dir(const char *mail_root, const char *account, const char *server_name,
		       char delim, struct lib_err *err);

/* Makes dir a Maildir (dir, cur/, new/, tmp/, and missing parents). */
int store_maildir_make(const char *dir, struct lib_err *err);

/* Delivers a message into the Maildir dir the safe way: written to tmp/,
 * fsynced, renamed into new/ (info NULL) or cur/ with ":2,INFO", and the
 * directory fsynced, so that once it returns the file survives a crash
 * and no reader ever sees half a file.  tag (NULL for none) is put after
 * the unique part of the name (",U=17").  With crlf_to_lf, CRLF line
 * ends are stored as LF (the Maildir way; IMAP and POP3 send CRLF).
 * *path_out, when asked, is the new file's path (caller frees). */
int store_maildir_deliver(const char *dir, const char *data, size_t len, const char *tag,
			  const char *info, int crlf_to_lf, char **path_out, struct lib_err *err);

/* What a sync tells the caller as it goes: once per folder at the start
 * (done 0), while messages arrive (every STORE_SYNC_PROGRESS_EVERY messages
 * or STORE_SYNC_PROGRESS_MS, whichever comes first, within a fetch batch too),
 * after each batch is indexed (arrived > 0), and at the end (finished 1). */
#define STORE_SYNC_PROGRESS_EVERY 50
#define STORE_SYNC_PROGRESS_MS 500
struct store_sync_progress {
	const char *account;
	const char *folder;   /* the server's name */
	size_t done, total;   /* new messages fetched of those to fetch */
	unsigned long long bytes;
	int finished;
	size_t arrived;       /* messages indexed since the last report: now visible */
};

/* Notmuch properties for a message, given by the arrival hook: the sync
 * stores them with the message when it indexes it (notmuch_message_
 * add_property), so the verdict and its evidence are indexed at once. */
struct store_props;
void store_props_add(struct store_props *props, const char *key, const char *value);

/* A message that has just arrived: its file is durable (fsynced, renamed)
 * and not yet indexed. */
struct store_arrival {
	const char *path;
	const char *account;
	const char *folder; /* the server's name */
};

struct store_sync_hooks {
	/* May be NULL.  Called in the thread that called the sync. */
	void (*progress)(void *ctx, const struct store_sync_progress *p);
	/* May be NULL.  Every newly arrived message, once, before it is
	 * indexed; here the caller verifies it and adds properties.  It runs in
	 * the sync's indexing thread (so verification overlaps the download),
	 * one call at a time.  A non-zero return stops the sync with err set
	 * (the message stays, and the next sync hooks and indexes it). */
	int (*arrived)(void *ctx, const struct store_arrival *m, struct store_props *props,
		       struct lib_err *err);
	void *ctx;
	/* May be NULL.  store_sync_idle: the account is up to date and the
	 * sync now waits for the server's news. */
	void (*idle)(void *ctx, const char *account);
};

struct store_sync_opts {
	const char *mail_root;
	const char *password;   /* the account's password (not kept) */
	const char *folder;     /* only this server folder, or NULL: all */
	int batch;              /* messages per UID FETCH; 0: 200 */
	size_t max_message;     /* largest message taken; 0: 64 MiB */
	int io_timeout_ms;      /* 0: net's default */
};

struct store_sync_stats {
	size_t folders;
	size_t fetched;         /* new messages written */
	size_t removed_here;    /* deleted on the server, removed locally */
	size_t removed_there;   /* deleted locally, removed on the server */
	size_t flags_here;      /* flag changes taken from the server */
	size_t flags_there;     /* flag changes pushed to the server */
	size_t moved_there;     /* moved here between folders, moved there */
};

/* Syncs one account (IMAP or POP3 by its source URL) into
 * mail_root/ACCOUNT: every folder (IMAP) or the inbox (POP3); new mail
 * down, flags and deletions both ways (IMAP), POP3 deletion on the server
 * only with leave_on_server off and only of messages already durable
 * here.  stats may be NULL.  Returns 0, or -1 with err naming the account,
 * folder and step; what was synced before an error stays synced. */
int store_sync_account(const struct config_account *acct, const struct store_sync_opts *opts,
		       const struct store_sync_hooks *hooks, struct store_sync_stats *stats,
		       struct lib_err *err);

/* Stays connected to the account's inbox with IMAP IDLE and syncs the
 * inbox each time the server reports a change (and once at the start),
 * until *stop becomes non-zero (a signal handler sets it; the wait ends
 * at the next server message or timeout) or an error.  A lost connection
 * is opened again.  Returns 0 when stopped, -1 with err set. */
int store_sync_idle(const struct config_account *acct, const struct store_sync_opts *opts,
		    const struct store_sync_hooks *hooks, volatile sig_atomic_t *stop,
		    struct lib_err *err);

/* --- Progress events (frank sync --progress-fd) ------------------------ */

/* One line of the progress stream a sync writes for another process (the
 * curses client): sync_event.c has the grammar.  Strings are copies,
 * cut to fit. */
enum store_sync_event_kind {
	STORE_SYNC_EVENT_FOLDER, /* "folder ACCOUNT FOLDER DONE TOTAL" */
	STORE_SYNC_EVENT_NEW,    /* "new ACCOUNT FOLDER COUNT": messages arrived */
	STORE_SYNC_EVENT_ERROR,  /* "error ACCOUNT REASON" */
	STORE_SYNC_EVENT_DONE,   /* "done ACCOUNT RC": the account's sync ended */
	STORE_SYNC_EVENT_IDLE,   /* "idle ACCOUNT": synced, waiting (--idle) */
};

#define STORE_SYNC_EVENT_MAX 1024 /* bytes of a line, without its LF */

struct store_sync_event {
	enum store_sync_event_kind kind;
	char account[65];
	char folder[256]; /* FOLDER and NEW: the server's name */
	size_t done;      /* FOLDER: fetched so far; NEW: how many arrived */
	size_t total;     /* FOLDER: to fetch */
	int rc;           /* DONE: 0 synced, else the failure */
	char reason[512]; /* ERROR: one line */
};

/* Writes ev as one line with its LF into out; returns its length, or 0
 * when it does not fit in size (a folder name too long). */
size_t store_sync_event_format(const struct store_sync_event *ev, char *out, size_t size);
/* Parses one line (its LF optional); 0, or -1 with err set when it is
 * not an event. */
int store_sync_event_parse(const char *line, size_t len, struct store_sync_event *ev,
			   struct lib_err *err);

/* The Message-ID of the raw message data[0..len) (its header section),
 * without < >, into out (NUL-terminated).  0, or -1 when it has none that
 * fits in size (out is then ""). */
int store_message_id(const char *data, size_t len, char *out, size_t size);

/* --- Verification on arrival ------------------------------------------ */

/* The properties a verified message carries in the index, each one short
 * line (a notmuch property is a Xapian term: at most STORE_PROP_MAX bytes
 * of value are kept):
 *   frank.badge        "verified", "partial", "failed", "none", "unknown"
 *                      (notmuch search property:frank.badge=failed)
 *   frank.explanation  the badge's line of plain words (cut to fit)
 *   frank.spf          SPF's result;  frank.dmarc  DMARC's result
 *   frank.dkim         "RESULT DOMAIN", one per signature
 *   frank.warning      zero or more: what the verdict cannot say, in
 *                      plain words (a display name claiming someone else,
 *                      a lookalike domain, first mail from a sender:
 *                      auth_sender_warnings)
 *   frank.verdict      the SHA-256 (hex) of the message file: the whole
 *                      verdict with its evidence, the JSON of
 *                      auth_message_verdict_json(), is the file
 *                      store_verdict_path(mail_root, that hash). */
#define STORE_PROP_BADGE "frank.badge"
#define STORE_PROP_EXPLANATION "frank.explanation"
#define STORE_PROP_SPF "frank.spf"
#define STORE_PROP_DKIM "frank.dkim"
#define STORE_PROP_DMARC "frank.dmarc"
#define STORE_PROP_VERDICT "frank.verdict"
#define STORE_PROP_WARNING "frank.warning"
#define STORE_KNOWN_FILE ".frank-known" /* auth_known_format, in the mail root */
#define STORE_PROP_MAX 200
#define STORE_VERDICT_DIR ".frank-verdicts"

/* MAIL_ROOT/.frank-verdicts/AB/ABCD....json for a hash in hex.  Caller
 * frees. */
char *store_verdict_path(const char *mail_root, const char *sha256_hex);

/* Verifies messages for acct: its trusted boundary host and authserv-ids,
 * DNS through cfg's dns_zone_file (answering first) and the network,
 * or the zone alone with dns_offline.  NULL with err set when the zone
 * file cannot be read.  Not thread-safe: one caller at a time (the sync's
 * indexing thread). */
struct store_verifier;
struct store_verifier *store_verifier_new(const struct config *cfg,
					  const struct config_account *acct, struct lib_err *err);
void store_verifier_free(struct store_verifier *verifier);
/* Saves what the verifier learnt of senders (MAIL_ROOT/.frank-known,
 * atomically), for the next sync's first-mail and lookalike warnings. */
int store_verifier_save(struct store_verifier *verifier, struct lib_err *err);

/* Verifies the message file at path, writes its verdict file (atomically)
 * and adds the properties above to props.  Returns 0, or -1 with err set when the
 * file could not be read or the resolver failed (no properties added:
 * the message is indexed without a verdict and shows as not verified). */
int store_verifier_check(struct store_verifier *verifier, const char *path,
			 struct store_props *props, struct lib_err *err);

/* ===================================================================== */
/* Views: what the curses client reads (store_view*.c)                   */
/* ===================================================================== */

/* A view is the notmuch index of a mail root (or of one Maildir opened
 * with frank -f) opened for reading, with the queries the UI makes: the
 * folders and their counts, the messages of a query with their verdict
 * properties, threads, and the few writes the UI does (flags and tags,
 * a new verdict).  Writes open the index for writing only while they
 * run, so a frank sync in another process is never locked out long. */
struct store_view;

/* Opens the index for path: a mail root (the mark STORE_MAIL_ROOT_MARK
 * is in it: every account), a Maildir inside one (that folder), or a
 * Maildir on its own (its .notmuch, which store_open() made).  The view's
 * default query names what was opened.  NULL with err set. */
struct store_view *store_view_open(const char *path, struct lib_err *err);
void store_view_free(struct store_view *view);
/* Opens the index again, to see what another process (frank sync) wrote
 * since: a read-only Xapian handle keeps the revision it opened.  On
 * error the old handle stays. */
int store_view_reopen(struct store_view *view, struct lib_err *err);
/* The folder holding the index (the mail root, or the Maildir). */
const char *store_view_root(const struct store_view *view);
/* 1 when the view is over a mail root (accounts, verdicts). */
int store_view_is_mail_root(const struct store_view *view);
/* The query of what was opened: "*" or folder:"ACCOUNT/FOLDER". */
const char *store_view_default_query(const struct store_view *view);

/* One Maildir of a mail root: MAIL_ROOT/ACCOUNT/NAME. */
struct store_view_folder {
	char *account;
	char *name;   /* "INBOX", "Lists/frank" */
	char *query;  /* folder:"ACCOUNT/NAME" */
	size_t total, unread;
};

struct store_view_folders {
	struct store_view_folder *items; /* by account, then name */
	size_t count;
};

/* Every folder of every account, with counts from the index. */
int store_view_folders(struct store_view *view, struct store_view_folders *out,
		       struct lib_err *err);
void store_view_folders_release(struct store_view_folders *folders);
/* The query of the messages matching both a and b: "(a) and (b)", or b
 * when a is "*" (Xapian reads "(*)" as a wildcard of nothing).  Caller
 * frees. */
char *store_view_query_and(const char *a, const char *b);
/* Messages matching query, and of them those tagged unread. */
int store_view_count(struct store_view *view, const char *query, size_t *total,
		     size_t *unread, struct lib_err *err);

/* One message as the index line, the pager and the verification view
 * need it.  Strings are clean one-line UTF-8, owned by the list. */
struct store_view_message {
	time_t date;
	char *sender;      /* display name, or address */
	char *from;        /* the From header as written (decoded) */
	char *subject;
	char *path;        /* absolute path of (one of) its files */
	char *id;          /* Message-ID, without < > */
	char *thread;      /* notmuch's thread id */
	unsigned flags;    /* STORE_FLAG_* from the file name */
	long long size;    /* bytes of the file; -1 when it is gone */
	int attachment;    /* notmuch's "attachment" tag */
	char *badge;       /* frank.badge, or "" when never verified */
	char *explanation; /* frank.explanation, or "" */
	char *verdict;     /* frank.verdict (SHA-256 hex), or "" */
	char **warnings;   /* every frank.warning */
	size_t nwarnings;
	int depth;         /* in thread order: replies below their parent */
};

/* A list of count messages.  A list from store_view_query() in date order
 * is lazy: only the count is known at first, and an item is read from the
 * index when store_view_list_at() first asks for it (the index screen asks
 * for the rows it shows), so the first screen of a large folder costs
 * what one screen costs.  Items not yet read are zeroed (id NULL); code
 * that may meet them reads through store_view_list_at().  By sender or
 * subject (orders notmuch lacks) the list is as lazy once a table of
 * every match's key has been read and sorted (about 25 us a message: the
 * keys are values of the index, no file is opened; only the IDs are
 * kept).  In thread order the list is read from its end, thread by
 * thread, newest first (notmuch builds a thread when asked for): the
 * first item asked for reads every thread after it. */
struct store_view_stream; /* private: what reads the rest of a lazy list */
struct store_view_list {
	struct store_view_message *items;
	size_t count;
	struct store_view_stream *stream; /* NULL: every item is read */
};

/* How a list is ordered: by date (oldest first, mutt's order), sender,
 * subject, or threads (each thread where its newest message falls, its
 * messages in reply order with depth set). */
enum store_view_sort {
	STORE_VIEW_SORT_DATE,
	STORE_VIEW_SORT_SENDER,
	STORE_VIEW_SORT_SUBJECT,
	STORE_VIEW_SORT_THREAD,
};

/* Fills list with the messages matching a notmuch query (lazily in date
 * order, see above).  Returns 0, or -1 with err set (a query notmuch
 * cannot parse says so).  The caller releases the list. */
int store_view_query(struct store_view *view, const char *query, enum store_view_sort sort,
		     struct store_view_list *list, struct lib_err *err);
void store_view_list_release(struct store_view_list *list);
/* Item i (< count), read from the index when it was not yet.  Never NULL:
 * a message the index no longer has reads as an empty entry (size -1).
 * The pointer stays valid until the list is released. */
struct store_view_message *store_view_list_at(struct store_view_list *list, size_t i);
/* 1 when item i has been read. */
int store_view_list_has(const struct store_view_list *list, size_t i);
/* Reads items lo..hi-1 that are not yet read, in one pass. */
void store_view_list_fill(struct store_view_list *list, size_t lo, size_t hi);
/* The first item after from in list order, wrapping past the end, whose
 * message matches; *found gets its index and *wrapped 1 when the search
 * went past the end.  Messages read only to be tested are not kept, so a
 * search through a large folder holds one message at a time.  Returns 1
 * when found, 0 when none matched. */
int store_view_list_find(struct store_view_list *list, size_t from,
			 int (*match)(const struct store_view_message *m, void *ctx), void *ctx,
			 size_t *found, int *wrapped);
/* The list's unread (tag:unread), flagged and deleted messages, from the
 * index for a lazy list (counted once, again after
 * store_view_list_changed()), else from its items.  Counting a large lazy
 * list takes queries: with wait 0 it returns 0 when they were not made
 * yet (the index paints first and counts after); else 1. */
struct store_view_counts {
	size_t unread, flagged, deleted;
};
int store_view_list_counts(struct store_view_list *list, struct store_view_counts *out,
			   int wait);
/* Says a message's flags changed: the next counts are taken again. */
void store_view_list_changed(struct store_view_list *list);

/* Sets and clears Maildir flags of a message (STORE_FLAG_FLAGGED,
 * _SEEN, _TRASHED, _REPLIED) through its notmuch tags (flagged, unread,
 * deleted, replied): the file is renamed to match and m->path, m->flags
 * follow.  Returns 0, or -1 with err set. */
int store_view_set_flags(struct store_view *view, struct store_view_message *m, unsigned set,
			 unsigned clear, struct lib_err *err);
/* Adds (+tag) or removes (-tag) notmuch tags, words of spec separated
 * by spaces ("+todo -inbox"). */
int store_view_tag(struct store_view *view, struct store_view_message *m, const char *spec,
		   struct lib_err *err);
/* Replaces the message's frank.* verdict properties (the keys of props
 * given by store_verifier_check) and updates m. */
int store_view_set_verdict(struct store_view *view, struct store_view_message *m,
			   struct store_props *props, struct lib_err *err);
struct store_send_report;
/* A new, empty set of properties for store_verifier_check. */
struct store_props *store_props_new(void);
void store_props_free(struct store_props *props);

/* The server's reply to the message ("250 2.0.0 queued as 4B2C"), for the
 * compose screen, which may not see proto.h; "" when none came.  Caller
 * frees. */
char *store_view_send_reply(const struct store_send_report *report);

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
	size_t size_limit;       /* 0: the account's size_limit (default 25 MB) */
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
