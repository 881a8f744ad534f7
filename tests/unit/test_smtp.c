/* test_smtp.c: the pure parts of the SMTP client, as tables of input and
 * expected output: replies (multiline, enhanced status codes, malformed),
 * EHLO capabilities, the DATA encoding (dot-stuffing, line ends) and
 * envelope address checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* --- replies --------------------------------------------------------------- */

struct reply_case {
	const char *name;
	const char *in;
	int want;               /* smtp_reply_parse: 1, 0 or -1 */
	int code;
	const char *enhanced;
	size_t nlines;
	const char *text;       /* smtp_reply_text, or the error's start */
	size_t consumed;        /* 0: the whole input */
	size_t in_len;          /* 0: strlen(in) */
};

static const struct reply_case reply_cases[] = {
	{ "one line", "250 OK\r\n", 1, 250, "", 1, "250 OK", 0, 0 },
	{ "bare LF", "250 OK\n", 1, 250, "", 1, "250 OK", 0, 0 },
	{ "code alone", "250\r\n", 1, 250, "", 1, "250", 0, 0 },
	{ "greeting", "220 mail.example.org ESMTP ready\r\n", 1, 220, "", 1,
	  "220 mail.example.org ESMTP ready", 0, 0 },
	{ "multiline", "250-mail.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", 1, 250, "",
	  3, "250 mail.example.org; PIPELINING; SIZE 1000", 0, 0 },
	{ "multiline, empty middle line", "220-a\r\n220-\r\n220 b\r\n", 1, 220, "", 3, "220 a; b",
	  0, 0 },
	{ "enhanced code", "550 5.1.1 <x@example.org>: Recipient address rejected\r\n", 1, 550,
	  "5.1.1", 1, "550 5.1.1 <x@example.org>: Recipient address rejected", 0, 0 },
	{ "enhanced code on every line, shown once",
	  "550-5.7.1 Message rejected\r\n550 5.7.1 see https://example.org/x\r\n", 1, 550, "5.7.1",
	  2, "550 5.7.1 Message rejected; see https://example.org/x", 0, 0 },
	{ "enhanced code alone", "250 2.0.0\r\n", 1, 250, "2.0.0", 1, "250 2.0.0", 0, 0 },
	{ "three-digit subject and detail", "451 4.123.456 later\r\n", 1, 451, "4.123.456", 1,
	  "451 4.123.456 later", 0, 0 },
	{ "class must match the code", "250 5.1.1 odd\r\n", 1, 250, "", 1, "250 5.1.1 odd", 0, 0 },
	{ "four digits is not a detail", "550 5.1.1234 x\r\n", 1, 550, "", 1, "550 5.1.1234 x",
	  0, 0 },
	{ "a version number is not a code", "250 2.0 ok\r\n", 1, 250, "", 1, "250 2.0 ok", 0, 0 },
	{ "the first reply of two", "250 first\r\n354 go\r\n", 1, 250, "", 1, "250 first", 11, 0 },
	{ "incomplete multiline", "250-a\r\n250-b\r\n", 0, 0, "", 0, "", 0, 0 },
	{ "no line end", "250 OK", 0, 0, "", 0, "", 0, 0 },
	{ "empty", "", 0, 0, "", 0, "", 0, 0 },
	{ "codes differ", "250-a\r\n251 b\r\n", -1, 0, "", 0, "SMTP reply: code 251 after 250",
	  0, 0 },
	{ "not a code", "hello\r\n", -1, 0, "", 0, "SMTP reply: not a reply line", 0, 0 },
	{ "first digit 6", "650 x\r\n", -1, 0, "", 0, "SMTP reply: not a reply line", 0, 0 },
	{ "second digit 6", "260 x\r\n", -1, 0, "", 0, "SMTP reply: not a reply line", 0, 0 },
	{ "two digits", "25\r\n", -1, 0, "", 0, "SMTP reply: not a reply line", 0, 0 },
	{ "junk after the code", "250x\r\n", -1, 0, "", 0, "SMTP reply: no space or '-'", 0, 0 },
	{ "a NUL byte", "250 a\0b\r\n", -1, 0, "", 0, "SMTP reply: a NUL byte", 0, 9 },
};

