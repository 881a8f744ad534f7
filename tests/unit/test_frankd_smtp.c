/* test_frankd_smtp.c: frankd's SMTP grammar (commands, base64, SASL
 * PLAIN), the DATA reader and the header scan, as tables of input and
 * expected output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "frankd.h"

/* --- commands ------------------------------------------------------------- */

struct parse_case {
	const char *line;
	enum frankd_smtp_verb verb;
	const char *address; /* or the HELO/AUTH argument; NULL: not checked */
	const char *reply;   /* the error reply expected, NULL for success */
	size_t nparams;
};

static const struct parse_case parse_cases[] = {
	{ "EHLO client.example.org", FRANKD_SMTP_EHLO, "client.example.org", NULL, 0 },
	{ "ehlo [127.0.0.1]", FRANKD_SMTP_EHLO, "[127.0.0.1]", NULL, 0 },
	{ "HELO x extra words", FRANKD_SMTP_HELO, "x", NULL, 0 },
	{ "EHLO", FRANKD_SMTP_EHLO, NULL, "501 5.5.4 Syntax: EHLO hostname", 0 },
	{ "EHLO   ", FRANKD_SMTP_EHLO, NULL, "501 5.5.4 Syntax: EHLO hostname", 0 },
	{ "HELO bad\x01name", FRANKD_SMTP_HELO, NULL, "501 5.5.4 Invalid domain name", 0 },
	{ "MAIL FROM:<alice@alice.test>", FRANKD_SMTP_MAIL, "alice@alice.test", NULL, 0 },
	{ "mail from:<alice@alice.test>", FRANKD_SMTP_MAIL, "alice@alice.test", NULL, 0 },
	{ "MAIL FROM: <alice@alice.test>", FRANKD_SMTP_MAIL, "alice@alice.test", NULL, 0 },
	{ "MAIL FROM:<>", FRANKD_SMTP_MAIL, "", NULL, 0 },
	{ "MAIL FROM:<a@b.test> SIZE=1000 BODY=8BITMIME", FRANKD_SMTP_MAIL, "a@b.test", NULL, 2 },
	{ "MAIL FROM:<a@b.test>  SMTPUTF8 ", FRANKD_SMTP_MAIL, "a@b.test", NULL, 1 },
	{ "MAIL FROM:<@relay.test,@r2.test:a@b.test>", FRANKD_SMTP_MAIL, "a@b.test", NULL, 0 },
	{ "MAIL FROM:<\"john doe\"@b.test>", FRANKD_SMTP_MAIL, "\"john doe\"@b.test", NULL, 0 },
	{ "MAIL FROM:<\"a\\\"b\"@b.test>", FRANKD_SMTP_MAIL, "\"a\\\"b\"@b.test", NULL, 0 },
	{ "MAIL FROM:<a@[192.0.2.1]>", FRANKD_SMTP_MAIL, "a@[192.0.2.1]", NULL, 0 },
	{ "MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc.test>", FRANKD_SMTP_MAIL, "j\xc3\xb6rg@b\xc3\xbc.test",
	  NULL, 0 },
	{ "MAIL FROM:alice@alice.test", FRANKD_SMTP_MAIL, NULL,
	  "501 5.5.4 Syntax: MAIL FROM:<address>", 0 },
	{ "MAIL TO:<a@b.test>", FRANKD_SMTP_MAIL, NULL, "501 5.5.4 Syntax: MAIL FROM:<address>", 0 },
	{ "MAIL FROM:<a@b.test", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a..b@b.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax",
	  0 },
	{ "MAIL FROM:<.a@b.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a@-b.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a@b-.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a@b..test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a b@b.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<postmaster>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax", 0 },
	{ "MAIL FROM:<a@\xff.test>", FRANKD_SMTP_MAIL, NULL, "501 5.1.7 Bad sender address syntax",
	  0 },
	{ "MAIL FROM:<a@b.test>SIZE=1", FRANKD_SMTP_MAIL, NULL,
	  "501 5.5.4 Syntax error in parameters", 0 },
	{ "MAIL FROM:<a@b.test> SIZE=", FRANKD_SMTP_MAIL, NULL,
	  "501 5.5.4 Syntax error in parameters", 0 },
	{ "MAIL FROM:<a@b.test> -X", FRANKD_SMTP_MAIL, NULL, "501 5.5.4 Syntax error in parameters",
	  0 },
	{ "MAIL FROM:<a@b.test> A B C D E F G H I", FRANKD_SMTP_MAIL, NULL,
	  "501 5.5.4 Too many parameters", 0 },
	{ "RCPT TO:<bob@bob.test>", FRANKD_SMTP_RCPT, "bob@bob.test", NULL, 0 },
	{ "RCPT TO:<Postmaster>", FRANKD_SMTP_RCPT, "Postmaster", NULL, 0 },
	{ "RCPT TO:<postmaster@bob.test> NOTIFY=NEVER", FRANKD_SMTP_RCPT, "postmaster@bob.test",
	  NULL, 1 },
	{ "RCPT TO:<>", FRANKD_SMTP_RCPT, NULL, "501 5.1.3 Bad recipient address syntax", 0 },
	{ "RCPT TO:<bob>", FRANKD_SMTP_RCPT, NULL, "501 5.1.3 Bad recipient address syntax", 0 },
	{ "RCPT FROM:<bob@b.test>", FRANKD_SMTP_RCPT, NULL, "501 5.5.4 Syntax: RCPT TO:<address>",
	  0 },
	{ "DATA", FRANKD_SMTP_DATA, NULL, NULL, 0 },
	{ "data ", FRANKD_SMTP_DATA, NULL, NULL, 0 },
	{ "DATA now", FRANKD_SMTP_DATA, NULL, "501 5.5.4 Syntax: DATA", 0 },
	{ "RSET", FRANKD_SMTP_RSET, NULL, NULL, 0 },
	{ "QUIT", FRANKD_SMTP_QUIT, NULL, NULL, 0 },
	{ "NOOP", FRANKD_SMTP_NOOP, NULL, NULL, 0 },
	{ "NOOP anything at all", FRANKD_SMTP_NOOP, NULL, NULL, 0 },
	{ "HELP MAIL", FRANKD_SMTP_HELP, NULL, NULL, 0 },
	{ "VRFY bob", FRANKD_SMTP_VRFY, NULL, NULL, 0 },
	{ "VRFY", FRANKD_SMTP_VRFY, NULL, "501 5.5.4 Syntax: VRFY address", 0 },
	{ "EXPN staff", FRANKD_SMTP_EXPN, NULL, NULL, 0 },
	{ "STARTTLS", FRANKD_SMTP_STARTTLS, NULL, NULL, 0 },
	{ "STARTTLS x", FRANKD_SMTP_STARTTLS, NULL, "501 5.5.4 Syntax: STARTTLS", 0 },
	{ "AUTH PLAIN", FRANKD_SMTP_AUTH, "PLAIN", NULL, 0 },
	{ "auth login dXNlcg==", FRANKD_SMTP_AUTH, "LOGIN", NULL, 0 },
	{ "AUTH PLAIN =", FRANKD_SMTP_AUTH, "PLAIN", NULL, 0 },
	{ "AUTH", FRANKD_SMTP_AUTH, NULL, "501 5.5.4 Syntax: AUTH mechanism [initial-response]", 0 },
	{ "AUTH PLAIN a b", FRANKD_SMTP_AUTH, NULL,
	  "501 5.5.4 Syntax: AUTH mechanism [initial-response]", 0 },
	{ "AUTH PLAIN ab!c", FRANKD_SMTP_AUTH, NULL,
	  "501 5.5.4 Syntax: AUTH mechanism [initial-response]", 0 },
	{ "BDAT 100 LAST", FRANKD_SMTP_UNKNOWN, NULL, NULL, 0 },
	{ "XYZZY", FRANKD_SMTP_UNKNOWN, NULL, NULL, 0 },
	{ "", FRANKD_SMTP_UNKNOWN, NULL, NULL, 0 },
};

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];
		struct frankd_smtp_cmd cmd;
		const char *reply = NULL;
		int rc = frankd_smtp_parse(c->line, strlen(c->line), &cmd, &reply);
		if (c->reply) {
			if (rc != -1 || !reply || strcmp(reply, c->reply) != 0)
				fail_msg("%s: got rc %d reply %s, want %s", c->line, rc,
					 reply ? reply : "none", c->reply);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: refused with %s", c->line, reply);
		if (cmd.verb != c->verb)
			fail_msg("%s: verb %d, want %d", c->line, cmd.verb, c->verb);
		const char *got = cmd.verb == FRANKD_SMTP_MAIL || cmd.verb == FRANKD_SMTP_RCPT
					  ? cmd.address
					  : cmd.arg;
		if (c->address && strcmp(got, c->address) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", c->line, got, c->address);
		if (cmd.nparams != c->nparams)
			fail_msg("%s: %zu parameters, want %zu", c->line, cmd.nparams, c->nparams);
	}
}

