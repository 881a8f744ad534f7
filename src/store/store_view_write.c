/* store_view_write.c: the UI's few writes to the index: flags (through
 * notmuch tags, which rename the Maildir file to match), tags, and a new
 * verdict.  Each opens the index for writing only for its own change. */
#include "store_internal.h"
#include "store_view_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_props *store_props_new(void)
{
	return lib_xcalloc(1, sizeof(struct store_props));
}

void store_props_free(struct store_props *props)
{
	if (!props)
		return;
	store_props_release(props);
	free(props);
}

/* The name of path with the Maildir flag T set or cleared (letters kept
 * in ASCII order, as Maildir wants; a file in new/ moves to cur/ with
 * its info).  Caller frees. */
static char *trashed_name(const char *path, int trashed)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *info = strstr(base, ":2,");
	struct lib_buf b = LIB_BUF_INIT;
	size_t dir_len = (size_t)(base - path);
	if (dir_len >= 4 && strncmp(base - 4, "new/", 4) == 0)
		lib_buf_printf(&b, "%.*scur/", (int)(dir_len - 4), path);
	else
		lib_buf_append(&b, path, dir_len);
	lib_buf_append(&b, base, info ? (size_t)(info - base) : strlen(base));
	lib_buf_puts(&b, ":2,");
	const char *letters = info ? info + 3 : "";
	int put = !trashed;
	for (const char *p = letters; *p; p++) {
		if (*p == 'T')
			continue;
		if (!put && *p > 'T') {
			lib_buf_putc(&b, 'T');
			put = 1;
		}
		lib_buf_putc(&b, *p);
	}
	if (!put)
		lib_buf_putc(&b, 'T');
	return lib_buf_take(&b);
}

/* notmuch keeps the flags D F P R S in step with tags, but not T: the
 * deleted tag is written to the file name here, and the index told. */
