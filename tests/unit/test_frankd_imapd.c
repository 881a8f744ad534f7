/* test_frankd_imapd.c: frankd's IMAP grammar (the framer, commands as
 * tokens, sequence sets, flags, fetch attributes, search keys, dates),
 * the uidlist and Maildir flag names, as tables of input and output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

/* --- commands ------------------------------------------------------------- */

struct parse_case {
	const char *text;
	const char *tag;
	enum frankd_imap_verb verb;
	int uid;
	const char *args;  /* the tokens: atoms as is, strings in <>, ( and ) */
	const char *error; /* NULL: parses */
};

static const struct parse_case parse_cases[] = {
	{ "a1 CAPABILITY\r\n", "a1", FRANKD_IMAP_CAPABILITY, 0, "", NULL },
	{ "a1 noop", "a1", FRANKD_IMAP_NOOP, 0, "", NULL },
	{ "x LOGIN bob \"pa ss\\\"w\\\\\"\r\n", "x", FRANKD_IMAP_LOGIN, 0, "bob <pa ss\"w\\>", NULL },
	{ "x LOGIN {3}\r\nbob {2+}\r\npw\r\n", "x", FRANKD_IMAP_LOGIN, 0, "<bob> <pw>", NULL },
	{ "t UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>)", "t",
	  FRANKD_IMAP_FETCH, 1, "1:* ( UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10> )", NULL },
	{ "t STORE 2 +FLAGS.SILENT (\\Seen \\Deleted)", "t", FRANKD_IMAP_STORE, 0,
	  "2 +FLAGS.SILENT ( \\Seen \\Deleted )", NULL },
	{ "t LIST \"\" %", "t", FRANKD_IMAP_LIST, 0, "<> %", NULL },
	{ "t SEARCH OR (SEEN FLAGGED) NOT UID 3", "t", FRANKD_IMAP_SEARCH, 0,
	  "OR ( SEEN FLAGGED ) NOT UID 3", NULL },
	{ "t IDLE", "t", FRANKD_IMAP_IDLE, 0, "", NULL },
	{ "t APPEND Sent (\\Seen) \"05-Mar-2024 10:00:00 +0100\" {5+}\r\nhello\r\n", "t",
	  FRANKD_IMAP_APPEND, 0, "Sent ( \\Seen ) <05-Mar-2024 10:00:00 +0100> <hello>", NULL },
	{ "t UID COPY 1:3 Archive", "t", FRANKD_IMAP_COPY, 1, "1:3 Archive", NULL },
	{ "t UID EXPUNGE 4:5", "t", FRANKD_IMAP_EXPUNGE, 1, "4:5", NULL },
	{ "", "", FRANKD_IMAP_UNKNOWN, 0, NULL, "Missing or bad tag" },
	{ "+ NOOP", "", FRANKD_IMAP_UNKNOWN, 0, NULL, "Missing or bad tag" },
	{ "a1", "", FRANKD_IMAP_UNKNOWN, 0, NULL, "Missing or bad tag" },
	{ "a1 FROB", "a1", FRANKD_IMAP_UNKNOWN, 0, NULL, "Unknown command" },
	{ "a1 NOOPX", "a1", FRANKD_IMAP_UNKNOWN, 0, NULL, "Unknown command" },
	{ "a1 UID LOGIN a b", "a1", FRANKD_IMAP_LOGIN, 1, NULL, "Unknown UID command" },
	{ "a1 LOGIN \"bob", "a1", FRANKD_IMAP_LOGIN, 0, NULL, "Bad quoted string" },
	{ "a1 LOGIN \"b\\ob\" x", "a1", FRANKD_IMAP_LOGIN, 0, NULL, "Bad quoted string" },
	{ "a1 LOGIN {5}\r\nbob", "a1", FRANKD_IMAP_LOGIN, 0, NULL, "Literal longer than the command" },
	{ "a1 LOGIN {x}\r\nbob", "a1", FRANKD_IMAP_LOGIN, 0, NULL, "Bad literal" },
	{ "a1 SELECT (INBOX", "a1", FRANKD_IMAP_SELECT, 0, NULL, "Unbalanced parenthesis" },
	{ "a1 SELECT INBOX)", "a1", FRANKD_IMAP_SELECT, 0, NULL, "Unbalanced parenthesis" },
	{ "a1 SELECT (((((((((x)))))))))", "a1", FRANKD_IMAP_SELECT, 0, NULL, "Too deeply nested" },
	{ "a1 FETCH 1 BODY[HEADER", "a1", FRANKD_IMAP_FETCH, 0, NULL, "Bad atom" },
	{ "a1 NOOP \x01", "a1", FRANKD_IMAP_NOOP, 0, NULL, "Bad atom" },
};

