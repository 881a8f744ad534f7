/* fuzz_imapd_bodystructure.c: frankd's FETCH structure builder
 * (imapd_body.c) and envelope writer (imapd_envelope.c) on any bytes.
 * Besides not crashing or leaking: BODY and BODYSTRUCTURE are balanced
 * parenthesized lists outside strings; every section found is a range
 * inside the message; the envelope of the header is one list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

/* The parentheses of an IMAP value balance, literals and quoted strings
 * skipped. */
static void check_balanced(const struct lib_buf *out)
{
	long depth = 0;
	for (size_t i = 0; i < out->len; i++) {
		char c = out->data[i];
		if (c == '"') {
			for (i++; i < out->len && out->data[i] != '"'; i++)
				i += out->data[i] == '\\';
		} else if (c == '{') {
			char *end;
			unsigned long long n = strtoull(out->data + i + 1, &end, 10);
			if (*end != '}' || end[1] != '\r' || end[2] != '\n')
				abort();
			i = (size_t)(end - out->data) + 2 + n;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth < 0) {
			abort();
		}
	}
	if (depth != 0 || out->len == 0 || out->data[0] != '(')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct frankd_imap_body *b = frankd_imap_body_parse(text, size);
	for (int ext = 0; ext < 2; ext++) {
		struct lib_buf out = LIB_BUF_INIT;
		frankd_imap_body_format(b, ext, &out);
		check_balanced(&out);
		lib_buf_release(&out);
	}
	static const enum frankd_imap_section_kind kinds[] = {
		FRANKD_SECTION_ALL, FRANKD_SECTION_HEADER, FRANKD_SECTION_TEXT, FRANKD_SECTION_MIME,
	};
	for (uint32_t a = 1; a <= 3; a++)
		for (uint32_t c = 0; c <= 3; c++)
			for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
				struct frankd_imap_section sec;
				memset(&sec, 0, sizeof sec);
				sec.kind = kinds[k];
				sec.part[0] = a, sec.part[1] = c, sec.part[2] = 1;
				sec.nparts = c ? 3 : 1;
				size_t start, len;
				if (frankd_imap_body_section(b, &sec, &start, &len) == 0 &&
				    (start > size || len > size - start))
					abort();
			}
	frankd_imap_body_free(b);
	struct lib_buf env = LIB_BUF_INIT;
	frankd_imap_envelope_format(text, size, &env);
	check_balanced(&env);
	lib_buf_release(&env);
	return 0;
}
