/* dmarc_walk.c: finding DMARC records and organizational domains in the
 * DNS answers of an evaluation: the RFC 9989 4.10 tree walk, the RFC 7489
 * 6.6.3 PSL look-up, and the existence probe behind np=.  Every answer is
 * read from the cache; a missing one stops the step with DM_NEED. */
#include "dmarc_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DNS_NAME_MAX 253

void dmarc_names_add(struct dmarc_names *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcasecmp(list->names[i], name) == 0)
			return;
	list->names = lib_xrealloc(list->names, (list->count + 1) * sizeof *list->names);
	list->names[list->count++] = lib_xstrdup(name);
}

void dmarc_names_release(struct dmarc_names *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

void dmarc_names_move(struct dmarc_names *from, char ***names, size_t *count)
{
	*names = from->names;
	*count = from->count;
	from->names = NULL;
	from->count = 0;
}

/* The answer for (name, type), noted in the evidence; NULL when the cache
 * does not have it yet, with *need set. */
static const struct net_dns_answer *ask(struct dmarc_ctx *c, const char *name,
					enum net_dns_type type)
{
	const struct net_dns_answer *a = auth_dns_cache_get(c->cache, name, type);
	if (!a) {
		snprintf(c->need->name, sizeof c->need->name, "%s", name);
		c->need->type = type;
		return NULL;
	}
	char line[AUTH_DNS_NAME_MAX + 16];
	snprintf(line, sizeof line, "%s %s", name, net_dns_type_str(type));
	dmarc_names_add(&c->queries, line);
	return a;
}

/* A temporary failure, or a DNSSEC-bogus answer, as one line. */
static char *temp_failure(const struct net_dns_answer *a)
{
	return lib_xasprintf("%s %s: %s%s%s", a->qname, net_dns_type_str(a->qtype),
			     a->bogus ? "DNSSEC validation failed" : net_dns_rcode_words(a->rcode),
			     a->why ? ": " : "", a->why ? a->why : "");
}

void dmarc_found_release(struct dmarc_found *found)
{
	free(found->domain);
	free(found->text);
	free(found->why);
	auth_dmarc_record_release(&found->rec);
	memset(found, 0, sizeof *found);
}

/* Of the TXT records, the one DMARC record (RFC 9989 4.10 steps 2 and 6:
 * records not beginning v=DMARC1 are dropped; several DMARC records are
 * all dropped). */
static void classify_txt(const struct net_dns_answer *a, struct dmarc_found *f)
{
	size_t dmarc = 0, which = 0;
	for (size_t i = 0; i < a->count; i++) {
		struct auth_dmarc_record rec;
		struct lib_err err;
		const struct net_dns_record *r = &a->records[i];
		if (auth_dmarc_record_parse(r->text, r->text_len, &rec, &err) !=
		    AUTH_DMARC_RECORD_NOT_DMARC) {
			dmarc++;
			which = i;
		}
		auth_dmarc_record_release(&rec);
	}
	if (dmarc == 0)
		return;
	if (dmarc > 1) {
		f->why = lib_xasprintf("%zu DMARC records at _dmarc.%s: all ignored", dmarc, f->domain);
		return;
	}
	const struct net_dns_record *r = &a->records[which];
	struct lib_err err = { "" };
	f->text = lib_xstrndup(r->text, r->text_len);
	if (auth_dmarc_record_parse(r->text, r->text_len, &f->rec, &err) == AUTH_DMARC_RECORD_OK) {
		f->kind = FOUND_RECORD;
	} else {
		f->kind = FOUND_INVALID;
		f->why = lib_xasprintf("record at _dmarc.%s: %s", f->domain, err.msg);
	}
}

enum dmarc_step dmarc_lookup(struct dmarc_ctx *c, const char *domain, struct dmarc_found *f)
{
	memset(f, 0, sizeof *f);
	f->domain = lib_xstrdup(domain);
	char name[AUTH_DNS_NAME_MAX + 8];
	snprintf(name, sizeof name, "_dmarc.%s", domain);
	if (strlen(name) > DNS_NAME_MAX)
		return DM_OK; /* no such name can exist */
	const struct net_dns_answer *a = ask(c, name, NET_DNS_TXT);
	if (!a)
		return DM_NEED;
	if (a->rcode == NET_DNS_TEMPFAIL || a->bogus) {
		f->kind = FOUND_TEMP;
		f->why = temp_failure(a);
	} else if (a->rcode == NET_DNS_ANSWER) {
		classify_txt(a, f);
	}
	return DM_OK;
}

void dmarc_walk_release(struct dmarc_walk *w)
{
	auth_dmarc_walk_release(&w->pub);
	for (size_t i = 0; i < w->found_count; i++)
		dmarc_found_release(&w->found[i]);
	free(w->temperror);
	memset(w, 0, sizeof *w);
}

/* Queries _dmarc.<domain> for the walk.  Returns DM_NEED, or DM_OK with
 * *stop set when the walk must end here (a psd= tag, or a failure). */
static enum dmarc_step walk_query(struct dmarc_ctx *c, struct dmarc_walk *w, const char *domain,
				  int *stop)
{
	struct dmarc_found f;
	char name[AUTH_DNS_NAME_MAX + 8];
	snprintf(name, sizeof name, "_dmarc.%s", domain);
	if (dmarc_lookup(c, domain, &f) == DM_NEED) {
		dmarc_found_release(&f);
		return DM_NEED;
	}
	w->pub.queried = lib_xrealloc(w->pub.queried, (w->pub.query_count + 1) * sizeof(char *));
	w->pub.queried[w->pub.query_count++] = lib_xstrdup(name);
	*stop = 0;
	if (f.kind == FOUND_TEMP) {
		w->temperror = f.why;
		f.why = NULL;
		*stop = 1;
	} else if (f.kind != FOUND_NONE && w->found_count < DMARC_WALK_MAX) {
		*stop = f.kind == FOUND_RECORD && f.rec.psd != AUTH_DMARC_PSD_U;
		w->found[w->found_count++] = f;
		return DM_OK;
	}
	dmarc_found_release(&f);
	return DM_OK;
}

static size_t count_labels(const char *domain)
{
	size_t n = 1;
	for (const char *p = domain; *p; p++)
		n += *p == '.';
	return n;
}

/* The last n labels of domain. */
static const char *last_labels(const char *domain, size_t n)
{
	size_t skip = count_labels(domain) - n;
	const char *p = domain;
	while (skip--)
		p = strchr(p, '.') + 1;
	return p;
}

/* RFC 9989 4.10.2: the organizational domain from the records found,
 * longest name first. */
static void choose_org_domain(struct dmarc_walk *w, const char *start)
{
	for (size_t i = 0; i < w->found_count; i++) {
		const struct dmarc_found *f = &w->found[i];
		if (f->kind != FOUND_RECORD)
			continue;
		if (f->rec.psd == AUTH_DMARC_PSD_N) {
			w->pub.org_domain = lib_xstrdup(f->domain);
			w->pub.org_why = lib_xasprintf("psd=n at _dmarc.%s", f->domain);
			return;
		}
		if (f->rec.psd == AUTH_DMARC_PSD_Y && strcasecmp(f->domain, start) != 0) {
			size_t n = count_labels(f->domain) + 1;
			w->pub.org_domain = lib_xstrdup(last_labels(start, n));
			w->pub.org_why = lib_xasprintf("one label below the public suffix domain %s "
						       "(psd=y)", f->domain);
			return;
		}
	}
	if (w->found_count) {
		const struct dmarc_found *f = &w->found[w->found_count - 1];
		w->pub.org_domain = lib_xstrdup(f->domain);
		w->pub.org_why = lib_xasprintf("the DMARC record with the fewest labels, at _dmarc.%s",
					       f->domain);
		return;
	}
	w->pub.org_domain = lib_xstrdup(start);
	w->pub.org_why = lib_xstrdup("no DMARC record on the tree walk: the domain itself");
}

enum dmarc_step dmarc_tree_walk(struct dmarc_ctx *c, const char *start, struct dmarc_walk *w)
{
	memset(w, 0, sizeof *w);
	w->pub.start = lib_xstrdup(start);
	size_t labels = count_labels(start);
	size_t skip = 0; /* labels removed from the left of start */
	int stop = 0;
	for (;;) {
		if (walk_query(c, w, last_labels(start, labels - skip), &stop) == DM_NEED)
			return DM_NEED;
		if (skip == 0)
			w->start_found = w->found_count == 1;
		if (stop)
			break;
		/* step 4: from eight labels on, jump to the last seven */
		skip = (skip == 0 && labels >= 8) ? labels - 7 : skip + 1;
		if (skip >= labels)
			break;
	}
	if (w->temperror) {
		w->pub.org_why = lib_xasprintf("tree walk stopped: %s", w->temperror);
		return DM_OK;
	}
	choose_org_domain(w, start);
	return DM_OK;
}

char *dmarc_psl_org(const struct auth_dmarc_psl *psl, const char *domain)
{
	char *org = auth_dmarc_psl_org_domain(psl, domain);
	return org ? org : lib_xstrdup(domain);
}

enum dmarc_step dmarc_psl_discover(struct dmarc_ctx *c, const char *start,
				   const struct auth_dmarc_psl *psl, struct dmarc_walk *w)
{
	memset(w, 0, sizeof *w);
	w->pub.start = lib_xstrdup(start);
	char *org = dmarc_psl_org(psl, start);
	w->pub.org_domain = org;
	w->pub.org_why = strcmp(org, start) == 0
				 ? lib_xstrdup("the domain itself by the public suffix list")
				 : lib_xasprintf("the public suffix list: one label below %s",
						 strchr(org, '.') ? strchr(org, '.') + 1 : org);
	int stop = 0;
	if (walk_query(c, w, start, &stop) == DM_NEED)
		return DM_NEED;
	w->start_found = w->found_count == 1;
	if (w->temperror || w->found_count || strcmp(org, start) == 0)
		return DM_OK;
	return walk_query(c, w, org, &stop);
}

enum dmarc_step dmarc_domain_exists(struct dmarc_ctx *c, const char *domain, int *exists,
				    char **temperror)
{
	static const enum net_dns_type types[] = { NET_DNS_A, NET_DNS_AAAA, NET_DNS_MX };
	*exists = 0;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const struct net_dns_answer *a = ask(c, domain, types[i]);
		if (!a)
			return DM_NEED;
		if (a->rcode == NET_DNS_TEMPFAIL || a->bogus) {
			*exists = -1;
			*temperror = temp_failure(a);
			return DM_OK;
		}
		if (a->rcode != NET_DNS_NXDOMAIN) {
			*exists = 1;
			return DM_OK;
		}
	}
	return DM_OK;
}

