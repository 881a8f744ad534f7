/* test_frankd_modseq.c: the uidlist's version 2 (mod-sequences, the
 * expunged) and the CONDSTORE/QRESYNC arguments of frankd's IMAP server,
 * as tables of input and expected result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static void test_uidlist_v2(void **state)
{
	(void)state;
	static const char good[] = "frankd-uidlist 2 V1700000000 N12 M9 E3\n"
				   "3 1 - 1.M1P1.host\n"
				   "9 7 FS 2.M2P2.host\n"
				   "10 9 RSTac 3.M3P3.host\n"
				   "-4 4\n-5 4\n-11 9\n";
	struct frankd_uidlist list;
	struct lib_err err;
	assert_int_equal(frankd_uidlist_parse(good, strlen(good), &list, &err), 0);
	assert_int_equal(list.highestmodseq, 9);
	assert_int_equal(list.forgotten, 3);
	assert_int_equal(list.count, 3);
	assert_int_equal(list.entries[1].modseq, 7);
	assert_int_equal(list.entries[1].flags, FRANKD_FLAG_FLAGGED | FRANKD_FLAG_SEEN);
	assert_int_equal(list.entries[2].keywords, 5);
	assert_int_equal(list.entries[2].flags,
			 FRANKD_FLAG_ANSWERED | FRANKD_FLAG_SEEN | FRANKD_FLAG_DELETED);
	assert_true(list.entries[0].flags_known);
	assert_int_equal(list.ngone, 3);
	assert_int_equal(list.gone[2].uid, 11);
	assert_int_equal(list.gone[2].modseq, 9);
	struct lib_buf out = LIB_BUF_INIT;
	frankd_uidlist_format(&list, &out);
	assert_string_equal(out.data, good);
	lib_buf_release(&out);
	frankd_uidlist_release(&list);

	static const char big[] = "frankd-uidlist 2 V1 N2 M9223372036854775807 E0\n"
				  "1 9223372036854775807 - a\n";
	assert_int_equal(frankd_uidlist_parse(big, strlen(big), &list, &err), 0);
	assert_true(list.entries[0].modseq == UINT64_C(9223372036854775807));
	frankd_uidlist_release(&list);

	static const struct {
		const char *text;
		const char *error;
	} bad[] = {
		{ "frankd-uidlist 2 V1 N5\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N5 M0 E0\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N5 M3 E4\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N5 M9223372036854775808 E0\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N5 M03 E0\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 3 V1 N5 M3 E0\n", "line 1: not a frankd uidlist" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 4 - a\n", "line 2: bad entry" },   /* above M */
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 0 - a\n", "line 2: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 2 SF a\n", "line 2: bad entry" },  /* not in order */
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 2 P a\n", "line 2: bad entry" },   /* unknown */
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 2  a\n", "line 2: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n1 2 a\n", "line 2: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n-1 2\n2 2 - a\n", "line 3: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n-1 3\n-2 2\n", "line 3: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E0\n-5 3\n", "line 2: bad entry" },
		{ "frankd-uidlist 2 V1 N5 M3 E2\n-1 2\n", "line 2: bad entry" },   /* forgotten */
		{ "frankd-uidlist 2 V1 N5 M3 E0\n-1 4\n", "line 2: bad entry" },
		{ "frankd-uidlist 1 V1 N5\n-1 1\n", "line 2: bad entry" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(frankd_uidlist_parse(bad[i].text, strlen(bad[i].text), &list, &err), -1);
		if (strcmp(err.msg, bad[i].error) != 0)
			fail_msg("case %zu: %s", i, err.msg);
	}
}

/* The tokens of "t1 VERB args" after the verb's first argument. */
static void parse_cmd(const char *line, struct frankd_imap_cmd *cmd)
{
	const char *error = NULL;
	if (frankd_imap_parse(line, strlen(line), cmd, &error) < 0)
		fail_msg("%s: %s", line, error);
}

static void test_fetch_modifiers(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int rc;
		size_t items;
		int changed, vanished;
		uint64_t since;
	} cases[] = {
		{ "t FETCH 1:* (FLAGS) (CHANGEDSINCE 12)\r\n", 0, 3, 1, 0, 12 },
		{ "t FETCH 1:* FLAGS (CHANGEDSINCE 0 VANISHED)\r\n", 0, 1, 1, 1, 0 },
		{ "t FETCH 1:* FLAGS (VANISHED CHANGEDSINCE 9223372036854775807)\r\n", 0, 1, 1, 1,
		  UINT64_C(9223372036854775807) },
		{ "t FETCH 1:* (FLAGS UID)\r\n", 0, 4, 0, 0, 0 },
		{ "t FETCH 1:* BODY[HEADER.FIELDS (A B)]\r\n", 0, 1, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (CHANGEDSINCE 9223372036854775808)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (CHANGEDSINCE 01)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (CHANGEDSINCE)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (VANISHED)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (CHANGEDSINCE 1 CHANGEDSINCE 2)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) (UNCHANGEDSINCE 1)\r\n", -1, 0, 0, 0, 0 },
		{ "t FETCH 1 (FLAGS) ()\r\n", -1, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_cmd cmd;
		struct frankd_imap_modifiers mods;
		const char *error = NULL;
		size_t items;
		parse_cmd(cases[i].line, &cmd);
		int rc = frankd_imap_fetch_modifiers_parse(cmd.args + 1, cmd.nargs - 1, &items, &mods,
							   &error);
		if (rc != cases[i].rc)
			fail_msg("case %zu: %d", i, rc);
		if (rc == 0 && (items != cases[i].items || mods.changedsince_set != cases[i].changed ||
				mods.vanished != cases[i].vanished ||
				mods.changedsince != cases[i].since))
			fail_msg("case %zu: items %zu", i, items);
		if (rc < 0)
			assert_non_null(error);
		frankd_imap_cmd_release(&cmd);
	}
}

