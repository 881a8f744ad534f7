/* store_view_keys.c: the order of a list by sender or subject, from a
 * table of keys.
 *
 * notmuch sorts only by date and by Message-ID, so another order needs
 * every match's key.  Reading whole messages for it (their file names,
 * tags, properties and a stat each, as the index line needs) costs 9-11 s
 * at 100,000 messages and keeps them all; the key alone is a value of the
 * message's Xapian document (notmuch keeps From and Subject there), so
 * the table is read without a file opened, sorted, and kept as the
 * Message-IDs in list order: the list then reads a message when the
 * screen asks for it, as the date order does.  Its memory is bounded by
 * one ID per match (about 60 bytes each: 6 MB at 100,000), and the keys
 * are freed once sorted. */
#include "store_view_private.h"
#include "mime.h"

#include <notmuch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sort_key {
	char *key; /* the sender's display name or address, or the subject */
	time_t date;
	char *id;
};

/* Subjects compare without their "Re: " and "Fwd: " prefixes, as mutt's. */
static const char *subject_key(const char *s)
{
	for (;;) {
		if (strncasecmp(s, "re:", 3) == 0)
			s += 3;
		else if (strncasecmp(s, "fwd:", 4) == 0)
			s += 4;
		else if (*s == ' ')
			s++;
		else
			return s;
	}
}

/* Caseless by key, then oldest first; the ID makes equal keys and dates
 * come in the same order every time. */
static int cmp_key(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	int c = strcasecmp(a->key, b->key);
	if (c == 0)
		c = (a->date > b->date) - (a->date < b->date);
	return c ? c : strcmp(a->id, b->id);
}

static void key_of(notmuch_message_t *msg, enum store_view_sort sort, struct sort_key *k)
{
	k->date = notmuch_message_get_date(msg);
	k->id = lib_xstrdup(notmuch_message_get_message_id(msg));
	if (sort == STORE_VIEW_SORT_SENDER) {
		k->key = mime_sender_display(notmuch_message_get_header(msg, "from"));
	} else {
		char *subject = lib_utf8_one_line(notmuch_message_get_header(msg, "subject"));
		const char *bare = subject_key(subject);
		k->key = bare == subject ? subject : lib_xstrdup(bare);
		if (k->key != subject)
			free(subject);
	}
}

int store_view_sorted_ids(notmuch_database_t *db, const char *query,
			  enum store_view_sort sort, char ***ids, size_t *count,
			  struct lib_err *err)
{
	notmuch_query_t *q = notmuch_query_create(db, query);
	notmuch_messages_t *msgs = NULL;
	if (!q)
		return lib_err_set(err, "out of memory for a query");
	/* Unsorted: Xapian need not order 100,000 matches that qsort orders. */
	notmuch_query_set_sort(q, NOTMUCH_SORT_UNSORTED);
	notmuch_status_t st = notmuch_query_search_messages(q, &msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		store_view_search_error(q, st, err);
		notmuch_query_destroy(q);
		return -1;
	}
	struct sort_key *keys = NULL;
	size_t n = 0, cap = 0;
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		if (!msg)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			keys = lib_xrealloc(keys, cap * sizeof *keys);
		}
		key_of(msg, sort, &keys[n++]);
		notmuch_message_destroy(msg);
	}
	notmuch_query_destroy(q);
	if (n)
		qsort(keys, n, sizeof *keys, cmp_key);
	*ids = lib_xcalloc(n + 1, sizeof **ids);
	for (size_t i = 0; i < n; i++) {
		(*ids)[i] = keys[i].id;
		free(keys[i].key);
	}
	free(keys);
	*count = n;
	return 0;
}
