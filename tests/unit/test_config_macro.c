/* test_config_macro.c: macro sequences (config_macro_steps): a table of
 * sequences as a frankrc writes them and the keys and functions they
 * are read as. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* Steps written as text: a key as its config_key_name, a function as
 * <name>, one space between. */
static const struct {
	const char *seq;
	const char *steps; /* NULL: an error */
} cases[] = {
	{ "", "" },
	{ "ab", "a b" },
	{ "<limit>tag:x\\n", "<limit> t a g : x \\n" },
	{ "<first-entry><display-message>", "<first-entry> <display-message>" },
	{ "<enter><PageDown><f5>", "<enter> <pagedown> <f5>" },
	{ "^U\\Cu\\cu", "^U ^U ^U" },
	{ "\\e\\t\\r\\\\", "<esc> <tab> <return> \\" },
	{ "a<b", "a < b" },
	{ "<Not A Fn>", "< N o t <space> A <space> F n >" },
	{ "\\q", "q" },
	{ "^", "^" },
	{ "\xC3\xA9", "\xC3\xA9" },
	{ "\xC3", NULL },
};

static void test_macro_steps(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config_macro_step *steps;
		size_t n;
		struct lib_err err;
		int rc = config_macro_steps(cases[i].seq, &steps, &n, &err);
		if (!cases[i].steps) {
			if (rc != -1)
				fail_msg("case %zu accepted: %s", i, cases[i].seq);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu: %s", i, err.msg);
		struct lib_buf got = LIB_BUF_INIT;
		for (size_t k = 0; k < n; k++) {
			char name[32];
			if (steps[k].function)
				snprintf(name, sizeof name, "<%s>", steps[k].function);
			else
				config_key_name(steps[k].key, name, sizeof name);
			lib_buf_printf(&got, "%s%s", k ? " " : "", name);
		}
		if (strcmp(got.data ? got.data : "", cases[i].steps) != 0)
			fail_msg("case %zu: %s\n got:  [%s]\n want: [%s]", i, cases[i].seq,
				 got.data ? got.data : "", cases[i].steps);
		lib_buf_release(&got);
		config_macro_steps_free(steps, n);
	}
}

static void test_macro_bounded(void **state)
{
	(void)state;
	char *seq = malloc(2001);
	memset(seq, 'x', 2000);
	seq[2000] = '\0';
	struct config_macro_step *steps;
	size_t n;
	struct lib_err err;
	assert_int_equal(config_macro_steps(seq, &steps, &n, &err), -1);
	assert_string_equal(err.msg, "macro longer than 1024 keys");
	assert_null(steps);
	free(seq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macro_steps),
		cmocka_unit_test(test_macro_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