static void parse_params_and_flags(void **state)
{
	(void)state;
	struct frankd_smtp_cmd cmd;
	const char *reply;
	const char *line = "MAIL FROM:<j\xc3\xb6rg@b.test> size=25 BODY=8BITMIME SMTPUTF8";
	assert_int_equal(frankd_smtp_parse(line, strlen(line), &cmd, &reply), 0);
	assert_true(cmd.address_utf8);
	const struct frankd_smtp_param *p = frankd_smtp_param(&cmd, "SIZE");
	assert_non_null(p);
	assert_string_equal(p->value, "25");
	assert_true(p->has_value);
	p = frankd_smtp_param(&cmd, "SMTPUTF8");
	assert_non_null(p);
	assert_false(p->has_value);
	assert_null(frankd_smtp_param(&cmd, "RET"));
	line = "AUTH PLAIN AGFsaWNlAHNlY3JldA==";
	assert_int_equal(frankd_smtp_parse(line, strlen(line), &cmd, &reply), 0);
	assert_int_equal(cmd.initial_response_len, 20);
	assert_memory_equal(cmd.initial_response, "AGFsaWNlAHNlY3JldA==", 20);
}

static void parse_limits(void **state)
{
	(void)state;
	struct frankd_smtp_cmd cmd;
	const char *reply;
	/* an address longer than FRANKD_SMTP_PATH_MAX */
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "RCPT TO:<");
	for (int i = 0; i < FRANKD_SMTP_PATH_MAX; i++)
		lib_buf_putc(&b, 'a');
	lib_buf_puts(&b, "@b.test>");
	assert_int_equal(frankd_smtp_parse(b.data, b.len, &cmd, &reply), -1);
	assert_string_equal(reply, "501 5.1.3 Address too long");
	/* a NUL byte inside the line */
	assert_int_equal(frankd_smtp_parse("NOOP a\0b", 8, &cmd, &reply), -1);
	assert_string_equal(reply, "500 5.5.2 NUL byte in command");
	/* a HELO name of 256 bytes */
	lib_buf_reset(&b);
	lib_buf_puts(&b, "EHLO ");
	for (int i = 0; i < 256; i++)
		lib_buf_putc(&b, 'h');
	assert_int_equal(frankd_smtp_parse(b.data, b.len, &cmd, &reply), -1);
	lib_buf_release(&b);
}

