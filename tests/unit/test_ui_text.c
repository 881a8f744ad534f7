/* test_ui_text.c: the curses-free parts of ui/: the JSON reader of the
 * verification view (tables of input and the value or error expected),
 * and the safe file names attachments are saved under. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ui_json.h"
#include "ui_text.h"

/* A value written back compactly, to compare with a table. */
static void show(const struct ui_json *v, struct lib_buf *out)
{
	switch (v->type) {
	case UI_JSON_NULL: lib_buf_puts(out, "null"); break;
	case UI_JSON_BOOL: lib_buf_puts(out, v->boolean ? "true" : "false"); break;
	case UI_JSON_NUMBER: lib_buf_printf(out, "%g", v->number); break;
	case UI_JSON_STRING: lib_buf_printf(out, "'%s'", v->string); break;
	case UI_JSON_ARRAY:
	case UI_JSON_OBJECT:
		lib_buf_putc(out, v->type == UI_JSON_ARRAY ? '[' : '{');
		for (size_t i = 0; i < v->count; i++) {
			if (i)
				lib_buf_putc(out, ',');
			if (v->keys)
				lib_buf_printf(out, "%s=", v->keys[i]);
			show(v->items[i], out);
		}
		lib_buf_putc(out, v->type == UI_JSON_ARRAY ? ']' : '}');
		break;
	}
}

static void json_values(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "null", "null" },
		{ " true ", "true" },
		{ "false", "false" },
		{ "0", "0" },
		{ "-12.5e2", "-1250" },
		{ "\"\"", "''" },
		{ "\"a\\\"b\\\\c\\/d\"", "'a\"b\\c/d'" },
		{ "\"tab\\tnl\\n\"", "'tab\tnl\n'" },
		{ "\"\\u00e9\\u20ac\"", "'\xc3\xa9\xe2\x82\xac'" },
		{ "\"\\ud83d\\ude00\"", "'\xf0\x9f\x98\x80'" },   /* a surrogate pair */
		{ "\"\\ud83d!\"", "'\xef\xbf\xbd!'" },            /* a lone surrogate */
		{ "\"\\u0000\"", "'\xef\xbf\xbd'" },             /* NUL never passes */
		{ "\"\\u001b[31m\"", "'\xef\xbf\xbd[31m'" },     /* nor ESC */
		{ "\"\xff\"", "'\xef\xbf\xbd'" },                /* bad UTF-8 */
		{ "[]", "[]" },
		{ "{}", "{}" },
		{ "[1,[2,[3]]]", "[1,[2,[3]]]" },
		{ "{\"badge\":\"failed\",\"dkim\":[{\"d\":\"a.test\"}]}",
		  "{badge='failed',dkim=[{d='a.test'}]}" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_err err = { "" };
		struct ui_json *v = ui_json_parse(cases[i].in, strlen(cases[i].in), &err);
		if (!v)
			fail_msg("%s: %s", cases[i].in, err.msg);
		struct lib_buf b = LIB_BUF_INIT;
		show(v, &b);
		if (strcmp(b.data, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].in, b.data, cases[i].want);
		lib_buf_release(&b);
		ui_json_free(v);
	}
}

static void json_errors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "JSON: byte 0: bad number" },
		{ "nul", "JSON: byte 0: unexpected character" },
		{ "[1,]", "JSON: byte 3: bad number" },
		{ "[1 2]", "JSON: byte 3: expected ',' or the end of a list" },
		{ "{\"a\" 1}", "JSON: byte 5: expected ':'" },
		{ "{1:2}", "JSON: byte 1: expected a member name" },
		{ "\"abc", "JSON: byte 4: unterminated string" },
		{ "\"a\nb\"", "JSON: byte 3: control character in a string" },
		{ "\"\\x\"", "JSON: byte 3: bad escape" },
		{ "\"\\u12\"", "JSON: byte 5: bad \\u escape" },
		{ "1 2", "JSON: byte 2: text after the value" },
		{ "-", "JSON: byte 1: bad number" },
		{ "1.2.3", "JSON: byte 5: bad number" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_err err = { "" };
		struct ui_json *v = ui_json_parse(cases[i].in, strlen(cases[i].in), &err);
		if (v)
			fail_msg("accepted: %s", cases[i].in);
		if (strcmp(err.msg, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].in, err.msg, cases[i].want);
	}
}

/* Nesting is bounded: deep input is an error, not a stack overflow. */
static void json_depth_is_limited(void **state)
{
	(void)state;
	size_t n = 100000;
	char *deep = malloc(n);
	memset(deep, '[', n);
	struct lib_err err = { "" };
	assert_null(ui_json_parse(deep, n, &err));
	assert_string_equal(err.msg, "JSON: byte 65: nested too deep");
	free(deep);
	char ok[2 * UI_JSON_MAX_DEPTH + 1];
	memset(ok, '[', UI_JSON_MAX_DEPTH);
	memset(ok + UI_JSON_MAX_DEPTH, ']', UI_JSON_MAX_DEPTH);
	struct ui_json *v = ui_json_parse(ok, 2 * UI_JSON_MAX_DEPTH, &err);
	assert_non_null(v);
	ui_json_free(v);
}

static void json_lookups(void **state)
{
	(void)state;
	const char *text = "{\"badge\":\"partial\",\"bits\":2048,\"weak\":true,\"x\":null}";
	struct lib_err err;
	struct ui_json *v = ui_json_parse(text, strlen(text), &err);
	assert_non_null(v);
	assert_string_equal(ui_json_str(v, "badge"), "partial");
	assert_null(ui_json_str(v, "bits"));       /* not a string */
	assert_null(ui_json_str(v, "missing"));
	assert_true(ui_json_num(v, "bits", -1) == 2048);
	assert_true(ui_json_num(v, "x", -1) == -1); /* null: the default */
	assert_int_equal(ui_json_true(v, "weak"), 1);
	assert_int_equal(ui_json_true(v, "badge"), 0);
	assert_null(ui_json_get(NULL, "badge"));
	ui_json_free(v);
	ui_json_free(NULL);
}

static void safe_filenames(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "report.pdf", "report.pdf" },
		{ "../../etc/passwd", "passwd" },
		{ "/etc/shadow", "shadow" },
		{ "..\\..\\windows\\win.ini", "win.ini" },
		{ "dir/", "attachment" },
		{ "..", "_." },
		{ ".", "_" },
		{ ".bashrc", "_bashrc" },
		{ "", "attachment" },
		{ "a\tb\nc\x1b[2Jd", "a_b_c_[2Jd" },
		{ "bad\xff" "byte", "bad_byte" },
		{ "Übersicht résumé.png", "Übersicht résumé.png" },
		{ "日本語.bin", "日本語.bin" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = ui_safe_filename(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].in, got, cases[i].want);
		free(got);
	}
	char *none = ui_safe_filename(NULL);
	assert_string_equal(none, "attachment");
	free(none);
}

/* A long name is cut at 200 bytes, never inside a character. */
static void safe_filename_length(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "x");
	for (int i = 0; i < 150; i++)
		lib_buf_puts(&b, "\xc3\xa9"); /* é, two bytes */
	char *got = ui_safe_filename(b.data);
	assert_int_equal(strlen(got), 199);
	assert_int_equal((unsigned char)got[198], 0xA9);
	free(got);
	lib_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_values),
		cmocka_unit_test(json_errors),
		cmocka_unit_test(json_depth_is_limited),
		cmocka_unit_test(json_lookups),
		cmocka_unit_test(safe_filenames),
		cmocka_unit_test(safe_filename_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
