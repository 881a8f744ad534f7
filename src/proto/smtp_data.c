/* smtp_data.c: what goes into the SMTP commands and the DATA stream,
 * checked and encoded by pure functions. */
#include "proto.h"

#include <string.h>

#define SMTP_PATH_MAX 254 /* RFC 5321 4.5.3.1.3: a path is 256 octets with <> */

/* RFC 5321 4.5.2: "Before sending a line of mail text, the SMTP client
 * checks the first character of the line.  If it is a period, one
 * additional period is inserted at the beginning of the line."  Lines end
 * in CRLF on the wire (2.3.8): a bare LF becomes CRLF, and a bare CR too,
 * since a receiver may take either for a line end. */
void smtp_data_encode(const char *msg, size_t len, struct lib_buf *out)
{
	int line_start = 1;
	size_t i = 0;
	while (i < len) {
		if (line_start && msg[i] == '.')
			lib_buf_putc(out, '.');
		/* Copy the run up to the next CR or LF in one piece. */
		size_t run = i;
		while (run < len && msg[run] != '\r' && msg[run] != '\n')
			run++;
		lib_buf_append(out, msg + i, run - i);
		if (run == len) {
			i = run;
			line_start = 0;
			break;
		}
		lib_buf_append(out, "\r\n", 2);
		i = run + (msg[run] == '\r' && run + 1 < len && msg[run + 1] == '\n' ? 2 : 1);
		line_start = 1;
	}
	if (!line_start)
		lib_buf_append(out, "\r\n", 2);
	lib_buf_append(out, ".\r\n", 3);
}

int smtp_data_is_8bit(const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)msg[i] > 127)
			return 1;
	return 0;
}

int smtp_path_check(const char *address, int allow_empty, struct lib_err *err)
{
	size_t len = strlen(address);
	if (len == 0)
		return allow_empty ? 0 : lib_err_set(err, "an empty address");
	if (len > SMTP_PATH_MAX)
		return lib_err_set(err, "address longer than %d bytes: %.40s...", SMTP_PATH_MAX,
				   address);
	/* Controls first: the address is not echoed while it holds any. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)address[i] < 0x20 || address[i] == 0x7F)
			return lib_err_set(err, "address with a control character: not sent");
	int quoted = 0, utf8 = 0;
	const char *at = NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)address[i];
		if (c == '<' || c == '>')
			return lib_err_set(err, "address with < or >: %s", address);
		if (c >= 0x80)
			utf8 = 1;
		if (c == '"')
			quoted = !quoted;
		else if (c == '\\' && quoted && i + 1 < len)
			i++;
		else if (c == ' ' && !quoted)
			return lib_err_set(err, "address with a space: %s", address);
		else if (c == '@' && !quoted)
			at = address + i;
	}
	if (quoted)
		return lib_err_set(err, "address with an unclosed quote: %s", address);
	if (!at || at == address || !at[1])
		return lib_err_set(err, "not an address (local@domain): %s", address);
	return utf8;
}
