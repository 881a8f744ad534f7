/* test_dkim.c: DKIM canonicalization, verification and signing
 * (src/auth/dkim_*.c), on the RFC vectors and public corpora in
 * ../shared/testdata/dkim (see its SOURCE.md) and on messages signed
 * here.  The tests fail, not skip, when the shared data is missing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dkim_private.h"

#define DATA "../shared/testdata/dkim/"
#define ED_SEED "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

/* ---- helpers --------------------------------------------------------------- */

static char *read_shared(const char *rel, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, DATA "%s", rel);
	char *data;
	struct lib_err err;
	if (lib_read_file(path, 16 << 20, &data, len, &err) < 0)
		fail_msg("%s is missing (%s): the DKIM tests need ../shared/testdata/dkim",
			 path, err.msg);
	return data;
}

static void put_answer(struct auth_dns_cache *cache, const char *name, enum net_dns_rcode rcode,
		       const char *text)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(name);
	a->qtype = NET_DNS_TXT;
	a->rcode = rcode;
	if (text) {
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrdup(text);
		a->records[0].text_len = strlen(text);
		a->count = 1;
	}
	if (rcode == NET_DNS_TEMPFAIL)
		a->why = lib_xstrdup("SERVFAIL");
	auth_dns_cache_put(cache, a);
}

/* "NAME VALUE" lines, as in SOURCE.md. */
static void load_dns(struct auth_dns_cache *cache, const char *rel)
{
	size_t len;
	char *data = read_shared(rel, &len);
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strpbrk(line, " \t");
		if (line[0] == '#' || !sp)
			continue;
		*sp++ = '\0';
		sp += strspn(sp, " \t");
		sp[strcspn(sp, "\r")] = '\0';
		put_answer(cache, line, NET_DNS_ANSWER, sp);
	}
	free(data);
}

/* Verifies msg fed in chunks; names not in the cache are NXDOMAIN. */
static struct auth_dkim_verifier *verify(const char *msg, size_t len, struct auth_dns_cache *cache,
					 long long now, int legacy, size_t chunk)
{
	struct auth_dkim_verify_options o = { .now = now, .legacy = legacy };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_verifier_feed(v, msg + at, len - at < chunk ? len - at : chunk);
	auth_dkim_verifier_finish(v);
	struct auth_dns_need need;
	while (auth_dkim_verify_step(v, cache, &need) == AUTH_NEED_DNS)
		put_answer(cache, need.name, NET_DNS_NXDOMAIN, NULL);
	return v;
}

static void assert_sig(const struct auth_dkim_verifier *v, size_t i, enum auth_dkim_result want,
		       const char *reason)
{
	const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, i);
	if (!s)
		fail_msg("no signature %zu", i);
	if (s->result != want || !strstr(s->reason, reason))
		fail_msg("signature %zu: want %s (%s), got %s (%s)", i, auth_dkim_result_str(want),
			 reason, auth_dkim_result_str(s->result), s->reason);
}

static char *lf_only(const char *msg, size_t len, size_t *out_len)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			lib_buf_putc(&b, msg[i]);
	*out_len = b.len;
	return lib_buf_take(&b);
}

static struct auth_dkim_signing_key *ed_key(void)
{
	unsigned char *seed;
	size_t n;
	assert_int_equal(auth_dkim_base64_decode(ED_SEED, strlen(ED_SEED), &seed, &n), 0);
	assert_int_equal(n, 32);
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_ed25519_seed(seed, NULL);
	free(seed);
	assert_non_null(key);
	return key;
}

/* Signs msg with any tags the signer never writes (l=, x=, c=simple...):
 * tags is the tag list up to bh=, which is computed with body_canon and
 * limit; the header hash uses header_canon; Ed25519 RFC 8032 key. */
static char *sign_with_tags(const char *msg, const char *tags, enum auth_dkim_canon header_canon,
			    enum auth_dkim_canon body_canon, long long limit)
{
	size_t hl, bo;
	size_t len = strlen(msg);
	auth_msg_header_end(msg, len, &hl, &bo);
	struct auth_dkim_body_hash bh;
	auth_dkim_body_hash_init(&bh, body_canon, EVP_sha256(), limit);
	auth_dkim_body_hash_feed(&bh, msg + bo, len - bo);
	auth_dkim_body_hash_finish(&bh);
	char *b64 = auth_dkim_base64_encode(bh.digest, bh.digest_len);
	auth_dkim_body_hash_release(&bh);
	char *field = lib_xasprintf("DKIM-Signature: %s; bh=%s;\r\n b=", tags, b64);
	free(b64);

	struct auth_msg_headers headers;
	assert_int_equal(auth_msg_headers_split(msg, hl, &headers, NULL), 0);
	struct auth_dkim_sig_tags parsed;
	struct lib_err err;
	char *value = lib_xasprintf("%s AAAA", field + 15);
	if (auth_dkim_sig_parse(value, strlen(value), &parsed, &err) < 0)
		fail_msg("test signature does not parse: %s", err.msg);
	free(value);
	struct auth_msg_field f = { .raw = field, .raw_len = strlen(field), .name_len = 14,
				    .value_off = 15, .value_end = strlen(field) };
	struct lib_buf scratch = LIB_BUF_INIT;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned dlen;
	auth_dkim_header_digest(&headers, parsed.headers, parsed.header_count, header_canon,
				EVP_sha256(), &f, f.raw_len, f.raw_len, &scratch, digest, &dlen);
	lib_buf_release(&scratch);
	auth_dkim_sig_tags_release(&parsed);
	auth_msg_headers_release(&headers);

