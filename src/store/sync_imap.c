/* sync_imap.c: one IMAP folder mirrored into one Maildir.
 *
 * The steps of a folder's sync, each safe to interrupt:
 *   1. SELECT (with QRESYNC: changes since the last sync come with it).
 *   2. Local files the state does not know (a sync killed after writing
 *      them) are adopted: their ",U=" names them.
 *   3. UIDVALIDITY changed: every local file is matched to the server's
 *      messages by Message-ID and size and renamed to its new UID; files
 *      that match nothing are kept, untagged.  Nothing is deleted.
 *   4. Local changes go up: Sent copies frank send could not append (with
 *      APPEND; the local file takes the UID of APPENDUID), flags as
 *      +FLAGS/-FLAGS deltas (so a change on each side merges), deletions
 *      as \Deleted and UID EXPUNGE (UIDPLUS).
 *   5. Server changes come down: from QRESYNC's VANISHED and FETCH, from
 *      CONDSTORE's CHANGEDSINCE, or from a listing of every UID and its
 *      flags when neither tells.  A folder that did not change costs the
 *      SELECT alone.
 *   6. New messages: UID FETCH of BODY.PEEK[] in batches, two in flight;
 *      each file written durably as it arrives, then per batch: the
 *      arrival hook, the index, the state file.
 */
#include "store_internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BATCH 200

struct remote {
	unsigned long uid;
	unsigned flags;
	unsigned long long size; /* UIDVALIDITY matching */
	char *msgid;
};

enum fetch_mode {
	MODE_CHANGES,  /* FETCH flags are changes to apply */
	MODE_LISTING,  /* FETCH flags are the server's whole list */
	MODE_MATCHING, /* FETCH of sizes and Message-IDs (UIDVALIDITY change) */
	MODE_BODIES,   /* FETCH of new messages */
};

struct folder {
	struct sync_account *as;
	const char *name;
	char *dir;
	struct store_state st;
	struct store_locals loc;
	enum fetch_mode mode;
	struct remote *remote; /* changes, listing or matching */
	size_t nremote, capremote;
	struct imap_set *vanished;
	size_t nvanished;
	/* MODE_BODIES */
	unsigned long *want; /* sorted UIDs still to fetch */
	unsigned *want_flags;
	size_t nwant;
	char **batch; /* written, not yet indexed */
	unsigned long *batch_uid;
	unsigned *batch_flags;
	size_t nbatch, capbatch;
	size_t batch_size;          /* messages per UID FETCH and per indexing */
	size_t fetched;             /* written here of f->nwant */
	size_t reported;            /* f->fetched at the last progress report */
	struct timespec reported_at;
	unsigned long long bytes;
	struct indexer *ix;
};

/* --- small pieces ---------------------------------------------------------- */

static void remote_add(struct folder *f, unsigned long uid, unsigned flags)
{
	if (f->nremote == f->capremote) {
		f->capremote = f->capremote ? f->capremote * 2 : 256;
		f->remote = lib_xrealloc(f->remote, f->capremote * sizeof *f->remote);
	}
	struct remote *r = &f->remote[f->nremote++];
	memset(r, 0, sizeof *r);
	r->uid = uid;
	r->flags = flags;
}

static void remote_clear(struct folder *f)
{
	for (size_t i = 0; i < f->nremote; i++)
		free(f->remote[i].msgid);
	f->nremote = 0;
}

static int cmp_remote(const void *a, const void *b)
{
	const struct remote *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static void sort_remote(struct folder *f)
{
	if (f->nremote > 1) /* qsort(NULL, 0) is undefined */
		qsort(f->remote, f->nremote, sizeof *f->remote, cmp_remote);
}

static struct remote *remote_find(struct folder *f, unsigned long uid)
{
	struct remote key = { .uid = uid };
	return f->nremote ? bsearch(&key, f->remote, f->nremote, sizeof *f->remote, cmp_remote)
			  : NULL;
}

static char *abs_path(const struct folder *f, const char *name)
{
	return lib_xasprintf("%s/%s", f->dir, name);
}

static int want_index(const struct folder *f, unsigned long uid)
{
	size_t lo = 0, hi = f->nwant;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->want[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nwant && f->want[lo] == uid ? (int)lo : -1;
}

/* The Message-ID of a header section (unfolded, without <>): into out. */
void sync_find_message_id(const char *h, size_t len, char *out, size_t size)
{
	out[0] = '\0';
	const char *end = h + len;
	for (const char *p = h; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le == p || (le == p + 1 && *p == '\r'))
			return; /* the blank line: end of the header */
		if ((size_t)(le - p) > 11 && strncasecmp(p, "Message-ID:", 11) == 0) {
			size_t n = 0;
			for (const char *q = p + 11; q < end && n + 1 < size; q++) {
				if (*q == '\n' && !(q + 1 < end && (q[1] == ' ' || q[1] == '\t')))
					break;
				if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n' && *q != '<' &&
				    *q != '>')
					out[n++] = *q;
			}
			out[n] = '\0';
			return;
		}
		p = nl ? nl + 1 : end;
	}
}

