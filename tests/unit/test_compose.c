/* test_compose.c: building messages (src/mime compose*.c): drafts, the
 * message made ready to send (Bcc out of the transmitted copy, every
 * recipient checked, files attached), the edit text, mailto: URLs,
 * format=flowed, replies, forwards, resumed drafts, attachment types.
 * Messages are parsed back with GMime and checked part by part. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime.h"

#define NOW 1700000000LL /* Tue, 14 Nov 2023 22:13:20 +0000 */

static char tmpdir[] = "/tmp/frank-compose-XXXXXX";

static int setup(void **state)
{
	(void)state;
	mime_init();
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	g_free(cmd);
	mime_shutdown();
	return rc == 0 ? 0 : -1;
}

static char *write_file(const char *name, const void *data, size_t len)
{
	char *path = g_strdup_printf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
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

/* The header block of a message (up to the first blank line). */
static char *headers_of(const char *msg)
{
	const char *end = strstr(msg, "\n\n");
	return g_strndup(msg, end ? (size_t)(end - msg + 1) : strlen(msg));
}

static GMimeMessage *parse(const char *data, size_t len)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	assert_non_null(m);
	return m;
}

/* The decoded content of a leaf part. */
static GByteArray *part_bytes(GMimeObject *obj)
{
	GByteArray *bytes = g_byte_array_new();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(obj)), mem);
	g_object_unref(mem);
	return bytes;
}

static struct mime_compose *sample(void)
{
	struct mime_compose *c = mime_compose_new();
	mime_compose_set(&c->from, "Alice Example <alice@example.org>");
	mime_compose_set(&c->to, "Bob <bob@example.net>, carol@example.net");
	mime_compose_set(&c->cc, "Dave <dave@example.com>");
	mime_compose_set(&c->bcc, "secret@example.com");
	mime_compose_set(&c->subject, "Grüße aus Köln");
	mime_compose_set(&c->body, "Hallo Bob,\n\nein Gruß.\n.\n");
	return c;
}

static void prepare_ok(const char *msg, size_t len, struct mime_outgoing *out)
{
	struct mime_outgoing_opts o = { "Alice <alice@example.org>", "frank test", NOW };
	struct lib_err err = { "" };
	if (mime_outgoing_prepare(msg, len, &o, out, &err) < 0)
		fail_msg("prepare: %s", err.msg);
}

static const char *const own[] = { "alice@work.example" };
static const struct mime_identity me = { "Alice <alice@example.org>", own, 1 };

/* --- drafts and what is sent ---------------------------------------------- */

static void draft_headers(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	struct mime_draft_opts o = { "frank 0.1", 0 };
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, &o, &d);
	char *h = headers_of(d.data);
	assert_contains("draft", h, "From: Alice Example <alice@example.org>\n");
	assert_contains("draft", h, "To: Bob <bob@example.net>, carol@example.net\n");
	assert_contains("draft", h, "Bcc: secret@example.com\n");
	assert_contains("draft", h, "Subject: =?UTF-8?");
	assert_lacks("draft", h, "Köln");
	assert_contains("draft", h, "User-Agent: frank 0.1\n");
	assert_contains("draft", h, "Content-Type: text/plain; charset=utf-8\n");
	assert_contains("draft", h, "Content-Transfer-Encoding: quoted-printable\n");
	/* The Message-ID is made once, from the sender's domain, and kept. */
	assert_non_null(c->message_id);
	assert_true(g_str_has_suffix(c->message_id, "@example.org>"));
	char *want = g_strdup_printf("Message-Id: %s\n", c->message_id);
	assert_contains("draft", h, want);
	char *first = g_strdup(c->message_id);
	lib_buf_reset(&d);
	mime_compose_draft(c, &o, &d);
	assert_string_equal(first, c->message_id);
	GMimeMessage *m = parse(d.data, d.len);
	assert_string_equal(g_mime_message_get_subject(m), "Grüße aus Köln");
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(g_mime_message_get_mime_part(m)));
	assert_string_equal(text, "Hallo Bob,\n\nein Gruß.\n.\n");
	g_free(text);
	g_object_unref(m);
	g_free(first);
	g_free(want);
	g_free(h);
	lib_buf_release(&d);
	mime_compose_free(c);
}

