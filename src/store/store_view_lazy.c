/* store_view_lazy.c: a list in date order read as the screen asks for it.
 *
 * The index screen of a folder of 100,000 messages shows 20-odd of them;
 * reading every message before the first paint costs seconds (each one is
 * a Xapian document, a stat and its properties).  A lazy list counts the
 * matches, then keeps a notmuch query open in newest-first order and reads
 * forward from it as the screen asks for older messages: the first screen
 * (the newest, where mutt starts) costs one screen of reads.  The
 * iterator only goes forward, so asking for a newer message than where it
 * stands (after a jump to the oldest) runs the query again and reads a
 * window on the way, so paging back costs one query per window, not per
 * page.  Items never asked for hold no strings (their memory is zeroed
 * calloc pages, not touched).
 *
 * Sorting a whole 100,000-message query by date costs Xapian 80-170 ms
 * (notmuch asks it for every match, sorted), most of the first paint.  So
 * the newest messages come from a window, "(QUERY) and date:@HINT..",
 * where HINT is the date of the HINT_DEPTH-th newest message as a
 * previous run saw it (ROOT/.frank-index-hints, one line per query).  Any
 * such suffix of the date order that holds at least the rows asked for
 * is exact, whatever the hint's age: the window is counted, and used only
 * for offsets below its count; older rows come from the whole query, and
 * a missing or useless hint only costs the whole sort, once, after which
 * the hint is saved again. */
#include "store_view_private.h"

#include <errno.h>
#include <notmuch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Newer messages read on the way when the query is run again. */
#define LAZY_BACK_WINDOW 256
/* The window holds about this many of the newest messages. */
#define HINT_DEPTH 1000
/* Lists smaller than this are sorted whole: it is cheap. */
#define HINT_MIN_COUNT (4 * HINT_DEPTH)
#define HINT_FILE ".frank-index-hints"
#define HINT_LINES 32

/* A saved hint (see the hint file below). */
struct hint {
	long long date;      /* the window's start, or -1 */
	unsigned long long stamp; /* index_stamp(), 0: no counts */
	char uuid[64];
	size_t count, window_count;
};

struct stream_iter {
	notmuch_query_t *q;       /* newest first; NULL until the first read */
	notmuch_messages_t *msgs;
	size_t next;              /* newest-first offset msgs stands at */
};

struct store_view_stream {
	notmuch_database_t *db; /* our own handle: the view's is reopened often */
	struct store_view *view; /* borrowed: it outlives its lists */
	char *query;
	char *window;            /* the newest messages' query, or NULL */
	size_t window_count;
	int hint_fresh;          /* the saved hint fits this list */
	struct stream_iter full, win;
	int counted, stale;
	struct store_view_counts counts;
	unsigned long writes;    /* store_view_writes() when db was opened */
	struct hint seen;        /* the index's revision and this list's
				    counts, as a hint to save */
	int threaded;            /* thread order: read from the end */
	notmuch_query_t *tq;     /* its threads, newest first; NULL until read */
	notmuch_threads_t *threads;
	size_t filled_from;      /* items [filled_from, count) are read */
	char **ids;              /* keyed lists: the Message-IDs in list order;
				    NULL: the date order */
	size_t nids;
};

static void iter_close(struct stream_iter *it)
{
	if (it->q)
		notmuch_query_destroy(it->q);
	memset(it, 0, sizeof *it);
}

void store_view_stream_free(struct store_view_stream *stream)
{
	if (!stream)
		return;
	iter_close(&stream->full);
	iter_close(&stream->win);
	if (stream->tq)
		notmuch_query_destroy(stream->tq);
	if (stream->db)
		notmuch_database_destroy(stream->db);
	free(stream->query);
	free(stream->window);
	for (size_t i = 0; i < stream->nids; i++)
		free(stream->ids[i]);
	free(stream->ids);
	free(stream);
}

