/* dkim_verify.c: DKIM verification (RFC 6376 6, RFC 8463, RFC 8301).
 *
 * The expensive part runs once, as the message streams in: when the
 * header section is complete the signatures are parsed, the header hash
 * of each is computed, and one body hash per distinct (canonicalization,
 * hash, l=) is set up; the body then streams through those.  What is left
 * (the key records) is a matter of DNS answers, settled by
 * auth_dkim_verify_step as they arrive in the cache. */
#include "dkim_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

enum sig_state { SIG_SETTLED, SIG_NEED_KEY };

struct verified_sig {
	struct auth_dkim_signature pub; /* its strings point into tags */
	struct auth_dkim_sig_tags tags;
	enum sig_state state;
	struct auth_dkim_body_hash *body_hash;
	unsigned char header_digest[EVP_MAX_MD_SIZE];
	unsigned header_digest_len;
};

struct auth_dkim_verifier {
	struct auth_dkim_verify_options opts;
	struct auth_dkim_reader reader;
	struct auth_msg_headers headers;
	int started;  /* the header section was read and the signatures set up */
	int finished;
	struct verified_sig sigs[AUTH_DKIM_MAX_SIGNATURES];
	size_t count;
	size_t not_evaluated;
	struct auth_dkim_body_hash body_hashes[AUTH_DKIM_MAX_SIGNATURES];
	size_t body_hash_count;
	char *error;
};

struct auth_dkim_verifier *auth_dkim_verifier_new(const struct auth_dkim_verify_options *opts)
{
	struct auth_dkim_verifier *v = lib_xcalloc(1, sizeof *v);
	if (opts)
		v->opts = *opts;
	if (v->opts.now == 0)
		v->opts.now = (long long)time(NULL);
	auth_dkim_reader_init(&v->reader);
	return v;
}

void auth_dkim_verifier_free(struct auth_dkim_verifier *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++) {
		struct verified_sig *s = &v->sigs[i];
		auth_dkim_sig_tags_release(&s->tags);
		free(s->pub.reason);
		free(s->pub.key_name);
		free(s->pub.key_record);
		free(s->pub.key_services);
	}
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_release(&v->body_hashes[i]);
	auth_msg_headers_release(&v->headers);
	auth_dkim_reader_release(&v->reader);
	free(v->error);
	free(v);
}

static void settle(struct verified_sig *s, enum auth_dkim_result result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void settle(struct verified_sig *s, enum auth_dkim_result result, const char *fmt, ...)
{
	struct lib_buf reason = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&reason, fmt, ap);
	va_end(ap);
	free(s->pub.reason);
	s->pub.reason = lib_buf_take(&reason);
	s->pub.result = result;
	s->state = SIG_SETTLED;
}

/* The body hash this signature needs, shared with any other signature
 * that canonicalizes, hashes and limits the body the same way. */
static struct auth_dkim_body_hash *body_hash_for(struct auth_dkim_verifier *v,
						 const struct auth_dkim_sig_tags *t)
{
	const EVP_MD *md = auth_dkim_algo_md(t->algo);
	for (size_t i = 0; i < v->body_hash_count; i++) {
		struct auth_dkim_body_hash *bh = &v->body_hashes[i];
		if (bh->canon == t->body_canon && bh->md == md && bh->limit == t->length)
			return bh;
	}
	struct auth_dkim_body_hash *bh = &v->body_hashes[v->body_hash_count++];
	auth_dkim_body_hash_init(bh, t->body_canon, md, t->length);
	return bh;
}

/* The public view shows the tags; its strings belong to s->tags. */
static void expose_tags(struct verified_sig *s)
{
	struct auth_dkim_signature *p = &s->pub;
	const struct auth_dkim_sig_tags *t = &s->tags;
	p->domain = t->domain;
	p->selector = t->selector;
	p->identity = t->identity;
	p->algorithm = t->algorithm_name;
	p->algo = t->algo;
	p->header_canon = t->header_canon;
	p->body_canon = t->body_canon;
	p->signed_headers = t->headers;
	p->signed_header_count = t->header_count;
	p->length = t->length;
	p->timestamp = t->timestamp;
	p->expiry = t->expiry;
	p->b = t->b_text;
	p->weak = t->algo == AUTH_DKIM_RSA_SHA1;
}

