/* spf_audit.c: an SPF record tree audited for frank dnscheck (auth.h,
 * "Domain checks"): every include and redirect followed, every
 * DNS-querying term counted, void answers and mistakes found.
 *
 * auth_spf_check (spf_eval.c) answers for one client and stops at the
 * first match, so its count is what that client cost.  The audit counts
 * what the worst client costs: each term of RFC 7208 4.6.4 that any
 * evaluation could reach, which is every include, a, mx, ptr and exists,
 * and the redirect of a record without "all" (6.1).  Like the evaluator
 * it is a pure function of the cache, restarted on a miss, with the same
 * record discovery (4.4, 4.5) and parser.  Choices:
 *  - a target with a macro depends on the sender: counted, not followed;
 *  - an "a" target is void when it has neither A nor AAAA, so a void
 *    found here is void for every client;
 *  - mx exchanges are counted (more than 10 is a permerror) but their
 *    addresses are not looked up: that costs no term;
 *  - the same include reached twice is walked twice, as evaluation would;
 *    a domain already on the path is a loop and is not. */
#include "spf_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NEED (-1)
#define SHOWN 200 /* bytes of a record or term quoted in a finding */

struct audit {
	const struct auth_dns_cache *cache;
	struct auth_dns_need *need;
	struct auth_spf_audit *out;
	const char *path[AUTH_SPF_AUDIT_MAX_DEPTH + 1];
	size_t path_len;
	size_t record_cap, finding_cap;
	int stopped; /* the lookup limit was reached: count no further */
};

/* s as a finding shows it: printable ASCII, cut at SHOWN bytes. */
static char *printable(const char *s, size_t len)
{
	size_t n = len > SHOWN ? SHOWN : len;
	char *out = lib_xmalloc(n + 4);
	for (size_t k = 0; k < n; k++)
		out[k] = s[k] >= 0x20 && s[k] < 0x7F ? s[k] : '?';
	strcpy(out + n, len > SHOWN ? "..." : "");
	return out;
}

