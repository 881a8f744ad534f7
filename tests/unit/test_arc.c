/* test_arc.c: ARC chain validation (src/auth/arc_*.c) on chains sealed
 * here, by a small sealer built on the DKIM primitives with an Ed25519
 * key, so each case is a story: a mailing list that breaks the author's
 * DKIM signature and seals, a forwarder that changes the message after an
 * earlier seal, a tampered set, a chain of 50 and one of 51.  The public
 * suite runs in tests/integration/arc_suite.sh; the parsers' tables are
 * here too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc_private.h"

#define ED_SEED "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
#define ED_RECORD "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define NOW 1700000000LL

static const char original[] =
	"From: Alice <alice@author.example>\r\n"
	"To: list@lists.example.org\r\n"
	"Subject: Lunch\r\n"
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	"Message-ID: <lunch@author.example>\r\n"
	"\r\n"
	"Noon at the usual place?\r\n";

static const char aar_list_saw_pass[] =
	"lists.example.org; dkim=pass header.d=author.example header.s=ed;"
	" spf=pass smtp.mailfrom=author.example; dmarc=pass header.from=author.example";

/* ---- a sealer, for the tests only ---------------------------------------- */

static struct auth_dkim_signing_key *test_key(void)
{
	unsigned char *seed;
	size_t len;
	assert_int_equal(auth_dkim_base64_decode(ED_SEED, strlen(ED_SEED), &seed, &len), 0);
	assert_int_equal(len, 32);
	struct lib_err err;
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_ed25519_seed(seed, &err);
	free(seed);
	assert_non_null(key);
	return key;
}

/* The one field of text ("Name: value\r\n"); text must outlive it. */
static struct auth_msg_field one_field(const char *text)
{
	struct auth_msg_headers h;
	struct lib_err err;
	assert_int_equal(auth_msg_headers_split(text, strlen(text), &h, &err), 0);
	assert_int_equal(h.count, 1);
	struct auth_msg_field f = h.fields[0];
	auth_msg_headers_release(&h);
	return f;
}

/* Signs the digest of a field whose value ends in "b=": returns the
 * field with the signature appended (caller frees). */
static char *finish_field(const struct auth_dkim_signing_key *key, const char *unsigned_field,
			  const unsigned char *digest, unsigned digest_len)
{
	unsigned char *sig;
	size_t sig_len;
	struct lib_err err;
	assert_int_equal(auth_dkim_sign_digest(key, digest, digest_len, &sig, &sig_len, &err), 0);
	char *b64 = auth_dkim_base64_encode(sig, sig_len);
	size_t n = strlen(unsigned_field) - 2; /* without its CRLF */
	char *field = lib_xasprintf("%.*s%s\r\n", (int)n, unsigned_field, b64);
	free(b64);
	free(sig);
	return field;
}

/* The ARC fields of msg by instance: fields[i - 1][kind]. */
struct arc_fields {
	struct auth_msg_headers headers;
	const struct auth_msg_field *fields[AUTH_ARC_MAX_SETS][3];
};

static void find_arc_fields(const char *msg, struct arc_fields *af)
{
	memset(af, 0, sizeof *af);
	size_t header_len, body_off;
	auth_msg_header_end(msg, strlen(msg), &header_len, &body_off);
	struct lib_err err;
	assert_int_equal(auth_msg_headers_split(msg, header_len, &af->headers, &err), 0);
	for (size_t i = 0; i < af->headers.count; i++) {
		const struct auth_msg_field *f = &af->headers.fields[i];
		enum auth_arc_field kind = auth_arc_field_kind(f);
		const char *v = f->raw + f->value_off;
		size_t vlen = f->value_end - f->value_off;
		unsigned instance = 0;
		if (kind == AUTH_ARC_AAR) {
			instance = auth_arc_aar_instance(v, vlen);
		} else if (kind != AUTH_ARC_NOT_ARC) {
			struct auth_dkim_sig_tags t;
			auth_dkim_sig_parse_kind(kind == AUTH_ARC_AMS ? AUTH_DKIM_SIG_AMS
								     : AUTH_DKIM_SIG_SEAL,
						 v, vlen, &t, &err);
			instance = t.instance;
			auth_dkim_sig_tags_release(&t);
		}
		if (instance)
			af->fields[instance - 1][kind] = f;
	}
}

struct seal_args {
	unsigned instance;
	const char *cv;       /* "none", "pass", "fail" */
	const char *domain;
	const char *aar;      /* the authres-payload */
	const char *ams_headers; /* h= of the AMS; NULL: from:to:subject:date */
};