/* --- progress ------------------------------------------------------------ */

static void progress(struct folder *f, int finished, size_t arrived)
{
	const struct store_sync_hooks *h = f->as->hooks;
	clock_gettime(CLOCK_MONOTONIC, &f->reported_at);
	f->reported = f->fetched;
	if (!h || !h->progress)
		return;
	struct store_sync_progress p = { f->as->acct->name, f->name, f->fetched, f->nwant,
					 f->bytes, finished, arrived };
	h->progress(h->ctx, &p);
}

/* Within a batch too: a batch of large messages can take a while. */
static void progress_maybe(struct folder *f)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (long long)(now.tv_sec - f->reported_at.tv_sec) * 1000 +
		       (now.tv_nsec - f->reported_at.tv_nsec) / 1000000;
	if (f->fetched - f->reported >= STORE_SYNC_PROGRESS_EVERY ||
	    ms >= STORE_SYNC_PROGRESS_MS)
		progress(f, 0, 0);
}

/* --- the untagged responses --------------------------------------------- */

static int flush_batch(struct folder *f, struct lib_err *err);

static int deliver(struct folder *f, const struct imap_fetch *fe, struct lib_err *err)
{
	int at = want_index(f, fe->uid);
	if (at < 0 || f->want_flags[at] == ~0u)
		return 0; /* not asked for, or already here */
	unsigned flags = fe->has_flags ? fe->flags : f->want_flags[at];
	char info[8], tag[24];
	store_info_from_imap_flags(flags, info);
	snprintf(tag, sizeof tag, ",U=%lu", fe->uid);
	char *path = NULL;
	if (sync_write_message(f->dir, fe->body, fe->body_len, tag, info, &path, err) < 0)
		return -1;
	f->want_flags[at] = ~0u;
	if (f->nbatch == f->capbatch) {
		f->capbatch = f->capbatch ? f->capbatch * 2 : 64;
		f->batch = lib_xrealloc(f->batch, f->capbatch * sizeof *f->batch);
		f->batch_uid = lib_xrealloc(f->batch_uid, f->capbatch * sizeof *f->batch_uid);
		f->batch_flags = lib_xrealloc(f->batch_flags, f->capbatch * sizeof *f->batch_flags);
	}
	f->batch[f->nbatch] = path;
	f->batch_uid[f->nbatch] = fe->uid;
	f->batch_flags[f->nbatch] = flags;
	f->nbatch++;
	f->bytes += fe->body_len;
	f->fetched++;
	progress_maybe(f);
	/* Indexed in batches of the fetch size even when the server's replies
	 * to two pipelined FETCHes interleave. */
	return f->nbatch >= f->batch_size ? flush_batch(f, err) : 0;
}

static int on_fetch(struct folder *f, const struct imap_response *r, struct lib_err *err)
{
	struct imap_fetch fe;
	if (imap_fetch_parse(r, &fe, err) < 0)
		return -1;
	if (!fe.uid)
		return 0; /* a flag change without UID: the next listing sees it */
	if (f->mode == MODE_BODIES && fe.has_body)
		return deliver(f, &fe, err);
	if (!fe.has_flags && f->mode != MODE_MATCHING)
		return 0;
	remote_add(f, fe.uid, fe.flags);
	if (f->mode == MODE_MATCHING) {
		char id[SYNC_MSGID_MAX + 1];
		sync_find_message_id(fe.body ? fe.body : "", fe.body_len, id, sizeof id);
		f->remote[f->nremote - 1].size = fe.size;
		f->remote[f->nremote - 1].msgid = lib_xstrdup(id);
	}
	return 0;
}