static void add_finding(struct audit *au, enum auth_spf_finding_kind kind, const char *domain,
			const struct auth_spf_term *term, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_finding(struct audit *au, enum auth_spf_finding_kind kind, const char *domain,
			const struct auth_spf_term *term, const char *fmt, ...)
{
	struct auth_spf_audit *o = au->out;
	if (o->finding_count == au->finding_cap) {
		au->finding_cap = au->finding_cap ? au->finding_cap * 2 : 8;
		o->findings = lib_xrealloc(o->findings, au->finding_cap * sizeof *o->findings);
	}
	struct auth_spf_finding *f = &o->findings[o->finding_count++];
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f->kind = kind;
	f->domain = lib_xstrdup(domain);
	f->term = term ? printable(term->text, strlen(term->text)) : NULL;
	f->text = printable(b.data ? b.data : "", b.len);
	lib_buf_release(&b);
}

/* The cached answer, or NULL after filling the need. */
static const struct net_dns_answer *lookup(struct audit *au, const char *name,
					   enum net_dns_type type)
{
	const struct net_dns_answer *a = auth_dns_cache_get(au->cache, name, type);
	if (!a) {
		snprintf(au->need->name, sizeof au->need->name, "%s", name);
		au->need->type = type;
	}
	return a;
}

static int is_error(const struct net_dns_answer *a)
{
	return a->bogus || a->rcode == NET_DNS_TEMPFAIL;
}

static int has_records(const struct net_dns_answer *a)
{
	return !is_error(a) && a->rcode == NET_DNS_ANSWER && a->count > 0;
}

static const char *answer_why(const struct net_dns_answer *a)
{
	if (a->why)
		return a->why;
	return a->bogus ? "DNSSEC validation failed" : net_dns_rcode_words(a->rcode);
}

/* Counts a DNS-querying term; 0 when the walk must stop counting. */
static int count_term(struct audit *au)
{
	if (au->stopped)
		return 0;
	if (au->out->lookups >= AUTH_SPF_AUDIT_MAX_LOOKUPS) {
		au->stopped = 1;
		au->out->truncated = 1;
		return 0;
	}
	au->out->lookups++;
	return 1;
}

/* The target of a term: its domain-spec, or domain when it has none.
 * 0 with name set; 1 when not followed (a macro, or no valid name, which
 * is a finding). */
static int term_target(struct audit *au, const struct auth_spf_term *t, const char *domain,
		       char name[SPF_NAME_MAX + 2])
{
	if (!t->domain_spec) {
		snprintf(name, SPF_NAME_MAX + 2, "%s", domain);
		return 0;
	}
	if (strchr(t->domain_spec, '%')) {
		add_finding(au, AUTH_SPF_FOUND_MACRO, domain, t,
			    "'%s' depends on the sender: counted as one lookup, not followed",
			    t->text);
		return 1;
	}
	snprintf(name, SPF_NAME_MAX + 2, "%s", t->domain_spec);
	if (strlen(t->domain_spec) > SPF_NAME_MAX + 1 || spf_name_finish(name) < 0) {
		add_finding(au, AUTH_SPF_FOUND_SYNTAX, domain, t, "'%s' names no valid domain",
			    t->text);
		return 1;
	}
	return 0;
}

static int dns_error(struct audit *au, const struct net_dns_answer *a, const char *domain,
		     const struct auth_spf_term *t)
{
	add_finding(au, AUTH_SPF_FOUND_DNS_ERROR, domain, t, "DNS error looking up %s %s: %s",
		    net_dns_type_str(a->qtype), a->qname, answer_why(a));
	return 0;
}

static void count_void(struct audit *au, const char *domain, const struct auth_spf_term *t,
		       const char *name, const char *what)
{
	au->out->void_lookups++;
	add_finding(au, AUTH_SPF_FOUND_VOID, domain, t, "'%s': %s has no %s", t->text, name, what);
}

/* What a target's lookup found. */
enum target {
	TARGET_VOID = 0,
	TARGET_RECORDS = 1,
	TARGET_ERROR = 2, /* a temporary failure, found */
};

/* The records of type at name, for the term t of domain's record. */
static int target_lookup(struct audit *au, const struct auth_spf_term *t, const char *domain,
			 const char *name, enum net_dns_type type)
{
	const struct net_dns_answer *a = lookup(au, name, type);
	if (!a)
		return NEED;
	if (is_error(a)) {
		dns_error(au, a, domain, t);
		return TARGET_ERROR;
	}
	return has_records(a) ? TARGET_RECORDS : TARGET_VOID;
}

/* a, mx, exists: the lookup of the target, a void answer counted.  a is
 * void when the name has neither A nor AAAA; exists asks for A whatever
 * the client's family (5.7).  mx exchanges past 10 are a permerror. */
static int term_lookup(struct audit *au, const struct auth_spf_term *t, const char *domain)
{
	char name[SPF_NAME_MAX + 2];
	if (term_target(au, t, domain, name))
		return 0;
	enum net_dns_type type = t->kind == AUTH_SPF_MX ? NET_DNS_MX : NET_DNS_A;
	int rc = target_lookup(au, t, domain, name, type);
	if (rc == TARGET_VOID && t->kind == AUTH_SPF_A)
		rc = target_lookup(au, t, domain, name, NET_DNS_AAAA);
	if (rc == NEED || rc == TARGET_ERROR)
		return rc == NEED ? NEED : 0;
	if (rc == TARGET_VOID) {
		count_void(au, domain, t, name,
			   t->kind == AUTH_SPF_A ? "address (A or AAAA)"
			   : t->kind == AUTH_SPF_MX ? "MX record" : "A record");
		return 0;
	}
	if (t->kind != AUTH_SPF_MX)
		return 0;
	const struct net_dns_answer *mx = auth_dns_cache_get(au->cache, name, NET_DNS_MX);
	size_t hosts = 0;
	for (size_t k = 0; k < mx->count; k++)
		hosts += mx->records[k].text && strcmp(mx->records[k].text, ".") != 0;
	if (hosts > SPF_MAX_NAMES)
		add_finding(au, AUTH_SPF_FOUND_MX_NAMES, domain, t,
			    "'%s': %s has %zu MX hosts, more than the %d an evaluation may look up",
			    t->text, name, hosts, SPF_MAX_NAMES);
	return 0;
}

static int audit_domain(struct audit *au, const char *domain, const struct auth_spf_term *via_term,
			enum auth_spf_via via, unsigned depth);

static int term_include(struct audit *au, const struct auth_spf_term *t, const char *domain,
			enum auth_spf_via via, unsigned depth)
{
	char name[SPF_NAME_MAX + 2];
	if (term_target(au, t, domain, name))
		return 0;
	return audit_domain(au, name, t, via, depth);
}

/* One term: counted when it queries DNS, then followed. */
static int audit_term(struct audit *au, const struct auth_spf_term *t, const char *domain,
		      unsigned depth)
{
	switch (t->kind) {
	case AUTH_SPF_A:
	case AUTH_SPF_MX:
	case AUTH_SPF_PTR:
	case AUTH_SPF_EXISTS:
	case AUTH_SPF_INCLUDE:
	case AUTH_SPF_REDIRECT:
		if (!count_term(au))
			return 0;
		break;
	default:
		return 0;
	}
	switch (t->kind) {
	case AUTH_SPF_A:
	case AUTH_SPF_MX:
	case AUTH_SPF_EXISTS:
		return term_lookup(au, t, domain);
	case AUTH_SPF_PTR:
		add_finding(au, AUTH_SPF_FOUND_PTR, domain, t,
			    "'%s' is slow and unreliable: RFC 7208 5.5 says not to use it", t->text);
		return 0;
	case AUTH_SPF_INCLUDE:
		return term_include(au, t, domain, AUTH_SPF_VIA_INCLUDE, depth + 1);
	default:
		return term_include(au, t, domain, AUTH_SPF_VIA_REDIRECT, depth);
	}
}

static int on_path(const struct audit *au, const char *name)
{
	for (size_t k = 0; k < au->path_len; k++)
		if (strcasecmp(au->path[k], name) == 0)
			return 1;
	return 0;
}

static void loop_finding(struct audit *au, const char *domain, const struct auth_spf_term *t)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%s loop: ", t->kind == AUTH_SPF_REDIRECT ? "redirect" : "include");
	for (size_t k = 0; k < au->path_len; k++)
		lib_buf_printf(&b, "%s -> ", au->path[k]);
	lib_buf_puts(&b, domain);
	add_finding(au, AUTH_SPF_FOUND_LOOP, au->path[au->path_len - 1], t, "%s", b.data);
	lib_buf_release(&b);
}