static char *ams_field(const struct auth_dkim_signing_key *key, const char *msg,
		       const struct seal_args *a)
{
	size_t header_len, body_off, len = strlen(msg);
	auth_msg_header_end(msg, len, &header_len, &body_off);
	struct auth_dkim_body_hash bh;
	auth_dkim_body_hash_init(&bh, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
	auth_dkim_body_hash_feed(&bh, msg + body_off, len - body_off);
	auth_dkim_body_hash_finish(&bh);
	char *bh64 = auth_dkim_base64_encode(bh.digest, bh.digest_len);
	auth_dkim_body_hash_release(&bh);
	const char *h = a->ams_headers ? a->ams_headers : "from:to:subject:date";
	char *unsigned_field = lib_xasprintf(
		"ARC-Message-Signature: i=%u; a=ed25519-sha256; c=relaxed/relaxed; d=%s;\r\n"
		"\ts=ed; t=%lld; h=%s;\r\n\tbh=%s; b=\r\n",
		a->instance, a->domain, NOW, h, bh64);
	free(bh64);
	struct auth_msg_field sig = one_field(unsigned_field);
	struct lib_err err;
	char *names_text = lib_xstrdup(h);
	char *names[64];
	size_t n = 0;
	for (char *save = NULL, *tok = strtok_r(names_text, ":", &save); tok && n < 64;
	     tok = strtok_r(NULL, ":", &save))
		names[n++] = tok;
	struct auth_msg_headers headers;
	assert_int_equal(auth_msg_headers_split(msg, header_len, &headers, &err), 0);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	struct lib_buf scratch = LIB_BUF_INIT;
	auth_dkim_header_digest(&headers, names, n, AUTH_DKIM_RELAXED, EVP_sha256(), &sig,
				sig.value_end, sig.value_end, &scratch, digest, &digest_len);
	lib_buf_release(&scratch);
	auth_msg_headers_release(&headers);
	free(names_text);
	char *field = finish_field(key, unsigned_field, digest, digest_len);
	free(unsigned_field);
	return field;
}

/* RFC 8617 5.1.1: the seal signs the sets 1..i (AAR, AMS, AS each),
 * relaxed, itself last with b= empty.  msg already holds the new AAR and
 * AMS on top. */
static char *seal_field(const struct auth_dkim_signing_key *key, const char *msg,
			const struct seal_args *a)
{
	char *unsigned_field = lib_xasprintf(
		"ARC-Seal: i=%u; a=ed25519-sha256; cv=%s; d=%s; s=ed;\r\n\tt=%lld; b=\r\n",
		a->instance, a->cv, a->domain, NOW);
	struct auth_msg_field sig = one_field(unsigned_field);
	struct arc_fields af;
	find_arc_fields(msg, &af);
	const struct auth_msg_field *list[3 * AUTH_ARC_MAX_SETS];
	size_t n = 0;
	for (unsigned k = 0; k < a->instance; k++) {
		list[n++] = af.fields[k][AUTH_ARC_AAR];
		list[n++] = af.fields[k][AUTH_ARC_AMS];
		if (k + 1 < a->instance)
			list[n++] = af.fields[k][AUTH_ARC_SEAL];
	}
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	struct lib_buf scratch = LIB_BUF_INIT;
	auth_dkim_header_digest_fields(list, n, AUTH_DKIM_RELAXED, EVP_sha256(), &sig,
				       sig.value_end, sig.value_end, &scratch, digest, &digest_len);
	lib_buf_release(&scratch);
	auth_msg_headers_release(&af.headers);
	char *field = finish_field(key, unsigned_field, digest, digest_len);
	free(unsigned_field);
	return field;
}

/* A new message: msg with the ARC set of a->instance on top. */
static char *seal(const char *msg, const struct seal_args *a)
{
	struct auth_dkim_signing_key *key = test_key();
	char *with_aar = lib_xasprintf("ARC-Authentication-Results: i=%u; %s\r\n%s", a->instance,
				       a->aar, msg);
	char *ams = ams_field(key, with_aar, a);
	char *with_ams = lib_xasprintf("%s%s", ams, with_aar);
	char *as = seal_field(key, with_ams, a);
	char *out = lib_xasprintf("%s%s", as, with_ams);
	free(with_aar);
	free(ams);
	free(with_ams);
	free(as);
	auth_dkim_signing_key_free(key);
	return out;
}

/* The author's DKIM signature on top of msg. */
static char *dkim_sign(const char *msg)
{
	struct auth_dkim_signing_key *key = test_key();
	struct auth_dkim_sign_options o = { .domain = "author.example", .selector = "ed",
					    .timestamp = NOW };
	char *field;
	struct lib_err err;
	assert_int_equal(auth_dkim_sign(key, &o, msg, strlen(msg), &field, &err), 0);
	char *out = lib_xasprintf("%s%s", field, msg);
	free(field);
	auth_dkim_signing_key_free(key);
	return out;
}

/* What a mailing list does: a tag in the subject, a footer. */
static char *list_rewrite(const char *msg)
{
	struct lib_buf out = LIB_BUF_INIT;
	const char *subject = strstr(msg, "Subject: ");
	assert_non_null(subject);
	lib_buf_append(&out, msg, (size_t)(subject - msg) + 9);
	lib_buf_puts(&out, "[lunch-list] ");
	lib_buf_puts(&out, subject + 9);
	lib_buf_puts(&out, "--\r\nlunch-list: https://lists.example.org/lunch\r\n");
	return lib_buf_take(&out);
}

/* ---- running the validator ---------------------------------------------------- */

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

struct validation {
	struct auth_dkim_verifier *v;
	struct auth_arc_validator *arc;
	struct auth_dns_cache *cache;
	const struct auth_arc_result *r;
	unsigned queries;      /* NEED_DNS steps taken */
	char *tempfail_name;   /* this key's lookups fail for now */
};

/* Every key is the test key, except tempfail_name. */
static void answer(struct validation *val, const struct auth_dns_need *need)
{
	assert_int_equal(need->type, NET_DNS_TXT);
	if (val->tempfail_name && strcmp(need->name, val->tempfail_name) == 0)
		put_answer(val->cache, need->name, NET_DNS_TEMPFAIL, NULL);
	else if (strncmp(need->name, "ed._domainkey.", 14) == 0)
		put_answer(val->cache, need->name, NET_DNS_ANSWER, ED_RECORD);
	else
		put_answer(val->cache, need->name, NET_DNS_NXDOMAIN, NULL);
}

static void validate_in(struct validation *val, const char *msg, size_t chunk)
{
	size_t len = strlen(msg);
	struct auth_dkim_verify_options o = { .now = NOW };
	val->v = auth_dkim_verifier_new(&o);
	val->arc = auth_arc_validator_attach(val->v);
	assert_non_null(val->arc);
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_verifier_feed(val->v, msg + at, len - at < chunk ? len - at : chunk);
	auth_dkim_verifier_finish(val->v);
	val->cache = auth_dns_cache_new();
	struct auth_dns_need need;
	while (auth_arc_validate_step(val->arc, val->cache, &need) == AUTH_NEED_DNS) {
		assert_true(++val->queries <= 2 * AUTH_ARC_MAX_SETS);
		assert_null(auth_arc_validator_result(val->arc));
		answer(val, &need);
	}
	while (auth_dkim_verify_step(val->v, val->cache, &need) == AUTH_NEED_DNS)
		answer(val, &need);
	val->r = auth_arc_validator_result(val->arc);
	assert_non_null(val->r);
	assert_non_null(val->r->reason);
	assert_null(strchr(val->r->reason, '\n'));
}

static struct validation validate(const char *msg)
{
	struct validation val = { 0 };
	validate_in(&val, msg, strlen(msg) ? strlen(msg) : 1);
	return val;
}

static void validation_release(struct validation *val)
{
	auth_dkim_verifier_free(val->v);
	auth_dns_cache_free(val->cache);
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("expected \"%s\" in \"%s\"", part, text);
}

/* A message sealed by n hops, each domain hopK.example, the first seeing
 * the author's DKIM pass. */
static char *chain_of(unsigned n)
{
	char *msg = dkim_sign(original);
	for (unsigned i = 1; i <= n; i++) {
		char domain[32];
		snprintf(domain, sizeof domain, "hop%u.example", i);
		struct seal_args a = { i, i == 1 ? "none" : "pass", domain, aar_list_saw_pass, NULL };
		char *next = seal(msg, &a);
		free(msg);
		msg = next;
	}
	return msg;
}

/* ---- the stories ----------------------------------------------------------------- */

static void no_arc_fields_is_none(void **state)
{
	(void)state;
	struct validation val = validate(original);
	assert_int_equal(val.r->cv, AUTH_ARC_NONE);
	assert_string_equal(val.r->reason, "no ARC fields");
	assert_int_equal(val.r->count, 0);
	assert_int_equal(val.queries, 0);
	struct auth_arc_vouch vouch;
	assert_int_equal(auth_arc_vouch_find(val.r, NULL, &vouch), 0);
	validation_release(&val);
}

/* The story of the issue: a list changes the message, the author's
 * signature breaks, the list's ARC set says it passed on arrival. */
static void list_breaks_dkim_arc_vouches(void **state)
{
	(void)state;
	char *signed_msg = dkim_sign(original);
	char *rewritten = list_rewrite(signed_msg);
	struct seal_args a = { 1, "none", "lists.example.org", aar_list_saw_pass, NULL };
	char *msg = seal(rewritten, &a);
	struct validation val = validate(msg);

	const struct auth_dkim_signature *dkim = auth_dkim_verifier_signature(val.v, 0);
	assert_non_null(dkim);
	assert_int_equal(dkim->result, AUTH_DKIM_FAIL);
	assert_string_equal(dkim->domain, "author.example");

	assert_int_equal(val.r->cv, AUTH_ARC_PASS);
	assert_string_equal(val.r->reason, "1 ARC set verified, the newest sealed by lists.example.org");
	assert_int_equal(val.r->count, 1);
	assert_int_equal(val.r->oldest_pass, 1);
	const struct auth_arc_set *set = &val.r->sets[0];
	assert_int_equal(set->instance, 1);
	assert_int_equal(set->seal->result, AUTH_DKIM_PASS);
	assert_string_equal(set->seal->domain, "lists.example.org");
	assert_string_equal(set->seal->key_name, "ed._domainkey.lists.example.org");
	assert_int_equal(set->seal_cv, AUTH_ARC_NONE);
	assert_int_equal(set->message_signature->result, AUTH_DKIM_PASS);
	assert_non_null(set->results);
	assert_string_equal(set->results->authserv_id, "lists.example.org");
	assert_has(set->results_text, "i=1; lists.example.org; dkim=pass");

	struct auth_arc_vouch vouch;
	assert_int_equal(auth_arc_vouch_find(val.r, "AUTHOR.example", &vouch), 1);
	assert_int_equal(vouch.instance, 1);
	assert_string_equal(vouch.sealer, "lists.example.org");
	assert_string_equal(vouch.authserv_id, "lists.example.org");
	char *text = auth_arc_vouch_text(&vouch);
	assert_string_equal(text, "ARC chain from lists.example.org (i=1) vouches for the original "
				  "pass: dkim=pass header.d=author.example, spf=pass "
				  "smtp.mailfrom=author.example, dmarc=pass header.from=author.example");
	free(text);
	/* A pass for another domain is no pass for this one. */
	assert_int_equal(auth_arc_vouch_find(val.r, "other.example", &vouch), 0);
	assert_int_equal(vouch.instance, 0);

	validation_release(&val);
	free(signed_msg);
	free(rewritten);
	free(msg);
}

/* Hop 1 seals, hop 2 changes the body and seals: the chain passes, and
 * oldest-pass says where the message last was as sealed. */
static void change_between_hops_moves_oldest_pass(void **state)
{
	(void)state;
	char *one = chain_of(1);
	char *changed = list_rewrite(one);
	struct seal_args a = { 2, "pass", "fwd.example", "fwd.example; dkim=fail header.d=author.example", NULL };
	char *msg = seal(changed, &a);
	struct validation val = validate(msg);
	assert_int_equal(val.r->cv, AUTH_ARC_PASS);
	assert_int_equal(val.r->count, 2);
	assert_int_equal(val.r->oldest_pass, 2);
	assert_string_equal(val.r->reason, "2 ARC sets verified, the newest sealed by fwd.example; "
					   "oldest-pass 2: the ARC-Message-Signature of i=1 does not "
					   "verify (body hash mismatch)");
	assert_int_equal(val.r->sets[0].message_signature->result, AUTH_DKIM_FAIL);
	assert_string_equal(val.r->sets[0].message_signature->reason, "body hash mismatch");
	/* Hop 2 saw the DKIM signature broken: hop 1 vouches. */
	struct auth_arc_vouch vouch;
	assert_int_equal(auth_arc_vouch_find(val.r, "author.example", &vouch), 1);
	assert_int_equal(vouch.instance, 1);
	assert_string_equal(vouch.sealer, "hop1.example");
	validation_release(&val);
	free(one);
	free(changed);
	free(msg);
}

/* What the AAR says is the sealer's business: a payload that is not RFC
 * 8601 syntax does not break the chain, it only cannot vouch. */
static void aar_contents_table(void **state)
{
	(void)state;
	static const struct {
		const char *aar;
		int vouches;
		const char *text;    /* the vouch text, or the results_error */
	} cases[] = {
		{ "lists.example.org; dkim=pass header.i=@author.example", 1,
		  "ARC chain from lists.example.org (i=1) vouches for the original pass: "
		  "dkim=pass header.i=@author.example" },
		{ "lists.example.org; spf=pass smtp.helo=mx.author.example; dkim=pass header.d=author.example", 1,
		  "ARC chain from lists.example.org (i=1) vouches for the original pass: "
		  "dkim=pass header.d=author.example, spf=pass smtp.helo=mx.author.example" },
		{ "lists.example.org; dkim=fail header.d=author.example", 0,
		  "no ARC set vouches for a DKIM pass" },
		{ "lists.example.org; none", 0, "no ARC set vouches for a DKIM pass" },
		{ "lists.example.org; dkim=pass (unclosed", 0, NULL },
	};
	char *signed_msg = dkim_sign(original);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seal_args a = { 1, "none", "lists.example.org", cases[i].aar, NULL };
		char *msg = seal(signed_msg, &a);
		struct validation val = validate(msg);
		assert_int_equal(val.r->cv, AUTH_ARC_PASS);
		struct auth_arc_vouch vouch;
		assert_int_equal(auth_arc_vouch_find(val.r, "author.example", &vouch), cases[i].vouches);
		if (cases[i].text) {
			assert_non_null(val.r->sets[0].results);
			char *text = auth_arc_vouch_text(&vouch);
			assert_string_equal(text, cases[i].text);
			free(text);
		} else {
			assert_null(val.r->sets[0].results);
			assert_non_null(val.r->sets[0].results_error);
			assert_has(val.r->sets[0].results_text, "i=1; lists.example.org; dkim=pass (unclosed");
		}
		validation_release(&val);
		free(msg);
	}
	free(signed_msg);
}

