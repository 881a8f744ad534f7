/* fuzz_dkim_verify.c: the whole DKIM verifier and signer on arbitrary
 * messages (the header splitter, the streaming reader and canonicalizers).
 *
 * The first input byte picks the chunk size the message is fed in.  Key
 * records come from a fixed cache (the RFC 8463 keys), other names are
 * NXDOMAIN.  Checks: a bounded number of signatures, every one settled
 * with a one-line reason, the same results whatever the chunk size; and
 * whatever frank manages to sign, frank verifies. */
#include "dkim_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define RSA_RECORD "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_dkim_verify: %s\n", why);
	abort();
}

static void put(struct auth_dns_cache *cache, const char *name, const char *text)
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
	auth_dns_cache_put(cache, a);
}

/* Verifies; returns the results as text for comparison (caller frees). */
static char *verify(const char *msg, size_t len, size_t chunk)
{
	struct auth_dkim_verify_options o = { .now = 1600000000 };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_verifier_feed(v, msg + at, len - at < chunk ? len - at : chunk);
	auth_dkim_verifier_finish(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	put(cache, "brisbane._domainkey.football.example.com", ED_RECORD);
	put(cache, "test._domainkey.football.example.com", RSA_RECORD);
	struct auth_dns_need need;
	int steps = 0;
	while (auth_dkim_verify_step(v, cache, &need) == AUTH_NEED_DNS) {
		if (++steps > AUTH_DKIM_MAX_SIGNATURES + 1)
			fail("more DNS steps than signatures");
		put(cache, need.name, NULL);
	}
	size_t n = auth_dkim_verifier_count(v);
	if (n > AUTH_DKIM_MAX_SIGNATURES)
		fail("more signatures than the cap");
	struct lib_buf out = LIB_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, i);
		if (s->result == AUTH_DKIM_NONE || !s->reason || strchr(s->reason, '\n'))
			fail("signature not settled with a one-line reason");
		lib_buf_printf(&out, "%d %s\n", (int)s->result, s->reason);
	}
	lib_buf_printf(&out, "+%zu %s", auth_dkim_verifier_not_evaluated(v),
		       auth_dkim_verifier_error(v) ? auth_dkim_verifier_error(v) : "");
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	return lib_buf_take(&out);
}

static void sign_then_verify(const char *msg, size_t len)
{
	static const unsigned char seed[32] = { 0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
						0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
						0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
						0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60 };
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_ed25519_seed(seed, NULL);
	struct auth_dkim_sign_options o = { .domain = "football.example.com",
					    .selector = "brisbane", .timestamp = 1500000000 };
	char *field;
	struct lib_err err;
	if (auth_dkim_sign(key, &o, msg, len, &field, &err) == 0) {
		struct lib_buf m = LIB_BUF_INIT;
		lib_buf_puts(&m, field);
		lib_buf_append(&m, msg, len);
		char *r = verify(m.data, m.len, m.len ? m.len : 1);
		if (strncmp(r, "1 pass", 6) != 0) {
			fprintf(stderr, "result: %s\n", r);
			fail("frank does not verify what frank signed");
		}
		free(r);
		lib_buf_release(&m);
		free(field);
	} else if (strchr(err.msg, '\n')) {
		fail("sign error is not one line");
	}
	auth_dkim_signing_key_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t chunk = (size_t)data[0] % 64 + 1;
	const char *msg = (const char *)data + 1;
	size_t len = size - 1;
	char *whole = verify(msg, len, len ? len : 1);
	char *pieces = verify(msg, len, chunk);
	if (strcmp(whole, pieces) != 0)
		fail("results depend on the chunk size");
	free(whole);
	free(pieces);
	sign_then_verify(msg, len);
	return 0;
}
