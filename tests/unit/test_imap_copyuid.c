/* test_imap_copyuid.c: the COPYUID response code (RFC 4315) that COPY and
 * MOVE answer with, as a table of responses and the destination UID each
 * source UID maps to; malformed codes are refused with an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "proto.h"

static void copyuid_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int rc;                   /* imap_copyuid_parse's answer */
		unsigned long validity;
		unsigned long src[4], dst[4]; /* pairs to look up (0 ends) */
	} cases[] = {
		{ "f9 OK [COPYUID 38505 304,319:320 3956:3958] Done", 1, 38505,
		  { 304, 319, 320, 321 }, { 3956, 3957, 3958, 0 } },
		{ "* OK [COPYUID 1795474085 2,5 1:2] Moved UIDs.", 1, 1795474085,
		  { 2, 5, 3, 1 }, { 1, 2, 0, 0 } },
		/* "4:2" is the same set as "2:4" (RFC 4315 uid-range). */
		{ "f1 OK [COPYUID 7 4:2 10,12,14] x", 1, 7, { 2, 3, 4 }, { 10, 12, 14 } },
		{ "f1 OK [COPYUID 7 1:4294967295 1:4294967295] x", 1, 7,
		  { 1, 4294967295ul, 0 }, { 1, 4294967295ul, 0 } },
		{ "f1 OK [APPENDUID 7 3] x", 0, 0, { 0 }, { 0 } },
		{ "f1 OK done", 0, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 7 1:3 5:6] sizes differ", -1, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 7 1:3] short", -1, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 0 1 2] zero validity", -1, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 7 0 2] zero uid", -1, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 7 1,x 2,3] junk", -1, 0, { 0 }, { 0 } },
		{ "f1 OK [COPYUID 7 (1) 2] list", -1, 0, { 0 }, { 0 } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct imap_response r;
		struct lib_err err = { { 0 } };
		assert_int_equal(imap_response_parse(cases[i].in, strlen(cases[i].in), &r, &err), 0);
		struct imap_copyuid cu;
		int rc = imap_copyuid_parse(&r, &cu, &err);
		if (rc != cases[i].rc)
			fail_msg("%s: got %d (%s)", cases[i].in, rc, err.msg);
		if (rc < 0)
			assert_true(strstr(err.msg, "COPYUID") || strstr(err.msg, "UID set"));
		assert_int_equal(cu.uidvalidity, cases[i].validity);
		for (size_t k = 0; k < 4 && cases[i].src[k]; k++)
			if (imap_copyuid_lookup(&cu, cases[i].src[k]) != cases[i].dst[k])
				fail_msg("%s: %lu -> %lu, want %lu", cases[i].in, cases[i].src[k],
					 imap_copyuid_lookup(&cu, cases[i].src[k]), cases[i].dst[k]);
		assert_int_equal(imap_copyuid_lookup(&cu, 0), 0);
		imap_copyuid_release(&cu);
		imap_response_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copyuid_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