static void three_hops_pass(void **state)
{
	(void)state;
	char *msg = chain_of(3);
	struct validation val = validate(msg);
	assert_int_equal(val.r->cv, AUTH_ARC_PASS);
	assert_string_equal(val.r->reason, "3 ARC sets verified, the newest sealed by hop3.example");
	assert_int_equal(val.r->oldest_pass, 1);
	for (unsigned k = 0; k < 3; k++) {
		assert_int_equal(val.r->sets[k].seal->result, AUTH_DKIM_PASS);
		assert_int_equal(val.r->sets[k].message_signature->result, AUTH_DKIM_PASS);
		assert_int_equal(val.r->sets[k].seal_cv, k == 0 ? AUTH_ARC_NONE : AUTH_ARC_PASS);
	}
	/* Three hops, three keys: one query each. */
	assert_int_equal(val.queries, 3);
	/* The newest hop that saw the pass vouches. */
	struct auth_arc_vouch vouch;
	assert_int_equal(auth_arc_vouch_find(val.r, NULL, &vouch), 1);
	assert_int_equal(vouch.instance, 3);
	validation_release(&val);
	free(msg);
}

static void changed_after_last_seal_fails(void **state)
{
	(void)state;
	char *sealed = chain_of(1);
	char *changed = list_rewrite(sealed);
	struct validation val = validate(changed);
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_int_equal(val.r->temporary, 0);
	assert_string_equal(val.r->reason,
			    "ARC-Message-Signature i=1 did not verify: body hash mismatch");
	assert_int_equal(val.r->oldest_pass, 0);
	/* The seal was never needed. */
	assert_int_equal(val.r->sets[0].seal->result, AUTH_DKIM_NONE);
	assert_has(val.r->sets[0].seal->reason, "not checked");
	struct auth_arc_vouch vouch;
	assert_int_equal(auth_arc_vouch_find(val.r, NULL, &vouch), 0);
	validation_release(&val);
	free(sealed);
	free(changed);
}