	struct auth_dkim_signing_key *key = ed_key();
	unsigned char *sig;
	size_t sig_len;
	assert_int_equal(auth_dkim_sign_digest(key, digest, dlen, &sig, &sig_len, NULL), 0);
	auth_dkim_signing_key_free(key);
	char *b = auth_dkim_base64_encode(sig, sig_len);
	char *out = lib_xasprintf("%s%s\r\n%s", field, b, msg);
	free(sig);
	free(b);
	free(field);
	return out;
}

static const char plain_msg[] = "From: Joe <joe@example.com>\r\n"
				"To: Sue <sue@example.net>\r\n"
				"Subject: Hello\r\n"
				"\r\n"
				"Hi Sue.\r\n"
				"\r\n"
				"Joe.\r\n";

/* ---- body canonicalization --------------------------------------------------- */

struct body_case {
	const char *in;
	const char *simple;
	const char *relaxed;
};

static const struct body_case body_cases[] = {
	{ "", "\r\n", "" },
	{ "\r\n", "\r\n", "" },
	{ "\r\n\r\n\r\n", "\r\n", "" },
	{ "a", "a\r\n", "a\r\n" },
	{ "a\r\n\r\n\r\n", "a\r\n", "a\r\n" },
	{ " a  b \t\r\n", " a  b \t\r\n", " a b\r\n" },
	{ "a\r\n \r\n\t\r\n", "a\r\n \r\n\t\r\n", "a\r\n" },
	{ "a\n\nb\n", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n" },
	{ "a\rb\r\n", "a\rb\r\n", "a\rb\r\n" },
	{ "a \r", "a \r\r\n", "a \r\r\n" },
	{ "\r\n\r\nx\r\n\r\n", "\r\n\r\nx\r\n", "\r\n\r\nx\r\n" },
	{ "x\t \r\n \r\ny", "x\t \r\n \r\ny\r\n", "x\r\n\r\ny\r\n" },
	{ "We lost the game.  Are you hungry yet?\r\n", "We lost the game.  Are you hungry yet?\r\n",
	  "We lost the game. Are you hungry yet?\r\n" },
};

static void sha256_of(const char *s, size_t len, unsigned char out[32])
{
	unsigned n;
	EVP_Digest(s, len, out, &n, EVP_sha256(), NULL);
}

static void check_body(const char *in, enum auth_dkim_canon canon, const char *want,
		       long long limit, size_t chunk)
{
	struct auth_dkim_body_hash bh;
	auth_dkim_body_hash_init(&bh, canon, EVP_sha256(), limit);
	size_t len = strlen(in);
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_body_hash_feed(&bh, in + at, len - at < chunk ? len - at : chunk);
	auth_dkim_body_hash_finish(&bh);
	size_t wlen = strlen(want);
	unsigned char digest[32];
	sha256_of(want, limit >= 0 && (size_t)limit < wlen ? (size_t)limit : wlen, digest);
	if (bh.length != wlen || memcmp(digest, bh.digest, 32) != 0)
		fail_msg("%s body \"%s\" in chunks of %zu: length %llu, want %zu", auth_dkim_canon_str(canon), in,
			 chunk, (unsigned long long)bh.length, wlen);
	auth_dkim_body_hash_release(&bh);
}

static void body_canon_table(void **state)
{
	(void)state;
	static const size_t chunks[] = { 1, 2, 3, 1000 };
	for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++)
		for (size_t k = 0; k < 4; k++) {
			check_body(body_cases[i].in, AUTH_DKIM_SIMPLE, body_cases[i].simple, -1, chunks[k]);
			check_body(body_cases[i].in, AUTH_DKIM_RELAXED, body_cases[i].relaxed, -1,
				   chunks[k]);
		}
	/* l= hashes a prefix of the canonical body, which is still measured. */
	check_body("abc  def\r\n\r\n", AUTH_DKIM_RELAXED, "abc def\r\n", 5, 1);
	check_body("abc\r\n", AUTH_DKIM_SIMPLE, "abc\r\n", 0, 2);
}

/* Empty lines in the middle of a large body are kept, at the end dropped,
 * without holding the body: a million of them cost no memory. */
static void body_canon_many_empty_lines(void **state)
{
	(void)state;
	struct auth_dkim_body_hash bh;
	auth_dkim_body_hash_init(&bh, AUTH_DKIM_SIMPLE, EVP_sha256(), -1);
	for (int i = 0; i < 1000000; i++)
		auth_dkim_body_hash_feed(&bh, "\r\n", 2);
	auth_dkim_body_hash_feed(&bh, "x", 1);
	for (int i = 0; i < 1000; i++)
		auth_dkim_body_hash_feed(&bh, "\n", 1);
	auth_dkim_body_hash_finish(&bh);
	assert_int_equal(bh.length, 2000000 + 3);
	auth_dkim_body_hash_release(&bh);
}

struct header_case {
	const char *field;
	enum auth_dkim_canon canon;
	const char *want;
};

static const struct header_case header_cases[] = {
	{ "SubJect:  A  b \t\r\n  c \r\n", AUTH_DKIM_RELAXED, "subject:A b c\r\n" },
	{ "X-Y \t:v\r\n", AUTH_DKIM_RELAXED, "x-y:v\r\n" },
	{ "To:\r\n", AUTH_DKIM_RELAXED, "to:\r\n" },
	{ "A: b\n c\n", AUTH_DKIM_SIMPLE, "A: b\r\n c\r\n" },
	{ "A :  b  \r\n", AUTH_DKIM_SIMPLE, "A :  b  \r\n" },
	{ "A: b", AUTH_DKIM_SIMPLE, "A: b\r\n" },
};

