/* spf_eval.c: check_host() (RFC 7208 sections 4 to 6) over the DNS answer
 * cache.
 *
 * Every call evaluates from the start.  A lookup the cache cannot answer
 * fills the need and unwinds with NEED; the caller adds the answer and
 * calls again.  The limits of 4.6.4 bound what one evaluation can ask, so
 * the restarts are bounded too.  Choices where the RFC leaves room:
 *  - a target name that cannot be queried (an empty label, a label over 63
 *    octets after macro expansion) is treated as non-existent, as 4.3
 *    treats a malformed <domain>; for include and redirect that is a
 *    permerror, since their target then has no record;
 *  - an include or redirect that reaches a domain already being evaluated
 *    is a permerror at once ("include loop"): evaluating it again would
 *    repeat the same steps until the 10-lookup limit says the same;
 *  - mx looks up its exchanges in order and fails with permerror at the
 *    11th name it would have to look up, so a match among the first ten
 *    stands (4.6.4 limits the lookups made);
 *  - ptr and %{p} consider the first 10 PTR names, and look up addresses
 *    only for the names that could match. */
#include "spf_private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NEED (-1) /* a step stopped for a missing answer */

/* What a mechanism found. */
enum mech_outcome {
	MECH_NO = 0,
	MECH_YES = 1,
	MECH_ERROR = 2, /* the check ends with *code */
};

/* The state of one evaluation (one call). */
struct spf_eval {
	const struct auth_dns_cache *cache;
	struct auth_dns_need *need;
	unsigned char ip[16];
	size_t ip_len;                  /* 4 (IPv4, also when mapped) or 16 */
	struct auth_spf_macro_vars vars;/* domain and validated set per use */
	unsigned dns_terms;
	unsigned void_lookups;
	const char *path[SPF_MAX_DNS_TERMS + 2]; /* domains being evaluated */
	size_t path_len;
	struct auth_spf_record_seen *records;
	size_t record_count;
	size_t record_cap;
	char *matched;
	char *matched_domain;
	char *top_domain;               /* the last depth-0 domain evaluated */
	char *reason;
};

static void set_reason(struct spf_eval *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct spf_eval *ev, const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(ev->reason);
	ev->reason = lib_buf_take(&b);
}

/* A name or term from outside as a message may show it: printable, and
 * no longer than a domain name. */
#define SHOWN_MAX 256

