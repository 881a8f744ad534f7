/* fuzz_dkim_key.c: the DKIM key record parser and the public key decoder
 * (src/auth/dkim_key.c) on arbitrary bytes.
 *
 * Checks: a parsed record allows some hash and a public key is only
 * built from a non-revoked record: Ed25519 from exactly 32 bytes, RSA
 * with a size OpenSSL reports. */
#include "dkim_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_dkim_key: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_dkim_key_record key;
	struct lib_err err;
	if (auth_dkim_key_parse((const char *)data, size, &key, &err) == 0) {
		if (!key.allows_sha1 && !key.allows_sha256)
			fail("record allows no hash");
		unsigned bits;
		EVP_PKEY *pkey = auth_dkim_key_public(&key, &bits, &err);
		if (pkey) {
			if (key.p_len == 0)
				fail("revoked record gave a key");
			if (key.type == AUTH_DKIM_KEY_ED25519 && (key.p_len != 32 || bits != 256))
				fail("Ed25519 key not from 32 bytes");
			if (key.type == AUTH_DKIM_KEY_RSA && bits == 0)
				fail("RSA key without a size");
			EVP_PKEY_free(pkey);
		}
	} else if (!err.msg[0] || strchr(err.msg, '\n')) {
		fail("error message is not one line");
	}
	auth_dkim_key_record_release(&key);
	return 0;
}
