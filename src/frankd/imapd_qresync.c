/* imapd_qresync.c: what CONDSTORE and QRESYNC (RFC 7162) add to a session
 * on a selected folder: the session's view brought up to the folder's
 * modseqs, VANISHED (EARLIER) from the folder's list of the expunged, and
 * SELECT's (QRESYNC ...) resynchronisation.  The expunged are kept for the
 * last FRANKD_UIDLIST_GONE_MAX expunges; a client whose modseq is older
 * than that is told every UID it may know that is not there (RFC 7162
 * 3.2.5.1 allows UIDs the client never saw). */
#include "imapd.h"

#include <stdlib.h>
#include <string.h>

void imapd_modseq_item(const struct frankd_mailbox_msg *m, struct lib_buf *out)
{
	lib_buf_printf(out, " MODSEQ (%llu)", (unsigned long long)m->modseq);
}

void imapd_uid_set(const uint32_t *uids, size_t n, struct lib_buf *out)
{
	for (size_t k = 0; k < n;) {
		size_t run = k;
		while (run + 1 < n && uids[run + 1] == uids[run] + 1)
			run++;
		lib_buf_printf(out, "%s%u", k ? "," : "", uids[k]);
		if (run > k)
			lib_buf_printf(out, ":%u", uids[run]);
		k = run + 1;
	}
}

/* Copies the folder's state now of the messages of set (NULL: all) into
 * the view; flags too when all_fields, else only the modseqs of messages
 * whose flags the view has right. */
