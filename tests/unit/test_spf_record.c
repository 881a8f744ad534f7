/* test_spf_record.c: the SPF record parser (RFC 7208 section 12), as tables
 * of record -> terms and record -> the exact error. */
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

static const char *const kind_names[] = {
	"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", "redirect", "exp", "unknown",
};

/* One line per term: qualifier, mechanism, arguments with their defaults
 * spelled out; modifiers as name=value. */
static void render(const struct auth_spf_record *rec, struct lib_buf *out)
{
	for (size_t k = 0; k < rec->count; k++) {
		const struct auth_spf_term *t = &rec->terms[k];
		char addr[64];
		if (k)
			lib_buf_putc(out, ' ');
		if (t->kind == AUTH_SPF_UNKNOWN_MODIFIER) {
			lib_buf_printf(out, "?%s=%s", t->name, t->domain_spec);
			continue;
		}
		if (t->kind >= AUTH_SPF_REDIRECT) {
			lib_buf_printf(out, "%s=%s", kind_names[t->kind], t->domain_spec);
			continue;
		}
		lib_buf_printf(out, "%c%s", t->qualifier, kind_names[t->kind]);
		if (t->domain_spec)
			lib_buf_printf(out, ":%s", t->domain_spec);
		if (t->kind == AUTH_SPF_IP4 && inet_ntop(AF_INET, t->addr, addr, sizeof addr))
			lib_buf_printf(out, ":%s/%u", addr, t->cidr4);
		if (t->kind == AUTH_SPF_IP6 && inet_ntop(AF_INET6, t->addr, addr, sizeof addr))
			lib_buf_printf(out, ":%s/%u", addr, t->cidr6);
		if (t->kind == AUTH_SPF_A || t->kind == AUTH_SPF_MX)
			lib_buf_printf(out, "/%u//%u", t->cidr4, t->cidr6);
	}
}

static const struct {
	const char *record;
	const char *terms;
} good[] = {
	{ "v=spf1", "" },
	{ "v=spf1 ", "" },
	{ "V=SpF1 ~all", "~all" },
	{ "v=spf1 a  -all ", "+a/32//128 -all" },
	{ "v=spf1 +a mx ?ptr ~all", "+a/32//128 +mx/32//128 ?ptr ~all" },
	{ "v=spf1 a:foo.example.com/24 mx//64 a/24//64 mx:mail.example.org/0//0",
	  "+a:foo.example.com/24//128 +mx/32//64 +a/24//64 +mx:mail.example.org/0//0" },
	{ "v=spf1 a:foo:bar/baz.example.com mx:foo.example.xn--zckzah",
	  "+a:foo:bar/baz.example.com/32//128 +mx:foo.example.xn--zckzah/32//128" },
	{ "v=spf1 ip4:192.0.2.0/24 ip4:1.2.3.4 -ip4:0.0.0.0/0",
	  "+ip4:192.0.2.0/24 +ip4:1.2.3.4/32 -ip4:0.0.0.0/0" },
	{ "v=spf1 ip6:2001:DB8::/32 ip6:::1.1.1.1/0 ip6:Cafe:Babe:8000::/33",
	  "+ip6:2001:db8::/32 +ip6:::1.1.1.1/0 +ip6:cafe:babe:8000::/33" },
	{ "v=spf1 ptr:example.com. include:o.spf.example.com. exists:%{ir}.%{l1r+-}._spf.%{d}",
	  "+ptr:example.com. +include:o.spf.example.com. +exists:%{ir}.%{l1r+-}._spf.%{d}" },
	{ "v=spf1 a:macro%%percent%_%_space%-url-space.example.com",
	  "+a:macro%%percent%_%_space%-url-space.example.com/32//128" },
	{ "v=spf1 redirect=%{d}.d.spf.example.com. exp=explain._spf.%{d}",
	  "redirect=%{d}.d.spf.example.com. exp=explain._spf.%{d}" },
	{ "v=spf1 REDIRECT=x.example.org Exp=y.example.org",
	  "redirect=x.example.org exp=y.example.org" },
	{ "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
	  "?moo.cow-far_out=man:dog/cat +ip4:1.2.3.4/32 -all" },
	{ "v=spf1 default=+ foo= x=%{c}%{r}%{t}", "?default=+ ?foo= ?x=%{c}%{r}%{t}" },
	{ "v=spf1 a:%{H}.bar exists:%{p}.%{D2R}", "+a:%{H}.bar/32//128 +exists:%{p}.%{D2R}" },
};

