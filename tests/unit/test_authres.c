/* test_authres.c: Authentication-Results and ARC-Authentication-Results:
 * the reader (a table of field bodies and what they say), the trusted
 * list, and the writer (escaping, folding, reading back what it wrote). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* A parsed field in one line: "id [v] | method/ver=result (comment)
 * reason=... ptype.property=value ... | ...". */
static char *summarize(const struct auth_authres *ar)
{
	struct lib_buf b = LIB_BUF_INIT;
	if (ar->arc_instance)
		lib_buf_printf(&b, "i=%u ", ar->arc_instance);
	lib_buf_puts(&b, ar->authserv_id);
	if (ar->version)
		lib_buf_printf(&b, " %u", ar->version);
	if (ar->count == 0)
		lib_buf_puts(&b, " | none");
	for (size_t i = 0; i < ar->count; i++) {
		const struct auth_authres_result *r = &ar->results[i];
		lib_buf_printf(&b, " | %s", r->method);
		if (r->method_version)
			lib_buf_printf(&b, "/%u", r->method_version);
		lib_buf_printf(&b, "=%s", r->result);
		if (r->comment)
			lib_buf_printf(&b, " (%s)", r->comment);
		if (r->reason)
			lib_buf_printf(&b, " reason=%s", r->reason);
		for (size_t k = 0; k < r->prop_count; k++)
			lib_buf_printf(&b, " %s.%s=%s", r->props[k].ptype, r->props[k].property,
				       r->props[k].value);
	}
	return lib_buf_take(&b);
}

struct ar_case {
	const char *value;
	const char *summary; /* or, for bad cases, the error */
};

static const struct ar_case good_fields[] = {
	/* RFC 8601 Appendix B */
	{ " example.org 1; none", "example.org 1 | none" },
	{ " example.com; spf=pass smtp.mailfrom=example.net",
	  "example.com | spf=pass smtp.mailfrom=example.net" },
	{ " example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
	  "          spf=pass smtp.mailfrom=example.net",
	  "example.com | auth=pass (cram-md5) smtp.auth=sender@example.net"
	  " | spf=pass smtp.mailfrom=example.net" },
	{ " example.com; iprev=pass\r\n          policy.iprev=192.0.2.200",
	  "example.com | iprev=pass policy.iprev=192.0.2.200" },
	{ " example.com;\r\n          dkim=pass reason=\"good signature\"\r\n"
	  "            header.i=@mail-router.example.net;\r\n"
	  "          dkim=fail reason=\"bad signature\"\r\n"
	  "            header.i=@newyork.example.com",
	  "example.com | dkim=pass reason=good signature header.i=@mail-router.example.net"
	  " | dkim=fail reason=bad signature header.i=@newyork.example.com" },
	{ " mail-router.example.net;\r\n  dkim=pass (good signature) header.d=newyork.example.com"
	  "\r\n  header.b=oINEO8hg;\r\n  dkim=fail (bad signature) header.d=mail-router.example.net"
	  "\r\n  header.b=EToRSuvU",
	  "mail-router.example.net | dkim=pass (good signature) header.d=newyork.example.com"
	  " header.b=oINEO8hg | dkim=fail (bad signature) header.d=mail-router.example.net"
	  " header.b=EToRSuvU" },
	/* the ARC test suite's fields */
	{ " (testing) lists.example.org (test); arc=none;\n  spf=pass smtp.mfrom=jqd@d1.example;\n"
	  "  dkim=pass (1024-bit key) header.i=@d1.example;\n  dmarc=pass",
	  "lists.example.org | arc=none | spf=pass smtp.mfrom=jqd@d1.example"
	  " | dkim=pass (1024-bit key) header.i=@d1.example | dmarc=pass" },
	/* authheaders' output */
	{ " example.com; dmarc=permerror (missing tag or value: \"v=DMARC1; p=none; reject\")"
	  " header.from=bad.example.com policy.dmarc=none",
	  "example.com | dmarc=permerror (missing tag or value: \"v=DMARC1; p=none; reject\")"
	  " header.from=bad.example.com policy.dmarc=none" },
	/* case, versions, quoting, nested and escaped comments, CFWS everywhere */
	{ "EXAMPLE.com; DKIM/1 = Pass Header . D = Example.COM",
	  "EXAMPLE.com | dkim/1=pass header.d=Example.COM" },
	{ "\"quoted id\"; spf=fail (a (nested) comment \\) here) smtp.mailfrom=\"a b\"@x.example",
	  "quoted id | spf=fail (a (nested) comment ) here) smtp.mailfrom=\"a b\"@x.example" },
	{ "x.example; dkim=pass header.b=\"abc/def+\" header.s=sel_1",
	  "x.example | dkim=pass header.b=abc/def+ header.s=sel_1" },
	/* tolerated: a final ";", unquoted base64, reason after a property */
	{ "x.example; spf=pass smtp.mailfrom=x.example;", "x.example | spf=pass smtp.mailfrom=x.example" },
	{ "x.example; dkim=pass header.b=ab/cd+e=", "x.example | dkim=pass header.b=ab/cd+e=" },
	{ "x.example; dkim=fail header.d=x.example reason=timeout",
	  "x.example | dkim=fail reason=timeout header.d=x.example" },
	{ "x.example;none", "x.example | none" },
};