/* --- base64 and SASL ---------------------------------------------------------- */

static void base64_table(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out; /* out NULL: invalid */
	} cases[] = {
		{ "", "" },           { "Zg==", "f" },     { "Zm8=", "fo" },  { "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" }, { "Zg=", NULL },    { "Zg", NULL },    { "Z===", NULL },
		{ "Zm 9v", NULL },    { "Zm9v\n", NULL },  { "Z=g=", NULL },  { "!!!!", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char out[64];
		size_t n = 99;
		int rc = frankd_base64_decode(cases[i].in, strlen(cases[i].in), out, &n);
		if (!cases[i].out) {
			if (rc != -1)
				fail_msg("%s: decoded, should be invalid", cases[i].in);
			continue;
		}
		if (rc != 0 || n != strlen(cases[i].out) || memcmp(out, cases[i].out, n) != 0)
			fail_msg("%s: got %d %zu", cases[i].in, rc, n);
		char *back = frankd_base64_encode(out, n);
		assert_string_equal(back, cases[i].in);
		free(back);
	}
}

static void sasl_plain_table(void **state)
{
	(void)state;
	static char z[FRANKD_SMTP_AUTH_MAX + 1], c[FRANKD_SMTP_AUTH_MAX + 1],
		p[FRANKD_SMTP_AUTH_MAX + 1];
	static const struct {
		const char *plain; /* with | for NUL */
		const char *authzid, *authcid, *password; /* NULL: invalid */
	} cases[] = {
		{ "|alice|secret", "", "alice", "secret" },
		{ "alice|alice|secret", "alice", "alice", "secret" },
		{ "|alice|", NULL, NULL, NULL },
		{ "||secret", NULL, NULL, NULL },
		{ "alice|secret", NULL, NULL, NULL },
		{ "|a|b|c", NULL, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char raw[64];
		size_t n = strlen(cases[i].plain);
		for (size_t k = 0; k < n; k++)
			raw[k] = cases[i].plain[k] == '|' ? '\0' : cases[i].plain[k];
		char *b64 = frankd_base64_encode((unsigned char *)raw, n);
		int rc = frankd_sasl_plain_decode(b64, strlen(b64), z, c, p);
		free(b64);
		if (!cases[i].authcid) {
			if (rc != -1)
				fail_msg("case %zu: accepted", i);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(z, cases[i].authzid);
		assert_string_equal(c, cases[i].authcid);
		assert_string_equal(p, cases[i].password);
	}
	assert_int_equal(frankd_sasl_plain_decode("not base64", 10, z, c, p), -1);
}

/* --- DATA --------------------------------------------------------------------- */

struct data_case {
	const char *name;
	const char *in;
	const char *out;  /* the message */
	int done;         /* the end was found */
	size_t rest;      /* bytes left after the end */
};

static const struct data_case data_cases[] = {
	{ "plain", "Subject: x\r\n\r\nbody\r\n.\r\n", "Subject: x\r\n\r\nbody\r\n", 1, 0 },
	{ "pipelined after the end", "a\r\n.\r\nQUIT\r\n", "a\r\n", 1, 6 },
	{ "empty message", ".\r\n", "", 1, 0 },
	{ "dot-stuffing removed", "..x\r\n..\r\n.\r\n", ".x\r\n.\r\n", 1, 0 },
	{ "a dot inside a line stays", "a.b\r\n .\r\n.\r\n", "a.b\r\n .\r\n", 1, 0 },
	{ "bare LF becomes CRLF", "a\nb\n\r\n.\r\n", "a\r\nb\r\n\r\n", 1, 0 },
	{ "a lone CR is data", "a\rb\r\n.\r\n", "a\rb\r\n", 1, 0 },
	{ "CR CR LF", "a\r\r\n.\r\n", "a\r\r\n", 1, 0 },
	{ "LF . LF is data, not the end", "a\n.\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", 1, 0 },
	{ "CRLF . LF is data", "a\r\n.\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", 1, 0 },
	{ "LF . CRLF is data", "a\n.\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", 1, 0 },
	{ "after LF . CRLF the end may come", "a\n.\r\n.\r\n", "a\r\n.\r\n", 1, 0 },
	{ "stuffed dot after a bare LF", "a\n..b\r\n.\r\n", "a\r\n.b\r\n", 1, 0 },
	{ "not ended yet", "a\r\nb", "a\r\nb", 0, 0 },
	{ "not ended: dot CR", "a\r\n.\r", "a\r\n", 0, 0 },
	{ "dot CR then data", "a\r\n.\rx\r\n.\r\n", "a\r\n\rx\r\n", 1, 0 },
	{ "NUL bytes are data", "a\0b\r\n.\r\n", "a\0b\r\n", 1, 0 },
};

static void run_data_case(const struct data_case *c, size_t in_len, size_t out_len, size_t step)
{
	struct frankd_data_reader r;
	frankd_data_reader_init(&r, 0);
	struct lib_buf out = LIB_BUF_INIT;
	size_t pos = 0;
	while (pos < in_len && !r.done) {
		size_t n = in_len - pos < step ? in_len - pos : step;
		size_t used = frankd_data_reader_feed(&r, c->in + pos, n, &out);
		pos += used;
		if (used < n && !r.done)
			fail_msg("%s (step %zu): stopped early", c->name, step);
	}
	if (r.done != c->done || (c->done && in_len - pos != c->rest))
		fail_msg("%s (step %zu): done %d rest %zu", c->name, step, r.done, in_len - pos);
	if (out.len != out_len || memcmp(out.data ? out.data : "", c->out, out_len) != 0)
		fail_msg("%s (step %zu): wrong output (%zu bytes)", c->name, step, out.len);
	assert_int_equal(r.size, out_len);
	lib_buf_release(&out);
}

/* Lengths with the NUL case in mind: sizeof-1 of literals would be nicer,
 * but the table holds pointers. */
static size_t case_len(const char *s, const char *name, int out)
{
	if (strcmp(name, "NUL bytes are data") == 0)
		return out ? 5 : 8;
	return strlen(s);
}

static void data_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof data_cases / sizeof data_cases[0]; i++) {
		const struct data_case *c = &data_cases[i];
		size_t in_len = case_len(c->in, c->name, 0), out_len = case_len(c->out, c->name, 1);
		/* every piece size gives the same result */
		for (size_t step = 1; step <= in_len; step++)
			run_data_case(c, in_len, out_len, step);
	}
}