static void ascii_body_is_7bit(void **state)
{
	(void)state;
	struct mime_compose *c = mime_compose_new();
	mime_compose_set(&c->from, "a@example.org");
	mime_compose_set(&c->to, "b@example.org");
	mime_compose_set(&c->subject, "plain");
	mime_compose_set(&c->body, "just ASCII\n");
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	assert_contains("draft", d.data, "Content-Transfer-Encoding: 7bit\n");
	assert_contains("draft", d.data, "Subject: plain\n");
	assert_contains("draft", d.data, "\n\njust ASCII\n");
	lib_buf_release(&d);
	mime_compose_free(c);
}

static void outgoing_bcc_and_envelope(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct mime_outgoing out;
	prepare_ok(d.data, d.len, &out);
	assert_string_equal(out.sender, "alice@example.org");
	assert_int_equal(out.nrcpts, 4);
	const char *want[] = { "bob@example.net", "carol@example.net", "dave@example.com",
			       "secret@example.com" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(out.rcpts[i], want[i]);
	assert_lacks("wire", out.wire, "secret@example.com");
	assert_lacks("wire", out.wire, "Bcc");
	char *rh = headers_of(out.record);
	assert_contains("record", rh, "Bcc: secret@example.com\n");
	assert_contains("wire", out.wire, "Date: Tue, 14 Nov 2023 ");
	assert_contains("wire", out.wire, "MIME-Version: 1.0\n");
	assert_contains("wire", out.wire, "User-Agent: frank test\n");
	char *id = g_strndup(c->message_id + 1, strlen(c->message_id) - 2);
	assert_string_equal(out.message_id, id);
	assert_string_equal(out.subject, "Grüße aus Köln");
	/* Nothing 8-bit goes out: no SMTPUTF8 or 8BITMIME is needed. */
	for (size_t i = 0; i < out.wire_len; i++)
		if ((unsigned char)out.wire[i] >= 0x80)
			fail_msg("8-bit byte at %zu of the wire copy", i);
	g_free(id);
	g_free(rh);
	mime_outgoing_release(&out);
	lib_buf_release(&d);
	mime_compose_free(c);
}

/* Files named in the draft are attached when sent: text, binary, a UTF-8
 * name; bytes come back exactly, names RFC 2231-encoded. */
static void outgoing_attachments(void **state)
{
	(void)state;
	const char text[] = "col1,col2\n1,2\n";
	unsigned char bin[300];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7);
	bin[0] = 0;
	char *p1 = write_file("data.csv", text, sizeof text - 1);
	char *p2 = write_file("blob.bin", bin, sizeof bin);
	char *p3 = write_file("Übersicht résumé.txt", "é\n", 3);
	struct mime_compose *c = sample();
	mime_compose_attach_file(c, p1);
	mime_compose_attach_file(c, p2);
	mime_compose_attach_file(c, p3);
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	assert_contains("draft", d.data, "X-Frank-Attach: ");
	struct mime_outgoing out;
	prepare_ok(d.data, d.len, &out);
	assert_lacks("wire", out.wire, "X-Frank-Attach");
	assert_contains("wire", out.wire, "filename*=UTF-8''%C3%9Cbersicht%20r%C3%A9sum%C3%A9.txt");
	GMimeMessage *m = parse(out.wire, out.wire_len);
	GMimeObject *top = g_mime_message_get_mime_part(m);
	assert_true(GMIME_IS_MULTIPART(top));
	assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart",
						"mixed"));
	GMimeMultipart *mp = GMIME_MULTIPART(top);
	assert_int_equal(g_mime_multipart_get_count(mp), 4);
	struct {
		const char *name, *type;
		const void *data;
		size_t len;
	} want[] = {
		{ "data.csv", "text/csv", text, sizeof text - 1 },
		{ "blob.bin", "application/octet-stream", bin, sizeof bin },
		{ "Übersicht résumé.txt", "text/plain", "é\n", 3 },
	};
	for (int i = 0; i < 3; i++) {
		GMimeObject *part = g_mime_multipart_get_part(mp, i + 1);
		assert_string_equal(g_mime_part_get_filename(GMIME_PART(part)), want[i].name);
		char *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
		assert_string_equal(type, want[i].type);
		g_free(type);
		assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(part)),
				 GMIME_CONTENT_ENCODING_BASE64);
		assert_string_equal(g_mime_object_get_disposition(part), "attachment");
		GByteArray *bytes = part_bytes(part);
		assert_int_equal(bytes->len, want[i].len);
		assert_memory_equal(bytes->data, want[i].data, want[i].len);
		g_byte_array_free(bytes, TRUE);
	}
	g_object_unref(m);
	mime_outgoing_release(&out);
	lib_buf_release(&d);
	mime_compose_free(c);
	g_free(p1);
	g_free(p2);
	g_free(p3);
}