static void parser_reads_good_records(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		struct auth_spf_record rec;
		struct lib_err err = { "" };
		struct lib_buf out = LIB_BUF_INIT;
		if (auth_spf_record_parse(good[k].record, strlen(good[k].record), &rec, &err) < 0)
			fail_msg("%s: %s", good[k].record, err.msg);
		render(&rec, &out);
		if (strcmp(out.data ? out.data : "", good[k].terms) != 0)
			fail_msg("%s\n  got  %s\n  want %s", good[k].record, out.data,
				 good[k].terms);
		lib_buf_release(&out);
		auth_spf_record_release(&rec);
	}
}

static void parser_points_at_redirect_and_exp(void **state)
{
	(void)state;
	const char *text = "v=spf1 exp=e.example.org a redirect=r.example.org";
	struct auth_spf_record rec;
	assert_int_equal(auth_spf_record_parse(text, strlen(text), &rec, NULL), 0);
	assert_int_equal(rec.count, 3);
	assert_ptr_equal(rec.exp, &rec.terms[0]);
	assert_ptr_equal(rec.redirect, &rec.terms[2]);
	assert_string_equal(rec.terms[1].text, "a");
	assert_string_equal(rec.redirect->text, "redirect=r.example.org");
	auth_spf_record_release(&rec);
	auth_spf_record_release(NULL);
}

