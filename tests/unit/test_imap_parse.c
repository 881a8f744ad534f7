/* test_imap_parse.c: the IMAP response parser as tables of bytes and what
 * they parse to (rendered as text: atoms bare, strings in [], lists in ()),
 * FETCH items, LIST, sets, literal announcements, and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void render_value(const struct imap_value *v, struct lib_buf *out)
{
	switch (v->type) {
	case IMAP_NIL: lib_buf_puts(out, "NIL"); break;
	case IMAP_ATOM: lib_buf_append(out, v->s, v->len); break;
	case IMAP_STRING:
		lib_buf_putc(out, '[');
		lib_buf_append(out, v->s, v->len);
		lib_buf_putc(out, ']');
		break;
	case IMAP_LIST:
		lib_buf_putc(out, '(');
		for (size_t i = 0; i < v->count; i++) {
			if (i)
				lib_buf_putc(out, ' ');
			render_value(&v->items[i], out);
		}
		lib_buf_putc(out, ')');
		break;
	}
}

/* "U 12 FETCH args=(...)" / "T f1 OK code=(...) text=..." / "C text=..." */
static char *render(const struct imap_response *r)
{
	struct lib_buf b = LIB_BUF_INIT;
	static const char kinds[] = { 'T', 'U', 'C' };
	lib_buf_putc(&b, kinds[r->kind]);
	if (r->kind == IMAP_KIND_TAGGED)
		lib_buf_printf(&b, " %s", r->tag);
	if (r->has_number)
		lib_buf_printf(&b, " %lu", r->number);
	if (r->kind != IMAP_KIND_CONTINUE)
		lib_buf_printf(&b, " %s", r->name);
	if (r->code.count) {
		lib_buf_puts(&b, " code=");
		render_value(&r->code, &b);
	}
	if (r->cond != IMAP_COND_NONE || r->kind == IMAP_KIND_CONTINUE)
		lib_buf_printf(&b, " text=%s", r->text);
	else {
		lib_buf_puts(&b, " args=");
		render_value(&r->args, &b);
	}
	return lib_buf_take(&b);
}