static void outgoing_missing_attachment(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	char *missing = g_strdup_printf("%s/no-such-file.pdf", tmpdir);
	mime_compose_attach_file(c, missing);
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct mime_outgoing out;
	struct lib_err err = { "" };
	assert_int_equal(mime_outgoing_prepare(d.data, d.len, NULL, &out, &err), -1);
	char *want = g_strdup_printf("attachment %s: No such file or directory", missing);
	assert_string_equal(err.msg, want);
	assert_null(out.wire);
	/* A directory is not a file to attach either. */
	lib_buf_reset(&d);
	c->attachments[0].path[strlen(c->attachments[0].path) - strlen("/no-such-file.pdf")] = '\0';
	mime_compose_draft(c, NULL, &d);
	assert_int_equal(mime_outgoing_prepare(d.data, d.len, NULL, &out, &err), -1);
	assert_contains("error", err.msg, "not a regular file");
	g_free(want);
	g_free(missing);
	lib_buf_release(&d);
	mime_compose_free(c);
}

struct rcpt_case {
	const char *to;
	const char *error; /* NULL: accepted */
	size_t nrcpts;
};

static const struct rcpt_case rcpt_cases[] = {
	{ "bob@example.org", NULL, 1 },
	{ "\"Doe, John\" <john@example.org>, ann@example.org", NULL, 2 },
	{ "team: a@example.org, b@example.org;, c@example.org", NULL, 3 },
	{ "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc" "cher.example>", NULL, 1 },
	{ "=?utf-8?q?Doe=2C_John?= <john@example.org>", NULL, 1 },
	{ "bob@[192.0.2.1]", NULL, 1 },
	{ "a@example.org, A@EXAMPLE.ORG", NULL, 1 },
	{ "bob@@example.org", "To: not an address: bob@@example.org", 0 },
	{ "bob", "To: not an address: bob", 0 },
	{ "a@example.org, bob", "To: not an address: bob", 0 },
	{ "Bob <bob@example.org", "To: not an address: Bob <bob@example.org", 0 },
	{ "bob@example..org", "To: not an address: bob@example..org", 0 },
	{ "bob@exa mple.org", "To: not an address: bob@exa mple.org", 0 },
	{ "team: a@example.org, nope;", "To: not an address: nope", 0 },
	{ "team: a@example.org", "To: a group without its closing ';': team: a@example.org", 0 },
	{ "undisclosed-recipients:;", "no recipient (To, Cc or Bcc)", 0 },
	{ "", "no recipient (To, Cc or Bcc)", 0 },
};

static void outgoing_recipients(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rcpt_cases / sizeof rcpt_cases[0]; i++) {
		const struct rcpt_case *rc = &rcpt_cases[i];
		char *msg = g_strdup_printf("From: a@example.org\nTo: %s\nSubject: x\n\nbody\n", rc->to);
		struct mime_outgoing out;
		struct lib_err err = { "" };
		int got = mime_outgoing_prepare(msg, strlen(msg), NULL, &out, &err);
		if (rc->error && (got != -1 || strcmp(err.msg, rc->error) != 0))
			fail_msg("case %zu (%s): got %d \"%s\", want \"%s\"", i, rc->to, got, err.msg,
				 rc->error);
		if (!rc->error && (got != 0 || out.nrcpts != rc->nrcpts))
			fail_msg("case %zu (%s): got %d (%s), %zu recipients", i, rc->to, got, err.msg,
				 out.nrcpts);
		mime_outgoing_release(&out);
		g_free(msg);
	}
}

/* A message written by hand: raw UTF-8 headers and an 8-bit body with no
 * MIME headers go out 7-bit, labelled UTF-8; From comes from the account. */