/* --- the hint file ------------------------------------------------------
 *
 *   hint-line = "v2" SP date SP stamp SP uuid SP count SP window-count
 *               SP query LF
 *   (older files: date SP query LF; their date is still used)
 *
 * Counting the matches costs Xapian a pass over them (8 ms for "*" at
 * 100,000), before the first paint, twice (the list, its window).  The
 * counts are kept with a stamp of the index's Xapian revision (a hash of
 * its "iamglass" file, which every commit rewrites: notmuch's own
 * revision does not move when a message is only removed) and notmuch's
 * UUID: while both are the same the index has not changed, and the
 * counts are exact without a query. */

static char *hint_path(struct store_view *view)
{
	return lib_xasprintf("%s/%s", store_view_root(view), HINT_FILE);
}

/* Fills h from one line (its LF cut) when it is query's; else 0. */
static int hint_parse(char *line, const char *query, struct hint *h)
{
	memset(h, 0, sizeof *h);
	h->date = -1;
	if (strncmp(line, "v2 ", 3) != 0) {
		char *sp = strchr(line, ' ');
		if (!sp || strcmp(sp + 1, query) != 0)
			return 0;
		h->date = strtoll(line, NULL, 10);
		return 1;
	}
	long long date;
	unsigned long long stamp;
	size_t count, wcount;
	int used = 0;
	if (sscanf(line + 3, "%lld %llu %63s %zu %zu %n", &date, &stamp, h->uuid, &count,
		   &wcount, &used) != 5 ||
	    used == 0 || strcmp(line + 3 + used, query) != 0)
		return 0;
	h->date = date;
	h->stamp = stamp;
	h->count = count;
	h->window_count = wcount;
	return 1;
}

/* The stamp of the index as it is now (FNV-1a of its Xapian version
 * file), or 0 when it cannot be read. */
static unsigned long long index_stamp(struct store_view *view)
{
	char *path = lib_xasprintf("%s/.notmuch/xapian/iamglass", store_view_root(view));
	FILE *f = fopen(path, "re");
	free(path);
	if (!f)
		return 0;
	unsigned long long h = 14695981039346656037ULL;
	unsigned char buf[512];
	size_t n, total = 0;
	while (total < 65536 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
		total += n;
	}
	fclose(f);
	return total ? h | 1 : 0;
}

/* The saved hint for query: 1 with h filled, or 0. */
static int hint_read(struct store_view *view, const char *query, struct hint *h)
{
	char *path = hint_path(view);
	FILE *f = fopen(path, "re");
	free(path);
	if (!f)
		return 0;
	char line[1200];
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		found = hint_parse(line, query, h);
	}
	fclose(f);
	return found;
}

