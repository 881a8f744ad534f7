/* sync_state.c: a folder's sync state, FOLDER/.frank-sync, a text file
 * written atomically:
 *
 *   frank-sync 1
 *   clean 1          0 while a sync runs: one that was stopped left it so
 *   uidvalidity 1795436911
 *   uidnext 5001
 *   modseq 10234
 *   m 17 FS          one line per message as last agreed with the server:
 *   m 18 -           its UID and its flags as Maildir letters ("-": none)
 *
 * The message files carry their UIDs too (",U=17"), so the file system
 * is the truth about what is here and this file about what the server had
 * when they last agreed: a message whose file is gone was deleted here, a
 * file whose flags differ was changed here. */
#include "store_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAX_BYTES (512u * 1024 * 1024)

static int cmp_entry(const void *a, const void *b)
{
	const struct store_state_entry *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

struct store_state_entry *store_state_find(struct store_state *st, unsigned long uid)
{
	size_t lo = 0, hi = st->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->items[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->count && st->items[lo].uid == uid ? &st->items[lo] : NULL;
}

void store_state_set(struct store_state *st, unsigned long uid, unsigned flags)
{
	struct store_state_entry *e = store_state_find(st, uid);
	if (e) {
		e->flags = flags;
		return;
	}
	if (st->count == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		st->items = lib_xrealloc(st->items, st->cap * sizeof *st->items);
	}
	/* UIDs mostly arrive in increasing order: append, else insert. */
	size_t at = st->count;
	while (at > 0 && st->items[at - 1].uid > uid)
		at--;
	memmove(&st->items[at + 1], &st->items[at], (st->count - at) * sizeof *st->items);
	st->items[at].uid = uid;
	st->items[at].flags = flags;
	st->count++;
}

void store_state_remove(struct store_state *st, unsigned long uid)
{
	struct store_state_entry *e = store_state_find(st, uid);
	if (!e)
		return;
	size_t at = (size_t)(e - st->items);
	memmove(e, e + 1, (st->count - at - 1) * sizeof *e);
	st->count--;
}

void store_state_release(struct store_state *st)
{
	free(st->items);
	memset(st, 0, sizeof *st);
}

static int parse_line(struct store_state *st, char *line, struct lib_err *err, const char *path,
		      int lineno)
{
	char word[16], info[16];
	unsigned long long a;
	if (sscanf(line, "m %llu %15s", &a, info) == 2 && a > 0 && a <= 0xFFFFFFFFull) {
		store_state_set(st, (unsigned long)a,
				strcmp(info, "-") == 0 ? 0 : store_imap_flags_from_info(info));
		return 0;
	}
	if (sscanf(line, "%15s %llu", word, &a) == 2) {
		if (strcmp(word, "uidvalidity") == 0 && a <= 0xFFFFFFFFull)
			st->uidvalidity = (unsigned long)a;
		else if (strcmp(word, "uidnext") == 0 && a <= 0xFFFFFFFFull)
			st->uidnext = (unsigned long)a;
		else if (strcmp(word, "modseq") == 0)
			st->modseq = a;
		else if (strcmp(word, "clean") == 0)
			st->clean = a == 1;
		else if (strcmp(word, "frank-sync") != 0)
			return lib_err_set(err, "%s:%d: unknown line", path, lineno);
		return 0;
	}
	return lib_err_set(err, "%s:%d: malformed line", path, lineno);
}

int store_state_load(const char *dir, struct store_state *st, struct lib_err *err)
{
	memset(st, 0, sizeof *st);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_SYNC_STATE);
	char *data = NULL;
	size_t len = 0;
	FILE *probe = fopen(path, "r");
	if (!probe)
		return errno == ENOENT ? 0 : lib_err_set(err, "%s: %s", path, strerror(errno));
	fclose(probe);
	if (lib_read_file(path, STATE_MAX_BYTES, &data, &len, err) < 0)
		return -1;
	int lineno = 0, rc = 0;
	for (char *line = data, *next; rc == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		rc = parse_line(st, line, err, path, lineno);
	}
	free(data);
	if (rc == 0 && st->count > 1)
		qsort(st->items, st->count, sizeof *st->items, cmp_entry);
	if (rc < 0)
		store_state_release(st);
	return rc;
}

int store_state_save(const char *dir, const struct store_state *st, struct lib_err *err)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "frank-sync 1\nclean %d\nuidvalidity %lu\nuidnext %lu\nmodseq %llu\n",
		       st->clean, st->uidvalidity, st->uidnext, st->modseq);
	for (size_t i = 0; i < st->count; i++) {
		char info[8];
		store_info_from_imap_flags(st->items[i].flags, info);
		lib_buf_printf(&b, "m %lu %s\n", st->items[i].uid, info[0] ? info : "-");
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_SYNC_STATE);
	int rc = store_write_atomic(path, b.data, b.len, err);
	lib_buf_release(&b);
	return rc;
}