static void outgoing_hand_written(void **state)
{
	(void)state;
	const char msg[] = "To: Zoë <zoe@example.net>\nSubject: Café ☕\n\nÇa va?\n.\n..x\n";
	struct mime_outgoing out;
	prepare_ok(msg, sizeof msg - 1, &out);
	assert_string_equal(out.sender, "alice@example.org");
	for (size_t i = 0; i < out.wire_len; i++)
		if ((unsigned char)out.wire[i] >= 0x80)
			fail_msg("8-bit byte at %zu:\n%s", i, out.wire);
	GMimeMessage *m = parse(out.wire, out.wire_len);
	assert_string_equal(g_mime_message_get_subject(m), "Café ☕");
	char *to = internet_address_list_to_string(g_mime_message_get_to(m), NULL, FALSE);
	assert_string_equal(to, "Zoë <zoe@example.net>");
	g_free(to);
	GMimeObject *body = g_mime_message_get_mime_part(m);
	assert_string_equal(g_mime_object_get_content_type_parameter(body, "charset"), "utf-8");
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
	assert_string_equal(text, "Ça va?\n.\n..x\n");
	g_free(text);
	g_object_unref(m);
	mime_outgoing_release(&out);

	struct lib_err err;
	assert_int_equal(mime_outgoing_prepare("To: b@example.org\n\nx\n", 21, NULL, &out, &err), -1);
	assert_string_equal(err.msg, "From: no address (set from in the account)");
}

/* A draft keeps an address list that does not parse as it was typed;
 * sending it is refused with the list's own words. */
static void draft_keeps_bad_addresses(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	mime_compose_set(&c->to, "bob@@example.org, Zoë <zoe@example.net>");
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct lib_err err;
	struct mime_outgoing out;
	assert_int_equal(mime_outgoing_prepare(d.data, d.len, NULL, &out, &err), -1);
	assert_string_equal(err.msg, "To: not an address: bob@@example.org");
	struct mime_compose *back = mime_compose_from_draft(d.data, d.len, &err);
	assert_non_null(back);
	assert_string_equal(back->to, "bob@@example.org, Zoë <zoe@example.net>");
	mime_compose_free(back);
	lib_buf_release(&d);
	mime_compose_free(c);
}

/* Found by fuzzing: GMime's formatter for Received loops forever on some
 * raw 8-bit values, so structured headers are left as written. */
static void outgoing_raw_received(void **state)
{
	(void)state;
	const char msg[] = "Received: from mail.example.[rg (m\x97il.example.org [192.0.2.10]\n"
			   "To: bob@example.org\nSubject: caf\xc3\xa9\n\nhi\n";
	struct mime_outgoing out;
	prepare_ok(msg, sizeof msg - 1, &out);
	assert_contains("wire", out.wire, "Received: from mail.example.[rg (m\x97il.example.org");
	assert_contains("wire", out.wire, "Subject: =?");
	mime_outgoing_release(&out);
}

/* Found by fuzzing: a reply to a message whose address headers GMime
 * cannot read at all (it has no list to give). */
static void reply_to_unreadable_addresses(void **state)
{
	(void)state;
	const char msg[] = "From: \"\" <j@x\xef--g>\nCc: team: a@b.bject\nTo: <>\n"
			   "Subject: x\n\nbody\n";
	struct lib_err err;
	struct mime_compose *c = mime_compose_reply(msg, sizeof msg - 1, &me, MIME_REPLY_GROUP,
						    &err);
	assert_non_null(c);
	assert_string_equal(c->subject, "Re: x");
	mime_compose_free(c);
}

static void size_limit(void **state)
{
	(void)state;
	struct lib_err warn = { "" };
	assert_int_equal(mime_size_over(25u * 1024 * 1024, 0, &warn), 0);
	assert_int_equal(mime_size_over(25u * 1024 * 1024 + 1, 0, &warn), 1);
	assert_string_equal(warn.msg, "the message is 25.0 MB, over the limit of 25.0 MB");
	assert_int_equal(mime_size_over(3 * 1024 * 1024, 2 * 1024 * 1024, &warn), 1);
	assert_string_equal(warn.msg, "the message is 3.0 MB, over the limit of 2.0 MB");
}

/* --- format=flowed ---------------------------------------------------------- */

struct flowed_case {
	const char *name, *in, *out;
};

