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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uidlist_v2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
