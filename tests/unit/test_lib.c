/* test_lib.c: unit tests of src/lib: errors as values, growable buffers,
 * UTF-8 decoding and cleaning, reading whole files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

#define FFFD "\xEF\xBF\xBD"

/* --- lib_err_set ------------------------------------------------------ */

static void err_set_formats_message_and_returns_minus_one(void **state)
{
	(void)state;
	struct lib_err err;
	assert_int_equal(lib_err_set(&err, "%s:%d: %s", "file", 12, "bad"), -1);
	assert_string_equal(err.msg, "file:12: bad");
}

static void err_set_accepts_null_err(void **state)
{
	(void)state;
	assert_int_equal(lib_err_set(NULL, "ignored %d", 1), -1);
}

static void err_set_truncates_long_message(void **state)
{
	(void)state;
	struct lib_err err;
	char *longer = lib_xmalloc(2000);
	memset(longer, 'x', 1999);
	longer[1999] = '\0';
	lib_err_set(&err, "%s", longer);
	assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
	assert_memory_equal(err.msg, longer, sizeof err.msg - 1);
	free(longer);
}

/* --- lib_buf ---------------------------------------------------------- */

static void buf_append_grows_over_many_kilobytes(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	for (int i = 0; i < 10000; i++)
		lib_buf_append(&b, "0123456789", 10);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], '\0');
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != (char)('0' + i % 10))
			fail_msg("byte %zu is '%c', want '%c'", i, b.data[i], (char)('0' + i % 10));
	lib_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void buf_append_keeps_nul_bytes(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_append(&b, "a\0b", 3);
	lib_buf_putc(&b, '\0');
	lib_buf_puts(&b, "cd");
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "a\0b\0cd", 7);
	lib_buf_release(&b);
}

static void buf_append_nothing_still_terminates(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_append(&b, NULL, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	lib_buf_release(&b);
}

static void buf_printf_grows_over_many_kilobytes(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	for (int i = 0; i < 20000; i++)
		lib_buf_printf(&b, "%05d,", i);
	assert_int_equal(b.len, 20000 * 6);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data, "00000,00001,00002,", 18);
	assert_string_equal(b.data + b.len - 12, "19998,19999,");
	char want[8];
	snprintf(want, sizeof want, "%05d,", 12345);
	assert_memory_equal(b.data + 12345 * 6, want, 6);
	lib_buf_release(&b);
}

static void buf_printf_one_long_string(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	char *big = lib_xmalloc(5001);
	memset(big, 'q', 5000);
	big[5000] = '\0';
	lib_buf_puts(&b, "head:");
	lib_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 5 + 5002);
	assert_memory_equal(b.data, "head:[qqq", 9);
	assert_string_equal(b.data + b.len - 3, "qq]");
	free(big);
	lib_buf_release(&b);
}

static void buf_printf_empty_result_gives_empty_string(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%s", "");
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	lib_buf_release(&b);
}

static void buf_take_hands_over_data_and_empties(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "hello");
	char *s = lib_buf_take(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	lib_buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	assert_ptr_not_equal(b.data, s);
	free(s);
	lib_buf_release(&b);
}

static void buf_take_of_empty_buffer_is_empty_string(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	char *s = lib_buf_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void buf_reset_empties_and_keeps_capacity(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	for (int i = 0; i < 100; i++)
		lib_buf_puts(&b, "0123456789");
	size_t cap = b.cap;
	lib_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.cap, cap);
	lib_buf_puts(&b, "xy");
	assert_string_equal(b.data, "xy");
	lib_buf_release(&b);
}