/* The one SPF record of domain (4.4, 4.5), or NULL after a finding. */
static int find_record(struct audit *au, const char *domain, const struct auth_spf_term *via_term,
		       const struct net_dns_record **spf)
{
	*spf = NULL;
	const struct net_dns_answer *a = lookup(au, domain, NET_DNS_TXT);
	if (!a)
		return NEED;
	if (is_error(a))
		return dns_error(au, a, domain, via_term);
	size_t found = 0;
	for (size_t k = 0; has_records(a) && k < a->count; k++) {
		const struct net_dns_record *r = &a->records[k];
		if (r->text && auth_spf_is_record(r->text, r->text_len)) {
			*spf = r;
			found++;
		}
	}
	if (found == 1)
		return 0;
	*spf = NULL;
	if (found == 0)
		add_finding(au, AUTH_SPF_FOUND_NO_RECORD, domain, via_term, "no SPF record at %s",
			    domain);
	else
		add_finding(au, AUTH_SPF_FOUND_MANY_RECORDS, domain, via_term,
			    "%zu SPF records at %s", found, domain);
	return 0;
}

static struct auth_spf_audit_record *add_record(struct audit *au, const char *domain,
						const struct net_dns_record *r,
						const struct auth_spf_term *via_term,
						enum auth_spf_via via, unsigned depth)
{
	struct auth_spf_audit *o = au->out;
	if (o->record_count == au->record_cap) {
		au->record_cap = au->record_cap ? au->record_cap * 2 : 8;
		o->records = lib_xrealloc(o->records, au->record_cap * sizeof *o->records);
	}
	struct auth_spf_audit_record *rec = &o->records[o->record_count++];
	rec->domain = lib_xstrdup(domain);
	rec->text = printable(r->text, r->text_len);
	rec->reached_by = via_term ? lib_xstrdup(via_term->text) : NULL;
	rec->via = via;
	rec->depth = depth;
	rec->lookups = via_term ? 1 : 0;
	return rec;
}