static void parse_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want; /* rendering, or "!" + a piece of the error */
	} cases[] = {
		{ "* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n",
		  "U OK code=(CAPABILITY IMAP4rev1 IDLE) text=Dovecot ready." },
		{ "f1 OK [READ-WRITE] Select completed (0.001 secs).",
		  "T f1 OK code=(READ-WRITE) text=Select completed (0.001 secs)." },
		{ "f2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
		  "T f2 NO code=(AUTHENTICATIONFAILED) text=Authentication failed." },
		{ "f3 BAD Error in IMAP command", "T f3 BAD text=Error in IMAP command" },
		{ "* BYE Server shutting down", "U BYE text=Server shutting down" },
		{ "* PREAUTH ready", "U PREAUTH text=ready" },
		{ "+ idling", "C text=idling" },
		{ "+", "C text=" },
		{ "* OK [UIDVALIDITY 1795436911] UIDs valid",
		  "U OK code=(UIDVALIDITY 1795436911) text=UIDs valid" },
		{ "* OK [PERMANENTFLAGS (\\Answered \\Seen \\*)] Flags permitted.",
		  "U OK code=(PERMANENTFLAGS (\\Answered \\Seen \\*)) text=Flags permitted." },
		{ "* OK [HIGHESTMODSEQ 51] Highest", "U OK code=(HIGHESTMODSEQ 51) text=Highest" },
		{ "f9 OK [APPENDUID 38505 3955] APPEND completed",
		  "T f9 OK code=(APPENDUID 38505 3955) text=APPEND completed" },
		{ "f9 OK [COPYUID 38505 304,319:320 3956:3958] Done",
		  "T f9 OK code=(COPYUID 38505 304,319:320 3956:3958) text=Done" },
		{ "* 172 EXISTS", "U 172 EXISTS args=()" },
		{ "* 44 EXPUNGE", "U 44 EXPUNGE args=()" },
		{ "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN",
		  "U CAPABILITY args=(IMAP4rev1 STARTTLS AUTH=PLAIN)" },
		{ "* FLAGS (\\Answered \\Flagged $Forwarded)",
		  "U FLAGS args=((\\Answered \\Flagged $Forwarded))" },
		{ "* LIST (\\HasNoChildren \\Sent) \"/\" Sent",
		  "U LIST args=((\\HasNoChildren \\Sent) [/] Sent)" },
		{ "* LIST () \"/\" \"with \\\"quote\\\" and \\\\\"",
		  "U LIST args=(() [/] [with \"quote\" and \\])" },
		{ "* LIST () NIL {6}\r\nx\r\ny z\r\n", "U LIST args=(() NIL [x\r\ny z])" },
		{ "* SEARCH 2 84 882", "U SEARCH args=(2 84 882)" },
		{ "* SEARCH", "U SEARCH args=()" },
		{ "* ESEARCH (TAG \"f5\") UID ALL 1:3,5", "U ESEARCH args=((TAG [f5]) UID ALL 1:3,5)" },
		{ "* VANISHED (EARLIER) 41,43:116,118", "U VANISHED args=((EARLIER) 41,43:116,118)" },
		{ "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)",
		  "U STATUS args=(blurdybloop (MESSAGES 231 UIDNEXT 44292))" },
		{ "* 12 FETCH (UID 5 FLAGS (\\Seen) BODY[] {5}\r\nhello)",
		  "U 12 FETCH args=((UID 5 FLAGS (\\Seen) BODY[] [hello]))" },
		{ "* 1 FETCH (BODY[HEADER.FIELDS (MESSAGE-ID)] {4}\r\nab\r\n)",
		  "U 1 FETCH args=((BODY[HEADER.FIELDS (MESSAGE-ID)] [ab\r\n]))" },
		{ "* 1 FETCH (BODY[]<0> {0}\r\n)", "U 1 FETCH args=((BODY[]<0> []))" },
		{ "* 1 FETCH (BINARY[1] ~{3}\r\n\x00\x01\x02)", "!" /* NUL ends the C string */ },
		{ "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3 1)"
		  "(\"TEXT\" \"HTML\" NIL NIL NIL \"8BIT\" 5 1) \"ALTERNATIVE\"))",
		  "U 1 FETCH args=((BODY (([TEXT] [PLAIN] ([CHARSET] [US-ASCII]) NIL NIL [7BIT] 3 1) "
		  "([TEXT] [HTML] NIL NIL NIL [8BIT] 5 1) [ALTERNATIVE])))" },
		{ "* 3 FETCH (UID 9 MODSEQ (12121))", "U 3 FETCH args=((UID 9 MODSEQ (12121)))" },
		{ "* ENABLED QRESYNC", "U ENABLED args=(QRESYNC)" },
		{ "* ID (\"name\" \"Dovecot\")", "U ID args=(([name] [Dovecot]))" },
		/* malformed */
		{ "", "!empty" },
		{ "*", "!no space after *" },
		{ "* 1 FETCH (UID 5", "!missing )" },
		{ "* 1 FETCH (UID 5 \"open", "!unterminated quoted string" },
		{ "* 1 FETCH (BODY[] {10}\r\nshort)", "!literal shorter than its count" },
		{ "* 1 FETCH (BODY[] {99999999999999999999999}\r\n)", "!literal count overflows" },
		{ "* 1 FETCH (BODY[] {5})", "!not at the end of a line" },
		{ "* 1 FETCH (BODY[HEADER", "!unterminated [" },
		{ "f1 FETCH (UID 1)", "!tagged response that is not OK" },
		{ "* LIST () \"/\" x)", "!unexpected character" },
		{ "* SEARCH 1\r\n2", "!bytes after the end" },
		{ "* 1 FETCH ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((x))))))))))))))"
		  "))))))))))))))))))))))))))))))))))))))))))))",
		  "!nested too deep" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct imap_response r;
		struct lib_err err = { { 0 } };
		int rc = imap_response_parse(cases[i].in, strlen(cases[i].in), &r, &err);
		if (cases[i].want[0] == '!') {
			if (rc == 0) {
				char *got = render(&r);
				imap_response_release(&r);
				if (strcmp(cases[i].want, "!") == 0) { /* only that it is defined */
					free(got);
					continue;
				}
				fail_msg("case %zu: parsed as %s, want an error", i, got);
			}
			if (!strstr(err.msg, cases[i].want + 1))
				fail_msg("case %zu: error \"%s\", want \"%s\"", i, err.msg, cases[i].want + 1);
			continue;
		}
		if (rc < 0)
			fail_msg("case %zu: %s", i, err.msg);
		char *got = render(&r);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, got, cases[i].want);
		free(got);
		imap_response_release(&r);
	}
}

static void literal_announcements(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int rc;
		unsigned long long n;
	} cases[] = {
		{ "* 1 FETCH (BODY[] {1234}", 1, 1234 },
		{ "* 1 FETCH (BINARY[] ~{0}", 1, 0 },
		{ "a {5+}", 1, 5 },
		{ "* 1 FETCH (BODY[] {1073741824}", 1, 1073741824ull },
		{ "* OK {not}", 0, 0 },
		{ "* OK }", 0, 0 },
		{ "{}", 0, 0 },
		{ "* OK text", 0, 0 },
		{ "x {99999999999999999999999}", -1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned long long n = 0;
		int rc = imap_line_literal(cases[i].line, strlen(cases[i].line), &n);
		if (rc != cases[i].rc || (rc == 1 && n != cases[i].n))
			fail_msg("%s: %d %llu", cases[i].line, rc, n);
	}
}

