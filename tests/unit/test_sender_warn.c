/* test_sender_warn.c: the warnings beyond the verdict (sender_warn.c):
 * display names that claim someone else, lookalike domains, first mail
 * from a sender or a signer; what is remembered between messages; and
 * A-labels decoded for people (auth_domain_to_unicode). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* "kind:text-fragment|kind:..." in order, each fragment found in the
 * warning's text. */
struct warn_case {
	const char *name;    /* display name */
	const char *address;
	const char *expect;  /* "" for no warning */
};

/* The user already gets verified mail from example.org and bob@known.example. */
static struct auth_known *known_with_history(void)
{
	struct auth_known *k = auth_known_new();
	auth_known_add_correspondent(k, NULL, "mail.example.org");
	const char *saved = "a bob@known.example\nd known.example\n";
	auth_known_parse(k, NULL, saved, strlen(saved));
	return k;
}

static const struct warn_case cases[] = {
	/* The brand in the name, another domain behind it. */
	{ "PayPal", "service@paypa1.com",
	  "display-name:suggests paypal.com|lookalike:paypa1.com looks like paypal.com|first-sender:" },
	{ "PayPal Service", "service@paypal.com", "first-sender:service@paypal.com" },
	{ "PayPal", "service@paypal.de", "first-sender:" },
	{ "PayPal Support", "help@paypal-support.com", "display-name:suggests paypal.com|first-sender:" },
	{ "Pay Pal", "x@evil.example", "display-name:suggests paypal.com|first-sender:" },
	/* A Cyrillic a in the name still reads "PayPal". */
	{ "P\xD0\xB0yPal", "x@evil.example", "display-name:suggests paypal.com|first-sender:" },
	/* An address or a domain in the name. */
	{ "support@bank.example", "x@evil.test", "display-name:names bank.example|first-sender:" },
	{ "\"billing@example.org\" via", "x@evil.test", "display-name:names example.org|first-sender:" },
	{ "amazon.com Orders", "orders@shop.test",
	  "display-name:names amazon.com|first-sender:" },
	{ "news@lists.example.org", "bounce@example.org", "first-sender:" },
	/* A correspondent's name in the name. */
	{ "Example Billing", "billing@evil.test", "display-name:suggests example.org|first-sender:" },
	/* Lookalikes of a correspondent and of a brand. */
	{ "", "bob@exmaple.org", "lookalike:exmaple.org is one letter away from example.org|first-sender:" },
	{ "", "bob@example.org", "first-sender:" },
	{ "", "x@xn--pypal-4ve.com",
	  "lookalike:p\xD0\xB0ypal.com (xn--pypal-4ve.com) looks like paypal.com|first-sender:" },
	{ "", "x@rnicrosoft.com", "lookalike:looks like microsoft.com|first-sender:" },
	/* Names that are only names. */
	{ "J.R. Smith", "jr@smith.org", "first-sender:" },
	{ "Mr.Smith", "a@b.example", "first-sender:" },
	{ "Chase Miller", "chase@gmail.com", "first-sender:" },
	/* A known sender. */
	{ "Bob", "Bob@Known.Example", "" },
};
#define NCASES (sizeof cases / sizeof cases[0])

static void check_warnings(const struct auth_warnings *w, const char *expect, const char *what)
{
	char *copy = strdup(expect);
	size_t i = 0;
	for (char *item = strtok(copy, "|"); item; item = strtok(NULL, "|"), i++) {
		char *colon = strchr(item, ':');
		*colon = '\0';
		if (i >= w->count)
			fail_msg("%s: warning %zu (%s) missing", what, i, item);
		if (strcmp(auth_warning_kind_str(w->kind[i]), item) != 0 || !strstr(w->text[i], colon + 1))
			fail_msg("%s: warning %zu is %s \"%s\", expected %s \"%s\"", what, i,
				 auth_warning_kind_str(w->kind[i]), w->text[i], item, colon + 1);
	}
	if (i != w->count)
		fail_msg("%s: %zu warnings, expected %zu; the first extra: %s", what, w->count, i,
			 w->text[i]);
	free(copy);
}

static void warnings_table(void **state)
{
	(void)state;
	struct auth_known *k = known_with_history();
	for (size_t i = 0; i < NCASES; i++) {
		struct auth_message_verdict vd = { 0 };
		vd.from_name = cases[i].name;
		vd.from_address = cases[i].address;
		struct auth_warnings w = { 0 };
		auth_sender_warnings(&vd, k, NULL, &w);
		char what[200];
		snprintf(what, sizeof what, "\"%s\" <%s>", cases[i].name, cases[i].address);
		check_warnings(&w, cases[i].expect, what);
		auth_warnings_release(&w);
	}
	auth_known_free(k);
}

static void no_from_no_warnings(void **state)
{
	(void)state;
	struct auth_known *k = auth_known_new();
	struct auth_message_verdict vd = { 0 };
	struct auth_warnings w = { 0 };
	auth_sender_warnings(&vd, k, NULL, &w);
	assert_int_equal(w.count, 0);
	vd.from_address = "no-at-sign";
	auth_sender_warnings(&vd, k, NULL, &w);
	assert_int_equal(w.count, 0);
	auth_known_free(k);
}

