/* test_config_index_format.c: $index_format, mutt's way (index_format.c):
 * a table of formats and the line each gives for one message, then the
 * spans of the badge and the thread tree, and a full buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* 2024-03-05 14:07:09 UTC; the tests run with TZ=UTC. */
#define WHEN 1709647629LL

static struct config_index_line message(void)
{
	struct config_index_line l = {
		.number = 7, .flags = "N! ", .date = WHEN, .date_format = NULL,
		.name = "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", .address = "zoe@example.se",
		.tree = "", .subject = "Lunch on Friday", .size = 1234, .lines = -1,
		.badge = "+", .attachment = 1,
	};
	return l;
}

static void formats(void **state)
{
	(void)state;
	static const struct {
		const char *fmt, *want;
	} cases[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "%%", "%" },
		{ "100%% %C", "100% 7" },
		{ "%4C|", "   7|" },
		{ "%-4C|", "7   |" },
		{ "%Z", "N! " },
		{ "%d", "Mar 05" },
		{ "%{%Y-%m-%d %H:%M}", "2024-03-05 14:07" },
		{ "%12{%H:%M}|", "       14:07|" },
		{ "%{%Y", "%{%Y" },                 /* no closing brace: as written */
		{ "%L", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m" },
		{ "%n|%a", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m|zoe@example.se" },
		{ "%-15.15L|", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m   |" }, /* 12 columns, 15 bytes */
		{ "%.3L|", "Zo\xc3\xab|" },
		{ "%6.3L|", "   Zo\xc3\xab|" },
		{ "%s", "Lunch on Friday" },
		{ "%.5s", "Lunch" },
		{ "%c", "1.2K" },
		{ "(%5c)", "( 1.2K)" },
		{ "%l|", "|" },                     /* lines unknown: empty */
		{ "%B%X", "+@" },
		{ "%?l?%4l&%4c?", "1.2K" },         /* lines unknown: the size */
		{ "(%?l?%4l&%4c?)", "(1.2K)" },
		{ "%?X?att&none?", "att" },
		{ "%?X?att?", "att" },
		{ "%?l?lines?|", "|" },
		{ "%?q?a&b?", "b" },                /* an unknown letter is unset */
		{ "%?X", "%?X" },                   /* not a conditional */
		{ "%y %", "%y %" },                 /* unknown conversions as written */
		{ "%-", "%-" },
		{ "%99999999999C|", NULL },         /* width capped: checked below */
		{ "tab\there", "tab?here" },        /* control characters show as ? */
		{ "%4C %Z %-2B%d  %-13.13L (%5c)%X %s",
		  "   7 N!  + Mar 05  Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m  ( 1.2K)@ Lunch on Friday" },
		{ "%4C %Z %{%b %d} %-15.15L (%?l?%4l&%4c?) %s",
		  "   7 N!  Mar 05 Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m    (1.2K) Lunch on Friday" },
	};
	struct config_index_line l = message();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[4096];
		size_t len = config_index_format(cases[i].fmt, &l, buf, sizeof buf, NULL, 0, NULL);
		assert_int_equal(len, strlen(buf));
		if (!cases[i].want) {
			assert_int_equal(len, 512 + 1);
			continue;
		}
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("format \"%s\": got \"%s\", want \"%s\"", cases[i].fmt, buf,
				 cases[i].want);
	}
}

static void values(void **state)
{
	(void)state;
	struct config_index_line l = message();
	char buf[256];
	l.lines = 42;
	l.size = -1;
	l.attachment = 0;
	l.date_format = "%d/%m";
	config_index_format("%?l?%4l&%4c?|%c|%X|%d", &l, buf, sizeof buf, NULL, 0, NULL);
	assert_string_equal(buf, "  42|?| |05/03");
	static const struct {
		long long size;
		const char *want;
	} sizes[] = {
		{ 0, "0" }, { 999, "999" }, { 1000, "1.0K" }, { 10239, "10.0K" },
		{ 10240, "10K" }, { 1048575, "1024K" }, { 1048576, "1.0M" }, { -5, "?" },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		config_index_size(sizes[i].size, buf, sizeof buf);
		assert_string_equal(buf, sizes[i].want);
	}
	/* a wide character takes two columns */
	l.name = "\xe4\xb8\xad\xe6\x96\x87"; /* two CJK characters */
	config_index_format("%-5L|%.3L|", &l, buf, sizeof buf, NULL, 0, NULL);
	assert_string_equal(buf, "\xe4\xb8\xad\xe6\x96\x87 |\xe4\xb8\xad|");
}

static void spans(void **state)
{
	(void)state;
	struct config_index_line l = message();
	l.tree = "`->";
	struct config_index_span sp[4];
	size_t n = 0;
	char buf[256];
	config_index_format("%C %B %s", &l, buf, sizeof buf, sp, 4, &n);
	assert_string_equal(buf, "7 + `->Lunch on Friday");
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].part, CONFIG_INDEX_BADGE);
	assert_int_equal(sp[0].off, 2);
	assert_int_equal(sp[0].len, 1);
	assert_int_equal(sp[1].part, CONFIG_INDEX_TREE);
	assert_int_equal(sp[1].off, 4);
	assert_int_equal(sp[1].len, 3);
	/* a tree cut by the precision: the span is what is left of it */
	config_index_format("%8.2s|", &l, buf, sizeof buf, sp, 4, &n);
	assert_string_equal(buf, "      `-|");
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].off, 6);
	assert_int_equal(sp[0].len, 2);
	/* the badge's span is its whole field, padding and all */
	config_index_format("%C%3B|%-3B|", &l, buf, sizeof buf, sp, 4, &n);
	assert_string_equal(buf, "7  +|+  |");
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].off, 1);
	assert_int_equal(sp[0].len, 3);
	assert_int_equal(sp[1].off, 5);
	assert_int_equal(sp[1].len, 3);
	/* more spans than room: the rest are dropped, the text is whole */
	config_index_format("%B%B%B", &l, buf, sizeof buf, sp, 2, &n);
	assert_string_equal(buf, "+++");
	assert_int_equal(n, 2);
}

static void full_buffer(void **state)
{
	(void)state;
	struct config_index_line l = message();
	char buf[8];
	/* "Zoë" is cut before the ë (two bytes) would pass the end */
	size_t len = config_index_format("abcdZo\xc3\xab", &l, buf, 8, NULL, 0, NULL);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "abcdZo");
	len = config_index_format("%500C", &l, buf, sizeof buf, NULL, 0, NULL);
	assert_int_equal(len, 7);
	assert_int_equal(config_index_format("x", &l, buf, 0, NULL, 0, NULL), 0);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats),
		cmocka_unit_test(values),
		cmocka_unit_test(spans),
		cmocka_unit_test(full_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