/* "* VANISHED (EARLIER) 1:3,7" */
static int on_vanished(struct folder *f, const struct imap_response *r, struct lib_err *err)
{
	const struct imap_value *set = r->args.count ? &r->args.items[r->args.count - 1] : NULL;
	if (!set || set->type != IMAP_ATOM)
		return lib_err_set(err, "malformed IMAP response: VANISHED");
	f->vanished = lib_xrealloc(f->vanished, (f->nvanished + 1) * sizeof *f->vanished);
	if (imap_set_parse(set->s, set->len, &f->vanished[f->nvanished], err) < 0)
		return -1;
	f->nvanished++;
	return 0;
}

static int on_untagged(void *arg, const struct imap_response *r, struct lib_err *err)
{
	struct folder *f = arg;
	if (strcmp(r->name, "FETCH") == 0)
		return on_fetch(f, r, err);
	if (strcmp(r->name, "VANISHED") == 0)
		return on_vanished(f, r, err);
	return 0;
}

/* --- steps -------------------------------------------------------------- */

/* The batch being hooked and indexed in a thread of its own while the
 * next one downloads: indexing overlaps the download (../shared/DESIGN.md:
 * after the whole download would be too late).  Only this thread touches
 * the index while it runs; the state takes its batch when it is joined. */
struct indexer {
	pthread_t thread;
	int running;
	int ran_inline;
	struct sync_account *as;
	const char *folder;
	char **paths;
	unsigned long *uids;
	unsigned *flags;
	size_t n;
	int rc;
	struct lib_err err;
};

static void *indexer_run(void *arg)
{
	struct indexer *ix = arg;
	ix->rc = sync_arrived(ix->as, ix->folder, ix->paths, ix->n, &ix->err);
	return NULL;
}

/* Waits for the batch being indexed; then the state agrees to it. */
static int indexer_finish(struct folder *f, struct lib_err *err)
{
	struct indexer *ix = f->ix;
	if (!ix->running)
		return 0;
	if (!ix->ran_inline)
		pthread_join(ix->thread, NULL);
	ix->running = 0;
	int rc = ix->rc;
	if (rc < 0)
		*err = ix->err;
	for (size_t i = 0; rc == 0 && i < ix->n; i++)
		store_state_set(&f->st, ix->uids[i], ix->flags[i]);
	if (rc == 0)
		rc = store_state_save(f->dir, &f->st, err);
	if (f->as->stats)
		f->as->stats->fetched += ix->n;
	size_t arrived = rc == 0 ? ix->n : 0;
	for (size_t i = 0; i < ix->n; i++)
		free(ix->paths[i]);
	free(ix->paths);
	free(ix->uids);
	free(ix->flags);
	ix->paths = NULL;
	ix->uids = NULL;
	ix->flags = NULL;
	ix->n = 0;
	progress(f, 0, arrived);
	return rc;
}

/* Hands the files written so far to the indexer, once the previous batch
 * is done. */
static int flush_batch(struct folder *f, struct lib_err *err)
{
	if (indexer_finish(f, err) < 0)
		return -1;
	if (f->nbatch == 0)
		return 0;
	/* The batch's renames durable before it is indexed or agreed. */
	if (sync_write_commit(f->dir, err) < 0)
		return -1;
	struct indexer *ix = f->ix;
	ix->as = f->as;
	ix->folder = f->name;
	ix->paths = f->batch;
	ix->uids = f->batch_uid;
	ix->flags = f->batch_flags;
	ix->n = f->nbatch;
	f->batch = NULL;
	f->batch_uid = NULL;
	f->batch_flags = NULL;
	f->nbatch = f->capbatch = 0;
	ix->running = 1;
	ix->ran_inline = pthread_create(&ix->thread, NULL, indexer_run, ix) != 0;
	if (ix->ran_inline) {
		indexer_run(ix); /* no thread: inline, as correct and slower */
		return indexer_finish(f, err);
	}
	return 0;
}

struct path_list {
	char **paths;
	size_t n;
};

static void collect_path(void *ctx, const char *path)
{
	struct path_list *pl = ctx;
	pl->paths = lib_xrealloc(pl->paths, (pl->n + 1) * sizeof *pl->paths);
	pl->paths[pl->n++] = lib_xstrdup(path);
}

/* After a sync that was stopped (kill -9, a cut): files it wrote may be
 * missing from the index, whose last transactions may not have reached
 * the disk, and from the state.  They are kept: the index gets them with
 * the arrival hook, and the state agrees to them as they are. */
