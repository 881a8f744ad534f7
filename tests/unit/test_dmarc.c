/* test_dmarc.c: DMARC evaluation (auth_dmarc_evaluate): restart on a
 * missing answer, and a table of messages, DNS answers and verdicts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

/* A DNS answer as a test writes it: up to three TXT (or MX) strings. */
struct zone_row {
	const char *name;
	enum net_dns_type type;
	enum net_dns_rcode rcode;
	const char *text[3];
};

#define ZONE_MAX 8

/* The answer the zone gives to need; names it does not list are NXDOMAIN. */
static struct net_dns_answer *zone_answer(const struct zone_row *zone,
					  const struct auth_dns_need *need)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	for (size_t i = 0; i < ZONE_MAX && zone[i].name; i++) {
		if (zone[i].type != need->type || strcasecmp(zone[i].name, need->name) != 0)
			continue;
		a->rcode = zone[i].rcode;
		a->why = zone[i].rcode == NET_DNS_TEMPFAIL ? lib_xstrdup("timeout") : NULL;
		for (size_t k = 0; k < 3 && zone[i].text[k]; k++) {
			a->records = lib_xrealloc(a->records, (a->count + 1) * sizeof *a->records);
			a->records[a->count] = (struct net_dns_record){ 0 };
			a->records[a->count].text = lib_xstrdup(zone[i].text[k]);
			a->records[a->count].text_len = strlen(zone[i].text[k]);
			a->count++;
		}
	}
	return a;
}

/* Evaluates in against zone the way callers do: resolve, put, call again. */
static struct auth_dmarc_verdict *evaluate(const struct auth_dmarc_input *in,
					   const struct zone_row *zone, int *asked)
{
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	*asked = 0;
	while (auth_dmarc_evaluate(in, cache, &v, &need) == AUTH_NEED_DNS) {
		assert_null(v);
		assert_true(++*asked < 100);
		auth_dns_cache_put(cache, zone_answer(zone, &need));
	}
	auth_dns_cache_free(cache);
	return v;
}

/* --- restart on a missing answer ----------------------------------------- */

static void asks_one_query_at_a_time(void **state)
{
	(void)state;
	const char *from[] = { "Alice <alice@mail.example.com>" };
	struct auth_dmarc_dkim dkim = { "pass", "example.com", "sel" };
	struct auth_dmarc_input in = { from, 1, { NULL, NULL, 0 }, &dkim, 1, AUTH_DMARC_TREEWALK, NULL };
	struct zone_row zone[ZONE_MAX] = {
		{ "_dmarc.example.com", NET_DNS_TXT, NET_DNS_ANSWER, { "v=DMARC1; p=reject" } },
	};
	const char *expected[] = { "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com" };
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(auth_dmarc_evaluate(&in, cache, &v, &need), AUTH_NEED_DNS);
		assert_string_equal(need.name, expected[i]);
		assert_int_equal(need.type, NET_DNS_TXT);
		auth_dns_cache_put(cache, zone_answer(zone, &need));
	}
	assert_int_equal(auth_dmarc_evaluate(&in, cache, &v, &need), AUTH_DONE);
	assert_int_equal(v->result, AUTH_DMARC_PASS);
	assert_string_equal(v->reason, "DKIM example.com aligns with mail.example.com (relaxed)");
	assert_string_equal(v->author_domain, "mail.example.com");
	assert_string_equal(v->policy_domain, "example.com");
	assert_string_equal(v->record, "v=DMARC1; p=reject");
	assert_string_equal(v->org_domain, "example.com");
	assert_string_equal(v->psl_org_domain, "example.com");
	assert_string_equal(v->policy_tag, "p");
	assert_int_equal(v->policy, AUTH_DMARC_POLICY_REJECT);
	assert_int_equal(v->query_count, 3);
	assert_string_equal(v->queries[0], "_dmarc.mail.example.com TXT");
	assert_string_equal(v->queries[2], "_dmarc.com TXT");
	assert_string_equal(v->dkim[0].selector, "sel");
	assert_string_equal(v->dkim[0].walk.org_domain, "example.com");
	assert_string_equal(v->dkim[0].why, "relaxed: organizational domain example.com is example.com");
	assert_string_equal(v->author_walk.org_why,
			    "the DMARC record with the fewest labels, at _dmarc.example.com");
	auth_dmarc_verdict_free(v);
	auth_dmarc_verdict_free(NULL);
	auth_dns_cache_free(cache);
}

/* --- a table of messages and verdicts ------------------------------------- */

