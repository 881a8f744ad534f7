/* imapd_fetch.c: the IMAP commands on a selected folder: FETCH, STORE,
 * SEARCH (and their UID forms), EXPUNGE, and telling the client what
 * changed in the folder meanwhile (another session, a delivery), with
 * RFC 7162's MODSEQ, CHANGEDSINCE, SEARCH MODSEQ and VANISHED.  The
 * session's view (s->box) gives the sequence numbers; a message whose file
 * went meanwhile is left out of a FETCH, and the next NOOP expunges it. */
#include "imapd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MESSAGE_MAX ((size_t)1 << 30)

/* The messages a set names: 1 for index i when it is in it.  -1 (after a
 * BAD) when a sequence number is beyond the folder. */
int imapd_in_set(struct imap_session *s, const struct frankd_imap_seqset *set, int uid, size_t i)
{
	const struct frankd_mailbox *b = &s->box;
	uint32_t star = uid ? (b->count ? b->msgs[b->count - 1].uid : 0) : (uint32_t)b->count;
	return frankd_imap_seqset_has(set, uid ? b->msgs[i].uid : (uint32_t)(i + 1), star);
}

int imapd_set_arg(struct imap_session *s, const struct frankd_imap_cmd *cmd,
		  struct frankd_imap_seqset *set)
{
	if (cmd->nargs < 2 || cmd->args[0].kind != FRANKD_IMAP_ATOM ||
	    frankd_imap_seqset_parse(cmd->args[0].text, set) < 0) {
		imapd_reply(s, "%s BAD Bad sequence set", cmd->tag);
		s->errors++;
		return -1;
	}
	if (cmd->uid)
		return 0;
	for (size_t i = 0; i < set->count; i++) {
		uint32_t a = set->ranges[i].first, b = set->ranges[i].last;
		if ((a != FRANKD_IMAP_STAR && a > s->box.count) ||
		    (b != FRANKD_IMAP_STAR && b > s->box.count)) {
			frankd_imap_seqset_release(set);
			imapd_reply(s, "%s BAD Invalid message sequence number", cmd->tag);
			s->errors++;
			return -1;
		}
	}
	return 0;
}

/* --- FETCH ---------------------------------------------------------------------- */

/* The message's text with CRLF line ends (into text), and its date. */
static int message_read(struct imap_session *s, size_t i, struct lib_buf *text, long long *date)
{
	char *path = frankd_mailbox_msg_path(&s->box, i);
	char *data = NULL;
	size_t len = 0;
	struct lib_err err;
	struct stat st;
	if (!path || stat(path, &st) < 0 || lib_read_file(path, MESSAGE_MAX, &data, &len, &err) < 0) {
		free(path);
		return -1; /* gone meanwhile */
	}
	*date = (long long)st.st_mtime;
	frankd_crlf_append(data, len, text);
	free(data);
	free(path);
	return 0;
}

/* The bytes of a section of the whole message (no part numbers) within
 * the CRLF text, or made in built (HEADER.FIELDS). */
static void section_bytes(const struct lib_buf *text, const struct frankd_imap_section *sec,
			  const char **start, size_t *len, struct lib_buf *built)
{
	const char *data = text->data ? text->data : "";
	const char *end = text->len >= 4 ? strstr(data, "\r\n\r\n") : NULL;
	size_t header = end ? (size_t)(end - data) + 4 : text->len;
	if (text->len >= 2 && strncmp(data, "\r\n", 2) == 0)
		header = 2; /* no header fields at all */
	*start = data;
	*len = text->len;
	if (sec->kind == FRANKD_SECTION_HEADER)
		*len = header;
	else if (sec->kind == FRANKD_SECTION_TEXT)
		*start = data + header, *len = text->len - header;
	if (sec->kind == FRANKD_SECTION_FIELDS || sec->kind == FRANKD_SECTION_FIELDS_NOT) {
		frankd_imap_header_fields(data, header, sec->fields,
					  sec->kind == FRANKD_SECTION_FIELDS, built);
		*start = built->data;
		*len = built->len;
	}
}

/* The last message whose structure FETCH needed, kept for the next FETCH
 * of it (a client reads BODYSTRUCTURE, then BODY[1], then BODY[2]...).
 * Maildir messages never change, so folder, UIDVALIDITY and UID name the
 * bytes.  One for the process: frankd serves sessions one at a time. */
