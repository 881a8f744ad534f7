/* test_frankd_imapd_ext.c: the grammar of frankd's IMAP extensions: the new
 * verbs as tokens, and the names files (subscriptions), as tables of
 * input and output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

struct verb_case {
	const char *text;
	enum frankd_imap_verb verb;
	int uid;
	size_t nargs;
	const char *error;
};

static const struct verb_case verb_cases[] = {
	{ "a DELETE Work", FRANKD_IMAP_DELETE, 0, 1, NULL },
	{ "a RENAME \"Work\" Job/Old", FRANKD_IMAP_RENAME, 0, 2, NULL },
	{ "a SUBSCRIBE Trash", FRANKD_IMAP_SUBSCRIBE, 0, 1, NULL },
	{ "a unsubscribe {5+}\r\nTrash", FRANKD_IMAP_UNSUBSCRIBE, 0, 1, NULL },
	{ "a NAMESPACE", FRANKD_IMAP_NAMESPACE, 0, 0, NULL },
	{ "a ID (\"name\" \"mutt\" \"version\" NIL)", FRANKD_IMAP_ID, 0, 6, NULL },
	{ "a ID NIL", FRANKD_IMAP_ID, 0, 1, NULL },
	{ "a ENABLE CONDSTORE QRESYNC", FRANKD_IMAP_ENABLE, 0, 2, NULL },
	{ "a MOVE 1:3 Trash", FRANKD_IMAP_MOVE, 0, 2, NULL },
	{ "a UID MOVE 4,7:* \"Old mail\"", FRANKD_IMAP_MOVE, 1, 2, NULL },
	{ "a UID DELETE Work", FRANKD_IMAP_DELETE, 1, 0, "Unknown UID command" },
	{ "a UID NAMESPACE", FRANKD_IMAP_NAMESPACE, 1, 0, "Unknown UID command" },
	{ "a MOVES 1 x", FRANKD_IMAP_UNKNOWN, 0, 0, "Unknown command" },
	{ "a IDX", FRANKD_IMAP_UNKNOWN, 0, 0, "Unknown command" },
};

static void test_verbs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof verb_cases / sizeof verb_cases[0]; i++) {
		const struct verb_case *c = &verb_cases[i];
		struct frankd_imap_cmd cmd;
		const char *error = NULL;
		int rc = frankd_imap_parse(c->text, strlen(c->text), &cmd, &error);
		if (c->error) {
			assert_int_equal(rc, -1);
			assert_string_equal(error, c->error);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(cmd.verb, c->verb);
			assert_int_equal(cmd.uid, c->uid);
			assert_int_equal(cmd.nargs, c->nargs);
			assert_string_equal(cmd.tag, "a");
		}
		frankd_imap_cmd_release(&cmd);
	}
	assert_string_equal(frankd_imap_verb_str(FRANKD_IMAP_UNSUBSCRIBE), "UNSUBSCRIBE");
	assert_string_equal(frankd_imap_verb_str(FRANKD_IMAP_MOVE), "MOVE");
}

struct names_case {
	const char *text;
	const char *names; /* "|" between them, as parsed; NULL: an error */
	const char *error;
};

static const struct names_case names_cases[] = {
	{ "frankd-subscriptions 1\n", "", NULL },
	{ "frankd-subscriptions 1\nINBOX\nWork/Old\n&AOk-t&AOk-\n", "INBOX|Work/Old|&AOk-t&AOk-", NULL },
	{ "frankd-subscriptions 1\nwith space\n", "with space", NULL },
	{ "", NULL, "line 1: not a \"frankd-subscriptions 1\" file" },
	{ "frankd-subscriptions 2\n", NULL, "line 1: not a \"frankd-subscriptions 1\" file" },
	{ "frankd-subscriptions 1", NULL, "line 1: not a \"frankd-subscriptions 1\" file" },
	{ "frankd-subscriptions 1\nINBOX", NULL, "line 2: bad name" },
	{ "frankd-subscriptions 1\nA\n\nB\n", NULL, "line 3: bad name" },
	{ "frankd-subscriptions 1\nA\nA\n", NULL, "line 3: bad name" },
	{ "frankd-subscriptions 1\na\tb\n", NULL, "line 2: bad name" },
	{ "frankd-subscriptions 1\na\rb\n", NULL, "line 2: bad name" },
};

