/* test_check_domain.c: frank dnscheck's checker (auth_check_domain) over
 * zones answered by the offline resolver: the rows each domain gets, as a
 * table of zone -> rule names and score; the restart protocol (every
 * query it can see asked at once, none twice, the same report whatever
 * the room for needs); and the report: the rule table, the score, the
 * text and JSON forms, hostile text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

struct checked {
	struct auth_check_report *report;
	struct lib_buf rules;  /* "rule rule ..." in row order */
	unsigned rounds;
	size_t first_round;    /* needs in the first round */
	size_t asked;          /* queries in all */
};

/* Runs the check to the end over zone, max_needs at a time. */
static void check(const char *zone, const struct auth_check_request *req, size_t max_needs,
		  struct checked *r)
{
	struct lib_err err;
	struct net_dns *dns = net_dns_new(NULL, &err);
	assert_non_null(dns);
	assert_int_equal(net_dns_load_zone_text(dns, "test", zone, strlen(zone), NULL, &err), 0);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need needs[64];
	assert_true(max_needs <= 64);
	memset(r, 0, sizeof *r);
	for (;;) {
		size_t n = 99;
		if (auth_check_domain(req, cache, &r->report, needs, max_needs, &n) == AUTH_DONE) {
			assert_int_equal(n, 0);
			break;
		}
		assert_null(r->report);
		assert_true(n >= 1 && n <= max_needs);
		assert_true(++r->rounds < 200);
		if (r->rounds == 1)
			r->first_round = n;
		for (size_t i = 0; i < n; i++) {
			assert_null(auth_dns_cache_get(cache, needs[i].name, needs[i].type));
			for (size_t k = 0; k < i; k++) /* each once */
				assert_false(needs[k].type == needs[i].type &&
					     strcmp(needs[k].name, needs[i].name) == 0);
			struct net_dns_answer *a = net_dns_lookup(dns, needs[i].name, needs[i].type, &err);
			assert_non_null(a);
			auth_dns_cache_put(cache, a);
			r->asked++;
		}
	}
	assert_non_null(r->report);
	for (size_t i = 0; i < r->report->count; i++)
		lib_buf_printf(&r->rules, "%s%s", i ? " " : "",
			       auth_check_rule_get(r->report->items[i].rule)->name);
	if (!r->rules.data)
		lib_buf_puts(&r->rules, "");
	auth_dns_cache_free(cache);
	net_dns_free(dns);
}

static void checked_release(struct checked *r)
{
	auth_check_report_free(r->report);
	lib_buf_release(&r->rules);
}

/* A domain with everything right, to build the cases on. */
#define GOOD_MX "d.test. MX 10 mx.d.test.\nmx.d.test. A 192.0.2.1\n" \
	"1.2.0.192.in-addr.arpa. PTR mx.d.test.\n"
#define GOOD_SPF "d.test. TXT \"v=spf1 mx -all\"\n"
#define GOOD_DMARC "_dmarc.d.test. TXT \"v=DMARC1; p=reject; rua=mailto:r@d.test\"\n"
/* a 2048-bit RSA key, as two strings of a TXT record */
#define KEY2048 "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsA3t2+gl22v9+pVaZ1k5PBlAxNgtOxupysuY" \
	"21Vcyj1yMc6injZgaSlbaQtiN9dkXciYc+poOBtagcew3UrtWtf6uFRW6ccoWBXopDmlAJYCLMFeKo3s" \
	"BikteonpYNHpmsK3zSNovvrtCuO7GzdTQcC5V4O6s7vkVtzYzq3i8ipXgQaWtYyhPnF4EqSpqPjExt/J\" \"" \
	"y8QSQefArIBcnB1k/se1wcPPNDsAhH3F0eYvlOJd5taN296LuKvcFOGvrU0ME6ggG+PvAJ8/wprsMGEN" \
	"iFMB/mCnMJ4Wc5AzDH+dPLxmm6v/QMS2mfrnr2FFtN2ke+sBVgjEVn4MQ0PjlUMmuQIDAQAB"
#define GOOD_DKIM "default._domainkey.d.test. TXT ( \"v=DKIM1; p=" KEY2048 "\" )\n"
#define GOOD GOOD_MX GOOD_SPF GOOD_DMARC GOOD_DKIM

struct domain_case {
	const char *what;
	const char *zone;
	const char *ip;
	const char *selector;
	const char *rules;
	unsigned score;
};

