/* dkim_key.c: DKIM key records (RFC 6376 3.6.1, RFC 8463 4.2) and the
 * public keys they carry.  auth_dkim_key_parse is pure (fuzz_dkim_key).
 *
 * RFC 6376 3.6.1, over the tag-list of 3.2:
 *   key-v-tag  = %x76 [FWS] "=" [FWS] %x44.4B.49.4D.31   ; "DKIM1", first
 *   key-h-tag  = %x68 [FWS] "=" [FWS] key-h-tag-alg *( [FWS] ":" [FWS] key-h-tag-alg )
 *   key-k-tag  = %x6b [FWS] "=" [FWS] key-k-tag-type     ; "rsa" (default) / "ed25519"
 *   key-n-tag  = %x6e [FWS] "=" [FWS] qp-section         ; notes, ignored
 *   key-p-tag  = %x70 [FWS] "=" [ [FWS] base64string ]   ; empty: revoked
 *   key-s-tag  = %x73 [FWS] "=" [FWS] key-s-tag-type *( [FWS] ":" [FWS] key-s-tag-type )
 *   key-t-tag  = %x74 [FWS] "=" [FWS] key-t-tag-flag *( [FWS] ":" [FWS] key-t-tag-flag )
 *   key-t-tag-flag = "y" / "s" / x-key-t-tag-flag         ; unknown flags ignored
 * The g= tag of RFC 4871 was removed by RFC 6376 and is ignored. */
#include "dkim_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rsa.h>
#include <openssl/x509.h>

/* Calls fn for each FWS-trimmed item of a colon-separated tag value. */
static void each_item(const struct auth_dkim_tag *t, void (*fn)(const char *, size_t, void *),
		      void *arg)
{
	size_t i = 0;
	while (i <= t->value_len) {
		size_t a = i;
		while (i < t->value_len && t->value[i] != ':')
			i++;
		size_t b = i;
		while (a < b && (t->value[a] == ' ' || t->value[a] == '\t' || t->value[a] == '\r' ||
				 t->value[a] == '\n'))
			a++;
		while (b > a && (t->value[b - 1] == ' ' || t->value[b - 1] == '\t' ||
				 t->value[b - 1] == '\r' || t->value[b - 1] == '\n'))
			b--;
		fn(t->value + a, b - a, arg);
		i++;
	}
}

static int word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static void hash_item(const char *s, size_t len, void *arg)
{
	struct auth_dkim_key_record *key = arg;
	if (word_is(s, len, "sha1"))
		key->allows_sha1 = 1;
	else if (word_is(s, len, "sha256"))
		key->allows_sha256 = 1;
}

static void service_item(const char *s, size_t len, void *arg)
{
	struct auth_dkim_key_record *key = arg;
	if (word_is(s, len, "*") || word_is(s, len, "email"))
		key->for_email = 1;
}

static void flag_item(const char *s, size_t len, void *arg)
{
	struct auth_dkim_key_record *key = arg;
	if (len == 1 && s[0] == 'y')
		key->testing = 1;
	else if (len == 1 && s[0] == 's')
		key->strict = 1;
}

static int parse_key_type(const struct auth_dkim_tag *t, struct auth_dkim_key_record *key,
			  struct lib_err *err)
{
	if (word_is(t->value, t->value_len, "rsa"))
		key->type = AUTH_DKIM_KEY_RSA;
	else if (word_is(t->value, t->value_len, "ed25519"))
		key->type = AUTH_DKIM_KEY_ED25519;
	else
		return lib_err_set(err, "unknown key type k=%s",
				   auth_dkim_printable(t->value, t->value_len, (char[64]){ 0 }, 64));
	return 0;
}

static int parse_key_tags(const struct auth_dkim_tag_list *tags,
			  struct auth_dkim_key_record *key, struct lib_err *err)
{
	const struct auth_dkim_tag *t = auth_dkim_tag_find(tags, "v");
	char shown[64];
	if (t && (t != &tags->tags[0] || !word_is(t->value, t->value_len, "DKIM1")))
		return lib_err_set(err, t == &tags->tags[0] ? "unsupported version v=%s"
							    : "v=%s is not the first tag",
				   auth_dkim_printable(t->value, t->value_len, shown, sizeof shown));
	if ((t = auth_dkim_tag_find(tags, "k")) && parse_key_type(t, key, err) < 0)
		return -1;
	if ((t = auth_dkim_tag_find(tags, "h"))) {
		each_item(t, hash_item, key);
		if (!key->allows_sha1 && !key->allows_sha256)
			return lib_err_set(err, "h=%s names no known hash",
					   auth_dkim_printable(t->value, t->value_len, shown, sizeof shown));
	} else {
		key->allows_sha1 = key->allows_sha256 = 1;
	}
	if ((t = auth_dkim_tag_find(tags, "s"))) {
		key->services = lib_xstrdup(
			auth_dkim_printable(t->value, t->value_len, shown, sizeof shown));
		each_item(t, service_item, key);
	} else {
		key->for_email = 1;
	}
	if ((t = auth_dkim_tag_find(tags, "t")))
		each_item(t, flag_item, key);
	t = auth_dkim_tag_find(tags, "p");
	if (!t)
		return lib_err_set(err, "no p= in the key record");
	if (t->value_len == 0)
		return 0; /* revoked: the caller tells */
	if (auth_dkim_base64_decode(t->value, t->value_len, &key->p, &key->p_len) < 0 ||
	    key->p_len == 0)
		return lib_err_set(err, "p= is not valid base64");
	return 0;
}

