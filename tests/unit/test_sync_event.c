/* test_sync_event.c: the lines of frank sync --progress-fd: a table of
 * lines and what they parse to (or that they are refused), and events
 * formatted then parsed back unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store.h"

static void lines_parse(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int ok;
		enum store_sync_event_kind kind;
		const char *account, *folder;
		size_t done, total;
		int rc;
		const char *reason;
	} cases[] = {
		{ "folder alice INBOX 120 500\n", 1, STORE_SYNC_EVENT_FOLDER, "alice", "INBOX", 120, 500, 0, "" },
		{ "folder alice INBOX 0 0", 1, STORE_SYNC_EVENT_FOLDER, "alice", "INBOX", 0, 0, 0, "" },
		{ "folder a.b-c_d Sent%20Items 1 2", 1, STORE_SYNC_EVENT_FOLDER, "a.b-c_d", "Sent Items", 1, 2, 0, "" },
		{ "folder a 100%25 1 2", 1, STORE_SYNC_EVENT_FOLDER, "a", "100%", 1, 2, 0, "" },
		{ "folder a a%0Ab 1 2", 1, STORE_SYNC_EVENT_FOLDER, "a", "a\nb", 1, 2, 0, "" },
		{ "new bob Lists/dev 7", 1, STORE_SYNC_EVENT_NEW, "bob", "Lists/dev", 7, 0, 0, "" },
		{ "error bob folder INBOX: connection lost", 1, STORE_SYNC_EVENT_ERROR, "bob", "", 0, 0, 0, "folder INBOX: connection lost" },
		{ "error bob ", 1, STORE_SYNC_EVENT_ERROR, "bob", "", 0, 0, 0, "" },
		{ "done bob 0", 1, STORE_SYNC_EVENT_DONE, "bob", "", 0, 0, 0, "" },
		{ "done bob 1\n", 1, STORE_SYNC_EVENT_DONE, "bob", "", 0, 0, 1, "" },
		{ "idle bob", 1, STORE_SYNC_EVENT_IDLE, "bob", "", 0, 0, 0, "" },
		{ "idle bob ", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "idle bob 1", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "\n", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "hello alice", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice INBOX 1", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice INBOX 1 2 3", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice INBOX 1 2 ", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice INBOX -1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice INBOX 1 99999999999999999999999", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder al/ice INBOX 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice IN%2 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice IN%zz 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice IN%00 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder alice IN\x01X 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "folder  INBOX 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "new alice INBOX", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "done alice 256", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "done alice", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "error alice a\rb", 0, 0, NULL, NULL, 0, 0, 0, NULL },
		{ "Folder alice INBOX 1 2", 0, 0, NULL, NULL, 0, 0, 0, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct store_sync_event ev;
		struct lib_err err;
		int rc = store_sync_event_parse(cases[i].line, strlen(cases[i].line), &ev, &err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("\"%s\": rc %d (%s)", cases[i].line, rc, rc ? err.msg : "");
		if (!cases[i].ok) {
			assert_true(strncmp(err.msg, "sync event: ", 12) == 0);
			continue;
		}
		if (ev.kind != cases[i].kind || strcmp(ev.account, cases[i].account) != 0 ||
		    strcmp(ev.folder, cases[i].folder) != 0 || ev.done != cases[i].done ||
		    ev.total != cases[i].total || ev.rc != cases[i].rc ||
		    strcmp(ev.reason, cases[i].reason) != 0)
			fail_msg("\"%s\": %d %s [%s] %zu %zu %d [%s]", cases[i].line, ev.kind,
				 ev.account, ev.folder, ev.done, ev.total, ev.rc, ev.reason);
	}
}

static void long_line_refused(void **state)
{
	(void)state;
	char line[STORE_SYNC_EVENT_MAX + 40];
	memset(line, 'x', sizeof line);
	memcpy(line, "error a ", 8);
	struct store_sync_event ev;
	struct lib_err err;
	assert_int_equal(store_sync_event_parse(line, sizeof line, &ev, &err), -1);
	assert_string_equal(err.msg, "sync event: line too long (1064 bytes)");
}

static void formatted_lines_parse_back(void **state)
{
	(void)state;
	static const struct {
		struct store_sync_event ev;
		const char *line;
	} cases[] = {
		{ { STORE_SYNC_EVENT_FOLDER, "alice", "INBOX", 120, 500, 0, "" }, "folder alice INBOX 120 500\n" },
		{ { STORE_SYNC_EVENT_FOLDER, "a", "Sent Items/100%", 0, 3, 0, "" }, "folder a Sent%20Items/100%25 0 3\n" },
		{ { STORE_SYNC_EVENT_NEW, "a", "\t\x7f\xc3\xa9", 2, 0, 0, "" }, "new a %09%7F\xc3\xa9 2\n" },
		{ { STORE_SYNC_EVENT_ERROR, "a", "", 0, 0, 0, "line\none\x7f" }, "error a line one \n" },
		{ { STORE_SYNC_EVENT_DONE, "a", "", 0, 0, 1, "" }, "done a 1\n" },
		{ { STORE_SYNC_EVENT_IDLE, "a", "", 0, 0, 0, "" }, "idle a\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[STORE_SYNC_EVENT_MAX + 2];
		size_t n = store_sync_event_format(&cases[i].ev, out, sizeof out);
		assert_int_equal(n, strlen(cases[i].line));
		assert_memory_equal(out, cases[i].line, n);
		struct store_sync_event back;
		struct lib_err err;
		if (store_sync_event_parse(out, n, &back, &err) < 0)
			fail_msg("%s: %s", cases[i].line, err.msg);
		assert_int_equal(back.kind, cases[i].ev.kind);
		assert_string_equal(back.folder, cases[i].ev.folder);
		assert_int_equal(back.done, cases[i].ev.done);
	}
	/* A folder name that cannot fit is not written at all. */
	struct store_sync_event big = { STORE_SYNC_EVENT_FOLDER, "a", "", 1, 2, 0, "" };
	memset(big.folder, ' ', sizeof big.folder - 1);
	char small[300];
	assert_int_equal(store_sync_event_format(&big, small, sizeof small), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_parse),
		cmocka_unit_test(long_line_refused),
		cmocka_unit_test(formatted_lines_parse_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