/* Rewriting what an earlier hop claimed breaks the seals. */
static void tampered_results_break_the_seal(void **state)
{
	(void)state;
	char *msg = chain_of(2);
	char *claim = strstr(msg, "i=1; lists.example.org; dkim=pass");
	assert_non_null(claim);
	memcpy(strstr(claim, "dkim=pass"), "dkim=PASS", 9);
	struct validation val = validate(msg);
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_string_equal(val.r->reason, "ARC-Seal i=2 did not verify: signature did not verify");
	validation_release(&val);
	free(msg);
}

static void newest_seal_saying_fail_needs_no_dns(void **state)
{
	(void)state;
	char *one = chain_of(1);
	struct seal_args a = { 2, "fail", "hop2.example", aar_list_saw_pass, NULL };
	char *msg = seal(one, &a);
	struct validation val = validate(msg);
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_string_equal(val.r->reason, "the newest ARC-Seal (i=2) says cv=fail: the chain was "
					   "found broken before");
	assert_int_equal(val.queries, 0);
	validation_release(&val);
	free(one);
	free(msg);
}

static void seal_key_tempfail_is_temporary(void **state)
{
	(void)state;
	char *msg = chain_of(2);
	struct validation val = { .tempfail_name = "ed._domainkey.hop1.example" };
	validate_in(&val, msg, strlen(msg));
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_int_equal(val.r->temporary, 1);
	assert_has(val.r->reason, "ARC-Seal i=1 did not verify: DNS temporary failure for "
				  "ed._domainkey.hop1.example");
	/* The AMS of i=1 shares the key: oldest-pass met the failure first. */
	assert_int_equal(val.r->sets[0].message_signature->result, AUTH_DKIM_TEMPERROR);
	validation_release(&val);
	free(msg);
}

