/* imapd_folder.c: the IMAP commands on folders as a whole (RFC 3501
 * 6.3.4-6.3.7): DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE.  A folder
 * "A/B" is the Maildir++ folder MAILDIR/.A.B; a DELETE renames it out of
 * LIST's sight first ("..deleted.NAME.PID.N", which no client name maps
 * to), then removes its files.  Subscriptions are the user's
 * FRANKD_SUBSCRIPTIONS_FILE, written whole (tmp, fsync, rename); until
 * there is one, every folder counts as subscribed. */
#include "imapd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void answer(struct imap_session *s, const char *tag, const char *status, const char *text)
{
	imapd_reply(s, "%s %s %s", tag, status, text);
	if (strcmp(status, "OK") != 0)
		s->errors++;
}

/* The name argument number i: NULL (after a BAD) when it is not a string
 * or an atom. */
static const char *name_arg(struct imap_session *s, const struct frankd_imap_cmd *cmd,
			    size_t nargs, size_t i)
{
	if (cmd->nargs != nargs || cmd->args[i].kind == FRANKD_IMAP_LPAREN ||
	    cmd->args[i].kind == FRANKD_IMAP_RPAREN || strlen(cmd->args[i].text) != cmd->args[i].len) {
		answer(s, cmd->tag, "BAD", nargs == 2 ? "Syntax: RENAME folder folder"
						      : "Syntax: verb folder");
		return NULL;
	}
	return cmd->args[i].text;
}

static int is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Removes a folder's files, its cur/, new/, tmp/ (and any other plain
 * folder inside), then it.  Links are removed, never followed. */
static int remove_folder(const char *path, int depth)
{
	DIR *dir = opendir(path);
	if (!dir)
		return -1;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *sub = lib_xasprintf("%s/%s", path, de->d_name);
		if (is_dir(sub) ? depth == 0 || remove_folder(sub, depth - 1) < 0 : unlink(sub) < 0)
			rc = -1;
		free(sub);
	}
	closedir(dir);
	return rc == 0 ? rmdir(path) : -1;
}

/* The selected folder is path, or inside it (a child "A.B" of "A"). */
static int selected_under(const struct imap_session *s, const char *path)
{
	if (s->state != IMAP_STATE_SELECTED)
		return 0;
	size_t n = strlen(path);
	return strncmp(s->box.path, path, n) == 0 &&
	       (s->box.path[n] == '\0' || s->box.path[n] == '.');
}

void imapd_delete(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *name = name_arg(s, cmd, 1, 0);
	if (!name)
		return;
	char *path = imapd_folder_path(s->maildir, name);
	char *cur = path ? lib_xasprintf("%s/cur", path) : NULL;
	if (strcasecmp(name, "INBOX") == 0) {
		answer(s, cmd->tag, "NO", "[CANNOT] INBOX cannot be deleted");
	} else if (!path || !is_dir(cur)) {
		answer(s, cmd->tag, "NO", "[NONEXISTENT] No such folder");
	} else if (s->state == IMAP_STATE_SELECTED && strcmp(s->box.path, path) == 0) {
		answer(s, cmd->tag, "NO", "[INUSE] The folder is selected: UNSELECT it first");
	} else {
		static unsigned long deletes; /* the same name deleted twice */
		char *gone = lib_xasprintf("%s/..deleted%s.%ld.%lu", s->maildir,
					   path + strlen(s->maildir) + 1, (long)getpid(), ++deletes);
		struct lib_err err;
		if (rename(path, gone) < 0) {
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: renaming %s: %s", s->conn.id, path,
				   strerror(errno));
			answer(s, cmd->tag, "NO", "[SERVERBUG] Cannot delete the folder");
		} else {
			if (remove_folder(gone, 2) < 0)
				frankd_log(FRANKD_LOG_WARN, "imap %lu: %s: not all removed: %s",
					   s->conn.id, gone, strerror(errno));
			if (frankd_fsync_dir(s->maildir, &err) < 0)
				frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
			answer(s, cmd->tag, "OK", "DELETE done");
		}
		free(gone);
	}
	free(cur);
	free(path);
}

/* INBOX's messages go to the new folder (RFC 3501 6.3.5); INBOX stays,
 * empty.  Each file keeps its name (and so its flags). */
