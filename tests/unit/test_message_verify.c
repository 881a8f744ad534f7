/* test_message_verify.c: whole messages through the verifier, with DNS
 * answers from a table: messages signed here with the RFC 8463 Ed25519
 * key (and one signed by dkimpy with l=), each case a row of what the
 * message is and what the verdict must say (badge, SPF, DKIM, DMARC, the
 * explanation); then the Authentication-Results field, the JSON, the
 * restart loop's parallel needs, and hostile header sections. */
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

#define NOW 1800000000LL
#define DAY (24 * 3600LL)
#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

/* ---- DNS ------------------------------------------------------------------------- */

struct dns_row {
	const char *name;
	enum net_dns_type type;
	enum net_dns_rcode rcode;
	const char *text;
};

/* Every other query is NXDOMAIN. */
static const struct dns_row zone[] = {
	{ "alice.test", NET_DNS_TXT, NET_DNS_ANSWER, "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "_dmarc.alice.test", NET_DNS_TXT, NET_DNS_ANSWER, "v=DMARC1; p=reject" },
	{ "ed._domainkey.alice.test", NET_DNS_TXT, NET_DNS_ANSWER, ED_RECORD },
	{ "temp._domainkey.alice.test", NET_DNS_TXT, NET_DNS_TEMPFAIL, NULL },
	{ "ed._domainkey.carol.test", NET_DNS_TXT, NET_DNS_ANSWER, ED_RECORD },
	{ "ed._domainkey.esp.test", NET_DNS_TXT, NET_DNS_ANSWER, ED_RECORD },
};

static struct net_dns_answer *answer_for(const struct auth_dns_need *need)
{
	struct net_dns_answer *a = calloc(1, sizeof *a);
	a->qname = strdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	for (size_t i = 0; i < sizeof zone / sizeof zone[0]; i++) {
		if (zone[i].type != need->type || strcasecmp(zone[i].name, need->name) != 0)
			continue;
		a->rcode = zone[i].rcode;
		if (zone[i].text) {
			a->records = calloc(1, sizeof *a->records);
			a->records[0].text = strdup(zone[i].text);
			a->records[0].text_len = strlen(zone[i].text);
			a->count = 1;
		}
	}
	return a;
}

/* ---- messages ---------------------------------------------------------------------- */

static const unsigned char rfc8463_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

/* head + "\n" + body, signed by d/s (when d) at time t. */
static char *make_message(const char *head, const char *body, const char *d, const char *s,
			  long long t)
{
	char *msg = lib_xasprintf("%s\n%s", head, body);
	if (!d)
		return msg;
	struct lib_err err;
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_ed25519_seed(rfc8463_seed,
										    &err);
	struct auth_dkim_sign_options o = { .domain = d, .selector = s, .timestamp = t };
	char *field = NULL;
	assert_int_equal(auth_dkim_sign(key, &o, msg, strlen(msg), &field, &err), 0);
	char *signed_msg = lib_xasprintf("%s%s", field, msg);
	auth_dkim_signing_key_free(key);
	free(field);
	free(msg);
	return signed_msg;
}

/* Replaces the first "from" in msg by "to" (the same length or not). */
static char *tamper(char *msg, const char *from, const char *to)
{
	char *at = strstr(msg, from);
	assert_non_null(at);
	char *out = lib_xasprintf("%.*s%s%s", (int)(at - msg), msg, to, at + strlen(from));
	free(msg);
	return out;
}

/* Verifies msg in pieces of chunk bytes, answering from the zone. */
static struct auth_message_verifier *verify(const struct auth_message_request *req,
					    const char *msg, size_t len, size_t chunk)
{
	struct auth_message_verifier *v = auth_message_verifier_new(req);
	for (size_t at = 0; at < len; at += chunk)
		auth_message_verifier_feed(v, msg + at, len - at < chunk ? len - at : chunk);
	auth_message_verifier_finish(v);
	struct auth_dns_need need;
	int steps = 0;
	while (auth_message_verify_step(v, &need) == AUTH_NEED_DNS) {
		assert_true(++steps < 100);
		auth_message_verifier_put(v, answer_for(&need));
	}
	assert_non_null(auth_message_verifier_verdict(v));
	return v;
}

/* ---- the table ------------------------------------------------------------------------ */

#define RP "Return-Path: <alice@alice.test>\n"
#define RCVD(ip) \
	"Received: from mail.alice.test (mail.alice.test [" ip "])\n\tby mx.bob.test (Postfix) " \
	"with ESMTPS id A1; Mon, 1 Jan 2024 00:00:00 +0000\n"
#define FROM_ALICE "From: Alice <alice@alice.test>\n"
#define REST "To: bob@bob.test\nSubject: hello\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n" \
	     "Message-ID: <1@alice.test>\n"
#define BODY "Hello Bob.\n"

/* dkimpy's ed25519 signature with l=12 over the body "Hello Bob.\r\n"; a
 * line added below it is not signed. */
#define PARTIAL_SIG \
	"DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=alice.test;\r\n" \
	" i=@alice.test; l=12; q=dns/txt; s=ed; t=1795436787; h=from : to :\r\n" \
	" subject : date : from;\r\n" \
	" bh=DD3L33E64/RV0CUJdfGTtPGKU7OPJpo/2LxOdf3k0RI=;\r\n" \
	" b=yCO19aItipLvFT/j9rEkfVv5rHZVJwJII4ft94RsqHgt+ub2d5Wmvrwykz9yBqq1rKOK2\r\n" \
	" YVacxM617RoyXAeCw==\r\n"
#define PARTIAL_HEAD \
	PARTIAL_SIG "From: Alice <alice@alice.test>\r\nTo: bob@bob.test\r\nSubject: partial\r\n" \
		    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"

struct verdict_case {
	const char *what;
	const char *head, *body;
	const char *d, *s;       /* signer, or NULL */
	long long signed_at;     /* 0: NOW */
	const char *tamper_from, *tamper_to;
	const char *ip;          /* the session's client, or NULL */
	const char *trust;       /* a trusted authserv-id, or NULL */
	enum auth_badge badge;
	const char *spf;         /* result, then source */
	const char *dkim;        /* results, comma-separated; "" none */
	const char *dmarc;
	const char *explains;    /* part of the explanation */
};

static const struct verdict_case verdict_cases[] = {
	{ "signed by the author, sent from its servers", RP RCVD("192.0.2.1") FROM_ALICE REST,
	  BODY, "alice.test", "ed", 0, NULL, NULL, NULL, NULL, AUTH_BADGE_VERIFIED,
	  "pass received", "pass", "pass",
	  "alice.test signed this message and its DMARC policy (reject) says so" },
	{ "the body altered after signing", RP RCVD("192.0.2.1") FROM_ALICE REST, BODY,
	  "alice.test", "ed", 0, "Hello", "Hullo", NULL, NULL, AUTH_BADGE_FAILED,
	  "pass received", "fail", "pass", "does not verify (body hash mismatch)" },
	{ "a forged From from the wrong IP", RP RCVD("203.0.113.9") FROM_ALICE REST, BODY, NULL,
	  NULL, 0, NULL, NULL, NULL, NULL, AUTH_BADGE_FAILED, "fail received", "", "fail",
	  "nothing proves alice.test sent this, and its DMARC policy (reject)" },
	{ "a signature with l= and a line added below", PARTIAL_HEAD,
	  "Hello Bob.\r\nP.S. click here\r\n", NULL, NULL, 0, NULL, NULL, NULL, NULL,
	  AUTH_BADGE_PARTIAL, "none none", "pass", "pass",
	  "alice.test signed only the first 12 bytes of the body (l=)" },
	{ "no From field", RP RCVD("192.0.2.1") REST, BODY, NULL, NULL, 0, NULL, NULL, NULL, NULL,
	  AUTH_BADGE_FAILED, "pass received", "", "permerror",
	  "who sent this cannot be told: the message has no From field" },
	{ "two From fields", RP RCVD("192.0.2.1") FROM_ALICE "From: mallory@evil.test\n" REST, BODY,
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, AUTH_BADGE_FAILED, "pass received", "",
	  "permerror", "the message has 2 From fields: alice.test, evil.test" },
	{ "a From with two mailboxes", RP RCVD("192.0.2.1")
	  "From: alice@alice.test, mallory@evil.test\n" REST, BODY, NULL, NULL, 0, NULL, NULL,
	  NULL, NULL, AUTH_BADGE_FAILED, "pass received", "", "permerror",
	  "From holds 2 mailboxes: alice.test, evil.test" },
	{ "a From with a name and no address", "From: \"Test User\"\n" REST, BODY, NULL, NULL, 0,
	  NULL, NULL, NULL, NULL, AUTH_BADGE_FAILED, "none none", "", "permerror",
	  "who sent this cannot be told" },
	{ "no DMARC policy, the author signs", "From: carol@carol.test\n" REST, BODY, "carol.test",
	  "ed", 0, NULL, NULL, NULL, NULL, AUTH_BADGE_VERIFIED, "none none", "pass", "none",
	  "carol.test signed this message (it publishes no DMARC policy)" },
	{ "only a third party signs", "From: carol@carol.test\n" REST, BODY, "esp.test", "ed", 0,
	  NULL, NULL, NULL, NULL, AUTH_BADGE_PARTIAL, "none none", "pass", "none",
	  "signed by esp.test, not by the author's domain carol.test" },
	{ "nothing to verify", "From: carol@carol.test\n" REST, BODY, NULL, NULL, 0, NULL, NULL,
	  NULL, NULL, AUTH_BADGE_NONE, "none none", "", "none",
	  "nothing to verify: no signature, no DMARC policy for carol.test" },
	{ "the key lookup fails for now", FROM_ALICE REST, BODY, "alice.test", "temp", 0, NULL,
	  NULL, NULL, NULL, AUTH_BADGE_UNKNOWN, "none none", "temperror", "fail",
	  "could not be checked now: DNS temporary failure" },
	{ "the key is gone from old mail", FROM_ALICE REST, BODY, "alice.test", "gone",
	  NOW - 90 * DAY, NULL, NULL, NULL, NULL, AUTH_BADGE_UNKNOWN, "none none", "permerror",
	  "fail", "the key of alice.test's signature is gone (old mail)" },
	{ "the key is missing from fresh mail", FROM_ALICE REST, BODY, "alice.test", "gone",
	  NOW - DAY, NULL, NULL, NULL, NULL, AUTH_BADGE_FAILED, "none none", "permerror", "fail",
	  "nothing proves alice.test sent this" },
	{ "SPF from a trusted Authentication-Results field",
	  "Authentication-Results: mx.bob.test; spf=pass smtp.mailfrom=alice@alice.test\n"
	  FROM_ALICE REST, BODY, NULL, NULL, 0, NULL, NULL, NULL, "mx.bob.test",
	  AUTH_BADGE_VERIFIED, "pass authentication-results", "", "pass",
	  "alice.test's servers sent this message (SPF)" },
	{ "an untrusted Authentication-Results field is not believed",
	  "Authentication-Results: evil.test; spf=pass smtp.mailfrom=alice@alice.test\n"
	  FROM_ALICE REST, BODY, NULL, NULL, 0, NULL, NULL, NULL, "mx.bob.test", AUTH_BADGE_FAILED,
	  "none none", "", "fail", "nothing proves alice.test sent this" },
	{ "the SMTP session's client", RP FROM_ALICE REST, BODY, NULL, NULL, 0, NULL, NULL,
	  "192.0.2.7", NULL, AUTH_BADGE_VERIFIED, "pass session", "", "pass",
	  "alice.test's servers sent this message (SPF)" },
	{ "the SMTP session's client, not allowed", RP FROM_ALICE REST, BODY, NULL, NULL, 0, NULL,
	  NULL, "198.51.100.1", NULL, AUTH_BADGE_FAILED, "fail session", "", "fail",
	  "nothing proves alice.test sent this" },
};

static char *dkim_results(const struct auth_message_verdict *v)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "");
	for (size_t i = 0; i < v->dkim_count; i++)
		lib_buf_printf(&b, "%s%s", i ? "," : "", auth_dkim_result_str(v->dkim[i].sig->result));
	return lib_buf_take(&b);
}