static void ams_signing_a_seal_fails(void **state)
{
	(void)state;
	char *msg = dkim_sign(original);
	struct seal_args a = { 1, "none", "lists.example.org", aar_list_saw_pass,
			       "from:to:subject:arc-seal" };
	char *sealed = seal(msg, &a);
	struct validation val = validate(sealed);
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_string_equal(val.r->reason, "ARC-Message-Signature i=1 did not verify: h= signs "
					   "ARC-Seal, which an ARC-Message-Signature must not "
					   "(RFC 8617 4.1.2)");
	validation_release(&val);
	free(msg);
	free(sealed);
}

/* ---- structure: a table of edits to a good chain of two ------------------------- */

/* msg without the line-and-continuations of the field that starts with
 * prefix (the first one), or with it twice when dup. */
static char *edit_field(const char *msg, const char *prefix, int dup)
{
	const char *at = strstr(msg, prefix);
	assert_non_null(at);
	const char *end = at;
	do {
		end = strstr(end, "\r\n") + 2;
	} while (*end == ' ' || *end == '\t');
	struct lib_buf out = LIB_BUF_INIT;
	lib_buf_append(&out, msg, (size_t)(at - msg));
	for (int copies = dup ? 2 : 0; copies > 0; copies--)
		lib_buf_append(&out, at, (size_t)(end - at));
	lib_buf_puts(&out, end);
	return lib_buf_take(&out);
}

