/* imapd_search.c: IMAP SEARCH keys as a tree (RFC 3501 6.4.4, 9):
 *   search     = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)
 *   search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date
 *              / "BODY" SP astring / "CC" SP astring / "DELETED" / "FLAGGED"
 *              / "FROM" SP astring / "ON" SP date / "SEEN" / "SINCE" SP date
 *              / "SUBJECT" SP astring / "TEXT" SP astring / "TO" SP astring
 *              / "UNANSWERED" / "UNDELETED" / "UNFLAGGED" / "UNSEEN" / "DRAFT"
 *              / "UNDRAFT" / "HEADER" SP header-fld-name SP astring
 *              / "LARGER" SP number / "NOT" SP search-key
 *              / "OR" SP search-key SP search-key / "SMALLER" SP number
 *              / "UID" SP sequence-set / sequence-set / "(" search-key *(SP search-key) ")"
 *              / "KEYWORD" SP flag-keyword / "UNKEYWORD" SP flag-keyword
 *              / "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer
 * NEW, OLD, RECENT and the SENT* dates are not served (BAD).
 * A pure function; depth and size are bounded by the tokens. */
#include "frankd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct search_scan {
	const struct frankd_imap_token *t;
	size_t n, i;
	int depth;
	const char *error;
};

static const struct {
	const char *name;
	enum frankd_imap_search_key key;
	unsigned flag;
} flag_keys[] = {
	{ "SEEN", FRANKD_SEARCH_FLAG, FRANKD_FLAG_SEEN },
	{ "UNSEEN", FRANKD_SEARCH_UNFLAG, FRANKD_FLAG_SEEN },
	{ "FLAGGED", FRANKD_SEARCH_FLAG, FRANKD_FLAG_FLAGGED },
	{ "UNFLAGGED", FRANKD_SEARCH_UNFLAG, FRANKD_FLAG_FLAGGED },
	{ "DELETED", FRANKD_SEARCH_FLAG, FRANKD_FLAG_DELETED },
	{ "UNDELETED", FRANKD_SEARCH_UNFLAG, FRANKD_FLAG_DELETED },
	{ "ANSWERED", FRANKD_SEARCH_FLAG, FRANKD_FLAG_ANSWERED },
	{ "UNANSWERED", FRANKD_SEARCH_UNFLAG, FRANKD_FLAG_ANSWERED },
	{ "DRAFT", FRANKD_SEARCH_FLAG, FRANKD_FLAG_DRAFT },
	{ "UNDRAFT", FRANKD_SEARCH_UNFLAG, FRANKD_FLAG_DRAFT },
};

static const struct {
	const char *name;
	enum frankd_imap_search_key key;
} date_keys[] = {
	{ "BEFORE", FRANKD_SEARCH_BEFORE },
	{ "ON", FRANKD_SEARCH_ON },
	{ "SINCE", FRANKD_SEARCH_SINCE },
};

