/* dmarc.c: DMARC evaluation (RFC 9989 5.3): the author domain from From,
 * policy discovery, the policy that applies (p, sp or np), identifier
 * alignment of the SPF and DKIM results given, and the verdict with its
 * evidence.  Pure: DNS answers come from the cache (see auth.h). */
#include "dmarc_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *auth_dmarc_result_str(enum auth_dmarc_result result)
{
	switch (result) {
	case AUTH_DMARC_NONE: return "none";
	case AUTH_DMARC_PASS: return "pass";
	case AUTH_DMARC_FAIL: return "fail";
	case AUTH_DMARC_TEMPERROR: return "temperror";
	case AUTH_DMARC_PERMERROR: return "permerror";
	}
	return "?";
}

static void set_reason(struct auth_dmarc_verdict *v, enum auth_dmarc_result result, char *reason)
{
	v->result = result;
	free(v->reason);
	v->reason = reason;
}

/* --- the author domain (RFC 9989 5.3.1) ------------------------------------ */

static void add_author(struct auth_dmarc_verdict *v, const char *domain)
{
	v->author_domains = lib_xrealloc(v->author_domains,
					 (v->author_count + 1) * sizeof *v->author_domains);
	v->author_domains[v->author_count++] = lib_xstrdup(domain);
}

/* "a, b, c" of the author domains, for a reason. */
static char *join_authors(const struct auth_dmarc_verdict *v)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < v->author_count && i < 8; i++)
		lib_buf_printf(&b, "%s%s", i ? ", " : "", v->author_domains[i]);
	if (v->author_count > 8)
		lib_buf_puts(&b, ", ...");
	return lib_buf_take(&b);
}

/* Sets v->author_domain, or the permerror saying why there is not exactly
 * one: no From field, several, a field that is not an address list, or
 * one with no mailbox or several (however many domains they share). */
static int find_author(const struct auth_dmarc_input *in, struct auth_dmarc_verdict *v)
{
	struct lib_err err = { "" };
	int bad = 0;
	for (size_t i = 0; i < in->from_count; i++) {
		struct auth_address_list list;
		const char *value = in->from[i] ? in->from[i] : "";
		if (auth_address_parse(value, strlen(value), &list, &err) < 0) {
			bad = 1;
			continue;
		}
		for (size_t k = 0; k < list.count; k++)
			add_author(v, list.domains[k]);
		auth_address_list_release(&list);
	}
	if (in->from_count == 0) {
		set_reason(v, AUTH_DMARC_PERMERROR, lib_xstrdup("the message has no From field"));
	} else if (in->from_count > 1) {
		char *list = join_authors(v);
		set_reason(v, AUTH_DMARC_PERMERROR,
			   lib_xasprintf("the message has %zu From fields%s%s", in->from_count,
					 *list ? ": " : "", list));
		free(list);
	} else if (bad) {
		set_reason(v, AUTH_DMARC_PERMERROR, lib_xasprintf("From: %s", err.msg));
	} else if (v->author_count == 0) {
		set_reason(v, AUTH_DMARC_PERMERROR, lib_xstrdup("From holds no mailbox"));
	} else if (v->author_count > 1) {
		char *list = join_authors(v);
		set_reason(v, AUTH_DMARC_PERMERROR,
			   lib_xasprintf("From holds %zu mailboxes: %s", v->author_count, list));
		free(list);
	} else {
		v->author_domain = v->author_domains[0];
		return 0;
	}
	return -1;
}

/* --- the policy (RFC 9989 4.10.1) ------------------------------------------- */

/* The record that applies: the author domain's, else the organizational
 * domain's, else the public suffix domain's (the psd=y record). */
static const struct dmarc_found *policy_record(const struct dmarc_walk *w)
{
	if (w->found_count == 0)
		return NULL;
	if (w->start_found)
		return &w->found[0];
	for (size_t i = 0; i < w->found_count; i++)
		if (w->pub.org_domain && strcasecmp(w->found[i].domain, w->pub.org_domain) == 0)
			return &w->found[i];
	for (size_t i = 0; i < w->found_count; i++)
		if (w->found[i].kind == FOUND_RECORD && w->found[i].rec.psd == AUTH_DMARC_PSD_Y)
			return &w->found[i];
	return &w->found[w->found_count - 1];
}