static void structure_table(void **state)
{
	(void)state;
	static const struct {
		const char *prefix;
		int dup;
		const char *reason;
	} cases[] = {
		{ "ARC-Message-Signature: i=2", 0, "instance 2 has no ARC-Message-Signature" },
		{ "ARC-Seal: i=1", 0, "instance 1 has no ARC-Seal" },
		{ "ARC-Authentication-Results: i=1", 0, "instance 1 has no ARC-Authentication-Results" },
		{ "ARC-Authentication-Results: i=1", 1, "two ARC-Authentication-Results fields with i=1" },
		{ "ARC-Seal: i=2", 1, "two ARC-Seal fields with i=2" },
		{ "ARC-Message-Signature: i=1", 1, "two ARC-Message-Signature fields with i=1" },
	};
	char *msg = chain_of(2);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *edited = edit_field(msg, cases[i].prefix, cases[i].dup);
		struct validation val = validate(edited);
		assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
		if (strcmp(val.r->reason, cases[i].reason) != 0)
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, val.r->reason, cases[i].reason);
		assert_int_equal(val.queries, 0);
		validation_release(&val);
		free(edited);
	}
	/* The whole of set 1 gone: a gap. */
	char *a = edit_field(msg, "ARC-Seal: i=1", 0);
	char *b = edit_field(a, "ARC-Message-Signature: i=1", 0);
	char *c = edit_field(b, "ARC-Authentication-Results: i=1", 0);
	struct validation val = validate(c);
	assert_string_equal(val.r->reason, "gap in the instance numbers: no ARC set i=1 below i=2");
	assert_int_equal(val.r->count, 2);
	assert_null(val.r->sets[0].seal);
	assert_null(val.r->sets[0].results_text);
	validation_release(&val);
	free(a);
	free(b);
	free(c);
	free(msg);
}

/* RFC 8617 4.2.1: at most 50 sets. */
static void fifty_sets_pass_fifty_one_fail(void **state)
{
	(void)state;
	char *msg = chain_of(AUTH_ARC_MAX_SETS);
	struct validation val = validate(msg);
	assert_int_equal(val.r->cv, AUTH_ARC_PASS);
	assert_int_equal(val.r->count, 50);
	/* Like DKIM's signatures, only so many AMS are checked. */
	assert_int_equal(val.r->oldest_pass, 50 - AUTH_DKIM_MAX_SIGNATURES + 1);
	assert_string_equal(val.r->reason, "50 ARC sets verified, the newest sealed by hop50.example; "
					   "oldest-pass 35: older ARC-Message-Signatures not checked");
	assert_int_equal(val.r->sets[33].message_signature->result, AUTH_DKIM_NONE);
	assert_int_equal(val.r->sets[34].message_signature->result, AUTH_DKIM_PASS);
	for (unsigned k = 0; k < 50; k++)
		assert_int_equal(val.r->sets[k].seal->result, AUTH_DKIM_PASS);
	validation_release(&val);
	/* A 51st set, its fields numbered 51: three more fields. */
	char *more = lib_xasprintf("ARC-Seal: i=51; a=ed25519-sha256; cv=pass; d=x.example; s=ed; b=AAAA\r\n"
				   "ARC-Message-Signature: i=51; a=ed25519-sha256; d=x.example; s=ed;"
				   " h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
				   "ARC-Authentication-Results: i=51; x.example; none\r\n%s",
				   msg);
	val = validate(more);
	assert_int_equal(val.r->cv, AUTH_ARC_FAIL);
	assert_string_equal(val.r->reason, "more than 50 ARC sets (153 ARC fields)");
	assert_int_equal(val.queries, 0);
	validation_release(&val);
	free(more);
	/* One field numbered 51 among fewer fields is no instance at all. */
	char *one = chain_of(1);
	char *bad = lib_xasprintf("ARC-Authentication-Results: i=51; x.example; none\r\n%s", one);
	val = validate(bad);
	assert_string_equal(val.r->reason,
			    "an ARC-Authentication-Results field has no valid instance i=");
	validation_release(&val);
	free(one);
	free(bad);
	free(msg);
}

static void chunks_do_not_matter(void **state)
{
	(void)state;
	char *one = chain_of(1);
	char *changed = list_rewrite(one);
	struct seal_args a = { 2, "pass", "fwd.example", aar_list_saw_pass, NULL };
	char *msg = seal(changed, &a);
	struct validation whole = validate(msg);
	static const size_t chunks[] = { 1, 2, 3, 7, 64, 1000 };
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		struct validation val = { 0 };
		validate_in(&val, msg, chunks[i]);
		assert_int_equal(val.r->cv, whole.r->cv);
		assert_string_equal(val.r->reason, whole.r->reason);
		assert_int_equal(val.r->oldest_pass, whole.r->oldest_pass);
		validation_release(&val);
	}
	assert_int_equal(whole.r->cv, AUTH_ARC_PASS);
	validation_release(&whole);
	free(one);
	free(changed);
	free(msg);
}