static void data_size_limit(void **state)
{
	(void)state;
	struct frankd_data_reader r;
	frankd_data_reader_init(&r, 10);
	struct lib_buf out = LIB_BUF_INIT;
	const char *in = "0123456789abcdef\r\n.\r\n";
	size_t used = frankd_data_reader_feed(&r, in, strlen(in), &out);
	assert_int_equal(used, strlen(in));
	assert_true(r.done);
	assert_true(frankd_data_reader_too_big(&r));
	assert_int_equal(out.len, 10); /* kept up to the limit, counted beyond */
	assert_int_equal(r.size, 18);
	lib_buf_release(&out);
	frankd_data_reader_init(&r, 18);
	used = frankd_data_reader_feed(&r, in, strlen(in), &out);
	assert_false(frankd_data_reader_too_big(&r));
	lib_buf_release(&out);
}

/* --- headers ------------------------------------------------------------------- */

static void header_scan_table(void **state)
{
	(void)state;
	static const struct {
		const char *msg;
		int date, mid;
		unsigned received;
	} cases[] = {
		{ "Date: x\r\nMessage-ID: <a@b>\r\n\r\nbody", 1, 1, 0 },
		{ "date: x\r\nmessage-id: <a@b>\r\n\r\n", 1, 1, 0 },
		{ "Subject: x\r\n\r\nDate: in the body\r\n", 0, 0, 0 },
		{ "Received: a\r\n\tb\r\nReceived: c\r\nDate: d\r\n\r\n", 1, 0, 2 },
		{ "Subject: x\r\n Date: folded, not a field\r\n\r\n", 0, 0, 0 },
		{ "Not a header line\r\nDate: x\r\n\r\n", 0, 0, 0 },
		{ "X-Date: x\r\nMessage-IDs: y\r\n\r\n", 0, 0, 0 },
		{ "Date : obsolete space\r\n\r\n", 1, 0, 0 },
		{ "Date: x\nMessage-ID: y\n\nbody", 1, 1, 0 },
		{ "\r\nDate: after the empty line\r\n", 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t step = 1; step <= 7; step++) {
			struct frankd_header_scan hs;
			frankd_header_scan_init(&hs);
			const char *m = cases[i].msg;
			size_t len = strlen(m);
			for (size_t pos = 0; pos < len; pos += step)
				frankd_header_scan_feed(&hs, m + pos, len - pos < step ? len - pos : step);
			if (hs.has_date != cases[i].date || hs.has_message_id != cases[i].mid ||
			    hs.received != cases[i].received)
				fail_msg("case %zu step %zu: date %d mid %d received %u", i, step,
					 hs.has_date, hs.has_message_id, hs.received);
		}
	}
}