static void reply_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof reply_cases / sizeof reply_cases[0]; i++) {
		const struct reply_case *c = &reply_cases[i];
		size_t len = c->in_len ? c->in_len : strlen(c->in);
		struct smtp_reply r = { 0 };
		struct lib_err err = { "" };
		size_t used = 0;
		int got = smtp_reply_parse(c->in, len, &r, &used, &err);
		if (got != c->want)
			fail_msg("%s: got %d, want %d (%s)", c->name, got, c->want, err.msg);
		if (got < 0) {
			if (strncmp(err.msg, c->text, strlen(c->text)) != 0)
				fail_msg("%s: error \"%s\", want \"%s...\"", c->name, err.msg, c->text);
			continue;
		}
		if (got == 1) {
			struct lib_buf text = LIB_BUF_INIT;
			smtp_reply_text(&r, &text);
			if (r.code != c->code || strcmp(r.enhanced, c->enhanced) != 0 ||
			    r.nlines != c->nlines || strcmp(text.data, c->text) != 0)
				fail_msg("%s: got %d \"%s\" %zu lines \"%s\"", c->name, r.code,
					 r.enhanced, r.nlines, text.data);
			if (used != (c->consumed ? c->consumed : len))
				fail_msg("%s: consumed %zu", c->name, used);
			lib_buf_release(&text);
		}
		smtp_reply_release(&r);
	}
}

/* Lines fed one at a time, as the client reads them. */
static void reply_feed_lines(void **state)
{
	(void)state;
	struct smtp_reply r = { 0 };
	struct lib_err err;
	assert_int_equal(smtp_reply_feed(&r, "250-one", 7, &err), 0);
	assert_int_equal(smtp_reply_feed(&r, "250-two", 7, &err), 0);
	assert_int_equal(smtp_reply_feed(&r, "250 three", 9, &err), 1);
	assert_int_equal(r.nlines, 3);
	assert_string_equal(r.lines[1], "two");
	assert_int_equal(smtp_reply_feed(&r, "250 four", 8, &err), -1);
	assert_string_equal(err.msg, "SMTP reply: a line after the last one");
	smtp_reply_release(&r);
	assert_int_equal(r.nlines, 0);
}