static const char *shown(const char *s, char out[SHOWN_MAX + 4])
{
	size_t k = 0;
	for (; s[k] && k < SHOWN_MAX; k++)
		out[k] = isprint((unsigned char)s[k]) ? s[k] : '?';
	if (s[k]) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

/* --------------------------------------------------------------------- */
/* DNS                                                                   */
/* --------------------------------------------------------------------- */

enum answer_kind {
	ANSWER_RECORDS,
	ANSWER_VOID,  /* NXDOMAIN, or NODATA */
	ANSWER_ERROR, /* TEMPFAIL, or a DNSSEC-bogus answer */
};

/* The cached answer, or NULL after filling the need. */
static const struct net_dns_answer *lookup(struct spf_eval *ev, const char *name,
					   enum net_dns_type type)
{
	const struct net_dns_answer *a = auth_dns_cache_get(ev->cache, name, type);
	if (!a) {
		snprintf(ev->need->name, sizeof ev->need->name, "%s", name);
		ev->need->type = type;
	}
	return a;
}

static enum answer_kind answer_kind(const struct net_dns_answer *a)
{
	if (a->bogus || a->rcode == NET_DNS_TEMPFAIL)
		return ANSWER_ERROR;
	return a->rcode == NET_DNS_ANSWER && a->count > 0 ? ANSWER_RECORDS : ANSWER_VOID;
}

static const char *answer_why(const struct net_dns_answer *a)
{
	if (a->why)
		return a->why;
	return a->bogus ? "DNSSEC validation failed" : net_dns_rcode_words(a->rcode);
}

static enum net_dns_type address_type(const struct spf_eval *ev)
{
	return ev->ip_len == 4 ? NET_DNS_A : NET_DNS_AAAA;
}

/* The PTR query name of an address (4 or 16 bytes): d.c.b.a.in-addr.arpa
 * or 32 nibbles under ip6.arpa.  frank dnscheck's reverse lookups share it. */
void spf_reverse_name(const unsigned char *ip, size_t ip_len, char out[SPF_REVERSE_NAME_MAX])
{
	if (ip_len == 4) {
		snprintf(out, SPF_REVERSE_NAME_MAX, "%u.%u.%u.%u.in-addr.arpa", ip[3], ip[2], ip[1],
			 ip[0]);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (size_t k = 16; k-- > 0;) {
		*p++ = hex[ip[k] & 15];
		*p++ = '.';
		*p++ = hex[ip[k] >> 4];
		*p++ = '.';
	}
	strcpy(p, "ip6.arpa");
}

static void reverse_name(const struct spf_eval *ev, char out[SPF_REVERSE_NAME_MAX])
{
	spf_reverse_name(ev->ip, ev->ip_len, out);
}

/* Whether addr is inside the first bits of net (both len bytes). */
static int in_network(const unsigned char *addr, const unsigned char *net, size_t len,
		      unsigned bits)
{
	size_t full = bits / 8;
	unsigned rest = bits % 8;
	if (full > len || memcmp(addr, net, full) != 0)
		return 0;
	if (rest == 0 || full == len)
		return 1;
	unsigned char mask = (unsigned char)(0xFF << (8 - rest));
	return (addr[full] & mask) == (net[full] & mask);
}

/* Whether an A or AAAA answer holds an address of the client's network. */
static int answer_has_client(const struct spf_eval *ev, const struct net_dns_answer *a,
			     unsigned cidr4, unsigned cidr6)
{
	for (size_t k = 0; k < a->count; k++) {
		const struct net_dns_record *r = &a->records[k];
		if (r->addr_len == ev->ip_len &&
		    in_network(ev->ip, r->addr, ev->ip_len, ev->ip_len == 4 ? cidr4 : cidr6))
			return 1;
	}
	return 0;
}

/* A name from an answer (MX exchange, PTR target) as a query name in out;
 * -1 when it names nothing queryable. */
static int answer_name(const struct net_dns_record *r, char out[SPF_NAME_MAX + 2])
{
	if (!r->text || r->text_len == 0 || r->text_len > SPF_NAME_MAX + 1 ||
	    memchr(r->text, '\0', r->text_len))
		return -1;
	memcpy(out, r->text, r->text_len);
	out[r->text_len] = '\0';
	return spf_name_finish(out);
}

/* --------------------------------------------------------------------- */
/* Validated names (RFC 7208 5.5, 7.3)                                   */
/* --------------------------------------------------------------------- */

/* 1 when name has an address equal to the client's, 0 when not (or on a
 * DNS error: the name is skipped), NEED. */
static int validate_name(struct spf_eval *ev, const char *name)
{
	const struct net_dns_answer *a = lookup(ev, name, address_type(ev));
	if (!a)
		return NEED;
	return answer_kind(a) == ANSWER_RECORDS && answer_has_client(ev, a, 32, 128);
}

/* %{p}: a validated name of the client, preferring <domain> itself, then a
 * name below it, then any.  0 with out set, 1 for "unknown", NEED. */
static int validated_name(struct spf_eval *ev, const char *domain, char out[SPF_NAME_MAX + 2])
{
	char rev[SPF_REVERSE_NAME_MAX];
	reverse_name(ev, rev);
	const struct net_dns_answer *a = lookup(ev, rev, NET_DNS_PTR);
	if (!a)
		return NEED;
	if (answer_kind(a) != ANSWER_RECORDS)
		return 1;
	size_t n = a->count < SPF_MAX_NAMES ? a->count : SPF_MAX_NAMES;
	for (int pass = 0; pass < 3; pass++) {
		for (size_t k = 0; k < n; k++) {
			char name[SPF_NAME_MAX + 2];
			if (answer_name(&a->records[k], name) < 0)
				continue;
			int rank = strcasecmp(name, domain) == 0 ? 0
				: spf_name_within(name, domain) ? 1 : 2;
			if (rank != pass)
				continue;
			int rc = validate_name(ev, name);
			if (rc == NEED)
				return NEED;
			if (rc == 1) {
				strcpy(out, name);
				return 0;
			}
		}
	}
	return 1;
}

/* --------------------------------------------------------------------- */
/* Target names                                                          */
/* --------------------------------------------------------------------- */

/* Expands spec (or takes <domain> when NULL) in context into out.  0, 1
 * when the result cannot be used (for a name: cannot be queried), NEED. */
static int expand(struct spf_eval *ev, const char *spec, size_t len, const char *domain,
		  enum auth_spf_macro_context context, struct lib_buf *out)
{
	struct spf_macro_info info;
	char p[SPF_NAME_MAX + 2];
	if (spf_macro_scan(spec, len, context, &info, NULL) < 0)
		return 1;
	ev->vars.domain = domain;
	ev->vars.validated = NULL;
	if (info.uses_p) {
		int rc = validated_name(ev, domain, p);
		if (rc == NEED)
			return NEED;
		if (rc == 0)
			ev->vars.validated = p;
	}
	int rc = auth_spf_macro_expand(spec, len, context, &ev->vars, out, NULL) < 0 ? 1 : 0;
	ev->vars.validated = NULL;
	return rc;
}

static int target_name(struct spf_eval *ev, const char *spec, const char *domain,
		       char out[SPF_NAME_MAX + 2])
{
	if (!spec) {
		snprintf(out, SPF_NAME_MAX + 2, "%s", domain);
		return 0;
	}
	struct lib_buf b = LIB_BUF_INIT;
	int rc = expand(ev, spec, strlen(spec), domain, AUTH_SPF_MACRO_DOMAIN, &b);
	if (rc == 0 && (!b.data || spf_name_finish(b.data) < 0))
		rc = 1;
	if (rc == 0)
		snprintf(out, SPF_NAME_MAX + 2, "%s", b.data);
	lib_buf_release(&b);
	return rc;
}

/* --------------------------------------------------------------------- */
/* Mechanisms (RFC 7208 5)                                               */
/* --------------------------------------------------------------------- */

static int check_host(struct spf_eval *ev, const char *domain, enum auth_spf_via via,
		      unsigned depth, int want_exp, enum auth_spf_code *code, char **explanation);

static int stop(enum auth_spf_code *code, enum auth_spf_code value)
{
	*code = value;
	return MECH_ERROR;
}

/* Counts a DNS-querying term (4.6.4). */
static int count_term(struct spf_eval *ev, const struct auth_spf_term *t, enum auth_spf_code *code)
{
	char w[SHOWN_MAX + 4];
	if (++ev->dns_terms <= SPF_MAX_DNS_TERMS)
		return MECH_NO;
	set_reason(ev, "too many DNS lookups (%u > %d) at '%s'", ev->dns_terms, SPF_MAX_DNS_TERMS,
		   shown(t->text, w));
	return stop(code, AUTH_SPF_PERMERROR);
}

/* Counts a void answer to a term's lookup (4.6.4). */
static int count_void(struct spf_eval *ev, const char *name, enum net_dns_type type,
		      enum auth_spf_code *code)
{
	char w[SHOWN_MAX + 4];
	if (++ev->void_lookups <= SPF_MAX_VOID)
		return MECH_NO;
	set_reason(ev, "too many void DNS lookups (%u > %d): %s %s has no records",
		   ev->void_lookups, SPF_MAX_VOID, net_dns_type_str(type), shown(name, w));
	return stop(code, AUTH_SPF_PERMERROR);
}

static int dns_error(struct spf_eval *ev, const struct net_dns_answer *a, const char *name,
		     enum auth_spf_code *code)
{
	char w[SHOWN_MAX + 4];
	char why[SHOWN_MAX + 4];
	set_reason(ev, "DNS error looking up %s %s: %s", net_dns_type_str(a->qtype), shown(name, w),
		   shown(answer_why(a), why));
	return stop(code, AUTH_SPF_TEMPERROR);
}

/* The lookup a, mx and exists start with: of their target name (into
 * name) for type.  MECH_YES with *answer holding records; MECH_NO when the
 * target names nothing or the answer is void (counted, 4.6.4); MECH_ERROR
 * on a DNS error; NEED. */
static int term_lookup(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
		       enum net_dns_type type, char name[SPF_NAME_MAX + 2],
		       const struct net_dns_answer **answer, enum auth_spf_code *code)
{
	int rc = target_name(ev, t->domain_spec, domain, name);
	if (rc != 0)
		return rc == NEED ? NEED : MECH_NO;
	const struct net_dns_answer *a = lookup(ev, name, type);
	if (!a)
		return NEED;
	switch (answer_kind(a)) {
	case ANSWER_ERROR:
		return dns_error(ev, a, name, code);
	case ANSWER_VOID:
		return count_void(ev, name, type, code);
	case ANSWER_RECORDS:
		break;
	}
	*answer = a;
	return MECH_YES;
}

/* a, exists: one address lookup; exists asks for A even for an IPv6 client
 * (5.7) and matches any record. */
static int mech_address(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
			enum auth_spf_code *code)
{
	char name[SPF_NAME_MAX + 2];
	const struct net_dns_answer *a;
	int exists = t->kind == AUTH_SPF_EXISTS;
	int rc = term_lookup(ev, t, domain, exists ? NET_DNS_A : address_type(ev), name, &a, code);
	if (rc != MECH_YES)
		return rc;
	return exists || answer_has_client(ev, a, t->cidr4, t->cidr6);
}

static int mech_mx(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
		   enum auth_spf_code *code)
{
	char name[SPF_NAME_MAX + 2], w[SHOWN_MAX + 4];
	const struct net_dns_answer *mx;
	int rc = term_lookup(ev, t, domain, NET_DNS_MX, name, &mx, code);
	if (rc != MECH_YES)
		return rc;
	unsigned looked = 0;
	for (size_t k = 0; k < mx->count; k++) {
		char host[SPF_NAME_MAX + 2];
		if (answer_name(&mx->records[k], host) < 0)
			continue; /* the null MX "." (RFC 7505) names no host */
		if (++looked > SPF_MAX_NAMES) {
			set_reason(ev, "more than %d MX names at %s", SPF_MAX_NAMES,
				   shown(name, w));
			return stop(code, AUTH_SPF_PERMERROR);
		}
		const struct net_dns_answer *a = lookup(ev, host, address_type(ev));
		if (!a)
			return NEED;
		if (answer_kind(a) == ANSWER_ERROR)
			return dns_error(ev, a, host, code);
		if (answer_kind(a) == ANSWER_RECORDS &&
		    answer_has_client(ev, a, t->cidr4, t->cidr6))
			return MECH_YES;
	}
	return MECH_NO;
}

static int mech_ptr(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
		    enum auth_spf_code *code)
{
	char target[SPF_NAME_MAX + 2], rev[SPF_REVERSE_NAME_MAX];
	int rc = target_name(ev, t->domain_spec, domain, target);
	if (rc != 0)
		return rc == NEED ? NEED : MECH_NO;
	reverse_name(ev, rev);
	const struct net_dns_answer *a = lookup(ev, rev, NET_DNS_PTR);
	if (!a)
		return NEED;
	switch (answer_kind(a)) {
	case ANSWER_ERROR:
		return MECH_NO; /* 5.5: a DNS error on the PTR lookup does not match */
	case ANSWER_VOID:
		return count_void(ev, rev, NET_DNS_PTR, code);
	case ANSWER_RECORDS:
		break;
	}
	size_t n = a->count < SPF_MAX_NAMES ? a->count : SPF_MAX_NAMES;
	for (size_t k = 0; k < n; k++) {
		char name[SPF_NAME_MAX + 2];
		if (answer_name(&a->records[k], name) < 0 || !spf_name_within(name, target))
			continue;
		rc = validate_name(ev, name);
		if (rc != MECH_NO)
			return rc;
	}
	return MECH_NO;
}

static int on_path(const struct spf_eval *ev, const char *name)
{
	for (size_t k = 0; k < ev->path_len; k++)
		if (strcasecmp(ev->path[k], name) == 0)
			return 1;
	return 0;
}

static void loop_reason(struct spf_eval *ev, const char *kind, const char *name)
{
	struct lib_buf b = LIB_BUF_INIT;
	char w[SHOWN_MAX + 4];
	lib_buf_printf(&b, "%s loop: ", kind);
	for (size_t k = 0; k < ev->path_len; k++)
		lib_buf_printf(&b, "%s -> ", shown(ev->path[k], w));
	lib_buf_puts(&b, shown(name, w));
	free(ev->reason);
	ev->reason = lib_buf_take(&b);
}

static int mech_include(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
			unsigned depth, enum auth_spf_code *code)
{
	char name[SPF_NAME_MAX + 2], w[SHOWN_MAX + 4], n[SHOWN_MAX + 4];
	int rc = target_name(ev, t->domain_spec, domain, name);
	if (rc == NEED)
		return NEED;
	if (rc != 0) {
		set_reason(ev, "'%s' names no valid domain", shown(t->text, w));
		return stop(code, AUTH_SPF_PERMERROR);
	}
	if (on_path(ev, name)) {
		loop_reason(ev, "include", name);
		return stop(code, AUTH_SPF_PERMERROR);
	}
	enum auth_spf_code inner;
	char *unused;
	if (check_host(ev, name, AUTH_SPF_VIA_INCLUDE, depth + 1, 0, &inner, &unused) == NEED)
		return NEED;
	free(unused);
	switch (inner) {
	case AUTH_SPF_PASS:
		return MECH_YES;
	case AUTH_SPF_FAIL:
	case AUTH_SPF_SOFTFAIL:
	case AUTH_SPF_NEUTRAL:
		return MECH_NO;
	case AUTH_SPF_NONE:
		set_reason(ev, "'%s': no SPF record at %s", shown(t->text, w), shown(name, n));
		return stop(code, AUTH_SPF_PERMERROR);
	case AUTH_SPF_TEMPERROR:
	case AUTH_SPF_PERMERROR:
		break;
	}
	return stop(code, inner);
}

/* One mechanism: MECH_NO, MECH_YES, MECH_ERROR with *code, or NEED. */
static int mechanism(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
		     unsigned depth, enum auth_spf_code *code)
{
	switch (t->kind) {
	case AUTH_SPF_ALL:
		return MECH_YES;
	case AUTH_SPF_IP4:
		return ev->ip_len == 4 && in_network(ev->ip, t->addr, 4, t->cidr4);
	case AUTH_SPF_IP6:
		return ev->ip_len == 16 && in_network(ev->ip, t->addr, 16, t->cidr6);
	default:
		break;
	}
	if (count_term(ev, t, code) == MECH_ERROR)
		return MECH_ERROR;
	switch (t->kind) {
	case AUTH_SPF_A:
	case AUTH_SPF_EXISTS:
		return mech_address(ev, t, domain, code);
	case AUTH_SPF_MX:
		return mech_mx(ev, t, domain, code);
	case AUTH_SPF_PTR:
		return mech_ptr(ev, t, domain, code);
	case AUTH_SPF_INCLUDE:
		return mech_include(ev, t, domain, depth, code);
	default:
		return MECH_NO;
	}
}

/* --------------------------------------------------------------------- */
/* Records, redirect and exp (RFC 7208 4.4 to 4.7, 6)                     */
/* --------------------------------------------------------------------- */

static enum auth_spf_code qualifier_code(char q)
{
	switch (q) {
	case '-': return AUTH_SPF_FAIL;
	case '~': return AUTH_SPF_SOFTFAIL;
	case '?': return AUTH_SPF_NEUTRAL;
	default: return AUTH_SPF_PASS;
	}
}

/* exp= (6.2): any trouble means no explanation, never another result. */
static int explain(struct spf_eval *ev, const struct auth_spf_term *exp, const char *domain,
		   char **explanation)
{
	char name[SPF_NAME_MAX + 2];
	int rc = target_name(ev, exp->domain_spec, domain, name);
	if (rc != 0)
		return rc == NEED ? NEED : 0;
	const struct net_dns_answer *a = lookup(ev, name, NET_DNS_TXT);
	if (!a)
		return NEED;
	if (answer_kind(a) != ANSWER_RECORDS || a->count != 1 || !a->records[0].text)
		return 0;
	struct lib_buf out = LIB_BUF_INIT;
	rc = expand(ev, a->records[0].text, a->records[0].text_len, domain, AUTH_SPF_MACRO_EXPLAIN,
		    &out);
	if (rc == 0) {
		/* the values of l, s, h come from the client: keep the text one
		 * printable ASCII line, fit for an SMTP reply */
		for (size_t k = 0; k < out.len; k++)
			if ((unsigned char)out.data[k] < 0x20 || (unsigned char)out.data[k] > 0x7E)
				out.data[k] = '?';
		*explanation = lib_buf_take(&out);
	}
	lib_buf_release(&out);
	return rc == NEED ? NEED : 0;
}

static int redirect(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain,
		    unsigned depth, int want_exp, enum auth_spf_code *code, char **explanation)
{
	char name[SPF_NAME_MAX + 2], w[SHOWN_MAX + 4], n[SHOWN_MAX + 4];
	if (count_term(ev, t, code) == MECH_ERROR)
		return 0;
	int rc = target_name(ev, t->domain_spec, domain, name);
	if (rc == NEED)
		return NEED;
	if (rc != 0) {
		set_reason(ev, "'%s' names no valid domain", shown(t->text, w));
		*code = AUTH_SPF_PERMERROR;
		return 0;
	}
	if (on_path(ev, name)) {
		loop_reason(ev, "redirect", name);
		*code = AUTH_SPF_PERMERROR;
		return 0;
	}
	if (check_host(ev, name, AUTH_SPF_VIA_REDIRECT, depth, want_exp, code, explanation) == NEED)
		return NEED;
	if (*code == AUTH_SPF_NONE) {
		set_reason(ev, "'%s': no SPF record at %s", shown(t->text, w), shown(name, n));
		*code = AUTH_SPF_PERMERROR; /* 6.1 */
	}
	return 0;
}

static void set_match(struct spf_eval *ev, const struct auth_spf_term *t, const char *domain)
{
	free(ev->matched);
	free(ev->matched_domain);
	ev->matched = lib_xstrdup(t->text);
	ev->matched_domain = lib_xstrdup(domain);
}

/* The terms of a parsed record, left to right (4.6.2), then redirect. */
static int evaluate(struct spf_eval *ev, const struct auth_spf_record *rec, const char *domain,
		    unsigned depth, int want_exp, enum auth_spf_code *code, char **explanation)
{
	if (depth == 0) {
		free(ev->top_domain);
		ev->top_domain = lib_xstrdup(domain);
	}
	for (size_t k = 0; k < rec->count; k++) {
		const struct auth_spf_term *t = &rec->terms[k];
		if (t->kind >= AUTH_SPF_REDIRECT)
			continue;
		int rc = mechanism(ev, t, domain, depth, code);
		if (rc == NEED || rc == MECH_ERROR)
			return rc == NEED ? NEED : 0;
		if (rc == MECH_NO)
			continue;
		*code = qualifier_code(t->qualifier);
		if (depth == 0)
			set_match(ev, t, domain);
		if (*code == AUTH_SPF_FAIL && want_exp && rec->exp)
			return explain(ev, rec->exp, domain, explanation);
		return 0;
	}
	if (rec->redirect) /* never reached after "all", which always matches (6.1) */
		return redirect(ev, rec->redirect, domain, depth, want_exp, code, explanation);
	*code = AUTH_SPF_NEUTRAL; /* 4.7 */
	return 0;
}

static void add_record_seen(struct spf_eval *ev, const char *domain, const struct net_dns_record *r,
			    enum auth_spf_via via, unsigned depth)
{
	if (ev->record_count == ev->record_cap) {
		ev->record_cap = ev->record_cap ? ev->record_cap * 2 : 4;
		ev->records = lib_xrealloc(ev->records, ev->record_cap * sizeof *ev->records);
	}
	struct auth_spf_record_seen *s = &ev->records[ev->record_count++];
	s->domain = lib_xstrdup(domain);
	s->text = lib_xmalloc(r->text_len + 1);
	for (size_t k = 0; k < r->text_len; k++) /* a NUL would cut the text short */
		s->text[k] = r->text[k] ? r->text[k] : '?';
	s->text[r->text_len] = '\0';
	s->via = via;
	s->depth = depth;
}

/* The SPF record of domain (4.4, 4.5): 0 with *spf set, or 0 with *code
 * set when there is none or an error, or NEED. */
static int find_record(struct spf_eval *ev, const char *domain, const struct net_dns_record **spf,
		       enum auth_spf_code *code)
{
	char w[SHOWN_MAX + 4], why[SHOWN_MAX + 4];
	*spf = NULL;
	const struct net_dns_answer *a = lookup(ev, domain, NET_DNS_TXT);
	if (!a)
		return NEED;
	switch (answer_kind(a)) {
	case ANSWER_ERROR:
		set_reason(ev, "DNS error looking up TXT %s: %s", shown(domain, w),
			   shown(answer_why(a), why));
		*code = AUTH_SPF_TEMPERROR;
		return 0;
	case ANSWER_VOID:
		set_reason(ev, "no SPF record at %s (%s)", shown(domain, w),
			   net_dns_rcode_words(a->rcode));
		*code = AUTH_SPF_NONE;
		return 0;
	case ANSWER_RECORDS:
		break;
	}
	size_t found = 0;
	for (size_t k = 0; k < a->count; k++) {
		const struct net_dns_record *r = &a->records[k];
		if (r->text && auth_spf_is_record(r->text, r->text_len)) {
			*spf = r;
			found++;
		}
	}
	if (found == 1)
		return 0;
	*spf = NULL;
	if (found == 0) {
		set_reason(ev, "no SPF record at %s", shown(domain, w));
		*code = AUTH_SPF_NONE;
	} else {
		set_reason(ev, "%zu SPF records at %s", found, shown(domain, w));
		*code = AUTH_SPF_PERMERROR; /* 4.5 */
	}
	return 0;
}

static int check_host(struct spf_eval *ev, const char *domain, enum auth_spf_via via,
		      unsigned depth, int want_exp, enum auth_spf_code *code, char **explanation)
{
	const struct net_dns_record *spf;
	struct auth_spf_record rec;
	struct lib_err err;
	char w[SHOWN_MAX + 4];
	*explanation = NULL;
	if (find_record(ev, domain, &spf, code) == NEED)
		return NEED;
	if (!spf)
		return 0;
	add_record_seen(ev, domain, spf, via, depth);
	if (ev->path_len == sizeof ev->path / sizeof ev->path[0]) { /* the term limit forbids it */
		set_reason(ev, "SPF records nested too deep at %s", shown(domain, w));
		*code = AUTH_SPF_PERMERROR;
		return 0;
	}
	if (auth_spf_record_parse(spf->text, spf->text_len, &rec, &err) < 0) {
		set_reason(ev, "the SPF record of %s: %s", shown(domain, w), err.msg);
		*code = AUTH_SPF_PERMERROR;
		return 0;
	}
	ev->path[ev->path_len++] = domain;
	int rc = evaluate(ev, &rec, domain, depth, want_exp, code, explanation);
	ev->path_len--;
	auth_spf_record_release(&rec);
	return rc;
}

/* --------------------------------------------------------------------- */
/* The request                                                           */
/* --------------------------------------------------------------------- */

const char *auth_spf_code_str(enum auth_spf_code code)
{
	switch (code) {
	case AUTH_SPF_NONE: return "none";
	case AUTH_SPF_NEUTRAL: return "neutral";
	case AUTH_SPF_PASS: return "pass";
	case AUTH_SPF_FAIL: return "fail";
	case AUTH_SPF_SOFTFAIL: return "softfail";
	case AUTH_SPF_TEMPERROR: return "temperror";
	case AUTH_SPF_PERMERROR: return "permerror";
	}
	return "?";
}

const char *auth_spf_identity_str(enum auth_spf_identity identity)
{
	return identity == AUTH_SPF_HELO ? "helo" : "mailfrom";
}

static void records_free(struct auth_spf_record_seen *records, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		free(records[k].domain);
		free(records[k].text);
	}
	free(records);
}

void auth_spf_result_release(struct auth_spf_result *result)
{
	if (!result)
		return;
	records_free(result->records, result->record_count);
	free(result->sender);
	free(result->domain);
	free(result->matched);
	free(result->matched_domain);
	free(result->explanation);
	free(result->reason);
	memset(result, 0, sizeof *result);
}

/* The client address; an IPv4-mapped IPv6 address becomes IPv4 (5). */
static int parse_client(const char *text, unsigned char ip[16], size_t *len)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char v6[16];
	if (text && inet_pton(AF_INET, text, ip) == 1) {
		*len = 4;
		return 0;
	}
	if (!text || inet_pton(AF_INET6, text, v6) != 1)
		return -1;
	if (memcmp(v6, mapped, sizeof mapped) == 0) {
		memcpy(ip, v6 + 12, 4);
		*len = 4;
	} else {
		memcpy(ip, v6, 16);
		*len = 16;
	}
	return 0;
}

