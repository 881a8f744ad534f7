/* fuzz_ui_json.c: the verification view's JSON reader (ui/json.c) on
 * arbitrary bytes.  ui/ is not in the fuzz build's libraries (it needs
 * curses), so the reader's two files, which need none, are built here.
 *
 * Checked: no crash, leak or read past len; a parse either fails with a
 * message "JSON: byte N: ..." where N <= len, or gives a value whose every
 * string is valid UTF-8 without control characters but TAB and LF; a
 * value written back by the reference writer below parses again to the
 * same text (so parsing is faithful for what it accepts). */
#include "../../ui/json.c"
#include "../../ui/text.c"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_ui_json: %s\n", why);
	abort();
}

static void check_string(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			fuzz_fail("a string is not UTF-8");
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F)
			fuzz_fail("a control character in a string");
		i += n;
	}
}

/* Writes v as JSON (strings escaped minimally, numbers as %.17g). */
static void write_value(const struct ui_json *v, struct lib_buf *out)
{
	switch (v->type) {
	case UI_JSON_NULL: lib_buf_puts(out, "null"); break;
	case UI_JSON_BOOL: lib_buf_puts(out, v->boolean ? "true" : "false"); break;
	case UI_JSON_NUMBER: /* 1e999 reads as infinity, which JSON cannot write */
		if (isfinite(v->number))
			lib_buf_printf(out, "%.17g", v->number);
		else
			lib_buf_puts(out, "null");
		break;
	case UI_JSON_STRING:
		check_string(v->string);
		lib_buf_putc(out, '"');
		for (const char *p = v->string; *p; p++) {
			if (*p == '"' || *p == '\\')
				lib_buf_printf(out, "\\%c", *p);
			else if (*p == '\n')
				lib_buf_puts(out, "\\n");
			else if (*p == '\t')
				lib_buf_puts(out, "\\t");
			else
				lib_buf_putc(out, *p);
		}
		lib_buf_putc(out, '"');
		break;
	case UI_JSON_ARRAY:
	case UI_JSON_OBJECT:
		lib_buf_putc(out, v->type == UI_JSON_ARRAY ? '[' : '{');
		for (size_t i = 0; i < v->count; i++) {
			if (i)
				lib_buf_putc(out, ',');
			if (v->type == UI_JSON_OBJECT) {
				struct ui_json key = { .type = UI_JSON_STRING, .string = v->keys[i] };
				write_value(&key, out);
				lib_buf_putc(out, ':');
			}
			write_value(v->items[i], out);
		}
		lib_buf_putc(out, v->type == UI_JSON_ARRAY ? ']' : '}');
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lib_err err = { "" };
	struct ui_json *v = ui_json_parse((const char *)data, size, &err);
	if (!v) {
		size_t at;
		if (sscanf(err.msg, "JSON: byte %zu: ", &at) != 1)
			fuzz_fail("an error without its byte");
		if (at > size + 1)
			fuzz_fail("an error past the end of the input");
		return 0;
	}
	struct lib_buf once = LIB_BUF_INIT, twice = LIB_BUF_INIT;
	write_value(v, &once);
	struct ui_json *again = ui_json_parse(once.data, once.len, &err);
	if (!again)
		fuzz_fail("what was written back does not parse");
	write_value(again, &twice);
	if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
		fuzz_fail("parsing what was written back changes it");
	(void)ui_json_str(v, "badge");
	(void)ui_json_num(v, "v", 0);
	(void)ui_json_true(v, "partial");
	ui_json_free(again);
	ui_json_free(v);
	lib_buf_release(&once);
	lib_buf_release(&twice);
	return 0;
}