static void test_names_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof names_cases / sizeof names_cases[0]; i++) {
		const struct names_case *c = &names_cases[i];
		struct frankd_imap_names names;
		struct lib_err err;
		int rc = frankd_imap_names_parse(FRANKD_SUBSCRIPTIONS_MAGIC, c->text, strlen(c->text),
						 &names, &err);
		if (!c->names) {
			assert_int_equal(rc, -1);
			assert_string_equal(err.msg, c->error);
			assert_int_equal(names.count, 0);
			continue;
		}
		assert_int_equal(rc, 0);
		struct lib_buf joined = LIB_BUF_INIT, again = LIB_BUF_INIT;
		lib_buf_puts(&joined, "");
		for (size_t k = 0; k < names.count; k++)
			lib_buf_printf(&joined, "%s%s", k ? "|" : "", names.names[k]);
		assert_string_equal(joined.data, c->names);
		frankd_imap_names_format(FRANKD_SUBSCRIPTIONS_MAGIC, &names, &again);
		assert_string_equal(again.data, c->text); /* written as read */
		lib_buf_release(&joined);
		lib_buf_release(&again);
		frankd_imap_names_release(&names);
	}
}

static void test_names_edit(void **state)
{
	(void)state;
	struct frankd_imap_names names = { NULL, 0 };
	assert_int_equal(frankd_imap_names_add(&names, "INBOX"), 0);
	assert_int_equal(frankd_imap_names_add(&names, "Work"), 1);
	assert_int_equal(frankd_imap_names_add(&names, "INBOX"), 0); /* once */
	assert_int_equal(frankd_imap_names_add(&names, ""), -1);
	assert_int_equal(frankd_imap_names_add(&names, "a\nb"), -1);
	assert_int_equal(frankd_imap_names_find(&names, "Work"), 1);
	frankd_imap_names_remove(&names, "INBOX");
	frankd_imap_names_remove(&names, "Nope");
	assert_int_equal(names.count, 1);
	assert_int_equal(frankd_imap_names_find(&names, "INBOX"), -1);
	assert_int_equal(frankd_imap_names_find(&names, "Work"), 0);
	frankd_imap_names_release(&names);
	frankd_imap_names_release(&names); /* twice is fine */
}

struct info_case {
	const char *name;
	unsigned flags;
	uint32_t keywords;
	const char *renamed;
};

static const struct info_case info_cases[] = {
	{ "1.M1P1.h", FRANKD_FLAG_SEEN, 1, "1.M1P1.h:2,Sa" },
	{ "1.M1P1.h:2,S", FRANKD_FLAG_SEEN | FRANKD_FLAG_FLAGGED, 5, "1.M1P1.h:2,FSac" },
	{ "1.M1P1.h:2,FSac", FRANKD_FLAG_SEEN, 0, "1.M1P1.h:2,S" },
	{ "1.M1P1.h:2,PSbz", FRANKD_FLAG_SEEN, UINT32_C(1) << 25, "1.M1P1.h:2,PSz" },
	{ "1.M1P1.h:2,S~", 0, 2, "1.M1P1.h:2,b~" },
};

static void test_info_keywords(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof info_cases / sizeof info_cases[0]; i++) {
		char *renamed = frankd_maildir_with_keywords(info_cases[i].name, info_cases[i].flags,
							     info_cases[i].keywords);
		assert_string_equal(renamed, info_cases[i].renamed);
		assert_int_equal(frankd_maildir_keywords(renamed), info_cases[i].keywords);
		assert_int_equal(frankd_maildir_flags(renamed), info_cases[i].flags);
		free(renamed);
	}
	assert_int_equal(frankd_maildir_keywords("1.M1P1.h"), 0);
	assert_int_equal(frankd_maildir_keywords("1.M1P1.h:2,acDS"), 5);
}

struct flag_list_case {
	const char *command;
	int rc;
	unsigned flags;
	const char *keywords; /* "|" between */
};