struct parsed_message {
	char *folder;
	uint32_t uidvalidity, uid;
	struct lib_buf text; /* CRLF */
	long long date;
	struct frankd_imap_body *body; /* of text */
};

static struct parsed_message parsed_cache;

/* Larger messages are not kept once served (bounded memory). */
#define PARSED_CACHE_MAX ((size_t)4 << 20)

static void parsed_release(struct parsed_message *pm)
{
	free(pm->folder);
	lib_buf_release(&pm->text);
	frankd_imap_body_free(pm->body);
	memset(pm, 0, sizeof *pm);
}

static int parsed_is(const struct parsed_message *pm, const struct imap_session *s, size_t i)
{
	return pm->folder && strcmp(pm->folder, s->box.path) == 0 &&
	       pm->uidvalidity == s->box.uidvalidity && pm->uid == s->box.msgs[i].uid;
}

/* Whether f needs the MIME structure: BODY, BODYSTRUCTURE, BODY[1...]. */
static int needs_structure(const struct frankd_imap_fetch *f)
{
	if (f->items & (FRANKD_FETCH_BODY | FRANKD_FETCH_BODYSTRUCTURE))
		return 1;
	for (size_t k = 0; k < f->nsections; k++)
		if (f->sections[k].nparts)
			return 1;
	return 0;
}

/* The message (text, date and, when asked for, structure) into pm: from
 * the cache, or read (and then kept in the cache when structured). */
static int message_load(struct imap_session *s, size_t i, int structure,
			struct parsed_message *pm)
{
	if (parsed_is(&parsed_cache, s, i)) {
		*pm = parsed_cache; /* borrowed: the cache stays the owner */
		return 1;
	}
	memset(pm, 0, sizeof *pm);
	if (message_read(s, i, &pm->text, &pm->date) < 0)
		return -1;
	if (!structure)
		return 0;
	pm->body = frankd_imap_body_parse(pm->text.data, pm->text.len);
	pm->folder = lib_xstrdup(s->box.path);
	pm->uidvalidity = s->box.uidvalidity;
	pm->uid = s->box.msgs[i].uid;
	if (pm->text.len > PARSED_CACHE_MAX)
		return 0;
	parsed_release(&parsed_cache);
	parsed_cache = *pm;
	return 1;
}

/* One section's value: a literal, or NIL for a part the message lacks. */
static void section_format(const struct parsed_message *pm, const struct frankd_imap_section *sec,
			   struct lib_buf *out)
{
	const char *start;
	size_t len;
	struct lib_buf built = LIB_BUF_INIT;
	if (sec->nparts == 0) {
		section_bytes(&pm->text, sec, &start, &len, &built);
	} else {
		size_t off;
		if (frankd_imap_body_section(pm->body, sec, &off, &len) < 0) {
			lib_buf_puts(out, "NIL");
			return;
		}
		start = pm->text.data + off;
		if (sec->kind == FRANKD_SECTION_FIELDS || sec->kind == FRANKD_SECTION_FIELDS_NOT) {
			frankd_imap_header_fields(start, len, sec->fields,
						  sec->kind == FRANKD_SECTION_FIELDS, &built);
			start = built.data, len = built.len;
		}
	}
	if (sec->partial) {
		size_t off = sec->offset < len ? sec->offset : len;
		start += off;
		len -= off;
		if (len > sec->count)
			len = sec->count;
	}
	lib_buf_printf(out, "{%zu}\r\n", len);
	lib_buf_append(out, start, len);
	lib_buf_release(&built);
}

