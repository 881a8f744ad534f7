/* test_sync_msgid.c: the Message-ID by which a POP3 sync without UIDL
 * knows a message: a table of raw messages and the id found (or none). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store.h"

static void message_ids(void **state)
{
	(void)state;
	static const struct {
		const char *msg;
		const char *want; /* NULL: none */
	} cases[] = {
		{ "Message-ID: <a@b>\r\n\r\nbody", "a@b" },
		{ "From: x\nMessage-Id: <a.1@b.example>\n\nbody", "a.1@b.example" },
		{ "message-id:<a@b>\n", "a@b" },
		{ "Message-ID:\r\n <folded@example>\r\n\r\n", "folded@example" },
		{ "Message-ID: (comment) <c@d> (more)\n\n", "c@d" },
		{ "Subject: x\r\n Message-ID: <not@a-field>\r\n\r\n", NULL },
		{ "Subject: x\r\n\r\nMessage-ID: <in@body>\r\n", NULL },
		{ "\r\nMessage-ID: <in@body>\r\n", NULL },
		{ "Message-ID: no brackets\n\n", NULL },
		{ "Message-ID: <>\n\n", NULL },
		{ "Message-ID: <a b@c>\n\n", NULL },
		{ "Message-ID: <unterminated@x\n\n", NULL },
		{ "Message-ID: <a@b\nSubject: <x>\n\n", NULL },
		{ "X-Message-ID: <a@b>\n\n", NULL },
		{ "Message-IDs: <a@b>\n\n", NULL },
		{ "", NULL },
		{ "Message-ID: <last@line>", "last@line" },
		{ "Message-ID:\r\n <f\x93o\rle@x>\r\n\r\n", NULL }, /* found by fuzz_sync_msgid */
		{ "Message-ID: \r<a@b>\r\n", "a@b" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char id[64];
		int rc = store_message_id(cases[i].msg, strlen(cases[i].msg), id, sizeof id);
		if (!cases[i].want) {
			if (rc == 0)
				fail_msg("case %zu: found \"%s\"", i, id);
			assert_string_equal(id, "");
			continue;
		}
		if (rc < 0)
			fail_msg("case %zu: no id, wanted %s", i, cases[i].want);
		assert_string_equal(id, cases[i].want);
	}
	/* An id longer than the room for it is none, not a cut one. */
	char small[4];
	assert_int_equal(store_message_id("Message-ID: <abcd@e>\n", 21, small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