static void buf_reset_of_empty_buffer_is_harmless(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_reset(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	lib_buf_release(&b);
}

static void xasprintf_formats_new_string(void **state)
{
	(void)state;
	char *s = lib_xasprintf("%s-%d-%c", "ab", 42, 'z');
	assert_string_equal(s, "ab-42-z");
	free(s);
}

static void xstrndup_stops_at_n_or_nul(void **state)
{
	(void)state;
	char *a = lib_xstrndup("abcdef", 3);
	char *b = lib_xstrndup("ab", 10);
	assert_string_equal(a, "abc");
	assert_string_equal(b, "ab");
	free(a);
	free(b);
}

/* --- lib_utf8_sanitize: a table of cases ------------------------------ */

struct sanitize_case {
	const char *name;
	const char *in;
	size_t len;
	const char *out;
};

#define IN(s) s, sizeof s - 1

static const struct sanitize_case sanitize_cases[] = {
	{ "plain ASCII kept", IN("Hello, world!"), "Hello, world!" },
	{ "empty input", IN(""), "" },
	{ "2-byte UTF-8 kept", IN("caf\xC3\xA9"), "caf\xC3\xA9" },
	{ "3-byte UTF-8 kept", IN("\xE2\x82\xAC 5"), "\xE2\x82\xAC 5" },
	{ "4-byte UTF-8 kept", IN("\xF0\x9F\x98\x80!"), "\xF0\x9F\x98\x80!" },
	{ "U+10FFFF kept", IN("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF" },
	{ "NBSP U+00A0 kept", IN("a\xC2\xA0" "b"), "a\xC2\xA0" "b" },
	{ "TAB and LF kept", IN("a\tb\nc"), "a\tb\nc" },
	{ "CRLF becomes LF", IN("a\r\nb\r\n"), "a\nb\n" },
	{ "lone CR dropped", IN("a\rb"), "ab" },
	{ "invalid byte 0xFF", IN("a\xFF" "b"), "a" FFFD "b" },
	{ "lone continuation byte", IN("a\x80" "b"), "a" FFFD "b" },
	{ "Latin-1 byte is not UTF-8", IN("caf\xE9!"), "caf" FFFD "!" },
	{ "overlong 2-byte slash", IN("\xC0\xAF"), FFFD FFFD },
	{ "overlong 3-byte slash", IN("\xE0\x80\xAF"), FFFD FFFD FFFD },
	{ "overlong 4-byte", IN("\xF0\x80\x80\xAF"), FFFD FFFD FFFD FFFD },
	{ "surrogate U+D800", IN("\xED\xA0\x80"), FFFD FFFD FFFD },
	{ "above U+10FFFF", IN("\xF4\x90\x80\x80"), FFFD FFFD FFFD FFFD },
	{ "ESC of a colour sequence", IN("\x1B[31mred"), FFFD "[31mred" },
	{ "NUL byte", IN("a\0b"), "a" FFFD "b" },
	{ "BEL and BS", IN("\x07\x08"), FFFD FFFD },
	{ "vertical tab and form feed", IN("\x0B\x0C"), FFFD FFFD },
	{ "DEL", IN("a\x7F" "b"), "a" FFFD "b" },
	{ "C1 CSI U+009B", IN("\xC2\x9B" "2J"), FFFD "2J" },
	{ "C1 NEL U+0085", IN("\xC2\x85"), FFFD },
	{ "C1 U+0080 first", IN("\xC2\x80"), FFFD },
	{ "C1 U+009F last", IN("\xC2\x9F"), FFFD },
	/* One U+FFFD per byte of the broken sequence (Unicode's "maximal
	 * subpart" practice would give one for the pair). */
	{ "truncated 3-byte sequence at the end", IN("ab\xE2\x82"), "ab" FFFD FFFD },
	{ "truncated 4-byte sequence at the end", IN("\xF0\x9F\x98"), FFFD FFFD FFFD },
	{ "lead byte followed by ASCII", IN("\xE2\x82x"), FFFD FFFD "x" },
};

static void sanitize_case(void **state)
{
	const struct sanitize_case *c = *state;
	struct lib_buf out = LIB_BUF_INIT;
	lib_utf8_sanitize(c->in, c->len, &out);
	char *got = lib_buf_take(&out);
	if (strcmp(got, c->out) != 0) {
		struct lib_buf shown = LIB_BUF_INIT;
		for (const char *p = got; *p; p++)
			lib_buf_printf(&shown, (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F
						       ? "\\x%02X" : "%c", (unsigned char)*p);
		char *s = lib_buf_take(&shown);
		print_message("%s: got \"%s\"\n", c->name, s);
		free(s);
		free(got);
		fail_msg("%s: unexpected output", c->name);
	}
	free(got);
}

static void sanitize_appends_to_existing_buffer(void **state)
{
	(void)state;
	struct lib_buf out = LIB_BUF_INIT;
	lib_buf_puts(&out, "pre:");
	lib_utf8_sanitize("\x1B" "x", 2, &out);
	assert_string_equal(out.data, "pre:" FFFD "x");
	lib_buf_release(&out);
}

static void sanitize_stops_at_len(void **state)
{
	(void)state;
	struct lib_buf out = LIB_BUF_INIT;
	lib_utf8_sanitize("abc\x1B" "def", 3, &out);
	assert_string_equal(out.data, "abc");
	assert_int_equal(out.len, 3);
	lib_buf_release(&out);
}

/* Every one of the 256 single bytes comes out as valid UTF-8 with no C0,
 * DEL, or C1 control but TAB and LF. */
static void sanitize_output_is_terminal_safe_for_every_byte(void **state)
{
	(void)state;
	for (int byte = 0; byte < 256; byte++) {
		char in[3] = { 'a', (char)byte, 'z' };
		struct lib_buf out = LIB_BUF_INIT;
		lib_utf8_sanitize(in, sizeof in, &out);
		const unsigned char *s = (const unsigned char *)out.data;
		size_t i = 0;
		while (i < out.len) {
			unsigned cp;
			size_t n = lib_utf8_decode(s + i, out.len - i, &cp);
			if (n == 0)
				fail_msg("byte 0x%02X: invalid UTF-8 in output", byte);
			if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp < 0xA0))
				fail_msg("byte 0x%02X: control U+%04X in output", byte, cp);
			i += n;
		}
		lib_buf_release(&out);
	}
}

/* --- lib_utf8_decode -------------------------------------------------- */

struct decode_case {
	const char *name;
	const char *in;
	size_t len;
	size_t want_len; /* 0: invalid */
	unsigned want_cp;
};

static const struct decode_case decode_cases[] = {
	{ "ASCII", IN("A"), 1, 0x41 },
	{ "NUL", "\0", 1, 1, 0 },
	{ "DEL", IN("\x7F"), 1, 0x7F },
	{ "U+00E9", IN("\xC3\xA9"), 2, 0xE9 },
	{ "U+0080 (C1, still valid UTF-8)", IN("\xC2\x80"), 2, 0x80 },
	{ "U+07FF", IN("\xDF\xBF"), 2, 0x7FF },
	{ "U+0800", IN("\xE0\xA0\x80"), 3, 0x800 },
	{ "U+20AC", IN("\xE2\x82\xAC"), 3, 0x20AC },
	{ "U+FFFD", IN(FFFD), 3, 0xFFFD },
	{ "U+10000", IN("\xF0\x90\x80\x80"), 4, 0x10000 },
	{ "U+1F600", IN("\xF0\x9F\x98\x80"), 4, 0x1F600 },
	{ "U+10FFFF", IN("\xF4\x8F\xBF\xBF"), 4, 0x10FFFF },
	{ "decodes only the first of two", IN("\xC3\xA9\xC3\xA9"), 2, 0xE9 },
	{ "empty", "", 0, 0, 0 },
	{ "lone continuation", IN("\x80"), 0, 0 },
	{ "0xC0 lead (overlong)", IN("\xC0\x80"), 0, 0 },
	{ "0xC1 lead (overlong)", IN("\xC1\xBF"), 0, 0 },
	{ "overlong 3-byte", IN("\xE0\x9F\xBF"), 0, 0 },
	{ "overlong 4-byte", IN("\xF0\x8F\xBF\xBF"), 0, 0 },
	{ "surrogate U+D800", IN("\xED\xA0\x80"), 0, 0 },
	{ "surrogate U+DFFF", IN("\xED\xBF\xBF"), 0, 0 },
	{ "above U+10FFFF", IN("\xF4\x90\x80\x80"), 0, 0 },
	{ "0xF5 lead", IN("\xF5\x80\x80\x80"), 0, 0 },
	{ "0xFF", IN("\xFF"), 0, 0 },
	{ "truncated 2-byte", IN("\xC3"), 0, 0 },
	{ "truncated 4-byte", IN("\xF0\x9F\x98"), 0, 0 },
	{ "bad continuation", IN("\xE2\x28\xA1"), 0, 0 },
};

static void decode_case(void **state)
{
	const struct decode_case *c = *state;
	unsigned cp = 0xDEADu;
	size_t n = lib_utf8_decode((const unsigned char *)c->in, c->len, &cp);
	if (n != c->want_len)
		fail_msg("%s: length %zu, want %zu", c->name, n, c->want_len);
	if (n && cp != c->want_cp)
		fail_msg("%s: U+%04X, want U+%04X", c->name, cp, c->want_cp);
}

static void decode_respects_len_limit(void **state)
{
	(void)state;
	unsigned cp;
	/* The bytes are all there, but len says only two may be read. */
	assert_int_equal(lib_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 2, &cp), 0);
}