static const struct domain_case cases[] = {
	{ "all right", GOOD, NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key dmarc-record "
	  "dmarc-enforced dmarc-reports ptr", 100 },
	{ "does not exist", "x.test. A 192.0.2.9\n", NULL, NULL, "domain-nxdomain", 0 },
	{ "nothing but an address", "d.test. A 192.0.2.1\n", NULL, NULL,
	  "mx-none-address spf-none dkim-none-found dmarc-none", 100 - 10 - 20 - 10 - 20 },
	{ "load balancing, a CNAME host, a host without address",
	  "d.test. MX 10 a.d.test.\nd.test. MX 10 b.d.test.\nd.test. MX 10 c.d.test.\n"
	  "a.d.test. A 192.0.2.1\nb.d.test. CNAME a.d.test.\nc.d.test. TXT \"x\"\n"
	  "1.2.0.192.in-addr.arpa. PTR a.d.test.\n" GOOD_SPF GOOD_DMARC GOOD_DKIM,
	  NULL, NULL,
	  "mx-hosts mx-host mx-host-cname mx-host-no-address spf-record spf-lookups "
	  "spf-all-fail dkim-key dmarc-record dmarc-enforced dmarc-reports ptr", 100 - 10 - 20 },
	{ "null MX", "d.test. MX 0 .\n" GOOD_SPF GOOD_DMARC GOOD_DKIM, NULL, NULL,
	  "mx-null spf-record spf-lookups spf-all-fail dkim-key dmarc-record dmarc-enforced "
	  "dmarc-reports", 100 },
	{ "the sender allowed, with forward-confirmed reverse DNS, on no list", GOOD,
	  "192.0.2.1", NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail spf-ip-pass dkim-key "
	  "dmarc-record dmarc-enforced dmarc-reports ptr ptr dnsbl-clean", 100 },
	{ "the sender not allowed, no PTR, listed",
	  GOOD "9.2.0.192.bl.test. A 127.0.0.2\n", "192.0.2.9", NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail spf-ip-not-allowed dkim-key "
	  "dmarc-record dmarc-enforced dmarc-reports ptr ptr-ip-missing dnsbl-listed",
	  100 - 20 - 20 - 30 },
	{ "a selector given that has no key", GOOD, NULL, "s1",
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key-missing dmarc-record "
	  "dmarc-enforced dmarc-reports ptr", 80 },
	{ "a TXT record that is no key at a common selector (as a wildcard answers)",
	  GOOD_MX GOOD_SPF GOOD_DMARC "default._domainkey.d.test. TXT \"v=spf1 -all\"\n"
	  "dkim._domainkey.d.test. TXT \"keep=1\"\n", NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-none-found dmarc-record "
	  "dmarc-enforced dmarc-reports ptr", 90 },
	{ "p=quarantine at the organizational domain, t=y, no rua",
	  "sub.d.test. MX 10 mx.d.test.\nmx.d.test. A 192.0.2.1\n"
	  "1.2.0.192.in-addr.arpa. PTR mx.d.test.\nsub.d.test. TXT \"v=spf1 mx -all\"\n"
	  "_dmarc.d.test. TXT \"v=DMARC1; p=quarantine; t=y\"\n"
	  "default._domainkey.sub.d.test. TXT ( \"p=" KEY2048 "\" )\n", NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key dmarc-record "
	  "dmarc-enforced dmarc-testing dmarc-no-rua ptr", 90 },
	{ "a DMARC record without p and rua does not apply",
	  GOOD_MX GOOD_SPF GOOD_DKIM "_dmarc.d.test. TXT \"v=DMARC1; adkim=s\"\n", NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key dmarc-record "
	  "dmarc-unusable ptr", 80 },
	{ "report URIs: external unauthorized, not mailto, no address",
	  GOOD_MX GOOD_SPF GOOD_DKIM
	  "_dmarc.d.test. TXT \"v=DMARC1; p=reject; rua=mailto:a@e.test,ftp://x,mailto:nobody\"\n",
	  NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key dmarc-record "
	  "dmarc-enforced dmarc-reports-unauthorized dmarc-reports-bad-uri "
	  "dmarc-reports-bad-uri ptr", 80 },
	{ "temporary failures are rows that cost nothing",
	  GOOD_MX GOOD_SPF GOOD_DKIM "_dmarc.d.test. TEMPFAIL\n", NULL, NULL,
	  "mx-hosts mx-host spf-record spf-lookups spf-all-fail dkim-key dns-tempfail ptr", 100 },
};

static void the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct domain_case *c = &cases[i];
		const char *sel[1] = { c->selector };
		const char *lists[1] = { "bl.test" };
		struct auth_check_request req = {
			.domain = strncmp(c->what, "p=quarantine", 12) == 0 ? "sub.d.test" : "d.test",
			.selectors = sel, .selector_count = c->selector ? 1 : 0,
			.ip = c->ip, .dnsbl = lists, .dnsbl_count = c->ip ? 1 : 0,
		};
		struct checked r;
		print_message("case: %s\n", c->what);
		check(c->zone, &req, 64, &r);
		assert_string_equal(r.rules.data, c->rules);
		assert_int_equal(auth_check_score(r.report), c->score);
		assert_false(r.report->dns_unreachable);
		checked_release(&r);
	}
}