static void setup_signature(struct auth_dkim_verifier *v, size_t field_index,
			    struct lib_buf *scratch)
{
	const struct auth_msg_field *f = &v->headers.fields[field_index];
	struct verified_sig *s = &v->sigs[v->count++];
	s->pub.field_index = field_index;
	struct lib_err err;
	int rc = auth_dkim_sig_parse(f->raw + f->value_off, f->value_end - f->value_off, &s->tags,
				     &err);
	expose_tags(s);
	if (rc < 0) {
		settle(s, AUTH_DKIM_PERMERROR, "syntax error: %s", err.msg);
		return;
	}
	s->pub.key_name = lib_xasprintf("%s._domainkey.%s", s->tags.selector, s->tags.domain);
	if (strlen(s->pub.key_name) >= AUTH_DNS_NAME_MAX) {
		settle(s, AUTH_DKIM_PERMERROR, "syntax error: the key name is too long");
		return;
	}
	const EVP_MD *md = auth_dkim_algo_md(s->tags.algo);
	auth_dkim_header_digest(&v->headers, s->tags.headers, s->tags.header_count,
				s->tags.header_canon, md, f, f->value_off + s->tags.b_eq_end,
				f->value_off + s->tags.b_spec_end, scratch, s->header_digest,
				&s->header_digest_len);
	s->body_hash = body_hash_for(v, &s->tags);
	s->state = SIG_NEED_KEY;
	s->pub.reason = lib_xstrdup("not settled yet: the key record is needed");
}

/* The header section is complete: find and set up the signatures. */
static void start(struct auth_dkim_verifier *v)
{
	v->started = 1;
	if (v->reader.too_large) {
		v->error = lib_xasprintf("header section larger than %u MB: not verified",
					 AUTH_DKIM_MAX_HEADER_BYTES >> 20);
		return;
	}
	struct lib_err err;
	if (auth_msg_headers_split(v->reader.head.data, v->reader.header_len, &v->headers,
				   &err) < 0) {
		v->error = lib_xasprintf("%s: not verified", err.msg);
		return;
	}
	static const char name[] = "DKIM-Signature";
	uint32_t hash = auth_msg_name_hash(name, sizeof name - 1);
	struct lib_buf scratch = LIB_BUF_INIT;
	for (size_t i = 0; i < v->headers.count; i++) {
		if (!auth_msg_field_is(&v->headers.fields[i], name, sizeof name - 1, hash))
			continue;
		if (v->count < AUTH_DKIM_MAX_SIGNATURES)
			setup_signature(v, i, &scratch);
		else
			v->not_evaluated++;
	}
	lib_buf_release(&scratch);
}

void auth_dkim_verifier_feed(struct auth_dkim_verifier *v, const void *data, size_t len)
{
	const char *p = data;
	if (v->finished)
		return;
	if (!v->started) {
		size_t taken = auth_dkim_reader_feed(&v->reader, p, len);
		if (!v->reader.in_body)
			return;
		start(v);
		p += taken;
		len -= taken;
	}
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_feed(&v->body_hashes[i], p, len);
}

static void format_time(long long t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, size, "%lld", t);
}

/* What the clock and the body length alone decide (RFC 6376 6.1.1); the
 * body hash is compared once the key is known (6.1.3). */
static void check_body(struct auth_dkim_verifier *v, struct verified_sig *s)
{
	const struct auth_dkim_body_hash *bh = s->body_hash;
	s->pub.body_length = bh->length;
	if (s->tags.expiry >= 0 && v->opts.now > s->tags.expiry) {
		char when[64];
		format_time(s->tags.expiry, when, sizeof when);
		/* RFC 6376 6.1.1: PERMFAIL; not a failed verification. */
		settle(s, AUTH_DKIM_PERMERROR, "signature expired at %s", when);
		return;
	}
	if (s->tags.length >= 0 && (uint64_t)s->tags.length > bh->length) {
		settle(s, AUTH_DKIM_PERMERROR, "l=%lld is longer than the body (%llu bytes)",
		       s->tags.length, (unsigned long long)bh->length);
		return;
	}
	s->pub.partial = s->tags.length >= 0 && (uint64_t)s->tags.length < bh->length;
}

void auth_dkim_verifier_finish(struct auth_dkim_verifier *v)
{
	if (v->finished)
		return;
	if (!v->started) {
		/* No empty line: all of it is header section, the body empty. */
		v->reader.in_body = 1;
		v->reader.header_len = v->reader.head.len;
		start(v);
	}
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_finish(&v->body_hashes[i]);
	for (size_t i = 0; i < v->count; i++)
		if (v->sigs[i].state == SIG_NEED_KEY)
			check_body(v, &v->sigs[i]);
	v->finished = 1;
}