/* The items that come from the message's text. */
static void text_items(const struct parsed_message *pm, const struct frankd_imap_fetch *f,
		       unsigned items, const char **sep, struct lib_buf *out)
{
	if (items & FRANKD_FETCH_INTERNALDATE) {
		char when[32];
		frankd_imap_datetime_format(pm->date, when);
		lib_buf_printf(out, "%sINTERNALDATE \"%s\"", *sep, when), *sep = " ";
	}
	if (items & FRANKD_FETCH_RFC822_SIZE)
		lib_buf_printf(out, "%sRFC822.SIZE %zu", *sep, pm->text.len), *sep = " ";
	if (items & FRANKD_FETCH_ENVELOPE) {
		const struct frankd_imap_section header = { .kind = FRANKD_SECTION_HEADER };
		const char *start;
		size_t len;
		section_bytes(&pm->text, &header, &start, &len, NULL);
		lib_buf_printf(out, "%sENVELOPE ", *sep), *sep = " ";
		frankd_imap_envelope_format(start, len, out);
	}
	if (items & FRANKD_FETCH_BODY) {
		lib_buf_printf(out, "%sBODY ", *sep), *sep = " ";
		frankd_imap_body_format(pm->body, 0, out);
	}
	if (items & FRANKD_FETCH_BODYSTRUCTURE) {
		lib_buf_printf(out, "%sBODYSTRUCTURE ", *sep), *sep = " ";
		frankd_imap_body_format(pm->body, 1, out);
	}
	for (size_t k = 0; k < f->nsections; k++) {
		lib_buf_printf(out, "%s%s ", *sep, f->sections[k].name), *sep = " ";
		section_format(pm, &f->sections[k], out);
	}
}

/* One message's FETCH response; seen_now: the FETCH set its \Seen, which
 * is told (with UID and MODSEQ once CONDSTORE is on, RFC 7162 3.1.4). */
static void fetch_one(struct imap_session *s, size_t i, const struct frankd_imap_fetch *f,
		      int uid, int seen_now)
{
	struct frankd_mailbox_msg *m = &s->box.msgs[i];
	struct lib_buf out = LIB_BUF_INIT;
	struct parsed_message pm;
	int cached = 0;
	int need_text = f->nsections || (f->items & (FRANKD_FETCH_RFC822_SIZE |
						     FRANKD_FETCH_INTERNALDATE |
						     FRANKD_FETCH_ENVELOPE)) ||
			needs_structure(f);
	memset(&pm, 0, sizeof pm);
	if (need_text && (cached = message_load(s, i, needs_structure(f), &pm)) < 0)
		return;
	unsigned items = f->items | (uid ? FRANKD_FETCH_UID : 0);
	if (seen_now)
		items |= FRANKD_FETCH_FLAGS |
			 (IMAPD_CONDSTORE(s) ? FRANKD_FETCH_UID | FRANKD_FETCH_MODSEQ : 0);
	lib_buf_printf(&out, "* %zu FETCH (", i + 1);
	const char *sep = "";
	if (items & FRANKD_FETCH_UID)
		lib_buf_printf(&out, "UID %u", m->uid), sep = " ";
	if (items & FRANKD_FETCH_FLAGS) {
		lib_buf_printf(&out, "%sFLAGS (", sep), sep = " ";
		imapd_flags_format(&s->box, m, &out);
		lib_buf_putc(&out, ')');
	}
	if (items & FRANKD_FETCH_MODSEQ) {
		lib_buf_printf(&out, "%sMODSEQ (%llu)", sep, (unsigned long long)m->modseq);
		sep = " ";
	}
	if (need_text)
		text_items(&pm, f, items, &sep, &out);
	lib_buf_puts(&out, ")\r\n");
	frankd_log(FRANKD_LOG_DEBUG, "imap %lu: S: * %zu FETCH (%zu bytes)", s->conn.id, i + 1,
		   out.len);
	imapd_send(s, &out);
	lib_buf_release(&out);
	if (!cached)
		parsed_release(&pm);
}

/* Whether message i is one the FETCH serves: in the set, and changed
 * since CHANGEDSINCE's modseq when given. */
static int fetch_wants(struct imap_session *s, const struct frankd_imap_seqset *set, int uid,
		       const struct frankd_imap_modifiers *mods, size_t i)
{
	return imapd_in_set(s, set, uid, i) &&
	       (!mods->changedsince_set || s->box.msgs[i].modseq > mods->changedsince);
}

/* A FETCH of a section without PEEK sets \Seen: done for every message
 * first, so that the responses carry the modseqs of that change.  The
 * messages changed, 1 each (caller frees), or NULL when none. */
