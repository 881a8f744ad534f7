/* test_spf_macro.c: SPF macro expansion (RFC 7208 section 7): the examples
 * of section 7.4, transformers, delimiters, escapes, URL-escaping, the
 * letters only explanations may use, and the errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

static unsigned char ip4[4], ip6[16];

/* The values of RFC 7208 7.4. */
static struct auth_spf_macro_vars rfc_vars(int v6)
{
	inet_pton(AF_INET, "192.0.2.3", ip4);
	inet_pton(AF_INET6, "2001:db8::cb01", ip6);
	return (struct auth_spf_macro_vars){
		.sender = "strong-bad@email.example.com",
		.local = "strong-bad",
		.sender_domain = "email.example.com",
		.domain = "email.example.com",
		.ip = v6 ? ip6 : ip4,
		.ip_len = v6 ? 16 : 4,
		.validated = "mx.example.org",
		.helo = "mx.example.org",
		.receiver = "mx.example.net",
		.now = 1700000000,
	};
}

static char *expand(const char *text, enum auth_spf_macro_context context,
		    const struct auth_spf_macro_vars *vars)
{
	struct lib_buf out = LIB_BUF_INIT;
	struct lib_err err;
	if (auth_spf_macro_expand(text, strlen(text), context, vars, &out, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
	return lib_buf_take(&out);
}

struct expansion {
	const char *macro;
	const char *expansion;
	enum auth_spf_macro_context context;
};

static void check_expansions(const struct expansion *table, size_t n,
			     const struct auth_spf_macro_vars *v)
{
	for (size_t k = 0; k < n; k++) {
		char *got = expand(table[k].macro, table[k].context, v);
		if (strcmp(got, table[k].expansion) != 0)
			fail_msg("%s\n  got  %s\n  want %s", table[k].macro, got,
				 table[k].expansion);
		free(got);
	}
}

static const struct expansion rfc_examples[] = {
	{ "%{s}", "strong-bad@email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{o}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d4}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d3}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d2}", "example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d1}", "com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{dr}", "com.example.email", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d2r}", "example.email", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l}", "strong-bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l-}", "strong.bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{lr}", "strong-bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{lr-}", "bad.strong", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l1r-}", "strong", AUTH_SPF_MACRO_DOMAIN },
	{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
	  AUTH_SPF_MACRO_DOMAIN },
	{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com",
	  AUTH_SPF_MACRO_DOMAIN },
	{ "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net",
	  AUTH_SPF_MACRO_DOMAIN },
};

static void rfc_7208_section_7_4_examples(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(0);
	check_expansions(rfc_examples, sizeof rfc_examples / sizeof rfc_examples[0], &v);
}

static void rfc_7208_section_7_4_ipv6_example(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(1);
	char *got = expand("%{ir}.%{v}._spf.%{d2}", AUTH_SPF_MACRO_DOMAIN, &v);
	assert_string_equal(got, "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2"
			    ".ip6._spf.example.com");
	free(got);
	got = expand("%{i}", AUTH_SPF_MACRO_DOMAIN, &v);
	assert_string_equal(got, "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
	free(got);
	got = expand("%{c} %{C}", AUTH_SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(got, "2001:db8::cb01 2001%3Adb8%3A%3Acb01");
	free(got);
}

static const struct expansion more[] = {
	{ "", "", AUTH_SPF_MACRO_DOMAIN },
	{ "%%%_%-", "% %20", AUTH_SPF_MACRO_DOMAIN },
	{ "macro%%percent%_%_space%-url", "macro%percent  space%20url", AUTH_SPF_MACRO_DOMAIN },
	{ "%{h} %{p} %{v} %{i}", "mx.example.org mx.example.org in-addr 192.0.2.3",
	  AUTH_SPF_MACRO_EXPLAIN },
	{ "%{c} %{r} %{t}", "192.0.2.3 mx.example.net 1700000000", AUTH_SPF_MACRO_EXPLAIN },
	{ "%{D2}", "example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{S}", "strong-bad%40email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l.}", "strong-bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l+-}", "strong.bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d99999999999}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{dR}", "com.example.email", AUTH_SPF_MACRO_DOMAIN },
	{ "%{s2}", "example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{o1=}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "%{l1/}", "strong-bad", AUTH_SPF_MACRO_DOMAIN },
	{ "%{d,_}", "email.example.com", AUTH_SPF_MACRO_DOMAIN },
	{ "Connections from %{c} not authorized.", "Connections from 192.0.2.3 not authorized.",
	  AUTH_SPF_MACRO_EXPLAIN },
};

static void transformers_delimiters_and_escapes(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(0);
	check_expansions(more, sizeof more / sizeof more[0], &v);
}

/* The suite's cases: several delimiters, and URL-escaping of all but the
 * unreserved characters. */
static void local_parts_from_the_suite(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(0);
	v.local = "foo-bar+zip+quux";
	char *got = expand("%{l2r+-}.user.%{d2}", AUTH_SPF_MACRO_DOMAIN, &v);
	assert_string_equal(got, "bar.foo.user.example.com");
	free(got);
	v.local = "philip-gladstone-test";
	got = expand("%{l2r-}", AUTH_SPF_MACRO_DOMAIN, &v);
	assert_string_equal(got, "gladstone.philip");
	free(got);
	v.local = "~jack&jill=up-a_b3.c";
	got = expand("http://example.com/why.html?l=%{L}", AUTH_SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(got, "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c");
	free(got);
	v.local = "a..b";
	got = expand("%{lr}", AUTH_SPF_MACRO_DOMAIN, &v);
	assert_string_equal(got, "b..a");
	free(got);
}

/* Missing values: p and r are "unknown" (7.3), the rest empty. */
static void absent_values(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v;
	memset(&v, 0, sizeof v);
	char *got = expand("[%{p}|%{r}|%{s}|%{i}|%{c}|%{v}|%{t}]", AUTH_SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(got, "[unknown|unknown||||in-addr|0]");
	free(got);
}

static const struct {
	const char *macro;
	enum auth_spf_macro_context context;
	const char *error;
} errors[] = {
	{ "%", AUTH_SPF_MACRO_DOMAIN, "'%' at the end (write %% for a percent sign)" },
	{ "%x", AUTH_SPF_MACRO_DOMAIN, "'%x' is not a macro (write %% for a percent sign)" },
	{ "% ", AUTH_SPF_MACRO_EXPLAIN, "'%' followed by 0x20 is not a macro" },
	{ "%{", AUTH_SPF_MACRO_DOMAIN, "unterminated macro '%{'" },
	{ "%{x}", AUTH_SPF_MACRO_EXPLAIN, "unknown macro letter 'x'" },
	{ "%{}", AUTH_SPF_MACRO_DOMAIN, "unknown macro letter '}'" },
	{ "%{\x01}", AUTH_SPF_MACRO_DOMAIN, "unknown macro letter 0x01" },
	{ "%{c}", AUTH_SPF_MACRO_DOMAIN, "macro %{c} is only allowed in explanations" },
	{ "%{R}", AUTH_SPF_MACRO_DOMAIN, "macro %{r} is only allowed in explanations" },
	{ "%{t}", AUTH_SPF_MACRO_DOMAIN, "macro %{t} is only allowed in explanations" },
	{ "%{d0}", AUTH_SPF_MACRO_DOMAIN, "macro %{d0...}: the number of parts must be at least 1" },
	{ "%{d", AUTH_SPF_MACRO_DOMAIN, "macro %{d...} is not closed by '}'" },
	{ "%{d2r.x}", AUTH_SPF_MACRO_DOMAIN, "macro %{d...} is not closed by '}'" },
	{ "%{s1@}", AUTH_SPF_MACRO_DOMAIN, "macro %{s...} is not closed by '}'" },
	{ "%{w} is an invalid macro %{d", AUTH_SPF_MACRO_EXPLAIN, "unknown macro letter 'w'" },
	{ "a b", AUTH_SPF_MACRO_DOMAIN, "character 0x20 is not allowed" },
	{ "tab\there", AUTH_SPF_MACRO_EXPLAIN, "character 0x09 is not allowed" },
	{ "\xEF\xBB\xBF" "Explanation", AUTH_SPF_MACRO_EXPLAIN, "character 0xef is not allowed" },
};

static void syntax_errors(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(0);
	for (size_t k = 0; k < sizeof errors / sizeof errors[0]; k++) {
		struct lib_buf out = LIB_BUF_INIT;
		struct lib_err err = { "" };
		lib_buf_puts(&out, "kept");
		if (auth_spf_macro_expand(errors[k].macro, strlen(errors[k].macro),
					  errors[k].context, &v, &out, &err) == 0)
			fail_msg("accepted: %s", errors[k].macro);
		if (strcmp(err.msg, errors[k].error) != 0)
			fail_msg("%s\n  got  %s\n  want %s", errors[k].macro, err.msg,
				 errors[k].error);
		assert_string_equal(out.data, "kept"); /* nothing half-written */
		lib_buf_release(&out);
	}
}

/* A hostile sender repeated in a long record cannot grow the output past
 * 16 KiB. */
static void expansion_is_bounded(void **state)
{
	(void)state;
	struct auth_spf_macro_vars v = rfc_vars(0);
	char sender[1001], text[200];
	memset(sender, 'x', 1000);
	sender[1000] = '\0';
	v.sender = sender;
	text[0] = '\0';
	for (int k = 0; k < 16; k++)
		strcat(text, "%{s}");
	struct lib_buf out = LIB_BUF_INIT;
	struct lib_err err;
	enum auth_spf_macro_context domain = AUTH_SPF_MACRO_DOMAIN;
	assert_int_equal(auth_spf_macro_expand(text, strlen(text), domain, &v, &out, &err), 0);
	assert_int_equal(out.len, 16000);
	lib_buf_reset(&out);
	strcat(text, "%{s}");
	assert_int_equal(auth_spf_macro_expand(text, strlen(text), domain, &v, &out, &err), -1);
	assert_string_equal(err.msg, "the expansion is longer than 16384 bytes");
	assert_int_equal(out.len, 0);
	lib_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_7208_section_7_4_examples),
		cmocka_unit_test(rfc_7208_section_7_4_ipv6_example),
		cmocka_unit_test(transformers_delimiters_and_escapes),
		cmocka_unit_test(local_parts_from_the_suite),
		cmocka_unit_test(absent_values),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(expansion_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
