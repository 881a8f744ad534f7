/* imapd.h: what the files of frankd's IMAP server share (private to
 * src/frankd): the session, and the commands on a selected folder. */
#ifndef FRANK_IMAPD_H
#define FRANK_IMAPD_H

#include "frankd_internal.h"

enum imap_state {
	IMAP_STATE_NOT_AUTH,  /* greeted: CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE */
	IMAP_STATE_AUTH,      /* logged in, no folder selected */
	IMAP_STATE_SELECTED,  /* a folder selected */
	IMAP_STATE_SASL,      /* AUTHENTICATE PLAIN: the response line awaited */
	IMAP_STATE_IDLE,      /* IDLE: "DONE" awaited */
	IMAP_STATE_WAIT,      /* the password check is on a worker */
	IMAP_STATE_LOGOUT,    /* closing once the replies are out */
};

struct imap_session {
	struct frankd_conn conn; /* first: a conn is its session */
	enum imap_state state;
	enum imap_state resume;  /* after IDLE */
	struct frankd_imap_framer framer;
	struct lib_buf command;  /* the bytes of the command being framed */
	char tag[FRANKD_IMAP_TAG_MAX + 1]; /* of AUTHENTICATE, IDLE */
	char *user;              /* logged in as */
	char *maildir;
	struct frankd_mailbox box; /* the selected folder as the client knows it */
	int read_only;           /* EXAMINE */
	struct event *idle_timer;
	struct event *command_timer; /* a command begun must end in time */
	unsigned enabled;        /* by ENABLE: enum imapd_extension_bit */
	size_t flags_told;       /* keywords the last FLAGS response named */
	unsigned errors;
};

/* What ENABLE (or a command that enables it, RFC 7162 3.1) turns on. */
enum imapd_extension_bit {
	IMAPD_EXT_CONDSTORE = 1u << 0,
	IMAPD_EXT_QRESYNC = 1u << 1,   /* CONDSTORE too */
};

#define IMAPD_CONDSTORE(s) (((s)->enabled & IMAPD_EXT_CONDSTORE) != 0)
#define IMAPD_QRESYNC(s) (((s)->enabled & IMAPD_EXT_QRESYNC) != 0)

/* A tagged or untagged line (CRLF added). */
void imapd_reply(struct imap_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes as they are (a response with a literal). */
void imapd_send(struct imap_session *s, const struct lib_buf *data);

/* The folder's path for an IMAP name ("INBOX", "Archive/2024" is
 * MAILDIR/.Archive.2024): caller frees; NULL when the name is not one
 * frankd makes (a "." in it, empty parts...). */
char *imapd_folder_path(const char *maildir, const char *name);

/* Commands on the selected folder (imapd_fetch.c; STORE in imapd_store.c). */
void imapd_fetch(struct imap_session *s, const struct frankd_imap_cmd *cmd);
void imapd_store(struct imap_session *s, const struct frankd_imap_cmd *cmd);
void imapd_search(struct imap_session *s, const struct frankd_imap_cmd *cmd);
/* The messages a set names: 1 for index i when it is in it (imapd_fetch.c). */
int imapd_in_set(struct imap_session *s, const struct frankd_imap_seqset *set, int uid, size_t i);
/* The set of a FETCH or STORE: 0, or -1 after a BAD (a sequence number
 * beyond the folder too). */
int imapd_set_arg(struct imap_session *s, const struct frankd_imap_cmd *cmd,
		  struct frankd_imap_seqset *set);
/* Flags and keywords (imapd_store.c): "\Seen $Junk" appended to out. */
void imapd_flags_format(const struct frankd_mailbox *box, const struct frankd_mailbox_msg *m,
			struct lib_buf *out);
/* Every flag and keyword the folder has, for SELECT's FLAGS. */
void imapd_flag_names(const struct frankd_mailbox *box, struct lib_buf *out);
/* 1 when the message has the keyword (any case). */
int imapd_has_keyword(const struct frankd_mailbox *box, const struct frankd_mailbox_msg *m,
		      const char *name);
/* Commands that add messages and folders (imapd_append.c). */
void imapd_append(struct imap_session *s, const struct frankd_imap_cmd *cmd);
void imapd_copy(struct imap_session *s, const struct frankd_imap_cmd *cmd);
void imapd_create(struct imap_session *s, const struct frankd_imap_cmd *cmd);
/* MOVE set folder, UID MOVE (RFC 6851): COPY, then the originals expunged. */
void imapd_move(struct imap_session *s, const struct frankd_imap_cmd *cmd);
/* Commands on folders as a whole (imapd_folder.c). */
void imapd_delete(struct imap_session *s, const struct frankd_imap_cmd *cmd);
void imapd_rename(struct imap_session *s, const struct frankd_imap_cmd *cmd);
/* SUBSCRIBE and UNSUBSCRIBE. */
void imapd_subscribe(struct imap_session *s, const struct frankd_imap_cmd *cmd);
/* The user's subscriptions: 1 with names set (release it), or 0 when
 * there is no file yet (every folder counts as subscribed). */
int imapd_subscriptions(const struct imap_session *s, struct frankd_imap_names *names);
/* The bit of an extension ENABLE turns on ("CONDSTORE"...), 0 for one
 * frankd does not have. */
unsigned imapd_extension(const char *name);
/* Removes the \Deleted messages (those of uids only, when not NULL);
 * with report, says "* n EXPUNGE". */
void imapd_expunge(struct imap_session *s, int report, const struct frankd_imap_seqset *uids);
/* Reads the folder again and tells the client what changed: EXPUNGE,
 * FETCH FLAGS, EXISTS. */
void imapd_refresh(struct imap_session *s);

/* --- CONDSTORE and QRESYNC (imapd_qresync.c) --- */

/* Takes the flags, keywords and modseqs the folder has now for the
 * messages of set (all when NULL; UIDs when uid) into the session's view,
 * before a command that compares modseqs (CHANGEDSINCE, UNCHANGEDSINCE). */
void imapd_box_update(struct imap_session *s, const struct frankd_imap_seqset *set, int uid);
/* After the session's own flag changes: the modseqs they got (messages
 * whose flags the view has as the folder does). */
void imapd_modseq_sync(struct imap_session *s);
/* Frees the view's list of the expunged (kept per folder, not per
 * session: imapd_vanished_since reads it when needed). */
void imapd_box_forget(struct imap_session *s);
/* "1:3,7": ascending UIDs as a set, appended to out. */
void imapd_uid_set(const uint32_t *uids, size_t n, struct lib_buf *out);
/* "* VANISHED (EARLIER) set" of the expunged UIDs in set (all when NULL)
 * whose expunge is after modseq; nothing when there are none. */
void imapd_vanished_since(struct imap_session *s, uint64_t modseq,
			  const struct frankd_imap_seqset *set);
/* SELECT's (QRESYNC ...) after the folder is read: VANISHED (EARLIER),
 * then the FETCH of every message changed since the client's modseq. */
void imapd_qresync(struct imap_session *s, const struct frankd_imap_select_params *p);
/* " MODSEQ (n)" for the message, appended to out. */
void imapd_modseq_item(const struct frankd_mailbox_msg *m, struct lib_buf *out);
/* "* FLAGS" and PERMANENTFLAGS when the folder has keywords the client
 * has not been told of. */
void imapd_flags_tell(struct imap_session *s, int force);

#endif