static int rename_inbox(struct imap_session *s, const char *to, struct lib_err *err)
{
	const char *folder = to + strlen(s->maildir) + 2;
	if (frankd_maildir_make(s->maildir, folder, err) < 0)
		return -1;
	static const char *const subs[] = { "new", "cur" };
	for (size_t k = 0; k < 2; k++) {
		char *from_dir = lib_xasprintf("%s/%s", s->maildir, subs[k]);
		char *to_dir = lib_xasprintf("%s/%s", to, subs[k]);
		DIR *dir = opendir(from_dir);
		struct dirent *de;
		int rc = dir ? 0 : lib_err_set(err, "%s: %s", from_dir, strerror(errno));
		while (rc == 0 && (de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			char *a = lib_xasprintf("%s/%s", from_dir, de->d_name);
			char *b = lib_xasprintf("%s/%s", to_dir, de->d_name);
			if (rename(a, b) < 0 && errno != ENOENT) /* ENOENT: expunged meanwhile */
				rc = lib_err_set(err, "renaming %s: %s", a, strerror(errno));
			free(a);
			free(b);
		}
		if (dir)
			closedir(dir);
		if (rc == 0 && (frankd_fsync_dir(to_dir, err) < 0 || frankd_fsync_dir(from_dir, err) < 0))
			rc = -1;
		free(from_dir);
		free(to_dir);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* "A" to "B": .A to .B, and its children .A.x to .B.x (RFC 3501 6.3.5:
 * inferior names are renamed too). */
static int rename_tree(struct imap_session *s, const char *from, const char *to,
		       struct lib_err *err)
{
	if (rename(from, to) < 0)
		return lib_err_set(err, "renaming %s: %s", from, strerror(errno));
	const char *from_base = from + strlen(s->maildir) + 1, *to_base = to + strlen(s->maildir) + 1;
	size_t n = strlen(from_base);
	DIR *dir = opendir(s->maildir);
	struct dirent *de;
	int rc = 0;
	while (dir && (de = readdir(dir))) {
		if (strncmp(de->d_name, from_base, n) != 0 || de->d_name[n] != '.')
			continue;
		char *a = lib_xasprintf("%s/%s", s->maildir, de->d_name);
		char *b = lib_xasprintf("%s/%s%s", s->maildir, to_base, de->d_name + n);
		if (!is_dir(b) && rename(a, b) < 0)
			rc = lib_err_set(err, "renaming %s: %s", a, strerror(errno));
		free(a);
		free(b);
	}
	if (dir)
		closedir(dir);
	if (rc == 0)
		rc = frankd_fsync_dir(s->maildir, err);
	return rc;
}

/* The subscriptions file written whole (tmp, fsync, rename). */
static int write_subscriptions(const struct imap_session *s, const struct frankd_imap_names *names,
			       struct lib_err *err)
{
	struct lib_buf text = LIB_BUF_INIT;
	frankd_imap_names_format(FRANKD_SUBSCRIPTIONS_MAGIC, names, &text);
	char *file = lib_xasprintf("%s/%s", s->maildir, FRANKD_SUBSCRIPTIONS_FILE);
	int rc = frankd_write_durable_in(file, text.data, text.len, 0600, err);
	free(file);
	lib_buf_release(&text);
	return rc;
}

/* After RENAME old to new: the subscriptions of old and of the folders
 * below it follow (RFC 3501 6.3.5 leaves it open; a client that renamed
 * a folder it reads expects to go on seeing it in LSUB). */
static void rename_subscriptions(struct imap_session *s, const char *old_name,
				 const char *new_name)
{
	struct frankd_imap_names names;
	if (!imapd_subscriptions(s, &names))
		return; /* no file: every folder counts as subscribed */
	size_t len = strlen(old_name);
	struct frankd_imap_names renamed = { NULL, 0 };
	for (size_t i = 0; i < names.count; i++) {
		const char *n = names.names[i];
		if (strncmp(n, old_name, len) == 0 && (n[len] == '\0' || n[len] == '/')) {
			char *moved = lib_xasprintf("%s%s", new_name, n + len);
			frankd_imap_names_add(&renamed, moved);
			free(moved);
		} else {
			frankd_imap_names_add(&renamed, n);
		}
	}
	struct lib_err err;
	if (write_subscriptions(s, &renamed, &err) < 0)
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
	frankd_imap_names_release(&renamed);
	frankd_imap_names_release(&names);
}

void imapd_rename(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *old_name = name_arg(s, cmd, 2, 0);
	const char *new_name = old_name ? name_arg(s, cmd, 2, 1) : NULL;
	if (!new_name)
		return;
	char *from = imapd_folder_path(s->maildir, old_name);
	char *to = imapd_folder_path(s->maildir, new_name);
	char *cur = from ? lib_xasprintf("%s/cur", from) : NULL;
	int inbox = strcasecmp(old_name, "INBOX") == 0;
	struct lib_err err;
	if (!from || !is_dir(cur)) {
		answer(s, cmd->tag, "NO", "[NONEXISTENT] No such folder");
	} else if (!to || strcasecmp(new_name, "INBOX") == 0) {
		answer(s, cmd->tag, "NO", "[CANNOT] Not a folder name frankd makes");
	} else if (access(to, F_OK) == 0) {
		answer(s, cmd->tag, "NO", "[ALREADYEXISTS] The new name is taken");
	} else if (!inbox && strncmp(to, from, strlen(from)) == 0 && to[strlen(from)] == '.') {
		answer(s, cmd->tag, "NO", "[CANNOT] A folder cannot move inside itself");
	} else if (!inbox && selected_under(s, from)) {
		answer(s, cmd->tag, "NO", "[INUSE] The folder is selected: UNSELECT it first");
	} else if ((inbox ? rename_inbox(s, to, &err) : rename_tree(s, from, to, &err)) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		answer(s, cmd->tag, "NO", "[SERVERBUG] Cannot rename the folder");
	} else {
		if (inbox && s->state == IMAP_STATE_SELECTED && strcmp(s->box.path, from) == 0)
			imapd_refresh(s); /* its messages are gone */
		if (!inbox)
			rename_subscriptions(s, old_name, new_name);
		answer(s, cmd->tag, "OK", "RENAME done");
	}
	free(cur);
	free(from);
	free(to);
}

/* --- subscriptions ---------------------------------------------------------------- */

int imapd_subscriptions(const struct imap_session *s, struct frankd_imap_names *names)
{
	char *file = lib_xasprintf("%s/%s", s->maildir, FRANKD_SUBSCRIPTIONS_FILE);
	char *text = NULL;
	size_t len = 0;
	struct lib_err err;
	int rc = lib_read_file(file, 16u << 20, &text, &len, &err);
	memset(names, 0, sizeof *names);
	if (rc == 0 &&
	    frankd_imap_names_parse(FRANKD_SUBSCRIPTIONS_MAGIC, text, len, names, &err) < 0) {
		frankd_log(FRANKD_LOG_WARN, "%s: %s: every folder counts as subscribed", file,
			   err.msg);
		rc = -1;
	}
	free(text);
	free(file);
	return rc == 0;
}

/* Every folder there is, as subscriptions start (no file yet). */
static void all_folders(const struct imap_session *s, struct frankd_imap_names *names)
{
	frankd_imap_names_add(names, "INBOX");
	DIR *dir = opendir(s->maildir);
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] != '.' || !de->d_name[1] || de->d_name[1] == '.')
			continue;
		char *name = lib_xstrdup(de->d_name + 1);
		for (char *p = name; *p; p++)
			if (*p == '.')
				*p = '/';
		frankd_imap_names_add(names, name);
		free(name);
	}
	if (dir)
		closedir(dir);
}

