/* test_dkim_parse.c: the pure DKIM parsers: tag=value lists, base64,
 * DKIM-Signature values, key records, and the header field splitter.
 * Tables of input -> expected output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkim_private.h"

/* ---- tag lists ------------------------------------------------------------ */

struct tag_case {
	const char *in;
	int ok;
	size_t count;
	const char *name;  /* a tag to look up */
	const char *value; /* its expected value */
	const char *error; /* part of the error message */
};

static const struct tag_case tag_cases[] = {
	{ "a=1; b=2", 1, 2, "b", "2", NULL },
	{ "a=1; b=2;", 1, 2, "a", "1", NULL },
	{ "  a = 1 ;\r\n\tb =\r\n 2 3 ; ", 1, 2, "b", "2 3", NULL },
	{ "", 1, 0, NULL, NULL, NULL },
	{ "a=", 1, 1, "a", "", NULL },
	{ "x1_y=z", 1, 1, "x1_y", "z", NULL },
	{ "A=upper; a=lower", 1, 2, "A", "upper", NULL },
	{ "a=1;; b=2", 0, 0, NULL, NULL, "tag name expected" },
	{ "a=1; a=2", 0, 0, NULL, NULL, "duplicate tag a=" },
	{ "t; p=abc", 0, 0, NULL, NULL, "missing \"=\" after tag t" },
	{ "1a=b", 0, 0, NULL, NULL, "tag name expected" },
	{ "a=b\x01", 0, 0, NULL, NULL, "invalid byte 0x01" },
	{ "a=caf\xc3\xa9", 0, 0, NULL, NULL, "invalid byte 0xc3" },
	{ "_a=b", 0, 0, NULL, NULL, "tag name expected" },
};

static void tags_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tag_cases / sizeof tag_cases[0]; i++) {
		const struct tag_case *c = &tag_cases[i];
		struct auth_dkim_tag_list list;
		struct lib_err err = { "" };
		int rc = auth_dkim_tags_parse(c->in, strlen(c->in), &list, &err);
		if (!c->ok) {
			if (rc != -1 || !strstr(err.msg, c->error))
				fail_msg("case %zu (%s): want error \"%s\", got rc %d \"%s\"", i, c->in,
					 c->error, rc, err.msg);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(list.count, c->count);
		if (c->name) {
			const struct auth_dkim_tag *t = auth_dkim_tag_find(&list, c->name);
			assert_non_null(t);
			assert_int_equal(t->value_len, strlen(c->value));
			assert_memory_equal(t->value, c->value, t->value_len);
		}
	}
}

/* The b= span covers the value and the FWS around it, not the ";". */
static void tags_b_span(void **state)
{
	(void)state;
	const char *in = "a=1; b= ab\r\n cd ; c=2";
	struct auth_dkim_tag_list list;
	assert_int_equal(auth_dkim_tags_parse(in, strlen(in), &list, NULL), 0);
	const struct auth_dkim_tag *b = auth_dkim_tag_find(&list, "b");
	assert_non_null(b);
	assert_int_equal(b->eq_end, 7);
	assert_int_equal(in[b->spec_end], ';');
	assert_int_equal(b->spec_end, 16);
}

static void tags_too_many(void **state)
{
	(void)state;
	struct lib_buf in = LIB_BUF_INIT;
	for (int i = 0; i < AUTH_DKIM_MAX_TAGS + 1; i++)
		lib_buf_printf(&in, "t%d=%d;", i, i);
	struct auth_dkim_tag_list list;
	struct lib_err err;
	assert_int_equal(auth_dkim_tags_parse(in.data, in.len, &list, &err), -1);
	assert_non_null(strstr(err.msg, "more than"));
	lib_buf_release(&in);
}

/* ---- base64 --------------------------------------------------------------- */

struct b64_case {
	const char *in;
	const char *out; /* NULL: invalid */
};

static const struct b64_case b64_cases[] = {
	{ "", "" },
	{ "Zg==", "f" },
	{ "Zm8=", "fo" },
	{ "Zm9v", "foo" },
	{ "Zm9v YmFy", "foobar" },
	{ "Zm9v\r\n\tYm\r\n Fy", "foobar" },
	{ "Zm9", NULL },
	{ "Zg=", NULL },
	{ "Zg===", NULL },
	{ "Z=g=", NULL },
	{ "Zm9v!", NULL },
	{ "Zg==Zg==", NULL },
};

static void base64_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof b64_cases / sizeof b64_cases[0]; i++) {
		const struct b64_case *c = &b64_cases[i];
		unsigned char *out;
		size_t len;
		int rc = auth_dkim_base64_decode(c->in, strlen(c->in), &out, &len);
		if (!c->out) {
			if (rc != -1)
				fail_msg("case %zu (%s): decoded, should not", i, c->in);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(len, strlen(c->out));
		assert_memory_equal(out, c->out, len);
		char *again = auth_dkim_base64_encode(out, len);
		free(out);
		free(again);
	}
	char *e = auth_dkim_base64_encode((const unsigned char *)"foob", 4);
	assert_string_equal(e, "Zm9vYg==");
	free(e);
}

