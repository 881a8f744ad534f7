/* store_view_private.h: what the store_view*.c files share. */
#ifndef FRANK_STORE_VIEW_PRIVATE_H
#define FRANK_STORE_VIEW_PRIVATE_H

#include <notmuch.h>

#include "store.h"

/* The view's read-only database, opened again so that it sees every
 * change made since (by a sync, or by our own writes).  NULL with err. */
notmuch_database_t *store_view_fresh_db(struct store_view *view, struct lib_err *err);
/* The index opened for writing, for one change; the caller destroys it. */
notmuch_database_t *store_view_writer(struct store_view *view, struct lib_err *err);
/* Fills m from msg (m zeroed first by the caller). */
void store_view_fill(notmuch_message_t *msg, struct store_view_message *m);
void store_view_message_release(struct store_view_message *m);
int store_view_has_tag(notmuch_message_t *msg, const char *tag);

#endif
