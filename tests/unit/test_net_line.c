/* test_net_line.c: net_line_scan, the line splitter every protocol uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "net.h"

struct scan_case {
	const char *name;
	const char *in;
	size_t max;
	enum net_line_scan want;
	size_t line_len, consumed; /* when FOUND */
};

static const struct scan_case cases[] = {
	{ "CRLF", "a1 OK\r\nrest", 100, NET_LINE_FOUND, 5, 7 },
	{ "bare LF", "a1 OK\nrest", 100, NET_LINE_FOUND, 5, 6 },
	{ "empty line", "\r\n", 100, NET_LINE_FOUND, 0, 2 },
	{ "empty line, bare LF", "\n", 100, NET_LINE_FOUND, 0, 1 },
	{ "no end yet", "a1 OK", 100, NET_LINE_MORE, 0, 0 },
	{ "nothing", "", 100, NET_LINE_MORE, 0, 0 },
	{ "CR without LF yet", "a1 OK\r", 100, NET_LINE_MORE, 0, 0 },
	{ "a lone CR stays in the line", "a\rb\r\n", 100, NET_LINE_FOUND, 3, 5 },
	{ "CR CR LF keeps one CR", "ab\r\r\n", 100, NET_LINE_FOUND, 3, 5 },
	{ "exactly the limit, CRLF", "12345\r\n", 5, NET_LINE_FOUND, 5, 7 },
	{ "exactly the limit, LF", "12345\n", 5, NET_LINE_FOUND, 5, 6 },
	{ "exactly the limit, end not here", "12345", 5, NET_LINE_MORE, 0, 0 },
	{ "the limit and a CR", "12345\r", 5, NET_LINE_MORE, 0, 0 },
	{ "one over the limit", "123456\r\n", 5, NET_LINE_TOO_LONG, 0, 0 },
	{ "over the limit, no end yet", "123456", 5, NET_LINE_TOO_LONG, 0, 0 },
	{ "limit, CR, then more", "12345\rX", 5, NET_LINE_TOO_LONG, 0, 0 },
	{ "far over the limit", "1234567890123456789\n", 5, NET_LINE_TOO_LONG, 0, 0 },
	{ "a short line before a long one", "ok\n1234567890\n", 5, NET_LINE_FOUND, 2, 3 },
	{ "limit zero: only empty lines", "\r\n", 0, NET_LINE_FOUND, 0, 2 },
	{ "limit zero: anything else", "x\r\n", 0, NET_LINE_TOO_LONG, 0, 0 },
};

static void scan_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct scan_case *c = &cases[i];
		size_t len = 999, used = 999;
		enum net_line_scan got = net_line_scan(c->in, strlen(c->in), c->max, &len, &used);
		if (got != c->want)
			fail_msg("%s: got %d, want %d", c->name, got, c->want);
		if (got == NET_LINE_FOUND && (len != c->line_len || used != c->consumed))
			fail_msg("%s: line %zu used %zu, want %zu %zu", c->name, len, used,
				 c->line_len, c->consumed);
	}
}

/* NUL bytes are data: the scanner works on lengths, never on C strings. */
static void scan_nul_is_data(void **state)
{
	(void)state;
	static const char in[] = { 'a', 0, 'b', '\r', '\n' };
	size_t len = 0, used = 0;
	assert_int_equal(net_line_scan(in, sizeof in, 10, &len, &used), NET_LINE_FOUND);
	assert_int_equal(len, 3);
	assert_int_equal(used, 5);
}

/* A huge buffer with no line end within the limit is judged without
 * reading past limit + 2 bytes (the limit bounds the work, too). */
static void scan_looks_only_at_limit(void **state)
{
	(void)state;
	static char big[1 << 20];
	memset(big, 'x', sizeof big);
	big[sizeof big - 1] = '\n';
	size_t len, used;
	assert_int_equal(net_line_scan(big, sizeof big, 1000, &len, &used), NET_LINE_TOO_LONG);
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(net_status_str(NET_ERR_CERT_EXPIRED), "certificate expired");
	assert_string_equal(net_status_str(NET_ERR_CLOSED), "server closed the connection");
	assert_string_equal(net_status_str((enum net_status)-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_table),
		cmocka_unit_test(scan_nul_is_data),
		cmocka_unit_test(scan_looks_only_at_limit),
		cmocka_unit_test(status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
