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

static void store_one(struct imap_session *s, const struct frankd_imap_cmd *cmd, size_t i,
		      char mode, int silent, unsigned flags, uint32_t keywords)
{
	struct frankd_mailbox_msg *m = &s->box.msgs[i];
	unsigned to = mode == '=' ? flags : mode == '+' ? m->flags | flags : m->flags & ~flags;
	uint32_t kw = mode == '=' ? keywords : mode == '+' ? m->keywords | keywords
							   : m->keywords & ~keywords;
	struct lib_err err;
	int rc = frankd_mailbox_set_keywords(&s->box, i, to, kw, &err);
	if (rc < 0)
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
	if (rc != 0 || silent)
		return;
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_printf(&line, "* %zu FETCH (FLAGS (", i + 1);
	imapd_flags_format(&s->box, m, &line);
	if (cmd->uid)
		lib_buf_printf(&line, ") UID %u)", m->uid);
	else
		lib_buf_puts(&line, "))");
	imapd_reply(s, "%s", line.data);
	lib_buf_release(&line);
}

void imapd_store(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	struct frankd_imap_seqset set;
	struct frankd_imap_names names = { NULL, 0 };
	char mode;
	int silent;
	unsigned flags;
	uint32_t keywords = 0;
	size_t known = s->box.keywords.count;
	if (imapd_set_arg(s, cmd, &set) < 0)
		return;
	size_t first = 2, n = cmd->nargs > 2 ? cmd->nargs - 2 : 0;
	if (n >= 2 && cmd->args[2].kind == FRANKD_IMAP_LPAREN &&
	    cmd->args[cmd->nargs - 1].kind == FRANKD_IMAP_RPAREN)
		first = 3, n -= 2;
	if (cmd->nargs < 3 || store_item(cmd->args[1].text, &mode, &silent) < 0 ||
	    frankd_imap_flag_list_parse(cmd->args + first, n, &flags, &names) < 0) {
		imapd_reply(s, "%s BAD Syntax: STORE set [+-]FLAGS[.SILENT] (flags)", cmd->tag);
		s->errors++;
	} else if (s->read_only) {
		imapd_reply(s, "%s NO [READ-ONLY] Folder is read-only", cmd->tag);
	} else if (keyword_bits(s, &names, mode, &keywords) < 0) {
		imapd_reply(s, "%s NO [LIMIT] No room for another keyword in this folder", cmd->tag);
	} else {
		if (s->box.keywords.count != known) { /* RFC 3501 7.2.6: new flags are told */
			struct lib_buf all = LIB_BUF_INIT;
			imapd_flag_names(&s->box, &all);
			imapd_reply(s, "* FLAGS (%s)", all.data);
			lib_buf_release(&all);
		}
		for (size_t i = 0; i < s->box.count; i++)
			if (imapd_in_set(s, &set, cmd->uid, i))
				store_one(s, cmd, i, mode, silent, flags, keywords);
		imapd_reply(s, "%s OK %sSTORE done", cmd->tag, cmd->uid ? "UID " : "");
	}
	frankd_imap_names_release(&names);
	frankd_imap_seqset_release(&set);
}
