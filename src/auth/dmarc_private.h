/* dmarc_private.h: what the DMARC files of src/auth share (private). */
#ifndef FRANK_DMARC_PRIVATE_H
#define FRANK_DMARC_PRIVATE_H

#include "auth.h"

/* How a step that reads DNS ended. */
enum dmarc_step {
	DM_OK = 0,   /* done (possibly with a temporary failure recorded) */
	DM_NEED = 1, /* an answer is missing: *need is set */
};

/* A list of names, each once, in the order first added (the evidence). */
struct dmarc_names {
	char **names;
	size_t count;
};
void dmarc_names_add(struct dmarc_names *list, const char *name);
void dmarc_names_release(struct dmarc_names *list);

/* One evaluation's access to DNS: the cache, where to say what is
 * missing, and every query consulted. */
struct dmarc_ctx {
	const struct auth_dns_cache *cache;
	struct auth_dns_need *need;
	struct dmarc_names queries; /* "name TYPE" */
};

/* What _dmarc.<domain> holds. */
enum dmarc_found_kind {
	FOUND_NONE = 0,    /* no DMARC record (none, or several: all discarded) */
	FOUND_RECORD = 1,  /* one record, parsed */
	FOUND_INVALID = 2, /* one record beginning v=DMARC1 but malformed */
	FOUND_TEMP = 3,    /* the answer was a temporary failure */
};

struct dmarc_found {
	enum dmarc_found_kind kind;
	char *domain;
	char *text;    /* RECORD, INVALID: the record */
	char *why;     /* INVALID, TEMP, and NONE for several records: one line */
	struct auth_dmarc_record rec; /* RECORD */
};
void dmarc_found_release(struct dmarc_found *found);

/* Looks up _dmarc.<domain> (TXT). */
enum dmarc_step dmarc_lookup(struct dmarc_ctx *c, const char *domain, struct dmarc_found *found);

/* A tree walk or PSL discovery, with the records it found (longest name
 * first) and the public summary. */
#define DMARC_WALK_MAX 8 /* RFC 9989 4.10: at most eight queries */
struct dmarc_walk {
	struct auth_dmarc_walk pub;
	struct dmarc_found found[DMARC_WALK_MAX];
	size_t found_count;
	int start_found;  /* found[0] is the start domain's record */
	char *temperror;  /* set when a temporary failure stopped the walk */
};
void dmarc_walk_release(struct dmarc_walk *w);

/* RFC 9989 4.10 from start, choosing pub.org_domain by 4.10.2. */
enum dmarc_step dmarc_tree_walk(struct dmarc_ctx *c, const char *start, struct dmarc_walk *w);
/* RFC 7489 6.6.3: start, then its PSL organizational domain. */
enum dmarc_step dmarc_psl_discover(struct dmarc_ctx *c, const char *start,
				   const struct auth_dmarc_psl *psl, struct dmarc_walk *w);
/* The organizational domain of domain by the PSL (itself when it is a
 * public suffix).  Caller frees. */
char *dmarc_psl_org(const struct auth_dmarc_psl *psl, const char *domain);

/* Whether domain exists (RFC 9989 3.2.13): NXDOMAIN for A, AAAA and MX.
 * *exists: 1, 0, or -1 after a temporary failure (why in *temperror). */
enum dmarc_step dmarc_domain_exists(struct dmarc_ctx *c, const char *domain, int *exists,
				    char **temperror);

/* Moves a string list into a public array. */
void dmarc_names_move(struct dmarc_names *from, char ***names, size_t *count);

#endif