/* ---- DKIM-Signature --------------------------------------------------------- */

#define BH256 "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
#define BH1 "bh=2jmj7l5rSw0yVb/vlWAYkK/YBwk=;"

struct sig_case {
	const char *in;
	const char *error; /* NULL: parses */
	const char *identity;
	enum auth_dkim_canon hc, bc;
	long long length;
};

static const struct sig_case sig_cases[] = {
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " BH256 " b=AAAA", NULL, "@example.com",
	  AUTH_DKIM_SIMPLE, AUTH_DKIM_SIMPLE, -1 },
	{ "v=1; a=ed25519-sha256; c=relaxed; d=example.com; s=sel; h=From:To; " BH256 " b=AAAA",
	  NULL, "@example.com", AUTH_DKIM_RELAXED, AUTH_DKIM_SIMPLE, -1 },
	{ "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from : to; l=120; "
	  "i=jo=40x=2Eexample.com; " BH256 " b=AAAA",
	  NULL, "jo@x.example.com", AUTH_DKIM_RELAXED, AUTH_DKIM_RELAXED, 120 },
	{ "v=1; a=rsa-sha1; d=example.com; s=sel; h=from; " BH1 " b=AAAA", NULL, "@example.com",
	  AUTH_DKIM_SIMPLE, AUTH_DKIM_SIMPLE, -1 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; q=foo/bar:dns/txt; " BH256 " b=AAAA",
	  NULL, "@example.com", AUTH_DKIM_SIMPLE, AUTH_DKIM_SIMPLE, -1 },
	{ "a=rsa-sha256; d=example.com; s=sel; h=from; " BH256 " b=AAAA", "missing v=", NULL, 0, 0, 0 },
	{ "v=0.5; a=rsa-sha256; d=example.com; s=sel; h=from; " BH256 " b=AAAA",
	  "unsupported version v=0.5", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-md5; d=example.com; s=sel; h=from; " BH256 " b=AAAA",
	  "unknown algorithm a=rsa-md5", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " BH256, "missing b=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; b=AAAA", "missing bh=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; s=sel; h=from; " BH256 " b=AAAA", "missing d=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; h=from; " BH256 " b=AAAA", "missing s=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; " BH256 " b=AAAA", "missing h=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=to:subject; " BH256 " b=AAAA",
	  "h= does not sign From", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " BH1 " b=AAAA",
	  "bh= has 20 bytes, rsa-sha256 needs 32", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; " BH256 " b=AA!A",
	  "b= is not valid base64", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; c=future; d=example.com; s=sel; h=from; " BH256 " b=AAAA",
	  "unknown canonicalization c=future", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; i=jo@example.org; " BH256 " b=AAAA",
	  "i= domain example.org is not within d=example.com", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; i=jo@badexample.com; " BH256 " b=AAAA",
	  "is not within", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; q=http; " BH256 " b=AAAA",
	  "q= does not offer dns/txt", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; t=20; x=10; " BH256 " b=AAAA",
	  "x= is before t=", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; l=-1; " BH256 " b=AAAA",
	  "l= is not a number", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=exa..mple.com; s=sel; h=from; " BH256 " b=AAAA",
	  "d= is not a domain name", NULL, 0, 0, 0 },
	{ "v=1; a=rsa-sha256; d=example.com; s=sel; h=from; i=a=4@example.com; " BH256 " b=AAAA",
	  "i= is not valid quoted-printable", NULL, 0, 0, 0 },
	{ "v=1; v=1; a=rsa-sha256", "duplicate tag v=", NULL, 0, 0, 0 },
	{ "synerr", "missing \"=\" after tag synerr", NULL, 0, 0, 0 },
};

static void sig_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof sig_cases / sizeof sig_cases[0]; i++) {
		const struct sig_case *c = &sig_cases[i];
		struct auth_dkim_sig_tags sig;
		struct lib_err err = { "" };
		int rc = auth_dkim_sig_parse(c->in, strlen(c->in), &sig, &err);
		if (c->error) {
			if (rc != -1 || !strstr(err.msg, c->error))
				fail_msg("case %zu: want error \"%s\", got rc %d \"%s\"", i, c->error, rc,
					 err.msg);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_string_equal(sig.identity, c->identity);
			assert_int_equal(sig.header_canon, c->hc);
			assert_int_equal(sig.body_canon, c->bc);
			assert_int_equal(sig.length, c->length);
			assert_string_equal(sig.domain, "example.com");
			assert_string_equal(sig.selector, "sel");
		}
		auth_dkim_sig_tags_release(&sig);
	}
}

