/* test_mime.c: unit tests of src/mime: messages rendered to text for the
 * terminal (headers, subject, body, attachment lines, the raw fallback) and
 * sender names.  Every output string is checked to be terminal-safe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime.h"

#define FFFD "\xEF\xBF\xBD"
#define BROKEN_NOTICE \
	"[-- frank: the MIME structure of this message is broken; showing its raw text --]\n"

/* Fails unless s is valid UTF-8 without C0 (but TAB and LF), DEL or C1. */
static void assert_terminal_safe(const char *what, const char *s)
{
	assert_non_null(s);
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = lib_utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			fail_msg("%s: invalid UTF-8 at byte %zu", what, i);
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp < 0xA0))
			fail_msg("%s: control character U+%04X at byte %zu", what, cp, i);
		i += n;
	}
}

static void assert_view_safe(const struct mime_view *v)
{
	assert_terminal_safe("headers", v->headers);
	assert_terminal_safe("subject", v->subject);
	assert_terminal_safe("body", v->body);
	assert_null(strchr(v->subject, '\n'));
}

static void assert_contains(const char *what, const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("%s lacks \"%s\"; it is:\n%s", what, needle, haystack);
}

static void assert_lacks(const char *what, const char *haystack, const char *needle)
{
	if (strstr(haystack, needle))
		fail_msg("%s has \"%s\"; it is:\n%s", what, needle, haystack);
}

/* --- the table of messages -------------------------------------------- */

struct view_case {
	const char *name;
	const char *data;
	size_t len;
	int raw;
	const char *subject;      /* exact */
	const char *headers;      /* exact */
	const char *body_has[3];  /* substrings the body must contain */
	const char *body_lacks[2];
};

#define MSG(s) s, sizeof s - 1

