/* imapd_append.c: the IMAP commands that add messages and folders: APPEND
 * COPY and MOVE (with UIDPLUS's APPENDUID and COPYUID, RFC 4315; MOVE
 * is RFC 6851) and CREATE.  Keywords go by name: a copy has the target
 * folder's letters for them.
 * A new copy goes the way a delivery does (frankd_maildir_deliver: tmp/,
 * fsync, new/, fsync), then is renamed into cur/ with its flags; its UID
 * comes from the folder's uidlist when the folder is read next, which
 * happens at once to answer with it. */
#include "imapd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MESSAGE_MAX ((size_t)1 << 30)

/* The Maildir++ folder of a path under the maildir: "" for INBOX, "A.B"
 * for MAILDIR/.A.B. */
static const char *folder_of(const struct imap_session *s, const char *path)
{
	size_t n = strlen(s->maildir);
	return path[n] == '\0' ? "" : path + n + 2;
}

/* Adds data (CRLF or LF) to the folder at path with flags and a date (0:
 * now): its base name (caller frees), or NULL after logging why. */
static char *add_copy(struct imap_session *s, const char *path, const char *data, size_t len,
		      unsigned flags, uint32_t keywords, long long date)
{
	struct lib_err err;
	char *base = NULL;
	int empty = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int rc = empty < 0 ? lib_err_set(&err, "/dev/null: %s", strerror(errno))
			   : frankd_maildir_deliver(s->maildir, folder_of(s, path),
						    s->conn.srv->conf->hostname, data, len, empty,
						    &base, &err);
	if (empty >= 0)
		close(empty);
	if (rc < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		return NULL;
	}
	char *from = lib_xasprintf("%s/new/%s", path, base);
	char *named = frankd_maildir_with_keywords(base, flags, keywords);
	char *to = lib_xasprintf("%s/cur/%s", path, named);
	char *cur = lib_xasprintf("%s/cur", path);
	if (date > 0) {
		struct timespec times[2] = { { (time_t)date, 0 }, { (time_t)date, 0 } };
		utimensat(AT_FDCWD, from, times, 0);
	}
	/* Without this rename the copy stays in new/, without its flags. */
	if (rename(from, to) < 0 || frankd_fsync_dir(cur, &err) < 0)
		frankd_log(FRANKD_LOG_WARN, "imap %lu: %s: flags not set: %s", s->conn.id, to,
			   strerror(errno));
	free(from);
	free(named);
	free(to);
	free(cur);
	return base;
}

/* The target folder's bits for keyword names (made there when new; one
 * that finds no room is left out, as the log says). */
static uint32_t keyword_bits(struct imap_session *s, const char *path,
			     const struct frankd_imap_names *names)
{
	struct frankd_mailbox target;
	memset(&target, 0, sizeof target);
	target.path = (char *)path; /* frankd_mailbox_keyword reads only path and keywords */
	uint32_t bits = 0;
	for (size_t i = 0; i < names->count; i++) {
		struct lib_err err;
		int at = frankd_mailbox_keyword(&target, names->names[i], &err);
		if (at < 0)
			frankd_log(FRANKD_LOG_WARN, "imap %lu: %s", s->conn.id, err.msg);
		else
			bits |= UINT32_C(1) << at;
	}
	frankd_imap_names_release(&target.keywords);
	return bits;
}

/* The names of a message's keywords in the selected folder. */
static void keyword_names(const struct imap_session *s, const struct frankd_mailbox_msg *m,
			  struct frankd_imap_names *names)
{
	for (size_t k = 0; k < s->box.keywords.count && k < FRANKD_KEYWORDS_MAX; k++)
		if (m->keywords & (UINT32_C(1) << k))
			frankd_imap_names_add(names, s->box.keywords.names[k]);
}

/* The UIDs the folder at path now gives to bases (0 where none). */
static int uids_of(const char *path, char **bases, size_t n, uint32_t *uids,
		   uint32_t *uidvalidity)
{
	struct frankd_mailbox box;
	struct lib_err err;
	if (frankd_mailbox_load(path, &box, &err) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		uids[k] = 0;
		for (size_t i = 0; bases[k] && i < box.count; i++) {
			const char *name = strchr(box.msgs[i].file, '/') + 1;
			if (strncmp(name, bases[k], strlen(bases[k])) == 0 &&
			    (name[strlen(bases[k])] == ':' || name[strlen(bases[k])] == '\0'))
				uids[k] = box.msgs[i].uid;
		}
	}
	*uidvalidity = box.uidvalidity;
	frankd_mailbox_release(&box);
	return 0;
}

