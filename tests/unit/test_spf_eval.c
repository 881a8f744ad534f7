/* test_spf_eval.c: whole SPF evaluations over a small zone: the restart
 * protocol (each query asked once, in order), the evidence a result
 * carries, the limits and loops, identities, and hostile sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"

enum { TIMEOUT = 1, BOGUS = 2 };

/* One record of a test zone; a name not in the zone is NXDOMAIN, a name in
 * it without the type NODATA. */
struct zrr {
	const char *name;
	enum net_dns_type type;
	const char *data;
	unsigned pref;
	int flags;
};

static struct net_dns_answer *zone_answer(const struct zrr *zone, const char *qname,
					  enum net_dns_type type)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(qname);
	a->qtype = type;
	a->rcode = NET_DNS_NXDOMAIN;
	for (const struct zrr *z = zone; z->name; z++) {
		if (strcasecmp(z->name, qname) != 0)
			continue;
		if (a->rcode == NET_DNS_NXDOMAIN)
			a->rcode = NET_DNS_NODATA;
		if (z->type != type)
			continue;
		if (z->flags & TIMEOUT) {
			a->rcode = NET_DNS_TEMPFAIL;
			a->why = lib_xstrdup("timed out");
			break;
		}
		a->bogus |= (z->flags & BOGUS) != 0;
		a->rcode = NET_DNS_ANSWER;
		a->records = lib_xrealloc(a->records, (a->count + 1) * sizeof *a->records);
		struct net_dns_record *r = &a->records[a->count++];
		memset(r, 0, sizeof *r);
		r->text = lib_xstrdup(z->data);
		r->text_len = strlen(z->data);
		r->preference = z->pref;
		if (type == NET_DNS_A && inet_pton(AF_INET, z->data, r->addr) == 1)
			r->addr_len = 4;
		if (type == NET_DNS_AAAA && inet_pton(AF_INET6, z->data, r->addr) == 1)
			r->addr_len = 16;
	}
	return a;
}

struct run {
	struct auth_spf_result res;
	int restarts;
	struct lib_buf asked; /* "TYPE name\n" per query, in order */
};

/* Evaluates to the end as a caller does: answer the need, call again. */
static void run(const struct zrr *zone, const char *ip, const char *helo, const char *from,
		int helo_identity, struct run *r)
{
	struct auth_spf_request req = {
		.ip = ip, .helo = helo, .mail_from = from, .receiver = "mx.frank.test",
		.now = 1700000000,
	};
	struct auth_dns_cache *cache = auth_dns_cache_new();
	memset(r, 0, sizeof *r);
	for (;;) {
		struct auth_dns_need need;
		enum auth_step step = helo_identity
			? auth_spf_check_helo(&req, cache, &r->res, &need)
			: auth_spf_check(&req, cache, &r->res, &need);
		if (step == AUTH_DONE)
			break;
		assert_int_equal(step, AUTH_NEED_DNS);
		assert_null(r->res.reason); /* nothing half-made on a miss */
		assert_null(r->res.records);
		assert_null(auth_dns_cache_get(cache, need.name, need.type));
		assert_true(r->restarts < 500);
		lib_buf_printf(&r->asked, "%s %s\n", net_dns_type_str(need.type), need.name);
		auth_dns_cache_put(cache, zone_answer(zone, need.name, need.type));
		r->restarts++;
	}
	assert_non_null(r->res.reason);
	auth_dns_cache_free(cache);
}

static void run_release(struct run *r)
{
	auth_spf_result_release(&r->res);
	lib_buf_release(&r->asked);
}

