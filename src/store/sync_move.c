/* sync_move.c: messages moved here from one folder of an IMAP account to
 * another (by frank, or by any tool that renames the file into the other
 * Maildir) are moved on the server too, never uploaded again and never
 * lost.
 *
 * How a move is recognised: a folder's state knows a UID whose file is
 * gone (the source), and another folder holds a file its own state does
 * not know (no ",U=" tag, or a tag the state lacks, as a moved file keeps
 * its source's).  The two are the same message when the server's copy in
 * the source has the file's size (CRLF-counted) and Message-ID, or its
 * size and the file's tag is that UID.  Anything else stays what it was:
 * a deletion in the source, a local file in the other folder.
 *
 * The order keeps every message somewhere at every moment:
 *   1. the file loses its tag, so a crash after the server moved it leaves
 *      a plain local file (at worst fetched once more), never a file
 *      claiming a UID of the wrong folder;
 *   2. UID MOVE, or UID COPY then \Deleted and UID EXPUNGE of the source:
 *      the source goes only after the destination holds the copy;
 *   3. the file takes the UID COPYUID gave, and the destination's state
 *      learns it (with the server's flags: a local flag change still goes
 *      up) before the source's forgets the old one.  Without COPYUID the
 *      file goes and the destination's next fetch brings the server's. */
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct move_folder {
	const struct imap_folder *server;
	char *dir; /* NULL: not mirrored here */
	struct store_state st;
	struct store_locals loc;
	unsigned long *gone; /* UIDs the state knows and no file has, sorted */
	size_t ngone;
};

/* A local file no state knows: maybe a message moved here. */
struct move_candidate {
	size_t folder;
	struct store_local *local;
	unsigned long long size;
	char *msgid;
	int taken;
};

/* The server's copy of a UID whose file left the source folder. */
struct move_source {
	unsigned long uid;
	unsigned flags;
	unsigned long long size;
	char *msgid;
};

struct move_run {
	struct sync_account *as;
	struct move_folder *folders;
	size_t nfolders;
	struct move_candidate *cands;
	size_t ncands;
	struct move_source *srcs; /* of the folder being looked at */
	size_t nsrcs;
};

static void sources_clear(struct move_run *mr)
{
	for (size_t i = 0; i < mr->nsrcs; i++)
		free(mr->srcs[i].msgid);
	free(mr->srcs);
	mr->srcs = NULL;
	mr->nsrcs = 0;
}

static int on_source_fetch(void *arg, const struct imap_response *r, struct lib_err *err)
{
	struct move_run *mr = arg;
	if (strcmp(r->name, "FETCH") != 0)
		return 0;
	struct imap_fetch fe;
	if (imap_fetch_parse(r, &fe, err) < 0)
		return -1;
	if (!fe.uid || !fe.has_flags)
		return 0;
	char id[SYNC_MSGID_MAX + 1];
	sync_find_message_id(fe.body ? fe.body : "", fe.body_len, id, sizeof id);
	mr->srcs = lib_xrealloc(mr->srcs, (mr->nsrcs + 1) * sizeof *mr->srcs);
	mr->srcs[mr->nsrcs++] = (struct move_source){ fe.uid, fe.flags, fe.size, lib_xstrdup(id) };
	return 0;
}

/* Loads each mirrored folder's state and files. */
static int load_folders(struct move_run *mr, const struct imap_folder *folders,
			struct lib_err *err)
{
	const struct sync_account *as = mr->as;
	for (size_t i = 0; i < mr->nfolders; i++) {
		struct move_folder *mf = &mr->folders[i];
		mf->server = &folders[i];
		if (folders[i].flags & IMAP_LIST_NOSELECT)
			continue;
		char *dir = store_folder_dir(as->opts->mail_root, as->acct->name, folders[i].name,
					     folders[i].delim, err);
		if (!dir)
			return -1;
		char cur[4096];
		struct stat sb;
		snprintf(cur, sizeof cur, "%s/cur", dir);
		if (stat(cur, &sb) < 0) {
			free(dir); /* never synced: nothing moved out or in */
			continue;
		}
		mf->dir = dir;
		if (store_state_load(dir, &mf->st, err) < 0 ||
		    store_locals_scan(dir, &mf->loc, err) < 0)
			return -1;
	}
	return 0;
}

/* Taken before any move: a move renames files, and the locals are no
 * longer sorted by UID after it. */