/* <sender>, its local part and <domain> for the identity (4.1, 4.3). */
static void identity_parts(const struct auth_spf_request *req, int helo,
			   struct auth_spf_result *res, char **local)
{
	const char *from = req->mail_from;
	const char *at = from ? strrchr(from, '@') : NULL;
	res->identity = helo || !from || !*from ? AUTH_SPF_HELO : AUTH_SPF_MAILFROM;
	if (res->identity == AUTH_SPF_HELO) {
		res->domain = lib_xstrdup(req->helo ? req->helo : "");
		*local = lib_xstrdup("postmaster");
	} else if (at && at != from) {
		res->domain = lib_xstrdup(at + 1);
		*local = lib_xstrndup(from, (size_t)(at - from));
	} else {
		res->domain = lib_xstrdup(at ? at + 1 : from);
		*local = lib_xstrdup("postmaster");
	}
	size_t n = strlen(res->domain);
	if (n && res->domain[n - 1] == '.')
		res->domain[n - 1] = '\0';
	res->sender = lib_xasprintf("%s@%s", *local, res->domain);
}

static void final_reason(struct spf_eval *ev, const struct auth_spf_result *res)
{
	char w[SHOWN_MAX + 4], d[SHOWN_MAX + 4];
	if (ev->reason)
		return;
	if (ev->matched)
		set_reason(ev, "'%s' matched in the record of %s", shown(ev->matched, w),
			   shown(ev->matched_domain, d));
	else
		set_reason(ev, "no term matched in the record of %s: neutral by default",
			   shown(ev->top_domain ? ev->top_domain : res->domain, d));
}