static struct auth_dkim_signature signature_of(const char *domain)
{
	struct auth_dkim_signature s;
	memset(&s, 0, sizeof s);
	s.result = AUTH_DKIM_PASS;
	s.domain = (char *)domain;
	return s;
}

/* A known address signed by a domain that never signed its mail. */
static void new_signer_of_known_sender(void **state)
{
	(void)state;
	struct auth_known *k = known_with_history();
	struct auth_dkim_signature sig = signature_of("Mailer.Example");
	struct auth_message_dkim d = { &sig, 0, 0, 0 };
	struct auth_message_verdict vd = { 0 };
	vd.from_name = "Bob";
	vd.from_address = "bob@known.example";
	vd.dkim = &d;
	vd.dkim_count = 1;
	struct auth_warnings w = { 0 };
	auth_sender_warnings(&vd, k, NULL, &w);
	check_warnings(&w, "first-signer:never signed by mailer.example", "new signer");
	auth_warnings_release(&w);
	/* Learnt, it is no longer new. */
	auth_known_learn(k, &vd, &w, NULL);
	auth_sender_warnings(&vd, k, NULL, &w);
	assert_int_equal(w.count, 0);
	auth_known_free(k);
}

/* Only a verified sender without suspicion becomes a correspondent whose
 * lookalikes are warned about. */
static void learning_correspondents(void **state)
{
	(void)state;
	struct auth_known *k = auth_known_new();
	struct auth_message_verdict vd = { 0 };
	vd.from_name = "";
	vd.from_address = "anna@shop.example.com";
	vd.badge = AUTH_BADGE_NONE;
	auth_known_learn(k, &vd, NULL, NULL);
	struct auth_message_verdict look = { 0 };
	look.from_name = "";
	look.from_address = "x@shop.exampel.com";
	struct auth_warnings w = { 0 };
	auth_sender_warnings(&look, k, NULL, &w);
	check_warnings(&w, "first-sender:", "unverified sender teaches nothing");
	auth_warnings_release(&w);

	vd.badge = AUTH_BADGE_VERIFIED;
	auth_known_learn(k, &vd, NULL, NULL);
	auth_sender_warnings(&look, k, NULL, &w);
	check_warnings(&w, "lookalike:exampel.com is one letter away from example.com|first-sender:",
		       "verified sender is a correspondent");
	/* The lookalike, even verified, does not become one. */
	look.badge = AUTH_BADGE_VERIFIED;
	auth_known_learn(k, &look, &w, NULL);
	auth_warnings_release(&w);
	struct lib_buf saved = LIB_BUF_INIT;
	auth_known_format(k, &saved);
	assert_non_null(strstr(saved.data, "c example.com\n"));
	assert_null(strstr(saved.data, "c exampel.com"));
	assert_non_null(strstr(saved.data, "a x@shop.exampel.com\n"));
	lib_buf_release(&saved);
	auth_known_free(k);
}

static void saved_form_round_trip_and_damage(void **state)
{
	(void)state;
	struct auth_known *k = auth_known_new();
	const char *text = "a one@example.org\nd example.org\nc example.org\n"
			   "x unknown kind\na has space\n\nc\na \n\x01\xff garbage\nc \xff" "bad.example\n"
			   "a caf\xc3\xa9@example.org\nc other.example";
	auth_known_parse(k, NULL, text, strlen(text));
	assert_int_equal(auth_known_count(k), 5);
	struct lib_buf out = LIB_BUF_INIT;
	auth_known_format(k, &out);
	struct auth_known *again = auth_known_new();
	auth_known_parse(again, NULL, out.data, out.len);
	assert_int_equal(auth_known_count(again), 5);
	struct lib_buf out2 = LIB_BUF_INIT;
	auth_known_format(again, &out2);
	assert_int_equal(out.len, out2.len);
	assert_non_null(strstr(out2.data, "a one@example.org\n"));
	assert_non_null(strstr(out2.data, "c other.example\n"));
	lib_buf_release(&out);
	lib_buf_release(&out2);
	auth_known_free(k);
	auth_known_free(again);
	auth_known_free(NULL);
}

static void a_labels_for_people(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "xn--pypal-4ve.com", "p\xD0\xB0ypal.com" },
		{ "xn--bcher-kva.example", "b\xC3\xBC" "cher.example" },
		{ "xn--e1afmkfd.xn--e1afmkfd", "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80."
					       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80" },
		{ "plain.example", "plain.example" },
		{ "xn--!!.example", "xn--!!.example" },    /* not Punycode: kept */
		{ "xn--99999999999a.example", "xn--99999999999a.example" }, /* overflow */
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char *u = auth_domain_to_unicode(pairs[i][0]);
		if (strcmp(u, pairs[i][1]) != 0)
			fail_msg("%s: got %s", pairs[i][0], u);
		free(u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(warnings_table),
		cmocka_unit_test(no_from_no_warnings),
		cmocka_unit_test(new_signer_of_known_sender),
		cmocka_unit_test(learning_correspondents),
		cmocka_unit_test(saved_form_round_trip_and_damage),
		cmocka_unit_test(a_labels_for_people),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