static unsigned char *seen_set(struct imap_session *s, const struct frankd_imap_seqset *set,
			       int uid, const struct frankd_imap_fetch *f,
			       const struct frankd_imap_modifiers *mods)
{
	int peek = 1;
	for (size_t k = 0; k < f->nsections; k++)
		peek &= f->sections[k].peek;
	if (peek || s->read_only)
		return NULL;
	unsigned char *seen = lib_xcalloc(s->box.count + 1, 1);
	int any = 0;
	for (size_t i = 0; i < s->box.count; i++) {
		struct frankd_mailbox_msg *m = &s->box.msgs[i];
		struct lib_err err;
		if (fetch_wants(s, set, uid, mods, i) && !(m->flags & FRANKD_FLAG_SEEN) &&
		    frankd_mailbox_set_flags(&s->box, i, m->flags | FRANKD_FLAG_SEEN, &err) == 0)
			seen[i] = 1, any = 1;
	}
	if (any && IMAPD_CONDSTORE(s))
		imapd_modseq_sync(s);
	return seen;
}

/* FETCH set items [(CHANGEDSINCE n [VANISHED])] (RFC 7162 3.1.4.1, 3.2.6). */
void imapd_fetch(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	struct frankd_imap_seqset set;
	struct frankd_imap_fetch f;
	struct frankd_imap_modifiers mods;
	const char *error = NULL;
	size_t items;
	if (imapd_set_arg(s, cmd, &set) < 0)
		return;
	if (frankd_imap_fetch_modifiers_parse(cmd->args + 1, cmd->nargs - 1, &items, &mods,
					      &error) < 0 ||
	    frankd_imap_fetch_parse(cmd->args + 1, items, &f, &error) < 0) {
		imapd_reply(s, "%s BAD %s", cmd->tag, error);
		s->errors++;
	} else if (mods.vanished && (!cmd->uid || !IMAPD_QRESYNC(s))) {
		imapd_reply(s, "%s BAD VANISHED only in UID FETCH once QRESYNC is enabled", cmd->tag);
		s->errors++;
	} else {
		if (mods.changedsince_set) { /* the modseqs of now, not of the last look */
			f.items |= FRANKD_FETCH_MODSEQ;
			imapd_box_update(s, &set, cmd->uid);
		}
		if (f.items & FRANKD_FETCH_MODSEQ)
			s->enabled |= IMAPD_EXT_CONDSTORE;
		if (mods.vanished)
			imapd_vanished_since(s, mods.changedsince, &set);
		unsigned char *seen = seen_set(s, &set, cmd->uid, &f, &mods);
		for (size_t i = 0; i < s->box.count; i++)
			if (fetch_wants(s, &set, cmd->uid, &mods, i))
				fetch_one(s, i, &f, cmd->uid, seen && seen[i]);
		free(seen);
		imapd_reply(s, "%s OK %sFETCH done", cmd->tag, cmd->uid ? "UID " : "");
	}
	frankd_imap_seqset_release(&set);
}

/* --- SEARCH ------------------------------------------------------------------------ */

/* What a search looks at in one message, read when a key needs it. */
struct search_msg {
	struct imap_session *s;
	size_t i;
	int loaded, gone;
	struct lib_buf text; /* CRLF */
	long long date;
};

static int load(struct search_msg *m)
{
	if (!m->loaded) {
		m->loaded = 1;
		m->gone = message_read(m->s, m->i, &m->text, &m->date) < 0;
	}
	return m->gone ? -1 : 0;
}

static int contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

/* A header field's unfolded lines (any of that name) hold value. */
static int header_has(struct search_msg *m, const char *field, const char *value)
{
	const struct frankd_imap_section whole = { .kind = FRANKD_SECTION_HEADER, .peek = 1 };
	const char *start;
	size_t len, flen = strlen(field);
	section_bytes(&m->text, &whole, &start, &len, NULL);
	for (const char *p = start; p < start + len;) {
		const char *eol = memchr(p, '\n', (size_t)(start + len - p));
		const char *end = eol ? eol + 1 : start + len;
		while (end < start + len && (*end == ' ' || *end == '\t')) { /* folded */
			eol = memchr(end, '\n', (size_t)(start + len - end));
			end = eol ? eol + 1 : start + len;
		}
		if ((size_t)(end - p) > flen && strncasecmp(p, field, flen) == 0 && p[flen] == ':' &&
		    contains(p + flen + 1, (size_t)(end - p) - flen - 1, value))
			return 1;
		p = end;
	}
	return 0;
}

