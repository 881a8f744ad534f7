/* test_message_verify_canon.c: the relaxed body canonicalization that
 * whole-message verification spends its time in (RFC 6376 3.4.4), checked
 * against a plain reference implementation on bodies made of the bytes
 * that matter (SP, TAB, CR, LF, text, controls, 8-bit), fed in pieces of
 * every size, so that the word-at-a-time scan and the byte loop agree on
 * every boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkim_private.h"

/* RFC 6376 3.4.4 as frank reads a body: a line ends with CRLF or a bare
 * LF, a bare CR is text; WSP runs become one SP, WSP at a line end goes;
 * empty lines at the end go; every line left ends in CRLF. */
static void reference(const unsigned char *in, size_t len, struct lib_buf *out)
{
	size_t kept = 0; /* out->len after the last line with text */
	size_t at = 0;
	while (at < len) {
		size_t end = at;
		while (end < len && in[end] != '\n')
			end++;
		size_t text_end = end;
		if (end < len && text_end > at && in[text_end - 1] == '\r')
			text_end--;
		int wsp = 0;
		size_t line_start = out->len;
		for (size_t i = at; i < text_end; i++) {
			if (in[i] == ' ' || in[i] == '\t') {
				wsp = 1;
				continue;
			}
			if (wsp) /* at the start of a line too: only the end loses WSP */
				lib_buf_putc(out, ' ');
			wsp = 0;
			lib_buf_putc(out, (char)in[i]);
		}
		lib_buf_puts(out, "\r\n");
		if (out->len - line_start > 2)
			kept = out->len;
		at = end < len ? end + 1 : len;
	}
	out->len = kept;
}