static void pass_through_include_with_evidence(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "example.org", NET_DNS_TXT, "v=spf1 mx include:_spf.example.net -all", 0, 0 },
		{ "example.org", NET_DNS_TXT, "google-site-verification=abc", 0, 0 },
		{ "example.org", NET_DNS_MX, "mail.example.org", 10, 0 },
		{ "mail.example.org", NET_DNS_A, "192.0.2.10", 0, 0 },
		{ "_spf.example.net", NET_DNS_TXT, "v=spf1 ip4:198.51.100.0/24 ~all", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "198.51.100.7", "mail.example.org", "alice@example.org", 0, &r);
	assert_string_equal(auth_spf_code_str(r.res.code), "pass");
	assert_int_equal(r.res.identity, AUTH_SPF_MAILFROM);
	assert_string_equal(r.res.sender, "alice@example.org");
	assert_string_equal(r.res.domain, "example.org");
	assert_string_equal(r.res.matched, "include:_spf.example.net");
	assert_string_equal(r.res.matched_domain, "example.org");
	assert_string_equal(r.res.reason, "'include:_spf.example.net' matched in the record of example.org");
	assert_null(r.res.explanation);
	assert_int_equal(r.res.record_count, 2);
	assert_string_equal(r.res.records[0].domain, "example.org");
	assert_string_equal(r.res.records[0].text, "v=spf1 mx include:_spf.example.net -all");
	assert_int_equal(r.res.records[0].via, AUTH_SPF_VIA_CHECK);
	assert_int_equal(r.res.records[0].depth, 0);
	assert_string_equal(r.res.records[1].domain, "_spf.example.net");
	assert_int_equal(r.res.records[1].via, AUTH_SPF_VIA_INCLUDE);
	assert_int_equal(r.res.records[1].depth, 1);
	assert_int_equal(r.res.dns_terms, 2);
	assert_int_equal(r.res.void_lookups, 0);
	assert_string_equal(r.asked.data, "TXT example.org\nMX example.org\nA mail.example.org\n"
			    "TXT _spf.example.net\n");
	assert_int_equal(r.restarts, 4);
	run_release(&r);
}

static void fail_with_expanded_explanation(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "example.org", NET_DNS_TXT, "v=spf1 a -all exp=why.%{d}", 0, 0 },
		{ "example.org", NET_DNS_A, "192.0.2.1", 0, 0 },
		{ "why.example.org", NET_DNS_TXT, "%{i} may not send for %{d} (%{l} at %{o}, %{r})", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.99", "mail.example.org", "Bob@example.org.", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_FAIL);
	assert_string_equal(r.res.explanation,
			    "192.0.2.99 may not send for example.org (Bob at example.org, mx.frank.test)");
	assert_string_equal(r.res.matched, "-all");
	assert_int_equal(r.res.dns_terms, 1);
	assert_string_equal(r.asked.data, "TXT example.org\nA example.org\nTXT why.example.org\n");
	run_release(&r);
	/* bytes from the client never reach an SMTP reply raw */
	run(zone, "192.0.2.99", "mail.example.org", "a\x01z@example.org", 0, &r);
	assert_non_null(strstr(r.res.explanation, "(a?z at example.org"));
	run_release(&r);
}