static void check_case(const struct verdict_case *c, const struct auth_message_verdict *v)
{
	char spf[128];
	snprintf(spf, sizeof spf, "%s %s", v->spf.result, auth_message_spf_source_str(v->spf.source));
	char *dkim = dkim_results(v);
	const char *dmarc = v->dmarc ? auth_dmarc_result_str(v->dmarc->result) : "-";
	int ok = v->badge == c->badge && strcmp(spf, c->spf) == 0 && strcmp(dkim, c->dkim) == 0 &&
		 strcmp(dmarc, c->dmarc) == 0 && strstr(v->explanation, c->explains);
	if (!ok) {
		fprintf(stderr, "%s: badge %s, spf %s (%s), dkim %s, dmarc %s (%s): %s\n", c->what,
			auth_badge_str(v->badge), spf, v->spf.reason, dkim, dmarc,
			v->dmarc ? v->dmarc->reason : "", v->explanation);
		fail();
	}
	free(dkim);
}

static struct auth_message_request request_for(const struct verdict_case *c,
					       const char *const *trust)
{
	static const char *const hosts[] = { "mx.bob.test" };
	struct auth_message_request req = {
		.ip = c->ip, .helo = c->ip ? "mail.alice.test" : NULL,
		.trusted_hosts = hosts, .trusted_host_count = 1,
		.trusted_authserv_ids = trust, .trusted_authserv_count = c->trust ? 1 : 0,
		.now = NOW,
	};
	return req;
}

