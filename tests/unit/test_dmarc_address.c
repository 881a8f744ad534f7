/* test_dmarc_address.c: the author domains of From field values
 * (auth_address_parse) and domain names as DMARC compares them
 * (auth_address_domain_to_ascii). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* --- From values that parse: the domains found, joined by "," ------------- */

struct from_case {
	const char *value;
	const char *domains;
};

static const struct from_case good_froms[] = {
	{ "test@example.com", "example.com" },
	{ "\"Test, User\" <test@example.com>", "example.com" },
	{ "Test User <test@Sub2.Example.BIZ>", "sub2.example.biz" },
	{ "=?UTF-8?B?QmVkIEJhdGggJiBCZXlvbmQ=?=<BdBth&Byond@example.com>", "example.com" },
	{ "(comment, with comma) a@b.example", "b.example" },
	{ "a@b.example (trailing (nested, comma) comment)", "b.example" },
	{ "(\\) quoted pair) a@b.example", "b.example" },
	{ "John Q. Public <jqp@example.org>", "example.org" },
	{ "\"very.unusual.@.unusual.com\"@example.com", "example.com" },
	{ "\"a\\\"b\" <x@example.com>", "example.com" },
	{ "a . b @ example . com", "example.com" },
	{ "<@route.example,@other.example:user@example.com>", "example.com" },
	{ "Undisclosed recipients:;", "" },
	{ "", "" },
	{ "  (only a comment)  ", "" },
	{ "Team: a@x.example, Bob <b@y.example>;", "x.example,y.example" },
	{ "a@x.example, b@y.example", "x.example,y.example" },
	{ "a@x.example, b@x.example", "x.example,x.example" },
	{ ", a@x.example,,", "x.example" },
	{ "J\xC3\xBCrgen <j@b\xC3\xBC" "cher.example>", "xn--bcher-kva.example" },
	{ "user@\xE9\xA3\x9F\xE7\x8B\xAE.\xE4\xB8\xAD\xE5\x9B\xBD", "xn--85x722f.xn--fiqs8s" },
	{ "Test User\r\n <test@example.com>", "example.com" },
	{ "Test User\n\t<test@example.com>", "example.com" },
	{ "\xE9\x87\x8E\xE6\x9D\x91 <a@example.jp>", "example.jp" },
	{ "Raw \xFC latin-1 <a@example.de>", "example.de" },
	{ "From: Davide D'Marco <user@blah.com>", "blah.com" },
	{ "Mail From:<joe@joe.com>", "joe.com" },
};

static void parse_good_froms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_froms / sizeof good_froms[0]; i++) {
		const struct from_case *c = &good_froms[i];
		struct auth_address_list list;
		struct lib_err err = { "" };
		if (auth_address_parse(c->value, strlen(c->value), &list, &err) < 0)
			fail_msg("\"%s\": refused: %s", c->value, err.msg);
		struct lib_buf got = LIB_BUF_INIT;
		lib_buf_puts(&got, "");
		for (size_t k = 0; k < list.count; k++)
			lib_buf_printf(&got, "%s%s", k ? "," : "", list.domains[k]);
		if (strcmp(got.data, c->domains) != 0)
			fail_msg("\"%s\": domains \"%s\", want \"%s\"", c->value, got.data, c->domains);
		lib_buf_release(&got);
		auth_address_list_release(&list);
	}
}

/* --- From values that do not: the error says what is wrong ----------------- */

static const struct from_case bad_froms[] = {
	{ "\"Test User\"", "no address in \"\"Test User\"\"" },
	{ "Test User", "no address in \"Test User\"" },
	{ "a@[192.0.2.1]", "domain literal [192.0.2.1] has no DMARC policy" },
	{ "<>", "empty address <>" },
	{ "Name <>", "empty address <>" },
	{ "a@b.example>", "addresses must be separated by ','" },
	{ "<a@b.example> c@d.example", "addresses must be separated by ','" },
	{ "a@b.example c@d.example", "two words in a domain without a '.'" },
	{ "\"unterminated", "unterminated quoted string" },
	{ "(unterminated comment a@b.example", "unterminated comment" },
	{ "a@[192.0.2.1", "unterminated domain literal" },
	{ "a@b..example", "domain ends with '.'" },
	{ "a@b.example.", "domain ends with '.'" },
	{ "a@b.example\x01", "control character 0x01" },
	{ "John Smith@example.com", "a display name needs its address in <>" },
	{ "a..b@example.com", "'..' in a local part" },
	{ "a.@example.com", "local part ends with '.'" },
	{ "@example.com", "address without a local part" },
	{ "g: h: a@b.example;;", "a group inside a group" },
	{ "g: <a@b.example> c@d.example;", "mailboxes must be separated by ','" },
	{ "a@exa_mple.com", "bad domain \"exa_mple.com\": a label holds other than letters, "
			    "digits and '-'" },
	{ "a@", "no domain after '@'" },
	{ "a@\"quoted\"", "no domain after '@'" },
	{ "a@example com", "two words in a domain without a '.'" },
	{ "<a@b.example", "'<' without its '>'" },
	{ "<<a@b.example>>", "unexpected '<' after '<'" },
	{ "a@\xFF.example", "bad domain \"\xFF.example\": not UTF-8" },
	{ "a@b.example)", "unexpected ')'" },
	{ "<@route.example user@example.com>", "source route without ':'" },
};