static void tokens_text(const struct frankd_imap_cmd *cmd, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cmd->nargs && n + 1 < size; i++) {
		const struct frankd_imap_token *t = &cmd->args[i];
		n += (size_t)snprintf(out + n, size - n, t->kind == FRANKD_IMAP_STRING ? "%s<%s>" : "%s%s",
				      i ? " " : "", t->text);
	}
}

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];
		struct frankd_imap_cmd cmd;
		const char *error = NULL;
		int rc = frankd_imap_parse(c->text, strlen(c->text), &cmd, &error);
		assert_string_equal(cmd.tag, c->tag);
		if (c->error) {
			assert_int_equal(rc, -1);
			assert_string_equal(error, c->error);
		} else {
			char text[512];
			assert_int_equal(rc, 0);
			assert_int_equal(cmd.verb, c->verb);
			assert_int_equal(cmd.uid, c->uid);
			tokens_text(&cmd, text, sizeof text);
			assert_string_equal(text, c->args);
		}
		frankd_imap_cmd_release(&cmd);
	}
	assert_string_equal(frankd_imap_verb_str(FRANKD_IMAP_UNSELECT), "UNSELECT");
}

/* --- the framer --------------------------------------------------------------- */

struct frame_step {
	const char *data;
	enum frankd_imap_frame_status status;
	size_t used;
};

struct frame_case {
	struct frame_step steps[4];
	size_t nsteps;
};

