/* verify_corpus.c: the signed messages of the verify benchmark, made
 * with frank's own signer, the same bytes on every run.
 *
 * Usage: verify_corpus RSA_KEY.pem COUNT SEED OUTDIR
 *
 * Writes OUTDIR/msg-NNNNN.eml: CRLF messages from alice.test with a
 * header section of the usual fields and a plain-text body of words,
 * with now and then a blank line or trailing whitespace (so relaxed
 * canonicalization has work).  Sizes are spread evenly on a log scale
 * from 1 KB to 1 MB (so most bytes are in the large messages, as in a
 * real mailbox with attachments); every 16th message is the full 1 MB.
 * Each is signed relaxed/relaxed by the RSA key (d=alice.test s=bench),
 * and every 4th also by the RFC 8463 Ed25519 key (s=ed), with a fixed
 * t=.  Prints the number of messages, signatures and bytes written. */
#include "auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNED_AT 1700000000LL

static const unsigned char rfc8463_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static const char *const words[] = {
	"the", "mail", "of", "Alice", "to", "Bob", "signed", "with", "a", "key", "that",
	"nobody", "else", "holds", "and", "verified", "once", "when", "it", "arrives", "lunch",
	"Friday", "report", "attached", "quarterly", "figures", "meeting", "agenda", "please",
	"review", "before", "Monday", "thanks", "regards", "budget", "draft", "version",
};

/* xorshift64*: the same sequence from the same seed everywhere. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void body_line(struct lib_buf *b, uint64_t *rng)
{
	uint64_t r = next(rng);
	if (r % 33 == 0) {
		lib_buf_puts(b, "\r\n");
		return;
	}
	size_t target = 20 + (size_t)(r >> 8) % 58;
	size_t start = b->len;
	while (b->len - start < target) {
		if (b->len > start)
			lib_buf_putc(b, ' ');
		lib_buf_puts(b, words[next(rng) % (sizeof words / sizeof words[0])]);
	}
	if (r % 19 == 0)
		lib_buf_puts(b, " \t ");
	lib_buf_puts(b, "\r\n");
}

static void make_message(struct lib_buf *m, size_t i, size_t size, uint64_t *rng)
{
	lib_buf_printf(m, "Return-Path: <alice@alice.test>\r\n"
			  "Received: from mail.alice.test (mail.alice.test [192.0.2.1])\r\n"
			  "\tby mx.bob.test (Postfix) with ESMTPS id B%05zu\r\n"
			  "\tfor <bob@bob.test>; Tue, 14 Nov 2023 22:13:20 +0000\r\n"
			  "From: Alice Example <alice@alice.test>\r\n"
			  "To: Bob Example <bob@bob.test>\r\n"
			  "Subject: message %zu of the benchmark\r\n"
			  "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
			  "Message-ID: <bench-%zu@alice.test>\r\n"
			  "MIME-Version: 1.0\r\n"
			  "Content-Type: text/plain; charset=utf-8\r\n"
			  "\r\n",
		       i, i, i);
	while (m->len < size)
		body_line(m, rng);
}

static int sign_into(const struct auth_dkim_signing_key *key, const char *selector,
		     struct lib_buf *m)
{
	struct auth_dkim_sign_options o = { .domain = "alice.test", .selector = selector,
					    .timestamp = SIGNED_AT };
	char *field;
	struct lib_err err;
	if (auth_dkim_sign(key, &o, m->data, m->len, &field, &err) < 0) {
		fprintf(stderr, "verify_corpus: signing: %s\n", err.msg);
		return -1;
	}
	struct lib_buf out = LIB_BUF_INIT;
	lib_buf_puts(&out, field);
	lib_buf_append(&out, m->data, m->len);
	free(field);
	lib_buf_release(m);
	*m = out;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: verify_corpus RSA_KEY.pem COUNT SEED OUTDIR\n");
		return 2;
	}
	struct lib_err err;
	struct auth_dkim_signing_key *rsa = auth_dkim_signing_key_load(argv[1], &err);
	struct auth_dkim_signing_key *ed = auth_dkim_signing_key_from_ed25519_seed(rfc8463_seed,
										   &err);
	if (!rsa || !ed) {
		fprintf(stderr, "verify_corpus: %s\n", err.msg);
		return 1;
	}
	size_t count = strtoul(argv[2], NULL, 10);
	uint64_t rng = strtoull(argv[3], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	size_t sigs = 0, bytes = 0;
	for (size_t i = 0; i < count; i++) {
		/* 1 KB * 2^e for e in [0, 10), 2^frac(e) taken as 1 + frac(e) */
		double e = 10.0 * (double)(next(&rng) >> 11) / 9007199254740992.0;
		unsigned whole = (unsigned)e;
		size_t size = (size_t)(1024.0 * (double)(1u << whole) * (1.0 + e - whole));
		if (i % 16 == 15 || size > (1u << 20))
			size = 1u << 20;
		struct lib_buf m = LIB_BUF_INIT;
		make_message(&m, i, size, &rng);
		if (sign_into(rsa, "bench", &m) < 0 || (i % 4 == 3 && sign_into(ed, "ed", &m) < 0))
			return 1;
		sigs += 1 + (i % 4 == 3);
		char path[4096];
		snprintf(path, sizeof path, "%s/msg-%05zu.eml", argv[4], i);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(m.data, 1, m.len, f) != m.len || fclose(f) != 0) {
			fprintf(stderr, "verify_corpus: cannot write %s\n", path);
			return 1;
		}
		bytes += m.len;
		lib_buf_release(&m);
	}
	printf("verify_corpus: %zu messages, %zu signatures, %zu bytes\n", count, sigs, bytes);
	auth_dkim_signing_key_free(rsa);
	auth_dkim_signing_key_free(ed);
	return 0;
}
