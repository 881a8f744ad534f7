/* test_message_verify_received.c: where a mail client finds SPF's inputs
 * in a message: Received fields as real servers write them (Postfix,
 * Exim, Gmail, Dovecot LMTP, Microsoft, qmail, Sendmail) and hostile
 * ones, Return-Path, and which Received field of a whole header section
 * counts, read through the verifier with a trusted boundary host. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

/* ---- Received fields ---------------------------------------------------------- */

struct received_case {
	const char *what;
	const char *value;                    /* the field body */
	const char *from, *helo, *ip, *by;    /* NULL: none expected */
};

static const struct received_case received_cases[] = {
	{ "Postfix", " from mail.alice.test (mail.alice.test [192.0.2.1])\r\n"
		     "\tby mx.bob.test (Postfix) with ESMTPS id 4B2C3D1E2F\r\n"
		     "\tfor <bob@bob.test>; Mon,  1 Jan 2024 00:00:00 +0000 (UTC)",
	  "mail.alice.test", "mail.alice.test", "192.0.2.1", "mx.bob.test" },
	{ "Postfix, no reverse DNS", " from helo.example (unknown [198.51.100.7])\n"
				     "\tby mx.bob.test (Postfix) with ESMTP id X; date",
	  "helo.example", "helo.example", "198.51.100.7", "mx.bob.test" },
	{ "Postfix, IPv6", " from mail.alice.test (mail.alice.test [IPv6:2001:DB8:0:0::1])"
			   " by mx.bob.test (Postfix) with ESMTPS id X; date",
	  "mail.alice.test", "mail.alice.test", "2001:db8::1", "mx.bob.test" },
	{ "Postfix, an address literal as HELO", " from [192.0.2.1] (unknown [192.0.2.1]) by "
						 "mx.bob.test (Postfix); date",
	  "[192.0.2.1]", "[192.0.2.1]", "192.0.2.1", "mx.bob.test" },
	{ "Exim, reverse DNS and HELO differ",
	  " from host.rdns.test ([192.0.2.9] helo=mail.alice.test)\n\tby mx.bob.test with esmtps "
	  "(TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t(envelope-from "
	  "<alice@alice.test>)\n\tid 1qAbCd-000123-4X\n\tfor bob@bob.test; Mon, 01 Jan 2024",
	  "host.rdns.test", "mail.alice.test", "192.0.2.9", "mx.bob.test" },
	{ "Exim, no reverse DNS", " from [192.0.2.9] (helo=mail.alice.test) by mx.bob.test with "
				  "esmtp (Exim 4.96) id X; date",
	  "[192.0.2.9]", "mail.alice.test", "192.0.2.9", "mx.bob.test" },
	{ "Exim, a port after the address", " from mail.alice.test ([192.0.2.9]:48812) by "
					    "mx.bob.test with esmtp; date",
	  "mail.alice.test", "mail.alice.test", "192.0.2.9", "mx.bob.test" },
	{ "Exim, IPv6 without the prefix", " from mail.alice.test ([2001:db8::9]) by mx.bob.test "
					   "with esmtp; date",
	  "mail.alice.test", "mail.alice.test", "2001:db8::9", "mx.bob.test" },
	{ "Gmail", " from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n"
		   "        by mx.google.com with SMTPS id a1sor123456qkb.12.2024.01.01.00.00.00\r\n"
		   "        for <bob@gmail.com>\r\n"
		   "        (Google Transport Security);\r\n"
		   "        Mon, 01 Jan 2024 00:00:00 -0800 (PST)",
	  "mail-sor-f41.google.com", "mail-sor-f41.google.com", "209.85.220.41", "mx.google.com" },
	{ "Gmail, internal hop", " by 2002:a05:6a10:a0c4:b0:4e5:1d21:9c47 with SMTP id "
				 "f4csp123456pxb; Mon, 1 Jan 2024",
	  NULL, NULL, NULL, "2002:a05:6a10:a0c4:b0:4e5:1d21:9c47" },
	{ "Dovecot LMTP", " from mx.bob.test ([192.0.2.25])\r\n\tby imap.bob.test with LMTP\r\n"
			  "\tid 2K9bAAAAAABxEQAA0J78UA\r\n\t(envelope-from <alice@alice.test>)\r\n"
			  "\tfor <bob@bob.test>; Mon, 01 Jan 2024 00:00:00 +0000",
	  "mx.bob.test", "mx.bob.test", "192.0.2.25", "imap.bob.test" },
	{ "Microsoft, edge", " from mail.alice.test (192.0.2.1) by "
			     "DM6NAM11FT001.mail.protection.outlook.com (10.13.172.95) with "
			     "Microsoft SMTP Server id 15.20.7 via Frontend Transport; date",
	  "mail.alice.test", "mail.alice.test", "192.0.2.1",
	  "DM6NAM11FT001.mail.protection.outlook.com" },
	{ "Microsoft, internal", " from AM0PR01MB1234.eurprd01.prod.exchangelabs.com\r\n "
				 "(2603:10a6:208:ac::21) by AM0PR01MB5678.eurprd01.prod."
				 "exchangelabs.com\r\n (2603:10a6:208:ac::22) with Microsoft SMTP "
				 "Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_"
				 "SHA384) id 15.20.7; date",
	  "AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
	  "AM0PR01MB1234.eurprd01.prod.exchangelabs.com", "2603:10a6:208:ac::21",
	  "AM0PR01MB5678.eurprd01.prod.exchangelabs.com" },
	{ "qmail", " from unknown (HELO mail.alice.test) (192.0.2.3)\n  by mx.bob.test with SMTP; "
		   "1 Jan 2024",
	  "unknown", "mail.alice.test", "192.0.2.3", "mx.bob.test" },
	{ "Sendmail, may be forged", " from mail.alice.test (mail.alice.test [192.0.2.4]) (may be "
				     "forged)\n\tby mx.bob.test (8.17.1/8.17.1) with ESMTPS id X; "
				     "date",
	  "mail.alice.test", "mail.alice.test", "192.0.2.4", "mx.bob.test" },
	{ "nested comments and a quoted string", " from a.test ((x [192.0.2.99]) \"by evil.test\""
						 " [192.0.2.5]) by mx.bob.test; date",
	  "a.test", "a.test", "192.0.2.99", "mx.bob.test" },
	{ "a bracketed word that is no address", " from a.test ([not-an-ip] [192.0.2.6]) by "
						 "mx.bob.test; date",
	  "a.test", "a.test", "192.0.2.6", "mx.bob.test" },
	{ "an address in the by clause is not the client", " from a.test by mx.bob.test "
							   "([192.0.2.200]); date",
	  "a.test", "a.test", NULL, "mx.bob.test" },
	{ "a by inside a comment is no clause", " from a.test (by evil.test [192.0.2.7]); by "
						"mx.bob.test",
	  "a.test", "a.test", "192.0.2.7", NULL },
	{ "an unterminated comment", " from a.test (mail [192.0.2.8] by mx.bob.test",
	  "a.test", "a.test", "192.0.2.8", NULL },
	{ "an address out of range", " from a.test ([192.0.2.300]) by mx.bob.test; date",
	  "a.test", "a.test", NULL, "mx.bob.test" },
};