static void null_sender_checks_helo_and_defaults_to_neutral(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "mail.example.org", NET_DNS_TXT, "v=spf1 ip4:192.0.2.1", 0, 0 },
		{ "example.org", NET_DNS_TXT, "v=spf1 -all", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.2", "mail.example.org.", "", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_NEUTRAL);
	assert_int_equal(r.res.identity, AUTH_SPF_HELO);
	assert_string_equal(auth_spf_identity_str(r.res.identity), "helo");
	assert_string_equal(r.res.sender, "postmaster@mail.example.org");
	assert_string_equal(r.res.domain, "mail.example.org");
	assert_null(r.res.matched);
	assert_string_equal(r.res.reason, "no term matched in the record of mail.example.org: "
			    "neutral by default");
	run_release(&r);
	/* auth_spf_check_helo checks the HELO name whatever MAIL FROM says */
	run(zone, "192.0.2.1", "mail.example.org", "bob@example.org", 1, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PASS);
	assert_int_equal(r.res.identity, AUTH_SPF_HELO);
	assert_string_equal(r.res.domain, "mail.example.org");
	run_release(&r);
	run(zone, "192.0.2.1", "mail.example.org", "bob@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_FAIL);
	assert_string_equal(auth_spf_identity_str(r.res.identity), "mailfrom");
	run_release(&r);
	/* no local part: postmaster (4.3) */
	run(zone, "192.0.2.1", "mail.example.org", "@example.org", 0, &r);
	assert_string_equal(r.res.sender, "postmaster@example.org");
	run_release(&r);
}

static void include_and_redirect_loops_end_in_permerror(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "a.example", NET_DNS_TXT, "v=spf1 include:b.example -all", 0, 0 },
		{ "b.example", NET_DNS_TXT, "v=spf1 include:A.EXAMPLE.", 0, 0 },
		{ "c.example", NET_DNS_TXT, "v=spf1 ip4:192.0.2.9 redirect=%{d}", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.1", "h.example", "x@a.example", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PERMERROR);
	assert_string_equal(r.res.reason, "include loop: a.example -> b.example -> A.EXAMPLE");
	assert_int_equal(r.res.record_count, 2);
	assert_int_equal(r.res.dns_terms, 2);
	run_release(&r);
	run(zone, "192.0.2.1", "h.example", "x@c.example", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PERMERROR);
	assert_string_equal(r.res.reason, "redirect loop: c.example -> c.example");
	run_release(&r);
}

/* d0 includes d1 ... includes d12: the 11th include is over the limit. */
static void include_chain_deeper_than_the_limit(void **state)
{
	(void)state;
	struct zrr zone[14];
	char names[13][16], records[13][48];
	for (int k = 0; k < 13; k++) {
		snprintf(names[k], sizeof names[k], "d%d.example", k);
		snprintf(records[k], sizeof records[k], "v=spf1 include:d%d.example", k + 1);
		zone[k] = (struct zrr){ names[k], NET_DNS_TXT, records[k], 0, 0 };
	}
	zone[13] = (struct zrr){ NULL, 0, NULL, 0, 0 };
	struct run r;
	run(zone, "192.0.2.1", "h.example", "x@d0.example", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PERMERROR);
	assert_string_equal(r.res.reason, "too many DNS lookups (11 > 10) at 'include:d11.example'");
	assert_int_equal(r.res.dns_terms, 11);
	assert_int_equal(r.res.record_count, 11);
	assert_int_equal(r.res.records[10].depth, 10);
	assert_int_equal(r.restarts, 11);
	run_release(&r);
}

static void void_lookups_over_two_end_in_permerror(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "example.org", NET_DNS_TXT,
		  "v=spf1 a:nx1.example.org a:nx2.example.org mx:nx3.example.org ?all", 0, 0 },
		{ "two.example.org", NET_DNS_TXT, "v=spf1 a:nx1.example.org exists:nx2.example.org ?all", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.1", "h.example", "x@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PERMERROR);
	assert_string_equal(r.res.reason, "too many void DNS lookups (3 > 2): MX nx3.example.org has no records");
	assert_int_equal(r.res.void_lookups, 3);
	run_release(&r);
	run(zone, "192.0.2.1", "h.example", "x@two.example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_NEUTRAL);
	assert_int_equal(r.res.void_lookups, 2);
	assert_string_equal(r.res.matched, "?all");
	run_release(&r);
}

static const struct zrr record_zone[] = {
	{ "two.example.org", NET_DNS_TXT, "v=spf1 -all", 0, 0 },
	{ "two.example.org", NET_DNS_TXT, "something else", 0, 0 },
	{ "two.example.org", NET_DNS_TXT, "V=SPF1 +all", 0, 0 },
	{ "bad.example.org", NET_DNS_TXT, "v=spf1 a: -all", 0, 0 },
	{ "none.example.org", NET_DNS_TXT, "v=spf10 -all", 0, 0 },
	{ "empty.example.org", NET_DNS_A, "192.0.2.1", 0, 0 },
	{ "slow.example.org", NET_DNS_TXT, NULL, 0, TIMEOUT },
	{ "forged.example.org", NET_DNS_TXT, "v=spf1 +all", 0, BOGUS },
	{ "mxslow.example.org", NET_DNS_TXT, "v=spf1 mx -all", 0, 0 },
	{ "mxslow.example.org", NET_DNS_MX, "mx.mxslow.example.org", 0, 0 },
	{ "mx.mxslow.example.org", NET_DNS_A, NULL, 0, TIMEOUT },
	{ NULL, 0, NULL, 0, 0 },
};

static const struct {
	const char *from;
	enum auth_spf_code code;
	const char *reason;
} record_cases[] = {
	{ "x@two.example.org", AUTH_SPF_PERMERROR, "2 SPF records at two.example.org" },
	{ "x@bad.example.org", AUTH_SPF_PERMERROR,
	  "the SPF record of bad.example.org: empty domain in 'a:'" },
	{ "x@none.example.org", AUTH_SPF_NONE, "no SPF record at none.example.org" },
	{ "x@empty.example.org", AUTH_SPF_NONE, "no SPF record at empty.example.org (no data)" },
	{ "x@nx.example.org", AUTH_SPF_NONE, "no SPF record at nx.example.org (NXDOMAIN)" },
	{ "x@slow.example.org", AUTH_SPF_TEMPERROR, "DNS error looking up TXT slow.example.org: timed out" },
	{ "x@forged.example.org", AUTH_SPF_TEMPERROR,
	  "DNS error looking up TXT forged.example.org: DNSSEC validation failed" },
	{ "x@mxslow.example.org", AUTH_SPF_TEMPERROR,
	  "DNS error looking up A mx.mxslow.example.org: timed out" },
	{ "x@[192.0.2.1]", AUTH_SPF_NONE, "'[192.0.2.1]' is not a domain name SPF can check" },
	{ "x@localhost", AUTH_SPF_NONE, "'localhost' is not a domain name SPF can check" },
	{ "x@a..example.org", AUTH_SPF_NONE, "'a..example.org' is not a domain name SPF can check" },
	{ "x@a\nb.example.org", AUTH_SPF_NONE, "'a?b.example.org' is not a domain name SPF can check" },
};

static void record_selection_and_dns_errors(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof record_cases / sizeof record_cases[0]; k++) {
		struct run r;
		run(record_zone, "192.0.2.1", "h.example", record_cases[k].from, 0, &r);
		if (r.res.code != record_cases[k].code ||
		    strcmp(r.res.reason, record_cases[k].reason) != 0)
			fail_msg("%s: got %s \"%s\", want %s \"%s\"", record_cases[k].from,
				 auth_spf_code_str(r.res.code), r.res.reason,
				 auth_spf_code_str(record_cases[k].code), record_cases[k].reason);
		run_release(&r);
	}
}