static void verdicts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof verdict_cases / sizeof verdict_cases[0]; i++) {
		const struct verdict_case *c = &verdict_cases[i];
		char *msg = make_message(c->head, c->body, c->d, c->s,
					 c->signed_at ? c->signed_at : NOW - 60);
		if (c->tamper_from)
			msg = tamper(msg, c->tamper_from, c->tamper_to);
		const char *trust[] = { c->trust };
		struct auth_message_request req = request_for(c, trust);
		struct auth_message_verifier *v = verify(&req, msg, strlen(msg), strlen(msg));
		check_case(c, auth_message_verifier_verdict(v));
		auth_message_verifier_free(v);
		free(msg);
	}
}

/* The verdict does not depend on how the message is cut into pieces. */
static void pieces_of_any_size(void **state)
{
	(void)state;
	const struct verdict_case *c = &verdict_cases[0];
	char *msg = make_message(c->head, c->body, c->d, c->s, NOW - 60);
	struct auth_message_request req = request_for(c, NULL);
	struct auth_message_verifier *whole = verify(&req, msg, strlen(msg), strlen(msg));
	char *want = auth_message_verdict_json(auth_message_verifier_verdict(whole));
	for (size_t chunk = 1; chunk < 80; chunk += 13) {
		struct auth_message_verifier *v = verify(&req, msg, strlen(msg), chunk);
		char *got = auth_message_verdict_json(auth_message_verifier_verdict(v));
		assert_string_equal(got, want);
		free(got);
		auth_message_verifier_free(v);
	}
	free(want);
	auth_message_verifier_free(whole);
	free(msg);
}