static const struct view_case view_cases[] = {
	{ "plain ASCII",
	  MSG("From: Alice Example <alice@example.org>\n"
	      "To: bob@example.org\n"
	      "Cc: carol@example.org, Dave <dave@example.org>\n"
	      "Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
	      "Subject: Hello there\n"
	      "Message-ID: <plain@example.org>\n"
	      "\n"
	      "Hi Bob.\n"
	      "Bye.\n"),
	  0, "Hello there",
	  "Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
	  "From: Alice Example <alice@example.org>\n"
	  "To: bob@example.org\n"
	  "Cc: carol@example.org, Dave <dave@example.org>\n"
	  "Subject: Hello there\n",
	  { "Hi Bob.\nBye.\n" }, { "Message-ID", "[-- " } },
	{ "quoted-printable UTF-8 with a soft line break",
	  MSG("From: a@example.org\n"
	      "Subject: qp\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: quoted-printable\n"
	      "\n"
	      "Caf=C3=A9 cr=C3=A8me=\n"
	      " br=C3=BBl=C3=A9e\n"),
	  0, "qp", "From: a@example.org\nSubject: qp\n",
	  { "Caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e\n" }, { "=C3", "=\n" } },
	{ "base64 UTF-8",
	  MSG("From: a@example.org\n"
	      "Subject: b64\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: base64\n"
	      "\n"
	      "SGVsbG8sIHfDtnJsZCEK\n"),
	  0, "b64", "From: a@example.org\nSubject: b64\n",
	  { "Hello, w\xC3\xB6rld!\n" }, { "SGVsbG8" } },
	{ "ISO-8859-1 labelled 8-bit",
	  MSG("From: a@example.org\n"
	      "Subject: latin1\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=iso-8859-1\n"
	      "Content-Transfer-Encoding: 8bit\n"
	      "\n"
	      "Caf\xE9 na\xEFve \xA3" "5\n"),
	  0, "latin1", "From: a@example.org\nSubject: latin1\n",
	  { "Caf\xC3\xA9 na\xC3\xAFve \xC2\xA3" "5\n" }, { FFFD } },
	{ "ISO-8859-1 labelled quoted-printable",
	  MSG("From: a@example.org\n"
	      "Subject: latin1 qp\n"
	      "Content-Type: text/plain; charset=ISO-8859-1\n"
	      "Content-Transfer-Encoding: quoted-printable\n"
	      "\n"
	      "J=FCrgen sagt Gr=FC=DFe\n"),
	  0, "latin1 qp", "From: a@example.org\nSubject: latin1 qp\n",
	  { "J\xC3\xBCrgen sagt Gr\xC3\xBC\xC3\x9F" "e\n" }, { FFFD } },
	{ "unlabelled 8-bit Latin-1 is read as ISO-8859-1",
	  MSG("From: a@example.org\n"
	      "Subject: guess\n"
	      "\n"
	      "Caf\xE9 \xFC" "ber\n"),
	  0, "guess", "From: a@example.org\nSubject: guess\n",
	  { "Caf\xC3\xA9 \xC3\xBC" "ber\n" }, { FFFD } },
	{ "unlabelled UTF-8 is kept as UTF-8",
	  MSG("From: a@example.org\n"
	      "Subject: utf8\n"
	      "\n"
	      "na\xC3\xAFve \xE2\x82\xAC\n"),
	  0, "utf8", "From: a@example.org\nSubject: utf8\n",
	  { "na\xC3\xAFve \xE2\x82\xAC\n" }, { "\xC3\x83" } },
	{ "RFC 2047 encoded Subject, From and To",
	  MSG("From: =?UTF-8?Q?Andr=C3=A9_Gide?= <andre@example.org>\n"
	      "To: =?ISO-8859-1?Q?J=FCrgen?= <j@example.org>\n"
	      "Subject: =?UTF-8?B?SMOpbGxvIHfDtnJsZA==?= =?UTF-8?Q?_again?=\n"
	      "\n"
	      "body\n"),
	  0, "H\xC3\xA9llo w\xC3\xB6rld again",
	  "From: Andr\xC3\xA9 Gide <andre@example.org>\n"
	  "To: J\xC3\xBCrgen <j@example.org>\n"
	  "Subject: H\xC3\xA9llo w\xC3\xB6rld again\n",
	  { "body\n" }, { "=?" } },
	{ "raw 8-bit Latin-1 headers and a folded Subject",
	  MSG("From: J\xFCrgen <j@example.org>\n"
	      "Subject: Caf\xE9\n"
	      "  folded\n"
	      "\n"
	      "x\n"),
	  0, "Caf\xC3\xA9  folded",
	  "From: J\xC3\xBCrgen <j@example.org>\nSubject: Caf\xC3\xA9  folded\n",
	  { "x\n" }, { FFFD } },
	{ "CRLF line ends",
	  MSG("From: a@example.org\r\n"
	      "Subject: crlf\r\n"
	      "\r\n"
	      "line1\r\n"
	      "line2\r\n"),
	  0, "crlf", "From: a@example.org\nSubject: crlf\n",
	  { "line1\nline2\n" }, { "\r" } },
	{ "multipart/alternative shows text/plain, not the HTML",
	  MSG("From: a@example.org\n"
	      "Subject: alt\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/alternative; boundary=\"XX\"\n"
	      "\n"
	      "preamble text\n"
	      "--XX\n"
	      "Content-Type: text/html; charset=utf-8\n"
	      "\n"
	      "<p>html version</p>\n"
	      "--XX\n"
	      "Content-Type: text/plain; charset=utf-8\n"
	      "\n"
	      "plain version\n"
	      "--XX--\n"),
	  0, "alt", "From: a@example.org\nSubject: alt\n",
	  { "plain version\n", "[-- Attachment #1: (no name) (text/html) --]\n" },
	  { "html version", "preamble" } },
	{ "text/html only is shown as the body, rendered as text",
	  MSG("From: a@example.org\n"
	      "Subject: html\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: text/html; charset=utf-8\n"
	      "\n"
	      "<p>only html</p>\n"),
	  0, "html", "From: a@example.org\nSubject: html\n",
	  { "only html\n" }, { "[-- ", "<p>" } },
	{ "multipart/mixed with an attachment",
	  MSG("From: a@example.org\n"
	      "Subject: mixed\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/mixed; boundary=\"BB\"\n"
	      "\n"
	      "--BB\n"
	      "Content-Type: text/plain\n"
	      "\n"
	      "see attached\n"
	      "--BB\n"
	      "Content-Type: application/pdf; name=\"report.pdf\"\n"
	      "Content-Disposition: attachment; filename=\"report.pdf\"\n"
	      "Content-Transfer-Encoding: base64\n"
	      "\n"
	      "JVBERi0xLjQK\n"
	      "--BB--\n"),
	  0, "mixed", "From: a@example.org\nSubject: mixed\n",
	  { "see attached\n", "\n[-- Attachment #2: report.pdf (application/pdf) --]\n" },
	  { "JVBERi0", "%PDF" } },
	{ "nested multipart with an RFC 2231 file name",
	  MSG("From: a@example.org\n"
	      "Subject: nested\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/mixed; boundary=\"O\"\n"
	      "\n"
	      "--O\n"
	      "Content-Type: multipart/alternative; boundary=\"I\"\n"
	      "\n"
	      "--I\n"
	      "Content-Type: text/plain\n"
	      "\n"
	      "inner plain\n"
	      "--I\n"
	      "Content-Type: text/html\n"
	      "\n"
	      "<b>inner html</b>\n"
	      "--I--\n"
	      "--O\n"
	      "Content-Type: image/png\n"
	      "Content-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9.png\n"
	      "\n"
	      "xx\n"
	      "--O--\n"),
	  0, "nested", "From: a@example.org\nSubject: nested\n",
	  { "inner plain\n", "[-- Attachment #2: (no name) (text/html) --]",
	    "[-- Attachment #3: \xC3\xA9t\xC3\xA9.png (image/png) --]" },
	  { "inner html" } },
	{ "a text attachment is not taken for the body",
	  MSG("From: a@example.org\n"
	      "Subject: textatt\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/mixed; boundary=\"B\"\n"
	      "\n"
	      "--B\n"
	      "Content-Type: text/plain; name=notes.txt\n"
	      "Content-Disposition: attachment; filename=notes.txt\n"
	      "\n"
	      "attached notes\n"
	      "--B\n"
	      "Content-Type: text/plain\n"
	      "\n"
	      "the real body\n"
	      "--B--\n"),
	  0, "textatt", "From: a@example.org\nSubject: textatt\n",
	  { "the real body\n", "[-- Attachment #1: notes.txt (text/plain) --]" },
	  { "attached notes" } },
	{ "broken multipart: the boundary never occurs",
	  MSG("From: a@example.org\n"
	      "Subject: broken\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/mixed; boundary=\"NEVER\"\n"
	      "\n"
	      "this text has no boundary at all\n"
	      "second line\n"),
	  1, "broken", "From: a@example.org\nSubject: broken\n",
	  { BROKEN_NOTICE, "this text has no boundary at all\nsecond line\n" },
	  { "Content-Type", "[-- Attachment" } },
	{ "broken multipart, CRLF",
	  MSG("Subject: broken crlf\r\n"
	      "Content-Type: multipart/mixed; boundary=\"NEVER\"\r\n"
	      "\r\n"
	      "raw line\r\n"),
	  1, "broken crlf", "Subject: broken crlf\n",
	  { BROKEN_NOTICE, "raw line\n" }, { "Content-Type", "\r" } },
	{ "empty input",
	  "", 0,
	  1, "", "",
	  { BROKEN_NOTICE }, { 0 } },
	{ "text with no header block is shown raw",
	  MSG("just text without headers\n"),
	  1, "", "",
	  { BROKEN_NOTICE "just text without headers\n" }, { 0 } },
	{ "ESC, BEL and C1 bytes in headers and body",
	  MSG("From: \"Evil \x1B[31m\" <e@example.org>\n"
	      "Subject: bad \x1B]0;title\x07 subject\n"
	      "\n"
	      "body \x1B[2J cleared\x9B" "1m\x7F\n"),
	  0, "bad " FFFD "]0;title" FFFD " subject",
	  "From: \"Evil " FFFD "[31m\" <e@example.org>\n"
	  "Subject: bad " FFFD "]0;title" FFFD " subject\n",
	  /* 0x9B is read as ISO-8859-1 (U+009B, a C1 control). */
	  { "body " FFFD "[2J cleared" FFFD "1m" FFFD "\n" }, { 0 } },
	{ "ESC encoded in RFC 2047 and quoted-printable",
	  MSG("From: =?UTF-8?Q?Evil_=1B=5B31m?= <e@example.org>\n"
	      "Subject: =?UTF-8?Q?x=1B[31my?=\n"
	      "Content-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: quoted-printable\n"
	      "\n"
	      "q=1B[2Jp=C2=9Bz\n"),
	  0, "x" FFFD "[31my",
	  /* Written back with quotes: "[" is a special (RFC 5322). */
	  "From: \"Evil " FFFD "[31m\" <e@example.org>\n"
	  "Subject: x" FFFD "[31my\n",
	  { "q" FFFD "[2Jp" FFFD "z\n" }, { 0 } },
	{ "ESC in an attachment's file name",
	  MSG("From: a@example.org\n"
	      "Subject: n\n"
	      "MIME-Version: 1.0\n"
	      "Content-Type: multipart/mixed; boundary=\"O\"\n"
	      "\n"
	      "--O\n"
	      "Content-Type: text/plain\n"
	      "\n"
	      "plain\n"
	      "--O\n"
	      "Content-Type: text/plain\n"
	      "Content-Disposition: attachment; filename=\"a\x1B[31mb.txt\"\n"
	      "\n"
	      "xx\n"
	      "--O--\n"),
	  0, "n", "From: a@example.org\nSubject: n\n",
	  { "[-- Attachment #2: a" FFFD "[31mb.txt (text/plain) --]" }, { 0 } },
};