static void added_headers_format(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	struct frankd_received r = { "client.test", "192.0.2.1", "mx.example.org", "ESMTPS",
				     "TLSv1.3 with cipher X", "0123456789ABCDEF0123", "bob@b.test",
				     86400 * 10 };
	frankd_received_format(&r, &b);
	assert_non_null(strstr(b.data, "Received: from client.test ([192.0.2.1])\r\n"));
	assert_non_null(strstr(b.data, "\t(using TLSv1.3 with cipher X)\r\n"));
	assert_non_null(strstr(b.data, "\tby mx.example.org (frankd) with ESMTPS id "
					"0123456789ABCDEF0123\r\n\tfor <bob@b.test>;\r\n\t"));
	assert_non_null(strstr(b.data, " 1970 "));
	lib_buf_reset(&b);
	frankd_message_id_format("mx.example.org", &b);
	assert_true(strncmp(b.data, "Message-ID: <", 13) == 0);
	assert_non_null(strstr(b.data, "@mx.example.org>\r\n"));
	struct lib_buf b2 = LIB_BUF_INIT;
	frankd_message_id_format("mx.example.org", &b2);
	assert_string_not_equal(b.data, b2.data);
	lib_buf_reset(&b);
	frankd_date_format(86400 * 400, &b);
	assert_true(strncmp(b.data, "Date: ", 6) == 0);
	assert_non_null(strstr(b.data, "1971"));
	lib_buf_release(&b);
	lib_buf_release(&b2);
}