/* A hostile server's endless multiline reply stops at the limit. */
static void reply_line_limits(void **state)
{
	(void)state;
	struct smtp_reply r = { 0 };
	struct lib_err err;
	int rc = 0;
	size_t fed = 0;
	while (rc == 0 && fed < 10000) {
		rc = smtp_reply_feed(&r, "250-more", 8, &err);
		fed++;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(fed, SMTP_REPLY_MAX_LINES + 1);
	assert_string_equal(err.msg, "SMTP reply: more than 128 lines");
	smtp_reply_release(&r);

	size_t n = SMTP_REPLY_MAX_LINE + 10;
	char *line = malloc(n + 2);
	memset(line, 'x', n);
	memcpy(line, "250 ", 4);
	memcpy(line + n, "\r\n", 2);
	size_t used;
	assert_int_equal(smtp_reply_parse(line, n + 2, &r, &used, &err), -1);
	assert_string_equal(err.msg, "SMTP reply: a line longer than 4096 bytes");
	free(line);
}

/* What the user sees is one terminal-safe line, even from a hostile server. */
static void reply_text_is_clean(void **state)
{
	(void)state;
	const char in[] = "550-bad \x1b[31mred\r\n550 tab\there \xff end\r\n";
	struct smtp_reply r = { 0 };
	struct lib_err err;
	size_t used;
	assert_int_equal(smtp_reply_parse(in, sizeof in - 1, &r, &used, &err), 1);
	struct lib_buf text = LIB_BUF_INIT;
	smtp_reply_text(&r, &text);
	assert_string_equal(text.data, "550 bad \xEF\xBF\xBD[31mred; tab here \xEF\xBF\xBD end");
	lib_buf_release(&text);
	smtp_reply_release(&r);
}

/* --- EHLO capabilities ------------------------------------------------- */

struct caps_case {
	const char *name;
	const char *ehlo;
	unsigned ext;
	unsigned auth;
	unsigned long long size;
	const char *offered;
};

static const struct caps_case caps_cases[] = {
	{ "none", "250 mail.example.org\r\n", 0, 0, 0, "" },
	{ "a typical submission server before TLS",
	  "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n250-STARTTLS\r\n"
	  "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
	  SMTP_EXT_PIPELINING | SMTP_EXT_SIZE | SMTP_EXT_STARTTLS | SMTP_EXT_ENHANCED |
		  SMTP_EXT_8BITMIME | SMTP_EXT_SMTPUTF8,
	  0, 26214400, "" },
	{ "AUTH list", "250-x\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n", SMTP_EXT_AUTH,
	  SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN, 0, "PLAIN LOGIN CRAM-MD5" },
	{ "AUTH in lower case", "250-x\r\n250 auth login\r\n", SMTP_EXT_AUTH, SMTP_AUTH_LOGIN, 0,
	  "login" },
	{ "the old AUTH= form", "250-x\r\n250-AUTH=LOGIN\r\n250 AUTH XOAUTH2\r\n", SMTP_EXT_AUTH,
	  SMTP_AUTH_LOGIN, 0, "LOGIN XOAUTH2" },
	{ "AUTH without PLAIN or LOGIN", "250-x\r\n250 AUTH GSSAPI\r\n", SMTP_EXT_AUTH, 0, 0,
	  "GSSAPI" },
	{ "SIZE without a number", "250-x\r\n250 SIZE\r\n", SMTP_EXT_SIZE, 0, 0, "" },
	{ "SIZE 0 is no limit", "250-x\r\n250 SIZE 0\r\n", SMTP_EXT_SIZE, 0, 0, "" },
	{ "SIZE too large to count", "250-x\r\n250 SIZE 999999999999999999999999\r\n",
	  SMTP_EXT_SIZE, 0, 0, "" },
	{ "keyword in the greeting line is not a capability", "250 STARTTLS\r\n", 0, 0, 0, "" },
	{ "STARTTLS with a parameter is not STARTTLS", "250-x\r\n250 STARTTLS now\r\n", 0, 0, 0,
	  "" },
	{ "a longer keyword is not STARTTLS", "250-x\r\n250 STARTTLSX\r\n", 0, 0, 0, "" },
	{ "junk lines ignored", "250-x\r\n250--PIPELINING\r\n250 \r\n", 0, 0, 0, "" },
};

static void caps_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof caps_cases / sizeof caps_cases[0]; i++) {
		const struct caps_case *c = &caps_cases[i];
		struct smtp_reply r = { 0 };
		struct lib_err err;
		size_t used;
		if (smtp_reply_parse(c->ehlo, strlen(c->ehlo), &r, &used, &err) != 1)
			fail_msg("%s: %s", c->name, err.msg);
		struct smtp_caps caps;
		smtp_caps_parse(&r, &caps);
		if (caps.ext != c->ext || caps.auth != c->auth || caps.size_max != c->size ||
		    strcmp(caps.auth_offered, c->offered) != 0)
			fail_msg("%s: ext %#x auth %#x size %llu offered \"%s\"", c->name, caps.ext,
				 caps.auth, caps.size_max, caps.auth_offered);
		smtp_reply_release(&r);
	}
}

/* --- DATA ---------------------------------------------------------------- */

struct data_case {
	const char *name;
	const char *in;
	const char *out;
};