static const struct flag_list_case flag_list_cases[] = {
	{ "a STORE 1 FLAGS \\Seen $Junk", 0, FRANKD_FLAG_SEEN, "$Junk" },
	{ "a STORE 1 FLAGS \\seen $Junk $Forwarded $junk", 0, FRANKD_FLAG_SEEN,
	  "$Junk|$Forwarded|$junk" },
	{ "a STORE 1 FLAGS custom", 0, 0, "custom" },
	{ "a STORE 1 FLAGS \\Frob", -1, 0, "" },
	{ "a STORE 1 FLAGS \"quoted\"", -1, 0, "" },
	{ "a STORE 1 FLAGS a]b", -1, 0, "" },
	{ "a STORE 1 FLAGS a%b", -1, 0, "" },
};

static void test_flag_list(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof flag_list_cases / sizeof flag_list_cases[0]; i++) {
		const struct flag_list_case *c = &flag_list_cases[i];
		struct frankd_imap_cmd cmd;
		const char *error;
		assert_int_equal(frankd_imap_parse(c->command, strlen(c->command), &cmd, &error), 0);
		struct frankd_imap_names kw = { NULL, 0 };
		unsigned flags = 99;
		int rc = frankd_imap_flag_list_parse(cmd.args + 2, cmd.nargs - 2, &flags, &kw);
		assert_int_equal(rc, c->rc);
		if (rc == 0) {
			struct lib_buf joined = LIB_BUF_INIT;
			lib_buf_puts(&joined, "");
			for (size_t k = 0; k < kw.count; k++)
				lib_buf_printf(&joined, "%s%s", k ? "|" : "", kw.names[k]);
			assert_int_equal(flags, c->flags);
			assert_string_equal(joined.data, c->keywords);
			lib_buf_release(&joined);
		}
		frankd_imap_names_release(&kw);
		frankd_imap_cmd_release(&cmd);
	}
}

static void test_search_keyword(void **state)
{
	(void)state;
	static const char *const texts[] = { "a SEARCH KEYWORD $Junk", "a SEARCH UNKEYWORD x",
					     "a SEARCH KEYWORD" };
	for (size_t i = 0; i < 3; i++) {
		struct frankd_imap_cmd cmd;
		const char *error = NULL;
		assert_int_equal(frankd_imap_parse(texts[i], strlen(texts[i]), &cmd, &error), 0);
		struct frankd_imap_search *s = frankd_imap_search_parse(cmd.args, cmd.nargs, &error);
		if (i == 2) {
			assert_null(s);
			assert_string_equal(error, "Search key without its argument");
		} else {
			assert_non_null(s);
			assert_int_equal(s->nchildren, 1);
			assert_int_equal(s->children[0].key,
					 i == 0 ? FRANKD_SEARCH_KEYWORD : FRANKD_SEARCH_UNKEYWORD);
			assert_string_equal(s->children[0].value, i == 0 ? "$Junk" : "x");
		}
		frankd_imap_search_free(s);
		frankd_imap_cmd_release(&cmd);
	}
}

/* Without a listen line, IMAP and POP3 listen too (frankd(8) says
 * which ports); the ports as root and not. */
static void test_default_listens(void **state)
{
	(void)state;
	static const struct {
		enum frankd_listen_mode mode;
		const char *root, *user;
	} want[] = {
		{ FRANKD_MODE_SMTP, "25", "2525" },  { FRANKD_MODE_SUBMISSION, "587", "2587" },
		{ FRANKD_MODE_SUBMISSIONS, "465", "2465" }, { FRANKD_MODE_POP3, "110", "2110" },
		{ FRANKD_MODE_POP3S, "995", "2995" }, { FRANKD_MODE_IMAP, "143", "2143" },
		{ FRANKD_MODE_IMAPS, "993", "2993" },
	};
	for (int is_root = 0; is_root < 2; is_root++) {
		struct frankd_conf *c = frankd_conf_new();
		struct lib_err err;
		assert_int_equal(frankd_conf_finish(c, "/etc/frankd", is_root, &err), 0);
		assert_int_equal(c->nlistens, 7);
		for (size_t i = 0; i < 7; i++) {
			assert_int_equal(c->listens[i].mode, want[i].mode);
			assert_string_equal(c->listens[i].port, is_root ? want[i].root : want[i].user);
			assert_string_equal(c->listens[i].address, "*");
		}
		frankd_conf_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verbs),
		cmocka_unit_test(test_names_table),
		cmocka_unit_test(test_names_edit),
		cmocka_unit_test(test_info_keywords),
		cmocka_unit_test(test_flag_list),
		cmocka_unit_test(test_search_keyword),
		cmocka_unit_test(test_default_listens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
