/* test_frankd_imapd_body.c: FETCH's MIME structure and envelope
 * (imapd_body.c, imapd_envelope.c) as tables: message text -> BODY,
 * BODYSTRUCTURE, the bytes of BODY[n...], and header section -> ENVELOPE.
 * The expected answers are Dovecot 2.3's for the same messages (see
 * tests/integration/frankd_imap_fetch.sh for the live comparison). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static const char single[] = "From: a@b.test\r\nContent-Type: text/plain; charset=utf-8\r\n"
			     "\r\nline one\r\nline two\r\n";

static const char mixed[] =
	"Content-Type: multipart/mixed; boundary=X\r\n\r\npreamble\r\n--X\r\n\r\ntext\r\n"
	"--X\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: "
	"attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\n"
	"--X--\r\nepilogue\r\n";

static const char nested[] =
	"Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n"
	"\r\nSubject: in\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n\r\n"
	"plain\r\n--i\r\nContent-Type: text/html\r\n\r\n<p>\r\n--i--\r\n--o--\r\n";

static void test_structure_table(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int ext;
		const char *want;
	} cases[] = {
		{ single, 0, "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 20 2)" },
		{ single, 1,
		  "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 20 2 NIL NIL NIL NIL)" },
		{ "", 0, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)" },
		{ "no header at all", 0,
		  "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)" },
		{ mixed, 1,
		  "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 4 0 NIL NIL NIL NIL)"
		  "(\"application\" \"pdf\" (\"name\" \"a.pdf\") NIL NIL \"base64\" 4 NIL "
		  "(\"attachment\" (\"filename\" \"a.pdf\")) NIL NIL) \"mixed\" (\"boundary\" \"X\") "
		  "NIL NIL NIL)" },
		{ nested, 0,
		  "((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 122 (NIL \"in\" NIL NIL NIL NIL NIL "
		  "NIL NIL NIL) ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 0)"
		  "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0) \"alternative\") "
		  "11) \"mixed\")" },
		/* a multipart without its boundary: one part, the body as text */
		{ "Content-Type: multipart/mixed; boundary=Q\r\n\r\nnone\r\n", 0,
		  "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1) \"mixed\")" },
		/* no close delimiter: the last part runs to the end */
		{ "Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\n\r\nopen", 0,
		  "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 4 0) \"mixed\")" },
		{ "Content-Type: text/plain\r\nContent-Language: en, fr\r\n\r\nx", 1,
		  "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0 NIL NIL "
		  "(\"en\" \"fr\") NIL)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_body *b = frankd_imap_body_parse(cases[i].text, strlen(cases[i].text));
		struct lib_buf out = LIB_BUF_INIT;
		frankd_imap_body_format(b, cases[i].ext, &out);
		if (strcmp(out.data, cases[i].want) != 0)
			printf("# case %zu: %s\n", i, out.data);
		assert_string_equal(out.data, cases[i].want);
		lib_buf_release(&out);
		frankd_imap_body_free(b);
	}
	frankd_imap_body_free(NULL);
}