static enum auth_dmarc_policy one_level_lower(enum auth_dmarc_policy p)
{
	return p == AUTH_DMARC_POLICY_REJECT ? AUTH_DMARC_POLICY_QUARANTINE : AUTH_DMARC_POLICY_NONE;
}

/* p for the author domain's own record; for a parent's, sp if the author
 * domain exists and np if not (each falling back to p).  The existence
 * probe runs only when np is written and would change the answer. */
static enum dmarc_step choose_policy(struct dmarc_ctx *c, const struct auth_dmarc_input *in,
				     struct auth_dmarc_verdict *v, char **temperror)
{
	const struct auth_dmarc_record *r = &v->parsed;
	v->author_exists = 1;
	if (strcasecmp(v->policy_domain, v->author_domain) == 0) {
		v->published = r->p;
		v->policy_tag = "p";
	} else {
		enum auth_dmarc_policy existing = r->has_sp ? r->sp : r->p;
		v->published = existing;
		v->policy_tag = r->has_sp ? "sp" : "p";
		if (r->has_np && r->np != existing) {
			int exists;
			if (dmarc_domain_exists(c, v->author_domain, &exists, temperror) == DM_NEED)
				return DM_NEED;
			if (exists < 0)
				return DM_OK;
			v->author_exists = exists;
			if (!exists) {
				v->published = r->np;
				v->policy_tag = "np";
			}
		}
	}
	v->has_policy = 1;
	v->policy = v->published;
	if (r->testing || (in->method == AUTH_DMARC_PSL && r->has_pct && r->pct < 100))
		v->policy = one_level_lower(v->published);
	return DM_OK;
}

/* Finds the record; returns DM_OK with the result set when DMARC stops
 * here (none, temperror, permerror). */
static enum dmarc_step discover(struct dmarc_ctx *c, const struct auth_dmarc_input *in,
				struct auth_dmarc_verdict *v, struct dmarc_walk *w)
{
	enum dmarc_step step = in->method == AUTH_DMARC_PSL
				       ? dmarc_psl_discover(c, v->author_domain, in->psl, w)
				       : dmarc_tree_walk(c, v->author_domain, w);
	if (step == DM_NEED)
		return DM_NEED;
	const struct dmarc_found *f = policy_record(w);
	if (w->temperror && (!f || !w->start_found)) {
		set_reason(v, AUTH_DMARC_TEMPERROR, lib_xstrdup(w->temperror));
		return DM_OK;
	}
	if (!f) {
		set_reason(v, AUTH_DMARC_NONE,
			   lib_xasprintf("no DMARC record for %s or its parents", v->author_domain));
		return DM_OK;
	}
	v->policy_domain = lib_xstrdup(f->domain);
	v->record = lib_xstrdup(f->text);
	if (f->kind == FOUND_INVALID) {
		set_reason(v, AUTH_DMARC_PERMERROR, lib_xstrdup(f->why));
		return DM_OK;
	}
	v->parsed = f->rec;
	v->parsed.rua = f->rec.rua ? lib_xstrdup(f->rec.rua) : NULL;
	v->parsed.ruf = f->rec.ruf ? lib_xstrdup(f->rec.ruf) : NULL;
	v->parsed.fo = f->rec.fo ? lib_xstrdup(f->rec.fo) : NULL;
	v->has_record = 1;
	if (!v->parsed.usable)
		set_reason(v, AUTH_DMARC_NONE,
			   lib_xasprintf("the record at _dmarc.%s has no valid p= (or a bad sp= or "
					 "np=) and no rua=: DMARC does not apply", f->domain));
	return DM_OK;
}

/* --- alignment (RFC 9989 4.4, 4.10.2) ----------------------------------------- */

static int is_pass(const char *result)
{
	return result && strcasecmp(result, "pass") == 0;
}

static const char *top_label(const char *domain)
{
	const char *dot = strrchr(domain, '.');
	return dot ? dot + 1 : domain;
}

/* What the alignment checks share: DNS, the inputs, the verdict so far. */
struct align_ctx {
	struct dmarc_ctx *c;
	const struct auth_dmarc_input *in;
	struct auth_dmarc_verdict *v;
	int temp;  /* a needed walk failed temporarily */
};