static void address_list_table(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		const char *want; /* addresses joined with ' '; NULL: error */
	} cases[] = {
		{ "bob@b.test", "bob@b.test" },
		{ " Bob <bob@b.test>, carol@c.test ", "bob@b.test carol@c.test" },
		{ "\"Doe, John\" <jd@b.test>", "jd@b.test" },
		{ "bob@b.test (Bob, the builder)", "bob@b.test" },
		{ "team: a@b.test, c@d.test;, e@f.test", "a@b.test c@d.test e@f.test" },
		{ "undisclosed-recipients:;", "" },
		{ "Bob <bob@b.test", NULL },
		{ "\"unclosed <x@y.test>", NULL },
		{ "a@b.test,\r\n\tc@d.test", "a@b.test c@d.test" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char **addrs = NULL;
		size_t n = 0;
		struct lib_err err;
		int rc = frankd_address_list_parse(cases[i].value, strlen(cases[i].value), &addrs, &n,
						   &err);
		struct lib_buf got = LIB_BUF_INIT;
		lib_buf_puts(&got, "");
		for (size_t k = 0; k < n; k++) {
			lib_buf_printf(&got, "%s%s", k ? " " : "", addrs[k]);
			free(addrs[k]);
		}
		free(addrs);
		if (!cases[i].want ? rc != -1 : rc != 0 || strcmp(got.data, cases[i].want) != 0)
			fail_msg("%s: rc %d, got \"%s\"", cases[i].value, rc, got.data);
		lib_buf_release(&got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(parse_params_and_flags),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(base64_table),
		cmocka_unit_test(sasl_plain_table),
		cmocka_unit_test(data_table),
		cmocka_unit_test(data_size_limit),
		cmocka_unit_test(header_scan_table),
		cmocka_unit_test(added_headers_format),
		cmocka_unit_test(address_list_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