static const struct frame_case frame_cases[] = {
	{ { { "a NOOP\r\nb NOOP\r\n", FRANKD_IMAP_FRAME_DONE, 8 } }, 1 },
	{ { { "a NO", FRANKD_IMAP_FRAME_MORE, 4 }, { "OP\n", FRANKD_IMAP_FRAME_DONE, 3 } }, 2 },
	{ { { "a LOGIN {3}\r\n", FRANKD_IMAP_FRAME_CONTINUE, 13 },
	    { "bob {2+}\r\np", FRANKD_IMAP_FRAME_MORE, 11 },
	    { "w\r\nc NOOP\r\n", FRANKD_IMAP_FRAME_DONE, 3 } }, 3 },
	{ { { "a APPEND x {3}\r\n{}\n\r\n", FRANKD_IMAP_FRAME_CONTINUE, 16 },
	    { "{}\n\r\n", FRANKD_IMAP_FRAME_DONE, 5 } }, 2 },
	{ { { "a SELECT xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	      FRANKD_IMAP_FRAME_TOO_LONG, 65 } }, 1 },
	{ { { "a LOGIN {1000}\r\n", FRANKD_IMAP_FRAME_TOO_LONG, 16 } }, 1 },
	{ { { "a LOGIN {99999999999}\r\n", FRANKD_IMAP_FRAME_DONE, 23 } }, 1 },
};

static void test_frame_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof frame_cases / sizeof frame_cases[0]; i++) {
		struct frankd_imap_framer f;
		frankd_imap_framer_init(&f, 64, 200);
		for (size_t k = 0; k < frame_cases[i].nsteps; k++) {
			const struct frame_step *st = &frame_cases[i].steps[k];
			size_t used = 0;
			assert_int_equal(frankd_imap_frame_feed(&f, st->data, strlen(st->data), &used),
					 st->status);
			assert_int_equal(used, st->used);
		}
	}
}

/* --- sequence sets, flags ---------------------------------------------------------- */

static void test_seqset(void **state)
{
	(void)state;
	struct frankd_imap_seqset set;
	assert_int_equal(frankd_imap_seqset_parse("1:3,5,7:*", &set), 0);
	assert_int_equal(set.count, 3);
	static const int in10[] = { 1, 1, 1, 0, 1, 0, 1, 1, 1, 1 };
	for (uint32_t n = 1; n <= 10; n++)
		assert_int_equal(frankd_imap_seqset_has(&set, n, 10), in10[n - 1]);
	assert_int_equal(frankd_imap_seqset_has(&set, 6, 6), 1); /* 7:* is 6:7 */
	frankd_imap_seqset_release(&set);
	assert_int_equal(frankd_imap_seqset_parse("4:2", &set), 0);
	assert_int_equal(frankd_imap_seqset_has(&set, 3, 9), 1);
	frankd_imap_seqset_release(&set);
	static const char *const bad[] = { "", "0", "1:", ":1", "1,", "a", "1:2:3", "4294967295",
					   "01x", "1 2" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(frankd_imap_seqset_parse(bad[i], &set), -1);
}

static void test_flags(void **state)
{
	(void)state;
	struct frankd_imap_token t[3] = { { FRANKD_IMAP_ATOM, "\\seen", 5 },
					  { FRANKD_IMAP_ATOM, "\\Flagged", 8 },
					  { FRANKD_IMAP_ATOM, "custom", 6 } };
	unsigned flags;
	assert_int_equal(frankd_imap_flags_parse(t, 2, &flags), 0);
	assert_int_equal(flags, FRANKD_FLAG_SEEN | FRANKD_FLAG_FLAGGED);
	assert_int_equal(frankd_imap_flags_parse(t, 3, &flags), -1);
	struct lib_buf out = LIB_BUF_INIT;
	frankd_imap_flags_format(FRANKD_FLAG_SEEN | FRANKD_FLAG_ANSWERED | FRANKD_FLAG_DRAFT, &out);
	assert_string_equal(out.data, "\\Answered \\Seen \\Draft");
	lib_buf_release(&out);

	assert_int_equal(frankd_maildir_flags("1.M2.host:2,FRS"),
			 FRANKD_FLAG_FLAGGED | FRANKD_FLAG_ANSWERED | FRANKD_FLAG_SEEN);
	assert_int_equal(frankd_maildir_flags("1.M2.host"), 0);
	static const struct {
		const char *from;
		unsigned flags;
		const char *to;
	} renames[] = {
		{ "1.M2.host", FRANKD_FLAG_SEEN, "1.M2.host:2,S" },
		{ "1.M2.host:2,S", FRANKD_FLAG_SEEN | FRANKD_FLAG_DELETED | FRANKD_FLAG_DRAFT,
		  "1.M2.host:2,DST" },
		{ "1.M2.host:2,aSz", FRANKD_FLAG_FLAGGED, "1.M2.host:2,Faz" },
		{ "1.M2.host:2,FS", 0, "1.M2.host:2," },
	};
	for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++) {
		char *name = frankd_maildir_with_flags(renames[i].from, renames[i].flags);
		assert_string_equal(name, renames[i].to);
		free(name);
	}
}

/* --- fetch, search, dates ----------------------------------------------------------- */

static void test_fetch(void **state)
{
	(void)state;
	struct frankd_imap_cmd cmd;
	const char *error;
	struct frankd_imap_fetch f;
	static const char text[] = "t FETCH 1 (FAST UID BODY.PEEK[] BODY[TEXT]<5.10> RFC822.HEADER)";
	assert_int_equal(frankd_imap_parse(text, strlen(text), &cmd, &error), 0);
	assert_int_equal(frankd_imap_fetch_parse(cmd.args + 1, cmd.nargs - 1, &f, &error), 0);
	assert_int_equal(f.items, FRANKD_FETCH_UID | FRANKD_FETCH_FLAGS | FRANKD_FETCH_INTERNALDATE |
					  FRANKD_FETCH_RFC822_SIZE);
	assert_int_equal(f.nsections, 3);
	assert_string_equal(f.sections[0].name, "BODY[]");
	assert_int_equal(f.sections[0].peek, 1);
	assert_string_equal(f.sections[1].name, "BODY[TEXT]<5>");
	assert_int_equal(f.sections[1].kind, FRANKD_SECTION_TEXT);
	assert_int_equal(f.sections[1].offset, 5);
	assert_int_equal(f.sections[1].count, 10);
	assert_int_equal(f.sections[1].peek, 0);
	assert_string_equal(f.sections[2].name, "RFC822.HEADER");
	assert_int_equal(f.sections[2].kind, FRANKD_SECTION_HEADER);
	frankd_imap_cmd_release(&cmd);

	static const char fields[] = "t FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Received x-spam)]<2.3>";
	assert_int_equal(frankd_imap_parse(fields, strlen(fields), &cmd, &error), 0);
	assert_int_equal(frankd_imap_fetch_parse(cmd.args + 1, cmd.nargs - 1, &f, &error), 0);
	assert_int_equal(f.sections[0].kind, FRANKD_SECTION_FIELDS_NOT);
	assert_string_equal(f.sections[0].fields, " Received x-spam ");
	assert_string_equal(f.sections[0].name, "BODY[HEADER.FIELDS.NOT (Received x-spam)]<2>");
	frankd_imap_cmd_release(&cmd);

	static const char header[] = "From: a\r\nX-Spam: yes\r\n  folded\r\nSubject: s\r\n\r\n";
	static const struct {
		const char *fields;
		int want;
		const char *out;
	} picks[] = {
		{ " subject FROM ", 1, "From: a\r\nSubject: s\r\n\r\n" },
		{ " x-spam ", 1, "X-Spam: yes\r\n  folded\r\n\r\n" },
		{ " x-spam ", 0, "From: a\r\nSubject: s\r\n\r\n" },
		{ " Message-ID ", 1, "\r\n" },
		{ " X ", 1, "\r\n" },
	};
	for (size_t i = 0; i < sizeof picks / sizeof picks[0]; i++) {
		struct lib_buf out = LIB_BUF_INIT;
		frankd_imap_header_fields(header, strlen(header), picks[i].fields, picks[i].want, &out);
		assert_string_equal(out.data, picks[i].out);
		lib_buf_release(&out);
	}

	static const struct {
		const char *items;
		const char *error;
	} bad[] = {
		{ "t FETCH 1 BODY[1.X]", "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or "
					 "[HEADER.FIELDS (...)] expected" },
		{ "t FETCH 1 BODY[0]", "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or "
				       "[HEADER.FIELDS (...)] expected" },
		{ "t FETCH 1 BODY[1.]", "Bad section part number" },
		{ "t FETCH 1 BODY[1..2]", "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or "
					  "[HEADER.FIELDS (...)] expected" },
		{ "t FETCH 1 BODY[99999999999]", "Bad section part number" },
		{ "t FETCH 1 BODY[1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1]", "Bad section part number" },
		{ "t FETCH 1 BODY[MIME]", "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or "
					  "[HEADER.FIELDS (...)] expected" },
		{ "t FETCH 1 BODY[HEADER.FIELDS ()]", "Bad section: [1.2], [1.2.MIME], [HEADER], "
						     "[TEXT] or [HEADER.FIELDS (...)] expected" },
		{ "t FETCH 1 BODY[]<1>", "Bad partial" },
		{ "t FETCH 1 BODY[]<1.0>", "Bad partial" },
		{ "t FETCH 1 (FLAGS", NULL },
		{ "t FETCH 1 FROB", "Unknown fetch attribute" },
		{ "t FETCH 1 (FLAGS \"UID\")", "Bad fetch attribute" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = frankd_imap_parse(bad[i].items, strlen(bad[i].items), &cmd, &error);
		if (!bad[i].error) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(frankd_imap_fetch_parse(cmd.args + 1, cmd.nargs - 1, &f, &error),
					 -1);
			assert_string_equal(error, bad[i].error);
		}
		frankd_imap_cmd_release(&cmd);
	}
}

struct search_case {
	const char *text;
	const char *shape; /* the tree: keys by number, children in () */
	const char *error;
};

static void shape(const struct frankd_imap_search *s, struct lib_buf *out)
{
	lib_buf_printf(out, "%d", (int)s->key);
	if (s->value)
		lib_buf_printf(out, "[%s%s%s]", s->field ? s->field : "", s->field ? "=" : "", s->value);
	if (s->key == FRANKD_SEARCH_SINCE || s->key == FRANKD_SEARCH_ON)
		lib_buf_printf(out, "@%lld", s->day);
	if (s->key == FRANKD_SEARCH_LARGER)
		lib_buf_printf(out, ">%llu", (unsigned long long)s->number);
	if (!s->nchildren)
		return;
	lib_buf_putc(out, '(');
	for (size_t i = 0; i < s->nchildren; i++) {
		if (i)
			lib_buf_putc(out, ' ');
		shape(&s->children[i], out);
	}
	lib_buf_putc(out, ')');
}

static const struct search_case search_cases[] = {
	{ "t SEARCH ALL", "1(0)", NULL },
	{ "t SEARCH CHARSET UTF-8 UNSEEN FLAGGED", "1(7 6)", NULL },
	{ "t SEARCH OR SEEN (FROM alice SUBJECT \"hi there\")", "1(2(6 1(8[FROM=alice] 8[SUBJECT=hi there])))", NULL },
	{ "t SEARCH NOT 1:3 UID 5", "1(3(4) 5)", NULL },
	{ "t SEARCH HEADER X-Spam yes BODY b TEXT t", "1(8[X-Spam=yes] 9[b] 10[t])", NULL },
	{ "t SEARCH SINCE 1-Jan-1970 ON 2-Jan-1970 LARGER 100", "1(13@0 12@1 14>100)", NULL },
	{ "t SEARCH", NULL, "Empty search" },
	{ "t SEARCH CHARSET KOI8-R ALL", NULL, "[BADCHARSET (UTF-8 US-ASCII)] Unknown charset" },
	{ "t SEARCH FROM", NULL, "Search key without its argument" },
	{ "t SEARCH NOT", NULL, "NOT or OR without its key" },
	{ "t SEARCH OR SEEN", NULL, "NOT or OR without its key" },
	{ "t SEARCH SINCE 32-Jan-2024", NULL, "Bad date" },
	{ "t SEARCH LARGER x", NULL, "Bad number" },
	{ "t SEARCH FROB x", NULL, "Unknown search key" },
	{ "t SEARCH ()", NULL, "Empty search" },
	{ "t SEARCH \"ALL\"", NULL, "Bad search key" },
};

static void test_search_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof search_cases / sizeof search_cases[0]; i++) {
		const struct search_case *c = &search_cases[i];
		struct frankd_imap_cmd cmd;
		const char *error = NULL;
		assert_int_equal(frankd_imap_parse(c->text, strlen(c->text), &cmd, &error), 0);
		struct frankd_imap_search *s = frankd_imap_search_parse(cmd.args, cmd.nargs, &error);
		if (c->error) {
			assert_null(s);
			assert_string_equal(error, c->error);
		} else {
			struct lib_buf out = LIB_BUF_INIT;
			assert_non_null(s);
			shape(s, &out);
			assert_string_equal(out.data, c->shape);
			lib_buf_release(&out);
		}
		frankd_imap_search_free(s);
		frankd_imap_cmd_release(&cmd);
	}
}