/* The view under test, freed by view_teardown even when a check fails. */
static struct mime_view *current_view;

static int view_teardown(void **state)
{
	(void)state;
	mime_view_free(current_view);
	current_view = NULL;
	return 0;
}

static void view_case(void **state)
{
	const struct view_case *c = *state;
	struct mime_view *v = current_view = mime_view_new_from_bytes(c->data, c->len);
	assert_non_null(v);
	assert_view_safe(v);
	if (v->raw != c->raw)
		fail_msg("raw is %d, want %d; body:\n%s", v->raw, c->raw, v->body);
	assert_string_equal(v->subject, c->subject);
	assert_string_equal(v->headers, c->headers);
	for (size_t i = 0; i < 3 && c->body_has[i]; i++)
		assert_contains("body", v->body, c->body_has[i]);
	for (size_t i = 0; i < 2 && c->body_lacks[i]; i++)
		assert_lacks("body", v->body, c->body_lacks[i]);
}

/* --- single checks ---------------------------------------------------- */

static void view_plain_body_is_exact(void **state)
{
	(void)state;
	static const char msg[] = "Subject: s\n\nline one\n\tindented\n";
	struct mime_view *v = mime_view_new_from_bytes(msg, sizeof msg - 1);
	assert_string_equal(v->body, "line one\n\tindented\n");
	assert_int_equal(v->raw, 0);
	mime_view_free(v);
}