static void parse_one(const char *text, struct imap_response *r)
{
	struct lib_err err;
	if (imap_response_parse(text, strlen(text), r, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
}

static void fetch_items(void **state)
{
	(void)state;
	struct imap_response r;
	struct imap_fetch f;
	struct lib_err err;
	parse_one("* 7 FETCH (UID 42 FLAGS (\\Seen \\Flagged $Junk) INTERNALDATE "
		  "\"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 11 MODSEQ (99) BODY[] {11}\r\n"
		  "Subject: x\n)",
		  &r);
	assert_int_equal(imap_fetch_parse(&r, &f, &err), 0);
	assert_int_equal(f.seq, 7);
	assert_int_equal(f.uid, 42);
	assert_true(f.has_flags);
	assert_int_equal(f.flags, IMAP_FLAG_SEEN | IMAP_FLAG_FLAGGED);
	assert_int_equal(f.size, 11);
	assert_int_equal(f.modseq, 99);
	assert_true(f.has_body);
	assert_int_equal(f.body_len, 11);
	assert_memory_equal(f.body, "Subject: x\n", 11);
	assert_int_equal(f.idate_len, 26);
	imap_response_release(&r);

	static const char *const bad[] = {
		"* 1 FETCH (UID)",           "* 1 FETCH (UID x)",       "* 1 FETCH (UID 0)",
		"* 1 FETCH (UID 4294967296)", "* 1 FETCH (FLAGS \\Seen)", "* 1 FETCH (MODSEQ 5)",
		"* 1 FETCH (BODY[] (a))",    "* 1 FETCH UID 5",         "* FETCH (UID 5)",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse_one(bad[i], &r);
		if (imap_fetch_parse(&r, &f, &err) == 0)
			fail_msg("%s: accepted", bad[i]);
		imap_response_release(&r);
	}
}

static void list_replies(void **state)
{
	(void)state;
	struct imap_response r;
	struct imap_folder f;
	struct lib_err err;
	parse_one("* LIST (\\HasNoChildren \\Trash) \"/\" \"Deleted Items\"", &r);
	assert_int_equal(imap_list_parse(&r, &f, &err), 0);
	assert_string_equal(f.name, "Deleted Items");
	assert_int_equal(f.delim, '/');
	assert_int_equal(f.flags, IMAP_LIST_TRASH);
	free(f.name);
	imap_response_release(&r);
	parse_one("* LIST (\\Noselect) \".\" INBOX.Lists", &r);
	assert_int_equal(imap_list_parse(&r, &f, &err), 0);
	assert_int_equal(f.flags, IMAP_LIST_NOSELECT);
	assert_int_equal(f.delim, '.');
	free(f.name);
	imap_response_release(&r);
	static const char with_nul[] = "* LIST () NIL {3}\r\na\0b";
	assert_int_equal(imap_response_parse(with_nul, sizeof with_nul - 1, &r, &err), 0);
	assert_int_equal(imap_list_parse(&r, &f, &err), -1);
	assert_non_null(strstr(err.msg, "mailbox name"));
	imap_response_release(&r);
}

static void uid_sets(void **state)
{
	(void)state;
	struct imap_set set;
	struct lib_err err;
	assert_int_equal(imap_set_parse("41,43:116,118,120:*", 19, &set, &err), 0);
	assert_int_equal(set.count, 4);
	assert_true(imap_set_contains(&set, 41));
	assert_false(imap_set_contains(&set, 42));
	assert_true(imap_set_contains(&set, 100));
	assert_true(imap_set_contains(&set, 4000000000ul));
	assert_false(imap_set_contains(&set, 119));
	imap_set_release(&set);
	assert_int_equal(imap_set_parse("9:3", 3, &set, &err), 0);
	assert_true(imap_set_contains(&set, 5));
	imap_set_release(&set);
	static const char *const bad[] = { "", "0", "1,", ",1", "1:", "a", "4294967296", "1::2" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (imap_set_parse(bad[i], strlen(bad[i]), &set, &err) == 0)
			fail_msg("set \"%s\" accepted", bad[i]);

	static const unsigned long uids[] = { 1, 2, 3, 7, 9, 10, 4294967295ul };
	struct lib_buf b = LIB_BUF_INIT;
	imap_set_format(uids, 7, &b);
	assert_string_equal(b.data, "1:3,7,9:10,4294967295");
	lib_buf_release(&b);
}

static void flags_both_ways(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	imap_flags_format(IMAP_FLAG_SEEN | IMAP_FLAG_DELETED | IMAP_FLAG_DRAFT, &b);
	assert_string_equal(b.data, "\\Seen \\Deleted \\Draft");
	lib_buf_release(&b);
	struct imap_response r;
	parse_one("* FLAGS (\\seen \\ANSWERED \\Recent foo)", &r);
	assert_int_equal(imap_flags_from_list(&r.args.items[0]),
			 IMAP_FLAG_SEEN | IMAP_FLAG_ANSWERED);
	imap_response_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_cases),     cmocka_unit_test(literal_announcements),
		cmocka_unit_test(fetch_items),     cmocka_unit_test(list_replies),
		cmocka_unit_test(uid_sets),        cmocka_unit_test(flags_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