static void test_dates(void **state)
{
	(void)state;
	long long day;
	assert_int_equal(frankd_imap_date_parse("1-Jan-1970", &day), 0);
	assert_int_equal(day, 0);
	assert_int_equal(frankd_imap_date_parse("29-feb-2024", &day), 0);
	assert_int_equal(day, 19782);
	assert_int_equal(frankd_imap_date_parse("1-Foo-2024", &day), -1);
	assert_int_equal(frankd_imap_date_parse("1-Jan-24", &day), -1);
	assert_int_equal(frankd_imap_date_parse("1-Jan-2024x", &day), -1);
	static const struct {
		const char *text;
		long long when; /* -1: refused */
	} times[] = {
		{ "05-Mar-2024 10:00:00 +0100", 1709629200 },
		{ " 5-Mar-2024 09:00:00 +0000", 1709629200 },
		{ "5-Mar-2024 04:00:00 -0500", 1709629200 },
		{ "05-Mar-2024 24:00:00 +0000", -1 },
		{ "05-Mar-2024 10:00:00 0100", -1 },
		{ "05-Mar-2024 10:00:00 +0160", -1 },
		{ "05-Mar-2024 10:00 +0100", -1 },
		{ "05-Mar-2024 10:00:00 +0100x", -1 },
	};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		long long when = 0;
		int rc = frankd_imap_datetime_parse(times[i].text, &when);
		assert_int_equal(rc, times[i].when < 0 ? -1 : 0);
		if (rc == 0)
			assert_int_equal(when, times[i].when);
	}
	char out[32];
	frankd_imap_datetime_format(1709209200, out);
	assert_string_equal(out, "29-Feb-2024 12:20:00 +0000");
	struct lib_buf s = LIB_BUF_INIT;
	frankd_imap_string(&s, "a\"b", 3);
	frankd_imap_string(&s, "x\r\ny", 4);
	assert_string_equal(s.data, "\"a\\\"b\"{4}\r\nx\r\ny");
	lib_buf_release(&s);
}