void imapd_subscribe(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *name = name_arg(s, cmd, 1, 0);
	if (!name)
		return;
	int add = cmd->verb == FRANKD_IMAP_SUBSCRIBE;
	char *path = imapd_folder_path(s->maildir, name);
	char *cur = path ? lib_xasprintf("%s/cur", path) : NULL;
	struct frankd_imap_names names;
	if (!imapd_subscriptions(s, &names))
		all_folders(s, &names);
	const char *canonical = strcasecmp(name, "INBOX") == 0 ? "INBOX" : name;
	struct lib_err err;
	if (add && (!path || !is_dir(cur))) {
		answer(s, cmd->tag, "NO", "[NONEXISTENT] No such folder");
	} else if (!add && frankd_imap_names_find(&names, canonical) < 0) {
		answer(s, cmd->tag, "NO", "[NONEXISTENT] Not subscribed");
	} else if (add && frankd_imap_names_add(&names, canonical) < 0) {
		answer(s, cmd->tag, "NO", "[LIMIT] Too many subscriptions");
	} else {
		if (!add)
			frankd_imap_names_remove(&names, canonical);
		if (write_subscriptions(s, &names, &err) < 0) {
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
			answer(s, cmd->tag, "NO", "[SERVERBUG] Cannot write the subscriptions");
		} else {
			answer(s, cmd->tag, "OK", add ? "SUBSCRIBE done" : "UNSUBSCRIBE done");
		}
	}
	frankd_imap_names_release(&names);
	free(cur);
	free(path);
}