/* --- lib_read_file ---------------------------------------------------- */

/* A temporary file holding data; the path is written to path[64]. */
static void make_temp_file(char path[64], const char *data, size_t len)
{
	snprintf(path, 64, "%s", "/tmp/frank-test-lib-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void read_file_reads_whole_file(void **state)
{
	(void)state;
	char path[64];
	make_temp_file(path, "line 1\n\0binary\nend", 18);
	char *data = NULL;
	size_t len = 0;
	struct lib_err err = { "" };
	int rc = lib_read_file(path, 1024, &data, &len, &err);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(len, 18);
	assert_memory_equal(data, "line 1\n\0binary\nend", 18);
	assert_int_equal(data[len], '\0');
	free(data);
}

static void read_file_reads_file_larger_than_a_chunk(void **state)
{
	(void)state;
	size_t size = 200000;
	char *big = lib_xmalloc(size);
	for (size_t i = 0; i < size; i++)
		big[i] = (char)('a' + i % 26);
	char path[64];
	make_temp_file(path, big, size);
	char *data = NULL;
	size_t len = 0;
	struct lib_err err;
	int rc = lib_read_file(path, size, &data, &len, &err);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(len, size);
	assert_memory_equal(data, big, size);
	free(data);
	free(big);
}

static void read_file_empty_file_gives_empty_string(void **state)
{
	(void)state;
	char path[64];
	make_temp_file(path, "", 0);
	char *data = NULL;
	size_t len = 99;
	struct lib_err err;
	int rc = lib_read_file(path, 10, &data, &len, &err);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(len, 0);
	assert_non_null(data);
	assert_string_equal(data, "");
	free(data);
}

static void read_file_accepts_exactly_max_size(void **state)
{
	(void)state;
	char path[64];
	make_temp_file(path, "12345", 5);
	char *data = NULL;
	size_t len = 0;
	struct lib_err err;
	int rc = lib_read_file(path, 5, &data, &len, &err);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_string_equal(data, "12345");
	free(data);
}

static void read_file_refuses_file_over_max_size(void **state)
{
	(void)state;
	char path[64];
	make_temp_file(path, "123456", 6);
	char *data = (char *)"untouched";
	size_t len = 42;
	struct lib_err err = { "" };
	int rc = lib_read_file(path, 5, &data, &len, &err);
	char want[256];
	snprintf(want, sizeof want, "%s: file too large (6 bytes, limit 5)", path);
	unlink(path);
	assert_int_equal(rc, -1);
	assert_string_equal(err.msg, want);
	assert_string_equal(data, "untouched");
	assert_int_equal(len, 42);
}

static void read_file_missing_file_fails_with_message(void **state)
{
	(void)state;
	char *data = NULL;
	size_t len = 0;
	struct lib_err err = { "" };
	int rc = lib_read_file("/nonexistent/frank/file", 100, &data, &len, &err);
	assert_int_equal(rc, -1);
	assert_null(data);
	assert_string_equal(err.msg, "/nonexistent/frank/file: No such file or directory");
}

static void read_file_refuses_directory(void **state)
{
	(void)state;
	char *data = NULL;
	size_t len = 0;
	struct lib_err err = { "" };
	assert_int_equal(lib_read_file("/tmp", 100, &data, &len, &err), -1);
	assert_null(data);
	assert_string_equal(err.msg, "/tmp: not a regular file");
}

/* --- the suite -------------------------------------------------------- */

#define NSANITIZE (sizeof sanitize_cases / sizeof sanitize_cases[0])
#define NDECODE (sizeof decode_cases / sizeof decode_cases[0])

/* --- lib_strset ------------------------------------------------------- */

static void strset_adds_once_and_finds_after_growing(void **state)
{
	(void)state;
	struct lib_strset *set = lib_strset_new();
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d@example.org", i);
		assert_int_equal(lib_strset_add(set, key), 1);
	}
	assert_int_equal(lib_strset_add(set, "k17@example.org"), 0);
	assert_int_equal(lib_strset_count(set), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d@example.org", i);
		assert_true(lib_strset_has(set, key));
	}
	assert_false(lib_strset_has(set, "k5000@example.org"));
	assert_false(lib_strset_has(set, ""));
	lib_strset_free(set);
}

static void strset_next_walks_every_member_once(void **state)
{
	(void)state;
	struct lib_strset *set = lib_strset_new();
	lib_strset_add(set, "a");
	lib_strset_add(set, "b");
	lib_strset_add(set, "c");
	lib_strset_add(set, "b");
	size_t pos = 0, seen = 0;
	int mask = 0;
	const char *s;
	while ((s = lib_strset_next(set, &pos))) {
		seen++;
		mask |= 1 << (s[0] - 'a');
	}
	assert_int_equal(seen, 3);
	assert_int_equal(mask, 7);
	lib_strset_free(set);
	lib_strset_free(NULL);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(strset_adds_once_and_finds_after_growing),
		cmocka_unit_test(strset_next_walks_every_member_once),
		cmocka_unit_test(err_set_formats_message_and_returns_minus_one),
		cmocka_unit_test(err_set_accepts_null_err),
		cmocka_unit_test(err_set_truncates_long_message),
		cmocka_unit_test(buf_append_grows_over_many_kilobytes),
		cmocka_unit_test(buf_append_keeps_nul_bytes),
		cmocka_unit_test(buf_append_nothing_still_terminates),
		cmocka_unit_test(buf_printf_grows_over_many_kilobytes),
		cmocka_unit_test(buf_printf_one_long_string),
		cmocka_unit_test(buf_printf_empty_result_gives_empty_string),
		cmocka_unit_test(buf_take_hands_over_data_and_empties),
		cmocka_unit_test(buf_take_of_empty_buffer_is_empty_string),
		cmocka_unit_test(buf_reset_empties_and_keeps_capacity),
		cmocka_unit_test(buf_reset_of_empty_buffer_is_harmless),
		cmocka_unit_test(xasprintf_formats_new_string),
		cmocka_unit_test(xstrndup_stops_at_n_or_nul),
		cmocka_unit_test(sanitize_appends_to_existing_buffer),
		cmocka_unit_test(sanitize_stops_at_len),
		cmocka_unit_test(sanitize_output_is_terminal_safe_for_every_byte),
		cmocka_unit_test(decode_respects_len_limit),
		cmocka_unit_test(read_file_reads_whole_file),
		cmocka_unit_test(read_file_reads_file_larger_than_a_chunk),
		cmocka_unit_test(read_file_empty_file_gives_empty_string),
		cmocka_unit_test(read_file_accepts_exactly_max_size),
		cmocka_unit_test(read_file_refuses_file_over_max_size),
		cmocka_unit_test(read_file_missing_file_fails_with_message),
		cmocka_unit_test(read_file_refuses_directory),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	size_t n = nfixed + NSANITIZE + NDECODE;
	struct CMUnitTest *tests = lib_xcalloc(n, sizeof *tests);
	char **names = lib_xcalloc(NSANITIZE + NDECODE, sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < nfixed; i++)
		tests[k++] = fixed[i];
	for (size_t i = 0; i < NSANITIZE; i++) {
		names[i] = lib_xasprintf("sanitize: %s", sanitize_cases[i].name);
		tests[k++] = (struct CMUnitTest){ names[i], sanitize_case, NULL, NULL,
						  (void *)&sanitize_cases[i] };
	}
	for (size_t i = 0; i < NDECODE; i++) {
		names[NSANITIZE + i] = lib_xasprintf("decode: %s", decode_cases[i].name);
		tests[k++] = (struct CMUnitTest){ names[NSANITIZE + i], decode_case, NULL, NULL,
						  (void *)&decode_cases[i] };
	}
	int rc = _cmocka_run_group_tests("lib", tests, n, NULL, NULL);
	for (size_t i = 0; i < NSANITIZE + NDECODE; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
