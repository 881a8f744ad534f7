/* imapd_modseq.c: the arguments CONDSTORE and QRESYNC add to FETCH, STORE
 * and SELECT (RFC 7162; the grammar is in frankd.h), pure functions over
 * the command's tokens.  Each modifier may come once. */
#include "frankd.h"

#include <string.h>
#include <strings.h>

int frankd_imap_modseq_parse(const char *text, int zero_ok, uint64_t *out)
{
	uint64_t v = 0;
	size_t len = strlen(text);
	if (len == 0 || len > 19 || (text[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	if (v > FRANKD_MODSEQ_MAX || (v == 0 && !zero_ok))
		return -1;
	*out = v;
	return 0;
}

static int is_atom(const struct frankd_imap_token *t, const char *name)
{
	return t->kind == FRANKD_IMAP_ATOM && (!name || strcasecmp(t->text, name) == 0);
}

/* The list between the parentheses: "CHANGEDSINCE n", "VANISHED" (fetch)
 * or "UNCHANGEDSINCE n" (store). */
static int modifiers(const struct frankd_imap_token *t, size_t n, int fetch,
		     struct frankd_imap_modifiers *mods, const char **error)
{
	memset(mods, 0, sizeof *mods);
	if (n == 0)
		return *error = "Empty modifier list", -1;
	for (size_t i = 0; i < n; i++) {
		if (fetch && is_atom(&t[i], "VANISHED") && !mods->vanished) {
			mods->vanished = 1;
			continue;
		}
		int changed = fetch && is_atom(&t[i], "CHANGEDSINCE") && !mods->changedsince_set;
		int unchanged = !fetch && is_atom(&t[i], "UNCHANGEDSINCE") &&
				!mods->unchangedsince_set;
		if (!changed && !unchanged)
			return *error = fetch ? "Unknown FETCH modifier" : "Unknown STORE modifier", -1;
		if (i + 1 == n || !is_atom(&t[i + 1], NULL) ||
		    frankd_imap_modseq_parse(t[i + 1].text, 1,
					     changed ? &mods->changedsince : &mods->unchangedsince) < 0)
			return *error = "Bad mod-sequence", -1;
		if (changed)
			mods->changedsince_set = 1;
		else
			mods->unchangedsince_set = 1;
		i++;
	}
	if (mods->vanished && !mods->changedsince_set)
		return *error = "VANISHED without CHANGEDSINCE", -1;
	return 0;
}

int frankd_imap_fetch_modifiers_parse(const struct frankd_imap_token *tokens, size_t n,
				      size_t *items, struct frankd_imap_modifiers *mods,
				      const char **error)
{
	memset(mods, 0, sizeof *mods);
	*items = n;
	if (n < 2 || tokens[n - 1].kind != FRANKD_IMAP_RPAREN)
		return 0;
	/* the "(" that closes last: the attributes' own list when it is first */
	size_t open = n - 1;
	int depth = 0;
	for (;;) {
		if (tokens[open].kind == FRANKD_IMAP_RPAREN)
			depth++;
		else if (tokens[open].kind == FRANKD_IMAP_LPAREN && --depth == 0)
			break;
		if (open == 0)
			return *error = "Unbalanced parenthesis", -1;
		open--;
	}
	if (open == 0)
		return 0;
	*items = open;
	return modifiers(tokens + open + 1, n - open - 2, 1, mods, error);
}

int frankd_imap_store_modifiers_parse(const struct frankd_imap_token *tokens, size_t n,
				      size_t *used, struct frankd_imap_modifiers *mods,
				      const char **error)
{
	memset(mods, 0, sizeof *mods);
	*used = 0;
	if (n == 0 || tokens[0].kind != FRANKD_IMAP_LPAREN)
		return 0;
	size_t close = 1;
	while (close < n && tokens[close].kind != FRANKD_IMAP_RPAREN) {
		if (tokens[close].kind == FRANKD_IMAP_LPAREN)
			return *error = "Bad STORE modifier", -1;
		close++;
	}
	if (close == n)
		return *error = "Unbalanced parenthesis", -1;
	*used = close + 1;
	return modifiers(tokens + 1, close - 1, 0, mods, error);
}

void frankd_imap_select_params_release(struct frankd_imap_select_params *p)
{
	frankd_imap_seqset_release(&p->known_uids);
	frankd_imap_seqset_release(&p->match_seqs);
	frankd_imap_seqset_release(&p->match_uids);
	memset(p, 0, sizeof *p);
}

/* A set atom (no "*": the client says what it knows). */
static int known_set(const struct frankd_imap_token *t, struct frankd_imap_seqset *set)
{
	if (!is_atom(t, NULL) || strchr(t->text, '*') || frankd_imap_seqset_parse(t->text, set) < 0)
		return -1;
	return 0;
}

/* "(" uidvalidity SP modseq [SP known-uids] [SP "(" seqs SP uids ")"] ")" */
static int qresync_parse(const struct frankd_imap_token *t, size_t n,
			 struct frankd_imap_select_params *p)
{
	uint64_t v;
	if (n < 4 || t[0].kind != FRANKD_IMAP_LPAREN || t[n - 1].kind != FRANKD_IMAP_RPAREN ||
	    !is_atom(&t[1], NULL) || frankd_imap_modseq_parse(t[1].text, 0, &v) < 0 ||
	    v > UINT32_MAX || !is_atom(&t[2], NULL) ||
	    frankd_imap_modseq_parse(t[2].text, 0, &p->modseq) < 0)
		return -1;
	p->uidvalidity = (uint32_t)v;
	size_t i = 3, end = n - 1;
	if (i < end && t[i].kind == FRANKD_IMAP_ATOM && known_set(&t[i++], &p->known_uids) < 0)
		return -1;
	if (i < end) {
		if (end - i != 4 || t[i].kind != FRANKD_IMAP_LPAREN ||
		    t[i + 3].kind != FRANKD_IMAP_RPAREN || known_set(&t[i + 1], &p->match_seqs) < 0 ||
		    known_set(&t[i + 2], &p->match_uids) < 0)
			return -1;
	}
	return 0;
}

int frankd_imap_select_params_parse(const struct frankd_imap_token *tokens, size_t n,
				    struct frankd_imap_select_params *p, const char **error)
{
	memset(p, 0, sizeof *p);
	if (n == 0)
		return 0;
	if (n < 3 || tokens[0].kind != FRANKD_IMAP_LPAREN || tokens[n - 1].kind != FRANKD_IMAP_RPAREN)
		return *error = "Syntax: SELECT folder [(CONDSTORE) or (QRESYNC (...))]", -1;
	const struct frankd_imap_token *t = tokens + 1;
	size_t m = n - 2;
	if (m == 1 && is_atom(&t[0], "CONDSTORE")) {
		p->condstore = 1;
		return 0;
	}
	if (m >= 2 && is_atom(&t[0], "QRESYNC") && qresync_parse(t + 1, m - 1, p) == 0) {
		p->qresync = p->condstore = 1;
		return 0;
	}
	frankd_imap_select_params_release(p);
	return *error = "Bad SELECT parameters: (CONDSTORE) or (QRESYNC (uidvalidity modseq "
			"[known-uids] [(seqs uids)]))", -1;
}