static void parse_bad_froms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_froms / sizeof bad_froms[0]; i++) {
		const struct from_case *c = &bad_froms[i];
		struct auth_address_list list;
		struct lib_err err = { "" };
		if (auth_address_parse(c->value, strlen(c->value), &list, &err) == 0)
			fail_msg("\"%s\": accepted with %zu domains", c->value, list.count);
		if (strcmp(err.msg, c->domains) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", c->value, err.msg, c->domains);
		assert_int_equal(list.count, 0);
		assert_null(list.domains);
	}
}

/* NUL inside a value is a control character, not the end of the field. */
static void nul_in_value_is_refused(void **state)
{
	(void)state;
	struct auth_address_list list;
	struct lib_err err = { "" };
	assert_int_equal(auth_address_parse("a@b.example\0c@d.example", 23, &list, &err), -1);
	assert_string_equal(err.msg, "control character 0x00");
}

/* A field naming more mailboxes than AUTH_ADDRESS_MAX stops there. */
static void too_many_mailboxes(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	for (int i = 0; i <= AUTH_ADDRESS_MAX; i++)
		lib_buf_printf(&b, "%su%d@d%d.example", i ? ", " : "", i, i);
	struct auth_address_list list;
	struct lib_err err = { "" };
	assert_int_equal(auth_address_parse(b.data, b.len, &list, &err), -1);
	assert_string_equal(err.msg, "more than 64 mailboxes");
	lib_buf_release(&b);
}

/* --- domain names to A-labels ---------------------------------------------- */

struct ascii_case {
	const char *in;
	const char *out; /* NULL: refused, with this error */
	const char *error;
};

static const struct ascii_case ascii_cases[] = {
	{ "Example.COM", "example.com", NULL },
	{ "xn--bcher-kva.example", "xn--bcher-kva.example", NULL },
	{ "B\xC3\xBC" "cher.example", "xn--bcher-kva.example", NULL },
	{ "M\xC3\x9CNCHEN.de", "xn--mnchen-3ya.de", NULL },
	{ "\xE9\xA3\x9F\xE7\x8B\xAE.\xE5\x85\xAC\xE5\x8F\xB8.cn", "xn--85x722f.xn--55qx5d.cn", NULL },
	/* U+3002 IDEOGRAPHIC FULL STOP separates labels (UTS 46) */
	{ "\xE4\xBE\x8B\xE3\x81\x88\xE3\x80\x82\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88",
	  "xn--r8jz45g.xn--zckzah", NULL },
	/* RFC 3492 7.1 (L), lowercased: 3<nen>B<gumi><kinpachi><sensei> */
	{ "3\xE5\xB9\xB4" "B\xE7\xB5\x84\xE9\x87\x91\xE5\x85\xAB\xE5\x85\x88\xE7\x94\x9F",
	  "xn--3b-ww4c5e180e575a65lsy2b", NULL },
	/* RFC 3492 7.1 (D), Czech, lowercased */
	{ "Pro\xC4\x8Dprost\xC4\x9Bnemluv\xC3\xAD\xC4\x8D" "esky",
	  "xn--proprostnemluvesky-uyb24dma41a", NULL },
	{ "a-b.c-d", "a-b.c-d", NULL },
	{ "", NULL, "empty label" },
	{ "a..b", NULL, "empty label" },
	{ ".a", NULL, "empty label" },
	{ "a.", NULL, "empty label" },
	{ "a_b.example", NULL, "a label holds other than letters, digits and '-'" },
	{ "a b.example", NULL, "a label holds other than letters, digits and '-'" },
	{ "\xC3.example", NULL, "not UTF-8" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", NULL,
	  "label longer than 63 octets" },
};

static void domains_to_ascii(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ascii_cases / sizeof ascii_cases[0]; i++) {
		const struct ascii_case *c = &ascii_cases[i];
		struct lib_err err = { "" };
		char *got = auth_address_domain_to_ascii(c->in, strlen(c->in), &err);
		if (c->out && (!got || strcmp(got, c->out) != 0))
			fail_msg("\"%s\": got %s (%s), want %s", c->in, got ? got : "NULL", err.msg,
				 c->out);
		if (!c->out && got)
			fail_msg("\"%s\": accepted as %s", c->in, got);
		if (!c->out && strcmp(err.msg, c->error) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", c->in, err.msg, c->error);
		free(got);
	}
}

/* 253 octets is the longest name; one more is refused. */
static void domain_length_limit(void **state)
{
	(void)state;
	char name[300] = "";
	while (strlen(name) + 4 <= 253)
		strcat(name, "abc.");
	while (strlen(name) < 253)
		strcat(name, "x");
	struct lib_err err = { "" };
	char *ok = auth_address_domain_to_ascii(name, strlen(name), &err);
	assert_non_null(ok);
	free(ok);
	strcat(name, "y");
	assert_null(auth_address_domain_to_ascii(name, strlen(name), &err));
	assert_string_equal(err.msg, "name longer than 253 octets");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_froms),
		cmocka_unit_test(parse_bad_froms),
		cmocka_unit_test(nul_in_value_is_refused),
		cmocka_unit_test(too_many_mailboxes),
		cmocka_unit_test(domains_to_ascii),
		cmocka_unit_test(domain_length_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