int auth_dkim_key_parse(const char *text, size_t len, struct auth_dkim_key_record *key,
			struct lib_err *err)
{
	memset(key, 0, sizeof *key);
	key->type = AUTH_DKIM_KEY_RSA;
	struct auth_dkim_tag_list *tags = lib_xmalloc(sizeof *tags);
	int rc = auth_dkim_tags_parse(text, len, tags, err);
	if (rc == 0)
		rc = parse_key_tags(tags, key, err);
	free(tags);
	return rc;
}

void auth_dkim_key_record_release(struct auth_dkim_key_record *key)
{
	free(key->services);
	free(key->p);
	memset(key, 0, sizeof *key);
}

/* One DER tag-length at der[*at] (X.690 8.1: definite lengths, long form
 * of at most 3 octets): the content's offset and length, or -1. */
static int der_item(const unsigned char *der, size_t len, size_t *at, unsigned char tag,
		    size_t *content, size_t *content_len)
{
	size_t i = *at;
	if (i + 2 > len || der[i] != tag)
		return -1;
	size_t n = der[i + 1];
	i += 2;
	if (n & 0x80) {
		size_t octets = n & 0x7f;
		if (octets == 0 || octets > 3 || i + octets > len)
			return -1;
		n = 0;
		for (size_t k = 0; k < octets; k++)
			n = n << 8 | der[i++];
	}
	if (n > len - i)
		return -1;
	*content = i;
	*content_len = n;
	*at = i + n;
	return 0;
}

/* The RSAPublicKey (PKCS#1) inside an RSA SubjectPublicKeyInfo (RFC 5280
 * 4.1, RFC 3279 2.3.1):
 *   SEQUENCE { SEQUENCE { OID rsaEncryption, NULL (or absent) },
 *              BIT STRING { 0 unused bits, RSAPublicKey } }
 * Read here because OpenSSL 3's d2i_PUBKEY goes through its decoder
 * framework at some 85 us a key, a hundred times the cost of
 * d2i_PublicKey on the PKCS#1 form (the verify benchmark's largest cost
 * after hashing).  Returns 0 with the span, or -1 for anything else. */
static int spki_rsa_key(const unsigned char *der, size_t len, const unsigned char **pkcs1,
			size_t *pkcs1_len)
{
	static const unsigned char rsa_oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
						 0x0d, 0x01, 0x01, 0x01 };
	size_t at = 0, seq, seq_len, alg, alg_len, bits, bits_len;
	if (der_item(der, len, &at, 0x30, &seq, &seq_len) < 0 || at != len)
		return -1;
	at = seq;
	if (der_item(der, len, &at, 0x30, &alg, &alg_len) < 0 || alg_len < sizeof rsa_oid ||
	    memcmp(der + alg, rsa_oid, sizeof rsa_oid) != 0)
		return -1;
	size_t params = alg_len - sizeof rsa_oid;
	if (params != 0 && (params != 2 || der[alg + sizeof rsa_oid] != 0x05 ||
			    der[alg + sizeof rsa_oid + 1] != 0x00))
		return -1;
	if (der_item(der, len, &at, 0x03, &bits, &bits_len) < 0 || at != seq + seq_len ||
	    bits_len < 2 || der[bits] != 0)
		return -1;
	*pkcs1 = der + bits + 1;
	*pkcs1_len = bits_len - 1;
	return 0;
}

static EVP_PKEY *rsa_public(const unsigned char *der, size_t len, struct lib_err *err)
{
	/* SubjectPublicKeyInfo, as RFC 6376 3.6.1 asks, or a bare
	 * RSAPublicKey (PKCS#1), which some signers publish. */
	const unsigned char *pkcs1 = der;
	size_t pkcs1_len = len;
	if (spki_rsa_key(der, len, &pkcs1, &pkcs1_len) < 0) {
		pkcs1 = der;
		pkcs1_len = len;
	}
	const unsigned char *p = pkcs1;
	EVP_PKEY *pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)pkcs1_len);
	if (pkey && p == pkcs1 + pkcs1_len)
		return pkey;
	EVP_PKEY_free(pkey);
	lib_err_set(err, "p= is not an RSA public key");
	return NULL;
}

EVP_PKEY *auth_dkim_key_public(const struct auth_dkim_key_record *key, unsigned *bits,
			       struct lib_err *err)
{
	*bits = 0;
	if (key->p_len == 0) {
		lib_err_set(err, "key revoked");
		return NULL;
	}
	if (key->type == AUTH_DKIM_KEY_ED25519) {
		if (key->p_len != 32) {
			lib_err_set(err, "Ed25519 key of %zu bytes, RFC 8463 wants the raw 32",
				    key->p_len);
			return NULL;
		}
		EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key->p, 32);
		if (!pkey)
			lib_err_set(err, "p= is not an Ed25519 public key");
		*bits = 256;
		return pkey;
	}
	if (key->p_len > 16384) {
		lib_err_set(err, "RSA key record of %zu bytes is too large", key->p_len);
		return NULL;
	}
	EVP_PKEY *pkey = rsa_public(key->p, key->p_len, err);
	if (pkey)
		*bits = (unsigned)EVP_PKEY_get_bits(pkey);
	return pkey;
}
