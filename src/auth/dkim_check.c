/* dkim_check.c: one DKIM-shaped signature checked against its key record
 * (RFC 6376 6.1.1 to 6.1.3, RFC 8463, RFC 8301).  The DKIM verifier runs
 * one per DKIM-Signature; the ARC validator one per ARC-Message-Signature
 * and ARC-Seal, whose keys are DKIM key records (RFC 8617 4.1.2, 4.1.3). */
#include "dkim_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

void auth_dkim_check_settle(struct auth_dkim_check *c, enum auth_dkim_result result,
			    const char *fmt, ...)
{
	struct lib_buf reason = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&reason, fmt, ap);
	va_end(ap);
	free(c->pub.reason);
	c->pub.reason = lib_buf_take(&reason);
	c->pub.result = result;
	c->need_key = 0;
}

/* The public view shows the tags; its strings belong to c->tags. */
static void expose_tags(struct auth_dkim_check *c)
{
	struct auth_dkim_signature *p = &c->pub;
	const struct auth_dkim_sig_tags *t = &c->tags;
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

int auth_dkim_check_parse(struct auth_dkim_check *c, enum auth_dkim_sig_kind kind,
			  const struct auth_msg_field *field, size_t field_index)
{
	memset(c, 0, sizeof *c);
	c->pub.field_index = field_index;
	struct lib_err err;
	int rc = auth_dkim_sig_parse_kind(kind, field->raw + field->value_off,
					  field->value_end - field->value_off, &c->tags, &err);
	expose_tags(c);
	if (rc < 0) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "syntax error: %s", err.msg);
		return -1;
	}
	c->pub.key_name = lib_xasprintf("%s._domainkey.%s", c->tags.selector, c->tags.domain);
	if (strlen(c->pub.key_name) >= AUTH_DNS_NAME_MAX) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
				       "syntax error: the key name is too long");
		return -1;
	}
	c->pub.reason = lib_xstrdup("not settled yet: the key record is needed");
	return 0;
}

void auth_dkim_check_release(struct auth_dkim_check *c)
{
	auth_dkim_sig_tags_release(&c->tags);
	free(c->pub.reason);
	free(c->pub.key_name);
	free(c->pub.key_record);
	free(c->pub.key_services);
	memset(c, 0, sizeof *c);
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
void auth_dkim_check_body(struct auth_dkim_check *c, long long now)
{
	if (!c->need_key)
		return;
	const struct auth_dkim_body_hash *bh = c->body_hash;
	if (bh)
		c->pub.body_length = bh->length;
	if (c->tags.expiry >= 0 && now > c->tags.expiry) {
		char when[64];
		format_time(c->tags.expiry, when, sizeof when);
		/* RFC 6376 6.1.1: PERMFAIL; not a failed verification. */
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "signature expired at %s", when);
		return;
	}
	if (!bh)
		return;
	if (c->tags.length >= 0 && (uint64_t)c->tags.length > bh->length) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
				       "l=%lld is longer than the body (%llu bytes)", c->tags.length,
				       (unsigned long long)bh->length);
		return;
	}
	c->pub.partial = c->tags.length >= 0 && (uint64_t)c->tags.length < bh->length;
}

/* ---- the key ------------------------------------------------------------ */

static int verify_rsa(EVP_PKEY *pkey, const EVP_MD *md, const struct auth_dkim_check *c)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	int ok = ctx && EVP_PKEY_verify_init(ctx) > 0 &&
		 EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		 EVP_PKEY_CTX_set_signature_md(ctx, md) > 0 &&
		 EVP_PKEY_verify(ctx, c->tags.b, c->tags.b_len, c->header_digest,
				 c->header_digest_len) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* RFC 8463 3: Ed25519 signs the SHA-256 digest of the header data. */
static int verify_ed25519(EVP_PKEY *pkey, const struct auth_dkim_check *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) > 0 &&
		 EVP_DigestVerify(ctx, c->tags.b, c->tags.b_len, c->header_digest,
				  c->header_digest_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Checks of the key record against the signature that need no crypto. */
static int key_fits(struct auth_dkim_check *c, const struct auth_dkim_key_record *key)
{
	int ed = c->tags.algo == AUTH_DKIM_ED25519_SHA256;
	if (ed != (key->type == AUTH_DKIM_KEY_ED25519)) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key type %s does not match a=%s",
				       c->pub.key_type, c->tags.algorithm_name);
		return 0;
	}
	int sha1 = c->tags.algo == AUTH_DKIM_RSA_SHA1;
	if (sha1 ? !key->allows_sha1 : !key->allows_sha256) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key record h= does not allow %s",
				       sha1 ? "sha1" : "sha256");
		return 0;
	}
	if (!key->for_email) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key is not for email (s=%s)",
				       key->services);
		return 0;
	}
	const char *at = strrchr(c->tags.identity, '@');
	if (key->strict && strcasecmp(at + 1, c->tags.domain) != 0) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
				       "key requires the i= domain to be d= itself (t=s), i=%s",
				       c->tags.identity);
		return 0;
	}
	return 1;
}

