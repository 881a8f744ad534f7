/* test_frankd_pop3d.c: frankd's POP3 command parser and the multi-line
 * body (CRLF, dot-stuffing, TOP), as tables of input and expected output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "frankd.h"

struct parse_case {
	const char *line;
	enum frankd_pop3_verb verb;
	const char *arg;          /* USER, PASS; NULL: not checked */
	int has_number;
	unsigned long number, lines;
	const char *error;        /* NULL: parses */
};

static const struct parse_case parse_cases[] = {
	{ "USER bob", FRANKD_POP3_USER, "bob", 0, 0, 0, NULL },
	{ "user bob@alice.test", FRANKD_POP3_USER, "bob@alice.test", 0, 0, 0, NULL },
	{ "USER", FRANKD_POP3_USER, NULL, 0, 0, 0, "-ERR Syntax: USER name" },
	{ "USER a b", FRANKD_POP3_USER, NULL, 0, 0, 0, "-ERR Syntax: USER name" },
	{ "PASS secret words here", FRANKD_POP3_PASS, "secret words here", 0, 0, 0, NULL },
	{ "PASS  lead", FRANKD_POP3_PASS, " lead", 0, 0, 0, NULL },
	{ "PASS", FRANKD_POP3_PASS, NULL, 0, 0, 0, "-ERR Syntax: PASS password" },
	{ "PASS ", FRANKD_POP3_PASS, NULL, 0, 0, 0, "-ERR Syntax: PASS password" },
	{ "STAT", FRANKD_POP3_STAT, NULL, 0, 0, 0, NULL },
	{ "stat x", FRANKD_POP3_STAT, NULL, 0, 0, 0, "-ERR Syntax: no arguments" },
	{ "LIST", FRANKD_POP3_LIST, NULL, 0, 0, 0, NULL },
	{ "LIST 3", FRANKD_POP3_LIST, NULL, 1, 3, 0, NULL },
	{ "LIST 0", FRANKD_POP3_LIST, NULL, 0, 0, 0, "-ERR Syntax: a message number, or none" },
	{ "LIST -1", FRANKD_POP3_LIST, NULL, 0, 0, 0, "-ERR Syntax: a message number, or none" },
	{ "LIST 1 2", FRANKD_POP3_LIST, NULL, 0, 0, 0, "-ERR Syntax: a message number, or none" },
	{ "LIST 9999999999", FRANKD_POP3_LIST, NULL, 0, 0, 0,
	  "-ERR Syntax: a message number, or none" },
	{ "UIDL 999999999", FRANKD_POP3_UIDL, NULL, 1, 999999999, 0, NULL },
	{ "RETR 12", FRANKD_POP3_RETR, NULL, 1, 12, 0, NULL },
	{ "RETR", FRANKD_POP3_RETR, NULL, 0, 0, 0, "-ERR Syntax: a message number" },
	{ "RETR +1", FRANKD_POP3_RETR, NULL, 0, 0, 0, "-ERR Syntax: a message number" },
	{ "RETR 1x", FRANKD_POP3_RETR, NULL, 0, 0, 0, "-ERR Syntax: a message number" },
	{ "DELE 7", FRANKD_POP3_DELE, NULL, 1, 7, 0, NULL },
	{ "TOP 2 0", FRANKD_POP3_TOP, NULL, 1, 2, 0, NULL },
	{ "TOP 2 10", FRANKD_POP3_TOP, NULL, 1, 2, 10, NULL },
	{ "TOP 2", FRANKD_POP3_TOP, NULL, 0, 0, 0, "-ERR Syntax: TOP message lines" },
	{ "TOP 0 1", FRANKD_POP3_TOP, NULL, 0, 0, 0, "-ERR Syntax: TOP message lines" },
	{ "RSET", FRANKD_POP3_RSET, NULL, 0, 0, 0, NULL },
	{ "NOOP", FRANKD_POP3_NOOP, NULL, 0, 0, 0, NULL },
	{ "QUIT", FRANKD_POP3_QUIT, NULL, 0, 0, 0, NULL },
	{ "Capa", FRANKD_POP3_CAPA, NULL, 0, 0, 0, NULL },
	{ "STLS", FRANKD_POP3_STLS, NULL, 0, 0, 0, NULL },
	{ "APOP bob 0123", FRANKD_POP3_UNKNOWN, NULL, 0, 0, 0, "-ERR Unknown command" },
	{ "", FRANKD_POP3_UNKNOWN, NULL, 0, 0, 0, "-ERR Unknown command" },
	{ "QUITX", FRANKD_POP3_UNKNOWN, NULL, 0, 0, 0, "-ERR Unknown command" },
	{ "USER b\tob", FRANKD_POP3_UNKNOWN, NULL, 0, 0, 0, "-ERR Control character in the command" },
	{ "NOOP\x1b[2J", FRANKD_POP3_UNKNOWN, NULL, 0, 0, 0,
	  "-ERR Control character in the command" },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];
		struct frankd_pop3_cmd cmd;
		const char *error = NULL;
		int rc = frankd_pop3_parse(c->line, strlen(c->line), &cmd, &error);
		if (c->error) {
			assert_int_equal(rc, -1);
			assert_string_equal(error, c->error);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(cmd.verb, c->verb);
		if (c->arg)
			assert_string_equal(cmd.arg, c->arg);
		assert_int_equal(cmd.has_number, c->has_number);
		assert_int_equal(cmd.number, c->number);
		assert_int_equal(cmd.lines, c->lines);
	}
}

