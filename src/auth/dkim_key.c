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

static EVP_PKEY *rsa_public(const unsigned char *der, size_t len, struct lib_err *err)
{
	/* SubjectPublicKeyInfo, as RFC 6376 3.6.1 asks... */
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (pkey && p == der + len && EVP_PKEY_base_id(pkey) == EVP_PKEY_RSA)
		return pkey;
	EVP_PKEY_free(pkey);
	/* ...or a bare RSAPublicKey (PKCS#1), which some signers publish. */
	p = der;
	pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (pkey && p == der + len)
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