struct scenario {
	const char *name;
	const char *from[3];
	size_t from_count;
	struct auth_dmarc_spf spf;
	struct auth_dmarc_dkim dkim[2];
	size_t dkim_count;
	enum auth_dmarc_method method;
	struct zone_row zone[ZONE_MAX];
	enum auth_dmarc_result result;
	const char *policy; /* applied, or "-" */
	const char *policy_domain;
	const char *reason;
};

#define REC(name, ...) { "_dmarc." name, NET_DNS_TXT, NET_DNS_ANSWER, { __VA_ARGS__ } }
#define FAILS(name, type) { name, type, NET_DNS_TEMPFAIL, { NULL } }
#define PASS_SPF(domain) { "pass", domain, 0 }
#define NO_SPF { NULL, NULL, 0 }

static const struct scenario scenarios[] = {
	{ "strict SPF, same domain", { "a@example.com" }, 1, PASS_SPF("example.com"), { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=quarantine; aspf=s") },
	  AUTH_DMARC_PASS, "quarantine", "example.com",
	  "SPF example.com aligns with example.com (strict)" },
	{ "strict SPF, subdomain", { "a@example.com" }, 1, PASS_SPF("mail.example.com"), { { 0 } },
	  0, AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=quarantine; aspf=s") },
	  AUTH_DMARC_FAIL, "quarantine", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=quarantine)" },
	{ "a failing DKIM signature authenticates nothing", { "a@example.com" }, 1, NO_SPF,
	  { { "fail", "example.com", "s" } }, 1, AUTH_DMARC_TREEWALK,
	  { REC("example.com", "v=DMARC1; p=reject") }, AUTH_DMARC_FAIL, "reject", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=reject)" },
	{ "second DKIM signature aligns", { "a@example.com" }, 1, { "softfail", "example.com", 0 },
	  { { "pass", "other.example", NULL }, { "pass", "EXAMPLE.com", NULL } }, 2,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=reject; adkim=s") },
	  AUTH_DMARC_PASS, "reject", "example.com", "DKIM example.com aligns with example.com (strict)" },
	{ "t=y lowers the policy one level", { "a@example.com" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=reject; t=y") }, AUTH_DMARC_FAIL,
	  "quarantine", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=reject)" },
	{ "pct below 100 lowers the policy in the RFC 7489 method", { "a@example.com" }, 1, NO_SPF,
	  { { 0 } }, 0, AUTH_DMARC_PSL, { REC("example.com", "v=DMARC1; p=quarantine; pct=50") },
	  AUTH_DMARC_FAIL, "none", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=quarantine)" },
	{ "pct changes nothing with the tree walk", { "a@example.com" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=quarantine; pct=50") },
	  AUTH_DMARC_FAIL, "quarantine", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=quarantine)" },
	{ "several DMARC records are all ignored", { "a@example.com" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=reject", "v=DMARC1; p=none") },
	  AUTH_DMARC_NONE, "-", NULL, "no DMARC record for example.com or its parents" },
	{ "other TXT records beside the DMARC one", { "a@example.com" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=spf1 -all", "v=DMARC1; p=reject", "x") },
	  AUTH_DMARC_FAIL, "reject", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=reject)" },
	{ "a record without p or rua", { "a@example.com" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; sp=reject") }, AUTH_DMARC_NONE, "-",
	  "example.com",
	  "the record at _dmarc.example.com has no valid p= (or a bad sp= or np=) and no rua=: "
	  "DMARC does not apply" },
	{ "a temporary failure for the author's record", { "a@example.com" }, 1,
	  PASS_SPF("example.com"), { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { FAILS("_dmarc.example.com", NET_DNS_TXT) }, AUTH_DMARC_TEMPERROR, "-", NULL,
	  "_dmarc.example.com TXT: temporary failure: timeout" },
	{ "a temporary failure above the author's record, not needed", { "a@example.com" }, 1,
	  PASS_SPF("example.com"), { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { REC("example.com", "v=DMARC1; p=reject"), FAILS("_dmarc.com", NET_DNS_TXT) },
	  AUTH_DMARC_PASS, "reject", "example.com",
	  "SPF example.com aligns with example.com (relaxed)" },
	{ "a temporary failure above the author's record, needed", { "a@example.com" }, 1,
	  PASS_SPF("mail.example.com"), { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { REC("example.com", "v=DMARC1; p=reject"), FAILS("_dmarc.com", NET_DNS_TXT) },
	  AUTH_DMARC_TEMPERROR, "-", "example.com", "an organizational domain is unknown" },
	{ "a temporary failure in the existence probe", { "a@sub.example.com" }, 1, NO_SPF,
	  { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { REC("example.com", "v=DMARC1; p=none; np=reject"), FAILS("sub.example.com", NET_DNS_A) },
	  AUTH_DMARC_TEMPERROR, "-", "example.com", "sub.example.com A: temporary failure: timeout" },
	{ "no From field", { NULL }, 0, NO_SPF, { { 0 } }, 0, AUTH_DMARC_TREEWALK, { { 0 } },
	  AUTH_DMARC_PERMERROR, "-", NULL, "the message has no From field" },
	{ "two From fields", { "a@a.example", "b@b.example" }, 2, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { { 0 } }, AUTH_DMARC_PERMERROR, "-", NULL,
	  "the message has 2 From fields: a.example, b.example" },
	{ "two mailboxes in one domain", { "a@x.example, b@x.example" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { { 0 } }, AUTH_DMARC_PERMERROR, "-", NULL,
	  "From holds 2 mailboxes: x.example, x.example" },
	{ "an empty group", { "undisclosed-recipients:;" }, 1, NO_SPF, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { { 0 } }, AUTH_DMARC_PERMERROR, "-", NULL, "From holds no mailbox" },
	{ "a display name alone", { "\"Test User\"" }, 1, NO_SPF, { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { { 0 } }, AUTH_DMARC_PERMERROR, "-", NULL, "From: no address in \"\"Test User\"\"" },
	{ "a malformed record at the organizational domain", { "a@mail.example.com" }, 1, NO_SPF,
	  { { 0 } }, 0, AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=none; p=reject") },
	  AUTH_DMARC_PERMERROR, "-", "example.com",
	  "record at _dmarc.example.com: tag p appears twice" },
	{ "psd=n makes an organizational domain", { "a@x.mail.example.com" }, 1, NO_SPF,
	  { { "pass", "other.example.com", NULL } }, 1, AUTH_DMARC_TREEWALK,
	  { REC("mail.example.com", "v=DMARC1; p=reject; psd=n"),
	    REC("example.com", "v=DMARC1; p=none") },
	  AUTH_DMARC_FAIL, "reject", "mail.example.com",
	  "no SPF or DKIM pass aligns with x.mail.example.com; policy of mail.example.com (p=reject)" },
	{ "SPF on the HELO name", { "a@example.com" }, 1, { "pass", "example.com", 1 }, { { 0 } }, 0,
	  AUTH_DMARC_TREEWALK, { REC("example.com", "v=DMARC1; p=reject") }, AUTH_DMARC_PASS,
	  "reject", "example.com", "SPF example.com aligns with example.com (relaxed)" },
	{ "an SPF domain that is not a domain name", { "a@example.com" }, 1,
	  PASS_SPF("exa mple.com"), { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { REC("example.com", "v=DMARC1; p=reject") }, AUTH_DMARC_FAIL, "reject", "example.com",
	  "no SPF or DKIM pass aligns with example.com; policy of example.com (p=reject)" },
	{ "an IDN author domain", { "a@B\xC3\xBC" "cher.example" }, 1,
	  PASS_SPF("xn--bcher-kva.example"), { { 0 } }, 0, AUTH_DMARC_TREEWALK,
	  { REC("xn--bcher-kva.example", "v=DMARC1; p=reject") }, AUTH_DMARC_PASS, "reject",
	  "xn--bcher-kva.example", "SPF xn--bcher-kva.example aligns with xn--bcher-kva.example "
	  "(relaxed)" },
	{ "sp for an existing subdomain with the RFC 7489 method", { "a@sub.example.co.uk" }, 1,
	  NO_SPF, { { 0 } }, 0, AUTH_DMARC_PSL,
	  { REC("example.co.uk", "v=DMARC1; p=none; sp=quarantine") }, AUTH_DMARC_FAIL,
	  "quarantine", "example.co.uk",
	  "no SPF or DKIM pass aligns with sub.example.co.uk; policy of example.co.uk "
	  "(sp=quarantine)" },
	{ "relaxed by the PSL", { "a@example.co.uk" }, 1, PASS_SPF("bounce.example.co.uk"),
	  { { 0 } }, 0, AUTH_DMARC_PSL, { REC("example.co.uk", "v=DMARC1; p=reject") },
	  AUTH_DMARC_PASS, "reject", "example.co.uk",
	  "SPF bounce.example.co.uk aligns with example.co.uk (relaxed)" },
	{ "a PSL sibling is not aligned", { "a@example.co.uk" }, 1, PASS_SPF("other.co.uk"),
	  { { 0 } }, 0, AUTH_DMARC_PSL, { REC("example.co.uk", "v=DMARC1; p=reject") },
	  AUTH_DMARC_FAIL, "reject", "example.co.uk",
	  "no SPF or DKIM pass aligns with example.co.uk; policy of example.co.uk (p=reject)" },
};

static void check_scenario(const struct scenario *s)
{
	const char *from[3];
	for (size_t i = 0; i < s->from_count; i++)
		from[i] = s->from[i];
	struct auth_dmarc_input in = { from, s->from_count, s->spf, s->dkim, s->dkim_count,
				       s->method, NULL };
	int asked;
	struct auth_dmarc_verdict *v = evaluate(&in, s->zone, &asked);
	const char *policy = v->has_policy ? auth_dmarc_policy_str(v->policy) : "-";
	if (v->result != s->result)
		fail_msg("%s: %s (%s), want %s", s->name, auth_dmarc_result_str(v->result), v->reason,
			 auth_dmarc_result_str(s->result));
	if (strcmp(v->reason, s->reason) != 0)
		fail_msg("%s: reason\n got  %s\n want %s", s->name, v->reason, s->reason);
	if (strcmp(policy, s->policy) != 0)
		fail_msg("%s: policy %s, want %s", s->name, policy, s->policy);
	if ((s->policy_domain == NULL) != (v->policy_domain == NULL) ||
	    (s->policy_domain && strcmp(s->policy_domain, v->policy_domain) != 0))
		fail_msg("%s: policy domain %s, want %s", s->name,
			 v->policy_domain ? v->policy_domain : "NULL",
			 s->policy_domain ? s->policy_domain : "NULL");
	auth_dmarc_verdict_free(v);
}

static void verdicts_of_scenarios(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		check_scenario(&scenarios[i]);
}

/* --- evidence ---------------------------------------------------------------- */

static struct auth_dmarc_verdict *run(const char *from, const struct auth_dmarc_spf *spf,
				      const struct auth_dmarc_dkim *dkim, size_t ndkim,
				      const struct zone_row *zone, int *asked)
{
	const char *froms[] = { from };
	struct auth_dmarc_input in = { froms, 1, *spf, dkim, ndkim, AUTH_DMARC_TREEWALK, NULL };
	return evaluate(&in, zone, asked);
}

/* Identifiers under another top-level domain cannot share an
 * organizational domain: no tree walk is made for them. */
static void no_walk_across_top_level_domains(void **state)
{
	(void)state;
	struct auth_dmarc_spf spf = { "pass", "bounce.example.net", 0 };
	struct zone_row zone[ZONE_MAX] = { REC("example.com", "v=DMARC1; p=none") };
	int asked;
	struct auth_dmarc_verdict *v = run("a@example.com", &spf, NULL, 0, zone, &asked);
	assert_int_equal(v->result, AUTH_DMARC_FAIL);
	assert_int_equal(asked, 2);
	assert_string_equal(v->spf.why, "bounce.example.net and example.com share no parent domain");
	assert_string_equal(v->spf.result, "pass");
	assert_false(v->spf.aligned);
	auth_dmarc_verdict_free(v);
}

/* RFC 9989 4.10: a name of forty labels costs at most eight queries. */
static void long_names_cost_eight_queries(void **state)
{
	(void)state;
	char from[200] = "a@";
	for (int i = 0; i < 40; i++)
		strcat(from, "x.");
	strcat(from, "example.com");
	struct auth_dmarc_spf spf = { NULL, NULL, 0 };
	struct zone_row zone[ZONE_MAX] = { REC("example.com", "v=DMARC1; p=reject") };
	int asked;
	struct auth_dmarc_verdict *v = run(from, &spf, NULL, 0, zone, &asked);
	assert_int_equal(asked, 8);
	assert_int_equal(v->author_walk.query_count, 8);
	assert_string_equal(v->author_walk.queried[1], "_dmarc.x.x.x.x.x.example.com");
	assert_int_equal(v->result, AUTH_DMARC_FAIL);
	assert_string_equal(v->policy_domain, "example.com");
	auth_dmarc_verdict_free(v);
}

/* np applies when the author domain does not exist: A, AAAA and MX all
 * NXDOMAIN; the probe stops at the first answer that is not. */
static void existence_probe(void **state)
{
	(void)state;
	struct auth_dmarc_spf spf = { NULL, NULL, 0 };
	struct zone_row gone[ZONE_MAX] = { REC("example.com", "v=DMARC1; p=none; np=reject") };
	int asked;
	struct auth_dmarc_verdict *v = run("a@gone.example.com", &spf, NULL, 0, gone, &asked);
	assert_string_equal(v->policy_tag, "np");
	assert_false(v->author_exists);
	assert_int_equal(v->policy, AUTH_DMARC_POLICY_REJECT);
	assert_string_equal(v->queries[v->query_count - 1], "gone.example.com MX");
	auth_dmarc_verdict_free(v);

	struct zone_row there[ZONE_MAX] = {
		REC("example.com", "v=DMARC1; p=none; np=reject"),
		{ "here.example.com", NET_DNS_A, NET_DNS_NODATA, { NULL } },
	};
	v = run("a@here.example.com", &spf, NULL, 0, there, &asked);
	assert_string_equal(v->policy_tag, "p");
	assert_true(v->author_exists);
	assert_int_equal(v->policy, AUTH_DMARC_POLICY_NONE);
	assert_string_equal(v->queries[v->query_count - 1], "here.example.com A");
	auth_dmarc_verdict_free(v);
}

/* The verdict becomes an Authentication-Results property list. */
static void verdict_in_authentication_results(void **state)
{
	(void)state;
	struct auth_dmarc_spf spf = { NULL, NULL, 0 };
	struct zone_row zone[ZONE_MAX] = { REC("example.com", "v=DMARC1; p=reject") };
	int asked;
	struct auth_dmarc_verdict *v = run("a@example.com", &spf, NULL, 0, zone, &asked);
	struct auth_authres *ar = auth_authres_new("mx.frank.test");
	auth_authres_add_dmarc(ar, v);
	char *s = auth_authres_format(ar, 0);
	assert_string_equal(s, "Authentication-Results: mx.frank.test; dmarc=fail (no SPF or DKIM "
			    "pass aligns with example.com; policy of example.com \\(p=reject\\)) "
			    "header.from=example.com policy.dmarc=reject");
	free(s);
	auth_authres_free(ar);
	auth_dmarc_verdict_free(v);

	v = run("a@x.example, b@y.example", &spf, NULL, 0, zone, &asked);
	ar = auth_authres_new("mx.frank.test");
	auth_authres_add_dmarc(ar, v);
	s = auth_authres_format(ar, 0);
	assert_string_equal(s, "Authentication-Results: mx.frank.test; dmarc=permerror (From holds 2 "
			    "mailboxes: x.example, y.example)");
	free(s);
	auth_authres_free(ar);
	auth_dmarc_verdict_free(v);
}

/* The standalone walk, and its report of a temporary failure. */
static void walk_on_its_own(void **state)
{
	(void)state;
	struct zone_row zone[ZONE_MAX] = { FAILS("_dmarc.example.com", NET_DNS_TXT) };
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_walk walk;
	struct auth_dns_need need;
	char *temperror = NULL;
	while (auth_dmarc_walk_org_domain("a.example.com", cache, &walk, &temperror, &need) ==
	       AUTH_NEED_DNS)
		auth_dns_cache_put(cache, zone_answer(zone, &need));
	assert_non_null(temperror);
	assert_string_equal(temperror, "_dmarc.example.com TXT: temporary failure: timeout");
	assert_null(walk.org_domain);
	assert_int_equal(walk.query_count, 2);
	free(temperror);
	auth_dmarc_walk_release(&walk);
	auth_dmarc_walk_release(NULL);

	/* names are normalized first; what is not a name is said so */
	auth_dns_cache_free(cache);
	cache = auth_dns_cache_new();
	zone[0] = (struct zone_row)REC("example.com", "v=DMARC1; p=none");
	while (auth_dmarc_walk_org_domain("Mail.EXAMPLE.com", cache, &walk, &temperror, &need) ==
	       AUTH_NEED_DNS)
		auth_dns_cache_put(cache, zone_answer(zone, &need));
	assert_null(temperror);
	assert_string_equal(walk.queried[0], "_dmarc.mail.example.com");
	auth_dmarc_walk_release(&walk);
	assert_int_equal(auth_dmarc_walk_org_domain("a..b", cache, &walk, &temperror, &need),
			 AUTH_DONE);
	assert_null(walk.org_domain);
	assert_string_equal(walk.org_why, "not a domain name: empty label");
	auth_dmarc_walk_release(&walk);
	auth_dns_cache_free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(asks_one_query_at_a_time),
		cmocka_unit_test(verdicts_of_scenarios),
		cmocka_unit_test(no_walk_across_top_level_domains),
		cmocka_unit_test(long_names_cost_eight_queries),
		cmocka_unit_test(existence_probe),
		cmocka_unit_test(verdict_in_authentication_results),
		cmocka_unit_test(walk_on_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