/* Relaxed alignment of a passing identifier that differs from the author
 * domain: the same organizational domain (RFC 9989 3.2.10.1). */
static enum dmarc_step align_relaxed(struct align_ctx *a, struct auth_dmarc_alignment *al)
{
	const char *author_org = a->v->org_domain;
	if (strcasecmp(top_label(al->domain), top_label(a->v->author_domain)) != 0) {
		al->why = lib_xasprintf("%s and %s share no parent domain", al->domain,
					a->v->author_domain);
		return DM_OK;
	}
	if (a->in->method == AUTH_DMARC_PSL) {
		al->walk.start = lib_xstrdup(al->domain);
		al->walk.org_domain = dmarc_psl_org(a->in->psl, al->domain);
		al->walk.org_why = lib_xstrdup("the public suffix list");
	} else {
		struct dmarc_walk w;
		if (dmarc_tree_walk(a->c, al->domain, &w) == DM_NEED) {
			dmarc_walk_release(&w);
			return DM_NEED;
		}
		al->walk = w.pub;
		memset(&w.pub, 0, sizeof w.pub);
		if (w.temperror) {
			al->why = lib_xasprintf("organizational domain unknown: %s", w.temperror);
			a->temp = 1;
		}
		dmarc_walk_release(&w);
		if (al->why)
			return DM_OK;
	}
	if (!author_org) {
		al->why = lib_xasprintf("organizational domain of %s unknown", a->v->author_domain);
		a->temp = 1;
		return DM_OK;
	}
	al->aligned = strcasecmp(al->walk.org_domain, author_org) == 0;
	al->why = lib_xasprintf("relaxed: organizational domain %s %s %s", al->walk.org_domain,
				al->aligned ? "is" : "is not", author_org);
	return DM_OK;
}

/* Fills al for one identifier (SPF's or a DKIM signature's). */
static enum dmarc_step align_one(struct align_ctx *a, struct auth_dmarc_alignment *al,
				 const char *result, const char *domain,
				 enum auth_dmarc_align_mode mode)
{
	struct lib_err err = { "" };
	al->result = lib_xstrdup(result ? result : "none");
	al->mode = mode;
	if (!is_pass(result)) {
		al->why = lib_xasprintf("%s: authenticates nothing", al->result);
		return DM_OK;
	}
	al->domain = domain ? auth_address_domain_to_ascii(domain, strlen(domain), &err) : NULL;
	if (!al->domain) {
		al->why = lib_xasprintf("not a domain name: %s", domain ? err.msg : "none given");
		return DM_OK;
	}
	if (strcasecmp(al->domain, a->v->author_domain) == 0) {
		al->aligned = 1;
		al->why = lib_xasprintf("%s: the From domain itself", auth_dmarc_align_mode_str(mode));
		return DM_OK;
	}
	if (mode == AUTH_DMARC_STRICT) {
		al->why = lib_xasprintf("strict: %s is not %s", al->domain, a->v->author_domain);
		return DM_OK;
	}
	return align_relaxed(a, al);
}

static enum dmarc_step align_all(struct align_ctx *a)
{
	const struct auth_dmarc_input *in = a->in;
	struct auth_dmarc_verdict *v = a->v;
	if (in->spf.result) {
		v->spf.helo = in->spf.helo;
		if (align_one(a, &v->spf, in->spf.result, in->spf.domain, v->parsed.aspf) == DM_NEED)
			return DM_NEED;
	}
	for (size_t i = 0; i < v->dkim_count; i++) {
		const struct auth_dmarc_dkim *d = &in->dkim[i];
		struct auth_dmarc_alignment *al = &v->dkim[i];
		al->selector = d->selector ? lib_xstrdup(d->selector) : NULL;
		if (align_one(a, al, d->result, d->domain, v->parsed.adkim) == DM_NEED)
			return DM_NEED;
	}
	return DM_OK;
}

/* --- the verdict ------------------------------------------------------------ */