static int recover(struct folder *f, struct lib_err *err)
{
	struct path_list pl = { NULL, 0 };
	struct store_unindexed un = { collect_path, &pl };
	int rc = store_index_reconcile(f->as->index, f->dir, &un, err);
	if (rc == 0 && pl.n) {
		lib_debug("sync %s: %zu files of an interrupted sync indexed now", f->dir, pl.n);
		rc = sync_arrived(f->as, f->name, pl.paths, pl.n, err);
	}
	for (size_t i = 0; i < pl.n; i++)
		free(pl.paths[i]);
	free(pl.paths);
	size_t adopted = 0;
	for (size_t i = 0; rc == 0 && i < f->loc.count; i++) {
		struct store_local *l = &f->loc.items[i];
		if (!l->uid || store_state_find(&f->st, l->uid))
			continue;
		store_state_set(&f->st, l->uid, l->flags);
		adopted++;
	}
	if (adopted)
		lib_debug("sync %s: %zu files of an interrupted sync adopted", f->dir, adopted);
	return rc;
}

/* The bytes of a local file as the server counts them (CRLF line ends)
 * and its Message-ID. */
int sync_local_identity(const char *path, unsigned long long *size, char *id, size_t idsize)
{
	char *data = NULL;
	size_t len = 0;
	struct lib_err ignored;
	if (lib_read_file(path, 1024u * 1024 * 1024, &data, &len, &ignored) < 0)
		return -1;
	unsigned long long n = len;
	for (size_t i = 0; i < len; i++)
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			n++;
	*size = n;
	sync_find_message_id(data, len, id, idsize);
	free(data);
	return 0;
}

/* Step 3: the server's UIDs changed meaning.  Every local message is
 * matched by Message-ID and size to a new UID; none is deleted. */
static int uidvalidity_reset(struct folder *f, unsigned long uidvalidity, struct lib_err *err)
{
	lib_debug("sync %s: UIDVALIDITY %lu -> %lu: matching local messages", f->dir,
		  f->st.uidvalidity, uidvalidity);
	f->mode = MODE_MATCHING;
	remote_clear(f);
	if (imap_command(f->as->imap, err,
			 "UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS "
			 "(MESSAGE-ID)])") < 0)
		return -1;
	sort_remote(f);
	unsigned char *taken = lib_xcalloc(f->nremote + 1, 1);
	store_state_release(&f->st);
	f->st.uidvalidity = uidvalidity;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < f->loc.count; i++) {
		struct store_local *l = &f->loc.items[i];
		if (!l->uid)
			continue;
		char *path = abs_path(f, l->name);
		char id[SYNC_MSGID_MAX + 1];
		unsigned long long size = 0;
		size_t match = f->nremote;
		if (sync_local_identity(path, &size, id, sizeof id) == 0 && id[0])
			for (size_t k = 0; k < f->nremote; k++)
				if (!taken[k] && f->remote[k].size == size &&
				    strcmp(f->remote[k].msgid, id) == 0) {
					match = k;
					break;
				}
		char *old = path;
		unsigned long uid = match < f->nremote ? f->remote[match].uid : 0;
		rc = store_maildir_retag(f->dir, &l->name, uid, err);
		if (rc == 0) {
			char *now = abs_path(f, l->name);
			rc = store_index_rename(f->as->index, old, now, err);
			free(now);
		}
		free(old);
		if (rc == 0 && uid) {
			taken[match] = 1;
			l->uid = uid;
			store_state_set(&f->st, uid, l->flags);
		} else {
			l->uid = 0; /* kept, no longer tied to the server */
		}
	}
	free(taken);
	remote_clear(f);
	/* The locals are now in new-UID order only after a rescan. */
	if (rc == 0) {
		store_locals_release(&f->loc);
		rc = store_locals_scan(f->dir, &f->loc, err);
	}
	if (rc == 0)
		rc = store_state_save(f->dir, &f->st, err);
	return rc;
}

/* The unique part of a Maildir file name: without its folder and its
 * ":2," info, which flag changes rewrite. */
static size_t unique_len(const char *base)
{
	const char *colon = strchr(base, ':');
	return colon ? (size_t)(colon - base) : strlen(base);
}

/* The local file a to-append path names, when it is in this folder. */
static struct store_local *pending_local(struct folder *f, const char *path)
{
	size_t dlen = strlen(f->dir);
	if (strncmp(path, f->dir, dlen) != 0 || path[dlen] != '/')
		return NULL;
	const char *base = strrchr(path, '/') + 1;
	size_t ulen = unique_len(base);
	for (size_t i = 0; i < f->loc.count; i++) {
		const char *name = strchr(f->loc.items[i].name, '/');
		name = name ? name + 1 : f->loc.items[i].name;
		if (unique_len(name) == ulen && strncmp(name, base, ulen) == 0)
			return &f->loc.items[i];
	}
	return NULL;
}

