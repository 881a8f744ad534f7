/* fuzz_message_verify.c: the whole-message verifier on arbitrary
 * messages, and the Received and Return-Path parsers on arbitrary field
 * bodies.
 *
 * The first input byte picks the chunk size the message is fed in.  DNS
 * answers come from a fixed table (an SPF record, a DMARC record, the
 * RFC 8463 keys under alice.test), other names are NXDOMAIN; the boundary
 * host mx.bob.test and the authserv-id mx.bob.test are trusted.  Checks:
 * the restart loop ends; the verdict has a badge and a one-line
 * explanation; the JSON is printable, its brackets balance; the
 * Authentication-Results field we write reads back with our own parser;
 * the message check of frank dnscheck --message (auth_check_message)
 * gives rows whose text is one line and a score within 0..10;
 * and the verdict is the same whatever the chunk size. */
#include "auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RSA_RECORD "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

static const struct {
	const char *name;
	enum net_dns_type type;
	const char *text;
} zone[] = {
	{ "alice.test", NET_DNS_TXT, "v=spf1 ip4:192.0.2.0/24 a:mail.alice.test mx include:_spf.alice.test ~all" },
	{ "_spf.alice.test", NET_DNS_TXT, "v=spf1 ip6:2001:db8::/32 -all" },
	{ "mail.alice.test", NET_DNS_A, "192.0.2.1" },
	{ "_dmarc.alice.test", NET_DNS_TXT, "v=DMARC1; p=reject; sp=quarantine; np=reject" },
	{ "ed._domainkey.alice.test", NET_DNS_TXT, ED_RECORD },
	{ "brisbane._domainkey.football.example.com", NET_DNS_TXT, ED_RECORD },
	{ "test._domainkey.football.example.com", NET_DNS_TXT, RSA_RECORD },
	{ "_dmarc.example.com", NET_DNS_TXT, "v=DMARC1; p=none" },
};

static void fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz_message_verify: %s\n%s\n", why, detail ? detail : "");
	abort();
}

static struct net_dns_answer *answer_for(const struct auth_dns_need *need)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	for (size_t i = 0; i < sizeof zone / sizeof zone[0]; i++) {
		if (zone[i].type != need->type || strcasecmp(zone[i].name, need->name) != 0)
			continue;
		a->rcode = NET_DNS_ANSWER;
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrdup(zone[i].text);
		a->records[0].text_len = strlen(zone[i].text);
		if (need->type == NET_DNS_A) {
			a->records[0].addr_len = 4;
			sscanf(zone[i].text, "%hhu.%hhu.%hhu.%hhu", &a->records[0].addr[0],
			       &a->records[0].addr[1], &a->records[0].addr[2], &a->records[0].addr[3]);
		}
		a->count = 1;
	}
	return a;
}

static void check_json(const char *json)
{
	int depth = 0, in_string = 0;
	for (const char *p = json; *p; p++) {
		if ((unsigned char)*p < 0x20)
			fail("a control byte in the JSON", json);
		if (in_string && *p == '\\')
			p++;
		else if (*p == '"')
			in_string = !in_string;
		else if (!in_string && (*p == '{' || *p == '['))
			depth++;
		else if (!in_string && (*p == '}' || *p == ']'))
			depth--;
		if (depth < 0)
			fail("JSON brackets do not balance", json);
	}
	if (depth != 0 || in_string)
		fail("JSON brackets do not balance", json);
}

static void check_verdict(const struct auth_message_verdict *v)
{
	if (!v->explanation || strchr(v->explanation, '\n'))
		fail("no one-line explanation", v->explanation);
	if ((unsigned)v->badge > AUTH_BADGE_UNKNOWN)
		fail("a badge out of range", NULL);
	char *field = auth_message_verdict_authres(v, 1);
	struct lib_err err;
	struct auth_authres *back = auth_authres_parse(field + 23, strlen(field + 23), &err);
	if (!back)
		fail("our Authentication-Results does not read back", field);
	auth_authres_free(back);
	free(field);
}

static void check_report(const struct auth_message_verdict *verdict, const char *msg,
			 size_t len)
{
	struct auth_check_report *r = auth_check_message(verdict, msg, len, len, "fuzz");
	if (auth_check_score(r) > AUTH_CHECK_MAX_POINTS)
		fail("a score over 10", NULL);
	for (size_t i = 0; i < r->count; i++)
		if (strchr(r->items[i].text, '\n') || (r->items[i].fix && strchr(r->items[i].fix, '\n')))
			fail("a row of more than one line", r->items[i].text);
	char *text = auth_check_report_text(r);
	free(text);
	auth_check_report_free(r);
}

/* Verifies; returns the verdict's JSON (caller frees). */
static char *verify(const char *msg, size_t len, size_t chunk)
{
	static const char *const hosts[] = { "mx.bob.test" };
	struct auth_message_request req = { .trusted_hosts = hosts, .trusted_host_count = 1,
					    .trusted_authserv_ids = hosts,
					    .trusted_authserv_count = 1, .now = 1700000000 };
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	for (size_t at = 0; at < len; at += chunk)
		auth_message_verifier_feed(v, msg + at, len - at < chunk ? len - at : chunk);
	auth_message_verifier_finish(v);
	struct auth_dns_need need, needs[32];
	int rounds = 0;
	while (auth_message_verify_step(v, &need) == AUTH_NEED_DNS) {
		if (++rounds > 500)
			fail("the restart loop does not end", need.name);
		size_t n = auth_message_verifier_needs(v, needs, 32);
		if (n == 0)
			fail("a step needs DNS but lists no need", need.name);
		for (size_t i = 0; i < n && i < 32; i++)
			auth_message_verifier_put(v, answer_for(&needs[i]));
	}
	const struct auth_message_verdict *verdict = auth_message_verifier_verdict(v);
	if (!verdict)
		fail("no verdict after AUTH_DONE", NULL);
	check_verdict(verdict);
	if (!verdict->error && chunk == len)
		check_report(verdict, msg, len);
	char *json = auth_message_verdict_json(verdict);
	check_json(json);
	auth_message_verifier_free(v);
	return json;
}

static void parse_fields(const char *data, size_t len)
{
	struct auth_received r;
	struct lib_err err;
	if (auth_received_parse(data, len, &r, &err) == 0 && !r.from && !r.by)
		fail("a Received field parsed without from or by", NULL);
	auth_received_release(&r);
	char *path = auth_return_path_parse(data, len, &err);
	if (path && strlen(path) && !strchr(path, '@'))
		fail("a Return-Path address without @", path);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t chunk = (size_t)data[0] % 97 + 1;
	const char *msg = (const char *)data + 1;
	size_t len = size - 1;
	parse_fields(msg, len);
	char *whole = verify(msg, len, len ? len : 1);
	char *pieces = verify(msg, len, chunk);
	if (strcmp(whole, pieces) != 0)
		fail("the verdict depends on the chunk size", whole);
	free(whole);
	free(pieces);
	return 0;
}