/* The first round asks for everything it can see: MX, SPF, every common
 * selector and DMARC at once, not one query per round. */
static void needs_come_together(void **state)
{
	(void)state;
	struct auth_check_request req = { .domain = "d.test" };
	struct checked r;
	check(GOOD, &req, 64, &r);
	assert_true(r.first_round >= 13); /* MX, TXT, 10 selectors, _dmarc */
	assert_true(r.rounds <= 6);
	char *wide = auth_check_report_text(r.report);
	size_t asked = r.asked;
	checked_release(&r);

	/* one need at a time: more rounds, the same queries and report */
	check(GOOD, &req, 1, &r);
	assert_int_equal(r.first_round, 1);
	assert_int_equal(r.asked, asked);
	char *narrow = auth_check_report_text(r.report);
	assert_string_equal(narrow, wide);
	free(wide);
	free(narrow);
	checked_release(&r);

	/* no room at all: a caller's bug, said without a crash */
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_check_report *report = (void *)1;
	size_t n = 7;
	assert_int_equal(auth_check_domain(&req, cache, &report, NULL, 0, &n), AUTH_NEED_DNS);
	assert_null(report);
	assert_int_equal(n, 0);
	auth_dns_cache_free(cache);
}

static void every_answer_failing_is_unreachable(void **state)
{
	(void)state;
	struct auth_check_request req = { .domain = "d.test", .selectors = (const char *[]){ "s" },
					  .selector_count = 1 };
	struct checked r;
	check("d.test. TEMPFAIL\n_dmarc.d.test. TEMPFAIL\ns._domainkey.d.test. TEMPFAIL\n", &req, 64,
	      &r);
	assert_true(r.report->dns_unreachable);
	checked_release(&r);
	/* one name answering is enough to say DNS works */
	check("d.test. TEMPFAIL\n_dmarc.d.test. TEMPFAIL\ns._domainkey.d.test. A 192.0.2.1\n", &req,
	      64, &r);
	assert_false(r.report->dns_unreachable);
	checked_release(&r);
}

/* Names from answers (an MX exchange, a PTR target) of bytes written as
 * \DDD are longer in presentation form than a query name can be: they
 * name nothing, and the check still ends (the fuzzer found it looping). */
static void long_names_name_nothing(void **state)
{
	(void)state;
	struct lib_buf zone = LIB_BUF_INIT, label = LIB_BUF_INIT;
	for (int i = 0; i < 60; i++)
		lib_buf_puts(&label, "\\255");
	lib_buf_printf(&zone, "d.test. MX 10 %s.%s.%s.d.test.\n", label.data, label.data, label.data);
	lib_buf_printf(&zone, "mx.d.test. A 192.0.2.1\nd.test. MX 20 mx.d.test.\n"
			      "1.2.0.192.in-addr.arpa. PTR %s.%s.d.test.\n" GOOD_SPF GOOD_DMARC GOOD_DKIM,
		       label.data, label.data);
	struct auth_check_request req = { .domain = "d.test", .ip = "192.0.2.1" };
	struct checked r;
	check(zone.data, &req, 64, &r);
	assert_string_equal(r.rules.data,
			    "mx-hosts mx-host-no-address mx-host spf-record spf-lookups spf-all-fail "
			    "spf-ip-pass dkim-key dmarc-record dmarc-enforced dmarc-reports "
			    "ptr-mx-unconfirmed ptr-ip-unconfirmed");
	checked_release(&r);
	lib_buf_release(&zone);
	lib_buf_release(&label);
}

static void rule_table_is_whole(void **state)
{
	(void)state;
	for (int i = 0; i < AUTH_RULE_COUNT; i++) {
		const struct auth_check_rule_info *a = auth_check_rule_get((enum auth_check_rule)i);
		assert_non_null(a);
		assert_non_null(a->name);
		assert_non_null(a->check);
		assert_non_null(a->what);
		/* passes cost nothing, failures cost something */
		assert_true(a->status != AUTH_CHECK_PASS || a->points == 0);
		assert_true(a->status != AUTH_CHECK_FAIL || a->points > 0);
		assert_true(a->points <= AUTH_CHECK_MAX_POINTS);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(auth_check_rule_get((enum auth_check_rule)k)->name, a->name);
	}
	assert_null(auth_check_rule_get(AUTH_RULE_COUNT));
	assert_null(auth_check_rule_get((enum auth_check_rule)-1));
	assert_string_equal(auth_check_status_str(AUTH_CHECK_WARN), "warn");
}