/* One Sent copy up to the server.  With the UID it got (UIDPLUS), the
 * local file takes it, so the fetch that follows does not bring the
 * message a second time; without, the local copy goes once the server
 * holds it, and that fetch brings the server's. */
static int append_one(struct folder *f, struct store_local *l, struct lib_err *err)
{
	char *path = abs_path(f, l->name);
	char *data = NULL;
	size_t len = 0;
	unsigned long uid = 0;
	int rc = lib_read_file(path, 1024u * 1024 * 1024, &data, &len, err);
	if (rc == 0)
		rc = imap_append(f->as->imap, f->name, l->flags, data, len, &uid, err);
	free(data);
	if (rc == 0 && uid && !store_state_find(&f->st, uid)) {
		rc = store_maildir_retag(f->dir, &l->name, uid, err);
		char *now = abs_path(f, l->name);
		if (rc == 0)
			rc = store_index_rename(f->as->index, path, now, err);
		free(now);
		if (rc == 0)
			store_state_set(&f->st, uid, l->flags);
	} else if (rc == 0) {
		if (unlink(path) < 0 && errno != ENOENT)
			rc = lib_err_set(err, "%s: %s", path, strerror(errno));
		else
			rc = store_index_remove(f->as->index, path, err);
	}
	if (rc == 0)
		lib_debug("sync %s: appended %s (UID %lu)", f->dir, l->name, uid);
	free(path);
	return rc;
}

/* Step 4a: Sent copies frank send could not store on the server (it was
 * unreachable, or refused) go up now, and off the to-append list.  The
 * state is saved before the list is rewritten: a crash between the two
 * appends a message twice at worst, never loses it. */
static int push_appends(struct folder *f, struct lib_err *err)
{
	char **paths;
	size_t n;
	const char *root = f->as->opts->mail_root;
	if (store_sent_to_append(root, f->as->acct, &paths, &n, err) < 0)
		return -1;
	int rc = 0;
	size_t done = 0;
	char **appended = lib_xcalloc(n + 1, sizeof *appended);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct store_local *l = pending_local(f, paths[i]);
		if (l && (rc = append_one(f, l, err)) == 0)
			appended[done++] = paths[i];
	}
	if (done && rc == 0 && (rc = store_state_save(f->dir, &f->st, err)) == 0) {
		store_locals_release(&f->loc);
		rc = store_locals_scan(f->dir, &f->loc, err);
	}
	for (size_t i = 0; rc == 0 && i < done; i++)
		rc = store_sent_appended(root, f->as->acct, appended[i], err);
	free(appended);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

struct store_group {
	unsigned add, del;
	unsigned long *uids;
	size_t n;
};

/* Step 4: local flag changes and deletions up to the server.  STOREs are
 * grouped by their change and pipelined; their FETCH replies (the merged
 * flags) are read as changes. */