/* The target folder's path, or NULL after answering NO [TRYCREATE]. */
static char *target(struct imap_session *s, const struct frankd_imap_cmd *cmd,
		    const struct frankd_imap_token *name)
{
	char *path = name->kind == FRANKD_IMAP_LPAREN ? NULL
						       : imapd_folder_path(s->maildir, name->text);
	struct stat st;
	char *cur = path ? lib_xasprintf("%s/cur", path) : NULL;
	int ok = cur && stat(cur, &st) == 0;
	free(cur);
	if (!ok) {
		free(path);
		imapd_reply(s, "%s NO [TRYCREATE] No such folder", cmd->tag);
		return NULL;
	}
	return path;
}

/* APPEND folder [(flags)] ["date-time"] literal */
void imapd_append(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	size_t n = cmd->nargs, i = 1;
	unsigned flags = 0;
	long long date = 0;
	struct frankd_imap_names keywords = { NULL, 0 };
	if (n >= 3 && cmd->args[1].kind == FRANKD_IMAP_LPAREN) {
		size_t close = 2;
		while (close < n && cmd->args[close].kind != FRANKD_IMAP_RPAREN)
			close++;
		if (close == n ||
		    frankd_imap_flag_list_parse(cmd->args + 2, close - 2, &flags, &keywords) < 0)
			n = 0;
		i = close + 1;
	}
	if (n && i + 2 == n && frankd_imap_datetime_parse(cmd->args[i].text, &date) < 0)
		n = 0;
	if (n < 2 || (i + 1 != n && i + 2 != n) || cmd->args[n - 1].kind != FRANKD_IMAP_STRING) {
		imapd_reply(s, "%s BAD Syntax: APPEND folder [(flags)] [date-time] literal",
			    cmd->tag);
		s->errors++;
		frankd_imap_names_release(&keywords);
		return;
	}
	char *path = target(s, cmd, &cmd->args[0]);
	if (!path) {
		frankd_imap_names_release(&keywords);
		return;
	}
	const struct frankd_imap_token *msg = &cmd->args[n - 1];
	char *base = add_copy(s, path, msg->text, msg->len, flags,
			      keyword_bits(s, path, &keywords), date);
	frankd_imap_names_release(&keywords);
	uint32_t uid, uidvalidity;
	if (!base || uids_of(path, &base, 1, &uid, &uidvalidity) < 0 || uid == 0)
		imapd_reply(s, "%s NO [SERVERBUG] The message could not be stored", cmd->tag);
	else
		imapd_reply(s, "%s OK [APPENDUID %u %u] APPEND done", cmd->tag, uidvalidity, uid);
	free(base);
	free(path);
}

/* The copies of COPY: the source UIDs and the new copies' bases. */
struct copies {
	uint32_t *from;
	char **bases;
	size_t count;
};

static void copy_all(struct imap_session *s, const struct frankd_imap_seqset *set, int uid,
		     const char *path, struct copies *c)
{
	const struct frankd_mailbox *b = &s->box;
	uint32_t star = uid ? (b->count ? b->msgs[b->count - 1].uid : 0) : (uint32_t)b->count;
	c->from = lib_xcalloc(b->count + 1, sizeof *c->from);
	c->bases = lib_xcalloc(b->count + 1, sizeof *c->bases);
	for (size_t i = 0; i < b->count; i++) {
		if (!frankd_imap_seqset_has(set, uid ? b->msgs[i].uid : (uint32_t)(i + 1), star))
			continue;
		char *file = frankd_mailbox_msg_path(&s->box, i), *data = NULL;
		size_t len;
		struct lib_err err;
		struct stat st;
		if (file && stat(file, &st) == 0 &&
		    lib_read_file(file, MESSAGE_MAX, &data, &len, &err) == 0) {
			struct frankd_imap_names names = { NULL, 0 };
			keyword_names(s, &b->msgs[i], &names);
			c->bases[c->count] = add_copy(s, path, data, len, b->msgs[i].flags,
						      keyword_bits(s, path, &names),
						      (long long)st.st_mtime);
			frankd_imap_names_release(&names);
			c->from[c->count] = b->msgs[i].uid;
			c->count += c->bases[c->count] != NULL;
		}
		free(data);
		free(file);
	}
}

/* "1,3,7": the UIDs as a set, appended to out. */
static void uid_list(const uint32_t *uids, size_t n, struct lib_buf *out)
{
	for (size_t k = 0; k < n; k++)
		lib_buf_printf(out, "%s%u", k ? "," : "", uids[k]);
}

/* Every number of the set is a message's (or "*"). */
static int seqset_within(const struct frankd_imap_seqset *set, size_t count)
{
	for (size_t i = 0; i < set->count; i++) {
		uint32_t a = set->ranges[i].first, b = set->ranges[i].last;
		if ((a != FRANKD_IMAP_STAR && a > count) || (b != FRANKD_IMAP_STAR && b > count))
			return 0;
	}
	return 1;
}