static void settle_with_pkey(struct auth_dkim_check *c, EVP_PKEY *pkey, int legacy)
{
	int rsa = c->tags.algo != AUTH_DKIM_ED25519_SHA256;
	if (rsa && c->pub.key_bits < AUTH_DKIM_MIN_RSA_BITS) {
		c->pub.weak = 1;
		if (!legacy) {
			auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
					       "RSA key of %u bits is below the %d-bit minimum (RFC 8301)",
					       c->pub.key_bits, AUTH_DKIM_MIN_RSA_BITS);
			return;
		}
	}
	const struct auth_dkim_body_hash *bh = c->body_hash;
	if (bh && (bh->digest_len != c->tags.bh_len || memcmp(bh->digest, c->tags.bh, bh->digest_len))) {
		auth_dkim_check_settle(c, AUTH_DKIM_FAIL, "body hash mismatch");
		return;
	}
	int ok = rsa ? verify_rsa(pkey, auth_dkim_algo_md(c->tags.algo), c) : verify_ed25519(pkey, c);
	ERR_clear_error();
	if (!ok) {
		auth_dkim_check_settle(c, AUTH_DKIM_FAIL, "signature did not verify");
		return;
	}
	if (c->tags.algo == AUTH_DKIM_RSA_SHA1 && !legacy) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
				       "rsa-sha1 is not accepted (RFC 8301), though the signature verified");
		return;
	}
	if (c->pub.partial)
		auth_dkim_check_settle(c, AUTH_DKIM_PASS,
				       "pass, but only the first %lld of %llu body bytes are signed (l=)",
				       c->tags.length, c->pub.body_length);
	else
		auth_dkim_check_settle(c, AUTH_DKIM_PASS, "%s",
				       c->pub.weak ? "pass with a weak algorithm or key" : "pass");
}

static void settle_with_record(struct auth_dkim_check *c, const char *text, size_t len, int legacy)
{
	struct auth_dkim_key_record key;
	struct lib_err err;
	if (auth_dkim_key_parse(text, len, &key, &err) < 0) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key record syntax error: %s", err.msg);
		auth_dkim_key_record_release(&key);
		return;
	}
	c->pub.key_type = key.type == AUTH_DKIM_KEY_ED25519 ? "ed25519" : "rsa";
	c->pub.key_testing = key.testing;
	c->pub.key_strict = key.strict;
	c->pub.key_services = key.services ? lib_xstrdup(key.services) : NULL;
	if (key.p_len == 0) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key revoked (empty p=)");
	} else if (key_fits(c, &key)) {
		EVP_PKEY *pkey = auth_dkim_key_public(&key, &c->pub.key_bits, &err);
		if (!pkey)
			auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "bad key: %s", err.msg);
		else
			settle_with_pkey(c, pkey, legacy);
		EVP_PKEY_free(pkey);
		ERR_clear_error();
	}
	auth_dkim_key_record_release(&key);
}

static void settle_with_answer(struct auth_dkim_check *c, const struct net_dns_answer *a,
			       int legacy)
{
	switch (a->rcode) {
	case NET_DNS_TEMPFAIL:
		auth_dkim_check_settle(c, AUTH_DKIM_TEMPERROR, "DNS temporary failure for %s%s%s",
				       c->pub.key_name, a->why ? ": " : "", a->why ? a->why : "");
		return;
	case NET_DNS_NXDOMAIN:
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key not found (NXDOMAIN)");
		return;
	case NET_DNS_NODATA:
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key not found (no TXT record)");
		return;
	case NET_DNS_ANSWER:
		break;
	}
	if (a->count == 0) {
		auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR, "key not found (no TXT record)");
		return;
	}
	/* RFC 6376 3.6.2.2 leaves several records undefined: the first counts. */
	const struct net_dns_record *r = &a->records[0];
	c->pub.key_record = lib_xstrndup(r->text, r->text_len);
	settle_with_record(c, r->text, r->text_len, legacy);
}

int auth_dkim_check_try(struct auth_dkim_check *c, const struct auth_dns_cache *cache, int legacy)
{
	if (!c->need_key)
		return 1;
	const struct net_dns_answer *a = auth_dns_cache_get(cache, c->pub.key_name, NET_DNS_TXT);
	if (!a)
		return 0;
	settle_with_answer(c, a, legacy);
	return 1;
}

size_t auth_dkim_check_needs(const struct auth_dkim_check *const *checks, size_t count,
			     const struct auth_dns_cache *cache, struct auth_dns_need *needs,
			     size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		const struct auth_dkim_check *c = checks[i];
		if (!c->need_key || auth_dns_cache_get(cache, c->pub.key_name, NET_DNS_TXT))
			continue;
		int repeat = 0;
		for (size_t k = 0; k < i && !repeat; k++)
			repeat = checks[k]->need_key &&
				 strcasecmp(checks[k]->pub.key_name, c->pub.key_name) == 0;
		if (repeat)
			continue;
		if (n < max) {
			snprintf(needs[n].name, sizeof needs[n].name, "%s", c->pub.key_name);
			needs[n].type = NET_DNS_TXT;
		}
		n++;
	}
	return n;
}