static void parse_good_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_fields / sizeof good_fields[0]; i++) {
		const struct ar_case *c = &good_fields[i];
		struct lib_err err = { "" };
		struct auth_authres *ar = auth_authres_parse(c->value, strlen(c->value), &err);
		if (!ar)
			fail_msg("\"%s\": refused: %s", c->value, err.msg);
		char *got = summarize(ar);
		if (strcmp(got, c->summary) != 0)
			fail_msg("\"%s\":\n got  %s\n want %s", c->value, got, c->summary);
		free(got);
		auth_authres_free(ar);
	}
}

static const struct ar_case bad_fields[] = {
	{ " Garbage Authentication-Results Header - SHOULD NOT PARSE",
	  "expected ';' after the authserv-id" },
	{ "", "expected an authserv-id" },
	{ "example.com", "expected ';' after the authserv-id" },
	{ "example.com;", "no result after the authserv-id" },
	{ "example.com; dkim", "expected '=' after the method" },
	{ "example.com; dkim=", "expected a result" },
	{ "example.com; dkim=pass header", "expected '.' after the property type" },
	{ "example.com; dkim=pass header.d", "expected '=' after the property" },
	{ "example.com; dkim=pass header.d=", "property without a value" },
	{ "example.com; dkim=pass header.d=\"x", "unterminated quoted string" },
	{ "example.com; dkim=pass (comment", "unterminated comment" },
	{ "example.com 2; none", "unknown version 2" },
	{ "example.com; dkim/=pass", "expected a number" },
	{ "example.com; =pass", "expected a method" },
	{ "example.com; dkim=pass; ; spf=pass", "expected a method" },
	{ "example.com; dkim=pass reason", "expected '=' after reason" },
	{ "example.com; dkim=pass reason=", "expected the reason" },
};

static void refuse_bad_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
		const struct ar_case *c = &bad_fields[i];
		struct lib_err err = { "" };
		struct auth_authres *ar = auth_authres_parse(c->value, strlen(c->value), &err);
		if (ar)
			fail_msg("\"%s\": accepted", c->value);
		if (strcmp(err.msg, c->summary) != 0)
			fail_msg("\"%s\": error \"%s\", want \"%s\"", c->value, err.msg, c->summary);
	}
}

/* More results or properties than the bounds: refused, not grown. */
static void bounds_on_results_and_properties(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "x.example");
	for (int i = 0; i <= AUTH_AUTHRES_MAX_RESULTS; i++)
		lib_buf_puts(&b, "; spf=pass");
	struct lib_err err = { "" };
	assert_null(auth_authres_parse(b.data, b.len, &err));
	assert_string_equal(err.msg, "more than 64 results");
	lib_buf_reset(&b);
	lib_buf_puts(&b, "x.example; dkim=pass");
	for (int i = 0; i <= AUTH_AUTHRES_MAX_PROPS; i++)
		lib_buf_puts(&b, " header.d=x.example");
	assert_null(auth_authres_parse(b.data, b.len, &err));
	assert_string_equal(err.msg, "more than 32 properties");
	lib_buf_release(&b);
}