static const char *const header_keys[] = { "FROM", "TO", "CC", "BCC", "SUBJECT" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void node_release(struct frankd_imap_search *s)
{
	for (size_t i = 0; i < s->nchildren; i++)
		node_release(&s->children[i]);
	free(s->children);
	free(s->field);
	free(s->value);
	frankd_imap_seqset_release(&s->set);
}

void frankd_imap_search_free(struct frankd_imap_search *search)
{
	if (!search)
		return;
	node_release(search);
	free(search);
}

static struct frankd_imap_search *child_add(struct frankd_imap_search *parent)
{
	parent->children = lib_xrealloc(parent->children,
					(parent->nchildren + 1) * sizeof *parent->children);
	struct frankd_imap_search *c = &parent->children[parent->nchildren++];
	memset(c, 0, sizeof *c);
	return c;
}

/* The next token, which must be a string or an atom (an astring). */
static const struct frankd_imap_token *astring(struct search_scan *sc)
{
	if (sc->i == sc->n || (sc->t[sc->i].kind != FRANKD_IMAP_ATOM &&
			       sc->t[sc->i].kind != FRANKD_IMAP_STRING)) {
		sc->error = "Search key without its argument";
		return NULL;
	}
	const struct frankd_imap_token *t = &sc->t[sc->i++];
	if (strlen(t->text) != t->len) {
		sc->error = "NUL in a search string";
		return NULL;
	}
	return t;
}

static int key_parse(struct search_scan *sc, struct frankd_imap_search *node);

/* Keys up to ")" or the end, as children of node (an AND). */
static int keys_parse(struct search_scan *sc, struct frankd_imap_search *node, int in_list)
{
	node->key = FRANKD_SEARCH_AND;
	while (sc->i < sc->n && !(in_list && sc->t[sc->i].kind == FRANKD_IMAP_RPAREN))
		if (key_parse(sc, child_add(node)) < 0)
			return -1;
	if (node->nchildren == 0)
		return sc->error = "Empty search", -1;
	return 0;
}

/* RFC 7162 3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP
 * mod-sequence-valzer; entry-name is a quoted "/flags/..." and
 * entry-type-req "priv" / "shared" / "all".  frankd keeps one modseq per
 * message, so the entry only has to be well formed. */
static int modseq_key(struct search_scan *sc, struct frankd_imap_search *node)
{
	node->key = FRANKD_SEARCH_MODSEQ;
	if (sc->i < sc->n && sc->t[sc->i].kind == FRANKD_IMAP_STRING) {
		const struct frankd_imap_token *entry = &sc->t[sc->i++];
		const struct frankd_imap_token *type = astring(sc);
		if (strncasecmp(entry->text, "/flags/", 7) != 0 || !type ||
		    (strcasecmp(type->text, "priv") != 0 && strcasecmp(type->text, "shared") != 0 &&
		     strcasecmp(type->text, "all") != 0))
			return sc->error = "Bad MODSEQ entry", -1;
	}
	const struct frankd_imap_token *t = astring(sc);
	if (!t || t->kind != FRANKD_IMAP_ATOM || frankd_imap_modseq_parse(t->text, 1, &node->number) < 0)
		return sc->error = "Bad mod-sequence", -1;
	return 0;
}

static int named_key(struct search_scan *sc, struct frankd_imap_search *node, const char *name)
{
	for (size_t k = 0; k < COUNT(flag_keys); k++)
		if (strcasecmp(name, flag_keys[k].name) == 0) {
			node->key = flag_keys[k].key;
			node->flag = flag_keys[k].flag;
			return 0;
		}
	for (size_t k = 0; k < COUNT(date_keys); k++)
		if (strcasecmp(name, date_keys[k].name) == 0) {
			const struct frankd_imap_token *t = astring(sc);
			node->key = date_keys[k].key;
			if (!t || frankd_imap_date_parse(t->text, &node->day) < 0)
				return sc->error = "Bad date", -1;
			return 0;
		}
	for (size_t k = 0; k < COUNT(header_keys); k++)
		if (strcasecmp(name, header_keys[k]) == 0) {
			const struct frankd_imap_token *t = astring(sc);
			if (!t)
				return -1;
			node->key = FRANKD_SEARCH_HEADER;
			node->field = lib_xstrdup(header_keys[k]);
			node->value = lib_xstrdup(t->text);
			return 0;
		}
	if (strcasecmp(name, "HEADER") == 0) {
		const struct frankd_imap_token *f = astring(sc), *v = f ? astring(sc) : NULL;
		if (!v)
			return -1;
		node->key = FRANKD_SEARCH_HEADER;
		node->field = lib_xstrdup(f->text);
		node->value = lib_xstrdup(v->text);
		return 0;
	}
	if (strcasecmp(name, "BODY") == 0 || strcasecmp(name, "TEXT") == 0) {
		const struct frankd_imap_token *t = astring(sc);
		if (!t)
			return -1;
		node->key = strcasecmp(name, "BODY") == 0 ? FRANKD_SEARCH_BODY : FRANKD_SEARCH_TEXT;
		node->value = lib_xstrdup(t->text);
		return 0;
	}
	if (strcasecmp(name, "KEYWORD") == 0 || strcasecmp(name, "UNKEYWORD") == 0) {
		const struct frankd_imap_token *t = astring(sc);
		if (!t)
			return -1;
		node->key = name[0] == 'K' || name[0] == 'k' ? FRANKD_SEARCH_KEYWORD
							     : FRANKD_SEARCH_UNKEYWORD;
		node->value = lib_xstrdup(t->text);
		return 0;
	}
	if (strcasecmp(name, "LARGER") == 0 || strcasecmp(name, "SMALLER") == 0) {
		const struct frankd_imap_token *t = astring(sc);
		char *end;
		if (!t)
			return -1;
		node->key = name[0] == 'L' || name[0] == 'l' ? FRANKD_SEARCH_LARGER
							     : FRANKD_SEARCH_SMALLER;
		node->number = strtoull(t->text, &end, 10);
		if (t->text[0] < '0' || t->text[0] > '9' || *end || t->len > 19)
			return sc->error = "Bad number", -1;
		return 0;
	}
	if (strcasecmp(name, "MODSEQ") == 0)
		return modseq_key(sc, node);
	return sc->error = "Unknown search key", -1;
}

static int key_parse(struct search_scan *sc, struct frankd_imap_search *node)
{
	if (++sc->depth > FRANKD_IMAP_DEPTH_MAX * 4)
		return sc->error = "Search too deeply nested", -1;
	const struct frankd_imap_token *t = &sc->t[sc->i++];
	int rc;
	if (t->kind == FRANKD_IMAP_LPAREN) {
		rc = keys_parse(sc, node, 1);
		if (rc == 0 && (sc->i == sc->n || sc->t[sc->i++].kind != FRANKD_IMAP_RPAREN))
			rc = -1, sc->error = "Unbalanced parenthesis";
	} else if (t->kind != FRANKD_IMAP_ATOM) {
		rc = -1, sc->error = "Bad search key";
	} else if (strcasecmp(t->text, "ALL") == 0) {
		node->key = FRANKD_SEARCH_ALL;
		rc = 0;
	} else if (strcasecmp(t->text, "NOT") == 0 || strcasecmp(t->text, "OR") == 0) {
		int or = t->text[0] == 'O' || t->text[0] == 'o';
		node->key = or ? FRANKD_SEARCH_OR : FRANKD_SEARCH_NOT;
		rc = 0;
		for (int k = 0; k < 1 + or && rc == 0; k++)
			rc = sc->i == sc->n ? (sc->error = "NOT or OR without its key", -1)
					    : key_parse(sc, child_add(node));
	} else if (strcasecmp(t->text, "UID") == 0) {
		const struct frankd_imap_token *set = astring(sc);
		node->key = FRANKD_SEARCH_UID;
		rc = set && frankd_imap_seqset_parse(set->text, &node->set) == 0
			     ? 0
			     : (sc->error = "Bad UID set", -1);
	} else if (frankd_imap_seqset_parse(t->text, &node->set) == 0) {
		node->key = FRANKD_SEARCH_SEQSET;
		rc = 0;
	} else {
		rc = named_key(sc, node, t->text);
	}
	sc->depth--;
	return rc;
}

struct frankd_imap_search *frankd_imap_search_parse(const struct frankd_imap_token *tokens,
						    size_t n, const char **error)
{
	struct search_scan sc = { tokens, n, 0, 0, NULL };
	if (n >= 2 && tokens[0].kind == FRANKD_IMAP_ATOM &&
	    strcasecmp(tokens[0].text, "CHARSET") == 0) {
		if (strcasecmp(tokens[1].text, "UTF-8") != 0 &&
		    strcasecmp(tokens[1].text, "US-ASCII") != 0) {
			*error = "[BADCHARSET (UTF-8 US-ASCII)] Unknown charset";
			return NULL;
		}
		sc.i = 2;
	}
	struct frankd_imap_search *root = lib_xcalloc(1, sizeof *root);
	if (keys_parse(&sc, root, 0) < 0 || sc.i != n) {
		*error = sc.error ? sc.error : "Unbalanced parenthesis";
		frankd_imap_search_free(root);
		return NULL;
	}
	return root;
}