/* The query a hint line is for, or NULL. */
static const char *hint_query(char *line)
{
	if (strncmp(line, "v2 ", 3) != 0) {
		char *sp = strchr(line, ' ');
		return sp ? sp + 1 : NULL;
	}
	char *p = line + 3;
	for (int field = 0; field < 5 && p; field++) {
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	return p;
}

/* Saves h as query's hint (first in the file, HINT_LINES kept), through
 * a temporary file and rename: a reader never sees half a file.  A store
 * we cannot write to only loses the hint. */
static void hint_save(struct store_view *view, const char *query, const struct hint *h)
{
	if (strlen(query) > 1000 || strchr(query, '\n') || strchr(h->uuid, ' ') || !h->uuid[0])
		return;
	char *path = hint_path(view);
	char *tmp = lib_xasprintf("%s.%ld", path, (long)getpid());
	FILE *in = fopen(path, "re"), *out = fopen(tmp, "we");
	if (out) {
		fprintf(out, "v2 %lld %llu %s %zu %zu %s\n", h->date, h->stamp, h->uuid, h->count,
			h->window_count, query);
		char line[1200];
		int kept = 1;
		while (in && kept < HINT_LINES && fgets(line, sizeof line, in)) {
			if (!strchr(line, '\n'))
				continue;
			*strchr(line, '\n') = '\0';
			const char *q = hint_query(line);
			if (q && strcmp(q, query) != 0) {
				fprintf(out, "%s\n", line);
				kept++;
			}
		}
	}
	if (in)
		fclose(in);
	if (!out || fclose(out) != 0 || rename(tmp, path) != 0) {
		lib_debug("lazy list: cannot save %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
}

/* --- queries ------------------------------------------------------------ */

static notmuch_query_t *newest_first(notmuch_database_t *db, const char *text,
				     notmuch_messages_t **msgs, struct lib_err *err)
{
	notmuch_query_t *q = notmuch_query_create(db, text);
	if (!q) {
		lib_err_set(err, "out of memory for a query");
		return NULL;
	}
	notmuch_query_set_sort(q, NOTMUCH_SORT_NEWEST_FIRST);
	notmuch_status_t st = notmuch_query_search_messages(q, msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		store_view_search_error(q, st, err);
		notmuch_query_destroy(q);
		return NULL;
	}
	return q;
}

static int count_query(notmuch_database_t *db, const char *text, size_t *n,
		       struct lib_err *err)
{
	unsigned count = 0;
	notmuch_query_t *q = notmuch_query_create(db, text);
	if (!q)
		return lib_err_set(err, "out of memory for a query");
	notmuch_status_t st = notmuch_query_count_messages(q, &count);
	if (st != NOTMUCH_STATUS_SUCCESS)
		store_view_search_error(q, st, err);
	notmuch_query_destroy(q);
	*n = count;
	return st == NOTMUCH_STATUS_SUCCESS ? 0 : -1;
}

/* Makes "(query) and date:@DATE.." the window when it holds enough; n
 * is its count when known (a hint of this revision), else 0: counted. */
static void window_try(struct store_view_stream *s, long long date, size_t n)
{
	char *range = lib_xasprintf("date:@%lld..", date);
	char *text = store_view_query_and(s->query, range);
	struct lib_err err;
	free(range);
	if ((n == 0 && count_query(s->db, text, &n, &err) < 0) || n < HINT_DEPTH / 2) {
		free(text);
		return;
	}
	iter_close(&s->win);
	free(s->window);
	s->window = text;
	s->window_count = n;
	s->hint_fresh = n <= 4 * HINT_DEPTH;
	s->seen.date = date;
	s->seen.window_count = n;
}

/* Opens the stream's handle again (its iterators go with the old one):
 * after our own writes Xapian may refuse reads from a handle as old as
 * the list, which would end a query early. */
static int stream_reopen(struct store_view_stream *s)
{
	struct lib_err err;
	notmuch_database_t *db = store_view_reader(s->view, &err);
	if (!db) {
		lib_debug("lazy list: %s", err.msg);
		return -1;
	}
	iter_close(&s->full);
	iter_close(&s->win);
	if (s->tq)
		notmuch_query_destroy(s->tq);
	s->tq = NULL;
	s->threads = NULL;
	notmuch_database_destroy(s->db);
	s->db = db;
	s->writes = store_view_writes(s->view);
	return 0;
}

/* Runs a query again from its newest message. */
static int iter_restart(struct store_view_stream *s, struct stream_iter *it, const char *text)
{
	struct lib_err err;
	if (s->writes != store_view_writes(s->view))
		stream_reopen(s);
	iter_close(it);
	it->q = newest_first(s->db, text, &it->msgs, &err);
	if (!it->q)
		lib_debug("lazy list: %s", err.msg);
	return it->q ? 0 : -1;
}

/* A stream over query with a read-only handle of its own, or NULL. */
static struct store_view_stream *stream_new(struct store_view *view, const char *query,
					    struct lib_err *err)
{
	struct store_view_stream *s = lib_xcalloc(1, sizeof *s);
	s->query = lib_xstrdup(query);
	s->view = view;
	s->db = store_view_reader(view, err);
	s->writes = store_view_writes(view);
	if (!s->db) {
		store_view_stream_free(s);
		return NULL;
	}
	return s;
}

static void list_start(struct store_view_list *list, struct store_view_stream *s, size_t count)
{
	list->count = count;
	/* calloc: pages of items never read are never touched */
	list->items = lib_xcalloc(count + 1, sizeof *list->items);
	list->stream = s;
}

int store_view_keyed_open(struct store_view *view, const char *query,
			  enum store_view_sort sort, struct store_view_list *list,
			  struct lib_err *err)
{
	struct store_view_stream *s = stream_new(view, query, err);
	struct lib_err why;
	if (!s)
		return -1;
	if (store_view_sorted_ids(s->db, query, sort, &s->ids, &s->nids, &why) < 0) {
		lib_err_set(err, "cannot search for \"%s\": %s", query, why.msg);
		store_view_stream_free(s);
		return -1;
	}
	s->hint_fresh = 1; /* no date window: the order is not by date */
	lib_debug("lazy list: %zu messages of \"%s\" ordered by a key table", s->nids, query);
	list_start(list, s, s->nids);
	return 0;
}

/* Thread order: notmuch builds a thread when it is asked for (a query of
 * its own, about 0.25 ms), so reading threads newest first from the end
 * of the list makes the first screen cost its threads only: 0.1 s where
 * the whole list of 100,000 costs 22-26 s.  Going up reads thread after
 * thread; the first entry, or collapsing (which needs every thread's
 * extent), reads them all. */
int store_view_threaded_open(struct store_view *view, const char *query,
			     struct store_view_list *list, struct lib_err *err)
{
	struct store_view_stream *s = stream_new(view, query, err);
	size_t count = 0;
	struct lib_err why;
	if (!s)
		return -1;
	if (count_query(s->db, query, &count, &why) < 0) {
		lib_err_set(err, "cannot search for \"%s\": %s", query, why.msg);
		store_view_stream_free(s);
		return -1;
	}
	s->threaded = 1;
	s->hint_fresh = 1;
	s->filled_from = count;
	lib_debug("lazy list: %zu messages of \"%s\" in thread order, read from the newest",
		  count, query);
	list_start(list, s, count);
	return 0;
}

/* Runs the thread query (again, after our writes: on a handle opened
 * now), past the threads already in the list. */
static int threads_restart(struct store_view_list *list)
{
	struct store_view_stream *s = list->stream;
	if (s->tq && s->writes == store_view_writes(s->view))
		return 0;
	if (s->writes != store_view_writes(s->view) && stream_reopen(s) < 0)
		return -1;
	s->tq = notmuch_query_create(s->db, s->query);
	if (!s->tq)
		return -1;
	notmuch_query_set_sort(s->tq, NOTMUCH_SORT_NEWEST_FIRST);
	if (notmuch_query_search_threads(s->tq, &s->threads) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(s->tq);
		s->tq = NULL;
		s->threads = NULL;
		return -1;
	}
	size_t placed = list->count - s->filled_from;
	for (; placed > 0 && notmuch_threads_valid(s->threads);
	     notmuch_threads_move_to_next(s->threads)) {
		notmuch_thread_t *t = notmuch_threads_get(s->threads);
		size_t n = (size_t)notmuch_thread_get_matched_messages(t);
		notmuch_thread_destroy(t);
		placed -= n < placed ? n : placed;
	}
	return 0;
}

/* Reads threads, newest first, into the end of the list until item lo is
 * read (or the threads end: the index changed since it was counted). */
static void read_threads(struct store_view_list *list, size_t lo)
{
	struct store_view_stream *s = list->stream;
	if (threads_restart(list) < 0) {
		lib_debug("lazy list: cannot list the threads of \"%s\"", s->query);
		return;
	}
	while (s->filled_from > lo && notmuch_threads_valid(s->threads)) {
		notmuch_thread_t *t = notmuch_threads_get(s->threads);
		struct store_view_list one;
		store_view_thread_messages(t, &one);
		notmuch_thread_destroy(t);
		notmuch_threads_move_to_next(s->threads);
		/* more than counted (mail came since): the thread's newest stay */
		size_t keep = one.count < s->filled_from ? one.count : s->filled_from;
		for (size_t j = 0; j < one.count - keep; j++)
			store_view_message_release(&one.items[j]);
		memcpy(&list->items[s->filled_from - keep], one.items + (one.count - keep),
		       keep * sizeof *one.items);
		s->filled_from -= keep;
		free(one.items);
	}
}

int store_view_lazy_open(struct store_view *view, const char *query,
			 struct store_view_list *list, struct lib_err *err)
{
	/* The stamp before and after the handle is opened: when they differ a
	 * commit came between, and the handle's counts are not the stamp's. */
	unsigned long long stamp = index_stamp(view);
	struct store_view_stream *s = stream_new(view, query, err);
	size_t count = 0;
	struct lib_err why;
	if (!s)
		return -1;
	struct hint h;
	const char *uuid = NULL;
	s->seen.stamp = index_stamp(view) == stamp ? stamp : 0;
	notmuch_database_get_revision(s->db, &uuid);
	snprintf(s->seen.uuid, sizeof s->seen.uuid, "%s", uuid ? uuid : "");
	s->seen.date = -1;
	int hinted = hint_read(view, query, &h);
	int same = hinted && h.stamp != 0 && h.stamp == s->seen.stamp &&
		   strcmp(h.uuid, s->seen.uuid) == 0;
	if (same) {
		count = h.count;
	} else if (count_query(s->db, query, &count, &why) < 0) {
		lib_err_set(err, "cannot search for \"%s\": %s", query, why.msg);
		store_view_stream_free(s);
		return -1;
	}
	s->seen.count = count;
	if (count < HINT_MIN_COUNT) {
		s->hint_fresh = 1; /* small: no window needed */
	} else if (hinted && h.date >= 0) {
		window_try(s, h.date, same ? h.window_count : 0);
		/* counted again at a new revision: kept for the next start */
		if (!same && s->hint_fresh)
			hint_save(view, query, &s->seen);
	}
	list_start(list, s, count);
	return 0;
}

/* After the first read without a fitting hint: the date of the
 * HINT_DEPTH-th newest message, saved for the next run and made the
 * window of this one.  Moving the iterator there costs no reads. */
static void hint_learn(struct store_view_list *list, struct stream_iter *it)
{
	struct store_view_stream *s = list->stream;
	s->hint_fresh = 1;
	if (list->count < HINT_MIN_COUNT)
		return;
	for (; it->next < HINT_DEPTH - 1 && notmuch_messages_valid(it->msgs); it->next++)
		notmuch_messages_move_to_next(it->msgs);
	if (!notmuch_messages_valid(it->msgs))
		return;
	notmuch_message_t *msg = notmuch_messages_get(it->msgs);
	if (!msg)
		return;
	long long date = (long long)notmuch_message_get_date(msg);
	notmuch_message_destroy(msg);
	window_try(s, date, 0);
	if (s->window)
		hint_save(s->view, s->query, &s->seen);
}
int store_view_list_has(const struct store_view_list *list, size_t i)
{
	return i < list->count && list->items[i].id != NULL;
}

/* Reads newest-first offsets k0..k1 (inclusive) not yet read: from the
 * window when they are all in it, else from the whole query. */
static void read_range(struct store_view_list *list, size_t k0, size_t k1)
{
	struct store_view_stream *s = list->stream;
	int in_window = s->window && k1 < s->window_count;
	struct stream_iter *it = in_window ? &s->win : &s->full;
	if ((!it->q || k0 < it->next) &&
	    iter_restart(s, it, in_window ? s->window : s->query) < 0)
		return;
	for (; it->next <= k1 && notmuch_messages_valid(it->msgs);
	     notmuch_messages_move_to_next(it->msgs), it->next++) {
		if (it->next < k0)
			continue;
		struct store_view_message *m = &list->items[list->count - 1 - it->next];
		if (m->id)
			continue;
		notmuch_message_t *msg = notmuch_messages_get(it->msgs);
		if (!msg)
			continue;
		store_view_fill(msg, m);
		notmuch_message_destroy(msg);
	}
	if (!s->hint_fresh)
		hint_learn(list, it);
}

/* A keyed list's message i by its Message-ID, or NULL when the index no
 * longer has it. */
static notmuch_message_t *keyed_message(struct store_view_stream *s, size_t i)
{
	notmuch_message_t *msg = NULL;
	if (notmuch_database_find_message(s->db, s->ids[i], &msg) != NOTMUCH_STATUS_SUCCESS)
		return NULL;
	return msg;
}

static void read_keyed(struct store_view_list *list, size_t lo, size_t hi)
{
	struct store_view_stream *s = list->stream;
	if (s->writes != store_view_writes(s->view))
		stream_reopen(s);
	for (size_t i = lo; i < hi; i++) {
		notmuch_message_t *msg = list->items[i].id ? NULL : keyed_message(s, i);
		if (!msg)
			continue;
		store_view_fill(msg, &list->items[i]);
		notmuch_message_destroy(msg);
	}
}

void store_view_list_fill(struct store_view_list *list, size_t lo, size_t hi)
{
	if (hi > list->count)
		hi = list->count;
	while (lo < hi && store_view_list_has(list, lo))
		lo++;
	while (hi > lo && store_view_list_has(list, hi - 1))
		hi--;
	if (lo >= hi || !list->stream)
		return;
	if (list->stream->ids) {
		read_keyed(list, lo, hi);
		return;
	}
	if (list->stream->threaded) {
		read_threads(list, lo);
		return;
	}
	size_t k0 = list->count - hi, k1 = list->count - 1 - lo;
	/* Behind the iterator: the query runs again, so read a window of the
	 * newer messages too (what paging toward them asks for next). */
	const struct store_view_stream *s = list->stream;
	const struct stream_iter *it = s->window && k1 < s->window_count ? &s->win : &s->full;
	if (it->q && k0 < it->next)
		k0 = k0 > LAZY_BACK_WINDOW ? k0 - LAZY_BACK_WINDOW : 0;
	read_range(list, k0, k1);
}

struct store_view_message *store_view_list_at(struct store_view_list *list, size_t i)
{
	struct store_view_message *m = &list->items[i];
	if (!m->id)
		store_view_list_fill(list, i, i + 1);
	if (!m->id) /* gone from the index since it was counted */
		store_view_fill_gone(m);
	return m;
}

/* List order from `from`: i after from comes before j when it is nearer
 * going forward and wrapping. */
static size_t distance(size_t count, size_t from, size_t i)
{
	return i > from ? i - from : count - from + i;
}

static int find_read(struct store_view_list *list, size_t from,
		     int (*match)(const struct store_view_message *, void *), void *ctx,
		     size_t *found)
{
	int any = 0;
	for (size_t k = 1; k <= list->count; k++) {
		size_t i = (from + k) % list->count;
		if (match(store_view_list_at(list, i), ctx)) {
			*found = i;
			any = 1;
			break;
		}
	}
	return any;
}

/* Tests item i: as read, when it was; else from msg (destroyed here),
 * read for the test only and not kept.  1 or 0; -1 with neither. */
static int test_item(struct store_view_list *list, size_t i, notmuch_message_t *msg,
		     int (*match)(const struct store_view_message *, void *), void *ctx)
{
	if (list->items[i].id)
		return match(&list->items[i], ctx) ? 1 : 0;
	if (!msg)
		return -1;
	struct store_view_message m = { 0 };
	store_view_fill_brief(msg, &m);
	notmuch_message_destroy(msg);
	int hit = match(&m, ctx) ? 1 : 0;
	store_view_message_release(&m);
	return hit;
}

/* A keyed list in its order from `from`: messages not yet read are read
 * for the test only, by their IDs. */
static int find_keyed(struct store_view_list *list, size_t from,
		      int (*match)(const struct store_view_message *, void *), void *ctx,
		      size_t *found)
{
	struct store_view_stream *s = list->stream;
	if (s->writes != store_view_writes(s->view))
		stream_reopen(s);
	for (size_t k = 1; k <= list->count; k++) {
		size_t i = (from + k) % list->count;
		notmuch_message_t *msg = list->items[i].id ? NULL : keyed_message(s, i);
		if (test_item(list, i, msg, match, ctx) > 0) {
			*found = i;
			return 1;
		}
	}
	return 0;
}

/* One pass over the whole query: the match nearest after from wins. */
static int find_lazy(struct store_view_list *list, size_t from,
		     int (*match)(const struct store_view_message *, void *), void *ctx,
		     size_t *found)
{
	struct lib_err err;
	notmuch_messages_t *msgs = NULL;
	notmuch_query_t *q = newest_first(list->stream->db, list->stream->query, &msgs, &err);
	if (!q) {
		lib_debug("lazy list search: %s", err.msg);
		return 0;
	}
	int any = 0;
	size_t best = 0;
	for (size_t k = 0; k < list->count && notmuch_messages_valid(msgs);
	     notmuch_messages_move_to_next(msgs), k++) {
		size_t i = list->count - 1 - k;
		if (any && distance(list->count, from, i) > distance(list->count, from, best))
			continue;
		notmuch_message_t *msg = list->items[i].id ? NULL : notmuch_messages_get(msgs);
		if (test_item(list, i, msg, match, ctx) > 0) {
			best = i;
			any = 1;
		}
	}
	notmuch_query_destroy(q);
	*found = best;
	return any;
}

int store_view_list_find(struct store_view_list *list, size_t from,
			 int (*match)(const struct store_view_message *m, void *ctx), void *ctx,
			 size_t *found, int *wrapped)
{
	if (list->count == 0)
		return 0;
	if (from >= list->count)
		from = list->count - 1;
	int any;
	if (!list->stream || list->stream->threaded) /* in list order, kept */
		any = find_read(list, from, match, ctx, found);
	else if (list->stream->ids)
		any = find_keyed(list, from, match, ctx, found);
	else
		any = find_lazy(list, from, match, ctx, found);
	if (any && wrapped)
		*wrapped = *found <= from;
	return any;
}

static size_t count_and(notmuch_database_t *db, const char *query, const char *what)
{
	char *text = store_view_query_and(query, what);
	size_t n = 0;
	struct lib_err err;
	if (count_query(db, text, &n, &err) < 0)
		lib_debug("lazy list: cannot count %s: %s", text, err.msg);
	free(text);
	return n;
}

/* The counts from the index; after a change through another handle (our
 * own is as old as the list), from a handle opened now. */
static void count_lazy(struct store_view_stream *s)
{
	struct lib_err err;
	notmuch_database_t *db = s->stale ? store_view_reader(s->view, &err) : s->db;
	if (!db) {
		lib_debug("lazy list: %s", err.msg);
		db = s->db;
	}
	s->counts.unread = count_and(db, s->query, "tag:unread");
	s->counts.flagged = count_and(db, s->query, "tag:flagged");
	s->counts.deleted = count_and(db, s->query, "tag:deleted");
	if (db != s->db)
		notmuch_database_destroy(db);
	s->counted = 1;
}

int store_view_list_counts(struct store_view_list *list, struct store_view_counts *out,
			   int wait)
{
	struct store_view_stream *s = list->stream;
	if (s) {
		if (!s->counted && !wait)
			return 0;
		if (!s->counted)
			count_lazy(s);
		*out = s->counts;
		return 1;
	}
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < list->count; i++) {
		unsigned f = list->items[i].flags;
		out->unread += !(f & STORE_FLAG_SEEN);
		out->flagged += !!(f & STORE_FLAG_FLAGGED);
		out->deleted += !!(f & STORE_FLAG_TRASHED);
	}
	return 1;
}

void store_view_list_changed(struct store_view_list *list)
{
	if (list->stream) {
		list->stream->counted = 0;
		list->stream->stale = 1;
	}
}
