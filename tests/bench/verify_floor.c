/* verify_floor.c: the raw cost of verifying messages, the floor frank
 * verify is measured against: each file read in 64 KB pieces and its
 * bytes hashed once with OpenSSL's SHA-256, plus one signature check per
 * DKIM-Signature field (RSA PKCS#1 v1.5 with SHA-256 by the benchmark's
 * RSA key, or Ed25519 by the RFC 8463 key, as the field's a= says).  No
 * parsing, no canonicalization, no DNS: what no verifier can avoid.
 *
 * Usage: verify_floor RSA_KEY.pem FILE...
 * Prints "verify_floor: N messages, S signatures, B bytes in T s". */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const unsigned char rfc8463_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

/* A key and a signature it made over a fixed digest, to check again and
 * again. */
struct check {
	EVP_PKEY *key;
	int ed;
	unsigned char digest[32];
	unsigned char sig[1024];
	size_t sig_len;
};

static int check_setup(struct check *c, EVP_PKEY *key, int ed)
{
	c->key = key;
	c->ed = ed;
	memset(c->digest, 0x5a, sizeof c->digest);
	c->sig_len = sizeof c->sig;
	int ok;
	if (ed) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) > 0 &&
		     EVP_DigestSign(ctx, c->sig, &c->sig_len, c->digest, sizeof c->digest) > 0;
		EVP_MD_CTX_free(ctx);
	} else {
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
		ok = EVP_PKEY_sign_init(ctx) > 0 &&
		     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		     EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0 &&
		     EVP_PKEY_sign(ctx, c->sig, &c->sig_len, c->digest, sizeof c->digest) > 0;
		EVP_PKEY_CTX_free(ctx);
	}
	return ok ? 0 : -1;
}

/* One verification, as a verifier does it per signature. */
static int check_run(const struct check *c)
{
	int ok;
	if (c->ed) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, c->key) > 0 &&
		     EVP_DigestVerify(ctx, c->sig, c->sig_len, c->digest, sizeof c->digest) == 1;
		EVP_MD_CTX_free(ctx);
	} else {
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(c->key, NULL);
		ok = EVP_PKEY_verify_init(ctx) > 0 &&
		     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		     EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0 &&
		     EVP_PKEY_verify(ctx, c->sig, c->sig_len, c->digest, sizeof c->digest) == 1;
		EVP_PKEY_CTX_free(ctx);
	}
	return ok;
}

static int contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

/* The DKIM-Signature fields at the top of the first piece of a message:
 * how many, and how many of them are Ed25519. */
static void count_signatures(const char *p, size_t len, size_t *rsa, size_t *ed)
{
	const char *end = p + len;
	for (const char *line = p; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n == 0 || (n == 1 && line[0] == '\r'))
			return;
		if (n >= 15 && strncasecmp(line, "DKIM-Signature:", 15) == 0) {
			(*(contains(line, n, "a=ed25519") ? ed : rsa))++;
		}
		if (!nl)
			return;
		line = nl + 1;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: verify_floor RSA_KEY.pem FILE...\n");
		return 2;
	}
	FILE *kf = fopen(argv[1], "r");
	EVP_PKEY *rsa_key = kf ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;
	if (kf)
		fclose(kf);
	EVP_PKEY *ed_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, rfc8463_seed, 32);
	struct check rsa, ed;
	if (!rsa_key || !ed_key || check_setup(&rsa, rsa_key, 0) < 0 || check_setup(&ed, ed_key, 1) < 0) {
		fprintf(stderr, "verify_floor: cannot set up the keys from %s\n", argv[1]);
		return 1;
	}
	static char chunk[1 << 16];
	size_t messages = 0, sigs = 0, bytes = 0;
	double t0 = now();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		size_t n, n_rsa = 0, n_ed = 0;
		int first = 1;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
			if (first)
				count_signatures(chunk, n, &n_rsa, &n_ed);
			first = 0;
			EVP_DigestUpdate(md, chunk, n);
			bytes += n;
		}
		fclose(f);
		unsigned char digest[EVP_MAX_MD_SIZE];
		unsigned dlen;
		EVP_DigestFinal_ex(md, digest, &dlen);
		for (size_t k = 0; k < n_rsa; k++)
			if (!check_run(&rsa))
				return 1;
		for (size_t k = 0; k < n_ed; k++)
			if (!check_run(&ed))
				return 1;
		sigs += n_rsa + n_ed;
		messages++;
	}
	double t = now() - t0;
	EVP_MD_CTX_free(md);
	printf("verify_floor: %zu messages, %zu signatures, %zu bytes in %.3f s\n", messages, sigs,
	       bytes, t);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ed_key);
	return 0;
}
