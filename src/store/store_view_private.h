/* store_view_private.h: what the store_view*.c files share. */
#ifndef FRANK_STORE_VIEW_PRIVATE_H
#define FRANK_STORE_VIEW_PRIVATE_H

#include <notmuch.h>

#include "store.h"

/* The view's read-only database, opened again so that it sees every
 * change made since (by a sync, or by our own writes).  NULL with err. */
notmuch_database_t *store_view_fresh_db(struct store_view *view, struct lib_err *err);
/* How many writers the view has opened: a read-only handle opened before
 * the last of them may see Xapian refuse its reads (a revision it holds
 * was overwritten), so a lazy list opens its handle again. */
unsigned long store_view_writes(const struct store_view *view);
/* The index opened for writing, for one change; the caller destroys it. */
notmuch_database_t *store_view_writer(struct store_view *view, struct lib_err *err);
/* Fills m from msg (m zeroed first by the caller). */
void store_view_fill(notmuch_message_t *msg, struct store_view_message *m);
void store_view_message_release(struct store_view_message *m);
int store_view_has_tag(notmuch_message_t *msg, const char *tag);
/* Fills m with what a search tests (sender, from, subject, path, flags;
 * the other strings ""), cheaper than store_view_fill. */
void store_view_fill_brief(notmuch_message_t *msg, struct store_view_message *m);
/* Fills m as a message the index no longer gives: empty strings, size -1. */
void store_view_fill_gone(struct store_view_message *m);
/* The index opened read-only again, a handle of the caller's own (the
 * view's is replaced by every store_view_fresh_db); the caller destroys it. */
notmuch_database_t *store_view_reader(struct store_view *view, struct lib_err *err);
/* Sets err from a failed search: Xapian's words for a bad query. */
int store_view_search_error(notmuch_query_t *q, notmuch_status_t st, struct lib_err *err);

/* Lazy lists (store_view_lazy.c): a list in date order whose items are
 * read as they are asked for. */
int store_view_lazy_open(struct store_view *view, const char *query,
			 struct store_view_list *list, struct lib_err *err);
void store_view_stream_free(struct store_view_stream *stream);
/* A list by sender or subject (store_view_keys.c), read as it is asked
 * for like the date order, from the Message-IDs in its order. */
int store_view_keyed_open(struct store_view *view, const char *query,
			  enum store_view_sort sort, struct store_view_list *list,
			  struct lib_err *err);
/* A list in thread order (store_view_lazy.c), read from its end (the
 * newest thread) toward its start as it is asked for. */
int store_view_threaded_open(struct store_view *view, const char *query,
			     struct store_view_list *list, struct lib_err *err);
/* The messages of a thread that its query matched, in reply order with
 * their depth, into out (a list of its own, every item read). */
void store_view_thread_messages(notmuch_thread_t *thread, struct store_view_list *out);
/* The Message-IDs of the matches of query in sort's order (sender or
 * subject, then date): *ids (each and the array the caller's) holds
 * *count.  0, or -1 with err set. */
int store_view_sorted_ids(notmuch_database_t *db, const char *query,
			  enum store_view_sort sort, char ***ids, size_t *count,
			  struct lib_err *err);

#endif