static void test_store_modifiers(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int rc;
		size_t used;
		uint64_t since;
	} cases[] = {
		{ "t STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Seen)\r\n", 0, 4, 5 },
		{ "t STORE 1 (UNCHANGEDSINCE 0) FLAGS.SILENT ()\r\n", 0, 4, 0 },
		{ "t STORE 1 +FLAGS (\\Seen)\r\n", 0, 0, 0 },
		{ "t STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)\r\n", -1, 0, 0 },
		{ "t STORE 1 (CHANGEDSINCE 5) +FLAGS (\\Seen)\r\n", -1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_cmd cmd;
		struct frankd_imap_modifiers mods;
		const char *error = NULL;
		size_t used;
		parse_cmd(cases[i].line, &cmd);
		int rc = frankd_imap_store_modifiers_parse(cmd.args + 1, cmd.nargs - 1, &used, &mods,
							   &error);
		if (rc != cases[i].rc || (rc == 0 && (used != cases[i].used ||
						      mods.unchangedsince != cases[i].since ||
						      mods.unchangedsince_set != (used > 0))))
			fail_msg("case %zu: %d %zu", i, rc, used);
		frankd_imap_cmd_release(&cmd);
	}
}

static void test_select_params(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int rc, condstore, qresync;
		uint32_t uidvalidity;
		uint64_t modseq;
		size_t known, match;
	} cases[] = {
		{ "t SELECT INBOX\r\n", 0, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (CONDSTORE)\r\n", 0, 1, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC (67890007 20050715194045000))\r\n", 0, 1, 1, 67890007,
		  UINT64_C(20050715194045000), 0, 0 },
		{ "t SELECT INBOX (QRESYNC (67890007 90060115194045000 41,43:211,214:541))\r\n", 0, 1, 1,
		  67890007, UINT64_C(90060115194045000), 3, 0 },
		{ "t EXAMINE INBOX (QRESYNC (67890007 9 41:211 (1:3,5 2:4,8)))\r\n", 0, 1, 1, 67890007, 9,
		  1, 2 },
		{ "t SELECT INBOX (QRESYNC (1 0))\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC (0 5))\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC (4294967296 5))\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC (1 5 1:*))\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC (1 5 1:3 (1 2 3)))\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (QRESYNC)\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (CONDSTORE QRESYNC)\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX CONDSTORE\r\n", -1, 0, 0, 0, 0, 0, 0 },
		{ "t SELECT INBOX (FOO)\r\n", -1, 0, 0, 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_cmd cmd;
		struct frankd_imap_select_params p;
		const char *error = NULL;
		parse_cmd(cases[i].line, &cmd);
		int rc = frankd_imap_select_params_parse(cmd.args + 1, cmd.nargs - 1, &p, &error);
		if (rc != cases[i].rc ||
		    (rc == 0 && (p.condstore != cases[i].condstore || p.qresync != cases[i].qresync ||
				 p.uidvalidity != cases[i].uidvalidity || p.modseq != cases[i].modseq ||
				 p.known_uids.count != cases[i].known ||
				 p.match_seqs.count != cases[i].match)))
			fail_msg("case %zu: %d", i, rc);
		if (rc < 0)
			assert_non_null(error);
		frankd_imap_select_params_release(&p);
		frankd_imap_cmd_release(&cmd);
	}
}

static void test_search_modseq(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int ok;
		uint64_t number;
	} cases[] = {
		{ "t SEARCH MODSEQ 620162338\r\n", 1, 620162338 },
		{ "t SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n", 1, 620162338 },
		{ "t SEARCH MODSEQ 0\r\n", 1, 0 },
		{ "t SEARCH MODSEQ \"/flags/x\" none 5\r\n", 0, 0 },
		{ "t SEARCH MODSEQ \"/other\" all 5\r\n", 0, 0 },
		{ "t SEARCH MODSEQ\r\n", 0, 0 },
		{ "t SEARCH MODSEQ -1\r\n", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frankd_imap_cmd cmd;
		const char *error = NULL;
		parse_cmd(cases[i].line, &cmd);
		struct frankd_imap_search *s = frankd_imap_search_parse(cmd.args, cmd.nargs, &error);
		if ((s != NULL) != cases[i].ok ||
		    (s && (s->children[0].key != FRANKD_SEARCH_MODSEQ ||
			   s->children[0].number != cases[i].number)))
			fail_msg("case %zu", i);
		frankd_imap_search_free(s);
		frankd_imap_cmd_release(&cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uidlist_v2),
		cmocka_unit_test(test_fetch_modifiers),
		cmocka_unit_test(test_store_modifiers),
		cmocka_unit_test(test_select_params),
		cmocka_unit_test(test_search_modseq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
