/* fuzz_arc.c: the ARC validator on arbitrary messages with arbitrary key
 * records: the ARC field collection, the seal and AMS parsers, the header
 * hashes of the sets, the AAR reader and the vouch helper.
 *
 * Input: byte 0 picks the chunk size the message is fed in, byte 1 how
 * keys are answered (the ARC suite's RSA key, an Ed25519 key, NXDOMAIN, a
 * temporary failure, or the text after a line "--DNS--" in the input, as
 * the TXT record of every key); the rest is the message.  Checks: a
 * verdict with a one-line reason, at most 50 sets, an oldest-pass within
 * the chain, a bounded number of DNS restarts, the same verdict whatever
 * the chunk size, and a one-line vouch text. */
#include "arc_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RSA_RECORD "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_arc: %s\n", why);
	abort();
}

struct keys {
	unsigned mode;
	const char *txt;   /* mode 4: the fuzzed record */
	size_t txt_len;
};

static void answer(struct auth_dns_cache *cache, const struct auth_dns_need *need,
		   const struct keys *k)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	const char *text = NULL;
	size_t len = 0;
	switch (k->mode) {
	case 0: text = RSA_RECORD; len = strlen(text); break;
	case 1: text = ED_RECORD; len = strlen(text); break;
	case 2: a->rcode = NET_DNS_NXDOMAIN; break;
	case 3: a->rcode = NET_DNS_TEMPFAIL; a->why = lib_xstrdup("SERVFAIL"); break;
	default: text = k->txt; len = k->txt_len; break;
	}
	if (text) {
		a->rcode = NET_DNS_ANSWER;
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrndup(text, len);
		a->records[0].text_len = len;
		a->count = 1;
	}
	auth_dns_cache_put(cache, a);
}

static void check_vouch(const struct auth_arc_result *r)
{
	struct auth_arc_vouch vouch;
	int found = auth_arc_vouch_find(r, NULL, &vouch);
	if (found && (r->cv != AUTH_ARC_PASS || !vouch.instance || vouch.instance > r->count))
		fail("a vouch outside a passing chain");
	char *text = auth_arc_vouch_text(&vouch);
	if (strchr(text, '\n') || strchr(text, '\r'))
		fail("vouch text is not one line");
	free(text);
}

/* Validates; returns the verdict as text for comparison (caller frees). */
static char *validate(const char *msg, size_t len, size_t chunk, const struct keys *k)
{
	struct auth_dkim_verify_options o = { .now = 1600000000 };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	struct auth_arc_validator *arc = auth_arc_validator_attach(v);
	if (!arc)
		fail("attach refused a new verifier");
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_verifier_feed(v, msg + at, len - at < chunk ? len - at : chunk);
	auth_dkim_verifier_finish(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need need;
	int steps = 0;
	while (auth_arc_validate_step(arc, cache, &need) == AUTH_NEED_DNS) {
		if (++steps > 2 * AUTH_ARC_MAX_SETS)
			fail("more DNS steps than signatures");
		if (auth_dns_cache_get(cache, need.name, need.type))
			fail("asked for an answer the cache has");
		answer(cache, &need, k);
	}
	const struct auth_arc_result *r = auth_arc_validator_result(arc);
	if (!r || !r->reason || strchr(r->reason, '\n'))
		fail("no verdict with a one-line reason");
	if (r->count > AUTH_ARC_MAX_SETS || r->oldest_pass > r->count ||
	    (r->cv == AUTH_ARC_PASS && !r->oldest_pass))
		fail("counts out of bounds");
	for (unsigned i = 0; i < r->count; i++) {
		const struct auth_dkim_signature *s[] = { r->sets[i].seal, r->sets[i].message_signature };
		for (size_t j = 0; j < 2; j++)
			if (s[j] && (!s[j]->reason || strchr(s[j]->reason, '\n')))
				fail("a signature without a one-line reason");
	}
	check_vouch(r);
	char *out = lib_xasprintf("%s %u %u %d %s", auth_arc_cv_str(r->cv), r->count,
				  r->oldest_pass, r->temporary, r->reason);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t chunk = (size_t)data[0] % 64 + 1;
	struct keys k = { data[1] % 5, "", 0 };
	const char *msg = (const char *)data + 2;
	size_t len = size - 2;
	static const char marker[] = "\n--DNS--\n";
	for (size_t i = 0; i + sizeof marker - 1 <= len; i++)
		if (memcmp(msg + i, marker, sizeof marker - 1) == 0) {
			k.txt = msg + i + sizeof marker - 1;
			k.txt_len = len - i - (sizeof marker - 1);
			len = i + 1;
			break;
		}
	char *whole = validate(msg, len, len ? len : 1, &k);
	char *pieces = validate(msg, len, chunk, &k);
	if (strcmp(whole, pieces) != 0) {
		fprintf(stderr, "whole: %s\npieces: %s\n", whole, pieces);
		fail("the verdict depends on the chunk size");
	}
	free(whole);
	free(pieces);
	return 0;
}