/* ---- the key ------------------------------------------------------------ */

static int verify_rsa(EVP_PKEY *pkey, const EVP_MD *md, const struct verified_sig *s)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	int ok = ctx && EVP_PKEY_verify_init(ctx) > 0 &&
		 EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		 EVP_PKEY_CTX_set_signature_md(ctx, md) > 0 &&
		 EVP_PKEY_verify(ctx, s->tags.b, s->tags.b_len, s->header_digest,
				 s->header_digest_len) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* RFC 8463 3: Ed25519 signs the SHA-256 digest of the header data. */
static int verify_ed25519(EVP_PKEY *pkey, const struct verified_sig *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) > 0 &&
		 EVP_DigestVerify(ctx, s->tags.b, s->tags.b_len, s->header_digest,
				  s->header_digest_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Checks of the key record against the signature that need no crypto. */
static int key_fits(struct verified_sig *s, const struct auth_dkim_key_record *key)
{
	int ed = s->tags.algo == AUTH_DKIM_ED25519_SHA256;
	if (ed != (key->type == AUTH_DKIM_KEY_ED25519)) {
		settle(s, AUTH_DKIM_PERMERROR, "key type %s does not match a=%s",
		       s->pub.key_type, s->tags.algorithm_name);
		return 0;
	}
	int sha1 = s->tags.algo == AUTH_DKIM_RSA_SHA1;
	if (sha1 ? !key->allows_sha1 : !key->allows_sha256) {
		settle(s, AUTH_DKIM_PERMERROR, "key record h= does not allow %s",
		       sha1 ? "sha1" : "sha256");
		return 0;
	}
	if (!key->for_email) {
		settle(s, AUTH_DKIM_PERMERROR, "key is not for email (s=%s)", key->services);
		return 0;
	}
	const char *at = strrchr(s->tags.identity, '@');
	if (key->strict && strcasecmp(at + 1, s->tags.domain) != 0) {
		settle(s, AUTH_DKIM_PERMERROR,
		       "key requires the i= domain to be d= itself (t=s), i=%s", s->tags.identity);
		return 0;
	}
	return 1;
}

static void settle_with_pkey(struct auth_dkim_verifier *v, struct verified_sig *s,
			     EVP_PKEY *pkey)
{
	int rsa = s->tags.algo != AUTH_DKIM_ED25519_SHA256;
	if (rsa && s->pub.key_bits < AUTH_DKIM_MIN_RSA_BITS) {
		s->pub.weak = 1;
		if (!v->opts.legacy) {
			settle(s, AUTH_DKIM_PERMERROR,
			       "RSA key of %u bits is below the %d-bit minimum (RFC 8301)",
			       s->pub.key_bits, AUTH_DKIM_MIN_RSA_BITS);
			return;
		}
	}
	const struct auth_dkim_body_hash *bh = s->body_hash;
	if (bh->digest_len != s->tags.bh_len || memcmp(bh->digest, s->tags.bh, bh->digest_len)) {
		settle(s, AUTH_DKIM_FAIL, "body hash mismatch");
		return;
	}
	int ok = rsa ? verify_rsa(pkey, auth_dkim_algo_md(s->tags.algo), s)
		     : verify_ed25519(pkey, s);
	ERR_clear_error();
	if (!ok) {
		settle(s, AUTH_DKIM_FAIL, "signature did not verify");
		return;
	}
	if (s->tags.algo == AUTH_DKIM_RSA_SHA1 && !v->opts.legacy) {
		settle(s, AUTH_DKIM_PERMERROR,
		       "rsa-sha1 is not accepted (RFC 8301), though the signature verified");
		return;
	}
	if (s->pub.partial)
		settle(s, AUTH_DKIM_PASS, "pass, but only the first %lld of %llu body bytes are signed (l=)",
		       s->tags.length, s->pub.body_length);
	else
		settle(s, AUTH_DKIM_PASS, "%s",
		       s->pub.weak ? "pass with a weak algorithm or key" : "pass");
}

static void settle_with_record(struct auth_dkim_verifier *v, struct verified_sig *s,
			       const char *text, size_t len)
{
	struct auth_dkim_key_record key;
	struct lib_err err;
	if (auth_dkim_key_parse(text, len, &key, &err) < 0) {
		settle(s, AUTH_DKIM_PERMERROR, "key record syntax error: %s", err.msg);
		auth_dkim_key_record_release(&key);
		return;
	}
	s->pub.key_type = key.type == AUTH_DKIM_KEY_ED25519 ? "ed25519" : "rsa";
	s->pub.key_testing = key.testing;
	s->pub.key_strict = key.strict;
	s->pub.key_services = key.services ? lib_xstrdup(key.services) : NULL;
	if (key.p_len == 0) {
		settle(s, AUTH_DKIM_PERMERROR, "key revoked (empty p=)");
	} else if (key_fits(s, &key)) {
		EVP_PKEY *pkey = auth_dkim_key_public(&key, &s->pub.key_bits, &err);
		if (!pkey)
			settle(s, AUTH_DKIM_PERMERROR, "bad key: %s", err.msg);
		else
			settle_with_pkey(v, s, pkey);
		EVP_PKEY_free(pkey);
		ERR_clear_error();
	}
	auth_dkim_key_record_release(&key);
}

static void settle_with_answer(struct auth_dkim_verifier *v, struct verified_sig *s,
			       const struct net_dns_answer *a)
{
	switch (a->rcode) {
	case NET_DNS_TEMPFAIL:
		settle(s, AUTH_DKIM_TEMPERROR, "DNS temporary failure for %s%s%s", s->pub.key_name,
		       a->why ? ": " : "", a->why ? a->why : "");
		return;
	case NET_DNS_NXDOMAIN:
		settle(s, AUTH_DKIM_PERMERROR, "key not found (NXDOMAIN)");
		return;
	case NET_DNS_NODATA:
		settle(s, AUTH_DKIM_PERMERROR, "key not found (no TXT record)");
		return;
	case NET_DNS_ANSWER:
		break;
	}
	if (a->count == 0) {
		settle(s, AUTH_DKIM_PERMERROR, "key not found (no TXT record)");
		return;
	}
	/* RFC 6376 3.6.2.2 leaves several records undefined: the first counts. */
	const struct net_dns_record *r = &a->records[0];
	s->pub.key_record = lib_xstrndup(r->text, r->text_len);
	settle_with_record(v, s, r->text, r->text_len);
}

enum auth_step auth_dkim_verify_step(struct auth_dkim_verifier *v,
				     const struct auth_dns_cache *cache, struct auth_dns_need *need)
{
	if (!v->finished)
		auth_dkim_verifier_finish(v);
	const char *missing = NULL;
	for (size_t i = 0; i < v->count; i++) {
		struct verified_sig *s = &v->sigs[i];
		if (s->state != SIG_NEED_KEY)
			continue;
		const struct net_dns_answer *a = auth_dns_cache_get(cache, s->pub.key_name, NET_DNS_TXT);
		if (a)
			settle_with_answer(v, s, a);
		else if (!missing)
			missing = s->pub.key_name;
	}
	if (!missing)
		return AUTH_DONE;
	snprintf(need->name, sizeof need->name, "%s", missing);
	need->type = NET_DNS_TXT;
	return AUTH_NEED_DNS;
}

size_t auth_dkim_verifier_needs(const struct auth_dkim_verifier *v,
				const struct auth_dns_cache *cache, struct auth_dns_need *needs,
				size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < v->count; i++) {
		const struct verified_sig *s = &v->sigs[i];
		if (s->state != SIG_NEED_KEY ||
		    auth_dns_cache_get(cache, s->pub.key_name, NET_DNS_TXT))
			continue;
		int repeat = 0;
		for (size_t k = 0; k < i && !repeat; k++)
			repeat = v->sigs[k].state == SIG_NEED_KEY &&
				 strcasecmp(v->sigs[k].pub.key_name, s->pub.key_name) == 0;
		if (repeat)
			continue;
		if (n < max) {
			snprintf(needs[n].name, sizeof needs[n].name, "%s", s->pub.key_name);
			needs[n].type = NET_DNS_TXT;
		}
		n++;
	}
	return n;
}

size_t auth_dkim_verifier_count(const struct auth_dkim_verifier *v)
{
	return v->count;
}

const struct auth_dkim_signature *auth_dkim_verifier_signature(const struct auth_dkim_verifier *v,
							       size_t i)
{
	return i < v->count ? &v->sigs[i].pub : NULL;
}

size_t auth_dkim_verifier_not_evaluated(const struct auth_dkim_verifier *v)
{
	return v->not_evaluated;
}

const char *auth_dkim_verifier_error(const struct auth_dkim_verifier *v)
{
	return v->error;
}

size_t auth_dkim_verifier_body_hash_count(const struct auth_dkim_verifier *v)
{
	return v->body_hash_count;
}