static void view_empty_input_is_exactly_the_notice(void **state)
{
	(void)state;
	struct mime_view *v = mime_view_new_from_bytes("", 0);
	assert_int_equal(v->raw, 1);
	assert_string_equal(v->body, BROKEN_NOTICE);
	assert_string_equal(v->headers, "");
	assert_string_equal(v->subject, "");
	mime_view_free(v);
}

/* A message whose only part is an attachment has a sound MIME structure:
 * it lists the attachment, it does not call the message broken. */
static void view_attachment_only_message_is_not_broken(void **state)
{
	(void)state;
	static const char msg[] =
		"From: a@example.org\n"
		"Subject: scan\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"O\"\n"
		"\n"
		"--O\n"
		"Content-Type: application/zip\n"
		"Content-Disposition: attachment; filename=\"a.zip\"\n"
		"Content-Transfer-Encoding: base64\n"
		"\n"
		"UEsDBAo=\n"
		"--O--\n";
	struct mime_view *v = mime_view_new_from_bytes(msg, sizeof msg - 1);
	assert_view_safe(v);
	int raw = v->raw;
	int called_broken = strstr(v->body, "the MIME structure of this message is broken") != NULL;
	int listed = strstr(v->body, "[-- Attachment #1: a.zip (application/zip) --]") != NULL;
	if (called_broken || !listed)
		print_message("body:\n%s\n", v->body);
	mime_view_free(v);
	assert_false(called_broken);
	assert_true(listed);
	assert_int_equal(raw, 0);
}