static size_t find_gone(struct move_folder *mf)
{
	if (!mf->dir || !mf->st.uidvalidity)
		return 0;
	mf->gone = lib_xcalloc(mf->st.count + 1, sizeof *mf->gone);
	for (size_t k = 0; k < mf->st.count; k++)
		if (!store_locals_find(&mf->loc, mf->st.items[k].uid))
			mf->gone[mf->ngone++] = mf->st.items[k].uid;
	return mf->ngone;
}

/* Files whose folder's state does not know them, with their identity. */
static void find_candidates(struct move_run *mr)
{
	for (size_t i = 0; i < mr->nfolders; i++) {
		struct move_folder *mf = &mr->folders[i];
		for (size_t k = 0; mf->dir && k < mf->loc.count; k++) {
			struct store_local *l = &mf->loc.items[k];
			int twin = k + 1 < mf->loc.count && mf->loc.items[k + 1].uid == l->uid;
			int twin_before = k > 0 && mf->loc.items[k - 1].uid == l->uid;
			if (l->uid && store_state_find(&mf->st, l->uid) && !twin && !twin_before)
				continue; /* its folder's own message */
			char *path = lib_xasprintf("%s/%s", mf->dir, l->name);
			struct move_candidate c = { i, l, 0, NULL, 0 };
			char id[SYNC_MSGID_MAX + 1];
			if (sync_local_identity(path, &c.size, id, sizeof id) == 0) {
				c.msgid = lib_xstrdup(id);
				mr->cands = lib_xrealloc(mr->cands,
							 (mr->ncands + 1) * sizeof *mr->cands);
				mr->cands[mr->ncands++] = c;
			}
			free(path);
		}
	}
}

/* The candidate that is the source's message, or NULL: by tag first. */
static struct move_candidate *match(struct move_run *mr, size_t from,
				    const struct move_source *s)
{
	struct move_candidate *by_id = NULL;
	for (size_t k = 0; k < mr->ncands; k++) {
		struct move_candidate *c = &mr->cands[k];
		if (c->taken || c->folder == from || c->size != s->size)
			continue;
		int same_id = s->msgid[0] && strcmp(s->msgid, c->msgid) == 0;
		int ids_agree = same_id || (!s->msgid[0] && !c->msgid[0]);
		if (c->local->uid == s->uid && ids_agree)
			return c;
		if (same_id && !by_id)
			by_id = c;
	}
	return by_id;
}

static int retag(struct move_run *mr, struct move_folder *mf, struct store_local *l,
		 unsigned long uid, struct lib_err *err)
{
	char *old = lib_xasprintf("%s/%s", mf->dir, l->name);
	int rc = store_maildir_retag(mf->dir, &l->name, uid, err);
	if (rc == 0) {
		char *now = lib_xasprintf("%s/%s", mf->dir, l->name);
		rc = store_index_rename(mr->as->index, old, now, err);
		free(now);
	}
	free(old);
	if (rc == 0)
		l->uid = uid;
	return rc;
}

/* The file of a move whose new UID is unknown goes: the destination's
 * fetch brings the server's copy, so no duplicate stays. */
static int drop_file(struct move_run *mr, struct move_folder *mf, struct store_local *l,
		     struct lib_err *err)
{
	char *path = lib_xasprintf("%s/%s", mf->dir, l->name);
	int rc = 0;
	if (unlink(path) < 0 && errno != ENOENT)
		rc = lib_err_set(err, "%s: %s", path, strerror(errno));
	if (rc == 0)
		rc = store_index_remove(mr->as->index, path, err);
	free(path);
	if (rc == 0) {
		free(l->name);
		l->name = NULL;
	}
	return rc;
}