static const struct {
	const char *record;
	size_t len; /* 0: strlen */
	const char *error;
} bad[] = {
	{ "v=spf10", 0, "not an SPF record: it does not start with 'v=spf1'" },
	{ "spf1 -all", 0, "not an SPF record: it does not start with 'v=spf1'" },
	{ "v=spf1 ip4:1.2.3.4 -all moo", 0, "unknown mechanism 'moo'" },
	{ "v=spf1 moo.cow/far_out=man:dog/cat", 0, "unknown mechanism 'moo.cow'" },
	{ "v=spf1 moo.cow:far_out=man:dog/cat", 0, "unknown mechanism 'moo.cow'" },
	{ "v=spf1 1up=foo", 0, "unknown mechanism '1up'" },
	{ "v=spf1 =all", 0, "'=all' is neither a mechanism nor a modifier" },
	{ "v=spf1 redirect:t2.example.com", 0, "unknown mechanism 'redirect'" },
	{ "v=spf1 -redirect=t2.example.com", 0, "unknown mechanism 'redirect'" },
	{ "v=spf1 -all.", 0, "unknown mechanism 'all.'" },
	{ "v=spf1 -all:foobar", 0, "'all' takes nothing after it: '-all:foobar'" },
	{ "v=spf1 -all/8", 0, "'all' takes nothing after it: '-all/8'" },
	{ "v=spf1 a:", 0, "empty domain in 'a:'" },
	{ "v=spf1 include: -all", 0, "empty domain in 'include:'" },
	{ "v=spf1 ?all redirect=", 0, "empty domain in 'redirect='" },
	{ "v=spf1 exp= -all", 0, "empty domain in 'exp='" },
	{ "v=spf1 include", 0, "'include' needs ':' and a domain" },
	{ "v=spf1 exists", 0, "'exists' needs ':' and a domain" },
	{ "v=spf1 ptr/0", 0, "'ptr/0' takes only ':' and a domain" },
	{ "v=spf1 a:foo-bar -all", 0, "'a:foo-bar': the domain must end with a macro or a top-level "
	  "label of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 a:111.222.33.44", 0, "'a:111.222.33.44': the domain must end with a macro or a "
	  "top-level label of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 mx:example.-com", 0, "'mx:example.-com': the domain must end with a macro or a "
	  "top-level label of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 a:museum.", 0, "'a:museum.': the domain must end with a macro or a top-level "
	  "label of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 exists:mail.example.com/24", 0, "'exists:mail.example.com/24': the domain must "
	  "end with a macro or a top-level label of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 exp=-all", 0, "'exp=-all': the domain must end with a macro or a top-level label "
	  "of letters, digits and dashes, such as '.com'" },
	{ "v=spf1 a/33 -all", 0, "invalid CIDR length in 'a/33'" },
	{ "v=spf1 a//129", 0, "invalid CIDR length in 'a//129'" },
	{ "v=spf1 a/24/64", 0, "invalid CIDR length in 'a/24/64'" },
	{ "v=spf1 a:foo.example.com/032", 0, "invalid CIDR length in 'a:foo.example.com/032'" },
	{ "v=spf1 ip4:1.2.3.4/33", 0, "invalid CIDR length in 'ip4:1.2.3.4/33'" },
	{ "v=spf1 ip4:1.2.3.4/032", 0, "invalid CIDR length in 'ip4:1.2.3.4/032'" },
	{ "v=spf1 ip4:1.2.3.4//32", 0, "invalid CIDR length in 'ip4:1.2.3.4//32'" },
	{ "v=spf1 ip6:::1.1.1.1//33", 0, "invalid CIDR length in 'ip6:::1.1.1.1//33'" },
	{ "v=spf1 ip6:::1/129", 0, "invalid CIDR length in 'ip6:::1/129'" },
	{ "v=spf1 ip4", 0, "'ip4' needs ':' and an IPv4 network" },
	{ "v=spf1 -all ip6", 0, "'ip6' needs ':' and an IPv6 network" },
	{ "v=spf1 ip4:1.2.3", 0, "invalid IPv4 address in 'ip4:1.2.3'" },
	{ "v=spf1 ip4:1.2.3.4:8080", 0, "invalid IPv4 address in 'ip4:1.2.3.4:8080'" },
	{ "v=spf1 ip4:01.2.3.4", 0, "invalid IPv4 address in 'ip4:01.2.3.4'" },
	{ "v=spf1 ip4:1.2.3.256", 0, "invalid IPv4 address in 'ip4:1.2.3.256'" },
	{ "v=spf1 ip6::CAFE::BABE", 0, "invalid IPv6 address in 'ip6::CAFE::BABE'" },
	{ "v=spf1 ip6:1.2.3.4", 0, "invalid IPv6 address in 'ip6:1.2.3.4'" },
	{ "v=spf1 exp=a.example.com -all exp=b.example.com", 0, "'exp' appears twice" },
	{ "v=spf1 redirect=a.example.com -all redirect=a.example.com", 0,
	  "'redirect' appears twice" },
	{ "v=spf1 -all foo=%abc", 0,
	  "'foo=%abc': '%a' is not a macro (write %% for a percent sign)" },
	{ "v=spf1 a:%{x}.example.com", 0, "'a:%{x}.example.com': unknown macro letter 'x'" },
	{ "v=spf1 a:%{a}.example.com", 0, "'a:%{a}.example.com': unknown macro letter 'a'" },
	{ "v=spf1 -all exp=%{r}.example.com", 0,
	  "'exp=%{r}.example.com': macro %{r} is only allowed in explanations" },
	{ "v=spf1 a:%{c}.example.com", 0,
	  "'a:%{c}.example.com': macro %{c} is only allowed in explanations" },
	{ "v=spf1 exists:%{d0}.example.com", 0,
	  "'exists:%{d0}.example.com': macro %{d0...}: the number of parts must be at least 1" },
	{ "v=spf1 a:%{d", 0, "'a:%{d': macro %{d...} is not closed by '}'" },
	{ "v=spf1 a:%{d2x}", 0, "'a:%{d2x}': macro %{d...} is not closed by '}'" },
	{ "v=spf1 exists:foo%.sbl.example.com", 0, "'exists:foo%.sbl.example.com': '%.' is not a "
	  "macro (write %% for a percent sign)" },
	{ "v=spf1 exists:x.example.com%", 0,
	  "'exists:x.example.com%': '%' at the end (write %% for a percent sign)" },
	{ "v=spf1 a:ctrl.example.com\rptr -all", 0, "character 0x0d in 'a:ctrl.example.com?ptr'" },
	{ "v=spf1 ip4:192.0.2.5\n include:x.example.com", 0, "character 0x0a in 'ip4:192.0.2.5?'" },
	{ "v=spf1 a:foo.example.com\0", 25, "character 0x00 in 'a:foo.example.com?'" },
	{ "v=spf1 \x80" "a:example.net -all", 0, "character 0x80 in '?a:example.net'" },
	{ "v=spf1 a:\xEF\xBB\xBFgarbage.example.net", 0,
	  "character 0xef in 'a:???garbage.example.net'" },
	{ "v=spf1 a:example.net \x96" "all", 0, "character 0x96 in '?all'" },
};