/* An address header GMime cannot parse must not vanish from the view:
 * frank tells the reader who sent the message, even a malformed From. */
static void view_keeps_from_line_when_address_unparsable(void **state)
{
	(void)state;
	static const char msg[] = "From: Evil \x1B[31m <e@example.org>\nSubject: s\n\nb\n";
	struct mime_view *v = mime_view_new_from_bytes(msg, sizeof msg - 1);
	assert_view_safe(v);
	const char *from = strstr(v->headers, "From: ");
	int shown = from && strstr(from, "e@example.org") != NULL;
	if (!shown)
		print_message("headers:\n%s\n", v->headers);
	mime_view_free(v);
	assert_true(shown);
}

/* A part labelled UTF-8 (or US-ASCII) that holds a Latin-1 byte, a common
 * mislabelling: the byte must show (as U+FFFD, or guessed as é), never
 * vanish without a trace as if the text had said "Caf more". */
static void view_bad_byte_in_labelled_utf8_is_not_dropped(void **state)
{
	(void)state;
	static const char msg[] =
		"Subject: s\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"\n"
		"Caf\xE9 more text\n";
	struct mime_view *v = mime_view_new_from_bytes(msg, sizeof msg - 1);
	assert_view_safe(v);
	char *body = lib_xstrdup(v->body);
	mime_view_free(v);
	int shown = strstr(body, "Caf" FFFD " more text\n") || strstr(body, "Caf\xC3\xA9 more text\n");
	if (!shown)
		print_message("body: \"%s\"\n", body);
	free(body);
	assert_true(shown);
}

/* A big body goes through whole: nothing is cut at a buffer size. */
static void view_large_body_is_complete(void **state)
{
	(void)state;
	struct lib_buf msg = LIB_BUF_INIT;
	lib_buf_puts(&msg, "Subject: big\n\n");
	for (int i = 0; i < 20000; i++)
		lib_buf_printf(&msg, "line %05d\n", i);
	struct mime_view *v = mime_view_new_from_bytes(msg.data, msg.len);
	assert_int_equal(v->raw, 0);
	assert_int_equal(strlen(v->body), 20000 * 11);
	assert_string_equal(v->body + strlen(v->body) - 11, "line 19999\n");
	mime_view_free(v);
	lib_buf_release(&msg);
}

/* --- mime_view_new_from_file ------------------------------------------- */

static void view_from_file_reads_message(void **state)
{
	(void)state;
	char path[] = "/tmp/frank-test-mime-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char msg[] = "From: Zed <z@example.org>\nSubject: from a file\n\nfile body\n";
	assert_int_equal(write(fd, msg, sizeof msg - 1), (ssize_t)(sizeof msg - 1));
	close(fd);
	struct lib_err err = { "" };
	struct mime_view *v = mime_view_new_from_file(path, &err);
	unlink(path);
	assert_non_null(v);
	assert_string_equal(v->subject, "from a file");
	assert_string_equal(v->body, "file body\n");
	assert_string_equal(v->headers, "From: Zed <z@example.org>\nSubject: from a file\n");
	mime_view_free(v);
}

static void view_from_missing_file_is_null_with_message(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	struct mime_view *v = mime_view_new_from_file("/nonexistent/frank/msg", &err);
	assert_null(v);
	assert_string_equal(err.msg, "/nonexistent/frank/msg: No such file or directory");
}