void auth_dmarc_walk_release(struct auth_dmarc_walk *walk)
{
	if (!walk)
		return;
	free(walk->start);
	for (size_t i = 0; i < walk->query_count; i++)
		free(walk->queried[i]);
	free(walk->queried);
	free(walk->org_domain);
	free(walk->org_why);
	memset(walk, 0, sizeof *walk);
}

enum auth_step auth_dmarc_walk_org_domain(const char *domain, const struct auth_dns_cache *cache,
					  struct auth_dmarc_walk *walk, char **temperror,
					  struct auth_dns_need *need)
{
	struct dmarc_ctx c = { cache, need, { NULL, 0 } };
	struct dmarc_walk w;
	struct lib_err err = { "" };
	memset(walk, 0, sizeof *walk);
	*temperror = NULL;
	char *ascii = auth_address_domain_to_ascii(domain, strlen(domain), &err);
	if (!ascii) {
		walk->start = lib_xstrdup(domain);
		walk->org_why = lib_xasprintf("not a domain name: %s", err.msg);
		return AUTH_DONE;
	}
	enum dmarc_step step = dmarc_tree_walk(&c, ascii, &w);
	free(ascii);
	dmarc_names_release(&c.queries);
	if (step == DM_NEED) {
		dmarc_walk_release(&w);
		return AUTH_NEED_DNS;
	}
	*walk = w.pub;
	memset(&w.pub, 0, sizeof w.pub);
	*temperror = w.temperror;
	w.temperror = NULL;
	dmarc_walk_release(&w);
	return AUTH_DONE;
}