static void received_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof received_cases / sizeof received_cases[0]; i++) {
		const struct received_case *c = &received_cases[i];
		struct auth_received r;
		struct lib_err err = { "" };
		int rc = auth_received_parse(c->value, strlen(c->value), &r, &err);
		const char *want[4] = { c->from, c->helo, c->ip, c->by };
		const char *got[4] = { r.from, r.helo, r.ip, r.by };
		for (int k = 0; k < 4; k++) {
			if (!want[k] != !got[k] || (want[k] && strcmp(want[k], got[k]) != 0)) {
				fprintf(stderr, "%s: part %d is %s, not %s\n", c->what, k,
					got[k] ? got[k] : "NULL", want[k] ? want[k] : "NULL");
				fail();
			}
		}
		assert_int_equal(rc, 0);
		auth_received_release(&r);
	}
}

static void received_without_clauses(void **state)
{
	(void)state;
	static const char *const bad[] = { "", " (qmail 12345 invoked by uid 0); 1 Jan 2024",
					   ";from a by b", " \"from a by b\"" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct auth_received r;
		struct lib_err err = { "" };
		assert_int_equal(auth_received_parse(bad[i], strlen(bad[i]), &r, &err), -1);
		assert_string_equal(err.msg, "no from or by clause");
		assert_null(r.ip);
		auth_received_release(&r);
	}
}