/* A broken signature's d= may hold folding: the explanation that names
 * it stays on one line (found by fuzz_message_verify). */
static void explanation_is_one_line(void **state)
{
	(void)state;
	const char *msg = "DKIM-Signature: v=1; a=ed25519-sha256; d=alice.t b\r\n\ts=ed\r\n"
			  "From: carol@carol.test\r\n\r\nhi\r\n";
	struct auth_message_request req = { .now = NOW };
	struct auth_message_verifier *v = verify(&req, msg, strlen(msg), strlen(msg));
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	assert_int_equal(verdict->badge, AUTH_BADGE_NONE);
	assert_string_equal(verdict->explanation,
			    "nothing verifies: the signature of alice.t b   s=ed cannot be checked "
			    "(syntax error: missing b=)");
	auth_message_verifier_free(v);
}

/* ---- what the verdict writes --------------------------------------------------------- */

static void authentication_results_field(void **state)
{
	(void)state;
	const struct verdict_case *c = &verdict_cases[0];
	char *msg = make_message(c->head, c->body, c->d, c->s, NOW - 60);
	struct auth_message_request req = request_for(c, NULL);
	req.authserv_id = "mx.frank.test";
	struct auth_message_verifier *v = verify(&req, msg, strlen(msg), strlen(msg));
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	char *field = auth_message_verdict_authres(verdict, 0);
	char b8[9];
	snprintf(b8, sizeof b8, "%s", verdict->dkim[0].sig->b);
	char *want = lib_xasprintf("Authentication-Results: mx.frank.test; spf=pass "
				   "smtp.mailfrom=alice.test; dkim=pass header.d=alice.test header.s=ed "
				   "header.b=%s; dmarc=pass header.from=alice.test policy.dmarc=reject",
				   b8);
	assert_string_equal(field, want);
	/* what we write, our own reader reads */
	struct lib_err err;
	struct auth_authres *back = auth_authres_parse(field + 23, strlen(field + 23), &err);
	assert_non_null(back);
	assert_int_equal(back->count, 3);
	auth_authres_free(back);
	free(want);
	free(field);
	auth_message_verifier_free(v);
	free(msg);
}