static void header_canon_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof header_cases / sizeof header_cases[0]; i++) {
		const struct header_case *c = &header_cases[i];
		struct auth_msg_headers hs;
		assert_int_equal(auth_msg_headers_split(c->field, strlen(c->field), &hs, NULL), 0);
		assert_int_equal(hs.count, 1);
		struct lib_buf out = LIB_BUF_INIT;
		auth_dkim_header_canon(c->canon, &hs.fields[0], 0, &out);
		assert_string_equal(out.data, c->want);
		lib_buf_release(&out);
		auth_msg_headers_release(&hs);
	}
}

/* ---- verification: the vectors of SOURCE.md ------------------------------------ */

static void verify_rfc6376_example(void **state)
{
	(void)state;
	struct auth_dns_cache *cache = auth_dns_cache_new();
	load_dns(cache, "rfc/rfc6376-C.dns");
	size_t len;
	char *msg = read_shared("rfc/rfc6376-A.2.eml", &len);
	struct auth_dkim_verifier *v = verify(msg, len, cache, 0, 0, 4096);
	assert_int_equal(auth_dkim_verifier_count(v), 1);
	assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
	const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, 0);
	assert_string_equal(s->domain, "example.com");
	assert_string_equal(s->selector, "brisbane");
	assert_string_equal(s->key_name, "brisbane._domainkey.example.com");
	assert_non_null(strstr(s->key_record, "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP"));
	assert_int_equal(s->key_bits, 1024);
	assert_string_equal(s->key_type, "rsa");
	assert_false(s->weak);
	assert_false(s->partial);
	auth_dkim_verifier_free(v);
	free(msg);
	auth_dns_cache_free(cache);
}

/* Both keys are asked for at once; answers settle signatures one by one
 * and a settled signature keeps its result. */