/* MOVE: the originals of the copies removed (their files unlinked), then
 * the folder read again, which reports them as EXPUNGE (RFC 6851 3.3). */
static void remove_originals(struct imap_session *s, const struct copies *c)
{
	for (size_t k = 0; k < c->count; k++) {
		long i = frankd_mailbox_find(&s->box, c->from[k]);
		char *path = i >= 0 ? frankd_mailbox_msg_path(&s->box, (size_t)i) : NULL;
		if (path && unlink(path) < 0 && errno != ENOENT)
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: removing %s: %s", s->conn.id, path,
				   strerror(errno));
		free(path);
	}
	static const char *const subs[] = { "cur", "new" };
	for (size_t k = 0; c->count && k < 2; k++) {
		char *dir = lib_xasprintf("%s/%s", s->box.path, subs[k]);
		struct lib_err err;
		if (frankd_fsync_dir(dir, &err) < 0)
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		free(dir);
	}
	imapd_refresh(s);
}

/* COPY set folder, UID COPY; MOVE and UID MOVE, whose COPYUID is untagged. */
static void copy_or_move(struct imap_session *s, const struct frankd_imap_cmd *cmd, int move)
{
	struct frankd_imap_seqset set;
	const char *verb = move ? "MOVE" : "COPY";
	if (cmd->nargs != 2 || cmd->args[0].kind != FRANKD_IMAP_ATOM ||
	    frankd_imap_seqset_parse(cmd->args[0].text, &set) < 0) {
		imapd_reply(s, "%s BAD Syntax: %s set folder", cmd->tag, verb);
		s->errors++;
		return;
	}
	if (!cmd->uid && !seqset_within(&set, s->box.count)) {
		imapd_reply(s, "%s BAD Invalid message sequence number", cmd->tag);
		s->errors++;
		frankd_imap_seqset_release(&set);
		return;
	}
	if (move && s->read_only) {
		imapd_reply(s, "%s NO [READ-ONLY] Folder is read-only", cmd->tag);
		frankd_imap_seqset_release(&set);
		return;
	}
	char *path = target(s, cmd, &cmd->args[1]);
	if (!path) {
		frankd_imap_seqset_release(&set);
		return;
	}
	struct copies c = { NULL, NULL, 0 };
	copy_all(s, &set, cmd->uid, path, &c);
	uint32_t *to = lib_xcalloc(c.count + 1, sizeof *to), uidvalidity = 0;
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_printf(&line, "%s OK ", move ? "*" : cmd->tag);
	if (c.count && uids_of(path, c.bases, c.count, to, &uidvalidity) == 0) {
		lib_buf_printf(&line, "[COPYUID %u ", uidvalidity);
		uid_list(c.from, c.count, &line);
		lib_buf_putc(&line, ' ');
		uid_list(to, c.count, &line);
		lib_buf_puts(&line, "] ");
	}
	lib_buf_printf(&line, "%s", move ? "Moved" : "COPY done");
	if (!move || c.count)
		imapd_reply(s, "%s", line.data);
	if (move) {
		remove_originals(s, &c);
		imapd_reply(s, "%s OK %sMOVE done", cmd->tag, cmd->uid ? "UID " : "");
	}
	lib_buf_release(&line);
	for (size_t k = 0; k < c.count; k++)
		free(c.bases[k]);
	free(c.bases);
	free(c.from);
	free(to);
	free(path);
	frankd_imap_seqset_release(&set);
}

void imapd_copy(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	copy_or_move(s, cmd, 0);
}

void imapd_move(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	copy_or_move(s, cmd, 1);
}

/* CREATE folder: a Maildir++ folder (its parents are names only). */
void imapd_create(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *name = cmd->nargs == 1 ? cmd->args[0].text : NULL;
	size_t len = name ? strlen(name) : 0;
	if (len && name[len - 1] == '/') /* "A/" asks for a parent: the same here */
		len--;
	char *clean = name ? lib_xstrndup(name, len) : NULL;
	char *path = clean && cmd->args[0].kind != FRANKD_IMAP_LPAREN
			     ? imapd_folder_path(s->maildir, clean)
			     : NULL;
	struct stat st;
	struct lib_err err;
	if (!path || strcasecmp(clean, "INBOX") == 0)
		imapd_reply(s, "%s NO [CANNOT] Not a folder name frankd makes", cmd->tag);
	else if (stat(path, &st) == 0)
		imapd_reply(s, "%s NO [ALREADYEXISTS] Folder exists", cmd->tag);
	else if (frankd_maildir_make(s->maildir, folder_of(s, path), &err) < 0)
		imapd_reply(s, "%s NO [SERVERBUG] Cannot make the folder", cmd->tag);
	else
		imapd_reply(s, "%s OK CREATE done", cmd->tag);
	free(path);
	free(clean);
}