static void authentication_results_reasons(void **state)
{
	(void)state;
	struct auth_message_request req = { .now = NOW };
	const char *msg = "From: carol@carol.test\n\nhi\n";
	struct auth_message_verifier *v = verify(&req, msg, strlen(msg), strlen(msg));
	char *field = auth_message_verdict_authres(auth_message_verifier_verdict(v), 0);
	assert_string_equal(field, "Authentication-Results: frank; spf=none (no trusted Received "
				   "header: no boundary host is configured); dkim=none (no "
				   "signature); dmarc=none (no DMARC record for carol.test or its "
				   "parents) header.from=carol.test");
	free(field);
	auth_message_verifier_free(v);
}

/* Every byte of the JSON is printable ASCII or UTF-8 (no control byte
 * from the message gets through), its brackets balance outside strings,
 * and the evidence is there. */
static void json_evidence(void **state)
{
	(void)state;
	const struct verdict_case *c = &verdict_cases[0];
	char *msg = make_message(c->head, c->body, c->d, c->s, NOW - 60);
	msg = tamper(msg, "Subject: hello", "Subject: \x1b[31mred\x01");
	const char *trust[] = { "mx.bob.test" };
	struct auth_message_request req = request_for(c, trust);
	req.trusted_authserv_count = 1;
	struct lib_buf m = LIB_BUF_INIT;
	lib_buf_puts(&m, "Authentication-Results: evil.test; dkim=pass (\"\x1b]0;x\x07\") "
			 "header.d=alice.test\n");
	lib_buf_puts(&m, msg);
	struct auth_message_verifier *v = verify(&req, m.data, m.len, m.len);
	char *json = auth_message_verdict_json(auth_message_verifier_verdict(v));
	int depth = 0, in_string = 0;
	for (const char *p = json; *p; p++) {
		assert_true((unsigned char)*p >= 0x20);
		if (in_string && *p == '\\')
			p++;
		else if (*p == '"')
			in_string = !in_string;
		else if (!in_string && (*p == '{' || *p == '['))
			depth++;
		else if (!in_string && (*p == '}' || *p == ']'))
			depth--;
	}
	assert_int_equal(depth, 0);
	assert_int_equal(in_string, 0);
	static const char *const parts[] = {
		"{\"v\":1,\"authserv_id\":\"frank\",\"verified_at\":1800000000,",
		"\"badge\":\"failed\"", /* the Subject changed: the signature does not verify */
		"\"source\":\"received\"",
		"\"ip\":\"192.0.2.1\"",
		"\"received_by\":\"mx.bob.test\"",
		"\"text\":\"v=spf1 ip4:192.0.2.0/24 -all\"",
		"\"selector\":\"ed\"",
		"\"canonicalization\":\"relaxed/relaxed\"",
		"\"key\":{\"name\":\"ed._domainkey.alice.test\",\"type\":\"ed25519\",\"bits\":256",
		"\"record\":\"v=DMARC1; p=reject\"",
		"\"trusted\":[],\"untrusted\":[{\"authserv_id\":\"evil.test\"",
		"{\"name\":\"_dmarc.alice.test\",\"type\":\"TXT\",\"rcode\":\"ANSWER\"",
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (!strstr(json, parts[i])) {
			fprintf(stderr, "missing %s in %s\n", parts[i], json);
			fail();
		}
	free(json);
	auth_message_verifier_free(v);
	lib_buf_release(&m);
	free(msg);
}

/* ---- the restart loop ------------------------------------------------------------------- */

/* Three signatures: every key is asked for in the first round, beside
 * SPF's record and the author's DMARC record. */
static void needs_in_parallel(void **state)
{
	(void)state;
	char *msg = make_message(RP RCVD("192.0.2.1") FROM_ALICE REST, BODY, "alice.test", "ed",
				 NOW);
	struct lib_buf all = LIB_BUF_INIT;
	char *carol = make_message(RP RCVD("192.0.2.1") FROM_ALICE REST, BODY, "carol.test", "ed",
				   NOW);
	char *esp = make_message(RP RCVD("192.0.2.1") FROM_ALICE REST, BODY, "esp.test", "ed", NOW);
	/* the three DKIM-Signature fields over the same message */
	lib_buf_append(&all, carol, (size_t)(strstr(carol, "Return-Path") - carol));
	lib_buf_append(&all, esp, (size_t)(strstr(esp, "Return-Path") - esp));
	lib_buf_puts(&all, msg);
	static const char *const hosts[] = { "mx.bob.test" };
	struct auth_message_request req = { .trusted_hosts = hosts, .trusted_host_count = 1,
					    .now = NOW };
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	auth_message_verifier_feed(v, all.data, all.len);
	auth_message_verifier_finish(v);
	struct auth_dns_need need, needs[16];
	assert_int_equal(auth_message_verify_step(v, &need), AUTH_NEED_DNS);
	size_t n = auth_message_verifier_needs(v, needs, 16);
	struct lib_buf names = LIB_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		lib_buf_printf(&names, "%s %s;", needs[i].name, net_dns_type_str(needs[i].type));
	assert_string_equal(names.data, "alice.test TXT;ed._domainkey.carol.test TXT;"
					"_dmarc.alice.test TXT;ed._domainkey.esp.test TXT;"
					"ed._domainkey.alice.test TXT;");
	assert_int_equal(auth_message_verifier_needs(v, needs, 2), 5); /* counts past max */
	for (size_t i = 0; i < n; i++)
		auth_message_verifier_put(v, answer_for(&needs[i]));
	int rounds = 1;
	while (auth_message_verify_step(v, &need) == AUTH_NEED_DNS) {
		n = auth_message_verifier_needs(v, needs, 16);
		for (size_t i = 0; i < n; i++)
			auth_message_verifier_put(v, answer_for(&needs[i]));
		rounds++;
	}
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	assert_int_equal(verdict->dkim_count, 3);
	assert_int_equal(verdict->badge, AUTH_BADGE_VERIFIED);
	/* one round for those five, then DMARC's walks one name at a time:
	 * _dmarc.test, _dmarc.carol.test, _dmarc.esp.test */
	assert_int_equal(rounds, 4);
	lib_buf_release(&names);
	lib_buf_release(&all);
	auth_message_verifier_free(v);
	free(msg);
	free(carol);
	free(esp);
}

/* ---- what is not a message, and hostile ones ------------------------------------------ */

static void not_messages(void **state)
{
	(void)state;
	static const struct { const char *data; const char *error; } cases[] = {
		{ "", "not a message: it has no header fields" },
		{ "\nonly a body\n", "not a message: it has no header fields" },
		{ "hello world\nthis is text\n", "not a message: it does not start with a header" },
		{ "\x89PNG\r\n\x1a\n\0\0", "not a message: it does not start with a header" },
	};
	struct auth_message_request req = { .now = NOW };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = i == 3 ? 10 : strlen(cases[i].data);
		struct auth_message_verifier *v = verify(&req, cases[i].data, len, len ? len : 1);
		const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
		assert_non_null(verdict->error);
		assert_non_null(strstr(verdict->error, cases[i].error));
		assert_int_equal(verdict->badge, AUTH_BADGE_UNKNOWN);
		auth_message_verifier_free(v);
	}
	/* an mbox "From " line first is still a message */
	const char *mbox = "From alice@alice.test Mon Jan  1 00:00:00 2024\nFrom: alice@alice.test\n\nx\n";
	struct auth_message_verifier *v = verify(&req, mbox, strlen(mbox), 7);
	assert_null(auth_message_verifier_verdict(v)->error);
	auth_message_verifier_free(v);
}

