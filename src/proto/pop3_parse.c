/* pop3_parse.c: POP3 replies, pure functions over bytes.  From RFC 1939
 * (3, 7) and RFC 2449 (CAPA):
 *
 *   single-line = status [SP text] CRLF
 *   status      = "+OK" / "-ERR"
 *   multi-line  = single-line *(line CRLF) "." CRLF
 *                 ; a line starting with "." has another "." put before it
 *   uidl-line   = msg-number SP unique-id   ; unique-id = 1*70 %x21-7E
 *   scan-line   = msg-number SP size
 */
#include "proto.h"

#include <string.h>

int pop3_status(const char *line, size_t len, const char **text)
{
	static const struct {
		const char *word;
		int ok;
	} words[] = { { "+OK", 1 }, { "-ERR", 0 } };
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(words[i].word);
		if (len < n || memcmp(line, words[i].word, n) != 0)
			continue;
		if (len > n && line[n] != ' ')
			continue;
		*text = len > n ? line + n + 1 : line + len;
		return words[i].ok;
	}
	*text = line;
	return -1;
}

int pop3_multiline(const char *line, size_t len, const char **out, size_t *out_len)
{
	if (len == 1 && line[0] == '.')
		return 1;
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	*out = line;
	*out_len = len;
	return 0;
}

/* "N WORD": the number, and where WORD starts. */
static int number_then(const char *line, size_t len, unsigned long long max,
		       unsigned long long *n, size_t *rest)
{
	size_t i = 0;
	unsigned long long v = 0;
	while (i < len && line[i] >= '0' && line[i] <= '9') {
		v = v * 10 + (unsigned)(line[i] - '0');
		if (v > max)
			return -1;
		i++;
	}
	if (i == 0 || i >= len || line[i] != ' ')
		return -1;
	while (i < len && line[i] == ' ')
		i++;
	*n = v;
	*rest = i;
	return 0;
}

int pop3_uidl_line(const char *line, size_t len, unsigned long *msg, char uid[71],
		   struct lib_err *err)
{
	unsigned long long n;
	size_t at;
	if (number_then(line, len, 0xFFFFFFFFull, &n, &at) < 0 || n == 0)
		return lib_err_set(err, "malformed POP3 UIDL line");
	size_t ulen = len - at;
	while (ulen && line[at + ulen - 1] == ' ')
		ulen--;
	if (ulen == 0 || ulen > 70)
		return lib_err_set(err, "malformed POP3 UIDL line: unique-id of %zu bytes", ulen);
	for (size_t i = 0; i < ulen; i++)
		if ((unsigned char)line[at + i] < 0x21 || (unsigned char)line[at + i] > 0x7E)
			return lib_err_set(err, "malformed POP3 UIDL line: bad byte in unique-id");
	memcpy(uid, line + at, ulen);
	uid[ulen] = '\0';
	*msg = (unsigned long)n;
	return 0;
}

int pop3_list_line(const char *line, size_t len, unsigned long *msg,
		   unsigned long long *size, struct lib_err *err)
{
	unsigned long long n, v = 0;
	size_t at;
	if (number_then(line, len, 0xFFFFFFFFull, &n, &at) < 0 || n == 0 || at >= len)
		return lib_err_set(err, "malformed POP3 LIST line");
	size_t i = at;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		if (v > (~0ull - 9) / 10)
			return lib_err_set(err, "malformed POP3 LIST line: size overflows");
		v = v * 10 + (unsigned)(line[i] - '0');
	}
	if (i == at || (i < len && line[i] != ' '))
		return lib_err_set(err, "malformed POP3 LIST line");
	*msg = (unsigned long)n;
	*size = v;
	return 0;
}