static void parser_rejects_bad_records_with_the_reason(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct auth_spf_record rec;
		struct lib_err err = { "" };
		size_t len = bad[k].len ? bad[k].len : strlen(bad[k].record);
		if (auth_spf_record_parse(bad[k].record, len, &rec, &err) == 0)
			fail_msg("accepted: %s", bad[k].record);
		if (strcmp(err.msg, bad[k].error) != 0)
			fail_msg("%s\n  got  %s\n  want %s", bad[k].record, err.msg, bad[k].error);
		assert_null(rec.terms);
		assert_int_equal(rec.count, 0);
	}
}

/* A term quoted in an error is cut short and stays printable. */
static void parser_error_quotes_long_terms_short(void **state)
{
	(void)state;
	char text[300] = "v=spf1 a:";
	memset(text + strlen(text), 'x', 200);
	struct lib_err err;
	assert_int_equal(auth_spf_record_parse(text, strlen(text), (struct auth_spf_record[1]){ 0 },
					       &err), -1);
	assert_true(strlen(err.msg) < 200);
	assert_non_null(strstr(err.msg, "xxx...': the domain must end"));
}

/* A record too long for any DNS message is refused before any term is
 * read, so 1 MB costs one comparison. */
static void parser_refuses_records_longer_than_dns_allows(void **state)
{
	(void)state;
	size_t len = 1u << 20;
	char *text = malloc(len);
	assert_non_null(text);
	memcpy(text, "v=spf1", 6);
	for (size_t k = 6; k + 1 < len; k += 2)
		memcpy(text + k, " a", 2);
	text[len - 1] = ' ';
	struct auth_spf_record rec;
	struct lib_err err;
	assert_int_equal(auth_spf_record_parse(text, len, &rec, &err), -1);
	assert_string_equal(err.msg, "the record is 1048576 bytes long, more than 65535");
	/* at the limit it parses: 32764 terms */
	assert_int_equal(auth_spf_record_parse(text, 65535, &rec, &err), 0);
	assert_int_equal(rec.count, 32764);
	auth_spf_record_release(&rec);
	free(text);
}

static void is_record_wants_the_version_then_a_space(void **state)
{
	(void)state;
	assert_true(auth_spf_is_record("v=spf1", 6));
	assert_true(auth_spf_is_record("V=SPF1 -all", 11));
	assert_false(auth_spf_is_record("v=spf10", 7));
	assert_false(auth_spf_is_record("v=spf1-all", 10));
	assert_false(auth_spf_is_record("v=spf", 5));
	assert_false(auth_spf_is_record("v=spf1\0", 7));
	assert_false(auth_spf_is_record("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_reads_good_records),
		cmocka_unit_test(parser_points_at_redirect_and_exp),
		cmocka_unit_test(parser_rejects_bad_records_with_the_reason),
		cmocka_unit_test(parser_error_quotes_long_terms_short),
		cmocka_unit_test(parser_refuses_records_longer_than_dns_allows),
		cmocka_unit_test(is_record_wants_the_version_then_a_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
