/* imapd_store.c: STORE and UID STORE (RFC 3501 6.4.6) with keywords, and
 * how a message's flags read in replies.  System flags are the Maildir
 * info's capitals; a keyword is a letter a-z there, which the folder's
 * FRANKD_KEYWORDS_FILE names (26 at most, as with Dovecot). */
#include "imapd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void imapd_flags_format(const struct frankd_mailbox *box, const struct frankd_mailbox_msg *m,
			struct lib_buf *out)
{
	size_t before = out->len;
	frankd_imap_flags_format(m->flags, out);
	for (size_t i = 0; i < box->keywords.count && i < FRANKD_KEYWORDS_MAX; i++)
		if (m->keywords & (UINT32_C(1) << i))
			lib_buf_printf(out, "%s%s", out->len > before ? " " : "", box->keywords.names[i]);
}

int imapd_has_keyword(const struct frankd_mailbox *box, const struct frankd_mailbox_msg *m,
		      const char *name)
{
	for (size_t i = 0; i < box->keywords.count && i < FRANKD_KEYWORDS_MAX; i++)
		if (strcasecmp(box->keywords.names[i], name) == 0)
			return (m->keywords & (UINT32_C(1) << i)) != 0;
	return 0;
}

void imapd_flag_names(const struct frankd_mailbox *box, struct lib_buf *out)
{
	const struct frankd_mailbox_msg all = { 0, NULL, FRANKD_FLAG_ANSWERED | FRANKD_FLAG_FLAGGED |
		FRANKD_FLAG_DELETED | FRANKD_FLAG_SEEN | FRANKD_FLAG_DRAFT, UINT32_MAX, 0 };
	imapd_flags_format(box, &all, out);
}

/* "FLAGS", "+FLAGS.SILENT"...: the mode ('=', '+', '-') and silence. */
static int store_item(const char *item, char *mode, int *silent)
{
	*mode = *item == '+' || *item == '-' ? *item++ : '=';
	*silent = 0;
	if (strcasecmp(item, "FLAGS.SILENT") == 0)
		*silent = 1;
	else if (strcasecmp(item, "FLAGS") != 0)
		return -1;
	return 0;
}

/* The keywords as the folder's bits: each is numbered, added to the
 * folder when new (not for '-').  -1 (logged) when the folder is full. */
static int keyword_bits(struct imap_session *s, const struct frankd_imap_names *names, char mode,
			uint32_t *bits)
{
	*bits = 0;
	for (size_t i = 0; i < names->count; i++) {
		struct lib_err err;
		if (mode == '-') {
			for (size_t k = 0; k < s->box.keywords.count; k++)
				if (strcasecmp(s->box.keywords.names[k], names->names[i]) == 0)
					*bits |= UINT32_C(1) << k;
			continue;
		}
		int at = frankd_mailbox_keyword(&s->box, names->names[i], &err);
		if (at < 0) {
			frankd_log(FRANKD_LOG_WARN, "imap %lu: %s", s->conn.id, err.msg);
			return -1;
		}
		*bits |= UINT32_C(1) << at;
	}
	return 0;
}

/* Changes one message's flags: 1 when done (or nothing to change), 0
 * when its file went meanwhile or the rename failed (logged). */
static int store_one(struct imap_session *s, size_t i, char mode, unsigned flags,
		     uint32_t keywords)
{
	struct frankd_mailbox_msg *m = &s->box.msgs[i];
	unsigned to = mode == '=' ? flags : mode == '+' ? m->flags | flags : m->flags & ~flags;
	uint32_t kw = mode == '=' ? keywords : mode == '+' ? m->keywords | keywords
							   : m->keywords & ~keywords;
	struct lib_err err;
	int rc = frankd_mailbox_set_keywords(&s->box, i, to, kw, &err);
	if (rc < 0)
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
	return rc == 0;
}

/* The untagged FETCH of a message STORE changed: FLAGS unless silent;
 * UID and MODSEQ once CONDSTORE is on (RFC 7162 3.1.3: then even when
 * silent, if UNCHANGEDSINCE was given). */
static void store_tell(struct imap_session *s, const struct frankd_imap_cmd *cmd, size_t i,
		       int silent, int conditional)
{
	const struct frankd_mailbox_msg *m = &s->box.msgs[i];
	int condstore = IMAPD_CONDSTORE(s);
	if (silent && !(condstore && conditional))
		return;
	struct lib_buf line = LIB_BUF_INIT;
	const char *sep = "";
	lib_buf_printf(&line, "* %zu FETCH (", i + 1);
	if (!silent) {
		lib_buf_puts(&line, "FLAGS (");
		imapd_flags_format(&s->box, m, &line);
		lib_buf_putc(&line, ')');
		sep = " ";
	}
	if (cmd->uid || condstore)
		lib_buf_printf(&line, "%sUID %u", sep, m->uid);
	if (condstore)
		imapd_modseq_item(m, &line);
	lib_buf_putc(&line, ')');
	imapd_reply(s, "%s", line.data);
	lib_buf_release(&line);
}