static const struct flowed_case flowed_cases[] = {
	{ "short lines stay", "a\nb\n", "a\nb\n" },
	{ "trailing spaces of a hard line go", "a  \nb\n", "a\nb\n" },
	{ "the signature separator stays", "x\n-- \nAlice\n", "x\n-- \nAlice\n" },
	{ "a leading space is stuffed", " indented\n", "  indented\n" },
	{ "From is stuffed", "From here\n", " From here\n" },
	{ "a quoted line is not stuffed or wrapped",
	  "> " "aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa\n",
	  "> " "aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa\n" },
	{ "a long line is broken with a trailing space",
	  "0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 "
	  "0123456789\n",
	  "0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 \n"
	  "0123456789\n" },
	{ "a word longer than a line is not cut",
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
	  "y\n",
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
	  "\ny\n" },
	{ "characters count, not bytes",
	  "éééééééééé éééééééééé éééééééééé éééééééééé éééééééééé éééééééééé éééééé\n",
	  "éééééééééé éééééééééé éééééééééé éééééééééé éééééééééé éééééééééé éééééé\n" },
	{ "no final line end", "a", "a\n" },
};

static void flowed_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flowed_cases / sizeof flowed_cases[0]; i++) {
		const struct flowed_case *fc = &flowed_cases[i];
		struct lib_buf out = LIB_BUF_INIT;
		mime_flowed_encode(fc->in, strlen(fc->in), &out);
		if (strcmp(out.data ? out.data : "", fc->out) != 0)
			fail_msg("%s: got \"%s\"", fc->name, out.data);
		lib_buf_release(&out);
	}
	struct mime_compose *c = sample();
	struct mime_draft_opts o = { NULL, 1 };
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, &o, &d);
	assert_contains("draft", d.data, "Content-Type: text/plain; charset=utf-8; format=flowed\n");
	lib_buf_release(&d);
	mime_compose_free(c);
}

/* --- the edit text ------------------------------------------------------- */

static void edit_text_round_trip(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	mime_compose_attach_file(c, "/tmp/menu.pdf");
	mime_compose_attach_data(c, "xyz", 3, "kept.bin", NULL);
	struct lib_buf t = LIB_BUF_INIT;
	mime_compose_edit_text(c, &t);
	assert_string_equal(t.data, "From: Alice Example <alice@example.org>\n"
				    "To: Bob <bob@example.net>, carol@example.net\n"
				    "Cc: Dave <dave@example.com>\n"
				    "Bcc: secret@example.com\n"
				    "Subject: Grüße aus Köln\n"
				    "Reply-To: \n"
				    "Attach: /tmp/menu.pdf\n"
				    "\n"
				    "Hallo Bob,\n\nein Gruß.\n.\n");
	const char edited[] = "from: Alice Example <alice@example.org>\r\n"
			      "To: bob@example.net\n"
			      "to: ann@example.net,\n"
			      "  zed@example.net\n"
			      "Subject: new\n"
			      "Cc:\n"
			      "Attach: /tmp/a.txt\n"
			      "Attach:   /tmp/b c.txt  \n"
			      "\n"
			      "New text\r\nSubject: not a header\n";
	struct lib_err err;
	assert_int_equal(mime_compose_parse_edit_text(c, edited, sizeof edited - 1, &err), 0);
	assert_string_equal(c->to, "bob@example.net, ann@example.net, zed@example.net");
	assert_string_equal(c->subject, "new");
	assert_null(c->cc);
	assert_null(c->bcc);
	assert_string_equal(c->body, "New text\nSubject: not a header\n");
	assert_int_equal(c->nattachments, 3);
	assert_string_equal(c->attachments[0].filename, "kept.bin"); /* bytes kept */
	assert_string_equal(c->attachments[1].path, "/tmp/a.txt");
	assert_string_equal(c->attachments[2].path, "/tmp/b c.txt");
	lib_buf_release(&t);
	mime_compose_free(c);
}

struct edit_error_case {
	const char *text;
	const char *error;
};

static const struct edit_error_case edit_errors[] = {
	{ "To: a@example.org\nhello\n\nbody\n",
	  "line 2: not a header (a blank line must come before the text)" },
	{ "X-Evil: 1\n\nbody\n", "line 1: unknown header \"X-Evil\" (frank takes From, To, Cc, "
				  "Bcc, Subject, Reply-To, In-Reply-To, References, Attach)" },
	{ " continued\n\n", "line 1: a continuation line before any header" },
	{ "Subject: caf\xe9\n\n", "the text is not UTF-8" },
};