static int matches(struct search_msg *m, const struct frankd_imap_search *k)
{
	const struct frankd_mailbox_msg *msg = &m->s->box.msgs[m->i];
	switch (k->key) {
	case FRANKD_SEARCH_ALL: return 1;
	case FRANKD_SEARCH_AND:
		for (size_t c = 0; c < k->nchildren; c++)
			if (!matches(m, &k->children[c]))
				return 0;
		return 1;
	case FRANKD_SEARCH_OR: return matches(m, &k->children[0]) || matches(m, &k->children[1]);
	case FRANKD_SEARCH_NOT: return !matches(m, &k->children[0]);
	case FRANKD_SEARCH_SEQSET: return imapd_in_set(m->s, &k->set, 0, m->i);
	case FRANKD_SEARCH_UID: return imapd_in_set(m->s, &k->set, 1, m->i);
	case FRANKD_SEARCH_FLAG: return (msg->flags & k->flag) != 0;
	case FRANKD_SEARCH_UNFLAG: return (msg->flags & k->flag) == 0;
	case FRANKD_SEARCH_KEYWORD: return imapd_has_keyword(&m->s->box, msg, k->value);
	case FRANKD_SEARCH_UNKEYWORD: return !imapd_has_keyword(&m->s->box, msg, k->value);
	case FRANKD_SEARCH_MODSEQ: return msg->modseq >= k->number;
	default: break;
	}
	if (load(m) < 0)
		return 0;
	const struct frankd_imap_section body = { .kind = FRANKD_SECTION_TEXT, .peek = 1 };
	const char *start;
	size_t len;
	long long day = m->date >= 0 ? m->date / 86400 : (m->date - 86399) / 86400;
	switch (k->key) {
	case FRANKD_SEARCH_HEADER: return header_has(m, k->field, k->value);
	case FRANKD_SEARCH_BODY:
		section_bytes(&m->text, &body, &start, &len, NULL);
		return contains(start, len, k->value);
	case FRANKD_SEARCH_TEXT: return contains(m->text.data ? m->text.data : "", m->text.len, k->value);
	case FRANKD_SEARCH_BEFORE: return day < k->day;
	case FRANKD_SEARCH_ON: return day == k->day;
	case FRANKD_SEARCH_SINCE: return day >= k->day;
	case FRANKD_SEARCH_LARGER: return m->text.len > k->number;
	case FRANKD_SEARCH_SMALLER: return m->text.len < k->number;
	default: return 0;
	}
}

/* Whether the program has a MODSEQ key (its reply then says the highest
 * modseq of the messages found, RFC 7162 3.1.5). */
static int has_modseq(const struct frankd_imap_search *k)
{
	if (k->key == FRANKD_SEARCH_MODSEQ)
		return 1;
	for (size_t c = 0; c < k->nchildren; c++)
		if (has_modseq(&k->children[c]))
			return 1;
	return 0;
}

void imapd_search(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *error;
	struct frankd_imap_search *program = frankd_imap_search_parse(cmd->args, cmd->nargs, &error);
	if (!program) {
		imapd_reply(s, "%s BAD %s", cmd->tag, error);
		s->errors++;
		return;
	}
	struct lib_buf line = LIB_BUF_INIT;
	int modseq = has_modseq(program);
	uint64_t highest = 0;
	if (modseq)
		s->enabled |= IMAPD_EXT_CONDSTORE;
	lib_buf_puts(&line, "* SEARCH");
	for (size_t i = 0; i < s->box.count; i++) {
		struct search_msg m = { s, i, 0, 0, LIB_BUF_INIT, 0 };
		if (matches(&m, program)) {
			lib_buf_printf(&line, " %lu",
				       cmd->uid ? (unsigned long)s->box.msgs[i].uid : (unsigned long)i + 1);
			if (s->box.msgs[i].modseq > highest)
				highest = s->box.msgs[i].modseq;
		}
		lib_buf_release(&m.text);
	}
	if (modseq && highest)
		lib_buf_printf(&line, " (MODSEQ %llu)", (unsigned long long)highest);
	imapd_reply(s, "%s", line.data);
	imapd_reply(s, "%s OK %sSEARCH done", cmd->tag, cmd->uid ? "UID " : "");
	lib_buf_release(&line);
	frankd_imap_search_free(program);
}

/* --- EXPUNGE and changes ------------------------------------------------------------- */

static void remove_at(struct frankd_mailbox *box, size_t i)
{
	free(box->msgs[i].file);
	memmove(&box->msgs[i], &box->msgs[i + 1], (box->count - i - 1) * sizeof *box->msgs);
	box->count--;
}