/* The terms of a parsed record, then its redirect unless it has "all". */
static int audit_terms(struct audit *au, const struct auth_spf_record *rec, const char *domain,
		       unsigned depth, int top_chain)
{
	const struct auth_spf_term *all = NULL;
	for (size_t k = 0; k < rec->count; k++) {
		const struct auth_spf_term *t = &rec->terms[k];
		if (t->kind == AUTH_SPF_ALL && !all)
			all = t;
		if (t->kind >= AUTH_SPF_REDIRECT)
			continue;
		if (audit_term(au, t, domain, depth) == NEED)
			return NEED;
	}
	if (top_chain && all) {
		au->out->all = all->qualifier ? all->qualifier : '+';
		free(au->out->all_domain);
		au->out->all_domain = lib_xstrdup(domain);
	}
	if (!all && rec->redirect)
		return audit_term(au, rec->redirect, domain, depth);
	return 0;
}

static int audit_domain(struct audit *au, const char *domain, const struct auth_spf_term *via_term,
			enum auth_spf_via via, unsigned depth)
{
	if (via_term && on_path(au, domain)) {
		loop_finding(au, domain, via_term);
		return 0;
	}
	if (au->path_len == AUTH_SPF_AUDIT_MAX_DEPTH) {
		add_finding(au, AUTH_SPF_FOUND_TOO_DEEP, domain, via_term,
			    "SPF records nested more than %d deep at %s", AUTH_SPF_AUDIT_MAX_DEPTH,
			    domain);
		return 0;
	}
	const struct net_dns_record *spf;
	if (find_record(au, domain, via_term, &spf) == NEED)
		return NEED;
	if (!spf)
		return 0;
	size_t index = au->out->record_count;
	struct auth_spf_audit_record *seen = add_record(au, domain, spf, via_term, via, depth);
	if (!via_term)
		au->out->top_record = lib_xstrdup(seen->text);
	struct auth_spf_record rec;
	struct lib_err err;
	if (auth_spf_record_parse(spf->text, spf->text_len, &rec, &err) < 0) {
		add_finding(au, AUTH_SPF_FOUND_SYNTAX, domain, via_term, "the SPF record of %s: %s",
			    domain, err.msg);
		return 0;
	}
	/* the "all" that ends the evaluation is the checked domain's, or
	 * that of the domain its redirects lead to */
	int top_chain = via != AUTH_SPF_VIA_INCLUDE && depth == 0;
	unsigned before = au->out->lookups;
	au->path[au->path_len++] = domain;
	int rc = audit_terms(au, &rec, domain, depth, top_chain);
	au->path_len--;
	auth_spf_record_release(&rec);
	au->out->records[index].lookups += au->out->lookups - before;
	return rc;
}

enum auth_step auth_spf_audit(const char *domain, const struct auth_dns_cache *cache,
			      struct auth_spf_audit *audit, struct auth_dns_need *need)
{
	struct audit au;
	memset(&au, 0, sizeof au);
	memset(audit, 0, sizeof *audit);
	au.cache = cache;
	au.need = need;
	au.out = audit;
	audit->domain = lib_xstrdup(domain);
	char name[SPF_NAME_MAX + 2];
	snprintf(name, sizeof name, "%s", domain);
	if (!spf_domain_ok(domain) || spf_name_finish(name) < 0) {
		add_finding(&au, AUTH_SPF_FOUND_SYNTAX, domain, NULL,
			    "'%s' is not a domain name SPF can check", domain);
		return AUTH_DONE;
	}
	if (audit_domain(&au, name, NULL, AUTH_SPF_VIA_CHECK, 0) == NEED) {
		auth_spf_audit_release(audit);
		return AUTH_NEED_DNS;
	}
	return AUTH_DONE;
}

void auth_spf_audit_release(struct auth_spf_audit *audit)
{
	if (!audit)
		return;
	for (size_t k = 0; k < audit->record_count; k++) {
		free(audit->records[k].domain);
		free(audit->records[k].text);
		free(audit->records[k].reached_by);
	}
	for (size_t k = 0; k < audit->finding_count; k++) {
		free(audit->findings[k].domain);
		free(audit->findings[k].term);
		free(audit->findings[k].text);
	}
	free(audit->records);
	free(audit->findings);
	free(audit->domain);
	free(audit->top_record);
	free(audit->all_domain);
	memset(audit, 0, sizeof *audit);
}