static void sig_parse_keeps_domain_on_error(void **state)
{
	(void)state;
	const char *in = "v=2; d=example.net; s=s1; a=rsa-sha256";
	struct auth_dkim_sig_tags sig;
	struct lib_err err;
	assert_int_equal(auth_dkim_sig_parse(in, strlen(in), &sig, &err), -1);
	assert_string_equal(sig.domain, "example.net");
	assert_string_equal(sig.selector, "s1");
	auth_dkim_sig_tags_release(&sig);
}

static void sig_parse_h_list(void **state)
{
	(void)state;
	const char *in = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from : to :\r\n subject:From; "
			 BH256 " b=AAAA";
	struct auth_dkim_sig_tags sig;
	struct lib_err err;
	assert_int_equal(auth_dkim_sig_parse(in, strlen(in), &sig, &err), 0);
	assert_int_equal(sig.header_count, 4);
	assert_string_equal(sig.headers[0], "from");
	assert_string_equal(sig.headers[1], "to");
	assert_string_equal(sig.headers[2], "subject");
	assert_string_equal(sig.headers[3], "From");
	auth_dkim_sig_tags_release(&sig);
}

/* ---- key records -------------------------------------------------------------- */

#define RSA_P "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
#define RSA_PKCS1_P "MIGJAoGBALVI635dLK4cJJAH3Lx6upo3X/Lm1tQz3mezcWTA3BUBnyIsdnRf57aD5BtNmhPrYYDlWlzw3UgnKisIxktkk5+iMQMlFtAS10JB8L3YadXNJY+JBcbeSi5TgJe4WFzNgW95FWDAuSTRXSWZfA/8xjflbTLDx0euFZOM7C4T0GwLAgMBAAE="
#define ED_P "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

struct key_case {
	const char *in;
	const char *error;     /* parse error, NULL: parses */
	const char *key_error; /* auth_dkim_key_public error, NULL: a key */
	enum auth_dkim_key_type type;
	unsigned bits;
	int testing, strict, email, sha1, sha256;
};

static const struct key_case key_cases[] = {
	{ "v=DKIM1; k=rsa; p=" RSA_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 0, 0, 1, 1, 1 },
	{ "p=" RSA_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 0, 0, 1, 1, 1 },
	{ "v=DKIM1; p=" RSA_PKCS1_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 0, 0, 1, 1, 1 },
	{ "v=DKIM1; k=ed25519; p=" ED_P, NULL, NULL, AUTH_DKIM_KEY_ED25519, 256, 0, 0, 1, 1, 1 },
	{ "v=DKIM1; t=y:s; h=sha256; s=email; p=" RSA_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 1, 1,
	  1, 0, 1 },
	{ "v=DKIM1; s=email:web:fine; x1 = extra ; t = y:n:extra; h=md5:sha1; p=" RSA_P " ; ", NULL,
	  NULL, AUTH_DKIM_KEY_RSA, 1024, 1, 0, 1, 1, 0 },
	{ "v=DKIM1; g=jl*g; p=" RSA_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 0, 0, 1, 1, 1 },
	{ "v=DKIM1; s=tlsrpt; p=" RSA_P, NULL, NULL, AUTH_DKIM_KEY_RSA, 1024, 0, 0, 0, 1, 1 },
	{ "k=rsa; t=y; p=", NULL, "key revoked", AUTH_DKIM_KEY_RSA, 0, 1, 0, 1, 1, 1 },
	{ "v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=", NULL,
	  "Ed25519 key of 44 bytes", AUTH_DKIM_KEY_ED25519, 0, 0, 0, 1, 1, 1 },
	{ "v=DKIM1; k=rsa; p=" ED_P, NULL, "not an RSA public key", AUTH_DKIM_KEY_RSA, 0, 0, 0, 1, 1,
	  1 },
	{ "v=DKIM3; p=" RSA_P, "unsupported version v=DKIM3", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "k=rsa; v=DKIM1; p=" RSA_P, "v=DKIM1 is not the first tag", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DKIM1: g=*; k=rsa; p=" RSA_P, "unsupported version", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DKIM1; k=ed25519-sha256; p=" RSA_P, "unknown key type k=ed25519-sha256", NULL, 0, 0, 0,
	  0, 0, 0, 0 },
	{ "v=DKIM1; k=foobar; p=" RSA_P, "unknown key type", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DKIM1; h=bad; p=" RSA_P, "names no known hash", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "k=rsa; t; p=" RSA_P, "missing \"=\" after tag t", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "", "no p=", NULL, 0, 0, 0, 0, 0, 0, 0 },
	{ "v=DKIM1; p=AB!C", "p= is not valid base64", NULL, 0, 0, 0, 0, 0, 0, 0 },
};