/* --- the uidlist, CRLF ---------------------------------------------------------------- */

static void test_uidlist(void **state)
{
	(void)state;
	static const char good[] = "frankd-uidlist 1 V1700000000 N10\n3 1.M1P1.host\n9 2.M2P2.host\n";
	struct frankd_uidlist list;
	struct lib_err err;
	assert_int_equal(frankd_uidlist_parse(good, strlen(good), &list, &err), 0);
	assert_int_equal(list.uidvalidity, 1700000000);
	assert_int_equal(list.uidnext, 10);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.entries[1].name, "2.M2P2.host");
	struct lib_buf out = LIB_BUF_INIT;
	frankd_uidlist_format(&list, &out);
	/* version 1 is read, version 2 written (test_frankd_modseq.c) */
	assert_string_equal(out.data, "frankd-uidlist 2 V1700000000 N10 M1 E0\n"
				      "3 1 - 1.M1P1.host\n9 1 - 2.M2P2.host\n");
	lib_buf_release(&out);
	frankd_uidlist_release(&list);
	static const struct {
		const char *text;
		const char *error;
	} bad[] = {
		{ "", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N2\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 1 V0 N2\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 1 V1 N2", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 1 V1 N5\n3 a\n2 b\n", "line 3: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n5 a\n", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n1 a:2,S\n", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n1 a b\n", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n1 .x\n", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n1 a", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n01 a\n", "line 2: bad entry" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(frankd_uidlist_parse(bad[i].text, strlen(bad[i].text), &list, &err), -1);
		assert_string_equal(err.msg, bad[i].error);
	}
	static const struct {
		const char *in, *out;
	} crlf[] = {
		{ "a\nb\n", "a\r\nb\r\n" }, { "a\r\nb", "a\r\nb\r\n" }, { "", "" }, { "\n\n", "\r\n\r\n" },
	};
	for (size_t i = 0; i < sizeof crlf / sizeof crlf[0]; i++) {
		struct lib_buf b = LIB_BUF_INIT;
		frankd_crlf_append(crlf[i].in, strlen(crlf[i].in), &b);
		assert_string_equal(b.data ? b.data : "", crlf[i].out);
		assert_int_equal(b.len, frankd_crlf_size(crlf[i].in, strlen(crlf[i].in)));
		lib_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table), cmocka_unit_test(test_frame_table),
		cmocka_unit_test(test_seqset),      cmocka_unit_test(test_flags),
		cmocka_unit_test(test_fetch),       cmocka_unit_test(test_search_table),
		cmocka_unit_test(test_dates),       cmocka_unit_test(test_uidlist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