static void verify_rfc8463_restart_on_miss(void **state)
{
	(void)state;
	size_t len;
	char *msg = read_shared("rfc/rfc8463-A.3.eml", &len);
	struct auth_dkim_verify_options o = { 0 };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	auth_dkim_verifier_feed(v, msg, len);
	auth_dkim_verifier_finish(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need needs[4];
	assert_int_equal(auth_dkim_verifier_needs(v, cache, needs, 4), 2);
	assert_string_equal(needs[0].name, "brisbane._domainkey.football.example.com");
	assert_string_equal(needs[1].name, "test._domainkey.football.example.com");
	assert_int_equal(needs[0].type, NET_DNS_TXT);

	struct auth_dns_need need;
	assert_int_equal(auth_dkim_verify_step(v, cache, &need), AUTH_NEED_DNS);
	assert_string_equal(need.name, "brisbane._domainkey.football.example.com");
	put_answer(cache, need.name, NET_DNS_ANSWER, ED_RECORD);
	assert_int_equal(auth_dkim_verify_step(v, cache, &need), AUTH_NEED_DNS);
	assert_string_equal(need.name, "test._domainkey.football.example.com");
	assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
	assert_int_equal(auth_dkim_verifier_signature(v, 1)->result, AUTH_DKIM_NONE);
	assert_int_equal(auth_dkim_verifier_needs(v, cache, needs, 4), 1);

	load_dns(cache, "rfc/rfc8463-A.2.dns");
	assert_int_equal(auth_dkim_verify_step(v, cache, &need), AUTH_DONE);
	assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
	assert_sig(v, 1, AUTH_DKIM_PASS, "pass");
	assert_string_equal(auth_dkim_verifier_signature(v, 0)->key_type, "ed25519");
	assert_int_equal(auth_dkim_verifier_needs(v, cache, needs, 4), 0);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(msg);
}

/* Chunk size and line ends (a Maildir file has LF) change nothing. */
static void verify_streaming_and_lf(void **state)
{
	(void)state;
	size_t len, lf_len;
	char *msg = read_shared("rfc/rfc8463-A.3.eml", &len);
	char *lf = lf_only(msg, len, &lf_len);
	static const size_t chunks[] = { 1, 7, 64, 1 << 20 };
	for (size_t k = 0; k < 4; k++) {
		for (int use_lf = 0; use_lf < 2; use_lf++) {
			struct auth_dns_cache *cache = auth_dns_cache_new();
			load_dns(cache, "rfc/rfc8463-A.2.dns");
			struct auth_dkim_verifier *v = verify(use_lf ? lf : msg, use_lf ? lf_len : len,
							      cache, 0, 0, chunks[k]);
			assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
			assert_sig(v, 1, AUTH_DKIM_PASS, "pass");
			auth_dkim_verifier_free(v);
			auth_dns_cache_free(cache);
		}
	}
	free(lf);
	free(msg);
}

static char *replace(const char *msg, const char *from, const char *to)
{
	const char *at = strstr(msg, from);
	assert_non_null(at);
	return lib_xasprintf("%.*s%s%s", (int)(at - msg), msg, to, at + strlen(from));
}

static void verify_tampering(void **state)
{
	(void)state;
	size_t len;
	char *msg = read_shared("rfc/rfc8463-A.3.eml", &len);
	struct {
		const char *from, *to, *reason;
	} cases[] = {
		{ "Are you hungry yet?", "Are you angry yet?", "body hash mismatch" },
		{ "Subject: Is dinner ready?", "Subject: Is lunch ready?", "signature did not verify" },
		/* From is over-signed: a second From breaks the signature. */
		{ "From: Joe", "From: Eve <eve@evil.example>\r\nFrom: Joe", "signature did not verify" },
		/* Fields that are not signed may be added. */
		{ "From: Joe", "X-Added: yes\r\nFrom: Joe", NULL },
		/* Relaxed canonicalization forgives whitespace. */
		{ "Subject: Is dinner ready?", "Subject:   Is  dinner\r\n ready?  ", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *bad = replace(msg, cases[i].from, cases[i].to);
		struct auth_dns_cache *cache = auth_dns_cache_new();
		load_dns(cache, "rfc/rfc8463-A.2.dns");
		struct auth_dkim_verifier *v = verify(bad, strlen(bad), cache, 0, 0, 4096);
		for (size_t k = 0; k < 2; k++)
			assert_sig(v, k, cases[i].reason ? AUTH_DKIM_FAIL : AUTH_DKIM_PASS,
				   cases[i].reason ? cases[i].reason : "pass");
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
		free(bad);
	}
	free(msg);
}

/* mail-auth/005 has x=1667930064: pass at the corpus time, expired later. */
static void verify_expiry(void **state)
{
	(void)state;
	size_t len;
	char *file = read_shared("mail-auth/005.txt", &len);
	char *msg = strstr(file, "\n\n");
	assert_non_null(msg);
	*msg = '\0';
	msg += 2;
	char *line = file;
	char name[256], value[4096];
	assert_int_equal(sscanf(line, "%255s %4095[^\n]", name, value), 2);
	for (int late = 0; late < 2; late++) {
		struct auth_dns_cache *cache = auth_dns_cache_new();
		put_answer(cache, name, NET_DNS_ANSWER, value);
		struct auth_dkim_verifier *v =
			verify(msg, strlen(msg), cache, late ? 1667930065 : 1667843664, 0, 4096);
		if (late)
			assert_sig(v, 0, AUTH_DKIM_PERMERROR, "signature expired at 2022-11-08 17:54:24 UTC");
		else
			assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
	}
	free(file);
}

/* What the key record says, on a message signed here. */
static void verify_key_records(void **state)
{
	(void)state;
	char *signed_msg = sign_with_tags(plain_msg,
					  "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; "
					  "i=joe@sub.example.com; s=sel; h=from:to:subject",
					  AUTH_DKIM_RELAXED, AUTH_DKIM_RELAXED, -1);
	const char *name = "sel._domainkey.example.com";
	struct {
		enum net_dns_rcode rcode;
		const char *record;
		enum auth_dkim_result result;
		const char *reason;
	} cases[] = {
		{ NET_DNS_ANSWER, ED_RECORD, AUTH_DKIM_PASS, "pass" },
		{ NET_DNS_ANSWER, ED_RECORD "; t=y", AUTH_DKIM_PASS, "pass" },
		{ NET_DNS_NXDOMAIN, NULL, AUTH_DKIM_PERMERROR, "key not found (NXDOMAIN)" },
		{ NET_DNS_NODATA, NULL, AUTH_DKIM_PERMERROR, "key not found (no TXT record)" },
		{ NET_DNS_TEMPFAIL, NULL, AUTH_DKIM_TEMPERROR, "DNS temporary failure" },
		{ NET_DNS_ANSWER, "v=DKIM1; k=ed25519; p=", AUTH_DKIM_PERMERROR, "key revoked" },
		{ NET_DNS_ANSWER, ED_RECORD "; t=s", AUTH_DKIM_PERMERROR, "(t=s)" },
		{ NET_DNS_ANSWER, ED_RECORD "; s=tlsrpt", AUTH_DKIM_PERMERROR, "key is not for email" },
		{ NET_DNS_ANSWER, ED_RECORD "; h=sha1", AUTH_DKIM_PERMERROR, "h= does not allow sha256" },
		{ NET_DNS_ANSWER, "v=DKIM1; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		  AUTH_DKIM_PERMERROR, "key type rsa does not match a=ed25519-sha256" },
		{ NET_DNS_ANSWER, "v=DKIM1; k=ed25519; p=AAAA", AUTH_DKIM_PERMERROR, "bad key" },
		{ NET_DNS_ANSWER, "v=spf1 -all", AUTH_DKIM_PERMERROR, "key record syntax error" },
		{ NET_DNS_ANSWER, "v=DKIM1; k=ed25519; p=pP+YUyRjAvKha4Oc49KAY703oLUS1NLMEuGD3IHMKww=",
		  AUTH_DKIM_FAIL, "signature did not verify" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct auth_dns_cache *cache = auth_dns_cache_new();
		put_answer(cache, name, cases[i].rcode, cases[i].record);
		struct auth_dkim_verifier *v = verify(signed_msg, strlen(signed_msg), cache, 0, 0, 4096);
		assert_sig(v, 0, cases[i].result, cases[i].reason);
		const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, 0);
		assert_int_equal(s->key_testing, i == 1);
		if (cases[i].record)
			assert_string_equal(s->key_record, cases[i].record);
		else
			assert_null(s->key_record);
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
	}
	free(signed_msg);
}

static void verify_length_tag(void **state)
{
	(void)state;
	/* The body of plain_msg is 17 canonical bytes; sign the first 9. */
	char *signed_msg = sign_with_tags(plain_msg,
					  "v=1; a=ed25519-sha256; c=simple/simple; d=example.com; "
					  "s=sel; l=9; h=from:to:subject",
					  AUTH_DKIM_SIMPLE, AUTH_DKIM_SIMPLE, 9);
	char *longer = lib_xasprintf("%sP.S. Buy this now!\r\n", signed_msg);
	for (int i = 0; i < 2; i++) {
		struct auth_dns_cache *cache = auth_dns_cache_new();
		put_answer(cache, "sel._domainkey.example.com", NET_DNS_ANSWER, ED_RECORD);
		const char *m = i ? longer : signed_msg;
		struct auth_dkim_verifier *v = verify(m, strlen(m), cache, 0, 0, 3);
		assert_sig(v, 0, AUTH_DKIM_PASS, "only the first 9 of");
		const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, 0);
		assert_true(s->partial);
		assert_int_equal(s->length, 9);
		assert_int_equal(s->body_length, i ? 37 : 17);
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
	}
	free(longer);
	free(signed_msg);

	/* l= beyond the body. */
	signed_msg = sign_with_tags(plain_msg,
				    "v=1; a=ed25519-sha256; d=example.com; s=sel; l=500; h=from",
				    AUTH_DKIM_SIMPLE, AUTH_DKIM_SIMPLE, 500);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	put_answer(cache, "sel._domainkey.example.com", NET_DNS_ANSWER, ED_RECORD);
	struct auth_dkim_verifier *v = verify(signed_msg, strlen(signed_msg), cache, 0, 0, 4096);
	assert_sig(v, 0, AUTH_DKIM_PERMERROR, "l=500 is longer than the body");
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(signed_msg);
}

/* Two signatures with the same (canonicalization, hash, l=) share one
 * body hash; a third with another l= gets its own. */
static void verify_shares_body_hashes(void **state)
{
	(void)state;
	char *one = sign_with_tags(plain_msg, "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from",
				   AUTH_DKIM_RELAXED, AUTH_DKIM_RELAXED, -1);
	char *two = sign_with_tags(one, "v=1; a=ed25519-sha256; c=simple/relaxed; d=example.com; s=sel; h=from:subject",
				   AUTH_DKIM_SIMPLE, AUTH_DKIM_RELAXED, -1);
	char *three = sign_with_tags(two, "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=sel; l=4; h=from",
				     AUTH_DKIM_RELAXED, AUTH_DKIM_RELAXED, 4);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	put_answer(cache, "sel._domainkey.example.com", NET_DNS_ANSWER, ED_RECORD);
	struct auth_dkim_verifier *v = verify(three, strlen(three), cache, 0, 0, 4096);
	assert_int_equal(auth_dkim_verifier_count(v), 3);
	for (size_t i = 0; i < 3; i++)
		assert_sig(v, i, AUTH_DKIM_PASS, "pass");
	/* Two body hashes for three signatures. */
	assert_int_equal(auth_dkim_verifier_body_hash_count(v), 2);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(one);
	free(two);
	free(three);
}

/* RFC 8301 in the strict mode; the legacy mode (tests only) lets the old
 * corpus serve as canonicalization tests. */
static void verify_rfc8301_weak(void **state)
{
	(void)state;
	struct {
		const char *file;
		int legacy;
		enum auth_dkim_result result;
		const char *reason;
	} cases[] = {
		{ "mail-dkim/corpus/goodkey_1.txt", 0, AUTH_DKIM_PERMERROR,
		  "RSA key of 512 bits is below the 1024-bit minimum" },
		{ "mail-dkim/corpus/goodkey_1.txt", 1, AUTH_DKIM_PASS, "weak" },
		{ "mail-dkim/corpus/good_83176.txt", 0, AUTH_DKIM_PERMERROR,
		  "rsa-sha1 is not accepted (RFC 8301)" },
		{ "mail-dkim/corpus/good_83176.txt", 1, AUTH_DKIM_PASS, "weak" },
		{ "mail-dkim/corpus/good_qp_3.txt", 1, AUTH_DKIM_PASS, "weak" },
		{ "mail-dkim/corpus/badkey_14.txt", 1, AUTH_DKIM_TEMPERROR, "DNS temporary failure" },
		{ "mail-dkim/corpus/badkey_2.txt", 1, AUTH_DKIM_PERMERROR, "unsupported version v=0.5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		char *msg = read_shared(cases[i].file, &len);
		struct auth_dns_cache *cache = auth_dns_cache_new();
		load_dns(cache, "mail-dkim/FAKE_DNS.dat");
		put_answer(cache, "test3._domainkey.blackhole.messiah.edu", NET_DNS_TEMPFAIL, NULL);
		struct auth_dkim_verifier *v = verify(msg, len, cache, 0, cases[i].legacy, 4096);
		assert_sig(v, 0, cases[i].result, cases[i].reason);
		if (cases[i].result == AUTH_DKIM_PASS)
			assert_true(auth_dkim_verifier_signature(v, 0)->weak);
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
		free(msg);
	}
}

/* ---- bounds ---------------------------------------------------------------------- */

static void verify_too_many_signatures(void **state)
{
	(void)state;
	size_t len;
	char *msg = read_shared("rfc/rfc8463-A.3.eml", &len);
	struct lib_buf big = LIB_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		lib_buf_puts(&big, "DKIM-Signature: v=1; a=rsa-sha256; d=x.example; s=s; h=from; "
				   "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n");
	lib_buf_append(&big, msg, len);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dkim_verifier *v = verify(big.data, big.len, cache, 0, 0, 4096);
	assert_int_equal(auth_dkim_verifier_count(v), AUTH_DKIM_MAX_SIGNATURES);
	assert_int_equal(auth_dkim_verifier_not_evaluated(v), 1002 - AUTH_DKIM_MAX_SIGNATURES);
	for (size_t i = 0; i < AUTH_DKIM_MAX_SIGNATURES; i++)
		assert_int_not_equal(auth_dkim_verifier_signature(v, i)->result, AUTH_DKIM_PASS);
	assert_int_equal(auth_dns_cache_count(cache), 1); /* one key name, asked once */
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	lib_buf_release(&big);
	free(msg);
}

/* 10,000 fields and a 1 MB field that are not signed, a 1 MB body line
 * that is: the signature still verifies. */
static void verify_huge_headers_and_lines(void **state)
{
	(void)state;
	struct lib_buf m = LIB_BUF_INIT;
	lib_buf_puts(&m, "From: a@example.com\r\nSubject: big\r\n\r\n");
	for (int i = 0; i < 1 << 20; i++)
		lib_buf_putc(&m, (char)('a' + i % 26));
	lib_buf_puts(&m, "\r\n");
	char *signed_msg = sign_with_tags(m.data, "v=1; a=ed25519-sha256; c=relaxed/relaxed; "
						  "d=example.com; s=sel; h=from:subject",
					  AUTH_DKIM_RELAXED, AUTH_DKIM_RELAXED, -1);
	struct lib_buf padded = LIB_BUF_INIT;
	for (int i = 0; i < 10000; i++)
		lib_buf_printf(&padded, "X-Pad: %d\r\n", i);
	lib_buf_puts(&padded, "X-Long: ");
	for (int i = 0; i < 1 << 20; i++)
		lib_buf_putc(&padded, 'x');
	lib_buf_puts(&padded, "\r\n");
	lib_buf_puts(&padded, signed_msg);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	put_answer(cache, "sel._domainkey.example.com", NET_DNS_ANSWER, ED_RECORD);
	struct auth_dkim_verifier *v = verify(padded.data, padded.len, cache, 0, 0, 65536);
	assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
	assert_null(auth_dkim_verifier_error(v));
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	lib_buf_release(&padded);
	lib_buf_release(&m);
	free(signed_msg);
}

static void verify_header_section_too_large(void **state)
{
	(void)state;
	struct auth_dkim_verify_options o = { 0 };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	char line[1024];
	memset(line, 'x', sizeof line);
	memcpy(line, "X-A: ", 5);
	line[sizeof line - 2] = '\r';
	line[sizeof line - 1] = '\n';
	for (int i = 0; i < 9 * 1024; i++)
		auth_dkim_verifier_feed(v, line, sizeof line);
	auth_dkim_verifier_feed(v, "\r\nbody\r\n", 8);
	auth_dkim_verifier_finish(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need need;
	assert_int_equal(auth_dkim_verify_step(v, cache, &need), AUTH_DONE);
	assert_non_null(strstr(auth_dkim_verifier_error(v), "header section larger than 8 MB"));
	assert_int_equal(auth_dkim_verifier_count(v), 0);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
}

static void verify_no_signature_no_body(void **state)
{
	(void)state;
	const char *msgs[] = { "", "From: a\r\n", "\r\n\r\n", "no colon at all" };
	for (size_t i = 0; i < 4; i++) {
		struct auth_dns_cache *cache = auth_dns_cache_new();
		struct auth_dkim_verifier *v = verify(msgs[i], strlen(msgs[i]), cache, 0, 0, 1);
		assert_int_equal(auth_dkim_verifier_count(v), 0);
		assert_null(auth_dkim_verifier_error(v));
		auth_dkim_verifier_free(v);
		auth_dns_cache_free(cache);
	}
}

/* ---- signing ----------------------------------------------------------------------- */

/* RFC 8463 A.3 reproduced byte for byte: the tags of its two signatures,
 * signed again with the A.1 keys, give the published b= values. */
static void sign_rfc8463_known_answer(void **state)
{
	(void)state;
	size_t len, pem_len;
	char *msg = read_shared("rfc/rfc8463-A.3.eml", &len);
	char *pem = read_shared("rfc/rfc8463-A.1-rsa.private.pem", &pem_len);
	struct auth_dkim_signing_key *rsa = auth_dkim_signing_key_from_pem(pem, pem_len, NULL);
	assert_non_null(rsa);
	struct auth_dkim_signing_key *ed = ed_key();
	size_t hl, bo;
	assert_int_equal(auth_msg_header_end(msg, len, &hl, &bo), 0);
	struct auth_msg_headers headers;
	assert_int_equal(auth_msg_headers_split(msg, hl, &headers, NULL), 0);
	for (size_t i = 0; i < 2; i++) {
		const struct auth_msg_field *f = &headers.fields[i];
		struct auth_dkim_sig_tags tags;
		assert_int_equal(auth_dkim_sig_parse(f->raw + f->value_off, f->value_end - f->value_off,
						     &tags, NULL), 0);
		struct auth_dkim_body_hash bh;
		auth_dkim_body_hash_init(&bh, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
		auth_dkim_body_hash_feed(&bh, msg + bo, len - bo);
		auth_dkim_body_hash_finish(&bh);
		assert_memory_equal(bh.digest, tags.bh, 32);
		auth_dkim_body_hash_release(&bh);

		struct lib_buf scratch = LIB_BUF_INIT;
		unsigned char digest[EVP_MAX_MD_SIZE];
		unsigned dlen;
		auth_dkim_header_digest(&headers, tags.headers, tags.header_count, AUTH_DKIM_RELAXED,
					EVP_sha256(), f, f->value_off + tags.b_eq_end,
					f->value_off + tags.b_spec_end, &scratch, digest, &dlen);
		lib_buf_release(&scratch);
		unsigned char *sig;
		size_t sig_len;
		const struct auth_dkim_signing_key *key = tags.algo == AUTH_DKIM_ED25519_SHA256 ? ed : rsa;
		assert_int_equal(auth_dkim_sign_digest(key, digest, dlen, &sig, &sig_len, NULL), 0);
		assert_int_equal(sig_len, tags.b_len);
		assert_memory_equal(sig, tags.b, sig_len);
		free(sig);
		auth_dkim_sig_tags_release(&tags);
	}
	auth_msg_headers_release(&headers);
	auth_dkim_signing_key_free(rsa);
	auth_dkim_signing_key_free(ed);
	free(pem);
	free(msg);
}

static const char rsa_record[] =
	"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

/* Signs, checks the field's shape, verifies; returns the field unfolded. */
static char *sign_and_verify(const struct auth_dkim_signing_key *key, const char *record,
			     const struct auth_dkim_sign_options *o, const char *msg)
{
	char *field;
	struct lib_err err;
	if (auth_dkim_sign(key, o, msg, strlen(msg), &field, &err) < 0)
		fail_msg("sign: %s", err.msg);
	/* Folded: no line longer than 78, ends in CRLF, continuation lines start with TAB. */
	size_t flen = strlen(field);
	assert_true(flen > 2 && strcmp(field + flen - 2, "\r\n") == 0);
	for (const char *line = field; *line;) {
		const char *end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 78);
		line = end + 2;
		assert_true(*line == '\0' || *line == '\t');
	}
	char *signed_msg = lib_xasprintf("%s%s", field, msg);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	char *name = lib_xasprintf("%s._domainkey.%s", o->selector, o->domain);
	put_answer(cache, name, NET_DNS_ANSWER, record);
	long long now = o->timestamp > 0 ? o->timestamp + 1 : 0;
	struct auth_dkim_verifier *v = verify(signed_msg, strlen(signed_msg), cache, now, 0, 4096);
	assert_sig(v, 0, AUTH_DKIM_PASS, "pass");
	const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v, 0);
	assert_int_equal(s->header_canon, AUTH_DKIM_RELAXED);
	assert_int_equal(s->body_canon, AUTH_DKIM_RELAXED);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(name);
	free(signed_msg);
	struct lib_buf flat = LIB_BUF_INIT;
	for (const char *p = field; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n' && p[2] == '\t'))
			lib_buf_putc(&flat, *p);
		else
			p += 2;
	free(field);
	return lib_buf_take(&flat);
}

static void sign_round_trip(void **state)
{
	(void)state;
	size_t pem_len;
	char *pem = read_shared("rfc/rfc8463-A.1-rsa.private.pem", &pem_len);
	struct auth_dkim_signing_key *rsa = auth_dkim_signing_key_from_pem(pem, pem_len, NULL);
	struct auth_dkim_signing_key *ed = ed_key();
	assert_int_equal(auth_dkim_signing_key_algo(rsa), AUTH_DKIM_RSA_SHA256);
	assert_int_equal(auth_dkim_signing_key_algo(ed), AUTH_DKIM_ED25519_SHA256);
	struct auth_dkim_sign_options o = { .domain = "football.example.com", .selector = "test",
					    .timestamp = 1528637909, .expire_after = 3600 };
	char *f = sign_and_verify(rsa, rsa_record, &o, plain_msg);
	assert_non_null(strstr(f, "a=rsa-sha256; c=relaxed/relaxed;"));
	assert_non_null(strstr(f, "t=1528637909; x=1528641509;"));
	/* From over-signed; fields the message lacks are not listed. */
	assert_non_null(strstr(f, "h=from:from:to:subject;"));
	free(f);

	o.selector = "brisbane";
	o.identity = "joe@football.example.com";
	o.expire_after = 0;
	f = sign_and_verify(ed, ED_RECORD, &o, plain_msg);
	assert_non_null(strstr(f, "a=ed25519-sha256;"));
	assert_non_null(strstr(f, "i=joe@football.example.com;"));
	assert_null(strstr(f, "x="));
	free(f);

	/* Every default field present: a long h= folds. */
	const char *full = "From: a@football.example.com\r\nTo: b@x.example\r\nCc: c@x.example\r\n"
			   "Subject: s\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@x>\r\n"
			   "In-Reply-To: <0@x>\r\nReferences: <0@x>\r\nMIME-Version: 1.0\r\n"
			   "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n"
			   "Reply-To: r@x.example\r\nTo: second@x.example\r\n\r\nbody\r\n";
	f = sign_and_verify(ed, ED_RECORD, &o, full);
	assert_non_null(strstr(f, "to:to:cc"));
	free(f);

	/* Chosen fields, and a later From breaks it (over-signing). */
	const char *const headers[] = { "From", "From", "Subject", NULL };
	o.headers = headers;
	char *field;
	assert_int_equal(auth_dkim_sign(ed, &o, plain_msg, strlen(plain_msg), &field, NULL), 0);
	assert_non_null(strstr(field, "h=from:from:subject;"));
	char *forged = lib_xasprintf("%sFrom: eve@evil.example\r\n%s", field, plain_msg);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	put_answer(cache, "brisbane._domainkey.football.example.com", NET_DNS_ANSWER, ED_RECORD);
	struct auth_dkim_verifier *v = verify(forged, strlen(forged), cache, 0, 0, 4096);
	assert_sig(v, 0, AUTH_DKIM_FAIL, "signature did not verify");
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(forged);
	free(field);

	auth_dkim_signing_key_free(rsa);
	auth_dkim_signing_key_free(ed);
	free(pem);
}

static void sign_streaming_equals_one_shot(void **state)
{
	(void)state;
	struct auth_dkim_signing_key *ed = ed_key();
	struct auth_dkim_sign_options o = { .domain = "example.com", .selector = "s", .timestamp = 5 };
	char *one;
	assert_int_equal(auth_dkim_sign(ed, &o, plain_msg, strlen(plain_msg), &one, NULL), 0);
	struct auth_dkim_signer *s = auth_dkim_signer_new(ed, &o, NULL);
	for (size_t i = 0; plain_msg[i]; i++)
		auth_dkim_signer_feed(s, plain_msg + i, 1);
	char *streamed;
	assert_int_equal(auth_dkim_signer_finish(s, &streamed, NULL), 0);
	assert_string_equal(one, streamed);
	auth_dkim_signer_free(s);
	free(one);
	free(streamed);
	auth_dkim_signing_key_free(ed);
}

static void sign_refuses(void **state)
{
	(void)state;
	struct auth_dkim_signing_key *ed = ed_key();
	size_t len;
	char *nofrom = read_shared("dkimpy/test_nofrom.message", &len);
	struct auth_dkim_sign_options o = { .domain = "example.com", .selector = "s" };
	char *field = (char *)1;
	struct lib_err err;
	assert_int_equal(auth_dkim_sign(ed, &o, nofrom, len, &field, &err), -1);
	assert_null(field);
	assert_non_null(strstr(err.msg, "no From field"));
	/* A first line in WSP would fold into the field put before it. */
	const char *folded = " From: a@example.com\r\nFrom: b@example.com\r\n\r\nx\r\n";
	assert_int_equal(auth_dkim_sign(ed, &o, folded, strlen(folded), &field, &err), -1);
	assert_non_null(strstr(err.msg, "starts with a folded line"));
	o.domain = NULL;
	assert_null(auth_dkim_signer_new(ed, &o, &err));
	assert_non_null(strstr(err.msg, "needs a domain"));
	o.domain = "example.com";
	const char *const no_from[] = { "Subject", NULL };
	o.headers = no_from;
	assert_null(auth_dkim_signer_new(ed, &o, &err));
	assert_non_null(strstr(err.msg, "must include From"));
	assert_null(auth_dkim_signing_key_from_pem("junk", 4, &err));
	assert_non_null(strstr(err.msg, "not a PEM private key"));
	assert_null(auth_dkim_signing_key_load("/nonexistent/key.pem", &err));
	assert_non_null(strstr(err.msg, "/nonexistent/key.pem"));
	free(nofrom);
	auth_dkim_signing_key_free(ed);
}

static void keygen_writes_key_and_record(void **state)
{
	(void)state;
	char dir[] = "/tmp/frank-dkim-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const enum auth_dkim_algo algos[] = { AUTH_DKIM_RSA_SHA256, AUTH_DKIM_ED25519_SHA256 };
	for (int i = 0; i < 2; i++) {
		char *path = lib_xasprintf("%s/key%d.pem", dir, i);
		char *txt;
		struct lib_err err;
		if (auth_dkim_keygen(algos[i], 0, path, &txt, &err) < 0)
			fail_msg("keygen: %s", err.msg);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_true(strncmp(txt, i ? "v=DKIM1; k=ed25519; p=" : "v=DKIM1; k=rsa; p=", 18) == 0);
		struct auth_dkim_key_record rec;
		assert_int_equal(auth_dkim_key_parse(txt, strlen(txt), &rec, NULL), 0);
		unsigned bits;
		EVP_PKEY *pub = auth_dkim_key_public(&rec, &bits, NULL);
		assert_non_null(pub);
		assert_int_equal(bits, i ? 256 : 2048);
		EVP_PKEY_free(pub);
		auth_dkim_key_record_release(&rec);

		struct auth_dkim_signing_key *key = auth_dkim_signing_key_load(path, &err);
		assert_non_null(key);
		struct auth_dkim_sign_options o = { .domain = "example.com", .selector = "sel" };
		free(sign_and_verify(key, txt, &o, plain_msg));
		auth_dkim_signing_key_free(key);

		char *again;
		assert_int_equal(auth_dkim_keygen(algos[i], 0, path, &again, &err), -1);
		assert_non_null(strstr(err.msg, "already exists"));

		char *zone = auth_dkim_zone_line("sel", "example.com", txt);
		assert_true(strncmp(zone, "sel._domainkey.example.com. IN TXT ( \"v=DKIM1;", 45) == 0);
		if (!i)
			assert_non_null(strstr(zone, "\" \"")); /* RSA 2048 needs two strings */
		free(zone);
		free(txt);
		unlink(path);
		free(path);
	}
	char *txt;
	assert_int_equal(auth_dkim_keygen(AUTH_DKIM_RSA_SHA256, 512, "/tmp/x", &txt, NULL), -1);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(body_canon_table),
		cmocka_unit_test(body_canon_many_empty_lines),
		cmocka_unit_test(header_canon_table),
		cmocka_unit_test(verify_rfc6376_example),
		cmocka_unit_test(verify_rfc8463_restart_on_miss),
		cmocka_unit_test(verify_streaming_and_lf),
		cmocka_unit_test(verify_tampering),
		cmocka_unit_test(verify_expiry),
		cmocka_unit_test(verify_key_records),
		cmocka_unit_test(verify_length_tag),
		cmocka_unit_test(verify_shares_body_hashes),
		cmocka_unit_test(verify_rfc8301_weak),
		cmocka_unit_test(verify_too_many_signatures),
		cmocka_unit_test(verify_huge_headers_and_lines),
		cmocka_unit_test(verify_header_section_too_large),
		cmocka_unit_test(verify_no_signature_no_body),
		cmocka_unit_test(sign_rfc8463_known_answer),
		cmocka_unit_test(sign_round_trip),
		cmocka_unit_test(sign_streaming_equals_one_shot),
		cmocka_unit_test(sign_refuses),
		cmocka_unit_test(keygen_writes_key_and_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