/* STORE's changes: each message of the set changed unless UNCHANGEDSINCE
 * says it changed after (then its number goes to modified), then the
 * folder read for the modseqs, then each change told. */
static void store_all(struct imap_session *s, const struct frankd_imap_cmd *cmd,
		      const struct frankd_imap_seqset *set, const struct frankd_imap_modifiers *mods,
		      char mode, int silent, unsigned flags, uint32_t keywords,
		      struct lib_buf *modified)
{
	unsigned char *done = lib_xcalloc(s->box.count + 1, 1);
	for (size_t i = 0; i < s->box.count; i++) {
		if (!imapd_in_set(s, set, cmd->uid, i))
			continue;
		const struct frankd_mailbox_msg *m = &s->box.msgs[i];
		if (mods->unchangedsince_set && m->modseq > mods->unchangedsince) {
			lib_buf_printf(modified, "%s%lu", modified->len ? "," : "",
				       cmd->uid ? (unsigned long)m->uid : (unsigned long)i + 1);
			continue;
		}
		done[i] = (unsigned char)store_one(s, i, mode, flags, keywords);
	}
	if (IMAPD_CONDSTORE(s)) /* else the next look at the folder gives the modseqs */
		imapd_modseq_sync(s);
	for (size_t i = 0; i < s->box.count; i++)
		if (done[i])
			store_tell(s, cmd, i, silent, mods->unchangedsince_set);
	free(done);
}

/* STORE set [(UNCHANGEDSINCE n)] [+-]FLAGS[.SILENT] (flags) (RFC 7162
 * 3.1.3: [MODIFIED set] names the messages changed after n). */
void imapd_store(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	struct frankd_imap_seqset set;
	struct frankd_imap_names names = { NULL, 0 };
	struct frankd_imap_modifiers mods;
	const char *error = NULL;
	char mode;
	int silent;
	unsigned flags;
	uint32_t keywords = 0;
	size_t skip = 0;
	if (imapd_set_arg(s, cmd, &set) < 0)
		return;
	if (frankd_imap_store_modifiers_parse(cmd->args + 1, cmd->nargs - 1, &skip, &mods,
					      &error) < 0) {
		imapd_reply(s, "%s BAD %s", cmd->tag, error);
		s->errors++;
		frankd_imap_seqset_release(&set);
		return;
	}
	size_t at = 1 + skip; /* the item */
	size_t first = at + 1, n = cmd->nargs > at + 1 ? cmd->nargs - at - 1 : 0;
	if (n >= 2 && cmd->args[first].kind == FRANKD_IMAP_LPAREN &&
	    cmd->args[cmd->nargs - 1].kind == FRANKD_IMAP_RPAREN)
		first++, n -= 2;
	if (cmd->nargs < at + 2 || cmd->args[at].kind != FRANKD_IMAP_ATOM ||
	    store_item(cmd->args[at].text, &mode, &silent) < 0 ||
	    frankd_imap_flag_list_parse(cmd->args + first, n, &flags, &names) < 0) {
		imapd_reply(s, "%s BAD Syntax: STORE set [(UNCHANGEDSINCE n)] [+-]FLAGS[.SILENT] (flags)",
			    cmd->tag);
		s->errors++;
	} else if (s->read_only) {
		imapd_reply(s, "%s NO [READ-ONLY] Folder is read-only", cmd->tag);
	} else if (keyword_bits(s, &names, mode, &keywords) < 0) {
		imapd_reply(s, "%s NO [LIMIT] No room for another keyword in this folder", cmd->tag);
	} else {
		imapd_flags_tell(s, 0); /* RFC 3501 7.2.6: new flags are told */
		struct lib_buf modified = LIB_BUF_INIT;
		if (mods.unchangedsince_set) { /* the modseqs of now */
			s->enabled |= IMAPD_EXT_CONDSTORE;
			imapd_box_update(s, &set, cmd->uid);
		}
		store_all(s, cmd, &set, &mods, mode, silent, flags, keywords, &modified);
		if (modified.len)
			imapd_reply(s, "%s OK [MODIFIED %s] Conditional %sSTORE failed for some",
				    cmd->tag, modified.data, cmd->uid ? "UID " : "");
		else
			imapd_reply(s, "%s OK %sSTORE done", cmd->tag, cmd->uid ? "UID " : "");
		lib_buf_release(&modified);
	}
	frankd_imap_names_release(&names);
	frankd_imap_seqset_release(&set);
}