static void test_section_table(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint32_t part[4];
		size_t nparts;
		enum frankd_imap_section_kind kind;
		const char *want; /* NULL: no such part */
	} cases[] = {
		{ single, { 1 }, 1, FRANKD_SECTION_ALL, "line one\r\nline two\r\n" },
		{ single, { 2 }, 1, FRANKD_SECTION_ALL, NULL },
		{ single, { 1, 1 }, 2, FRANKD_SECTION_ALL, "line one\r\nline two\r\n" },
		{ single, { 1 }, 1, FRANKD_SECTION_TEXT, NULL }, /* not a message/rfc822 */
		{ mixed, { 1 }, 1, FRANKD_SECTION_ALL, "text" },
		{ mixed, { 1 }, 1, FRANKD_SECTION_MIME, "\r\n" },
		{ mixed, { 2 }, 1, FRANKD_SECTION_ALL, "QUJD" },
		{ mixed, { 3 }, 1, FRANKD_SECTION_ALL, NULL },
		{ mixed, { 2 }, 1, FRANKD_SECTION_MIME,
		  "Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: "
		  "attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" },
		{ nested, { 1 }, 1, FRANKD_SECTION_HEADER,
		  "Subject: in\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n" },
		{ nested, { 1, 1 }, 2, FRANKD_SECTION_ALL, "plain" },
		{ nested, { 1, 2 }, 2, FRANKD_SECTION_ALL, "<p>" },
		{ nested, { 1, 2 }, 2, FRANKD_SECTION_MIME, "Content-Type: text/html\r\n\r\n" },
		{ nested, { 1, 3 }, 2, FRANKD_SECTION_ALL, NULL },
		{ nested, { 1 }, 1, FRANKD_SECTION_TEXT,
		  "--i\r\n\r\nplain\r\n--i\r\nContent-Type: text/html\r\n\r\n<p>\r\n--i--\r\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_body *b = frankd_imap_body_parse(cases[i].text, strlen(cases[i].text));
		struct frankd_imap_section sec;
		memset(&sec, 0, sizeof sec);
		memcpy(sec.part, cases[i].part, sizeof cases[i].part);
		sec.nparts = cases[i].nparts;
		sec.kind = cases[i].kind;
		size_t start = 0, len = 0;
		int rc = frankd_imap_body_section(b, &sec, &start, &len);
		if (!cases[i].want) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(len, strlen(cases[i].want));
			assert_memory_equal(cases[i].text + start, cases[i].want, len);
		}
		frankd_imap_body_free(b);
	}
}

static void test_envelope_table(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		const char *want;
	} cases[] = {
		{ "\r\n", "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)" },
		{ "From: A B <a@b.test>\r\nSubject: hi\r\n\r\n",
		  "(NIL \"hi\" ((\"A B\" NIL \"a\" \"b.test\")) ((\"A B\" NIL \"a\" \"b.test\")) "
		  "((\"A B\" NIL \"a\" \"b.test\")) NIL NIL NIL NIL NIL)" },
		{ "To: undisclosed-recipients:;\r\nCc: T: a@b, \"Q \\\"x\\\"\" <q@r>;, s@t\r\n\r\n",
		  "(NIL NIL NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
		  "((NIL NIL \"T\" NIL)(NIL NIL \"a\" \"b\")(\"Q \\\"x\\\"\" NIL \"q\" \"r\")"
		  "(NIL NIL NIL NIL)(NIL NIL \"s\" \"t\")) NIL NIL NIL)" },
		{ "To: <@r1,@r2:x@y> (comment), bare\r\n\r\n",
		  "(NIL NIL NIL NIL NIL ((NIL \"@r1,@r2\" \"x\" \"y\")(NIL NIL \"bare\" NIL)) NIL NIL "
		  "NIL NIL)" },
		{ "Subject: =?UTF-8?Q?Caf=C3=A9?=\r\n folded\r\nMessage-ID:\r\n <id@x>\r\n\r\n",
		  "(NIL \"=?UTF-8?Q?Caf=C3=A9?= folded\" NIL NIL NIL NIL NIL NIL NIL \" <id@x>\")" },
		{ "Subject: caf\xc3\xa9\r\n\r\n",
		  "(NIL {5}\r\ncaf\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL)" },
		/* hostile: unbalanced and stray specials end cleanly */
		{ "To: \"unclosed <a@b>, (open comment\r\n\r\n",
		  "(NIL NIL NIL NIL NIL ((NIL NIL \"unclosed <a@b>, (open comment\" NIL)) NIL NIL NIL "
		  "NIL)" },
		{ "To: ;;::<<>>@@,,\r\n\r\n", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_buf out = LIB_BUF_INIT;
		frankd_imap_envelope_format(cases[i].header, strlen(cases[i].header), &out);
		if (cases[i].want && strcmp(out.data, cases[i].want) != 0)
			printf("# case %zu: %s\n", i, out.data);
		if (cases[i].want)
			assert_string_equal(out.data, cases[i].want);
		else
			assert_true(out.len > 0 && out.data[0] == '(' && out.data[out.len - 1] == ')');
		lib_buf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure_table),
		cmocka_unit_test(test_section_table),
		cmocka_unit_test(test_envelope_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