static void report_forms(void **state)
{
	(void)state;
	struct auth_check_report *r = auth_check_report_new("d.test");
	auth_check_add(r, AUTH_RULE_SPF_RECORD, NULL, "d.test: %s", "v=spf1 \"-all\"");
	auth_check_add(r, AUTH_RULE_SPF_ALL_NEUTRAL, "end the record with -all", "ends in ?all");
	auth_check_add(r, AUTH_RULE_SPF_VOID, "remove it", "void");
	assert_int_equal(auth_check_score(r), 85);
	char *text = auth_check_report_text(r);
	assert_string_equal(text, "pass  spf     d.test: v=spf1 \"-all\"\n"
				  "warn  spf     ends in ?all (-1)\n"
				  "              fix: end the record with -all\n"
				  "warn  spf     void (-0.5)\n"
				  "              fix: remove it\n"
				  "score: 8.5/10 for d.test\n");
	char *json = auth_check_report_json(r);
	assert_string_equal(json,
			    "{\"domain\":\"d.test\",\"score\":8.5,\"max\":10,\"checks\":["
			    "{\"check\":\"spf\",\"rule\":\"spf-record\",\"status\":\"pass\",\"points\":0,"
			    "\"text\":\"d.test: v=spf1 \\\"-all\\\"\",\"fix\":null},"
			    "{\"check\":\"spf\",\"rule\":\"spf-all-neutral\",\"status\":\"warn\","
			    "\"points\":-1,\"text\":\"ends in ?all\",\"fix\":\"end the record with -all\"},"
			    "{\"check\":\"spf\",\"rule\":\"spf-void\",\"status\":\"warn\","
			    "\"points\":-0.5,\"text\":\"void\",\"fix\":\"remove it\"}]}\n");
	free(text);
	free(json);
	auth_check_report_free(r);
	auth_check_report_free(NULL);
}

static void score_never_goes_under_zero(void **state)
{
	(void)state;
	struct auth_check_report *r = auth_check_report_new("d.test");
	for (int i = 0; i < 6; i++)
		auth_check_add(r, AUTH_RULE_SPF_ALL_PASS, NULL, "+all");
	assert_int_equal(auth_check_score(r), 0);
	auth_check_add(r, AUTH_RULE_DOMAIN_NXDOMAIN, NULL, "gone");
	assert_int_equal(auth_check_score(r), 0);
	char *text = auth_check_report_text(r);
	assert_non_null(strstr(text, "\nscore: 0/10 for d.test\n"));
	free(text);
	auth_check_report_free(r);
	/* an empty report is a full score */
	r = auth_check_report_new("d.test");
	assert_int_equal(auth_check_score(r), 100);
	auth_check_report_free(r);
}

/* Text from DNS reaches rows through auth_check_add: one line, no
 * control character, bounded, valid UTF-8 kept. */
static void hostile_text_is_made_safe(void **state)
{
	(void)state;
	struct auth_check_report *r = auth_check_report_new("d.test\033[2J");
	auth_check_add(r, AUTH_RULE_SPF_RECORD, "fix\nwith a line", "a\033]0;x\007b\tc\nd é \xff");
	const struct auth_check_item *it = &r->items[0];
	assert_string_equal(it->text, "a\xef\xbf\xbd]0;x\xef\xbf\xbd" "b c d é \xef\xbf\xbd");
	assert_string_equal(it->fix, "fix with a line");
	assert_string_equal(r->domain, "d.test\xef\xbf\xbd[2J");
	struct lib_buf big = LIB_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		lib_buf_puts(&big, "é");
	auth_check_add(r, AUTH_RULE_SPF_RECORD, NULL, "%s", big.data);
	const char *cut = r->items[1].text;
	size_t len = strlen(cut);
	assert_true(len <= 600 + 3);
	assert_string_equal(cut + len - 3, "...");
	assert_true(len % 2 == 1); /* whole two-byte characters, then "..." */
	char *json = auth_check_report_json(r);
	for (const char *p = json; *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	assert_int_equal(strchr(json, '\n')[1], '\0');
	free(json);
	lib_buf_release(&big);
	auth_check_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table),
		cmocka_unit_test(needs_come_together),
		cmocka_unit_test(every_answer_failing_is_unreachable),
		cmocka_unit_test(long_names_name_nothing),
		cmocka_unit_test(rule_table_is_whole),
		cmocka_unit_test(report_forms),
		cmocka_unit_test(score_never_goes_under_zero),
		cmocka_unit_test(hostile_text_is_made_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
