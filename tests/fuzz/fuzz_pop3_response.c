/* fuzz_pop3_response.c: the POP3 reply parsers on each line of any bytes:
 * status lines, multi-line unstuffing, UIDL and LIST lines; what they
 * return must lie inside the line and keep the RFC's limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

#include "proto.h"

static void one_line(const char *line, size_t len)
{
	const char *text, *out;
	size_t out_len;
	int st = pop3_status(line, len, &text);
	if (st >= 0 && (text < line || text > line + len))
		abort();
	if (pop3_multiline(line, len, &out, &out_len) == 0 &&
	    (out < line || out + out_len > line + len))
		abort();
	unsigned long msg;
	unsigned long long size;
	char uid[71];
	struct lib_err err;
	if (pop3_uidl_line(line, len, &msg, uid, &err) == 0) {
		size_t n = strlen(uid);
		if (n == 0 || n > 70 || msg == 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)uid[i] < 0x21 || (unsigned char)uid[i] > 0x7E)
				abort();
	}
	if (pop3_list_line(line, len, &msg, &size, &err) == 0 && msg == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_line(data, size, 1, one_line);
	return 0;
}