/* DKIM and the AMS hash the body the same way: once. */
static void dkim_and_ams_share_the_body_hash(void **state)
{
	(void)state;
	char *msg = chain_of(2);
	struct validation val = validate(msg);
	assert_int_equal(auth_dkim_verifier_count(val.v), 1);
	assert_int_equal(auth_dkim_verifier_signature(val.v, 0)->result, AUTH_DKIM_PASS);
	assert_int_equal(auth_dkim_verifier_body_hash_count(val.v), 1);
	validation_release(&val);
	free(msg);
}

static void needs_lists_every_key_once(void **state)
{
	(void)state;
	char *msg = chain_of(2);
	struct auth_dkim_verify_options o = { .now = NOW };
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&o);
	struct auth_arc_validator *arc = auth_arc_validator_attach(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need needs[4];
	assert_int_equal(auth_arc_validator_needs(arc, cache, needs, 4), 0); /* nothing read yet */
	auth_dkim_verifier_feed(v, msg, strlen(msg));
	auth_dkim_verifier_finish(v);
	assert_int_equal(auth_arc_validator_needs(arc, cache, needs, 4), 2);
	assert_string_equal(needs[0].name, "ed._domainkey.hop2.example");
	assert_string_equal(needs[1].name, "ed._domainkey.hop1.example");
	assert_int_equal(auth_arc_validator_needs(arc, cache, needs, 1), 2); /* counts past max */
	for (size_t i = 0; i < 2; i++)
		put_answer(cache, i ? "ed._domainkey.hop1.example" : "ed._domainkey.hop2.example",
			   NET_DNS_ANSWER, ED_RECORD);
	struct auth_dns_need need;
	assert_int_equal(auth_arc_validate_step(arc, cache, &need), AUTH_DONE);
	assert_int_equal(auth_arc_validator_result(arc)->cv, AUTH_ARC_PASS);
	assert_int_equal(auth_arc_validator_needs(arc, cache, needs, 4), 0);
	/* Asking again changes nothing. */
	assert_int_equal(auth_arc_validate_step(arc, cache, &need), AUTH_DONE);
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	free(msg);
}

static void attach_only_before_feeding(void **state)
{
	(void)state;
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(NULL);
	assert_non_null(auth_arc_validator_attach(v));
	assert_null(auth_arc_validator_attach(v)); /* one rider */
	auth_dkim_verifier_free(v);
	v = auth_dkim_verifier_new(NULL);
	auth_dkim_verifier_feed(v, "Subject: x\r\n", 12);
	assert_null(auth_arc_validator_attach(v));
	auth_dkim_verifier_free(v);
}

static void header_section_too_many_fields(void **state)
{
	(void)state;
	struct lib_buf msg = LIB_BUF_INIT;
	for (int i = 0; i <= AUTH_MSG_MAX_FIELDS; i++)
		lib_buf_puts(&msg, "X: y\r\n");
	lib_buf_puts(&msg, "\r\nbody\r\n");
	struct validation val = validate(msg.data);
	assert_int_equal(val.r->cv, AUTH_ARC_NONE);
	assert_string_equal(val.r->reason,
			    "not validated: header section has more than 50000 fields: not verified");
	validation_release(&val);
	lib_buf_release(&msg);
}

/* ---- the parsers' tables ------------------------------------------------------------ */

static void aar_instance_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		unsigned instance;
	} cases[] = {
		{ "i=1; example.org; none", 1 },
		{ " I = 7 ;x", 7 },
		{ "\r\n\ti=50;", 50 },
		{ "i=51; x", 0 },
		{ "i=0; x", 0 },
		{ "i=; x", 0 },
		{ "i=1 x; y", 0 },
		{ "i=1", 0 },
		{ "x; i=1;", 0 },
		{ "i=99999999999999999999; x", 0 },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (auth_arc_aar_instance(cases[i].in, strlen(cases[i].in)) != cases[i].instance)
			fail_msg("\"%s\": expected %u", cases[i].in, cases[i].instance);
}

#define B64 "AAAA"
#define BH "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