/* 1,000 signatures, 10,000 header fields and a 1 MB line: a verdict,
 * with the signatures past the cap counted and not evaluated. */
static void hostile_header_sections(void **state)
{
	(void)state;
	char *one = make_message(FROM_ALICE REST, BODY, "alice.test", "ed", NOW);
	size_t sig_len = (size_t)(strstr(one, "From: ") - one);
	struct lib_buf m = LIB_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		lib_buf_append(&m, one, sig_len);
	for (int i = 0; i < 10000; i++)
		lib_buf_printf(&m, "X-Filler-%d: %d\n", i, i);
	lib_buf_puts(&m, "X-Long: ");
	for (int i = 0; i < (1 << 20) / 8; i++)
		lib_buf_puts(&m, "aaaaaaa ");
	lib_buf_puts(&m, "\n");
	for (int i = 0; i < 100; i++)
		lib_buf_puts(&m, "Authentication-Results: x.test; spf=pass smtp.mailfrom=a.test\n");
	lib_buf_puts(&m, one + sig_len);
	struct auth_message_request req = { .now = NOW };
	struct auth_message_verifier *v = verify(&req, m.data, m.len, 65536);
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	assert_null(verdict->error);
	assert_int_equal(verdict->dkim_count, AUTH_DKIM_MAX_SIGNATURES);
	assert_int_equal(verdict->dkim_not_evaluated, 1000 - AUTH_DKIM_MAX_SIGNATURES);
	assert_int_equal(verdict->authres->count, AUTH_MESSAGE_MAX_AUTHRES);
	assert_int_equal(verdict->authres_not_recorded, 100 - AUTH_MESSAGE_MAX_AUTHRES);
	for (size_t i = 0; i < verdict->dkim_count; i++)
		assert_int_equal(verdict->dkim[i].sig->result, AUTH_DKIM_PASS);
	assert_int_equal(verdict->badge, AUTH_BADGE_VERIFIED);
	auth_message_verifier_free(v);
	lib_buf_release(&m);
	free(one);
}