static int push_local(struct folder *f, struct lib_err *err)
{
	struct store_group groups[64];
	size_t ngroups = 0;
	unsigned long *gone = NULL;
	size_t ngone = 0;
	for (size_t i = 0; i < f->st.count; i++) {
		struct store_state_entry *e = &f->st.items[i];
		struct store_local *l = store_locals_find(&f->loc, e->uid);
		if (!l) {
			gone = lib_xrealloc(gone, (ngone + 1) * sizeof *gone);
			gone[ngone++] = e->uid;
			continue;
		}
		if (l->flags == e->flags)
			continue;
		unsigned add = l->flags & ~e->flags, del = e->flags & ~l->flags;
		size_t g;
		for (g = 0; g < ngroups; g++)
			if (groups[g].add == add && groups[g].del == del)
				break;
		if (g == ngroups) {
			if (ngroups == 64)
				continue; /* 2^10 combinations cannot all occur; be safe */
			groups[ngroups++] = (struct store_group){ add, del, NULL, 0 };
		}
		groups[g].uids = lib_xrealloc(groups[g].uids, (groups[g].n + 1) * sizeof(unsigned long));
		groups[g].uids[groups[g].n++] = e->uid;
	}
	int rc = 0;
	long last = 0;
	struct lib_buf set = LIB_BUF_INIT, flags = LIB_BUF_INIT;
	f->mode = MODE_CHANGES;
	for (size_t g = 0; rc == 0 && g < ngroups; g++) {
		imap_set_format(groups[g].uids, groups[g].n, &set);
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			unsigned bits = pass ? groups[g].del : groups[g].add;
			if (!bits)
				continue;
			lib_buf_reset(&flags);
			imap_flags_format(bits, &flags);
			last = imap_send(f->as->imap, err, "UID STORE %s %cFLAGS (%s)", set.data,
					 pass ? '-' : '+', flags.data);
			rc = last < 0 ? -1 : 0;
		}
		if (f->as->stats)
			f->as->stats->flags_there += groups[g].n;
		lib_buf_reset(&set);
	}
	if (rc == 0 && ngone) {
		lib_buf_reset(&set);
		imap_set_format(gone, ngone, &set);
		last = imap_send(f->as->imap, err, "UID STORE %s +FLAGS.SILENT (\\Deleted)", set.data);
		if (last > 0)
			last = imap_has_cap(f->as->imap, "UIDPLUS")
				       ? imap_send(f->as->imap, err, "UID EXPUNGE %s", set.data)
				       : imap_send(f->as->imap, err, "EXPUNGE");
		rc = last < 0 ? -1 : 0;
	}
	/* Replies come in order: waiting for the last waits for all, and
	 * a NO to an earlier one is logged; the next sync tries again. */
	if (rc == 0 && last > 0)
		rc = imap_wait(f->as->imap, last, err);
	/* Files deleted here leave their names in the index. */
	if (rc == 0 && ngone)
		rc = store_index_reconcile(f->as->index, f->dir, NULL, err);
	if (rc == 0) {
		for (size_t i = 0; i < ngone; i++)
			store_state_remove(&f->st, gone[i]);
		if (f->as->stats)
			f->as->stats->removed_there += ngone;
		/* What was pushed is agreed; FETCH replies may refine it. */
		for (size_t g = 0; g < ngroups; g++)
			for (size_t k = 0; k < groups[g].n; k++) {
				struct store_local *l = store_locals_find(&f->loc, groups[g].uids[k]);
				if (l)
					store_state_set(&f->st, l->uid, l->flags);
			}
	}
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g].uids);
	free(gone);
	lib_buf_release(&set);
	lib_buf_release(&flags);
	return rc;
}

/* Removes a message here that the server no longer has. */
static int remove_here(struct folder *f, unsigned long uid, struct lib_err *err)
{
	struct store_local *l = store_locals_find(&f->loc, uid);
	if (l) {
		char *path = abs_path(f, l->name);
		int rc = 0;
		if (unlink(path) < 0 && errno != ENOENT)
			rc = lib_err_set(err, "%s: %s", path, strerror(errno));
		if (rc == 0)
			rc = store_index_remove(f->as->index, path, err);
		free(path);
		if (rc < 0)
			return -1;
		free(l->name);
		l->name = NULL; /* the entry stays in the sorted array, as gone */
	}
	store_state_remove(&f->st, uid);
	if (f->as->stats)
		f->as->stats->removed_here++;
	return 0;
}

/* Sets a message's flags here to the server's. */
static int flags_here(struct folder *f, unsigned long uid, unsigned flags, struct lib_err *err)
{
	struct store_state_entry *e = store_state_find(&f->st, uid);
	struct store_local *l = store_locals_find(&f->loc, uid);
	if (!e || !l)
		return 0; /* not here yet: a new message, fetched below */
	if (l->flags != flags) {
		char *old = abs_path(f, l->name);
		int rc = store_maildir_set_flags(f->dir, &l->name, flags, err);
		if (rc == 0) {
			char *now = abs_path(f, l->name);
			rc = store_index_rename(f->as->index, old, now, err);
			free(now);
		}
		free(old);
		if (rc < 0)
			return -1;
		l->flags = flags;
		if (f->as->stats)
			f->as->stats->flags_here++;
	}
	e->flags = flags;
	return 0;
}

/* Step 5 with a whole listing: what the state has that the server does
 * not was deleted there; flags that differ changed there; the rest are
 * new messages (kept in f->remote for step 6). */