static const struct data_case data_cases[] = {
	{ "empty", "", ".\r\n" },
	{ "LF lines", "a\nb\n", "a\r\nb\r\n.\r\n" },
	{ "CRLF lines kept", "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
	{ "last line ended", "a\nb", "a\r\nb\r\n.\r\n" },
	{ "a dot line is doubled", "a\n.\nb\n", "a\r\n..\r\nb\r\n.\r\n" },
	{ "a dot at the very start", ".hidden\n", "..hidden\r\n.\r\n" },
	{ "dots inside a line stay", "a.b.\n", "a.b.\r\n.\r\n" },
	{ "two dots become three", "..\n", "...\r\n.\r\n" },
	{ "a dot after a CRLF", "x\r\n.y\r\n", "x\r\n..y\r\n.\r\n" },
	{ "a bare CR is a line end", "a\rb\n", "a\r\nb\r\n.\r\n" },
	{ "a dot after a bare CR", "a\r.\n", "a\r\n..\r\n.\r\n" },
	{ "CR CR LF", "a\r\r\nb", "a\r\n\r\nb\r\n.\r\n" },
	{ "the terminator inside a message", "a\r\n.\r\nMAIL FROM:<x>\r\n",
	  "a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n" },
};

static void data_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof data_cases / sizeof data_cases[0]; i++) {
		const struct data_case *c = &data_cases[i];
		struct lib_buf out = LIB_BUF_INIT;
		smtp_data_encode(c->in, strlen(c->in), &out);
		if (out.len != strlen(c->out) || memcmp(out.data, c->out, out.len) != 0)
			fail_msg("%s: got \"%s\"", c->name, out.data);
		lib_buf_release(&out);
	}
	assert_int_equal(smtp_data_is_8bit("plain\n", 6), 0);
	assert_int_equal(smtp_data_is_8bit("caf\xc3\xa9\n", 6), 1);
}

/* --- envelope addresses ------------------------------------------------ */

struct path_case {
	const char *in;
	int allow_empty;
	int want; /* 0 ok, 1 needs SMTPUTF8, -1 refused */
};

static const struct path_case path_cases[] = {
	{ "bob@example.org", 0, 0 },
	{ "", 1, 0 },
	{ "", 0, -1 },
	{ "\"john doe\"@example.org", 0, 0 },
	{ "\"a\\\"b\"@example.org", 0, 0 },
	{ "\"x@y\"@example.org", 0, 0 },
	{ "j\xc3\xb6rg@example.org", 0, 1 },
	{ "bob@b\xc3\xbc" "cher.example", 0, 1 },
	{ "john doe@example.org", 0, -1 },
	{ "bob@example.org>\r\nRCPT TO:<evil@example.org", 0, -1 },
	{ "bob@example.org\nDATA", 0, -1 },
	{ "<bob@example.org>", 0, -1 },
	{ "bob", 0, -1 },
	{ "@example.org", 0, -1 },
	{ "bob@", 0, -1 },
	{ "\"open@example.org", 0, -1 },
	{ "a\x7f@example.org", 0, -1 },
};

static void path_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof path_cases / sizeof path_cases[0]; i++) {
		const struct path_case *c = &path_cases[i];
		struct lib_err err = { "" };
		int got = smtp_path_check(c->in, c->allow_empty, &err);
		if (got != c->want)
			fail_msg("case %zu \"%s\": got %d, want %d (%s)", i, c->in, got, c->want,
				 err.msg);
		if (got < 0 && (!err.msg[0] || strchr(err.msg, '\n') || strchr(err.msg, '\r')))
			fail_msg("case %zu: the error is not one clean line: \"%s\"", i, err.msg);
	}
	char longest[300];
	memset(longest, 'a', sizeof longest);
	memcpy(longest + 250, "@x.org", 7);
	struct lib_err err;
	assert_int_equal(smtp_path_check(longest, 0, &err), -1);
	assert_non_null(strstr(err.msg, "longer than 254"));
}

static void stage_names(void **state)
{
	(void)state;
	assert_string_equal(smtp_stage_str(SMTP_STAGE_SENT), "sent");
	assert_non_null(strstr(smtp_stage_str(SMTP_STAGE_UNKNOWN), "unknown"));
	assert_non_null(strstr(smtp_stage_str(SMTP_STAGE_RCPT), "not sent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_table),
		cmocka_unit_test(reply_feed_lines),
		cmocka_unit_test(reply_line_limits),
		cmocka_unit_test(reply_text_is_clean),
		cmocka_unit_test(caps_table),
		cmocka_unit_test(data_table),
		cmocka_unit_test(path_table),
		cmocka_unit_test(stage_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