static void edit_text_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof edit_errors / sizeof edit_errors[0]; i++) {
		struct mime_compose *c = sample();
		struct lib_err err = { "" };
		int rc = mime_compose_parse_edit_text(c, edit_errors[i].text,
						      strlen(edit_errors[i].text), &err);
		if (rc != -1 || strcmp(err.msg, edit_errors[i].error) != 0)
			fail_msg("case %zu: %d \"%s\"", i, rc, err.msg);
		/* The message is unchanged by a failed read. */
		assert_string_equal(c->subject, "Grüße aus Köln");
		mime_compose_free(c);
	}
}

/* --- mailto: ----------------------------------------------------------------- */

static void mailto_urls(void **state)
{
	(void)state;
	struct mime_compose *c = mime_compose_new();
	struct lib_err err;
	assert_int_equal(mime_compose_add_mailto(c, "mailto:bob@example.org,ann@example.org"
						    "?subject=Hello%20there&cc=cc@example.org"
						    "&body=line1%0D%0Aline2&x-unknown=1",
						 &err),
			 0);
	assert_string_equal(c->to, "bob@example.org,ann@example.org");
	assert_string_equal(c->cc, "cc@example.org");
	assert_string_equal(c->subject, "Hello there");
	assert_string_equal(c->body, "line1\nline2");
	assert_int_equal(mime_compose_add_mailto(c, "MAILTO:%22Z%C3%B6e%22%20%3Cz@example.org%3E"
						    "?subject=a%0D%0ABcc:%20evil@example.org",
						 &err),
			 0);
	assert_string_equal(c->to, "bob@example.org,ann@example.org, \"Zöe\" <z@example.org>");
	/* A line break in a header field is a space: nothing is injected. */
	assert_string_equal(c->subject, "a Bcc: evil@example.org");
	assert_null(c->bcc);
	assert_int_equal(mime_compose_add_mailto(c, "mailto:x@example.org?subject=%zz", &err), -1);
	assert_string_equal(err.msg, "mailto: bad percent-encoding");
	assert_int_equal(mime_compose_add_mailto(c, "mailto:x@example.org?subject=%E9", &err), -1);
	assert_string_equal(err.msg, "mailto: text that is not UTF-8");
	assert_int_equal(mime_compose_add_mailto(c, "http://example.org", &err), -1);
	assert_string_equal(err.msg, "not a mailto: URL");
	mime_compose_free(c);
}

static void signature(void **state)
{
	(void)state;
	char *sig = write_file("sig", "Alice\nexample.org\n\n", 19);
	struct mime_compose *c = mime_compose_new();
	mime_compose_set(&c->body, "Hi");
	struct lib_err err;
	assert_int_equal(mime_compose_add_signature(c, sig, &err), 0);
	assert_string_equal(c->body, "Hi\n-- \nAlice\nexample.org\n");
	assert_int_equal(mime_compose_add_signature(c, sig, &err), 0);
	assert_string_equal(c->body, "Hi\n-- \nAlice\nexample.org\n");
	char *missing = g_strdup_printf("%s/nosig", tmpdir);
	assert_int_equal(mime_compose_add_signature(c, missing, &err), -1);
	char *want = g_strdup_printf("signature: %s: No such file or directory", missing);
	assert_string_equal(err.msg, want);
	g_free(want);
	g_free(missing);
	g_free(sig);
	mime_compose_free(c);
}

/* --- replies and forwards -------------------------------------------------- */

static const char original[] =
	"From: Bob Example <bob@example.net>\n"
	"Reply-To: list@example.net\n"
	"To: Alice <alice@example.org>, Carol <carol@example.net>\n"
	"Cc: alice@work.example, dave@example.com\n"
	"Subject: =?utf-8?q?Caf=C3=A9?= plans\n"
	"Date: Mon, 13 Nov 2023 09:00:00 +0100\n"
	"Message-ID: <orig@example.net>\n"
	"References: <a@x> <b@x>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=B\n"
	"\n"
	"--B\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"Caf=E9 at noon?\n"
	"\n"
	"> earlier\n"
	"--B\n"
	"Content-Type: application/pdf; name=menu.pdf\n"
	"Content-Disposition: attachment; filename=menu.pdf\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"JVBERi0xLjQK\n"
	"--B--\n";