static void digest_of(const char *data, size_t len, unsigned char *digest)
{
	EVP_Digest(data, len, digest, NULL, EVP_sha256(), NULL);
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* A body where every kind of byte is frequent, in runs of words. */
static size_t random_body(unsigned char *buf, size_t max, uint64_t *rng)
{
	static const unsigned char alphabet[] = { ' ', ' ', ' ', '\t', '\r', '\n', '\n', 'a', 'b',
						  'c', 'd', 'e', 'f', 'g', 0x80, 0xff, 0x01, 0x7f,
						  '~', '!' };
	size_t len = next(rng) % max;
	for (size_t i = 0; i < len; i++) {
		uint64_t r = next(rng);
		/* long runs of letters too, so whole words are plain */
		buf[i] = r % 4 == 0 ? alphabet[(r >> 8) % sizeof alphabet] : (unsigned char)('h' + r % 8);
	}
	return len;
}

static void relaxed_matches_reference(void **state)
{
	(void)state;
	uint64_t rng = 42;
	unsigned char body[300];
	for (int round = 0; round < 20000; round++) {
		size_t len = random_body(body, sizeof body, &rng);
		struct lib_buf want = LIB_BUF_INIT;
		reference(body, len, &want);
		unsigned char want_digest[32];
		digest_of(want.data ? want.data : "", want.len, want_digest);
		size_t chunk = 1 + next(&rng) % 40;
		struct auth_dkim_body_hash bh;
		auth_dkim_body_hash_init(&bh, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
		for (size_t at = 0; at < len; at += chunk)
			auth_dkim_body_hash_feed(&bh, (const char *)body + at,
						 len - at < chunk ? len - at : chunk);
		auth_dkim_body_hash_finish(&bh);
		if (bh.length != want.len || memcmp(bh.digest, want_digest, 32) != 0) {
			fprintf(stderr, "round %d, chunk %zu: %llu bytes, the reference %zu:\n", round,
				chunk, (unsigned long long)bh.length, want.len);
			for (size_t i = 0; i < len; i++)
				fprintf(stderr, "%02x", body[i]);
			fprintf(stderr, "\n");
			fail();
		}
		auth_dkim_body_hash_release(&bh);
		lib_buf_release(&want);
	}
}

/* Bodies of CRLF lines, as most messages are: words, single and double
 * spaces, TABs, empty lines and lines of blanks, in the middle and at
 * the end, where the empty lines must go. */
static size_t random_lines(unsigned char *buf, size_t max, uint64_t *rng)
{
	static const char *const tokens[] = { "word", "x", " ", " ", "  ", "\t", "\r\n", "\r\n",
					      "\r\n\r\n", "\r\n \r\n", "\n", "\r" };
	size_t len = 0, want = next(rng) % max;
	while (len < want) {
		const char *t = tokens[next(rng) % (sizeof tokens / sizeof tokens[0])];
		size_t n = strlen(t);
		if (len + n > max)
			break;
		memcpy(buf + len, t, n);
		len += n;
	}
	return len;
}

static void check_body(const unsigned char *body, size_t len, size_t chunk)
{
	struct lib_buf want = LIB_BUF_INIT;
	reference(body, len, &want);
	unsigned char want_digest[32];
	digest_of(want.data ? want.data : "", want.len, want_digest);
	struct auth_dkim_body_hash bh;
	auth_dkim_body_hash_init(&bh, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_body_hash_feed(&bh, (const char *)body + at, len - at < chunk ? len - at : chunk);
	auth_dkim_body_hash_finish(&bh);
	if (bh.length != want.len || memcmp(bh.digest, want_digest, 32) != 0) {
		fprintf(stderr, "chunk %zu: %llu bytes, the reference %zu, for:\n", chunk,
			(unsigned long long)bh.length, want.len);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, "%02x", body[i]);
		fprintf(stderr, "\n");
		fail();
	}
	auth_dkim_body_hash_release(&bh);
	lib_buf_release(&want);
}

static void crlf_lines_match_reference(void **state)
{
	(void)state;
	uint64_t rng = 7;
	unsigned char body[400];
	for (int round = 0; round < 20000; round++) {
		size_t len = random_lines(body, sizeof body, &rng);
		check_body(body, len, len ? len : 1);
		check_body(body, len, 1 + next(&rng) % 40);
	}
}

/* A run of text of 2 KB or more goes to the hash at once: the short runs
 * staged before it must go first (they did not, until this test). */
static void long_runs_after_short_ones(void **state)
{
	(void)state;
	static const char *const before[] = { "short line\r\n", "short line\n",
					      "short line \r\n" };
	static unsigned char body[20000];
	for (size_t b = 0; b < 3; b++) {
		for (size_t n = 2040; n < 5000; n += 333) {
			size_t len = strlen(before[b]);
			memcpy(body, before[b], len);
			memset(body + len, 'a', n);
			len += n;
			memcpy(body + len, " end\r\nmore\r\n", 13);
			len += 13;
			check_body(body, len, len);
			check_body(body, len, 7);
		}
	}
}

/* Plain text at full speed and at every offset: a long line of words
 * cut everywhere between 1 and 64 bytes. */
static void long_lines_at_every_offset(void **state)
{
	(void)state;
	struct lib_buf text = LIB_BUF_INIT;
	for (int i = 0; i < 200; i++)
		lib_buf_puts(&text, i % 7 ? "word and words  \t " : "x\r\n\r\n \r\n");
	struct lib_buf want = LIB_BUF_INIT;
	reference((const unsigned char *)text.data, text.len, &want);
	unsigned char want_digest[32];
	digest_of(want.data, want.len, want_digest);
	for (size_t chunk = 1; chunk <= 64; chunk++) {
		struct auth_dkim_body_hash bh;
		auth_dkim_body_hash_init(&bh, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
		for (size_t at = 0; at < text.len; at += chunk)
			auth_dkim_body_hash_feed(&bh, text.data + at,
						 text.len - at < chunk ? text.len - at : chunk);
		auth_dkim_body_hash_finish(&bh);
		assert_int_equal(bh.length, want.len);
		assert_memory_equal(bh.digest, want_digest, 32);
		auth_dkim_body_hash_release(&bh);
	}
	lib_buf_release(&want);
	lib_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relaxed_matches_reference),
		cmocka_unit_test(crlf_lines_match_reference),
		cmocka_unit_test(long_runs_after_short_ones),
		cmocka_unit_test(long_lines_at_every_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