static void bad_client_addresses_give_none(void **state)
{
	(void)state;
	struct run r;
	run(record_zone, "192.0.2.300", "h.example", "x@two.example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_NONE);
	assert_string_equal(r.res.reason, "the client address '192.0.2.300' is not an IP address");
	assert_int_equal(r.restarts, 0);
	run_release(&r);
	run(record_zone, NULL, NULL, NULL, 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_NONE);
	run_release(&r);
}

/* IPv4-mapped clients are IPv4 (RFC 7208 5); IPv6 clients ask AAAA, but
 * exists asks A (5.7), and %{i} is the nibble form. */
static void address_families(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "example.org", NET_DNS_TXT, "v=spf1 exists:%{ir}.x.example.org a:h.example.org -all", 0, 0 },
		{ "h.example.org", NET_DNS_A, "192.0.2.1", 0, 0 },
		{ "h.example.org", NET_DNS_AAAA, "2001:db8::1", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "::FFFF:192.0.2.1", "h.example", "x@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PASS);
	assert_string_equal(r.asked.data, "TXT example.org\nA 1.2.0.192.x.example.org\nA h.example.org\n");
	run_release(&r);
	run(zone, "2001:db8::1", "h.example", "x@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PASS);
	assert_string_equal(r.res.matched, "a:h.example.org");
	assert_string_equal(r.asked.data, "TXT example.org\n"
			    "A 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.x.example.org\n"
			    "AAAA h.example.org\n");
	run_release(&r);
}

/* ptr validates only names under the target, by their address. */
static void ptr_asks_reverse_then_forward(void **state)
{
	(void)state;
	static const struct zrr zone[] = {
		{ "example.org", NET_DNS_TXT, "v=spf1 ptr -all", 0, 0 },
		{ "1.2.0.192.in-addr.arpa", NET_DNS_PTR, "other.example.net", 0, 0 },
		{ "1.2.0.192.in-addr.arpa", NET_DNS_PTR, "mail.example.org.", 0, 0 },
		{ "mail.example.org", NET_DNS_A, "192.0.2.1", 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.1", "h.example", "x@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PASS);
	assert_string_equal(r.asked.data, "TXT example.org\nPTR 1.2.0.192.in-addr.arpa\nA mail.example.org\n");
	run_release(&r);
	run(zone, "2001:db8::1", "h.example", "x@example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_FAIL);
	assert_string_equal(r.asked.data, "TXT example.org\nPTR 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
			    "0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa\n");
	assert_int_equal(r.res.void_lookups, 1);
	run_release(&r);
}

/* TXT records of a megabyte: the SPF one is refused, a foreign one is
 * skipped, an explanation one is dropped. */
static void megabyte_records_are_bounded(void **state)
{
	(void)state;
	size_t len = 1u << 20;
	char *spf = malloc(len + 1), *other = malloc(len + 1), *exp = malloc(len + 1);
	assert_true(spf && other && exp);
	memcpy(spf, "v=spf1", 6);
	for (size_t k = 6; k < len; k += 2)
		memcpy(spf + k, " a", 2);
	spf[len] = '\0';
	memset(other, 'x', len);
	other[len] = '\0';
	for (size_t k = 0; k < len; k += 4)
		memcpy(exp + k, "%{s}", 4);
	exp[len] = '\0';
	const struct zrr zone[] = {
		{ "big.example.org", NET_DNS_TXT, spf, 0, 0 },
		{ "pad.example.org", NET_DNS_TXT, other, 0, 0 },
		{ "pad.example.org", NET_DNS_TXT, "v=spf1 ip4:192.0.2.1 -all exp=long.example.org", 0, 0 },
		{ "long.example.org", NET_DNS_TXT, exp, 0, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	struct run r;
	run(zone, "192.0.2.1", "h.example", "x@big.example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PERMERROR);
	assert_string_equal(r.res.reason, "the SPF record of big.example.org: "
			    "the record is 1048576 bytes long, more than 65535");
	run_release(&r);
	run(zone, "192.0.2.1", "h.example", "x@pad.example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_PASS);
	run_release(&r);
	run(zone, "192.0.2.2", "h.example", "x@pad.example.org", 0, &r);
	assert_int_equal(r.res.code, AUTH_SPF_FAIL);
	assert_null(r.res.explanation);
	run_release(&r);
	free(spf);
	free(other);
	free(exp);
}

static void names_of_codes_and_safe_release(void **state)
{
	(void)state;
	static const char *const names[] = {
		"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror",
	};
	for (int k = AUTH_SPF_NONE; k <= AUTH_SPF_PERMERROR; k++)
		assert_string_equal(auth_spf_code_str((enum auth_spf_code)k), names[k]);
	struct auth_spf_result zero;
	memset(&zero, 0, sizeof zero);
	auth_spf_result_release(&zero);
	auth_spf_result_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_through_include_with_evidence),
		cmocka_unit_test(fail_with_expanded_explanation),
		cmocka_unit_test(null_sender_checks_helo_and_defaults_to_neutral),
		cmocka_unit_test(include_and_redirect_loops_end_in_permerror),
		cmocka_unit_test(include_chain_deeper_than_the_limit),
		cmocka_unit_test(void_lookups_over_two_end_in_permerror),
		cmocka_unit_test(record_selection_and_dns_errors),
		cmocka_unit_test(bad_client_addresses_give_none),
		cmocka_unit_test(address_families),
		cmocka_unit_test(ptr_asks_reverse_then_forward),
		cmocka_unit_test(megabyte_records_are_bounded),
		cmocka_unit_test(names_of_codes_and_safe_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