static int sync_trashed(notmuch_database_t *db, notmuch_message_t *msg, char **renamed,
			struct lib_err *err)
{
	const char *path = notmuch_message_get_filename(msg);
	*renamed = NULL;
	if (!path)
		return 0;
	int trashed = store_view_has_tag(msg, "deleted");
	const char *base = strrchr(path, '/'), *info = base ? strstr(base, ":2,") : NULL;
	if ((info && strchr(info + 3, 'T')) == !!trashed)
		return 0;
	char *to = trashed_name(path, trashed);
	if (rename(path, to) < 0) {
		lib_err_set(err, "%s: %s", path, strerror(errno));
		free(to);
		return -1;
	}
	notmuch_message_t *added = NULL;
	notmuch_status_t st = notmuch_database_index_file(db, to, NULL, &added);
	if (added)
		notmuch_message_destroy(added);
	if (st == NOTMUCH_STATUS_SUCCESS || st == NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		st = notmuch_database_remove_message(db, path);
	if (st != NOTMUCH_STATUS_SUCCESS && st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID) {
		lib_err_set(err, "%s: cannot index the new name: %s", to,
			    notmuch_status_to_string(st));
		free(to);
		return -1;
	}
	*renamed = to;
	return 0;
}

/* Runs change on the message of m in a writable index, then reads m
 * back from it (its file may have a new name). */
static int change_message(struct store_view *view, struct store_view_message *m,
			  int (*change)(notmuch_message_t *, const void *, struct lib_err *),
			  const void *arg, struct lib_err *err)
{
	notmuch_database_t *db = store_view_writer(view, err);
	if (!db)
		return -1;
	notmuch_message_t *msg = NULL;
	notmuch_status_t st = notmuch_database_find_message_by_filename(db, m->path, &msg);
	int rc;
	if (st != NOTMUCH_STATUS_SUCCESS || !msg) {
		rc = lib_err_set(err, "%s: not in the index (was it moved?)", m->path);
	} else {
		notmuch_message_freeze(msg);
		rc = change(msg, arg, err);
		notmuch_message_thaw(msg);
		if (rc == 0 && notmuch_message_tags_to_maildir_flags(msg) != NOTMUCH_STATUS_SUCCESS)
			rc = lib_err_set(err, "%s: cannot rename for its flags", m->path);
		char *renamed = NULL;
		if (rc == 0)
			rc = sync_trashed(db, msg, &renamed, err);
		if (renamed) { /* read it back under its new name */
			notmuch_message_destroy(msg);
			msg = NULL;
			if (notmuch_database_find_message_by_filename(db, renamed, &msg) !=
				    NOTMUCH_STATUS_SUCCESS ||
			    !msg)
				rc = lib_err_set(err, "%s: not in the index", renamed);
			free(renamed);
		}
		if (rc == 0) {
			int depth = m->depth;
			store_view_message_release(m);
			store_view_fill(msg, m);
			m->depth = depth;
		}
		if (msg)
			notmuch_message_destroy(msg);
	}
	st = notmuch_database_destroy(db); /* closes, committing the change */
	if (rc == 0 && st != NOTMUCH_STATUS_SUCCESS)
		rc = lib_err_set(err, "cannot write the index: %s", notmuch_status_to_string(st));
	return rc;
}

static int tag_one(notmuch_message_t *msg, const char *tag, int add, struct lib_err *err)
{
	notmuch_status_t st = add ? notmuch_message_add_tag(msg, tag)
				  : notmuch_message_remove_tag(msg, tag);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return lib_err_set(err, "tag %s: %s", tag, notmuch_status_to_string(st));
	return 0;
}

struct flag_change {
	unsigned set, clear;
};

/* Maildir flags and the notmuch tags that stand for them (SEEN is the
 * absence of "unread"). */
static const struct {
	unsigned flag;
	const char *tag;
	int inverse;
} flag_tags[] = {
	{ STORE_FLAG_FLAGGED, "flagged", 0 },
	{ STORE_FLAG_SEEN, "unread", 1 },
	{ STORE_FLAG_TRASHED, "deleted", 0 },
	{ STORE_FLAG_REPLIED, "replied", 0 },
	{ STORE_FLAG_PASSED, "passed", 0 },
	{ STORE_FLAG_DRAFT, "draft", 0 },
};

static int apply_flags(notmuch_message_t *msg, const void *arg, struct lib_err *err)
{
	const struct flag_change *fc = arg;
	for (size_t i = 0; i < sizeof flag_tags / sizeof flag_tags[0]; i++) {
		unsigned f = flag_tags[i].flag;
		if (!((fc->set | fc->clear) & f))
			continue;
		int add = (fc->set & f) ? !flag_tags[i].inverse : flag_tags[i].inverse;
		if (tag_one(msg, flag_tags[i].tag, add, err) < 0)
			return -1;
	}
	return 0;
}

int store_view_set_flags(struct store_view *view, struct store_view_message *m, unsigned set,
			 unsigned clear, struct lib_err *err)
{
	struct flag_change fc = { set, clear & ~set };
	return change_message(view, m, apply_flags, &fc, err);
}

static int apply_tags(notmuch_message_t *msg, const void *arg, struct lib_err *err)
{
	char *spec = lib_xstrdup(arg), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(spec, " ", &save); w && rc == 0; w = strtok_r(NULL, " ", &save)) {
		if ((w[0] != '+' && w[0] != '-') || !w[1])
			rc = lib_err_set(err, "\"%s\": a tag change is +TAG or -TAG", w);
		else
			rc = tag_one(msg, w + 1, w[0] == '+', err);
	}
	free(spec);
	return rc;
}

int store_view_tag(struct store_view *view, struct store_view_message *m, const char *spec,
		   struct lib_err *err)
{
	return change_message(view, m, apply_tags, spec, err);
}

/* Every frank.* key of props replaces the message's values of it. */
static int apply_verdict(notmuch_message_t *msg, const void *arg, struct lib_err *err)
{
	const struct store_props *props = arg;
	for (size_t i = 0; i < props->count; i++)
		if (notmuch_message_remove_all_properties(msg, props->keys[i]) !=
		    NOTMUCH_STATUS_SUCCESS)
			return lib_err_set(err, "cannot clear %s", props->keys[i]);
	for (size_t i = 0; i < props->count; i++)
		if (notmuch_message_add_property(msg, props->keys[i], props->values[i]) !=
		    NOTMUCH_STATUS_SUCCESS)
			return lib_err_set(err, "cannot set %s", props->keys[i]);
	return 0;
}

int store_view_set_verdict(struct store_view *view, struct store_view_message *m,
			   struct store_props *props, struct lib_err *err)
{
	return change_message(view, m, apply_verdict, props, err);
}

char *store_view_send_reply(const struct store_send_report *report)
{
	const struct smtp_outcome *o = report->outcome;
	if (!o || !o->final.code || !o->final.nlines)
		return lib_xstrdup("");
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%d ", o->final.code);
	if (o->final.enhanced[0])
		lib_buf_printf(&b, "%s ", o->final.enhanced);
	lib_utf8_sanitize(o->final.lines[0], strlen(o->final.lines[0]), &b);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	return lib_buf_take(&b);
}