static void key_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof key_cases / sizeof key_cases[0]; i++) {
		const struct key_case *c = &key_cases[i];
		struct auth_dkim_key_record key;
		struct lib_err err = { "" };
		int rc = auth_dkim_key_parse(c->in, strlen(c->in), &key, &err);
		if (c->error) {
			if (rc != -1 || !strstr(err.msg, c->error))
				fail_msg("case %zu: want error \"%s\", got rc %d \"%s\"", i, c->error, rc,
					 err.msg);
			auth_dkim_key_record_release(&key);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu: %s", i, err.msg);
		assert_int_equal(key.type, c->type);
		assert_int_equal(key.testing, c->testing);
		assert_int_equal(key.strict, c->strict);
		assert_int_equal(key.for_email, c->email);
		assert_int_equal(key.allows_sha1, c->sha1);
		assert_int_equal(key.allows_sha256, c->sha256);
		unsigned bits;
		EVP_PKEY *pkey = auth_dkim_key_public(&key, &bits, &err);
		if (c->key_error) {
			if (pkey || !strstr(err.msg, c->key_error))
				fail_msg("case %zu: want key error \"%s\", got \"%s\"", i, c->key_error,
					 err.msg);
		} else {
			if (!pkey)
				fail_msg("case %zu: %s", i, err.msg);
			assert_int_equal(bits, c->bits);
		}
		EVP_PKEY_free(pkey);
		auth_dkim_key_record_release(&key);
	}
}

/* ---- header fields ---------------------------------------------------------------- */

static void headers_split_fields(void **state)
{
	(void)state;
	const char *h = "From: a@b\r\nSubject : one\r\n two\r\n\tthree\r\nbroken line\r\nX:\r\nTo: c\n";
	struct auth_msg_headers hs;
	assert_int_equal(auth_msg_headers_split(h, strlen(h), &hs, NULL), 0);
	assert_int_equal(hs.count, 5);
	assert_int_equal(hs.fields[0].name_len, 4);
	assert_int_equal(hs.fields[1].name_len, 7);
	assert_memory_equal(hs.fields[1].raw + hs.fields[1].value_off, " one\r\n two\r\n\tthree",
			    hs.fields[1].value_end - hs.fields[1].value_off);
	assert_int_equal(hs.fields[2].name_len, 0); /* no colon: never a named field */
	assert_int_equal(hs.fields[3].value_end - hs.fields[3].value_off, 0);
	assert_int_equal(hs.fields[4].raw_len, 6);
	assert_true(auth_msg_field_is(&hs.fields[1], "SUBJECT", 7, auth_msg_name_hash("SUBJECT", 7)));
	assert_false(auth_msg_field_is(&hs.fields[0], "To", 2, auth_msg_name_hash("To", 2)));
	auth_msg_headers_release(&hs);
}

struct end_case {
	const char *msg;
	int found;
	size_t header_len, body_off;
};

static const struct end_case end_cases[] = {
	{ "A: b\r\n\r\nbody", 1, 6, 8 },
	{ "A: b\n\nbody", 1, 5, 6 },
	{ "\r\nbody", 1, 0, 2 },
	{ "A: b\r\n", 0, 6, 6 },
	{ "A: b\r\n \r\nx", 0, 10, 10 },
};

static void headers_end_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof end_cases / sizeof end_cases[0]; i++) {
		const struct end_case *c = &end_cases[i];
		size_t hl, bo;
		int rc = auth_msg_header_end(c->msg, strlen(c->msg), &hl, &bo);
		assert_int_equal(rc, c->found ? 0 : -1);
		assert_int_equal(hl, c->header_len);
		assert_int_equal(bo, c->body_off);
	}
}

static void headers_too_many_fields(void **state)
{
	(void)state;
	struct lib_buf h = LIB_BUF_INIT;
	for (int i = 0; i <= AUTH_MSG_MAX_FIELDS; i++)
		lib_buf_puts(&h, "X: y\r\n");
	struct auth_msg_headers hs;
	struct lib_err err;
	assert_int_equal(auth_msg_headers_split(h.data, h.len, &hs, &err), -1);
	assert_non_null(strstr(err.msg, "more than"));
	assert_null(hs.fields);
	lib_buf_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_parse_table),
		cmocka_unit_test(tags_b_span),
		cmocka_unit_test(tags_too_many),
		cmocka_unit_test(base64_table),
		cmocka_unit_test(sig_parse_table),
		cmocka_unit_test(sig_parse_keeps_domain_on_error),
		cmocka_unit_test(sig_parse_h_list),
		cmocka_unit_test(key_parse_table),
		cmocka_unit_test(headers_split_fields),
		cmocka_unit_test(headers_end_table),
		cmocka_unit_test(headers_too_many_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