static void signature_kind_table(void **state)
{
	(void)state;
	static const struct {
		enum auth_dkim_sig_kind kind;
		const char *in;
		const char *error; /* NULL: parses */
		unsigned instance;
		enum auth_arc_cv cv;
	} cases[] = {
		{ AUTH_DKIM_SIG_SEAL, "i=1; a=rsa-sha256; cv=none; d=x.org; s=s; b=" B64, NULL, 1, AUTH_ARC_NONE },
		{ AUTH_DKIM_SIG_SEAL, "i=2; a=ed25519-sha256; cv=Pass; d=x.org; s=s; t=5; b=" B64, NULL, 2, AUTH_ARC_PASS },
		{ AUTH_DKIM_SIG_SEAL, "i=3; a=rsa-sha256; cv=fail; d=x.org; s=s; b=" B64 "; x=unknown", NULL, 3, AUTH_ARC_FAIL },
		{ AUTH_DKIM_SIG_SEAL, "i=1; a=rsa-sha256; d=x.org; s=s; b=" B64, "missing cv=", 1, 0 },
		{ AUTH_DKIM_SIG_SEAL, "i=1; a=rsa-sha256; cv=maybe; d=x.org; s=s; b=" B64, "cv=maybe is not none, pass or fail", 1, 0 },
		{ AUTH_DKIM_SIG_SEAL, "i=1; a=rsa-sha256; cv=none; d=x.org; s=s; h=from; b=" B64, "h= is not allowed in an ARC-Seal", 1, 0 },
		{ AUTH_DKIM_SIG_SEAL, "a=rsa-sha256; cv=none; d=x.org; s=s; b=" B64, "missing i=", 0, 0 },
		{ AUTH_DKIM_SIG_SEAL, "i=51; a=rsa-sha256; cv=none; d=x.org; s=s; b=" B64, "i=51 is not an instance number from 1 to 50", 0, 0 },
		{ AUTH_DKIM_SIG_SEAL, "i=1; a=rsa-sha256; cv=none; d=x.org; s=s; t=soon; b=" B64, "t= is not a number", 1, 0 },
		{ AUTH_DKIM_SIG_AMS, "i=4; a=rsa-sha256; d=x.org; s=s; h=From:To; bh=" BH "; b=" B64, NULL, 4, 0 },
		{ AUTH_DKIM_SIG_AMS, "i=4; a=rsa-sha256; d=x.org; s=s; h=to; bh=" BH "; b=" B64, "h= does not sign From (RFC 6376 5.4)", 4, 0 },
		{ AUTH_DKIM_SIG_AMS, "i=4; a=rsa-sha256; d=x.org; s=s; h=from; b=" B64, "missing bh=", 4, 0 },
		{ AUTH_DKIM_SIG_AMS, "i=x; a=rsa-sha256; d=x.org; s=s; h=from; bh=" BH "; b=" B64, "i=x is not an instance number from 1 to 50", 0, 0 },
		/* A DKIM-Signature's i= is still an identity. */
		{ AUTH_DKIM_SIG_DKIM, "v=1; i=1; a=rsa-sha256; d=x.org; s=s; h=from; bh=" BH "; b=" B64, "i= has no \"@\"", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct auth_dkim_sig_tags t;
		struct lib_err err;
		int rc = auth_dkim_sig_parse_kind(cases[i].kind, cases[i].in, strlen(cases[i].in), &t, &err);
		if (cases[i].error ? rc != -1 || strcmp(err.msg, cases[i].error) != 0 : rc != 0)
			fail_msg("case %zu \"%s\": rc %d \"%s\"", i, cases[i].in, rc, rc ? err.msg : "");
		assert_int_equal(t.instance, cases[i].instance);
		if (rc == 0 && cases[i].kind == AUTH_DKIM_SIG_SEAL)
			assert_int_equal(t.cv, cases[i].cv);
		if (rc == 0 && cases[i].kind != AUTH_DKIM_SIG_DKIM)
			assert_string_equal(t.identity, "@x.org");
		auth_dkim_sig_tags_release(&t);
	}
}

static void cv_words(void **state)
{
	(void)state;
	assert_string_equal(auth_arc_cv_str(AUTH_ARC_NONE), "none");
	assert_string_equal(auth_arc_cv_str(AUTH_ARC_PASS), "pass");
	assert_string_equal(auth_arc_cv_str(AUTH_ARC_FAIL), "fail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_arc_fields_is_none),
		cmocka_unit_test(list_breaks_dkim_arc_vouches),
		cmocka_unit_test(change_between_hops_moves_oldest_pass),
		cmocka_unit_test(aar_contents_table),
		cmocka_unit_test(three_hops_pass),
		cmocka_unit_test(changed_after_last_seal_fails),
		cmocka_unit_test(tampered_results_break_the_seal),
		cmocka_unit_test(newest_seal_saying_fail_needs_no_dns),
		cmocka_unit_test(seal_key_tempfail_is_temporary),
		cmocka_unit_test(ams_signing_a_seal_fails),
		cmocka_unit_test(structure_table),
		cmocka_unit_test(fifty_sets_pass_fifty_one_fail),
		cmocka_unit_test(chunks_do_not_matter),
		cmocka_unit_test(dkim_and_ams_share_the_body_hash),
		cmocka_unit_test(needs_lists_every_key_once),
		cmocka_unit_test(attach_only_before_feeding),
		cmocka_unit_test(header_section_too_many_fields),
		cmocka_unit_test(aar_instance_table),
		cmocka_unit_test(signature_kind_table),
		cmocka_unit_test(cv_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