/* --- ARC-Authentication-Results --------------------------------------------- */

static void parse_arc_fields(void **state)
{
	(void)state;
	const char *v = " i=1; lists.example.org; arc=none;\n spf=pass smtp.mfrom=jqd@d1.example";
	struct lib_err err = { "" };
	struct auth_authres *ar = auth_authres_parse_arc(v, strlen(v), &err);
	assert_non_null(ar);
	char *got = summarize(ar);
	assert_string_equal(got, "i=1 lists.example.org | arc=none | spf=pass smtp.mfrom=jqd@d1.example");
	free(got);
	auth_authres_free(ar);

	const struct ar_case bad[] = {
		{ "lists.example.org; arc=none", "expected i= first" },
		{ "i=0; x.example; arc=none", "instance i=0 is not 1 to 50" },
		{ "i=51; x.example; arc=none", "instance i=51 is not 1 to 50" },
		{ "i=1 x.example; arc=none", "expected ';' after the instance" },
		{ "i=; x.example; arc=none", "expected a number" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(auth_authres_parse_arc(bad[i].value, strlen(bad[i].value), &err));
		assert_string_equal(err.msg, bad[i].summary);
	}
}

/* --- trusted authserv-ids --------------------------------------------------- */

static void only_trusted_fields_count(void **state)
{
	(void)state;
	const char *trusted[] = { "mx.example.net", "Frank.Test" };
	struct auth_authres_list list = { 0 };
	const char *ours = "mx.example.net; spf=pass smtp.mailfrom=a.example";
	const char *forged = "evil.example; dkim=pass header.d=bank.example";
	const char *theirs = "i=1; frank.test; dmarc=pass";
	const char *garbage = "Garbage header";
	auth_authres_list_add(&list, 0, ours, strlen(ours), trusted, 2);
	auth_authres_list_add(&list, 0, forged, strlen(forged), trusted, 2);
	auth_authres_list_add(&list, 1, theirs, strlen(theirs), trusted, 2);
	auth_authres_list_add(&list, 0, garbage, strlen(garbage), trusted, 2);
	assert_int_equal(list.count, 3);
	assert_int_equal(list.trusted_count, 2);
	assert_true(list.items[0]->trusted);
	assert_false(list.items[1]->trusted);
	assert_true(list.items[2]->trusted);
	assert_int_equal(list.items[2]->arc_instance, 1);
	assert_int_equal(list.error_count, 1);
	assert_string_equal(list.errors[0],
			    "Authentication-Results: expected ';' after the authserv-id");
	assert_false(auth_authres_is_trusted(list.items[1], trusted, 2));
	assert_false(auth_authres_is_trusted(list.items[0], NULL, 0));
	auth_authres_list_release(&list);
	assert_int_equal(list.count, 0);
	auth_authres_list_release(NULL);
}

/* --- the writer -------------------------------------------------------------- */

static void write_spf_dkim_fields(void **state)
{
	(void)state;
	struct auth_authres *ar = auth_authres_new("mx.frank.test");
	auth_authres_add_spf(ar, "pass", "example.net", 0, NULL);
	auth_authres_add_spf(ar, "none", "helo.example.net", 1, "no SPF record");
	auth_authres_add_dkim(ar, "pass", "example.com", "@example.com", "sel",
			      "oINEO8hg\r\n tail of the signature", "2048-bit key");
	auth_authres_add_dkim(ar, "fail", "example.org", NULL, NULL, "ab/cd+ef==", NULL);
	char *one = auth_authres_format(ar, 0);
	assert_string_equal(one, "Authentication-Results: mx.frank.test; "
			    "spf=pass smtp.mailfrom=example.net; "
			    "spf=none (no SPF record) smtp.helo=helo.example.net; "
			    "dkim=pass (2048-bit key) header.d=example.com header.i=@example.com "
			    "header.s=sel header.b=oINEO8hg; "
			    "dkim=fail header.d=example.org header.b=\"ab/cd+ef\"");
	char *folded = auth_authres_format(ar, 1);
	assert_string_equal(folded, "Authentication-Results: mx.frank.test;\r\n\t"
			    "spf=pass smtp.mailfrom=example.net;\r\n\t"
			    "spf=none (no SPF record) smtp.helo=helo.example.net;\r\n\t"
			    "dkim=pass (2048-bit key) header.d=example.com header.i=@example.com "
			    "header.s=sel header.b=oINEO8hg;\r\n\t"
			    "dkim=fail header.d=example.org header.b=\"ab/cd+ef\"");
	free(one);
	free(folded);
	auth_authres_free(ar);
}

/* Hostile text in comments and values cannot change the field's shape. */
static void write_escapes_what_it_must(void **state)
{
	(void)state;
	struct auth_authres *ar = auth_authres_new("odd id");
	struct auth_authres_result *r =
		auth_authres_add(ar, "dmarc", "fail", "a (b) c\\d\r\nX-Injected: yes\x1b[31m\xC3\xA9");
	auth_authres_add_prop(r, "header", "from", "a b;c");
	auth_authres_add_prop(r, "policy", "dmarc", "quo\"te\\");
	r->reason = lib_xstrdup("x=y");
	char *s = auth_authres_format(ar, 0);
	assert_string_equal(s, "Authentication-Results: \"odd id\"; dmarc=fail "
			    "(a \\(b\\) c\\\\d??X-Injected: yes?[31m?" "?) reason=\"x=y\" "
			    "header.from=\"a b;c\" policy.dmarc=\"quo\\\"te\\\\\"");
	assert_null(strchr(s, '\r'));
	assert_null(strchr(s, '\n'));
	free(s);
	auth_authres_free(ar);

	/* a long comment is cut */
	char long_text[400];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	ar = auth_authres_new("x.example");
	auth_authres_add(ar, "spf", "pass", long_text);
	s = auth_authres_format(ar, 0);
	assert_non_null(strstr(s, "xxx...)"));
	assert_true(strlen(s) < 260);
	free(s);
	auth_authres_free(ar);
}

static void write_none_and_arc(void **state)
{
	(void)state;
	struct auth_authres *ar = auth_authres_new("x.example");
	char *s = auth_authres_format(ar, 1);
	assert_string_equal(s, "Authentication-Results: x.example; none");
	free(s);
	ar->arc_instance = 2;
	auth_authres_add(ar, "arc", "pass", NULL);
	s = auth_authres_format(ar, 0);
	assert_string_equal(s, "ARC-Authentication-Results: i=2; x.example; arc=pass");
	free(s);
	auth_authres_free(ar);
	auth_authres_free(NULL);
}

/* What the writer writes, the reader reads back unchanged. */
static void written_fields_read_back(void **state)
{
	(void)state;
	struct auth_authres *ar = auth_authres_new("mx.frank.test");
	auth_authres_add_spf(ar, "softfail", "bounce.example.com", 0, "(odd) \"comment\"");
	auth_authres_add_dkim(ar, "pass", "example.com", "user@example.com", "s1", "a/b+c=d",
			      NULL);
	struct auth_authres_result *r = auth_authres_add(ar, "dmarc", "pass", NULL);
	auth_authres_add_prop(r, "header", "from", "example.com");
	auth_authres_add_prop(r, "policy", "dmarc", "reject");
	char *before = summarize(ar);
	for (int fold = 0; fold < 2; fold++) {
		char *field = auth_authres_format(ar, fold);
		const char *value = strchr(field, ':') + 1;
		struct lib_err err = { "" };
		struct auth_authres *back = auth_authres_parse(value, strlen(value), &err);
		assert_non_null(back);
		char *after = summarize(back);
		assert_string_equal(after, before);
		free(after);
		free(field);
		auth_authres_free(back);
	}
	free(before);
	auth_authres_free(ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_fields),
		cmocka_unit_test(refuse_bad_fields),
		cmocka_unit_test(bounds_on_results_and_properties),
		cmocka_unit_test(parse_arc_fields),
		cmocka_unit_test(only_trusted_fields_count),
		cmocka_unit_test(write_spf_dkim_fields),
		cmocka_unit_test(write_escapes_what_it_must),
		cmocka_unit_test(write_none_and_arc),
		cmocka_unit_test(written_fields_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
