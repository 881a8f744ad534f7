/* fuzz_pop3d_parse.c: frankd's POP3 command parser and multi-line body.
 * Besides not crashing: an error is a "-ERR" line; a parsed command's
 * argument holds no control character and fits the line; the body has
 * CRLF line ends only, no line "." alone, and is exactly the CRLF size
 * plus one byte per doubled dot. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

static void check_command(const char *data, size_t size)
{
	struct frankd_pop3_cmd cmd;
	const char *error = NULL;
	if (frankd_pop3_parse(data, size, &cmd, &error) < 0) {
		if (!error || strncmp(error, "-ERR ", 5) != 0)
			abort();
		return;
	}
	size_t n = strlen(cmd.arg);
	if (n > size)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)cmd.arg[i] < 0x20)
			abort();
	if (cmd.has_number && (cmd.number == 0 || cmd.number > FRANKD_POP3_NUMBER_MAX))
		abort();
}

static void check_body(const char *data, size_t size)
{
	struct lib_buf out = LIB_BUF_INIT;
	size_t n = frankd_pop3_body(data, size, NULL, &out);
	size_t dots = 0;
	for (size_t i = 0; i < n; i++) {
		int line_start = i == 0 || out.data[i - 1] == '\n';
		if (out.data[i] == '\n' && (i == 0 || out.data[i - 1] != '\r'))
			abort(); /* a bare LF */
		if (line_start && out.data[i] == '.') {
			if (i + 1 >= n || out.data[i + 1] != '.')
				abort(); /* a line starting with one dot: not stuffed */
			dots++;
			i++;
		}
	}
	/* a lone CR at a line's end is taken as part of CRLF */
	if (n != frankd_crlf_size(data, size) + dots && !memchr(data, '\r', size))
		abort();
	unsigned long lines = (unsigned long)(size % 5);
	struct lib_buf top = LIB_BUF_INIT;
	size_t t = frankd_pop3_body(data, size, &lines, &top);
	if (t > n || (t && memcmp(top.data, out.data, t) != 0))
		abort(); /* TOP is a prefix of RETR */
	lib_buf_release(&top);
	lib_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_command((const char *)data, size);
	check_body((const char *)data, size);
	return 0;
}