static int apply_listing(struct folder *f, struct lib_err *err)
{
	sort_remote(f);
	unsigned long *gone = NULL;
	size_t ngone = 0;
	for (size_t i = 0; i < f->st.count; i++)
		if (!remote_find(f, f->st.items[i].uid)) {
			gone = lib_xrealloc(gone, (ngone + 1) * sizeof *gone);
			gone[ngone++] = f->st.items[i].uid;
		}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ngone; i++)
		rc = remove_here(f, gone[i], err);
	free(gone);
	for (size_t i = 0; rc == 0 && i < f->nremote; i++)
		rc = flags_here(f, f->remote[i].uid, f->remote[i].flags, err);
	return rc;
}

/* Step 5 from changes (QRESYNC, CONDSTORE, STORE replies), in order. */
static int apply_changes(struct folder *f, struct lib_err *err)
{
	int rc = 0;
	for (size_t v = 0; rc == 0 && v < f->nvanished; v++) {
		for (size_t i = f->st.count; rc == 0 && i-- > 0;)
			if (i < f->st.count && imap_set_contains(&f->vanished[v], f->st.items[i].uid))
				rc = remove_here(f, f->st.items[i].uid, err);
		imap_set_release(&f->vanished[v]);
	}
	f->nvanished = 0;
	for (size_t i = 0; rc == 0 && i < f->nremote; i++)
		rc = flags_here(f, f->remote[i].uid, f->remote[i].flags, err);
	remote_clear(f);
	return rc;
}

/* Step 6: f->remote holds candidate new UIDs with their flags. */
static int fetch_new(struct folder *f, struct lib_err *err)
{
	f->nwant = 0;
	f->want = lib_xrealloc(f->want, (f->nremote + 1) * sizeof *f->want);
	f->want_flags = lib_xrealloc(f->want_flags, (f->nremote + 1) * sizeof *f->want_flags);
	sort_remote(f);
	for (size_t i = 0; i < f->nremote; i++) {
		unsigned long uid = f->remote[i].uid;
		if (store_state_find(&f->st, uid) || store_locals_find(&f->loc, uid))
			continue;
		if (f->nwant && f->want[f->nwant - 1] == uid)
			continue;
		f->want[f->nwant] = uid;
		f->want_flags[f->nwant++] = f->remote[i].flags;
	}
	remote_clear(f);
	f->fetched = 0;
	progress(f, 0, 0);
	if (f->nwant == 0)
		return 0;
	size_t batch = f->as->opts->batch > 0 ? (size_t)f->as->opts->batch : DEFAULT_BATCH;
	f->batch_size = batch;
	f->mode = MODE_BODIES;
	long inflight[2] = { 0, 0 };
	size_t next = 0;
	struct lib_buf set = LIB_BUF_INIT;
	int rc = 0;
	for (;;) {
		/* Keep two batches in flight: the server sends one while the
		 * other is written, hooked and indexed. */
		while (rc == 0 && next < f->nwant && (!inflight[0] || !inflight[1])) {
			size_t n = f->nwant - next < batch ? f->nwant - next : batch;
			lib_buf_reset(&set);
			imap_set_format(f->want + next, n, &set);
			long tag = imap_send(f->as->imap, err,
					     "UID FETCH %s (UID FLAGS INTERNALDATE RFC822.SIZE "
					     "BODY.PEEK[])",
					     set.data);
			if (tag < 0)
				rc = -1;
			else if (!inflight[0])
				inflight[0] = tag;
			else
				inflight[1] = tag;
			next += n;
		}
		if (rc < 0 || !inflight[0])
			break;
		rc = imap_wait(f->as->imap, inflight[0], err);
		inflight[0] = inflight[1];
		inflight[1] = 0;
		if (rc == 0)
			rc = flush_batch(f, err);
		if (rc < 0)
			break;
	}
	lib_buf_release(&set);
	/* What arrived is kept, indexed and agreed, even after an error. */
	struct lib_err ignored;
	if (flush_batch(f, rc < 0 ? &ignored : err) < 0 && rc == 0)
		rc = -1;
	if (indexer_finish(f, rc < 0 ? &ignored : err) < 0 && rc == 0)
		rc = -1;
	return rc;
}

/* --- one folder ------------------------------------------------------------ */