static void test_parse_nul_and_length(void **state)
{
	(void)state;
	struct frankd_pop3_cmd cmd;
	const char *error;
	assert_int_equal(frankd_pop3_parse("NOOP\0x", 6, &cmd, &error), -1);
	assert_string_equal(error, "-ERR Control character in the command");
	char line[300];
	memset(line, 'a', sizeof line);
	memcpy(line, "USER ", 5);
	assert_int_equal(frankd_pop3_parse(line, 253, &cmd, &error), 0);
	assert_int_equal(strlen(cmd.arg), 248);
	assert_int_equal(frankd_pop3_parse(line, 254, &cmd, &error), -1);
	assert_string_equal(error, "-ERR Line too long");
	assert_string_equal(frankd_pop3_verb_str(FRANKD_POP3_TOP), "TOP");
}

struct body_case {
	const char *text;
	long lines;         /* -1: all (RETR) */
	const char *out;
	size_t crlf_size;   /* of text */
};

static const struct body_case body_cases[] = {
	{ "A: b\n\nbody\n", -1, "A: b\r\n\r\nbody\r\n", 14 },
	{ "A: b\r\n\r\nbody\r\n", -1, "A: b\r\n\r\nbody\r\n", 14 },
	{ "A: b\n\n.dot\n..two\n.\n", -1, "A: b\r\n\r\n..dot\r\n...two\r\n..\r\n", 24 },
	{ "A: b\n\nno end", -1, "A: b\r\n\r\nno end\r\n", 16 },
	{ "", -1, "", 0 },
	{ "A: b\nC: d\n\n1\n2\n3\n", 0, "A: b\r\nC: d\r\n\r\n", 23 },
	{ "A: b\nC: d\n\n1\n2\n3\n", 2, "A: b\r\nC: d\r\n\r\n1\r\n2\r\n", 23 },
	{ "A: b\n\n1\n", 50, "A: b\r\n\r\n1\r\n", 11 },
	{ "A: b\n\n.1\n", 1, "A: b\r\n\r\n..1\r\n", 12 },
	{ "A: b\rc\n\nx\n", -1, "A: b\rc\r\n\r\nx\r\n", 13 },
};

static void test_body_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++) {
		const struct body_case *c = &body_cases[i];
		struct lib_buf out = LIB_BUF_INIT;
		unsigned long lines = (unsigned long)c->lines;
		size_t n = frankd_pop3_body(c->text, strlen(c->text), c->lines < 0 ? NULL : &lines,
					    &out);
		assert_int_equal(n, strlen(c->out));
		assert_memory_equal(out.data ? out.data : "", c->out, n);
		assert_int_equal(frankd_crlf_size(c->text, strlen(c->text)), c->crlf_size);
		lib_buf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_nul_and_length),
		cmocka_unit_test(test_body_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
