/* test_auth_cache.c: the DNS answer cache the auth engine reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

static struct net_dns_answer *txt_answer(const char *name, const char *text)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(name);
	a->qtype = NET_DNS_TXT;
	a->rcode = text ? NET_DNS_ANSWER : NET_DNS_NXDOMAIN;
	if (text) {
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrdup(text);
		a->records[0].text_len = strlen(text);
		a->count = 1;
	}
	return a;
}

static void cache_finds_by_name_without_case_or_final_dot(void **state)
{
	(void)state;
	struct auth_dns_cache *c = auth_dns_cache_new();
	auth_dns_cache_put(c, txt_answer("Example.ORG.", "v=spf1 -all"));
	const struct net_dns_answer *a = auth_dns_cache_get(c, "example.org", NET_DNS_TXT);
	assert_non_null(a);
	assert_string_equal(a->records[0].text, "v=spf1 -all");
	assert_non_null(auth_dns_cache_get(c, "EXAMPLE.org.", NET_DNS_TXT));
	assert_null(auth_dns_cache_get(c, "example.org", NET_DNS_MX));
	assert_null(auth_dns_cache_get(c, "example.com", NET_DNS_TXT));
	auth_dns_cache_free(c);
}

static void cache_put_replaces_and_keeps_order(void **state)
{
	(void)state;
	struct auth_dns_cache *c = auth_dns_cache_new();
	auth_dns_cache_put(c, txt_answer("a.test", "one"));
	auth_dns_cache_put(c, txt_answer("b.test", NULL));
	auth_dns_cache_put(c, txt_answer("A.test", "two"));
	assert_int_equal(auth_dns_cache_count(c), 2);
	assert_string_equal(auth_dns_cache_at(c, 0)->records[0].text, "two");
	assert_int_equal(auth_dns_cache_at(c, 1)->rcode, NET_DNS_NXDOMAIN);
	assert_null(auth_dns_cache_at(c, 2));
	auth_dns_cache_free(c);
}

/* Many names: the table grows and every one is still found. */
static void cache_holds_many_answers(void **state)
{
	(void)state;
	struct auth_dns_cache *c = auth_dns_cache_new();
	char name[64], text[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "n%d.example.org", i);
		snprintf(text, sizeof text, "t%d", i);
		auth_dns_cache_put(c, txt_answer(name, text));
	}
	assert_int_equal(auth_dns_cache_count(c), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "N%d.EXAMPLE.org", i);
		snprintf(text, sizeof text, "t%d", i);
		const struct net_dns_answer *a = auth_dns_cache_get(c, name, NET_DNS_TXT);
		assert_non_null(a);
		assert_string_equal(a->records[0].text, text);
	}
	auth_dns_cache_free(c);
	auth_dns_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache_finds_by_name_without_case_or_final_dot),
		cmocka_unit_test(cache_put_replaces_and_keeps_order),
		cmocka_unit_test(cache_holds_many_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