/* A header section over DKIM's 8 MB bound is not verified, and says so. */
static void header_section_too_large(void **state)
{
	(void)state;
	struct auth_message_request req = { .now = NOW };
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	auth_message_verifier_feed(v, "From: a@alice.test\nX: ", 22);
	char *chunk = malloc(1 << 20);
	memset(chunk, 'a', 1 << 20);
	for (int i = 0; i < 9; i++)
		auth_message_verifier_feed(v, chunk, 1 << 20);
	auth_message_verifier_feed(v, "\n\nbody\n", 7);
	auth_message_verifier_finish(v);
	struct auth_dns_need need;
	assert_int_equal(auth_message_verify_step(v, &need), AUTH_DONE);
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	assert_string_equal(verdict->error, "header section larger than 8 MB: not verified");
	assert_int_equal(verdict->badge, AUTH_BADGE_UNKNOWN);
	free(chunk);
	auth_message_verifier_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(pieces_of_any_size),
		cmocka_unit_test(explanation_is_one_line),
		cmocka_unit_test(authentication_results_field),
		cmocka_unit_test(authentication_results_reasons),
		cmocka_unit_test(json_evidence),
		cmocka_unit_test(needs_in_parallel),
		cmocka_unit_test(not_messages),
		cmocka_unit_test(hostile_header_sections),
		cmocka_unit_test(header_section_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