static void reply_to_sender(void **state)
{
	(void)state;
	struct lib_err err;
	struct mime_compose *c =
		mime_compose_reply(original, sizeof original - 1, &me, MIME_REPLY_SENDER, &err);
	assert_non_null(c);
	assert_string_equal(c->from, "Alice <alice@example.org>");
	assert_string_equal(c->to, "list@example.net"); /* Reply-To honoured */
	assert_null(c->cc);
	assert_string_equal(c->subject, "Re: Café plans");
	assert_string_equal(c->in_reply_to, "<orig@example.net>");
	assert_string_equal(c->references, "<a@x> <b@x> <orig@example.net>");
	assert_string_equal(c->body, "On Mon, 13 Nov 2023 09:00:00 +0100, Bob Example wrote:\n"
				     "> Café at noon?\n"
				     ">\n"
				     ">> earlier\n"
				     "\n");
	assert_int_equal(c->nattachments, 0);
	/* A second reply keeps one "Re:". */
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct mime_compose *again = mime_compose_reply(d.data, d.len, &me, MIME_REPLY_SENDER, &err);
	assert_string_equal(again->subject, "Re: Café plans");
	mime_compose_free(again);
	lib_buf_release(&d);
	mime_compose_free(c);
}

static void reply_to_group(void **state)
{
	(void)state;
	struct lib_err err;
	struct mime_compose *c =
		mime_compose_reply(original, sizeof original - 1, &me, MIME_REPLY_GROUP, &err);
	assert_non_null(c);
	assert_string_equal(c->to, "list@example.net");
	/* The user's own addresses (From and the extra one) are left out. */
	assert_string_equal(c->cc, "Carol <carol@example.net>, dave@example.com");
	mime_compose_free(c);

	/* Replying to one's own message goes to its recipients. */
	const char mine[] = "From: Alice <alice@example.org>\nTo: bob@example.net\n"
			    "Subject: x\nMessage-ID: <m@example.org>\n\nhi\n";
	c = mime_compose_reply(mine, sizeof mine - 1, &me, MIME_REPLY_SENDER, &err);
	assert_string_equal(c->to, "bob@example.net");
	assert_string_equal(c->references, "<m@example.org>");
	mime_compose_free(c);
	assert_null(mime_compose_reply("", 0, &me, MIME_REPLY_SENDER, &err));
	assert_string_equal(err.msg, "reply: not a message");
}

static void forward_inline(void **state)
{
	(void)state;
	struct lib_err err;
	struct mime_compose *c =
		mime_compose_forward(original, sizeof original - 1, &me, MIME_FORWARD_INLINE, &err);
	assert_non_null(c);
	assert_null(c->to);
	assert_string_equal(c->subject, "Fwd: Café plans");
	assert_string_equal(c->body, "\n----- Forwarded message from Bob Example -----\n\n"
				     "Date: Mon, 13 Nov 2023 09:00:00 +0100\n"
				     "From: Bob Example <bob@example.net>\n"
				     "To: Alice <alice@example.org>, Carol <carol@example.net>\n"
				     "Cc: alice@work.example, dave@example.com\n"
				     "Subject: Café plans\n"
				     "\nCafé at noon?\n\n> earlier\n"
				     "\n----- End forwarded message -----\n");
	assert_int_equal(c->nattachments, 1);
	assert_string_equal(c->attachments[0].filename, "menu.pdf");
	assert_string_equal(c->attachments[0].content_type, "application/pdf");
	assert_int_equal(c->attachments[0].len, 9);
	assert_memory_equal(c->attachments[0].data, "%PDF-1.4\n", 9);
	mime_compose_free(c);
}

static void forward_attached(void **state)
{
	(void)state;
	struct lib_err err;
	struct mime_compose *c =
		mime_compose_forward(original, sizeof original - 1, &me, MIME_FORWARD_ATTACH, &err);
	mime_compose_set(&c->to, "eve@example.com");
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct mime_outgoing out;
	prepare_ok(d.data, d.len, &out);
	GMimeMessage *m = parse(out.wire, out.wire_len);
	GMimeMultipart *mp = GMIME_MULTIPART(g_mime_message_get_mime_part(m));
	assert_int_equal(g_mime_multipart_get_count(mp), 2);
	GMimeObject *fwd = g_mime_multipart_get_part(mp, 1);
	assert_true(GMIME_IS_MESSAGE_PART(fwd));
	GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(fwd));
	assert_string_equal(g_mime_message_get_message_id(inner), "orig@example.net");
	assert_string_equal(g_mime_message_get_subject(inner), "Café plans");
	g_object_unref(m);
	mime_outgoing_release(&out);
	lib_buf_release(&d);
	mime_compose_free(c);
}