static void view_from_directory_is_null_with_message(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	assert_null(mime_view_new_from_file("/tmp", &err));
	assert_string_equal(err.msg, "/tmp: not a regular file");
}

static void view_free_accepts_null(void **state)
{
	(void)state;
	mime_view_free(NULL);
	assert_true(1); /* reached without a crash */
}

/* --- mime_sender_display ----------------------------------------------- */

struct sender_case {
	const char *from;
	const char *want;
};

static const struct sender_case sender_cases[] = {
	{ "Alice Example <alice@example.org>", "Alice Example" },
	{ "bob@example.org", "bob@example.org" },
	{ "<angle@example.org>", "angle@example.org" },
	{ "\"Quoted, Name\" <q@example.org>", "Quoted, Name" },
	{ "=?UTF-8?Q?Andr=C3=A9_Gide?= <andre@example.org>", "Andr\xC3\xA9 Gide" },
	{ "=?ISO-8859-1?Q?J=FCrgen?= <j@example.org>", "J\xC3\xBCrgen" },
	{ "=?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@example.org>",
	  "Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m" },
	{ "J\xFCrgen <j@example.org>", "J\xC3\xBCrgen" },
	{ "first@example.org, Second <second@example.org>", "first@example.org" },
	{ "\"\" <empty-name@example.org>", "empty-name@example.org" },
	{ "\"Evil \x1B[31m\" <e@example.org>", "Evil " FFFD "[31m" },
	{ "=?UTF-8?Q?Evil_=1B=5B31m?= <e@example.org>", "Evil " FFFD "[31m" },
	/* Unparsable: the header itself, cleaned. */
	{ "not an address", "not an address" },
	{ "Evil \x1B[31m <e@example.org>", "Evil " FFFD "[31m <e@example.org>" },
	{ "", "" },
};

static void sender_display_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof sender_cases / sizeof sender_cases[0]; i++) {
		char *got = mime_sender_display(sender_cases[i].from);
		assert_terminal_safe("sender", got);
		int same = strcmp(got, sender_cases[i].want) == 0;
		if (!same)
			print_message("case %zu: got \"%s\", want \"%s\"\n", i, got,
				      sender_cases[i].want);
		free(got);
		if (!same)
			fail_msg("mime_sender_display case %zu", i);
	}
}

static void sender_display_of_null_is_empty(void **state)
{
	(void)state;
	char *got = mime_sender_display(NULL);
	assert_string_equal(got, "");
	free(got);
}

/* --- the suite -------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	mime_init();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mime_shutdown();
	return 0;
}

#define NVIEWS (sizeof view_cases / sizeof view_cases[0])

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(view_plain_body_is_exact),
		cmocka_unit_test(view_empty_input_is_exactly_the_notice),
		cmocka_unit_test(view_attachment_only_message_is_not_broken),
		cmocka_unit_test(view_keeps_from_line_when_address_unparsable),
		cmocka_unit_test(view_bad_byte_in_labelled_utf8_is_not_dropped),
		cmocka_unit_test(view_large_body_is_complete),
		cmocka_unit_test(view_from_file_reads_message),
		cmocka_unit_test(view_from_missing_file_is_null_with_message),
		cmocka_unit_test(view_from_directory_is_null_with_message),
		cmocka_unit_test(view_free_accepts_null),
		cmocka_unit_test(sender_display_cases),
		cmocka_unit_test(sender_display_of_null_is_empty),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	size_t n = NVIEWS + nfixed;
	struct CMUnitTest *tests = lib_xcalloc(n, sizeof *tests);
	char **names = lib_xcalloc(NVIEWS, sizeof *names);
	for (size_t i = 0; i < NVIEWS; i++) {
		names[i] = lib_xasprintf("view: %s", view_cases[i].name);
		tests[i] = (struct CMUnitTest){ names[i], view_case, NULL, view_teardown,
						(void *)&view_cases[i] };
	}
	for (size_t i = 0; i < nfixed; i++)
		tests[NVIEWS + i] = fixed[i];
	int rc = _cmocka_run_group_tests("mime", tests, n, group_setup, group_teardown);
	for (size_t i = 0; i < NVIEWS; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