static void eval_release(struct spf_eval *ev)
{
	records_free(ev->records, ev->record_count);
	free(ev->matched);
	free(ev->matched_domain);
	free(ev->top_domain);
	free(ev->reason);
}

static enum auth_step spf_run(const struct auth_spf_request *req,
			      const struct auth_dns_cache *cache, struct auth_spf_result *res,
			      struct auth_dns_need *need, int helo)
{
	struct spf_eval ev;
	char *local = NULL, *explanation = NULL, w[SHOWN_MAX + 4];
	memset(&ev, 0, sizeof ev);
	memset(res, 0, sizeof *res);
	ev.cache = cache;
	ev.need = need;
	identity_parts(req, helo, res, &local);
	int rc = 0;
	if (parse_client(req->ip, ev.ip, &ev.ip_len) < 0) {
		set_reason(&ev, "the client address '%s' is not an IP address",
			   shown(req->ip ? req->ip : "", w));
		res->code = AUTH_SPF_NONE;
	} else if (!spf_domain_ok(res->domain)) {
		set_reason(&ev, "'%s' is not a domain name SPF can check", shown(res->domain, w));
		res->code = AUTH_SPF_NONE; /* 4.3 */
	} else {
		ev.vars = (struct auth_spf_macro_vars){
			.sender = res->sender, .local = local, .sender_domain = res->domain,
			.ip = ev.ip, .ip_len = ev.ip_len, .helo = req->helo ? req->helo : "",
			.receiver = req->receiver, .now = req->now,
		};
		rc = check_host(&ev, res->domain, AUTH_SPF_VIA_CHECK, 0, 1, &res->code,
				&explanation);
	}
	free(local);
	if (rc == NEED) {
		eval_release(&ev);
		free(explanation);
		auth_spf_result_release(res);
		return AUTH_NEED_DNS;
	}
	final_reason(&ev, res);
	res->explanation = explanation;
	res->reason = ev.reason;
	res->matched = ev.matched;
	res->matched_domain = ev.matched_domain;
	res->records = ev.records;
	res->record_count = ev.record_count;
	res->dns_terms = ev.dns_terms;
	res->void_lookups = ev.void_lookups;
	free(ev.top_domain);
	return AUTH_DONE;
}

enum auth_step auth_spf_check(const struct auth_spf_request *req,
			      const struct auth_dns_cache *cache,
			      struct auth_spf_result *result, struct auth_dns_need *need)
{
	return spf_run(req, cache, result, need, 0);
}

enum auth_step auth_spf_check_helo(const struct auth_spf_request *req,
				   const struct auth_dns_cache *cache,
				   struct auth_spf_result *result, struct auth_dns_need *need)
{
	return spf_run(req, cache, result, need, 1);
}