static void update(struct imap_session *s, const struct frankd_imap_seqset *set, int uid,
		   int all_fields)
{
	struct frankd_mailbox now;
	struct lib_err err;
	if (frankd_mailbox_load(s->box.path, &now, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		return;
	}
	for (size_t i = 0; i < s->box.count; i++) {
		struct frankd_mailbox_msg *m = &s->box.msgs[i];
		long k = frankd_mailbox_find(&now, m->uid);
		if (k < 0 || (set && !imapd_in_set(s, set, uid, i)))
			continue;
		const struct frankd_mailbox_msg *n = &now.msgs[k];
		if (all_fields) {
			m->flags = n->flags;
			m->keywords = n->keywords;
		} else if (m->flags != n->flags || m->keywords != n->keywords) {
			continue;
		}
		m->modseq = n->modseq;
	}
	if (all_fields) { /* keyword letters only grow: the new names are needed */
		struct frankd_imap_names kw = s->box.keywords;
		s->box.keywords = now.keywords;
		now.keywords = kw;
	}
	frankd_mailbox_release(&now);
}

void imapd_box_update(struct imap_session *s, const struct frankd_imap_seqset *set, int uid)
{
	update(s, set, uid, 1);
}

void imapd_modseq_sync(struct imap_session *s)
{
	update(s, NULL, 0, 0);
}

/* The largest UID "*" stands for: the last message's or uidnext - 1. */
static uint32_t uid_star(const struct imap_session *s)
{
	uint32_t star = s->box.count ? s->box.msgs[s->box.count - 1].uid : 0;
	return star < s->box.uidnext - 1 ? s->box.uidnext - 1 : star;
}

/* UID ranges, for VANISHED. */
struct uid_ranges {
	struct frankd_imap_range *r;
	size_t n;
};

static void ranges_add(struct uid_ranges *out, uint32_t first, uint32_t last)
{
	out->r = lib_xrealloc(out->r, (out->n + 1) * sizeof *out->r);
	out->r[out->n++] = (struct frankd_imap_range){ first, last };
}

static int range_order(const void *a, const void *b)
{
	const struct frankd_imap_range *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* "* VANISHED (EARLIER) 1:3,7": the ranges sorted and merged. */
static void ranges_tell(struct imap_session *s, struct uid_ranges *u)
{
	if (!u->n)
		return;
	qsort(u->r, u->n, sizeof *u->r, range_order);
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_puts(&line, "* VANISHED (EARLIER) ");
	for (size_t k = 0; k < u->n;) {
		uint32_t first = u->r[k].first, last = u->r[k].last;
		while (++k < u->n && u->r[k].first <= (uint64_t)last + 1)
			if (u->r[k].last > last)
				last = u->r[k].last;
		lib_buf_printf(&line, "%s%u", line.data[line.len - 1] == ' ' ? "" : ",", first);
		if (last > first)
			lib_buf_printf(&line, ":%u", last);
	}
	imapd_reply(s, "%s", line.data);
	lib_buf_release(&line);
}

/* The UIDs below uidnext that no message has, within set (all when
 * NULL): each gap between messages cut by each range of the set. */
static void absent_uids(const struct imap_session *s, const struct frankd_imap_seqset *set,
			struct uid_ranges *out)
{
	uint32_t star = uid_star(s), from = 1;
	struct frankd_imap_range all = { 1, star };
	const struct frankd_imap_range *r = set ? set->ranges : &all;
	size_t nr = set ? set->count : 1;
	for (size_t i = 0; i <= s->box.count; i++) {
		uint32_t to = i < s->box.count ? s->box.msgs[i].uid : s->box.uidnext;
		for (size_t k = 0; from < to && k < nr; k++) {
			uint32_t a = r[k].first == FRANKD_IMAP_STAR ? star : r[k].first;
			uint32_t b = r[k].last == FRANKD_IMAP_STAR ? star : r[k].last;
			if (a > b) {
				uint32_t t = a;
				a = b, b = t;
			}
			uint32_t lo = a > from ? a : from, hi = b < to - 1 ? b : to - 1;
			if (lo <= hi)
				ranges_add(out, lo, hi);
		}
		from = to + 1;
	}
}

void imapd_box_forget(struct imap_session *s)
{
	free(s->box.gone);
	s->box.gone = NULL;
	s->box.ngone = 0;
}

void imapd_vanished_since(struct imap_session *s, uint64_t modseq,
			  const struct frankd_imap_seqset *set)
{
	struct frankd_mailbox now; /* its list of the expunged, as of now */
	struct lib_err err;
	if (frankd_mailbox_load(s->box.path, &now, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		return;
	}
	const struct frankd_mailbox *b = &now;
	struct uid_ranges u = { NULL, 0 };
	if (modseq < b->forgotten) {
		absent_uids(s, set, &u);
	} else {
		uint32_t star = uid_star(s);
		for (size_t i = 0; i < b->ngone; i++)
			if (b->gone[i].modseq > modseq &&
			    (!set || frankd_imap_seqset_has(set, b->gone[i].uid, star)) &&
			    frankd_mailbox_find(&s->box, b->gone[i].uid) < 0)
				ranges_add(&u, b->gone[i].uid, b->gone[i].uid);
	}
	ranges_tell(s, &u);
	free(u.r);
	frankd_mailbox_release(&now);
}

void imapd_qresync(struct imap_session *s, const struct frankd_imap_select_params *p)
{
	if (p->uidvalidity != s->box.uidvalidity)
		return; /* the client's UIDs mean nothing here: a full sync */
	imapd_vanished_since(s, p->modseq, p->known_uids.count ? &p->known_uids : NULL);
	for (size_t i = 0; i < s->box.count; i++) {
		const struct frankd_mailbox_msg *m = &s->box.msgs[i];
		if (m->modseq <= p->modseq)
			continue;
		struct lib_buf line = LIB_BUF_INIT;
		lib_buf_printf(&line, "* %zu FETCH (UID %u FLAGS (", i + 1, m->uid);
		imapd_flags_format(&s->box, m, &line);
		lib_buf_putc(&line, ')');
		imapd_modseq_item(m, &line);
		lib_buf_putc(&line, ')');
		imapd_reply(s, "%s", line.data);
		lib_buf_release(&line);
	}
}

void imapd_flags_tell(struct imap_session *s, int force)
{
	if (!force && s->box.keywords.count <= s->flags_told)
		return;
	struct lib_buf names = LIB_BUF_INIT;
	imapd_flag_names(&s->box, &names);
	imapd_reply(s, "* FLAGS (%s)", names.data);
	/* \\*: any keyword may be made (until the folder has its 26) */
	imapd_reply(s, "* OK [PERMANENTFLAGS (%s%s)] Flags", s->read_only ? "" : names.data,
		    s->read_only || s->box.keywords.count >= FRANKD_KEYWORDS_MAX ? "" : " \\*");
	lib_buf_release(&names);
	s->flags_told = s->box.keywords.count;
}