/* A 1 MB field of nested parentheses: linear, no recursion. */
static void received_hostile_nesting(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *v = malloc(n + 64);
	strcpy(v, " from a.test ");
	size_t at = strlen(v);
	for (size_t i = 0; i < n / 2; i++)
		v[at++] = '(';
	memcpy(v + at, "[192.0.2.1] by x", 16);
	at += 16;
	struct auth_received r;
	struct lib_err err;
	assert_int_equal(auth_received_parse(v, at, &r, &err), 0);
	assert_string_equal(r.from, "a.test");
	assert_string_equal(r.ip, "192.0.2.1");
	assert_null(r.by); /* still inside the comment */
	auth_received_release(&r);
	free(v);
}

/* ---- Return-Path ------------------------------------------------------------- */

static void return_paths(void **state)
{
	(void)state;
	static const struct { const char *value, *want; } cases[] = {
		{ " <alice@alice.test>", "alice@alice.test" },
		{ " <>", "" },
		{ "  < >  ", "" },
		{ " alice@alice.test", "alice@alice.test" },
		{ " (bounce) <bounce+x=y@lists.test> (comment)", "bounce+x=y@lists.test" },
		{ " <@relay.test,@other.test:alice@alice.test>", "alice@alice.test" },
		{ " <\"odd local\"@alice.test>", "\"odd local\"@alice.test" },
		{ "\r\n <alice@alice.test>", "alice@alice.test" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_err err = { "" };
		char *got = auth_return_path_parse(cases[i].value, strlen(cases[i].value), &err);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	static const char *const bad[] = { " <alice>", " <@alice.test>", " <alice@>",
					   " <a<b@c.test>", " no address here" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lib_err err = { "" };
		assert_null(auth_return_path_parse(bad[i], strlen(bad[i]), &err));
		assert_non_null(strstr(err.msg, "Return-Path holds no address"));
	}
}

/* ---- which Received field counts --------------------------------------------- */

/* The verifier's SPF inputs for a header section, with trusted hosts
 * "mx.bob.test" and "MX2.bob.test." and no DNS (SPF stops at its first
 * query; the inputs are known by then). */
static const struct auth_message_spf *client_of(const char *head,
						struct auth_message_verifier **out)
{
	static const char *const hosts[] = { "mx.bob.test", "MX2.bob.test." };
	struct auth_message_request req = { .trusted_hosts = hosts, .trusted_host_count = 2,
					    .now = 1700000000 };
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	auth_message_verifier_feed(v, head, strlen(head));
	auth_message_verifier_feed(v, "\nbody\n", 6);
	auth_message_verifier_finish(v);
	struct auth_dns_need need;
	for (int i = 0; i < 200 && auth_message_verify_step(v, &need) == AUTH_NEED_DNS; i++) {
		struct net_dns_answer *a = calloc(1, sizeof *a);
		a->qname = strdup(need.name);
		a->qtype = need.type;
		a->rcode = NET_DNS_NXDOMAIN;
		auth_message_verifier_put(v, a);
	}
	*out = v;
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	assert_non_null(verdict);
	return &verdict->spf;
}

struct client_case {
	const char *what;
	const char *head;
	const char *ip, *helo, *mail_from; /* NULL: not found */
	long index;
	const char *why;                   /* reason when not found */
};

#define POSTFIX(helo, ip, by) \
	"Received: from " helo " (" helo " [" ip "])\n\tby " by " (Postfix) with ESMTP id X; date\n"
#define FROM "From: alice@alice.test\n"

static const struct client_case client_cases[] = {
	{ "the boundary host's field",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test")
		  FROM,
	  "192.0.2.1", "mail.alice.test", "alice@alice.test", 1, NULL },
	{ "hops inside the provider above it are passed over",
	  "Return-Path: <alice@alice.test>\n"
	  "Received: from mx.bob.test ([192.0.2.25]) by imap.bob.test with LMTP id Y; date\n"
	  POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM,
	  "192.0.2.1", "mail.alice.test", "alice@alice.test", 2, NULL },
	{ "the topmost trusted field counts, not those the sender wrote below it",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("evil.test", "203.0.113.66", "mx.bob.test")
		  POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM,
	  "203.0.113.66", "evil.test", "alice@alice.test", 1, NULL },
	{ "host names compare without case and final dot",
	  "Return-Path: <>\n" POSTFIX("mail.alice.test", "192.0.2.1", "mx2.BOB.test.") FROM,
	  "192.0.2.1", "mail.alice.test", "", 1, NULL },
	{ "a content filter's loopback hops are passed over",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("localhost", "127.0.0.1", "mx.bob.test")
		  "Received: from mx.bob.test ([127.0.0.1]) by localhost (amavisd-new, port "
		  "10024) with ESMTP id Z; date\n"
		  POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM,
	  "192.0.2.1", "mail.alice.test", "alice@alice.test", 3, NULL },
	{ "only 127.0.0.1 and ::1 are a filter's loopback: 127.0.0.3 is a host (the demo's)",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("mx.alice.test", "127.0.0.3", "mx.bob.test")
		  POSTFIX("laptop", "127.0.0.1", "mx.alice.test") FROM,
	  "127.0.0.3", "mx.alice.test", "alice@alice.test", 1, NULL },
	{ "an IPv6 loopback hop is passed over too",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("localhost", "IPv6:::1", "mx.bob.test")
		  POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM,
	  "192.0.2.1", "mail.alice.test", "alice@alice.test", 2, NULL },
	{ "below loopback hops the chain must stay trusted",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("localhost", "127.0.0.1", "mx.bob.test")
		  POSTFIX("mail.alice.test", "192.0.2.1", "evil.test")
			  POSTFIX("forged.test", "192.0.2.77", "mx.bob.test") FROM,
	  NULL, NULL, NULL, -1, "was not added by a trusted host" },
	{ "no trusted host's field",
	  "Return-Path: <alice@alice.test>\n" POSTFIX("mail.alice.test", "192.0.2.1", "mx.evil.test")
		  FROM,
	  NULL, NULL, NULL, -1, "no trusted Received header" },
	{ "the trusted field names no address",
	  "Return-Path: <alice@alice.test>\nReceived: from mail.alice.test by mx.bob.test; date\n"
	  FROM,
	  NULL, NULL, NULL, -1, "names no client address" },
	{ "a Return-Path below the trusted field is the sender's word",
	  POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") "Return-Path: <alice@alice.test>\n"
		  FROM,
	  NULL, NULL, NULL, -1, "no Return-Path field above the trusted Received field" },
	{ "a Return-Path that holds no address",
	  "Return-Path: junk\n" POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM,
	  NULL, NULL, NULL, -1, "Return-Path holds no address" },
	{ "a Received field with a by clause only",
	  "Return-Path: <a@alice.test>\nReceived: by mx.bob.test with SMTP id X; date\n" FROM,
	  NULL, NULL, NULL, -1, "names no client address" },
};

static void which_received_counts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof client_cases / sizeof client_cases[0]; i++) {
		const struct client_case *c = &client_cases[i];
		struct auth_message_verifier *v;
		const struct auth_message_spf *s = client_of(c->head, &v);
		int found = s->source == AUTH_MESSAGE_SPF_RECEIVED;
		if (found != (c->ip != NULL)) {
			fprintf(stderr, "%s: found %d (%s)\n", c->what, found, s->reason);
			fail();
		}
		if (found) {
			assert_string_equal(s->ip, c->ip);
			assert_string_equal(s->helo, c->helo);
			assert_string_equal(s->mail_from, c->mail_from);
			assert_int_equal(s->received_index, c->index);
			assert_non_null(s->checked);
		} else {
			assert_string_equal(s->result, "none");
			assert_null(s->checked);
			if (!strstr(s->reason, c->why)) {
				fprintf(stderr, "%s: reason \"%s\"\n", c->what, s->reason);
				fail();
			}
		}
		auth_message_verifier_free(v);
	}
}

/* 10,000 Received fields: one pass over them, a bounded answer. */
static void many_received_fields(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "Return-Path: <alice@alice.test>\n");
	for (int i = 0; i < 10000; i++)
		lib_buf_puts(&b, POSTFIX("relay.test", "192.0.2.50", "relay.test"));
	lib_buf_puts(&b, POSTFIX("mail.alice.test", "192.0.2.1", "mx.bob.test") FROM);
	struct auth_message_verifier *v;
	const struct auth_message_spf *s = client_of(b.data, &v);
	assert_int_equal(s->received_index, 10001);
	assert_string_equal(s->ip, "192.0.2.1");
	auth_message_verifier_free(v);
	lib_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(received_fields),
		cmocka_unit_test(received_without_clauses),
		cmocka_unit_test(received_hostile_nesting),
		cmocka_unit_test(return_paths),
		cmocka_unit_test(which_received_counts),
		cmocka_unit_test(many_received_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
