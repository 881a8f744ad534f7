/* store_view_list.c: the messages of a query, each with its verdict
 * properties, in date, sender, subject or thread order. */
#include "store_view_private.h"
#include "mime.h"

#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static char *property(notmuch_message_t *msg, const char *key)
{
	const char *value = NULL;
	if (notmuch_message_get_property(msg, key, &value) != NOTMUCH_STATUS_SUCCESS)
		value = NULL;
	return lib_utf8_one_line(value);
}

static void fill_warnings(notmuch_message_t *msg, struct store_view_message *m)
{
	notmuch_message_properties_t *props =
		notmuch_message_get_properties(msg, STORE_PROP_WARNING, 1);
	for (; props && notmuch_message_properties_valid(props);
	     notmuch_message_properties_move_to_next(props)) {
		m->warnings = lib_xrealloc(m->warnings, (m->nwarnings + 1) * sizeof *m->warnings);
		m->warnings[m->nwarnings++] = lib_utf8_one_line(notmuch_message_properties_value(props));
	}
	notmuch_message_properties_destroy(props);
}

int store_view_has_tag(notmuch_message_t *msg, const char *tag)
{
	int found = 0;
	notmuch_tags_t *tags = notmuch_message_get_tags(msg);
	for (; tags && notmuch_tags_valid(tags) && !found; notmuch_tags_move_to_next(tags))
		found = strcmp(notmuch_tags_get(tags), tag) == 0;
	notmuch_tags_destroy(tags);
	return found;
}

void store_view_fill(notmuch_message_t *msg, struct store_view_message *m)
{
	const char *from = notmuch_message_get_header(msg, "from");
	const char *file = notmuch_message_get_filename(msg);
	struct stat sb;
	m->date = notmuch_message_get_date(msg);
	m->sender = mime_sender_display(from);
	m->from = lib_utf8_one_line(from);
	m->subject = lib_utf8_one_line(notmuch_message_get_header(msg, "subject"));
	m->path = lib_xstrdup(file ? file : "");
	m->id = lib_utf8_one_line(notmuch_message_get_message_id(msg));
	m->thread = lib_utf8_one_line(notmuch_message_get_thread_id(msg));
	m->flags = store_flags_from_filename(m->path);
	m->size = file && stat(file, &sb) == 0 ? (long long)sb.st_size : -1;
	m->attachment = store_view_has_tag(msg, "attachment");
	m->badge = property(msg, STORE_PROP_BADGE);
	m->explanation = property(msg, STORE_PROP_EXPLANATION);
	m->verdict = property(msg, STORE_PROP_VERDICT);
	fill_warnings(msg, m);
}

void store_view_fill_brief(notmuch_message_t *msg, struct store_view_message *m)
{
	const char *from = notmuch_message_get_header(msg, "from");
	const char *file = notmuch_message_get_filename(msg);
	store_view_fill_gone(m);
	free(m->sender);
	free(m->from);
	free(m->subject);
	free(m->path);
	m->date = notmuch_message_get_date(msg);
	m->sender = mime_sender_display(from);
	m->from = lib_utf8_one_line(from);
	m->subject = lib_utf8_one_line(notmuch_message_get_header(msg, "subject"));
	m->path = lib_xstrdup(file ? file : "");
	m->flags = store_flags_from_filename(m->path);
}

void store_view_fill_gone(struct store_view_message *m)
{
	m->sender = lib_xstrdup("");
	m->from = lib_xstrdup("");
	m->subject = lib_xstrdup("");
	m->path = lib_xstrdup("");
	m->id = lib_xstrdup("");
	m->thread = lib_xstrdup("");
	m->badge = lib_xstrdup("");
	m->explanation = lib_xstrdup("");
	m->verdict = lib_xstrdup("");
	m->size = -1;
}

void store_view_message_release(struct store_view_message *m)
{
	free(m->sender);
	free(m->from);
	free(m->subject);
	free(m->path);
	free(m->id);
	free(m->thread);
	free(m->badge);
	free(m->explanation);
	free(m->verdict);
	for (size_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	memset(m, 0, sizeof *m);
}

void store_view_list_release(struct store_view_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].id) /* never read: nothing to free, no page to touch */
			store_view_message_release(&list->items[i]);
	free(list->items);
	store_view_stream_free(list->stream);
	memset(list, 0, sizeof *list);
}

struct list_builder {
	struct store_view_list *list;
	size_t cap;
};

static void add_message(struct list_builder *lb, notmuch_message_t *msg, int depth)
{
	struct store_view_list *list = lb->list;
	if (list->count == lb->cap) {
		lb->cap = lb->cap ? lb->cap * 2 : 256;
		list->items = lib_xrealloc(list->items, lb->cap * sizeof *list->items);
	}
	struct store_view_message *m = &list->items[list->count++];
	memset(m, 0, sizeof *m);
	store_view_fill(msg, m);
	m->depth = depth;
}

/* A thread's messages in reply order; only those the query matched are
 * listed, a reply to one it did not match keeps its depth. */
static void add_replies(struct list_builder *lb, notmuch_messages_t *msgs, int depth)
{
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *msg = notmuch_messages_get(msgs);
		notmuch_bool_t match = FALSE;
		notmuch_message_get_flag_st(msg, NOTMUCH_MESSAGE_FLAG_MATCH, &match);
		if (match)
			add_message(lb, msg, depth);
		add_replies(lb, notmuch_message_get_replies(msg), depth + (match ? 1 : 0));
	}
}

/* Xapian's own words for a query it cannot parse, else notmuch's. */
int store_view_search_error(notmuch_query_t *q, notmuch_status_t st, struct lib_err *err)
{
	const char *why = notmuch_database_status_string(notmuch_query_get_database(q));
	char line[300];
	if (why) {
		const char *p = strstr(why, "parsing query: ");
		snprintf(line, sizeof line, "%s", p ? p + 15 : why);
		line[strcspn(line, "\n")] = '\0';
	}
	return lib_err_set(err, "%s", why ? line : notmuch_status_to_string(st));
}

void store_view_thread_messages(notmuch_thread_t *thread, struct store_view_list *out)
{
	struct list_builder lb = { out, 0 };
	memset(out, 0, sizeof *out);
	add_replies(&lb, notmuch_thread_get_toplevel_messages(thread), 0);
}

int store_view_query(struct store_view *view, const char *query, enum store_view_sort sort,
		     struct store_view_list *list, struct lib_err *err)
{
	memset(list, 0, sizeof *list);
	if (sort == STORE_VIEW_SORT_DATE)
		return store_view_lazy_open(view, query, list, err);
	if (sort == STORE_VIEW_SORT_SENDER || sort == STORE_VIEW_SORT_SUBJECT)
		return store_view_keyed_open(view, query, sort, list, err);
	return store_view_threaded_open(view, query, list, err);
}