/* A draft saved and resumed gives back what was written. */
static void draft_resumed(void **state)
{
	(void)state;
	struct mime_compose *c = sample();
	mime_compose_set(&c->in_reply_to, "<orig@example.net>");
	mime_compose_set(&c->references, "<a@x> <orig@example.net>");
	mime_compose_attach_file(c, "/tmp/later.pdf");
	mime_compose_attach_data(c, "\x00\x01\xff", 3, "bytes.bin", "application/octet-stream");
	struct lib_buf d = LIB_BUF_INIT;
	mime_compose_draft(c, NULL, &d);
	struct lib_err err;
	struct mime_compose *back = mime_compose_from_draft(d.data, d.len, &err);
	assert_non_null(back);
	assert_string_equal(back->from, c->from);
	assert_string_equal(back->to, c->to);
	assert_string_equal(back->cc, c->cc);
	assert_string_equal(back->bcc, c->bcc);
	assert_string_equal(back->subject, c->subject);
	assert_string_equal(back->in_reply_to, c->in_reply_to);
	assert_string_equal(back->references, c->references);
	assert_string_equal(back->message_id, c->message_id);
	assert_string_equal(back->body, c->body);
	assert_int_equal(back->nattachments, 2);
	assert_string_equal(back->attachments[0].path, "/tmp/later.pdf");
	assert_string_equal(back->attachments[1].filename, "bytes.bin");
	assert_int_equal(back->attachments[1].len, 3);
	assert_memory_equal(back->attachments[1].data, "\x00\x01\xff", 3);
	mime_compose_free(back);
	lib_buf_release(&d);
	mime_compose_free(c);
}

/* --- attachment types ---------------------------------------------------------- */

struct type_case {
	const char *data;
	size_t len;
	const char *name;
	const char *type;
};

static const struct type_case type_cases[] = {
	{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89", 33,
	  "noextension", "image/png" },
	{ "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15, "report", "application/pdf" },
	{ "a,b\n1,2\n", 8, "table.csv", "text/csv" },
	{ "plain words\n", 12, "notes", "text/plain" },
	{ "", 0, "empty.bin", "application/octet-stream" },
	{ "", 0, "empty.pdf", "application/pdf" },
	{ "\x01\x02\x03\x04\xfe\xff\x00\x10", 8, "blob", "application/octet-stream" },
	{ "GIF89a\x01\x00\x01\x00\x80\x00\x00", 13, "picture.png", "image/gif" },
};

static void attachment_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof type_cases / sizeof type_cases[0]; i++) {
		const struct type_case *tc = &type_cases[i];
		char *type = mime_guess_type(tc->data, tc->len, tc->name);
		if (strcmp(type, tc->type) != 0)
			fail_msg("%s: got %s, want %s", tc->name, type, tc->type);
		free(type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(draft_headers),
		cmocka_unit_test(ascii_body_is_7bit),
		cmocka_unit_test(outgoing_bcc_and_envelope),
		cmocka_unit_test(outgoing_attachments),
		cmocka_unit_test(outgoing_missing_attachment),
		cmocka_unit_test(outgoing_recipients),
		cmocka_unit_test(outgoing_hand_written),
		cmocka_unit_test(draft_keeps_bad_addresses),
		cmocka_unit_test(outgoing_raw_received),
		cmocka_unit_test(reply_to_unreadable_addresses),
		cmocka_unit_test(size_limit),
		cmocka_unit_test(flowed_table),
		cmocka_unit_test(edit_text_round_trip),
		cmocka_unit_test(edit_text_errors),
		cmocka_unit_test(mailto_urls),
		cmocka_unit_test(signature),
		cmocka_unit_test(reply_to_sender),
		cmocka_unit_test(reply_to_group),
		cmocka_unit_test(forward_inline),
		cmocka_unit_test(forward_attached),
		cmocka_unit_test(draft_resumed),
		cmocka_unit_test(attachment_types),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