static void settle(struct align_ctx *a, char *probe_temperror)
{
	struct auth_dmarc_verdict *v = a->v;
	const struct auth_dmarc_alignment *hit = v->spf.aligned ? &v->spf : NULL;
	const char *method = "SPF";
	for (size_t i = 0; !hit && i < v->dkim_count; i++)
		if (v->dkim[i].aligned)
			hit = &v->dkim[i], method = "DKIM";
	if (hit) {
		set_reason(v, AUTH_DMARC_PASS,
			   lib_xasprintf("%s %s aligns with %s (%s)", method, hit->domain,
					 v->author_domain, auth_dmarc_align_mode_str(hit->mode)));
	} else if (probe_temperror || a->temp) {
		/* without a pass, the failed answer might have changed the verdict */
		set_reason(v, AUTH_DMARC_TEMPERROR,
			   probe_temperror ? lib_xstrdup(probe_temperror)
					   : lib_xstrdup("an organizational domain is unknown"));
		v->has_policy = 0;
	} else {
		set_reason(v, AUTH_DMARC_FAIL,
			   lib_xasprintf("no SPF or DKIM pass aligns with %s; policy of %s (%s=%s)",
					 v->author_domain, v->policy_domain, v->policy_tag,
					 auth_dmarc_policy_str(v->published)));
	}
}

static enum dmarc_step evaluate(struct dmarc_ctx *c, const struct auth_dmarc_input *in,
				struct auth_dmarc_verdict *v)
{
	if (find_author(in, v) < 0)
		return DM_OK;
	v->psl_org_domain = auth_dmarc_psl_org_domain(in->psl, v->author_domain);
	struct dmarc_walk w;
	enum dmarc_step step = discover(c, in, v, &w);
	if (step == DM_OK) {
		v->author_walk = w.pub;
		memset(&w.pub, 0, sizeof w.pub);
		v->org_domain = v->author_walk.org_domain ? lib_xstrdup(v->author_walk.org_domain)
							  : NULL;
	}
	dmarc_walk_release(&w);
	if (step == DM_NEED || v->reason)
		return step;

	char *probe_temperror = NULL;
	if (choose_policy(c, in, v, &probe_temperror) == DM_NEED)
		return DM_NEED;
	struct align_ctx a = { c, in, v, 0 };
	step = align_all(&a);
	if (step == DM_OK)
		settle(&a, probe_temperror);
	free(probe_temperror);
	return step;
}

static struct auth_dmarc_verdict *verdict_new(const struct auth_dmarc_input *in)
{
	struct auth_dmarc_verdict *v = lib_xcalloc(1, sizeof *v);
	v->method = in->method;
	v->parsed.pct = 100;
	v->dkim_count = in->dkim_count;
	v->dkim = in->dkim_count ? lib_xcalloc(in->dkim_count, sizeof *v->dkim) : NULL;
	return v;
}

enum auth_step auth_dmarc_evaluate(const struct auth_dmarc_input *in,
				   const struct auth_dns_cache *cache,
				   struct auth_dmarc_verdict **out, struct auth_dns_need *need)
{
	struct dmarc_ctx c = { cache, need, { NULL, 0 } };
	struct auth_dmarc_verdict *v = verdict_new(in);
	enum dmarc_step step = evaluate(&c, in, v);
	if (step == DM_NEED) {
		dmarc_names_release(&c.queries);
		auth_dmarc_verdict_free(v);
		*out = NULL;
		return AUTH_NEED_DNS;
	}
	dmarc_names_move(&c.queries, &v->queries, &v->query_count);
	*out = v;
	return AUTH_DONE;
}

static void alignment_release(struct auth_dmarc_alignment *al)
{
	free(al->result);
	free(al->domain);
	free(al->selector);
	free(al->why);
	auth_dmarc_walk_release(&al->walk);
}

void auth_dmarc_verdict_free(struct auth_dmarc_verdict *v)
{
	if (!v)
		return;
	free(v->reason);
	for (size_t i = 0; i < v->author_count; i++)
		free(v->author_domains[i]);
	free(v->author_domains);
	auth_dmarc_walk_release(&v->author_walk);
	free(v->policy_domain);
	free(v->record);
	auth_dmarc_record_release(&v->parsed);
	free(v->org_domain);
	free(v->psl_org_domain);
	alignment_release(&v->spf);
	for (size_t i = 0; i < v->dkim_count; i++)
		alignment_release(&v->dkim[i]);
	free(v->dkim);
	for (size_t i = 0; i < v->query_count; i++)
		free(v->queries[i]);
	free(v->queries);
	free(v);
}
