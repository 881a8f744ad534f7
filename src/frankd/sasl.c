/* sasl.c: base64 (RFC 4648 4) and the SASL PLAIN message (RFC 4616):
 *   message = [authzid] UTF8NUL authcid UTF8NUL passwd
 * over OpenSSL's block coder, with the strictness it lacks: no blanks, the
 * padding right, nothing after it. */
#include "frankd.h"

#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>

static int is_b64(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/';
}

int frankd_base64_decode(const char *in, size_t len, unsigned char *out, size_t *out_len)
{
	if (len % 4 != 0 || len > (size_t)1 << 30)
		return -1;
	size_t pad = 0;
	while (pad < 2 && pad < len && in[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++)
		if (!is_b64((unsigned char)in[i]))
			return -1;
	if (len == 0) {
		*out_len = 0;
		out[0] = '\0';
		return 0;
	}
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	*out_len = (size_t)n - pad;
	out[*out_len] = '\0';
	return 0;
}

char *frankd_base64_encode(const unsigned char *data, size_t len)
{
	char *out = lib_xmalloc((len + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

int frankd_sasl_plain_decode(const char *b64, size_t len, char *authzid, char *authcid,
			     char *password)
{
	unsigned char buf[FRANKD_SMTP_AUTH_MAX + 1];
	size_t n = 0;
	if (len > FRANKD_SMTP_AUTH_MAX || frankd_base64_decode(b64, len, buf, &n) < 0)
		return -1;
	const char *parts[3];
	size_t lens[3], k = 0, start = 0;
	for (size_t i = 0; i <= n && k < 3; i++) {
		if (i == n || buf[i] == '\0') {
			parts[k] = (const char *)buf + start;
			lens[k++] = i - start;
			start = i + 1;
		}
	}
	int rc = -1;
	/* Exactly two NULs, a user and a password. */
	if (k == 3 && start == n + 1 && lens[1] > 0 && lens[2] > 0) {
		memcpy(authzid, parts[0], lens[0]);
		authzid[lens[0]] = '\0';
		memcpy(authcid, parts[1], lens[1]);
		authcid[lens[1]] = '\0';
		memcpy(password, parts[2], lens[2]);
		password[lens[2]] = '\0';
		rc = 0;
	}
	lib_secure_zero(buf, sizeof buf);
	return rc;
}