static int sync_folder_steps(struct folder *f, struct lib_err *err)
{
	struct imap *imap = f->as->imap;
	if (store_maildir_make(f->dir, err) < 0 || store_maildir_clean_tmp(f->dir, err) < 0 ||
	    store_state_load(f->dir, &f->st, err) < 0 ||
	    store_locals_scan(f->dir, &f->loc, err) < 0)
		return -1;
	imap_set_handler(imap, on_untagged, f);
	f->mode = MODE_CHANGES;
	int qresync = imap_qresync_enabled(imap);
	if (imap_select(imap, f->name, f->st.uidvalidity, f->st.modseq, err) < 0)
		return -1;
	const struct imap_mailbox mb = *imap_mailbox(imap);
	int reset = f->st.uidvalidity && f->st.uidvalidity != mb.uidvalidity;
	if (reset) {
		remote_clear(f);
		f->nvanished = 0;
		if (uidvalidity_reset(f, mb.uidvalidity, err) < 0)
			return -1;
	}
	if (!f->st.uidvalidity)
		f->st.uidvalidity = mb.uidvalidity;
	if (!f->st.clean && recover(f, err) < 0)
		return -1;
	f->st.clean = 0; /* until the end: per-batch saves say "stopped" */
	size_t count_at_select = f->st.count;
	/* Ours goes up first, as deltas, so a change on each side merges:
	 * the STORE replies, after what SELECT's QRESYNC told, carry the
	 * merged flags, and changes apply in the order they came. */
	if (push_appends(f, err) < 0 || push_local(f, err) < 0 || apply_changes(f, err) < 0)
		return -1;
	int known = f->st.uidnext && f->st.modseq && mb.highestmodseq && !reset;
	unsigned long from = 1;
	if (known && qresync) {
		from = f->st.uidnext;
	} else if (known && mb.highestmodseq == f->st.modseq && mb.exists == count_at_select) {
		from = f->st.uidnext; /* CONDSTORE: nothing changed but maybe new mail */
	} else if (known && mb.exists == count_at_select + (mb.uidnext - f->st.uidnext) &&
		   mb.uidnext >= f->st.uidnext) {
		/* CONDSTORE, nothing deleted: changed flags since the modseq. */
		f->mode = MODE_CHANGES;
		if (imap_command(imap, err, "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE %llu)",
				 f->st.modseq) < 0 ||
		    apply_changes(f, err) < 0)
			return -1;
		from = f->st.uidnext;
	} else {
		f->mode = MODE_LISTING;
		remote_clear(f);
		if (mb.exists && imap_command(imap, err, "UID FETCH 1:* (UID FLAGS)") < 0)
			return -1;
		if (apply_listing(f, err) < 0)
			return -1;
	}
	if (from > 1) {
		f->mode = MODE_LISTING;
		remote_clear(f);
		if (mb.uidnext > from &&
		    imap_command(imap, err, "UID FETCH %lu:* (UID FLAGS)", from) < 0)
			return -1;
		/* "N:*" names the last message even when its UID is below N. */
		size_t keep = 0;
		for (size_t i = 0; i < f->nremote; i++)
			if (f->remote[i].uid >= from)
				f->remote[keep++] = f->remote[i];
			else
				free(f->remote[i].msgid);
		f->nremote = keep;
	}
	/* Flag changes the server announced meanwhile are applied too; the
	 * modseq kept is SELECT's, so whatever changed after it is seen again
	 * next time rather than missed. */
	if (fetch_new(f, err) < 0 || apply_changes(f, err) < 0)
		return -1;
	f->st.uidnext = mb.uidnext;
	f->st.modseq = mb.highestmodseq;
	if (store_index_commit(f->as->index, err) < 0)
		return -1;
	f->st.clean = 1;
	if (store_state_save(f->dir, &f->st, err) < 0)
		return -1;
	progress(f, 1, 0);
	return 0;
}

int sync_imap_folder(struct sync_account *as, const char *name, char delim,
		     struct lib_err *err)
{
	struct folder f;
	memset(&f, 0, sizeof f);
	f.as = as;
	f.name = name;
	f.dir = store_folder_dir(as->opts->mail_root, as->acct->name, name, delim, err);
	f.ix = lib_xcalloc(1, sizeof *f.ix);
	int rc = f.dir ? sync_folder_steps(&f, err) : -1;
	imap_set_handler(as->imap, NULL, NULL);
	for (size_t i = 0; i < f.nbatch; i++)
		free(f.batch[i]);
	for (size_t v = 0; v < f.nvanished; v++)
		imap_set_release(&f.vanished[v]);
	free(f.vanished);
	remote_clear(&f);
	free(f.remote);
	free(f.want);
	free(f.want_flags);
	free(f.batch);
	free(f.batch_uid);
	free(f.batch_flags);
	free(f.ix);
	store_state_release(&f.st);
	store_locals_release(&f.loc);
	free(f.dir);
	if (as->stats && rc == 0)
		as->stats->folders++;
	return rc;
}