/* "* VANISHED 3,7" (QRESYNC, RFC 7162 3.2.10) for the UIDs, highest
 * first as they were found. */
static void vanished_tell(struct imap_session *s, uint32_t *uids, size_t n)
{
	if (!n)
		return;
	for (size_t k = 0; k < n / 2; k++) {
		uint32_t t = uids[k];
		uids[k] = uids[n - 1 - k], uids[n - 1 - k] = t;
	}
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_puts(&line, "* VANISHED ");
	imapd_uid_set(uids, n, &line);
	imapd_reply(s, "%s", line.data);
	lib_buf_release(&line);
}

void imapd_expunge(struct imap_session *s, int report, const struct frankd_imap_seqset *uids)
{
	int removed = 0;
	uint32_t *gone = lib_xcalloc(s->box.count + 1, sizeof *gone);
	size_t ngone = 0;
	uint32_t star = s->box.count ? s->box.msgs[s->box.count - 1].uid : 0;
	for (size_t i = s->box.count; i-- > 0;) { /* from the end: lower numbers stay */
		if (!(s->box.msgs[i].flags & FRANKD_FLAG_DELETED) ||
		    (uids && !frankd_imap_seqset_has(uids, s->box.msgs[i].uid, star)))
			continue;
		char *path = frankd_mailbox_msg_path(&s->box, i);
		if (path && unlink(path) < 0 && errno != ENOENT) {
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: removing %s: %s", s->conn.id, path,
				   strerror(errno));
			free(path);
			continue;
		}
		free(path);
		gone[ngone++] = s->box.msgs[i].uid;
		remove_at(&s->box, i);
		removed = 1;
		if (report && !IMAPD_QRESYNC(s))
			imapd_reply(s, "* %zu EXPUNGE", i + 1);
	}
	if (report && IMAPD_QRESYNC(s))
		vanished_tell(s, gone, ngone);
	free(gone);
	static const char *const subs[] = { "cur", "new" };
	for (size_t k = 0; removed && k < 2; k++) {
		char *dir = lib_xasprintf("%s/%s", s->box.path, subs[k]);
		struct lib_err err;
		if (frankd_fsync_dir(dir, &err) < 0)
			frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		free(dir);
	}
}

void imapd_refresh(struct imap_session *s)
{
	struct frankd_mailbox now;
	struct lib_err err;
	if (frankd_mailbox_load(s->box.path, &now, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		return;
	}
	size_t left = s->box.count;
	uint32_t *gone = lib_xcalloc(s->box.count + 1, sizeof *gone);
	size_t ngone = 0;
	for (size_t i = s->box.count; i-- > 0;)
		if (frankd_mailbox_find(&now, s->box.msgs[i].uid) < 0) {
			if (IMAPD_QRESYNC(s))
				gone[ngone++] = s->box.msgs[i].uid;
			else
				imapd_reply(s, "* %zu EXPUNGE", i + 1);
			left--;
		}
	vanished_tell(s, gone, ngone);
	free(gone);
	struct frankd_imap_names told = s->box.keywords;
	s->box.keywords = now.keywords; /* new keywords first (RFC 3501 7.2.6) */
	imapd_flags_tell(s, 0);
	s->box.keywords = told;
	for (size_t j = 0; j < now.count; j++) {
		long k = frankd_mailbox_find(&s->box, now.msgs[j].uid);
		const struct frankd_mailbox_msg *m = &now.msgs[j];
		if (k < 0 || (s->box.msgs[k].flags == m->flags && s->box.msgs[k].keywords == m->keywords &&
			      (!IMAPD_CONDSTORE(s) || s->box.msgs[k].modseq == m->modseq)))
			continue;
		struct lib_buf line = LIB_BUF_INIT;
		lib_buf_printf(&line, "* %zu FETCH (FLAGS (", j + 1);
		imapd_flags_format(&now, m, &line);
		lib_buf_printf(&line, ") UID %u", m->uid);
		if (IMAPD_CONDSTORE(s))
			imapd_modseq_item(m, &line);
		lib_buf_putc(&line, ')');
		imapd_reply(s, "%s", line.data);
		lib_buf_release(&line);
	}
	if (now.count != left)
		imapd_reply(s, "* %zu EXISTS", now.count);
	frankd_mailbox_release(&s->box);
	s->box = now;
	imapd_box_forget(s);
}