/* Moves the matched messages of folder from to folder to (steps 1-3). */
static int move_group(struct move_run *mr, size_t from, size_t to,
		      struct move_candidate **cands, const struct move_source **srcs, size_t n,
		      struct lib_err *err)
{
	struct move_folder *src = &mr->folders[from], *dst = &mr->folders[to];
	unsigned long *uids = lib_xcalloc(n, sizeof *uids);
	int rc = 0;
	for (size_t k = 0; k < n; k++)
		uids[k] = srcs[k]->uid;
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (cands[k]->local->uid)
			rc = retag(mr, dst, cands[k]->local, 0, err);
	if (rc == 0)
		rc = store_index_commit(mr->as->index, err);
	struct lib_buf set = LIB_BUF_INIT;
	imap_set_format(uids, n, &set);
	struct imap_copyuid cu;
	memset(&cu, 0, sizeof cu);
	if (rc == 0)
		rc = imap_uid_move(mr->as->imap, set.data, dst->server->name, &cu, err);
	int known = cu.uidvalidity &&
		    (!dst->st.uidvalidity || dst->st.uidvalidity == cu.uidvalidity);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		unsigned long uid = known ? imap_copyuid_lookup(&cu, uids[k]) : 0;
		if (uid && !store_state_find(&dst->st, uid)) {
			rc = retag(mr, dst, cands[k]->local, uid, err);
			if (rc == 0)
				store_state_set(&dst->st, uid, srcs[k]->flags);
		} else {
			rc = drop_file(mr, dst, cands[k]->local, err);
		}
	}
	if (rc == 0 && known && !dst->st.uidvalidity)
		dst->st.uidvalidity = cu.uidvalidity;
	if (rc == 0)
		rc = store_index_commit(mr->as->index, err);
	if (rc == 0)
		rc = store_state_save(dst->dir, &dst->st, err);
	for (size_t k = 0; rc == 0 && k < n; k++)
		store_state_remove(&src->st, uids[k]);
	if (rc == 0)
		rc = store_state_save(src->dir, &src->st, err);
	if (rc == 0) {
		lib_debug("sync %s: moved %s to %s on the server", src->dir, set.data,
			  dst->server->name);
		mr->as->stats->moved_there += n;
	}
	imap_copyuid_release(&cu);
	lib_buf_release(&set);
	free(uids);
	return rc;
}

/* Looks at the server's copies of the UIDs gone from folder from and
 * moves those found in another folder. */
static int moves_from(struct move_run *mr, size_t from, struct lib_err *err)
{
	struct move_folder *mf = &mr->folders[from];
	struct imap *imap = mr->as->imap;
	struct lib_buf set = LIB_BUF_INIT;
	imap_set_format(mf->gone, mf->ngone, &set);
	imap_set_handler(imap, on_source_fetch, mr);
	int rc = imap_select(imap, mf->server->name, 0, 0, err);
	if (rc == 0 && imap_mailbox(imap)->uidvalidity != mf->st.uidvalidity) {
		lib_buf_release(&set); /* the folder's own sync matches it again */
		imap_set_handler(imap, NULL, NULL);
		return 0;
	}
	if (rc == 0)
		rc = imap_command(imap, err,
				  "UID FETCH %s (UID FLAGS RFC822.SIZE "
				  "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])",
				  set.data);
	imap_set_handler(imap, NULL, NULL);
	lib_buf_release(&set);
	struct move_candidate **cands = lib_xcalloc(mr->nsrcs + 1, sizeof *cands);
	const struct move_source **srcs = lib_xcalloc(mr->nsrcs + 1, sizeof *srcs);
	for (size_t to = 0; rc == 0 && to < mr->nfolders; to++) {
		size_t n = 0;
		for (size_t k = 0; k < mr->nsrcs; k++) {
			if (!store_state_find(&mf->st, mr->srcs[k].uid))
				continue; /* moved already, or not asked for */
			struct move_candidate *c = match(mr, from, &mr->srcs[k]);
			if (!c || c->folder != to)
				continue;
			c->taken = 1;
			cands[n] = c;
			srcs[n++] = &mr->srcs[k];
		}
		if (n)
			rc = move_group(mr, from, to, cands, srcs, n, err);
	}
	free(cands);
	free(srcs);
	sources_clear(mr);
	return rc;
}

int sync_imap_moves(struct sync_account *as, const struct imap_folder *folders, size_t n,
		    struct lib_err *err)
{
	struct move_run mr = { as, lib_xcalloc(n + 1, sizeof *mr.folders), n, NULL, 0, NULL, 0 };
	int rc = load_folders(&mr, folders, err);
	size_t gone = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		gone += find_gone(&mr.folders[i]);
	if (rc == 0 && gone)
		find_candidates(&mr);
	for (size_t i = 0; rc == 0 && mr.ncands && i < n; i++)
		if (mr.folders[i].ngone)
			rc = moves_from(&mr, i, err);
	for (size_t i = 0; i < mr.ncands; i++)
		free(mr.cands[i].msgid);
	free(mr.cands);
	for (size_t i = 0; i < n; i++) {
		free(mr.folders[i].dir);
		free(mr.folders[i].gone);
		store_state_release(&mr.folders[i].st);
		store_locals_release(&mr.folders[i].loc);
	}
	free(mr.folders);
	return rc;
}
